package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/funds"
	"safetynet/internal/money"
)

// FundsStore implements funds.Store.
type FundsStore struct{ db *DB }

var _ funds.Store = (*FundsStore)(nil)

// Funds returns the funds store of db.
func (db *DB) Funds() *FundsStore { return &FundsStore{db} }

// LockAccount takes the account's row lock with an upsert, held until the
// transaction ends.
func (s *FundsStore) LockAccount(ctx context.Context, region string, programme funds.Programme, year int) error {
	_, err := s.db.exec(ctx, `INSERT INTO fund_locks (region, programme, year, n) VALUES (?, ?, ?, 1)
		ON CONFLICT (region, programme, year) DO UPDATE SET n = fund_locks.n + 1`, region, string(programme), year)
	return err
}

// where builds the conditions of f over the named columns (regionCols are
// OR-ed: an allocation matches by either end).
func fundsWhere(f funds.Filter, regionCols ...string) (string, []any) {
	var where []string
	var args []any
	if f.Year != 0 {
		where = append(where, "year = ?")
		args = append(args, f.Year)
	}
	if f.Programme != "" {
		where = append(where, "programme = ?")
		args = append(args, string(f.Programme))
	}
	if f.RegionPrefix != "" {
		var or []string
		for _, c := range regionCols {
			or = append(or, c+" LIKE ?")
			args = append(args, f.RegionPrefix+"%")
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

func fundsLimit(q string, n int) string {
	if n > 0 {
		return q + " LIMIT " + strconv.Itoa(n)
	}
	return q
}

// AddBudget inserts b with a new ID.
func (s *FundsStore) AddBudget(ctx context.Context, b *funds.Budget) error {
	id := NewID()
	if _, err := s.db.exec(ctx, `INSERT INTO fund_budgets (id, year, programme, level, region, amount, doc_no, description, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, b.Year, string(b.Programme), string(b.Level), b.Region, int64(b.Amount),
		b.DocNo, b.Description, b.CreatedBy, utc(b.CreatedAt)); err != nil {
		return err
	}
	b.ID = id
	return nil
}

// Budgets lists budgets.
func (s *FundsStore) Budgets(ctx context.Context, f funds.Filter) ([]funds.Budget, error) {
	w, args := fundsWhere(f, "region")
	rows, err := s.db.query(ctx, fundsLimit(`SELECT id, year, programme, level, region, amount, doc_no, description, created_by, created_at
		FROM fund_budgets`+w+` ORDER BY year DESC, region, programme, id`, f.Limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []funds.Budget
	for rows.Next() {
		var b funds.Budget
		var prog, lvl string
		var amt int64
		if err := rows.Scan(&b.ID, &b.Year, &prog, &lvl, &b.Region, &amt, &b.DocNo, &b.Description, &b.CreatedBy, &b.CreatedAt); err != nil {
			return nil, translate(err)
		}
		b.Programme, b.Level, b.Amount, b.CreatedAt = funds.Programme(prog), funds.Level(lvl), money.Money(amt), b.CreatedAt.UTC()
		out = append(out, b)
	}
	return out, translate(rows.Err())
}

// AddAllocation inserts a with a new ID.
func (s *FundsStore) AddAllocation(ctx context.Context, a *funds.Allocation) error {
	id := NewID()
	var pool any
	if a.PoolID != 0 {
		pool = a.PoolID
	}
	if _, err := s.db.exec(ctx, `INSERT INTO fund_allocations (id, year, programme, from_region, to_region, amount, kind, doc_no, note, pool_id, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, a.Year, string(a.Programme), a.From, a.To, int64(a.Amount), string(a.Kind),
		a.DocNo, a.Note, pool, a.CreatedBy, utc(a.CreatedAt)); err != nil {
		return err
	}
	a.ID = id
	return nil
}

// Allocations lists allocations, newest first.
func (s *FundsStore) Allocations(ctx context.Context, f funds.Filter) ([]funds.Allocation, error) {
	w, args := fundsWhere(f, "from_region", "to_region")
	if f.Kind != "" {
		if w == "" {
			w = " WHERE kind = ?"
		} else {
			w += " AND kind = ?"
		}
		args = append(args, string(f.Kind))
	}
	rows, err := s.db.query(ctx, fundsLimit(`SELECT id, year, programme, from_region, to_region, amount, kind, doc_no, note, COALESCE(pool_id, 0), created_by, created_at
		FROM fund_allocations`+w+` ORDER BY created_at DESC, id DESC`, f.Limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []funds.Allocation
	for rows.Next() {
		var a funds.Allocation
		var prog, kind string
		var amt int64
		if err := rows.Scan(&a.ID, &a.Year, &prog, &a.From, &a.To, &amt, &kind, &a.DocNo, &a.Note, &a.PoolID, &a.CreatedBy, &a.CreatedAt); err != nil {
			return nil, translate(err)
		}
		a.Programme, a.Kind, a.Amount, a.CreatedAt = funds.Programme(prog), funds.Kind(kind), money.Money(amt), a.CreatedAt.UTC()
		out = append(out, a)
	}
	return out, translate(rows.Err())
}

const postingColumns = `ref, month, county, programme, amount, source, note, created_by, created_at`

func scanPosting(sc interface{ Scan(...any) error }) (funds.Posting, error) {
	var p funds.Posting
	var amt int64
	var src string
	err := sc.Scan(&p.Ref, &p.Month, &p.County, &p.Programme, &amt, &src, &p.Note, &p.CreatedBy, &p.CreatedAt)
	p.Amount, p.Source, p.CreatedAt = money.Money(amt), funds.Source(src), p.CreatedAt.UTC()
	return p, err
}

// Posting reads one posting; on the writer, so a transaction sees its own.
func (s *FundsStore) Posting(ctx context.Context, ref string) (funds.Posting, error) {
	p, err := scanPosting(s.db.queryRowW(ctx, `SELECT `+postingColumns+` FROM fund_spending WHERE ref = ?`, ref))
	return p, scanOne(err, "支出记录")
}

// AddPosting inserts p.
func (s *FundsStore) AddPosting(ctx context.Context, p *funds.Posting) error {
	_, err := s.db.exec(ctx, `INSERT INTO fund_spending (ref, county, year, month, programme, amount, source, note, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.Ref, p.County, p.Year(), p.Month, p.Programme, int64(p.Amount), string(p.Source),
		p.Note, p.CreatedBy, utc(p.CreatedAt))
	return err
}

// Postings lists postings, newest month first.
func (s *FundsStore) Postings(ctx context.Context, f funds.Filter) ([]funds.Posting, error) {
	w, args := fundsWhere(f, "county")
	if f.Month != "" {
		if w == "" {
			w = " WHERE month = ?"
		} else {
			w += " AND month = ?"
		}
		args = append(args, f.Month)
	}
	rows, err := s.db.query(ctx, fundsLimit(`SELECT `+postingColumns+` FROM fund_spending`+w+` ORDER BY month DESC, county, programme, ref`, f.Limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []funds.Posting
	for rows.Next() {
		p, err := scanPosting(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, p)
	}
	return out, translate(rows.Err())
}

// Totals sums the four parts of every account matching f in four grouped
// queries; the store reads on the writer inside a transaction, so a
// balance check sees the transaction's own rows.
func (s *FundsStore) Totals(ctx context.Context, f funds.Filter) ([]funds.Totals, error) {
	type key struct{ region, prog string }
	acc := map[key]*funds.Totals{}
	var order []key
	get := func(k key) *funds.Totals {
		t, ok := acc[k]
		if !ok {
			t = &funds.Totals{Region: k.region, Programme: funds.Programme(k.prog)}
			acc[k] = t
			order = append(order, k)
		}
		return t
	}
	sum := func(q, col string, add func(*funds.Totals, money.Money)) error {
		w, args := fundsWhere(f, col)
		rows, err := s.txReader(ctx).QueryContext(ctx, s.db.rebind(`SELECT `+col+`, programme, SUM(amount) FROM `+q+w+` GROUP BY `+col+`, programme`), args...)
		if err != nil {
			return translate(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k key
			var n int64
			if err := rows.Scan(&k.region, &k.prog, &n); err != nil {
				return translate(err)
			}
			add(get(k), money.Money(n))
		}
		return translate(rows.Err())
	}
	if err := sum("fund_budgets", "region", func(t *funds.Totals, m money.Money) { t.Budgeted += m }); err != nil {
		return nil, err
	}
	if err := sum("fund_allocations", "to_region", func(t *funds.Totals, m money.Money) { t.In += m }); err != nil {
		return nil, err
	}
	if err := sum("fund_allocations", "from_region", func(t *funds.Totals, m money.Money) { t.Out += m }); err != nil {
		return nil, err
	}
	if err := sum("fund_spending", "county", func(t *funds.Totals, m money.Money) { t.Spent += m }); err != nil {
		return nil, err
	}
	out := make([]funds.Totals, 0, len(order))
	for _, k := range order {
		out = append(out, *acc[k])
	}
	return out, nil
}

// txReader is the transaction in ctx, or the read pool.
func (s *FundsStore) txReader(ctx context.Context) querier { return s.db.reader(ctx) }

// PutScore upserts a score.
func (s *FundsStore) PutScore(ctx context.Context, sc *funds.Score) error {
	var cl any
	if sc.Caseload >= 0 {
		cl = sc.Caseload
	}
	_, err := s.db.exec(ctx, `INSERT INTO fund_scores (year, county, score, caseload, note, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (year, county) DO UPDATE SET score = excluded.score, caseload = excluded.caseload, note = excluded.note,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		sc.Year, sc.County, sc.Tenths, cl, sc.Note, sc.UpdatedBy, utc(sc.UpdatedAt))
	return err
}

// Scores lists a year's scores by county.
func (s *FundsStore) Scores(ctx context.Context, year int, prefix string) ([]funds.Score, error) {
	rows, err := s.db.query(ctx, `SELECT year, county, score, caseload, note, updated_by, updated_at FROM fund_scores
		WHERE year = ? AND county LIKE ? ORDER BY county`, year, prefix+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []funds.Score
	for rows.Next() {
		var sc funds.Score
		var cl sql.NullInt64
		if err := rows.Scan(&sc.Year, &sc.County, &sc.Tenths, &cl, &sc.Note, &sc.UpdatedBy, &sc.UpdatedAt); err != nil {
			return nil, translate(err)
		}
		sc.Caseload = -1
		if cl.Valid {
			sc.Caseload = cl.Int64
		}
		sc.UpdatedAt = sc.UpdatedAt.UTC()
		out = append(out, sc)
	}
	return out, translate(rows.Err())
}

// Caseloads counts the persons of active enrolments per county: members
// counted in the household (not excluded, alive on asOf) of a household
// enrolled as a whole, or enrolled themselves.
func (s *FundsStore) Caseloads(ctx context.Context, prefix string, programme funds.Programme, asOf string) (map[string]int64, error) {
	rows, err := s.db.query(ctx, `SELECT p.county, COUNT(*) FROM persons p
		WHERE p.county LIKE ? AND p.excluded = '' AND (p.death_date IS NULL OR p.death_date > ?)
		AND EXISTS (SELECT 1 FROM enrolments e WHERE e.household_id = p.household_id AND e.programme = ?
			AND (e.person_id IS NULL OR e.person_id = p.id) AND e.since <= ? AND (e.until IS NULL OR e.until > ?))
		GROUP BY p.county`, prefix+"%", asOf, string(programme), asOf, asOf)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var c string
		var n int64
		if err := rows.Scan(&c, &n); err != nil {
			return nil, translate(err)
		}
		out[c] = n
	}
	return out, translate(rows.Err())
}

// AddPool inserts a committed pool with a new ID.
func (s *FundsStore) AddPool(ctx context.Context, p *funds.Pool) error {
	id := NewID()
	saved := *p
	saved.ID = id
	data, err := json.Marshal(saved)
	if err != nil {
		return apperr.Errorf("sqlstore: encode pool: %w", err)
	}
	if _, err := s.db.exec(ctx, `INSERT INTO fund_pools (id, province, year, base, total, work_funds, data, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, p.Province, p.Year, int64(p.Base), int64(p.Total), int64(p.WorkFunds), string(data),
		p.CreatedBy, utc(p.CreatedAt)); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return apperr.Wrap(apperr.Conflict, err, "该年度以奖代补资金已经分配", "the year's incentive pool is already committed")
		}
		return err
	}
	p.ID = id
	return nil
}

// Pool reads a committed pool.
func (s *FundsStore) Pool(ctx context.Context, province string, year int) (funds.Pool, error) {
	var data string
	err := s.db.queryRow(ctx, `SELECT data FROM fund_pools WHERE province = ? AND year = ?`, province, year).Scan(&data)
	if err != nil {
		return funds.Pool{}, scanOne(err, "以奖代补分配结果")
	}
	var p funds.Pool
	if err := json.Unmarshal([]byte(data), &p); err != nil {
		return p, apperr.Errorf("sqlstore: decode pool: %w", err)
	}
	return p, nil
}
