package policy

import (
	"encoding/json"
	"errors"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
)

// Programme names a benefit programme in requests and results.
type Programme string

// The programmes that have calculators.
const (
	ProgrammeDibao      Programme = "dibao"      // 最低生活保障
	ProgrammeTekun      Programme = "tekun"      // 特困人员供养
	ProgrammeMedical    Programme = "medical"    // 医疗救助
	ProgrammeTemporary  Programme = "temporary"  // 临时救助
	ProgrammeEducation  Programme = "education"  // 教育救助
	ProgrammeHousing    Programme = "housing"    // 住房救助
	ProgrammeEmployment Programme = "employment" // 就业救助
)

// Programmes lists every programme with a calculator.
var Programmes = []Programme{
	ProgrammeDibao, ProgrammeTekun, ProgrammeMedical, ProgrammeTemporary,
	ProgrammeEducation, ProgrammeHousing, ProgrammeEmployment,
}

// Period says what span a result's amount covers.
type Period string

// Periods.
const (
	PerMonth Period = "month"
	PerYear  Period = "year"
	Once     Period = "once"
)

// Result is a computed benefit with the steps that explain it.
type Result struct {
	Programme Programme
	Amount    money.Money
	Period    Period
	Steps     []Step
	// Policy is the version the calculation took values from; nil when
	// every value came from the request.
	Policy *VersionRef
}

// Step is one line of the explanation: a Chinese label, its English
// translation and the amount the step yields.
type Step struct {
	Label   string
	LabelEN string
	Amount  money.Money
}

// VersionRef identifies a policy version.
type VersionRef struct {
	Region    string `json:"region"`
	Effective string `json:"effective"`
}

type stepJSON struct {
	Label   string `json:"label"`
	LabelEN string `json:"label_en"`
	Amount  Yuan   `json:"amount"`
}

type resultJSON struct {
	Programme Programme   `json:"programme"`
	Amount    Yuan        `json:"amount"`
	Period    Period      `json:"period"`
	Steps     []stepJSON  `json:"steps"`
	Policy    *VersionRef `json:"policy"`
}

// MarshalJSON writes the contract shape: {"programme", "amount": "1640.00",
// "period", "steps": [{"label", "label_en", "amount"}], "policy": {"region",
// "effective"} or null}.
func (r Result) MarshalJSON() ([]byte, error) {
	out := resultJSON{Programme: r.Programme, Amount: Yuan(r.Amount), Period: r.Period,
		Steps: make([]stepJSON, len(r.Steps)), Policy: r.Policy}
	for i, s := range r.Steps {
		out.Steps[i] = stepJSON{s.Label, s.LabelEN, Yuan(s.Amount)}
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads the shape MarshalJSON writes.
func (r *Result) UnmarshalJSON(data []byte) error {
	var in resultJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	*r = Result{Programme: in.Programme, Amount: in.Amount.Money(), Period: in.Period, Policy: in.Policy}
	for _, s := range in.Steps {
		r.Steps = append(r.Steps, Step{s.Label, s.LabelEN, s.Amount.Money()})
	}
	return nil
}

// errNoValue marks an Invalid error raised because a needed value came
// neither from the request nor from a policy version; Calculate replaces it
// with the reason no version applied, when there is one.
var errNoValue = errors.New("policy: value neither given nor in a policy version")

// calc carries the optional policy version through one calculation and
// records the steps and whether the version was used.
type calc struct {
	v     *Version
	used  bool
	steps []Step
}

// params returns the policy parameters, noting their use, or an Invalid
// error naming field when there is no version.
func (c *calc) params(field string) (*Params, error) {
	if c.v == nil {
		e := apperr.Field(field, "缺少该值，且没有适用的政策参数可以补充",
			"value is missing and no policy version applies to supply it")
		e.Err = errNoValue
		return nil, e
	}
	c.used = true
	return &c.v.Params, nil
}

func (c *calc) step(zh, en string, m money.Money) {
	c.steps = append(c.steps, Step{Label: zh, LabelEN: en, Amount: m})
}

func (c *calc) result(p Programme, amount money.Money, period Period) Result {
	r := Result{Programme: p, Amount: amount, Period: period, Steps: c.steps}
	if c.used {
		r.Policy = c.v.Ref()
	}
	return r
}

// Limits on inputs, far above any real benefit, that keep every product
// well inside int64 fen.
const (
	maxAmount  = money.Money(1_000_000_000_00) // one billion yuan
	maxPersons = 100
	maxMonths  = 120
)
