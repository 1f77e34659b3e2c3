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
	Records []Record // ParseFile only: sorted by PID, then Line; marriages twice (see Record)
	Errors  []RowError
	SHA256  string
	Loaded  int // records of the good rows (marriages count twice)
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

// chunkResult is a piece of a file validated.
type chunkResult struct {
	recs []Record
	errs []RowError
	rows int
}

// Reader validates a file piece by piece, in file order. CSV pieces are
// validated by parallel workers a few pieces ahead of the caller, so that
// validation overlaps the load.
type Reader struct {
	Parsed
	next func() (chunkResult, bool)
	stop func()
	Good bool // drop bad rows instead of failing
	// halves is the first row of the file's second half (a piece's
	// first row), 0 for a file of one piece; interleave, set by Halves,
	// has the pieces come from the two halves in turn.
	halves     int
	interleave bool
	started    bool
}

// Halves has the pieces come from the first and the second half of the
// file in turn (each half in file order), so that a store can load the
// two halves side by side, and returns the first row of the second half:
// every piece lies wholly before or after it. It returns 0, and changes
// nothing, for a file of one piece, or once Next has been called.
func (r *Reader) Halves() int {
	if r.halves == 0 || r.started {
		return 0
	}
	r.interleave = true
	return r.halves
}

// ErrBadRows is returned by Reader.Next after the last piece when some
// rows were bad (and Good is not set): the load must be rolled back.
var ErrBadRows = apperr.Field("rows", "文件有错误行，未导入任何数据", "the file has bad rows; nothing was loaded")

// Next returns the records of the next piece (in file order, or the
// halves in turn after Halves; a store that wants them in key order sorts
// them, see SortRecords), io.EOF after the last, or ErrBadRows then if
// any row was bad and Good is false. Records of bad rows are never
// returned. Errors is in row order once Next has returned the end.
func (r *Reader) Next() ([]Record, error) {
	r.started = true
	c, ok := r.next()
	if !ok {
		// Interleaved halves name their bad rows out of order.
		slices.SortStableFunc(r.Errors, func(a, b RowError) int { return a.Row - b.Row })
		if len(r.Errors) > 0 && !r.Good {
			return nil, ErrBadRows
		}
		return nil, io.EOF
	}
	r.Rows += c.rows
	for _, e := range c.errs {
		if len(r.Errors) < maxErrors || e.Row != r.Errors[len(r.Errors)-1].Row {
			r.Errors = append(r.Errors, e)
		}
	}
	r.Loaded += len(c.recs)
	if len(r.Errors) > 0 && !r.Good {
		return []Record{}, nil // keep validating; nothing more is loaded
	}
	return c.recs, nil
}

// Close stops the workers (after an early end) and waits for them.
func (r *Reader) Close() {
	if r.stop != nil {
		r.stop()
	}
}

// NewReader checks the file's source and header and returns a reader of
// its rows. Returns Invalid for an unknown source, a wrong header or an
// unreadable file.
func NewReader(name string, data []byte, xlsx bool) (*Reader, error) {
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
	r := &Reader{Parsed: Parsed{Source: src, SHA256: hex.EncodeToString(sum[:])}}
	if xlsx {
		rows, err := xlsxRows(data)
		if err != nil {
			return nil, err
		}
		if len(rows) == 0 {
			return nil, badFile("文件为空", "the file is empty")
		}
		if err := checkHeader(src, rows[0]); err != nil {
			return nil, err
		}
		rp := newRowParser(src)
		rp.setToday(nowForTests())
		var c chunkResult
		for i, cells := range rows[1:] {
			if len(trimEmptyTail(cells, 0)) == 0 {
				continue
			}
			c.rows++
			c.recs = rp.parse(i+2, trimEmptyTail(cells, len(src.Columns)), c.recs)
		}
		c.errs = rp.errors
		done := false
		r.next = func() (chunkResult, bool) {
			if done {
				return chunkResult{}, false
			}
			done = true
			return c, true
		}
		return r, nil
	}
	text := unsafe.String(unsafe.SliceData(data), len(data)) // data is not modified after this point
	text = strings.TrimPrefix(text, "\ufeff")
	if strings.TrimSpace(text) == "" {
		return nil, badFile("文件为空", "the file is empty")
	}
	nl := strings.IndexByte(text, '\n')
	headerLine := text
	if nl >= 0 {
		headerLine = text[:nl]
	}
	header, _ := splitCSVLine(strings.TrimSuffix(headerLine, "\r"), nil)
	if err := checkHeader(src, header); err != nil {
		return nil, err
	}
	body := ""
	if nl >= 0 {
		body = text[nl+1:]
	}
	r.next, r.stop, r.halves = streamCSV(src, body, max(1, runtime.GOMAXPROCS(0)), &r.interleave)
	return r, nil
}

// chunkBytes is the size of the pieces a CSV file is cut into (a
// variable for tests).
var chunkBytes = 1 << 20

// streamCSV validates body (the lines after the header) in pieces with
// workers goroutines, at most a few pieces ahead of the consumer, and
// returns the function that yields them in order: file order, or the
// halves in turn once *interleave is set (read at the first call of
// next), and the first row of the second half (0 for one piece).
func streamCSV(src Source, body string, workers int, interleave *bool) (next func() (chunkResult, bool), stop func(), half int) {
	chunks := cutLines(body, len(body)/chunkBytes+1)
	starts := make([]int, len(chunks))
	row := 2
	for i, c := range chunks {
		starts[i] = row
		row += strings.Count(c, "\n")
		if len(c) > 0 && c[len(c)-1] != '\n' {
			row++
		}
	}
	if len(chunks) > 1 {
		half = starts[(len(chunks)+1)/2]
	}
	// order is the order the pieces are validated and yielded in.
	order := make([]int, len(chunks))
	for i := range order {
		order[i] = i
	}
	var ordered sync.Once
	setOrder := func() {
		if !*interleave || len(chunks) < 2 {
			return
		}
		h := (len(chunks) + 1) / 2
		for i := range order {
			if i%2 == 0 {
				order[i] = i / 2
			} else {
				order[i] = h + i/2
			}
		}
	}
	today := nowForTests()
	results := make([]chan chunkResult, len(chunks))
	for i := range results {
		results[i] = make(chan chunkResult, 1)
	}
	ahead := make(chan struct{}, 4*workers) // pieces in flight
	quit := make(chan struct{})
	jobs := make(chan int)
	start := make(chan struct{}) // the order is set
	go func() {
		defer close(jobs)
		select {
		case <-start:
		case <-quit:
			return
		}
		for _, i := range order {
			select {
			case ahead <- struct{}{}:
			case <-quit:
				return
			}
			select {
			case jobs <- i:
			case <-quit:
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rp := newRowParser(src)
			rp.setToday(today)
			var cells []string
			for i := range jobs {
				results[i] <- parseChunk(rp, chunks[i], starts[i], &cells)
			}
		}()
	}
	n := 0
	next = func() (chunkResult, bool) {
		ordered.Do(func() { setOrder(); close(start) })
		if n >= len(chunks) {
			return chunkResult{}, false
		}
		i := order[n]
		c := <-results[i]
		chunks[i] = ""
		n++
		<-ahead
		return c, true
	}
	var once sync.Once
	// stop returns when the workers have: data (which may be a mapped
	// file) is no longer read after it.
	stop = func() {
		once.Do(func() { close(quit) })
		wg.Wait()
	}
	return next, stop, half
}

// parseChunk validates the lines of one piece, the first being row line.
func parseChunk(rp *rowParser, c string, line int, cells *[]string) chunkResult {
	rp.errors = nil
	recs := make([]Record, 0, strings.Count(c, "\n")+1)
	rows := 0
	for len(c) > 0 {
		var l string
		j := strings.IndexByte(c, '\n')
		if j < 0 {
			l, c = c, ""
		} else {
			l, c = c[:j], c[j+1:]
		}
		first := line
		// A quoted field may hold line breaks: take lines until the quotes
		// balance.
		for strings.Count(l, `"`)%2 == 1 && len(c) > 0 {
			j := strings.IndexByte(c, '\n')
			if j < 0 {
				l, c = l+"\n"+c, ""
			} else {
				l, c = l+"\n"+c[:j], c[j+1:]
			}
			line++
		}
		line++
		l = strings.TrimSuffix(l, "\r")
		if strings.TrimSpace(l) == "" {
			continue
		}
		rows++
		var ok bool
		*cells, ok = splitCSVLine(l, (*cells)[:0])
		if !ok {
			rp.fail(first, nil, "引号不配对", "unbalanced quotes")
			continue
		}
		recs = rp.parse(first, *cells, recs)
	}
	return chunkResult{recs: recs, errs: rp.errors, rows: rows}
}

// ParseFile validates a whole file and returns every record (sorted by
// PID and Line) and every bad cell; see NewReader.
func ParseFile(name string, data []byte, xlsx bool) (*Parsed, error) {
	r, err := NewReader(name, data, xlsx)
	if err != nil {
		return nil, err
	}
	r.Good = true
	defer r.Close()
	for {
		recs, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		r.Records = append(r.Records, recs...)
	}
	SortRecords(r.Records)
	return &r.Parsed, nil
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

// SortRecords orders records by PID then Line: the order of SQLite's
// clustered key, so a load appends to it instead of scattering into it. It
// sorts small keys and then moves each record once (sorting the records
// themselves moved them, 160 bytes each, many times over).
func SortRecords(rs []Record) {
	if len(rs) < 2 {
		return
	}
	type key struct {
		pid  uint64
		line int32
		i    int32
	}
	keys := make([]key, len(rs))
	sorted := true
	for i := range rs {
		keys[i] = key{rs[i].PID, rs[i].Line, int32(i)}
		if i > 0 && sorted {
			p := &keys[i-1]
			sorted = p.pid < keys[i].pid || p.pid == keys[i].pid && p.line <= keys[i].line
		}
	}
	if sorted {
		return
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.pid != b.pid {
			if a.pid < b.pid {
				return -1
			}
			return 1
		}
		return int(a.line) - int(b.line)
	})
	// Apply the permutation in place, cycle by cycle.
	for i := range keys {
		if keys[i].i < 0 {
			continue
		}
		j := i
		tmp := rs[i]
		for {
			from := int(keys[j].i)
			keys[j].i = -1
			if from == i {
				rs[j] = tmp
				break
			}
			rs[j] = rs[from]
			j = from
		}
	}
}

// ReadAll reads r whole (files are validated whole before anything loads).
func ReadAll(r io.Reader) ([]byte, error) { return io.ReadAll(r) }
