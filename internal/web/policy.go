package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
	"safetynet/internal/money"
	"safetynet/internal/policy"
)

// Policy data and the working-day calendar: the versions in force and
// their history, publication of a new version by the province
// administrator, and the yearly holiday arrangements.

func (s *Server) policyRoutes() {
	s.api("GET /api/v1/policy/versions", s.apiPolicyVersions)
	s.api("POST /api/v1/policy/versions", s.apiPublishPolicy)
	s.api("GET /api/v1/policy/resolve", s.apiResolvePolicy)
	s.api("GET /api/v1/calendar/{year}", s.apiCalendarYear)
	s.api("POST /api/v1/calendar", s.apiImportCalendar)

	// The mux picks the most specific pattern whatever the order, so these
	// coexist with uiRoutes' catch-all "/".
	s.mux.HandleFunc("GET /policy", s.ui(s.policyPage))
	s.mux.HandleFunc("POST /policy", s.ui(s.policyPublishSubmit))
	s.mux.HandleFunc("GET /policy/calendar", s.ui(s.calendarPage))
	s.mux.HandleFunc("POST /policy/calendar", s.ui(s.calendarImportSubmit))
}

func init() {
	maps.Copy(messages, policyMessages)
}

// policyMessages are the words of the policy and calendar pages.
var policyMessages = map[string][2]string{
	"nav.policy":         {"政策参数", "Policy"},
	"policy.title":       {"政策参数版本", "Policy versions"},
	"policy.region":      {"适用地区", "Region"},
	"policy.effective":   {"生效日期", "Effective"},
	"policy.until":       {"截止日期（不含）", "Until (exclusive)"},
	"policy.note":        {"说明", "Note"},
	"policy.source":      {"来源", "Source"},
	"policy.default":     {"系统内置", "Built in"},
	"policy.published":   {"发布", "Published"},
	"policy.unverified":  {"待核实", "Unverified"},
	"policy.unverifiedN": {"项待核实", "values unverified"},
	"policy.inforce":     {"现行", "In force"},
	"policy.view":        {"查看", "View"},
	"policy.filter":      {"按地区筛选", "Filter by region"},
	"policy.show":        {"筛选", "Show"},
	"policy.params":      {"保障标准与参数", "Standards and parameters"},
	"policy.item":        {"项目", "Item"},
	"policy.value":       {"数值", "Value"},
	"policy.publish":     {"发布新版本", "Publish a new version"},
	"policy.publishHelp": {"以下参数取自所选版本，修改后填写生效日期发布。生效日期不能早于今天；已发布的版本不能修改，只能以新的生效日期发布新版本。金额以元为单位、写作字符串，如 \"744.00\"；比例写作小数，如 \"0.7\"。", "The parameters below start from the version shown. Change them, give an effective date (today or later) and publish. Published versions cannot be changed; publish a new version with a later date instead. Amounts are yuan strings such as \"744.00\"; ratios are decimals such as \"0.7\"."},
	"policy.paramsJSON":  {"参数（JSON）", "Parameters (JSON)"},
	"policy.unverList":   {"待核实参数路径（每行一个）", "Unverified parameter paths (one per line)"},
	"policy.submit":      {"发布", "Publish"},
	"policy.done":        {"已发布新的政策版本", "The new version is published"},
	"policy.none":        {"没有政策版本", "No versions"},
	"cal.title":          {"工作日历", "Working-day calendar"},
	"cal.year":           {"年度", "Year"},
	"cal.workdays":       {"全年工作日", "Working days in the year"},
	"cal.holidays":       {"放假日", "Days off"},
	"cal.makeup":         {"调休上班日", "Make-up working days"},
	"cal.date":           {"日期", "Date"},
	"cal.weekday":        {"星期", "Weekday"},
	"cal.name":           {"节日", "Festival"},
	"cal.imported":       {"导入", "Imported"},
	"cal.uncovered":      {"该年度的节假日安排尚未载入：工作日按周一至周五计算，节日前后的期限会算错。请导入国务院办公厅的年度节假日安排。", "This year's holiday arrangement is not loaded: working days are counted Monday to Friday, so deadlines around festivals will be wrong. Import the State Council's arrangement for the year."},
	"cal.import":         {"导入节假日安排", "Import a holiday arrangement"},
	"cal.importHelp":     {"每行一个日期：日期,类型,名称。类型为 holiday（放假）或 workday（调休上班，只能是周六或周日）。例如：2027-02-06,holiday,春节。已有日期的安排将被替换。", "One date per line: date,kind,name. kind is holiday (day off) or workday (make-up working day, a Saturday or Sunday only). For example: 2027-02-06,holiday,春节. An entry replaces the existing one for its date."},
	"cal.file":           {"CSV 文件", "CSV file"},
	"cal.text":           {"或直接粘贴", "or paste the lines"},
	"cal.submit":         {"导入", "Import"},
	"cal.done":           {"已导入", "Imported"},
	"cal.entries":        {"条", "entries"},
	"cal.none":           {"无", "None"},
}

// versionJSON is a version in API answers.
type versionJSON struct {
	Region      string        `json:"region"`
	RegionName  string        `json:"region_name,omitempty"`
	Effective   string        `json:"effective"`
	Until       string        `json:"until,omitempty"`
	Note        string        `json:"note,omitempty"`
	Unverified  []string      `json:"unverified"`
	Source      string        `json:"source"` // "default" (built in) or "published"
	PublishedBy string        `json:"published_by,omitempty"`
	PublishedAt *time.Time    `json:"published_at,omitempty"`
	Params      policy.Params `json:"params"`
}

func (s *Server) versionOut(p policy.Published) versionJSON {
	out := versionJSON{Region: p.Region, RegionName: s.Divisions.Tree().Path(p.Region), Effective: p.Effective,
		Until: p.Until, Note: p.Note, Unverified: p.Unverified, Source: "default", Params: p.Params}
	if out.Unverified == nil {
		out.Unverified = []string{}
	}
	if !p.IsDefault() {
		at := p.At
		out.Source, out.PublishedBy, out.PublishedAt = "published", p.By, &at
	}
	return out
}

// apiPolicyVersions: GET /api/v1/policy/versions[?region=CODE], every
// version (built in and published, old ones included), or those bearing on
// a region.
func (s *Server) apiPolicyVersions(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := p.Require(access.DivisionBrowse); err != nil {
		s.apiError(w, r, err)
		return
	}
	vs, err := s.Policy.Versions(strings.TrimSpace(r.URL.Query().Get("region")))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]versionJSON, 0, len(vs))
	for _, v := range vs {
		out = append(out, s.versionOut(v))
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": out})
}

// apiResolvePolicy: GET /api/v1/policy/resolve?region=&date=, the version
// in force for a region (default: the province) on a date (default: today).
func (s *Server) apiResolvePolicy(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := p.Require(access.DivisionBrowse); err != nil {
		s.apiError(w, r, err)
		return
	}
	region := strings.TrimSpace(r.URL.Query().Get("region"))
	if region == "" {
		region = policy.DefaultRegion
	}
	v, err := s.Policy.Resolve(region, strings.TrimSpace(r.URL.Query().Get("date")))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.versionOut(v))
}

// apiPublishPolicy: POST /api/v1/policy/versions with a version as JSON
// ({"region", "effective", "until"?, "note"?, "unverified"?, "params"}).
func (s *Server) apiPublishPolicy(w http.ResponseWriter, r *http.Request, p access.Principal) {
	// Check the permission before reading the body, so a clerk learns
	// that he may not publish rather than what is wrong with his JSON.
	if err := p.Require(access.PolicyPublish); err != nil {
		s.apiError(w, r, err)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	v, err := policy.DecodeVersion(body)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	pub, err := s.Policy.Publish(r.Context(), p, v)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.versionOut(pub))
}

// calendarDayJSON is one entry of a year's arrangement.
type calendarDayJSON struct {
	Date     string `json:"date"`
	Weekday  string `json:"weekday"`
	Name     string `json:"name"`
	Imported bool   `json:"imported"`
}

type calendarYearJSON struct {
	Year     int               `json:"year"`
	Covered  bool              `json:"covered"`
	Workdays int               `json:"workdays"`
	Holidays []calendarDayJSON `json:"holidays"`
	Makeup   []calendarDayJSON `json:"makeup_workdays"`
}

func calendarDays(days []policy.CalendarDay) []calendarDayJSON {
	out := make([]calendarDayJSON, 0, len(days))
	for _, d := range days {
		out = append(out, calendarDayJSON{Date: d.Date.String(), Weekday: d.Date.Weekday().String(), Name: d.Name, Imported: d.Imported})
	}
	return out
}

func (s *Server) calendarYear(raw string) (policy.CalendarYear, error) {
	year, err := strconv.Atoi(raw)
	if err != nil {
		return policy.CalendarYear{}, apperr.Field("year", "年份须为数字，例如 2027", "year must be a number such as 2027")
	}
	return s.Calendar.Year(year)
}

// apiCalendarYear: GET /api/v1/calendar/{year}, the year's days off and
// make-up working days and its number of working days.
func (s *Server) apiCalendarYear(w http.ResponseWriter, r *http.Request, p access.Principal) {
	y, err := s.calendarYear(r.PathValue("year"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, calendarYearJSON{Year: y.Year, Covered: y.Covered, Workdays: y.Workdays,
		Holidays: calendarDays(y.Holidays), Makeup: calendarDays(y.Makeup)})
}

// apiImportCalendar: POST /api/v1/calendar with a CSV body (text/csv:
// date,kind,name lines).
func (s *Server) apiImportCalendar(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := p.Require(access.PolicyPublish); err != nil {
		s.apiError(w, r, err)
		return
	}
	n, err := s.Calendar.ImportCSV(r.Context(), p, http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"imported": n})
}

// paramRow is one line of the readable parameter table.
type paramRow struct {
	Zh, En     string
	Value      string
	Unverified bool
}

// paramSection is a titled group of rows.
type paramSection struct {
	Zh, En string
	Rows   []paramRow
}

// paramTable lays out the main numbers of a version for reading.
func paramTable(v policy.Version) []paramSection {
	p := v.Params
	var secs []paramSection
	var cur *paramSection
	sec := func(zh, en string) {
		secs = append(secs, paramSection{Zh: zh, En: en})
		cur = &secs[len(secs)-1]
	}
	row := func(path, zh, en, value string) {
		cur.Rows = append(cur.Rows, paramRow{Zh: zh, En: en, Value: value, Unverified: v.IsUnverified(path)})
	}
	yuan := func(y policy.Yuan, unit string) string { return y.String() + " 元" + unit }
	optYuan := func(y *policy.Yuan, unit string) string {
		if y == nil {
			return "不设"
		}
		return yuan(*y, unit)
	}
	days := func(n int, unit string) string {
		if n == 0 {
			return "—"
		}
		return strconv.Itoa(n) + " " + unit
	}
	wd := func(n int) string { return days(n, "个工作日") }

	d := p.Dibao
	sec("最低生活保障标准", "Dibao standards")
	row("dibao.urban_standard", "城市低保标准", "Urban standard", yuan(d.UrbanStandard, "/人·月"))
	row("dibao.rural_annual_standard", "农村低保标准", "Rural standard", yuan(d.RuralAnnualStandard, "/人·年"))
	row("dibao.rural_annual_standard", "农村低保月标准（年标准÷12，"+roundingZh(d.RuralMonthlyRounding)+"）", "Rural standard per month",
		d.RuralMonthlyStandard().String()+" 元/人·月")
	row("dibao.rural_tiers.A", "农村分档 A类（重点保障）", "Rural tier A", yuan(d.RuralTiers.A, "/人·月"))
	row("dibao.rural_tiers.B", "农村分档 B类（基本保障）", "Rural tier B", yuan(d.RuralTiers.B, "/人·月"))
	row("dibao.rural_tiers.C", "农村分档 C类（一般保障）", "Rural tier C", yuan(d.RuralTiers.C, "/人·月"))
	row("dibao.extras.elderly", "分类施保：老年人", "Extra: elderly", yuan(d.Extras.Elderly, "/人·月"))
	row("dibao.extras.minor", "分类施保：未成年人", "Extra: minor", yuan(d.Extras.Minor, "/人·月"))
	row("dibao.extras.severely_disabled", "分类施保：重度残疾人", "Extra: severely disabled", yuan(d.Extras.SeverelyDisabled, "/人·月"))
	row("dibao.extras.seriously_ill", "分类施保：重病患者", "Extra: seriously ill", yuan(d.Extras.SeriouslyIll, "/人·月"))
	row("dibao.gradual_exit_months", "就业后渐退期", "Gradual exit after employment", days(d.GradualExitMonths, "个月"))

	sec("收入与财产", "Income and assets")
	row("income.exempt_kinds", "不计入家庭收入的类别", "Income kinds left out", incomeKindsZh(p.Income.ExemptKinds))
	row("income.employment_cost.ratio", "就业成本扣除比例", "Employment-cost deduction", pct(p.Income.EmploymentCost.Ratio))
	row("income.employment_cost.cap_multiple", "扣除上限（低保标准的倍数）", "Deduction cap (× standard)", p.Income.EmploymentCost.CapMultiple.String()+" 倍")
	row("assets.vehicle_value", "机动车价值上限", "Vehicle value limit", yuan(p.Assets.VehicleValue, ""))
	row("assets.deposit_months", "人均金融资产上限（月低保标准的倍数）", "Financial assets per capita (months of the standard)", days(p.Assets.DepositMonths, "个月"))
	row("assets.deposit_months_hardship", "重病、重残家庭金融资产上限", "The same, seriously ill or disabled members", days(p.Assets.DepositMonthsHardship, "个月"))
	row("assets.max_houses", "住房套数上限", "Most houses owned", strconv.Itoa(p.Assets.MaxHouses)+" 套")

	t := p.Tekun
	sec("特困人员供养", "Extreme-poverty support (特困)")
	row("tekun.basic_ratio", "基本生活标准（城市低保标准的倍数）", "Basic standard (× urban standard)", t.BasicRatio.String()+" 倍")
	basic := t.Basic(d.UrbanStandard.Money()).String() + " 元/人·月（" + d.UrbanStandard.String() + " × " + t.BasicRatio.String() + "，" + roundingZh(t.BasicRounding) + "）"
	if t.BasicAmount != nil {
		basic = t.BasicAmount.String() + " 元/人·月（公布额）"
	}
	row("tekun.basic_ratio", "基本生活标准", "Basic living standard", basic)
	for _, c := range []struct {
		key, zh, en string
		a           policy.CareAmounts
	}{{"institution", "集中供养", "institution", t.Care.Institution}, {"home", "分散供养", "at home", t.Care.Home}} {
		row("tekun.care."+c.key+".complete", "照料护理（"+c.zh+"，完全丧失自理能力）", "Care ("+c.en+", complete)", yuan(c.a.Complete, "/人·月"))
		row("tekun.care."+c.key+".partial", "照料护理（"+c.zh+"，部分丧失自理能力）", "Care ("+c.en+", partial)", yuan(c.a.Partial, "/人·月"))
		row("tekun.care."+c.key+".independent", "照料护理（"+c.zh+"，具备自理能力）", "Care ("+c.en+", independent)", yuan(c.a.Independent, "/人·月"))
	}

	sec("医疗救助", "Medical assistance")
	cats := map[string][2]string{policy.MedicalTekun: {"特困人员", "tekun"}, policy.MedicalDibao: {"低保对象", "dibao"},
		policy.MedicalLowIncomeMargin: {"低保边缘家庭成员", "low-income margin"}, policy.MedicalOther: {"其他", "other"}}
	for _, c := range policy.MedicalCategories {
		mc, _ := p.Medical.Get(c)
		for _, visit := range []struct{ key, zh, en string }{{policy.VisitInpatient, "住院", "inpatient"}, {policy.VisitOutpatient, "门诊", "outpatient"}} {
			rule, _ := mc.Get(visit.key)
			path := "medical." + c + "." + visit.key
			row(path, cats[c][0]+"·"+visit.zh, cats[c][1]+", "+visit.en,
				"起付 "+rule.Deductible.String()+" 元；救助比例 "+pct(rule.Ratio)+"；单次上限 "+optYuan(rule.CapPerStay, "")+"；年度上限 "+optYuan(rule.CapAnnual, ""))
		}
	}

	tp := p.Temporary
	sec("临时救助", "Temporary assistance")
	row("temporary.standard_multiple", "救助金额（月低保标准的倍数/人·月）", "Amount (× monthly standard per person-month)", tp.StandardMultiple.String()+" 倍")
	row("temporary.max_months", "最长救助月数", "Most months", days(tp.MaxMonths, "个月"))
	row("temporary.township_limit_multiple", "乡镇审批权限（城市低保标准的倍数）", "Township approval limit (× urban standard)", tp.TownshipLimitMultiple.String()+" 倍")
	row("temporary.times_per_year", "每年救助次数", "Times per year", strconv.Itoa(tp.TimesPerYear)+" 次")
	row("temporary.cap", "单次救助上限", "Cap per award", optYuan(tp.Cap, ""))

	sec("教育、住房、就业救助", "Education, housing and employment")
	row("education.compulsory", "教育救助：义务教育", "Education: compulsory", yuan(p.Education.Compulsory, "/生·年"))
	row("education.high_school", "教育救助：普通高中", "Education: high school", yuan(p.Education.HighSchool, "/生·年"))
	row("education.vocational", "教育救助：中等职业教育", "Education: vocational", yuan(p.Education.Vocational, "/生·年"))
	row("education.college", "教育救助：高等教育", "Education: college", yuan(p.Education.College, "/生·年"))
	row("housing.rent_subsidy", "住房救助：租赁补贴", "Housing: rent subsidy", yuan(p.Housing.RentSubsidy, "/人·月"))
	row("housing.renovation", "住房救助：农村危房改造", "Housing: renovation", yuan(p.Housing.Renovation, "/户"))
	row("employment.public_welfare_job", "就业救助：公益性岗位补贴", "Employment: public-welfare job", yuan(p.Employment.PublicWelfareJob, "/人·月"))
	row("employment.training", "就业救助：培训补贴", "Employment: training", yuan(p.Employment.Training, "/人"))

	pr := p.Procedure
	sec("办理时限", "Deadlines")
	notice := days(pr.NoticeDays, "天")
	if pr.NoticeWorkingDays {
		notice = wd(pr.NoticeDays)
	}
	row("procedure.notice_days", "公示期", "Public notice", notice)
	row("procedure.dibao.variant", "低保审核确认程序", "Dibao procedure", map[string]string{policy.Variant2012: "民发〔2012〕220号", policy.Variant2021: "民发〔2021〕57号"}[pr.Dibao.Variant])
	pd := pr.Dibao
	for _, f := range []struct {
		key, zh, en string
		n           int
	}{
		{"investigation_start", "低保：启动入户调查", "Dibao: start investigation", pd.InvestigationStart},
		{"investigation", "低保：完成调查", "Dibao: complete investigation", pd.Investigation},
		{"verification_start", "低保：启动信息核对", "Dibao: start verification", pd.VerificationStart},
		{"democratic_appraisal", "低保：民主评议", "Dibao: democratic appraisal", pd.DemocraticAppraisal},
		{"county_decision", "低保：县级审批", "Dibao: county decision", pd.CountyDecision},
		{"refusal_notice", "低保：书面告知不予批准", "Dibao: written refusal", pd.RefusalNotice},
		{"total", "低保：全程办理时限", "Dibao: whole procedure", pd.Total},
		{"total_special", "低保：特殊情况全程时限", "Dibao: whole procedure, special cases", pd.TotalSpecial},
		{"total_delegated", "低保：审批权下放乡镇时全程时限", "Dibao: whole procedure, delegated", pd.TotalDelegated},
	} {
		row("procedure.dibao."+f.key, f.zh, f.en, wd(f.n))
	}
	row("procedure.tekun.township", "特困：乡镇审核", "Tekun: township", wd(pr.Tekun.Township))
	row("procedure.tekun.county", "特困：县级审批", "Tekun: county", wd(pr.Tekun.County))
	row("procedure.temporary.emergency_pay_hours", "临时救助：急难先行救助发放", "Temporary: emergency payment", days(pr.Temporary.EmergencyPayHours, "小时"))
	row("procedure.temporary.township_investigation", "临时救助：乡镇调查", "Temporary: township investigation", wd(pr.Temporary.TownshipInvestigation))
	row("procedure.temporary.county_decision", "临时救助：县级审批", "Temporary: county decision", wd(pr.Temporary.CountyDecision))

	rv := p.Review
	sec("动态管理复核周期", "Review frequency")
	row("review.stable_months", "基本稳定家庭", "Stable households", days(rv.StableMonths, "个月"))
	row("review.relatively_stable_months", "短期内相对稳定家庭", "Relatively stable", days(rv.RelativelyStableMonths, "个月"))
	row("review.unstable_months", "收入不稳定家庭（城市）", "Unstable (urban)", days(rv.UnstableMonths, "个月"))
	row("review.unstable_rural_months", "收入不稳定家庭（农村）", "Unstable (rural)", days(rv.UnstableRuralMonths, "个月"))
	return secs
}

var roundingNames = map[money.Rounding]string{
	money.FenHalfUp: "四舍五入到分", money.FenUp: "进位到分", money.FenDown: "舍去到分",
	money.YuanUp: "向上取整到元", money.YuanHalfUp: "四舍五入到元", money.YuanDown: "舍去到元", money.JiaoHalfUp: "四舍五入到角",
}

func roundingZh(r money.Rounding) string {
	if s, ok := roundingNames[r]; ok {
		return s
	}
	return string(r)
}

var incomeKindNames = map[string]string{
	policy.IncomeWages: "工资性收入", policy.IncomeBusiness: "经营净收入", policy.IncomeProperty: "财产净收入",
	policy.IncomeTransfer: "转移净收入", policy.IncomeOther: "其他收入", policy.IncomePensionBasic: "城乡居民基础养老金",
	policy.IncomeReward: "见义勇为等奖励", policy.IncomeAssistance: "政府救助资金和物资", policy.IncomeSpecialCare: "优待抚恤金",
	policy.IncomeFamilyPlanning: "计划生育奖励与扶助金", policy.IncomeScholarship: "奖学金", policy.IncomeElderlyAllowance: "高龄津贴",
}

func incomeKindsZh(kinds []string) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k
		if zh, ok := incomeKindNames[k]; ok {
			names[i] = zh
		}
	}
	if len(names) == 0 {
		return "无"
	}
	return strings.Join(names, "、")
}

// pct writes a proportion as a percentage when it is one exactly.
func pct(r policy.Rate) string {
	if r.Den > 0 && (r.Num*100)%r.Den == 0 {
		return strconv.FormatInt(r.Num*100/r.Den, 10) + "%"
	}
	return r.String()
}

// versionRow is a line of the versions list.
type versionRow struct {
	policy.Published
	Path     string
	InForce  bool
	Selected bool
}

// publishForm holds the publish form's fields.
type publishForm struct {
	Region, Effective, Until, Note, Params, Unverified string
}

func (s *Server) policyPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	s.renderPolicy(w, r, p, http.StatusOK, nil, nil)
}

// renderPolicy shows the versions (of ?region=, else all), the parameters
// of the selected version (?v=REGION@DATE, else the one in force for the
// region) and, for an administrator, the publish form.
func (s *Server) renderPolicy(w http.ResponseWriter, r *http.Request, p access.Principal, code int, form *publishForm, formErr error) {
	if err := p.Require(access.DivisionBrowse); err != nil {
		s.uiError(w, r, err)
		return
	}
	q := r.URL.Query()
	region := strings.TrimSpace(q.Get("region"))
	all, err := s.Policy.Versions(region)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	inForceFor := region
	if inForceFor == "" {
		inForceFor = policy.DefaultRegion
	}
	today := s.Policy.Today()
	selected, err := s.Policy.Resolve(inForceFor, today)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		s.uiError(w, r, err)
		return
	}
	inForce := selected
	if want := q.Get("v"); want != "" {
		for _, v := range all {
			if v.Region+"@"+v.Effective == want {
				selected = v
			}
		}
	}
	tree := s.Divisions.Tree()
	rows := make([]versionRow, 0, len(all))
	for i := len(all) - 1; i >= 0; i-- { // newest first within each region
		v := all[i]
		rows = append(rows, versionRow{Published: v, Path: tree.Path(v.Region),
			InForce:  v.Region == inForce.Region && v.Effective == inForce.Effective,
			Selected: v.Region == selected.Region && v.Effective == selected.Effective})
	}
	data := map[string]any{"Region": region, "Rows": rows, "Today": today, "CanPublish": p.Can(access.PolicyPublish)}
	if selected.Region != "" {
		data["Selected"] = selected
		data["SelectedPath"] = tree.Path(selected.Region)
		data["Sections"] = paramTable(selected.Version)
	}
	if p.Can(access.PolicyPublish) {
		if form == nil {
			form = &publishForm{Region: selected.Region, Effective: today}
			if selected.Region == "" {
				form.Region = inForceFor
			}
			b, _ := json.MarshalIndent(selected.Params, "", "  ")
			form.Params = string(b)
			form.Unverified = strings.Join(selected.Unverified, "\n")
		}
		data["Form"] = form
	}
	v := view{Data: data}
	if q.Get("published") != "" {
		v.Flash = translate(langOf(r), "policy.done") + "：" + q.Get("published")
	}
	if formErr != nil {
		v.Error, v.Field = apperr.Message(formErr, langOf(r)), apperr.FieldOf(formErr)
	}
	s.render(w, r, code, "policy", v)
}

// policyPublishSubmit publishes the form's version: the parameters JSON
// with the region, dates, note and unverified paths around it.
func (s *Server) policyPublishSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := p.Require(access.PolicyPublish); err != nil {
		s.uiError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.uiError(w, r, apperr.Field("body", "表单无法解析", "cannot read the form"))
		return
	}
	f := &publishForm{Region: strings.TrimSpace(r.PostForm.Get("region")), Effective: strings.TrimSpace(r.PostForm.Get("effective")),
		Until: strings.TrimSpace(r.PostForm.Get("until")), Note: strings.TrimSpace(r.PostForm.Get("note")),
		Params: r.PostForm.Get("params"), Unverified: r.PostForm.Get("unverified")}
	unverified := []string{}
	for _, line := range strings.FieldsFunc(f.Unverified, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' }) {
		if line = strings.TrimSpace(line); line != "" {
			unverified = append(unverified, line)
		}
	}
	params := json.RawMessage(bytes.TrimSpace([]byte(f.Params)))
	var pub policy.Published
	var err error
	if !json.Valid(params) {
		err = apperr.Field("params", "参数不是有效的 JSON", "the parameters are not valid JSON")
	} else {
		doc := map[string]any{"region": f.Region, "effective": f.Effective, "note": f.Note, "unverified": unverified, "params": params}
		if f.Until != "" {
			doc["until"] = f.Until
		}
		body, _ := json.Marshal(doc)
		var v policy.Version
		if v, err = policy.DecodeVersion(body); err == nil {
			pub, err = s.Policy.Publish(r.Context(), p, v)
		}
	}
	if err != nil {
		switch apperr.KindOf(err) {
		case apperr.Invalid, apperr.Conflict, apperr.Forbidden:
			s.renderPolicy(w, r, p, s.status(r, err), f, err)
		default:
			s.uiError(w, r, err)
		}
		return
	}
	ref := pub.Region + "@" + pub.Effective
	http.Redirect(w, r, "/policy?v="+url.QueryEscape(ref)+"&published="+url.QueryEscape(ref), http.StatusSeeOther)
}

var weekdayZh = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// calendarDayRow is a line of the calendar page.
type calendarDayRow struct {
	policy.CalendarDay
	WeekdayZh string
}

func calendarRows(days []policy.CalendarDay) []calendarDayRow {
	out := make([]calendarDayRow, 0, len(days))
	for _, d := range days {
		out = append(out, calendarDayRow{CalendarDay: d, WeekdayZh: weekdayZh[d.Date.Weekday()]})
	}
	return out
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	flash := ""
	if n, err := strconv.Atoi(r.URL.Query().Get("imported")); err == nil {
		lang := langOf(r)
		flash = translate(lang, "cal.done") + " " + strconv.Itoa(n) + " " + translate(lang, "cal.entries")
	}
	s.renderCalendar(w, r, p, http.StatusOK, flash, nil, "")
}

func (s *Server) renderCalendar(w http.ResponseWriter, r *http.Request, p access.Principal, code int, flash string, formErr error, text string) {
	if err := p.Require(access.DivisionBrowse); err != nil {
		s.uiError(w, r, err)
		return
	}
	raw := strings.TrimSpace(r.FormValue("year"))
	if raw == "" {
		raw = strconv.Itoa(calendar.FromTime(s.Now()).Year())
	}
	y, err := s.calendarYear(raw)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v := view{Flash: flash, Data: map[string]any{"Year": y, "Holidays": calendarRows(y.Holidays), "Makeup": calendarRows(y.Makeup),
		"Prev": y.Year - 1, "Next": y.Year + 1, "CanImport": p.Can(access.PolicyPublish), "Text": text}}
	if formErr != nil {
		v.Error, v.Field = apperr.Message(formErr, langOf(r)), apperr.FieldOf(formErr)
	}
	s.render(w, r, code, "calendar", v)
}

// calendarImportSubmit imports an uploaded CSV file, or the pasted lines.
func (s *Server) calendarImportSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := p.Require(access.PolicyPublish); err != nil {
		s.uiError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	var src io.Reader
	text := ""
	if err := r.ParseMultipartForm(maxBody); err == nil {
		if f, _, err := r.FormFile("file"); err == nil {
			defer f.Close()
			src = f
		}
	} else if err := r.ParseForm(); err != nil {
		s.uiError(w, r, apperr.Field("body", "表单无法解析", "cannot read the form"))
		return
	}
	if src == nil {
		text = r.FormValue("text")
		src = strings.NewReader(text)
	}
	n, err := s.Calendar.ImportCSV(r.Context(), p, src)
	if err != nil {
		if apperr.Is(err, apperr.Invalid) {
			s.renderCalendar(w, r, p, s.status(r, err), "", err, text)
			return
		}
		s.uiError(w, r, err)
		return
	}
	year := r.FormValue("year")
	http.Redirect(w, r, fmt.Sprintf("/policy/calendar?year=%s&imported=%d", url.QueryEscape(year), n), http.StatusSeeOther)
}
