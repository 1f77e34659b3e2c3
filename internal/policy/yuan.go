package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"safetynet/internal/money"
)

// Yuan is a money.Money whose JSON form is a string of yuan with two
// decimals ("1640.00"). On input it also accepts a JSON number of yuan with
// at most two decimals (1640, 1640.5); exponents and more decimals are
// rejected rather than rounded.
type Yuan money.Money

// Money returns y as money.Money.
func (y Yuan) Money() money.Money { return money.Money(y) }

// String formats y like money.Money.
func (y Yuan) String() string { return money.Money(y).String() }

// MarshalJSON writes y as a yuan string.
func (y Yuan) MarshalJSON() ([]byte, error) {
	return []byte(`"` + money.Money(y).String() + `"`), nil
}

// UnmarshalJSON reads a yuan string or a JSON number of yuan.
func (y *Yuan) UnmarshalJSON(data []byte) error {
	m, err := parseYuanJSON(data)
	if err != nil {
		return err
	}
	*y = Yuan(m)
	return nil
}

// YuanOf returns a pointer to m as a Yuan, for optional fields.
func YuanOf(m money.Money) *Yuan {
	y := Yuan(m)
	return &y
}

var errYuan = errors.New("not an amount of yuan with at most two decimals")

// parseYuanJSON reads a JSON string or number holding yuan with at most
// two decimals. Negative values are accepted here; callers check the sign.
func parseYuanJSON(data []byte) (money.Money, error) {
	data = bytes.TrimSpace(data)
	var text string
	switch {
	case len(data) > 0 && data[0] == '"':
		if err := json.Unmarshal(data, &text); err != nil {
			return 0, errYuan
		}
		text = strings.TrimSpace(text)
	case len(data) > 0 && (data[0] == '-' || (data[0] >= '0' && data[0] <= '9')):
		text = string(data)
	default:
		return 0, errYuan
	}
	if !isPlainDecimal(text) {
		return 0, errYuan
	}
	m, err := money.Parse(text)
	if err != nil {
		return 0, errYuan
	}
	return m, nil
}

// isPlainDecimal reports whether s is an optionally signed decimal number
// with digits on both sides of an optional point: no exponent, no hex, no
// NaN or Inf, no leading point.
func isPlainDecimal(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || (dot && frac == "") || len(s) > 40 {
		return false
	}
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return false
			}
		}
	}
	return true
}

// Rate is an exact ratio (money.Ratio) whose JSON form is a decimal string
// ("1.3", "0.7"). On input it accepts a decimal string, a JSON number without
// exponent, a percentage string ("70%") or an exact fraction string ("1/3").
type Rate money.Ratio

// RateOf parses a decimal for constants in code and tests; it panics on
// error.
func RateOf(s string) Rate {
	r, err := parseRate(s, true)
	if err != nil {
		panic(fmt.Sprintf("policy.RateOf(%q): %v", s, err))
	}
	return Rate(r)
}

// Ratio returns r as money.Ratio.
func (r Rate) Ratio() money.Ratio { return money.Ratio(r) }

// String formats r as a decimal when it has one of at most six places, else
// as a fraction.
func (r Rate) String() string { return money.Ratio(r).String() }

// MarshalJSON writes r as a decimal (or fraction) string.
func (r Rate) MarshalJSON() ([]byte, error) {
	if r.Den <= 0 {
		return nil, fmt.Errorf("policy: invalid ratio %d/%d", r.Num, r.Den)
	}
	return json.Marshal(money.Ratio(r).String())
}

// UnmarshalJSON reads a decimal string or number, a percentage or a fraction.
func (r *Rate) UnmarshalJSON(data []byte) error {
	q, err := parseRateJSON(data, true)
	if err != nil {
		return err
	}
	*r = Rate(q)
	return nil
}

var errRate = errors.New("not a decimal ratio")

// parseRateJSON reads a JSON string or number holding a ratio.
func parseRateJSON(data []byte, allowFraction bool) (money.Ratio, error) {
	data = bytes.TrimSpace(data)
	var text string
	switch {
	case len(data) > 0 && data[0] == '"':
		if err := json.Unmarshal(data, &text); err != nil {
			return money.Ratio{}, errRate
		}
	case len(data) > 0 && (data[0] == '-' || (data[0] >= '0' && data[0] <= '9')):
		text = string(data)
	default:
		return money.Ratio{}, errRate
	}
	return parseRate(text, allowFraction)
}

// parseRate reads "1.3", "70%" or, when allowFraction, "1/3".
func parseRate(s string, allowFraction bool) (money.Ratio, error) {
	s = strings.TrimSpace(s)
	if allowFraction {
		if n, d, ok := strings.Cut(s, "/"); ok {
			if !isPlainDecimal(n) || !isPlainDecimal(d) || strings.Contains(n+d, ".") {
				return money.Ratio{}, errRate
			}
			q, ok := new(big.Rat).SetString(s)
			if !ok || !q.Num().IsInt64() || !q.Denom().IsInt64() {
				return money.Ratio{}, errRate
			}
			return money.Ratio{Num: q.Num().Int64(), Den: q.Denom().Int64()}, nil
		}
	}
	if !isPlainDecimal(strings.TrimSuffix(s, "%")) {
		return money.Ratio{}, errRate
	}
	q, err := money.ParseRatio(s)
	if err != nil || q.Den <= 0 {
		return money.Ratio{}, errRate
	}
	return q, nil
}
