package calendar_test

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
)

func TestParseCSV(t *testing.T) {
	const in = "\uFEFF# 2027 arrangement, loaded by an administrator\n" +
		"date,kind,name\n" +
		"\n" +
		"2027-02-05, holiday, 春节\n" +
		"2027-02-06,HOLIDAY,春节\n" +
		",,\n" + // an empty spreadsheet row
		"2027-02-14,workday,\"春节\"\n"
	entries, err := calendar.ParseCSV(strings.NewReader(in))
	if err != nil {
		t.Fatalf("ParseCSV: %v", err)
	}
	want := []calendar.Entry{
		{Date: iso("2027-02-05"), Kind: calendar.Holiday, Name: "春节"},
		{Date: iso("2027-02-06"), Kind: calendar.Holiday, Name: "春节"},
		{Date: iso("2027-02-14"), Kind: calendar.Workday, Name: "春节"},
	}
	if len(entries) != len(want) {
		t.Fatalf("ParseCSV: got %d entries %v; want %d", len(entries), entries, len(want))
	}
	for i := range want {
		if entries[i] != want[i] {
			t.Errorf("entry %d = %+v; want %+v", i, entries[i], want[i])
		}
	}
}

func TestParseCSVErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		field string // apperr field: the line and the column
		zh    string // a fragment of the Chinese message
		en    string // a fragment of the English message
	}{
		{"bad date", "date,kind,name\n2024-02-10,holiday,春节\n2024-02-30,holiday,春节\n",
			"line[3].date", "第3行：日期“2024-02-30”无效", "line 3: date \"2024-02-30\""},
		{"bad kind", "# c\n2024-02-10,off,春节\n",
			"line[2].kind", "第2行：类型“off”无效", "line 2: kind \"off\""},
		{"too few fields", "2024-02-10,holiday\n",
			"line[1]", "第1行：应有3个字段", "line 1: has 2 fields"},
		{"too many fields", "2024-02-10,holiday,春节,x\n",
			"line[1]", "实有4个", "has 4 fields"},
		{"empty name", "2024-02-10,holiday,  \n",
			"line[1].name", "第1行：名称不能为空", "line 1: name is empty"},
		{"workday on a weekday", "2024-02-10,holiday,春节\n2024-02-05,workday,春节\n",
			"line[2].date", "2024-02-05是星期一", "is a Monday"},
		{"duplicate date", "2024-02-10,holiday,春节\n# gap\n2024-02-10,workday,春节\n",
			"line[3].date", "与第1行重复", "repeats line 1"},
		{"bad quote", "2024-02-10,holiday,春节\n2024-02-11,holiday,\"春节\n",
			"line[2]", "不是有效的CSV行", "not a valid CSV line"},
		{"unclosed quote swallows lines", "2024-02-10,holiday,\"春节\n2024-02-11,holiday,春节\n2024-02-12,holiday,春节\n",
			"line[1]", "第1行：不是有效的CSV行", "line 1: is not a valid CSV line"},
		{"not UTF-8", "2024-02-10,holiday,\xb4\xba\xbd\xda\n", // 春节 in GBK
			"line[1].name", "另存为UTF-8", "save the file as UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := calendar.ParseCSV(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("ParseCSV: got no error; want one at %s", tt.field)
			}
			if !apperr.Is(err, apperr.Invalid) {
				t.Errorf("ParseCSV: kind %v; want invalid", apperr.KindOf(err))
			}
			if got := apperr.FieldOf(err); got != tt.field {
				t.Errorf("ParseCSV: field %q; want %q", got, tt.field)
			}
			if got := apperr.Message(err, "zh"); !strings.Contains(got, tt.zh) {
				t.Errorf("ParseCSV: Chinese message %q; want it to contain %q", got, tt.zh)
			}
			if got := apperr.Message(err, "en"); !strings.Contains(got, tt.en) {
				t.Errorf("ParseCSV: English message %q; want it to contain %q", got, tt.en)
			}
		})
	}
}

func TestParseCSVReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := calendar.ParseCSV(iotest.ErrReader(boom))
	if !errors.Is(err, boom) || apperr.KindOf(err) != apperr.Internal {
		t.Errorf("ParseCSV(failing reader) = %v; want an internal error wrapping %v", err, boom)
	}
}

// TestParseCSVRoundTrip checks that the default calendar's entries, written
// back out in the file format, parse to the same entries.
func TestParseCSVRoundTrip(t *testing.T) {
	want := calendar.Default().Entries()
	var b strings.Builder
	for _, e := range want {
		b.WriteString(e.Date.String() + "," + e.Kind.String() + "," + e.Name + "\n")
	}
	got, err := calendar.ParseCSV(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries; want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d = %+v; want %+v", i, got[i], want[i])
		}
	}
}
