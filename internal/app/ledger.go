package app

import (
	"context"

	"safetynet/internal/access"
	"safetynet/internal/funds"
	"safetynet/internal/money"
	"safetynet/internal/payroll"
)

// payrollLedger lets the payroll spend from the funds ledger: payroll
// declares the Ledger it needs, funds knows nothing of payrolls, and this
// adapter turns one's Spending into the other's Posting.
type payrollLedger struct{ funds *funds.Service }

var _ payroll.Ledger = payrollLedger{}

func (l payrollLedger) Available(ctx context.Context, county, programme string, year int) (money.Money, bool, error) {
	return l.funds.Available(ctx, county, programme, year)
}

func (l payrollLedger) Post(ctx context.Context, by access.Principal, items []payroll.Spending) error {
	ps := make([]funds.Posting, len(items))
	for i, it := range items {
		ps[i] = funds.Posting{Ref: it.Ref, Month: it.Month, County: it.County, Programme: it.Programme,
			Amount: it.Amount, Source: funds.FromPayroll, Note: "月度发放 " + it.Month}
	}
	return l.funds.Post(ctx, by, ps)
}
