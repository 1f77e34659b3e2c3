package policy

import (
	"fmt"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
)

// Support settings of 特困 persons.
const (
	SettingInstitution = "institution" // 集中供养
	SettingHome        = "home"        // 分散供养
)

// Self-care tiers (S-TK2021 Arts 20–22).
const (
	CareComplete    = "complete"    // 完全丧失生活自理能力: 4–6 activities failed
	CarePartial     = "partial"     // 部分丧失: 1–3 failed
	CareIndependent = "independent" // 具备生活自理能力: none failed
)

// CareTier maps the number of the six daily activities (eating, dressing,
// getting in and out of bed, toileting, walking indoors, bathing) a person
// cannot do to a care tier: 0 → independent, 1–3 → partial, 4–6 → complete.
func CareTier(failed int) string {
	switch {
	case failed <= 0:
		return CareIndependent
	case failed <= 3:
		return CarePartial
	}
	return CareComplete
}

var (
	careNames    = map[string][2]string{CareComplete: {"完全丧失生活自理能力", "complete loss of self-care"}, CarePartial: {"部分丧失生活自理能力", "partial loss of self-care"}, CareIndependent: {"具备生活自理能力", "able to care for self"}}
	settingNames = map[string][2]string{SettingInstitution: {"集中供养", "institution"}, SettingHome: {"分散供养", "at home"}}
)

// TekunInput is a 特困 support calculation request; nil pointers and empty
// strings are "not given".
type TekunInput struct {
	// UrbanStandard is the urban dibao standard per person per month.
	UrbanStandard *money.Money
	// Ratio × UrbanStandard is the basic living standard (a multiple, > 0
	// and ≤ 5; default from the policy, or 1.3 with no policy).
	Ratio *money.Ratio
	// SelfCareFailed is how many of the six activities fail (0–6, required).
	SelfCareFailed *int
	// Setting (institution|home) picks the policy's care amounts.
	Setting string
	// CareAmounts are explicit care amounts by tier.
	CareAmounts *CareAmountsInput
}

// CareAmountsInput are explicit care amounts per month by tier.
type CareAmountsInput struct {
	Complete, Partial, Independent *money.Money
}

func (c *CareAmountsInput) get(tier string) *money.Money {
	if c == nil {
		return nil
	}
	switch tier {
	case CareComplete:
		return c.Complete
	case CarePartial:
		return c.Partial
	case CareIndependent:
		return c.Independent
	}
	return nil
}

// Validate checks the input on its own and returns an Invalid error naming
// the field.
func (in *TekunInput) Validate() error {
	if err := checkMoney("urban_standard", in.UrbanStandard); err != nil {
		return err
	}
	if in.Ratio != nil {
		r := *in.Ratio
		if r.Den <= 0 || r.Num <= 0 || r.Cmp(money.Ratio{Num: 5, Den: 1}) > 0 {
			return apperr.Field("ratio", "倍数须大于 0 且不超过 5", "ratio must be a multiple above 0 and at most 5")
		}
	}
	if in.SelfCareFailed == nil {
		return apperr.Field("self_care_failed", "缺少未达到的生活自理指标项数（0–6）", "self_care_failed (0–6) is required")
	}
	if n := *in.SelfCareFailed; n < 0 || n > 6 {
		return apperr.Field("self_care_failed", "未达到的生活自理指标项数须在 0 到 6 之间", "self_care_failed must be between 0 and 6")
	}
	if in.Setting != "" && in.Setting != SettingInstitution && in.Setting != SettingHome {
		return apperr.Field("setting", "供养方式须为 institution（集中）或 home（分散）", `setting must be "institution" or "home"`)
	}
	for _, t := range []string{CareComplete, CarePartial, CareIndependent} {
		if err := checkMoney("care_amounts."+t, in.CareAmounts.get(t)); err != nil {
			return err
		}
	}
	return nil
}

// Tekun computes the monthly support of a 特困 person: the basic living
// standard plus the care amount of the person's self-care tier.
//
// The basic standard is ratio × urban dibao standard, rounded by the
// policy's basic_rounding (Yunnan: up to whole yuan, 1.3 × 728 = 946.4 →
// 947); with no version, ratio defaults to 1.3 and rounding to yuan_up as
// the calculation contract says. When the request gives neither
// urban_standard nor ratio and the version publishes a basic_amount that is
// not a product (Yunnan 2018: 665), that amount is used.
//
// v may be nil. Errors are Invalid, naming the field.
func Tekun(in TekunInput, v *Version) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, err
	}
	c := &calc{v: v}
	var basic money.Money
	if in.UrbanStandard == nil && in.Ratio == nil && v != nil && v.Params.Tekun.BasicAmount != nil {
		c.used = true
		basic = v.Params.Tekun.BasicAmount.Money()
		c.step("基本生活标准（政策公布额）", "Basic living standard (published amount)", basic)
	} else {
		var std money.Money
		if in.UrbanStandard != nil {
			std = *in.UrbanStandard
		} else {
			p, err := c.params("urban_standard")
			if err != nil {
				return Result{}, err
			}
			std = p.Dibao.UrbanStandard.Money()
		}
		c.step("城市低保标准（每人每月）", "Urban dibao standard per person per month", std)
		ratio, rule := money.Ratio{Num: 13, Den: 10}, money.YuanUp
		if v != nil {
			c.used = true
			ratio, rule = v.Params.Tekun.BasicRatio.Ratio(), v.Params.Tekun.BasicRounding
		}
		if in.Ratio != nil {
			ratio = *in.Ratio
		}
		basic = std.Mul(ratio, rule)
		zh, en := roundingText(rule)
		c.step(fmt.Sprintf("基本生活标准（城市低保标准 × %s，%s）", ratio, zh),
			fmt.Sprintf("Basic living standard (urban standard × %s, %s)", ratio, en), basic)
	}

	failed := *in.SelfCareFailed
	tier := CareTier(failed)
	var care money.Money
	var where [2]string
	if amt := in.CareAmounts.get(tier); amt != nil {
		care = *amt
		where = [2]string{"", ""}
	} else {
		if in.Setting == "" {
			return Result{}, apperr.Field("setting", "缺少供养方式（institution 或 home），无法确定照料护理标准",
				"setting (institution or home) is needed to take the care amount from the policy")
		}
		p, err := c.params("care_amounts." + tier)
		if err != nil {
			return Result{}, err
		}
		amounts, _ := p.Tekun.Care.Get(in.Setting)
		care, _ = amounts.Get(tier)
		s := settingNames[in.Setting]
		where = [2]string{s[0] + "，", s[1] + ", "}
	}
	name := careNames[tier]
	c.step(fmt.Sprintf("照料护理标准（%s%s，%d项未达到）", where[0], name[0], failed),
		fmt.Sprintf("Care amount (%s%s, %d activities failed)", where[1], name[1], failed), care)
	total := basic + care
	c.step("月供养标准合计", "Monthly support in total", total)
	return c.result(ProgrammeTekun, total, PerMonth), nil
}
