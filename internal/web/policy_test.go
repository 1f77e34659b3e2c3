package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"safetynet/internal/calendar"
)

// today is the civil date in China, the date the server resolves policy for.
func today() string { return calendar.FromTime(time.Now()).String() }

// inForce returns the version in force for region today as a JSON tree
// ready to be edited and published.
func (w *world) inForce(t *testing.T, region string) map[string]any {
	t.Helper()
	res := w.Do(t, "GET", "/api/v1/policy/resolve?region="+region, w.admin, nil)
	if res.Code != http.StatusOK {
		t.Fatalf("resolve %s: %d %s", region, res.Code, res.Body)
	}
	var v map[string]any
	res.JSON(t, &v)
	// The answer carries read-only fields the publish body does not take.
	for _, k := range []string{"region_name", "source", "published_by", "published_at"} {
		delete(v, k)
	}
	return v
}

func dibaoOf(v map[string]any) map[string]any {
	return v["params"].(map[string]any)["dibao"].(map[string]any)
}

func TestPublishPolicyAndCalculateWithIt(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	day := today()
	base := w.inForce(t, "530102")
	if base["region"] != "530000000000" || base["effective"] != "2025-07-01" {
		t.Fatalf("in force before publishing: %v %v; want the province's 2025-07-01", base["region"], base["effective"])
	}
	county := func(edit func(v map[string]any)) map[string]any {
		v := w.inForce(t, "530102")
		v["region"], v["effective"], v["note"] = "530102", day, "五华区提标"
		v["unverified"] = []string{}
		if edit != nil {
			edit(v)
		}
		return v
	}
	cases := []struct {
		name      string
		token     string
		body      any
		wantCode  int
		wantField string
	}{
		{"no token", "", county(nil), 401, ""},
		{"clerk may not publish", w.clerk, county(nil), 403, ""},
		{"auditor may not publish", w.auditor, county(nil), 403, ""},
		{"negative standard", w.admin, county(func(v map[string]any) { dibaoOf(v)["urban_standard"] = "-5" }), 400, "params.dibao.urban_standard"},
		{"standard not an amount", w.admin, county(func(v map[string]any) { dibaoOf(v)["urban_standard"] = "九百" }), 400, "params.dibao.urban_standard"},
		{"unknown parameter", w.admin, county(func(v map[string]any) { dibaoOf(v)["urban_standrd"] = "900" }), 400, "params.dibao.urban_standrd"},
		{"effective in the past", w.admin, county(func(v map[string]any) { v["effective"] = "2026-01-01" }), 400, "effective"},
		{"unknown division", w.admin, county(func(v map[string]any) { v["region"] = "530199" }), 400, "region"},
		{"malformed JSON", w.admin, `{"region":`, 400, "body"},
	}
	for _, c := range cases {
		res := w.Do(t, "POST", "/api/v1/policy/versions", c.token, c.body)
		if res.Code != c.wantCode || res.ErrorField() != c.wantField {
			t.Errorf("%s: %d field %q (%s); want %d field %q", c.name, res.Code, res.ErrorField(), res.Body, c.wantCode, c.wantField)
		}
	}

	body := county(func(v map[string]any) { dibaoOf(v)["urban_standard"] = "900.00" })
	res := w.Do(t, "POST", "/api/v1/policy/versions", w.admin, body)
	if res.Code != http.StatusCreated {
		t.Fatalf("publish: %d %s", res.Code, res.Body)
	}
	var pub struct{ Region, Effective, Source, PublishedBy string }
	res.JSON(t, &pub)
	// The JSON names are snake_case; decode the one that matters by hand.
	var raw map[string]any
	res.JSON(t, &raw)
	if pub.Region != "530102000000" || pub.Effective != day || pub.Source != "published" || raw["published_by"] != "admin" {
		t.Fatalf("published %+v %v", pub, raw["published_by"])
	}
	if res := w.Do(t, "POST", "/api/v1/policy/versions", w.admin, body); res.Code != http.StatusConflict {
		t.Errorf("publish twice = %d %s; want 409", res.Code, res.Body)
	}

	calc := func(token, village string) (string, string, string) {
		t.Helper()
		res := w.Do(t, "POST", "/api/v1/calculate", token, map[string]any{"programme": "dibao", "region": village,
			"date": day, "area": "urban", "persons": 2, "per_capita_income": "400"})
		if res.Code != http.StatusOK {
			t.Fatalf("calculate %s: %d %s", village, res.Code, res.Body)
		}
		var out struct {
			Amount string
			Policy struct{ Region, Effective string }
		}
		res.JSON(t, &out)
		return out.Amount, out.Policy.Region, out.Policy.Effective
	}
	// (900 − 400) × 2 in 五华区; (744 − 400) × 2 under the province's
	// standard in 盘龙区.
	if amount, region, eff := calc(w.clerk, wuhuaVillage); amount != "1000.00" || region != "530102000000" || eff != day {
		t.Errorf("五华区 = %s under %s@%s; want 1000.00 under 530102000000@%s", amount, region, eff, day)
	}
	if amount, region, eff := calc(w.clerk2, "530103001001"); amount != "688.00" || region != "530000000000" || eff != "2025-07-01" {
		t.Errorf("盘龙区 = %s under %s@%s; want 688.00 under the province's 2025-07-01", amount, region, eff)
	}
	// The day before, 五华区 still had the province's standard.
	res = w.Do(t, "POST", "/api/v1/calculate", w.clerk, map[string]any{"programme": "dibao", "region": wuhuaVillage,
		"date": "2026-01-01", "area": "urban", "persons": 2, "per_capita_income": "400"})
	if !strings.Contains(res.Body, `"amount":"688.00"`) {
		t.Errorf("五华区 on 2026-01-01 = %s; want 688.00", res.Body)
	}

	// Old versions stay listed next to the new one.
	res = w.Do(t, "GET", "/api/v1/policy/versions?region=530102", w.clerk, nil)
	var list struct {
		Versions []struct{ Region, Effective, Source string }
	}
	res.JSON(t, &list)
	seen := map[string]string{}
	for _, v := range list.Versions {
		seen[v.Region+"@"+v.Effective] = v.Source
	}
	for key, src := range map[string]string{"530000000000@2015-01-01": "default", "530000000000@2025-07-01": "default",
		"530100000000@2018-07-01": "default", "530102000000@" + day: "published"} {
		if seen[key] != src {
			t.Errorf("versions for 530102: %s is %q; want %q (all: %v)", key, seen[key], src, seen)
		}
	}
	if res := w.Do(t, "GET", "/api/v1/policy/versions?region=5301x", w.clerk, nil); res.Code != 400 || res.ErrorField() != "region" {
		t.Errorf("bad region filter = %d %s", res.Code, res.Body)
	}
	if res := w.Do(t, "GET", "/api/v1/policy/resolve?region=530102&date=2018-08-01", w.clerk, nil); !strings.Contains(res.Body, `"region":"530100000000"`) ||
		!strings.Contains(res.Body, `"urban_standard":"590.00"`) {
		t.Errorf("resolve 2018 = %s; want Kunming's 590.00", res.Body)
	}
	if res := w.Do(t, "GET", "/api/v1/policy/resolve?region=530102&date=1999-01-01", w.clerk, nil); res.Code != 404 || res.ErrorField() != "date" {
		t.Errorf("resolve before any version = %d %s; want 404 date", res.Code, res.Body)
	}

	// The calculator page names the version used.
	cookie := uiLogin(t, w.App, "clerk")
	form := url.Values{"programme": {"dibao"}, "region": {wuhuaVillage}, "area": {"urban"}, "persons": {"2"}, "per_capita_income": {"400"}}
	req, _ := http.NewRequest("POST", w.Server.URL+"/calc", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(cookie)
	if res := w.Send(t, req); !strings.Contains(res.Body, "1000.00") || !strings.Contains(res.Body, "530102000000 · "+day) {
		t.Errorf("calculator page lacks the published version (%d)", res.Code)
	}
}

func TestCalendarImportAndYear(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	type year struct {
		Year     int
		Covered  bool
		Workdays int
		Holidays []struct {
			Date, Name string
			Imported   bool
		}
		Makeup []struct{ Date string } `json:"makeup_workdays"`
	}
	get := func(y string) year {
		t.Helper()
		res := w.Do(t, "GET", "/api/v1/calendar/"+y, w.clerk, nil)
		if res.Code != http.StatusOK {
			t.Fatalf("calendar %s: %d %s", y, res.Code, res.Body)
		}
		var out year
		res.JSON(t, &out)
		return out
	}
	// Monday to Friday in 2027: 261 days.
	before := get("2027")
	if before.Covered || before.Workdays != 261 || len(before.Holidays) != 0 {
		t.Fatalf("2027 before import = %+v; want uncovered, 261 working days, no holidays", before)
	}
	if y := get("2025"); !y.Covered || y.Workdays != 248 || len(y.Holidays) == 0 {
		t.Fatalf("2025 = covered %v, %d working days; want the built-in 248", y.Covered, y.Workdays)
	}
	if res := w.Do(t, "GET", "/api/v1/calendar/twenty", w.clerk, nil); res.Code != 400 || res.ErrorField() != "year" {
		t.Errorf("bad year = %d %s", res.Code, res.Body)
	}

	// A Spring Festival break of nine days, Friday 5 to Saturday 13
	// February, with two make-up Sundays/Saturdays around it.
	csv := "date,kind,name\n2027-01-31,workday,春节\n"
	for d := calendar.MustParseDate("2027-02-05"); d <= calendar.MustParseDate("2027-02-13"); d++ {
		csv += d.String() + ",holiday,春节\n"
	}
	csv += "2027-02-20,workday,春节\n"
	send := func(token, body string) (int, string, string) {
		req, _ := http.NewRequest("POST", w.Server.URL+"/api/v1/calendar", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/csv")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res := w.Send(t, req)
		return res.Code, res.ErrorField(), res.Body
	}
	if code, _, body := send(w.clerk, csv); code != 403 {
		t.Errorf("clerk import = %d %s; want 403", code, body)
	}
	if code, field, body := send(w.admin, "2027-02-05,holiday,春节\n2027-02-08,workday,春节\n"); code != 400 || field != "line[2].date" {
		t.Errorf("make-up day on a Monday = %d %s; want 400 line[2].date", code, body)
	}
	if code, field, body := send(w.admin, "2027-02-05,holiday,春节\n2027-02-06,rest,春节\n"); code != 400 || field != "line[2].kind" {
		t.Errorf("unknown kind = %d %s; want 400 line[2].kind", code, body)
	}
	if get("2027").Covered {
		t.Fatal("a refused file changed the calendar")
	}
	if code, _, body := send(w.admin, csv); code != 200 || !strings.Contains(body, `"imported":11`) {
		t.Fatalf("import = %d %s; want 11 imported", code, body)
	}

	after := get("2027")
	// Six weekdays off (5, 8–12 February), two weekend days worked.
	if !after.Covered || after.Workdays != 261-6+2 || len(after.Holidays) != 9 || len(after.Makeup) != 2 {
		t.Fatalf("2027 after import = covered %v, %d working days, %d holidays, %d make-up days; want covered, 257, 9, 2",
			after.Covered, after.Workdays, len(after.Holidays), len(after.Makeup))
	}
	if h := after.Holidays[3]; h.Date != "2027-02-08" || h.Name != "春节" || !h.Imported {
		t.Errorf("holiday[3] = %+v", h)
	}

	// Deadlines count across the break.
	cal := w.Calendar.Calendar()
	d := calendar.MustParseDate
	for _, c := range []struct {
		from string
		n    int
		want string
	}{
		{"2027-02-04", 1, "2027-02-15"}, // Thursday before the break → the Monday after
		{"2027-02-04", 3, "2027-02-17"},
		{"2027-02-19", 1, "2027-02-20"}, // the make-up Saturday counts
		{"2027-01-29", 1, "2027-01-31"}, // and the make-up Sunday
		{"2027-02-15", -1, "2027-02-04"},
	} {
		if got := cal.AddWorkdays(d(c.from), c.n); got != d(c.want) {
			t.Errorf("AddWorkdays(%s, %d) = %s; want %s", c.from, c.n, got, c.want)
		}
	}

	// The page shows the year, and an administrator can import from it.
	admin := uiLogin(t, w.App, "admin")
	req, _ := http.NewRequest("GET", w.Server.URL+"/policy/calendar?year=2027", nil)
	req.AddCookie(admin)
	if res := w.Send(t, req); res.Code != 200 || !strings.Contains(res.Body, "2027-02-08") || !strings.Contains(res.Body, "257") ||
		!strings.Contains(res.Body, "导入节假日安排") {
		t.Errorf("calendar page = %d, lacks the 2027 break, 257 or the import form", res.Code)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("year", "2027")
	fw, _ := mw.CreateFormFile("file", "2027.csv")
	fw.Write([]byte("\uFEFF2027-10-01,holiday,国庆节\n"))
	mw.Close()
	req, _ = http.NewRequest("POST", w.Server.URL+"/policy/calendar", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(admin)
	if res := w.Send(t, req); res.Code != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "imported=1") {
		t.Fatalf("UI import = %d %s", res.Code, res.Header.Get("Location"))
	}
	if cal := w.Calendar.Calendar(); cal.IsWorkday(d("2027-10-01")) {
		t.Error("2027-10-01 imported through the page is still a working day")
	}
	form := url.Values{"year": {"2027"}, "text": {"2027-10-04,workday,国庆节"}}
	req, _ = http.NewRequest("POST", w.Server.URL+"/policy/calendar", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(admin)
	if res := w.Send(t, req); res.Code != 400 || !strings.Contains(res.Body, "line[1].date") {
		t.Errorf("UI import of a bad line = %d; want 400 naming line[1].date", res.Code)
	}
}

func TestPolicyPages(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	admin := uiLogin(t, w.App, "admin")
	clerk := uiLogin(t, w.App, "clerk")
	get := func(c *http.Cookie, path string) (int, string) {
		req, _ := http.NewRequest("GET", w.Server.URL+path, nil)
		req.AddCookie(c)
		res := w.Send(t, req)
		return res.Code, res.Body
	}
	for _, c := range []struct {
		cookie *http.Cookie
		path   string
		want   []string
		not    []string
	}{
		{admin, "/policy", []string{"保障标准", "744.00", "968.00", "1035.00", "发布新版本", "2025-07-01", "系统内置", "待核实", `href="/policy"`}, nil},
		{clerk, "/policy", []string{"保障标准", "744.00"}, []string{"发布新版本"}},
		{clerk, "/policy?v=530100000000@2018-07-01", []string{"昆明市", "590.00", "2019-07-01"}, nil},
		{clerk, "/policy?region=530102", []string{"530100000000"}, nil},
		{clerk, "/policy/calendar?year=2026", []string{"国庆节", "春节", "工作日历"}, []string{"导入节假日安排"}},
		{clerk, "/policy/calendar?year=2030", []string{"尚未载入"}, nil},
	} {
		code, body := get(c.cookie, c.path)
		if code != 200 {
			t.Errorf("GET %s = %d", c.path, code)
			continue
		}
		for _, s := range c.want {
			if !strings.Contains(body, s) {
				t.Errorf("GET %s lacks %q", c.path, s)
			}
		}
		for _, s := range c.not {
			if strings.Contains(body, s) {
				t.Errorf("GET %s shows %q", c.path, s)
			}
		}
	}

	// Publish through the form: the parameters are the JSON of the version
	// shown, edited.
	v := w.inForce(t, "53")
	params := v["params"].(map[string]any)
	dibaoOf(v)["urban_standard"] = "-1"
	bad, _ := json.Marshal(params)
	post := func(params []byte, effective string) (int, string, string) {
		form := url.Values{"region": {"530102"}, "effective": {effective}, "note": {"页面发布"}, "params": {string(params)}, "unverified": {""}}
		req, _ := http.NewRequest("POST", w.Server.URL+"/policy", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(admin)
		res := w.Send(t, req)
		return res.Code, res.Body, res.Header.Get("Location")
	}
	if code, body, _ := post(bad, today()); code != 400 || !strings.Contains(body, "params.dibao.urban_standard") || !strings.Contains(body, "页面发布") {
		t.Errorf("form with a bad standard = %d; want 400 naming params.dibao.urban_standard and keeping the input", code)
	}
	if code, _, _ := post([]byte("{not json"), today()); code != 400 {
		t.Errorf("form with bad JSON = %d; want 400", code)
	}
	dibaoOf(v)["urban_standard"] = "888.00"
	good, _ := json.Marshal(params)
	code, _, loc := post(good, today())
	if code != http.StatusSeeOther || !strings.Contains(loc, "530102000000") {
		t.Fatalf("form publish = %d → %q", code, loc)
	}
	if code, body := get(admin, loc); code != 200 || !strings.Contains(body, "888.00") || !strings.Contains(body, "已发布新的政策版本") {
		t.Errorf("after publishing: %d, lacks 888.00 or the notice", code)
	}
	if code, _, _ := post(good, today()); code != http.StatusConflict {
		t.Errorf("form publish twice = %d; want 409", code)
	}
	req, _ := http.NewRequest("POST", w.Server.URL+"/policy", strings.NewReader("region=53"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(clerk)
	if res := w.Send(t, req); res.Code != http.StatusForbidden {
		t.Errorf("clerk form publish = %d; want 403", res.Code)
	}
}
