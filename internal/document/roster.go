package document

import (
	"io"
	"strconv"
	"time"
)

// Roster is the monthly payment roster of a village (发放公布名单): who
// is paid what this month, IDs left out and accounts masked, to post in
// the village and keep on file.
type Roster struct {
	Title  string // e.g. 2025年8月 社会救助资金发放名单
	Area   string // the village and its township, county
	Month  string // e.g. 2025年8月
	Rows   []RosterRow
	Total  string // the month's total in yuan
	Issuer string
	Date   time.Time // the payroll's approval day (fixed for the document)
	Draft  bool      // not yet approved: marked as a draft
}

// RosterRow is one payment on the roster.
type RosterRow struct {
	Name      string
	Persons   int
	Programme string // 城乡低保 / 特困供养
	Tier      string // A/B/C, 补差, 集中/分散
	Amount    string // yuan
	Account   string // masked
}

// RenderRoster writes r as an A4 PDF, the table over as many pages as it
// needs with its header repeated.
func RenderRoster(w io.Writer, r Roster) error {
	title := or(r.Title, "发放名单")
	if r.Draft {
		title += "（草稿）"
	}
	p := newPDF(title, r.Date)
	p.title(title, 18)
	p.field("村（社区）", or(r.Area, "—"), 12, 8, 28)
	p.field("发放月份", or(r.Month, "—"), 12, 8, 28)
	p.Ln(3)
	cols := []struct {
		head  string
		w     float64
		align string
	}{{"序号", 12, "C"}, {"姓名", 26, "C"}, {"人数", 14, "C"}, {"救助项目", 26, "C"}, {"档次", 22, "C"}, {"月发放金额（元）", 32, "R"}, {"账号", bodyW - 132, "C"}}
	const rh = 7.5
	header := func() {
		p.font(10.5)
		p.SetFillColor(235, 235, 235)
		p.SetX(margin)
		for _, c := range cols {
			p.CellFormat(c.w, rh, c.head, "1", 0, "C", true, 0, "")
		}
		p.Ln(rh)
	}
	header()
	for i, row := range r.Rows {
		if p.GetY()+rh > pageH-margin-6 {
			p.AddPage()
			header()
		}
		p.font(10.5)
		p.SetX(margin)
		cells := []string{strconv.Itoa(i + 1), row.Name, strconv.Itoa(row.Persons), row.Programme, row.Tier, row.Amount, row.Account}
		for j, c := range cols {
			s := cells[j]
			if lines := p.wrap(s, c.w-2); len(lines) > 0 {
				s = lines[0]
			}
			p.CellFormat(c.w, rh, s, "1", 0, c.align, false, 0, "")
		}
		p.Ln(rh)
	}
	if len(r.Rows) == 0 {
		p.SetX(margin)
		p.font(10.5)
		p.CellFormat(bodyW, rh, "（无）", "1", 1, "C", false, 0, "")
	}
	p.Ln(3)
	p.font(11)
	p.SetX(margin)
	p.CellFormat(bodyW, 7, "共 "+strconv.Itoa(len(r.Rows))+" 笔，合计 "+or(r.Total, "0.00")+" 元。账号仅显示末四位，不公布身份证号码。", "", 1, "L", false, 0, "")
	p.Ln(8)
	if p.GetY()+20 > pageH-margin {
		p.AddPage()
	}
	p.font(12)
	p.SetX(pageW - margin - 80)
	p.CellFormat(80, 8, r.Issuer, "", 1, "C", false, 0, "")
	p.SetX(pageW - margin - 80)
	p.CellFormat(80, 8, dateZh(r.Date), "", 1, "C", false, 0, "")
	return p.finish(w)
}
