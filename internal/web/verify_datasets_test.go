package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"safetynet/internal/access"
	"safetynet/internal/apptest"
	"safetynet/internal/audit"
)

// multipartBody is a form with fields and one file part "file".
func multipartBody(t *testing.T, fields map[string]string, name string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func uploadDataset(t *testing.T, w *world, token, source, asOf, name string, data []byte) apptest.Response {
	t.Helper()
	fields := map[string]string{}
	if asOf != "" {
		fields["as_of"] = asOf
	}
	body, ct := multipartBody(t, fields, name, data)
	req, _ := http.NewRequest("POST", w.Server.URL+"/api/v1/verification/sources/"+source+"/snapshots", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+token)
	return w.Send(t, req)
}

type sourcesOut struct {
	Sources []struct {
		Name, Zh, En, Department string
		DepartmentEn             string `json:"department_en"`
		Columns                  []struct{ Name, Zh string }
		Fields                   []string
		Refreshed                string
		Snapshots                []struct {
			ID       string
			AsOf     string `json:"as_of"`
			LoadedBy string `json:"loaded_by"`
			Rows     int64
		}
	}
	Register  struct{ Name string }
	CanImport bool `json:"can_import"`
}

func getSources(t *testing.T, w *world, token string) (sourcesOut, apptest.Response) {
	t.Helper()
	res := w.Do(t, "GET", "/api/v1/verification/sources", token, nil)
	var out sourcesOut
	if res.Code == http.StatusOK {
		res.JSON(t, &out)
	}
	return out, res
}

func countAudit(t *testing.T, w *world, action string) int {
	t.Helper()
	_, n, err := w.App.Audit.Search(context.Background(), audit.Filter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func xlsxFile(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDatasetUploadAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.MustCreateUser(t, "verifier", access.CountyVerifier, "530102000000")
	verifier := w.Login(t, "verifier")

	// A county verifier sees the catalogue but may not import; a clerk
	// may do neither.
	out, res := getSources(t, w, verifier)
	if res.Code != http.StatusOK || len(out.Sources) != 12 || out.CanImport || out.Register.Name != "staff_relatives" {
		t.Fatalf("sources for the county verifier = %d %+v", res.Code, out)
	}
	v := out.Sources[0]
	if v.Name != "vehicles" || v.Zh != "机动车登记" || v.En == "" || v.Department != "公安" || v.DepartmentEn != "Public security" ||
		len(v.Columns) != 5 || v.Columns[1].Zh != "号牌号码" || len(v.Fields) == 0 || v.Refreshed != "" || len(v.Snapshots) != 0 {
		t.Fatalf("vehicles = %+v", v)
	}
	if _, res := getSources(t, w, w.clerk); res.Code != http.StatusForbidden {
		t.Fatalf("clerk GET sources = %d; want 403", res.Code)
	}
	good := []byte("id_number,plate,type,value,registered\n" + idHead + ",云A12345,小型轿车,120000.00,2015-01-01\n" +
		idSpouse + ",\"云A,678\",二轮摩托车,8000.00,2018-01-01\n")
	for _, tok := range []string{verifier, w.clerk} {
		if res := uploadDataset(t, w, tok, "vehicles", "2025-06-30", "vehicles.csv", good); res.Code != http.StatusForbidden {
			t.Fatalf("upload by a non-province user = %d %s; want 403", res.Code, res.Body)
		}
	}

	// The province administrator imports a CSV: 201 with the snapshot.
	res = uploadDataset(t, w, w.admin, "vehicles", "2025-06-30", "vehicles.csv", good)
	if res.Code != http.StatusCreated || !strings.Contains(res.Body, `"rows":2`) || !strings.Contains(res.Body, `"as_of":"2025-06-30"`) ||
		!strings.Contains(res.Body, `"loaded_by":"admin"`) {
		t.Fatalf("upload = %d %s", res.Code, res.Body)
	}
	// The same file again changes nothing.
	if res := uploadDataset(t, w, w.admin, "vehicles", "2025-06-30", "vehicles.csv", good); res.Code != http.StatusOK ||
		!strings.Contains(res.Body, `"unchanged":true`) {
		t.Fatalf("re-upload = %d %s", res.Code, res.Body)
	}
	// A later .xlsx: one more snapshot, newest first in the catalogue.
	x := xlsxFile(t, [][]any{{"id_number", "plate", "type", "value", "registered"},
		{idHead, "云A12345", "小型轿车", "110000.00", "2015-01-01"}})
	if res := uploadDataset(t, w, w.admin, "vehicles", "2025-12-31", "车辆.xlsx", x); res.Code != http.StatusCreated ||
		!strings.Contains(res.Body, `"rows":1`) {
		t.Fatalf("xlsx upload = %d %s", res.Code, res.Body)
	}

	// A file with bad rows: 422 naming each row, column and reason in
	// both languages, and nothing loaded.
	bad := []byte("id_number,plate,type,value,registered\n" + idHead + ",云A1,小型轿车,100.00,2015-01-01\n" +
		"530102197005011234,云A2,小型轿车,100.00,2015-01-01\n" + idHead + ",,小型轿车,abc,2015-01-01\n")
	res = uploadDataset(t, w, w.admin, "vehicles", "2026-01-31", "bad.csv", bad)
	var refused struct {
		Error   struct{ Code, Field string }
		BadRows int `json:"bad_rows"`
		Errors  []struct {
			Row       int
			Column    string
			ColumnZh  string `json:"column_zh"`
			MessageZh string `json:"message_zh"`
			MessageEn string `json:"message_en"`
		}
	}
	res.JSON(t, &refused)
	if res.Code != http.StatusUnprocessableEntity || refused.Error.Field != "rows" || refused.BadRows != 2 || len(refused.Errors) != 3 {
		t.Fatalf("bad upload = %d %s", res.Code, res.Body)
	}
	e := refused.Errors[0]
	if e.Row != 3 || e.Column != "id_number" || e.ColumnZh != "身份证号码" || e.MessageZh == "" || e.MessageEn == "" {
		t.Errorf("first error %+v", e)
	}
	if e := refused.Errors[2]; e.Row != 4 || e.Column != "value" || e.ColumnZh != "价值" || !strings.Contains(e.MessageZh, "金额") {
		t.Errorf("third error %+v", e)
	}
	// A bad date and a wrong header are 400s naming the field.
	if res := uploadDataset(t, w, w.admin, "vehicles", "2025-13-01", "vehicles.csv", good); res.Code != 400 || res.ErrorField() != "as_of" {
		t.Errorf("bad as_of = %d %s", res.Code, res.Body)
	}
	if res := uploadDataset(t, w, w.admin, "vehicles", "2025-01-01", "vehicles.csv", []byte("id,plate\n")); res.Code != 400 || res.ErrorField() != "file" {
		t.Errorf("bad header = %d %s", res.Code, res.Body)
	}
	if res := uploadDataset(t, w, w.admin, "vehicles", "2025-01-01", "vehicles.pdf", good); res.Code != 400 || res.ErrorField() != "file" {
		t.Errorf("pdf = %d %s", res.Code, res.Body)
	}

	out, _ = getSources(t, w, w.admin)
	v = out.Sources[0]
	if !out.CanImport || v.Refreshed != "2025-12-31" || len(v.Snapshots) != 2 || v.Snapshots[0].AsOf != "2025-12-31" ||
		v.Snapshots[1].AsOf != "2025-06-30" || v.Snapshots[1].Rows != 2 || v.Snapshots[0].LoadedBy != "admin" {
		t.Fatalf("vehicles after the uploads = %+v", v)
	}
	snaps, err := w.App.DB.Verify().Snapshots(context.Background())
	if err != nil || len(snaps) != 2 {
		t.Fatalf("stored snapshots = %v, %v; want 2 (nothing from the refused file)", snaps, err)
	}
	// Each load is audited once, by the import itself.
	if n := countAudit(t, w, "dataset.import"); n != 2 {
		t.Errorf("%d dataset.import entries; want 2", n)
	}

	// The staff relatives' register: CSV whose quoted field holds a comma.
	staff := apptest.ID("530102", "1975-02-03", 31)
	reg := []byte("staff_id,staff_name,role,unit,region,relative_id,relative_name,relation\n" +
		staff + ",赵六,村（居）委会成员,\"五华区华山街道,某社区\",530102001001," + idSpouse + ",成员乙,配偶\n")
	if res := uploadDataset(t, w, w.admin, "staff_relatives", "", "staff_relatives.csv", reg); res.Code != http.StatusOK ||
		!strings.Contains(res.Body, `"added":1`) {
		t.Fatalf("register upload = %d %s", res.Code, res.Body)
	}
	got, err := w.App.DB.Verify().Registered(context.Background(), []string{idSpouse})
	if err != nil || len(got[idSpouse]) != 1 {
		t.Fatalf("registered = %v, %v", got, err)
	}
	badReg := []byte("staff_id,staff_name,role,unit,region,relative_id,relative_name,relation\n" +
		staff + ",赵六,mayor,单位,530102001001," + idChild + ",成员丙,子女\n")
	if res := uploadDataset(t, w, w.admin, "staff_relatives", "", "staff_relatives.csv", badReg); res.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, `"column":"role"`) {
		t.Fatalf("bad register = %d %s", res.Code, res.Body)
	}
	if got, _ := w.App.DB.Verify().Registered(context.Background(), []string{idChild}); len(got[idChild]) != 0 {
		t.Fatalf("a refused register file added %v", got)
	}
	if n := countAudit(t, w, "staff_relatives.import"); n != 1 {
		t.Errorf("%d staff_relatives.import entries; want 1", n)
	}
}

func TestDatasetsPage(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	admin := uiLogin(t, w.App, "admin")
	get := func(path string, cookies ...*http.Cookie) apptest.Response {
		req, _ := http.NewRequest("GET", w.Server.URL+path, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		return w.Send(t, req)
	}
	post := func(fields map[string]string, name string, data []byte) apptest.Response {
		body, ct := multipartBody(t, fields, name, data)
		req, _ := http.NewRequest("POST", w.Server.URL+"/verification/sources", body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Origin", w.Server.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(admin)
		return w.Send(t, req)
	}
	// The verification centre links to the page.
	if res := get("/verification", admin); !strings.Contains(res.Body, `href="/verification/sources"`) {
		t.Fatalf("the centre's page lacks the link: %d", res.Code)
	}
	res := get("/verification/sources", admin)
	if res.Code != 200 || !strings.Contains(res.Body, "机动车登记") || !strings.Contains(res.Body, "尚未导入") ||
		!strings.Contains(res.Body, `id="dataset-upload"`) || !strings.Contains(res.Body, "工作人员近亲属备案") {
		t.Fatalf("page = %d %s", res.Code, res.Body)
	}
	good := "id_number,bank,balance,as_of\n" + idHead + ",农业银行,3000.00,2025-06-30\n"
	res = post(map[string]string{"source": "deposits", "as_of": "2025-06-30"}, "deposits.csv", []byte(good))
	if res.Code != 200 || !strings.Contains(res.Body, "已导入 银行存款 截至 2025-06-30 的数据快照：1 行") ||
		!strings.Contains(res.Body, "<td class=\"nowrap\">2025-06-30</td>") {
		t.Fatalf("upload through the page = %d %s", res.Code, res.Body)
	}
	bad := "id_number,bank,balance,as_of\n" + idHead + ",农业银行,-1,2025-06-30\n"
	res = post(map[string]string{"source": "deposits", "as_of": "2025-07-31"}, "deposits.csv", []byte(bad))
	if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="dataset-errors"`) ||
		!strings.Contains(res.Body, "<td>2</td><td>余额</td>") || strings.Contains(res.Body, "2025-07-31</td>") {
		t.Fatalf("bad upload through the page = %d %s", res.Code, res.Body)
	}
	// In English, with the snapshot's date.
	res = get("/verification/sources", admin, &http.Cookie{Name: "lang", Value: "en"})
	if !strings.Contains(res.Body, "Department datasets") || !strings.Contains(res.Body, "bank deposits") ||
		!strings.Contains(res.Body, "Banks") || !strings.Contains(res.Body, "2025-06-30") {
		t.Fatalf("English page = %d %s", res.Code, res.Body)
	}
	// A clerk is refused the page and the upload.
	clerk := uiLogin(t, w.App, "clerk")
	if res := get("/verification/sources", clerk); res.Code != http.StatusForbidden {
		t.Errorf("clerk page = %d; want 403", res.Code)
	}
	admin = clerk
	if res := post(map[string]string{"source": "deposits", "as_of": "2025-08-31"}, "deposits.csv", []byte(good)); res.Code != http.StatusForbidden {
		t.Errorf("clerk upload = %d; want 403", res.Code)
	}
	if snaps, _ := w.App.DB.Verify().Snapshots(context.Background()); len(snaps) != 1 {
		t.Errorf("%d snapshots; want 1", len(snaps))
	}
}
