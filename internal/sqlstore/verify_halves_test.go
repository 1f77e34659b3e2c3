package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"testing"

	"safetynet/internal/apptest"
	"safetynet/internal/idcard"
	"safetynet/internal/sqlstore"
	"safetynet/internal/verify"
)

// halvesRecords gives the records of rows lo..hi-1 of a vehicles file, a
// person each.
func halvesRecords(t *testing.T, lo, hi int) []verify.Record {
	t.Helper()
	var out []verify.Record
	for line := lo; line < hi; line++ {
		id := apptest.ID("530102", "1960-01-01", line)
		p, err := idcard.Parse(id)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, verify.Record{PID: idcard.Pack(p), IDNumber: id, Line: int32(line),
			Ref: fmt.Sprintf("云A%05d", line), Kind: "小型轿车", Date: "2015-01-01", Amount: 100})
	}
	return out
}

// feed yields pieces, then last.
func feed(pieces [][]verify.Record, last error) func() ([]verify.Record, error) {
	i := 0
	return func() ([]verify.Record, error) {
		if i == len(pieces) {
			return nil, last
		}
		i++
		return pieces[i-1], nil
	}
}

// loadTables counts the load tables of halves left in the schema.
func loadTables(t *testing.T, db *sqlstore.DB) int {
	t.Helper()
	if db.Dialect() != sqlstore.Postgres {
		return 0
	}
	n, err := db.CountRowsForTest(context.Background(), `SELECT COUNT(*) FROM pg_class
		WHERE relnamespace = current_schema()::regnamespace AND relname LIKE 'dataset\_load\_%'`)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLoadInHalvesAllOrNothing loads pieces of a file's two halves in
// turn (PostgreSQL: side by side, see copyHalves): all arrive; a load
// whose file turns out bad after pieces of both halves were copied
// stores nothing and leaves no table behind.
func TestLoadInHalvesAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := apptest.OpenDB(t)
	st := db.Verify()
	pieces := [][]verify.Record{halvesRecords(t, 2, 7), halvesRecords(t, 12, 17), halvesRecords(t, 7, 12), halvesRecords(t, 17, 22)}
	var pids []uint64
	for _, p := range pieces {
		for _, r := range p {
			pids = append(pids, r.PID)
		}
	}
	good := verify.Snapshot{Source: "vehicles", AsOf: "2025-12-31", Rows: 20, SHA256: "good", LoadedBy: "test"}
	if err := st.LoadSnapshot(ctx, &good, 12, feed(pieces, io.EOF)); err != nil {
		t.Fatal(err)
	}
	got, err := st.Records(ctx, []verify.Snapshot{good}, pids)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 20 {
		t.Fatalf("read back %d records; want 20", len(got))
	}
	for i, r := range got { // ordered by person, one record each
		if r.Line != int32(i+2) || r.Ref != fmt.Sprintf("云A%05d", i+2) || r.Snapshot != good.ID {
			t.Fatalf("record %d = %+v", i, r)
		}
	}
	bad := verify.Snapshot{Source: "vehicles", AsOf: "2026-01-31", Rows: 20, SHA256: "bad", LoadedBy: "test"}
	if err := st.LoadSnapshot(ctx, &bad, 12, feed(pieces, verify.ErrBadRows)); !errors.Is(err, verify.ErrBadRows) {
		t.Fatalf("bad load = %v; want ErrBadRows", err)
	}
	snaps, err := st.Snapshots(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(snaps) != 1 || snaps[0].ID != good.ID {
		t.Fatalf("snapshots %+v; want only the good one", snaps)
	}
	if n, err := db.CountRowsForTest(ctx, `SELECT COUNT(*) FROM dataset_records`); err != nil || n != 20 {
		t.Fatalf("dataset_records holds %d rows (%v); want 20", n, err)
	}
	if n := loadTables(t, db); n != 0 {
		t.Fatalf("%d load tables left behind", n)
	}
	// One piece, one COPY. Both ways the tables the rows are in have
	// statistics of their columns (pg_stats, which ANALYZE fills).
	one := verify.Snapshot{Source: "vehicles", AsOf: "2026-02-28", Rows: 5, SHA256: "one", LoadedBy: "test"}
	if err := st.LoadSnapshot(ctx, &one, 0, feed(pieces[:1], io.EOF)); err != nil {
		t.Fatal(err)
	}
	if db.Dialect() == sqlstore.Postgres {
		for _, sn := range []verify.Snapshot{good, one} {
			n, err := db.CountRowsForTest(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM pg_stats WHERE attname = 'pid'
				AND tablename LIKE 'dataset\_records\_%d%%' AND schemaname = current_schema()`, sn.ID))
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 2, false: 1}[sn.ID == good.ID]; n != want {
				t.Errorf("snapshot %d: %d analyzed tables; want %d", sn.ID, n, want)
			}
		}
	}
}

// TestDeadLoadsDropped: a load drops the tables a load that died half-way
// left, and keeps those of a load in progress (its snapshot locked).
func TestDeadLoadsDropped(t *testing.T) {
	t.Parallel()
	if apptest.Engine() != "postgres" {
		t.Skip("load tables are PostgreSQL's")
	}
	ctx := context.Background()
	db := apptest.OpenDB(t)
	dead, live := sqlstore.NewID(), sqlstore.NewID()
	for _, id := range []int64{dead, live} {
		if err := db.ExecForTest(ctx, fmt.Sprintf(`CREATE TABLE dataset_load_%d_0 (LIKE dataset_records)`, id)); err != nil {
			t.Fatal(err)
		}
	}
	other, err := sql.Open("pgx", os.Getenv(apptest.PostgresEnv))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	holder, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, live); err != nil {
		t.Fatal(err)
	}
	load := func(asOf string) {
		t.Helper()
		sn := verify.Snapshot{Source: "vehicles", AsOf: asOf, Rows: 4, SHA256: asOf, LoadedBy: "test"}
		pieces := [][]verify.Record{halvesRecords(t, 2, 4), halvesRecords(t, 4, 6)}
		if err := db.Verify().LoadSnapshot(ctx, &sn, 4, feed(pieces, io.EOF)); err != nil {
			t.Fatal(err)
		}
	}
	load("2025-11-30")
	if n := loadTables(t, db); n != 1 {
		t.Fatalf("%d load tables; want the live one only", n)
	}
	if n, err := db.CountRowsForTest(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM pg_class WHERE relname = 'dataset_load_%d_0'
		AND relnamespace = current_schema()::regnamespace`, live)); err != nil || n != 1 {
		t.Fatalf("the live load's table is gone (%d, %v)", n, err)
	}
	if _, err := holder.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, live); err != nil {
		t.Fatal(err)
	}
	load("2025-12-31")
	if n := loadTables(t, db); n != 0 {
		t.Fatalf("%d load tables left; want none", n)
	}
}
