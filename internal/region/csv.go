package region

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"safetynet/internal/apperr"
)

// MaxRowErrors is the number of row errors after which ParseCSV stops.
const MaxRowErrors = 100

// The CSV columns. code, name and parent are required; class is optional.
const (
	ColCode   = "code"
	ColName   = "name"
	ColParent = "parent"
	ColClass  = "class"
)

// RowError is one problem in a CSV file of divisions.
type RowError struct {
	Row    int    // line of the record, 1-based; the header is row 1
	Column string // "code", "name", "parent" or "class"; "" for the whole row
	Msg    string // user-safe, in Chinese
	MsgEN  string // user-safe, in English
}

func (e RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("row %d: %s", e.Row, e.MsgEN)
	}
	return fmt.Sprintf("row %d, column %s: %s", e.Row, e.Column, e.MsgEN)
}

// Zh returns the error in Chinese: "第3行 code 列：…".
func (e RowError) Zh() string {
	if e.Column == "" {
		return fmt.Sprintf("第%d行：%s", e.Row, e.Msg)
	}
	return fmt.Sprintf("第%d行 %s 列：%s", e.Row, e.Column, e.Msg)
}

// Field names the place of the error the way apperr fields are written:
// "rows[3].code", or "rows[3]" for the whole row.
func (e RowError) Field() string {
	if e.Column == "" {
		return fmt.Sprintf("rows[%d]", e.Row)
	}
	return fmt.Sprintf("rows[%d].%s", e.Row, e.Column)
}

// RowErrors is every problem ParseCSV found, in the order of the file, at
// most MaxRowErrors of them. ParseCSV returns it wrapped in an apperr
// (AppErr); get it back with errors.As.
type RowErrors []RowError

func (e RowErrors) Error() string {
	s := make([]string, len(e))
	for i, r := range e {
		s[i] = r.Error()
	}
	return strings.Join(s, "; ")
}

// AppErr returns an Invalid apperr whose field and message name the first
// error and say how many there are, and which wraps e for errors.As. It
// returns nil for no errors.
func (e RowErrors) AppErr() *apperr.Error {
	if len(e) == 0 {
		return nil
	}
	first := e[0]
	zh, en := first.Zh(), first.Error()
	if n := len(e) - 1; n > 0 {
		more := ""
		if len(e) >= MaxRowErrors {
			more = "至少"
		}
		zh += fmt.Sprintf("（另有%s%d处错误）", more, n)
		if more != "" {
			en += fmt.Sprintf(" (and at least %d more errors)", n)
		} else {
			en += fmt.Sprintf(" (and %d more errors)", n)
		}
	}
	ae := apperr.Field(first.Field(), zh, en)
	ae.Op = "region.ParseCSV"
	ae.Err = e
	return ae
}

// ParseCSV reads divisions in the CSV format of data/53.csv: a header row
// naming the columns code, name and parent (any order) and optionally class,
// then one division per row. It checks every row: the code has 12 digits
// and appears once, the name is not empty, the parent is empty for a
// province and otherwise another division of the file with a lower level
// whose jurisdiction contains the code, and the class is empty, urban/城镇,
// rural/农村 or unknown/未知 (and set only on villages). An empty class is
// derived from the name (ClassFromName).
//
// On any problem it returns an Invalid *apperr.Error (see RowErrors.AppErr)
// wrapping RowErrors with all of them, up to MaxRowErrors, and no divisions.
// The divisions come back in the order of the file.
func ParseCSV(r io.Reader) ([]Division, error) {
	hint := 0
	if l, ok := r.(interface{ Len() int }); ok { // bytes.Reader, strings.Reader, bytes.Buffer
		hint = min(l.Len()/40, 1<<20) // a row of data/53.csv is 47 bytes on average
	}
	p := parser{
		cr:   csv.NewReader(r),
		seen: make(map[string]seen, hint),
		hint: hint,
	}
	p.cr.FieldsPerRecord = -1
	p.cr.ReuseRecord = true
	divs := p.parse()
	if len(p.errs) > 0 {
		return nil, p.errs.AppErr()
	}
	return divs, nil
}

type parser struct {
	cr   *csv.Reader
	errs RowErrors
	seen map[string]seen // by code, for duplicates and parents
	full bool            // MaxRowErrors reached
	hint int             // expected number of rows
}

type seen struct {
	row  int
	code string // the key, to share one string between a code and its children's Parent
}

func (p *parser) add(row int, col, zh, en string) {
	if len(p.errs) >= MaxRowErrors {
		p.full = true
		return
	}
	p.errs = append(p.errs, RowError{Row: row, Column: col, Msg: zh, MsgEN: en})
	if len(p.errs) >= MaxRowErrors {
		p.full = true
	}
}

// syntax records a CSV syntax error; reading stops after it.
func (p *parser) syntax(row int, err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		row = pe.StartLine
		p.add(row, "", "CSV格式错误（第"+fmt.Sprint(pe.Line)+"行）："+csvErrZh(pe.Err),
			fmt.Sprintf("malformed CSV (line %d): %v", pe.Line, pe.Err))
		return
	}
	p.add(row, "", "无法读取文件", "cannot read the file")
}

func csvErrZh(err error) string {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return "未加引号的字段中出现引号"
	case errors.Is(err, csv.ErrQuote):
		return "引号不配对"
	}
	return "无法解析"
}

func (p *parser) parse() []Division {
	header, err := p.cr.Read()
	if err == io.EOF {
		p.add(1, "", "文件为空，缺少表头 code,name,parent", "the file is empty; it needs the header code,name,parent")
		return nil
	}
	if err != nil {
		p.syntax(1, err)
		return nil
	}
	col, ok := p.header(header)
	if !ok {
		return nil
	}

	ncol := len(header) // the reader reuses header's array
	divs := make([]Division, 0, p.hint)
	rows := make([]int, 0, p.hint) // row of each division, for the second pass
	last := 1                      // row of the last record read
	for !p.full {
		rec, err := p.cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			p.syntax(last+1, err)
			break
		}
		line, _ := p.cr.FieldPos(0)
		last = line
		if len(rec) != ncol {
			p.add(line, "", fmt.Sprintf("应有%d列，实有%d列", len(header), len(rec)),
				fmt.Sprintf("has %d columns, want %d", len(rec), len(header)))
			continue
		}
		d, ok := p.record(line, rec, col)
		if d.Level == 0 {
			continue // the code is bad
		}
		if first, dup := p.seen[d.Code]; dup {
			p.add(line, ColCode, fmt.Sprintf("区划代码 %s 与第%d行重复", d.Code, first.row),
				fmt.Sprintf("code %s repeats row %d", d.Code, first.row))
			continue
		}
		// Known even when another field is bad, so that its children do
		// not report a missing parent too.
		p.seen[d.Code] = seen{line, d.Code}
		if ok {
			divs = append(divs, d)
			rows = append(rows, line)
		}
	}

	// Parents may come after their children, so check them once all codes
	// are known.
	for i := range divs {
		if p.full {
			break
		}
		p.parent(rows[i], &divs[i])
	}
	return divs
}

// header maps column names to indexes.
func (p *parser) header(h []string) (col [4]int, ok bool) {
	col = [4]int{-1, -1, -1, -1}
	names := [4]string{ColCode, ColName, ColParent, ColClass}
	find := func(name string) int {
		name = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))
		j := 0
		for j < len(names) && names[j] != name {
			j++
		}
		return j
	}
	if !slices.ContainsFunc(h, func(name string) bool { return find(name) < len(names) }) {
		p.add(1, "", "第一行应为表头 code,name,parent[,class]",
			"the first row must be the header code,name,parent[,class]")
		return col, false
	}
	ok = true
	for i, name := range h {
		j := find(name)
		name = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))
		switch {
		case j == len(names):
			p.add(1, "", fmt.Sprintf("表头中有未知列 %q，应为 code,name,parent[,class]", name),
				fmt.Sprintf("unknown column %q in the header; want code,name,parent[,class]", name))
			ok = false
		case col[j] >= 0:
			p.add(1, name, "表头中该列重复", "the column appears twice in the header")
			ok = false
		default:
			col[j] = i
		}
	}
	for j, name := range names[:3] {
		if col[j] < 0 {
			p.add(1, name, "表头缺少该列，应为 code,name,parent[,class]",
				"the header lacks this column; want code,name,parent[,class]")
			ok = false
		}
	}
	return col, ok
}

// record checks the fields of one row that need no other row.
func (p *parser) record(line int, rec []string, col [4]int) (d Division, ok bool) {
	ok = true
	d.Code = strings.TrimSpace(rec[col[0]])
	if !valid12(d.Code) {
		p.add(line, ColCode, fmt.Sprintf("区划代码 %q 应为12位数字", clip(d.Code)),
			fmt.Sprintf("code %q is not 12 digits", clip(d.Code)))
		ok = false
	} else {
		d.Level = level12(d.Code)
	}

	name := strings.TrimSpace(rec[col[1]])
	switch {
	case name == "":
		p.add(line, ColName, "名称不能为空", "the name is empty")
		ok = false
	case !utf8.ValidString(name):
		p.add(line, ColName, "名称不是有效的UTF-8文本", "the name is not valid UTF-8")
		ok = false
	}
	d.Name = name

	d.Parent = strings.TrimSpace(rec[col[2]])

	if col[3] >= 0 {
		if s := strings.TrimSpace(rec[col[3]]); s != "" {
			c, err := ParseClass(s)
			switch {
			case err != nil:
				p.add(line, ColClass, fmt.Sprintf("城乡分类 %q 无效，应为 urban/城镇、rural/农村、unknown/未知 或留空", clip(s)),
					fmt.Sprintf("class %q is not urban/城镇, rural/农村, unknown/未知 or empty", clip(s)))
				ok = false
			case ok && d.Level != Village && c != Unknown:
				p.add(line, ColClass, "只有村级区划有城乡分类", "only villages have an urban/rural class")
				ok = false
			}
			d.Class = c
			return d, ok
		}
	}
	if d.Level == Village {
		d.Class = ClassFromName(d.Name)
	}
	return d, ok
}

// parent checks d's parent against the codes of the file.
func (p *parser) parent(line int, d *Division) {
	if d.Parent == "" {
		if d.Level != Province {
			p.add(line, ColParent, "只有省级区划可以没有上级", "only a province may have no parent")
		}
		return
	}
	if d.Level == Province {
		p.add(line, ColParent, "省级区划不应有上级", "a province has no parent")
		return
	}
	parent, ok := p.seen[d.Parent]
	switch {
	case !valid12(d.Parent):
		p.add(line, ColParent, fmt.Sprintf("上级代码 %q 应为12位数字", clip(d.Parent)),
			fmt.Sprintf("parent %q is not 12 digits", clip(d.Parent)))
	case !ok:
		p.add(line, ColParent, fmt.Sprintf("上级代码 %s 不在文件中", d.Parent),
			fmt.Sprintf("parent %s is not in the file", d.Parent))
	case level12(d.Parent) >= d.Level || !strings.HasPrefix(d.Code, Prefix(d.Parent)):
		p.add(line, ColParent, fmt.Sprintf("上级代码 %s 不是 %s 的上级区划", d.Parent, d.Code),
			fmt.Sprintf("%s is not a division above %s", d.Parent, d.Code))
	default:
		d.Parent = parent.code
	}
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	for i := max; i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i] + "…"
		}
	}
	return s[:max] + "…"
}

// WriteCSV writes divs in the format ParseCSV reads, with the class column
// ("urban", "rural" or "unknown" for villages, empty for the rest).
func WriteCSV(w io.Writer, divs []Division) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{ColCode, ColName, ColParent, ColClass})
	for _, d := range divs {
		class := ""
		if d.Level == Village {
			class = d.Class.String()
		}
		cw.Write([]string{d.Code, d.Name, d.Parent, class})
	}
	cw.Flush()
	return cw.Error()
}
