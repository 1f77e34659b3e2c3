package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
	"safetynet/internal/casework"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// The casework API: intake at the window, every workflow step, queues,
// the supervisors' board, tracking, the relatives' register and the
// county's spot check. Handlers decode, call one casework.Service method
// and render; IDs travel as strings, money as yuan strings, civil dates as
// YYYY-MM-DD, names in the caller's language.
func (s *Server) caseRoutes() {
	s.api("POST /api/v1/cases", s.apiCaseIntake)
	s.api("GET /api/v1/cases", s.apiCaseQueue)
	s.api("GET /api/v1/cases/board", s.apiCaseBoard)
	s.api("GET /api/v1/cases/track/{q}", s.apiCaseTrack)
	s.api("GET /api/v1/cases/{id}", s.apiCase)
	s.api("POST /api/v1/cases/{id}/actions/{action}", s.apiCaseAction)
	s.api("POST /api/v1/cases/sample", s.apiCaseSample)
	s.api("POST /api/v1/staff-relatives", s.apiRegisterRelative)
	s.api("GET /api/v1/staff-relatives", s.apiRelatives)
}

// pick returns zh or en by lang.
func pick(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

// rawMoney reads an amount given as a JSON string or number of yuan,
// naming field when it is malformed.
func rawMoney(raw json.RawMessage, field string) (money.Money, error) {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	v, err := money.Parse(s)
	if err != nil {
		return 0, apperr.Field(field, "金额格式错误："+s, "malformed amount: "+s)
	}
	return v, nil
}

// optDate reads an optional YYYY-MM-DD date, naming field when malformed.
func optDate(s, field string) (calendar.Date, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	d, err := calendar.ParseDate(strings.TrimSpace(s))
	if err != nil {
		if e, ok := apperr.As(err); ok {
			return 0, e.WithField(field)
		}
		return 0, apperr.Field(field, "日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD")
	}
	return d, nil
}

func dateOut(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func keysIn(ks []string) []casework.MaterialKey {
	out := make([]casework.MaterialKey, len(ks))
	for i, k := range ks {
		out[i] = casework.MaterialKey(strings.TrimSpace(k))
	}
	return out
}

// ---- intake ----

type screenIn struct {
	IncomeBelowStandard bool `json:"income_below_standard"`
	NoCapacityNoSupport bool `json:"no_capacity_no_support"`
	Illness             bool `json:"illness"`
	Schooling           bool `json:"schooling"`
	Housing             bool `json:"housing"`
	Unemployed          bool `json:"unemployed"`
	Disaster            bool `json:"disaster"`
	SuddenHardship      bool `json:"sudden_hardship"`
	HighExpenditure     bool `json:"high_expenditure"`
	OtherHardship       bool `json:"other_hardship"`
	Recipient           bool `json:"recipient"`
}

type caseIntakeIn struct {
	HouseholdID string       `json:"household_id"`
	Household   *householdIn `json:"household"`
	Programme   string       `json:"programme"`
	Track       string       `json:"track"`
	ApplicantID string       `json:"applicant_id_number"`
	Delegated   bool         `json:"delegated"`
	Materials   []string     `json:"materials"`
	Note        string       `json:"note"`
	Documents   []string     `json:"documents"`
	Screen      *screenIn    `json:"screen"`
}

func (s *Server) apiCaseIntake(w http.ResponseWriter, r *http.Request, p access.Principal) {
	var in caseIntakeIn
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	ci := casework.IntakeInput{Programme: casework.Programme(strings.TrimSpace(in.Programme)), Track: casework.Track(in.Track),
		ApplicantID: in.ApplicantID, Delegated: in.Delegated, Provided: keysIn(in.Materials), Note: in.Note, Documents: in.Documents}
	if in.HouseholdID != "" {
		id, err := strconv.ParseInt(strings.TrimSpace(in.HouseholdID), 10, 64)
		if err != nil || id <= 0 {
			s.apiError(w, r, apperr.Field("household_id", "家庭编号格式错误", "malformed household id"))
			return
		}
		ci.HouseholdID = id
	}
	if in.Household != nil {
		nh, err := in.Household.domain()
		if err != nil {
			if e, ok := apperr.As(err); ok {
				err = e.WithField("household")
			}
			s.apiError(w, r, err)
			return
		}
		ci.Household = &nh
	}
	if in.Screen != nil {
		ci.Screen = casework.ScreenAnswers(*in.Screen)
	}
	res, err := s.Casework.Intake(r.Context(), p, ci)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	lang := langOf(r)
	if res.Case == nil {
		out := []suggestionJSON{}
		for _, sg := range res.Suggestions {
			j := suggestionJSON{Programme: string(sg.Programme), Name: pick(lang, sg.Programme.Zh(), sg.Programme.En()),
				Department: string(sg.Department), DepartmentName: pick(lang, sg.Department.Zh(), sg.Department.En()),
				Materials: []materialJSON{}, Missing: missingOut(sg.Missing, lang)}
			for _, m := range sg.Materials {
				j.Materials = append(j.Materials, materialJSON{Kind: string(m.Kind), Name: pick(lang, m.Zh, m.En),
					PerMember: m.Scope != casework.PerHousehold, Who: pick(lang, m.CondZh, m.CondEn)})
			}
			out = append(out, j)
		}
		writeJSON(w, http.StatusOK, map[string]any{"suggestions": out})
		return
	}
	c := s.caseOut(*res.Case, lang)
	w.Header().Set("Location", "/api/v1/cases/"+c.ID)
	writeJSON(w, http.StatusCreated, c)
}

type suggestionJSON struct {
	Programme      string         `json:"programme"`
	Name           string         `json:"name"`
	Department     string         `json:"department"`
	DepartmentName string         `json:"department_name"`
	Materials      []materialJSON `json:"materials"`
	Missing        []missingJSON  `json:"missing,omitempty"`
}

type materialJSON struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	PerMember bool   `json:"per_member"`
	Who       string `json:"who,omitempty"`
}

type missingJSON struct {
	Key        string `json:"key"`
	Kind       string `json:"kind"`
	Member     string `json:"member,omitempty"`
	MemberName string `json:"member_name,omitempty"`
	Name       string `json:"name"`
}

func missingOut(ms []casework.Missing, lang string) []missingJSON {
	if ms == nil {
		return nil
	}
	out := []missingJSON{}
	for _, m := range ms {
		out = append(out, missingJSON{Key: string(m.Key), Kind: string(m.Kind), Member: m.Member, MemberName: m.MemberName,
			Name: pick(lang, m.Zh, m.En)})
	}
	return out
}

// ---- case rendering ----

type caseHouseholdJSON struct {
	ID          string `json:"id"`
	HeadID      string `json:"head_id_number"`
	HeadName    string `json:"head_name"`
	Village     string `json:"village"`
	VillageName string `json:"village_name"`
}

type casePersonJSON struct {
	IDNumber string `json:"id_number"`
	Name     string `json:"name"`
}

type caseActorJSON struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Region   string `json:"region"`
}

type caseStepJSON struct {
	Seq        int           `json:"seq"`
	Action     string        `json:"action"`
	ActionName string        `json:"action_name"`
	From       string        `json:"from,omitempty"`
	To         string        `json:"to"`
	By         caseActorJSON `json:"by"`
	At         time.Time     `json:"at"`
	Date       string        `json:"date"`
	Note       string        `json:"note,omitempty"`
	Reason     string        `json:"reason,omitempty"`
	Documents  []string      `json:"documents,omitempty"`
}

type caseVisitJSON struct {
	Date          string   `json:"date"`
	Investigators []string `json:"investigators"`
	Findings      string   `json:"findings"`
	Signed        bool     `json:"signed"`
	Method        string   `json:"method"`
	Documents     []string `json:"documents,omitempty"`
}

type caseVerificationJSON struct {
	Date   string `json:"date"`
	Result string `json:"result"`
	Report string `json:"report,omitempty"`
	Note   string `json:"note,omitempty"`
}

type caseSelfCareJSON struct {
	Date      string   `json:"date"`
	Failed    []string `json:"failed"`
	Count     int      `json:"count"`
	Tier      string   `json:"tier"`
	Assessors []string `json:"assessors,omitempty"`
}

type caseReviewJSON struct {
	Date    string     `json:"date"`
	Opinion string     `json:"opinion"`
	Amount  *jsonMoney `json:"amount,omitempty"`
	Tier    string     `json:"tier,omitempty"`
}

type caseObjectionJSON struct {
	Date    string `json:"date"`
	From    string `json:"from,omitempty"`
	Content string `json:"content"`
}

type caseNoticeJSON struct {
	Level      string              `json:"level"`
	Start      string              `json:"start"`
	End        string              `json:"end"`
	Objections []caseObjectionJSON `json:"objections"`
}

type caseAppraisalJSON struct {
	Date         string `json:"date"`
	Participants int    `json:"participants"`
	VillageReps  int    `json:"village_reps"`
	Summary      string `json:"summary"`
}

type caseFlagJSON struct {
	Kind       string `json:"kind"`
	IDNumber   string `json:"id_number"`
	Name       string `json:"name"`
	StaffID    string `json:"staff_id"`
	StaffName  string `json:"staff_name"`
	StaffRole  string `json:"staff_role"`
	Relation   string `json:"relation"`
	Descriptor string `json:"description"`
}

type caseDecisionJSON struct {
	Approved     bool               `json:"approved"`
	Date         string             `json:"date"`
	Level        string             `json:"level"`
	Amount       jsonMoney          `json:"amount"`
	Tier         string             `json:"tier,omitempty"`
	Setting      string             `json:"setting,omitempty"`
	Policy       *policy.VersionRef `json:"policy,omitempty"`
	Reasons      string             `json:"reasons,omitempty"`
	BenefitStart string             `json:"benefit_start,omitempty"`
}

type casePaymentJSON struct {
	Date   string    `json:"date"`
	At     time.Time `json:"at"`
	Amount jsonMoney `json:"amount"`
	Ref    string    `json:"ref,omitempty"`
}

type caseComputationJSON struct {
	Date   string             `json:"date"`
	Amount jsonMoney          `json:"amount"`
	Policy *policy.VersionRef `json:"policy,omitempty"`
}

type caseExtensionJSON struct {
	Date   string `json:"date"`
	Reason string `json:"reason"`
}

type caseDeadlineJSON struct {
	Kind        string     `json:"kind"`
	Action      string     `json:"action"`
	From        string     `json:"from"`
	Days        int        `json:"days,omitempty"`
	Hours       int        `json:"hours,omitempty"`
	Due         string     `json:"due"`
	DueAt       *time.Time `json:"due_at,omitempty"`
	Description string     `json:"description"`
	Basis       string     `json:"basis,omitempty"`
}

type caseJSON struct {
	ID              string                 `json:"id"`
	Tracking        string                 `json:"tracking"`
	Programme       string                 `json:"programme"`
	ProgrammeName   string                 `json:"programme_name"`
	Track           string                 `json:"track,omitempty"`
	Flow            string                 `json:"flow"`
	Status          string                 `json:"status"`
	StatusName      string                 `json:"status_name"`
	Department      string                 `json:"department"`
	DepartmentName  string                 `json:"department_name"`
	RoutedTo        string                 `json:"routed_to,omitempty"`
	Delegated       bool                   `json:"delegated"`
	Household       caseHouseholdJSON      `json:"household"`
	Applicant       casePersonJSON         `json:"applicant"`
	SubmittedAt     time.Time              `json:"submitted_at"`
	AcceptedAt      *time.Time             `json:"accepted_at,omitempty"`
	Materials       []string               `json:"materials"`
	Missing         []missingJSON          `json:"missing,omitempty"`
	MissingNotice   string                 `json:"missing_notice,omitempty"`
	Flags           []caseFlagJSON         `json:"flags"`
	Sampled         bool                   `json:"sampled"`
	Investigations  []caseVisitJSON        `json:"investigations"`
	CountyVisits    []caseVisitJSON        `json:"county_visits"`
	Verifications   []caseVerificationJSON `json:"verifications"`
	SelfCare        *caseSelfCareJSON      `json:"self_care,omitempty"`
	Reviews         []caseReviewJSON       `json:"reviews"`
	Notices         []caseNoticeJSON       `json:"notices"`
	Appraisals      []caseAppraisalJSON    `json:"appraisals"`
	Extension       *caseExtensionJSON     `json:"extension,omitempty"`
	Computation     *caseComputationJSON   `json:"computation,omitempty"`
	Decision        *caseDecisionJSON      `json:"decision,omitempty"`
	Payment         *casePaymentJSON       `json:"payment,omitempty"`
	RefusalNotified string                 `json:"refusal_notified,omitempty"`
	Steps           []caseStepJSON         `json:"steps"`
	Deadlines       []caseDeadlineJSON     `json:"deadlines"`
	NextDue         string                 `json:"next_due,omitempty"`
	Urgency         string                 `json:"urgency"`
	Urgent          []caseDeadlineJSON     `json:"urgent,omitempty"`
	Allowed         []string               `json:"allowed_actions"`
	Version         int                    `json:"version"`
	// VerificationRequest is the centre's request a request_verification
	// step opened (in that step's response only).
	VerificationRequest *verifyRequestJSON `json:"verification_request,omitempty"`
}

func visitsOut(vs []casework.Visit) []caseVisitJSON {
	out := []caseVisitJSON{}
	for _, v := range vs {
		out = append(out, caseVisitJSON{Date: dateOut(v.Date), Investigators: v.Investigators, Findings: v.Findings,
			Signed: v.Signed, Method: v.Method, Documents: v.Documents})
	}
	return out
}

func deadlinesOut(ds []casework.Deadline, lang string) []caseDeadlineJSON {
	out := []caseDeadlineJSON{}
	for _, d := range ds {
		j := caseDeadlineJSON{Kind: string(d.Kind), Action: string(d.Action), From: dateOut(d.From), Days: d.Days,
			Hours: d.Hours, Due: dateOut(d.Due), Description: pick(lang, d.Zh, d.En), Basis: d.Basis}
		if !d.DueAt.IsZero() {
			at := d.DueAt.UTC()
			j.DueAt = &at
		}
		out = append(out, j)
	}
	return out
}

func refOut(r policy.VersionRef) *policy.VersionRef {
	if r == (policy.VersionRef{}) {
		return nil
	}
	return &r
}

func (s *Server) caseOut(v casework.View, lang string) caseJSON {
	c := v.Case
	dept := c.Programme.Department()
	out := caseJSON{ID: strconv.FormatInt(c.ID, 10), Tracking: c.Tracking, Programme: string(c.Programme),
		ProgrammeName: pick(lang, c.Programme.Zh(), c.Programme.En()), Track: string(c.Track), Flow: string(c.Flow),
		Status: string(c.Status), StatusName: pick(lang, c.Status.Zh(), c.Status.En()), Department: string(dept),
		DepartmentName: pick(lang, dept.Zh(), dept.En()), RoutedTo: string(c.RoutedTo), Delegated: c.Delegated,
		Household: caseHouseholdJSON{ID: strconv.FormatInt(c.Household.ID, 10), HeadID: c.Household.HeadID,
			HeadName: c.Household.HeadName, Village: c.Household.Village, VillageName: s.Divisions.Tree().Path(c.Household.Village)},
		Applicant:   casePersonJSON{IDNumber: c.Applicant.IDNumber, Name: c.Applicant.Name},
		SubmittedAt: c.SubmittedAt.UTC(), Materials: []string{}, Missing: missingOut(v.Missing, lang), Flags: []caseFlagJSON{},
		Sampled: c.Sampled, Investigations: visitsOut(c.Investigations), CountyVisits: visitsOut(c.CountyVisits),
		Verifications: []caseVerificationJSON{}, Reviews: []caseReviewJSON{}, Notices: []caseNoticeJSON{},
		Appraisals: []caseAppraisalJSON{}, RefusalNotified: dateOut(c.RefusalNotified), Steps: []caseStepJSON{},
		Deadlines: deadlinesOut(v.Deadlines, lang), Urgency: strings.ReplaceAll(v.Urgency.String(), " ", "_"),
		Allowed: []string{}, Version: c.Version}
	if len(v.Urgent) > 0 {
		out.Urgent = deadlinesOut(v.Urgent, lang)
	}
	if len(v.Deadlines) > 0 {
		out.NextDue = dateOut(v.Deadlines[0].Due)
	}
	if len(v.Missing) > 0 {
		zh, en := casework.MissingNotice(v.Missing)
		out.MissingNotice = pick(lang, zh, en)
	}
	if !c.AcceptedAt.IsZero() {
		at := c.AcceptedAt.UTC()
		out.AcceptedAt = &at
	}
	for _, k := range c.Materials {
		out.Materials = append(out.Materials, string(k))
	}
	for _, f := range c.Flags {
		out.Flags = append(out.Flags, caseFlagJSON{Kind: string(f.Kind), IDNumber: f.IDNumber, Name: f.Name,
			StaffID: f.Staff.StaffID, StaffName: f.Staff.StaffName, StaffRole: string(f.Staff.StaffRole),
			Relation: string(f.Staff.Relation), Descriptor: pick(lang, f.Zh(), f.En())})
	}
	for _, x := range c.Verifications {
		out.Verifications = append(out.Verifications, caseVerificationJSON{Date: dateOut(x.Date), Result: string(x.Result), Report: x.Report, Note: x.Note})
	}
	if sc := c.SelfCare; sc != nil {
		j := &caseSelfCareJSON{Date: dateOut(sc.Date), Failed: []string{}, Count: sc.Count, Tier: sc.Tier, Assessors: sc.Assessors}
		for i, f := range sc.Failed {
			if f {
				j.Failed = append(j.Failed, registry.SelfCareActivities[i][0])
			}
		}
		out.SelfCare = j
	}
	for _, x := range c.Reviews {
		j := caseReviewJSON{Date: dateOut(x.Date), Opinion: x.Opinion, Tier: x.Tier}
		if x.Amount != 0 {
			m := jsonMoney(x.Amount)
			j.Amount = &m
		}
		out.Reviews = append(out.Reviews, j)
	}
	for _, n := range c.Notices {
		j := caseNoticeJSON{Level: string(n.Level), Start: dateOut(n.Start), End: dateOut(n.End), Objections: []caseObjectionJSON{}}
		for _, o := range n.Objections {
			j.Objections = append(j.Objections, caseObjectionJSON{Date: dateOut(o.Date), From: o.From, Content: o.Content})
		}
		out.Notices = append(out.Notices, j)
	}
	for _, a := range c.Appraisals {
		out.Appraisals = append(out.Appraisals, caseAppraisalJSON{Date: dateOut(a.Date), Participants: a.Participants,
			VillageReps: a.VillageReps, Summary: a.Summary})
	}
	if x := c.Extension; x != nil {
		out.Extension = &caseExtensionJSON{Date: dateOut(x.Date), Reason: x.Reason}
	}
	if x := c.Computation; x != nil {
		out.Computation = &caseComputationJSON{Date: dateOut(x.Date), Amount: jsonMoney(x.Amount), Policy: refOut(x.Policy)}
	}
	if d := c.Decision; d != nil {
		out.Decision = &caseDecisionJSON{Approved: d.Approved, Date: dateOut(d.Date), Level: string(d.Level),
			Amount: jsonMoney(d.Amount), Tier: d.Tier, Setting: d.Setting, Policy: refOut(d.Policy), Reasons: d.Reasons,
			BenefitStart: dateOut(d.BenefitStart)}
	}
	if x := c.Payment; x != nil {
		out.Payment = &casePaymentJSON{Date: dateOut(x.Date), At: x.At.UTC(), Amount: jsonMoney(x.Amount), Ref: x.Ref}
	}
	for _, st := range c.Steps {
		out.Steps = append(out.Steps, caseStepJSON{Seq: st.Seq, Action: string(st.Action), ActionName: pick(lang, st.Action.Zh(), st.Action.En()),
			From: string(st.From), To: string(st.To), By: caseActorJSON{Username: st.By.Username, Name: st.By.Name,
				Role: string(st.By.Role), Region: st.By.Region}, At: st.At.UTC(), Date: dateOut(st.Date()),
			Note: st.Note, Reason: st.Reason, Documents: st.Documents})
	}
	for _, a := range v.Allowed {
		out.Allowed = append(out.Allowed, string(a))
	}
	return out
}

// caseRowJSON is a case in a list: enough to find it and see where it
// stands.
type caseRowJSON struct {
	ID            string             `json:"id"`
	Tracking      string             `json:"tracking"`
	Programme     string             `json:"programme"`
	ProgrammeName string             `json:"programme_name"`
	Status        string             `json:"status"`
	StatusName    string             `json:"status_name"`
	Department    string             `json:"department"`
	HeadName      string             `json:"head_name"`
	ApplicantName string             `json:"applicant_name"`
	Village       string             `json:"village"`
	VillageName   string             `json:"village_name"`
	Flagged       bool               `json:"flagged"`
	SubmittedAt   time.Time          `json:"submitted_at"`
	NextDue       string             `json:"next_due,omitempty"`
	Urgency       string             `json:"urgency"`
	Urgent        []caseDeadlineJSON `json:"urgent,omitempty"`
	Allowed       []string           `json:"allowed_actions"`
	Version       int                `json:"version"`
}

func (s *Server) caseRowOut(v casework.View, lang string) caseRowJSON {
	c := v.Case
	j := caseRowJSON{ID: strconv.FormatInt(c.ID, 10), Tracking: c.Tracking, Programme: string(c.Programme),
		ProgrammeName: pick(lang, c.Programme.Zh(), c.Programme.En()), Status: string(c.Status),
		StatusName: pick(lang, c.Status.Zh(), c.Status.En()), Department: string(c.Programme.Department()),
		HeadName: c.Household.HeadName, ApplicantName: c.Applicant.Name, Village: c.Household.Village,
		VillageName: s.Divisions.Tree().Path(c.Household.Village), Flagged: c.Flagged(), SubmittedAt: c.SubmittedAt.UTC(),
		Urgency: strings.ReplaceAll(v.Urgency.String(), " ", "_"), Allowed: []string{}, Version: c.Version}
	if len(v.Deadlines) > 0 {
		j.NextDue = dateOut(v.Deadlines[0].Due)
	}
	if len(v.Urgent) > 0 {
		j.Urgent = deadlinesOut(v.Urgent, lang)
	}
	for _, a := range v.Allowed {
		j.Allowed = append(j.Allowed, string(a))
	}
	return j
}

func (s *Server) caseRows(vs []casework.View, lang string) []caseRowJSON {
	out := []caseRowJSON{}
	for _, v := range vs {
		out = append(out, s.caseRowOut(v, lang))
	}
	return out
}

// ---- reads ----

func (s *Server) apiCase(w http.ResponseWriter, r *http.Request, p access.Principal) {
	v, err := s.Casework.Get(r.Context(), p, pathInt64(r, "id"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.caseOut(v, langOf(r)))
}

func (s *Server) apiCaseTrack(w http.ResponseWriter, r *http.Request, p access.Principal) {
	vs, err := s.Casework.Track(r.Context(), p, r.PathValue("q"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": s.caseRows(vs, langOf(r))})
}

func (s *Server) apiCaseQueue(w http.ResponseWriter, r *http.Request, p access.Principal) {
	q := r.URL.Query()
	f := casework.QueueFilter{Programme: casework.Programme(q.Get("programme")), Department: casework.Department(q.Get("department"))}
	if st := strings.TrimSpace(q.Get("status")); st != "" {
		if st == "all" {
			f.Statuses = casework.Statuses
		} else {
			for _, x := range strings.Split(st, ",") {
				f.Statuses = append(f.Statuses, casework.Status(strings.TrimSpace(x)))
			}
		}
	}
	for _, n := range []struct {
		name string
		dst  *int
	}{{"limit", &f.Limit}, {"offset", &f.Offset}} {
		if v := q.Get(n.name); v != "" {
			i, err := strconv.Atoi(v)
			if err != nil {
				s.apiError(w, r, apperr.Field(n.name, n.name+" 须为整数", n.name+" must be an integer"))
				return
			}
			*n.dst = i
		}
	}
	vs, total, err := s.Casework.Queue(r.Context(), p, f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": s.caseRows(vs, langOf(r)), "total": total})
}

func (s *Server) apiCaseBoard(w http.ResponseWriter, r *http.Request, p access.Principal) {
	b, err := s.Casework.Board(r.Context(), p, time.Time{})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	lang := langOf(r)
	writeJSON(w, http.StatusOK, map[string]any{"date": dateOut(b.Date), "due_through": dateOut(b.Through),
		"overdue": s.caseRows(b.Overdue, lang), "due_soon": s.caseRows(b.DueSoon, lang)})
}

// ---- steps ----

type caseVisitIn struct {
	Date          string   `json:"date"`
	Investigators []string `json:"investigators"`
	Findings      string   `json:"findings"`
	Signed        bool     `json:"signed"`
	Method        string   `json:"method"`
	Documents     []string `json:"documents"`
}

type caseVerificationIn struct {
	Date   string `json:"date"`
	Result string `json:"result"`
	Report string `json:"report"`
	Note   string `json:"note"`
}

type caseSelfCareIn struct {
	Date      string   `json:"date"`
	Failed    []string `json:"failed"`
	Assessors []string `json:"assessors"`
}

type caseObjectionIn struct {
	Date    string `json:"date"`
	From    string `json:"from"`
	Content string `json:"content"`
}

type caseAppraisalIn struct {
	Date         string `json:"date"`
	Participants int    `json:"participants"`
	VillageReps  int    `json:"village_reps"`
	Summary      string `json:"summary"`
}

// caseStepIn is the body of POST /cases/{id}/actions/{action}: the
// version read, and whatever the action needs.
type caseStepIn struct {
	Version      int                 `json:"version"`
	Note         string              `json:"note"`
	Reason       string              `json:"reason"`
	Documents    []string            `json:"documents"`
	Materials    []string            `json:"materials"`
	Visit        *caseVisitIn        `json:"visit"`
	Verification *caseVerificationIn `json:"verification"`
	SelfCare     *caseSelfCareIn     `json:"self_care"`
	Opinion      string              `json:"opinion"`
	NoticeStart  string              `json:"notice_start"`
	Objection    *caseObjectionIn    `json:"objection"`
	Appraisal    *caseAppraisalIn    `json:"appraisal"`
	Amount       json.RawMessage     `json:"amount"`
	Tier         string              `json:"tier"`
	Setting      string              `json:"setting"`
	Policy       *policy.VersionRef  `json:"policy"`
	Delivered    string              `json:"delivered"`
	PaymentRef   string              `json:"payment_ref"`
}

func (in *caseStepIn) domain() (casework.StepInput, error) {
	out := casework.StepInput{Note: in.Note, Reason: in.Reason, Documents: in.Documents, Materials: keysIn(in.Materials),
		Opinion: in.Opinion, Tier: in.Tier, Setting: in.Setting, PaymentRef: in.PaymentRef}
	var err error
	if len(in.Amount) > 0 && string(in.Amount) != "null" {
		if out.Amount, err = rawMoney(in.Amount, "amount"); err != nil {
			return out, err
		}
	}
	if in.Policy != nil {
		out.Policy = *in.Policy
	}
	if out.NoticeStart, err = optDate(in.NoticeStart, "notice_start"); err != nil {
		return out, err
	}
	if out.Delivered, err = optDate(in.Delivered, "delivered"); err != nil {
		return out, err
	}
	if v := in.Visit; v != nil {
		d, err := optDate(v.Date, "visit.date")
		if err != nil {
			return out, err
		}
		out.Visit = &casework.Visit{Date: d, Investigators: v.Investigators, Findings: v.Findings, Signed: v.Signed,
			Method: v.Method, Documents: v.Documents}
	}
	if v := in.Verification; v != nil {
		d, err := optDate(v.Date, "verification.date")
		if err != nil {
			return out, err
		}
		out.Verification = &casework.Verification{Date: d, Result: casework.VerificationResult(v.Result), Report: v.Report, Note: v.Note}
	}
	if v := in.SelfCare; v != nil {
		d, err := optDate(v.Date, "self_care.date")
		if err != nil {
			return out, err
		}
		a := &casework.SelfCareAssessment{Date: d, Assessors: v.Assessors}
		for _, k := range v.Failed {
			found := false
			for i, act := range registry.SelfCareActivities {
				if act[0] == k {
					a.Failed[i], found = true, true
				}
			}
			if !found {
				return out, apperr.Field("self_care.failed", "生活自理项应为 eat、dress、bed、toilet、walk、bathe",
					"self-care activities are eat, dress, bed, toilet, walk, bathe")
			}
		}
		out.SelfCare = a
	}
	if v := in.Objection; v != nil {
		d, err := optDate(v.Date, "objection.date")
		if err != nil {
			return out, err
		}
		out.Objection = &casework.Objection{Date: d, From: v.From, Content: v.Content}
	}
	if v := in.Appraisal; v != nil {
		d, err := optDate(v.Date, "appraisal.date")
		if err != nil {
			return out, err
		}
		out.Appraisal = &casework.Appraisal{Date: d, Participants: v.Participants, VillageReps: v.VillageReps, Summary: v.Summary}
	}
	return out, nil
}

func (s *Server) apiCaseAction(w http.ResponseWriter, r *http.Request, p access.Principal) {
	var in caseStepIn
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	step, err := in.domain()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	// The verification steps go through the centre: see takeStep.
	v, vr, err := s.takeStep(r.Context(), p, pathInt64(r, "id"), in.Version, casework.Action(r.PathValue("action")), step)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := s.caseOut(v, langOf(r))
	if vr != nil {
		j := s.verifyRequestOut(*vr)
		out.VerificationRequest = &j
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCaseSample(w http.ResponseWriter, r *http.Request, p access.Principal) {
	var in struct {
		County    string `json:"county"`
		Programme string `json:"programme"`
		Ratio     string `json:"ratio"`
		Seed      int64  `json:"seed"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	var ratio money.Ratio
	if strings.TrimSpace(in.Ratio) != "" {
		q, err := money.ParseRatio(strings.TrimSpace(in.Ratio))
		if err != nil {
			s.apiError(w, r, apperr.Field("ratio", "抽查比例格式错误，如 0.3", "malformed ratio, e.g. 0.3"))
			return
		}
		ratio = q
	}
	res, err := s.Casework.DrawCountySample(r.Context(), p, in.County, casework.Programme(in.Programme), ratio, in.Seed)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"county": res.County, "programme": string(res.Programme),
		"ratio": res.Ratio.String(), "seed": strconv.FormatInt(res.Seed, 10), "candidates": res.Candidates,
		"drawn": s.caseRows(res.Drawn, langOf(r))})
}

// ---- relatives' register ----

type relativeJSON struct {
	ID         string    `json:"id"`
	County     string    `json:"county"`
	StaffID    string    `json:"staff_id"`
	StaffName  string    `json:"staff_name"`
	StaffRole  string    `json:"staff_role"`
	RelativeID string    `json:"relative_id"`
	Relation   string    `json:"relation"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
}

func relativeOut(e casework.RegisteredRelative) relativeJSON {
	return relativeJSON{ID: strconv.FormatInt(e.ID, 10), County: e.County, StaffID: e.StaffID, StaffName: e.StaffName,
		StaffRole: string(e.StaffRole), RelativeID: e.RelativeID, Relation: string(e.Relation), CreatedBy: e.CreatedBy,
		CreatedAt: e.CreatedAt.UTC()}
}

func (s *Server) apiRegisterRelative(w http.ResponseWriter, r *http.Request, p access.Principal) {
	var in struct {
		County     string `json:"county"`
		StaffID    string `json:"staff_id"`
		StaffName  string `json:"staff_name"`
		StaffRole  string `json:"staff_role"`
		RelativeID string `json:"relative_id"`
		Relation   string `json:"relation"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	e, err := s.Casework.RegisterRelative(r.Context(), p, in.County, casework.StaffRelative{StaffID: in.StaffID,
		StaffName: in.StaffName, StaffRole: casework.StaffRole(in.StaffRole), RelativeID: in.RelativeID,
		Relation: casework.Relation(in.Relation)})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, relativeOut(e))
}

func (s *Server) apiRelatives(w http.ResponseWriter, r *http.Request, p access.Principal) {
	es, err := s.Casework.Relatives(r.Context(), p)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := []relativeJSON{}
	for _, e := range es {
		out = append(out, relativeOut(e))
	}
	writeJSON(w, http.StatusOK, map[string]any{"relatives": out})
}
