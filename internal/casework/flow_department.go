package casework

// FlowDepartment is the simple flow of the programmes another department
// decides (education, housing, employment, disaster relief, social
// forces): the window accepts and routes the request (一门受理), the
// department's handler takes it, decides and reports the result back
// (协同办理); the window follows the status. Roles: T township clerk or
// reviewer, W window or department handler, Dept department handler.
func init() {
	flowTables[FlowDepartment] = rows(
		intake(whoTownship),
		[]entry{
			{StatusAccepted, ActionRoute, StatusRouted, whoTownship},
			{StatusRouted, ActionTake, StatusInProgress, whoDept},
			{StatusInProgress, ActionConfirm, StatusConfirmed, whoDecider},
			{StatusInProgress, ActionRefuse, StatusRefused, whoDecider},
			{StatusConfirmed, ActionReportBack, StatusReportedBack, whoDept},
			{StatusRefused, ActionReportBack, StatusReportedBack, whoDept},
		},
		into(ActionWithdraw, StatusWithdrawn, whoWindow, StatusAccepted, StatusRouted, StatusInProgress),
	)
}
