package sqlstore

import (
	"context"

	"safetynet/internal/region"
)

// RegionStore keeps the administrative divisions.
type RegionStore struct{ db *DB }

// Regions returns the division store of db.
func (db *DB) Regions() *RegionStore { return &RegionStore{db} }

// Count returns the number of divisions stored.
func (s *RegionStore) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM divisions`).Scan(&n)
	return n, translate(err)
}

// Upsert inserts divisions, parents first, or updates the name and parent
// of codes already present. The class of an existing village is kept: it
// is edited by hand and a re-import must not undo that.
func (s *RegionStore) Upsert(ctx context.Context, divs []region.Division) error {
	const batch = 400 // 5 parameters a row, under SQLite's 32766 limit
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		for start := 0; start < len(divs); start += batch {
			end := min(start+batch, len(divs))
			args := make([]any, 0, (end-start)*5)
			for _, d := range divs[start:end] {
				args = append(args, d.Code, d.Name, nullString(d.Parent), int(d.Level), d.Class.String())
			}
			q := `INSERT INTO divisions (code, name, parent, level, class) VALUES ` +
				repeatRow("(?, ?, ?, ?, ?)", end-start) +
				` ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent = excluded.parent`
			if _, err := s.db.exec(ctx, q, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

const divisionColumns = `code, name, COALESCE(parent, ''), level, class`

func scanDivision(sc interface{ Scan(...any) error }) (region.Division, error) {
	var d region.Division
	var level int
	var class string
	err := sc.Scan(&d.Code, &d.Name, &d.Parent, &level, &class)
	d.Level = region.Level(level)
	d.Class, _ = region.ParseClass(class)
	return d, err
}

// All returns every division ordered by code (used to build the in-memory
// tree at start-up).
func (s *RegionStore) All(ctx context.Context) ([]region.Division, error) {
	rows, err := s.db.query(ctx, `SELECT `+divisionColumns+` FROM divisions ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []region.Division
	for rows.Next() {
		d, err := scanDivision(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, d)
	}
	return out, translate(rows.Err())
}

// SetClass changes the urban/rural class of a division.
func (s *RegionStore) SetClass(ctx context.Context, code string, c region.Class) error {
	res, err := s.db.exec(ctx, `UPDATE divisions SET class = ? WHERE code = ?`, c.String(), code)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return scanOne(errNoRows, "行政区划")
	}
	return nil
}

// Setup migrates the schema and loads the embedded Yunnan divisions when
// the divisions table is empty.
func (db *DB) Setup(ctx context.Context) error {
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	n, err := db.Regions().Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	return db.Regions().Upsert(ctx, region.Yunnan())
}
