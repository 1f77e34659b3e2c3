package funds

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/casework"
	"safetynet/internal/money"
	"safetynet/internal/region"
)

// Divisions serves the division tree; *registry.DivisionService satisfies
// it.
type Divisions interface {
	Tree() *region.Tree
}

// Service is the funds ledger's use cases. Each change runs in one
// transaction with its audit entry.
type Service struct {
	Store     Store
	Tx        audit.Transactor
	Audit     *audit.Log
	Divisions Divisions
	Now       func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// name returns the path of a division, or its code when unknown.
func (s *Service) name(code string) string {
	if s.Divisions != nil {
		if n := s.Divisions.Tree().Path(code); n != "" {
			return n
		}
	}
	return code
}

// division checks that code names a known division of level want (any
// level when 0) that by may see: Invalid for a bad code or level,
// NotFound outside by's jurisdiction.
func (s *Service) division(by access.Principal, code, field string, want region.Level) (string, error) {
	c, err := normCode(code, field)
	if err != nil {
		return "", err
	}
	if !by.Covers(c) {
		return "", apperr.New(apperr.NotFound, "未找到该行政区划", "division not found").WithField(field)
	}
	if s.Divisions != nil {
		if _, ok := s.Divisions.Tree().Get(c); !ok {
			return "", apperr.Field(field, fmt.Sprintf("行政区划“%s”不存在", code), fmt.Sprintf("division %s does not exist", code))
		}
	}
	if want != 0 && region.LevelOf(c) != want {
		return "", apperr.Field(field, fmt.Sprintf("“%s”应为%s行政区划", s.name(c), want.Zh()),
			fmt.Sprintf("%s must be a %s-level division", c, want))
	}
	return c, nil
}

// ownLevel checks that a finance officer acts for his own division only
// (本级财务人员录入本级资金); the province administrator and the command
// line act for any division of their jurisdiction.
func ownLevel(by access.Principal, code, field string) error {
	if by.Role == access.FinanceOfficer && !by.IsSystem() && by.Region != code {
		return apperr.New(apperr.Forbidden, "只能由本级财务人员录入本级资金", "only the finance officers of that division may enter its funds").WithField(field)
	}
	return nil
}

// NewBudget is a budget as entered.
type NewBudget struct {
	Year        int
	Programme   string
	Level       string
	Region      string // the holder; "" means the caller's own division
	Amount      money.Money
	DocNo       string
	Description string
}

// AddBudget records a budget. Returns Invalid (field named), Forbidden,
// NotFound (region outside the jurisdiction) and Unauthorized.
func (s *Service) AddBudget(ctx context.Context, by access.Principal, in NewBudget) (Budget, error) {
	if err := by.Require(access.FundsManage); err != nil {
		return Budget{}, err
	}
	if err := checkYear(in.Year); err != nil {
		return Budget{}, err
	}
	prog, err := ParseProgramme(in.Programme)
	if err != nil {
		return Budget{}, err
	}
	lvl, err := ParseLevel(in.Level)
	if err != nil {
		return Budget{}, err
	}
	if in.Region == "" {
		in.Region = by.Region
	}
	holder, err := s.division(by, in.Region, "region", lvl.Holder())
	if err != nil {
		return Budget{}, err
	}
	if err := ownLevel(by, holder, "region"); err != nil {
		return Budget{}, err
	}
	if in.Amount <= 0 {
		return Budget{}, apperr.Field("amount", "预算金额应大于零", "the amount must be greater than zero")
	}
	in.DocNo = strings.TrimSpace(in.DocNo)
	if in.DocNo == "" {
		return Budget{}, apperr.Field("doc_no", "请填写资金来源文号", "the source document number is required")
	}
	b := Budget{Year: in.Year, Programme: prog, Level: lvl, Region: holder, Amount: in.Amount, DocNo: in.DocNo,
		Description: strings.TrimSpace(in.Description), CreatedBy: by.Username, CreatedAt: s.now()}
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.AddBudget(ctx, &b); err != nil {
			return err
		}
		return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "funds.budget.create", SubjectType: "budget",
			SubjectID: fmt.Sprint(b.ID), SubjectRegion: holder, After: b})
	})
	return b, err
}

// Query selects what a list or the balances show.
type Query struct {
	Year      int
	Programme string
	Region    string // a division within the caller's jurisdiction; "" for all of it
	Month     string // postings: YYYY-MM
	Limit     int
}

// filter turns q into a Filter scoped to by. Returns Invalid and NotFound.
func (s *Service) filter(by access.Principal, q Query) (Filter, error) {
	if err := by.Require(access.FundsRead); err != nil {
		return Filter{}, err
	}
	f := Filter{Year: q.Year, Month: q.Month, Limit: q.Limit}
	if q.Year != 0 {
		if err := checkYear(q.Year); err != nil {
			return f, err
		}
	}
	if q.Month != "" {
		if err := checkMonth(q.Month, "month"); err != nil {
			return f, err
		}
	}
	if q.Programme != "" {
		p, err := ParseProgramme(q.Programme)
		if err != nil {
			return f, err
		}
		f.Programme = p
	}
	switch {
	case q.Region != "":
		c, err := s.division(by, q.Region, "region", 0)
		if err != nil {
			return f, err
		}
		f.RegionPrefix = region.Prefix(c)
	case by.IsSystem() && by.Region == "":
	default:
		f.RegionPrefix = by.Prefix()
	}
	return f, nil
}

// Budgets lists the budgets within by's jurisdiction (or q.Region).
// Returns Invalid, NotFound, Forbidden and Unauthorized.
func (s *Service) Budgets(ctx context.Context, by access.Principal, q Query) ([]Budget, error) {
	f, err := s.filter(by, q)
	if err != nil {
		return nil, err
	}
	return s.Store.Budgets(ctx, f)
}

// NewAllocation is an allocation as entered.
type NewAllocation struct {
	Year      int
	Programme string
	From      string // "" means the caller's own division
	To        string
	Amount    money.Money
	DocNo     string
	Note      string
}

// Allocate passes money from a division's account down to a division
// within it (province → prefecture or county, prefecture → county). The
// amount may not exceed what the giver still holds (budgeted + allocated
// to it − allocated down − spent). Returns Invalid (the field named:
// "amount" when the giver holds too little), Forbidden, NotFound and
// Unauthorized.
func (s *Service) Allocate(ctx context.Context, by access.Principal, in NewAllocation) (Allocation, error) {
	if err := by.Require(access.FundsManage); err != nil {
		return Allocation{}, err
	}
	if err := checkYear(in.Year); err != nil {
		return Allocation{}, err
	}
	prog, err := ParseProgramme(in.Programme)
	if err != nil {
		return Allocation{}, err
	}
	if in.From == "" {
		in.From = by.Region
	}
	from, err := s.division(by, in.From, "from", 0)
	if err != nil {
		return Allocation{}, err
	}
	if l := region.LevelOf(from); l != region.Province && l != region.Prefecture {
		return Allocation{}, apperr.Field("from", "只有省级和州市级可以下拨资金", "only the province and prefectures allocate funds")
	}
	if err := ownLevel(by, from, "from"); err != nil {
		return Allocation{}, err
	}
	to, err := s.division(by, in.To, "to", 0)
	if err != nil {
		return Allocation{}, err
	}
	if l := region.LevelOf(to); to == from || !region.Contains(from, to) || (l != region.Prefecture && l != region.County) {
		return Allocation{}, apperr.Field("to", fmt.Sprintf("“%s”不是“%s”下辖的州市或县", s.name(to), s.name(from)),
			fmt.Sprintf("%s is not a prefecture or county within %s", to, from))
	}
	if in.Amount <= 0 {
		return Allocation{}, apperr.Field("amount", "下拨金额应大于零", "the amount must be greater than zero")
	}
	a := Allocation{Year: in.Year, Programme: prog, From: from, To: to, Amount: in.Amount, Kind: Ordinary,
		DocNo: strings.TrimSpace(in.DocNo), Note: strings.TrimSpace(in.Note), CreatedBy: by.Username, CreatedAt: s.now()}
	if a.DocNo == "" {
		return Allocation{}, apperr.Field("doc_no", "请填写下拨文号", "the allocation's document number is required")
	}
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		if err := s.checkHolds(ctx, from, prog, in.Year, in.Amount, "amount"); err != nil {
			return err
		}
		if err := s.Store.AddAllocation(ctx, &a); err != nil {
			return err
		}
		return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "funds.allocate", SubjectType: "allocation",
			SubjectID: fmt.Sprint(a.ID), SubjectRegion: to, After: a})
	})
	return a, err
}

// checkHolds locks the account and checks that it holds at least amount.
// Call it inside the transaction of the allocation.
func (s *Service) checkHolds(ctx context.Context, code string, prog Programme, year int, amount money.Money, field string) error {
	if err := s.Store.LockAccount(ctx, code, prog, year); err != nil {
		return err
	}
	t, err := s.totals(ctx, code, prog, year)
	if err != nil {
		return err
	}
	if amount > t.Balance() {
		return apperr.Field(field,
			fmt.Sprintf("下拨金额 %s 元超过%s %d 年%s可分配余额 %s 元", amount, s.name(code), year, prog.Zh(), money.Max(t.Balance(), 0)),
			fmt.Sprintf("the allocation of %s yuan exceeds the %s yuan that %s has left to allocate for %s in %d",
				amount, money.Max(t.Balance(), 0), code, prog, year))
	}
	return nil
}

// totals returns one account's sums (zero when it has no rows).
func (s *Service) totals(ctx context.Context, code string, prog Programme, year int) (Totals, error) {
	ts, err := s.Store.Totals(ctx, Filter{Year: year, Programme: prog, RegionPrefix: code})
	if err != nil {
		return Totals{}, err
	}
	for _, t := range ts {
		if t.Region == code && t.Programme == prog {
			return t, nil
		}
	}
	return Totals{Region: code, Programme: prog}, nil
}

// Allocations lists the allocations from or to a division within by's
// jurisdiction (or q.Region). Returns Invalid, NotFound, Forbidden and
// Unauthorized.
func (s *Service) Allocations(ctx context.Context, by access.Principal, q Query) ([]Allocation, error) {
	f, err := s.filter(by, q)
	if err != nil {
		return nil, err
	}
	return s.Store.Allocations(ctx, f)
}

// checkPosting validates p in place (county to 12 digits, programme).
func (s *Service) checkPosting(by access.Principal, p *Posting) error {
	p.Ref = strings.TrimSpace(p.Ref)
	if p.Ref == "" || len(p.Ref) > 120 {
		return apperr.Field("ref", "请填写 1–120 个字符的支出凭证号", "a reference of 1–120 characters is required")
	}
	if err := checkMonth(p.Month, "month"); err != nil {
		return err
	}
	c, err := s.division(by, p.County, "county", region.County)
	if err != nil {
		return err
	}
	p.County = c
	prog, err := ParseProgramme(p.Programme)
	if err != nil {
		return err
	}
	p.Programme = string(prog)
	if p.Amount == 0 {
		return apperr.Field("amount", "支出金额不能为零", "the amount must not be zero")
	}
	return nil
}

// Post records spending from county accounts. Posting a Ref that is
// already recorded with the same month, county, programme and amount
// changes nothing (so a payroll may post again after a crash); the same
// Ref with different content is a Conflict naming the item. Spending is
// recorded even when it exceeds the balance (the money is paid; Available
// is the warning before). Items without a Source count as from a payroll.
// Returns Invalid and Conflict naming the item ("items[2].ref"),
// NotFound (a county outside by's jurisdiction), Forbidden and
// Unauthorized.
func (s *Service) Post(ctx context.Context, by access.Principal, items []Posting) error {
	if err := by.Require(access.FundsPost); err != nil {
		return err
	}
	now := s.now()
	items = append([]Posting(nil), items...) // the caller's slice is left as it was
	for i := range items {
		p := &items[i]
		if err := s.checkPosting(by, p); err != nil {
			return withItem(err, i)
		}
		if p.Source == "" {
			p.Source = FromPayroll
		}
		if p.Source != FromPayroll && p.Source != ByHand {
			return apperr.Field(fmt.Sprintf("items[%d].source", i), "支出来源无效", "unknown source")
		}
		p.CreatedBy, p.CreatedAt = by.Username, now
	}
	return s.Tx.WithTx(ctx, func(ctx context.Context) error {
		for i := range items {
			p := items[i]
			old, err := s.Store.Posting(ctx, p.Ref)
			switch {
			case err == nil:
				if old.Month != p.Month || old.County != p.County || old.Programme != p.Programme || old.Amount != p.Amount {
					return apperr.New(apperr.Conflict, fmt.Sprintf("凭证号“%s”已登记了不同的支出", p.Ref),
						fmt.Sprintf("reference %q is already posted with different content", p.Ref)).WithField(fmt.Sprintf("items[%d].ref", i))
				}
				continue
			case !apperr.Is(err, apperr.NotFound):
				return err
			}
			if err := s.Store.AddPosting(ctx, &p); err != nil {
				return err
			}
			if err := s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "funds.post", SubjectType: "posting",
				SubjectID: p.Ref, SubjectRegion: p.County, After: p}); err != nil {
				return err
			}
		}
		return nil
	})
}

func withItem(err error, i int) error {
	if e, ok := apperr.As(err); ok {
		return e.WithField(fmt.Sprintf("items[%d]", i))
	}
	return err
}

// PaidByPayroll reports whether a programme's spending comes from the
// monthly payroll (dibao and 特困 support), and so is never posted by hand.
func PaidByPayroll(p Programme) bool { return p == casework.Dibao || p == casework.Tekun }

// PostByHand records one spending of a programme paid outside the
// payroll (medical, temporary, education … assistance), with its reference, and returns the county's account after it:
// the caller warns when the balance has gone below zero. Errors as Post,
// the field named without the items[0] prefix.
func (s *Service) PostByHand(ctx context.Context, by access.Principal, p Posting) (Account, error) {
	if err := by.Require(access.FundsManage); err != nil {
		return Account{}, err
	}
	if prog, err := ParseProgramme(p.Programme); err == nil && PaidByPayroll(prog) {
		return Account{}, apperr.Field("programme", fmt.Sprintf("%s支出由发放名册自动登记，不能手工登记", prog.Zh()),
			fmt.Sprintf("%s spending is posted from the payroll, not by hand", prog))
	}
	p.Source = ByHand
	if err := s.Post(ctx, by, []Posting{p}); err != nil {
		if e, ok := apperr.As(err); ok && strings.HasPrefix(e.Field, "items[0]") {
			c := *e
			c.Field = strings.TrimPrefix(strings.TrimPrefix(e.Field, "items[0]"), ".")
			return Account{}, &c
		}
		return Account{}, err
	}
	c, _ := region.Normalize(p.County)
	return s.Account(ctx, by, c, p.Programme, Posting{Month: p.Month}.Year())
}

// Postings lists spending within by's jurisdiction (or q.Region). Returns
// Invalid, NotFound, Forbidden and Unauthorized.
func (s *Service) Postings(ctx context.Context, by access.Principal, q Query) ([]Posting, error) {
	f, err := s.filter(by, q)
	if err != nil {
		return nil, err
	}
	return s.Store.Postings(ctx, f)
}

// Available is what the county may still spend on programme in year (its
// balance: budgeted + allocated to it − allocated down − spent); budgeted
// is false when the county's account has received nothing for the year
// (no budget and no allocation). It takes no principal: the payroll calls
// it for the county whose payroll is being approved. Returns Invalid.
func (s *Service) Available(ctx context.Context, county, programme string, year int) (money.Money, bool, error) {
	c, err := normCode(county, "county")
	if err != nil {
		return 0, false, err
	}
	prog, err := ParseProgramme(programme)
	if err != nil {
		return 0, false, err
	}
	if err := checkYear(year); err != nil {
		return 0, false, err
	}
	t, err := s.totals(ctx, c, prog, year)
	if err != nil {
		return 0, false, err
	}
	return t.Balance(), t.Funded(), nil
}

// Account returns one account with its burn rate. Returns Invalid,
// NotFound (outside the jurisdiction), Forbidden and Unauthorized.
func (s *Service) Account(ctx context.Context, by access.Principal, code, programme string, year int) (Account, error) {
	if err := by.Require(access.FundsRead); err != nil {
		return Account{}, err
	}
	c, err := s.division(by, code, "region", 0)
	if err != nil {
		return Account{}, err
	}
	prog, err := ParseProgramme(programme)
	if err != nil {
		return Account{}, err
	}
	if err := checkYear(year); err != nil {
		return Account{}, err
	}
	t, err := s.totals(ctx, c, prog, year)
	if err != nil {
		return Account{}, err
	}
	a := burn(t, year, s.now())
	a.Name, a.Level = s.name(c), region.LevelOf(c)
	return a, nil
}

// Balances returns the accounts of a year within by's jurisdiction (or
// q.Region) that have any row, ordered by division code then programme,
// with their burn rate. q.Year is required. Returns Invalid, NotFound,
// Forbidden and Unauthorized.
func (s *Service) Balances(ctx context.Context, by access.Principal, q Query) ([]Account, error) {
	if q.Year == 0 {
		return nil, apperr.Field("year", "请指定年度", "the year is required")
	}
	f, err := s.filter(by, q)
	if err != nil {
		return nil, err
	}
	ts, err := s.Store.Totals(ctx, f)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]Account, 0, len(ts))
	for _, t := range ts {
		a := burn(t, q.Year, now)
		a.Name, a.Level = s.name(t.Region), region.LevelOf(t.Region)
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Region != out[j].Region {
			return out[i].Region < out[j].Region
		}
		return programmeOrder(out[i].Programme) < programmeOrder(out[j].Programme)
	})
	return out, nil
}

func programmeOrder(p Programme) int {
	for i, q := range programmes() {
		if q == p {
			return i
		}
	}
	return 99
}
