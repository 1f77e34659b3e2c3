package money_test

import (
	"testing"

	"safetynet/internal/money"
)

func TestParseAndString(t *testing.T) {
	good := []struct {
		in   string
		want money.Money
		str  string
	}{
		{"1640", 164000, "1640.00"},
		{"1640.5", 164050, "1640.50"},
		{"1640.05", 164005, "1640.05"},
		{"0.01", 1, "0.01"},
		{".5", 50, "0.50"},
		{"-3.05", -305, "-3.05"},
		{"+7", 700, "7.00"},
		{" 12.30 ", 1230, "12.30"},
		{"0", 0, "0.00"},
	}
	for _, c := range good {
		got, err := money.Parse(c.in)
		if err != nil || got != c.want {
			t.Errorf("Parse(%q) = %d, %v; want %d", c.in, got, err, c.want)
			continue
		}
		if s := got.String(); s != c.str {
			t.Errorf("String(%d) = %q; want %q", got, s, c.str)
		}
	}
	for _, bad := range []string{"", "1.234", "1.", "abc", "1e3", "１２", "1,000", "--1", "-", "99999999999999999999"} {
		if got, err := money.Parse(bad); err == nil {
			t.Errorf("Parse(%q) = %d; want an error", bad, got)
		}
	}
}

func TestRounding(t *testing.T) {
	r13 := money.Ratio{Num: 13, Den: 10}
	cases := []struct {
		name string
		got  money.Money
		want money.Money
	}{
		{"1.3 × 728 up to yuan", money.Yuan(728).Mul(r13, money.YuanUp), money.Yuan(947)},
		{"1.3 × 735 up to yuan", money.Yuan(735).Mul(r13, money.YuanUp), money.Yuan(956)},
		{"1.3 × 744 up to yuan", money.Yuan(744).Mul(r13, money.YuanUp), money.Yuan(968)},
		{"1.3 × 640 exact", money.Yuan(640).Mul(r13, money.YuanUp), money.Yuan(832)},
		{"6400 / 12 up to yuan", money.Yuan(6400).Div(12, money.YuanUp), money.Yuan(534)},
		{"6400 / 12 to fen", money.Yuan(6400).Div(12, money.FenHalfUp), 53333},
		{"835 × 50% half up", money.Yuan(835).Mul(money.Ratio{Num: 1, Den: 2}, money.YuanHalfUp), money.Yuan(418)},
		{"1035 × 30% half up", money.Yuan(1035).Mul(money.Ratio{Num: 3, Den: 10}, money.YuanHalfUp), money.Yuan(311)},
		{"417.49 half up", money.Money(41749).Round(money.YuanHalfUp), money.Yuan(417)},
		{"417.49 down", money.Money(41799).Round(money.YuanDown), money.Yuan(417)},
		{"0.05 jiao half up", money.Money(5).Round(money.JiaoHalfUp), 10},
		{"0.04 jiao half up", money.Money(4).Round(money.JiaoHalfUp), 0},
		{"negative rounds symmetrically", money.Money(-41750).Round(money.YuanHalfUp), money.Yuan(-418)},
		{"negative up is away from zero", money.Money(-41701).Round(money.YuanUp), money.Yuan(-418)},
		{"1/3 fen half up", money.Money(100).Mul(money.Ratio{Num: 1, Den: 3}, money.FenHalfUp), 33},
		{"2/3 fen down", money.Money(100).Mul(money.Ratio{Num: 2, Den: 3}, money.FenDown), 66},
		{"2/3 fen up", money.Money(100).Mul(money.Ratio{Num: 2, Den: 3}, money.FenUp), 67},
		{"large amounts stay exact", money.Money(9_000_000_000_000_000).Mul(money.Ratio{Num: 7, Den: 10}, money.FenHalfUp), 6_300_000_000_000_000},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %s; want %s", c.name, c.got, c.want)
		}
	}
}

func TestParseRatio(t *testing.T) {
	cases := []struct {
		in   string
		want money.Ratio
		str  string
	}{
		{"1.3", money.Ratio{Num: 13, Den: 10}, "1.3"},
		{"0.7", money.Ratio{Num: 7, Den: 10}, "0.7"},
		{"70%", money.Ratio{Num: 7, Den: 10}, "0.7"},
		{"1", money.Ratio{Num: 1, Den: 1}, "1"},
		{"0.125", money.Ratio{Num: 1, Den: 8}, "0.125"},
	}
	for _, c := range cases {
		got, err := money.ParseRatio(c.in)
		if err != nil || got != c.want || got.String() != c.str {
			t.Errorf("ParseRatio(%q) = %+v (%s), %v; want %+v (%s)", c.in, got, got.String(), err, c.want, c.str)
		}
	}
	for _, bad := range []string{"", "x", "1/3", "1e2", "%"} {
		if _, err := money.ParseRatio(bad); err == nil {
			t.Errorf("ParseRatio(%q) accepted", bad)
		}
	}
	if (money.Ratio{Num: 1, Den: 3}).String() != "1/3" {
		t.Errorf("1/3 prints as %s", money.Ratio{Num: 1, Den: 3}.String())
	}
	if (money.Ratio{Num: 7, Den: 10}).Cmp(money.Ratio{Num: 2, Den: 3}) != 1 {
		t.Errorf("0.7 should exceed 2/3")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1640.00", "-0.05", "1.2.3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := money.Parse(s)
		if err != nil {
			return
		}
		back, err := money.Parse(m.String())
		if err != nil || back != m {
			t.Fatalf("%q → %d → %q → %d, %v", s, m, m.String(), back, err)
		}
	})
}
