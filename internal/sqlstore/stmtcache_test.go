package sqlstore_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"safetynet/internal/sqlstore"
)

// Statements are kept prepared on SQLite: outside a transaction on first
// use, inside one once the transaction has ended; either way a statement
// runs in the transaction of its ctx and sees that transaction's writes.
func TestPreparedStatementsFollowTheTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.ExecForTest(ctx, `CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	const ins, count = `INSERT INTO t (k, v) VALUES (?, ?)`, `SELECT COUNT(*) FROM t`
	insertAndCount := func(k int) error {
		return db.WithTx(ctx, func(ctx context.Context) error {
			if err := db.InsertForTest(ctx, ins, k, "x"); err != nil {
				return err
			}
			if n, err := db.CountRowsForTest(ctx, count); err != nil || n != k {
				t.Errorf("inside the transaction: %d rows, %v; want %d", n, err, k)
			}
			return nil
		})
	}
	if err := insertAndCount(1); err != nil { // first use, in a transaction: unprepared
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	// The writer keeps CREATE TABLE (run outside a transaction), then the
	// INSERT and the COUNT first run inside one.
	for _, w := db.CachedStatements(); w < 3; _, w = db.CachedStatements() {
		if time.Now().After(deadline) {
			t.Fatalf("%d writer statements kept after the transaction; want 3", w)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := insertAndCount(2); err != nil { // now prepared, bound to the transaction
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err = db.WithTx(ctx, func(ctx context.Context) error {
		if err := db.InsertForTest(ctx, ins, 3, "y"); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatal(err)
	}
	if n, err := db.CountRowsForTest(ctx, count); err != nil || n != 2 { // read pool, prepared
		t.Fatalf("after a rollback: %d rows, %v", n, err)
	}
	if err := db.InsertForTest(ctx, ins, 3, "z"); err != nil { // writer outside a transaction
		t.Fatal(err)
	}
	if n, err := db.CountRowsForTest(ctx, count); err != nil || n != 3 {
		t.Fatalf("after a write: %d rows, %v", n, err)
	}
	if r, w := db.CachedStatements(); r != 1 || w != 3 {
		t.Fatalf("kept %d read and %d writer statements; want 1 and 3", r, w)
	}
}

// Opening a SQLite database drops ANALYZE's index samples (sqlite_stat4),
// which make SQLite recompile a prepared look-up for every new key.
func TestOpenDropsIndexSamples(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := "sqlite:" + filepath.Join(t.TempDir(), "a.db")
	db, err := sqlstore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`, `CREATE INDEX t_v ON t (v)`,
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) INSERT INTO t SELECT i, 'v' || (i % 37) FROM n`,
		`ANALYZE`} {
		if err := db.ExecForTest(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.CountRowsForTest(ctx, `SELECT COUNT(*) FROM sqlite_stat4`); err != nil || n == 0 {
		t.Fatalf("samples after ANALYZE: %d, %v", n, err)
	}
	db.Close()
	db, err = sqlstore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.CountRowsForTest(ctx, `SELECT COUNT(*) FROM sqlite_stat4`); err != nil || n != 0 {
		t.Fatalf("samples after reopening: %d, %v", n, err)
	}
	if n, err := db.CountRowsForTest(ctx, `SELECT COUNT(*) FROM sqlite_stat1`); err != nil || n == 0 {
		t.Fatalf("averages after reopening: %d, %v", n, err)
	}
}
