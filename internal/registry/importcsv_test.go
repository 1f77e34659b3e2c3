package registry

import (
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/region"
)

// impCSVRecords parses all of text with parseCSVRecord.
func impCSVRecords(t *testing.T, text string) ([][]string, bool) {
	var out [][]string
	for pos := 0; pos < len(text); {
		rec, end, ok := parseCSVRecord(text, pos, ',', nil)
		if !ok {
			return out, false
		}
		if end <= pos {
			t.Fatalf("no progress at %d in %q", pos, text)
		}
		out = append(out, rec)
		pos = end
	}
	return out, true
}

func TestParseCSVRecord(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"a,b,c\n", `[[a b c]]`, true},
		{"a,b\r\nc,d", `[[a b] [c d]]`, true},
		{"\"a,b\",\"say \"\"hi\"\"\"\n", `[[a,b say "hi"]]`, true},
		{"\"two\r\nlines\",x\r\n", "[[two\nlines x]]", true},
		{"\n\nx\n", `[[] [] [x]]`, true},
		{"a,\"b\",\n", `[[a b ]]`, true},
		{`5"号,x`, `[[5"号 x]]`, true},
		{"\"open,x\n", ``, false},
		{"\"a\"b,c\n", ``, false},
	}
	for _, c := range cases {
		got, ok := impCSVRecords(t, c.in)
		if ok != c.ok || (ok && fmt.Sprint(got) != c.want) {
			t.Errorf("%q: got %q, %v; want %s, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// FuzzCSVRecord checks parseCSVRecord against encoding/csv on every input
// the latter accepts, empty lines aside (encoding/csv skips them; we count
// them as rows, as Excel does).
func FuzzCSVRecord(f *testing.F) {
	for _, s := range []string{"a,b\n", "\"a\"\"b\",c\r\n", "\"x\ny\"\n\nz", "a,\"\",\n", ",,\n\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ours, ok := impCSVRecords(t, s)
		r := csv.NewReader(strings.NewReader(s))
		r.FieldsPerRecord = -1
		theirs, err := r.ReadAll()
		if err != nil {
			return
		}
		if !ok {
			t.Fatalf("%q: we refuse what encoding/csv reads as %q", s, theirs)
		}
		blank := func(rec []string) bool { return len(rec) == 1 && rec[0] == "" }
		ours = slices.DeleteFunc(ours, blank)
		theirs = slices.DeleteFunc(theirs, blank)
		if fmt.Sprintf("%q", ours) != fmt.Sprintf("%q", theirs) {
			t.Fatalf("%q: got %q; encoding/csv %q", s, ours, theirs)
		}
	})
}

func TestReadFileRowLimit(t *testing.T) {
	defer func(n int) { importRowLimit = n }(importRowLimit)
	importRowLimit = 3
	var b strings.Builder
	b.WriteString("户主身份证号,身份证号码,姓名,与户主关系,村（社区）代码,城乡类别\n")
	for range 4 {
		b.WriteString("1,1,张三,户主,530102001001,城镇\n")
	}
	_, err := ReadFile(strings.NewReader(b.String()), "csv", region.YunnanTree())
	if !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.Message(err, "zh"), "文件超过 1000000 行") {
		t.Errorf("got %v; want Invalid 文件超过 1000000 行", err)
	}
	importRowLimit = 4
	if _, err := ReadFile(strings.NewReader(b.String()), "csv", region.YunnanTree()); err != nil {
		t.Errorf("4 rows with a limit of 4: got %v", err)
	}
}
