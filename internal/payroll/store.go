package payroll

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"safetynet/internal/money"
	"safetynet/internal/registry"
)

// Store persists payrolls. Methods that change a county's month return
// Conflict when its state is not the one expected.
type Store interface {
	// ClaimCounties adds the month of each county not yet in a payroll,
	// as a draft not yet computed.
	ClaimCounties(ctx context.Context, month string, counties []string, by string, at time.Time) error
	// Counties returns the months of the counties whose code starts with
	// prefix ("" for all), ordered by county.
	Counties(ctx context.Context, month, prefix string) ([]County, error)
	// Months lists, newest first, the months with a payroll within prefix.
	Months(ctx context.Context, prefix string) ([]MonthSummary, error)
	// ResetCounties marks the draft or checked months of counties as drafts
	// to compute again.
	ResetCounties(ctx context.Context, month string, counties []string, by string, at time.Time) error
	// Recipients reads, in a few bulk scans, every household of the
	// counties (12-digit codes, all within prefix) with an enrolment in
	// force in the month, by county, each county's ordered by household.
	Recipients(ctx context.Context, month, prefix string, counties map[string]bool) (map[string][]*Recipient, error)
	// Unpaid returns the failed or held lines of a county from months
	// before month that no earlier month has re-issued, with the bank
	// account the household has now.
	Unpaid(ctx context.Context, month, county string) ([]Unpaid, error)
	// WriteCounty replaces, atomically, the regular and re-issue lines of
	// a county's month by lines (ordered by key) and marks the month
	// computed with its totals and breakdown (adjustments included) and
	// warnings.
	// progress is called with the rows written so far as they are
	// written; an error from it (or a panic) aborts the whole write.
	WriteCounty(ctx context.Context, month, county string, lines []Line, warnings string, progress func(rows int) error) error
	// Writers is how many counties WriteCounty can write at once (1 for
	// an engine with a single writer).
	Writers() int
	// BeginMonth readies the store for a run writing month's lines
	// (recompute: counties computed before are written again). A store
	// may then write the month's lines where they are not yet readable
	// (a table indexed once at the end), until FinishMonths.
	BeginMonth(ctx context.Context, month string, recompute bool) error
	// FinishMonths makes readable every month's lines written since
	// BeginMonth, including those of a run that stopped half-way (a
	// crash). Run calls it first and last; SetStatus and AddLine do it
	// themselves.
	FinishMonths(ctx context.Context) error
	// SetStatus moves a county's month from one of from to to, with
	// warnings when not nil. Returns Conflict when it is in no state of from.
	SetStatus(ctx context.Context, month, county string, from []Status, to Status, warnings *string, by string, at time.Time) error
	// Lines calls fn with each line of a county's month, ordered by key.
	// A line's Status is Failed when the bank returned it; otherwise, once
	// the county's month is exported, Sent, or Held without an account;
	// Pending before.
	Lines(ctx context.Context, month, county string, fn func(*Line) error) error
	// PaymentLines returns the lines of an exported county month that went
	// to the bank (Sent or Failed), with only County, Key, Name, Bank,
	// Account, Amount and Status set, by key.
	PaymentLines(ctx context.Context, month, county string) ([]Line, error)
	// Line returns one line; NotFound when there is none.
	Line(ctx context.Context, county, key string) (Line, error)
	// AddLine inserts a line (Conflict if its key exists) and recounts the
	// county month's totals.
	AddLine(ctx context.Context, l Line) error
	// MarkFailed marks an exported line failed with the bank's code.
	MarkFailed(ctx context.Context, county, key, code string) error
	// Totals sums a month's lines within prefix by county, programme,
	// kind, tier and status (as Lines reports it).
	Totals(ctx context.Context, month, prefix string) ([]Total, error)
	// Payee returns what an adjustment line needs of a household: county,
	// village, bank account and the head's name. NotFound when unknown.
	Payee(ctx context.Context, householdID int64) (Recipient, error)
}

// Unpaid is a failed or held line and the household's account now.
type Unpaid struct {
	Line
	Now registry.BankAccount
}

// Breakdown sums lines by programme, kind and tier (Status left empty),
// in that order.
func Breakdown(county string, lines []Line) []Total {
	idx := map[[3]string]int{}
	var out []Total
	for i := range lines {
		l := &lines[i]
		k := [3]string{l.Programme, l.Kind, l.Tier}
		j, ok := idx[k]
		if !ok {
			j = len(out)
			idx[k] = j
			out = append(out, Total{County: county, Programme: l.Programme, Kind: l.Kind, Tier: l.Tier})
		}
		t := &out[j]
		t.Lines++
		t.Persons += l.Persons
		t.Amount += l.Amount
		if l.Account == "" {
			t.NoAccount++
		}
	}
	slices.SortFunc(out, func(a, b Total) int {
		return cmp.Or(strings.Compare(a.Programme, b.Programme), strings.Compare(a.Kind, b.Kind), strings.Compare(a.Tier, b.Tier))
	})
	return out
}

// Total is the sum of some lines.
type Total struct {
	County    string      `json:"-"`
	Programme string      `json:"programme"`
	Kind      string      `json:"kind"`
	Tier      string      `json:"tier"`
	Status    string      `json:"status,omitempty"`
	Lines     int         `json:"lines"`
	Persons   int         `json:"persons"`
	Amount    money.Money `json:"amount"`
	// NoAccount counts the lines without a bank account.
	NoAccount int `json:"no_account"`
}

// MonthSummary is a month's payroll within a jurisdiction.
type MonthSummary struct {
	Month    string
	Counties int
	Computed int
	Lines    int
	Total    money.Money
	// Status is the earliest state of its counties.
	Status Status
}
