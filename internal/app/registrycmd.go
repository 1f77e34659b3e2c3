package app

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/schollz/progressbar/v3"

	"safetynet/internal/registry"
)

// progress returns a progress callback: a bar on a terminal, plain lines
// otherwise (a log file or CI), and a function that finishes it.
func progress(env Env, what string) (func(done, total int), func()) {
	if f, ok := env.Stderr.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			var bar *progressbar.ProgressBar
			return func(done, total int) {
					if bar == nil {
						bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription(what),
							progressbar.OptionShowCount(), progressbar.OptionThrottle(200_000_000))
					}
					bar.Set(done)
				}, func() {
					if bar != nil {
						bar.Finish()
						fmt.Fprintln(f)
					}
				}
		}
	}
	last := -1
	return func(done, total int) {
		if total == 0 {
			return
		}
		if pct := done * 100 / total; pct/10 != last/10 || done == total {
			last = pct
			fmt.Fprintf(env.Stderr, "%s: %d/%d (%d%%)\n", what, done, total, pct)
		}
	}, func() {}
}

// runImport: safetynet import households FILE [--mode check|all|good] [--db DSN]
func runImport(ctx context.Context, args []string, env Env) error {
	if len(args) > 0 && args[0] == "dataset" {
		return runImportDataset(ctx, args[1:], env)
	}
	if len(args) == 0 || args[0] != "households" {
		return usagef("import households FILE [--mode check|all|good] [--db DSN]")
	}
	fs := newFlags("import households", env)
	dsn := dbFlag(fs, env)
	mode := fs.String("mode", "all", "check: report only; all: load only if every row is good; good: load the good households")
	rejected := fs.String("rejected", "", "write the rejected rows to this file (default: FILE-待修改.EXT)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("import households FILE [--mode check|all|good] [--db DSN]")
	}
	name := pos[0]
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(name)), ".")
	if format != "csv" && format != "xlsx" {
		return usagef("the file must be .csv or .xlsx: %s", name)
	}
	f, err := os.Open(name)
	if err != nil {
		return usagef("cannot open %s: %v", name, err)
	}
	defer f.Close()
	a, err := openApp(ctx, *dsn, env)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	file, err := registry.ReadFile(bufio.NewReaderSize(f, 1<<20), format, a.Divisions)
	if err != nil {
		return err
	}
	tick, done := progress(env, "导入 importing")
	res, err := a.Registry.ImportHouseholds(ctx, cli(), file, registry.ImportMode(*mode), filepath.Base(name), tick)
	done()
	if err != nil {
		return err
	}
	for _, e := range res.Errors {
		fmt.Fprintf(env.Stderr, "第 %d 行 %s：%s / row %d, %s: %s\n", e.Row, e.Column, e.Msg, e.Row, e.Column, e.MsgEN)
	}
	if res.Truncated {
		fmt.Fprintln(env.Stderr, "……错误过多，仅列出前面部分 (more errors not listed)")
	}
	if len(res.Rejected) > 0 {
		out := *rejected
		if out == "" {
			out = strings.TrimSuffix(name, filepath.Ext(name)) + "-待修改." + format
		}
		w, err := os.Create(out)
		if err != nil {
			return err
		}
		if err := registry.WriteRejected(w, format, file); err != nil {
			w.Close()
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "有误的 %d 行已写入 rejected rows written to %s\n", len(res.Rejected), out)
	}
	fmt.Fprintf(env.Stdout, "数据行 rows %d；新建 created %d；更新 updated %d；未变 unchanged %d；成员 members %d；有误 rejected %d；%s\n",
		res.Rows, res.Created, res.Updated, res.Unchanged, res.Members, len(res.Rejected),
		map[bool]string{true: "已导入 loaded", false: "未写入 nothing written"}[res.Loaded])
	if len(res.Errors) > 0 && !res.Loaded {
		return usageError{"文件有误，未导入 the file has errors; nothing was loaded"}
	}
	return nil
}

// runExport: safetynet export households --region CODE FILE [--db DSN]
func runExport(ctx context.Context, args []string, env Env) error {
	if len(args) > 0 && args[0] == "dataset" {
		return runImportDataset(ctx, args[1:], env)
	}
	if len(args) == 0 || args[0] != "households" {
		return usagef("export households --region CODE FILE [--db DSN]")
	}
	fs := newFlags("export households", env)
	dsn := dbFlag(fs, env)
	reg := fs.String("region", "", "division code (2–12 digits); default: every household")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("export households --region CODE FILE [--db DSN]")
	}
	name := pos[0]
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(name)), ".")
	if format != "csv" && format != "xlsx" {
		return usagef("the file must be .csv or .xlsx: %s", name)
	}
	a, err := openApp(ctx, *dsn, env)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	out, err := os.Create(name)
	if err != nil {
		return err
	}
	defer out.Close()
	bw := bufio.NewWriterSize(out, 1<<20)
	ex, err := registry.NewExporter(bw, format, registry.ExportOptions{})
	if err != nil {
		return err
	}
	n, err := a.Registry.Export(ctx, cli(), *reg, ex.Write)
	if err != nil {
		return err
	}
	if err := ex.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已导出 %d 户 exported %d households to %s\n", n, n, name)
	return out.Close()
}
