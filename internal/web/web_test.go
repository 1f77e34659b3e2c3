package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"safetynet/internal/access"
	"safetynet/internal/apptest"
)

// Villages and townships used below: 五华区 (530102) and 盘龙区 (530103)
// of 昆明市 are two counties.
const (
	wuhuaTown    = "530102001000" // 华山街道
	wuhuaVillage = "530102001001"
	panlongTown  = "530103001000"
)

// world is an app with a clerk in each of two counties, an auditor, a
// finance officer and the province admin, all logged in.
type world struct {
	*apptest.App
	clerk, clerk2, auditor, finance, admin string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	a := apptest.NewApp(t)
	a.MustCreateUser(t, "clerk", access.TownshipClerk, wuhuaTown)
	a.MustCreateUser(t, "clerk2", access.TownshipClerk, panlongTown)
	a.MustCreateUser(t, "auditor", access.Auditor, "530000000000")
	a.MustCreateUser(t, "finance", access.FinanceOfficer, "530102000000")
	a.MustCreateUser(t, "admin", access.ProvinceAdmin, "53")
	return &world{App: a, clerk: a.Login(t, "clerk"), clerk2: a.Login(t, "clerk2"),
		auditor: a.Login(t, "auditor"), finance: a.Login(t, "finance"), admin: a.Login(t, "admin")}
}

func household(ids ...string) map[string]any {
	rels := []string{"head", "spouse", "child", "child", "parent"}
	var members []map[string]string
	for i, id := range ids {
		members = append(members, map[string]string{"id_number": id, "name": "成员" + string(rune('甲'+i)), "relationship": rels[i]})
	}
	return map[string]any{"village": wuhuaVillage, "area": "urban", "members": members}
}

var (
	idHead   = apptest.ID("530102", "1970-05-01", 11)
	idSpouse = apptest.ID("530102", "1972-08-09", 22)
	idChild  = apptest.ID("530102", "2010-01-31", 31)
)

func (w *world) mustCreateHousehold(t *testing.T, ids ...string) string {
	t.Helper()
	res := w.Do(t, "POST", "/api/v1/households", w.clerk, household(ids...))
	if res.Code != http.StatusCreated {
		t.Fatalf("create household: %d %s", res.Code, res.Body)
	}
	var out struct{ ID string }
	res.JSON(t, &out)
	return out.ID
}

func TestUnauthenticatedGets401(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, path := range []string{"/api/v1/me", "/api/v1/households/1", "/api/v1/persons/" + idHead, "/api/v1/users", "/api/v1/audit"} {
		res := w.Do(t, "GET", path, "", nil)
		if res.Code != http.StatusUnauthorized {
			t.Errorf("GET %s without a token = %d; want 401", path, res.Code)
		}
		if !strings.Contains(res.Body, `"code":"unauthorized"`) {
			t.Errorf("GET %s body %s lacks the error object", path, res.Body)
		}
		if res := w.Do(t, "GET", path, "not-a-token", nil); res.Code != http.StatusUnauthorized {
			t.Errorf("GET %s with a forged token = %d; want 401", path, res.Code)
		}
	}
	res := w.Do(t, "POST", "/api/v1/households", "", household(idHead))
	if res.Code != http.StatusUnauthorized {
		t.Errorf("POST household without token = %d", res.Code)
	}
	// The UI sends an anonymous visitor to the login page.
	res = w.Do(t, "GET", "/households", "", nil)
	if res.Code != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("GET /households anonymous = %d %s; want redirect to /login", res.Code, res.Header.Get("Location"))
	}
}

func TestCreateHouseholdContract(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	badCheck := idSpouse[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", idSpouse[17])+1)%11])
	cases := []struct {
		name      string
		token     string
		body      any
		wantCode  int
		wantField string
	}{
		{"bad member ID", w.clerk, household(idHead, badCheck), 400, "members[1].id_number"},
		{"impossible birth date", w.clerk, household(idHead, "530102199902300012"), 400, "members[1].id_number"},
		{"unknown village", w.clerk, func() any { h := household(idHead); h["village"] = "530102001999"; return h }(), 400, "village"},
		{"township instead of village", w.clerk, func() any { h := household(idHead); h["village"] = wuhuaTown; return h }(), 400, "village"},
		{"bad area", w.clerk, func() any { h := household(idHead); h["area"] = "city"; return h }(), 400, "area"},
		{"no head", w.clerk, map[string]any{"village": wuhuaVillage, "area": "urban", "members": []map[string]string{{"id_number": idHead, "name": "甲", "relationship": "child"}}}, 400, "members"},
		{"empty name", w.clerk, map[string]any{"village": wuhuaVillage, "area": "urban", "members": []map[string]string{{"id_number": idHead, "name": " ", "relationship": "head"}}}, 400, "members[0].name"},
		{"duplicate within", w.clerk, household(idHead, idHead), 400, "members[1].id_number"},
		{"unknown field", w.clerk, `{"village":"530102001001","area":"urban","members":[],"colour":"red"}`, 400, "colour"},
		{"malformed JSON", w.clerk, `{"village":`, 400, "body"},
		{"wrong type", w.clerk, `{"village":530102001001}`, 400, "village"},
		{"village outside jurisdiction", w.clerk2, household(idHead), 403, ""},
		{"role may not write", w.auditor, household(idHead), 403, ""},
		{"role may not write (finance)", w.finance, household(idHead), 403, ""},
	}
	for _, c := range cases {
		res := w.Do(t, "POST", "/api/v1/households", c.token, c.body)
		if res.Code != c.wantCode {
			t.Errorf("%s: status %d; want %d (%s)", c.name, res.Code, c.wantCode, res.Body)
			continue
		}
		if c.wantField != "" && res.ErrorField() != c.wantField {
			t.Errorf("%s: field %q; want %q (%s)", c.name, res.ErrorField(), c.wantField, res.Body)
		}
	}
	// Nothing of the rejected households was written.
	if res := w.Do(t, "GET", "/api/v1/persons/"+idHead, w.clerk, nil); res.Code != 404 {
		t.Fatalf("person after rejected posts: %d %s; want 404", res.Code, res.Body)
	}

	id := w.mustCreateHousehold(t, idHead, idSpouse, idChild)
	var got struct {
		ID      string
		Village string
		Members []struct {
			IDNumber     string `json:"id_number"`
			Name         string `json:"name"`
			Sex          string `json:"sex"`
			BirthDate    string `json:"birth_date"`
			Relationship string `json:"relationship"`
		}
	}
	res := w.Do(t, "GET", "/api/v1/households/"+id, w.clerk, nil)
	if res.Code != 200 {
		t.Fatalf("get household: %d %s", res.Code, res.Body)
	}
	res.JSON(t, &got)
	if got.ID != id || got.Village != wuhuaVillage || len(got.Members) != 3 {
		t.Fatalf("household = %+v", got)
	}
	if m := got.Members[0]; m.Relationship != "head" || m.BirthDate != "1970-05-01" || m.Sex != "M" {
		t.Errorf("head = %+v; want head born 1970-05-01, male", m)
	}
	// A member already in a household: 409 naming the member.
	res = w.Do(t, "POST", "/api/v1/households", w.clerk, household(apptest.ID("530102", "1980-01-01", 41), idSpouse))
	if res.Code != http.StatusConflict || res.ErrorField() != "members[1].id_number" {
		t.Fatalf("duplicate person: %d %s; want 409 members[1].id_number", res.Code, res.Body)
	}
	if res := w.Do(t, "GET", "/api/v1/persons/"+apptest.ID("530102", "1980-01-01", 41), w.clerk, nil); res.Code != 404 {
		t.Fatalf("the head of the refused household was written: %d", res.Code)
	}
}

func TestJurisdictionIsolation(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.mustCreateHousehold(t, idHead, idSpouse)

	// The other county's clerk: 404 for everything, the same as for a
	// household that does not exist.
	for _, path := range []string{"/api/v1/households/" + id, "/api/v1/persons/" + idHead, "/api/v1/households/12345"} {
		res := w.Do(t, "GET", path, w.clerk2, nil)
		if res.Code != 404 {
			t.Errorf("clerk2 GET %s = %d; want 404", path, res.Code)
		}
	}
	unknown := w.Do(t, "GET", "/api/v1/households/12345", w.clerk2, nil).Body
	other := w.Do(t, "GET", "/api/v1/households/"+id, w.clerk2, nil).Body
	if unknown != other {
		t.Errorf("404 bodies differ, revealing existence: %s vs %s", unknown, other)
	}
	// Through the UI too, with the session cookie of a browser login.
	cookie := uiLogin(t, w.App, "clerk2")
	req, _ := http.NewRequest("GET", w.Server.URL+"/households/"+id, nil)
	req.AddCookie(cookie)
	if res := w.Send(t, req); res.Code != 404 || strings.Contains(res.Body, "成员甲") {
		t.Errorf("clerk2 UI household = %d; want 404 without the household", res.Code)
	}
	for _, q := range []string{idHead, "成员甲", "cyj"} {
		req, _ := http.NewRequest("GET", w.Server.URL+"/households?q="+url.QueryEscape(q), nil)
		req.AddCookie(cookie)
		if res := w.Send(t, req); res.Code != 200 || strings.Contains(res.Body, "/households/"+id) {
			t.Errorf("clerk2 UI search %s = %d; the other county's household shows", q, res.Code)
		}
		req, _ = http.NewRequest("GET", w.Server.URL+"/households?q="+url.QueryEscape(q), nil)
		req.AddCookie(uiLogin(t, w.App, "clerk"))
		if res := w.Send(t, req); !strings.Contains(res.Body, "/households/"+id) {
			t.Errorf("clerk UI search %s does not find the household", q)
		}
	}
	// The household's own clerk sees it in the UI.
	own := uiLogin(t, w.App, "clerk")
	req, _ = http.NewRequest("GET", w.Server.URL+"/households/"+id, nil)
	req.AddCookie(own)
	if res := w.Send(t, req); res.Code != 200 || !strings.Contains(res.Body, "成员甲") || !strings.Contains(res.Body, idHead) {
		t.Errorf("clerk UI household = %d; want the household with full IDs", res.Code)
	}
	// The province sees it; the finance officer of the county sees masked IDs.
	if res := w.Do(t, "GET", "/api/v1/persons/"+idHead, w.admin, nil); res.Code != 200 || !strings.Contains(res.Body, idHead) {
		t.Errorf("admin person = %d %s", res.Code, res.Body)
	}
	res := w.Do(t, "GET", "/api/v1/households/"+id, w.finance, nil)
	if res.Code != 200 || strings.Contains(res.Body, idHead) || !strings.Contains(res.Body, idHead[:6]+"********"+idHead[14:]) {
		t.Errorf("finance household = %d %s; want masked IDs", res.Code, res.Body)
	}
	// The other county's clerk cannot change it either: posting a member of
	// it elsewhere is refused before anything is revealed about where.
	res = w.Do(t, "POST", "/api/v1/households", w.clerk2, map[string]any{"village": "530103001001", "area": "urban",
		"members": []map[string]string{{"id_number": apptest.ID("530103", "1990-02-02", 51), "name": "乙", "relationship": "head"}}})
	if res.Code != 201 {
		t.Fatalf("clerk2 in own county: %d %s", res.Code, res.Body)
	}
}

// uiLogin logs in through the HTML form and returns the session cookie.
func uiLogin(t *testing.T, a *apptest.App, username string) *http.Cookie {
	t.Helper()
	form := url.Values{"username": {username}, "password": {apptest.Password}}
	req, _ := http.NewRequest("POST", a.Server.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", a.Server.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res := a.Send(t, req)
	if res.Code != http.StatusSeeOther {
		t.Fatalf("UI login %s: %d %s", username, res.Code, res.Body)
	}
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == "sn_session" {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie lacks HttpOnly/SameSite=Lax: %+v", c)
			}
			return c
		}
	}
	t.Fatalf("no session cookie")
	return nil
}

func TestCrossOriginFormPostIsRefused(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cookie := uiLogin(t, w.App, "admin")
	form := url.Values{"username": {"mallory"}, "password": {"Xx-1234567890"}, "role": {"province_admin"}, "region": {"53"}}
	req, _ := http.NewRequest("POST", w.Server.URL+"/users", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	req.AddCookie(cookie)
	if res := w.Send(t, req); res.Code != http.StatusForbidden {
		t.Fatalf("cross-site POST = %d; want 403", res.Code)
	}
	if res := w.Do(t, "GET", "/api/v1/users", w.admin, nil); strings.Contains(res.Body, "mallory") {
		t.Fatalf("cross-site POST created a user")
	}
}

func TestLoginLockout(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for i := 0; i < 5; i++ {
		res := w.Do(t, "POST", "/api/v1/login", "", map[string]string{"username": "clerk", "password": "wrong"})
		if res.Code != 401 {
			t.Fatalf("attempt %d = %d; want 401", i+1, res.Code)
		}
	}
	res := w.Do(t, "POST", "/api/v1/login", "", map[string]string{"username": "clerk", "password": apptest.Password})
	if res.Code != http.StatusTooManyRequests {
		t.Fatalf("login after 5 failures = %d; want 429 (locked)", res.Code)
	}
	// Unknown usernames get the same answer as wrong passwords.
	res = w.Do(t, "POST", "/api/v1/login", "", map[string]string{"username": "nobody", "password": "x"})
	if res.Code != 401 || !strings.Contains(res.Body, "用户名或密码错误") {
		t.Fatalf("unknown user = %d %s", res.Code, res.Body)
	}
	// Disabling a user ends its tokens at once.
	if res := w.Do(t, "POST", "/api/v1/users/clerk2/disable", w.admin, nil); res.Code != 204 {
		t.Fatalf("disable: %d %s", res.Code, res.Body)
	}
	if res := w.Do(t, "GET", "/api/v1/me", w.clerk2, nil); res.Code != 401 {
		t.Fatalf("disabled user's token = %d; want 401", res.Code)
	}
}

func TestUsersAndRoles(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	newUser := map[string]string{"username": "zhang.san", "display_name": "张三", "password": "Zs-2026-abcd",
		"role": "county_verifier", "region": "530102"}
	if res := w.Do(t, "POST", "/api/v1/users", w.clerk, newUser); res.Code != 403 {
		t.Errorf("clerk creates user = %d; want 403", res.Code)
	}
	res := w.Do(t, "POST", "/api/v1/users", w.admin, newUser)
	if res.Code != 201 || !strings.Contains(res.Body, `"region":"530102000000"`) {
		t.Fatalf("admin creates user = %d %s", res.Code, res.Body)
	}
	if res := w.Do(t, "POST", "/api/v1/users", w.admin, newUser); res.Code != 400 || res.ErrorField() != "username" {
		t.Errorf("duplicate username = %d %s", res.Code, res.Body)
	}
	bad := map[string]map[string]string{
		"role":       {"username": "a.b", "password": "Zs-2026-abcd", "role": "emperor", "region": "53"},
		"region":     {"username": "a.c", "password": "Zs-2026-abcd", "role": "auditor", "region": "539999"},
		"password":   {"username": "a.d", "password": "short", "role": "auditor", "region": "53"},
		"username":   {"username": "A B", "password": "Zs-2026-abcd", "role": "auditor", "region": "53"},
		"department": {"username": "a.e", "password": "Zs-2026-abcd", "role": "department_handler", "region": "530102"},
	}
	if res := w.Do(t, "POST", "/api/v1/users", w.admin, map[string]string{"username": "a.f", "password": "Zs-2026-abcd",
		"role": "township_clerk", "region": "530102001", "department": "education"}); res.Code != 400 || res.ErrorField() != "department" {
		t.Errorf("a clerk with a department = %d %s", res.Code, res.Body)
	}
	res = w.Do(t, "POST", "/api/v1/users", w.admin, map[string]string{"username": "yibao", "password": "Zs-2026-abcd",
		"role": "department_handler", "region": "530102", "department": "medical_insurance"})
	if res.Code != 201 || !strings.Contains(res.Body, `"department":"medical_insurance"`) {
		t.Errorf("department handler = %d %s", res.Code, res.Body)
	}
	for field, body := range bad {
		if res := w.Do(t, "POST", "/api/v1/users", w.admin, body); res.Code != 400 || res.ErrorField() != field {
			t.Errorf("bad %s = %d %s", field, res.Code, res.Body)
		}
	}
	var me struct {
		Username, Role, Region string
		Permissions            []string
	}
	w.Do(t, "GET", "/api/v1/me", w.clerk, nil).JSON(t, &me)
	if me.Username != "clerk" || me.Role != "township_clerk" || !slices.Contains(me.Permissions, "registry.write") {
		t.Errorf("me = %+v", me)
	}
	// A long-lived service token acts with its account's scope.
	res = w.Do(t, "POST", "/api/v1/tokens", w.admin, map[string]any{"username": "finance", "name": "某银行代发系统", "days": 30})
	if res.Code != 201 {
		t.Fatalf("issue token: %d %s", res.Code, res.Body)
	}
	var tok struct{ Token string }
	res.JSON(t, &tok)
	if res := w.Do(t, "GET", "/api/v1/me", tok.Token, nil); res.Code != 200 || !strings.Contains(res.Body, `"username":"finance"`) {
		t.Errorf("service token me = %d %s", res.Code, res.Body)
	}
	if res := w.Do(t, "POST", "/api/v1/tokens", w.clerk, map[string]any{"username": "clerk", "name": "x"}); res.Code != 403 {
		t.Errorf("clerk issues token = %d; want 403", res.Code)
	}
}

func TestAuditSearchAndVerify(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.mustCreateHousehold(t, idHead)
	w.Do(t, "GET", "/api/v1/persons/"+idHead, w.clerk, nil)
	if res := w.Do(t, "GET", "/api/v1/audit", w.clerk, nil); res.Code != 403 {
		t.Errorf("clerk reads audit = %d; want 403", res.Code)
	}
	var out struct {
		Entries []struct {
			Action    string `json:"action"`
			Actor     string `json:"actor"`
			SubjectID string `json:"subject_id"`
		}
		Total int
	}
	res := w.Do(t, "GET", "/api/v1/audit?subject_type=household&subject_id="+id, w.auditor, nil)
	res.JSON(t, &out)
	if out.Total != 1 || out.Entries[0].Action != "household.create" || out.Entries[0].Actor != "clerk" {
		t.Fatalf("audit of the household = %s", res.Body)
	}
	w.Do(t, "GET", "/api/v1/audit?action=person.view", w.auditor, nil).JSON(t, &out)
	if out.Total != 1 || strings.Contains(out.Entries[0].SubjectID, idHead) {
		t.Fatalf("person view audit = %+v (IDs in the log must be masked)", out)
	}
	if res := w.Do(t, "GET", "/api/v1/audit?from=2026-13-01", w.auditor, nil); res.Code != 400 || res.ErrorField() != "from" {
		t.Errorf("bad date = %d %s", res.Code, res.Body)
	}
	var v struct {
		OK      bool
		Entries int
	}
	w.Do(t, "GET", "/api/v1/audit/verify", w.auditor, nil).JSON(t, &v)
	if !v.OK || v.Entries < 8 {
		t.Fatalf("verify = %+v", v)
	}
}

func TestEveryResponseCarriesSecurityHeaders(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, path := range []string{"/", "/login", "/api/v1/me", "/healthz", "/static/style.css", "/nope", "/api/v1/openapi.json"} {
		res := w.Do(t, "GET", path, "", nil)
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
			"Referrer-Policy": "same-origin"} {
			if got := res.Header.Get(h); got != want {
				t.Errorf("GET %s %s = %q; want %q", path, h, got, want)
			}
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("GET %s CSP = %q", path, csp)
		}
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200} {
		if res := w.Do(t, "GET", path, "", nil); res.Code != want {
			t.Errorf("GET %s = %d", path, res.Code)
		}
	}
	if res := w.Do(t, "GET", "/metrics", "", nil); !strings.Contains(res.Body, "safetynet_http_requests_total") {
		t.Errorf("metrics lack the request counter")
	}
}

// The OpenAPI document lists exactly the API routes the server registers.
func TestOpenAPIListsEveryRoute(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	res := w.Do(t, "GET", "/api/v1/openapi.json", "", nil)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	res.JSON(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	ws, err := w.App.App.Server()
	if err != nil {
		t.Fatal(err)
	}
	registered := ws.APIRoutes()
	sort.Strings(documented)
	sort.Strings(registered)
	if !slices.Equal(documented, registered) {
		t.Fatalf("OpenAPI paths differ from routes:\ndocumented %v\nregistered %v", documented, registered)
	}
}

// Every page renders for a user allowed to see it, in both languages.
func TestPagesRender(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.mustCreateHousehold(t, idHead)
	cookie := uiLogin(t, w.App, "admin")
	pages := map[string]string{
		"/":                                "欢迎",
		"/regions":                         "昆明市",
		"/regions?code=530102001000":       "翠湖西路社区居民委员会",
		"/users":                           "新建用户",
		"/audit?verify=1":                  "哈希链完整",
		"/households":                      "新建家庭",
		"/households/" + id:                "成员甲",
		"/audit?action=household.":         "household.create",
		"/regions?code=530102001001":       "翠湖西路社区居民委员会",
		"/audit?actor=clerk&from=2020-1-1": "日期格式",
	}
	for path, want := range pages {
		req, _ := http.NewRequest("GET", w.Server.URL+path, nil)
		req.AddCookie(cookie)
		res := w.Send(t, req)
		if !strings.Contains(res.Body, want) {
			t.Errorf("GET %s = %d, lacks %q", path, res.Code, want)
		}
	}
	req, _ := http.NewRequest("GET", w.Server.URL+"/", nil)
	req.AddCookie(cookie)
	req.AddCookie(&http.Cookie{Name: "lang", Value: "en"})
	if res := w.Send(t, req); !strings.Contains(res.Body, "Welcome") || !strings.Contains(res.Body, "Province administrator") {
		t.Errorf("English home lacks English words")
	}
	// A clerk's navigation hides what the role may not open, and the page
	// refuses it anyway.
	clerk := uiLogin(t, w.App, "clerk")
	req, _ = http.NewRequest("GET", w.Server.URL+"/", nil)
	req.AddCookie(clerk)
	if res := w.Send(t, req); strings.Contains(res.Body, `href="/users"`) || strings.Contains(res.Body, `href="/audit"`) {
		t.Errorf("clerk's navigation offers admin pages")
	}
	req, _ = http.NewRequest("GET", w.Server.URL+"/audit", nil)
	req.AddCookie(clerk)
	if res := w.Send(t, req); res.Code != 403 {
		t.Errorf("clerk /audit = %d; want 403", res.Code)
	}
}

func TestUICreatesHouseholdAndNamesBadField(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cookie := uiLogin(t, w.App, "clerk")
	post := func(form url.Values) apptest.Response {
		req, _ := http.NewRequest("POST", w.Server.URL+"/households", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(cookie)
		return w.Send(t, req)
	}
	form := url.Values{"village": {wuhuaVillage}, "area": {"rural"}, "address": {"翠湖西路1号"},
		"id_number": {idHead, "530102199902300012", ""}, "name": {"张三", "李四", ""}, "relationship": {"head", "spouse", "child"}}
	res := post(form)
	if res.Code != 400 || !strings.Contains(res.Body, "members[1].id_number") || !strings.Contains(res.Body, "张三") {
		t.Fatalf("bad form = %d; want 400 naming members[1].id_number and keeping the input", res.Code)
	}
	form["id_number"] = []string{idHead, idSpouse, ""}
	res = post(form)
	if res.Code != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/households/") {
		t.Fatalf("good form = %d %s", res.Code, res.Header.Get("Location"))
	}
}

func TestUIEditHousehold(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.mustCreateHousehold(t, idHead, idSpouse)
	cookie := uiLogin(t, w.App, "clerk")
	req, _ := http.NewRequest("GET", w.Server.URL+"/households/"+id+"/edit", nil)
	req.AddCookie(cookie)
	res := w.Send(t, req)
	if res.Code != 200 || !strings.Contains(res.Body, `name="m1.id_number"`) || !strings.Contains(res.Body, idSpouse) {
		t.Fatalf("edit page = %d", res.Code)
	}
	post := func(form url.Values) apptest.Response {
		req, _ := http.NewRequest("POST", w.Server.URL+"/households/"+id+"/edit", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(cookie)
		return w.Send(t, req)
	}
	form := url.Values{"version": {"1"}, "village": {wuhuaVillage}, "area": {"urban"}, "address": {"新地址"}, "reason": {"核实更正"},
		"m0.id_number": {idHead}, "m0.name": {"成员甲"}, "m0.relationship": {"head"}, "m0.ethnicity": {"07"}, "m0.sc_eat": {"1"}, "m0.sc_bathe": {"1"},
		"m0.phone":     {"电话号码"},
		"m1.id_number": {idSpouse}, "m1.name": {"成员乙"}, "m1.relationship": {"spouse"},
		"inc0.member": {"1"}, "inc0.kind": {"wages"}, "inc0.amount": {"900"}, "inc0.per": {"month"}}
	res = post(form)
	if res.Code != 400 || !strings.Contains(res.Body, `name="m0.phone" size="11" value="电话号码" class="invalid"`) {
		t.Fatalf("bad phone = %d; want 400 with the phone input marked", res.Code)
	}
	form.Set("m0.phone", "13800001111")
	res = post(form)
	if res.Code != http.StatusSeeOther {
		t.Fatalf("good edit = %d %s", res.Code, res.Body)
	}
	var got struct {
		Address string
		Version int
		Members []struct {
			Ethnicity      string   `json:"ethnicity"`
			SelfCareFailed []string `json:"self_care_failed"`
		}
		Incomes []struct {
			Member *int
			Amount string
		}
	}
	w.Do(t, "GET", "/api/v1/households/"+id, w.clerk, nil).JSON(t, &got)
	if got.Address != "新地址" || got.Version != 2 || got.Members[0].Ethnicity != "07" || len(got.Members[0].SelfCareFailed) != 2 ||
		len(got.Incomes) != 1 || got.Incomes[0].Member == nil || *got.Incomes[0].Member != 1 || got.Incomes[0].Amount != "900.00" {
		t.Fatalf("after edit: %+v", got)
	}
	// The old version is stale now.
	if res := post(form); res.Code != http.StatusConflict {
		t.Fatalf("stale edit = %d; want 409", res.Code)
	}
	res = w.Do(t, "GET", "/api/v1/households/"+id+"/history", w.clerk, nil)
	if !strings.Contains(res.Body, "核实更正") || !strings.Contains(res.Body, "住址变更") {
		t.Fatalf("history = %s", res.Body)
	}
}
