package policy_test

import (
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
	"safetynet/internal/policy"
)

func TestTemporary(t *testing.T) {
	tests := []struct {
		name string
		date string
		in   policy.TemporaryInput
		want money.Money
	}{
		{"urban standard × persons × months", "2025-08-01",
			policy.TemporaryInput{Persons: 3, Months: 2}, m("4464")}, // 744 × 3 × 2
		{"max months allowed", "2025-08-01",
			policy.TemporaryInput{Persons: 1, Months: 6}, m("4464")}, // 744 × 6
		{"rural monthly standard", "2024-08-01",
			policy.TemporaryInput{Area: "rural", Persons: 1, Months: 1}, m("534")},
		{"explicit max months above the policy", "2025-08-01",
			policy.TemporaryInput{Persons: 1, Months: 7, MaxMonths: ip(12), Standard: mp("100")}, m("700")},
		{"cap", "2025-08-01",
			policy.TemporaryInput{Persons: 4, Months: 3, Cap: mp("5000")}, m("5000")}, // 8928 → 5000
		{"cap reached exactly", "2025-08-01",
			policy.TemporaryInput{Persons: 2, Months: 1, Cap: mp("1488")}, m("1488")},
		{"multiple rounded to the fen", "",
			policy.TemporaryInput{Standard: mp("701.11"), Multiple: rp("1.5"), Persons: 2, Months: 1, MaxMonths: ip(6)},
			m("2103.34")}, // 1051.665 → 1051.67 × 2
		{"no policy, multiple 1", "",
			policy.TemporaryInput{Standard: mp("700"), Persons: 2, Months: 3, MaxMonths: ip(6)}, m("4200")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v *policy.Version
			if tt.date != "" {
				v = at(t, tt.date)
			}
			got, err := policy.Temporary(tt.in, v)
			if err != nil {
				t.Fatalf("Temporary: %v", err)
			}
			if got.Amount != tt.want {
				t.Errorf("amount: got %s; want %s (steps %+v)", got.Amount, tt.want, got.Steps)
			}
			if got.Period != policy.Once {
				t.Errorf("period: got %s; want once", got.Period)
			}
		})
	}
}

func TestTemporaryErrors(t *testing.T) {
	v := at(t, "2025-08-01")
	tests := []struct {
		name  string
		in    policy.TemporaryInput
		v     *policy.Version
		field string
	}{
		{"months above the policy's 6", policy.TemporaryInput{Persons: 1, Months: 7}, v, "months"},
		{"months above explicit max", policy.TemporaryInput{Persons: 1, Months: 4, MaxMonths: ip(3)}, v, "months"},
		{"months missing", policy.TemporaryInput{Persons: 1}, v, "months"},
		{"persons missing", policy.TemporaryInput{Months: 1}, v, "persons"},
		{"max months 0", policy.TemporaryInput{Persons: 1, Months: 1, MaxMonths: ip(0)}, v, "max_months"},
		{"multiple 0", policy.TemporaryInput{Persons: 1, Months: 1, Multiple: rp("0")}, v, "multiple"},
		{"negative cap", policy.TemporaryInput{Persons: 1, Months: 1, Cap: mp("-1")}, v, "cap"},
		{"bad area", policy.TemporaryInput{Area: "x", Persons: 1, Months: 1}, v, "area"},
		{"max months without policy", policy.TemporaryInput{Standard: mp("1"), Persons: 1, Months: 1}, nil, "max_months"},
		{"standard without policy", policy.TemporaryInput{Persons: 1, Months: 1, MaxMonths: ip(6)}, nil, "standard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := policy.Temporary(tt.in, tt.v)
			wantErr(t, err, apperr.Invalid, tt.field)
		})
	}
}
