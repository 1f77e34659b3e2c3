package policy

import (
	"fmt"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
)

// Education stages.
const (
	StageCompulsory = "compulsory"  // 义务教育
	StageHighSchool = "high_school" // 普通高中
	StageVocational = "vocational"  // 中等职业教育
	StageCollege    = "college"     // 高等教育
)

var stageNames = map[string][2]string{
	StageCompulsory: {"义务教育阶段", "compulsory education"},
	StageHighSchool: {"普通高中", "senior high school"},
	StageVocational: {"中等职业教育", "secondary vocational school"},
	StageCollege:    {"高等教育", "higher education"},
}

// EducationInput asks for the education assistance of one student.
type EducationInput struct {
	Stage  string       // required: compulsory|high_school|vocational|college
	Amount *money.Money // per student per year; else the policy's for Stage
}

// Validate checks the input on its own.
func (in *EducationInput) Validate() error {
	if in.Stage == "" {
		return apperr.Field("stage", "缺少教育阶段", "stage is required")
	}
	if _, ok := stageNames[in.Stage]; !ok {
		return apperr.Field("stage", "教育阶段须为 compulsory、high_school、vocational 或 college",
			`stage must be "compulsory", "high_school", "vocational" or "college"`)
	}
	return checkMoney("amount", in.Amount)
}

// Education returns the yearly education assistance of one student at a
// stage (S-649 Arts 33–36): the amount given, else the policy's.
func Education(in EducationInput, v *Version) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, err
	}
	c := &calc{v: v}
	amt, err := c.simpleAmount(in.Amount, func(p *Params) money.Money {
		m, _ := p.Education.Get(in.Stage)
		return m
	})
	if err != nil {
		return Result{}, err
	}
	n := stageNames[in.Stage]
	c.step("教育救助（"+n[0]+"，每生每年）", "Education assistance ("+n[1]+", per student per year)", amt)
	return c.result(ProgrammeEducation, amt, PerYear), nil
}

// Housing assistance kinds.
const (
	HousingRentSubsidy = "rent_subsidy" // 租赁补贴, per person per month
	HousingRenovation  = "renovation"   // 农村危房改造, per household once
)

// HousingInput asks for housing assistance.
type HousingInput struct {
	Kind    string       // required: rent_subsidy|renovation
	Persons int          // rent_subsidy: household members covered (required)
	Amount  *money.Money // per person per month (rent) or per household (renovation)
}

// Validate checks the input on its own.
func (in *HousingInput) Validate() error {
	switch in.Kind {
	case "":
		return apperr.Field("kind", "缺少住房救助类型", "kind is required")
	case HousingRentSubsidy:
		if err := checkPersons("persons", in.Persons); err != nil {
			return err
		}
	case HousingRenovation:
		if in.Persons != 0 {
			if err := checkPersons("persons", in.Persons); err != nil {
				return err
			}
		}
	default:
		return apperr.Field("kind", "住房救助类型须为 rent_subsidy 或 renovation", `kind must be "rent_subsidy" or "renovation"`)
	}
	return checkMoney("amount", in.Amount)
}

// Housing returns housing assistance (S-649 Arts 37–40): a rent subsidy per
// person per month × persons (period month), or the renovation aid of a
// rural dangerous house per household (once).
func Housing(in HousingInput, v *Version) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, err
	}
	c := &calc{v: v}
	if in.Kind == HousingRenovation {
		amt, err := c.simpleAmount(in.Amount, func(p *Params) money.Money { return p.Housing.Renovation.Money() })
		if err != nil {
			return Result{}, err
		}
		c.step("农村危房改造补助（每户）", "Rural house renovation aid per household", amt)
		return c.result(ProgrammeHousing, amt, Once), nil
	}
	amt, err := c.simpleAmount(in.Amount, func(p *Params) money.Money { return p.Housing.RentSubsidy.Money() })
	if err != nil {
		return Result{}, err
	}
	c.step("租赁补贴标准（每人每月）", "Rent subsidy per person per month", amt)
	total := amt.MulInt(int64(in.Persons))
	c.step(fmt.Sprintf("月租赁补贴（× %d人）", in.Persons), fmt.Sprintf("Monthly rent subsidy (× %d persons)", in.Persons), total)
	return c.result(ProgrammeHousing, total, PerMonth), nil
}

// Employment assistance kinds.
const (
	EmploymentPublicWelfareJob = "public_welfare_job" // 公益性岗位补贴, per month
	EmploymentTraining         = "training"           // 培训补贴, once
)

// EmploymentInput asks for employment assistance of one person.
type EmploymentInput struct {
	Kind   string       // required: public_welfare_job|training
	Amount *money.Money // else the policy's amount for Kind
}

// Validate checks the input on its own.
func (in *EmploymentInput) Validate() error {
	switch in.Kind {
	case "":
		return apperr.Field("kind", "缺少就业救助类型", "kind is required")
	case EmploymentPublicWelfareJob, EmploymentTraining:
	default:
		return apperr.Field("kind", "就业救助类型须为 public_welfare_job 或 training", `kind must be "public_welfare_job" or "training"`)
	}
	return checkMoney("amount", in.Amount)
}

// Employment returns employment assistance for one person (S-649 Arts
// 42–46): the public-welfare post subsidy per month, or the training
// subsidy once.
func Employment(in EmploymentInput, v *Version) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, err
	}
	c := &calc{v: v}
	if in.Kind == EmploymentTraining {
		amt, err := c.simpleAmount(in.Amount, func(p *Params) money.Money { return p.Employment.Training.Money() })
		if err != nil {
			return Result{}, err
		}
		c.step("培训补贴（每人）", "Training subsidy per person", amt)
		return c.result(ProgrammeEmployment, amt, Once), nil
	}
	amt, err := c.simpleAmount(in.Amount, func(p *Params) money.Money { return p.Employment.PublicWelfareJob.Money() })
	if err != nil {
		return Result{}, err
	}
	c.step("公益性岗位补贴（每人每月）", "Public-welfare post subsidy per person per month", amt)
	return c.result(ProgrammeEmployment, amt, PerMonth), nil
}

// simpleAmount returns the explicit amount or the policy's.
func (c *calc) simpleAmount(explicit *money.Money, fromPolicy func(*Params) money.Money) (money.Money, error) {
	if explicit != nil {
		return *explicit, nil
	}
	p, err := c.params("amount")
	if err != nil {
		return 0, err
	}
	return fromPolicy(p), nil
}
