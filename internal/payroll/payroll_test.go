package payroll_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"safetynet/internal/access"
	"safetynet/internal/app"
	"safetynet/internal/apperr"
	"safetynet/internal/apptest"
	"safetynet/internal/money"
	"safetynet/internal/payroll"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/synth"
)

const (
	wuhua  = "530102000000" // urban: gap method
	luquan = "530128000000" // mostly rural: tiers A/B/C
)

// env is an application over a fresh database holding the small
// synthetic province (五华区 and 禄劝县).
type env struct {
	*app.App
	households []registry.Household
	ledger     *fakeLedger
}

func setup(t *testing.T) *env {
	t.Helper()
	db := apptest.OpenDB(t)
	a, err := app.Build(context.Background(), db, app.Options{Hash: access.FastArgon2, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{App: a, ledger: newFakeLedger()}
	a.Payroll.Ledger = e.ledger
	loader := loaderFunc(func(ctx context.Context, hs []registry.Household) error {
		if err := db.Registry().LoadHouseholds(ctx, hs, func(_ int, h registry.Household) { e.households = append(e.households, h) }); err != nil {
			return err
		}
		return nil
	})
	if _, err := synth.Run(context.Background(), synth.Config{Scale: "small", Seed: 1}, synth.Output{Loader: loader}); err != nil {
		t.Fatal(err)
	}
	return e
}

type loaderFunc func(context.Context, []registry.Household) error

func (f loaderFunc) LoadHouseholds(ctx context.Context, hs []registry.Household) error {
	return f(ctx, hs)
}

var sys = access.System("test", "")

// fakeLedger is an in-process funds ledger: budgets by county and
// programme, and the spending posted (by Ref, so that posting again
// changes nothing).
type fakeLedger struct {
	mu      sync.Mutex
	budgets map[string]money.Money
	posted  map[string]payroll.Spending
}

func newFakeLedger() *fakeLedger {
	return &fakeLedger{budgets: map[string]money.Money{}, posted: map[string]payroll.Spending{}}
}

func (f *fakeLedger) Available(_ context.Context, county, programme string, year int) (money.Money, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.budgets[county+programme]
	if !ok {
		return 0, false, nil
	}
	for _, s := range f.posted {
		if s.County == county && s.Programme == programme && s.Month[:4] == strconv.Itoa(year) {
			b -= s.Amount
		}
	}
	return b, true, nil
}

func (f *fakeLedger) Post(_ context.Context, _ access.Principal, items []payroll.Spending) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, it := range items {
		if len(it.County) != 6 {
			return fmt.Errorf("county %q is not 6 digits", it.County)
		}
		if _, ok := f.posted[it.Ref]; !ok {
			f.posted[it.Ref] = it
		}
	}
	return nil
}

func (f *fakeLedger) total() money.Money {
	f.mu.Lock()
	defer f.mu.Unlock()
	var t money.Money
	for _, s := range f.posted {
		t += s.Amount
	}
	return t
}

// lines returns every line of a month, county by county, by key.
func (e *env) lines(t *testing.T, month string) []payroll.Line {
	t.Helper()
	var out []payroll.Line
	for _, c := range []string{wuhua, luquan} {
		err := e.DB.Payroll().Lines(context.Background(), month, c, func(l *payroll.Line) error {
			out = append(out, *l)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func (e *env) run(t *testing.T, month string, recompute bool) payroll.RunResult {
	t.Helper()
	res, err := e.Payroll.Run(context.Background(), sys, month, "5301", recompute)
	if err != nil {
		t.Fatalf("run %s: %v", month, err)
	}
	return res
}

func sum(ls []payroll.Line) (total money.Money) {
	for _, l := range ls {
		total += l.Amount
	}
	return total
}

// TestTieredRuralPayrollSums checks that each tier of the rural dibao
// payroll sums exactly to persons × the tier amount, the persons counted
// from the registry as loaded (members who count and are alive).
func TestTieredRuralPayrollSums(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const month = "2025-08"
	e.run(t, month, false)
	v, err := e.PolicyService.Dataset().Resolve(luquan, month+"-01")
	if err != nil {
		t.Fatal(err)
	}
	persons := map[string]int{}
	for _, h := range e.households {
		if h.County != luquan {
			continue
		}
		for _, en := range h.Enrolments {
			if en.Programme != "dibao" || en.Tier == "" || en.Since[:7] > month || (en.Until != "" && en.Until[:7] <= month) {
				continue
			}
			for _, m := range h.Members {
				if m.Excluded == "" && (m.DeathDate == "" || m.DeathDate >= month+"-01") {
					persons[en.Tier]++
				}
			}
		}
	}
	got := map[string]money.Money{}
	gotPersons := map[string]int{}
	for _, l := range e.lines(t, month) {
		if l.Programme == payroll.Dibao && l.Tier != "" {
			got[l.Tier] += l.Amount
			gotPersons[l.Tier] += l.Persons
		}
	}
	if len(persons) != 3 {
		t.Fatalf("tiers in the registry: %v; want A, B and C", persons)
	}
	for _, tier := range []string{"A", "B", "C"} {
		amt, _ := v.Params.Dibao.RuralTiers.Get(tier)
		want := amt.MulInt(int64(persons[tier]))
		if got[tier] != want || gotPersons[tier] != persons[tier] {
			t.Errorf("tier %s: %s for %d persons; want %d persons × %s = %s", tier, got[tier], gotPersons[tier], persons[tier], amt, want)
		}
	}
}

// TestRunTwiceChangesNothing runs a month twice, then recomputes it: the
// lines stay the same, with no duplicates.
func TestRunTwiceChangesNothing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const month = "2025-08"
	first := e.run(t, month, false)
	if first.Computed != first.Counties || first.Counties != 14 || first.Lines == 0 {
		t.Fatalf("first run: %+v", first)
	}
	a := e.lines(t, month)
	second := e.run(t, month, false)
	if second.Computed != 0 || second.Lines != 0 {
		t.Errorf("second run computed %d counties, %d lines; want nothing", second.Computed, second.Lines)
	}
	if b := e.lines(t, month); !reflect.DeepEqual(a, b) {
		t.Errorf("second run changed the lines")
	}
	e.run(t, month, true)
	if c := e.lines(t, month); !reflect.DeepEqual(a, c) {
		t.Errorf("recompute changed the lines: %d → %d", len(a), len(c))
	}
	seen := map[string]bool{}
	for _, l := range a {
		k := fmt.Sprintf("%s/%s/%d/%d", l.Month, l.Programme, l.HouseholdID, l.PersonID)
		if seen[k] {
			t.Errorf("duplicate line %s", k)
		}
		seen[k] = true
	}
	if len(a) != first.Lines {
		t.Errorf("stored %d lines; the run reported %d", len(a), first.Lines)
	}
}

// TestProvinceRunMatchesCountyRun computes a month for the whole province
// (on SQLite the registry is then read as household sizes and the members
// that matter) and again for the prefecture (every member read): the
// lines are the same.
func TestProvinceRunMatchesCountyRun(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	const month = "2025-08"
	if _, err := e.Payroll.Run(ctx, sys, month, "", false); err != nil {
		t.Fatal(err)
	}
	province := e.lines(t, month)
	e.run(t, month, true)
	prefecture := e.lines(t, month)
	if !reflect.DeepEqual(province, prefecture) {
		t.Fatalf("province run: %d lines, %s; prefecture run: %d lines, %s", len(province), sum(province), len(prefecture), sum(prefecture))
	}
	dead, excluded := 0, 0
	for _, h := range e.households {
		for _, m := range h.Members {
			if m.DeathDate != "" && m.DeathDate < month {
				dead++
			}
			if m.Excluded != "" {
				excluded++
			}
		}
	}
	if dead == 0 || excluded == 0 {
		t.Logf("the synthetic registry has %d dead and %d excluded members", dead, excluded)
	}
}

var errCrash = errors.New("injected crash")

// TestKillAndRestart stops runs at random points (inside a county's
// transaction after N rows, or between counties after N counties; by an
// error or a panic), starts them again until they finish, and compares
// the payroll with one computed without interruption, line by line and in
// totals. Each seed is a month of its own on the same registry.
func TestKillAndRestart(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ref := e.run(t, "2025-07", false)
	total := 0
	defer func() {
		if total == 0 {
			t.Errorf("no crash was injected")
		}
	}()
	for seed := uint64(1); seed <= 6; seed++ {
		month := fmt.Sprintf("%d-%02d", 2026+seed/12, 1+seed%12)
		rng := rand.New(rand.NewPCG(seed, 42))
		crashes := 0
		for attempt := 0; ; attempt++ {
			if attempt > 20 {
				t.Fatalf("seed %d: no end after %d attempts", seed, attempt)
			}
			usePanic := rng.IntN(2) == 0
			fail := func() error {
				crashes++
				if usePanic {
					panic(errCrash)
				}
				return errCrash
			}
			e.Payroll.Faults = payroll.Faults{}
			if attempt < 3 {
				if rng.IntN(3) > 0 {
					n := 1 + rng.IntN(ref.Lines)
					e.Payroll.Faults.Rows = func(rows int) error {
						if rows >= n {
							return fail()
						}
						return nil
					}
				} else {
					n := 1 + rng.IntN(2)
					e.Payroll.Faults.Chunk = func(chunks int) error {
						if chunks >= n {
							return fail()
						}
						return nil
					}
				}
			}
			err := func() (err error) {
				defer func() {
					if p := recover(); p != nil {
						err = fmt.Errorf("panic: %v", p)
					}
				}()
				_, err = e.Payroll.Run(context.Background(), sys, month, "5301", false)
				return err
			}()
			if err == nil {
				break
			}
			if !strings.Contains(err.Error(), errCrash.Error()) {
				t.Fatalf("seed %d: %v", seed, err)
			}
		}
		e.Payroll.Faults = payroll.Faults{}
		got := e.lines(t, month)
		counties, _ := e.DB.Payroll().Counties(context.Background(), month, "5301")
		e.run(t, month, true) // the same month computed without interruption
		want := e.lines(t, month)
		if len(got) != len(want) {
			t.Fatalf("seed %d (%d crashes): %d lines after restarts; want %d", seed, crashes, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("seed %d: line %d = %+v; want %+v", seed, i, got[i], want[i])
			}
		}
		if sum(got) != sum(want) {
			t.Errorf("seed %d: total %s; want %s", seed, sum(got), sum(want))
		}
		var stored money.Money
		for _, c := range counties {
			stored += c.Total
			if !c.Computed {
				t.Errorf("seed %d: county %s not computed", seed, c.County)
			}
		}
		if stored != sum(want) {
			t.Errorf("seed %d: county totals %s; want %s", seed, stored, sum(want))
		}
		t.Logf("seed %d: %d crashes before the run finished", seed, crashes)
		total += crashes
	}
}

// parseBankFile checks a bank file's layout, control totals and checksum
// and returns its detail lines' references and amounts.
func parseBankFile(t *testing.T, f payroll.BankFile) map[string]money.Money {
	t.Helper()
	out := map[string]money.Money{}
	sc := bufio.NewScanner(bytes.NewReader(f.Data))
	var body bytes.Buffer
	var count int
	var total int64
	trailer := false
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Split(line, "|")
		switch fields[0] {
		case "H":
			if fields[1] != "SNPAY1" || fields[2] != f.County || fields[3] != f.Month || fields[4] != f.Bank {
				t.Errorf("%s: header %q", f.Name(), line)
			}
		case "D":
			amt, _ := strconv.ParseInt(fields[4], 10, 64)
			out[fields[5]] = money.Money(amt)
			count++
			total += amt
		case "T":
			trailer = true
			n, _ := strconv.Atoi(fields[1])
			s, _ := strconv.ParseInt(fields[2], 10, 64)
			h := sha256.Sum256(body.Bytes())
			if n != count || s != total || fields[3] != hex.EncodeToString(h[:]) {
				t.Errorf("%s: trailer %q; counted %d lines, %d fen", f.Name(), line, count, total)
			}
			continue
		}
		body.WriteString(line + "\n")
	}
	if !trailer || count != f.Count || money.Money(total) != f.Total {
		t.Errorf("%s: %d lines %d fen, trailer %v; file says %d, %s", f.Name(), count, total, trailer, f.Count, f.Total)
	}
	return out
}

// TestBankFilesReconcile takes a month through check, approval (spending
// posted to the ledger), export (bank files, byte-identical again), the
// bank's returns and reconciliation; the totals agree to the fen. The next
// month re-issues the failed payment whose account was corrected, once.
func TestBankFilesReconcile(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	const month = "2025-08"
	// Each county's payroll runs on its own: the prefecture's other
	// counties have none this month.
	for _, c := range []string{wuhua, luquan} {
		if _, err := e.Payroll.Run(ctx, sys, month, c, false); err != nil {
			t.Fatal(err)
		}
	}
	e.ledger.budgets["530102dibao"] = money.Yuan(1) // far too little: a warning, not a failure
	fin := access.NewPrincipal(access.User{ID: 10, Username: "fin", Role: access.FinanceOfficer, Region: "530100000000"})
	wuhuaApprover := access.NewPrincipal(access.User{ID: 11, Username: "wh", Role: access.CountyApprover, Region: wuhua})
	luquanApprover := access.NewPrincipal(access.User{ID: 12, Username: "lq", Role: access.CountyApprover, Region: luquan})

	if _, err := e.Payroll.Approve(ctx, fin, month, "5301"); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("finance officer approves: %v; want Forbidden", err)
	}
	chk, err := e.Payroll.Check(ctx, fin, month, "5301")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(chk.Warnings, "\n"), "超过可用资金") {
		t.Errorf("check warnings %q; want one about the funds available", chk.Warnings)
	}
	if _, err := e.Payroll.Approve(ctx, wuhuaApprover, month, wuhua); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Payroll.Approve(ctx, wuhuaApprover, month, luquan); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("approver of 五华 approves 禄劝: %v; want Forbidden", err)
	}
	// Only 五华 is approved: an export now skips 禄劝.
	ex, err := e.Payroll.Export(ctx, fin, month, "5301")
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Skipped) != 1 || ex.Skipped[0] != "530128" {
		t.Errorf("skipped %v; want 530128", ex.Skipped)
	}
	if _, err := e.Payroll.Approve(ctx, luquanApprover, month, luquan); err != nil {
		t.Fatal(err)
	}
	// An approved month never changes.
	before := e.lines(t, month)
	if _, err := e.Payroll.Run(ctx, sys, month, luquan, true); err != nil {
		t.Fatal(err)
	}
	if after := e.lines(t, month); len(after) != len(before) {
		t.Errorf("recomputing an approved month changed it")
	}
	if _, err := e.Payroll.Adjust(ctx, fin, payroll.AdjustInput{Month: month, HouseholdID: before[0].HouseholdID,
		Programme: payroll.Dibao, Amount: money.Yuan(10), Reason: "少发"}); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("adjusting an approved month: %v; want Conflict", err)
	}

	ex, err = e.Payroll.Export(ctx, fin, month, "5301")
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.Payroll.Export(ctx, fin, month, "5301")
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Files) != len(ex.Files) {
		t.Fatalf("second export: %d files; want %d", len(again.Files), len(ex.Files))
	}
	for i := range ex.Files {
		if !bytes.Equal(ex.Files[i].Data, again.Files[i].Data) {
			t.Errorf("%s differs when exported again", ex.Files[i].Name())
		}
	}
	lines := e.lines(t, month)
	inFiles := map[string]money.Money{}
	var fileTotal money.Money
	for _, f := range ex.Files {
		for ref, amt := range parseBankFile(t, f) {
			inFiles[ref] = amt
			fileTotal += amt
		}
	}
	var exported, held money.Money
	for _, l := range lines {
		switch l.Status {
		case payroll.Sent:
			exported += l.Amount
			if inFiles[payroll.Reference(&l)] != l.Amount {
				t.Errorf("line %s: %s in the files; want %s", l.Key, inFiles[payroll.Reference(&l)], l.Amount)
			}
		case payroll.Held:
			held += l.Amount
		default:
			t.Errorf("line %s is %s after export", l.Key, l.Status)
		}
	}
	if fileTotal != exported || exported+held != sum(lines) || len(inFiles) == 0 {
		t.Errorf("files %s, exported lines %s, held %s, payroll %s", fileTotal, exported, held, sum(lines))
	}
	if e.ledger.total() != sum(lines) {
		t.Errorf("ledger %s; payroll %s", e.ledger.total(), sum(lines))
	}

	// The bank returns three payments.
	var ret strings.Builder
	var failed []payroll.Line
	for _, l := range lines {
		if l.Status == payroll.Sent && len(failed) < 3 {
			failed = append(failed, l)
			fmt.Fprintf(&ret, "%s|%s|01|账户已销户\n", payroll.Reference(&l), l.Account)
		}
	}
	rr, err := e.Payroll.ImportReturn(ctx, fin, month, strings.NewReader(ret.String()))
	if err != nil {
		t.Fatal(err)
	}
	if rr.Failed != 3 || rr.Amount != sum(failed) {
		t.Errorf("return: %+v; want 3 failed, %s", rr, sum(failed))
	}
	if rr, err = e.Payroll.ImportReturn(ctx, fin, month, strings.NewReader(ret.String())); err != nil || rr.Already != 3 || rr.Failed != 0 {
		t.Errorf("return again: %+v, %v; want 3 already recorded", rr, err)
	}
	sumry, err := e.Payroll.Reconcile(ctx, fin, month, "5301")
	if err != nil {
		t.Fatal(err)
	}
	if sumry.Status != payroll.Reconciled || sumry.Exported != fileTotal || sumry.Failed != sum(failed) ||
		sumry.Paid != fileTotal-sum(failed) || sumry.Payroll != sum(lines) || sumry.Held != held {
		t.Errorf("summary %+v; files %s, failed %s", sumry, fileTotal, sum(failed))
	}
	// Re-export after the returns: still the same bytes.
	third, _ := e.Payroll.Export(ctx, fin, month, "5301")
	for i := range ex.Files {
		if !bytes.Equal(ex.Files[i].Data, third.Files[i].Data) {
			t.Errorf("%s differs after the returns", ex.Files[i].Name())
		}
	}

	// The first failed household gets a new account; the next month
	// re-issues its payment, and only its.
	if err := e.DB.ExecForTest(ctx, fmt.Sprintf(`UPDATE households SET bank_account = '6217000000000000001' WHERE id = %d`, failed[0].HouseholdID)); err != nil {
		t.Fatal(err)
	}
	const next = "2025-09"
	e.run(t, next, false)
	e.run(t, next, true)
	if _, err := e.Payroll.Run(ctx, sys, next, luquan, true); err != nil {
		t.Fatal(err)
	}
	var reissued []payroll.Line
	for _, l := range e.lines(t, next) {
		if l.Kind == payroll.Reissue {
			reissued = append(reissued, l)
		}
	}
	if len(reissued) != 1 || reissued[0].Ref != failed[0].Key || reissued[0].Amount != failed[0].Amount ||
		reissued[0].Account != "6217000000000000001" {
		t.Fatalf("re-issued %+v; want %s once to the new account", reissued, failed[0].Key)
	}
	// Once re-issued, it is not re-issued again in a later month.
	e.run(t, "2025-10", false)
	for _, l := range e.lines(t, "2025-10") {
		if l.Kind == payroll.Reissue {
			t.Errorf("re-issued again in 2025-10: %+v", l)
		}
	}
	// An adjustment line in a draft month.
	adj, err := e.Payroll.Adjust(ctx, fin, payroll.AdjustInput{Month: next, HouseholdID: failed[1].HouseholdID,
		Programme: payroll.Dibao, Amount: money.MustParse("12.34"), Reason: "7 月少发", Ref: failed[1].Key})
	if err != nil {
		t.Fatal(err)
	}
	e.run(t, next, true)
	found := false
	for _, l := range e.lines(t, next) {
		found = found || l.Key == adj.Key
	}
	if !found {
		t.Errorf("recompute dropped the adjustment")
	}
	// Approving September posts its spending without the re-issue, whose
	// spending August posted.
	posted := e.ledger.total()
	var sep money.Money
	for _, l := range e.lines(t, next) {
		if l.Kind != payroll.Reissue {
			sep += l.Amount
		}
	}
	for _, c := range []string{wuhua, luquan} {
		if _, err := e.Payroll.Check(ctx, sys, next, c); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Payroll.Approve(ctx, sys, next, c); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.ledger.total() - posted; got != sep {
		t.Errorf("September posted %s; want %s (every line but the re-issue)", got, sep)
	}
}

// failingLedger refuses every posting.
type failingLedger struct{ *fakeLedger }

func (failingLedger) Post(context.Context, access.Principal, []payroll.Spending) error {
	return apperr.New(apperr.Unavailable, "资金账不可用", "ledger down")
}

// TestApprovalFailsWithTheLedger: when the spending cannot be posted, the
// approval does not happen either (one transaction).
func TestApprovalFailsWithTheLedger(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	const month = "2025-08"
	if _, err := e.Payroll.Run(ctx, sys, month, luquan, false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Payroll.Check(ctx, sys, month, luquan); err != nil {
		t.Fatal(err)
	}
	e.Payroll.Ledger = failingLedger{e.ledger}
	if _, err := e.Payroll.Approve(ctx, sys, month, luquan); !apperr.Is(err, apperr.Unavailable) {
		t.Fatalf("approve with the ledger down: %v", err)
	}
	cs, _ := e.DB.Payroll().Counties(ctx, month, luquan)
	if len(cs) != 1 || cs[0].Status != payroll.Checked {
		t.Errorf("after a failed posting the county is %+v; want still checked", cs)
	}
	e.Payroll.Ledger = e.ledger
	if _, err := e.Payroll.Approve(ctx, sys, month, luquan); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Payroll.Approve(ctx, sys, month, luquan); err != nil {
		t.Errorf("approving again: %v; want nothing to do", err)
	}
	if e.ledger.total() != cs[0].Total {
		t.Errorf("ledger %s; payroll %s", e.ledger.total(), cs[0].Total)
	}
}

// TestDeathsStopPayment: a 特困 person who died stops from the month
// after; a dibao household is paid without its dead member.
func TestDeathsStopPayment(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	var tekun, dibao *registry.Household
	for i := range e.households {
		h := &e.households[i]
		if len(h.Enrolments) == 0 || h.Enrolments[0].Since > "2025-01-01" {
			continue
		}
		dead := false
		for _, m := range h.Members {
			dead = dead || m.DeathDate != "" || m.Excluded != ""
		}
		if dead {
			continue
		}
		switch {
		case tekun == nil && h.Enrolments[0].Programme == "tekun":
			tekun = h
		case dibao == nil && h.Enrolments[0].Programme == "dibao" && h.Enrolments[0].Tier != "" && len(h.Members) >= 3:
			dibao = h
		}
	}
	if tekun == nil || dibao == nil {
		t.Fatal("no households to test with")
	}
	for _, id := range []int64{tekun.Enrolments[0].PersonID, dibao.Members[len(dibao.Members)-1].PersonID} {
		if err := e.DB.ExecForTest(ctx, fmt.Sprintf(`UPDATE persons SET death_date = '2025-08-20' WHERE id = %d`, id)); err != nil {
			t.Fatal(err)
		}
	}
	e.run(t, "2025-08", false)
	e.run(t, "2025-09", false)
	find := func(month string, hh int64) *payroll.Line {
		for _, l := range e.lines(t, month) {
			if l.HouseholdID == hh && l.Kind == payroll.Regular {
				return &l
			}
		}
		return nil
	}
	if find("2025-08", tekun.ID) == nil || find("2025-09", tekun.ID) != nil {
		t.Errorf("特困 person died 2025-08-20: paid in August %v, in September %v; want August only",
			find("2025-08", tekun.ID) != nil, find("2025-09", tekun.ID) != nil)
	}
	aug, sep := find("2025-08", dibao.ID), find("2025-09", dibao.ID)
	if aug == nil || sep == nil || aug.Persons != len(dibao.Members) || sep.Persons != len(dibao.Members)-1 {
		t.Fatalf("dibao household: August %+v, September %+v; want %d then %d persons", aug, sep, len(dibao.Members), len(dibao.Members)-1)
	}
	if aug.Amount/money.Money(aug.Persons) != sep.Amount/money.Money(sep.Persons) {
		t.Errorf("tier amount per person changed: %s/%d → %s/%d", aug.Amount, aug.Persons, sep.Amount, sep.Persons)
	}
}

// TestGradualExit: a gap-method household whose income now reaches the
// standard keeps its last amount while its decided exit lies within the
// policy's 渐退 months; one without a decided exit is not paid (warned).
func TestGradualExit(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	var ids []int64
	for _, h := range e.households {
		if h.County == wuhua && len(h.Enrolments) == 1 && h.Enrolments[0].Programme == "dibao" &&
			h.Enrolments[0].Tier == "" && h.Enrolments[0].Since < "2025-01-01" && h.Enrolments[0].Until == "" {
			ids = append(ids, h.ID)
		}
		if len(ids) == 2 {
			break
		}
	}
	if len(ids) < 2 {
		t.Fatal("no urban dibao households")
	}
	if _, err := e.Payroll.Run(ctx, sys, "2025-08", wuhua, false); err != nil {
		t.Fatal(err)
	}
	line := func(month string, hh int64) *payroll.Line {
		var out *payroll.Line
		e.DB.Payroll().Lines(ctx, month, wuhua, func(l *payroll.Line) error {
			if l.HouseholdID == hh && l.Kind == payroll.Regular {
				c := *l
				out = &c
			}
			return nil
		})
		return out
	}
	aug := line("2025-08", ids[0])
	if aug == nil || line("2025-08", ids[1]) == nil {
		t.Fatal("not paid in August")
	}
	for i, id := range ids {
		if err := e.DB.ExecForTest(ctx, fmt.Sprintf(`INSERT INTO income_items (id, household_id, county, kind, amount, per, source)
			VALUES (%d, %d, '%s', '%s', 100000000, 'month', '核对')`, 900000000+i, id, wuhua, policy.IncomeWages)); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.DB.ExecForTest(ctx, fmt.Sprintf(`UPDATE enrolments SET until = '2025-12-01' WHERE household_id = %d`, ids[0])); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"2025-09", "2025-10", "2025-11", "2025-12"} {
		if _, err := e.Payroll.Run(ctx, sys, m, wuhua, false); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []string{"2025-09", "2025-10", "2025-11"} {
		l := line(m, ids[0])
		if l == nil || l.Amount != aug.Amount || l.Reason != payroll.GradualExit {
			t.Errorf("%s: %+v; want the August amount %s in the gradual exit", m, l, aug.Amount)
		}
		if l := line(m, ids[1]); l != nil {
			t.Errorf("%s: household without a decided exit paid %s", m, l.Amount)
		}
	}
	if l := line("2025-12", ids[0]); l != nil {
		t.Errorf("paid after the exit: %+v", l)
	}
	cs, _ := e.DB.Payroll().Counties(ctx, "2025-09", wuhua)
	if !strings.Contains(cs[0].Warnings, fmt.Sprint(ids[1])) {
		t.Errorf("no warning for household %d: %q", ids[1], cs[0].Warnings)
	}
}
