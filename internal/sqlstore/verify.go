package sqlstore

import (
	"context"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"safetynet/internal/money"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

// VerifyStore implements verify.Store: the department snapshots in
// dataset_snapshots, their records in the narrow dataset_records table
// (see migration 0007), and the look-ups of a single check.
type VerifyStore struct{ db *DB }

var _ verify.Store = (*VerifyStore)(nil)

// FilePath returns the SQLite database file, "" for PostgreSQL.
func (db *DB) FilePath() string {
	if db.dialect != SQLite {
		return ""
	}
	return strings.TrimPrefix(db.dsn, "sqlite:")
}

// Verify returns the verification store of db.
func (db *DB) Verify() *VerifyStore { return &VerifyStore{db} }

const snapshotCols = `id, source, as_of, loaded_at, row_count, sha256, loaded_by`

func scanSnapshot(sc interface{ Scan(...any) error }, s *verify.Snapshot) error {
	return sc.Scan(&s.ID, &s.Source, &s.AsOf, &s.LoadedAt, &s.Rows, &s.SHA256, &s.LoadedBy)
}

// FindSnapshot returns the snapshot loaded from the same file for the
// source and date, or NotFound.
func (s *VerifyStore) FindSnapshot(ctx context.Context, source, asOf, sha string) (verify.Snapshot, error) {
	var sn verify.Snapshot
	err := scanSnapshot(s.db.queryRow(ctx, `SELECT `+snapshotCols+` FROM dataset_snapshots
		WHERE source = ? AND as_of = ? AND sha256 = ?`, source, asOf, sha), &sn)
	return sn, scanOne(err, "数据快照")
}

// Snapshots lists every snapshot by source, as_of and id.
func (s *VerifyStore) Snapshots(ctx context.Context) ([]verify.Snapshot, error) {
	rows, err := s.db.query(ctx, `SELECT `+snapshotCols+` FROM dataset_snapshots ORDER BY source, as_of, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []verify.Snapshot
	for rows.Next() {
		var sn verify.Snapshot
		if err := scanSnapshot(rows, &sn); err != nil {
			return nil, translate(err)
		}
		sn.LoadedAt = sn.LoadedAt.UTC()
		out = append(out, sn)
	}
	return out, translate(rows.Err())
}

// LoadSnapshot stores the records next yields and then the snapshot row,
// all or nothing: on SQLite by multi-row prepared INSERTs in one
// transaction; on PostgreSQL by COPY (in pgx transactions of its own, so
// ctx must carry none), the two halves side by side when halves is set
// (copyHalves). An error from next stores nothing.
func (s *VerifyStore) LoadSnapshot(ctx context.Context, sn *verify.Snapshot, halves int, next func() ([]verify.Record, error)) error {
	sn.ID = NewID()
	sn.LoadedAt = utc(sn.LoadedAt)
	if s.db.dialect == Postgres && !InTx(ctx) {
		if halves > 0 {
			return s.copyHalves(ctx, sn, halves, next)
		}
		return s.copySnapshot(ctx, sn, next)
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if s.db.dialect == Postgres {
			if _, err := s.db.exec(ctx, `CREATE TABLE `+partitionName(sn.ID)+` PARTITION OF dataset_records FOR VALUES IN (`+
				strconv.FormatInt(sn.ID, 10)+`)`); err != nil {
				return err
			}
		}
		cols := recordColumns(sn.Source)
		b := s.db.newBulk("dataset_records", cols...)
		defer b.close()
		vals := make([]any, len(cols))
		add := func(r *verify.Record) error {
			recordValues(vals, sn.ID, r, cols)
			b.add(vals...)
			if b.ready() {
				return b.flush(ctx)
			}
			return nil
		}
		if s.db.dialect == SQLite {
			// SQLite's table is clustered on the key: records in key order
			// append to the B-tree (pages filled once, never split or
			// spilled), where pieces sorted each on its own land all over
			// it. So every piece is taken (the file validates whole before
			// anything is written), sorted while the next ones validate,
			// and they are merged. (PostgreSQL's partition is a heap indexed
			// after the load: it takes the pieces as they come.)
			var pieces [][]verify.Record
			var sorting sync.WaitGroup
			for {
				recs, err := next()
				if err == io.EOF {
					break
				}
				if err != nil {
					sorting.Wait()
					return err
				}
				if len(recs) > 0 {
					pieces = append(pieces, recs)
					sorting.Go(func() { verify.SortRecords(recs) })
				}
			}
			sorting.Wait()
			if err := mergeRecords(pieces, add); err != nil {
				return err
			}
		} else {
			for {
				recs, err := next()
				if err == io.EOF {
					break
				}
				if err != nil {
					return err
				}
				for i := range recs {
					if err := add(&recs[i]); err != nil {
						return err
					}
				}
			}
		}
		if err := b.flush(ctx); err != nil {
			return err
		}
		_, err := s.db.exec(ctx, `INSERT INTO dataset_snapshots (`+snapshotCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			sn.ID, sn.Source, sn.AsOf, sn.LoadedAt, sn.Rows, sn.SHA256, sn.LoadedBy)
		return translate(err)
	})
}

// mergeRecords calls fn with the records of pieces, each sorted by PID
// and Line, in that order overall (a binary heap of the pieces' heads).
func mergeRecords(pieces [][]verify.Record, fn func(*verify.Record) error) error {
	less := func(a, b []verify.Record) bool {
		return a[0].PID < b[0].PID || a[0].PID == b[0].PID && a[0].Line < b[0].Line
	}
	h := pieces
	down := func(i int) {
		for {
			m := i
			if l := 2*i + 1; l < len(h) && less(h[l], h[m]) {
				m = l
			}
			if r := 2*i + 2; r < len(h) && less(h[r], h[m]) {
				m = r
			}
			if m == i {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	for len(h) > 0 {
		if err := fn(&h[0][0]); err != nil {
			return err
		}
		if h[0] = h[0][1:]; len(h[0]) == 0 {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
	return nil
}

// partitionName is the PostgreSQL partition of a snapshot's records.
func partitionName(id int64) string { return "dataset_records_" + strconv.FormatInt(id, 10) }

// recordColumns are the columns a load of source writes.
func recordColumns(source string) []string {
	return append([]string{"snapshot_id", "pid", "line"}, verify.Fields(source)...)
}

// recordValues fills vals with r's values for cols.
func recordValues(vals []any, id int64, r *verify.Record, cols []string) {
	vals[0], vals[1], vals[2] = id, int64(r.PID), int64(r.Line)
	for i := 3; i < len(cols); i++ {
		switch cols[i] {
		case "ref":
			vals[i] = r.Ref
		case "kind":
			vals[i] = r.Kind
		case "status":
			vals[i] = r.Status
		case "note":
			vals[i] = r.Note
		case "date":
			vals[i] = r.Date
		case "amount":
			vals[i] = int64(r.Amount)
		case "amount2":
			vals[i] = int64(r.Amount2)
		case "other":
			vals[i] = int64(r.Other)
		}
	}
}

// recordCopy feeds COPY … FROM STDIN with the records next yields, in
// COPY's binary format written here directly (see copybinary.go: pgx's
// generic encoding looked up a plan per value and cost more CPU than
// parsing the file, and the text format costs the server its parsing), a
// piece at a time.
type recordCopy struct {
	id      int64
	cols    []string
	next    func() ([]verify.Record, error)
	buf     []byte // the bytes not yet read, within store
	store   []byte
	started bool // the header is written
	err     error
}

func (rc *recordCopy) Read(p []byte) (int, error) {
	for len(rc.buf) == 0 {
		if rc.err != nil {
			return 0, rc.err
		}
		b := rc.store[:0]
		if !rc.started {
			rc.started = true
			b = append(b, copyBinaryHeader...)
		}
		recs, err := rc.next()
		if err != nil && err != io.EOF {
			rc.err = err
			return 0, err
		}
		for i := range recs {
			b = appendRecordCopy(b, rc.id, &recs[i], rc.cols)
		}
		if err == io.EOF {
			rc.err = err
			b = append(b, copyBinaryTrailer...)
		}
		rc.store, rc.buf = b, b
	}
	n := copy(p, rc.buf)
	rc.buf = rc.buf[n:]
	return n, nil
}

// appendRecordCopy appends r as a row of COPY's binary format with the
// values of cols (recordColumns; the same values as recordValues).
func appendRecordCopy(b []byte, id int64, r *verify.Record, cols []string) []byte {
	b = appendCopyFields(b, len(cols))
	b = appendCopyInt8(b, id)
	b = appendCopyInt8(b, int64(r.PID))
	b = appendCopyInt8(b, int64(r.Line))
	for _, c := range cols[3:] {
		switch c {
		case "ref":
			b = appendCopyString(b, r.Ref)
		case "kind":
			b = appendCopyString(b, r.Kind)
		case "status":
			b = appendCopyString(b, r.Status)
		case "note":
			b = appendCopyString(b, r.Note)
		case "date":
			b = appendCopyString(b, r.Date)
		case "amount":
			b = appendCopyInt8(b, int64(r.Amount))
		case "amount2":
			b = appendCopyInt8(b, int64(r.Amount2))
		case "other":
			b = appendCopyInt8(b, int64(r.Other))
		}
	}
	return b
}

func (s *VerifyStore) copySnapshot(ctx context.Context, sn *verify.Snapshot, next func() ([]verify.Record, error)) error {
	conn, err := s.db.write.Conn(ctx)
	if err != nil {
		return translate(err)
	}
	defer conn.Close()
	src := &recordCopy{id: sn.ID, cols: recordColumns(sn.Source), next: next}
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		part := partitionName(sn.ID)
		if err := fillTable(ctx, tx, part, sn.ID, "", src); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `ALTER TABLE dataset_records ATTACH PARTITION `+part+` FOR VALUES IN (`+strconv.FormatInt(sn.ID, 10)+`)`); err != nil {
			return err
		}
		if err := insertSnapshot(ctx, tx, sn); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	if src.err != nil && src.err != io.EOF {
		return src.err
	}
	return translate(err)
}

// fillTable creates table in tx with dataset_records' columns, to hold
// snapshot id's records (and meet check, a further constraint written
// ", CONSTRAINT …", or ""), copies src into it and indexes it.
func fillTable(ctx context.Context, tx pgx.Tx, table string, id int64, check string, src *recordCopy) error {
	// The CHECK, which lets the attachment skip its own scan of the
	// rows, is checked row by row as they are copied (cheaper than that
	// scan).
	if _, err := tx.Exec(ctx, `CREATE TABLE `+table+` (LIKE dataset_records INCLUDING DEFAULTS,
		CONSTRAINT `+table+`_snapshot CHECK (snapshot_id = `+strconv.FormatInt(id, 10)+`)`+check+`)`); err != nil {
		return err
	}
	// Sorting the index's entries in memory instead of in runs on disk
	// (the default 64 MB holds ~1.5 million of them).
	if _, err := tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '1GB'`); err != nil {
		return err
	}
	// FREEZE: the table is new in this transaction.
	copySQL := `COPY ` + table + ` (` + strings.Join(src.cols, ", ") + `) FROM STDIN WITH (FORMAT binary, FREEZE)`
	if _, err := tx.Conn().PgConn().CopyFrom(ctx, src, copySQL); err != nil {
		if src.err != nil && src.err != io.EOF {
			return src.err
		}
		return err
	}
	// The index is built once over the loaded rows (migration 0013).
	if _, err := tx.Exec(ctx, `CREATE INDEX `+table+`_person ON `+table+` (pid, line)`); err != nil {
		return err
	}
	// Statistics now, so that the first checks after the load look their
	// persons up by the index: without them the planner guessed a
	// parallel scan (48 ms for five persons in one snapshot, against 0.1
	// ms). Autovacuum would analyze the table later, or never where it
	// is off. It costs ~0.13 s for 4 million rows.
	_, err := tx.Exec(ctx, `ANALYZE `+table)
	return err
}

func insertSnapshot(ctx context.Context, tx pgx.Tx, sn *verify.Snapshot) error {
	_, err := tx.Exec(ctx, `INSERT INTO dataset_snapshots (`+snapshotCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		sn.ID, sn.Source, sn.AsOf, sn.LoadedAt, sn.Rows, sn.SHA256, sn.LoadedBy)
	return err
}

// loadName is the table a half of snapshot id's records is loaded into
// before it is a partition (see copyHalves).
func loadName(id int64, half int) string {
	return "dataset_load_" + strconv.FormatInt(id, 10) + "_" + strconv.Itoa(half)
}

// copyHalves loads a file's two halves side by side (see
// verify.Reader.Halves): each by COPY on a connection and in a
// transaction of its own, into a table of its own (loadName) that no
// query reads. A last transaction makes the two the partitions, by line,
// of the snapshot's partition, attaches that and writes the snapshot
// row: until then nothing of the load is seen, and if anything fails the
// tables are dropped. Most of a load's time is the server's (forming and
// logging each row, then the index), and one COPY keeps one core busy:
// two keep both. A session advisory lock on the snapshot ID marks a load
// in progress, so that the next load can tell, and drop, the tables of
// one that died half-way (dropDeadLoads).
func (s *VerifyStore) copyHalves(ctx context.Context, sn *verify.Snapshot, halves int, next func() ([]verify.Record, error)) error {
	conn, err := s.db.write.Conn(ctx)
	if err != nil {
		return translate(err)
	}
	defer conn.Close()
	loads := [2]string{loadName(sn.ID, 0), loadName(sn.ID, 1)}
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		if _, err := pc.Exec(ctx, `SELECT pg_advisory_lock($1)`, sn.ID); err != nil {
			return err
		}
		defer pc.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, sn.ID)
		if err := dropDeadLoads(ctx, pc); err != nil {
			return err
		}
		err := s.fillHalves(ctx, sn, halves, next, loads)
		if err == nil {
			err = attachHalves(ctx, pc, sn, halves, loads)
		}
		if err != nil {
			// Best effort: what is left, the next load drops.
			for _, t := range loads {
				pc.Exec(context.Background(), `DROP TABLE IF EXISTS `+t)
			}
		}
		return err
	})
	return translate(err)
}

// fillHalves fills the two load tables side by side: the pieces next
// yields go to the half their rows lie in (a piece lies in one). Each table commits only once
// next has returned io.EOF; the first error stops both.
func (s *VerifyStore) fillHalves(ctx context.Context, sn *verify.Snapshot, halves int, next func() ([]verify.Record, error), loads [2]string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
		}
		mu.Unlock()
		cancel()
	}
	pieces := [2]chan []verify.Record{make(chan []verify.Record, 2), make(chan []verify.Record, 2)}
	wg.Go(func() {
		for {
			recs, err := next()
			if err == io.EOF {
				close(pieces[0])
				close(pieces[1])
				return
			}
			if err != nil {
				fail(err)
				return
			}
			if len(recs) == 0 {
				continue
			}
			k := 0
			if line := int(recs[0].Line); line >= halves || -line >= halves {
				k = 1
			}
			select {
			case pieces[k] <- recs:
			case <-ctx.Done():
				return
			}
		}
	})
	checks := [2]string{" < ", " >= "}
	for k := range 2 {
		wg.Go(func() {
			src := &recordCopy{id: sn.ID, cols: recordColumns(sn.Source), next: func() ([]verify.Record, error) {
				select {
				case recs, ok := <-pieces[k]:
					if !ok {
						return nil, io.EOF
					}
					return recs, nil
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}}
			conn, err := s.db.write.Conn(ctx)
			if err != nil {
				fail(err)
				return
			}
			defer conn.Close()
			err = conn.Raw(func(dc any) error {
				tx, err := dc.(*stdlib.Conn).Conn().Begin(ctx)
				if err != nil {
					return err
				}
				defer tx.Rollback(context.Background())
				check := `, CONSTRAINT ` + loads[k] + `_line CHECK (abs(line)` + checks[k] + strconv.Itoa(halves) + `)`
				if err := fillTable(ctx, tx, loads[k], sn.ID, check, src); err != nil {
					return err
				}
				return tx.Commit(ctx)
			})
			if err != nil {
				fail(err)
			}
		})
	}
	wg.Wait()
	return first
}

// attachHalves makes the filled load tables the partitions of the
// snapshot's partition (by the row of the file: the absolute value of
// line, which a marriage's second record has negative), attaches it and
// writes the snapshot row, in one transaction. Their CHECKs spare every attachment a scan, and their
// indexes become the partitions of dataset_records' index as they are.
func attachHalves(ctx context.Context, pc *pgx.Conn, sn *verify.Snapshot, halves int, loads [2]string) error {
	tx, err := pc.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.Background())
	part, h := partitionName(sn.ID), strconv.Itoa(halves)
	for _, q := range []string{
		`CREATE TABLE ` + part + ` (LIKE dataset_records INCLUDING DEFAULTS) PARTITION BY RANGE (abs(line))`,
		`ALTER TABLE ` + part + ` ATTACH PARTITION ` + loads[0] + ` FOR VALUES FROM (MINVALUE) TO (` + h + `)`,
		`ALTER TABLE ` + part + ` ATTACH PARTITION ` + loads[1] + ` FOR VALUES FROM (` + h + `) TO (MAXVALUE)`,
		`ALTER TABLE ` + loads[0] + ` RENAME TO ` + part + `_0`,
		`ALTER TABLE ` + loads[1] + ` RENAME TO ` + part + `_1`,
		`ALTER INDEX ` + loads[0] + `_person RENAME TO ` + part + `_0_person`,
		`ALTER INDEX ` + loads[1] + `_person RENAME TO ` + part + `_1_person`,
		`ALTER TABLE dataset_records ATTACH PARTITION ` + part + ` FOR VALUES IN (` + strconv.FormatInt(sn.ID, 10) + `)`,
	} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	if err := insertSnapshot(ctx, tx, sn); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// dropDeadLoads drops the load tables (loadName) of this schema that are
// no partition and whose snapshot ID no session holds a lock on: those
// of loads that died half-way.
func dropDeadLoads(ctx context.Context, pc *pgx.Conn) error {
	rows, err := pc.Query(ctx, `SELECT relname::text FROM pg_class WHERE relnamespace = current_schema()::regnamespace
		AND relkind = 'r' AND NOT relispartition AND relname LIKE 'dataset\_load\_%'`)
	if err != nil {
		return err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, name := range names {
		rest := strings.TrimPrefix(name, "dataset_load_")
		id, err := strconv.ParseInt(rest[:max(0, strings.LastIndexByte(rest, '_'))], 10, 64)
		if err != nil {
			continue
		}
		var free bool
		if err := pc.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, id).Scan(&free); err != nil {
			return err
		}
		if !free {
			continue
		}
		_, err = pc.Exec(ctx, `DROP TABLE IF EXISTS `+pgx.Identifier{name}.Sanitize())
		if _, uerr := pc.Exec(ctx, `SELECT pg_advisory_unlock($1)`, id); err == nil {
			err = uerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Records returns the records of pids in the snapshots.
func (s *VerifyStore) Records(ctx context.Context, snaps []verify.Snapshot, pids []uint64) ([]verify.Record, error) {
	if len(snaps) == 0 || len(pids) == 0 {
		return nil, nil
	}
	by := map[int64]verify.Snapshot{}
	args := make([]any, 0, len(snaps)+len(pids))
	for _, sn := range snaps {
		by[sn.ID] = sn
		args = append(args, sn.ID)
	}
	for _, p := range pids {
		args = append(args, int64(p))
	}
	rows, err := s.db.query(ctx, `SELECT snapshot_id, pid, line, ref, kind, status, note, date, amount, amount2, other
		FROM dataset_records WHERE snapshot_id IN (`+placeholders(len(snaps))+`) AND pid IN (`+placeholders(len(pids))+`)
		ORDER BY snapshot_id, pid, line`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []verify.Record
	for rows.Next() {
		var r verify.Record
		var pid, other, amount, amount2 int64
		if err := rows.Scan(&r.Snapshot, &pid, &r.Line, &r.Ref, &r.Kind, &r.Status, &r.Note, &r.Date, &amount, &amount2, &other); err != nil {
			return nil, translate(err)
		}
		r.PID, r.Other = uint64(pid), uint64(other)
		r.Amount, r.Amount2 = money.Money(amount), money.Money(amount2)
		r.Source = by[r.Snapshot].Source
		r.IDNumber = unpackID(r.PID)
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// Registered maps the IDs on the relatives' register to their staff.
func (s *VerifyStore) Registered(ctx context.Context, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.query(ctx, `SELECT relative_id, staff_id FROM staff_relatives WHERE relative_id IN (`+placeholders(len(ids))+`)
		ORDER BY relative_id, staff_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var rel, staff string
		if err := rows.Scan(&rel, &staff); err != nil {
			return nil, translate(err)
		}
		out[rel] = append(out[rel], staff)
	}
	return out, translate(rows.Err())
}

// LookAlikes returns the living persons of other households of the county
// with a member's name, sex, birth date and ethnicity (see the duplicate
// rule).
func (s *VerifyStore) LookAlikes(ctx context.Context, householdID int64, county string, members []registry.Member) ([]verify.LookAlike, error) {
	var out []verify.LookAlike
	for _, m := range members {
		if m.IDNumber == "" || m.DeathDate != "" || m.Name == "" || m.BirthDate == "" {
			continue
		}
		rows, err := s.db.query(ctx, `SELECT id_number FROM persons WHERE name = ? AND birth_date = ? AND sex = ?
			AND substr(county, 1, 6) = ? AND household_id IS NOT NULL AND household_id <> ? AND id_number <> ?
			AND (death_date IS NULL OR death_date = '') AND ethnicity = ?
			ORDER BY id_number`, m.Name, m.BirthDate, m.Sex, county, householdID, m.IDNumber, m.Ethnicity)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, translate(err)
			}
			out = append(out, verify.LookAlike{Of: m.IDNumber, IDNumber: id})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, translate(err)
		}
	}
	return out, nil
}

// unpackID turns a packed ID back into its 18 characters.
func unpackID(p uint64) string {
	var b [18]byte
	c := p % 11
	if c == 10 {
		b[17] = 'X'
	} else {
		b[17] = byte('0' + c)
	}
	n := p / 11
	for i := 16; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[:])
}

// StaffRole returns the register key of a role as the register file
// writes it (Chinese) or as the table does; "" for an unknown role.
func StaffRole(role string) string { return verify.StaffRoleKey(role) }

// StaffEntry is a row of the relatives' register file.
type StaffEntry = verify.StaffEntry

// LoadStaffRelatives adds register entries in bulk, skipping those
// already registered (same county, staff and relative). It returns the
// number added.
func (s *VerifyStore) LoadStaffRelatives(ctx context.Context, es []StaffEntry, by string) (int, error) {
	n := 0
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		have := map[string]bool{}
		rows, err := s.db.query(ctx, `SELECT county, staff_id, relative_id FROM staff_relatives`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c, st, rel string
			if err := rows.Scan(&c, &st, &rel); err != nil {
				rows.Close()
				return translate(err)
			}
			have[c+"|"+st+"|"+rel] = true
		}
		rows.Close()
		b := s.db.newBulk("staff_relatives", "id", "county", "staff_id", "staff_name", "staff_role", "relative_id", "relation", "created_by", "created_at")
		defer b.close()
		now := utc(time.Now())
		for _, e := range es {
			k := e.County + "|" + e.StaffID + "|" + e.RelativeID
			if have[k] {
				continue
			}
			have[k] = true
			b.add(NewID(), e.County, e.StaffID, e.StaffName, e.Role, e.RelativeID, e.Relation, by, now)
			n++
			if b.ready() {
				if err := b.flush(ctx); err != nil {
					return err
				}
			}
		}
		return b.flush(ctx)
	})
	return n, err
}
