package app

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/synth"
)

// Main is a running server, startable from a test on ":0".
type Main struct {
	DSN  string
	Addr string
	Demo bool
	Env  Env

	app      *App
	srv      *http.Server
	listener net.Listener
	done     chan error
}

// Start opens the database (creating and migrating it when new), builds
// the application, seeds the demo when asked, and starts serving in the
// background. Use URL for the address actually bound.
func (m *Main) Start(ctx context.Context) error {
	a, err := openApp(ctx, m.DSN, m.Env)
	if err != nil {
		return err
	}
	m.app = a
	if m.Demo {
		if err := seedDemo(ctx, a, m.Env.Stdout); err != nil {
			a.DB.Close()
			return err
		}
		if err := seedDemoHouseholds(ctx, a, m.Env.Stdout); err != nil {
			a.DB.Close()
			return err
		}
		if err := seedDemoActivity(ctx, a, m.Env.Stdout); err != nil {
			a.DB.Close()
			return err
		}
	}
	ws, err := a.Server()
	if err != nil {
		a.DB.Close()
		return err
	}
	ln, err := net.Listen("tcp", m.Addr)
	if err != nil {
		a.DB.Close()
		return err
	}
	m.listener = ln
	m.srv = &http.Server{Handler: ws.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	m.done = make(chan error, 1)
	go func() { m.done <- m.srv.Serve(ln) }()
	a.Log.Info("serving", "url", m.URL(), "db", a.DB.Dialect().String())
	return nil
}

// URL is the base URL the server listens on.
func (m *Main) URL() string { return "http://" + m.listener.Addr().String() }

// App returns the running application.
func (m *Main) App() *App { return m.app }

// Close shuts the server down gracefully and closes the database.
func (m *Main) Close() error {
	if m.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := m.srv.Shutdown(ctx)
	if e := <-m.done; e != nil && !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	m.app.Batches.Close() // the running batch jobs stop; their runs resume when started again
	if e := m.app.DB.Close(); err == nil {
		err = e
	}
	return err
}

func runServe(ctx context.Context, args []string, env Env) error {
	fs := newFlags("serve", env)
	dsn := dbFlag(fs, env)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	demo := fs.Bool("demo", false, "seed a demo jurisdiction with one user per role and print their passwords")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	m := &Main{DSN: *dsn, Addr: *addr, Demo: *demo, Env: env}
	if err := m.Start(ctx); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "安全网已启动 SafetyNet is running: %s\n", m.URL())
	select {
	case <-ctx.Done():
	case err := <-m.done:
		m.done <- err
	}
	return m.Close()
}

// demoUsers are the demo accounts: one per role in 昆明市五华区, and a
// clerk of the neighbouring 盘龙区 to show that jurisdictions are apart.
var demoUsers = []struct {
	username, name string
	role           access.Role
	region         string
	department     string
}{
	{"admin", "省厅管理员", access.ProvinceAdmin, "530000000000", ""},
	{"prefecture", "昆明市民政局干部", access.PrefectureOfficer, "530100000000", ""},
	{"approver", "五华区审批员", access.CountyApprover, "530102000000", ""},
	{"verifier", "五华区核对员", access.CountyVerifier, "530102000000", ""},
	{"clerk", "华山街道窗口受理员", access.TownshipClerk, "530102001000", ""},
	{"reviewer", "华山街道审核员", access.TownshipReviewer, "530102001000", ""},
	{"assistant", "村级协理员", access.VillageAssistant, "530102001001", ""},
	{"handler", "五华区医保经办员", access.DepartmentHandler, "530102000000", "medical_insurance"},
	{"finance", "五华区财务人员", access.FinanceOfficer, "530102000000", ""},
	{"auditor", "省厅审计员", access.Auditor, "530000000000", ""},
	{"clerk2", "盘龙区窗口受理员", access.TownshipClerk, "530103001000", ""},
}

// seedDemo creates the demo users, or gives the existing ones new
// passwords, and prints them.
func seedDemo(ctx context.Context, a *App, out io.Writer) error {
	fmt.Fprintln(out, "演示账号 demo accounts (用户名 username / 密码 password / 角色 role / 管辖 jurisdiction):")
	for _, d := range demoUsers {
		pw := demoPassword()
		_, err := a.Access.CreateUser(ctx, cli(), access.NewUser{Username: d.username, DisplayName: d.name,
			Password: pw, Role: string(d.role), Region: d.region, Department: d.department})
		if apperr.FieldOf(err) == "username" && apperr.Is(err, apperr.Invalid) {
			err = a.Access.SetPassword(ctx, cli(), d.username, pw)
		}
		if err != nil {
			return fmt.Errorf("demo user %s: %w", d.username, err)
		}
		fmt.Fprintf(out, "  %-11s %s  %-19s %s\n", d.username, pw, d.role, a.Divisions.Tree().Path(d.region))
	}
	return nil
}

// seedDemoHouseholds fills an empty registry with the small synthetic
// province (五华区 and 禄劝县, about 4,000 households).
func seedDemoHouseholds(ctx context.Context, a *App, out io.Writer) error {
	var n int
	if err := a.DB.Registry().CountPersons(ctx, &n); err != nil || n > 0 {
		return err
	}
	loader := loaderFunc(func(ctx context.Context, hs []registry.Household) error {
		return a.DB.Registry().LoadHouseholds(ctx, hs)
	})
	st, err := synth.Run(ctx, synth.Config{Scale: "small", Seed: 1}, synth.Output{Loader: loader})
	if err != nil {
		return fmt.Errorf("demo households: %w", err)
	}
	fmt.Fprintf(out, "演示数据 demo registry: %d households, %d persons (synthetic, 五华区 and 禄劝县)\n", st.Households, st.Persons)
	return nil
}

// demoPassword returns a random password that meets the password rule.
func demoPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 10)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "Sn-" + string(b) + "7a"
}

// runCalc reads one calculation request as JSON on stdin and writes the
// result (exit 0) or the error object (exit 2 for bad input) on stdout.
func runCalc(ctx context.Context, args []string, env Env) int {
	enc := json.NewEncoder(env.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	fail := func(err error) int {
		enc.Encode(map[string]any{"error": map[string]string{"code": apperr.KindOf(err).String(),
			"message": apperr.Message(err, "zh"), "message_en": apperr.Message(err, "en"), "field": apperr.FieldOf(err)}})
		if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.NotFound {
			return exitUsage
		}
		return exitError
	}
	// --db adds the versions published in that database to the built-in
	// ones; without it the embedded default alone is used.
	fs := newFlags("calc", env)
	dsn := fs.String("db", "", "use the policy versions published in this database too")
	if pos, err := parse(fs, args); err != nil || len(pos) > 0 {
		return fail(apperr.Field("args", "calc 只接受 --db 参数，请在标准输入中提供 JSON", "calc takes only --db; give the JSON request on stdin"))
	}
	data, err := io.ReadAll(io.LimitReader(env.Stdin, 1<<20))
	if err != nil {
		return fail(err)
	}
	ds, err := policy.Yunnan()
	if *dsn != "" {
		var a *App
		if a, err = openApp(ctx, *dsn, env); err == nil {
			defer a.DB.Close()
			ds = a.PolicyService.Dataset()
		}
	}
	if err != nil {
		return fail(err)
	}
	req, err := policy.DecodeRequest(data)
	if err != nil {
		return fail(err)
	}
	res, err := policy.Calculate(ds, req, calendar.FromTime(time.Now()).String())
	if err != nil {
		return fail(err)
	}
	if err := enc.Encode(res); err != nil {
		return exitError
	}
	return exitOK
}
