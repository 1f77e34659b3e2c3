package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"safetynet/internal/policy"
)

// runCalendar runs `safetynet calendar import FILE [--db DSN]` and
// `safetynet calendar show YEAR [--db DSN]`.
func runCalendar(ctx context.Context, args []string, env Env) error {
	const use = "calendar import FILE [--db DSN] | calendar show YEAR [--db DSN]"
	if len(args) == 0 {
		return usagef(use)
	}
	fs := newFlags("calendar "+args[0], env)
	dsn := dbFlag(fs, env)
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 || (args[0] != "import" && args[0] != "show") {
		return usagef(use)
	}
	var f *os.File
	if args[0] == "import" {
		if f, err = os.Open(pos[0]); err != nil {
			return usagef("cannot open %s: %v", pos[0], err)
		}
		defer f.Close()
	}
	a, err := openApp(ctx, *dsn, env)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	if args[0] == "import" {
		n, err := a.Calendar.ImportCSV(ctx, cli(), f)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "已导入 %d 条节假日安排 imported %d calendar entries\n", n, n)
		return nil
	}
	var year int
	if _, err := fmt.Sscan(pos[0], &year); err != nil {
		return usagef("calendar show YEAR: %q is not a year", pos[0])
	}
	y, err := a.Calendar.Year(year)
	if err != nil {
		return err
	}
	return printCalendarYear(env.Stdout, y)
}

func printCalendarYear(w io.Writer, y policy.CalendarYear) error {
	fmt.Fprintf(w, "%d 年工作日 working days: %d\n", y.Year, y.Workdays)
	if !y.Covered {
		fmt.Fprintf(w, "注意：%d 年的节假日安排尚未载入 warning: the %d arrangement is not loaded\n", y.Year, y.Year)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DATE\tKIND\tNAME\tSOURCE")
	rows := append(append([]policy.CalendarDay(nil), y.Holidays...), y.Makeup...)
	for _, d := range rows {
		src := "built-in"
		if d.Imported {
			src = "imported"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Date, d.Kind, d.Name, src)
	}
	return tw.Flush()
}

// runPolicy runs `safetynet policy list [--region CODE] [--db DSN]` and
// `safetynet policy publish FILE [--db DSN]` (FILE holds one version as
// JSON, the shape of an entry of the embedded dataset).
func runPolicy(ctx context.Context, args []string, env Env) error {
	const use = "policy list [--region CODE] [--db DSN] | policy publish FILE [--db DSN]"
	if len(args) == 0 {
		return usagef(use)
	}
	fs := newFlags("policy "+args[0], env)
	dsn := dbFlag(fs, env)
	reg := fs.String("region", "", "only versions bearing on this division (2–12 digits)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	switch {
	case args[0] == "list" && len(pos) == 0:
	case args[0] == "publish" && len(pos) == 1:
	default:
		return usagef(use)
	}
	var data []byte
	if args[0] == "publish" {
		if data, err = os.ReadFile(pos[0]); err != nil {
			return usagef("cannot read %s: %v", pos[0], err)
		}
	}
	a, err := openApp(ctx, *dsn, env)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	if args[0] == "publish" {
		v, err := policy.DecodeVersion(data)
		if err != nil {
			return err
		}
		p, err := a.PolicyService.Publish(ctx, cli(), v)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "已发布 published %s %s (%s), effective %s\n", p.Region, a.Divisions.Tree().Path(p.Region), p.Note, p.Effective)
		return nil
	}
	vs, err := a.PolicyService.Versions(*reg)
	if err != nil {
		return err
	}
	today := a.PolicyService.Today()
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REGION\tEFFECTIVE\tUNTIL\tURBAN\tRURAL/YEAR\tSOURCE\tIN FORCE\tNAME")
	for _, v := range vs {
		src := "built-in"
		if !v.IsDefault() {
			src = "published by " + v.By + " " + v.At.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04")
		}
		mark := ""
		if cur, err := a.PolicyService.Resolve(v.Region, today); err == nil && cur.Region == v.Region && cur.Effective == v.Effective {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.Region, v.Effective, v.Until, v.Params.Dibao.UrbanStandard,
			v.Params.Dibao.RuralAnnualStandard, src, mark, a.Divisions.Tree().Path(v.Region))
	}
	return tw.Flush()
}
