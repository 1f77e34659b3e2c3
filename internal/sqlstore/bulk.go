package sqlstore

import (
	"context"
	"database/sql"
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
	prefix  string // "INSERT INTO t (a, b, c) VALUES "
	row     string // "(?, ?, ?)"
	ncol    int
	perStmt int
	args    []any
	stmts   map[int]*sql.Stmt // by rows per statement
}

// newBulk prepares a bulk insert into table, inside one transaction
// carried by the ctx of its calls.
func (db *DB) newBulk(table string, cols ...string) *bulkInsert {
	per := 30000 / len(cols) // SQLite allows 32766 parameters a statement
	if per > 512 {
		per = 512
	}
	// On SQLite a failed row rolls the whole transaction back at once:
	// that spares SQLite a statement journal for every multi-row statement.
	// Callers must therefore return a bulk insert's error, never carry on
	// in the same transaction (WithTx then rolls back, as it would anyway).
	verb := "INSERT INTO "
	if db.dialect == SQLite {
		verb = "INSERT OR ROLLBACK INTO "
	}
	return &bulkInsert{db: db, ncol: len(cols), perStmt: per,
		prefix: verb + table + " (" + strings.Join(cols, ", ") + ") VALUES ",
		row:    "(" + placeholders(len(cols)) + ")"}
}

// add queues one row.
func (b *bulkInsert) add(vals ...any) { b.args = append(b.args, vals...) }

// ready reports whether a full statement's worth of rows is queued.
func (b *bulkInsert) ready() bool { return len(b.args) >= b.perStmt*b.ncol }

// stmt returns the prepared statement inserting n rows.
func (b *bulkInsert) stmt(ctx context.Context, n int) (*sql.Stmt, error) {
	if st, ok := b.stmts[n]; ok {
		return st, nil
	}
	st, err := b.db.writer(ctx).PrepareContext(ctx, b.db.rebind(b.prefix+repeatRow(b.row, n)))
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
	for size := b.perStmt; rows > 0; {
		if rows < size {
			size = 1 << (bitLen(rows) - 1) // the largest power of two ≤ rows
		}
		st, err := b.stmt(ctx, size)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, b.args[done:done+size*b.ncol]...); err != nil {
			return translate(err)
		}
		done += size * b.ncol
		rows -= size
	}
	clear(b.args)
	b.args = b.args[:0]
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
