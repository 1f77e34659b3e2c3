package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// The case documents: a dibao case in its notice period is on the notice
// list (HTML and PDF) with its ID masked; once confirmed its certificate
// prints and the roster lists it; before that the certificate is refused;
// another county sees neither the case's documents nor the case on its
// lists.
func TestCaseDocuments(t *testing.T) {
	t.Parallel()
	w := newCWWorld(t)
	res := w.Do(t, "POST", "/api/v1/households", w.clerk, household(cwHead, cwSpouse, cwChild))
	if res.Code != http.StatusCreated {
		t.Fatalf("household: %d %s", res.Code, res.Body)
	}
	var created struct{ ID string }
	res.JSON(t, &created)
	c := w.intake(t, map[string]any{"household_id": created.ID, "programme": "dibao", "materials": []string{"application"}})
	masked := cwHead[:6] + "********" + cwHead[14:]
	base := "/cases/" + c.ID

	get := func(t *testing.T, path, token string, code int) string {
		t.Helper()
		res := w.Do(t, "GET", path, token, nil)
		if res.Code != code {
			t.Fatalf("GET %s: %d; want %d: %.300s", path, res.Code, code, res.Body)
		}
		return res.Body
	}
	isPDF := func(t *testing.T, path, token string) {
		t.Helper()
		res := w.Do(t, "GET", path, token, nil)
		if res.Code != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(res.Body, "%PDF-") || !strings.HasSuffix(strings.TrimSpace(res.Body), "%%EOF") {
			t.Fatalf("GET %s: %d %q %.40q", path, res.Code, res.Header.Get("Content-Type"), res.Body)
		}
		if strings.Contains(res.Body, cwHead) {
			t.Errorf("%s carries a full resident ID", path)
		}
	}

	// The forms print from intake on.
	for _, p := range []string{base + "/application", base + "/investigation"} {
		body := get(t, p, w.clerk, http.StatusOK)
		if !strings.Contains(body, c.Tracking) || !strings.Contains(body, "签字") {
			t.Errorf("%s: no tracking number or signature lines: %.300s", p, body)
		}
	}
	// Not yet in its notice period: not on the list.
	if body := get(t, "/cases/notices", w.clerk, http.StatusOK); strings.Contains(body, masked) {
		t.Errorf("a case before its notice period is on the notice list")
	}

	w.toNotice(t, &c)
	if body := get(t, base+"/investigation", w.clerk, http.StatusOK); !strings.Contains(body, "家庭困难情况属实") || !strings.Contains(body, "王芳") {
		t.Errorf("investigation record without the visit: %.300s", body)
	}
	for _, q := range []string{"", "?village=" + wuhuaVillage, "?township=" + wuhuaTown} {
		body := get(t, "/cases/notices"+q, w.clerk, http.StatusOK)
		if !strings.Contains(body, masked) || strings.Contains(body, cwHead) {
			t.Errorf("notices%s: masked ID listed %v, full ID listed %v", q, strings.Contains(body, masked), strings.Contains(body, cwHead))
		}
		if !strings.Contains(body, "2025年9月12日") {
			t.Errorf("notices%s without the notice period", q)
		}
	}
	isPDF(t, "/cases/notices.pdf", w.clerk)
	isPDF(t, "/cases/notices.pdf?village="+wuhuaVillage, w.reviewer)
	// Another county: not on its list, and a village outside it is refused.
	if body := get(t, "/cases/notices", w.clerk2, http.StatusOK); strings.Contains(body, masked) {
		t.Errorf("another county's clerk sees the case on the notice list")
	}
	get(t, "/cases/notices?village="+wuhuaVillage, w.clerk2, http.StatusBadRequest)

	// Unconfirmed: no certificate, not on the roster.
	for _, p := range []string{base + "/certificate", base + "/certificate.pdf"} {
		if body := get(t, p, w.clerk, http.StatusConflict); !strings.Contains(body, "尚未确认") {
			t.Errorf("%s before confirmation: %.300s", p, body)
		}
	}
	if body := get(t, "/cases/roster", w.clerk, http.StatusOK); strings.Contains(body, masked) {
		t.Errorf("an unconfirmed case is on the roster")
	}

	// Confirmed: the certificate, the roster, and off the notice list.
	w.must(t, w.reviewer, &c, "report", "2025-09-19 09:00", nil)
	w.must(t, w.approver, &c, "confirm", "2025-09-22 10:00", nil)
	body := get(t, base+"/certificate", w.clerk, http.StatusOK)
	if !strings.Contains(body, "最低生活保障证") || !strings.Contains(body, c.Tracking) || strings.Contains(body, cwHead) {
		t.Errorf("certificate: %.500s", body)
	}
	isPDF(t, base+"/certificate.pdf", w.approver)
	if body := get(t, "/cases/roster", w.approver, http.StatusOK); !strings.Contains(body, masked) || strings.Contains(body, cwHead) {
		t.Errorf("the confirmed case is not on the roster with its ID masked")
	}
	isPDF(t, "/cases/roster.pdf", w.approver)
	if body := get(t, "/cases/notices", w.clerk, http.StatusOK); strings.Contains(body, masked) {
		t.Errorf("a confirmed case is still on the notice list")
	}
	if body := get(t, "/cases/roster", w.clerk2, http.StatusOK); strings.Contains(body, masked) {
		t.Errorf("another county's clerk sees the case on the roster")
	}

	// The case page links to the documents.
	if body := get(t, base, w.clerk, http.StatusOK); !strings.Contains(body, base+"/certificate") || !strings.Contains(body, base+"/application") {
		t.Errorf("the case page does not link to its documents")
	}

	// Another county: the same 404 as for a case that does not exist.
	for _, p := range []string{"/certificate", "/certificate.pdf", "/application", "/investigation"} {
		if res := w.Do(t, "GET", base+p, w.clerk2, nil); res.Code != http.StatusNotFound || strings.Contains(res.Body, c.Tracking) {
			t.Errorf("GET %s by another county: %d", base+p, res.Code)
		}
	}
	// Anonymous: to the login page.
	if res := w.Do(t, "GET", "/cases/notices", "", nil); res.Code != http.StatusSeeOther {
		t.Errorf("anonymous notices: %d", res.Code)
	}
}
