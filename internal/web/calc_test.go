package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestCalculateAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cases := []struct {
		name       string
		token      string
		body       string
		wantCode   int
		wantAmount string
		wantField  string
	}{
		{"tekun 2023: 728 × 1.3 → 947 plus full care", w.clerk,
			`{"programme":"tekun","date":"2023-08-01","self_care_failed":4,"setting":"institution"}`, 200, "1897.00", ""},
		{"tekun 3 failed is partial care", w.clerk,
			`{"programme":"tekun","date":"2023-08-01","self_care_failed":3,"setting":"institution"}`, 200, "1422.00", ""},
		{"dibao urban gap, policy 2025 (744)", w.clerk,
			`{"programme":"dibao","date":"2025-07-01","area":"urban","persons":3,"per_capita_income":"400"}`, 200, "1032.00", ""},
		{"dibao income equal to the standard", w.clerk,
			`{"programme":"dibao","date":"2025-07-01","area":"urban","persons":2,"per_capita_income":744}`, 200, "0.00", ""},
		{"explicit values need no policy", w.clerk,
			`{"programme":"temporary","standard":"600","persons":2,"months":3,"max_months":6}`, 200, "3600.00", ""},
		{"negative amount", w.clerk, `{"programme":"dibao","area":"urban","persons":2,"per_capita_income":"-1"}`, 400, "", "per_capita_income"},
		{"persons < 1", w.clerk, `{"programme":"dibao","area":"urban","persons":0,"per_capita_income":"1"}`, 400, "", "persons"},
		{"self care out of range", w.clerk, `{"programme":"tekun","self_care_failed":7,"setting":"home"}`, 400, "", "self_care_failed"},
		{"unknown programme", w.clerk, `{"programme":"lottery"}`, 400, "", "programme"},
		{"medical ratio outside 0–1", w.clerk, `{"programme":"medical","policy_cost":"100","insurance_paid":"0","deductible":"0","ratio":"1.5"}`, 400, "", "ratio"},
		{"no token", "", `{"programme":"dibao"}`, 401, "", ""},
		{"auditor may not calculate", w.auditor, `{"programme":"tekun","self_care_failed":0,"setting":"home"}`, 403, "", ""},
	}
	for _, c := range cases {
		res := w.Do(t, "POST", "/api/v1/calculate", c.token, c.body)
		if res.Code != c.wantCode {
			t.Errorf("%s: %d %s; want %d", c.name, res.Code, res.Body, c.wantCode)
			continue
		}
		if c.wantAmount != "" {
			var out struct {
				Amount string
				Steps  []struct{ Label, Amount string }
				Policy *struct{ Region, Effective string }
			}
			res.JSON(t, &out)
			if out.Amount != c.wantAmount || len(out.Steps) == 0 {
				t.Errorf("%s: amount %s (%d steps); want %s", c.name, out.Amount, len(out.Steps), c.wantAmount)
			}
		}
		if c.wantField != "" && res.ErrorField() != c.wantField {
			t.Errorf("%s: field %q; want %q (%s)", c.name, res.ErrorField(), c.wantField, res.Body)
		}
	}
}

func TestCalculatorPage(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cookie := uiLogin(t, w.App, "clerk")
	post := func(form url.Values) (int, string) {
		req, _ := http.NewRequest("POST", w.Server.URL+"/calc", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(cookie)
		res := w.Send(t, req)
		return res.Code, res.Body
	}
	code, body := post(url.Values{"programme": {"tekun"}, "date": {"2024-08-01"}, "self_care_failed": {"5"}, "setting": {"home"}})
	// 2024: basic 735 × 1.3 = 955.5 → 956; home care, complete: 179.
	if code != 200 || !strings.Contains(body, "1135.00") || !strings.Contains(body, "956.00") {
		t.Fatalf("tekun page = %d; want 1135.00 with the basic 956.00 as a step", code)
	}
	code, body = post(url.Values{"programme": {"dibao"}, "area": {"urban"}, "persons": {"two"}})
	if code != 400 || !strings.Contains(body, "persons") {
		t.Fatalf("bad persons = %d; want 400 naming persons", code)
	}
}
