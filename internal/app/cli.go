package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
)

// Env is the process's standard streams, so tests can run the CLI.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// exit codes.
const (
	exitOK    = 0
	exitError = 1 // the operation failed
	exitUsage = 2 // bad input: flags, arguments, or data
)

// exitCode maps an error to the process's exit status.
func exitCode(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case apperr.Is(err, apperr.Invalid), isUsage(err):
		return exitUsage
	}
	return exitError
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}

const usage = `safetynet — 安全网 社会救助信息系统 (social-assistance information system)

usage: safetynet COMMAND [flags]

commands:
  serve [--db DSN] [--addr HOST:PORT] [--demo]   run the web UI and API
  migrate [up|status] [--db DSN]                  apply or list database migrations
  user add --username U --password P --role ROLE --region CODE [--department D] [--name N] [--db DSN]
  user list | disable U | enable U | passwd U --password P   [--db DSN]
  region import FILE [--db DSN]                   load divisions from CSV (code,name,parent[,class])
  import households FILE [--mode check|all|good] [--db DSN]   load households from the Excel/CSV template
  import dataset --source NAME --as-of DATE FILE [--good] [--db DSN]   load a department dataset (CSV/XLSX) as a dated snapshot
  verify sources | verify --all | --region CODE [--engine memory|sql] [--as-of DATE] [--db DSN]   sources and batch re-verification
  export households [--region CODE] FILE [--db DSN]          write households in the template's columns
  audit verify [--db DSN]                         walk the audit hash chain
  synth --scale small|county|yunnan [--seed N] (--out DIR | --db DSN) [--workers N]   generate the synthetic province
  bench search [--db DSN] [--n N] [--concurrency C]   time look-ups by resident ID on a loaded registry
  bench payroll [--db DSN] [--month YYYY-MM] [--out DIR]   time the province's payroll: run, approve, bank files
  payroll run|check|approve|export|reconcile|show --month YYYY-MM [--region CODE] [--out DIR] [--db DSN]
  payroll return FILE | adjust | roster | list    bank returns, adjustment lines, village rosters, months
  bench verify --db sqlite:PATH --pg postgres://… [--truth FILE]   batch verification in-process vs SQL on PostgreSQL
  calc [--db DSN]                                 compute a benefit: JSON request on stdin (--db adds published policy versions)
  policy list [--region CODE] | policy publish FILE   [--db DSN]
  calendar import FILE | calendar show YEAR       [--db DSN]
  funds budget|allocate|balances|score|incentive compute|commit ...   funds ledger and the incentive pool (safetynet funds for flags)
  version                                         print the version

DSN: sqlite:PATH (default sqlite:safetynet.db) or postgres://…; also $SAFETYNET_DB.
`

// Run runs the command line args (without the program name) and returns
// the exit status.
func Run(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return exitUsage
	}
	var err error
	switch args[0] {
	case "serve":
		err = runServe(ctx, args[1:], env)
	case "migrate":
		err = runMigrate(ctx, args[1:], env)
	case "user":
		err = runUser(ctx, args[1:], env)
	case "region":
		err = runRegion(ctx, args[1:], env)
	case "audit":
		err = runAudit(ctx, args[1:], env)
	case "calendar":
		err = runCalendar(ctx, args[1:], env)
	case "policy":
		err = runPolicy(ctx, args[1:], env)
	case "import":
		err = runImport(ctx, args[1:], env)
	case "export":
		err = runExport(ctx, args[1:], env)
	case "bench":
		err = runBench(ctx, args[1:], env)
	case "payroll":
		err = runPayroll(ctx, args[1:], env)
	case "synth":
		err = runSynth(ctx, args[1:], env)
	case "funds":
		err = runFunds(ctx, args[1:], env)
	case "verify":
		err = runVerify(ctx, args[1:], env)
	case "calc":
		return runCalc(ctx, args[1:], env)
	case "version":
		fmt.Fprintln(env.Stdout, "safetynet", Version)
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
	default:
		err = usagef("unknown command %q\n\n%s", args[0], usage)
	}
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		printError(env.Stderr, err)
	}
	return exitCode(err)
}

// printError prints err in Chinese and English, naming the field.
func printError(w io.Writer, err error) {
	if ae, ok := apperr.As(err); ok && ae.Kind != apperr.Internal {
		field := ""
		if ae.Field != "" {
			field = " [" + ae.Field + "]"
		}
		fmt.Fprintf(w, "错误%s：%s\nerror%s: %s\n", field, apperr.Message(err, "zh"), field, apperr.Message(err, "en"))
		return
	}
	fmt.Fprintf(w, "错误 error: %v\n", err)
}

// dbFlag adds --db to fs, defaulting to $SAFETYNET_DB or sqlite:safetynet.db.
func dbFlag(fs *flag.FlagSet, env Env) *string {
	def := env.Getenv("SAFETYNET_DB")
	if def == "" {
		def = "sqlite:safetynet.db"
	}
	return fs.String("db", def, "database: sqlite:PATH or postgres://…")
}

func newFlags(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

// parse parses flags that may come before or after positional arguments
// (`user disable U --db X` and `user disable --db X U` both work).
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// openApp opens and sets up the database and builds the services.
func openApp(ctx context.Context, dsn string, env Env) (*App, error) {
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := db.Setup(ctx); err != nil {
		db.Close()
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a, err := Build(ctx, db, Options{Log: log})
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

// cli is the principal of the command line: the operator at the server,
// over every division loaded.
func cli() access.Principal { return access.System("cli", "") }

func runMigrate(ctx context.Context, args []string, env Env) error {
	fs := newFlags("migrate", env)
	dsn := dbFlag(fs, env)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	db, err := sqlstore.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	sub := "up"
	if len(pos) > 0 {
		sub = pos[0]
	}
	switch sub {
	case "up":
		if err := db.Setup(ctx); err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, "数据库已是最新 database is up to date")
		return nil
	case "status":
		st, err := db.Status(ctx)
		if err != nil {
			return err
		}
		for _, s := range st {
			mark := "pending"
			if s.Applied {
				mark = "applied"
			}
			fmt.Fprintf(env.Stdout, "%-8s %s\n", mark, s.Name)
		}
		return nil
	}
	return usagef("migrate: unknown subcommand %q (up, status)", sub)
}

func runUser(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		return usagef("user: add | list | disable U | enable U | passwd U --password P")
	}
	fs := newFlags("user "+args[0], env)
	dsn := dbFlag(fs, env)
	username := fs.String("username", "", "username")
	password := fs.String("password", "", "password")
	role := fs.String("role", "", "role: "+roleList())
	reg := fs.String("region", "", "jurisdiction: division code (2, 4, 6, 9 or 12 digits)")
	name := fs.String("name", "", "display name")
	dept := fs.String("department", "", "for a department_handler: medical_insurance, education, housing, human_resources, emergency_management or social_forces")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	a, err := openApp(ctx, *dsn, env)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	target := *username
	if len(pos) > 0 {
		target = pos[0]
	}
	switch args[0] {
	case "add":
		u, err := a.Access.CreateUser(ctx, cli(), access.NewUser{Username: *username, DisplayName: *name,
			Password: *password, Role: *role, Region: *reg, Department: *dept})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "已创建用户 created user %s (%s, %s %s)\n", u.Username, u.Role, u.Region, a.Divisions.Tree().Path(u.Region))
	case "list":
		users, err := a.Access.ListUsers(ctx, cli())
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tROLE\tREGION\tSTATUS\tNAME")
		for _, u := range users {
			st := "active"
			if u.Disabled {
				st = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.Role, u.Region, st, u.DisplayName)
		}
		return tw.Flush()
	case "disable", "enable":
		if target == "" {
			return usagef("user %s USERNAME", args[0])
		}
		if err := a.Access.SetDisabled(ctx, cli(), target, args[0] == "disable"); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s: %s\n", target, args[0]+"d")
	case "passwd":
		if target == "" || *password == "" {
			return usagef("user passwd USERNAME --password P")
		}
		if err := a.Access.SetPassword(ctx, cli(), target, *password); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "已修改密码 password changed: %s\n", target)
	default:
		return usagef("user: unknown subcommand %q", args[0])
	}
	return nil
}

func roleList() string {
	var s []string
	for _, r := range access.Roles {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

func runRegion(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] != "import" {
		return usagef("region import FILE [--db DSN]")
	}
	fs := newFlags("region import", env)
	dsn := dbFlag(fs, env)
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("region import FILE [--db DSN]")
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return usagef("cannot open %s: %v", pos[0], err)
	}
	defer f.Close()
	a, err := openApp(ctx, *dsn, env)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	n, err := a.Divisions.Import(ctx, cli(), f)
	if err != nil {
		var rows region.RowErrors
		if errors.As(err, &rows) {
			for _, r := range rows {
				fmt.Fprintf(env.Stderr, "第 %d 行 %s 列：%s / row %d, column %s: %s\n", r.Row, r.Column, r.Msg, r.Row, r.Column, r.MsgEN)
			}
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "已导入 %d 个行政区划 imported %d divisions\n", n, n)
	return nil
}

func runAudit(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] != "verify" {
		return usagef("audit verify [--db DSN]")
	}
	fs := newFlags("audit verify", env)
	dsn := dbFlag(fs, env)
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	a, err := openApp(ctx, *dsn, env)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	rep, err := a.Audit.Verify(ctx)
	if err != nil {
		return err
	}
	if rep.OK() {
		fmt.Fprintf(env.Stdout, "审计链完整 audit chain intact: %d entries, head %d\n", rep.Entries, rep.Head.Seq)
		return nil
	}
	fmt.Fprintf(env.Stdout, "审计链被破坏 audit chain BROKEN at entry %d: %s (%s)\n", rep.Problem.Seq, rep.Problem.Reason, rep.Problem.ReasonZh())
	return apperr.New(apperr.Conflict, fmt.Sprintf("审计链在第 %d 条记录处被破坏", rep.Problem.Seq),
		fmt.Sprintf("audit chain broken at entry %d", rep.Problem.Seq))
}
