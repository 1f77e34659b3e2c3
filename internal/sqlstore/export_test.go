package sqlstore

import "context"

// MigrationNames exposes the embedded migration list to tests.
func MigrationNames(d Dialect) ([]string, error) { return migrationNames(d) }

// CachedStatements counts the statements kept prepared per pool.
func (db *DB) CachedStatements() (read, write int) {
	db.stmts.mu.Lock()
	defer db.stmts.mu.Unlock()
	return len(db.stmts.read), len(db.stmts.write)
}

// CountRowsForTest runs a COUNT(*) query through the store's read path.
func (db *DB) CountRowsForTest(ctx context.Context, q string) (int, error) {
	var n int
	err := db.queryRow(ctx, q).Scan(&n)
	return n, err
}

// InsertForTest runs an INSERT through the store's write path.
func (db *DB) InsertForTest(ctx context.Context, q string, args ...any) error {
	_, err := db.exec(ctx, q, args...)
	return err
}
