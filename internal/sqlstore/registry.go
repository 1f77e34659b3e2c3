package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"safetynet/internal/registry"
)

// RegistryStore implements registry.Store.
type RegistryStore struct{ db *DB }

var _ registry.Store = (*RegistryStore)(nil)

// Registry returns the registry store of db.
func (db *DB) Registry() *RegistryStore { return &RegistryStore{db} }

// Person rows have the columns a member always fills, then the created
// and updated times (unless they are shared columns of the load), then
// the optional detail that most members leave empty (see
// bulkInsert.optional).
var (
	personCore = []string{"id", "id_number", "name", "name_py", "name_abbr", "sex", "birth_date", "household_id",
		"county", "relationship", "ethnicity", "phone"}
	personOpt = []string{"internal_key", "marital", "disability_category", "disability_grade", "disability_cert",
		"self_care", "labour", "serious_illness", "education", "employment", "excluded", "death_date"}
	stampCols = []string{"created_at", "updated_at"}
)

// personRow appends to row the values of a person row for member m of h,
// with times (created, updated) unless they are shared. Callers pass a
// buffer of their stack (rowBuf): a load adds millions of rows.
func personRow(row []any, m *registry.Member, h *registry.Household, times ...any) []any {
	full, abbr := registry.NameKeys(m.Name)
	row = append(row, m.PersonID, nullString(m.IDNumber), m.Name, full, abbr, m.Sex, nullString(m.BirthDate), h.ID,
		h.County, string(m.Relationship), m.Ethnicity, m.Phone)
	row = append(row, times...)
	return append(row, nullString(m.InternalKey), m.Marital, m.Disability.Category, m.Disability.Grade,
		m.Disability.Cert, int(m.SelfCare), m.Labour, m.SeriousIllness, m.Education, m.Employment, m.Excluded,
		nullString(m.DeathDate))
}

// rowBuf holds the values of one row while it is queued.
type rowBuf [32]any

// newPersonBulk returns a bulk insert of person rows; with shared times
// the created and updated times are shared columns of that value.
func (db *DB) newPersonBulk(times ...any) *bulkInsert {
	return db.newStampedBulk("persons", personCore, personOpt, times)
}

// newStampedBulk returns a bulk insert into table of rows with the
// columns core, the created and updated times, then the optional ones
// opt. With times given, the times are shared columns of those values,
// and rows leave them out.
func (db *DB) newStampedBulk(table string, core, opt []string, times []any) *bulkInsert {
	var cols []string
	cols = append(cols, core...)
	if len(times) == 0 {
		cols = append(cols, stampCols...)
	}
	cols = append(cols, opt...)
	b := db.newBulk(table, cols...).optional(len(opt))
	if len(times) > 0 {
		b.share(stampCols, times...)
	}
	return b
}

// householdWriter inserts households with everything they hold, batched,
// and their first history entries when chg is set.
type householdWriter struct {
	hh, per, inc, ast, exp, enr, chg *bulkInsert
	// times: the households' created_at and updated_at are shared columns,
	// the same for every household written (a load stamps them all alike).
	times bool
}

// set lists the writer's tables parents first, the order they flush in.
func (w *householdWriter) set() bulkSet {
	return bulkSet{w.hh, w.per, w.inc, w.ast, w.exp, w.enr, w.chg}
}

// newWriter returns a writer; with stamp (created, updated) given, every
// household it writes must carry those times, which are then bound once
// per statement rather than once per row.
func (s *RegistryStore) newWriter(stamp ...time.Time) *householdWriter {
	db := s.db
	var times []any
	if len(stamp) == 2 {
		times = []any{utc(stamp[0]), utc(stamp[1])}
	}
	return &householdWriter{
		times: times != nil,
		hh: db.newStampedBulk("households", []string{"id", "county", "village", "area", "address", "version"},
			[]string{"bank_name", "bank_account", "bank_holder"}, times),
		per: db.newPersonBulk(times...),
		inc: db.newBulk("income_items", "id", "household_id", "person_id", "county", "kind", "amount", "per", "source").optional(1),
		ast: db.newBulk("assets", "id", "household_id", "person_id", "county", "kind", "value", "vehicle_type", "area", "reg_no", "note").optional(4),
		exp: db.newBulk("expenditures", "id", "household_id", "county", "kind", "amount", "per", "note").optional(1),
		enr: db.newBulk("enrolments", "id", "household_id", "person_id", "county", "programme", "since", "tier", "setting", "until").optional(3),
	}
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// add assigns IDs to h and everything in it and queues the rows. Income,
// assets and enrolments whose PersonID is a negative number -i refer to
// the member at index i-1 (importers know members only by position).
func (w *householdWriter) add(h *registry.Household) {
	h.ID = NewID()
	if h.Version == 0 {
		h.Version = 1
	}
	var times []any
	if !w.times {
		times = []any{utc(h.CreatedAt), utc(h.UpdatedAt)}
	}
	var buf rowBuf
	hh := append(buf[:0], h.ID, h.County, h.Village, string(h.Area), h.Address, h.Version)
	w.hh.add(append(append(hh, times...), h.Bank.Bank, h.Bank.Account, h.Bank.Holder)...)
	for i := range h.Members {
		m := &h.Members[i]
		m.PersonID = NewID()
		w.per.add(personRow(buf[:0], m, h, times...)...)
	}
	w.addItems(h, h.Members)
}

// addItems queues a household's income, assets, expenditure and
// enrolments; members resolves negative member references.
func (w *householdWriter) addItems(h *registry.Household, members []registry.Member) {
	person := func(id int64) any {
		if id < 0 && int(-id) <= len(members) {
			return members[-id-1].PersonID
		}
		return nullID(id)
	}
	for i := range h.Incomes {
		it := &h.Incomes[i]
		it.ID = NewID()
		if it.PersonID < 0 {
			it.PersonID = person(it.PersonID).(int64)
		}
		w.inc.add(it.ID, h.ID, nullID(it.PersonID), h.County, it.Kind, int64(it.Amount), string(it.Per), it.Source)
	}
	for i := range h.Assets {
		a := &h.Assets[i]
		a.ID = NewID()
		if a.PersonID < 0 {
			a.PersonID = person(a.PersonID).(int64)
		}
		w.ast.add(a.ID, h.ID, nullID(a.PersonID), h.County, a.Kind, int64(a.Value), a.VehicleType, a.Area, a.RegNo, a.Note)
	}
	for i := range h.Expenditures {
		e := &h.Expenditures[i]
		e.ID = NewID()
		w.exp.add(e.ID, h.ID, h.County, e.Kind, int64(e.Amount), string(e.Per), e.Note)
	}
	for i := range h.Enrolments {
		e := &h.Enrolments[i]
		if e.PersonID < 0 {
			e.PersonID = person(e.PersonID).(int64)
		}
		w.enr.add(NewID(), h.ID, nullID(e.PersonID), h.County, e.Programme, e.Since, e.Tier, e.Setting, nullString(e.Until))
	}
}

// CreateHousehold inserts a household with its members (as new persons),
// income, assets, expenditure and enrolments, and its first history entry.
// Returns Conflict when a member's resident ID is already stored.
func (s *RegistryStore) CreateHousehold(ctx context.Context, h *registry.Household) error {
	return s.LoadHouseholds(ctx, []registry.Household{*h}, func(i int, stored registry.Household) { *h = stored })
}

// LoadHouseholds bulk-inserts new households in one transaction, assigning
// every ID. done, when given, receives each stored household. It is the
// fast path of imports and of the synthetic province. Returns Conflict
// when a resident ID is already stored (nothing is then written).
func (s *RegistryStore) LoadHouseholds(ctx context.Context, hs []registry.Household, done ...func(int, registry.Household)) error {
	return s.load(ctx, hs, nil, done...)
}

// ImportHouseholds is LoadHouseholds that also records c as each
// household's first history entry.
func (s *RegistryStore) ImportHouseholds(ctx context.Context, hs []registry.Household, c registry.Change) error {
	return s.load(ctx, hs, &c)
}

func (s *RegistryStore) load(ctx context.Context, hs []registry.Household, c *registry.Change, done ...func(int, registry.Household)) error {
	if s.db.dialect == Postgres && !InTx(ctx) && len(hs) > 1 {
		return s.copyLoad(ctx, hs, c, done...)
	}
	now := time.Now()
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		w := s.loadWriter(hs, c, now)
		set := w.set()
		defer set.close()
		for i := range hs {
			h := prepareLoad(hs[i], now)
			w.add(&h)
			if c != nil {
				w.chg.add(NewID(), h.ID, h.County, h.Version)
			}
			for _, f := range done {
				f(i, h)
			}
			if err := set.maybeFlush(ctx); err != nil {
				return err
			}
		}
		return set.flush(ctx)
	})
}

// copyLoad is load on PostgreSQL with COPY: the rows are queued as for
// INSERTs, then copied in one transaction.
func (s *RegistryStore) copyLoad(ctx context.Context, hs []registry.Household, c *registry.Change, done ...func(int, registry.Household)) error {
	now := time.Now()
	w := s.loadWriter(hs, c, now)
	stored := make([]registry.Household, len(hs))
	for i := range hs {
		h := prepareLoad(hs[i], now)
		w.add(&h)
		if c != nil {
			w.chg.add(NewID(), h.ID, h.County, h.Version)
		}
		stored[i] = h
	}
	var tables []copyTable
	for _, b := range w.set() {
		if b != nil {
			tables = append(tables, b.copyRows("birth_date"))
		}
	}
	if err := s.db.copyTables(ctx, tables); err != nil {
		return err
	}
	for i, h := range stored {
		for _, f := range done {
			f(i, h)
		}
	}
	return nil
}

// loadWriter returns the writer of a load of hs, with c as each
// household's history entry when given. Columns whose values are the same
// in every row are shared (bound once per statement): the history entry's
// time, actor and text, and the households' times when they all carry the
// same ones, as a load stamps them (now, where a household has none).
func (s *RegistryStore) loadWriter(hs []registry.Household, c *registry.Change, now time.Time) *householdWriter {
	var stamp []time.Time
	if len(hs) > 0 {
		created, updated := loadTimes(&hs[0], now)
		stamp = []time.Time{created, updated}
		for i := range hs[1:] {
			if cr, up := loadTimes(&hs[i+1], now); !cr.Equal(created) || !up.Equal(updated) {
				stamp = nil
				break
			}
		}
	}
	w := s.newWriter(stamp...)
	if c != nil {
		w.chg = s.db.newBulk("household_changes", "id", "household_id", "county", "version").
			share([]string{"at", "actor", "action", "reason", "summary"}, utc(c.At), c.Actor, c.Action, c.Reason, c.Summary)
	}
	return w
}

// loadTimes returns the created and updated times a load gives h.
func loadTimes(h *registry.Household, now time.Time) (created, updated time.Time) {
	created, updated = h.CreatedAt, h.UpdatedAt
	if created.IsZero() {
		created = now
	}
	if updated.IsZero() {
		updated = created
	}
	return created, updated
}

// prepareLoad copies h's slices (IDs are assigned into them) and fills
// the timestamps of a new household (now, where it has none).
func prepareLoad(h registry.Household, now time.Time) registry.Household {
	h.Members = append([]registry.Member(nil), h.Members...)
	h.Incomes = append([]registry.Income(nil), h.Incomes...)
	h.Assets = append([]registry.Asset(nil), h.Assets...)
	h.Expenditures = append([]registry.Expenditure(nil), h.Expenditures...)
	h.Enrolments = append([]registry.Enrolment(nil), h.Enrolments...)
	h.CreatedAt, h.UpdatedAt = loadTimes(&h, now)
	return h
}

// RecordChange appends an entry to a household's history.
func (s *RegistryStore) RecordChange(ctx context.Context, householdID int64, county string, c registry.Change) error {
	_, err := s.db.exec(ctx, `INSERT INTO household_changes (id, household_id, county, version, at, actor, action, reason, summary)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, NewID(), householdID, county, c.Version, utc(c.At), c.Actor, c.Action, c.Reason, c.Summary)
	return err
}

// History returns a household's changes, newest first.
func (s *RegistryStore) History(ctx context.Context, householdID int64) ([]registry.Change, error) {
	rows, err := s.db.query(ctx, `SELECT version, at, actor, action, reason, summary FROM household_changes
		WHERE household_id = ? ORDER BY version DESC, at DESC`, householdID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registry.Change
	for rows.Next() {
		var c registry.Change
		if err := rows.Scan(&c.Version, &c.At, &c.Actor, &c.Action, &c.Reason, &c.Summary); err != nil {
			return nil, translate(err)
		}
		out = append(out, c)
	}
	return out, translate(rows.Err())
}

const memberColumns = `p.id, COALESCE(p.id_number, ''), COALESCE(p.internal_key, ''), p.name, p.sex, p.birth_date, p.relationship,
	p.ethnicity, p.marital, p.disability_category, p.disability_grade, p.disability_cert, p.self_care, p.labour,
	p.serious_illness, p.education, p.employment, p.phone, p.excluded, p.death_date`

func scanMember(sc interface{ Scan(...any) error }, m *registry.Member, extra ...any) error {
	var rel string
	var selfCare int
	err := sc.Scan(append([]any{&m.PersonID, &m.IDNumber, &m.InternalKey, &m.Name, &m.Sex, dateString{&m.BirthDate}, &rel,
		&m.Ethnicity, &m.Marital, &m.Disability.Category, &m.Disability.Grade, &m.Disability.Cert, &selfCare, &m.Labour,
		&m.SeriousIllness, &m.Education, &m.Employment, &m.Phone, &m.Excluded, dateString{&m.DeathDate}}, extra...)...)
	m.Relationship = registry.Relationship(rel)
	m.SelfCare = registry.SelfCare(selfCare)
	return err
}

const householdColumns = `h.id, h.county, h.village, h.area, h.address, h.bank_name, h.bank_account, h.bank_holder,
	h.version, h.created_at, h.updated_at`

func scanHousehold(sc interface{ Scan(...any) error }, h *registry.Household, extra ...any) error {
	var area string
	err := sc.Scan(append([]any{&h.ID, &h.County, &h.Village, &area, &h.Address, &h.Bank.Bank, &h.Bank.Account, &h.Bank.Holder,
		&h.Version, &h.CreatedAt, &h.UpdatedAt}, extra...)...)
	h.Area = registry.Area(area)
	return err
}

// Household returns a household with its members (head first), income,
// assets, expenditure and enrolments.
func (s *RegistryStore) Household(ctx context.Context, id int64) (registry.Household, error) {
	var h registry.Household
	if err := scanHousehold(s.db.queryRow(ctx, `SELECT `+householdColumns+` FROM households h WHERE h.id = ?`, id), &h); err != nil {
		return h, scanOne(err, "家庭")
	}
	rows, err := s.db.query(ctx, `SELECT `+memberColumns+` FROM persons p WHERE p.household_id = ?
		ORDER BY CASE WHEN p.relationship = 'head' THEN 0 ELSE 1 END, p.birth_date, p.id`, id)
	if err != nil {
		return h, err
	}
	for rows.Next() {
		var m registry.Member
		if err := scanMember(rows, &m); err != nil {
			rows.Close()
			return h, translate(err)
		}
		h.Members = append(h.Members, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return h, translate(err)
	}
	if err := s.loadItems(ctx, &h); err != nil {
		return h, err
	}
	return h, nil
}

// loadItems reads a household's income, assets, expenditure and enrolments.
func (s *RegistryStore) loadItems(ctx context.Context, h *registry.Household) error {
	each := func(q string, scan func(*sql.Rows) error) error {
		rows, err := s.db.query(ctx, q, h.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return translate(err)
			}
		}
		return translate(rows.Err())
	}
	err := each(`SELECT id, COALESCE(person_id, 0), kind, amount, per, source FROM income_items WHERE household_id = ? ORDER BY id`,
		func(r *sql.Rows) error {
			var it registry.Income
			var per string
			err := r.Scan(&it.ID, &it.PersonID, &it.Kind, (*int64)(&it.Amount), &per, &it.Source)
			it.Per = registry.Period(per)
			h.Incomes = append(h.Incomes, it)
			return err
		})
	if err != nil {
		return err
	}
	err = each(`SELECT id, COALESCE(person_id, 0), kind, value, vehicle_type, area, reg_no, note FROM assets WHERE household_id = ? ORDER BY id`,
		func(r *sql.Rows) error {
			var a registry.Asset
			err := r.Scan(&a.ID, &a.PersonID, &a.Kind, (*int64)(&a.Value), &a.VehicleType, &a.Area, &a.RegNo, &a.Note)
			h.Assets = append(h.Assets, a)
			return err
		})
	if err != nil {
		return err
	}
	err = each(`SELECT id, kind, amount, per, note FROM expenditures WHERE household_id = ? ORDER BY id`,
		func(r *sql.Rows) error {
			var e registry.Expenditure
			var per string
			err := r.Scan(&e.ID, &e.Kind, (*int64)(&e.Amount), &per, &e.Note)
			e.Per = registry.Period(per)
			h.Expenditures = append(h.Expenditures, e)
			return err
		})
	if err != nil {
		return err
	}
	return each(`SELECT COALESCE(person_id, 0), programme, tier, setting, since, COALESCE(until, '') FROM enrolments WHERE household_id = ? ORDER BY since, id`,
		func(r *sql.Rows) error {
			var e registry.Enrolment
			err := r.Scan(&e.PersonID, &e.Programme, &e.Tier, &e.Setting, &e.Since, &e.Until)
			h.Enrolments = append(h.Enrolments, e)
			return err
		})
}

// PersonByIDNumber returns a person and where their household is.
func (s *RegistryStore) PersonByIDNumber(ctx context.Context, idNumber string) (registry.Person, error) {
	var p registry.Person
	var hh sql.NullInt64
	var village sql.NullString
	err := scanMember(s.db.queryRow(ctx, `SELECT `+memberColumns+`, p.household_id, p.county, h.village
		FROM persons p LEFT JOIN households h ON h.id = p.household_id WHERE p.id_number = ?`, idNumber),
		&p.Member, &hh, &p.County, &village)
	p.HouseholdID, p.Village = hh.Int64, village.String
	return p, scanOne(err, "人员")
}

// HouseholdsOf maps those of ids that belong to a household to it.
func (s *RegistryStore) HouseholdsOf(ctx context.Context, ids []string) (map[string]int64, error) {
	out := map[string]int64{}
	err := queryIn(ctx, s.db, `SELECT id_number, household_id FROM persons WHERE household_id IS NOT NULL AND id_number IN (`, `)`, ids,
		func(rows *sql.Rows) error {
			var id string
			var hh int64
			if err := rows.Scan(&id, &hh); err != nil {
				return err
			}
			out[id] = hh
			return nil
		})
	return out, err
}

// prefixRange turns a prefix into a half-open range [lo, hi) that a plain
// B-tree index serves on both engines (LIKE 'x%' needs special indexes).
func prefixRange(p string) (string, string) {
	return p, p + "\U0010FFFF"
}

// Search finds households by the filter, scoped to the region prefix.
func (s *RegistryStore) Search(ctx context.Context, f registry.SearchFilter) ([]registry.HouseholdRow, int, error) {
	var where []string
	var args []any
	lo, hi := prefixRange(f.RegionPrefix)
	where = append(where, `h.village >= ? AND h.village < ?`)
	args = append(args, lo, hi)
	if f.Area != "" {
		where = append(where, `h.area = ?`)
		args = append(args, string(f.Area))
	}
	if f.Programme != "" {
		cond := `EXISTS (SELECT 1 FROM enrolments e WHERE e.household_id = h.id AND e.programme = ? AND e.since <= ? AND (e.until IS NULL OR e.until > ?))`
		if f.Programme == "none" {
			where = append(where, `NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.household_id = h.id AND e.since <= ? AND (e.until IS NULL OR e.until > ?))`)
			args = append(args, f.Date, f.Date)
		} else {
			where = append(where, cond)
			args = append(args, f.Programme, f.Date, f.Date)
		}
	}
	if f.Term != "" {
		var m string
		switch f.Kind {
		case registry.SearchIDNumber:
			m = `p.id_number = ?`
			args = append(args, f.Term)
		case registry.SearchPhone:
			m = `p.phone = ? AND p.phone <> ''`
			args = append(args, f.Term)
		case registry.SearchName:
			// Names are found through their pinyin index (homophones are
			// then told apart by the characters), which spares the
			// persons table an index of its own on name.
			py, _ := registry.NameKeys(f.Term)
			m = `p.name_py = ? AND p.name = ?`
			args = append(args, py, f.Term)
		case registry.SearchPinyin:
			plo, phi := prefixRange(strings.ToLower(f.Term))
			m = `((p.name_py >= ? AND p.name_py < ?) OR p.name_abbr = ?)`
			args = append(args, plo, phi, strings.ToLower(f.Term))
		default:
			m = `h.address LIKE ?`
			args = append(args, "%"+escapeLike(f.Term)+"%")
		}
		if f.Kind == registry.SearchAddress {
			where = append(where, m)
		} else {
			where = append(where, `h.id IN (SELECT p.household_id FROM persons p WHERE `+m+`)`)
		}
	}
	total := -1
	if f.After == nil {
		if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM households h WHERE `+strings.Join(where, " AND "), args...).Scan(&total); err != nil {
			return nil, 0, translate(err)
		}
	} else {
		where = append(where, `(h.village > ? OR (h.village = ? AND h.id > ?))`)
		args = append(args, f.After.Village, f.After.Village, f.After.ID)
	}
	cond := strings.Join(where, " AND ")
	q := `SELECT ` + householdColumns + `, COALESCE(hp.name, ''), COALESCE(hp.id_number, ''),
		(SELECT COUNT(*) FROM persons c WHERE c.household_id = h.id)
		FROM households h LEFT JOIN persons hp ON hp.household_id = h.id AND hp.relationship = 'head'
		WHERE ` + cond + ` ORDER BY h.village, h.id LIMIT ? OFFSET ?`
	rows, err := s.db.query(ctx, q, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []registry.HouseholdRow
	for rows.Next() {
		var r registry.HouseholdRow
		if err := scanHousehold(rows, &r.Household, &r.HeadName, &r.HeadID, &r.Size); err != nil {
			return nil, 0, translate(err)
		}
		out = append(out, r)
	}
	return out, total, translate(rows.Err())
}

// escapeLike makes user text literal inside LIKE.
func escapeLike(s string) string {
	return strings.NewReplacer(`%`, ``, `_`, ``).Replace(s)
}

// SaveHousehold writes an existing household whole, in one transaction:
// the household row (Conflict unless its version is still expect; the
// version becomes h.Version), members updated or inserted, members no
// longer listed detached (household_id NULL), and income, assets,
// expenditure and enrolments replaced.
func (s *RegistryStore) SaveHousehold(ctx context.Context, h *registry.Household, expect int) error {
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		res, err := s.db.exec(ctx, `UPDATE households SET village = ?, county = ?, area = ?, address = ?, bank_name = ?,
			bank_account = ?, bank_holder = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
			h.Village, h.County, string(h.Area), h.Address, h.Bank.Bank, h.Bank.Account, h.Bank.Holder, h.Version,
			utc(h.UpdatedAt), h.ID, expect)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return stale()
		}
		keep := make([]any, 0, len(h.Members)+1)
		keep = append(keep, h.ID)
		newcomers := s.db.newPersonBulk()
		defer newcomers.close()
		for i := range h.Members {
			m := &h.Members[i]
			full, abbr := registry.NameKeys(m.Name)
			if m.PersonID == 0 {
				m.PersonID = NewID()
				newcomers.add(personRow(nil, m, h, utc(h.UpdatedAt), utc(h.UpdatedAt))...)
			} else if _, err := s.db.exec(ctx, `UPDATE persons SET name = ?, name_py = ?, name_abbr = ?, household_id = ?,
				county = ?, relationship = ?, ethnicity = ?, marital = ?, disability_category = ?, disability_grade = ?,
				disability_cert = ?, self_care = ?, labour = ?, serious_illness = ?, education = ?, employment = ?, phone = ?,
				excluded = ?, death_date = ?, updated_at = ? WHERE id = ?`,
				m.Name, full, abbr, h.ID, h.County, string(m.Relationship), m.Ethnicity, m.Marital, m.Disability.Category,
				m.Disability.Grade, m.Disability.Cert, int(m.SelfCare), m.Labour, m.SeriousIllness, m.Education, m.Employment,
				m.Phone, m.Excluded, nullString(m.DeathDate), utc(h.UpdatedAt), m.PersonID); err != nil {
				return err
			}
			keep = append(keep, m.PersonID)
		}
		if err := newcomers.flush(ctx); err != nil {
			return err
		}
		detach := `UPDATE persons SET household_id = NULL, updated_at = ? WHERE household_id = ?`
		if len(keep) > 1 { // an empty NOT IN () is an error on PostgreSQL
			detach += ` AND id NOT IN (` + placeholders(len(keep)-1) + `)`
		}
		if _, err := s.db.exec(ctx, detach, append([]any{utc(h.UpdatedAt)}, keep...)...); err != nil {
			return err
		}
		for _, t := range []string{"income_items", "assets", "expenditures", "enrolments"} {
			if _, err := s.db.exec(ctx, `DELETE FROM `+t+` WHERE household_id = ?`, h.ID); err != nil {
				return err
			}
		}
		w := s.newWriter()
		set := w.set()
		defer set.close()
		items := *h
		items.Members = nil
		w.addItems(&items, h.Members)
		if err := set.flush(ctx); err != nil {
			return err
		}
		h.Incomes, h.Assets, h.Expenditures, h.Enrolments = items.Incomes, items.Assets, items.Expenditures, items.Enrolments
		return nil
	})
}

// SampleIDNumbers returns up to n resident IDs of persons spread over the
// table, picked from random points of the key range (for benchmarks).
func (s *RegistryStore) SampleIDNumbers(ctx context.Context, n int, rnd func(lo, hi int64) int64) ([]string, error) {
	var lo, hi sql.NullInt64
	if err := s.db.queryRow(ctx, `SELECT MIN(id), MAX(id) FROM persons`).Scan(&lo, &hi); err != nil {
		return nil, translate(err)
	}
	if !lo.Valid {
		return nil, nil
	}
	out := make([]string, 0, n)
	for tries := 0; len(out) < n && tries < 4*n; tries++ {
		var id string
		err := s.db.queryRow(ctx, `SELECT id_number FROM persons WHERE id >= ? AND id_number IS NOT NULL ORDER BY id LIMIT 1`,
			rnd(lo.Int64, hi.Int64)).Scan(&id)
		if err == nil {
			out = append(out, id)
		} else if err != sql.ErrNoRows {
			return nil, translate(err)
		}
	}
	return out, nil
}

// CountPersons counts the persons stored.
func (s *RegistryStore) CountPersons(ctx context.Context, n *int) error {
	return translate(s.db.queryRow(ctx, `SELECT COUNT(*) FROM persons`).Scan(n))
}
