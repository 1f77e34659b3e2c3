package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
	"safetynet/internal/verify"
)

// VerifyCaseStore implements verify.CentreStore: authorizations,
// connections, requests, paper replies and reports. A report keeps its
// reasons, members (with their findings) and sources as the JSON encoding
// of the verify model's types, beside the columns lists filter on.
type VerifyCaseStore struct{ db *DB }

var _ verify.CentreStore = (*VerifyCaseStore)(nil)

// VerifyCase returns the verification centre's store of db.
func (db *DB) VerifyCase() *VerifyCaseStore { return &VerifyCaseStore{db} }

// AddAuthorization stores a signed authorization, assigning a.ID.
func (s *VerifyCaseStore) AddAuthorization(ctx context.Context, a *verify.Authorization) error {
	id := NewID()
	if _, err := s.db.exec(ctx, `INSERT INTO verification_authorizations (id, county, household_id, person_id, id_number,
		name, signed_on, document, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, a.County, a.HouseholdID, a.PersonID, a.IDNumber, a.Name, a.SignedOn, a.Document, a.RecordedBy, utc(a.RecordedAt)); err != nil {
		return err
	}
	a.ID = id
	return nil
}

// Authorizations returns a household's authorizations, oldest first.
func (s *VerifyCaseStore) Authorizations(ctx context.Context, county string, householdID int64) ([]verify.Authorization, error) {
	rows, err := s.db.query(ctx, `SELECT id, county, household_id, person_id, id_number, name, signed_on, document,
		recorded_by, recorded_at FROM verification_authorizations WHERE county = ? AND household_id = ? ORDER BY id`,
		county, householdID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []verify.Authorization
	for rows.Next() {
		var a verify.Authorization
		if err := rows.Scan(&a.ID, &a.County, &a.HouseholdID, &a.PersonID, &a.IDNumber, &a.Name, dateString{&a.SignedOn},
			&a.Document, &a.RecordedBy, &a.RecordedAt); err != nil {
			return nil, translate(err)
		}
		a.RecordedAt = a.RecordedAt.UTC()
		out = append(out, a)
	}
	return out, translate(rows.Err())
}

// Connections returns the stored connection rows of a county.
func (s *VerifyCaseStore) Connections(ctx context.Context, county string) ([]verify.Connection, error) {
	rows, err := s.db.query(ctx, `SELECT county, source, connected, updated_by, updated_at FROM verification_connections
		WHERE county = ? ORDER BY source`, county)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []verify.Connection
	for rows.Next() {
		var c verify.Connection
		var connected int
		if err := rows.Scan(&c.County, &c.Source, &connected, &c.UpdatedBy, &c.UpdatedAt); err != nil {
			return nil, translate(err)
		}
		c.Connected, c.UpdatedAt = connected == 1, c.UpdatedAt.UTC()
		out = append(out, c)
	}
	return out, translate(rows.Err())
}

// SetConnection inserts or replaces a county's row for a source.
func (s *VerifyCaseStore) SetConnection(ctx context.Context, c verify.Connection) error {
	_, err := s.db.exec(ctx, `INSERT INTO verification_connections (county, source, connected, updated_by, updated_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (county, source) DO UPDATE SET connected = excluded.connected,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		c.County, c.Source, boolInt(c.Connected), c.UpdatedBy, utc(c.UpdatedAt))
	return err
}

// CreateRequest stores a new request, assigning r.ID.
func (s *VerifyCaseStore) CreateRequest(ctx context.Context, r *verify.Request) error {
	id := NewID()
	if _, err := s.db.exec(ctx, `INSERT INTO verification_requests (id, county, village, household_id, head_name, case_id,
		tracking, as_of, status, requested_by, requested_at, report_id, completed_by, completed_at, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, r.County, r.Village, r.HouseholdID, r.HeadName, nullID(r.CaseID), r.Tracking, r.AsOf, string(r.Status),
		r.RequestedBy, utc(r.RequestedAt), nullID(r.ReportID), r.CompletedBy, nullTime(r.CompletedAt), r.Note); err != nil {
		return err
	}
	r.ID = id
	return nil
}

const requestColumns = `id, county, village, household_id, head_name, case_id, tracking, as_of, status, requested_by,
	requested_at, report_id, completed_by, completed_at, note`

func scanRequest(sc interface{ Scan(...any) error }, r *verify.Request) error {
	var caseID, reportID sql.NullInt64
	var completed sql.NullTime
	var status string
	if err := sc.Scan(&r.ID, &r.County, &r.Village, &r.HouseholdID, &r.HeadName, &caseID, &r.Tracking, dateString{&r.AsOf},
		&status, &r.RequestedBy, &r.RequestedAt, &reportID, &r.CompletedBy, &completed, &r.Note); err != nil {
		return err
	}
	r.CaseID, r.ReportID, r.Status = caseID.Int64, reportID.Int64, verify.RequestStatus(status)
	r.RequestedAt = r.RequestedAt.UTC()
	if completed.Valid {
		r.CompletedAt = completed.Time.UTC()
	}
	return nil
}

// Request reads one request.
func (s *VerifyCaseStore) Request(ctx context.Context, id int64) (verify.Request, error) {
	var r verify.Request
	err := scanRequest(s.db.queryRow(ctx, `SELECT `+requestColumns+` FROM verification_requests WHERE id = ?`, id), &r)
	return r, scanOne(err, "核对请求")
}

// UpdateRequest writes the status, report, completion and note of r.
func (s *VerifyCaseStore) UpdateRequest(ctx context.Context, r *verify.Request) error {
	// Only a pending request changes: two verifiers completing the same
	// request at once cannot both issue a report.
	res, err := s.db.exec(ctx, `UPDATE verification_requests SET status = ?, report_id = ?, completed_by = ?,
		completed_at = ?, note = ? WHERE id = ? AND status = 'pending'`,
		string(r.Status), nullID(r.ReportID), r.CompletedBy, nullTime(r.CompletedAt), r.Note, r.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return translate(err)
	} else if n == 0 {
		return apperr.New(apperr.Conflict, "该核对请求已办结或不存在", "the request is done or does not exist")
	}
	return nil
}

func (s *VerifyCaseStore) requests(ctx context.Context, q string, args ...any) ([]verify.Request, error) {
	rows, err := s.db.query(ctx, `SELECT `+requestColumns+` FROM verification_requests `+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []verify.Request
	for rows.Next() {
		var r verify.Request
		if err := scanRequest(rows, &r); err != nil {
			return nil, translate(err)
		}
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// PendingRequests returns the pending requests under prefix, oldest first.
func (s *VerifyCaseStore) PendingRequests(ctx context.Context, prefix string, limit int) ([]verify.Request, error) {
	q := `WHERE status = 'pending'`
	var args []any
	if len(prefix) >= 6 {
		// Name the distribution column, so Citus routes to one shard.
		q += ` AND county = ?`
		args = append(args, prefix[:6]+"000000")
	}
	lo, hi := prefixRange(prefix)
	q += ` AND village >= ? AND village < ? ORDER BY requested_at, id LIMIT ?`
	args = append(args, lo, hi, limit)
	return s.requests(ctx, q, args...)
}

// RequestsOf returns a household's requests, newest first.
func (s *VerifyCaseStore) RequestsOf(ctx context.Context, county string, householdID int64) ([]verify.Request, error) {
	return s.requests(ctx, `WHERE county = ? AND household_id = ? ORDER BY requested_at DESC, id DESC`, county, householdID)
}

// AddReply stores a paper reply, assigning r.ID.
func (s *VerifyCaseStore) AddReply(ctx context.Context, r *verify.Reply) error {
	id := NewID()
	if _, err := s.db.exec(ctx, `INSERT INTO verification_replies (id, county, request_id, id_number, source, found, kind,
		value, area, ref, detail, reply_date, document, recorded_by, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, r.County, r.RequestID, r.IDNumber, r.Source, boolInt(r.Found), r.Kind, int64(r.Value), r.AreaM2, r.Ref,
		r.Detail, r.ReplyDate, r.Document, r.RecordedBy, utc(r.RecordedAt)); err != nil {
		return err
	}
	r.ID = id
	return nil
}

// Replies returns the replies of a request, oldest first.
func (s *VerifyCaseStore) Replies(ctx context.Context, requestID int64) ([]verify.Reply, error) {
	rows, err := s.db.query(ctx, `SELECT id, county, request_id, id_number, source, found, kind, value, area, ref, detail,
		reply_date, document, recorded_by, recorded_at FROM verification_replies WHERE request_id = ? ORDER BY id`, requestID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []verify.Reply
	for rows.Next() {
		var r verify.Reply
		var found int
		var value int64
		if err := rows.Scan(&r.ID, &r.County, &r.RequestID, &r.IDNumber, &r.Source, &found, &r.Kind, &value, &r.AreaM2,
			&r.Ref, &r.Detail, dateString{&r.ReplyDate}, &r.Document, &r.RecordedBy, &r.RecordedAt); err != nil {
			return nil, translate(err)
		}
		r.Found, r.RecordedAt = found == 1, r.RecordedAt.UTC()
		r.Value = money.Money(value)
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

func encodeJSON(v any, what string) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", apperr.Errorf("sqlstore: encode %s: %w", what, err)
	}
	return string(b), nil
}

// CreateReport stores a report, assigning r.ID (and r.Report.ID).
func (s *VerifyCaseStore) CreateReport(ctx context.Context, r *verify.StoredReport) error {
	id := NewID()
	reasons, err := encodeJSON(r.Reasons, "reasons")
	if err != nil {
		return err
	}
	members, err := encodeJSON(r.Members, "members")
	if err != nil {
		return err
	}
	sources, err := encodeJSON(r.Sources, "sources")
	if err != nil {
		return err
	}
	if _, err := s.db.exec(ctx, `INSERT INTO verification_reports (id, county, village, household_id, request_id, tracking,
		as_of, verdict, policy, reasons, members, sources, note, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, county12of(r.County), r.Village, r.HouseholdID, nullID(r.RequestID), r.Case, r.AsOf, string(r.Verdict),
		r.Policy, reasons, members, sources, r.Note, r.CreatedBy, utc(r.CreatedAt)); err != nil {
		return err
	}
	r.ID = id
	return nil
}

// county12of returns the 12-digit form of a 6-digit county code.
func county12of(c string) string {
	if len(c) == 6 {
		return c + "000000"
	}
	return c
}

// Report reads one report.
func (s *VerifyCaseStore) Report(ctx context.Context, id int64) (verify.StoredReport, error) {
	var r verify.StoredReport
	var reqID sql.NullInt64
	var verdict, reasons, members, sources, county string
	var created time.Time
	err := s.db.queryRow(ctx, `SELECT id, county, village, household_id, request_id, tracking, as_of, verdict, policy,
		reasons, members, sources, note, created_by, created_at FROM verification_reports WHERE id = ?`, id).Scan(
		&r.ID, &county, &r.Village, &r.HouseholdID, &reqID, &r.Case, dateString{&r.AsOf}, &verdict, &r.Policy,
		&reasons, &members, &sources, &r.Note, &r.CreatedBy, &created)
	if err != nil {
		return r, scanOne(err, "核对报告")
	}
	r.County, r.RequestID, r.Verdict, r.CreatedAt = county[:6], reqID.Int64, verify.Verdict(verdict), created.UTC()
	for _, x := range []struct {
		s string
		v any
	}{{reasons, &r.Reasons}, {members, &r.Members}, {sources, &r.Sources}} {
		if err := json.Unmarshal([]byte(x.s), x.v); err != nil {
			return r, apperr.Errorf("sqlstore: decode report %d: %w", id, err)
		}
	}
	return r, nil
}
