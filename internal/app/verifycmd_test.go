package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safetynet/internal/apptest"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
)

func TestVerifyCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := apptest.DSN(t)
	dir := t.TempDir()
	if code, _, errs := run(t, "", "verify", "sources", "--db", dsn); code != 0 {
		t.Fatalf("verify sources on an empty database = %d %q", code, errs)
	}
	head := apptest.ID("530102", "1970-03-04", 11)
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Registry().LoadHouseholds(ctx, []registry.Household{{County: "530102000000", Village: "530102001001", Area: registry.Urban,
		Members:    []registry.Member{{IDNumber: head, Name: "张三", Sex: "M", BirthDate: "1970-03-04", Relationship: registry.Head}},
		Enrolments: []registry.Enrolment{{Programme: "dibao", Since: "2020-01-01"}}}})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("id_number,plate,type,value,registered\n"+head+",云A1,小型轿车,120000.00,2015-01-01\n"+
		head+",云A2,小型轿车,abc,2015-01-01\n"), 0o644)
	code, _, errs := run(t, "", "import", "dataset", "--source", "vehicles", "--as-of", "2025-12-31", "--db", dsn, bad)
	if code != 2 || !strings.Contains(errs, "第3行【价值】") || !strings.Contains(errs, "row 3, column value") {
		t.Fatalf("import of a bad file = %d %q", code, errs)
	}
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("id_number,plate,type,value,registered\n"+head+",云A1,小型轿车,120000.00,2015-01-01\n"), 0o644)
	code, out, errs := run(t, "", "import", "dataset", "--source", "vehicles", "--as-of", "2025-12-31", "--db", dsn, good)
	if code != 0 || !strings.Contains(out, "1 rows") {
		t.Fatalf("import = %d %q %q", code, out, errs)
	}
	if code, out, _ := run(t, "", "import", "dataset", "--source", "vehicles", "--as-of", "2025-12-31", "--db", dsn, good); code != 0 ||
		!strings.Contains(out, "unchanged") {
		t.Fatalf("re-import = %d %q", code, out)
	}
	code, out, _ = run(t, "", "verify", "sources", "--db", dsn)
	if code != 0 || !strings.Contains(out, "vehicles") || !strings.Contains(out, "2025-12-31") {
		t.Fatalf("verify sources = %d %q", code, out)
	}
	for _, engine := range []string{"memory", "sql"} {
		code, out, errs = run(t, "", "verify", "--all", "--engine", engine, "--as-of", "2026-01-15", "--db", dsn)
		if code != 0 || !strings.Contains(out, "1 households: 0 meet, 1 do not") {
			t.Fatalf("verify --all --engine %s = %d %q %q", engine, code, out, errs)
		}
	}
	// The second run compares with the first: nothing changed.
	if !strings.Contains(out, "households whose verdict changed since run") || !strings.Contains(out, ": 0\n") {
		t.Fatalf("second run: %q", out)
	}
	if code, _, _ := run(t, "", "verify", "--all", "--region", "5301", "--db", dsn); code != 2 {
		t.Fatalf("--all with --region = %d; want 2", code)
	}
}

// The register file is CSV: a quoted field may hold a comma (here the
// unit), and the row still has its eight columns.
func TestImportStaffRelativesQuotedField(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := apptest.DSN(t)
	staff := apptest.ID("530102", "1975-02-03", 31)
	rel := apptest.ID("530102", "1950-06-07", 41)
	name := filepath.Join(t.TempDir(), "staff_relatives.csv")
	os.WriteFile(name, []byte("staff_id,staff_name,role,unit,region,relative_id,relative_name,relation\n"+
		staff+",赵六,村（居）委会成员,\"五华区华山街道,某社区居委会\",530102001001,"+rel+",\"赵\"\"大\"\"\",父母\n"), 0o644)
	code, out, errs := run(t, "", "import", "dataset", "--source", "staff_relatives", "--db", dsn, name)
	if code != 0 || !strings.Contains(out, "loaded 1 register entries") {
		t.Fatalf("import register = %d %q %q", code, out, errs)
	}
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.Verify().Registered(ctx, []string{rel})
	if err != nil || len(got[rel]) != 1 || got[rel][0] != staff {
		t.Fatalf("registered = %v, %v; want %s", got, err, staff)
	}
	// A bad row is named by line and column, and nothing more is added.
	os.WriteFile(name, []byte("staff_id,staff_name,role,unit,region,relative_id,relative_name,relation\n"+
		staff+",赵六,村（居）委会成员,\"a,b\",530102001001,530102195006071234,赵大,父母\n"), 0o644)
	code, _, errs = run(t, "", "import", "dataset", "--source", "staff_relatives", "--db", dsn, name)
	if code != 2 || !strings.Contains(errs, "第2行【近亲属身份证号码】") || !strings.Contains(errs, "row 2, column relative_id") {
		t.Fatalf("bad register = %d %q", code, errs)
	}
}
