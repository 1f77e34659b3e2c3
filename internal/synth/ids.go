package synth

import (
	"math"
	"sync"
	"time"
)

// AsOf is the date the synthetic data describes: ages, enrolments, deaths
// and registrations are as of this day, whatever the clock says, so that
// a seed gives the same data on any day.
const AsOf = "2025-12-31"

// day is a date as the number of days since firstDay.
type day int32

// firstDay is the earliest birth date generated.
var firstDay = time.Date(1920, 1, 1, 0, 0, 0, 0, time.UTC)

// calendar holds every date from firstDay to AsOf, formatted.
type calendarTable struct {
	iso  [][10]byte // YYYY-MM-DD
	str  []string   // the same, shared by every record of the day
	year []int16
	asOf day
}

var cal = sync.OnceValue(func() *calendarTable {
	end, _ := time.Parse("2006-01-02", AsOf)
	n := int(end.Sub(firstDay).Hours()/24) + 1
	c := &calendarTable{iso: make([][10]byte, n), str: make([]string, n), year: make([]int16, n), asOf: day(n - 1)}
	t := firstDay
	for i := range n {
		y, m, d := t.Date()
		b := &c.iso[i]
		put(b[0:4], y)
		b[4] = '-'
		put(b[5:7], int(m))
		b[7] = '-'
		put(b[8:10], d)
		c.year[i] = int16(y)
		c.str[i] = string(b[:])
		t = t.AddDate(0, 0, 1)
	}
	return c
})

// put writes v as len(b) decimal digits.
func put(b []byte, v int) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
}

// String returns the date as YYYY-MM-DD.
func (d day) String() string { return cal().str[d] }

// appendTo appends the date as YYYY-MM-DD.
func (d day) appendTo(dst []byte) []byte { return append(dst, cal().iso[d][:]...) }

// Year returns the year of d.
func (d day) Year() int { return int(cal().year[d]) }

// daysPerYear is the mean length of a year.
const daysPerYear = 365.2425

// bornAt returns a birth date for someone who is age years old on AsOf.
func bornAt(r *rng, age int) day {
	c := cal()
	d := int(c.asOf) - int(float64(age)*daysPerYear) - r.intn(365)
	return day(max(0, min(d, int(c.asOf))))
}

// dayBetween returns a date in [from, to] (YYYY-MM-DD, both within the
// calendar).
func dayBetween(r *rng, from, to day) day { return from + day(r.intn(int(to-from)+1)) }

// dayOf returns the day of a YYYY-MM-DD date within the calendar.
func dayOf(s string) day {
	if len(s) != 10 {
		panic("synth: bad date " + s)
	}
	y, m, d := digits(s[0:4]), digits(s[5:7]), digits(s[8:10])
	return day(civilDays(y, m, d) - civilDays(1920, 1, 1))
}

func digits(s string) int {
	n := 0
	for i := range len(s) {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// civilDays returns the number of days from 1970-01-01 to y-m-d in the
// proleptic Gregorian calendar (H. Hinnant's days_from_civil).
func civilDays(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// ageOn returns the age on AsOf of someone born on d.
func ageOn(d day) int {
	c := cal()
	b, a := c.iso[d], c.iso[c.asOf]
	age := int(c.year[c.asOf]) - int(c.year[d])
	if string(a[5:]) < string(b[5:]) {
		age--
	}
	return age
}

// weights are the ISO 7064 MOD 11-2 weights of GB 11643 (as in idcard).
var weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// makeID returns the resident ID with area code area (6 digits), birth
// date d and sequence seq (0–999; odd is male). It is idcard.Generate
// without the time.Time and the checks, for the hot loops; a test holds it
// to idcard.Generate.
func makeID(area string, d day, seq int) string {
	var b [18]byte
	copy(b[:6], area)
	iso := &cal().iso[d]
	copy(b[6:10], iso[0:4])
	copy(b[10:12], iso[5:7])
	copy(b[12:14], iso[8:10])
	b[14] = byte('0' + seq/100)
	b[15] = byte('0' + seq/10%10)
	b[16] = byte('0' + seq%10)
	sum := 0
	for i, w := range weights {
		sum += int(b[i]-'0') * w
	}
	b[17] = "10X98765432"[sum%11]
	return string(b[:])
}

// Sequence numbers (digits 15–17 of an ID) are split so that IDs never
// collide: registry members take 000–499 (counted per county, birth date
// and sex), the population at large 500–979 (by position in the county's
// population table). 980–999 are unused.
const (
	registrySeqs   = 500
	populationSeq0 = 500
	populationSeqs = 480
)

// seqCounter hands out registry sequence numbers of one county.
type seqCounter struct {
	next [][2]uint8 // by day, female/male: the next k of seq = 2k (+1 for male)
}

func newSeqCounter() *seqCounter { return &seqCounter{next: make([][2]uint8, len(cal().iso))} }

// take returns an unused sequence number for someone of the sex born on
// d, moving the birth date a day on in the rare case that the day is full.
func (c *seqCounter) take(d day, male bool) (day, int) {
	s := 0
	if male {
		s = 1
	}
	for {
		if k := c.next[d][s]; int(k) < registrySeqs/2 {
			c.next[d][s]++
			return d, 2*int(k) + s
		}
		if d > 0 {
			d--
		} else {
			d++
		}
	}
}

// population is a county's population at large: n persons, each with an
// ID of the county's area code, born by the age pyramid. Person i is born
// on the day d with cum[d] ≤ i < cum[d+1] and has sequence number
// populationSeq0 + i − cum[d], so a person is a number and the table costs
// one int32 a day.
type population struct {
	area string
	cum  []int32 // len days+1
}

func newPopulation(area string, n int) *population {
	c := cal()
	days := len(c.iso)
	p := &population{area: area, cum: make([]int32, days+1)}
	total := 0.0
	for _, w := range agePyramid {
		total += w
	}
	// Fraction of people born on each day: the pyramid weight of their age
	// group spread over the group's days.
	acc := 0.0
	for d := range days {
		age := ageOn(day(d))
		g := min(age/5, len(agePyramid)-1)
		acc += agePyramid[g] / total / (5 * daysPerYear)
		p.cum[d+1] = int32(math.Floor(acc * float64(n)))
		// Never more people on a day than there are sequence numbers.
		if p.cum[d+1]-p.cum[d] > populationSeqs {
			p.cum[d+1] = p.cum[d] + populationSeqs
		}
	}
	return p
}

// size returns the number of persons.
func (p *population) size() int { return int(p.cum[len(p.cum)-1]) }

// person returns the ID and birth date of person i.
func (p *population) person(i int) (string, day) {
	d := p.dayOf(i)
	return makeID(p.area, d, populationSeq0+i-int(p.cum[d])), d
}

// dayOf returns the birth date of person i: the last d with cum[d] ≤ i.
func (p *population) dayOf(i int) day {
	lo, hi := 0, len(p.cum)-1 // cum[lo] ≤ i < cum[hi]
	x := int32(i)
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if p.cum[mid] <= x {
			lo = mid
		} else {
			hi = mid
		}
	}
	return day(lo)
}

// rangeOf returns the persons aged minAge to maxAge on AsOf, as [lo, hi).
func (p *population) rangeOf(minAge, maxAge int) (int, int) {
	c := cal()
	hiDay := int(c.asOf) - int(float64(minAge)*daysPerYear) + 1
	loDay := int(c.asOf) - int(float64(maxAge+1)*daysPerYear) + 1
	hiDay = max(0, min(hiDay, len(p.cum)-1))
	loDay = max(0, min(loDay, len(p.cum)-1))
	return int(p.cum[loDay]), int(p.cum[hiDay])
}

// pick returns a random person aged minAge to maxAge; ok is false when
// there is none.
func (p *population) pick(r *rng, minAge, maxAge int) (id string, born day, ok bool) {
	lo, hi := p.rangeOf(minAge, maxAge)
	if hi <= lo {
		return "", 0, false
	}
	id, born = p.person(lo + r.intn(hi-lo))
	return id, born, true
}

// pickSex is pick for a person of the given sex.
func (p *population) pickSex(r *rng, minAge, maxAge int, male bool) (string, day, bool) {
	lo, hi := p.rangeOf(minAge, maxAge)
	if hi-lo < 2 {
		return "", 0, false
	}
	for range 8 {
		i := lo + r.intn(hi-lo)
		d := p.dayOf(i)
		j := i - int(p.cum[d])
		if (j%2 == 1) != male { // seq = populationSeq0 + j, and populationSeq0 is even
			j ^= 1
			if int(p.cum[d])+j >= int(p.cum[d+1]) {
				continue
			}
		}
		return makeID(p.area, day(d), populationSeq0+j), day(d), true
	}
	return "", 0, false
}
