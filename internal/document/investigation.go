package document

import (
	"io"
	"strconv"
	"strings"
	"time"
)

// Investigation is the home-visit record (入户调查记录) of a case: the
// household and every recorded visit, or a blank record to fill in on the
// spot when none is recorded yet.
type Investigation struct {
	Tracking    string
	Programme   string
	Applicant   string
	ApplicantID string // masked
	Head        string
	Address     string
	Members     []FormMember
	Visits      []Visit
	Date        time.Time // the document's date (creation metadata)
}

// Visit is one recorded visit.
type Visit struct {
	Kind          string // e.g. 乡镇（街道）入户调查, 县级入户核查
	Date          string // e.g. 2025年9月3日
	Method        string // 入户, 电话, 视频
	Investigators []string
	Findings      string
	Signed        bool
}

// RenderInvestigation writes v as an A4 PDF.
func RenderInvestigation(w io.Writer, v Investigation) error {
	const title = "社会救助入户调查记录"
	p := newPDF(title, v.Date)
	p.title(title, 20)
	p.font(11)
	p.CellFormat(0, 6, "编号："+or(v.Tracking, "—"), "", 1, "R", false, 0, "")
	p.Ln(3)
	const lw, h = 30.0, 8.0
	p.field("申请人", or(v.Applicant, "—"), 12, h, lw)
	p.field("身份证号", or(v.ApplicantID, "—"), 12, h, lw)
	p.field("户主", or(v.Head, "—"), 12, h, lw)
	p.field("救助项目", or(v.Programme, "—"), 12, h, lw)
	p.field("家庭住址", or(strings.TrimSpace(v.Address), "—"), 12, h, lw)
	p.Ln(3)
	p.memberTable(v.Members)
	for i, vi := range v.Visits {
		if p.GetY()+40 > pageH-margin {
			p.AddPage()
		}
		p.Ln(5)
		p.font(13)
		p.SetX(margin)
		p.CellFormat(bodyW, 8, vi.Kind+" "+strconv.Itoa(i+1), "", 1, "L", false, 0, "")
		p.rule()
		p.Ln(1)
		p.field("调查日期", or(vi.Date, "—"), 11, 7, lw)
		p.field("调查方式", or(vi.Method, "—"), 11, 7, lw)
		p.field("调查人员", or(strings.Join(vi.Investigators, "、"), "—"), 11, 7, lw)
		p.field("调查情况", or(vi.Findings, "—"), 11, 7, lw)
		if vi.Signed {
			p.field("确认", "已签字确认", 11, 7, lw)
		}
	}
	if len(v.Visits) == 0 {
		p.Ln(5)
		p.field("调查日期", "______年____月____日", 11, 8, lw)
		p.field("调查方式", "□ 入户  □ 电话  □ 视频", 11, 8, lw)
		p.field("调查人员", "", 11, 8, lw)
		p.field("调查情况", "", 11, 8, lw)
		for range 6 {
			p.Ln(9)
			p.rule()
		}
	}
	p.Ln(10)
	if p.GetY()+25 > pageH-margin {
		p.AddPage()
	}
	p.para("调查人员（签字）：____________  ____________    日期：______年____月____日", 11, 10, 0)
	p.para("被调查人（签字或按手印）：____________    日期：______年____月____日", 11, 10, 0)
	return p.finish(w)
}
