package registry

import (
	"context"
	"fmt"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/audit"
)

// ImportMode is the clerk's choice for a file with bad rows.
type ImportMode string

const (
	// ImportCheck validates and reports; nothing is written.
	ImportCheck ImportMode = "check"
	// ImportAll loads the file only if every row is good.
	ImportAll ImportMode = "all"
	// ImportGood loads the good households and leaves the rejected rows
	// for the clerk to fix and re-import.
	ImportGood ImportMode = "good"
)

// ImportResult reports what an import did.
type ImportResult struct {
	Rows      int // data rows in the file
	Created   int // new households
	Updated   int // existing households whose record changed
	Unchanged int // existing households the file repeats exactly
	Members   int // members in created and updated households
	Rejected  []int
	Errors    []RowError
	Truncated bool
	Loaded    bool // false when nothing was written
}

// loadBatch is how many households one transaction loads: small enough
// that a killed import loses at most one batch, which a re-run then loads
// (re-importing duplicates no one). Bigger batches commit less often.
const loadBatch = 20000

// ImportHouseholds checks a file read by ReadFile against the registry and
// loads it as mode says. Each household is new (its head belongs to no
// household), an update of the household its head heads, or rejected: a
// village outside by's jurisdiction, or a member who belongs to another
// household. progress, when given, is called after each batch. Requires
// RegistryWrite. Returns Invalid for a bad mode, Forbidden.
func (s *Service) ImportHouseholds(ctx context.Context, by access.Principal, f *ImportFile, mode ImportMode, source string, progress func(done, total int)) (ImportResult, error) {
	if err := by.Require(access.RegistryWrite); err != nil {
		return ImportResult{}, err
	}
	switch mode {
	case ImportCheck, ImportAll, ImportGood:
	default:
		return ImportResult{}, apperr.Field("mode", "导入方式须为 check、all 或 good", "mode is check, all or good")
	}
	plan, err := s.planImport(ctx, by, f)
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Rows: f.Rows, Rejected: f.Rejected(), Errors: f.Errors, Truncated: f.Truncated}
	if mode == ImportCheck || (mode == ImportAll && len(f.Errors) > 0) {
		res.Unchanged = len(plan.same)
		return res, nil
	}
	now := s.now()
	total := len(plan.fresh) + len(plan.changed)
	for start := 0; start < len(plan.fresh); start += loadBatch {
		batch := plan.fresh[start:min(start+loadBatch, len(plan.fresh))]
		for i := range batch {
			batch[i].CreatedAt, batch[i].UpdatedAt, batch[i].Version = now, now, 1
		}
		c := Change{Version: 1, At: now, Actor: by.Username, Action: "import", Reason: "批量导入 " + source, Summary: "批量导入新建"}
		if err := s.Store.ImportHouseholds(ctx, batch, c); err != nil {
			return res, err
		}
		res.Created += len(batch)
		for _, h := range batch {
			res.Members += len(h.Members)
		}
		if progress != nil {
			progress(res.Created, total)
		}
	}
	for _, u := range plan.changed {
		in := NewHousehold{Village: u.next.Village, Area: string(u.next.Area), Address: u.next.Address, Bank: u.next.Bank,
			Incomes: u.next.Incomes, Assets: u.next.Assets, Expenditures: u.next.Expenditures}
		for _, m := range u.next.Members {
			in.Members = append(in.Members, NewMember{IDNumber: m.IDNumber, Name: m.Name, Relationship: string(m.Relationship), Detail: m.Detail})
		}
		h, err := s.UpdateHousehold(ctx, by, u.id, u.version, in, "批量导入 "+source)
		if err != nil {
			return res, fmt.Errorf("update household %d: %w", u.id, err)
		}
		res.Updated++
		res.Members += len(h.Members)
	}
	if progress != nil {
		progress(total, total)
	}
	res.Unchanged, res.Loaded = len(plan.same), true
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "household.import", SubjectType: "import",
			SubjectID: source, SubjectRegion: by.Region, After: map[string]any{"rows": res.Rows, "created": res.Created,
				"updated": res.Updated, "unchanged": res.Unchanged, "rejected_rows": len(res.Rejected)}})
	})
	return res, err
}

type importUpdate struct {
	id      int64
	version int
	next    Household
}

type importPlan struct {
	fresh   []Household
	changed []importUpdate
	same    []int64
}

// planImport sorts the file's households into new, changed and repeated
// ones, rejecting in f those that cannot load.
func (s *Service) planImport(ctx context.Context, by access.Principal, f *ImportFile) (importPlan, error) {
	plan := importPlan{fresh: make([]Household, 0, len(f.Households))}
	ids := make([]string, 0, f.Rows)
	for _, ih := range f.Households {
		for _, m := range ih.Household.Members {
			ids = append(ids, m.IDNumber)
		}
	}
	taken, err := s.Store.HouseholdsOf(ctx, ids)
	if err != nil {
		return plan, err
	}
	var rejects []RowError
	for _, ih := range f.Households {
		h := ih.Household
		head, _ := h.Head()
		if !by.Covers(h.Village) {
			rejects = append(rejects, RowError{Row: ih.Rows[0], Column: "村（社区）代码", Msg: "该村（社区）不在您的管辖范围内", MsgEN: "the village is outside your jurisdiction"})
			continue
		}
		home, exists := taken[head.IDNumber]
		bad := false
		for i, m := range h.Members {
			if hh, ok := taken[m.IDNumber]; ok && (!exists || hh != home) {
				rejects = append(rejects, RowError{Row: ih.Rows[i], Column: "身份证号码", Msg: "该成员已属于另一户家庭，须先办理迁出", MsgEN: "this member already belongs to another household"})
				bad = true
				break
			}
		}
		if bad {
			continue
		}
		if !exists {
			plan.fresh = append(plan.fresh, h)
			continue
		}
		old, err := s.Store.Household(ctx, home)
		if err != nil {
			return plan, err
		}
		if !by.Covers(old.Village) {
			rejects = append(rejects, RowError{Row: ih.Rows[0], Column: "户主身份证号", Msg: "户主已在管辖范围以外的家庭中", MsgEN: "the head belongs to a household outside your jurisdiction"})
			continue
		}
		if sameHousehold(old, h) {
			plan.same = append(plan.same, old.ID)
			continue
		}
		plan.changed = append(plan.changed, importUpdate{id: old.ID, version: old.Version, next: h})
	}
	if len(rejects) > 0 {
		f.RejectRows(rejects)
	}
	return plan, nil
}

// sameHousehold reports whether an imported household repeats a stored
// one: same place, bank, members with the same detail. Items are compared
// by kind and amount.
func sameHousehold(old, in Household) bool {
	if old.Village != in.Village || old.Area != in.Area || old.Address != in.Address || old.Bank != in.Bank ||
		len(old.Members) != len(in.Members) || len(old.Incomes) != len(in.Incomes) || len(old.Assets) != len(in.Assets) {
		return false
	}
	byID := map[string]Member{}
	for _, m := range old.Members {
		byID[m.IDNumber] = m
	}
	for _, m := range in.Members {
		o, ok := byID[m.IDNumber]
		if !ok || o.Name != m.Name || o.Relationship != m.Relationship || o.Detail != m.Detail {
			return false
		}
	}
	key := func(kind string, amount int64, per Period) string { return fmt.Sprint(kind, amount, per) }
	count := map[string]int{}
	for _, it := range old.Incomes {
		count[key(it.Kind, int64(it.Amount), it.Per)]++
	}
	for _, it := range in.Incomes {
		count[key(it.Kind, int64(it.Amount), it.Per)]--
	}
	for _, a := range old.Assets {
		count[key(a.Kind, int64(a.Value), Period(fmt.Sprint(a.Area)))]++
	}
	for _, a := range in.Assets {
		count[key(a.Kind, int64(a.Value), Period(fmt.Sprint(a.Area)))]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}

// Export streams the households within by's jurisdiction (narrowed to
// region when given) to write, in pages. IDs are masked unless by may see
// them. Requires RegistryRead. Returns the number written.
func (s *Service) Export(ctx context.Context, by access.Principal, region string, write func(Household) error) (int, error) {
	// Walk the list by keyset (village, ID): each page costs the same,
	// however deep into a county the export is.
	f := SearchFilter{RegionPrefix: region, Limit: 200, After: &HouseholdRow{}}
	n := 0
	for {
		rows, _, err := s.Search(ctx, by, f)
		if err != nil {
			return n, err
		}
		for _, r := range rows {
			h, err := s.Store.Household(ctx, r.ID)
			if err != nil {
				return n, err
			}
			if !by.Can(access.SeeFullID) {
				for i := range h.Members {
					h.Members[i].IDNumber = h.Members[i].MaskedID()
				}
				h.Bank.Account = h.Bank.MaskedAccount()
			}
			if err := write(h); err != nil {
				return n, err
			}
			n++
		}
		if len(rows) < f.Limit {
			break
		}
		last := rows[len(rows)-1]
		f.After = &last
	}
	err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
		return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "household.export", SubjectType: "export",
			SubjectID: region, SubjectRegion: by.Region, After: map[string]int{"households": n}})
	})
	return n, err
}
