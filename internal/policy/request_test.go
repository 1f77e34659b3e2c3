package policy_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
	"safetynet/internal/policy"
)

func TestDecodeRequestErrors(t *testing.T) {
	tests := []struct {
		name, in, field string
	}{
		{"not json", `not json`, ""},
		{"array", `[]`, ""},
		{"null", `null`, ""},
		{"trailing data", `{"programme":"dibao"} {}`, ""},
		{"programme missing", `{}`, "programme"},
		{"programme null", `{"programme":null}`, "programme"},
		{"programme not a string", `{"programme":5}`, "programme"},
		{"unknown programme", `{"programme":"disaster"}`, "programme"},
		{"unknown field", `{"programme":"dibao","persons":2,"foo":1}`, "foo"},
		{"field of another programme", `{"programme":"dibao","persons":2,"months":1}`, "months"},
		{"persons 0", `{"programme":"dibao","area":"urban","persons":0,"household_income":"1"}`, "persons"},
		{"persons missing", `{"programme":"dibao","area":"urban","household_income":"1"}`, "persons"},
		{"persons fraction", `{"programme":"dibao","persons":2.5}`, "persons"},
		{"persons exponent", `{"programme":"dibao","persons":2e0}`, "persons"},
		{"persons string", `{"programme":"dibao","persons":"2"}`, "persons"},
		{"persons huge", `{"programme":"dibao","persons":99999999999999999999}`, "persons"},
		{"negative standard", `{"programme":"dibao","persons":1,"standard":"-1"}`, "standard"},
		{"negative number", `{"programme":"dibao","persons":1,"standard":-0.5}`, "standard"},
		{"three decimals", `{"programme":"dibao","persons":1,"standard":"1.234"}`, "standard"},
		{"three decimals number", `{"programme":"dibao","persons":1,"standard":1.234}`, "standard"},
		{"exponent", `{"programme":"dibao","persons":1,"standard":1e3}`, "standard"},
		{"NaN", `{"programme":"dibao","persons":1,"standard":"NaN"}`, "standard"},
		{"bool money", `{"programme":"dibao","persons":1,"standard":true}`, "standard"},
		{"huge money", `{"programme":"dibao","persons":1,"standard":"99999999999999"}`, "standard"},
		{"bad area", `{"programme":"dibao","area":"suburban","persons":1}`, "area"},
		{"two incomes", `{"programme":"dibao","area":"urban","persons":1,"household_income":1,"per_capita_income":1}`, "per_capita_income"},
		{"incomes not a list", `{"programme":"dibao","persons":1,"incomes":{}}`, "incomes"},
		{"income item not an object", `{"programme":"dibao","persons":1,"incomes":[1]}`, "incomes[0]"},
		{"unknown income kind", `{"programme":"dibao","persons":1,"incomes":[
			{"kind":"wages","amount":1,"per":"month"},{"kind":"wages","amount":"1","per":"year"},{"kind":"lottery","amount":1,"per":"month"}]}`, "incomes[2].kind"},
		{"income per", `{"programme":"dibao","persons":1,"incomes":[{"kind":"wages","amount":1,"per":"week"}]}`, "incomes[0].per"},
		{"income per missing", `{"programme":"dibao","persons":1,"incomes":[{"kind":"wages","amount":1}]}`, "incomes[0].per"},
		{"income amount missing", `{"programme":"dibao","persons":1,"incomes":[{"kind":"wages","per":"month"}]}`, "incomes[0].amount"},
		{"income kind missing", `{"programme":"dibao","persons":1,"incomes":[{"amount":1,"per":"month"}]}`, "incomes[0].kind"},
		{"income unknown field", `{"programme":"dibao","persons":1,"incomes":[{"kind":"wages","amount":1,"per":"month","who":"me"}]}`, "incomes[0].who"},
		{"negative income", `{"programme":"dibao","persons":1,"incomes":[{"kind":"wages","amount":"-1","per":"month"}]}`, "incomes[0].amount"},
		{"bad tier", `{"programme":"dibao","persons":1,"tier":"D"}`, "tier"},
		{"unknown tier amount", `{"programme":"dibao","persons":1,"tier":"A","tier_amounts":{"D":1}}`, "tier_amounts.D"},
		{"bad extra", `{"programme":"dibao","persons":1,"per_capita_income":0,"standard":1,"extras":[{"kind":"veteran"}]}`, "extras[0].kind"},
		{"bad extra amount", `{"programme":"dibao","persons":1,"extras":[{"kind":"minor","amount":"x"}]}`, "extras[0].amount"},
		{"region letters", `{"programme":"dibao","persons":1,"region":"5301x"}`, "region"},
		{"region number", `{"programme":"dibao","persons":1,"region":530100}`, "region"},
		{"region length", `{"programme":"dibao","persons":1,"region":"530"}`, "region"},
		{"date", `{"programme":"dibao","persons":1,"date":"2025-13-01"}`, "date"},
		{"tekun self-care 7", `{"programme":"tekun","self_care_failed":7}`, "self_care_failed"},
		{"tekun self-care -1", `{"programme":"tekun","self_care_failed":-1}`, "self_care_failed"},
		{"tekun self-care missing", `{"programme":"tekun","setting":"home"}`, "self_care_failed"},
		{"tekun ratio 0", `{"programme":"tekun","self_care_failed":1,"ratio":0}`, "ratio"},
		{"tekun ratio 6", `{"programme":"tekun","self_care_failed":1,"ratio":"6"}`, "ratio"},
		{"tekun ratio text", `{"programme":"tekun","self_care_failed":1,"ratio":"abc"}`, "ratio"},
		{"tekun ratio exponent", `{"programme":"tekun","self_care_failed":1,"ratio":1.3e0}`, "ratio"},
		{"tekun setting", `{"programme":"tekun","self_care_failed":1,"setting":"hospital"}`, "setting"},
		{"tekun care", `{"programme":"tekun","self_care_failed":1,"care_amounts":{"partial":"-5"}}`, "care_amounts.partial"},
		{"tekun care unknown", `{"programme":"tekun","self_care_failed":1,"care_amounts":{"full":"5"}}`, "care_amounts.full"},
		{"medical ratio 1.2", `{"programme":"medical","policy_cost":1,"insurance_paid":0,"ratio":1.2}`, "ratio"},
		{"medical ratio negative", `{"programme":"medical","policy_cost":1,"insurance_paid":0,"ratio":"-0.1"}`, "ratio"},
		{"medical category", `{"programme":"medical","policy_cost":1,"insurance_paid":0,"category":"vip"}`, "category"},
		{"medical visit", `{"programme":"medical","policy_cost":1,"insurance_paid":0,"visit":"er"}`, "visit"},
		{"medical cost missing", `{"programme":"medical","insurance_paid":0}`, "policy_cost"},
		{"temporary months 0", `{"programme":"temporary","persons":1,"months":0}`, "months"},
		{"temporary max months 0", `{"programme":"temporary","persons":1,"months":1,"max_months":0}`, "max_months"},
		{"education stage", `{"programme":"education","stage":"phd"}`, "stage"},
		{"housing kind", `{"programme":"housing","kind":"loan"}`, "kind"},
		{"employment amount", `{"programme":"employment","kind":"training","amount":"-1"}`, "amount"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := policy.DecodeRequest([]byte(tt.in))
			wantErr(t, err, apperr.Invalid, tt.field)
		})
	}
}

func TestDecodeRequest(t *testing.T) {
	req, err := policy.DecodeRequest([]byte(`{
		"programme": "dibao", "region": "5301", "date": "2025-07-01", "area": "rural",
		"standard": 560, "persons": 3, "tier": null,
		"incomes": [{"kind": "wages", "amount": "1200.50", "per": "year"}, {"kind": "reward", "amount": 100, "per": "month"}],
		"extras": [{"kind": "elderly"}, {"kind": "minor", "amount": "56"}]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	want := policy.Request{
		Programme: policy.ProgrammeDibao, Region: "530100000000", Date: "2025-07-01",
		Dibao: &policy.DibaoInput{
			Area: "rural", Standard: mp("560"), Persons: 3,
			Incomes: []policy.Income{{Kind: "wages", Amount: m("1200.50"), Per: policy.PerYear}, {Kind: "reward", Amount: m("100"), Per: policy.PerMonth}},
			Extras:  []policy.Extra{{Kind: "elderly"}, {Kind: "minor", Amount: mp("56")}},
		},
	}
	if !reflect.DeepEqual(req, want) {
		t.Errorf("got %+v / %+v; want %+v / %+v", req, req.Dibao, want, want.Dibao)
	}

	req, err = policy.DecodeRequest([]byte(`{"programme":"tekun","urban_standard":"728","ratio":"1.3","self_care_failed":0,"setting":"home","care_amounts":{"independent":57}}`))
	if err != nil {
		t.Fatal(err)
	}
	if in := req.Tekun; in == nil || *in.UrbanStandard != m("728") || *in.Ratio != (money.Ratio{Num: 13, Den: 10}) ||
		*in.SelfCareFailed != 0 || in.Setting != "home" || *in.CareAmounts.Independent != m("57") {
		t.Errorf("tekun: got %+v", req.Tekun)
	}
}

func TestCalculate(t *testing.T) {
	ds := yunnan(t)
	tests := []struct {
		name   string
		in     string
		today  string
		want   money.Money
		period policy.Period
		policy *policy.VersionRef
	}{
		{"default region and today", `{"programme":"dibao","area":"urban","persons":2,"household_income":"400"}`,
			"2025-08-01", m("1088"), policy.PerMonth, &policy.VersionRef{Region: "530000000000", Effective: "2025-07-01"}}, // (744 − 200) × 2
		{"explicit date beats today", `{"programme":"dibao","area":"urban","persons":1,"per_capita_income":0,"date":"2019-08-01"}`,
			"2025-08-01", m("610"), policy.PerMonth, &policy.VersionRef{Region: "530000000000", Effective: "2019-07-01"}},
		{"county falls back to Kunming 2018", `{"programme":"dibao","area":"urban","persons":1,"per_capita_income":0,"region":"530102","date":"2018-09-01"}`,
			"2025-08-01", m("590"), policy.PerMonth, &policy.VersionRef{Region: "530100000000", Effective: "2018-07-01"}},
		{"fully explicit before 2015 needs no policy", `{"programme":"dibao","standard":"820","persons":2,"per_capita_income":"0","date":"2010-01-01"}`,
			"2025-08-01", m("1640"), policy.PerMonth, nil},
		{"tekun 2023", `{"programme":"tekun","self_care_failed":3,"setting":"institution","date":"2023-07-01"}`,
			"2025-08-01", m("1422"), policy.PerMonth, &policy.VersionRef{Region: "530000000000", Effective: "2023-07-01"}}, // 947 + 475
		{"medical", `{"programme":"medical","category":"dibao","visit":"inpatient","policy_cost":"10000","insurance_paid":6000}`,
			"2025-08-01", m("2800"), policy.Once, &policy.VersionRef{Region: "530000000000", Effective: "2025-07-01"}},
		{"temporary", `{"programme":"temporary","persons":2,"months":3,"standard":"700","max_months":6}`,
			"2025-08-01", m("4200"), policy.Once, &policy.VersionRef{Region: "530000000000", Effective: "2025-07-01"}}, // multiple from policy
		{"housing", `{"programme":"housing","kind":"rent_subsidy","persons":2}`,
			"2025-08-01", m("200"), policy.PerMonth, &policy.VersionRef{Region: "530000000000", Effective: "2025-07-01"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := policy.DecodeRequest([]byte(tt.in))
			if err != nil {
				t.Fatalf("DecodeRequest: %v", err)
			}
			got, err := policy.Calculate(ds, req, tt.today)
			if err != nil {
				t.Fatalf("Calculate: %v", err)
			}
			if got.Amount != tt.want || got.Period != tt.period {
				t.Errorf("got %s/%s; want %s/%s (steps %+v)", got.Amount, got.Period, tt.want, tt.period, got.Steps)
			}
			if !reflect.DeepEqual(got.Policy, tt.policy) {
				t.Errorf("policy: got %+v; want %+v", got.Policy, tt.policy)
			}
		})
	}
}

func TestCalculateErrors(t *testing.T) {
	ds := yunnan(t)
	tests := []struct {
		name  string
		ds    *policy.Dataset
		in    string
		today string
		kind  apperr.Kind
		field string
	}{
		{"policy needed before 2015", ds, `{"programme":"dibao","area":"urban","persons":1,"per_capita_income":0,"date":"2014-12-31"}`,
			"2025-08-01", apperr.NotFound, "date"},
		{"policy needed outside Yunnan", ds, `{"programme":"tekun","self_care_failed":0,"setting":"home","region":"11"}`,
			"2025-08-01", apperr.NotFound, "region"},
		{"no dataset", nil, `{"programme":"tekun","self_care_failed":0,"setting":"home"}`,
			"2025-08-01", apperr.NotFound, ""},
		{"no date and no today", ds, `{"programme":"dibao","area":"urban","persons":1,"per_capita_income":0}`,
			"", apperr.Invalid, "date"},
		{"temporary months above max", ds, `{"programme":"temporary","persons":1,"months":7}`,
			"2025-08-01", apperr.Invalid, "months"},
		{"input error beats a missing policy", ds, `{"programme":"dibao","persons":1,"per_capita_income":0,"date":"2010-01-01"}`,
			"2025-08-01", apperr.Invalid, "area"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := policy.DecodeRequest([]byte(tt.in))
			if err != nil {
				t.Fatalf("DecodeRequest: %v", err)
			}
			_, err = policy.Calculate(tt.ds, req, tt.today)
			wantErr(t, err, tt.kind, tt.field)
		})
	}
}

func TestResultJSON(t *testing.T) {
	req, err := policy.DecodeRequest([]byte(`{"programme":"dibao","area":"urban","persons":5,"household_income":2080}`)) // (744 − 416) × 5
	if err != nil {
		t.Fatal(err)
	}
	res, err := policy.Calculate(yunnan(t), req, "2025-08-01")
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if got["programme"] != "dibao" || got["amount"] != "1640.00" || got["period"] != "month" {
		t.Errorf("got %s; want programme dibao, amount \"1640.00\", period month", data)
	}
	pol, _ := got["policy"].(map[string]any)
	if pol["region"] != "530000000000" || pol["effective"] != "2025-07-01" {
		t.Errorf("policy: got %v", got["policy"])
	}
	steps, _ := got["steps"].([]any)
	if len(steps) == 0 {
		t.Fatalf("no steps in %s", data)
	}
	for _, s := range steps {
		st, _ := s.(map[string]any)
		if _, ok := st["amount"].(string); !ok || st["label"] == "" || st["label_en"] == "" {
			t.Errorf("step: got %v; want label, label_en and a string amount", s)
		}
	}
	var back policy.Result
	if err := json.Unmarshal(data, &back); err != nil || !reflect.DeepEqual(back, res) {
		t.Errorf("round trip: got %+v, %v; want %+v", back, err, res)
	}

	none, _ := json.Marshal(policy.Result{Programme: "tekun", Amount: 5, Period: policy.PerMonth})
	if string(none) != `{"programme":"tekun","amount":"0.05","period":"month","steps":[],"policy":null}` {
		t.Errorf("empty result: got %s", none)
	}
}

// FuzzDecodeRequest checks that any input either decodes and calculates or
// fails with an Invalid or NotFound *apperr.Error, never panics and never
// yields an Internal error.
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{
		`{"programme":"dibao","area":"urban","persons":3,"household_income":"900"}`,
		`{"programme":"dibao","area":"rural","persons":2,"incomes":[{"kind":"wages","amount":6000,"per":"year"}],"extras":[{"kind":"elderly"}]}`,
		`{"programme":"dibao","area":"rural","persons":4,"tier":"B","region":"530102","date":"2018-09-01"}`,
		`{"programme":"dibao","standard":"820","persons":2,"per_capita_income":"0","date":"2010-01-01"}`,
		`{"programme":"tekun","urban_standard":"728","ratio":1.3,"self_care_failed":4,"setting":"home"}`,
		`{"programme":"tekun","self_care_failed":4,"care_amounts":{"complete":"1","partial":2,"independent":"3.5"}}`,
		`{"programme":"medical","category":"dibao","visit":"inpatient","policy_cost":"10000","insurance_paid":6000,"paid_this_year":"100"}`,
		`{"programme":"medical","policy_cost":1,"insurance_paid":0,"deductible":0,"ratio":"70%"}`,
		`{"programme":"temporary","persons":3,"months":2,"multiple":"1.5","cap":"100"}`,
		`{"programme":"education","stage":"college"}`,
		`{"programme":"housing","kind":"renovation"}`,
		`{"programme":"employment","kind":"public_welfare_job","amount":500}`,
		`{"programme":"dibao","persons":1e400}`,
		`{"programme":"tekun","ratio":"99999999999999999/3","self_care_failed":1}`,
		`{"programme":"dibao","standard":"1000000000.00","persons":100,"tier":"A","tier_amounts":{"A":"1000000000"}}`,
		`{}`, `[]`, `"x"`, ``,
	} {
		f.Add([]byte(s))
	}
	ds := yunnan(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := policy.DecodeRequest(data)
		if err != nil {
			if !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("DecodeRequest(%q): got %v (kind %v); want Invalid", data, err, apperr.KindOf(err))
			}
			return
		}
		res, err := policy.Calculate(ds, req, "2025-08-01")
		if err != nil {
			if k := apperr.KindOf(err); k != apperr.Invalid && k != apperr.NotFound {
				t.Fatalf("Calculate(%q): got %v (kind %v); want Invalid or NotFound", data, err, k)
			}
			return
		}
		if res.Amount < 0 {
			t.Fatalf("Calculate(%q): negative amount %s", data, res.Amount)
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("Marshal result: %v", err)
		}
	})
}
