package verify

import (
	"safetynet/internal/money"
)

// Source is a department dataset the verification centre compares against
// (RULES §6.1). Name is the key used in files, tables and findings.
type Source struct {
	Name       string
	Department string // the department that hands it over, in Chinese
	Zh, En     string // what it holds
	// Columns are the columns of its bulk file, in order, the first always
	// id_number (internal/synth/FORMAT.md uses the same layout).
	Columns []string
}

// The connected sources. Their files have the layout of
// internal/synth/FORMAT.md.
var Sources = []Source{
	{"vehicles", "公安", "机动车登记", "vehicle registrations", []string{"id_number", "plate", "type", "value", "registered"}},
	{"real_estate", "自然资源（不动产登记）", "不动产登记", "real-estate titles", []string{"id_number", "cert_no", "area_m2", "use", "address", "registered"}},
	{"businesses", "市场监管", "市场主体登记（企业、个体工商户）", "business registrations", []string{"id_number", "reg_no", "kind", "name", "status", "capital", "registered"}},
	{"pensions", "人力资源社会保障", "养老金领取", "pensions", []string{"id_number", "kind", "monthly_amount", "since"}},
	{"social_insurance", "人力资源社会保障", "社会保险缴纳", "social-insurance contributions", []string{"id_number", "employer", "monthly_base", "since"}},
	{"housing_fund", "住房公积金管理中心", "住房公积金缴存", "housing-fund deposits", []string{"id_number", "employer", "monthly_deposit", "balance"}},
	{"tax", "税务", "个人所得税", "income tax", []string{"id_number", "year", "income", "tax_paid"}},
	{"deposits", "银行", "银行存款", "bank deposits", []string{"id_number", "bank", "balance", "as_of"}},
	{"securities", "证券", "证券资产", "securities", []string{"id_number", "broker", "value", "as_of"}},
	{"public_employees", "组织人事", "公务员及参照管理、事业单位工作人员名册", "civil servants and public employees", []string{"id_number", "name", "employer", "kind", "since"}},
	{"deaths", "民政（殡葬）、公安", "死亡、火化登记", "deaths and cremations", []string{"id_number", "date", "kind"}},
	{"marriages", "民政（婚姻登记）", "婚姻登记", "marriage registrations", []string{"id_number", "spouse_id", "date", "kind"}},
}

// SourceByName returns the source called name.
func SourceByName(name string) (Source, bool) {
	for _, s := range Sources {
		if s.Name == name {
			return s, true
		}
	}
	return Source{}, false
}

// Verdict is the outcome of verifying a household.
type Verdict string

const (
	Meets      Verdict = "meets"       // 符合条件
	NotMeets   Verdict = "not_meets"   // 不符合条件
	NeedsCheck Verdict = "needs_check" // 需人工核实
)

// Zh returns the verdict's Chinese name.
func (v Verdict) Zh() string {
	switch v {
	case Meets:
		return "符合条件"
	case NotMeets:
		return "不符合条件"
	case NeedsCheck:
		return "需人工核实"
	}
	return string(v)
}

// Mode says how a source's answer about a household was obtained.
type Mode string

const (
	Online  Mode = "online"  // 信息化比对: matched against a stored snapshot
	Manual  Mode = "manual"  // 手工比对: a paper reply recorded by the centre
	Missing Mode = "missing" // not connected and no reply recorded yet
)

// Finding is one thing a source says about a member.
type Finding struct {
	Source   string // a Sources name
	IDNumber string // the member
	Kind     string // vehicle, house, business, pension, deposit, security, public_job, death, marriage, …
	// Value is the amount the source states: a vehicle's or security's
	// value, a deposit's balance, a monthly pension, a yearly taxed income.
	Value  money.Money
	AreaM2 int64  // a house's floor area in hundredths of a square metre
	Ref    string // the record's own key: plate, certificate, registration number
	Date   string // the record's date (registered, since, death), YYYY-MM-DD
	Detail string // a description in Chinese
	Mode   Mode   // Online or Manual
	// Snapshot is the date of the snapshot (or of the paper reply) it comes from.
	Snapshot string
}

// Reason is why a rule moved the verdict away from Meets.
type Reason struct {
	Rule     string  // the rule's key: vehicle, houses, business, deposits, public_job, death, duplicate, staff_relative, …
	Verdict  Verdict // NotMeets or NeedsCheck
	IDNumber string  // the member concerned, "" for the household
	Zh, En   string
}

// SourceStatus is how one source answered for a household.
type SourceStatus struct {
	Source   string
	Mode     Mode
	Snapshot string // YYYY-MM-DD of the snapshot or the paper reply, "" when Missing
}

// MemberResult is what the sources say about one member.
type MemberResult struct {
	IDNumber string
	Name     string
	Findings []Finding
}

// Report is the verification report (核对报告) of one household on a date.
type Report struct {
	ID          int64
	HouseholdID int64
	County      string // 6-digit county code
	Village     string // 12-digit village code
	AsOf        string // the date the data are as of, YYYY-MM-DD
	Verdict     Verdict
	Reasons     []Reason
	Members     []MemberResult
	Sources     []SourceStatus
	Policy      string // the policy version whose thresholds were applied
	Case        string // the tracking number of the case that asked, "" for batch runs
}

// HasManual reports whether any source was answered by a paper reply.
func (r *Report) HasManual() bool {
	for _, s := range r.Sources {
		if s.Mode == Manual {
			return true
		}
	}
	return false
}
