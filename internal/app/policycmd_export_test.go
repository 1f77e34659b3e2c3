package app

// RunCalendar and RunPolicy expose the subcommands to tests that check the
// error values they return, which Run turns into exit codes.
var (
	RunCalendar = runCalendar
	RunPolicy   = runPolicy
)
