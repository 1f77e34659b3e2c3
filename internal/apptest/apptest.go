// Package apptest is the test kit: it opens a fresh, migrated database of
// the engine the environment chooses (SQLite by default; PostgreSQL when
// SAFETYNET_TEST_POSTGRES holds a URL), one per test, so tests run in
// parallel; and it builds a whole application on it for HTTP tests.
package apptest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"safetynet/internal/sqlstore"
)

// PostgresEnv names the variable holding the PostgreSQL URL for tests.
const PostgresEnv = "SAFETYNET_TEST_POSTGRES"

// Engine reports which engine tests run on: "postgres" or "sqlite".
func Engine() string {
	if os.Getenv(PostgresEnv) != "" {
		return "postgres"
	}
	return "sqlite"
}

// DSN returns a DSN for a fresh, empty database for t, removed when t ends.
// On PostgreSQL it is a new schema of the test database.
func DSN(t testing.TB) string {
	t.Helper()
	pg := os.Getenv(PostgresEnv)
	if pg == "" {
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema (is PostgreSQL running at %s?): %v", pg, err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", pg)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	dsn, err := sqlstore.SchemaDSN(pg, schema)
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

// OpenRawDB opens a fresh database for t without migrating it.
func OpenRawDB(t testing.TB) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), DSN(t))
	if err != nil {
		t.Fatalf("open db: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// OpenDB opens a fresh database for t, migrated and seeded with the
// embedded divisions.
func OpenDB(t testing.TB) *sqlstore.DB {
	t.Helper()
	db := OpenRawDB(t)
	if err := db.Setup(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}
