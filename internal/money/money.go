// Package money holds amounts as int64 fen (分) and exact ratios, so that
// no benefit is ever computed in floating point. Rounding is a policy
// parameter: each rule says how, and this package is the one place that
// knows how to do it.
package money

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Money is an amount in fen (1 yuan = 100 fen).
type Money int64

// Yuan returns y whole yuan.
func Yuan(y int64) Money { return Money(y * 100) }

// Fen returns the amount as int64 fen.
func (m Money) Fen() int64 { return int64(m) }

// String formats m as yuan with two decimals: "1640.00", "-0.05".
func (m Money) String() string {
	neg := m < 0
	v := int64(m)
	if neg {
		v = -v
	}
	s := fmt.Sprintf("%d.%02d", v/100, v%100)
	if neg {
		s = "-" + s
	}
	return s
}

// ErrSyntax is returned by Parse for text that is not an amount of yuan.
var ErrSyntax = errors.New("money: not an amount of yuan with at most two decimals")

// Parse reads an amount of yuan with up to two decimals ("1640", "1640.5",
// "-3.05"). It rejects more decimals rather than round silently.
func Parse(s string) (Money, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ErrSyntax
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && (!hasDot || frac == "") {
		return 0, ErrSyntax
	}
	if len(frac) > 2 || (hasDot && frac == "") {
		return 0, ErrSyntax
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, ErrSyntax
			}
		}
	}
	var w int64
	if whole != "" {
		var err error
		w, err = strconv.ParseInt(whole, 10, 64)
		if err != nil || w > (1<<62)/100 {
			return 0, ErrSyntax
		}
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := w*100 + f
	if neg {
		v = -v
	}
	return Money(v), nil
}

// MustParse is Parse for constants in code and tests; it panics on error.
func MustParse(s string) Money {
	m, err := Parse(s)
	if err != nil {
		panic(fmt.Sprintf("money.MustParse(%q): %v", s, err))
	}
	return m
}

// Rounding names how an exact amount becomes fen or whole yuan. It is
// stored in policy data as text.
type Rounding string

const (
	FenHalfUp  Rounding = "fen_half_up"  // to the fen, halves away from zero (default)
	FenUp      Rounding = "fen_up"       // to the fen, away from zero
	FenDown    Rounding = "fen_down"     // to the fen, toward zero
	YuanUp     Rounding = "yuan_up"      // to whole yuan, up (Yunnan: 946.4 → 947)
	YuanHalfUp Rounding = "yuan_half_up" // to whole yuan, halves up (835 × 50% = 417.5 → 418)
	YuanDown   Rounding = "yuan_down"    // to whole yuan, down
	JiaoHalfUp Rounding = "jiao_half_up" // to the jiao (0.1 yuan), halves up
)

// Valid reports whether r is a known rounding rule.
func (r Rounding) Valid() bool {
	switch r {
	case FenHalfUp, FenUp, FenDown, YuanUp, YuanHalfUp, YuanDown, JiaoHalfUp:
		return true
	}
	return false
}

// unit returns the size of the rounding step in fen and its mode.
func (r Rounding) unit() (int64, byte) {
	switch r {
	case FenUp:
		return 1, 'u'
	case FenDown:
		return 1, 'd'
	case YuanUp:
		return 100, 'u'
	case YuanHalfUp:
		return 100, 'h'
	case YuanDown:
		return 100, 'd'
	case JiaoHalfUp:
		return 10, 'h'
	default:
		return 1, 'h'
	}
}

// roundRat rounds the exact value num/den fen to a multiple of the rule's
// unit. Negative values round symmetrically (away from / toward zero).
func roundRat(num, den *big.Int, r Rounding) Money {
	unit, mode := r.unit()
	n := new(big.Int).Set(num)
	d := new(big.Int).Mul(den, big.NewInt(unit))
	if d.Sign() < 0 {
		n.Neg(n)
		d.Neg(d)
	}
	neg := n.Sign() < 0
	if neg {
		n.Neg(n)
	}
	q, rem := new(big.Int).QuoRem(n, d, new(big.Int))
	if rem.Sign() != 0 {
		switch mode {
		case 'u':
			q.Add(q, big.NewInt(1))
		case 'h':
			if new(big.Int).Lsh(rem, 1).Cmp(d) >= 0 {
				q.Add(q, big.NewInt(1))
			}
		}
	}
	q.Mul(q, big.NewInt(unit))
	if neg {
		q.Neg(q)
	}
	return Money(q.Int64())
}

// Round rounds m to the unit of r (a no-op for fen rules).
func (m Money) Round(r Rounding) Money {
	return roundRat(big.NewInt(int64(m)), big.NewInt(1), r)
}

// Mul returns m × ratio, rounded by r. The product is exact before rounding.
func (m Money) Mul(ratio Ratio, r Rounding) Money {
	num := new(big.Int).Mul(big.NewInt(int64(m)), big.NewInt(ratio.Num))
	return roundRat(num, big.NewInt(ratio.Den), r)
}

// MulInt returns m × n.
func (m Money) MulInt(n int64) Money { return m * Money(n) }

// Div returns m / n rounded by r; n must not be zero.
func (m Money) Div(n int64, r Rounding) Money {
	return roundRat(big.NewInt(int64(m)), big.NewInt(n), r)
}

// Min returns the smaller of a and b.
func Min(a, b Money) Money {
	if a < b {
		return a
	}
	return b
}

// Max returns the larger of a and b.
func Max(a, b Money) Money {
	if a > b {
		return a
	}
	return b
}

// Ratio is an exact fraction Num/Den, e.g. 1.3 = 13/10 or 70% = 7/10.
type Ratio struct {
	Num, Den int64
}

// One is the ratio 1.
var One = Ratio{1, 1}

// ParseRatio reads a decimal ("1.3", "0.7", "70%") into an exact ratio.
func ParseRatio(s string) (Ratio, error) {
	s = strings.TrimSpace(s)
	pct := strings.HasSuffix(s, "%")
	s = strings.TrimSuffix(s, "%")
	r, ok := new(big.Rat).SetString(s)
	if !ok || strings.ContainsAny(s, "/eE") {
		return Ratio{}, fmt.Errorf("money: %q is not a decimal ratio", s)
	}
	if pct {
		r.Quo(r, big.NewRat(100, 1))
	}
	if !r.Num().IsInt64() || !r.Denom().IsInt64() {
		return Ratio{}, fmt.Errorf("money: ratio %q out of range", s)
	}
	return Ratio{r.Num().Int64(), r.Denom().Int64()}, nil
}

// String formats the ratio as a decimal when it has one of at most six
// places, else as num/den.
func (q Ratio) String() string {
	if q.Den == 0 {
		return "0"
	}
	r := big.NewRat(q.Num, q.Den)
	for places := 0; places <= 6; places++ {
		s := r.FloatString(places)
		if back, ok := new(big.Rat).SetString(s); ok && back.Cmp(r) == 0 {
			return s
		}
	}
	return r.String()
}

// Cmp compares q with p: -1, 0 or +1.
func (q Ratio) Cmp(p Ratio) int {
	return big.NewRat(q.Num, q.Den).Cmp(big.NewRat(p.Num, p.Den))
}

// Valid reports whether the ratio has a positive denominator.
func (q Ratio) Valid() bool { return q.Den > 0 }
