package sqlstore

import (
	"context"
	"database/sql"

	"safetynet/internal/registry"
)

// RegistryStore implements registry.Store.
type RegistryStore struct{ db *DB }

var _ registry.Store = (*RegistryStore)(nil)

// Registry returns the registry store of db.
func (db *DB) Registry() *RegistryStore { return &RegistryStore{db} }

// CreateHousehold inserts a household and its members as new persons.
// Returns Conflict when a member's resident ID is already stored.
func (s *RegistryStore) CreateHousehold(ctx context.Context, h *registry.Household) error {
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		h.ID = NewID()
		if _, err := s.db.exec(ctx, `INSERT INTO households (id, county, village, area, address, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, h.ID, h.County, h.Village, string(h.Area), h.Address, utc(h.CreatedAt), utc(h.UpdatedAt)); err != nil {
			return err
		}
		for i := range h.Members {
			m := &h.Members[i]
			m.PersonID = NewID()
			if _, err := s.db.exec(ctx, `INSERT INTO persons (id, id_number, name, sex, birth_date, household_id, county,
				relationship, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				m.PersonID, nullString(m.IDNumber), m.Name, m.Sex, nullString(m.BirthDate), h.ID, h.County,
				string(m.Relationship), utc(h.CreatedAt), utc(h.UpdatedAt)); err != nil {
				return err
			}
		}
		return nil
	})
}

const memberColumns = `p.id, COALESCE(p.id_number, ''), p.name, p.sex, p.birth_date, p.relationship`

func scanMember(sc interface{ Scan(...any) error }, m *registry.Member, extra ...any) error {
	var rel string
	err := sc.Scan(append([]any{&m.PersonID, &m.IDNumber, &m.Name, &m.Sex, dateString{&m.BirthDate}, &rel}, extra...)...)
	m.Relationship = registry.Relationship(rel)
	return err
}

// Household returns a household with its members, head first.
func (s *RegistryStore) Household(ctx context.Context, id int64) (registry.Household, error) {
	var h registry.Household
	var area string
	err := s.db.queryRow(ctx, `SELECT id, county, village, area, address, created_at, updated_at FROM households WHERE id = ?`, id).
		Scan(&h.ID, &h.County, &h.Village, &area, &h.Address, &h.CreatedAt, &h.UpdatedAt)
	if err != nil {
		return h, scanOne(err, "家庭")
	}
	h.Area = registry.Area(area)
	rows, err := s.db.query(ctx, `SELECT `+memberColumns+` FROM persons p WHERE p.household_id = ?
		ORDER BY CASE WHEN p.relationship = 'head' THEN 0 ELSE 1 END, p.birth_date, p.id`, id)
	if err != nil {
		return h, err
	}
	defer rows.Close()
	for rows.Next() {
		var m registry.Member
		if err := scanMember(rows, &m); err != nil {
			return h, translate(err)
		}
		h.Members = append(h.Members, m)
	}
	return h, translate(rows.Err())
}

// PersonByIDNumber returns a person and where their household is.
func (s *RegistryStore) PersonByIDNumber(ctx context.Context, idNumber string) (registry.Person, error) {
	var p registry.Person
	var hh sql.NullInt64
	var village sql.NullString
	err := scanMember(s.db.queryRow(ctx, `SELECT `+memberColumns+`, p.household_id, p.county, h.village
		FROM persons p LEFT JOIN households h ON h.id = p.household_id WHERE p.id_number = ?`, idNumber),
		&p.Member, &hh, &p.County, &village)
	p.HouseholdID, p.Village = hh.Int64, village.String
	return p, scanOne(err, "人员")
}

// HouseholdsOf maps those of ids that belong to a household to it.
func (s *RegistryStore) HouseholdsOf(ctx context.Context, ids []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.query(ctx, `SELECT id_number, household_id FROM persons
		WHERE household_id IS NOT NULL AND id_number IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var hh int64
		if err := rows.Scan(&id, &hh); err != nil {
			return nil, translate(err)
		}
		out[id] = hh
	}
	return out, translate(rows.Err())
}
