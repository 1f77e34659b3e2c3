package registry

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/idcard"
	"safetynet/internal/region"
)

// Area is the urban/rural class of a household, which decides the dibao
// standard that applies to it.
type Area string

const (
	Urban Area = "urban"
	Rural Area = "rural"
)

// Relationship is a member's relation to the head of household (GB/T 4761,
// coarsened to the classes the programmes distinguish).
type Relationship string

// The relationships.
const (
	Head       Relationship = "head"
	Spouse     Relationship = "spouse"
	Child      Relationship = "child"
	Parent     Relationship = "parent"
	Grandchild Relationship = "grandchild"
	Sibling    Relationship = "sibling"
	Other      Relationship = "other"
)

var relationshipZh = map[Relationship]string{Head: "户主", Spouse: "配偶", Child: "子女", Parent: "父母",
	Grandchild: "孙子女", Sibling: "兄弟姐妹", Other: "其他"}

// Zh returns the Chinese name of the relationship.
func (r Relationship) Zh() string { return relationshipZh[r] }

// Member is a person as a member of a household.
type Member struct {
	PersonID int64
	IDNumber string // canonical 18-digit resident ID; "" for the few without one
	// InternalKey identifies a person without a resident ID (a newborn not
	// yet registered): "N" + the county code + a sequence, unique.
	InternalKey  string
	Name         string
	Sex          string // "M", "F"
	BirthDate    string // YYYY-MM-DD, derived from the ID
	Relationship Relationship
	Detail
}

// MaskedID returns the member's ID for display to roles that may not see it.
func (m Member) MaskedID() string { return maskID(m.IDNumber) }

func maskID(s string) string {
	id, err := idcard.Parse(s)
	if err != nil {
		return strings.Repeat("*", len(s))
	}
	return id.Mask()
}

// Household is a registry household.
type Household struct {
	ID           int64
	County       string // 12-digit code of the county, for scoping and distribution
	Village      string // 12-digit village (community) code
	Area         Area
	Address      string
	Bank         BankAccount
	Members      []Member
	Incomes      []Income
	Assets       []Asset
	Expenditures []Expenditure
	Enrolments   []Enrolment
	Version      int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Head returns the head of household, or false when there is none.
func (h *Household) Head() (Member, bool) {
	for _, m := range h.Members {
		if m.Relationship == Head {
			return m, true
		}
	}
	return Member{}, false
}

// Person is a person with the household they belong to (HouseholdID 0 for
// none) and where that household is.
type Person struct {
	Member
	HouseholdID int64
	Village     string
	County      string
}

// location is the most precise division known for p.
func (p Person) location() string {
	if p.Village != "" {
		return p.Village
	}
	return p.County
}

// NewHousehold is the input of CreateHousehold and UpdateHousehold.
// Incomes and assets belong to the household, or to Members[i] when their
// PersonID is -(i+1).
type NewHousehold struct {
	Village      string
	Area         string
	Address      string
	Bank         BankAccount
	Members      []NewMember
	Incomes      []Income
	Assets       []Asset
	Expenditures []Expenditure
}

// NewMember is a member in NewHousehold.
type NewMember struct {
	IDNumber     string
	Name         string
	Relationship string
	Detail       Detail
}

// Store persists households and persons. CreateHousehold returns Conflict
// when a member's ID is already stored; the others return NotFound.
type Store interface {
	CreateHousehold(ctx context.Context, h *Household) error
	Household(ctx context.Context, id int64) (Household, error)
	PersonByIDNumber(ctx context.Context, idNumber string) (Person, error)
	// HouseholdsOf returns, for those of the given IDs that belong to a
	// household now, that household's ID.
	HouseholdsOf(ctx context.Context, idNumbers []string) (map[string]int64, error)
	// LoadHouseholds inserts new households in bulk, assigning every ID.
	LoadHouseholds(ctx context.Context, hs []Household, done ...func(int, Household)) error
	// ImportHouseholds is LoadHouseholds that also records c as each
	// household's first history entry.
	ImportHouseholds(ctx context.Context, hs []Household, c Change) error
	// SaveHousehold writes an existing household whole: its row (the
	// version must still be expect, else Conflict), its members (new ones
	// inserted, removed ones detached), and its items (replaced).
	SaveHousehold(ctx context.Context, h *Household, expect int) error
	RecordChange(ctx context.Context, householdID int64, county string, c Change) error
	History(ctx context.Context, householdID int64) ([]Change, error)
	Search(ctx context.Context, f SearchFilter) ([]HouseholdRow, int, error)
}

// DivisionLookup looks up administrative divisions.
type DivisionLookup interface {
	Get(code string) (region.Division, bool)
}

// Service is the registry's use cases.
type Service struct {
	Store     Store
	Tx        audit.Transactor
	Audit     *audit.Log
	Divisions DivisionLookup
	Now       func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// CountyOf returns the 12-digit county code of a division code.
func CountyOf(code string) string {
	if len(code) < 6 {
		return code
	}
	return code[:6] + "000000"
}

// validate checks in and returns the household it describes, with every
// error naming its field as the API spells it.
func (s *Service) validate(in NewHousehold) (Household, error) {
	var h Household
	code, err := region.Normalize(in.Village)
	if err != nil {
		return h, apperr.Field("village", "村（社区）代码格式错误："+in.Village, "malformed village code: "+in.Village)
	}
	d, ok := s.Divisions.Get(code)
	if !ok || d.Level != region.Village {
		return h, apperr.Field("village", "村（社区）代码不存在："+in.Village, "unknown village code: "+in.Village)
	}
	h.Village, h.County = code, CountyOf(code)
	switch Area(in.Area) {
	case Urban, Rural:
		h.Area = Area(in.Area)
	default:
		return h, apperr.Field("area", "城乡类别须为 urban 或 rural", "area must be urban or rural")
	}
	h.Address = strings.TrimSpace(in.Address)
	if utf8.RuneCountInString(h.Address) > 200 {
		return h, apperr.Field("address", "地址过长（最多 200 字）", "address too long (200 characters at most)")
	}
	if len(in.Members) == 0 {
		return h, apperr.Field("members", "家庭至少有一名成员", "a household needs at least one member")
	}
	if len(in.Members) > 30 {
		return h, apperr.Field("members", "家庭成员过多（最多 30 人）", "too many members (30 at most)")
	}
	seen := map[string]int{}
	heads := 0
	for i, m := range in.Members {
		f := fmt.Sprintf("members[%d]", i)
		id, err := idcard.Parse(m.IDNumber)
		if err != nil {
			ae, _ := apperr.As(err)
			if ae == nil {
				ae = apperr.Field("", "身份证号码无效", "invalid resident ID")
			}
			return h, &apperr.Error{Kind: apperr.Invalid, Field: f + ".id_number",
				Msg: "身份证号码无效：" + ae.Msg, MsgEN: "invalid resident ID: " + ae.MsgEN}
		}
		if j, dup := seen[id.String()]; dup {
			return h, apperr.Field(f+".id_number", fmt.Sprintf("与第 %d 名成员身份证号码重复", j+1),
				fmt.Sprintf("same resident ID as member %d", j+1))
		}
		seen[id.String()] = i
		name := strings.TrimSpace(m.Name)
		if name == "" || utf8.RuneCountInString(name) > 50 {
			return h, apperr.Field(f+".name", "姓名不能为空且不超过 50 字", "the name is required, 50 characters at most")
		}
		rel := Relationship(m.Relationship)
		if _, ok := relationshipZh[rel]; !ok {
			return h, apperr.Field(f+".relationship", "与户主关系无效："+m.Relationship,
				"unknown relationship: "+m.Relationship)
		}
		if rel == Head {
			heads++
		}
		sex := "F"
		if id.Sex() == idcard.Male {
			sex = "M"
		}
		if err := validateDetail(&m.Detail); err != nil {
			return h, err.(*apperr.Error).WithField(f)
		}
		h.Members = append(h.Members, Member{IDNumber: id.String(), Name: name, Sex: sex,
			BirthDate: id.BirthDate().Format("2006-01-02"), Relationship: rel, Detail: m.Detail})
	}
	if heads != 1 {
		return h, apperr.Field("members", "家庭须有且仅有一名户主", "a household needs exactly one head")
	}
	h.Bank = BankAccount{Bank: strings.TrimSpace(in.Bank.Bank), Account: strings.TrimSpace(in.Bank.Account), Holder: strings.TrimSpace(in.Bank.Holder)}
	if err := validateBank(h.Bank); err != nil {
		return h, err
	}
	var err2 error
	if h.Incomes, h.Assets, h.Expenditures, err2 = validateItems(in, len(h.Members)); err2 != nil {
		return h, err2
	}
	return h, nil
}

// CreateHousehold registers a household with its members. Returns Invalid
// naming the field, Forbidden when by may not write or the village lies
// outside by's jurisdiction, and Conflict (naming the member) when a
// member already belongs to a household.
func (s *Service) CreateHousehold(ctx context.Context, by access.Principal, in NewHousehold) (Household, error) {
	if err := by.Require(access.RegistryWrite); err != nil {
		return Household{}, err
	}
	h, err := s.validate(in)
	if err != nil {
		return Household{}, err
	}
	if !by.Covers(h.Village) {
		return Household{}, apperr.New(apperr.Forbidden, "该村（社区）不在您的管辖范围内",
			"the village is outside your jurisdiction").WithField("village")
	}
	h.CreatedAt, h.UpdatedAt = s.now(), s.now()
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		ids := make([]string, len(h.Members))
		for i, m := range h.Members {
			ids[i] = m.IDNumber
		}
		taken, err := s.Store.HouseholdsOf(ctx, ids)
		if err != nil {
			return err
		}
		for i, id := range ids {
			if _, ok := taken[id]; ok {
				return &apperr.Error{Kind: apperr.Conflict, Field: fmt.Sprintf("members[%d].id_number", i),
					Msg: "该成员已属于另一户家庭，须先办理迁出", MsgEN: "this member already belongs to another household"}
			}
		}
		if err := s.Store.CreateHousehold(ctx, &h); err != nil {
			return err
		}
		return s.changed(ctx, by, &h, nil, "create", "新建家庭档案", fmt.Sprintf("登记家庭，成员 %d 人", len(h.Members)))
	})
	if err != nil {
		return Household{}, err
	}
	return h, nil
}

var errHouseholdNotFound = apperr.New(apperr.NotFound, "未找到该家庭", "household not found")

// Household returns a household within by's jurisdiction. Returns NotFound
// for an unknown household or one outside the jurisdiction (the same
// answer, so existence is never revealed), Forbidden without RegistryRead.
// A view that shows unmasked IDs is audited.
func (s *Service) Household(ctx context.Context, by access.Principal, id int64) (Household, error) {
	if err := by.Require(access.RegistryRead); err != nil {
		return Household{}, err
	}
	h, err := s.Store.Household(ctx, id)
	if apperr.Is(err, apperr.NotFound) || (err == nil && !by.Covers(h.Village)) {
		return Household{}, errHouseholdNotFound
	}
	if err != nil {
		return Household{}, err
	}
	if by.Can(access.SeeFullID) {
		err = s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "household.view", SubjectType: "household",
			SubjectID: fmt.Sprint(h.ID), SubjectRegion: h.Village})
	} else {
		for i := range h.Members {
			h.Members[i].IDNumber = h.Members[i].MaskedID()
		}
	}
	return h, err
}

// Person returns a person by resident ID, within by's jurisdiction (the
// person's household must lie in it). Returns NotFound for an unknown
// person, a malformed ID, or one outside the jurisdiction.
func (s *Service) Person(ctx context.Context, by access.Principal, idNumber string) (Person, error) {
	notFound := apperr.New(apperr.NotFound, "未找到该人员", "person not found")
	if err := by.Require(access.RegistryRead); err != nil {
		return Person{}, err
	}
	id, err := parseID(idNumber)
	if err != nil {
		return Person{}, notFound
	}
	p, err := s.Store.PersonByIDNumber(ctx, id)
	if apperr.Is(err, apperr.NotFound) || (err == nil && !by.Covers(p.location())) {
		return Person{}, notFound
	}
	if err != nil {
		return Person{}, err
	}
	if by.Can(access.SeeFullID) {
		err = s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "person.view", SubjectType: "person",
			SubjectID: maskID(p.IDNumber), SubjectRegion: p.Village})
	} else {
		p.IDNumber = p.MaskedID()
	}
	return p, err
}

// parseID returns the canonical form of a resident ID.
func parseID(s string) (string, error) {
	id, err := idcard.Parse(s)
	if err != nil {
		return "", err
	}
	return id.String(), nil
}
