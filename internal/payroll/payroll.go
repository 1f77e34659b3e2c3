package payroll

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/money"
)

// Status is the state of a county's monthly payroll.
type Status string

// The states, in order.
const (
	Draft      Status = "draft"
	Checked    Status = "checked"
	Approved   Status = "approved"
	Exported   Status = "exported"
	Reconciled Status = "reconciled"
)

var statusOrder = map[Status]int{Draft: 0, Checked: 1, Approved: 2, Exported: 3, Reconciled: 4}

var statusZh = map[Status]string{Draft: "草稿", Checked: "已核对", Approved: "已审批", Exported: "已导出", Reconciled: "已对账"}

// Zh returns the Chinese name of the status.
func (s Status) Zh() string { return statusZh[s] }

// Before reports whether s comes before t in the workflow.
func (s Status) Before(t Status) bool { return statusOrder[s] < statusOrder[t] }

// Programmes paid by the payroll.
const (
	Dibao = "dibao"
	Tekun = "tekun"
)

// Kinds of line.
const (
	Regular    = "regular"    // computed from the registry and the policy
	Reissue    = "reissue"    // a failed or held payment paid again
	Adjustment = "adjustment" // a correction of an earlier month, by hand
)

// Line states.
const (
	Pending = "pending"  // not yet exported
	Sent    = "exported" // in a bank file
	Held    = "held"     // not exported: the household has no bank account
	Failed  = "failed"   // returned by the bank
)

// Line is one payment of a payroll.
type Line struct {
	County      string // 12-digit county code
	Key         string // unique: month, kind letter, household/person/line
	Month       string // YYYY-MM
	Village     string
	Programme   string // Dibao or Tekun
	Kind        string // Regular, Reissue or Adjustment
	HouseholdID int64
	PersonID    int64 // the 特困 person; 0 for a household's dibao
	Persons     int   // persons covered
	Tier        string
	Amount      money.Money
	Name        string // payee: the account holder, else the head or the person
	Bank        string
	Account     string
	Ref         string // the line re-issued or corrected
	Reason      string
	Status      string
	FailCode    string
}

// County is a county's monthly payroll.
type County struct {
	Month    string
	County   string
	Status   Status
	Computed bool
	Lines    int
	Total    money.Money
	Warnings string // what the last computation or check found, one per line
	// Breakdown is the totals by programme, kind and tier.
	Breakdown []Total
	UpdatedBy string
	UpdatedAt time.Time
}

// MonthKey is the key prefix of a month's lines: "2025-07" → "202507".
func MonthKey(month string) string { return month[:4] + month[5:7] }

// KeyRange is the half-open range of the keys of a month's lines.
func KeyRange(month string) (lo, hi string) { k := MonthKey(month); return k, k + "~" }

// regularKey is the key of a computed line.
func regularKey(month, programme string, householdID, personID int64) string {
	if programme == Tekun {
		return MonthKey(month) + "T" + strconv.FormatInt(personID, 10)
	}
	return MonthKey(month) + "D" + strconv.FormatInt(householdID, 10)
}

// ParseMonth checks a month written YYYY-MM and returns its first day.
func ParseMonth(month string) (time.Time, error) {
	t, err := time.Parse("2006-01", month)
	if err != nil || len(month) != 7 {
		return time.Time{}, apperr.Field("month", "月份须为 YYYY-MM："+month, "month must be YYYY-MM: "+month)
	}
	return t, nil
}

// nextMonth returns the month after month (YYYY-MM).
func nextMonth(month string) string {
	t, _ := time.Parse("2006-01", month)
	return t.AddDate(0, 1, 0).Format("2006-01")
}

// Spending is what an approved payroll spends, posted to the funds ledger.
type Spending struct {
	Ref, Month, County, Programme string // Ref unique per payroll+county+programme; Month "YYYY-MM"; County 6 digits; Programme "dibao" | "tekun"
	Amount                        money.Money
}

// Ledger is the funds ledger the payroll spends from.
type Ledger interface {
	// Available is what the county may still spend on programme in year; budgeted false when no budget is set.
	Available(ctx context.Context, county, programme string, year int) (avail money.Money, budgeted bool, err error)
	// Post records spending; posting the same Ref again changes nothing.
	Post(ctx context.Context, by access.Principal, items []Spending) error
}

// spendingRef is the reference of a county's spending on a programme in a
// month: each county's month is approved once.
func spendingRef(month, county, programme string) string {
	return fmt.Sprintf("payroll-%s-%s-%s", month, county[:6], programme)
}
