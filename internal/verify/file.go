package verify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/xuri/excelize/v2"

	"safetynet/internal/apperr"
)

// Parsed is a dataset file validated whole.
type Parsed struct {
	Source  Source
	Rows    int      // data rows in the file
	Records []Record // sorted by PID, then Line; marriages twice (see Record)
	Errors  []RowError
	SHA256  string
}

// maxErrors is how many bad rows a rejected file names at most; the
// count of bad rows is always exact.
const maxErrors = 1000

// BadRows is the number of rows with at least one error.
func (p *Parsed) BadRows() int {
	n, last := 0, -1
	for _, e := range p.Errors {
		if e.Row != last {
			n++
			last = e.Row
		}
	}
	return n
}

// ParseFile reads and validates a department file of source name: CSV
// (UTF-8, header line with the source's columns) or, when xlsx is true, the
// first sheet of an Excel workbook with the same header. Every bad cell is
// named (Parsed.Errors, in row order); the records of good rows are
// returned either way, and the caller decides whether a file with bad rows
// loads at all. Returns Invalid for an unknown source, a wrong header or
// an unreadable file.
func ParseFile(name string, data []byte, xlsx bool) (*Parsed, error) {
	src, ok := SourceByName(name)
	if !ok {
		names := make([]string, len(Sources))
		for i, s := range Sources {
			names[i] = s.Name
		}
		return nil, apperr.Field("source", "未知的数据来源："+name+"（可用："+strings.Join(names, "、")+"）",
			"unknown source "+name+" (known: "+strings.Join(names, ", ")+")")
	}
	sum := sha256.Sum256(data)
	p := &Parsed{Source: src, SHA256: hex.EncodeToString(sum[:])}
	var rows [][]string
	var first int // the row number of rows[0]
	if xlsx {
		var err error
		rows, err = xlsxRows(data)
		if err != nil {
			return nil, err
		}
		first = 1
	} else {
		return parseCSV(p, data)
	}
	if len(rows) == 0 {
		return nil, badFile("文件为空", "the file is empty")
	}
	if err := checkHeader(src, rows[0]); err != nil {
		return nil, err
	}
	rp := newRowParser(src)
	rp.today = nowForTests()
	for i, cells := range rows[1:] {
		p.Rows++
		p.Records = rp.parse(first+1+i, trimEmptyTail(cells, len(src.Columns)), p.Records)
	}
	p.Errors = rp.errors
	sortRecords(p.Records)
	return p, nil
}

// nowForTests is the clock of validation (birth and record dates must not
// lie in the future).
var nowForTests = time.Now

func badFile(zh, en string) error { return apperr.Field("file", zh, en) }

func checkHeader(src Source, header []string) error {
	got := make([]string, len(header))
	for i, h := range header {
		got[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	}
	got = trimEmptyTail(got, len(src.Columns))
	if !slices.Equal(got, src.Columns) {
		return badFile(fmt.Sprintf("表头应为 %s，实为 %s", strings.Join(src.Columns, ","), strings.Join(got, ",")),
			fmt.Sprintf("the header must be %s, not %s", strings.Join(src.Columns, ","), strings.Join(got, ",")))
	}
	return nil
}

// trimEmptyTail drops empty cells beyond the first n (spreadsheets pad rows).
func trimEmptyTail(cells []string, n int) []string {
	for len(cells) > n && strings.TrimSpace(cells[len(cells)-1]) == "" {
		cells = cells[:len(cells)-1]
	}
	return cells
}

func xlsxRows(data []byte) (rows [][]string, err error) {
	bad := badFile("文件不是有效的 Excel (.xlsx) 文件，或已损坏", "the file is not a valid .xlsx file, or is damaged")
	defer func() {
		if recover() != nil {
			rows, err = nil, bad
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 1 << 30, UnzipXMLSizeLimit: 256 << 20})
	if err != nil {
		return nil, bad
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, bad
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, bad
	}
	defer it.Close()
	for it.Next() {
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, bad
		}
		rows = append(rows, cells)
	}
	if it.Error() != nil {
		return nil, bad
	}
	return rows, nil
}

// parseCSV validates a CSV file in parallel: the text is cut into chunks
// at line ends (outside quotes), each chunk parsed by a worker, and the
// results joined in file order. The records' strings point into data's
// copy held as one string, so a row costs no allocation beyond its record.
func parseCSV(p *Parsed, data []byte) (*Parsed, error) {
	text := unsafe.String(unsafe.SliceData(data), len(data)) // data is not modified after this point
	text = strings.TrimPrefix(text, "\ufeff")
	nl := strings.IndexByte(text, '\n')
	if strings.TrimSpace(text) == "" {
		return nil, badFile("文件为空", "the file is empty")
	}
	headerLine := text
	if nl >= 0 {
		headerLine = text[:nl]
	}
	header, _ := splitCSVLine(strings.TrimSuffix(headerLine, "\r"), nil)
	if err := checkHeader(p.Source, header); err != nil {
		return nil, err
	}
	if nl < 0 {
		return p, nil
	}
	body := text[nl+1:]
	// Cut into chunks at line ends that are not inside quotes. Quoted
	// fields with line breaks are rare; a chunk boundary is moved past one.
	workers := runtime.GOMAXPROCS(0)
	chunks := cutLines(body, workers*8)
	type result struct {
		recs []Record
		errs []RowError
		rows int
	}
	res := make([]result, len(chunks))
	// Row numbers: count lines per chunk first (cheap) so each worker knows
	// where it starts.
	starts := make([]int, len(chunks))
	row := 2
	for i, c := range chunks {
		starts[i] = row
		row += strings.Count(c, "\n")
		if len(c) > 0 && c[len(c)-1] != '\n' {
			row++
		}
	}
	today := nowForTests()
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rp := newRowParser(p.Source)
			rp.today = today
			var cells []string
			for i := range next {
				c := chunks[i]
				rp.errors = nil
				recs := make([]Record, 0, strings.Count(c, "\n")+1)
				line := starts[i]
				rows := 0
				for len(c) > 0 {
					var l string
					j := strings.IndexByte(c, '\n')
					if j < 0 {
						l, c = c, ""
					} else {
						l, c = c[:j], c[j+1:]
					}
					// A quoted field may hold line breaks: take lines until
					// the quotes balance.
					for strings.Count(l, `"`)%2 == 1 && len(c) > 0 {
						j := strings.IndexByte(c, '\n')
						if j < 0 {
							l, c = l+"\n"+c, ""
						} else {
							l, c = l+"\n"+c[:j], c[j+1:]
						}
						line++
					}
					l = strings.TrimSuffix(l, "\r")
					if strings.TrimSpace(l) == "" {
						line++
						continue
					}
					var ok bool
					cells, ok = splitCSVLine(l, cells[:0])
					if !ok {
						rp.fail(line, nil, "引号不配对", "unbalanced quotes")
					} else {
						recs = rp.parse(line, cells, recs)
					}
					rows++
					line++
				}
				res[i] = result{recs, rp.errors, rows}
			}
		}()
	}
	for i := range chunks {
		next <- i
	}
	close(next)
	wg.Wait()
	n := 0
	for _, r := range res {
		n += len(r.recs)
		p.Rows += r.rows
	}
	p.Records = make([]Record, 0, n)
	for _, r := range res {
		p.Records = append(p.Records, r.recs...)
		for _, e := range r.errs {
			if len(p.Errors) < maxErrors {
				p.Errors = append(p.Errors, e)
			} else if e.Row != p.Errors[len(p.Errors)-1].Row {
				p.Errors = append(p.Errors, e) // keep counting rows exactly, cheaply
			}
		}
	}
	sortRecords(p.Records)
	return p, nil
}

// cutLines cuts s into about n pieces, each ending at a line end.
func cutLines(s string, n int) []string {
	if n < 1 {
		n = 1
	}
	size := len(s)/n + 1
	var out []string
	for len(s) > 0 {
		if len(s) <= size {
			out = append(out, s)
			break
		}
		j := strings.IndexByte(s[size:], '\n')
		if j < 0 {
			out = append(out, s)
			break
		}
		// Do not cut inside a quoted field: move on while the quotes of
		// the piece are unbalanced.
		end := size + j + 1
		for strings.Count(s[:end], `"`)%2 == 1 {
			k := strings.IndexByte(s[end:], '\n')
			if k < 0 {
				end = len(s)
				break
			}
			end += k + 1
		}
		out = append(out, s[:end])
		s = s[end:]
	}
	return out
}

// splitCSVLine splits one RFC 4180 line. Unquoted fields are substrings of
// line; quoted ones are unescaped copies. It reports false for unbalanced
// quotes.
func splitCSVLine(line string, cells []string) ([]string, bool) {
	for {
		if len(line) > 0 && line[0] == '"' {
			var b strings.Builder
			i := 1
			for {
				j := strings.IndexByte(line[i:], '"')
				if j < 0 {
					return cells, false
				}
				b.WriteString(line[i : i+j])
				i += j + 1
				if i < len(line) && line[i] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				break
			}
			cells = append(cells, b.String())
			line = line[i:]
			if line == "" {
				return cells, true
			}
			if line[0] != ',' {
				return cells, false
			}
			line = line[1:]
			continue
		}
		j := strings.IndexByte(line, ',')
		if j < 0 {
			return append(cells, line), true
		}
		cells = append(cells, line[:j])
		line = line[j+1:]
	}
}

// sortRecords orders records by PID then Line: the order of the table's
// key, so a load appends to the index instead of scattering into it.
func sortRecords(rs []Record) {
	slices.SortFunc(rs, func(a, b Record) int {
		if a.PID != b.PID {
			if a.PID < b.PID {
				return -1
			}
			return 1
		}
		return int(a.Line) - int(b.Line)
	})
}

// ReadAll reads r whole (files are validated whole before anything loads).
func ReadAll(r io.Reader) ([]byte, error) { return io.ReadAll(r) }
