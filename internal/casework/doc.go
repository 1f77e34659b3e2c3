// Package casework is the domain core of one-window intake (一门受理、协同办理)
// and the case workflow of every "8+1" programme: which department decides
// a request, which materials it needs (told all at once, 一次性告知), the
// explicit state machine each kind of case follows, the working-day
// deadlines of every step, the registration of staff relatives (近亲属备案)
// and the county's deterministic spot-check sample.
//
// The package is pure: no I/O, no clock, no database. A service above it
// loads a [Case], calls [Apply] with the caller, the time, the step's input,
// the working-day calendar and the procedure parameters of the policy in
// force, and stores the result (with an audit event) in one transaction.
//
// # State machines
//
// Each [Flow] is a table of (from [Status], [Action]) → to Status, listed in
// the flow_*.go files and exported by [Flow.Transitions]. [Apply] refuses
//
//   - with apperr Forbidden a caller outside the case's jurisdiction, or
//     whose role may not take the action (including a temporary-assistance
//     approval at the wrong level for its amount);
//   - with apperr Conflict an action the table does not allow from the
//     current status, or whose guard fails (the notice period has not ended,
//     there is no verification result, a relatives' case has had no county
//     home visit, …);
//   - with apperr Invalid an input that is missing or malformed, naming the
//     field.
//
// On any error the case is left unchanged. On success the status moves and
// one [Step] is appended.
//
// # Dates and deadlines
//
// Every deadline is a civil date in China (calendar.Date) and follows the
// calendar package's conventions: "within N working days of D" is
// AddWorkdays(D, N), the last day that is still on time. A public notice
// (公示) of N days starting on day S runs to the end of S+N−1 in calendar
// days (or to the N-th working day counting S, when the policy counts
// working days), and a decision that must wait for it is allowed from the
// next day. See deadline.go.
package casework
