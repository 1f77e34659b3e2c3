package policy_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
	"safetynet/internal/policy"
)

func TestYunnanVersionsValidate(t *testing.T) {
	ds := yunnan(t)
	vs := ds.Versions()
	if len(vs) != 13 {
		t.Errorf("got %d versions; want 13", len(vs))
	}
	for _, v := range vs {
		if err := v.Validate(); err != nil {
			t.Errorf("%s %s: %v", v.Region, v.Effective, err)
		}
		if err := v.Params.Validate(); err != nil {
			t.Errorf("%s %s params: %v", v.Region, v.Effective, err)
		}
		if len(v.Unverified) == 0 || v.Note == "" {
			t.Errorf("%s %s: want a note and unverified fields", v.Region, v.Effective)
		}
		// Values chosen as defaults must stay flagged in every version.
		for _, path := range []string{"dibao.extras.elderly", "assets.vehicle_value", "education.college",
			"income.employment_cost.ratio", "temporary.township_limit_multiple"} {
			if !v.IsUnverified(path) {
				t.Errorf("%s %s: %s not flagged unverified", v.Region, v.Effective, path)
			}
		}
		for _, sec := range []string{v.Params.Dibao.Source, v.Params.Income.Source, v.Params.Assets.Source,
			v.Params.Tekun.Source, v.Params.Medical.Source, v.Params.Temporary.Source, v.Params.Education.Source,
			v.Params.Housing.Source, v.Params.Employment.Source, v.Params.Procedure.Source, v.Params.Review.Source} {
			if sec == "" {
				t.Errorf("%s %s: a section has no source", v.Region, v.Effective)
			}
		}
	}
	// A published, verified figure is not flagged.
	v := at(t, "2024-08-01")
	if v.IsUnverified("dibao.urban_standard") || v.IsUnverified("tekun.basic_ratio") {
		t.Errorf("2024 urban standard / basic ratio flagged unverified: %v", v.Unverified)
	}
	if !at(t, "2015-06-01").IsUnverified("dibao.urban_standard") {
		t.Errorf("2015 urban standard (derived) not flagged unverified")
	}
}

// TestYunnanStandards checks the dataset against the table of RULES.md §7.2.
func TestYunnanStandards(t *testing.T) {
	type care [3]string // complete, partial, independent
	tests := []struct {
		date, effective    string
		urban, rural, rmon string
		basic              string
		inst, home         care
	}{
		{"2015-06-01", "2015-01-01", "400", "2312", "193", "480", care{"0", "0", "0"}, care{"0", "0", "0"}},
		{"2016-08-01", "2016-07-01", "470", "2800", "234", "500", care{"0", "0", "0"}, care{"0", "0", "0"}},
		{"2017-08-01", "2017-07-01", "520", "3280", "274", "550", care{"0", "0", "0"}, care{"0", "0", "0"}},
		{"2018-08-01", "2018-07-01", "557", "3500", "292", "665", care{"70", "40", "0"}, care{"70", "40", "0"}},
		{"2019-08-01", "2019-07-01", "610", "4200", "350", "732", care{"70", "40", "0"}, care{"70", "40", "0"}},
		{"2020-07-01", "2020-06-01", "640", "4500", "375", "832", care{"835", "418", "251"}, care{"151", "88", "50"}},
		{"2021-08-01", "2021-07-01", "660", "4770", "398", "858", care{"835", "418", "251"}, care{"151", "88", "50"}},
		{"2022-08-01", "2022-07-01", "660", "4770", "398", "858", care{"835", "418", "251"}, care{"151", "88", "50"}},
		{"2023-03-01", "2023-01-01", "660", "4770", "398", "858", care{"950", "475", "285"}, care{"171", "100", "57"}},
		{"2023-08-01", "2023-07-01", "728", "6038", "504", "947", care{"950", "475", "285"}, care{"171", "100", "57"}},
		{"2024-08-01", "2024-07-01", "735", "6400", "534", "956", care{"995", "498", "299"}, care{"179", "105", "60"}},
		{"2025-08-01", "2025-07-01", "744", "6720", "560", "968", care{"1035", "518", "311"}, care{"187", "109", "62"}},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			v := at(t, tt.date)
			p := v.Params
			if v.Effective != tt.effective {
				t.Errorf("effective: got %s; want %s", v.Effective, tt.effective)
			}
			check := func(what string, got money.Money, want string) {
				t.Helper()
				if got != m(want) {
					t.Errorf("%s: got %s; want %s", what, got, want)
				}
			}
			check("urban standard", p.Dibao.UrbanStandard.Money(), tt.urban)
			check("rural annual standard", p.Dibao.RuralAnnualStandard.Money(), tt.rural)
			check("rural monthly standard", p.Dibao.RuralMonthlyStandard(), tt.rmon)
			basic := p.Tekun.Basic(p.Dibao.UrbanStandard.Money())
			if p.Tekun.BasicAmount != nil {
				basic = p.Tekun.BasicAmount.Money()
			}
			check("tekun basic", basic, tt.basic)
			for i, tier := range []string{"complete", "partial", "independent"} {
				got, _ := p.Tekun.Care.Institution.Get(tier)
				check("institution care "+tier, got, tt.inst[i])
				got, _ = p.Tekun.Care.Home.Get(tier)
				check("home care "+tier, got, tt.home[i])
			}
		})
	}
}

func TestYunnanTiers(t *testing.T) {
	// Published tiers (RULES §7.3).
	tests := []struct {
		date    string
		a, b, c string
	}{
		{"2021-08-01", "380", "330", "260"},
		{"2022-08-01", "400", "330", "260"},
		{"2024-08-01", "534", "310", "220"},
		{"2025-08-01", "560", "326", "231"}, // A per 东川 "534 → 560"; B, C scaled (U)
	}
	for _, tt := range tests {
		p := at(t, tt.date).Params.Dibao.RuralTiers
		if p.A.Money() != m(tt.a) || p.B.Money() != m(tt.b) || p.C.Money() != m(tt.c) {
			t.Errorf("%s tiers: got %s/%s/%s; want %s/%s/%s", tt.date, p.A, p.B, p.C, tt.a, tt.b, tt.c)
		}
	}
}

func TestYunnanMedicalAndProcedure(t *testing.T) {
	p2015 := at(t, "2015-06-01").Params
	if r := p2015.Medical.Dibao.Inpatient; r.Ratio.Ratio().Cmp(money.Ratio{Num: 6, Den: 10}) != 0 ||
		r.CapPerStay == nil || r.CapPerStay.Money() != m("5000") || r.CapAnnual.Money() != m("15000") {
		t.Errorf("2015 dibao inpatient: got %+v; want 60%%, 5000 per stay, 15000 a year", r)
	}
	if p2015.Procedure.Dibao.Variant != policy.Variant2012 || p2015.Procedure.Dibao.Investigation != 20 {
		t.Errorf("2015 procedure: got %+v; want variant 2012, investigation 20", p2015.Procedure.Dibao)
	}
	p := at(t, "2025-08-01").Params
	r := p.Medical.Dibao.Inpatient
	if r.Deductible != 0 || r.Ratio.Ratio().Cmp(money.Ratio{Num: 7, Den: 10}) < 0 {
		t.Errorf("2025 dibao inpatient: got %+v; want no deductible, ratio ≥ 70%%", r)
	}
	d := p.Procedure.Dibao
	if d.Variant != policy.Variant2021 || d.InvestigationStart != 3 || d.VerificationStart != 3 ||
		d.CountyDecision != 10 || d.RefusalNotice != 3 || d.Total != 30 || d.TotalSpecial != 45 {
		t.Errorf("2025 dibao procedure: got %+v", d)
	}
	if p.Procedure.Tekun.Township != 15 || p.Procedure.Tekun.County != 15 {
		t.Errorf("2025 tekun procedure: got %+v", p.Procedure.Tekun)
	}
	if tp := p.Procedure.Temporary; tp.EmergencyPayHours != 48 || tp.Paperwork != 5 {
		t.Errorf("temporary procedure: got %+v", tp)
	}
	if p.Procedure.NoticeDays != 7 || p.Procedure.NoticeWorkingDays {
		t.Errorf("notice: got %d (working %v); want 7 calendar days", p.Procedure.NoticeDays, p.Procedure.NoticeWorkingDays)
	}
	if p.Review.StableMonths != 12 || p.Review.UnstableMonths != 6 || p.Dibao.GradualExitMonths != 6 {
		t.Errorf("review / gradual exit: got %+v / %d", p.Review, p.Dibao.GradualExitMonths)
	}
	if p.Temporary.MaxMonths != 6 || p.Temporary.TimesPerYear != 2 {
		t.Errorf("temporary: got %+v", p.Temporary)
	}
	if !p.Income.Exempt("pension_basic") || !p.Income.Exempt("assistance") || p.Income.Exempt("wages") {
		t.Errorf("2025 exempt kinds: got %v", p.Income.ExemptKinds)
	}
	if at(t, "2020-07-01").Params.Income.Exempt("assistance") {
		t.Errorf("2020 (2012 rules): assistance should count as income")
	}
}

func TestResolve(t *testing.T) {
	ds := yunnan(t)
	tests := []struct {
		name, region, date string
		wantRegion         string
		wantEffective      string
	}{
		{"province on the effective day", "530000000000", "2025-07-01", "530000000000", "2025-07-01"},
		{"province the day before", "530000000000", "2025-06-30", "530000000000", "2024-07-01"},
		{"two-digit code", "53", "2020-06-01", "530000000000", "2020-06-01"},
		{"latest effective of several", "530000000000", "2023-06-30", "530000000000", "2023-01-01"},
		{"prefecture's own version", "530100000000", "2018-08-01", "530100000000", "2018-07-01"},
		{"four-digit prefecture code", "5301", "2019-06-30", "530100000000", "2018-07-01"},
		{"county falls back to its prefecture", "530102", "2018-08-01", "530100000000", "2018-07-01"},
		{"village falls back to its prefecture", "530102001001", "2018-12-31", "530100000000", "2018-07-01"},
		{"township code", "530102001", "2018-12-31", "530100000000", "2018-07-01"},
		{"prefecture before its version: province", "530102", "2018-06-30", "530000000000", "2017-07-01"},
		{"prefecture version ended (until): province", "530102", "2019-07-01", "530000000000", "2019-07-01"},
		{"county without any version: province", "532901", "2024-08-01", "530000000000", "2024-07-01"},
		{"first version", "530000000000", "2015-01-01", "530000000000", "2015-01-01"},
		{"far future keeps the latest", "530000000000", "2031-01-01", "530000000000", "2025-07-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := ds.Resolve(tt.region, tt.date)
			if err != nil {
				t.Fatalf("Resolve(%s, %s): %v", tt.region, tt.date, err)
			}
			if v.Region != tt.wantRegion || v.Effective != tt.wantEffective {
				t.Errorf("Resolve(%s, %s): got %s@%s; want %s@%s", tt.region, tt.date, v.Region, v.Effective, tt.wantRegion, tt.wantEffective)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	ds := yunnan(t)
	tests := []struct {
		name, region, date string
		kind               apperr.Kind
		field              string
	}{
		{"before 2015", "530000000000", "2014-12-31", apperr.NotFound, "date"},
		{"county before 2015", "530102", "2010-01-01", apperr.NotFound, "date"},
		{"another province", "110000000000", "2025-01-01", apperr.NotFound, "region"},
		{"bad region", "5301x", "2025-01-01", apperr.Invalid, "region"},
		{"three digits", "530", "2025-01-01", apperr.Invalid, "region"},
		{"empty region", "", "2025-01-01", apperr.Invalid, "region"},
		{"impossible date", "53", "2025-02-30", apperr.Invalid, "date"},
		{"date format", "53", "2025/01/01", apperr.Invalid, "date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ds.Resolve(tt.region, tt.date)
			wantErr(t, err, tt.kind, tt.field)
		})
	}
}

// TestResolveSpecificity builds a small dataset: a county version beats the
// province's, even the province's later one.
func TestResolveSpecificity(t *testing.T) {
	base := at(t, "2025-08-01").Params
	mk := func(region, eff string, urban string) policy.Version {
		p := base
		p.Dibao.UrbanStandard = policy.Yuan(m(urban))
		return policy.Version{Region: region, Effective: eff, Params: p}
	}
	ds, err := policy.NewDataset([]policy.Version{
		mk("530000000000", "2024-01-01", "700"),
		mk("530000000000", "2020-01-01", "600"),
		mk("530102000000", "2022-01-01", "800"),
		mk("530100000000", "2023-01-01", "750"),
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		region, date, want string
	}{
		{"530102000000", "2025-01-01", "800"}, // county beats prefecture and province
		{"530102000000", "2021-06-01", "600"}, // county not yet in force; prefecture neither
		{"530102000000", "2022-06-01", "800"},
		{"530103000000", "2023-06-01", "750"}, // sibling county: prefecture
		{"530103000000", "2022-06-01", "600"},
		{"530300000000", "2025-01-01", "700"}, // another prefecture: province's latest
	}
	for _, tt := range tests {
		v, err := ds.Resolve(tt.region, tt.date)
		if err != nil {
			t.Fatalf("Resolve(%s, %s): %v", tt.region, tt.date, err)
		}
		if got := v.Params.Dibao.UrbanStandard.Money(); got != m(tt.want) {
			t.Errorf("Resolve(%s, %s): got standard %s (%s@%s); want %s", tt.region, tt.date, got, v.Region, v.Effective, tt.want)
		}
	}
}

func TestNewDatasetErrors(t *testing.T) {
	good := *at(t, "2025-08-01")
	dup := good
	bad := good
	bad.Params.Medical.Dibao.Inpatient.Ratio = policy.RateOf("1.5")
	unknownPath := good
	unknownPath.Unverified = []string{"dibao.no_such_field"}
	badRegion := good
	badRegion.Region = "5300"
	badUntil := good
	badUntil.Until = good.Effective
	tests := []struct {
		name  string
		vs    []policy.Version
		field string
	}{
		{"duplicate", []policy.Version{good, dup}, "versions[1].effective"},
		{"bad params", []policy.Version{good, bad}, "versions[1].params.medical.dibao.inpatient.ratio"},
		{"unknown unverified path", []policy.Version{unknownPath}, "versions[0].unverified[0]"},
		{"region not 12 digits", []policy.Version{badRegion}, "versions[0].region"},
		{"until not after effective", []policy.Version{badUntil}, "versions[0].until"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := policy.NewDataset(tt.vs)
			wantErr(t, err, apperr.Invalid, tt.field)
		})
	}
}

func TestDatasetJSONRoundTrip(t *testing.T) {
	ds := yunnan(t)
	data, err := json.Marshal(ds)
	if err != nil {
		t.Fatal(err)
	}
	back, err := policy.LoadDataset(data)
	if err != nil {
		t.Fatalf("LoadDataset(Marshal(ds)): %v", err)
	}
	if !reflect.DeepEqual(back.Versions(), ds.Versions()) {
		t.Errorf("round trip changed the dataset")
	}
	if !strings.Contains(string(data), `"urban_standard":"744.00"`) {
		t.Errorf("money is not written as a yuan string")
	}
	if !strings.Contains(string(data), `"basic_ratio":"1.3"`) {
		t.Errorf("ratios are not written as decimal strings")
	}
}

func TestLoadDatasetErrors(t *testing.T) {
	for _, data := range []string{
		`{"versions": [{"region": "530000000000", "effective": "2025-01-01", "params": {"dibao": {"urban_standrd": "1"}}}]}`,
		`{"versions": [], "extra": 1}`,
		`{"versions": []} {}`,
		`not json`,
		`{"versions": [{"region": "530000000000", "effective": "2025-01-01", "params": {"dibao": {"urban_standard": "1.234"}}}]}`,
	} {
		_, err := policy.LoadDataset([]byte(data))
		if !apperr.Is(err, apperr.Invalid) {
			t.Errorf("LoadDataset(%s): got %v; want Invalid", data, err)
		}
	}
}

func TestYunnanJSON(t *testing.T) {
	data := policy.YunnanJSON()
	ds, err := policy.LoadDataset(data)
	if err != nil {
		t.Fatalf("LoadDataset(YunnanJSON()): %v", err)
	}
	if !reflect.DeepEqual(ds.Versions(), yunnan(t).Versions()) {
		t.Errorf("YunnanJSON differs from Yunnan()")
	}
	data[0] = 'x' // a copy: the embedded file is unchanged
	if _, err := policy.Yunnan(); err != nil {
		t.Errorf("Yunnan() after editing the copy: %v", err)
	}
}
