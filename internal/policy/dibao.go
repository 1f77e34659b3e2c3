package policy

import (
	"fmt"
	"slices"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
)

// Areas.
const (
	AreaUrban = "urban"
	AreaRural = "rural"
)

// DibaoInput is a dibao calculation request. Nil pointers and empty values
// are "not given": they are filled from the policy version when one is
// passed, else the calculation fails naming the field.
type DibaoInput struct {
	// Area (urban|rural) picks the standard when Standard is not given,
	// and lets tiers come from the policy (rural only).
	Area string
	// Standard is the dibao standard per person per month.
	Standard *money.Money
	// Persons is the number of household members covered (≥ 1, required).
	Persons int
	// At most one of HouseholdIncome (monthly, countable),
	// PerCapitaIncome (monthly, countable) or Incomes (itemised) is given.
	HouseholdIncome *money.Money
	PerCapitaIncome *money.Money
	Incomes         []Income
	// Tier (A|B|C), when given, pays a fixed amount per person instead of
	// the gap: TierAmounts, or the policy's rural tiers.
	Tier        string
	TierAmounts *TierAmounts
	// Extras are 分类施保 top-ups, one item per qualifying member.
	Extras []Extra
}

// Income is one income item of a household.
type Income struct {
	Kind   string      // one of IncomeKinds
	Amount money.Money // non-negative
	Per    Period      // PerMonth or PerYear
}

// TierAmounts are explicit A/B/C amounts per person per month.
type TierAmounts struct {
	A, B, C *money.Money
}

func (t *TierAmounts) get(tier string) *money.Money {
	if t == nil {
		return nil
	}
	switch tier {
	case "A":
		return t.A
	case "B":
		return t.B
	case "C":
		return t.C
	}
	return nil
}

// Extra is one qualifying member's 分类施保 top-up; a nil Amount takes the
// policy's amount for Kind.
type Extra struct {
	Kind   string
	Amount *money.Money
}

// ExtraKinds lists the 分类施保 categories.
var ExtraKinds = []string{ExtraElderly, ExtraMinor, ExtraSeverelyDisabled, ExtraSeriouslyIll}

var extraNames = map[string][2]string{
	ExtraElderly:          {"老年人", "elderly"},
	ExtraMinor:            {"未成年人", "minor"},
	ExtraSeverelyDisabled: {"重度残疾人", "severely disabled"},
	ExtraSeriouslyIll:     {"重病患者", "seriously ill"},
}

// Validate checks the input on its own (without policy) and returns an
// Invalid error naming the JSON field.
func (in *DibaoInput) Validate() error {
	if in.Area != "" && in.Area != AreaUrban && in.Area != AreaRural {
		return apperr.Field("area", "城乡类别须为 urban 或 rural", `area must be "urban" or "rural"`)
	}
	if err := checkMoney("standard", in.Standard); err != nil {
		return err
	}
	if err := checkPersons("persons", in.Persons); err != nil {
		return err
	}
	given := 0
	for _, f := range []struct {
		name string
		set  bool
	}{{"household_income", in.HouseholdIncome != nil}, {"per_capita_income", in.PerCapitaIncome != nil}, {"incomes", in.Incomes != nil}} {
		if f.set {
			given++
			if given > 1 {
				return apperr.Field(f.name, "household_income、per_capita_income、incomes 只能提供其一",
					"give only one of household_income, per_capita_income and incomes")
			}
		}
	}
	if err := checkMoney("household_income", in.HouseholdIncome); err != nil {
		return err
	}
	if err := checkMoney("per_capita_income", in.PerCapitaIncome); err != nil {
		return err
	}
	if len(in.Incomes) > 1000 {
		return apperr.Field("incomes", "收入项目过多", "too many income items")
	}
	for i, it := range in.Incomes {
		p := fmt.Sprintf("incomes[%d].", i)
		if it.Kind == "" {
			return apperr.Field(p+"kind", "缺少收入类型", "kind is required")
		}
		if !slices.Contains(IncomeKinds, it.Kind) {
			return apperr.Field(p+"kind", "未知的收入类型", "unknown income kind")
		}
		if err := checkMoney(p+"amount", &it.Amount); err != nil {
			return err
		}
		if it.Per != PerMonth && it.Per != PerYear {
			return apperr.Field(p+"per", "收入周期须为 month 或 year", `per must be "month" or "year"`)
		}
	}
	switch in.Tier {
	case "", "A", "B", "C":
	default:
		return apperr.Field("tier", "分档须为 A、B 或 C", `tier must be "A", "B" or "C"`)
	}
	if in.TierAmounts != nil {
		for _, t := range []string{"A", "B", "C"} {
			if err := checkMoney("tier_amounts."+t, in.TierAmounts.get(t)); err != nil {
				return err
			}
		}
	}
	if len(in.Extras) > maxPersons {
		return apperr.Field("extras", "分类施保人数不能超过家庭人数上限", "too many extras")
	}
	for i, e := range in.Extras {
		p := fmt.Sprintf("extras[%d].", i)
		if e.Kind == "" {
			return apperr.Field(p+"kind", "缺少分类施保类别", "kind is required")
		}
		if !slices.Contains(ExtraKinds, e.Kind) {
			return apperr.Field(p+"kind", "未知的分类施保类别", "unknown extra kind")
		}
		if err := checkMoney(p+"amount", e.Amount); err != nil {
			return err
		}
	}
	return nil
}

// Dibao computes the monthly dibao of a household.
//
// Without a tier it uses the gap method (补差, S-DB2012 Art.27): (standard −
// monthly per-capita countable income) × persons, never below zero, so
// income equal to the standard gives 0. Per-capita income is the household
// income ÷ persons rounded by the policy's per_capita_rounding (fen half-up
// when no version is given). Itemised incomes are converted to months
// (yearly ÷ 12, to the fen half-up, item by item), exempt kinds are left
// out, and each wages item loses the employment-cost deduction (ratio ×
// wages, at most cap_multiple × standard). The rural monthly standard is the
// annual standard ÷ 12 rounded by the policy (Yunnan: up to whole yuan).
//
// With a tier (A|B|C; Yunnan's rural 分档) the amount is the tier amount ×
// persons; income is not used, the tier being the outcome of the
// household's assessment.
//
// Extras (分类施保) are added, one per listed member, only when the
// household qualifies (the amount before extras is above zero).
//
// v may be nil. Errors are Invalid, naming the field.
func Dibao(in DibaoInput, v *Version) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, err
	}
	c := &calc{v: v}
	n := int64(in.Persons)
	var base money.Money
	if in.Tier != "" {
		amt, err := c.tierAmount(&in)
		if err != nil {
			return Result{}, err
		}
		c.step(fmt.Sprintf("分档标准（%s类，每人每月）", in.Tier), fmt.Sprintf("Tier %s amount per person per month", in.Tier), amt)
		base = amt.MulInt(n)
		c.step(fmt.Sprintf("月保障金（%s类标准 × %d人）", in.Tier, n), fmt.Sprintf("Monthly benefit (tier %s × %d persons)", in.Tier, n), base)
	} else {
		std, err := c.dibaoStandard(in.Area, in.Standard, "standard")
		if err != nil {
			return Result{}, err
		}
		pc, err := c.perCapita(&in, std)
		if err != nil {
			return Result{}, err
		}
		gap := money.Max(std-pc, 0)
		c.step("差额（保障标准 − 家庭月人均收入）", "Gap (standard − per-capita income)", gap)
		base = gap.MulInt(n)
		c.step(fmt.Sprintf("月保障金（差额 × %d人）", n), fmt.Sprintf("Monthly benefit (gap × %d persons)", n), base)
	}
	total := base
	if len(in.Extras) > 0 {
		if base <= 0 {
			c.step("不符合低保条件，不计分类施保", "Not eligible for dibao: no category top-ups", 0)
		} else {
			for i, e := range in.Extras {
				amt, err := c.extraAmount(i, e)
				if err != nil {
					return Result{}, err
				}
				name := extraNames[e.Kind]
				c.step("分类施保："+name[0], "Category top-up: "+name[1], amt)
				total += amt
			}
			c.step("月保障金合计", "Monthly benefit in total", total)
		}
	}
	return c.result(ProgrammeDibao, total, PerMonth), nil
}

// dibaoStandard returns the explicit standard or the policy's standard for
// area, adding steps.
func (c *calc) dibaoStandard(area string, explicit *money.Money, field string) (money.Money, error) {
	if explicit != nil {
		c.step("保障标准（每人每月）", "Standard per person per month", *explicit)
		return *explicit, nil
	}
	if area == "" {
		return 0, apperr.Field("area", "缺少城乡类别（urban 或 rural），无法确定保障标准",
			"area (urban or rural) is needed to take the standard from the policy")
	}
	p, err := c.params(field)
	if err != nil {
		return 0, err
	}
	if area == AreaUrban {
		std := p.Dibao.UrbanStandard.Money()
		c.step("城市低保标准（每人每月）", "Urban standard per person per month", std)
		return std, nil
	}
	c.step("农村低保年标准（每人每年）", "Rural standard per person per year", p.Dibao.RuralAnnualStandard.Money())
	std := p.Dibao.RuralMonthlyStandard()
	zh, en := roundingText(p.Dibao.RuralMonthlyRounding)
	c.step("农村低保月标准（年标准 ÷ 12，"+zh+"）", "Rural standard per month (annual ÷ 12, "+en+")", std)
	return std, nil
}

// perCapita returns the monthly per-capita countable income.
func (c *calc) perCapita(in *DibaoInput, std money.Money) (money.Money, error) {
	var total money.Money
	switch {
	case in.PerCapitaIncome != nil:
		c.step("家庭月人均收入", "Per-capita monthly income", *in.PerCapitaIncome)
		return *in.PerCapitaIncome, nil
	case in.HouseholdIncome != nil:
		total = *in.HouseholdIncome
		c.step("家庭月收入", "Household monthly income", total)
	case in.Incomes != nil:
		var err error
		if total, err = c.countIncomes(in.Incomes, std); err != nil {
			return 0, err
		}
	default:
		return 0, apperr.Field("household_income", "缺少家庭收入：请提供 household_income、per_capita_income 或 incomes",
			"income is required: give household_income, per_capita_income or incomes")
	}
	rule := money.FenHalfUp
	if c.v != nil {
		c.used = true
		rule = c.v.Params.Dibao.PerCapitaRounding
	}
	pc := total.Div(int64(in.Persons), rule)
	c.step(fmt.Sprintf("家庭月人均收入（÷ %d人）", in.Persons), fmt.Sprintf("Per-capita monthly income (÷ %d persons)", in.Persons), pc)
	return pc, nil
}

// countIncomes sums itemised incomes per month: exempt kinds dropped, the
// employment-cost deduction taken from each wages item.
func (c *calc) countIncomes(items []Income, std money.Money) (money.Money, error) {
	p, err := c.params("incomes")
	if err != nil {
		return 0, err
	}
	ec := p.Income.EmploymentCost
	capPerEarner := std.Mul(ec.CapMultiple.Ratio(), money.FenHalfUp)
	var counted, exempt, deduction money.Money
	for _, it := range items {
		monthly := it.Amount
		if it.Per == PerYear {
			monthly = it.Amount.Div(12, money.FenHalfUp)
		}
		if p.Income.Exempt(it.Kind) {
			exempt += monthly
			continue
		}
		counted += monthly
		if it.Kind == IncomeWages {
			deduction += money.Min(monthly.Mul(ec.Ratio.Ratio(), money.FenHalfUp), capPerEarner)
		}
	}
	if exempt > 0 {
		c.step("不计入的收入（按政策豁免，月）", "Exempt income per month (left out by policy)", exempt)
	}
	c.step("计入的家庭月收入", "Countable household income per month", counted)
	if deduction > 0 {
		c.step(fmt.Sprintf("减：就业成本（工资性收入 × %s，每人不超过 %s）", ec.Ratio, capPerEarner),
			fmt.Sprintf("Less employment costs (wages × %s, at most %s per earner)", ec.Ratio, capPerEarner), deduction)
	}
	total := counted - deduction
	c.step("家庭月收入", "Household monthly income", total)
	return total, nil
}

func (c *calc) tierAmount(in *DibaoInput) (money.Money, error) {
	if amt := in.TierAmounts.get(in.Tier); amt != nil {
		return *amt, nil
	}
	field := "tier_amounts." + in.Tier
	switch in.Area {
	case "":
		return 0, apperr.Field("area", "缺少城乡类别：政策中的分档标准只适用于农村低保",
			"area is needed: the policy's tier amounts apply to rural dibao")
	case AreaUrban:
		return 0, apperr.Field(field, "城市低保按差额计算，政策中没有城市分档标准",
			"urban dibao is paid by the gap; the policy has no urban tier amounts")
	}
	p, err := c.params(field)
	if err != nil {
		return 0, err
	}
	amt, _ := p.Dibao.RuralTiers.Get(in.Tier)
	return amt, nil
}

func (c *calc) extraAmount(i int, e Extra) (money.Money, error) {
	if e.Amount != nil {
		return *e.Amount, nil
	}
	p, err := c.params(fmt.Sprintf("extras[%d].amount", i))
	if err != nil {
		return 0, err
	}
	amt, _ := p.Dibao.Extras.Get(e.Kind)
	return amt, nil
}

// roundingText describes a rounding rule for step labels.
func roundingText(r money.Rounding) (zh, en string) {
	switch r {
	case money.FenUp:
		return "向上取整到分", "rounded up to the fen"
	case money.FenDown:
		return "向下取整到分", "rounded down to the fen"
	case money.YuanUp:
		return "向上取整到元", "rounded up to whole yuan"
	case money.YuanHalfUp:
		return "四舍五入到元", "rounded half-up to whole yuan"
	case money.YuanDown:
		return "向下取整到元", "rounded down to whole yuan"
	case money.JiaoHalfUp:
		return "四舍五入到角", "rounded half-up to the jiao"
	}
	return "四舍五入到分", "rounded half-up to the fen"
}
