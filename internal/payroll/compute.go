package payroll

import (
	"fmt"
	"strconv"

	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// Recipient is a household with an enrolment in force in the month, as
// the payroll reads it from the registry: only what the amount and the
// payment need.
type Recipient struct {
	HouseholdID int64
	County      string
	Village     string
	Area        string
	Bank        registry.BankAccount
	// Size is the number of members registered; 0 means len(Members).
	// When it is set, Members may list only the members that matter: at
	// least every member who does not count, the persons enrolled, and
	// the head when the account names no holder.
	Size       int
	Members    []Member
	Incomes    []registry.Income
	Enrolments []registry.Enrolment
}

// Member is what the payroll needs of a household member.
type Member struct {
	PersonID  int64
	Name      string
	Head      bool
	SelfCare  registry.SelfCare
	Excluded  bool   // registered but not counted (registry.Detail.Excluded)
	DeathDate string // YYYY-MM-DD, "" while alive
}

// aliveIn reports whether the member is to be paid for in the month that
// starts on first (YYYY-MM-01): benefits stop from the month after death
// (S-TK2021 Art.26 for 特困; a dibao household is recomputed without the
// member from then on).
func (m Member) aliveIn(first string) bool { return m.DeathDate == "" || m.DeathDate >= first }

// counts reports whether person id is a member who counts in the month.
// A person not listed counts when the list is partial (Size set).
func (r *Recipient) counts(id int64, first string) bool {
	for _, m := range r.Members {
		if m.PersonID == id {
			return !m.Excluded && m.aliveIn(first)
		}
	}
	return r.Size > len(r.Members)
}

// Warning is a recipient the computation could not pay, and why.
type Warning struct {
	HouseholdID int64
	PersonID    int64
	Programme   string
	Msg         string
}

func (w Warning) String() string {
	if w.PersonID != 0 {
		return fmt.Sprintf("%s 家庭 %d 成员 %d：%s", w.Programme, w.HouseholdID, w.PersonID, w.Msg)
	}
	return fmt.Sprintf("%s 家庭 %d：%s", w.Programme, w.HouseholdID, w.Msg)
}

// GradualExit is the reason of a line paid in the 渐退期.
const GradualExit = "渐退期"

// monthsBetween returns the months from a to b (YYYY-MM each).
func monthsBetween(a, b string) int {
	ya, _ := strconv.Atoi(a[:4])
	ma, _ := strconv.Atoi(a[5:7])
	yb, _ := strconv.Atoi(b[:4])
	mb, _ := strconv.Atoi(b[5:7])
	return (yb*12 + mb) - (ya*12 + ma)
}

// enrolledIn reports whether e pays in the month: Since is the first
// benefit month, Until the month after the last (both compared by month).
func enrolledIn(e registry.Enrolment, month string) bool {
	if len(e.Since) < 7 || e.Since[:7] > month {
		return false
	}
	return e.Until == "" || e.Until[:7] > month
}

// Compute returns the lines of a recipient for a month under the policy
// version v in force for its village on the first of the month, and the
// enrolments it could not pay:
//
//   - dibao (the household's enrolment, PersonID 0): policy.Dibao over the
//     members who count and are alive in the month (registry
//     Detail.Excluded empty, no death before the month), with the income
//     items of the household and of those members; Tier A/B/C pays the
//     tier amount × persons (Yunnan's rural 分档), no tier the gap method
//     (补差). A household whose computed amount is 0 is not paid (its
//     income reaches the standard: a case for review, reported as a
//     warning), unless its exit is decided (Until set) and falls within
//     the policy's gradual-exit months (渐退, DibaoParams.GradualExitMonths):
//     then it keeps the amount of its last payment until Until, as a line
//     with Reason GradualExit whose amount Run fills in. 分类施保 extras are not added, as in casework: the registry
//     does not say which members qualify under local rules.
//   - tekun (a person's enrolment): policy.Tekun with the person's
//     self-care (registry.SelfCare.Failed) and the enrolment's setting; a
//     person who died before the month is not paid.
//
// Lines carry the household's bank account as the registry has it now;
// the payee is the account holder, else the head (dibao) or the person.
func Compute(r *Recipient, month string, v *policy.Version) ([]Line, []Warning) {
	return compute(nil, r, month, v, newMemo())
}

// memo keeps amounts that depend only on the policy version and a few
// inputs: a tier amount × persons, a 特困 care tier and setting. It lets a
// province-scale run call the calculators once per combination (the gap
// method, which depends on income, is computed household by household).
type memo struct {
	tier  map[tierKey]money.Money
	tekun map[tekunKey]money.Money
}

type tierKey struct {
	v          *policy.Version
	area, tier string
	persons    int
}

type tekunKey struct {
	v             *policy.Version
	care, setting string
}

func newMemo() *memo {
	return &memo{tier: map[tierKey]money.Money{}, tekun: map[tekunKey]money.Money{}}
}

// compute appends r's lines of month to lines.
func compute(lines []Line, r *Recipient, month string, v *policy.Version, mm *memo) ([]Line, []Warning) {
	first := month + "-01"
	var warns []Warning
	head := ""
	for _, m := range r.Members {
		if m.Head {
			head = m.Name
		}
	}
	for _, e := range r.Enrolments {
		if !enrolledIn(e, month) {
			continue
		}
		switch e.Programme {
		case Dibao:
			if e.PersonID != 0 {
				warns = append(warns, Warning{r.HouseholdID, e.PersonID, Dibao, "低保按户发放，不应登记到个人"})
				continue
			}
			persons := r.Size
			if persons == 0 {
				persons = len(r.Members)
			}
			for _, m := range r.Members {
				if m.Excluded || !m.aliveIn(first) {
					persons--
				}
			}
			if persons <= 0 {
				continue // every member has died: the household stops
			}
			var incomes []policy.Income
			if e.Tier == "" {
				incomes = []policy.Income{}
				for _, it := range r.Incomes {
					if it.PersonID != 0 && !r.counts(it.PersonID, first) {
						continue
					}
					incomes = append(incomes, policy.Income{Kind: it.Kind, Amount: it.Amount, Per: policy.Period(it.Per)})
				}
			}
			var amount money.Money
			key := tierKey{v, r.Area, e.Tier, persons}
			if amt, ok := mm.tier[key]; ok && e.Tier != "" {
				amount = amt
			} else {
				res, err := policy.Dibao(policy.DibaoInput{Area: r.Area, Persons: persons, Incomes: incomes, Tier: e.Tier}, v)
				if err != nil {
					warns = append(warns, Warning{r.HouseholdID, 0, Dibao, "无法计算：" + err.Error()})
					continue
				}
				amount = res.Amount
				if e.Tier != "" && mm != nil {
					mm.tier[key] = amount
				}
			}
			gradual := false
			if amount <= 0 {
				// 渐退: a household whose exit is decided (Until set) within
				// the policy's gradual-exit months keeps its last amount
				// (the service fills it in from the month before).
				if n := v.Params.Dibao.GradualExitMonths; e.Until != "" && n > 0 && monthsBetween(month, e.Until[:7]) <= n {
					gradual = true
				} else {
					warns = append(warns, Warning{r.HouseholdID, 0, Dibao, "家庭月人均收入不低于保障标准，本月保障金为 0，请复核"})
					continue
				}
			}
			name := r.Bank.Holder
			if name == "" {
				name = head
			}
			l := Line{County: r.County, Key: regularKey(month, Dibao, r.HouseholdID, 0), Month: month,
				Village: r.Village, Programme: Dibao, Kind: Regular, HouseholdID: r.HouseholdID, Persons: persons,
				Tier: e.Tier, Amount: amount, Name: name, Bank: r.Bank.Bank, Account: r.Bank.Account, Status: Pending}
			if gradual {
				l.Amount, l.Reason = 0, GradualExit
			}
			lines = append(lines, l)
		case Tekun:
			var p *Member
			for i := range r.Members {
				if r.Members[i].PersonID == e.PersonID {
					p = &r.Members[i]
				}
			}
			if p == nil {
				warns = append(warns, Warning{r.HouseholdID, e.PersonID, Tekun, "供养对象不在该户成员中"})
				continue
			}
			if !p.aliveIn(first) {
				continue // stops from the month after death
			}
			failed := p.SelfCare.Failed()
			key := tekunKey{v, policy.CareTier(failed), e.Setting}
			amount, ok := mm.tekun[key]
			if !ok {
				res, err := policy.Tekun(policy.TekunInput{SelfCareFailed: &failed, Setting: e.Setting}, v)
				if err != nil {
					warns = append(warns, Warning{r.HouseholdID, e.PersonID, Tekun, "无法计算：" + err.Error()})
					continue
				}
				amount = res.Amount
				if mm != nil {
					mm.tekun[key] = amount
				}
			}
			name := r.Bank.Holder
			if name == "" {
				name = p.Name
			}
			if name == "" {
				name = head
			}
			lines = append(lines, Line{County: r.County, Key: regularKey(month, Tekun, r.HouseholdID, e.PersonID), Month: month,
				Village: r.Village, Programme: Tekun, Kind: Regular, HouseholdID: r.HouseholdID, PersonID: e.PersonID,
				Persons: 1, Tier: e.Setting, Amount: amount, Name: name, Bank: r.Bank.Bank, Account: r.Bank.Account, Status: Pending})
		}
	}
	return lines, warns
}
