package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"text/tabwriter"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
	"safetynet/internal/payroll"
)

const payrollUsage = `payroll run|check|approve|export|reconcile|show --month YYYY-MM [--region CODE] [--db DSN] [--out DIR] [--recompute]
payroll return FILE --month YYYY-MM [--db DSN]
payroll adjust --month YYYY-MM --household ID [--person ID] --programme dibao|tekun --amount YUAN --reason TEXT [--ref KEY]
payroll roster --month YYYY-MM --village CODE [--out DIR]
payroll list [--db DSN]`

// runPayroll: the monthly payroll from the command line, acting for the
// province (the system principal).
func runPayroll(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		return usagef("%s", payrollUsage)
	}
	sub := args[0]
	fs := newFlags("payroll "+sub, env)
	dsn := dbFlag(fs, env)
	month := fs.String("month", "", "month YYYY-MM")
	regionCode := fs.String("region", "", "province, prefecture or county code (default: the province)")
	out := fs.String("out", ".", "directory for bank files and rosters")
	recompute := fs.Bool("recompute", false, "run: compute the draft and checked counties again")
	household := fs.Int64("household", 0, "adjust: household ID")
	person := fs.Int64("person", 0, "adjust: 特困 person ID")
	programme := fs.String("programme", "", "adjust: dibao or tekun")
	amount := fs.String("amount", "", "adjust: amount in yuan")
	reason := fs.String("reason", "", "adjust: reason")
	ref := fs.String("ref", "", "adjust: the line corrected")
	village := fs.String("village", "", "roster: village code")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if sub != "list" && *month == "" {
		return usagef("--month YYYY-MM is required\n%s", payrollUsage)
	}
	a, err := openApp(ctx, *dsn, env)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	by := cli()
	switch sub {
	case "run":
		t0 := time.Now()
		res, err := a.Payroll.Run(ctx, by, *month, *regionCode, *recompute)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s %s: %d counties, %d computed now, %d lines, %d warnings (%v)\n", res.Month, res.Region,
			res.Counties, res.Computed, res.Lines, res.Warnings, time.Since(t0).Round(time.Millisecond))
		return nil
	case "check", "approve":
		f := a.Payroll.Check
		if sub == "approve" {
			f = a.Payroll.Approve
		}
		res, err := f(ctx, by, *month, *regionCode)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s: %d counties %s\n", *month, len(res.Counties), map[string]string{"check": "checked", "approve": "approved"}[sub])
		for _, w := range res.Warnings {
			fmt.Fprintln(env.Stdout, "warning:", w)
		}
		return nil
	case "export":
		res, err := a.Payroll.Export(ctx, by, *month, *regionCode)
		if err != nil {
			return err
		}
		n, total, err := writeBankFiles(*out, res.Files)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%d bank files, %d payments, %s yuan in %s\n", len(res.Files), n, total, *out)
		if len(res.Skipped) > 0 {
			fmt.Fprintf(env.Stdout, "not approved yet: %v\n", res.Skipped)
		}
		return nil
	case "return":
		if len(pos) != 1 {
			return usagef("payroll return FILE --month YYYY-MM")
		}
		f, err := os.Open(pos[0])
		if err != nil {
			return err
		}
		defer f.Close()
		res, err := a.Payroll.ImportReturn(ctx, by, *month, f)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%d payments failed (%s yuan); %d already recorded\n", res.Failed, res.Amount, res.Already)
		return nil
	case "adjust":
		amt, err := money.Parse(*amount)
		if err != nil {
			return apperr.Field("amount", "金额格式错误", "malformed amount")
		}
		l, err := a.Payroll.Adjust(ctx, by, payroll.AdjustInput{Month: *month, HouseholdID: *household, PersonID: *person,
			Programme: *programme, Amount: amt, Reason: *reason, Ref: *ref})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "adjustment %s: %s yuan\n", l.Key, l.Amount)
		return nil
	case "reconcile", "show":
		var s payroll.Summary
		if sub == "reconcile" {
			s, err = a.Payroll.Reconcile(ctx, by, *month, *regionCode)
		} else {
			s, err = a.Payroll.Summary(ctx, by, *month, *regionCode)
		}
		if err != nil {
			return err
		}
		printSummary(env, s)
		return nil
	case "roster":
		files, err := a.Payroll.Rosters(ctx, by, *month, *village)
		if err != nil {
			return err
		}
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(*out, f.Name), f.Data, 0o640); err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, filepath.Join(*out, f.Name))
		}
		return nil
	case "list":
		ms, err := a.Payroll.Months(ctx, by)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "month\tstatus\tcounties\tcomputed\tlines\ttotal")
		for _, m := range ms {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\n", m.Month, m.Status, m.Counties, m.Computed, m.Lines, m.Total)
		}
		return tw.Flush()
	}
	return usagef("%s", payrollUsage)
}

// writeBankFiles writes the files into dir and returns their payments
// and total.
func writeBankFiles(dir string, files []payroll.BankFile) (int, money.Money, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return 0, 0, err
	}
	n, total := 0, money.Money(0)
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name()), f.Data, 0o640); err != nil {
			return 0, 0, err
		}
		n += f.Count
		total += f.Total
	}
	return n, total, nil
}

func printSummary(env Env, s payroll.Summary) {
	fmt.Fprintf(env.Stdout, "%s %s: %s (%s), %d lines\n", s.Month, s.Region, s.Status, s.Status.Zh(), s.Lines)
	fmt.Fprintf(env.Stdout, "payroll %s  exported %s  held %s  failed %s  re-issued %s  paid %s\n",
		s.Payroll, s.Exported, s.Held, s.Failed, s.Reissued, s.Paid)
	tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "county\tprogramme\tkind\ttier\tstatus\tlines\tpersons\tamount\t")
	for _, t := range s.Totals {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t\n", t.County[:6], t.Programme, t.Kind, t.Tier, t.Status, t.Lines, t.Persons, t.Amount)
	}
	tw.Flush()
	for _, c := range s.Counties {
		if c.Warnings != "" {
			fmt.Fprintf(env.Stdout, "%s %s:\n%s\n", c.County[:6], c.Status, c.Warnings)
		}
	}
}

// runBenchPayroll: safetynet bench payroll [--db DSN] [--month YYYY-MM]
// computes, stores, approves and exports the whole province's payroll for
// a month that has none yet, and prints the time of each step.
func runBenchPayroll(ctx context.Context, args []string, env Env) error {
	fs := newFlags("bench payroll", env)
	dsn := dbFlag(fs, env)
	month := fs.String("month", "", "month (default: the first from 2025-08 with no payroll yet)")
	out := fs.String("out", "", "directory for the bank files (default: a temporary one, removed)")
	regionCode := fs.String("region", "", "region (default: the province)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to FILE")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	a, err := openApp(ctx, *dsn, env)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	by := cli()
	if *month == "" {
		ms, err := a.Payroll.Months(ctx, by)
		if err != nil {
			return err
		}
		used := map[string]bool{}
		for _, m := range ms {
			used[m.Month] = true
		}
		t, _ := time.Parse("2006-01", "2025-08")
		for used[t.Format("2006-01")] {
			t = t.AddDate(0, 1, 0)
		}
		*month = t.Format("2006-01")
	}
	dir := *out
	if dir == "" {
		if dir, err = os.MkdirTemp("", "payroll-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	fmt.Fprintf(env.Stdout, "payroll bench: %s on %s\n", *month, a.DB.Dialect())
	start := time.Now()
	t0 := time.Now()
	res, err := a.Payroll.Run(ctx, by, *month, *regionCode, false)
	if err != nil {
		return err
	}
	run := time.Since(t0)
	fmt.Fprintf(env.Stdout, "run (read, compute, store)   %8v  %d counties, %d lines, %d warnings (read %v, write %v)\n",
		run.Round(time.Millisecond), res.Computed, res.Lines, res.Warnings, res.ReadTime.Round(time.Millisecond), res.WriteTime.Round(time.Millisecond))
	t0 = time.Now()
	if _, err := a.Payroll.Check(ctx, by, *month, *regionCode); err != nil {
		return err
	}
	if _, err := a.Payroll.Approve(ctx, by, *month, *regionCode); err != nil {
		return err
	}
	approve := time.Since(t0)
	fmt.Fprintf(env.Stdout, "check + approve               %8v\n", approve.Round(time.Millisecond))
	t0 = time.Now()
	ex, err := a.Payroll.Export(ctx, by, *month, *regionCode)
	if err != nil {
		return err
	}
	n, total, err := writeBankFiles(dir, ex.Files)
	if err != nil {
		return err
	}
	export := time.Since(t0)
	fmt.Fprintf(env.Stdout, "export (bank files written)   %8v  %d files, %d payments, %s yuan\n", export.Round(time.Millisecond), len(ex.Files), n, total)
	fmt.Fprintf(env.Stdout, "run + export                  %8v\n", (run + export).Round(time.Millisecond))
	fmt.Fprintf(env.Stdout, "total                         %8v\n", time.Since(start).Round(time.Millisecond))
	t0 = time.Now()
	again, err := a.Payroll.Run(ctx, by, *month, *regionCode, false)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "second run (changes nothing)  %8v  %d counties computed\n", time.Since(t0).Round(time.Millisecond), again.Computed)
	return nil
}
