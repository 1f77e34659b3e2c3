package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
	"safetynet/internal/policy"
)

func (s *Server) apiCalcRoutes() {
	s.api("POST /api/v1/calculate", s.apiCalculate)
}

func (s *Server) calcUIRoutes() {
	s.mux.HandleFunc("GET /calc", s.ui(s.calcPage))
	s.mux.HandleFunc("POST /calc", s.ui(s.calcSubmit))
}

// today is the civil date in China, for the policy in force.
func (s *Server) today() string { return calendar.FromTime(s.Now()).String() }

// calculate decodes a contract request and computes it.
func (s *Server) calculate(p access.Principal, body []byte) (policy.Result, error) {
	if err := p.Require(access.Calculate); err != nil {
		return policy.Result{}, err
	}
	req, err := policy.DecodeRequest(body)
	if err != nil {
		return policy.Result{}, err
	}
	return policy.Calculate(s.Policy.Dataset(), req, s.today())
}

// apiCalculate: POST /api/v1/calculate, the calculation contract.
func (s *Server) apiCalculate(w http.ResponseWriter, r *http.Request, p access.Principal) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		s.apiError(w, r, apperr.Field("body", "请求体过大", "request body too large"))
		return
	}
	res, err := s.calculate(p, body)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// calcField is one input of the calculator page; its name is the JSON
// field of the contract.
type calcField struct {
	Name, Zh, En string
	Kind         string      // "money", "int", "ratio", "select", "date", "text"
	Options      [][3]string // value, zh, en (for select)
}

var (
	areaOpts   = [][3]string{{"urban", "城镇", "urban"}, {"rural", "农村", "rural"}}
	commonCalc = []calcField{{"region", "地区代码（默认全省）", "Region code (default: province)", "text", nil}, {"date", "测算日期（默认今天）", "Date (default: today)", "date", nil}}
	calcFields = map[string][]calcField{
		"dibao": {
			{"area", "城乡类别", "Area", "select", areaOpts},
			{"persons", "保障人数", "Persons", "int", nil},
			{"household_income", "家庭月收入（元）", "Household income per month", "money", nil},
			{"per_capita_income", "家庭月人均收入（元）", "Per-capita income per month", "money", nil},
			{"tier", "农村分档（可选）", "Rural tier (optional)", "select", [][3]string{{"", "按差额计算", "gap method"}, {"A", "A类 重点保障", "A"}, {"B", "B类 基本保障", "B"}, {"C", "C类 一般保障", "C"}}},
			{"standard", "保障标准（元/人·月，默认按政策）", "Standard (default: policy)", "money", nil},
		},
		"tekun": {
			{"self_care_failed", "六项生活自理指标中不能完成的项数（0–6）", "Self-care activities failed (0–6)", "int", nil},
			{"setting", "供养方式", "Setting", "select", [][3]string{{"institution", "集中供养", "institution"}, {"home", "分散供养", "at home"}}},
			{"urban_standard", "城市低保标准（元，默认按政策）", "Urban standard (default: policy)", "money", nil},
		},
		"medical": {
			{"category", "救助对象类别", "Recipient category", "select", [][3]string{{"tekun", "特困人员", "tekun"}, {"dibao", "低保对象", "dibao"}, {"low_income_margin", "低保边缘家庭成员", "low-income margin"}, {"other", "其他", "other"}}},
			{"visit", "就诊类型", "Visit", "select", [][3]string{{"inpatient", "住院", "inpatient"}, {"outpatient", "门诊（慢特病）", "outpatient"}}},
			{"policy_cost", "政策范围内费用（元）", "Policy-range cost", "money", nil},
			{"insurance_paid", "基本医保支付（元）", "Basic insurance paid", "money", nil},
			{"critical_illness_paid", "大病保险支付（元）", "Critical-illness insurance paid", "money", nil},
			{"paid_this_year", "本年度已获医疗救助（元）", "Medical assistance already paid this year", "money", nil},
		},
		"temporary": {
			{"area", "城乡类别", "Area", "select", areaOpts},
			{"persons", "家庭人数", "Persons", "int", nil},
			{"months", "救助月数", "Months", "int", nil},
		},
		"education": {
			{"stage", "教育阶段", "Stage", "select", [][3]string{{"compulsory", "义务教育", "compulsory"}, {"high_school", "普通高中", "high school"}, {"vocational", "中等职业教育", "vocational"}, {"college", "高等教育", "college"}}},
		},
		"housing": {
			{"kind", "救助方式", "Kind", "select", [][3]string{{"rent_subsidy", "租赁补贴", "rent subsidy"}, {"renovation", "农村危房改造", "renovation"}}},
			{"persons", "保障人数（租赁补贴）", "Persons (rent subsidy)", "int", nil},
		},
		"employment": {
			{"kind", "援助方式", "Kind", "select", [][3]string{{"public_welfare_job", "公益性岗位补贴", "public-welfare job"}, {"training", "培训补贴", "training"}}},
		},
	}
	programmeNames = [][3]string{{"dibao", "最低生活保障", "Dibao"}, {"tekun", "特困人员供养", "Extreme poverty"},
		{"medical", "医疗救助", "Medical"}, {"temporary", "临时救助", "Temporary"}, {"education", "教育救助", "Education"},
		{"housing", "住房救助", "Housing"}, {"employment", "就业救助", "Employment"}}
)

// formRequest builds the contract JSON from the calculator form. Numbers
// that do not parse are passed on as text, so the decoder names the field.
func formRequest(programme string, form map[string][]string) []byte {
	req := map[string]any{"programme": programme}
	get := func(name string) string {
		if v := form[name]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	for _, f := range append(append([]calcField{}, commonCalc...), calcFields[programme]...) {
		v := get(f.Name)
		if v == "" {
			continue
		}
		if f.Kind == "int" {
			if n, err := strconv.Atoi(v); err == nil {
				req[f.Name] = n
				continue
			}
		}
		req[f.Name] = v
	}
	b, _ := json.Marshal(req)
	return b
}

func (s *Server) calcPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := p.Require(access.Calculate); err != nil {
		s.uiError(w, r, err)
		return
	}
	s.renderCalc(w, r, http.StatusOK, r.URL.Query().Get("programme"), nil, nil, nil)
}

func (s *Server) calcSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := r.ParseForm(); err != nil {
		s.uiError(w, r, apperr.Field("body", "表单无法解析", "cannot read the form"))
		return
	}
	programme := r.PostForm.Get("programme")
	res, err := s.calculate(p, formRequest(programme, r.PostForm))
	if apperr.Is(err, apperr.Forbidden) || apperr.Is(err, apperr.Internal) {
		s.uiError(w, r, err)
		return
	}
	code := http.StatusOK
	if err != nil {
		code = s.status(r, err)
	}
	s.renderCalc(w, r, code, programme, r.PostForm, &res, err)
}

func (s *Server) renderCalc(w http.ResponseWriter, r *http.Request, code int, programme string, form map[string][]string, res *policy.Result, err error) {
	if _, ok := calcFields[programme]; !ok {
		programme = "dibao"
	}
	values := map[string]string{}
	for k, v := range form {
		if len(v) > 0 {
			values[k] = v[0]
		}
	}
	v := view{Data: map[string]any{"Programme": programme, "Programmes": programmeNames,
		"Fields": append(append([]calcField{}, commonCalc...), calcFields[programme]...), "Values": values}}
	if err != nil {
		v.Error, v.Field = apperr.Message(err, langOf(r)), apperr.FieldOf(err)
	} else if res != nil {
		v.Data.(map[string]any)["Result"] = res
	}
	s.render(w, r, code, "calc", v)
}
