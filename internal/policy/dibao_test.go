package policy_test

import (
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
	"safetynet/internal/policy"
)

func TestDibao(t *testing.T) {
	tests := []struct {
		name   string
		date   string // policy in force; "" for none
		in     policy.DibaoInput
		want   money.Money
		policy string // effective date of the version used; "" when none
	}{
		{"urban gap 2025", "2025-08-01",
			policy.DibaoInput{Area: "urban", Persons: 3, HouseholdIncome: mp("900")},
			m("1332.00"), "2025-07-01"}, // (744 − 300) × 3
		{"income equal to the standard gives 0", "2025-08-01",
			policy.DibaoInput{Area: "urban", Persons: 2, PerCapitaIncome: mp("744")},
			0, "2025-07-01"},
		{"household income equal to standard × persons gives 0", "2025-08-01",
			policy.DibaoInput{Area: "urban", Persons: 3, HouseholdIncome: mp("2232")},
			0, "2025-07-01"},
		{"income above the standard gives 0, not negative", "2025-08-01",
			policy.DibaoInput{Area: "urban", Persons: 1, PerCapitaIncome: mp("800")},
			0, "2025-07-01"},
		{"per-capita income rounded to the fen half-up", "2025-08-01",
			policy.DibaoInput{Standard: mp("744"), Persons: 3, HouseholdIncome: mp("1000")},
			m("1232.01"), "2025-07-01"}, // 1000/3 = 333.33; (744 − 333.33) × 3
		{"rural standard 6400/yr is 534/month", "2024-08-01",
			policy.DibaoInput{Area: "rural", Persons: 2, PerCapitaIncome: mp("134")},
			m("800.00"), "2024-07-01"}, // (534 − 134) × 2
		{"rural 4770/yr is 398/month (397.5 up)", "2021-08-01",
			policy.DibaoInput{Area: "rural", Persons: 1, PerCapitaIncome: mp("0")},
			m("398.00"), "2021-07-01"},
		{"explicit standard overrides the policy", "2025-08-01",
			policy.DibaoInput{Area: "urban", Standard: mp("800"), Persons: 1, PerCapitaIncome: mp("300")},
			m("500.00"), ""},
		{"explicit inputs need no policy", "",
			policy.DibaoInput{Standard: mp("820"), Persons: 2, PerCapitaIncome: mp("0")},
			m("1640.00"), ""},
		{"household income without a policy rounds half-up", "",
			policy.DibaoInput{Standard: mp("744"), Persons: 3, HouseholdIncome: mp("1000")},
			m("1232.01"), ""},

		// Tiers: amount = tier amount × persons, income not used.
		{"tier B 2024 × 4", "2024-08-01",
			policy.DibaoInput{Area: "rural", Persons: 4, Tier: "B"},
			m("1240.00"), "2024-07-01"}, // 310 × 4
		{"tier A 2021 × 3", "2021-08-01",
			policy.DibaoInput{Area: "rural", Persons: 3, Tier: "A", HouseholdIncome: mp("5000")},
			m("1140.00"), "2021-07-01"}, // 380 × 3
		{"tier C 2022 × 1", "2022-08-01",
			policy.DibaoInput{Area: "rural", Persons: 1, Tier: "C"},
			m("260.00"), "2022-07-01"},
		{"explicit tier amounts override the policy", "2024-08-01",
			policy.DibaoInput{Area: "rural", Persons: 2, Tier: "C", TierAmounts: &policy.TierAmounts{C: mp("200")}},
			m("400.00"), ""},
		{"explicit tier amounts for urban, no policy", "",
			policy.DibaoInput{Area: "urban", Persons: 2, Tier: "A", TierAmounts: &policy.TierAmounts{A: mp("300.50")}},
			m("601.00"), ""},

		// Itemised incomes.
		{"yearly wages, employment cost, exempt pension (2025 rural)", "2025-08-01",
			policy.DibaoInput{Area: "rural", Persons: 2, Incomes: []policy.Income{
				{Kind: "wages", Amount: m("6000"), Per: policy.PerYear},         // 500/month − 30% = 350
				{Kind: "pension_basic", Amount: m("150"), Per: policy.PerMonth}, // exempt
			}},
			m("770.00"), "2025-07-01"}, // 560 − 350/2 = 385; × 2
		{"employment-cost deduction capped at 1× standard", "2025-08-01",
			policy.DibaoInput{Standard: mp("500"), Persons: 4, Incomes: []policy.Income{
				{Kind: "wages", Amount: m("2000"), Per: policy.PerMonth}, // 30% = 600 > 500 → 1500
			}},
			m("500.00"), "2025-07-01"}, // 500 − 1500/4 = 125; × 4
		{"deduction per earner", "2025-08-01",
			policy.DibaoInput{Standard: mp("744"), Persons: 3, Incomes: []policy.Income{
				{Kind: "wages", Amount: m("1000"), Per: policy.PerMonth}, // − 300 → 700
				{Kind: "wages", Amount: m("3000"), Per: policy.PerMonth}, // − min(900, 744) → 2256
				{Kind: "business", Amount: m("100"), Per: policy.PerMonth},
			}},
			0, "2025-07-01"}, // (700 + 2256 + 100)/3 = 1018.67 > 744
		{"2012 rules: assistance counted, no employment cost", "2020-07-01",
			policy.DibaoInput{Area: "urban", Persons: 2, Incomes: []policy.Income{
				{Kind: "wages", Amount: m("600"), Per: policy.PerMonth},
				{Kind: "assistance", Amount: m("100"), Per: policy.PerMonth},
			}},
			m("580.00"), "2020-06-01"}, // (640 − 350) × 2
		{"2021 rules: assistance exempt", "2021-08-01",
			policy.DibaoInput{Area: "urban", Persons: 2, Incomes: []policy.Income{
				{Kind: "assistance", Amount: m("100"), Per: policy.PerMonth},
				{Kind: "transfer", Amount: m("200"), Per: policy.PerMonth},
			}},
			m("1120.00"), "2021-07-01"}, // (660 − 100) × 2
		{"yearly item ÷ 12 to the fen", "2025-08-01",
			policy.DibaoInput{Standard: mp("100"), Persons: 1, Incomes: []policy.Income{
				{Kind: "business", Amount: m("1000"), Per: policy.PerYear}, // 83.33
			}},
			m("16.67"), "2025-07-01"},
		{"empty income list is no income", "2025-08-01",
			policy.DibaoInput{Area: "urban", Persons: 1, Incomes: []policy.Income{}},
			m("744.00"), "2025-07-01"},

		// 分类施保 extras.
		{"extras from policy and request", "2025-08-01",
			policy.DibaoInput{Area: "urban", Persons: 3, HouseholdIncome: mp("900"), Extras: []policy.Extra{
				{Kind: "elderly"}, // policy: 10% of 744 → 75
				{Kind: "severely_disabled", Amount: mp("100")}, // explicit
			}},
			m("1507.00"), "2025-07-01"}, // 1332 + 75 + 100
		{"extras per member", "2024-08-01",
			policy.DibaoInput{Area: "urban", Persons: 2, PerCapitaIncome: mp("635"), Extras: []policy.Extra{
				{Kind: "minor"}, {Kind: "minor"}, {Kind: "seriously_ill"},
			}},
			m("495.00"), "2024-07-01"}, // 100 × 2 + 74 + 74 + 147
		{"no extras when income equals the standard", "2025-08-01",
			policy.DibaoInput{Area: "urban", Persons: 2, PerCapitaIncome: mp("744"), Extras: []policy.Extra{{Kind: "elderly"}}},
			0, "2025-07-01"},
		{"extras on a tier", "2024-08-01",
			policy.DibaoInput{Area: "rural", Persons: 1, Tier: "A", Extras: []policy.Extra{{Kind: "elderly", Amount: mp("50")}}},
			m("584.00"), "2024-07-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v *policy.Version
			if tt.date != "" {
				v = at(t, tt.date)
			}
			got, err := policy.Dibao(tt.in, v)
			if err != nil {
				t.Fatalf("Dibao: %v", err)
			}
			if got.Amount != tt.want {
				t.Errorf("amount: got %s; want %s (steps %+v)", got.Amount, tt.want, got.Steps)
			}
			if got.Period != policy.PerMonth || got.Programme != policy.ProgrammeDibao {
				t.Errorf("got %s/%s; want dibao/month", got.Programme, got.Period)
			}
			if len(got.Steps) == 0 || got.Steps[len(got.Steps)-1].Amount != tt.want {
				t.Errorf("last step: got %+v; want amount %s", got.Steps, tt.want)
			}
			gotPolicy := ""
			if got.Policy != nil {
				gotPolicy = got.Policy.Effective
			}
			// An explicit standard still takes the per-capita rounding from
			// the policy when one is passed.
			if tt.policy != "" && gotPolicy != tt.policy {
				t.Errorf("policy: got %q; want %q", gotPolicy, tt.policy)
			}
			if tt.date == "" && got.Policy != nil {
				t.Errorf("policy: got %+v; want nil without a version", got.Policy)
			}
		})
	}
}

func TestDibaoSteps(t *testing.T) {
	got, err := policy.Dibao(policy.DibaoInput{Area: "rural", Persons: 2, PerCapitaIncome: mp("134")}, at(t, "2024-08-01"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		label string
		want  money.Money
	}{
		{"农村低保年标准（每人每年）", m("6400")},
		{"农村低保月标准（年标准 ÷ 12，向上取整到元）", m("534")},
		{"家庭月人均收入", m("134")},
		{"差额（保障标准 − 家庭月人均收入）", m("400")},
		{"月保障金（差额 × 2人）", m("800")},
	} {
		if got := stepAmount(t, got, s.label); got != s.want {
			t.Errorf("step %s: got %s; want %s", s.label, got, s.want)
		}
	}
	for _, s := range got.Steps {
		if s.LabelEN == "" {
			t.Errorf("step %q has no English label", s.Label)
		}
	}
}

func TestDibaoErrors(t *testing.T) {
	v := at(t, "2025-08-01")
	tests := []struct {
		name  string
		in    policy.DibaoInput
		v     *policy.Version
		field string
	}{
		{"persons missing", policy.DibaoInput{Area: "urban", PerCapitaIncome: mp("1")}, v, "persons"},
		{"persons too many", policy.DibaoInput{Area: "urban", Persons: 101, PerCapitaIncome: mp("1")}, v, "persons"},
		{"no income", policy.DibaoInput{Area: "urban", Persons: 1}, v, "household_income"},
		{"two incomes", policy.DibaoInput{Area: "urban", Persons: 1, HouseholdIncome: mp("1"), PerCapitaIncome: mp("1")}, v, "per_capita_income"},
		{"incomes and household", policy.DibaoInput{Area: "urban", Persons: 1, HouseholdIncome: mp("1"), Incomes: []policy.Income{}}, v, "incomes"},
		{"no area for the standard", policy.DibaoInput{Persons: 1, PerCapitaIncome: mp("1")}, v, "area"},
		{"bad area", policy.DibaoInput{Area: "suburban", Persons: 1, PerCapitaIncome: mp("1")}, v, "area"},
		{"negative standard", policy.DibaoInput{Standard: mp("-1"), Persons: 1, PerCapitaIncome: mp("1")}, v, "standard"},
		{"negative income", policy.DibaoInput{Area: "urban", Persons: 1, HouseholdIncome: mp("-0.01")}, v, "household_income"},
		{"unknown income kind", policy.DibaoInput{Area: "urban", Persons: 1, Incomes: []policy.Income{
			{Kind: "wages", Amount: 1, Per: "month"}, {Kind: "wages", Amount: 1, Per: "month"}, {Kind: "lottery", Amount: 1, Per: "month"}}}, v, "incomes[2].kind"},
		{"bad per", policy.DibaoInput{Area: "urban", Persons: 1, Incomes: []policy.Income{{Kind: "wages", Amount: 1, Per: "week"}}}, v, "incomes[0].per"},
		{"negative item", policy.DibaoInput{Area: "urban", Persons: 1, Incomes: []policy.Income{{Kind: "wages", Amount: -1, Per: "month"}}}, v, "incomes[0].amount"},
		{"bad tier", policy.DibaoInput{Area: "rural", Persons: 1, Tier: "D"}, v, "tier"},
		{"urban tier from policy", policy.DibaoInput{Area: "urban", Persons: 1, Tier: "A"}, v, "tier_amounts.A"},
		{"tier without area", policy.DibaoInput{Persons: 1, Tier: "A"}, v, "area"},
		{"tier without policy", policy.DibaoInput{Area: "rural", Persons: 1, Tier: "B"}, nil, "tier_amounts.B"},
		{"standard without policy", policy.DibaoInput{Area: "urban", Persons: 1, PerCapitaIncome: mp("1")}, nil, "standard"},
		{"incomes without policy", policy.DibaoInput{Standard: mp("700"), Persons: 1, Incomes: []policy.Income{}}, nil, "incomes"},
		{"extra without policy", policy.DibaoInput{Standard: mp("700"), Persons: 1, PerCapitaIncome: mp("0"), Extras: []policy.Extra{{Kind: "minor"}}}, nil, "extras[0].amount"},
		{"unknown extra", policy.DibaoInput{Area: "urban", Persons: 1, PerCapitaIncome: mp("0"), Extras: []policy.Extra{{Kind: "veteran"}}}, v, "extras[0].kind"},
		{"negative extra", policy.DibaoInput{Area: "urban", Persons: 1, PerCapitaIncome: mp("0"), Extras: []policy.Extra{{Kind: "minor", Amount: mp("-5")}}}, v, "extras[0].amount"},
		{"negative tier amount", policy.DibaoInput{Area: "rural", Persons: 1, Tier: "A", TierAmounts: &policy.TierAmounts{B: mp("-1")}}, v, "tier_amounts.B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := policy.Dibao(tt.in, tt.v)
			wantErr(t, err, apperr.Invalid, tt.field)
		})
	}
}
