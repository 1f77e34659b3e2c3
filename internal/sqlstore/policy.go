package sqlstore

import (
	"context"
	"encoding/json"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
	"safetynet/internal/policy"
)

// PolicyStore implements policy.Store and policy.CalendarStore.
type PolicyStore struct{ db *DB }

var (
	_ policy.Store         = (*PolicyStore)(nil)
	_ policy.CalendarStore = (*PolicyStore)(nil)
)

// Policy returns the store of published policy versions and calendar days.
func (db *DB) Policy() *PolicyStore { return &PolicyStore{db} }

// ListVersions returns every published version, ordered by region then
// effective date.
func (s *PolicyStore) ListVersions(ctx context.Context) ([]policy.Published, error) {
	rows, err := s.db.query(ctx, `SELECT region, effective, COALESCE(until_date, ''), params_json, note, unverified_json,
		published_by, published_at FROM policy_versions ORDER BY region, effective`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []policy.Published
	for rows.Next() {
		var p policy.Published
		var params, unverified string
		if err := rows.Scan(&p.Region, &p.Effective, &p.Until, &params, &p.Note, &unverified, &p.By, &p.At); err != nil {
			return nil, translate(err)
		}
		// The params were validated when published and are read back with
		// the same decoder; a failure here means the row was edited by hand.
		if err := json.Unmarshal([]byte(params), &p.Params); err != nil {
			return nil, apperr.Errorf("sqlstore: policy version %s@%s: params: %w", p.Region, p.Effective, err)
		}
		if err := json.Unmarshal([]byte(unverified), &p.Unverified); err != nil {
			return nil, apperr.Errorf("sqlstore: policy version %s@%s: unverified: %w", p.Region, p.Effective, err)
		}
		p.At = p.At.UTC()
		out = append(out, p)
	}
	return out, translate(rows.Err())
}

// InsertVersion stores a published version; Conflict when the region
// already has a version with the same effective date.
func (s *PolicyStore) InsertVersion(ctx context.Context, p policy.Published) error {
	params, err := json.Marshal(p.Params)
	if err != nil {
		return apperr.Errorf("sqlstore: marshal params: %w", err)
	}
	unverified := p.Unverified
	if unverified == nil {
		unverified = []string{}
	}
	uv, err := json.Marshal(unverified)
	if err != nil {
		return apperr.Errorf("sqlstore: marshal unverified: %w", err)
	}
	_, err = s.db.exec(ctx, `INSERT INTO policy_versions (id, region, effective, until_date, params_json, note,
		unverified_json, published_by, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		NewID(), p.Region, p.Effective, nullString(p.Until), string(params), p.Note, string(uv), p.By, utc(p.At))
	return err
}

// CalendarDays returns every stored calendar entry in date order.
func (s *PolicyStore) CalendarDays(ctx context.Context) ([]calendar.Entry, error) {
	rows, err := s.db.query(ctx, `SELECT date, kind, name FROM calendar_days ORDER BY date`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []calendar.Entry
	for rows.Next() {
		var date, kind string
		var e calendar.Entry
		if err := rows.Scan(&date, &kind, &e.Name); err != nil {
			return nil, translate(err)
		}
		d, err := calendar.ParseDate(date)
		if err != nil {
			return nil, apperr.Errorf("sqlstore: calendar day %q: %w", date, err)
		}
		e.Date = d
		switch kind {
		case "holiday":
			e.Kind = calendar.Holiday
		case "workday":
			e.Kind = calendar.Workday
		}
		out = append(out, e)
	}
	return out, translate(rows.Err())
}

// PutCalendarDays stores entries, replacing the stored entry of any date
// already present.
func (s *PolicyStore) PutCalendarDays(ctx context.Context, entries []calendar.Entry, by string, at time.Time) error {
	const batch = 500 // 5 parameters a row, under SQLite's 32766 limit
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		for start := 0; start < len(entries); start += batch {
			end := min(start+batch, len(entries))
			args := make([]any, 0, (end-start)*5)
			for _, e := range entries[start:end] {
				args = append(args, e.Date.String(), e.Kind.String(), e.Name, by, utc(at))
			}
			q := `INSERT INTO calendar_days (date, kind, name, updated_by, updated_at) VALUES ` +
				repeatRow("(?, ?, ?, ?, ?)", end-start) +
				` ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, name = excluded.name,
				updated_by = excluded.updated_by, updated_at = excluded.updated_at`
			if _, err := s.db.exec(ctx, q, args...); err != nil {
				return err
			}
		}
		return nil
	})
}
