package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
	"safetynet/internal/payroll"
	"safetynet/internal/registry"
)

// PayrollStore implements payroll.Store.
type PayrollStore struct{ db *DB }

var _ payroll.Store = (*PayrollStore)(nil)

// Payroll returns the payroll store of db.
func (db *DB) Payroll() *PayrollStore { return &PayrollStore{db} }

var lineCols = []string{"county", "line_key", "month", "village", "programme", "kind", "household_id", "person_id",
	"persons", "tier", "amount", "name", "bank", "account", "ref", "reason", "status", "fail_code"}

const lineColumns = `county, line_key, month, village, programme, kind, household_id, person_id,
	persons, tier, amount, name, bank, account, ref, reason, status, fail_code`

func lineRow(l *payroll.Line) []any {
	return []any{l.County, l.Key, l.Month, l.Village, l.Programme, l.Kind, l.HouseholdID, l.PersonID,
		l.Persons, l.Tier, l.Amount.Fen(), l.Name, l.Bank, l.Account, l.Ref, l.Reason, l.Status, l.FailCode}
}

func scanLine(sc interface{ Scan(...any) error }, l *payroll.Line, extra ...any) error {
	return sc.Scan(append([]any{&l.County, &l.Key, &l.Month, &l.Village, &l.Programme, &l.Kind, &l.HouseholdID, &l.PersonID,
		&l.Persons, &l.Tier, (*int64)(&l.Amount), &l.Name, &l.Bank, &l.Account, &l.Ref, &l.Reason, &l.Status, &l.FailCode}, extra...)...)
}

// ClaimCounties adds the months of counties not yet in a payroll.
func (s *PayrollStore) ClaimCounties(ctx context.Context, month string, counties []string, by string, at time.Time) error {
	for _, c := range counties {
		if _, err := s.db.exec(ctx, `INSERT INTO payroll_counties (month, county, status, computed, updated_by, updated_at)
			VALUES (?, ?, 'draft', 0, ?, ?) ON CONFLICT (month, county) DO NOTHING`, month, c, by, utc(at)); err != nil {
			return err
		}
	}
	return nil
}

// ResetCounties marks draft or checked months to compute again.
func (s *PayrollStore) ResetCounties(ctx context.Context, month string, counties []string, by string, at time.Time) error {
	for _, c := range counties {
		if _, err := s.db.exec(ctx, `UPDATE payroll_counties SET computed = 0, status = 'draft', updated_by = ?, updated_at = ?
			WHERE month = ? AND county = ? AND status IN ('draft', 'checked')`, by, utc(at), month, c); err != nil {
			return err
		}
	}
	return nil
}

const countyColumns = `month, county, status, computed, lines, total, warnings, updated_by, updated_at`

func scanCounty(sc interface{ Scan(...any) error }, c *payroll.County) error {
	var status string
	var computed int
	var at sql.NullTime
	err := sc.Scan(&c.Month, &c.County, &status, &computed, &c.Lines, (*int64)(&c.Total), &c.Warnings, &c.UpdatedBy, &at)
	c.Status, c.Computed, c.UpdatedAt = payroll.Status(status), computed == 1, at.Time
	return err
}

// Counties returns a month's counties within prefix.
func (s *PayrollStore) Counties(ctx context.Context, month, prefix string) ([]payroll.County, error) {
	lo, hi := prefixRange(prefix)
	rows, err := s.db.query(ctx, `SELECT `+countyColumns+` FROM payroll_counties
		WHERE month = ? AND county >= ? AND county < ? ORDER BY county`, month, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []payroll.County
	for rows.Next() {
		var c payroll.County
		if err := scanCounty(rows, &c); err != nil {
			return nil, translate(err)
		}
		out = append(out, c)
	}
	return out, translate(rows.Err())
}

// Months lists the payroll months within prefix, newest first.
func (s *PayrollStore) Months(ctx context.Context, prefix string) ([]payroll.MonthSummary, error) {
	lo, hi := prefixRange(prefix)
	rows, err := s.db.query(ctx, `SELECT month, status, computed, lines, total FROM payroll_counties
		WHERE county >= ? AND county < ? ORDER BY month DESC, county`, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []payroll.MonthSummary
	for rows.Next() {
		var month, status string
		var computed, lines int
		var total int64
		if err := rows.Scan(&month, &status, &computed, &lines, &total); err != nil {
			return nil, translate(err)
		}
		if len(out) == 0 || out[len(out)-1].Month != month {
			out = append(out, payroll.MonthSummary{Month: month, Status: payroll.Reconciled})
		}
		m := &out[len(out)-1]
		m.Counties++
		m.Computed += computed
		m.Lines += lines
		m.Total += money.Money(total)
		if payroll.Status(status).Before(m.Status) {
			m.Status = payroll.Status(status)
		}
	}
	return out, translate(rows.Err())
}

// Recipients reads the households with an enrolment in force in month in
// four scans (enrolments, households, persons, income) joined in memory;
// the last three run in parallel. Over the whole province the scans read
// whole tables, which is faster than an index range.
func (s *PayrollStore) Recipients(ctx context.Context, month, prefix string, counties map[string]bool) (map[string][]*payroll.Recipient, error) {
	first, err := time.Parse("2006-01", month)
	if err != nil {
		return nil, apperr.Field("month", "月份格式错误", "malformed month")
	}
	next := first.AddDate(0, 1, 0).Format("2006-01-02")
	where, args := "1 = 1", []any{}
	if len(prefix) > 2 {
		lo, hi := prefixRange(prefix)
		where, args = "county >= ? AND county < ?", []any{lo, hi}
	}
	byID := map[int64]*payroll.Recipient{}
	rows, err := s.db.query(ctx, `SELECT household_id, COALESCE(person_id, 0), programme, tier, setting, since, COALESCE(until, ''), county
		FROM enrolments WHERE `+where+` AND programme IN ('dibao', 'tekun') AND since < ? AND (until IS NULL OR until = '' OR until >= ?)`,
		append(args, next, next)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var hh int64
		var e registry.Enrolment
		var county string
		if err := rows.Scan(&hh, &e.PersonID, &e.Programme, &e.Tier, &e.Setting, &e.Since, &e.Until, &county); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		if !counties[county] {
			continue
		}
		r := byID[hh]
		if r == nil {
			r = &payroll.Recipient{HouseholdID: hh}
			byID[hh] = r
		}
		r.Enrolments = append(r.Enrolments, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	scans := []func() error{
		func() error {
			return s.scan(ctx, `SELECT id, county, village, area, bank_name, bank_account, bank_holder FROM households WHERE `+where, args,
				func(rows *sql.Rows) error {
					var id int64
					var h payroll.Recipient
					if err := rows.Scan(&id, &h.County, &h.Village, &h.Area, &h.Bank.Bank, &h.Bank.Account, &h.Bank.Holder); err != nil {
						return err
					}
					if r := byID[id]; r != nil {
						r.County, r.Village, r.Area, r.Bank = h.County, h.Village, h.Area, h.Bank
					}
					return nil
				})
		},
		func() error {
			return s.scan(ctx, `SELECT household_id, id, name, relationship, self_care, excluded, COALESCE(death_date, '')
				FROM persons WHERE `+where+` AND household_id IS NOT NULL`, args,
				func(rows *sql.Rows) error {
					var hh int64
					var m payroll.Member
					var rel, excluded string
					var selfCare int
					if err := rows.Scan(&hh, &m.PersonID, &m.Name, &rel, &selfCare, &excluded, &m.DeathDate); err != nil {
						return err
					}
					if r := byID[hh]; r != nil {
						m.Head, m.Excluded, m.SelfCare = rel == "head", excluded != "", registry.SelfCare(selfCare)
						r.Members = append(r.Members, m)
					}
					return nil
				})
		},
		func() error {
			return s.scan(ctx, `SELECT household_id, COALESCE(person_id, 0), kind, amount, per FROM income_items WHERE `+where, args,
				func(rows *sql.Rows) error {
					var hh int64
					var it registry.Income
					var per string
					if err := rows.Scan(&hh, &it.PersonID, &it.Kind, (*int64)(&it.Amount), &per); err != nil {
						return err
					}
					if r := byID[hh]; r != nil {
						it.Per = registry.Period(per)
						r.Incomes = append(r.Incomes, it)
					}
					return nil
				})
		},
	}
	errs := make([]error, len(scans))
	var wg sync.WaitGroup
	for i, f := range scans {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f() }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	out := map[string][]*payroll.Recipient{}
	for _, r := range byID {
		if r.County == "" {
			continue // enrolment of a household that no longer exists
		}
		out[r.County] = append(out[r.County], r)
	}
	for _, rs := range out {
		sortRecipients(rs)
	}
	return out, nil
}

func sortRecipients(rs []*payroll.Recipient) {
	// Household IDs are unique: a plain sort gives one order.
	if len(rs) < 2 {
		return
	}
	quick := func(a, b *payroll.Recipient) int {
		switch {
		case a.HouseholdID < b.HouseholdID:
			return -1
		case a.HouseholdID > b.HouseholdID:
			return 1
		}
		return 0
	}
	slices.SortFunc(rs, quick)
}

// scan runs a read and calls fn for each row.
func (s *PayrollStore) scan(ctx context.Context, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := s.db.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return translate(err)
		}
	}
	return translate(rows.Err())
}

// Unpaid returns a county's failed or held lines of earlier months not
// yet re-issued, with the household's account now.
func (s *PayrollStore) Unpaid(ctx context.Context, month, county string) ([]payroll.Unpaid, error) {
	lo := payroll.MonthKey(month)
	rows, err := s.db.query(ctx, `SELECT l.county, l.line_key, l.month, l.village, l.programme, l.kind, l.household_id, l.person_id,
		l.persons, l.tier, l.amount, l.name, l.bank, l.account, l.ref, l.reason, l.status, l.fail_code,
		COALESCE(h.bank_name, ''), COALESCE(h.bank_account, ''), COALESCE(h.bank_holder, '')
		FROM payroll_lines l LEFT JOIN households h ON h.id = l.household_id
		WHERE l.county = ? AND l.status IN ('failed', 'held') AND l.line_key < ?
		AND NOT EXISTS (SELECT 1 FROM payroll_lines r WHERE r.county = l.county AND r.ref = l.line_key AND r.kind = 'reissue' AND r.line_key < ?)
		ORDER BY l.line_key`, county, lo, lo)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []payroll.Unpaid
	for rows.Next() {
		var u payroll.Unpaid
		if err := scanLine(rows, &u.Line, &u.Now.Bank, &u.Now.Account, &u.Now.Holder); err != nil {
			return nil, translate(err)
		}
		out = append(out, u)
	}
	return out, translate(rows.Err())
}

const recount = `UPDATE payroll_counties SET
	lines = (SELECT COUNT(*) FROM payroll_lines WHERE county = ? AND line_key >= ? AND line_key < ?),
	total = (SELECT COALESCE(SUM(amount), 0) FROM payroll_lines WHERE county = ? AND line_key >= ? AND line_key < ?)`

// WriteCounty replaces a county month's computed lines and marks it
// computed, in one transaction. On PostgreSQL outside a transaction the
// lines go in by COPY.
func (s *PayrollStore) WriteCounty(ctx context.Context, month, county string, lines []payroll.Line, warnings string, progress func(int) error) error {
	lo, hi := payroll.KeyRange(month)
	if s.db.dialect == Postgres && !InTx(ctx) {
		return s.copyCounty(ctx, month, county, lines, warnings, progress)
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.db.exec(ctx, `DELETE FROM payroll_lines WHERE county = ? AND line_key >= ? AND line_key < ? AND kind <> 'adjustment'`,
			county, lo, hi); err != nil {
			return err
		}
		b := s.db.newBulk("payroll_lines", lineCols...)
		defer b.close()
		for i := range lines {
			b.add(lineRow(&lines[i])...)
			if b.ready() {
				if err := b.flush(ctx); err != nil {
					return err
				}
				if err := progress(i + 1); err != nil {
					return err
				}
			}
		}
		if err := b.flush(ctx); err != nil {
			return err
		}
		if err := progress(len(lines)); err != nil {
			return err
		}
		return s.markComputed(ctx, s.db.exec, month, county, warnings)
	})
}

func (s *PayrollStore) markComputed(ctx context.Context, exec func(context.Context, string, ...any) (sql.Result, error),
	month, county, warnings string) error {
	lo, hi := payroll.KeyRange(month)
	res, err := exec(ctx, recount+`, computed = 1, warnings = ? WHERE month = ? AND county = ? AND status = 'draft'`,
		county, lo, hi, county, lo, hi, warnings, month, county)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.New(apperr.Conflict, "该县本月发放名册已不是草稿", "the county's payroll is no longer a draft")
	}
	return nil
}

// lineSource feeds COPY and reports progress every 512 rows; a panic in
// progress is caught and re-raised after the transaction is rolled back.
type lineSource struct {
	lines    []payroll.Line
	i        int
	progress func(int) error
	err      error
	panicked any
}

func (ls *lineSource) Next() bool {
	if ls.err != nil || ls.i >= len(ls.lines) {
		return false
	}
	ls.i++
	if ls.i%512 == 0 {
		func() {
			defer func() {
				if p := recover(); p != nil {
					ls.panicked, ls.err = p, fmt.Errorf("progress panicked: %v", p)
				}
			}()
			ls.err = ls.progress(ls.i)
		}()
		if ls.err != nil {
			return false
		}
	}
	return true
}

func (ls *lineSource) Values() ([]any, error) { return lineRow(&ls.lines[ls.i-1]), nil }
func (ls *lineSource) Err() error             { return ls.err }

func (s *PayrollStore) copyCounty(ctx context.Context, month, county string, lines []payroll.Line, warnings string, progress func(int) error) error {
	lo, hi := payroll.KeyRange(month)
	conn, err := s.db.write.Conn(ctx)
	if err != nil {
		return translate(err)
	}
	defer conn.Close()
	src := &lineSource{lines: lines, progress: progress}
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, `DELETE FROM payroll_lines WHERE county = $1 AND line_key >= $2 AND line_key < $3 AND kind <> 'adjustment'`,
			county, lo, hi); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"payroll_lines"}, lineCols, src); err != nil {
			if src.err != nil {
				return src.err
			}
			return err
		}
		if src.err != nil {
			return src.err
		}
		if err := progress(len(lines)); err != nil {
			return err
		}
		exec := func(ctx context.Context, q string, args ...any) (sql.Result, error) {
			tag, err := tx.Exec(ctx, s.db.rebind(q), args...)
			return rowsAffected(tag.RowsAffected()), err
		}
		if err := s.markComputed(ctx, exec, month, county, warnings); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	if src.panicked != nil {
		panic(src.panicked)
	}
	return translate(err)
}

// rowsAffected is a sql.Result for pgx command tags.
type rowsAffected int64

func (r rowsAffected) LastInsertId() (int64, error) { return 0, nil }
func (r rowsAffected) RowsAffected() (int64, error) { return int64(r), nil }

// SetStatus moves a county's month between states.
func (s *PayrollStore) SetStatus(ctx context.Context, month, county string, from []payroll.Status, to payroll.Status,
	warnings *string, by string, at time.Time) error {
	args := []any{string(to), by, utc(at)}
	set := ""
	if warnings != nil {
		set = ", warnings = ?"
		args = append(args, *warnings)
	}
	args = append(args, month, county)
	for _, f := range from {
		args = append(args, string(f))
	}
	res, err := s.db.exec(ctx, `UPDATE payroll_counties SET status = ?, updated_by = ?, updated_at = ?`+set+`
		WHERE month = ? AND county = ? AND status IN (`+placeholders(len(from))+`)`, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.New(apperr.Conflict, "发放名册状态已改变，请刷新", "the payroll's state has changed")
	}
	return nil
}

// Lines calls fn with a county month's lines by key.
func (s *PayrollStore) Lines(ctx context.Context, month, county string, fn func(*payroll.Line) error) error {
	lo, hi := payroll.KeyRange(month)
	return s.scan(ctx, `SELECT `+lineColumns+` FROM payroll_lines WHERE county = ? AND line_key >= ? AND line_key < ? ORDER BY line_key`,
		[]any{county, lo, hi}, func(rows *sql.Rows) error {
			var l payroll.Line
			if err := scanLine(rows, &l); err != nil {
				return err
			}
			return fn(&l)
		})
}

// Line returns one line.
func (s *PayrollStore) Line(ctx context.Context, county, key string) (payroll.Line, error) {
	var l payroll.Line
	err := scanLine(s.db.queryRow(ctx, `SELECT `+lineColumns+` FROM payroll_lines WHERE county = ? AND line_key = ?`, county, key), &l)
	return l, scanOne(err, "发放记录")
}

// AddLine inserts a line and recounts its county month.
func (s *PayrollStore) AddLine(ctx context.Context, l payroll.Line) error {
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.db.exec(ctx, `INSERT INTO payroll_lines (`+lineColumns+`) VALUES (`+placeholders(len(lineCols))+`)`,
			lineRow(&l)...); err != nil {
			return err
		}
		lo, hi := payroll.KeyRange(l.Month)
		_, err := s.db.exec(ctx, recount+` WHERE month = ? AND county = ?`, l.County, lo, hi, l.County, lo, hi, l.Month, l.County)
		return err
	})
}

// MarkExported marks a county month's pending lines exported, or held
// without an account.
func (s *PayrollStore) MarkExported(ctx context.Context, month, county string) error {
	lo, hi := payroll.KeyRange(month)
	_, err := s.db.exec(ctx, `UPDATE payroll_lines SET status = CASE WHEN account = '' THEN 'held' ELSE 'exported' END
		WHERE county = ? AND line_key >= ? AND line_key < ? AND status = 'pending'`, county, lo, hi)
	return err
}

// MarkFailed marks an exported line failed.
func (s *PayrollStore) MarkFailed(ctx context.Context, county, key, code string) error {
	res, err := s.db.exec(ctx, `UPDATE payroll_lines SET status = 'failed', fail_code = ? WHERE county = ? AND line_key = ? AND status = 'exported'`,
		code, county, key)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.New(apperr.Conflict, "该笔发放状态已改变", "the payment's state has changed")
	}
	return nil
}

// Totals sums a month's lines within prefix, county by county (each one
// range of the primary key).
func (s *PayrollStore) Totals(ctx context.Context, month, prefix string) ([]payroll.Total, error) {
	counties, err := s.Counties(ctx, month, prefix)
	if err != nil {
		return nil, err
	}
	lo, hi := payroll.KeyRange(month)
	var out []payroll.Total
	for _, c := range counties {
		err := s.scan(ctx, `SELECT programme, kind, tier, status, COUNT(*), SUM(persons), SUM(amount),
			SUM(CASE WHEN account = '' THEN 1 ELSE 0 END)
			FROM payroll_lines WHERE county = ? AND line_key >= ? AND line_key < ?
			GROUP BY programme, kind, tier, status ORDER BY programme, kind, tier, status`, []any{c.County, lo, hi},
			func(rows *sql.Rows) error {
				t := payroll.Total{County: c.County}
				if err := rows.Scan(&t.Programme, &t.Kind, &t.Tier, &t.Status, &t.Lines, &t.Persons, (*int64)(&t.Amount), &t.NoAccount); err != nil {
					return err
				}
				out = append(out, t)
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Payee returns a household's county, village, account and head.
func (s *PayrollStore) Payee(ctx context.Context, householdID int64) (payroll.Recipient, error) {
	var r payroll.Recipient
	err := s.db.queryRow(ctx, `SELECT id, county, village, area, bank_name, bank_account, bank_holder FROM households WHERE id = ?`, householdID).
		Scan(&r.HouseholdID, &r.County, &r.Village, &r.Area, &r.Bank.Bank, &r.Bank.Account, &r.Bank.Holder)
	if err != nil {
		return r, scanOne(err, "家庭")
	}
	var name string
	err = s.db.queryRow(ctx, `SELECT name FROM persons WHERE household_id = ? AND relationship = 'head'`, householdID).Scan(&name)
	if err == nil {
		r.Members = []payroll.Member{{Name: name, Head: true}}
	}
	return r, nil
}
