package sqlstore

import (
	"context"
	"database/sql"

	"safetynet/internal/verify"
)

var _ verify.JobStore = (*VerifyStore)(nil)

// Runs returns the newest runs (at most limit) whose region starts with
// prefix or is one of regions (the caller's enclosing divisions).
func (s *VerifyStore) Runs(ctx context.Context, prefix string, regions []string, limit int) ([]verify.Run, error) {
	if limit <= 0 {
		limit = 50
	}
	lo, hi := codeRange(prefix)
	where := `(region >= ? AND region < ?)`
	args := []any{lo, hi}
	if len(regions) > 0 {
		where += ` OR region IN (` + placeholders(len(regions)) + `)`
		for _, r := range regions {
			args = append(args, r)
		}
	}
	args = append(args, limit)
	rows, err := s.db.query(ctx, `SELECT `+runCols+` FROM verify_runs WHERE `+where+` ORDER BY id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []verify.Run
	for rows.Next() {
		var r verify.Run
		if err := scanRun(rows, &r); err != nil {
			return nil, translate(err)
		}
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// HouseholdLabels returns the village and head of each of ids that
// exists.
func (s *VerifyStore) HouseholdLabels(ctx context.Context, ids []int64) (map[int64]verify.HouseholdLabel, error) {
	out := make(map[int64]verify.HouseholdLabel, len(ids))
	err := queryIn(ctx, s.db, `SELECT h.id, h.village, COALESCE(p.name, ''), COALESCE(p.id_number, '') FROM households h
		LEFT JOIN persons p ON p.household_id = h.id AND p.relationship = 'head'
		WHERE h.id IN (`, `)`, ids,
		func(rows *sql.Rows) error {
			var id int64
			var l verify.HouseholdLabel
			if err := rows.Scan(&id, &l.Village, &l.HeadName, &l.HeadID); err != nil {
				return err
			}
			if _, seen := out[id]; !seen || l.HeadName != "" {
				out[id] = l
			}
			return nil
		})
	return out, err
}
