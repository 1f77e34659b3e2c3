package region

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"safetynet/internal/apperr"
)

const small = `code,name,parent
530000000000,云南省,
530100000000,昆明市,530000000000
530102000000,五华区,530100000000
530102001000,华山街道,530102000000
530102001001,翠湖西路社区居民委员会,530102001000
530102001002,木树朗村村民委员会,530102001000
`

func TestParseCSV(t *testing.T) {
	divs, err := ParseCSV(strings.NewReader(small))
	if err != nil {
		t.Fatalf("ParseCSV: %v", err)
	}
	if got, want := len(divs), 6; got != want {
		t.Fatalf("got %d divisions; want %d", got, want)
	}
	tests := []Division{
		{"530000000000", "云南省", "", Province, Unknown},
		{"530100000000", "昆明市", "530000000000", Prefecture, Unknown},
		{"530102000000", "五华区", "530100000000", County, Unknown},
		{"530102001000", "华山街道", "530102000000", Township, Unknown},
		{"530102001001", "翠湖西路社区居民委员会", "530102001000", Village, Urban},
		{"530102001002", "木树朗村村民委员会", "530102001000", Village, Rural},
	}
	for i, want := range tests {
		if divs[i] != want {
			t.Errorf("division %d = %+v; want %+v", i, divs[i], want)
		}
	}
}

func TestParseCSVHeaderAndClass(t *testing.T) {
	// Columns in another order, a BOM, spaces, CRLF, an explicit class.
	in := "\ufeffName , PARENT,code,class\r\n" +
		"云南省,,530000000000,\r\n" +
		"华山街道,530000000000,530102001000,\r\n" +
		"木树朗村村民委员会,530102001000,530102001002,城镇\r\n" +
		"某某社区,530102001000,530102001003,未知\r\n" +
		"新村,530102001000,530102001004,\r\n"
	divs, err := ParseCSV(strings.NewReader(in))
	if err != nil {
		t.Fatalf("ParseCSV: %v", err)
	}
	var got []Class
	for _, d := range divs {
		got = append(got, d.Class)
	}
	if want := []Class{Unknown, Unknown, Urban, Unknown, Rural}; !slices.Equal(got, want) {
		t.Errorf("got classes %v; want %v", got, want)
	}
}

func TestParseCSVErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []RowError // Row and Column only
	}{
		{"bad code", small + "53010200100X,某村,530102001000\n", []RowError{{Row: 8, Column: "code"}}},
		{"short code", small + "530102001,某街道,530102000000\n", []RowError{{Row: 8, Column: "code"}}},
		{"missing parent", small + "530102002001,某村,530102002000\n", []RowError{{Row: 8, Column: "parent"}}},
		{"empty name", small + "530102001003, ,530102001000\n", []RowError{{Row: 8, Column: "name"}}},
		{"duplicate code", small + "530102001001,又一个,530102001000\n", []RowError{{Row: 8, Column: "code"}}},
		{"parent not above", small + "530102001003,某村,530102001002\n", []RowError{{Row: 8, Column: "parent"}}},
		{"parent elsewhere", small + "530103000000,盘龙区,530102000000\n", []RowError{{Row: 8, Column: "parent"}}},
		{"parent malformed", small + "530102001003,某村,5301\n", []RowError{{Row: 8, Column: "parent"}}},
		{"no parent", small + "530102001003,某村,\n", []RowError{{Row: 8, Column: "parent"}}},
		{"province with parent", small + "520000000000,贵州省,530000000000\n", []RowError{{Row: 8, Column: "parent"}}},
		{"bad class", small + "530102001003,某村,530102001000,town\n", []RowError{{Row: 8}}},
		{"class on a township", "code,name,parent,class\n530000000000,云南省,,\n530102001000,华山街道,530000000000,urban\n",
			[]RowError{{Row: 3, Column: "class"}}},
		{"bad class column", "code,name,parent,class\n530000000000,云南省,,\n530102001003,某村,530000000000,town\n",
			[]RowError{{Row: 3, Column: "class"}}},
		{"columns", small + "530102001003,某村\n", []RowError{{Row: 8}}},
		{"empty", "", []RowError{{Row: 1}}},
		{"no header", "530000000000,云南省,\n", []RowError{{Row: 1}}},
		{"header lacks parent", "code,name\n530000000000,云南省\n", []RowError{{Row: 1, Column: "parent"}}},
		{"header twice", "code,name,parent,code\n", []RowError{{Row: 1, Column: "code"}}},
		{"header unknown", "code,name,parent,remark\n", []RowError{{Row: 1}}},
		{"quote", small + "530102001003,\"某村,530102001000\n", []RowError{{Row: 8}}},
		{"several", "code,name,parent\n" +
			"530000000000,云南省,\n" +
			"5301000000,昆明市,530000000000\n" + // row 3: bad code
			"530102000000,,530100000000\n" + // row 4: empty name (its parent 5301… is bad too: row 3)
			"530103000000,盘龙区,530100000000\n" + // row 5: parent missing
			"530000000000,云南,\n", // row 6: duplicate
			[]RowError{{Row: 3, Column: "code"}, {Row: 4, Column: "name"}, {Row: 6, Column: "code"}, {Row: 5, Column: "parent"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			divs, err := ParseCSV(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("ParseCSV = %d divisions, nil; want an error", len(divs))
			}
			if divs != nil {
				t.Errorf("got %d divisions with the error; want none", len(divs))
			}
			ae, ok := apperr.As(err)
			if !ok || ae.Kind != apperr.Invalid {
				t.Fatalf("got %v; want an Invalid apperr", err)
			}
			var rows RowErrors
			if !errors.As(err, &rows) {
				t.Fatalf("got %v; want it to wrap RowErrors", err)
			}
			var got []RowError
			for _, r := range rows {
				if r.Msg == "" || r.MsgEN == "" {
					t.Errorf("row %d: no bilingual message: %+v", r.Row, r)
				}
				got = append(got, RowError{Row: r.Row, Column: r.Column})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got errors %v; want %v", rows, tt.want)
			}
			if want := rows[0].Field(); ae.Field != want {
				t.Errorf("got field %q; want %q", ae.Field, want)
			}
			if want := "第" + itoa(rows[0].Row) + "行"; !strings.HasPrefix(ae.Msg, want) {
				t.Errorf("got message %q; want it to start with %q", ae.Msg, want)
			}
			if want := "row " + itoa(rows[0].Row); !strings.HasPrefix(ae.MsgEN, want) {
				t.Errorf("got message %q; want it to start with %q", ae.MsgEN, want)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestParseCSVMessages(t *testing.T) {
	_, err := ParseCSV(strings.NewReader(small + "530102001003,,530102001000\n530102001004,某村,530102009000\n"))
	ae, _ := apperr.As(err)
	if ae == nil {
		t.Fatalf("got %v; want an apperr", err)
	}
	if got, want := ae.Field, "rows[8].name"; got != want {
		t.Errorf("got field %q; want %q", got, want)
	}
	if got, want := ae.Msg, "第8行 name 列：名称不能为空（另有1处错误）"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
	if got, want := ae.MsgEN, "row 8, column name: the name is empty (and 1 more errors)"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
}

func TestParseCSVMaxErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("code,name,parent\n")
	for range 2 * MaxRowErrors {
		b.WriteString("x,,\n")
	}
	_, err := ParseCSV(strings.NewReader(b.String()))
	var rows RowErrors
	if !errors.As(err, &rows) {
		t.Fatalf("got %v; want RowErrors", err)
	}
	if got, want := len(rows), MaxRowErrors; got != want {
		t.Errorf("got %d errors; want %d", got, want)
	}
	if ae, _ := apperr.As(err); !strings.Contains(ae.Msg, "至少") {
		t.Errorf("got %q; want it to say there are more", ae.Msg)
	}
}

func TestWriteCSVRoundTrip(t *testing.T) {
	divs, err := ParseCSV(strings.NewReader(small))
	if err != nil {
		t.Fatal(err)
	}
	divs[5].Class = Unknown // edited by hand
	var b bytes.Buffer
	if err := WriteCSV(&b, divs); err != nil {
		t.Fatal(err)
	}
	again, err := ParseCSV(&b)
	if err != nil {
		t.Fatalf("ParseCSV(WriteCSV): %v", err)
	}
	if !slices.Equal(again, divs) {
		t.Errorf("got %v; want %v", again, divs)
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add(small)
	f.Add("code,name,parent,class\n530000000000,云南省,,\n530102001001,某村,530000000000,农村\n")
	f.Add("\ufeffname,code,parent\n\"a\"\"b\",530000000000,\n")
	f.Add("code,name,parent\n530102001001,\"某\n村\",530000000000\n\n530000000000,云南省,\n")
	f.Add("code,name,parent\n\"530000000000,x,\n")
	f.Add("code,name,parent\n530000000000,云南省,\n530100000000,\xff,530000000000\n")
	f.Fuzz(func(t *testing.T, in string) {
		divs, err := ParseCSV(strings.NewReader(in))
		if err != nil {
			var rows RowErrors
			if !errors.As(err, &rows) || len(rows) == 0 || len(rows) > MaxRowErrors || !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("bad error %v", err)
			}
			for _, r := range rows {
				if r.Row < 1 {
					t.Fatalf("row %d < 1: %v", r.Row, r)
				}
			}
			return
		}
		// What parses must hold together, index and write back.
		tree := NewTree(divs)
		for _, d := range divs {
			if !valid12(d.Code) || d.Level != LevelOf(d.Code) || d.Name == "" {
				t.Fatalf("bad division %+v", d)
			}
			if d.Parent != "" && !Contains(d.Parent, d.Code) {
				t.Fatalf("%+v lies outside its parent", d)
			}
			if got := len(tree.Ancestors(d.Code)); got >= int(d.Level) {
				t.Fatalf("%+v has %d ancestors", d, got)
			}
			_ = tree.Path(d.Code)
		}
		var b bytes.Buffer
		if err := WriteCSV(&b, divs); err != nil {
			t.Fatal(err)
		}
		again, err := ParseCSV(&b)
		if err != nil {
			t.Fatalf("ParseCSV(WriteCSV(%q)): %v", in, err)
		}
		if !slices.Equal(again, divs) {
			t.Fatalf("round trip: got %v; want %v", again, divs)
		}
	})
}
