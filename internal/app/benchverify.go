package app

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/verify"
)

// runBenchVerify: safetynet bench verify --db sqlite:PATH --pg postgres://… [--truth FILE] [--as-of DATE] [--checks N]
//
// On the same registry and snapshots loaded into both databases, it runs
// the in-process batch end to end from the SQLite store and then the SQL
// engine inside PostgreSQL, and prints both times, the ratio, the peak
// memory of this process, the flagged households' agreement between the
// engines and the precision and recall against synth's truth (scored over
// the recipient households: applicants are not re-verified). It also
// times single-household checks on the SQLite store.
func runBenchVerify(ctx context.Context, args []string, env Env) error {
	fs := newFlags("bench verify", env)
	dsn := dbFlag(fs, env)
	pg := fs.String("pg", "", "the PostgreSQL database with the same data, for the SQL engine (empty: skip)")
	truth := fs.String("truth", "/work/data/yunnan/truth.csv", "synth's truth.csv")
	asOf := fs.String("as-of", "2026-01-15", "the date of the runs")
	checks := fs.Int("checks", 1000, "single-household checks to time")
	workers := fs.Int("workers", 2, "counties evaluated at once (in-process engine)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	a, err := openApp(ctx, *dsn, env)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	out := env.Stdout

	// 1. The in-process engine, end to end from the store, under the
	// command line's soft memory limit.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(batchMemoryLimit))
	fmt.Fprintf(out, "in-process engine on %s …\n", a.DB.Dialect())
	start := time.Now()
	mem, err := a.Verify.Batch(ctx, cli().Actor(), a.DB.Verify(), verify.BatchOptions{Region: "53", Engine: verify.EngineMemory,
		AsOf: *asOf, ColumnDir: a.Verify.ColumnDir, Workers: *workers})
	if err != nil {
		return err
	}
	memTime := time.Since(start)
	hwm := peakRSS()
	fmt.Fprintf(out, "  run %d: %d households, %d flagged (%d not meeting, %d to check) in %s; peak memory %s\n", mem.Run.ID,
		mem.Households, mem.Flagged, mem.Verdicts[verify.NotMeets], mem.Verdicts[verify.NeedsCheck], memTime.Round(time.Millisecond), hwm)
	for _, k := range []string{"read registry", "read snapshots", "index registry", "match", "evaluate and store", "changes"} {
		fmt.Fprintf(out, "    %-20s %s\n", k, mem.Timings[k].Round(time.Millisecond))
	}
	memFlagged, err := flaggedSet(ctx, a, mem.Run.ID)
	if err != nil {
		return err
	}

	// 2. Precision and recall against the truth.
	if *truth != "" {
		if err := score(ctx, a, *truth, memFlagged, out); err != nil {
			return err
		}
	}

	// 3. Single-household checks.
	if *checks > 0 {
		if err := benchChecks(ctx, a, *checks, *asOf, out); err != nil {
			return err
		}
	}

	// 4. The SQL engine inside PostgreSQL, over the same data.
	if *pg == "" {
		return nil
	}
	b, err := openApp(ctx, *pg, env)
	if err != nil {
		return err
	}
	defer b.DB.Close()
	fmt.Fprintf(out, "SQL engine inside %s …\n", b.DB.Dialect())
	start = time.Now()
	sq, err := b.Verify.Batch(ctx, cli().Actor(), b.DB.Verify(), verify.BatchOptions{Region: "53", Engine: verify.EngineSQL,
		AsOf: *asOf, Workers: *workers})
	if err != nil {
		return err
	}
	sqlTime := time.Since(start)
	fmt.Fprintf(out, "  run %d: %d households, %d flagged in %s\n", sq.Run.ID, sq.Households, sq.Flagged, sqlTime.Round(time.Millisecond))
	sqlFlagged, err := flaggedSet(ctx, b, sq.Run.ID)
	if err != nil {
		return err
	}
	same, onlyMem, onlySQL, diffReasons := 0, 0, 0, 0
	for k, r := range memFlagged {
		s, ok := sqlFlagged[k]
		switch {
		case !ok:
			onlyMem++
		case s != r:
			diffReasons++
		default:
			same++
		}
	}
	for k := range sqlFlagged {
		if _, ok := memFlagged[k]; !ok {
			onlySQL++
		}
	}
	fmt.Fprintf(out, "engines agree on %d flagged households; %d flagged only in-process, %d only by SQL, %d with other reasons\n",
		same, onlyMem, onlySQL, diffReasons)
	fmt.Fprintf(out, "in-process %s, SQL on PostgreSQL %s: %.1f× faster; peak memory %s\n", memTime.Round(time.Millisecond),
		sqlTime.Round(time.Millisecond), sqlTime.Seconds()/memTime.Seconds(), hwm)
	return nil
}

// flaggedSet maps a run's flagged households (by head's resident ID, so
// that two databases compare) to their verdict and reasons' rules.
func flaggedSet(ctx context.Context, a *App, run int64) (map[string]string, error) {
	rs, err := a.DB.Verify().Results(ctx, run, "")
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.HouseholdID
	}
	heads, err := a.DB.Verify().Heads(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(rs))
	for _, r := range rs {
		var b strings.Builder
		b.WriteString(string(r.Verdict))
		for _, x := range r.Reasons {
			b.WriteString(" " + x.Rule + ":" + x.IDNumber)
		}
		out[heads[r.HouseholdID]] = b.String()
	}
	return out, nil
}

// score prints precision and recall of flagged against truth.csv over the
// recipient households. A duplicate flags the original's household too
// (the rule cannot tell the copy from the original), so that household is
// expected as well when it is a recipient, whether the copy is in a
// recipient's household or an applicant's.
func score(ctx context.Context, a *App, path string, flagged map[string]string, out io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	if _, err := r.Read(); err != nil {
		return err
	}
	expected := map[string]string{}
	controls := map[string]string{}
	var originals []string
	nOrig := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		kind, flag, household, applicant, related := rec[0], rec[1] == "true", rec[2], rec[4] == "true", rec[7]
		if kind == "duplicate_person" {
			originals = append(originals, related)
		}
		if applicant {
			continue
		}
		if !flag {
			controls[household] = kind
			continue
		}
		expected[household] = kind
	}
	if len(originals) > 0 {
		heads, err := a.DB.Verify().RecipientHeadsOf(ctx, originals, "2026-01-15")
		if err != nil {
			return err
		}
		for _, h := range heads {
			if _, ok := expected[h]; !ok {
				expected[h] = "duplicate_person (original)"
				nOrig++
			}
		}
	}
	tp, fpControl := 0, 0
	missed := map[string]int{}
	for k, kind := range expected {
		if _, ok := flagged[k]; ok {
			tp++
		} else {
			missed[kind]++
		}
	}
	for k := range flagged {
		if _, ok := controls[k]; ok {
			fpControl++
		}
	}
	fmt.Fprintf(out, "against the truth (recipient households): %d planted + %d duplicates' originals = %d expected; flagged %d; "+
		"true positives %d; precision %.4f, recall %.4f; controls flagged %d of %d\n", len(expected)-nOrig, nOrig, len(expected), len(flagged), tp,
		float64(tp)/float64(max(1, len(flagged))), float64(tp)/float64(max(1, len(expected))), fpControl, len(controls))
	if len(missed) > 0 {
		fmt.Fprintf(out, "  missed by kind: %v\n", missed)
	}
	return nil
}

// benchChecks times single-household checks of random recipients.
func benchChecks(ctx context.Context, a *App, n int, asOf string, out io.Writer) error {
	ids, err := a.DB.Verify().SampleHouseholds(ctx, n, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		return err
	}
	lat := make([]time.Duration, 0, len(ids))
	for _, id := range ids {
		h, err := a.DB.Registry().Household(ctx, id)
		if err != nil {
			return err
		}
		t0 := time.Now()
		if _, err := a.Verify.Check(ctx, &h, asOf); err != nil {
			return err
		}
		lat = append(lat, time.Since(t0))
	}
	if len(lat) == 0 {
		return nil
	}
	slices.Sort(lat)
	fmt.Fprintf(out, "single checks (Service.Check, %d households): p50 %s, p99 %s, max %s\n", len(lat),
		lat[len(lat)/2].Round(time.Microsecond), lat[len(lat)*99/100].Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
	return nil
}

// peakRSS is the process's peak resident memory (VmHWM), or the Go
// runtime's view when /proc is not there.
func peakRSS() string {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "VmHWM:") {
				f := strings.Fields(l)
				if len(f) >= 2 {
					if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
						return fmt.Sprintf("%.2f GiB (VmHWM)", float64(kb)/(1<<20))
					}
				}
			}
		}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return fmt.Sprintf("%.2f GiB (Go runtime)", float64(m.Sys)/(1<<30))
}
