package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"safetynet/internal/access"
)

// runBench: safetynet bench search [--db DSN] [--n N] [--concurrency C]
// measures person look-up by resident ID on a loaded registry (e.g. the
// synthetic Yunnan): in the service, and through the HTTP API.
func runBench(ctx context.Context, args []string, env Env) error {
	if len(args) > 0 && args[0] == "payroll" {
		return runBenchPayroll(ctx, args[1:], env)
	}
	if len(args) > 0 && args[0] == "verify" {
		return runBenchVerify(ctx, args[1:], env)
	}
	if len(args) == 0 || args[0] != "search" {
		return usagef("bench search [--db DSN] [--n N] [--concurrency C]")
	}
	fs := newFlags("bench search", env)
	dsn := dbFlag(fs, env)
	n := fs.Int("n", 20000, "look-ups")
	conc := fs.Int("concurrency", 8, "concurrent HTTP clients")
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	a, err := openApp(ctx, *dsn, env)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	ids, err := a.DB.Registry().SampleIDNumbers(ctx, min(*n, 5000), func(lo, hi int64) int64 { return lo + rng.Int64N(hi-lo+1) })
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return usagef("the registry is empty: load it first (safetynet synth --scale yunnan --db …)")
	}
	var persons int
	a.DB.Registry().CountPersons(ctx, &persons)
	fmt.Fprintf(env.Stdout, "registry: %d persons; %d sampled IDs; %d look-ups each\n", persons, len(ids), *n)

	// The service, as a county approver (full IDs, so every view is audited)
	// and as a finance officer (masked IDs, nothing to audit).
	for _, who := range []access.Principal{
		access.System("bench", ""),
		access.NewPrincipal(access.User{ID: 1, Username: "bench-finance", Role: access.FinanceOfficer, Region: "530000000000"}),
	} {
		lat := make([]time.Duration, 0, *n)
		start := time.Now()
		for i := range *n {
			t0 := time.Now()
			if _, err := a.Registry.Person(ctx, who, ids[i%len(ids)]); err != nil {
				return err
			}
			lat = append(lat, time.Since(t0))
		}
		report(env, "service "+string(who.Role)+map[bool]string{true: " (audited)", false: " (masked)"}[who.Can(access.SeeFullID)], lat, time.Since(start))
	}

	// The HTTP API with concurrent clients, as a logged-in county approver.
	pw := "Bench-" + demoPassword()
	if _, err := a.Access.CreateUser(ctx, cli(), access.NewUser{Username: "bench.approver", Password: pw, Role: string(access.CountyApprover), Region: "53"}); err != nil {
		if err := a.Access.SetPassword(ctx, cli(), "bench.approver", pw); err != nil {
			return err
		}
	}
	m := &Main{DSN: *dsn, Addr: "127.0.0.1:0", Env: Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: env.Getenv}}
	if err := m.Start(ctx); err != nil {
		return err
	}
	defer m.Close()
	body, _ := json.Marshal(map[string]string{"username": "bench.approver", "password": pw})
	res, err := http.Post(m.URL()+"/api/v1/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	var tok struct{ Token string }
	json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc}}
	var next atomic.Int64
	var mu sync.Mutex
	lat := make([]time.Duration, 0, *n)
	var failed atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for range *conc {
		wg.Go(func() {
			mine := make([]time.Duration, 0, *n / *conc + 1)
			for {
				i := next.Add(1) - 1
				if i >= int64(*n) {
					break
				}
				req, _ := http.NewRequestWithContext(ctx, "GET", m.URL()+"/api/v1/persons/"+ids[int(i)%len(ids)], nil)
				req.Header.Set("Authorization", "Bearer "+tok.Token)
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil || res.StatusCode != 200 {
					failed.Add(1)
				}
				if res != nil {
					res.Body.Close()
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	report(env, fmt.Sprintf("HTTP GET /api/v1/persons/{id}, %d clients", *conc), lat, time.Since(start))
	if f := failed.Load(); f > 0 {
		return fmt.Errorf("%d requests failed", f)
	}
	return nil
}

// report prints throughput and latency percentiles.
func report(env Env, what string, lat []time.Duration, total time.Duration) {
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*p))] }
	fmt.Fprintf(env.Stdout, "%-50s %8.0f req/s  p50 %-9v p99 %-9v max %v\n", what, float64(len(lat))/total.Seconds(),
		pct(0.50).Round(time.Microsecond), pct(0.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
}
