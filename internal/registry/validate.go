package registry

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
)

// code checks an optional coded value against its table.
func code(table map[string]string, v, field, what string) error {
	if v == "" {
		return nil
	}
	if _, ok := table[v]; !ok {
		return apperr.Field(field, what+"代码无效："+v, "unknown "+field+" code: "+v)
	}
	return nil
}

// validateDetail checks a member's detail, normalising the ethnicity to
// its code. Fields are named as the API spells them.
func validateDetail(d *Detail) error {
	if d.Ethnicity != "" {
		c := EthnicityCode(d.Ethnicity)
		if c == "" {
			return apperr.Field("ethnicity", "民族无效："+d.Ethnicity, "unknown ethnicity: "+d.Ethnicity)
		}
		d.Ethnicity = c
	}
	checks := []error{
		code(MaritalStatuses, d.Marital, "marital", "婚姻状况"),
		code(DisabilityCategories, d.Disability.Category, "disability.category", "残疾类别"),
		code(LabourCapacities, d.Labour, "labour", "劳动能力"),
		code(EducationStages, d.Education, "education", "教育阶段"),
		code(Employments, d.Employment, "employment", "就业状况"),
		code(Exclusions, d.Excluded, "excluded", "不计入家庭成员原因"),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	switch {
	case d.Disability.Category == "" && (d.Disability.Grade != 0 || d.Disability.Cert != ""):
		return apperr.Field("disability.category", "填写了残疾等级或证号，须同时填写残疾类别", "a disability grade or certificate needs a category")
	case d.Disability.Category != "" && (d.Disability.Grade < 1 || d.Disability.Grade > 4):
		return apperr.Field("disability.grade", "残疾等级须为 1–4 级", "the disability grade is 1 to 4")
	case d.SelfCare > 63:
		return apperr.Field("self_care", "生活自理项无效", "invalid self-care flags")
	case utf8.RuneCountInString(d.SeriousIllness) > 100:
		return apperr.Field("serious_illness", "重大疾病名称过长", "illness name too long")
	}
	d.Phone = strings.TrimSpace(d.Phone)
	if d.Phone != "" && !phoneOK(d.Phone) {
		return apperr.Field("phone", "联系电话格式错误："+d.Phone, "malformed phone number: "+d.Phone)
	}
	if d.DeathDate != "" {
		if _, err := calendar.ParseDate(d.DeathDate); err != nil {
			return apperr.Field("death_date", "死亡日期格式应为 YYYY-MM-DD", "death_date must be YYYY-MM-DD")
		}
	}
	return nil
}

// phoneOK accepts mainland mobile and landline numbers: 7–12 digits with
// an optional area-code hyphen.
func phoneOK(p string) bool {
	digits := 0
	for i, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '-' && i > 0:
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 12
}

func validateBank(b BankAccount) error {
	if b.Account == "" {
		if b.Bank != "" || b.Holder != "" {
			return apperr.Field("bank.account", "请填写银行账号", "the bank account number is missing")
		}
		return nil
	}
	for _, r := range b.Account {
		if r < '0' || r > '9' {
			return apperr.Field("bank.account", "银行账号只能包含数字", "the bank account is digits only")
		}
	}
	if n := len(b.Account); n < 12 || n > 30 {
		return apperr.Field("bank.account", "银行账号长度应为 12–30 位", "the bank account has 12 to 30 digits")
	}
	if b.Bank == "" {
		return apperr.Field("bank.bank", "请填写开户银行", "the bank is missing")
	}
	if b.Holder == "" {
		return apperr.Field("bank.holder", "请填写账户名", "the account holder is missing")
	}
	return nil
}

// validateItems checks income, assets and expenditure; a negative PersonID
// must name one of the n members.
func validateItems(in NewHousehold, n int) ([]Income, []Asset, []Expenditure, error) {
	member := func(field string, id int64) error {
		if id > 0 || -id > int64(n) {
			return apperr.Field(field, "所属成员无效", "the member reference is out of range")
		}
		return nil
	}
	per := func(field string, p Period) error {
		if p != PerMonth && p != PerYear {
			return apperr.Field(field, "周期须为 month 或 year", "per must be month or year")
		}
		return nil
	}
	for i, it := range in.Incomes {
		f := fmt.Sprintf("incomes[%d]", i)
		if err := firstErr(member(f+".member", it.PersonID), code(IncomeKinds, it.Kind, f+".kind", "收入类别"),
			per(f+".per", it.Per)); err != nil {
			return nil, nil, nil, err
		}
		if it.Kind == "" {
			return nil, nil, nil, apperr.Field(f+".kind", "缺少收入类别", "kind is required")
		}
		if it.Amount < 0 {
			return nil, nil, nil, apperr.Field(f+".amount", "金额不能为负", "the amount must not be negative")
		}
	}
	for i, a := range in.Assets {
		f := fmt.Sprintf("assets[%d]", i)
		if err := firstErr(member(f+".member", a.PersonID), code(AssetKinds, a.Kind, f+".kind", "财产类别")); err != nil {
			return nil, nil, nil, err
		}
		if a.Kind == "" {
			return nil, nil, nil, apperr.Field(f+".kind", "缺少财产类别", "kind is required")
		}
		if a.Value < 0 || a.Area < 0 {
			return nil, nil, nil, apperr.Field(f+".value", "金额和面积不能为负", "value and area must not be negative")
		}
	}
	for i, e := range in.Expenditures {
		f := fmt.Sprintf("expenditures[%d]", i)
		if err := firstErr(code(ExpenditureKinds, e.Kind, f+".kind", "支出类别"), per(f+".per", e.Per)); err != nil {
			return nil, nil, nil, err
		}
		if e.Kind == "" {
			return nil, nil, nil, apperr.Field(f+".kind", "缺少支出类别", "kind is required")
		}
		if e.Amount < 0 {
			return nil, nil, nil, apperr.Field(f+".amount", "金额不能为负", "the amount must not be negative")
		}
	}
	return append([]Income(nil), in.Incomes...), append([]Asset(nil), in.Assets...),
		append([]Expenditure(nil), in.Expenditures...), nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
