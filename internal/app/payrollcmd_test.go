package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safetynet/internal/apptest"
)

// TestPayrollCommands takes 禄劝县's month through the command line, then
// times the province's payroll on the small synthetic registry.
func TestPayrollCommands(t *testing.T) {
	t.Parallel()
	dsn := apptest.DSN(t)
	if code, _, errs := run(t, "", "synth", "--scale", "small", "--db", dsn); code != 0 {
		t.Fatalf("synth = %d %s", code, errs)
	}
	out := t.TempDir()
	pay := func(args ...string) string {
		t.Helper()
		code, stdout, errs := run(t, "", append(append([]string{"payroll"}, args...), "--db", dsn)...)
		if code != 0 {
			t.Fatalf("payroll %v = %d %s %s", args, code, stdout, errs)
		}
		return stdout
	}
	if code, _, errs := run(t, "", "payroll", "run", "--db", dsn); code != 2 || !strings.Contains(errs, "--month") {
		t.Errorf("run without a month = %d %q; want 2", code, errs)
	}
	if s := pay("run", "--month", "2025-08", "--region", "530128"); !strings.Contains(s, "1 counties, 1 computed now") {
		t.Errorf("run: %q", s)
	}
	if s := pay("run", "--month", "2025-08", "--region", "530128"); !strings.Contains(s, "0 computed now") {
		t.Errorf("second run: %q", s)
	}
	pay("check", "--month", "2025-08", "--region", "530128")
	pay("approve", "--month", "2025-08", "--region", "530128")
	s := pay("export", "--month", "2025-08", "--region", "530128", "--out", out)
	if !strings.Contains(s, "bank files") {
		t.Errorf("export: %q", s)
	}
	files, _ := filepath.Glob(filepath.Join(out, "530128-202508-*.txt"))
	if len(files) == 0 {
		t.Fatalf("no bank files in %s", out)
	}
	data, _ := os.ReadFile(files[0])
	detail := strings.Split(strings.Split(string(data), "\n")[1], "|")
	ret := filepath.Join(out, "return.txt")
	os.WriteFile(ret, []byte(detail[5]+"|"+detail[2]+"|01|销户\n"), 0o600)
	if s := pay("return", ret, "--month", "2025-08"); !strings.Contains(s, "1 payments failed") {
		t.Errorf("return: %q", s)
	}
	if s := pay("reconcile", "--month", "2025-08", "--region", "530128"); !strings.Contains(s, "reconciled") {
		t.Errorf("reconcile: %q", s)
	}
	if s := pay("show", "--month", "2025-08", "--region", "530128"); !strings.Contains(s, "dibao") || !strings.Contains(s, "failed") {
		t.Errorf("show: %q", s)
	}
	if s := pay("list"); !strings.Contains(s, "2025-08") {
		t.Errorf("list: %q", s)
	}
	pay("run", "--month", "2025-09", "--region", "530128")
	hh := strings.TrimPrefix(detail[5], "530128-202508D")
	if s := pay("adjust", "--month", "2025-09", "--household", hh, "--programme", "dibao", "--amount", "12.50", "--reason", "8 月少发"); !strings.Contains(s, "12.50") {
		t.Errorf("adjust: %q", s)
	}
	code, stdout, errs := run(t, "", "bench", "payroll", "--db", dsn)
	if code != 0 || !strings.Contains(stdout, "run + export") || !strings.Contains(stdout, "0 counties computed") {
		t.Errorf("bench payroll = %d %q %q", code, stdout, errs)
	}
}
