package document

import (
	"io"
	"strconv"
	"time"
)

// Notice is a public-notice roster (公示名单) posted in a village: the
// households proposed for (or granted) assistance, IDs masked.
type Notice struct {
	Title  string // e.g. 最低生活保障拟保对象公示
	Area   string // the village (community), e.g. 华山街道 翠湖社区
	Period string // the notice period, e.g. 2025年9月12日至2025年9月18日（7天）
	Intro  string // optional text before the roster; a standard one when empty
	Rows   []NoticeRow
	Issuer string    // who posts it, e.g. 华山街道办事处
	Date   time.Time // the day it is posted
	// Contact is where objections go (phone, office); optional.
	Contact string
}

// NoticeRow is one household on the roster.
type NoticeRow struct {
	Name     string // the head's (or applicant's) name
	IDMasked string // masked resident ID
	Members  int    // persons covered
	Amount   string // e.g. 1532.01 (yuan a month)
	Note     string // optional: tier, category
}

// RenderNotice writes n as an A4 PDF, the roster over as many pages as it
// needs with its header repeated.
func RenderNotice(w io.Writer, n Notice) error {
	p := newPDF(or(n.Title, "公示"), n.Date)
	p.notice(n)
	return p.finish(w)
}

// RenderNotices writes several rosters (one a village) into one A4 PDF,
// each starting on a new page; the document's title and date come from the
// first. With none it writes one empty roster titled title.
func RenderNotices(w io.Writer, title string, ns []Notice) error {
	if len(ns) == 0 {
		return RenderNotice(w, Notice{Title: title})
	}
	p := newPDF(or(ns[0].Title, or(title, "公示")), ns[0].Date)
	for i, n := range ns {
		if i > 0 {
			p.AddPage()
		}
		p.notice(n)
	}
	return p.finish(w)
}

// notice writes one roster from the current page on.
func (p *page) notice(n Notice) {
	p.title(or(n.Title, "公示"), 20)
	intro := n.Intro
	if intro == "" {
		intro = "根据《社会救助暂行办法》和最低生活保障审核确认的有关规定，经入户调查、信息核对和乡镇（街道）初审，" +
			"现将下列家庭的情况予以公示。"
		if n.Period != "" {
			intro += "公示期为" + n.Period + "。"
		}
		intro += "如有异议，请在公示期内向" + or(n.Issuer, "乡镇（街道）") + "反映。"
	}
	p.field("公示地点", or(n.Area, "—"), 12, 8, 28)
	if n.Period != "" {
		p.field("公示期", n.Period, 12, 8, 28)
	}
	p.Ln(2)
	p.para(intro, 12, 7.5, 2)
	p.Ln(4)

	cols := []struct {
		head  string
		w     float64
		align string
	}{{"序号", 14, "C"}, {"姓名", 30, "C"}, {"身份证号", 52, "C"}, {"保障人数", 22, "C"}, {"月保障金额（元）", 32, "R"}, {"备注", bodyW - 150, "C"}}
	const rh = 8.0
	header := func() {
		p.font(11)
		p.SetFillColor(235, 235, 235)
		p.SetX(margin)
		for _, c := range cols {
			p.CellFormat(c.w, rh, c.head, "1", 0, "C", true, 0, "")
		}
		p.Ln(rh)
	}
	header()
	for i, r := range n.Rows {
		if p.GetY()+rh > pageH-margin-6 {
			p.AddPage()
			header()
		}
		p.font(11)
		p.SetX(margin)
		cells := []string{strconv.Itoa(i + 1), r.Name, r.IDMasked, strconv.Itoa(r.Members), r.Amount, r.Note}
		for j, c := range cols {
			s := cells[j]
			// A cell too narrow for its text shows what fits.
			if lines := p.wrap(s, c.w-2); len(lines) > 0 {
				s = lines[0]
			}
			p.CellFormat(c.w, rh, s, "1", 0, c.align, false, 0, "")
		}
		p.Ln(rh)
	}
	if len(n.Rows) == 0 {
		p.SetX(margin)
		p.font(11)
		p.CellFormat(bodyW, rh, "（无）", "1", 1, "C", false, 0, "")
	}
	p.Ln(4)
	p.font(11)
	p.SetX(margin)
	p.CellFormat(bodyW, 7, "共 "+strconv.Itoa(len(n.Rows))+" 户。身份证号已按规定隐去中间数字。", "", 1, "L", false, 0, "")
	if n.Contact != "" {
		p.field("监督电话", n.Contact, 11, 7, 24)
	}
	p.Ln(10)
	if p.GetY()+20 > pageH-margin {
		p.AddPage()
	}
	p.font(12)
	p.SetX(pageW - margin - 80)
	p.CellFormat(80, 8, or(n.Issuer, ""), "", 1, "C", false, 0, "")
	p.SetX(pageW - margin - 80)
	p.CellFormat(80, 8, dateZh(n.Date), "", 1, "C", false, 0, "")
}
