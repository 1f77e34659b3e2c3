package registry_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"safetynet/internal/apperr"
	"safetynet/internal/idcard"
	"safetynet/internal/money"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

var impTree = region.YunnanTree()

// impWant is an error the bad fixture must produce.
type impWant struct {
	row    int
	column string
	msg    string // a part of the Chinese message
}

// impBadWant is every error of testdata/bad.csv, and nothing else.
var impBadWant = []impWant{
	{5, "身份证号码", "校验码错误"},
	{6, "出生日期", "出生日期与身份证号码不符（身份证号码中为1985-02-04）"},
	{7, "村（社区）代码", "村（社区）代码不存在"},
	{8, "性别", "性别与身份证号码不符（身份证号码为男性）"},
	{9, "姓名", "必填项"},
	{10, "身份证号码", "与第3行是同一人"},
	{12, "户主身份证号", "文件中没有这位户主本人的行"},
	{13, "民族", "无法识别的民族"},
	{14, "城乡类别", "城乡类别应为“城镇”或“农村”"},
	{15, "工资性收入（元/月）", "金额不能为负数"},
	{15, "存款（元）", "金额格式错误"},
	{16, "机动车（类型:价值）", "机动车应写作“类型:价值”"},
	{17, "村（社区）代码", "乡级区划（华山街道）"},
	{18, "与户主关系", "户主身份证号应与本人身份证号码相同"},
	{18, "户主身份证号", "文件中没有这位户主本人的行"},
	{19, "残疾等级", "须同时填写残疾等级"},
	{19, "不能自理项", "不能只填项数"},
	{21, "死亡日期", "日期格式错误"},
	{22, "村（社区）代码", "户主行必填"},
}

// impBadRejected are the rows of testdata/bad.csv that must be rejected.
var impBadRejected = []int{4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22}

func impRead(t testing.TB, data []byte, format string) *registry.ImportFile {
	t.Helper()
	f, err := registry.ReadFile(bytes.NewReader(data), format, impTree)
	if err != nil {
		t.Fatalf("ReadFile: %v", err)
	}
	return f
}

// impCheckErrors compares the errors of f with want, exactly.
func impCheckErrors(t *testing.T, f *registry.ImportFile, want []impWant) {
	t.Helper()
	type key struct {
		row int
		col string
	}
	got := map[key]string{}
	for _, e := range f.Errors {
		k := key{e.Row, e.Column}
		if _, dup := got[k]; dup {
			t.Errorf("two errors at row %d %s", e.Row, e.Column)
		}
		got[k] = e.Msg
	}
	for _, w := range want {
		msg, ok := got[key{w.row, w.column}]
		if !ok {
			t.Errorf("row %d %s: got no error; want %q", w.row, w.column, w.msg)
			continue
		}
		if !strings.Contains(msg, w.msg) {
			t.Errorf("row %d %s: got %q; want it to contain %q", w.row, w.column, msg, w.msg)
		}
		delete(got, key{w.row, w.column})
	}
	for k, msg := range got {
		t.Errorf("row %d %s: got unexpected error %q", k.row, k.col, msg)
	}
	if !slices.IsSortedFunc(f.Errors, func(a, b registry.RowError) int { return a.Row - b.Row }) {
		t.Errorf("errors are not in row order")
	}
}

// impCheckBadAccepted checks the two households of bad.csv that are good.
func impCheckBadAccepted(t *testing.T, f *registry.ImportFile) {
	t.Helper()
	if len(f.Households) != 2 {
		t.Fatalf("got %d households; want 2", len(f.Households))
	}
	a := f.Households[0]
	if !slices.Equal(a.Rows, []int{2, 3}) {
		t.Errorf("household A rows: got %v; want [2 3]", a.Rows)
	}
	h := a.Household
	if h.Village != "530102001001" || h.County != "530102000000" || h.Area != registry.Urban {
		t.Errorf("household A: got village %s county %s area %s", h.Village, h.County, h.Area)
	}
	spouse := h.Members[1]
	if spouse.Name != "李四" || spouse.Sex != "F" || spouse.BirthDate != "1982-03-15" || spouse.Relationship != registry.Spouse ||
		spouse.Ethnicity != "07" || spouse.Disability.Category != "physical" || spouse.Disability.Grade != 2 || spouse.SelfCare != 0b11 {
		t.Errorf("spouse: got %+v", spouse)
	}
	wantInc := []registry.Income{
		{PersonID: -1, Kind: "wages", Amount: money.Yuan(2000), Per: registry.PerMonth, Source: "申报"},
		{PersonID: -2, Kind: "wages", Amount: money.Yuan(800), Per: registry.PerMonth, Source: "申报"},
	}
	if !slices.Equal(h.Incomes, wantInc) {
		t.Errorf("incomes: got %+v; want %+v", h.Incomes, wantInc)
	}
	wantAssets := []registry.Asset{{Kind: "deposit", Value: money.Yuan(5000)}, {Kind: "vehicle", VehicleType: "小型轿车", Value: money.Yuan(30000)}}
	if !slices.Equal(h.Assets, wantAssets) {
		t.Errorf("assets: got %+v; want %+v", h.Assets, wantAssets)
	}
	r := f.Households[1]
	if !slices.Equal(r.Rows, []int{23, 24}) {
		t.Errorf("household R rows: got %v; want [23 24]", r.Rows)
	}
	head := r.Household.Members[0]
	if head.Ethnicity != "07" || head.Disability.Grade != 1 || head.SelfCare.Failed() != 3 || r.Household.Area != registry.Rural {
		t.Errorf("household R head: got %+v area %s", head, r.Household.Area)
	}
	if want := money.MustParse("1500.50"); len(r.Household.Incomes) != 1 || r.Household.Incomes[0].Amount != want || r.Household.Incomes[0].PersonID != -2 {
		t.Errorf("household R incomes: got %+v; want 1500.50 of member 2", r.Household.Incomes)
	}
}

func TestReadFileBadCSV(t *testing.T) {
	data, err := os.ReadFile("testdata/bad.csv")
	if err != nil {
		t.Fatal(err)
	}
	f := impRead(t, data, "csv")
	impCheckErrors(t, f, impBadWant)
	if got := f.Rejected(); !slices.Equal(got, impBadRejected) {
		t.Errorf("Rejected: got %v; want %v", got, impBadRejected)
	}
	if f.Rows != 22 {
		t.Errorf("Rows: got %d; want 22 (the empty row skipped)", f.Rows)
	}
	if len(f.Warnings) != 1 || f.Warnings[0].Column != "备注" || f.Warnings[0].Row != 1 {
		t.Errorf("warnings: got %+v; want one for 备注 on row 1", f.Warnings)
	}
	impCheckBadAccepted(t, f)
	err = f.Err()
	if !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.Message(err, "zh"), "第5行【身份证号码】") ||
		!strings.Contains(apperr.Message(err, "zh"), fmt.Sprintf("另有%d处错误", len(impBadWant)-1)) {
		t.Errorf("Err: got %v", err)
	}
}

// impXLSXFromCSV writes the rows of a CSV file into an xlsx sheet as text,
// row for row.
func impXLSXFromCSV(t testing.TB, data []byte) *excelize.File {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	x := excelize.NewFile()
	if err := x.SetSheetName("Sheet1", "家庭成员"); err != nil {
		t.Fatal(err)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		line, _ := r.FieldPos(0)
		for j, v := range rec {
			if v == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, line)
			if err := x.SetCellStr("家庭成员", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	return x
}

func impXLSXBytes(t testing.TB, x *excelize.File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadFileBadXLSX(t *testing.T) {
	data, err := os.ReadFile("testdata/bad.csv")
	if err != nil {
		t.Fatal(err)
	}
	x := impXLSXFromCSV(t, data)
	// As Excel keeps them: a date as a serial number in a date cell, an
	// amount as a number, and IDs typed into a General cell as numbers.
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(x.SetCellValue("家庭成员", "E23", time.Date(1965, 5, 5, 0, 0, 0, 0, time.UTC)))
	must(x.SetCellValue("家庭成员", "E6", time.Date(1985, 2, 3, 0, 0, 0, 0, time.UTC)))
	must(x.SetCellFloat("家庭成员", "M24", 1500.5, -1, 64))
	must(x.SetCellStr("家庭成员", "A25", "530102199901013013"))
	must(x.SetCellFloat("家庭成员", "B25", 530102199901013013, -1, 64))
	must(x.SetCellStr("家庭成员", "C25", "秦一"))
	must(x.SetCellStr("家庭成员", "F25", "户主"))
	must(x.SetCellStr("家庭成员", "H25", "530102001001"))
	must(x.SetCellStr("家庭成员", "I25", "城镇"))
	must(x.SetCellStr("家庭成员", "A26", "5.30102199901013E+17"))
	must(x.SetCellStr("家庭成员", "B26", "530102199901013013"))
	must(x.SetCellStr("家庭成员", "C26", "秦二"))
	must(x.SetCellStr("家庭成员", "F26", "子女"))
	f := impRead(t, impXLSXBytes(t, x), "xlsx")
	want := append(slices.Clone(impBadWant),
		impWant{25, "身份证号码", "身份证号码被 Excel 存成了数字，请将该列设为文本格式后重新填写"},
		impWant{26, "户主身份证号", "身份证号码被 Excel 存成了数字"},
	)
	impCheckErrors(t, f, want)
	impCheckBadAccepted(t, f)
	if got, want := f.Rejected(), append(slices.Clone(impBadRejected), 25, 26); !slices.Equal(got, want) {
		t.Errorf("Rejected: got %v; want %v", got, want)
	}
	// The rejected rows as xlsx: text cells, dates written out, reasons.
	var out bytes.Buffer
	if err := registry.WriteRejected(&out, "xlsx", f); err != nil {
		t.Fatal(err)
	}
	rx, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	rows, _ := rx.GetRows("家庭成员")
	if len(rows) != 1+len(impBadRejected)+2 || rows[0][len(rows[0])-1] != "错误原因" {
		t.Fatalf("rejected xlsx: got %d rows, header %v", len(rows), rows[0])
	}
	for _, r := range rows {
		if len(r) > 2 && r[2] == "赵六" {
			if r[4] != "1985-02-03" || !strings.Contains(r[len(r)-1], "出生日期：出生日期与身份证号码不符") {
				t.Errorf("row of 赵六: got %q", r)
			}
		}
	}
}

func TestReadFileGBK(t *testing.T) {
	utf, err := os.ReadFile("testdata/bad.csv")
	if err != nil {
		t.Fatal(err)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(utf)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(gbk, utf) {
		t.Fatal("the GBK file should differ from the UTF-8 one")
	}
	f := impRead(t, gbk, "csv")
	impCheckErrors(t, f, impBadWant)
	impCheckBadAccepted(t, f)
	if got := f.Households[0].Household.Members[0].Name; got != "张三" {
		t.Errorf("name: got %q; want 张三", got)
	}
	// And with a byte-order mark, UTF-8 as Excel's "CSV UTF-8" saves it.
	f = impRead(t, append([]byte("\ufeff"), utf...), "csv")
	impCheckErrors(t, f, impBadWant)
}

func TestReadFileRowNumbers(t *testing.T) {
	// A title above the header, blank lines, a cell spanning two lines,
	// loose headers, columns in another order and CRLF line ends.
	id1, id2 := "530102198001010138", "530102198203150243"
	src := "家庭成员花名册,,,,,\r\n" +
		"\r\n" +
		" *姓名 ,身份证号,与户主关系,户主身份证号码,村(社区)代码,城乡类别,家庭住址\r\n" +
		"张三," + id1 + ",户主,," + "530102001001,城镇,\"翠湖西路\n12号\"\r\n" +
		"\r\n" +
		"李四," + id2 + ",配偶," + id1 + ",,,\r\n" +
		"王五,530102198203150244,子女," + id1 + ",,,\r\n"
	f := impRead(t, []byte(src), "csv")
	impCheckErrors(t, f, []impWant{{7, "身份证号码", "校验码错误"}})
	if got := f.Rejected(); !slices.Equal(got, []int{4, 6, 7}) {
		t.Errorf("Rejected: got %v; want [4 6 7]", got)
	}
	var out bytes.Buffer
	if err := registry.WriteRejected(&out, "csv", f); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"*姓名", "身份证号", "与户主关系", "户主身份证号码", "村(社区)代码", "城乡类别", "家庭住址", "错误原因"},
		{"张三", id1, "户主", "", "530102001001", "城镇", "翠湖西路\n12号", "同户其他成员有误（第7行）"},
		{"李四", id2, "配偶", id1, "", "", "", "同户其他成员有误（第7行）"},
		{"王五", "530102198203150244", "子女", id1, "", "", "", "身份证号码：身份证号码校验码错误"},
	}
	rows[0][0] = strings.TrimSpace(rows[0][0])
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("rejected file:\ngot  %q\nwant %q", rows, want)
	}
	// The corrected rejected file imports; its 错误原因 column is ignored.
	fixed := strings.Replace(out.String(), "530102198203150244", "53010220100101001X", 1)
	g := impRead(t, []byte(fixed), "csv")
	if len(g.Errors) != 0 || len(g.Warnings) != 0 || len(g.Households) != 1 || len(g.Households[0].Household.Members) != 3 {
		t.Errorf("corrected file: got errors %v, warnings %v, %d households", g.Errors, g.Warnings, len(g.Households))
	}
	if got := g.Households[0].Household.Address; got != "翠湖西路\n12号" {
		t.Errorf("address: got %q", got)
	}
}

func TestReadFileHouseholdRules(t *testing.T) {
	const head = "530102198001010138"
	hdr := "户主身份证号,身份证号码,姓名,与户主关系,村（社区）代码,城乡类别,家庭住址,存款（元）\n"
	cases := []struct {
		name     string
		rows     string
		want     []impWant
		accepted int
	}{
		{"member rows may repeat the head's household cells",
			head + "," + head + ",张三,户主,530102001001,城镇,一号,100\n" +
				head + ",530102198203150243,李四,配偶,530102001001,城镇,一号,100\n", nil, 1},
		{"but not differ from them",
			head + "," + head + ",张三,户主,530102001001,城镇,一号,100\n" +
				head + ",530102198203150243,李四,配偶,530102001002,,二号,\n",
			[]impWant{{3, "村（社区）代码", "以户主行（第2行）为准"}, {3, "家庭住址", "以户主行（第2行）为准"}}, 0},
		{"a member whose own ID is the head's must be the head",
			head + "," + head + ",张三,子女,530102001001,城镇,,\n",
			[]impWant{{2, "与户主关系", "与户主关系应填“户主”"}}, 0},
		{"the head's row may leave the head's ID blank",
			"," + head + ",张三,户主,530102001001,城镇,,\n", nil, 1},
		{"a member's row may not",
			"," + head + ",张三,子女,530102001001,城镇,,\n",
			[]impWant{{2, "户主身份证号", "必填项"}}, 0},
		{"two rows of the head are a duplicate",
			head + "," + head + ",张三,户主,530102001001,城镇,,\n" + head + "," + head + ",张三,户主,530102001001,城镇,,\n",
			[]impWant{{3, "身份证号码", "与第2行是同一人"}}, 0},
		{"15-digit IDs and full-width digits are read",
			"530102800101013,５３０１０２８００１０１０１３,张三,户主,530102001001,城镇,,\n", nil, 1},
		{"an unknown relationship",
			head + "," + head + ",张三,户主,530102001001,城镇,,\n" + head + ",530102198203150243,李四,表亲,,,,\n",
			[]impWant{{3, "与户主关系", "应为 户主、配偶"}}, 0},
		{"a township code is not a village",
			head + "," + head + ",张三,户主,530102001,城镇,,\n",
			[]impWant{{2, "村（社区）代码", "这是乡级区划代码，应填写12位村（社区）代码"}}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := impRead(t, []byte(hdr+c.rows), "csv")
			impCheckErrors(t, f, c.want)
			if len(f.Households) != c.accepted {
				t.Errorf("households: got %d; want %d", len(f.Households), c.accepted)
			}
		})
	}
}

func TestReadFileTooManyMembers(t *testing.T) {
	var b strings.Builder
	b.WriteString("户主身份证号,身份证号码,姓名,与户主关系,村（社区）代码,城乡类别\n")
	head := idcard.Generate("530102", time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC), 1).String()
	fmt.Fprintf(&b, "%s,%s,户主,户主,530102001001,城镇\n", head, head)
	for i := range 30 {
		id := idcard.Generate("530102", time.Date(1980, 1, 1+i, 0, 0, 0, 0, time.UTC), 2).String()
		fmt.Fprintf(&b, "%s,%s,成员,子女,,\n", head, id)
	}
	f := impRead(t, []byte(b.String()), "csv")
	impCheckErrors(t, f, []impWant{{2, "户主身份证号", "该户共有31名成员，超过30人的上限"}})
	if len(f.Rejected()) != 31 {
		t.Errorf("rejected: got %d rows; want 31", len(f.Rejected()))
	}
}

func TestReadFileWholeFileErrors(t *testing.T) {
	cases := []struct {
		name, format, data, want string
	}{
		{"empty", "csv", "", "没有找到表头"},
		{"no header", "csv", "a,b,c\n1,2,3\n", "没有找到表头"},
		{"missing columns", "csv", "身份证号码,姓名\n", "缺少必需的列：户主身份证号、与户主关系、村（社区）代码、城乡类别"},
		{"twice", "csv", "户主身份证号,身份证号码,姓名,姓名,与户主关系,村（社区）代码,城乡类别\n", "出现了不止一次：姓名"},
		{"bad quotes", "csv", "户主身份证号,身份证号码,姓名,与户主关系,村（社区）代码,城乡类别\n1,\"2,3\n", "CSV 格式错误"},
		{"not xlsx", "xlsx", "hello", "不是有效的 Excel"},
		{"broken zip", "xlsx", "PK\x03\x04garbage", "不是有效的 Excel"},
		{"old xls", "csv", "\xD0\xCF\x11\xE0rest", "不支持旧版 .xls"},
		{"format", "pdf", "x", "CSV 或 Excel"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := registry.ReadFile(strings.NewReader(c.data), c.format, impTree)
			if !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.Message(err, "zh"), c.want) {
				t.Errorf("got %v (%s); want Invalid containing %q", err, apperr.Message(err, "zh"), c.want)
			}
		})
	}
}

func TestReadFileTooLarge(t *testing.T) {
	r := io.LimitReader(impZeros{}, registry.MaxImportBytes+1)
	_, err := registry.ReadFile(r, "csv", impTree)
	if !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.Message(err, "zh"), "文件超过 50 MB") {
		t.Errorf("got %v; want Invalid 文件超过 50 MB", err)
	}
}

type impZeros struct{}

func (impZeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

func TestReject(t *testing.T) {
	data, err := os.ReadFile("testdata/bad.csv")
	if err != nil {
		t.Fatal(err)
	}
	f := impRead(t, data, "csv")
	// The service finds both members of the first household taken; it
	// rejects by index twice, the second time with a stale index.
	f.Reject(0, 3, "身份证号码", "该成员已属于另一户家庭", "already in another household")
	f.Reject(0, 2, "身份证号码", "该成员已属于另一户家庭", "already in another household")
	if len(f.Households) != 1 || f.Households[0].Rows[0] != 23 {
		t.Fatalf("households: got %d, want only the one of row 23", len(f.Households))
	}
	if got := f.Rejected(); !slices.Contains(got, 2) || !slices.Contains(got, 3) || slices.Contains(got, 23) {
		t.Errorf("Rejected: got %v", got)
	}
	want := append(slices.Clone(impBadWant), impWant{2, "身份证号码", "已属于另一户"}, impWant{3, "身份证号码", "已属于另一户"})
	impCheckErrors(t, f, want)
	for _, e := range f.Errors {
		if e.Row == 3 && e.Value != "530102198203150243" {
			t.Errorf("value of the service's error: got %q", e.Value)
		}
	}
	for _, format := range []string{"csv", "xlsx"} {
		var out bytes.Buffer
		if err := registry.WriteRejected(&out, format, f); err != nil {
			t.Fatal(err)
		}
		g := impRead(t, out.Bytes(), format)
		// The rejected file holds the rows of all 18+2 rejected rows; read
		// again, it has the same errors at new row numbers, minus the
		// service's own.
		if g.Rows != 20 {
			t.Errorf("%s: rows of the rejected file: got %d; want 20", format, g.Rows)
		}
		if len(g.Households) != 1 || len(g.Errors) != len(impBadWant) {
			t.Errorf("%s: rejected file: got %d households and %d errors; want 1 and %d", format, len(g.Households), len(g.Errors), len(impBadWant))
		}
		if len(g.Warnings) != 1 {
			t.Errorf("%s: warnings: got %v; want only 备注", format, g.Warnings)
		}
	}
}

func TestRejectRows(t *testing.T) {
	// Many households rejected at once, as the service does after one
	// look-up of who is already registered.
	var b strings.Builder
	b.WriteString("户主身份证号,身份证号码,姓名,与户主关系,村（社区）代码,城乡类别\n")
	var errs []registry.RowError
	for i := range 2000 {
		id := idcard.Generate("530102", time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i), 1).String()
		fmt.Fprintf(&b, "%s,%s,张三,户主,530102001001,城镇\n", id, id)
		if i%2 == 1 {
			errs = append(errs, registry.RowError{Row: i + 2, Column: "身份证号码", Msg: "该成员已属于另一户家庭", MsgEN: "already registered"})
		}
	}
	f := impRead(t, []byte(b.String()), "csv")
	f.RejectRows(errs)
	if len(f.Households) != 1000 || len(f.Rejected()) != 1000 || len(f.Errors) != 1000 {
		t.Fatalf("got %d households, %d rejected rows, %d errors; want 1000 each", len(f.Households), len(f.Rejected()), len(f.Errors))
	}
	for i, h := range f.Households {
		if h.Rows[0] != 2*i+2 {
			t.Fatalf("household %d: row %d; want %d (order kept)", i, h.Rows[0], 2*i+2)
		}
	}
	if e := f.Errors[0]; e.Row != 3 || e.Key != "id_number" || len(e.Value) != 18 {
		t.Errorf("first error: got %+v", e)
	}
}

func TestRowErrorText(t *testing.T) {
	e := registry.RowError{Row: 3, Column: "身份证号码", Key: "id_number", Value: "530102198001010139", Msg: "身份证号码校验码错误", MsgEN: "wrong check digit in ID number"}
	if got, want := e.Zh(), "第3行【身份证号码】：身份证号码校验码错误"; got != want {
		t.Errorf("Zh: got %q; want %q", got, want)
	}
	if got := e.Error(); strings.Contains(got, e.Value) || got != "row 3, column id_number: wrong check digit in ID number" {
		t.Errorf("Error: got %q (must not hold the ID)", got)
	}
}

// impCheckInvariants checks what holds for any file ReadFile accepts.
func impCheckInvariants(t *testing.T, f *registry.ImportFile, err error) {
	if err != nil {
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Kind != apperr.Invalid || ae.Msg == "" {
			t.Fatalf("got error %v; want an Invalid *apperr.Error with a message", err)
		}
		return
	}
	rejected := map[int]bool{}
	for _, r := range f.Rejected() {
		rejected[r] = true
	}
	for _, e := range f.Errors {
		if e.Row < 1 || e.Msg == "" || e.MsgEN == "" || !rejected[e.Row] {
			t.Fatalf("bad row error %+v", e)
		}
	}
	for _, h := range f.Households {
		if len(h.Rows) != len(h.Household.Members) || len(h.Rows) == 0 {
			t.Fatalf("household rows %v for %d members", h.Rows, len(h.Household.Members))
		}
		heads := 0
		for i, m := range h.Household.Members {
			if m.Relationship == registry.Head {
				heads++
				if i != 0 {
					t.Fatalf("head is member %d", i)
				}
			}
			if _, err := idcard.Parse(m.IDNumber); err != nil {
				t.Fatalf("accepted member with ID %q", m.IDNumber)
			}
		}
		if heads != 1 {
			t.Fatalf("household with %d heads", heads)
		}
		for _, r := range h.Rows {
			if rejected[r] {
				t.Fatalf("row %d both accepted and rejected", r)
			}
		}
		d, ok := impTree.Get(h.Household.Village)
		if !ok || d.Level != region.Village {
			t.Fatalf("accepted village %q", h.Household.Village)
		}
	}
	if err := registry.WriteRejected(io.Discard, "csv", f); err != nil {
		t.Fatalf("WriteRejected: %v", err)
	}
}

func FuzzReadCSV(f *testing.F) {
	bad, err := os.ReadFile("testdata/bad.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(bad)
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes(bad)
	f.Add(gbk)
	var tmpl bytes.Buffer
	if err := registry.TemplateCSV(&tmpl); err != nil {
		f.Fatal(err)
	}
	f.Add(tmpl.Bytes())
	f.Add([]byte("户主身份证号\t身份证号码\t姓名\t与户主关系\t村（社区）代码\t城乡类别\n,530102198001010138\t张三\t户主\t530102001001\t城镇\n"))
	f.Add([]byte("身份证号码,姓名\n\"a\nb\",c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := registry.ReadFile(bytes.NewReader(data), "csv", impTree)
		impCheckInvariants(t, res, err)
	})
}

func FuzzReadXLSX(f *testing.F) {
	bad, err := os.ReadFile("testdata/bad.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(impXLSXBytes(f, impXLSXFromCSV(f, bad)))
	// A small file, cheap to mutate.
	small := "户主身份证号,身份证号码,姓名,与户主关系,村（社区）代码,城乡类别,出生日期\n" +
		"530102198001010138,530102198001010138,张三,户主,530102001001,城镇,1980-01-01\n"
	f.Add(impXLSXBytes(f, impXLSXFromCSV(f, []byte(small))))
	var tmpl bytes.Buffer
	if err := registry.TemplateXLSX(&tmpl); err != nil {
		f.Fatal(err)
	}
	f.Add(tmpl.Bytes())
	var exp bytes.Buffer
	if err := registry.WriteXLSX(&exp, impSampleHouseholds(), registry.ExportOptions{}); err != nil {
		f.Fatal(err)
	}
	f.Add(exp.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := registry.ReadFile(bytes.NewReader(data), "xlsx", impTree)
		impCheckInvariants(t, res, err)
	})
}

// impBenchFile is a CSV export of n members in households of three.
func impBenchFile(b *testing.B, n int) []byte {
	var hs []registry.Household
	birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	villages := []string{"530102001001", "530102001002", "530113001201", "530113001202"}
	for i := 0; len(hs)*3 < n; i++ {
		h := registry.Household{Village: villages[i%len(villages)], Area: registry.Rural, Address: "某某村民小组12号",
			Bank: registry.BankAccount{Bank: "农村信用社", Account: "622848012345678" + fmt.Sprintf("%04d", i%10000), Holder: "张三"}}
		h.Assets = []registry.Asset{{Kind: "deposit", Value: money.Yuan(int64(i % 5000))}}
		for j := range 3 {
			d := birth.AddDate(0, 0, i/300)
			seq := (i%300)*3 + j
			rel := []registry.Relationship{registry.Head, registry.Spouse, registry.Child}[j]
			m := registry.Member{IDNumber: idcard.Generate("530102", d, seq).String(), Name: "张小" + string(rune('一'+j)),
				Relationship: rel, Detail: registry.Detail{Ethnicity: "07", Marital: "married", Labour: "full", Education: "graduated",
					Employment: "farming", Phone: "13800138000"}}
			m.Sex = map[bool]string{true: "M", false: "F"}[seq%2 == 1]
			m.BirthDate = d.Format(time.DateOnly)
			h.Members = append(h.Members, m)
			h.Incomes = append(h.Incomes, registry.Income{PersonID: -int64(j + 1), Kind: "wages", Amount: money.Yuan(1200), Per: registry.PerMonth})
		}
		hs = append(hs, h)
	}
	var buf bytes.Buffer
	if err := registry.WriteCSV(&buf, hs, registry.ExportOptions{}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkReadCSV(b *testing.B) {
	const members = 100_000
	data := impBenchFile(b, members)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu := impCPUTime()
	for b.Loop() {
		f, err := registry.ReadFile(bytes.NewReader(data), "csv", impTree)
		if err != nil || len(f.Errors) != 0 || f.Members() < members {
			b.Fatalf("got %v, %d errors (%v), %d members", err, len(f.Errors), f.Errors[:min(3, len(f.Errors))], f.Members())
		}
	}
	b.ReportMetric(float64(members)*float64(b.N)/b.Elapsed().Seconds(), "members/s")
	// The process's CPU time (GC included), which a busy machine does not
	// inflate as it does the wall clock.
	if used := impCPUTime() - cpu; used > 0 {
		b.ReportMetric(float64(members)*float64(b.N)/used.Seconds(), "members/cpu-s")
	}
}

func BenchmarkReadXLSX(b *testing.B) {
	const members = 20_000
	f := impRead(b, impBenchFile(b, members), "csv")
	var hs []registry.Household
	for _, h := range f.Households {
		hs = append(hs, h.Household)
	}
	var buf bytes.Buffer
	if err := registry.WriteXLSX(&buf, hs, registry.ExportOptions{}); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu := impCPUTime()
	for b.Loop() {
		f, err := registry.ReadFile(bytes.NewReader(data), "xlsx", impTree)
		if err != nil || len(f.Errors) != 0 || f.Members() < members {
			b.Fatalf("got %v, %d errors, %d members", err, len(f.Errors), f.Members())
		}
	}
	b.ReportMetric(float64(members)*float64(b.N)/b.Elapsed().Seconds(), "members/s")
	if used := impCPUTime() - cpu; used > 0 {
		b.ReportMetric(float64(members)*float64(b.N)/used.Seconds(), "members/cpu-s")
	}
}
