package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/app"
	"safetynet/internal/apptest"
	"safetynet/internal/funds"
	"safetynet/internal/sqlstore"
	"safetynet/internal/verify"
)

// run runs the CLI with args and stdin, returning the exit code and output.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := app.Run(context.Background(), args, app.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

func TestUserCommands(t *testing.T) {
	t.Parallel()
	dsn := apptest.DSN(t)
	code, out, errs := run(t, "", "user", "add", "--username", "li.si", "--password", "Ls-2026-pass", "--role", "township_clerk",
		"--region", "530102001", "--db", dsn)
	if code != 0 || !strings.Contains(out, "530102001000") || !strings.Contains(out, "华山街道") {
		t.Fatalf("user add = %d %q %q", code, out, errs)
	}
	code, _, errs = run(t, "", "user", "add", "--username", "wang", "--password", "Ls-2026-pass", "--role", "king", "--region", "53", "--db", dsn)
	if code != 2 || !strings.Contains(errs, "[role]") || !strings.Contains(errs, "未知角色") {
		t.Fatalf("bad role = %d %q", code, errs)
	}
	code, _, errs = run(t, "", "user", "add", "--username", "wang", "--password", "Ls-2026-pass", "--role", "auditor", "--region", "539999", "--db", dsn)
	if code != 2 || !strings.Contains(errs, "[region]") {
		t.Fatalf("unknown region = %d %q", code, errs)
	}
	if code, out, _ := run(t, "", "user", "list", "--db", dsn); code != 0 || !strings.Contains(out, "li.si") || !strings.Contains(out, "active") {
		t.Fatalf("user list = %d %q", code, out)
	}
	if code, _, errs := run(t, "", "user", "disable", "li.si", "--db", dsn); code != 0 {
		t.Fatalf("user disable = %d %q", code, errs)
	}
	if _, out, _ := run(t, "", "user", "list", "--db", dsn); !strings.Contains(out, "disabled") {
		t.Fatalf("after disable: %q", out)
	}
	if code, _, _ := run(t, "", "user", "passwd", "li.si", "--password", "weak", "--db", dsn); code != 2 {
		t.Fatalf("weak password = %d; want 2", code)
	}
	if code, _, _ := run(t, "", "user", "disable", "nobody", "--db", dsn); code != 1 {
		t.Fatalf("disable unknown = %d; want 1", code)
	}
}

func TestAuditVerifyCommandDetectsTampering(t *testing.T) {
	t.Parallel()
	dsn := apptest.DSN(t)
	for _, u := range []string{"a.one", "a.two", "a.three"} {
		if code, _, errs := run(t, "", "user", "add", "--username", u, "--password", "Ab-2026-pass", "--role", "auditor", "--region", "53", "--db", dsn); code != 0 {
			t.Fatal(errs)
		}
	}
	if code, out, _ := run(t, "", "audit", "verify", "--db", dsn); code != 0 || !strings.Contains(out, "3 entries") {
		t.Fatalf("verify intact = %d %q", code, out)
	}
	db, err := sqlstore.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	err = db.WithTx(context.Background(), func(ctx context.Context) error {
		return sqlstoreExec(ctx, db, `UPDATE audit_log SET after_json = '{"role":"province_admin"}' WHERE seq = 2`)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := run(t, "", "audit", "verify", "--db", dsn)
	if code == 0 || !strings.Contains(out, "entry 2") {
		t.Fatalf("verify tampered = %d %q; want failure naming entry 2", code, out)
	}
}

func TestRegionImport(t *testing.T) {
	t.Parallel()
	dsn := apptest.DSN(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "guizhou.csv")
	os.WriteFile(good, []byte("code,name,parent\n520000000000,贵州省,\n520100000000,贵阳市,520000000000\n520102000000,南明区,520100000000\n"), 0o644)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("code,name,parent\n520000000000,贵州省,\n52010000000X,贵阳市,520000000000\n520102000000,,520100000000\n"), 0o644)
	code, _, errs := run(t, "", "region", "import", bad, "--db", dsn)
	if code != 2 || !strings.Contains(errs, "第 3 行") || !strings.Contains(errs, "第 4 行") {
		t.Fatalf("bad file = %d %q; want every bad row named", code, errs)
	}
	if code, out, errs := run(t, "", "region", "import", good, "--db", dsn); code != 0 || !strings.Contains(out, "3") {
		t.Fatalf("good file = %d %q %q", code, out, errs)
	}
	// The new province is usable at once: a user can be bound to it.
	if code, _, errs := run(t, "", "user", "add", "--username", "gz.user", "--password", "Gz-2026-pass", "--role", "auditor", "--region", "520102", "--db", dsn); code != 0 {
		t.Fatalf("user in imported region: %q", errs)
	}
}

func TestCalcCommand(t *testing.T) {
	t.Parallel()
	code, out, _ := run(t, `{"programme":"tekun","urban_standard":"728","self_care_failed":4,"setting":"institution","care_amounts":{"complete":"950","partial":"475","independent":"0"}}`, "calc")
	if code != 0 {
		t.Fatalf("calc = %d %s", code, out)
	}
	var res struct{ Amount, Period string }
	json.Unmarshal([]byte(out), &res)
	if res.Amount != "1897.00" || res.Period != "month" {
		t.Fatalf("tekun 728×1.3→947 + 950 = %+v; want 1897.00 a month", res)
	}
	code, out, _ = run(t, `{"programme":"tekun","urban_standard":"728","self_care_failed":7,"setting":"home"}`, "calc")
	if code != 2 || !strings.Contains(out, `"field": "self_care_failed"`) {
		t.Fatalf("bad calc = %d %s; want exit 2 naming self_care_failed", code, out)
	}
}

// The server starts on :0 from a test, creates its database, seeds the
// demo and lets a demo user log in.
func TestMainServesDemo(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	m := &app.Main{DSN: apptest.DSN(t), Addr: "127.0.0.1:0", Demo: true, Env: app.Env{Stdout: &out, Stderr: &bytes.Buffer{}}}
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			m.Close()
		}
	}()
	var pw string
	for _, line := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "clerk" {
			pw = f[1]
		}
	}
	if pw == "" {
		t.Fatalf("demo printed no clerk password: %s", out.String())
	}
	body, _ := json.Marshal(map[string]string{"username": "clerk", "password": pw})
	res, err := http.Post(m.URL()+"/api/v1/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("demo login = %d", res.StatusCode)
	}
	res, err = http.Get(m.URL() + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("login page = %d", res.StatusCode)
	}

	// The new pages have something to show: the funds ledger and the
	// centre's queue with one request waiting, one report issued.
	a := m.App()
	ctx := context.Background()
	year := time.Now().In(time.FixedZone("CST", 8*3600)).Year()
	accts, err := a.Funds.Balances(ctx, apptest.System(), funds.Query{Year: year, Region: "530102"})
	if err != nil || len(accts) == 0 {
		t.Errorf("demo funds of 五华区: %d accounts, %v", len(accts), err)
	}
	if _, err := a.Funds.IncentivePool(ctx, apptest.System(), year); err != nil {
		t.Errorf("demo incentive pool: %v", err)
	}
	q, err := a.VerifyCentre.Queue(ctx, access.System("test", "530102000000"), 0)
	if err != nil || len(q) != 1 {
		t.Errorf("demo queue: %d requests, %v", len(q), err)
	}
	if !strings.Contains(out.String(), "with its report") {
		t.Errorf("demo output lacks the verification: %s", out.String())
	}
	// Every department source has a snapshot, so reports and batch runs
	// have data to match.
	snaps, err := a.DB.Verify().Snapshots(ctx)
	if err != nil || len(snaps) != len(verify.Sources) {
		t.Errorf("demo snapshots: %d of %d sources, %v", len(snaps), len(verify.Sources), err)
	}
	for _, sn := range snaps {
		if sn.Rows == 0 {
			t.Errorf("demo snapshot of %s is empty", sn.Source)
		}
	}
	// Started again on the same database, the demo adds nothing twice.
	closed = true
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	m2 := &app.Main{DSN: m.DSN, Addr: "127.0.0.1:0", Demo: true, Env: app.Env{Stdout: &out, Stderr: &bytes.Buffer{}}}
	if err := m2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	if strings.Contains(out.String(), "demo funds") || strings.Contains(out.String(), "demo verification") || strings.Contains(out.String(), "demo datasets") {
		t.Errorf("second start seeds again: %s", out.String())
	}
	if q, _ := m2.App().VerifyCentre.Queue(ctx, access.System("test", "530102000000"), 0); len(q) != 1 {
		t.Errorf("queue after a second start: %d requests", len(q))
	}
}

func TestImportExportCommands(t *testing.T) {
	t.Parallel()
	dsn := apptest.DSN(t)
	dir := t.TempDir()
	h1 := apptest.ID("530102", "1955-01-01", 11)
	h2 := apptest.ID("530102", "1966-03-03", 31)
	csv := "户主身份证号,身份证号码,姓名,与户主关系,村（社区）代码,城乡类别\n" +
		h1 + "," + h1 + ",王大,户主,530102001001,城镇\n" +
		h2 + "," + h2 + ",赵三,户主,530102001999,农村\n"
	in := filepath.Join(dir, "hh.csv")
	os.WriteFile(in, []byte(csv), 0o644)
	code, out, errs := run(t, "", "import", "households", in, "--db", dsn)
	if code != 2 || !strings.Contains(errs, "第 3 行") || !strings.Contains(out, "未写入") {
		t.Fatalf("import all with a bad row = %d %q %q", code, out, errs)
	}
	code, out, errs = run(t, "", "import", "households", in, "--mode", "good", "--db", dsn)
	if code != 0 || !strings.Contains(out, "新建 created 1") {
		t.Fatalf("import good = %d %q %q", code, out, errs)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "hh-待修改.csv")); err != nil || !strings.Contains(string(b), "赵三") || strings.Contains(string(b), "王大") {
		t.Fatalf("rejected rows file: %q %v", b, err)
	}
	code, out, _ = run(t, "", "import", "households", in, "--mode", "good", "--db", dsn)
	if code != 0 || !strings.Contains(out, "新建 created 0") || !strings.Contains(out, "未变 unchanged 1") {
		t.Fatalf("re-import = %d %q", code, out)
	}
	exp := filepath.Join(dir, "out.xlsx")
	if code, out, errs := run(t, "", "export", "households", "--region", "530102", exp, "--db", dsn); code != 0 || !strings.Contains(out, "1") {
		t.Fatalf("export = %d %q %q", code, out, errs)
	}
	// The export re-imports as it is, changing nothing.
	code, out, _ = run(t, "", "import", "households", exp, "--db", dsn)
	if code != 0 || !strings.Contains(out, "未变 unchanged 1") {
		t.Fatalf("re-import of the export = %d %q", code, out)
	}
}
