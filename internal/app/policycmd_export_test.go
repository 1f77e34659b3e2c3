package app

// RunCalendar and RunPolicy expose the subcommands to tests until the
// command switch dispatches them.
var (
	RunCalendar = runCalendar
	RunPolicy   = runPolicy
)
