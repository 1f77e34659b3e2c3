package casework

import (
	"context"
	"time"

	"safetynet/internal/calendar"
	"safetynet/internal/registry"
)

// Store persists cases, the receipt numbers' daily sequences and the
// relatives' register. A case is kept whole; the store copies out of it the
// columns it filters on (jurisdiction, receipt number, programme, status,
// household, applicant) and takes the rest from Index. Every method uses the
// transaction carried by ctx, if any.
type Store interface {
	// CreateCase stores a new case, assigning c.ID and setting c.Version
	// to 1. Returns Conflict when the receipt number is taken.
	CreateCase(ctx context.Context, c *Case, ix Index) error
	// Case returns a case. Returns NotFound.
	Case(ctx context.Context, id int64) (Case, error)
	// UpdateCase writes c whole when its stored version is still expect,
	// and sets c.Version to expect+1. Returns Conflict when the version has
	// moved on (someone else changed the case) and NotFound.
	UpdateCase(ctx context.Context, c *Case, ix Index, expect int) error
	// CaseByTracking returns the case with a receipt number. Returns
	// NotFound.
	CaseByTracking(ctx context.Context, tracking string) (Case, error)
	// CasesOf returns the cases whose applicant has resident ID idNumber,
	// or whose household is householdID (when not 0), newest first.
	CasesOf(ctx context.Context, idNumber string, householdID int64) ([]Case, error)
	// Cases returns the cases matching f, ordered by next deadline (cases
	// without one last) then by ID, and how many match in all.
	Cases(ctx context.Context, f Filter) ([]Case, int, error)
	// NextTrackingSeq returns the next receipt sequence of a township (its
	// 12-digit code) on day: 1 for the day's first application. The
	// increment belongs to the transaction in ctx.
	NextTrackingSeq(ctx context.Context, township string, day calendar.Date) (int, error)
	// AddRelative stores an entry of the register, assigning r.ID. Returns
	// Conflict when the county already has the entry (same staff member,
	// same relative).
	AddRelative(ctx context.Context, r *RegisteredRelative) error
	// Relatives returns the entries of the counties whose 12-digit code
	// starts with countyPrefix ("" for all), by county, staff and relative.
	Relatives(ctx context.Context, countyPrefix string) ([]RegisteredRelative, error)
	// RelativesOf returns every entry, in any county, naming one of the
	// resident IDs as the relative.
	RelativesOf(ctx context.Context, idNumbers []string) ([]RegisteredRelative, error)
}

// Index is what a store keeps beside a case that the case itself does not
// say: computed by the service on every save.
type Index struct {
	// Department is the department that decides the case (协同办理): a
	// department handler's queue is the cases of departments other than
	// civil affairs.
	Department Department
	// NextDue is the last day of the earliest deadline running on the case
	// (Next), zero when none runs; the board reads cases through it.
	NextDue   calendar.Date
	UpdatedAt time.Time
}

// Filter selects cases for Store.Cases. Empty fields match everything.
type Filter struct {
	// RegionPrefix keeps the cases whose village code starts with it: the
	// significant prefix of a jurisdiction (access.Principal.Prefix).
	RegionPrefix  string
	Statuses      []Status
	Programme     Programme
	Department    Department
	NotDepartment Department
	// DueThrough, when set, keeps only the cases with a deadline on or
	// before it (Index.NextDue).
	DueThrough calendar.Date
	// Limit 0 means no limit.
	Limit, Offset int
}

// RegisteredRelative is a stored entry of the 近亲属备案 register.
type RegisteredRelative struct {
	ID     int64
	County string // 12-digit code of the county the entry was registered in
	StaffRelative
	CreatedBy string // username
	CreatedAt time.Time
}

// Households is what the service needs of the registry's storage to read a
// case's household and to enrol it after a confirmation, inside the case's
// transaction; registry.Store satisfies it.
type Households interface {
	Household(ctx context.Context, id int64) (registry.Household, error)
	PersonByIDNumber(ctx context.Context, idNumber string) (registry.Person, error)
	SaveHousehold(ctx context.Context, h *registry.Household, expect int) error
	RecordChange(ctx context.Context, householdID int64, county string, c registry.Change) error
}
