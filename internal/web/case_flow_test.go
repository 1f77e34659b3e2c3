package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"safetynet/internal/apptest"
)

// uiFlow drives cases through the HTML forms: every step is posted as the
// case page's form for it, with the hidden version the page carries.
type uiFlow struct {
	*cwWorld
	clerk, reviewer, verifier, approver *http.Cookie
}

func newUIFlow(t *testing.T) *uiFlow {
	t.Helper()
	w := newCWWorld(t)
	return &uiFlow{cwWorld: w, clerk: uiLogin(t, w.App, "clerk"), reviewer: uiLogin(t, w.App, "reviewer"),
		verifier: uiLogin(t, w.App, "verifier"), approver: uiLogin(t, w.App, "approver")}
}

var (
	uiVersionRe = regexp.MustCompile(`name="version" value="(\d+)"`)
	uiNameRe    = regexp.MustCompile(`name="([^"]+)"`)
)

// stepForm returns the form of action on the case page as who sees it
// at the current clock: its hidden version and its field names; ok is
// false when the page offers no such form.
func (f *uiFlow) stepForm(t *testing.T, who *http.Cookie, id, action string) (version string, names []string, ok bool) {
	t.Helper()
	page := uiGet(t, f.App, who, "/cases/"+id)
	if page.Code != http.StatusOK {
		t.Fatalf("case page %s = %d", id, page.Code)
	}
	start := strings.Index(page.Body, `action="/cases/`+id+`/actions/`+action+`"`)
	if start < 0 {
		if m := uiVersionRe.FindStringSubmatch(page.Body); m != nil {
			return m[1], nil, false
		}
		t.Fatalf("case page %s has no version for %s", id, action)
	}
	form := page.Body[start:]
	form = form[:strings.Index(form, "</form>")]
	for _, m := range uiNameRe.FindAllStringSubmatch(form, -1) {
		names = append(names, m[1])
	}
	m := uiVersionRe.FindStringSubmatch(form)
	if m == nil {
		t.Fatalf("the %s form lacks the hidden version", action)
	}
	return m[1], names, true
}

// post submits action's form at when ("YYYY-MM-DD hh:mm" China time) with
// fields, each of which must be a field of the rendered form.
func (f *uiFlow) post(t *testing.T, who *http.Cookie, id, action, when string, fields url.Values) apptest.Response {
	t.Helper()
	f.set(when)
	version, names, ok := f.stepForm(t, who, id, action)
	if ok {
		for k := range fields {
			if !slices.Contains(names, k) {
				t.Errorf("the %s form has no field %q (it has %v)", action, k, names)
			}
		}
	}
	form := url.Values{}
	for k, v := range fields {
		form[k] = v
	}
	form.Set("version", version)
	return uiPost(t, f.App, who, "/cases/"+id+"/actions/"+action, form)
}

// must is post, failing unless the step is offered and succeeds.
func (f *uiFlow) must(t *testing.T, who *http.Cookie, id, action, when string, fields url.Values) {
	t.Helper()
	f.set(when)
	if _, _, ok := f.stepForm(t, who, id, action); !ok {
		t.Fatalf("%s at %s: the case page offers no form for it", action, when)
	}
	res := f.post(t, who, id, action, when, fields)
	if res.Code != http.StatusSeeOther || res.Header.Get("Location") != "/cases/"+id+"?done="+action {
		t.Fatalf("%s at %s = %d %s\n%s", action, when, res.Code, res.Header.Get("Location"), res.Body)
	}
}

// refused is post, failing unless it is refused with code and msg.
func (f *uiFlow) refused(t *testing.T, who *http.Cookie, id, action, when string, fields url.Values, code int, msg string) {
	t.Helper()
	res := f.post(t, who, id, action, when, fields)
	if res.Code != code || !strings.Contains(html.UnescapeString(res.Body), msg) {
		t.Errorf("%s at %s = %d; want %d with %q\n%s", action, when, res.Code, code, msg, res.Body)
	}
}

// intake takes a dibao application for the household with resident ID
// member at the window, ticking every material the form offers, and
// returns the case's ID.
func (f *uiFlow) intake(t *testing.T, member, when string) string {
	t.Helper()
	f.set(when)
	page := uiGet(t, f.App, f.clerk, "/cases/new?household="+member+"&programme=dibao")
	if page.Code != http.StatusOK {
		t.Fatalf("intake form = %d\n%s", page.Code, page.Body)
	}
	var materials []string
	for _, m := range regexp.MustCompile(`name="materials" value="([^"]+)"`).FindAllStringSubmatch(page.Body, -1) {
		materials = append(materials, html.UnescapeString(m[1]))
	}
	if len(materials) == 0 {
		t.Fatalf("intake form offers no materials")
	}
	res := uiPost(t, f.App, f.clerk, "/cases", url.Values{"household": {member}, "programme": {"dibao"}, "materials": materials,
		"note": {"窗口受理"}})
	m := regexp.MustCompile(`^/cases/(\d+)/receipt$`).FindStringSubmatch(res.Header.Get("Location"))
	if res.Code != http.StatusSeeOther || m == nil {
		t.Fatalf("intake = %d %q\n%s", res.Code, res.Header.Get("Location"), res.Body)
	}
	return m[1]
}

var uiVisit = url.Values{"investigators": {"王芳", "李强"}, "method": {"home"}, "findings": {"家庭困难情况属实"}, "signed": {"1"}}

// toReported takes case id from acceptance on 2025-09-01 to its report to
// the county on 2025-09-19, after the notice 09-12 … 09-18.
func (f *uiFlow) toReported(t *testing.T, id string) {
	t.Helper()
	f.must(t, f.clerk, id, "accept", "2025-09-01 10:00", nil)
	f.must(t, f.clerk, id, "start_investigation", "2025-09-02 09:00", nil)
	f.must(t, f.clerk, id, "record_visit", "2025-09-03 09:00", uiVisit)
	// Through the centre: the adults' authorizations first; the report
	// comes at once (every source online) and the platform records its
	// result, so the verifier's page offers no hand-recorded result.
	var c cwCase
	f.Do(t, "GET", "/api/v1/cases/"+id, f.cwWorld.clerk, nil).JSON(t, &c)
	f.authorizeAdults(t, c.Household.ID)
	f.must(t, f.clerk, id, "request_verification", "2025-09-04 09:00", nil)
	if _, _, ok := f.stepForm(t, f.verifier, id, "record_verification"); ok {
		t.Errorf("the case page offers the verifier a hand-recorded result after the centre's report")
	}
	f.must(t, f.reviewer, id, "review", "2025-09-08 09:00", url.Values{"opinion": {"经调查核实，同意"}})
	f.must(t, f.reviewer, id, "start_notice", "2025-09-12 09:00", url.Values{"notice_start": {"2025-09-12"}})
	// The 7-day notice runs 09-12 … 09-18: no confirmation on its last day.
	f.refused(t, f.approver, id, "confirm", "2025-09-18 16:00", nil, http.StatusConflict, "公示期未满")
	f.must(t, f.reviewer, id, "report", "2025-09-19 09:00", nil)
}

// A dibao case goes from intake to its first benefit month through the
// UI: a township clerk takes it at the window and works it through the
// case page's forms, the county verifier, the township reviewer and the
// county approver each take their steps through their own login, and the
// case page finally shows the confirmation and the first benefit month,
// the month after the confirmation, across the National Day holiday.
func TestCaseDibaoThroughUI(t *testing.T) {
	t.Parallel()
	f := newUIFlow(t)
	hh := household(cwHead, cwSpouse, cwChild)
	hh["incomes"] = []map[string]any{{"member": 0, "kind": "wages", "amount": "1000", "per": "month"}}
	if res := f.Do(t, "POST", "/api/v1/households", f.cwWorld.clerk, hh); res.Code != http.StatusCreated {
		t.Fatalf("household: %d %s", res.Code, res.Body)
	}
	id := f.intake(t, cwSpouse, "2025-09-01 09:00")
	f.toReported(t, id)

	// Confirmed on the county's due day, 10-10, after the holiday.
	f.must(t, f.approver, id, "confirm", "2025-10-10 10:00", nil)
	page := uiGet(t, f.App, f.clerk, "/cases/"+id)
	for _, want := range []string{`id="status">已确认<`, "2025-10-10 批准 1532.01 元/月 2025-11-01起", "办理过程"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("confirmed case page lacks %q\n%s", want, page.Body)
		}
	}
	if strings.Contains(page.Body, `/actions/confirm"`) {
		t.Errorf("a confirmed case still offers confirmation")
	}
	var c cwCase
	f.Do(t, "GET", "/api/v1/cases/"+id, f.cwWorld.clerk, nil).JSON(t, &c)
	if c.Status != "confirmed" || c.Decision == nil || c.Decision.BenefitStart != "2025-11-01" || len(c.Steps) != 10 {
		t.Errorf("confirmed through the UI: %s %+v, %d steps", c.Status, c.Decision, len(c.Steps))
	}
}

// A relative registered through the register page gets the next case
// flagged, and its confirmation through the UI is refused until the
// county's home visit is recorded through the UI.
func TestCaseRelativeThroughUI(t *testing.T) {
	t.Parallel()
	f := newUIFlow(t)
	f.mustCreateHousehold(t, cwHead, cwSpouse)
	auditor := uiLogin(t, f.App, "auditor")

	if res := uiGet(t, f.App, f.clerk, "/"); !strings.Contains(res.Body, `href="/staff-relatives"`) || !strings.Contains(res.Body, "近亲属备案") {
		t.Errorf("clerk's navigation lacks 近亲属备案")
	}
	if res := uiGet(t, f.App, auditor, "/"); strings.Contains(res.Body, `href="/staff-relatives"`) {
		t.Errorf("auditor's navigation offers 近亲属备案")
	}
	res := uiGet(t, f.App, f.clerk, "/staff-relatives")
	for _, want := range []string{`action="/staff-relatives"`, `name="staff_name"`, `name="staff_id"`, `name="staff_role"`,
		`name="relative_id"`, `name="relation"`, `value="village_committee"`, `value="maternal_grandchild"`, "外孙子女", "尚无备案记录"} {
		if res.Code != 200 || !strings.Contains(res.Body, want) {
			t.Errorf("register page = %d; lacks %q", res.Code, want)
		}
	}
	reg := url.Values{"staff_name": {"李村主任"}, "staff_id": {"V-0032"}, "staff_role": {"village_committee"},
		"relative_id": {cwSpouse}, "relation": {"sibling"}}
	// Errors name the field and keep what was typed.
	bad := url.Values{}
	for k, v := range reg {
		bad[k] = v
	}
	bad.Set("relative_id", "53010219700501001X")
	res = uiPost(t, f.App, f.clerk, "/staff-relatives", bad)
	if res.Code != 400 || !strings.Contains(res.Body, "<code>relative_id</code>") || !strings.Contains(res.Body, `value="李村主任"`) {
		t.Errorf("bad relative ID = %d; want 400 naming relative_id\n%s", res.Code, res.Body)
	}
	bad.Set("relative_id", cwSpouse)
	bad.Set("relation", "cousin")
	if res = uiPost(t, f.App, f.clerk, "/staff-relatives", bad); res.Code != 400 || !strings.Contains(res.Body, "<code>relation</code>") {
		t.Errorf("bad relation = %d; want 400 naming relation", res.Code)
	}
	if res = uiPost(t, f.App, auditor, "/staff-relatives", reg); res.Code != 403 {
		t.Errorf("auditor registers = %d; want 403", res.Code)
	}
	res = uiPost(t, f.App, f.clerk, "/staff-relatives", reg)
	if res.Code != http.StatusSeeOther || res.Header.Get("Location") != "/staff-relatives?done=1" {
		t.Fatalf("register = %d %s\n%s", res.Code, res.Header.Get("Location"), res.Body)
	}
	if res = uiPost(t, f.App, f.clerk, "/staff-relatives", reg); res.Code != 409 || !strings.Contains(res.Body, "已登记备案") {
		t.Errorf("register twice = %d; want 409", res.Code)
	}
	res = uiGet(t, f.App, f.clerk, "/staff-relatives?done=1")
	for _, want := range []string{"已登记备案。", "李村主任", "V-0032", "村（居）民委员会成员", "成员申", "兄弟姐妹", "clerk"} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("register lacks %q", want)
		}
	}
	if strings.Contains(res.Body, cwSpouse) {
		t.Errorf("register shows the full resident ID")
	}
	// The auditor reads the register, without a form; another county
	// does not see the entry.
	if res = uiGet(t, f.App, auditor, "/staff-relatives"); res.Code != 200 || !strings.Contains(res.Body, "李村主任") ||
		strings.Contains(res.Body, `action="/staff-relatives"`) {
		t.Errorf("auditor's register = %d", res.Code)
	}
	if res = uiGet(t, f.App, uiLogin(t, f.App, "clerk2"), "/staff-relatives"); res.Code != 200 || strings.Contains(res.Body, "李村主任") {
		t.Errorf("another county's register = %d; shows the entry", res.Code)
	}

	// The next application is flagged; it cannot be confirmed before the
	// county's home visit.
	id := f.intake(t, cwHead, "2025-09-01 09:00")
	if page := uiGet(t, f.App, f.clerk, "/cases/"+id); !strings.Contains(page.Body, "家庭成员成员申是村（居）民委员会成员李村主任的兄弟姐妹") {
		t.Fatalf("case page lacks the flag\n%s", page.Body)
	}
	f.toReported(t, id)
	f.refused(t, f.approver, id, "confirm", "2025-09-22 09:00", nil, http.StatusConflict, "须经县级入户核查后才能确认")
	f.refused(t, f.verifier, id, "county_visit", "2025-09-22 10:00", url.Values{"investigators": {"张", ""}, "findings": {"属实"}, "method": {"home"}},
		http.StatusBadRequest, "<code>visit.investigators</code>")
	f.must(t, f.verifier, id, "county_visit", "2025-09-22 10:00", uiVisit)
	f.must(t, f.approver, id, "confirm", "2025-09-22 11:00", nil)
	page := uiGet(t, f.App, f.approver, "/cases/"+id)
	if !strings.Contains(page.Body, `id="status">已确认<`) || !strings.Contains(page.Body, "2025-10-01起") {
		t.Errorf("after the county visit the case page lacks the confirmation\n%s", page.Body)
	}
}
