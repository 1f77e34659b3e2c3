package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/apperr"
	"safetynet/internal/apptest"
	"safetynet/internal/calendar"
	"safetynet/internal/policy"
)

// runSub runs one of the policy subcommands directly.
func runSub(t *testing.T, f func(context.Context, []string, app.Env) error, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := f(context.Background(), args, app.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" }})
	return out.String(), err
}

func TestPolicyCommandsAndCalcWithDB(t *testing.T) {
	t.Parallel()
	dsn := apptest.DSN(t)
	dir := t.TempDir()
	today := calendar.FromTime(time.Now()).String()

	ds, err := policy.Yunnan()
	if err != nil {
		t.Fatal(err)
	}
	v, err := ds.Resolve("53", today)
	if err != nil {
		t.Fatal(err)
	}
	v.Region, v.Effective, v.Until, v.Note = "530102", today, "", "五华区提标"
	v.Params.Dibao.UrbanStandard = policy.Yuan(90000)
	b, _ := json.Marshal(v)
	file := filepath.Join(dir, "v.json")
	os.WriteFile(file, b, 0o600)
	out, err := runSub(t, app.RunPolicy, "publish", file, "--db", dsn)
	if err != nil || !strings.Contains(out, "530102000000") {
		t.Fatalf("policy publish = %q, %v", out, err)
	}
	if _, err := runSub(t, app.RunPolicy, "publish", file, "--db", dsn); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("publish twice = %v; want Conflict", err)
	}
	v.Effective = "2020-01-01"
	b, _ = json.Marshal(v)
	os.WriteFile(file, b, 0o600)
	if _, err := runSub(t, app.RunPolicy, "publish", file, "--db", dsn); apperr.FieldOf(err) != "effective" {
		t.Fatalf("publish in the past = %v; want Invalid effective", err)
	}
	out, err = runSub(t, app.RunPolicy, "list", "--region", "530102", "--db", dsn)
	if err != nil || !strings.Contains(out, "published by cli") || !strings.Contains(out, "900.00") || !strings.Contains(out, "2015-01-01") {
		t.Fatalf("policy list = %q, %v", out, err)
	}

	req := `{"programme":"dibao","region":"530102001001","area":"urban","persons":2,"per_capita_income":"400"}`
	code, out, _ := run(t, req, "calc", "--db", dsn)
	if code != 0 || !strings.Contains(out, `"amount": "1000.00"`) || !strings.Contains(out, `"effective": "`+today+`"`) {
		t.Fatalf("calc --db = %d %s; want 1000.00 under the published version", code, out)
	}
	if code, out, _ := run(t, req, "calc"); code != 0 || !strings.Contains(out, `"amount": "688.00"`) {
		t.Fatalf("calc without --db = %d %s; want the built-in 688.00", code, out)
	}
	if code, out, _ := run(t, req, "calc", "extra"); code != 2 || !strings.Contains(out, `"field": "args"`) {
		t.Fatalf("calc with an argument = %d %s; want exit 2 naming args", code, out)
	}
}

func TestCalendarCommands(t *testing.T) {
	t.Parallel()
	dsn := apptest.DSN(t)
	file := filepath.Join(t.TempDir(), "2027.csv")
	os.WriteFile(file, []byte("# 2027 春节\n2027-02-05,holiday,春节\n2027-02-20,workday,春节\n"), 0o600)
	out, err := runSub(t, app.RunCalendar, "import", file, "--db", dsn)
	if err != nil || !strings.Contains(out, "imported 2") {
		t.Fatalf("calendar import = %q, %v", out, err)
	}
	out, err = runSub(t, app.RunCalendar, "show", "2027", "--db", dsn)
	if err != nil || !strings.Contains(out, "2027-02-05  holiday  春节") || !strings.Contains(out, "imported") || !strings.Contains(out, "working days: 261") {
		t.Fatalf("calendar show = %q, %v", out, err)
	}
	os.WriteFile(file, []byte("2027-02-05,holiday,春节\n2027-02-08,workday,春节\n"), 0o600)
	if _, err := runSub(t, app.RunCalendar, "import", file, "--db", dsn); apperr.FieldOf(err) != "line[2].date" {
		t.Fatalf("bad file = %v; want Invalid line[2].date", err)
	}
	if _, err := runSub(t, app.RunCalendar, "import", "--db", dsn); err == nil {
		t.Fatal("import without a file succeeded")
	}
}
