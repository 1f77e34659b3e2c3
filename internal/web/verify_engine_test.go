package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"safetynet/internal/apptest"
	"safetynet/internal/verify"
)

// The real matching engine, fed a tiny dataset through its import: every
// source has a snapshot (most of them empty), the spouse's car is over the
// policy's threshold. A case gets its report at once with the engine's
// finding and reason; with the bank not connected, the paper reply of a
// large deposit is judged by the same rules.
func TestVerifyWithTheEngine(t *testing.T) {
	t.Parallel()
	w := newCWWorld(t)
	w.App.VerifyCentre.Checker = w.App.Verify // the real engine, not the casework world's fake
	ctx := context.Background()
	for _, src := range verify.Sources {
		file := strings.Join(src.Columns, ",") + "\n"
		if src.Name == "vehicles" {
			file += cwSpouse + ",云A54321,小型轿车,150000.00,2023-05-01\n"
		}
		if res, err := w.App.Verify.Import(ctx, apptest.System().Actor(), src.Name, "2025-08-31", []byte(file), false, false); err != nil {
			t.Fatalf("import %s: %v %+v", src.Name, err, res.Parsed)
		}
	}
	res := w.Do(t, "POST", "/api/v1/households", w.clerk, household(cwHead, cwSpouse, cwChild))
	var created struct{ ID string }
	res.JSON(t, &created)
	vw := &vfWorld{cwWorld: w, hh: created.ID}
	vw.authorize(t, cwHead)
	vw.authorize(t, cwSpouse)

	c := w.intake(t, map[string]any{"household_id": created.ID, "programme": "dibao", "materials": []string{"application"}})
	w.must(t, w.clerk, &c, "accept", "2025-09-01 10:00", map[string]any{"materials": c.keys()})
	w.must(t, w.clerk, &c, "start_investigation", "2025-09-02 09:00", nil)
	w.must(t, w.clerk, &c, "record_visit", "2025-09-03 09:00", map[string]any{"visit": cwVisit})
	w.set("2025-09-04 09:00")
	res = w.Do(t, "POST", "/api/v1/verification/requests", w.clerk, map[string]any{"case_id": c.ID, "version": c.Version})
	var out struct {
		Request vfRequest
		Report  *vfReport
	}
	res.JSON(t, &out)
	if res.Code != http.StatusCreated || out.Report == nil {
		t.Fatalf("request: %d %s", res.Code, res.Body)
	}
	rep := *out.Report
	if rep.Verdict != "not_meets" || len(rep.Reasons) != 1 || rep.Reasons[0].Rule != "vehicle" || !strings.Contains(rep.Reasons[0].Text, "成员申") {
		t.Errorf("engine's verdict %s, reasons %+v", rep.Verdict, rep.Reasons)
	}
	for _, m := range rep.Members {
		if m.IDNumber == cwSpouse && (len(m.Findings) != 1 || m.Findings[0].Ref != "云A54321" || m.Findings[0].Mode != "online") {
			t.Errorf("spouse's findings %+v", m.Findings)
		}
	}
	for _, s := range rep.Sources {
		if s.Mode != "online" {
			t.Errorf("source %s is %s", s.Source, s.Mode)
		}
	}
	var cs struct {
		Verifications []struct{ Result, Report string }
	}
	w.Do(t, "GET", "/api/v1/cases/"+c.ID, w.clerk, nil).JSON(t, &cs)
	if len(cs.Verifications) != 1 || cs.Verifications[0].Result != "not_meets" || cs.Verifications[0].Report != rep.Number {
		t.Errorf("case verifications %+v", cs.Verifications)
	}

	// The bank is not connected: a paper reply of 200,000 yuan on deposit.
	w.Do(t, "PUT", "/api/v1/verification/connections/530102000000", w.verifier, map[string]any{"connections": []map[string]any{
		{"source": "deposits", "connected": false}}})
	res = w.Do(t, "POST", "/api/v1/verification/requests", w.clerk, map[string]any{"household_id": created.ID})
	out.Report = nil
	res.JSON(t, &out)
	if res.Code != http.StatusCreated || out.Report != nil || strings.Join(out.Request.Missing, ",") != "deposits" {
		t.Fatalf("household request: %d %s", res.Code, res.Body)
	}
	for _, id := range []string{cwHead, cwSpouse, cwChild} {
		body := map[string]any{"id_number": id, "source": "deposits", "found": id == cwHead, "reply_date": "2025-09-04", "document": "YH-1"}
		if id == cwHead {
			body["kind"], body["value"], body["ref"] = "deposit", "200000", "农业银行"
		}
		if r := w.Do(t, "POST", "/api/v1/verification/requests/"+out.Request.ID+"/replies", w.verifier, body); r.Code != http.StatusCreated {
			t.Fatalf("reply: %d %s", r.Code, r.Body)
		}
	}
	res = w.Do(t, "POST", "/api/v1/verification/requests/"+out.Request.ID+"/complete", w.verifier, map[string]string{})
	var done struct{ Report vfReport }
	res.JSON(t, &done)
	if res.Code != http.StatusOK {
		t.Fatalf("complete: %d %s", res.Code, res.Body)
	}
	rules := map[string]string{}
	for _, x := range done.Report.Reasons {
		rules[x.Rule] = x.Verdict
	}
	if done.Report.Verdict != "not_meets" || rules["vehicle"] != "not_meets" || rules["deposits"] != "not_meets" ||
		rules["assets_undeclared"] != "needs_check" || done.Report.mode("deposits") != "manual" || !done.Report.Manual {
		t.Errorf("report with a manual deposit: %s %+v sources %+v", done.Report.Verdict, done.Report.Reasons, done.Report.Sources)
	}
}
