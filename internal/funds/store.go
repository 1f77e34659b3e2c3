package funds

import "context"

// Filter selects ledger rows. Empty fields match everything.
type Filter struct {
	Year      int
	Programme Programme
	// RegionPrefix keeps rows of divisions whose 12-digit code starts with
	// it (an allocation matches by either end); a full 12-digit code
	// selects one division exactly.
	RegionPrefix string
	Month        string // postings only: YYYY-MM
	Kind         Kind   // allocations only
	Limit        int    // 0: no limit
}

// Store persists the ledger. Every method uses the transaction carried by
// ctx, if any.
type Store interface {
	// LockAccount locks an account (division, programme, year) until the
	// transaction in ctx ends, so that two allocations from it cannot both
	// pass the check against its balance.
	LockAccount(ctx context.Context, region string, programme Programme, year int) error
	// AddBudget stores b, assigning its ID.
	AddBudget(ctx context.Context, b *Budget) error
	// Budgets returns the budgets matching f, by region, programme, ID.
	Budgets(ctx context.Context, f Filter) ([]Budget, error)
	// AddAllocation stores a, assigning its ID.
	AddAllocation(ctx context.Context, a *Allocation) error
	// Allocations returns the allocations matching f, newest first.
	Allocations(ctx context.Context, f Filter) ([]Allocation, error)
	// Posting returns the posting with ref. Returns NotFound.
	Posting(ctx context.Context, ref string) (Posting, error)
	// AddPosting stores p. Returns Conflict when its Ref is taken.
	AddPosting(ctx context.Context, p *Posting) error
	// Postings returns the postings matching f, newest month first.
	Postings(ctx context.Context, f Filter) ([]Posting, error)
	// Totals returns the sums of every account with a row matching f
	// (Year required), one per division and programme.
	Totals(ctx context.Context, f Filter) ([]Totals, error)
	// PutScore stores s, replacing the county's score of the year.
	PutScore(ctx context.Context, s *Score) error
	// Scores returns the scores of a year of counties whose code starts
	// with prefix, by county.
	Scores(ctx context.Context, year int, prefix string) ([]Score, error)
	// Caseloads counts, per county whose code starts with prefix, the
	// persons counted in a household (or enrolled themselves) with an
	// enrolment in programme active on asOf (YYYY-MM-DD), the dead and the
	// excluded members left out.
	Caseloads(ctx context.Context, prefix string, programme Programme, asOf string) (map[string]int64, error)
	// AddPool stores a committed incentive pool, assigning its ID.
	// Returns Conflict when the year's pool of the province is committed.
	AddPool(ctx context.Context, p *Pool) error
	// Pool returns the committed pool of a province's year. Returns
	// NotFound.
	Pool(ctx context.Context, province string, year int) (Pool, error)
}
