package casework

import (
	"context"
	"fmt"

	"safetynet/internal/apperr"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// prepare completes in with what the service supplies for action a on c,
// with v the policy in force today:
//
//   - accept and complete_paperwork: the household as the registry holds
//     it (the materials are checked against its members);
//   - every step of temporary assistance: the township's approval limit,
//     TownshipLimit(v);
//   - confirm of dibao or 特困 without an amount: the amount computed by
//     the policy calculators (see dibaoAmount and tekunAmount), and the
//     policy version; with an amount but no version, the version in force;
//   - flag_relatives without flags: the household's matches in the register.
//
// It returns the household when it read it. A failed computation does not
// fail the step at once: calcErr is returned beside, and reported only if
// the step then fails for want of the amount, so that a guard (the notice
// period, the verification result) is reported first.
func (s *Service) prepare(ctx context.Context, c *Case, a Action, in *StepInput, v policy.Version) (h *registry.Household, calcErr, err error) {
	in.Household = nil
	in.TownshipLimit = nil
	read := func() error {
		if h != nil {
			return nil
		}
		hh, err := s.Households.Household(ctx, c.Household.ID)
		if err != nil {
			return err
		}
		h = &hh
		return nil
	}
	if c.Flow == FlowTemporaryEmergency || c.Flow == FlowTemporaryExpenditure {
		limit := TownshipLimit(v.Params)
		in.TownshipLimit = &limit
	}
	switch {
	case a == ActionAccept || a == ActionCompletePaperwork:
		if err := read(); err != nil {
			return nil, nil, err
		}
		in.Household = h
	case a == ActionConfirm && (c.Programme == Dibao || c.Programme == Tekun):
		if in.Amount == 0 {
			if err := read(); err != nil {
				return nil, nil, err
			}
			var res policy.Result
			if c.Programme == Dibao {
				res, calcErr = dibaoAmount(h, in.Tier, &v)
			} else {
				res, calcErr = tekunAmount(c, h, in.Setting, &v)
			}
			if calcErr == nil && res.Amount <= 0 {
				calcErr = apperr.New(apperr.Conflict,
					"按家庭档案登记的收入计算，家庭月人均收入不低于保障标准，保障金为 0，不能确认；请核实收入，或作出不予确认的决定",
					"by the income in the registry the household's per-capita income is not below the standard and the benefit is 0; check the income, or refuse").WithField("amount")
			}
			if calcErr == nil {
				in.Amount = res.Amount
				if res.Policy != nil {
					in.Policy = *res.Policy
				}
			}
		}
		if in.Amount > 0 && in.Policy == (policy.VersionRef{}) {
			in.Policy = *v.Ref()
		}
	case a == ActionFlagRelatives && len(in.Flags) == 0:
		if err := read(); err != nil {
			return nil, nil, err
		}
		if in.Flags, err = s.relativeFlags(ctx, h.Members); err != nil {
			return nil, nil, err
		}
		if len(in.Flags) == 0 {
			return nil, nil, apperr.New(apperr.Conflict, "该户家庭成员均不在近亲属备案登记中", "no member of the household is in the relatives' register")
		}
	}
	return h, calcErr, nil
}

// dibaoAmount computes a household's monthly dibao with policy.Dibao from
// the registry: the members who count (registry.Detail.Counts) are the
// persons; the income items of the household and of those members (as
// declared or verified, monthly or yearly) are the incomes, exempt kinds
// left out and employment costs deducted by the policy; the household's
// urban/rural area picks the standard; tier, when given, pays Yunnan's
// rural A/B/C amount instead of the gap. 分类施保 extras are not added: the
// registry does not say which members qualify under local rules, so a
// confirming officer who grants them gives the amount explicitly.
func dibaoAmount(h *registry.Household, tier string, v *policy.Version) (policy.Result, error) {
	counted := map[int64]bool{}
	persons := 0
	for _, m := range h.Members {
		if m.Counts() {
			persons++
			counted[m.PersonID] = true
		}
	}
	incomes := []policy.Income{}
	for _, it := range h.Incomes {
		if it.PersonID != 0 && !counted[it.PersonID] {
			continue
		}
		incomes = append(incomes, policy.Income{Kind: it.Kind, Amount: it.Amount, Per: policy.Period(it.Per)})
	}
	res, err := policy.Dibao(policy.DibaoInput{Area: string(h.Area), Persons: persons, Incomes: incomes, Tier: tier}, v)
	return res, calcField(err)
}

// tekunAmount computes a 特困 person's monthly support with policy.Tekun:
// the basic standard from the urban dibao standard in force, and the care
// amount of the self-care tier for setting, the tier taken from the case's
// own assessment (or, without one, from the applicant's record in the
// registry).
func tekunAmount(c *Case, h *registry.Household, setting string, v *policy.Version) (policy.Result, error) {
	failed := -1
	if c.SelfCare != nil {
		failed = c.SelfCare.Count
	} else {
		for _, m := range h.Members {
			if m.PersonID == c.Applicant.PersonID {
				failed = m.SelfCare.Failed()
			}
		}
	}
	if failed < 0 {
		return policy.Result{}, apperr.New(apperr.Conflict, "尚未进行生活自理能力评估，无法计算供养金", "self-care has not been assessed; cannot compute the support")
	}
	res, err := policy.Tekun(policy.TekunInput{SelfCareFailed: &failed, Setting: setting}, v)
	return res, calcField(err)
}

// calcField explains a calculator's error as one of the confirmation: its
// field is the calculator's, which the step does not have.
func calcField(err error) error {
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.Invalid {
		return err
	}
	field := e.Field
	if field != "setting" && field != "tier" {
		field = "amount"
	}
	return &apperr.Error{Kind: apperr.Invalid, Field: field,
		Msg:   fmt.Sprintf("无法按家庭档案计算保障金（%s），请核实家庭档案或直接填写金额", e.Msg),
		MsgEN: fmt.Sprintf("cannot compute the benefit from the registry (%s); check the household or give the amount", e.MsgEN),
		Err:   err}
}
