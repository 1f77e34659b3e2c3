package sqlstore

import "context"

// Exec runs a raw statement, for tests that tamper with rows.
func (db *DB) Exec(ctx context.Context, q string, args ...any) error {
	_, err := db.exec(ctx, q, args...)
	return err
}

// MigrationNames exposes the embedded migration list to tests.
func MigrationNames(d Dialect) ([]string, error) { return migrationNames(d) }
