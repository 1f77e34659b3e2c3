package sqlstore_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/apptest"
	"safetynet/internal/audit"
	"safetynet/internal/calendar"
	"safetynet/internal/policy"
)

// yunnanLatest returns the newest embedded province version, as the seed
// of a test version.
func yunnanLatest(t *testing.T) policy.Version {
	t.Helper()
	ds, err := policy.Yunnan()
	if err != nil {
		t.Fatal(err)
	}
	v, err := ds.Resolve("53", "2099-01-01")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestPolicyStoreRoundTripAndConflict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := apptest.OpenDB(t)
	st := db.Policy()
	if vs, err := st.ListVersions(ctx); err != nil || len(vs) != 0 {
		t.Fatalf("fresh store = %v, %v; want none", vs, err)
	}
	v := yunnanLatest(t)
	v.Region, v.Effective, v.Until = "530102000000", "2027-01-01", "2028-01-01"
	v.Note = "五华区 2027 标准"
	v.Params.Dibao.UrbanStandard = policy.Yuan(80050) // 800.50
	at := time.Date(2026, 12, 1, 3, 4, 5, 123456000, time.UTC)
	p := policy.Published{Version: v, By: "admin", At: at}
	if err := st.InsertVersion(ctx, p); err != nil {
		t.Fatal(err)
	}
	// A second version of the region, without until or unverified paths.
	q := p
	q.Effective, q.Until, q.Unverified = "2026-12-01", "", nil
	if err := st.InsertVersion(ctx, q); err != nil {
		t.Fatal(err)
	}
	got, err := st.ListVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Effective != "2026-12-01" || got[1].Effective != "2027-01-01" {
		t.Fatalf("list = %+v; want two versions in date order", got)
	}
	if !reflect.DeepEqual(got[1], p) {
		t.Errorf("round trip:\ngot  %+v\nwant %+v", got[1], p)
	}
	if got[0].Until != "" || len(got[0].Unverified) != 0 {
		t.Errorf("until %q, unverified %v; want empty", got[0].Until, got[0].Unverified)
	}
	if got[1].Params.Dibao.UrbanStandard.String() != "800.50" {
		t.Errorf("urban standard %s; want 800.50", got[1].Params.Dibao.UrbanStandard)
	}
	dup := p
	dup.Note = "again"
	if err := st.InsertVersion(ctx, dup); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("duplicate region+effective = %v; want Conflict", err)
	}
}

func TestPolicyServicePublishOnStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := apptest.OpenDB(t)
	now := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC) // 10:00 in Beijing
	log := &audit.Log{Store: db.Audit(), Tx: db, Now: func() time.Time { return now }}
	svc := &policy.Service{Store: db.Policy(), Tx: db, Audit: log, Now: func() time.Time { return now }}
	if err := svc.Load(ctx); err != nil {
		t.Fatal(err)
	}
	admin := access.System("test", "530000000000")
	v := yunnanLatest(t)
	v.Region, v.Effective, v.Note = "5301", "2026-11-28", "昆明市 2026"
	v.Params.Dibao.UrbanStandard = policy.Yuan(90000)
	p, err := svc.Publish(ctx, admin, v)
	if err != nil {
		t.Fatal(err)
	}
	if p.Region != "530100000000" || p.By != "test" || !p.At.Equal(now) {
		t.Fatalf("published %s by %q at %v", p.Region, p.By, p.At)
	}
	if _, err := svc.Publish(ctx, admin, v); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("publish twice = %v; want Conflict", err)
	}
	v.Effective = "2026-11-27"
	if _, err := svc.Publish(ctx, admin, v); apperr.FieldOf(err) != "effective" {
		t.Fatalf("publish yesterday = %v; want Invalid effective", err)
	}

	// A second service over the same database (another process, or a
	// restart) sees the version, and the calculation uses it.
	other := &policy.Service{Store: db.Policy(), Tx: db, Audit: log, Now: func() time.Time { return now }}
	if err := other.Load(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := other.Resolve("530102001001", "2026-12-01")
	if err != nil || got.Effective != "2026-11-28" || got.By != "test" || got.Params.Dibao.UrbanStandard.String() != "900.00" {
		t.Fatalf("resolve = %+v, %v", got.Version.Ref(), err)
	}
	if got, _ := other.Resolve("530300000000", "2026-12-01"); got.Region != "530000000000" || !got.IsDefault() {
		t.Fatalf("another prefecture resolves to %s (default %v); want the province default", got.Region, got.IsDefault())
	}
	entries, _, err := log.Search(ctx, audit.Filter{Action: "policy.publish"})
	if err != nil || len(entries) != 1 || entries[0].SubjectID != "530100000000@2026-11-28" ||
		!strings.Contains(entries[0].After, `"urban_standard":"900.00"`) {
		t.Fatalf("audit = %+v, %v", entries, err)
	}
}

func TestCalendarStoreAndImport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := apptest.OpenDB(t)
	st := db.Policy()
	d := calendar.MustParseDate
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	in := []calendar.Entry{
		{Date: d("2027-02-06"), Kind: calendar.Holiday, Name: "春节"},
		{Date: d("2027-02-14"), Kind: calendar.Workday, Name: "春节"},
	}
	if err := st.PutCalendarDays(ctx, in, "admin", at); err != nil {
		t.Fatal(err)
	}
	// Replacing a date keeps one row, with the new kind and name.
	if err := st.PutCalendarDays(ctx, []calendar.Entry{{Date: d("2027-02-06"), Kind: calendar.Holiday, Name: "春节（调整）"}}, "admin", at); err != nil {
		t.Fatal(err)
	}
	got, err := st.CalendarDays(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []calendar.Entry{{Date: d("2027-02-06"), Kind: calendar.Holiday, Name: "春节（调整）"}, in[1]}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("calendar days = %+v; want %+v", got, want)
	}

	log := &audit.Log{Store: db.Audit(), Tx: db}
	svc := &policy.CalendarService{Store: st, Tx: db, Audit: log}
	if err := svc.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if svc.Calendar().IsWorkday(d("2027-02-14")) != true || svc.Calendar().IsWorkday(d("2027-02-06")) {
		t.Fatal("stored days not applied")
	}
	clerk := access.NewPrincipal(access.User{ID: 7, Username: "clerk", Role: access.TownshipClerk, Region: "530102001000"})
	if _, err := svc.ImportCSV(ctx, clerk, strings.NewReader("2027-10-01,holiday,国庆节\n")); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("clerk import = %v; want Forbidden", err)
	}
	admin := access.System("test", "530000000000")
	if _, err := svc.ImportCSV(ctx, admin, strings.NewReader("2027-10-01,holiday,国庆节\n2027-10-04,workday,国庆节\n")); apperr.FieldOf(err) != "line[2].date" {
		t.Fatalf("weekday make-up day = %v; want Invalid line[2].date", err)
	}
	n, err := svc.ImportCSV(ctx, admin, strings.NewReader("date,kind,name\n2027-10-01,holiday,国庆节\n2027-10-09,workday,国庆节\n"))
	if err != nil || n != 2 {
		t.Fatalf("import = %d, %v", n, err)
	}
	// The service state and a fresh load agree.
	fresh := &policy.CalendarService{Store: st, Tx: db, Audit: log}
	if err := fresh.Load(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*calendar.Calendar{svc.Calendar(), fresh.Calendar()} {
		if c.IsWorkday(d("2027-10-01")) || !c.IsWorkday(d("2027-10-09")) || !c.Covers(2027) {
			t.Fatal("imported 2027 days not in force")
		}
		if c.IsWorkday(d("2026-10-01")) {
			t.Fatal("built-in 2026 National Day lost")
		}
	}
	if entries, _, _ := log.Search(ctx, audit.Filter{Action: "calendar.import"}); len(entries) != 1 {
		t.Fatalf("audit calendar.import = %d entries; want 1", len(entries))
	}
}
