package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

var _ verify.BatchStore = (*VerifyStore)(nil)

// codeRange turns a code prefix into a half-open range of codes, which an
// index serves (LIKE does not on SQLite).
func codeRange(prefix string) (lo, hi string) {
	if prefix == "" {
		return "", "~"
	}
	b := []byte(prefix)
	b[len(b)-1]++
	return prefix, string(b)
}

const activeEnrolment = `EXISTS (SELECT 1 FROM enrolments e WHERE e.household_id = h.id AND e.since <= ? AND (e.until IS NULL OR e.until > ?))`

// ScanRegistry reads what a batch needs of the registry.
func (s *VerifyStore) ScanRegistry(ctx context.Context, prefix, asOf string) (*verify.RegistryScan, error) {
	lo, hi := codeRange(prefix)
	sc := &verify.RegistryScan{Registered: map[string][]string{}}
	// Persons are read by two connections of their own while this one
	// reads the households, assets and register.
	personsDone := make(chan error, 1)
	go func() { personsDone <- s.scanPersons(ctx, lo, hi, sc) }()
	err := s.scanRest(ctx, lo, hi, asOf, sc)
	if perr := <-personsDone; err == nil {
		err = perr
	}
	if err != nil {
		return nil, err
	}
	return sc, nil
}

// scanRest reads the recipient households, their assets and the register.
func (s *VerifyStore) scanRest(ctx context.Context, lo, hi, asOf string, sc *verify.RegistryScan) error {
	rows, err := s.db.query(ctx, `SELECT h.id, h.county, h.village, h.area FROM households h
		WHERE h.county >= ? AND h.county < ? AND `+activeEnrolment+` ORDER BY h.county, h.id`, lo, hi, asOf, asOf)
	if err != nil {
		return err
	}
	for rows.Next() {
		var h verify.HouseholdRow
		var area string
		if err := rows.Scan(&h.ID, &h.County, &h.Village, &area); err != nil {
			rows.Close()
			return translate(err)
		}
		h.County, h.Area = h.County[:6], registry.Area(area)
		sc.Households = append(sc.Households, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return translate(err)
	}
	rows, err = s.db.query(ctx, `SELECT household_id, COALESCE(person_id, 0), kind, value, vehicle_type, reg_no, note FROM assets
		WHERE kind IN ('vehicle', 'deposit', 'securities') AND county >= ? AND county < ?`, lo, hi)
	if err != nil {
		return err
	}
	for rows.Next() {
		var a verify.AssetRow
		var v int64
		if err := rows.Scan(&a.HouseholdID, &a.PersonID, &a.Kind, &v, &a.VehicleType, &a.RegNo, &a.Note); err != nil {
			rows.Close()
			return translate(err)
		}
		a.Value = money.Money(v)
		sc.Assets = append(sc.Assets, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return translate(err)
	}
	rows, err = s.db.query(ctx, `SELECT relative_id, staff_id FROM staff_relatives ORDER BY relative_id, staff_id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var rel, staff string
		if err := rows.Scan(&rel, &staff); err != nil {
			rows.Close()
			return translate(err)
		}
		sc.Registered[rel] = append(sc.Registered[rel], staff)
	}
	rows.Close()
	return translate(rows.Err())
}

func (s *VerifyStore) scanPersons(ctx context.Context, lo, hi string, sc *verify.RegistryScan) error {
	var minID, maxID, count int64
	if err := s.db.queryRow(ctx, `SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0), COUNT(*) FROM persons`).Scan(&minID, &maxID, &count); err != nil {
		return translate(err)
	}
	const parts = 2
	out := make([][]verify.PersonRow, parts)
	errs := make([]error, parts)
	done := make(chan int, parts)
	step := (maxID-minID)/parts + 1
	for k := range parts {
		go func() {
			defer func() { done <- k }()
			from, to := minID+int64(k)*step, minID+int64(k+1)*step
			// On SQLite, +county reads in key order, not through the county
			// index (a random read a row).
			cty := "county"
			if s.db.dialect == SQLite {
				cty = "+county"
			}
			rows, err := s.db.query(ctx, `SELECT id, id_number, name, sex, household_id, county, relationship,
				excluded, death_date, disability_grade, serious_illness, ethnicity FROM persons
				WHERE id >= ? AND id < ? AND household_id IS NOT NULL AND `+cty+` >= ? AND `+cty+` < ?`, from, to, lo, hi)
			if err != nil {
				errs[k] = err
				return
			}
			defer rows.Close()
			// The short codes are shared strings, not one allocation a row.
			intern := map[string]string{}
			in := func(b []byte) string {
				if v, ok := intern[string(b)]; ok {
					return v
				}
				v := string(b)
				intern[v] = v
				return v
			}
			list := make([]verify.PersonRow, 0, count/parts+count/20)
			var id, name, sex, county, rel, excl, death, ill, eth sql.RawBytes
			for rows.Next() {
				var p verify.PersonRow
				var grade int64
				if err := rows.Scan(&p.ID, &id, &name, &sex, &p.HouseholdID, &county, &rel, &excl, &death, &grade, &ill, &eth); err != nil {
					errs[k] = translate(err)
					return
				}
				if len(id) == 18 {
					p.PID = packBytes(id)
					if p.PID != 0 {
						p.Birth = verify.BirthOf(p.PID)
					}
				}
				p.Name = string(name)
				p.Sex = in(sex)
				if len(county) >= 6 {
					p.County = in(county[:6])
				}
				p.Relation = registry.Relationship(in(rel))
				p.Excluded = in(excl)
				if len(death) > 0 {
					p.DeathDate = string(death)
					if len(p.DeathDate) > 10 {
						p.DeathDate = p.DeathDate[:10]
					}
				}
				p.Grade, p.Ill = int8(grade), len(ill) > 0
				p.Ethnicity = in(eth)
				list = append(list, p)
			}
			out[k], errs[k] = list, translate(rows.Err())
		}()
	}
	for range parts {
		<-done
	}
	n := 0
	for k := range parts {
		if errs[k] != nil {
			return errs[k]
		}
		n += len(out[k])
	}
	sc.Persons = make([]verify.PersonRow, 0, n)
	for k := range parts {
		sc.Persons = append(sc.Persons, out[k]...)
		out[k] = nil
	}
	return nil
}

// packBytes packs an 18-character ID; 0 for anything else.
func packBytes(s []byte) uint64 {
	var n uint64
	for i := range 17 {
		d := s[i] - '0'
		if d > 9 {
			return 0
		}
		n = n*10 + uint64(d)
	}
	c := uint64(s[17] - '0')
	if s[17] == 'X' {
		c = 10
	} else if c > 9 {
		return 0
	}
	return n*11 + c
}

// ScanSnapshot calls fn with a snapshot's records in pieces.
func (s *VerifyStore) ScanSnapshot(ctx context.Context, sn verify.Snapshot, fn func([]verify.Record) error) error {
	rows, err := s.db.query(ctx, `SELECT pid, line, ref, kind, status, note, date, amount, amount2, other
		FROM dataset_records WHERE snapshot_id = ? ORDER BY pid, line`, sn.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	buf := make([]verify.Record, 0, 65536)
	for rows.Next() {
		var r verify.Record
		var pid, other, amount, amount2 int64
		if err := rows.Scan(&pid, &r.Line, &r.Ref, &r.Kind, &r.Status, &r.Note, &r.Date, &amount, &amount2, &other); err != nil {
			return translate(err)
		}
		r.Source, r.Snapshot = sn.Source, sn.ID
		r.PID, r.Other, r.Amount, r.Amount2 = uint64(pid), uint64(other), money.Money(amount), money.Money(amount2)
		buf = append(buf, r)
		if len(buf) == cap(buf) {
			if err := fn(buf); err != nil {
				return err
			}
			buf = make([]verify.Record, 0, 65536)
		}
	}
	if err := rows.Err(); err != nil {
		return translate(err)
	}
	if len(buf) > 0 {
		return fn(buf)
	}
	return nil
}

const runCols = `id, region, engine, as_of, snapshots, status, started_at, finished_at, started_by, heartbeat_at`

func scanRun(sc interface{ Scan(...any) error }, r *verify.Run) error {
	var snaps string
	var fin, hb *time.Time
	var eng string
	if err := sc.Scan(&r.ID, &r.Region, &eng, &r.AsOf, &snaps, &r.Status, &r.StartedAt, &fin, &r.StartedBy, &hb); err != nil {
		return err
	}
	r.Engine = verify.Engine(eng)
	if fin != nil {
		r.FinishedAt = fin.UTC()
	}
	if hb != nil {
		r.Heartbeat = hb.UTC()
	}
	return json.Unmarshal([]byte(snaps), &r.Snapshots)
}

// CreateRun stores a new run.
func (s *VerifyStore) CreateRun(ctx context.Context, r *verify.Run) error {
	r.ID = NewID()
	snaps, err := json.Marshal(r.Snapshots)
	if err != nil {
		return err
	}
	_, err = s.db.exec(ctx, `INSERT INTO verify_runs (`+runCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
		r.ID, r.Region, string(r.Engine), r.AsOf, string(snaps), r.Status, utc(r.StartedAt), r.StartedBy, nullTime(r.Heartbeat))
	return translate(err)
}

// ClaimRun takes an open run's lease when nobody holds it or its holder's
// heartbeat is older than staleBefore: one conditional UPDATE, so of two
// processes claiming at once exactly one gets it.
func (s *VerifyStore) ClaimRun(ctx context.Context, run int64, now, staleBefore time.Time) (bool, error) {
	res, err := s.db.exec(ctx, `UPDATE verify_runs SET heartbeat_at = ? WHERE id = ? AND status = 'running'
		AND (heartbeat_at IS NULL OR heartbeat_at < ?)`, utc(now), run, utc(staleBefore))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, translate(err)
}

// TouchRun renews an open run's lease (the zero time frees it).
func (s *VerifyStore) TouchRun(ctx context.Context, run int64, now time.Time) error {
	_, err := s.db.exec(ctx, `UPDATE verify_runs SET heartbeat_at = ? WHERE id = ? AND status = 'running'`, nullTime(now), run)
	return translate(err)
}

// OpenRun returns the unfinished run of region and engine.
func (s *VerifyStore) OpenRun(ctx context.Context, region string, engine verify.Engine) (verify.Run, error) {
	var r verify.Run
	err := scanRun(s.db.queryRow(ctx, `SELECT `+runCols+` FROM verify_runs WHERE region = ? AND engine = ? AND status = 'running'
		ORDER BY id DESC LIMIT 1`, region, string(engine)), &r)
	return r, scanOne(err, "核对批次")
}

// PreviousRun returns the newest finished run of region before id.
func (s *VerifyStore) PreviousRun(ctx context.Context, region string, before int64) (verify.Run, error) {
	var r verify.Run
	err := scanRun(s.db.queryRow(ctx, `SELECT `+runCols+` FROM verify_runs WHERE region = ? AND id < ? AND status = 'done'
		ORDER BY id DESC LIMIT 1`, region, before), &r)
	return r, scanOne(err, "核对批次")
}

// Run returns a run.
func (s *VerifyStore) Run(ctx context.Context, id int64) (verify.Run, error) {
	var r verify.Run
	err := scanRun(s.db.queryRow(ctx, `SELECT `+runCols+` FROM verify_runs WHERE id = ?`, id), &r)
	return r, scanOne(err, "核对批次")
}

// DoneCounties lists the counties a run has finished.
func (s *VerifyStore) DoneCounties(ctx context.Context, run int64) ([]verify.CountyDone, error) {
	rows, err := s.db.query(ctx, `SELECT county, households, flagged FROM verify_run_counties WHERE run_id = ? ORDER BY county`, run)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []verify.CountyDone
	for rows.Next() {
		var c verify.CountyDone
		if err := rows.Scan(&c.County, &c.Households, &c.Flagged); err != nil {
			return nil, translate(err)
		}
		out = append(out, c)
	}
	return out, translate(rows.Err())
}

// SaveCounty stores a county's results and marks it done, once.
func (s *VerifyStore) SaveCounty(ctx context.Context, run int64, c verify.CountyDone, rs []verify.Result) error {
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		var n int
		if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM verify_run_counties WHERE run_id = ? AND county = ?`, run, c.County).Scan(&n); err != nil {
			return translate(err)
		}
		if n > 0 {
			return nil // done before: its results are stored already
		}
		if _, err := s.db.exec(ctx, `INSERT INTO verify_run_counties (run_id, county, households, flagged, done_at) VALUES (?, ?, ?, ?, ?)`,
			run, c.County, c.Households, c.Flagged, utc(time.Now())); err != nil {
			return translate(err)
		}
		b := s.db.newBulk("verify_results", "run_id", "county", "household_id", "verdict", "reasons")
		defer b.close()
		for _, r := range rs {
			js, err := verify.EncodeReasons(r.Reasons)
			if err != nil {
				return err
			}
			b.add(run, r.County, r.HouseholdID, string(r.Verdict), js)
			if b.ready() {
				if err := b.flush(ctx); err != nil {
					return err
				}
			}
		}
		return b.flush(ctx)
	})
}

// FinishRun marks a run done.
func (s *VerifyStore) FinishRun(ctx context.Context, run int64, at time.Time) error {
	_, err := s.db.exec(ctx, `UPDATE verify_runs SET status = 'done', finished_at = ? WHERE id = ?`, utc(at), run)
	return translate(err)
}

// Results returns a run's results in the counties of prefix.
func (s *VerifyStore) Results(ctx context.Context, run int64, prefix string) ([]verify.Result, error) {
	lo, hi := codeRange(prefix)
	rows, err := s.db.query(ctx, `SELECT county, household_id, verdict, reasons FROM verify_results
		WHERE run_id = ? AND county >= ? AND county < ? ORDER BY county, household_id`, run, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []verify.Result
	for rows.Next() {
		r := verify.Result{RunID: run}
		var v, js string
		if err := rows.Scan(&r.County, &r.HouseholdID, &v, &js); err != nil {
			return nil, translate(err)
		}
		r.Verdict = verify.Verdict(v)
		if r.Reasons, err = verify.DecodeReasons(js); err != nil {
			return nil, apperr.Errorf("sqlstore: decode reasons of household %d: %w", r.HouseholdID, err)
		}
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// RecipientVillages maps counties to the villages of their recipients.
func (s *VerifyStore) RecipientVillages(ctx context.Context, prefix, asOf string) (map[string][]string, error) {
	lo, hi := codeRange(prefix)
	rows, err := s.db.query(ctx, `SELECT DISTINCT h.county, h.village FROM households h
		WHERE h.county >= ? AND h.county < ? AND `+activeEnrolment+` ORDER BY h.county, h.village`, lo, hi, asOf, asOf)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var c, v string
		if err := rows.Scan(&c, &v); err != nil {
			return nil, translate(err)
		}
		out[c[:6]] = append(out[c[:6]], v)
	}
	return out, translate(rows.Err())
}

// Heads maps households to their head's resident ID.
func (s *VerifyStore) Heads(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	err := queryIn(ctx, s.db, `SELECT household_id, id_number FROM persons WHERE relationship = 'head' AND household_id IN (`, `)`, ids,
		func(rows *sql.Rows) error {
			var h int64
			var id *string
			if err := rows.Scan(&h, &id); err != nil {
				return err
			}
			if id != nil {
				out[h] = *id
			}
			return nil
		})
	return out, err
}

// RecipientHeadsOf returns the heads' IDs of the recipient households
// (on asOf) of the persons ids.
func (s *VerifyStore) RecipientHeadsOf(ctx context.Context, ids []string, asOf string) ([]string, error) {
	var out []string
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, 0, len(part)+2)
		for _, id := range part {
			args = append(args, id)
		}
		args = append(args, asOf, asOf)
		rows, err := s.db.query(ctx, `SELECT hp.id_number FROM persons p JOIN households h ON h.id = p.household_id
			JOIN persons hp ON hp.household_id = h.id AND hp.relationship = 'head'
			WHERE p.id_number IN (`+placeholders(len(part))+`) AND `+activeEnrolment, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, translate(err)
			}
			out = append(out, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, translate(err)
		}
	}
	return out, nil
}

// SampleHouseholds returns up to n household IDs of recipients, at random.
func (s *VerifyStore) SampleHouseholds(ctx context.Context, n int, rng interface{ Int64N(int64) int64 }) ([]int64, error) {
	var lo, hi int64
	if err := s.db.queryRow(ctx, `SELECT COALESCE(MIN(household_id), 0), COALESCE(MAX(household_id), 0) FROM enrolments`).Scan(&lo, &hi); err != nil {
		return nil, translate(err)
	}
	var out []int64
	seen := map[int64]bool{}
	for tries := 0; len(out) < n && tries < 4*n && hi > 0; tries++ {
		var id int64
		err := s.db.queryRow(ctx, `SELECT household_id FROM enrolments WHERE household_id >= ? ORDER BY household_id LIMIT 1`,
			lo+rng.Int64N(hi-lo+1)).Scan(&id)
		if err != nil {
			continue
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}
