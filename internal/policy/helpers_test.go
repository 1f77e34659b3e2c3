package policy_test

import (
	"sync"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
	"safetynet/internal/policy"
)

// m parses yuan for expectations.
func m(s string) money.Money { return money.MustParse(s) }

// mp is m as a pointer, for optional inputs.
func mp(s string) *money.Money {
	v := money.MustParse(s)
	return &v
}

func ip(n int) *int { return &n }

func rp(s string) *money.Ratio {
	r, err := money.ParseRatio(s)
	if err != nil {
		panic(err)
	}
	return &r
}

var (
	yunnanOnce sync.Once
	yunnanDS   *policy.Dataset
	yunnanErr  error
)

// yunnan returns the embedded dataset, loaded once for the whole run.
func yunnan(t testing.TB) *policy.Dataset {
	t.Helper()
	yunnanOnce.Do(func() { yunnanDS, yunnanErr = policy.Yunnan() })
	if yunnanErr != nil {
		t.Fatalf("policy.Yunnan(): %v", yunnanErr)
	}
	return yunnanDS
}

// at returns the provincial version in force on date.
func at(t testing.TB, date string) *policy.Version {
	t.Helper()
	v, err := yunnan(t).Resolve(policy.DefaultRegion, date)
	if err != nil {
		t.Fatalf("Resolve(%s): %v", date, err)
	}
	return &v
}

// wantErr checks that err is an *apperr.Error of kind naming field.
func wantErr(t testing.TB, err error, kind apperr.Kind, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error; want %v naming %q", kind, field)
	}
	e, ok := apperr.As(err)
	if !ok {
		t.Fatalf("got %T %v; want *apperr.Error", err, err)
	}
	if e.Kind != kind || e.Field != field {
		t.Fatalf("got %v naming %q (%v); want %v naming %q", e.Kind, e.Field, err, kind, field)
	}
	if e.Msg == "" || e.MsgEN == "" {
		t.Errorf("error %v lacks a Chinese or English message", err)
	}
}

// stepAmount returns the amount of the first step whose label is label.
func stepAmount(t testing.TB, r policy.Result, label string) money.Money {
	t.Helper()
	for _, s := range r.Steps {
		if s.Label == label {
			return s.Amount
		}
	}
	t.Fatalf("no step %q in %+v", label, r.Steps)
	return 0
}
