package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/apptest"
	"safetynet/internal/verify"
)

// A run's lease: a claim succeeds on a run nobody holds or whose heartbeat
// is older than the stale mark, and fails on a live one (also to the
// fraction of a second, which SQLite compares as text) and on a finished
// run; TouchRun renews it, and the zero time frees it.
func TestRunLease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := apptest.OpenDB(t).Verify()
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse("2006-01-02 15:04:05.999", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	claim := func(run int64, now, stale string, want bool) {
		t.Helper()
		got, err := st.ClaimRun(ctx, run, at(now), at(stale))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("claim of run %d at %s, stale before %s = %v; want %v", run, now, stale, got, want)
		}
	}
	heartbeat := func(run int64, want string) {
		t.Helper()
		r, err := st.Run(ctx, run)
		if err != nil {
			t.Fatal(err)
		}
		if want == "" && !r.Heartbeat.IsZero() || want != "" && !r.Heartbeat.Equal(at(want)) {
			t.Errorf("run %d heartbeat %v; want %q", run, r.Heartbeat, want)
		}
	}

	// A new run nobody holds: the first of two claims gets it.
	free := verify.Run{Region: "530102000000", Engine: verify.EngineMemory, AsOf: "2026-01-15", Status: "running",
		StartedAt: at("2026-01-15 12:00:00"), StartedBy: "test"}
	if err := st.CreateRun(ctx, &free); err != nil {
		t.Fatal(err)
	}
	heartbeat(free.ID, "")
	claim(free.ID, "2026-01-15 12:00:01", "2026-01-15 11:58:01", true)
	claim(free.ID, "2026-01-15 12:00:01", "2026-01-15 11:58:01", false)
	heartbeat(free.ID, "2026-01-15 12:00:01")

	// A run created claimed, at half a second.
	held := verify.Run{Region: "530128000000", Engine: verify.EngineSQL, AsOf: "2026-01-15", Status: "running",
		StartedAt: at("2026-01-15 12:00:00.5"), StartedBy: "test", Heartbeat: at("2026-01-15 12:00:00.5")}
	if err := st.CreateRun(ctx, &held); err != nil {
		t.Fatal(err)
	}
	heartbeat(held.ID, "2026-01-15 12:00:00.5")
	claim(held.ID, "2026-01-15 12:01:00", "2026-01-15 11:59:00", false)
	claim(held.ID, "2026-01-15 12:01:00", "2026-01-15 12:00:00", false)
	claim(held.ID, "2026-01-15 12:01:00", "2026-01-15 12:00:00.5", false) // not older than the mark
	claim(held.ID, "2026-01-15 12:01:00", "2026-01-15 12:00:00.6", true)
	heartbeat(held.ID, "2026-01-15 12:01:00")
	claim(held.ID, "2026-01-15 12:01:01", "2026-01-15 12:00:59.9", false)
	claim(held.ID, "2026-01-15 12:01:01", "2026-01-15 12:01:00.1", true)

	// Renewed, the lease holds; freed, anyone may claim it.
	if err := st.TouchRun(ctx, held.ID, at("2026-01-15 12:05:00")); err != nil {
		t.Fatal(err)
	}
	heartbeat(held.ID, "2026-01-15 12:05:00")
	claim(held.ID, "2026-01-15 12:05:30", "2026-01-15 12:03:30", false)
	if err := st.TouchRun(ctx, held.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	heartbeat(held.ID, "")
	claim(held.ID, "2026-01-15 12:05:30", "2026-01-15 12:03:30", true)

	// A finished run cannot be claimed.
	if err := st.FinishRun(ctx, free.ID, at("2026-01-15 13:00:00")); err != nil {
		t.Fatal(err)
	}
	claim(free.ID, "2026-01-15 14:00:00", "2026-01-15 14:00:00", false)
	// The other run's lease is untouched by all this.
	heartbeat(held.ID, "2026-01-15 12:05:30")
}

// One open run a region and engine (migration 0015): a second is refused
// as a Conflict; the other engine, another region, or the same once the
// first is done, may start.
func TestOneOpenRunPerRegion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := apptest.OpenDB(t).Verify()
	run := func(region string, engine verify.Engine) (verify.Run, error) {
		r := verify.Run{Region: region, Engine: engine, AsOf: "2026-01-15", Status: "running",
			StartedAt: time.Date(2026, 1, 15, 4, 0, 0, 0, time.UTC), StartedBy: "test"}
		return r, st.CreateRun(ctx, &r)
	}
	first, err := run("530102000000", verify.EngineMemory)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run("530102000000", verify.EngineMemory); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("second open run = %v; want Conflict", err)
	}
	if _, err := run("530102000000", verify.EngineSQL); err != nil {
		t.Fatalf("the other engine: %v", err)
	}
	if _, err := run("530103000000", verify.EngineMemory); err != nil {
		t.Fatalf("another region: %v", err)
	}
	if err := st.FinishRun(ctx, first.ID, time.Date(2026, 1, 15, 5, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if _, err := run("530102000000", verify.EngineMemory); err != nil {
		t.Fatalf("after the first is done: %v", err)
	}
}
