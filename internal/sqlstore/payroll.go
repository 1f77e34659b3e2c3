package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
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

// regularCols are the columns a computed line sets; the others keep their
// defaults (kind regular, no reference, pending): fewer values to bind.
var regularCols = []string{"county", "line_key", "month", "village", "programme", "household_id", "person_id",
	"persons", "tier", "amount", "name", "bank", "account"}

func regularRow(l *payroll.Line) []any {
	return []any{l.County, l.Key, l.Month, l.Village, l.Programme, l.HouseholdID, l.PersonID,
		l.Persons, l.Tier, l.Amount.Fen(), l.Name, l.Bank, l.Account}
}

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

const countyColumns = `month, county, status, computed, lines, total, warnings, breakdown, updated_by, updated_at`

func scanCounty(sc interface{ Scan(...any) error }, c *payroll.County) error {
	var status, breakdown string
	var computed int
	var at sql.NullTime
	err := sc.Scan(&c.Month, &c.County, &status, &computed, &c.Lines, (*int64)(&c.Total), &c.Warnings, &breakdown, &c.UpdatedBy, &at)
	c.Status, c.Computed, c.UpdatedAt = payroll.Status(status), computed == 1, at.Time
	if err == nil && breakdown != "" {
		if err := json.Unmarshal([]byte(breakdown), &c.Breakdown); err != nil {
			return err
		}
		for i := range c.Breakdown {
			c.Breakdown[i].County = c.County
		}
	}
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
// four scans run at once (enrolments, households, persons, income), each
// in table order, then joins them in memory by household, merge-join
// style, with no per-household query and no hash lookups. Each scan
// returns few columns, packed by the database into integers or one text
// (a column is the costly part of a row read through database/sql on
// SQLite); income is read only for the households paid by the gap method.
// Over the whole province the scans read whole tables, which is faster
// than an index range.
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
	const inForce = ` AND programme IN ('dibao', 'tekun') AND since < ? AND (until IS NULL OR until = '' OR until >= ?)`
	sep := "char(31)"
	if s.db.dialect == Postgres {
		sep = "chr(31)"
	}
	type enrolRow struct {
		hh, person int64
		code       int64  // programme*100 + tier*10 + setting
		until      string // the month after the last, "" while open
	}
	type hhRow struct {
		id     int64
		packed string // village, area (u|r), then bank, account and holder separated by \x1f
	}
	type personRow struct {
		hh, id int64
		flags  int64 // self-care bits, 64 excluded, 128 dead before the month, 256 head
		name   string
	}
	type incomeRow struct {
		hh, person, amount int64
		kind               string
		yearly             bool
	}
	type sizeRow struct{ hh, n int64 }
	var (
		enrols  []enrolRow
		hhs     []hhRow
		persons []personRow
		counts  []sizeRow
		incomes []incomeRow
	)
	// On SQLite over the whole province the members are read as sizes and
	// the few that matter (see below): a row is costly there.
	sizes := s.db.dialect == SQLite && len(prefix) <= 2
	if len(prefix) <= 2 {
		// The whole province: arrays sized once from the tables' sizes,
		// not grown (and copied) row by row.
		nh := s.estimate(ctx, "households")
		enrols = make([]enrolRow, 0, s.estimate(ctx, "enrolments"))
		hhs = make([]hhRow, 0, nh)
		if sizes {
			counts = make([]sizeRow, 0, nh)
		} else {
			persons = make([]personRow, 0, s.estimate(ctx, "persons"))
		}
	}
	const personFlags = `self_care + (CASE WHEN excluded = '' THEN 0 ELSE 64 END)
		+ (CASE WHEN death_date IS NOT NULL AND death_date <> '' AND death_date < ? THEN 128 ELSE 0 END)
		+ (CASE WHEN relationship = 'head' THEN 256 ELSE 0 END)`
	var pmu sync.Mutex
	scanPerson := func(rows rowScanner) error {
		var p personRow
		var name sql.NullString
		err := rows.Scan(&p.hh, &p.id, &p.flags, &name)
		p.name = name.String
		pmu.Lock()
		persons = append(persons, p)
		pmu.Unlock()
		return err
	}
	scans := []func() error{
		func() error {
			return s.bulkScan(ctx, `SELECT household_id, COALESCE(person_id, 0),
				(CASE WHEN programme = 'dibao' THEN 100 ELSE 200 END) + (CASE tier WHEN 'A' THEN 10 WHEN 'B' THEN 20 WHEN 'C' THEN 30 ELSE 0 END)
				+ (CASE setting WHEN 'institution' THEN 1 WHEN 'home' THEN 2 ELSE 0 END), until
				FROM enrolments WHERE `+where+inForce, append(slices.Clone(args), next, next),
				func(rows rowScanner) error {
					var e enrolRow
					var until sql.NullString
					err := rows.Scan(&e.hh, &e.person, &e.code, &until)
					e.until = until.String
					enrols = append(enrols, e)
					return err
				})
		},
		func() error {
			return s.bulkScan(ctx, `SELECT id, village || CASE WHEN area = 'urban' THEN 'u' ELSE 'r' END || bank_name || `+sep+` || bank_account || `+sep+` || bank_holder
				FROM households WHERE `+where, args,
				func(rows rowScanner) error {
					var h hhRow
					err := rows.Scan(&h.id, &h.packed)
					hhs = append(hhs, h)
					return err
				})
		},
		func() error {
			if !sizes {
				return s.bulkScan(ctx, `SELECT household_id, id, `+personFlags+`, CASE WHEN relationship = 'head' THEN name END
					FROM persons WHERE `+where+` AND household_id IS NOT NULL`, append([]any{month + "-01"}, args...), scanPerson)
			}
			// SQLite, whole province: the sizes from the household index
			// (a covering scan); the members that matter come next.
			return s.scan(ctx, `SELECT household_id, COUNT(*) FROM persons WHERE household_id IS NOT NULL GROUP BY household_id`, nil,
				func(rows rowScanner) error {
					var z sizeRow
					err := rows.Scan(&z.hh, &z.n)
					counts = append(counts, z)
					return err
				})
		},
		func() error {
			q := `SELECT household_id, COALESCE(person_id, 0), kind, amount, CASE WHEN per = 'year' THEN 1 ELSE 0 END
				FROM income_items WHERE ` + where + ` AND household_id IN (SELECT household_id FROM enrolments
				WHERE ` + where + inForce + ` AND programme = 'dibao' AND tier = '')`
			kinds := map[string]string{}
			return s.bulkScan(ctx, q, append(append(slices.Clone(args), args...), next, next),
				func(rows rowScanner) error {
					var it incomeRow
					var yearly int
					var kind string
					if err := rows.Scan(&it.hh, &it.person, &kind, &it.amount, &yearly); err != nil {
						return err
					}
					k, ok := kinds[kind]
					if !ok {
						k = kind
						kinds[k] = k
					}
					it.kind, it.yearly = k, yearly == 1
					incomes = append(incomes, it)
					return nil
				})
		},
	}
	if sizes {
		// The members who do not count (a small partial index), the 特困
		// persons (by key), and the heads of households whose account
		// names no holder: each a read of its own.
		for _, q := range []string{
			`FROM persons WHERE household_id IS NOT NULL AND (excluded <> '' OR (death_date IS NOT NULL AND death_date <> ''))`,
			`FROM persons WHERE id IN (SELECT person_id FROM enrolments WHERE programme = 'tekun' AND person_id IS NOT NULL)`,
			`FROM persons WHERE relationship = 'head' AND household_id IN (SELECT id FROM households WHERE bank_holder = '')`,
		} {
			scans = append(scans, func() error {
				return s.scan(ctx, `SELECT household_id, id, `+personFlags+`, CASE WHEN relationship = 'head' THEN name END `+q,
					[]any{month + "-01"}, scanPerson)
			})
		}
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
	// Tables come back in rowid order, which follows the households'
	// order of loading: mostly sorted already. Stable sorts keep each
	// household's members and items in table order.
	if !slices.IsSortedFunc(enrols, func(a, b enrolRow) int { return cmp.Compare(a.hh, b.hh) }) {
		slices.SortStableFunc(enrols, func(a, b enrolRow) int { return cmp.Compare(a.hh, b.hh) })
	}
	if !slices.IsSortedFunc(hhs, func(a, b hhRow) int { return cmp.Compare(a.id, b.id) }) {
		slices.SortFunc(hhs, func(a, b hhRow) int { return cmp.Compare(a.id, b.id) })
	}
	if !slices.IsSortedFunc(counts, func(a, b sizeRow) int { return cmp.Compare(a.hh, b.hh) }) {
		slices.SortFunc(counts, func(a, b sizeRow) int { return cmp.Compare(a.hh, b.hh) })
	}
	if sizes {
		// Three reads may name a person twice.
		slices.SortFunc(persons, func(a, b personRow) int { return cmp.Or(cmp.Compare(a.hh, b.hh), cmp.Compare(a.id, b.id)) })
		persons = slices.CompactFunc(persons, func(a, b personRow) bool { return a.hh == b.hh && a.id == b.id })
	} else if !slices.IsSortedFunc(persons, func(a, b personRow) int { return cmp.Compare(a.hh, b.hh) }) {
		slices.SortStableFunc(persons, func(a, b personRow) int { return cmp.Compare(a.hh, b.hh) })
	}
	if !slices.IsSortedFunc(incomes, func(a, b incomeRow) int { return cmp.Compare(a.hh, b.hh) }) {
		slices.SortStableFunc(incomes, func(a, b incomeRow) int { return cmp.Compare(a.hh, b.hh) })
	}
	areas := map[byte]string{'u': string(registry.Urban), 'r': string(registry.Rural)}
	out := map[string][]*payroll.Recipient{}
	recips := make([]payroll.Recipient, 0, min(len(hhs), len(enrols))) // at most one a household with an enrolment
	members := make([]payroll.Member, 0, len(persons))
	items := make([]registry.Income, 0, len(incomes))
	ens := make([]registry.Enrolment, 0, len(enrols))
	hi, pi, ii, zi := 0, 0, 0, 0
	for ei := 0; ei < len(enrols); {
		hh := enrols[ei].hh
		ej := ei
		for ej < len(enrols) && enrols[ej].hh == hh {
			ej++
		}
		for hi < len(hhs) && hhs[hi].id < hh {
			hi++
		}
		for pi < len(persons) && persons[pi].hh < hh {
			pi++
		}
		for ii < len(incomes) && incomes[ii].hh < hh {
			ii++
		}
		for zi < len(counts) && counts[zi].hh < hh {
			zi++
		}
		if hi == len(hhs) || hhs[hi].id != hh || len(hhs[hi].packed) < 13 {
			ei = ej
			continue // the household no longer exists
		}
		packed := hhs[hi].packed
		village := packed[:12]
		county := registry.CountyOf(village)
		if !counties[county] {
			ei = ej
			continue
		}
		bank := strings.SplitN(packed[13:], "\x1f", 3)
		for len(bank) < 3 {
			bank = append(bank, "")
		}
		r := payroll.Recipient{HouseholdID: hh, County: county, Village: village, Area: areas[packed[12]],
			Bank: registry.BankAccount{Bank: bank[0], Account: bank[1], Holder: bank[2]}}
		m0 := len(members)
		for ; pi < len(persons) && persons[pi].hh == hh; pi++ {
			p := &persons[pi]
			m := payroll.Member{PersonID: p.id, Name: p.name, Head: p.flags&256 != 0, Excluded: p.flags&64 != 0,
				SelfCare: registry.SelfCare(p.flags & 63)}
			if p.flags&128 != 0 {
				m.DeathDate = "0000-00-00" // died before the month: not paid for
			}
			members = append(members, m)
		}
		r.Members = members[m0:len(members):len(members)]
		if sizes {
			r.Size = -1 // a household without members: nobody to pay
			if zi < len(counts) && counts[zi].hh == hh {
				r.Size = int(counts[zi].n)
			}
		}
		i0 := len(items)
		for ; ii < len(incomes) && incomes[ii].hh == hh; ii++ {
			it := &incomes[ii]
			per := registry.PerMonth
			if it.yearly {
				per = registry.PerYear
			}
			items = append(items, registry.Income{PersonID: it.person, Kind: it.kind, Amount: money.Money(it.amount), Per: per})
		}
		r.Incomes = items[i0:len(items):len(items)]
		n0 := len(ens)
		for _, e := range enrols[ei:ej] {
			en := registry.Enrolment{PersonID: e.person, Programme: payroll.Dibao, Since: month + "-01", Until: e.until}
			if e.code >= 200 {
				en.Programme = payroll.Tekun
			}
			en.Tier = []string{"", "A", "B", "C"}[(e.code/10)%10]
			en.Setting = []string{"", "institution", "home"}[e.code%10]
			ens = append(ens, en)
		}
		r.Enrolments = ens[n0:len(ens):len(ens)]
		recips = append(recips, r)
		ei = ej
	}
	for i := range recips {
		r := &recips[i]
		out[r.County] = append(out[r.County], r)
	}
	return out, nil
}

// rowScanner is what *sql.Rows and pgx.Rows share.
type rowScanner interface{ Scan(dest ...any) error }

// bulkScan is scan for the large reads: on PostgreSQL, outside a
// transaction, it reads through pgx directly on a connection of its own,
// which spares database/sql's per-value conversions.
func (s *PayrollStore) bulkScan(ctx context.Context, q string, args []any, fn func(rowScanner) error) error {
	if s.db.dialect != Postgres || InTx(ctx) {
		return s.scan(ctx, q, args, fn)
	}
	conn, err := s.db.read.Conn(ctx)
	if err != nil {
		return translate(err)
	}
	defer conn.Close()
	return translate(conn.Raw(func(dc any) error {
		rows, err := dc.(*stdlib.Conn).Conn().Query(ctx, s.db.rebind(q), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := fn(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}))
}

// estimate is about how many rows table holds, from the statistics
// (ANALYZE); 0 when unknown.
func (s *PayrollStore) estimate(ctx context.Context, table string) int {
	q := `SELECT COALESCE(MAX(CAST(stat AS INTEGER)), 0) FROM sqlite_stat1 WHERE tbl = '` + table + `'`
	if s.db.dialect == Postgres {
		q = `SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = to_regclass('` + table + `')`
	}
	var n int64
	if err := s.db.queryRow(ctx, q).Scan(&n); err != nil || n < 0 {
		return 0
	}
	return int(min(n, 1<<26))
}

// scan runs a read and calls fn for each row.
func (s *PayrollStore) scan(ctx context.Context, q string, args []any, fn func(rowScanner) error) error {
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

// Unpaid returns a county's failed lines, and its lines without an
// account in exported months, of months before month, that no earlier
// month has re-issued, with the household's account now.
func (s *PayrollStore) Unpaid(ctx context.Context, month, county string) ([]payroll.Unpaid, error) {
	lo := payroll.MonthKey(month)
	rows, err := s.db.query(ctx, `SELECT l.county, l.line_key, l.month, l.village, l.programme, l.kind, l.household_id, l.person_id,
		l.persons, l.tier, l.amount, l.name, l.bank, l.account, l.ref, l.reason, l.status, l.fail_code, c.status,
		COALESCE(h.bank_name, ''), COALESCE(h.bank_account, ''), COALESCE(h.bank_holder, '')
		FROM payroll_lines l JOIN payroll_counties c ON c.month = l.month AND c.county = l.county
		LEFT JOIN households h ON h.id = l.household_id
		WHERE l.county = ? AND (l.status = 'failed' OR l.account = '') AND l.line_key < ?
		AND (l.status = 'failed' OR c.status IN ('exported', 'reconciled'))
		AND NOT EXISTS (SELECT 1 FROM payroll_lines r WHERE r.county = l.county AND r.ref = l.line_key AND r.kind = 'reissue' AND r.line_key < ?)
		ORDER BY l.line_key`, county, lo, lo)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []payroll.Unpaid
	for rows.Next() {
		var u payroll.Unpaid
		var cs string
		if err := scanLine(rows, &u.Line, &cs, &u.Now.Bank, &u.Now.Account, &u.Now.Holder); err != nil {
			return nil, translate(err)
		}
		u.Status = lineStatus(u.Status, u.Account, payroll.Status(cs))
		out = append(out, u)
	}
	return out, translate(rows.Err())
}

// lineStatus is a line's state as the domain sees it: failed when the
// bank returned it; once its county month is exported, exported, or held
// without an account; pending before.
func lineStatus(own, account string, county payroll.Status) string {
	switch {
	case own == payroll.Failed:
		return payroll.Failed
	case county.Before(payroll.Exported):
		return payroll.Pending
	case account == "":
		return payroll.Held
	}
	return payroll.Sent
}

// countyTotals returns the count, sum and breakdown (JSON) of lines and
// adjustments together.
func countyTotals(county string, lines, adj []payroll.Line) (int, money.Money, string) {
	all := lines
	if len(adj) > 0 {
		all = append(slices.Clone(lines), adj...)
	}
	var total money.Money
	for i := range all {
		total += all[i].Amount
	}
	b, _ := json.Marshal(payroll.Breakdown(county, all))
	return len(all), total, string(b)
}

// adjustments returns the adjustment lines of a county month: keys
// "YYYYMMA…", one range of the primary key.
func (s *PayrollStore) adjustments(ctx context.Context, month, county string) ([]payroll.Line, error) {
	k := payroll.MonthKey(month)
	var out []payroll.Line
	err := s.scan(ctx, `SELECT `+lineColumns+` FROM payroll_lines WHERE county = ? AND line_key >= ? AND line_key < ?`,
		[]any{county, k + "A", k + "B"}, func(rows rowScanner) error {
			var l payroll.Line
			if err := scanLine(rows, &l); err != nil {
				return err
			}
			out = append(out, l)
			return nil
		})
	return out, err
}

// WriteCounty replaces a county month's computed lines and marks it
// computed, in one transaction. On PostgreSQL outside a transaction the
// lines go in by COPY.
func (s *PayrollStore) WriteCounty(ctx context.Context, month, county string, lines []payroll.Line, warnings string, progress func(int) error) error {
	lo, hi := payroll.KeyRange(month)
	if s.db.dialect == Postgres && !InTx(ctx) {
		return s.copyCounty(ctx, month, county, lines, warnings, progress)
	}
	if err := s.BeginMonth(ctx, month, true); err != nil { // the month's partition, attached (PostgreSQL)
		return err
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.db.exec(ctx, `DELETE FROM payroll_lines WHERE county = ? AND line_key >= ? AND line_key < ? AND kind <> 'adjustment'`,
			county, lo, hi); err != nil {
			return err
		}
		reg := s.db.newBulk("payroll_lines", regularCols...)
		other := s.db.newBulk("payroll_lines", lineCols...)
		set := bulkSet{reg, other}
		defer set.close()
		for i := range lines {
			l := &lines[i]
			b := other
			if l.Kind == payroll.Regular && l.Status == payroll.Pending && l.Ref == "" && l.Reason == "" {
				b = reg
				reg.add(regularRow(l)...)
			} else {
				other.add(lineRow(l)...)
			}
			if b.ready() {
				if err := b.flush(ctx); err != nil {
					return err
				}
				if err := progress(i + 1); err != nil {
					return err
				}
			}
		}
		if err := set.flush(ctx); err != nil {
			return err
		}
		if err := progress(len(lines)); err != nil {
			return err
		}
		adj, err := s.adjustments(ctx, month, county)
		if err != nil {
			return err
		}
		return s.markComputed(ctx, s.db.exec, month, county, warnings, lines, adj)
	})
}

func (s *PayrollStore) markComputed(ctx context.Context, exec func(context.Context, string, ...any) (sql.Result, error),
	month, county, warnings string, lines, adj []payroll.Line) error {
	n, total, breakdown := countyTotals(county, lines, adj)
	res, err := exec(ctx, `UPDATE payroll_counties SET lines = ?, total = ?, breakdown = ?, computed = 1, warnings = ?
		WHERE month = ? AND county = ? AND status = 'draft'`, n, total.Fen(), breakdown, warnings, month, county)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.New(apperr.Conflict, "该县本月发放名册已不是草稿", "the county's payroll is no longer a draft")
	}
	return nil
}

// lineText feeds COPY … FROM STDIN with lines in COPY's text format,
// written here directly (a value is a few appends, where the generic
// binary encoding looks up a plan per value), 512 lines at a time, and
// reports progress after each 512; a panic in progress is caught and
// raised again after the transaction is rolled back.
type lineText struct {
	lines    []payroll.Line
	i        int
	buf      []byte // the rows not yet read, within store
	store    []byte
	progress func(int) error
	err      error
	panicked any
}

func (lt *lineText) Read(p []byte) (int, error) {
	for len(lt.buf) == 0 {
		if lt.err != nil {
			return 0, lt.err
		}
		if lt.i >= len(lt.lines) {
			return 0, io.EOF
		}
		b := lt.store[:0]
		for end := min(lt.i+512, len(lt.lines)); lt.i < end; lt.i++ {
			b = appendLineText(b, &lt.lines[lt.i])
		}
		lt.store, lt.buf = b, b
		if lt.i%512 == 0 {
			func() {
				defer func() {
					if p := recover(); p != nil {
						lt.panicked, lt.err = p, fmt.Errorf("progress panicked: %v", p)
					}
				}()
				if err := lt.progress(lt.i); err != nil {
					lt.err = err
				}
			}()
			if lt.err != nil {
				return 0, lt.err
			}
		}
	}
	n := copy(p, lt.buf)
	lt.buf = lt.buf[n:]
	return n, nil
}

// appendLineText appends a line as a row of COPY's text format, its
// columns in the order of lineCols.
func appendLineText(b []byte, l *payroll.Line) []byte {
	for i, v := range [...]string{l.County, l.Key, l.Month, l.Village, l.Programme, l.Kind} {
		if i > 0 {
			b = append(b, '\t')
		}
		b = appendCopyText(b, v)
	}
	for _, n := range [...]int64{l.HouseholdID, l.PersonID, int64(l.Persons)} {
		b = append(b, '\t')
		b = strconv.AppendInt(b, n, 10)
	}
	b = append(b, '\t')
	b = appendCopyText(b, l.Tier)
	b = append(b, '\t')
	b = strconv.AppendInt(b, l.Amount.Fen(), 10)
	for _, v := range [...]string{l.Name, l.Bank, l.Account, l.Ref, l.Reason, l.Status, l.FailCode} {
		b = append(b, '\t')
		b = appendCopyText(b, v)
	}
	return append(b, '\n')
}

// appendCopyText appends a text value escaped for COPY's text format.
func appendCopyText(b []byte, v string) []byte {
	// A plain loop: strings.ContainsAny built its set on every call and
	// cost more than the rest of the row.
	i := 0
	for i < len(v) && v[i] != '\\' && v[i] > '\r' {
		i++
	}
	if i == len(v) {
		return append(b, v...)
	}
	b = append(b, v[:i]...)
	for ; i < len(v); i++ {
		switch c := v[i]; c {
		case '\\':
			b = append(b, '\\', '\\')
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, c)
		}
	}
	return b
}

func (s *PayrollStore) copyCounty(ctx context.Context, month, county string, lines []payroll.Line, warnings string, progress func(int) error) error {
	lo, hi := payroll.KeyRange(month)
	// While the month's table is not yet attached (BeginMonth), the lines
	// are copied into it: it has no index, and no lines of counties not
	// yet computed (a county's lines and its computed mark are committed
	// together; a recompute attaches it first), nor adjustments (AddLine
	// attaches it), so there is nothing to delete or read back.
	table, err := monthTable(month)
	if err != nil {
		return err
	}
	exists, attached, err := s.monthState(ctx, table)
	if err != nil {
		return err
	}
	staged := exists && !attached
	target := pgx.Identifier{"payroll_lines"}
	if staged {
		target = pgx.Identifier{table}
	}
	conn, err := s.db.write.Conn(ctx)
	if err != nil {
		return translate(err)
	}
	defer conn.Close()
	src := &lineText{lines: lines, progress: progress}
	copySQL := `COPY ` + target.Sanitize() + ` (` + strings.Join(lineCols, ", ") + `) FROM STDIN`
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if !staged {
			if _, err := tx.Exec(ctx, `DELETE FROM payroll_lines WHERE county = $1 AND line_key >= $2 AND line_key < $3 AND kind <> 'adjustment'`,
				county, lo, hi); err != nil {
				return err
			}
		}
		if _, err := tx.Conn().PgConn().CopyFrom(ctx, src, copySQL); err != nil {
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
		finish := func(adj []payroll.Line) error {
			if err := s.markComputed(ctx, exec, month, county, warnings, lines, adj); err != nil {
				return err
			}
			return tx.Commit(ctx)
		}
		k := payroll.MonthKey(month)
		var adj []payroll.Line
		if staged {
			return finish(adj)
		}
		rs, err := tx.Query(ctx, `SELECT `+lineColumns+` FROM payroll_lines WHERE county = $1 AND line_key >= $2 AND line_key < $3`, county, k+"A", k+"B")
		if err != nil {
			return err
		}
		for rs.Next() {
			var l payroll.Line
			if err := scanLine(rs, &l); err != nil {
				rs.Close()
				return err
			}
			adj = append(adj, l)
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return err
		}
		return finish(adj)
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

// Writers is 1 on SQLite (one writer) and 3 on PostgreSQL, where
// counties are written side by side.
func (s *PayrollStore) Writers() int {
	if s.db.dialect == Postgres {
		return 3
	}
	return 1
}

// monthTable is the name of a month's partition of payroll_lines on
// PostgreSQL (migration 0012).
func monthTable(month string) (string, error) {
	k := ""
	if len(month) == 7 && month[4] == '-' {
		k = payroll.MonthKey(month)
	}
	for i := 0; i < len(k); i++ {
		if k[i] < '0' || k[i] > '9' {
			k = ""
		}
	}
	if len(k) != 6 {
		return "", apperr.Field("month", "月份格式错误", "malformed month")
	}
	return "payroll_lines_" + k, nil
}

// monthState says whether a month's partition exists and whether it is
// attached (false while a run copies into it, before its index is built).
func (s *PayrollStore) monthState(ctx context.Context, table string) (exists, attached bool, err error) {
	err = s.db.queryRow(ctx, `SELECT relispartition FROM pg_class WHERE oid = to_regclass(?)`, table).Scan(&attached)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, nil
	}
	return err == nil, attached, translate(err)
}

// BeginMonth, on PostgreSQL, creates the month's partition when there is
// none yet: as a bare table (no index) that the run's writers copy into
// side by side and FinishMonths indexes once and attaches. A recompute
// writes into the attached partition (it deletes lines first: that needs
// the index). On SQLite there is nothing to do.
func (s *PayrollStore) BeginMonth(ctx context.Context, month string, recompute bool) error {
	if s.db.dialect != Postgres {
		return nil
	}
	table, err := monthTable(month)
	if err != nil {
		return err
	}
	lo, hi := payroll.KeyRange(month)
	exists, attached, err := s.monthState(ctx, table)
	switch {
	case err != nil:
		return err
	case exists && !attached && recompute:
		return s.FinishMonths(ctx)
	case exists:
		return nil
	case recompute:
		_, err = s.db.exec(ctx, `CREATE TABLE IF NOT EXISTS `+table+` PARTITION OF payroll_lines FOR VALUES FROM ('`+lo+`') TO ('`+hi+`')`)
		return err
	}
	// The check constraint is the partition's bound: ATTACH need not scan
	// the table to prove it.
	_, err = s.db.exec(ctx, `CREATE TABLE IF NOT EXISTS `+table+` (LIKE payroll_lines INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
		CONSTRAINT `+table+`_bound CHECK (line_key >= '`+lo+`' AND line_key < '`+hi+`'))`)
	return err
}

// FinishMonths, on PostgreSQL, builds the primary key of every month's
// table not yet attached and attaches it (the partial indexes are built
// by ATTACH), each in one transaction: a crash leaves the table as it was,
// to be finished by the next run or change of state.
func (s *PayrollStore) FinishMonths(ctx context.Context) error {
	if s.db.dialect != Postgres {
		return nil
	}
	var tables []string
	err := s.scan(ctx, `SELECT relname FROM pg_class WHERE relkind = 'r' AND NOT relispartition
		AND relname ~ '^payroll_lines_[0-9]{6}$' AND pg_table_is_visible(oid) ORDER BY relname`, nil,
		func(rows rowScanner) error {
			var t string
			err := rows.Scan(&t)
			tables = append(tables, t)
			return err
		})
	if err != nil {
		return err
	}
	for _, table := range tables {
		k := strings.TrimPrefix(table, "payroll_lines_")
		err := s.db.WithTx(ctx, func(ctx context.Context) error {
			// Another session may have finished it meanwhile: the lock
			// taken by the first ALTER waits for it, so look again.
			if _, err := s.db.exec(ctx, `LOCK TABLE `+table+` IN ACCESS EXCLUSIVE MODE`); err != nil {
				return err
			}
			var attached bool
			if err := s.db.queryRow(ctx, `SELECT relispartition FROM pg_class WHERE oid = to_regclass(?)`, table).Scan(&attached); err != nil || attached {
				return translate(err)
			}
			for _, q := range []string{
				`ALTER TABLE ` + table + ` ADD PRIMARY KEY (county, line_key)`,
				`ALTER TABLE payroll_lines ATTACH PARTITION ` + table + ` FOR VALUES FROM ('` + k + `') TO ('` + k + `~')`,
				`ALTER TABLE ` + table + ` DROP CONSTRAINT IF EXISTS ` + table + `_bound`,
			} {
				if _, err := s.db.exec(ctx, q); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// SetStatus moves a county's month between states.
func (s *PayrollStore) SetStatus(ctx context.Context, month, county string, from []payroll.Status, to payroll.Status,
	warnings *string, by string, at time.Time) error {
	if err := s.FinishMonths(ctx); err != nil {
		return err
	}
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

// countyStatus returns the state of a county month ("" when none).
func (s *PayrollStore) countyStatus(ctx context.Context, month, county string) (payroll.Status, error) {
	var st string
	err := s.db.queryRow(ctx, `SELECT status FROM payroll_counties WHERE month = ? AND county = ?`, month, county).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return payroll.Status(st), translate(err)
}

// Lines calls fn with a county month's lines by key.
func (s *PayrollStore) Lines(ctx context.Context, month, county string, fn func(*payroll.Line) error) error {
	cs, err := s.countyStatus(ctx, month, county)
	if err != nil {
		return err
	}
	lo, hi := payroll.KeyRange(month)
	return s.scan(ctx, `SELECT `+lineColumns+` FROM payroll_lines WHERE county = ? AND line_key >= ? AND line_key < ? ORDER BY line_key`,
		[]any{county, lo, hi}, func(rows rowScanner) error {
			var l payroll.Line
			if err := scanLine(rows, &l); err != nil {
				return err
			}
			l.Status = lineStatus(l.Status, l.Account, cs)
			return fn(&l)
		})
}

// PaymentLines returns what the bank files of an exported county month
// hold: the lines with an account, by key, only the columns the files
// need.
func (s *PayrollStore) PaymentLines(ctx context.Context, month, county string) ([]payroll.Line, error) {
	var st string
	var n int
	err := s.db.queryRow(ctx, `SELECT status, lines FROM payroll_counties WHERE month = ? AND county = ?`, month, county).Scan(&st, &n)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && payroll.Status(st).Before(payroll.Exported)) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err)
	}
	lo, hi := payroll.KeyRange(month)
	out := make([]payroll.Line, 0, n)
	sep := "char(31)"
	if s.db.dialect == Postgres {
		sep = "chr(31)"
	}
	err = s.bulkScan(ctx, `SELECT line_key || `+sep+` || name || `+sep+` || bank || `+sep+` || account, amount, CASE WHEN status = 'failed' THEN 1 ELSE 0 END
		FROM payroll_lines WHERE county = ? AND line_key >= ? AND line_key < ? AND account <> '' ORDER BY line_key`,
		[]any{county, lo, hi}, func(rows rowScanner) error {
			l := payroll.Line{County: county, Status: payroll.Sent}
			var packed string
			var failed int
			if err := rows.Scan(&packed, (*int64)(&l.Amount), &failed); err != nil {
				return err
			}
			f := strings.SplitN(packed, "\x1f", 4)
			if len(f) != 4 {
				return fmt.Errorf("payroll line %q: malformed", packed)
			}
			l.Key, l.Name, l.Bank, l.Account = f[0], f[1], f[2], f[3]
			if failed == 1 {
				l.Status = payroll.Failed
			}
			out = append(out, l)
			return nil
		})
	return out, err
}

// Line returns one line.
func (s *PayrollStore) Line(ctx context.Context, county, key string) (payroll.Line, error) {
	var l payroll.Line
	err := scanLine(s.db.queryRow(ctx, `SELECT `+lineColumns+` FROM payroll_lines WHERE county = ? AND line_key = ?`, county, key), &l)
	if err != nil {
		return l, scanOne(err, "发放记录")
	}
	cs, err := s.countyStatus(ctx, l.Month, county)
	l.Status = lineStatus(l.Status, l.Account, cs)
	return l, err
}

// AddLine inserts a line and recounts its county month.
func (s *PayrollStore) AddLine(ctx context.Context, l payroll.Line) error {
	// The month's partition, attached (PostgreSQL).
	if err := s.BeginMonth(ctx, l.Month, true); err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.db.exec(ctx, `INSERT INTO payroll_lines (`+lineColumns+`) VALUES (`+placeholders(len(lineCols))+`)`,
			lineRow(&l)...); err != nil {
			return err
		}
		var all []payroll.Line
		if err := s.Lines(ctx, l.Month, l.County, func(x *payroll.Line) error { all = append(all, *x); return nil }); err != nil {
			return err
		}
		n, total, breakdown := countyTotals(l.County, all, nil)
		_, err := s.db.exec(ctx, `UPDATE payroll_counties SET lines = ?, total = ?, breakdown = ? WHERE month = ? AND county = ?`,
			n, total.Fen(), breakdown, l.Month, l.County)
		return err
	})
}

// MarkFailed marks an exported line failed.
func (s *PayrollStore) MarkFailed(ctx context.Context, county, key, code string) error {
	res, err := s.db.exec(ctx, `UPDATE payroll_lines SET status = 'failed', fail_code = ? WHERE county = ? AND line_key = ? AND status = 'pending' AND account <> ''`,
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
// range of the primary key), by programme, kind, tier and line state.
func (s *PayrollStore) Totals(ctx context.Context, month, prefix string) ([]payroll.Total, error) {
	counties, err := s.Counties(ctx, month, prefix)
	if err != nil {
		return nil, err
	}
	lo, hi := payroll.KeyRange(month)
	var out []payroll.Total
	for _, c := range counties {
		var ts []payroll.Total
		idx := map[payroll.Total]int{}
		err := s.scan(ctx, `SELECT programme, kind, tier, status, CASE WHEN account = '' THEN 1 ELSE 0 END, COUNT(*), SUM(persons), SUM(amount)
			FROM payroll_lines WHERE county = ? AND line_key >= ? AND line_key < ?
			GROUP BY programme, kind, tier, status, CASE WHEN account = '' THEN 1 ELSE 0 END`, []any{c.County, lo, hi},
			func(rows rowScanner) error {
				var t payroll.Total
				var noAccount, n, persons int
				var amount int64
				if err := rows.Scan(&t.Programme, &t.Kind, &t.Tier, &t.Status, &noAccount, &n, &persons, &amount); err != nil {
					return err
				}
				acct := ""
				if noAccount == 0 {
					acct = "x"
				}
				t.County, t.Status = c.County, lineStatus(t.Status, acct, c.Status)
				j, ok := idx[t]
				if !ok {
					j = len(ts)
					idx[t] = j
					ts = append(ts, t)
				}
				ts[j].Lines += n
				ts[j].Persons += persons
				ts[j].Amount += money.Money(amount)
				ts[j].NoAccount += noAccount * n
				return nil
			})
		if err != nil {
			return nil, err
		}
		slices.SortFunc(ts, func(a, b payroll.Total) int {
			return cmp.Or(strings.Compare(a.Programme, b.Programme), strings.Compare(a.Kind, b.Kind),
				strings.Compare(a.Tier, b.Tier), strings.Compare(a.Status, b.Status))
		})
		out = append(out, ts...)
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
