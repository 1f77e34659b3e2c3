package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"safetynet/internal/verify"
)

// runImportDataset: safetynet import dataset --source NAME --as-of DATE FILE [--good] [--db DSN]
//
// The file is validated whole; any bad row is named and nothing loads
// unless --good. --source staff_relatives loads the staff relatives'
// register (internal/synth/FORMAT.md) instead of a snapshot.
func runImportDataset(ctx context.Context, args []string, env Env) error {
	const use = "import dataset --source NAME --as-of YYYY-MM-DD FILE [--good] [--db DSN]"
	fs := newFlags("import dataset", env)
	dsn := dbFlag(fs, env)
	source := fs.String("source", "", "the source: vehicles, real_estate, … (safetynet verify sources), or staff_relatives")
	asOf := fs.String("as-of", "", "the date the data are as of, YYYY-MM-DD")
	good := fs.Bool("good", false, "load the good rows even if some are bad")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *source == "" {
		return usagef(use)
	}
	name := pos[0]
	ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(name)), ".")
	if ext != "csv" && ext != "xlsx" {
		return usagef("the file must be .csv or .xlsx: %s", name)
	}
	if _, err := os.Stat(name); err != nil {
		return usagef("cannot read %s: %v", name, err)
	}
	a, err := openApp(ctx, *dsn, env)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	if *source == verify.RegisterName {
		return importStaffRelatives(ctx, a, name, env)
	}
	if *asOf == "" {
		return usagef(use)
	}
	start := time.Now()
	res, err := a.Verify.ImportFile(ctx, cli().Actor(), *source, *asOf, name, ext == "xlsx", *good)
	if res.Parsed != nil {
		for i, e := range res.Parsed.Errors {
			if i == 100 {
				fmt.Fprintf(env.Stderr, "…（共 %d 行有误 %d bad rows in all）\n", res.Parsed.BadRows(), res.Parsed.BadRows())
				break
			}
			fmt.Fprintf(env.Stderr, "%s | %s\n", e.Zh(), e.Error())
		}
	}
	if err != nil {
		return err
	}
	el := time.Since(start)
	if res.Unchanged {
		fmt.Fprintf(env.Stdout, "未变化 unchanged: %s %s 已导入 already loaded as snapshot %d\n", *source, *asOf, res.Snapshot.ID)
		return nil
	}
	fmt.Fprintf(env.Stdout, "已导入 loaded %s as of %s: snapshot %d, %d rows (%d records) in %s, %.0f rows/s\n",
		*source, *asOf, res.Snapshot.ID, res.Parsed.Rows, res.Loaded, el.Round(time.Millisecond), float64(res.Parsed.Rows)/el.Seconds())
	return nil
}

// importStaffRelatives loads staff_relatives.csv (staff_id, staff_name,
// role, unit, region, relative_id, relative_name, relation) into the
// register, validated whole first (verify.ParseRegister: RFC 4180, so a
// quoted field may hold a comma).
func importStaffRelatives(ctx context.Context, a *App, name string, env Env) error {
	f, err := os.Open(name)
	if err != nil {
		return usagef("cannot read %s: %v", name, err)
	}
	defer f.Close()
	res, err := a.Verify.ImportRegister(ctx, cli().Actor(), f)
	for i, e := range res.Errors {
		if i == 100 {
			fmt.Fprintf(env.Stderr, "…（共 %d 处错误 %d errors in all）\n", len(res.Errors), len(res.Errors))
			break
		}
		fmt.Fprintf(env.Stderr, "%s | %s\n", e.Zh(), e.Error())
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已导入近亲属备案 loaded %d register entries (%d already registered)\n", res.Added, res.Rows-res.Added)
	return nil
}

// runVerify: safetynet verify sources | --all | --region CODE [--engine memory|sql] [--as-of DATE]
// batchMemoryLimit is the soft memory limit of a batch run (on the command
// line, and in the server while a job of the in-process engine runs: see
// verify.Batches.MemoryLimit): the collector works before the heap doubles
// (the in-process engine holds ~3 GiB live at province scale), so that the
// heap and the snapshots' column files, which the engine maps (3 GB at
// province scale), stay within 8 GiB together.
const batchMemoryLimit = 4 << 30

func runVerify(ctx context.Context, args []string, env Env) error {
	if len(args) > 0 && args[0] == "sources" {
		fs := newFlags("verify sources", env)
		dsn := dbFlag(fs, env)
		if _, err := parse(fs, args[1:]); err != nil {
			return err
		}
		a, err := openApp(ctx, *dsn, env)
		if err != nil {
			return err
		}
		defer a.DB.Close()
		infos, err := a.Verify.Sources(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%-18s %-22s %-12s %9s %12s  %s\n", "source", "department 部门", "refreshed", "snapshots", "rows", "holds 内容")
		for _, in := range infos {
			date, rows := "-", int64(0)
			if in.Newest != nil {
				date, rows = in.Newest.AsOf, in.Newest.Rows
			}
			fmt.Fprintf(env.Stdout, "%-18s %-22s %-12s %9d %12d  %s %s\n", in.Name, in.Department, date, in.Snapshots, rows, in.Zh, in.En)
		}
		return nil
	}
	return runVerifyBatch(ctx, args, env)
}

// runVerifyBatch: safetynet verify --all | --region CODE [--engine memory|sql] [--as-of DATE] [--db DSN]
func runVerifyBatch(ctx context.Context, args []string, env Env) error {
	const use = "verify --all | --region CODE [--engine memory|sql] [--as-of YYYY-MM-DD] [--db DSN]"
	fs := newFlags("verify", env)
	dsn := dbFlag(fs, env)
	all := fs.Bool("all", false, "every recipient household of the province")
	regionCode := fs.String("region", "", "the recipients of this division (a county or above)")
	engine := fs.String("engine", "memory", "memory (in this process) or sql (inside the database)")
	asOf := fs.String("as-of", "", "the date of the run (default today); the newest snapshots on that date are used")
	workers := fs.Int("workers", 2, "counties evaluated at once")
	list := fs.Int("changes", 50, "how many changed households to list")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *all == (*regionCode != "") {
		return usagef(use)
	}
	a, err := openApp(ctx, *dsn, env)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	code := *regionCode
	if *all {
		code = "53"
	}
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(batchMemoryLimit))
	tick, done := progress(env, "核对 verifying")
	opt := a.Verify.Options(code, verify.Engine(*engine), *asOf)
	opt.Workers, opt.Progress = *workers, tick
	rep, err := a.Verify.Batch(ctx, cli().Actor(), a.DB.Verify(), opt)
	done()
	if err != nil {
		if rep.Run.ID != 0 {
			fmt.Fprintf(env.Stderr, "核对批次 %d 未完成，再次运行同一命令即从中断处继续 run %d is unfinished: run the same command again to resume\n", rep.Run.ID, rep.Run.ID)
		}
		return err
	}
	resumed := ""
	if rep.Resumed {
		resumed = "（续跑 resumed）"
	}
	fmt.Fprintf(env.Stdout, "核对批次 run %d%s: %s engine, as of %s, %d counties, %d households: %d meet, %d do not, %d need a check; in %s\n",
		rep.Run.ID, resumed, rep.Run.Engine, rep.Run.AsOf, rep.Counties, rep.Households, rep.Verdicts[verify.Meets],
		rep.Verdicts[verify.NotMeets], rep.Verdicts[verify.NeedsCheck], rep.Timings["total"].Round(time.Millisecond))
	if rep.Previous == 0 {
		fmt.Fprintln(env.Stdout, "无上一批次可比较 no previous run to compare with")
		return nil
	}
	fmt.Fprintf(env.Stdout, "与上一批次 %d 相比结论变化的家庭 %d 户 households whose verdict changed since run %d: %d\n",
		rep.Previous, len(rep.Changes), rep.Previous, len(rep.Changes))
	for i, c := range rep.Changes {
		if i == *list {
			fmt.Fprintf(env.Stdout, "…\n")
			break
		}
		fmt.Fprintf(env.Stdout, "  household %d (%s): %s → %s\n", c.HouseholdID, c.County, c.Before, c.After)
		for _, r := range c.Reasons {
			fmt.Fprintf(env.Stdout, "    - %s | %s\n", r.Zh, r.En)
		}
	}
	return nil
}
