package funds_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/apptest"
	"safetynet/internal/audit"
	"safetynet/internal/funds"
	"safetynet/internal/money"
	"safetynet/internal/registry"
)

func who(name string, role access.Role, region string) access.Principal {
	return access.NewPrincipal(access.User{ID: 1, Username: name, DisplayName: name, Role: role, Region: region})
}

var (
	provFin = who("prov_fin", access.FinanceOfficer, "530000000000")
	kmFin   = who("km_fin", access.FinanceOfficer, "530100000000")
	whFin   = who("wh_fin", access.FinanceOfficer, "530102000000")
	pdFin   = who("pd_fin", access.FinanceOfficer, "530103000000")
	whAppr  = who("wh_appr", access.CountyApprover, "530102000000")
	auditor = who("aud", access.Auditor, "530000000000")
	clerk   = who("clerk", access.TownshipClerk, "530102001000")
)

func newFunds(t *testing.T) (*apptest.App, *funds.Service) {
	t.Helper()
	t.Parallel()
	a := apptest.NewApp(t)
	// 15 April 2025 in Beijing: four months of 2025 have begun.
	a.Funds.Now = func() time.Time { return time.Date(2025, 4, 15, 2, 0, 0, 0, time.UTC) }
	return a, a.Funds
}

func mustBudget(t *testing.T, s *funds.Service, by access.Principal, level, region, amount string) {
	t.Helper()
	if _, err := s.AddBudget(context.Background(), by, funds.NewBudget{Year: 2025, Programme: "dibao", Level: level,
		Region: region, Amount: money.MustParse(amount), DocNo: "云财社〔2025〕1号"}); err != nil {
		t.Fatalf("budget %s %s: %v", level, amount, err)
	}
}

func allocate(s *funds.Service, by access.Principal, from, to, amount string) error {
	_, err := s.Allocate(context.Background(), by, funds.NewAllocation{Year: 2025, Programme: "dibao", From: from, To: to,
		Amount: money.MustParse(amount), DocNo: "云财社〔2025〕2号"})
	return err
}

func wantKind(t *testing.T, what string, err error, kind apperr.Kind, field string) {
	t.Helper()
	if !apperr.Is(err, kind) || apperr.FieldOf(err) != field {
		t.Errorf("%s: err = %v; want %s naming %q", what, err, kind, field)
	}
}

func TestAllocationsCannotExceedAndBalancesAreExact(t *testing.T) {
	a, s := newFunds(t)
	ctx := context.Background()
	mustBudget(t, s, provFin, "provincial", "", "1000000.00")
	mustBudget(t, s, provFin, "central", "530000000000", "500000.00")

	if err := allocate(s, provFin, "", "530100000000", "600000.00"); err != nil {
		t.Fatal(err)
	}
	// The province holds 900000.00 now: a fen more is refused, naming the amount in both languages.
	err := allocate(s, provFin, "", "530102000000", "900000.01")
	wantKind(t, "over-allocation", err, apperr.Invalid, "amount")
	if e, ok := apperr.As(err); !ok || e.Msg == "" || e.MsgEN == "" {
		t.Errorf("over-allocation error lacks a message: %v", err)
	} else {
		t.Logf("zh: %s / en: %s", e.Msg, e.MsgEN)
	}
	if err := allocate(s, provFin, "", "530102000000", "900000.00"); err != nil {
		t.Fatalf("exact allocation refused: %v", err)
	}
	wantKind(t, "empty province", allocate(s, provFin, "", "530103000000", "0.01"), apperr.Invalid, "amount")

	// Kunming holds 600000.00: 300000.00 to Wuhua, then 300000.01 to Panlong is a fen too many …
	if err := allocate(s, kmFin, "", "530102000000", "300000.00"); err != nil {
		t.Fatal(err)
	}
	wantKind(t, "prefecture over-allocation", allocate(s, kmFin, "", "530103000000", "300000.01"), apperr.Invalid, "amount")
	// … until Kunming budgets a fen of its own.
	mustBudget(t, s, kmFin, "prefecture", "", "0.01")
	if err := allocate(s, kmFin, "", "530103000000", "300000.01"); err != nil {
		t.Fatalf("allocation after the prefecture's own budget: %v", err)
	}

	// Wrong shapes: not down the hierarchy, from a county, a sibling.
	wantKind(t, "to itself", allocate(s, kmFin, "", "530100000000", "1"), apperr.Invalid, "to")
	wantKind(t, "to a township", allocate(s, kmFin, "", "530102001000", "1"), apperr.Invalid, "to")
	wantKind(t, "upwards", allocate(s, kmFin, "", "530000000000", "1"), apperr.NotFound, "to")
	wantKind(t, "from a county", allocate(s, whFin, "", "530103000000", "1"), apperr.Invalid, "from")
	wantKind(t, "outside", allocate(s, kmFin, "", "530300000000", "1"), apperr.NotFound, "to")

	// Spending from Wuhua, and the balances to the fen.
	if err := s.Post(ctx, whAppr, []funds.Posting{{Ref: "payroll-2025-03-530102-dibao", Month: "2025-03", County: "530102",
		Programme: "dibao", Amount: money.MustParse("123456.78")}}); err != nil {
		t.Fatal(err)
	}
	accs, err := s.Balances(ctx, auditor, funds.Query{Year: 2025})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, x := range accs {
		got[x.Region] = fmt.Sprintf("%s %s %s %s = %s", x.Budgeted, x.In, x.Out, x.Spent, x.Balance())
	}
	want := map[string]string{
		"530000000000": "1500000.00 0.00 1500000.00 0.00 = 0.00",
		"530100000000": "0.01 600000.00 600000.01 0.00 = 0.00",
		"530102000000": "0.00 1200000.00 0.00 123456.78 = 1076543.22",
		"530103000000": "0.00 300000.01 0.00 0.00 = 300000.01",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("balances\n got %v\nwant %v", got, want)
	}
	// Burn rate: four months begun; 123456.78 / 4 = 30864.19 (down), × 12 = 370370.34,
	// 1076543.22 / 30864.195 = 34.88 months → 34.8.
	acc, err := s.Account(ctx, whFin, "530102", "dibao", 2025)
	if err != nil {
		t.Fatal(err)
	}
	if acc.Elapsed != 4 || acc.Rate.String() != "30864.19" || acc.Projected.String() != "370370.34" || acc.MonthsLeftString() != "34.8" || acc.Short {
		t.Errorf("burn: elapsed %d rate %s projected %s months left %s short %v", acc.Elapsed, acc.Rate, acc.Projected, acc.MonthsLeftString(), acc.Short)
	}

	// Every change is in the audit log: 3 budgets, 4 allocations, 1 posting.
	es, _, err := a.Audit.Search(ctx, audit.Filter{Action: "funds."})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range es {
		count[e.Action]++
	}
	if count["funds.budget.create"] != 3 || count["funds.allocate"] != 4 || count["funds.post"] != 1 {
		t.Errorf("audit entries %v; want 3 budgets, 4 allocations, 1 posting", count)
	}
}

func TestPostIsIdempotentAndAvailable(t *testing.T) {
	a, s := newFunds(t)
	ctx := context.Background()
	avail, budgeted, err := s.Available(ctx, "530102", "dibao", 2025)
	if err != nil || avail != 0 || budgeted {
		t.Fatalf("Available before any budget = %s, %v, %v; want 0, false", avail, budgeted, err)
	}
	mustBudget(t, s, provFin, "provincial", "", "1000.00")
	if err := allocate(s, provFin, "", "530102000000", "800.00"); err != nil {
		t.Fatal(err)
	}
	mustBudget(t, s, whFin, "county", "", "200.00")
	items := []funds.Posting{
		{Ref: "r1", Month: "2025-01", County: "530102", Programme: "dibao", Amount: money.MustParse("300.10")},
		{Ref: "r2", Month: "2025-02", County: "530102000000", Programme: "dibao", Amount: money.MustParse("299.90")},
	}
	for i := 0; i < 3; i++ {
		if err := s.Post(ctx, whAppr, append([]funds.Posting(nil), items...)); err != nil {
			t.Fatalf("post #%d: %v", i+1, err)
		}
	}
	avail, budgeted, err = s.Available(ctx, "530102", "dibao", 2025)
	if err != nil || avail != money.MustParse("400.00") || !budgeted {
		t.Errorf("Available = %s, %v, %v; want 400.00, true", avail, budgeted, err)
	}
	ps, err := s.Postings(ctx, whFin, funds.Query{Year: 2025})
	if err != nil || len(ps) != 2 {
		t.Fatalf("postings %v, %v; want 2", ps, err)
	}
	es, _, _ := a.Audit.Search(ctx, audit.Filter{Action: "funds.post"})
	if len(es) != 2 {
		t.Errorf("%d audit entries for postings; want 2 (repeats change nothing)", len(es))
	}
	// The same reference with other content is refused and names the item.
	bad := []funds.Posting{items[0], {Ref: "r2", Month: "2025-02", County: "530102", Programme: "dibao", Amount: money.MustParse("299.91")}}
	wantKind(t, "changed repeat", s.Post(ctx, whAppr, bad), apperr.Conflict, "items[1].ref")
	// Overspending is recorded (the money is paid) and Available goes negative.
	if err := s.Post(ctx, whAppr, []funds.Posting{{Ref: "r3", Month: "2025-04", County: "530102", Programme: "dibao", Amount: money.MustParse("400.01")}}); err != nil {
		t.Fatal(err)
	}
	acc, err := s.Account(ctx, whFin, "530102", "dibao", 2025)
	if err != nil {
		t.Fatal(err)
	}
	if acc.Balance() != -1 {
		t.Errorf("balance after overspending = %s; want -0.01", acc.Balance())
	}
	if avail, _, _ := s.Available(ctx, "530102", "dibao", 2025); avail != -1 {
		t.Errorf("Available after overspending = %s; want -0.01", avail)
	}
	// Dibao and 特困 are paid by the payroll: never posted by hand.
	_, err = s.PostByHand(ctx, whFin, funds.Posting{Ref: "hand-1", Month: "2025-04", County: "530102", Programme: "tekun", Amount: 1})
	wantKind(t, "tekun by hand", err, apperr.Invalid, "programme")
	// Bad items name their field.
	wantKind(t, "bad month", s.Post(ctx, whAppr, []funds.Posting{{Ref: "x", Month: "2025-13", County: "530102", Programme: "dibao", Amount: 1}}), apperr.Invalid, "items[0].month")
	wantKind(t, "bad programme", s.Post(ctx, whAppr, []funds.Posting{{Ref: "x", Month: "2025-01", County: "530102", Programme: "pension", Amount: 1}}), apperr.Invalid, "items[0].programme")
	wantKind(t, "no ref", s.Post(ctx, whAppr, []funds.Posting{{Month: "2025-01", County: "530102", Programme: "dibao", Amount: 1}}), apperr.Invalid, "items[0].ref")
	wantKind(t, "not a county", s.Post(ctx, whAppr, []funds.Posting{{Ref: "x", Month: "2025-01", County: "530102001", Programme: "dibao", Amount: 1}}), apperr.Invalid, "items[0].county")
}

func TestScoping(t *testing.T) {
	_, s := newFunds(t)
	ctx := context.Background()
	mustBudget(t, s, pdFin, "county", "", "100.00")
	mustBudget(t, s, whFin, "county", "", "50.00")

	// Another county's finance officer sees nothing of Panlong.
	if _, err := s.Balances(ctx, whFin, funds.Query{Year: 2025, Region: "530103"}); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("balances of another county: %v; want NotFound", err)
	}
	if _, err := s.Account(ctx, whFin, "530103", "dibao", 2025); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("account of another county: %v; want NotFound", err)
	}
	if err := s.Post(ctx, whAppr, []funds.Posting{{Ref: "x", Month: "2025-01", County: "530103", Programme: "dibao", Amount: 1}}); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("posting to another county: %v; want NotFound", err)
	}
	if _, err := s.AddBudget(ctx, whFin, funds.NewBudget{Year: 2025, Programme: "dibao", Level: "county", Region: "530103", Amount: 1, DocNo: "x"}); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("budget for another county: %v; want NotFound", err)
	}
	accs, err := s.Balances(ctx, whFin, funds.Query{Year: 2025})
	if err != nil || len(accs) != 1 || accs[0].Region != "530102000000" || accs[0].Balance() != money.Yuan(50) {
		t.Errorf("own balances = %+v, %v; want Wuhua's 50.00 only", accs, err)
	}
	bs, _ := s.Budgets(ctx, kmFin, funds.Query{Year: 2025})
	if len(bs) != 2 {
		t.Errorf("the prefecture sees %d budgets; want its counties' 2", len(bs))
	}
	// A province finance officer enters the province's budgets, not a county's;
	// a county budget held by a prefecture is the wrong level.
	if _, err := s.AddBudget(ctx, provFin, funds.NewBudget{Year: 2025, Programme: "dibao", Level: "county", Region: "530102", Amount: 1, DocNo: "x"}); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("province officer entering a county budget: %v; want Forbidden", err)
	}
	wantKind(t, "level mismatch", func() error {
		_, err := s.AddBudget(ctx, kmFin, funds.NewBudget{Year: 2025, Programme: "dibao", Level: "county", Amount: 1, DocNo: "x"})
		return err
	}(), apperr.Invalid, "region")
	// Roles: a clerk may not read funds, an auditor may not enter them.
	if _, err := s.Balances(ctx, clerk, funds.Query{Year: 2025}); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("clerk reading funds: %v; want Forbidden", err)
	}
	if _, err := s.AddBudget(ctx, auditor, funds.NewBudget{Year: 2025, Programme: "dibao", Level: "provincial", Amount: 1, DocNo: "x"}); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("auditor entering a budget: %v; want Forbidden", err)
	}
}

// TestIncentivePool commits a pool over scores and caseloads (one county
// counted from the registry) and checks the allocations against the
// hand-computed figures of TestComputePool.
func TestIncentivePool(t *testing.T) {
	a, s := newFunds(t)
	ctx := context.Background()
	mustBudget(t, s, provFin, "provincial", "", "1000000.00")
	mustBudget(t, s, provFin, "central", "", "5000000.00") // central money is not part of the base

	// Wuhua's caseload comes from the registry: 2 households of 3 and 1
	// persons on dibao, and one household not enrolled.
	ids := []int64{}
	for i, n := range []int{3, 1, 2} {
		var ms []registry.NewMember
		for j := 0; j < n; j++ {
			rel := "child"
			if j == 0 {
				rel = "head"
			}
			ms = append(ms, registry.NewMember{IDNumber: apptest.ID("530102", "1980-01-01", 10*i+j+1), Name: "张三", Relationship: rel})
		}
		h, err := a.Registry.CreateHousehold(ctx, apptest.System(), registry.NewHousehold{Village: "530102001001", Area: "urban", Members: ms})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, h.ID)
	}
	for i, id := range ids[:2] {
		if err := a.DB.ExecForTest(ctx, fmt.Sprintf(`INSERT INTO enrolments (id, household_id, county, programme, since) VALUES (%d, %d, '530102000000', 'dibao', '2024-0%d-01')`, 900+i, id, i+1)); err != nil {
			t.Fatal(err)
		}
	}

	// Scores: Wuhua 95 from the registry (4 persons); Panlong 85 with 8
	// entered … Scaled so that the figures are those of TestComputePool ×
	// 1/250: A 1000→4, B 2000→8, C 500→2, D 3000→12.
	put := func(county, score, caseload string) {
		t.Helper()
		if _, err := s.PutScore(ctx, provFin, funds.NewScore{Year: 2025, County: county, Score: score, Caseload: caseload}); err != nil {
			t.Fatalf("score %s: %v", county, err)
		}
	}
	put("530102", "95", "")
	put("530103", "85", "8")
	n, err := s.ImportScores(ctx, provFin, 2025, stringsReader("县代码,评分,保障人数\n530111,70,2\n530112,55,12\n"))
	if err != nil || n != 2 {
		t.Fatalf("import: %d, %v", n, err)
	}
	// All or nothing: a bad row is named and nothing is stored.
	if _, err := s.ImportScores(ctx, provFin, 2025, stringsReader("530113,60,1\n530114,101,1\n")); apperr.FieldOf(err) != "rows[2].score" {
		t.Errorf("bad import: %v; want rows[2].score", err)
	}
	if scs, _ := s.Scores(ctx, provFin, 2025); len(scs) != 4 {
		t.Errorf("%d scores stored; want 4", len(scs))
	}
	// Only the province enters scores.
	if _, err := s.PutScore(ctx, kmFin, funds.NewScore{Year: 2025, County: "530102", Score: "99"}); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("prefecture entering a score: %v; want Forbidden", err)
	}

	pool, err := s.ComputeIncentive(ctx, provFin, 2025, funds.PoolParams{AsOf: "2025-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	if pool.Base != money.Yuan(1_000_000) || pool.Total != money.Yuan(100_000) || pool.WorkFunds != money.Yuan(10_000) {
		t.Fatalf("pool base %s total %s work %s", pool.Base, pool.Total, pool.WorkFunds)
	}
	want := map[string]string{
		"530102000000": "4 registry 30000.00 1538.46", // weights as TestComputePool: same shares
		"530103000000": "8 entered 50000.00 3076.92",
		"530111000000": "2 entered 10000.00 769.23",
		"530112000000": "12 entered 0.00 4615.39",
	}
	var sum money.Money
	for _, r := range pool.Rows {
		sum += r.Total()
		if w, ok := want[r.County]; ok {
			if got := fmt.Sprintf("%d %s %s %s", r.Caseload, r.CaseloadSource, r.Award, r.WorkFunds); got != w {
				t.Errorf("%s: %s; want %s", r.County, got, w)
			}
		} else if r.Total() != 0 {
			t.Errorf("%s gets %s without score or caseload", r.County, r.Total())
		}
	}
	if sum != pool.Total {
		t.Errorf("rows sum to %s; want %s", sum, pool.Total)
	}

	if _, err := s.CommitIncentive(ctx, provFin, 2025, funds.PoolParams{AsOf: "2025-03-31"}, ""); apperr.FieldOf(err) != "doc_no" {
		t.Errorf("commit without doc_no: %v", err)
	}
	committed, err := s.CommitIncentive(ctx, provFin, 2025, funds.PoolParams{AsOf: "2025-03-31"}, "云民发〔2025〕9号")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CommitIncentive(ctx, provFin, 2025, funds.PoolParams{}, "again"); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("second commit: %v; want Conflict", err)
	}
	as, err := s.Allocations(ctx, provFin, funds.Query{Year: 2025})
	if err != nil {
		t.Fatal(err)
	}
	var allocated money.Money
	for _, x := range as {
		if x.PoolID != committed.ID || x.From != "530000000000" {
			t.Errorf("allocation %+v not from the pool", x)
		}
		allocated += x.Amount
	}
	if allocated != money.Yuan(100_000) || len(as) != 7 { // 3 awards + 4 work-fund shares
		t.Errorf("%d allocations of %s; want 7 of 100000.00", len(as), allocated)
	}
	// The pool, read back, keeps every input; a county sees its own row.
	back, err := s.IncentivePool(ctx, whFin, 2025)
	if err != nil || len(back.Rows) != 1 || back.Rows[0].Score != 950 || back.Rows[0].Award != money.Yuan(30_000) {
		t.Errorf("pool as Wuhua sees it: %+v, %v", back.Rows, err)
	}
	if acc, _ := s.Account(ctx, whFin, "530102", "dibao", 2025); acc.In != money.MustParse("31538.46") {
		t.Errorf("Wuhua received %s; want 31538.46", acc.In)
	}
	es, _, _ := a.Audit.Search(ctx, audit.Filter{Action: "funds.incentive.commit"})
	if len(es) != 1 {
		t.Errorf("%d audit entries for the commit; want 1", len(es))
	}
	es, _, _ = a.Audit.Search(ctx, audit.Filter{Action: "funds.score.put"})
	if len(es) != 4 {
		t.Errorf("%d audit entries for scores; want 4", len(es))
	}
}

func TestIncentiveNeedsTheFunds(t *testing.T) {
	_, s := newFunds(t)
	ctx := context.Background()
	mustBudget(t, s, provFin, "provincial", "", "1000.00")
	if err := allocate(s, provFin, "", "530100000000", "950.00"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutScore(ctx, provFin, funds.NewScore{Year: 2025, County: "530102", Score: "90", Caseload: "10"}); err != nil {
		t.Fatal(err)
	}
	// The pool is 100.00 but the province holds only 50.00.
	_, err := s.CommitIncentive(ctx, provFin, 2025, funds.PoolParams{}, "doc")
	wantKind(t, "commit beyond the balance", err, apperr.Invalid, "pool")
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

// TestConcurrentAllocations races allocations that each take the whole
// balance: the account lock lets exactly one through.
func TestConcurrentAllocations(t *testing.T) {
	_, s := newFunds(t)
	mustBudget(t, s, provFin, "provincial", "", "100.00")
	const n = 6
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func(i int) {
			errs <- allocate(s, provFin, "", []string{"530100000000", "530300000000", "530102000000"}[i%3], "100.00")
		}(i)
	}
	ok := 0
	for i := 0; i < n; i++ {
		err := <-errs
		switch {
		case err == nil:
			ok++
		case apperr.FieldOf(err) != "amount":
			t.Errorf("allocation failed otherwise: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d allocations of the whole balance went through; want 1", ok)
	}
	if acc, _ := s.Account(context.Background(), provFin, "53", "dibao", 2025); acc.Balance() != 0 || acc.Out != money.Yuan(100) {
		t.Errorf("province after the race: out %s balance %s", acc.Out, acc.Balance())
	}
}
