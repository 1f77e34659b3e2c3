package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"safetynet/internal/access"
)

// AccessStore implements access.Store.
type AccessStore struct{ db *DB }

var _ access.Store = (*AccessStore)(nil)

// Access returns the user and session store of db.
func (db *DB) Access() *AccessStore { return &AccessStore{db} }

// CreateUser inserts u and sets its ID.
func (s *AccessStore) CreateUser(ctx context.Context, u *access.User, hash string) error {
	u.ID = NewID()
	_, err := s.db.exec(ctx, `INSERT INTO users (id, username, display_name, password_hash, role, region, department, disabled,
		failed_logins, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
		u.ID, u.Username, u.DisplayName, hash, string(u.Role), u.Region, u.Department, boolInt(u.Disabled), utc(u.CreatedAt), utc(u.UpdatedAt))
	return err
}

const userColumns = `id, username, display_name, role, region, department, disabled, failed_logins, locked_until, created_at, updated_at`

func scanUser(sc interface{ Scan(...any) error }, extra ...any) (access.User, error) {
	var u access.User
	var role string
	var disabled int
	var locked sql.NullTime
	dest := append([]any{&u.ID, &u.Username, &u.DisplayName, &role, &u.Region, &u.Department, &disabled, &u.FailedLogins,
		&locked, &u.CreatedAt, &u.UpdatedAt}, extra...)
	err := sc.Scan(dest...)
	u.Role = access.Role(role)
	u.Disabled = disabled != 0
	if locked.Valid {
		u.LockedUntil = locked.Time.UTC()
	}
	return u, err
}

// UserByName returns the user and its password hash.
func (s *AccessStore) UserByName(ctx context.Context, username string) (access.User, string, error) {
	var hash string
	u, err := scanUser(s.db.queryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE username = ?`, username), &hash)
	return u, hash, scanOne(err, "用户")
}

// UserByID returns the user.
func (s *AccessStore) UserByID(ctx context.Context, id int64) (access.User, error) {
	u, err := scanUser(s.db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	return u, scanOne(err, "用户")
}

// ListUsers returns the users whose jurisdiction lies within prefix.
func (s *AccessStore) ListUsers(ctx context.Context, prefix string) ([]access.User, error) {
	rows, err := s.db.query(ctx, `SELECT `+userColumns+` FROM users WHERE region LIKE ? ORDER BY region, username`, prefix+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []access.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, u)
	}
	return out, translate(rows.Err())
}

func (s *AccessStore) updateOne(ctx context.Context, q string, args ...any) error {
	res, err := s.db.exec(ctx, q, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return scanOne(errNoRows, "用户")
	}
	return nil
}

// SetDisabled sets the disabled flag.
func (s *AccessStore) SetDisabled(ctx context.Context, id int64, disabled bool, at time.Time) error {
	return s.updateOne(ctx, `UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?`, boolInt(disabled), utc(at), id)
}

// SetPasswordHash replaces the password hash.
func (s *AccessStore) SetPasswordHash(ctx context.Context, id int64, hash string, at time.Time) error {
	return s.updateOne(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, utc(at), id)
}

// SetLoginState records consecutive failures and the lock.
func (s *AccessStore) SetLoginState(ctx context.Context, id int64, failed int, lockedUntil time.Time) error {
	return s.updateOne(ctx, `UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?`, failed, nullTime(lockedUntil), id)
}

// CreateSession stores a session.
func (s *AccessStore) CreateSession(ctx context.Context, se access.Session) error {
	_, err := s.db.exec(ctx, `INSERT INTO sessions (token_hash, user_id, kind, name, created_at, expires_at, last_seen_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, se.TokenHash, se.UserID, string(se.Kind), se.Name, utc(se.CreatedAt), utc(se.ExpiresAt), utc(se.LastSeenAt))
	return err
}

// SessionByHash returns a session.
func (s *AccessStore) SessionByHash(ctx context.Context, hash string) (access.Session, error) {
	var se access.Session
	var kind string
	err := s.db.queryRow(ctx, `SELECT token_hash, user_id, kind, name, created_at, expires_at, last_seen_at
		FROM sessions WHERE token_hash = ?`, hash).Scan(&se.TokenHash, &se.UserID, &kind, &se.Name, &se.CreatedAt, &se.ExpiresAt, &se.LastSeenAt)
	se.Kind = access.TokenKind(kind)
	return se, scanOne(err, "会话")
}

// TouchSession records the last use.
func (s *AccessStore) TouchSession(ctx context.Context, hash string, at time.Time) error {
	_, err := s.db.exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, utc(at), hash)
	return err
}

// DeleteSession removes a session.
func (s *AccessStore) DeleteSession(ctx context.Context, hash string) error {
	_, err := s.db.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hash)
	return err
}

// DeleteUserSessions removes every session and token of a user.
func (s *AccessStore) DeleteUserSessions(ctx context.Context, userID int64) error {
	_, err := s.db.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	return err
}

// AddClientFailure records a failed login from client.
func (s *AccessStore) AddClientFailure(ctx context.Context, client string, at time.Time) error {
	_, err := s.db.exec(ctx, `INSERT INTO login_failures (client, at) VALUES (?, ?)`, client, utc(at))
	return err
}

// ClientFailuresSince counts failed logins from client since a time, and
// prunes records older than a day.
func (s *AccessStore) ClientFailuresSince(ctx context.Context, client string, since time.Time) (int, error) {
	var n int
	err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM login_failures WHERE client = ? AND at >= ?`, client, utc(since)).Scan(&n)
	return n, translate(err)
}
