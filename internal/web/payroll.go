package web

import (
	"io"
	"net/http"
	"net/url"
	"strings"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/money"
	"safetynet/internal/payroll"
)

// The payroll (社会化发放): the API under /api/v1/payrolls and the pages
// under /payroll. Both call the same payroll.Service methods.

func init() {
	for k, v := range payrollMessages {
		messages[k] = v
	}
}

var payrollMessages = map[string][2]string{
	"nav.payroll":        {"资金发放", "Payroll"},
	"pay.title":          {"资金发放", "Payroll"},
	"pay.months":         {"发放月份", "Months"},
	"pay.month":          {"月份", "Month"},
	"pay.status":         {"状态", "Status"},
	"pay.counties":       {"县数", "Counties"},
	"pay.computed":       {"已生成", "Computed"},
	"pay.lines":          {"笔数", "Payments"},
	"pay.total":          {"金额（元）", "Amount (yuan)"},
	"pay.none":           {"尚无发放名册。", "No payroll yet."},
	"pay.run":            {"生成发放名册", "Run the payroll"},
	"pay.region":         {"地区代码（留空为本辖区）", "Region code (blank: your jurisdiction)"},
	"pay.recompute":      {"重新计算草稿", "Recompute drafts"},
	"pay.submit":         {"生成", "Run"},
	"pay.summary":        {"汇总", "Summary"},
	"pay.county":         {"县（市、区）", "County"},
	"pay.programme":      {"项目", "Programme"},
	"pay.kind":           {"类别", "Kind"},
	"pay.tier":           {"档次", "Tier"},
	"pay.persons":        {"人数", "Persons"},
	"pay.lineStatus":     {"发放状态", "Payment state"},
	"pay.warnings":       {"提示", "Warnings"},
	"pay.actions":        {"操作", "Actions"},
	"pay.check":          {"核对", "Check"},
	"pay.approve":        {"审批", "Approve"},
	"pay.export":         {"导出银行文件", "Export bank files"},
	"pay.reconcile":      {"对账", "Reconcile"},
	"pay.files":          {"银行文件", "Bank files"},
	"pay.roster":         {"发放公布名单", "Village roster"},
	"pay.village":        {"村（社区）代码", "Village code"},
	"pay.returns":        {"导入银行退回文件", "Import the bank's return file"},
	"pay.upload":         {"导入", "Import"},
	"pay.totPayroll":     {"名册合计", "Payroll"},
	"pay.totExported":    {"已发送银行", "Sent to banks"},
	"pay.totHeld":        {"暂缓（无账户）", "Held (no account)"},
	"pay.totFailed":      {"银行退回", "Returned"},
	"pay.totReissued":    {"本月重发", "Re-issued"},
	"pay.totPaid":        {"实发", "Paid"},
	"pay.done.run":       {"已生成发放名册。", "Payroll computed."},
	"pay.done.check":     {"已核对。", "Checked."},
	"pay.done.approve":   {"已审批，支出已记入资金账。", "Approved; the spending is posted to the funds ledger."},
	"pay.done.export":    {"已导出银行文件。", "Bank files exported."},
	"pay.done.reconcile": {"已对账。", "Reconciled."},
	"pay.done.return":    {"已导入退回文件。", "Return file imported."},
}

func (s *Server) payrollRoutes() {
	s.api("GET /api/v1/payrolls", s.apiPayrolls)
	s.api("GET /api/v1/payrolls/{month}", s.apiPayroll)
	s.api("POST /api/v1/payrolls/{month}/{action}", s.apiPayrollAction)
	s.api("POST /api/v1/payrolls/{month}/adjustments", s.apiPayrollAdjust)
	s.api("POST /api/v1/payrolls/{month}/returns", s.apiPayrollReturn)
	s.api("GET /api/v1/payrolls/{month}/bankfiles/{county}", s.apiBankFiles)
	s.api("GET /api/v1/payrolls/{month}/bankfiles/{county}/{name}", s.apiBankFile)
	s.api("GET /api/v1/payrolls/{month}/rosters/{file}", s.apiRoster)

	s.mux.HandleFunc("GET /payroll", s.ui(s.payrollListPage))
	s.mux.HandleFunc("POST /payroll", s.ui(s.payrollRunSubmit))
	s.mux.HandleFunc("GET /payroll/{month}", s.ui(s.payrollPage))
	s.mux.HandleFunc("POST /payroll/{month}/returns", s.ui(s.payrollReturnSubmit))
	s.mux.HandleFunc("POST /payroll/{month}/{action}", s.ui(s.payrollActionSubmit))
	s.mux.HandleFunc("GET /payroll/{month}/bankfiles/{county}/{name}", s.ui(s.bankFileDownload))
	s.mux.HandleFunc("GET /payroll/{month}/rosters/{file}", s.ui(s.rosterDownload))
}

type countyJSON struct {
	County    string `json:"county"`
	Status    string `json:"status"`
	Computed  bool   `json:"computed"`
	Lines     int    `json:"lines"`
	Total     string `json:"total"`
	Warnings  string `json:"warnings,omitempty"`
	UpdatedBy string `json:"updated_by,omitempty"`
}

type totalJSON struct {
	County    string `json:"county"`
	Programme string `json:"programme"`
	Kind      string `json:"kind"`
	Tier      string `json:"tier"`
	Status    string `json:"status"`
	Lines     int    `json:"lines"`
	Persons   int    `json:"persons"`
	Amount    string `json:"amount"`
}

func summaryJSON(sm payroll.Summary) map[string]any {
	cs := []countyJSON{}
	for _, c := range sm.Counties {
		cs = append(cs, countyJSON{County: c.County, Status: string(c.Status), Computed: c.Computed, Lines: c.Lines,
			Total: c.Total.String(), Warnings: c.Warnings, UpdatedBy: c.UpdatedBy})
	}
	ts := []totalJSON{}
	for _, t := range sm.Totals {
		ts = append(ts, totalJSON{County: t.County, Programme: t.Programme, Kind: t.Kind, Tier: t.Tier, Status: t.Status,
			Lines: t.Lines, Persons: t.Persons, Amount: t.Amount.String()})
	}
	return map[string]any{"month": sm.Month, "region": sm.Region, "status": sm.Status, "lines": sm.Lines,
		"payroll": sm.Payroll.String(), "exported": sm.Exported.String(), "held": sm.Held.String(), "failed": sm.Failed.String(),
		"reissued": sm.Reissued.String(), "paid": sm.Paid.String(), "counties": cs, "totals": ts}
}

func (s *Server) apiPayrolls(w http.ResponseWriter, r *http.Request, p access.Principal) {
	ms, err := s.Payroll.Months(r.Context(), p)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := []map[string]any{}
	for _, m := range ms {
		out = append(out, map[string]any{"month": m.Month, "status": m.Status, "counties": m.Counties,
			"computed": m.Computed, "lines": m.Lines, "total": m.Total.String()})
	}
	writeJSON(w, http.StatusOK, map[string]any{"payrolls": out})
}

func (s *Server) apiPayroll(w http.ResponseWriter, r *http.Request, p access.Principal) {
	sm, err := s.Payroll.Summary(r.Context(), p, r.PathValue("month"), r.URL.Query().Get("region"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, summaryJSON(sm))
}

// payrollAction runs one workflow action for a month and region.
func (s *Server) payrollAction(r *http.Request, p access.Principal, month, action, regionCode string, recompute bool) (any, error) {
	ctx := r.Context()
	switch action {
	case "run":
		res, err := s.Payroll.Run(ctx, p, month, regionCode, recompute)
		return map[string]any{"month": res.Month, "region": res.Region, "counties": res.Counties, "computed": res.Computed,
			"lines": res.Lines, "warnings": res.Warnings}, err
	case "check", "approve":
		f := s.Payroll.Check
		if action == "approve" {
			f = s.Payroll.Approve
		}
		res, err := f(ctx, p, month, regionCode)
		cs := []string{}
		for _, c := range res.Counties {
			cs = append(cs, c.County)
		}
		warns := append([]string{}, res.Warnings...)
		return map[string]any{"counties": cs, "warnings": warns}, err
	case "export":
		res, err := s.Payroll.Export(ctx, p, month, regionCode)
		files := []map[string]any{}
		for _, f := range res.Files {
			files = append(files, map[string]any{"county": f.County, "bank": f.Bank, "name": f.Name(), "count": f.Count,
				"total": f.Total.String(), "url": "/api/v1/payrolls/" + month + "/bankfiles/" + f.County + "/" + url.PathEscape(f.Name())})
		}
		skipped := append([]string{}, res.Skipped...)
		return map[string]any{"files": files, "skipped": skipped}, err
	case "reconcile":
		sm, err := s.Payroll.Reconcile(ctx, p, month, regionCode)
		return summaryJSON(sm), err
	}
	return nil, apperr.New(apperr.NotFound, "未知的操作："+action, "unknown action: "+action)
}

func (s *Server) apiPayrollAction(w http.ResponseWriter, r *http.Request, p access.Principal) {
	var in struct {
		Region    string `json:"region"`
		Recompute bool   `json:"recompute"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &in); err != nil {
			s.apiError(w, r, err)
			return
		}
	}
	out, err := s.payrollAction(r, p, r.PathValue("month"), r.PathValue("action"), in.Region, in.Recompute)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiPayrollAdjust(w http.ResponseWriter, r *http.Request, p access.Principal) {
	var in struct {
		HouseholdID int64  `json:"household_id"`
		PersonID    int64  `json:"person_id"`
		Programme   string `json:"programme"`
		Amount      string `json:"amount"`
		Reason      string `json:"reason"`
		Ref         string `json:"ref"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	amt, err := money.Parse(in.Amount)
	if err != nil {
		s.apiError(w, r, apperr.Field("amount", "金额须为元，最多两位小数", "amount must be yuan with at most two decimals"))
		return
	}
	l, err := s.Payroll.Adjust(r.Context(), p, payroll.AdjustInput{Month: r.PathValue("month"), HouseholdID: in.HouseholdID,
		PersonID: in.PersonID, Programme: in.Programme, Amount: amt, Reason: in.Reason, Ref: in.Ref})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"key": l.Key, "county": l.County, "amount": l.Amount.String()})
}

func (s *Server) apiPayrollReturn(w http.ResponseWriter, r *http.Request, p access.Principal) {
	res, err := s.Payroll.ImportReturn(r.Context(), p, r.PathValue("month"), http.MaxBytesReader(w, r.Body, 64<<20))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"failed": res.Failed, "amount": res.Amount.String(), "already": res.Already})
}

func (s *Server) apiBankFiles(w http.ResponseWriter, r *http.Request, p access.Principal) {
	month := r.PathValue("month")
	files, err := s.Payroll.BankFiles(r.Context(), p, month, r.PathValue("county"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := []map[string]any{}
	for _, f := range files {
		out = append(out, map[string]any{"county": f.County, "bank": f.Bank, "name": f.Name(), "count": f.Count,
			"total": f.Total.String(), "url": "/api/v1/payrolls/" + month + "/bankfiles/" + f.County + "/" + url.PathEscape(f.Name())})
	}
	writeJSON(w, http.StatusOK, map[string]any{"files": out})
}

// bankFile returns one exported file by name (the download is audited).
func (s *Server) bankFile(r *http.Request, p access.Principal) (payroll.BankFile, error) {
	return s.Payroll.BankFile(r.Context(), p, r.PathValue("month"), r.PathValue("county"), r.PathValue("name"))
}

func sendFile(w http.ResponseWriter, name, contentType string, data []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(data)
}

func (s *Server) apiBankFile(w http.ResponseWriter, r *http.Request, p access.Principal) {
	f, err := s.bankFile(r, p)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	sendFile(w, f.Name(), "text/plain; charset=utf-8", f.Data)
}

// roster returns a village's roster file: FILE is VILLAGE.pdf or VILLAGE.xlsx.
func (s *Server) roster(r *http.Request, p access.Principal) (payroll.RosterFile, error) {
	file := r.PathValue("file")
	village, ext, _ := strings.Cut(file, ".")
	files, err := s.Payroll.Rosters(r.Context(), p, r.PathValue("month"), village)
	if err != nil {
		return payroll.RosterFile{}, err
	}
	for _, f := range files {
		if strings.HasSuffix(f.Name, "."+ext) {
			return f, nil
		}
	}
	return payroll.RosterFile{}, apperr.New(apperr.NotFound, "名单格式须为 pdf 或 xlsx", "the roster comes as pdf or xlsx")
}

func (s *Server) apiRoster(w http.ResponseWriter, r *http.Request, p access.Principal) {
	f, err := s.roster(r, p)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	sendFile(w, f.Name, f.ContentType, f.Data)
}

// The pages.

func (s *Server) payrollListPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	ms, err := s.Payroll.Months(r.Context(), p)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	lang := langOf(r)
	s.render(w, r, http.StatusOK, "payroll_list", view{Title: translate(lang, "pay.title"), Data: map[string]any{
		"Months": ms, "CanRun": p.Can(access.PayrollPrepare)}})
}

func (s *Server) payrollRunSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := r.ParseForm(); err != nil {
		s.uiError(w, r, apperr.Field("body", "表单无法解析", "cannot read the form"))
		return
	}
	month := strings.TrimSpace(r.PostForm.Get("month"))
	regionCode := strings.TrimSpace(r.PostForm.Get("region"))
	if _, err := s.payrollAction(r, p, month, "run", regionCode, r.PostForm.Get("recompute") == "1"); err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/payroll/"+url.PathEscape(month)+"?region="+url.QueryEscape(regionCode)+"&done=run", http.StatusSeeOther)
}

// payrollWords name the payroll's codes on the pages.
var payrollWords = map[string][2]string{
	"dibao": {"最低生活保障", "Dibao"}, "tekun": {"特困人员供养", "Extreme poverty"},
	"regular": {"正常发放", "Regular"}, "reissue": {"退回重发", "Re-issue"}, "adjustment": {"补发调整", "Adjustment"},
	"pending": {"待发", "Pending"}, "exported": {"已发送", "Sent"}, "held": {"暂缓（无账户）", "Held (no account)"}, "failed": {"银行退回", "Returned"},
	"institution": {"集中供养", "Institution"}, "home": {"分散供养", "At home"}, "": {"补差", "Gap"},
	"A": {"A类", "A"}, "B": {"B类", "B"}, "C": {"C类", "C"},
}

func payrollWord(lang, code string) string {
	if w, ok := payrollWords[code]; ok {
		return pick(lang, w[0], w[1])
	}
	return code
}

type payrollRow struct {
	County, Programme, Kind, Tier, Status, Amount string
	Lines, Persons                                int
}

type payrollFileLink struct {
	Name, Href, Bank, Total string
	Count                   int
}

func (s *Server) payrollPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	month, regionCode := r.PathValue("month"), r.URL.Query().Get("region")
	sm, err := s.Payroll.Summary(r.Context(), p, month, regionCode)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	lang := langOf(r)
	tree := s.Divisions.Tree()
	var files []payrollFileLink
	if p.Can(access.PayrollPrepare) {
		for _, c := range sm.Counties {
			if c.Status.Before(payroll.Exported) {
				continue
			}
			fs, err := s.Payroll.BankFiles(r.Context(), p, month, c.County)
			if err != nil {
				s.uiError(w, r, err)
				return
			}
			for _, f := range fs {
				files = append(files, payrollFileLink{Name: f.Name(), Bank: f.Bank, Count: f.Count, Total: f.Total.String(),
					Href: "/payroll/" + month + "/bankfiles/" + f.County + "/" + url.PathEscape(f.Name())})
			}
		}
	}
	countyNames := map[string]string{}
	for _, c := range sm.Counties {
		countyNames[c.County] = tree.Path(c.County)
	}
	var rows []payrollRow
	for _, t := range sm.Totals {
		rows = append(rows, payrollRow{County: countyNames[t.County], Programme: payrollWord(lang, t.Programme),
			Kind: payrollWord(lang, t.Kind), Tier: payrollWord(lang, t.Tier), Status: payrollWord(lang, t.Status),
			Amount: t.Amount.String(), Lines: t.Lines, Persons: t.Persons})
	}
	flash := ""
	if d := r.URL.Query().Get("done"); d != "" {
		flash = translate(lang, "pay.done."+d)
	}
	s.render(w, r, http.StatusOK, "payroll", view{Title: translate(lang, "pay.title") + " " + month, Flash: flash, Data: map[string]any{
		"S": sm, "Region": regionCode, "Names": countyNames, "Files": files, "Rows": rows,
		"CanPrepare": p.Can(access.PayrollPrepare), "CanApprove": p.Can(access.PayrollApprove)}})
}

func (s *Server) payrollActionSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := r.ParseForm(); err != nil {
		s.uiError(w, r, apperr.Field("body", "表单无法解析", "cannot read the form"))
		return
	}
	month, action, regionCode := r.PathValue("month"), r.PathValue("action"), r.PostForm.Get("region")
	if _, err := s.payrollAction(r, p, month, action, regionCode, r.PostForm.Get("recompute") == "1"); err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/payroll/"+url.PathEscape(month)+"?region="+url.QueryEscape(regionCode)+"&done="+url.QueryEscape(action), http.StatusSeeOther)
}

func (s *Server) payrollReturnSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	month := r.PathValue("month")
	file, _, err := r.FormFile("file")
	if err != nil {
		s.uiError(w, r, apperr.Field("file", "请选择退回文件", "choose the return file"))
		return
	}
	defer file.Close()
	if _, err := s.Payroll.ImportReturn(r.Context(), p, month, io.LimitReader(file, 64<<20)); err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/payroll/"+url.PathEscape(month)+"?region="+url.QueryEscape(r.FormValue("region"))+"&done=return", http.StatusSeeOther)
}

func (s *Server) bankFileDownload(w http.ResponseWriter, r *http.Request, p access.Principal) {
	f, err := s.bankFile(r, p)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	sendFile(w, f.Name(), "text/plain; charset=utf-8", f.Data)
}

func (s *Server) rosterDownload(w http.ResponseWriter, r *http.Request, p access.Principal) {
	f, err := s.roster(r, p)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	sendFile(w, f.Name, f.ContentType, f.Data)
}
