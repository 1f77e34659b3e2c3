package synth

import (
	"context"
	"slices"
	"sort"
	"sync"

	"safetynet/internal/registry"
)

// countyOut is one county, generated.
type countyOut struct {
	plan       *countyPlan
	households []registry.Household
	meta       []hhMeta
	recs       records
	truth      []Truth
	staff      []StaffRelative
	stats      Stats
	work       int        // the county's planned work, for progress
	text       *countyCSV // the county as CSV, when WriteDir formats it in the worker
}

// generateCounty generates one county: its households, the anomalies
// planted in them, their members' own department records, and the
// records of its population at large.
func generateCounty(seed int64, plan *countyPlan, population bool) *countyOut {
	g := &countyGen{
		plan:       plan,
		hr:         newRNG(seed, plan.Code, streamHouseholds),
		ar:         newRNG(seed, plan.Code, streamAnomalies),
		rr:         newRNG(seed, plan.Code, streamRecords),
		lr:         newRNG(seed, plan.Code, streamLegit),
		nr:         newRNG(seed, plan.Code, streamNames),
		seen:       map[personKey]struct{}{},
		seqs:       newSeqCounter(),
		pop:        newPopulation(plan.Code, plan.Population),
		eth:        ethnicTable(plan.Prefecture),
		names:      names(),
		out:        &countyOut{plan: plan, work: plan.work(), stats: Stats{Recipients: map[string]int{}}},
		shortNames: map[string]string{},
	}
	for _, name := range plan.Townships {
		g.townshipNames = append(g.townshipNames, name)
	}
	slices.Sort(g.townshipNames) // map order is random
	g.buildEmployers()
	g.households()
	g.plant()
	g.legitRecords()
	if population {
		g.populationRecords()
	}
	g.out.recs.shuffle(g.rr)
	g.sortHouseholds()
	g.out.stats = g.countStats()
	return g.out
}

// sortHouseholds puts the households in village order, keeping the order
// of generation within a village.
func (g *countyGen) sortHouseholds() {
	o := g.out
	perm := make([]int, len(o.households))
	for i := range perm {
		perm[i] = i
	}
	sort.SliceStable(perm, func(a, b int) bool { return o.households[perm[a]].Village < o.households[perm[b]].Village })
	hs := make([]registry.Household, len(perm))
	ms := make([]hhMeta, len(perm))
	for i, p := range perm {
		hs[i], ms[i] = o.households[p], o.meta[p]
	}
	o.households, o.meta = hs, ms
}

// work is the planned size of a county, in persons and records, for
// progress reports.
func (p *countyPlan) work() int {
	perPerson := 0.0
	for _, d := range Datasets {
		perPerson += d.PerPerson
	}
	persons := float64(p.UrbanDibao+p.RuralDibao+p.TekunRural+p.TekunUrban) * (1 + Province.ApplicantShare)
	return int(persons + perPerson*float64(p.Population))
}

// countStats counts the county.
func (g *countyGen) countStats() Stats {
	o := g.out
	s := Stats{Counties: 1, Recipients: g.out.stats.Recipients, Records: map[string]int{}, Truth: map[string]int{},
		Ethnicities: map[string]int{}, Population: g.pop.size(), StaffRelatives: len(o.staff)}
	for i := range o.households {
		h, meta := &o.households[i], &o.meta[i]
		s.Households++
		if meta.applicant {
			s.ApplicantHouseholds++
		} else {
			s.RecipientHouseholds++
			if h.Area == registry.Urban {
				s.UrbanRecipientHouseholds++
			}
			if len(h.Enrolments) > 0 && h.Enrolments[0].Setting == "institution" {
				s.TekunInstitution++
			}
		}
		for j, m := range h.Members {
			s.Persons++
			s.Ethnicities[m.Ethnicity]++
			if m.Disability.Grade > 0 {
				s.DisabledPersons++
			}
			if meta.ages[j] >= 60 {
				s.ElderlyPersons++
			}
			if meta.ages[j] < 18 {
				s.ChildrenPersons++
			}
			if m.Sex == "M" {
				s.MalePersons++
			}
		}
	}
	for i, n := range o.recs.counts() {
		s.Records[Datasets[i].Name] = n
		s.RecordsTotal += n
	}
	for _, t := range o.truth {
		s.Truth[t.Kind]++
	}
	return s
}

// add adds a county's counts to s.
func (s *Stats) add(o *Stats) {
	s.Counties += o.Counties
	s.Households += o.Households
	s.RecipientHouseholds += o.RecipientHouseholds
	s.ApplicantHouseholds += o.ApplicantHouseholds
	s.UrbanRecipientHouseholds += o.UrbanRecipientHouseholds
	s.Persons += o.Persons
	s.Population += o.Population
	s.RecordsTotal += o.RecordsTotal
	s.StaffRelatives += o.StaffRelatives
	s.TekunInstitution += o.TekunInstitution
	s.DisabledPersons += o.DisabledPersons
	s.ElderlyPersons += o.ElderlyPersons
	s.ChildrenPersons += o.ChildrenPersons
	s.MalePersons += o.MalePersons
	for k, v := range o.Recipients {
		s.Recipients[k] += v
	}
	for k, v := range o.Records {
		s.Records[k] += v
	}
	for k, v := range o.Truth {
		s.Truth[k] += v
	}
	for k, v := range o.Ethnicities {
		s.Ethnicities[k] += v
	}
}

// run generates the counties of cfg's scale (with the records of the
// population at large when population is true: they change nothing
// else), Workers at a time, calls
// prepare on each in the worker that generated it and emit on each in
// county order from the calling goroutine, and reports progress after
// each emit. At most Workers+1 counties are in memory at once beyond the
// one being emitted.
func run(ctx context.Context, cfg Config, population bool, prepare func(*countyOut) error, emit func(*countyOut) error,
	progress func(done, total int)) (Stats, error) {
	stats := newStats(cfg)
	scale, err := ScaleByName(cfg.Scale)
	if err != nil {
		return stats, err
	}
	plans, err := planFor(scale)
	if err != nil {
		return stats, err
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = 2
	}
	total := 0
	for _, p := range plans {
		total += p.work()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type result struct {
		out *countyOut
		err error
	}
	results := make([]chan result, len(plans))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	window := make(chan struct{}, 4*workers)
	jobs := make(chan int)
	var wg sync.WaitGroup
	go func() {
		defer close(jobs)
		for i := range plans {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if ctx.Err() != nil {
					results[i] <- result{err: ctx.Err()}
					continue
				}
				out := generateCounty(cfg.Seed, plans[i], population)
				var err error
				if prepare != nil {
					err = prepare(out)
				}
				results[i] <- result{out, err}
			}
		}()
	}
	defer wg.Wait() // after cancel, so workers stop
	done := 0
	for i := range plans {
		var res result
		select {
		case res = <-results[i]:
		case <-ctx.Done():
			return stats, ctx.Err()
		}
		if res.err != nil {
			return stats, res.err
		}
		if err := emit(res.out); err != nil {
			return stats, err
		}
		stats.add(&res.out.stats)
		done += res.out.work
		if progress != nil {
			progress(done, total)
		}
		<-window
	}
	return stats, nil
}

// Generate generates the synthetic province of cfg into sink and returns
// its counts. The same Config gives the same calls in the same order.
// Returns an Invalid apperr for an unknown scale, ctx's error when
// cancelled, or the first error of sink.
func Generate(ctx context.Context, cfg Config, sink Sink) (Stats, error) {
	return run(ctx, cfg, true, nil, func(o *countyOut) error {
		for i := range o.households {
			if err := sink.Household(&o.households[i]); err != nil {
				return err
			}
		}
		if err := o.recs.each(sink.Record); err != nil {
			return err
		}
		for i := range o.truth {
			if err := sink.Truth(&o.truth[i]); err != nil {
				return err
			}
		}
		for i := range o.staff {
			if err := sink.StaffRelative(&o.staff[i]); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}
