package casework_test

import (
	"encoding/json"
	"strings"
	"testing"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/money"
	"safetynet/internal/policy"
)

// A dibao case accepted on Friday 2024-02-02 must start its investigation
// within 3 working days: by Tuesday 2024-02-06, because Sunday 2024-02-04
// was a make-up working day before the Spring Festival. The whole
// procedure (30 working days) runs to 2024-03-20 across the festival.
func TestDibaoInvestigationStartAcrossMakeUpDay(t *testing.T) {
	d := newDriver(t, casework.FlowDibao2021)
	d.proc = policyVersion(t, "2024-02-02").Params.Procedure
	c := d.openAt("2024-02-01 15:00", nil)
	d.must(c, acc, "2024-02-02 10:00", nil)

	start := deadline(t, c, d.proc, casework.DeadlineStep, inv)
	if start.Due != date("2024-02-06") || start.From != date("2024-02-02") || start.Days != 3 {
		t.Errorf("investigation start due %s (from %s, %d days); want 2024-02-06", start.Due, start.From, start.Days)
	}
	total := deadline(t, c, d.proc, casework.DeadlineTotal, conf)
	if total.Due != date("2024-03-20") {
		t.Errorf("whole procedure due %s; want 2024-03-20", total.Due)
	}
	for _, tc := range []struct {
		now           string
		overdue, soon bool
		within        int
	}{
		{"2024-02-06 23:59", false, true, 0},
		{"2024-02-07 00:01", true, false, 3},
		{"2024-02-02 12:00", false, false, 1}, // within 1 working day of Friday is Sunday 02-04
		{"2024-02-02 12:00", false, false, 2},
		{"2024-02-02 12:00", false, true, 3},
		{"2024-02-05 09:00", false, true, 1},
	} {
		if got := start.Overdue(at(tc.now)); got != tc.overdue {
			t.Errorf("Overdue(%s) = %v; want %v", tc.now, got, tc.overdue)
		}
		if got := start.DueSoon(at(tc.now), cal, tc.within); got != tc.soon {
			t.Errorf("DueSoon(%s, %d) = %v; want %v", tc.now, tc.within, got, tc.soon)
		}
	}
	if u, ds := casework.Classify(c, cal, d.proc, at("2024-02-07 09:00"), 3); u != casework.UrgencyOverdue || len(ds) != 1 || ds[0].Action != inv {
		t.Errorf("Classify on 02-07 = %v %+v; want overdue (start investigation)", u, ds)
	}
	if u, _ := casework.Classify(c, cal, d.proc, at("2024-02-05 09:00"), 1); u != casework.UrgencyDueSoon {
		t.Errorf("Classify on 02-05 = %v; want due soon", u)
	}
	if next, ok := casework.Next(c, cal, d.proc); !ok || next.Action != inv {
		t.Errorf("Next = %+v; want the investigation start", next)
	}

	d.must(c, inv, "2024-02-06 16:00", nil)
	if hasDeadline(c, d.proc, casework.DeadlineStep, inv) {
		t.Error("investigation start still due after it started")
	}
	if u, _ := casework.Classify(c, cal, d.proc, at("2024-02-07 09:00"), 3); u != casework.UrgencyOnTime {
		t.Errorf("Classify after starting = %v; want on time", u)
	}
}

// toReviewed drives a dibao 2021 case to the township opinion, with one
// step a day from 2024-09-02 on.
func toReviewed(t *testing.T, d *driver) *casework.Case {
	c := d.openAt("2024-09-02 09:00", nil)
	d.must(c, acc, "2024-09-02 10:00", nil)
	d.must(c, inv, "2024-09-03 09:00", nil)
	d.must(c, vis, "2024-09-04 09:00", nil)
	d.must(c, req, "2024-09-05 09:00", nil)
	d.must(c, ver, "2024-09-06 09:00", nil)
	d.must(c, rev, "2024-09-09 09:00", nil)
	return c
}

// A 公示 of 7 calendar days starting on 2024-09-27 covers 09-27 … 10-03
// (through the National Day break, without extension); confirmation is
// refused on 10-03 and allowed from the next day. Counted in working days
// the same notice would run to 10-11.
func TestNoticeAcrossNationalDay(t *testing.T) {
	d := newDriver(t, casework.FlowDibao2021)
	d.proc = policyVersion(t, "2024-09-27").Params.Procedure
	c := toReviewed(t, d)
	d.must(c, ntc, "2024-09-27 09:00", nil)
	n, _ := c.Notice()
	if n.Start != date("2024-09-27") || n.End != date("2024-10-03") {
		t.Fatalf("notice %s … %s; want 2024-09-27 … 2024-10-03", n.Start, n.End)
	}

	err := d.do(c, conf, "2024-10-03 16:00", nil)
	e := wantKind(t, err, apperr.Conflict)
	if e.Msg != "公示期未满，不能确认（公示期至 2024-10-03）" {
		t.Errorf("message %q", e.Msg)
	}
	if !strings.Contains(e.MsgEN, "until 2024-10-03") {
		t.Errorf("English message %q", e.MsgEN)
	}
	e = wantKind(t, d.do(c, rep, "2024-10-03 16:00", nil), apperr.Conflict)
	if e.Msg != "公示期未满，不能报县级（公示期至 2024-10-03）" {
		t.Errorf("report message %q", e.Msg)
	}
	wantKind(t, d.do(c, ref, "2024-09-30 16:00", nil), apperr.Conflict)

	d.must(c, conf, "2024-10-08 09:00", nil)
	if c.Status != casework.StatusConfirmed || c.Decision.BenefitStart != date("2024-11-01") {
		t.Errorf("status %s, benefits from %s; want confirmed, 2024-11-01", c.Status, c.Decision.BenefitStart)
	}

	wd := d.proc
	wd.NoticeWorkingDays = true
	if got := casework.NoticeEnd(cal, wd, date("2024-09-27")); got != date("2024-10-11") {
		t.Errorf("7 working days from 2024-09-27 end %s; want 2024-10-11", got)
	}
	for _, tc := range []struct{ start, end string }{
		{"2025-07-09", "2025-07-15"}, {"2024-02-09", "2024-02-15"}, {"2025-12-29", "2026-01-04"},
	} {
		if got := casework.NoticeEnd(cal, d.proc, date(tc.start)); got != date(tc.end) {
			t.Errorf("notice from %s ends %s; want %s", tc.start, got, tc.end)
		}
	}
	ten := d.proc
	ten.NoticeDays = 10
	if got := casework.NoticeEnd(cal, ten, date("2025-07-09")); got != date("2025-07-18") {
		t.Errorf("10-day notice ends %s; want 2025-07-18", got)
	}
}

// The county decides within 10 working days of the township's report: a
// report on 2025-01-24 is due on 2025-02-13 across the Spring Festival
// (make-up days 01-26 and 02-08 count, 01-28 … 02-04 do not). 特困 (15
// working days) is due 2025-02-20; a refusal notice (3) 2025-02-05.
func TestCountyDecisionAcrossSpringFestival(t *testing.T) {
	d := newDriver(t, casework.FlowDibao2021)
	d.proc = policyVersion(t, "2025-01-01").Params.Procedure
	c := d.openAt("2024-12-30 09:00", nil)
	for _, s := range []struct {
		a    casework.Action
		when string
	}{{acc, "2024-12-30 10:00"}, {inv, "2024-12-30 11:00"}, {vis, "2024-12-30 15:00"}, {req, "2024-12-31 09:00"},
		{ver, "2025-01-03 09:00"}, {rev, "2025-01-06 09:00"}} {
		d.must(c, s.a, s.when, nil)
	}
	d.must(c, ntc, "2025-01-10 09:00", nil)
	d.must(c, rep, "2025-01-24 09:00", nil)
	cd := deadline(t, c, d.proc, casework.DeadlineStep, conf)
	if cd.Due != date("2025-02-13") || cd.From != date("2025-01-24") {
		t.Errorf("county decision due %s from %s; want 2025-02-13 from 2025-01-24", cd.Due, cd.From)
	}
	if !cd.Overdue(at("2025-02-14 08:00")) || cd.Overdue(at("2025-02-13 18:00")) {
		t.Error("county decision overdue on the wrong day")
	}

	d.must(c, ref, "2025-01-24 15:00", nil)
	rn := deadline(t, c, d.proc, casework.DeadlineRefusalNotice, casework.ActionNotify)
	if rn.Due != date("2025-02-05") {
		t.Errorf("refusal notice due %s; want 2025-02-05", rn.Due)
	}
	if hasDeadline(c, d.proc, casework.DeadlineTotal, conf) {
		t.Error("whole-process deadline still runs after the decision")
	}
	d.must(c, casework.ActionNotify, "2025-02-05 10:00", nil)
	if c.RefusalNotified != date("2025-02-05") || len(casework.Deadlines(c, cal, d.proc)) != 0 {
		t.Errorf("after delivery: notified %s, deadlines %+v", c.RefusalNotified, casework.Deadlines(c, cal, d.proc))
	}
	e := wantKind(t, d.do(c, casework.ActionNotify, "2025-02-06 10:00", nil), apperr.Conflict)
	if !strings.Contains(e.Msg, "已于 2025-02-05 送达") {
		t.Errorf("second delivery message %q", e.Msg)
	}

	tk := newDriver(t, casework.FlowTekun)
	tk.proc = d.proc
	c = tk.openAt("2024-12-30 09:00", nil)
	for _, a := range []casework.Action{acc, inv, vis, sc, req, ver, rev} {
		tk.must(c, a, "2024-12-31 10:00", nil)
	}
	tk.must(c, ntc, "2025-01-10 09:00", nil)
	tk.must(c, rep, "2025-01-24 09:00", nil)
	if got := deadline(t, c, tk.proc, casework.DeadlineStep, conf).Due; got != date("2025-02-20") {
		t.Errorf("特困 county decision due %s; want 2025-02-20", got)
	}
}

// Confirmation needs a verification result, even on a case that reached
// the county some other way (migrated data).
func TestConfirmNeedsVerification(t *testing.T) {
	d := newDriver(t, casework.FlowDibao2021)
	c := &casework.Case{Flow: casework.FlowDibao2021, Programme: casework.Dibao, Household: householdRef(d.h),
		Status: casework.StatusReported, AcceptedAt: at("2025-06-02 09:00")}
	e := wantKind(t, d.do(c, conf, "2025-07-01 09:00", nil), apperr.Conflict)
	if e.Msg != "尚无信息核对结果，不能确认" {
		t.Errorf("message %q", e.Msg)
	}
	c.Verifications = []casework.Verification{{Result: casework.VerificationNotMeets, Date: date("2025-06-10")}}
	e = wantKind(t, d.do(c, conf, "2025-07-01 09:00", nil), apperr.Invalid)
	if e.Field != "reason" {
		t.Errorf("confirming against a negative verification: field %q; want reason", e.Field)
	}
	d.must(c, conf, "2025-07-01 09:00", func(in *casework.StepInput) { in.Reason = "申请人提供了收入已中断的证明" })
	if c.Decision.BenefitStart != date("2025-08-01") || c.Decision.Level != casework.LevelCounty {
		t.Errorf("decision %+v", c.Decision)
	}
}

// A case of a staff member's relative (近亲属备案) is registered separately
// and cannot be confirmed, by the county or (when delegated) by the
// township, before the county has visited the home.
func TestRelativesNeedCountyVisit(t *testing.T) {
	h := household()
	reg, err := casework.NewRegister([]casework.StaffRelative{{StaffID: "530102198001010011", StaffName: "赵志强",
		StaffRole: casework.StaffVillageCommittee, RelativeID: h.Members[1].IDNumber, Relation: casework.RelSibling}})
	if err != nil {
		t.Fatal(err)
	}
	flags := casework.FlagRelatives(h.Members, reg)
	if len(flags) != 1 || flags[0].Name != "李秀英" {
		t.Fatalf("flags %+v", flags)
	}
	if got := flags[0].Zh(); got != "家庭成员李秀英是村（居）民委员会成员赵志强的兄弟姐妹" {
		t.Errorf("flag text %q", got)
	}
	for _, delegated := range []bool{false, true} {
		d := newDriver(t, casework.FlowDibao2021)
		c := d.openAt("2025-03-03 09:00", func(nc *casework.NewCase) { nc.Flags = flags; nc.Delegated = delegated })
		if !c.Flagged() {
			t.Fatal("case not flagged")
		}
		for _, a := range []casework.Action{acc, inv, vis, req, ver, rev, ntc} {
			d.must(c, a, "2025-03-10 09:00", nil)
		}
		if !delegated {
			d.must(c, rep, "2025-03-25 09:00", nil)
		}
		e := wantKind(t, d.do(c, conf, "2025-03-26 09:00", nil), apperr.Conflict)
		if !strings.Contains(e.Msg, "单独登记备案") || !strings.Contains(e.Msg, "县级入户核查") {
			t.Errorf("message %q", e.Msg)
		}
		d.must(c, casework.ActionCountyVisit, "2025-03-26 10:00", nil)
		d.must(c, conf, "2025-03-27 09:00", nil)
		wantLevel := casework.LevelCounty
		if delegated {
			wantLevel = casework.LevelTownship
		}
		if c.Decision.Level != wantLevel {
			t.Errorf("delegated %v: decided at %s; want %s", delegated, c.Decision.Level, wantLevel)
		}
	}
}

// An emergency (急难型) temporary case is paid first, within 48 hours of
// acceptance, and is then "paid, paperwork pending" until the paperwork is
// done, overdue once 5 working days after the payment have passed.
func TestEmergencyPaidBeforePaperwork(t *testing.T) {
	d := newDriver(t, casework.FlowTemporaryEmergency)
	c := d.openAt("2025-07-03 09:00", nil)
	d.must(c, acc, "2025-07-03 10:00", func(in *casework.StepInput) { in.Household, in.Materials = nil, nil })

	payBy := deadline(t, c, d.proc, casework.DeadlineStep, pay1)
	if !payBy.DueAt.Equal(at("2025-07-05 10:00")) || payBy.Hours != 48 {
		t.Errorf("pay by %v (%d h); want 2025-07-05 10:00", payBy.DueAt, payBy.Hours)
	}
	if payBy.Overdue(at("2025-07-05 10:00")) || !payBy.Overdue(at("2025-07-05 10:01")) {
		t.Error("48-hour limit classified wrongly")
	}

	e := wantKind(t, d.do(c, pay1, "2025-07-04 09:00", func(in *casework.StepInput) { in.Amount = money.Yuan(5000) },
		principal(access.TownshipReviewer)), apperr.Forbidden)
	if e.Msg != "救助金额 5000.00 元超过乡镇审批限额 2232.00 元，须报县级民政部门审批" {
		t.Errorf("level message %q", e.Msg)
	}
	// Refusing before any amount is proposed needs no limit, at either level.
	other := d.openAt("2025-07-03 09:00", nil)
	d.must(other, acc, "2025-07-03 10:00", nil)
	if err := d.do(other, ref, "2025-07-03 11:00", func(in *casework.StepInput) { in.TownshipLimit, in.Amount = nil, 0 },
		principal(access.CountyApprover)); err != nil {
		t.Errorf("county refusal without an amount: %v", err)
	}

	d.must(c, pay1, "2025-07-04 09:00", nil)
	if c.Status != casework.StatusPaidPending || c.Payment == nil || c.Payment.Amount != money.Yuan(800) {
		t.Fatalf("after paying: %s %+v", c.Status, c.Payment)
	}
	if c.Status.Zh() != "已先行救助，待补办手续" {
		t.Errorf("status name %q", c.Status.Zh())
	}
	pw := deadline(t, c, d.proc, casework.DeadlineStep, papr)
	if pw.Due != date("2025-07-11") {
		t.Errorf("paperwork due %s; want 2025-07-11", pw.Due)
	}
	for _, tc := range []struct {
		now  string
		want casework.Urgency
	}{
		{"2025-07-04 12:00", casework.UrgencyOnTime},
		{"2025-07-09 12:00", casework.UrgencyDueSoon},
		{"2025-07-11 23:00", casework.UrgencyDueSoon},
		{"2025-07-12 08:00", casework.UrgencyOverdue},
		{"2025-07-14 08:00", casework.UrgencyOverdue},
	} {
		if u, _ := casework.Classify(c, cal, d.proc, at(tc.now), 2); u != tc.want {
			t.Errorf("at %s: %v; want %v", tc.now, u, tc.want)
		}
	}

	e = wantKind(t, d.do(c, papr, "2025-07-10 09:00", func(in *casework.StepInput) { in.Materials = in.Materials[1:] }), apperr.Conflict)
	if !strings.HasPrefix(e.Msg, "补办手续材料不齐全。申请材料不齐全，请一次性补齐以下材料：1. 申请书") {
		t.Errorf("paperwork message %q", e.Msg)
	}
	d.must(c, papr, "2025-07-10 09:00", nil)
	if c.Status != casework.StatusCompleted || len(casework.Deadlines(c, cal, d.proc)) != 0 {
		t.Errorf("after the paperwork: %s, %+v", c.Status, casework.Deadlines(c, cal, d.proc))
	}
}

// 支出型 temporary assistance: the township approves up to its limit, the
// county above it; the wrong level is refused with the amount and limit.
func TestTemporaryTownshipLimit(t *testing.T) {
	if got := casework.TownshipLimit(policyVersion(t, "2025-07-01").Params); got != limit2025 {
		t.Fatalf("TownshipLimit = %s; want %s", got, limit2025)
	}
	route := []casework.Action{acc, inv, vis, req, ver, rev, ntc}

	d := newDriver(t, casework.FlowTemporaryExpenditure)
	d.big = true // 3000 > 2232
	c := d.run(route...)
	e := wantKind(t, d.do(c, conf, "2025-06-01 09:00", nil, principal(access.TownshipReviewer)), apperr.Forbidden)
	if e.Msg != "救助金额 3000.00 元超过乡镇审批限额 2232.00 元，须报县级民政部门审批" {
		t.Errorf("message %q", e.Msg)
	}
	e = wantKind(t, d.do(c, conf, "2025-06-01 09:00", func(in *casework.StepInput) { in.TownshipLimit = nil }), apperr.Invalid)
	if e.Field != "township_limit" {
		t.Errorf("field %q", e.Field)
	}
	d.must(c, rep, "2025-06-01 09:00", nil)
	if got := deadline(t, c, d.proc, casework.DeadlineStep, conf).Due; got != cal.AddWorkdays(date("2025-06-01"), 10) {
		t.Errorf("county decision due %s", got)
	}
	d.must(c, conf, "2025-06-03 09:00", nil, principal(access.CountyApprover))
	if c.Decision.Level != casework.LevelCounty || c.Decision.Amount != money.Yuan(3000) {
		t.Errorf("decision %+v", c.Decision)
	}

	d = newDriver(t, casework.FlowTemporaryExpenditure) // 800 ≤ 2232
	c = d.run(route...)
	e = wantKind(t, d.do(c, conf, "2025-06-01 09:00", nil, principal(access.CountyApprover)), apperr.Forbidden)
	if e.Msg != "救助金额 800.00 元在乡镇审批限额 2232.00 元以内，由乡镇人民政府（街道办事处）审批" {
		t.Errorf("message %q", e.Msg)
	}
	e = wantKind(t, d.do(c, rep, "2025-06-01 09:00", nil), apperr.Conflict)
	if !strings.Contains(e.Msg, "无需报县级") {
		t.Errorf("report message %q", e.Msg)
	}
	// The township may not lift an amount over its limit at the decision.
	wantKind(t, d.do(c, conf, "2025-06-01 09:00", func(in *casework.StepInput) { in.Amount = money.Yuan(2232.00 + 1) },
		principal(access.TownshipReviewer)), apperr.Forbidden)
	d.must(c, conf, "2025-06-01 09:00", func(in *casework.StepInput) { in.Amount = limit2025 }, principal(access.TownshipReviewer))
	if c.Decision.Level != casework.LevelTownship || c.Decision.Amount != limit2025 || !c.Decision.BenefitStart.IsZero() {
		t.Errorf("decision %+v", c.Decision)
	}
}

// The county's 特困 spot check: at least 30 % of the cases, every flagged
// one, drawn deterministically; a sampled case cannot be confirmed before
// the county's home visit.
func TestTekunSample(t *testing.T) {
	p := proc2021(t)
	ratio := p.Tekun.CountySpotCheck.Ratio()
	var ids []int64
	for id := int64(101); id <= 120; id++ {
		ids = append(ids, id)
	}
	s := casework.DrawSample(ids, ratio, 2025, 105, 117, 999)
	if len(s) < 6 || !contains(s, 105) || !contains(s, 117) || contains(s, 999) {
		t.Fatalf("sample %v: want ≥ 6 of 20 with 105 and 117, not 999", s)
	}
	if len(s) != 6 {
		t.Errorf("sample has %d; want exactly ceil(0.3 × 20) = 6", len(s))
	}
	shuffled := []int64{120, 101, 113, 105, 119, 102, 118, 103, 117, 104, 116, 106, 115, 107, 114, 108, 112, 109, 111, 110, 110}
	if again := casework.DrawSample(shuffled, ratio, 2025, 117, 105); !equal(again, s) {
		t.Errorf("same draw in another order: %v; want %v", again, s)
	}
	if other := casework.DrawSample(ids, ratio, 2026, 105, 117); equal(other, s) {
		t.Errorf("seed 2026 drew the same sample %v", other)
	}
	for _, tc := range []struct {
		n, flagged, want int
	}{{0, 0, 0}, {1, 0, 1}, {3, 0, 1}, {10, 0, 3}, {11, 0, 4}, {5, 3, 3}, {7, 0, 3}} {
		var ids, fl []int64
		for i := range tc.n {
			ids = append(ids, int64(i+1))
			if i < tc.flagged {
				fl = append(fl, int64(i+1))
			}
		}
		if got := casework.DrawSample(ids, ratio, 1, fl...); len(got) != tc.want {
			t.Errorf("n=%d flagged=%d: %d drawn; want %d", tc.n, tc.flagged, len(got), tc.want)
		}
	}
	if got := casework.SampleSize(20, money.Ratio{Num: 1, Den: 1}); got != 20 {
		t.Errorf("SampleSize at 100%% = %d", got)
	}

	d := newDriver(t, casework.FlowTekun)
	c := d.run(acc, inv, vis, sc, req, ver, rev, ntc, rep, casework.ActionSample)
	if !c.Sampled {
		t.Fatal("not sampled")
	}
	wantKind(t, d.step(c, casework.ActionSample), apperr.Conflict)
	e := wantKind(t, d.step(c, conf), apperr.Conflict)
	if !strings.Contains(e.Msg, "入户抽查") {
		t.Errorf("message %q", e.Msg)
	}
	if err := d.step(c, casework.ActionCountyVisit); err != nil {
		t.Fatal(err)
	}
	if err := d.step(c, conf); err != nil {
		t.Fatal(err)
	}
	if c.SelfCare.Count != 4 || c.Decision.Tier != policy.CareComplete || c.Decision.Setting != policy.SettingHome {
		t.Errorf("self-care %+v, decision %+v", c.SelfCare, c.Decision)
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The self-care tier follows the number of the six activities failed.
func TestSelfCareTier(t *testing.T) {
	for n, want := range []string{policy.CareIndependent, policy.CarePartial, policy.CarePartial, policy.CarePartial,
		policy.CareComplete, policy.CareComplete, policy.CareComplete} {
		d := newDriver(t, casework.FlowTekun)
		c := d.run(acc, inv)
		var failed [6]bool
		for i := range n {
			failed[5-i] = true
		}
		d.must(c, sc, "2025-04-01 09:00", func(in *casework.StepInput) { in.SelfCare = &casework.SelfCareAssessment{Failed: failed} })
		if c.SelfCare.Count != n || c.SelfCare.Tier != want {
			t.Errorf("%d failed: %d, %s; want %s", n, c.SelfCare.Count, c.SelfCare.Tier, want)
		}
	}
	d := newDriver(t, casework.FlowTekun)
	c := d.run(acc, inv, vis, req, ver)
	e := wantKind(t, d.step(c, rev), apperr.Conflict)
	if !strings.Contains(e.Msg, "生活自理能力评估") {
		t.Errorf("review without assessment: %q", e.Msg)
	}
}

// Benefits start the month after the decision.
func TestBenefitStart(t *testing.T) {
	for _, tc := range []struct{ decided, want string }{
		{"2025-01-31", "2025-02-01"}, {"2025-12-15", "2026-01-01"}, {"2024-02-29", "2024-03-01"}, {"2025-07-01", "2025-08-01"},
	} {
		if got := casework.BenefitStart(cal, date(tc.decided)); got != date(tc.want) {
			t.Errorf("decided %s: benefits from %s; want %s", tc.decided, got, tc.want)
		}
	}
	for _, tc := range []struct{ decided, want string }{{"2025-01-31 10:00", "2025-02-01"}, {"2025-12-15 10:00", "2026-01-01"}} {
		d := newDriver(t, casework.FlowDibao2021)
		d.start = at(tc.decided).AddDate(0, -4, 0)
		c := d.run(acc, inv, vis, req, ver, rev, ntc, rep)
		d.must(c, conf, tc.decided, nil)
		if c.Decision.Date != date(tc.decided[:10]) || c.Decision.BenefitStart != date(tc.want) {
			t.Errorf("confirmed %s: benefits from %s; want %s", c.Decision.Date, c.Decision.BenefitStart, tc.want)
		}
	}
}

// The whole procedure: 30 working days from acceptance, 45 once extended
// with a reason, 20 when confirmation is delegated.
func TestWholeProcessLimit(t *testing.T) {
	d := newDriver(t, casework.FlowDibao2021)
	d.start = at("2025-02-21 09:00") // run takes the second step ten days later: accepted 2025-03-03
	c := d.run(acc)
	if c.AcceptedOn() != date("2025-03-03") {
		t.Fatalf("accepted %s", c.AcceptedOn())
	}
	if got := deadline(t, c, d.proc, casework.DeadlineTotal, conf).Due; got != date("2025-04-15") {
		t.Errorf("30 working days end %s; want 2025-04-15 (Qingming 04-04 off)", got)
	}
	wantKind(t, d.do(c, casework.ActionExtend, "2025-03-20 09:00", func(in *casework.StepInput) { in.Reason = " " }), apperr.Invalid)
	d.must(c, casework.ActionExtend, "2025-03-20 09:00", func(in *casework.StepInput) { in.Reason = "申请人户籍地与居住地分离，需跨地区调查" })
	if got := deadline(t, c, d.proc, casework.DeadlineTotal, conf).Due; got != date("2025-05-08") {
		t.Errorf("45 working days end %s; want 2025-05-08 (04-27 worked, 05-01…05 off)", got)
	}
	e := wantKind(t, d.do(c, casework.ActionExtend, "2025-03-21 09:00", nil), apperr.Conflict)
	if !strings.Contains(e.Msg, "不能再次延长") {
		t.Errorf("second extension: %q", e.Msg)
	}

	d = newDriver(t, casework.FlowDibao2021)
	d.start = at("2025-02-21 09:00")
	c = d.openAt("2025-02-21 09:00", func(nc *casework.NewCase) { nc.Delegated = true })
	d.must(c, acc, "2025-03-03 09:00", nil)
	if got := deadline(t, c, d.proc, casework.DeadlineTotal, conf).Due; got != date("2025-03-31") {
		t.Errorf("delegated: 20 working days end %s; want 2025-03-31", got)
	}
}

// Objections to the notice: no report or confirmation; 民主评议 (with at
// least two thirds village representatives), a new opinion and a new
// notice, then confirmation.
func TestObjectionsLeadToAppraisal(t *testing.T) {
	d := newDriver(t, casework.FlowDibao2021)
	c := toReviewed(t, d)
	d.must(c, ntc, "2024-09-10 09:00", nil)
	e := wantKind(t, d.do(c, apr, "2024-09-12 09:00", nil), apperr.Conflict)
	if !strings.Contains(e.Msg, "无需民主评议") {
		t.Errorf("appraisal without objections: %q", e.Msg)
	}
	d.must(c, obj, "2024-09-12 09:00", nil)
	e = wantKind(t, d.do(c, conf, "2024-09-18 09:00", nil), apperr.Conflict)
	if e.Msg != "公示期间收到异议 1 件，须重新调查或民主评议、重新提出初审意见并重新公示" {
		t.Errorf("message %q", e.Msg)
	}
	wantKind(t, d.do(c, rep, "2024-09-18 09:00", nil), apperr.Conflict)
	d.must(c, apr, "2024-09-18 09:00", nil)
	e = wantKind(t, d.do(c, rev, "2024-09-19 09:00", nil), apperr.Conflict)
	if !strings.Contains(e.Msg, "尚未录入民主评议结果") {
		t.Errorf("review before the appraisal is recorded: %q", e.Msg)
	}
	e = wantKind(t, d.do(c, rap, "2024-09-19 09:00", func(in *casework.StepInput) {
		in.Appraisal = &casework.Appraisal{Participants: 10, VillageReps: 6, Summary: "多数同意"}
	}), apperr.Invalid)
	if e.Field != "appraisal.village_reps" {
		t.Errorf("field %q", e.Field)
	}
	d.must(c, rap, "2024-09-19 09:00", nil)
	d.must(c, rev, "2024-09-20 09:00", nil)
	d.must(c, ntc, "2024-09-23 09:00", nil)
	if len(c.Notices) != 2 || c.Notices[1].End != date("2024-09-29") {
		t.Fatalf("notices %+v", c.Notices)
	}
	d.must(c, conf, "2024-09-30 09:00", nil)
	if c.Status != casework.StatusConfirmed {
		t.Errorf("status %s", c.Status)
	}
}

// Who may act: village assistants only register; the township does not
// confirm; nobody acts outside their jurisdiction; a delegated case is
// confirmed by the township reviewer and not reported.
func TestRolesAndJurisdiction(t *testing.T) {
	d := newDriver(t, casework.FlowDibao2021)
	h := d.h
	c, err := casework.Open(casework.NewCase{Programme: casework.Dibao, Household: householdRef(h)},
		principal(access.VillageAssistant), at("2025-03-03 09:00"), d.proc)
	if err != nil {
		t.Fatal(err)
	}
	e := wantKind(t, d.do(c, acc, "2025-03-03 10:00", nil, principal(access.VillageAssistant)), apperr.Forbidden)
	if e.Msg != "您的角色（村级协理员）不能受理，须由乡镇窗口受理员或乡镇审核人员办理" {
		t.Errorf("message %q", e.Msg)
	}
	other := access.NewPrincipal(access.User{ID: 9, Username: "other", Role: access.TownshipClerk, Region: "530102002000"})
	e = wantKind(t, d.do(c, acc, "2025-03-03 10:00", nil, other), apperr.Forbidden)
	if e.Msg != "该案件不在您的管辖范围内" {
		t.Errorf("message %q", e.Msg)
	}
	if _, err := casework.Open(casework.NewCase{Programme: casework.Dibao, Household: householdRef(h)}, other, at("2025-03-03 09:00"), d.proc); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("open outside the jurisdiction: %v", err)
	}
	if _, err := casework.Open(casework.NewCase{Programme: casework.Dibao, Household: householdRef(h)}, principal(access.CountyApprover), at("2025-03-03 09:00"), d.proc); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("open by the county: %v", err)
	}
	wantKind(t, casework.Apply(c, acc, access.Principal{}, at("2025-03-03 10:00"), casework.StepInput{}, cal, d.proc), apperr.Unauthorized)
	d.must(c, acc, "2025-03-03 10:00", nil)
	if got := casework.Allowed(c, principal(access.TownshipClerk)); !contains(got, inv) || contains(got, conf) {
		t.Errorf("clerk may %v", got)
	}
	for _, a := range []casework.Action{inv, vis, req} {
		d.must(c, a, "2025-03-04 09:00", nil)
	}
	e = wantKind(t, d.do(c, ver, "2025-03-07 09:00", nil, principal(access.TownshipClerk)), apperr.Forbidden)
	if e.Msg != "您的角色（乡镇窗口受理员）不能录入信息核对结果，须由县级核对人员办理" {
		t.Errorf("message %q", e.Msg)
	}
	for _, a := range []casework.Action{ver, rev, ntc} {
		d.must(c, a, "2025-03-07 09:00", nil)
	}
	e = wantKind(t, d.do(c, conf, "2025-03-17 09:00", nil, principal(access.TownshipReviewer)), apperr.Forbidden)
	if !strings.Contains(e.Msg, "须由县级审批人员办理") {
		t.Errorf("message %q", e.Msg)
	}
	if got := casework.Allowed(c, principal(access.CountyApprover)); !contains(got, conf) || contains(got, rep) {
		t.Errorf("county approver may %v", got)
	}
	d.must(c, conf, "2025-03-17 09:00", nil, access.System("import", ""))

	dl := newDriver(t, casework.FlowDibao2021)
	c = dl.openAt("2025-03-03 09:00", func(nc *casework.NewCase) { nc.Delegated = true })
	for _, a := range []casework.Action{acc, inv, vis, req, ver, rev, ntc} {
		dl.must(c, a, "2025-03-03 10:00", nil)
	}
	e = wantKind(t, dl.do(c, rep, "2025-03-11 09:00", nil), apperr.Conflict)
	if !strings.Contains(e.Msg, "委托乡镇") {
		t.Errorf("message %q", e.Msg)
	}
	wantKind(t, dl.do(c, conf, "2025-03-11 09:00", nil, principal(access.CountyApprover)), apperr.Forbidden)
	dl.must(c, conf, "2025-03-11 09:00", nil, principal(access.TownshipReviewer))
	if c.Decision.Level != casework.LevelTownship {
		t.Errorf("level %s", c.Decision.Level)
	}
}

// A refused step changes nothing; steps cannot be dated before the last.
func TestApplyIsAtomic(t *testing.T) {
	d := newDriver(t, casework.FlowDibao2021)
	c := d.run(acc, inv, vis, req, ver, rev, ntc, obj)
	before, _ := json.Marshal(c)
	for _, tc := range []struct {
		a    casework.Action
		edit func(*casework.StepInput)
		kind apperr.Kind
	}{
		{conf, nil, apperr.Conflict},
		{rep, nil, apperr.Conflict},
		{obj, func(in *casework.StepInput) { in.Objection = &casework.Objection{Content: " "} }, apperr.Invalid},
		{casework.ActionFlagRelatives, func(in *casework.StepInput) { in.Flags[0].Staff.Relation = "cousin" }, apperr.Invalid},
		{casework.ActionCountyVisit, func(in *casework.StepInput) { in.Visit.Investigators = []string{"王芳", " 王芳 "} }, apperr.Invalid},
		{pub, nil, apperr.Conflict},
	} {
		err := d.do(c, tc.a, "2025-06-01 09:00", tc.edit)
		wantKind(t, err, tc.kind)
		if after, _ := json.Marshal(c); string(after) != string(before) {
			t.Fatalf("%s changed the case on error %v", tc.a, err)
		}
	}
	e := wantKind(t, d.do(c, obj, "2025-03-01 09:00", nil), apperr.Invalid)
	if e.Field != "at" {
		t.Errorf("field %q; want at", e.Field)
	}
}

// The 2012 procedure: mandatory appraisal, township and county notices,
// and its deadlines.
func TestDibao2012(t *testing.T) {
	d := newDriver(t, casework.FlowDibao2012)
	c := d.openAt("2016-09-01 09:00", nil)
	d.must(c, acc, "2016-09-01 10:00", nil)
	if got := deadline(t, c, d.proc, casework.DeadlineStep, apr).Due; got != cal.AddWorkdays(date("2016-09-01"), 20) {
		t.Errorf("investigation due %s", got)
	}
	d.must(c, inv, "2016-09-02 09:00", nil)
	d.must(c, vis, "2016-09-05 09:00", nil)
	d.must(c, req, "2016-09-06 09:00", nil)
	e := wantKind(t, d.do(c, apr, "2016-09-07 09:00", nil), apperr.Conflict)
	if !strings.Contains(e.Msg, "尚无信息核对结果") {
		t.Errorf("appraisal before verification: %q", e.Msg)
	}
	wantKind(t, d.do(c, rev, "2016-09-07 09:00", nil), apperr.Conflict) // no review straight from verification in 2012
	d.must(c, ver, "2016-09-07 09:00", nil)
	d.must(c, apr, "2016-09-08 09:00", nil)
	if got := deadline(t, c, d.proc, casework.DeadlineStep, rap).Due; got != date("2016-09-18") {
		t.Errorf("appraisal due %s; want 2016-09-18 (5 working days from 09-08: 09-15…17 off, Sunday 09-18 worked)", got)
	}
	d.must(c, rap, "2016-09-09 09:00", nil)
	d.must(c, rev, "2016-09-12 09:00", nil)
	d.must(c, ntc, "2016-09-12 10:00", nil)
	d.must(c, rep, "2016-09-19 09:00", nil)
	if got := deadline(t, c, d.proc, casework.DeadlineStep, cnt).Due; got != date("2016-09-26") {
		t.Errorf("county review due %s; want 2016-09-26", got)
	}
	wantKind(t, d.do(c, conf, "2016-09-20 09:00", nil), apperr.Conflict) // 2012: approval only after the county notice
	d.must(c, cnt, "2016-09-20 09:00", nil)
	n, _ := c.Notice()
	if n.Level != casework.NoticeCounty || n.End != date("2016-09-26") {
		t.Errorf("county notice %+v", n)
	}
	if got := deadline(t, c, d.proc, casework.DeadlineStep, conf).Due; got != date("2016-09-29") {
		t.Errorf("decision due %s; want 2016-09-29 (3 working days after 09-26)", got)
	}
	d.must(c, obj, "2016-09-22 09:00", nil)
	if got := deadline(t, c, d.proc, casework.DeadlineStep, casework.ActionRecheck).Due; got != cal.AddWorkdays(date("2016-09-26"), 20) {
		t.Errorf("re-check due %s", got)
	}
	d.must(c, casework.ActionRecheck, "2016-09-27 09:00", nil)
	if got := deadline(t, c, d.proc, casework.DeadlineStep, cnt).Due; got != cal.AddWorkdays(date("2016-09-26"), 20) {
		t.Errorf("decision after objections due %s", got)
	}
	d.must(c, cnt, "2016-10-10 09:00", nil)
	e = wantKind(t, d.do(c, conf, "2016-10-16 09:00", nil), apperr.Conflict)
	if e.Msg != "公示期未满，不能确认（公示期至 2016-10-16）" {
		t.Errorf("message %q", e.Msg)
	}
	d.must(c, conf, "2016-10-17 09:00", nil)
	d.must(c, pub, "2016-10-18 09:00", nil)
	if c.Status != casework.StatusPublished || c.Decision.BenefitStart != date("2016-11-01") {
		t.Errorf("%s from %s", c.Status, c.Decision.BenefitStart)
	}
	if _, err := casework.Open(casework.NewCase{Programme: casework.Dibao, Household: householdRef(d.h), Delegated: true},
		principal(access.TownshipClerk), at("2016-09-01 09:00"), d.proc); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("delegated 2012 case: %v", err)
	}
}

// Medical direct handling and a departmental flow.
func TestMedicalDirectAndDepartment(t *testing.T) {
	d := newDriver(t, casework.FlowMedicalDirect)
	c, err := casework.Open(casework.NewCase{Programme: casework.Medical, Track: casework.TrackDirect, Household: householdRef(d.h)},
		principal(access.DepartmentHandler), at("2025-07-01 09:00"), d.proc)
	if err != nil {
		t.Fatal(err)
	}
	e := wantKind(t, d.do(c, acc, "2025-07-01 09:05", func(in *casework.StepInput) { in.Household, in.Materials = nil, nil }), apperr.Conflict)
	if !strings.Contains(e.Msg, "医保结算单") {
		t.Errorf("message %q", e.Msg)
	}
	d.must(c, acc, "2025-07-01 09:05", func(in *casework.StepInput) {
		in.Household, in.Materials = nil, []casework.MaterialKey{casework.Key(casework.MatSettlement)}
	})
	d.must(c, cmp, "2025-07-01 09:10", func(in *casework.StepInput) {
		in.Amount = money.MustParse("1234.56")
		in.Policy = policy.VersionRef{Region: "530000000000", Effective: "2025-07-01"}
	})
	d.must(c, conf, "2025-07-01 09:15", func(in *casework.StepInput) { in.Amount, in.Policy = 0, policy.VersionRef{} })
	d.must(c, pay, "2025-07-01 09:20", func(in *casework.StepInput) { in.PaymentRef = "YB-20250701-1" }, principal(access.FinanceOfficer))
	if c.Status != casework.StatusPaid || c.Payment.Amount != money.MustParse("1234.56") || c.Decision.Policy.Effective != "2025-07-01" ||
		c.Decision.Level != casework.LevelDepartment || !c.Decision.BenefitStart.IsZero() {
		t.Errorf("%s %+v %+v", c.Status, c.Payment, c.Decision)
	}

	dp := newDriver(t, casework.FlowDepartment)
	c = dp.openAt("2025-07-01 09:00", func(nc *casework.NewCase) { nc.Programme = casework.Housing })
	wantKind(t, dp.do(c, acc, "2025-07-01 10:00", func(in *casework.StepInput) { in.Materials = nil }), apperr.Conflict)
	dp.must(c, acc, "2025-07-01 10:00", func(in *casework.StepInput) { in.Materials = allMaterials(c, dp.h) })
	dp.must(c, rt, "2025-07-01 11:00", nil)
	if c.RoutedTo != casework.HousingDept {
		t.Errorf("routed to %s", c.RoutedTo)
	}
	wantKind(t, dp.do(c, tk, "2025-07-02 09:00", nil, principal(access.TownshipClerk)), apperr.Forbidden)
	if got := casework.Allowed(c, principal(access.TownshipClerk)); len(got) != 1 || got[0] != wd {
		t.Errorf("window may %v; want only withdraw", got)
	}
	dp.must(c, tk, "2025-07-02 09:00", nil)
	dp.must(c, ref, "2025-07-10 09:00", nil)
	dp.must(c, rb, "2025-07-10 10:00", nil)
	if c.Status != casework.StatusReportedBack || c.Decision.Approved || c.Decision.Reasons == "" {
		t.Errorf("%s %+v", c.Status, c.Decision)
	}
}
