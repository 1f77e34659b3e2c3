package verify

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"safetynet/internal/idcard"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// The rules (RULES §6.3, §2.7–2.8), in the order reasons are listed. Each
// names the member concerned. Which verdict a rule gives is fixed here
// except public_job, which the policy decides (AssetParams.
// PublicEmployeeExcludes).
//
//   - vehicle (不符合): a vehicle worth more than AssetParams.VehicleValue
//     that is not exempt. A vehicle is exempt when the household declares
//     a vehicle of the same plate as a 残疾人专用车 (vehicle type or note).
//   - vehicle_undeclared (需核实): a vehicle not over the threshold, not
//     exempt, and not declared by plate: concealment is for the centre to
//     look into.
//   - houses (不符合): the counted members together hold more homes (use
//     住宅) than AssetParams.MaxHouses; a reason for each member with one.
//   - business (不符合): an active (存续/在业) business when
//     AssetParams.BusinessAllowed is false.
//   - deposits (不符合): the counted members' deposits and securities
//     together above DepositMonths (DepositMonthsHardship when a counted
//     member is seriously ill or disabled grade 1–2) × the monthly
//     standard × the counted members; a reason for each member with some.
//   - assets_undeclared (需核实): a member's deposits and securities exceed
//     what the household declared for that member (assets of kind deposit
//     or securities) by more than AssetParams.UndeclaredTolerance.
//   - public_job: on the roll of civil servants and public employees.
//   - death (需核实): a death or cremation recorded by the departments for a
//     member the registry lists alive. Not 不符合: the household may well
//     still qualify, but its size and income change and the rules (RULES
//     §2.5) ask for a review within three months; the centre confirms the
//     death and the registry records it.
//   - duplicate (需核实): a person of the same name, sex, birth date and
//     ethnicity in another household of the county under another ID.
//     Ethnicity is the one on the resident's hukou, which changes at most
//     once and only before the age of twenty, not with a new
//     registration: a different one says two people (the synthetic
//     duplicates copy it). The phone number is not compared: a
//     person registered again often gives a new number, so a real
//     duplicate may well differ in it. Real namesakes agreeing on all four
//     do occur (common names), which is why the rule only asks for a
//     check (需核实); the synthetic generator draws none by accident, so
//     there its flags are the planted cases. Both households are flagged:
//     which record is the real one is for the centre to find.
//   - staff_relative (需核实): the member is on the register of staff
//     relatives (近亲属备案): the case needs a full home visit.
//   - staff_spouse (需核实): the member is married (a marriage not followed
//     by a divorce of the same couple) to someone on the public-employee
//     roll whose employer's name holds one of AssetParams.StaffUnits, who
//     is neither a member of the household nor registered as the member's
//     relative.
//
// Pensions, social insurance, housing fund and tax are reported as
// findings that inform the income check; they give no reason here.
var ruleOrder = []string{"vehicle", "vehicle_undeclared", "houses", "business", "deposits", "assets_undeclared",
	"public_job", "death", "duplicate", "staff_relative", "staff_spouse"}

// Hit is a rule firing for a member of a household, as the matching found
// it (either engine) before it is written as a Reason.
type Hit struct {
	HouseholdID int64
	Village     string // the household's
	Rule        string
	IDNumber    string
	Name        string      // the member's name
	N, M        int64       // counts: the member's vehicles, houses, businesses; M the household's houses
	Value       money.Money // the member's highest vehicle value, or financial assets
	Total       money.Money // the household's financial assets, or the member's declared ones
	Limit       money.Money // the threshold applied
	Ref         string      // an employer, a date, another ID
}

func ruleRank(r string) int { return slices.Index(ruleOrder, r) }

// SortHits orders hits by household, rule order, member and Ref.
func SortHits(hs []Hit) {
	slices.SortFunc(hs, func(a, b Hit) int {
		return cmp.Or(cmp.Compare(a.HouseholdID, b.HouseholdID), cmp.Compare(ruleRank(a.Rule), ruleRank(b.Rule)),
			strings.Compare(a.IDNumber, b.IDNumber), strings.Compare(a.Ref, b.Ref))
	})
}

// Facts is what the sources and registers say about a household's
// members, gathered by either the store look-ups (Check) or the in-memory
// tables (batch).
type Facts struct {
	// Records are the records of each member (by index in Members) from
	// the newest snapshot of each source.
	Records [][]Record
	// Registered is, for each member ID on the relatives' register, the
	// IDs of the staff it is registered with.
	Registered map[string][]string
	// LookAlikes are, by member index, the IDs of persons of the same
	// name, sex and birth date in other households of the county.
	LookAlikes [][]string
	// Jobs returns the public-employee records of a person (a spouse).
	Jobs func(pid uint64) []Record
}

// Limits are the thresholds Match applies.
type Limits struct {
	Assets policy.AssetParams
	// Standard is the monthly dibao standard per person of the household's
	// area (urban, or rural annual ÷ 12 as the policy rounds it).
	Standard money.Money
}

// LimitsOf returns the limits of params for a household of area.
func LimitsOf(p *policy.Params, area registry.Area) Limits {
	std := p.Dibao.UrbanStandard.Money()
	if area == registry.Rural {
		std = p.Dibao.RuralMonthlyStandard()
	}
	return Limits{Assets: p.Assets, Standard: std}
}

const disabledMobility = "残疾人专用"

// Match applies the rules to household h and its facts.
func Match(h *registry.Household, f *Facts, l Limits) []Hit {
	// Households are small: the look-ups below scan the members, and the
	// maps stay nil until an asset or a record needs one (the batch runs
	// this for every household with any record).
	var hits []Hit
	nameOf := func(id string) string {
		for _, m := range h.Members {
			if m.IDNumber == id {
				return m.Name
			}
		}
		return ""
	}
	add := func(x Hit) {
		x.HouseholdID, x.Village, x.Name = h.ID, h.Village, nameOf(x.IDNumber)
		hits = append(hits, x)
	}
	a := l.Assets
	memberOf := func(personID int64) string {
		for _, m := range h.Members {
			if m.PersonID == personID {
				return m.IDNumber
			}
		}
		return ""
	}
	inHousehold := func(id string) bool {
		for _, m := range h.Members {
			if m.IDNumber != "" && m.IDNumber == id {
				return true
			}
		}
		return false
	}
	// Declared assets: vehicles by plate, financial assets by member ID.
	var declaredPlate, exemptPlate map[string]bool
	var declaredFin map[string]money.Money
	for _, as := range h.Assets {
		switch as.Kind {
		case "vehicle":
			if declaredPlate == nil {
				declaredPlate, exemptPlate = map[string]bool{}, map[string]bool{}
			}
			declaredPlate[as.RegNo] = true
			if strings.Contains(as.VehicleType, disabledMobility) || strings.Contains(as.Note, disabledMobility) {
				exemptPlate[as.RegNo] = true
			}
		case "deposit", "securities":
			// An asset of the household (no member) is the head's.
			owner := memberOf(as.PersonID)
			if as.PersonID == 0 {
				if head, ok := h.Head(); ok {
					owner = head.IDNumber
				}
			}
			if declaredFin == nil {
				declaredFin = map[string]money.Money{}
			}
			declaredFin[owner] += as.Value
		}
	}
	counted, hardship := 0, false
	for _, m := range h.Members {
		if m.Counts() {
			counted++
			if m.SeriousIllness != "" || m.Disability.Grade == 1 || m.Disability.Grade == 2 {
				hardship = true
			}
		}
	}
	var houses, fin []int64 // by member
	houses = make([]int64, len(h.Members))
	fin = make([]int64, len(h.Members))
	var totalHouses int64
	var totalFin money.Money
	for i, m := range h.Members {
		if m.IDNumber == "" {
			continue
		}
		var recs []Record
		if i < len(f.Records) {
			recs = f.Records[i]
		}
		var vOver, vUndecl int64
		var vOverMax, vUndeclMax money.Money
		var business int64
		var memberFin money.Money
		var job, death string
		var spouses map[string]Record
		var divorced map[string]string // spouse → latest divorce date
		for j := range recs {
			r := &recs[j]
			switch r.Source {
			case "vehicles":
				if exemptPlate[r.Ref] {
					continue
				}
				declared := declaredPlate[r.Ref]
				if r.Amount > a.VehicleValue.Money() {
					vOver++
					vOverMax = max(vOverMax, r.Amount)
				} else if !declared {
					vUndecl++
					vUndeclMax = max(vUndeclMax, r.Amount)
				}
			case "real_estate":
				if r.Kind == "住宅" {
					houses[i]++
				}
			case "businesses":
				if r.Status == "存续" || r.Status == "在业" {
					business++
				}
			case "deposits", "securities":
				memberFin += r.Amount
			case "public_employees":
				if job == "" || r.Note < job {
					job = r.Note
				}
			case "deaths":
				if death == "" || r.Date < death {
					death = r.Date
				}
			case "marriages":
				switch r.Kind {
				case "marriage":
					if old, ok := spouses[r.Ref]; !ok || r.Date > old.Date {
						if spouses == nil {
							spouses = map[string]Record{}
						}
						spouses[r.Ref] = *r
					}
				case "divorce":
					if divorced == nil {
						divorced = map[string]string{}
					}
					if r.Date > divorced[r.Ref] {
						divorced[r.Ref] = r.Date
					}
				}
			}
		}
		if !m.Counts() {
			// Only the death rule and the register look at members who do
			// not count (a death the registry has not recorded).
			houses[i], memberFin = 0, 0
		}
		if m.DeathDate == "" && death != "" {
			add(Hit{Rule: "death", IDNumber: m.IDNumber, Ref: death})
		}
		if m.DeathDate != "" {
			continue
		}
		if m.Counts() {
			if vOver > 0 {
				add(Hit{Rule: "vehicle", IDNumber: m.IDNumber, N: vOver, Value: vOverMax, Limit: a.VehicleValue.Money()})
			} else if vUndecl > 0 {
				add(Hit{Rule: "vehicle_undeclared", IDNumber: m.IDNumber, N: vUndecl, Value: vUndeclMax})
			}
			if business > 0 && !a.BusinessAllowed {
				add(Hit{Rule: "business", IDNumber: m.IDNumber, N: business})
			}
			fin[i] = int64(memberFin)
			totalFin += memberFin
			totalHouses += houses[i]
			if d := declaredFin[m.IDNumber]; memberFin-d > a.UndeclaredTolerance.Money() {
				add(Hit{Rule: "assets_undeclared", IDNumber: m.IDNumber, Value: memberFin, Total: d, Limit: a.UndeclaredTolerance.Money()})
			}
			if job != "" {
				add(Hit{Rule: "public_job", IDNumber: m.IDNumber, Ref: job})
			}
			if len(a.StaffUnits) > 0 && f.Jobs != nil {
				var found []string
				for sid, mr := range spouses {
					if inHousehold(sid) || divorced[sid] >= mr.Date || slices.Contains(f.Registered[m.IDNumber], sid) {
						continue
					}
					for _, jr := range f.Jobs(mr.Other) {
						if staffUnit(jr.Note, a.StaffUnits) {
							found = append(found, sid)
							break
						}
					}
				}
				if len(found) > 0 {
					add(Hit{Rule: "staff_spouse", IDNumber: m.IDNumber, N: int64(len(found)), Ref: slices.Min(found)})
				}
			}
		}
		if i < len(f.LookAlikes) && len(f.LookAlikes[i]) > 0 {
			add(Hit{Rule: "duplicate", IDNumber: m.IDNumber, N: int64(len(f.LookAlikes[i])), Ref: slices.Min(f.LookAlikes[i])})
		}
		if len(f.Registered[m.IDNumber]) > 0 {
			add(Hit{Rule: "staff_relative", IDNumber: m.IDNumber})
		}
	}
	if totalHouses > int64(a.MaxHouses) {
		for i, m := range h.Members {
			if houses[i] > 0 {
				add(Hit{Rule: "houses", IDNumber: m.IDNumber, N: houses[i], M: totalHouses, Limit: money.Money(a.MaxHouses)})
			}
		}
	}
	months := a.DepositMonths
	if hardship {
		months = a.DepositMonthsHardship
	}
	if limit := l.Standard * money.Money(months) * money.Money(counted); counted > 0 && totalFin > limit {
		for i, m := range h.Members {
			if fin[i] > 0 {
				add(Hit{Rule: "deposits", IDNumber: m.IDNumber, Value: money.Money(fin[i]), Total: totalFin, Limit: limit})
			}
		}
	}
	SortHits(hits)
	return hits
}

// staffUnit reports whether employer holds one of the fragments.
func staffUnit(employer string, units []string) bool {
	for _, u := range units {
		if u != "" && strings.Contains(employer, u) {
			return true
		}
	}
	return false
}

// RuleVerdict is the verdict rule gives under a.
func RuleVerdict(rule string, a policy.AssetParams) Verdict {
	switch rule {
	case "vehicle", "houses", "business", "deposits":
		return NotMeets
	case "public_job":
		if a.PublicEmployeeExcludes {
			return NotMeets
		}
	}
	return NeedsCheck
}

// Reasons writes hits as reasons, naming the members.
func Reasons(hits []Hit, a policy.AssetParams) []Reason {
	out := make([]Reason, 0, len(hits))
	for _, x := range hits {
		out = append(out, x.Reason(x.Name, a))
	}
	return out
}

func mask(id string) string {
	if v, err := idcard.Parse(id); err == nil {
		return v.Mask()
	}
	return id
}

// Reason writes the hit as a reason about the member called name.
func (x Hit) Reason(name string, a policy.AssetParams) Reason {
	r := Reason{Rule: x.Rule, Verdict: RuleVerdict(x.Rule, a), IDNumber: x.IDNumber}
	en := name
	switch x.Rule {
	case "vehicle":
		r.Zh = fmt.Sprintf("%s名下有价值超过 %s 元的车辆 %d 辆（最高 %s 元），不符合财产条件", name, x.Limit, x.N, x.Value)
		r.En = fmt.Sprintf("%s owns %d vehicle(s) worth more than %s yuan (highest %s yuan)", en, x.N, x.Limit, x.Value)
	case "vehicle_undeclared":
		r.Zh = fmt.Sprintf("%s名下有未申报的车辆 %d 辆（最高价值 %s 元），需核实", name, x.N, x.Value)
		r.En = fmt.Sprintf("%s owns %d undeclared vehicle(s) (highest value %s yuan): to be checked", en, x.N, x.Value)
	case "houses":
		r.Zh = fmt.Sprintf("%s名下有住房 %d 套，全家共 %d 套，超过规定的 %d 套", name, x.N, x.M, int64(x.Limit))
		r.En = fmt.Sprintf("%s holds %d home(s); the household holds %d, more than the %d allowed", en, x.N, x.M, int64(x.Limit))
	case "business":
		r.Zh = fmt.Sprintf("%s名下有存续的企业或个体工商户 %d 户", name, x.N)
		r.En = fmt.Sprintf("%s runs %d active business(es)", en, x.N)
	case "deposits":
		r.Zh = fmt.Sprintf("%s名下存款和证券 %s 元；全家共 %s 元，超过限额 %s 元", name, x.Value, x.Total, x.Limit)
		r.En = fmt.Sprintf("%s holds %s yuan in deposits and securities; the household %s yuan, above the limit of %s yuan", en, x.Value, x.Total, x.Limit)
	case "assets_undeclared":
		r.Zh = fmt.Sprintf("%s名下存款和证券 %s 元，申报 %s 元，未申报部分超过 %s 元，需核实", name, x.Value, x.Total, x.Limit)
		r.En = fmt.Sprintf("%s holds %s yuan in deposits and securities but %s yuan were declared: to be checked", en, x.Value, x.Total)
	case "public_job":
		r.Zh = fmt.Sprintf("%s为公职人员（%s）", name, x.Ref)
		r.En = fmt.Sprintf("%s is a civil servant or public employee (%s)", en, x.Ref)
	case "death":
		r.Zh = fmt.Sprintf("部门登记%s已于 %s 死亡，档案仍登记为在世，需核实并调整家庭人口", name, x.Ref)
		r.En = fmt.Sprintf("the departments record %s's death on %s but the registry lists the member alive: to be checked", en, x.Ref)
	case "duplicate":
		r.Zh = fmt.Sprintf("%s与本县另一户的 %s 姓名、性别、出生日期、民族相同，疑似重复登记", name, mask(x.Ref))
		r.En = fmt.Sprintf("%s has the name, sex, birth date and ethnicity of %s in another household of the county: possibly registered twice", en, mask(x.Ref))
	case "staff_relative":
		r.Zh = fmt.Sprintf("%s为已备案的工作人员近亲属，需全面入户核查", name)
		r.En = fmt.Sprintf("%s is a registered relative of staff: a full home visit is required", en)
	case "staff_spouse":
		r.Zh = fmt.Sprintf("%s的配偶 %s 为民政或乡镇（街道）工作人员，既非家庭成员也未备案，需核实", name, mask(x.Ref))
		r.En = fmt.Sprintf("%s is married to %s, who works in civil affairs or a township government and is neither a household member nor registered: to be checked", en, mask(x.Ref))
	default:
		r.Zh, r.En = name+"："+x.Rule, name+": "+x.Rule
	}
	return r
}

// VerdictOf is the verdict of a list of reasons: not meets if any reason
// says so, needs a check if any does, meets otherwise.
func VerdictOf(rs []Reason) Verdict {
	v := Meets
	for _, r := range rs {
		if r.Verdict == NotMeets {
			return NotMeets
		}
		if r.Verdict == NeedsCheck {
			v = NeedsCheck
		}
	}
	return v
}
