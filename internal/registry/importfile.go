package registry

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"safetynet/internal/apperr"
)

// Limits of an import file.
const (
	MaxImportBytes  = 50 << 20  // the largest file accepted
	MaxImportRows   = 1_000_000 // the most data rows accepted
	MaxImportErrors = 10_000    // row errors listed; more are counted as Truncated
	maxHeaderScan   = 20        // rows searched for the header (a title may sit above it)
	maxMembers      = 30        // members of one household, as CreateHousehold allows
)

// RowError is one problem in a row of an import file.
type RowError struct {
	Row    int    // as Excel numbers it: the header is row 1 (or wherever it is)
	Column string // the Chinese header of the column, "" for the whole row
	Key    string // the column's English key (see Columns), "" for the whole row
	Value  string // the cell as written, clipped
	Msg    string // user-safe, in Chinese
	MsgEN  string // user-safe, in English
}

// Error returns the error in English without the cell's value (which may
// be a resident ID), for logs.
func (e RowError) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("row %d: %s", e.Row, e.MsgEN)
	}
	return fmt.Sprintf("row %d, column %s: %s", e.Row, e.Key, e.MsgEN)
}

// Zh returns the error in Chinese: "第3行【身份证号码】：…".
func (e RowError) Zh() string {
	if e.Column == "" {
		return fmt.Sprintf("第%d行：%s", e.Row, e.Msg)
	}
	return fmt.Sprintf("第%d行【%s】：%s", e.Row, e.Column, e.Msg)
}

// ImportHousehold is a household read from an import file. Its IDs are 0;
// Members[0] is the head, the others follow in the order of the file.
// Income items belong to a member: the item of Members[i] has PersonID
// -(i+1), the convention of NewHousehold and Store.LoadHouseholds. Assets
// belong to the household (PersonID 0).
type ImportHousehold struct {
	Household Household
	Rows      []int // Rows[i] is the row of Household.Members[i] in the file
}

// ImportFile is an import file read and validated whole by ReadFile.
// Households holds the accepted households; every row of a household with
// any error is rejected, so that loading the good rows never splits a
// household.
type ImportFile struct {
	Format     string // "csv" or "xlsx"
	Households []ImportHousehold
	Rows       int        // data rows read (empty rows are skipped)
	Errors     []RowError // in row order, at most MaxImportErrors
	Truncated  bool       // there were more errors than listed
	Warnings   []RowError // e.g. columns not recognised, which are ignored

	header    []string // the header row as written
	headerRow int
	reasonCol int      // the column 错误原因 of a re-imported rejected file, or -1
	d1904     bool     // the xlsx file counts days from 1904
	pos       []int32  // source row of each data row
	raw       []string // xlsx: the cells of each data row, packed
	csvText   string   // csv: the decoded file
	csvOff    []int    // csv: where each data row starts in csvText
	csvComma  byte
	bad       []bool  // the data row has an error of its own
	rejected  [][]int // rows of each rejected household
}

// Rejected returns the rows not accepted, in order: every row of every
// household with an error.
func (f *ImportFile) Rejected() []int {
	var out []int
	for _, rows := range f.rejected {
		out = append(out, rows...)
	}
	slices.Sort(out)
	return out
}

// Members returns the number of members in the accepted households.
func (f *ImportFile) Members() int {
	n := 0
	for _, h := range f.Households {
		n += len(h.Household.Members)
	}
	return n
}

// Reject records an error found outside the file (a member who already
// belongs to another household) and moves the household with that row to
// the rejected ones. householdIdx is the household's index in Households,
// but the row decides, so an index made stale by an earlier Reject does no
// harm. column is the Chinese header ("身份证号码"), or "" for the row.
// Each call is linear in the size of the file: to reject many, use
// RejectRows.
func (f *ImportFile) Reject(householdIdx int, row int, column, msg, msgEN string) {
	f.RejectRows([]RowError{{Row: row, Column: column, Msg: msg, MsgEN: msgEN}})
}

// RejectRows records errors found outside the file, each naming a row
// and the Chinese header of a column (Key and Value are filled in), and
// moves the households with those rows to the rejected ones, in one pass.
func (f *ImportFile) RejectRows(errs []RowError) {
	if len(errs) == 0 {
		return
	}
	rows := make(map[int]bool, len(errs))
	for _, e := range errs {
		if c, ok := columnByHeader(e.Column); ok {
			e.Key = fileColumns[c].key
		}
		if i := f.dataIndex(e.Row); i >= 0 {
			e.Value = clipCell(f.cell(i, e.Column))
			f.bad[i] = true
		}
		rows[e.Row] = true
		if len(errs) == 1 {
			// One error goes in place, after the others of its row.
			at, _ := slices.BinarySearchFunc(f.Errors, e.Row+1, func(x RowError, r int) int { return x.Row - r })
			f.Errors = slices.Insert(f.Errors, at, e)
		} else {
			f.Errors = append(f.Errors, e)
		}
	}
	if len(errs) > 1 {
		sortImportErrors(f.Errors)
	}
	kept := f.Households[:0]
	for _, h := range f.Households {
		if slices.ContainsFunc(h.Rows, func(r int) bool { return rows[r] }) {
			f.rejected = append(f.rejected, slices.Sorted(slices.Values(h.Rows)))
			continue
		}
		kept = append(kept, h)
	}
	clear(f.Households[len(kept):])
	f.Households = kept
}

// Err returns nil when the file has no errors, else an Invalid error that
// names the first and counts the rest, for a caller that loads nothing.
func (f *ImportFile) Err() error {
	if len(f.Errors) == 0 {
		return nil
	}
	first := f.Errors[0]
	zh, en := first.Zh(), first.Error()
	if n := len(f.Errors) - 1; n > 0 || f.Truncated {
		more, moreEN := "", ""
		if f.Truncated {
			more, moreEN = "至少", "at least "
		}
		zh += fmt.Sprintf("（另有%s%d处错误）", more, n)
		en += fmt.Sprintf(" (and %s%d more errors)", moreEN, n)
	}
	field := fmt.Sprintf("rows[%d]", first.Row)
	if first.Key != "" {
		field += "." + first.Key
	}
	return &apperr.Error{Kind: apperr.Invalid, Op: "registry.ReadFile", Field: field, Msg: zh, MsgEN: en}
}

// dataIndex returns the index of the data row at source row, or -1.
func (f *ImportFile) dataIndex(row int) int {
	i, ok := slices.BinarySearch(f.pos, int32(row))
	if !ok {
		return -1
	}
	return i
}

// cell returns the cell of data row i under the given header, or "".
func (f *ImportFile) cell(i int, header string) string {
	c, ok := columnByHeader(header)
	if !ok {
		return ""
	}
	for j, h := range f.header {
		if k, ok := columnByHeader(h); ok && k == c {
			cells := f.cells(i)
			if j < len(cells) {
				return strings.TrimSpace(cells[j])
			}
		}
	}
	return ""
}

// ReadFile reads a household import file in format "csv" or "xlsx" (a
// file that is plainly the other format, or an old .xls, is recognised by
// its content) and validates every row; lookup resolves village codes.
//
// A CSV file may be UTF-8, with or without a byte-order mark, or GB18030
// (GBK), the encoding Chinese Excel saves CSV in; UTF-16 with a byte-order
// mark (Excel's "Unicode text", tab-separated) is read too. Of an xlsx file
// the sheet 家庭成员 is read, or else the first sheet. The header row may
// sit below a title; columns may come in any order; headers are matched
// ignoring spaces, a leading "*" and full- or half-width brackets; columns
// not recognised are ignored with a warning.
//
// Problems of rows are in the result's Errors, and every row of a
// household with one is in Rejected. The error is an Invalid
// *apperr.Error when the file as a whole cannot be used: too large, more
// than MaxImportRows rows, not a CSV or xlsx file, malformed CSV, no
// header row, a required column missing or a column given twice.
func ReadFile(r io.Reader, format string, lookup DivisionLookup) (*ImportFile, error) {
	data, err := readUpload(r)
	if err != nil {
		return nil, apperr.Wrap(apperr.Invalid, err, "无法读取上传的文件", "cannot read the uploaded file")
	}
	if len(data) > MaxImportBytes {
		return nil, importInvalid("file", fmt.Sprintf("文件超过 %d MB，请拆分后分批导入", MaxImportBytes>>20),
			fmt.Sprintf("the file is larger than %d MB; split it", MaxImportBytes>>20))
	}
	format = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(format), "."))
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		format = "xlsx"
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, importInvalid("file", "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV 后导入",
			"old .xls files are not supported; save as .xlsx or CSV")
	case format == "xlsx":
		return nil, importInvalid("file", "文件不是有效的 Excel (.xlsx) 文件", "the file is not a valid .xlsx file")
	case format == "csv", format == "txt", format == "":
		format = "csv"
	default:
		return nil, importInvalid("format", "文件格式应为 CSV 或 Excel (.xlsx)", "the format must be csv or xlsx")
	}
	var src rowSource
	if format == "xlsx" {
		// The fast reader first; excelize for what it does not know.
		fast, ferr := openFastSheet(data)
		if ferr == nil {
			f, ferr := newImporter(lookup, true, fast, len(data)).run()
			fast.close()
			if !errors.Is(ferr, errFastXLSX) {
				return f, ferr
			}
		} else if !errors.Is(ferr, errFastXLSX) {
			return nil, ferr
		}
		src, err = newXLSXSource(data)
	} else {
		src, err = newCSVSource(data)
	}
	if err != nil {
		return nil, err
	}
	defer src.close()
	p := newImporter(lookup, format == "xlsx", src, len(data))
	return p.run()
}

// readUpload reads at most MaxImportBytes+1 bytes of r, into a buffer of
// the right size when r tells its size.
func readUpload(r io.Reader) ([]byte, error) {
	size := 0
	switch v := r.(type) {
	case interface{ Len() int }: // bytes.Reader, strings.Reader, bytes.Buffer
		size = v.Len()
	case interface{ Size() int64 }:
		size = int(min(v.Size(), MaxImportBytes+1))
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			size = int(min(fi.Size(), MaxImportBytes+1))
		}
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(size, MaxImportBytes+1)+bytes.MinRead))
	_, err := buf.ReadFrom(io.LimitReader(r, MaxImportBytes+1))
	return buf.Bytes(), err
}

func importInvalid(field, zh, en string) *apperr.Error {
	e := apperr.Field(field, zh, en)
	e.Op = "registry.ReadFile"
	return e
}

// rowSource yields the rows of a file.
type rowSource interface {
	// next returns the next row and its number, io.EOF after the last, or
	// an Invalid error for a file that cannot be read on.
	next() (row int, cells []string, err error)
	// date1904 reports whether the file counts days from 1904 (xlsx).
	date1904() bool
	close()
}

// csvSource reads CSV rows (RFC 4180, as Excel writes them) from the
// decoded file held as one string; the cells are substrings of it, so a
// row costs no allocation unless a cell has escaped quotes. Rows are
// numbered as Excel shows them: an empty line is a row, and a quoted cell
// spanning lines is still one row.
type csvSource struct {
	text  string
	pos   int // where the next row starts
	off   int // where the last row returned starts
	row   int
	comma byte
	rec   []string
}

func newCSVSource(data []byte) (*csvSource, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		d, err := dec.Bytes(data)
		if err != nil {
			return nil, importInvalid("file", "无法识别文件的文字编码", "cannot decode the file")
		}
		data = d
	case !utf8.Valid(data):
		// Not UTF-8: Chinese Excel saves CSV in GB18030 (GBK), which
		// decodes any byte sequence.
		d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return nil, importInvalid("file", "无法识别文件的文字编码（应为 UTF-8 或 GBK）", "cannot decode the file (UTF-8 or GBK expected)")
		}
		data = d
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, importInvalid("file", "文件含有无效字符，不是 CSV 文本文件", "the file holds NUL characters; it is not a CSV text file")
	}
	s := &csvSource{text: string(data), comma: ','}
	first, _, _ := strings.Cut(s.text, "\n")
	if !strings.Contains(first, ",") && strings.Contains(first, "\t") {
		s.comma = '\t' // Excel's "Unicode text"
	}
	return s, nil
}

func (s *csvSource) next() (int, []string, error) {
	if s.pos >= len(s.text) {
		return 0, nil, io.EOF
	}
	s.off = s.pos
	s.row++
	rec, end, ok := parseCSVRecord(s.text, s.pos, s.comma, s.rec[:0])
	if !ok {
		return 0, nil, importInvalid(fmt.Sprintf("rows[%d]", s.row),
			fmt.Sprintf("第%d行 CSV 格式错误：引号不配对，文件无法继续读取", s.row),
			fmt.Sprintf("row %d: malformed CSV: unmatched quote", s.row))
	}
	s.rec, s.pos = rec, end
	return s.row, rec, nil
}

func (s *csvSource) close()         {}
func (s *csvSource) date1904() bool { return false }

// parseCSVRecord parses the record starting at text[i], appending its
// cells to rec, and returns where the next record starts. It reports
// false for a quoted cell without its closing quote, or with anything
// but a separator or line end after it. A quote inside an unquoted cell
// is taken literally. Line ends are \n or \r\n; within a quoted cell \r\n
// becomes \n.
func parseCSVRecord(text string, i int, comma byte, rec []string) ([]string, int, bool) {
	lineEnd := -1
	for {
		if i < len(text) && text[i] == '"' {
			i++
			start := i
			var esc []byte
			var cell string
			for {
				j := strings.IndexByte(text[i:], '"')
				if j < 0 {
					return rec, 0, false
				}
				i += j
				if i+1 < len(text) && text[i+1] == '"' {
					esc = append(esc, text[start:i+1]...)
					i += 2
					start = i
					continue
				}
				if esc == nil {
					cell = text[start:i]
				} else {
					cell = string(append(esc, text[start:i]...))
				}
				i++
				break
			}
			if strings.Contains(cell, "\r\n") {
				cell = strings.ReplaceAll(cell, "\r\n", "\n")
			}
			rec = append(rec, cell) // lineEnd stays right unless the cell spanned it
			switch {
			case i >= len(text):
				return rec, i, true
			case text[i] == comma:
				i++
				continue
			case text[i] == '\n':
				return rec, i + 1, true
			case text[i] == '\r' && (i+1 == len(text) || text[i+1] == '\n'):
				return rec, min(i+2, len(text)), true
			}
			return rec, 0, false
		}
		if lineEnd < i {
			if e := strings.IndexByte(text[i:], '\n'); e >= 0 {
				lineEnd = i + e
			} else {
				lineEnd = len(text)
			}
		}
		if k := strings.IndexByte(text[i:lineEnd], comma); k >= 0 {
			rec = append(rec, text[i:i+k])
			i += k + 1
			continue
		}
		rec = append(rec, strings.TrimSuffix(text[i:lineEnd], "\r"))
		return rec, min(lineEnd+1, len(text)), true
	}
}

// xlsxSource reads the rows of a worksheet as stored: numbers unformatted
// (so dates arrive as serial numbers and amounts without thousands
// separators), text as written.
type xlsxSource struct {
	f     *excelize.File
	sheet string
	rows  *excelize.Rows
	row   int
	d1904 bool
}

func newXLSXSource(data []byte) (s *xlsxSource, err error) {
	bad := importInvalid("file", "文件不是有效的 Excel (.xlsx) 文件，或已损坏", "the file is not a valid .xlsx file, or is damaged")
	// excelize parses untrusted input; a panic in it must not take the
	// server down.
	defer func() {
		if recover() != nil {
			s, err = nil, bad
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 1 << 30, UnzipXMLSizeLimit: 64 << 20})
	if err != nil {
		return nil, bad
	}
	s = &xlsxSource{f: f}
	sheets := f.GetSheetList()
	switch {
	case slices.Contains(sheets, sheetMembers):
		s.sheet = sheetMembers
	case len(sheets) > 0:
		s.sheet = sheets[0]
	default:
		f.Close()
		return nil, bad
	}
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		s.d1904 = *p.Date1904
	}
	if s.rows, err = f.Rows(s.sheet); err != nil {
		f.Close()
		return nil, bad
	}
	return s, nil
}

func (s *xlsxSource) next() (row int, cells []string, err error) {
	defer func() {
		if recover() != nil {
			row, cells, err = 0, nil, importInvalid("file", "Excel 文件已损坏，无法读取", "the .xlsx file is damaged")
		}
	}()
	if !s.rows.Next() {
		if s.rows.Error() != nil {
			return 0, nil, importInvalid("file", "Excel 文件已损坏或行数过多，无法读取", "the .xlsx file is damaged or has too many rows")
		}
		return 0, nil, io.EOF
	}
	s.row++
	cells, err = s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return 0, nil, importInvalid("file", fmt.Sprintf("Excel 文件第%d行已损坏，无法读取", s.row), fmt.Sprintf("row %d of the .xlsx file is damaged", s.row))
	}
	return s.row, cells, nil
}

func (s *xlsxSource) date1904() bool { return s.d1904 }

func (s *xlsxSource) close() {
	if s.rows != nil {
		s.rows.Close()
	}
	s.f.Close()
}

// normHeader folds the ways a header gets typed: surrounding and inner
// spaces, a leading * (required marks), full-width brackets and colons.
func normHeader(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	s = strings.Map(func(r rune) rune {
		switch r {
		case '（':
			return '('
		case '）':
			return ')'
		case '：':
			return ':'
		case '＊':
			return '*'
		case ' ', '\t', '\n', '\r', '\u3000', '\u00a0':
			return -1
		}
		return r
	}, s)
	return strings.TrimLeft(s, "*")
}

// headerIndex maps normalised headers and aliases to columns.
var headerIndex = func() map[string]fileCol {
	m := map[string]fileCol{}
	for i, c := range fileColumns {
		m[normHeader(c.header)] = fileCol(i)
		for _, a := range c.aliases {
			m[normHeader(a)] = fileCol(i)
		}
	}
	return m
}()

func columnByHeader(h string) (fileCol, bool) {
	c, ok := headerIndex[normHeader(h)]
	return c, ok
}

// cells returns the cells of data row i as the file has them.
func (f *ImportFile) cells(i int) []string {
	if f.csvOff == nil {
		return unpackCells(f.raw[i])
	}
	rec, _, _ := parseCSVRecord(f.csvText, f.csvOff[i], f.csvComma, nil)
	return rec
}

// reasonHeader is the last column of a rejected-rows file.
const reasonHeader = "错误原因"

// pack stores cells in one string: each cell's length as a uvarint, then
// its bytes. A file's rows are kept this way for the rejected-rows file,
// at one allocation per row.
func packCells(cells []string) string {
	n := 0
	for _, c := range cells {
		n += len(c) + 1
		for v := len(c); v >= 0x80; v >>= 7 {
			n++
		}
	}
	var b strings.Builder
	b.Grow(n)
	var tmp [binary.MaxVarintLen64]byte
	for _, c := range cells {
		b.Write(binary.AppendUvarint(tmp[:0], uint64(len(c))))
		b.WriteString(c)
	}
	return b.String()
}

func unpackCells(s string) []string {
	var out []string
	for len(s) > 0 {
		n, k := binary.Uvarint([]byte(s[:min(len(s), binary.MaxVarintLen64)]))
		if k <= 0 || uint64(len(s)-k) < n {
			break
		}
		out = append(out, s[k:k+int(n)])
		s = s[k+int(n):]
	}
	return out
}

// clip shortens a cell's value for an error report.
func clipCell(s string) string {
	const most = 60
	if utf8.RuneCountInString(s) <= most {
		return s
	}
	r := []rune(s)
	return string(r[:most]) + "…"
}

// WriteRejected writes the rejected rows of f in format "csv" or "xlsx",
// with the file's own header and cells and a last column 错误原因 giving
// every reason, so the clerk can correct that file and import it again.
// A row rejected only because another member of its household is wrong
// says so (同户其他成员有误) and names that member's row.
func WriteRejected(w io.Writer, format string, f *ImportFile) error {
	header := make([]string, 0, len(f.header)+1)
	for j, h := range f.header {
		if j != f.reasonCol {
			header = append(header, h)
		}
	}
	header = append(header, reasonHeader)
	byRow := map[int][]RowError{}
	for _, e := range f.Errors {
		byRow[e.Row] = append(byRow[e.Row], e)
	}
	var out fileRowWriter
	var err error
	switch strings.ToLower(strings.TrimPrefix(format, ".")) {
	case "xlsx":
		text := make([]bool, len(header))
		for j, h := range header {
			c, ok := columnByHeader(h)
			text[j] = ok && fileColumns[c].text
		}
		out, err = newXLSXRowWriter(w, header, text, nil, len(header)-1)
	case "csv", "":
		out, err = newCSVRowWriter(w, header)
	default:
		return apperr.Field("format", "文件格式应为 CSV 或 Excel (.xlsx)", "the format must be csv or xlsx")
	}
	if err != nil {
		return err
	}
	groups := slices.Clone(f.rejected)
	sort.Slice(groups, func(a, b int) bool { return groups[a][0] < groups[b][0] })
	type line struct {
		row    int
		reason string
	}
	var lines []line
	for _, rows := range groups {
		firstBad := 0
		for _, r := range rows {
			if i := f.dataIndex(r); i >= 0 && f.bad[i] {
				firstBad = r
				break
			}
		}
		for _, r := range rows {
			lines = append(lines, line{r, f.reason(r, byRow[r], firstBad)})
		}
	}
	slices.SortFunc(lines, func(a, b line) int { return a.row - b.row })
	dateCol := make([]bool, len(f.header))
	for j, h := range f.header {
		c, ok := columnByHeader(h)
		dateCol[j] = ok && (c == fcBirthDate || c == fcDeathDate)
	}
	cells := make([]string, 0, len(header))
	for _, l := range lines {
		i := f.dataIndex(l.row)
		if i < 0 {
			continue
		}
		cells = cells[:0]
		raw := f.cells(i)
		for j := range f.header {
			if j == f.reasonCol {
				continue
			}
			v := ""
			if j < len(raw) {
				v = raw[j]
			}
			if dateCol[j] {
				v = f.showDate(v)
			}
			cells = append(cells, v)
		}
		cells = append(cells, l.reason)
		if err := out.write(cells); err != nil {
			return err
		}
	}
	return out.close()
}

// reason is the 错误原因 of a rejected row.
func (f *ImportFile) reason(row int, errs []RowError, firstBad int) string {
	if len(errs) > 0 {
		parts := make([]string, len(errs))
		for k, e := range errs {
			if e.Column == "" {
				parts[k] = e.Msg
			} else {
				parts[k] = e.Column + "：" + e.Msg
			}
		}
		return strings.Join(parts, "；")
	}
	if i := f.dataIndex(row); i >= 0 && f.bad[i] {
		return "本行有误（错误过多，未逐条列出，请改正其他错误后重新导入查看）"
	}
	if firstBad > 0 {
		return fmt.Sprintf("同户其他成员有误（第%d行）", firstBad)
	}
	return "同户其他成员有误"
}

// showDate turns an Excel serial day number, as an xlsx file stores a
// date, back into YYYY-MM-DD for the rejected-rows file.
func (f *ImportFile) showDate(v string) string {
	if f.Format != "xlsx" {
		return v
	}
	p := importer{xlsx: true, d1904: f.d1904}
	if len(strings.TrimSpace(v)) <= 7 {
		if d, ok := p.date(v); ok {
			return d
		}
	}
	return v
}
