package document

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// DecisionKind says whether a decision grants or refuses assistance.
type DecisionKind string

// The decision kinds.
const (
	Approve DecisionKind = "approve"
	Refuse  DecisionKind = "refuse"
)

// Decision is the written decision on an application: the approval notice
// (审核确认通知书) or the refusal (不予救助决定通知书), which must state
// the reasons and how to appeal.
type Decision struct {
	Kind              DecisionKind
	Tracking          string
	Applicant         string
	ApplicantIDMasked string
	Address           string // the household's village
	Programme         string // e.g. 最低生活保障
	Amount            string // e.g. 1532.01 (yuan)
	Period            string // e.g. 每月, 一次性
	BenefitStart      string // e.g. 2025年11月; "" when not a monthly benefit
	Tier              string // optional tier or category, e.g. A档, 集中供养
	Reasons           string // the reasons (required for a refusal)
	PolicyRef         string // the policy version applied, e.g. 530100000000 2025-07-01
	Authority         string // who decided, e.g. 五华区民政局
	// Appeal is where an administrative review can be applied for; a
	// standard sentence naming the authority's government when empty.
	Appeal string
	Date   time.Time // the day of the decision
}

// RenderDecision writes d as a one-page A4 PDF.
func RenderDecision(w io.Writer, d Decision) error {
	var title string
	switch d.Kind {
	case Approve:
		title = d.Programme + "审核确认通知书"
	case Refuse:
		title = "不予" + d.Programme + "决定通知书"
		if strings.TrimSpace(d.Reasons) == "" {
			return fmt.Errorf("document: a refusal must state its reasons")
		}
	default:
		return fmt.Errorf("document: unknown decision kind %q", d.Kind)
	}
	p := newPDF(title, d.Date)
	p.title(title, 19)
	p.font(11)
	p.CellFormat(0, 6, "编号："+d.Tracking, "", 1, "R", false, 0, "")
	p.Ln(4)
	p.para(or(d.Applicant, "申请人")+"（身份证号 "+or(d.ApplicantIDMasked, "—")+"）：", 13, 9, 0)
	var body strings.Builder
	fmt.Fprintf(&body, "你（户）于受理编号 %s 提出的%s申请，", d.Tracking, d.Programme)
	if d.Kind == Approve {
		body.WriteString("经调查核实、审核确认，符合条件，")
		fmt.Fprintf(&body, "决定给予%s", d.Programme)
		if d.Amount != "" {
			fmt.Fprintf(&body, "，%s%s元", or(d.Period, ""), d.Amount)
		}
		if d.Tier != "" {
			fmt.Fprintf(&body, "（%s）", d.Tier)
		}
		if d.BenefitStart != "" {
			fmt.Fprintf(&body, "，自%s起发放", d.BenefitStart)
		}
		body.WriteString("。")
		if d.Reasons != "" {
			body.WriteString("\n" + d.Reasons)
		}
		body.WriteString("\n请按规定如实申报家庭人口、收入和财产的变化情况，配合定期核查。家庭状况发生变化的，应及时告知乡镇人民政府（街道办事处）。")
	} else {
		body.WriteString("经审核，不符合条件，决定不予批准。\n理由：" + strings.TrimSpace(d.Reasons))
		appeal := d.Appeal
		if appeal == "" {
			appeal = "如对本决定不服，可以自收到本通知书之日起六十日内依法向" + or(d.Authority, "作出决定的机关") +
				"的本级人民政府或者上一级主管部门申请行政复议，或者自收到本通知书之日起六个月内依法向人民法院提起行政诉讼。"
		}
		body.WriteString("\n" + appeal)
	}
	p.para(body.String(), 13, 9, 2)
	p.Ln(4)
	const lw, h = 30.0, 8.0
	p.rule()
	p.Ln(2)
	p.field("救助项目", d.Programme, 11, h, lw)
	if d.Address != "" {
		p.field("家庭住址", d.Address, 11, h, lw)
	}
	if d.Kind == Approve {
		if d.Amount != "" {
			p.field("救助金额", strings.TrimSpace(d.Period+" "+d.Amount+" 元"), 11, h, lw)
		}
		if d.BenefitStart != "" {
			p.field("起始发放", d.BenefitStart, 11, h, lw)
		}
	}
	if d.PolicyRef != "" {
		p.field("适用标准", d.PolicyRef, 11, h, lw)
	}
	p.Ln(14)
	p.font(13)
	p.SetX(pageW - margin - 80)
	p.CellFormat(80, 9, or(d.Authority, "")+"（盖章）", "", 1, "C", false, 0, "")
	p.SetX(pageW - margin - 80)
	p.CellFormat(80, 9, or(dateZh(d.Date), "    年  月  日"), "", 1, "C", false, 0, "")
	p.Ln(12)
	p.rule()
	p.Ln(2)
	p.para("签收人：                    签收日期：      年    月    日", 11, 8, 0)
	return p.finish(w)
}
