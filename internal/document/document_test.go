package document

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

var day = time.Date(2025, 10, 10, 10, 0, 0, 0, china)

func sampleReceipt() Receipt {
	return Receipt{Tracking: "530102001-20250901-000001", Applicant: "张三", ApplicantIDMasked: "530102********1234",
		Household: "户主 张三（3人）", Address: "云南省 昆明市 五华区 华山街道 翠湖社区", Programme: "最低生活保障",
		Department: "民政部门", Window: "华山街道社会救助服务窗口", Status: "已受理",
		SubmittedAt: day.AddDate(0, -1, -9), AcceptedAt: day.AddDate(0, -1, -9).Add(time.Hour),
		Missing: []string{"张三（530102********1234）的居民家庭经济状况核对授权承诺书", "李四的残疾证"},
		NextDue: "启动入户调查（受理后3个工作日内），2025-09-04前", Clerk: "clerk"}
}

func sampleNotice(rows int) Notice {
	n := Notice{Title: "最低生活保障拟保对象公示", Area: "五华区 华山街道 翠湖社区", Period: "2025年9月12日至2025年9月18日（7天）",
		Issuer: "华山街道办事处", Date: day, Contact: "0871-12345678"}
	for i := range rows {
		n.Rows = append(n.Rows, NoticeRow{Name: "成员" + string(rune('甲'+i%10)), IDMasked: fmt.Sprintf("530102********%04d", i),
			Members: 1 + i%4, Amount: fmt.Sprintf("%d.%02d", 500+i*7, i%100), Note: "A档"})
	}
	return n
}

func sampleDecision(k DecisionKind) Decision {
	d := Decision{Kind: k, Tracking: "530102001-20250901-000001", Applicant: "张三", ApplicantIDMasked: "530102********1234",
		Address: "云南省 昆明市 五华区 华山街道 翠湖社区", Programme: "最低生活保障", Amount: "1532.01", Period: "每月",
		BenefitStart: "2025年11月", PolicyRef: "昆明市 2025-07-01 起执行的标准", Authority: "五华区民政局", Date: day}
	if k == Refuse {
		d.Reasons = "经家庭经济状况核对，家庭成员名下有机动车辆一辆，人均收入高于当地最低生活保障标准。"
	}
	return d
}

func sampleCertificate() Certificate {
	return Certificate{Number: "530102001-20250901-000001", Holder: "张三", HolderIDMasked: "530102********1234",
		Address: "云南省 昆明市 五华区 华山街道 翠湖社区", Category: "城市低保", Amount: "1532.01", Period: "每月",
		Since: "2025年11月", Issuer: "五华区民政局", Date: day,
		Members: []CertificateMember{{"张三", "户主", "530102********1234"}, {"李四", "配偶", "530102********2222"}, {"张小三", "子女", "530102********3131"}}}
}

var pageRE = regexp.MustCompile(`/Type /Page\b[^s]`)

// checkPDF asserts the structure of a PDF: header, trailer, size, the
// number of pages and the embedded, subsetted CJK font.
func checkPDF(t *testing.T, b []byte, pages int) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-1.")) {
		t.Errorf("does not start with %%PDF-: %q", b[:min(len(b), 10)])
	}
	if !bytes.HasSuffix(bytes.TrimRight(b, "\r\n"), []byte("%%EOF")) {
		t.Errorf("does not end with %%%%EOF")
	}
	// The font is 4.6 MB; a subset is a few tens of KB.
	if len(b) < 5_000 || len(b) > 300_000 {
		t.Errorf("size %d bytes", len(b))
	}
	if got := len(pageRE.FindAll(b, -1)); got != pages {
		t.Errorf("%d pages; want %d", got, pages)
	}
	if !bytes.Contains(b, []byte("/FontFile2")) || !bytes.Contains(b, []byte("/Identity-H")) {
		t.Errorf("no embedded TrueType CID font")
	}
}

// utf16Title is how fpdf writes a UTF-8 title into the info dictionary.
func utf16Title(s string) []byte {
	var b []byte
	b = append(b, 0xFE, 0xFF)
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	// escaped as a PDF literal string
	b = bytes.ReplaceAll(b, []byte(`\`), []byte(`\\`))
	b = bytes.ReplaceAll(b, []byte(`(`), []byte(`\(`))
	b = bytes.ReplaceAll(b, []byte(`)`), []byte(`\)`))
	return bytes.ReplaceAll(b, []byte("\r"), []byte(`\r`))
}

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		name   string
		render func(*bytes.Buffer) error
		pages  int
		title  string
	}{
		{"receipt", func(b *bytes.Buffer) error { return RenderReceipt(b, sampleReceipt()) }, 1, "530102001-20250901-000001"},
		{"receipt-unaccepted", func(b *bytes.Buffer) error {
			r := sampleReceipt()
			r.AcceptedAt, r.Missing, r.NextDue = time.Time{}, nil, ""
			return RenderReceipt(b, r)
		}, 1, "受理回执"},
		{"notice", func(b *bytes.Buffer) error { return RenderNotice(b, sampleNotice(12)) }, 1, "拟保对象公示"},
		{"notice-long", func(b *bytes.Buffer) error { return RenderNotice(b, sampleNotice(70)) }, 3, "拟保对象公示"},
		{"notice-empty", func(b *bytes.Buffer) error { return RenderNotice(b, Notice{}) }, 1, "公示"},
		{"approval", func(b *bytes.Buffer) error { return RenderDecision(b, sampleDecision(Approve)) }, 1, "最低生活保障审核确认通知书"},
		{"refusal", func(b *bytes.Buffer) error { return RenderDecision(b, sampleDecision(Refuse)) }, 1, "不予最低生活保障决定通知书"},
		{"certificate", func(b *bytes.Buffer) error { return RenderCertificate(b, sampleCertificate()) }, 1, "最低生活保障证"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a, b bytes.Buffer
			if err := tc.render(&a); err != nil {
				t.Fatal(err)
			}
			checkPDF(t, a.Bytes(), tc.pages)
			// The title is in the document information, in UTF-16.
			if enc := utf16Title(tc.title); !bytes.Contains(a.Bytes(), enc[2:]) {
				t.Errorf("title %q not in the document information", tc.title)
			}
			// Deterministic: the same input gives the same bytes.
			if err := tc.render(&b); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Errorf("two renderings differ")
			}
			if tc.name != "notice-empty" && !bytes.Contains(a.Bytes(), []byte("/CreationDate (D:2025")) {
				t.Errorf("creation date not taken from the input")
			}
			if dir := os.Getenv("DOCUMENT_OUT"); dir != "" { // for looking at the pages
				os.WriteFile(filepath.Join(dir, tc.name+".pdf"), a.Bytes(), 0o644)
			}
		})
	}
}

func TestRenderRefusesIncompleteInput(t *testing.T) {
	var b bytes.Buffer
	if err := RenderReceipt(&b, Receipt{Applicant: "张三"}); err == nil {
		t.Error("receipt without tracking number rendered")
	}
	d := sampleDecision(Refuse)
	d.Reasons = " "
	if err := RenderDecision(&b, d); err == nil || !strings.Contains(err.Error(), "reasons") {
		t.Errorf("refusal without reasons: %v", err)
	}
	d.Kind = "maybe"
	if err := RenderDecision(&b, d); err == nil {
		t.Error("unknown kind rendered")
	}
}

// wrap keeps every character, fits the width and keeps closing
// punctuation off the start of a line (fpdf's MultiCell dropped a
// character at each break of Chinese text).
func TestWrap(t *testing.T) {
	p := newPDF("t", day)
	p.font(12)
	text := "经调查核实，该户家庭人均收入低于当地最低生活保障标准，符合条件，同意纳入最低生活保障范围。" +
		"自2025年11月起发放，每月1532.01元。Tracking 530102001-20250901-000001 applies to the whole household."
	for _, w := range []float64{40, 63, 100, 170} {
		lines := p.wrap(text, w)
		joined := strings.Join(lines, "")
		if strings.ReplaceAll(joined, " ", "") != strings.ReplaceAll(text, " ", "") {
			t.Errorf("width %v: characters lost:\n%q", w, lines)
		}
		for _, l := range lines {
			if p.GetStringWidth(l) > w+0.01 && !strings.Contains(l, "530102001") {
				t.Errorf("width %v: line %q is %.1f wide", w, l, p.GetStringWidth(l))
			}
			if r := []rune(l); len(r) > 0 && strings.ContainsRune("，。、", r[0]) {
				t.Errorf("width %v: line starts with punctuation: %q", w, l)
			}
		}
		for i, l := range lines[:len(lines)-1] {
			if strings.HasSuffix(l, "Tra") || strings.HasPrefix(lines[i+1], "cking") {
				t.Errorf("width %v: a word is split: %q", w, lines)
			}
		}
	}
}
