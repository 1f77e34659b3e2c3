package casework

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
	"safetynet/internal/idcard"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Case is one request for assistance from intake to its end: the
// aggregate the workflow acts on. The store keeps it whole (or as rows per
// record); the domain changes it only through Open and Apply.
type Case struct {
	ID       int64
	Tracking string // receipt number, see TrackingNumber
	// Programme, Track and Flow are fixed at intake: a case follows the
	// procedure in force when it was opened to its end.
	Programme Programme
	Track     Track
	Flow      Flow
	// Delegated: the county has delegated confirmation of this programme to
	// the township (S-DB2021 Art.2, S-TK2021 Art.28), so the township
	// reviewer confirms and the whole-process limit is the delegated one.
	Delegated bool

	Household HouseholdRef
	Applicant PersonRef // the person applying (the patient, the student, the 特困 person); the head by default
	Status    Status

	SubmittedAt time.Time
	AcceptedAt  time.Time
	Materials   []MaterialKey // materials handed in so far

	Steps          []Step
	Investigations []Visit // township 入户调查
	CountyVisits   []Visit // county 入户核查 / 入户抽查
	Verifications  []Verification
	SelfCare       *SelfCareAssessment // 特困 only
	Reviews        []Review            // 初审意见 (township opinion), latest last
	Notices        []Notice            // 公示 rounds, latest last
	Appraisals     []Appraisal         // 民主评议
	Flags          []Flag
	Sampled        bool // drawn for the county's home-visit spot check
	Extension      *Extension
	Computation    *Computation // medical: the computed assistance
	Decision       *Decision
	Payment        *Payment
	RoutedTo       Department
	// RefusalNotified is the day the written refusal was delivered.
	RefusalNotified calendar.Date

	// Version is the store's optimistic-lock counter; the domain never
	// changes it.
	Version int
}

// HouseholdRef identifies the household a case is about.
type HouseholdRef struct {
	ID       int64
	HeadID   string // the head's 18-digit resident ID
	HeadName string
	Village  string // 12-digit village (community) code: the case's jurisdiction
}

// Township returns the 12-digit code of the township the village belongs
// to (the receiving window), or "" for a malformed village code.
func (h HouseholdRef) Township() string {
	if len(h.Village) != 12 {
		return ""
	}
	return h.Village[:9] + "000"
}

// County returns the 12-digit code of the county, or "".
func (h HouseholdRef) County() string {
	if len(h.Village) != 12 {
		return ""
	}
	return h.Village[:6] + "000000"
}

// PersonRef identifies a person.
type PersonRef struct {
	PersonID int64
	IDNumber string
	Name     string
}

// Actor is who took a step, as recorded with it.
type Actor struct {
	UserID   int64
	Username string
	Name     string
	Role     access.Role
	Region   string
}

func actorOf(p access.Principal) Actor {
	return Actor{UserID: p.UserID, Username: p.Username, Name: p.Name, Role: p.Role, Region: p.Region}
}

// Step is one entry of a case's history.
type Step struct {
	Seq       int // index in Case.Steps
	Action    Action
	From, To  Status
	By        Actor
	At        time.Time
	Note      string
	Reason    string   // reasons of a refusal, withdrawal, re-investigation, extension
	Documents []string // references to stored documents (scans, forms)
}

// Date returns the civil date in China of the step.
func (s Step) Date() calendar.Date { return calendar.FromTime(s.At) }

// Visit is a home visit (入户调查): the township's investigation, or the
// county's own visit.
type Visit struct {
	Seq           int // the step that recorded it
	Date          calendar.Date
	Investigators []string // at least two named staff
	Findings      string
	// Signed: the investigation form is signed by the investigators and
	// the applicant (S-DB2012 Art.19).
	Signed bool
	// Method is VisitHome, or VisitPhone / VisitVideo during a major
	// emergency (S-DB2021 Art.16).
	Method    string
	Documents []string
}

// Visit methods.
const (
	VisitHome  = "home"
	VisitPhone = "phone"
	VisitVideo = "video"
)

// VerificationResult is the outcome of the household economic-status
// verification (信息核对).
type VerificationResult string

// The results.
const (
	VerificationMeets    VerificationResult = "meets"     // 符合条件
	VerificationNotMeets VerificationResult = "not_meets" // 不符合条件
	VerificationManual   VerificationResult = "manual"    // 手工核对（纸质回函）结果
)

var verificationNames = map[VerificationResult][2]string{
	VerificationMeets:    {"符合条件", "meets the conditions"},
	VerificationNotMeets: {"不符合条件", "does not meet the conditions"},
	VerificationManual:   {"手工核对", "verified manually"},
}

// Zh returns the Chinese name of r.
func (r VerificationResult) Zh() string { return nameOr(verificationNames, r, 0) }

// Verification is a recorded verification result.
type Verification struct {
	Seq    int
	Date   calendar.Date
	Result VerificationResult
	Report string // reference to the verification report
	Note   string
}

// SelfCareAssessment is the 特困 self-care assessment (S-TK2021 Arts 20–22).
type SelfCareAssessment struct {
	Seq  int
	Date calendar.Date
	// Failed[i] is true when the person cannot do registry.SelfCareActivities[i]
	// alone (eat, dress, bed, toilet, walk indoors, bathe).
	Failed    [6]bool
	Count     int    // activities failed, 0–6
	Tier      string // policy.CareIndependent (0), CarePartial (1–3), CareComplete (4–6)
	Assessors []string
}

// Review is a township 初审意见.
type Review struct {
	Seq     int
	Date    calendar.Date
	Opinion string
	Amount  money.Money // the proposed amount (required for temporary assistance)
	Tier    string
}

// NoticeLevel says who publishes a notice.
type NoticeLevel string

// The notice levels.
const (
	NoticeTownship NoticeLevel = "township" // 乡镇 公示 of the 初审意见
	NoticeCounty   NoticeLevel = "county"   // 县级 公示 of proposed approvals (2012 procedure)
)

// Notice is one round of public notice (公示).
type Notice struct {
	Seq        int
	Level      NoticeLevel
	Start, End calendar.Date // both inclusive; see NoticeEnd
	Objections []Objection
}

// Objection is an objection raised against a notice.
type Objection struct {
	Seq     int
	Date    calendar.Date
	From    string // who objected, if they gave a name
	Content string
}

// Appraisal is a 民主评议 (democratic appraisal) meeting.
type Appraisal struct {
	Seq          int
	Date         calendar.Date
	Participants int
	VillageReps  int // village representatives among them: at least 2/3
	Summary      string
}

// Extension records the special-case extension of the whole-process limit.
type Extension struct {
	Seq    int
	Date   calendar.Date
	Reason string
}

// Computation is a computed amount (medical assistance).
type Computation struct {
	Seq    int
	Date   calendar.Date
	Amount money.Money
	Policy policy.VersionRef
}

// Decision is the decision on a case.
type Decision struct {
	Seq      int
	Approved bool
	Date     calendar.Date
	At       time.Time
	Level    DecisionLevel
	Amount   money.Money // per month for dibao and 特困; once for the others
	Tier     string      // dibao rural tier A/B/C, or the 特困 care tier
	Setting  string      // 特困: policy.SettingInstitution or policy.SettingHome
	Policy   policy.VersionRef
	Reasons  string
	// BenefitStart is the first benefit month (the month after the
	// decision) for dibao and 特困; zero otherwise.
	BenefitStart calendar.Date
}

// DecisionLevel says who decided.
type DecisionLevel string

// The decision levels.
const (
	LevelTownship   DecisionLevel = "township"
	LevelCounty     DecisionLevel = "county"
	LevelDepartment DecisionLevel = "department"
)

// Payment records a payment made by the case itself: 先行救助 of an
// emergency, or a medical-assistance settlement. Monthly benefits are paid
// by the payroll, not here.
type Payment struct {
	Seq    int
	Date   calendar.Date
	At     time.Time
	Amount money.Money
	Ref    string
}

// Flagged reports whether c has a relatives' flag (单独登记备案).
func (c *Case) Flagged() bool {
	for _, f := range c.Flags {
		if f.Kind == FlagRelative {
			return true
		}
	}
	return false
}

// AcceptedOn returns the acceptance date, or zero before acceptance.
func (c *Case) AcceptedOn() calendar.Date {
	if c.AcceptedAt.IsZero() {
		return 0
	}
	return calendar.FromTime(c.AcceptedAt)
}

// Verification returns the latest verification result, if any.
func (c *Case) Verification() (Verification, bool) {
	if len(c.Verifications) == 0 {
		return Verification{}, false
	}
	return c.Verifications[len(c.Verifications)-1], true
}

// Notice returns the latest notice round, if any.
func (c *Case) Notice() (Notice, bool) {
	if len(c.Notices) == 0 {
		return Notice{}, false
	}
	return c.Notices[len(c.Notices)-1], true
}

// Review returns the latest township opinion, if any.
func (c *Case) Review() (Review, bool) {
	if len(c.Reviews) == 0 {
		return Review{}, false
	}
	return c.Reviews[len(c.Reviews)-1], true
}

// MissingMaterials returns what household h still has to hand in for c,
// by c's programme and track, as MissingMaterials does; the application
// date is the day the case was submitted.
func (c *Case) MissingMaterials(h *registry.Household) []Missing {
	return missing(Materials(c.Programme, c.Track), h, c.Materials, calendar.FromTime(c.SubmittedAt))
}

// entered returns the index of the last step that moved c into status s
// from another status, or -1.
func (c *Case) entered(s Status) int {
	for i := len(c.Steps) - 1; i >= 0; i-- {
		if c.Steps[i].To == s && c.Steps[i].From != s {
			return i
		}
	}
	return -1
}

// lastStep returns the index of the last step taking action a, or -1.
func (c *Case) lastStep(a Action) int {
	for i := len(c.Steps) - 1; i >= 0; i-- {
		if c.Steps[i].Action == a {
			return i
		}
	}
	return -1
}

// stepDate returns the date of step i (i ≥ 0).
func (c *Case) stepDate(i int) calendar.Date { return c.Steps[i].Date() }

// NewCase is the input of Open.
type NewCase struct {
	// Tracking is the receipt number (TrackingNumber), assigned by the
	// service from a per-township daily sequence; may be left empty and set
	// later.
	Tracking  string
	Programme Programme
	Track     Track
	Household HouseholdRef
	Applicant PersonRef // zero: the head
	Delegated bool
	Flags     []Flag        // from FlagRelatives
	Materials []MaterialKey // handed in with the application
	Note      string
	Documents []string
}

// Open registers an application (申请): a new case in StatusSubmitted with
// its first step. Any intake role may do it: a village assistant at a
// village service point, or a township clerk or reviewer at the window (for
// medical assistance also the medical-insurance handler), within whose
// jurisdiction the household's village lies. proc is the
// procedure in force on the day, which fixes the dibao variant.
//
// Errors: Unauthorized for an anonymous caller; Forbidden for another role
// or a village outside the caller's jurisdiction; Invalid naming the field
// ("programme", "track", "household.village", "household.head_id",
// "applicant.id_number", "tracking", "delegated", "flags[i]…", "at").
func Open(in NewCase, by access.Principal, at time.Time, proc policy.ProcedureParams) (*Case, error) {
	const op = "casework.Open"
	if !by.Authenticated() {
		return nil, apperr.ErrUnauthorized.WithOp(op)
	}
	if at.IsZero() {
		return nil, apperr.Field("at", "缺少办理时间", "the time of the step is missing").WithOp(op)
	}
	flow, err := FlowFor(in.Programme, in.Track, proc.Dibao.Variant)
	if err != nil {
		return nil, withOp(err, op)
	}
	v, err := region.Normalize(in.Household.Village)
	if err != nil || region.LevelOf(v) != region.Village {
		return nil, apperr.Field("household.village", "村（社区）代码须为12位村级代码", "the village must be a 12-digit village code").WithOp(op)
	}
	in.Household.Village = v
	if in.Household.HeadID != "" {
		id, err := idcard.Parse(in.Household.HeadID)
		if err != nil {
			return nil, apperr.Field("household.head_id", "户主身份证号码无效", "the head's resident ID is not valid").WithOp(op)
		}
		in.Household.HeadID = id.String()
	}
	if in.Applicant.IDNumber != "" {
		id, err := idcard.Parse(in.Applicant.IDNumber)
		if err != nil {
			return nil, apperr.Field("applicant.id_number", "申请人身份证号码无效", "the applicant's resident ID is not valid").WithOp(op)
		}
		in.Applicant.IDNumber = id.String()
	} else if in.Applicant == (PersonRef{}) {
		in.Applicant = PersonRef{IDNumber: in.Household.HeadID, Name: in.Household.HeadName}
	}
	if in.Tracking != "" {
		if _, _, _, err := ParseTrackingNumber(in.Tracking); err != nil {
			return nil, withOp(err, op)
		}
	}
	if in.Delegated && in.Programme != Dibao && in.Programme != Tekun {
		return nil, apperr.Field("delegated", "只有低保和特困的审核确认可以委托乡镇", "only dibao and 特困 confirmation can be delegated to the township").WithOp(op)
	}
	if in.Delegated && flow == FlowDibao2012 {
		return nil, apperr.Field("delegated", "2012年审核审批办法不允许委托乡镇审批", "the 2012 procedure does not delegate approval to the township").WithOp(op)
	}
	in.Flags = slices.Clone(in.Flags)
	for i := range in.Flags {
		if err := validFlag(&in.Flags[i]); err != nil {
			return nil, withOp(fieldPrefix(err, fmt.Sprintf("flags[%d]", i)), op)
		}
	}
	if !isIntake(by, in.Programme) {
		return nil, apperr.New(apperr.Forbidden,
			fmt.Sprintf("您的角色（%s）不能登记申请，须由村级协理员或乡镇窗口办理", by.Role.Zh()),
			fmt.Sprintf("your role (%s) may not register applications; a village assistant or the township window does", by.Role.En())).WithOp(op)
	}
	if !by.Covers(in.Household.Village) {
		return nil, errJurisdiction().WithOp(op)
	}
	c := &Case{
		Tracking: in.Tracking, Programme: in.Programme, Track: in.Track, Flow: flow, Delegated: in.Delegated,
		Household: in.Household, Applicant: in.Applicant, Status: StatusSubmitted,
		SubmittedAt: at, Materials: dedupKeys(nil, in.Materials), Flags: in.Flags,
	}
	c.Steps = []Step{{Seq: 0, Action: ActionSubmit, To: StatusSubmitted, By: actorOf(by), At: at,
		Note: in.Note, Documents: slices.Clone(in.Documents)}}
	return c, nil
}

// isIntake reports whether p may register an application for prog: a
// village assistant or the township window, and for medical assistance
// also the medical-insurance handler (a hospital's one-stop settlement).
func isIntake(p access.Principal, prog Programme) bool {
	if p.IsSystem() {
		return true
	}
	switch p.Role {
	case access.VillageAssistant, access.TownshipClerk, access.TownshipReviewer:
		return true
	case access.DepartmentHandler:
		return prog == Medical
	}
	return false
}

func dedupKeys(have, add []MaterialKey) []MaterialKey {
	out := slices.Clone(have)
	for _, k := range add {
		if k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func validFlag(f *Flag) error {
	if f.Kind != FlagRelative {
		return apperr.Field("kind", fmt.Sprintf("未知的标记类型“%s”", f.Kind), fmt.Sprintf("unknown flag kind %q", f.Kind))
	}
	if err := f.Staff.Validate(); err != nil {
		return fieldPrefix(err, "staff")
	}
	return nil
}

// TrackingNumber returns the receipt number of the seq-th application a
// township received on date: the 9-digit township code, the date as
// YYYYMMDD and the sequence in at least six digits, joined by hyphens:
// "530102001-20250703-000123". township may be given with 9 digits or as
// the 12-digit code ending in "000". It panics on any other township code or
// on seq < 1, which are programming errors in the caller.
func TrackingNumber(township string, date calendar.Date, seq int) string {
	t := township
	if len(t) == 12 && strings.HasSuffix(t, "000") {
		t = t[:9]
	}
	if len(t) != 9 || !allDigits(t) || strings.HasSuffix(t, "000") {
		panic(fmt.Sprintf("casework.TrackingNumber: %q is not a township code", township))
	}
	if seq < 1 {
		panic(fmt.Sprintf("casework.TrackingNumber: sequence %d is not positive", seq))
	}
	y, m, d := date.Civil()
	return fmt.Sprintf("%s-%04d%02d%02d-%06d", t, y, int(m), d, seq)
}

// ParseTrackingNumber splits a receipt number made by TrackingNumber into
// the 12-digit township code, the date and the sequence. The error is
// Invalid and names the field "tracking".
func ParseTrackingNumber(s string) (township string, date calendar.Date, seq int, err error) {
	bad := func() (string, calendar.Date, int, error) {
		return "", 0, 0, apperr.Field("tracking",
			fmt.Sprintf("受理编号“%s”格式错误，应如 530102001-20250703-000123", s),
			fmt.Sprintf("tracking number %q is malformed; expected e.g. 530102001-20250703-000123", s))
	}
	parts := strings.Split(strings.TrimSpace(s), "-")
	if len(parts) != 3 {
		return bad()
	}
	t, ds, qs := parts[0], parts[1], parts[2]
	if len(t) != 9 || !allDigits(t) || strings.HasSuffix(t, "000") || len(ds) != 8 || !allDigits(ds) || len(qs) < 6 || len(qs) > 12 || !allDigits(qs) {
		return bad()
	}
	date, derr := calendar.ParseDate(ds[:4] + "-" + ds[4:6] + "-" + ds[6:])
	q, qerr := strconv.Atoi(qs)
	if derr != nil || qerr != nil || q < 1 {
		return bad()
	}
	return t + "000", date, q, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
