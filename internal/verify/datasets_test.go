package verify_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"safetynet/internal/apptest"
	"safetynet/internal/money"
	"safetynet/internal/verify"
)

// An .xlsx dataset loads from a file like a CSV one (numbers as numeric
// cells), and the check finds its records.
func TestImportXLSXFile(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	x := excelize.NewFile()
	rows := [][]any{{"id_number", "broker", "value", "as_of"},
		{f.head, "某证券公司", 52000.5, "2025-12-31"},
		{},
		{f.spouse, "另一证券公司", "1200.00", "2025-12-31"}}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "securities.xlsx")
	if err := x.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	x.Close()
	res, err := f.a.Verify.ImportFile(f.ctx, apptest.System().Actor(), "securities", "2025-12-31", path, true, false)
	if err != nil || res.Parsed.Rows != 2 || res.Loaded != 2 || res.Snapshot.Rows != 2 || res.Unchanged {
		t.Fatalf("import = %+v, %v; want 2 rows", res, err)
	}
	rep, err := f.a.Verify.Check(f.ctx, &f.h1, "2026-01-15")
	if err != nil {
		t.Fatal(err)
	}
	var found *verify.Finding
	for i, x := range rep.Members[0].Findings {
		if x.Source == "securities" {
			found = &rep.Members[0].Findings[i]
		}
	}
	if found == nil || found.Value != money.Money(5_200_050) || found.Ref != "某证券公司" || found.Snapshot != "2025-12-31" || found.Mode != verify.Online {
		t.Fatalf("head's securities finding = %+v in %+v", found, rep.Members[0].Findings)
	}
	// A bad cell of an .xlsx is named like a CSV's, by its sheet row.
	bad := excelize.NewFile()
	for i, r := range [][]any{{"id_number", "broker", "value", "as_of"}, {f.head, "某证券公司", "abc", "2025-12-31"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		bad.SetSheetRow("Sheet1", cell, &r)
	}
	path = filepath.Join(t.TempDir(), "bad.xlsx")
	if err := bad.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	bad.Close()
	res, err = f.a.Verify.ImportFile(f.ctx, apptest.System().Actor(), "securities", "2026-01-31", path, true, false)
	if err == nil || len(res.Parsed.Errors) != 1 || res.Parsed.Errors[0].Row != 2 || res.Parsed.Errors[0].Column != "value" {
		t.Fatalf("bad xlsx = %+v, %v", res.Parsed, err)
	}
}

// The register file is read as CSV: quoted fields keep their commas,
// doubled quotes and line breaks, and a bad cell is named by line and
// column.
func TestParseRegisterQuotedFields(t *testing.T) {
	t.Parallel()
	staff := apptest.ID("530102", "1975-02-03", 31)
	rel := apptest.ID("530102", "1950-06-07", 41)
	file := "\ufeffstaff_id,staff_name,role,unit,region,relative_id,relative_name,relation\r\n" +
		staff + ",\"赵,六\",村（居）委会成员,\"五华区华山街道,某社区\",530102001001," + rel + ",\"赵\"\"大\"\"\",父母\r\n" +
		staff + ",赵六,县民政局工作人员,\"两行\n单位\",530102,530102195006071234,赵二,子女\r\n"
	es, rows, bad, err := verify.ParseRegister(strings.NewReader(file))
	if err != nil || rows != 2 || len(es) != 1 {
		t.Fatalf("parse = %+v %d %+v %v", es, rows, bad, err)
	}
	want := verify.StaffEntry{County: "530102000000", StaffID: staff, StaffName: "赵,六", Role: "village_committee", RelativeID: rel, Relation: "父母"}
	if es[0] != want {
		t.Errorf("entry %+v; want %+v", es[0], want)
	}
	var got []string
	for _, e := range bad {
		got = append(got, e.Zh())
	}
	if !slices.Equal(got, []string{"第3行【近亲属身份证号码】：" + bad[0].Msg}) {
		t.Errorf("errors %q", got)
	}
	if _, _, _, err := verify.ParseRegister(strings.NewReader("staff_id,name\n")); err == nil {
		t.Error("a wrong header was accepted")
	}
}
