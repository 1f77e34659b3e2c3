package policy_test

import (
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
	"safetynet/internal/policy"
)

func TestSimpleProgrammes(t *testing.T) {
	v := at(t, "2025-08-01")
	tests := []struct {
		name       string
		calc       func() (policy.Result, error)
		want       money.Money
		wantPeriod policy.Period
	}{
		{"education college", func() (policy.Result, error) {
			return policy.Education(policy.EducationInput{Stage: "college"}, v)
		}, m("3300"), policy.PerYear},
		{"education compulsory", func() (policy.Result, error) {
			return policy.Education(policy.EducationInput{Stage: "compulsory"}, v)
		}, m("1000"), policy.PerYear},
		{"education explicit amount", func() (policy.Result, error) {
			return policy.Education(policy.EducationInput{Stage: "high_school", Amount: mp("1500")}, nil)
		}, m("1500"), policy.PerYear},
		{"housing rent subsidy × persons", func() (policy.Result, error) {
			return policy.Housing(policy.HousingInput{Kind: "rent_subsidy", Persons: 3}, v)
		}, m("300"), policy.PerMonth},
		{"housing renovation", func() (policy.Result, error) {
			return policy.Housing(policy.HousingInput{Kind: "renovation"}, v)
		}, m("14000"), policy.Once},
		{"employment public-welfare post", func() (policy.Result, error) {
			return policy.Employment(policy.EmploymentInput{Kind: "public_welfare_job"}, v)
		}, m("500"), policy.PerMonth},
		{"employment training explicit", func() (policy.Result, error) {
			return policy.Employment(policy.EmploymentInput{Kind: "training", Amount: mp("800")}, nil)
		}, m("800"), policy.Once},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.calc()
			if err != nil {
				t.Fatal(err)
			}
			if got.Amount != tt.want || got.Period != tt.wantPeriod {
				t.Errorf("got %s/%s; want %s/%s", got.Amount, got.Period, tt.want, tt.wantPeriod)
			}
		})
	}
}

func TestSimpleErrors(t *testing.T) {
	v := at(t, "2025-08-01")
	tests := []struct {
		name  string
		err   error
		field string
	}{
		{"stage missing", second(policy.Education(policy.EducationInput{}, v)), "stage"},
		{"bad stage", second(policy.Education(policy.EducationInput{Stage: "kindergarten"}, v)), "stage"},
		{"education without policy", second(policy.Education(policy.EducationInput{Stage: "college"}, nil)), "amount"},
		{"negative amount", second(policy.Education(policy.EducationInput{Stage: "college", Amount: mp("-1")}, v)), "amount"},
		{"housing kind missing", second(policy.Housing(policy.HousingInput{}, v)), "kind"},
		{"housing bad kind", second(policy.Housing(policy.HousingInput{Kind: "loan"}, v)), "kind"},
		{"rent without persons", second(policy.Housing(policy.HousingInput{Kind: "rent_subsidy"}, v)), "persons"},
		{"employment bad kind", second(policy.Employment(policy.EmploymentInput{Kind: "loan"}, v)), "kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantErr(t, tt.err, apperr.Invalid, tt.field) })
	}
}

func second(_ policy.Result, err error) error { return err }
