package calendar

import (
	"cmp"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"safetynet/internal/apperr"
)

// Kind says what an Entry does to its date.
type Kind uint8

const (
	// Holiday marks a day off inside an official break (放假), whatever
	// weekday it falls on.
	Holiday Kind = iota + 1
	// Workday marks a make-up working day (调休上班): a Saturday or Sunday
	// on which people work because a weekday nearby was given off.
	Workday
)

// String returns the kind as written in the data file: "holiday" or
// "workday".
func (k Kind) String() string {
	switch k {
	case Holiday:
		return "holiday"
	case Workday:
		return "workday"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Entry is one line of a holiday arrangement: a date that is a day off
// although it may be a weekday, or a weekend day that is a working day.
type Entry struct {
	Date Date
	Kind Kind
	Name string // the festival, e.g. "春节" or "中秋节/国庆节"
}

var weekdayZH = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// Validate checks e on its own: a known kind, a date in years 1–9999, a
// non-empty UTF-8 name, and a Workday that falls on a weekend (a make-up
// working day on a weekday would mean nothing, so it is a typo in the date).
//
// It returns an apperr Invalid error whose Field is "date", "kind" or
// "name".
func (e Entry) Validate() error {
	if e.Kind != Holiday && e.Kind != Workday {
		return apperr.Field("kind",
			fmt.Sprintf("类型“%s”无效，应为holiday（放假）或workday（调休上班）", e.Kind),
			fmt.Sprintf("kind %q is not holiday or workday", e.Kind.String()))
	}
	if y := e.Date.Year(); y < 1 || y > 9999 {
		return apperr.Field("date", "日期超出0001—9999年的范围", "date is outside years 0001–9999")
	}
	if e.Name == "" {
		return apperr.Field("name", "名称不能为空，应填写节日名称，例如春节", "name is empty; give the festival, e.g. 春节")
	}
	if !utf8.ValidString(e.Name) {
		return apperr.Field("name", "名称不是UTF-8文本，请将文件另存为UTF-8编码", "name is not UTF-8 text; save the file as UTF-8")
	}
	if wd := e.Date.Weekday(); e.Kind == Workday && wd != time.Saturday && wd != time.Sunday {
		return apperr.Field("date",
			fmt.Sprintf("调休上班日%s是%s，只能是星期六或星期日", e.Date, weekdayZH[wd]),
			fmt.Sprintf("make-up working day %s is a %s; it must be a Saturday or Sunday", e.Date, wd))
	}
	return nil
}

// Calendar is a working-day calendar: Monday to Friday are working days
// and weekends are not, except where an Entry says otherwise.
//
// A Calendar is immutable once built, so one value can be shared by every
// goroutine; With returns an edited copy instead of changing it.
type Calendar struct {
	entries []Entry // sorted by date, one per date

	// kinds[d-lo] is the Kind of the entry on d, or 0, for every d from the
	// first entry to the last. A dense table makes IsWorkday an index
	// instead of a hash or a search; 2015–2026 takes about 4 KB.
	lo    Date
	kinds []Kind

	covered     map[int]bool
	first, last int
}

// New returns a calendar built from entries, in any order. Each entry must
// pass Entry.Validate and no two may share a date: in a list given all at
// once a repeated date is a mistake, not an edit (use With to edit).
//
// Errors are apperr Invalid errors whose Field names the entry, e.g.
// "entries[3].date".
func New(entries []Entry) (*Calendar, error) {
	seen := make(map[Date]int, len(entries))
	for i, e := range entries {
		if err := e.Validate(); err != nil {
			return nil, entryErr(err, i)
		}
		if j, dup := seen[e.Date]; dup {
			return nil, apperr.Field(fmt.Sprintf("entries[%d].date", i),
				fmt.Sprintf("日期%s重复（第%d项与第%d项）", e.Date, j, i),
				fmt.Sprintf("date %s appears twice (entries %d and %d)", e.Date, j, i)).WithOp("calendar.New")
		}
		seen[e.Date] = i
	}
	return build(slices.Clone(entries)), nil
}

func entryErr(err error, i int) error {
	if e, ok := apperr.As(err); ok {
		return e.WithField(fmt.Sprintf("entries[%d]", i)).WithOp("calendar.New")
	}
	return err
}

// build indexes entries, which it sorts in place and which must not repeat
// a date.
func build(entries []Entry) *Calendar {
	slices.SortFunc(entries, func(a, b Entry) int { return cmp.Compare(a.Date, b.Date) })
	c := &Calendar{entries: entries, covered: make(map[int]bool)}
	if len(entries) == 0 {
		return c
	}
	c.lo = entries[0].Date
	c.kinds = make([]Kind, int(entries[len(entries)-1].Date-c.lo)+1)
	for _, e := range entries {
		c.kinds[e.Date-c.lo] = e.Kind
		// A New Year break often starts in the last days of December and
		// is set by the next year's notice (the 2019 notice made
		// 2018-12-29 a working day). Such entries alone do not mean the
		// year they fall in has been published, so they do not count
		// towards coverage.
		y, m, d := e.Date.Civil()
		if m == time.December && d >= 20 {
			continue
		}
		if !c.covered[y] {
			c.covered[y] = true
			if c.first == 0 || y < c.first {
				c.first = y
			}
			if y > c.last {
				c.last = y
			}
		}
	}
	return c
}

// With returns a copy of c with entries added; an entry for a date that
// already has one replaces it, and among entries the later wins. c itself
// is unchanged.
//
// With is for entries that are already known to be valid: ones from
// ParseCSV, or written in code. It panics if an entry fails
// Entry.Validate, as regexp.MustCompile does on a bad pattern; call
// Validate first on anything typed in by a person.
func (c *Calendar) With(entries ...Entry) *Calendar {
	byDate := make(map[Date]Entry, len(c.entries)+len(entries))
	for _, e := range c.entries {
		byDate[e.Date] = e
	}
	for i, e := range entries {
		if err := e.Validate(); err != nil {
			panic(fmt.Sprintf("calendar.With: entry %d (%s): %v", i, e.Date, err))
		}
		byDate[e.Date] = e
	}
	merged := make([]Entry, 0, len(byDate))
	for _, e := range byDate {
		merged = append(merged, e)
	}
	return build(merged)
}

// Entries returns a copy of the calendar's entries in date order.
func (c *Calendar) Entries() []Entry { return slices.Clone(c.entries) }

// Years returns the first and last year the calendar covers (see Covers),
// or 0, 0 if it has no entries.
func (c *Calendar) Years() (first, last int) { return c.first, c.last }

// Covers reports whether the calendar holds the arrangement for year, that
// is, whether it has entries dated in that year (entries from December 20
// on do not count, as they usually belong to the next year's New Year
// break). Outside covered years every method still works but treats
// Monday to Friday as working days, which is wrong around festivals, so
// callers computing deadlines there should warn the user that the
// year's holidays have not been loaded.
func (c *Calendar) Covers(year int) bool { return c.covered[year] }

// kind returns the Kind of d's entry, or 0.
func (c *Calendar) kind(d Date) Kind {
	i := int64(d) - int64(c.lo)
	if i < 0 || i >= int64(len(c.kinds)) {
		return 0
	}
	return c.kinds[i]
}

// IsWorkday reports whether d is a working day: a make-up working day, or
// a Monday to Friday that is not a holiday.
func (c *Calendar) IsWorkday(d Date) bool {
	switch c.kind(d) {
	case Holiday:
		return false
	case Workday:
		return true
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Lookup returns the entry for d, if the calendar has one.
func (c *Calendar) Lookup(d Date) (Entry, bool) {
	i, ok := slices.BinarySearchFunc(c.entries, d, func(e Entry, d Date) int { return cmp.Compare(e.Date, d) })
	if !ok {
		return Entry{}, false
	}
	return c.entries[i], true
}

// Holiday returns the festival name if d is a day off in an official
// break (including weekend days inside the break), and ok false otherwise,
// for an ordinary weekend too.
func (c *Calendar) Holiday(d Date) (name string, ok bool) {
	e, ok := c.Lookup(d)
	if !ok || e.Kind != Holiday {
		return "", false
	}
	return e.Name, true
}

// AddWorkdays returns the date n working days after d. The convention,
// exactly:
//
//   - d itself is never counted, whether or not it is a working day; the
//     count starts on the next day, as the Civil Code (民法典 第二百零一条)
//     has periods start the day after the event.
//   - The result is the n-th working day after d, so it is always a
//     working day for n ≠ 0. For "within 3 working days of acceptance"
//     (受理之日起3个工作日内), AddWorkdays(accepted, 3) is the last day
//     that is still on time.
//   - n == 0 returns d unchanged, even if d is a rest day.
//   - n < 0 counts backwards: the result is the |n|-th working day before
//     d, d again not counted.
//
// WorkdaysBetween is its inverse. It takes time proportional to the
// number of days stepped over and does not allocate.
func (c *Calendar) AddWorkdays(d Date, n int) Date {
	for n > 0 {
		d++
		if c.IsWorkday(d) {
			n--
		}
	}
	for n < 0 {
		d--
		if c.IsWorkday(d) {
			n++
		}
	}
	return d
}

// WorkdaysBetween returns the number of working days passed when going
// from `from` to `to`, counting `to` but not `from`:
//
//   - if to is on or after from: the working days in (from, to];
//   - if to is before from: minus the working days in [to, from).
//
// This makes it the inverse of AddWorkdays: WorkdaysBetween(d,
// AddWorkdays(d, n)) == n for every d and n, and AddWorkdays(d,
// WorkdaysBetween(d, t)) == t whenever t is a working day (or t == d).
// It is not antisymmetric when from or to is a rest day.
func (c *Calendar) WorkdaysBetween(from, to Date) int {
	n := 0
	if to >= from {
		for d := from + 1; d <= to; d++ {
			if c.IsWorkday(d) {
				n++
			}
		}
		return n
	}
	for d := to; d < from; d++ {
		if c.IsWorkday(d) {
			n--
		}
	}
	return n
}

// AddDays returns the date n calendar days after d, for periods counted
// in calendar days such as a 7-day public notice (公示7天). It ignores
// holidays; see WorkdayOnOrAfter for periods whose last day may not be a
// rest day. It is d.AddDays(n), here so that deadline rules can be
// written against a Calendar alone.
func (c *Calendar) AddDays(d Date, n int) Date { return d.AddDays(n) }

// NextMonthStart returns the first day of the month after d's month, when
// a benefit decided on d starts to be paid. It is d.NextMonthStart().
func (c *Calendar) NextMonthStart(d Date) Date { return d.NextMonthStart() }

// WorkdayOnOrAfter returns d if it is a working day, and otherwise the
// first working day after it. This is the Civil Code rule for a period
// whose last day is a rest day (民法典 第二百零三条: 期间的最后一日是法定
// 休假日的，以法定休假日结束的次日为期间的最后一日):
// WorkdayOnOrAfter(AddDays(d, n)).
func (c *Calendar) WorkdayOnOrAfter(d Date) Date {
	for !c.IsWorkday(d) {
		d++
	}
	return d
}
