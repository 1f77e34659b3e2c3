package verify

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/idcard"
)

// The department datasets as the centre manages them: the catalogue of
// sources with their columns and snapshots, the upload of a new snapshot
// by the province's centre, and the staff relatives' register file.

// Column is a column of a source's file: its key and Chinese name.
type Column struct {
	Name, Zh string
}

// ColumnsOf returns the columns of a source's file in order, id_number
// first.
func ColumnsOf(source string) []Column {
	if _, ok := SourceByName(source); !ok {
		return nil
	}
	out := []Column{{idColumn.name, idColumn.zh}}
	for _, c := range layouts[source] {
		out = append(out, Column{c.name, c.zh})
	}
	return out
}

// SourceDetail is a source with its columns, the record fields it fills
// and every snapshot loaded, newest first (by as_of, then by load).
type SourceDetail struct {
	Source
	Columns   []Column
	Fields    []string // Fields(Name)
	Snapshots []Snapshot
}

// requireDatasetsRead lets the centre's staff and the dataset importers
// see the catalogue (names, dates and counts; no personal data).
func requireDatasetsRead(by access.Principal) error {
	if by.Can(access.VerifyCentre) {
		return nil
	}
	return by.Require(access.VerifyDatasets)
}

// requireDatasetsImport: the datasets are the province's, so loading one
// takes VerifyDatasets and a province-wide jurisdiction.
func requireDatasetsImport(by access.Principal) error {
	if err := by.Require(access.VerifyDatasets); err != nil {
		return err
	}
	if !by.IsSystem() && len(by.Prefix()) > 2 {
		return apperr.New(apperr.Forbidden, "部门数据由省级核对中心导入", "department datasets are imported by the province's verification centre")
	}
	return nil
}

// MayImport reports (nil, or Unauthorized or Forbidden) whether by may
// import datasets, so that a caller can refuse before receiving a file.
func (s *Service) MayImport(by access.Principal) error { return requireDatasetsImport(by) }

// departmentsEn are the departments' English names.
var departmentsEn = map[string]string{
	"公安":          "Public security",
	"自然资源（不动产登记）": "Natural resources (real-estate registration)",
	"市场监管":        "Market regulation",
	"人力资源社会保障":    "Human resources and social security",
	"住房公积金管理中心":   "Housing provident fund centre",
	"税务":          "Taxation",
	"银行":          "Banks",
	"证券":          "Securities",
	"组织人事":        "Organisation and personnel",
	"民政（殡葬）、公安":   "Civil affairs (funerals), public security",
	"民政（婚姻登记）":    "Civil affairs (marriage registration)",
}

// DepartmentEn is the English name of a source's department.
func (s Source) DepartmentEn() string {
	if en, ok := departmentsEn[s.Department]; ok {
		return en
	}
	return s.Department
}

// Catalogue lists every source with its columns and its snapshots,
// newest first. Needs VerifyCentre or VerifyDatasets.
func (s *Service) Catalogue(ctx context.Context, by access.Principal) ([]SourceDetail, error) {
	if err := requireDatasetsRead(by); err != nil {
		return nil, err
	}
	snaps, err := s.Store.Snapshots(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]SourceDetail, len(Sources))
	for i, src := range Sources {
		out[i] = SourceDetail{Source: src, Columns: ColumnsOf(src.Name), Fields: Fields(src.Name)}
		for _, sn := range snaps {
			if sn.Source == src.Name {
				out[i].Snapshots = append(out[i].Snapshots, sn)
			}
		}
		slices.SortStableFunc(out[i].Snapshots, func(a, b Snapshot) int {
			return cmp.Or(cmp.Compare(b.AsOf, a.AsOf), b.LoadedAt.Compare(a.LoadedAt), cmp.Compare(b.ID, a.ID))
		})
	}
	return out, nil
}

// Upload loads the file at path (an uploaded CSV or .xlsx) as the snapshot
// of source as of asOf, for by, who needs VerifyDatasets at province level.
// The file is validated whole: a bad row loads nothing (Invalid "rows",
// the rows in ImportResult.Parsed.Errors). The load is audited by Import.
func (s *Service) Upload(ctx context.Context, by access.Principal, source, asOf, path string, xlsx bool) (ImportResult, error) {
	if err := requireDatasetsImport(by); err != nil {
		return ImportResult{}, err
	}
	return s.ImportFile(ctx, by.Actor(), source, asOf, path, xlsx, false)
}

// ImportFile is Import of the file at path. The file is mapped into
// memory rather than read (where the system can), so a large file is not
// held on the heap; the reader's workers have stopped by the time Import
// returns, before the mapping goes.
func (s *Service) ImportFile(ctx context.Context, actor audit.Actor, source, asOf, path string, xlsx, goodOnly bool) (ImportResult, error) {
	data, unmap, err := mapFile(path)
	if err != nil {
		return ImportResult{}, badFile("无法读取上传的文件", "cannot read the uploaded file")
	}
	defer unmap()
	return s.Import(ctx, actor, source, asOf, data, xlsx, goodOnly)
}

// ---- the staff relatives' register (近亲属备案) ----

// RegisterName is the source key of the staff relatives' register file.
const RegisterName = "staff_relatives"

// RegisterColumns are the columns of the register file
// (internal/synth/FORMAT.md).
var RegisterColumns = []Column{{"staff_id", "工作人员身份证号码"}, {"staff_name", "工作人员姓名"}, {"role", "人员类别"},
	{"unit", "工作单位"}, {"region", "所在区划"}, {"relative_id", "近亲属身份证号码"}, {"relative_name", "近亲属姓名"},
	{"relation", "关系"}}

// StaffEntry is a row of the relatives' register.
type StaffEntry struct {
	County, StaffID, StaffName, Role, RelativeID, Relation string
}

// staffRoles maps the register file's roles to the table's keys.
var staffRoles = map[string]string{"村（居）委会成员": "village_committee", "乡镇（街道）社会救助经办人员": "township_caseworker",
	"县民政局工作人员": "county_civil_affairs", "民政工作人员": "civil_affairs"}

// StaffRoleKey returns the register key of a role as the register file
// writes it (Chinese) or as the table does; "" for an unknown role.
func StaffRoleKey(role string) string {
	if k, ok := staffRoles[role]; ok {
		return k
	}
	for _, k := range staffRoles {
		if k == role {
			return k
		}
	}
	return ""
}

// ParseRegister reads a register file (CSV, RFC 4180: quoted fields may
// hold commas, quotes and line breaks) and validates it whole. It returns
// the entries of the good rows and every bad cell (rows counted as in a
// spreadsheet, the header being row 1); Invalid "file" for a wrong header
// or a malformed file.
func ParseRegister(r io.Reader) (es []StaffEntry, rows int, bad []RowError, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, 0, nil, badFile("文件为空", "the file is empty")
	}
	if err != nil {
		return nil, 0, nil, badFile("文件不是有效的 CSV 文件", "the file is not valid CSV")
	}
	want := make([]string, len(RegisterColumns))
	for i, c := range RegisterColumns {
		want[i] = c.Name
	}
	got := make([]string, len(header))
	for i, h := range header {
		got[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	}
	if got = trimEmptyTail(got, len(want)); !slices.Equal(got, want) {
		w := strings.Join(want, ",")
		return nil, 0, nil, badFile("表头应为 "+w, "the header must be "+w)
	}
	today := nowForTests()
	for {
		cells, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			rows++
			bad = append(bad, RowError{Row: pe.StartLine, Msg: "引号不配对或格式错误", MsgEN: "unbalanced quotes or malformed CSV"})
			continue
		}
		if err != nil {
			return nil, rows, bad, err
		}
		// Rows are the file's lines, the header being line 1 (a quoted
		// field may span lines).
		line, _ := cr.FieldPos(0)
		cells = trimEmptyTail(cells, len(want))
		if len(cells) == 1 && strings.TrimSpace(cells[0]) == "" {
			continue
		}
		rows++
		fail := func(col int, zh, en string) {
			e := RowError{Row: line, Msg: zh, MsgEN: en}
			if col >= 0 {
				e.Column, e.ColumnZh = RegisterColumns[col].Name, RegisterColumns[col].Zh
			}
			bad = append(bad, e)
		}
		if len(cells) != len(want) {
			fail(-1, fmt.Sprintf("应有 %d 列，实有 %d 列", len(want), len(cells)), fmt.Sprintf("%d columns; want %d", len(cells), len(want)))
			continue
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		before := len(bad)
		sid, err := idcard.ParseAt(cells[0], today)
		if err != nil {
			fail(0, idcardMsg(err), idcardMsgEN(err))
		}
		if cells[1] == "" {
			fail(1, "不能为空", "required")
		}
		role := StaffRoleKey(cells[2])
		if role == "" {
			fail(2, "未知的人员类别", "unknown role")
		}
		region := cells[4]
		if len(region) < 6 || strings.Trim(region, "0123456789") != "" {
			fail(4, "区划代码无效", "invalid division code")
		}
		rid, err := idcard.ParseAt(cells[5], today)
		if err != nil {
			fail(5, idcardMsg(err), idcardMsgEN(err))
		}
		if len(bad) > before {
			continue
		}
		es = append(es, StaffEntry{County: region[:6] + "000000", StaffID: sid.String(), StaffName: cells[1], Role: role,
			RelativeID: rid.String(), Relation: cells[7]})
	}
	return es, rows, bad, nil
}

// RegisterResult is the outcome of a register import.
type RegisterResult struct {
	Rows   int        // data rows in the file
	Added  int        // entries added
	Errors []RowError // the bad cells, when the file was refused
}

// ImportRegister validates a register file whole and adds its entries
// (those already registered are skipped), audited as
// "staff_relatives.import" by actor in the same transaction. A file with
// any bad row adds nothing: Invalid "rows", the rows in the result.
func (s *Service) ImportRegister(ctx context.Context, actor audit.Actor, r io.Reader) (RegisterResult, error) {
	es, rows, bad, err := ParseRegister(r)
	res := RegisterResult{Rows: rows, Errors: bad}
	if err != nil {
		return res, err
	}
	if n := badRows(bad); n > 0 {
		return res, apperr.Field("rows", fmt.Sprintf("文件有 %d 行错误，未导入任何数据", n), fmt.Sprintf("%d bad rows; nothing was loaded", n))
	}
	load := func(ctx context.Context) error {
		n, err := s.Store.LoadStaffRelatives(ctx, es, actor.Name)
		if err != nil {
			return err
		}
		res.Added = n
		if s.Audit == nil {
			return nil
		}
		return s.Audit.Record(ctx, actor, audit.Event{Action: "staff_relatives.import", SubjectType: "staff_relatives",
			SubjectID: RegisterName, After: map[string]any{"rows": rows, "added": n}})
	}
	if s.Tx == nil {
		return res, load(ctx)
	}
	return res, s.Tx.WithTx(ctx, load)
}

// UploadRegister is ImportRegister for by, who needs VerifyDatasets at
// province level.
func (s *Service) UploadRegister(ctx context.Context, by access.Principal, r io.Reader) (RegisterResult, error) {
	if err := requireDatasetsImport(by); err != nil {
		return RegisterResult{}, err
	}
	return s.ImportRegister(ctx, by.Actor(), r)
}

func badRows(es []RowError) int {
	p := Parsed{Errors: es}
	return p.BadRows()
}
