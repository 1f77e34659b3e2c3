package policy_test

import (
	"encoding/json"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
	"safetynet/internal/policy"
)

func TestParamsValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(p *policy.Params)
		field string
	}{
		{"negative urban standard", func(p *policy.Params) { p.Dibao.UrbanStandard = -1 }, "dibao.urban_standard"},
		{"zero rural standard", func(p *policy.Params) { p.Dibao.RuralAnnualStandard = 0 }, "dibao.rural_annual_standard"},
		{"unknown rounding", func(p *policy.Params) { p.Dibao.RuralMonthlyRounding = "up" }, "dibao.rural_monthly_rounding"},
		{"negative tier", func(p *policy.Params) { p.Dibao.RuralTiers.C = -1 }, "dibao.rural_tiers.C"},
		{"negative extra", func(p *policy.Params) { p.Dibao.Extras.SeriouslyIll = -1 }, "dibao.extras.seriously_ill"},
		{"unknown exempt kind", func(p *policy.Params) { p.Income.ExemptKinds = []string{"reward", "lottery"} }, "income.exempt_kinds[1]"},
		{"wages exempt", func(p *policy.Params) { p.Income.ExemptKinds = []string{"wages"} }, "income.exempt_kinds[0]"},
		{"employment cost above 1", func(p *policy.Params) { p.Income.EmploymentCost.Ratio = policy.RateOf("1.1") }, "income.employment_cost.ratio"},
		{"zero basic ratio", func(p *policy.Params) { p.Tekun.BasicRatio = policy.RateOf("0") }, "tekun.basic_ratio"},
		{"basic ratio above 5", func(p *policy.Params) { p.Tekun.BasicRatio = policy.RateOf("6") }, "tekun.basic_ratio"},
		{"bad basic rounding", func(p *policy.Params) { p.Tekun.BasicRounding = "" }, "tekun.basic_rounding"},
		{"zero basic amount", func(p *policy.Params) { p.Tekun.BasicAmount = policy.YuanOf(0) }, "tekun.basic_amount"},
		{"negative care", func(p *policy.Params) { p.Tekun.Care.Home.Partial = -1 }, "tekun.care.home.partial"},
		{"medical ratio above 1", func(p *policy.Params) { p.Medical.Dibao.Inpatient.Ratio = policy.RateOf("1.5") }, "medical.dibao.inpatient.ratio"},
		{"medical ratio invalid", func(p *policy.Params) { p.Medical.Other.Outpatient.Ratio = policy.Rate{} }, "medical.other.outpatient.ratio"},
		{"negative deductible", func(p *policy.Params) { p.Medical.LowIncomeMargin.Inpatient.Deductible = -1 }, "medical.low_income_margin.inpatient.deductible"},
		{"negative cap", func(p *policy.Params) { p.Medical.Tekun.Outpatient.CapAnnual = policy.YuanOf(-1) }, "medical.tekun.outpatient.cap_annual"},
		{"max months 0", func(p *policy.Params) { p.Temporary.MaxMonths = 0 }, "temporary.max_months"},
		{"temporary multiple 0", func(p *policy.Params) { p.Temporary.StandardMultiple = policy.RateOf("0") }, "temporary.standard_multiple"},
		{"negative education", func(p *policy.Params) { p.Education.College = -1 }, "education.college"},
		{"unknown variant", func(p *policy.Params) { p.Procedure.Dibao.Variant = "2019" }, "procedure.dibao.variant"},
		{"notice days 0", func(p *policy.Params) { p.Procedure.NoticeDays = 0 }, "procedure.notice_days"},
		{"negative deadline", func(p *policy.Params) { p.Procedure.Tekun.County = -1 }, "procedure.tekun.county"},
		{"special shorter than total", func(p *policy.Params) { p.Procedure.Dibao.TotalSpecial = 20 }, "procedure.dibao.total_special"},
		{"spot check above 1", func(p *policy.Params) { p.Procedure.Tekun.CountySpotCheck = policy.RateOf("2") }, "procedure.tekun.county_spot_check"},
		{"review 0", func(p *policy.Params) { p.Review.UnstableMonths = 0 }, "review.unstable_months"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := at(t, "2025-08-01").Params // a copy; edits replace, never mutate shared slices
			tt.edit(&p)
			wantErr(t, p.Validate(), apperr.Invalid, tt.field)
		})
	}
}

func TestYuanJSON(t *testing.T) {
	good := []struct {
		in   string
		want money.Money
	}{
		{`"1640.00"`, m("1640")},
		{`"1640"`, m("1640")},
		{`1640`, m("1640")},
		{`1640.5`, m("1640.50")},
		{`"0.05"`, 5},
		{`"-3.05"`, -305},
	}
	for _, tt := range good {
		var y policy.Yuan
		if err := json.Unmarshal([]byte(tt.in), &y); err != nil || y.Money() != tt.want {
			t.Errorf("Unmarshal(%s): got %s, %v; want %s", tt.in, y, err, tt.want)
		}
	}
	for _, in := range []string{`"1.234"`, `1.234`, `1e3`, `"1e3"`, `"NaN"`, `"abc"`, `true`, `null`, `"."`, `".5"`, `"0x10"`, `[]`} {
		var y policy.Yuan
		if err := json.Unmarshal([]byte(in), &y); err == nil {
			t.Errorf("Unmarshal(%s): got %s; want an error", in, y)
		}
	}
	b, err := json.Marshal(policy.Yuan(m("1640")))
	if err != nil || string(b) != `"1640.00"` {
		t.Errorf("Marshal: got %s, %v; want \"1640.00\"", b, err)
	}
}

func TestRateJSON(t *testing.T) {
	good := []struct {
		in       string
		num, den int64
	}{
		{`"1.3"`, 13, 10},
		{`1.3`, 13, 10},
		{`"0.7"`, 7, 10},
		{`"70%"`, 7, 10},
		{`"1/3"`, 1, 3},
		{`"0"`, 0, 1},
	}
	for _, tt := range good {
		var r policy.Rate
		if err := json.Unmarshal([]byte(tt.in), &r); err != nil || r.Num != tt.num || r.Den != tt.den {
			t.Errorf("Unmarshal(%s): got %d/%d, %v; want %d/%d", tt.in, r.Num, r.Den, err, tt.num, tt.den)
		}
	}
	for _, in := range []string{`"1e-1"`, `1e-1`, `"x"`, `"1/0"`, `"0.5/2"`, `true`, `"Inf"`} {
		var r policy.Rate
		if err := json.Unmarshal([]byte(in), &r); err == nil {
			t.Errorf("Unmarshal(%s): got %v; want an error", in, r)
		}
	}
	for _, tt := range []struct {
		r    policy.Rate
		want string
	}{{policy.RateOf("1.3"), `"1.3"`}, {policy.RateOf("1/3"), `"1/3"`}} {
		b, err := json.Marshal(tt.r)
		if err != nil || string(b) != tt.want {
			t.Errorf("Marshal(%v): got %s, %v; want %s", tt.r, b, err, tt.want)
			continue
		}
		var back policy.Rate
		if err := json.Unmarshal(b, &back); err != nil || back != tt.r {
			t.Errorf("round trip %s: got %v, %v", b, back, err)
		}
	}
}
