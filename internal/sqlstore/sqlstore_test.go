package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/apptest"
	"safetynet/internal/audit"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
)

// Both dialects must ship the same numbered migrations.
func TestMigrationParity(t *testing.T) {
	lite, err := sqlstore.MigrationNames(sqlstore.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := sqlstore.MigrationNames(sqlstore.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(lite, pg) {
		t.Fatalf("sqlite migrations %v; postgres %v", lite, pg)
	}
	// Numbers are assigned to branches ahead of their merge, so a branch
	// may have gaps; they must still be unique and increasing.
	prev := 0
	for i, n := range lite {
		var num int
		if _, err := fmt.Sscanf(n, "%04d_", &num); err != nil || n[4] != '_' || num <= prev {
			t.Errorf("migration %d is %s; want a 4-digit number above %04d and an underscore", i, n, prev)
		}
		prev = num
	}
}

func TestSetupLoadsDivisionsOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := apptest.OpenDB(t)
	n, err := db.Regions().Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(region.Yunnan()); n != want {
		t.Fatalf("divisions = %d; want %d", n, want)
	}
	if err := db.Regions().SetClass(ctx, "530102001001", region.Rural); err != nil {
		t.Fatal(err)
	}
	// A second Setup applies nothing and keeps hand edits.
	if err := db.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	if p, _ := db.Pending(ctx); p != 0 {
		t.Fatalf("pending after setup = %d", p)
	}
	all, err := db.Regions().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(all, func(d region.Division) bool { return d.Code == "530102001001" })
	if i < 0 || all[i].Class != region.Rural {
		t.Fatalf("class of 530102001001 lost: %+v", all[i])
	}
	if err := db.Regions().SetClass(ctx, "539999999999", region.Rural); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("SetClass unknown = %v; want NotFound", err)
	}
}

func TestWithTxRollsBackAndTranslatesErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := apptest.OpenDB(t)
	st := db.Access()
	now := time.Now()
	u := access.User{Username: "a", Role: access.TownshipClerk, Region: "530102001000", CreatedAt: now, UpdatedAt: now}
	boom := errors.New("boom")
	err := db.WithTx(ctx, func(ctx context.Context) error {
		if err := st.CreateUser(ctx, &u, "h"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("WithTx = %v; want boom", err)
	}
	if _, _, err := st.UserByName(ctx, "a"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("user after rollback: %v; want NotFound", err)
	}
	if err := st.CreateUser(ctx, &u, "h"); err != nil {
		t.Fatal(err)
	}
	dup := u
	if err := st.CreateUser(ctx, &dup, "h"); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("duplicate username = %v; want Conflict", err)
	}
	bad := access.User{Username: "b", Role: access.TownshipClerk, Region: "999999999999", CreatedAt: now, UpdatedAt: now}
	if err := st.CreateUser(ctx, &bad, "h"); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("unknown region FK = %v; want Invalid", err)
	}
	badRole := access.User{Username: "c", Role: "king", Region: "530102001000", CreatedAt: now, UpdatedAt: now}
	if err := st.CreateUser(ctx, &badRole, "h"); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("bad role CHECK = %v; want Invalid", err)
	}
	got, _, err := st.UserByName(ctx, "a")
	if err != nil || got.Region != "530102001000" || got.Role != access.TownshipClerk || got.CreatedAt.IsZero() {
		t.Fatalf("UserByName = %+v, %v", got, err)
	}
}

func newLog(db *sqlstore.DB) *audit.Log { return &audit.Log{Store: db.Audit(), Tx: db} }

func recordN(t *testing.T, l *audit.Log, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		err := l.Record(context.Background(), audit.Actor{ID: 7, Name: "clerk", Role: "township_clerk", Region: "530102001000"},
			audit.Event{Action: "household.create", SubjectType: "household", SubjectID: fmt.Sprint(i),
				SubjectRegion: "530102001001", After: map[string]int{"n": i}})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditVerifyDetectsTampering(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		tamper     string
		wantSeq    int64
		wantReason string
	}{
		{"intact", ``, 0, ""},
		{"edited field", `UPDATE audit_log SET actor_name = 'someone' WHERE seq = 3`, 3, "hash mismatch"},
		{"edited and rehashed is still caught by the next link", `UPDATE audit_log SET hash = 'x' WHERE seq = 2`, 2, "hash mismatch"},
		{"deleted middle row", `DELETE FROM audit_log WHERE seq = 4`, 4, "missing entry"},
		{"deleted tail", `DELETE FROM audit_log WHERE seq = 5`, 5, "tail deleted"},
		{"edited after", `UPDATE audit_log SET after_json = '{"n":99}' WHERE seq = 1`, 1, "hash mismatch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			db := apptest.OpenDB(t)
			l := newLog(db)
			recordN(t, l, 5)
			if c.tamper != "" {
				if err := db.ExecForTest(context.Background(), c.tamper); err != nil {
					t.Fatal(err)
				}
			}
			rep, err := l.Verify(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if c.wantReason == "" {
				if !rep.OK() || rep.Entries != 5 {
					t.Fatalf("intact chain reported %+v", rep)
				}
				return
			}
			if rep.OK() {
				t.Fatalf("tampering not detected")
			}
			if rep.Problem.Seq != c.wantSeq || rep.Problem.Reason != c.wantReason {
				t.Fatalf("problem = %+v; want seq %d %q", *rep.Problem, c.wantSeq, c.wantReason)
			}
		})
	}
}

func TestAuditConcurrentAppendsKeepTheChain(t *testing.T) {
	t.Parallel()
	db := apptest.OpenDB(t)
	l := newLog(db)
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			recordN(t, l, 10)
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
	rep, err := l.Verify(context.Background())
	if err != nil || !rep.OK() || rep.Entries != 40 {
		t.Fatalf("after concurrent appends: %+v, %v", rep, err)
	}
	got, total, err := l.Search(context.Background(), audit.Filter{RegionPrefix: "530102", Action: "household.", Limit: 5})
	if err != nil || total != 40 || len(got) != 5 || got[0].Seq != 40 {
		t.Fatalf("search = %d entries (total %d, first %+v), %v", len(got), total, got, err)
	}
	if _, total, _ := l.Search(context.Background(), audit.Filter{RegionPrefix: "5303"}); total != 0 {
		t.Fatalf("search outside the region found %d", total)
	}
}

// Views recorded outside a transaction share commits (audit's group
// commit); changes record inside their own transactions. Mixed and
// concurrent, the chain stays whole and every acknowledged entry is there.
func TestAuditGroupedViewsKeepTheChain(t *testing.T) {
	t.Parallel()
	db := apptest.OpenDB(t)
	l := newLog(db)
	ctx := context.Background()
	who := audit.Actor{ID: 7, Name: "approver", Role: "county_approver", Region: "530102000000"}
	var wg sync.WaitGroup
	errs := make(chan error, 16*25+4*10)
	for g := range 16 {
		wg.Go(func() {
			for i := range 25 {
				errs <- l.Record(ctx, who, audit.Event{Action: "person.view", SubjectType: "person",
					SubjectID: fmt.Sprint(g, "-", i), SubjectRegion: "530102001001"})
			}
		})
	}
	for g := range 4 {
		wg.Go(func() {
			for i := range 10 {
				errs <- db.WithTx(ctx, func(ctx context.Context) error {
					return l.Record(ctx, who, audit.Event{Action: "household.update", SubjectType: "household",
						SubjectID: fmt.Sprint(g, "-", i), SubjectRegion: "530102001001"})
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	rep, err := l.Verify(ctx)
	if err != nil || !rep.OK() || rep.Entries != 440 {
		t.Fatalf("after grouped and single appends: %+v, %v", rep, err)
	}
	if _, total, err := l.Search(ctx, audit.Filter{Action: "person.view", Limit: 1}); err != nil || total != 400 {
		t.Fatalf("views stored = %d, %v", total, err)
	}
}
