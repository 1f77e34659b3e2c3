package synth

import (
	"math"
	"unicode/utf8"

	"safetynet/internal/money"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// plant plants the anomalies of Anomalies in the county's households:
// recipients and applicants each in the stated shares, a household at most
// one case, the households chosen at random among those where the case can
// happen (a car needs an adult, a recorded death a second member). The
// count of a kind is the share times the households, rounded at random
// so that the expected count is exact however small the county.
func (g *countyGen) plant() {
	r := g.ar
	for _, applicant := range []bool{false, true} {
		var idx []int
		for i := range g.out.meta {
			if g.out.meta[i].applicant == applicant {
				idx = append(idx, i)
			}
		}
		shuffleSlice(r, idx)
		for _, a := range Anomalies {
			x := a.Share * float64(len(idx))
			n := int(math.Floor(x))
			if r.float() < x-float64(n) {
				n++
			}
			for j := 0; n > 0 && j < len(idx); j++ {
				hi := idx[j]
				if g.out.meta[hi].planted {
					continue
				}
				if g.plantOne(a, hi) {
					g.out.meta[hi].planted = true
					n--
				}
			}
		}
	}
}

// memberAged returns a random member of household hi who counts and is
// minAge to maxAge, or -1.
func (g *countyGen) memberAged(hi, minAge, maxAge int, ok func(registry.Member) bool) int {
	h, meta := &g.out.households[hi], &g.out.meta[hi]
	var c [32]int
	n := 0
	for i, m := range h.Members {
		if a := meta.ages[i]; a >= minAge && a <= maxAge && m.Counts() && (ok == nil || ok(m)) && n < len(c) {
			c[n] = i
			n++
		}
	}
	if n == 0 {
		return -1
	}
	return c[g.ar.intn(n)]
}

// plantOne plants a case of a in household hi, or reports false when the
// household cannot have one.
func (g *countyGen) plantOne(a Anomaly, hi int) bool {
	r := g.ar
	h, meta := &g.out.households[hi], &g.out.meta[hi]
	rs := &g.out.recs
	t := Truth{Kind: a.Kind, Flag: a.Flag, Household: h.Members[0].IDNumber, County: g.plan.Code,
		Applicant: meta.applicant, Dataset: a.Dataset}
	var i int
	switch a.Kind {
	case "car":
		if i = g.memberAged(hi, 18, 70, nil); i < 0 {
			return false
		}
		m := h.Members[i]
		v := vehicleTypes[[]int{0, 0, 0, 1, 2, 3, 6}[r.intn(7)]]
		rec := Vehicle{IDNumber: m.IDNumber, Plate: g.plate(), Type: v.Name, Value: yuanBetween(r, max(40000, v.Min), v.Max, 100),
			Registered: after(r, dayOf(m.BirthDate), 18, day2005()).String()}
		rs.vehicles = append(rs.vehicles, rec)
		t.Detail = rec.Type + " " + rec.Plate + " 价值 " + rec.Value.String() + " 元"
	case "second_house":
		if i = g.memberAged(hi, 25, 85, nil); i < 0 {
			return false
		}
		m := h.Members[i]
		has := false
		for _, as := range h.Assets {
			if as.Kind == "house" && i == 0 {
				has = true
			}
		}
		born := dayOf(m.BirthDate)
		if !has {
			reg := after(r, born, 22, day2000())
			rs.property = append(rs.property, Property{IDNumber: m.IDNumber, CertNo: g.certNo(reg.Year()),
				Area: int64(r.between(60, 150)) * 100, Use: "住宅", Address: g.plan.Name + h.Address, Registered: reg.String()})
		}
		reg := after(r, born, 25, day2005())
		flat := Property{IDNumber: m.IDNumber, CertNo: g.certNo(reg.Year()), Area: int64(r.between(70, 140))*100 + int64(r.intn(100)),
			Use: "住宅", Address: g.houseAddress(r), Registered: reg.String()}
		rs.property = append(rs.property, flat)
		t.Detail = "商品房 " + flat.CertNo + " " + flat.Address
	case "business":
		if i = g.memberAged(hi, 20, 65, nil); i < 0 {
			return false
		}
		m := h.Members[i]
		b := g.business(r, m.IDNumber, dayOf(m.BirthDate), r.chance(0.7), "存续")
		rs.businesses = append(rs.businesses, b)
		if b.Kind == "enterprise" || r.chance(0.4) {
			rs.taxes = append(rs.taxes, g.tax(r, m.IDNumber, yuanBetween(r, 70000, 300000, 1)))
		}
		t.Detail = b.Name + " " + b.RegNo
	case "public_job":
		if i = g.memberAged(hi, 22, 59, nil); i < 0 {
			return false
		}
		m := h.Members[i]
		u := pick(r, g.publicUnits)
		pe := g.publicEmployee(r, m.IDNumber, dayOf(m.BirthDate), u)
		pe.Name = m.Name
		rs.public = append(rs.public, pe)
		rs.social = append(rs.social, SocialInsurance{IDNumber: m.IDNumber, Employer: u.Name, MonthlyBase: yuanBetween(r, 5000, 12000, 100), Since: pe.Since})
		rs.funds = append(rs.funds, HousingFund{IDNumber: m.IDNumber, Employer: u.Name, MonthlyDeposit: yuanBetween(r, 800, 2500, 1),
			Balance: yuanBetween(r, 10000, 150000, 1)})
		t.Detail = u.Name + " " + u.Kind
	case "dead_listed":
		i = 0
		for j := range h.Members {
			if meta.ages[j] > meta.ages[i] && h.Members[j].Counts() {
				i = j
			}
		}
		if !h.Members[i].Counts() {
			return false
		}
		d := dayBetween(r, day2023(), cal().asOf-60)
		g.death(r, h.Members[i].IDNumber, d, 0.5)
		t.Detail = "死亡日期 " + d.String()
	case "duplicate_person":
		for range 8 {
			// The original's household carries no other case, so that no
			// later case (a recorded death) hides the original.
			hj := r.intn(len(g.out.households))
			if hj == hi || g.out.meta[hj].planted {
				continue
			}
			j := g.memberAged(hj, 18, 90, nil)
			if j < 0 {
				continue
			}
			orig := g.out.households[hj].Members[j]
			born := dayOf(orig.BirthDate)
			d, seq := g.seqs.take(born, orig.Sex == "M")
			if d != born {
				continue // the day is full: the copy would not match
			}
			dup := orig
			dup.IDNumber = makeID(g.plan.Code, d, seq)
			dup.Relationship = registry.Other
			if dup.Disability.Grade > 0 {
				dup.Disability.Cert = dup.IDNumber + dup.Disability.Cert[18:]
			}
			h.Members = append(h.Members, dup)
			meta.ages = append(meta.ages, g.out.meta[hj].ages[j])
			t.IDNumber, t.Related = dup.IDNumber, orig.IDNumber
			g.out.meta[hj].planted = true
			t.Detail = "与 " + g.out.households[hj].Members[0].IDNumber + " 户的 " + orig.Name + " 为同一人"
			g.out.truth = append(g.out.truth, t)
			return true
		}
		return false
	case "staff_relative":
		if i = g.memberAged(hi, 18, 90, nil); i < 0 {
			return false
		}
		return g.staffRelative(hi, i, t)
	case "staff_relative_unregistered":
		single := func(m registry.Member) bool {
			return m.Relationship != registry.Spouse && (m.Relationship != registry.Head || len(h.Members) < 2 ||
				h.Members[1].Relationship != registry.Spouse)
		}
		if i = g.memberAged(hi, 22, 62, single); i < 0 {
			return false
		}
		m := &h.Members[i]
		male := m.Sex == "F"
		age := meta.ages[i]
		sid, sborn, ok := g.pop.pickSex(r, max(22, age-6), min(59, age+6), male)
		if !ok {
			return false
		}
		u := unit{g.plan.Name + "民政局", "civil_servant"}
		if r.chance(0.7) {
			u = unit{g.plan.Townships[g.townshipOf(h.Village)] + "人民政府", "civil_servant"}
		}
		pe := g.publicEmployee(r, sid, sborn, u)
		rs.public = append(rs.public, pe)
		husband, wife := m.IDNumber, sid
		if male {
			husband, wife = sid, m.IDNumber
		}
		date := after(r, max(dayOf(m.BirthDate), sborn), 22, day2000())
		rs.marriages = append(rs.marriages, Marriage{IDNumber: husband, SpouseID: wife, Date: date.String(), Kind: "marriage"})
		m.Marital = "married"
		t.Related = sid
		t.Detail = "配偶 " + pe.Name + " 任职于 " + u.Name + "，未申报为家庭成员，未备案"
	case "large_deposit":
		if i = g.memberAged(hi, 25, 90, nil); i < 0 {
			return false
		}
		d := Deposit{IDNumber: h.Members[i].IDNumber, Bank: pick(r, depositBanks), Balance: yuanBetween(r, 80000, 500000, 1) + money.Money(r.intn(100)), AsOf: AsOf}
		rs.deposits = append(rs.deposits, d)
		t.Detail = d.Bank + " 余额 " + d.Balance.String() + " 元"
	case "control_disability_vehicle":
		if i = g.memberAged(hi, 18, 75, func(m registry.Member) bool { return m.Disability.Grade > 0 }); i < 0 {
			return false
		}
		m := h.Members[i]
		v := Vehicle{IDNumber: m.IDNumber, Plate: g.plate(), Type: "残疾人专用小型自动挡载客汽车", Value: yuanBetween(r, 20000, 45000, 100),
			Registered: after(r, dayOf(m.BirthDate), 18, day2005()).String()}
		rs.vehicles = append(rs.vehicles, v)
		h.Assets = append(h.Assets, registry.Asset{PersonID: -int64(i + 1), Kind: "vehicle", Value: v.Value, VehicleType: v.Type, RegNo: v.Plate, Note: "残疾人专用车"})
		t.Detail = v.Type + " " + v.Plate + "，已申报"
	case "control_recorded_death":
		if i = g.memberAged(hi, 50, 120, func(m registry.Member) bool { return m.Relationship != registry.Head }); i < 0 {
			return false
		}
		if !recordDeath(h, i, meta.prog == "tekun") {
			return false
		}
		d := dayBetween(r, day2023(), cal().asOf-30)
		g.death(r, h.Members[i].IDNumber, d, 0.5)
		h.Members[i].DeathDate = d.String()
		t.Detail = "死亡日期 " + d.String() + "，已登记"
	default:
		return false
	}
	t.IDNumber = h.Members[i].IDNumber
	g.out.truth = append(g.out.truth, t)
	return true
}

// townshipOf returns the 12-digit code of a village's township.
func (g *countyGen) townshipOf(village string) string { return village[:9] + "000" }

// staffRoles are the kinds of staff whose relatives must be declared,
// with weights.
var staffRoles = []struct {
	Role   string
	Weight float64
}{{"村（居）委会成员", 60}, {"乡镇（街道）社会救助经办人员", 25}, {"县民政局工作人员", 15}}

// staffRelative plants a declared relative of staff: member i of household
// hi is a parent, child or sibling of a staff member, registered in the
// staff-relatives register.
func (g *countyGen) staffRelative(hi, i int, t Truth) bool {
	r := g.ar
	h, meta := &g.out.households[hi], &g.out.meta[hi]
	m := h.Members[i]
	age := meta.ages[i]
	var lo, hiAge int
	var relation string
	switch {
	case age >= 50:
		lo, hiAge, relation = max(22, age-38), min(58, age-20), "父母"
	case age <= 30 && r.chance(0.5):
		lo, hiAge, relation = max(42, age+20), 58, "子女"
	default:
		lo, hiAge, relation = max(22, age-8), min(58, age+8), "兄弟姐妹"
	}
	if lo > hiAge {
		lo, hiAge, relation = max(22, age-8), min(58, age+8), "兄弟姐妹"
		if lo > hiAge {
			return false
		}
	}
	sid, sborn, ok := g.pop.pick(r, lo, hiAge)
	if !ok {
		return false
	}
	male := (sid[16]-'0')%2 == 1
	// A son or daughter of a father, a father of a child, and brothers and
	// sisters share the family surname.
	surname := g.names.surname(r, m.Ethnicity)
	_, styled := nameStyles[m.Ethnicity]
	if rn, size := utf8.DecodeRuneInString(m.Name); rn != utf8.RuneError && !styled {
		share := relation == "兄弟姐妹" || relation == "父母" && m.Sex == "M" || relation == "子女" && male
		if share && r.chance(0.9) {
			surname = m.Name[:size]
		}
	}
	name := g.names.name(r, m.Ethnicity, surname, male, sborn.Year())
	sr := StaffRelative{StaffID: sid, StaffName: name, RelativeID: m.IDNumber, RelativeName: m.Name, Relation: relation}
	switch x := r.float() * 100; {
	case x < staffRoles[0].Weight:
		v, _ := region.YunnanTree().Get(h.Village)
		sr.Role, sr.Unit, sr.Region = staffRoles[0].Role, v.Name, h.Village
	case x < staffRoles[0].Weight+staffRoles[1].Weight:
		tw := g.townshipOf(h.Village)
		sr.Role, sr.Unit, sr.Region = staffRoles[1].Role, g.plan.Townships[tw]+"人民政府", tw
	default:
		sr.Role, sr.Unit, sr.Region = staffRoles[2].Role, g.plan.Name+"民政局", g.plan.Code+"000000"
	}
	if sr.Role != staffRoles[0].Role {
		pe := g.publicEmployee(r, sid, sborn, unit{sr.Unit, "civil_servant"})
		pe.Name = name
		g.out.recs.public = append(g.out.recs.public, pe)
	}
	g.out.staff = append(g.out.staff, sr)
	t.IDNumber, t.Related = m.IDNumber, sid
	t.Detail = sr.Role + " " + name + "（" + sr.Unit + "）的" + relation + "，已备案"
	g.out.truth = append(g.out.truth, t)
	return true
}

// recordDeath updates the incomes of household h for the death of member
// i, as a clerk would: the member's own items go, and the household's
// shared items (those of the other members that are not personal
// pensions) shrink in proportion. It reports false, changing nothing, when
// the income per head would then reach the standard.
func recordDeath(h *registry.Household, i int, tekun bool) bool {
	counted := 0
	for _, m := range h.Members {
		if m.Counts() {
			counted++
		}
	}
	if counted < 2 || tekun {
		return false
	}
	var kept []registry.Income
	var total money.Money
	for _, in := range h.Incomes {
		if in.PersonID == -int64(i+1) {
			continue
		}
		if in.Kind != "pension_basic" && in.Kind != "elderly_allowance" {
			in.Amount = in.Amount * money.Money(counted-1) / money.Money(counted) / 1000 * 1000
			if in.Amount == 0 {
				continue
			}
		}
		kept = append(kept, in)
		total += in.Monthly()
	}
	std := money.Money(urbanStandard)
	if h.Area == registry.Rural {
		std = ruralStandard / 12
	}
	if total >= std*money.Money(counted-1) {
		return false
	}
	h.Incomes = kept
	return true
}
