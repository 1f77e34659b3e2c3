package verify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/calendar"
	"safetynet/internal/casework"
	"safetynet/internal/idcard"
	"safetynet/internal/registry"
)

// Checker matches a household against the stored snapshots of the
// connected sources and applies the policy's rules: every source answers
// in Mode Online. The matching engine of this package satisfies it; tests
// use a fake.
type Checker interface {
	Check(ctx context.Context, h *registry.Household, asOf string) (Report, error)
}

// Cases is what the centre needs of the casework service: the case's
// request_verification and record_verification steps are taken through
// it, inside the centre's transaction; *casework.Service satisfies it.
type Cases interface {
	Act(ctx context.Context, by access.Principal, id int64, version int, a casework.Action, in casework.StepInput) (casework.View, error)
	Get(ctx context.Context, by access.Principal, id int64) (casework.View, error)
}

// Households reads registry households; registry.Store satisfies it.
type Households interface {
	Household(ctx context.Context, id int64) (registry.Household, error)
}

// CentreStore persists the case half of verification: authorizations,
// connections, requests, paper replies and reports. Every method uses the
// transaction carried by ctx, if any; lookups of one row return NotFound.
type CentreStore interface {
	AddAuthorization(ctx context.Context, a *Authorization) error
	// Authorizations returns a household's authorizations, oldest first.
	Authorizations(ctx context.Context, county string, householdID int64) ([]Authorization, error)
	// Connections returns the rows stored for a county (12-digit code):
	// sources without a row are connected.
	Connections(ctx context.Context, county string) ([]Connection, error)
	SetConnection(ctx context.Context, c Connection) error
	CreateRequest(ctx context.Context, r *Request) error
	Request(ctx context.Context, id int64) (Request, error)
	// UpdateRequest writes the status, report, completion and note of a
	// pending request r; Conflict when it is no longer pending.
	UpdateRequest(ctx context.Context, r *Request) error
	// PendingRequests returns the pending requests whose village starts
	// with prefix, oldest first, at most limit.
	PendingRequests(ctx context.Context, prefix string, limit int) ([]Request, error)
	// RequestsOf returns the requests of a household, newest first.
	RequestsOf(ctx context.Context, county string, householdID int64) ([]Request, error)
	AddReply(ctx context.Context, r *Reply) error
	// Replies returns the replies recorded for a request, oldest first.
	Replies(ctx context.Context, requestID int64) ([]Reply, error)
	CreateReport(ctx context.Context, r *StoredReport) error
	Report(ctx context.Context, id int64) (StoredReport, error)
}

// Centre is the verification centre's casework (核对中心): the signed
// authorizations, which sources each county has connected, verification
// requests from households and cases with the centre's queue, the paper
// replies of manual comparison, and the reports, each read audited. Each
// change runs in one transaction with its audit entry.
type Centre struct {
	Store      CentreStore
	Households Households
	// Checker is the online comparison; nil means no source answers
	// online, so every request waits for paper replies.
	Checker Checker
	// Policy resolves the thresholds that judge the findings of paper
	// replies (Match, the engine's own rules); nil judges every manual
	// finding as needing a manual check.
	Policy Policy
	Cases  Cases
	Tx     audit.Transactor
	Audit  *audit.Log
	Now    func() time.Time
}

func (s *Centre) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Centre) today() calendar.Date { return calendar.FromTime(s.now()) }

// platform is the principal the centre acts as when it answers a case on
// its own (all sources online): the verification platform of the county.
func platform(county string) access.Principal { return access.System("核对平台", county) }

var errHouseholdNotFound = apperr.New(apperr.NotFound, "未找到该家庭", "household not found")

// household reads a household within by's jurisdiction (NotFound outside).
func (s *Centre) household(ctx context.Context, by access.Principal, id int64) (registry.Household, error) {
	h, err := s.Households.Household(ctx, id)
	if apperr.Is(err, apperr.NotFound) || (err == nil && !by.Covers(h.Village)) {
		return registry.Household{}, errHouseholdNotFound
	}
	return h, err
}

func (s *Centre) record(ctx context.Context, by access.Principal, action, subjectType string, id int64, region string, before, after any) error {
	return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: action, SubjectType: subjectType,
		SubjectID: fmt.Sprint(id), SubjectRegion: region, Before: before, After: after})
}

// require returns Unauthorized or Forbidden unless by holds p.
func require(by access.Principal, p access.Permission) error { return by.Require(p) }

// maskID masks a resident ID for roles that may not see it whole.
func maskID(s string) string {
	if id, err := idcard.Parse(s); err == nil {
		return id.Mask()
	}
	return s
}

// who names a member for messages: name and masked ID.
func who(m registry.Member) string {
	if m.IDNumber == "" {
		return m.Name
	}
	return m.Name + "（" + maskID(m.IDNumber) + "）"
}

// county12 returns the 12-digit county code of a division code.
func county12(code string) string { return registry.CountyOf(code) }

func trim(s string) string { return strings.TrimSpace(s) }
