package web

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/funds"
	"safetynet/internal/money"
)

// The funds pages: the overview of balances and burn rate, the ledger
// (budgets, allocations, spending by hand, with their forms) and the
// incentive pool (scores, preview, commit, print, Excel).

func (s *Server) fundsUIRoutes() {
	s.mux.HandleFunc("GET /funds", s.ui(s.fundsOverviewPage))
	s.mux.HandleFunc("GET /funds/ledger", s.ui(s.fundsLedgerPage))
	s.mux.HandleFunc("POST /funds/budgets", s.ui(s.fundsBudgetSubmit))
	s.mux.HandleFunc("POST /funds/allocations", s.ui(s.fundsAllocateSubmit))
	s.mux.HandleFunc("POST /funds/postings", s.ui(s.fundsPostSubmit))
	s.mux.HandleFunc("GET /funds/incentive", s.ui(s.fundsIncentivePage))
	s.mux.HandleFunc("POST /funds/incentive/scores", s.ui(s.fundsScoresSubmit))
	s.mux.HandleFunc("POST /funds/incentive/commit", s.ui(s.fundsCommitSubmit))
	s.mux.HandleFunc("GET /funds/incentive/export", s.ui(s.fundsIncentiveExport))
}

func init() {
	maps.Copy(messages, fundsMessages)
	funcs["progName"] = func(lang string, p any) string {
		pr := casework.Programme(fmt.Sprint(p))
		if lang == "en" {
			return pr.En()
		}
		return pr.Zh()
	}
	funcs["fundsLevel"] = func(lang string, l funds.Level) string {
		if lang == "en" {
			return l.En()
		}
		return l.Zh()
	}
	funcs["fundsKind"] = func(k funds.Kind) string { return k.Zh() }
	funcs["fundsSource"] = func(lang string, s funds.Source) string {
		if n, ok := fundsSourceNames[s]; ok {
			return pick(lang, n[0], n[1])
		}
		return string(s)
	}
	// yuan shows an amount with thousands separators: the funds pages
	// show sums of hundreds of millions.
	funcs["yuan"] = groupedYuan
	funcs["gradeName"] = func(g funds.Grade) string { return g.Zh() }
	funcs["score"] = func(t int) string {
		if t < 0 {
			return "—"
		}
		return funds.FormatScore(t)
	}
}

var fundsSourceNames = map[funds.Source][2]string{
	funds.FromPayroll: {"发放名册", "Payroll"},
	funds.ByHand:      {"手工登记", "By hand"},
}

// groupedYuan formats m as yuan with a comma every three digits
// ("1,215,000,000.00").
func groupedYuan(m money.Money) string {
	s := m.String()
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	dot := strings.IndexByte(s, '.')
	whole, frac := s[:dot], s[dot:]
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String() + frac
}

var fundsMessages = map[string][2]string{
	"nav.funds":          {"资金管理", "Funds"},
	"funds.title":        {"资金总览", "Funds overview"},
	"funds.ledger":       {"预算与下拨", "Budgets and allocations"},
	"funds.incentive":    {"以奖代补", "Incentive pool"},
	"funds.year":         {"年度", "Year"},
	"funds.region":       {"区划", "Division"},
	"funds.programme":    {"救助项目", "Programme"},
	"funds.all":          {"全部", "All"},
	"funds.show":         {"查看", "Show"},
	"funds.budgeted":     {"本级预算", "Budgeted"},
	"funds.in":           {"上级下拨", "Allocated in"},
	"funds.out":          {"下拨下级", "Allocated out"},
	"funds.spent":        {"已支出", "Spent"},
	"funds.balance":      {"结余", "Balance"},
	"funds.rate":         {"月均支出", "Per month"},
	"funds.projected":    {"全年预计支出", "Projected year"},
	"funds.monthsLeft":   {"可支付月数", "Months left"},
	"funds.short":        {"预计不足", "Projected short"},
	"funds.none":         {"没有记录", "Nothing recorded"},
	"funds.hiddenRows":   {"另有 %d 个县（市、区）未评分且无保障人数，分配为零，未列出。", "%d more counties, neither scored nor with anyone on dibao, get nothing and are not listed. "},
	"funds.elapsedHelp":  {"月均支出 = 已支出 ÷ 已过月数（当月计入）；全年预计 = 月均 × 12；可支付月数 = 结余 ÷ 月均。", "Per month = spent ÷ months gone (this month included); projected = per month × 12; months left = balance ÷ per month."},
	"funds.budgets":      {"预算", "Budgets"},
	"funds.addBudget":    {"录入预算", "Enter a budget"},
	"funds.level":        {"资金级次", "Level"},
	"funds.holder":       {"预算单位（区划代码）", "Holder (division code)"},
	"funds.amount":       {"金额（元）", "Amount (yuan)"},
	"funds.docNo":        {"文号", "Document no."},
	"funds.description":  {"资金来源说明", "Source"},
	"funds.save":         {"保存", "Save"},
	"funds.allocations":  {"资金下拨", "Allocations"},
	"funds.allocate":     {"下拨资金", "Allocate"},
	"funds.from":         {"拨出单位", "From"},
	"funds.to":           {"拨入单位", "To"},
	"funds.kind":         {"类别", "Kind"},
	"funds.note":         {"备注", "Note"},
	"funds.postings":     {"资金支出", "Spending"},
	"funds.post":         {"登记非发放支出", "Post spending paid by hand"},
	"funds.ref":          {"支出凭证号", "Reference"},
	"funds.month":        {"月份", "Month"},
	"funds.county":       {"县（区划代码）", "County (code)"},
	"funds.source":       {"来源", "Source"},
	"funds.by":           {"录入人", "By"},
	"funds.saved":        {"已保存", "Saved"},
	"funds.scores":       {"绩效评分与保障人数", "Scores and caseloads"},
	"funds.score":        {"绩效评分", "Score"},
	"funds.caseload":     {"保障人数", "Caseload"},
	"funds.caseloadHelp": {"留空则按户籍系统中在保低保人数统计", "leave empty to count the registry's dibao recipients"},
	"funds.csv":          {"批量导入（CSV：县代码,评分,保障人数,说明）", "Import (CSV: county,score,caseload,note)"},
	"funds.preview":      {"试算", "Preview"},
	"funds.commit":       {"确认分配并下拨", "Commit and allocate"},
	"funds.committed":    {"已分配", "Committed"},
	"funds.export":       {"导出 Excel", "Export to Excel"},
	"funds.print":        {"打印", "Print"},
	"funds.base":         {"省级低保预算", "Provincial dibao budget"},
	"funds.pool":         {"奖补资金", "Pool"},
	"funds.poolShare":    {"奖补比例", "Pool share"},
	"funds.workShare":    {"工作经费比例", "Work-funds share"},
	"funds.work":         {"工作经费", "Work funds"},
	"funds.awards":       {"奖励资金", "Awards"},
	"funds.asOf":         {"人数统计日期", "Caseload as of"},
	"funds.grade":        {"等次", "Grade"},
	"funds.factor":       {"系数", "Factor"},
	"funds.weight":       {"权重", "Weight"},
	"funds.total":        {"合计", "Total"},
	"funds.formula":      {"分配办法：奖补资金 = 省级低保预算 × 奖补比例；工作经费 = 奖补资金 × 工作经费比例，按各县保障人数分配；其余为奖励资金，按“等次系数 × 保障人数”分配给评为合格及以上的县（优秀 ≥90 分 ×120%，良好 ≥80 分 ×100%，合格 ≥60 分 ×80%，不合格 0）；各份按最大余额法精确到分，合计等于总额。奖补比例和工作经费比例（均为 10%）出处待核实。", "Pool = provincial dibao budget × pool share; work funds = pool × work share, split by caseload; the rest is split among counties graded pass or better by grade factor × caseload (excellent ≥90 ×120%, good ≥80 ×100%, pass ≥60 ×80%, fail 0); every split to the fen by the largest-remainder method. The 10% shares are unverified."},
	"funds.notCommitted": {"本年度尚未分配", "Not committed for the year"},
}

func (s *Server) fundsYear(r *http.Request) int {
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= 2100 {
		return y
	}
	if y, err := strconv.Atoi(r.PostFormValue("year")); err == nil && y >= 2000 && y <= 2100 {
		return y
	}
	return s.Now().In(shanghai).Year()
}

type accountRow struct {
	funds.Account
	Balance money.Money
}

func (s *Server) fundsOverviewPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	year := s.fundsYear(r)
	q := funds.Query{Year: year, Region: r.URL.Query().Get("region"), Programme: r.URL.Query().Get("programme")}
	accs, err := s.Funds.Balances(r.Context(), p, q)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	rows := make([]accountRow, 0, len(accs))
	for _, a := range accs {
		rows = append(rows, accountRow{a, a.Balance()})
	}
	s.render(w, r, http.StatusOK, "funds_overview", view{Data: map[string]any{
		"Year": year, "Region": q.Region, "Programme": q.Programme, "Rows": rows, "Programmes": casework.Programmes}})
}

func (s *Server) fundsLedgerPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	s.renderLedger(w, r, p, http.StatusOK, r.URL.Query().Get("saved"), "", nil)
}

func (s *Server) renderLedger(w http.ResponseWriter, r *http.Request, p access.Principal, code int, flash, errMsg string, form url.Values) {
	year := s.fundsYear(r)
	q := funds.Query{Year: year, Limit: 500}
	bs, err := s.Funds.Budgets(r.Context(), p, q)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	as, err := s.Funds.Allocations(r.Context(), p, q)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	ps, err := s.Funds.Postings(r.Context(), p, q)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	t := s.Divisions.Tree()
	names := map[string]string{}
	for _, b := range bs {
		names[b.Region] = t.Path(b.Region)
	}
	for _, a := range as {
		names[a.From], names[a.To] = t.Path(a.From), t.Path(a.To)
	}
	for _, x := range ps {
		names[x.County] = t.Path(x.County)
	}
	if form == nil {
		form = url.Values{}
	}
	var manual []casework.Programme
	for _, pr := range casework.Programmes {
		if !funds.PaidByPayroll(pr) {
			manual = append(manual, pr)
		}
	}
	s.render(w, r, code, "funds_ledger", view{Flash: flash, Error: errMsg, Data: map[string]any{
		"Year": year, "Budgets": bs, "Allocations": as, "Postings": ps, "Names": names, "Form": form,
		"CanManage": p.Can(access.FundsManage), "Programmes": casework.Programmes, "Manual": manual, "Levels": funds.Levels,
		"Own": p.Region}})
}

func parseYuanForm(v, field string) (money.Money, error) {
	m, err := money.Parse(v)
	if err != nil {
		return 0, apperr.Field(field, "金额格式有误（元，最多两位小数）", "not an amount of yuan with at most two decimals")
	}
	return m, nil
}

func (s *Server) ledgerResult(w http.ResponseWriter, r *http.Request, p access.Principal, err error) {
	if err != nil {
		if apperr.Is(err, apperr.Unauthorized) {
			s.uiError(w, r, err)
			return
		}
		msg := apperr.Message(err, langOf(r))
		if f := apperr.FieldOf(err); f != "" {
			msg += "（" + f + "）"
		}
		s.renderLedger(w, r, p, s.status(r, err), "", msg, r.PostForm)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/funds/ledger?year=%d&saved=%s", s.fundsYear(r), url.QueryEscape(translate(langOf(r), "funds.saved"))), http.StatusSeeOther)
}

func (s *Server) fundsBudgetSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	amt, err := parseYuanForm(r.PostFormValue("amount"), "amount")
	if err == nil {
		year, _ := strconv.Atoi(r.PostFormValue("year"))
		_, err = s.Funds.AddBudget(r.Context(), p, funds.NewBudget{Year: year, Programme: r.PostFormValue("programme"),
			Level: r.PostFormValue("level"), Region: strings.TrimSpace(r.PostFormValue("region")), Amount: amt,
			DocNo: r.PostFormValue("doc_no"), Description: r.PostFormValue("description")})
	}
	s.ledgerResult(w, r, p, err)
}

func (s *Server) fundsAllocateSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	amt, err := parseYuanForm(r.PostFormValue("amount"), "amount")
	if err == nil {
		year, _ := strconv.Atoi(r.PostFormValue("year"))
		_, err = s.Funds.Allocate(r.Context(), p, funds.NewAllocation{Year: year, Programme: r.PostFormValue("programme"),
			From: strings.TrimSpace(r.PostFormValue("from")), To: strings.TrimSpace(r.PostFormValue("to")), Amount: amt,
			DocNo: r.PostFormValue("doc_no"), Note: r.PostFormValue("note")})
	}
	s.ledgerResult(w, r, p, err)
}

func (s *Server) fundsPostSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	amt, err := parseYuanForm(r.PostFormValue("amount"), "amount")
	if err == nil {
		var acc funds.Account
		acc, err = s.Funds.PostByHand(r.Context(), p, funds.Posting{Ref: r.PostFormValue("ref"), Month: r.PostFormValue("month"),
			County: strings.TrimSpace(r.PostFormValue("county")), Programme: r.PostFormValue("programme"), Amount: amt,
			Note: r.PostFormValue("note")})
		if err == nil {
			if warn := overspend(acc, langOf(r)); warn != "" {
				s.renderLedger(w, r, p, http.StatusOK, translate(langOf(r), "funds.saved"), warn, nil)
				return
			}
		}
	}
	s.ledgerResult(w, r, p, err)
}

func (s *Server) fundsIncentivePage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	s.renderIncentive(w, r, p, http.StatusOK, r.URL.Query().Get("saved"), "", r.URL.Query().Get("preview") != "")
}

func (s *Server) renderIncentive(w http.ResponseWriter, r *http.Request, p access.Principal, code int, flash, errMsg string, preview bool) {
	year := s.fundsYear(r)
	scores, err := s.Funds.Scores(r.Context(), p, year)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	t := s.Divisions.Tree()
	names := map[string]string{}
	for _, sc := range scores {
		names[sc.County] = t.Path(sc.County)
	}
	data := map[string]any{"Year": year, "Scores": scores, "Names": names, "CanManage": p.Can(access.FundsManage)}
	pool, err := s.Funds.IncentivePool(r.Context(), p, year)
	switch {
	case err == nil:
		data["Pool"] = pool
	case !apperr.Is(err, apperr.NotFound):
		s.uiError(w, r, err)
		return
	case preview:
		prev, err := s.Funds.ComputeIncentive(r.Context(), p, year, funds.PoolParams{})
		if err != nil {
			errMsg = apperr.Message(err, langOf(r))
		} else {
			data["Pool"] = prev
		}
	}
	if pool, ok := data["Pool"].(funds.Pool); ok {
		// The table lists the counties the pool concerns: a county neither
		// scored nor with anyone on dibao gets nothing, and 120 such rows
		// of zeros would bury the others; the note counts them.
		var rows []funds.PoolRow
		for _, x := range pool.Rows {
			if x.Score >= 0 || x.Caseload != 0 || x.Total() != 0 {
				rows = append(rows, x)
			}
		}
		data["Hidden"] = len(pool.Rows) - len(rows)
		pool.Rows = rows
		data["Pool"] = pool
	}
	s.render(w, r, code, "funds_incentive", view{Flash: flash, Error: errMsg, Data: data})
}

func (s *Server) incentiveResult(w http.ResponseWriter, r *http.Request, p access.Principal, err error, extra string) {
	if err != nil {
		if apperr.Is(err, apperr.Unauthorized) {
			s.uiError(w, r, err)
			return
		}
		msg := apperr.Message(err, langOf(r))
		if f := apperr.FieldOf(err); f != "" {
			msg += "（" + f + "）"
		}
		s.renderIncentive(w, r, p, s.status(r, err), "", msg, false)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/funds/incentive?year=%d&saved=%s%s", s.fundsYear(r), url.QueryEscape(translate(langOf(r), "funds.saved")), extra), http.StatusSeeOther)
}

func (s *Server) fundsScoresSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	year := s.fundsYear(r)
	var err error
	if csv := strings.TrimSpace(r.PostFormValue("csv")); csv != "" {
		_, err = s.Funds.ImportScores(r.Context(), p, year, strings.NewReader(csv))
	} else {
		_, err = s.Funds.PutScore(r.Context(), p, funds.NewScore{Year: year, County: strings.TrimSpace(r.PostFormValue("county")),
			Score: r.PostFormValue("score"), Caseload: r.PostFormValue("caseload"), Note: r.PostFormValue("note")})
	}
	s.incentiveResult(w, r, p, err, "")
}

func (s *Server) fundsCommitSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	_, err := s.Funds.CommitIncentive(r.Context(), p, s.fundsYear(r), funds.PoolParams{}, r.PostFormValue("doc_no"))
	s.incentiveResult(w, r, p, err, "")
}

func (s *Server) fundsIncentiveExport(w http.ResponseWriter, r *http.Request, p access.Principal) {
	pool, err := s.Funds.IncentivePool(r.Context(), p, s.fundsYear(r))
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	writeIncentiveXLSX(w, pool)
}
