package sqlstore

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
	"safetynet/internal/casework"
)

// CaseworkStore implements casework.Store.
//
// A case is kept whole in cases.data as the JSON encoding of
// casework.Case exactly as the domain declares it (encoding/json with the
// Go field names; the domain types carry no tags, money is in fen, civil
// dates are "YYYY-MM-DD"). Mirror structs would double ~20 types to gain a
// private shape that nobody else reads; the price of the plain encoding is
// that renaming or removing a field of the case types changes the stored
// form, so TestCaseJSONIsStable keeps a golden copy and fails on any
// change: a rename then needs a migration of the stored data (or a custom
// UnmarshalJSON accepting the old name). The columns beside data are
// copies for filtering and are rewritten with it on every save.
type CaseworkStore struct{ db *DB }

var _ casework.Store = (*CaseworkStore)(nil)

// Casework returns the casework store of db.
func (db *DB) Casework() *CaseworkStore { return &CaseworkStore{db} }

const caseColumns = `id, version, data`

func encodeCase(c *casework.Case) (string, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return "", apperr.Errorf("sqlstore: encode case %d: %w", c.ID, err)
	}
	return string(b), nil
}

func scanCase(sc interface{ Scan(...any) error }, c *casework.Case) error {
	var id int64
	var version int
	var data string
	if err := sc.Scan(&id, &version, &data); err != nil {
		return err
	}
	*c = casework.Case{}
	if err := json.Unmarshal([]byte(data), c); err != nil {
		return apperr.Errorf("sqlstore: decode case %d: %w", id, err)
	}
	c.ID, c.Version = id, version
	return nil
}

// caseRow returns the column values of c other than id, version and data.
func caseRow(c *casework.Case, ix casework.Index) []any {
	h := c.Household
	var hh any
	if h.ID != 0 {
		hh = h.ID
	}
	var due any
	if !ix.NextDue.IsZero() {
		due = ix.NextDue.String()
	}
	return []any{h.County(), h.Township(), h.Village, c.Tracking, string(c.Programme), string(c.Flow), string(c.Status),
		hh, nullString(c.Applicant.IDNumber), string(ix.Department), due, utc(c.SubmittedAt), nullTime(c.AcceptedAt), utc(ix.UpdatedAt)}
}

// CreateCase inserts c with a new ID and version 1.
func (s *CaseworkStore) CreateCase(ctx context.Context, c *casework.Case, ix casework.Index) error {
	id, version := NewID(), 1
	saved := *c
	saved.ID, saved.Version = id, version
	data, err := encodeCase(&saved)
	if err != nil {
		return err
	}
	args := append([]any{id}, caseRow(&saved, ix)...)
	args = append(args, version, data)
	if _, err := s.db.exec(ctx, `INSERT INTO cases (id, county, township, village, tracking, programme, flow, status,
		household_id, applicant_id, department, next_due, submitted_at, accepted_at, updated_at, version, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...); err != nil {
		return err
	}
	c.ID, c.Version = id, version
	return nil
}

// Case reads one case.
func (s *CaseworkStore) Case(ctx context.Context, id int64) (casework.Case, error) {
	var c casework.Case
	err := scanCase(s.db.queryRow(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`, id), &c)
	return c, scanOne(err, "案件")
}

// UpdateCase rewrites c if its version is still expect.
func (s *CaseworkStore) UpdateCase(ctx context.Context, c *casework.Case, ix casework.Index, expect int) error {
	saved := *c
	saved.Version = expect + 1
	data, err := encodeCase(&saved)
	if err != nil {
		return err
	}
	args := caseRow(&saved, ix)
	args = append(args, saved.Version, data, c.ID, expect)
	res, err := s.db.exec(ctx, `UPDATE cases SET county = ?, township = ?, village = ?, tracking = ?, programme = ?,
		flow = ?, status = ?, household_id = ?, applicant_id = ?, department = ?, next_due = ?, submitted_at = ?,
		accepted_at = ?, updated_at = ?, version = ?, data = ? WHERE id = ? AND version = ?`, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return translate(err)
	} else if n == 0 {
		var one int
		if err := s.db.queryRow(ctx, `SELECT 1 FROM cases WHERE id = ?`, c.ID).Scan(&one); err != nil {
			return scanOne(err, "案件")
		}
		return stale()
	}
	c.Version = saved.Version
	return nil
}

// CaseByTracking reads the case with a receipt number.
func (s *CaseworkStore) CaseByTracking(ctx context.Context, tracking string) (casework.Case, error) {
	var c casework.Case
	err := scanCase(s.db.queryRow(ctx, `SELECT `+caseColumns+` FROM cases WHERE tracking = ?`, tracking), &c)
	return c, scanOne(err, "案件")
}

// CasesOf returns the cases of an applicant or a household, newest first.
func (s *CaseworkStore) CasesOf(ctx context.Context, idNumber string, householdID int64) ([]casework.Case, error) {
	q := `SELECT ` + caseColumns + ` FROM cases WHERE applicant_id = ?`
	args := []any{idNumber}
	if householdID != 0 {
		// Two index look-ups joined by UNION rather than an OR, which
		// PostgreSQL would answer with a bitmap scan at best.
		q += ` UNION SELECT ` + caseColumns + ` FROM cases WHERE household_id = ?`
		args = append(args, householdID)
	}
	return s.list(ctx, `SELECT * FROM (`+q+`) x ORDER BY id DESC`, args...)
}

func (s *CaseworkStore) list(ctx context.Context, q string, args ...any) ([]casework.Case, error) {
	rows, err := s.db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []casework.Case
	for rows.Next() {
		var c casework.Case
		if err := scanCase(rows, &c); err != nil {
			return nil, translate(err)
		}
		out = append(out, c)
	}
	return out, translate(rows.Err())
}

// Cases returns the cases matching f and their count.
func (s *CaseworkStore) Cases(ctx context.Context, f casework.Filter) ([]casework.Case, int, error) {
	var where []string
	var args []any
	if p := f.RegionPrefix; p != "" {
		if len(p) >= 6 {
			// The county column is the distribution key on Citus: naming it
			// routes the query to one shard.
			where = append(where, `county = ?`)
			args = append(args, p[:6]+"000000")
		}
		lo, hi := prefixRange(p)
		where = append(where, `village >= ? AND village < ?`)
		args = append(args, lo, hi)
	}
	if len(f.Statuses) > 0 {
		where = append(where, `status IN (`+placeholders(len(f.Statuses))+`)`)
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	if f.Programme != "" {
		where = append(where, `programme = ?`)
		args = append(args, string(f.Programme))
	}
	if f.Department != "" {
		where = append(where, `department = ?`)
		args = append(args, string(f.Department))
	}
	if f.NotDepartment != "" {
		where = append(where, `department <> ?`)
		args = append(args, string(f.NotDepartment))
	}
	if !f.DueThrough.IsZero() {
		where = append(where, `next_due IS NOT NULL AND next_due <= ?`)
		args = append(args, f.DueThrough.String())
	}
	cond := ""
	if len(where) > 0 {
		cond = ` WHERE ` + strings.Join(where, ` AND `)
	}
	var total int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM cases`+cond, args...).Scan(&total); err != nil {
		return nil, 0, translate(err)
	}
	q := `SELECT ` + caseColumns + ` FROM cases` + cond + ` ORDER BY CASE WHEN next_due IS NULL THEN 1 ELSE 0 END, next_due, id`
	if f.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	} else if f.Offset > 0 {
		// LIMIT ALL is PostgreSQL's; -1 is SQLite's. Neither is portable,
		// so an offset without a limit takes the largest one both accept.
		q += ` LIMIT ? OFFSET ?`
		args = append(args, int64(1<<62), f.Offset)
	}
	out, err := s.list(ctx, q, args...)
	return out, total, err
}

// NextTrackingSeq takes the next number of a township's day in one
// statement that both engines run atomically: the first call of the day
// inserts 1, every later one increments under the row's lock.
func (s *CaseworkStore) NextTrackingSeq(ctx context.Context, township string, day calendar.Date) (int, error) {
	var n int
	err := s.db.queryRowW(ctx, `INSERT INTO case_sequences (township, day, last) VALUES (?, ?, 1)
		ON CONFLICT (township, day) DO UPDATE SET last = case_sequences.last + 1 RETURNING last`,
		township, day.String()).Scan(&n)
	return n, translate(err)
}

// AddRelative stores a register entry.
func (s *CaseworkStore) AddRelative(ctx context.Context, r *casework.RegisteredRelative) error {
	id := NewID()
	_, err := s.db.exec(ctx, `INSERT INTO staff_relatives (id, county, staff_id, staff_name, staff_role, relative_id,
		relation, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, r.County, r.StaffID, r.StaffName, string(r.StaffRole), r.RelativeID, string(r.Relation), r.CreatedBy, utc(r.CreatedAt))
	if err == nil {
		r.ID = id
	}
	return err
}

const relativeColumns = `id, county, staff_id, staff_name, staff_role, relative_id, relation, created_by, created_at`

func (s *CaseworkStore) relatives(ctx context.Context, q string, args ...any) ([]casework.RegisteredRelative, error) {
	rows, err := s.db.query(ctx, `SELECT `+relativeColumns+` FROM staff_relatives `+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []casework.RegisteredRelative
	for rows.Next() {
		var r casework.RegisteredRelative
		var role, rel string
		var at time.Time
		if err := rows.Scan(&r.ID, &r.County, &r.StaffID, &r.StaffName, &role, &r.RelativeID, &rel, &r.CreatedBy, &at); err != nil {
			return nil, translate(err)
		}
		r.StaffRole, r.Relation, r.CreatedAt = casework.StaffRole(role), casework.Relation(rel), at.UTC()
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// Relatives returns the entries of the counties under countyPrefix.
func (s *CaseworkStore) Relatives(ctx context.Context, countyPrefix string) ([]casework.RegisteredRelative, error) {
	lo, hi := prefixRange(countyPrefix)
	return s.relatives(ctx, `WHERE county >= ? AND county < ? ORDER BY county, staff_id, relative_id, id`, lo, hi)
}

// RelativesOf returns the entries naming any of the IDs as the relative.
func (s *CaseworkStore) RelativesOf(ctx context.Context, idNumbers []string) ([]casework.RegisteredRelative, error) {
	if len(idNumbers) == 0 {
		return nil, nil
	}
	args := make([]any, len(idNumbers))
	for i, id := range idNumbers {
		args[i] = id
	}
	return s.relatives(ctx, `WHERE relative_id IN (`+placeholders(len(args))+`) ORDER BY id`, args...)
}
