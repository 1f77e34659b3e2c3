// Package sqlstore is the only package that talks to a database driver. It
// opens SQLite (modernc.org/sqlite, pure Go, one writer connection in WAL
// mode) or PostgreSQL (pgx through database/sql) from one DSN, runs the
// embedded numbered migrations of each dialect, carries transactions in the
// context (WithTx), translates driver errors into apperr kinds, and
// implements the Store interfaces that the domain packages declare.
//
// Queries are written once with ? placeholders in the portable subset of
// SQL both engines share, and rebound to $n for PostgreSQL. Every large
// table carries the county code so that on Citus it can be distributed and
// co-located by county.
package sqlstore
