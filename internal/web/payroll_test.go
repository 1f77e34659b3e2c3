package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"safetynet/internal/access"
	"safetynet/internal/apptest"
	"safetynet/internal/audit"
	"safetynet/internal/payroll"
	"safetynet/internal/registry"
	"safetynet/internal/synth"
)

type payrollLoader struct{ a *apptest.App }

func (l payrollLoader) LoadHouseholds(ctx context.Context, hs []registry.Household) error {
	return l.a.DB.Registry().LoadHouseholds(ctx, hs)
}

// TestPayrollAPIAndPages takes 禄劝县's August payroll through the API
// (run, check, approve by the county, export, bank file, return, roster)
// and renders the pages.
func TestPayrollAPIAndPages(t *testing.T) {
	t.Parallel()
	a := apptest.NewApp(t)
	if _, err := synth.Run(context.Background(), synth.Config{Scale: "small", Seed: 1}, synth.Output{Loader: payrollLoader{a}}); err != nil {
		t.Fatal(err)
	}
	a.MustCreateUser(t, "fin", access.FinanceOfficer, "530128")
	a.MustCreateUser(t, "lq.approver", access.CountyApprover, "530128")
	a.MustCreateUser(t, "wh.approver", access.CountyApprover, "530102")
	fin, lq, wh := a.Login(t, "fin"), a.Login(t, "lq.approver"), a.Login(t, "wh.approver")
	const m = "/api/v1/payrolls/2025-08"

	if res := a.Do(t, "POST", m+"/run", wh, map[string]any{}); res.Code != http.StatusForbidden {
		t.Errorf("approver runs: %d %s; want 403", res.Code, res.Body)
	}
	if res := a.Do(t, "POST", m+"/run", fin, map[string]any{"region": "530102"}); res.Code != http.StatusForbidden {
		t.Errorf("run outside the jurisdiction: %d; want 403", res.Code)
	}
	res := a.Do(t, "POST", m+"/run", fin, map[string]any{})
	var run struct{ Counties, Computed, Lines int }
	res.JSON(t, &run)
	if res.Code != 200 || run.Computed != 1 || run.Lines == 0 {
		t.Fatalf("run: %d %s", res.Code, res.Body)
	}
	if res := a.Do(t, "POST", m+"/bogus", fin, nil); res.Code != http.StatusNotFound {
		t.Errorf("unknown action: %d", res.Code)
	}
	if res := a.Do(t, "POST", m+"/approve", lq, nil); res.Code != http.StatusConflict {
		t.Errorf("approve before check: %d %s; want 409", res.Code, res.Body)
	}
	if res := a.Do(t, "POST", m+"/check", fin, nil); res.Code != 200 {
		t.Fatalf("check: %d %s", res.Code, res.Body)
	}
	if res := a.Do(t, "GET", m, wh, nil); res.Code != http.StatusNotFound {
		t.Errorf("五华 approver sees 禄劝's payroll: %d; want 404", res.Code)
	}
	if res := a.Do(t, "POST", m+"/approve", lq, nil); res.Code != 200 {
		t.Fatalf("approve: %d %s", res.Code, res.Body)
	}
	res = a.Do(t, "POST", m+"/export", fin, nil)
	var ex struct {
		Files []struct{ Name, URL, Total string }
	}
	res.JSON(t, &ex)
	if res.Code != 200 || len(ex.Files) == 0 {
		t.Fatalf("export: %d %s", res.Code, res.Body)
	}
	file := a.Do(t, "GET", ex.Files[0].URL, fin, nil)
	if file.Code != 200 || !strings.HasPrefix(file.Body, "H|SNPAY1|530128|2025-08|") {
		t.Fatalf("bank file: %d %.200s", file.Code, file.Body)
	}
	if again := a.Do(t, "GET", ex.Files[0].URL, fin, nil); again.Body != file.Body {
		t.Errorf("bank file differs when fetched again")
	}
	// Every action and every download of a bank file is in the audit log.
	for action, want := range map[string]int{"payroll.run": 1, "payroll.check": 1, "payroll.approve": 1, "payroll.export": 1, "payroll.bankfile": 2} {
		f := audit.Filter{Action: action, Limit: 10, SubjectType: "payroll"}
		if action == "payroll.bankfile" {
			f.SubjectType = "bank_file"
		}
		es, _, err := a.Audit.Search(context.Background(), f)
		if err != nil || len(es) != want {
			t.Errorf("audit %s: %d entries, %v; want %d", action, len(es), err, want)
		}
	}
	if res := a.Do(t, "GET", ex.Files[0].URL, lq, nil); res.Code != http.StatusForbidden {
		t.Errorf("approver downloads a bank file: %d; want 403", res.Code)
	}
	// The bank returns the first payment of the file.
	detail := strings.Split(strings.Split(file.Body, "\n")[1], "|")
	ret := detail[5] + "|" + detail[2] + "|02|户名不符\n"
	res = a.Do(t, "POST", m+"/returns", fin, ret)
	if res.Code != 200 || !strings.Contains(res.Body, `"failed":1`) {
		t.Fatalf("return: %d %s", res.Code, res.Body)
	}
	if res := a.Do(t, "POST", m+"/returns", fin, "530128-nosuch|1|02|x\n"); res.Code != http.StatusBadRequest || res.ErrorField() != "rows[0]" {
		t.Errorf("unknown reference: %d %s; want 400 naming rows[0]", res.Code, res.Body)
	}
	res = a.Do(t, "POST", m+"/reconcile", fin, nil)
	var sum struct{ Status, Payroll, Failed, Paid, Exported string }
	res.JSON(t, &sum)
	if res.Code != 200 || sum.Status != "reconciled" || sum.Failed == "0.00" {
		t.Fatalf("reconcile: %d %s", res.Code, res.Body)
	}
	if res := a.Do(t, "GET", "/api/v1/payrolls", fin, nil); res.Code != 200 || !strings.Contains(res.Body, `"2025-08"`) {
		t.Errorf("list: %d %s", res.Code, res.Body)
	}
	// The roster of a village with payments, as PDF and Excel.
	var village string
	a.DB.Payroll().Lines(context.Background(), "2025-08", "530128000000", func(l *payroll.Line) error {
		village = l.Village
		return nil
	})
	pdf := a.Do(t, "GET", m+"/rosters/"+village+".pdf", fin, nil)
	if pdf.Code != 200 || !strings.HasPrefix(pdf.Body, "%PDF") {
		t.Errorf("roster pdf: %d %.100s", pdf.Code, pdf.Body)
	}
	xlsx := a.Do(t, "GET", m+"/rosters/"+village+".xlsx", fin, nil)
	if xlsx.Code != 200 || !bytes.HasPrefix([]byte(xlsx.Body), []byte("PK")) {
		t.Errorf("roster xlsx: %d", xlsx.Code)
	}
	if res := a.Do(t, "GET", m+"/rosters/530102001001.pdf", fin, nil); res.Code != http.StatusNotFound {
		t.Errorf("roster outside the jurisdiction: %d; want 404", res.Code)
	}

	// The pages.
	c := uiLogin(t, a, "fin")
	for _, path := range []string{"/payroll", "/payroll/2025-08"} {
		res := uiGet(t, a, c, path)
		if res.Code != 200 || !strings.Contains(res.Body, "资金发放") {
			t.Errorf("GET %s: %d", path, res.Code)
		}
	}
	page := uiGet(t, a, c, "/payroll/2025-08")
	if !strings.Contains(page.Body, `id="bank-files"`) || !strings.Contains(page.Body, "已对账") {
		t.Errorf("payroll page lacks the bank files or the state")
	}
	res = uiPost(t, a, c, "/payroll", url.Values{"month": {"2025-09"}})
	if res.Code != http.StatusSeeOther {
		t.Fatalf("run from the page: %d %s", res.Code, res.Body)
	}
	res = uiPost(t, a, c, "/payroll/2025-09/check", url.Values{"region": {"530128"}})
	if res.Code != http.StatusSeeOther {
		t.Fatalf("check from the page: %d %s", res.Code, res.Body)
	}
	if page := uiGet(t, a, c, "/payroll/2025-09"); !strings.Contains(page.Body, "已核对") {
		t.Errorf("September not checked on the page")
	}
}
