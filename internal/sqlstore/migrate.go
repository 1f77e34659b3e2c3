package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"
)

//go:embed migrations
var migrationFS embed.FS

// migrationNames lists the migration files of a dialect in order.
func migrationNames(d Dialect) ([]string, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations/"+d.String())
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus struct {
	Name    string
	Applied bool
}

// Status lists every embedded migration and whether it has been applied.
func (db *DB) Status(ctx context.Context) ([]MigrationStatus, error) {
	if err := db.ensureMigrationTable(ctx); err != nil {
		return nil, err
	}
	applied, err := db.appliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	names, err := migrationNames(db.dialect)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationStatus, len(names))
	for i, n := range names {
		out[i] = MigrationStatus{Name: n, Applied: applied[n]}
	}
	return out, nil
}

// Pending returns the number of migrations not yet applied.
func (db *DB) Pending(ctx context.Context) (int, error) {
	st, err := db.Status(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range st {
		if !s.Applied {
			n++
		}
	}
	return n, nil
}

// Migrate applies every pending migration, each in its own transaction and
// recorded in schema_migrations. Migrations are append-only: a released
// file is never edited.
func (db *DB) Migrate(ctx context.Context) error {
	if err := db.ensureMigrationTable(ctx); err != nil {
		return err
	}
	applied, err := db.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	names, err := migrationNames(db.dialect)
	if err != nil {
		return err
	}
	for _, name := range names {
		if applied[name] {
			continue
		}
		body, err := migrationFS.ReadFile("migrations/" + db.dialect.String() + "/" + name)
		if err != nil {
			return err
		}
		err = db.WithTx(ctx, func(ctx context.Context) error {
			if _, err := db.writer(ctx).ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", name, err)
			}
			_, err := db.exec(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, name, time.Now().UTC())
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) ensureMigrationTable(ctx context.Context) error {
	_, err := db.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMP NOT NULL)`)
	return err
}

func (db *DB) appliedMigrations(ctx context.Context) (map[string]bool, error) {
	rows, err := db.write.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	m := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, translate(err)
		}
		m[n] = true
	}
	return m, translate(rows.Err())
}
