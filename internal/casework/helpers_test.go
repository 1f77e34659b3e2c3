package casework_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
	"safetynet/internal/casework"
	"safetynet/internal/idcard"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

var cal = calendar.Default()

const (
	village  = "530102001001"
	township = "530102001000"
	county   = "530102000000"
)

func date(s string) calendar.Date { return calendar.MustParseDate(s) }

// at returns the instant "YYYY-MM-DD hh:mm" in China.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, date("2025-01-01").Time().Location())
	if err != nil {
		panic(err)
	}
	return t
}

// principal returns a user of role whose jurisdiction suits the role.
func principal(role access.Role) access.Principal {
	region := "530000000000"
	switch role {
	case access.VillageAssistant:
		region = village
	case access.TownshipClerk, access.TownshipReviewer:
		region = township
	case access.CountyApprover, access.CountyVerifier, access.DepartmentHandler, access.FinanceOfficer:
		region = county
	}
	return access.NewPrincipal(access.User{ID: 7, Username: string(role), DisplayName: role.Zh(), Role: role, Region: region})
}

var yunnan = sync.OnceValues(policy.Yunnan)

func policyVersion(t testing.TB, day string) policy.Version {
	t.Helper()
	ds, err := yunnan()
	if err != nil {
		t.Fatal(err)
	}
	v, err := ds.Resolve("530102001001", day)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// proc2021 and proc2012 are the Yunnan procedures of 2025 and 2016.
func proc2021(t testing.TB) policy.ProcedureParams {
	return policyVersion(t, "2025-07-01").Params.Procedure
}
func proc2012(t testing.TB) policy.ProcedureParams {
	return policyVersion(t, "2016-07-01").Params.Procedure
}

// limit2025 is the 2025 township limit for temporary assistance: 3 × 744.
var limit2025 = money.Yuan(2232)

func personID(birth string, seq int) string {
	b, err := time.Parse("2006-01-02", birth)
	if err != nil {
		panic(err)
	}
	return idcard.Generate("530102", b, seq).String()
}

// household returns a five-person household: the head (seriously ill),
// his wife (disabled), an adult son at college, a daughter at primary
// school, and the head's father, in prison, who does not count.
func household() *registry.Household {
	return &registry.Household{ID: 42, Village: village, Area: registry.Urban, Members: []registry.Member{
		{PersonID: 1, IDNumber: personID("1975-04-12", 1), Name: "张建国", Relationship: registry.Head,
			Detail: registry.Detail{SeriousIllness: "尿毒症"}},
		{PersonID: 2, IDNumber: personID("1978-09-30", 2), Name: "李秀英", Relationship: registry.Spouse,
			Detail: registry.Detail{Disability: registry.Disability{Category: "physical", Grade: 2}}},
		{PersonID: 3, IDNumber: personID("2005-03-01", 3), Name: "张明", Relationship: registry.Child,
			Detail: registry.Detail{Education: "college", Employment: "student"}},
		{PersonID: 4, IDNumber: personID("2014-06-01", 4), Name: "张丽", Relationship: registry.Child,
			Detail: registry.Detail{Education: "primary"}},
		{PersonID: 5, IDNumber: personID("1950-01-01", 5), Name: "张老汉", Relationship: registry.Parent,
			Detail: registry.Detail{Excluded: "prison"}},
	}}
}

func householdRef(h *registry.Household) casework.HouseholdRef {
	head, _ := h.Head()
	return casework.HouseholdRef{ID: h.ID, HeadID: head.IDNumber, HeadName: head.Name, Village: h.Village}
}

// allMaterials returns the keys of every material c needs from h.
func allMaterials(c *casework.Case, h *registry.Household) []casework.MaterialKey {
	saved := c.Materials
	c.Materials = nil
	defer func() { c.Materials = saved }()
	var keys []casework.MaterialKey
	for _, m := range c.MissingMaterials(h) {
		keys = append(keys, m.Key)
	}
	return keys
}

// flowCase says how to open a case of each flow.
var flowCase = map[casework.Flow]struct {
	programme casework.Programme
	track     casework.Track
	v2012     bool
}{
	casework.FlowDibao2021:            {casework.Dibao, casework.TrackNormal, false},
	casework.FlowDibao2012:            {casework.Dibao, casework.TrackNormal, true},
	casework.FlowTekun:                {casework.Tekun, casework.TrackNormal, false},
	casework.FlowTemporaryEmergency:   {casework.Temporary, casework.TrackEmergency, false},
	casework.FlowTemporaryExpenditure: {casework.Temporary, casework.TrackExpenditure, false},
	casework.FlowMedicalDirect:        {casework.Medical, casework.TrackDirect, false},
	casework.FlowMedical:              {casework.Medical, casework.TrackNormal, false},
	casework.FlowDepartment:           {casework.Education, casework.TrackNormal, false},
}

// driver takes a case of one flow through actions with standard inputs,
// one step every ten days (so every 7-day notice has ended by the next
// step).
type driver struct {
	t    testing.TB
	flow casework.Flow
	proc policy.ProcedureParams
	h    *registry.Household
	// big makes temporary-assistance amounts exceed the township limit.
	big   bool
	start time.Time
}

func newDriver(t testing.TB, f casework.Flow) *driver {
	p := proc2021(t)
	if flowCase[f].v2012 {
		p = proc2012(t)
	}
	return &driver{t: t, flow: f, proc: p, h: household(), start: at("2025-03-03 09:00")}
}

func (d *driver) open() *casework.Case {
	d.t.Helper()
	fc := flowCase[d.flow]
	c, err := casework.Open(casework.NewCase{Programme: fc.programme, Track: fc.track, Household: householdRef(d.h)},
		principal(access.TownshipClerk), d.start, d.proc)
	if err != nil {
		d.t.Fatalf("open %s: %v", d.flow, err)
	}
	if c.Flow != d.flow {
		d.t.Fatalf("open: flow %s; want %s", c.Flow, d.flow)
	}
	return c
}

// when returns the time of the next step of c.
func (d *driver) when(c *casework.Case) time.Time {
	return d.start.AddDate(0, 0, 10*len(c.Steps))
}

func (d *driver) amount() money.Money {
	if d.big {
		return money.Yuan(3000)
	}
	return money.Yuan(800)
}

// input returns a valid input for a on c.
func (d *driver) input(c *casework.Case, a casework.Action) casework.StepInput {
	limit := limit2025
	in := casework.StepInput{TownshipLimit: &limit, Note: "测试"}
	switch a {
	case casework.ActionAccept, casework.ActionCompletePaperwork:
		in.Household = d.h
		in.Materials = allMaterials(c, d.h)
	case casework.ActionDecline, casework.ActionWithdraw, casework.ActionReinvestigate, casework.ActionRecheck, casework.ActionExtend:
		in.Reason = "测试原因"
	case casework.ActionRecordVisit, casework.ActionCountyVisit:
		in.Visit = &casework.Visit{Investigators: []string{"王芳", "李强"}, Findings: "家庭困难情况属实", Signed: true}
	case casework.ActionRecordVerification:
		in.Verification = &casework.Verification{Result: casework.VerificationMeets, Report: "HD-2025-0001"}
	case casework.ActionAssessSelfCare:
		in.SelfCare = &casework.SelfCareAssessment{Failed: [6]bool{true, true, false, false, true, true}, Assessors: []string{"王芳", "李强"}}
	case casework.ActionReview:
		in.Opinion = "经调查核实，同意"
		in.Amount = d.amount()
	case casework.ActionRecordObjection:
		in.Objection = &casework.Objection{From: "邻居", Content: "反映申请人家有一辆小汽车"}
	case casework.ActionRecordAppraisal:
		in.Appraisal = &casework.Appraisal{Participants: 9, VillageReps: 6, Summary: "评议通过"}
	case casework.ActionConfirm, casework.ActionPayFirst:
		in.Amount = d.amount()
		in.Policy = policy.VersionRef{Region: "530000000000", Effective: "2025-07-01"}
		in.Setting = policy.SettingHome
	case casework.ActionRefuse:
		in.Reason = "家庭人均收入高于当地低保标准"
	case casework.ActionCompute:
		in.Amount = money.Yuan(300)
	case casework.ActionFlagRelatives:
		in.Flags = []casework.Flag{relativeFlag(d.h.Members[1])}
	}
	return in
}

// actor returns a principal allowed to take a on c.
func (d *driver) actor(c *casework.Case, a casework.Action, in casework.StepInput) access.Principal {
	roles, byCase := c.Flow.Roles(c.Status, a)
	if !byCase {
		if len(roles) == 0 {
			return principal(access.TownshipClerk)
		}
		return principal(roles[0])
	}
	switch c.Flow {
	case casework.FlowMedical, casework.FlowMedicalDirect, casework.FlowDepartment:
		return principal(access.DepartmentHandler)
	case casework.FlowTemporaryEmergency, casework.FlowTemporaryExpenditure:
		amt := in.Amount
		if amt == 0 {
			if r, ok := c.Review(); ok {
				amt = r.Amount
			}
		}
		if amt > limit2025 {
			return principal(access.CountyApprover)
		}
		return principal(access.TownshipReviewer)
	}
	if c.Delegated && c.Status != casework.StatusReported && c.Status != casework.StatusCountyNoticing {
		return principal(access.TownshipReviewer)
	}
	return principal(access.CountyApprover)
}

// step applies a with the standard input and an allowed actor.
func (d *driver) step(c *casework.Case, a casework.Action) error {
	in := d.input(c, a)
	return casework.Apply(c, a, d.actor(c, a, in), d.when(c), in, cal, d.proc)
}

// run opens a case and takes actions, failing the test on any error.
func (d *driver) run(actions ...casework.Action) *casework.Case {
	d.t.Helper()
	c := d.open()
	for _, a := range actions {
		if err := d.step(c, a); err != nil {
			d.t.Fatalf("%s: %s from %s: %v", d.flow, a, c.Status, err)
		}
	}
	return c
}

func relativeFlag(m registry.Member) casework.Flag {
	return casework.Flag{Kind: casework.FlagRelative, PersonID: m.PersonID, IDNumber: m.IDNumber, Name: m.Name,
		Staff: casework.StaffRelative{StaffID: "S-001", StaffName: "赵志强", StaffRole: casework.StaffTownshipCaseworker,
			RelativeID: m.IDNumber, Relation: casework.RelSibling}}
}

// wantKind fails unless err is an apperr of kind.
func wantKind(t testing.TB, err error, kind apperr.Kind) *apperr.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error; want %s", kind)
	}
	e, ok := apperr.As(err)
	if !ok || e.Kind != kind {
		t.Fatalf("got %v; want kind %s", err, kind)
	}
	return e
}

func mustApply(t testing.TB, c *casework.Case, a casework.Action, by access.Principal, when time.Time, in casework.StepInput, p policy.ProcedureParams) {
	t.Helper()
	if err := casework.Apply(c, a, by, when, in, cal, p); err != nil {
		t.Fatalf("%s from %s: %v", a, c.Status, err)
	}
}

func contains[T comparable](s []T, v T) bool { return slices.Contains(s, v) }

// do takes action a on c at when ("YYYY-MM-DD hh:mm") with the standard
// input, edited by edit, by an allowed actor (or by, when given).
func (d *driver) do(c *casework.Case, a casework.Action, when string, edit func(*casework.StepInput), by ...access.Principal) error {
	in := d.input(c, a)
	if edit != nil {
		edit(&in)
	}
	p := d.actor(c, a, in)
	if len(by) > 0 {
		p = by[0]
	}
	return casework.Apply(c, a, p, at(when), in, cal, d.proc)
}

// must is do, failing the test on error.
func (d *driver) must(c *casework.Case, a casework.Action, when string, edit func(*casework.StepInput), by ...access.Principal) {
	d.t.Helper()
	if err := d.do(c, a, when, edit, by...); err != nil {
		d.t.Fatalf("%s from %s at %s: %v", a, c.Status, when, err)
	}
}

// openAt opens a case of the driver's flow at when.
func (d *driver) openAt(when string, edit func(*casework.NewCase)) *casework.Case {
	d.t.Helper()
	fc := flowCase[d.flow]
	nc := casework.NewCase{Programme: fc.programme, Track: fc.track, Household: householdRef(d.h)}
	if edit != nil {
		edit(&nc)
	}
	c, err := casework.Open(nc, principal(access.TownshipClerk), at(when), d.proc)
	if err != nil {
		d.t.Fatalf("open: %v", err)
	}
	return c
}

// deadline returns c's deadline of kind for action, failing if none.
func deadline(t testing.TB, c *casework.Case, p policy.ProcedureParams, kind casework.DeadlineKind, a casework.Action) casework.Deadline {
	t.Helper()
	for _, d := range casework.Deadlines(c, cal, p) {
		if d.Kind == kind && d.Action == a {
			return d
		}
	}
	t.Fatalf("no %s deadline for %s in %s; have %+v", kind, a, c.Status, casework.Deadlines(c, cal, p))
	return casework.Deadline{}
}

func hasDeadline(c *casework.Case, p policy.ProcedureParams, kind casework.DeadlineKind, a casework.Action) bool {
	for _, d := range casework.Deadlines(c, cal, p) {
		if d.Kind == kind && d.Action == a {
			return true
		}
	}
	return false
}
