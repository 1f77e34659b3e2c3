package verify

import (
	"context"
	"testing"

	"safetynet/internal/calendar"
	"safetynet/internal/money"
	"safetynet/internal/registry"
)

// merge keeps what connected sources said online, replaces the rest by the
// paper replies once every counted member has one, and caps the verdict
// at a manual check while any source has not answered.
func TestMerge(t *testing.T) {
	const a, b, c = "530102197005010114", "530102197208090222", "530102201201310316"
	h := &registry.Household{Village: "530102001001", Members: []registry.Member{
		{IDNumber: a, Name: "甲"}, {IDNumber: b, Name: "乙"}, {IDNumber: c, Name: "丙"},
		{IDNumber: "530102194001010011", Name: "丁", Detail: registry.Detail{DeathDate: "2024-01-01"}}}}
	online := func() Report {
		r := Report{AsOf: "2025-09-04", Verdict: NotMeets, Members: []MemberResult{
			{IDNumber: a, Name: "甲", Findings: []Finding{{Source: "vehicles", IDNumber: a, Kind: "vehicle", Value: money.Yuan(150000), Mode: Online}}},
			{IDNumber: b, Name: "乙", Findings: []Finding{{Source: "pensions", IDNumber: b, Kind: "pension", Value: money.Yuan(1200), Mode: Online}}},
		}, Reasons: []Reason{{Rule: "vehicle", Verdict: NotMeets, IDNumber: a}, {Rule: "duplicate", Verdict: NeedsCheck, IDNumber: b}}}
		for _, s := range Sources {
			r.Sources = append(r.Sources, SourceStatus{Source: s.Name, Mode: Online, Snapshot: "2025-08-31"})
		}
		return r
	}
	all := func(except ...string) map[string]bool {
		m := map[string]bool{}
		for _, s := range Sources {
			m[s.Name] = true
		}
		for _, e := range except {
			m[e] = false
		}
		return m
	}
	reply := func(id string, found bool) Reply {
		r := Reply{IDNumber: id, Source: "vehicles", Found: found, ReplyDate: "2025-09-03"}
		if found {
			r.Kind, r.Value, r.Ref = "小型轿车", money.Yuan(30000), "云A1"
		}
		return r
	}
	for _, tc := range []struct {
		name    string
		conn    map[string]bool
		replies []Reply
		verdict Verdict
		mode    Mode // of vehicles
		rules   []string
	}{
		{"all online", all(), nil, NotMeets, Online, []string{"vehicle", "duplicate"}},
		{"vehicles not answered", all("vehicles"), []Reply{reply(a, false)}, NeedsCheck, Missing, []string{"duplicate", "missing_source"}},
		{"vehicles answered, nothing found", all("vehicles"), []Reply{reply(a, false), reply(b, false), reply(c, false)}, NeedsCheck, Manual, []string{"duplicate"}},
		{"vehicles answered, a car found", all("vehicles"), []Reply{reply(a, true), reply(b, false), reply(c, false)}, NeedsCheck, Manual, []string{"duplicate", "manual_finding"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := online()
			s := &Centre{}
			if err := s.merge(context.Background(), &rep, h, tc.conn, tc.replies); err != nil {
				t.Fatal(err)
			}
			if rep.Verdict != tc.verdict {
				t.Errorf("verdict %s; want %s", rep.Verdict, tc.verdict)
			}
			var rules []string
			for _, r := range rep.Reasons {
				rules = append(rules, r.Rule)
			}
			if len(rules) != len(tc.rules) {
				t.Fatalf("rules %v; want %v", rules, tc.rules)
			}
			for i := range rules {
				if rules[i] != tc.rules[i] {
					t.Errorf("rules %v; want %v", rules, tc.rules)
				}
			}
			for _, st := range rep.Sources {
				if st.Source == "vehicles" && st.Mode != tc.mode {
					t.Errorf("vehicles %s; want %s", st.Mode, tc.mode)
				}
			}
			if len(rep.Members) != 3 {
				t.Errorf("%d members; want the three who count", len(rep.Members))
			}
			for _, m := range rep.Members {
				for _, f := range m.Findings {
					if f.Source == "vehicles" && f.Mode != tc.mode {
						t.Errorf("%s finding %+v; want mode %s", m.Name, f, tc.mode)
					}
				}
			}
		})
	}
}

// Adults are those 18 or older on the day, among the members who count.
func TestMissingAuthorizations(t *testing.T) {
	h := &registry.Household{Members: []registry.Member{
		{PersonID: 1, IDNumber: "530102197005010114", Name: "甲"},
		{PersonID: 2, Name: "乙", BirthDate: "2007-09-05"}, // no ID yet: by the birth date
		{PersonID: 3, IDNumber: "530102195001010316", Name: "丙", Detail: registry.Detail{Excluded: "prison"}},
	}}
	day := func(s string) []string {
		d, err := calendar.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range MissingAuthorizations(h, []Authorization{{PersonID: 1}}, d) {
			out = append(out, m.Name)
		}
		return out
	}
	if got := day("2025-09-04"); len(got) != 0 {
		t.Errorf("the day before the 18th birthday: %v", got)
	}
	if got := day("2025-09-05"); len(got) != 1 || got[0] != "乙" {
		t.Errorf("on the 18th birthday: %v", got)
	}
}
