package verify_test

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"safetynet/internal/apptest"
	"safetynet/internal/idcard"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/synth"
	"safetynet/internal/verify"
)

type loader struct{ st *sqlstore.RegistryStore }

func (l loader) LoadHouseholds(ctx context.Context, hs []registry.Household) error {
	return l.st.LoadHouseholds(ctx, hs)
}

// province is the small synthetic province loaded with its datasets.
type province struct {
	a     *apptest.App
	dir   string
	truth [][]string // truth.csv without its header
}

func newProvince(t *testing.T) *province {
	t.Helper()
	ctx := context.Background()
	p := &province{a: apptest.NewApp(t), dir: t.TempDir()}
	if _, err := synth.Run(ctx, synth.Config{Scale: "small", Seed: 1, Workers: 2}, synth.Output{Dir: p.dir,
		Loader: loader{p.a.DB.Registry()}}); err != nil {
		t.Fatal(err)
	}
	for _, src := range verify.Sources {
		data, err := os.ReadFile(filepath.Join(p.dir, "datasets", src.Name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.a.Verify.Import(ctx, apptest.System().Actor(), src.Name, "2025-12-31", data, false, false); err != nil {
			t.Fatalf("import %s: %v", src.Name, err)
		}
	}
	f, err := os.Open(filepath.Join(p.dir, "staff_relatives.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var es []sqlstore.StaffEntry
	for _, r := range rows[1:] {
		es = append(es, sqlstore.StaffEntry{County: r[4][:6] + "000000", StaffID: r[0], StaffName: r[1], Role: sqlstore.StaffRole(r[2]),
			RelativeID: r[5], Relation: r[7]})
	}
	if _, err := p.a.DB.Verify().LoadStaffRelatives(ctx, es, "test"); err != nil {
		t.Fatal(err)
	}
	tf, err := os.Open(filepath.Join(p.dir, "truth.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer tf.Close()
	tr, err := csv.NewReader(tf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	p.truth = tr[1:]
	return p
}

// flagged returns a run's flagged households by their key (the head's ID).
func (p *province) flagged(t *testing.T, run int64) map[string]verify.Result {
	t.Helper()
	ctx := context.Background()
	rs, err := p.a.DB.Verify().Results(ctx, run, "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]verify.Result{}
	for _, r := range rs {
		h, err := p.a.DB.Registry().Household(ctx, r.HouseholdID)
		if err != nil {
			t.Fatal(err)
		}
		head, _ := h.Head()
		out[head.IDNumber] = r
	}
	return out
}

func TestBatchEnginesAgreeAndFindThePlantedCases(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a province")
	}
	t.Parallel()
	ctx := context.Background()
	p := newProvince(t)
	bs := p.a.DB.Verify()
	runs := map[verify.Engine]verify.BatchReport{}
	for _, eng := range []verify.Engine{verify.EngineMemory, verify.EngineSQL} {
		rep, err := p.a.Verify.Batch(ctx, apptest.System().Actor(), bs, verify.BatchOptions{Engine: eng, AsOf: "2026-01-15",
			ColumnDir: p.a.Verify.ColumnDir, Workers: 2})
		if err != nil {
			t.Fatalf("%s: %v", eng, err)
		}
		runs[eng] = rep
		t.Logf("%s: %d households, %d flagged, %v", eng, rep.Households, rep.Flagged, rep.Timings)
	}
	mem, sql := p.flagged(t, runs[verify.EngineMemory].Run.ID), p.flagged(t, runs[verify.EngineSQL].Run.ID)
	if len(mem) == 0 || len(mem) != len(sql) {
		t.Errorf("memory flagged %d households, sql %d", len(mem), len(sql))
	}
	for k, m := range mem {
		s, ok := sql[k]
		if !ok || m.Verdict != s.Verdict || !slices.Equal(m.Reasons, s.Reasons) {
			t.Errorf("household %s: memory %+v\nsql %+v", k, m, s)
		}
	}
	for k := range sql {
		if _, ok := mem[k]; !ok {
			t.Errorf("household %s flagged by sql only: %+v", k, sql[k])
		}
	}
	// The planted truth: every flag=true case of a recipient household is
	// flagged (with a reason of its rule about its member), no control
	// is. A duplicate flags both households (see the rule), so the
	// original's household is expected too, when it is a recipient's,
	// wherever the copy is.
	ruleOf := map[string][]string{"car": {"vehicle", "vehicle_undeclared"}, "second_house": {"houses"}, "business": {"business"},
		"public_job": {"public_job"}, "dead_listed": {"death"}, "duplicate_person": {"duplicate"}, "staff_relative": {"staff_relative"},
		"staff_relative_unregistered": {"staff_spouse"}, "large_deposit": {"deposits", "assets_undeclared"}}
	expected := map[string]bool{}
	controls := map[string]string{}
	for _, tr := range p.truth {
		kind, flag, household, applicant, id, related := tr[0], tr[1] == "true", tr[2], tr[4] == "true", tr[5], tr[7]
		if kind == "duplicate_person" {
			if hid, err := p.a.DB.Registry().HouseholdsOf(ctx, []string{related}); err == nil {
				if h, err := p.a.DB.Registry().Household(ctx, hid[related]); err == nil && len(h.Enrolments) > 0 {
					head, _ := h.Head()
					expected[head.IDNumber] = true
				}
			}
		}
		if applicant {
			continue
		}
		if !flag {
			controls[household] = kind
			continue
		}
		expected[household] = true
		r, ok := mem[household]
		if !ok {
			t.Errorf("planted %s in %s (%s) not flagged", kind, household, id)
			continue
		}
		found := false
		for _, reason := range r.Reasons {
			if slices.Contains(ruleOf[kind], reason.Rule) && reason.IDNumber == id {
				found = true
			}
		}
		if !found {
			t.Errorf("planted %s in %s (%s): reasons %+v", kind, household, id, r.Reasons)
		}
	}
	tp := 0
	for k, r := range mem {
		if expected[k] {
			tp++
			continue
		}
		if kind, ok := controls[k]; ok {
			t.Errorf("control %s flagged: %s %+v", kind, k, r.Reasons)
		} else {
			t.Errorf("household %s flagged without a planted case: %+v", k, r.Reasons)
		}
	}
	t.Logf("precision %d/%d, recall %d/%d", tp, len(mem), tp, len(expected))

	// A single check gives the batch's reasons.
	for k, r := range mem {
		h, err := p.a.DB.Registry().Household(ctx, r.HouseholdID)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := p.a.Verify.Check(ctx, &h, "2026-01-15")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rep.Reasons, r.Reasons) {
			t.Errorf("household %s: check %+v\nbatch %+v", k, rep.Reasons, r.Reasons)
		}
		break
	}
}

func TestBatchResumesAfterCancel(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a province")
	}
	t.Parallel()
	ctx := context.Background()
	p := newProvince(t)
	bs := p.a.DB.Verify()
	// A first run, to compare with.
	full, err := p.a.Verify.Batch(ctx, apptest.System().Actor(), bs, verify.BatchOptions{AsOf: "2026-01-15", Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	// A second run cancelled after its first county, on a clock a minute
	// later at each reading: the county saved renews the run's lease.
	var mu sync.Mutex
	tick := time.Date(2026, 1, 15, 4, 0, 0, 0, time.UTC)
	p.a.Verify.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		tick = tick.Add(time.Minute)
		return tick
	}
	cctx, cancel := context.WithCancel(ctx)
	var first string
	_, err = p.a.Verify.Batch(cctx, apptest.System().Actor(), bs, verify.BatchOptions{AsOf: "2026-01-15", Workers: 1,
		AfterCounty: func(c string) {
			if first == "" {
				first = c
				if r, err := bs.OpenRun(ctx, "530000000000", verify.EngineMemory); err != nil || !r.Heartbeat.After(r.StartedAt) {
					t.Errorf("after county %s: heartbeat %v, started %v (%v); want renewed", c, r.Heartbeat, r.StartedAt, err)
				}
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run = %v; want context.Canceled", err)
	}
	open, err := bs.OpenRun(ctx, "530000000000", verify.EngineMemory)
	if err != nil {
		t.Fatal(err)
	}
	done, _ := bs.DoneCounties(ctx, open.ID)
	if len(done) != 1 || done[0].County != first {
		t.Fatalf("done after cancel: %+v; want only %s", done, first)
	}
	// Resuming finishes the other counties only, with the same results.
	rep, err := p.a.Verify.Batch(ctx, apptest.System().Actor(), bs, verify.BatchOptions{AsOf: "2026-01-15", Workers: 1,
		AfterCounty: func(c string) {
			if c == first {
				t.Errorf("county %s evaluated again", c)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Resumed || rep.Run.ID != open.ID || rep.Households != full.Households || rep.Flagged != full.Flagged {
		t.Fatalf("resumed run %+v; want run %d resumed with %d households, %d flagged", rep, open.ID, full.Households, full.Flagged)
	}
	a, b := p.flagged(t, full.Run.ID), p.flagged(t, rep.Run.ID)
	if len(a) != len(b) {
		t.Fatalf("%d flagged; first run %d", len(b), len(a))
	}
	for k, r := range a {
		if !slices.Equal(r.Reasons, b[k].Reasons) {
			t.Errorf("household %s: %+v; first run %+v", k, b[k].Reasons, r.Reasons)
		}
	}
	if rep.Previous != full.Run.ID || len(rep.Changes) != 0 {
		t.Errorf("changes since run %d: %d (previous %d); want none", full.Run.ID, len(rep.Changes), rep.Previous)
	}
	// A death recorded in the registry changes a verdict: the next run
	// lists it.
	var dead verify.Result
	for _, r := range b {
		if len(r.Reasons) == 1 && r.Reasons[0].Rule == "death" {
			dead = r
			break
		}
	}
	if dead.HouseholdID == 0 {
		t.Fatal("no household flagged for a death alone")
	}
	id, _ := idcard.Parse(dead.Reasons[0].IDNumber)
	if err := p.a.DB.ExecForTest(ctx, "UPDATE persons SET death_date = '2025-06-01' WHERE id_number = '"+id.String()+"'"); err != nil {
		t.Fatal(err)
	}
	next, err := p.a.Verify.Batch(ctx, apptest.System().Actor(), bs, verify.BatchOptions{AsOf: "2026-01-15", Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(next.Changes) != 1 || next.Changes[0].HouseholdID != dead.HouseholdID || next.Changes[0].After != verify.Meets {
		t.Fatalf("changes %+v; want household %d now meeting", next.Changes, dead.HouseholdID)
	}
	_ = strings.Compare
}
