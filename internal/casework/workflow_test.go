package casework_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/casework"
)

// spec is every flow's transition table as the rules want it, one line per
// status: "action→to" leaves the status, a bare "action" stays in it (it
// records something). Every (status, action) pair not listed is illegal.
// The table in the code must be exactly this.
var spec = map[casework.Flow]string{
	casework.FlowDibao2021: `
		submitted:     accept→accepted decline→declined withdraw→withdrawn
		accepted:      start_investigation→investigating county_visit flag_relatives extend withdraw→withdrawn
		investigating: record_visit request_verification→verifying county_visit flag_relatives extend withdraw→withdrawn
		verifying:     record_verification review→reviewed reinvestigate→investigating county_visit flag_relatives extend withdraw→withdrawn
		reviewed:      start_notice→noticing reinvestigate→investigating county_visit flag_relatives extend withdraw→withdrawn
		noticing:      record_objection appraise→appraising report→reported confirm→confirmed refuse→refused reinvestigate→investigating county_visit flag_relatives extend withdraw→withdrawn
		appraising:    record_appraisal review→reviewed reinvestigate→investigating county_visit flag_relatives extend withdraw→withdrawn
		reported:      sample confirm→confirmed refuse→refused reinvestigate→investigating county_visit flag_relatives extend withdraw→withdrawn
		confirmed:     publish→published
		refused:       notify
	`,
	casework.FlowDibao2012: `
		submitted:       accept→accepted decline→declined withdraw→withdrawn
		accepted:        start_investigation→investigating county_visit flag_relatives withdraw→withdrawn
		investigating:   record_visit request_verification→verifying county_visit flag_relatives withdraw→withdrawn
		verifying:       record_verification appraise→appraising reinvestigate→investigating county_visit flag_relatives withdraw→withdrawn
		appraising:      record_appraisal review→reviewed reinvestigate→investigating county_visit flag_relatives withdraw→withdrawn
		reviewed:        start_notice→noticing reinvestigate→investigating county_visit flag_relatives withdraw→withdrawn
		noticing:        record_objection appraise→appraising report→reported reinvestigate→investigating county_visit flag_relatives withdraw→withdrawn
		reported:        sample start_county_notice→county_noticing refuse→refused reinvestigate→investigating county_visit flag_relatives withdraw→withdrawn
		county_noticing: record_objection recheck→reported confirm→confirmed refuse→refused county_visit flag_relatives withdraw→withdrawn
		confirmed:       publish→published
		refused:         notify
	`,
	casework.FlowTekun: `
		submitted:     accept→accepted decline→declined withdraw→withdrawn
		accepted:      start_investigation→investigating county_visit flag_relatives withdraw→withdrawn
		investigating: record_visit request_verification→verifying assess_self_care county_visit flag_relatives withdraw→withdrawn
		verifying:     record_verification review→reviewed assess_self_care reinvestigate→investigating county_visit flag_relatives withdraw→withdrawn
		reviewed:      start_notice→noticing reinvestigate→investigating county_visit flag_relatives withdraw→withdrawn
		noticing:      record_objection appraise→appraising report→reported confirm→confirmed refuse→refused reinvestigate→investigating county_visit flag_relatives withdraw→withdrawn
		appraising:    record_appraisal review→reviewed reinvestigate→investigating county_visit flag_relatives withdraw→withdrawn
		reported:      sample confirm→confirmed refuse→refused reinvestigate→investigating county_visit flag_relatives withdraw→withdrawn
		confirmed:     publish→published
		refused:       notify
	`,
	casework.FlowTemporaryEmergency: `
		submitted:    accept→accepted decline→declined withdraw→withdrawn
		accepted:     pay_first→paid_pending refuse→refused withdraw→withdrawn
		paid_pending: complete_paperwork→completed
		refused:      notify
	`,
	casework.FlowTemporaryExpenditure: `
		submitted:     accept→accepted decline→declined withdraw→withdrawn
		accepted:      start_investigation→investigating county_visit flag_relatives withdraw→withdrawn
		investigating: record_visit request_verification→verifying county_visit flag_relatives withdraw→withdrawn
		verifying:     record_verification review→reviewed reinvestigate→investigating county_visit flag_relatives withdraw→withdrawn
		reviewed:      start_notice→noticing reinvestigate→investigating county_visit flag_relatives withdraw→withdrawn
		noticing:      record_objection appraise→appraising report→reported confirm→confirmed refuse→refused reinvestigate→investigating county_visit flag_relatives withdraw→withdrawn
		appraising:    record_appraisal review→reviewed reinvestigate→investigating county_visit flag_relatives withdraw→withdrawn
		reported:      confirm→confirmed refuse→refused reinvestigate→investigating county_visit flag_relatives withdraw→withdrawn
		confirmed:     publish→published
		refused:       notify
	`,
	casework.FlowMedicalDirect: `
		submitted: accept→accepted decline→declined withdraw→withdrawn
		accepted:  compute→computed withdraw→withdrawn
		computed:  compute confirm→confirmed refuse→refused withdraw→withdrawn
		confirmed: pay→paid
		refused:   notify
	`,
	casework.FlowMedical: `
		submitted:     accept→accepted decline→declined withdraw→withdrawn
		accepted:      start_investigation→investigating withdraw→withdrawn
		investigating: record_visit request_verification→verifying withdraw→withdrawn
		verifying:     record_verification review→reviewed reinvestigate→investigating withdraw→withdrawn
		reviewed:      start_notice→noticing reinvestigate→investigating withdraw→withdrawn
		noticing:      record_objection report→reported reinvestigate→investigating withdraw→withdrawn
		reported:      compute confirm→confirmed refuse→refused withdraw→withdrawn
		confirmed:     pay→paid
		refused:       notify
	`,
	casework.FlowDepartment: `
		submitted:   accept→accepted decline→declined withdraw→withdrawn
		accepted:    route→routed withdraw→withdrawn
		routed:      take→in_progress withdraw→withdrawn
		in_progress: confirm→confirmed refuse→refused withdraw→withdrawn
		confirmed:   report_back→reported_back
		refused:     report_back→reported_back
	`,
}

// parseSpec turns a spec string into transitions.
func parseSpec(t *testing.T, s string) []casework.Transition {
	t.Helper()
	var out []casework.Transition
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		from, rest, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			t.Fatalf("bad spec line %q", line)
		}
		for _, f := range strings.Fields(rest) {
			a, to, moves := strings.Cut(f, "→")
			if !moves {
				to = from
			}
			out = append(out, casework.Transition{From: casework.Status(from), Action: casework.Action(a), To: casework.Status(to)})
		}
	}
	return out
}

func key(tr casework.Transition) string {
	return fmt.Sprintf("%s --%s--> %s", tr.From, tr.Action, tr.To)
}

// TestTablesMatchSpec checks that each flow's table in the code is exactly
// the spec: no row missing, none extra, none repeated.
func TestTablesMatchSpec(t *testing.T) {
	if len(spec) != len(casework.Flows) {
		t.Fatalf("spec has %d flows; the code %d", len(spec), len(casework.Flows))
	}
	for _, f := range casework.Flows {
		t.Run(string(f), func(t *testing.T) {
			want := map[string]bool{}
			for _, tr := range parseSpec(t, spec[f]) {
				want[key(tr)] = true
			}
			got := map[string]bool{}
			for _, tr := range f.Transitions() {
				if got[key(tr)] {
					t.Errorf("row listed twice: %s", key(tr))
				}
				got[key(tr)] = true
				if !want[key(tr)] {
					t.Errorf("row in the code but not in the spec: %s", key(tr))
				}
			}
			for k := range want {
				if !got[k] {
					t.Errorf("row in the spec but not in the code: %s", k)
				}
			}
		})
	}
}

// path returns the actions that take a new case of flow f to status s, as
// a prefix of one of the flow's routes, ending after the last action that
// keeps the case in s (so the records s needs are in place).
func path(t *testing.T, f casework.Flow, s casework.Status) []casework.Action {
	t.Helper()
	if s == casework.StatusSubmitted {
		return nil
	}
	next := map[[2]string]casework.Status{}
	for _, tr := range f.Transitions() {
		next[[2]string{string(tr.From), string(tr.Action)}] = tr.To
	}
	for _, r := range routes[f] {
		cur := casework.StatusSubmitted
		end := -1
		for i, a := range r {
			to, ok := next[[2]string{string(cur), string(a)}]
			if !ok {
				t.Fatalf("route of %s: %s not allowed from %s", f, a, cur)
			}
			cur = to
			if cur == s {
				end = i
			} else if end >= 0 {
				break
			}
		}
		if end >= 0 {
			return r[:end+1]
		}
	}
	t.Fatalf("no route of %s reaches %s", f, s)
	return nil
}

// The actions, short.
const (
	acc  = casework.ActionAccept
	dec  = casework.ActionDecline
	wd   = casework.ActionWithdraw
	inv  = casework.ActionStartInvestigation
	vis  = casework.ActionRecordVisit
	req  = casework.ActionRequestVerify
	ver  = casework.ActionRecordVerification
	sc   = casework.ActionAssessSelfCare
	rev  = casework.ActionReview
	ntc  = casework.ActionStartNotice
	obj  = casework.ActionRecordObjection
	apr  = casework.ActionAppraise
	rap  = casework.ActionRecordAppraisal
	rep  = casework.ActionReport
	cnt  = casework.ActionStartCountyNotice
	conf = casework.ActionConfirm
	ref  = casework.ActionRefuse
	pub  = casework.ActionPublish
	pay1 = casework.ActionPayFirst
	papr = casework.ActionCompletePaperwork
	cmp  = casework.ActionCompute
	pay  = casework.ActionPay
	rt   = casework.ActionRoute
	tk   = casework.ActionTake
	rb   = casework.ActionReportBack
)

// routes are paths through each flow that together visit every status.
var routes = map[casework.Flow][][]casework.Action{
	casework.FlowDibao2021: {
		{acc, inv, vis, req, ver, rev, ntc, rep, conf, pub},
		{acc, inv, vis, req, ver, rev, ntc, obj, apr, rap},
		{acc, inv, vis, req, ver, rev, ntc, rep, ref},
		{dec}, {wd},
	},
	casework.FlowDibao2012: {
		{acc, inv, vis, req, ver, apr, rap, rev, ntc, rep, cnt, conf, pub},
		{acc, inv, vis, req, ver, apr, rap, rev, ntc, rep, ref},
		{dec}, {wd},
	},
	casework.FlowTekun: {
		{acc, inv, vis, sc, req, ver, rev, ntc, rep, conf, pub},
		{acc, inv, vis, sc, req, ver, rev, ntc, obj, apr, rap},
		{acc, inv, vis, sc, req, ver, rev, ntc, rep, ref},
		{dec}, {wd},
	},
	casework.FlowTemporaryEmergency: {
		{acc, pay1, papr},
		{acc, ref},
		{dec}, {wd},
	},
	casework.FlowTemporaryExpenditure: {
		{acc, inv, vis, req, ver, rev, ntc, rep, conf, pub},
		{acc, inv, vis, req, ver, rev, ntc, obj, apr, rap},
		{acc, inv, vis, req, ver, rev, ntc, rep, ref},
		{dec}, {wd},
	},
	casework.FlowMedicalDirect: {
		{acc, cmp, conf, pay},
		{acc, cmp, ref},
		{dec}, {wd},
	},
	casework.FlowMedical: {
		{acc, inv, vis, req, ver, rev, ntc, rep, cmp, conf, pay},
		{acc, inv, vis, req, ver, rev, ntc, rep, ref},
		{dec}, {wd},
	},
	casework.FlowDepartment: {
		{acc, rt, tk, conf, rb},
		{acc, rt, tk, ref, rb},
		{dec}, {wd},
	},
}

// prep returns what a legal (from, action) needs beyond the route to from:
// an objection before an appraisal or re-check from a notice.
func prep(from casework.Status, a casework.Action) []casework.Action {
	if (from == casework.StatusNoticing || from == casework.StatusCountyNoticing) && (a == apr || a == casework.ActionRecheck) {
		return []casework.Action{obj}
	}
	return nil
}

// TestLegalTransitions takes every row of every flow from a case driven to
// its from-status along a route, and checks that it reaches its to-status.
func TestLegalTransitions(t *testing.T) {
	for _, f := range casework.Flows {
		for _, tr := range f.Transitions() {
			t.Run(string(f)+"/"+key(tr), func(t *testing.T) {
				d := newDriver(t, f)
				steps := slices.Concat(path(t, f, tr.From), prep(tr.From, tr.Action))
				d.big = f == casework.FlowTemporaryExpenditure && (slices.Contains(steps, rep) || tr.Action == rep)
				c := d.run(steps...)
				if c.Status != tr.From {
					t.Fatalf("set-up reached %s; want %s", c.Status, tr.From)
				}
				n := len(c.Steps)
				if err := d.step(c, tr.Action); err != nil {
					t.Fatalf("%s: %v", key(tr), err)
				}
				if c.Status != tr.To {
					t.Fatalf("status %s; want %s", c.Status, tr.To)
				}
				if len(c.Steps) != n+1 {
					t.Fatalf("%d steps; want %d", len(c.Steps), n+1)
				}
				s := c.Steps[n]
				if s.Action != tr.Action || s.From != tr.From || s.To != tr.To || s.Seq != n {
					t.Errorf("step recorded as %+v", s)
				}
			})
		}
	}
}

// TestIllegalTransitions tries every action from every status in every
// flow that the table does not allow, and wants Conflict with the case
// unchanged.
func TestIllegalTransitions(t *testing.T) {
	for _, f := range casework.Flows {
		legal := map[[2]string]bool{}
		for _, tr := range f.Transitions() {
			legal[[2]string{string(tr.From), string(tr.Action)}] = true
		}
		d := newDriver(t, f)
		n := 0
		for _, s := range casework.Statuses {
			for _, a := range casework.Actions {
				if legal[[2]string{string(s), string(a)}] {
					continue
				}
				n++
				c := &casework.Case{Flow: f, Programme: flowCase[f].programme, Track: flowCase[f].track,
					Household: householdRef(d.h), Status: s}
				err := casework.Apply(c, a, principal(access.CountyApprover), at("2025-07-01 10:00"), d.input(c, a), cal, d.proc)
				if !apperr.Is(err, apperr.Conflict) {
					t.Errorf("%s: %s from %s: got %v; want Conflict", f, a, s, err)
					continue
				}
				if c.Status != s || len(c.Steps) != 0 {
					t.Errorf("%s: %s from %s changed the case", f, a, s)
				}
			}
		}
		if want := len(casework.Statuses)*len(casework.Actions) - len(legal); n != want {
			t.Errorf("%s: tried %d illegal pairs; want %d", f, n, want)
		}
	}
}

// TestSubmitIsNotAnAction: submitting happens only through Open.
func TestSubmitIsNotAnAction(t *testing.T) {
	d := newDriver(t, casework.FlowDibao2021)
	c := d.open()
	err := casework.Apply(c, casework.ActionSubmit, principal(access.TownshipClerk), at("2025-03-04 09:00"), casework.StepInput{}, cal, d.proc)
	if e := wantKind(t, err, apperr.Invalid); e.Field != "action" {
		t.Errorf("field %q; want action", e.Field)
	}
}

// TestEveryStatusAndActionIsNamed checks the bilingual names.
func TestEveryStatusAndActionIsNamed(t *testing.T) {
	for _, s := range casework.Statuses {
		if s.Zh() == string(s) || s.En() == "" {
			t.Errorf("status %s has no name", s)
		}
	}
	for _, a := range append([]casework.Action{casework.ActionSubmit}, casework.Actions...) {
		if a.Zh() == string(a) || a.En() == "" {
			t.Errorf("action %s has no name", a)
		}
	}
	for _, f := range casework.Flows {
		for _, s := range f.Statuses() {
			if !slices.Contains(casework.Statuses, s) {
				t.Errorf("flow %s uses unlisted status %s", f, s)
			}
		}
		for _, tr := range f.Transitions() {
			if !slices.Contains(casework.Actions, tr.Action) {
				t.Errorf("flow %s uses unlisted action %s", f, tr.Action)
			}
		}
	}
}
