package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/idcard"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// Snapshot is one load of a department file: what the source said as of a
// date. Snapshots are immutable.
type Snapshot struct {
	ID       int64
	Source   string
	AsOf     string // YYYY-MM-DD
	LoadedAt time.Time
	Rows     int64 // data rows of the file
	SHA256   string
	LoadedBy string
}

// LookAlike is a person of another household who has a member's name,
// sex and birth date.
type LookAlike struct {
	Of       string // the member's ID
	IDNumber string
}

// Store keeps the snapshots and answers the look-ups of a check.
type Store interface {
	// FindSnapshot returns the snapshot of source and asOf loaded from a
	// file with that digest, or NotFound.
	FindSnapshot(ctx context.Context, source, asOf, sha256 string) (Snapshot, error)
	// LoadSnapshot stores s and the records next yields, piece by piece,
	// all or nothing: next returns io.EOF after the last piece, or an
	// error (the file has bad rows), and the store then stores nothing
	// and returns it. The snapshot row is written last, with s.Rows as it
	// stands then; s.ID is assigned. halves, when not 0, is the first row
	// of the file's second half, and the pieces come from the two halves
	// in turn (see Reader.Halves): a store may load them side by side.
	LoadSnapshot(ctx context.Context, s *Snapshot, halves int, next func() ([]Record, error)) error
	// Snapshots lists every snapshot, by source then as_of then id.
	Snapshots(ctx context.Context) ([]Snapshot, error)
	// Records returns the records of the persons pids in the snapshots
	// (Source and Snapshot set from the snapshot).
	Records(ctx context.Context, snaps []Snapshot, pids []uint64) ([]Record, error)
	// LoadStaffRelatives adds register entries in bulk, skipping those
	// already registered (same county, staff and relative), recorded as
	// created by by; it returns the number added.
	LoadStaffRelatives(ctx context.Context, es []StaffEntry, by string) (int, error)
	// Registered maps each of ids on the staff relatives' register to the
	// staff IDs it is registered with.
	Registered(ctx context.Context, ids []string) (map[string][]string, error)
	// LookAlikes returns the persons of other households in county (6
	// digits) with the name, sex and birth date of one of members.
	LookAlikes(ctx context.Context, householdID int64, county string, members []registry.Member) ([]LookAlike, error)
}

// Policy resolves the policy in force; policy.Service satisfies it.
type Policy interface {
	Resolve(region, date string) (policy.Published, error)
}

// Service is verification's data and engine: department dataset imports,
// the single-household check and the batch re-verification.
type Service struct {
	Store  Store
	Policy Policy
	Audit  *audit.Log
	Tx     audit.Transactor
	Now    func() time.Time
	// ColumnDir, when set, receives a column file of each snapshot loaded
	// (Columns), which the in-process batch engine reads.
	ColumnDir string
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ImportResult is the outcome of an import.
type ImportResult struct {
	Snapshot  Snapshot
	Parsed    *Parsed
	Unchanged bool // the same file was already loaded for the source and date
	Loaded    int  // records stored (marriages count twice)
	ColumnErr error
}

// Import validates a department file whole and loads it as the snapshot
// of source as of asOf. A file with any bad row loads nothing unless
// goodOnly is set, and the error lists the rows (Parsed.Errors). The same
// file for the same source and date a second time changes nothing. The
// load is audited as "dataset.import" by actor.
//
// Returns Invalid (field "source", "as_of", "file", or "rows" with the
// bad rows in ImportResult.Parsed).
func (s *Service) Import(ctx context.Context, actor audit.Actor, source, asOf string, data []byte, xlsx, goodOnly bool) (ImportResult, error) {
	if d, err := time.Parse("2006-01-02", asOf); err != nil || len(asOf) != 10 || d.After(s.now().AddDate(0, 0, 1)) {
		return ImportResult{}, apperr.Field("as_of", "数据日期应为不晚于今天的 YYYY-MM-DD", "as_of must be a date YYYY-MM-DD, not in the future")
	}
	rd, err := NewReader(source, data, xlsx)
	if err != nil {
		return ImportResult{}, err
	}
	defer rd.Close()
	rd.Good = goodOnly
	p := &rd.Parsed
	res := ImportResult{Parsed: p}
	if old, err := s.Store.FindSnapshot(ctx, source, asOf, p.SHA256); err == nil {
		res.Snapshot, res.Unchanged = old, true
		return res, nil
	} else if !apperr.Is(err, apperr.NotFound) {
		return res, err
	}
	// Validation and the load overlap in one transaction, which commits
	// only when the whole file has validated: a bad row anywhere rolls
	// everything back.
	snap := Snapshot{Source: source, AsOf: asOf, LoadedAt: s.now().UTC(), SHA256: p.SHA256, LoadedBy: actor.Name}
	var cols *ColumnBuilder
	halves := 0
	if s.ColumnDir != "" {
		cols = NewColumnBuilder(source)
	} else {
		// The column file keeps the file's order; without one the halves
		// may come in turn.
		halves = rd.Halves()
	}
	err = s.Store.LoadSnapshot(ctx, &snap, halves, func() ([]Record, error) {
		recs, err := rd.Next()
		snap.Rows = int64(p.Rows)
		if cols != nil && len(recs) > 0 {
			cols.Add(recs)
		}
		return recs, err
	})
	if errors.Is(err, ErrBadRows) {
		return res, apperr.Field("rows", fmt.Sprintf("文件有 %d 行错误，未导入任何数据", p.BadRows()),
			fmt.Sprintf("%d bad rows; nothing was loaded", p.BadRows()))
	}
	if err != nil {
		return res, err
	}
	res.Snapshot, res.Loaded = snap, p.Loaded
	if cols != nil {
		// The column file is a cache of the snapshot: if it cannot be
		// written, the batch engine rebuilds it from the database.
		res.ColumnErr = cols.WriteFile(ColumnPath(s.ColumnDir, snap.ID))
	}
	if s.Audit != nil {
		err = s.Audit.Record(ctx, actor, audit.Event{Action: "dataset.import", SubjectType: "dataset_snapshot",
			SubjectID: fmt.Sprint(snap.ID), SubjectRegion: "",
			After: map[string]any{"source": source, "as_of": asOf, "rows": p.Rows, "bad_rows": p.BadRows(),
				"records": p.Loaded, "sha256": p.SHA256}})
	}
	return res, err
}

// SourceInfo is a source with its newest snapshot.
type SourceInfo struct {
	Source
	Snapshots int
	Newest    *Snapshot // nil when never loaded
}

// Sources lists every source with its refresh date (the as_of of its
// newest snapshot).
func (s *Service) Sources(ctx context.Context) ([]SourceInfo, error) {
	snaps, err := s.Store.Snapshots(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]SourceInfo, len(Sources))
	for i, src := range Sources {
		out[i].Source = src
		for j := range snaps {
			if snaps[j].Source == src.Name {
				out[i].Snapshots++
				out[i].Newest = &snaps[j] // ordered by as_of then id
			}
		}
	}
	return out, nil
}

// Newest returns, for each source, the newest snapshot on or before asOf
// (by as_of, then the latest load), and the sources with none.
func Newest(snaps []Snapshot, asOf string) (have []Snapshot, missing []string) {
	for _, src := range Sources {
		var best *Snapshot
		for j := range snaps {
			sn := &snaps[j]
			if sn.Source != src.Name || sn.AsOf > asOf {
				continue
			}
			if best == nil || sn.AsOf > best.AsOf || sn.AsOf == best.AsOf && sn.ID > best.ID {
				best = sn
			}
		}
		if best == nil {
			missing = append(missing, src.Name)
		} else {
			have = append(have, *best)
		}
	}
	return have, missing
}

// Check verifies household h against the newest snapshot of each source
// on or before asOf, with the policy thresholds of its village on asOf.
// It is pure computation over the store: no authorization, no audit, no
// storing (the caller does those). Sources with no snapshot are Missing.
//
// Returns Invalid for a bad date or a village without policy.
func (s *Service) Check(ctx context.Context, h *registry.Household, asOf string) (Report, error) {
	if _, err := time.Parse("2006-01-02", asOf); err != nil || len(asOf) != 10 {
		return Report{}, apperr.Field("as_of", "核对日期应为 YYYY-MM-DD", "as_of must be a date YYYY-MM-DD")
	}
	pol, err := s.Policy.Resolve(h.Village, asOf)
	if err != nil {
		return Report{}, err
	}
	all, err := s.Store.Snapshots(ctx)
	if err != nil {
		return Report{}, err
	}
	snaps, _ := Newest(all, asOf)
	rep := Report{HouseholdID: h.ID, County: countyOf(h.Village), Village: h.Village, AsOf: asOf,
		Policy: pol.Region + "@" + pol.Effective}
	bySource := map[string]Snapshot{}
	for _, sn := range snaps {
		bySource[sn.Source] = sn
	}
	for _, src := range Sources {
		if sn, ok := bySource[src.Name]; ok {
			rep.Sources = append(rep.Sources, SourceStatus{Source: src.Name, Mode: Online, Snapshot: sn.AsOf})
		} else {
			rep.Sources = append(rep.Sources, SourceStatus{Source: src.Name, Mode: Missing})
		}
	}
	var pids []uint64
	index := map[uint64]int{}
	var ids []string
	for i, m := range h.Members {
		if id, err := idcard.Parse(m.IDNumber); err == nil {
			pid := idcard.Pack(id)
			pids = append(pids, pid)
			index[pid] = i
			ids = append(ids, m.IDNumber)
		}
	}
	f := &Facts{Records: make([][]Record, len(h.Members)), LookAlikes: make([][]string, len(h.Members))}
	if len(pids) > 0 && len(snaps) > 0 {
		recs, err := s.Store.Records(ctx, snaps, pids)
		if err != nil {
			return Report{}, err
		}
		for _, r := range recs {
			if i, ok := index[r.PID]; ok {
				f.Records[i] = append(f.Records[i], r)
			}
		}
	}
	if f.Registered, err = s.Store.Registered(ctx, ids); err != nil {
		return Report{}, err
	}
	looks, err := s.Store.LookAlikes(ctx, h.ID, countyOf(h.Village), h.Members)
	if err != nil {
		return Report{}, err
	}
	for _, la := range looks {
		for i, m := range h.Members {
			if m.IDNumber == la.Of {
				f.LookAlikes[i] = append(f.LookAlikes[i], la.IDNumber)
			}
		}
	}
	// Spouses' jobs: one more look-up for the spouses found.
	var spouses []uint64
	for i := range f.Records {
		for _, r := range f.Records[i] {
			if r.Source == "marriages" && r.Other != 0 {
				spouses = append(spouses, r.Other)
			}
		}
	}
	jobs := map[uint64][]Record{}
	if pe, ok := bySource["public_employees"]; ok && len(spouses) > 0 {
		recs, err := s.Store.Records(ctx, []Snapshot{pe}, spouses)
		if err != nil {
			return Report{}, err
		}
		for _, r := range recs {
			jobs[r.PID] = append(jobs[r.PID], r)
		}
	}
	f.Jobs = func(pid uint64) []Record { return jobs[pid] }

	hits := Match(h, f, LimitsOf(&pol.Params, h.Area))
	rep.Reasons = Reasons(hits, pol.Params.Assets)
	rep.Verdict = VerdictOf(rep.Reasons)
	for i, m := range h.Members {
		mr := MemberResult{IDNumber: m.IDNumber, Name: m.Name}
		for _, r := range f.Records[i] {
			mr.Findings = append(mr.Findings, findingOf(&r, bySource[r.Source].AsOf))
		}
		rep.Members = append(rep.Members, mr)
	}
	return rep, nil
}

// findingKinds name what each source's records are.
var findingKinds = map[string]string{"vehicles": "vehicle", "real_estate": "house", "businesses": "business",
	"pensions": "pension", "social_insurance": "social_insurance", "housing_fund": "housing_fund", "tax": "income_tax",
	"deposits": "deposit", "securities": "security", "public_employees": "public_job", "deaths": "death", "marriages": "marriage"}

// findingOf describes a record as a finding.
func findingOf(r *Record, snap string) Finding {
	f := Finding{Source: r.Source, IDNumber: r.IDNumber, Kind: findingKinds[r.Source], Value: r.Amount, Ref: r.Ref,
		Date: r.Date, Mode: Online, Snapshot: snap}
	switch r.Source {
	case "vehicles":
		f.Detail = fmt.Sprintf("%s %s，价值 %s 元", r.Kind, r.Ref, r.Amount)
	case "real_estate":
		f.Value, f.AreaM2 = 0, int64(r.Amount)
		f.Detail = fmt.Sprintf("%s %s，%s 平方米，%s", r.Kind, r.Ref, r.Amount, r.Note)
	case "businesses":
		f.Value = r.Amount
		kind := "企业"
		if r.Kind == "self_employed" {
			kind = "个体工商户"
		}
		f.Detail = fmt.Sprintf("%s %s（%s），%s，注册资本 %s 元", kind, r.Note, r.Ref, r.Status, r.Amount)
	case "pensions":
		f.Detail = fmt.Sprintf("%s 养老金 每月 %s 元，%s 起", pensionZh[r.Kind], r.Amount, r.Date)
	case "social_insurance":
		f.Ref = r.Note
		f.Detail = fmt.Sprintf("%s 参保，缴费基数 %s 元", r.Note, r.Amount)
	case "housing_fund":
		f.Ref = r.Note
		f.Detail = fmt.Sprintf("%s 缴存，月缴存 %s 元，余额 %s 元", r.Note, r.Amount, r.Amount2)
	case "tax":
		f.Date = ""
		f.Detail = fmt.Sprintf("%s 年度收入 %s 元，已缴税 %s 元", r.Ref, r.Amount, r.Amount2)
	case "deposits":
		f.Ref = r.Note
		f.Detail = fmt.Sprintf("%s 存款余额 %s 元", r.Note, r.Amount)
	case "securities":
		f.Ref = r.Note
		f.Detail = fmt.Sprintf("%s 证券市值 %s 元", r.Note, r.Amount)
	case "public_employees":
		f.Ref = r.Note
		f.Detail = fmt.Sprintf("%s（%s），%s 起", r.Note, publicZh[r.Kind], r.Date)
	case "deaths":
		f.Detail = map[string]string{"death": "死亡登记", "cremation": "火化登记"}[r.Kind] + " " + r.Date
	case "marriages":
		f.Ref = mask(r.Ref)
		f.Detail = map[string]string{"marriage": "结婚登记", "divorce": "离婚登记"}[r.Kind] + "，配偶 " + mask(r.Ref) + "，" + r.Date
	}
	return f
}

var pensionZh = map[string]string{"employee": "企业职工基本", "institution": "机关事业单位", "resident_basic": "城乡居民基本"}
var publicZh = map[string]string{"civil_servant": "公务员", "public_institution": "事业单位工作人员"}

// sortedUnique sorts and dedups pids.
func sortedUnique(pids []uint64) []uint64 {
	slices.Sort(pids)
	return slices.Compact(pids)
}
