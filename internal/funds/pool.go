package funds

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/casework"
	"safetynet/internal/money"
	"safetynet/internal/region"
)

// province returns the province whose pool by manages: by's own province,
// or the first province of the tree for the command line.
func (s *Service) province(by access.Principal) (string, error) {
	if by.Region != "" {
		return by.Region[:2] + "0000000000", nil
	}
	if s.Divisions != nil {
		for _, d := range s.Divisions.Tree().All() {
			if d.Level == region.Province {
				return d.Code, nil
			}
		}
	}
	return region.YunnanCode, nil
}

// requireProvince checks that by manages the funds of the whole province:
// scores and the pool are the province's business. Returns Forbidden and
// Unauthorized.
func (s *Service) requireProvince(by access.Principal) (string, error) {
	if err := by.Require(access.FundsManage); err != nil {
		return "", err
	}
	prov, err := s.province(by)
	if err != nil {
		return "", err
	}
	if !by.Covers(prov) || (by.Region != "" && region.LevelOf(by.Region) != region.Province) {
		return "", apperr.New(apperr.Forbidden, "绩效评分和以奖代补资金由省级录入和分配", "scores and the incentive pool are the province's to enter and allocate")
	}
	return prov, nil
}

// NewScore is a score as entered.
type NewScore struct {
	Year     int
	County   string
	Score    string // 0–100, at most one decimal
	Caseload string // optional: persons, in place of the registry's count
	Note     string
}

// PutScore records (or replaces) a county's performance score of a year.
// Returns Invalid (field named), Forbidden, NotFound and Unauthorized.
func (s *Service) PutScore(ctx context.Context, by access.Principal, in NewScore) (Score, error) {
	if _, err := s.requireProvince(by); err != nil {
		return Score{}, err
	}
	sc, err := s.checkScore(by, in)
	if err != nil {
		return Score{}, err
	}
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error { return s.putScore(ctx, by, &sc) })
	return sc, err
}

func (s *Service) checkScore(by access.Principal, in NewScore) (Score, error) {
	if err := checkYear(in.Year); err != nil {
		return Score{}, err
	}
	c, err := s.division(by, in.County, "county", region.County)
	if err != nil {
		return Score{}, err
	}
	t, err := ParseScore(in.Score, "score")
	if err != nil {
		return Score{}, err
	}
	sc := Score{Year: in.Year, County: c, Tenths: t, Caseload: -1, Note: strings.TrimSpace(in.Note),
		UpdatedBy: by.Username, UpdatedAt: s.now()}
	if cl := strings.TrimSpace(in.Caseload); cl != "" {
		n, err := strconv.ParseInt(cl, 10, 64)
		if err != nil || n < 0 {
			return Score{}, apperr.Field("caseload", fmt.Sprintf("保障人数“%s”无效", cl), fmt.Sprintf("caseload %q is not a whole number ≥ 0", cl))
		}
		sc.Caseload = n
	}
	return sc, nil
}

func (s *Service) putScore(ctx context.Context, by access.Principal, sc *Score) error {
	before, err := s.Store.Scores(ctx, sc.Year, sc.County)
	if err != nil {
		return err
	}
	if err := s.Store.PutScore(ctx, sc); err != nil {
		return err
	}
	ev := audit.Event{Action: "funds.score.put", SubjectType: "score", SubjectID: fmt.Sprintf("%d/%s", sc.Year, sc.County),
		SubjectRegion: sc.County, After: sc}
	if len(before) > 0 {
		ev.Before = before[0]
	}
	return s.Audit.Record(ctx, by.Actor(), ev)
}

// ImportScores reads scores of a year from CSV (county,score[,caseload[,note]];
// a header line is skipped) and stores all of them, or none when a row is
// wrong: Invalid naming the row ("rows[3].score", counting lines from 1).
// Returns the number stored; errors as PutScore.
func (s *Service) ImportScores(ctx context.Context, by access.Principal, year int, r io.Reader) (int, error) {
	if _, err := s.requireProvince(by); err != nil {
		return 0, err
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var scores []Score
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, apperr.Field(fmt.Sprintf("rows[%d]", line), "CSV 格式有误", "malformed CSV")
		}
		if len(rec) == 0 || (len(rec) == 1 && strings.TrimSpace(rec[0]) == "") {
			continue
		}
		county := strings.TrimPrefix(strings.TrimSpace(rec[0]), "\ufeff")
		if line == 1 && (county == "" || county[0] < '0' || county[0] > '9') {
			continue // header
		}
		if len(rec) < 2 {
			return 0, apperr.Field(fmt.Sprintf("rows[%d]", line), "每行应为：县代码,评分[,保障人数[,说明]]", "each row is county,score[,caseload[,note]]")
		}
		in := NewScore{Year: year, County: county, Score: rec[1]}
		if len(rec) > 2 {
			in.Caseload = rec[2]
		}
		if len(rec) > 3 {
			in.Note = rec[3]
		}
		sc, err := s.checkScore(by, in)
		if err != nil {
			return 0, withRow(err, line)
		}
		scores = append(scores, sc)
	}
	err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
		for i := range scores {
			if err := s.putScore(ctx, by, &scores[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return len(scores), err
}

func withRow(err error, line int) error {
	if e, ok := apperr.As(err); ok {
		return e.WithField(fmt.Sprintf("rows[%d]", line))
	}
	return err
}

// Scores returns the scores of a year within by's jurisdiction. Returns
// Invalid, Forbidden and Unauthorized.
func (s *Service) Scores(ctx context.Context, by access.Principal, year int) ([]Score, error) {
	if err := by.Require(access.FundsRead); err != nil {
		return nil, err
	}
	if err := checkYear(year); err != nil {
		return nil, err
	}
	prefix := by.Prefix()
	if by.IsSystem() && by.Region == "" {
		prefix = ""
	}
	return s.Store.Scores(ctx, year, prefix)
}

// ComputeIncentive computes the year's pool from the provincial dibao
// budget, the scores and the caseloads without storing anything (a
// preview). Returns Invalid, Conflict (no county qualifies), Forbidden
// and Unauthorized.
func (s *Service) ComputeIncentive(ctx context.Context, by access.Principal, year int, p PoolParams) (Pool, error) {
	prov, err := s.requireProvince(by)
	if err != nil {
		return Pool{}, err
	}
	p, err = s.params(year, p)
	if err != nil {
		return Pool{}, err
	}
	return s.compute(ctx, by, prov, year, p, nil)
}

// params checks the year and fills in p's defaults, the caseload day
// included.
func (s *Service) params(year int, p PoolParams) (PoolParams, error) {
	if err := checkYear(year); err != nil {
		return p, err
	}
	p = p.Defaults()
	if p.AsOf == "" {
		p.AsOf = fmt.Sprintf("%d-12-31", year)
		if today := s.now().In(shanghai).Format("2006-01-02"); today < p.AsOf {
			p.AsOf = today
		}
	}
	return p, p.Validate()
}

// compute applies the formula to the stored budgets and scores and to the
// caseloads (counted from the registry when loads is nil).
func (s *Service) compute(ctx context.Context, by access.Principal, prov string, year int, p PoolParams, loads map[string]int64) (Pool, error) {
	budgets, err := s.Store.Budgets(ctx, Filter{Year: year, Programme: casework.Dibao, RegionPrefix: prov})
	if err != nil {
		return Pool{}, err
	}
	var base money.Money
	for _, b := range budgets {
		if b.Level == Provincial && b.Region == prov {
			base += b.Amount
		}
	}
	pp := region.Prefix(prov)
	scores, err := s.Store.Scores(ctx, year, pp)
	if err != nil {
		return Pool{}, err
	}
	byCounty := map[string]Score{}
	for _, sc := range scores {
		byCounty[sc.County] = sc
	}
	if loads == nil {
		if loads, err = s.Store.Caseloads(ctx, pp, casework.Dibao, p.AsOf); err != nil {
			return Pool{}, err
		}
	}
	var in []PoolInput
	for _, d := range s.Divisions.Tree().Within(prov) {
		if d.Level != region.County {
			continue
		}
		pi := PoolInput{County: d.Code, Name: s.name(d.Code), Score: -1, Caseload: loads[d.Code], CaseloadSource: "registry"}
		if sc, ok := byCounty[d.Code]; ok {
			pi.Score = sc.Tenths
			if sc.Caseload >= 0 {
				pi.Caseload, pi.CaseloadSource = sc.Caseload, "entered"
			}
		}
		in = append(in, pi)
	}
	rows, total, work, err := ComputePool(base, p, in)
	if err != nil {
		return Pool{}, err
	}
	return Pool{Year: year, Province: prov, Params: p, Base: base, Total: total, WorkFunds: work, Awards: total - work,
		Rows: rows, CreatedBy: by.Username, CreatedAt: s.now()}, nil
}

// CommitIncentive computes the year's pool and stores it with its
// allocations from the province to each county (an incentive award and
// work funds, each where not zero), in one transaction with its audit
// entry. The province's dibao account must hold the pool. Returns Invalid
// ("pool" when the province holds too little), Conflict (the year's pool
// is already committed, or no county qualifies), Forbidden and
// Unauthorized.
func (s *Service) CommitIncentive(ctx context.Context, by access.Principal, year int, p PoolParams, docNo string) (Pool, error) {
	prov, err := s.requireProvince(by)
	if err != nil {
		return Pool{}, err
	}
	docNo = strings.TrimSpace(docNo)
	if docNo == "" {
		return Pool{}, apperr.Field("doc_no", "请填写下拨文号", "the allocation's document number is required")
	}
	if p, err = s.params(year, p); err != nil {
		return Pool{}, err
	}
	// The registry's count reads millions of rows (seconds for a
	// province): it is taken before the transaction, so the single SQLite
	// writer is not held meanwhile. It is a count as of a fixed day; the
	// budgets, scores and balance are read again inside.
	loads, err := s.Store.Caseloads(ctx, region.Prefix(prov), casework.Dibao, p.AsOf)
	if err != nil {
		return Pool{}, err
	}
	var pool Pool
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if pool, err = s.compute(ctx, by, prov, year, p, loads); err != nil {
			return err
		}
		if err := s.checkHolds(ctx, prov, casework.Dibao, year, pool.Total, "pool"); err != nil {
			return err
		}
		if err := s.Store.AddPool(ctx, &pool); err != nil {
			return err
		}
		for _, r := range pool.Rows {
			for _, part := range []struct {
				kind Kind
				amt  money.Money
			}{{Incentive, r.Award}, {WorkFunds, r.WorkFunds}} {
				if part.amt == 0 {
					continue
				}
				a := Allocation{Year: year, Programme: casework.Dibao, From: prov, To: r.County, Amount: part.amt, Kind: part.kind,
					DocNo: docNo, PoolID: pool.ID, CreatedBy: by.Username, CreatedAt: pool.CreatedAt,
					Note: fmt.Sprintf("评分 %s（%s，系数 %d%%），保障人数 %d", scoreText(r.Score), r.Grade.Zh(), r.Factor, r.Caseload)}
				if err := s.Store.AddAllocation(ctx, &a); err != nil {
					return err
				}
			}
		}
		summary := map[string]any{"year": year, "province": prov, "base": pool.Base, "total": pool.Total,
			"work_funds": pool.WorkFunds, "awards": pool.Awards, "counties": len(pool.Rows), "doc_no": docNo, "params": pool.Params}
		return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "funds.incentive.commit", SubjectType: "incentive_pool",
			SubjectID: fmt.Sprint(pool.ID), SubjectRegion: prov, After: summary})
	})
	return pool, err
}

func scoreText(t int) string {
	if t < 0 {
		return "—"
	}
	return FormatScore(t)
}

// IncentivePool returns the committed pool of a year, its rows limited to
// the counties of by's jurisdiction. Returns NotFound (not committed),
// Invalid, Forbidden and Unauthorized.
func (s *Service) IncentivePool(ctx context.Context, by access.Principal, year int) (Pool, error) {
	if err := by.Require(access.FundsRead); err != nil {
		return Pool{}, err
	}
	if err := checkYear(year); err != nil {
		return Pool{}, err
	}
	prov, err := s.province(by)
	if err != nil {
		return Pool{}, err
	}
	p, err := s.Store.Pool(ctx, prov, year)
	if err != nil {
		return Pool{}, err
	}
	rows := p.Rows[:0:0]
	for _, r := range p.Rows {
		if by.Covers(r.County) {
			rows = append(rows, r)
		}
	}
	p.Rows = rows
	return p, nil
}
