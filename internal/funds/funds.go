package funds

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/money"
	"safetynet/internal/region"
)

// Level is the fiscal level a budget comes from (资金来源).
type Level string

// The four levels. Central money reaches the province as transfers, so a
// central budget is held by the province, like the provincial one.
const (
	Central    Level = "central"    // 中央
	Provincial Level = "provincial" // 省级
	Prefecture Level = "prefecture" // 州市级
	CountyLvl  Level = "county"     // 县级
)

// Levels lists the levels from the top.
var Levels = []Level{Central, Provincial, Prefecture, CountyLvl}

var levelNames = map[Level][2]string{
	Central:    {"中央", "Central"},
	Provincial: {"省级", "Provincial"},
	Prefecture: {"州市级", "Prefecture"},
	CountyLvl:  {"县级", "County"},
}

// ParseLevel validates a level; Invalid naming the field "level".
func ParseLevel(s string) (Level, error) {
	l := Level(strings.TrimSpace(s))
	if _, ok := levelNames[l]; !ok {
		return "", apperr.Field("level", fmt.Sprintf("资金级次“%s”无效，应为 central、provincial、prefecture 或 county", s),
			fmt.Sprintf("unknown level %q: central, provincial, prefecture or county", s))
	}
	return l, nil
}

// Zh returns the Chinese name of l.
func (l Level) Zh() string { return levelNames[l][0] }

// En returns the English name of l.
func (l Level) En() string { return levelNames[l][1] }

// Holder returns the division level that holds a budget of level l.
func (l Level) Holder() region.Level {
	switch l {
	case Prefecture:
		return region.Prefecture
	case CountyLvl:
		return region.County
	}
	return region.Province
}

// Programme is one of the "8+1" programmes, named as casework names them.
type Programme = casework.Programme

// ParseProgramme validates a programme name; Invalid naming the field
// "programme".
func ParseProgramme(s string) (Programme, error) {
	return casework.ParseProgramme(strings.TrimSpace(s))
}

// Kind tells an ordinary allocation from the incentive pool's shares.
type Kind string

// The allocation kinds.
const (
	Ordinary  Kind = "ordinary"   // 一般转移支付
	Incentive Kind = "incentive"  // 以奖代补奖励资金
	WorkFunds Kind = "work_funds" // 以奖代补工作经费
)

var kindNames = map[Kind][2]string{
	Ordinary:  {"一般下拨", "Ordinary"},
	Incentive: {"以奖代补奖励资金", "Incentive award"},
	WorkFunds: {"以奖代补工作经费", "Incentive work funds"},
}

// Zh returns the Chinese name of k.
func (k Kind) Zh() string { return kindNames[k][0] }

// Source tells spending from a payroll from spending posted by hand.
type Source string

// The spending sources.
const (
	FromPayroll Source = "payroll"
	ByHand      Source = "manual"
)

// Budget is money a level of government puts into a programme for a
// year, held by a division.
type Budget struct {
	ID          int64
	Year        int
	Programme   Programme
	Level       Level
	Region      string // 12-digit code of the holder: the province, a prefecture or a county
	Amount      money.Money
	DocNo       string // 文号 of the source document
	Description string
	CreatedBy   string
	CreatedAt   time.Time
}

// Allocation is money passed from one division down to another within it.
type Allocation struct {
	ID        int64
	Year      int
	Programme Programme
	From, To  string // 12-digit codes; To lies strictly within From
	Amount    money.Money
	Kind      Kind
	DocNo     string
	Note      string
	PoolID    int64 // the incentive pool it came from, 0 for none
	CreatedBy string
	CreatedAt time.Time
}

// Posting is spending from a county's account: a payroll's payments of a
// programme in a month, or a payment by hand. Ref identifies it: posting
// the same Ref again changes nothing.
type Posting struct {
	Ref       string
	Month     string // YYYY-MM
	County    string // the county (6 or 12 digits on input, stored as 12)
	Programme string // "dibao", "tekun", …
	Amount    money.Money
	Source    Source
	Note      string
	CreatedBy string
	CreatedAt time.Time
}

// Year returns the year of p's month.
func (p Posting) Year() int {
	y, _ := strconv.Atoi(p.Month[:4])
	return y
}

// Totals are the four sums of an account.
type Totals struct {
	Region    string
	Programme Programme
	Budgeted  money.Money
	In, Out   money.Money // allocated to it, allocated from it
	Spent     money.Money
}

// Balance is what the account still holds.
func (t Totals) Balance() money.Money { return t.Budgeted + t.In - t.Out - t.Spent }

// Funded reports whether the account has received any money at all.
func (t Totals) Funded() bool { return t.Budgeted != 0 || t.In != 0 }

// Account is an account's totals with the burn rate.
type Account struct {
	Totals
	Name  string // the division's path, e.g. 云南省 昆明市 五华区
	Level region.Level
	// Elapsed is the number of months of the year gone by (the current
	// month counted: its payroll is posted in it); 12 for a past year.
	Elapsed int
	// Rate is the spending per month so far, Spent / Elapsed, rounded down
	// to the fen; 0 before the year starts.
	Rate money.Money
	// Projected is the year's spending at that rate, Spent × 12 / Elapsed.
	Projected money.Money
	// MonthsLeft is how many months the balance lasts at Rate, in tenths of
	// a month, rounded down; -1 when nothing is spent (no rate to go by).
	MonthsLeft int64
	// Short is true when the projected spending exceeds what the account
	// received for the year (budgeted + in − out).
	Short bool
}

// MonthsLeftString formats MonthsLeft ("7.5", or "—" without a rate).
func (a Account) MonthsLeftString() string {
	if a.MonthsLeft < 0 {
		return "—"
	}
	return fmt.Sprintf("%d.%d", a.MonthsLeft/10, a.MonthsLeft%10)
}

// burn fills in the burn-rate fields of a from its totals, the year and now.
func burn(t Totals, year int, now time.Time) Account {
	a := Account{Totals: t, MonthsLeft: -1}
	now = now.In(shanghai)
	switch {
	case year < now.Year():
		a.Elapsed = 12
	case year == now.Year():
		a.Elapsed = int(now.Month())
	}
	if a.Elapsed > 0 {
		a.Rate = money.Money(int64(t.Spent) / int64(a.Elapsed))
		a.Projected = money.Money(int64(t.Spent) * 12 / int64(a.Elapsed))
	}
	if t.Spent > 0 {
		// tenths of a month: balance × elapsed × 10 / spent, exact in fen.
		b := int64(t.Balance())
		if b < 0 {
			a.MonthsLeft = 0
		} else {
			a.MonthsLeft = b * int64(a.Elapsed) * 10 / int64(t.Spent)
		}
	}
	a.Short = a.Projected > t.Budgeted+t.In-t.Out
	return a
}

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// checkYear validates a budget year.
func checkYear(y int) error {
	if y < 2000 || y > 2100 {
		return apperr.Field("year", fmt.Sprintf("年度 %d 无效", y), fmt.Sprintf("year %d is not valid", y))
	}
	return nil
}

// checkMonth validates a "YYYY-MM" month.
func checkMonth(m, field string) error {
	if len(m) == 7 && m[4] == '-' {
		y, e1 := strconv.Atoi(m[:4])
		mo, e2 := strconv.Atoi(m[5:])
		if e1 == nil && e2 == nil && mo >= 1 && mo <= 12 && y >= 2000 && y <= 2100 {
			return nil
		}
	}
	return apperr.Field(field, fmt.Sprintf("月份“%s”无效，应为 YYYY-MM", m), fmt.Sprintf("month %q is not YYYY-MM", m))
}

// normCode returns the 12-digit form of a division code, Invalid naming
// field.
func normCode(code, field string) (string, error) {
	c, err := region.Normalize(code)
	if err != nil {
		return "", apperr.Field(field, fmt.Sprintf("行政区划代码“%s”无效", code), fmt.Sprintf("division code %q is not valid", code))
	}
	return c, nil
}

// programmes lists the programmes in the order of the Interim Measures.
func programmes() []Programme { return casework.Programmes }
