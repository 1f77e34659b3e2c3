package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
	"safetynet/internal/casework"
	"safetynet/internal/document"
	"safetynet/internal/idcard"
)

// casePDFRoutes registers the printable papers of a case: the intake
// receipt and the written decision, as PDFs. Like every case read they
// answer 404 outside the caller's jurisdiction.
func (s *Server) casePDFRoutes() {
	s.mux.HandleFunc("GET /cases/{id}/receipt.pdf", s.ui(s.caseReceiptPDF))
	s.mux.HandleFunc("GET /cases/{id}/decision.pdf", s.ui(s.caseDecisionPDF))
}

func (s *Server) caseReceiptPDF(w http.ResponseWriter, r *http.Request, p access.Principal) {
	v, err := s.Casework.Get(r.Context(), p, pathInt64(r, "id"))
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := document.RenderReceipt(&buf, s.receiptDoc(v)); err != nil {
		s.uiError(w, r, fmt.Errorf("render receipt of case %d: %w", v.Case.ID, err))
		return
	}
	writePDF(w, buf.Bytes(), "受理回执-"+v.Case.Tracking+".pdf", "receipt-"+v.Case.Tracking+".pdf")
}

func (s *Server) caseDecisionPDF(w http.ResponseWriter, r *http.Request, p access.Principal) {
	v, err := s.Casework.Get(r.Context(), p, pathInt64(r, "id"))
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	if v.Case.Decision == nil {
		s.uiError(w, r, apperr.New(apperr.Conflict,
			fmt.Sprintf("案件尚未作出决定（当前状态：%s），不能打印决定通知书", v.Case.Status.Zh()),
			fmt.Sprintf("the case has no decision yet (status: %s)", v.Case.Status.En())))
		return
	}
	d := s.decisionDoc(v)
	var buf bytes.Buffer
	if err := document.RenderDecision(&buf, d); err != nil {
		s.uiError(w, r, fmt.Errorf("render decision of case %d: %w", v.Case.ID, err))
		return
	}
	name := "决定通知书-" + v.Case.Tracking + ".pdf"
	writePDF(w, buf.Bytes(), name, "decision-"+v.Case.Tracking+".pdf")
}

// writePDF sends a PDF to open in the browser (to print), its file name in
// Chinese by RFC 5987 with an ASCII fallback for old clients.
func writePDF(w http.ResponseWriter, b []byte, name, ascii string) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+ascii+`"; filename*=UTF-8''`+pathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", fmt.Sprint(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// pdfMaskedID masks a resident ID for print; an ID the view already masked
// (or a non-ID key) passes through unless it could be a full number.
func pdfMaskedID(s string) string {
	if s == "" {
		return ""
	}
	if id, err := idcard.Parse(s); err == nil {
		return id.Mask()
	}
	if strings.Contains(s, "*") {
		return s
	}
	return ""
}

// pdfDivision returns the name of a division, "" when unknown.
func (s *Server) pdfDivision(code string) string {
	if d, ok := s.Divisions.Tree().Get(code); ok {
		return d.Name
	}
	return ""
}

func (s *Server) receiptDoc(v casework.View) document.Receipt {
	c := v.Case
	r := document.Receipt{Tracking: c.Tracking, Applicant: c.Applicant.Name, ApplicantIDMasked: pdfMaskedID(c.Applicant.IDNumber),
		Address: s.Divisions.Tree().Path(c.Household.Village), Programme: c.Programme.Zh(),
		Department: c.Programme.Department().Zh(), Status: c.Status.Zh(), SubmittedAt: c.SubmittedAt, AcceptedAt: c.AcceptedAt}
	if r.Tracking == "" {
		r.Tracking = fmt.Sprintf("案件 %d", c.ID)
	}
	if c.Household.HeadName != "" {
		r.Household = "户主 " + c.Household.HeadName
	}
	if t := s.pdfDivision(c.Household.Township()); t != "" {
		r.Window = t + "社会救助服务窗口"
	}
	for _, m := range v.Missing {
		r.Missing = append(r.Missing, m.Zh)
	}
	if len(v.Deadlines) > 0 {
		d := v.Deadlines[0]
		r.NextDue = d.Zh + "，" + pdfDate(d.Due) + "前"
	}
	if len(c.Steps) > 0 {
		by := c.Steps[0].By
		r.Clerk = by.Name
		if r.Clerk == "" {
			r.Clerk = by.Username
		}
	}
	return r
}

func (s *Server) decisionDoc(v casework.View) document.Decision {
	c := v.Case
	dec := c.Decision
	d := document.Decision{Kind: document.Refuse, Tracking: c.Tracking, Applicant: c.Applicant.Name,
		ApplicantIDMasked: pdfMaskedID(c.Applicant.IDNumber), Address: s.Divisions.Tree().Path(c.Household.Village),
		Programme: c.Programme.Zh(), Reasons: dec.Reasons, Date: dec.At}
	if d.Date.IsZero() {
		d.Date = dec.Date.Time()
	}
	if dec.Approved {
		d.Kind = document.Approve
		d.Amount = dec.Amount.String()
		d.Period = "一次性"
		if c.Programme == casework.Dibao || c.Programme == casework.Tekun {
			d.Period = "每月"
		}
		d.BenefitStart = pdfMonth(dec.BenefitStart)
		d.Tier = strings.TrimSpace(dec.Tier + " " + codeTables["setting"][dec.Setting])
		if dec.Policy.Region != "" {
			d.PolicyRef = strings.TrimSpace(s.Divisions.Tree().Path(dec.Policy.Region) + " " + dec.Policy.Effective + " 起执行的标准")
		}
	} else if strings.TrimSpace(d.Reasons) == "" {
		d.Reasons = "不符合" + c.Programme.Zh() + "条件。"
	}
	county := s.pdfDivision(c.Household.County())
	switch dec.Level {
	case casework.LevelTownship:
		d.Authority = s.pdfDivision(c.Household.Township())
		if d.Authority != "" && !strings.HasSuffix(d.Authority, "街道") {
			d.Authority += "人民政府"
		} else if d.Authority != "" {
			d.Authority += "办事处"
		}
	case casework.LevelDepartment:
		d.Authority = county + strings.TrimSuffix(c.Programme.Department().Zh(), "部门") + "局"
	default:
		d.Authority = county + "民政局"
	}
	return d
}

// pdfDate writes a civil date as "2025年9月4日".
func pdfDate(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	y, m, dd := d.Civil()
	return fmt.Sprintf("%d年%d月%d日", y, int(m), dd)
}

// pdfMonth writes the month of a date as "2025年11月"; "" for zero.
func pdfMonth(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	y, m, _ := d.Civil()
	return fmt.Sprintf("%d年%d月", y, int(m))
}
