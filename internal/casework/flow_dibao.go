package casework

// The dibao flows. Roles: T township clerk or reviewer, TR township
// reviewer, C county approver, CS county approver or verifier, V county
// verifier, O any officer (township clerk/reviewer, county approver),
// D the decider (the county approver; the township reviewer when
// confirmation is delegated).

// dibao2021Active are the statuses of a dibao 2021 case before its decision.
var dibao2021Active = []Status{StatusAccepted, StatusInvestigating, StatusVerifying, StatusReviewed,
	StatusNoticing, StatusAppraising, StatusReported}

// FlowDibao2021 follows 民发〔2021〕57号: 受理 → 入户调查 (start within 3
// working days) → 信息核对 → 初审 → 公示 7 days → county 确认 (within 10
// working days of receiving the report) or refusal with reasons → 公布.
// 民主评议 only when the notice draws objections (Art.19), after which the
// township gives a new opinion and publishes it again. Where confirmation
// is delegated the township reviewer confirms straight from the notice.
func init() {
	flowTables[FlowDibao2021] = rows(
		intake(whoTownship),
		[]entry{
			{StatusAccepted, ActionStartInvestigation, StatusInvestigating, whoTownship},
			{StatusInvestigating, ActionRecordVisit, StatusInvestigating, whoTownship},
			{StatusInvestigating, ActionRequestVerify, StatusVerifying, whoTownship},
			{StatusVerifying, ActionRecordVerification, StatusVerifying, whoVerifier},
			{StatusVerifying, ActionReview, StatusReviewed, whoTownshipReviewer},
			{StatusReviewed, ActionStartNotice, StatusNoticing, whoTownshipReviewer},
			{StatusNoticing, ActionRecordObjection, StatusNoticing, whoOfficer},
			{StatusNoticing, ActionAppraise, StatusAppraising, whoTownship},
			{StatusNoticing, ActionReport, StatusReported, whoTownshipReviewer},
			{StatusNoticing, ActionConfirm, StatusConfirmed, whoDecider},
			{StatusNoticing, ActionRefuse, StatusRefused, whoDecider},
			{StatusAppraising, ActionRecordAppraisal, StatusAppraising, whoTownship},
			{StatusAppraising, ActionReview, StatusReviewed, whoTownshipReviewer},
			{StatusReported, ActionSample, StatusReported, whoCountyStaff},
			{StatusReported, ActionConfirm, StatusConfirmed, whoDecider},
			{StatusReported, ActionRefuse, StatusRefused, whoDecider},
			{StatusConfirmed, ActionPublish, StatusPublished, whoOfficer},
			{StatusRefused, ActionNotify, StatusRefused, whoTownship},
		},
		into(ActionReinvestigate, StatusInvestigating, whoOfficer,
			StatusVerifying, StatusReviewed, StatusNoticing, StatusAppraising, StatusReported),
		loops(ActionCountyVisit, whoCountyStaff, dibao2021Active...),
		loops(ActionFlagRelatives, whoOfficer, dibao2021Active...),
		loops(ActionExtend, whoOfficer, dibao2021Active...),
		into(ActionWithdraw, StatusWithdrawn, whoOfficer, dibao2021Active...),
	)
}

// dibao2012Active are the statuses of a dibao 2012 case before its decision.
var dibao2012Active = []Status{StatusAccepted, StatusInvestigating, StatusVerifying, StatusAppraising,
	StatusReviewed, StatusNoticing, StatusReported, StatusCountyNoticing}

// FlowDibao2012 follows 民发〔2012〕220号: 受理 → 调查 (入户调查 and 信息核对,
// within the policy's investigation limit) → mandatory 民主评议 (within 5
// working days) → township 审核 → township 公示 7 days → report → county
// review with 入户抽查 (≥ 30 %, 100 % of relatives' cases; within 5 working
// days) → county 公示 7 days of the proposed approval → approval within 3
// working days of an uncontested notice (20 after objections, which send
// the case back to county review and a new notice) → 公布. A refusal
// needs no county notice. The 2012 rules set no whole-process limit, so
// there is nothing to extend.
func init() {
	flowTables[FlowDibao2012] = rows(
		intake(whoTownship),
		[]entry{
			{StatusAccepted, ActionStartInvestigation, StatusInvestigating, whoTownship},
			{StatusInvestigating, ActionRecordVisit, StatusInvestigating, whoTownship},
			{StatusInvestigating, ActionRequestVerify, StatusVerifying, whoTownship},
			{StatusVerifying, ActionRecordVerification, StatusVerifying, whoVerifier},
			{StatusVerifying, ActionAppraise, StatusAppraising, whoTownship},
			{StatusAppraising, ActionRecordAppraisal, StatusAppraising, whoTownship},
			{StatusAppraising, ActionReview, StatusReviewed, whoTownshipReviewer},
			{StatusReviewed, ActionStartNotice, StatusNoticing, whoTownshipReviewer},
			{StatusNoticing, ActionRecordObjection, StatusNoticing, whoOfficer},
			{StatusNoticing, ActionAppraise, StatusAppraising, whoTownship},
			{StatusNoticing, ActionReport, StatusReported, whoTownshipReviewer},
			{StatusReported, ActionSample, StatusReported, whoCountyStaff},
			{StatusReported, ActionStartCountyNotice, StatusCountyNoticing, whoCounty},
			{StatusReported, ActionRefuse, StatusRefused, whoDecider},
			{StatusCountyNoticing, ActionRecordObjection, StatusCountyNoticing, whoOfficer},
			{StatusCountyNoticing, ActionRecheck, StatusReported, whoCounty},
			{StatusCountyNoticing, ActionConfirm, StatusConfirmed, whoDecider},
			{StatusCountyNoticing, ActionRefuse, StatusRefused, whoDecider},
			{StatusConfirmed, ActionPublish, StatusPublished, whoOfficer},
			{StatusRefused, ActionNotify, StatusRefused, whoTownship},
		},
		into(ActionReinvestigate, StatusInvestigating, whoOfficer,
			StatusVerifying, StatusAppraising, StatusReviewed, StatusNoticing, StatusReported),
		loops(ActionCountyVisit, whoCountyStaff, dibao2012Active...),
		loops(ActionFlagRelatives, whoOfficer, dibao2012Active...),
		into(ActionWithdraw, StatusWithdrawn, whoOfficer, dibao2012Active...),
	)
}

// intake returns the rows of a submitted case: accept, decline (不予受理,
// with reasons) and withdraw.
func intake(w who) []entry {
	return []entry{
		{StatusSubmitted, ActionAccept, StatusAccepted, w},
		{StatusSubmitted, ActionDecline, StatusDeclined, w},
		{StatusSubmitted, ActionWithdraw, StatusWithdrawn, w},
	}
}
