package access

import (
	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/region"
)

// Principal is the authenticated caller of a service method: a user with a
// role and a jurisdiction, or the command line acting for the province.
type Principal struct {
	UserID   int64
	Username string
	Name     string
	Role     Role
	Region   string // 12-digit division code of the jurisdiction
	// Department is the deciding department of a department handler.
	Department string
	prefix     string // significant prefix of Region, for scoping
	system     bool
}

// NewPrincipal returns the principal of a user.
func NewPrincipal(u User) Principal {
	return Principal{UserID: u.ID, Username: u.Username, Name: u.DisplayName, Role: u.Role,
		Region: u.Region, Department: u.Department, prefix: region.Prefix(u.Region)}
}

// System returns the principal of the command line and of system jobs:
// every permission, over the whole of root (a division code), or over
// every division when root is "" (the operator at the server, who may load
// another province).
func System(name, root string) Principal {
	p := Principal{Username: name, Name: name, Role: ProvinceAdmin, Region: root, system: true}
	if root != "" {
		p.prefix = region.Prefix(root)
	}
	return p
}

// IsSystem reports whether p is the command line or a job.
func (p Principal) IsSystem() bool { return p.system }

// Authenticated reports whether p is a real caller.
func (p Principal) Authenticated() bool { return p.system || p.UserID != 0 }

// Can reports whether p holds permission perm.
func (p Principal) Can(perm Permission) bool { return p.Authenticated() && p.Role.Can(perm) }

// Require returns Unauthorized for an anonymous caller and Forbidden when
// p lacks perm.
func (p Principal) Require(perm Permission) error {
	if !p.Authenticated() {
		return apperr.ErrUnauthorized
	}
	if !p.Role.Can(perm) {
		return apperr.ErrForbidden
	}
	return nil
}

// Prefix returns the significant prefix of p's jurisdiction: a record whose
// division code starts with it lies within the jurisdiction.
func (p Principal) Prefix() string { return p.prefix }

// Covers reports whether code (any division code of 2–12 digits) lies
// within p's jurisdiction.
func (p Principal) Covers(code string) bool {
	if p.system && p.Region == "" {
		return true
	}
	return p.Authenticated() && region.Contains(p.Region, code)
}

// Actor returns p as the audit log records it.
func (p Principal) Actor() audit.Actor {
	return audit.Actor{ID: p.UserID, Name: p.Username, Role: string(p.Role), Region: p.Region}
}
