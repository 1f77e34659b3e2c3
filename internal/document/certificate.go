package document

import (
	"fmt"
	"io"
	"strconv"
	"time"
)

// Certificate is the benefit certificate a recipient household keeps:
// 最低生活保障证 for dibao, 特困人员救助供养证 for 特困. It shows who is
// covered, how much is paid and from when.
type Certificate struct {
	Title          string // e.g. 最低生活保障证; defaults to that
	Number         string // certificate number (the tracking number serves)
	Holder         string // the head of household or the supported person
	HolderIDMasked string
	Address        string
	Category       string // e.g. 城市低保, 农村低保 A档, 分散供养
	Members        []CertificateMember
	Amount         string // e.g. 1532.01
	Period         string // e.g. 每月
	Since          string // first benefit month, e.g. 2025年11月
	Issuer         string // e.g. 五华区民政局
	Date           time.Time
}

// CertificateMember is one person the certificate covers.
type CertificateMember struct {
	Name         string
	Relationship string // e.g. 户主, 配偶, 子女
	IDMasked     string
}

// RenderCertificate writes c as a one-page A4 PDF laid out as a bordered
// certificate.
func RenderCertificate(w io.Writer, c Certificate) error {
	title := or(c.Title, "最低生活保障证")
	p := newPDF(title, c.Date)
	// a double border
	p.SetLineWidth(0.8)
	p.Rect(margin-6, margin-6, pageW-2*margin+12, 190, "D")
	p.SetLineWidth(0.2)
	p.Rect(margin-4, margin-4, pageW-2*margin+8, 186, "D")
	p.Ln(4)
	p.title(title, 24)
	p.font(11)
	p.CellFormat(0, 6, "证号："+or(c.Number, "—"), "", 1, "C", false, 0, "")
	p.Ln(6)
	const lw, h = 30.0, 9.0
	p.field("持证人", c.Holder, 13, h, lw)
	p.field("身份证号", or(c.HolderIDMasked, "—"), 13, h, lw)
	p.field("家庭住址", or(c.Address, "—"), 13, h, lw)
	if c.Category != "" {
		p.field("保障类别", c.Category, 13, h, lw)
	}
	p.field("保障人数", strconv.Itoa(max(len(c.Members), 1))+" 人", 13, h, lw)
	if c.Amount != "" {
		p.field("保障金额", fmt.Sprintf("%s %s 元", or(c.Period, ""), c.Amount), 13, h, lw)
	}
	p.field("起始时间", or(c.Since, "—"), 13, h, lw)
	if len(c.Members) > 0 {
		p.Ln(3)
		p.font(11)
		p.SetFillColor(235, 235, 235)
		p.SetX(margin)
		ws := []float64{50, 40, bodyW - 90}
		for i, s := range []string{"姓名", "与户主关系", "身份证号"} {
			p.CellFormat(ws[i], 7.5, s, "1", 0, "C", true, 0, "")
		}
		p.Ln(7.5)
		for _, m := range c.Members[:min(len(c.Members), 6)] {
			p.SetX(margin)
			for i, s := range []string{m.Name, m.Relationship, m.IDMasked} {
				p.CellFormat(ws[i], 7.5, s, "1", 0, "C", false, 0, "")
			}
			p.Ln(7.5)
		}
	}
	p.SetY(max(p.GetY()+8, margin+150))
	p.font(13)
	p.SetX(pageW - margin - 80)
	p.CellFormat(80, 9, or(c.Issuer, "")+"（盖章）", "", 1, "C", false, 0, "")
	p.SetX(pageW - margin - 80)
	p.CellFormat(80, 9, dateZh(c.Date), "", 1, "C", false, 0, "")
	p.SetY(margin + 196)
	p.para("注意事项：", 11, 7, 0)
	p.para("一、本证是享受救助待遇的凭证，由持证人妥善保管，不得涂改、转借。\n"+
		"二、家庭人口、收入、财产状况发生变化的，应及时向乡镇人民政府（街道办事处）申报。\n"+
		"三、持证家庭应配合定期核查；停止救助的，本证自动失效。", 10.5, 6.5, 0)
	return p.finish(w)
}
