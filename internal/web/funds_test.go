package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"safetynet/internal/access"
	"safetynet/internal/apptest"
)

// fundsWorld is an app with finance officers at every level.
type fundsWorld struct {
	*apptest.App
	prov, km, wh, pd, aud string
}

func newFundsWorld(t *testing.T) *fundsWorld {
	t.Helper()
	t.Parallel()
	a := apptest.NewApp(t)
	a.MustCreateUser(t, "prov_fin", access.FinanceOfficer, "53")
	a.MustCreateUser(t, "km_fin", access.FinanceOfficer, "5301")
	a.MustCreateUser(t, "wh_fin", access.FinanceOfficer, "530102")
	a.MustCreateUser(t, "pd_fin", access.FinanceOfficer, "530103")
	a.MustCreateUser(t, "aud", access.Auditor, "53")
	return &fundsWorld{App: a, prov: a.Login(t, "prov_fin"), km: a.Login(t, "km_fin"), wh: a.Login(t, "wh_fin"),
		pd: a.Login(t, "pd_fin"), aud: a.Login(t, "aud")}
}

func (w *fundsWorld) must(t *testing.T, method, path, token string, body any, code int) apptest.Response {
	t.Helper()
	res := w.Do(t, method, path, token, body)
	if res.Code != code {
		t.Fatalf("%s %s = %d %s; want %d", method, path, res.Code, res.Body, code)
	}
	return res
}

func TestFundsAPI(t *testing.T) {
	w := newFundsWorld(t)
	y := 2025
	w.must(t, "POST", "/api/v1/funds/budgets", w.prov, map[string]any{"year": y, "programme": "temporary", "level": "provincial",
		"amount": "1000000.00", "doc_no": "云财社〔2025〕1号", "description": "省级财政"}, 201)
	w.must(t, "POST", "/api/v1/funds/allocations", w.prov, map[string]any{"year": y, "programme": "temporary", "to": "530102",
		"amount": "400000", "doc_no": "云财社〔2025〕2号"}, 201)
	// The lists: the province sees its budget and allocation; 五华区 sees the
	// allocation it received, and no budget of its own.
	var bs struct{ Budgets []map[string]any }
	w.must(t, "GET", "/api/v1/funds/budgets?year=2025", w.prov, nil, 200).JSON(t, &bs)
	if len(bs.Budgets) != 1 || bs.Budgets[0]["amount"] != "1000000.00" || bs.Budgets[0]["doc_no"] != "云财社〔2025〕1号" {
		t.Errorf("province's budgets: %+v", bs.Budgets)
	}
	w.must(t, "GET", "/api/v1/funds/budgets?year=2025", w.wh, nil, 200).JSON(t, &bs)
	if len(bs.Budgets) != 0 {
		t.Errorf("五华区 sees budgets %+v; want none", bs.Budgets)
	}
	var as struct{ Allocations []map[string]any }
	w.must(t, "GET", "/api/v1/funds/allocations?year=2025", w.wh, nil, 200).JSON(t, &as)
	if len(as.Allocations) != 1 || as.Allocations[0]["amount"] != "400000.00" {
		t.Errorf("五华区's allocations: %+v", as.Allocations)
	}
	// Beyond what the province holds: 400 naming the amount.
	res := w.must(t, "POST", "/api/v1/funds/allocations", w.prov, map[string]any{"year": y, "programme": "temporary", "to": "530103",
		"amount": "600000.01", "doc_no": "x"}, 400)
	if res.ErrorField() != "amount" || !strings.Contains(res.Body, "超过") {
		t.Errorf("over-allocation: %s", res.Body)
	}
	// Bad input names the field.
	if res := w.must(t, "POST", "/api/v1/funds/budgets", w.prov, map[string]any{"year": y, "programme": "dibao", "level": "federal",
		"amount": "1", "doc_no": "x"}, 400); res.ErrorField() != "level" {
		t.Errorf("bad level: %s", res.Body)
	}
	// Manual spending: twice the same reference, one posting.
	post := map[string]any{"ref": "hand-2025-05-1", "month": "2025-05", "county": "530102", "programme": "temporary", "amount": "1234.56", "note": "临时"}
	w.must(t, "POST", "/api/v1/funds/postings", w.wh, post, 201)
	res = w.must(t, "POST", "/api/v1/funds/postings", w.wh, post, 201)
	if !strings.Contains(res.Body, `"balance":"398765.44"`) {
		t.Errorf("account after a repeated posting: %s", res.Body)
	}
	var ps struct{ Postings []map[string]any }
	w.must(t, "GET", "/api/v1/funds/postings?year=2025", w.wh, nil, 200).JSON(t, &ps)
	if len(ps.Postings) != 1 {
		t.Errorf("%d postings; want 1", len(ps.Postings))
	}
	// Dibao is posted from the payroll only.
	if res := w.must(t, "POST", "/api/v1/funds/postings", w.wh, map[string]any{"ref": "d", "month": "2025-05", "county": "530102",
		"programme": "dibao", "amount": "1"}, 400); res.ErrorField() != "programme" {
		t.Errorf("dibao by hand: %s", res.Body)
	}
	// Overspending is recorded with a warning.
	res = w.must(t, "POST", "/api/v1/funds/postings", w.wh, map[string]any{"ref": "hand-big", "month": "2025-05", "county": "530102",
		"programme": "temporary", "amount": "398765.45"}, 201)
	if !strings.Contains(res.Body, `"warning":"支出已超出可用资金 0.01 元"`) {
		t.Errorf("no overspending warning: %s", res.Body)
	}
	res = w.must(t, "GET", "/api/v1/funds/available?county=530102&programme=temporary&year=2025", w.wh, nil, 200)
	if !strings.Contains(res.Body, `"available":"-0.01"`) || !strings.Contains(res.Body, `"budgeted":true`) {
		t.Errorf("available: %s", res.Body)
	}
	// Balances: the province sees both accounts; Wuhua only its own.
	var bal struct {
		Accounts []struct{ Region, Balance, Spent string }
	}
	w.must(t, "GET", "/api/v1/funds/balances?year=2025", w.aud, nil, 200).JSON(t, &bal)
	if len(bal.Accounts) != 2 || bal.Accounts[0].Balance != "600000.00" || bal.Accounts[1].Spent != "400000.01" {
		t.Errorf("balances: %+v", bal.Accounts)
	}
	// Another county's finance officer gets 404, whichever way he asks.
	for _, path := range []string{"/api/v1/funds/balances?year=2025&region=530102", "/api/v1/funds/available?county=530102&programme=temporary&year=2025",
		"/api/v1/funds/budgets?region=530102", "/api/v1/funds/postings?region=530102000000"} {
		w.must(t, "GET", path, w.pd, nil, 404)
	}
	w.must(t, "POST", "/api/v1/funds/postings", w.pd, map[string]any{"ref": "x", "month": "2025-05", "county": "530102", "programme": "temporary", "amount": "1"}, 404)
	w.must(t, "POST", "/api/v1/funds/budgets", w.aud, map[string]any{"year": y, "programme": "temporary", "level": "provincial", "amount": "1", "doc_no": "x"}, 403)
	var own struct{ Accounts []struct{ Region string } }
	w.must(t, "GET", "/api/v1/funds/balances?year=2025", w.pd, nil, 200).JSON(t, &own)
	if len(own.Accounts) != 0 {
		t.Errorf("Panlong sees %+v", own.Accounts)
	}
}

func TestIncentiveAPIAndPages(t *testing.T) {
	w := newFundsWorld(t)
	w.must(t, "POST", "/api/v1/funds/budgets", w.prov, map[string]any{"year": 2025, "programme": "dibao", "level": "provincial",
		"amount": "1000000.00", "doc_no": "云财社〔2025〕1号"}, 201)
	w.must(t, "PUT", "/api/v1/funds/incentive/2025/scores/530102", w.prov, map[string]any{"score": 95, "caseload": "1000"}, 200)
	if res := w.must(t, "PUT", "/api/v1/funds/incentive/2025/scores/530103", w.prov, map[string]any{"score": "100.5"}, 400); res.ErrorField() != "score" {
		t.Errorf("bad score: %s", res.Body)
	}
	w.must(t, "PUT", "/api/v1/funds/incentive/2025/scores/530102", w.km, map[string]any{"score": 95}, 403)
	req, _ := http.NewRequest("POST", w.Server.URL+"/api/v1/funds/incentive/2025/scores", strings.NewReader("county,score,caseload\n530103,85,2000\n530111,70,500\n530112,55,3000\n"))
	req.Header.Set("Authorization", "Bearer "+w.prov)
	req.Header.Set("Content-Type", "text/csv")
	if res := w.Send(t, req); res.Code != 200 || !strings.Contains(res.Body, `"imported":3`) {
		t.Fatalf("CSV import: %d %s", res.Code, res.Body)
	}
	res := w.must(t, "POST", "/api/v1/funds/incentive/2025/compute", w.prov, map[string]any{"as_of": "2025-06-30"}, 200)
	if !strings.Contains(res.Body, `"total":"100000.00"`) || !strings.Contains(res.Body, `"committed":false`) {
		t.Errorf("compute: %s", res.Body)
	}
	w.must(t, "GET", "/api/v1/funds/incentive/2025", w.prov, nil, 404)
	w.must(t, "POST", "/api/v1/funds/incentive/2025/commit", w.wh, map[string]any{"doc_no": "x"}, 403)
	res = w.must(t, "POST", "/api/v1/funds/incentive/2025/commit", w.prov, map[string]any{"doc_no": "云民发〔2025〕9号", "as_of": "2025-06-30"}, 201)
	var pool struct {
		Rows []struct{ County, Award, WorkFunds, Total string }
	}
	res.JSON(t, &pool)
	want := map[string]string{"530102000000": "31538.46", "530103000000": "53076.92", "530111000000": "10769.23", "530112000000": "4615.39"}
	for _, r := range pool.Rows {
		if want[r.County] != "" && r.Total != want[r.County] {
			t.Errorf("%s total %s; want %s", r.County, r.Total, want[r.County])
		}
	}
	w.must(t, "POST", "/api/v1/funds/incentive/2025/commit", w.prov, map[string]any{"doc_no": "again"}, 409)
	// Wuhua sees its own row of the committed pool.
	res = w.must(t, "GET", "/api/v1/funds/incentive/2025", w.wh, nil, 200)
	if strings.Count(res.Body, `"county":`) != 1 {
		t.Errorf("Wuhua's view of the pool: %s", res.Body)
	}
	// The Excel export holds every county's line and the total.
	res = w.must(t, "GET", "/api/v1/funds/incentive/2025/export", w.prov, nil, 200)
	f, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("以奖代补")
	var found bool
	for _, r := range rows {
		if len(r) > 10 && r[0] == "合计" {
			found = true
			if r[10] != "100,000.00" {
				t.Errorf("export total %q; want 100,000.00", r[10])
			}
		}
	}
	if !found {
		t.Errorf("export has no total row: %v", rows)
	}

	// The pages, through a browser session.
	cookie := uiLogin(t, w.App, "prov_fin")
	get := func(path string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", w.Server.URL+path, nil)
		req.AddCookie(cookie)
		res := w.Send(t, req)
		if res.Code != 200 {
			t.Fatalf("GET %s = %d %s", path, res.Code, res.Body)
		}
		return res.Body
	}
	if body := get("/funds?year=2025"); !strings.Contains(body, "资金总览") || !strings.Contains(body, "可支付月数") || !strings.Contains(body, "云南省") {
		t.Errorf("overview page lacks its table")
	}
	if body := get("/funds/incentive?year=2025"); !strings.Contains(body, "以奖代补资金分配表") || !strings.Contains(body, "31,538.46") && !strings.Contains(body, "31538.46") {
		t.Errorf("incentive page lacks the results")
	}
	if body := get("/funds/ledger?year=2025"); !strings.Contains(body, "云财社〔2025〕1号") || !strings.Contains(body, "以奖代补奖励资金") {
		t.Errorf("ledger page lacks the budget or the pool's allocations")
	}
	// A budget entered through the form, and one refused with the field named.
	form := url.Values{"year": {"2025"}, "programme": {"tekun"}, "level": {"central"}, "region": {"53"}, "amount": {"2500.50"}, "doc_no": {"财社〔2025〕7号"}}
	req, _ = http.NewRequest("POST", w.Server.URL+"/funds/budgets", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(cookie)
	if res := w.Send(t, req); res.Code != http.StatusSeeOther {
		t.Fatalf("budget form: %d %s", res.Code, res.Body)
	}
	form.Set("amount", "1.234")
	req, _ = http.NewRequest("POST", w.Server.URL+"/funds/budgets", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(cookie)
	if res := w.Send(t, req); res.Code != 400 || !strings.Contains(res.Body, "amount") {
		t.Errorf("bad budget form: %d", res.Code)
	}
	if body := get("/funds?year=2025&programme=tekun"); !strings.Contains(body, "2,500.50") {
		t.Errorf("the form's budget is not in the overview")
	}
}
