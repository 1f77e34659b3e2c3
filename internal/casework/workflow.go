package casework

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// Status is where a case stands. The string values are stable: stores keep
// them (with a CHECK constraint listing Statuses).
type Status string

// The statuses of all flows; each flow uses a subset (Flow.Statuses).
const (
	StatusSubmitted      Status = "submitted"       // 已申请，待受理
	StatusAccepted       Status = "accepted"        // 已受理
	StatusDeclined       Status = "declined"        // 不予受理
	StatusWithdrawn      Status = "withdrawn"       // 已撤回（终止）
	StatusInvestigating  Status = "investigating"   // 入户调查中
	StatusVerifying      Status = "verifying"       // 信息核对中
	StatusReviewed       Status = "reviewed"        // 乡镇已初审
	StatusNoticing       Status = "noticing"        // 公示中
	StatusAppraising     Status = "appraising"      // 民主评议
	StatusReported       Status = "reported"        // 已报县级
	StatusCountyNoticing Status = "county_noticing" // 县级公示中（2012）
	StatusConfirmed      Status = "confirmed"       // 已确认（批准）
	StatusRefused        Status = "refused"         // 不予确认（不予批准）
	StatusPublished      Status = "published"       // 已公布
	StatusPaidPending    Status = "paid_pending"    // 已先行救助，待补办手续
	StatusCompleted      Status = "completed"       // 已办结
	StatusComputed       Status = "computed"        // 已核算
	StatusPaid           Status = "paid"            // 已支付
	StatusRouted         Status = "routed"          // 已转办部门
	StatusInProgress     Status = "in_progress"     // 部门办理中
	StatusReportedBack   Status = "reported_back"   // 部门已反馈
)

// Statuses lists every status.
var Statuses = []Status{StatusSubmitted, StatusAccepted, StatusDeclined, StatusWithdrawn, StatusInvestigating,
	StatusVerifying, StatusReviewed, StatusNoticing, StatusAppraising, StatusReported, StatusCountyNoticing,
	StatusConfirmed, StatusRefused, StatusPublished, StatusPaidPending, StatusCompleted, StatusComputed,
	StatusPaid, StatusRouted, StatusInProgress, StatusReportedBack}

var statusNames = map[Status][2]string{
	StatusSubmitted:      {"已申请，待受理", "submitted"},
	StatusAccepted:       {"已受理", "accepted"},
	StatusDeclined:       {"不予受理", "declined"},
	StatusWithdrawn:      {"已撤回", "withdrawn"},
	StatusInvestigating:  {"入户调查中", "investigating"},
	StatusVerifying:      {"信息核对中", "verifying"},
	StatusReviewed:       {"乡镇已初审", "reviewed by the township"},
	StatusNoticing:       {"公示中", "public notice"},
	StatusAppraising:     {"民主评议中", "democratic appraisal"},
	StatusReported:       {"已报县级", "reported to the county"},
	StatusCountyNoticing: {"县级公示中", "county public notice"},
	StatusConfirmed:      {"已确认", "confirmed"},
	StatusRefused:        {"不予确认", "refused"},
	StatusPublished:      {"已公布", "published"},
	StatusPaidPending:    {"已先行救助，待补办手续", "paid, paperwork pending"},
	StatusCompleted:      {"已办结", "completed"},
	StatusComputed:       {"已核算", "computed"},
	StatusPaid:           {"已支付", "paid"},
	StatusRouted:         {"已转办", "routed to the department"},
	StatusInProgress:     {"部门办理中", "in progress at the department"},
	StatusReportedBack:   {"部门已反馈", "reported back"},
}

// Zh returns the Chinese name of s.
func (s Status) Zh() string { return nameOr(statusNames, s, 0) }

// En returns the English name of s.
func (s Status) En() string { return nameOr(statusNames, s, 1) }

// Decided reports whether a decision has been taken in s (the case has
// left the deciding procedure, whether or not record-keeping steps remain).
func (s Status) Decided() bool {
	switch s {
	case StatusConfirmed, StatusRefused, StatusPublished, StatusPaidPending, StatusCompleted, StatusPaid, StatusReportedBack:
		return true
	}
	return false
}

// Closed reports whether a case in s is over: declined, withdrawn, or
// decided.
func (s Status) Closed() bool { return s == StatusDeclined || s == StatusWithdrawn || s.Decided() }

// Action is a step a user takes on a case.
type Action string

// The actions. ActionSubmit is taken by Open only; all others by Apply.
const (
	ActionSubmit             Action = "submit"              // 申请（登记）
	ActionAccept             Action = "accept"              // 受理
	ActionDecline            Action = "decline"             // 不予受理
	ActionWithdraw           Action = "withdraw"            // 撤回 / 终止
	ActionStartInvestigation Action = "start_investigation" // 启动调查
	ActionRecordVisit        Action = "record_visit"        // 录入入户调查
	ActionCountyVisit        Action = "county_visit"        // 录入县级入户核查
	ActionRequestVerify      Action = "request_verification"
	ActionRecordVerification Action = "record_verification" // 录入核对结果
	ActionReinvestigate      Action = "reinvestigate"       // 重新调查
	ActionAssessSelfCare     Action = "assess_self_care"    // 生活自理能力评估
	ActionReview             Action = "review"              // 初审
	ActionStartNotice        Action = "start_notice"        // 公示
	ActionRecordObjection    Action = "record_objection"    // 登记异议
	ActionAppraise           Action = "appraise"            // 组织民主评议
	ActionRecordAppraisal    Action = "record_appraisal"    // 录入民主评议结果
	ActionReport             Action = "report"              // 报县级
	ActionSample             Action = "sample"              // 列入县级入户抽查
	ActionStartCountyNotice  Action = "start_county_notice" // 县级公示（2012）
	ActionRecheck            Action = "recheck"             // 县级公示有异议，重新核查（2012）
	ActionConfirm            Action = "confirm"             // 确认（批准）
	ActionRefuse             Action = "refuse"              // 不予确认（不予批准）
	ActionPublish            Action = "publish"             // 公布
	ActionNotify             Action = "notify"              // 送达不予确认通知书
	ActionExtend             Action = "extend"              // 特殊情况延长办理时限
	ActionFlagRelatives      Action = "flag_relatives"      // 近亲属备案
	ActionPayFirst           Action = "pay_first"           // 先行救助
	ActionCompletePaperwork  Action = "complete_paperwork"  // 补办手续
	ActionCompute            Action = "compute"             // 核算
	ActionPay                Action = "pay"                 // 支付
	ActionRoute              Action = "route"               // 转办部门
	ActionTake               Action = "take"                // 部门接办
	ActionReportBack         Action = "report_back"         // 部门反馈
)

// Actions lists every action Apply takes (all but ActionSubmit).
var Actions = []Action{ActionAccept, ActionDecline, ActionWithdraw, ActionStartInvestigation, ActionRecordVisit,
	ActionCountyVisit, ActionRequestVerify, ActionRecordVerification, ActionReinvestigate, ActionAssessSelfCare,
	ActionReview, ActionStartNotice, ActionRecordObjection, ActionAppraise, ActionRecordAppraisal, ActionReport,
	ActionSample, ActionStartCountyNotice, ActionRecheck, ActionConfirm, ActionRefuse, ActionPublish, ActionNotify,
	ActionExtend, ActionFlagRelatives, ActionPayFirst, ActionCompletePaperwork, ActionCompute, ActionPay,
	ActionRoute, ActionTake, ActionReportBack}

var actionNames = map[Action][2]string{
	ActionSubmit:             {"申请", "submit"},
	ActionAccept:             {"受理", "accept"},
	ActionDecline:            {"不予受理", "decline"},
	ActionWithdraw:           {"撤回（终止）", "withdraw"},
	ActionStartInvestigation: {"启动调查", "start the investigation"},
	ActionRecordVisit:        {"录入入户调查", "record a home visit"},
	ActionCountyVisit:        {"录入县级入户核查", "record a county home visit"},
	ActionRequestVerify:      {"提请信息核对", "request verification"},
	ActionRecordVerification: {"录入信息核对结果", "record the verification result"},
	ActionReinvestigate:      {"重新调查", "re-investigate"},
	ActionAssessSelfCare:     {"生活自理能力评估", "assess self-care ability"},
	ActionReview:             {"初审", "give the township opinion"},
	ActionStartNotice:        {"公示", "start the public notice"},
	ActionRecordObjection:    {"登记异议", "record an objection"},
	ActionAppraise:           {"组织民主评议", "hold a democratic appraisal"},
	ActionRecordAppraisal:    {"录入民主评议结果", "record the appraisal"},
	ActionReport:             {"报县级", "report to the county"},
	ActionSample:             {"列入县级入户抽查", "draw for the county spot check"},
	ActionStartCountyNotice:  {"县级公示", "start the county notice"},
	ActionRecheck:            {"重新核查", "re-check after objections"},
	ActionConfirm:            {"确认", "confirm"},
	ActionRefuse:             {"不予确认", "refuse"},
	ActionPublish:            {"公布", "publish"},
	ActionNotify:             {"送达不予确认通知书", "deliver the refusal notice"},
	ActionExtend:             {"延长办理时限", "extend the time limit"},
	ActionFlagRelatives:      {"近亲属备案", "register staff relatives"},
	ActionPayFirst:           {"先行救助", "pay first"},
	ActionCompletePaperwork:  {"补办手续", "complete the paperwork"},
	ActionCompute:            {"核算", "compute"},
	ActionPay:                {"支付", "pay"},
	ActionRoute:              {"转办部门", "route to the department"},
	ActionTake:               {"部门接办", "take over"},
	ActionReportBack:         {"反馈办理结果", "report back"},
}

// Zh returns the Chinese name of a.
func (a Action) Zh() string { return nameOr(actionNames, a, 0) }

// En returns the English name of a.
func (a Action) En() string { return nameOr(actionNames, a, 1) }

// Flow is one workflow: a transition table.
type Flow string

// The flows.
const (
	FlowDibao2021            Flow = "dibao2021"             // 民发〔2021〕57号 (default)
	FlowDibao2012            Flow = "dibao2012"             // 民发〔2012〕220号
	FlowTekun                Flow = "tekun"                 // 民发〔2021〕43号
	FlowTemporaryEmergency   Flow = "temporary_emergency"   // 临时救助 急难型
	FlowTemporaryExpenditure Flow = "temporary_expenditure" // 临时救助 支出型
	FlowMedicalDirect        Flow = "medical_direct"        // 医疗救助 直接办理
	FlowMedical              Flow = "medical"               // 医疗救助 依申请
	FlowDepartment           Flow = "department"            // 教育、住房、就业、受灾、社会力量: routed to the department
)

// Flows lists every flow.
var Flows = []Flow{FlowDibao2021, FlowDibao2012, FlowTekun, FlowTemporaryEmergency, FlowTemporaryExpenditure,
	FlowMedicalDirect, FlowMedical, FlowDepartment}

// Transition is one row of a flow's table.
type Transition struct {
	From   Status
	Action Action
	To     Status
}

// who says which roles may take a transition.
type who uint8

const (
	whoTownship         who = iota + 1 // township clerk or reviewer
	whoTownshipReviewer                // township reviewer (审核人员)
	whoCounty                          // county approver
	whoCountyStaff                     // county approver or verifier
	whoVerifier                        // county verifier (核对机构)
	whoDept                            // department handler
	whoWindow                          // township clerk, reviewer, or department handler
	whoPayer                           // department handler or finance officer
	whoOfficer                         // township clerk, reviewer, or county approver
	whoDecider                         // depends on the case: see op.deciders
)

var whoRoles = map[who][]access.Role{
	whoTownship:         {access.TownshipClerk, access.TownshipReviewer},
	whoTownshipReviewer: {access.TownshipReviewer},
	whoCounty:           {access.CountyApprover},
	whoCountyStaff:      {access.CountyApprover, access.CountyVerifier},
	whoVerifier:         {access.CountyVerifier},
	whoDept:             {access.DepartmentHandler},
	whoWindow:           {access.TownshipClerk, access.TownshipReviewer, access.DepartmentHandler},
	whoPayer:            {access.DepartmentHandler, access.FinanceOfficer},
	whoOfficer:          {access.TownshipClerk, access.TownshipReviewer, access.CountyApprover},
}

// entry is one row of a table as written in the flow files.
type entry struct {
	from   Status
	action Action
	to     Status
	who    who
}

// loops returns the self-loop rows of action in each of states.
func loops(action Action, w who, states ...Status) []entry {
	out := make([]entry, len(states))
	for i, s := range states {
		out[i] = entry{s, action, s, w}
	}
	return out
}

// into returns rows taking action from each of states to one status.
func into(action Action, to Status, w who, states ...Status) []entry {
	out := make([]entry, len(states))
	for i, s := range states {
		out[i] = entry{s, action, to, w}
	}
	return out
}

func rows(parts ...[]entry) []entry { return slices.Concat(parts...) }

// flowTables holds every flow's rows; the flow files fill it in init.
var flowTables = map[Flow][]entry{}

// flowIndex is flowTables indexed by from and action, built on first use
// (after every flow file's init has filled flowTables).
var flowIndex = sync.OnceValue(func() map[Flow]map[Status]map[Action]entry {
	m := make(map[Flow]map[Status]map[Action]entry, len(flowTables))
	for f, es := range flowTables {
		m[f] = map[Status]map[Action]entry{}
		for _, e := range es {
			if m[f][e.from] == nil {
				m[f][e.from] = map[Action]entry{}
			}
			if _, dup := m[f][e.from][e.action]; dup {
				panic(fmt.Sprintf("casework: flow %s lists (%s, %s) twice", f, e.from, e.action))
			}
			m[f][e.from][e.action] = e
		}
	}
	return m
})

func lookup(f Flow, from Status, a Action) (entry, bool) {
	e, ok := flowIndex()[f][from][a]
	return e, ok
}

// Transitions returns f's table in the order the flow file lists it.
func (f Flow) Transitions() []Transition {
	es := flowTables[f]
	out := make([]Transition, len(es))
	for i, e := range es {
		out[i] = Transition{e.from, e.action, e.to}
	}
	return out
}

// Statuses returns the statuses f uses, in the order of Statuses.
func (f Flow) Statuses() []Status {
	seen := map[Status]bool{}
	for _, e := range flowTables[f] {
		seen[e.from], seen[e.to] = true, true
	}
	var out []Status
	for _, s := range Statuses {
		if seen[s] {
			out = append(out, s)
		}
	}
	return out
}

// Next returns the transitions f allows from s.
func (f Flow) Next(s Status) []Transition {
	var out []Transition
	for _, t := range f.Transitions() {
		if t.From == s {
			out = append(out, t)
		}
	}
	return out
}

// Roles returns the roles that may take action a from s in f, and whether
// that depends on the case (the decider: delegation, the temporary
// assistance limit). For the latter, the roles returned are all candidates.
func (f Flow) Roles(s Status, a Action) (roles []access.Role, dependsOnCase bool) {
	e, ok := lookup(f, s, a)
	if !ok {
		return nil, false
	}
	if e.who == whoDecider {
		return []access.Role{access.TownshipReviewer, access.CountyApprover, access.DepartmentHandler}, true
	}
	return slices.Clone(whoRoles[e.who]), false
}

// StepInput is what a user enters with a step. Each action reads only the
// fields it needs (see the action's documentation in actions.go) and
// ignores the rest.
type StepInput struct {
	Note string
	// Reason: why — required to decline, withdraw, re-investigate,
	// re-check, extend, and refuse (the written reasons of the refusal), and
	// to confirm against a "does not meet" verification result.
	Reason    string
	Documents []string // references to stored documents

	// Household and Materials: accept and complete_paperwork check that
	// the household has handed in every material (一次性告知).
	Household *registry.Household
	Materials []MaterialKey

	Visit        *Visit        // record_visit, county_visit
	Verification *Verification // record_verification
	SelfCare     *SelfCareAssessment
	Opinion      string        // review
	NoticeStart  calendar.Date // start_notice, start_county_notice: zero means the day of the step
	Objection    *Objection    // record_objection
	Appraisal    *Appraisal    // record_appraisal
	Flags        []Flag        // flag_relatives

	// Amount, Tier, Setting, Policy: review (proposed amount), confirm,
	// pay_first, compute.
	Amount  money.Money
	Tier    string
	Setting string
	Policy  policy.VersionRef

	// TownshipLimit is the largest temporary-assistance amount the township
	// may approve itself (policy: Temporary.TownshipLimitMultiple × the
	// urban dibao standard, see TownshipLimit). Required by the approving
	// actions of temporary assistance; nil is refused as Invalid.
	TownshipLimit *money.Money

	// Delivered is the day the refusal notice reached the applicant
	// (notify); zero means the day of the step.
	Delivered calendar.Date
	// PaymentRef is the bank or settlement reference of a payment.
	PaymentRef string
}

// TownshipLimit returns the largest temporary-assistance award a township
// may approve by params: TownshipLimitMultiple × the urban dibao standard,
// to the fen (rounded down, so a township never exceeds its authority).
func TownshipLimit(p policy.Params) money.Money {
	return p.Dibao.UrbanStandard.Money().Mul(p.Temporary.TownshipLimitMultiple.Ratio(), money.FenDown)
}

// op is one Apply call in progress.
type op struct {
	c    *Case
	a    Action
	e    entry
	by   access.Principal
	at   time.Time
	day  calendar.Date
	in   *StepInput
	cal  *calendar.Calendar
	proc policy.ProcedureParams
	seq  int // Seq of the step being added
}

// Apply takes action a on c for by at time at, with input in, the
// working-day calendar cal and the procedure parameters proc (resolve them
// for the case's region at its acceptance date, so that a case keeps the
// rules it started under). On success it moves c to the table's next status
// and appends a Step; on error c is unchanged. Apply does not refuse a late
// step: lateness is reported by Deadlines and Classify.
//
// The checks, in order:
//
//  1. by must be authenticated (Unauthorized) and the household's village
//     within by's jurisdiction (Forbidden).
//  2. The flow's table must allow a from c.Status (Conflict naming both).
//  3. by's role must be one the row allows (Forbidden): township clerk or
//     reviewer for township steps, county approver or verifier for county
//     steps, the department handler for departmental ones; the decider
//     depends on the case (delegation, or for temporary assistance the
//     amount against in.TownshipLimit). A system principal may take any
//     step. Village assistants take no step here: they only register
//     applications (Open).
//  4. The input must be complete and well-formed (Invalid naming the field)
//     and the guard must hold (Conflict with a message that says why, e.g.
//     "公示期未满，不能确认（公示期至 2025-07-15）").
func Apply(c *Case, a Action, by access.Principal, at time.Time, in StepInput, cal *calendar.Calendar, proc policy.ProcedureParams) error {
	const opName = "casework.Apply"
	if c == nil || cal == nil {
		return apperr.Errorf("casework.Apply: nil case or calendar")
	}
	if !by.Authenticated() {
		return apperr.ErrUnauthorized.WithOp(opName)
	}
	if !by.Covers(c.Household.Village) {
		return errJurisdiction().WithOp(opName)
	}
	if _, known := actionNames[a]; !known || a == ActionSubmit {
		return apperr.Field("action", fmt.Sprintf("未知的操作“%s”", a), fmt.Sprintf("unknown action %q", a)).WithOp(opName)
	}
	e, ok := lookup(c.Flow, c.Status, a)
	if !ok {
		return apperr.New(apperr.Conflict,
			fmt.Sprintf("案件当前状态为“%s”，不能%s", c.Status.Zh(), a.Zh()),
			fmt.Sprintf("cannot %s a case that is %s", a.En(), c.Status.En())).WithOp(opName)
	}
	if at.IsZero() {
		return apperr.Field("at", "缺少办理时间", "the time of the step is missing").WithOp(opName)
	}
	if n := len(c.Steps); n > 0 && at.Before(c.Steps[n-1].At) {
		return apperr.Field("at",
			fmt.Sprintf("办理时间早于上一步骤（%s）", c.Steps[n-1].Date()),
			"the step is dated before the previous step").WithOp(opName)
	}
	o := &op{c: c, a: a, e: e, by: by, at: at, day: calendar.FromTime(at), in: &in, cal: cal, proc: proc, seq: len(c.Steps)}
	if err := o.checkRole(); err != nil {
		return withOp(err, opName)
	}
	b := behaviours[a]
	if b.check != nil {
		if err := b.check(o); err != nil {
			return withOp(err, opName)
		}
	}
	if b.apply != nil {
		b.apply(o)
	}
	c.Steps = append(c.Steps, Step{Seq: o.seq, Action: a, From: c.Status, To: e.to, By: actorOf(by), At: at,
		Note: in.Note, Reason: in.Reason, Documents: slices.Clone(in.Documents)})
	c.Status = e.to
	return nil
}

// Allowed returns the actions by's role may take on c now by the table
// (not yet checking guards or input): the buttons a page offers.
func Allowed(c *Case, by access.Principal) []Action {
	if c == nil || !by.Authenticated() || !by.Covers(c.Household.Village) {
		return nil
	}
	var out []Action
	for _, t := range c.Flow.Next(c.Status) {
		e, _ := lookup(c.Flow, t.From, t.Action)
		if by.IsSystem() {
			out = append(out, t.Action)
			continue
		}
		if e.who == whoDecider {
			roles, _ := (&op{c: c, e: e, in: &StepInput{}}).deciders()
			if len(roles) == 0 || slices.Contains(roles, by.Role) {
				out = append(out, t.Action)
			}
			continue
		}
		if slices.Contains(whoRoles[e.who], by.Role) {
			out = append(out, t.Action)
		}
	}
	return out
}

// checkRole returns Forbidden unless o.by may take the step.
func (o *op) checkRole() error {
	if o.by.IsSystem() {
		if o.e.who == whoDecider {
			// Still validate what the decider needs (the township limit).
			_, err := o.deciders()
			if err != nil && !apperr.Is(err, apperr.Forbidden) {
				return err
			}
		}
		return nil
	}
	if o.e.who != whoDecider {
		roles := whoRoles[o.e.who]
		if slices.Contains(roles, o.by.Role) {
			return nil
		}
		return errRole(o.by.Role, o.a, roles)
	}
	roles, err := o.deciders()
	if err != nil {
		return err
	}
	if slices.Contains(roles, o.by.Role) {
		return nil
	}
	if o.isTemporary() {
		return o.levelError()
	}
	return errRole(o.by.Role, o.a, roles)
}

// deciders returns who decides c: the department handler for medical and
// departmental flows; for dibao and 特困 the county approver, or the
// township reviewer when confirmation is delegated (and the case was not
// reported to the county); for temporary assistance the township reviewer
// up to the township limit and the county approver above it.
func (o *op) deciders() ([]access.Role, error) {
	c := o.c
	switch c.Flow {
	case FlowMedical, FlowMedicalDirect, FlowDepartment:
		return []access.Role{access.DepartmentHandler}, nil
	case FlowTemporaryEmergency, FlowTemporaryExpenditure:
		if o.amount() == 0 {
			// No amount, no level question (a refusal before any
			// proposal): either level may act.
			return []access.Role{access.TownshipReviewer, access.CountyApprover}, nil
		}
		limit, err := o.limit()
		if err != nil {
			return nil, err
		}
		if o.amount() > limit {
			return []access.Role{access.CountyApprover}, nil
		}
		return []access.Role{access.TownshipReviewer}, nil
	}
	if c.Delegated && c.Status != StatusReported && c.Status != StatusCountyNoticing {
		return []access.Role{access.TownshipReviewer}, nil
	}
	return []access.Role{access.CountyApprover}, nil
}

func (o *op) isTemporary() bool {
	return o.c.Flow == FlowTemporaryEmergency || o.c.Flow == FlowTemporaryExpenditure
}

// limit returns the township limit given with the step.
func (o *op) limit() (money.Money, error) {
	if o.in.TownshipLimit == nil {
		return 0, apperr.Field("township_limit", "缺少乡镇临时救助审批限额", "the township approval limit for temporary assistance is missing")
	}
	if *o.in.TownshipLimit < 0 {
		return 0, apperr.Field("township_limit", "乡镇审批限额不能为负数", "the township approval limit must not be negative")
	}
	return *o.in.TownshipLimit, nil
}

// amount is the amount a temporary-assistance decision is about: the one
// given with the step, or else the township's proposal.
func (o *op) amount() money.Money {
	if o.in.Amount > 0 {
		return o.in.Amount
	}
	if r, ok := o.c.Review(); ok {
		return r.Amount
	}
	return 0
}

// levelError explains a temporary-assistance decision at the wrong level.
func (o *op) levelError() error {
	limit, _ := o.limit()
	amt := o.amount()
	if amt > limit {
		return apperr.New(apperr.Forbidden,
			fmt.Sprintf("救助金额 %s 元超过乡镇审批限额 %s 元，须报县级民政部门审批", amt, limit),
			fmt.Sprintf("the amount %s exceeds the township limit %s; the county must approve it", amt, limit))
	}
	return apperr.New(apperr.Forbidden,
		fmt.Sprintf("救助金额 %s 元在乡镇审批限额 %s 元以内，由乡镇人民政府（街道办事处）审批", amt, limit),
		fmt.Sprintf("the amount %s is within the township limit %s; the township approves it", amt, limit))
}

func errRole(r access.Role, a Action, allowed []access.Role) error {
	zh := make([]string, len(allowed))
	en := make([]string, len(allowed))
	for i, x := range allowed {
		zh[i], en[i] = x.Zh(), x.En()
	}
	rz, re := r.Zh(), r.En()
	if rz == "" {
		rz, re = string(r), string(r)
	}
	return apperr.New(apperr.Forbidden,
		fmt.Sprintf("您的角色（%s）不能%s，须由%s办理", rz, a.Zh(), strings.Join(zh, "或")),
		fmt.Sprintf("your role (%s) may not %s; it is for: %s", re, a.En(), strings.Join(en, ", ")))
}

func errJurisdiction() *apperr.Error {
	return apperr.New(apperr.Forbidden, "该案件不在您的管辖范围内", "the case is outside your jurisdiction")
}

func conflict(zh, en string) error { return apperr.New(apperr.Conflict, zh, en) }

func withOp(err error, op string) error {
	if e, ok := apperr.As(err); ok && e.Op == "" {
		return e.WithOp(op)
	}
	return err
}

func fieldPrefix(err error, prefix string) error {
	if e, ok := apperr.As(err); ok {
		return e.WithField(prefix)
	}
	return err
}
