package web

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/idcard"
	"safetynet/internal/money"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

// The casework UI: intake at the window with its printable receipt (受理回执),
// the work queue, the supervisors' board, tracking, and the case page with
// a form for every step the caller may take now. Every page calls the same
// casework.Service methods as the API in case.go.

func init() {
	for k, v := range caseMessages {
		messages[k] = v
	}
}

// caseMessages are the casework UI's words, merged into messages.
var caseMessages = map[string][2]string{
	"nav.cases":          {"个案办理", "Cases"},
	"nav.board":          {"超期督办", "Overdue board"},
	"cw.queue":           {"我的待办", "My tasks"},
	"cw.new":             {"受理申请", "New application"},
	"cw.track":           {"查询办理进度", "Track a case"},
	"cw.trackHint":       {"受理编号或身份证号码", "Receipt number or resident ID"},
	"cw.household":       {"申请家庭（任一成员身份证号码或家庭编号）", "Household (any member's resident ID, or household number)"},
	"cw.programme":       {"申请项目", "Programme"},
	"cw.unsure":          {"不确定（需求筛查）", "Not sure (needs screen)"},
	"cw.nextStep":        {"下一步", "Next"},
	"cw.track.kind":      {"办理方式", "Track"},
	"cw.applicant":       {"申请人", "Applicant"},
	"cw.materials":       {"已提交的材料", "Materials handed in"},
	"cw.materialsHint":   {"勾选申请人本次已提交的材料；未勾选的将在回执中一次性告知。", "Tick what was handed in; the rest is listed on the receipt at once."},
	"cw.note":            {"备注", "Note"},
	"cw.delegated":       {"县级已委托乡镇审核确认", "The county has delegated confirmation to the township"},
	"cw.submit":          {"登记受理", "Register the application"},
	"cw.screen":          {"需求筛查", "Needs screen"},
	"cw.screenHint":      {"请与申请人逐项确认，勾选符合的情况。", "Go through each question with the applicant and tick what applies."},
	"cw.screenSubmit":    {"筛查", "Screen"},
	"cw.suggestions":     {"建议申请的项目", "Suggested programmes"},
	"cw.noSuggestion":    {"筛查未发现需要救助的情形。", "The screen found no hardship to act on."},
	"cw.applyFor":        {"按此项目申请", "Apply for this"},
	"cw.department":      {"办理部门", "Department"},
	"cw.receipt":         {"受理回执", "Receipt"},
	"cw.tracking":        {"受理编号", "Receipt number"},
	"cw.submitted":       {"申请时间", "Submitted"},
	"cw.window":          {"受理窗口", "Window"},
	"cw.receivedBy":      {"受理人", "Received by"},
	"cw.missing":         {"需补齐的材料（一次性告知）", "Materials still missing (told at once)"},
	"cw.complete":        {"材料齐全。", "All materials have been provided."},
	"cw.nextDue":         {"下一办理时限", "Next deadline"},
	"cw.none":            {"无", "none"},
	"cw.receiptNote":     {"请妥善保管本回执，凭受理编号或身份证号码查询办理进度。", "Keep this receipt; track the case by its number or your resident ID."},
	"cw.toCase":          {"查看案件", "Open the case"},
	"cw.status":          {"状态", "Status"},
	"cw.allOpen":         {"办理中（全部）", "Open (all)"},
	"cw.all":             {"全部（含已办结）", "All (incl. closed)"},
	"cw.filter":          {"筛选", "Filter"},
	"cw.village":         {"村（社区）", "Village"},
	"cw.urgency":         {"时限", "Urgency"},
	"cw.count":           {"件", "cases"},
	"cw.flagged":         {"近亲属备案", "Staff relative"},
	"cw.overdue":         {"已超期", "Overdue"},
	"cw.dueSoon":         {"即将到期", "Due soon"},
	"cw.boardDate":       {"督办日期", "Date"},
	"cw.dueThrough":      {"即将到期截至", "Due soon through"},
	"cw.what":            {"事项", "What"},
	"cw.due":             {"截止日期", "Due"},
	"cw.basis":           {"依据", "Basis"},
	"cw.timeline":        {"办理过程", "Timeline"},
	"cw.deadlines":       {"办理时限", "Deadlines"},
	"cw.actions":         {"可办理的操作", "What you can do now"},
	"cw.noActions":       {"您当前不能对本案件办理任何操作。", "There is nothing you can do on this case now."},
	"cw.step":            {"环节", "Step"},
	"cw.actor":           {"经办人", "By"},
	"cw.role":            {"角色", "Role"},
	"cw.time":            {"时间", "Time"},
	"cw.reason":          {"原因", "Reason"},
	"cw.reasonOpt":       {"原因（可选）", "Reason (optional)"},
	"cw.date":            {"日期（默认今天）", "Date (default: today)"},
	"cw.investigators":   {"调查人员（至少2名）", "Investigators (at least two)"},
	"cw.findings":        {"调查情况", "Findings"},
	"cw.signed":          {"调查表已由调查人员和申请人签字", "The form is signed by the investigators and the applicant"},
	"cw.method":          {"调查方式", "Method"},
	"cw.result":          {"核对结果", "Result"},
	"cw.report":          {"核对报告编号", "Report number"},
	"cw.failed":          {"不能自理的项目", "Activities the person cannot do alone"},
	"cw.assessors":       {"评估人员", "Assessors"},
	"cw.opinion":         {"初审意见", "Opinion"},
	"cw.amount":          {"金额（元）", "Amount (yuan)"},
	"cw.amountOpt":       {"金额（元，低保、特困留空按政策核算）", "Amount (yuan; blank: computed by policy for dibao and 特困)"},
	"cw.tier":            {"分档（可选）", "Tier (optional)"},
	"cw.setting":         {"供养方式", "Setting"},
	"cw.noticeStart":     {"公示开始日期（默认今天）", "Notice starts (default: today)"},
	"cw.objection":       {"异议内容", "Objection"},
	"cw.objectionFrom":   {"异议人（可不填）", "Raised by (optional)"},
	"cw.participants":    {"参会人数", "Participants"},
	"cw.villageReps":     {"其中村民代表人数", "Village representatives among them"},
	"cw.summary":         {"评议情况", "Summary"},
	"cw.delivered":       {"送达日期（默认今天）", "Delivered on (default: today)"},
	"cw.paymentRef":      {"支付凭证号", "Payment reference"},
	"cw.do":              {"办理", "Submit"},
	"cw.done":            {"已办理：", "Done: "},
	"cw.flags":           {"标记", "Flags"},
	"cw.decision":        {"决定", "Decision"},
	"cw.approved":        {"批准", "approved"},
	"cw.refused":         {"不予批准", "refused"},
	"cw.perMonth":        {"元/月", "yuan a month"},
	"cw.from":            {"起", "from"},
	"cw.head":            {"户主", "Head"},
	"cw.printReceipt":    {"打印回执", "Print the receipt"},
	"cw.hhLink":          {"家庭档案", "Household record"},
	"cw.noCases":         {"没有符合条件的案件。", "No cases match."},
	"cw.memberMaterials": {"成员材料", "Members' materials"},
}

func (s *Server) caseUIRoutes() {
	s.mux.HandleFunc("GET /cases", s.ui(s.caseQueuePage))
	s.mux.HandleFunc("POST /cases", s.ui(s.caseIntakeSubmit))
	s.mux.HandleFunc("GET /cases/new", s.ui(s.caseNewPage))
	s.mux.HandleFunc("GET /cases/board", s.ui(s.caseBoardPage))
	s.mux.HandleFunc("GET /cases/track", s.ui(s.caseTrackPage))
	s.mux.HandleFunc("GET /cases/{id}", s.ui(s.casePage))
	s.mux.HandleFunc("GET /cases/{id}/receipt", s.ui(s.caseReceiptPage))
	s.mux.HandleFunc("POST /cases/{id}/actions/{action}", s.ui(s.caseActionSubmit))
}

// ---- shared view models ----

type option struct {
	Value, Label string
	Selected     bool
}

type checkItem struct {
	Name, Value, Label string
	Checked            bool
}

func programmeOptions(lang, selected string, unsure bool) []option {
	out := []option{}
	for _, p := range casework.Programmes {
		out = append(out, option{string(p), pick(lang, p.Zh(), p.En()), string(p) == selected})
	}
	if unsure {
		out = append(out, option{string(casework.Unsure), translate(lang, "cw.unsure"), selected == string(casework.Unsure)})
	}
	return out
}

// trackOptions are the tracks of p; nil when p has only its normal one.
func trackOptions(lang string, p casework.Programme, selected string) []option {
	var ts []casework.Track
	switch p {
	case casework.Temporary:
		ts = []casework.Track{casework.TrackExpenditure, casework.TrackEmergency}
	case casework.Medical:
		ts = []casework.Track{casework.TrackNormal, casework.TrackDirect}
	default:
		return nil
	}
	var out []option
	for _, t := range ts {
		out = append(out, option{string(t), pick(lang, t.Zh(), t.En()), string(t) == selected})
	}
	return out
}

// caseRow is a case in a list.
type caseRow struct {
	ID, Tracking, Programme, Status, Applicant, Head, Village, Submitted, NextDue, Urgency, UrgencyClass string
	Flagged                                                                                              bool
	Urgent                                                                                               []string
}

func (s *Server) caseRowsUI(vs []casework.View, lang string) []caseRow {
	out := []caseRow{}
	for _, v := range vs {
		c := v.Case
		row := caseRow{ID: strconv.FormatInt(c.ID, 10), Tracking: c.Tracking, Programme: pick(lang, c.Programme.Zh(), c.Programme.En()),
			Status: pick(lang, c.Status.Zh(), c.Status.En()), Applicant: c.Applicant.Name, Head: c.Household.HeadName,
			Village: s.Divisions.Tree().Path(c.Household.Village), Submitted: c.SubmittedAt.In(shanghai).Format("2006-01-02 15:04"),
			Urgency: pick(lang, v.Urgency.Zh(), v.Urgency.String()), Flagged: c.Flagged()}
		switch v.Urgency {
		case casework.UrgencyOverdue:
			row.UrgencyClass = "cw-overdue"
		case casework.UrgencyDueSoon:
			row.UrgencyClass = "cw-soon"
		}
		if len(v.Deadlines) > 0 {
			row.NextDue = dateOut(v.Deadlines[0].Due)
		}
		for _, d := range v.Urgent {
			row.Urgent = append(row.Urgent, pick(lang, d.Zh, d.En)+" "+dateOut(d.Due))
		}
		out = append(out, row)
	}
	return out
}

// ---- intake ----

// screenQuestions are the needs screen's questions: form name, Chinese,
// English.
var screenQuestions = [][3]string{
	{"income_below_standard", "家庭人均收入低于当地低保标准", "Income per head below the local dibao standard"},
	{"no_capacity_no_support", "老年人、残疾人或未成年人无劳动能力、无生活来源、无法定赡养抚养扶养义务人（或义务人无履行能力）", "Elderly, disabled or minor person with no capacity to work, no means and no one able to support them"},
	{"illness", "家庭成员患病，医疗费用负担重", "A member is ill with heavy medical costs"},
	{"schooling", "子女上学（在校或即将入学）", "A child in school or about to enrol"},
	{"housing", "住房困难或住危房", "No safe or affordable home"},
	{"unemployed", "有劳动能力的成员失业", "An able member is out of work"},
	{"disaster", "遭受自然灾害", "Hit by a natural disaster"},
	{"sudden_hardship", "遭遇火灾、交通事故、突发重病等突发事件", "Fire, accident, sudden serious illness or other sudden event"},
	{"high_expenditure", "医疗、教育等刚性支出突然超出家庭承受能力", "Necessary spending suddenly beyond what the household can bear"},
	{"other_hardship", "其他困难", "Other hardship"},
	{"recipient", "已享受低保或特困供养", "Already receives dibao or 特困 support"},
}

func screenFrom(v url.Values) casework.ScreenAnswers {
	on := func(k string) bool { return v.Get(k) == "1" }
	return casework.ScreenAnswers{IncomeBelowStandard: on("income_below_standard"), NoCapacityNoSupport: on("no_capacity_no_support"),
		Illness: on("illness"), Schooling: on("schooling"), Housing: on("housing"), Unemployed: on("unemployed"),
		Disaster: on("disaster"), SuddenHardship: on("sudden_hardship"), HighExpenditure: on("high_expenditure"),
		OtherHardship: on("other_hardship"), Recipient: on("recipient")}
}

// intakeForm is the intake form as the user filled it.
type intakeForm struct {
	Household   string // as typed: a resident ID or a household number
	HouseholdID string // the household found
	Programme   string
	Track       string
	ApplicantID string
	Note        string
	Delegated   bool
	Materials   []string
	Values      url.Values // the screen's answers
}

func intakeFormFrom(v url.Values) intakeForm {
	return intakeForm{Household: strings.TrimSpace(v.Get("household")), HouseholdID: strings.TrimSpace(v.Get("household_id")),
		Programme: strings.TrimSpace(v.Get("programme")), Track: v.Get("track"), ApplicantID: v.Get("applicant"),
		Note: v.Get("note"), Delegated: v.Get("delegated") == "1", Materials: v["materials"], Values: v}
}

// findHousehold looks a household up by the resident ID of any member or
// by its number, within p's jurisdiction; errors name the field
// "household".
func (s *Server) findHousehold(r *http.Request, p access.Principal, q string) (registry.Household, error) {
	named := func(err error) error {
		if e, ok := apperr.As(err); ok && e.Kind != apperr.Internal {
			return e.WithField("household")
		}
		return err
	}
	q = strings.TrimSpace(q)
	if q == "" {
		return registry.Household{}, apperr.Field("household", "请输入申请家庭任一成员的身份证号码或家庭编号",
			"give the resident ID of a member of the household, or its number")
	}
	if len(q) == 18 {
		id, err := idcard.Parse(q)
		if err != nil {
			return registry.Household{}, apperr.Field("household", "身份证号码无效，请核对", "the resident ID is not valid")
		}
		per, err := s.Registry.Person(r.Context(), p, id.String())
		if err != nil {
			return registry.Household{}, named(err)
		}
		if per.HouseholdID == 0 {
			return registry.Household{}, apperr.Field("household", "该人员未登记在任何家庭中，请先在家庭档案中登记",
				"the person belongs to no household; register the household first")
		}
		h, err := s.Registry.Household(r.Context(), p, per.HouseholdID)
		return h, named(err)
	}
	n, err := strconv.ParseInt(q, 10, 64)
	if err != nil || n <= 0 {
		return registry.Household{}, apperr.Field("household", "请输入18位身份证号码或家庭编号", "give an 18-character resident ID or a household number")
	}
	h, err := s.Registry.Household(r.Context(), p, n)
	return h, named(err)
}

// formField maps the service's field names to the intake form's.
func formField(f string) string {
	switch {
	case f == "household_id" || strings.HasPrefix(f, "household"):
		return "household"
	case f == "applicant_id_number":
		return "applicant"
	}
	return f
}

func (s *Server) caseNewPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	s.renderIntake(w, r, p, intakeFormFrom(r.URL.Query()), http.StatusOK, nil, r.URL.Query().Get("screened") == "1")
}

// renderIntake renders the intake page for f: the household step, then
// the household found with the programme's materials, or the needs screen.
func (s *Server) renderIntake(w http.ResponseWriter, r *http.Request, p access.Principal, f intakeForm, code int, failure error, screened bool) {
	lang := langOf(r)
	v := view{Title: translate(lang, "cw.new")}
	data := map[string]any{"Form": f, "Programmes": programmeOptions(lang, f.Programme, true)}
	v.Data = data
	fail := func(err error) {
		if v.Error == "" {
			v.Error, v.Field = apperr.Message(err, lang), formField(apperr.FieldOf(err))
			if code == http.StatusOK {
				code = s.status(r, err)
			}
		}
	}
	if failure != nil {
		fail(failure)
	}
	var h *registry.Household
	if f.Household != "" || f.HouseholdID != "" {
		q := f.HouseholdID
		if q == "" {
			q = f.Household
		}
		hh, err := s.findHousehold(r, p, q)
		if err != nil {
			if k := apperr.KindOf(err); k == apperr.Internal || k == apperr.Unauthorized {
				s.uiError(w, r, err)
				return
			}
			fail(err)
		} else {
			h = &hh
		}
	}
	prog := casework.Programme(f.Programme)
	if h != nil {
		head, _ := h.Head()
		data["H"] = h
		data["HID"] = strconv.FormatInt(h.ID, 10)
		data["HeadName"] = head.Name
		data["VillagePath"] = s.Divisions.Tree().Path(h.Village)
		var members []option
		for _, m := range h.Members {
			if m.IDNumber == "" {
				continue
			}
			members = append(members, option{m.IDNumber, m.Name + "（" + relName(lang, m.Relationship) + "）", m.IDNumber == f.ApplicantID})
		}
		data["Members"] = members
	}
	switch {
	case h != nil && prog == casework.Unsure:
		var qs []checkItem
		for _, q := range screenQuestions {
			qs = append(qs, checkItem{Name: q[0], Value: "1", Label: pick(lang, q[1], q[2]), Checked: f.Values.Get(q[0]) == "1"})
		}
		data["Screen"] = qs
		if screened {
			res, err := s.Casework.Intake(r.Context(), p, casework.IntakeInput{HouseholdID: h.ID, Programme: casework.Unsure,
				Screen: screenFrom(f.Values)})
			if err != nil {
				fail(err)
				break
			}
			type sugg struct {
				Name, Department, Href string
				Materials              []string
			}
			out := []sugg{}
			for _, sg := range res.Suggestions {
				x := sugg{Name: pick(lang, sg.Programme.Zh(), sg.Programme.En()), Department: pick(lang, sg.Department.Zh(), sg.Department.En()),
					Href: "/cases/new?household_id=" + strconv.FormatInt(h.ID, 10) + "&programme=" + string(sg.Programme)}
				for _, m := range sg.Materials {
					n := pick(lang, m.Zh, m.En)
					if m.CondZh != "" {
						n += "（" + pick(lang, m.CondZh, m.CondEn) + "）"
					}
					x.Materials = append(x.Materials, n)
				}
				out = append(out, x)
			}
			data["Suggestions"] = out
		}
	case h != nil && prog.Valid():
		data["Tracks"] = trackOptions(lang, prog, f.Track)
		data["CanDelegate"] = prog == casework.Dibao || prog == casework.Tekun
		c := casework.Case{Programme: prog, Track: casework.Track(f.Track), SubmittedAt: s.Now()}
		if prog == casework.Temporary && c.Track == casework.TrackNormal {
			c.Track = casework.TrackExpenditure
		}
		var items []checkItem
		for _, m := range c.MissingMaterials(h) {
			items = append(items, checkItem{Name: "materials", Value: string(m.Key), Label: pick(lang, m.Zh, m.En),
				Checked: slices.Contains(f.Materials, string(m.Key))})
		}
		data["Materials"] = items
	case h != nil && f.Programme != "":
		fail(apperr.Field("programme", "请选择申请项目", "choose a programme"))
	}
	s.render(w, r, code, "case_new", v)
}

func relName(lang string, r registry.Relationship) string {
	if lang == "en" {
		return string(r)
	}
	return r.Zh()
}

func (s *Server) caseIntakeSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := r.ParseForm(); err != nil {
		s.uiError(w, r, apperr.Field("body", "表单无法解析", "cannot read the form"))
		return
	}
	f := intakeFormFrom(r.PostForm)
	if f.Programme == string(casework.Unsure) {
		q := url.Values{"household": {f.Household}, "household_id": {f.HouseholdID}, "programme": {f.Programme}}
		http.Redirect(w, r, "/cases/new?"+q.Encode(), http.StatusSeeOther)
		return
	}
	q := f.HouseholdID
	if q == "" {
		q = f.Household
	}
	h, err := s.findHousehold(r, p, q)
	if err != nil {
		s.renderIntake(w, r, p, f, http.StatusOK, err, false)
		return
	}
	res, err := s.Casework.Intake(r.Context(), p, casework.IntakeInput{HouseholdID: h.ID, Programme: casework.Programme(f.Programme),
		Track: casework.Track(f.Track), ApplicantID: f.ApplicantID, Delegated: f.Delegated, Provided: keysIn(f.Materials), Note: f.Note})
	if err != nil {
		if k := apperr.KindOf(err); k == apperr.Internal || k == apperr.Unauthorized {
			s.uiError(w, r, err)
			return
		}
		s.renderIntake(w, r, p, f, http.StatusOK, err, false)
		return
	}
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(res.Case.Case.ID, 10)+"/receipt", http.StatusSeeOther)
}

// ---- receipt ----

// qrDataURI returns a PNG QR code of text as a data: URI.
func qrDataURI(text string) (template.URL, error) {
	png, err := qrcode.Encode(text, qrcode.Medium, 192)
	if err != nil {
		return "", err
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)), nil
}

func maskedID(s string) string {
	if id, err := idcard.Parse(s); err == nil {
		return id.Mask()
	}
	return s
}

func (s *Server) caseReceiptPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	v, err := s.Casework.Get(r.Context(), p, pathInt64(r, "id"))
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	lang := langOf(r)
	c := v.Case
	qr, err := qrDataURI(c.Tracking)
	if err != nil {
		s.uiError(w, r, apperr.Errorf("receipt QR code: %w", err))
		return
	}
	tree := s.Divisions.Tree()
	window := c.Household.Township()
	if d, ok := tree.Get(window); ok {
		window = d.Name
	}
	dept := c.RoutedTo
	if dept == "" {
		dept = c.Programme.Department()
	}
	var missing []string
	for _, m := range v.Missing {
		missing = append(missing, pick(lang, m.Zh, m.En))
	}
	data := map[string]any{"ID": strconv.FormatInt(c.ID, 10), "Tracking": c.Tracking, "QR": qr,
		"Applicant": c.Applicant.Name, "ApplicantID": maskedID(c.Applicant.IDNumber),
		"Head": c.Household.HeadName, "HouseholdID": strconv.FormatInt(c.Household.ID, 10), "Village": tree.Path(c.Household.Village),
		"Programme": pick(lang, c.Programme.Zh(), c.Programme.En()), "Track": "", "Department": pick(lang, dept.Zh(), dept.En()),
		"Submitted": fmtTime(c.SubmittedAt), "Window": window, "Missing": missing, "Status": pick(lang, c.Status.Zh(), c.Status.En())}
	if c.Track != casework.TrackNormal {
		data["Track"] = pick(lang, c.Track.Zh(), c.Track.En())
	}
	if len(c.Steps) > 0 {
		data["ReceivedBy"] = c.Steps[0].By.Name
	}
	if len(v.Deadlines) > 0 {
		d := v.Deadlines[0]
		data["NextDue"] = dateOut(d.Due) + " " + pick(lang, d.Zh, d.En)
	}
	s.render(w, r, http.StatusOK, "case_receipt", view{Title: translate(lang, "cw.receipt") + " " + c.Tracking, Data: data})
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(shanghai).Format("2006-01-02 15:04:05")
}

// ---- lists ----

func (s *Server) caseQueuePage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	lang := langOf(r)
	q := r.URL.Query()
	f := casework.QueueFilter{Programme: casework.Programme(q.Get("programme")), Limit: 200}
	switch st := strings.TrimSpace(q.Get("status")); st {
	case "":
	case "all":
		f.Statuses = casework.Statuses
	default:
		f.Statuses = []casework.Status{casework.Status(st)}
	}
	v := view{Title: translate(lang, "cw.queue")}
	code := http.StatusOK
	vs, total, err := s.Casework.Queue(r.Context(), p, f)
	if err != nil {
		if apperr.KindOf(err) != apperr.Invalid {
			s.uiError(w, r, err)
			return
		}
		code, v.Error, v.Field = s.status(r, err), apperr.Message(err, lang), apperr.FieldOf(err)
	}
	statuses := []option{{"", translate(lang, "cw.allOpen"), q.Get("status") == ""}, {"all", translate(lang, "cw.all"), q.Get("status") == "all"}}
	for _, st := range casework.Statuses {
		statuses = append(statuses, option{string(st), pick(lang, st.Zh(), st.En()), q.Get("status") == string(st)})
	}
	progs := append([]option{{"", translate(lang, "hh.all"), q.Get("programme") == ""}}, programmeOptions(lang, q.Get("programme"), false)...)
	v.Data = map[string]any{"Rows": s.caseRowsUI(vs, lang), "Total": total, "Statuses": statuses, "Programmes": progs}
	s.render(w, r, code, "case_list", v)
}

func (s *Server) caseBoardPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	lang := langOf(r)
	b, err := s.Casework.Board(r.Context(), p, time.Time{})
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "case_board", view{Title: translate(lang, "nav.board"), Data: map[string]any{
		"Date": dateOut(b.Date), "Through": dateOut(b.Through),
		"Overdue": s.caseRowsUI(b.Overdue, lang), "DueSoon": s.caseRowsUI(b.DueSoon, lang)}})
}

func (s *Server) caseTrackPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	lang := langOf(r)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	v := view{Title: translate(lang, "cw.track")}
	data := map[string]any{"Q": q}
	v.Data = data
	code := http.StatusOK
	if q != "" {
		vs, err := s.Casework.Track(r.Context(), p, q)
		if err != nil {
			if k := apperr.KindOf(err); k != apperr.Invalid && k != apperr.NotFound {
				s.uiError(w, r, err)
				return
			}
			code, v.Error, v.Field = s.status(r, err), apperr.Message(err, lang), apperr.FieldOf(err)
		}
		data["Rows"] = s.caseRowsUI(vs, lang)
	}
	s.render(w, r, code, "case_track", v)
}

// ---- the case page and its steps ----

type stepRow struct {
	Action, To, Actor, Role, At, Note, Reason string
}

type deadlineRow struct {
	What, Due, Basis string
	Overdue, Soon    bool
}

// actionForm is the form of one action: which inputs it needs.
type actionForm struct {
	Action, Name                                                                 string
	Hint                                                                         string // what the step does besides
	Reason, ReasonOpt, Visit, Verification, SelfCare, Opinion, Amount, AmountOpt bool
	Tier, Setting, NoticeStart, Objection, Appraisal, Delivered, PaymentRef      bool
	Materials                                                                    []checkItem
	SelfCareItems                                                                []checkItem
}

func actionFormFor(a casework.Action, v casework.View, lang string) actionForm {
	f := actionForm{Action: string(a), Name: pick(lang, a.Zh(), a.En())}
	switch a {
	case casework.ActionDecline, casework.ActionWithdraw, casework.ActionReinvestigate, casework.ActionRecheck,
		casework.ActionExtend, casework.ActionRefuse:
		f.Reason = true
	case casework.ActionAccept, casework.ActionCompletePaperwork:
		for _, m := range v.Missing {
			f.Materials = append(f.Materials, checkItem{Name: "materials", Value: string(m.Key), Label: pick(lang, m.Zh, m.En)})
		}
	case casework.ActionRecordVisit, casework.ActionCountyVisit:
		f.Visit = true
	case casework.ActionRecordVerification:
		f.Verification = true
	case casework.ActionRequestVerify:
		f.Hint = translate(lang, "vf.stepHint")
	case casework.ActionAssessSelfCare:
		f.SelfCare = true
		for _, act := range registry.SelfCareActivities {
			f.SelfCareItems = append(f.SelfCareItems, checkItem{Name: "failed", Value: act[0], Label: act[1]})
		}
	case casework.ActionReview:
		f.Opinion, f.Amount, f.Tier = true, true, true
	case casework.ActionStartNotice, casework.ActionStartCountyNotice:
		f.NoticeStart = true
	case casework.ActionRecordObjection:
		f.Objection = true
	case casework.ActionRecordAppraisal:
		f.Appraisal = true
	case casework.ActionConfirm:
		f.AmountOpt, f.Tier, f.ReasonOpt = true, true, true
		f.Setting = v.Case.Programme == casework.Tekun
	case casework.ActionPayFirst:
		f.Amount, f.PaymentRef, f.ReasonOpt = true, true, true
	case casework.ActionCompute:
		f.Amount = true
	case casework.ActionPay:
		f.PaymentRef = true
	case casework.ActionNotify:
		f.Delivered = true
	}
	return f
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	v, err := s.Casework.Get(r.Context(), p, pathInt64(r, "id"))
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	flash := ""
	if a := casework.Action(r.URL.Query().Get("done")); a != "" {
		flash = translate(langOf(r), "cw.done") + pick(langOf(r), a.Zh(), a.En())
	}
	s.renderCase(w, r, p, v, http.StatusOK, flash, nil)
}

// renderCase renders the case page of v with code, and failure, when not
// nil, as the error of a refused step.
func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, p access.Principal, v casework.View, code int, flash string, failure error) {
	lang := langOf(r)
	c := v.Case
	tree := s.Divisions.Tree()
	urgent := map[[2]string]bool{}
	for _, d := range v.Urgent {
		urgent[[2]string{string(d.Kind) + string(d.Action), dateOut(d.Due)}] = true
	}
	var deadlines []deadlineRow
	for _, d := range v.Deadlines {
		hit := urgent[[2]string{string(d.Kind) + string(d.Action), dateOut(d.Due)}]
		deadlines = append(deadlines, deadlineRow{What: pick(lang, d.Zh, d.En), Due: dateOut(d.Due), Basis: d.Basis,
			Overdue: hit && v.Urgency == casework.UrgencyOverdue, Soon: hit && v.Urgency == casework.UrgencyDueSoon})
	}
	var steps []stepRow
	for _, st := range c.Steps {
		role := ""
		if st.By.Role != "" {
			role = pick(lang, st.By.Role.Zh(), st.By.Role.En())
		}
		actor := st.By.Name
		if actor == "" {
			actor = st.By.Username
		}
		steps = append(steps, stepRow{Action: pick(lang, st.Action.Zh(), st.Action.En()), To: pick(lang, st.To.Zh(), st.To.En()),
			Actor: actor, Role: role, At: fmtTime(st.At), Note: st.Note, Reason: st.Reason})
	}
	var flags, missing []string
	for _, f := range c.Flags {
		flags = append(flags, pick(lang, f.Zh(), f.En()))
	}
	for _, m := range v.Missing {
		missing = append(missing, pick(lang, m.Zh, m.En))
	}
	// The centre's request for the case, if any: its result is recorded
	// with the report, so the page offers no hand-recorded result then
	// (takeStep refuses it). A role that may not read it sees no line.
	vreq, hasReq, _ := s.caseVerifyRequest(r.Context(), p, v)
	var forms []actionForm
	for _, a := range v.Allowed {
		if a == casework.ActionRecordVerification && hasReq {
			continue
		}
		forms = append(forms, actionFormFor(a, v, lang))
	}
	dept := c.RoutedTo
	if dept == "" {
		dept = c.Programme.Department()
	}
	data := map[string]any{"ID": strconv.FormatInt(c.ID, 10), "Tracking": c.Tracking, "Version": c.Version,
		"Programme": pick(lang, c.Programme.Zh(), c.Programme.En()), "Status": pick(lang, c.Status.Zh(), c.Status.En()),
		"Department": pick(lang, dept.Zh(), dept.En()), "HouseholdID": strconv.FormatInt(c.Household.ID, 10),
		"Head": c.Household.HeadName, "Village": tree.Path(c.Household.Village), "Applicant": c.Applicant.Name,
		"ApplicantID": c.Applicant.IDNumber, "Submitted": fmtTime(c.SubmittedAt), "Flags": flags, "Missing": missing,
		"Steps": steps, "Deadlines": deadlines, "Urgency": pick(lang, v.Urgency.Zh(), v.Urgency.String()),
		"Overdue": v.Urgency == casework.UrgencyOverdue, "Forms": forms}
	if hasReq {
		state := translate(lang, "vf.pending")
		if vreq.Status == verify.RequestDone {
			state = translate(lang, "vf.done")
		}
		data["VerifyRequest"] = map[string]any{"ID": vreq.ID, "State": state, "ReportID": vreq.ReportID,
			"Pending": vreq.Status == verify.RequestPending, "AsOf": vreq.AsOf}
	}
	if c.Track != casework.TrackNormal {
		data["Track"] = pick(lang, c.Track.Zh(), c.Track.En())
	}
	if d := c.Decision; d != nil {
		text := translate(lang, "cw.refused")
		if d.Approved {
			text = translate(lang, "cw.approved") + " " + d.Amount.String()
			if !d.BenefitStart.IsZero() {
				text += " " + translate(lang, "cw.perMonth") + " " + dateOut(d.BenefitStart) + translate(lang, "cw.from")
			}
		} else if d.Reasons != "" {
			text += "：" + d.Reasons
		}
		data["Decision"] = dateOut(d.Date) + " " + text
	}
	vw := view{Title: c.Tracking, Flash: flash, Data: data}
	if failure != nil {
		vw.Error, vw.Field = apperr.Message(failure, lang), apperr.FieldOf(failure)
	}
	s.render(w, r, code, "case_page", vw)
}

func nonEmpty(in []string) []string {
	var out []string
	for _, x := range in {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// stepFromForm reads the inputs of action a from its form.
func stepFromForm(a casework.Action, f url.Values) (casework.StepInput, error) {
	in := casework.StepInput{Note: f.Get("note"), Reason: f.Get("reason"), Opinion: f.Get("opinion"), Tier: strings.TrimSpace(f.Get("tier")),
		Setting: f.Get("setting"), PaymentRef: strings.TrimSpace(f.Get("payment_ref")), Materials: keysIn(nonEmpty(f["materials"]))}
	var err error
	if x := strings.TrimSpace(f.Get("amount")); x != "" {
		m, err := money.Parse(x)
		if err != nil {
			return in, apperr.Field("amount", "金额格式错误："+x, "malformed amount: "+x)
		}
		in.Amount = m
	}
	if in.NoticeStart, err = optDate(f.Get("notice_start"), "notice_start"); err != nil {
		return in, err
	}
	if in.Delivered, err = optDate(f.Get("delivered"), "delivered"); err != nil {
		return in, err
	}
	day, err := optDate(f.Get("date"), "date")
	if err != nil {
		return in, err
	}
	switch a {
	case casework.ActionRecordVisit, casework.ActionCountyVisit:
		in.Visit = &casework.Visit{Date: day, Investigators: nonEmpty(f["investigators"]), Findings: strings.TrimSpace(f.Get("findings")),
			Signed: f.Get("signed") == "1", Method: f.Get("method")}
	case casework.ActionRecordVerification:
		in.Verification = &casework.Verification{Date: day, Result: casework.VerificationResult(f.Get("result")),
			Report: strings.TrimSpace(f.Get("report"))}
	case casework.ActionAssessSelfCare:
		sc := &casework.SelfCareAssessment{Date: day, Assessors: nonEmpty(f["assessors"])}
		for i, act := range registry.SelfCareActivities {
			sc.Failed[i] = slices.Contains(f["failed"], act[0])
		}
		in.SelfCare = sc
	case casework.ActionRecordObjection:
		in.Objection = &casework.Objection{Date: day, From: strings.TrimSpace(f.Get("from")), Content: f.Get("content")}
	case casework.ActionRecordAppraisal:
		n := func(k string) (int, error) {
			x := strings.TrimSpace(f.Get(k))
			if x == "" {
				return 0, nil
			}
			i, err := strconv.Atoi(x)
			if err != nil || i < 0 {
				return 0, apperr.Field("appraisal."+k, "人数须为非负整数", "must be a whole number")
			}
			return i, nil
		}
		ap := &casework.Appraisal{Date: day, Summary: strings.TrimSpace(f.Get("summary"))}
		if ap.Participants, err = n("participants"); err != nil {
			return in, err
		}
		if ap.VillageReps, err = n("village_reps"); err != nil {
			return in, err
		}
		in.Appraisal = ap
	}
	return in, nil
}

func (s *Server) caseActionSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := r.ParseForm(); err != nil {
		s.uiError(w, r, apperr.Field("body", "表单无法解析", "cannot read the form"))
		return
	}
	id := pathInt64(r, "id")
	a := casework.Action(r.PathValue("action"))
	version, _ := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("version")))
	in, err := stepFromForm(a, r.PostForm)
	if err == nil {
		_, _, err = s.takeStep(r.Context(), p, id, version, a, in)
	}
	if err != nil {
		if k := apperr.KindOf(err); k == apperr.NotFound || k == apperr.Unauthorized || k == apperr.Internal {
			s.uiError(w, r, err)
			return
		}
		v, gerr := s.Casework.Get(r.Context(), p, id)
		if gerr != nil {
			s.uiError(w, r, gerr)
			return
		}
		s.renderCase(w, r, p, v, s.status(r, err), "", err)
		return
	}
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10)+"?done="+url.QueryEscape(string(a)), http.StatusSeeOther)
}
