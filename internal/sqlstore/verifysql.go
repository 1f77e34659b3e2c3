package sqlstore

import (
	"context"
	"strings"

	"safetynet/internal/money"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

// debugSQL, set by tests, receives the statement of SQLHits.
var debugSQL func(q string, args []any)

// SQLHits runs verification's rules (verify.Match, rule by rule) as one
// SQL statement inside the database over the recipients of a county: the
// joins of members with the snapshots' records, the aggregates and the
// thresholds all run in the database, which on Citus (every table
// distributed by county) would run on the county's worker. This process
// only writes the reasons. The statement is portable SQL for both
// engines; it is the reference the in-process engine is tested against.
func (s *VerifyStore) SQLHits(ctx context.Context, county, asOf string, snaps []verify.Snapshot, params []verify.SQLParams,
	staffUnits []string) ([]verify.Hit, int, error) {
	snap := map[string]int64{}
	for _, sn := range snaps {
		snap[sn.Source] = sn.ID
	}
	id := func(src string) any {
		if v, ok := snap[src]; ok {
			return v
		}
		return int64(-1)
	}
	collate := ""
	if s.db.dialect == Postgres {
		collate = ` COLLATE "C"` // byte order, as Go compares strings
	}
	var args []any
	var q strings.Builder
	q.WriteString(`WITH pol (village, vlimit, maxh, bizok, months, hmonths, ustd, rstd, tol) AS (VALUES `)
	for i, p := range params {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(`(CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT),
			CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT))`)
		a := p.Params.Assets
		urban := verify.LimitsOf(p.Params, registry.Urban).Standard
		rural := verify.LimitsOf(p.Params, registry.Rural).Standard
		args = append(args, p.Village, int64(a.VehicleValue.Money()), int64(a.MaxHouses), boolInt(a.BusinessAllowed),
			int64(a.DepositMonths), int64(a.DepositMonthsHardship), int64(urban), int64(rural), int64(a.UndeclaredTolerance.Money()))
	}
	q.WriteString(`),
hh AS MATERIALIZED (SELECT h.id, h.village, h.area FROM households h WHERE h.county = ? AND ` + activeEnrolment + `),
mem AS MATERIALIZED (SELECT p.id AS person_id, p.household_id, p.id_number, p.name,
		CAST(substr(p.id_number, 1, 17) AS BIGINT) * 11 +
			CASE WHEN substr(p.id_number, 18, 1) = 'X' THEN 10 ELSE CAST(substr(p.id_number, 18, 1) AS BIGINT) END AS pid,
		CASE WHEN p.excluded = '' AND (p.death_date IS NULL OR p.death_date = '') THEN 1 ELSE 0 END AS counts,
		CASE WHEN p.death_date IS NULL OR p.death_date = '' THEN 1 ELSE 0 END AS alive
	FROM persons p JOIN hh ON hh.id = p.household_id
	WHERE p.id_number IS NOT NULL AND length(p.id_number) = 18),
hp AS MATERIALIZED (SELECT hh.id, hh.village, pol.vlimit, pol.maxh, pol.bizok, pol.tol,
		CASE WHEN hh.area = 'urban' THEN pol.ustd ELSE pol.rstd END AS std, pol.months, pol.hmonths
	FROM hh JOIN pol ON pol.village = hh.village),
veh AS MATERIALIZED (SELECT m.household_id, m.id_number, m.name, r.amount, hp.vlimit,
		CASE WHEN EXISTS (SELECT 1 FROM assets a WHERE a.household_id = m.household_id AND a.kind = 'vehicle' AND a.reg_no = r.ref)
			THEN 1 ELSE 0 END AS declared
	FROM mem m CROSS JOIN dataset_records r JOIN hp ON hp.id = m.household_id
	WHERE r.snapshot_id = ? AND r.pid = m.pid AND +m.counts = 1 AND NOT EXISTS (SELECT 1 FROM assets a WHERE a.household_id = m.household_id AND a.kind = 'vehicle'
		AND a.reg_no = r.ref AND (a.vehicle_type LIKE '%残疾人专用%' OR a.note LIKE '%残疾人专用%'))),
hs AS (SELECT m.household_id, m.id_number, m.name, COUNT(*) AS n
	FROM mem m CROSS JOIN dataset_records r
	WHERE r.snapshot_id = ? AND r.pid = m.pid AND +m.counts = 1 AND r.kind = '住宅' GROUP BY m.household_id, m.id_number, m.name),
hst AS (SELECT household_id, SUM(n) AS total FROM hs GROUP BY household_id),
fin AS MATERIALIZED (SELECT m.household_id, m.id_number, m.name, SUM(r.amount) AS amt
	FROM mem m CROSS JOIN dataset_records r
	WHERE r.snapshot_id IN (?, ?) AND r.pid = m.pid AND +m.counts = 1 GROUP BY m.household_id, m.id_number, m.name),
fint AS (SELECT household_id, SUM(amt) AS total FROM fin GROUP BY household_id),
cnt AS (SELECT p.household_id,
		SUM(CASE WHEN p.excluded = '' AND (p.death_date IS NULL OR p.death_date = '') THEN 1 ELSE 0 END) AS counted,
		MAX(CASE WHEN p.excluded = '' AND (p.death_date IS NULL OR p.death_date = '')
			AND (p.serious_illness <> '' OR p.disability_grade IN (1, 2)) THEN 1 ELSE 0 END) AS hard
	FROM persons p JOIN hh ON hh.id = p.household_id GROUP BY p.household_id),
lim AS (SELECT hp.id AS household_id, hp.std * (CASE WHEN cnt.hard = 1 THEN hp.hmonths ELSE hp.months END) * cnt.counted AS lim, cnt.counted
	FROM hp JOIN cnt ON cnt.household_id = hp.id),
decl AS (SELECT a.household_id, COALESCE(pm.id_number, hd.id_number) AS id_number, SUM(a.value) AS total
	FROM assets a JOIN hh ON hh.id = a.household_id
	LEFT JOIN persons pm ON pm.id = a.person_id AND pm.household_id = a.household_id
	LEFT JOIN persons hd ON a.person_id IS NULL AND hd.household_id = a.household_id AND hd.relationship = 'head'
	WHERE a.kind IN ('deposit', 'securities') GROUP BY a.household_id, COALESCE(pm.id_number, hd.id_number))
SELECT household_id, 'vehicle', id_number, name, COUNT(*), 0, MAX(amount), 0, MAX(vlimit), ''
	FROM veh WHERE amount > vlimit GROUP BY household_id, id_number, name
UNION ALL
SELECT v.household_id, 'vehicle_undeclared', v.id_number, v.name, COUNT(*), 0, MAX(v.amount), 0, 0, ''
	FROM veh v WHERE v.amount <= v.vlimit AND v.declared = 0 AND NOT EXISTS (SELECT 1 FROM veh w
		WHERE w.household_id = v.household_id AND w.id_number = v.id_number AND w.amount > w.vlimit)
	GROUP BY v.household_id, v.id_number, v.name
UNION ALL
SELECT hs.household_id, 'houses', hs.id_number, hs.name, hs.n, hst.total, 0, 0, hp.maxh, ''
	FROM hs JOIN hst ON hst.household_id = hs.household_id JOIN hp ON hp.id = hs.household_id WHERE hst.total > hp.maxh
UNION ALL
SELECT m.household_id, 'business', m.id_number, m.name, COUNT(*), 0, 0, 0, 0, ''
	FROM mem m CROSS JOIN dataset_records r JOIN hp ON hp.id = m.household_id
	WHERE r.snapshot_id = ? AND r.pid = m.pid AND +m.counts = 1 AND r.status IN ('存续', '在业') AND +hp.bizok = 0 GROUP BY m.household_id, m.id_number, m.name
UNION ALL
SELECT f.household_id, 'deposits', f.id_number, f.name, 0, 0, f.amt, t.total, l.lim, ''
	FROM fin f JOIN fint t ON t.household_id = f.household_id JOIN lim l ON l.household_id = f.household_id
	WHERE l.counted > 0 AND f.amt > 0 AND t.total > l.lim
UNION ALL
SELECT f.household_id, 'assets_undeclared', f.id_number, f.name, 0, 0, f.amt, COALESCE(d.total, 0), hp.tol, ''
	FROM fin f JOIN hp ON hp.id = f.household_id
	LEFT JOIN decl d ON d.household_id = f.household_id AND d.id_number = f.id_number
	WHERE f.amt - COALESCE(d.total, 0) > hp.tol
UNION ALL
SELECT m.household_id, 'public_job', m.id_number, m.name, 0, 0, 0, 0, 0, MIN(r.note` + collate + `)
	FROM mem m CROSS JOIN dataset_records r
	WHERE r.snapshot_id = ? AND r.pid = m.pid AND +m.counts = 1 GROUP BY m.household_id, m.id_number, m.name
UNION ALL
SELECT m.household_id, 'death', m.id_number, m.name, 0, 0, 0, 0, 0, MIN(r.date` + collate + `)
	FROM mem m CROSS JOIN dataset_records r
	WHERE r.snapshot_id = ? AND r.pid = m.pid AND +m.alive = 1 GROUP BY m.household_id, m.id_number, m.name
UNION ALL
SELECT m.household_id, 'duplicate', m.id_number, m.name, COUNT(*), 0, 0, 0, 0, MIN(o.id_number` + collate + `)
	FROM mem m JOIN persons p ON p.id = m.person_id
	JOIN persons o ON o.name = p.name AND o.birth_date = p.birth_date AND o.sex = p.sex
		AND o.household_id IS NOT NULL AND o.household_id <> m.household_id AND o.id_number IS NOT NULL
		AND o.id_number <> m.id_number AND (o.death_date IS NULL OR o.death_date = '') AND substr(o.county, 1, 6) = ?
		AND o.ethnicity = p.ethnicity
	WHERE +m.alive = 1 AND p.name <> '' AND p.birth_date IS NOT NULL
	GROUP BY m.household_id, m.id_number, m.name
UNION ALL
SELECT m.household_id, 'staff_relative', m.id_number, m.name, 0, 0, 0, 0, 0, ''
	FROM mem m WHERE +m.alive = 1 AND EXISTS (SELECT 1 FROM staff_relatives s WHERE s.relative_id = m.id_number)`)
	args = append(args, county+"000000", asOf, asOf, id("vehicles"), id("real_estate"), id("deposits"), id("securities"),
		id("businesses"), id("public_employees"), id("deaths"), county)
	if len(staffUnits) > 0 {
		var like []string
		for _, u := range staffUnits {
			like = append(like, "j.note LIKE ?")
			args = append(args, "%"+u+"%")
		}
		q.WriteString(`
UNION ALL
SELECT m.household_id, 'staff_spouse', m.id_number, m.name, COUNT(DISTINCT r.ref), 0, 0, 0, 0, MIN(r.ref` + collate + `)
	FROM mem m CROSS JOIN dataset_records r
	WHERE r.snapshot_id = ? AND r.pid = m.pid AND r.kind = 'marriage' AND +m.counts = 1
		AND NOT EXISTS (SELECT 1 FROM persons q WHERE q.household_id = m.household_id AND q.id_number = r.ref)
		AND NOT EXISTS (SELECT 1 FROM dataset_records d WHERE d.snapshot_id = r.snapshot_id AND d.pid = m.pid
			AND d.ref = r.ref AND d.kind = 'divorce' AND d.date >= r.date)
		AND NOT EXISTS (SELECT 1 FROM staff_relatives s WHERE s.relative_id = m.id_number AND s.staff_id = r.ref)
		AND EXISTS (SELECT 1 FROM dataset_records j WHERE j.snapshot_id = ? AND j.pid = r.other AND (` + strings.Join(like, " OR ") + `))
	GROUP BY m.household_id, m.id_number, m.name`)
		// The LIKE arguments come last in the text but were appended
		// before the two snapshot IDs: put them in order.
		n := len(staffUnits)
		likes := append([]any(nil), args[len(args)-n:]...)
		args = append(args[:len(args)-n], id("marriages"), id("public_employees"))
		args = append(args, likes...)
	}
	if debugSQL != nil {
		debugSQL(q.String(), args)
	}
	rows, err := s.db.query(ctx, q.String(), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var hits []verify.Hit
	for rows.Next() {
		var h verify.Hit
		var value, total, lim int64
		if err := rows.Scan(&h.HouseholdID, &h.Rule, &h.IDNumber, &h.Name, &h.N, &h.M, &value, &total, &lim, &h.Ref); err != nil {
			return nil, 0, translate(err)
		}
		h.Value, h.Total, h.Limit = money.Money(value), money.Money(total), money.Money(lim)
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, translate(err)
	}
	rows.Close()
	// Villages of the households hit, for the reasons' verdicts.
	var n int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM households h WHERE h.county = ? AND `+activeEnrolment,
		county+"000000", asOf, asOf).Scan(&n); err != nil {
		return nil, 0, translate(err)
	}
	if len(hits) > 0 {
		vill := map[int64]string{}
		rows, err := s.db.query(ctx, `SELECT h.id, h.village FROM households h WHERE h.county = ? AND `+activeEnrolment,
			county+"000000", asOf, asOf)
		if err != nil {
			return nil, 0, err
		}
		for rows.Next() {
			var id int64
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return nil, 0, translate(err)
			}
			vill[id] = v
		}
		rows.Close()
		for i := range hits {
			hits[i].Village = vill[hits[i].HouseholdID]
		}
	}
	return hits, n, nil
}
