package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"safetynet/internal/apperr"
)

// Dialect names the SQL engine behind a DB.
type Dialect uint8

const (
	SQLite Dialect = iota + 1
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// DB is an open database of either engine.
type DB struct {
	dialect Dialect
	dsn     string
	// write is the pool used for writes and transactions. On SQLite it holds
	// a single connection, because SQLite has one writer: queueing in Go is
	// cheaper and clearer than SQLITE_BUSY retries.
	write *sql.DB
	// read serves reads outside a transaction. On SQLite it is a separate
	// pool so that readers never wait behind the writer (WAL); on
	// PostgreSQL it is the same pool as write.
	read *sql.DB

	rebindMu    sync.RWMutex
	rebindCache map[string]string

	stmts stmtCache
}

// Open opens the database named by dsn: "sqlite:PATH" (or a bare path, or
// "file:PATH"), or "postgres://…". It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return openPostgres(ctx, dsn)
	default:
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
		if path == "" {
			return nil, apperr.Field("db", "数据库地址为空", "empty database DSN")
		}
		return openSQLite(ctx, path)
	}
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	// busy_timeout covers the short moments when a checkpoint or another
	// process holds the lock; foreign keys are off by default in SQLite.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
	// The writer gets a 64 MiB page cache so that a bulk load's pages stay
	// in memory until commit instead of spilling to the WAL page by page,
	// and keeps temporary files (the statement journals that every
	// multi-row INSERT in a transaction writes) in memory.
	writeDSN := "file:" + path + "?" + pragmas + "&_pragma=journal_mode(WAL)&_pragma=cache_size(-65536)&_pragma=temp_store(MEMORY)&_txlock=immediate"
	// Readers map the file (up to 1 GiB a connection): a page read is then
	// a memory access instead of a system call and a copy, which is most
	// of a large scan's time.
	readDSN := "file:" + path + "?" + pragmas + "&_pragma=query_only(1)&_pragma=mmap_size(1073741824)"
	w, err := sql.Open("sqlite", writeDSN)
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// Open the writer first: it switches the file to WAL before any reader.
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if err := dropStat4(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", readDSN)
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	return &DB{dialect: SQLite, dsn: "sqlite:" + path, write: w, read: r, rebindCache: map[string]string{}}, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	p.SetMaxOpenConns(16)
	p.SetMaxIdleConns(16)
	p.SetConnMaxIdleTime(5 * time.Minute)
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return nil, apperr.Wrap(apperr.Unavailable, err, "无法连接 PostgreSQL 数据库", "cannot reach the PostgreSQL database")
	}
	return &DB{dialect: Postgres, dsn: dsn, write: p, read: p, rebindCache: map[string]string{}}, nil
}

// Dialect returns the engine of db.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close closes every pool.
func (db *DB) Close() error {
	db.stmts.mu.Lock()
	db.stmts.closed = true
	for _, m := range []map[string]*sql.Stmt{db.stmts.read, db.stmts.write} {
		for _, st := range m {
			st.Close()
		}
	}
	db.stmts.read, db.stmts.write = nil, nil
	db.stmts.mu.Unlock()
	err := db.write.Close()
	if db.read != db.write {
		if e := db.read.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Ping checks that the database answers (used by /readyz).
func (db *DB) Ping(ctx context.Context) error {
	if err := db.read.PingContext(ctx); err != nil {
		return apperr.Wrap(apperr.Unavailable, err, "数据库不可用", "database unavailable")
	}
	return nil
}

// txKey carries the current *sql.Tx in a context.
type txKey struct{}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// WithTx runs fn in a transaction carried by the context fn receives.
// Nested calls reuse the outer transaction. The transaction commits when fn
// returns nil and rolls back otherwise. On PostgreSQL a serialization
// failure (40001) is retried a few times, since fn must be retryable anyway.
//
// With SQLite's single writer, code inside fn must pass fn's ctx to every
// store call; a call made with an outer ctx waits for the writer forever.
func (db *DB) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return fn(ctx)
	}
	for attempt := 0; ; attempt++ {
		err := db.runTx(ctx, fn)
		if err != nil && attempt < 4 && isSerializationFailure(err) {
			continue
		}
		return err
	}
}

func (db *DB) runTx(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
			return
		}
		if cerr := tx.Commit(); cerr != nil {
			err = translate(cerr)
		}
	}()
	return fn(context.WithValue(ctx, txKey{}, tx))
}

// InTx reports whether ctx carries a transaction.
func InTx(ctx context.Context) bool {
	_, ok := ctx.Value(txKey{}).(*sql.Tx)
	return ok
}

// reader returns the transaction in ctx, or the read pool.
func (db *DB) reader(ctx context.Context) querier {
	if tx, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return tx
	}
	return db.read
}

// writer returns the transaction in ctx, or the write pool.
func (db *DB) writer(ctx context.Context) querier {
	if tx, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return tx
	}
	return db.write
}

// exec runs a statement written with ? placeholders.
func (db *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := db.prepared(ctx, query, true); st != nil {
		res, err := st.ExecContext(ctx, args...)
		return res, translate(err)
	}
	res, err := db.writer(ctx).ExecContext(ctx, db.rebind(query), args...)
	return res, translate(err)
}

// query runs a read written with ? placeholders.
func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := db.prepared(ctx, query, false); st != nil {
		rows, err := st.QueryContext(ctx, args...)
		return rows, translate(err)
	}
	rows, err := db.reader(ctx).QueryContext(ctx, db.rebind(query), args...)
	return rows, translate(err)
}

// queryRow runs a single-row read written with ? placeholders. Scan errors
// must go through translate.
func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := db.prepared(ctx, query, false); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.reader(ctx).QueryRowContext(ctx, db.rebind(query), args...)
}

// queryRowW is queryRow on the writer (for INSERT … RETURNING and reads
// that must see the writer's own uncommitted state outside a tx).
func (db *DB) queryRowW(ctx context.Context, query string, args ...any) *sql.Row {
	if st := db.prepared(ctx, query, true); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.writer(ctx).QueryRowContext(ctx, db.rebind(query), args...)
}

// dropStat4 empties sqlite_stat4, the index samples that SQLite's ANALYZE
// collects besides sqlite_stat1's averages. With samples, SQLite recompiles
// a statement that compares an indexed column with a parameter whenever
// the parameter's value changes: every look-up by resident ID was compiled
// anew (13% of the CPU of the look-up benchmark), whatever statements the
// store keeps prepared. The store's reads are key and prefix look-ups that
// the averages plan as well. Readers opened later load the statistics
// without samples; the writer reloads them here.
func dropStat4(ctx context.Context, w *sql.DB) error {
	var n int
	if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat4'`).Scan(&n); err != nil || n == 0 {
		return err
	}
	if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM sqlite_stat4 LIMIT 1)`).Scan(&n); err != nil || n == 0 {
		return err
	}
	if _, err := w.ExecContext(ctx, `DELETE FROM sqlite_stat4`); err != nil {
		return err
	}
	_, err := w.ExecContext(ctx, `ANALYZE sqlite_schema`)
	return err
}

// stmtCache keeps SQLite statements prepared, by SQL text, for each pool.
// SQLite compiles a statement in tens of microseconds, more than a look-up
// by key costs, and the store runs the same few hundred statements over
// and over. (pgx keeps its own cache of prepared statements.)
type stmtCache struct {
	mu      sync.Mutex
	read    map[string]*sql.Stmt
	write   map[string]*sql.Stmt
	warming map[string]bool
	closed  bool
}

// Statements longer than maxStmtText or with more than maxStmtParams
// parameters (IN lists, whose length varies from call to call) are not
// kept, nor more than maxStmts of a pool: past that, statements are
// compiled per call as they would be without a cache.
const (
	maxStmtText   = 1000
	maxStmtParams = 32
	maxStmts      = 256
)

// prepared returns the statement for query ready to run in ctx: on the
// writer when ctx carries a transaction (bound to it) or write is set, on
// the read pool otherwise. It returns nil when query is to run unprepared:
// on PostgreSQL, a long or surplus query, or a first use inside a
// transaction. The single writer connection is then busy with that
// transaction, so the statement is prepared on it in the background, once
// the transaction has ended.
func (db *DB) prepared(ctx context.Context, query string, write bool) *sql.Stmt {
	if db.dialect != SQLite || len(query) > maxStmtText || strings.Count(query, "?") > maxStmtParams {
		return nil
	}
	tx, inTx := ctx.Value(txKey{}).(*sql.Tx)
	c := &db.stmts
	pool, cache := db.read, &c.read
	if write || inTx {
		pool, cache = db.write, &c.write
	}
	c.mu.Lock()
	st, ok := (*cache)[query]
	if !ok && (c.closed || len(*cache) >= maxStmts || (inTx && c.warming[query])) {
		c.mu.Unlock()
		return nil
	}
	if !ok && inTx {
		if c.warming == nil {
			c.warming = map[string]bool{}
		}
		c.warming[query] = true
	}
	c.mu.Unlock()
	if !ok {
		if inTx {
			go db.keep(context.WithoutCancel(ctx), pool, cache, query)
			return nil
		}
		if st = db.keep(ctx, pool, cache, query); st == nil {
			return nil
		}
	}
	if inTx {
		return tx.StmtContext(ctx, st)
	}
	return st
}

// keep prepares query on pool and caches it, unless another caller did
// first or the database is closed.
func (db *DB) keep(ctx context.Context, pool *sql.DB, cache *map[string]*sql.Stmt, query string) *sql.Stmt {
	st, err := pool.PrepareContext(ctx, query)
	c := &db.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.warming, query)
	if err != nil {
		return nil
	}
	if old, ok := (*cache)[query]; ok || c.closed {
		st.Close()
		return old
	}
	if *cache == nil {
		*cache = map[string]*sql.Stmt{}
	}
	(*cache)[query] = st
	return st
}

// rebind turns ? placeholders into $1, $2… for PostgreSQL. Question marks
// inside single-quoted literals are left alone.
func (db *DB) rebind(q string) string {
	if db.dialect != Postgres {
		return q
	}
	db.rebindMu.RLock()
	r, ok := db.rebindCache[q]
	db.rebindMu.RUnlock()
	if ok {
		return r
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n, inStr := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inStr = !inStr
			b.WriteByte(c)
		case c == '?' && !inStr:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	r = b.String()
	db.rebindMu.Lock()
	if len(db.rebindCache) < 4096 {
		db.rebindCache[q] = r
	}
	db.rebindMu.Unlock()
	return r
}

// placeholders returns "?, ?, …" with n marks.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// scanOne translates sql.ErrNoRows into a NotFound error.
func scanOne(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.Wrap(apperr.NotFound, err, "未找到"+what, what+" not found")
	}
	return translate(err)
}

// postgresSchemaDSN returns dsn with search_path set to schema.
func postgresSchemaDSN(dsn, schema string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// SchemaDSN returns a PostgreSQL DSN whose connections use schema; the
// test kit gives each test its own.
func SchemaDSN(dsn, schema string) (string, error) { return postgresSchemaDSN(dsn, schema) }

// errNoRows stands for sql.ErrNoRows where a statement found nothing.
var errNoRows = sql.ErrNoRows

// repeatRow returns n copies of row joined by ", " for multi-row VALUES.
func repeatRow(row string, n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat(row+", ", n-1) + row
}

// ExecForTest runs a raw statement. It exists for tests that tamper with
// rows (the audit chain's tests); production code never calls it.
func (db *DB) ExecForTest(ctx context.Context, q string) error {
	_, err := db.exec(ctx, q)
	return err
}

// InTx reports whether ctx carries a transaction (audit.TxReporter).
func (db *DB) InTx(ctx context.Context) bool { return InTx(ctx) }

// inChunk is how many values one IN list binds: well within both
// engines' limits on bound parameters.
const inChunk = 500

// queryIn runs before + "?, ?, …" + after with vals bound to the IN list,
// inChunk values at a time, and calls scan for every row.
func queryIn[T any](ctx context.Context, db *DB, before, after string, vals []T, scan func(*sql.Rows) error) error {
	args := make([]any, 0, min(len(vals), inChunk))
	for start := 0; start < len(vals); start += inChunk {
		part := vals[start:min(start+inChunk, len(vals))]
		args = args[:0]
		for _, v := range part {
			args = append(args, v)
		}
		rows, err := db.query(ctx, before+placeholders(len(part))+after, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return translate(err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return translate(err)
		}
	}
	return nil
}
