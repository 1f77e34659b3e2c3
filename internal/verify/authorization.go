package verify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
	"safetynet/internal/idcard"
	"safetynet/internal/registry"
)

// Authorization is a member's signed authorization and pledge for the
// verification (居民家庭经济状况核对授权承诺书, RULES §6.2) on file.
type Authorization struct {
	ID          int64
	County      string // 12-digit county code of the household
	HouseholdID int64
	PersonID    int64
	IDNumber    string
	Name        string
	SignedOn    string // YYYY-MM-DD
	Document    string // reference to the scanned letter
	RecordedBy  string // username
	RecordedAt  time.Time
}

// AuthorizationInput is a signed letter to record.
type AuthorizationInput struct {
	IDNumber string // the member who signed
	SignedOn string // YYYY-MM-DD, not after today
	Document string // scanned-document reference
}

// RecordAuthorization records that a member of household householdID has
// signed the authorization, audited.
//
// Errors: Unauthorized; Forbidden without access.VerifyAuthorize; NotFound
// for a household unknown or outside the jurisdiction; Invalid naming the
// field ("id_number" not a member, "signed_on" malformed or in the
// future, "document" missing).
func (s *Centre) RecordAuthorization(ctx context.Context, by access.Principal, householdID int64, in AuthorizationInput) (Authorization, error) {
	const op = "verify.Centre.RecordAuthorization"
	if err := require(by, access.VerifyAuthorize); err != nil {
		return Authorization{}, err
	}
	var out Authorization
	err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
		h, err := s.household(ctx, by, householdID)
		if err != nil {
			return err
		}
		m, ok := memberByID(&h, in.IDNumber)
		if !ok {
			return apperr.Field("id_number", "签署人须为该户家庭成员", "the signer must be a member of the household")
		}
		signed, err := calendar.ParseDate(trim(in.SignedOn))
		if err != nil {
			return apperr.Field("signed_on", "签署日期格式应为 YYYY-MM-DD", "the signing date must be YYYY-MM-DD")
		}
		if signed > s.today() {
			return apperr.Field("signed_on", "签署日期不能晚于今天", "the signing date cannot be in the future")
		}
		if trim(in.Document) == "" {
			return apperr.Field("document", "请填写授权承诺书扫描件编号", "the scanned document's reference is required")
		}
		out = Authorization{County: h.County, HouseholdID: h.ID, PersonID: m.PersonID, IDNumber: m.IDNumber, Name: m.Name,
			SignedOn: signed.String(), Document: trim(in.Document), RecordedBy: by.Username, RecordedAt: s.now()}
		if err := s.Store.AddAuthorization(ctx, &out); err != nil {
			return err
		}
		return s.record(ctx, by, "verify.authorization.record", "household", h.ID, h.Village, nil,
			map[string]any{"authorization": out.ID, "member": maskID(m.IDNumber), "signed_on": out.SignedOn, "document": out.Document})
	})
	if err != nil {
		return Authorization{}, wrap(err, op)
	}
	return out, nil
}

// AuthorizationStatus is a household's authorizations and the adult
// members still without one.
type AuthorizationStatus struct {
	HouseholdID    int64
	Date           string // the day adulthood is judged on
	Authorizations []Authorization
	Missing        []registry.Member
}

// Authorizations returns the authorizations on file for a household and
// the adult members (on today's date) without one. IDs are masked for
// roles that may not see them whole; a view with full IDs is audited.
//
// Errors: Unauthorized; Forbidden without access.RegistryRead; NotFound.
func (s *Centre) Authorizations(ctx context.Context, by access.Principal, householdID int64) (AuthorizationStatus, error) {
	if err := require(by, access.RegistryRead); err != nil {
		return AuthorizationStatus{}, err
	}
	h, err := s.household(ctx, by, householdID)
	if err != nil {
		return AuthorizationStatus{}, err
	}
	as, err := s.Store.Authorizations(ctx, h.County, h.ID)
	if err != nil {
		return AuthorizationStatus{}, err
	}
	today := s.today()
	st := AuthorizationStatus{HouseholdID: h.ID, Date: today.String(), Authorizations: as, Missing: MissingAuthorizations(&h, as, today)}
	if by.Can(access.SeeFullID) {
		// The list shows members' full IDs: the view is audited.
		err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
			return s.record(ctx, by, "verify.authorization.view", "household", h.ID, h.Village, nil, nil)
		})
		if err != nil {
			return AuthorizationStatus{}, err
		}
	} else {
		for i := range st.Authorizations {
			st.Authorizations[i].IDNumber = maskID(st.Authorizations[i].IDNumber)
		}
		for i := range st.Missing {
			st.Missing[i].IDNumber = maskID(st.Missing[i].IDNumber)
		}
	}
	return st, nil
}

// MissingAuthorizations returns the members of h who need an
// authorization on day and have none: those who count as household members
// (registry.Detail.Counts) and are 18 or older on day (unknown age counts
// as adult, so a letter is asked for rather than missed).
func MissingAuthorizations(h *registry.Household, have []Authorization, day calendar.Date) []registry.Member {
	signed := map[int64]bool{}
	for _, a := range have {
		signed[a.PersonID] = true
	}
	var out []registry.Member
	for _, m := range h.Members {
		if !m.Counts() || !adultOn(m, day) || signed[m.PersonID] {
			continue
		}
		out = append(out, m)
	}
	return out
}

// errMissingAuthorizations is the refusal of a request: Conflict naming
// every adult member without an authorization, in the message and in the
// field (members[i] of the household, comma-separated).
func errMissingAuthorizations(h *registry.Household, missing []registry.Member) error {
	var names, fields []string
	for _, m := range missing {
		names = append(names, who(m))
		for i, x := range h.Members {
			if x.PersonID == m.PersonID {
				fields = append(fields, fmt.Sprintf("members[%d]", i))
			}
		}
	}
	return apperr.New(apperr.Conflict,
		"以下成年家庭成员尚未签署居民家庭经济状况核对授权承诺书，不能提请核对："+strings.Join(names, "、"),
		"these adult members have not signed the verification authorization, so verification cannot be requested: "+strings.Join(names, ", ")).
		WithField(strings.Join(fields, ","))
}

func adultOn(m registry.Member, day calendar.Date) bool {
	if id, err := idcard.Parse(m.IDNumber); err == nil {
		return id.AgeOn(day.Time()) >= 18
	}
	b, err := calendar.ParseDate(m.BirthDate)
	if err != nil {
		return true
	}
	by, bm, bd := b.Civil()
	y, mo, d := day.Civil()
	age := y - by
	if mo < bm || mo == bm && d < bd {
		age--
	}
	return age >= 18
}

func memberByID(h *registry.Household, s string) (registry.Member, bool) {
	id, err := idcard.Parse(s)
	if err != nil {
		return registry.Member{}, false
	}
	for _, m := range h.Members {
		if m.IDNumber == id.String() {
			return m, true
		}
	}
	return registry.Member{}, false
}

// wrap adds op to an application error.
func wrap(err error, op string) error {
	if e, ok := apperr.As(err); ok && e.Op == "" {
		return e.WithOp(op)
	}
	return err
}
