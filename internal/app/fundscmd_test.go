package app_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safetynet/internal/app"
	"safetynet/internal/apptest"
)

func TestFundsCommands(t *testing.T) {
	t.Parallel()
	dsn := apptest.DSN(t)
	dir := t.TempDir()
	run := func(args ...string) (string, string, int) {
		t.Helper()
		var out, errb bytes.Buffer
		code := app.Run(context.Background(), append(args, "--db", dsn), app.Env{Stdin: strings.NewReader(""), Stdout: &out,
			Stderr: &errb, Getenv: func(string) string { return "" }})
		return out.String(), errb.String(), code
	}
	must := func(args ...string) string {
		t.Helper()
		out, errs, code := run(args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s%s", args, code, out, errs)
		}
		return out
	}
	must("funds", "budget", "--year", "2025", "--level", "provincial", "--region", "53", "--amount", "1000000", "--doc", "云财社〔2025〕1号")
	must("funds", "allocate", "--year", "2025", "--from", "53", "--to", "530102", "--amount", "100", "--doc", "d")
	if _, errs, code := run("funds", "allocate", "--year", "2025", "--from", "53", "--to", "530103", "--amount", "999900.01", "--doc", "d"); code != 2 || !strings.Contains(errs, "amount") {
		t.Errorf("over-allocation: exit %d %s; want 2 naming amount", code, errs)
	}
	out := must("funds", "balances", "--year", "2025")
	if !strings.Contains(out, "999900.00") || !strings.Contains(out, "530102000000") {
		t.Errorf("balances:\n%s", out)
	}
	csv := filepath.Join(dir, "scores.csv")
	os.WriteFile(csv, []byte("county,score,caseload\n530102,95,1000\n530103,85,2000\n530111,70,500\n530112,55,3000\n"), 0o600)
	if out := must("funds", "score", "--year", "2025", csv); !strings.Contains(out, "4") {
		t.Errorf("score import: %s", out)
	}
	xlsx := filepath.Join(dir, "pool.xlsx")
	out = must("funds", "incentive", "commit", "--year", "2025", "--doc", "云民发〔2025〕9号", "--xlsx", xlsx)
	if !strings.Contains(out, "31538.46") || !strings.Contains(out, "pool 100000.00") {
		t.Errorf("incentive commit:\n%s", out)
	}
	if st, err := os.Stat(xlsx); err != nil || st.Size() == 0 {
		t.Errorf("no workbook: %v", err)
	}
}
