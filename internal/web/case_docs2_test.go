package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The decision notice page (409 before a decision), the application form
// and visit record as PDFs, 404 for another county, and the county spot
// check drawn from the board by an approver and refused to a clerk.
func TestCaseDocs2(t *testing.T) {
	t.Parallel()
	w := newCWWorld(t)
	res := w.Do(t, "POST", "/api/v1/households", w.clerk, household(cwHead, cwSpouse, cwChild))
	if res.Code != http.StatusCreated {
		t.Fatalf("household: %d %s", res.Code, res.Body)
	}
	var created struct{ ID string }
	res.JSON(t, &created)
	c := w.intake(t, map[string]any{"household_id": created.ID, "programme": "dibao", "materials": []string{"application"}})
	base := "/cases/" + c.ID
	masked := cwHead[:6] + "********" + cwHead[14:]

	isPDF := func(t *testing.T, path, token, ascii string) {
		t.Helper()
		res := w.Do(t, "GET", path, token, nil)
		if res.Code != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(res.Body, "%PDF-") || !strings.HasSuffix(strings.TrimSpace(res.Body), "%%EOF") {
			t.Fatalf("GET %s: %d %q %.40q", path, res.Code, res.Header.Get("Content-Type"), res.Body)
		}
		if strings.Contains(res.Body, cwHead) {
			t.Errorf("%s carries a full resident ID", path)
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="`+ascii+`-`+c.Tracking+`.pdf"`) {
			t.Errorf("%s: Content-Disposition %q", path, cd)
		}
	}

	// From intake on: the forms as PDFs, linked from their pages.
	isPDF(t, base+"/application.pdf", w.clerk, "application")
	isPDF(t, base+"/investigation.pdf", w.clerk, "investigation")
	for _, p := range []string{"/application", "/investigation"} {
		if res := w.Do(t, "GET", base+p, w.clerk, nil); res.Code != http.StatusOK || !strings.Contains(res.Body, base+p+".pdf") {
			t.Errorf("%s does not link to its PDF: %d", p, res.Code)
		}
	}
	// No decision yet: 409 with the reason.
	if res := w.Do(t, "GET", base+"/decision", w.clerk, nil); res.Code != http.StatusConflict || !strings.Contains(res.Body, "尚未作出决定") {
		t.Errorf("decision page before deciding: %d %.200s", res.Code, res.Body)
	}
	// Another county: the same 404 as for a case that does not exist.
	for _, p := range []string{"/decision", "/application.pdf", "/investigation.pdf"} {
		if res := w.Do(t, "GET", base+p, w.clerk2, nil); res.Code != http.StatusNotFound || strings.Contains(res.Body, c.Tracking) {
			t.Errorf("GET %s by another county: %d", base+p, res.Code)
		}
	}

	// With visits, reported to the county: the record carries them.
	w.toNotice(t, &c)
	w.must(t, w.reviewer, &c, "report", "2025-09-19 09:00", nil)
	isPDF(t, base+"/investigation.pdf", w.reviewer, "investigation")

	// The spot check: offered to the approver on the board, not to a clerk.
	approver := uiLogin(t, w.App, "approver")
	clerk := uiLogin(t, w.App, "clerk")
	if res := uiGet(t, w.App, approver, "/cases/board"); res.Code != http.StatusOK || !strings.Contains(res.Body, `action="/cases/sample"`) {
		t.Errorf("approver's board without the sample form: %d", res.Code)
	}
	if res := uiGet(t, w.App, clerk, "/cases/board"); strings.Contains(res.Body, `action="/cases/sample"`) {
		t.Errorf("clerk's board offers the sample form")
	}
	if res := uiPost(t, w.App, clerk, "/cases/sample", url.Values{"programme": {"dibao"}, "ratio": {"0.3"}}); res.Code != http.StatusForbidden {
		t.Errorf("clerk draws the sample: %d %.300s", res.Code, res.Body)
	}
	if res := uiPost(t, w.App, approver, "/cases/sample", url.Values{"programme": {"dibao"}, "ratio": {"abc"}}); res.Code != http.StatusBadRequest || !strings.Contains(res.Body, "抽查比例") {
		t.Errorf("malformed ratio: %d %.300s", res.Code, res.Body)
	}
	if res := uiPost(t, w.App, approver, "/cases/sample", url.Values{"programme": {"tekun"}, "ratio": {"1"}}); res.Code != http.StatusOK || !strings.Contains(res.Body, "已抽取 0 件（候选 0 件") {
		t.Errorf("tekun sample: %d %.300s", res.Code, res.Body)
	}
	// Ratio 0 draws only relatives' cases: none here, one candidate.
	if res := uiPost(t, w.App, approver, "/cases/sample", url.Values{"programme": {"dibao"}, "ratio": {"0"}}); res.Code != http.StatusOK || !strings.Contains(res.Body, "已抽取 0 件（候选 1 件") {
		t.Errorf("dibao sample: %d %.300s", res.Code, res.Body)
	}

	// Confirmed: the notice as a page, linked from the case page.
	w.must(t, w.approver, &c, "confirm", "2025-09-22 10:00", nil)
	for _, tok := range []string{w.clerk, w.approver} {
		res := w.Do(t, "GET", base+"/decision", tok, nil)
		if res.Code != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("decision page: %d %q", res.Code, res.Header.Get("Content-Type"))
		}
		if !strings.Contains(res.Body, "审核确认通知书") || !strings.Contains(res.Body, c.Tracking) ||
			!strings.Contains(res.Body, masked) || strings.Contains(res.Body, cwHead) || !strings.Contains(res.Body, "民政局") {
			t.Errorf("decision page: %.1000s", res.Body)
		}
		if !strings.Contains(res.Body, base+"/decision.pdf") {
			t.Errorf("decision page does not link to its PDF")
		}
	}
	if res := w.Do(t, "GET", base, w.clerk, nil); !strings.Contains(res.Body, base+"/decision") {
		t.Errorf("the case page does not link to the decision notice")
	}
	if res := w.Do(t, "GET", base+"/decision", w.clerk2, nil); res.Code != http.StatusNotFound {
		t.Errorf("decision page by another county: %d", res.Code)
	}
}
