package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/funds"
	"safetynet/internal/money"
	"safetynet/internal/policy"
)

// The funds ledger's API: budgets, allocations, spending, balances and the
// incentive pool. Money is a string of yuan ("1640.00") as everywhere.

func (s *Server) fundsRoutes() {
	s.api("GET /api/v1/funds/budgets", s.apiFundsBudgets)
	s.api("POST /api/v1/funds/budgets", s.apiFundsAddBudget)
	s.api("GET /api/v1/funds/allocations", s.apiFundsAllocations)
	s.api("POST /api/v1/funds/allocations", s.apiFundsAllocate)
	s.api("GET /api/v1/funds/postings", s.apiFundsPostings)
	s.api("POST /api/v1/funds/postings", s.apiFundsPost)
	s.api("GET /api/v1/funds/balances", s.apiFundsBalances)
	s.api("GET /api/v1/funds/available", s.apiFundsAvailable)
	s.api("GET /api/v1/funds/incentive/{year}", s.apiIncentivePool)
	s.api("GET /api/v1/funds/incentive/{year}/scores", s.apiIncentiveScores)
	s.api("POST /api/v1/funds/incentive/{year}/scores", s.apiIncentiveImportScores)
	s.api("PUT /api/v1/funds/incentive/{year}/scores/{county}", s.apiIncentivePutScore)
	s.api("POST /api/v1/funds/incentive/{year}/compute", s.apiIncentiveCompute)
	s.api("POST /api/v1/funds/incentive/{year}/commit", s.apiIncentiveCommit)
	s.api("GET /api/v1/funds/incentive/{year}/export", s.apiIncentiveExport)
	s.fundsUIRoutes()
}

type budgetJSON struct {
	ID          int64       `json:"id,string"`
	Year        int         `json:"year"`
	Programme   string      `json:"programme"`
	Level       string      `json:"level"`
	Region      string      `json:"region"`
	RegionName  string      `json:"region_name"`
	Amount      policy.Yuan `json:"amount"`
	DocNo       string      `json:"doc_no"`
	Description string      `json:"description"`
	CreatedBy   string      `json:"created_by"`
	CreatedAt   time.Time   `json:"created_at"`
}

func (s *Server) budgetOut(b funds.Budget) budgetJSON {
	return budgetJSON{ID: b.ID, Year: b.Year, Programme: string(b.Programme), Level: string(b.Level), Region: b.Region,
		RegionName: s.Divisions.Tree().Path(b.Region), Amount: policy.Yuan(b.Amount), DocNo: b.DocNo,
		Description: b.Description, CreatedBy: b.CreatedBy, CreatedAt: b.CreatedAt}
}

type allocationJSON struct {
	ID        int64       `json:"id,string"`
	Year      int         `json:"year"`
	Programme string      `json:"programme"`
	From      string      `json:"from"`
	FromName  string      `json:"from_name"`
	To        string      `json:"to"`
	ToName    string      `json:"to_name"`
	Amount    policy.Yuan `json:"amount"`
	Kind      string      `json:"kind"`
	DocNo     string      `json:"doc_no"`
	Note      string      `json:"note"`
	PoolID    int64       `json:"pool_id,string,omitempty"`
	CreatedBy string      `json:"created_by"`
	CreatedAt time.Time   `json:"created_at"`
}

func (s *Server) allocationOut(a funds.Allocation) allocationJSON {
	t := s.Divisions.Tree()
	return allocationJSON{ID: a.ID, Year: a.Year, Programme: string(a.Programme), From: a.From, FromName: t.Path(a.From),
		To: a.To, ToName: t.Path(a.To), Amount: policy.Yuan(a.Amount), Kind: string(a.Kind), DocNo: a.DocNo, Note: a.Note,
		PoolID: a.PoolID, CreatedBy: a.CreatedBy, CreatedAt: a.CreatedAt}
}

type postingJSON struct {
	Ref        string      `json:"ref"`
	Month      string      `json:"month"`
	County     string      `json:"county"`
	CountyName string      `json:"county_name"`
	Programme  string      `json:"programme"`
	Amount     policy.Yuan `json:"amount"`
	Source     string      `json:"source"`
	Note       string      `json:"note"`
	CreatedBy  string      `json:"created_by"`
	CreatedAt  time.Time   `json:"created_at"`
}

func (s *Server) postingOut(p funds.Posting) postingJSON {
	return postingJSON{Ref: p.Ref, Month: p.Month, County: p.County, CountyName: s.Divisions.Tree().Path(p.County),
		Programme: p.Programme, Amount: policy.Yuan(p.Amount), Source: string(p.Source), Note: p.Note,
		CreatedBy: p.CreatedBy, CreatedAt: p.CreatedAt}
}

type accountJSON struct {
	Region       string      `json:"region"`
	RegionName   string      `json:"region_name"`
	Level        string      `json:"level"`
	Programme    string      `json:"programme"`
	Budgeted     policy.Yuan `json:"budgeted"`
	AllocatedIn  policy.Yuan `json:"allocated_in"`
	AllocatedOut policy.Yuan `json:"allocated_out"`
	Spent        policy.Yuan `json:"spent"`
	Balance      policy.Yuan `json:"balance"`
	Elapsed      int         `json:"elapsed_months"`
	MonthlyRate  policy.Yuan `json:"monthly_rate"`
	Projected    policy.Yuan `json:"projected_year"`
	MonthsLeft   *string     `json:"months_left"` // null without spending to go by
	Short        bool        `json:"short"`
}

func accountOut(a funds.Account) accountJSON {
	out := accountJSON{Region: a.Region, RegionName: a.Name, Level: a.Level.String(), Programme: string(a.Programme),
		Budgeted: policy.Yuan(a.Budgeted), AllocatedIn: policy.Yuan(a.In), AllocatedOut: policy.Yuan(a.Out),
		Spent: policy.Yuan(a.Spent), Balance: policy.Yuan(a.Balance()), Elapsed: a.Elapsed, MonthlyRate: policy.Yuan(a.Rate),
		Projected: policy.Yuan(a.Projected), Short: a.Short}
	if a.MonthsLeft >= 0 {
		m := a.MonthsLeftString()
		out.MonthsLeft = &m
	}
	return out
}

// fundsQuery reads year, programme, region, month and limit from the URL.
func fundsQuery(r *http.Request) (funds.Query, error) {
	q := r.URL.Query()
	out := funds.Query{Programme: strings.TrimSpace(q.Get("programme")), Region: strings.TrimSpace(q.Get("region")),
		Month: strings.TrimSpace(q.Get("month"))}
	var err error
	if out.Year, err = intParam(q.Get("year"), "year"); err != nil {
		return out, err
	}
	if out.Limit, err = intParam(q.Get("limit"), "limit"); err != nil {
		return out, err
	}
	return out, nil
}

func intParam(v, field string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, apperr.Field(field, field+" 应为非负整数", field+" must be a whole number")
	}
	return n, nil
}

// fundsList answers a GET of a funds list: the query from the URL, the
// service's rows for the caller, each turned into its JSON form under key.
func fundsList[T, J any](s *Server, w http.ResponseWriter, r *http.Request, p access.Principal, key string,
	list func(context.Context, access.Principal, funds.Query) ([]T, error), out func(T) J) {
	q, err := fundsQuery(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	rows, err := list(r.Context(), p, q)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	js := make([]J, 0, len(rows))
	for _, x := range rows {
		js = append(js, out(x))
	}
	writeJSON(w, http.StatusOK, map[string]any{key: js})
}

func (s *Server) apiFundsBudgets(w http.ResponseWriter, r *http.Request, p access.Principal) {
	fundsList(s, w, r, p, "budgets", s.Funds.Budgets, s.budgetOut)
}

func (s *Server) apiFundsAddBudget(w http.ResponseWriter, r *http.Request, p access.Principal) {
	var in struct {
		Year        int         `json:"year"`
		Programme   string      `json:"programme"`
		Level       string      `json:"level"`
		Region      string      `json:"region"`
		Amount      policy.Yuan `json:"amount"`
		DocNo       string      `json:"doc_no"`
		Description string      `json:"description"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	b, err := s.Funds.AddBudget(r.Context(), p, funds.NewBudget{Year: in.Year, Programme: in.Programme, Level: in.Level,
		Region: in.Region, Amount: in.Amount.Money(), DocNo: in.DocNo, Description: in.Description})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.budgetOut(b))
}

func (s *Server) apiFundsAllocations(w http.ResponseWriter, r *http.Request, p access.Principal) {
	fundsList(s, w, r, p, "allocations", s.Funds.Allocations, s.allocationOut)
}

func (s *Server) apiFundsAllocate(w http.ResponseWriter, r *http.Request, p access.Principal) {
	var in struct {
		Year      int         `json:"year"`
		Programme string      `json:"programme"`
		From      string      `json:"from"`
		To        string      `json:"to"`
		Amount    policy.Yuan `json:"amount"`
		DocNo     string      `json:"doc_no"`
		Note      string      `json:"note"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	a, err := s.Funds.Allocate(r.Context(), p, funds.NewAllocation{Year: in.Year, Programme: in.Programme, From: in.From,
		To: in.To, Amount: in.Amount.Money(), DocNo: in.DocNo, Note: in.Note})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.allocationOut(a))
}

func (s *Server) apiFundsPostings(w http.ResponseWriter, r *http.Request, p access.Principal) {
	fundsList(s, w, r, p, "postings", s.Funds.Postings, s.postingOut)
}

// apiFundsPost: POST /api/v1/funds/postings, spending paid by hand
// (outside the payroll) with its reference. The answer carries the
// county's account after it and a warning when the balance is negative.
func (s *Server) apiFundsPost(w http.ResponseWriter, r *http.Request, p access.Principal) {
	var in struct {
		Ref       string      `json:"ref"`
		Month     string      `json:"month"`
		County    string      `json:"county"`
		Programme string      `json:"programme"`
		Amount    policy.Yuan `json:"amount"`
		Note      string      `json:"note"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	acc, err := s.Funds.PostByHand(r.Context(), p, funds.Posting{Ref: in.Ref, Month: in.Month, County: in.County,
		Programme: in.Programme, Amount: in.Amount.Money(), Note: in.Note})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := map[string]any{"ref": strings.TrimSpace(in.Ref), "account": accountOut(acc)}
	if w := overspend(acc, langOf(r)); w != "" {
		out["warning"] = w
	}
	writeJSON(w, http.StatusCreated, out)
}

// overspend is the warning for an account whose balance is negative.
func overspend(a funds.Account, lang string) string {
	if a.Balance() >= 0 {
		return ""
	}
	if lang == "en" {
		return fmt.Sprintf("spending exceeds the funds available by %s yuan", -a.Balance())
	}
	return fmt.Sprintf("支出已超出可用资金 %s 元", -a.Balance())
}

func (s *Server) apiFundsBalances(w http.ResponseWriter, r *http.Request, p access.Principal) {
	q, err := fundsQuery(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if q.Year == 0 {
		q.Year = s.Now().In(shanghai).Year()
	}
	as, err := s.Funds.Balances(r.Context(), p, q)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]accountJSON, 0, len(as))
	for _, a := range as {
		out = append(out, accountOut(a))
	}
	writeJSON(w, http.StatusOK, map[string]any{"year": q.Year, "accounts": out})
}

// apiFundsAvailable: GET /api/v1/funds/available?county=&programme=&year=,
// what the county may still spend (the payroll's warning, for a caller
// who may see the county's funds).
func (s *Server) apiFundsAvailable(w http.ResponseWriter, r *http.Request, p access.Principal) {
	q, err := fundsQuery(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if q.Year == 0 {
		q.Year = s.Now().In(shanghai).Year()
	}
	a, err := s.Funds.Account(r.Context(), p, r.URL.Query().Get("county"), q.Programme, q.Year)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"county": a.Region, "programme": a.Programme, "year": q.Year,
		"available": policy.Yuan(a.Balance()), "budgeted": a.Funded()})
}

func yearOf(r *http.Request) (int, error) {
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return 0, apperr.Field("year", "年度无效", "the year is not valid")
	}
	return y, nil
}

type scoreJSON struct {
	County     string    `json:"county"`
	CountyName string    `json:"county_name"`
	Score      string    `json:"score"`
	Caseload   *int64    `json:"caseload"` // null: the registry's count applies
	Note       string    `json:"note"`
	UpdatedBy  string    `json:"updated_by"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func (s *Server) scoreOut(sc funds.Score) scoreJSON {
	out := scoreJSON{County: sc.County, CountyName: s.Divisions.Tree().Path(sc.County), Score: sc.String(), Note: sc.Note,
		UpdatedBy: sc.UpdatedBy, UpdatedAt: sc.UpdatedAt}
	if sc.Caseload >= 0 {
		n := sc.Caseload
		out.Caseload = &n
	}
	return out
}

func (s *Server) apiIncentiveScores(w http.ResponseWriter, r *http.Request, p access.Principal) {
	year, err := yearOf(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	scs, err := s.Funds.Scores(r.Context(), p, year)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]scoreJSON, 0, len(scs))
	for _, sc := range scs {
		out = append(out, s.scoreOut(sc))
	}
	writeJSON(w, http.StatusOK, map[string]any{"year": year, "scores": out})
}

// flexString accepts a JSON string or number as text.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	t := strings.TrimSpace(string(b))
	if strings.HasPrefix(t, `"`) {
		u, err := strconv.Unquote(t)
		if err != nil {
			return err
		}
		*f = flexString(u)
		return nil
	}
	if t == "null" {
		*f = ""
		return nil
	}
	*f = flexString(t)
	return nil
}

func (s *Server) apiIncentivePutScore(w http.ResponseWriter, r *http.Request, p access.Principal) {
	year, err := yearOf(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var in struct {
		Score    flexString `json:"score"`
		Caseload flexString `json:"caseload"`
		Note     string     `json:"note"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	sc, err := s.Funds.PutScore(r.Context(), p, funds.NewScore{Year: year, County: r.PathValue("county"),
		Score: string(in.Score), Caseload: string(in.Caseload), Note: in.Note})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.scoreOut(sc))
}

// apiIncentiveImportScores: POST /api/v1/funds/incentive/{year}/scores
// with a CSV body (county,score[,caseload[,note]]): all rows or none.
func (s *Server) apiIncentiveImportScores(w http.ResponseWriter, r *http.Request, p access.Principal) {
	year, err := yearOf(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	n, err := s.Funds.ImportScores(r.Context(), p, year, http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"year": year, "imported": n})
}

type poolParamsJSON struct {
	PoolShare string `json:"pool_share"`
	WorkShare string `json:"work_share"`
	AsOf      string `json:"as_of"`
	DocNo     string `json:"doc_no"`
}

func (in poolParamsJSON) params() (funds.PoolParams, error) {
	var p funds.PoolParams
	for _, f := range []struct {
		v     string
		dst   *money.Ratio
		field string
	}{{in.PoolShare, &p.PoolShare, "pool_share"}, {in.WorkShare, &p.WorkShare, "work_share"}} {
		if strings.TrimSpace(f.v) == "" {
			continue
		}
		q, err := money.ParseRatio(f.v)
		if err != nil {
			return p, apperr.Field(f.field, "比例格式有误，如 0.1 或 10%", "a share is a decimal such as 0.1 or 10%")
		}
		*f.dst = q
	}
	p.AsOf = strings.TrimSpace(in.AsOf)
	return p, nil
}

type poolRowJSON struct {
	County         string      `json:"county"`
	CountyName     string      `json:"county_name"`
	Score          *string     `json:"score"`
	Grade          string      `json:"grade"`
	Factor         string      `json:"factor"`
	Caseload       int64       `json:"caseload"`
	CaseloadSource string      `json:"caseload_source"`
	Weight         int64       `json:"weight"`
	Award          policy.Yuan `json:"award"`
	WorkFunds      policy.Yuan `json:"work_funds"`
	Total          policy.Yuan `json:"total"`
}

type poolJSON struct {
	ID        int64         `json:"id,string,omitempty"`
	Year      int           `json:"year"`
	Province  string        `json:"province"`
	Committed bool          `json:"committed"`
	Base      policy.Yuan   `json:"base"`
	PoolShare string        `json:"pool_share"`
	WorkShare string        `json:"work_share"`
	Total     policy.Yuan   `json:"total"`
	WorkFunds policy.Yuan   `json:"work_funds"`
	Awards    policy.Yuan   `json:"awards"`
	AsOf      string        `json:"as_of"`
	Pass      string        `json:"pass_score"`
	Factors   [3]int64      `json:"factors_percent"`
	Rows      []poolRowJSON `json:"rows"`
	CreatedBy string        `json:"created_by,omitempty"`
}

func poolOut(p funds.Pool) poolJSON {
	out := poolJSON{ID: p.ID, Year: p.Year, Province: p.Province, Committed: p.ID != 0, Base: policy.Yuan(p.Base),
		PoolShare: p.Params.PoolShare.String(), WorkShare: p.Params.WorkShare.String(), Total: policy.Yuan(p.Total),
		WorkFunds: policy.Yuan(p.WorkFunds), Awards: policy.Yuan(p.Awards), AsOf: p.Params.AsOf,
		Pass: funds.FormatScore(p.Params.Pass), Factors: p.Params.Factors, Rows: []poolRowJSON{}}
	if p.ID != 0 {
		out.CreatedBy = p.CreatedBy
	}
	for _, r := range p.Rows {
		row := poolRowJSON{County: r.County, CountyName: r.Name, Grade: string(r.Grade), Factor: fmt.Sprintf("%d%%", r.Factor),
			Caseload: r.Caseload, CaseloadSource: r.CaseloadSource, Weight: r.Weight, Award: policy.Yuan(r.Award),
			WorkFunds: policy.Yuan(r.WorkFunds), Total: policy.Yuan(r.Total())}
		if r.Score >= 0 {
			sc := funds.FormatScore(r.Score)
			row.Score = &sc
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

func (s *Server) apiIncentivePool(w http.ResponseWriter, r *http.Request, p access.Principal) {
	year, err := yearOf(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	pool, err := s.Funds.IncentivePool(r.Context(), p, year)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, poolOut(pool))
}

func (s *Server) apiIncentiveCompute(w http.ResponseWriter, r *http.Request, p access.Principal) {
	s.incentiveRun(w, r, p, false)
}

func (s *Server) apiIncentiveCommit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	s.incentiveRun(w, r, p, true)
}

func (s *Server) incentiveRun(w http.ResponseWriter, r *http.Request, p access.Principal, commit bool) {
	year, err := yearOf(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var in poolParamsJSON
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &in); err != nil {
			s.apiError(w, r, err)
			return
		}
	}
	params, err := in.params()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var pool funds.Pool
	code := http.StatusOK
	if commit {
		pool, err = s.Funds.CommitIncentive(r.Context(), p, year, params, in.DocNo)
		code = http.StatusCreated
	} else {
		pool, err = s.Funds.ComputeIncentive(r.Context(), p, year, params)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, code, poolOut(pool))
}

// apiIncentiveExport: GET /api/v1/funds/incentive/{year}/export, the
// committed pool as an Excel workbook.
func (s *Server) apiIncentiveExport(w http.ResponseWriter, r *http.Request, p access.Principal) {
	year, err := yearOf(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	pool, err := s.Funds.IncentivePool(r.Context(), p, year)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeIncentiveXLSX(w, pool)
}

func writeIncentiveXLSX(w http.ResponseWriter, pool funds.Pool) {
	name := fmt.Sprintf("incentive-%d.xlsx", pool.Year)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if err := funds.WritePoolXLSX(w, pool); err != nil {
		io.WriteString(w, "")
	}
}
