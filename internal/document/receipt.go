package document

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// Receipt is the intake receipt (受理回执) the window hands the applicant:
// the tracking number to follow the case with, what was applied for, who
// decides, what is still missing and when the next step is due.
type Receipt struct {
	Tracking          string    // receipt number, e.g. 530102001-20250901-000001
	Applicant         string    // the applicant's name
	ApplicantIDMasked string    // the applicant's resident ID, masked
	Household         string    // the household, e.g. "户主 张三"
	Address           string    // the village, e.g. "云南省 昆明市 五华区 华山街道 …社区"
	Programme         string    // e.g. 最低生活保障
	Department        string    // the deciding department, e.g. 民政部门
	Window            string    // the receiving window, e.g. 华山街道社会救助服务窗口
	Status            string    // where the case stands, e.g. 已受理
	SubmittedAt       time.Time // when the application was registered
	AcceptedAt        time.Time // when it was accepted; zero before acceptance
	Missing           []string  // materials still to hand in, each named in full
	NextDue           string    // the next step and its last day
	Clerk             string    // who handled it at the window
}

// RenderReceipt writes r as a one-page A4 PDF with a QR code of the
// tracking number.
func RenderReceipt(w io.Writer, r Receipt) error {
	if strings.TrimSpace(r.Tracking) == "" {
		return fmt.Errorf("document: receipt without a tracking number")
	}
	created := r.AcceptedAt
	if created.IsZero() {
		created = r.SubmittedAt
	}
	p := newPDF("社会救助申请受理回执 "+r.Tracking, created)
	p.title("社会救助申请受理回执", 20)
	p.font(10)
	p.CellFormat(0, 6, "（一门受理、协同办理）", "", 1, "C", false, 0, "")
	p.Ln(4)

	// The QR code of the tracking number, top right of the details.
	top := p.GetY()
	if png, err := qrcode.Encode(r.Tracking, qrcode.Medium, 256); err == nil {
		p.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
		p.ImageOptions("qr", pageW-margin-32, top, 32, 32, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		p.SetXY(pageW-margin-36, top+32)
		p.font(8)
		p.CellFormat(40, 4, "扫码查询办理进度", "", 0, "C", false, 0, "")
		p.SetXY(margin, top)
	} else {
		return fmt.Errorf("document: qr code: %w", err)
	}

	p.font(12)
	p.SetX(margin)
	p.CellFormat(28, 9, "受理编号：", "", 0, "L", false, 0, "")
	p.font(15)
	p.CellFormat(100, 9, r.Tracking, "", 1, "L", false, 0, "")
	const lw, h = 28.0, 8.0
	p.field("申请人", r.Applicant, 12, h, lw)
	p.field("身份证号", or(r.ApplicantIDMasked, "—"), 12, h, lw)
	p.SetY(max(p.GetY(), top+40))
	p.field("家庭", or(r.Household, "—"), 12, h, lw)
	p.field("住址", or(r.Address, "—"), 12, h, lw)
	p.field("申请事项", r.Programme, 12, h, lw)
	p.field("承办部门", or(r.Department, "—"), 12, h, lw)
	p.field("受理窗口", or(r.Window, "—"), 12, h, lw)
	p.field("申请时间", or(timeZh(r.SubmittedAt), "—"), 12, h, lw)
	p.field("受理时间", or(timeZh(r.AcceptedAt), "尚未受理（材料齐全后受理）"), 12, h, lw)
	p.field("办理状态", or(r.Status, "—"), 12, h, lw)
	if r.NextDue != "" {
		p.field("下一环节", r.NextDue, 12, h, lw)
	}
	p.Ln(3)
	p.rule()
	p.Ln(3)
	if len(r.Missing) > 0 {
		p.para("需补齐的材料（请一次性补齐）：", 12, h, 0)
		for i, m := range r.Missing {
			p.para(fmt.Sprintf("%d. %s", i+1, m), 11, 7, 1)
		}
	} else {
		p.para("申请材料已齐全。", 12, h, 0)
	}
	p.Ln(3)
	p.para("您的申请已登记。请妥善保管本回执，凭受理编号到任一乡镇（街道）窗口或村（社区）服务点查询办理进度。"+
		"对办理过程有疑问或意见的，可向受理窗口或县级民政部门反映。", 11, 7, 2)
	p.Ln(10)
	p.SetX(pageW - margin - 80)
	p.font(12)
	p.CellFormat(80, h, "经办人："+or(r.Clerk, "            "), "", 1, "L", false, 0, "")
	p.SetX(pageW - margin - 80)
	p.CellFormat(80, h, "受理窗口（盖章）", "", 1, "L", false, 0, "")
	p.SetX(pageW - margin - 80)
	p.CellFormat(80, h, or(dateZh(created), "    年  月  日"), "", 1, "L", false, 0, "")
	return p.finish(w)
}
