package registry_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"safetynet/internal/idcard"
	"safetynet/internal/money"
	"safetynet/internal/registry"
)

// impSampleHouseholds are households as an import yields them: the head
// first, items of Members[i] with PersonID -(i+1), one monthly item per
// member and kind, assets in the file's column order.
func impSampleHouseholds() []registry.Household {
	id := func(area, birth string, seq int) string {
		d, _ := time.Parse(time.DateOnly, birth)
		return idcard.Generate(area, d, seq).String()
	}
	member := func(idn, name string, rel registry.Relationship, d registry.Detail) registry.Member {
		p, err := idcard.Parse(idn)
		if err != nil {
			panic(err)
		}
		sex := "F"
		if p.Sex() == idcard.Male {
			sex = "M"
		}
		return registry.Member{IDNumber: idn, Name: name, Sex: sex, BirthDate: p.BirthDate().Format(time.DateOnly), Relationship: rel, Detail: d}
	}
	inc := func(i int, kind, yuan string) registry.Income {
		return registry.Income{PersonID: -int64(i + 1), Kind: kind, Amount: money.MustParse(yuan), Per: registry.PerMonth, Source: "申报"}
	}
	a1, a2 := id("530102", "1960-03-03", 11), id("530102", "1962-04-04", 22)
	b1 := id("530113", "1948-07-01", 31)
	return []registry.Household{
		{
			Village: "530102001001", County: "530102000000", Area: registry.Urban, Address: `翠湖西路12号,"东"院`,
			Bank: registry.BankAccount{Bank: "农村信用社", Account: "6228480123456789012", Holder: "张三"},
			Members: []registry.Member{
				member(a1, "张三", registry.Head, registry.Detail{Ethnicity: "07", Marital: "married",
					Disability: registry.Disability{Category: "physical", Grade: 2, Cert: a1 + "42"}, SelfCare: 0b100011,
					Labour: "partial", SeriousIllness: "尿毒症", Education: "graduated", Employment: "farming", Phone: "0871-65123456"}),
				member(a2, "李四", registry.Spouse, registry.Detail{Ethnicity: "01", Marital: "married", Labour: "full",
					Employment: "flexible", Excluded: "prison"}),
				member(id("530102", "1990-05-06", 12), "张小一", registry.Child, registry.Detail{Marital: "single", Education: "college",
					Employment: "student", DeathDate: "2024-01-15"}),
			},
			Incomes: []registry.Income{inc(0, "wages", "1200.50"), inc(0, "transfer", "300"), inc(1, "business", "0.01"),
				inc(1, "property", "45"), inc(1, "other", "10")},
			Assets: []registry.Asset{{Kind: "deposit", Value: money.Yuan(5000)}, {Kind: "securities", Value: money.MustParse("1234.56")},
				{Kind: "insurance", Value: money.Yuan(800)}, {Kind: "other", Value: money.Yuan(1)},
				{Kind: "vehicle", VehicleType: "小型轿车", Value: money.Yuan(30000)}, {Kind: "vehicle", VehicleType: "农用三轮车", Value: money.MustParse("8000.50")},
				{Kind: "house", Area: 8550}, {Kind: "house", Area: 4000}},
		},
		{
			Village: "530113001201", County: "530113000000", Area: registry.Rural,
			Members: []registry.Member{member(b1, "王老五", registry.Head, registry.Detail{Ethnicity: "16", Marital: "widowed",
				Disability: registry.Disability{Category: "multiple", Grade: 1}, SelfCare: 0b111111, Labour: "none"})},
		},
	}
}

// impStored returns h as the store would give it back: person IDs set,
// items referring to them, the head not first, a yearly item.
func impStored(h registry.Household, base int64) registry.Household {
	s := h
	s.ID = base
	s.Members = append([]registry.Member(nil), h.Members...)
	for i := range s.Members {
		s.Members[i].PersonID = base + int64(i) + 1
	}
	s.Incomes = nil
	for _, it := range h.Incomes {
		it.PersonID = base - it.PersonID
		s.Incomes = append(s.Incomes, it)
	}
	if len(s.Members) > 1 {
		s.Members[0], s.Members[1] = s.Members[1], s.Members[0]
	}
	if len(s.Incomes) > 0 {
		s.Incomes[0].Amount, s.Incomes[0].Per = s.Incomes[0].Amount.MulInt(12), registry.PerYear
	}
	return s
}

func TestExportRoundTrip(t *testing.T) {
	want := impSampleHouseholds()
	for _, format := range []string{"csv", "xlsx"} {
		for _, stored := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stored=%v", format, stored), func(t *testing.T) {
				hs := impSampleHouseholds()
				if stored {
					for i := range hs {
						hs[i] = impStored(hs[i], int64(1000*(i+1)))
					}
				}
				var buf bytes.Buffer
				e, err := registry.NewExporter(&buf, format, registry.ExportOptions{})
				if err != nil {
					t.Fatal(err)
				}
				for _, h := range hs {
					if err := e.Write(h); err != nil {
						t.Fatal(err)
					}
				}
				if err := e.Close(); err != nil {
					t.Fatal(err)
				}
				f := impRead(t, buf.Bytes(), format)
				if len(f.Errors) != 0 || len(f.Warnings) != 0 {
					t.Fatalf("errors %v, warnings %v", f.Errors, f.Warnings)
				}
				if len(f.Households) != len(want) {
					t.Fatalf("got %d households; want %d", len(f.Households), len(want))
				}
				for i, got := range f.Households {
					if !reflect.DeepEqual(got.Household, want[i]) {
						t.Errorf("household %d:\ngot  %+v\nwant %+v", i, got.Household, want[i])
					}
				}
				if got := f.Households[0].Rows; fmt.Sprint(got) != "[2 3 4]" {
					t.Errorf("rows: got %v; want [2 3 4]", got)
				}
			})
		}
	}
}

func TestExportCSVStable(t *testing.T) {
	// export → import → export gives the same bytes.
	var a, b bytes.Buffer
	if err := registry.WriteCSV(&a, impSampleHouseholds(), registry.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	f := impRead(t, a.Bytes(), "csv")
	var hs []registry.Household
	for _, h := range f.Households {
		hs = append(hs, h.Household)
	}
	if err := registry.WriteCSV(&b, hs, registry.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Errorf("second export differs:\n%s\n%s", a.String(), b.String())
	}
	if !strings.HasPrefix(a.String(), "\ufeff户主身份证号,身份证号码,姓名,") {
		t.Errorf("export starts %q", a.String()[:40])
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(a.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := map[string]string{}
	for j, h := range rows[0] {
		head[h] = rows[1][j]
	}
	for col, want := range map[string]string{"不能自理项": "吃饭、穿衣、洗澡", "残疾等级": "二级", "民族": "彝族", "城乡类别": "城镇",
		"机动车（类型:价值）": "小型轿车:30000.00；农用三轮车:8000.50", "房产面积（平方米）": "85.50；40.00", "工资性收入（元/月）": "1200.50"} {
		if head[col] != want {
			t.Errorf("%s: got %q; want %q", col, head[col], want)
		}
	}
	if rows[2][8] != "" || rows[2][0] != rows[1][1] {
		t.Errorf("a member's row: got village %q, head ID %q", rows[2][8], rows[2][0])
	}
}

func TestExportMasked(t *testing.T) {
	var buf bytes.Buffer
	hs := impSampleHouseholds()
	if err := registry.WriteCSV(&buf, hs, registry.ExportOptions{MaskIDs: true}); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	for _, secret := range []string{hs[0].Members[0].IDNumber, hs[0].Members[1].IDNumber, hs[0].Bank.Account, hs[0].Members[0].Disability.Cert} {
		if strings.Contains(s, secret) {
			t.Errorf("masked export holds %s", secret)
		}
	}
	if want := hs[0].Members[0].IDNumber[:6] + "********" + hs[0].Members[0].IDNumber[14:]; !strings.Contains(s, want) {
		t.Errorf("masked export lacks %s", want)
	}
	if !strings.Contains(s, "***************9012") {
		t.Errorf("masked export lacks the masked account")
	}
}

func TestExportXLSXFormat(t *testing.T) {
	var buf bytes.Buffer
	if err := registry.WriteXLSX(&buf, impSampleHouseholds(), registry.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); fmt.Sprint(got) != "[家庭成员]" {
		t.Errorf("sheets: got %v", got)
	}
	for cell, want := range map[string]excelize.CellType{"A2": excelize.CellTypeInlineString, "B2": excelize.CellTypeInlineString,
		"Z2": excelize.CellTypeUnset /* a number */} {
		if got, _ := x.GetCellType("家庭成员", cell); got != want {
			t.Errorf("type of %s: got %v; want %v", cell, got, want)
		}
	}
	if v, _ := x.GetCellValue("家庭成员", "Z2"); v != "1200.50" {
		t.Errorf("Z2 shows %q; want 1200.50", v)
	}
	panes, _ := x.GetPanes("家庭成员")
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes: got %+v; want the header frozen", panes)
	}
}

func TestExportManyXLSX(t *testing.T) {
	// 20,000 households through the stream writer, read back.
	base := impSampleHouseholds()[1]
	buf := &bytes.Buffer{}
	e, err := registry.NewXLSXExporter(buf, registry.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const n = 20_000
	for i := range n {
		h := base
		d := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/500)
		h.Members = []registry.Member{base.Members[0]}
		id := idcard.Generate("530113", d, i%500)
		h.Members[0].IDNumber, h.Members[0].BirthDate = id.String(), d.Format(time.DateOnly)
		h.Members[0].Sex = map[idcard.Sex]string{idcard.Male: "M", idcard.Female: "F"}[id.Sex()]
		if err := e.Write(h); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	f := impRead(t, buf.Bytes(), "xlsx")
	if len(f.Households) != n || len(f.Errors) != 0 {
		t.Errorf("got %d households, errors %v", len(f.Households), f.Errors[:min(3, len(f.Errors))])
	}
}
