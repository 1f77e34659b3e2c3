package verify

import (
	"context"
	"slices"

	"safetynet/internal/apperr"
	"safetynet/internal/policy"
)

// sqlEngine runs the rules as SQL inside the database, a county a query
// set; this process only writes the reasons.
type sqlEngine struct {
	run      Run
	bs       BatchStore
	villages map[string][]string // county → villages with recipients
	pol      map[string]*policy.Published
}

func (s *Service) newSQLEngine(ctx context.Context, bs BatchStore, run Run, prefix string) (*sqlEngine, error) {
	vs, err := bs.RecipientVillages(ctx, prefix, run.AsOf)
	if err != nil {
		return nil, err
	}
	e := &sqlEngine{run: run, bs: bs, villages: vs, pol: map[string]*policy.Published{}}
	for _, list := range vs {
		for _, v := range list {
			p, err := s.Policy.Resolve(v, run.AsOf)
			if err != nil {
				return nil, err
			}
			e.pol[v] = &p
		}
	}
	return e, nil
}

func (e *sqlEngine) counties() []string {
	out := make([]string, 0, len(e.villages))
	for c := range e.villages {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

func (e *sqlEngine) county(ctx context.Context, county string) ([]Result, int, error) {
	var params []SQLParams
	var units []string
	for i, v := range e.villages[county] {
		p := e.pol[v]
		if i == 0 {
			units = p.Params.Assets.StaffUnits
		} else if !slices.Equal(units, p.Params.Assets.StaffUnits) {
			return nil, 0, apperr.New(apperr.Invalid, "SQL 引擎要求同一县的工作人员单位名称片段相同："+county,
				"the sql engine needs one list of staff units per county: "+county)
		}
		params = append(params, SQLParams{Village: v, Params: &p.Params})
	}
	hits, households, err := e.bs.SQLHits(ctx, county, e.run.AsOf, e.run.Snapshots, params, units)
	if err != nil {
		return nil, 0, err
	}
	SortHits(hits)
	var out []Result
	for i := 0; i < len(hits); {
		j := i
		for j < len(hits) && hits[j].HouseholdID == hits[i].HouseholdID {
			j++
		}
		p := e.pol[hits[i].Village]
		rs := Reasons(hits[i:j], p.Params.Assets)
		out = append(out, Result{RunID: e.run.ID, County: county, HouseholdID: hits[i].HouseholdID, Verdict: VerdictOf(rs), Reasons: rs})
		i = j
	}
	return out, households, nil
}
