package sqlstore

import (
	"context"
	"database/sql"
	"strings"
)

// bulkInsert batches rows into multi-row INSERT statements: one prepared
// statement for full batches, reused, and one for the remainder. Batching
// is what makes SQLite reach hundreds of thousands of rows a second.
//
// add only queues; flush writes. Callers that fill several tables linked
// by foreign keys flush them together, parents first, so that a child row
// never reaches the database before its parent.
type bulkInsert struct {
	db      *DB
	prefix  string // "INSERT INTO t (a, b, c) VALUES "
	row     string // "(?, ?, ?)"
	ncol    int
	perStmt int
	args    []any
	full    *sql.Stmt
}

// newBulk prepares a bulk insert into table, inside one transaction
// carried by the ctx of its calls.
func (db *DB) newBulk(table string, cols ...string) *bulkInsert {
	per := 30000 / len(cols) // SQLite allows 32766 parameters a statement
	if per > 500 {
		per = 500
	}
	return &bulkInsert{db: db, ncol: len(cols), perStmt: per,
		prefix: "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ",
		row:    "(" + placeholders(len(cols)) + ")"}
}

// add queues one row.
func (b *bulkInsert) add(vals ...any) { b.args = append(b.args, vals...) }

// ready reports whether a full statement's worth of rows is queued.
func (b *bulkInsert) ready() bool { return len(b.args) >= b.perStmt*b.ncol }

// flush writes every queued row.
func (b *bulkInsert) flush(ctx context.Context) error {
	per := b.perStmt * b.ncol
	done := 0
	for len(b.args)-done >= per {
		if b.full == nil {
			st, err := b.db.writer(ctx).PrepareContext(ctx, b.db.rebind(b.prefix+repeatRow(b.row, b.perStmt)))
			if err != nil {
				return translate(err)
			}
			b.full = st
		}
		if _, err := b.full.ExecContext(ctx, b.args[done:done+per]...); err != nil {
			return translate(err)
		}
		done += per
	}
	if rest := len(b.args) - done; rest > 0 {
		if _, err := b.db.exec(ctx, b.prefix+repeatRow(b.row, rest/b.ncol), b.args[done:]...); err != nil {
			return err
		}
	}
	clear(b.args)
	b.args = b.args[:0]
	return nil
}

// close releases the prepared statement.
func (b *bulkInsert) close() {
	if b.full != nil {
		b.full.Close()
		b.full = nil
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
