package casework

// FlowTemporaryEmergency is 急难型 temporary assistance (先行救助, S-LS2018
// §二(二); Yunnan practice per 楚雄州): once accepted the case is paid
// first, within 48 hours of acceptance, by the township up to its limit or
// by the county above it, skipping verification, appraisal and notice; the
// paperwork (补办手续: the materials, signatures) is completed within 5
// working days of the payment. A case paid and not yet completed is
// StatusPaidPending and shows overdue once that deadline passes. Roles as
// in flow_dibao.go; D is the township reviewer up to the township limit and
// the county approver above it.
func init() {
	flowTables[FlowTemporaryEmergency] = rows(
		intake(whoTownship),
		[]entry{
			{StatusAccepted, ActionPayFirst, StatusPaidPending, whoDecider},
			{StatusAccepted, ActionRefuse, StatusRefused, whoDecider},
			{StatusAccepted, ActionWithdraw, StatusWithdrawn, whoTownship},
			{StatusPaidPending, ActionCompletePaperwork, StatusCompleted, whoTownship},
			{StatusRefused, ActionNotify, StatusRefused, whoTownship},
		},
	)
}

// temporaryActive are the statuses of a 支出型 case before its decision.
var temporaryActive = []Status{StatusAccepted, StatusInvestigating, StatusVerifying, StatusReviewed,
	StatusNoticing, StatusAppraising, StatusReported}

// FlowTemporaryExpenditure is 支出型 temporary assistance: the normal
// procedure (investigation and 初审 within 10 working days of acceptance,
// verification, 公示, approval). The township reviewer approves amounts up
// to the township limit straight from the notice; larger amounts are
// reported to the county, which decides within 10 working days. A decision
// at the wrong level is refused (Forbidden) with the amount and the limit.
func init() {
	flowTables[FlowTemporaryExpenditure] = rows(
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
			{StatusReported, ActionConfirm, StatusConfirmed, whoDecider},
			{StatusReported, ActionRefuse, StatusRefused, whoDecider},
			{StatusConfirmed, ActionPublish, StatusPublished, whoOfficer},
			{StatusRefused, ActionNotify, StatusRefused, whoTownship},
		},
		into(ActionReinvestigate, StatusInvestigating, whoOfficer,
			StatusVerifying, StatusReviewed, StatusNoticing, StatusAppraising, StatusReported),
		loops(ActionCountyVisit, whoCountyStaff, temporaryActive...),
		loops(ActionFlagRelatives, whoOfficer, temporaryActive...),
		into(ActionWithdraw, StatusWithdrawn, whoOfficer, temporaryActive...),
	)
}
