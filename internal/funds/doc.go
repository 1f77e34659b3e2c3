// Package funds is the social-assistance funds ledger (资金管理): budgets
// per programme, year and level with their source documents; allocations
// down the hierarchy (province → prefecture → county); spending posted
// from approved payrolls and by hand; balances and burn rate per
// jurisdiction; and the incentive pool (以奖代补) allocated to counties by
// performance score and caseload (docs/incentive.md has the formula).
//
// Every amount is money.Money (int64 fen) and every sum is exact. Every
// change runs in one transaction with its audit entry. Reads are scoped
// to the caller's jurisdiction: a county finance officer sees the county,
// a prefecture's its counties, the province's all; a division outside the
// jurisdiction is NotFound, never Forbidden, so its existence is not
// revealed.
//
// The ledger is kept per account: a division (province, prefecture or
// county, as its 12-digit code), a programme and a year. An account's
// balance is what was budgeted in it, plus what was allocated to it,
// less what it allocated down, less what was spent from it.
package funds
