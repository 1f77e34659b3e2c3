package registry

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"safetynet/internal/apperr"
	"safetynet/internal/idcard"
	"safetynet/internal/money"
)

// ExportOptions tune an export.
type ExportOptions struct {
	// MaskIDs hides the middle of resident IDs and disability certificate
	// numbers and all but the last four digits of bank accounts, for
	// roles that may not see them. A masked file cannot be imported.
	MaskIDs bool
}

// Exporter writes households to an export file with exactly the
// template's columns, so that the file imports again as the same
// households. Each member is a row, the head's first; household details
// and property are on the head's row. Income items of kinds outside the
// template's five columns, expenditures, enrolments and assets other than
// deposits, securities, insurance, other property, vehicles and houses are
// not part of the file; yearly income items are written as monthly
// amounts; items of the household itself (no member) go on the head's row.
type Exporter struct {
	out   fileRowWriter
	opts  ExportOptions
	cells []string
	err   error
}

// NewExporter starts an export file in format "csv" or "xlsx" on w. Call
// Write for each household and then Close, which for xlsx writes the
// whole file (the sheet is streamed through a temporary file, so memory
// stays flat however many households there are).
func NewExporter(w io.Writer, format string, opts ExportOptions) (*Exporter, error) {
	var out fileRowWriter
	var err error
	switch strings.ToLower(strings.TrimPrefix(format, ".")) {
	case "csv":
		out, err = newCSVRowWriter(w, templateHeader())
	case "xlsx":
		text := make([]bool, fcCount)
		num := make([]bool, fcCount)
		for i, c := range fileColumns {
			text[i] = c.text
			num[i] = c.kind != "" && fileCol(i) != fcVehicles && fileCol(i) != fcHouses
		}
		out, err = newXLSXRowWriter(w, templateHeader(), text, num, -1)
	default:
		return nil, apperr.Field("format", "文件格式应为 CSV 或 Excel (.xlsx)", "the format must be csv or xlsx")
	}
	if err != nil {
		return nil, err
	}
	return &Exporter{out: out, opts: opts, cells: make([]string, fcCount)}, nil
}

// NewCSVExporter is NewExporter for CSV (UTF-8 with a byte-order mark, so
// that Excel reads it right).
func NewCSVExporter(w io.Writer, opts ExportOptions) (*Exporter, error) {
	return NewExporter(w, "csv", opts)
}

// NewXLSXExporter is NewExporter for Excel.
func NewXLSXExporter(w io.Writer, opts ExportOptions) (*Exporter, error) {
	return NewExporter(w, "xlsx", opts)
}

// WriteCSV writes households as a CSV export file.
func WriteCSV(w io.Writer, hs []Household, opts ExportOptions) error {
	return exportAll(w, "csv", hs, opts)
}

// WriteXLSX writes households as an Excel export file.
func WriteXLSX(w io.Writer, hs []Household, opts ExportOptions) error {
	return exportAll(w, "xlsx", hs, opts)
}

func exportAll(w io.Writer, format string, hs []Household, opts ExportOptions) error {
	e, err := NewExporter(w, format, opts)
	if err != nil {
		return err
	}
	for _, h := range hs {
		if err := e.Write(h); err != nil {
			e.out.close()
			return err
		}
	}
	return e.Close()
}

// Write adds a household's rows.
func (e *Exporter) Write(h Household) error {
	if e.err != nil {
		return e.err
	}
	n := len(h.Members)
	if n == 0 {
		return nil
	}
	headIdx := 0
	for i, m := range h.Members {
		if m.Relationship == Head {
			headIdx = i
			break
		}
	}
	// member returns the index of the member an item belongs to: a stored
	// PersonID, or -(i+1) as an import or a form refers to Members[i];
	// items of the household go to the head.
	member := func(pid int64) int {
		if pid < 0 && -pid <= int64(n) {
			return int(-pid - 1)
		}
		if pid > 0 {
			for i, m := range h.Members {
				if m.PersonID == pid {
					return i
				}
			}
		}
		return headIdx
	}
	income := make([][len(incomeCols)]money.Money, n)
	hasIncome := make([]uint8, n)
	for _, it := range h.Incomes {
		for k, c := range incomeCols {
			if fileColumns[c].kind == it.Kind {
				i := member(it.PersonID)
				income[i][k] += it.Monthly()
				hasIncome[i] |= 1 << k
			}
		}
	}
	head := h.Members[headIdx]
	headID := head.IDNumber
	order := make([]int, 0, n)
	order = append(order, headIdx)
	for i := range h.Members {
		if i != headIdx {
			order = append(order, i)
		}
	}
	for _, i := range order {
		m := h.Members[i]
		c := e.cells
		clear(c)
		c[fcHeadID] = e.id(headID)
		c[fcIDNumber] = e.id(m.IDNumber)
		c[fcName] = m.Name
		switch m.Sex {
		case "M":
			c[fcSex] = "男"
		case "F":
			c[fcSex] = "女"
		}
		c[fcBirthDate] = m.BirthDate
		c[fcRelationship] = m.Relationship.Zh()
		c[fcEthnicity] = exportName(Ethnicities, m.Ethnicity)
		c[fcMarital] = exportName(MaritalStatuses, m.Marital)
		c[fcPhone] = m.Phone
		c[fcDisabilityCategory] = exportName(DisabilityCategories, m.Disability.Category)
		if g := m.Disability.Grade; g >= 1 && g <= 4 {
			c[fcDisabilityGrade] = disabilityGrades[g]
		} else if g != 0 {
			c[fcDisabilityGrade] = strconv.Itoa(g)
		}
		c[fcDisabilityCert] = m.Disability.Cert
		if e.opts.MaskIDs {
			c[fcDisabilityCert] = exportMaskCert(m.Disability.Cert)
		}
		c[fcSelfCare] = exportSelfCare(m.SelfCare)
		c[fcLabour] = exportName(LabourCapacities, m.Labour)
		c[fcIllness] = m.SeriousIllness
		c[fcEducation] = exportName(EducationStages, m.Education)
		c[fcEmployment] = exportName(Employments, m.Employment)
		c[fcExcluded] = exportName(Exclusions, m.Excluded)
		c[fcDeathDate] = m.DeathDate
		for k, col := range incomeCols {
			if hasIncome[i]&(1<<k) != 0 {
				c[col] = income[i][k].String()
			}
		}
		if i == headIdx {
			e.household(h, c)
		}
		if err := e.out.write(c); err != nil {
			e.err = err
			return err
		}
	}
	return nil
}

// household fills the household columns of the head's row.
func (e *Exporter) household(h Household, c []string) {
	c[fcVillage] = h.Village
	switch h.Area {
	case Urban:
		c[fcArea] = "城镇"
	case Rural:
		c[fcArea] = "农村"
	}
	c[fcAddress] = h.Address
	c[fcBank] = h.Bank.Bank
	c[fcAccount] = h.Bank.Account
	if e.opts.MaskIDs {
		c[fcAccount] = h.Bank.MaskedAccount()
	}
	c[fcHolder] = h.Bank.Holder
	var sums [len(assetMoneyCols)]money.Money
	var has uint8
	var vehicles, houses []string
	for _, a := range h.Assets {
		switch a.Kind {
		case "vehicle":
			t := a.VehicleType
			if t == "" {
				t = "机动车"
			}
			vehicles = append(vehicles, t+":"+a.Value.String())
		case "house":
			houses = append(houses, money.Money(a.Area).String())
		default:
			for k, col := range assetMoneyCols {
				if fileColumns[col].kind == a.Kind {
					sums[k] += a.Value
					has |= 1 << k
				}
			}
		}
	}
	for k, col := range assetMoneyCols {
		if has&(1<<k) != 0 {
			c[col] = sums[k].String()
		}
	}
	c[fcVehicles] = strings.Join(vehicles, "；")
	c[fcHouses] = strings.Join(houses, "；")
}

// id writes a resident ID, masked if asked.
func (e *Exporter) id(s string) string {
	if !e.opts.MaskIDs || s == "" {
		return s
	}
	if id, err := idcard.Parse(s); err == nil {
		return id.Mask()
	}
	return strings.Repeat("*", len(s))
}

// Close finishes the file.
func (e *Exporter) Close() error {
	err := e.out.close()
	if e.err != nil {
		return e.err
	}
	return err
}

func exportMaskCert(s string) string {
	if len(s) < 18 {
		return strings.Repeat("*", len(s))
	}
	return s[:6] + "********" + s[14:]
}

// exportName returns the name of a code, or the code itself when the table
// does not know it.
func exportName(table map[string]string, code string) string {
	if n, ok := table[code]; ok {
		return n
	}
	return code
}

// exportSelfCare lists the failed activities as the template writes them:
// 吃饭、穿衣.
func exportSelfCare(s SelfCare) string {
	var names []string
	for i, a := range SelfCareActivities {
		if s&(1<<i) != 0 {
			names = append(names, strings.Replace(a[1], "自主", "", 1))
		}
	}
	return strings.Join(names, "、")
}

// fileRowWriter writes the rows of a CSV or xlsx file.
type fileRowWriter interface {
	write(cells []string) error
	close() error
}

type csvRowWriter struct {
	cw *csv.Writer
}

func newCSVRowWriter(w io.Writer, header []string) (*csvRowWriter, error) {
	if _, err := io.WriteString(w, csvBOM); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // as Excel writes it
	if err := cw.Write(header); err != nil {
		return nil, err
	}
	return &csvRowWriter{cw: cw}, nil
}

func (r *csvRowWriter) write(cells []string) error { return r.cw.Write(cells) }

func (r *csvRowWriter) close() error {
	r.cw.Flush()
	return r.cw.Error()
}

// xlsxRowWriter streams rows into sheet 家庭成员 of a new workbook.
type xlsxRowWriter struct {
	w    io.Writer
	f    *excelize.File
	sw   *excelize.StreamWriter
	row  int
	num  []bool // write the column's cells as numbers
	text []bool
	st   xlStyles
	vals []any
}

func newXLSXRowWriter(w io.Writer, header []string, text, num []bool, reasonCol int) (*xlsxRowWriter, error) {
	f := excelize.NewFile()
	r := &xlsxRowWriter{w: w, f: f, row: 1, text: text, num: num}
	fail := func(err error) (*xlsxRowWriter, error) {
		f.Close()
		return nil, err
	}
	if err := f.SetSheetName("Sheet1", sheetMembers); err != nil {
		return fail(err)
	}
	var err error
	if r.st, err = newXLStyles(f); err != nil {
		return fail(err)
	}
	if r.sw, err = f.NewStreamWriter(sheetMembers); err != nil {
		return fail(err)
	}
	for j, h := range header {
		width := 14.0
		if c, ok := columnByHeader(h); ok {
			width = fileColumns[c].width
		}
		if j == reasonCol {
			width = 60
		}
		if err := r.sw.SetColWidth(j+1, j+1, width); err != nil {
			return fail(err)
		}
	}
	for j := range header {
		if j < len(text) && text[j] {
			if err := r.sw.SetColStyle(j+1, j+1, r.st.text); err != nil {
				return fail(err)
			}
		}
	}
	if err := r.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fail(err)
	}
	vals := make([]any, len(header))
	for j, h := range header {
		vals[j] = excelize.Cell{StyleID: r.st.header, Value: h}
	}
	if err := r.sw.SetRow("A1", vals, excelize.RowOpts{Height: 32}); err != nil {
		return fail(err)
	}
	r.vals = make([]any, len(header))
	return r, nil
}

func (r *xlsxRowWriter) write(cells []string) error {
	r.row++
	vals := r.vals[:len(cells)]
	for j, v := range cells {
		switch {
		case v == "":
			vals[j] = nil
		case j < len(r.num) && r.num[j]:
			if m, err := money.Parse(v); err == nil {
				vals[j] = excelize.Cell{StyleID: r.st.money, Value: float64(m) / 100}
				continue
			}
			vals[j] = v
		case j < len(r.text) && r.text[j]:
			vals[j] = excelize.Cell{StyleID: r.st.text, Value: v}
		default:
			vals[j] = v
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, r.row)
	if err != nil {
		return err
	}
	return r.sw.SetRow(cell, vals)
}

func (r *xlsxRowWriter) close() error {
	defer r.f.Close()
	if err := r.sw.Flush(); err != nil {
		return err
	}
	return r.f.Write(r.w)
}
