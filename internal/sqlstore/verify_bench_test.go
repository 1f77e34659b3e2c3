package sqlstore_test

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"safetynet/internal/apptest"
	"safetynet/internal/audit"
	"safetynet/internal/verify"
)

// BenchmarkImportDataset loads a department file into a fresh database
// (the engine of SAFETYNET_TEST_POSTGRES, else SQLite) and reports rows/s
// end to end (validation overlapped with the load). The file is
// $SAFETYNET_BENCH_DATASET (default: the synthetic Yunnan's vehicles, 7.6
// million rows), skipped when absent:
//
//	go test ./internal/sqlstore -run X -bench ImportDataset -benchtime 1x
func BenchmarkImportDataset(b *testing.B) {
	name := os.Getenv("SAFETYNET_BENCH_DATASET")
	if name == "" {
		name = "/work/data/yunnan/datasets/vehicles.csv"
	}
	source := os.Getenv("SAFETYNET_BENCH_SOURCE")
	if source == "" {
		source = "vehicles"
	}
	data, err := os.ReadFile(name)
	if err != nil {
		b.Skipf("no dataset file: %v", err)
	}
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		db := apptest.OpenDB(b)
		svc := &verify.Service{Store: db.Verify()}
		b.StartTimer()
		cpu0 := cpuTime()
		start := time.Now()
		res, err := svc.Import(ctx, audit.Actor{Name: "bench"}, source, "2025-12-31", data, false, false)
		if err != nil {
			b.Fatal(err)
		}
		el := time.Since(start)
		b.ReportMetric(float64(res.Parsed.Rows)/el.Seconds(), "rows/s")
		// This process's CPU only (PostgreSQL's own work is not in it).
		b.ReportMetric(float64(res.Parsed.Rows)/(cpuTime()-cpu0).Seconds(), "rows/cpu-s")
	}
}

// cpuTime is the CPU time (user + system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
