package casework

// FlowMedicalDirect is direct handling (直接办理, S-649 Art.30) of medical
// assistance for dibao members and 特困 persons: no application cycle; the
// medical-insurance department computes the assistance from the bills,
// approves it and pays (or settles it with the hospital). Roles: W window
// (township clerk/reviewer or department handler), Dept department
// handler, P department handler or finance officer.
func init() {
	flowTables[FlowMedicalDirect] = rows(
		intake(whoWindow),
		[]entry{
			{StatusAccepted, ActionCompute, StatusComputed, whoDept},
			{StatusAccepted, ActionWithdraw, StatusWithdrawn, whoWindow},
			{StatusComputed, ActionCompute, StatusComputed, whoDept},
			{StatusComputed, ActionConfirm, StatusConfirmed, whoDecider},
			{StatusComputed, ActionRefuse, StatusRefused, whoDecider},
			{StatusComputed, ActionWithdraw, StatusWithdrawn, whoWindow},
			{StatusConfirmed, ActionPay, StatusPaid, whoPayer},
			{StatusRefused, ActionNotify, StatusRefused, whoWindow},
		},
	)
}

// medicalActive are the statuses of a medical application before its
// decision.
var medicalActive = []Status{StatusAccepted, StatusInvestigating, StatusVerifying, StatusReviewed,
	StatusNoticing, StatusReported}

// FlowMedical is a medical-assistance application from anyone else (S-649
// Art.30): the township investigates, verifies, gives its opinion and
// publishes it, then reports to the medical-insurance department, which
// computes, approves (or refuses) and pays.
func init() {
	flowTables[FlowMedical] = rows(
		intake(whoWindow),
		[]entry{
			{StatusAccepted, ActionStartInvestigation, StatusInvestigating, whoTownship},
			{StatusInvestigating, ActionRecordVisit, StatusInvestigating, whoTownship},
			{StatusInvestigating, ActionRequestVerify, StatusVerifying, whoTownship},
			{StatusVerifying, ActionRecordVerification, StatusVerifying, whoVerifier},
			{StatusVerifying, ActionReview, StatusReviewed, whoTownshipReviewer},
			{StatusReviewed, ActionStartNotice, StatusNoticing, whoTownshipReviewer},
			{StatusNoticing, ActionRecordObjection, StatusNoticing, whoOfficer},
			{StatusNoticing, ActionReport, StatusReported, whoTownshipReviewer},
			{StatusReported, ActionCompute, StatusReported, whoDept},
			{StatusReported, ActionConfirm, StatusConfirmed, whoDecider},
			{StatusReported, ActionRefuse, StatusRefused, whoDecider},
			{StatusConfirmed, ActionPay, StatusPaid, whoPayer},
			{StatusRefused, ActionNotify, StatusRefused, whoWindow},
		},
		into(ActionReinvestigate, StatusInvestigating, whoOfficer, StatusVerifying, StatusReviewed, StatusNoticing),
		into(ActionWithdraw, StatusWithdrawn, whoWindow, medicalActive...),
	)
}
