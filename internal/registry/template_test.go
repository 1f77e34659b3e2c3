package registry_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"safetynet/internal/registry"
)

func TestTemplateCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := registry.TemplateCSV(&buf); err != nil {
		t.Fatal(err)
	}
	var hs []string
	for _, c := range registry.Columns() {
		hs = append(hs, c.Header)
	}
	if got, want := buf.String(), "\ufeff"+strings.Join(hs, ",")+"\n"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
	f := impRead(t, buf.Bytes(), "csv")
	if f.Rows != 0 || len(f.Households) != 0 || len(f.Errors) != 0 || len(f.Warnings) != 0 {
		t.Errorf("template read back: got %d rows, %d households, errors %v, warnings %v", f.Rows, len(f.Households), f.Errors, f.Warnings)
	}
}

func TestTemplateXLSX(t *testing.T) {
	var buf bytes.Buffer
	if err := registry.TemplateXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f := impRead(t, buf.Bytes(), "xlsx")
	if f.Rows != 0 || len(f.Households) != 0 || len(f.Errors) != 0 || len(f.Warnings) != 0 {
		t.Errorf("template read back: got %d rows, %d households, errors %v, warnings %v", f.Rows, len(f.Households), f.Errors, f.Warnings)
	}
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); !slices.Equal(got, []string{"家庭成员", "填写说明", "代码表"}) {
		t.Errorf("sheets: got %v", got)
	}
	cols := registry.Columns()
	row, _ := x.GetRows("家庭成员")
	if len(row) != 1 || len(row[0]) != len(cols) || row[0][1] != "身份证号码" {
		t.Fatalf("header: got %v", row)
	}
	panes, _ := x.GetPanes("家庭成员")
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes: got %+v; want the header row frozen", panes)
	}
	// The ID and account columns are text, so Excel keeps every digit.
	for _, header := range []string{"户主身份证号", "身份证号码", "村（社区）代码", "银行账号", "残疾证号"} {
		j := slices.IndexFunc(cols, func(c registry.Column) bool { return c.Header == header })
		name, _ := excelize.ColumnNumberToName(j + 1)
		id, err := x.GetColStyle("家庭成员", name)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := x.GetStyle(id)
		if st == nil || st.NumFmt != 49 {
			t.Errorf("column %s (%s): got style %+v; want text (49)", header, name, st)
		}
	}
	dvs, _ := x.GetDataValidations("家庭成员")
	byCol := map[string]string{}
	for _, dv := range dvs {
		byCol[strings.TrimRight(strings.Split(dv.Sqref, ":")[0], "0123456789")] = dv.Formula1
	}
	for _, header := range []string{"性别", "与户主关系", "民族", "婚姻状况", "城乡类别", "残疾类别", "残疾等级", "劳动能力", "教育阶段", "就业状况", "不计入家庭成员原因"} {
		j := slices.IndexFunc(cols, func(c registry.Column) bool { return c.Header == header })
		name, _ := excelize.ColumnNumberToName(j + 1)
		formula, ok := byCol[name]
		if !ok {
			t.Errorf("column %s (%s) has no dropdown", header, name)
			continue
		}
		// The list it refers to holds the names.
		ref := strings.TrimPrefix(strings.Trim(formula, "<>formula1/"), "=")
		_, rng, _ := strings.Cut(ref, "!")
		from, to, _ := strings.Cut(strings.ReplaceAll(rng, "$", ""), ":")
		vals, err := impRange(x, "代码表", from, to)
		if err != nil || len(vals) == 0 {
			t.Errorf("column %s: list %q: %v", header, formula, err)
		}
		if header == "民族" && (len(vals) != 58 || vals[6] != "彝族") {
			t.Errorf("民族 list: got %d names, 7th %q", len(vals), vals[min(6, len(vals)-1)])
		}
		if header == "与户主关系" && fmt.Sprint(vals) != "[户主 配偶 子女 父母 孙子女 兄弟姐妹 其他]" {
			t.Errorf("与户主关系 list: got %v", vals)
		}
	}
	help, _ := x.GetRows("填写说明")
	found := 0
	for _, r := range help {
		if len(r) >= 3 && slices.ContainsFunc(cols, func(c registry.Column) bool { return c.Header == r[0] && c.Help == r[2] }) {
			found++
		}
	}
	if found != len(cols) {
		t.Errorf("填写说明 explains %d columns; want %d", found, len(cols))
	}
}

func impRange(x *excelize.File, sheet, from, to string) ([]string, error) {
	c1, r1, err := excelize.CellNameToCoordinates(from)
	if err != nil {
		return nil, err
	}
	_, r2, err := excelize.CellNameToCoordinates(to)
	if err != nil {
		return nil, err
	}
	var out []string
	for r := r1; r <= r2; r++ {
		name, _ := excelize.CoordinatesToCellName(c1, r)
		v, err := x.GetCellValue(sheet, name)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func TestColumnsAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range registry.Columns() {
		if seen[c.Header] || seen[c.Key] || c.Help == "" {
			t.Errorf("column %+v: duplicate or without help", c)
		}
		seen[c.Header], seen[c.Key] = true, true
	}
}
