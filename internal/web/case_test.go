package web_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apptest"
)

// cwWorld is the world of web_test.go with every casework role of 五华区
// logged in and the casework clock pinned.
type cwWorld struct {
	*world
	reviewer, approver, verifier, dept string
	clock                              atomic.Int64
}

var cwChina = time.FixedZone("CST", 8*3600)

func newCWWorld(t *testing.T) *cwWorld {
	t.Helper()
	w := &cwWorld{world: newWorld(t)}
	w.set("2025-09-01 09:00")
	w.App.Casework.Now = func() time.Time { return time.Unix(0, w.clock.Load()) }
	// The case's request_verification step goes through the verification
	// centre: here every source answers online and finds nothing, so the
	// report is produced at once and its result recorded on the case.
	// Tests of the centre itself install their own checker.
	w.App.VerifyCentre.Checker = fakeChecker{}
	w.App.VerifyCentre.Now = w.App.Casework.Now
	for _, u := range []struct {
		name   string
		role   access.Role
		region string
		token  *string
	}{
		{"reviewer", access.TownshipReviewer, wuhuaTown, &w.reviewer},
		{"approver", access.CountyApprover, "530102000000", &w.approver},
		{"verifier", access.CountyVerifier, "530102000000", &w.verifier},
		{"dept", access.DepartmentHandler, "530102000000", &w.dept},
	} {
		w.MustCreateUser(t, u.name, u.role, u.region)
		*u.token = w.Login(t, u.name)
	}
	return w
}

// set pins the casework clock to when, "YYYY-MM-DD hh:mm" in China.
func (w *cwWorld) set(when string) {
	tm, err := time.ParseInLocation("2006-01-02 15:04", when, cwChina)
	if err != nil {
		panic(err)
	}
	w.clock.Store(tm.UnixNano())
}

// cwCase is the part of a case response the tests read.
type cwCase struct {
	ID        string `json:"id"`
	Household struct {
		ID string `json:"id"`
	} `json:"household"`
	Tracking  string `json:"tracking"`
	Status    string `json:"status"`
	Version   int    `json:"version"`
	Urgency   string `json:"urgency"`
	NextDue   string `json:"next_due"`
	Missing   []struct{ Key, Name string }
	Notice    string `json:"missing_notice"`
	Flags     []struct{ Name, Description string }
	Deadlines []struct {
		Kind, Action, Due, From string
		DueAt                   *time.Time `json:"due_at"`
	}
	Decision *struct {
		Amount       string `json:"amount"`
		BenefitStart string `json:"benefit_start"`
		Policy       struct{ Effective string }
	}
	Payment *struct{ Amount string }
	Allowed []string `json:"allowed_actions"`
	Steps   []struct {
		Action string
		Date   string
		By     struct{ Username string }
	}
}

func (c cwCase) due(kind, action string) string {
	for _, d := range c.Deadlines {
		if d.Kind == kind && d.Action == action {
			return d.Due
		}
	}
	return ""
}

func (c cwCase) keys() []string {
	var out []string
	for _, m := range c.Missing {
		out = append(out, m.Key)
	}
	return out
}

// intake posts an application and returns the case.
func (w *cwWorld) intake(t *testing.T, body map[string]any) cwCase {
	t.Helper()
	res := w.Do(t, "POST", "/api/v1/cases", w.clerk, body)
	if res.Code != http.StatusCreated {
		t.Fatalf("intake: %d %s", res.Code, res.Body)
	}
	var c cwCase
	res.JSON(t, &c)
	return c
}

// step posts action on c at when with the version c was read at, and
// returns the response.
func (w *cwWorld) step(t *testing.T, token string, c *cwCase, action, when string, body map[string]any) apptest.Response {
	t.Helper()
	w.set(when)
	if body == nil {
		body = map[string]any{}
	}
	if _, ok := body["version"]; !ok {
		body["version"] = c.Version
	}
	res := w.Do(t, "POST", "/api/v1/cases/"+c.ID+"/actions/"+action, token, body)
	if res.Code == http.StatusOK {
		res.JSON(t, c)
	}
	return res
}

// must is step, failing the test unless it succeeds.
func (w *cwWorld) must(t *testing.T, token string, c *cwCase, action, when string, body map[string]any) {
	t.Helper()
	if res := w.step(t, token, c, action, when, body); res.Code != http.StatusOK {
		t.Fatalf("%s at %s: %d %s", action, when, res.Code, res.Body)
	}
}

// refused is step, failing the test unless it gets code with a message
// containing msg.
func (w *cwWorld) refused(t *testing.T, token string, c *cwCase, action, when string, body map[string]any, code int, msg string) {
	t.Helper()
	res := w.step(t, token, c, action, when, body)
	if res.Code != code || !strings.Contains(res.Body, msg) {
		t.Errorf("%s at %s: %d %s; want %d with %q", action, when, res.Code, res.Body, code, msg)
	}
}

// authorizeAdults records, through the API and on the current clock's
// day, a signed verification authorization for every adult member of
// household hh still without one: the centre refuses the
// request_verification step until they are on file.
func (w *cwWorld) authorizeAdults(t *testing.T, hh string) {
	t.Helper()
	var st struct {
		Missing []struct {
			IDNumber string `json:"id_number"`
		}
	}
	res := w.Do(t, "GET", "/api/v1/households/"+hh+"/authorizations", w.clerk, nil)
	if res.Code != http.StatusOK {
		t.Fatalf("authorizations of %s: %d %s", hh, res.Code, res.Body)
	}
	res.JSON(t, &st)
	day := time.Unix(0, w.clock.Load()).In(cwChina).Format("2006-01-02")
	for _, m := range st.Missing {
		res := w.Do(t, "POST", "/api/v1/households/"+hh+"/authorizations", w.clerk,
			map[string]string{"id_number": m.IDNumber, "signed_on": day, "document": "SQ-" + m.IDNumber[12:]})
		if res.Code != http.StatusCreated {
			t.Fatalf("authorization of %s: %d %s", m.IDNumber, res.Code, res.Body)
		}
	}
}

// board reads the board at when.
func (w *cwWorld) board(t *testing.T, token, when string) (overdue, soon []cwCase) {
	t.Helper()
	w.set(when)
	res := w.Do(t, "GET", "/api/v1/cases/board", token, nil)
	if res.Code != http.StatusOK {
		t.Fatalf("board: %d %s", res.Code, res.Body)
	}
	var b struct {
		Overdue []cwCase `json:"overdue"`
		DueSoon []cwCase `json:"due_soon"`
	}
	res.JSON(t, &b)
	return b.Overdue, b.DueSoon
}

func cwHas(cs []cwCase, id string) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}

var cwVisit = map[string]any{"investigators": []string{"王芳", "李强"}, "findings": "家庭困难情况属实", "signed": true}

// toNotice takes a dibao case from submission on 2025-09-01 to its notice,
// 2025-09-12 … 2025-09-18.
func (w *cwWorld) toNotice(t *testing.T, c *cwCase) {
	t.Helper()
	w.must(t, w.clerk, c, "accept", "2025-09-01 10:00", map[string]any{"materials": c.keys()})
	w.must(t, w.clerk, c, "start_investigation", "2025-09-02 09:00", nil)
	w.must(t, w.clerk, c, "record_visit", "2025-09-03 09:00", map[string]any{"visit": cwVisit})
	// Through the centre: the authorizations first; the report comes at
	// once and the platform records its result.
	w.authorizeAdults(t, c.Household.ID)
	w.must(t, w.clerk, c, "request_verification", "2025-09-04 09:00", nil)
	w.must(t, w.reviewer, c, "review", "2025-09-08 09:00", map[string]any{"opinion": "经调查核实，同意"})
	w.must(t, w.reviewer, c, "start_notice", "2025-09-12 09:00", nil)
}

var (
	cwHead   = apptest.ID("530102", "1970-05-01", 11)
	cwSpouse = apptest.ID("530102", "1972-08-09", 22)
	cwChild  = apptest.ID("530102", "2012-01-31", 31)
)

// A dibao case goes from intake to its first benefit month through the
// API, every deadline right to the working day across the National Day
// holiday (10-01 … 10-08, make-up working days Sunday 09-28 and Saturday
// 10-11). Confirmation during the notice period, or before a verification
// result, is refused with a clear message.
func TestCaseDibaoThroughAPI(t *testing.T) {
	t.Parallel()
	w := newCWWorld(t)
	hh := household(cwHead, cwSpouse, cwChild)
	hh["incomes"] = []map[string]any{{"member": 0, "kind": "wages", "amount": "1000", "per": "month"}}
	res := w.Do(t, "POST", "/api/v1/households", w.clerk, hh)
	if res.Code != http.StatusCreated {
		t.Fatalf("household: %d %s", res.Code, res.Body)
	}
	var created struct{ ID string }
	res.JSON(t, &created)

	// Intake: a receipt number, and every missing item told at once.
	c := w.intake(t, map[string]any{"household_id": created.ID, "programme": "dibao", "materials": []string{"application"}})
	if c.Tracking != "530102001-20250901-000001" || c.Status != "submitted" || c.Version != 1 {
		t.Fatalf("receipt %s %s v%d", c.Tracking, c.Status, c.Version)
	}
	if len(c.Missing) != 7 || !strings.Contains(c.Notice, "请一次性补齐") || !strings.Contains(c.Notice, "成员甲") {
		t.Errorf("missing %v; notice %q", c.keys(), c.Notice)
	}
	w.refused(t, w.clerk, &c, "accept", "2025-09-01 09:30", nil, 409, "材料不齐全，不能受理")

	w.must(t, w.clerk, &c, "accept", "2025-09-01 10:00", map[string]any{"materials": c.keys()})
	if c.Status != "accepted" || c.due("step", "start_investigation") != "2025-09-04" || c.due("total", "confirm") != "2025-10-17" {
		t.Errorf("after acceptance %s: deadlines %+v", c.Status, c.Deadlines)
	}
	w.must(t, w.clerk, &c, "start_investigation", "2025-09-02 09:00", nil)
	w.must(t, w.clerk, &c, "record_visit", "2025-09-03 09:00", map[string]any{"visit": cwVisit})
	// The verification goes through the centre (case_verify_test.go has
	// its queue, its refusals and the deadline while it waits): with the
	// authorizations on file and every source online, the platform
	// records the report's result at once, and no one by hand.
	w.authorizeAdults(t, created.ID)
	w.must(t, w.clerk, &c, "request_verification", "2025-09-04 09:00", nil)
	w.refused(t, w.verifier, &c, "record_verification", "2025-09-05 09:00", map[string]any{"verification": map[string]any{"result": "meets", "report": "HD-1"}},
		409, "核对中心")
	w.must(t, w.reviewer, &c, "review", "2025-09-08 09:00", map[string]any{"opinion": "经调查核实，同意"})
	w.must(t, w.reviewer, &c, "start_notice", "2025-09-12 09:00", nil)

	// The 7-day notice runs 09-12 … 09-18: no confirmation on its last day.
	w.refused(t, w.approver, &c, "confirm", "2025-09-18 16:00", nil, 409, "公示期未满，不能确认（公示期至 2025-09-18）")
	w.must(t, w.reviewer, &c, "report", "2025-09-19 09:00", nil)
	// 10 working days from Friday 09-19: 09-22…26, 09-28, 09-29, 09-30, 10-09, 10-10.
	if c.due("step", "confirm") != "2025-10-10" || c.due("total", "confirm") != "2025-10-17" || c.NextDue != "2025-10-10" {
		t.Errorf("county decision due %s, whole procedure %s, next %s", c.due("step", "confirm"), c.due("total", "confirm"), c.NextDue)
	}

	// The board: due soon during the holiday, overdue on the make-up
	// Saturday after the due day.
	if over, soon := w.board(t, w.approver, "2025-10-08 12:00"); cwHas(over, c.ID) || !cwHas(soon, c.ID) {
		t.Errorf("board on 10-08: overdue %v, due soon %v", over, soon)
	}
	if over, _ := w.board(t, w.approver, "2025-10-11 09:00"); !cwHas(over, c.ID) {
		t.Errorf("board on 10-11: not overdue")
	}
	if over, soon := w.board(t, w.clerk2, "2025-10-11 09:00"); len(over)+len(soon) != 0 {
		t.Errorf("another county's board shows %d cases", len(over)+len(soon))
	}

	// Jurisdiction: another county sees nothing, not even by receipt.
	for _, path := range []string{"/api/v1/cases/" + c.ID, "/api/v1/cases/track/" + c.Tracking, "/api/v1/cases/track/" + cwChild} {
		if res := w.Do(t, "GET", path, w.clerk2, nil); res.Code != http.StatusNotFound {
			t.Errorf("GET %s by another county: %d", path, res.Code)
		}
	}
	for _, q := range []string{c.Tracking, cwChild} {
		res := w.Do(t, "GET", "/api/v1/cases/track/"+q, w.clerk, nil)
		if res.Code != http.StatusOK || !strings.Contains(res.Body, `"status":"reported"`) {
			t.Errorf("track %s: %d %s", q, res.Code, res.Body)
		}
	}
	if res := w.Do(t, "GET", "/api/v1/cases/track/nonsense", w.clerk, nil); res.Code != 400 || res.ErrorField() != "q" {
		t.Errorf("track nonsense: %d %s", res.Code, res.Body)
	}
	// Roles, versions and the step's own refusals.
	w.refused(t, w.clerk, &c, "confirm", "2025-10-10 09:00", nil, 403, "县级审批人员")
	w.refused(t, w.approver, &c, "confirm", "2025-10-10 09:00", map[string]any{"version": c.Version - 1}, 409, `"field":"version"`)
	w.refused(t, w.approver, &c, "confirm", "2025-10-10 09:00", map[string]any{"version": 0}, 400, `"field":"version"`)
	w.refused(t, w.approver, &c, "teleport", "2025-10-10 09:00", nil, 400, `"field":"action"`)
	w.refused(t, w.approver, &c, "confirm", "2025-10-10 09:00", map[string]any{"amount": "12,00"}, 400, `"field":"amount"`)
	w.refused(t, w.approver, &c, "confirm", "2025-10-10 09:00", map[string]any{"colour": "red"}, 400, `"field":"colour"`)
	if res := w.Do(t, "POST", "/api/v1/cases/"+c.ID+"/actions/confirm", w.clerk2, map[string]any{"version": c.Version}); res.Code != 404 {
		t.Errorf("confirm by another county: %d", res.Code)
	}

	// Confirmed on the due day: (744 − (1000 − 300 employment costs) ÷ 3)
	// × 3 = (744 − 233.33) × 3 = 1532.01 a month from November.
	w.must(t, w.approver, &c, "confirm", "2025-10-10 10:00", nil)
	if c.Status != "confirmed" || c.Decision == nil || c.Decision.Amount != "1532.01" || c.Decision.BenefitStart != "2025-11-01" ||
		c.Decision.Policy.Effective != "2025-07-01" || len(c.Deadlines) != 0 {
		t.Fatalf("confirmed: %s %+v deadlines %v", c.Status, c.Decision, c.Deadlines)
	}
	if over, _ := w.board(t, w.approver, "2025-10-13 09:00"); cwHas(over, c.ID) {
		t.Errorf("a decided case is still overdue")
	}
	res = w.Do(t, "GET", "/api/v1/households/"+created.ID, w.clerk, nil)
	if !strings.Contains(res.Body, `"enrolments":[{"programme":"dibao","since":"2025-11-01"}]`) {
		t.Errorf("household after confirmation: %s", res.Body)
	}
	w.must(t, w.clerk, &c, "publish", "2025-10-13 09:00", nil)
	if c.Status != "published" || len(c.Steps) != 11 || c.Steps[10].By.Username != "clerk" || c.Steps[9].Date != "2025-10-10" {
		t.Errorf("published: %s, %d steps", c.Status, len(c.Steps))
	}

	// Every step is in the audit log.
	res = w.Do(t, "GET", "/api/v1/audit?subject_type=case&subject_id="+c.ID+"&limit=100", w.admin, nil)
	for _, a := range []string{"case.submit", "case.accept", "case.record_verification", "case.confirm", "case.publish"} {
		if !strings.Contains(res.Body, `"action":"`+a+`"`) {
			t.Errorf("audit lacks %s", a)
		}
	}
}

// A relative of a registered village cadre is flagged at intake and cannot
// be confirmed before the county's home visit.
func TestCaseRelativeOfCadreNeedsCountyVisit(t *testing.T) {
	t.Parallel()
	w := newCWWorld(t)
	reg := map[string]any{"staff_id": "V-0032", "staff_name": "李村主任", "staff_role": "village_committee",
		"relative_id": cwSpouse, "relation": "sibling"}
	if res := w.Do(t, "POST", "/api/v1/staff-relatives", w.auditor, reg); res.Code != 403 {
		t.Errorf("auditor registers: %d", res.Code)
	}
	bad := map[string]any{"staff_id": "V-0032", "staff_name": "李村主任", "staff_role": "mayor", "relative_id": cwSpouse, "relation": "sibling"}
	if res := w.Do(t, "POST", "/api/v1/staff-relatives", w.clerk, bad); res.Code != 400 || res.ErrorField() != "staff_role" {
		t.Errorf("bad staff role: %d %s", res.Code, res.Body)
	}
	if res := w.Do(t, "POST", "/api/v1/staff-relatives", w.clerk, reg); res.Code != http.StatusCreated {
		t.Fatalf("register: %d %s", res.Code, res.Body)
	}
	if res := w.Do(t, "POST", "/api/v1/staff-relatives", w.clerk, reg); res.Code != 409 {
		t.Errorf("register twice: %d", res.Code)
	}
	res := w.Do(t, "GET", "/api/v1/staff-relatives", w.approver, nil)
	if res.Code != 200 || !strings.Contains(res.Body, cwSpouse) {
		t.Errorf("register: %d %s", res.Code, res.Body)
	}
	if res := w.Do(t, "GET", "/api/v1/staff-relatives", w.clerk2, nil); strings.Contains(res.Body, cwSpouse) {
		t.Errorf("another county sees the register: %s", res.Body)
	}

	id := w.mustCreateHousehold(t, cwHead, cwSpouse)
	c := w.intake(t, map[string]any{"household_id": id, "programme": "dibao"})
	if len(c.Flags) != 1 || !strings.Contains(c.Flags[0].Description, "村（居）民委员会成员李村主任") {
		t.Fatalf("flags %+v", c.Flags)
	}
	// Only flows with a county home visit flag relatives: a request the
	// education department decides is not held up.
	if edu := w.intake(t, map[string]any{"household_id": id, "programme": "education"}); len(edu.Flags) != 0 {
		t.Errorf("education case flagged: %+v", edu.Flags)
	}
	w.toNotice(t, &c)
	w.must(t, w.reviewer, &c, "report", "2025-09-19 09:00", nil)
	w.refused(t, w.approver, &c, "confirm", "2025-09-22 09:00", nil, 409, "须经县级入户核查后才能确认")
	w.refused(t, w.approver, &c, "county_visit", "2025-09-22 10:00", map[string]any{"visit": map[string]any{"investigators": []string{"张"}, "findings": "属实"}},
		400, `"field":"visit.investigators"`)
	w.must(t, w.verifier, &c, "county_visit", "2025-09-22 10:00", map[string]any{"visit": cwVisit})
	w.must(t, w.approver, &c, "confirm", "2025-09-22 11:00", nil)
	if c.Status != "confirmed" || c.Decision.Amount != "1488.00" {
		t.Errorf("after the visit: %s %+v", c.Status, c.Decision)
	}
}

// An 急难型 temporary case is paid before its paperwork, and the board
// shows it until the paperwork is done: due within 5 working days of the
// payment on 09-30, i.e. 10-14 after the National Day holiday.
func TestCaseEmergencyPaidBeforePaperwork(t *testing.T) {
	t.Parallel()
	w := newCWWorld(t)
	id := w.mustCreateHousehold(t, cwHead, cwSpouse, cwChild)
	w.set("2025-09-30 08:30")
	c := w.intake(t, map[string]any{"household_id": id, "programme": "temporary", "track": "emergency", "note": "火灾"})
	w.must(t, w.clerk, &c, "accept", "2025-09-30 09:00", nil)
	if len(c.Deadlines) != 1 || c.Deadlines[0].Action != "pay_first" || c.Deadlines[0].DueAt == nil ||
		!c.Deadlines[0].DueAt.Equal(time.Date(2025, 10, 2, 1, 0, 0, 0, time.UTC)) {
		t.Errorf("pay-first deadline %+v", c.Deadlines)
	}
	// 3000 is above the township's limit (3 × 744 = 2232): the county pays.
	w.refused(t, w.reviewer, &c, "pay_first", "2025-09-30 14:00", map[string]any{"amount": "3000"}, 403, "超过乡镇审批限额 2232.00 元")
	w.must(t, w.reviewer, &c, "pay_first", "2025-09-30 15:00", map[string]any{"amount": "1500", "payment_ref": "YKT-1"})
	if c.Status != "paid_pending" || c.Payment == nil || c.Payment.Amount != "1500.00" || c.due("step", "complete_paperwork") != "2025-10-14" {
		t.Fatalf("paid first: %s %+v deadlines %+v", c.Status, c.Payment, c.Deadlines)
	}
	if _, soon := w.board(t, w.approver, "2025-10-13 09:00"); !cwHas(soon, c.ID) {
		t.Errorf("board on 10-13: not due soon")
	}
	if over, _ := w.board(t, w.reviewer, "2025-10-15 09:00"); !cwHas(over, c.ID) {
		t.Errorf("board on 10-15: not overdue")
	}
	w.refused(t, w.clerk, &c, "complete_paperwork", "2025-10-15 10:00", nil, 409, "补办手续材料不齐全")
	res := w.Do(t, "GET", "/api/v1/cases/"+c.ID, w.clerk, nil)
	res.JSON(t, &c)
	if len(c.Missing) == 0 {
		t.Fatalf("no missing paperwork listed: %s", res.Body)
	}
	w.must(t, w.clerk, &c, "complete_paperwork", "2025-10-15 10:00", map[string]any{"materials": c.keys()})
	if c.Status != "completed" {
		t.Errorf("after the paperwork: %s", c.Status)
	}
	if over, soon := w.board(t, w.reviewer, "2025-10-15 11:00"); cwHas(over, c.ID) || cwHas(soon, c.ID) {
		t.Errorf("completed case still on the board")
	}
}

// The window routes a request another department decides; the department
// handler sees it in their queue, takes it, decides and reports back; the
// window sees where it stands.
func TestCaseDepartmentQueue(t *testing.T) {
	t.Parallel()
	w := newCWWorld(t)
	id := w.mustCreateHousehold(t, cwHead, cwSpouse, cwChild)
	edu := w.intake(t, map[string]any{"household_id": id, "programme": "education", "applicant_id_number": cwChild})
	dibao := w.intake(t, map[string]any{"household_id": id, "programme": "dibao"})
	w.must(t, w.clerk, &edu, "accept", "2025-09-01 10:00", map[string]any{"materials": edu.keys()})
	w.must(t, w.clerk, &edu, "route", "2025-09-01 11:00", nil)

	queue := func(token, query string) (ids []string, total int) {
		t.Helper()
		res := w.Do(t, "GET", "/api/v1/cases"+query, token, nil)
		if res.Code != 200 {
			t.Fatalf("queue %s: %d %s", query, res.Code, res.Body)
		}
		var out struct {
			Cases []cwCase
			Total int
		}
		res.JSON(t, &out)
		for _, c := range out.Cases {
			ids = append(ids, c.ID)
		}
		return ids, out.Total
	}
	if ids, total := queue(w.dept, ""); total != 1 || ids[0] != edu.ID {
		t.Errorf("department queue %v (%d)", ids, total)
	}
	if _, total := queue(w.clerk, ""); total != 2 {
		t.Errorf("window queue: %d", total)
	}
	if ids, _ := queue(w.clerk, "?status=routed&programme=education"); len(ids) != 1 || ids[0] != edu.ID {
		t.Errorf("window queue of routed education cases: %v", ids)
	}
	if ids, _ := queue(w.clerk, "?department=civil_affairs&limit=1"); len(ids) != 1 || ids[0] != dibao.ID {
		t.Errorf("civil-affairs queue: %v", ids)
	}
	if _, total := queue(w.clerk2, ""); total != 0 {
		t.Errorf("another county's queue: %d", total)
	}
	if res := w.Do(t, "GET", "/api/v1/cases?status=lost", w.clerk, nil); res.Code != 400 || res.ErrorField() != "status" {
		t.Errorf("bad status: %d %s", res.Code, res.Body)
	}

	w.refused(t, w.clerk, &edu, "take", "2025-09-02 09:00", nil, 403, "部门经办人员")
	w.must(t, w.dept, &edu, "take", "2025-09-02 09:00", nil)
	w.must(t, w.dept, &edu, "confirm", "2025-09-05 09:00", map[string]any{"amount": "1000", "note": "义务教育阶段资助"})
	w.must(t, w.dept, &edu, "report_back", "2025-09-05 10:00", nil)
	if _, total := queue(w.dept, ""); total != 0 {
		t.Errorf("department queue after reporting back: %d", total)
	}
	res := w.Do(t, "GET", "/api/v1/cases/"+edu.ID, w.clerk, nil)
	if res.Code != 200 || !strings.Contains(res.Body, `"status":"reported_back"`) || !strings.Contains(res.Body, `"amount":"1000.00"`) {
		t.Errorf("window's view: %d %s", res.Code, res.Body)
	}
}

// Intake refusals and the needs screen, through the API.
func TestCaseIntakeContract(t *testing.T) {
	t.Parallel()
	w := newCWWorld(t)
	id := w.mustCreateHousehold(t, cwHead, cwSpouse)
	for _, tc := range []struct {
		name  string
		token string
		body  any
		code  int
		field string
	}{
		{"auditor", w.auditor, map[string]any{"household_id": id, "programme": "dibao"}, 403, ""},
		{"unknown programme", w.clerk, map[string]any{"household_id": id, "programme": "lottery"}, 400, "programme"},
		{"no household", w.clerk, map[string]any{"programme": "dibao"}, 400, "household_id"},
		{"malformed household id", w.clerk, map[string]any{"household_id": "x1", "programme": "dibao"}, 400, "household_id"},
		{"other county", w.clerk2, map[string]any{"household_id": id, "programme": "dibao"}, 404, "household_id"},
		{"new household, bad member", w.clerk, map[string]any{"programme": "dibao", "household": household(cwHead[:17] + "0")}, 400, "household.members[0].id_number"},
		{"unknown field", w.clerk, `{"programme":"dibao","colour":"red"}`, 400, "colour"},
	} {
		res := w.Do(t, "POST", "/api/v1/cases", tc.token, tc.body)
		if res.Code != tc.code || res.ErrorField() != tc.field {
			t.Errorf("%s: %d %s; want %d naming %q", tc.name, res.Code, res.Body, tc.code, tc.field)
		}
	}
	res := w.Do(t, "POST", "/api/v1/cases", w.clerk, map[string]any{"household_id": id, "programme": "unsure",
		"screen": map[string]any{"sudden_hardship": true}})
	if res.Code != 200 || !strings.Contains(res.Body, `"programme":"temporary"`) || !strings.Contains(res.Body, `"programme":"charity"`) {
		t.Errorf("screen: %d %s", res.Code, res.Body)
	}
	// A new household registered with its application.
	nh := household(apptest.ID("530102", "1948-06-06", 41))
	nh["area"] = "rural"
	c := w.intake(t, map[string]any{"programme": "tekun", "household": nh})
	if c.Status != "submitted" || c.Tracking != "530102001-20250901-000001" {
		t.Errorf("new household's case %s %s", c.Status, c.Tracking)
	}
	if res := w.Do(t, "GET", "/api/v1/cases/"+c.ID, w.finance, nil); res.Code != 200 || strings.Contains(res.Body, apptest.ID("530102", "1948-06-06", 41)) {
		t.Errorf("a finance officer's view should mask IDs: %d %s", res.Code, res.Body)
	}
	// A department handler (education) does not see a civil-affairs case.
	if res := w.Do(t, "GET", "/api/v1/cases/"+c.ID, w.dept, nil); res.Code != 404 {
		t.Errorf("education handler sees a tekun case: %d", res.Code)
	}
	if res := w.Do(t, "POST", "/api/v1/cases/sample", w.clerk, map[string]any{"programme": "dibao"}); res.Code != 403 {
		t.Errorf("clerk draws the sample: %d", res.Code)
	}
	if res := w.Do(t, "POST", "/api/v1/cases/sample", w.approver, map[string]any{"programme": "tekun", "ratio": "1"}); res.Code != 200 ||
		!strings.Contains(res.Body, `"candidates":0`) {
		t.Errorf("empty draw: %d %s", res.Code, res.Body)
	}
}

// The board is for supervisors: a prefecture officer sees it, an auditor
// and a finance officer do not.
func TestBoardIsForSupervisors(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.MustCreateUser(t, "pref", access.PrefectureOfficer, "5301")
	pref := w.Login(t, "pref")
	if res := w.Do(t, "GET", "/api/v1/cases/board", pref, nil); res.Code != 200 {
		t.Errorf("prefecture officer's board = %d %s", res.Code, res.Body)
	}
	for _, tok := range []string{w.auditor, w.finance} {
		if res := w.Do(t, "GET", "/api/v1/cases/board", tok, nil); res.Code != 403 {
			t.Errorf("board for a non-supervisor = %d", res.Code)
		}
	}
}
