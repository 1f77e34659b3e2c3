package registry

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// xlsxRowsBoth reads a file with the fast reader and with excelize.
func xlsxRowsBoth(t *testing.T, data []byte) (fast, slow [][]string, fastErr error) {
	t.Helper()
	read := func(src rowSource) ([][]string, error) {
		defer src.close()
		var out [][]string
		for {
			row, cells, err := src.next()
			if err == io.EOF {
				return out, nil
			}
			if err != nil {
				return out, err
			}
			for len(out) < row-1 {
				out = append(out, nil)
			}
			for len(cells) > 0 && cells[len(cells)-1] == "" {
				cells = cells[:len(cells)-1]
			}
			out = append(out, append([]string(nil), cells...))
		}
	}
	fs, err := openFastSheet(data)
	if err == nil {
		fast, fastErr = read(fs)
	} else {
		fastErr = err
	}
	xs, err := newXLSXSource(data)
	if err != nil {
		t.Fatalf("excelize: %v", err)
	}
	slow, err = read(xs)
	if err != nil {
		t.Fatalf("excelize: %v", err)
	}
	trim := func(rows [][]string) [][]string {
		for len(rows) > 0 && len(rows[len(rows)-1]) == 0 {
			rows = rows[:len(rows)-1]
		}
		return rows
	}
	return trim(fast), trim(slow), fastErr
}

func TestFastSheetMatchesExcelize(t *testing.T) {
	x := excelize.NewFile()
	defer x.Close()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(x.SetSheetName("Sheet1", "其他"))
	_, err := x.NewSheet(sheetMembers)
	must(err)
	sh := sheetMembers
	must(x.SetCellStr(sh, "A1", "身份证号码"))
	must(x.SetCellStr(sh, "B1", `a<b>&"c"'d`))
	must(x.SetCellStr(sh, "D1", "  spaced  "))
	must(x.SetCellInt(sh, "A3", 530102199001011000))
	must(x.SetCellFloat(sh, "B3", 1500.5, -1, 64))
	must(x.SetCellValue(sh, "C3", time.Date(1965, 5, 5, 0, 0, 0, 0, time.UTC)))
	must(x.SetCellBool(sh, "D3", true))
	must(x.SetCellFormula(sh, "E3", "B3*2"))
	must(x.SetCellRichText(sh, "F3", []excelize.RichTextRun{{Text: "粗"}, {Text: "体", Font: &excelize.Font{Bold: true}}}))
	must(x.SetCellStr(sh, "AB5", "far"))
	must(x.SetCellStr(sh, "A6", "line\nbreak\r\nand tab\t"))
	var buf bytes.Buffer
	must(x.Write(&buf))
	fast, slow, err := xlsxRowsBoth(t, buf.Bytes())
	if err != nil {
		t.Fatalf("fast reader: %v", err)
	}
	if fmt.Sprintf("%q", fast) != fmt.Sprintf("%q", slow) {
		t.Errorf("fast reader:\n%q\nexcelize:\n%q", fast, slow)
	}
	// And the files we write ourselves: template, export (stream writer,
	// inline strings), rejected rows.
	var tmpl, exp bytes.Buffer
	must(TemplateXLSX(&tmpl))
	e, err := NewXLSXExporter(&exp, ExportOptions{})
	must(err)
	must(e.Write(Household{Village: "530102001001", Area: Urban, Address: "a&b<c>",
		Members: []Member{{IDNumber: "530102198001010138", Name: "张三", Relationship: Head, Sex: "M", BirthDate: "1980-01-01"}},
		Assets:  []Asset{{Kind: "deposit", Value: 123456}}}))
	must(e.Close())
	for name, data := range map[string][]byte{"template": tmpl.Bytes(), "export": exp.Bytes()} {
		fast, slow, err := xlsxRowsBoth(t, data)
		if err != nil {
			t.Fatalf("%s: fast reader: %v", name, err)
		}
		if fmt.Sprintf("%q", fast) != fmt.Sprintf("%q", slow) || len(fast) == 0 {
			t.Errorf("%s: fast reader:\n%q\nexcelize:\n%q", name, fast, slow)
		}
	}
}

func TestUnescapeXML(t *testing.T) {
	for in, want := range map[string]string{
		"plain": "plain", "a&amp;b": "a&b", "&lt;&gt;&quot;&apos;": `<>"'`, "&#20013;&#x6587;": "中文",
		"&unknown; & &#xZZ;": "&unknown; & &#xZZ;", "&#1114112;": "&#1114112;",
	} {
		if got := xmlUnescape([]byte(in)); got != want {
			t.Errorf("xmlUnescape(%q) = %q; want %q", in, got, want)
		}
	}
	if got, ok := xmlAttr([]byte(` r="A1" x:t='s' s="3"`), "t"); got != "s" || !ok {
		t.Errorf("attr t: got %q, %v", got, ok)
	}
	if c, ok := xlColIndex("AB12"); c != 27 || !ok {
		t.Errorf("xlColIndex(AB12) = %d, %v", c, ok)
	}
	if _, ok := xlColIndex("12"); ok {
		t.Errorf("xlColIndex(12) accepted")
	}
}

// FuzzFastSheet checks the fast reader against excelize: where both read
// a file through, they read the same rows.
func FuzzFastSheet(f *testing.F) {
	var tmpl, exp bytes.Buffer
	if err := TemplateXLSX(&tmpl); err != nil {
		f.Fatal(err)
	}
	e, err := NewXLSXExporter(&exp, ExportOptions{})
	if err != nil {
		f.Fatal(err)
	}
	if err := e.Write(Household{Village: "530102001001", Area: Urban, Members: []Member{{IDNumber: "530102198001010138",
		Name: "张三", Relationship: Head}}}); err != nil {
		f.Fatal(err)
	}
	if err := e.Close(); err != nil {
		f.Fatal(err)
	}
	f.Add(tmpl.Bytes())
	f.Add(exp.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, err := openFastSheet(data)
		if err != nil {
			return
		}
		var fast [][]string
		for {
			row, cells, err := fs.next()
			if err != nil {
				fs.close()
				if err != io.EOF {
					return
				}
				break
			}
			fast = append(fast, append([]string{fmt.Sprint(row)}, cells...))
		}
		xs, err := newXLSXSource(data)
		if err != nil {
			return
		}
		defer xs.close()
		var slow [][]string
		for {
			row, cells, err := xs.next()
			if err != nil {
				if err != io.EOF {
					return
				}
				break
			}
			slow = append(slow, append([]string{fmt.Sprint(row)}, cells...))
		}
		norm := func(rows [][]string) string {
			var out [][]string
			for _, r := range rows {
				for len(r) > 0 && r[len(r)-1] == "" {
					r = r[:len(r)-1]
				}
				if len(r) > 1 {
					out = append(out, r)
				}
			}
			return fmt.Sprintf("%q", out)
		}
		if norm(fast) != norm(slow) {
			t.Fatalf("fast reader:\n%s\nexcelize:\n%s", norm(fast), norm(slow))
		}
	})
}
