package payroll

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// Policies serves the policy dataset in force; *policy.Service satisfies it.
type Policies interface {
	Dataset() *policy.Dataset
}

// Divisions serves the division tree; *registry.DivisionService satisfies it.
type Divisions interface {
	Tree() *region.Tree
}

// Faults lets tests stop a run at chosen points, as a crash would.
type Faults struct {
	// Rows is called inside a county's transaction with the rows the run
	// has written so far; an error or a panic aborts the county.
	Rows func(rows int) error
	// Chunk is called after a county's transaction commits, with the
	// counties written so far.
	Chunk func(chunks int) error
}

// Service is the payroll's use cases.
type Service struct {
	Store     Store
	Tx        audit.Transactor
	Audit     *audit.Log
	Policy    Policies
	Divisions Divisions
	// Ledger is the funds ledger; nil when none is wired (no warnings, no
	// spending posted).
	Ledger Ledger
	Now    func() time.Time
	// Workers computing in parallel; 0 means GOMAXPROCS.
	Workers int
	Faults  Faults
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// scope checks month and region for by and returns the region (12 digits;
// by's own jurisdiction when region is "") and the counties under it.
func (s *Service) scope(by access.Principal, month, regionCode string) (string, []string, error) {
	if _, err := ParseMonth(month); err != nil {
		return "", nil, err
	}
	if regionCode == "" {
		regionCode = by.Region
		if regionCode == "" {
			regionCode = policy.DefaultRegion
		}
	}
	code, err := region.Normalize(regionCode)
	if err != nil {
		return "", nil, apperr.Field("region", "区划代码格式错误："+regionCode, "malformed division code: "+regionCode)
	}
	lvl := region.LevelOf(code)
	if lvl != region.Province && lvl != region.Prefecture && lvl != region.County {
		return "", nil, apperr.Field("region", "发放按县（市、区）办理，请选择省、州市或县", "a payroll covers a province, prefecture or county")
	}
	if !by.Covers(code) {
		return "", nil, apperr.New(apperr.Forbidden, "该地区不在您的管辖范围内", "the region is outside your jurisdiction").WithField("region")
	}
	var counties []string
	for _, d := range s.Divisions.Tree().Within(code) {
		if d.Level == region.County {
			counties = append(counties, d.Code)
		}
	}
	if lvl == region.County && len(counties) == 0 {
		counties = []string{code}
	}
	slices.Sort(counties)
	if len(counties) == 0 {
		return "", nil, apperr.Field("region", "该地区下没有县级区划", "no county under this region")
	}
	return code, counties, nil
}

// RunResult says what a run did.
type RunResult struct {
	Month    string
	Region   string
	Counties int // counties of the region
	Computed int // counties computed by this run
	Lines    int // lines written by this run
	Warnings int
	// ReadTime is the time the registry scans took.
	ReadTime time.Duration
	// WriteTime is the time spent storing the lines.
	WriteTime time.Duration
}

// Run computes the month's payroll of a region (the province by default):
// every county not yet computed, each in its own transaction, so that a
// run stopped at any point and started again finishes the same payroll,
// and a second run of a finished month changes nothing. With recompute,
// the draft and checked counties are computed again (a draft can be
// recomputed; an approved month never changes).
//
// Re-issues: a failed or held line of an earlier month that no month has
// re-issued yet is paid again, as a re-issue line referencing it, once the
// household's account differs from the one that failed (corrected in the
// registry), or, for a held line, once it has one.
//
// Returns Invalid for a bad month or region, Forbidden without
// PayrollPrepare or outside the jurisdiction.
func (s *Service) Run(ctx context.Context, by access.Principal, month, regionCode string, recompute bool) (RunResult, error) {
	if err := by.Require(access.PayrollPrepare); err != nil {
		return RunResult{}, err
	}
	code, counties, err := s.scope(by, month, regionCode)
	if err != nil {
		return RunResult{}, err
	}
	res := RunResult{Month: month, Region: code, Counties: len(counties)}
	prefix := region.Prefix(code)
	// A run stopped half-way may have left lines not yet readable.
	if err := s.Store.FinishMonths(ctx); err != nil {
		return res, err
	}
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.ClaimCounties(ctx, month, counties, by.Username, s.now()); err != nil {
			return err
		}
		action := "payroll.run"
		if recompute {
			action = "payroll.recompute"
			if err := s.Store.ResetCounties(ctx, month, counties, by.Username, s.now()); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: action, SubjectType: "payroll",
			SubjectID: month, SubjectRegion: code})
	})
	if err != nil {
		return res, err
	}
	states, err := s.Store.Counties(ctx, month, prefix)
	if err != nil {
		return res, err
	}
	uncomputed := map[string]bool{}
	var order []string
	for _, c := range states {
		if !c.Computed && c.Status == Draft {
			uncomputed[c.County] = true
			order = append(order, c.County)
		}
	}
	if len(order) == 0 {
		return res, nil
	}
	if err := s.Store.BeginMonth(ctx, month, recompute); err != nil {
		return res, err
	}
	t0 := time.Now()
	recips, err := s.Store.Recipients(ctx, month, prefix, uncomputed)
	if err != nil {
		return res, err
	}
	res.ReadTime = time.Since(t0)
	ds := s.Policy.Dataset()
	type result struct {
		lines []Line
		warns []Warning
		err   error
	}
	results := make([]chan result, len(order))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	workers := s.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cache := newCalcCache(ds, month)
			for i := range next {
				lines, warns, err := cache.county(recips[order[i]])
				results[i] <- result{lines, warns, err}
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range order {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	defer wg.Wait()
	// Writers take the counties in order; each writes one county at a
	// time in its own transaction.
	var (
		mu      sync.Mutex
		rows    int // written so far, over every county, for Faults.Rows
		firstEr error
		panicV  any // a panic in a writer, raised again in the caller
	)
	fail := func(err error) {
		mu.Lock()
		if firstEr == nil {
			firstEr = err
		}
		mu.Unlock()
		cancel()
	}
	nextCounty := make(chan int)
	go func() {
		defer close(nextCounty)
		for i := range order {
			select {
			case nextCounty <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var ww sync.WaitGroup
	for range max(1, s.Store.Writers()) {
		ww.Add(1)
		go func() {
			defer ww.Done()
			defer func() {
				if p := recover(); p != nil {
					mu.Lock()
					if panicV == nil {
						panicV = p
					}
					mu.Unlock()
					cancel()
				}
			}()
			for i := range nextCounty {
				county := order[i]
				var r result
				select {
				case r = <-results[i]:
				case <-ctx.Done():
					return
				}
				if r.err != nil {
					fail(r.err)
					return
				}
				if err := s.gradualAmounts(ctx, month, &r.lines, &r.warns); err != nil {
					fail(err)
					return
				}
				unpaid, err := s.Store.Unpaid(ctx, month, county)
				if err != nil {
					fail(err)
					return
				}
				lines := append(r.lines, reissues(month, unpaid)...)
				lines = sortByKey(lines)
				tw := time.Now()
				last := 0
				err = s.Store.WriteCounty(ctx, month, county, lines, warningText(r.warns), func(n int) error {
					mu.Lock()
					rows += n - last
					last = n
					total := rows
					mu.Unlock()
					if s.Faults.Rows != nil {
						return s.Faults.Rows(total)
					}
					return nil
				})
				if err != nil {
					fail(fmt.Errorf("payroll %s county %s: %w", month, county, err))
					return
				}
				mu.Lock()
				res.WriteTime += time.Since(tw)
				res.Computed++
				res.Lines += len(lines)
				res.Warnings += len(r.warns)
				chunks := res.Computed
				mu.Unlock()
				if s.Faults.Chunk != nil {
					if err := s.Faults.Chunk(chunks); err != nil {
						fail(err)
						return
					}
				}
			}
		}()
	}
	ww.Wait()
	if panicV != nil {
		panic(panicV)
	}
	if firstEr != nil {
		return res, firstEr
	}
	tf := time.Now()
	err = s.Store.FinishMonths(ctx)
	res.WriteTime += time.Since(tf)
	return res, err
}

// gradualAmounts fills in the 渐退 lines' amounts: each household's last
// regular dibao payment, looked up month by month back (a gradual line
// keeps the amount of the one before). A household with none is dropped
// with a warning.
func (s *Service) gradualAmounts(ctx context.Context, month string, lines *[]Line, warns *[]Warning) error {
	out := (*lines)[:0]
	for _, l := range *lines {
		if l.Reason != GradualExit || l.Amount != 0 {
			out = append(out, l)
			continue
		}
		m := month
		for range 37 {
			m = prevMonth(m)
			prev, err := s.Store.Line(ctx, l.County, regularKey(m, Dibao, l.HouseholdID, 0))
			if apperr.Is(err, apperr.NotFound) {
				continue
			}
			if err != nil {
				return err
			}
			l.Amount = prev.Amount
			break
		}
		if l.Amount <= 0 {
			*warns = append(*warns, Warning{l.HouseholdID, 0, Dibao, "渐退期内但没有此前的发放记录，本月不发放，请复核"})
			continue
		}
		out = append(out, l)
	}
	*lines = out
	return nil
}

// prevMonth returns the month before month (YYYY-MM).
func prevMonth(month string) string {
	t, _ := time.Parse("2006-01", month)
	return t.AddDate(0, -1, 0).Format("2006-01")
}

// reissues turns the unpaid lines whose account has been corrected into
// re-issue lines of month.
func reissues(month string, unpaid []Unpaid) []Line {
	var out []Line
	for _, u := range unpaid {
		if u.Now.Account == "" {
			continue
		}
		if u.Status == Failed && u.Now.Account == u.Account && (u.Now.Holder == "" || u.Now.Holder == u.Name) {
			continue // not corrected yet
		}
		l := u.Line
		l.Key = MonthKey(month) + "R" + u.Key
		l.Month = month
		l.Kind = Reissue
		l.Ref = u.Key
		l.Reason = "退回重发：" + u.FailCode
		l.Bank, l.Account = u.Now.Bank, u.Now.Account
		if u.Now.Holder != "" {
			l.Name = u.Now.Holder
		}
		l.Status, l.FailCode = Pending, ""
		out = append(out, l)
	}
	return out
}

// warningText keeps the first 50 warnings and counts the rest.
func warningText(ws []Warning) string {
	var b strings.Builder
	for i, w := range ws {
		if i == 50 {
			fmt.Fprintf(&b, "……另有 %d 条\n", len(ws)-50)
			break
		}
		b.WriteString(w.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// calcCache resolves each village's policy once and memoises the amounts
// that depend only on the version and a few inputs (tier × persons, 特困
// tier and setting), so that province-scale runs call the calculators
// only for the gap method.
type calcCache struct {
	ds       *policy.Dataset
	month    string
	versions map[string]*policy.Version // by village
	distinct map[string]*policy.Version // by region and effective date
	memo     *memo
}

func newCalcCache(ds *policy.Dataset, month string) *calcCache {
	return &calcCache{ds: ds, month: month, versions: map[string]*policy.Version{},
		distinct: map[string]*policy.Version{}, memo: newMemo()}
}

// version returns the version in force for a village on the first of the
// month, one pointer per distinct version (the memo's key).
func (c *calcCache) version(village string) (*policy.Version, error) {
	if v, ok := c.versions[village]; ok {
		return v, nil
	}
	v, err := c.ds.Resolve(village, c.month+"-01")
	if err != nil {
		return nil, err
	}
	key := v.Region + "@" + v.Effective
	p, ok := c.distinct[key]
	if !ok {
		p = &v
		c.distinct[key] = p
	}
	c.versions[village] = p
	return p, nil
}

func (c *calcCache) county(rs []*Recipient) ([]Line, []Warning, error) {
	// About one line a household, a few more for 特困 persons: appended
	// in place, in one array.
	lines := make([]Line, 0, len(rs)+len(rs)/16+16)
	var warns []Warning
	for _, r := range rs {
		v, err := c.version(r.Village)
		if err != nil {
			warns = append(warns, Warning{HouseholdID: r.HouseholdID, Programme: "-", Msg: "没有适用的政策参数：" + err.Error()})
			continue
		}
		var w []Warning
		lines, w = compute(lines, r, c.month, v, c.memo)
		warns = append(warns, w...)
	}
	return lines, warns, nil
}

// sortByKey orders lines by key. Lines are large: when they are not in
// order already, their positions are sorted and the lines copied once.
func sortByKey(lines []Line) []Line {
	if slices.IsSortedFunc(lines, func(a, b Line) int { return strings.Compare(a.Key, b.Key) }) {
		return lines
	}
	idx := make([]int32, len(lines))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int { return strings.Compare(lines[a].Key, lines[b].Key) })
	out := make([]Line, len(lines))
	for i, j := range idx {
		out[i] = lines[j]
	}
	return out
}

// inScope returns the county months of month within region that by covers.
func (s *Service) inScope(ctx context.Context, by access.Principal, month, code string) ([]County, error) {
	all, err := s.Store.Counties(ctx, month, region.Prefix(code))
	if err != nil {
		return nil, err
	}
	var out []County
	for _, c := range all {
		if by.Covers(c.County) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, apperr.New(apperr.NotFound, month+" 没有该地区的发放名册，请先生成", "no payroll for "+month+" in this region: run it first")
	}
	return out, nil
}

// CheckResult is what Check and Approve found.
type CheckResult struct {
	Counties []County
	Warnings []string
}

// Check checks the computed drafts of a region's month and marks them
// checked: it warns (without failing) where a county's payroll exceeds
// what the funds ledger says is available for the programme this year,
// where no budget is set, where lines have no bank account, and repeats
// the computation's warnings. Returns Conflict when a county is not yet
// computed; Forbidden without PayrollPrepare.
func (s *Service) Check(ctx context.Context, by access.Principal, month, regionCode string) (CheckResult, error) {
	return s.advance(ctx, by, access.PayrollPrepare, month, regionCode, []Status{Draft, Checked}, Checked, "payroll.check")
}

// Approve approves the checked months of the counties of a region that by
// may approve (a county approver their county; the province all), posts
// their spending to the funds ledger in the same transaction (per county
// and programme: every line but the re-issues, whose spending was posted
// with the month they failed in), and warns as Check does. Returns Conflict when a county is not checked; Forbidden
// without PayrollApprove.
func (s *Service) Approve(ctx context.Context, by access.Principal, month, regionCode string) (CheckResult, error) {
	return s.advance(ctx, by, access.PayrollApprove, month, regionCode, []Status{Checked}, Approved, "payroll.approve")
}

func (s *Service) advance(ctx context.Context, by access.Principal, perm access.Permission, month, regionCode string,
	from []Status, to Status, action string) (CheckResult, error) {
	var res CheckResult
	if err := by.Require(perm); err != nil {
		return res, err
	}
	code, _, err := s.scope(by, month, regionCode)
	if err != nil {
		return res, err
	}
	counties, err := s.inScope(ctx, by, month, code)
	if err != nil {
		return res, err
	}
	for _, c := range counties {
		if to == Approved && c.Status == Approved {
			continue
		}
		if !slices.Contains(from, c.Status) || !c.Computed {
			return res, apperr.New(apperr.Conflict,
				fmt.Sprintf("%s %s 的发放名册状态为「%s」，不能%s", c.County[:6], month, c.Status.Zh(), actionZh[action]),
				fmt.Sprintf("payroll %s of county %s is %s (computed %v): cannot %s", month, c.County[:6], c.Status, c.Computed, action))
		}
	}
	byCounty := map[string]map[string]money.Money{}
	noAcct := map[string]int{}
	for _, c := range counties {
		byCounty[c.County] = map[string]money.Money{}
		for _, t := range c.Breakdown {
			// A re-issue pays spending posted with the month it failed in.
			if t.Kind != Reissue {
				byCounty[c.County][t.Programme] += t.Amount
			}
			noAcct[c.County] += t.NoAccount
		}
	}
	year, _ := strconv.Atoi(month[:4])
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		res.Warnings = res.Warnings[:0]
		res.Counties = res.Counties[:0]
		for _, c := range counties {
			if to == Approved && c.Status == Approved {
				continue
			}
			var warns []string
			progs := byCounty[c.County]
			var spend []Spending
			for _, p := range []string{Dibao, Tekun} {
				amt, ok := progs[p]
				if !ok {
					continue
				}
				spend = append(spend, Spending{Ref: spendingRef(month, c.County, p), Month: month, County: c.County[:6], Programme: p, Amount: amt})
				if s.Ledger == nil {
					continue
				}
				avail, budgeted, err := s.Ledger.Available(ctx, c.County[:6], p, year)
				if err != nil {
					return err
				}
				switch {
				case !budgeted:
					warns = append(warns, fmt.Sprintf("%s %s：%d 年未设预算", c.County[:6], p, year))
				case amt > avail:
					warns = append(warns, fmt.Sprintf("%s %s：本月发放 %s 元超过可用资金 %s 元", c.County[:6], p, amt, avail))
				}
			}
			if n := noAcct[c.County]; n > 0 {
				warns = append(warns, fmt.Sprintf("%s：%d 笔没有银行账户，导出时暂缓发放", c.County[:6], n))
			}
			text := strings.Join(warns, "\n")
			if c.Warnings != "" && to == Checked {
				text = strings.TrimSpace(text + "\n" + c.Warnings)
			}
			if err := s.Store.SetStatus(ctx, month, c.County, from, to, &text, by.Username, s.now()); err != nil {
				return err
			}
			if to == Approved && s.Ledger != nil && len(spend) > 0 {
				if err := s.Ledger.Post(ctx, by, spend); err != nil {
					return err
				}
			}
			if err := s.Audit.Record(ctx, by.Actor(), audit.Event{Action: action, SubjectType: "payroll",
				SubjectID: month + "/" + c.County[:6], SubjectRegion: c.County,
				Before: map[string]string{"status": string(c.Status)}, After: map[string]any{"status": to, "total": c.Total.String(), "lines": c.Lines}}); err != nil {
				return err
			}
			c.Status, c.Warnings = to, text
			res.Counties = append(res.Counties, c)
			res.Warnings = append(res.Warnings, warns...)
		}
		return nil
	})
	return res, err
}

var actionZh = map[string]string{"payroll.check": "核对", "payroll.approve": "审批", "payroll.export": "导出", "payroll.reconcile": "对账"}

// Reconcile closes the exported months of a region's counties once the
// bank's returns are in: exported → reconciled. It returns the summary.
// Returns Conflict for a county not exported; Forbidden without
// PayrollPrepare.
func (s *Service) Reconcile(ctx context.Context, by access.Principal, month, regionCode string) (Summary, error) {
	if err := by.Require(access.PayrollPrepare); err != nil {
		return Summary{}, err
	}
	code, _, err := s.scope(by, month, regionCode)
	if err != nil {
		return Summary{}, err
	}
	counties, err := s.inScope(ctx, by, month, code)
	if err != nil {
		return Summary{}, err
	}
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		for _, c := range counties {
			if c.Status == Reconciled {
				continue
			}
			if c.Status != Exported {
				return apperr.New(apperr.Conflict, fmt.Sprintf("%s %s 尚未导出，不能对账", c.County[:6], month),
					fmt.Sprintf("payroll %s of county %s is %s: export it first", month, c.County[:6], c.Status))
			}
			if err := s.Store.SetStatus(ctx, month, c.County, []Status{Exported}, Reconciled, nil, by.Username, s.now()); err != nil {
				return err
			}
			if err := s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "payroll.reconcile", SubjectType: "payroll",
				SubjectID: month + "/" + c.County[:6], SubjectRegion: c.County}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Summary{}, err
	}
	return s.Summary(ctx, by, month, code)
}

// AdjustInput is a correction of an earlier month paid in a later one.
type AdjustInput struct {
	Month       string // the month whose payroll carries the adjustment
	HouseholdID int64
	PersonID    int64 // the 特困 person, 0 for a household's dibao
	Programme   string
	Amount      money.Money // paid in addition; > 0
	Reason      string      // required
	Ref         string      // optional: the line corrected
}

// Adjust adds an adjustment line (补发) to a month whose county payroll is
// still a draft or checked (a checked one returns to draft): approved
// months never change, so corrections of them are paid this way in a later
// month. Returns Invalid naming the field, NotFound for an unknown
// household or one outside by's jurisdiction, Conflict when the county's
// month is approved or not yet started, Forbidden without PayrollPrepare.
func (s *Service) Adjust(ctx context.Context, by access.Principal, in AdjustInput) (Line, error) {
	if err := by.Require(access.PayrollPrepare); err != nil {
		return Line{}, err
	}
	if _, err := ParseMonth(in.Month); err != nil {
		return Line{}, err
	}
	if in.Programme != Dibao && in.Programme != Tekun {
		return Line{}, apperr.Field("programme", "项目须为 dibao 或 tekun", "programme must be dibao or tekun")
	}
	if in.Amount <= 0 {
		return Line{}, apperr.Field("amount", "补发金额须大于 0", "the amount must be above zero")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" {
		return Line{}, apperr.Field("reason", "须填写调整原因", "a reason is required")
	}
	p, err := s.Store.Payee(ctx, in.HouseholdID)
	if apperr.Is(err, apperr.NotFound) || (err == nil && !by.Covers(p.Village)) {
		return Line{}, apperr.New(apperr.NotFound, "未找到该家庭", "household not found").WithField("household_id")
	}
	if err != nil {
		return Line{}, err
	}
	var b [6]byte
	rand.Read(b[:])
	name := p.Bank.Holder
	if name == "" && len(p.Members) > 0 {
		name = p.Members[0].Name
	}
	l := Line{County: p.County, Key: MonthKey(in.Month) + "A" + strconv.FormatInt(in.HouseholdID, 10) + "-" + hex.EncodeToString(b[:]),
		Month: in.Month, Village: p.Village, Programme: in.Programme, Kind: Adjustment, HouseholdID: in.HouseholdID,
		PersonID: in.PersonID, Persons: 1, Amount: in.Amount, Name: name, Bank: p.Bank.Bank, Account: p.Bank.Account,
		Ref: in.Ref, Reason: in.Reason, Status: Pending}
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		cs, err := s.Store.Counties(ctx, in.Month, p.County)
		if err != nil {
			return err
		}
		if len(cs) == 0 || (cs[0].Status != Draft && cs[0].Status != Checked) {
			return apperr.New(apperr.Conflict, "该县本月发放名册未生成或已审批，请在之后月份的名册中调整",
				"this county's payroll for the month is not started or already approved: adjust in a later month").WithField("month")
		}
		if cs[0].Status == Checked {
			if err := s.Store.SetStatus(ctx, in.Month, p.County, []Status{Checked}, Draft, nil, by.Username, s.now()); err != nil {
				return err
			}
		}
		if err := s.Store.AddLine(ctx, l); err != nil {
			return err
		}
		return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "payroll.adjust", SubjectType: "payroll_line",
			SubjectID: l.Key, SubjectRegion: p.Village, After: map[string]string{"amount": l.Amount.String(), "reason": l.Reason, "ref": l.Ref}})
	})
	return l, err
}

// Summary is a month's payroll within a jurisdiction: its counties and
// the totals by county, programme, kind, tier and line state.
type Summary struct {
	Month    string
	Region   string
	Status   Status // the earliest state of its counties
	Counties []County
	Totals   []Total
	// Payroll is the sum of every line; Exported what the bank files
	// carry; Held the lines without an account; Failed what the bank
	// returned; Reissued the re-issue lines of this month; Paid =
	// Exported − Failed.
	Lines                                           int
	Payroll, Exported, Held, Failed, Reissued, Paid money.Money
}

// Summary returns a month's payroll within a region. Returns NotFound
// when there is none; Forbidden without PayrollRead.
func (s *Service) Summary(ctx context.Context, by access.Principal, month, regionCode string) (Summary, error) {
	if err := by.Require(access.PayrollRead); err != nil {
		return Summary{}, err
	}
	code, _, err := s.scope(by, month, regionCode)
	if err != nil {
		return Summary{}, err
	}
	counties, err := s.inScope(ctx, by, month, code)
	if err != nil {
		return Summary{}, err
	}
	totals, err := s.Store.Totals(ctx, month, region.Prefix(code))
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{Month: month, Region: code, Status: Reconciled, Counties: counties}
	for _, c := range counties {
		if c.Status.Before(sum.Status) {
			sum.Status = c.Status
		}
	}
	for _, t := range totals {
		if !by.Covers(t.County) {
			continue
		}
		sum.Totals = append(sum.Totals, t)
		sum.Lines += t.Lines
		sum.Payroll += t.Amount
		switch t.Status {
		case Sent:
			sum.Exported += t.Amount
		case Failed:
			sum.Exported += t.Amount
			sum.Failed += t.Amount
		case Held:
			sum.Held += t.Amount
		}
		if t.Kind == Reissue {
			sum.Reissued += t.Amount
		}
	}
	sum.Paid = sum.Exported - sum.Failed
	return sum, nil
}

// Months lists the payroll months within by's jurisdiction, newest first.
func (s *Service) Months(ctx context.Context, by access.Principal) ([]MonthSummary, error) {
	if err := by.Require(access.PayrollRead); err != nil {
		return nil, err
	}
	return s.Store.Months(ctx, by.Prefix())
}
