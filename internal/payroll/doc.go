// Package payroll is the monthly payroll (社会化发放): for a month and a
// jurisdiction, one payment line per active recipient per programme,
// computed from the registry (households, members, income, enrolments) and
// the policy in force for the village on the first of the month; the
// county-by-county workflow draft → checked → approved → exported →
// reconciled; bank payment files and the bank's return files; re-issue of
// failed payments; adjustments; rosters.
//
// The unit of work is a county's month: it is computed in one transaction
// (so a run killed at any point resumes where it stopped and yields the
// same payroll), approved by the county, and exported as one bank file per
// bank. A payroll of a jurisdiction is the set of its counties' months.
package payroll
