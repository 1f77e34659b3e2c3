package document

import (
	"fmt"
	"io"
	"time"
)

// Verification is the household economic-status verification report
// (居民家庭经济状况核对报告) as printed: the household, each member with
// what each source said, which answers came from paper replies (手工比对),
// the verdict with its reasons, the policy applied and the data's date.
type Verification struct {
	Number    string // report number, e.g. HD123456
	Household string // e.g. 户主 张三（3人）
	Address   string // the village path
	Case      string // the case's receipt number, "" when not from a case
	AsOf      string // the date the data are as of
	Policy    string // the policy version applied
	Verdict   string // e.g. 符合条件
	Reasons   []string
	Note      string // the centre's note on a manual check
	Members   []VerificationMember
	Sources   []VerificationSource
	Issuer    string    // e.g. 五华区居民家庭经济状况核对中心
	Date      time.Time // the day the report was produced
}

// VerificationMember is one member and the findings about them.
type VerificationMember struct {
	Name     string
	ID       string // the resident ID, masked unless the reader may see it whole
	Findings []VerificationFinding
}

// VerificationFinding is one line of what a source found.
type VerificationFinding struct {
	Source string // the source's Chinese name
	What   string // kind, value, area, reference, detail
	Manual bool   // from a paper reply
}

// VerificationSource is how a source answered.
type VerificationSource struct {
	Name string // Chinese name
	Mode string // 联网比对 / 手工比对 / 未答复
	Date string // snapshot or reply date
}

// RenderVerification writes the report as an A4 PDF.
func RenderVerification(w io.Writer, v Verification) error {
	if v.Number == "" {
		return fmt.Errorf("document: a verification report needs its number")
	}
	const title = "居民家庭经济状况核对报告"
	p := newPDF(title+" "+v.Number, v.Date)
	p.title(title, 19)
	p.font(11)
	p.CellFormat(0, 6, "报告编号："+v.Number, "", 1, "R", false, 0, "")
	p.Ln(2)
	const lw, h = 30.0, 7.0
	p.field("核对对象", or(v.Household, "—"), 11, h, lw)
	p.field("家庭住址", or(v.Address, "—"), 11, h, lw)
	if v.Case != "" {
		p.field("受理编号", v.Case, 11, h, lw)
	}
	p.field("数据截至", or(v.AsOf, "—"), 11, h, lw)
	p.field("适用政策", or(v.Policy, "—"), 11, h, lw)
	p.Ln(2)
	p.rule()
	p.Ln(2)
	p.font(13)
	p.CellFormat(0, 8, "一、核对结论："+or(v.Verdict, "—"), "", 1, "L", false, 0, "")
	for i, r := range v.Reasons {
		p.para(fmt.Sprintf("%d. %s", i+1, r), 11, 6.5, 2)
	}
	if v.Note != "" {
		p.para("核对中心人工核实情况："+v.Note, 11, 6.5, 2)
	}
	p.Ln(2)
	p.font(13)
	p.CellFormat(0, 8, "二、家庭成员核对情况", "", 1, "L", false, 0, "")
	cols := []struct {
		head string
		w    float64
	}{{"成员", 42}, {"数据源", 38}, {"核对结果", bodyW - 42 - 38 - 18}, {"方式", 18}}
	const rh = 7.0
	header := func() {
		p.font(10)
		p.SetFillColor(235, 235, 235)
		p.SetX(margin)
		for _, c := range cols {
			p.CellFormat(c.w, rh, c.head, "1", 0, "C", true, 0, "")
		}
		p.Ln(rh)
	}
	header()
	row := func(cells [4]string) {
		p.font(10)
		lines := p.wrap(cells[2], cols[2].w-2)
		if len(lines) == 0 {
			lines = []string{""}
		}
		hgt := rh * float64(len(lines))
		if p.GetY()+hgt > pageH-margin-6 {
			p.AddPage()
			header()
		}
		y := p.GetY()
		x := margin
		for j, c := range cols {
			p.SetXY(x, y)
			if j == 2 {
				for k, l := range lines {
					p.SetXY(x, y+rh*float64(k))
					border := "LR"
					if k == 0 {
						border += "T"
					}
					if k == len(lines)-1 {
						border += "B"
					}
					p.CellFormat(c.w, rh, l, border, 0, "L", false, 0, "")
				}
			} else {
				s := cells[j]
				if ls := p.wrap(s, c.w-2); len(ls) > 0 {
					s = ls[0]
				}
				p.CellFormat(c.w, hgt, s, "1", 0, "C", false, 0, "")
			}
			x += c.w
		}
		p.SetXY(margin, y+hgt)
	}
	for _, m := range v.Members {
		who := m.Name
		if m.ID != "" {
			who += " " + m.ID
		}
		if len(m.Findings) == 0 {
			row([4]string{who, "全部数据源", "未查到相关记录", ""})
			continue
		}
		for _, f := range m.Findings {
			mode := "联网"
			if f.Manual {
				mode = "手工"
			}
			row([4]string{who, f.Source, f.What, mode})
		}
	}
	p.Ln(4)
	p.font(13)
	p.CellFormat(0, 8, "三、数据源答复情况", "", 1, "L", false, 0, "")
	for _, s := range v.Sources {
		p.para(fmt.Sprintf("%s：%s %s", s.Name, s.Mode, s.Date), 10, 6, 2)
	}
	p.Ln(4)
	p.para("说明：“手工”为未联网数据源的纸质回函经手工比对录入的结果；“联网”为信息化比对结果。本报告仅用于社会救助审核确认，依法保护个人信息。", 10, 6, 0)
	p.Ln(8)
	if p.GetY()+20 > pageH-margin {
		p.AddPage()
	}
	p.font(12)
	p.SetX(pageW - margin - 90)
	p.CellFormat(90, 8, or(v.Issuer, "居民家庭经济状况核对中心")+"（盖章）", "", 1, "C", false, 0, "")
	p.SetX(pageW - margin - 90)
	p.CellFormat(90, 8, dateZh(v.Date), "", 1, "C", false, 0, "")
	return p.finish(w)
}
