package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// bulkInsert batches rows into multi-row INSERT statements. Statements
// are prepared once per transaction for batches of the full size and of
// each power of two below it, and a flush of n rows runs as a sum of
// them: no statement is ever parsed twice, which matters to SQLite, whose
// parser is a large share of the cost of a big multi-row INSERT.
//
// add only queues; flush writes. Callers that fill several tables linked
// by foreign keys flush them together, parents first (bulkSet), so that a
// child row never reaches the database before its parent.
type bulkInsert struct {
	db      *DB
	verb    string // "INSERT INTO " or, on SQLite, "INSERT OR ROLLBACK INTO "
	table   string
	cols    []string // the columns every row gives a value of
	ncol    int
	perStmt int
	args    []any
	stmts   map[int]*sql.Stmt // by rows per statement

	// sharedCols take the same values, shared, in every row. On SQLite
	// they are bound once per statement (numbered parameters), which
	// spares the driver a bind, and for text a copy into C memory, per row
	// and column; on PostgreSQL add appends them to each row (COPY needs
	// whole rows).
	sharedCols []string
	shared     []any
	execArgs   []any // the arguments of one statement with shared values

	// short, when set, takes the rows whose last nopt values are all zero
	// (nil, "", 0): those columns are left to their defaults, which must
	// be the same zero values. Most members of an import have no
	// disability, illness, … and bind half the columns.
	short *bulkInsert
	nopt  int
}

// newBulk prepares a bulk insert into table, inside one transaction
// carried by the ctx of its calls.
func (db *DB) newBulk(table string, cols ...string) *bulkInsert {
	// On SQLite a failed row rolls the whole transaction back at once:
	// that spares SQLite a statement journal for every multi-row statement.
	// Callers must therefore return a bulk insert's error, never carry on
	// in the same transaction (WithTx then rolls back, as it would anyway).
	verb := "INSERT INTO "
	if db.dialect == SQLite {
		verb = "INSERT OR ROLLBACK INTO "
	}
	b := &bulkInsert{db: db, verb: verb, table: table, cols: cols, ncol: len(cols)}
	b.size()
	return b
}

// size sets the rows per statement: SQLite allows 32766 parameters a
// statement; more than 512 rows gain nothing measurable.
func (b *bulkInsert) size() {
	b.perStmt = min(30000/(len(b.cols)+len(b.sharedCols)), 512)
}

// share gives the columns cols the values vals in every row (see
// sharedCols). Call it before adding rows.
func (b *bulkInsert) share(cols []string, vals ...any) *bulkInsert {
	if b.db.dialect == Postgres {
		b.cols = append(append([]string(nil), b.cols...), cols...)
		b.ncol = len(b.cols)
	}
	b.sharedCols, b.shared = cols, vals
	if b.short != nil {
		b.short.share(cols, vals...)
	}
	b.size()
	return b
}

// optional makes the last n columns optional (see short). SQLite only:
// COPY on PostgreSQL takes whole rows anyway. Call it before adding rows.
func (b *bulkInsert) optional(n int) *bulkInsert {
	if b.db.dialect != SQLite || n <= 0 || n >= b.ncol {
		return b
	}
	b.short = b.db.newBulk(b.table, b.cols[:b.ncol-n]...)
	b.nopt = n
	if b.sharedCols != nil {
		b.short.share(b.sharedCols, b.shared...)
	}
	return b
}

// add queues one row: the values of cols (not of the shared columns).
func (b *bulkInsert) add(vals ...any) {
	if b.short != nil && allZero(vals[b.ncol-b.nopt:]) {
		b.short.add(vals[:b.ncol-b.nopt]...)
		return
	}
	b.args = append(b.args, vals...)
	if b.db.dialect == Postgres {
		b.args = append(b.args, b.shared...)
	}
}

// allZero reports whether every value is nil, "" or 0.
func allZero(vals []any) bool {
	for _, v := range vals {
		switch x := v.(type) {
		case nil:
		case string:
			if x != "" {
				return false
			}
		case int:
			if x != 0 {
				return false
			}
		case int64:
			if x != 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// ready reports whether a full statement's worth of rows is queued.
func (b *bulkInsert) ready() bool {
	return len(b.args) >= b.perStmt*b.ncol || (b.short != nil && b.short.ready())
}

// statement returns the SQL inserting n rows.
func (b *bulkInsert) statement(n int) string {
	var q strings.Builder
	q.WriteString(b.verb + b.table + " (" + strings.Join(b.cols, ", "))
	if b.db.dialect == SQLite && len(b.sharedCols) > 0 {
		q.WriteString(", " + strings.Join(b.sharedCols, ", "))
	}
	q.WriteString(") VALUES ")
	if b.db.dialect != SQLite || len(b.sharedCols) == 0 {
		q.WriteString(b.db.rebind(repeatRow("("+placeholders(b.ncol)+")", n)))
		return q.String()
	}
	// Each row is "(?, …, ?, ?c+1, …, ?c+k)" for c columns and k shared
	// values: a plain ? takes the number after the largest so far, so the
	// first row's ?c+1… number the shared values c+1…c+k, and every later
	// row refers to them again. Only the shared parameters are named
	// ("?c+1"): the driver looks every parameter's name up in a list of
	// the named ones, which must stay short.
	row := "(" + placeholders(b.ncol)
	for i := range b.sharedCols {
		row += ", ?" + strconv.Itoa(b.ncol+i+1)
	}
	q.WriteString(repeatRow(row+")", n))
	return q.String()
}

// stmt returns the prepared statement inserting n rows.
func (b *bulkInsert) stmt(ctx context.Context, n int) (*sql.Stmt, error) {
	if st, ok := b.stmts[n]; ok {
		return st, nil
	}
	st, err := b.db.writer(ctx).PrepareContext(ctx, b.statement(n))
	if err != nil {
		return nil, translate(err)
	}
	if b.stmts == nil {
		b.stmts = map[int]*sql.Stmt{}
	}
	b.stmts[n] = st
	return st, nil
}

// flush writes every queued row.
func (b *bulkInsert) flush(ctx context.Context) error {
	rows := len(b.args) / b.ncol
	done := 0
	sharedArgs := b.db.dialect == SQLite && len(b.shared) > 0
	for size := b.perStmt; rows > 0; {
		if rows < size {
			size = 1 << (bitLen(rows) - 1) // the largest power of two ≤ rows
		}
		st, err := b.stmt(ctx, size)
		if err != nil {
			return err
		}
		args := b.args[done : done+size*b.ncol]
		if sharedArgs { // the first row, the shared values, the other rows
			b.execArgs = append(append(append(b.execArgs[:0], args[:b.ncol]...), b.shared...), args[b.ncol:]...)
			args = b.execArgs
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return translate(err)
		}
		done += size * b.ncol
		rows -= size
	}
	clear(b.args)
	b.args = b.args[:0]
	clear(b.execArgs)
	if b.short != nil {
		return b.short.flush(ctx)
	}
	return nil
}

func bitLen(n int) int {
	l := 0
	for ; n > 0; n >>= 1 {
		l++
	}
	return l
}

// close releases the prepared statements.
func (b *bulkInsert) close() {
	for _, st := range b.stmts {
		st.Close()
	}
	b.stmts = nil
	if b.short != nil {
		b.short.close()
	}
}

// bulkSet flushes several bulk inserts together, in order (parents
// first), whenever one of them is full.
type bulkSet []*bulkInsert

// maybeFlush flushes the set when any member has a full batch queued.
func (s bulkSet) maybeFlush(ctx context.Context) error {
	for _, b := range s {
		if b != nil && b.ready() {
			return s.flush(ctx)
		}
	}
	return nil
}

func (s bulkSet) flush(ctx context.Context) error {
	for _, b := range s {
		if b == nil {
			continue
		}
		if err := b.flush(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (s bulkSet) close() {
	for _, b := range s {
		if b != nil {
			b.close()
		}
	}
}
