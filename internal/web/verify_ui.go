package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/document"
	"safetynet/internal/money"
	"safetynet/internal/verify"
)

// The verification centre's pages: the queue (with the county's source
// connections), a request with the manual-reply form, the printable report
// and its PDF, and the authorizations panel of the household card. They
// call the same verify.Centre methods as the API in verify.go.

func init() {
	for k, v := range verifyMessages {
		messages[k] = v
	}
}

var verifyMessages = map[string][2]string{
	"nav.verify":         {"核对中心", "Verification centre"},
	"nav.batches":        {"批量复核", "Batch re-verification"},
	"vf.queue":           {"核对中心待办", "Verification centre queue"},
	"vf.queueHint":       {"未联网数据源的核对请求在此等待纸质回函；回函齐全后由核对人员出具核对报告。", "Requests wait here for the paper replies of sources not connected; once all are in, the verifier issues the report."},
	"vf.none":            {"没有待办的核对请求。", "No pending requests."},
	"vf.request":         {"核对请求", "Verification request"},
	"vf.head":            {"户主", "Head"},
	"vf.village":         {"村（社区）", "Village"},
	"vf.case":            {"受理编号", "Case"},
	"vf.requestedAt":     {"提请时间", "Requested at"},
	"vf.requestedBy":     {"提请人", "Requested by"},
	"vf.missing":         {"待回函数据源", "Sources awaiting reply"},
	"vf.verdictNow":      {"目前结论", "Verdict so far"},
	"vf.status":          {"状态", "Status"},
	"vf.pending":         {"待办", "Pending"},
	"vf.done":            {"已出具报告", "Report issued"},
	"vf.open":            {"办理", "Open"},
	"vf.connections":     {"数据源联网情况", "Source connections"},
	"vf.source":          {"数据源", "Source"},
	"vf.department":      {"提供部门", "Department"},
	"vf.connected":       {"已联网（信息化比对）", "Connected (online)"},
	"vf.notConnected":    {"未联网（手工比对）", "Not connected (manual)"},
	"vf.setOff":          {"设为未联网", "Mark not connected"},
	"vf.setOn":           {"设为已联网", "Mark connected"},
	"vf.countyHint":      {"联网设置按县（市、区）；请以县级账号查看。", "Connections are set per county; view them with a county account."},
	"vf.forHousehold":    {"为家庭提请核对", "Request verification for a household"},
	"vf.householdID":     {"家庭编号", "Household number"},
	"vf.submitRequest":   {"提请核对", "Request verification"},
	"vf.members":         {"家庭成员", "Members"},
	"vf.replies":         {"已录入的纸质回函", "Paper replies recorded"},
	"vf.noReplies":       {"尚未录入回函。", "No replies yet."},
	"vf.newReply":        {"录入纸质回函（手工比对）", "Record a paper reply (manual comparison)"},
	"vf.member":          {"成员", "Member"},
	"vf.found":           {"查有记录", "Record found"},
	"vf.nothing":         {"查无记录", "Nothing found"},
	"vf.kind":            {"记录类别（如车辆、房产、存款）", "Kind (vehicle, house, deposit…)"},
	"vf.value":           {"金额或价值（元）", "Value (yuan)"},
	"vf.area":            {"面积（平方米）", "Area (m²)"},
	"vf.ref":             {"记录编号（车牌、证号）", "Reference (plate, certificate)"},
	"vf.detail":          {"说明", "Detail"},
	"vf.replyDate":       {"回函日期", "Reply date"},
	"vf.document":        {"回函扫描件编号", "Scanned reply reference"},
	"vf.record":          {"录入", "Record"},
	"vf.complete":        {"出具核对报告", "Issue the report"},
	"vf.completeNote":    {"核实情况（结论需人工核实时必填）", "What the check found (required when the verdict needs a manual check)"},
	"vf.report":          {"核对报告", "Report"},
	"vf.reportTitle":     {"居民家庭经济状况核对报告", "Household economic-status verification report"},
	"vf.number":          {"报告编号", "Report number"},
	"vf.asOf":            {"数据截至", "Data as of"},
	"vf.policy":          {"适用政策", "Policy applied"},
	"vf.verdict":         {"核对结论", "Verdict"},
	"vf.reasons":         {"理由", "Reasons"},
	"vf.findings":        {"核对情况", "Findings"},
	"vf.mode":            {"方式", "How"},
	"vf.online":          {"联网", "Online"},
	"vf.manual":          {"手工", "Manual"},
	"vf.missingMode":     {"未答复", "No answer"},
	"vf.noFinding":       {"各数据源均未查到相关记录", "No source holds a record"},
	"vf.sources":         {"数据源答复情况", "How each source answered"},
	"vf.note":            {"核对中心人工核实情况", "The centre's manual check"},
	"vf.issuer":          {"居民家庭经济状况核对中心", "Household economic-status verification centre"},
	"vf.manualNote":      {"“手工”为未联网数据源的纸质回函经手工比对录入的结果；“联网”为信息化比对结果。", "“Manual” results come from the paper replies of sources not connected; “online” from the connected data."},
	"vf.pdf":             {"下载 PDF", "Download PDF"},
	"vf.auth":            {"核对授权（授权承诺书）", "Verification authorizations"},
	"vf.authMissing":     {"尚未签署授权承诺书的成年成员", "Adult members without a signed authorization"},
	"vf.authAll":         {"所有成年成员均已签署授权承诺书。", "Every adult member has signed."},
	"vf.signedOn":        {"签署日期", "Signed on"},
	"vf.authDocument":    {"扫描件编号", "Scan reference"},
	"vf.recordedBy":      {"录入人", "Recorded by"},
	"vf.recordAuth":      {"录入授权承诺书", "Record an authorization"},
	"vf.requests":        {"核对记录", "Verification requests"},
	"vf.viaCentre":       {"经核对中心提请信息核对（检查授权，联网数据源即时出具报告）", "Request verification through the centre (checks authorizations; connected sources answer at once)"},
	"vf.requestDone":     {"已提请核对。", "Verification requested."},
	"vf.replyDone":       {"已录入回函。", "Reply recorded."},
	"vf.authDone":        {"已录入授权承诺书。", "Authorization recorded."},
	"vf.connDone":        {"已更新联网设置。", "Connection updated."},
	"vf.moneyBad":        {"金额格式错误", "malformed amount"},
	"vf.requestedFor":    {"家庭", "Household"},
	"vf.connectedSource": {"已联网", "connected"},
	"vf.noSnapshot":      {"其中已联网但尚未导入数据快照、暂以纸质回函比对的：", "Connected but without an imported snapshot, so answering by paper reply for now: "},
}

func (s *Server) verifyUIRoutes() {
	s.mux.HandleFunc("GET /verification", s.ui(s.verifyQueuePage))
	s.mux.HandleFunc("POST /verification/requests", s.ui(s.verifyRequestSubmit))
	s.mux.HandleFunc("GET /verification/requests/{id}", s.ui(s.verifyRequestPage))
	s.mux.HandleFunc("POST /verification/requests/{id}/replies", s.ui(s.verifyReplySubmit))
	s.mux.HandleFunc("POST /verification/requests/{id}/complete", s.ui(s.verifyCompleteSubmit))
	s.mux.HandleFunc("POST /verification/connections/{county}", s.ui(s.verifyConnectionSubmit))
	s.mux.HandleFunc("GET /verification/reports/{id}", s.ui(s.verifyReportPage))
	s.mux.HandleFunc("GET /verification/reports/{id}/report.pdf", s.ui(s.verifyReportPDF))
	s.mux.HandleFunc("POST /households/{id}/authorizations", s.ui(s.authorizationSubmit))
}

func (s *Server) uiVerifyReady(w http.ResponseWriter, r *http.Request) bool {
	if s.Verify == nil {
		s.uiError(w, r, apperr.New(apperr.Unavailable, "核对服务未启用", "verification is not available"))
		return false
	}
	return true
}

func sourceName(lang, name string) string {
	src, ok := verify.SourceByName(name)
	if !ok {
		return name
	}
	return pick(lang, src.Zh, src.En)
}

func sourceNames(lang string, names []string) string {
	var out []string
	for _, n := range names {
		out = append(out, sourceName(lang, n))
	}
	return strings.Join(out, pick(lang, "、", ", "))
}

func verdictName(lang string, v verify.Verdict) string {
	if v == "" {
		return ""
	}
	return pick(lang, v.Zh(), strings.ReplaceAll(string(v), "_", " "))
}

type queueRow struct {
	ID, Head, Village, VillagePath, Case, CaseID, At, By, Missing, Verdict string
}

func (s *Server) verifyQueuePage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.uiVerifyReady(w, r) {
		return
	}
	lang := langOf(r)
	rs, err := s.Verify.Queue(r.Context(), p, 0)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	var rows []queueRow
	for _, x := range rs {
		// The queue is a county's: the township and village say enough,
		// the whole path is the cell's title.
		path := s.Divisions.Tree().Path(x.Village)
		short := strings.Fields(path)
		short = short[max(0, len(short)-2):]
		row := queueRow{ID: strconv.FormatInt(x.ID, 10), Head: x.HeadName, Village: strings.Join(short, " "), VillagePath: path,
			Case: x.Tracking, At: fmtTime(x.RequestedAt), By: x.RequestedBy, Missing: sourceNames(lang, x.Missing),
			Verdict: verdictName(lang, x.Verdict)}
		if x.CaseID != 0 {
			row.CaseID = strconv.FormatInt(x.CaseID, 10)
		}
		rows = append(rows, row)
	}
	data := map[string]any{"Rows": rows, "CanConnect": p.Can(access.VerifyConnect),
		"Datasets": p.Can(access.VerifyCentre) || p.Can(access.VerifyDatasets)}
	if len(p.Prefix()) >= 6 {
		county := p.Prefix()[:6]
		cs, err := s.Verify.Connections(r.Context(), p, county)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		data["County"], data["CountyName"], data["Connections"] = county, s.Divisions.Tree().Path(county+"000000"), connectionsOut(cs, lang)
	}
	flash := ""
	if r.URL.Query().Get("saved") != "" {
		flash = translate(lang, "vf.connDone")
	}
	s.render(w, r, http.StatusOK, "verify_queue", view{Flash: flash, Data: data})
}

func (s *Server) verifyConnectionSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.uiVerifyReady(w, r) {
		return
	}
	connected := r.PostFormValue("connected") == "1"
	if _, err := s.Verify.SetConnection(r.Context(), p, r.PathValue("county"), r.PostFormValue("source"), connected); err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/verification?saved=1", http.StatusSeeOther)
}

// verifyRequestSubmit asks for a verification from a form: case_id and
// version (the case page), or household (the household card).
func (s *Server) verifyRequestSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.uiVerifyReady(w, r) {
		return
	}
	var out verify.Outcome
	var err error
	back := "/verification"
	if cid := strings.TrimSpace(r.PostFormValue("case_id")); cid != "" {
		id, _ := strconv.ParseInt(cid, 10, 64)
		version, _ := strconv.Atoi(r.PostFormValue("version"))
		back = "/cases/" + strconv.FormatInt(id, 10)
		out, err = s.Verify.RequestForCase(r.Context(), p, id, version, r.PostFormValue("note"))
	} else {
		id, perr := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("household")), 10, 64)
		if perr != nil || id <= 0 {
			err = apperr.Field("household", "家庭编号格式错误", "malformed household number")
		} else {
			back = "/households/" + strconv.FormatInt(id, 10)
			out, err = s.Verify.RequestForHousehold(r.Context(), p, id)
		}
	}
	if err != nil {
		if k := apperr.KindOf(err); k == apperr.Conflict || k == apperr.Invalid {
			s.render(w, r, s.status(r, err), "error", view{Error: apperr.Message(err, langOf(r)), Field: apperr.FieldOf(err),
				Data: map[string]any{"Back": back}})
			return
		}
		s.uiError(w, r, err)
		return
	}
	if out.Report != nil {
		http.Redirect(w, r, "/verification/reports/"+strconv.FormatInt(out.Report.ID, 10), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/verification/requests/"+strconv.FormatInt(out.Request.ID, 10)+"?done=request", http.StatusSeeOther)
}

type replyRow struct {
	Member, Source, Result, Date, Document, By string
}

func (s *Server) verifyRequestPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.uiVerifyReady(w, r) {
		return
	}
	s.renderVerifyRequest(w, r, p, http.StatusOK, "", nil, nil)
}

func (s *Server) renderVerifyRequest(w http.ResponseWriter, r *http.Request, p access.Principal, code int, errMsg string, failure error, form url.Values) {
	lang := langOf(r)
	d, err := s.Verify.RequestDetail(r.Context(), p, pathInt64(r, "id"))
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	names := map[string]string{}
	for _, m := range d.Members {
		names[m.IDNumber] = m.Name
	}
	var replies []replyRow
	for _, x := range d.Replies {
		res := translate(lang, "vf.nothing")
		if x.Found {
			res = translate(lang, "vf.found") + "：" + findingText(x.Kind, x.Value, x.AreaM2, x.Ref, x.Detail)
		}
		replies = append(replies, replyRow{Member: names[x.IDNumber] + " " + x.IDNumber, Source: sourceName(lang, x.Source),
			Result: res, Date: x.ReplyDate, Document: x.Document, By: x.RecordedBy})
	}
	type offline struct{ Source, Name, Department string }
	var manual []offline
	for _, name := range d.Offline {
		src, _ := verify.SourceByName(name)
		manual = append(manual, offline{Source: name, Name: pick(lang, src.Zh, src.En), Department: src.Department})
	}
	x := d.Request
	// A source connected in the county but without an imported snapshot
	// answers by paper reply too: say so, or the connections panel seems
	// to contradict the missing list.
	var noSnapshot []string
	for _, c := range d.Connections {
		if c.Connected && slices.Contains(x.Missing, c.Source) {
			noSnapshot = append(noSnapshot, c.Source)
		}
	}
	data := map[string]any{"NoSnapshot": sourceNames(lang, noSnapshot), "R": s.verifyRequestOut(x), "Members": d.Members, "Replies": replies,
		"Connections": connectionsOut(d.Connections, lang), "Manual": manual, "Missing": sourceNames(lang, x.Missing),
		"Verdict": verdictName(lang, x.Verdict), "Pending": x.Status == verify.RequestPending,
		"CanWork": p.Can(access.VerifyCentre), "Form": form, "Today": d.Today}
	flash := ""
	switch r.URL.Query().Get("done") {
	case "request":
		flash = translate(lang, "vf.requestDone")
	case "reply":
		flash = translate(lang, "vf.replyDone")
	}
	v := view{Flash: flash, Error: errMsg, Data: data}
	if failure != nil {
		v.Error, v.Field = apperr.Message(failure, lang), apperr.FieldOf(failure)
	}
	s.render(w, r, code, "verify_request", v)
}

// kindNames are the Chinese names of the engine's finding kinds; a paper
// reply's kind is the centre's own words and shows as entered.
var kindNames = map[string]string{"vehicle": "车辆", "house": "房产", "business": "市场主体", "pension": "养老金",
	"social_insurance": "社会保险", "housing_fund": "住房公积金", "income_tax": "个人所得税", "deposit": "存款",
	"security": "证券", "public_job": "公职", "death": "死亡", "marriage": "婚姻"}

// findingLine describes a finding: the engine's own description for an
// online one, else its parts.
func findingLine(f verify.Finding) string {
	kind := f.Kind
	if n, ok := kindNames[kind]; ok {
		kind = n
	}
	if f.Mode == verify.Online && f.Detail != "" {
		if f.Ref != "" && !strings.Contains(f.Detail, f.Ref) {
			return kind + "：" + f.Detail + "（" + f.Ref + "）"
		}
		return kind + "：" + f.Detail
	}
	return findingText(kind, f.Value, f.AreaM2, f.Ref, f.Detail)
}

// findingText describes a finding or reply in one line.
func findingText(kind string, value money.Money, area int64, ref, detail string) string {
	var parts []string
	if n, ok := kindNames[kind]; ok {
		kind = n // a reply may use the engine's kind codes too
	}
	if kind != "" {
		parts = append(parts, kind)
	}
	if value != 0 {
		parts = append(parts, value.String()+" 元")
	}
	if area != 0 {
		parts = append(parts, money.Money(area).String()+" ㎡")
	}
	if ref != "" {
		parts = append(parts, ref)
	}
	if detail != "" {
		parts = append(parts, detail)
	}
	return strings.Join(parts, "，")
}

func formMoney(v, field string) (money.Money, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	m, err := money.Parse(v)
	if err != nil {
		return 0, apperr.Field(field, "金额格式错误："+v, "malformed amount: "+v)
	}
	return m, nil
}

func (s *Server) verifyReplySubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.uiVerifyReady(w, r) {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.uiError(w, r, apperr.Field("body", "表单无法解析", "cannot read the form"))
		return
	}
	f := r.PostForm
	in := verify.ReplyInput{IDNumber: f.Get("id_number"), Source: f.Get("source"), Found: f.Get("found") == "1",
		Kind: f.Get("kind"), Ref: f.Get("ref"), Detail: f.Get("detail"), ReplyDate: f.Get("reply_date"), Document: f.Get("document")}
	var err error
	if in.Value, err = formMoney(f.Get("value"), "value"); err == nil {
		var a money.Money
		a, err = formMoney(f.Get("area_m2"), "area_m2")
		in.AreaM2 = int64(a)
	}
	if err == nil {
		_, err = s.Verify.RecordReply(r.Context(), p, pathInt64(r, "id"), in)
	}
	if err != nil {
		if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.Conflict {
			s.renderVerifyRequest(w, r, p, s.status(r, err), "", err, f)
			return
		}
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/verification/requests/"+r.PathValue("id")+"?done=reply", http.StatusSeeOther)
}

func (s *Server) verifyCompleteSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.uiVerifyReady(w, r) {
		return
	}
	out, err := s.Verify.Complete(r.Context(), p, pathInt64(r, "id"), r.PostFormValue("note"))
	if err != nil {
		if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.Conflict {
			s.renderVerifyRequest(w, r, p, s.status(r, err), "", err, r.PostForm)
			return
		}
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/verification/reports/"+strconv.FormatInt(out.Report.ID, 10), http.StatusSeeOther)
}

// reportRow is one line of the report's table.
type reportRow struct {
	Member, ID, Source, What string
	Manual, First            bool
	Span                     int
}

func (s *Server) verifyReportPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.uiVerifyReady(w, r) {
		return
	}
	sr, err := s.Verify.Report(r.Context(), p, pathInt64(r, "id"), "html")
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	lang := langOf(r)
	var rows []reportRow
	for _, m := range sr.Members {
		if len(m.Findings) == 0 {
			rows = append(rows, reportRow{Member: m.Name, ID: m.IDNumber, What: translate(lang, "vf.noFinding"), First: true, Span: 1})
			continue
		}
		for i, f := range m.Findings {
			rows = append(rows, reportRow{Member: m.Name, ID: m.IDNumber, Source: sourceName(lang, f.Source),
				What: findingLine(f), Manual: f.Mode == verify.Manual, First: i == 0, Span: len(m.Findings)})
		}
	}
	type srcRow struct{ Name, Mode, Class, Date string }
	var sources []srcRow
	for _, st := range sr.Sources {
		mode, class := translate(lang, "vf.online"), "vf-online"
		switch st.Mode {
		case verify.Manual:
			mode, class = translate(lang, "vf.manual"), "vf-manual"
		case verify.Missing:
			mode, class = translate(lang, "vf.missingMode"), "vf-missing"
		}
		sources = append(sources, srcRow{Name: sourceName(lang, st.Source), Mode: mode, Class: class, Date: st.Snapshot})
	}
	var reasons []string
	for _, x := range sr.Reasons {
		reasons = append(reasons, pick(lang, x.Zh, x.En))
	}
	s.render(w, r, http.StatusOK, "verify_report", view{Title: translate(lang, "vf.reportTitle") + " " + sr.Number(),
		Data: map[string]any{"R": sr, "Number": sr.Number(), "ID": strconv.FormatInt(sr.ID, 10),
			"Village": s.Divisions.Tree().Path(sr.Village), "Verdict": verdictName(lang, sr.Verdict), "VerdictKey": string(sr.Verdict),
			"Reasons": reasons, "Rows": rows, "Sources": sources, "Manual": sr.HasManual(),
			"Created": fmtTime(sr.CreatedAt), "Members": len(sr.Members)}})
}

func (s *Server) verifyReportPDF(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.uiVerifyReady(w, r) {
		return
	}
	s.writeReportPDF(w, r, p, func(err error) { s.uiError(w, r, err) })
}

// writeReportPDF renders report {id} as a PDF; the service audits the view.
func (s *Server) writeReportPDF(w http.ResponseWriter, r *http.Request, p access.Principal, fail func(error)) {
	sr, err := s.Verify.Report(r.Context(), p, pathInt64(r, "id"), "pdf")
	if err != nil {
		fail(err)
		return
	}
	d := document.Verification{Number: sr.Number(), Household: fmt.Sprintf("户主 %s（%d人）", sr.HeadName, len(sr.Members)),
		Address: s.Divisions.Tree().Path(sr.Village), Case: sr.Case, AsOf: sr.AsOf, Policy: sr.Policy, Verdict: sr.Verdict.Zh(),
		Note: sr.Note, Issuer: s.Divisions.Tree().Path(sr.County+"000000") + " 居民家庭经济状况核对中心", Date: sr.CreatedAt}
	for _, x := range sr.Reasons {
		d.Reasons = append(d.Reasons, x.Zh)
	}
	for _, m := range sr.Members {
		// The service masked the IDs unless p may see them whole.
		dm := document.VerificationMember{Name: m.Name, ID: m.IDNumber}
		for _, f := range m.Findings {
			dm.Findings = append(dm.Findings, document.VerificationFinding{Source: sourceName("zh", f.Source),
				What: findingLine(f), Manual: f.Mode == verify.Manual})
		}
		d.Members = append(d.Members, dm)
	}
	for _, st := range sr.Sources {
		mode := "联网比对"
		switch st.Mode {
		case verify.Manual:
			mode = "手工比对"
		case verify.Missing:
			mode = "未答复"
		}
		d.Sources = append(d.Sources, document.VerificationSource{Name: sourceName("zh", st.Source), Mode: mode, Date: st.Snapshot})
	}
	var buf bytes.Buffer
	if err := document.RenderVerification(&buf, d); err != nil {
		fail(apperr.Errorf("render verification report %d: %w", sr.ID, err))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="verification-`+sr.Number()+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

func (s *Server) authorizationSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.uiVerifyReady(w, r) {
		return
	}
	id := pathInt64(r, "id")
	_, err := s.Verify.RecordAuthorization(r.Context(), p, id, verify.AuthorizationInput{IDNumber: r.PostFormValue("id_number"),
		SignedOn: r.PostFormValue("signed_on"), Document: r.PostFormValue("document")})
	if err != nil {
		if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.Conflict {
			s.render(w, r, s.status(r, err), "error", view{Error: apperr.Message(err, langOf(r)), Field: apperr.FieldOf(err)})
			return
		}
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/households/"+strconv.FormatInt(id, 10)+"?auth=1#authorizations", http.StatusSeeOther)
}

// householdVerifyPanel is the data of the household card's authorizations
// panel, or nil when verification is off or the caller may not see it.
func (s *Server) householdVerifyPanel(r *http.Request, p access.Principal, householdID int64) map[string]any {
	if s.Verify == nil {
		return nil
	}
	st, err := s.Verify.Authorizations(r.Context(), p, householdID)
	if err != nil {
		return nil
	}
	reqs, err := s.Verify.RequestsOf(r.Context(), p, householdID)
	if err != nil {
		return nil
	}
	var rows []verifyRequestJSON
	for _, x := range reqs {
		rows = append(rows, s.verifyRequestOut(x))
	}
	return map[string]any{"Status": st, "Requests": rows, "CanRecord": p.Can(access.VerifyAuthorize),
		"CanRequest": p.Can(access.VerifyRequest), "Today": st.Date}
}
