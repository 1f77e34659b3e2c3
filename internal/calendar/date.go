package calendar

import (
	"fmt"
	"sync"
	"time"

	"safetynet/internal/apperr"
)

// Date is a civil date (a day on the wall calendar in China, with no time
// of day or zone), stored as the number of days since 0001-01-01 in the
// proleptic Gregorian calendar.
//
// A day number rather than a struct makes deadline arithmetic plain integer
// arithmetic: d+1 is the next day, b-a is the number of days between, and
// dates compare with < and ==. Day 0 was chosen so that the zero Date is
// 0001-01-01, the same day as the zero time.Time, and IsZero means "unset"
// in both. The rest of the system stores dates as ISO "YYYY-MM-DD" text;
// use String and ParseDate (or the TextMarshaler methods) at that boundary.
type Date int32

// unixEpoch is the Date of 1970-01-01, the origin of the day-number
// algorithms below (the time package uses the same 719162).
const unixEpoch = 719162

// NewDate returns the date y-m-d. Like time.Date it normalises values out
// of range, so NewDate(2024, 2, 30) is 2024-03-01 and NewDate(2024, 13, 1)
// is 2025-01-01.
func NewDate(y int, m time.Month, d int) Date {
	// Fold the month into 1..12 first; the day offset is then linear.
	mi := int(m) - 1
	y += mi / 12
	mi %= 12
	if mi < 0 {
		mi += 12
		y--
	}
	return Date(daysFromCivil(int64(y), int64(mi+1), 1) + unixEpoch + int64(d) - 1)
}

// daysFromCivil returns the days from 1970-01-01 to y-m-d (m in 1..12),
// after Howard Hinnant's "chrono-compatible low-level date algorithms".
// It is exact for every Gregorian date and needs no tables.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400 // [0, 399]
	mp := m + 9        // March = 0
	if m > 2 {
		mp = m - 3
	}
	doy := (153*mp+2)/5 + d - 1            // [0, 365]
	doe := yoe*365 + yoe/4 - yoe/100 + doy // [0, 146096]
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100) // [0, 365]
	mp := (5*doy + 2) / 153                  // [0, 11]
	d = doy - (153*mp+2)/5 + 1               // [1, 31]
	m = mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// Civil returns the year, month and day of d.
func (d Date) Civil() (year int, month time.Month, day int) {
	y, m, dd := civilFromDays(int64(d) - unixEpoch)
	return int(y), time.Month(m), int(dd)
}

// Year returns the year of d.
func (d Date) Year() int {
	y, _, _ := d.Civil()
	return y
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// Day 0, 0001-01-01, was a Monday.
	w := int(d) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday((w + 1) % 7)
}

// IsZero reports whether d is the zero Date, 0001-01-01, which callers use
// to mean "no date".
func (d Date) IsZero() bool { return d == 0 }

// AddDays returns the date n calendar days after d (before, for negative n).
func (d Date) AddDays(n int) Date { return d + Date(n) }

// NextMonthStart returns the first day of the month after d's month:
// 2024-01-31 gives 2024-02-01 and 2024-12-15 gives 2025-01-01.
func (d Date) NextMonthStart() Date {
	y, m, _ := d.Civil()
	return NewDate(y, m+1, 1)
}

// String returns d as ISO 8601 "YYYY-MM-DD", the form the rest of the
// system stores.
func (d Date) String() string {
	y, m, dd := d.Civil()
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), dd)
}

// MarshalText implements encoding.TextMarshaler, so a Date is "YYYY-MM-DD"
// in JSON as well.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseDate.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParseDate parses an ISO date "YYYY-MM-DD" (exactly that: four-digit
// year, two-digit month and day, and a day that exists in that month).
// Stricter than time.Parse on purpose: dates arrive from forms and CSV
// files, and "2024-2-4" or "2024-02-30" is a typo to report, not guess at.
//
// The error is an apperr Invalid error with a Chinese and English message.
func ParseDate(s string) (Date, error) {
	bad := func() (Date, error) {
		return 0, apperr.New(apperr.Invalid,
			fmt.Sprintf("日期“%s”无效，应为YYYY-MM-DD格式的实际日期，例如2024-02-04", s),
			fmt.Sprintf("date %q is not a valid YYYY-MM-DD date, e.g. 2024-02-04", s))
	}
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return bad()
	}
	num := func(t string) (int, bool) {
		v := 0
		for i := 0; i < len(t); i++ {
			c := t[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	y, ok1 := num(s[0:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return bad()
	}
	return NewDate(y, time.Month(m), d), nil
}

// MustParseDate is ParseDate for constants in code and tests; it panics on
// a malformed date.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic("calendar.MustParseDate: " + err.Error())
	}
	return d
}

func daysIn(y int, m time.Month) int {
	return int(NewDate(y, m+1, 1) - NewDate(y, m, 1))
}

// china returns the Asia/Shanghai zone. It falls back to a fixed +08:00
// zone when the host has no tz database (minimal containers often lack
// one); the two agree for every date since 1991, when China last observed
// daylight saving time. We do not embed time/tzdata here, so as not to put
// ~450 KB into every binary that imports this package.
var china = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*60*60)
})

// FromTime returns the civil date in China at instant t, whatever t's own
// location: 2024-02-03T20:00:00Z is 2024-02-04 in Beijing. Deadlines are
// set by Chinese working days, so "today" must be today in China even on a
// server that runs in UTC.
func FromTime(t time.Time) Date {
	y, m, d := t.In(china()).Date()
	return NewDate(y, m, d)
}

// Time returns midnight at the start of d in China (Asia/Shanghai).
func (d Date) Time() time.Time {
	y, m, dd := d.Civil()
	return time.Date(y, m, dd, 0, 0, 0, 0, china())
}
