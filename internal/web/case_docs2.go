package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/document"
	"safetynet/internal/money"
)

// More printable papers of a case: the decision notice as an HTML page
// (the same content as decision.pdf), the application form and the
// home-visit record as PDFs (the same mapping as their HTML pages in
// case_docs.go, IDs always masked as on every PDF), and the county spot
// check drawn from the overdue board.

func init() {
	for k, v := range docMessages2 {
		messages[k] = v
	}
}

// docMessages2 are this file's words, merged into messages.
var docMessages2 = map[string][2]string{
	"doc2.decision":      {"决定通知书", "Decision notice"},
	"doc2.sample":        {"县级入户抽查", "County spot check"},
	"doc2.sampleHint":    {"从已上报县级、尚未抽查的案件中按比例抽取（涉及工作人员近亲属的案件全部抽取）。", "Draws the given share of the cases reported to the county and not yet sampled (every relatives' case is always drawn)."},
	"doc2.ratio":         {"抽查比例", "Ratio"},
	"doc2.draw":          {"抽取", "Draw"},
	"doc2.drawn":         {"已抽取 %d 件（候选 %d 件，比例 %s）", "Drew %d of %d candidate cases (ratio %s)"},
	"doc2.amount":        {"救助金额", "Amount"},
	"doc2.benefitStart":  {"起始发放", "Paid from"},
	"doc2.policyRef":     {"适用标准", "Standard applied"},
	"doc2.receivedBy":    {"签收人", "Received by"},
	"doc2.receivedOn":    {"签收日期", "Received on"},
	"doc2.seal":          {"（盖章）", " (seal)"},
	"doc2.decisionTitle": {"决定通知书", "Decision notice"},
}

func (s *Server) caseDocRoutes2() {
	s.mux.HandleFunc("GET /cases/{id}/decision", s.ui(s.decisionPage))
	s.mux.HandleFunc("GET /cases/{id}/application.pdf", s.ui(s.applicationPDF))
	s.mux.HandleFunc("GET /cases/{id}/investigation.pdf", s.ui(s.investigationPDF))
	s.mux.HandleFunc("POST /cases/sample", s.ui(s.caseSampleSubmit))
}

// ---- decision notice ----

// decisionTitle and decisionBody are the heading and the text of the
// notice, as document.RenderDecision writes them.
func decisionTitle(d document.Decision) string {
	if d.Kind == document.Approve {
		return d.Programme + "审核确认通知书"
	}
	return "不予" + d.Programme + "决定通知书"
}

func decisionBody(d document.Decision) []string {
	first := fmt.Sprintf("你（户）于受理编号 %s 提出的%s申请，", d.Tracking, d.Programme)
	if d.Kind == document.Approve {
		first += "经调查核实、审核确认，符合条件，决定给予" + d.Programme
		if d.Amount != "" {
			first += "，" + d.Period + d.Amount + "元"
		}
		if d.Tier != "" {
			first += "（" + d.Tier + "）"
		}
		if d.BenefitStart != "" {
			first += "，自" + d.BenefitStart + "起发放"
		}
		out := []string{first + "。"}
		if d.Reasons != "" {
			out = append(out, d.Reasons)
		}
		return append(out, "请按规定如实申报家庭人口、收入和财产的变化情况，配合定期核查。家庭状况发生变化的，应及时告知乡镇人民政府（街道办事处）。")
	}
	appeal := d.Appeal
	if appeal == "" {
		authority := d.Authority
		if strings.TrimSpace(authority) == "" {
			authority = "作出决定的机关"
		}
		appeal = "如对本决定不服，可以自收到本通知书之日起六十日内依法向" + authority +
			"的本级人民政府或者上一级主管部门申请行政复议，或者自收到本通知书之日起六个月内依法向人民法院提起行政诉讼。"
	}
	return []string{first + "经审核，不符合条件，决定不予批准。", "理由：" + strings.TrimSpace(d.Reasons), appeal}
}

// decidedCase reads a case that has a decision; Conflict otherwise (the
// same refusal as decision.pdf).
func (s *Server) decidedCase(r *http.Request, p access.Principal) (casework.View, error) {
	v, err := s.Casework.Get(r.Context(), p, pathInt64(r, "id"))
	if err != nil {
		return v, err
	}
	if v.Case.Decision == nil {
		return v, apperr.New(apperr.Conflict,
			fmt.Sprintf("案件尚未作出决定（当前状态：%s），不能打印决定通知书", v.Case.Status.Zh()),
			fmt.Sprintf("the case has no decision yet (status: %s)", v.Case.Status.En()))
	}
	return v, nil
}

func (s *Server) decisionPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	v, err := s.decidedCase(r, p)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	d := s.decisionDoc(v)
	title := decisionTitle(d)
	s.render(w, r, http.StatusOK, "doc_decision", view{Title: title + " " + v.Case.Tracking, Data: map[string]any{
		"ID": strconv.FormatInt(v.Case.ID, 10), "Doc": d, "DocTitle": title, "Approved": d.Kind == document.Approve,
		"Body": decisionBody(d), "Date": dateZhTime(d.Date)}})
}

// ---- application form and home-visit record as PDFs ----

// formStr reads a string the form mapping (caseFormData) put in data.
func formStr(data map[string]any, key string) string {
	s, _ := data[key].(string)
	return s
}

// formMembers turns the mapped members into the PDF's, IDs masked.
func formMembers(data map[string]any) []document.FormMember {
	ms, _ := data["Members"].([]docMember)
	var out []document.FormMember
	for _, m := range ms {
		out = append(out, document.FormMember{Name: m.Name, Relationship: m.Relationship, Sex: m.Sex, Birth: m.Birth,
			IDMasked: pdfMaskedID(m.ID)})
	}
	return out
}

func (s *Server) applicationPDF(w http.ResponseWriter, r *http.Request, p access.Principal) {
	v, data, err := s.caseFormData(r, p)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	c := v.Case
	a := document.Application{Tracking: c.Tracking, Programme: formStr(data, "Programme"), Track: formStr(data, "Track"),
		Applicant: formStr(data, "Applicant"), ApplicantID: pdfMaskedID(formStr(data, "ApplicantID")),
		Head: formStr(data, "Head"), Address: strings.TrimSpace(formStr(data, "Village") + " " + formStr(data, "Address")),
		Members: formMembers(data), Window: formStr(data, "Window"), Date: c.SubmittedAt}
	if len(c.Steps) > 0 {
		a.Clerk = c.Steps[0].By.Name
	}
	var buf bytes.Buffer
	if err := document.RenderApplication(&buf, a); err != nil {
		s.uiError(w, r, fmt.Errorf("render application of case %d: %w", c.ID, err))
		return
	}
	writePDF(w, buf.Bytes(), "申请书-"+c.Tracking+".pdf", "application-"+c.Tracking+".pdf")
}

func (s *Server) investigationPDF(w http.ResponseWriter, r *http.Request, p access.Principal) {
	v, data, err := s.caseFormData(r, p)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	c := v.Case
	d := document.Investigation{Tracking: c.Tracking, Programme: formStr(data, "Programme"),
		Applicant: formStr(data, "Applicant"), ApplicantID: pdfMaskedID(formStr(data, "ApplicantID")),
		Head: formStr(data, "Head"), Address: strings.TrimSpace(formStr(data, "Village") + " " + formStr(data, "Address")),
		Members: formMembers(data), Date: c.SubmittedAt}
	for _, vi := range caseVisits(c) {
		d.Visits = append(d.Visits, document.Visit{Kind: vi.Kind, Date: vi.Date, Method: vi.Method,
			Investigators: vi.Investigators, Findings: vi.Findings, Signed: vi.Signed})
	}
	var buf bytes.Buffer
	if err := document.RenderInvestigation(&buf, d); err != nil {
		s.uiError(w, r, fmt.Errorf("render investigation record of case %d: %w", c.ID, err))
		return
	}
	writePDF(w, buf.Bytes(), "入户调查记录-"+c.Tracking+".pdf", "investigation-"+c.Tracking+".pdf")
}

// ---- county spot check from the board ----

// caseSampleSubmit draws the county spot check (the service decides who
// may) and shows the board with how many cases were drawn, or why not.
func (s *Server) caseSampleSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	lang := langOf(r)
	var ratio money.Ratio
	var err error
	if q := strings.TrimSpace(r.PostFormValue("ratio")); q != "" {
		if ratio, err = money.ParseRatio(q); err != nil {
			err = apperr.Field("ratio", "抽查比例格式错误，如 0.3", "malformed ratio, e.g. 0.3")
		}
	}
	var res casework.Sample
	if err == nil {
		res, err = s.Casework.DrawCountySample(r.Context(), p, "", casework.Programme(r.PostFormValue("programme")), ratio, 0)
	}
	code := http.StatusOK
	var flash, failure, field string
	if err != nil {
		if k := apperr.KindOf(err); k != apperr.Invalid && k != apperr.Conflict {
			s.uiError(w, r, err)
			return
		}
		code, failure, field = s.status(r, err), apperr.Message(err, lang), apperr.FieldOf(err)
	} else {
		flash = fmt.Sprintf(translate(lang, "doc2.drawn"), len(res.Drawn), res.Candidates, res.Ratio.String())
	}
	b, err := s.Casework.Board(r.Context(), p, time.Time{})
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	s.render(w, r, code, "case_board", view{Title: translate(lang, "nav.board"), Flash: flash, Error: failure, Field: field,
		Data: map[string]any{"Date": dateOut(b.Date), "Through": dateOut(b.Through),
			"Overdue": s.caseRowsUI(b.Overdue, lang), "DueSoon": s.caseRowsUI(b.DueSoon, lang),
			"Sampled": s.caseRowsUI(res.Drawn, lang)}})
}
