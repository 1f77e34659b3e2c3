package funds

import (
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
)

// The incentive pool (以奖代补). RULES.md's header: the province sets aside
// 10 % of its own dibao budget as incentive funds, and 10 % of those as
// work funds for localities. RULES.md §7.4 marks the rule [U] (not found
// in any source), so both shares are parameters: the defaults below, and
// the values used are stored with each committed pool (Pool.Params). The
// formula is documented in docs/incentive.md.

// Default parameters of the pool, all [U] (RULES.md §7.4).
var (
	DefaultPoolShare = money.Ratio{Num: 1, Den: 10} // of the provincial dibao budget [U]
	DefaultWorkShare = money.Ratio{Num: 1, Den: 10} // of the pool, as work funds [U]
)

// The grades of 民发〔2016〕242号 (100-point scale): ≥90 优秀, 80–<90 良好,
// 60–<80 合格, <60 不合格. Scores are kept in tenths of a point.
const (
	DefaultPass      = 600 // 合格 from 60.0
	DefaultGood      = 800 // 良好 from 80.0
	DefaultExcellent = 900 // 优秀 from 90.0
)

// DefaultFactors are the score factors in percent for 优秀, 良好 and 合格
// (不合格 gets nothing). Chosen defaults, not policy found in a source.
var DefaultFactors = [3]int64{120, 100, 80}

// Score is a county's performance score of a year (entered by hand) and,
// optionally, its caseload as entered in place of the registry's count.
type Score struct {
	Year      int
	County    string // 12 digits
	Tenths    int    // 0–1000: the score × 10
	Caseload  int64  // entered caseload; -1 when the registry's count applies
	Note      string
	UpdatedBy string
	UpdatedAt time.Time
}

// String formats the score ("85.5").
func (s Score) String() string { return FormatScore(s.Tenths) }

// FormatScore formats tenths of a point ("85.5", "90").
func FormatScore(tenths int) string {
	if tenths%10 == 0 {
		return strconv.Itoa(tenths / 10)
	}
	return fmt.Sprintf("%d.%d", tenths/10, tenths%10)
}

// ParseScore reads a score of 0–100 with at most one decimal; Invalid
// naming field.
func ParseScore(s, field string) (int, error) {
	s = strings.TrimSpace(s)
	whole, frac, dot := strings.Cut(s, ".")
	bad := apperr.Field(field, fmt.Sprintf("绩效评分“%s”无效，应为 0–100 的数，最多一位小数", s),
		fmt.Sprintf("score %q is not a number from 0 to 100 with at most one decimal", s))
	if whole == "" || len(frac) > 1 || (dot && frac == "") {
		return 0, bad
	}
	w, err := strconv.Atoi(whole)
	if err != nil || w < 0 || strings.HasPrefix(whole, "+") {
		return 0, bad
	}
	f := 0
	if frac != "" {
		if frac[0] < '0' || frac[0] > '9' {
			return 0, bad
		}
		f = int(frac[0] - '0')
	}
	t := w*10 + f
	if t > 1000 {
		return 0, bad
	}
	return t, nil
}

// PoolParams are the parameters of one computation of the pool.
type PoolParams struct {
	PoolShare money.Ratio // of the provincial dibao budget
	WorkShare money.Ratio // of the pool
	// Pass, Good, Excellent are the grade thresholds in tenths of a point.
	Pass, Good, Excellent int
	// Factors are the score factors in percent for 优秀, 良好, 合格.
	Factors [3]int64
	// AsOf is the day the registry's caseload is counted on (YYYY-MM-DD).
	AsOf string
}

// Defaults fills in the zero fields of p.
func (p PoolParams) Defaults() PoolParams {
	if !p.PoolShare.Valid() {
		p.PoolShare = DefaultPoolShare
	}
	if !p.WorkShare.Valid() {
		p.WorkShare = DefaultWorkShare
	}
	if p.Pass == 0 {
		p.Pass = DefaultPass
	}
	if p.Good == 0 {
		p.Good = DefaultGood
	}
	if p.Excellent == 0 {
		p.Excellent = DefaultExcellent
	}
	if p.Factors == [3]int64{} {
		p.Factors = DefaultFactors
	}
	return p
}

// Validate checks the parameters; Invalid naming the field.
func (p PoolParams) Validate() error {
	share := func(r money.Ratio, field string) error {
		if !r.Valid() || r.Num < 0 || r.Num > r.Den {
			return apperr.Field(field, "比例应在 0 与 1 之间", "the share must lie between 0 and 1")
		}
		return nil
	}
	if err := share(p.PoolShare, "pool_share"); err != nil {
		return err
	}
	if err := share(p.WorkShare, "work_share"); err != nil {
		return err
	}
	if !(0 < p.Pass && p.Pass <= p.Good && p.Good <= p.Excellent && p.Excellent <= 1000) {
		return apperr.Field("thresholds", "等次分数线应满足 0 < 合格 ≤ 良好 ≤ 优秀 ≤ 100", "the grade thresholds must satisfy 0 < pass ≤ good ≤ excellent ≤ 100")
	}
	for i, f := range p.Factors {
		if f < 0 || f > 1000 {
			return apperr.Field(fmt.Sprintf("factors[%d]", i), "系数应在 0–1000（百分数）之间", "a factor is a percentage from 0 to 1000")
		}
	}
	if p.AsOf != "" {
		if _, err := time.Parse("2006-01-02", p.AsOf); err != nil {
			return apperr.Field("as_of", "统计日期应为 YYYY-MM-DD", "as_of must be YYYY-MM-DD")
		}
	}
	return nil
}

// Grade is a score's grade.
type Grade string

// The grades.
const (
	Excellent Grade = "excellent" // 优秀
	Good      Grade = "good"      // 良好
	Pass      Grade = "pass"      // 合格
	Fail      Grade = "fail"      // 不合格
	NoScore   Grade = "none"      // 未评分
)

var gradeNames = map[Grade][2]string{Excellent: {"优秀", "Excellent"}, Good: {"良好", "Good"}, Pass: {"合格", "Pass"},
	Fail: {"不合格", "Fail"}, NoScore: {"未评分", "Not scored"}}

// Zh returns the Chinese name of g.
func (g Grade) Zh() string { return gradeNames[g][0] }

// GradeOf returns the grade of a score in tenths (-1: not scored) and its
// factor in percent.
func (p PoolParams) GradeOf(tenths int) (Grade, int64) {
	switch {
	case tenths < 0:
		return NoScore, 0
	case tenths >= p.Excellent:
		return Excellent, p.Factors[0]
	case tenths >= p.Good:
		return Good, p.Factors[1]
	case tenths >= p.Pass:
		return Pass, p.Factors[2]
	}
	return Fail, 0
}

// PoolInput is one county's input to the formula.
type PoolInput struct {
	County   string
	Name     string
	Score    int // tenths; -1 when not scored
	Caseload int64
	// CaseloadSource is "registry" or "entered".
	CaseloadSource string
}

// PoolRow is one county's line of the result, with every input of the
// formula kept.
type PoolRow struct {
	PoolInput
	Grade     Grade
	Factor    int64 // percent
	Weight    int64 // Factor × Caseload: the county's claim on the award
	Award     money.Money
	WorkFunds money.Money
}

// Total is the county's award plus its work funds.
func (r PoolRow) Total() money.Money { return r.Award + r.WorkFunds }

// Pool is one computation of a year's incentive pool; committed, it is
// stored with the allocations it made.
type Pool struct {
	ID        int64
	Year      int
	Province  string
	Params    PoolParams
	Base      money.Money // the provincial dibao budget of the year
	Total     money.Money // Base × PoolShare, rounded down to the fen
	WorkFunds money.Money // Total × WorkShare, rounded down
	Awards    money.Money // Total − WorkFunds
	Rows      []PoolRow   // by county code
	CreatedBy string
	CreatedAt time.Time
}

// ComputePool applies the formula of docs/incentive.md: the pool is
// base × PoolShare, the work funds pool × WorkShare (both rounded down to
// the fen), the awards the rest. Awards go to the counties graded 合格 or
// better in proportion to factor × caseload; work funds to every county
// with a caseload in proportion to it; each part split to the fen by the
// largest-remainder method, so the parts sum exactly. Returns Invalid for
// bad parameters and Conflict when no county qualifies for the awards.
func ComputePool(base money.Money, p PoolParams, in []PoolInput) ([]PoolRow, money.Money, money.Money, error) {
	if err := p.Validate(); err != nil {
		return nil, 0, 0, err
	}
	total := base.Mul(p.PoolShare, money.FenDown)
	work := total.Mul(p.WorkShare, money.FenDown)
	awards := total - work
	rows := make([]PoolRow, len(in))
	sorted := append([]PoolInput(nil), in...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].County < sorted[j].County })
	aw := make([]int64, len(rows))
	ww := make([]int64, len(rows))
	var sumA, sumW int64
	for i, c := range sorted {
		g, f := p.GradeOf(c.Score)
		rows[i] = PoolRow{PoolInput: c, Grade: g, Factor: f, Weight: f * c.Caseload}
		aw[i], ww[i] = rows[i].Weight, c.Caseload
		sumA += aw[i]
		sumW += ww[i]
	}
	if awards > 0 && sumA == 0 {
		return nil, 0, 0, apperr.New(apperr.Conflict, "没有评为合格及以上且有保障对象的县，奖励资金无法分配",
			"no county graded pass or better has a caseload: the awards cannot be allocated")
	}
	if work > 0 && sumW == 0 {
		return nil, 0, 0, apperr.New(apperr.Conflict, "各县均无保障对象，工作经费无法分配", "no county has a caseload: the work funds cannot be allocated")
	}
	for i, m := range Distribute(awards, aw) {
		rows[i].Award = m
	}
	for i, m := range Distribute(work, ww) {
		rows[i].WorkFunds = m
	}
	return rows, total, work, nil
}

// Distribute splits total (≥ 0) in proportion to weights (≥ 0, not all
// zero unless total is 0) to the fen by the largest-remainder (Hamilton)
// method: each part is first rounded down, then the fen left over go one
// each to the parts with the largest remainders, ties to the earlier part.
// The parts sum exactly to total. Arithmetic is exact (big integers).
func Distribute(total money.Money, weights []int64) []money.Money {
	out := make([]money.Money, len(weights))
	sum := new(big.Int)
	for _, w := range weights {
		sum.Add(sum, big.NewInt(w))
	}
	if sum.Sign() == 0 || total == 0 {
		return out
	}
	type rem struct {
		i int
		r *big.Int
	}
	rems := make([]rem, 0, len(weights))
	left := int64(total)
	T := big.NewInt(int64(total))
	for i, w := range weights {
		num := new(big.Int).Mul(T, big.NewInt(w))
		q, r := new(big.Int).QuoRem(num, sum, new(big.Int))
		out[i] = money.Money(q.Int64())
		left -= q.Int64()
		if w > 0 {
			rems = append(rems, rem{i, r})
		}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r.Cmp(rems[b].r) > 0 })
	for k := 0; left > 0; k++ {
		out[rems[k].i]++
		left--
	}
	return out
}
