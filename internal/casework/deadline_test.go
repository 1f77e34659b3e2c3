package casework_test

import (
	"testing"

	"safetynet/internal/apperr"

	"safetynet/internal/casework"
)

// The step deadlines of the other flows, one step a day.
func TestStepDeadlines(t *testing.T) {
	// 特困: the township's opinion within 15 working days of acceptance;
	// after objections, within 15 of re-opening; the refusal notice in 3.
	d := newDriver(t, casework.FlowTekun)
	c := d.openAt("2025-09-22 09:00", nil)
	d.must(c, acc, "2025-09-22 10:00", nil)
	if got := deadline(t, c, d.proc, casework.DeadlineStep, rev); got.Due != date("2025-10-17") {
		t.Errorf("特困 opinion due %s; want 2025-10-17 (15 working days across National Day: 09-28 and 10-11 worked, 10-01…08 off)", got.Due)
	}
	for _, a := range []casework.Action{inv, vis, sc, req} {
		d.must(c, a, "2025-09-23 09:00", nil)
		if !hasDeadline(c, d.proc, casework.DeadlineStep, rev) {
			t.Errorf("no opinion deadline in %s", c.Status)
		}
	}
	d.must(c, ver, "2025-09-24 09:00", nil)
	d.must(c, rev, "2025-09-25 09:00", nil)
	if len(casework.Deadlines(c, cal, d.proc)) != 0 {
		t.Errorf("deadlines after the opinion: %+v", casework.Deadlines(c, cal, d.proc))
	}
	d.must(c, ntc, "2025-09-25 10:00", nil)
	d.must(c, obj, "2025-09-26 09:00", nil)
	d.must(c, casework.ActionReinvestigate, "2025-10-09 09:00", nil)
	if got := deadline(t, c, d.proc, casework.DeadlineStep, rev); got.Due != cal.AddWorkdays(date("2025-10-09"), 15) || got.From != date("2025-10-09") {
		t.Errorf("new opinion due %s from %s", got.Due, got.From)
	}
	d.must(c, vis, "2025-10-10 09:00", nil)
	d.must(c, req, "2025-10-10 10:00", nil)
	d.must(c, rev, "2025-10-13 09:00", nil)
	d.must(c, ntc, "2025-10-13 10:00", nil)
	d.must(c, rep, "2025-10-20 09:00", nil)
	d.must(c, ref, "2025-10-21 09:00", nil)
	if got := deadline(t, c, d.proc, casework.DeadlineRefusalNotice, casework.ActionNotify); got.Due != date("2025-10-24") {
		t.Errorf("refusal notice due %s; want 2025-10-24", got.Due)
	}

	// 支出型: accepted within 2 working days, opinion within 10.
	d = newDriver(t, casework.FlowTemporaryExpenditure)
	c = d.openAt("2025-09-30 16:00", nil)
	if got := deadline(t, c, d.proc, casework.DeadlineStep, acc); got.Due != date("2025-10-10") {
		t.Errorf("acceptance due %s; want 2025-10-10 (09-30 + 2 working days over National Day)", got.Due)
	}
	d.must(c, acc, "2025-10-09 09:00", nil)
	if got := deadline(t, c, d.proc, casework.DeadlineStep, rev); got.Due != date("2025-10-22") {
		t.Errorf("opinion due %s; want 2025-10-22 (Saturday 10-11 worked)", got.Due)
	}

	// dibao 2021: the county starts the verification within 3 working days
	// of the request.
	d = newDriver(t, casework.FlowDibao2021)
	c = d.openAt("2025-07-01 09:00", nil)
	for _, a := range []casework.Action{acc, inv, vis} {
		d.must(c, a, "2025-07-01 10:00", nil)
	}
	d.must(c, req, "2025-07-04 09:00", nil)
	if got := deadline(t, c, d.proc, casework.DeadlineStep, ver); got.Due != date("2025-07-09") || got.Basis != "民发〔2021〕57号第十七条" {
		t.Errorf("verification due %s (%s); want 2025-07-09", got.Due, got.Basis)
	}
	d.must(c, ver, "2025-07-07 09:00", nil)
	if hasDeadline(c, d.proc, casework.DeadlineStep, ver) {
		t.Error("verification still due after the result")
	}

	// No statutory step limits for medical applications and departmental
	// requests.
	for _, f := range []casework.Flow{casework.FlowMedical, casework.FlowMedicalDirect, casework.FlowDepartment} {
		d := newDriver(t, f)
		c := d.run(acc)
		if ds := casework.Deadlines(c, cal, d.proc); len(ds) != 0 {
			t.Errorf("%s: %+v", f, ds)
		}
		if u, _ := casework.Classify(c, cal, d.proc, at("2030-01-01 09:00"), 3); u != casework.UrgencyNone {
			t.Errorf("%s: urgency %v", f, u)
		}
	}
	// A zero limit in the policy sets none.
	d = newDriver(t, casework.FlowDibao2021)
	d.proc.Dibao.InvestigationStart, d.proc.Dibao.Total = 0, 0
	if ds := casework.Deadlines(d.run(acc), cal, d.proc); len(ds) != 0 {
		t.Errorf("zero limits: %+v", ds)
	}
}

// Bad input is Invalid and names the field.
func TestInvalidInput(t *testing.T) {
	for _, tc := range []struct {
		flow  casework.Flow
		path  []casework.Action
		a     casework.Action
		edit  func(*casework.StepInput)
		field string
	}{
		{casework.FlowDibao2021, nil, dec, func(in *casework.StepInput) { in.Reason = "" }, "reason"},
		{casework.FlowDibao2021, []casework.Action{acc, inv}, vis, func(in *casework.StepInput) { in.Visit = nil }, "visit"},
		{casework.FlowDibao2021, []casework.Action{acc, inv}, vis, func(in *casework.StepInput) { in.Visit.Investigators = []string{"王芳"} }, "visit.investigators"},
		{casework.FlowDibao2021, []casework.Action{acc, inv}, vis, func(in *casework.StepInput) { in.Visit.Findings = "" }, "visit.findings"},
		{casework.FlowDibao2021, []casework.Action{acc, inv}, vis, func(in *casework.StepInput) { in.Visit.Method = "letter" }, "visit.method"},
		{casework.FlowDibao2021, []casework.Action{acc, inv}, vis, func(in *casework.StepInput) { in.Visit.Date = date("2030-01-01") }, "visit.date"},
		{casework.FlowDibao2021, []casework.Action{acc, inv}, vis, func(in *casework.StepInput) { in.Visit.Date = date("2025-03-01") }, "visit.date"},
		{casework.FlowDibao2021, []casework.Action{acc, inv, vis, req}, ver, func(in *casework.StepInput) { in.Verification.Result = "ok" }, "verification.result"},
		{casework.FlowDibao2021, []casework.Action{acc, inv, vis, req}, ver, func(in *casework.StepInput) { in.Verification = nil }, "verification"},
		{casework.FlowDibao2021, []casework.Action{acc, inv, vis, req, ver}, rev, func(in *casework.StepInput) { in.Opinion = " " }, "opinion"},
		{casework.FlowDibao2021, []casework.Action{acc, inv, vis, req, ver}, rev, func(in *casework.StepInput) { in.Tier = "D" }, "tier"},
		{casework.FlowTemporaryExpenditure, []casework.Action{acc, inv, vis, req, ver}, rev, func(in *casework.StepInput) { in.Amount = 0 }, "amount"},
		{casework.FlowDibao2021, []casework.Action{acc, inv, vis, req, ver, rev}, ntc, func(in *casework.StepInput) { in.NoticeStart = date("2025-01-01") }, "notice_start"},
		{casework.FlowDibao2021, []casework.Action{acc, inv, vis, req, ver, rev, ntc, obj, apr}, rap, func(in *casework.StepInput) { in.Appraisal.Participants = 0 }, "appraisal.participants"},
		{casework.FlowDibao2021, []casework.Action{acc, inv, vis, req, ver, rev, ntc, obj, apr}, rap, func(in *casework.StepInput) { in.Appraisal.Summary = "" }, "appraisal.summary"},
		{casework.FlowDibao2021, []casework.Action{acc, inv, vis, req, ver, rev, ntc, rep}, conf, func(in *casework.StepInput) { in.Amount = 0 }, "amount"},
		{casework.FlowDibao2021, []casework.Action{acc, inv, vis, req, ver, rev, ntc, rep}, conf, func(in *casework.StepInput) { in.Amount = -1 }, "amount"},
		{casework.FlowDibao2021, []casework.Action{acc, inv, vis, req, ver, rev, ntc, rep}, conf, func(in *casework.StepInput) { in.Policy.Effective = "" }, "policy"},
		{casework.FlowTekun, []casework.Action{acc, inv, vis, sc, req, ver, rev, ntc, rep}, conf, func(in *casework.StepInput) { in.Setting = "" }, "setting"},
		{casework.FlowTekun, []casework.Action{acc, inv}, sc, func(in *casework.StepInput) { in.SelfCare = nil }, "self_care"},
		{casework.FlowDibao2021, []casework.Action{acc, inv, vis, req, ver, rev, ntc, rep}, ref, func(in *casework.StepInput) { in.Reason = "" }, "reason"},
		{casework.FlowDibao2021, []casework.Action{acc, inv, vis, req, ver, rev, ntc, rep, ref}, casework.ActionNotify, func(in *casework.StepInput) { in.Delivered = date("2025-01-01") }, "delivered"},
		{casework.FlowDibao2021, []casework.Action{acc}, casework.ActionFlagRelatives, func(in *casework.StepInput) { in.Flags = nil }, "flags"},
		{casework.FlowTemporaryEmergency, []casework.Action{acc}, pay1, func(in *casework.StepInput) { in.Amount = 0 }, "amount"},
		{casework.FlowMedicalDirect, []casework.Action{acc}, cmp, func(in *casework.StepInput) { in.Amount = -5 }, "amount"},
	} {
		d := newDriver(t, tc.flow)
		c := d.run(tc.path...)
		n := len(c.Steps)
		err := d.do(c, tc.a, "2025-12-31 09:00", tc.edit)
		if e := wantKind(t, err, apperr.Invalid); e.Field != tc.field {
			t.Errorf("%s %s: field %q; want %q (%v)", tc.flow, tc.a, e.Field, tc.field, err)
		}
		if len(c.Steps) != n {
			t.Errorf("%s %s: step added on error", tc.flow, tc.a)
		}
	}
}
