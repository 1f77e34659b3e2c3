package document

import (
	"io"
	"strings"
	"time"
)

// FormMember is one household member on the application form or the
// home-visit record.
type FormMember struct {
	Name         string
	Relationship string // e.g. 户主, 配偶
	Sex          string // 男, 女 or ""
	Birth        string // e.g. 1980-05-01
	IDMasked     string
}

// Application is the application form (社会救助申请书) pre-filled from a
// case, with blank lines for the reasons and the signatures.
type Application struct {
	Tracking    string
	Programme   string // e.g. 最低生活保障
	Track       string // optional special track, e.g. 急难型临时救助
	Applicant   string
	ApplicantID string // masked
	Head        string // the head of household
	Address     string // the village and the street address
	Members     []FormMember
	Clerk       string    // who received it; a blank line when empty
	Window      string    // e.g. 华山街道办事处
	Date        time.Time // the day it was submitted
}

// RenderApplication writes a as an A4 PDF.
func RenderApplication(w io.Writer, a Application) error {
	const title = "社会救助申请书"
	p := newPDF(title, a.Date)
	p.title(title, 20)
	p.font(11)
	p.CellFormat(0, 6, "编号："+or(a.Tracking, "—"), "", 1, "R", false, 0, "")
	p.Ln(3)
	const lw, h = 30.0, 8.0
	p.field("申请人", or(a.Applicant, "—"), 12, h, lw)
	p.field("身份证号", or(a.ApplicantID, "—"), 12, h, lw)
	p.field("户主", or(a.Head, "—"), 12, h, lw)
	prog := or(a.Programme, "—")
	if a.Track != "" {
		prog += "（" + a.Track + "）"
	}
	p.field("救助项目", prog, 12, h, lw)
	p.field("家庭住址", or(strings.TrimSpace(a.Address), "—"), 12, h, lw)
	p.Ln(3)
	p.memberTable(a.Members)
	p.Ln(4)
	p.para("申请理由：", 12, 8, 0)
	for range 4 {
		p.Ln(9)
		p.rule()
	}
	p.Ln(6)
	p.para("本人承诺：以上所填内容及提交的材料真实、完整，同意有关部门核对家庭经济状况；如有虚假，愿承担相应责任。", 11, 7, 2)
	p.Ln(8)
	p.para("申请人（签字或按手印）：____________    日期：______年____月____日", 12, 10, 0)
	p.para("受理人："+or(a.Clerk, "____________")+"    日期："+or(dateZh(a.Date), "______年____月____日"), 12, 10, 0)
	if a.Window != "" {
		p.para(a.Window, 12, 10, 0)
	}
	return p.finish(w)
}

// memberTable writes the household members as a bordered table.
func (p *page) memberTable(ms []FormMember) {
	ws := []float64{30, 28, 16, 34, bodyW - 108}
	const rh = 7.5
	header := func() {
		p.font(11)
		p.SetFillColor(235, 235, 235)
		p.SetX(margin)
		for i, s := range []string{"姓名", "与户主关系", "性别", "出生日期", "身份证号"} {
			p.CellFormat(ws[i], rh, s, "1", 0, "C", true, 0, "")
		}
		p.Ln(rh)
	}
	header()
	for _, m := range ms {
		if p.GetY()+rh > pageH-margin-6 {
			p.AddPage()
			header()
		}
		p.font(11)
		p.SetX(margin)
		for i, s := range []string{m.Name, m.Relationship, m.Sex, m.Birth, m.IDMasked} {
			if lines := p.wrap(s, ws[i]-2); len(lines) > 0 {
				s = lines[0]
			}
			p.CellFormat(ws[i], rh, s, "1", 0, "C", false, 0, "")
		}
		p.Ln(rh)
	}
	if len(ms) == 0 {
		p.font(11)
		p.SetX(margin)
		p.CellFormat(bodyW, rh, "（无）", "1", 1, "C", false, 0, "")
	}
}
