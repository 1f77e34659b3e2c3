package idcard

import (
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"
)

// ID is a valid resident identity number in canonical form: 18 ASCII
// characters, 17 digits and a check character that is a digit or X.
// IDs are comparable with == and usable as map keys; the 15-digit and
// 18-digit forms of the same number give equal IDs.
//
// The zero ID is not a valid number: its String is "", IsZero reports
// true, and its other methods return zero values.
type ID struct {
	s string // canonical 18-character form, or "" for the zero ID
}

// Sex is the sex encoded in an identity number.
type Sex uint8

// The values of Sex. Unknown is returned only by the zero ID.
const (
	Unknown Sex = iota
	Male
	Female
)

// String returns "male", "female" or "unknown".
func (s Sex) String() string {
	switch s {
	case Male:
		return "male"
	case Female:
		return "female"
	}
	return "unknown"
}

// Zh returns 男, 女 or 未知.
func (s Sex) Zh() string {
	switch s {
	case Male:
		return "男"
	case Female:
		return "女"
	}
	return "未知"
}

// minYear is the earliest birth year accepted. The oldest verified people
// of modern times were born in the 1870s, so an earlier year is a typing
// error; 1880 leaves no living person out.
const minYear = 1880

// chinaTime is Beijing time, the zone that decides what "today" is for the
// future-birth-date check in Parse. A fixed zone needs no tzdata, and China
// has not observed daylight saving time since 1991.
var chinaTime = time.FixedZone("CST", 8*60*60)

// Parse parses an identity number as of today in Beijing time; see ParseAt.
func Parse(s string) (ID, error) {
	return ParseAt(s, time.Now().In(chinaTime))
}

// ParseAt parses an identity number, as typed, into its canonical form.
// today is the date the birth date must not be after, taken in today's own
// location.
//
// It first normalises s: surrounding white space is trimmed, full-width
// digits ０–９ and full-width Ｘ/ｘ become ASCII, and x becomes X. Inner
// spaces and separators are not removed.
//
// It accepts an 18-digit number, and a 15-digit legacy number (GB 11643-1989:
// area, YYMMDD birth date in the 1900s, 3-digit sequence, no check
// character), which it upgrades by inserting "19" before the year and
// appending the check character.
//
// The number must then pass, in this order (the error names the first
// failure):
//
//   - WrongLength: 18 characters, or 15 for a legacy number.
//   - BadChar: digits only, except that the 18th may be X.
//   - UnknownArea: the first two digits are a province-level code of
//     GB/T 2260 (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82),
//     and digits 3–6 are not all zero, since a number is issued under a
//     county-level code, never under the province itself. The full county
//     list is not checked: it changes every year, and numbers issued under
//     abolished codes stay valid for life.
//   - ImpossibleDate: digits 7–14 are a real calendar date YYYYMMDD.
//   - DateTooEarly: the birth date is not before 1880.
//   - FutureDate: the birth date is not after today.
//   - WrongCheck: the 18th character is the ISO 7064 MOD 11-2 check
//     character of the first 17 digits (the error's Want holds it).
//
// Every error is an *Error. When s is already canonical, the ID shares its
// memory rather than copying it (Parse then does not allocate); a caller
// that keeps IDs cut from a large buffer should strings.Clone them.
func ParseAt(s string, today time.Time) (ID, error) {
	var b [18]byte
	n, canonical, err := normalise(s, &b)
	if err != nil {
		return ID{}, err
	}
	legacy := n == 15
	if legacy {
		// Shift the date and sequence right by two and insert the century.
		copy(b[8:17], b[6:15])
		b[6], b[7] = '1', '9'
	}
	if err := validate(&b, legacy, today); err != nil {
		return ID{}, err
	}
	if legacy {
		b[17] = check(&b)
	}
	if canonical != "" {
		// The input was already canonical: reuse it and save an
		// allocation on the common path.
		return ID{s: canonical}, nil
	}
	return ID{s: string(b[:])}, nil
}

// normalise writes the normalised characters of s into b and returns how
// many there are (15 or 18) and, if trimmed s was already an 18-character
// number in canonical form, trimmed s. It reports a wrong length before a
// bad character, since a bad character in a number of the wrong length is
// the lesser news.
func normalise(s string, b *[18]byte) (n int, canonical string, err error) {
	s = strings.TrimSpace(s)
	ascii := true
	for i := 0; i < len(s); {
		if n == len(b) {
			return 0, "", ErrWrongLength
		}
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if c == 'x' {
				c = 'X'
				ascii = false
			}
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size
			ascii = false
			switch {
			case r >= '０' && r <= '９':
				c = byte(r-'０') + '0'
			case r == 'Ｘ' || r == 'ｘ':
				c = 'X'
			default:
				c = 0 // never valid; reported below
			}
		}
		b[n] = c
		n++
	}
	if n != 18 && n != 15 {
		return 0, "", ErrWrongLength
	}
	for i := range n {
		if c := b[i]; c < '0' || c > '9' {
			if c == 'X' && i == 17 {
				continue
			}
			return 0, "", &Error{Reason: BadChar, Pos: i + 1}
		}
	}
	if ascii && n == 18 {
		canonical = s
	}
	return n, canonical, nil
}

// validate checks the area, the birth date and, unless the number is a
// legacy one whose check character is yet to be computed, the check
// character. The first 17 bytes of b must be digits. A zero today skips
// the future-date check.
func validate(b *[18]byte, legacy bool, today time.Time) error {
	if !validArea(b[:6]) {
		return ErrUnknownArea
	}
	y, m, d := digits(b[6:10]), digits(b[10:12]), digits(b[12:14])
	if m < 1 || m > 12 || d < 1 || d > daysIn(m, y) {
		return ErrImpossibleDate
	}
	if y < minYear {
		return ErrDateTooEarly
	}
	if !today.IsZero() {
		ty, tm, td := today.Date()
		if y > ty || y == ty && (m > int(tm) || m == int(tm) && d > td) {
			return ErrFutureDate
		}
	}
	if !legacy {
		if want := check(b); b[17] != want {
			return &Error{Reason: WrongCheck, Want: want}
		}
	}
	return nil
}

// provinces marks the two-digit province-level codes of GB/T 2260.
// 83 is not one: it appears only in residence-permit numbers of Taiwan
// residents, which are not resident identity numbers.
var provinces = [100]bool{
	11: true, 12: true, 13: true, 14: true, 15: true,
	21: true, 22: true, 23: true,
	31: true, 32: true, 33: true, 34: true, 35: true, 36: true, 37: true,
	41: true, 42: true, 43: true, 44: true, 45: true, 46: true,
	50: true, 51: true, 52: true, 53: true, 54: true,
	61: true, 62: true, 63: true, 64: true, 65: true,
	71: true,
	81: true, 82: true,
}

// validArea reports whether the 6 digits in a pass the area rule of ParseAt.
func validArea(a []byte) bool {
	return provinces[digits(a[:2])] && string(a[2:6]) != "0000"
}

// digits returns the value of a run of ASCII digits.
func digits[T string | []byte](b T) int {
	n := 0
	for i := range len(b) {
		n = n*10 + int(b[i]-'0')
	}
	return n
}

// daysIn returns the number of days in month m of year y.
func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// weights are the ISO 7064 MOD 11-2 weights 2^(17-i) mod 11 of GB 11643.
var weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// checkChars maps the weighted sum mod 11 to the check character.
const checkChars = "10X98765432"

// check returns the check character of the 17 digits in b.
func check(b *[18]byte) byte {
	sum := 0
	for i, w := range weights {
		sum += int(b[i]-'0') * w
	}
	return checkChars[sum%11]
}

// ComputeCheck returns the check character ('0'–'9' or 'X') of the first
// 17 digits of an identity number, or 0 if first17 is not 17 ASCII digits.
func ComputeCheck(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	var b [18]byte
	for i := range 17 {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0
		}
		b[i] = c
	}
	return check(&b)
}

// String returns the canonical 18-character number, or "" for the zero ID.
// It is the full number: use Mask to display or log it.
func (id ID) String() string { return id.s }

// IsZero reports whether id is the zero ID.
func (id ID) IsZero() bool { return id.s == "" }

// AreaCode returns the 6-digit GB/T 2260 area code of the place the number
// was first issued, e.g. "110105". It is not where the person lives now.
func (id ID) AreaCode() string {
	if id.s == "" {
		return ""
	}
	return id.s[:6]
}

// ProvinceCode returns the 2-digit province-level part of the area code,
// e.g. "11" for Beijing. Append "0000" for the GB/T 2260 province code.
func (id ID) ProvinceCode() string {
	if id.s == "" {
		return ""
	}
	return id.s[:2]
}

// BirthDate returns the birth date at midnight UTC, or the zero Time for
// the zero ID.
func (id ID) BirthDate() time.Time {
	if id.s == "" {
		return time.Time{}
	}
	y, m, d := id.birth()
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
}

func (id ID) birth() (y, m, d int) {
	b := id.s[6:14]
	return digits(b[:4]), digits(b[4:6]), digits(b[6:8])
}

// Sex returns the sex encoded in the 17th digit: odd for male, even for
// female.
func (id ID) Sex() Sex {
	if id.s == "" {
		return Unknown
	}
	if (id.s[16]-'0')%2 == 1 {
		return Male
	}
	return Female
}

// AgeOn returns the age in whole years on the calendar date of t (in t's
// location). The age goes up on the birthday itself; someone born on
// 29 February gets older on 1 March in common years. The result is
// negative if t is before the birth date, and 0 for the zero ID.
//
// Rules that count age differently (Chinese criminal law counts a full
// year from the day after the birthday) must adjust t themselves.
func (id ID) AgeOn(t time.Time) int {
	if id.s == "" {
		return 0
	}
	by, bm, bd := id.birth()
	y, m, d := t.Date()
	age := y - by
	if int(m) < bm || int(m) == bm && d < bd {
		age--
	}
	return age
}

// Mask returns the number with the birth date and sequence hidden: the
// first 6 characters, 8 asterisks and the last 4, e.g.
// "110105********002X". It returns "" for the zero ID.
func (id ID) Mask() string {
	if id.s == "" {
		return ""
	}
	return id.s[:6] + "********" + id.s[14:]
}

// LogValue makes log/slog record the masked number, so that full identity
// numbers do not end up in logs by accident.
func (id ID) LogValue() slog.Value { return slog.StringValue(id.Mask()) }

// MarshalText returns the canonical number; the zero ID gives "".
func (id ID) MarshalText() ([]byte, error) { return []byte(id.s), nil }

// UnmarshalText parses text with Parse. Empty text gives the zero ID and
// no error, as with netip.Addr, so that an absent number can be told apart
// from an invalid one; callers that require a number must check IsZero.
func (id *ID) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*id = ID{}
		return nil
	}
	p, err := Parse(string(text))
	if err != nil {
		return err
	}
	*id = p
	return nil
}

// maxPacked bounds the values Pack returns: 10^17 first-17-digit values
// times 11 check values.
const maxPacked = 100_000_000_000_000_000 * 11

// Pack returns id as an integer key for bulk matching: the first 17 digits
// as a number, times 11, plus the check value (0–9, or 10 for X). It is
// lossless, needs no table or state, so every process packs the same ID to
// the same key, and preserves order: Pack(a) < Pack(b) exactly when
// a.String() < b.String(). It does not allocate. The zero ID packs to 0,
// which no valid ID does.
func Pack(id ID) uint64 {
	s := id.s
	if len(s) != 18 {
		return 0
	}
	var n uint64
	for i := range 17 {
		n = n*10 + uint64(s[i]-'0')
	}
	c := uint64(s[17] - '0')
	if s[17] == 'X' {
		c = 10
	}
	return n*11 + c
}

// Unpack reverses Pack. It validates the result as ParseAt does, except for
// the future-date check, which needs a clock; a value that Pack did not
// return gives an *Error.
func Unpack(u uint64) (ID, error) {
	if u >= maxPacked {
		return ID{}, ErrWrongLength
	}
	var b [18]byte
	if c := u % 11; c == 10 {
		b[17] = 'X'
	} else {
		b[17] = byte('0' + c)
	}
	n := u / 11
	for i := 16; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if err := validate(&b, false, time.Time{}); err != nil {
		return ID{}, err
	}
	return ID{s: string(b[:])}, nil
}

// Generate returns a valid ID with area code area, birth date the calendar
// date of birth (in birth's location) and sequence number seq, 0–999; an
// odd seq gives a male, an even one a female. It is meant for synthetic
// test data. It panics if area fails the area rule of ParseAt, if seq is
// out of range, or if the birth year is before 1880 or after 9999. It does
// not check that birth is in the past: Parse rejects an ID with a future
// birth date.
func Generate(area string, birth time.Time, seq int) ID {
	var b [18]byte
	if len(area) != 6 {
		panic("idcard.Generate: area code must have 6 digits")
	}
	for i := range 6 {
		c := area[i]
		if c < '0' || c > '9' {
			panic("idcard.Generate: area code must have 6 digits")
		}
		b[i] = c
	}
	if !validArea(b[:6]) {
		panic("idcard.Generate: unknown area code " + area)
	}
	if seq < 0 || seq > 999 {
		panic("idcard.Generate: sequence out of range 0–999")
	}
	y, m, d := birth.Date()
	if y < minYear || y > 9999 {
		panic("idcard.Generate: birth year out of range 1880–9999")
	}
	put := func(at, width, v int) {
		for i := at + width - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(6, 4, y)
	put(10, 2, int(m))
	put(12, 2, d)
	put(14, 3, seq)
	b[17] = check(&b)
	return ID{s: string(b[:])}
}
