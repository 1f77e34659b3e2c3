package document

import (
	_ "embed"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"
)

// fontTTF is WenQuanYi Micro Hei, face 0 of Debian's wqy-microhei.ttc
// (fonts/README.md): one TrueType face with CJK, digits and Latin.
//
//go:embed fonts/wqy-microhei.ttf
var fontTTF []byte

const (
	family = "wqy"
	pageW  = 210.0 // A4, mm
	pageH  = 297.0
	margin = 20.0
	bodyW  = pageW - 2*margin
)

// china is the zone dates on papers are written in.
var china = time.FixedZone("CST", 8*3600)

// compress is turned off by tests that read the content streams.
var compress = true

// page is an fpdf document with the helpers the papers share.
type page struct {
	*fpdf.Fpdf
}

// newPDF starts an A4 portrait document with the CJK face, its metadata
// and its creation date set from the input (so output is deterministic).
func newPDF(title string, created time.Time) *page {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(compress)
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, margin)
	f.AddUTF8FontFromBytes(family, "", fontTTF)
	f.SetTitle(title, true)
	f.SetCreator("SafetyNet 安全网", true)
	f.SetProducer("SafetyNet", false)
	f.SetLang("zh-CN")
	if created.IsZero() {
		created = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	f.SetCreationDate(created)
	f.SetModificationDate(created)
	f.SetCatalogSort(true)
	f.AliasNbPages("{nb}")
	p := &page{f}
	f.SetFooterFunc(func() {
		f.SetY(-14)
		p.font(9)
		f.SetTextColor(110, 110, 110)
		f.CellFormat(0, 5, fmt.Sprintf("第 %d 页 / 共 {nb} 页", f.PageNo()), "", 0, "C", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})
	f.AddPage()
	return p
}

func (p *page) font(size float64) { p.SetFont(family, "", size) }

// finish writes the document to w, reporting any error fpdf collected.
func (p *page) finish(w io.Writer) error {
	if err := p.Error(); err != nil {
		return err
	}
	return p.Output(w)
}

// title writes a centred heading.
func (p *page) title(s string, size float64) {
	p.font(size)
	p.CellFormat(0, size*0.6, s, "", 1, "C", false, 0, "")
	p.Ln(size * 0.25)
}

// para writes s wrapped to width w at the left margin, lines h apart,
// first-line indented by indent characters (全角, 2 for body text).
func (p *page) para(s string, size, h float64, indent int) {
	p.font(size)
	lead := strings.Repeat("\u3000", indent)
	for _, block := range strings.Split(s, "\n") {
		for _, line := range p.wrap(lead+block, bodyW) {
			p.SetX(margin)
			p.CellFormat(bodyW, h, line, "", 1, "L", false, 0, "")
		}
	}
}

// field writes "label：value" with value wrapped beside the label.
func (p *page) field(label, value string, size, h, labelW float64) {
	p.font(size)
	lines := p.wrap(value, bodyW-labelW)
	if len(lines) == 0 {
		lines = []string{""}
	}
	for i, line := range lines {
		p.SetX(margin)
		l := ""
		if i == 0 {
			l = label + "："
		}
		p.CellFormat(labelW, h, l, "", 0, "L", false, 0, "")
		p.CellFormat(bodyW-labelW, h, line, "", 1, "L", false, 0, "")
	}
}

// rule draws a horizontal line across the body at the current position.
func (p *page) rule() {
	y := p.GetY()
	p.SetDrawColor(120, 120, 120)
	p.Line(margin, y, pageW-margin, y)
	p.SetDrawColor(0, 0, 0)
}

// noBreakStart are characters a line must not start with (行首禁则).
const noBreakStart = "，。、；：？！）》」』】〕”’,.;:?!)]}%"

// wrap splits s into lines no wider than w in the current font. Chinese
// breaks between any two characters, Latin runs only at spaces (a word
// wider than the line is cut), and closing punctuation stays on the line
// before. fpdf's MultiCell drops a character at each break in Chinese
// text, so the papers use this instead.
func (p *page) wrap(s string, w float64) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		lines = append(lines, p.wrapLine([]rune(para), w)...)
	}
	return lines
}

func (p *page) wrapLine(rs []rune, w float64) []string {
	if len(rs) == 0 {
		return []string{""}
	}
	var lines []string
	for len(rs) > 0 {
		// the longest prefix that fits
		n, width := 0, 0.0
		for n < len(rs) {
			cw := p.GetStringWidth(string(rs[n]))
			if width+cw > w && n > 0 {
				break
			}
			width += cw
			n++
		}
		if n < len(rs) {
			// Latin: go back to the last space within the run, if any.
			if isWordRune(rs[n]) && isWordRune(rs[n-1]) {
				k := n - 1
				for k > 0 && isWordRune(rs[k-1]) {
					k--
				}
				if k > 0 {
					n = k
				}
			}
			// Keep closing punctuation with the line before (pull back
			// one character so the mark has company on the next line).
			if strings.ContainsRune(noBreakStart, rs[n]) && n > 1 {
				n--
			}
		}
		lines = append(lines, strings.TrimRight(string(rs[:n]), " "))
		rs = rs[n:]
		for len(rs) > 0 && rs[0] == ' ' {
			rs = rs[1:]
		}
	}
	return lines
}

// isWordRune reports whether r is part of a Latin word or number, which is
// not broken inside.
func isWordRune(r rune) bool {
	return r < 0x2E80 && !unicode.IsSpace(r) && !strings.ContainsRune("，。、；：？！（）", r)
}

// dateZh writes t's civil date in China as "2025年9月1日"; "" for zero.
func dateZh(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(china)
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// timeZh writes t in China to the minute; "" for zero.
func timeZh(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(china)
	return fmt.Sprintf("%d年%d月%d日 %02d:%02d", t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute())
}

// or returns s, or dflt when s is blank.
func or(s, dflt string) string {
	if strings.TrimSpace(s) == "" {
		return dflt
	}
	return s
}
