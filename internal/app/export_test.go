package app_test

import (
	"context"

	"safetynet/internal/sqlstore"
)

// sqlstoreExec tampers with rows for tests, through the exported test hook.
func sqlstoreExec(ctx context.Context, db *sqlstore.DB, q string) error {
	return db.ExecForTest(ctx, q)
}
