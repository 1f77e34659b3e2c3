package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"safetynet/internal/apptest"
)

// importCSV builds a template CSV: rows of head ID, ID, name, relationship,
// village, area.
func importCSV(rows ...[]string) string {
	var b strings.Builder
	b.WriteString("户主身份证号,身份证号码,姓名,与户主关系,村（社区）代码,城乡类别,家庭住址\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	return b.String()
}

func TestImportThroughAPIAndUI(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	h1 := apptest.ID("530102", "1955-01-01", 11)
	s1 := apptest.ID("530102", "1957-02-02", 22)
	h2 := apptest.ID("530102", "1966-03-03", 31)
	h3 := apptest.ID("530102", "1977-04-04", 41)
	c3 := apptest.ID("530102", "2005-05-05", 51)
	h4 := apptest.ID("530102", "1988-06-06", 61)
	bad := h3[:17] + map[bool]string{true: "0", false: "1"}[h3[17] != '0']
	file := importCSV(
		[]string{h1, h1, "王大", "户主", wuhuaVillage, "城镇", "一号"}, // row 2: good household…
		[]string{h1, s1, "李二", "配偶", "", "", ""},               // row 3
		[]string{h2, h2, "赵三", "户主", "530102001999", "农村", ""}, // row 4: unknown village
		[]string{h3, h3, "钱四", "户主", wuhuaVillage, "农村", ""},   // row 5: household with a bad member
		[]string{h3, bad, "钱五", "子女", "", "", ""},              // row 6: wrong check digit
		[]string{h3, c3, "钱六", "子女", "", "", ""},               // row 7
		[]string{h4, h4, "孙七", "户主", wuhuaVillage, "城镇", ""},   // row 8
		[]string{h4, s1, "李二", "配偶", "", "", ""},               // row 9: the person of row 3 again
	)
	do := func(mode string) apptest.Response {
		return w.Do(t, "POST", "/api/v1/households/import?format=csv&name=test.csv&mode="+mode, w.clerk, file)
	}
	var rep struct {
		Rows         int
		Created      int
		Loaded       bool
		RejectedRows []int  `json:"rejected_rows"`
		RejectedFile string `json:"rejected_file"`
		Errors       []struct {
			Row     int
			Column  string
			Message string
		}
	}
	do("all").JSON(t, &rep)
	if rep.Loaded || rep.Created != 0 || rep.Rows != 8 {
		t.Fatalf("mode all with bad rows loaded something: %+v", rep)
	}
	named := map[int]string{}
	for _, e := range rep.Errors {
		named[e.Row] += e.Column + ":" + e.Message + ";"
	}
	for row, col := range map[int]string{4: "村（社区）代码", 6: "身份证号码", 9: "身份证号码"} {
		if !strings.Contains(named[row], col) {
			t.Errorf("row %d not named with column %s: %q", row, col, named[row])
		}
	}
	if res := w.Do(t, "GET", "/api/v1/persons/"+h1, w.clerk, nil); res.Code != 404 {
		t.Fatalf("mode all wrote a person")
	}
	rep = struct {
		Rows         int
		Created      int
		Loaded       bool
		RejectedRows []int  `json:"rejected_rows"`
		RejectedFile string `json:"rejected_file"`
		Errors       []struct {
			Row     int
			Column  string
			Message string
		}
	}{}
	do("good").JSON(t, &rep)
	if !rep.Loaded || rep.RejectedFile == "" {
		t.Fatalf("mode good: %+v", rep)
	}
	if rep.Created != 1 {
		t.Fatalf("mode good created %d households; want 1 (王大's)", rep.Created)
	}
	for _, id := range []string{h2, h3, c3, h4} {
		if res := w.Do(t, "GET", "/api/v1/persons/"+id, w.clerk, nil); res.Code != 404 {
			t.Errorf("a member of a rejected household was written: %s", id)
		}
	}
	// Re-importing changes nothing and duplicates no one.
	var again struct{ Created, Unchanged int }
	do("good").JSON(t, &again)
	if again.Created != 0 {
		t.Fatalf("re-import created %d households", again.Created)
	}
	res := w.Do(t, "GET", "/api/v1/households?q="+h1, w.clerk, nil)
	if !strings.Contains(res.Body, `"total":1`) {
		t.Fatalf("after re-import: %s", res.Body)
	}

	// Export: the same columns; masked IDs for a role that may not see them.
	res = w.Do(t, "GET", "/api/v1/households/export?format=csv", w.clerk, nil)
	if res.Code != 200 || !strings.Contains(res.Body, "户主身份证号") || !strings.Contains(res.Body, h1) {
		t.Fatalf("export = %d %q", res.Code, res.Body)
	}
	res = w.Do(t, "GET", "/api/v1/households/export?format=csv", w.finance, nil)
	if res.Code != 200 || strings.Contains(res.Body, h1) || !strings.Contains(res.Body, "王大") {
		t.Fatalf("finance export shows full IDs or nothing: %d", res.Code)
	}
	if res := w.Do(t, "GET", "/api/v1/households/export?format=xlsx", w.clerk2, nil); res.Code != 200 || strings.Contains(res.Body, "王大") {
		t.Fatalf("clerk2 export = %d", res.Code)
	}

	// The UI: upload with the multipart form, see the report, download the
	// rejected rows.
	cookie := uiLogin(t, w.App, "clerk")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "户籍.csv")
	fw.Write([]byte(file))
	mw.WriteField("mode", "check")
	mw.Close()
	req, _ := http.NewRequest("POST", w.Server.URL+"/households/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(cookie)
	page := w.Send(t, req)
	if page.Code != 200 || !strings.Contains(page.Body, "import-errors") || !strings.Contains(page.Body, "校验码") {
		t.Fatalf("import page = %d", page.Code)
	}
	i := strings.Index(page.Body, "/households/import/rejected/")
	if i < 0 {
		t.Fatalf("no rejected-rows link")
	}
	link := page.Body[i : i+strings.IndexByte(page.Body[i:], '"')]
	req, _ = http.NewRequest("GET", w.Server.URL+link, nil)
	req.AddCookie(cookie)
	dl := w.Send(t, req)
	if dl.Code != 200 || !strings.Contains(dl.Body, "错误原因") || !strings.Contains(dl.Body, "钱六") || strings.Contains(dl.Body, "王大") {
		t.Fatalf("rejected file = %d %q", dl.Code, dl.Body)
	}
	// Another user cannot fetch it.
	req, _ = http.NewRequest("GET", w.Server.URL+link, nil)
	req.AddCookie(uiLogin(t, w.App, "admin"))
	if res := w.Send(t, req); res.Code != 404 {
		t.Fatalf("another user's download = %d", res.Code)
	}
	for _, f := range []string{"template.xlsx", "template.csv"} {
		req, _ = http.NewRequest("GET", w.Server.URL+"/households/import/template/"+f, nil)
		req.AddCookie(cookie)
		if res := w.Send(t, req); res.Code != 200 || len(res.Body) < 100 {
			t.Errorf("template %s = %d", f, res.Code)
		}
	}
}
