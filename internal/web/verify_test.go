package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"safetynet/internal/access"
	"safetynet/internal/audit"
	"safetynet/internal/money"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

// fakeChecker answers every source online from a fixed table of findings
// per resident ID, with one rule: a vehicle worth more than 80,000 yuan
// does not meet the conditions.
type fakeChecker struct{ findings map[string][]verify.Finding }

func (f fakeChecker) Check(ctx context.Context, h *registry.Household, asOf string) (verify.Report, error) {
	rep := verify.Report{AsOf: asOf, Policy: "530100000000 2025-07-01", Verdict: verify.Meets}
	for _, m := range h.Members {
		mr := verify.MemberResult{IDNumber: m.IDNumber, Name: m.Name}
		for _, x := range f.findings[m.IDNumber] {
			x.IDNumber, x.Mode, x.Snapshot = m.IDNumber, verify.Online, "2025-08-31"
			mr.Findings = append(mr.Findings, x)
			if x.Source == "vehicles" && x.Value > money.Money(8_000_000) {
				rep.Verdict = verify.NotMeets
				rep.Reasons = append(rep.Reasons, verify.Reason{Rule: "vehicle", Verdict: verify.NotMeets, IDNumber: m.IDNumber,
					Zh: m.Name + "名下有价值超过8万元的机动车", En: m.Name + " owns a vehicle worth over 80,000 yuan"})
			}
		}
		rep.Members = append(rep.Members, mr)
	}
	for _, s := range verify.Sources {
		rep.Sources = append(rep.Sources, verify.SourceStatus{Source: s.Name, Mode: verify.Online, Snapshot: "2025-08-31"})
	}
	return rep, nil
}

type vfWorld struct {
	*cwWorld
	verifier2, prefect string
	hh                 string // household ID
}

// newVFWorld is the casework world with the fake checker: the spouse owns
// a car worth 150,000 yuan and draws a pension.
func newVFWorld(t *testing.T) *vfWorld {
	t.Helper()
	w := &vfWorld{cwWorld: newCWWorld(t)}
	w.App.VerifyCentre.Checker = fakeChecker{findings: map[string][]verify.Finding{
		cwSpouse: {
			{Source: "vehicles", Kind: "vehicle", Value: money.Money(15_000_000), Ref: "云A12345", Date: "2023-05-01", Detail: "小型轿车"},
			{Source: "pensions", Kind: "pension", Value: money.Money(120_000), Date: "2022-01-01", Detail: "城乡居民养老保险"},
		},
	}}
	w.App.VerifyCentre.Now = w.App.Casework.Now
	w.MustCreateUser(t, "verifier2", access.CountyVerifier, "530103000000")
	w.verifier2 = w.Login(t, "verifier2")
	w.MustCreateUser(t, "prefect", access.PrefectureOfficer, "530100000000")
	w.prefect = w.Login(t, "prefect")
	res := w.Do(t, "POST", "/api/v1/households", w.clerk, household(cwHead, cwSpouse, cwChild))
	if res.Code != http.StatusCreated {
		t.Fatalf("household: %d %s", res.Code, res.Body)
	}
	var created struct{ ID string }
	res.JSON(t, &created)
	w.hh = created.ID
	return w
}

func (w *vfWorld) authorize(t *testing.T, id string) {
	t.Helper()
	res := w.Do(t, "POST", "/api/v1/households/"+w.hh+"/authorizations", w.clerk,
		map[string]string{"id_number": id, "signed_on": "2025-09-01", "document": "SQ-2025-" + id[14:]})
	if res.Code != http.StatusCreated {
		t.Fatalf("authorization: %d %s", res.Code, res.Body)
	}
}

type vfReport struct {
	ID, Number, Verdict, Policy, Case string
	AsOf                              string `json:"as_of"`
	Manual                            bool
	Reasons                           []struct{ Rule, Verdict, Text string }
	Members                           []struct {
		IDNumber string `json:"id_number"`
		Name     string
		Findings []struct{ Source, Kind, Value, Mode, Ref string }
	}
	Sources []struct{ Source, Mode string }
}

type vfRequest struct {
	ID, Status, Verdict string
	Missing             []string `json:"missing_sources"`
	ReportID            string   `json:"report_id"`
}

func (r vfReport) mode(source string) string {
	for _, s := range r.Sources {
		if s.Source == source {
			return s.Mode
		}
	}
	return ""
}

func (w *vfWorld) auditCount(t *testing.T, action string) int {
	t.Helper()
	_, n, err := w.App.Audit.Search(context.Background(), audit.Filter{Action: action, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A dibao case requests verification through the centre: refused, with
// the step not taken, until every adult member has signed; then, every
// source being connected, the report is produced at once and its result
// recorded on the case. Every view of the report is audited; another
// county sees nothing.
func TestVerifyCaseReportAtOnce(t *testing.T) {
	t.Parallel()
	w := newVFWorld(t)
	c := w.intake(t, map[string]any{"household_id": w.hh, "programme": "dibao", "materials": []string{"application"}})
	w.must(t, w.clerk, &c, "accept", "2025-09-01 10:00", map[string]any{"materials": c.keys()})
	w.must(t, w.clerk, &c, "start_investigation", "2025-09-02 09:00", nil)
	w.must(t, w.clerk, &c, "record_visit", "2025-09-03 09:00", map[string]any{"visit": cwVisit})
	w.set("2025-09-04 09:00")

	ask := func() (int, string, string) {
		res := w.Do(t, "POST", "/api/v1/verification/requests", w.clerk, map[string]any{"case_id": c.ID, "version": c.Version})
		return res.Code, res.Body, res.ErrorField()
	}
	// No authorization on file: both adults named, the child (13) not.
	code, body, field := ask()
	if code != http.StatusConflict || !strings.Contains(body, "成员甲") || !strings.Contains(body, "成员申") ||
		strings.Contains(body, "成员甴") || field != "members[0],members[1]" {
		t.Fatalf("without authorizations: %d %s (field %q)", code, body, field)
	}
	w.authorize(t, cwHead)
	code, body, field = ask()
	if code != http.StatusConflict || strings.Contains(body, "成员甲") || !strings.Contains(body, "成员申") || field != "members[1]" {
		t.Fatalf("with the head's only: %d %s (field %q)", code, body, field)
	}
	// The refused request left the case where it was.
	var got cwCase
	w.Do(t, "GET", "/api/v1/cases/"+c.ID, w.clerk, nil).JSON(t, &got)
	if got.Status != "investigating" || got.Version != c.Version {
		t.Fatalf("after refusals the case is %s v%d; want investigating v%d", got.Status, got.Version, c.Version)
	}
	w.authorize(t, cwSpouse)
	res := w.Do(t, "POST", "/api/v1/verification/requests", w.clerk, map[string]any{"case_id": c.ID, "version": c.Version})
	if res.Code != http.StatusCreated {
		t.Fatalf("request: %d %s", res.Code, res.Body)
	}
	var out struct {
		Request vfRequest
		Report  *vfReport
	}
	res.JSON(t, &out)
	if out.Report == nil || out.Request.Status != "done" || out.Report.Verdict != "not_meets" {
		t.Fatalf("not produced at once: %s", res.Body)
	}
	rep := *out.Report
	if rep.AsOf != "2025-09-04" || rep.Case != c.Tracking || rep.Policy != "530100000000 2025-07-01" || rep.Manual {
		t.Errorf("report header %+v", rep)
	}
	if len(rep.Reasons) != 1 || rep.Reasons[0].Rule != "vehicle" {
		t.Errorf("reasons %+v", rep.Reasons)
	}
	for _, m := range rep.Members {
		switch m.IDNumber {
		case cwSpouse:
			if len(m.Findings) != 2 || m.Findings[0].Ref != "云A12345" || m.Findings[0].Value != "150000.00" || m.Findings[0].Mode != "online" {
				t.Errorf("spouse's findings %+v", m.Findings)
			}
		case cwHead, cwChild:
			if len(m.Findings) != 0 {
				t.Errorf("%s findings %+v", m.Name, m.Findings)
			}
		default:
			t.Errorf("unexpected member %q", m.IDNumber)
		}
	}
	if rep.mode("vehicles") != "online" || len(rep.Sources) != len(verify.Sources) {
		t.Errorf("sources %+v", rep.Sources)
	}
	// The case has the result, recorded by the platform, with the report's number.
	var after struct {
		Status        string
		Verifications []struct{ Result, Report, Note string }
		Steps         []struct {
			Action string
			By     struct{ Username string }
		}
	}
	w.Do(t, "GET", "/api/v1/cases/"+c.ID, w.clerk, nil).JSON(t, &after)
	n := len(after.Steps)
	if after.Status != "verifying" || len(after.Verifications) != 1 || after.Verifications[0].Result != "not_meets" ||
		after.Verifications[0].Report != rep.Number || after.Steps[n-2].Action != "request_verification" ||
		after.Steps[n-1].Action != "record_verification" || after.Steps[n-1].By.Username != "核对平台" {
		t.Errorf("case after the report: %+v", after)
	}

	// The workflow goes on from the recorded result: the township opinion.
	w.Do(t, "GET", "/api/v1/cases/"+c.ID, w.clerk, nil).JSON(t, &c)
	w.must(t, w.reviewer, &c, "review", "2025-09-05 09:00", map[string]any{"opinion": "核对结果为不符合条件，拟不予保障"})
	// Completing is the centre's: the window may not record replies or complete.
	if r := w.Do(t, "POST", "/api/v1/verification/requests/"+out.Request.ID+"/complete", w.clerk, map[string]string{}); r.Code != http.StatusForbidden {
		t.Errorf("clerk completes: %d", r.Code)
	}
	if r := w.Do(t, "POST", "/api/v1/verification/requests/"+out.Request.ID+"/replies", w.clerk, map[string]any{"id_number": cwHead,
		"source": "tax", "reply_date": "2025-09-04", "document": "x"}); r.Code != http.StatusForbidden {
		t.Errorf("clerk records a reply: %d", r.Code)
	}
	if r := w.Do(t, "POST", "/api/v1/verification/requests/"+out.Request.ID+"/complete", w.verifier, map[string]string{}); r.Code != http.StatusConflict {
		t.Errorf("completing a done request: %d", r.Code)
	}

	// Every view is audited: the JSON, the page and the PDF.
	before := w.auditCount(t, "verify.report.view")
	if r := w.Do(t, "GET", "/api/v1/verification/reports/"+rep.ID, w.approver, nil); r.Code != http.StatusOK {
		t.Fatalf("report JSON: %d %s", r.Code, r.Body)
	}
	vcookie := uiLogin(t, w.App, "verifier")
	page := uiGet(t, w.App, vcookie, "/verification/reports/"+rep.ID)
	body = html.UnescapeString(page.Body)
	for _, want := range []string{"居民家庭经济状况核对报告", rep.Number, "不符合条件", "云A12345", c.Tracking, "530100000000 2025-07-01", "2025-09-04", "data-print"} {
		if !strings.Contains(body, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
	pdf := uiGet(t, w.App, vcookie, "/verification/reports/"+rep.ID+"/report.pdf")
	if pdf.Code != http.StatusOK || !strings.HasPrefix(pdf.Body, "%PDF-") || pdf.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("PDF: %d %s %q", pdf.Code, pdf.Header.Get("Content-Type"), pdf.Body[:min(len(pdf.Body), 20)])
	}
	if r := w.Do(t, "GET", "/api/v1/verification/reports/"+rep.ID+"/pdf", w.verifier, nil); r.Code != http.StatusOK || !strings.HasPrefix(r.Body, "%PDF-") {
		t.Errorf("API PDF: %d", r.Code)
	}
	if got := w.auditCount(t, "verify.report.view") - before; got != 4 {
		t.Errorf("%d report views audited; want 4", got)
	}
	// A role that may not see full IDs gets them masked.
	var masked vfReport
	w.Do(t, "GET", "/api/v1/verification/reports/"+rep.ID, w.prefect, nil).JSON(t, &masked)
	for _, m := range masked.Members {
		if !strings.Contains(m.IDNumber, "********") {
			t.Errorf("prefecture officer sees %q", m.IDNumber)
		}
	}
	// Another county: 404 everywhere, and nothing audited for it.
	before = w.auditCount(t, "verify.report.view")
	for _, p := range []string{"/api/v1/verification/reports/" + rep.ID, "/api/v1/verification/reports/" + rep.ID + "/pdf",
		"/api/v1/verification/requests/" + out.Request.ID, "/api/v1/households/" + w.hh + "/authorizations"} {
		for _, tok := range []string{w.clerk2, w.verifier2} {
			if r := w.Do(t, "GET", p, tok, nil); r.Code != http.StatusNotFound {
				t.Errorf("other county GET %s = %d", p, r.Code)
			}
		}
	}
	if r := uiGet(t, w.App, uiLogin(t, w.App, "clerk2"), "/verification/reports/"+rep.ID); r.Code != http.StatusNotFound {
		t.Errorf("other county's report page = %d", r.Code)
	}
	if got := w.auditCount(t, "verify.report.view") - before; got != 0 {
		t.Errorf("refused views audited: %d", got)
	}
}

// A county without the vehicle and bank connections: the request waits in
// the centre's queue until the paper replies are in; the report marks
// which results are manual, drops what the unconnected sources' snapshots
// said, and a manual finding needs the centre's check.
func TestVerifyManualReplies(t *testing.T) {
	t.Parallel()
	w := newVFWorld(t)
	w.set("2025-09-04 09:00")
	res := w.Do(t, "PUT", "/api/v1/verification/connections/530102", w.verifier, map[string]any{"connections": []map[string]any{
		{"source": "vehicles", "connected": false}, {"source": "deposits", "connected": false}}})
	if res.Code != http.StatusOK {
		t.Fatalf("connections: %d %s", res.Code, res.Body)
	}
	if r := w.Do(t, "PUT", "/api/v1/verification/connections/530102", w.clerk, map[string]any{"connections": []map[string]any{
		{"source": "tax", "connected": false}}}); r.Code != http.StatusForbidden {
		t.Errorf("clerk sets a connection: %d", r.Code)
	}
	if r := w.Do(t, "PUT", "/api/v1/verification/connections/530102", w.verifier2, map[string]any{"connections": []map[string]any{
		{"source": "tax", "connected": false}}}); r.Code != http.StatusForbidden {
		t.Errorf("another county's verifier sets a connection: %d", r.Code)
	}
	w.authorize(t, cwHead)
	w.authorize(t, cwSpouse)
	res = w.Do(t, "POST", "/api/v1/verification/requests", w.clerk, map[string]any{"household_id": w.hh})
	if res.Code != http.StatusCreated {
		t.Fatalf("request: %d %s", res.Code, res.Body)
	}
	var out struct {
		Request vfRequest
		Report  *vfReport
	}
	res.JSON(t, &out)
	if out.Report != nil || out.Request.Status != "pending" || strings.Join(out.Request.Missing, ",") != "vehicles,deposits" {
		t.Fatalf("request %s", res.Body)
	}
	id := out.Request.ID
	// The centre's queue, in its county only.
	var q struct{ Requests []vfRequest }
	w.Do(t, "GET", "/api/v1/verification/requests", w.verifier, nil).JSON(t, &q)
	if len(q.Requests) != 1 || q.Requests[0].ID != id || len(q.Requests[0].Missing) != 2 {
		t.Errorf("queue %+v", q.Requests)
	}
	w.Do(t, "GET", "/api/v1/verification/requests", w.verifier2, nil).JSON(t, &q)
	if len(q.Requests) != 0 {
		t.Errorf("other county's queue %+v", q.Requests)
	}
	if r := w.Do(t, "GET", "/api/v1/verification/requests", w.clerk, nil); r.Code != http.StatusForbidden {
		t.Errorf("clerk reads the queue: %d", r.Code)
	}
	complete := func(note string) (int, string) {
		r := w.Do(t, "POST", "/api/v1/verification/requests/"+id+"/complete", w.verifier, map[string]string{"note": note})
		return r.Code, r.Body
	}
	if code, body := complete(""); code != http.StatusConflict || !strings.Contains(body, "机动车登记") || !strings.Contains(body, "银行存款") {
		t.Errorf("complete with sources missing: %d %s", code, body)
	}
	reply := func(id_ string, source string, found bool, extra map[string]any) int {
		body := map[string]any{"id_number": id_, "source": source, "found": found, "reply_date": "2025-09-03", "document": "HH-" + source}
		for k, v := range extra {
			body[k] = v
		}
		r := w.Do(t, "POST", "/api/v1/verification/requests/"+id+"/replies", w.verifier, body)
		if r.Code != http.StatusCreated {
			t.Logf("reply %s %s: %s", source, id_[14:], r.Body)
		}
		return r.Code
	}
	if code := reply(cwHead, "pensions", false, nil); code != http.StatusConflict {
		t.Errorf("reply for a connected source: %d", code)
	}
	if code := reply(cwHead, "vehicles", true, map[string]any{"kind": "小型轿车", "value": "60000", "ref": "云A67890"}); code != http.StatusCreated {
		t.Fatalf("reply: %d", code)
	}
	for _, m := range []string{cwSpouse, cwChild} {
		if code := reply(m, "vehicles", false, nil); code != http.StatusCreated {
			t.Fatalf("reply: %d", code)
		}
	}
	for _, m := range []string{cwHead, cwSpouse} {
		reply(m, "deposits", false, nil)
	}
	var rq struct{ Request vfRequest }
	w.Do(t, "GET", "/api/v1/verification/requests/"+id, w.verifier, nil).JSON(t, &rq)
	if strings.Join(rq.Request.Missing, ",") != "deposits" {
		t.Errorf("with the child's bank reply missing: %+v", rq.Request)
	}
	if code := reply(cwChild, "deposits", false, nil); code != http.StatusCreated {
		t.Fatalf("child's bank reply: %d", code)
	}
	rq = struct{ Request vfRequest }{}
	w.Do(t, "GET", "/api/v1/verification/requests/"+id, w.verifier, nil).JSON(t, &rq)
	if len(rq.Request.Missing) != 0 || rq.Request.Verdict != "needs_check" {
		t.Errorf("all replies in: %+v", rq.Request)
	}
	if code, body := complete(""); code != http.StatusBadRequest || !strings.Contains(body, `"field":"note"`) {
		t.Errorf("complete a needs-check verdict without a note: %d %s", code, body)
	}
	code, body := complete("经核实，该车辆已于2025年6月报废，尚未注销登记")
	if code != http.StatusOK {
		t.Fatalf("complete: %d %s", code, body)
	}
	if r := w.Do(t, "POST", "/api/v1/verification/requests/"+id+"/complete", w.verifier, map[string]string{"note": "again"}); r.Code != http.StatusConflict {
		t.Errorf("completing twice: %d", r.Code)
	}
	w.Do(t, "GET", "/api/v1/verification/requests/"+id, w.verifier, nil).JSON(t, &rq)
	var rep vfReport
	w.Do(t, "GET", "/api/v1/verification/reports/"+rq.Request.ReportID, w.verifier, nil).JSON(t, &rep)
	if rep.Verdict != "needs_check" || !rep.Manual || rep.mode("vehicles") != "manual" || rep.mode("deposits") != "manual" ||
		rep.mode("pensions") != "online" {
		t.Errorf("report %+v", rep)
	}
	rules := map[string]string{}
	for _, x := range rep.Reasons {
		rules[x.Rule] = x.Verdict
	}
	// The paper reply's car (60,000 yuan, undeclared) is judged by the
	// rules; the snapshot's car of the unconnected source is gone.
	if rules["vehicle_undeclared"] != "needs_check" || rules["vehicle"] != "" {
		t.Errorf("reasons %+v", rep.Reasons)
	}
	for _, m := range rep.Members {
		var srcs []string
		for _, f := range m.Findings {
			srcs = append(srcs, f.Source+":"+f.Mode)
		}
		got := strings.Join(srcs, ",")
		want := map[string]string{cwHead: "vehicles:manual", cwSpouse: "pensions:online", cwChild: ""}[m.IDNumber]
		if got != want {
			t.Errorf("%s findings %s; want %s (the snapshot's car of an unconnected source is dropped)", m.Name, got, want)
		}
	}
	page := html.UnescapeString(uiGet(t, w.App, uiLogin(t, w.App, "verifier"), "/verification/reports/"+rep.ID).Body)
	for _, want := range []string{"vf-mark-manual", "手工", "云A67890", "需人工核实", "尚未注销登记"} {
		if !strings.Contains(page, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
}

// The pages: the household card's authorizations panel and its form, the
// case page's request through the centre, the queue with the connections,
// and a request with the reply form.
func TestVerifyPages(t *testing.T) {
	t.Parallel()
	w := newVFWorld(t)
	clerk, verifier := uiLogin(t, w.App, "clerk"), uiLogin(t, w.App, "verifier")
	card := html.UnescapeString(uiGet(t, w.App, clerk, "/households/"+w.hh).Body)
	if !strings.Contains(card, `id="authorizations"`) || !strings.Contains(card, "成员甲、成员申") || strings.Contains(card, "成员申、成员甴") {
		t.Fatalf("household card's panel:\n%s", card)
	}
	for _, id := range []string{cwHead, cwSpouse} {
		res := uiPost(t, w.App, clerk, "/households/"+w.hh+"/authorizations",
			url.Values{"id_number": {id}, "signed_on": {"2025-09-01"}, "document": {"SQ-1"}})
		if res.Code != http.StatusSeeOther {
			t.Fatalf("authorization form: %d %s", res.Code, res.Body)
		}
	}
	card = html.UnescapeString(uiGet(t, w.App, clerk, "/households/"+w.hh).Body)
	if !strings.Contains(card, "所有成年成员均已签署") {
		t.Errorf("after signing, the panel still asks")
	}
	c := w.intake(t, map[string]any{"household_id": w.hh, "programme": "dibao", "materials": []string{"application"}})
	w.must(t, w.clerk, &c, "accept", "2025-09-01 10:00", map[string]any{"materials": c.keys()})
	w.must(t, w.clerk, &c, "start_investigation", "2025-09-02 09:00", nil)
	w.must(t, w.clerk, &c, "record_visit", "2025-09-03 09:00", map[string]any{"visit": cwVisit})
	w.set("2025-09-04 09:00")
	// The case page's request_verification step goes through the centre.
	page := html.UnescapeString(uiGet(t, w.App, clerk, "/cases/"+c.ID).Body)
	if !strings.Contains(page, `id="action-request_verification"`) || !strings.Contains(page, "向核对中心提交核对请求") {
		t.Fatalf("case page offers no request through the centre")
	}
	res := uiPost(t, w.App, clerk, "/cases/"+c.ID+"/actions/request_verification", url.Values{"version": {regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)[1]}})
	if res.Code != http.StatusSeeOther || res.Header.Get("Location") != "/cases/"+c.ID+"?done=request_verification" {
		t.Fatalf("request from the case page: %d %q %s", res.Code, res.Header.Get("Location"), res.Body)
	}
	page = html.UnescapeString(uiGet(t, w.App, uiLogin(t, w.App, "verifier"), "/cases/"+c.ID).Body)
	if !regexp.MustCompile(`id="case-verify-request">[^<]*<a href="/verification/requests/\d+">#\d+</a>（2025-09-04，已出具报告：<a href="/verification/reports/\d+">HD\d+</a>`).MatchString(page) ||
		strings.Contains(page, `id="action-record_verification"`) {
		t.Errorf("the case page after the centre's report:\n%s", page)
	}
	// A pending one for the centre: mark the tax bureau not connected.
	if r := uiPost(t, w.App, verifier, "/verification/connections/530102", url.Values{"source": {"tax"}, "connected": {"0"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("connection form: %d %s", r.Code, r.Body)
	}
	res = uiPost(t, w.App, clerk, "/verification/requests", url.Values{"household": {w.hh}})
	if res.Code != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/verification/requests/") {
		t.Fatalf("household request: %d %q", res.Code, res.Header.Get("Location"))
	}
	reqPath := strings.Split(res.Header.Get("Location"), "?")[0]
	queue := html.UnescapeString(uiGet(t, w.App, verifier, "/verification").Body)
	for _, want := range []string{"核对中心待办", "个人所得税", "未联网（手工比对）", reqPath} {
		if !strings.Contains(queue, want) {
			t.Errorf("queue page lacks %q", want)
		}
	}
	// A reply for a source that answers online is refused on the page, saying why.
	bad := uiPost(t, w.App, verifier, reqPath+"/replies", url.Values{"id_number": {cwHead}, "source": {"pensions"}, "found": {"0"},
		"reply_date": {"2025-09-04"}, "document": {"SW-1"}})
	if bad.Code != http.StatusConflict || !strings.Contains(html.UnescapeString(bad.Body), "已联网") || !strings.Contains(bad.Body, `id="reply-form"`) {
		t.Errorf("reply for a connected source: %d", bad.Code)
	}
	rp := uiGet(t, w.App, verifier, reqPath)
	if rp.Code != http.StatusOK || !strings.Contains(rp.Body, `id="reply-form"`) || !strings.Contains(rp.Body, `value="tax"`) {
		t.Errorf("request page: %d", rp.Code)
	}
	for _, id := range []string{cwHead, cwSpouse, cwChild} {
		r := uiPost(t, w.App, verifier, reqPath+"/replies", url.Values{"id_number": {id}, "source": {"tax"}, "found": {"0"},
			"reply_date": {"2025-09-04"}, "document": {"SW-1"}})
		if r.Code != http.StatusSeeOther {
			t.Fatalf("reply form: %d %s", r.Code, r.Body)
		}
	}
	r := uiPost(t, w.App, verifier, reqPath+"/complete", url.Values{"note": {""}})
	if r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/verification/reports/") {
		t.Fatalf("complete form: %d %s", r.Code, r.Body)
	}
	rep := html.UnescapeString(uiGet(t, w.App, verifier, r.Header.Get("Location")).Body)
	if !strings.Contains(rep, "不符合条件") || !strings.Contains(rep, "vf-manual") {
		t.Errorf("report after the paper replies lacks the verdict or the manual mark")
	}
	// The nav link is the centre's.
	if !strings.Contains(uiGet(t, w.App, verifier, "/").Body, `href="/verification"`) ||
		strings.Contains(uiGet(t, w.App, clerk, "/").Body, `href="/verification"`) {
		t.Errorf("nav link for the centre only")
	}
}
