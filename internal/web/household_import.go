package web

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/registry"
)

// rejectedFiles keeps the rejected rows of recent imports for their
// clerk to download, for an hour. They live in memory: a restart loses
// them, and the clerk re-imports the original file to get them again
// (re-importing duplicates no one).
type rejectedFiles struct {
	mu    sync.Mutex
	files map[string]rejectedFile
}

type rejectedFile struct {
	user    string
	name    string
	data    []byte
	expires time.Time
}

func (rf *rejectedFiles) put(user, name string, data []byte) string {
	var b [12]byte
	rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.files == nil {
		rf.files = map[string]rejectedFile{}
	}
	now := time.Now()
	for k, f := range rf.files {
		if now.After(f.expires) {
			delete(rf.files, k)
		}
	}
	rf.files[tok] = rejectedFile{user: user, name: name, data: data, expires: now.Add(time.Hour)}
	return tok
}

func (rf *rejectedFiles) get(user, tok string) (rejectedFile, bool) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	f, ok := rf.files[tok]
	if !ok || f.user != user || time.Now().After(f.expires) {
		return rejectedFile{}, false
	}
	return f, true
}

// formatOf tells csv from xlsx by a file name or a format parameter.
func formatOf(name string) (string, error) {
	switch strings.ToLower(strings.TrimPrefix(path.Ext(name), ".")) {
	case "csv", "txt":
		return "csv", nil
	case "xlsx":
		return "xlsx", nil
	}
	switch strings.ToLower(name) {
	case "csv", "xlsx":
		return strings.ToLower(name), nil
	}
	return "", apperr.Field("file", "请上传 CSV 或 Excel（.xlsx）文件", "upload a CSV or Excel (.xlsx) file")
}

var contentTypes = map[string]string{
	"csv":  "text/csv; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

func attachment(w http.ResponseWriter, name, format string) {
	w.Header().Set("Content-Type", contentTypes[format])
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"; filename*=UTF-8''`+pathEscape(name))
}

func pathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.", c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
		}
	}
	return b.String()
}

// importOutcome is what both the API and the page report.
type importOutcome struct {
	Result   registry.ImportResult
	File     *registry.ImportFile
	Rejected string // download token of the rejected rows
}

// runImport reads an uploaded file and imports it as mode says.
func (s *Server) runImport(r *http.Request, p access.Principal, body io.Reader, name, format, mode string) (importOutcome, error) {
	if err := p.Require(access.RegistryWrite); err != nil {
		return importOutcome{}, err
	}
	f, err := registry.ReadFile(body, format, s.Divisions)
	if err != nil {
		return importOutcome{}, err
	}
	res, err := s.Registry.ImportHouseholds(r.Context(), p, f, registry.ImportMode(mode), name, nil)
	if err != nil {
		return importOutcome{}, err
	}
	out := importOutcome{Result: res, File: f}
	if len(res.Rejected) > 0 {
		var buf bytes.Buffer
		if err := registry.WriteRejected(&buf, format, f); err != nil {
			return out, err
		}
		base := strings.TrimSuffix(path.Base(name), path.Ext(name))
		out.Rejected = s.rejected.put(p.Username, base+"-待修改."+format, buf.Bytes())
	}
	return out, nil
}

type rowErrorJSON struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Value   string `json:"value,omitempty"`
	Message string `json:"message"`
}

// apiImport: POST /api/v1/households/import?mode=check|all|good&format=csv|xlsx
// with the file as the body.
func (s *Server) apiImport(w http.ResponseWriter, r *http.Request, p access.Principal) {
	q := r.URL.Query()
	format, err := formatOf(q.Get("format"))
	if err != nil {
		s.apiError(w, r, apperr.Field("format", "format 须为 csv 或 xlsx", "format must be csv or xlsx"))
		return
	}
	mode := q.Get("mode")
	if mode == "" {
		mode = string(registry.ImportCheck)
	}
	name := q.Get("name")
	if name == "" {
		name = "upload." + format
	}
	out, err := s.runImport(r, p, http.MaxBytesReader(w, r.Body, registry.MaxImportBytes), name, format, mode)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	res := out.Result
	errs := []rowErrorJSON{}
	for _, e := range res.Errors {
		msg := e.Msg
		if langOf(r) == "en" {
			msg = e.MsgEN
		}
		errs = append(errs, rowErrorJSON{Row: e.Row, Column: e.Column, Value: e.Value, Message: msg})
	}
	body := map[string]any{"rows": res.Rows, "created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged,
		"members": res.Members, "loaded": res.Loaded, "rejected_rows": res.Rejected, "errors": errs, "truncated": res.Truncated}
	if out.Rejected != "" {
		body["rejected_file"] = "/households/import/rejected/" + out.Rejected
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) apiTemplate(w http.ResponseWriter, r *http.Request, p access.Principal) {
	format, err := formatOf(r.URL.Query().Get("format"))
	if err != nil {
		format = "xlsx"
	}
	s.writeTemplate(w, r, format)
}

func (s *Server) writeTemplate(w http.ResponseWriter, r *http.Request, format string) {
	var buf bytes.Buffer
	var err error
	if format == "csv" {
		err = registry.TemplateCSV(&buf)
	} else {
		err = registry.TemplateXLSX(&buf)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	attachment(w, "家庭成员导入模板."+format, format)
	w.Write(buf.Bytes())
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := p.Require(access.RegistryWrite); err != nil {
		s.uiError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "import", view{Data: map[string]any{}})
}

func (s *Server) importSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	r.Body = http.MaxBytesReader(w, r.Body, registry.MaxImportBytes+1<<20)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.render(w, r, http.StatusBadRequest, "import", view{Error: translate(langOf(r), "imp.choose"), Data: map[string]any{}})
		return
	}
	defer file.Close()
	format, err := formatOf(hdr.Filename)
	if err == nil {
		var out importOutcome
		out, err = s.runImport(r, p, file, hdr.Filename, format, r.FormValue("mode"))
		if err == nil {
			s.render(w, r, http.StatusOK, "import", view{Data: map[string]any{"Out": out, "Name": hdr.Filename,
				"Mode": r.FormValue("mode"), "Errors": firstN(out.Result.Errors, 500)}})
			return
		}
	}
	if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.Forbidden {
		s.render(w, r, s.status(r, err), "import", view{Error: apperr.Message(err, langOf(r)), Field: apperr.FieldOf(err), Data: map[string]any{}})
		return
	}
	s.uiError(w, r, err)
}

func firstN[T any](s []T, n int) []T {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func (s *Server) rejectedDownload(w http.ResponseWriter, r *http.Request, p access.Principal) {
	f, ok := s.rejected.get(p.Username, r.PathValue("token"))
	if !ok {
		s.uiError(w, r, apperr.New(apperr.NotFound, "文件已过期，请重新导入原文件以再次生成", "the file has expired; import the original again to get it"))
		return
	}
	format := "csv"
	if strings.HasSuffix(f.name, ".xlsx") {
		format = "xlsx"
	}
	attachment(w, f.name, format)
	w.Write(f.data)
}

func (s *Server) templateDownload(w http.ResponseWriter, r *http.Request, p access.Principal) {
	format, err := formatOf(r.PathValue("file"))
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	s.writeTemplate(w, r, format)
}

// export streams the households within p's jurisdiction (narrowed by
// ?region=) as a file in the template's columns.
func (s *Server) export(w http.ResponseWriter, r *http.Request, p access.Principal, api bool) {
	format, err := formatOf(r.URL.Query().Get("format"))
	if err != nil {
		format = "xlsx"
	}
	if err := p.Require(access.RegistryRead); err != nil {
		s.exportError(w, r, api, err)
		return
	}
	// Render into memory first so that an error is reported properly
	// instead of as a truncated file.
	var buf bytes.Buffer
	ex, err := registry.NewExporter(&buf, format, registry.ExportOptions{MaskIDs: !p.Can(access.SeeFullID)})
	if err != nil {
		s.exportError(w, r, api, err)
		return
	}
	if _, err := s.Registry.Export(r.Context(), p, r.URL.Query().Get("region"), ex.Write); err != nil {
		s.exportError(w, r, api, err)
		return
	}
	if err := ex.Close(); err != nil {
		s.exportError(w, r, api, err)
		return
	}
	attachment(w, "家庭档案-"+time.Now().In(shanghai).Format("20060102")+"."+format, format)
	w.Write(buf.Bytes())
}

func (s *Server) exportError(w http.ResponseWriter, r *http.Request, api bool, err error) {
	if api {
		s.apiError(w, r, err)
		return
	}
	s.uiError(w, r, err)
}

func (s *Server) apiExport(w http.ResponseWriter, r *http.Request, p access.Principal) {
	s.export(w, r, p, true)
}

func (s *Server) exportDownload(w http.ResponseWriter, r *http.Request, p access.Principal) {
	s.export(w, r, p, false)
}
