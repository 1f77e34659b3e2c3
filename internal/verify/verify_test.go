package verify_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/apptest"
	"safetynet/internal/money"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/verify"
)

// fixture is a small registry with two households and datasets about them.
type fixture struct {
	a            *apptest.App
	ctx          context.Context
	h1, h2       registry.Household
	head, spouse string // household 1
	other, twin  string // household 2; twin is a look-alike of household 1's spouse
	staff        string // a township employee married to household 2's head, outside the registry
}

func member(id, name, sex, birth string, rel registry.Relationship) registry.Member {
	return registry.Member{IDNumber: id, Name: name, Sex: sex, BirthDate: birth, Relationship: rel}
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{a: apptest.NewApp(t), ctx: context.Background()}
	f.head = apptest.ID("530102", "1970-03-04", 11)
	f.spouse = apptest.ID("530102", "1972-05-06", 12)
	f.other = apptest.ID("530102", "1980-01-02", 21)
	f.twin = apptest.ID("530102", "1972-05-06", 14)
	f.staff = apptest.ID("530102", "1981-07-08", 32)
	hs := []registry.Household{
		{County: "530102000000", Village: "530102001001", Area: registry.Urban,
			Members: []registry.Member{member(f.head, "张三", "M", "1970-03-04", registry.Head), member(f.spouse, "李四", "F", "1972-05-06", registry.Spouse)},
			Assets: []registry.Asset{{PersonID: -1, Kind: "vehicle", Value: money.Yuan(30000), VehicleType: "残疾人专用车", RegNo: "云A11111"},
				{PersonID: -1, Kind: "deposit", Value: money.Yuan(3000)}},
			Enrolments: []registry.Enrolment{{Programme: "dibao", Since: "2020-01-01"}}},
		{County: "530102000000", Village: "530102001001", Area: registry.Urban,
			Members:    []registry.Member{member(f.other, "王五", "F", "1980-01-02", registry.Head), member(f.twin, "李四", "F", "1972-05-06", registry.Other)},
			Enrolments: []registry.Enrolment{{Programme: "dibao", Since: "2020-01-01"}}},
	}
	var ids []int64
	if err := f.a.DB.Registry().LoadHouseholds(f.ctx, hs, func(i int, h registry.Household) { ids = append(ids, h.ID) }); err != nil {
		t.Fatal(err)
	}
	var err error
	if f.h1, err = f.a.DB.Registry().Household(f.ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if f.h2, err = f.a.DB.Registry().Household(f.ctx, ids[1]); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"vehicles": "id_number,plate,type,value,registered\n" +
			f.head + ",云A22222,小型轿车,120000.00,2015-01-01\n" +
			f.head + ",云A11111,残疾人专用小型自动挡载客汽车,30000.00,2016-01-01\n" +
			f.spouse + ",云A33333,二轮摩托车,8000.00,2018-01-01\n",
		"real_estate": "id_number,cert_no,area_m2,use,address,registered\n" +
			f.other + ",云(2019)第1号,80.50,住宅,\"五华区,某路1号\",2019-01-01\n" +
			f.other + ",云(2021)第2号,95.00,住宅,五华区某路2号,2021-01-01\n",
		"deposits": "id_number,bank,balance,as_of\n" + f.head + ",农业银行,3000.00,2025-12-31\n",
		"deaths":   "id_number,date,kind\n" + f.spouse + ",2025-06-01,death\n",
		"public_employees": "id_number,name,employer,kind,since\n" +
			f.staff + ",赵六,某街道人民政府,civil_servant,2005-01-01\n",
		"marriages": "id_number,spouse_id,date,kind\n" + f.staff + "," + f.other + ",2010-01-01,marriage\n",
	}
	for _, src := range []string{"vehicles", "real_estate", "deposits", "deaths", "public_employees", "marriages"} {
		res, err := f.a.Verify.Import(f.ctx, apptest.System().Actor(), src, "2025-12-31", []byte(files[src]), false, false)
		if err != nil {
			t.Fatalf("import %s: %v %+v", src, err, res.Parsed)
		}
	}
	return f
}

func TestImportRejectsBadRowsAndLoadsNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	bad := "id_number,plate,type,value,registered\n" +
		f.head + ",云A99999,小型轿车,1.00,2015-01-01\n" +
		"530102197003041234,云A1,小型轿车,100.00,2015-01-01\n" + // wrong check digit
		f.head + ",,小型轿车,12.345,2015-13-01\n" + // three bad cells
		f.head + ",云A2,小型轿车,100.00\n" // a column short
	res, err := f.a.Verify.Import(f.ctx, apptest.System().Actor(), "vehicles", "2026-01-31", []byte(bad), false, false)
	if !apperr.Is(err, apperr.Invalid) || apperr.FieldOf(err) != "rows" {
		t.Fatalf("import = %v; want Invalid rows", err)
	}
	var got []string
	for _, e := range res.Parsed.Errors {
		got = append(got, fmt.Sprintf("%d:%s", e.Row, e.Column))
		if e.Msg == "" || e.MsgEN == "" {
			t.Errorf("row %d %s: message missing: %+v", e.Row, e.Column, e)
		}
	}
	want := []string{"3:id_number", "4:plate", "4:value", "4:registered", "5:"}
	if !slices.Equal(got, want) {
		t.Fatalf("errors %v; want %v", got, want)
	}
	snaps, _ := f.a.DB.Verify().Snapshots(f.ctx)
	for _, s := range snaps {
		if s.AsOf == "2026-01-31" {
			t.Fatalf("a snapshot was stored from a bad file: %+v", s)
		}
	}
	// With --good the good row loads.
	res, err = f.a.Verify.Import(f.ctx, apptest.System().Actor(), "vehicles", "2026-01-31", []byte(bad), false, true)
	if err != nil || res.Loaded != 1 {
		t.Fatalf("good-only import = %+v, %v; want 1 record", res, err)
	}
	// Re-importing the same file for the same date changes nothing.
	again, err := f.a.Verify.Import(f.ctx, apptest.System().Actor(), "vehicles", "2026-01-31", []byte(bad), false, true)
	if err != nil || !again.Unchanged || again.Snapshot.ID != res.Snapshot.ID {
		t.Fatalf("re-import = %+v, %v; want unchanged snapshot %d", again, err, res.Snapshot.ID)
	}
	// A bad header and an unknown source are refused whole.
	if _, err := f.a.Verify.Import(f.ctx, apptest.System().Actor(), "vehicles", "2026-01-31", []byte("id,plate\n"), false, false); apperr.FieldOf(err) != "file" {
		t.Errorf("bad header = %v; want field file", err)
	}
	if _, err := f.a.Verify.Import(f.ctx, apptest.System().Actor(), "cars", "2026-01-31", []byte(bad), false, false); apperr.FieldOf(err) != "source" {
		t.Errorf("unknown source = %v; want field source", err)
	}
}

func rules(rep verify.Report) []string {
	var out []string
	for _, r := range rep.Reasons {
		out = append(out, r.Rule+":"+r.IDNumber)
	}
	return out
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rep, err := f.a.Verify.Check(f.ctx, &f.h1, "2026-01-15")
	if err != nil {
		t.Fatal(err)
	}
	// The car over 80,000 excludes; the declared mobility vehicle is
	// exempt; the undeclared motorbike and the recorded death ask for a
	// check; the spouse has a look-alike in household 2.
	want := []string{"vehicle:" + f.head, "vehicle_undeclared:" + f.spouse, "death:" + f.spouse, "duplicate:" + f.spouse}
	if got := rules(rep); !slices.Equal(got, want) {
		t.Fatalf("reasons %v; want %v\n%+v", got, want, rep.Reasons)
	}
	if rep.Verdict != verify.NotMeets {
		t.Errorf("verdict %s; want not_meets", rep.Verdict)
	}
	if r := rep.Reasons[0]; !strings.Contains(r.Zh, "张三") || !strings.Contains(r.Zh, "120000.00") || !strings.Contains(r.En, "80000.00") {
		t.Errorf("vehicle reason %q / %q", r.Zh, r.En)
	}
	online := 0
	for _, s := range rep.Sources {
		if s.Mode == verify.Online {
			online++
			if s.Snapshot != "2025-12-31" {
				t.Errorf("source %s snapshot %q", s.Source, s.Snapshot)
			}
		}
	}
	if online != 6 {
		t.Errorf("%d sources online; want 6: %+v", online, rep.Sources)
	}
	if n := len(rep.Members[0].Findings); n != 3 { // two vehicles and the deposit
		t.Errorf("head has %d findings; want 3: %+v", n, rep.Members[0].Findings)
	}

	// Household 2: two homes; married to a township employee outside the
	// household, not registered; the look-alike of household 1's spouse.
	rep, err = f.a.Verify.Check(f.ctx, &f.h2, "2026-01-15")
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"houses:" + f.other, "duplicate:" + f.twin, "staff_spouse:" + f.other}
	if got := rules(rep); !slices.Equal(got, want) {
		t.Fatalf("reasons %v; want %v", got, want)
	}
	// Registering the spouse as the member's relative turns the spouse
	// rule into the register rule.
	if _, err := f.a.DB.Verify().LoadStaffRelatives(f.ctx, []sqlstore.StaffEntry{{County: "530102000000", StaffID: f.staff,
		StaffName: "赵六", Role: "township_caseworker", RelativeID: f.other, Relation: "配偶"}}, "test"); err != nil {
		t.Fatal(err)
	}
	rep, _ = f.a.Verify.Check(f.ctx, &f.h2, "2026-01-15")
	want = []string{"houses:" + f.other, "duplicate:" + f.twin, "staff_relative:" + f.other}
	if got := rules(rep); !slices.Equal(got, want) {
		t.Fatalf("after registering: reasons %v; want %v", got, want)
	}

	// Before the snapshots' date nothing is online and the household meets.
	rep, err = f.a.Verify.Check(f.ctx, &f.h1, "2025-06-30")
	if err != nil {
		t.Fatal(err)
	}
	if got := rules(rep); !slices.Equal(got, []string{"duplicate:" + f.spouse}) || rep.Sources[0].Mode != verify.Missing {
		t.Fatalf("before the data: %v %+v", got, rep.Sources)
	}
}

// BenchmarkCheck times a single-household check (six sources online). At
// province scale: safetynet bench verify (single checks on the synthetic
// Yunnan).
func BenchmarkCheck(b *testing.B) {
	f := newFixture(b)
	for b.Loop() {
		if _, err := f.a.Verify.Check(f.ctx, &f.h1, "2026-01-15"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestImportStoresTextVerbatim loads values that COPY's text format must
// escape (a backslash, a tab, a line break, "\N") and reads them back
// unchanged, with every other field, on both engines.
func TestImportStoresTextVerbatim(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	file := "id_number,cert_no,area_m2,use,address,registered\n" +
		f.head + ",云(2020)第9号\\N,70.25,住宅,\"五华区\\某路\t3号\n2单元\r\",2020-02-03\n" +
		f.spouse + ",\\N,60.00,商业,\\,2020-02-04\n" +
		f.head + ",云(2020)第10号,55.00,住宅,,2020-02-05\n"
	res, err := f.a.Verify.Import(f.ctx, apptest.System().Actor(), "real_estate", "2026-02-28", []byte(file), false, false)
	if err != nil {
		t.Fatalf("import: %v %+v", err, res.Parsed.Errors)
	}
	parsed, err := verify.ParseFile("real_estate", []byte(file), false)
	if err != nil || len(parsed.Errors) > 0 || len(parsed.Records) != 3 {
		t.Fatalf("parse = %+v, %v", parsed, err)
	}
	var pids []uint64
	for _, r := range parsed.Records {
		pids = append(pids, r.PID)
	}
	got, err := f.a.DB.Verify().Records(f.ctx, []verify.Snapshot{res.Snapshot}, pids)
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		pid  uint64
		line int32
	}
	by := map[key]verify.Record{}
	for _, r := range got {
		by[key{r.PID, r.Line}] = r
	}
	if len(by) != 3 {
		t.Fatalf("read back %d records: %+v", len(got), got)
	}
	for _, w := range parsed.Records {
		g := by[key{w.PID, w.Line}]
		if g.IDNumber != w.IDNumber || g.Ref != w.Ref || g.Kind != w.Kind || g.Note != w.Note || g.Date != w.Date || g.Amount != w.Amount {
			t.Errorf("row %d read back %+v; want %+v", w.Line, g, w)
		}
	}
	if n := parsed.Records[0].Note; !strings.Contains(n, "\\某路\t3号\n2单元") {
		t.Errorf("the address lost its special characters in parsing: %q", n)
	}
}

// TestDuplicateConditions checks the duplicate rule's conditions on the
// single check and both batch engines: a look-alike (name, sex, birth
// date, ethnicity) with another phone number is flagged, since a person
// registered again may well have a new phone; one of another ethnicity is
// not.
func TestDuplicateConditions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	birth := "1975-02-03"
	mk := func(seq int, eth, phone string) registry.Household {
		m := member(apptest.ID("530102", birth, seq), "周梅", "F", birth, registry.Head)
		m.Ethnicity, m.Phone = eth, phone
		return registry.Household{County: "530102000000", Village: "530102001001", Area: registry.Urban,
			Members: []registry.Member{m}, Enrolments: []registry.Enrolment{{Programme: "dibao", Since: "2020-01-01"}}}
	}
	hs := []registry.Household{mk(42, "01", "13800000001"), mk(44, "01", "13900000002"), mk(46, "07", "13800000001")}
	var ids []int64
	if err := f.a.DB.Registry().LoadHouseholds(f.ctx, hs, func(i int, h registry.Household) { ids = append(ids, h.ID) }); err != nil {
		t.Fatal(err)
	}
	want := map[int64][]string{ids[0]: {"duplicate:" + hs[0].Members[0].IDNumber}, ids[1]: {"duplicate:" + hs[1].Members[0].IDNumber}, ids[2]: nil}
	got := func(rs []verify.Reason) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Rule+":"+r.IDNumber)
		}
		return out
	}
	for _, id := range ids {
		h, err := f.a.DB.Registry().Household(f.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := f.a.Verify.Check(f.ctx, &h, "2026-01-15")
		if err != nil {
			t.Fatal(err)
		}
		if g := got(rep.Reasons); !slices.Equal(g, want[id]) {
			t.Errorf("check of %s: %v; want %v", h.Members[0].IDNumber, g, want[id])
		}
	}
	bs := f.a.DB.Verify()
	for _, eng := range []verify.Engine{verify.EngineMemory, verify.EngineSQL} {
		rep, err := f.a.Verify.Batch(f.ctx, apptest.System().Actor(), bs, verify.BatchOptions{Engine: eng, AsOf: "2026-01-15",
			ColumnDir: f.a.Verify.ColumnDir, Workers: 2})
		if err != nil {
			t.Fatalf("%s: %v", eng, err)
		}
		rs, err := bs.Results(f.ctx, rep.Run.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		flagged := map[int64][]string{}
		for _, r := range rs {
			flagged[r.HouseholdID] = got(r.Reasons)
		}
		for _, id := range ids {
			if !slices.Equal(flagged[id], want[id]) {
				t.Errorf("%s: household %d: %v; want %v", eng, id, flagged[id], want[id])
			}
		}
	}
}
