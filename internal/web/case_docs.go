package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/document"
	"safetynet/internal/registry"
)

// The printable documents of the casework beyond the receipt and the
// decision notice (case_pdf.go): the public-notice list (公示名单) and the
// published roster (公布) of a jurisdiction, grouped by village, with
// resident IDs always masked; the benefit certificate (低保证 / 特困供养证)
// of a confirmed case; the application form (申请书) and the home-visit
// record (入户调查记录) pre-filled from the case. Each is an HTML page
// with a print stylesheet, and the lists and the certificate also a PDF.
// Every one reads through the casework service, so a case or a village
// outside the caller's jurisdiction answers 404.

func init() {
	for k, v := range docMessages {
		messages[k] = v
	}
}

// docMessages are the documents' words, merged into messages.
var docMessages = map[string][2]string{
	"doc.notices":       {"公示名单", "Notice list"},
	"doc.noticesTitle":  {"社会救助拟保对象公示", "Proposed recipients: public notice"},
	"doc.roster":        {"公布名单", "Published roster"},
	"doc.rosterTitle":   {"社会救助对象公布", "Recipients: published roster"},
	"doc.area":          {"范围", "Area"},
	"doc.areaHint":      {"村（社区）或乡镇（街道）代码，留空为全部辖区", "Village or township code; empty for the whole jurisdiction"},
	"doc.show":          {"查看", "Show"},
	"doc.pdf":           {"PDF 版", "PDF"},
	"doc.print":         {"打印", "Print"},
	"doc.no":            {"序号", "No."},
	"doc.name":          {"姓名", "Name"},
	"doc.id":            {"身份证号", "Resident ID"},
	"doc.members":       {"保障人数", "Persons"},
	"doc.programme":     {"救助项目", "Programme"},
	"doc.amount":        {"月保障金额（元）", "Monthly amount (yuan)"},
	"doc.period":        {"公示期", "Notice period"},
	"doc.objections":    {"异议", "Objections"},
	"doc.households":    {"户", "households"},
	"doc.none":          {"（无）", "(none)"},
	"doc.masked":        {"身份证号已按规定隐去中间数字。", "Resident IDs are masked as required."},
	"doc.noticeIntro":   {"经入户调查、信息核对和乡镇（街道）初审，现将下列家庭的情况予以公示。如有异议，请在公示期内向乡镇人民政府（街道办事处）反映。", "After home visits, verification and the township review, the following households are posted for public notice. Objections may be raised with the township during the notice period."},
	"doc.rosterIntro":   {"下列家庭经审核确认，纳入社会救助范围，现予公布，接受社会监督。", "The following households were confirmed for assistance and are published for public supervision."},
	"doc.certificate":   {"救助证", "Certificate"},
	"doc.number":        {"证号", "Number"},
	"doc.holder":        {"持证人", "Holder"},
	"doc.address":       {"家庭住址", "Address"},
	"doc.category":      {"保障类别", "Category"},
	"doc.certAmount":    {"保障金额", "Amount"},
	"doc.since":         {"起始时间", "From"},
	"doc.relationship":  {"与户主关系", "Relationship"},
	"doc.issuer":        {"发证机关（盖章）", "Issued by (seal)"},
	"doc.certNote":      {"本证是享受救助待遇的凭证，由持证人妥善保管，不得涂改、转借。家庭人口、收入、财产状况发生变化的，应及时向乡镇人民政府（街道办事处）申报。", "Keep this certificate; report any change of household, income or property to the township."},
	"doc.application":   {"申请书", "Application form"},
	"doc.appTitle":      {"社会救助申请书", "Application for social assistance"},
	"doc.sex":           {"性别", "Sex"},
	"doc.birth":         {"出生日期", "Born"},
	"doc.reason":        {"申请理由", "Reasons for applying"},
	"doc.pledge":        {"本人承诺：以上所填内容及提交的材料真实、完整，同意有关部门核对家庭经济状况；如有虚假，愿承担相应责任。", "I declare that the above and the materials handed in are true and complete, consent to the verification of the household's economic status and accept responsibility for any falsehood."},
	"doc.signApplicant": {"申请人（签字或按手印）", "Applicant (signature or thumbprint)"},
	"doc.signClerk":     {"受理人", "Received by"},
	"doc.date":          {"日期", "Date"},
	"doc.investigation": {"入户调查记录", "Home-visit record"},
	"doc.invTitle":      {"社会救助入户调查记录", "Social assistance home-visit record"},
	"doc.visit":         {"调查", "Visit"},
	"doc.countyVisit":   {"县级入户核查", "County home check"},
	"doc.investigators": {"调查人员", "Investigators"},
	"doc.method":        {"调查方式", "Method"},
	"doc.findings":      {"调查情况", "Findings"},
	"doc.signed":        {"已签字确认", "Signed"},
	"doc.noVisit":       {"尚未记录入户调查，可打印空白记录表现场填写。", "No visit recorded yet; print the blank form to fill in on the spot."},
	"doc.signInv":       {"调查人员（签字）", "Investigators (signatures)"},
	"doc.signHousehold": {"被调查人（签字或按手印）", "Person visited (signature or thumbprint)"},
	"doc.toCase":        {"返回案件", "Back to the case"},
	"doc.documents":     {"文书", "Documents"},
}

func (s *Server) caseDocRoutes() {
	s.mux.HandleFunc("GET /cases/notices", s.ui(s.noticeListPage))
	s.mux.HandleFunc("GET /cases/notices.pdf", s.ui(s.noticeListPDF))
	s.mux.HandleFunc("GET /cases/roster", s.ui(s.rosterPage))
	s.mux.HandleFunc("GET /cases/roster.pdf", s.ui(s.rosterPDF))
	s.mux.HandleFunc("GET /cases/{id}/certificate", s.ui(s.certificatePage))
	s.mux.HandleFunc("GET /cases/{id}/certificate.pdf", s.ui(s.certificatePDF))
	s.mux.HandleFunc("GET /cases/{id}/application", s.ui(s.applicationPage))
	s.mux.HandleFunc("GET /cases/{id}/investigation", s.ui(s.investigationPage))
}

// ---- notice list (公示) and roster (公布) ----

// listKind is the notice list or the roster.
type listKind struct {
	path     string // /cases/notices or /cases/roster
	title    string // message key of the title
	intro    string // message key of the introduction
	statuses []casework.Status
	// approved: only cases with an approving decision (the roster).
	approved bool
}

var (
	noticeList = listKind{"/cases/notices", "doc.noticesTitle", "doc.noticeIntro",
		[]casework.Status{casework.StatusNoticing, casework.StatusCountyNoticing}, false}
	rosterList = listKind{"/cases/roster", "doc.rosterTitle", "doc.rosterIntro",
		[]casework.Status{casework.StatusConfirmed, casework.StatusPublished}, true}
)

// listRow is one household on a notice list or roster.
type listRow struct {
	Name, IDMasked, Programme, Amount, Period, Note string
	Members, Objections                             int
}

// listGroup is the rows of one village.
type listGroup struct {
	Village, Path, Period, Issuer string
	Rows                          []listRow
}

// listArea reads the village or township the caller asked for: the code
// prefix to keep, and its name. Empty: the caller's whole jurisdiction.
func (s *Server) listArea(r *http.Request, p access.Principal) (prefix, name, code string, err error) {
	q := r.URL.Query()
	code = strings.TrimSpace(q.Get("village"))
	field := "village"
	if code == "" {
		code, field = strings.TrimSpace(q.Get("township")), "township"
	}
	if code == "" {
		return "", s.Divisions.Tree().Path(p.Region), "", nil
	}
	if _, ok := s.Divisions.Tree().Get(code); !ok || len(code) != 12 || !p.Covers(code) {
		return "", "", code, apperr.Field(field, fmt.Sprintf("辖区内没有代码为“%s”的村（社区）或乡镇（街道）", code),
			fmt.Sprintf("no village or township %q within your jurisdiction", code))
	}
	prefix = code
	switch {
	case strings.HasSuffix(code, "000000"):
		prefix = code[:6]
	case strings.HasSuffix(code, "000"):
		prefix = code[:9]
	}
	return prefix, s.Divisions.Tree().Path(code), code, nil
}

// listCases returns the cases of kind within the caller's jurisdiction
// under prefix, grouped by village (by code), each village's rows by
// tracking number.
func (s *Server) listCases(ctx context.Context, p access.Principal, kind listKind, prefix string) ([]listGroup, error) {
	var vs []casework.View
	for off := 0; ; off += 500 {
		page, total, err := s.Casework.Queue(ctx, p, casework.QueueFilter{Statuses: kind.statuses, Limit: 500, Offset: off})
		if err != nil {
			return nil, err
		}
		vs = append(vs, page...)
		if len(page) == 0 || off+len(page) >= total {
			break
		}
	}
	vs = slices.DeleteFunc(vs, func(v casework.View) bool {
		c := v.Case
		return !strings.HasPrefix(c.Household.Village, prefix) || (kind.approved && (c.Decision == nil || !c.Decision.Approved))
	})
	slices.SortFunc(vs, func(a, b casework.View) int {
		if c := strings.Compare(a.Case.Household.Village, b.Case.Household.Village); c != 0 {
			return c
		}
		return strings.Compare(a.Case.Tracking, b.Case.Tracking)
	})
	var out []listGroup
	for _, v := range vs {
		c := v.Case
		if len(out) == 0 || out[len(out)-1].Village != c.Household.Village {
			g := listGroup{Village: c.Household.Village, Path: s.Divisions.Tree().Path(c.Household.Village)}
			if kind.approved {
				g.Issuer = s.pdfDivision(c.Household.County()) + "民政局"
			} else {
				g.Issuer = s.townshipAuthority(c.Household.Township())
			}
			out = append(out, g)
		}
		g := &out[len(out)-1]
		row := listRow{Name: c.Applicant.Name, IDMasked: pdfMaskedID(c.Applicant.IDNumber), Programme: c.Programme.Zh(),
			Members: 1, Note: shortProgramme(c.Programme)}
		if c.Household.ID != 0 {
			if h, err := s.Casework.Households.Household(ctx, c.Household.ID); err == nil && len(h.Members) > 0 {
				if c.Programme != casework.Tekun {
					row.Members = len(h.Members)
				}
			} else if err != nil && !apperr.Is(err, apperr.NotFound) {
				return nil, err
			}
		}
		if c.Programme == casework.Tekun {
			row.Name = c.Applicant.Name
		} else if c.Household.HeadName != "" {
			row.Name = c.Household.HeadName
			row.IDMasked = pdfMaskedID(c.Household.HeadID)
		}
		if kind.approved {
			row.Amount = c.Decision.Amount.String()
		} else {
			if rv, ok := c.Review(); ok && rv.Amount != 0 {
				row.Amount = rv.Amount.String()
			}
			if n, ok := c.Notice(); ok {
				row.Period = noticePeriod(n)
				row.Objections = len(n.Objections)
			}
		}
		g.Rows = append(g.Rows, row)
	}
	for i := range out {
		g := &out[i]
		g.Period = g.Rows[0].Period
		for _, r := range g.Rows {
			if r.Period != g.Period {
				g.Period = ""
				break
			}
		}
	}
	return out, nil
}

// townshipAuthority names the government of a township: 某某镇人民政府 or
// 某某街道办事处.
func (s *Server) townshipAuthority(code string) string {
	n := s.pdfDivision(code)
	switch {
	case n == "":
		return ""
	case strings.HasSuffix(n, "街道"):
		return n + "办事处"
	}
	return n + "人民政府"
}

func shortProgramme(p casework.Programme) string {
	switch p {
	case casework.Dibao:
		return "低保"
	case casework.Tekun:
		return "特困"
	}
	return p.Zh()
}

func noticePeriod(n casework.Notice) string {
	if n.Start.IsZero() {
		return ""
	}
	out := pdfDate(n.Start)
	if !n.End.IsZero() {
		out += "至" + pdfDate(n.End)
	}
	return out
}

func (s *Server) listPage(w http.ResponseWriter, r *http.Request, p access.Principal, kind listKind) {
	lang := langOf(r)
	prefix, area, code, err := s.listArea(r, p)
	if err == nil {
		var groups []listGroup
		groups, err = s.listCases(r.Context(), p, kind, prefix)
		if err == nil {
			total := 0
			for _, g := range groups {
				total += len(g.Rows)
			}
			pdf := kind.path + ".pdf"
			if q := r.URL.RawQuery; q != "" {
				pdf += "?" + q
			}
			s.render(w, r, http.StatusOK, "doc_list", view{Title: translate(lang, kind.title), Data: map[string]any{
				"Title": translate(lang, kind.title), "Intro": translate(lang, kind.intro), "Path": kind.path, "PDF": pdf,
				"Notice": !kind.approved, "Area": area, "Code": code, "Groups": groups, "Total": total,
				"Date": dateZhTime(s.docNow())}})
			return
		}
	}
	s.uiError(w, r, err)
}

func (s *Server) listPDF(w http.ResponseWriter, r *http.Request, p access.Principal, kind listKind, name, ascii string) {
	prefix, _, _, err := s.listArea(r, p)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	groups, err := s.listCases(r.Context(), p, kind, prefix)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	title := translate("zh", kind.title)
	now := s.docNow()
	var ns []document.Notice
	for _, g := range groups {
		n := document.Notice{Title: title, Area: g.Path, Period: g.Period, Issuer: g.Issuer, Date: now}
		if kind.approved {
			n.Intro = translate("zh", kind.intro)
		} else if g.Period != "" {
			n.Period = g.Period + "（7天）"
		}
		for _, row := range g.Rows {
			n.Rows = append(n.Rows, document.NoticeRow{Name: row.Name, IDMasked: row.IDMasked, Members: row.Members,
				Amount: row.Amount, Note: row.Note})
		}
		ns = append(ns, n)
	}
	var buf bytes.Buffer
	if err := document.RenderNotices(&buf, title, ns); err != nil {
		s.uiError(w, r, fmt.Errorf("render %s: %w", kind.path, err))
		return
	}
	writePDF(w, buf.Bytes(), name, ascii)
}

func (s *Server) noticeListPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	s.listPage(w, r, p, noticeList)
}

func (s *Server) rosterPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	s.listPage(w, r, p, rosterList)
}

func (s *Server) noticeListPDF(w http.ResponseWriter, r *http.Request, p access.Principal) {
	s.listPDF(w, r, p, noticeList, "公示名单.pdf", "notices.pdf")
}

func (s *Server) rosterPDF(w http.ResponseWriter, r *http.Request, p access.Principal) {
	s.listPDF(w, r, p, rosterList, "公布名单.pdf", "roster.pdf")
}

// docNow is the casework's clock, the day lists are dated.
func (s *Server) docNow() time.Time {
	if s.Casework != nil && s.Casework.Now != nil {
		return s.Casework.Now()
	}
	return s.Now()
}

// ---- certificate ----

// caseHousehold reads the household of a case the caller may see (the
// case was read through the casework service); nil when it is gone.
func (s *Server) caseHousehold(ctx context.Context, c casework.Case) (*registry.Household, error) {
	if c.Household.ID == 0 {
		return nil, nil
	}
	h, err := s.Casework.Households.Household(ctx, c.Household.ID)
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &h, nil
}

// certificateCase reads a case whose certificate may be printed: a
// confirmed (approved) dibao or 特困 case; Conflict otherwise.
func (s *Server) certificateCase(r *http.Request, p access.Principal) (casework.View, error) {
	v, err := s.Casework.Get(r.Context(), p, pathInt64(r, "id"))
	if err != nil {
		return v, err
	}
	c := v.Case
	if c.Programme != casework.Dibao && c.Programme != casework.Tekun {
		return v, apperr.New(apperr.Conflict, fmt.Sprintf("%s不发放救助证", c.Programme.Zh()),
			fmt.Sprintf("no certificate for %s", c.Programme.En()))
	}
	if c.Decision == nil || !c.Decision.Approved || c.Status == casework.StatusWithdrawn {
		return v, apperr.New(apperr.Conflict,
			fmt.Sprintf("案件尚未确认（当前状态：%s），不能打印救助证", c.Status.Zh()),
			fmt.Sprintf("the case is not confirmed (status: %s)", c.Status.En()))
	}
	return v, nil
}

func (s *Server) certificateDoc(ctx context.Context, v casework.View) (document.Certificate, error) {
	c := v.Case
	dec := c.Decision
	h, err := s.caseHousehold(ctx, c)
	if err != nil {
		return document.Certificate{}, err
	}
	d := document.Certificate{Title: "最低生活保障证", Number: c.Tracking, Holder: c.Household.HeadName,
		HolderIDMasked: pdfMaskedID(c.Household.HeadID), Address: s.Divisions.Tree().Path(c.Household.Village),
		Amount: dec.Amount.String(), Period: "每月", Since: pdfMonth(dec.BenefitStart),
		Issuer: s.decisionDoc(v).Authority, Date: dec.At}
	if d.Date.IsZero() {
		d.Date = dec.Date.Time()
	}
	if c.Programme == casework.Tekun {
		d.Title = "特困人员救助供养证"
		d.Holder, d.HolderIDMasked = c.Applicant.Name, pdfMaskedID(c.Applicant.IDNumber)
		d.Category = strings.TrimSpace(codeTables["setting"][dec.Setting] + " " + dec.Tier)
	}
	if h != nil {
		if h.Address != "" {
			d.Address = strings.TrimSpace(d.Address + " " + h.Address)
		}
		if c.Programme == casework.Dibao {
			switch h.Area {
			case registry.Urban:
				d.Category = "城市低保"
			case registry.Rural:
				d.Category = "农村低保"
			}
			if dec.Tier != "" {
				d.Category = strings.TrimSpace(d.Category + " " + dec.Tier + "档")
			}
		}
		for _, m := range h.Members {
			if c.Programme == casework.Tekun && m.PersonID != c.Applicant.PersonID && m.IDNumber != c.Applicant.IDNumber {
				continue
			}
			d.Members = append(d.Members, document.CertificateMember{Name: m.Name, Relationship: m.Relationship.Zh(),
				IDMasked: pdfMaskedID(m.IDNumber)})
		}
	}
	if d.Holder == "" {
		d.Holder = c.Applicant.Name
	}
	return d, nil
}

func (s *Server) certificatePage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	v, err := s.certificateCase(r, p)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	d, err := s.certificateDoc(r.Context(), v)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "doc_certificate", view{Title: d.Title + " " + d.Number, Data: map[string]any{
		"ID": strconv.FormatInt(v.Case.ID, 10), "Cert": d, "Date": dateZhTime(d.Date)}})
}

func (s *Server) certificatePDF(w http.ResponseWriter, r *http.Request, p access.Principal) {
	v, err := s.certificateCase(r, p)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	d, err := s.certificateDoc(r.Context(), v)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := document.RenderCertificate(&buf, d); err != nil {
		s.uiError(w, r, fmt.Errorf("render certificate of case %d: %w", v.Case.ID, err))
		return
	}
	writePDF(w, buf.Bytes(), d.Title+"-"+v.Case.Tracking+".pdf", "certificate-"+v.Case.Tracking+".pdf")
}

// dateZhTime writes the day of t in China as "2025年9月4日".
func dateZhTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(shanghai)
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// ---- application form and home-visit record ----

// docMember is a household member on a form.
type docMember struct {
	Name, Relationship, Sex, Birth, ID string
}

// caseFormData is what the application form and the visit record share.
func (s *Server) caseFormData(r *http.Request, p access.Principal) (casework.View, map[string]any, error) {
	v, err := s.Casework.Get(r.Context(), p, pathInt64(r, "id"))
	if err != nil {
		return v, nil, err
	}
	c := v.Case
	h, err := s.caseHousehold(r.Context(), c)
	if err != nil {
		return v, nil, err
	}
	// The view already masks IDs for a role that may not see them; the
	// household read from the store does not, so mask it the same way.
	id := func(s string) string {
		if p.Can(access.SeeFullID) {
			return s
		}
		return maskedID(s)
	}
	data := map[string]any{"ID": strconv.FormatInt(c.ID, 10), "Tracking": c.Tracking, "Programme": c.Programme.Zh(),
		"Applicant": c.Applicant.Name, "ApplicantID": id(c.Applicant.IDNumber), "Head": c.Household.HeadName,
		"Village": s.Divisions.Tree().Path(c.Household.Village), "Submitted": dateZhTime(c.SubmittedAt),
		"Window": s.townshipAuthority(c.Household.Township())}
	if c.Track != casework.TrackNormal {
		data["Track"] = c.Track.Zh()
	}
	if h != nil {
		data["Address"] = h.Address
		var ms []docMember
		for _, m := range h.Members {
			sex := map[string]string{"M": "男", "F": "女"}[m.Sex]
			ms = append(ms, docMember{Name: m.Name, Relationship: m.Relationship.Zh(), Sex: sex, Birth: m.BirthDate, ID: id(m.IDNumber)})
		}
		data["Members"] = ms
	}
	return v, data, nil
}

func (s *Server) applicationPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	v, data, err := s.caseFormData(r, p)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	if len(v.Case.Steps) > 0 {
		data["Clerk"] = v.Case.Steps[0].By.Name
	}
	s.render(w, r, http.StatusOK, "doc_application", view{Title: "社会救助申请书 " + v.Case.Tracking, Data: data})
}

// docVisit is a recorded home visit on the record.
type docVisit struct {
	Kind, Date, Method, Findings string
	Investigators                []string
	Signed                       bool
}

var visitMethods = map[string]string{casework.VisitHome: "入户", casework.VisitPhone: "电话", casework.VisitVideo: "视频"}

func (s *Server) investigationPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	v, data, err := s.caseFormData(r, p)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	data["Visits"] = caseVisits(v.Case)
	s.render(w, r, http.StatusOK, "doc_investigation", view{Title: "入户调查记录 " + v.Case.Tracking, Data: data})
}

// caseVisits lists the recorded visits of c, the township's first.
func caseVisits(c casework.Case) []docVisit {
	var visits []docVisit
	add := func(kind string, vs []casework.Visit) {
		for _, vi := range vs {
			m := visitMethods[vi.Method]
			if m == "" {
				m = visitMethods[casework.VisitHome]
			}
			visits = append(visits, docVisit{Kind: kind, Date: pdfDate(vi.Date), Method: m, Findings: vi.Findings,
				Investigators: vi.Investigators, Signed: vi.Signed})
		}
	}
	add("乡镇（街道）入户调查", c.Investigations)
	add("县级入户核查", c.CountyVisits)
	return visits
}
