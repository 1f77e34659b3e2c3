package casework

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/calendar"
	"safetynet/internal/idcard"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// HouseholdCreator registers the new household an intake brings with it;
// *registry.Service satisfies it.
type HouseholdCreator interface {
	CreateHousehold(ctx context.Context, by access.Principal, in registry.NewHousehold) (registry.Household, error)
}

// Policies serves the policy dataset in force; *policy.Service satisfies
// it.
type Policies interface {
	Dataset() *policy.Dataset
}

// Calendars serves the working-day calendar in force;
// *policy.CalendarService satisfies it.
type Calendars interface {
	Calendar() *calendar.Calendar
}

// Service is the casework use cases over the pure domain of this package:
// intake at the window, every step of the workflow, the queues, the
// supervisors' board, tracking, the relatives' register and the county's
// spot check. Each change runs in one transaction with its audit event.
//
// Which policy applies: the procedure (deadlines, notice period, dibao
// variant) is resolved for the case's village at its acceptance date (the
// submission date before acceptance), so a case keeps the rules it started
// under; amounts and the township's approval limit come from the policy in
// force on the day of the step.
type Service struct {
	Store      Store
	Households Households
	Registry   HouseholdCreator
	Policy     Policies
	Calendar   Calendars
	Tx         audit.Transactor
	Audit      *audit.Log
	Now        func() time.Time
	// DueSoonDays is the window of the board's "due soon" list in working
	// days, today included; 0 means 3.
	DueSoonDays int
}

// Unsure is the programme an applicant gives who does not know what to
// apply for: Intake then runs the needs screen (Suggest) and opens nothing.
const Unsure Programme = "unsure"

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) cal() *calendar.Calendar {
	if s.Calendar != nil {
		if c := s.Calendar.Calendar(); c != nil {
			return c
		}
	}
	return calendar.Default()
}

func (s *Service) soon() int {
	if s.DueSoonDays > 0 {
		return s.DueSoonDays
	}
	return 3
}

var errCaseNotFound = apperr.New(apperr.NotFound, "未找到该案件", "case not found")

// version returns the policy in force for village on day. A region or day
// without policy is a configuration gap, not the caller's input: Conflict.
func (s *Service) version(village string, day calendar.Date) (policy.Version, error) {
	v, err := s.Policy.Dataset().Resolve(village, day.String())
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Kind != apperr.Internal {
			return v, apperr.Wrap(apperr.Conflict, err, e.Msg+"，无法办理", e.MsgEN+"; the case cannot be handled")
		}
		return v, err
	}
	return v, nil
}

// procOf returns the procedure c follows: the one in force at its
// acceptance, or at its submission before it is accepted.
func (s *Service) procOf(c *Case) (policy.ProcedureParams, error) {
	day := c.AcceptedOn()
	if day.IsZero() {
		day = calendar.FromTime(c.SubmittedAt)
	}
	v, err := s.version(c.Household.Village, day)
	return v.Params.Procedure, err
}

// index computes what the store keeps beside c.
func (s *Service) index(c *Case, now time.Time) (Index, error) {
	proc, err := s.procOf(c)
	if err != nil {
		return Index{}, err
	}
	ix := Index{Department: c.Programme.Department(), UpdatedAt: now}
	if d, ok := Next(c, s.cal(), proc); ok {
		ix.NextDue = d.Due
	}
	return ix, nil
}

// View is a case as a caller sees it: the case, the deadlines running on it
// and how urgent it is, the actions the caller's role may take now, and the
// materials the household still has to hand in. Resident IDs are masked for
// roles that may not see them in full.
type View struct {
	Case      Case
	Deadlines []Deadline // earliest first
	Urgency   Urgency
	// Urgent are the deadlines that make the case overdue or due soon
	// (empty when it is on time).
	Urgent  []Deadline
	Allowed []Action
	// Missing is what the household still lacks by the case's list, nil
	// when the household was not read (lists) or nothing is missing.
	Missing []Missing
}

// view builds the View of c for by at now; h, when not nil, is the case's
// household for the missing materials.
func (s *Service) view(c *Case, by access.Principal, h *registry.Household, now time.Time) (View, error) {
	proc, err := s.procOf(c)
	if err != nil {
		return View{}, err
	}
	cal := s.cal()
	v := View{Case: *c, Deadlines: Deadlines(c, cal, proc), Allowed: Allowed(c, by)}
	u, ds := Classify(c, cal, proc, now, s.soon())
	v.Urgency = u
	if u == UrgencyOverdue || u == UrgencyDueSoon {
		v.Urgent = ds
	}
	if h != nil {
		v.Missing = c.MissingMaterials(h)
	}
	if !by.Can(access.SeeFullID) {
		maskView(&v)
	}
	return v, nil
}

func maskID(s string) string {
	if id, err := idcard.Parse(s); err == nil {
		return id.Mask()
	}
	return s
}

// maskView hides resident IDs from a role that may not see them, without
// touching the case the view was made from.
func maskView(v *View) {
	c := &v.Case
	c.Household.HeadID = maskID(c.Household.HeadID)
	c.Applicant.IDNumber = maskID(c.Applicant.IDNumber)
	c.Flags = slices.Clone(c.Flags)
	for i := range c.Flags {
		c.Flags[i].IDNumber = maskID(c.Flags[i].IDNumber)
		c.Flags[i].Staff.RelativeID = maskID(c.Flags[i].Staff.RelativeID)
	}
	c.Materials = maskKeys(c.Materials)
	v.Missing = slices.Clone(v.Missing)
	for i := range v.Missing {
		m := &v.Missing[i]
		if m.Member != "" {
			m.Member = maskID(m.Member)
			m.Key = MemberKey(m.Kind, m.Member)
		}
	}
}

func maskKeys(keys []MaterialKey) []MaterialKey {
	out := make([]MaterialKey, len(keys))
	for i, k := range keys {
		kind, member := k.Split()
		if member == "" {
			out[i] = k
		} else {
			out[i] = MemberKey(kind, maskID(member))
		}
	}
	return out
}

// load reads a case that must lie within by's jurisdiction, and for a
// department handler be routed to their department: NotFound otherwise,
// the same answer as for a case that does not exist.
func (s *Service) load(ctx context.Context, by access.Principal, id int64) (Case, error) {
	c, err := s.Store.Case(ctx, id)
	if apperr.Is(err, apperr.NotFound) || (err == nil && (!by.Covers(c.Household.Village) || !ownDepartment(by, c))) {
		return Case{}, errCaseNotFound
	}
	return c, err
}

// ownDepartment reports whether by may work c as far as departments go:
// a department handler with a department only on that department's cases.
func ownDepartment(by access.Principal, c Case) bool {
	if by.Role != access.DepartmentHandler || by.Department == "" || by.IsSystem() {
		return true
	}
	return string(c.Programme.Department()) == by.Department
}

// household reads a household by ID, within by's jurisdiction (NotFound,
// naming field, otherwise).
func (s *Service) household(ctx context.Context, by access.Principal, id int64, field string) (registry.Household, error) {
	h, err := s.Households.Household(ctx, id)
	if apperr.Is(err, apperr.NotFound) || (err == nil && !by.Covers(h.Village)) {
		return registry.Household{}, apperr.New(apperr.NotFound, "未找到该家庭", "household not found").WithField(field)
	}
	return h, err
}

func (s *Service) record(ctx context.Context, by access.Principal, action string, c *Case, before, after any) error {
	return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: action, SubjectType: "case",
		SubjectID: strconv.FormatInt(c.ID, 10), SubjectRegion: c.Household.Village, Before: before, After: after})
}

// stepSummary is what the audit log keeps of a step: the step itself and
// where the case stands after it (the whole case is in the store).
func stepSummary(c *Case) map[string]any {
	out := map[string]any{"tracking": c.Tracking, "status": c.Status, "version": c.Version}
	if n := len(c.Steps); n > 0 {
		out["step"] = c.Steps[n-1]
	}
	if c.Decision != nil {
		out["decision"] = c.Decision
	}
	if c.Payment != nil {
		out["payment"] = c.Payment
	}
	return out
}

// IntakeInput is an application registered at the window.
type IntakeInput struct {
	// HouseholdID is the registry household applying, or 0 when Household
	// describes a new one, registered with the case (one of the two).
	HouseholdID int64
	Household   *registry.NewHousehold
	// Programme is what the applicant applies for, or Unsure for the needs
	// screen.
	Programme Programme
	Track     Track
	// ApplicantID is the resident ID of the member applying (the patient,
	// the student, the 特困 person); "" for the head.
	ApplicantID string
	// Delegated: the county has delegated confirmation of dibao or 特困 to
	// the township (a county's standing arrangement, told by the window).
	Delegated bool
	Provided  []MaterialKey // materials handed in with the application
	Note      string
	Documents []string
	Screen    ScreenAnswers // for Unsure
}

// IntakeResult is what the window gets back: the case opened (with its
// receipt number, status, deadlines and every missing material, told at
// once), or for Unsure the programmes the screen suggests and nothing
// opened.
type IntakeResult struct {
	Case        *View
	Suggestions []Suggestion
}

// Suggestion is a programme the needs screen suggests, with the department
// that decides it and its list of materials; Missing is what the household
// lacks of them, when a household was named.
type Suggestion struct {
	Programme  Programme
	Department Department
	Materials  []Material
	Missing    []Missing
}

// Intake registers an application for a registry household (or a new one
// registered with it): it resolves the policy in force today for the
// household's village, flags members who are registered relatives of staff
// (FlagRelatives), assigns the receipt number from the township's daily
// sequence, opens the case (Open), stores it and audits it, all in one
// transaction. The result lists every material still missing. For
// Programme Unsure it runs the needs screen instead and opens nothing.
//
// Errors: Unauthorized; Forbidden for a role that does not register
// applications; NotFound ("household_id") for a household unknown or
// outside the caller's jurisdiction; Invalid naming the field
// ("household_id", "household.…" for a new household, "programme",
// "track", "applicant_id_number", "delegated"); Conflict when a new
// household's member already belongs to another one, or when no policy is
// in force for the village.
func (s *Service) Intake(ctx context.Context, by access.Principal, in IntakeInput) (IntakeResult, error) {
	const op = "casework.Service.Intake"
	if !by.Authenticated() {
		return IntakeResult{}, apperr.ErrUnauthorized.WithOp(op)
	}
	now := s.now()
	today := calendar.FromTime(now)
	if in.Programme == Unsure {
		return s.screen(ctx, by, in, today)
	}
	if _, err := ParseProgramme(string(in.Programme)); err != nil {
		return IntakeResult{}, err
	}
	if (in.HouseholdID == 0) == (in.Household == nil) {
		return IntakeResult{}, apperr.Field("household_id", "请选择已登记的家庭，或填写新家庭的信息（二者选一）",
			"name a registered household or describe a new one (one of the two)")
	}
	var res IntakeResult
	err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
		var h registry.Household
		var err error
		if in.HouseholdID != 0 {
			h, err = s.household(ctx, by, in.HouseholdID, "household_id")
		} else {
			h, err = s.Registry.CreateHousehold(ctx, by, *in.Household)
			if e, ok := apperr.As(err); ok {
				err = e.WithField("household")
			}
		}
		if err != nil {
			return err
		}
		v, err := s.version(h.Village, today)
		if err != nil {
			return err
		}
		applicant, err := applicantOf(&h, in.ApplicantID)
		if err != nil {
			return err
		}
		if in.Track == TrackDirect && !DirectEligible(&h, applicant.PersonID, today) {
			return apperr.Field("track", "申请人不是在保的低保对象或特困人员，不能直接办理，请按一般程序申请",
				"the applicant is not a current dibao or 特困 recipient; apply on the normal track")
		}
		// Relatives are registered separately only where the flow has the
		// county's home visit that clears the flag (dibao, 特困, 支出型
		// temporary assistance): in another flow a flag would block the
		// decision for good (decisionGuards).
		var flags []Flag
		if flow, err := FlowFor(in.Programme, in.Track, v.Params.Procedure.Dibao.Variant); err == nil && hasCountyVisit(flow) {
			if flags, err = s.relativeFlags(ctx, h.Members); err != nil {
				return err
			}
		}
		head, _ := h.Head()
		ref := HouseholdRef{ID: h.ID, HeadID: head.IDNumber, HeadName: head.Name, Village: h.Village}
		seq, err := s.Store.NextTrackingSeq(ctx, ref.Township(), today)
		if err != nil {
			return err
		}
		c, err := Open(NewCase{Tracking: TrackingNumber(ref.Township(), today, seq), Programme: in.Programme, Track: in.Track,
			Household: ref, Applicant: applicant, Delegated: in.Delegated, Flags: flags, Materials: in.Provided,
			Note: in.Note, Documents: in.Documents}, by, now, v.Params.Procedure)
		if err != nil {
			return err
		}
		ix, err := s.index(c, now)
		if err != nil {
			return err
		}
		if err := s.Store.CreateCase(ctx, c, ix); err != nil {
			return err
		}
		if err := s.record(ctx, by, "case.submit", c, nil, map[string]any{"tracking": c.Tracking,
			"programme": c.Programme, "track": c.Track, "flow": c.Flow, "household_id": h.ID, "applicant": c.Applicant,
			"flags": len(c.Flags), "status": c.Status, "step": c.Steps[0]}); err != nil {
			return err
		}
		view, err := s.view(c, by, &h, now)
		if err != nil {
			return err
		}
		res.Case = &view
		return nil
	})
	if err != nil {
		return IntakeResult{}, withOp(err, op)
	}
	return res, nil
}

// screen runs the needs screen for an applicant who is not sure.
func (s *Service) screen(ctx context.Context, by access.Principal, in IntakeInput, today calendar.Date) (IntakeResult, error) {
	if !by.IsSystem() && !slices.Contains([]access.Role{access.VillageAssistant, access.TownshipClerk,
		access.TownshipReviewer, access.DepartmentHandler}, by.Role) {
		return IntakeResult{}, apperr.New(apperr.Forbidden,
			fmt.Sprintf("您的角色（%s）不能受理申请，须由村级协理员或乡镇窗口办理", by.Role.Zh()),
			fmt.Sprintf("your role (%s) may not take applications; a village assistant or the township window does", by.Role.En()))
	}
	var h *registry.Household
	if in.HouseholdID != 0 {
		hh, err := s.household(ctx, by, in.HouseholdID, "household_id")
		if err != nil {
			return IntakeResult{}, err
		}
		h = &hh
	}
	res := IntakeResult{Suggestions: []Suggestion{}}
	for _, p := range Suggest(in.Screen) {
		sg := Suggestion{Programme: p, Department: p.Department(), Materials: Materials(p, TrackNormal)}
		if h != nil {
			sg.Missing = MissingMaterials(p, h, in.Provided, today)
			if !by.Can(access.SeeFullID) {
				v := View{Missing: sg.Missing}
				maskView(&v)
				sg.Missing = v.Missing
			}
		}
		res.Suggestions = append(res.Suggestions, sg)
	}
	return res, nil
}

// applicantOf returns the member of h with resident ID id, or the head when
// id is empty.
func applicantOf(h *registry.Household, id string) (PersonRef, error) {
	if strings.TrimSpace(id) == "" {
		head, ok := h.Head()
		if !ok {
			return PersonRef{}, apperr.Field("household_id", "该家庭没有户主，请先在家庭档案中登记户主", "the household has no head; register one first")
		}
		return PersonRef{PersonID: head.PersonID, IDNumber: head.IDNumber, Name: head.Name}, nil
	}
	p, err := idcard.Parse(id)
	if err != nil {
		return PersonRef{}, apperr.Field("applicant_id_number", "申请人身份证号码无效", "the applicant's resident ID is not valid")
	}
	for _, m := range h.Members {
		if m.IDNumber == p.String() {
			return PersonRef{PersonID: m.PersonID, IDNumber: m.IDNumber, Name: m.Name}, nil
		}
	}
	return PersonRef{}, apperr.Field("applicant_id_number", "申请人须为该户家庭成员", "the applicant must be a member of the household")
}

// hasCountyVisit reports whether flow f has the county's home visit.
func hasCountyVisit(f Flow) bool {
	return slices.ContainsFunc(f.Transitions(), func(t Transition) bool { return t.Action == ActionCountyVisit })
}

// relativeFlags returns the relatives' flags of members, matched against
// every entry of the register in any county: a staff member's relative
// applying in a neighbouring county is still registered separately.
func (s *Service) relativeFlags(ctx context.Context, members []registry.Member) ([]Flag, error) {
	var ids []string
	for _, m := range members {
		if m.IDNumber != "" {
			ids = append(ids, m.IDNumber)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	entries, err := s.Store.RelativesOf(ctx, ids)
	if err != nil || len(entries) == 0 {
		return nil, err
	}
	list := make([]StaffRelative, len(entries))
	for i, e := range entries {
		list[i] = e.StaffRelative
	}
	reg, err := NewRegister(list)
	if err != nil {
		return nil, apperr.Errorf("casework: stored register does not validate: %w", err)
	}
	return FlagRelatives(members, reg), nil
}

// Act takes action a on case id for by, with the step's input: it loads
// the case (NotFound outside by's jurisdiction), checks that version is
// the version by read (Conflict otherwise), completes the input with what
// the service supplies (the household on accept and complete_paperwork;
// the township's approval limit on temporary assistance; on confirming
// dibao or 特困 without an amount, the amount computed by the policy
// calculators from the registry, see prepare; on flag_relatives without
// flags, the matches in the register), applies the step (Apply) with the
// procedure of the case's acceptance date and the calendar in force,
// stores the case with optimistic locking, and audits the step, all in one
// transaction. Confirming dibao or 特困 also enrols the household (or the
// person) in the registry from the first benefit month.
//
// Errors: Unauthorized; NotFound; Forbidden for a role that may not take
// the step (or a temporary-assistance decision at the wrong level);
// Conflict for a stale version, a step the workflow does not allow now, or
// a failed guard, with a message saying why ("公示期未满，不能确认（公示期至
// 2025-09-18）"), and for a household already enrolled; Invalid naming the
// field ("version", "action", "reason", "visit.investigators", "amount"…).
func (s *Service) Act(ctx context.Context, by access.Principal, id int64, version int, a Action, in StepInput) (View, error) {
	const op = "casework.Service.Act"
	if !by.Authenticated() {
		return View{}, apperr.ErrUnauthorized.WithOp(op)
	}
	if version <= 0 {
		return View{}, apperr.Field("version", "请提供读取案件时的版本号", "give the version of the case you read").WithOp(op)
	}
	var out View
	err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.load(ctx, by, id)
		if err != nil {
			return err
		}
		if c.Version != version {
			return apperr.New(apperr.Conflict, "案件已被他人办理或修改，请刷新后重试",
				"the case was changed by someone else; reload and retry").WithField("version")
		}
		now := s.now()
		mv, err := s.version(c.Household.Village, calendar.FromTime(now))
		if err != nil {
			return err
		}
		proc, err := s.procOf(&c)
		if err != nil {
			return err
		}
		h, calcErr, err := s.prepare(ctx, &c, a, &in, mv)
		if err != nil {
			return err
		}
		before := map[string]any{"status": c.Status, "version": c.Version}
		if err := Apply(&c, a, by, now, in, s.cal(), proc); err != nil {
			if f := apperr.FieldOf(err); calcErr != nil && (f == "amount" || f == "policy") {
				return calcErr
			}
			return err
		}
		ix, err := s.index(&c, now)
		if err != nil {
			return err
		}
		if err := s.Store.UpdateCase(ctx, &c, ix, version); err != nil {
			return err
		}
		if a == ActionConfirm && c.Decision != nil && c.Decision.Approved && (c.Programme == Dibao || c.Programme == Tekun) {
			if h, err = s.enrol(ctx, by, &c, now); err != nil {
				return err
			}
		}
		if err := s.record(ctx, by, "case."+string(a), &c, before, stepSummary(&c)); err != nil {
			return err
		}
		out, err = s.view(&c, by, h, now)
		return err
	})
	if err != nil {
		return View{}, withOp(err, op)
	}
	return out, nil
}

// enrol adds the enrolment a confirmed dibao or 特困 case creates to its
// household: the household for dibao, the applicant for 特困, from the
// first benefit month (Decision.BenefitStart), recorded in the household's
// history and the audit log. It returns the household as saved.
func (s *Service) enrol(ctx context.Context, by access.Principal, c *Case, now time.Time) (*registry.Household, error) {
	h, err := s.Households.Household(ctx, c.Household.ID)
	if err != nil {
		return nil, err
	}
	d := c.Decision
	e := registry.Enrolment{Programme: string(c.Programme), Since: d.BenefitStart.String(), Setting: d.Setting}
	if c.Programme == Dibao {
		e.Tier = d.Tier
	} else {
		e.PersonID = c.Applicant.PersonID
	}
	for _, x := range h.Enrolments {
		if x.Programme == e.Programme && x.PersonID == e.PersonID && (x.Until == "" || x.Until > e.Since) {
			return nil, apperr.New(apperr.Conflict,
				fmt.Sprintf("该%s已纳入%s（自 %s 起），不能重复纳入", map[bool]string{true: "家庭", false: "人员"}[e.PersonID == 0], c.Programme.Zh(), x.Since),
				fmt.Sprintf("already enrolled in %s since %s", c.Programme.En(), x.Since))
		}
	}
	before := h.Version
	h.Enrolments = append(h.Enrolments, e)
	h.Version++
	h.UpdatedAt = now
	if err := s.Households.SaveHousehold(ctx, &h, before); err != nil {
		return nil, err
	}
	summary := fmt.Sprintf("纳入%s，自 %s 起（案件 %s）", c.Programme.Zh(), e.Since, c.Tracking)
	if err := s.Households.RecordChange(ctx, h.ID, h.County, registry.Change{Version: h.Version, At: now, Actor: by.Username,
		Action: "enrol", Reason: "审核确认", Summary: summary}); err != nil {
		return nil, err
	}
	err = s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "household.enrol", SubjectType: "household",
		SubjectID: strconv.FormatInt(h.ID, 10), SubjectRegion: h.Village,
		After: map[string]any{"enrolment": e, "case": c.Tracking, "amount": d.Amount, "policy": d.Policy}})
	return &h, err
}

// Get returns a case within by's jurisdiction, with its deadlines, the
// actions by may take and the materials still missing. A view by a role
// that sees full resident IDs is audited.
//
// Errors: Unauthorized; NotFound (unknown, or outside the jurisdiction).
func (s *Service) Get(ctx context.Context, by access.Principal, id int64) (View, error) {
	if !by.Authenticated() {
		return View{}, apperr.ErrUnauthorized
	}
	c, err := s.load(ctx, by, id)
	if err != nil {
		return View{}, err
	}
	var h *registry.Household
	if c.Household.ID != 0 {
		hh, err := s.Households.Household(ctx, c.Household.ID)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return View{}, err
		}
		if err == nil {
			h = &hh
		}
	}
	if by.Can(access.SeeFullID) {
		if err := s.record(ctx, by, "case.view", &c, nil, nil); err != nil {
			return View{}, err
		}
	}
	return s.view(&c, by, h, s.now())
}

// Track finds where an applicant's cases stand: q is a receipt number, or
// the resident ID of the applicant or of a member of the household applying.
// Only cases within by's jurisdiction are found, newest first.
//
// Errors: Unauthorized; Invalid ("q") for something that is neither a
// receipt number nor a resident ID; NotFound when no case within the
// jurisdiction matches (whether or not one exists elsewhere).
func (s *Service) Track(ctx context.Context, by access.Principal, q string) ([]View, error) {
	if !by.Authenticated() {
		return nil, apperr.ErrUnauthorized
	}
	q = strings.TrimSpace(q)
	notFound := apperr.New(apperr.NotFound, "未找到相关案件", "no case found")
	var found []Case
	if _, _, _, err := ParseTrackingNumber(q); err == nil {
		c, err := s.Store.CaseByTracking(ctx, q)
		if apperr.Is(err, apperr.NotFound) {
			return nil, notFound
		}
		if err != nil {
			return nil, err
		}
		found = []Case{c}
	} else if id, err := idcard.Parse(q); err == nil {
		var hh int64
		p, err := s.Households.PersonByIDNumber(ctx, id.String())
		switch {
		case err == nil:
			hh = p.HouseholdID
		case !apperr.Is(err, apperr.NotFound):
			return nil, err
		}
		if found, err = s.Store.CasesOf(ctx, id.String(), hh); err != nil {
			return nil, err
		}
	} else {
		return nil, apperr.Field("q", "请输入受理编号（如 530102001-20250703-000123）或居民身份证号码",
			"give a receipt number (e.g. 530102001-20250703-000123) or a resident ID")
	}
	now := s.now()
	var out []View
	for i := range found {
		if !by.Covers(found[i].Household.Village) {
			continue
		}
		v, err := s.view(&found[i], by, nil, now)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, notFound
	}
	return out, nil
}

// QueueFilter selects a work queue.
type QueueFilter struct {
	// Statuses: empty means the cases still being worked on (OpenStatuses).
	Statuses   []Status
	Programme  Programme
	Department Department
	// Limit: 0 means 50; at most 500.
	Limit, Offset int
}

// OpenStatuses are the statuses of a default queue: every status but the
// ends (declined, withdrawn, published, completed, paid, reported back).
// Confirmed and refused cases stay: they wait for publication, payment,
// the written refusal or the department's report.
func OpenStatuses() []Status {
	var out []Status
	for _, st := range Statuses {
		switch st {
		case StatusDeclined, StatusWithdrawn, StatusPublished, StatusCompleted, StatusPaid, StatusReportedBack:
		default:
			out = append(out, st)
		}
	}
	return out
}

// Queue returns the cases within by's jurisdiction matching f, with the
// total count: the township's and county's work lists, and a department
// handler's queue (the cases decided by departments other than civil
// affairs, routed to them from the windows within their jurisdiction).
// Ordered by next deadline, cases without one last.
//
// Errors: Unauthorized; Invalid ("status", "programme", "department",
// "limit", "offset").
func (s *Service) Queue(ctx context.Context, by access.Principal, f QueueFilter) ([]View, int, error) {
	if !by.Authenticated() {
		return nil, 0, apperr.ErrUnauthorized
	}
	for _, st := range f.Statuses {
		if _, ok := statusNames[st]; !ok {
			return nil, 0, apperr.Field("status", fmt.Sprintf("未知的案件状态“%s”", st), fmt.Sprintf("unknown status %q", st))
		}
	}
	if f.Programme != "" && !f.Programme.Valid() {
		return nil, 0, apperr.Field("programme", fmt.Sprintf("未知的救助项目“%s”", f.Programme), fmt.Sprintf("unknown programme %q", f.Programme))
	}
	if _, ok := departmentNames[f.Department]; f.Department != "" && !ok {
		return nil, 0, apperr.Field("department", fmt.Sprintf("未知的部门“%s”", f.Department), fmt.Sprintf("unknown department %q", f.Department))
	}
	switch {
	case f.Limit < 0 || f.Limit > 500:
		return nil, 0, apperr.Field("limit", "每页条数须在 1 到 500 之间", "limit must be between 1 and 500")
	case f.Limit == 0:
		f.Limit = 50
	}
	if f.Offset < 0 {
		return nil, 0, apperr.Field("offset", "偏移量不能为负", "offset must not be negative")
	}
	sf := Filter{RegionPrefix: by.Prefix(), Statuses: f.Statuses, Programme: f.Programme, Department: f.Department,
		Limit: f.Limit, Offset: f.Offset}
	if len(sf.Statuses) == 0 {
		sf.Statuses = OpenStatuses()
	}
	if by.Role == access.DepartmentHandler && !by.IsSystem() {
		// A department handler works their own department's cases.
		sf.NotDepartment = CivilAffairs
		if f.Department != "" && string(f.Department) != by.Department {
			return nil, 0, nil
		}
		sf.Department = Department(by.Department)
	}
	cases, total, err := s.Store.Cases(ctx, sf)
	if err != nil {
		return nil, 0, err
	}
	now := s.now()
	out := make([]View, 0, len(cases))
	for i := range cases {
		v, err := s.view(&cases[i], by, nil, now)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	return out, total, nil
}

// Board is the supervisors' list of cases whose deadlines have passed or
// fall due within Service.DueSoonDays working days.
type Board struct {
	Date    calendar.Date // today in China
	Through calendar.Date // the last day "due soon" covers
	Overdue []View        // most overdue first
	DueSoon []View        // earliest first
}

// Board returns the overdue and due-soon cases within by's jurisdiction at
// now (zero: the service's clock), classified by Classify with the
// procedure of each case and the calendar in force. An 急难型 temporary
// case paid first stays on the board until its paperwork is done.
//
// Errors: Unauthorized, Forbidden (a role without access.Supervise).
func (s *Service) Board(ctx context.Context, by access.Principal, now time.Time) (Board, error) {
	if err := by.Require(access.Supervise); err != nil {
		return Board{}, err
	}
	if now.IsZero() {
		now = s.now()
	}
	cal := s.cal()
	today := calendar.FromTime(now)
	b := Board{Date: today, Through: cal.AddWorkdays(today, s.soon()), Overdue: []View{}, DueSoon: []View{}}
	cases, _, err := s.Store.Cases(ctx, Filter{RegionPrefix: by.Prefix(), DueThrough: b.Through})
	if err != nil {
		return Board{}, err
	}
	for i := range cases {
		v, err := s.view(&cases[i], by, nil, now)
		if err != nil {
			return Board{}, err
		}
		switch v.Urgency {
		case UrgencyOverdue:
			b.Overdue = append(b.Overdue, v)
		case UrgencyDueSoon:
			b.DueSoon = append(b.DueSoon, v)
		}
	}
	byDue := func(x, y View) int {
		if c := cmp.Compare(x.Urgent[0].Due, y.Urgent[0].Due); c != 0 {
			return c
		}
		return cmp.Compare(x.Case.ID, y.Case.ID)
	}
	slices.SortStableFunc(b.Overdue, byDue)
	slices.SortStableFunc(b.DueSoon, byDue)
	return b, nil
}

// relativeRoles may keep the relatives' register; auditors and prefecture
// officers may read it.
var (
	relativeRoles       = []access.Role{access.TownshipClerk, access.TownshipReviewer, access.CountyApprover, access.CountyVerifier, access.ProvinceAdmin}
	relativeReaderRoles = append(slices.Clone(relativeRoles), access.Auditor, access.PrefectureOfficer)
)

// errRoleTo is errRole for something that is not a workflow action.
func errRoleTo(r access.Role, zh, en string, allowed []access.Role) error {
	z := make([]string, len(allowed))
	e := make([]string, len(allowed))
	for i, x := range allowed {
		z[i], e[i] = x.Zh(), x.En()
	}
	return apperr.New(apperr.Forbidden,
		fmt.Sprintf("您的角色（%s）不能%s，须由%s办理", r.Zh(), zh, strings.Join(z, "、")),
		fmt.Sprintf("your role (%s) may not %s; it is for: %s", r.En(), en, strings.Join(e, ", ")))
}

// countyOfPrincipal returns the 12-digit county of by's jurisdiction when
// it lies within one county, else "".
func countyOfPrincipal(by access.Principal) string {
	if len(by.Prefix()) >= 6 {
		return by.Prefix()[:6] + "000000"
	}
	return ""
}

// RegisterRelative enters a close relative of a staff member in the
// register (近亲属备案) of county: "" means the caller's own county (required
// when the caller's jurisdiction is above a county). Applications naming
// the relative as a member are then flagged at intake.
//
// Errors: Unauthorized; Forbidden for a role that does not keep the
// register or a county outside the caller's jurisdiction; Invalid naming
// the field ("county", "staff_id", "staff_name", "staff_role",
// "relative_id", "relation"); Conflict when the county has the entry.
func (s *Service) RegisterRelative(ctx context.Context, by access.Principal, county string, r StaffRelative) (RegisteredRelative, error) {
	const op = "casework.Service.RegisterRelative"
	if !by.Authenticated() {
		return RegisteredRelative{}, apperr.ErrUnauthorized.WithOp(op)
	}
	if !by.IsSystem() && !slices.Contains(relativeRoles, by.Role) {
		return RegisteredRelative{}, errRoleTo(by.Role, "登记近亲属备案", "register staff relatives", relativeRoles)
	}
	county, err := s.registerCounty(by, county)
	if err != nil {
		return RegisteredRelative{}, err
	}
	r.StaffID, r.StaffName = strings.TrimSpace(r.StaffID), strings.TrimSpace(r.StaffName)
	if err := r.Validate(); err != nil {
		return RegisteredRelative{}, err
	}
	e := RegisteredRelative{County: county, StaffRelative: r, CreatedBy: by.Username, CreatedAt: s.now()}
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.AddRelative(ctx, &e); err != nil {
			if apperr.Is(err, apperr.Conflict) {
				return apperr.New(apperr.Conflict, "该工作人员的这位亲属已登记备案", "this relative of the staff member is already registered").WithField("relative_id")
			}
			return err
		}
		return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "staff_relative.register", SubjectType: "staff_relative",
			SubjectID: strconv.FormatInt(e.ID, 10), SubjectRegion: county, After: e})
	})
	if err != nil {
		return RegisteredRelative{}, withOp(err, op)
	}
	return e, nil
}

// registerCounty returns the county an entry of the register goes to.
func (s *Service) registerCounty(by access.Principal, county string) (string, error) {
	own := countyOfPrincipal(by)
	if strings.TrimSpace(county) == "" {
		if own == "" {
			return "", apperr.Field("county", "请指定备案的县（市、区）", "name the county of the register")
		}
		return own, nil
	}
	c, err := region.Normalize(county)
	if err != nil || region.LevelOf(c) != region.County {
		return "", apperr.Field("county", "县（市、区）代码须为6位或12位县级代码", "the county must be a county-level division code")
	}
	if own != "" && c != own || own == "" && !by.Covers(c) {
		return "", apperr.New(apperr.Forbidden, "该县（市、区）不在您的管辖范围内", "the county is outside your jurisdiction").WithField("county")
	}
	return c, nil
}

// Relatives returns the register of by's county (or of every county within
// a wider jurisdiction). Resident IDs are masked for roles that may not
// see them.
//
// Errors: Unauthorized; Forbidden for a role that neither keeps nor audits
// the register.
func (s *Service) Relatives(ctx context.Context, by access.Principal) ([]RegisteredRelative, error) {
	if !by.Authenticated() {
		return nil, apperr.ErrUnauthorized
	}
	if !by.IsSystem() && !slices.Contains(relativeReaderRoles, by.Role) {
		return nil, errRoleTo(by.Role, "查看近亲属备案", "read the relatives' register", relativeReaderRoles)
	}
	prefix := by.Prefix()
	if len(prefix) > 6 {
		prefix = prefix[:6]
	}
	out, err := s.Store.Relatives(ctx, prefix)
	if err != nil {
		return nil, err
	}
	if !by.Can(access.SeeFullID) {
		for i := range out {
			out[i].RelativeID = maskID(out[i].RelativeID)
		}
	}
	return out, nil
}

// Sample is the result of a county spot-check draw.
type Sample struct {
	County     string
	Programme  Programme
	Ratio      money.Ratio
	Seed       int64
	Candidates int    // cases reported to the county and not yet sampled
	Drawn      []View // the cases drawn, now marked sampled
}

// DrawCountySample draws the county's home-visit sample (入户抽查) among
// the cases of programme (dibao or 特困) reported to the county and not yet
// sampled: every relatives' case, plus others up to ratio of them
// (DrawSample; ratio zero takes the policy's county_spot_check), and takes
// the sample step on each drawn case, so that it cannot be confirmed before
// the county's home visit is recorded. seed 0 means today's date, so a
// supervisor can re-draw and check the same day's sample.
//
// Errors: Unauthorized; Forbidden for a role other than the county's
// approver or verifier, or a county outside the jurisdiction; Invalid
// ("county", "programme", "ratio").
func (s *Service) DrawCountySample(ctx context.Context, by access.Principal, county string, programme Programme, ratio money.Ratio, seed int64) (Sample, error) {
	const op = "casework.Service.DrawCountySample"
	if !by.Authenticated() {
		return Sample{}, apperr.ErrUnauthorized.WithOp(op)
	}
	county = strings.TrimSpace(county)
	if county == "" {
		county = countyOfPrincipal(by)
	}
	c, err := region.Normalize(county)
	if err != nil || region.LevelOf(c) != region.County {
		return Sample{}, apperr.Field("county", "县（市、区）代码须为6位或12位县级代码", "the county must be a county-level division code")
	}
	roles := []access.Role{access.CountyApprover, access.CountyVerifier}
	if !by.IsSystem() && !slices.Contains(roles, by.Role) {
		return Sample{}, errRole(by.Role, ActionSample, roles)
	}
	if !by.Covers(c) {
		return Sample{}, apperr.New(apperr.Forbidden, "该县（市、区）不在您的管辖范围内", "the county is outside your jurisdiction").WithField("county")
	}
	if programme != Dibao && programme != Tekun {
		return Sample{}, apperr.Field("programme", "县级入户抽查只适用于低保和特困", "the county spot check applies to dibao and 特困")
	}
	if ratio != (money.Ratio{}) && (ratio.Den <= 0 || ratio.Num < 0 || ratio.Num > ratio.Den) {
		return Sample{}, apperr.Field("ratio", "抽查比例须在 0 到 1 之间", "the ratio must be between 0 and 1")
	}
	now := s.now()
	today := calendar.FromTime(now)
	if ratio == (money.Ratio{}) {
		v, err := s.version(c, today)
		if err != nil {
			return Sample{}, err
		}
		ratio = v.Params.Procedure.Dibao.CountySpotCheck.Ratio()
		if programme == Tekun {
			ratio = v.Params.Procedure.Tekun.CountySpotCheck.Ratio()
		}
	}
	if seed == 0 {
		seed = int64(today)
	}
	out := Sample{County: c, Programme: programme, Ratio: ratio, Seed: seed, Drawn: []View{}}
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		cases, _, err := s.Store.Cases(ctx, Filter{RegionPrefix: c[:6], Statuses: []Status{StatusReported}, Programme: programme})
		if err != nil {
			return err
		}
		byID := map[int64]*Case{}
		var ids, always []int64
		for i := range cases {
			x := &cases[i]
			if x.Sampled {
				continue
			}
			byID[x.ID] = x
			ids = append(ids, x.ID)
			if x.Flagged() {
				always = append(always, x.ID)
			}
		}
		out.Candidates = len(ids)
		for _, id := range DrawSample(ids, ratio, seed, always...) {
			x := byID[id]
			proc, err := s.procOf(x)
			if err != nil {
				return err
			}
			version := x.Version
			in := StepInput{Note: fmt.Sprintf("县级入户抽查（比例 %s，种子 %d）", ratio, seed)}
			if err := Apply(x, ActionSample, by, now, in, s.cal(), proc); err != nil {
				return fmt.Errorf("sample case %d: %w", id, err)
			}
			ix, err := s.index(x, now)
			if err != nil {
				return err
			}
			if err := s.Store.UpdateCase(ctx, x, ix, version); err != nil {
				return err
			}
			if err := s.record(ctx, by, "case.sample", x, map[string]any{"status": x.Status, "version": version},
				stepSummary(x)); err != nil {
				return err
			}
			v, err := s.view(x, by, nil, now)
			if err != nil {
				return err
			}
			out.Drawn = append(out.Drawn, v)
		}
		return nil
	})
	if err != nil {
		return Sample{}, withOp(err, op)
	}
	return out, nil
}
