package casework_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/apptest"
	"safetynet/internal/casework"
	"safetynet/internal/money"
	"safetynet/internal/registry"
)

// svcWorld is a whole application with users of every casework role in
// 五华区 (530102) and a clerk of 盘龙区 (530103), and a pinned clock.
type svcWorld struct {
	app   *apptest.App
	s     *casework.Service
	ctx   context.Context
	clock atomic.Int64 // Unix nanoseconds

	clerk, reviewer, approver, verifier, dept, auditor, clerk2 access.Principal
}

func newSvcWorld(t *testing.T) *svcWorld {
	t.Helper()
	a := apptest.NewApp(t)
	w := &svcWorld{app: a, s: a.Casework, ctx: context.Background()}
	w.setClock("2025-09-01 09:00")
	a.Casework.Now = func() time.Time { return time.Unix(0, w.clock.Load()) }
	user := func(name string, role access.Role, region string) access.Principal {
		return access.NewPrincipal(a.MustCreateUser(t, name, role, region))
	}
	w.clerk = user("clerk", access.TownshipClerk, township)
	w.reviewer = user("reviewer", access.TownshipReviewer, township)
	w.approver = user("approver", access.CountyApprover, county)
	w.verifier = user("verifier", access.CountyVerifier, county)
	w.dept = user("dept", access.DepartmentHandler, county)
	w.auditor = user("auditor", access.Auditor, "530000000000")
	w.clerk2 = user("clerk2", access.TownshipClerk, "530103001000")
	return w
}

// setClock sets the service's clock to when ("YYYY-MM-DD hh:mm" in China).
func (w *svcWorld) setClock(when string) { w.clock.Store(at(when).UnixNano()) }

// svcHousehold registers a household of the given members' birth dates in
// the test village: the first is the head.
func (w *svcWorld) svcHousehold(t *testing.T, seq int, births ...string) registry.Household {
	t.Helper()
	rels := []string{"head", "spouse", "child", "child"}
	in := registry.NewHousehold{Village: village, Area: "urban"}
	for i, b := range births {
		in.Members = append(in.Members, registry.NewMember{IDNumber: apptest.ID("530102", b, seq+i), Name: "成员" + b,
			Relationship: rels[i]})
	}
	h, err := w.app.Registry.CreateHousehold(w.ctx, apptest.System(), in)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// intake opens a case, failing the test on error.
func (w *svcWorld) intake(t *testing.T, in casework.IntakeInput) casework.View {
	t.Helper()
	res, err := w.s.Intake(w.ctx, w.clerk, in)
	if err != nil {
		t.Fatalf("intake: %v", err)
	}
	return *res.Case
}

// act takes a on case id at when, with the version the store holds now.
func (w *svcWorld) act(t *testing.T, by access.Principal, id int64, a casework.Action, when string, in casework.StepInput) (casework.View, error) {
	t.Helper()
	c, err := w.app.DB.Casework().Case(w.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	w.setClock(when)
	return w.s.Act(w.ctx, by, id, c.Version, a, in)
}

func (w *svcWorld) mustAct(t *testing.T, by access.Principal, id int64, a casework.Action, when string, in casework.StepInput) casework.View {
	t.Helper()
	v, err := w.act(t, by, id, a, when, in)
	if err != nil {
		t.Fatalf("%s at %s: %v", a, when, err)
	}
	return v
}

func svcKeys(ms []casework.Missing) []casework.MaterialKey {
	var out []casework.MaterialKey
	for _, m := range ms {
		out = append(out, m.Key)
	}
	return out
}

var svcVisit = &casework.Visit{Investigators: []string{"王芳", "李强"}, Findings: "家庭困难情况属实", Signed: true}

// toReported takes a dibao or 特困 case from intake to the county, one
// step a working day from 2025-09-01 (notice 09-09 … 09-15, report 09-16).
func (w *svcWorld) toReported(t *testing.T, v casework.View) {
	t.Helper()
	id := v.Case.ID
	w.mustAct(t, w.clerk, id, casework.ActionAccept, "2025-09-01 10:00", casework.StepInput{Materials: svcKeys(v.Missing)})
	w.mustAct(t, w.clerk, id, casework.ActionStartInvestigation, "2025-09-02 09:00", casework.StepInput{})
	w.mustAct(t, w.clerk, id, casework.ActionRecordVisit, "2025-09-03 09:00", casework.StepInput{Visit: svcVisit})
	if v.Case.Programme == casework.Tekun {
		w.mustAct(t, w.clerk, id, casework.ActionAssessSelfCare, "2025-09-03 10:00",
			casework.StepInput{SelfCare: &casework.SelfCareAssessment{Failed: [6]bool{true, false, true}, Assessors: []string{"王芳"}}})
	}
	w.mustAct(t, w.clerk, id, casework.ActionRequestVerify, "2025-09-04 09:00", casework.StepInput{})
	w.mustAct(t, w.verifier, id, casework.ActionRecordVerification, "2025-09-05 09:00",
		casework.StepInput{Verification: &casework.Verification{Result: casework.VerificationMeets, Report: "HD-1"}})
	w.mustAct(t, w.reviewer, id, casework.ActionReview, "2025-09-08 09:00", casework.StepInput{Opinion: "同意"})
	w.mustAct(t, w.reviewer, id, casework.ActionStartNotice, "2025-09-09 09:00", casework.StepInput{})
	w.mustAct(t, w.reviewer, id, casework.ActionReport, "2025-09-16 09:00", casework.StepInput{})
}

func svcKind(t *testing.T, err error, k apperr.Kind) *apperr.Error {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != k {
		t.Fatalf("got %v; want %s", err, k)
	}
	return e
}

// Intake numbers receipts per township and day, tells every missing
// material, runs the needs screen for the unsure, and refuses what it must.
func TestServiceIntake(t *testing.T) {
	t.Parallel()
	w := newSvcWorld(t)
	h := w.svcHousehold(t, 11, "1970-05-01", "1972-08-09", "2015-01-31")
	head := h.Members[0]

	v := w.intake(t, casework.IntakeInput{HouseholdID: h.ID, Programme: casework.Dibao, Provided: []casework.MaterialKey{"application"}})
	if v.Case.Tracking != "530102001-20250901-000001" || v.Case.Status != casework.StatusSubmitted || v.Case.Version != 1 {
		t.Fatalf("case %s %s v%d", v.Case.Tracking, v.Case.Status, v.Case.Version)
	}
	if v.Case.Applicant.IDNumber != head.IDNumber || v.Case.Applicant.PersonID != head.PersonID {
		t.Errorf("applicant %+v; want the head", v.Case.Applicant)
	}
	// Everything but the application: 4 household items, ID card and
	// authorization of the two adults; the child needs neither.
	if len(v.Missing) != 7 || v.Missing[0].Key != "hukou" {
		t.Errorf("missing %v", svcKeys(v.Missing))
	}
	v2 := w.intake(t, casework.IntakeInput{HouseholdID: h.ID, Programme: casework.Education})
	if v2.Case.Tracking != "530102001-20250901-000002" {
		t.Errorf("second receipt %s", v2.Case.Tracking)
	}
	w.setClock("2025-09-02 08:30")
	if v3 := w.intake(t, casework.IntakeInput{HouseholdID: h.ID, Programme: casework.Housing}); v3.Case.Tracking != "530102001-20250902-000001" {
		t.Errorf("next day's first receipt %s", v3.Case.Tracking)
	}

	// A new household comes with its application.
	nh := registry.NewHousehold{Village: village, Area: "rural", Members: []registry.NewMember{
		{IDNumber: apptest.ID("530102", "1950-02-02", 21), Name: "老人", Relationship: "head"}}}
	v4 := w.intake(t, casework.IntakeInput{Household: &nh, Programme: casework.Tekun})
	if v4.Case.Household.ID == 0 || v4.Case.Household.HeadName != "老人" {
		t.Errorf("new household %+v", v4.Case.Household)
	}

	// The needs screen suggests and opens nothing.
	res, err := w.s.Intake(w.ctx, w.clerk, casework.IntakeInput{HouseholdID: h.ID, Programme: casework.Unsure,
		Screen: casework.ScreenAnswers{IncomeBelowStandard: true, Illness: true}})
	if err != nil || res.Case != nil || len(res.Suggestions) != 3 || res.Suggestions[0].Programme != casework.Dibao ||
		res.Suggestions[1].Department != casework.MedicalInsurance || len(res.Suggestions[0].Missing) != 8 {
		t.Errorf("screen: %+v %v", res, err)
	}
	if qs, total, _ := w.s.Queue(w.ctx, w.clerk, casework.QueueFilter{}); total != 4 || len(qs) != 4 {
		t.Errorf("the screen opened a case: %d in the queue", total)
	}

	for _, tc := range []struct {
		name  string
		by    access.Principal
		in    casework.IntakeInput
		kind  apperr.Kind
		field string
	}{
		{"no household", w.clerk, casework.IntakeInput{Programme: casework.Dibao}, apperr.Invalid, "household_id"},
		{"both households", w.clerk, casework.IntakeInput{HouseholdID: h.ID, Household: &nh, Programme: casework.Dibao}, apperr.Invalid, "household_id"},
		{"unknown household", w.clerk, casework.IntakeInput{HouseholdID: 99, Programme: casework.Dibao}, apperr.NotFound, "household_id"},
		{"household of another county", w.clerk2, casework.IntakeInput{HouseholdID: h.ID, Programme: casework.Dibao}, apperr.NotFound, "household_id"},
		{"unknown programme", w.clerk, casework.IntakeInput{HouseholdID: h.ID, Programme: "lottery"}, apperr.Invalid, "programme"},
		{"temporary without track", w.clerk, casework.IntakeInput{HouseholdID: h.ID, Programme: casework.Temporary}, apperr.Invalid, "track"},
		{"direct medical for a non-recipient", w.clerk, casework.IntakeInput{HouseholdID: h.ID, Programme: casework.Medical, Track: casework.TrackDirect}, apperr.Invalid, "track"},
		{"applicant not a member", w.clerk, casework.IntakeInput{HouseholdID: h.ID, Programme: casework.Dibao, ApplicantID: apptest.ID("530102", "1990-01-01", 3)}, apperr.Invalid, "applicant_id_number"},
		{"auditor", w.auditor, casework.IntakeInput{HouseholdID: h.ID, Programme: casework.Dibao}, apperr.Forbidden, ""},
		{"county verifier", w.verifier, casework.IntakeInput{HouseholdID: h.ID, Programme: casework.Dibao}, apperr.Forbidden, ""},
		{"new household's member taken", w.clerk, casework.IntakeInput{Household: &nh, Programme: casework.Dibao}, apperr.Conflict, "household.members[0].id_number"},
	} {
		_, err := w.s.Intake(w.ctx, tc.by, tc.in)
		e := svcKind(t, err, tc.kind)
		if e.Field != tc.field {
			t.Errorf("%s: field %q; want %q (%v)", tc.name, e.Field, tc.field, err)
		}
	}
	if _, total, _ := w.s.Queue(w.ctx, w.clerk, casework.QueueFilter{}); total != 4 {
		t.Errorf("refused intakes left cases behind: %d", total)
	}
}

// Confirming a 特困 case computes the support from the policy and the
// case's self-care assessment and enrols the person from the next month.
func TestServiceTekunConfirmEnrols(t *testing.T) {
	t.Parallel()
	w := newSvcWorld(t)
	h := w.svcHousehold(t, 31, "1950-03-03")
	v := w.intake(t, casework.IntakeInput{HouseholdID: h.ID, Programme: casework.Tekun})
	w.toReported(t, v)
	id := v.Case.ID

	_, err := w.act(t, w.approver, id, casework.ActionConfirm, "2025-09-17 09:00", casework.StepInput{})
	if e := svcKind(t, err, apperr.Invalid); e.Field != "setting" {
		t.Errorf("confirm without a setting: %v", err)
	}
	got := w.mustAct(t, w.approver, id, casework.ActionConfirm, "2025-09-17 09:00", casework.StepInput{Setting: "home"})
	d := got.Case.Decision
	// ⌈1.3 × 744⌉ = 968 basic + 109 home care for partial loss (2 activities).
	if d == nil || d.Amount != money.Yuan(1077) || d.Tier != "partial" || d.Setting != "home" ||
		d.Policy.Effective != "2025-07-01" || d.BenefitStart != date("2025-10-01") {
		t.Fatalf("decision %+v", d)
	}
	hh, err := w.app.DB.Registry().Household(w.ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(hh.Enrolments) != 1 || hh.Enrolments[0] != (registry.Enrolment{Programme: "tekun", PersonID: h.Members[0].PersonID,
		Setting: "home", Since: "2025-10-01"}) || hh.Version != 2 {
		t.Errorf("enrolments %+v (version %d)", hh.Enrolments, hh.Version)
	}
	hist, _ := w.app.DB.Registry().History(w.ctx, h.ID)
	enrolled := false
	for _, c := range hist {
		enrolled = enrolled || c.Action == "enrol" && c.Version == 2 && strings.Contains(c.Summary, "2025-10-01")
	}
	if !enrolled {
		t.Errorf("history %+v lacks the enrolment", hist)
	}

	// A second 特困 application of the same person cannot be confirmed.
	w.setClock("2025-09-01 09:30")
	v2 := w.intake(t, casework.IntakeInput{HouseholdID: h.ID, Programme: casework.Tekun})
	w.toReported(t, v2)
	_, err = w.act(t, w.approver, v2.Case.ID, casework.ActionConfirm, "2025-09-17 10:00", casework.StepInput{Setting: "home"})
	if e := svcKind(t, err, apperr.Conflict); !strings.Contains(e.Msg, "不能重复纳入") {
		t.Errorf("second enrolment: %q", e.Msg)
	}
	if c, _ := w.app.DB.Casework().Case(w.ctx, v2.Case.ID); c.Status != casework.StatusReported {
		t.Errorf("the refused confirmation left the case %s", c.Status)
	}
}

// The county's spot check always draws relatives' cases; a drawn case
// needs the county's home visit before confirmation.
func TestServiceSampleAndRelatives(t *testing.T) {
	t.Parallel()
	w := newSvcWorld(t)
	plain := w.svcHousehold(t, 41, "1971-01-01")
	related := w.svcHousehold(t, 51, "1972-02-02", "1973-03-03")
	cousin := related.Members[1]

	if _, err := w.s.RegisterRelative(w.ctx, w.dept, "", casework.StaffRelative{}); err == nil || !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("department handler registers: %v", err)
	}
	e, err := w.s.RegisterRelative(w.ctx, w.clerk, "", casework.StaffRelative{StaffID: "V-01", StaffName: "村主任",
		StaffRole: casework.StaffVillageCommittee, RelativeID: cousin.IDNumber, Relation: casework.RelSibling})
	if err != nil || e.County != county {
		t.Fatalf("register: %+v %v", e, err)
	}
	if _, err := w.s.RegisterRelative(w.ctx, w.clerk, "530103", e.StaffRelative); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("register in another county: %v", err)
	}
	if _, err := w.s.RegisterRelative(w.ctx, w.clerk, "", e.StaffRelative); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("register twice: %v", err)
	}
	list, err := w.s.Relatives(w.ctx, w.auditor)
	if err != nil || len(list) != 1 || list[0].RelativeID == cousin.IDNumber {
		t.Errorf("auditor's view of the register (masked): %+v %v", list, err)
	}

	a := w.intake(t, casework.IntakeInput{HouseholdID: plain.ID, Programme: casework.Dibao})
	b := w.intake(t, casework.IntakeInput{HouseholdID: related.ID, Programme: casework.Dibao})
	if a.Case.Flagged() || !b.Case.Flagged() || b.Case.Flags[0].IDNumber != cousin.IDNumber || b.Case.Flags[0].Staff.StaffID != "V-01" {
		t.Fatalf("flags: %+v / %+v", a.Case.Flags, b.Case.Flags)
	}
	w.toReported(t, a)
	w.toReported(t, b)

	w.setClock("2025-09-17 08:00")
	if _, err := w.s.DrawCountySample(w.ctx, w.clerk, "", casework.Dibao, money.Ratio{}, 0); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("clerk draws: %v", err)
	}
	if _, err := w.s.DrawCountySample(w.ctx, w.approver, "530103", casework.Dibao, money.Ratio{}, 0); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("draw in another county: %v", err)
	}
	// The 2025 dibao policy sets no ratio: only the relatives' case.
	s, err := w.s.DrawCountySample(w.ctx, w.approver, "", casework.Dibao, money.Ratio{}, 0)
	if err != nil || s.Candidates != 2 || len(s.Drawn) != 1 || s.Drawn[0].Case.ID != b.Case.ID || !s.Drawn[0].Case.Sampled {
		t.Fatalf("sample %+v %v", s, err)
	}
	// Drawn cases are not candidates again; a full draw takes the rest.
	s, err = w.s.DrawCountySample(w.ctx, w.verifier, county, casework.Dibao, money.Ratio{Num: 1, Den: 1}, 7)
	if err != nil || s.Candidates != 1 || len(s.Drawn) != 1 || s.Drawn[0].Case.ID != a.Case.ID {
		t.Fatalf("second sample %+v %v", s, err)
	}

	_, err = w.act(t, w.approver, b.Case.ID, casework.ActionConfirm, "2025-09-18 09:00", casework.StepInput{})
	if e := svcKind(t, err, apperr.Conflict); !strings.Contains(e.Msg, "县级入户核查") {
		t.Errorf("confirm without the county visit: %q", e.Msg)
	}
	w.mustAct(t, w.verifier, b.Case.ID, casework.ActionCountyVisit, "2025-09-18 10:00", casework.StepInput{Visit: svcVisit})
	got := w.mustAct(t, w.approver, b.Case.ID, casework.ActionConfirm, "2025-09-18 11:00", casework.StepInput{})
	if got.Case.Status != casework.StatusConfirmed || got.Case.Decision.Amount != money.Yuan(744*2) {
		t.Errorf("confirmed %s, amount %s", got.Case.Status, got.Case.Decision.Amount)
	}
}
