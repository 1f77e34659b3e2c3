package verify

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"safetynet/internal/calendar"
	"safetynet/internal/idcard"
	"safetynet/internal/money"
)

// Record is one row of a department dataset in the narrow form every
// source shares: the person's packed ID and the source's fields mapped to
// a few generic ones (see fieldMap). One narrow table holds every source,
// so one bulk path, one index and one scan serve them all.
type Record struct {
	Source   string
	Snapshot int64  // the snapshot's id
	PID      uint64 // idcard.Pack of IDNumber
	IDNumber string
	Line     int32 // the row in the file (the header is row 1); negative for a marriage's mirror row
	Ref      string
	Kind     string
	Status   string
	Note     string
	Date     string // YYYY-MM-DD, or a year for tax
	Amount   money.Money
	Amount2  money.Money
	Other    uint64 // marriages: the spouse's packed ID
}

// County returns the 6-digit county code of the record's person.
func (r *Record) County() string { return countyOf(r.IDNumber) }

func countyOf(id string) string {
	if len(id) < 6 {
		return ""
	}
	return id[:6]
}

// colType is how a column is validated.
type colType uint8

const (
	colID    colType = iota // an 18-digit resident ID (GB 11643)
	colMoney                // yuan with at most two decimals, ≥ 0
	colArea                 // square metres with at most two decimals, > 0 (stored in hundredths)
	colDate                 // YYYY-MM-DD
	colYear                 // YYYY
	colText                 // required text
	colOpt                  // optional text
	colEnum                 // one of the listed kinds
)

// field is where a column goes in a Record.
type field uint8

const (
	fNone field = iota
	fRef
	fKind
	fStatus
	fNote
	fDate
	fAmount
	fAmount2
	fOther // an ID: Ref gets the text, Other the packed value
)

type column struct {
	name  string
	zh    string
	typ   colType
	to    field
	kinds []string
}

// layouts are the columns of each source's file after id_number, in the
// order of Source.Columns.
var layouts = map[string][]column{
	"vehicles": {{"plate", "号牌号码", colText, fRef, nil}, {"type", "车辆类型", colText, fKind, nil},
		{"value", "价值", colMoney, fAmount, nil}, {"registered", "登记日期", colDate, fDate, nil}},
	"real_estate": {{"cert_no", "不动产权证号", colText, fRef, nil}, {"area_m2", "面积", colArea, fAmount, nil},
		{"use", "用途", colText, fKind, nil}, {"address", "坐落", colOpt, fNote, nil}, {"registered", "登记日期", colDate, fDate, nil}},
	"businesses": {{"reg_no", "统一社会信用代码", colText, fRef, nil}, {"kind", "类型", colEnum, fKind, []string{"enterprise", "self_employed"}},
		{"name", "名称", colText, fNote, nil}, {"status", "登记状态", colEnum, fStatus, []string{"存续", "在业", "迁出", "注销", "吊销", "撤销"}},
		{"capital", "注册资本", colMoney, fAmount, nil}, {"registered", "成立日期", colDate, fDate, nil}},
	"pensions": {{"kind", "养老金类别", colEnum, fKind, []string{"employee", "institution", "resident_basic"}},
		{"monthly_amount", "月领取额", colMoney, fAmount, nil}, {"since", "起领日期", colDate, fDate, nil}},
	"social_insurance": {{"employer", "参保单位", colText, fNote, nil}, {"monthly_base", "缴费基数", colMoney, fAmount, nil},
		{"since", "参保日期", colDate, fDate, nil}},
	"housing_fund": {{"employer", "缴存单位", colText, fNote, nil}, {"monthly_deposit", "月缴存额", colMoney, fAmount, nil},
		{"balance", "余额", colMoney, fAmount2, nil}},
	"tax":        {{"year", "年度", colYear, fRef, nil}, {"income", "收入额", colMoney, fAmount, nil}, {"tax_paid", "已缴税额", colMoney, fAmount2, nil}},
	"deposits":   {{"bank", "银行", colText, fNote, nil}, {"balance", "余额", colMoney, fAmount, nil}, {"as_of", "截至日期", colDate, fDate, nil}},
	"securities": {{"broker", "证券公司", colText, fNote, nil}, {"value", "市值", colMoney, fAmount, nil}, {"as_of", "截至日期", colDate, fDate, nil}},
	"public_employees": {{"name", "姓名", colText, fRef, nil}, {"employer", "工作单位", colText, fNote, nil},
		{"kind", "人员类别", colEnum, fKind, []string{"civil_servant", "public_institution"}}, {"since", "入职日期", colDate, fDate, nil}},
	"deaths": {{"date", "死亡（火化）日期", colDate, fDate, nil}, {"kind", "类别", colEnum, fKind, []string{"death", "cremation"}}},
	"marriages": {{"spouse_id", "配偶身份证号码", colID, fOther, nil}, {"date", "登记日期", colDate, fDate, nil},
		{"kind", "登记类别", colEnum, fKind, []string{"marriage", "divorce"}}},
}

// RowError names one bad cell of a dataset file.
type RowError struct {
	Row        int    // the header is row 1
	Column     string // the column's key ("" for the whole row)
	ColumnZh   string
	Msg, MsgEN string
}

// Error is the English text, without the cell's value (it may be an ID).
func (e RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("row %d: %s", e.Row, e.MsgEN)
	}
	return fmt.Sprintf("row %d, column %s: %s", e.Row, e.Column, e.MsgEN)
}

// Zh is the Chinese text: "第3行【号牌号码】：…".
func (e RowError) Zh() string {
	if e.Column == "" {
		return fmt.Sprintf("第%d行：%s", e.Row, e.Msg)
	}
	return fmt.Sprintf("第%d行【%s】：%s", e.Row, e.ColumnZh, e.Msg)
}

// rowParser validates rows of one source and turns them into Records.
type rowParser struct {
	src    Source
	cols   []column
	today  time.Time
	latest calendar.Date // the day after today: the latest date a file may hold
	marry  bool
	errors []RowError
}

func newRowParser(src Source) *rowParser {
	p := &rowParser{src: src, cols: layouts[src.Name], marry: src.Name == "marriages"}
	p.setToday(time.Now())
	return p
}

func (p *rowParser) fail(row int, c *column, zh, en string) {
	e := RowError{Row: row, Msg: zh, MsgEN: en}
	if c != nil {
		e.Column, e.ColumnZh = c.name, c.zh
	}
	p.errors = append(p.errors, e)
}

var idColumn = column{name: "id_number", zh: "身份证号码", typ: colID}

// parse validates one data row (cells in file order) and appends its
// record(s) to out. It reports every bad cell of the row.
func (p *rowParser) parse(row int, cells []string, out []Record) []Record {
	if len(cells) != len(p.cols)+1 {
		p.fail(row, nil, fmt.Sprintf("应有 %d 列，实有 %d 列", len(p.cols)+1, len(cells)),
			fmt.Sprintf("%d columns; want %d", len(cells), len(p.cols)+1))
		return out
	}
	before := len(p.errors)
	r := Record{Source: p.src.Name, Line: int32(row)}
	id, err := idcard.ParseAt(cells[0], p.today)
	if err != nil {
		p.fail(row, &idColumn, idcardMsg(err), idcardMsgEN(err))
	} else {
		r.IDNumber, r.PID = id.String(), idcard.Pack(id)
	}
	for i := range p.cols {
		c := &p.cols[i]
		v := trimCell(cells[i+1])
		switch c.typ {
		case colID:
			sid, err := idcard.ParseAt(v, p.today)
			if err != nil {
				p.fail(row, c, idcardMsg(err), idcardMsgEN(err))
				continue
			}
			v = sid.String()
			if c.to == fOther {
				r.Other = idcard.Pack(sid)
			}
		case colMoney:
			m, err := money.Parse(v)
			if err != nil || m < 0 {
				p.fail(row, c, "金额应为不小于零的元数，最多两位小数", "an amount of yuan ≥ 0 with at most two decimals")
				continue
			}
			p.setMoney(&r, c.to, m)
			continue
		case colArea:
			m, err := money.Parse(v)
			if err != nil || m <= 0 {
				p.fail(row, c, "面积应为大于零的平方米数，最多两位小数", "an area of square metres > 0 with at most two decimals")
				continue
			}
			p.setMoney(&r, c.to, m)
			continue
		case colDate:
			d, err := calendar.ParseDate(v) // (time.Parse took a tenth of the rows' parsing time)
			if err != nil {
				p.fail(row, c, "日期应为 YYYY-MM-DD", "a date YYYY-MM-DD")
				continue
			}
			if d < earliestDate || d > p.latest {
				p.fail(row, c, "日期超出范围", "date out of range")
				continue
			}
		case colYear:
			y, err := strconv.Atoi(v)
			if err != nil || len(v) != 4 || y < 1990 || y > p.today.Year() {
				p.fail(row, c, "年度应为四位年份", "a year YYYY")
				continue
			}
		case colText:
			if v == "" {
				p.fail(row, c, "不能为空", "required")
				continue
			}
		case colEnum:
			ok := false
			for _, k := range c.kinds {
				if v == k {
					ok = true
					break
				}
			}
			if !ok {
				p.fail(row, c, "应为以下之一："+strings.Join(c.kinds, "、"), "one of "+strings.Join(c.kinds, ", "))
				continue
			}
		}
		p.setText(&r, c.to, v)
	}
	if len(p.errors) > before {
		return out
	}
	out = append(out, r)
	if p.marry {
		// The mirror row keys the marriage by the spouse as well, so a
		// look-up by either partner is an index look-up.
		m := r
		m.PID, m.Other = r.Other, r.PID
		m.IDNumber, m.Ref = r.Ref, r.IDNumber
		m.Line = -r.Line
		out = append(out, m)
	}
	return out
}

func (p *rowParser) setMoney(r *Record, f field, m money.Money) {
	switch f {
	case fAmount:
		r.Amount = m
	case fAmount2:
		r.Amount2 = m
	}
}

func (p *rowParser) setText(r *Record, f field, v string) {
	switch f {
	case fRef, fOther:
		r.Ref = v
	case fKind:
		r.Kind = v
	case fStatus:
		r.Status = v
	case fNote:
		r.Note = v
	case fDate:
		r.Date = v
	}
}

// idcardMsg is the Chinese message of an idcard error.
func idcardMsg(err error) string {
	if e, ok := err.(interface{ Zh() string }); ok {
		return e.Zh()
	}
	return "身份证号码无效"
}

func idcardMsgEN(err error) string {
	if e, ok := err.(interface{ En() string }); ok {
		return e.En()
	}
	return "invalid resident ID"
}

// Fields returns the generic Record fields a source fills, by column name
// of the records table: "ref", "kind", "status", "note", "date", "amount",
// "amount2", "other". A load writes only these; the others keep their
// defaults (” and 0), which saves binding a third of the values.
func Fields(source string) []string {
	var out []string
	for _, c := range layouts[source] {
		switch c.to {
		case fRef:
			out = append(out, "ref")
		case fKind:
			out = append(out, "kind")
		case fStatus:
			out = append(out, "status")
		case fNote:
			out = append(out, "note")
		case fDate:
			out = append(out, "date")
		case fAmount:
			out = append(out, "amount")
		case fAmount2:
			out = append(out, "amount2")
		case fOther:
			out = append(out, "ref", "other")
		}
	}
	return out
}

// setToday sets the date the rows are checked against.
func (p *rowParser) setToday(t time.Time) {
	p.today = t
	p.latest = calendar.NewDate(t.Year(), t.Month(), t.Day()+1)
}

// earliestDate is the earliest date a department file may hold.
var earliestDate = calendar.NewDate(1900, 1, 1)

// trimCell is strings.TrimSpace with a quick way out for the usual cell,
// which starts and ends with neither an ASCII space nor a multi-byte
// character (a Chinese value ending in one sent TrimSpace down its slow
// Unicode path for every cell).
func trimCell(v string) string {
	if v == "" {
		return v
	}
	first, last := v[0], v[len(v)-1]
	if first > ' ' && first < utf8.RuneSelf && last > ' ' && last < utf8.RuneSelf {
		return v
	}
	if last >= utf8.RuneSelf && first > ' ' && first < utf8.RuneSelf {
		if r, _ := utf8.DecodeLastRuneInString(v); !unicode.IsSpace(r) {
			return v
		}
	}
	return strings.TrimSpace(v)
}
