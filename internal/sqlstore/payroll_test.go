package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"safetynet/internal/apptest"
	"safetynet/internal/money"
	"safetynet/internal/payroll"
	"safetynet/internal/sqlstore"
)

// TestPayrollMonthTable follows a month's lines through BeginMonth,
// WriteCounty and FinishMonths. On PostgreSQL the first run of a month
// copies into a bare table (migration 0012) that is not readable until it
// is indexed and attached; a change of state or a later run attaches
// what a crash left behind, a recompute writes into the attached
// partition, and an adjustment in a month never run gets its partition.
// On SQLite the lines are readable at once and the calls change nothing.
func TestPayrollMonthTable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := apptest.OpenDB(t)
	st := db.Payroll()
	pg := db.Dialect() == sqlstore.Postgres
	const month, county = "2025-08", "530102000000"
	at := time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC)
	line := func(hh int64, amount int64) payroll.Line {
		return payroll.Line{County: county, Key: payroll.MonthKey(month) + "D" + string(rune('0'+hh)), Month: month,
			Village: "530102001001", Programme: payroll.Dibao, Kind: payroll.Regular, HouseholdID: hh, Persons: 2,
			Tier: "A", Amount: money.Money(amount), Name: "户主", Bank: "农商行", Account: "6200", Status: payroll.Pending}
	}
	count := func() int {
		n := 0
		if err := st.Lines(ctx, month, county, func(*payroll.Line) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	attached := func() (exists, attached bool) {
		if !pg {
			return true, true
		}
		n, err := db.CountRowsForTest(ctx, `SELECT COUNT(*) FROM pg_class WHERE relname = 'payroll_lines_202508'`)
		if err != nil || n == 0 {
			return false, false
		}
		n, err = db.CountRowsForTest(ctx, `SELECT COUNT(*) FROM pg_class WHERE relname = 'payroll_lines_202508' AND relispartition`)
		if err != nil {
			t.Fatal(err)
		}
		// Attached, it has its primary key.
		if k, _ := db.CountRowsForTest(ctx, `SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'payroll_lines_202508' AND indexdef LIKE '%UNIQUE%(county, line_key)'`); n == 1 && k != 1 {
			t.Errorf("attached partition has %d unique indexes on (county, line_key)", k)
		}
		return true, n == 1
	}
	if err := st.ClaimCounties(ctx, month, []string{county}, "test", at); err != nil {
		t.Fatal(err)
	}
	if err := st.BeginMonth(ctx, month, false); err != nil {
		t.Fatal(err)
	}
	if ex, att := attached(); !ex || att != !pg {
		t.Fatalf("after BeginMonth: exists %v, attached %v", ex, att)
	}
	// Names with what COPY's text format escapes come back unchanged.
	odd := line(2, 200)
	odd.Name, odd.Bank = "户\t主\\N\n\r", `\N`
	if err := st.WriteCounty(ctx, month, county, []payroll.Line{line(1, 100), odd}, "", func(int) error { return nil }); err != nil {
		t.Fatal(err)
	}
	// A crash here: the lines are committed with the county's mark but,
	// on PostgreSQL, not yet readable.
	want := 2
	if pg {
		want = 0
	}
	if n := count(); n != want {
		t.Fatalf("before FinishMonths: %d lines; want %d", n, want)
	}
	// Checking the county attaches the month.
	if err := st.SetStatus(ctx, month, county, []payroll.Status{payroll.Draft}, payroll.Checked, nil, "test", at); err != nil {
		t.Fatal(err)
	}
	if _, att := attached(); !att {
		t.Fatal("SetStatus did not attach the month's lines")
	}
	if n := count(); n != 2 {
		t.Fatalf("after SetStatus: %d lines; want 2", n)
	}
	if l, err := st.Line(ctx, county, odd.Key); err != nil || l.Name != odd.Name || l.Bank != odd.Bank || l.Amount != 200 {
		t.Fatalf("line %+v, %v; want name %q bank %q", l, err, odd.Name, odd.Bank)
	}
	if err := st.FinishMonths(ctx); err != nil { // nothing left to do
		t.Fatal(err)
	}
	// A recompute deletes and writes again, through the primary key.
	if err := st.ResetCounties(ctx, month, []string{county}, "test", at); err != nil {
		t.Fatal(err)
	}
	if err := st.BeginMonth(ctx, month, true); err != nil {
		t.Fatal(err)
	}
	if err := st.WriteCounty(ctx, month, county, []payroll.Line{line(1, 150)}, "", func(int) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 1 {
		t.Fatalf("after a recompute: %d lines; want 1", n)
	}
	cs, err := st.Counties(ctx, month, "5301")
	if err != nil || len(cs) != 1 || cs[0].Lines != 1 || cs[0].Total != 150 {
		t.Fatalf("county after a recompute: %+v, %v", cs, err)
	}
	// A month nobody has run: an adjustment line still finds its place.
	adj := line(3, 300)
	adj.Month, adj.Key, adj.Kind, adj.Reason = "2025-10", "202510A1", payroll.Adjustment, "补发"
	if err := st.ClaimCounties(ctx, "2025-10", []string{county}, "test", at); err != nil {
		t.Fatal(err)
	}
	if err := st.AddLine(ctx, adj); err != nil {
		t.Fatal(err)
	}
	if l, err := st.Line(ctx, county, "202510A1"); err != nil || l.Amount != 300 {
		t.Fatalf("adjustment in a month never run: %+v, %v", l, err)
	}
}
