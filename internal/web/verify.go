package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/verify"
)

// The verification centre's API: authorizations per household, source
// connections per county, requests (from a household or a case) and the
// centre's queue, paper replies, completion, and the reports (JSON and
// PDF, every view audited by the service).
func (s *Server) verifyRoutes() {
	s.api("POST /api/v1/households/{id}/authorizations", s.apiRecordAuthorization)
	s.api("GET /api/v1/households/{id}/authorizations", s.apiAuthorizations)
	s.api("GET /api/v1/verification/connections/{county}", s.apiConnections)
	s.api("PUT /api/v1/verification/connections/{county}", s.apiSetConnections)
	s.api("POST /api/v1/verification/requests", s.apiCreateVerifyRequest)
	s.api("GET /api/v1/verification/requests", s.apiVerifyQueue)
	s.api("GET /api/v1/verification/requests/{id}", s.apiVerifyRequest)
	s.api("POST /api/v1/verification/requests/{id}/replies", s.apiVerifyReply)
	s.api("POST /api/v1/verification/requests/{id}/complete", s.apiVerifyComplete)
	s.api("GET /api/v1/verification/reports/{id}", s.apiVerifyReport)
	s.api("GET /api/v1/verification/reports/{id}/pdf", s.apiVerifyReportPDF)
	s.verifyUIRoutes()
}

func (s *Server) verifyReady(w http.ResponseWriter, r *http.Request) bool {
	if s.Verify == nil {
		s.apiError(w, r, apperr.New(apperr.Unavailable, "核对服务未启用", "verification is not available"))
		return false
	}
	return true
}

type authorizationJSON struct {
	ID         string    `json:"id"`
	IDNumber   string    `json:"id_number"`
	Name       string    `json:"name"`
	SignedOn   string    `json:"signed_on"`
	Document   string    `json:"document"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

func authorizationOut(a verify.Authorization) authorizationJSON {
	return authorizationJSON{ID: strconv.FormatInt(a.ID, 10), IDNumber: a.IDNumber, Name: a.Name, SignedOn: a.SignedOn,
		Document: a.Document, RecordedBy: a.RecordedBy, RecordedAt: a.RecordedAt}
}

func (s *Server) apiRecordAuthorization(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.verifyReady(w, r) {
		return
	}
	var in struct {
		IDNumber string `json:"id_number"`
		SignedOn string `json:"signed_on"`
		Document string `json:"document"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	a, err := s.Verify.RecordAuthorization(r.Context(), p, pathInt64(r, "id"), verify.AuthorizationInput(in))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if !p.Can(access.SeeFullID) {
		a.IDNumber = maskedID(a.IDNumber)
	}
	writeJSON(w, http.StatusCreated, authorizationOut(a))
}

func (s *Server) apiAuthorizations(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.verifyReady(w, r) {
		return
	}
	st, err := s.Verify.Authorizations(r.Context(), p, pathInt64(r, "id"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := map[string]any{"household_id": strconv.FormatInt(st.HouseholdID, 10), "date": st.Date}
	as := []authorizationJSON{}
	for _, a := range st.Authorizations {
		as = append(as, authorizationOut(a))
	}
	missing := []casePersonJSON{}
	for _, m := range st.Missing {
		missing = append(missing, casePersonJSON{IDNumber: m.IDNumber, Name: m.Name})
	}
	out["authorizations"], out["missing"] = as, missing
	writeJSON(w, http.StatusOK, out)
}

type connectionJSON struct {
	Source     string     `json:"source"`
	Name       string     `json:"name"`
	Department string     `json:"department"`
	Connected  bool       `json:"connected"`
	UpdatedBy  string     `json:"updated_by,omitempty"`
	UpdatedAt  *time.Time `json:"updated_at,omitempty"`
}

func connectionsOut(cs []verify.Connection, lang string) []connectionJSON {
	out := []connectionJSON{}
	for _, c := range cs {
		src, _ := verify.SourceByName(c.Source)
		j := connectionJSON{Source: c.Source, Name: pick(lang, src.Zh, src.En), Department: src.Department,
			Connected: c.Connected, UpdatedBy: c.UpdatedBy}
		if !c.UpdatedAt.IsZero() {
			at := c.UpdatedAt.UTC()
			j.UpdatedAt = &at
		}
		out = append(out, j)
	}
	return out
}

func (s *Server) apiConnections(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.verifyReady(w, r) {
		return
	}
	cs, err := s.Verify.Connections(r.Context(), p, r.PathValue("county"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	county := ""
	if len(cs) > 0 {
		county = cs[0].County
	}
	writeJSON(w, http.StatusOK, map[string]any{"county": county, "connections": connectionsOut(cs, langOf(r))})
}

// apiSetConnections sets the connection of each listed source:
// {"connections": [{"source": "vehicles", "connected": false}, …]}.
func (s *Server) apiSetConnections(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.verifyReady(w, r) {
		return
	}
	var in struct {
		Connections []struct {
			Source    string `json:"source"`
			Connected *bool  `json:"connected"`
		} `json:"connections"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	if len(in.Connections) == 0 {
		s.apiError(w, r, apperr.Field("connections", "请列出要设置的数据源", "list the sources to set"))
		return
	}
	county := r.PathValue("county")
	for i, c := range in.Connections {
		if c.Connected == nil {
			s.apiError(w, r, apperr.Field("connections["+strconv.Itoa(i)+"].connected", "请说明是否联网", "connected is required"))
			return
		}
		if _, err := s.Verify.SetConnection(r.Context(), p, county, c.Source, *c.Connected); err != nil {
			if e, ok := apperr.As(err); ok && e.Field == "source" {
				err = e.WithField("connections[" + strconv.Itoa(i) + "]")
			}
			s.apiError(w, r, err)
			return
		}
	}
	s.apiConnections(w, r, p)
}

type replyJSON struct {
	ID        string    `json:"id"`
	IDNumber  string    `json:"id_number"`
	Source    string    `json:"source"`
	Found     bool      `json:"found"`
	Kind      string    `json:"kind,omitempty"`
	Value     jsonMoney `json:"value"`
	Area      string    `json:"area_m2,omitempty"`
	Ref       string    `json:"ref,omitempty"`
	Detail    string    `json:"detail,omitempty"`
	ReplyDate string    `json:"reply_date"`
	Document  string    `json:"document"`
	By        string    `json:"recorded_by"`
}

func replyOut(x verify.Reply) replyJSON {
	j := replyJSON{ID: strconv.FormatInt(x.ID, 10), IDNumber: x.IDNumber, Source: x.Source, Found: x.Found, Kind: x.Kind,
		Value: jsonMoney(x.Value), Ref: x.Ref, Detail: x.Detail, ReplyDate: x.ReplyDate, Document: x.Document, By: x.RecordedBy}
	if x.AreaM2 != 0 {
		j.Area = areaString(x.AreaM2)
	}
	return j
}

// areaString writes hundredths of a square metre as "87.50".
func areaString(a int64) string { return jsonMoneyString(a) }

func jsonMoneyString(a int64) string {
	b, _ := jsonMoney(a).MarshalJSON()
	return strings.Trim(string(b), `"`)
}

type verifyRequestJSON struct {
	ID          string     `json:"id"`
	County      string     `json:"county"`
	Village     string     `json:"village"`
	VillageName string     `json:"village_name"`
	HouseholdID string     `json:"household_id"`
	HeadName    string     `json:"head_name"`
	CaseID      string     `json:"case_id,omitempty"`
	Tracking    string     `json:"tracking,omitempty"`
	AsOf        string     `json:"as_of"`
	Status      string     `json:"status"`
	RequestedBy string     `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at"`
	ReportID    string     `json:"report_id,omitempty"`
	Report      string     `json:"report_number,omitempty"`
	CompletedBy string     `json:"completed_by,omitempty"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`
	Note        string     `json:"note,omitempty"`
	Missing     []string   `json:"missing_sources,omitempty"`
	Verdict     string     `json:"verdict,omitempty"`
}

func (s *Server) verifyRequestOut(x verify.Request) verifyRequestJSON {
	j := verifyRequestJSON{ID: strconv.FormatInt(x.ID, 10), County: x.County, Village: x.Village,
		VillageName: s.Divisions.Tree().Path(x.Village), HouseholdID: strconv.FormatInt(x.HouseholdID, 10),
		HeadName: x.HeadName, Tracking: x.Tracking, AsOf: x.AsOf, Status: string(x.Status), RequestedBy: x.RequestedBy,
		RequestedAt: x.RequestedAt.UTC(), CompletedBy: x.CompletedBy, Note: x.Note, Missing: x.Missing, Verdict: string(x.Verdict)}
	if x.CaseID != 0 {
		j.CaseID = strconv.FormatInt(x.CaseID, 10)
	}
	if x.ReportID != 0 {
		j.ReportID = strconv.FormatInt(x.ReportID, 10)
		j.Report = "HD" + j.ReportID
	}
	if !x.CompletedAt.IsZero() {
		at := x.CompletedAt.UTC()
		j.CompletedAt = &at
	}
	return j
}

// apiCreateVerifyRequest asks for a verification: {"household_id": "…"}
// for a household on its own, or {"case_id": "…", "version": n} for a case
// in the workflow (it takes the case's request_verification step).
func (s *Server) apiCreateVerifyRequest(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.verifyReady(w, r) {
		return
	}
	var in struct {
		HouseholdID string `json:"household_id"`
		CaseID      string `json:"case_id"`
		Version     int    `json:"version"`
		Note        string `json:"note"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	var out verify.Outcome
	var err error
	switch {
	case (in.HouseholdID == "") == (in.CaseID == ""):
		err = apperr.Field("household_id", "请指定家庭或案件（二者选一）", "name a household or a case (one of the two)")
	case in.CaseID != "":
		id, perr := strconv.ParseInt(strings.TrimSpace(in.CaseID), 10, 64)
		if perr != nil || id <= 0 {
			err = apperr.Field("case_id", "案件编号格式错误", "malformed case id")
			break
		}
		out, err = s.Verify.RequestForCase(r.Context(), p, id, in.Version, in.Note)
	default:
		id, perr := strconv.ParseInt(strings.TrimSpace(in.HouseholdID), 10, 64)
		if perr != nil || id <= 0 {
			err = apperr.Field("household_id", "家庭编号格式错误", "malformed household id")
			break
		}
		out, err = s.Verify.RequestForHousehold(r.Context(), p, id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	body := map[string]any{"request": s.verifyRequestOut(out.Request)}
	if out.Report != nil {
		body["report"] = s.reportOut(*out.Report, p, langOf(r))
	}
	if out.Case != nil {
		body["case"] = s.caseRowOut(*out.Case, langOf(r))
	}
	w.Header().Set("Location", "/api/v1/verification/requests/"+strconv.FormatInt(out.Request.ID, 10))
	writeJSON(w, http.StatusCreated, body)
}

func (s *Server) apiVerifyQueue(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.verifyReady(w, r) {
		return
	}
	limit := 0
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			s.apiError(w, r, apperr.Field("limit", "limit 须为整数", "limit must be an integer"))
			return
		}
		limit = n
	}
	rs, err := s.Verify.Queue(r.Context(), p, limit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := []verifyRequestJSON{}
	for _, x := range rs {
		out = append(out, s.verifyRequestOut(x))
	}
	writeJSON(w, http.StatusOK, map[string]any{"requests": out})
}

func (s *Server) apiVerifyRequest(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.verifyReady(w, r) {
		return
	}
	d, err := s.Verify.RequestDetail(r.Context(), p, pathInt64(r, "id"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	members := []casePersonJSON{}
	for _, m := range d.Members {
		members = append(members, casePersonJSON{IDNumber: m.IDNumber, Name: m.Name})
	}
	replies := []replyJSON{}
	for _, x := range d.Replies {
		replies = append(replies, replyOut(x))
	}
	writeJSON(w, http.StatusOK, map[string]any{"request": s.verifyRequestOut(d.Request), "members": members,
		"replies": replies, "connections": connectionsOut(d.Connections, langOf(r))})
}

type replyIn struct {
	IDNumber  string          `json:"id_number"`
	Source    string          `json:"source"`
	Found     bool            `json:"found"`
	Kind      string          `json:"kind"`
	Value     json.RawMessage `json:"value"`
	Area      json.RawMessage `json:"area_m2"`
	Ref       string          `json:"ref"`
	Detail    string          `json:"detail"`
	ReplyDate string          `json:"reply_date"`
	Document  string          `json:"document"`
}

func (in replyIn) domain() (verify.ReplyInput, error) {
	out := verify.ReplyInput{IDNumber: in.IDNumber, Source: in.Source, Found: in.Found, Kind: in.Kind, Ref: in.Ref,
		Detail: in.Detail, ReplyDate: in.ReplyDate, Document: in.Document}
	if len(bytes.TrimSpace(in.Value)) > 0 && string(bytes.TrimSpace(in.Value)) != `""` {
		v, err := rawMoney(in.Value, "value")
		if err != nil {
			return out, err
		}
		out.Value = v
	}
	if len(bytes.TrimSpace(in.Area)) > 0 && string(bytes.TrimSpace(in.Area)) != `""` {
		v, err := rawMoney(in.Area, "area_m2")
		if err != nil {
			return out, err
		}
		out.AreaM2 = int64(v)
	}
	return out, nil
}

func (s *Server) apiVerifyReply(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.verifyReady(w, r) {
		return
	}
	var in replyIn
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	ri, err := in.domain()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	x, err := s.Verify.RecordReply(r.Context(), p, pathInt64(r, "id"), ri)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if !p.Can(access.SeeFullID) {
		x.IDNumber = maskedID(x.IDNumber)
	}
	writeJSON(w, http.StatusCreated, replyOut(x))
}

func (s *Server) apiVerifyComplete(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.verifyReady(w, r) {
		return
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	out, err := s.Verify.Complete(r.Context(), p, pathInt64(r, "id"), in.Note)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	body := map[string]any{"request": s.verifyRequestOut(out.Request)}
	if out.Report != nil {
		body["report"] = s.reportOut(*out.Report, p, langOf(r))
	}
	writeJSON(w, http.StatusOK, body)
}

type findingJSON struct {
	Source     string    `json:"source"`
	SourceName string    `json:"source_name"`
	Kind       string    `json:"kind"`
	Value      jsonMoney `json:"value"`
	Area       string    `json:"area_m2,omitempty"`
	Ref        string    `json:"ref,omitempty"`
	Date       string    `json:"date,omitempty"`
	Detail     string    `json:"detail,omitempty"`
	Mode       string    `json:"mode"`
	Snapshot   string    `json:"snapshot,omitempty"`
}

type memberResultJSON struct {
	IDNumber string        `json:"id_number"`
	Name     string        `json:"name"`
	Findings []findingJSON `json:"findings"`
}

type reasonJSON struct {
	Rule     string `json:"rule"`
	Verdict  string `json:"verdict"`
	IDNumber string `json:"id_number,omitempty"`
	Text     string `json:"text"`
}

type sourceStatusJSON struct {
	Source   string `json:"source"`
	Name     string `json:"name"`
	Mode     string `json:"mode"`
	Snapshot string `json:"snapshot,omitempty"`
}

type reportJSON struct {
	ID          string             `json:"id"`
	Number      string             `json:"number"`
	HouseholdID string             `json:"household_id"`
	HeadName    string             `json:"head_name,omitempty"`
	County      string             `json:"county"`
	Village     string             `json:"village"`
	VillageName string             `json:"village_name"`
	AsOf        string             `json:"as_of"`
	Verdict     string             `json:"verdict"`
	VerdictName string             `json:"verdict_name"`
	Reasons     []reasonJSON       `json:"reasons"`
	Members     []memberResultJSON `json:"members"`
	Sources     []sourceStatusJSON `json:"sources"`
	Manual      bool               `json:"manual"`
	Policy      string             `json:"policy"`
	Case        string             `json:"case,omitempty"`
	RequestID   string             `json:"request_id,omitempty"`
	Note        string             `json:"note,omitempty"`
	CreatedBy   string             `json:"created_by"`
	CreatedAt   time.Time          `json:"created_at"`
}

// reportOut renders a report; IDs are masked unless p may see them (the
// service masks what it returns; a report just produced is masked here).
func (s *Server) reportOut(sr verify.StoredReport, p access.Principal, lang string) reportJSON {
	mask := func(id string) string {
		if p.Can(access.SeeFullID) {
			return id
		}
		return maskedID(id)
	}
	j := reportJSON{ID: strconv.FormatInt(sr.ID, 10), Number: sr.Number(), HouseholdID: strconv.FormatInt(sr.HouseholdID, 10),
		HeadName: sr.HeadName, County: sr.County, Village: sr.Village, VillageName: s.Divisions.Tree().Path(sr.Village),
		AsOf: sr.AsOf, Verdict: string(sr.Verdict), VerdictName: pick(lang, sr.Verdict.Zh(), string(sr.Verdict)),
		Reasons: []reasonJSON{}, Members: []memberResultJSON{}, Sources: []sourceStatusJSON{}, Manual: sr.HasManual(),
		Policy: sr.Policy, Case: sr.Case, Note: sr.Note, CreatedBy: sr.CreatedBy, CreatedAt: sr.CreatedAt.UTC()}
	if sr.RequestID != 0 {
		j.RequestID = strconv.FormatInt(sr.RequestID, 10)
	}
	for _, x := range sr.Reasons {
		j.Reasons = append(j.Reasons, reasonJSON{Rule: x.Rule, Verdict: string(x.Verdict), IDNumber: mask(x.IDNumber), Text: pick(lang, x.Zh, x.En)})
	}
	for _, m := range sr.Members {
		mj := memberResultJSON{IDNumber: mask(m.IDNumber), Name: m.Name, Findings: []findingJSON{}}
		for _, f := range m.Findings {
			src, _ := verify.SourceByName(f.Source)
			fj := findingJSON{Source: f.Source, SourceName: pick(lang, src.Zh, src.En), Kind: f.Kind, Value: jsonMoney(f.Value),
				Ref: f.Ref, Date: f.Date, Detail: f.Detail, Mode: string(f.Mode), Snapshot: f.Snapshot}
			if f.AreaM2 != 0 {
				fj.Area = areaString(f.AreaM2)
			}
			mj.Findings = append(mj.Findings, fj)
		}
		j.Members = append(j.Members, mj)
	}
	for _, st := range sr.Sources {
		src, _ := verify.SourceByName(st.Source)
		j.Sources = append(j.Sources, sourceStatusJSON{Source: st.Source, Name: pick(lang, src.Zh, src.En), Mode: string(st.Mode), Snapshot: st.Snapshot})
	}
	return j
}

func (s *Server) apiVerifyReport(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.verifyReady(w, r) {
		return
	}
	sr, err := s.Verify.Report(r.Context(), p, pathInt64(r, "id"), "json")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.reportOut(sr, p, langOf(r)))
}

func (s *Server) apiVerifyReportPDF(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.verifyReady(w, r) {
		return
	}
	s.writeReportPDF(w, r, p, func(err error) { s.apiError(w, r, err) })
}
