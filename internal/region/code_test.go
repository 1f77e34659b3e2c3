package region

import (
	"testing"

	"safetynet/internal/apperr"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"53", "530000000000"},
		{"5301", "530100000000"},
		{"530102", "530102000000"},
		{"530102001", "530102001000"},
		{"530102001001", "530102001001"},
		{"530100000000", "530100000000"},
		{" 5301 ", "530100000000"},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
		}
	}
}

func TestNormalizeInvalid(t *testing.T) {
	for _, in := range []string{
		"", "5", "530", "53010", "5301020", "53010200", "5301020010", "53010200100",
		"5301020010010", "53a1", "５３", "530102001001x", "-53", "00", "000000000000", "53 01",
	} {
		got, err := Normalize(in)
		if err == nil {
			t.Errorf("Normalize(%q) = %q, nil; want an error", in, got)
			continue
		}
		if k := apperr.KindOf(err); k != apperr.Invalid {
			t.Errorf("Normalize(%q): kind %v; want invalid", in, k)
		}
		if f := apperr.FieldOf(err); f != "region" {
			t.Errorf("Normalize(%q): field %q; want region", in, f)
		}
		if apperr.Message(err, "zh") == "" || apperr.Message(err, "en") == "" {
			t.Errorf("Normalize(%q): no bilingual message", in)
		}
	}
}

func TestLevelOf(t *testing.T) {
	tests := []struct {
		code string
		want Level
	}{
		{"530000000000", Province},
		{"530100000000", Prefecture},
		{"530102000000", County},
		{"530102001000", Township},
		{"530102001001", Village},
		{"5301", Prefecture},
		{"460400100000", Township}, // 儋州: townships straight under a prefecture
		{"bad", 0},
	}
	for _, tt := range tests {
		if got := LevelOf(tt.code); got != tt.want {
			t.Errorf("LevelOf(%q) = %v; want %v", tt.code, got, tt.want)
		}
	}
	if got, want := Township.String()+" "+Township.Zh(), "township 乡级"; got != want {
		t.Errorf("Township = %q; want %q", got, want)
	}
}

func TestPrefix(t *testing.T) {
	tests := []struct {
		code, want string
	}{
		{"530000000000", "53"},
		{"530100000000", "5301"},
		{"530102000000", "530102"},
		{"530102001000", "530102001"},
		{"530102001001", "530102001001"},
		{"5301", "5301"},
		{"", "-"},
		{"x", "-"},
	}
	for _, tt := range tests {
		if got := Prefix(tt.code); got != tt.want {
			t.Errorf("Prefix(%q) = %q; want %q", tt.code, got, tt.want)
		}
	}
}

func TestContains(t *testing.T) {
	tests := []struct {
		ancestor, code string
		want           bool
	}{
		{"530000000000", "530102001001", true},
		{"53", "530102001001", true},
		{"5301", "530102001001", true},
		{"530102", "530102001001", true},
		{"530102001", "530102001001", true},
		{"530102001001", "530102001001", true}, // itself
		{"530100000000", "530100000000", true},
		{"530102001001", "530102001000", false}, // a village does not hold its township
		{"530102", "530103001001", false},
		{"5301", "530301000000", false},
		{"530102001", "530102002001", false},
		{"52", "530102001001", false},
		{"", "530102001001", false},
		{"53", "", false},
		{"bad", "530102001001", false},
		{"53", "bad", false},
	}
	for _, tt := range tests {
		if got := Contains(tt.ancestor, tt.code); got != tt.want {
			t.Errorf("Contains(%q, %q) = %v; want %v", tt.ancestor, tt.code, got, tt.want)
		}
	}
}
