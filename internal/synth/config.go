package synth

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/region"
)

// Config chooses what to generate.
type Config struct {
	Scale string // a name in Scales: "small", "county" or "yunnan"
	Seed  int64  // the same seed gives byte-identical output
	// Workers is the number of counties generated at once; 0 means 2. The
	// output does not depend on it.
	Workers int
}

// Scale is a size of synthetic province: which counties, and what
// fraction of their full-scale population and recipients.
type Scale struct {
	Name     string
	Counties []string // division code prefixes: "53" (all), "5301" (a prefecture), "530102" (a county)
	Fraction float64  // of the full-scale recipients of those counties
	// PopulationFraction is the fraction of their population at large that
	// the department datasets describe.
	PopulationFraction float64
	About              string
}

// Scales are the sizes on offer, with what seed 1 generates: households
// (recipients and applicants), registry persons, and department records in
// all.
var Scales = []Scale{
	{"small", []string{"530102", "530128"}, 0.16, 0.05,
		"五华区 (urban) and 禄劝彝族苗族自治县 (mostly rural), recipients at 16%, population at 5%: 4,030 households (3,664 recipient), 9,272 persons, 77,000 records; for tests and serve --demo"},
	{"county", []string{"5301"}, 0.7, 0.4,
		"all 14 counties of 昆明市, recipients at 70%, population at 40%: 102,220 households (92,928 recipient), 233,281 persons, 3.6 million records"},
	{"yunnan", []string{"53"}, 1, 1,
		"all 129 counties of Yunnan at full scale: 2,632,347 households (2,393,026 recipient), 6,333,543 persons, 52.4 million records"},
}

// Province is the synthetic Yunnan at full scale: the recipients the seed
// article's year reports (≈ 4.54 million rural and 0.98 million urban
// dibao recipients, ≈ 207,000 特困 persons in ≈ 2.4 million households),
// and the population at large the department datasets describe.
var Province = struct {
	RuralDibao, UrbanDibao int // persons
	TekunRural, TekunUrban int // persons, one per household
	// ApplicantShare is the number of applicant households (not, or not
	// yet, recipients) per recipient household.
	ApplicantShare float64
	// TekunInstitution is the share of 特困 persons supported in an
	// institution (集中供养); the rest are supported at home (分散供养).
	TekunInstitution float64
}{4_540_000, 980_000, 194_000, 13_000, 0.10, 0.25}

// Household sizes of dibao households (persons → weight): rural mean
// ≈ 2.65, urban ≈ 2.07; with the one-person 特困 households the mean over
// all recipient households is ≈ 2.4.
var (
	ruralSizes = []float64{0, 28, 26, 18, 15, 8, 4, 1}
	urbanSizes = []float64{0, 40, 28, 20, 9, 3}
)

// ScaleByName returns the scale with the name.
func ScaleByName(name string) (Scale, error) {
	for _, s := range Scales {
		if s.Name == name {
			return s, nil
		}
	}
	return Scale{}, apperr.Field("scale", "规模应为 small、county 或 yunnan："+name,
		"the scale is small, county or yunnan: "+name)
}

// countyPlan is what one county is to hold.
type countyPlan struct {
	Index      int    // position among all of Yunnan's counties, by code
	Code       string // 6 digits
	Name       string
	Prefecture string // 4 digits
	PlatePos   int    // position among its prefecture's counties
	PlateN     int    // counties in its prefecture

	Urban, Rural []region.Division // villages households may live in
	Townships    map[string]string // code → name

	UrbanDibao, RuralDibao, TekunUrban, TekunRural int // persons
	Population                                     int // the population at large
}

// hidden reports whether households are not placed in a village: virtual
// communities of industrial parks and prisons have no residents of their
// own.
func hidden(v region.Division) bool { return strings.Contains(v.Name, "虚拟") }

// planFor spreads the province's numbers over the counties of the scale.
func planFor(s Scale) ([]*countyPlan, error) {
	t := region.YunnanTree()
	var all []*countyPlan
	prefCounties := map[string]int{}
	type weights struct{ urban, rural, pop float64 }
	var w []weights
	var totU, totR float64
	prefPop := map[string]float64{}
	for _, p := range t.Children(region.YunnanCode) {
		pref, ok := prefectures[p.Code[:4]]
		if !ok {
			return nil, fmt.Errorf("synth: no data for prefecture %s", p.Code)
		}
		for _, c := range t.Children(p.Code) {
			cp := &countyPlan{Index: len(all), Code: c.Code[:6], Name: c.Name, Prefecture: p.Code[:4],
				PlatePos: prefCounties[p.Code[:4]], Townships: map[string]string{}}
			prefCounties[p.Code[:4]]++
			for _, tw := range t.Children(c.Code) {
				cp.Townships[tw.Code] = tw.Name
				for _, v := range t.Children(tw.Code) {
					switch {
					case hidden(v):
					case v.Class == region.Urban:
						cp.Urban = append(cp.Urban, v)
					default: // rural, and unknown taken as rural
						cp.Rural = append(cp.Rural, v)
					}
				}
			}
			x := weights{float64(len(cp.Urban)) * pref.Intensity, float64(len(cp.Rural)) * pref.Intensity,
				float64(len(cp.Urban))*urbanPopulationWeight + float64(len(cp.Rural))}
			totU += x.urban
			totR += x.rural
			prefPop[cp.Prefecture] += x.pop
			w = append(w, x)
			all = append(all, cp)
		}
	}
	var out []*countyPlan
	for i, cp := range all {
		cp.PlateN = prefCounties[cp.Prefecture]
		if !slices.ContainsFunc(s.Counties, func(p string) bool { return strings.HasPrefix(cp.Code, p) }) {
			continue
		}
		f := s.Fraction
		round := func(x float64) int { return int(math.Round(x)) }
		cp.UrbanDibao = round(float64(Province.UrbanDibao) * w[i].urban / totU * f)
		cp.TekunUrban = round(float64(Province.TekunUrban) * w[i].urban / totU * f)
		cp.RuralDibao = round(float64(Province.RuralDibao) * w[i].rural / totR * f)
		cp.TekunRural = round(float64(Province.TekunRural) * w[i].rural / totR * f)
		cp.Population = round(float64(prefectures[cp.Prefecture].Population) * w[i].pop / prefPop[cp.Prefecture] * s.PopulationFraction)
		out = append(out, cp)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("synth: scale %s has no counties", s.Name)
	}
	return out, nil
}

// ethnicTable returns the ethnic mix of a prefecture as a weighted table
// of GB/T 3304 codes.
func ethnicTable(pref string) wtable {
	p := prefectures[pref]
	ws := []wstr{}
	han := 100.0
	codes := make([]string, 0, len(p.Minorities))
	for c := range p.Minorities {
		codes = append(codes, c)
	}
	slices.Sort(codes) // map order is random; the table must not be
	for _, c := range codes {
		ws = append(ws, wstr{c, p.Minorities[c]})
		han -= p.Minorities[c]
	}
	ws = append([]wstr{{"01", han}}, ws...)
	return newWTable(ws)
}
