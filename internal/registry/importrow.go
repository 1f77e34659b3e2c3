package registry

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"safetynet/internal/idcard"
	"safetynet/internal/money"
	"safetynet/internal/region"
)

// importRowLimit is MaxImportRows, lowered by tests.
var importRowLimit = MaxImportRows

// importSource is the Source of the income items of an import: what the
// file holds is what the household declared.
const importSource = "申报"

// importer reads the rows of one file.
type importer struct {
	lookup DivisionLookup
	xlsx   bool
	d1904  bool
	src    rowSource
	f      *ImportFile
	at     [fcCount]int // the file's column of each column, -1 when absent
	today  time.Time    // Beijing date, for IDs and death dates
	todayS string
	codes  *importCodes

	pend     [][]pendingMember // one per data row, by the data row's index, in chunks (see row)
	groups   map[uint64]int32  // packed head ID → index in order
	order    []importGroup
	seen     map[uint64]int32 // packed resident ID → first row
	hhCells  []impCell
	synth    map[string]int32 // synthetic head key → index in order
	csv      *csvSource
	villages map[string]villageCheck
}

// importGroup is the rows naming one head: a household in the making.
// Its rows are linked through pendingMember.next, in the file's order.
type importGroup struct {
	key         string
	synthetic   bool  // the key stands for a blank or malformed 户主身份证号
	first, last int32 // indexes in pend
	n           int32
	head        int32 // index in pend of the head's row, -1 for none
}

// pendingMember is one validated row.
type pendingMember struct {
	next     int32 // the group's next row, -1 for none
	row      int
	m        Member
	inc      [len(incomeCols)]money.Money
	incSet   uint8
	hh       *householdCells // the household columns, parsed (head rows only)
	hh0, hh1 int32           // the household columns as written, non-blank: p.hhCells[hh0:hh1]
}

type impCell struct {
	c fileCol
	v string
}

type householdCells struct {
	village, county string
	area            Area
	address         string
	bank            BankAccount
	assets          []Asset
}

type villageCheck struct {
	code   string
	county string
	zh, en string // the error, "" for a valid village
}

var impChinaZone = time.FixedZone("CST", 8*60*60)

func newImporter(lookup DivisionLookup, xlsx bool, src rowSource, size int) *importer {
	now := time.Now().In(impChinaZone)
	hint := min(size/120, 1<<20) // a member's row is some 120 bytes or more
	p := &importer{
		lookup: lookup, xlsx: xlsx, src: src,
		f:        &ImportFile{Format: "csv", reasonCol: -1},
		today:    now,
		todayS:   now.Format(time.DateOnly),
		codes:    loadImportCodes(),
		groups:   make(map[uint64]int32, hint/2),
		synth:    map[string]int32{},
		seen:     make(map[uint64]int32, hint),
		villages: map[string]villageCheck{},
	}
	if xlsx {
		p.f.Format = "xlsx"
		p.d1904 = src.date1904()
		p.f.d1904 = p.d1904
	}
	p.f.pos = make([]int32, 0, hint)
	if c, ok := src.(*csvSource); ok {
		p.csv = c
		p.f.csvText, p.f.csvComma = c.text, c.comma
		p.f.csvOff = make([]int, 0, hint)
	} else {
		p.f.raw = make([]string, 0, hint)
	}
	p.f.bad = make([]bool, 0, hint)
	p.order = make([]importGroup, 0, hint/3)
	return p
}

func (p *importer) run() (*ImportFile, error) {
	scanned := 0
	for {
		row, cells, err := p.src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if impBlankRow(cells) {
			continue
		}
		if p.f.header == nil {
			scanned++
			found, err := p.header(row, cells)
			if err != nil {
				return nil, err
			}
			if !found && scanned >= maxHeaderScan {
				break
			}
			continue
		}
		if p.f.Rows >= importRowLimit {
			return nil, importInvalid("file", fmt.Sprintf("文件超过 %d 行，请拆分后分批导入", MaxImportRows),
				fmt.Sprintf("the file has more than %d rows; split it", MaxImportRows))
		}
		p.f.Rows++
		p.row(row, cells)
	}
	if p.f.header == nil {
		return nil, importInvalid("file", "文件中没有找到表头：第一行应为“户主身份证号、身份证号码、姓名……”等列名，请使用导入模板",
			"no header row found; use the import template")
	}
	p.finish()
	return p.f, nil
}

func impBlankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// header tries cells as the header row: it is one if it names the columns
// 身份证号码 and 姓名. It returns an error for a header that is unusable.
func (p *importer) header(row int, cells []string) (bool, error) {
	for i := range p.at {
		p.at[i] = -1
	}
	var unknown []int
	var twice []string
	reason := -1
	for j, h := range cells {
		if strings.TrimSpace(h) == "" {
			continue
		}
		c, ok := columnByHeader(h)
		switch {
		case ok && p.at[c] >= 0:
			twice = append(twice, fileColumns[c].header)
		case ok:
			p.at[c] = j
		case normHeader(h) == reasonHeader:
			reason = j
		default:
			unknown = append(unknown, j)
		}
	}
	if p.at[fcIDNumber] < 0 || p.at[fcName] < 0 {
		return false, nil
	}
	if len(twice) > 0 {
		return false, importInvalid("header", "表头中以下列出现了不止一次："+strings.Join(twice, "、"),
			"columns given more than once: "+strings.Join(twice, ", "))
	}
	var missing []string
	for c, col := range fileColumns {
		if col.need != needOptional && p.at[c] < 0 {
			missing = append(missing, col.header)
		}
	}
	if len(missing) > 0 {
		return false, importInvalid("header", "缺少必需的列："+strings.Join(missing, "、")+"。请使用导入模板",
			"required columns missing: "+strings.Join(missing, ", "))
	}
	p.f.header = append([]string(nil), cells...)
	p.f.headerRow = row
	p.f.reasonCol = reason
	for _, j := range unknown {
		h := strings.TrimSpace(cells[j])
		p.f.Warnings = append(p.f.Warnings, RowError{Row: row, Column: h, Value: clipCell(h),
			Msg: "无法识别的列，已忽略", MsgEN: "column not recognised; ignored"})
	}
	return true, nil
}

// fail records an error in a cell of data row idx.
func (p *importer) fail(idx, row int, c fileCol, value, zh, en string) {
	p.f.bad[idx] = true
	if len(p.f.Errors) >= MaxImportErrors {
		p.f.Truncated = true
		return
	}
	e := RowError{Row: row, Value: clipCell(value), Msg: zh, MsgEN: en}
	if c >= 0 {
		e.Column, e.Key = fileColumns[c].header, fileColumns[c].key
	}
	p.f.Errors = append(p.f.Errors, e)
}

// row validates one data row and files it under its head.
func (p *importer) row(row int, cells []string) {
	idx := len(p.f.pos)
	p.f.pos = append(p.f.pos, int32(row))
	if p.csv != nil {
		p.f.csvOff = append(p.f.csvOff, p.csv.off)
	} else {
		p.f.raw = append(p.f.raw, packCells(cells[:min(len(cells), len(p.f.header))]))
	}
	p.f.bad = append(p.f.bad, false)
	cell := func(c fileCol) string {
		j := p.at[c]
		if j < 0 || j >= len(cells) {
			return ""
		}
		return strings.TrimSpace(cells[j])
	}
	fail := func(c fileCol, v, zh, en string) { p.fail(idx, row, c, v, zh, en) }
	// The row is validated in place. pend grows in chunks, so that rows
	// are neither copied as it grows nor allocated ahead by a guess.
	if idx%pendChunk == 0 {
		p.pend = append(p.pend, make([]pendingMember, 0, pendChunk))
	}
	chunk := &p.pend[len(p.pend)-1]
	*chunk = (*chunk)[:len(*chunk)+1] // zeroed by make
	pm := &(*chunk)[len(*chunk)-1]
	pm.row, pm.next = row, -1
	m := &pm.m

	own := cell(fcIDNumber)
	var id idcard.ID
	if own == "" {
		fail(fcIDNumber, own, "必填项，不能为空", "required")
	} else if v, ok := p.parseID(idx, row, fcIDNumber, own); ok {
		id = v
		m.IDNumber = id.String()
		m.BirthDate = m.IDNumber[6:10] + "-" + m.IDNumber[10:12] + "-" + m.IDNumber[12:14]
		m.Sex = "F"
		if id.Sex() == idcard.Male {
			m.Sex = "M"
		}
	}
	if m.Name = cell(fcName); m.Name == "" {
		fail(fcName, "", "必填项，不能为空", "required")
	} else if utf8.RuneCountInString(m.Name) > 50 {
		fail(fcName, m.Name, "姓名不能超过50字", "the name has more than 50 characters")
	}
	relS := cell(fcRelationship)
	rel, relOK := p.codes.relationship[relS]
	switch {
	case relS == "":
		fail(fcRelationship, "", "必填项，不能为空", "required")
	case !relOK:
		fail(fcRelationship, relS, "应为 户主、配偶、子女、父母、孙子女、兄弟姐妹、其他 之一",
			"must be one of 户主, 配偶, 子女, 父母, 孙子女, 兄弟姐妹, 其他")
	}
	m.Relationship = rel

	// The head key groups the rows of a household.
	headS := cell(fcHeadID)
	var key string
	var hid idcard.ID
	synthetic := false
	switch {
	case headS == "" && rel == Head && relOK:
		if m.IDNumber != "" {
			key, hid = m.IDNumber, id
		} else {
			key, synthetic = "?"+strings.ToUpper(impCleanID(own)), true
		}
	case headS == "":
		fail(fcHeadID, "", "必填项，不能为空（户主本人的行填写本人身份证号码）", "required (the head's own row repeats their own ID)")
		key, synthetic = "#"+strconv.Itoa(row), true
	default:
		if v, ok := p.parseID(idx, row, fcHeadID, headS); ok {
			key, hid = v.String(), v
		} else {
			key, synthetic = "?"+strings.ToUpper(impCleanID(headS)), true
		}
	}
	isHead := relOK && rel == Head
	switch {
	case isHead && m.IDNumber != "" && !synthetic && key != m.IDNumber:
		fail(fcRelationship, relS, "与户主关系为“户主”时，户主身份证号应与本人身份证号码相同",
			"on the head's row the head's ID must be the member's own ID")
		isHead = false
	case !isHead && m.IDNumber != "" && key == m.IDNumber:
		if relOK {
			fail(fcRelationship, relS, "本人身份证号码即户主身份证号，与户主关系应填“户主”",
				"the member's ID is the head's ID, so the relationship must be 户主")
		}
		isHead = true
	}
	if m.IDNumber != "" {
		if first, dup := p.seen[idcard.Pack(id)]; dup {
			fail(fcIDNumber, own, fmt.Sprintf("与第%d行是同一人（身份证号码重复）", first),
				fmt.Sprintf("the same person as row %d (duplicate ID)", first))
		} else {
			p.seen[idcard.Pack(id)] = int32(row)
		}
	}

	if s := cell(fcSex); s != "" {
		sex, ok := p.codes.sex[s]
		switch {
		case !ok:
			fail(fcSex, s, "性别应填“男”或“女”", "sex must be 男 or 女")
		case m.Sex != "" && sex != m.Sex:
			fail(fcSex, s, "性别与身份证号码不符（身份证号码为"+id.Sex().Zh()+"性）",
				"the sex disagrees with the ID ("+id.Sex().String()+" by the ID)")
		}
	}
	if s := cell(fcBirthDate); s != "" && s != m.BirthDate {
		d, ok := p.date(s)
		switch {
		case !ok:
			fail(fcBirthDate, s, "日期格式错误，应如 1990-01-01", "malformed date; write it like 1990-01-01")
		case m.BirthDate != "" && d != m.BirthDate:
			fail(fcBirthDate, s, "出生日期与身份证号码不符（身份证号码中为"+m.BirthDate+"）",
				"the birth date disagrees with the ID ("+m.BirthDate+" by the ID)")
		}
	}
	p.detail(idx, row, cell, m)
	for k, c := range incomeCols {
		if s := cell(c); s != "" {
			if v, ok := p.amount(idx, row, c, s); ok {
				pm.inc[k] = v
				pm.incSet |= 1 << k
			}
		}
	}
	// Other members' household cells must match the head's; keep them
	// (they are rare) to compare when the head is known.
	pm.hh0 = int32(len(p.hhCells))
	for c := fileCol(0); c < fcCount && !isHead; c++ {
		if fileColumns[c].household {
			if s := cell(c); s != "" {
				p.hhCells = append(p.hhCells, impCell{c, s})
			}
		}
	}
	pm.hh1 = int32(len(p.hhCells))
	if isHead {
		pm.hh = p.household(idx, row, cell)
	}

	var gi int32
	var ok bool
	var packed uint64
	if synthetic {
		gi, ok = p.synth[key]
	} else {
		packed = idcard.Pack(hid)
		gi, ok = p.groups[packed]
	}
	if !ok {
		gi = int32(len(p.order))
		if synthetic {
			p.synth[key] = gi
		} else {
			p.groups[packed] = gi
		}
		p.order = append(p.order, importGroup{key: key, synthetic: synthetic, first: -1, head: -1})
	}
	g := &p.order[gi]
	if g.n == 0 {
		g.first = int32(idx)
	} else {
		p.member(g.last).next = int32(idx)
	}
	g.last = int32(idx)
	g.n++
	if isHead && g.head < 0 {
		g.head = int32(idx)
	}
}

// detail reads the member's coded and descriptive columns.
func (p *importer) detail(idx, row int, cell func(fileCol) string, m *Member) {
	fail := func(c fileCol, v, zh, en string) { p.fail(idx, row, c, v, zh, en) }
	d := &m.Detail
	if s := cell(fcEthnicity); s != "" {
		if d.Ethnicity = p.codes.ethnicity[s]; d.Ethnicity == "" {
			fail(fcEthnicity, s, "无法识别的民族，应填民族名称（如“彝族”）或两位代码（如“07”）",
				"unknown ethnicity; write the name or the two-digit GB/T 3304 code")
		}
	}
	coded := []struct {
		c   fileCol
		t   *impCodeIndex
		dst *string
	}{
		{fcMarital, p.codes.marital, &d.Marital},
		{fcDisabilityCategory, p.codes.disability, &d.Disability.Category},
		{fcLabour, p.codes.labour, &d.Labour},
		{fcEducation, p.codes.education, &d.Education},
		{fcEmployment, p.codes.employment, &d.Employment},
		{fcExcluded, p.codes.exclusion, &d.Excluded},
	}
	for _, k := range coded {
		if s := cell(k.c); s != "" {
			v, ok := k.t.lookup(s)
			if !ok {
				fail(k.c, s, "无法识别的"+fileColumns[k.c].header+"，应为 "+k.t.hint+" 之一",
					"unknown "+fileColumns[k.c].key+"; must be one of "+k.t.hint)
			}
			*k.dst = v
		}
	}
	grade := cell(fcDisabilityGrade)
	if grade != "" {
		g, ok := p.codes.grade[grade]
		if !ok {
			fail(fcDisabilityGrade, grade, "残疾等级应为 一级、二级、三级、四级 之一", "the disability grade is 一级 to 四级 (1–4)")
		}
		d.Disability.Grade = g
	}
	cert := impCleanID(cell(fcDisabilityCert))
	if cert != "" {
		switch {
		case impSciNotation(cert):
			fail(fcDisabilityCert, cert, "残疾证号被 Excel 存成了数字，请将该列设为文本格式后重新填写",
				"Excel stored the certificate number as a number; format the column as text and enter it again")
		case utf8.RuneCountInString(cert) > 30:
			fail(fcDisabilityCert, cert, "残疾证号不能超过30字", "the certificate number has more than 30 characters")
		}
		d.Disability.Cert = cert
	}
	cat := cell(fcDisabilityCategory)
	switch {
	case cat == "" && (grade != "" || cert != ""):
		fail(fcDisabilityCategory, "", "填写了残疾等级或残疾证号，须同时填写残疾类别", "a disability grade or certificate needs a category")
	case cat != "" && grade == "":
		fail(fcDisabilityGrade, "", "填写了残疾类别，须同时填写残疾等级", "a disability category needs a grade")
	}
	if s := cell(fcSelfCare); s != "" {
		sc, zh, en := p.codes.selfCare(s)
		if zh != "" {
			fail(fcSelfCare, s, zh, en)
		}
		d.SelfCare = sc
	}
	if d.SeriousIllness = cell(fcIllness); utf8.RuneCountInString(d.SeriousIllness) > 100 {
		fail(fcIllness, d.SeriousIllness, "重大疾病名称不能超过100字", "the illness has more than 100 characters")
	}
	if d.Phone = cell(fcPhone); d.Phone != "" && !phoneOK(d.Phone) {
		fail(fcPhone, d.Phone, "联系电话格式错误：应为7–12位数字，固定电话可带区号连字符", "malformed phone number: 7 to 12 digits, with an optional area-code hyphen")
	}
	if s := cell(fcDeathDate); s != "" {
		dd, ok := p.date(s)
		switch {
		case !ok:
			fail(fcDeathDate, s, "日期格式错误，应如 2024-03-01", "malformed date; write it like 2024-03-01")
		case m.BirthDate != "" && dd < m.BirthDate:
			fail(fcDeathDate, s, "死亡日期早于出生日期", "the death date is before the birth date")
		case dd > p.todayS:
			fail(fcDeathDate, s, "死亡日期晚于今天", "the death date is in the future")
		}
		d.DeathDate = dd
	}
}

// household reads the household columns of a head's row.
func (p *importer) household(idx, row int, cell func(fileCol) string) *householdCells {
	fail := func(c fileCol, v, zh, en string) { p.fail(idx, row, c, v, zh, en) }
	h := &householdCells{}
	if s := cell(fcVillage); s == "" {
		fail(fcVillage, "", "户主行必填，不能为空", "required on the head's row")
	} else {
		v := p.village(s)
		if v.zh != "" {
			fail(fcVillage, s, v.zh, v.en)
		}
		h.village, h.county = v.code, v.county
	}
	switch s := cell(fcArea); s {
	case "":
		fail(fcArea, "", "户主行必填，不能为空", "required on the head's row")
	case "城镇", "城市", "urban", "Urban", "URBAN":
		h.area = Urban
	case "农村", "乡村", "rural", "Rural", "RURAL":
		h.area = Rural
	default:
		fail(fcArea, s, "城乡类别应为“城镇”或“农村”", "the area must be 城镇 (urban) or 农村 (rural)")
	}
	if h.address = cell(fcAddress); utf8.RuneCountInString(h.address) > 200 {
		fail(fcAddress, h.address, "家庭住址不能超过200字", "the address has more than 200 characters")
	}
	b := &h.bank
	b.Bank, b.Holder = cell(fcBank), cell(fcHolder)
	b.Account = strings.ReplaceAll(impCleanID(cell(fcAccount)), " ", "")
	switch {
	case b.Account == "" && (b.Bank != "" || b.Holder != ""):
		fail(fcAccount, "", "填写了开户银行或账户名，须同时填写银行账号", "a bank or holder needs an account number")
	case b.Account == "":
	case impSciNotation(b.Account):
		fail(fcAccount, b.Account, "银行账号被 Excel 存成了数字，请将该列设为文本格式后重新填写",
			"Excel stored the account number as a number; format the column as text and enter it again")
	case !impAllDigits(b.Account) || len(b.Account) < 12 || len(b.Account) > 30:
		fail(fcAccount, b.Account, "银行账号应为12–30位数字", "the account number has 12 to 30 digits")
	}
	if b.Account != "" {
		if b.Bank == "" {
			fail(fcBank, "", "填写了银行账号，须同时填写开户银行", "an account number needs its bank")
		}
		if b.Holder == "" {
			fail(fcHolder, "", "填写了银行账号，须同时填写账户名", "an account number needs its holder")
		}
	}
	if utf8.RuneCountInString(b.Bank) > 50 {
		fail(fcBank, b.Bank, "开户银行不能超过50字", "the bank has more than 50 characters")
	}
	if utf8.RuneCountInString(b.Holder) > 50 {
		fail(fcHolder, b.Holder, "账户名不能超过50字", "the holder has more than 50 characters")
	}
	for _, c := range assetMoneyCols {
		if s := cell(c); s != "" {
			if v, ok := p.amount(idx, row, c, s); ok {
				h.assets = append(h.assets, Asset{Kind: fileColumns[c].kind, Value: v})
			}
		}
	}
	if s := cell(fcVehicles); s != "" {
		for _, item := range impSplitList(s) {
			t, v, found := strings.Cut(strings.ReplaceAll(item, "：", ":"), ":")
			t = strings.TrimSpace(t)
			val, err := p.money(strings.TrimSpace(v))
			if !found || t == "" || err != nil || val < 0 || utf8.RuneCountInString(t) > 50 {
				fail(fcVehicles, s, "机动车应写作“类型:价值”，多辆用“；”分隔，如“小型轿车:30000”",
					"write each vehicle as type:value, separated by ；, e.g. 小型轿车:30000")
				break
			}
			h.assets = append(h.assets, Asset{Kind: "vehicle", VehicleType: t, Value: val})
		}
	}
	if s := cell(fcHouses); s != "" {
		for _, item := range impSplitList(s) {
			a, err := p.money(strings.TrimSuffix(strings.TrimSuffix(item, "平方米"), "㎡"))
			if err != nil || a < 0 {
				fail(fcHouses, s, "房产面积应为平方米数（最多两位小数），多套用“；”分隔，如“85.5；40”",
					"write each house's floor area in m² (two decimals at most), separated by ；")
				break
			}
			h.assets = append(h.assets, Asset{Kind: "house", Area: int64(a)})
		}
	}
	return h
}

// village checks a village code, once per distinct code.
func (p *importer) village(s string) villageCheck {
	if v, ok := p.villages[s]; ok {
		return v
	}
	var v villageCheck
	code, err := region.Normalize(s)
	if err != nil || len(strings.TrimSpace(s)) != 12 {
		v = villageCheck{zh: "村（社区）代码应为12位数字", en: "a village code has 12 digits"}
		if err == nil {
			v.zh = "这是" + region.LevelOf(code).Zh() + "区划代码，应填写12位村（社区）代码"
			v.en = "this is a " + region.LevelOf(code).String() + " code; write the 12-digit village code"
		}
	} else if d, ok := p.lookup.Get(code); !ok {
		v = villageCheck{code: code, zh: "村（社区）代码不存在", en: "unknown village code"}
	} else if d.Level != region.Village {
		v = villageCheck{code: code, zh: "这是" + d.Level.Zh() + "区划（" + d.Name + "）的代码，应填写村（社区）代码",
			en: "this is the code of a " + d.Level.String() + "; write a village code"}
	} else {
		v = villageCheck{code: code, county: CountyOf(code)}
	}
	if len(p.villages) < 100_000 {
		p.villages[s] = v
	}
	return v
}

// parseID parses a resident ID in column c; on failure it records why.
func (p *importer) parseID(idx, row int, c fileCol, s string) (idcard.ID, bool) {
	s = impCleanID(s)
	id, err := idcard.ParseAt(s, p.today)
	if err == nil {
		return id, true
	}
	if impSciNotation(s) || len(s) == 18 && impAllDigits(s) && strings.HasSuffix(s, "000") {
		p.fail(idx, row, c, s, "身份证号码被 Excel 存成了数字，请将该列设为文本格式后重新填写",
			"Excel stored the ID as a number, losing digits; format the column as text and enter the IDs again")
		return id, false
	}
	zh, en := "身份证号码无效", "invalid resident ID"
	var ie *idcard.Error
	if errors.As(err, &ie) {
		zh, en = ie.Zh(), ie.En()
	}
	p.fail(idx, row, c, s, zh, en)
	return id, false
}

// impSciNotation reports whether s is a number in scientific notation
// (5.30102199001011E+17), as Excel saves a long number typed into a cell
// not formatted as text: its last digits are lost. (An 18-digit number
// that Excel kept to 15 significant digits ends in 000 instead; an ID
// that fails validation so is reported the same way. The type of an xlsx
// cell is not consulted: excelize can only tell it by loading the whole
// sheet into memory.)
func impSciNotation(s string) bool {
	mant, exp, ok := strings.Cut(strings.ToUpper(s), "E")
	if !ok || mant == "" || exp == "" {
		return false
	}
	exp = strings.TrimPrefix(strings.TrimPrefix(exp, "+"), "-")
	whole, frac, _ := strings.Cut(mant, ".")
	return whole != "" && impAllDigits(whole) && (frac == "" || impAllDigits(frac)) && impAllDigits(exp)
}

func impAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// impCleanID strips what spreadsheets add to keep a number as text: a
// leading apostrophe, or the formula ="…".
func impCleanID(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) && len(s) >= 3 {
		s = s[2 : len(s)-1]
	}
	return strings.TrimSpace(strings.TrimPrefix(s, "'"))
}

// amount reads a non-negative amount of yuan in column c.
func (p *importer) amount(idx, row int, c fileCol, s string) (money.Money, bool) {
	v, err := p.money(s)
	switch {
	case err != nil:
		p.fail(idx, row, c, s, "金额格式错误：应为以元为单位的数字，最多两位小数", "malformed amount: yuan with at most two decimals")
		return 0, false
	case v < 0:
		p.fail(idx, row, c, s, "金额不能为负数", "the amount must not be negative")
		return 0, false
	}
	return v, true
}

// money reads yuan, forgiving a currency sign, a trailing 元 and thousands
// separators; in xlsx files also a number with binary noise past the fen
// (0.30000000000000004), as a formula leaves it.
func (p *importer) money(s string) (money.Money, error) {
	s = strings.TrimSuffix(strings.TrimLeft(strings.TrimSpace(s), "¥￥"), "元")
	s = strings.ReplaceAll(s, ",", "")
	v, err := money.Parse(s)
	if err == nil || !p.xlsx {
		return v, err
	}
	f, ferr := strconv.ParseFloat(s, 64)
	if ferr != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 1e15 {
		return 0, err
	}
	fen := math.Round(f * 100)
	if math.Abs(f*100-fen) > 1e-6 {
		return 0, err
	}
	return money.Money(fen), nil
}

// date reads a date as people and spreadsheets write it: 1990-01-01,
// 1990/1/1, 1990.1.1, 19900101, 1990年1月1日, optionally followed by a
// time; in xlsx files also Excel's serial day number. It returns
// YYYY-MM-DD.
func (p *importer) date(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if p.xlsx && len(s) <= 7 {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 1 && f < 2958466 {
			t, err := excelize.ExcelDateToTime(f, p.d1904)
			if err != nil {
				return "", false
			}
			return t.Format(time.DateOnly), true
		}
	}
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	var y, m, d int
	if len(s) == 8 && impAllDigits(s) {
		y, _ = strconv.Atoi(s[:4])
		m, _ = strconv.Atoi(s[4:6])
		d, _ = strconv.Atoi(s[6:])
	} else {
		s = strings.TrimSuffix(s, "日")
		parts := strings.FieldsFunc(s, func(r rune) bool {
			return r == '-' || r == '/' || r == '.' || r == '年' || r == '月'
		})
		if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) > 2 || len(parts[2]) > 2 {
			return "", false
		}
		var err1, err2, err3 error
		y, err1 = strconv.Atoi(parts[0])
		m, err2 = strconv.Atoi(parts[1])
		d, err3 = strconv.Atoi(parts[2])
		if err1 != nil || err2 != nil || err3 != nil {
			return "", false
		}
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1880 || y > 9999 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// impSplitList splits a cell listing several items.
func impSplitList(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == '；' || r == ';' || r == '\n'
	})
	out := parts[:0]
	for _, x := range parts {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// finish checks each household as a whole and sorts the households into
// accepted and rejected.
func (p *importer) finish() {
	f := p.f
	f.Households = make([]ImportHousehold, 0, len(p.order))
	for gi := range p.order {
		g := &p.order[gi]
		if g.head < 0 {
			if !g.synthetic {
				for i := g.first; i >= 0; i = p.member(i).next {
					p.fail(int(i), p.member(i).row, fcHeadID, g.key, "文件中没有这位户主本人的行（与户主关系为“户主”、身份证号码为此号码的行）",
						"the file has no row for this head (relationship 户主 and this ID)")
				}
			}
		} else {
			head := p.member(g.head)
			var headCells []string
			for i := g.first; i >= 0; i = p.member(i).next {
				if i == g.head {
					continue
				}
				for _, tc := range p.hhCells[p.member(i).hh0:p.member(i).hh1] {
					if headCells == nil {
						headCells = f.cells(int(g.head))
					}
					if j := p.at[tc.c]; j >= len(headCells) || strings.TrimSpace(headCells[j]) != tc.v {
						p.fail(int(i), p.member(i).row, tc.c, tc.v,
							fmt.Sprintf("家庭信息以户主行（第%d行）为准，其他成员行应留空或与户主行相同", head.row),
							fmt.Sprintf("household details come from the head's row (row %d); leave this blank or repeat it", head.row))
					}
				}
			}
			if g.n > maxMembers {
				p.fail(int(g.head), head.row, fcHeadID, g.key,
					fmt.Sprintf("该户共有%d名成员，超过%d人的上限（请检查户主身份证号是否填错）", g.n, maxMembers),
					fmt.Sprintf("the household has %d members, more than %d (check the head's ID)", g.n, maxMembers))
			}
		}
		bad := g.head < 0
		for i := g.first; i >= 0 && !bad; i = p.member(i).next {
			bad = f.bad[i]
		}
		if bad {
			rows := make([]int, 0, g.n)
			for i := g.first; i >= 0; i = p.member(i).next {
				rows = append(rows, p.member(i).row)
			}
			f.rejected = append(f.rejected, rows)
			continue
		}
		f.Households = append(f.Households, p.build(g))
	}
	sortImportErrors(f.Errors)
	p.pend, p.order, p.groups, p.synth, p.seen, p.hhCells = nil, nil, nil, nil, nil, nil
}

const pendChunk = 4096

// member returns the pending member of data row i.
func (p *importer) member(i int32) *pendingMember { return &p.pend[i/pendChunk][i%pendChunk] }

// build makes the household of a group without errors.
func (p *importer) build(g *importGroup) ImportHousehold {
	head := p.member(g.head)
	incomes := 0
	for i := g.first; i >= 0; i = p.member(i).next {
		incomes += bits.OnesCount8(p.member(i).incSet)
	}
	h := Household{Village: head.hh.village, County: head.hh.county, Area: head.hh.area,
		Address: head.hh.address, Bank: head.hh.bank, Assets: head.hh.assets,
		Members: make([]Member, 0, g.n)}
	if incomes > 0 {
		h.Incomes = make([]Income, 0, incomes)
	}
	out := ImportHousehold{Rows: make([]int, 0, g.n)}
	add := func(r *pendingMember) {
		i := len(h.Members)
		h.Members = append(h.Members, r.m)
		out.Rows = append(out.Rows, r.row)
		for k, c := range incomeCols {
			if r.incSet&(1<<k) != 0 {
				h.Incomes = append(h.Incomes, Income{PersonID: -int64(i + 1), Kind: fileColumns[c].kind,
					Amount: r.inc[k], Per: PerMonth, Source: importSource})
			}
		}
	}
	add(head)
	for i := g.first; i >= 0; i = p.member(i).next {
		if i != g.head {
			add(p.member(i))
		}
	}
	out.Household = h
	return out
}

// sortImportErrors orders errors by row, keeping the order within a row:
// the row's own errors in column order, then those of its household.
func sortImportErrors(errs []RowError) {
	slices.SortStableFunc(errs, func(a, b RowError) int { return a.Row - b.Row })
}

// impCodeIndex maps what may be written in a coded column, the code or its
// Chinese name, to the code.
type impCodeIndex struct {
	m    map[string]string
	hint string // the names, for error messages
}

func newImpCodeIndex(table map[string]string, order []string, extra map[string]string) *impCodeIndex {
	t := &impCodeIndex{m: map[string]string{}}
	for k, n := range table {
		t.m[k] = k
		t.m[n] = k
	}
	for a, k := range extra {
		t.m[a] = k
	}
	t.hint = strings.Join(tmplCodeNames(table, order), "、")
	return t
}

func (t *impCodeIndex) lookup(s string) (string, bool) {
	if k, ok := t.m[s]; ok {
		return k, true
	}
	k, ok := t.m[strings.ToLower(s)]
	return k, ok
}

// importCodes are the lookups of the coded columns.
type importCodes struct {
	relationship                                                  map[string]Relationship
	sex                                                           map[string]string
	ethnicity                                                     map[string]string
	grade                                                         map[string]int
	marital, disability, labour, education, employment, exclusion *impCodeIndex
	selfCareIdx                                                   map[string]int
}

var loadImportCodes = sync.OnceValue(func() *importCodes {
	c := &importCodes{
		relationship: map[string]Relationship{},
		sex: map[string]string{"男": "M", "男性": "M", "M": "M", "m": "M", "male": "M", "1": "M",
			"女": "F", "女性": "F", "F": "F", "f": "F", "female": "F", "2": "F"},
		ethnicity:   map[string]string{},
		grade:       map[string]int{},
		selfCareIdx: map[string]int{},
	}
	for r, zh := range relationshipZh {
		c.relationship[zh] = r
		c.relationship[string(r)] = r
	}
	for a, r := range map[string]Relationship{"本人": Head, "妻": Spouse, "妻子": Spouse, "夫": Spouse, "丈夫": Spouse,
		"子": Child, "女": Child, "儿子": Child, "女儿": Child, "长子": Child, "次子": Child, "长女": Child, "次女": Child,
		"父亲": Parent, "母亲": Parent, "孙子": Grandchild, "孙女": Grandchild, "外孙子": Grandchild, "外孙女": Grandchild,
		"兄": Sibling, "弟": Sibling, "姐": Sibling, "妹": Sibling, "兄弟": Sibling, "姐妹": Sibling,
		"哥哥": Sibling, "弟弟": Sibling, "姐姐": Sibling, "妹妹": Sibling} {
		c.relationship[a] = r
	}
	for code, n := range Ethnicities {
		c.ethnicity[code] = code
		c.ethnicity[n] = code
		if base, ok := strings.CutSuffix(n, "族"); ok && base != "" {
			c.ethnicity[base] = code
		}
		if code[0] == '0' {
			c.ethnicity[code[1:]] = code
		}
	}
	for g := 1; g <= 4; g++ {
		n := disabilityGrades[g]
		c.grade[n] = g
		c.grade[strconv.Itoa(g)] = g
		c.grade[strconv.Itoa(g)+"级"] = g
		c.grade[strings.TrimSuffix(n, "级")] = g
	}
	disabilityShort := map[string]string{}
	for k, n := range DisabilityCategories {
		if base, ok := strings.CutSuffix(n, "残疾"); ok {
			disabilityShort[base] = k
		}
	}
	c.marital = newImpCodeIndex(MaritalStatuses, maritalOrder, nil)
	c.disability = newImpCodeIndex(DisabilityCategories, disabilityOrder, disabilityShort)
	c.labour = newImpCodeIndex(LabourCapacities, labourOrder, nil)
	c.education = newImpCodeIndex(EducationStages, educationOrder, nil)
	c.employment = newImpCodeIndex(Employments, employmentOrder, nil)
	c.exclusion = newImpCodeIndex(Exclusions, exclusionOrder, nil)
	for i, a := range SelfCareActivities {
		short := strings.TrimPrefix(strings.TrimPrefix(a[1], "室内"), "自主")
		for _, s := range []string{a[0], a[1], short, "室内" + short} {
			c.selfCareIdx[s] = i
		}
	}
	return c
})

// selfCare reads the failed activities, e.g. "吃饭、穿衣"; "无" or "0" is
// none. A bare count (3) is refused: which activities fail matters.
func (c *importCodes) selfCare(s string) (SelfCare, string, string) {
	switch s {
	case "无", "0", "全部能自理", "能自理", "none":
		return 0, "", ""
	}
	if n, err := strconv.Atoi(s); err == nil && n > 0 && n <= 6 {
		return 0, "请写明不能完成的具体项目，如“吃饭、穿衣”，不能只填项数",
			"list the activities failed, e.g. 吃饭、穿衣, not their number"
	}
	var sc SelfCare
	for _, tok := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == '，' || r == ',' || r == '；' || r == ';' || r == '/' || r == ' ' || r == '\u3000'
	}) {
		i, ok := c.selfCareIdx[tok]
		if !ok {
			return 0, "无法识别的项目“" + clipCell(tok) + "”，应为 吃饭、穿衣、上下床、如厕、室内行走、洗澡 中的一项或几项，用“、”分隔",
				"unknown activity; list some of 吃饭, 穿衣, 上下床, 如厕, 室内行走, 洗澡 separated by 、"
		}
		sc |= 1 << i
	}
	return sc, "", ""
}
