package sqlstore

import (
	"context"
	"strings"
)

// registryTables are the tables a registry bulk load fills.
var registryTables = []string{"households", "persons", "income_items", "assets", "expenditures", "enrolments", "household_changes"}

// DeferIndexes drops the secondary indexes of the registry's tables for a
// bulk load into an empty registry, and returns the function that builds
// them again. Building an index once over sorted data is several times
// cheaper than keeping it up to date row by row. Indexes that back
// constraints (primary keys, UNIQUE) stay, so the load still refuses
// duplicates. When the registry is not empty it does nothing: the
// indexes serve the live system.
func (db *DB) DeferIndexes(ctx context.Context) (rebuild func(context.Context) error, err error) {
	noop := func(context.Context) error { return nil }
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM persons`).Scan(&n); err != nil || n > 0 {
		return noop, translate(err)
	}
	in := "'" + strings.Join(registryTables, "', '") + "'"
	var q string
	if db.dialect == Postgres {
		q = `SELECT i.indexname, i.indexdef FROM pg_indexes i
			WHERE i.schemaname = current_schema() AND i.tablename IN (` + in + `)
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
			AND i.indexdef NOT LIKE 'CREATE UNIQUE%'`
	} else {
		q = `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
			AND tbl_name IN (` + in + `) AND sql NOT LIKE 'CREATE UNIQUE%'`
	}
	rows, err := db.query(ctx, q)
	if err != nil {
		return noop, err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return noop, translate(err)
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	for _, name := range names {
		if _, err := db.exec(ctx, `DROP INDEX `+name); err != nil {
			return noop, err
		}
	}
	return func(ctx context.Context) error {
		for _, def := range defs {
			if _, err := db.exec(ctx, def); err != nil {
				return err
			}
		}
		if db.dialect == Postgres {
			_, err := db.exec(ctx, `ANALYZE`)
			return err
		}
		if _, err := db.exec(ctx, `ANALYZE`); err != nil {
			return err
		}
		return dropStat4(ctx, db.write)
	}, nil
}
