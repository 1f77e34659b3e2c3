package web_test

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"

	"safetynet/internal/apptest"
	"safetynet/internal/casework"
)

// The case's generic request_verification step, through the API, goes
// through the verification centre: refused, naming the adults without an
// authorization and leaving the case where it was; then, with the tax
// bureau not connected, it opens a request that waits in the centre's
// queue. Nobody records the result by hand meanwhile; the centre's
// completion after the paper replies records it on the case. A case that
// entered verification without the centre keeps the hand-recorded result.
func TestCaseVerificationThroughCentre(t *testing.T) {
	t.Parallel()
	w := newVFWorld(t)
	w.App.VerifyCentre.Checker = fakeChecker{} // every source online, nothing found
	c := w.intake(t, map[string]any{"household_id": w.hh, "programme": "dibao", "materials": []string{"application"}})
	w.must(t, w.clerk, &c, "accept", "2025-09-01 10:00", map[string]any{"materials": c.keys()})
	w.must(t, w.clerk, &c, "start_investigation", "2025-09-02 09:00", nil)
	w.must(t, w.clerk, &c, "record_visit", "2025-09-03 09:00", map[string]any{"visit": cwVisit})

	// No authorization on file: both adults named, the child (13) not.
	res := w.step(t, w.clerk, &c, "request_verification", "2025-09-04 09:00", nil)
	if res.Code != http.StatusConflict || !strings.Contains(res.Body, "成员甲") || !strings.Contains(res.Body, "成员申") ||
		strings.Contains(res.Body, "成员甴") || res.ErrorField() != "members[0],members[1]" {
		t.Fatalf("without authorizations: %d %s", res.Code, res.Body)
	}
	var got cwCase
	w.Do(t, "GET", "/api/v1/cases/"+c.ID, w.clerk, nil).JSON(t, &got)
	if got.Status != "investigating" || got.Version != c.Version {
		t.Fatalf("after the refusal the case is %s v%d; want investigating v%d", got.Status, got.Version, c.Version)
	}
	var q struct{ Requests []vfRequest }
	w.Do(t, "GET", "/api/v1/verification/requests", w.verifier, nil).JSON(t, &q)
	if len(q.Requests) != 0 {
		t.Fatalf("a refused step left %d requests in the queue", len(q.Requests))
	}

	// The tax bureau answers on paper: the request waits in the queue.
	if r := w.Do(t, "PUT", "/api/v1/verification/connections/530102", w.verifier, map[string]any{"connections": []map[string]any{
		{"source": "tax", "connected": false}}}); r.Code != http.StatusOK {
		t.Fatalf("connections: %d %s", r.Code, r.Body)
	}
	w.authorize(t, cwHead)
	w.authorize(t, cwSpouse)
	res = w.step(t, w.clerk, &c, "request_verification", "2025-09-04 09:00", map[string]any{"note": "请核对"})
	if res.Code != http.StatusOK {
		t.Fatalf("request_verification: %d %s", res.Code, res.Body)
	}
	var step struct {
		Request *struct {
			ID, Status, Tracking string
			Missing              []string `json:"missing_sources"`
		} `json:"verification_request"`
	}
	res.JSON(t, &step)
	if c.Status != "verifying" || step.Request == nil || step.Request.Status != "pending" || step.Request.Tracking != c.Tracking ||
		strings.Join(step.Request.Missing, ",") != "tax" {
		t.Fatalf("after the step: %s %s", c.Status, res.Body)
	}
	if c.due("step", "record_verification") != "2025-09-09" {
		t.Errorf("verification due %s", c.due("step", "record_verification"))
	}
	w.Do(t, "GET", "/api/v1/verification/requests", w.verifier, nil).JSON(t, &q)
	if len(q.Requests) != 1 || q.Requests[0].ID != step.Request.ID {
		t.Fatalf("queue %+v; want request %s", q.Requests, step.Request.ID)
	}
	// Meanwhile: no township opinion, and no result recorded by hand.
	w.refused(t, w.reviewer, &c, "review", "2025-09-04 10:00", map[string]any{"opinion": "同意"}, 409, "尚无信息核对结果")
	w.refused(t, w.verifier, &c, "record_verification", "2025-09-05 09:00",
		map[string]any{"verification": map[string]any{"result": "meets", "report": "HD-1"}}, 409, "核对中心办理（核对请求 #"+step.Request.ID+"）")
	page := html.UnescapeString(uiGet(t, w.App, uiLogin(t, w.App, "verifier"), "/cases/"+c.ID).Body)
	if strings.Contains(page, `id="action-record_verification"`) || !strings.Contains(page, `id="case-verify-request"`) ||
		!strings.Contains(page, "核对结果由核对中心出具报告后自动记录") {
		t.Errorf("the verifier's case page while the centre works:\n%s", page)
	}

	// The paper replies are in; the centre completes and records the result.
	for _, id := range []string{cwHead, cwSpouse, cwChild} {
		r := w.Do(t, "POST", "/api/v1/verification/requests/"+step.Request.ID+"/replies", w.verifier,
			map[string]any{"id_number": id, "source": "tax", "found": false, "reply_date": "2025-09-05", "document": "SW-7"})
		if r.Code != http.StatusCreated {
			t.Fatalf("reply: %d %s", r.Code, r.Body)
		}
	}
	if r := w.Do(t, "POST", "/api/v1/verification/requests/"+step.Request.ID+"/complete", w.verifier, map[string]string{}); r.Code != http.StatusOK {
		t.Fatalf("complete: %d %s", r.Code, r.Body)
	}
	var after struct {
		Verifications []struct{ Result, Report string }
		Steps         []struct {
			Action string
			By     struct{ Username string }
		}
	}
	w.Do(t, "GET", "/api/v1/cases/"+c.ID, w.clerk, nil).JSON(t, &after)
	n := len(after.Steps)
	if len(after.Verifications) != 1 || after.Verifications[0].Result != "meets" || !strings.HasPrefix(after.Verifications[0].Report, "HD") ||
		after.Steps[n-1].Action != "record_verification" || after.Steps[n-1].By.Username != "verifier" {
		t.Errorf("case after the centre's completion: %+v", after)
	}
	w.Do(t, "GET", "/api/v1/cases/"+c.ID, w.clerk, nil).JSON(t, &c)
	w.must(t, w.reviewer, &c, "review", "2025-09-08 09:00", map[string]any{"opinion": "经调查核实，同意"})

	// A case that entered verification without the centre (before it was
	// in use): the verifier records the result by hand.
	hh := w.mustCreateHousehold(t, apptest.ID("530102", "1960-03-03", 41))
	old := w.intake(t, map[string]any{"household_id": hh, "programme": "dibao", "materials": []string{"application"}})
	w.must(t, w.clerk, &old, "accept", "2025-09-08 10:00", map[string]any{"materials": old.keys()})
	w.must(t, w.clerk, &old, "start_investigation", "2025-09-08 11:00", nil)
	w.must(t, w.clerk, &old, "record_visit", "2025-09-09 09:00", map[string]any{"visit": cwVisit})
	id := int64(0)
	for _, ch := range old.ID {
		id = id*10 + int64(ch-'0')
	}
	v, err := w.App.Casework.Act(context.Background(), apptest.System(), id, old.Version, casework.ActionRequestVerify, casework.StepInput{})
	if err != nil {
		t.Fatal(err)
	}
	old.Version = v.Case.Version
	w.refused(t, w.verifier, &old, "record_verification", "2025-09-10 09:00",
		map[string]any{"verification": map[string]any{"result": "maybe"}}, 400, `"field":"verification.result"`)
	w.must(t, w.verifier, &old, "record_verification", "2025-09-10 09:00",
		map[string]any{"verification": map[string]any{"result": "meets", "report": "HD-paper-1"}})
}
