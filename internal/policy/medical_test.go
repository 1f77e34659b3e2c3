package policy_test

import (
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
	"safetynet/internal/policy"
)

func TestMedical(t *testing.T) {
	tests := []struct {
		name string
		date string // "" for no policy
		in   policy.MedicalInput
		want money.Money
	}{
		{"order: cost − insurance − critical illness − deductible, × ratio", "",
			policy.MedicalInput{PolicyCost: mp("10000"), InsurancePaid: mp("5000"), CriticalIllnessPaid: mp("1000"),
				Deductible: mp("500"), Ratio: rp("0.7")},
			m("2450")}, // (10000 − 5000 − 1000 − 500) × 0.7
		{"ratio rounded to the fen half-up", "",
			policy.MedicalInput{PolicyCost: mp("333.33"), InsurancePaid: mp("0"), Deductible: mp("0"), Ratio: rp("0.7")},
			m("233.33")}, // 233.331
		{"half a fen rounds up", "",
			policy.MedicalInput{PolicyCost: mp("0.05"), InsurancePaid: mp("0"), Deductible: mp("0"), Ratio: rp("0.5")},
			m("0.03")}, // 0.025
		{"insurance above the cost: self-pay floors at 0", "",
			policy.MedicalInput{PolicyCost: mp("1000"), InsurancePaid: mp("900"), CriticalIllnessPaid: mp("200"),
				Deductible: mp("0"), Ratio: rp("1")},
			0},
		{"deductible above self-pay gives 0", "",
			policy.MedicalInput{PolicyCost: mp("3000"), InsurancePaid: mp("1000"), Deductible: mp("2400"), Ratio: rp("0.6")},
			0},
		{"per-stay cap reached exactly", "",
			policy.MedicalInput{PolicyCost: mp("10000"), InsurancePaid: mp("0"), Deductible: mp("0"), Ratio: rp("0.5"),
				CapPerStay: mp("5000")},
			m("5000")},
		{"per-stay cap cuts", "",
			policy.MedicalInput{PolicyCost: mp("12000"), InsurancePaid: mp("0"), Deductible: mp("0"), Ratio: rp("0.5"),
				CapPerStay: mp("5000")},
			m("5000")},
		{"annual cap left exactly", "",
			policy.MedicalInput{PolicyCost: mp("4000"), InsurancePaid: mp("0"), Deductible: mp("0"), Ratio: rp("1"),
				CapAnnual: mp("10000"), PaidThisYear: mp("6000")},
			m("4000")},
		{"annual cap already used up", "",
			policy.MedicalInput{PolicyCost: mp("4000"), InsurancePaid: mp("0"), Deductible: mp("0"), Ratio: rp("1"),
				CapAnnual: mp("10000"), PaidThisYear: mp("12000")},
			0},
		{"2020 dibao inpatient: 60%, per stay 5000, annual 15000 − 12000", "2020-07-01",
			policy.MedicalInput{Category: "dibao", Visit: "inpatient", PolicyCost: mp("10000"), InsurancePaid: mp("4000"),
				PaidThisYear: mp("12000")},
			m("3000")}, // 6000 × 0.6 = 3600 ≤ 5000; left 3000
		{"2020 dibao inpatient: per-stay cap", "2020-07-01",
			policy.MedicalInput{Category: "dibao", Visit: "inpatient", PolicyCost: mp("20000"), InsurancePaid: mp("5000")},
			m("5000")}, // 15000 × 0.6 = 9000 → 5000
		{"2020 dibao outpatient: 40%, annual 200", "2020-07-01",
			policy.MedicalInput{Category: "dibao", Visit: "outpatient", PolicyCost: mp("800"), InsurancePaid: mp("300")},
			m("200")}, // 500 × 0.4 = 200 = cap
		{"2020 tekun inpatient: 100%, annual 20000", "2020-07-01",
			policy.MedicalInput{Category: "tekun", Visit: "inpatient", PolicyCost: mp("30000"), InsurancePaid: mp("5000")},
			m("20000")},
		{"2025 dibao: no deductible, 70%", "2025-08-01",
			policy.MedicalInput{Category: "dibao", Visit: "inpatient", PolicyCost: mp("10000"), InsurancePaid: mp("6000")},
			m("2800")},
		{"2025 tekun: 100%", "2025-08-01",
			policy.MedicalInput{Category: "tekun", Visit: "inpatient", PolicyCost: mp("8000"), InsurancePaid: mp("5000")},
			m("3000")},
		{"2025 low-income margin: deductible 2400, 60%", "2025-08-01",
			policy.MedicalInput{Category: "low_income_margin", Visit: "inpatient", PolicyCost: mp("20000"), InsurancePaid: mp("12000")},
			m("3360")}, // (8000 − 2400) × 0.6
		{"explicit values override the policy", "2025-08-01",
			policy.MedicalInput{Category: "other", Visit: "inpatient", PolicyCost: mp("20000"), InsurancePaid: mp("12000"),
				Deductible: mp("0"), Ratio: rp("0.9"), CapAnnual: mp("1000")},
			m("1000")},
		{"explicit values, no category: not capped", "2025-08-01",
			policy.MedicalInput{PolicyCost: mp("200000"), InsurancePaid: mp("0"), Deductible: mp("0"), Ratio: rp("0.7")},
			m("140000")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v *policy.Version
			if tt.date != "" {
				v = at(t, tt.date)
			}
			got, err := policy.Medical(tt.in, v)
			if err != nil {
				t.Fatalf("Medical: %v", err)
			}
			if got.Amount != tt.want {
				t.Errorf("amount: got %s; want %s (steps %+v)", got.Amount, tt.want, got.Steps)
			}
			if got.Period != policy.Once {
				t.Errorf("period: got %s; want once", got.Period)
			}
			if last := got.Steps[len(got.Steps)-1]; last.Label != "医疗救助金" || last.Amount != tt.want {
				t.Errorf("last step: got %+v", last)
			}
		})
	}
}

func TestMedicalSteps(t *testing.T) {
	got, err := policy.Medical(policy.MedicalInput{Category: "dibao", Visit: "inpatient", PolicyCost: mp("10000"),
		InsurancePaid: mp("4000"), CriticalIllnessPaid: mp("500"), PaidThisYear: mp("12000")}, at(t, "2020-07-01"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		label string
		want  money.Money
	}{
		{"政策范围内费用", m("10000")},
		{"减：基本医保支付", m("4000")},
		{"减：大病保险支付", m("500")},
		{"政策范围内个人自付", m("5500")},
		{"减：起付标准", 0},
		{"救助基数", m("5500")},
		{"按救助比例 60% 计算", m("3300")},
		{"单次救助限额", m("5000")},
		{"年度救助限额", m("15000")},
		{"减：本年已救助", m("12000")},
		{"年度剩余限额", m("3000")},
		{"医疗救助金", m("3000")},
	} {
		if got := stepAmount(t, got, s.label); got != s.want {
			t.Errorf("step %s: got %s; want %s", s.label, got, s.want)
		}
	}
}

func TestMedicalErrors(t *testing.T) {
	v := at(t, "2025-08-01")
	tests := []struct {
		name  string
		in    policy.MedicalInput
		v     *policy.Version
		field string
	}{
		{"cost missing", policy.MedicalInput{InsurancePaid: mp("0"), Category: "dibao", Visit: "inpatient"}, v, "policy_cost"},
		{"insurance missing", policy.MedicalInput{PolicyCost: mp("1"), Category: "dibao", Visit: "inpatient"}, v, "insurance_paid"},
		{"ratio above 1", policy.MedicalInput{PolicyCost: mp("1"), InsurancePaid: mp("0"), Ratio: rp("1.2")}, v, "ratio"},
		{"negative ratio", policy.MedicalInput{PolicyCost: mp("1"), InsurancePaid: mp("0"), Ratio: rp("-0.1")}, v, "ratio"},
		{"negative cost", policy.MedicalInput{PolicyCost: mp("-1"), InsurancePaid: mp("0")}, v, "policy_cost"},
		{"negative paid this year", policy.MedicalInput{PolicyCost: mp("1"), InsurancePaid: mp("0"), PaidThisYear: mp("-1")}, v, "paid_this_year"},
		{"bad category", policy.MedicalInput{PolicyCost: mp("1"), InsurancePaid: mp("0"), Category: "vip"}, v, "category"},
		{"bad visit", policy.MedicalInput{PolicyCost: mp("1"), InsurancePaid: mp("0"), Visit: "er"}, v, "visit"},
		{"deductible needs category", policy.MedicalInput{PolicyCost: mp("1"), InsurancePaid: mp("0"), Ratio: rp("0.7")}, v, "category"},
		{"ratio needs visit", policy.MedicalInput{PolicyCost: mp("1"), InsurancePaid: mp("0"), Deductible: mp("0"), Category: "dibao"}, v, "visit"},
		{"no policy", policy.MedicalInput{PolicyCost: mp("1"), InsurancePaid: mp("0"), Category: "dibao", Visit: "inpatient"}, nil, "deductible"},
		{"caps need policy when category given", policy.MedicalInput{PolicyCost: mp("1"), InsurancePaid: mp("0"), Deductible: mp("0"),
			Ratio: rp("0.7"), Category: "dibao", Visit: "inpatient"}, nil, "cap_per_stay"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := policy.Medical(tt.in, tt.v)
			wantErr(t, err, apperr.Invalid, tt.field)
		})
	}
}
