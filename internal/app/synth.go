package app

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/registry"
	"safetynet/internal/synth"
)

// loaderFunc adapts a bulk-insert function to synth.HouseholdLoader.
type loaderFunc func(ctx context.Context, hs []registry.Household) error

func (f loaderFunc) LoadHouseholds(ctx context.Context, hs []registry.Household) error {
	return f(ctx, hs)
}

// runSynth: safetynet synth --scale small|county|yunnan [--seed N] (--out DIR | --db DSN) [--workers N]
//
// It generates the synthetic province (internal/synth) into files, a
// database, or both: --db loads the registry's households (the department
// datasets, the truth and the staff-relatives register are files, so they
// need --out).
func runSynth(ctx context.Context, args []string, env Env) (err error) {
	fs := newFlags("synth", env)
	var names []string
	for _, s := range synth.Scales {
		names = append(names, s.Name)
	}
	scale := fs.String("scale", "small", "size: "+strings.Join(names, ", "))
	seed := fs.Int64("seed", 1, "random seed; the same seed gives the same province")
	out := fs.String("out", "", "write the files of internal/synth/FORMAT.md to this directory")
	dsn := fs.String("db", "", "load the households into this database: sqlite:PATH or postgres://…")
	workers := fs.Int("workers", 2, "counties generated at once")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("synth: unexpected argument %q", pos[0])
	}
	if *out == "" && *dsn == "" {
		return usagef("synth --scale small|county|yunnan [--seed N] (--out DIR | --db DSN)")
	}
	sc, err := synth.ScaleByName(*scale)
	if err != nil {
		return err
	}
	cfg := synth.Config{Scale: sc.Name, Seed: *seed, Workers: *workers}
	o := synth.Output{Dir: *out}
	var loading time.Duration // spent in the database
	finishLoad := func() error { return nil }
	if *dsn != "" {
		a, err := openApp(ctx, *dsn, env)
		if err != nil {
			return err
		}
		defer a.DB.Close()
		// Into an empty registry the secondary indexes are built once at
		// the end rather than kept up to date row by row.
		rebuild, err := a.DB.DeferIndexes(ctx)
		if err != nil {
			return err
		}
		defer func() { // after a failure too: the registry must keep its indexes
			if rebuild != nil {
				if e := rebuild(context.WithoutCancel(ctx)); e != nil && err == nil {
					err = e
				}
			}
		}()
		finishLoad = func() error {
			t := time.Now()
			err := rebuild(ctx)
			rebuild = nil
			loading += time.Since(t)
			return err
		}
		// Large batches: each commit rewrites the hot index pages to the
		// WAL, so fewer, bigger transactions write much less.
		o.Batch = 20000
		o.Loader = loaderFunc(func(ctx context.Context, hs []registry.Household) error {
			t := time.Now()
			err := a.DB.Registry().LoadHouseholds(ctx, hs)
			loading += time.Since(t)
			return err
		})
		if *out == "" {
			fmt.Fprintln(env.Stderr, "提示：部门数据、真值表和近亲属备案表只写入文件，请加 --out DIR 一并生成\n"+
				"note: the department datasets, the truth and the staff-relatives register are written only with --out DIR")
		}
	}
	// The generator allocates many short-lived strings; a lazier collector
	// trades some memory (ample here) for a good share of the CPU.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(6 << 30))

	fmt.Fprintf(env.Stderr, "生成 generating %s (%s), seed %d\n", sc.Name, sc.About, cfg.Seed)
	report, finish := progress(env, "synth")
	o.Progress = report
	start := time.Now()
	st, err := synth.Run(ctx, cfg, o)
	finish()
	if apperr.Is(err, apperr.Conflict) && *dsn != "" {
		return &apperr.Error{Kind: apperr.Conflict, Op: "synth", Err: err,
			Msg:   "数据库中已有同样身份证号码的人员：该规模和种子的数据可能已经载入，请换一个空数据库",
			MsgEN: "the database already holds persons with these resident IDs: this scale and seed may be loaded already; use an empty database"}
	}
	if err != nil {
		return err
	}
	if err := finishLoad(); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已生成 generated in %s: %d counties, %d households (%d recipient, %d applicant), %d persons; "+
		"%d planted cases\n", time.Since(start).Round(time.Millisecond), st.Counties, st.Households,
		st.RecipientHouseholds, st.ApplicantHouseholds, st.Persons, truthTotal(st))
	if *out != "" {
		fmt.Fprintf(env.Stdout, "文件 files: %s: %d department records, %.1f MB in all\n", *out, st.RecordsTotal, float64(st.Bytes)/1e6)
	}
	if *dsn != "" {
		fmt.Fprintf(env.Stdout, "数据库 database: %d households, %d persons loaded in %s\n", st.Households, st.Persons,
			loading.Round(time.Millisecond))
	}
	return nil
}

func truthTotal(st synth.Stats) int {
	n := 0
	for _, v := range st.Truth {
		n += v
	}
	return n
}
