package registry

import (
	"math/bits"
	"time"

	"safetynet/internal/money"
)

// Disability is a member's disability certificate (残疾人证).
type Disability struct {
	Category string // a key of DisabilityCategories, "" for none
	Grade    int    // 1–4, 0 for none
	Cert     string // certificate number
}

// SelfCare records which of the six SelfCareActivities a member cannot do
// alone: bit i set means activity i is failed.
type SelfCare uint8

// Failed returns the number of activities failed (0–6), which decides the
// care tier: 0 independent, 1–3 partial, 4–6 complete.
func (s SelfCare) Failed() int { return bits.OnesCount8(uint8(s) & 0x3f) }

// Detail is everything the registry knows about a member beyond identity.
type Detail struct {
	Ethnicity      string // GB/T 3304 code, e.g. "07" 彝族
	Marital        string // a key of MaritalStatuses
	Disability     Disability
	SelfCare       SelfCare
	Labour         string // a key of LabourCapacities
	SeriousIllness string // the illness, "" for none
	Education      string // a key of EducationStages
	Employment     string // a key of Employments
	Phone          string
	// Excluded is why the member, though registered in the household, does
	// not count as a household member (a key of Exclusions), "" when the
	// member counts.
	Excluded  string
	DeathDate string // YYYY-MM-DD, "" while alive
}

// Counts reports whether the member counts as a household member for
// eligibility and benefit size.
func (d Detail) Counts() bool { return d.Excluded == "" && d.DeathDate == "" }

// Period is the span an income or expenditure amount covers.
type Period string

const (
	PerMonth Period = "month"
	PerYear  Period = "year"
)

// Income is one income item of a household (of a member when PersonID is
// set), as declared or verified.
type Income struct {
	ID       int64
	PersonID int64
	Kind     string // a key of IncomeKinds
	Amount   money.Money
	Per      Period
	Source   string // e.g. "申报", "核对"
}

// Monthly returns the item as a monthly amount (yearly ÷ 12, to the fen).
func (i Income) Monthly() money.Money {
	if i.Per == PerYear {
		return i.Amount.Div(12, money.FenHalfUp)
	}
	return i.Amount
}

// Asset is one property item of a household.
type Asset struct {
	ID          int64
	PersonID    int64
	Kind        string // a key of AssetKinds
	Value       money.Money
	VehicleType string // for vehicles: e.g. "小型轿车", "残疾人专用车"
	Area        int64  // for houses: floor area in 0.01 m²
	RegNo       string // plate, property certificate or business registration number
	Note        string
}

// Expenditure is a rigid expenditure of a household.
type Expenditure struct {
	ID     int64
	Kind   string // a key of ExpenditureKinds
	Amount money.Money
	Per    Period
	Note   string
}

// BankAccount is where a household's benefits are paid (一卡通).
type BankAccount struct {
	Bank    string
	Account string
	Holder  string
}

// MaskedAccount shows only the last four digits.
func (b BankAccount) MaskedAccount() string {
	if len(b.Account) <= 4 {
		return b.Account
	}
	mask := make([]byte, len(b.Account)-4)
	for i := range mask {
		mask[i] = '*'
	}
	return string(mask) + b.Account[len(b.Account)-4:]
}

// Change is one version of a household in its history.
type Change struct {
	Version int
	At      time.Time
	Actor   string
	Action  string // "create", "update", "member.add", "member.move", "death", "import"…
	Reason  string
	Summary string // what changed, in Chinese
}

// Enrolment is a household's (or a member's) place in a programme: who is
// paid what from when. Casework creates enrolments; the registry shows
// them and filters by them.
type Enrolment struct {
	Programme string // "dibao", "tekun", "temporary", …
	PersonID  int64  // for programmes of one person (特困); 0 for the household
	Tier      string // rural dibao tier A/B/C, "" for the gap method
	Setting   string // 特困: "institution" or "home"
	Since     string // YYYY-MM-DD, the first benefit month
	Until     string // YYYY-MM-DD, the month after the last; "" while active
}

// Active reports whether the enrolment is in force on date (YYYY-MM-DD).
func (e Enrolment) Active(date string) bool {
	return e.Since <= date && (e.Until == "" || date < e.Until)
}
