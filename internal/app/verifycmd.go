package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/idcard"
	"safetynet/internal/sqlstore"
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
	data, err := os.ReadFile(name)
	if err != nil {
		return usagef("cannot read %s: %v", name, err)
	}
	a, err := openApp(ctx, *dsn, env)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	if *source == "staff_relatives" {
		return importStaffRelatives(ctx, a, data, env)
	}
	if *asOf == "" {
		return usagef(use)
	}
	start := time.Now()
	res, err := a.Verify.Import(ctx, cli().Actor(), *source, *asOf, data, ext == "xlsx", *good)
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
// register, validated whole first.
func importStaffRelatives(ctx context.Context, a *App, data []byte, env Env) error {
	lines := strings.Split(strings.TrimPrefix(strings.ReplaceAll(string(data), "\r\n", "\n"), "\ufeff"), "\n")
	want := "staff_id,staff_name,role,unit,region,relative_id,relative_name,relation"
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != want {
		return apperr.Field("file", "表头应为 "+want, "the header must be "+want)
	}
	var es []sqlstore.StaffEntry
	bad := 0
	for i, l := range lines[1:] {
		if strings.TrimSpace(l) == "" {
			continue
		}
		row := i + 2
		c := strings.Split(l, ",")
		fail := func(col, zh, en string) {
			bad++
			fmt.Fprintf(env.Stderr, "第%d行【%s】：%s | row %d, column %s: %s\n", row, col, zh, row, col, en)
		}
		if len(c) != 8 {
			fail("", "应有 8 列", "want 8 columns")
			continue
		}
		sid, err1 := idcard.Parse(c[0])
		rid, err2 := idcard.Parse(c[5])
		role := sqlstore.StaffRole(c[2])
		switch {
		case err1 != nil:
			fail("staff_id", "身份证号码无效", "invalid resident ID")
		case err2 != nil:
			fail("relative_id", "身份证号码无效", "invalid resident ID")
		case role == "":
			fail("role", "未知的人员类别", "unknown role")
		case len(c[4]) < 6:
			fail("region", "区划代码无效", "invalid division code")
		default:
			es = append(es, sqlstore.StaffEntry{County: c[4][:6] + "000000", StaffID: sid.String(), StaffName: c[1], Role: role,
				RelativeID: rid.String(), Relation: c[7]})
		}
	}
	if bad > 0 {
		return apperr.Field("rows", fmt.Sprintf("文件有 %d 行错误，未导入任何数据", bad), fmt.Sprintf("%d bad rows; nothing was loaded", bad))
	}
	n, err := a.DB.Verify().LoadStaffRelatives(ctx, es, "cli")
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已导入近亲属备案 loaded %d register entries (%d already registered)\n", n, len(es)-n)
	return nil
}

// runVerify: safetynet verify sources | --all | --region CODE [--engine memory|sql] [--as-of DATE]
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

func runVerifyBatch(ctx context.Context, args []string, env Env) error {
	return usagef("verify --all | --region CODE: not yet")
}
