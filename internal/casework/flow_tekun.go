package casework

// tekunActive are the statuses of a 特困 case before its decision.
var tekunActive = []Status{StatusAccepted, StatusInvestigating, StatusVerifying, StatusReviewed,
	StatusNoticing, StatusAppraising, StatusReported}

// FlowTekun follows 民发〔2021〕43号: the township investigates, assesses
// self-care (six activities → care tier) and gives its opinion within 15
// working days of acceptance; 公示 7 days (objections: re-investigation or
// 民主评议 and a new opinion within 15 working days, published again); the
// county confirms within 15 working days, visiting at least 30 % of cases
// (DrawSample) and every relatives' case first. Delegation to the township
// (Art.28) lets the township reviewer confirm from the notice. Roles as in
// flow_dibao.go.
func init() {
	flowTables[FlowTekun] = rows(
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
		loops(ActionAssessSelfCare, whoTownship, StatusInvestigating, StatusVerifying),
		into(ActionReinvestigate, StatusInvestigating, whoOfficer,
			StatusVerifying, StatusReviewed, StatusNoticing, StatusAppraising, StatusReported),
		loops(ActionCountyVisit, whoCountyStaff, tekunActive...),
		loops(ActionFlagRelatives, whoOfficer, tekunActive...),
		into(ActionWithdraw, StatusWithdrawn, whoOfficer, tekunActive...),
	)
}
