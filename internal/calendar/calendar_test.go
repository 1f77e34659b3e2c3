package calendar_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
)

// iso parses an ISO date in a test table.
var iso = calendar.MustParseDate

func TestAddWorkdays(t *testing.T) {
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"plain week", "2024-03-04", 3, "2024-03-07"},
		{"over a weekend", "2024-03-08", 1, "2024-03-11"},
		{"zero keeps d", "2024-03-08", 0, "2024-03-08"},
		{"zero keeps a rest day", "2024-02-10", 0, "2024-02-10"},

		// 2024 Spring Festival: break 02-10..02-17, make-up working days
		// Sun 02-04 and Sun 02-18. 除夕 02-09 (Fri) is a working day.
		{"2024 SF: Fri +1 is make-up Sun", "2024-02-02", 1, "2024-02-04"},
		{"2024 SF: Fri +3 counts Sun 02-04", "2024-02-02", 3, "2024-02-06"},
		{"2024 SF: Thu +1 is 除夕 Fri", "2024-02-08", 1, "2024-02-09"},
		{"2024 SF: Thu +2 is make-up Sun 02-18", "2024-02-08", 2, "2024-02-18"},
		{"2024 SF: Thu +3", "2024-02-08", 3, "2024-02-19"},
		{"2024 SF: from inside the break", "2024-02-12", 1, "2024-02-18"},
		{"2024 SF: backwards over the break", "2024-02-19", -1, "2024-02-18"},
		{"2024 SF: backwards -2", "2024-02-19", -2, "2024-02-09"},
		{"2024 SF: backwards from a rest day", "2024-02-17", -1, "2024-02-09"},
		{"2024 SF: backwards reaches make-up Sun", "2024-02-05", -1, "2024-02-04"},

		// 2025 National Day and Mid-Autumn: break 10-01..10-08, make-up
		// working days Sun 09-28 and Sat 10-11.
		{"2025 ND: Fri +1 is make-up Sun", "2025-09-26", 1, "2025-09-28"},
		{"2025 ND: Fri +3", "2025-09-26", 3, "2025-09-30"},
		{"2025 ND: Fri +4 jumps the break", "2025-09-26", 4, "2025-10-09"},
		{"2025 ND: Fri +6 is make-up Sat", "2025-09-26", 6, "2025-10-11"},
		{"2025 ND: Fri +7", "2025-09-26", 7, "2025-10-13"},
		{"2025 ND: from the first day off", "2025-10-01", 1, "2025-10-09"},
		{"2025 ND: backwards", "2025-10-09", -1, "2025-09-30"},
		{"2025 ND: backwards -4", "2025-10-09", -4, "2025-09-26"},

		// Year ends: the 2019 notice made Sat 2018-12-29 a working day and
		// Mon 2018-12-31 a day off.
		{"2019 New Year", "2018-12-28", 1, "2018-12-29"},
		{"2019 New Year +2", "2018-12-28", 2, "2019-01-02"},

		// 2020: the extension of the Spring Festival to 02-02 cancelled the
		// make-up working day on Sat 02-01.
		{"2020 extended SF", "2020-01-23", 1, "2020-02-03"},

		// Outside the covered years: plain Monday to Friday.
		{"2030 plain", "2030-10-01", 3, "2030-10-04"},
		{"2030 plain over weekend", "2030-10-04", 1, "2030-10-07"},
	}
	cal := calendar.Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cal.AddWorkdays(iso(tt.from), tt.n); got.String() != tt.want {
				t.Errorf("AddWorkdays(%s, %d) = %s; want %s", tt.from, tt.n, got, tt.want)
			}
		})
	}
}

func TestWorkdaysBetween(t *testing.T) {
	tests := []struct {
		from, to string
		want     int
	}{
		{"2024-03-04", "2024-03-04", 0},
		{"2024-03-04", "2024-03-05", 1},
		{"2024-03-04", "2024-03-11", 5},  // (Mon, Mon]: Tue..Fri + Mon
		{"2024-03-11", "2024-03-04", -5}, // [Mon, Mon): Mon..Fri
		{"2024-02-02", "2024-02-06", 3},  // Sun 02-04 counts
		{"2024-02-09", "2024-02-17", 0},  // the whole break is off
		{"2024-02-09", "2024-02-18", 1},
		{"2025-09-30", "2025-10-09", 1},
		{"2025-09-30", "2025-10-08", 0},
		{"2025-10-09", "2025-09-30", -1},
		{"2024-01-01", "2024-12-31", 251}, // 2024 has 251 working days
		{"2023-12-31", "2024-12-31", 251},
	}
	cal := calendar.Default()
	for _, tt := range tests {
		if got := cal.WorkdaysBetween(iso(tt.from), iso(tt.to)); got != tt.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d; want %d", tt.from, tt.to, got, tt.want)
		}
	}
}

// TestWorkdaysRoundTrip is the property that ties the two conventions
// together, over random dates in and just outside the covered years.
func TestWorkdaysRoundTrip(t *testing.T) {
	cal := calendar.Default()
	r := rand.New(rand.NewPCG(2015, 2026))
	lo, hi := iso("2014-06-01"), iso("2027-06-30")
	for range 20000 {
		day := lo + calendar.Date(r.IntN(int(hi-lo)+1))
		n := r.IntN(121) - 60
		got := cal.AddWorkdays(day, n)
		if back := cal.WorkdaysBetween(day, got); back != n {
			t.Fatalf("WorkdaysBetween(%s, AddWorkdays(%s, %d) = %s) = %d; want %d", day, day, n, got, back, n)
		}
		if n != 0 && !cal.IsWorkday(got) {
			t.Fatalf("AddWorkdays(%s, %d) = %s, a rest day; want a working day", day, n, got)
		}
		if (n > 0 && got <= day) || (n < 0 && got >= day) {
			t.Fatalf("AddWorkdays(%s, %d) = %s went the wrong way", day, n, got)
		}
		// The other direction holds for working-day targets.
		to := lo + calendar.Date(r.IntN(int(hi-lo)+1))
		if cal.IsWorkday(to) {
			if got := cal.AddWorkdays(day, cal.WorkdaysBetween(day, to)); got != to {
				t.Fatalf("AddWorkdays(%s, WorkdaysBetween(%s, %s)) = %s; want %s", day, day, to, got, to)
			}
		}
	}
}

func TestAddWorkdaysDoesNotAllocate(t *testing.T) {
	cal := calendar.Default()
	from := iso("2024-02-02")
	if n := testing.AllocsPerRun(100, func() {
		cal.AddWorkdays(from, 40)
		cal.WorkdaysBetween(from, from+60)
	}); n != 0 {
		t.Errorf("AddWorkdays/WorkdaysBetween allocate %v times per run; want 0", n)
	}
}

func TestWorkdayOnOrAfter(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2024-03-04", "2024-03-04"}, // a working day stays
		{"2024-03-09", "2024-03-11"}, // Sat -> Mon
		{"2024-02-10", "2024-02-18"}, // first day of the break -> make-up Sun
		{"2024-02-04", "2024-02-04"}, // a make-up Sunday is a working day
		{"2025-10-01", "2025-10-09"},
	}
	cal := calendar.Default()
	for _, tt := range tests {
		if got := cal.WorkdayOnOrAfter(iso(tt.in)); got.String() != tt.want {
			t.Errorf("WorkdayOnOrAfter(%s) = %s; want %s", tt.in, got, tt.want)
		}
	}
	// A 7-day 公示 starting 2025-09-26 ends 10-03, a day off, so the
	// period runs to the first working day after the break.
	if got, want := cal.WorkdayOnOrAfter(cal.AddDays(iso("2025-09-26"), 7)), iso("2025-10-09"); got != want {
		t.Errorf("7 days from 2025-09-26, rolled forward = %s; want %s", got, want)
	}
}

func TestIsWorkdayAndHoliday(t *testing.T) {
	tests := []struct {
		date    string
		workday bool
		holiday string // "" means Holiday reports ok == false
	}{
		{"2024-02-04", true, ""},    // make-up Sunday
		{"2024-02-09", true, ""},    // 除夕 2024 was not a day off
		{"2024-02-10", false, "春节"}, // Saturday inside the break
		{"2024-02-12", false, "春节"}, // Monday inside the break
		{"2024-02-18", true, ""},    // make-up Sunday
		{"2024-02-24", false, ""},   // ordinary Saturday
		{"2025-01-28", false, "春节"}, // 除夕 has been a day off since 2025
		{"2025-10-06", false, "中秋节/国庆节"},
		{"2015-09-03", false, "抗战胜利纪念日"},
		{"2015-09-06", true, ""},
		{"2019-05-03", false, "劳动节"}, // from the 2019 adjustment notice
		{"2019-05-05", true, ""},
		{"2018-12-31", false, "元旦"},
		{"2026-02-23", false, "春节"},
		{"2026-09-20", true, ""},
		{"2030-01-01", true, ""}, // outside the data: plain Tuesday
	}
	cal := calendar.Default()
	for _, tt := range tests {
		day := iso(tt.date)
		if got := cal.IsWorkday(day); got != tt.workday {
			t.Errorf("IsWorkday(%s) = %v; want %v", tt.date, got, tt.workday)
		}
		name, ok := cal.Holiday(day)
		if got, want := ok, tt.holiday != ""; got != want || name != tt.holiday {
			t.Errorf("Holiday(%s) = %q, %v; want %q, %v", tt.date, name, got, tt.holiday, want)
		}
	}
	e, ok := cal.Lookup(iso("2024-02-18"))
	if !ok || e.Kind != calendar.Workday || e.Name != "春节" {
		t.Errorf("Lookup(2024-02-18) = %+v, %v; want a 春节 Workday entry", e, ok)
	}
}

func TestYearsAndCovers(t *testing.T) {
	cal := calendar.Default()
	if first, last := cal.Years(); first != 2015 || last != 2026 {
		t.Errorf("Years() = %d, %d; want 2015, 2026", first, last)
	}
	for y := 2010; y <= 2030; y++ {
		if got, want := cal.Covers(y), y >= 2015 && y <= 2026; got != want {
			t.Errorf("Covers(%d) = %v; want %v", y, got, want)
		}
	}

	// Entries in late December alone (the next year's New Year break) do
	// not make that year covered.
	c, err := calendar.New([]calendar.Entry{{Date: iso("2026-12-31"), Kind: calendar.Holiday, Name: "元旦"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Covers(2026) {
		t.Errorf("Covers(2026) with only a 12-31 entry = true; want false")
	}
	if first, last := c.Years(); first != 0 || last != 0 {
		t.Errorf("Years() = %d, %d; want 0, 0", first, last)
	}

	empty, err := calendar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	if empty.Covers(2024) || !empty.IsWorkday(iso("2024-02-12")) || empty.AddWorkdays(iso("2024-02-09"), 1) != iso("2024-02-12") {
		t.Errorf("empty calendar does not behave as plain Monday to Friday")
	}
}

func TestWith(t *testing.T) {
	base := calendar.Default()
	// Suppose a notice later extends the 2026 Spring Festival by a day and
	// cancels the make-up Saturday 02-28, as happened in 2020.
	edited := base.With(
		calendar.Entry{Date: iso("2026-02-24"), Kind: calendar.Holiday, Name: "春节"},
		calendar.Entry{Date: iso("2026-02-28"), Kind: calendar.Holiday, Name: "春节（延长）"},
		calendar.Entry{Date: iso("2026-02-28"), Kind: calendar.Holiday, Name: "春节"}, // the later entry wins
		calendar.Entry{Date: iso("2027-02-06"), Kind: calendar.Holiday, Name: "春节"},
	)
	tests := []struct {
		cal     *calendar.Calendar
		date    string
		workday bool
	}{
		{edited, "2026-02-24", false},
		{edited, "2026-02-28", false},
		{edited, "2026-02-23", false}, // untouched entries remain
		{edited, "2026-02-14", true},
		{base, "2026-02-24", true}, // the original is unchanged
		{base, "2026-02-28", true},
	}
	for _, tt := range tests {
		if got := tt.cal.IsWorkday(iso(tt.date)); got != tt.workday {
			t.Errorf("IsWorkday(%s) = %v; want %v", tt.date, got, tt.workday)
		}
	}
	if name, _ := edited.Holiday(iso("2026-02-28")); name != "春节" {
		t.Errorf("Holiday(2026-02-28) = %q; want %q (the later entry)", name, "春节")
	}
	if got, want := len(edited.Entries()), len(base.Entries())+2; got != want {
		t.Errorf("len(Entries()) = %d; want %d", got, want)
	}
	if !edited.Covers(2027) || base.Covers(2027) {
		t.Errorf("Covers(2027): edited %v, base %v; want true, false", edited.Covers(2027), base.Covers(2027))
	}
	if first, last := edited.Years(); first != 2015 || last != 2027 {
		t.Errorf("edited Years() = %d, %d; want 2015, 2027", first, last)
	}

	defer func() {
		if recover() == nil {
			t.Errorf("With(a workday on a Monday) did not panic")
		}
	}()
	base.With(calendar.Entry{Date: iso("2026-03-02"), Kind: calendar.Workday, Name: "春节"})
}

func TestNewRejects(t *testing.T) {
	ok := calendar.Entry{Date: iso("2024-02-10"), Kind: calendar.Holiday, Name: "春节"}
	tests := []struct {
		name    string
		entries []calendar.Entry
		field   string
	}{
		{"unknown kind", []calendar.Entry{ok, {Date: iso("2024-02-11"), Name: "春节"}}, "entries[1].kind"},
		{"workday on a weekday", []calendar.Entry{{Date: iso("2024-02-05"), Kind: calendar.Workday, Name: "春节"}}, "entries[0].date"},
		{"empty name", []calendar.Entry{{Date: iso("2024-02-04"), Kind: calendar.Workday}}, "entries[0].name"},
		{"duplicate date", []calendar.Entry{ok, {Date: iso("2024-02-11"), Kind: calendar.Holiday, Name: "春节"}, ok}, "entries[2].date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := calendar.New(tt.entries)
			if err == nil {
				t.Fatalf("New: got no error; want one for %s", tt.field)
			}
			if got := apperr.FieldOf(err); got != tt.field || !apperr.Is(err, apperr.Invalid) {
				t.Errorf("New: error field = %q, kind %v; want %q, invalid (err: %v)", got, apperr.KindOf(err), tt.field, err)
			}
			if zh := apperr.Message(err, "zh"); zh == "" || !strings.ContainsAny(zh, "类型日期名称") {
				t.Errorf("New: Chinese message = %q; want one naming the field", zh)
			}
		})
	}
}
