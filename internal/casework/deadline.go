package casework

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"safetynet/internal/calendar"
	"safetynet/internal/policy"
)

// Conventions (stated once, used everywhere in this file):
//
//   - A limit of N working days "from" or "within N working days of" day D
//     ends on AddWorkdays(D, N): D itself is not counted (民法典 第二百零一条)
//     and the result is the last day that is still on time. A case
//     accepted on Friday 2024-02-02 must start its investigation (3 working
//     days) by Tuesday 2024-02-06, because Sunday 2024-02-04 was a make-up
//     working day.
//   - A public notice (公示) of N days that starts on day S — S being the
//     first day it is on display — covers S … S+N−1 when the policy counts
//     calendar days (NoticeWorkingDays false, the national "7天"), and S up
//     to the N-th working day counting S itself when it counts working days.
//     The notice is not extended when its last day is a holiday: a notice is
//     a display period, not a time limit for someone's act. Whatever waits
//     for the notice (report, confirmation, refusal) is allowed from the day
//     after the end.
//   - A limit in hours (先行救助 within 48 hours) runs from the instant of
//     acceptance.
//   - The whole-process limit (S-DB2021 Art.22) counts from acceptance and
//     ends with the decision.

// NoticeEnd returns the last day of a public notice that starts on start,
// by proc.NoticeDays (7 when unset) and proc.NoticeWorkingDays: start+6 for
// the national 7 calendar days (2025-07-09 → 2025-07-15).
func NoticeEnd(cal *calendar.Calendar, proc policy.ProcedureParams, start calendar.Date) calendar.Date {
	n := proc.NoticeDays
	if n <= 0 {
		n = 7
	}
	if proc.NoticeWorkingDays {
		return cal.AddWorkdays(start-1, n)
	}
	return cal.AddDays(start, n-1)
}

// DeadlineKind says what a deadline limits.
type DeadlineKind string

// The deadline kinds.
const (
	DeadlineStep          DeadlineKind = "step"           // the next step of the procedure
	DeadlineTotal         DeadlineKind = "total"          // the whole procedure
	DeadlineRefusalNotice DeadlineKind = "refusal_notice" // delivering a written refusal
)

// Deadline is a limit on a case: the last day (or instant) by which
// Action must be taken.
type Deadline struct {
	Kind   DeadlineKind
	Action Action
	From   calendar.Date // the day the period counts from
	Days   int           // the period in working days (0 for an hours limit)
	Hours  int           // the period in hours (先行救助)
	Due    calendar.Date // the last day on time
	DueAt  time.Time     // for an hours limit, the last instant on time; zero otherwise
	Zh, En string        // what is due, e.g. "启动入户调查（受理后3个工作日内）"
	Basis  string        // the rule, e.g. "民发〔2021〕57号第十五条"
}

// Overdue reports whether d has passed at now: for a limit in days, when
// now's date in China is after Due; for a limit in hours, when now is after
// DueAt.
func (d Deadline) Overdue(now time.Time) bool {
	if !d.DueAt.IsZero() {
		return now.After(d.DueAt)
	}
	return calendar.FromTime(now) > d.Due
}

// DueSoon reports whether d is not yet overdue at now but falls due within
// n working days of today (today itself included): Due ≤
// AddWorkdays(today, n).
func (d Deadline) DueSoon(now time.Time, cal *calendar.Calendar, n int) bool {
	return !d.Overdue(now) && d.Due <= cal.AddWorkdays(calendar.FromTime(now), n)
}

// Urgency classifies a case for supervisors' boards.
type Urgency uint8

// The urgencies, from least to most urgent.
const (
	UrgencyNone    Urgency = iota // no deadline runs
	UrgencyOnTime                 // deadlines run, none near
	UrgencyDueSoon                // a deadline falls due within the window
	UrgencyOverdue                // a deadline has passed
)

var urgencyNames = [...][2]string{{"无时限", "none"}, {"正常", "on time"}, {"即将到期", "due soon"}, {"已超期", "overdue"}}

// String returns the English code of u ("none", "on time", …).
func (u Urgency) String() string { return urgencyNames[min(int(u), 3)][1] }

// Zh returns the Chinese name of u.
func (u Urgency) Zh() string { return urgencyNames[min(int(u), 3)][0] }

// Classify returns how urgent c is at now, with soon the window in
// working days for "due soon", and the deadlines that set it (the overdue
// ones when overdue, else those due soon, else all).
func Classify(c *Case, cal *calendar.Calendar, proc policy.ProcedureParams, now time.Time, soon int) (Urgency, []Deadline) {
	ds := Deadlines(c, cal, proc)
	if len(ds) == 0 {
		return UrgencyNone, nil
	}
	var over, near []Deadline
	for _, d := range ds {
		switch {
		case d.Overdue(now):
			over = append(over, d)
		case d.DueSoon(now, cal, soon):
			near = append(near, d)
		}
	}
	switch {
	case len(over) > 0:
		return UrgencyOverdue, over
	case len(near) > 0:
		return UrgencyDueSoon, near
	}
	return UrgencyOnTime, ds
}

// Next returns the earliest deadline running on c, if any.
func Next(c *Case, cal *calendar.Calendar, proc policy.ProcedureParams) (Deadline, bool) {
	ds := Deadlines(c, cal, proc)
	if len(ds) == 0 {
		return Deadline{}, false
	}
	return ds[0], true
}

// Deadlines returns every deadline running on c in its current status,
// earliest first, computed with cal and proc (the procedure in force when
// the case was accepted). A zero limit in proc means the regime sets none,
// and gives no deadline. The deadlines, by flow:
//
//   - dibao 2021: start the investigation within InvestigationStart of
//     acceptance; the county starts verification within VerificationStart
//     of the township's request; the county decides within CountyDecision
//     of the report; the whole procedure within Total of acceptance
//     (TotalDelegated when delegated, TotalSpecial once extended).
//   - dibao 2012: finish the investigation (including verification) within
//     Investigation of acceptance; hold the appraisal within
//     DemocraticAppraisal of the investigation's end; the county reviews
//     within CountyDecision of the report; it decides within
//     CountyDecisionAfterNotice of an uncontested county notice's end, or
//     within ObjectionDecision of a contested one's.
//   - 特困: the township gives its opinion within Township of acceptance
//     (ObjectionDecision of re-opening after objections); the county
//     decides within County of the report.
//   - temporary: 急难型 paid within EmergencyPayHours of acceptance, the
//     paperwork within Paperwork of the payment; 支出型 accepted within
//     MaterialCheck of submission, opinion within TownshipInvestigation of
//     acceptance, county decision within CountyDecision of the report.
//   - dibao and 特困 refusals: the written notice within RefusalNotice of
//     the decision, until delivered.
//
// No step limit runs while a notice is up or between its end and the
// township's report (the rules set none; the whole-process limit, where
// there is one, still runs), nor for medical and departmental cases.
func Deadlines(c *Case, cal *calendar.Calendar, proc policy.ProcedureParams) []Deadline {
	if c == nil || cal == nil {
		return nil
	}
	b := deadlines{c: c, cal: cal}
	acc := c.AcceptedOn()
	switch c.Flow {
	case FlowDibao2021, FlowDibao2012:
		b.dibao(proc.Dibao, acc)
	case FlowTekun:
		b.tekun(proc.Tekun, acc)
	case FlowTemporaryEmergency:
		t := proc.Temporary
		switch c.Status {
		case StatusAccepted:
			if t.EmergencyPayHours > 0 && !c.AcceptedAt.IsZero() {
				at := c.AcceptedAt.Add(time.Duration(t.EmergencyPayHours) * time.Hour)
				b.ds = append(b.ds, Deadline{Kind: DeadlineStep, Action: ActionPayFirst, From: acc, Hours: t.EmergencyPayHours,
					Due: calendar.FromTime(at), DueAt: at,
					Zh:    fmt.Sprintf("先行救助（受理后%d小时内）", t.EmergencyPayHours),
					En:    fmt.Sprintf("pay first (within %d hours of acceptance)", t.EmergencyPayHours),
					Basis: "民发〔2018〕23号 二(二)；云南省临时救助工作规程"})
			}
		case StatusPaidPending:
			if c.Payment != nil {
				b.add(DeadlineStep, ActionCompletePaperwork, c.Payment.Date, t.Paperwork,
					"补办审批手续（先行救助后%d个工作日内）", "complete the paperwork (within %d working days of the payment)",
					"民发〔2018〕23号 二(二)；云南省临时救助工作规程")
			}
		}
	case FlowTemporaryExpenditure:
		t := proc.Temporary
		switch c.Status {
		case StatusSubmitted:
			b.add(DeadlineStep, ActionAccept, calendar.FromTime(c.SubmittedAt), t.MaterialCheck,
				"审查申请材料并受理（申请后%d个工作日内）", "check the materials and accept (within %d working days)", "云南省临时救助（楚雄州、姚安县）")
		case StatusAccepted, StatusInvestigating, StatusVerifying:
			if c.lastStep(ActionReview) < 0 {
				b.add(DeadlineStep, ActionReview, acc, t.TownshipInvestigation,
					"完成调查并提出审核意见（受理后%d个工作日内）", "investigate and give the township opinion (within %d working days of acceptance)", "云南省临时救助（楚雄州）")
			}
		case StatusReported:
			b.add(DeadlineStep, ActionConfirm, c.enteredDate(StatusReported), t.CountyDecision,
				"县级审批（报送后%d个工作日内）", "county decision (within %d working days of the report)", "云南省临时救助（楚雄州）")
		}
	}
	slices.SortStableFunc(b.ds, func(x, y Deadline) int {
		if c := cmp.Compare(x.Due, y.Due); c != 0 {
			return c
		}
		return x.DueAt.Compare(y.DueAt)
	})
	return b.ds
}

// deadlines collects the deadlines of one case.
type deadlines struct {
	c   *Case
	cal *calendar.Calendar
	ds  []Deadline
}

// add appends a deadline of days working days from from, unless days is 0
// or from is unknown. zh and en take the number of days.
func (b *deadlines) add(kind DeadlineKind, a Action, from calendar.Date, days int, zh, en, basis string) {
	if days <= 0 || from.IsZero() {
		return
	}
	b.ds = append(b.ds, Deadline{Kind: kind, Action: a, From: from, Days: days, Due: b.cal.AddWorkdays(from, days),
		Zh: fmt.Sprintf(zh, days), En: fmt.Sprintf(en, days), Basis: basis})
}

func (b *deadlines) dibao(p policy.DibaoProcedure, acc calendar.Date) {
	c := b.c
	basis := "民发〔2021〕57号"
	if c.Flow == FlowDibao2012 {
		basis = "民发〔2012〕220号"
	}
	if !c.Status.Closed() {
		total := p.Total
		if c.Delegated && p.TotalDelegated > 0 {
			total = p.TotalDelegated
		}
		if c.Extension != nil && p.TotalSpecial > 0 {
			total = p.TotalSpecial
		}
		b.add(DeadlineTotal, ActionConfirm, acc, total,
			"审核确认办结（受理后%d个工作日内）", "decide the case (within %d working days of acceptance)", basis+"第二十二条")
	}
	if c.Status == StatusRefused && c.RefusalNotified.IsZero() && c.Decision != nil {
		b.add(DeadlineRefusalNotice, ActionNotify, c.Decision.Date, p.RefusalNotice,
			"书面通知申请人不予确认及理由（决定后%d个工作日内）", "deliver the written refusal with reasons (within %d working days of the decision)", basis)
	}
	if c.Flow == FlowDibao2021 {
		switch c.Status {
		case StatusAccepted:
			b.add(DeadlineStep, ActionStartInvestigation, acc, p.InvestigationStart,
				"启动家庭经济状况调查（受理后%d个工作日内）", "start the investigation (within %d working days of acceptance)", basis+"第十五条")
		case StatusVerifying:
			since := c.entered(StatusVerifying)
			if since >= 0 && !slices.ContainsFunc(c.Verifications, func(v Verification) bool { return v.Seq > since }) {
				b.add(DeadlineStep, ActionRecordVerification, c.stepDate(since), p.VerificationStart,
					"县级启动信息核对（提请后%d个工作日内）", "county starts the verification (within %d working days of the request)", basis+"第十七条")
			}
		case StatusReported:
			b.add(DeadlineStep, ActionConfirm, c.enteredDate(StatusReported), p.CountyDecision,
				"县级审核确认（收到乡镇材料后%d个工作日内）", "county decision (within %d working days of receiving the township's report)", basis+"第二十条")
		}
		return
	}
	switch c.Status {
	case StatusAccepted, StatusInvestigating, StatusVerifying:
		if c.lastStep(ActionAppraise) < 0 {
			b.add(DeadlineStep, ActionAppraise, acc, p.Investigation,
				"完成调查核实（受理后%d个工作日内）", "finish the investigation (within %d working days of acceptance)", basis+"第十八条")
		}
	case StatusAppraising:
		since := c.entered(StatusAppraising)
		if since >= 0 && !slices.ContainsFunc(c.Appraisals, func(a Appraisal) bool { return a.Seq > since }) {
			b.add(DeadlineStep, ActionRecordAppraisal, c.stepDate(since), p.DemocraticAppraisal,
				"组织民主评议（调查结束后%d个工作日内）", "hold the democratic appraisal (within %d working days of the investigation)", basis+"第二十一条")
		}
	case StatusReported:
		if i := c.entered(StatusReported); i >= 0 && c.Steps[i].Action == ActionRecheck {
			if n, ok := b.lastNotice(NoticeCounty); ok {
				b.add(DeadlineStep, ActionStartCountyNotice, n.End, p.ObjectionDecision,
					"重新调查核实后作出审批决定（县级公示期满后%d个工作日内）", "decide after re-checking the objections (within %d working days of the county notice's end)", basis+"第二十九条")
			}
			break
		}
		b.add(DeadlineStep, ActionStartCountyNotice, c.enteredDate(StatusReported), p.CountyDecision,
			"县级提出审批意见（收到乡镇材料后%d个工作日内）", "county review (within %d working days of receiving the township's report)", basis+"第二十六条")
	case StatusCountyNoticing:
		if n, ok := c.Notice(); ok {
			if len(n.Objections) == 0 {
				b.add(DeadlineStep, ActionConfirm, n.End, p.CountyDecisionAfterNotice,
					"作出审批决定（县级公示期满后%d个工作日内）", "decide (within %d working days of the county notice's end)", basis+"第二十九条")
			} else {
				b.add(DeadlineStep, ActionRecheck, n.End, p.ObjectionDecision,
					"重新调查核实并作出审批决定（县级公示期满后%d个工作日内）", "re-check and decide (within %d working days of the county notice's end)", basis+"第二十九条")
			}
		}
	}
}

func (b *deadlines) tekun(p policy.TekunProcedure, acc calendar.Date) {
	c := b.c
	const basis = "民发〔2021〕43号"
	switch c.Status {
	case StatusAccepted, StatusInvestigating, StatusVerifying, StatusAppraising:
		reopened := -1
		for i, s := range c.Steps {
			if s.From == StatusNoticing && (s.Action == ActionReinvestigate || s.Action == ActionAppraise) {
				reopened = i
			}
		}
		reviewed := c.lastStep(ActionReview)
		switch {
		case reopened > reviewed:
			b.add(DeadlineStep, ActionReview, c.stepDate(reopened), p.ObjectionDecision,
				"重新调查核实并提出初审意见（%d个工作日内）", "re-investigate and give a new township opinion (within %d working days)", basis+"第十六条")
		case reviewed < 0:
			b.add(DeadlineStep, ActionReview, acc, p.Township,
				"完成调查并提出初审意见（受理后%d个工作日内）", "investigate and give the township opinion (within %d working days of acceptance)", basis+"第十三条")
		}
	case StatusReported:
		b.add(DeadlineStep, ActionConfirm, c.enteredDate(StatusReported), p.County,
			"县级确认（收到乡镇材料后%d个工作日内）", "county decision (within %d working days of receiving the township's report)", basis+"第十七条")
	case StatusRefused:
		if c.RefusalNotified.IsZero() && c.Decision != nil {
			b.add(DeadlineRefusalNotice, ActionNotify, c.Decision.Date, p.RefusalNotice,
				"书面通知申请人不予确认及理由（决定后%d个工作日内）", "deliver the written refusal with reasons (within %d working days of the decision)", basis+"第十八条")
		}
	}
}

// lastNotice returns the latest notice of level.
func (b *deadlines) lastNotice(level NoticeLevel) (Notice, bool) {
	for i := len(b.c.Notices) - 1; i >= 0; i-- {
		if b.c.Notices[i].Level == level {
			return b.c.Notices[i], true
		}
	}
	return Notice{}, false
}

// enteredDate returns the date c last entered s, or zero.
func (c *Case) enteredDate(s Status) calendar.Date {
	if i := c.entered(s); i >= 0 {
		return c.stepDate(i)
	}
	return 0
}
