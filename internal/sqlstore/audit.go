package sqlstore

import (
	"context"
	"strings"

	"safetynet/internal/audit"
)

// AuditStore implements audit.Store.
type AuditStore struct{ db *DB }

var _ audit.Store = (*AuditStore)(nil)

// Audit returns the audit store of db.
func (db *DB) Audit() *AuditStore { return &AuditStore{db} }

// LockHead bumps nothing but takes the head row's write lock by a no-op
// UPDATE, so concurrent appenders queue here until the transaction ends.
func (s *AuditStore) LockHead(ctx context.Context) (audit.Head, error) {
	var h audit.Head
	err := s.db.queryRowW(ctx, `UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash`).Scan(&h.Seq, &h.Hash)
	return h, scanOne(err, "审计链头")
}

// Head returns the head without locking.
func (s *AuditStore) Head(ctx context.Context) (audit.Head, error) {
	var h audit.Head
	err := s.db.queryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&h.Seq, &h.Hash)
	return h, scanOne(err, "审计链头")
}

// Append inserts e and moves the head.
func (s *AuditStore) Append(ctx context.Context, e *audit.Entry) error {
	_, err := s.db.exec(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor_name, actor_role, actor_region,
		action, subject_type, subject_id, subject_region, before_json, after_json, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, utc(e.At), e.Actor.ID, e.Actor.Name, e.Actor.Role, e.Actor.Region,
		e.Action, e.SubjectType, e.SubjectID, e.SubjectRegion, e.Before, e.After, e.PrevHash, e.Hash)
	if err != nil {
		return err
	}
	_, err = s.db.exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, e.Seq, e.Hash)
	return err
}

const auditColumns = `seq, at, actor_id, actor_name, actor_role, actor_region, action, subject_type,
	subject_id, subject_region, before_json, after_json, prev_hash, hash`

func scanAudit(sc interface{ Scan(...any) error }, e *audit.Entry) error {
	err := sc.Scan(&e.Seq, &e.At, &e.Actor.ID, &e.Actor.Name, &e.Actor.Role, &e.Actor.Region,
		&e.Action, &e.SubjectType, &e.SubjectID, &e.SubjectRegion, &e.Before, &e.After, &e.PrevHash, &e.Hash)
	e.At = e.At.UTC()
	return err
}

// Scan walks the log in seq order in pages, so a long chain never holds one
// huge cursor open.
func (s *AuditStore) Scan(ctx context.Context, from int64, fn func(*audit.Entry) error) error {
	const page = 5000
	for {
		rows, err := s.db.query(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`, from, page)
		if err != nil {
			return err
		}
		var batch []audit.Entry
		for rows.Next() {
			var e audit.Entry
			if err := scanAudit(rows, &e); err != nil {
				rows.Close()
				return translate(err)
			}
			batch = append(batch, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return translate(err)
		}
		for i := range batch {
			if err := fn(&batch[i]); err != nil {
				return err
			}
		}
		if len(batch) < page {
			return nil
		}
		from = batch[len(batch)-1].Seq
	}
}

// Search returns matching entries newest first and the total count.
func (s *AuditStore) Search(ctx context.Context, f audit.Filter) ([]audit.Entry, int, error) {
	var where []string
	var args []any
	if f.RegionPrefix != "" {
		where = append(where, `(subject_region LIKE ? OR actor_region LIKE ?)`)
		args = append(args, f.RegionPrefix+"%", f.RegionPrefix+"%")
	}
	if f.Actor != "" {
		where = append(where, `actor_name = ?`)
		args = append(args, f.Actor)
	}
	if f.Action != "" {
		where = append(where, `action LIKE ?`)
		args = append(args, f.Action+"%")
	}
	if f.SubjectType != "" {
		where = append(where, `subject_type = ?`)
		args = append(args, f.SubjectType)
	}
	if f.SubjectID != "" {
		where = append(where, `subject_id = ?`)
		args = append(args, f.SubjectID)
	}
	if !f.From.IsZero() {
		where = append(where, `at >= ?`)
		args = append(args, utc(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, `at < ?`)
		args = append(args, utc(f.To))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM audit_log`+cond, args...).Scan(&total); err != nil {
		return nil, 0, translate(err)
	}
	rows, err := s.db.query(ctx, `SELECT `+auditColumns+` FROM audit_log`+cond+` ORDER BY seq DESC LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var e audit.Entry
		if err := scanAudit(rows, &e); err != nil {
			return nil, 0, translate(err)
		}
		out = append(out, e)
	}
	return out, total, translate(rows.Err())
}
