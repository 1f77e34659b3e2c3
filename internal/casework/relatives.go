package casework

import (
	"fmt"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/idcard"
	"safetynet/internal/registry"
)

// StaffRole is the post that makes a person's relatives subject to
// 近亲属备案 (S-DB2012 Art.14, S-DB2021 Art.11; Yunnan 2017 adds civil-affairs
// staff in general).
type StaffRole string

// The staff roles.
const (
	StaffCountyCivilAffairs StaffRole = "county_civil_affairs" // 县级民政部门低保经办人员
	StaffTownshipCaseworker StaffRole = "township_caseworker"  // 乡镇（街道）低保经办人员
	StaffVillageCommittee   StaffRole = "village_committee"    // 村（居）民委员会成员
	StaffCivilAffairs       StaffRole = "civil_affairs"        // 其他民政工作人员（云南 2017）
)

var staffRoleNames = map[StaffRole][2]string{
	StaffCountyCivilAffairs: {"县级民政部门经办人员", "county civil-affairs case worker"},
	StaffTownshipCaseworker: {"乡镇（街道）经办人员", "township case worker"},
	StaffVillageCommittee:   {"村（居）民委员会成员", "village committee member"},
	StaffCivilAffairs:       {"民政工作人员", "civil-affairs staff"},
}

// Zh returns the Chinese name of r.
func (r StaffRole) Zh() string { return nameOr(staffRoleNames, r, 0) }

// En returns the English name of r.
func (r StaffRole) En() string { return nameOr(staffRoleNames, r, 1) }

// Relation is how a registered relative is related to the staff member:
// the relative is the staff member's Relation. The list is S-DB2012
// Art.14's (配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女).
type Relation string

// The relations.
const (
	RelSpouse              Relation = "spouse"               // 配偶
	RelParent              Relation = "parent"               // 父母
	RelChild               Relation = "child"                // 子女
	RelSibling             Relation = "sibling"              // 兄弟姐妹
	RelGrandparent         Relation = "grandparent"          // 祖父母
	RelMaternalGrandparent Relation = "maternal_grandparent" // 外祖父母
	RelGrandchild          Relation = "grandchild"           // 孙子女
	RelMaternalGrandchild  Relation = "maternal_grandchild"  // 外孙子女
)

var relationNames = map[Relation][2]string{
	RelSpouse:              {"配偶", "spouse"},
	RelParent:              {"父母", "parent"},
	RelChild:               {"子女", "child"},
	RelSibling:             {"兄弟姐妹", "sibling"},
	RelGrandparent:         {"祖父母", "paternal grandparent"},
	RelMaternalGrandparent: {"外祖父母", "maternal grandparent"},
	RelGrandchild:          {"孙子女", "paternal grandchild"},
	RelMaternalGrandchild:  {"外孙子女", "maternal grandchild"},
}

// Zh returns the Chinese name of r.
func (r Relation) Zh() string { return nameOr(relationNames, r, 0) }

// En returns the English name of r.
func (r Relation) En() string { return nameOr(relationNames, r, 1) }

// StaffRelative is one entry of the 近亲属备案 register: a close relative
// of a person who handles or oversees assistance cases.
type StaffRelative struct {
	StaffID    string // the staff member's resident ID or personnel number
	StaffName  string
	StaffRole  StaffRole
	RelativeID string // the relative's 18-digit resident ID
	Relation   Relation
}

// Validate checks r and canonicalises its RelativeID. Errors are Invalid,
// naming "staff_id", "staff_name", "staff_role", "relative_id" or
// "relation".
func (r *StaffRelative) Validate() error {
	if strings.TrimSpace(r.StaffID) == "" {
		return apperr.Field("staff_id", "工作人员编号不能为空", "staff ID is required")
	}
	if strings.TrimSpace(r.StaffName) == "" {
		return apperr.Field("staff_name", "工作人员姓名不能为空", "staff name is required")
	}
	if _, ok := staffRoleNames[r.StaffRole]; !ok {
		return apperr.Field("staff_role", fmt.Sprintf("未知的工作人员类别“%s”", r.StaffRole), fmt.Sprintf("unknown staff role %q", r.StaffRole))
	}
	id, err := idcard.Parse(r.RelativeID)
	if err != nil {
		return apperr.Field("relative_id", "亲属的居民身份证号码无效", "the relative's resident ID is not valid")
	}
	r.RelativeID = id.String()
	if _, ok := relationNames[r.Relation]; !ok {
		return apperr.Field("relation", fmt.Sprintf("未知的亲属关系“%s”", r.Relation), fmt.Sprintf("unknown relation %q", r.Relation))
	}
	return nil
}

// Register is the 近亲属备案 register, indexed by the relative's ID.
type Register struct {
	byID map[string][]StaffRelative
}

// NewRegister validates entries and indexes them. Errors are Invalid and
// name the entry, e.g. "entries[3].relative_id".
func NewRegister(entries []StaffRelative) (*Register, error) {
	r := &Register{byID: make(map[string][]StaffRelative, len(entries))}
	for i, e := range entries {
		if err := e.Validate(); err != nil {
			if ae, ok := apperr.As(err); ok {
				return nil, ae.WithField(fmt.Sprintf("entries[%d]", i))
			}
			return nil, err
		}
		r.byID[e.RelativeID] = append(r.byID[e.RelativeID], e)
	}
	return r, nil
}

// Len returns the number of entries.
func (r *Register) Len() int {
	n := 0
	if r != nil {
		for _, l := range r.byID {
			n += len(l)
		}
	}
	return n
}

// FlagKind is what a Flag marks.
type FlagKind string

// The flag kinds.
const (
	// FlagRelative: a member is a registered relative of staff, so the
	// application is registered separately (单独登记备案) and the county
	// must visit the home before confirming (S-DB2021 Arts 11, 20).
	FlagRelative FlagKind = "relative"
)

// Flag marks a case for special handling.
type Flag struct {
	Kind     FlagKind
	PersonID int64
	IDNumber string // the member's resident ID
	Name     string // the member's name
	Staff    StaffRelative
}

// Zh describes f, e.g. "家庭成员李四是乡镇（街道）经办人员张三的配偶".
func (f Flag) Zh() string {
	return fmt.Sprintf("家庭成员%s是%s%s的%s", f.Name, f.Staff.StaffRole.Zh(), f.Staff.StaffName, f.Staff.Relation.Zh())
}

// En describes f in English.
func (f Flag) En() string {
	return fmt.Sprintf("household member %s is the %s of %s %s", f.Name, f.Staff.Relation.En(), f.Staff.StaffRole.En(), f.Staff.StaffName)
}

// FlagRelatives returns a flag for every member of members (all of them,
// counted as household members or not: a relative living in the household
// is what matters) who is in the register, once per register entry. A case
// with any flag is registered separately and needs a county home visit
// before it can be confirmed.
func FlagRelatives(members []registry.Member, reg *Register) []Flag {
	if reg == nil {
		return nil
	}
	var out []Flag
	for _, m := range members {
		if m.IDNumber == "" {
			continue
		}
		id := m.IDNumber
		if p, err := idcard.Parse(id); err == nil {
			id = p.String()
		}
		for _, e := range reg.byID[id] {
			out = append(out, Flag{Kind: FlagRelative, PersonID: m.PersonID, IDNumber: id, Name: m.Name, Staff: e})
		}
	}
	return out
}
