package synth

import (
	"strconv"
	"strings"

	"safetynet/internal/money"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// countyGen generates one county.
type countyGen struct {
	plan  *countyPlan
	hr    *rng // households
	ar    *rng // anomalies
	rr    *rng // records of the population at large
	lr    *rng // the registry members' own records
	nr    *rng // names re-drawn for accidental look-alikes
	seqs  *seqCounter
	pop   *population
	eth   wtable
	names *namer
	out   *countyOut

	accounts, plates, certs, regNos int // counters for unique numbers
	shortNames                      map[string]string
	seen                            map[personKey]struct{} // the registry persons so far
	townshipNames                   []string
	publicUnits                     []unit
	enterprises                     []string
}

// hhMeta is what the generator remembers of a household beyond the
// registry record.
type hhMeta struct {
	prog      string // "dibao", "tekun", or "" for an applicant
	applicant bool
	ages      []int // of the members, as of AsOf
	planted   bool  // has a planted case
}

// Programme persons are counted under these keys in Stats.Recipients.
const (
	keyDibaoUrban = "dibao_urban"
	keyDibaoRural = "dibao_rural"
	keyTekunUrban = "tekun_urban"
	keyTekunRural = "tekun_rural"
)

// member is a member being composed.
type member struct {
	rel  registry.Relationship
	age  int
	male bool
	role role
}

// role is what kind of person a member is, which shapes the detail.
type role uint8

const (
	roleAdult    role = iota
	roleElderly       // 60 and over
	roleFrail         // an adult living alone with a disability or illness: why the household is poor
	roleChild         // under 18, or an adult child in school
	roleTekun         // a 特困 person
	roleTekunMin      // a 特困 minor (孤儿)
)

// households generates the county's recipient and applicant households.
func (g *countyGen) households() {
	p := g.plan
	urbanSizes, ruralSizes := newTable(urbanSizes), newTable(ruralSizes)
	type quota struct {
		prog   string
		urban  bool
		target int
		key    string
	}
	for _, q := range []quota{{"dibao", false, p.RuralDibao, keyDibaoRural}, {"dibao", true, p.UrbanDibao, keyDibaoUrban},
		{"tekun", false, p.TekunRural, keyTekunRural}, {"tekun", true, p.TekunUrban, keyTekunUrban}} {
		villages := p.Rural
		if q.urban {
			villages = p.Urban
		}
		if len(villages) == 0 {
			continue
		}
		for done := 0; done < q.target; {
			size := 1
			if q.prog == "dibao" {
				if q.urban {
					size = urbanSizes.pick(g.hr)
				} else {
					size = ruralSizes.pick(g.hr)
				}
				size = min(size, q.target-done)
			}
			g.household(q.prog, q.urban, pick(g.hr, villages), size, false)
			done += size
			g.out.stats.Recipients[q.key] += size
		}
	}
	// Applicants: ApplicantShare of the recipient households, split
	// between urban and rural as the recipients are.
	var nu, nr int
	for i := range g.out.meta {
		if g.out.households[i].Area == registry.Urban {
			nu++
		} else {
			nr++
		}
	}
	for _, a := range []struct {
		urban bool
		n     int
	}{{false, nr}, {true, nu}} {
		villages := p.Rural
		if a.urban {
			villages = p.Urban
		}
		if len(villages) == 0 {
			continue
		}
		n := int(float64(a.n)*Province.ApplicantShare + 0.5)
		for range n {
			var size int
			if a.urban {
				size = urbanSizes.pick(g.hr)
			} else {
				size = ruralSizes.pick(g.hr)
			}
			g.household("dibao", a.urban, pick(g.hr, villages), size, true)
		}
	}
}

// household generates one household of size persons and appends it.
func (g *countyGen) household(prog string, urban bool, village region.Division, size int, applicant bool) {
	r := g.hr
	var ms []member
	if prog == "tekun" {
		ms = g.composeTekun()
	} else {
		ms = g.composeDibao(size)
	}
	area := registry.Rural
	if urban {
		area = registry.Urban
	}
	h := registry.Household{County: g.plan.Code + "000000", Village: village.Code, Area: area}
	h.Members = make([]registry.Member, len(ms))
	meta := hhMeta{prog: prog, applicant: applicant, ages: make([]int, len(ms))}
	if applicant {
		meta.prog = ""
	}

	// Ethnicity and surnames: the head's group from the prefecture's mix;
	// a spouse of another group now and then; the young take the father's
	// surname, or the head's.
	headEth := g.eth.pick(r)
	spouseEth := headEth
	if r.chance(0.12) {
		spouseEth = g.eth.pick(r)
	}
	headSurname := g.names.surname(r, headEth)
	spouseSurname := g.names.surname(r, spouseEth)
	var father string
	fatherKnown := false
	for _, m := range ms {
		if m.rel == registry.Head && m.male {
			father, fatherKnown = headSurname, true
		}
		if m.rel == registry.Spouse && m.male {
			father, fatherKnown = spouseSurname, true
		}
	}
	for i, m := range ms {
		eth, surname := headEth, headSurname
		switch m.rel {
		case registry.Spouse:
			eth, surname = spouseEth, spouseSurname
		case registry.Child, registry.Grandchild:
			switch {
			case fatherKnown && r.chance(0.95):
				surname = father
			case fatherKnown:
				surname = headSurname
				if father == headSurname {
					surname = spouseSurname
				}
			case r.chance(0.3):
				surname = g.names.surname(r, eth)
			}
		case registry.Parent:
			if !m.male { // a father shares the head's surname, a mother not
				surname = g.names.surname(r, eth)
			}
		}
		born := bornAt(r, m.age)
		born, seq := g.seqs.take(born, m.male)
		sex := "F"
		if m.male {
			sex = "M"
		}
		meta.ages[i] = ageOn(born)
		h.Members[i] = registry.Member{
			IDNumber:     makeID(g.plan.Code, born, seq),
			Name:         g.uniqueName(g.names.name(r, eth, surname, m.male, born.Year()), eth, surname, m.male, born),
			Sex:          sex,
			BirthDate:    born.String(),
			Relationship: m.rel,
		}
		h.Members[i].Ethnicity = eth
	}
	setting := ""
	if prog == "tekun" {
		setting = "home"
		if r.chance(Province.TekunInstitution) {
			setting = "institution"
		}
	}
	hasSpouse := len(ms) > 1 && ms[1].rel == registry.Spouse
	hasYoung := false
	for _, m := range ms {
		if m.rel == registry.Child || m.rel == registry.Grandchild {
			hasYoung = true
		}
	}
	for i := range ms {
		g.detail(&h.Members[i], ms[i], meta.ages[i], urban, setting, hasSpouse, hasYoung)
	}
	g.address(&h, village, urban)
	g.bank(&h, urban)
	g.money(&h, meta, urban, applicant)
	g.assets(&h, meta, urban)
	if !applicant {
		e := registry.Enrolment{Programme: prog, Setting: setting}
		if prog == "dibao" {
			e.Since = g.since(2014)
			if !urban {
				e.Tier = g.tier(&h, meta)
			}
		} else {
			e.Since = g.since(2015)
			e.PersonID = -1 // the one member
		}
		h.Enrolments = []registry.Enrolment{e}
	}
	g.out.households = append(g.out.households, h)
	g.out.meta = append(g.out.meta, meta)
}

// personKey is what the duplicate rule of verification compares: name,
// sex and birth date.
type personKey struct {
	name string
	born day
	male bool
}

// uniqueName returns name, or, when a registry person of the county
// already has that name, sex and birth date, another name drawn from the
// names stream (keeping the surname, then from the 32nd try another Han
// surname too), so that the only look-alikes of a county are the planted
// duplicate_person cases. It records the person. Only collisions draw
// from the stream, so the other names are those of the household stream.
func (g *countyGen) uniqueName(name, eth, surname string, male bool, born day) string {
	k := personKey{name, born, male}
	for try := 0; ; try++ {
		if _, dup := g.seen[k]; !dup {
			break
		}
		if try >= 32 {
			surname = g.names.han.pick(g.nr)
		}
		k.name = g.names.name(g.nr, eth, surname, male, born.Year())
	}
	g.seen[k] = struct{}{}
	return k.name
}

// since returns the first month of an enrolment, from January of year to
// September 2025.
func (g *countyGen) since(year int) string {
	months := (2025-year)*12 + 9
	m := g.hr.intn(months)
	var b [10]byte
	put(b[0:4], year+m/12)
	b[4] = '-'
	put(b[5:7], m%12+1)
	copy(b[7:], "-01")
	return string(b[:])
}

// elderlyAge draws the age of an elderly dibao member.
func (g *countyGen) elderlyAge() int {
	x := g.hr.float()
	switch {
	case x < 0.45:
		return g.hr.between(60, 69)
	case x < 0.80:
		return g.hr.between(70, 79)
	case x < 0.97:
		return g.hr.between(80, 89)
	}
	return g.hr.between(90, 99)
}

// composeTekun composes a 特困 household: one person, most elderly, some
// disabled adults, a few orphans.
func (g *countyGen) composeTekun() []member {
	r := g.hr
	x := r.float()
	switch {
	case x < 0.80:
		age := g.elderlyAge()
		if r.chance(0.5) {
			age = min(99, age+r.between(0, 8)) // 特困 are older than dibao
		}
		return []member{{registry.Head, age, r.chance(0.6), roleTekun}}
	case x < 0.95:
		return []member{{registry.Head, r.between(18, 59), r.chance(0.6), roleTekun}}
	}
	return []member{{registry.Head, r.between(3, 17), r.chance(0.5), roleTekunMin}}
}

// composeDibao composes a dibao household of size persons: elderly people
// alone or in couples, frail adults alone, single parents, couples with
// children and perhaps a parent, and grandparents raising grandchildren.
func (g *countyGen) composeDibao(size int) []member {
	r := g.hr
	child := func(parentAge int) member {
		return member{registry.Child, r.between(0, max(0, min(parentAge-20, 24))), r.chance(0.5), roleChild}
	}
	spouse := func(h member) member {
		gap := r.between(-3, 6) // husbands are older
		if h.male {
			gap = -gap
		}
		age := max(18, min(99, h.age+gap))
		ro := roleAdult
		if age >= 60 {
			ro = roleElderly
		}
		return member{registry.Spouse, age, !h.male, ro}
	}
	x := r.float()
	var ms []member
	switch {
	case size == 1 && x < 0.55:
		ms = []member{{registry.Head, g.elderlyAge(), r.chance(0.45), roleElderly}}
	case size == 1:
		ms = []member{{registry.Head, r.between(18, 59), r.chance(0.55), roleFrail}}
	case size == 2 && x < 0.35:
		h := member{registry.Head, g.elderlyAge(), r.chance(0.7), roleElderly}
		ms = []member{h, spouse(h)}
	case size == 2 && x < 0.65:
		h := member{registry.Head, r.between(25, 55), r.chance(0.35), roleAdult}
		ms = []member{h, child(h.age)}
	case size == 2 && x < 0.85:
		h := member{registry.Head, r.between(30, 59), r.chance(0.65), roleAdult}
		ms = []member{h, spouse(h)}
	case size == 2:
		h := member{registry.Head, r.between(25, 55), r.chance(0.6), roleAdult}
		ms = []member{h, {registry.Parent, min(99, h.age+r.between(22, 35)), r.chance(0.35), roleElderly}}
	case x < 0.2: // grandparents raising grandchildren (隔代)
		h := member{registry.Head, r.between(55, 80), r.chance(0.6), roleElderly}
		if h.age < 60 {
			h.role = roleAdult
		}
		ms = []member{h}
		if size >= 4 || r.chance(0.5) {
			ms = append(ms, spouse(h))
		}
		for len(ms) < size {
			ms = append(ms, member{registry.Grandchild, r.between(1, 17), r.chance(0.5), roleChild})
		}
	default:
		h := member{registry.Head, r.between(28, 58), r.chance(0.7), roleAdult}
		ms = []member{h}
		if r.chance(0.85) {
			ms = append(ms, spouse(h))
		}
		if size >= 4 && r.chance(0.3) {
			ms = append(ms, member{registry.Parent, min(99, h.age+r.between(22, 35)), r.chance(0.35), roleElderly})
		}
		for len(ms) < size {
			ms = append(ms, child(h.age))
		}
	}
	return ms
}

// detail fills in a member's detail.
func (g *countyGen) detail(p *registry.Member, m member, age int, urban bool, setting string, hasSpouse, hasYoung bool) {
	r := g.hr
	d := &p.Detail
	tekun := m.role == roleTekun || m.role == roleTekunMin

	// Disability (≈ 8% of members): certificate number = ID + category
	// digit + grade digit, as on the second-generation certificate.
	pDis := 0.035
	switch {
	case m.role == roleTekun && age < 60:
		pDis = 1
	case m.role == roleFrail:
		pDis = 0.45
	case m.role == roleElderly || m.role == roleTekun:
		pDis = 0.10
	case age < 3:
		pDis = 0 // certificates are rarely issued to infants
	case m.role == roleChild || m.role == roleTekunMin:
		pDis = 0.03
	}
	if r.chance(pDis) {
		cats := [...]string{"visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"}
		ci := disabilityCats.pick(r)
		d.Disability.Category = cats[ci]
		d.Disability.Grade = 1 + gradeTable.pick(r)
		if m.role == roleTekun && age < 60 {
			d.Disability.Grade = 1 + r.intn(2)
		}
		d.Disability.Cert = p.IDNumber + strconv.Itoa(ci+1) + strconv.Itoa(d.Disability.Grade)
	}
	pIll := 0.04
	if age >= 60 {
		pIll = 0.07
	}
	if age >= 18 && r.chance(pIll) || m.role == roleFrail && d.Disability.Grade == 0 {
		d.SeriousIllness = pick(r, seriousIllnesses)
	}

	// Self-care: the six activities, failed in the usual order (bathing
	// first, eating last).
	failed := 0
	switch {
	case tekun && setting == "institution":
		failed = pickFailed(r, 0.40, 0.35)
	case tekun:
		failed = pickFailed(r, 0.65, 0.25)
	case d.Disability.Grade == 1:
		failed = pickFailed(r, 0.3, 0.4)
	case age >= 80:
		failed = pickFailed(r, 0.8, 0.17)
	}
	order := [...]uint8{5, 1, 4, 3, 2, 0}
	for i := range failed {
		d.SelfCare |= 1 << order[i]
	}

	// Marital status.
	switch {
	case age < 18 || m.rel == registry.Child || m.rel == registry.Grandchild:
		d.Marital = "single"
	case m.rel == registry.Spouse || m.rel == registry.Head && hasSpouse:
		d.Marital = "married"
	case m.rel == registry.Parent:
		d.Marital = "widowed"
	case tekun:
		d.Marital = weightedKey(r, []string{"single", "widowed", "divorced"}, 45, 45, 10)
	case age >= 60:
		d.Marital = weightedKey(r, []string{"widowed", "single", "divorced"}, 65, 15, 20)
	case hasYoung:
		d.Marital = weightedKey(r, []string{"divorced", "widowed", "single"}, 55, 35, 10)
	default:
		d.Marital = weightedKey(r, []string{"single", "divorced", "widowed"}, 70, 25, 5)
	}

	// Education by age.
	switch {
	case age < 3:
		d.Education = "none"
	case age < 6:
		d.Education = "preschool"
	case age < 12:
		d.Education = "primary"
	case age < 15:
		d.Education = "junior"
	case age < 18:
		d.Education = weightedKey(r, []string{"senior", "vocational", "graduated"}, 60, 30, 10)
	case age < 23 && m.rel == registry.Child && r.chance(0.4):
		d.Education = "college"
	case age >= 60 && !urban && r.chance(0.45):
		d.Education = "none"
	default:
		d.Education = "graduated"
	}

	// Labour capacity.
	switch {
	case age < 16:
		d.Labour = "none"
	case d.Disability.Grade == 1 || d.Disability.Grade == 2 || age >= 70 || tekun:
		d.Labour = "none"
	case d.Disability.Grade > 0 || d.SeriousIllness != "" || age >= 60:
		d.Labour = "partial"
	default:
		d.Labour = "full"
	}

	// Employment.
	switch {
	case d.Education == "primary" || d.Education == "junior" || d.Education == "senior" || d.Education == "vocational" || d.Education == "college":
		d.Employment = "student"
	case age < 16 || d.Labour == "none":
		d.Employment = "none"
	case age >= 60:
		d.Employment = "none"
		if !urban && r.chance(0.4) {
			d.Employment = "farming"
		}
	case urban:
		d.Employment = weightedKey(r, []string{"flexible", "unemployed", "none", "employed"}, 35, 30, 25, 10)
	default:
		d.Employment = weightedKey(r, []string{"farming", "flexible", "unemployed", "none", "employed"}, 55, 20, 10, 10, 5)
	}

	if age >= 16 && (age < 75 && r.chance(0.85) || r.chance(0.3)) || m.rel == registry.Head && age >= 16 && r.chance(0.5) {
		d.Phone = phone(r)
	}
	if m.rel != registry.Head && age >= 18 && r.chance(0.003) {
		d.Excluded = weightedKey(r, []string{"prison", "missing", "drug_rehab", "religious_away"}, 40, 20, 20, 20)
	}
}

var (
	disabilityCats = newTable([]float64{12, 12, 2, 40, 10, 10, 14})
	gradeTable     = newTable([]float64{15, 30, 30, 25})
)

// pickFailed draws a number of self-care activities failed: 0 with
// probability none, 1–3 with probability partial, else 4–6.
func pickFailed(r *rng, none, partial float64) int {
	x := r.float()
	switch {
	case x < none:
		return 0
	case x < none+partial:
		return r.between(1, 3)
	}
	return r.between(4, 6)
}

// weightedKey picks one of keys by weights.
func weightedKey(r *rng, keys []string, weights ...float64) string {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	x := r.float() * sum
	for i, w := range weights {
		if x < w {
			return keys[i]
		}
		x -= w
	}
	return keys[len(keys)-1]
}

// phone returns a mobile number.
func phone(r *rng) string {
	var b [11]byte
	b[0] = '1'
	b[1] = "35789"[r.intn(5)]
	for i := 2; i < 11; i++ {
		b[i] = byte('0' + r.intn(10))
	}
	return string(b[:])
}

// shortName returns a village's name as written in an address: 嘎德村,
// 翠湖西路社区.
func (g *countyGen) shortName(v region.Division) string {
	if s, ok := g.shortNames[v.Code]; ok {
		return s
	}
	s := v.Name
	if i := strings.IndexAny(s, "（("); i > 0 {
		s = s[:i]
	}
	switch {
	case strings.HasSuffix(s, "村民委员会"):
		s = strings.TrimSuffix(s, "村民委员会") + "村"
	case strings.HasSuffix(s, "村委会"):
		s = strings.TrimSuffix(s, "村委会") + "村"
	case strings.HasSuffix(s, "居民委员会"):
		s = strings.TrimSuffix(s, "居民委员会")
		if !strings.HasSuffix(s, "社区") {
			s += "社区"
		}
	case strings.HasSuffix(s, "居委会"):
		s = strings.TrimSuffix(s, "居委会")
		if !strings.HasSuffix(s, "社区") {
			s += "社区"
		}
	}
	g.shortNames[v.Code] = s
	return s
}

// address writes the household's address: township, village and a house
// in a group (rural) or on a street (urban).
func (g *countyGen) address(h *registry.Household, v region.Division, urban bool) {
	r := g.hr
	b := make([]byte, 0, 96)
	b = append(b, g.plan.Townships[v.Parent]...)
	b = append(b, g.shortName(v)...)
	if urban {
		b = append(b, pick(r, roads)...)
		b = strconv.AppendInt(b, int64(r.between(1, 300)), 10)
		b = append(b, "号"...)
		if r.chance(0.7) {
			b = strconv.AppendInt(b, int64(r.between(1, 20)), 10)
			b = append(b, "栋"...)
			b = strconv.AppendInt(b, int64(r.between(1, 4)), 10)
			b = append(b, "单元"...)
			b = strconv.AppendInt(b, int64(r.between(1, 12)*100+r.between(1, 4)), 10)
			b = append(b, "室"...)
		}
	} else {
		b = append(b, pick(r, villageGroups)...)
		b = strconv.AppendInt(b, int64(r.between(1, 120)), 10)
		b = append(b, "号"...)
	}
	h.Address = string(b)
}

var (
	ruralBanks, urbanBanks table
)

func init() {
	var rw, uw []float64
	for _, b := range banks {
		rw = append(rw, b.Rural)
		uw = append(uw, b.Urban)
	}
	ruralBanks, urbanBanks = newTable(rw), newTable(uw)
}

// bank gives the household a benefit account: the bank's prefix, the
// county, a scrambled household number (unique in the county) and a Luhn
// check digit.
func (g *countyGen) bank(h *registry.Household, urban bool) {
	t := ruralBanks
	if urban {
		t = urbanBanks
	}
	b := banks[t.pick(g.hr)]
	g.accounts++
	var a [19]byte
	copy(a[:6], b.BIN)
	copy(a[6:10], g.plan.Code[2:6])
	put(a[10:18], int(uint64(g.accounts)*48271%100_000_000))
	a[18] = luhn(a[:18])
	h.Bank = registry.BankAccount{Bank: b.Name, Account: string(a[:]), Holder: h.Members[0].Name}
}

// luhn returns the Luhn check digit of digits.
func luhn(digits []byte) byte {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// The 2025 Yunnan standards (RULES §7.2): urban dibao 744 yuan a person a
// month, rural 6720 a year; the basic resident pension and the
// old-age allowance are approximate.
const (
	urbanStandard   = 744 * 100  // fen a month
	ruralStandard   = 6720 * 100 // fen a year
	basicPensionMin = 143 * 100
	basicPensionMax = 185 * 100
	elderlyAllow    = 50 * 100
)

// money writes the household's declared incomes and rigid expenditures.
// Each income item belongs to a member (PersonID −(i+1) for Members[i], the
// registry's convention for new households). Recipients' countable income
// per head is below the standard; of applicants, four in ten are above it.
func (g *countyGen) money(h *registry.Household, meta hhMeta, urban, applicant bool) {
	r := g.hr
	counted, worker := 0, -1
	var pensions int64 // fen a month
	for i, m := range h.Members {
		if !m.Counts() {
			continue
		}
		counted++
		ref := -int64(i + 1)
		if meta.ages[i] >= 60 {
			amt := int64(r.between(basicPensionMin/100, basicPensionMax/100)) * 100
			pensions += amt
			h.Incomes = append(h.Incomes, registry.Income{PersonID: ref, Kind: "pension_basic", Amount: money.Money(amt), Per: registry.PerMonth, Source: "申报"})
		}
		if meta.ages[i] >= 80 {
			h.Incomes = append(h.Incomes, registry.Income{PersonID: ref, Kind: "elderly_allowance", Amount: elderlyAllow, Per: registry.PerMonth, Source: "申报"})
		}
		switch m.Employment {
		case "flexible", "employed", "farming":
			if worker < 0 {
				worker = i
			}
		}
		if m.SeriousIllness != "" {
			h.Expenditures = append(h.Expenditures, registry.Expenditure{Kind: "medical",
				Amount: money.Yuan(int64(r.between(30, 400)) * 100), Per: registry.PerYear, Note: m.SeriousIllness})
		}
		switch m.Education {
		case "senior", "vocational", "college":
			h.Expenditures = append(h.Expenditures, registry.Expenditure{Kind: "education",
				Amount: money.Yuan(int64(r.between(20, 90)) * 100), Per: registry.PerYear})
		}
	}
	if meta.prog == "tekun" || counted == 0 {
		return // 无生活来源: no income beyond the basic pension
	}
	share := 0.05 + 0.8*r.float()
	if applicant && r.chance(0.4) {
		share = 1.05 + r.float()
	}
	add := func(who int, kind string, amt int64, per registry.Period) {
		if amt > 0 {
			h.Incomes = append(h.Incomes, registry.Income{PersonID: -int64(who + 1), Kind: kind, Amount: money.Money(amt), Per: per, Source: "申报"})
		}
	}
	if urban {
		total := int64(share*urbanStandard)*int64(counted) - pensions
		total = total / 1000 * 1000 // whole tens of yuan
		if total <= 0 {
			return
		}
		if worker >= 0 {
			w := total * 7 / 10 / 1000 * 1000
			add(worker, "wages", w, registry.PerMonth)
			total -= w
		}
		add(0, "transfer", total, registry.PerMonth)
		return
	}
	total := int64(share*ruralStandard)*int64(counted) - pensions*12
	total = total / 10000 * 10000 // whole hundreds of yuan
	if total <= 0 {
		return
	}
	business := total / 2 / 10000 * 10000
	add(0, "business", business, registry.PerYear)
	left := total - business
	if worker >= 0 {
		w := total * 3 / 10 / 10000 * 10000
		add(worker, "wages", w, registry.PerYear)
		left -= w
	}
	add(0, "transfer", left, registry.PerYear)
}

// tier decides a rural household's tier: A (重点保障) when no one can work,
// B (基本保障) when someone is old, disabled or ill, C (一般保障) otherwise.
func (g *countyGen) tier(h *registry.Household, meta hhMeta) string {
	anyFull, anyFrail := false, false
	for i, m := range h.Members {
		if m.Labour == "full" {
			anyFull = true
		}
		if m.Disability.Grade > 0 || m.SeriousIllness != "" || meta.ages[i] >= 60 {
			anyFrail = true
		}
	}
	r := g.hr
	switch {
	case !anyFull:
		return weightedKey(r, []string{"A", "B"}, 60, 40)
	case anyFrail:
		return weightedKey(r, []string{"B", "C"}, 60, 40)
	}
	return weightedKey(r, []string{"C", "B"}, 70, 30)
}
