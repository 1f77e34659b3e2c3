package verify_test

import (
	"context"
	"errors"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/apptest"
	"safetynet/internal/verify"
)

// clock is a settable time for the services.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// A run another process works on (its heartbeat younger than the lease)
// is refused to Batch with a Conflict naming it, shows as elsewhere, and
// cannot be started from the web (409); once its lease lapses it shows as
// interrupted and Batch resumes it. A run Batch creates is claimed, and
// one it stops before the end is freed at once. (The database holds no
// recipients: the runs have no county to evaluate.)
func TestBatchLease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := apptest.NewApp(t)
	bs := a.DB.Verify()
	sys := apptest.System()
	t0 := time.Date(2026, 1, 15, 4, 0, 0, 0, time.UTC)
	clk := &clock{t: t0}
	a.Verify.Now = clk.now
	status := func(id int64, want verify.JobStatus) {
		t.Helper()
		d, err := a.Batches.Get(ctx, sys, id, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != want {
			t.Errorf("run %d at %s: %s; want %s", id, clk.now().Format(time.TimeOnly), d.Status, want)
		}
	}

	// The command line runs the province, its heartbeat at t0.
	cli := verify.Run{Region: "530000000000", Engine: verify.EngineMemory, AsOf: "2026-01-15", Status: "running",
		StartedAt: t0, StartedBy: "cli", Heartbeat: t0}
	if err := bs.CreateRun(ctx, &cli); err != nil {
		t.Fatal(err)
	}
	clk.set(t0.Add(verify.RunLease - time.Second))
	rep, err := a.Verify.Batch(ctx, sys.Actor(), bs, verify.BatchOptions{AsOf: "2026-01-15"})
	if apperr.KindOf(err) != apperr.Conflict || !strings.Contains(apperr.Message(err, "zh"), strconv.FormatInt(cli.ID, 10)) ||
		!strings.Contains(apperr.Message(err, "zh"), "2026-01-15 12:00:00") || !strings.Contains(apperr.Message(err, "en"), "another process") {
		t.Fatalf("batch of a run held elsewhere: %v; want a Conflict naming run %d and its heartbeat", err, cli.ID)
	}
	if rep.Run.ID != 0 {
		t.Errorf("refused batch reports run %d", rep.Run.ID)
	}
	if r, _ := bs.Run(ctx, cli.ID); !r.Heartbeat.Equal(t0) {
		t.Errorf("the refused batch changed the holder's heartbeat to %v", r.Heartbeat)
	}
	status(cli.ID, verify.JobElsewhere)
	if _, err := a.Batches.Start(ctx, sys, "530000000000", verify.EngineMemory, ""); apperr.KindOf(err) != apperr.Conflict {
		t.Errorf("job started on a run held elsewhere: %v; want Conflict", err)
	}
	a.MustCreateUser(t, "admin", access.ProvinceAdmin, "530000000000")
	res := a.Do(t, "POST", "/api/v1/verification/batches", a.Login(t, "admin"), map[string]string{"region": "53", "engine": "memory"})
	if res.Code != http.StatusConflict || !strings.Contains(res.Body, "另一进程") {
		t.Errorf("start from the web: %d %s; want 409", res.Code, res.Body)
	}

	// The command line stopped: its lease lapses.
	clk.set(t0.Add(verify.RunLease + time.Second))
	status(cli.ID, verify.JobInterrupted)
	rep, err = a.Verify.Batch(ctx, sys.Actor(), bs, verify.BatchOptions{AsOf: "2026-01-15"})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Resumed || rep.Run.ID != cli.ID || rep.Run.Status != "done" {
		t.Errorf("batch after the lease lapsed: run %d resumed %v %s; want run %d resumed and done", rep.Run.ID, rep.Resumed, rep.Run.Status, cli.ID)
	}

	// A new run is created claimed; cancelled, it is freed at once.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var hb time.Time
	rep, err = a.Verify.Batch(cctx, sys.Actor(), bs, verify.BatchOptions{Region: "530100000000", AsOf: "2026-01-15",
		OnRun: func(r verify.Run, resumed bool) {
			got, err := bs.Run(ctx, r.ID)
			if err != nil {
				t.Error(err)
			}
			hb = got.Heartbeat
			cancel()
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled batch: %v", err)
	}
	if !hb.Equal(clk.now()) {
		t.Errorf("new run's heartbeat %v; want %v", hb, clk.now())
	}
	if r, _ := bs.Run(ctx, rep.Run.ID); !r.Heartbeat.IsZero() || r.Status != "running" {
		t.Errorf("cancelled run: %s, heartbeat %v; want running and freed", r.Status, r.Heartbeat)
	}
	status(rep.Run.ID, verify.JobInterrupted)
	again, err := a.Verify.Batch(ctx, sys.Actor(), bs, verify.BatchOptions{Region: "530100000000"})
	if err != nil || !again.Resumed || again.Run.ID != rep.Run.ID {
		t.Errorf("resumed at once: run %d resumed %v, %v; want run %d", again.Run.ID, again.Resumed, err, rep.Run.ID)
	}
}

// racingStore is a store whose first OpenRun finds nothing, as when
// another process creates the region's run between the look-up and the
// insert.
type racingStore struct {
	verify.BatchStore
	raced bool
}

func (s *racingStore) OpenRun(ctx context.Context, region string, engine verify.Engine) (verify.Run, error) {
	if !s.raced {
		s.raced = true
		return verify.Run{}, apperr.New(apperr.NotFound, "无", "none")
	}
	return s.BatchStore.OpenRun(ctx, region, engine)
}

// Two processes starting a region's run at once: the second's insert
// fails, and it is told, naming the run, that another process works on it.
func TestBatchStartRace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := apptest.NewApp(t)
	t0 := time.Date(2026, 1, 15, 4, 0, 0, 0, time.UTC)
	a.Verify.Now = func() time.Time { return t0 }
	other := verify.Run{Region: "530102000000", Engine: verify.EngineMemory, AsOf: "2026-01-15", Status: "running",
		StartedAt: t0, StartedBy: "cli", Heartbeat: t0}
	if err := a.DB.Verify().CreateRun(ctx, &other); err != nil {
		t.Fatal(err)
	}
	_, err := a.Verify.Batch(ctx, apptest.System().Actor(), &racingStore{BatchStore: a.DB.Verify()},
		verify.BatchOptions{Region: "530102000000", AsOf: "2026-01-15"})
	if apperr.KindOf(err) != apperr.Conflict || !strings.Contains(apperr.Message(err, "en"), strconv.FormatInt(other.ID, 10)) {
		t.Fatalf("racing start = %v; want a Conflict naming run %d", err, other.ID)
	}
}

// While a job of the in-process engine runs, the process's soft memory
// limit is Batches.MemoryLimit (unless already lower), until the last such
// job ends; a job of the SQL engine leaves it. Not parallel: the limit is
// the process's.
func TestBatchesMemoryLimit(t *testing.T) {
	ctx := context.Background()
	orig := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(orig) })
	a := apptest.NewApp(t)
	const high, limit, low = int64(1 << 50), int64(1 << 40), int64(1 << 38)
	a.Batches.MemoryLimit = limit

	// Each job is held once its run is stored, until released.
	var mu sync.Mutex
	release := map[string]chan struct{}{}
	a.Batches.Adjust = func(jctx context.Context, o *verify.BatchOptions) {
		ch := make(chan struct{})
		mu.Lock()
		release[o.Region+"/"+string(o.Engine)] = ch
		mu.Unlock()
		stored := o.OnRun
		o.OnRun = func(r verify.Run, resumed bool) {
			stored(r, resumed)
			select {
			case <-ch:
			case <-jctx.Done():
			}
		}
	}
	start := func(region string, engine verify.Engine) int64 {
		t.Helper()
		j, err := a.Batches.Start(ctx, apptest.System(), region, engine, "2026-01-15")
		if err != nil {
			t.Fatal(err)
		}
		return j.Run.ID
	}
	end := func(region string, engine verify.Engine, id int64) {
		t.Helper()
		mu.Lock()
		close(release[region+"/"+string(engine)])
		mu.Unlock()
		wctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := a.Batches.Wait(wctx, id); err != nil {
			t.Fatal(err)
		}
	}
	want := func(when string, n int64) {
		t.Helper()
		if got := debug.SetMemoryLimit(-1); got != n {
			t.Errorf("%s: memory limit %d; want %d", when, got, n)
		}
	}

	debug.SetMemoryLimit(high)
	sqlRun := start("530000000000", verify.EngineSQL)
	want("an SQL job", high)
	province := start("530000000000", verify.EngineMemory)
	want("a memory job", limit)
	prefecture := start("530100000000", verify.EngineMemory)
	want("two memory jobs", limit)
	end("530000000000", verify.EngineMemory, province)
	want("one memory job ended, one running", limit)
	end("530100000000", verify.EngineMemory, prefecture)
	want("the memory jobs ended", high)
	end("530000000000", verify.EngineSQL, sqlRun)
	want("every job ended", high)

	// A lower limit is kept.
	debug.SetMemoryLimit(low)
	county := start("530102000000", verify.EngineMemory)
	want("a memory job under a lower limit", low)
	end("530102000000", verify.EngineMemory, county)
	want("after it", low)
}
