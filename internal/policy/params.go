package policy

import (
	"fmt"
	"slices"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
)

// Params is one complete set of policy parameters. Its JSON form (snake_case)
// is the stored and API shape. Money is in yuan strings, ratios are decimal
// strings. Day counts are working days unless a field says otherwise; a zero
// deadline means the regime in force sets none.
type Params struct {
	Dibao      DibaoParams      `json:"dibao"`
	Income     IncomeParams     `json:"income"`
	Assets     AssetParams      `json:"assets"`
	Tekun      TekunParams      `json:"tekun"`
	Medical    MedicalParams    `json:"medical"`
	Temporary  TemporaryParams  `json:"temporary"`
	Education  EducationParams  `json:"education"`
	Housing    HousingParams    `json:"housing"`
	Employment EmploymentParams `json:"employment"`
	Procedure  ProcedureParams  `json:"procedure"`
	Review     ReviewParams     `json:"review"`
}

// DibaoParams are the minimum-living-guarantee (低保) standards and amounts.
type DibaoParams struct {
	Source string `json:"source,omitempty"`
	// UrbanStandard is the urban standard per person per month.
	UrbanStandard Yuan `json:"urban_standard"`
	// RuralAnnualStandard is the rural standard per person per year.
	RuralAnnualStandard Yuan `json:"rural_annual_standard"`
	// RuralMonthlyRounding turns annual/12 into the monthly rural standard
	// (Yunnan: 6400/12 = 533.33 → 534, yuan_up).
	RuralMonthlyRounding money.Rounding `json:"rural_monthly_rounding"`
	// PerCapitaRounding rounds household income ÷ persons.
	PerCapitaRounding money.Rounding `json:"per_capita_rounding"`
	// RuralTiers are the fixed A/B/C (分档) amounts per person per month.
	RuralTiers Tiers `json:"rural_tiers"`
	// Extras are the 分类施保 top-ups per qualifying member per month.
	Extras Extras `json:"extras"`
	// GradualExitMonths is the 渐退期 after a member finds work (0: none).
	GradualExitMonths int `json:"gradual_exit_months"`
}

// RuralMonthlyStandard returns the rural annual standard ÷ 12, rounded by
// the policy's rule.
func (d DibaoParams) RuralMonthlyStandard() money.Money {
	return d.RuralAnnualStandard.Money().Div(12, d.RuralMonthlyRounding)
}

// Tiers are the amounts of the A (重点保障), B (基本保障) and C (一般保障)
// classes, per person per month.
type Tiers struct {
	A Yuan `json:"A"`
	B Yuan `json:"B"`
	C Yuan `json:"C"`
}

// Get returns the amount of tier "A", "B" or "C".
func (t Tiers) Get(tier string) (money.Money, bool) {
	switch tier {
	case "A":
		return t.A.Money(), true
	case "B":
		return t.B.Money(), true
	case "C":
		return t.C.Money(), true
	}
	return 0, false
}

// Extras are the 分类施保 amounts per qualifying member per month.
type Extras struct {
	Elderly          Yuan `json:"elderly"`
	Minor            Yuan `json:"minor"`
	SeverelyDisabled Yuan `json:"severely_disabled"`
	SeriouslyIll     Yuan `json:"seriously_ill"`
}

// Extra kinds (分类施保 categories).
const (
	ExtraElderly          = "elderly"
	ExtraMinor            = "minor"
	ExtraSeverelyDisabled = "severely_disabled"
	ExtraSeriouslyIll     = "seriously_ill"
)

// Get returns the amount for an extra kind.
func (e Extras) Get(kind string) (money.Money, bool) {
	switch kind {
	case ExtraElderly:
		return e.Elderly.Money(), true
	case ExtraMinor:
		return e.Minor.Money(), true
	case ExtraSeverelyDisabled:
		return e.SeverelyDisabled.Money(), true
	case ExtraSeriouslyIll:
		return e.SeriouslyIll.Money(), true
	}
	return 0, false
}

// IncomeParams say which income counts (RULES §2.7).
type IncomeParams struct {
	Source string `json:"source,omitempty"`
	// ExemptKinds are income kinds left out of household income.
	ExemptKinds []string `json:"exempt_kinds"`
	// EmploymentCost is the deduction from wages for necessary employment
	// costs (就业成本).
	EmploymentCost EmploymentCost `json:"employment_cost"`
}

// Exempt reports whether income of kind is left out.
func (p IncomeParams) Exempt(kind string) bool { return slices.Contains(p.ExemptKinds, kind) }

// EmploymentCost deducts Ratio × wages from each earner's wages, at most
// CapMultiple × the dibao standard per earner per month.
type EmploymentCost struct {
	Ratio       Rate `json:"ratio"`
	CapMultiple Rate `json:"cap_multiple"`
}

// AssetParams are the property thresholds (家庭财产) for eligibility.
type AssetParams struct {
	Source string `json:"source,omitempty"`
	// VehicleValue: a household owning a (non-mobility) vehicle worth more
	// is ineligible.
	VehicleValue Yuan `json:"vehicle_value"`
	// DepositMonths: financial assets per capita above this many months of
	// the standard make a household ineligible.
	DepositMonths int `json:"deposit_months"`
	// DepositMonthsHardship is DepositMonths for households with seriously
	// ill or severely disabled members.
	DepositMonthsHardship int `json:"deposit_months_hardship"`
	// MaxHouses is the most houses an eligible household may own.
	MaxHouses int `json:"max_houses"`
	// BusinessAllowed: may an eligible household run an active business?
	BusinessAllowed bool `json:"business_allowed"`
	// PublicEmployeeExcludes: does a member on the roll of civil servants
	// and public employees make the household ineligible (不符合条件)? When
	// false the verification asks for a manual check instead.
	PublicEmployeeExcludes bool `json:"public_employee_excludes"`
	// UndeclaredTolerance: financial assets (deposits, securities) the
	// departments report for a member beyond what the household declared
	// for that member by more than this amount ask for a manual check (隐瞒
	// 财产). Zero checks every undeclared fen.
	UndeclaredTolerance Yuan `json:"undeclared_tolerance"`
	// StaffUnits are fragments of employer names that mark the staff who
	// handle social assistance (civil affairs, township governments): a
	// member married to one of them who is neither a household member nor
	// declared in the relatives' register asks for a manual check. Empty
	// turns the rule off.
	StaffUnits []string `json:"staff_units,omitempty"`
}

// TekunParams are the 特困人员 support standards.
type TekunParams struct {
	Source string `json:"source,omitempty"`
	// BasicRatio × the urban dibao standard is the basic living standard.
	BasicRatio Rate `json:"basic_ratio"`
	// BasicRounding rounds that product (Yunnan: yuan_up, 946.4 → 947).
	BasicRounding money.Rounding `json:"basic_rounding"`
	// BasicAmount, when set, is a published basic standard that is not
	// ratio × standard (Yunnan 2018: 665 against 557); the calculator uses
	// it unless the request gives urban_standard or ratio.
	BasicAmount *Yuan `json:"basic_amount,omitempty"`
	// Care are the 照料护理 amounts per month by setting and self-care tier.
	Care CareTable `json:"care"`
}

// Basic returns the basic living standard for an urban dibao standard.
func (t TekunParams) Basic(urban money.Money) money.Money {
	return urban.Mul(t.BasicRatio.Ratio(), t.BasicRounding)
}

// CareTable holds care amounts for 集中 (institution) and 分散 (home)
// support.
type CareTable struct {
	Institution CareAmounts `json:"institution"`
	Home        CareAmounts `json:"home"`
}

// Get returns the amounts for a setting.
func (c CareTable) Get(setting string) (CareAmounts, bool) {
	switch setting {
	case SettingInstitution:
		return c.Institution, true
	case SettingHome:
		return c.Home, true
	}
	return CareAmounts{}, false
}

// CareAmounts are per month by self-care tier: complete (完全丧失, 4–6
// activities failed), partial (部分丧失, 1–3), independent (具备自理, 0).
type CareAmounts struct {
	Complete    Yuan `json:"complete"`
	Partial     Yuan `json:"partial"`
	Independent Yuan `json:"independent"`
}

// Get returns the amount of a care tier.
func (c CareAmounts) Get(tier string) (money.Money, bool) {
	switch tier {
	case CareComplete:
		return c.Complete.Money(), true
	case CarePartial:
		return c.Partial.Money(), true
	case CareIndependent:
		return c.Independent.Money(), true
	}
	return 0, false
}

// MedicalParams are the medical-assistance rules per recipient category.
type MedicalParams struct {
	Source          string          `json:"source,omitempty"`
	Tekun           MedicalCategory `json:"tekun"`
	Dibao           MedicalCategory `json:"dibao"`
	LowIncomeMargin MedicalCategory `json:"low_income_margin"`
	Other           MedicalCategory `json:"other"`
}

// Get returns the rules of a category.
func (m MedicalParams) Get(category string) (MedicalCategory, bool) {
	switch category {
	case MedicalTekun:
		return m.Tekun, true
	case MedicalDibao:
		return m.Dibao, true
	case MedicalLowIncomeMargin:
		return m.LowIncomeMargin, true
	case MedicalOther:
		return m.Other, true
	}
	return MedicalCategory{}, false
}

// MedicalCategory holds the rules for inpatient and outpatient care.
type MedicalCategory struct {
	Inpatient  MedicalRule `json:"inpatient"`
	Outpatient MedicalRule `json:"outpatient"`
}

// Get returns the rule for a visit type.
func (c MedicalCategory) Get(visit string) (MedicalRule, bool) {
	switch visit {
	case VisitInpatient:
		return c.Inpatient, true
	case VisitOutpatient:
		return c.Outpatient, true
	}
	return MedicalRule{}, false
}

// MedicalRule is one deductible/ratio/caps line. The deductible is the
// yearly 起付标准; a caller whose patient has already met part of it passes
// the remainder explicitly. A nil cap means none.
type MedicalRule struct {
	Deductible Yuan  `json:"deductible"`
	Ratio      Rate  `json:"ratio"`
	CapPerStay *Yuan `json:"cap_per_stay,omitempty"`
	CapAnnual  *Yuan `json:"cap_annual,omitempty"`
}

// TemporaryParams are the 临时救助 rules.
type TemporaryParams struct {
	Source string `json:"source,omitempty"`
	// StandardMultiple × the monthly dibao standard is the amount per
	// person per month of hardship.
	StandardMultiple Rate `json:"standard_multiple"`
	// MaxMonths is the most months one award may cover.
	MaxMonths int `json:"max_months"`
	// TownshipLimitMultiple × the monthly urban standard is the largest
	// award a township may approve itself.
	TownshipLimitMultiple Rate `json:"township_limit_multiple"`
	// TimesPerYear is how often a household may normally be helped.
	TimesPerYear int `json:"times_per_year"`
	// Cap, when set, limits one award.
	Cap *Yuan `json:"cap,omitempty"`
}

// EducationParams are education-assistance amounts per student per year.
type EducationParams struct {
	Source     string `json:"source,omitempty"`
	Compulsory Yuan   `json:"compulsory"`
	HighSchool Yuan   `json:"high_school"`
	Vocational Yuan   `json:"vocational"`
	College    Yuan   `json:"college"`
}

// Get returns the amount for a stage.
func (e EducationParams) Get(stage string) (money.Money, bool) {
	switch stage {
	case StageCompulsory:
		return e.Compulsory.Money(), true
	case StageHighSchool:
		return e.HighSchool.Money(), true
	case StageVocational:
		return e.Vocational.Money(), true
	case StageCollege:
		return e.College.Money(), true
	}
	return 0, false
}

// HousingParams are housing-assistance amounts.
type HousingParams struct {
	Source string `json:"source,omitempty"`
	// RentSubsidy is per person per month.
	RentSubsidy Yuan `json:"rent_subsidy"`
	// Renovation is the rural dangerous-house renovation aid per household.
	Renovation Yuan `json:"renovation"`
}

// EmploymentParams are employment-assistance amounts.
type EmploymentParams struct {
	Source string `json:"source,omitempty"`
	// PublicWelfareJob is the public-welfare post subsidy per person per month.
	PublicWelfareJob Yuan `json:"public_welfare_job"`
	// Training is the training subsidy per person, once.
	Training Yuan `json:"training"`
}

// ProcedureParams are the procedural limits of casework.
type ProcedureParams struct {
	Source string `json:"source,omitempty"`
	// NoticeDays is the 公示 period.
	NoticeDays int `json:"notice_days"`
	// NoticeWorkingDays: false means NoticeDays are calendar days (the
	// national texts say "7天"); true means working days.
	NoticeWorkingDays bool               `json:"notice_working_days"`
	Dibao             DibaoProcedure     `json:"dibao"`
	Tekun             TekunProcedure     `json:"tekun"`
	Temporary         TemporaryProcedure `json:"temporary"`
}

// Dibao procedure variants.
const (
	Variant2012 = "2012" // 民发〔2012〕220号 (mandatory 民主评议, county 公示)
	Variant2021 = "2021" // 民发〔2021〕57号
)

// DibaoProcedure holds dibao deadlines in working days.
type DibaoProcedure struct {
	// Variant is "2012" or "2021": which national procedure applies.
	Variant string `json:"variant"`
	// InvestigationStart: township starts investigating within (2021).
	InvestigationStart int `json:"investigation_start"`
	// Investigation: township completes the investigation within (2012).
	Investigation int `json:"investigation"`
	// VerificationStart: county starts 信息核对 within (2021).
	VerificationStart int `json:"verification_start"`
	// DemocraticAppraisal: 民主评议 held within, after the investigation (2012).
	DemocraticAppraisal int `json:"democratic_appraisal"`
	// CountyDecision: county decides within, after the township's opinion.
	CountyDecision int `json:"county_decision"`
	// CountyDecisionAfterNotice: after an uncontested county 公示 (2012).
	CountyDecisionAfterNotice int `json:"county_decision_after_notice"`
	// ObjectionDecision: after objections to the county 公示 (2012).
	ObjectionDecision int `json:"objection_decision"`
	// RefusalNotice: written refusal delivered within.
	RefusalNotice int `json:"refusal_notice"`
	// Total: the whole procedure from 受理 (2021).
	Total int `json:"total"`
	// TotalSpecial: the whole procedure in special cases (2021).
	TotalSpecial int `json:"total_special"`
	// TotalDelegated: when confirmation is delegated to the township.
	TotalDelegated int `json:"total_delegated"`
	// CountySpotCheck is the share of cases the county visits itself.
	CountySpotCheck Rate `json:"county_spot_check"`
}

// TekunProcedure holds 特困 deadlines in working days.
type TekunProcedure struct {
	Township          int  `json:"township"`
	County            int  `json:"county"`
	ObjectionDecision int  `json:"objection_decision"`
	RefusalNotice     int  `json:"refusal_notice"`
	CountySpotCheck   Rate `json:"county_spot_check"`
}

// TemporaryProcedure holds 临时救助 limits.
type TemporaryProcedure struct {
	// EmergencyPayHours: emergency aid paid within (hours).
	EmergencyPayHours int `json:"emergency_pay_hours"`
	// Paperwork: emergency paperwork completed within, after payment.
	Paperwork int `json:"paperwork"`
	// MaterialCheck: township checks the materials within.
	MaterialCheck int `json:"material_check"`
	// TownshipInvestigation: township investigates within.
	TownshipInvestigation int `json:"township_investigation"`
	// CountyDecision: county decides within.
	CountyDecision int `json:"county_decision"`
}

// ReviewParams are the review (动态管理) frequencies in months.
type ReviewParams struct {
	Source string `json:"source,omitempty"`
	// StableMonths: households whose situation basically does not change.
	StableMonths int `json:"stable_months"`
	// RelativelyStableMonths: stable in the short term.
	RelativelyStableMonths int `json:"relatively_stable_months"`
	// UnstableMonths: unstable income with able-bodied members (urban).
	UnstableMonths int `json:"unstable_months"`
	// UnstableRuralMonths: the same, rural.
	UnstableRuralMonths int `json:"unstable_rural_months"`
}

// Income kinds (RULES §2.7). The first five are the countable classes of
// S-DB2021 Art.13; the rest are the kinds policies commonly exempt.
const (
	IncomeWages            = "wages"             // 工资性收入
	IncomeBusiness         = "business"          // 经营净收入
	IncomeProperty         = "property"          // 财产净收入
	IncomeTransfer         = "transfer"          // 转移净收入
	IncomeOther            = "other"             // 其他收入
	IncomePensionBasic     = "pension_basic"     // 城乡居民基本养老保险基础养老金
	IncomeReward           = "reward"            // 见义勇为等奖励
	IncomeAssistance       = "assistance"        // 政府社会救助资金和物资
	IncomeSpecialCare      = "special_care"      // 优待抚恤金
	IncomeFamilyPlanning   = "family_planning"   // 计划生育奖励与扶助金
	IncomeScholarship      = "scholarship"       // 奖学金
	IncomeElderlyAllowance = "elderly_allowance" // 高龄津贴
)

// IncomeKinds lists every known income kind.
var IncomeKinds = []string{
	IncomeWages, IncomeBusiness, IncomeProperty, IncomeTransfer, IncomeOther,
	IncomePensionBasic, IncomeReward, IncomeAssistance, IncomeSpecialCare,
	IncomeFamilyPlanning, IncomeScholarship, IncomeElderlyAllowance,
}

// Validate checks every parameter and returns an Invalid error naming the
// first bad field by its JSON path (e.g. "medical.dibao.inpatient.ratio").
func (p *Params) Validate() error {
	v := validator{}
	d := &p.Dibao
	v.positive("dibao.urban_standard", d.UrbanStandard)
	v.positive("dibao.rural_annual_standard", d.RuralAnnualStandard)
	v.rounding("dibao.rural_monthly_rounding", d.RuralMonthlyRounding)
	v.rounding("dibao.per_capita_rounding", d.PerCapitaRounding)
	v.amount("dibao.rural_tiers.A", d.RuralTiers.A)
	v.amount("dibao.rural_tiers.B", d.RuralTiers.B)
	v.amount("dibao.rural_tiers.C", d.RuralTiers.C)
	v.amount("dibao.extras.elderly", d.Extras.Elderly)
	v.amount("dibao.extras.minor", d.Extras.Minor)
	v.amount("dibao.extras.severely_disabled", d.Extras.SeverelyDisabled)
	v.amount("dibao.extras.seriously_ill", d.Extras.SeriouslyIll)
	v.count("dibao.gradual_exit_months", d.GradualExitMonths, 0, 36)

	for i, k := range p.Income.ExemptKinds {
		if !slices.Contains(IncomeKinds, k) {
			v.fail(fmt.Sprintf("income.exempt_kinds[%d]", i), "未知的收入类型", "unknown income kind")
		}
		if k == IncomeWages {
			v.fail(fmt.Sprintf("income.exempt_kinds[%d]", i), "工资性收入不能整体不计入", "wages cannot be exempt as a whole")
		}
	}
	v.proportion("income.employment_cost.ratio", p.Income.EmploymentCost.Ratio)
	v.rate("income.employment_cost.cap_multiple", p.Income.EmploymentCost.CapMultiple, false, 10)

	v.amount("assets.vehicle_value", p.Assets.VehicleValue)
	v.count("assets.deposit_months", p.Assets.DepositMonths, 0, 1200)
	v.count("assets.deposit_months_hardship", p.Assets.DepositMonthsHardship, 0, 1200)
	v.count("assets.max_houses", p.Assets.MaxHouses, 0, 100)
	v.amount("assets.undeclared_tolerance", p.Assets.UndeclaredTolerance)
	for i, u := range p.Assets.StaffUnits {
		if strings.TrimSpace(u) == "" {
			v.fail(fmt.Sprintf("assets.staff_units[%d]", i), "单位名称片段不能为空", "an employer-name fragment may not be empty")
		}
	}

	t := &p.Tekun
	v.rate("tekun.basic_ratio", t.BasicRatio, true, 5)
	v.rounding("tekun.basic_rounding", t.BasicRounding)
	if t.BasicAmount != nil {
		v.positive("tekun.basic_amount", *t.BasicAmount)
	}
	for _, s := range []struct {
		name string
		c    CareAmounts
	}{{"institution", t.Care.Institution}, {"home", t.Care.Home}} {
		v.amount("tekun.care."+s.name+".complete", s.c.Complete)
		v.amount("tekun.care."+s.name+".partial", s.c.Partial)
		v.amount("tekun.care."+s.name+".independent", s.c.Independent)
	}

	for _, c := range MedicalCategories {
		mc, _ := p.Medical.Get(c)
		for _, visit := range []string{VisitInpatient, VisitOutpatient} {
			r, _ := mc.Get(visit)
			path := "medical." + c + "." + visit + "."
			v.amount(path+"deductible", r.Deductible)
			v.proportion(path+"ratio", r.Ratio)
			if r.CapPerStay != nil {
				v.amount(path+"cap_per_stay", *r.CapPerStay)
			}
			if r.CapAnnual != nil {
				v.amount(path+"cap_annual", *r.CapAnnual)
			}
		}
	}

	tp := &p.Temporary
	v.rate("temporary.standard_multiple", tp.StandardMultiple, true, 100)
	v.count("temporary.max_months", tp.MaxMonths, 1, maxMonths)
	v.rate("temporary.township_limit_multiple", tp.TownshipLimitMultiple, false, 1000)
	v.count("temporary.times_per_year", tp.TimesPerYear, 1, 12)
	if tp.Cap != nil {
		v.amount("temporary.cap", *tp.Cap)
	}

	v.amount("education.compulsory", p.Education.Compulsory)
	v.amount("education.high_school", p.Education.HighSchool)
	v.amount("education.vocational", p.Education.Vocational)
	v.amount("education.college", p.Education.College)
	v.amount("housing.rent_subsidy", p.Housing.RentSubsidy)
	v.amount("housing.renovation", p.Housing.Renovation)
	v.amount("employment.public_welfare_job", p.Employment.PublicWelfareJob)
	v.amount("employment.training", p.Employment.Training)

	pr := &p.Procedure
	v.count("procedure.notice_days", pr.NoticeDays, 1, 60)
	dp := &pr.Dibao
	if dp.Variant != Variant2012 && dp.Variant != Variant2021 {
		v.fail("procedure.dibao.variant", "低保审核程序版本须为 2012 或 2021", `must be "2012" or "2021"`)
	}
	for _, f := range []struct {
		name string
		n    int
	}{
		{"investigation_start", dp.InvestigationStart}, {"investigation", dp.Investigation},
		{"verification_start", dp.VerificationStart}, {"democratic_appraisal", dp.DemocraticAppraisal},
		{"county_decision", dp.CountyDecision}, {"county_decision_after_notice", dp.CountyDecisionAfterNotice},
		{"objection_decision", dp.ObjectionDecision}, {"refusal_notice", dp.RefusalNotice},
		{"total", dp.Total}, {"total_special", dp.TotalSpecial}, {"total_delegated", dp.TotalDelegated},
	} {
		v.count("procedure.dibao."+f.name, f.n, 0, 365)
	}
	if dp.TotalSpecial != 0 && dp.TotalSpecial < dp.Total {
		v.fail("procedure.dibao.total_special", "特殊情况办理时限不能短于一般时限", "must not be shorter than total")
	}
	v.proportion("procedure.dibao.county_spot_check", dp.CountySpotCheck)
	tk := &pr.Tekun
	v.count("procedure.tekun.township", tk.Township, 0, 365)
	v.count("procedure.tekun.county", tk.County, 0, 365)
	v.count("procedure.tekun.objection_decision", tk.ObjectionDecision, 0, 365)
	v.count("procedure.tekun.refusal_notice", tk.RefusalNotice, 0, 365)
	v.proportion("procedure.tekun.county_spot_check", tk.CountySpotCheck)
	tt := &pr.Temporary
	v.count("procedure.temporary.emergency_pay_hours", tt.EmergencyPayHours, 0, 24*30)
	v.count("procedure.temporary.paperwork", tt.Paperwork, 0, 365)
	v.count("procedure.temporary.material_check", tt.MaterialCheck, 0, 365)
	v.count("procedure.temporary.township_investigation", tt.TownshipInvestigation, 0, 365)
	v.count("procedure.temporary.county_decision", tt.CountyDecision, 0, 365)

	r := &p.Review
	v.count("review.stable_months", r.StableMonths, 1, 36)
	v.count("review.relatively_stable_months", r.RelativelyStableMonths, 1, 36)
	v.count("review.unstable_months", r.UnstableMonths, 1, 36)
	v.count("review.unstable_rural_months", r.UnstableRuralMonths, 1, 36)
	return v.err
}

// validator keeps the first failure.
type validator struct{ err error }

func (v *validator) fail(field, zh, en string) {
	if v.err == nil {
		v.err = apperr.Field(field, zh, en)
	}
}

func (v *validator) amount(field string, y Yuan) {
	if y < 0 {
		v.fail(field, "金额不能为负数", "must not be negative")
	} else if money.Money(y) > maxAmount {
		v.fail(field, "金额过大", "amount is too large")
	}
}

func (v *validator) positive(field string, y Yuan) {
	if y <= 0 {
		v.fail(field, "金额必须大于零", "must be greater than zero")
	}
	v.amount(field, y)
}

func (v *validator) rounding(field string, r money.Rounding) {
	if !r.Valid() {
		v.fail(field, "未知的舍入规则", "unknown rounding rule")
	}
}

func (v *validator) count(field string, n, lo, hi int) {
	if n < lo || n > hi {
		v.fail(field, fmt.Sprintf("须在 %d 到 %d 之间", lo, hi), fmt.Sprintf("must be between %d and %d", lo, hi))
	}
}

// proportion checks a ratio within 0–1.
func (v *validator) proportion(field string, r Rate) {
	if r.Den <= 0 || r.Num < 0 || r.Num > r.Den {
		v.fail(field, "比例须在 0 到 1 之间", "must be a proportion between 0 and 1")
	}
}

// rate checks a multiple: positive (or non-negative) and at most hi.
func (v *validator) rate(field string, r Rate, positive bool, hi int64) {
	switch {
	case r.Den <= 0 || r.Num < 0:
		v.fail(field, "倍数不能为负数", "must not be negative")
	case positive && r.Num == 0:
		v.fail(field, "倍数必须大于零", "must be greater than zero")
	case r.Ratio().Cmp(money.Ratio{Num: hi, Den: 1}) > 0:
		v.fail(field, fmt.Sprintf("倍数不能超过 %d", hi), fmt.Sprintf("must be at most %d", hi))
	}
}
