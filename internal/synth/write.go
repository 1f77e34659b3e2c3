package synth

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"safetynet/internal/money"
	"safetynet/internal/registry"
)

// Output says where Run puts the province.
type Output struct {
	// Dir, if not "", receives the files of FORMAT.md: households.csv,
	// datasets/NAME.csv, truth.csv, staff_relatives.csv and manifest.json.
	Dir string
	// Loader, if not nil, receives the households in batches of Batch
	// (2,000 when Batch ≤ 0), in the order of households.csv.
	Loader HouseholdLoader
	Batch  int
	// Progress, if not nil, is called after each county with the work done
	// and the work in all (persons and records, as planned).
	Progress func(done, total int)
}

// WriteDir generates cfg's province into the files of FORMAT.md in dir,
// creating it if need be and replacing files of the same names.
func WriteDir(ctx context.Context, cfg Config, dir string, progress func(done, total int)) (Stats, error) {
	return Run(ctx, cfg, Output{Dir: dir, Progress: progress})
}

// Run generates cfg's province into out: files, a database, or both.
// Without a directory it skips the records of the population at large,
// which only the files hold (the households are the same either way, and
// Stats.Records then counts only the records about registry members).
// The counties are formatted as CSV by the workers that generate them;
// the calling goroutine writes them in county order and loads the
// households. Returns an Invalid apperr for an unknown scale, ctx's
// error when cancelled, or the first error of writing or loading.
func Run(ctx context.Context, cfg Config, out Output) (Stats, error) {
	if out.Dir == "" && out.Loader == nil {
		return newStats(cfg), errors.New("synth: nowhere to put the province: no directory and no loader")
	}
	var w *dirWriter
	if out.Dir != "" {
		var err error
		if w, err = newDirWriter(out.Dir); err != nil {
			return newStats(cfg), err
		}
		defer w.close()
	}
	batch := out.Batch
	if batch <= 0 {
		batch = 2000
	}
	buf := make([]registry.Household, 0, batch)
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		err := out.Loader.LoadHouseholds(ctx, buf)
		clear(buf)
		buf = buf[:0]
		return err
	}
	prepare := func(o *countyOut) error {
		if w == nil {
			return nil
		}
		o.text = formatCounty(o)
		// Keep only what the loader still needs.
		o.recs, o.truth, o.staff, o.meta = records{}, nil, nil, nil
		if out.Loader == nil {
			o.households = nil
		}
		return nil
	}
	emit := func(o *countyOut) error {
		if w != nil {
			if err := w.write(o.text); err != nil {
				return err
			}
		}
		if out.Loader != nil {
			for i := range o.households {
				buf = append(buf, o.households[i])
				if len(buf) == batch {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	st, err := run(ctx, cfg, w != nil, prepare, emit, out.Progress)
	if err != nil {
		return st, err
	}
	if out.Loader != nil {
		if err := flush(); err != nil {
			return st, err
		}
	}
	if w != nil {
		if err := w.finish(cfg, &st); err != nil {
			return st, err
		}
	}
	return st, nil
}

// countyCSV is a county formatted as the lines of each file.
type countyCSV struct {
	households chunked
	datasets   [12]chunked
	truth      chunked
	staff      chunked
}

// chunked is text held in chunks of chunkSize bytes, so that it grows
// without copying, and the chunks are recycled once written.
type chunked struct {
	full [][]byte
	cur  []byte
}

const chunkSize = 1 << 20

var chunks = sync.Pool{New: func() any { b := make([]byte, 0, chunkSize); return &b }}

// room makes sure the current chunk has n bytes free.
func (c *chunked) room(n int) {
	if cap(c.cur)-len(c.cur) >= n {
		return
	}
	if c.cur != nil {
		c.full = append(c.full, c.cur)
	}
	c.cur = (*chunks.Get().(*[]byte))[:0]
}

// writeTo writes the text to o and recycles the chunks.
func (c *chunked) writeTo(o *outFile) error {
	if c.cur != nil {
		c.full = append(c.full, c.cur)
		c.cur = nil
	}
	for i, b := range c.full {
		if err := o.write(b); err != nil {
			return err
		}
		chunks.Put(&b)
		c.full[i] = nil
	}
	c.full = c.full[:0]
	return nil
}

// formatCounty formats a county.
func formatCounty(o *countyOut) *countyCSV {
	c := &countyCSV{}
	for i := range o.households {
		c.households.room(512 * (len(o.households[i].Members) + 1))
		c.households.cur = appendHousehold(c.households.cur, &o.households[i])
	}
	ix := map[string]int{}
	for i, d := range Datasets {
		ix[d.Name] = i
	}
	// Dataset by dataset, so a lookup per dataset, not per record.
	fmtAll(&c.datasets[ix[Vehicles]], o.recs.vehicles)
	fmtAll(&c.datasets[ix[RealEstate]], o.recs.property)
	fmtAll(&c.datasets[ix[Businesses]], o.recs.businesses)
	fmtAll(&c.datasets[ix[Pensions]], o.recs.pensions)
	fmtAll(&c.datasets[ix[SocialInsurances]], o.recs.social)
	fmtAll(&c.datasets[ix[HousingFunds]], o.recs.funds)
	fmtAll(&c.datasets[ix[Taxes]], o.recs.taxes)
	fmtAll(&c.datasets[ix[Deposits]], o.recs.deposits)
	fmtAll(&c.datasets[ix[Securities]], o.recs.securities)
	fmtAll(&c.datasets[ix[PublicEmployees]], o.recs.public)
	fmtAll(&c.datasets[ix[Deaths]], o.recs.deaths)
	fmtAll(&c.datasets[ix[Marriages]], o.recs.marriages)
	for i := range o.truth {
		c.truth.room(1024)
		c.truth.cur = appendTruth(c.truth.cur, &o.truth[i])
	}
	for i := range o.staff {
		c.staff.room(1024)
		c.staff.cur = appendStaff(c.staff.cur, &o.staff[i])
	}
	return c
}

func fmtAll[T any, P interface {
	*T
	Record
}](c *chunked, rs []T) {
	for i := range rs {
		c.room(1024)
		c.cur = P(&rs[i]).appendCSV(c.cur)
	}
}

// householdColumns is the header of households.csv.
var householdColumns = []string{"household", "county", "village", "area", "address", "bank", "account", "holder",
	"enrolments", "expenditures",
	"id_number", "name", "sex", "birth_date", "relationship", "ethnicity", "marital", "disability_category",
	"disability_grade", "disability_cert", "self_care", "labour", "serious_illness", "education", "employment", "phone",
	"excluded", "death_date", "incomes", "assets"}

// truthColumns and staffColumns are the headers of truth.csv and
// staff_relatives.csv.
var (
	truthColumns = []string{"kind", "flag", "household", "county", "applicant", "id_number", "dataset", "related", "detail"}
	staffColumns = []string{"staff_id", "staff_name", "role", "unit", "region", "relative_id", "relative_name", "relation"}
)

// owns reports whether an item with PersonID ref belongs on member i's
// row: the member's own items, and the household's (ref 0) on the head's.
func owns(ref int64, i int) bool { return ref == -int64(i+1) || ref == 0 && i == 0 }

// appendHousehold appends a household's rows: one per member, the
// household's own fields on the first (the head's) row only, each income
// and asset item on the row of the member it belongs to.
func appendHousehold(b []byte, h *registry.Household) []byte {
	key := ""
	if len(h.Members) > 0 {
		key = h.Members[0].IDNumber
	}
	for i := range h.Members {
		m := &h.Members[i]
		b = append(b, key...)
		if i == 0 {
			b = append(b, ',')
			b = append(b, h.County...)
			b = append(b, ',')
			b = append(b, h.Village...)
			b = append(b, ',')
			b = append(b, h.Area...)
			b = append(b, ',')
			b = appendField(b, h.Address)
			b = append(b, ',')
			b = appendField(b, h.Bank.Bank)
			b = append(b, ',')
			b = append(b, h.Bank.Account...)
			b = append(b, ',')
			b = appendField(b, h.Bank.Holder)
			b = append(b, ',')
			for j, e := range h.Enrolments {
				if j > 0 {
					b = append(b, ';')
				}
				b = append(b, e.Programme...)
				b = append(b, ':')
				b = append(b, e.Tier...)
				b = append(b, ':')
				b = append(b, e.Setting...)
				b = append(b, ':')
				b = append(b, e.Since...)
			}
			b = append(b, ',')
			for j, e := range h.Expenditures {
				if j > 0 {
					b = append(b, ';')
				}
				b = append(b, e.Kind...)
				b = append(b, ':')
				b = appendMoney(b, e.Amount)
				b = append(b, ':')
				b = append(b, e.Per...)
				b = append(b, ':')
				b = append(b, e.Note...)
			}
		} else {
			b = append(b, ",,,,,,,,,"...)
		}
		b = append(b, ',')
		b = append(b, m.IDNumber...)
		b = append(b, ',')
		b = appendField(b, m.Name)
		b = append(b, ',')
		b = append(b, m.Sex...)
		b = append(b, ',')
		b = append(b, m.BirthDate...)
		b = append(b, ',')
		b = append(b, m.Relationship...)
		b = append(b, ',')
		b = append(b, m.Ethnicity...)
		b = append(b, ',')
		b = append(b, m.Marital...)
		b = append(b, ',')
		b = append(b, m.Disability.Category...)
		b = append(b, ',')
		if m.Disability.Grade > 0 {
			b = strconv.AppendInt(b, int64(m.Disability.Grade), 10)
		}
		b = append(b, ',')
		b = append(b, m.Disability.Cert...)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(m.SelfCare), 10)
		b = append(b, ',')
		b = append(b, m.Labour...)
		b = append(b, ',')
		b = append(b, m.SeriousIllness...)
		b = append(b, ',')
		b = append(b, m.Education...)
		b = append(b, ',')
		b = append(b, m.Employment...)
		b = append(b, ',')
		b = append(b, m.Phone...)
		b = append(b, ',')
		b = append(b, m.Excluded...)
		b = append(b, ',')
		b = append(b, m.DeathDate...)
		b = append(b, ',')
		sep := false
		for _, in := range h.Incomes {
			if !owns(in.PersonID, i) {
				continue
			}
			if sep {
				b = append(b, ';')
			}
			sep = true
			b = append(b, in.Kind...)
			b = append(b, ':')
			b = appendMoney(b, in.Amount)
			b = append(b, ':')
			b = append(b, in.Per...)
			b = append(b, ':')
			b = append(b, in.Source...)
		}
		b = append(b, ',')
		sep = false
		for _, a := range h.Assets {
			if !owns(a.PersonID, i) {
				continue
			}
			if sep {
				b = append(b, ';')
			}
			sep = true
			b = append(b, a.Kind...)
			b = append(b, ':')
			b = appendMoney(b, a.Value)
			b = append(b, ':')
			b = append(b, a.VehicleType...)
			b = append(b, ':')
			if a.Area > 0 {
				b = appendMoney(b, money.Money(a.Area))
			}
			b = append(b, ':')
			b = append(b, a.RegNo...)
			b = append(b, ':')
			b = append(b, a.Note...)
		}
		b = append(b, '\n')
	}
	return b
}

func appendTruth(b []byte, t *Truth) []byte {
	b = append(b, t.Kind...)
	b = append(b, ',')
	b = strconv.AppendBool(b, t.Flag)
	b = append(b, ',')
	b = append(b, t.Household...)
	b = append(b, ',')
	b = append(b, t.County...)
	b = append(b, ',')
	b = strconv.AppendBool(b, t.Applicant)
	b = append(b, ',')
	b = append(b, t.IDNumber...)
	b = append(b, ',')
	b = append(b, t.Dataset...)
	b = append(b, ',')
	b = append(b, t.Related...)
	b = append(b, ',')
	b = appendField(b, t.Detail)
	return append(b, '\n')
}

func appendStaff(b []byte, s *StaffRelative) []byte {
	b = append(b, s.StaffID...)
	b = append(b, ',')
	b = appendField(b, s.StaffName)
	b = append(b, ',')
	b = appendField(b, s.Role)
	b = append(b, ',')
	b = appendField(b, s.Unit)
	b = append(b, ',')
	b = append(b, s.Region...)
	b = append(b, ',')
	b = append(b, s.RelativeID...)
	b = append(b, ',')
	b = appendField(b, s.RelativeName)
	b = append(b, ',')
	b = append(b, s.Relation...)
	return append(b, '\n')
}

func (r *Vehicle) appendCSV(b []byte) []byte {
	b = append(b, r.IDNumber...)
	b = append(b, ',')
	b = append(b, r.Plate...)
	b = append(b, ',')
	b = append(b, r.Type...)
	b = append(b, ',')
	b = appendMoney(b, r.Value)
	b = append(b, ',')
	b = append(b, r.Registered...)
	return append(b, '\n')
}

func (r *Property) appendCSV(b []byte) []byte {
	b = append(b, r.IDNumber...)
	b = append(b, ',')
	b = appendField(b, r.CertNo)
	b = append(b, ',')
	b = appendMoney(b, money.Money(r.Area))
	b = append(b, ',')
	b = append(b, r.Use...)
	b = append(b, ',')
	b = appendField(b, r.Address)
	b = append(b, ',')
	b = append(b, r.Registered...)
	return append(b, '\n')
}

func (r *Business) appendCSV(b []byte) []byte {
	b = append(b, r.IDNumber...)
	b = append(b, ',')
	b = append(b, r.RegNo...)
	b = append(b, ',')
	b = append(b, r.Kind...)
	b = append(b, ',')
	b = appendField(b, r.Name)
	b = append(b, ',')
	b = append(b, r.Status...)
	b = append(b, ',')
	b = appendMoney(b, r.Capital)
	b = append(b, ',')
	b = append(b, r.Registered...)
	return append(b, '\n')
}

func (r *Pension) appendCSV(b []byte) []byte {
	b = append(b, r.IDNumber...)
	b = append(b, ',')
	b = append(b, r.Kind...)
	b = append(b, ',')
	b = appendMoney(b, r.MonthlyAmount)
	b = append(b, ',')
	b = append(b, r.Since...)
	return append(b, '\n')
}

func (r *SocialInsurance) appendCSV(b []byte) []byte {
	b = append(b, r.IDNumber...)
	b = append(b, ',')
	b = appendField(b, r.Employer)
	b = append(b, ',')
	b = appendMoney(b, r.MonthlyBase)
	b = append(b, ',')
	b = append(b, r.Since...)
	return append(b, '\n')
}

func (r *HousingFund) appendCSV(b []byte) []byte {
	b = append(b, r.IDNumber...)
	b = append(b, ',')
	b = appendField(b, r.Employer)
	b = append(b, ',')
	b = appendMoney(b, r.MonthlyDeposit)
	b = append(b, ',')
	b = appendMoney(b, r.Balance)
	return append(b, '\n')
}

func (r *Tax) appendCSV(b []byte) []byte {
	b = append(b, r.IDNumber...)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Year), 10)
	b = append(b, ',')
	b = appendMoney(b, r.Income)
	b = append(b, ',')
	b = appendMoney(b, r.Paid)
	return append(b, '\n')
}

func (r *Deposit) appendCSV(b []byte) []byte {
	b = append(b, r.IDNumber...)
	b = append(b, ',')
	b = appendField(b, r.Bank)
	b = append(b, ',')
	b = appendMoney(b, r.Balance)
	b = append(b, ',')
	b = append(b, r.AsOf...)
	return append(b, '\n')
}

func (r *Security) appendCSV(b []byte) []byte {
	b = append(b, r.IDNumber...)
	b = append(b, ',')
	b = appendField(b, r.Broker)
	b = append(b, ',')
	b = appendMoney(b, r.Value)
	b = append(b, ',')
	b = append(b, r.AsOf...)
	return append(b, '\n')
}

func (r *PublicEmployee) appendCSV(b []byte) []byte {
	b = append(b, r.IDNumber...)
	b = append(b, ',')
	b = appendField(b, r.Name)
	b = append(b, ',')
	b = appendField(b, r.Employer)
	b = append(b, ',')
	b = append(b, r.Kind...)
	b = append(b, ',')
	b = append(b, r.Since...)
	return append(b, '\n')
}

func (r *Death) appendCSV(b []byte) []byte {
	b = append(b, r.IDNumber...)
	b = append(b, ',')
	b = append(b, r.Date...)
	b = append(b, ',')
	b = append(b, r.Kind...)
	return append(b, '\n')
}

func (r *Marriage) appendCSV(b []byte) []byte {
	b = append(b, r.IDNumber...)
	b = append(b, ',')
	b = append(b, r.SpouseID...)
	b = append(b, ',')
	b = append(b, r.Date...)
	b = append(b, ',')
	b = append(b, r.Kind...)
	return append(b, '\n')
}

// appendMoney appends m as yuan with two decimals ("1640.00").
func appendMoney(b []byte, m money.Money) []byte {
	v := int64(m)
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/100, 10)
	c := v % 100
	return append(b, '.', byte('0'+c/10), byte('0'+c%10))
}

// appendField appends s as a CSV field, quoted when it holds a comma, a
// quote or a line break (RFC 4180).
func appendField(b []byte, s string) []byte {
	quote := false
	for i := range len(s) {
		switch s[i] {
		case ',', '"', '\n', '\r':
			quote = true
		}
	}
	if !quote {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := range len(s) {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// appendHeader appends a CSV header line.
func appendHeader(b []byte, cols []string) []byte {
	for i, c := range cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, c...)
	}
	return append(b, '\n')
}

// dirWriter writes the files of a directory.
type dirWriter struct {
	dir   string
	files []*outFile // households, the datasets, truth, staff
}

type outFile struct {
	name string // relative to the directory
	f    *os.File
	w    *bufio.Writer
	n    int64
}

func (o *outFile) write(b []byte) error {
	o.n += int64(len(b))
	_, err := o.w.Write(b)
	return err
}

const (
	fileHouseholds = 0
	fileDataset0   = 1
	fileTruth      = fileDataset0 + 12
	fileStaff      = fileTruth + 1
)

func newDirWriter(dir string) (*dirWriter, error) {
	if err := os.MkdirAll(filepath.Join(dir, "datasets"), 0o755); err != nil {
		return nil, err
	}
	w := &dirWriter{dir: dir}
	open := func(name string, cols []string) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		o := &outFile{name: name, f: f, w: bufio.NewWriterSize(f, 1<<20)}
		w.files = append(w.files, o)
		return o.write(appendHeader(nil, cols))
	}
	if err := open("households.csv", householdColumns); err != nil {
		w.close()
		return nil, err
	}
	for _, d := range Datasets {
		if err := open(filepath.Join("datasets", d.Name+".csv"), d.Columns); err != nil {
			w.close()
			return nil, err
		}
	}
	if err := open("truth.csv", truthColumns); err != nil {
		w.close()
		return nil, err
	}
	if err := open("staff_relatives.csv", staffColumns); err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *dirWriter) write(c *countyCSV) error {
	if err := c.households.writeTo(w.files[fileHouseholds]); err != nil {
		return err
	}
	for i := range c.datasets {
		if err := c.datasets[i].writeTo(w.files[fileDataset0+i]); err != nil {
			return err
		}
	}
	if err := c.truth.writeTo(w.files[fileTruth]); err != nil {
		return err
	}
	return c.staff.writeTo(w.files[fileStaff])
}

// close closes the files without flushing (after an error; finish
// flushes).
func (w *dirWriter) close() {
	for _, o := range w.files {
		if o.f != nil {
			o.f.Close()
			o.f = nil
		}
	}
}

// manifest is manifest.json.
type manifest struct {
	Generator string           `json:"generator"`
	Scale     string           `json:"scale"`
	About     string           `json:"about"`
	Seed      int64            `json:"seed"`
	AsOf      string           `json:"as_of"`
	Counts    *Stats           `json:"counts"`
	Anomalies []manifestKind   `json:"anomalies"`
	Datasets  []manifestData   `json:"datasets"`
	Files     map[string]int64 `json:"files"` // bytes
}

type manifestKind struct {
	Kind    string  `json:"kind"`
	Share   float64 `json:"share"`
	Flag    bool    `json:"flag"`
	Dataset string  `json:"dataset"`
	Planted int     `json:"planted"`
	About   string  `json:"about"`
}

type manifestData struct {
	Name       string   `json:"name"`
	Department string   `json:"department"`
	File       string   `json:"file"`
	Columns    []string `json:"columns"`
	Records    int      `json:"records"`
}

// finish flushes and closes the files and writes manifest.json.
func (w *dirWriter) finish(cfg Config, st *Stats) error {
	m := manifest{Generator: "safetynet synth", Scale: cfg.Scale, Seed: cfg.Seed, AsOf: AsOf, Counts: st,
		Files: map[string]int64{}}
	if s, err := ScaleByName(cfg.Scale); err == nil {
		m.About = s.About
	}
	for _, o := range w.files {
		if err := o.w.Flush(); err != nil {
			return err
		}
		if err := o.f.Close(); err != nil {
			return err
		}
		o.f = nil
		m.Files[filepath.ToSlash(o.name)] = o.n
		st.Bytes += o.n
	}
	for _, a := range Anomalies {
		m.Anomalies = append(m.Anomalies, manifestKind{a.Kind, a.Share, a.Flag, a.Dataset, st.Truth[a.Kind], a.About})
	}
	for _, d := range Datasets {
		m.Datasets = append(m.Datasets, manifestData{d.Name, d.Department, "datasets/" + d.Name + ".csv", d.Columns, st.Records[d.Name]})
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	return os.WriteFile(filepath.Join(w.dir, "manifest.json"), b, 0o644)
}
