package policy

import (
	"fmt"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
)

// TemporaryInput is a 临时救助 calculation request; nil pointers, zero
// counts and empty strings are "not given".
type TemporaryInput struct {
	// Area picks the policy standard: urban (the default, as in the
	// comparative Gansu rule of RULES §4.3) or rural (its monthly
	// equivalent).
	Area string
	// Standard is the monthly dibao standard per person.
	Standard *money.Money
	// Multiple × Standard is the aid per person per month (policy, else 1).
	Multiple *money.Ratio
	// Persons (≥ 1) and Months (≥ 1) are required.
	Persons int
	Months  int
	// MaxMonths is the most months one award may cover.
	MaxMonths *int
	// Cap, when given (or set by the policy), limits the award.
	Cap *money.Money
}

// Validate checks the input on its own and returns an Invalid error naming
// the field.
func (in *TemporaryInput) Validate() error {
	if in.Area != "" && in.Area != AreaUrban && in.Area != AreaRural {
		return apperr.Field("area", "城乡类别须为 urban 或 rural", `area must be "urban" or "rural"`)
	}
	if err := checkMoney("standard", in.Standard); err != nil {
		return err
	}
	if in.Multiple != nil {
		r := *in.Multiple
		if r.Den <= 0 || r.Num <= 0 || r.Cmp(money.Ratio{Num: 100, Den: 1}) > 0 {
			return apperr.Field("multiple", "倍数须大于 0 且不超过 100", "multiple must be above 0 and at most 100")
		}
	}
	if err := checkPersons("persons", in.Persons); err != nil {
		return err
	}
	if in.Months < 1 || in.Months > maxMonths {
		return apperr.Field("months", fmt.Sprintf("救助月数须为 1 到 %d 的整数（必填）", maxMonths),
			fmt.Sprintf("months must be a whole number from 1 to %d (required)", maxMonths))
	}
	if in.MaxMonths != nil && (*in.MaxMonths < 1 || *in.MaxMonths > maxMonths) {
		return apperr.Field("max_months", fmt.Sprintf("最长救助月数须为 1 到 %d 的整数", maxMonths),
			fmt.Sprintf("max_months must be a whole number from 1 to %d", maxMonths))
	}
	return checkMoney("cap", in.Cap)
}

// Temporary computes 临时救助 linked to the dibao standard: standard ×
// multiple (to the fen, half-up) per person per month, × persons × months,
// at most the cap. Months above max_months are refused (Invalid naming
// "months"), not cut down.
//
// v may be nil. Errors are Invalid, naming the field.
func Temporary(in TemporaryInput, v *Version) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, err
	}
	c := &calc{v: v}
	maxM := 0
	if in.MaxMonths != nil {
		maxM = *in.MaxMonths
	} else {
		p, err := c.params("max_months")
		if err != nil {
			return Result{}, err
		}
		maxM = p.Temporary.MaxMonths
	}
	if in.Months > maxM {
		return Result{}, apperr.Field("months", fmt.Sprintf("救助月数不能超过 %d 个月", maxM),
			fmt.Sprintf("months must not exceed %d", maxM))
	}
	area := in.Area
	if area == "" {
		area = AreaUrban
	}
	std, err := c.dibaoStandard(area, in.Standard, "standard")
	if err != nil {
		return Result{}, err
	}
	multiple := money.One
	switch {
	case in.Multiple != nil:
		multiple = *in.Multiple
	case v != nil:
		c.used = true
		multiple = v.Params.Temporary.StandardMultiple.Ratio()
	}
	perMonth := std.Mul(multiple, money.FenHalfUp)
	c.step(fmt.Sprintf("每人每月救助额（保障标准 × %s）", multiple), fmt.Sprintf("Aid per person per month (standard × %s)", multiple), perMonth)
	amount := perMonth.MulInt(int64(in.Persons) * int64(in.Months))
	c.step(fmt.Sprintf("救助金额（× %d人 × %d个月）", in.Persons, in.Months),
		fmt.Sprintf("Aid (× %d persons × %d months)", in.Persons, in.Months), amount)
	limit := in.Cap
	if limit == nil && v != nil && v.Params.Temporary.Cap != nil {
		c.used = true
		m := v.Params.Temporary.Cap.Money()
		limit = &m
	}
	if limit != nil {
		c.step("救助限额", "Cap", *limit)
		amount = money.Min(amount, *limit)
	}
	c.step("临时救助金", "Temporary assistance", amount)
	return c.result(ProgrammeTemporary, amount, Once), nil
}
