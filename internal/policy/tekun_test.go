package policy_test

import (
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
	"safetynet/internal/policy"
)

func TestCareTier(t *testing.T) {
	want := []string{"independent", "partial", "partial", "partial", "complete", "complete", "complete"}
	for failed, w := range want {
		if got := policy.CareTier(failed); got != w {
			t.Errorf("CareTier(%d): got %s; want %s", failed, got, w)
		}
	}
}

func TestTekun(t *testing.T) {
	tests := []struct {
		name      string
		date      string // "" for no policy
		in        policy.TekunInput
		wantBasic money.Money
		want      money.Money
	}{
		{"2023: 1.3 × 728 = 946.4 → 947, 集中 independent", "2023-08-01",
			policy.TekunInput{SelfCareFailed: ip(0), Setting: "institution"}, m("947"), m("1232")}, // + 285
		{"2024: 1.3 × 735 = 955.5 → 956, 3 failed is partial (home)", "2024-08-01",
			policy.TekunInput{SelfCareFailed: ip(3), Setting: "home"}, m("956"), m("1061")}, // + 105
		{"2024: 4 failed is complete (home)", "2024-08-01",
			policy.TekunInput{SelfCareFailed: ip(4), Setting: "home"}, m("956"), m("1135")}, // + 179
		{"2025: 1.3 × 744 = 967.2 → 968, 6 failed 集中", "2025-08-01",
			policy.TekunInput{SelfCareFailed: ip(6), Setting: "institution"}, m("968"), m("2003")}, // + 1035
		{"2025: 1 failed is partial (集中)", "2025-08-01",
			policy.TekunInput{SelfCareFailed: ip(1), Setting: "institution"}, m("968"), m("1486")}, // + 518
		{"2020: 1.3 × 640 = 832", "2020-07-01",
			policy.TekunInput{SelfCareFailed: ip(2), Setting: "institution"}, m("832"), m("1250")}, // + 418
		{"2021: 1.3 × 660 = 858", "2021-08-01",
			policy.TekunInput{SelfCareFailed: ip(0), Setting: "home"}, m("858"), m("908")}, // + 50
		{"2023-01 care change, 2022 standard", "2023-03-01",
			policy.TekunInput{SelfCareFailed: ip(5), Setting: "institution"}, m("858"), m("1808")}, // + 950
		{"2019: 1.2 × 610 = 732, 2018 care carried", "2019-08-01",
			policy.TekunInput{SelfCareFailed: ip(1), Setting: "home"}, m("732"), m("772")}, // + 40
		{"2018: published basic 665", "2018-08-01",
			policy.TekunInput{SelfCareFailed: ip(4), Setting: "institution"}, m("665"), m("735")}, // + 70
		{"2018 with explicit standard uses the ratio", "2018-08-01",
			policy.TekunInput{UrbanStandard: mp("557"), SelfCareFailed: ip(0), Setting: "home"}, m("669"), m("669")}, // 668.4 → 669
		{"explicit ratio overrides the policy", "2025-08-01",
			policy.TekunInput{Ratio: rp("1.5"), SelfCareFailed: ip(0), Setting: "home"}, m("1116"), m("1178")}, // 744 × 1.5 + 62
		{"explicit everything, no policy: default 1.3, yuan up", "",
			policy.TekunInput{UrbanStandard: mp("728"), SelfCareFailed: ip(5), CareAmounts: &policy.CareAmountsInput{Complete: mp("1000")}},
			m("947"), m("1947")},
		{"no policy: 735 → 956", "",
			policy.TekunInput{UrbanStandard: mp("735"), SelfCareFailed: ip(0), CareAmounts: &policy.CareAmountsInput{Independent: mp("0")}},
			m("956"), m("956")},
		{"explicit care amounts override the policy", "2025-08-01",
			policy.TekunInput{SelfCareFailed: ip(2), Setting: "home", CareAmounts: &policy.CareAmountsInput{Partial: mp("99.50")}},
			m("968"), m("1067.50")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v *policy.Version
			if tt.date != "" {
				v = at(t, tt.date)
			}
			got, err := policy.Tekun(tt.in, v)
			if err != nil {
				t.Fatalf("Tekun: %v", err)
			}
			if got.Amount != tt.want {
				t.Errorf("amount: got %s; want %s (steps %+v)", got.Amount, tt.want, got.Steps)
			}
			var basic money.Money
			for _, s := range got.Steps {
				if len(s.Label) >= len("基本生活标准") && s.Label[:len("基本生活标准")] == "基本生活标准" {
					basic = s.Amount
				}
			}
			if basic != tt.wantBasic {
				t.Errorf("basic: got %s; want %s", basic, tt.wantBasic)
			}
			if got.Period != policy.PerMonth {
				t.Errorf("period: got %s; want month", got.Period)
			}
			if (v == nil) != (got.Policy == nil) {
				t.Errorf("policy: got %+v with version %v", got.Policy, v != nil)
			}
		})
	}
}

func TestTekunErrors(t *testing.T) {
	v := at(t, "2025-08-01")
	tests := []struct {
		name  string
		in    policy.TekunInput
		v     *policy.Version
		field string
	}{
		{"self-care missing", policy.TekunInput{Setting: "home"}, v, "self_care_failed"},
		{"self-care 7", policy.TekunInput{SelfCareFailed: ip(7), Setting: "home"}, v, "self_care_failed"},
		{"self-care -1", policy.TekunInput{SelfCareFailed: ip(-1), Setting: "home"}, v, "self_care_failed"},
		{"setting missing", policy.TekunInput{SelfCareFailed: ip(1)}, v, "setting"},
		{"bad setting", policy.TekunInput{SelfCareFailed: ip(1), Setting: "hospital"}, v, "setting"},
		{"ratio 0", policy.TekunInput{Ratio: rp("0"), SelfCareFailed: ip(1), Setting: "home"}, v, "ratio"},
		{"ratio above 5", policy.TekunInput{Ratio: rp("5.01"), SelfCareFailed: ip(1), Setting: "home"}, v, "ratio"},
		{"negative standard", policy.TekunInput{UrbanStandard: mp("-728"), SelfCareFailed: ip(1), Setting: "home"}, v, "urban_standard"},
		{"negative care", policy.TekunInput{SelfCareFailed: ip(1), CareAmounts: &policy.CareAmountsInput{Partial: mp("-1")}}, v, "care_amounts.partial"},
		{"standard without policy", policy.TekunInput{SelfCareFailed: ip(1), CareAmounts: &policy.CareAmountsInput{Partial: mp("1")}}, nil, "urban_standard"},
		{"care without policy", policy.TekunInput{UrbanStandard: mp("744"), SelfCareFailed: ip(4), Setting: "home"}, nil, "care_amounts.complete"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := policy.Tekun(tt.in, tt.v)
			wantErr(t, err, apperr.Invalid, tt.field)
		})
	}
}
