package sqlstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// copyTables loads rows into PostgreSQL tables with COPY, in one
// transaction of its own, tables in order (parents first). COPY is several
// times faster than multi-row INSERTs; it needs the pgx connection itself,
// which database/sql hands out only outside a database/sql transaction,
// so callers use it only when ctx carries none.
func (db *DB) copyTables(ctx context.Context, tables []copyTable) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return translate(err)
	}
	defer conn.Close()
	return translate(conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		for _, t := range tables {
			if len(t.rows) == 0 {
				continue
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
				return err
			}
		}
		return tx.Commit(ctx)
	}))
}

// copyTable is one table's rows for copyTables.
type copyTable struct {
	name string
	cols []string
	rows [][]any
}

// copyRows turns a bulkInsert's queued rows into COPY rows, converting
// the values COPY's binary format will not take as they are: dates given
// as text become time.Time.
func (b *bulkInsert) copyRows(dateCols ...string) copyTable {
	name, cols := b.table, b.cols
	var dates []int
	for i, c := range cols {
		for _, d := range dateCols {
			if c == d {
				dates = append(dates, i)
			}
		}
	}
	rows := make([][]any, 0, len(b.args)/b.ncol)
	for i := 0; i < len(b.args); i += b.ncol {
		row := b.args[i : i+b.ncol : i+b.ncol]
		for _, j := range dates {
			if s, ok := row[j].(string); ok {
				t, err := time.Parse("2006-01-02", s)
				if err == nil {
					row[j] = t
				}
			}
		}
		rows = append(rows, row)
	}
	return copyTable{name: name, cols: cols, rows: rows}
}
