package app_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"safetynet/internal/access"
	"safetynet/internal/app"
	"safetynet/internal/apptest"
	"safetynet/internal/funds"
	"safetynet/internal/money"
	"safetynet/internal/registry"
	"safetynet/internal/synth"
)

type loadFunc func(context.Context, []registry.Household) error

func (f loadFunc) LoadHouseholds(ctx context.Context, hs []registry.Household) error {
	return f(ctx, hs)
}

// TestPayrollSpendsFromTheFundsLedger takes 五华区's month through the
// payroll wired to the real funds ledger: the province allocates the
// year's dibao and 特困 money to the county, the county approver approves
// the payroll (its spending is posted to the ledger in the same
// transaction), the bank files are written. The payroll, the bank files
// (plus the lines held for want of an account) and the ledger's spending
// agree to the fen, and approving again posts nothing twice.
func TestPayrollSpendsFromTheFundsLedger(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := apptest.OpenDB(t)
	a, err := app.Build(ctx, db, app.Options{Hash: access.FastArgon2, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	load := loadFunc(func(ctx context.Context, hs []registry.Household) error {
		return db.Registry().LoadHouseholds(ctx, hs, func(int, registry.Household) {})
	})
	if _, err := synth.Run(ctx, synth.Config{Scale: "small", Seed: 1}, synth.Output{Loader: load}); err != nil {
		t.Fatal(err)
	}
	const (
		county = "530102000000" // 五华区
		month  = "2025-08"
	)
	province := access.NewPrincipal(access.User{ID: 1, Username: "prov", Role: access.ProvinceAdmin, Region: "530000000000"})
	finance := access.NewPrincipal(access.User{ID: 2, Username: "fin", Role: access.FinanceOfficer, Region: county})
	approver := access.NewPrincipal(access.User{ID: 3, Username: "appr", Role: access.CountyApprover, Region: county})
	budget := money.Yuan(50_000_000)
	for _, p := range []string{"dibao", "tekun"} {
		if _, err := a.Funds.AddBudget(ctx, province, funds.NewBudget{Year: 2025, Programme: p, Level: "provincial",
			Amount: budget, DocNo: "云财社〔2025〕1号"}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Funds.Allocate(ctx, province, funds.NewAllocation{Year: 2025, Programme: p, To: county,
			Amount: budget, DocNo: "云财社〔2025〕2号"}); err != nil {
			t.Fatal(err)
		}
	}

	if _, err := a.Payroll.Run(ctx, finance, month, county, false); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Payroll.Check(ctx, finance, month, county); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Payroll.Approve(ctx, approver, month, county); err != nil {
		t.Fatal(err)
	}
	ex, err := a.Payroll.Export(ctx, finance, month, county)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := a.Payroll.Summary(ctx, finance, month, county)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Payroll <= 0 || len(ex.Files) == 0 {
		t.Fatalf("payroll %s in %d bank files: the small province should pay 五华区", sum.Payroll, len(ex.Files))
	}

	t.Logf("五华区 %s: %d lines, payroll %s, %d bank files, held %s", month, sum.Lines, sum.Payroll, len(ex.Files), sum.Held)
	// Payroll = bank files + held lines.
	var files money.Money
	for _, f := range ex.Files {
		files += f.Total
	}
	if files != sum.Exported || files+sum.Held != sum.Payroll {
		t.Errorf("bank files %s + held %s ≠ payroll %s (summary says exported %s)", files, sum.Held, sum.Payroll, sum.Exported)
	}

	// Payroll by programme = the ledger's spending, and the balance fell by it.
	byProgramme := map[string]money.Money{}
	for _, tot := range sum.Totals {
		byProgramme[tot.Programme] += tot.Amount
	}
	var spentAll money.Money
	for _, p := range []string{"dibao", "tekun"} {
		acct, err := a.Funds.Account(ctx, finance, county, p, 2025)
		if err != nil {
			t.Fatal(err)
		}
		if acct.Spent != byProgramme[p] {
			t.Errorf("%s: ledger spent %s; payroll %s", p, acct.Spent, byProgramme[p])
		}
		if acct.Balance() != budget-byProgramme[p] {
			t.Errorf("%s: balance %s; want %s − %s", p, acct.Balance(), budget, byProgramme[p])
		}
		spentAll += acct.Spent
	}
	if spentAll != sum.Payroll {
		t.Errorf("ledger spent %s in all; payroll %s", spentAll, sum.Payroll)
	}

	// Approving again (or exporting again) posts nothing twice.
	if _, err := a.Payroll.Approve(ctx, approver, month, county); err == nil {
		t.Log("a second approval was accepted as a no-op")
	}
	if _, err := a.Payroll.Export(ctx, finance, month, county); err != nil {
		t.Fatal(err)
	}
	posts, err := a.Funds.Postings(ctx, finance, funds.Query{Year: 2025, Region: county, Month: month})
	if err != nil {
		t.Fatal(err)
	}
	var posted money.Money
	for _, p := range posts {
		posted += p.Amount
	}
	if posted != sum.Payroll {
		t.Errorf("postings of %s sum to %s in %d items; payroll %s", month, posted, len(posts), sum.Payroll)
	}
}
