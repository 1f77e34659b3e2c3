package access

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"regexp"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/region"
)

// User is an account.
type User struct {
	ID           int64
	Username     string
	DisplayName  string
	Role         Role
	Region       string // 12-digit code of the jurisdiction
	Department   string // for a department handler: a key of Departments
	Disabled     bool
	FailedLogins int
	LockedUntil  time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// auditView is what the audit log keeps of a user (never the hash).
func (u User) auditView() map[string]any {
	return map[string]any{"username": u.Username, "display_name": u.DisplayName, "role": u.Role,
		"region": u.Region, "department": u.Department, "disabled": u.Disabled}
}

// TokenKind distinguishes browser sessions, API bearer tokens and the
// long-lived tokens of other departments' systems.
type TokenKind string

const (
	WebSession   TokenKind = "web"
	APIToken     TokenKind = "api"
	ServiceToken TokenKind = "service"
)

// Session is a stored session or token; only the hash of its secret is kept.
type Session struct {
	TokenHash  string
	UserID     int64
	Kind       TokenKind
	Name       string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
}

// Store persists users and sessions. Methods return NotFound for an
// unknown user or session and Conflict for a duplicate username.
type Store interface {
	CreateUser(ctx context.Context, u *User, passwordHash string) error
	UserByName(ctx context.Context, username string) (User, string, error)
	UserByID(ctx context.Context, id int64) (User, error)
	ListUsers(ctx context.Context, regionPrefix string) ([]User, error)
	SetDisabled(ctx context.Context, id int64, disabled bool, at time.Time) error
	SetPasswordHash(ctx context.Context, id int64, hash string, at time.Time) error
	SetLoginState(ctx context.Context, id int64, failed int, lockedUntil time.Time) error
	CreateSession(ctx context.Context, s Session) error
	SessionByHash(ctx context.Context, hash string) (Session, error)
	TouchSession(ctx context.Context, hash string, at time.Time) error
	DeleteSession(ctx context.Context, hash string) error
	DeleteUserSessions(ctx context.Context, userID int64) error
	AddClientFailure(ctx context.Context, client string, at time.Time) error
	ClientFailuresSince(ctx context.Context, client string, since time.Time) (int, error)
}

// RegionChecker tells whether a division code exists.
type RegionChecker interface {
	Exists(code string) bool
}

// Service is the access use cases.
type Service struct {
	Store   Store
	Tx      audit.Transactor
	Audit   *audit.Log
	Regions RegionChecker
	Hash    Argon2Params
	Now     func() time.Time

	// Lockout policy: after MaxFailures wrong passwords in a row an account
	// is locked for LockFor; a client address gets at most ClientLimit
	// failures per ClientWindow across all usernames.
	MaxFailures  int
	LockFor      time.Duration
	ClientLimit  int
	ClientWindow time.Duration
	SessionTTL   time.Duration // web sessions and API tokens
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) defaults() {
	if s.MaxFailures == 0 {
		s.MaxFailures = 5
	}
	if s.LockFor == 0 {
		s.LockFor = 15 * time.Minute
	}
	if s.ClientLimit == 0 {
		s.ClientLimit = 20
	}
	if s.ClientWindow == 0 {
		s.ClientWindow = 15 * time.Minute
	}
	if s.SessionTTL == 0 {
		s.SessionTTL = 12 * time.Hour
	}
	if s.Hash.Memory == 0 {
		s.Hash = DefaultArgon2
	}
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,31}$`)

// NewUser is the input of CreateUser.
type NewUser struct {
	Username    string
	DisplayName string
	Password    string
	Role        string
	Region      string // 2, 4, 6, 9 or 12 digits
	Department  string // required for department handlers, empty for the rest
}

// CreateUser adds an account. by must hold UserManage and cover the new
// user's jurisdiction. Returns Invalid (naming the field), Forbidden, or
// Conflict for a taken username.
func (s *Service) CreateUser(ctx context.Context, by Principal, in NewUser) (User, error) {
	s.defaults()
	if err := by.Require(UserManage); err != nil {
		return User{}, err
	}
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	if !usernameRE.MatchString(in.Username) {
		return User{}, apperr.Field("username", "用户名须为 3–32 位小写字母、数字、点、下划线或连字符",
			"the username is 3–32 lower-case letters, digits, '.', '_' or '-'")
	}
	role, err := ParseRole(in.Role)
	if err != nil {
		return User{}, err
	}
	code, err := region.Normalize(in.Region)
	if err != nil {
		return User{}, err
	}
	if s.Regions != nil && !s.Regions.Exists(code) {
		return User{}, apperr.Field("region", "行政区划代码不存在："+in.Region, "unknown division code: "+in.Region)
	}
	if !by.Covers(code) {
		return User{}, apperr.ErrForbidden
	}
	in.Department = strings.TrimSpace(in.Department)
	switch _, known := Departments[in.Department]; {
	case role == DepartmentHandler && !known:
		return User{}, apperr.Field("department", "部门经办人员须选择所属部门", "a department handler needs a department")
	case role != DepartmentHandler && in.Department != "":
		return User{}, apperr.Field("department", "只有部门经办人员有所属部门", "only department handlers have a department")
	}
	if err := ValidatePassword(in.Password); err != nil {
		return User{}, err
	}
	now := s.now()
	u := User{Username: in.Username, DisplayName: strings.TrimSpace(in.DisplayName), Role: role, Region: code,
		Department: in.Department, CreatedAt: now, UpdatedAt: now}
	if u.DisplayName == "" {
		u.DisplayName = u.Username
	}
	hash := s.Hash.HashPassword(in.Password)
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.CreateUser(ctx, &u, hash); err != nil {
			if apperr.Is(err, apperr.Conflict) {
				return apperr.Field("username", "用户名已存在："+u.Username, "username already taken: "+u.Username).WithOp("access.CreateUser")
			}
			return err
		}
		return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "user.create", SubjectType: "user",
			SubjectID: u.Username, SubjectRegion: u.Region, After: u.auditView()})
	})
	return u, err
}

// ListUsers returns the users within by's jurisdiction. Requires UserManage.
func (s *Service) ListUsers(ctx context.Context, by Principal) ([]User, error) {
	if err := by.Require(UserManage); err != nil {
		return nil, err
	}
	return s.Store.ListUsers(ctx, by.Prefix())
}

// userInScope loads a user by name; NotFound when outside by's jurisdiction.
func (s *Service) userInScope(ctx context.Context, by Principal, username string) (User, error) {
	u, _, err := s.Store.UserByName(ctx, strings.ToLower(strings.TrimSpace(username)))
	if err != nil {
		return User{}, err
	}
	if !by.Covers(u.Region) {
		return User{}, apperr.New(apperr.NotFound, "未找到用户", "user not found")
	}
	return u, nil
}

// SetDisabled disables or re-enables an account; disabling ends its
// sessions and tokens. Requires UserManage. Returns NotFound or Forbidden.
func (s *Service) SetDisabled(ctx context.Context, by Principal, username string, disabled bool) error {
	if err := by.Require(UserManage); err != nil {
		return err
	}
	return s.Tx.WithTx(ctx, func(ctx context.Context) error {
		u, err := s.userInScope(ctx, by, username)
		if err != nil {
			return err
		}
		before := u.auditView()
		if err := s.Store.SetDisabled(ctx, u.ID, disabled, s.now()); err != nil {
			return err
		}
		if disabled {
			if err := s.Store.DeleteUserSessions(ctx, u.ID); err != nil {
				return err
			}
		}
		u.Disabled = disabled
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: action, SubjectType: "user",
			SubjectID: u.Username, SubjectRegion: u.Region, Before: before, After: u.auditView()})
	})
}

// SetPassword sets a new password, unlocks the account and ends its
// sessions. A user may change their own; others need UserManage.
func (s *Service) SetPassword(ctx context.Context, by Principal, username, password string) error {
	s.defaults()
	self := by.Authenticated() && !by.IsSystem() && strings.EqualFold(by.Username, username)
	if !self {
		if err := by.Require(UserManage); err != nil {
			return err
		}
	}
	if err := ValidatePassword(password); err != nil {
		return err
	}
	hash := s.Hash.HashPassword(password)
	return s.Tx.WithTx(ctx, func(ctx context.Context) error {
		u, err := s.userInScope(ctx, by, username)
		if self {
			u, _, err = s.Store.UserByName(ctx, by.Username)
		}
		if err != nil {
			return err
		}
		if err := s.Store.SetPasswordHash(ctx, u.ID, hash, s.now()); err != nil {
			return err
		}
		if err := s.Store.SetLoginState(ctx, u.ID, 0, time.Time{}); err != nil {
			return err
		}
		if err := s.Store.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "user.password", SubjectType: "user",
			SubjectID: u.Username, SubjectRegion: u.Region})
	})
}

// errBadLogin is the one answer to a wrong username or password: which of
// the two was wrong is never revealed.
var errBadLogin = apperr.New(apperr.Unauthorized, "用户名或密码错误", "wrong username or password")

// Login checks a password and opens a session or token of kind. client is
// the caller's address, for throttling. Returns Unauthorized for wrong
// credentials or a disabled account, TooMany when locked out.
func (s *Service) Login(ctx context.Context, username, password, client string, kind TokenKind) (string, Principal, error) {
	s.defaults()
	now := s.now()
	username = strings.ToLower(strings.TrimSpace(username))
	if n, err := s.Store.ClientFailuresSince(ctx, client, now.Add(-s.ClientWindow)); err != nil {
		return "", Principal{}, err
	} else if n >= s.ClientLimit {
		return "", Principal{}, apperr.New(apperr.TooMany, "登录失败次数过多，请稍后再试", "too many failed logins; try again later")
	}
	u, hash, err := s.Store.UserByName(ctx, username)
	if apperr.Is(err, apperr.NotFound) {
		// Spend the same time as a real check so timing does not tell
		// which usernames exist.
		CheckPassword(dummyHash, password)
		s.Store.AddClientFailure(ctx, client, now)
		return "", Principal{}, errBadLogin
	}
	if err != nil {
		return "", Principal{}, err
	}
	if u.LockedUntil.After(now) {
		return "", Principal{}, apperr.New(apperr.TooMany, "账号已临时锁定，请 "+u.LockedUntil.Sub(now).Round(time.Minute).String()+" 后再试",
			"account locked; try again later")
	}
	if !CheckPassword(hash, password) {
		failed := u.FailedLogins + 1
		var until time.Time
		if failed >= s.MaxFailures {
			until, failed = now.Add(s.LockFor), 0
		}
		err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
			if err := s.Store.SetLoginState(ctx, u.ID, failed, until); err != nil {
				return err
			}
			if err := s.Store.AddClientFailure(ctx, client, now); err != nil {
				return err
			}
			if until.IsZero() {
				return nil
			}
			p := NewPrincipal(u)
			return s.Audit.Record(ctx, p.Actor(), audit.Event{Action: "user.locked", SubjectType: "user",
				SubjectID: u.Username, SubjectRegion: u.Region})
		})
		if err != nil {
			return "", Principal{}, err
		}
		return "", Principal{}, errBadLogin
	}
	if u.Disabled {
		return "", Principal{}, apperr.New(apperr.Unauthorized, "账号已停用", "account disabled")
	}
	token, err := s.openSession(ctx, u, kind, "", now.Add(s.SessionTTL), "user.login")
	if err != nil {
		return "", Principal{}, err
	}
	return token, NewPrincipal(u), nil
}

// dummyHash is checked against for unknown usernames (password "x").
var dummyHash = FastArgon2.HashPassword("x")

func (s *Service) openSession(ctx context.Context, u User, kind TokenKind, name string, expires time.Time, action string) (string, error) {
	secret := make([]byte, 32)
	rand.Read(secret)
	token := base64.RawURLEncoding.EncodeToString(secret)
	now := s.now()
	sess := Session{TokenHash: hashToken(token), UserID: u.ID, Kind: kind, Name: name,
		CreatedAt: now, ExpiresAt: expires, LastSeenAt: now}
	err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.SetLoginState(ctx, u.ID, 0, time.Time{}); err != nil {
			return err
		}
		if err := s.Store.CreateSession(ctx, sess); err != nil {
			return err
		}
		p := NewPrincipal(u)
		return s.Audit.Record(ctx, p.Actor(), audit.Event{Action: action, SubjectType: "user",
			SubjectID: u.Username, SubjectRegion: u.Region, After: map[string]any{"kind": kind, "name": name}})
	})
	return token, err
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// IssueServiceToken issues a long-lived token for another department's
// system acting as the account username (whose role and jurisdiction scope
// every call). Requires TokenIssue. Returns NotFound, Forbidden, Invalid.
func (s *Service) IssueServiceToken(ctx context.Context, by Principal, username, name string, ttl time.Duration) (string, error) {
	if err := by.Require(TokenIssue); err != nil {
		return "", err
	}
	if strings.TrimSpace(name) == "" {
		return "", apperr.Field("name", "请填写令牌用途（对接系统名称）", "name the system the token is for")
	}
	if ttl <= 0 || ttl > 3*366*24*time.Hour {
		return "", apperr.Field("ttl", "有效期须在 3 年以内", "the validity must be positive and at most 3 years")
	}
	u, err := s.userInScope(ctx, by, username)
	if err != nil {
		return "", err
	}
	if u.Disabled {
		return "", apperr.Field("username", "账号已停用", "account disabled")
	}
	return s.openSession(ctx, u, ServiceToken, strings.TrimSpace(name), s.now().Add(ttl), "token.issue")
}

// Authenticate resolves a session cookie or bearer token to its principal.
// Returns Unauthorized for an unknown, expired or disabled one.
func (s *Service) Authenticate(ctx context.Context, token string) (Principal, error) {
	if token == "" {
		return Principal{}, apperr.ErrUnauthorized
	}
	now := s.now()
	h := hashToken(token)
	sess, err := s.Store.SessionByHash(ctx, h)
	if apperr.Is(err, apperr.NotFound) {
		return Principal{}, apperr.ErrUnauthorized
	}
	if err != nil {
		return Principal{}, err
	}
	if !sess.ExpiresAt.After(now) {
		s.Store.DeleteSession(ctx, h)
		return Principal{}, apperr.New(apperr.Unauthorized, "登录已过期，请重新登录", "session expired; log in again")
	}
	u, err := s.Store.UserByID(ctx, sess.UserID)
	if err != nil {
		return Principal{}, err
	}
	if u.Disabled {
		return Principal{}, apperr.New(apperr.Unauthorized, "账号已停用", "account disabled")
	}
	// Record the last use, at most once a minute so that a busy page does
	// not write on every request.
	if now.Sub(sess.LastSeenAt) > time.Minute {
		s.Store.TouchSession(ctx, h, now)
	}
	return NewPrincipal(u), nil
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.Store.DeleteSession(ctx, hashToken(token))
}
