package casework_test

import (
	"slices"
	"strings"
	"testing"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// Every missing item is told at once, naming the member for per-member
// items; only members who count are asked; authorizations are for adults.
func TestMissingMaterials(t *testing.T) {
	h := household()
	head, wife, son := h.Members[0], h.Members[1], h.Members[2]
	got := casework.MissingMaterials(casework.Dibao, h, nil, date("2025-07-03"))
	want := []casework.MaterialKey{
		"application", "hukou", "declaration", "bank_account",
		casework.MemberKey(casework.MatIDCard, head.IDNumber), casework.MemberKey(casework.MatAuthorization, head.IDNumber),
		casework.MemberKey(casework.MatDiagnosis, head.IDNumber),
		casework.MemberKey(casework.MatIDCard, wife.IDNumber), casework.MemberKey(casework.MatAuthorization, wife.IDNumber),
		casework.MemberKey(casework.MatDisability, wife.IDNumber),
		casework.MemberKey(casework.MatIDCard, son.IDNumber), casework.MemberKey(casework.MatAuthorization, son.IDNumber),
		casework.MemberKey(casework.MatSchool, son.IDNumber),
	}
	if keys := keysOf(got); !slices.Equal(keys, want) {
		t.Fatalf("missing\n%v\nwant\n%v", keys, want)
	}
	auth := got[5]
	if auth.Member != head.IDNumber || auth.MemberName != "张建国" || auth.Kind != casework.MatAuthorization {
		t.Errorf("item %+v", auth)
	}
	if wantZh := "张建国（" + head.MaskedID() + "）的居民家庭经济状况核对授权承诺书"; auth.Zh != wantZh {
		t.Errorf("item text %q; want %q", auth.Zh, wantZh)
	}
	if k, m := auth.Key.Split(); k != casework.MatAuthorization || m != head.IDNumber {
		t.Errorf("Split = %s, %s", k, m)
	}

	provided := keysOf(got)[:10]
	rest := casework.MissingMaterials(casework.Dibao, h, provided, date("2025-07-03"))
	if keys := keysOf(rest); !slices.Equal(keys, want[10:]) {
		t.Errorf("after handing in 10: %v", keys)
	}
	if len(casework.MissingMaterials(casework.Dibao, h, want, date("2025-07-03"))) != 0 {
		t.Error("all handed in, still missing")
	}
	zh, en := casework.MissingNotice(rest)
	if !strings.HasPrefix(zh, "申请材料不齐全，请一次性补齐以下材料：1. 张明（") || !strings.Contains(zh, "；3. 张明（") || !strings.HasSuffix(zh, "在校（学籍）证明。") {
		t.Errorf("notice %q", zh)
	}
	if !strings.HasPrefix(en, "The application is incomplete; please provide all of the following: 1. resident ID card of 张明") {
		t.Errorf("notice %q", en)
	}

	// Eighteen on the application date: an adult who signs.
	teen := registry.Member{PersonID: 6, IDNumber: personID("2007-07-03", 7), Name: "张小军", Relationship: registry.Child}
	h.Members = append(h.Members, teen)
	has := func(day string) bool {
		return slices.Contains(keysOf(casework.MissingMaterials(casework.Dibao, h, want, date(day))),
			casework.MemberKey(casework.MatAuthorization, teen.IDNumber))
	}
	if has("2025-07-02") || !has("2025-07-03") {
		t.Errorf("authorization of a person born 2007-07-03: on 07-02 %v, on 07-03 %v; want false, true", has("2025-07-02"), has("2025-07-03"))
	}
	// A member without a resident ID is named by the internal key; an
	// unknown birth date counts as adult.
	h.Members = append(h.Members, registry.Member{PersonID: 8, InternalKey: "N5301020000001", Name: "无证人员", Relationship: registry.Other})
	if !slices.Contains(keysOf(casework.MissingMaterials(casework.Dibao, h, nil, date("2025-07-03"))),
		casework.MemberKey(casework.MatAuthorization, "N5301020000001")) {
		t.Error("member without ID not asked for an authorization")
	}

	for _, p := range casework.Programmes {
		if len(casework.Materials(p, casework.TrackNormal)) == 0 {
			t.Errorf("%s has no materials list", p)
		}
		for _, m := range casework.Materials(p, casework.TrackNormal) {
			if m.Zh == "" || m.En == "" || m.Scope == 0 {
				t.Errorf("%s: material %+v incomplete", p, m)
			}
		}
	}
	if got := keysOf(casework.MissingMaterials(casework.Education, household(), nil, date("2025-07-03"))); !slices.Equal(got, []casework.MaterialKey{
		"application", "hukou",
		casework.MemberKey(casework.MatSchool, son.IDNumber), casework.MemberKey(casework.MatSchool, h.Members[3].IDNumber),
	}) {
		t.Errorf("education: %v", got)
	}
}

// Acceptance refuses an incomplete application and lists everything.
func TestAcceptNeedsAllMaterials(t *testing.T) {
	d := newDriver(t, casework.FlowDibao2021)
	c := d.openAt("2025-07-03 09:00", func(nc *casework.NewCase) {
		nc.Materials = []casework.MaterialKey{"application", "hukou"}
	})
	e := wantKind(t, d.do(c, acc, "2025-07-03 10:00", func(in *casework.StepInput) { in.Materials = []casework.MaterialKey{"declaration"} }), apperr.Conflict)
	if !strings.HasPrefix(e.Msg, "材料不齐全，不能受理。申请材料不齐全，请一次性补齐以下材料：1. 银行账户（一卡通）信息；2. 张建国（") {
		t.Errorf("message %q", e.Msg)
	}
	if strings.Contains(e.Msg, "申请书") || strings.Contains(e.Msg, "张丽") || strings.Contains(e.Msg, "张老汉") {
		t.Errorf("message asks for what is in, or of members who need nothing: %q", e.Msg)
	}
	e = wantKind(t, d.do(c, acc, "2025-07-03 10:00", func(in *casework.StepInput) { in.Household = nil }), apperr.Invalid)
	if e.Field != "household" {
		t.Errorf("field %q", e.Field)
	}
	wrong := household()
	wrong.ID = 43
	wantKind(t, d.do(c, acc, "2025-07-03 10:00", func(in *casework.StepInput) { in.Household = wrong }), apperr.Invalid)
	d.must(c, acc, "2025-07-03 10:00", nil)
	if !c.AcceptedAt.Equal(at("2025-07-03 10:00")) || len(c.MissingMaterials(d.h)) != 0 {
		t.Errorf("accepted at %v, still missing %v", c.AcceptedAt, c.MissingMaterials(d.h))
	}
}

func keysOf(ms []casework.Missing) []casework.MaterialKey {
	out := make([]casework.MaterialKey, len(ms))
	for i, m := range ms {
		out[i] = m.Key
	}
	return out
}

func TestSuggest(t *testing.T) {
	type A = casework.ScreenAnswers
	for _, tc := range []struct {
		name string
		a    A
		want []casework.Programme
	}{
		{"nothing", A{}, nil},
		{"low income", A{IncomeBelowStandard: true}, []casework.Programme{casework.Dibao}},
		{"no capacity", A{IncomeBelowStandard: true, NoCapacityNoSupport: true}, []casework.Programme{casework.Tekun}},
		{"ill and poor with a child at school", A{IncomeBelowStandard: true, Illness: true, Schooling: true},
			[]casework.Programme{casework.Dibao, casework.Medical, casework.Education, casework.Charity}},
		{"schooling, not poor", A{Schooling: true}, []casework.Programme{casework.Charity}},
		{"recipient needs housing", A{Recipient: true, Housing: true}, []casework.Programme{casework.Housing}},
		{"unemployed", A{Unemployed: true}, []casework.Programme{casework.Employment}},
		{"flood", A{Disaster: true}, []casework.Programme{casework.Disaster, casework.Charity}},
		{"fire", A{SuddenHardship: true}, []casework.Programme{casework.Temporary, casework.Charity}},
		{"medical bills", A{HighExpenditure: true}, []casework.Programme{casework.Temporary}},
		{"other", A{OtherHardship: true}, []casework.Programme{casework.Charity}},
	} {
		if got := casework.Suggest(tc.a); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v; want %v", tc.name, got, tc.want)
		}
	}
}

func TestRouting(t *testing.T) {
	want := map[casework.Programme]casework.Department{
		casework.Dibao: casework.CivilAffairs, casework.Tekun: casework.CivilAffairs, casework.Temporary: casework.CivilAffairs,
		casework.Medical: casework.MedicalInsurance, casework.Education: casework.EducationBureau, casework.Housing: casework.HousingDept,
		casework.Employment: casework.HumanResources, casework.Disaster: casework.EmergencyManagement, casework.Charity: casework.SocialForces,
	}
	if len(casework.Programmes) != 9 {
		t.Errorf("%d programmes; want 8+1", len(casework.Programmes))
	}
	for _, p := range casework.Programmes {
		if got := p.Department(); got != want[p] {
			t.Errorf("%s decided by %s; want %s", p, got, want[p])
		}
		if p.Zh() == string(p) || p.Department().Zh() == string(p.Department()) {
			t.Errorf("%s has no Chinese name", p)
		}
		if got, err := casework.ParseProgramme(string(p)); err != nil || got != p {
			t.Errorf("ParseProgramme(%s) = %v, %v", p, got, err)
		}
	}
	if _, err := casework.ParseProgramme("pension"); apperr.FieldOf(err) != "programme" {
		t.Errorf("unknown programme: %v", err)
	}
	for _, tc := range []struct {
		p       casework.Programme
		track   casework.Track
		variant string
		want    casework.Flow
		field   string
	}{
		{casework.Dibao, "", "", casework.FlowDibao2021, ""},
		{casework.Dibao, "", "2012", casework.FlowDibao2012, ""},
		{casework.Dibao, "", "2030", "", "procedure.dibao.variant"},
		{casework.Dibao, casework.TrackDirect, "", "", "track"},
		{casework.Tekun, "", "2012", casework.FlowTekun, ""},
		{casework.Temporary, "", "", "", "track"},
		{casework.Temporary, casework.TrackEmergency, "", casework.FlowTemporaryEmergency, ""},
		{casework.Temporary, casework.TrackExpenditure, "", casework.FlowTemporaryExpenditure, ""},
		{casework.Medical, casework.TrackDirect, "", casework.FlowMedicalDirect, ""},
		{casework.Medical, "", "", casework.FlowMedical, ""},
		{casework.Charity, "", "", casework.FlowDepartment, ""},
		{casework.Disaster, casework.TrackEmergency, "", "", "track"},
	} {
		got, err := casework.FlowFor(tc.p, tc.track, tc.variant)
		if got != tc.want || apperr.FieldOf(err) != tc.field {
			t.Errorf("FlowFor(%s, %q, %q) = %s, %v; want %s, field %q", tc.p, tc.track, tc.variant, got, err, tc.want, tc.field)
		}
	}
}

func TestOpenValidates(t *testing.T) {
	p := proc2021(t)
	clerk := principal(access.TownshipClerk)
	ok := casework.NewCase{Programme: casework.Dibao, Household: householdRef(household())}
	c, err := casework.Open(ok, clerk, at("2025-07-03 09:00"), p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != casework.StatusSubmitted || len(c.Steps) != 1 || c.Steps[0].Action != casework.ActionSubmit ||
		c.Applicant.IDNumber != c.Household.HeadID || c.Household.Township() != township || c.Household.County() != county {
		t.Errorf("opened %+v", c)
	}
	for _, tc := range []struct {
		edit  func(*casework.NewCase)
		field string
	}{
		{func(n *casework.NewCase) { n.Programme = "pension" }, "programme"},
		{func(n *casework.NewCase) { n.Household.Village = "530102001000" }, "household.village"},
		{func(n *casework.NewCase) { n.Household.HeadID = "530102197504120010" }, "household.head_id"},
		{func(n *casework.NewCase) { n.Applicant.IDNumber = "123" }, "applicant.id_number"},
		{func(n *casework.NewCase) { n.Tracking = "530102001-2025-1" }, "tracking"},
		{func(n *casework.NewCase) { n.Programme = casework.Housing; n.Delegated = true }, "delegated"},
		{func(n *casework.NewCase) { n.Flags = []casework.Flag{{Kind: "vip"}} }, "flags[0].kind"},
		{func(n *casework.NewCase) {
			n.Flags = []casework.Flag{relativeFlag(household().Members[0])}
			n.Flags[0].Staff.RelativeID = "1"
		}, "flags[0].staff.relative_id"},
	} {
		n := ok
		tc.edit(&n)
		_, err := casework.Open(n, clerk, at("2025-07-03 09:00"), p)
		if apperr.KindOf(err) != apperr.Invalid || apperr.FieldOf(err) != tc.field {
			t.Errorf("got %v; want Invalid %s", err, tc.field)
		}
	}
}

func TestTrackingNumber(t *testing.T) {
	for _, tc := range []struct {
		township string
		day      string
		seq      int
		want     string
	}{
		{"530102001", "2025-07-03", 123, "530102001-20250703-000123"},
		{"530102001000", "2025-07-03", 1, "530102001-20250703-000001"},
		{"532931105", "2024-12-31", 1234567, "532931105-20241231-1234567"},
	} {
		got := casework.TrackingNumber(tc.township, date(tc.day), tc.seq)
		if got != tc.want {
			t.Errorf("TrackingNumber = %s; want %s", got, tc.want)
		}
		tw, d, seq, err := casework.ParseTrackingNumber(got)
		if err != nil || tw != tc.want[:9]+"000" || d != date(tc.day) || seq != tc.seq {
			t.Errorf("ParseTrackingNumber(%s) = %s %s %d %v", got, tw, d, seq, err)
		}
	}
	for _, bad := range []string{"", "530102001-20250703", "530102001-20250732-000123", "530102000-20250703-000123",
		"53010200-20250703-000123", "530102001-20250703-00012", "530102001-20250703-000000", "530102001-20250703-00012a"} {
		if _, _, _, err := casework.ParseTrackingNumber(bad); apperr.FieldOf(err) != "tracking" {
			t.Errorf("ParseTrackingNumber(%q): %v", bad, err)
		}
	}
	for _, bad := range []struct {
		township string
		seq      int
	}{{"5301020", 1}, {"530102000000", 1}, {"530102001", 0}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("TrackingNumber(%q, %d) did not panic", bad.township, bad.seq)
				}
			}()
			casework.TrackingNumber(bad.township, date("2025-07-03"), bad.seq)
		}()
	}
}

func TestRegister(t *testing.T) {
	h := household()
	good := casework.StaffRelative{StaffID: "E-17", StaffName: "钱敏", StaffRole: casework.StaffCountyCivilAffairs,
		RelativeID: strings.ToLower(h.Members[0].IDNumber), Relation: casework.RelParent}
	reg, err := casework.NewRegister([]casework.StaffRelative{good,
		{StaffID: "E-18", StaffName: "孙伟", StaffRole: casework.StaffTownshipCaseworker, RelativeID: h.Members[0].IDNumber, Relation: casework.RelSpouse},
		{StaffID: "E-19", StaffName: "周静", StaffRole: casework.StaffCivilAffairs, RelativeID: personID("1990-01-01", 9), Relation: casework.RelMaternalGrandchild},
	})
	if err != nil {
		t.Fatal(err)
	}
	if reg.Len() != 3 {
		t.Errorf("Len = %d", reg.Len())
	}
	flags := casework.FlagRelatives(h.Members, reg)
	if len(flags) != 2 || flags[0].PersonID != 1 || flags[1].Staff.StaffName != "孙伟" {
		t.Errorf("flags %+v", flags)
	}
	if got := flags[0].En(); got != "household member 张建国 is the parent of county civil-affairs case worker 钱敏" {
		t.Errorf("En = %q", got)
	}
	if casework.FlagRelatives(h.Members, nil) != nil {
		t.Error("flags without a register")
	}
	for _, tc := range []struct {
		edit  func(*casework.StaffRelative)
		field string
	}{
		{func(r *casework.StaffRelative) { r.StaffID = " " }, "entries[1].staff_id"},
		{func(r *casework.StaffRelative) { r.StaffName = "" }, "entries[1].staff_name"},
		{func(r *casework.StaffRelative) { r.StaffRole = "mayor" }, "entries[1].staff_role"},
		{func(r *casework.StaffRelative) { r.RelativeID = "530102197504120010" }, "entries[1].relative_id"},
		{func(r *casework.StaffRelative) { r.Relation = "cousin" }, "entries[1].relation"},
	} {
		bad := good
		tc.edit(&bad)
		if _, err := casework.NewRegister([]casework.StaffRelative{good, bad}); apperr.FieldOf(err) != tc.field {
			t.Errorf("got %v; want field %s", err, tc.field)
		}
	}
}

func TestDirectEligibleAndPolicyNames(t *testing.T) {
	h := household()
	h.Enrolments = []registry.Enrolment{
		{Programme: "dibao", Since: "2024-01-01", Until: "2025-07-01"},
		{Programme: "tekun", PersonID: 5, Since: "2025-03-01"},
		{Programme: "temporary", PersonID: 4, Since: "2025-01-01"},
	}
	for _, tc := range []struct {
		person int64
		day    string
		want   bool
	}{
		{1, "2025-06-30", true}, {1, "2025-07-01", false}, {5, "2025-07-01", true}, {5, "2025-02-28", true},
		{4, "2025-07-01", false}, {2, "2023-12-31", false},
	} {
		if got := casework.DirectEligible(h, tc.person, date(tc.day)); got != tc.want {
			t.Errorf("person %d on %s: %v; want %v", tc.person, tc.day, got, tc.want)
		}
	}
	if casework.DirectEligible(nil, 1, date("2025-01-01")) {
		t.Error("nil household eligible")
	}
	if p, ok := casework.Dibao.Policy(); !ok || p != policy.ProgrammeDibao {
		t.Errorf("Dibao.Policy() = %s, %v", p, ok)
	}
	if _, ok := casework.Charity.Policy(); ok {
		t.Error("charity has a calculator")
	}
}

// A member without a resident ID is judged adult by the registered birth
// date.
func TestAdultByBirthDate(t *testing.T) {
	h := &registry.Household{ID: 1, Village: village, Members: []registry.Member{
		{PersonID: 1, InternalKey: "N1", Name: "甲", BirthDate: "2007-07-04", Relationship: registry.Head},
		{PersonID: 2, InternalKey: "N2", Name: "乙", BirthDate: "2007-07-03", Relationship: registry.Sibling},
	}}
	got := keysOf(casework.MissingMaterials(casework.Housing, h, []casework.MaterialKey{"application", "hukou", "housing_proof"}, date("2025-07-03")))
	want := []casework.MaterialKey{casework.MemberKey(casework.MatIDCard, "N2"), casework.MemberKey(casework.MatAuthorization, "N2")}
	if !slices.Equal(got, want) {
		t.Errorf("missing %v; want %v", got, want)
	}
}
