package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// The printable papers of a case: the receipt from intake on, the decision
// once there is one (409 before), 404 for another county, IDs masked and a
// Chinese file name.
func TestCasePDFs(t *testing.T) {
	t.Parallel()
	w := newCWWorld(t)
	res := w.Do(t, "POST", "/api/v1/households", w.clerk, household(cwHead, cwSpouse, cwChild))
	if res.Code != http.StatusCreated {
		t.Fatalf("household: %d %s", res.Code, res.Body)
	}
	var created struct{ ID string }
	res.JSON(t, &created)
	c := w.intake(t, map[string]any{"household_id": created.ID, "programme": "dibao", "materials": []string{"application"}})

	isPDF := func(t *testing.T, res interface {
		Get(string) string
	}, body string, name string) {
		t.Helper()
		if ct := res.Get("Content-Type"); ct != "application/pdf" {
			t.Errorf("Content-Type %q", ct)
		}
		if !strings.HasPrefix(body, "%PDF-") || !strings.HasSuffix(strings.TrimSpace(body), "%%EOF") {
			t.Errorf("not a PDF: %.20q", body)
		}
		if len(body) > 300_000 {
			t.Errorf("PDF of %d bytes", len(body))
		}
		if cd := res.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''"+name) || !strings.Contains(cd, `filename="`) {
			t.Errorf("Content-Disposition %q; want the name %s", cd, name)
		}
	}

	// The receipt, from intake on.
	receipt := "/cases/" + c.ID + "/receipt.pdf"
	res = w.Do(t, "GET", receipt, w.clerk, nil)
	if res.Code != http.StatusOK {
		t.Fatalf("receipt: %d %s", res.Code, res.Body)
	}
	// 受理回执-<tracking>.pdf
	isPDF(t, res.Header, res.Body, "%E5%8F%97%E7%90%86%E5%9B%9E%E6%89%A7-"+c.Tracking+".pdf")
	if strings.Contains(res.Body, cwHead) {
		t.Errorf("the receipt carries a full resident ID")
	}

	// Another county: the same 404 as for a case that does not exist.
	for _, path := range []string{receipt, "/cases/" + c.ID + "/decision.pdf", "/cases/999999/receipt.pdf"} {
		if res := w.Do(t, "GET", path, w.clerk2, nil); res.Code != http.StatusNotFound || strings.HasPrefix(res.Body, "%PDF") {
			t.Errorf("GET %s by another county: %d", path, res.Code)
		}
	}
	// Anonymous: to the login page.
	if res := w.Do(t, "GET", receipt, "", nil); res.Code != http.StatusSeeOther {
		t.Errorf("anonymous receipt: %d", res.Code)
	}

	// No decision yet: 409 with the reason.
	res = w.Do(t, "GET", "/cases/"+c.ID+"/decision.pdf", w.clerk, nil)
	if res.Code != http.StatusConflict || !strings.Contains(res.Body, "尚未作出决定") {
		t.Errorf("decision before deciding: %d %.200s", res.Code, res.Body)
	}

	// Confirmed: the approval notice.
	w.toNotice(t, &c)
	w.must(t, w.reviewer, &c, "report", "2025-09-19 09:00", nil)
	w.must(t, w.approver, &c, "confirm", "2025-09-22 10:00", nil)
	for _, tok := range []string{w.clerk, w.approver} {
		res = w.Do(t, "GET", "/cases/"+c.ID+"/decision.pdf", tok, nil)
		if res.Code != http.StatusOK {
			t.Fatalf("decision: %d %s", res.Code, res.Body)
		}
		// 决定通知书-<tracking>.pdf
		isPDF(t, res.Header, res.Body, "%E5%86%B3%E5%AE%9A%E9%80%9A%E7%9F%A5%E4%B9%A6-"+c.Tracking+".pdf")
	}
	// The receipt still prints after the decision.
	if res := w.Do(t, "GET", receipt, w.approver, nil); res.Code != http.StatusOK || !strings.HasPrefix(res.Body, "%PDF-") {
		t.Errorf("receipt after decision: %d", res.Code)
	}
}
