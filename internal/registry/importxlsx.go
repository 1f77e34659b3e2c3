package registry

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// fastSheet reads the rows of a worksheet straight from the xlsx package
// with a small scanner for the few elements a worksheet's data uses (row,
// c, v, is, t, f). It is some ten times faster than excelize's iterator,
// which decodes every cell through encoding/xml. Anything it does not
// expect makes it fail with errFastXLSX, and ReadFile then reads the file
// again with excelize: the fast path never decides that a file is bad.
type fastSheet struct {
	rc    io.ReadCloser
	x     *xmlScan
	sst   []string
	d1904 bool
	row   int
	cells []string
	text  []byte
	done  bool
}

var errFastXLSX = errors.New("registry: xlsx needs the general reader")

// errDamagedXLSX is a file whose text is not valid UTF-8 or holds NUL
// characters, which no spreadsheet program writes (and excelize would
// silently cut the sheet short at).
var errDamagedXLSX = importInvalid("file", "Excel 文件已损坏（含有无效字符），请在 Excel 中打开并另存后重新导入",
	"the .xlsx file is damaged (invalid characters); open and save it again in Excel")

// impCleanText reports whether s is fit to store: valid UTF-8 without NUL.
func impCleanText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

// openFastSheet opens the sheet 家庭成员, or else the first sheet.
func openFastSheet(data []byte) (s *fastSheet, err error) {
	defer func() {
		if recover() != nil {
			s, err = nil, errFastXLSX
		}
	}()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errFastXLSX
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.TrimPrefix(f.Name, "/")] = f
	}
	small := func(name string, v any) bool {
		f := files[name]
		if f == nil || f.UncompressedSize64 > 16<<20 {
			return false
		}
		rc, err := f.Open()
		if err != nil {
			return false
		}
		defer rc.Close()
		return xml.NewDecoder(rc).Decode(v) == nil
	}
	type rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	var root rels
	if !small("_rels/.rels", &root) {
		return nil, errFastXLSX
	}
	book := ""
	for _, r := range root.Rel {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			book = strings.TrimPrefix(r.Target, "/")
		}
	}
	var wb struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var bookRels rels
	dir := path.Dir(book)
	if book == "" || !small(book, &wb) || !small(path.Join(dir, "_rels", path.Base(book)+".rels"), &bookRels) || len(wb.Sheets) == 0 {
		return nil, errFastXLSX
	}
	sheet := wb.Sheets[0]
	for _, sh := range wb.Sheets {
		if sh.Name == sheetMembers {
			sheet = sh
			break
		}
	}
	if sheet.RID == "" {
		return nil, errFastXLSX // e.g. Strict OOXML's other namespace
	}
	target := func(r string) string {
		if strings.HasPrefix(r, "/") {
			return strings.TrimPrefix(r, "/")
		}
		return path.Join(dir, r)
	}
	sheetPath, sstPath := "", ""
	for _, r := range bookRels.Rel {
		switch {
		case r.ID == sheet.RID:
			sheetPath = target(r.Target)
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			sstPath = target(r.Target)
		}
	}
	s = &fastSheet{d1904: wb.Pr.Date1904 == "1" || wb.Pr.Date1904 == "true"}
	if sstPath != "" {
		if s.sst, err = readSharedStrings(files[sstPath]); err != nil {
			return nil, err
		}
	}
	f := files[sheetPath]
	if f == nil {
		return nil, errFastXLSX
	}
	if s.rc, err = f.Open(); err != nil {
		return nil, errFastXLSX
	}
	s.x = newXMLScan(s.rc)
	// Skip to the sheet's data.
	for {
		kind, name, _, err := s.x.next(false, nil)
		if err != nil || kind == tokEOF {
			s.close()
			return nil, errFastXLSX
		}
		if kind == tokStart && string(name) == "sheetData" {
			return s, nil
		}
		if kind == tokSelf && string(name) == "sheetData" {
			s.done = true
			return s, nil
		}
	}
}

// readSharedStrings reads the shared string table: the text of each si,
// its runs joined, phonetic runs (rPh) left out.
func readSharedStrings(f *zip.File) ([]string, error) {
	if f == nil {
		return nil, errFastXLSX
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	x := newXMLScan(rc)
	var out []string
	if f.UncompressedSize64 > 0 && f.UncompressedSize64 < 1<<30 {
		out = make([]string, 0, f.UncompressedSize64/64)
	}
	var text []byte
	inSI, inT, rph := false, false, 0
	for {
		kind, name, _, err := x.next(inT && rph == 0, &text)
		if err != nil {
			return nil, err
		}
		switch kind {
		case tokEOF:
			return out, nil
		case tokStart:
			switch string(name) {
			case "si":
				inSI, text = true, text[:0]
			case "t":
				inT = inSI
			case "rPh":
				rph++
			}
		case tokEnd:
			switch string(name) {
			case "si":
				if !impCleanText(string(text)) {
					return nil, errDamagedXLSX
				}
				out = append(out, string(text))
				inSI = false
			case "t":
				inT = false
			case "rPh":
				rph--
			}
		case tokSelf:
			if string(name) == "si" {
				out = append(out, "")
			}
		}
	}
}

func (s *fastSheet) next() (int, []string, error) {
	if s.done {
		return 0, nil, io.EOF
	}
	s.cells = s.cells[:0]
	col, inRow := 0, false
	var typ, v []byte
	inV, inIS, inT, rph := false, false, false, 0
	var typBuf [16]byte
	for {
		kind, name, attrs, err := s.x.next(inV || (inIS && inT && rph == 0), &s.text)
		if err != nil {
			return 0, nil, errFastXLSX
		}
		switch kind {
		case tokEOF:
			return 0, nil, errFastXLSX // no </sheetData>
		case tokStart, tokSelf:
			switch string(name) {
			case "row":
				if inRow {
					return 0, nil, errFastXLSX
				}
				r, ok := xmlIntAttr(attrs, "r")
				if !ok {
					r = s.row + 1
				}
				if r <= s.row || r > 1_048_576 {
					return 0, nil, errFastXLSX
				}
				s.row, col, inRow = r, 0, kind == tokStart
				if kind == tokSelf {
					return s.row, s.cells, nil
				}
			case "c":
				if !inRow {
					return 0, nil, errFastXLSX
				}
				if ref, ok := xmlAttr(attrs, "r"); ok {
					c, ok := xlColIndex(ref)
					if !ok || c < col {
						return 0, nil, errFastXLSX
					}
					col = c
				}
				t, _ := xmlAttr(attrs, "t")
				typ = append(typBuf[:0], t...)
				s.text = s.text[:0]
				if kind == tokSelf {
					col++
				}
			case "v":
				inV, s.text = kind == tokStart, s.text[:0]
			case "is":
				inIS, s.text = kind == tokStart, s.text[:0]
			case "t":
				inT = inIS && kind == tokStart
			case "rPh":
				if kind == tokStart {
					rph++
				}
			}
		case tokEnd:
			switch string(name) {
			case "v":
				inV = false
				v = s.text
			case "t":
				inT = false
			case "rPh":
				rph--
			case "is":
				inIS = false
				v = s.text
			case "c":
				val := ""
				switch string(typ) {
				case "s":
					i, err := strconv.Atoi(string(v))
					if err != nil || i < 0 || i >= len(s.sst) {
						return 0, nil, errFastXLSX
					}
					val = s.sst[i]
				default: // n, str, inlineStr, b, e, d: as stored
					val = string(v)
					if !impCleanText(val) {
						return 0, nil, errDamagedXLSX
					}
				}
				if val != "" {
					if col >= 16384 {
						return 0, nil, errFastXLSX
					}
					for len(s.cells) < col {
						s.cells = append(s.cells, "")
					}
					s.cells = append(s.cells, val)
				}
				col++
				v = nil
				s.text = s.text[:0]
			case "row":
				return s.row, s.cells, nil
			case "sheetData":
				if inRow {
					return 0, nil, errFastXLSX
				}
				s.done = true
				return 0, nil, io.EOF
			}
		}
	}
}

func (s *fastSheet) close() {
	if s.rc != nil {
		s.rc.Close()
	}
}

func (s *fastSheet) date1904() bool { return s.d1904 }

// xlColIndex returns the 0-based column of a cell reference ("AB12" → 27).
func xlColIndex(ref string) (int, bool) {
	c, i := 0, 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		c = c*26 + int(ref[i]-'A'+1)
		if c > 16384 {
			return 0, false
		}
	}
	if i == 0 || i == len(ref) {
		return 0, false
	}
	return c - 1, true
}

func xmlIntAttr(attrs []byte, name string) (int, bool) {
	v, ok := xmlAttr(attrs, name)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// attr returns the value of the attribute with the local name (no
// prefix) in the attributes of a tag.
func xmlAttr(attrs []byte, name string) (string, bool) {
	for len(attrs) > 0 {
		attrs = xmlSkipSpace(attrs)
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 {
			return "", false
		}
		key := xmlTrimSpace(attrs[:eq])
		rest := xmlSkipSpace(attrs[eq+1:])
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return "", false
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return "", false
		}
		if string(xmlLocalName(key)) == name {
			return xmlUnescape(rest[1 : 1+end]), true
		}
		attrs = rest[2+end:]
	}
	return "", false
}

func xmlSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func xmlSkipSpace(b []byte) []byte {
	for len(b) > 0 && xmlSpace(b[0]) {
		b = b[1:]
	}
	return b
}

func xmlTrimSpace(b []byte) []byte {
	b = xmlSkipSpace(b)
	for len(b) > 0 && xmlSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// The kinds of token xmlScan returns.
const (
	tokEOF = iota
	tokStart
	tokEnd
	tokSelf
)

// xmlScan is a minimal XML tokenizer for the parts of an xlsx package:
// tags with their local name and raw attributes, and (when asked) the
// decoded text before each tag. It skips declarations, comments and
// processing instructions and keeps CDATA as text.
type xmlScan struct {
	r   *bufio.Reader
	tag []byte
	raw []byte
}

func newXMLScan(r io.Reader) *xmlScan { return &xmlScan{r: bufio.NewReaderSize(r, 64<<10)} }

// next reads the next tag; if capture, the text before it is decoded and
// appended to *text. name is the local name; the slices are valid until
// the next call.
func (x *xmlScan) next(capture bool, text *[]byte) (kind int, name, attrs []byte, err error) {
	for {
		x.raw = x.raw[:0]
		for {
			chunk, err := x.r.ReadSlice('<')
			if err == bufio.ErrBufferFull {
				x.raw = append(x.raw, chunk...)
				continue
			}
			if err == io.EOF {
				if len(bytes.TrimSpace(append(x.raw, chunk...))) > 0 && capture {
					return 0, nil, nil, errFastXLSX
				}
				return tokEOF, nil, nil, nil
			}
			if err != nil {
				return 0, nil, nil, err
			}
			x.raw = append(x.raw, chunk[:len(chunk)-1]...)
			break
		}
		if capture && len(x.raw) > 0 {
			if bytes.IndexByte(x.raw, '&') < 0 {
				*text = append(*text, x.raw...)
			} else {
				*text = append(*text, xmlUnescape(x.raw)...)
			}
		}
		if err := x.readTag(); err != nil {
			return 0, nil, nil, err
		}
		t := x.tag
		switch {
		case bytes.HasPrefix(t, []byte("![CDATA[")):
			if capture {
				*text = append(*text, t[len("![CDATA["):len(t)-2]...)
			}
			continue
		case len(t) == 0, t[0] == '?', t[0] == '!':
			continue
		case t[0] == '/':
			return tokEnd, xmlLocalName(xmlTrimSpace(t[1:])), nil, nil
		}
		kind = tokStart
		if t[len(t)-1] == '/' {
			kind, t = tokSelf, t[:len(t)-1]
		}
		end := 0
		for end < len(t) && !xmlSpace(t[end]) {
			end++
		}
		return kind, xmlLocalName(t[:end]), t[end:], nil
	}
}

// readTag reads a tag's content after '<' up to its '>', not stopping at
// a '>' inside quotes, a comment or a CDATA section.
func (x *xmlScan) readTag() error {
	x.tag = x.tag[:0]
	for {
		chunk, err := x.r.ReadSlice('>')
		if err == bufio.ErrBufferFull {
			x.tag = append(x.tag, chunk...)
			continue
		}
		if err != nil {
			return errFastXLSX
		}
		x.tag = append(x.tag, chunk...)
		t := x.tag
		switch {
		case bytes.HasPrefix(t, []byte("!--")):
			if !bytes.HasSuffix(t, []byte("-->")) || len(t) < 6 {
				continue
			}
		case bytes.HasPrefix(t, []byte("![CDATA[")):
			if !bytes.HasSuffix(t, []byte("]]>")) || len(t) < 11 {
				continue
			}
		default:
			if xmlQuotesOpen(t) {
				continue
			}
		}
		x.tag = t[:len(t)-1]
		return nil
	}
}

func xmlQuotesOpen(t []byte) bool {
	if bytes.IndexByte(t, '\'') < 0 {
		return bytes.Count(t, []byte{'"'})%2 == 1
	}
	var q byte
	for _, c := range t {
		switch {
		case q == 0 && (c == '"' || c == '\''):
			q = c
		case c == q:
			q = 0
		}
	}
	return q != 0
}

func xmlLocalName(n []byte) []byte {
	if i := bytes.LastIndexByte(n, ':'); i >= 0 {
		return n[i+1:]
	}
	return n
}

// xmlUnescape decodes the five named entities and character references;
// anything else after '&' stays as it is.
func xmlUnescape(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b)
	}
	var out strings.Builder
	out.Grow(len(b))
	for len(b) > 0 {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			out.Write(b)
			break
		}
		out.Write(b[:i])
		b = b[i:]
		semi := bytes.IndexByte(b, ';')
		if semi < 0 || semi > 12 {
			out.WriteByte('&')
			b = b[1:]
			continue
		}
		ent := string(b[1:semi])
		switch ent {
		case "lt":
			out.WriteByte('<')
		case "gt":
			out.WriteByte('>')
		case "amp":
			out.WriteByte('&')
		case "quot":
			out.WriteByte('"')
		case "apos":
			out.WriteByte('\'')
		default:
			var n uint64
			var err error = strconv.ErrSyntax
			if strings.HasPrefix(ent, "#x") || strings.HasPrefix(ent, "#X") {
				n, err = strconv.ParseUint(ent[2:], 16, 32)
			} else if strings.HasPrefix(ent, "#") {
				n, err = strconv.ParseUint(ent[1:], 10, 32)
			}
			if err != nil || n == 0 || !utf8.ValidRune(rune(n)) {
				out.WriteByte('&')
				b = b[1:]
				continue
			}
			out.WriteRune(rune(n))
		}
		b = b[semi+1:]
	}
	return out.String()
}
