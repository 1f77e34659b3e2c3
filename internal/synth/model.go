package synth

import (
	"context"

	"safetynet/internal/money"
	"safetynet/internal/registry"
)

// The department datasets, by name (the file datasets/NAME.csv).
const (
	Vehicles         = "vehicles"         // 公安 车辆管理
	RealEstate       = "real_estate"      // 不动产登记
	Businesses       = "businesses"       // 市场监管 市场主体登记 (企业, 个体工商户)
	Pensions         = "pensions"         // 人社 养老金发放
	SocialInsurances = "social_insurance" // 人社 社会保险缴费
	HousingFunds     = "housing_fund"     // 住房公积金中心
	Taxes            = "tax"              // 税务 个人所得税
	Deposits         = "deposits"         // 银行 存款
	Securities       = "securities"       // 证券 持仓
	PublicEmployees  = "public_employees" // 公务员和事业单位工作人员名单
	Deaths           = "deaths"           // 死亡 and 火化 (殡葬) records
	Marriages        = "marriages"        // 民政 婚姻登记
)

// Dataset describes a department dataset.
type Dataset struct {
	Name       string
	Department string   // the department that holds it
	Columns    []string // the CSV header
	// PerPerson is the number of records per person of the population at
	// large, drawn among those aged MinAge to MaxAge.
	PerPerson      float64
	MinAge, MaxAge int
}

// Datasets are the department datasets, in output order. PerPerson × the
// 47.2 million of Yunnan gives ≈ 49 million records; the registry's own
// legitimate records and the planted ones add ≈ 3 million.
var Datasets = []Dataset{
	{Vehicles, "公安厅 交通管理", []string{"id_number", "plate", "type", "value", "registered"}, 0.16, 18, 80},
	{RealEstate, "自然资源厅 不动产登记", []string{"id_number", "cert_no", "area_m2", "use", "address", "registered"}, 0.16, 25, 90},
	{Businesses, "市场监督管理局 市场主体登记", []string{"id_number", "reg_no", "kind", "name", "status", "capital", "registered"}, 0.095, 20, 70},
	{Pensions, "人力资源和社会保障厅 养老金", []string{"id_number", "kind", "monthly_amount", "since"}, 0.14, 60, 100},
	{SocialInsurances, "人力资源和社会保障厅 社会保险", []string{"id_number", "employer", "monthly_base", "since"}, 0.127, 18, 59},
	{HousingFunds, "住房公积金管理中心", []string{"id_number", "employer", "monthly_deposit", "balance"}, 0.064, 22, 59},
	{Taxes, "税务局 个人所得税", []string{"id_number", "year", "income", "tax_paid"}, 0.064, 22, 65},
	{Deposits, "银行 存款", []string{"id_number", "bank", "balance", "as_of"}, 0.127, 18, 95},
	{Securities, "证券公司 证券账户", []string{"id_number", "broker", "value", "as_of"}, 0.032, 22, 80},
	{PublicEmployees, "组织、编制和人社部门 公职人员名单", []string{"id_number", "name", "employer", "kind", "since"}, 0.021, 22, 59},
	{Deaths, "公安、卫生健康和民政部门 死亡和火化", []string{"id_number", "date", "kind"}, 0.017, 0, 100},
	{Marriages, "民政厅 婚姻登记", []string{"id_number", "spouse_id", "date", "kind"}, 0.025, 20, 60},
}

// Record is a row of a department dataset: one of the types below.
type Record interface {
	// Dataset returns the name of the record's dataset.
	Dataset() string
	// Person returns the ID number of the person the record is about.
	Person() string
	appendCSV(b []byte) []byte
}

// Vehicle is a motor vehicle registered to a person.
type Vehicle struct {
	IDNumber   string
	Plate      string // 云A12345
	Type       string // 小型轿车, 普通二轮摩托车, 残疾人专用小型自动挡载客汽车, …
	Value      money.Money
	Registered string // YYYY-MM-DD
}

// Property is a registered real-estate right.
type Property struct {
	IDNumber   string
	CertNo     string // 云(2019)五华区不动产权第0001234号
	Area       int64  // floor area in 0.01 m²
	Use        string // 住宅, 商业
	Address    string
	Registered string
}

// Business is a market entity a person owns or runs.
type Business struct {
	IDNumber   string
	RegNo      string // 18-character unified social credit code
	Kind       string // "enterprise" or "self_employed"
	Name       string
	Status     string // 存续, 注销, 吊销
	Capital    money.Money
	Registered string
}

// Pension is a pension paid to a person.
type Pension struct {
	IDNumber      string
	Kind          string // "employee" (企业职工), "institution" (机关事业), "resident_basic" (城乡居民)
	MonthlyAmount money.Money
	Since         string
}

// SocialInsurance is a person's current social-insurance contribution.
type SocialInsurance struct {
	IDNumber    string
	Employer    string // 个人（灵活就业） for the self-insured
	MonthlyBase money.Money
	Since       string
}

// HousingFund is a person's housing-provident-fund account.
type HousingFund struct {
	IDNumber       string
	Employer       string
	MonthlyDeposit money.Money // employee and employer together
	Balance        money.Money
}

// Tax is a person's individual-income-tax return for a year.
type Tax struct {
	IDNumber string
	Year     int
	Income   money.Money
	Paid     money.Money
}

// Deposit is a bank's answer for a person: the balance of all accounts.
type Deposit struct {
	IDNumber string
	Bank     string
	Balance  money.Money
	AsOf     string
}

// Security is a broker's answer for a person: the market value held.
type Security struct {
	IDNumber string
	Broker   string
	Value    money.Money
	AsOf     string
}

// PublicEmployee is a civil servant or public-institution employee.
type PublicEmployee struct {
	IDNumber string
	Name     string
	Employer string
	Kind     string // "civil_servant" or "public_institution"
	Since    string
}

// Death is a death registration or a cremation.
type Death struct {
	IDNumber string
	Date     string
	Kind     string // "death" or "cremation"
}

// Marriage is a marriage or divorce registration.
type Marriage struct {
	IDNumber string
	SpouseID string
	Date     string
	Kind     string // "marriage" or "divorce"
}

func (*Vehicle) Dataset() string         { return Vehicles }
func (*Property) Dataset() string        { return RealEstate }
func (*Business) Dataset() string        { return Businesses }
func (*Pension) Dataset() string         { return Pensions }
func (*SocialInsurance) Dataset() string { return SocialInsurances }
func (*HousingFund) Dataset() string     { return HousingFunds }
func (*Tax) Dataset() string             { return Taxes }
func (*Deposit) Dataset() string         { return Deposits }
func (*Security) Dataset() string        { return Securities }
func (*PublicEmployee) Dataset() string  { return PublicEmployees }
func (*Death) Dataset() string           { return Deaths }
func (*Marriage) Dataset() string        { return Marriages }

func (r *Vehicle) Person() string         { return r.IDNumber }
func (r *Property) Person() string        { return r.IDNumber }
func (r *Business) Person() string        { return r.IDNumber }
func (r *Pension) Person() string         { return r.IDNumber }
func (r *SocialInsurance) Person() string { return r.IDNumber }
func (r *HousingFund) Person() string     { return r.IDNumber }
func (r *Tax) Person() string             { return r.IDNumber }
func (r *Deposit) Person() string         { return r.IDNumber }
func (r *Security) Person() string        { return r.IDNumber }
func (r *PublicEmployee) Person() string  { return r.IDNumber }
func (r *Death) Person() string           { return r.IDNumber }
func (r *Marriage) Person() string        { return r.IDNumber }

// Anomaly is a kind of planted case.
type Anomaly struct {
	Kind string
	// Share is the fraction of recipient households that get one (and,
	// separately, of applicant households), rounded per county. A
	// household gets at most one.
	Share float64
	// Flag is true when detection should flag the case, false for a
	// negative control that a correct rule must leave alone.
	Flag    bool
	Dataset string // where the evidence is; "" for the registry itself
	About   string
}

// Anomalies are the planted cases, in the proportions they are planted.
var Anomalies = []Anomaly{
	{"car", 0.010, true, Vehicles, "a member owns an undeclared car or truck worth 40,000–350,000 yuan"},
	{"second_house", 0.005, true, RealEstate, "a member holds two houses, one a commercial flat in a city"},
	{"business", 0.004, true, Businesses, "a member runs an active enterprise or self-employed business (with tax returns for some)"},
	{"public_job", 0.002, true, PublicEmployees, "a member is a civil servant or public employee (with social insurance and housing fund)"},
	{"dead_listed", 0.003, true, Deaths, "a member died (death and often cremation recorded) but is still listed alive"},
	{"duplicate_person", 0.0005, true, "", "a member of another household of the county is registered here again under a second ID: same name, sex and birth date"},
	{"staff_relative", 0.002, true, "staff_relatives", "a member is a declared close relative of civil-affairs or village-committee staff (备案): to be flagged for a full home visit"},
	{"staff_relative_unregistered", 0.0005, true, Marriages, "a member is married to a township or county civil-affairs employee who is neither a household member nor declared"},
	{"large_deposit", 0.005, true, Deposits, "a member holds 80,000–500,000 yuan in a bank"},
	{"control_disability_vehicle", 0.003, false, Vehicles, "a disabled member owns a declared 残疾人专用车, which the rules exempt"},
	{"control_recorded_death", 0.002, false, Deaths, "a member's death is already recorded in the registry"},
}

// Truth is one planted case, for scoring detection.
type Truth struct {
	Kind      string // an Anomalies kind
	Flag      bool   // whether detection should flag it
	Household string // the household's key: its head's ID number
	County    string // 6-digit county code
	Applicant bool   // the household applied and is not (yet) a recipient
	IDNumber  string // the member concerned
	Dataset   string // where the evidence is
	Related   string // the other person: the original of a duplicate, the staff member, the spouse
	Detail    string
}

// StaffRelative is an entry of the register of close relatives of staff
// (近亲属备案): civil-affairs staff and village (residents') committee
// members whose relatives apply for or receive assistance.
type StaffRelative struct {
	StaffID      string
	StaffName    string
	Role         string // 村（居）委会成员, 乡镇（街道）社会救助经办人员, 县民政局工作人员
	Unit         string
	Region       string // 12-digit code of the staff's village, township or county
	RelativeID   string
	RelativeName string
	Relation     string // 配偶, 父母, 子女, 兄弟姐妹
}

// Sink receives the generated province. Generate calls it from one
// goroutine, county by county in code order; within a county, households
// in village order, then the records dataset by dataset, then the truth,
// then the staff-relatives register. Pointers are valid only during the
// call. An error stops generation and is returned by Generate.
type Sink interface {
	Household(h *registry.Household) error
	Record(r Record) error
	Truth(t *Truth) error
	StaffRelative(s *StaffRelative) error
}

// HouseholdLoader stores new households in bulk, assigning their IDs:
// implemented by sqlstore's registry store.
type HouseholdLoader interface {
	LoadHouseholds(ctx context.Context, hs []registry.Household) error
}

// Stats counts what was generated.
type Stats struct {
	Scale                    string         `json:"scale"`
	Seed                     int64          `json:"seed"`
	Counties                 int            `json:"counties"`
	Households               int            `json:"households"`
	RecipientHouseholds      int            `json:"recipient_households"`
	ApplicantHouseholds      int            `json:"applicant_households"`
	Persons                  int            `json:"persons"`
	Recipients               map[string]int `json:"recipients"` // persons: dibao_urban, dibao_rural, tekun_urban, tekun_rural
	Population               int            `json:"population"` // the population at large the datasets draw on
	Records                  map[string]int `json:"records"`
	RecordsTotal             int            `json:"records_total"`
	Truth                    map[string]int `json:"truth"`
	StaffRelatives           int            `json:"staff_relatives"`
	Ethnicities              map[string]int `json:"ethnicities"` // registry persons by GB/T 3304 code
	Bytes                    int64          `json:"bytes,omitempty"`
	TekunInstitution         int            `json:"tekun_institution"`
	DisabledPersons          int            `json:"disabled_persons"`
	ElderlyPersons           int            `json:"elderly_persons"`  // 60 and over
	ChildrenPersons          int            `json:"children_persons"` // under 18
	MalePersons              int            `json:"male_persons"`
	UrbanRecipientHouseholds int            `json:"urban_recipient_households"`
}

func newStats(cfg Config) Stats {
	return Stats{Scale: cfg.Scale, Seed: cfg.Seed, Recipients: map[string]int{}, Records: map[string]int{},
		Truth: map[string]int{}, Ethnicities: map[string]int{}}
}
