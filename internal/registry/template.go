package registry

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"sort"

	"github.com/xuri/excelize/v2"
)

// The import and export files (家庭成员表) have one row per member. The
// columns are the template's, in any order; household-level columns
// (village, area, address, bank account, property) are read from the
// head's row, and on the other members' rows they are left blank or repeat
// the head's values exactly (so a clerk may fill them down or sort the
// sheet); anything else there is an error. An export writes them on the
// head's row only, so that summing a column in Excel counts each
// household's property once.

// fileCol identifies a column of the file; the template's column order is
// the order of these constants.
type fileCol int

const (
	fcHeadID fileCol = iota
	fcIDNumber
	fcName
	fcSex
	fcBirthDate
	fcRelationship
	fcEthnicity
	fcMarital
	fcVillage
	fcArea
	fcAddress
	fcPhone
	fcDisabilityCategory
	fcDisabilityGrade
	fcDisabilityCert
	fcSelfCare
	fcLabour
	fcIllness
	fcEducation
	fcEmployment
	fcExcluded
	fcDeathDate
	fcBank
	fcAccount
	fcHolder
	fcIncomeWages
	fcIncomeBusiness
	fcIncomeProperty
	fcIncomeTransfer
	fcIncomeOther
	fcDeposit
	fcSecurities
	fcInsurance
	fcOtherAssets
	fcVehicles
	fcHouses
	fcCount
)

// colNeed says when a column must be filled in.
type colNeed uint8

const (
	needOptional colNeed = iota
	needEveryRow         // on every member's row
	needHeadRow          // on the head's row
)

// column describes one column of the file.
type fileColumn struct {
	header    string   // the Chinese header of the template
	key       string   // stable English key, for API fields and the English UI
	aliases   []string // other headers accepted on import (compared normalised)
	household bool     // a household-level column, read from the head's row
	need      colNeed
	text      bool    // keep as text in Excel (long digit strings)
	width     float64 // column width in the xlsx template
	choices   func() []string
	help      string
	example   string
	kind      string // the income or asset kind of an amount column
}

// incomeCols and the asset columns map amount columns to item kinds.
var incomeCols = [...]fileCol{fcIncomeWages, fcIncomeBusiness, fcIncomeProperty, fcIncomeTransfer, fcIncomeOther}

var assetMoneyCols = [...]fileCol{fcDeposit, fcSecurities, fcInsurance, fcOtherAssets}

var fileColumns = [fcCount]fileColumn{
	fcHeadID: {header: "户主身份证号", key: "head_id_number", aliases: []string{"户主身份证号码", "户主公民身份号码"},
		need: needEveryRow, text: true, width: 21,
		help:    "该成员所在家庭户主的18位身份证号码，用来把各行归为一户；户主本人的行填写本人身份证号码（户主行也可留空）。",
		example: "530102199001011235"},
	fcIDNumber: {header: "身份证号码", key: "id_number", aliases: []string{"身份证号", "公民身份号码", "公民身份证号码", "成员身份证号码"},
		need: needEveryRow, text: true, width: 21,
		help:    "成员本人的18位居民身份证号码（15位旧号码自动升为18位）。请将该列设为文本格式，以免 Excel 把号码存成数字。",
		example: "530102199001011235"},
	fcName: {header: "姓名", key: "name", aliases: []string{"成员姓名"}, need: needEveryRow, width: 10,
		help: "成员姓名，不超过50字。", example: "张三"},
	fcSex: {header: "性别", key: "sex", width: 6, choices: func() []string { return []string{"男", "女"} },
		help: "可不填（由身份证号码得出）；填写时须与身份证号码一致。", example: "男"},
	fcBirthDate: {header: "出生日期", key: "birth_date", width: 12,
		help:    "可不填（由身份证号码得出）；填写时须与身份证号码一致，格式如 1990-01-01、1990/1/1 或 19900101。",
		example: "1990-01-01"},
	fcRelationship: {header: "与户主关系", key: "relationship", aliases: []string{"与户主的关系", "家庭关系", "关系"}, need: needEveryRow, width: 11,
		choices: func() []string { return tmplCodeNames(relationshipZh, relationshipOrder) },
		help:    "户主、配偶、子女、父母、孙子女、兄弟姐妹、其他 之一；每户有且仅有一名户主。", example: "户主"},
	fcEthnicity: {header: "民族", key: "ethnicity", width: 9, choices: tmplEthnicityNames,
		help: "民族名称（如“彝族”）或 GB/T 3304 两位代码（如“07”）。", example: "彝族"},
	fcMarital: {header: "婚姻状况", key: "marital", width: 9,
		choices: func() []string { return tmplCodeNames(MaritalStatuses, maritalOrder) },
		help:    "未婚、已婚、离婚、丧偶、未说明 之一。", example: "已婚"},
	fcVillage: {header: "村（社区）代码", key: "village", aliases: []string{"村(居)代码", "村（居）委会代码", "村代码", "社区代码", "村级区划代码"},
		household: true, need: needHeadRow, text: true, width: 15,
		help:    "家庭所在村（社区）的12位统计用区划代码，须为村（居）委会一级。户主行必填。",
		example: "530102001001"},
	fcArea: {header: "城乡类别", key: "area", aliases: []string{"城乡属性", "城乡"}, household: true, need: needHeadRow, width: 9,
		choices: func() []string { return []string{"城镇", "农村"} },
		help:    "城镇 或 农村，决定适用的低保标准。户主行必填。", example: "城镇"},
	fcAddress: {header: "家庭住址", key: "address", aliases: []string{"住址", "家庭地址", "现住址"}, household: true, width: 30,
		help: "家庭现住址，不超过200字。", example: "翠湖西路12号"},
	fcPhone: {header: "联系电话", key: "phone", aliases: []string{"电话", "手机号码", "联系方式"}, text: true, width: 14,
		help: "手机或固定电话，7–12位数字，固定电话可带区号连字符，如 0871-65123456。", example: "13800138000"},
	fcDisabilityCategory: {header: "残疾类别", key: "disability_category", width: 10,
		choices: func() []string { return tmplCodeNames(DisabilityCategories, disabilityOrder) },
		help:    "持残疾人证者填写：视力、听力、言语、肢体、智力、精神、多重残疾 之一；无残疾留空。", example: ""},
	fcDisabilityGrade: {header: "残疾等级", key: "disability_grade", width: 9,
		choices: func() []string { return disabilityGrades[1:] },
		help:    "一级至四级（一级最重），也可填 1–4；填写残疾类别时必填。", example: ""},
	fcDisabilityCert: {header: "残疾证号", key: "disability_cert", aliases: []string{"残疾人证号"}, text: true, width: 23,
		help: "第二代残疾人证号码（身份证号码加两位），不超过30字。", example: ""},
	fcSelfCare: {header: "不能自理项", key: "self_care_failed", aliases: []string{"生活不能自理项目", "不能自理项目"}, width: 18,
		help: "六项日常生活活动中不能独立完成的项目：吃饭、穿衣、上下床、如厕、室内行走、洗澡，" +
			"多项用“、”分隔；全部能完成则留空或填“无”。须写明具体项目，不能只填项数。",
		example: ""},
	fcLabour: {header: "劳动能力", key: "labour", width: 14,
		choices: func() []string { return tmplCodeNames(LabourCapacities, labourOrder) },
		help:    "有劳动能力、部分丧失劳动能力、无劳动能力 之一。", example: "有劳动能力"},
	fcIllness: {header: "重大疾病", key: "serious_illness", aliases: []string{"重特大疾病", "患病情况"}, width: 14,
		help: "所患重大疾病名称，无则留空；不超过100字。", example: ""},
	fcEducation: {header: "教育阶段", key: "education", aliases: []string{"在学阶段", "文化程度"}, width: 11,
		choices: func() []string { return tmplCodeNames(EducationStages, educationOrder) },
		help:    "未上学、学前教育、小学、初中、高中、中职、大专及以上、已毕业 之一。", example: "已毕业"},
	fcEmployment: {header: "就业状况", key: "employment", width: 10,
		choices: func() []string { return tmplCodeNames(Employments, employmentOrder) },
		help:    "就业、灵活就业、务农、失业、在校学生、退休、无业 之一。", example: "务农"},
	fcExcluded: {header: "不计入家庭成员原因", key: "excluded", width: 20,
		choices: func() []string { return tmplCodeNames(Exclusions, exclusionOrder) },
		help:    "登记在户但不计入共同生活家庭成员的原因（民发〔2021〕57号第七条）：服刑、强制隔离戒毒、宣告失踪、宗教教职人员离家三年以上、省级规定的其他情形；计入则留空。",
		example: ""},
	fcDeathDate: {header: "死亡日期", key: "death_date", width: 12,
		help: "已死亡成员的死亡日期，格式同出生日期；健在留空。", example: ""},
	fcBank: {header: "开户银行", key: "bank", aliases: []string{"开户行"}, household: true, width: 16,
		help: "“一卡通”发放账户的开户银行，填写银行账号时必填。户主行填写。", example: "农村信用社"},
	fcAccount: {header: "银行账号", key: "account", aliases: []string{"银行卡号", "账号", "一卡通账号"}, household: true, text: true, width: 22,
		help: "12–30位数字，请设为文本格式。户主行填写。", example: "6228480123456789012"},
	fcHolder: {header: "账户名", key: "holder", aliases: []string{"户名", "账户姓名", "开户人"}, household: true, width: 10,
		help: "账户持有人姓名，填写银行账号时必填。户主行填写。", example: "张三"},
	fcIncomeWages: {header: "工资性收入（元/月）", key: "income_wages", width: 12, kind: "wages",
		help: "本人每月工资性收入（元），最多两位小数；无则留空。", example: "1200"},
	fcIncomeBusiness: {header: "经营净收入（元/月）", key: "income_business", width: 12, kind: "business",
		help: "本人每月经营净收入（含种养殖，元）。", example: ""},
	fcIncomeProperty: {header: "财产净收入（元/月）", key: "income_property", width: 12, kind: "property",
		help: "本人每月财产净收入（利息、租金、土地流转等，元）。", example: ""},
	fcIncomeTransfer: {header: "转移净收入（元/月）", key: "income_transfer", width: 12, kind: "transfer",
		help: "本人每月转移净收入（赡养费、养老金等，扣除缴纳的税费和支付的赡养费，元）。", example: ""},
	fcIncomeOther: {header: "其他收入（元/月）", key: "income_other", width: 12, kind: "other",
		help: "本人每月其他收入（元）。", example: ""},
	fcDeposit: {header: "存款（元）", key: "deposit", aliases: []string{"银行存款（元）"}, household: true, width: 12, kind: "deposit",
		help: "全家存款合计（元）。户主行填写。", example: "5000"},
	fcSecurities: {header: "有价证券（元）", key: "securities", household: true, width: 12, kind: "securities",
		help: "全家股票、债券、基金等市值合计（元）。户主行填写。", example: ""},
	fcInsurance: {header: "商业保险（元）", key: "insurance", household: true, width: 12, kind: "insurance",
		help: "全家商业保险现金价值合计（元）。户主行填写。", example: ""},
	fcOtherAssets: {header: "其他财产（元）", key: "other_assets", household: true, width: 12, kind: "other",
		help: "其他财产价值合计（元）。户主行填写。", example: ""},
	fcVehicles: {header: "机动车（类型:价值）", key: "vehicles", aliases: []string{"机动车", "车辆（类型:价值）"}, household: true, width: 22, kind: "vehicle",
		help:    "每辆写作“类型:价值（元）”，多辆用“；”分隔，如“小型轿车:30000；残疾人专用车:5000”；无则留空。户主行填写。",
		example: "农用三轮车:8000"},
	fcHouses: {header: "房产面积（平方米）", key: "houses", aliases: []string{"房屋面积（平方米）", "住房面积（平方米）"}, household: true, width: 14, kind: "house",
		help: "每套房产的建筑面积（平方米，最多两位小数），多套用“；”分隔，如“85.5；40”；无则留空。户主行填写。", example: "85.5"},
}

// Column describes one column of the import and export files, for the UI's
// help page.
type Column struct {
	Header   string // the Chinese header, exactly as in the template
	Key      string // a stable English key, e.g. "id_number"
	Required string // "" when needOptional, else in Chinese when it is required
	Help     string // how to fill it in, in Chinese
	Example  string
}

// Columns returns the template's columns in order.
func Columns() []Column {
	out := make([]Column, fcCount)
	for i, c := range fileColumns {
		out[i] = Column{Header: c.header, Key: c.key, Required: c.need.zh(), Help: c.help, Example: c.example}
	}
	return out
}

func (n colNeed) zh() string {
	switch n {
	case needEveryRow:
		return "每行必填"
	case needHeadRow:
		return "户主行必填"
	}
	return ""
}

// Orders of the code tables in dropdowns; keys added to a table later are
// listed after these, sorted.
var (
	relationshipOrder = []string{"head", "spouse", "child", "parent", "grandchild", "sibling", "other"}
	maritalOrder      = []string{"single", "married", "divorced", "widowed", "unknown"}
	disabilityOrder   = []string{"visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"}
	labourOrder       = []string{"full", "partial", "none"}
	educationOrder    = []string{"none", "preschool", "primary", "junior", "senior", "vocational", "college", "graduated"}
	employmentOrder   = []string{"employed", "flexible", "farming", "unemployed", "student", "retired", "none"}
	exclusionOrder    = []string{"prison", "drug_rehab", "missing", "religious_away", "other"}
)

// disabilityGrades are the disability grades by number.
var disabilityGrades = [5]string{"", "一级", "二级", "三级", "四级"}

// tmplCodeNames returns the Chinese names of a code table: those of order first,
// then any other keys in sorted order.
func tmplCodeNames[K ~string](table map[K]string, order []string) []string {
	var names []string
	seen := map[K]bool{}
	for _, k := range order {
		if n, ok := table[K(k)]; ok {
			names = append(names, n)
			seen[K(k)] = true
		}
	}
	var rest []K
	for k := range table {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		names = append(names, table[k])
	}
	return names
}

// tmplEthnicityNames lists the ethnic groups by GB/T 3304 code.
func tmplEthnicityNames() []string {
	codes := make([]string, 0, len(Ethnicities))
	for c := range Ethnicities {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = Ethnicities[c]
	}
	return names
}

// headers returns the template's header row.
func templateHeader() []string {
	h := make([]string, fcCount)
	for i, c := range fileColumns {
		h[i] = c.header
	}
	return h
}

// csvBOM starts every CSV file we write, so that Excel reads it as UTF-8.
const csvBOM = "\ufeff"

// TemplateCSV writes the CSV template: a UTF-8 byte-order mark and the
// header row, nothing else (an example row would be imported by accident;
// the guidance is in the xlsx template's 填写说明 sheet and in Columns).
func TemplateCSV(w io.Writer) error {
	if _, err := io.WriteString(w, csvBOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(templateHeader()); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// The sheets of the xlsx files.
const (
	sheetMembers = "家庭成员"
	sheetHelp    = "填写说明"
	sheetCodes   = "代码表"
)

// templateRows is how many rows of the template carry formats and
// dropdowns.
const templateRows = 10000

// TemplateXLSX writes the Excel template: sheet 家庭成员 with the styled,
// frozen header row, column widths, text format on the ID and account
// columns (so Excel keeps every digit) and dropdowns on the coded columns;
// sheet 填写说明 explaining each column; and sheet 代码表 holding the
// dropdowns' lists.
func TemplateXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheetMembers); err != nil {
		return err
	}
	st, err := newXLStyles(f)
	if err != nil {
		return err
	}
	header := templateHeader()
	if err := f.SetSheetRow(sheetMembers, "A1", &header); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(int(fcCount))
	if err := f.SetCellStyle(sheetMembers, "A1", last+"1", st.header); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheetMembers, 1, 32); err != nil {
		return err
	}
	if err := f.SetPanes(sheetMembers, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	// 填写说明 comes second, 代码表 last.
	if _, err := f.NewSheet(sheetHelp); err != nil {
		return err
	}
	if _, err := f.NewSheet(sheetCodes); err != nil {
		return err
	}
	codeCol := 0
	for i, c := range fileColumns {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheetMembers, name, name, c.width); err != nil {
			return err
		}
		if c.text {
			if err := f.SetColStyle(sheetMembers, name, st.text); err != nil {
				return err
			}
		}
		if c.choices == nil {
			continue
		}
		// The list goes to a column of 代码表 and the dropdown refers to it,
		// since an inline list is limited to 255 characters.
		codeCol++
		cn, _ := excelize.ColumnNumberToName(codeCol)
		list := c.choices()
		if err := f.SetCellStr(sheetCodes, cn+"1", c.header); err != nil {
			return err
		}
		for j, v := range list {
			if err := f.SetCellStr(sheetCodes, fmt.Sprintf("%s%d", cn, j+2), v); err != nil {
				return err
			}
		}
		if err := f.SetColWidth(sheetCodes, cn, cn, max(c.width, 10)); err != nil {
			return err
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", name, name, templateRows+1)
		dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$2:$%s$%d", sheetCodes, cn, cn, len(list)+1))
		// A warning, not a stop: a code ("07" for 彝族) is accepted too.
		dv.SetError(excelize.DataValidationErrorStyleWarning, c.header, "请从下拉列表中选择")
		if err := f.AddDataValidation(sheetMembers, dv); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheetCodes, "A1", fmt.Sprintf("%s1", xlColName(codeCol)), st.header); err != nil {
		return err
	}
	if err := writeHelpSheet(f, st); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// writeHelpSheet fills 填写说明: general rules, then one row per column.
func writeHelpSheet(f *excelize.File, st xlStyles) error {
	intro := []string{
		"家庭成员导入模板填写说明",
		"1. 在“家庭成员”表中每行填写一名家庭成员；同一户的各行“户主身份证号”相同，户主本人的行“与户主关系”填“户主”。",
		"2. 村（社区）代码、城乡类别、家庭住址、银行账户和家庭财产等家庭信息填在户主行；其他成员行留空或与户主行相同。",
		"3. 身份证号码、银行账号等长数字列已设为文本格式，请勿改为数字或常规格式，否则 Excel 会丢失后几位数字。",
		"4. 导入时先检查整个文件：任何一行有误，该户全部成员都不导入，并在错误报告中列出行号、列名和原因；可下载未导入的行，改正后重新导入。",
		"5. 重复导入同一文件不会重复登记任何人。请勿修改表头；列的顺序可以调整，多余的列会被忽略。",
	}
	for i, s := range intro {
		if err := f.SetCellStr(sheetHelp, fmt.Sprintf("A%d", i+1), s); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheetHelp, "A1", "A1", st.title); err != nil {
		return err
	}
	top := len(intro) + 2
	if err := f.SetSheetRow(sheetHelp, fmt.Sprintf("A%d", top), &[]string{"列名", "是否必填", "填写说明", "示例"}); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheetHelp, fmt.Sprintf("A%d", top), fmt.Sprintf("D%d", top), st.header); err != nil {
		return err
	}
	for i, c := range fileColumns {
		r := top + 1 + i
		if err := f.SetSheetRow(sheetHelp, fmt.Sprintf("A%d", r), &[]string{c.header, c.need.zh(), c.help, c.example}); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheetHelp, fmt.Sprintf("A%d", top+1), fmt.Sprintf("D%d", top+int(fcCount)), st.wrap); err != nil {
		return err
	}
	for col, w := range map[string]float64{"A": 22, "B": 12, "C": 80, "D": 22} {
		if err := f.SetColWidth(sheetHelp, col, col, w); err != nil {
			return err
		}
	}
	return nil
}

// xlStyles are the cell styles of the files we write.
type xlStyles struct {
	header, text, wrap, title, money int
}

func newXLStyles(f *excelize.File) (xlStyles, error) {
	var s xlStyles
	var err error
	border := []excelize.Border{{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
		{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1}}
	if s.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"2F5597"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    border,
	}); err != nil {
		return s, err
	}
	if s.text, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil { // 49 is "@", text
		return s, err
	}
	if s.wrap, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}, Border: border}); err != nil {
		return s, err
	}
	if s.title, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}); err != nil {
		return s, err
	}
	if s.money, err = f.NewStyle(&excelize.Style{NumFmt: 2}); err != nil { // 2 is "0.00"
		return s, err
	}
	return s, nil
}

func xlColName(n int) string {
	name, _ := excelize.ColumnNumberToName(max(n, 1))
	return name
}
