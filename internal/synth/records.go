package synth

import (
	"math"
	"slices"
	"strconv"
	"sync"

	"safetynet/internal/money"
	"safetynet/internal/registry"
)

// records are a county's department records, by dataset.
type records struct {
	vehicles   []Vehicle
	property   []Property
	businesses []Business
	pensions   []Pension
	social     []SocialInsurance
	funds      []HousingFund
	taxes      []Tax
	deposits   []Deposit
	securities []Security
	public     []PublicEmployee
	deaths     []Death
	marriages  []Marriage
}

// each calls f with every record, dataset by dataset in Datasets order.
func (rs *records) each(f func(Record) error) error {
	for i := range rs.vehicles {
		if err := f(&rs.vehicles[i]); err != nil {
			return err
		}
	}
	for i := range rs.property {
		if err := f(&rs.property[i]); err != nil {
			return err
		}
	}
	for i := range rs.businesses {
		if err := f(&rs.businesses[i]); err != nil {
			return err
		}
	}
	for i := range rs.pensions {
		if err := f(&rs.pensions[i]); err != nil {
			return err
		}
	}
	for i := range rs.social {
		if err := f(&rs.social[i]); err != nil {
			return err
		}
	}
	for i := range rs.funds {
		if err := f(&rs.funds[i]); err != nil {
			return err
		}
	}
	for i := range rs.taxes {
		if err := f(&rs.taxes[i]); err != nil {
			return err
		}
	}
	for i := range rs.deposits {
		if err := f(&rs.deposits[i]); err != nil {
			return err
		}
	}
	for i := range rs.securities {
		if err := f(&rs.securities[i]); err != nil {
			return err
		}
	}
	for i := range rs.public {
		if err := f(&rs.public[i]); err != nil {
			return err
		}
	}
	for i := range rs.deaths {
		if err := f(&rs.deaths[i]); err != nil {
			return err
		}
	}
	for i := range rs.marriages {
		if err := f(&rs.marriages[i]); err != nil {
			return err
		}
	}
	return nil
}

// counts returns the number of records of each dataset, in Datasets order.
func (rs *records) counts() [12]int {
	return [12]int{len(rs.vehicles), len(rs.property), len(rs.businesses), len(rs.pensions), len(rs.social),
		len(rs.funds), len(rs.taxes), len(rs.deposits), len(rs.securities), len(rs.public), len(rs.deaths), len(rs.marriages)}
}

// shuffle puts each dataset in a random order, so that the registry's
// records and the planted ones do not sit together at the end.
func (rs *records) shuffle(r *rng) {
	shuffleSlice(r, rs.vehicles)
	shuffleSlice(r, rs.property)
	shuffleSlice(r, rs.businesses)
	shuffleSlice(r, rs.pensions)
	shuffleSlice(r, rs.social)
	shuffleSlice(r, rs.funds)
	shuffleSlice(r, rs.taxes)
	shuffleSlice(r, rs.deposits)
	shuffleSlice(r, rs.securities)
	shuffleSlice(r, rs.public)
	shuffleSlice(r, rs.deaths)
	shuffleSlice(r, rs.marriages)
}

func shuffleSlice[T any](r *rng, s []T) {
	for i := len(s) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		s[i], s[j] = s[j], s[i]
	}
}

var (
	day2000      = sync.OnceValue(func() day { return dayOf("2000-01-01") })
	day2005      = sync.OnceValue(func() day { return dayOf("2005-01-01") })
	day2023      = sync.OnceValue(func() day { return dayOf("2023-01-01") })
	dayOf2009    = sync.OnceValue(func() day { return dayOf("2009-10-01") })
	vehicleTable = func() table {
		w := make([]float64, len(vehicleTypes))
		for i, v := range vehicleTypes {
			w[i] = v.Weight
		}
		return newTable(w)
	}()
)

// yuanBetween returns a whole number of yuan in [lo, hi], rounded to step.
func yuanBetween(r *rng, lo, hi, step int64) money.Money {
	v := lo + int64(r.intn(int(hi-lo+1)))
	return money.Yuan(v / step * step)
}

// logYuan returns an amount spread evenly in log scale between 10^lo and
// 10^hi yuan, to the fen.
func logYuan(r *rng, lo, hi float64) money.Money {
	return money.Money(math.Pow(10, lo+(hi-lo)*r.float()+2))
}

// after returns a day at least years after born, and not before floor.
func after(r *rng, born day, years float64, floor day) day {
	c := cal()
	from := max(floor, born+day(years*daysPerYear))
	if from > c.asOf {
		return c.asOf
	}
	return dayBetween(r, from, c.asOf)
}

// plate returns a new plate number of the county's prefecture, unique in
// it: the county's counter interleaved with its prefecture's other
// counties, scrambled, in base 34 (no I or O).
func (g *countyGen) plate() string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	const space = 34 * 34 * 34 * 34 * 34
	n := (g.plates*g.plan.PlateN + g.plan.PlatePos) % space
	g.plates++
	n = (n + 1_000_003) * 7919 % space
	b := make([]byte, 0, 10)
	b = append(b, "云"...)
	b = append(b, prefectures[g.plan.Prefecture].Plate...)
	var s [5]byte
	for i := 4; i >= 0; i-- {
		s[i] = alphabet[n%34]
		n /= 34
	}
	return string(append(b, s[:]...))
}

// certNo returns a new real-estate certificate number, unique in the
// county.
func (g *countyGen) certNo(year int) string {
	g.certs++
	b := make([]byte, 0, 48)
	b = append(b, "云("...)
	b = strconv.AppendInt(b, int64(year), 10)
	b = append(b, ')')
	b = append(b, g.plan.Name...)
	b = append(b, "不动产权第"...)
	var n [7]byte
	put(n[:], g.certs)
	b = append(b, n[:]...)
	b = append(b, "号"...)
	return string(b)
}

// uscc returns a new unified social credit code (GB 32100): 92 for the
// self-employed, 91 for enterprises, the county, a unique 9-digit body
// and the check character.
func (g *countyGen) uscc(selfEmployed bool) string {
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	w := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	g.regNos++
	var b [18]byte
	b[0] = '9'
	b[1] = '1'
	if selfEmployed {
		b[1] = '2'
	}
	copy(b[2:8], g.plan.Code)
	put(b[8:17], int(uint64(g.regNos)*7919%1_000_000_000))
	sum := 0
	for i := range 17 {
		sum += int(b[i]-'0') * w[i]
	}
	b[17] = chars[(31-sum%31)%31]
	return string(b[:])
}

// houseAddress returns an address in the county for a property record.
func (g *countyGen) houseAddress(r *rng) string {
	b := make([]byte, 0, 80)
	b = append(b, g.plan.Name...)
	b = append(b, pick(r, g.townshipNames)...)
	b = append(b, pick(r, roads)...)
	b = strconv.AppendInt(b, int64(r.between(1, 400)), 10)
	b = append(b, "号"...)
	b = strconv.AppendInt(b, int64(r.between(1, 30)), 10)
	b = append(b, "栋"...)
	b = strconv.AppendInt(b, int64(r.between(1, 30)*100+r.between(1, 6)), 10)
	b = append(b, "室"...)
	return string(b)
}

// employers builds the county's employers: public units, township
// governments and enterprises.
func (g *countyGen) buildEmployers() {
	g.publicUnits = g.publicUnits[:0]
	for _, u := range publicUnits {
		g.publicUnits = append(g.publicUnits, unit{g.plan.Name + u.Name, u.Kind})
	}
	for _, t := range g.townshipNames {
		g.publicUnits = append(g.publicUnits, unit{t + "人民政府", "civil_servant"}, unit{t + "中心学校", "public_institution"})
	}
	r := newRNG(0, g.plan.Code, 99) // the same names for every seed
	for range 80 {
		g.enterprises = append(g.enterprises, "云南"+pick(r, enterpriseWords[0])+pick(r, enterpriseWords[1])+"有限公司")
	}
	g.enterprises = append(g.enterprises, g.plan.Name+"人民医院", g.plan.Name+"供电局", g.plan.Name+"烟草专卖局")
}

// unit is a public employer.
type unit struct{ Name, Kind string }

// populationRecords writes the records of the county's population at
// large.
func (g *countyGen) populationRecords() {
	r, p, rs := g.rr, g.pop, &g.out.recs
	c := cal()
	n := func(i int) int { return int(math.Round(Datasets[i].PerPerson * float64(p.size()))) }
	ds := func(i int) (int, int) { return Datasets[i].MinAge, Datasets[i].MaxAge }

	lo, hi := ds(0)
	rs.vehicles = slices.Grow(rs.vehicles, n(0))
	for range n(0) {
		id, born, ok := p.pick(r, lo, hi)
		if !ok {
			break
		}
		v := vehicleTypes[vehicleTable.pick(r)]
		rs.vehicles = append(rs.vehicles, Vehicle{IDNumber: id, Plate: g.plate(), Type: v.Name,
			Value: yuanBetween(r, v.Min, v.Max, 100), Registered: after(r, born, 18, day2000()).String()})
	}
	lo, hi = ds(1)
	rs.property = slices.Grow(rs.property, n(1))
	for range n(1) {
		id, born, ok := p.pick(r, lo, hi)
		if !ok {
			break
		}
		reg := after(r, born, 22, day2000())
		use, area := "住宅", int64(r.between(45, 160))*100+int64(r.intn(100))
		if r.chance(0.1) {
			use, area = "商业", int64(r.between(15, 300))*100+int64(r.intn(100))
		}
		rs.property = append(rs.property, Property{IDNumber: id, CertNo: g.certNo(reg.Year()), Area: area, Use: use,
			Address: g.houseAddress(r), Registered: reg.String()})
	}
	lo, hi = ds(2)
	rs.businesses = slices.Grow(rs.businesses, n(2))
	for range n(2) {
		id, born, ok := p.pick(r, lo, hi)
		if !ok {
			break
		}
		rs.businesses = append(rs.businesses, g.business(r, id, born, r.chance(0.75), weightedKey(r, []string{"存续", "注销", "吊销"}, 85, 12, 3)))
	}
	lo, hi = ds(3)
	rs.pensions = slices.Grow(rs.pensions, n(3))
	for range n(3) {
		id, born, ok := p.pick(r, lo, hi)
		if !ok {
			break
		}
		pe := Pension{IDNumber: id, Since: after(r, born, 60, dayOf2009()).String()}
		switch x := r.float(); {
		case x < 0.30:
			pe.Kind, pe.MonthlyAmount = "employee", yuanBetween(r, 2500, 5500, 1)
		case x < 0.38:
			pe.Kind, pe.MonthlyAmount = "institution", yuanBetween(r, 4500, 9000, 1)
		default:
			pe.Kind, pe.MonthlyAmount = "resident_basic", yuanBetween(r, 143, 300, 1)
		}
		rs.pensions = append(rs.pensions, pe)
	}
	lo, hi = ds(4)
	rs.social = slices.Grow(rs.social, n(4))
	for range n(4) {
		id, born, ok := p.pick(r, lo, hi)
		if !ok {
			break
		}
		emp := "个人（灵活就业）"
		switch x := r.float(); {
		case x < 0.70:
			emp = pick(r, g.enterprises)
		case x < 0.85:
			emp = pick(r, g.publicUnits).Name
		}
		rs.social = append(rs.social, SocialInsurance{IDNumber: id, Employer: emp, MonthlyBase: yuanBetween(r, 4400, 15000, 100),
			Since: after(r, born, 18, day2005()).String()})
	}
	lo, hi = ds(5)
	rs.funds = slices.Grow(rs.funds, n(5))
	for range n(5) {
		id, _, ok := p.pick(r, lo, hi)
		if !ok {
			break
		}
		emp := pick(r, g.enterprises)
		if r.chance(0.4) {
			emp = pick(r, g.publicUnits).Name
		}
		rs.funds = append(rs.funds, HousingFund{IDNumber: id, Employer: emp, MonthlyDeposit: yuanBetween(r, 300, 3000, 1),
			Balance: yuanBetween(r, 1000, 200000, 1)})
	}
	lo, hi = ds(6)
	rs.taxes = slices.Grow(rs.taxes, n(6))
	for range n(6) {
		id, _, ok := p.pick(r, lo, hi)
		if !ok {
			break
		}
		rs.taxes = append(rs.taxes, g.tax(r, id, logYuan(r, 4.78, 5.8)))
	}
	lo, hi = ds(7)
	rs.deposits = slices.Grow(rs.deposits, n(7))
	for range n(7) {
		id, _, ok := p.pick(r, lo, hi)
		if !ok {
			break
		}
		rs.deposits = append(rs.deposits, Deposit{IDNumber: id, Bank: pick(r, depositBanks), Balance: logYuan(r, 3, 6.3), AsOf: AsOf})
	}
	lo, hi = ds(8)
	rs.securities = slices.Grow(rs.securities, n(8))
	for range n(8) {
		id, _, ok := p.pick(r, lo, hi)
		if !ok {
			break
		}
		rs.securities = append(rs.securities, Security{IDNumber: id, Broker: pick(r, brokers), Value: logYuan(r, 3, 6.5), AsOf: AsOf})
	}
	lo, hi = ds(9)
	rs.public = slices.Grow(rs.public, n(9))
	for range n(9) {
		id, born, ok := p.pick(r, lo, hi)
		if !ok {
			break
		}
		rs.public = append(rs.public, g.publicEmployee(r, id, born, pick(r, g.publicUnits)))
	}
	rs.deaths = slices.Grow(rs.deaths, n(10)+1)
	for k := n(10); k > 0; {
		lo, hi := 65, 100
		if r.chance(0.25) {
			lo, hi = 0, 64
		}
		id, _, ok := p.pick(r, lo, hi)
		if !ok {
			break
		}
		k -= g.death(r, id, dayBetween(r, day2023(), c.asOf), 0.4)
	}
	lo, hi = ds(11)
	rs.marriages = slices.Grow(rs.marriages, n(11))
	for range n(11) {
		id, born, ok := p.pickSex(r, lo, hi, true)
		if !ok {
			break
		}
		age := ageOn(born)
		wife, wborn, ok := p.pickSex(r, max(20, age-8), min(100, age+2), false)
		if !ok {
			continue
		}
		kind := "marriage"
		if r.chance(0.2) {
			kind = "divorce"
		}
		rs.marriages = append(rs.marriages, Marriage{IDNumber: id, SpouseID: wife,
			Date: after(r, max(born, wborn), 20, day2000()).String(), Kind: kind})
	}
}

// business returns a business record for a person.
func (g *countyGen) business(r *rng, id string, born day, selfEmployed bool, status string) Business {
	b := Business{IDNumber: id, RegNo: g.uscc(selfEmployed), Status: status, Registered: after(r, born, 20, day2000()).String()}
	if selfEmployed {
		b.Kind = "self_employed"
		b.Name = g.plan.Name + pick(r, roads) + pick(r, shopKinds)
		b.Capital = yuanBetween(r, 10000, 200000, 1000)
	} else {
		b.Kind = "enterprise"
		b.Name = "云南" + pick(r, enterpriseWords[0]) + pick(r, enterpriseWords[1]) + "有限公司"
		b.Capital = yuanBetween(r, 100000, 10000000, 10000)
	}
	return b
}

// tax returns a 2024 tax return with the income and the tax by the annual
// brackets (after the 60,000 basic deduction).
func (g *countyGen) tax(r *rng, id string, income money.Money) Tax {
	taxable := int64(income) - 60000*100
	var paid int64
	brackets := [...]struct{ upTo, pct, deduct int64 }{
		{36000, 3, 0}, {144000, 10, 2520}, {300000, 20, 16920}, {420000, 25, 31920}, {660000, 30, 52920}, {960000, 35, 85920}, {math.MaxInt64 / 200, 45, 181920}}
	if taxable > 0 {
		for _, b := range brackets {
			if taxable <= b.upTo*100 {
				paid = taxable*b.pct/100 - b.deduct*100
				break
			}
		}
	}
	return Tax{IDNumber: id, Year: 2024, Income: income, Paid: money.Money(max(0, paid))}
}

// publicEmployee returns a public employee record with a name drawn for
// the county's mix.
func (g *countyGen) publicEmployee(r *rng, id string, born day, u unit) PublicEmployee {
	male := (id[16]-'0')%2 == 1
	eth := g.eth.pick(r)
	return PublicEmployee{IDNumber: id, Name: g.names.name(r, eth, g.names.surname(r, eth), male, born.Year()),
		Employer: u.Name, Kind: u.Kind, Since: after(r, born, 22, 0).String()}
}

// death appends a death record and, with probability cremation, a
// cremation record a few days later; it returns the number of records.
func (g *countyGen) death(r *rng, id string, d day, cremation float64) int {
	rs := &g.out.recs
	rs.deaths = append(rs.deaths, Death{IDNumber: id, Date: d.String(), Kind: "death"})
	if r.chance(cremation) {
		rs.deaths = append(rs.deaths, Death{IDNumber: id, Date: min(cal().asOf, d+day(r.between(1, 4))).String(), Kind: "cremation"})
		return 2
	}
	return 1
}

// assets writes the declared assets of a household and the department
// records that go with them: a registered home for some, a small deposit
// for many.
func (g *countyGen) assets(h *registry.Household, meta hhMeta, urban bool) {
	r := g.hr
	head := h.Members[0]
	born := dayOf(head.BirthDate)
	pHouse := 0.25
	if urban {
		pHouse = 0.35
	}
	if meta.ages[0] >= 22 && r.chance(pHouse) {
		reg := after(r, born, 22, day2000())
		area := int64(r.between(60, 150)) * 100
		value := yuanBetween(r, 20000, 80000, 1000)
		if urban {
			area, value = int64(r.between(30, 70))*100, yuanBetween(r, 60000, 200000, 1000)
		}
		cert := g.certNo(reg.Year())
		h.Assets = append(h.Assets, registry.Asset{PersonID: -1, Kind: "house", Value: value, Area: area, RegNo: cert, Note: "自住"})
		g.out.recs.property = append(g.out.recs.property, Property{IDNumber: head.IDNumber, CertNo: cert, Area: area, Use: "住宅",
			Address: g.plan.Name + h.Address, Registered: reg.String()})
	}
	if meta.ages[0] >= 18 && r.chance(0.4) {
		bal := money.Money(r.between(100*100, 6000*100))
		bank := h.Bank.Bank
		h.Assets = append(h.Assets, registry.Asset{PersonID: -1, Kind: "deposit", Value: bal, Note: bank})
		g.out.recs.deposits = append(g.out.recs.deposits, Deposit{IDNumber: head.IDNumber, Bank: bank, Balance: bal, AsOf: AsOf})
	}
}

// legitRecords writes the department records of registry members that
// are no cause for concern: basic pensions of the elderly, marriage
// registrations of couples, the flexible workers' own social insurance.
func (g *countyGen) legitRecords() {
	r := g.lr
	rs := &g.out.recs
	for hi := range g.out.households {
		h := &g.out.households[hi]
		for _, in := range h.Incomes {
			if in.Kind != "pension_basic" || in.PersonID >= 0 {
				continue
			}
			m := h.Members[-in.PersonID-1]
			if !m.Counts() {
				continue
			}
			rs.pensions = append(rs.pensions, Pension{IDNumber: m.IDNumber, Kind: "resident_basic", MonthlyAmount: in.Amount,
				Since: after(r, dayOf(m.BirthDate), 60, dayOf2009()).String()})
		}
		for _, m := range h.Members {
			if !m.Counts() {
				continue
			}
			if m.Employment == "flexible" && r.chance(0.03) {
				rs.social = append(rs.social, SocialInsurance{IDNumber: m.IDNumber, Employer: "个人（灵活就业）", MonthlyBase: money.Yuan(4400),
					Since: after(r, dayOf(m.BirthDate), 18, day2005()).String()})
			}
		}
		if len(h.Members) > 1 && h.Members[1].Relationship == registry.Spouse && r.chance(0.15) {
			a, b := h.Members[0], h.Members[1]
			if a.Sex == "F" {
				a, b = b, a
			}
			rs.marriages = append(rs.marriages, Marriage{IDNumber: a.IDNumber, SpouseID: b.IDNumber,
				Date: after(r, max(dayOf(a.BirthDate), dayOf(b.BirthDate)), 20, day2000()).String(), Kind: "marriage"})
		}
	}
}
