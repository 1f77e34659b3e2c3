package calendar_test

import (
	"strings"
	"testing"
	"time"

	"safetynet/internal/calendar"
)

// These tests check the embedded data/cn.csv against facts that do not
// come from it: the lunar and solar festival dates, the number of
// statutory days off set by 《全国年节及纪念日放假办法》, and the official
// break lengths.

// TestWorkdaysPerYear checks the number of working days in each year.
//
// Every holiday notice keeps the statutory days off and only moves rest
// days around (a weekday off is paid for by a make-up weekend day, and a
// festival on a weekend gets a weekday instead), so a year's working days
// must equal its Monday-to-Friday days minus its statutory days: 11 until
// 2024 and 13 from 2025, when the law added 除夕 and a second Labour Day.
// Two years had more: 2015 had the one-off 9-3 Victory Day holiday, and in
// 2020 the extension of the Spring Festival for COVID-19 took two more
// working days (Fri 01-31 and the cancelled make-up Sat 02-01). Cross-year
// moves cancel out (the 2019 notice took Mon 2018-12-31 and gave Sat
// 2018-12-29, both in 2018).
func TestWorkdaysPerYear(t *testing.T) {
	tests := []struct {
		year      int
		want      int
		statutory int // days off by law, plus one-off extra days off
	}{
		{2015, 249, 11 + 1},
		{2016, 250, 11},
		{2017, 249, 11},
		{2018, 250, 11},
		{2019, 250, 11},
		{2020, 249, 11 + 2},
		{2021, 250, 11},
		{2022, 249, 11},
		{2023, 249, 11},
		{2024, 251, 11},
		{2025, 248, 13},
		{2026, 248, 13},
	}
	cal := calendar.Default()
	for _, tt := range tests {
		got := 0
		weekdays := 0
		for day := calendar.NewDate(tt.year, 1, 1); day.Year() == tt.year; day++ {
			if cal.IsWorkday(day) {
				got++
			}
			if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
				weekdays++
			}
		}
		if got != tt.want {
			t.Errorf("%d: %d working days; want %d", tt.year, got, tt.want)
		}
		if want := weekdays - tt.statutory; tt.want != want {
			t.Errorf("%d: table says %d working days but %d weekdays - %d statutory days = %d", tt.year, tt.want, weekdays, tt.statutory, want)
		}
	}
}

func TestWorkdayEntriesAreWeekends(t *testing.T) {
	for _, e := range calendar.Default().Entries() {
		if wd := e.Date.Weekday(); e.Kind == calendar.Workday && wd != time.Saturday && wd != time.Sunday {
			t.Errorf("%s %s (%s) is a %v; want Saturday or Sunday", e.Date, e.Kind, e.Name, wd)
		}
		// A holiday entry on a weekend is only a label; it must sit next
		// to the rest of its break, which the break tests below check.
	}
}

// TestStatutoryDaysAreHolidays checks that each festival day itself is a
// day off named for its festival. The dates come from the lunar calendar
// (春节, 端午, 中秋) and the solar terms (清明), not from the data file.
func TestStatutoryDaysAreHolidays(t *testing.T) {
	type fest struct {
		name  string
		dates []string
	}
	byYear := map[int][]fest{
		2015: {{"春节", []string{"2015-02-19", "2015-02-20", "2015-02-21"}}, {"清明节", []string{"2015-04-05"}}, {"端午节", []string{"2015-06-20"}}, {"中秋节", []string{"2015-09-27"}}},
		2016: {{"春节", []string{"2016-02-08", "2016-02-09", "2016-02-10"}}, {"清明节", []string{"2016-04-04"}}, {"端午节", []string{"2016-06-09"}}, {"中秋节", []string{"2016-09-15"}}},
		2017: {{"春节", []string{"2017-01-28", "2017-01-29", "2017-01-30"}}, {"清明节", []string{"2017-04-04"}}, {"端午节", []string{"2017-05-30"}}, {"中秋节", []string{"2017-10-04"}}},
		2018: {{"春节", []string{"2018-02-16", "2018-02-17", "2018-02-18"}}, {"清明节", []string{"2018-04-05"}}, {"端午节", []string{"2018-06-18"}}, {"中秋节", []string{"2018-09-24"}}},
		2019: {{"春节", []string{"2019-02-05", "2019-02-06", "2019-02-07"}}, {"清明节", []string{"2019-04-05"}}, {"端午节", []string{"2019-06-07"}}, {"中秋节", []string{"2019-09-13"}}},
		2020: {{"春节", []string{"2020-01-25", "2020-01-26", "2020-01-27"}}, {"清明节", []string{"2020-04-04"}}, {"端午节", []string{"2020-06-25"}}, {"中秋节", []string{"2020-10-01"}}},
		2021: {{"春节", []string{"2021-02-12", "2021-02-13", "2021-02-14"}}, {"清明节", []string{"2021-04-04"}}, {"端午节", []string{"2021-06-14"}}, {"中秋节", []string{"2021-09-21"}}},
		2022: {{"春节", []string{"2022-02-01", "2022-02-02", "2022-02-03"}}, {"清明节", []string{"2022-04-05"}}, {"端午节", []string{"2022-06-03"}}, {"中秋节", []string{"2022-09-10"}}},
		2023: {{"春节", []string{"2023-01-22", "2023-01-23", "2023-01-24"}}, {"清明节", []string{"2023-04-05"}}, {"端午节", []string{"2023-06-22"}}, {"中秋节", []string{"2023-09-29"}}},
		2024: {{"春节", []string{"2024-02-10", "2024-02-11", "2024-02-12"}}, {"清明节", []string{"2024-04-04"}}, {"端午节", []string{"2024-06-10"}}, {"中秋节", []string{"2024-09-17"}}},
		// From 2025 除夕 is a statutory day too.
		2025: {{"春节", []string{"2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31"}}, {"清明节", []string{"2025-04-04"}}, {"端午节", []string{"2025-05-31"}}, {"中秋节", []string{"2025-10-06"}}},
		2026: {{"春节", []string{"2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19"}}, {"清明节", []string{"2026-04-05"}}, {"端午节", []string{"2026-06-19"}}, {"中秋节", []string{"2026-09-25"}}},
	}
	cal := calendar.Default()
	for year := 2015; year <= 2026; year++ {
		fests := append([]fest(nil), byYear[year]...)
		fests = append(fests,
			fest{"元旦", []string{calendar.NewDate(year, 1, 1).String()}},
			fest{"劳动节", []string{calendar.NewDate(year, 5, 1).String()}},
			fest{"国庆节", []string{calendar.NewDate(year, 10, 1).String(), calendar.NewDate(year, 10, 2).String(), calendar.NewDate(year, 10, 3).String()}},
		)
		if year >= 2025 {
			fests = append(fests, fest{"劳动节", []string{calendar.NewDate(year, 5, 2).String()}})
		}
		if len(byYear[year]) == 0 {
			t.Fatalf("no festival dates for %d in the test table", year)
		}
		for _, f := range fests {
			for _, s := range f.dates {
				name, ok := cal.Holiday(calendar.MustParseDate(s))
				if !ok || !strings.Contains(name, f.name) {
					t.Errorf("Holiday(%s) = %q, %v; want a day off named for %s", s, name, ok, f.name)
				}
			}
		}
	}
}

// TestBreakLengths checks the length of every Spring Festival and National
// Day break, counted as the run of consecutive days off around the
// festival day, and that each entry of the break carries its name.
func TestBreakLengths(t *testing.T) {
	tests := []struct {
		name   string // the name the break's entries carry
		inside string // a day inside the break
		first  string
		days   int
	}{
		{"春节", "2015-02-19", "2015-02-18", 7},
		{"春节", "2016-02-08", "2016-02-07", 7},
		{"春节", "2017-01-28", "2017-01-27", 7},
		{"春节", "2018-02-16", "2018-02-15", 7},
		{"春节", "2019-02-05", "2019-02-04", 7},
		{"春节", "2020-01-25", "2020-01-24", 10}, // extended to 02-02
		{"春节", "2021-02-12", "2021-02-11", 7},
		{"春节", "2022-02-01", "2022-01-31", 7},
		{"春节", "2023-01-22", "2023-01-21", 7},
		{"春节", "2024-02-10", "2024-02-10", 8},
		{"春节", "2025-01-29", "2025-01-28", 8},
		{"春节", "2026-02-17", "2026-02-15", 9},
		{"国庆节", "2015-10-01", "2015-10-01", 7},
		{"国庆节", "2016-10-01", "2016-10-01", 7},
		{"中秋节/国庆节", "2017-10-01", "2017-10-01", 8},
		{"国庆节", "2018-10-01", "2018-10-01", 7},
		{"国庆节", "2019-10-01", "2019-10-01", 7},
		{"中秋节/国庆节", "2020-10-01", "2020-10-01", 8},
		{"国庆节", "2021-10-01", "2021-10-01", 7},
		{"国庆节", "2022-10-01", "2022-10-01", 7},
		{"中秋节/国庆节", "2023-10-01", "2023-09-29", 8},
		{"国庆节", "2024-10-01", "2024-10-01", 7},
		{"中秋节/国庆节", "2025-10-01", "2025-10-01", 8},
		{"国庆节", "2026-10-01", "2026-10-01", 7},
	}
	cal := calendar.Default()
	for _, tt := range tests {
		t.Run(tt.inside, func(t *testing.T) {
			inside := calendar.MustParseDate(tt.inside)
			first := inside
			for !cal.IsWorkday(first - 1) {
				first--
			}
			last := inside
			for !cal.IsWorkday(last + 1) {
				last++
			}
			if got := first.String(); got != tt.first {
				t.Errorf("break starts %s; want %s", got, tt.first)
			}
			if got := int(last-first) + 1; got != tt.days {
				t.Errorf("break %s..%s is %d days; want %d", first, last, got, tt.days)
			}
			for day := first; day <= last; day++ {
				if name, ok := cal.Holiday(day); !ok || name != tt.name {
					t.Errorf("Holiday(%s) = %q, %v; want %q", day, name, ok, tt.name)
				}
			}
		})
	}
}

// TestMakeUpDays pins the make-up working days of a few years in full, so
// that an edit to the file that drops or moves one is caught.
func TestMakeUpDays(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{2015, "2015-01-04 2015-02-15 2015-02-28 2015-09-06 2015-10-10"},
		{2019, "2019-02-02 2019-02-03 2019-04-28 2019-05-05 2019-09-29 2019-10-12"},
		{2020, "2020-01-19 2020-04-26 2020-05-09 2020-06-28 2020-09-27 2020-10-10"},
		{2024, "2024-02-04 2024-02-18 2024-04-07 2024-04-28 2024-05-11 2024-09-14 2024-09-29 2024-10-12"},
		{2025, "2025-01-26 2025-02-08 2025-04-27 2025-09-28 2025-10-11"},
		{2026, "2026-01-04 2026-02-14 2026-02-28 2026-05-09 2026-09-20 2026-10-10"},
	}
	entries := calendar.Default().Entries()
	for _, tt := range tests {
		var got []string
		for _, e := range entries {
			if e.Kind == calendar.Workday && e.Date.Year() == tt.year {
				got = append(got, e.Date.String())
			}
		}
		if s := strings.Join(got, " "); s != tt.want {
			t.Errorf("%d make-up working days = %s; want %s", tt.year, s, tt.want)
		}
	}
}
