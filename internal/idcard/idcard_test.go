package idcard_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/idcard"
)

// The check characters of the numbers below were computed independently of
// this package (by hand for the GB 11643 sample, by a separate script for
// the rest).
const (
	sample   = "11010519491231002X" // the example of GB 11643-1999 itself: female, 1949-12-31
	kunming  = "530102198001012133" // male, 1980-01-01
	urumqi   = "650102199912319998" // male, 1999-12-31, highest sequence
	leapDay  = "44030820000229001X" // male, 2000-02-29
	earliest = "110105188001010017" // male, 1880-01-01, the earliest accepted
)

var (
	cst   = time.FixedZone("CST", 8*60*60)
	today = time.Date(2025, 6, 15, 10, 0, 0, 0, cst)
)

func TestParseAtValid(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"standard sample", sample, sample},
		{"male", kunming, kunming},
		{"highest sequence", urumqi, urumqi},
		{"leap day 2000", leapDay, leapDay},
		{"1880-01-01", earliest, earliest},
		{"born today", "440308202506150001", "440308202506150001"},
		{"lower-case x", "11010519491231002x", sample},
		{"surrounding spaces", " \t11010519491231002X\n", sample},
		{"ideographic space", "\u300011010519491231002X\u3000", sample},
		{"full-width digits and Ｘ", "１１０１０５１９４９１２３１００２Ｘ", sample},
		{"full-width ｘ", "１１０１０５１９４９１２３１００２ｘ", sample},
		{"mixed widths", "110105１９４９1231002X", sample},
		{"15-digit legacy", "110105491231002", sample},
		{"15-digit legacy full-width", "１１０１０５４９１２３１００２", sample},
		{"15-digit legacy male", "530102800101213", kunming},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := idcard.ParseAt(tt.in, today)
			if err != nil {
				t.Fatalf("ParseAt(%q) error: %v", tt.in, err)
			}
			if got := id.String(); got != tt.want {
				t.Errorf("ParseAt(%q) = %s; want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseAtInvalid(t *testing.T) {
	tests := []struct {
		name, in string
		want     idcard.Error
	}{
		{"empty", "", idcard.Error{Reason: idcard.WrongLength}},
		{"blank", "   ", idcard.Error{Reason: idcard.WrongLength}},
		{"17 digits", "11010519491231002", idcard.Error{Reason: idcard.WrongLength}},
		{"16 digits", "1101051949123100", idcard.Error{Reason: idcard.WrongLength}},
		{"19 characters", "11010519491231002X0", idcard.Error{Reason: idcard.WrongLength}},
		{"very long", strings.Repeat("1", 1000), idcard.Error{Reason: idcard.WrongLength}},
		{"grouped with spaces", "110105 19491231 002X", idcard.Error{Reason: idcard.WrongLength}},
		{"18 runes with a space", "110105 1949123100X", idcard.Error{Reason: idcard.BadChar, Pos: 7}},
		{"Y as check", "11010519491231002Y", idcard.Error{Reason: idcard.BadChar, Pos: 18}},
		{"X not last", "1101051949123100X2", idcard.Error{Reason: idcard.BadChar, Pos: 17}},
		{"X in legacy", "11010549123100X", idcard.Error{Reason: idcard.BadChar, Pos: 15}},
		{"letter", "1101O519491231002X", idcard.Error{Reason: idcard.BadChar, Pos: 5}},
		{"full-width letter", "1101051949123100２Ａ", idcard.Error{Reason: idcard.BadChar, Pos: 18}},
		{"invalid UTF-8", "11010519491231\xff02X", idcard.Error{Reason: idcard.BadChar, Pos: 15}},
		{"wrong check", "110105194912310021", idcard.Error{Reason: idcard.WrongCheck, Want: 'X'}},
		{"wrong check, want digit", "53010219800101213X", idcard.Error{Reason: idcard.WrongCheck, Want: '3'}},
		{"swapped digits", "11010519491213002X", idcard.Error{Reason: idcard.WrongCheck, Want: '9'}},
		{"month 00", "110105194900310011", idcard.Error{Reason: idcard.ImpossibleDate}},
		{"month 13", "110105194913310011", idcard.Error{Reason: idcard.ImpossibleDate}},
		{"day 00", "110105194912000011", idcard.Error{Reason: idcard.ImpossibleDate}},
		{"day 32", "110105194912320011", idcard.Error{Reason: idcard.ImpossibleDate}},
		{"31 April", "110105194904310011", idcard.Error{Reason: idcard.ImpossibleDate}},
		{"29 February 1900", "110105190002290017", idcard.Error{Reason: idcard.ImpossibleDate}},
		{"29 February 2001", "110105200102290010", idcard.Error{Reason: idcard.ImpossibleDate}},
		{"legacy 29 February 1900", "110105000229001", idcard.Error{Reason: idcard.ImpossibleDate}},
		{"1879-12-31", "110105187912310016", idcard.Error{Reason: idcard.DateTooEarly}},
		{"tomorrow", "440308202506160007", idcard.Error{Reason: idcard.FutureDate}},
		{"next year", "440308202601010015", idcard.Error{Reason: idcard.FutureDate}},
		{"province 83", "830100198001010013", idcard.Error{Reason: idcard.UnknownArea}},
		{"province 10", "100105198001010011", idcard.Error{Reason: idcard.UnknownArea}},
		{"province 00", "000105198001010011", idcard.Error{Reason: idcard.UnknownArea}},
		{"province 99", "990105198001010011", idcard.Error{Reason: idcard.UnknownArea}},
		{"province itself", "110000198001010019", idcard.Error{Reason: idcard.UnknownArea}},
		{"legacy unknown area", "830100800101001", idcard.Error{Reason: idcard.UnknownArea}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := idcard.ParseAt(tt.in, today)
			if err == nil {
				t.Fatalf("ParseAt(%q) = %s, nil; want error %v", tt.in, id, &tt.want)
			}
			if !id.IsZero() {
				t.Errorf("ParseAt(%q) returned ID %s with its error; want the zero ID", tt.in, id)
			}
			var e *idcard.Error
			if !errors.As(err, &e) {
				t.Fatalf("ParseAt(%q) error %T %v; want *idcard.Error", tt.in, err, err)
			}
			if *e != tt.want {
				t.Errorf("ParseAt(%q) error = %+v; want %+v", tt.in, *e, tt.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	// Parse uses the real clock; the sample is far enough in the past.
	id, err := idcard.Parse(sample)
	if err != nil || id.String() != sample {
		t.Errorf("Parse(%q) = %s, %v; want %s, nil", sample, id, err, sample)
	}
	future := idcard.Generate("110105", time.Now().AddDate(0, 0, 3), 1)
	if _, err := idcard.Parse(future.String()); !errors.Is(err, idcard.ErrFutureDate) {
		t.Errorf("Parse(%s) error = %v; want %v", future, err, idcard.ErrFutureDate)
	}
}

func TestParseAtTodayLocation(t *testing.T) {
	// 2025-06-15 20:00 UTC is already 16 June in Beijing: a baby born on
	// 16 June is accepted with a Beijing "today", not with a UTC one.
	const born16 = "440308202506160007"
	now := time.Date(2025, 6, 15, 20, 0, 0, 0, time.UTC)
	if _, err := idcard.ParseAt(born16, now.In(cst)); err != nil {
		t.Errorf("ParseAt(%s, Beijing) error = %v; want nil", born16, err)
	}
	if _, err := idcard.ParseAt(born16, now); !errors.Is(err, idcard.ErrFutureDate) {
		t.Errorf("ParseAt(%s, UTC) error = %v; want %v", born16, err, idcard.ErrFutureDate)
	}
}

func TestErrorKinds(t *testing.T) {
	reasons := []struct {
		sentinel *idcard.Error
		code     string
	}{
		{idcard.ErrWrongLength, "wrong_length"},
		{idcard.ErrBadChar, "bad_char"},
		{idcard.ErrWrongCheck, "wrong_check"},
		{idcard.ErrImpossibleDate, "impossible_date"},
		{idcard.ErrFutureDate, "future_date"},
		{idcard.ErrDateTooEarly, "date_too_early"},
		{idcard.ErrUnknownArea, "unknown_area"},
	}
	seen := map[string]bool{}
	for _, r := range reasons {
		e := r.sentinel
		if got := e.Reason.String(); got != r.code {
			t.Errorf("Reason %d String() = %q; want %q", e.Reason, got, r.code)
		}
		for _, msg := range []string{e.Zh(), e.En()} {
			if msg == "" || seen[msg] {
				t.Errorf("%s: message %q is empty or not distinct", r.code, msg)
			}
			seen[msg] = true
		}
		if !strings.HasPrefix(e.Error(), "idcard: ") {
			t.Errorf("%s: Error() = %q; want prefix %q", r.code, e.Error(), "idcard: ")
		}

		// A bad number reaches the user through apperr without a special case.
		var err error = e
		if got := apperr.KindOf(err); got != apperr.Invalid {
			t.Errorf("%s: apperr.KindOf = %v; want %v", r.code, got, apperr.Invalid)
		}
		if got := apperr.Message(err, "zh"); got != e.Zh() {
			t.Errorf("%s: apperr.Message(zh) = %q; want %q", r.code, got, e.Zh())
		}
		if got := apperr.Message(err, "en"); got != e.En() {
			t.Errorf("%s: apperr.Message(en) = %q; want %q", r.code, got, e.En())
		}
		ae := e.AppErr().WithField("id_number")
		if got := apperr.FieldOf(ae); got != "id_number" {
			t.Errorf("%s: FieldOf(AppErr().WithField) = %q; want %q", r.code, got, "id_number")
		}
		if !errors.Is(ae, r.sentinel) {
			t.Errorf("%s: errors.Is(AppErr(), sentinel) = false; want true", r.code)
		}
	}

	// errors.Is matches on Reason alone.
	e := &idcard.Error{Reason: idcard.WrongCheck, Want: '7'}
	if !errors.Is(e, idcard.ErrWrongCheck) || errors.Is(e, idcard.ErrBadChar) {
		t.Errorf("errors.Is on Reason WrongCheck: wrong result")
	}
	if got, want := e.Error(), "idcard: wrong check digit in ID number (want 7)"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
	e = &idcard.Error{Reason: idcard.BadChar, Pos: 12}
	if got, want := e.Error(), "idcard: ID number contains an invalid character (position 12)"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
	if got := (&idcard.Error{}).Zh(); got == "" {
		t.Errorf("zero Error Zh() is empty; want a generic message")
	}
}

func TestIDAccessors(t *testing.T) {
	tests := []struct {
		id, area, province, mask string
		birth                    time.Time
		sex                      idcard.Sex
	}{
		{sample, "110105", "11", "110105********002X", date(1949, 12, 31), idcard.Female},
		{kunming, "530102", "53", "530102********2133", date(1980, 1, 1), idcard.Male},
		{urumqi, "650102", "65", "650102********9998", date(1999, 12, 31), idcard.Male},
		{leapDay, "440308", "44", "440308********001X", date(2000, 2, 29), idcard.Male},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			id := mustParse(t, tt.id)
			if got := id.AreaCode(); got != tt.area {
				t.Errorf("AreaCode() = %q; want %q", got, tt.area)
			}
			if got := id.ProvinceCode(); got != tt.province {
				t.Errorf("ProvinceCode() = %q; want %q", got, tt.province)
			}
			if got := id.Mask(); got != tt.mask {
				t.Errorf("Mask() = %q; want %q", got, tt.mask)
			}
			if got := id.BirthDate(); !got.Equal(tt.birth) || got.Location() != time.UTC {
				t.Errorf("BirthDate() = %v; want %v", got, tt.birth)
			}
			if got := id.Sex(); got != tt.sex {
				t.Errorf("Sex() = %v; want %v", got, tt.sex)
			}
		})
	}
}

func TestZeroID(t *testing.T) {
	var id idcard.ID
	if !id.IsZero() || id.String() != "" || id.AreaCode() != "" || id.ProvinceCode() != "" ||
		id.Mask() != "" || !id.BirthDate().IsZero() || id.Sex() != idcard.Unknown || id.AgeOn(today) != 0 {
		t.Errorf("zero ID methods do not all return zero values")
	}
	if got := idcard.Pack(id); got != 0 {
		t.Errorf("Pack(zero ID) = %d; want 0", got)
	}
	if mustParse(t, sample).IsZero() {
		t.Errorf("IsZero() = true for a parsed ID; want false")
	}
}

func TestSexString(t *testing.T) {
	for _, tt := range []struct {
		sex    idcard.Sex
		en, zh string
	}{
		{idcard.Male, "male", "男"},
		{idcard.Female, "female", "女"},
		{idcard.Unknown, "unknown", "未知"},
	} {
		if got := tt.sex.String(); got != tt.en {
			t.Errorf("Sex(%d).String() = %q; want %q", tt.sex, got, tt.en)
		}
		if got := tt.sex.Zh(); got != tt.zh {
			t.Errorf("Sex(%d).Zh() = %q; want %q", tt.sex, got, tt.zh)
		}
	}
}

func TestAgeOn(t *testing.T) {
	tests := []struct {
		id   string
		on   time.Time
		want int
	}{
		{sample, date(1949, 12, 31), 0},
		{sample, date(2024, 12, 30), 74},
		{sample, date(2024, 12, 31), 75},
		{sample, date(2025, 1, 1), 75},
		{sample, date(1949, 12, 30), -1},
		// The calendar date of t counts, in t's location: 30 December
		// 20:00 UTC is already the birthday in Beijing.
		{sample, time.Date(2024, 12, 30, 20, 0, 0, 0, time.UTC), 74},
		{sample, time.Date(2024, 12, 30, 20, 0, 0, 0, time.UTC).In(cst), 75},
		{leapDay, date(2001, 2, 28), 0},
		{leapDay, date(2001, 3, 1), 1},
		{leapDay, date(2004, 2, 28), 3},
		{leapDay, date(2004, 2, 29), 4},
		{leapDay, date(2018, 2, 28), 17},
		{leapDay, date(2018, 3, 1), 18},
	}
	for _, tt := range tests {
		id := mustParse(t, tt.id)
		if got := id.AgeOn(tt.on); got != tt.want {
			t.Errorf("%s.AgeOn(%v) = %d; want %d", id.Mask(), tt.on, got, tt.want)
		}
	}
}

func TestComputeCheck(t *testing.T) {
	tests := []struct {
		in   string
		want byte
	}{
		{"11010519491231002", 'X'},
		{"53010219800101213", '3'},
		{"65010219991231999", '8'},
		{"11010518800101001", '7'},
		{"00000000000000000", '1'},
		{"1101051949123100", 0},
		{"110105194912310021", 0},
		{"1101051949123100X", 0},
		{"", 0},
	}
	for _, tt := range tests {
		if got := idcard.ComputeCheck(tt.in); got != tt.want {
			t.Errorf("ComputeCheck(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestPackUnpack(t *testing.T) {
	ids := []string{earliest, sample, leapDay, kunming, urumqi, "820101201001010012"}
	var prev uint64
	for i, s := range ids {
		id := mustParse(t, s)
		u := idcard.Pack(id)
		got, err := idcard.Unpack(u)
		if err != nil || got != id {
			t.Errorf("Unpack(Pack(%s)) = %s, %v; want %s, nil", s, got, err, s)
		}
		// ids is in ascending string order, so the keys must ascend too.
		if i > 0 && u <= prev {
			t.Errorf("Pack(%s) = %d, not above Pack(%s) = %d", s, u, ids[i-1], prev)
		}
		prev = u
	}
	if got, want := idcard.Pack(mustParse(t, sample)), uint64(11010519491231002*11+10); got != want {
		t.Errorf("Pack(%s) = %d; want %d", sample, got, want)
	}

	bad := []struct {
		name string
		u    uint64
		want *idcard.Error
	}{
		{"zero", 0, idcard.ErrUnknownArea},
		{"too large", 100_000_000_000_000_000 * 11, idcard.ErrWrongLength},
		{"max", ^uint64(0), idcard.ErrWrongLength},
		{"wrong check value", 11010519491231002*11 + 3, idcard.ErrWrongCheck},
		{"impossible date", 11010519000229001*11 + 7, idcard.ErrImpossibleDate},
	}
	for _, tt := range bad {
		if id, err := idcard.Unpack(tt.u); !errors.Is(err, tt.want) {
			t.Errorf("Unpack(%s) = %s, %v; want error %v", tt.name, id, err, tt.want)
		}
	}
}

func TestAllocs(t *testing.T) {
	id := mustParse(t, sample)
	if n := testing.AllocsPerRun(100, func() { idcard.Pack(id) }); n != 0 {
		t.Errorf("Pack allocates %v times; want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { idcard.ParseAt(sample, today) }); n != 0 {
		t.Errorf("ParseAt(canonical) allocates %v times; want 0", n)
	}
}

func TestGenerate(t *testing.T) {
	tests := []struct {
		area  string
		birth time.Time
		seq   int
		want  string
	}{
		{"110105", date(1949, 12, 31), 2, sample},
		{"530102", date(1980, 1, 1), 213, kunming},
		{"650102", date(1999, 12, 31), 999, urumqi},
		{"440308", date(2000, 2, 29), 1, leapDay},
		{"110105", date(1880, 1, 1), 1, earliest},
		// The calendar date in birth's own location counts.
		{"110105", time.Date(1949, 12, 31, 23, 0, 0, 0, cst), 2, sample},
	}
	for _, tt := range tests {
		id := idcard.Generate(tt.area, tt.birth, tt.seq)
		if id.String() != tt.want {
			t.Errorf("Generate(%s, %v, %d) = %s; want %s", tt.area, tt.birth, tt.seq, id, tt.want)
		}
		if p, err := idcard.ParseAt(id.String(), today); err != nil || p != id {
			t.Errorf("ParseAt(Generate(…)) = %s, %v; want %s, nil", p, err, id)
		}
	}
	for seq := range 1000 {
		want := idcard.Female
		if seq%2 == 1 {
			want = idcard.Male
		}
		if got := idcard.Generate("110105", date(2000, 1, 1), seq).Sex(); got != want {
			t.Fatalf("Generate(seq %d).Sex() = %v; want %v", seq, got, want)
		}
	}

	panics := []struct {
		name, area string
		birth      time.Time
		seq        int
	}{
		{"short area", "11010", date(2000, 1, 1), 1},
		{"non-digit area", "11010A", date(2000, 1, 1), 1},
		{"unknown province", "830100", date(2000, 1, 1), 1},
		{"province itself", "110000", date(2000, 1, 1), 1},
		{"negative seq", "110105", date(2000, 1, 1), -1},
		{"seq 1000", "110105", date(2000, 1, 1), 1000},
		{"year 1879", "110105", date(1879, 12, 31), 1},
		{"year 10000", "110105", date(10000, 1, 1), 1},
	}
	for _, tt := range panics {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Generate(%q, %v, %d) did not panic", tt.area, tt.birth, tt.seq)
				}
			}()
			idcard.Generate(tt.area, tt.birth, tt.seq)
		})
	}
}

func TestText(t *testing.T) {
	type person struct {
		ID idcard.ID `json:"id"`
	}
	b, err := json.Marshal(person{mustParse(t, sample)})
	if err != nil || string(b) != `{"id":"`+sample+`"}` {
		t.Errorf("json.Marshal = %s, %v; want the canonical number", b, err)
	}
	var p person
	if err := json.Unmarshal([]byte(`{"id":"110105491231002"}`), &p); err != nil || p.ID.String() != sample {
		t.Errorf("json.Unmarshal(legacy) = %s, %v; want %s", p.ID, err, sample)
	}
	p = person{}
	if err := json.Unmarshal([]byte(`{"id":""}`), &p); err != nil || !p.ID.IsZero() {
		t.Errorf("json.Unmarshal(\"\") = %s, %v; want the zero ID, nil", p.ID, err)
	}
	if err := json.Unmarshal([]byte(`{"id":"110105194912310021"}`), &p); !errors.Is(err, idcard.ErrWrongCheck) {
		t.Errorf("json.Unmarshal(bad check) error = %v; want %v", err, idcard.ErrWrongCheck)
	}
}

func TestLogValueMasks(t *testing.T) {
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("check", "id", mustParse(t, sample))
	if got := buf.String(); strings.Contains(got, sample) || !strings.Contains(got, "id=110105********002X") {
		t.Errorf("slog output %q; want the masked number only", got)
	}
}

// FuzzParse checks that ParseAt never panics, that every error is an
// *Error that reaches apperr as Invalid, and that every ID it returns
// survives String, Pack and Unpack and parses back to itself.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		sample, kunming, urumqi, leapDay, earliest,
		"110105491231002", "11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ",
		"110105194912310021", "110105190002290017", "830100198001010013", "", "X",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := idcard.ParseAt(s, today)
		if err != nil {
			var e *idcard.Error
			if !errors.As(err, &e) || e.Zh() == "" || e.En() == "" {
				t.Fatalf("ParseAt(%q) error %v is not a complete *idcard.Error", s, err)
			}
			if apperr.KindOf(err) != apperr.Invalid {
				t.Fatalf("ParseAt(%q) error kind %v; want Invalid", s, apperr.KindOf(err))
			}
			return
		}
		str := id.String()
		if len(str) != 18 || idcard.ComputeCheck(str[:17]) != str[17] {
			t.Fatalf("ParseAt(%q) = %q, not canonical", s, str)
		}
		if again, err := idcard.ParseAt(str, today); err != nil || again != id {
			t.Fatalf("ParseAt(%q) = %s, %v; want %s, nil", str, again, err, id)
		}
		if back, err := idcard.Unpack(idcard.Pack(id)); err != nil || back != id {
			t.Fatalf("Unpack(Pack(%s)) = %s, %v", id, back, err)
		}
		if id.AgeOn(today) < 0 || id.BirthDate().Year() < 1880 {
			t.Fatalf("ParseAt(%q) = %s with birth date %v", s, id, id.BirthDate())
		}
		if m := id.Mask(); len(m) != 18 || m[:6] != str[:6] || m[14:] != str[14:] {
			t.Fatalf("%s.Mask() = %q", id, m)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	for _, bm := range []struct{ name, in string }{
		{"canonical", sample},
		{"legacy15", "110105491231002"},
		{"fullwidth", "１１０１０５１９４９１２３１００２Ｘ"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := idcard.ParseAt(bm.in, today); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPack(b *testing.B) {
	id := mustParse(b, sample)
	b.ReportAllocs()
	var sink uint64
	for b.Loop() {
		sink += idcard.Pack(id)
	}
	_ = sink
}

func BenchmarkUnpack(b *testing.B) {
	u := idcard.Pack(mustParse(b, sample))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := idcard.Unpack(u); err != nil {
			b.Fatal(err)
		}
	}
}

func mustParse(tb testing.TB, s string) idcard.ID {
	tb.Helper()
	id, err := idcard.ParseAt(s, today)
	if err != nil {
		tb.Fatalf("ParseAt(%q): %v", s, err)
	}
	return id
}

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
