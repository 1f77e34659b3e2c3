package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"safetynet/internal/apptest"
)

// uiGet and uiPost send a browser's request with the session cookie.
func uiGet(t *testing.T, a *apptest.App, cookie *http.Cookie, path string) apptest.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", a.Server.URL+path, nil)
	req.AddCookie(cookie)
	return a.Send(t, req)
}

func uiPost(t *testing.T, a *apptest.App, cookie *http.Cookie, path string, form url.Values) apptest.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", a.Server.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", a.Server.URL)
	req.AddCookie(cookie)
	return a.Send(t, req)
}

// A clerk takes an application at the window through the forms, prints the
// receipt with its QR code, and works the case from its page; a refused
// step shows why; another county sees nothing.
func TestCaseUIIntakeReceiptAndSteps(t *testing.T) {
	t.Parallel()
	w := newCWWorld(t)
	hid := w.mustCreateHousehold(t, cwHead, cwSpouse, cwChild)
	clerk := uiLogin(t, w.App, "clerk")

	if res := uiGet(t, w.App, clerk, "/"); !strings.Contains(res.Body, `href="/cases"`) || !strings.Contains(res.Body, "个案办理") {
		t.Errorf("clerk's navigation lacks 个案办理")
	}
	// The household is found by any member's resident ID; the programme's
	// materials are offered per member.
	res := uiGet(t, w.App, clerk, "/cases/new?household="+cwSpouse+"&programme=dibao")
	if res.Code != 200 || !strings.Contains(res.Body, `name="household_id" value="`+hid+`"`) ||
		!strings.Contains(res.Body, `value="authorization:`+cwSpouse+`"`) || !strings.Contains(res.Body, `value="application"`) {
		t.Fatalf("intake step 2 = %d\n%s", res.Code, res.Body)
	}
	// Not sure: the needs screen suggests programmes.
	res = uiGet(t, w.App, clerk, "/cases/new?household_id="+hid+"&programme=unsure&screened=1&income_below_standard=1&illness=1")
	if res.Code != 200 || !strings.Contains(res.Body, "最低生活保障") || !strings.Contains(res.Body, "医疗救助") ||
		!strings.Contains(res.Body, "programme=dibao") {
		t.Errorf("needs screen = %d; lacks suggestions", res.Code)
	}
	// Errors name the field and keep the page.
	res = uiPost(t, w.App, clerk, "/cases", url.Values{"household": {"53010219700501001X"}, "programme": {"dibao"}})
	if res.Code != 400 || !strings.Contains(res.Body, "身份证号码无效") || !strings.Contains(res.Body, `<code>household</code>`) {
		t.Errorf("bad resident ID = %d; want 400 naming household", res.Code)
	}
	res = uiPost(t, w.App, clerk, "/cases", url.Values{"household": {apptest.ID("530102", "1990-01-01", 51)}, "programme": {"dibao"}})
	if res.Code != 404 || !strings.Contains(res.Body, "未找到该人员") {
		t.Errorf("unknown person = %d; want 404", res.Code)
	}
	res = uiPost(t, w.App, clerk, "/cases", url.Values{"household_id": {hid}, "programme": {"teleport"}})
	if res.Code != 400 || !strings.Contains(res.Body, `<code>programme</code>`) {
		t.Errorf("bad programme = %d; want 400 naming programme", res.Code)
	}

	// Intake, then the receipt.
	res = uiPost(t, w.App, clerk, "/cases", url.Values{"household": {cwSpouse}, "programme": {"dibao"},
		"materials": {"application", "hukou"}, "note": {"窗口受理"}})
	loc := res.Header.Get("Location")
	m := regexp.MustCompile(`^/cases/(\d+)/receipt$`).FindStringSubmatch(loc)
	if res.Code != http.StatusSeeOther || m == nil {
		t.Fatalf("intake = %d %q\n%s", res.Code, loc, res.Body)
	}
	id := m[1]
	receipt := uiGet(t, w.App, clerk, loc)
	for _, want := range []string{`id="tracking">530102001-20250901-000001<`, `src="data:image/png;base64,`, "受理回执",
		"最低生活保障", "民政部门", "华山街道", "需补齐的材料（一次性告知）", "居民家庭经济状况核对授权承诺书", "data-print"} {
		if !strings.Contains(receipt.Body, want) {
			t.Errorf("receipt lacks %q", want)
		}
	}
	if receipt.Code != 200 || strings.Contains(receipt.Body, cwSpouse) {
		t.Errorf("receipt = %d; it must mask resident IDs", receipt.Code)
	}

	// The case page lists what the clerk may do now.
	page := uiGet(t, w.App, clerk, "/cases/"+id)
	for _, want := range []string{`action="/cases/` + id + `/actions/accept"`, `action="/cases/` + id + `/actions/decline"`,
		`name="version" value="1"`, "窗口受理", "办理过程", "办理时限"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	if strings.Contains(page.Body, "/actions/confirm") {
		t.Errorf("case page offers the clerk a confirmation")
	}
	// A refused step shows why, with the case page.
	res = uiPost(t, w.App, clerk, "/cases/"+id+"/actions/accept", url.Values{"version": {"1"}})
	if res.Code != http.StatusConflict || !strings.Contains(res.Body, "材料不齐全，不能受理") || !strings.Contains(res.Body, "办理过程") {
		t.Errorf("accept without materials = %d; want 409 with the reason", res.Code)
	}
	approver := uiLogin(t, w.App, "approver")
	res = uiPost(t, w.App, approver, "/cases/"+id+"/actions/confirm", url.Values{"version": {"1"}})
	if (res.Code != http.StatusConflict && res.Code != http.StatusForbidden) || !strings.Contains(res.Body, "不能确认") {
		t.Errorf("confirm at submission = %d; want refusal saying 不能确认", res.Code)
	}
	res = uiPost(t, w.App, clerk, "/cases/"+id+"/actions/decline", url.Values{"version": {"1"}, "reason": {" "}})
	if res.Code != http.StatusBadRequest || !strings.Contains(res.Body, "请填写原因") {
		t.Errorf("decline without reason = %d; want 400", res.Code)
	}
	// Accept with the rest of the materials, ticked on the form.
	var c cwCase
	w.Do(t, "GET", "/api/v1/cases/"+id, w.clerk, nil).JSON(t, &c)
	res = uiPost(t, w.App, clerk, "/cases/"+id+"/actions/accept", url.Values{"version": {"1"}, "materials": c.keys()})
	if res.Code != http.StatusSeeOther || res.Header.Get("Location") != "/cases/"+id+"?done=accept" {
		t.Fatalf("accept = %d %s\n%s", res.Code, res.Header.Get("Location"), res.Body)
	}
	page = uiGet(t, w.App, clerk, "/cases/"+id+"?done=accept")
	if !strings.Contains(page.Body, "已办理：受理") || !strings.Contains(page.Body, `name="version" value="2"`) ||
		!strings.Contains(page.Body, "/actions/start_investigation") {
		t.Errorf("after acceptance the page lacks the next step")
	}
	// A stale form is refused.
	res = uiPost(t, w.App, clerk, "/cases/"+id+"/actions/start_investigation", url.Values{"version": {"1"}})
	if res.Code != http.StatusConflict || !strings.Contains(res.Body, "请刷新后重试") {
		t.Errorf("stale version = %d; want 409", res.Code)
	}

	// Lists: the queue, tracking, the board.
	if res := uiGet(t, w.App, clerk, "/cases"); res.Code != 200 || !strings.Contains(res.Body, `href="/cases/`+id+`"`) {
		t.Errorf("queue = %d; lacks the case", res.Code)
	}
	if res := uiGet(t, w.App, clerk, "/cases?status=declined"); res.Code != 200 || strings.Contains(res.Body, `href="/cases/`+id+`"`) {
		t.Errorf("queue filtered by status = %d; shows the accepted case", res.Code)
	}
	if res := uiGet(t, w.App, clerk, "/cases?programme=nothing"); res.Code != 400 {
		t.Errorf("queue with a bad programme = %d; want 400", res.Code)
	}
	for _, q := range []string{c.Tracking, cwChild} {
		if res := uiGet(t, w.App, clerk, "/cases/track?q="+url.QueryEscape(q)); res.Code != 200 || !strings.Contains(res.Body, `href="/cases/`+id+`"`) {
			t.Errorf("track %s = %d", q, res.Code)
		}
	}
	if res := uiGet(t, w.App, clerk, "/cases/track?q=nonsense"); res.Code != 400 {
		t.Errorf("track nonsense = %d; want 400", res.Code)
	}
	w.set("2025-09-04 09:00")
	res = uiGet(t, w.App, approver, "/cases/board")
	if res.Code != 200 || !strings.Contains(res.Body, "超期督办") || !strings.Contains(res.Body, "即将到期") || !strings.Contains(res.Body, `href="/cases/`+id+`"`) {
		t.Errorf("board = %d; want the case due soon\n%s", res.Code, res.Body)
	}
	if res := uiGet(t, w.App, approver, "/"); !strings.Contains(res.Body, `href="/cases/board"`) {
		t.Errorf("approver's navigation lacks 超期督办")
	}

	// Another county: 404 for the page, the receipt and the steps.
	clerk2 := uiLogin(t, w.App, "clerk2")
	for _, path := range []string{"/cases/" + id, "/cases/" + id + "/receipt"} {
		if res := uiGet(t, w.App, clerk2, path); res.Code != 404 || strings.Contains(res.Body, c.Tracking) {
			t.Errorf("clerk2 GET %s = %d; want 404 without the case", path, res.Code)
		}
	}
	if res := uiPost(t, w.App, clerk2, "/cases/"+id+"/actions/start_investigation", url.Values{"version": {"2"}}); res.Code != 404 {
		t.Errorf("clerk2 step = %d; want 404", res.Code)
	}
	if res := uiGet(t, w.App, clerk2, "/cases/track?q="+c.Tracking); res.Code != 404 || strings.Contains(res.Body, `href="/cases/`+id+`"`) {
		t.Errorf("clerk2 track = %d; want 404", res.Code)
	}
}
