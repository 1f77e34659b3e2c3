package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/verify"
)

// The department datasets (部门数据): the catalogue of sources with their
// columns and dated snapshots, and the upload of a new snapshot (or of the
// staff relatives' register) by the province's verification centre. The
// API and the page call the same verify.Service methods; the upload is
// streamed to a temporary file, which the import maps rather than reads.

func init() {
	for k, v := range datasetMessages {
		messages[k] = v
	}
}

var datasetMessages = map[string][2]string{
	"ds.link":        {"部门数据与数据快照", "Department datasets and snapshots"},
	"ds.title":       {"部门数据", "Department datasets"},
	"ds.hint":        {"各部门交来的数据按数据日期逐次导入为数据快照；核对时使用核对日期当日或之前最新的快照。文件须整体校验通过方可导入，有错误行时不导入任何数据。", "Each file a department hands over is loaded as a snapshot dated as of its data; a check uses the newest snapshot on or before its date. A file loads only when every row is valid: with a bad row nothing is loaded."},
	"ds.source":      {"数据源", "Source"},
	"ds.department":  {"提供部门", "Department"},
	"ds.columns":     {"文件列", "File columns"},
	"ds.refreshed":   {"最近数据日期", "Refreshed as of"},
	"ds.never":       {"尚未导入", "Never loaded"},
	"ds.snapshots":   {"数据快照", "Snapshots"},
	"ds.asOf":        {"数据日期", "As of"},
	"ds.rows":        {"行数", "Rows"},
	"ds.loadedAt":    {"导入时间", "Imported at"},
	"ds.loadedBy":    {"导入人", "Imported by"},
	"ds.upload":      {"导入数据文件", "Import a data file"},
	"ds.uploadHint":  {"CSV（UTF-8）或 Excel（.xlsx）文件，首行为表头，列见上表；近亲属备案仅限 CSV，无需数据日期。", "A CSV (UTF-8) or Excel (.xlsx) file whose first row is the header with the columns above; the staff relatives' register is CSV only and needs no date."},
	"ds.file":        {"文件", "File"},
	"ds.submit":      {"校验并导入", "Validate and import"},
	"ds.register":    {"工作人员近亲属备案", "Staff relatives' register"},
	"ds.registerDep": {"民政（近亲属备案）", "Civil affairs (relatives' register)"},
	"ds.loaded":      {"已导入 %s 截至 %s 的数据快照：%d 行。", "Loaded %s as of %s: %d rows."},
	"ds.unchanged":   {"该文件已于此前导入为 %s 截至 %s 的数据快照，未重复导入。", "This file was already loaded as %s as of %s; nothing changed."},
	"ds.regLoaded":   {"已导入近亲属备案：%d 行，新增 %d 条。", "Register imported: %d rows, %d entries added."},
	"ds.badRows":     {"以下行有错误，未导入任何数据：", "These rows are bad; nothing was loaded:"},
	"ds.row":         {"行", "Row"},
	"ds.column":      {"列", "Column"},
	"ds.reason":      {"原因", "Reason"},
	"ds.truncated":   {"错误过多，仅列出前 %d 处，共 %d 行有误。", "Too many errors: the first %d are listed, %d rows are bad."},
}

func (s *Server) datasetRoutes() {
	s.api("GET /api/v1/verification/sources", s.apiDatasetSources)
	s.api("POST /api/v1/verification/sources/{source}/snapshots", s.apiDatasetUpload)
	s.mux.HandleFunc("GET /verification/sources", s.ui(s.datasetsPage))
	s.mux.HandleFunc("POST /verification/sources", s.ui(s.datasetsSubmit))
}

// maxDatasetBytes is the largest upload accepted: a province's file of a
// few million rows.
const maxDatasetBytes = 4 << 30

// maxPageErrors is how many bad cells the page lists (the API lists all).
const maxPageErrors = 1000

var errDatasetsOff = apperr.New(apperr.Unavailable, "核对服务未启用", "verification is not available")

// ---- the catalogue ----

type columnJSON struct {
	Name string `json:"name"`
	Zh   string `json:"zh"`
}

type snapshotJSON struct {
	ID       string    `json:"id"`
	AsOf     string    `json:"as_of"`
	Rows     int64     `json:"rows"`
	LoadedAt time.Time `json:"loaded_at"`
	LoadedBy string    `json:"loaded_by"`
	SHA256   string    `json:"sha256"`
}

type sourceJSON struct {
	Name         string         `json:"name"`
	Zh           string         `json:"zh"`
	En           string         `json:"en"`
	Department   string         `json:"department"`
	DepartmentEn string         `json:"department_en"`
	Columns      []columnJSON   `json:"columns"`
	Fields       []string       `json:"fields,omitempty"`
	Refreshed    string         `json:"refreshed,omitempty"` // as_of of the newest snapshot
	Snapshots    []snapshotJSON `json:"snapshots"`
}

func snapshotOut(sn verify.Snapshot) snapshotJSON {
	return snapshotJSON{ID: fmt.Sprint(sn.ID), AsOf: sn.AsOf, Rows: sn.Rows, LoadedAt: sn.LoadedAt.UTC(), LoadedBy: sn.LoadedBy, SHA256: sn.SHA256}
}

func columnsOut(cs []verify.Column) []columnJSON {
	out := make([]columnJSON, len(cs))
	for i, c := range cs {
		out[i] = columnJSON{c.Name, c.Zh}
	}
	return out
}

func registerOut() sourceJSON {
	return sourceJSON{Name: verify.RegisterName, Zh: messages["ds.register"][0], En: messages["ds.register"][1],
		Department: messages["ds.registerDep"][0], DepartmentEn: messages["ds.registerDep"][1],
		Columns: columnsOut(verify.RegisterColumns), Snapshots: []snapshotJSON{}}
}

func sourcesOut(ds []verify.SourceDetail) []sourceJSON {
	out := make([]sourceJSON, len(ds))
	for i, d := range ds {
		o := sourceJSON{Name: d.Name, Zh: d.Zh, En: d.En, Department: d.Department, DepartmentEn: d.DepartmentEn(),
			Columns: columnsOut(d.Columns), Fields: d.Fields, Snapshots: []snapshotJSON{}}
		for _, sn := range d.Snapshots {
			o.Snapshots = append(o.Snapshots, snapshotOut(sn))
		}
		if len(d.Snapshots) > 0 {
			o.Refreshed = d.Snapshots[0].AsOf
		}
		out[i] = o
	}
	return out
}

// apiDatasetSources: GET /api/v1/verification/sources.
func (s *Server) apiDatasetSources(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if s.Datasets == nil {
		s.apiError(w, r, errDatasetsOff)
		return
	}
	ds, err := s.Datasets.Catalogue(r.Context(), p)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sources": sourcesOut(ds), "register": registerOut(),
		"can_import": s.Datasets.MayImport(p) == nil})
}

// ---- the upload ----

// datasetUpload is a received upload: its form fields and the file,
// streamed to a temporary file.
type datasetUpload struct {
	Fields map[string]string
	Name   string // the file's name as uploaded
	Format string // csv or xlsx
	Path   string // the temporary file; "" when no file came
}

func (u *datasetUpload) remove() {
	if u.Path != "" {
		os.Remove(u.Path)
	}
}

// receiveDataset reads a multipart upload part by part: small fields into
// Fields, the part "file" copied to a temporary file (never held in
// memory). The caller removes the file.
func receiveDataset(w http.ResponseWriter, r *http.Request) (*datasetUpload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxDatasetBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, apperr.Field("file", "请以 multipart/form-data 上传文件", "upload the file as multipart/form-data")
	}
	u := &datasetUpload{Fields: map[string]string{}}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			u.remove()
			return nil, uploadErr(err)
		}
		name := part.FormName()
		if name == "file" && part.FileName() != "" && u.Path == "" {
			u.Name = part.FileName()
			if u.Format, err = formatOf(u.Name); err != nil {
				part.Close()
				return nil, err
			}
			f, err := os.CreateTemp("", "safetynet-dataset-*."+u.Format)
			if err != nil {
				part.Close()
				return nil, apperr.Wrap(apperr.Internal, err, "无法保存上传的文件", "cannot store the upload")
			}
			u.Path = f.Name()
			_, err = io.Copy(f, part)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			part.Close()
			if err != nil {
				u.remove()
				return nil, uploadErr(err)
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, 256))
		part.Close()
		if err != nil {
			u.remove()
			return nil, uploadErr(err)
		}
		u.Fields[name] = strings.TrimSpace(string(b))
	}
	if u.Path == "" {
		return nil, apperr.Field("file", "请选择要导入的文件", "choose a file to import")
	}
	return u, nil
}

func uploadErr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return apperr.Field("file", fmt.Sprintf("文件过大（上限 %d MB）", maxDatasetBytes>>20), fmt.Sprintf("the file is too large (at most %d MB)", maxDatasetBytes>>20))
	}
	return apperr.Field("file", "上传中断或格式错误", "the upload was cut short or malformed")
}

// datasetOutcome is what an upload did, for the API and the page.
type datasetOutcome struct {
	Source   string
	Snapshot *verify.ImportResult // a dataset
	Register *verify.RegisterResult
	Errors   []verify.RowError // the bad cells of a refused file
	BadRows  int
}

// importUpload receives and imports an upload of source for p.
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request, p access.Principal, source string) (datasetOutcome, error) {
	out := datasetOutcome{Source: source}
	if s.Datasets == nil {
		return out, errDatasetsOff
	}
	// Refuse before receiving a file that could not be loaded anyway.
	if err := s.Datasets.MayImport(p); err != nil {
		return out, err
	}
	u, err := receiveDataset(w, r)
	if err != nil {
		return out, err
	}
	defer u.remove()
	if source == "" {
		source = u.Fields["source"]
		out.Source = source
	}
	if source == verify.RegisterName {
		if u.Format != "csv" {
			return out, apperr.Field("file", "近亲属备案请上传 CSV 文件", "upload the register as a CSV file")
		}
		f, err := os.Open(u.Path)
		if err != nil {
			return out, apperr.Wrap(apperr.Internal, err, "无法读取上传的文件", "cannot read the upload")
		}
		defer f.Close()
		res, err := s.Datasets.UploadRegister(r.Context(), p, f)
		out.Register, out.Errors = &res, res.Errors
		out.BadRows = badRowCount(res.Errors)
		return out, err
	}
	asOf := u.Fields["as_of"]
	if asOf == "" {
		return out, apperr.Field("as_of", "请填写数据日期", "as_of (the date the data are as of) is required")
	}
	res, err := s.Datasets.Upload(r.Context(), p, source, asOf, u.Path, u.Format == "xlsx")
	out.Snapshot = &res
	if res.Parsed != nil {
		out.Errors, out.BadRows = res.Parsed.Errors, res.Parsed.BadRows()
	}
	return out, err
}

func badRowCount(es []verify.RowError) int {
	n, last := 0, -1
	for _, e := range es {
		if e.Row != last {
			n, last = n+1, e.Row
		}
	}
	return n
}

// refusedRows reports whether err is the refusal of a file with bad rows.
func refusedRows(err error) bool {
	return apperr.Is(err, apperr.Invalid) && apperr.FieldOf(err) == "rows"
}

type datasetRowErrorJSON struct {
	Row       int    `json:"row"`
	Column    string `json:"column,omitempty"`
	ColumnZh  string `json:"column_zh,omitempty"`
	Message   string `json:"message"`
	MessageZh string `json:"message_zh"`
	MessageEn string `json:"message_en"`
}

// apiDatasetUpload: POST /api/v1/verification/sources/{source}/snapshots,
// multipart with "file" (CSV or .xlsx) and "as_of". 201 with the new
// snapshot, 200 when the same file was loaded before, 422 with every bad
// row when the file has any (nothing is loaded).
func (s *Server) apiDatasetUpload(w http.ResponseWriter, r *http.Request, p access.Principal) {
	source := r.PathValue("source")
	out, err := s.importUpload(w, r, p, source)
	lang := langOf(r)
	if refusedRows(err) {
		errs := make([]datasetRowErrorJSON, 0, len(out.Errors))
		for _, e := range out.Errors {
			errs = append(errs, datasetRowErrorJSON{Row: e.Row, Column: e.Column, ColumnZh: e.ColumnZh,
				Message: pick(lang, e.Zh(), e.Error()), MessageZh: e.Msg, MessageEn: e.MsgEN})
		}
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
			"error":    errorDetail{Code: apperr.KindOf(err).String(), Message: apperr.Message(err, lang), Field: "rows"},
			"bad_rows": out.BadRows,
			"errors":   errs,
		})
		return
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if out.Register != nil {
		writeJSON(w, http.StatusOK, map[string]any{"source": source, "rows": out.Register.Rows, "added": out.Register.Added})
		return
	}
	res := out.Snapshot
	code := http.StatusCreated
	if res.Unchanged {
		code = http.StatusOK
	}
	writeJSON(w, code, map[string]any{"source": source, "snapshot": snapshotOut(res.Snapshot), "records": res.Loaded,
		"unchanged": res.Unchanged})
}

// ---- the page ----

type snapshotRow struct {
	AsOf, LoadedAt, LoadedBy string
	Rows                     int64
}

type sourceRow struct {
	Name, Title, Other, Department, Columns, Refreshed string
	Snapshots                                          []snapshotRow
}

type rowErrorRow struct {
	Row            int
	Column, Reason string
}

func (s *Server) datasetsPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	s.renderDatasets(w, r, p, http.StatusOK, "", nil, datasetOutcome{})
}

func (s *Server) datasetsSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	out, err := s.importUpload(w, r, p, "")
	lang := langOf(r)
	if err != nil {
		if k := apperr.KindOf(err); k != apperr.Invalid && k != apperr.Forbidden {
			s.uiError(w, r, err)
			return
		}
		code := s.status(r, err)
		if refusedRows(err) {
			code = http.StatusUnprocessableEntity
		}
		s.renderDatasets(w, r, p, code, "", err, out)
		return
	}
	var flash string
	switch {
	case out.Register != nil:
		flash = fmt.Sprintf(translate(lang, "ds.regLoaded"), out.Register.Rows, out.Register.Added)
	case out.Snapshot.Unchanged:
		flash = fmt.Sprintf(translate(lang, "ds.unchanged"), sourceName(lang, out.Source), out.Snapshot.Snapshot.AsOf)
	default:
		flash = fmt.Sprintf(translate(lang, "ds.loaded"), sourceName(lang, out.Source), out.Snapshot.Snapshot.AsOf, out.Snapshot.Snapshot.Rows)
	}
	s.renderDatasets(w, r, p, http.StatusOK, flash, nil, out)
}

func (s *Server) renderDatasets(w http.ResponseWriter, r *http.Request, p access.Principal, code int, flash string, failure error, out datasetOutcome) {
	if s.Datasets == nil {
		s.uiError(w, r, errDatasetsOff)
		return
	}
	lang := langOf(r)
	ds, err := s.Datasets.Catalogue(r.Context(), p)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	var rows []sourceRow
	for _, d := range ds {
		row := sourceRow{Name: d.Name, Title: pick(lang, d.Zh, d.En), Other: pick(lang, d.En, d.Zh),
			Department: pick(lang, d.Department, d.DepartmentEn()), Columns: columnsText(lang, d.Columns)}
		for _, sn := range d.Snapshots {
			row.Snapshots = append(row.Snapshots, snapshotRow{AsOf: sn.AsOf, LoadedAt: fmtTime(sn.LoadedAt), LoadedBy: sn.LoadedBy, Rows: sn.Rows})
		}
		if len(d.Snapshots) > 0 {
			row.Refreshed = d.Snapshots[0].AsOf
		}
		rows = append(rows, row)
	}
	reg := registerOut()
	data := map[string]any{"Sources": rows, "CanImport": s.Datasets.MayImport(p) == nil,
		"Register": sourceRow{Name: reg.Name, Title: pick(lang, reg.Zh, reg.En), Other: pick(lang, reg.En, reg.Zh),
			Department: pick(lang, reg.Department, reg.DepartmentEn), Columns: columnsText(lang, verify.RegisterColumns)},
		"Today": time.Now().In(shanghai).Format("2006-01-02"), "Selected": out.Source}
	v := view{Flash: flash, Data: data}
	if failure != nil {
		v.Error, v.Field = apperr.Message(failure, lang), apperr.FieldOf(failure)
		if refusedRows(failure) {
			var errs []rowErrorRow
			for _, e := range out.Errors {
				col := e.Column
				if lang != "en" && e.ColumnZh != "" {
					col = e.ColumnZh
				}
				errs = append(errs, rowErrorRow{Row: e.Row, Column: col, Reason: pick(lang, e.Msg, e.MsgEN)})
			}
			data["Errors"] = firstN(errs, maxPageErrors)
			if len(errs) > maxPageErrors {
				data["Truncated"] = fmt.Sprintf(translate(lang, "ds.truncated"), maxPageErrors, out.BadRows)
			}
		}
	}
	s.render(w, r, code, "verify_sources", v)
}

// columnsText lists a file's columns: "id_number（身份证号码）, plate（号牌号码）…".
func columnsText(lang string, cs []verify.Column) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		if lang == "en" {
			parts[i] = c.Name
		} else {
			parts[i] = c.Name + "（" + c.Zh + "）"
		}
	}
	return strings.Join(parts, pick(lang, "，", ", "))
}
