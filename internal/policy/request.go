package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"safetynet/internal/apperr"
	"safetynet/internal/money"
)

// Request is a decoded calculation request (the calculation contract of
// DESIGN.md). Exactly the input of Programme is used; the others are nil.
type Request struct {
	Programme Programme
	// Region is a 12-digit division code ("" for DefaultRegion).
	Region string
	// Date is "YYYY-MM-DD" ("" for the caller's today).
	Date string

	Dibao      *DibaoInput
	Tekun      *TekunInput
	Medical    *MedicalInput
	Temporary  *TemporaryInput
	Education  *EducationInput
	Housing    *HousingInput
	Employment *EmploymentInput
}

// DecodeRequest reads a calculation request:
//
//	{"programme": "dibao"|"tekun"|"medical"|"temporary"|"education"|"housing"|"employment",
//	 "region": "530100000000"?, "date": "2025-07-01"?, ...fields of the programme}
//
// Money is a JSON string of yuan with at most two decimals ("1640.00") or a
// JSON number (1640.5); more decimals, exponents and other forms are
// refused. Ratios are decimal strings or numbers ("0.7", 1.3). Counts are
// JSON integers. A null value counts as not given. The region may have 2,
// 4, 6, 9 or 12 digits and is padded to 12.
//
// Every failure is an Invalid *apperr.Error naming the JSON field path
// ("incomes[2].kind"), including unknown fields and fields of another
// programme.
func DecodeRequest(data []byte) (Request, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil || top == nil {
		return Request{}, apperr.New(apperr.Invalid, "请求须为 JSON 对象", "the request must be a JSON object")
	}
	var req Request
	raw, ok := top["programme"]
	if !ok || isNull(raw) {
		return Request{}, apperr.Field("programme", "缺少救助项目（programme）", "programme is required")
	}
	name, err := decodeString(raw, "programme")
	if err != nil {
		return Request{}, err
	}
	req.Programme = Programme(name)
	fs := fields{
		"programme": func(json.RawMessage, string) error { return nil },
		"region": func(raw json.RawMessage, path string) error {
			s, err := decodeString(raw, path)
			if err != nil {
				return err
			}
			code, ok := normRegion(s)
			if !ok {
				return apperr.Field(path, "地区代码须为2、4、6、9或12位数字", "region must be a division code of 2, 4, 6, 9 or 12 digits")
			}
			req.Region = code
			return nil
		},
		"date": func(raw json.RawMessage, path string) error {
			s, err := decodeString(raw, path)
			if err != nil {
				return err
			}
			if !validDate(s) {
				return apperr.Field(path, "日期须为 YYYY-MM-DD", "date must be a date YYYY-MM-DD")
			}
			req.Date = s
			return nil
		},
	}
	var validate func() error
	switch req.Programme {
	case ProgrammeDibao:
		in := &DibaoInput{}
		req.Dibao, validate = in, in.Validate
		dibaoFields(fs, in)
	case ProgrammeTekun:
		in := &TekunInput{}
		req.Tekun, validate = in, in.Validate
		tekunFields(fs, in)
	case ProgrammeMedical:
		in := &MedicalInput{}
		req.Medical, validate = in, in.Validate
		medicalFields(fs, in)
	case ProgrammeTemporary:
		in := &TemporaryInput{}
		req.Temporary, validate = in, in.Validate
		fs["area"] = setString(&in.Area)
		fs["standard"] = setMoney(&in.Standard)
		fs["multiple"] = setRatio(&in.Multiple)
		fs["persons"] = setInt(&in.Persons)
		fs["months"] = setInt(&in.Months)
		fs["max_months"] = setIntPtr(&in.MaxMonths)
		fs["cap"] = setMoney(&in.Cap)
	case ProgrammeEducation:
		in := &EducationInput{}
		req.Education, validate = in, in.Validate
		fs["stage"] = setString(&in.Stage)
		fs["amount"] = setMoney(&in.Amount)
	case ProgrammeHousing:
		in := &HousingInput{}
		req.Housing, validate = in, in.Validate
		fs["kind"] = setString(&in.Kind)
		fs["persons"] = setInt(&in.Persons)
		fs["amount"] = setMoney(&in.Amount)
	case ProgrammeEmployment:
		in := &EmploymentInput{}
		req.Employment, validate = in, in.Validate
		fs["kind"] = setString(&in.Kind)
		fs["amount"] = setMoney(&in.Amount)
	default:
		return Request{}, apperr.Field("programme", "未知的救助项目："+name, "unknown programme: "+name)
	}
	if err := fs.decode(top, ""); err != nil {
		return Request{}, err
	}
	if err := validate(); err != nil {
		return Request{}, err
	}
	return req, nil
}

func dibaoFields(fs fields, in *DibaoInput) {
	fs["area"] = setString(&in.Area)
	fs["standard"] = setMoney(&in.Standard)
	fs["persons"] = setInt(&in.Persons)
	fs["household_income"] = setMoney(&in.HouseholdIncome)
	fs["per_capita_income"] = setMoney(&in.PerCapitaIncome)
	fs["incomes"] = func(raw json.RawMessage, path string) error {
		in.Incomes = []Income{}
		return decodeList(raw, path, func(raw json.RawMessage, path string) error {
			var it Income
			var per string
			var amount *money.Money
			err := decodeObject(raw, path, fields{
				"kind":   setString(&it.Kind),
				"amount": setMoney(&amount),
				"per":    setString(&per),
			})
			if err != nil {
				return err
			}
			if amount == nil {
				return apperr.Field(path+".amount", "缺少收入金额", "amount is required")
			}
			it.Amount, it.Per = *amount, Period(per)
			in.Incomes = append(in.Incomes, it)
			return nil
		})
	}
	fs["tier"] = setString(&in.Tier)
	fs["tier_amounts"] = func(raw json.RawMessage, path string) error {
		in.TierAmounts = &TierAmounts{}
		return decodeObject(raw, path, fields{
			"A": setMoney(&in.TierAmounts.A),
			"B": setMoney(&in.TierAmounts.B),
			"C": setMoney(&in.TierAmounts.C),
		})
	}
	fs["extras"] = func(raw json.RawMessage, path string) error {
		return decodeList(raw, path, func(raw json.RawMessage, path string) error {
			var e Extra
			if err := decodeObject(raw, path, fields{"kind": setString(&e.Kind), "amount": setMoney(&e.Amount)}); err != nil {
				return err
			}
			in.Extras = append(in.Extras, e)
			return nil
		})
	}
}

func tekunFields(fs fields, in *TekunInput) {
	fs["urban_standard"] = setMoney(&in.UrbanStandard)
	fs["ratio"] = setRatio(&in.Ratio)
	fs["self_care_failed"] = setIntPtr(&in.SelfCareFailed)
	fs["setting"] = setString(&in.Setting)
	fs["care_amounts"] = func(raw json.RawMessage, path string) error {
		in.CareAmounts = &CareAmountsInput{}
		return decodeObject(raw, path, fields{
			CareComplete:    setMoney(&in.CareAmounts.Complete),
			CarePartial:     setMoney(&in.CareAmounts.Partial),
			CareIndependent: setMoney(&in.CareAmounts.Independent),
		})
	}
}

func medicalFields(fs fields, in *MedicalInput) {
	fs["category"] = setString(&in.Category)
	fs["visit"] = setString(&in.Visit)
	fs["policy_cost"] = setMoney(&in.PolicyCost)
	fs["insurance_paid"] = setMoney(&in.InsurancePaid)
	fs["critical_illness_paid"] = setMoney(&in.CriticalIllnessPaid)
	fs["deductible"] = setMoney(&in.Deductible)
	fs["ratio"] = setRatio(&in.Ratio)
	fs["cap_per_stay"] = setMoney(&in.CapPerStay)
	fs["cap_annual"] = setMoney(&in.CapAnnual)
	fs["paid_this_year"] = setMoney(&in.PaidThisYear)
}

// Calculate computes the benefit a request asks for. Values missing from
// the request come from the policy version in force for the request's
// region (DefaultRegion when none) on its date (today, "YYYY-MM-DD", when
// none); values in the request override the policy. When no version
// applies, a fully explicit request is still computed; otherwise the
// NotFound error from Dataset.Resolve is returned. ds may be nil (no
// policy).
//
// Errors are Invalid (naming the field) or NotFound (no policy version for
// the region and date).
func Calculate(ds *Dataset, req Request, today string) (Result, error) {
	region := req.Region
	if region == "" {
		region = DefaultRegion
	}
	code, ok := normRegion(region)
	if !ok {
		return Result{}, apperr.Field("region", "地区代码须为2、4、6、9或12位数字", "region must be a division code of 2, 4, 6, 9 or 12 digits")
	}
	date := req.Date
	if date == "" {
		date = today
	}
	if !validDate(date) {
		return Result{}, apperr.Field("date", "日期须为 YYYY-MM-DD", "date must be a date YYYY-MM-DD")
	}
	var v *Version
	var noPolicy error
	if ds == nil {
		noPolicy = apperr.New(apperr.NotFound, "没有加载政策参数", "no policy data is loaded")
	} else if found, err := ds.Resolve(code, date); err != nil {
		noPolicy = err
	} else {
		v = &found
	}
	res, err := calculate(req, v)
	if err != nil {
		if noPolicy != nil && errors.Is(err, errNoValue) {
			return Result{}, noPolicy
		}
		return Result{}, err
	}
	return res, nil
}

func calculate(req Request, v *Version) (Result, error) {
	switch req.Programme {
	case ProgrammeDibao:
		return Dibao(deref(req.Dibao), v)
	case ProgrammeTekun:
		return Tekun(deref(req.Tekun), v)
	case ProgrammeMedical:
		return Medical(deref(req.Medical), v)
	case ProgrammeTemporary:
		return Temporary(deref(req.Temporary), v)
	case ProgrammeEducation:
		return Education(deref(req.Education), v)
	case ProgrammeHousing:
		return Housing(deref(req.Housing), v)
	case ProgrammeEmployment:
		return Employment(deref(req.Employment), v)
	}
	return Result{}, apperr.Field("programme", "未知的救助项目："+string(req.Programme), "unknown programme: "+string(req.Programme))
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// checkMoney rejects a negative or absurdly large amount.
func checkMoney(field string, m *money.Money) error {
	switch {
	case m == nil:
		return nil
	case *m < 0:
		return apperr.Field(field, "金额不能为负数", "amount must not be negative")
	case *m > maxAmount:
		return apperr.Field(field, "金额过大", "amount is too large")
	}
	return nil
}

// checkPersons requires a count of persons from 1 to maxPersons.
func checkPersons(field string, n int) error {
	if n < 1 || n > maxPersons {
		return apperr.Field(field, fmt.Sprintf("人数须为 1 到 %d 的整数（必填）", maxPersons),
			fmt.Sprintf("must be a whole number of persons from 1 to %d (required)", maxPersons))
	}
	return nil
}

// fields maps the JSON keys of an object to their decoders.
type fields map[string]func(raw json.RawMessage, path string) error

// decode runs the decoders over an object's members in key order, so that
// the first error is the same on every run; unknown keys are refused and
// null members are skipped.
func (fs fields) decode(obj map[string]json.RawMessage, path string) error {
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		p := k
		if path != "" {
			p = path + "." + k
		}
		f, ok := fs[k]
		if !ok {
			return apperr.Field(p, "未知字段", "unknown field")
		}
		if isNull(obj[k]) {
			continue
		}
		if err := f(obj[k], p); err != nil {
			return err
		}
	}
	return nil
}

func decodeObject(raw json.RawMessage, path string, fs fields) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return apperr.Field(path, "须为 JSON 对象", "must be a JSON object")
	}
	return fs.decode(obj, path)
}

func decodeList(raw json.RawMessage, path string, each func(json.RawMessage, string) error) error {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return apperr.Field(path, "须为 JSON 数组", "must be a JSON array")
	}
	if len(items) > 1000 {
		return apperr.Field(path, "项目过多", "too many items")
	}
	for i, it := range items {
		if err := each(it, fmt.Sprintf("%s[%d]", path, i)); err != nil {
			return err
		}
	}
	return nil
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

func decodeString(raw json.RawMessage, path string) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", apperr.Field(path, "须为字符串", "must be a string")
	}
	return s, nil
}

func decodeMoney(raw json.RawMessage, path string) (money.Money, error) {
	m, err := parseYuanJSON(raw)
	if err != nil {
		return 0, apperr.Field(path, "须为金额：元，最多两位小数（字符串或数字）",
			"must be an amount of yuan with at most two decimals (string or number)")
	}
	return m, nil
}

func setString(dst *string) func(json.RawMessage, string) error {
	return func(raw json.RawMessage, path string) (err error) {
		*dst, err = decodeString(raw, path)
		return err
	}
}

func setMoney(dst **money.Money) func(json.RawMessage, string) error {
	return func(raw json.RawMessage, path string) error {
		m, err := decodeMoney(raw, path)
		if err != nil {
			return err
		}
		*dst = &m
		return nil
	}
}

func setRatio(dst **money.Ratio) func(json.RawMessage, string) error {
	return func(raw json.RawMessage, path string) error {
		r, err := parseRateJSON(raw, false)
		if err != nil {
			return apperr.Field(path, "须为小数比例，如 0.7 或 1.3（字符串或数字）", "must be a decimal ratio such as 0.7 or 1.3 (string or number)")
		}
		*dst = &r
		return nil
	}
}

func decodeInt(raw json.RawMessage, path string) (int, error) {
	s := string(bytes.TrimSpace(raw))
	n, err := strconv.Atoi(s)
	if err != nil || len(s) > 10 || !isPlainDecimal(s) || s[0] == '+' {
		return 0, apperr.Field(path, "须为整数", "must be a whole number")
	}
	return n, nil
}

func setInt(dst *int) func(json.RawMessage, string) error {
	return func(raw json.RawMessage, path string) (err error) {
		*dst, err = decodeInt(raw, path)
		return err
	}
}

func setIntPtr(dst **int) func(json.RawMessage, string) error {
	return func(raw json.RawMessage, path string) error {
		n, err := decodeInt(raw, path)
		if err != nil {
			return err
		}
		*dst = &n
		return nil
	}
}
