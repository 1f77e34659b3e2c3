package calendar_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    string // "" means an error is expected
		weekday time.Weekday
	}{
		{"2024-02-04", "2024-02-04", time.Sunday},
		{"2024-02-29", "2024-02-29", time.Thursday}, // leap year
		{"2000-02-29", "2000-02-29", time.Tuesday},  // divisible by 400: leap
		{"0001-01-01", "0001-01-01", time.Monday},
		{"9999-12-31", "9999-12-31", time.Friday},
		{"1970-01-01", "1970-01-01", time.Thursday},
		{"2023-02-29", "", 0}, // not a leap year
		{"1900-02-29", "", 0}, // divisible by 100 but not 400
		{"2024-13-01", "", 0},
		{"2024-00-10", "", 0},
		{"2024-04-31", "", 0},
		{"2024-02-00", "", 0},
		{"0000-01-01", "", 0},
		{"2024-2-4", "", 0},
		{"2024/02/04", "", 0},
		{" 2024-02-04", "", 0},
		{"2024-02-04T00:00:00Z", "", 0},
		{"２０２４-02-04", "", 0}, // full-width digits
		{"", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := calendar.ParseDate(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ParseDate(%q) = %s; want an error", tt.in, d)
				}
				if !apperr.Is(err, apperr.Invalid) || apperr.Message(err, "zh") == "" || apperr.Message(err, "en") == "" {
					t.Errorf("ParseDate(%q) error = %v; want a bilingual Invalid error", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDate(%q) error: %v", tt.in, err)
			}
			if got := d.String(); got != tt.want {
				t.Errorf("ParseDate(%q).String() = %q; want %q", tt.in, got, tt.want)
			}
			if got := d.Weekday(); got != tt.weekday {
				t.Errorf("ParseDate(%q).Weekday() = %v; want %v", tt.in, got, tt.weekday)
			}
		})
	}
}

func TestZeroDate(t *testing.T) {
	var d calendar.Date
	if got, want := d.String(), "0001-01-01"; got != want {
		t.Errorf("zero Date = %s; want %s (the day of the zero time.Time)", got, want)
	}
	if !d.IsZero() {
		t.Errorf("zero Date.IsZero() = false; want true")
	}
}

// TestDateMatchesTime checks the day-number algorithms against the time
// package over random days from year 1 to 9999.
func TestDateMatchesTime(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	base := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	last := int(calendar.MustParseDate("9999-12-31"))
	for range 100000 {
		n := r.IntN(last + 1)
		tm := base.AddDate(0, 0, n)
		d := calendar.Date(n)
		y, m, dd := d.Civil()
		if ty, tmo, td := tm.Date(); y != ty || m != tmo || dd != td {
			t.Fatalf("Date(%d).Civil() = %d-%d-%d; want %d-%d-%d", n, y, m, dd, ty, tmo, td)
		}
		if got, want := d.Weekday(), tm.Weekday(); got != want {
			t.Fatalf("Date(%d).Weekday() = %v; want %v", n, got, want)
		}
		if got := calendar.NewDate(y, m, dd); got != d {
			t.Fatalf("NewDate(%d, %d, %d) = %d; want %d", y, m, dd, got, d)
		}
		if got, err := calendar.ParseDate(d.String()); err != nil || got != d {
			t.Fatalf("ParseDate(%q) = %d, %v; want %d", d.String(), got, err, d)
		}
	}
}

func TestNewDateNormalises(t *testing.T) {
	tests := []struct {
		y    int
		m    time.Month
		d    int
		want string
	}{
		{2024, 2, 30, "2024-03-01"},
		{2023, 2, 29, "2023-03-01"},
		{2024, 13, 1, "2025-01-01"},
		{2024, 0, 1, "2023-12-01"},
		{2024, -11, 1, "2023-01-01"},
		{2024, -12, 1, "2022-12-01"},
		{2024, 1, 0, "2023-12-31"},
		{2024, 3, -1, "2024-02-28"},
	}
	for _, tt := range tests {
		if got := calendar.NewDate(tt.y, tt.m, tt.d).String(); got != tt.want {
			t.Errorf("NewDate(%d, %d, %d) = %s; want %s", tt.y, tt.m, tt.d, got, tt.want)
		}
	}
}

func TestNextMonthStart(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2024-01-01", "2024-02-01"},
		{"2024-01-31", "2024-02-01"},
		{"2024-02-29", "2024-03-01"},
		{"2024-12-01", "2025-01-01"},
		{"2024-12-31", "2025-01-01"},
	}
	cal := calendar.Default()
	for _, tt := range tests {
		d := calendar.MustParseDate(tt.in)
		if got := cal.NextMonthStart(d).String(); got != tt.want {
			t.Errorf("NextMonthStart(%s) = %s; want %s", tt.in, got, tt.want)
		}
	}
}

func TestAddDays(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"2024-02-25", 7, "2024-03-03"}, // across the leap day
		{"2023-12-28", 7, "2024-01-04"},
		{"2024-03-01", -1, "2024-02-29"},
		{"2024-03-01", 0, "2024-03-01"},
	}
	cal := calendar.Default()
	for _, tt := range tests {
		d := calendar.MustParseDate(tt.in)
		if got := cal.AddDays(d, tt.n).String(); got != tt.want {
			t.Errorf("AddDays(%s, %d) = %s; want %s", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestFromTime(t *testing.T) {
	ny := time.FixedZone("EST", -5*3600)
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2024, 2, 3, 15, 59, 59, 0, time.UTC), "2024-02-03"}, // 23:59:59 in Beijing
		{time.Date(2024, 2, 3, 16, 0, 0, 0, time.UTC), "2024-02-04"},   // midnight in Beijing
		{time.Date(2024, 2, 3, 12, 0, 0, 0, ny), "2024-02-04"},         // 01:00 next day in Beijing
		{time.Date(2024, 12, 31, 23, 0, 0, 0, time.FixedZone("CST", 8*3600)), "2024-12-31"},
	}
	for _, tt := range tests {
		if got := calendar.FromTime(tt.in).String(); got != tt.want {
			t.Errorf("FromTime(%v) = %s; want %s", tt.in, got, tt.want)
		}
	}
}

func TestDateTime(t *testing.T) {
	d := calendar.MustParseDate("2024-02-04")
	tm := d.Time()
	if got, want := tm.UTC(), time.Date(2024, 2, 3, 16, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Date.Time() = %v; want %v (midnight in Beijing)", got, want)
	}
	if got := calendar.FromTime(tm); got != d {
		t.Errorf("FromTime(d.Time()) = %s; want %s", got, d)
	}
}

func TestDateJSON(t *testing.T) {
	type rec struct {
		Due calendar.Date `json:"due"`
	}
	b, err := json.Marshal(rec{Due: calendar.MustParseDate("2024-02-06")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"due":"2024-02-06"}`; got != want {
		t.Errorf("json.Marshal = %s; want %s", got, want)
	}
	var r rec
	if err := json.Unmarshal([]byte(`{"due":"2025-10-09"}`), &r); err != nil {
		t.Fatal(err)
	}
	if got, want := r.Due.String(), "2025-10-09"; got != want {
		t.Errorf("json.Unmarshal: due = %s; want %s", got, want)
	}
	if err := json.Unmarshal([]byte(`{"due":"2025-10-32"}`), &r); err == nil {
		t.Errorf("json.Unmarshal of 2025-10-32: got no error; want one")
	}
}
