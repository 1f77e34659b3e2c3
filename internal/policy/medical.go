package policy

import (
	"fmt"
	"slices"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
)

// Medical-assistance recipient categories.
const (
	MedicalTekun           = "tekun"             // 特困人员
	MedicalDibao           = "dibao"             // 低保对象
	MedicalLowIncomeMargin = "low_income_margin" // 低保边缘家庭成员
	MedicalOther           = "other"             // 其他（因病致贫重病患者等）
)

// MedicalCategories lists the recipient categories.
var MedicalCategories = []string{MedicalTekun, MedicalDibao, MedicalLowIncomeMargin, MedicalOther}

// Visit types.
const (
	VisitInpatient  = "inpatient"  // 住院
	VisitOutpatient = "outpatient" // 门诊（慢特病）
)

// MedicalInput is a medical-assistance calculation request for one stay
// (or outpatient claim); nil pointers and empty strings are "not given".
type MedicalInput struct {
	// Category and Visit pick the policy's rule; needed only when a rule
	// value is not given.
	Category string
	Visit    string
	// PolicyCost is the policy-range (政策范围内) cost (required).
	PolicyCost *money.Money
	// InsurancePaid is what basic medical insurance paid (required; 0 for
	// the uninsured).
	InsurancePaid *money.Money
	// CriticalIllnessPaid is what 大病保险 paid (default 0).
	CriticalIllnessPaid *money.Money
	// Deductible is the 起付标准 still to be met.
	Deductible *money.Money
	// Ratio is the assistance proportion (0–1).
	Ratio *money.Ratio
	// CapPerStay and CapAnnual limit the aid; PaidThisYear is the aid
	// already paid this year (default 0).
	CapPerStay, CapAnnual, PaidThisYear *money.Money
}

// Validate checks the input on its own and returns an Invalid error naming
// the field.
func (in *MedicalInput) Validate() error {
	if in.Category != "" && !slices.Contains(MedicalCategories, in.Category) {
		return apperr.Field("category", "救助对象类别须为 tekun、dibao、low_income_margin 或 other",
			`category must be "tekun", "dibao", "low_income_margin" or "other"`)
	}
	if in.Visit != "" && in.Visit != VisitInpatient && in.Visit != VisitOutpatient {
		return apperr.Field("visit", "就医类型须为 inpatient 或 outpatient", `visit must be "inpatient" or "outpatient"`)
	}
	if in.PolicyCost == nil {
		return apperr.Field("policy_cost", "缺少政策范围内费用", "policy_cost is required")
	}
	if in.InsurancePaid == nil {
		return apperr.Field("insurance_paid", "缺少基本医保支付金额（未参保填 0）", "insurance_paid is required (0 if uninsured)")
	}
	for _, f := range []struct {
		name string
		m    *money.Money
	}{
		{"policy_cost", in.PolicyCost}, {"insurance_paid", in.InsurancePaid},
		{"critical_illness_paid", in.CriticalIllnessPaid}, {"deductible", in.Deductible},
		{"cap_per_stay", in.CapPerStay}, {"cap_annual", in.CapAnnual}, {"paid_this_year", in.PaidThisYear},
	} {
		if err := checkMoney(f.name, f.m); err != nil {
			return err
		}
	}
	if in.Ratio != nil {
		r := *in.Ratio
		if r.Den <= 0 || r.Num < 0 || r.Num > r.Den {
			return apperr.Field("ratio", "救助比例须在 0 到 1 之间", "ratio must be between 0 and 1")
		}
	}
	return nil
}

// Medical computes medical assistance for one stay, in the order of RULES
// §5.3: policy-range cost − basic insurance − critical-illness insurance =
// self-pay (not below 0); − deductible (not below 0); × ratio (to the fen,
// half-up); at most the per-stay cap; at most what is left of the annual cap
// after paid_this_year (not below 0).
//
// Deductible and ratio come from the request, else from the policy rule of
// category × visit. Caps come from the request, else from that rule when
// category and visit are given (a rule without a cap has none); a request
// that names no category and gives no caps is not capped.
//
// v may be nil. Errors are Invalid, naming the field.
func Medical(in MedicalInput, v *Version) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, err
	}
	c := &calc{v: v}
	rule := func(field string) (MedicalRule, error) {
		if in.Category == "" {
			return MedicalRule{}, apperr.Field("category", "缺少救助对象类别，无法从政策确定 "+field,
				"category is needed to take "+field+" from the policy")
		}
		if in.Visit == "" {
			return MedicalRule{}, apperr.Field("visit", "缺少就医类型，无法从政策确定 "+field,
				"visit is needed to take "+field+" from the policy")
		}
		p, err := c.params(field)
		if err != nil {
			return MedicalRule{}, err
		}
		cat, _ := p.Medical.Get(in.Category)
		r, _ := cat.Get(in.Visit)
		return r, nil
	}

	cost := *in.PolicyCost
	c.step("政策范围内费用", "Policy-range cost", cost)
	ins := *in.InsurancePaid
	c.step("减：基本医保支付", "Less basic medical insurance", ins)
	var ci money.Money
	if in.CriticalIllnessPaid != nil {
		ci = *in.CriticalIllnessPaid
	}
	c.step("减：大病保险支付", "Less critical-illness insurance", ci)
	self := money.Max(cost-ins-ci, 0)
	c.step("政策范围内个人自付", "Policy-range self-pay", self)

	var ded money.Money
	if in.Deductible != nil {
		ded = *in.Deductible
	} else {
		r, err := rule("deductible")
		if err != nil {
			return Result{}, err
		}
		ded = r.Deductible.Money()
	}
	c.step("减：起付标准", "Less deductible", ded)
	base := money.Max(self-ded, 0)
	c.step("救助基数", "Amount eligible for aid", base)

	var ratio money.Ratio
	if in.Ratio != nil {
		ratio = *in.Ratio
	} else {
		r, err := rule("ratio")
		if err != nil {
			return Result{}, err
		}
		ratio = r.Ratio.Ratio()
	}
	aid := base.Mul(ratio, money.FenHalfUp)
	c.step(fmt.Sprintf("按救助比例 %s 计算", percent(ratio)), fmt.Sprintf("At the aid ratio of %s", percent(ratio)), aid)

	capsFromPolicy := in.Category != "" && in.Visit != ""
	capPerStay, capAnnual := in.CapPerStay, in.CapAnnual
	if capsFromPolicy && (capPerStay == nil || capAnnual == nil) {
		field := "cap_annual"
		if capPerStay == nil {
			field = "cap_per_stay"
		}
		r, err := rule(field)
		if err != nil {
			return Result{}, err
		}
		if capPerStay == nil && r.CapPerStay != nil {
			m := r.CapPerStay.Money()
			capPerStay = &m
		}
		if capAnnual == nil && r.CapAnnual != nil {
			m := r.CapAnnual.Money()
			capAnnual = &m
		}
	}
	if capPerStay != nil {
		c.step("单次救助限额", "Cap per stay", *capPerStay)
		aid = money.Min(aid, *capPerStay)
	}
	if capAnnual != nil {
		var paid money.Money
		if in.PaidThisYear != nil {
			paid = *in.PaidThisYear
		}
		left := money.Max(*capAnnual-paid, 0)
		c.step("年度救助限额", "Annual cap", *capAnnual)
		c.step("减：本年已救助", "Less aid already paid this year", paid)
		c.step("年度剩余限额", "Annual cap left", left)
		aid = money.Min(aid, left)
	}
	c.step("医疗救助金", "Medical assistance", aid)
	return c.result(ProgrammeMedical, aid, Once), nil
}

// percent formats a proportion as a percentage ("70%") when it is a whole
// or decimal percentage, else as a decimal ratio.
func percent(r money.Ratio) string {
	p := money.Ratio{Num: r.Num, Den: r.Den}
	if r.Den%100 == 0 {
		p.Den = r.Den / 100
	} else if r.Num <= (1<<62)/100 {
		p.Num = r.Num * 100
	} else {
		return r.String()
	}
	s := p.String()
	if strings.Contains(s, "/") {
		return r.String()
	}
	return s + "%"
}
