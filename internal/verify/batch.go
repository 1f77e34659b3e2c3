package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Engine names the two engines of batch re-verification: one set of
// rules, run in this process over flat arrays (memory) or as SQL inside
// the database (sql).
type Engine string

const (
	EngineMemory Engine = "memory"
	EngineSQL    Engine = "sql"
)

// Run is a batch re-verification.
type Run struct {
	ID         int64
	Region     string // 12-digit division code, 530000000000 for the province
	Engine     Engine
	AsOf       string
	Snapshots  []Snapshot // the newest of each source on AsOf, fixed at the start
	Status     string     // running, done
	StartedAt  time.Time
	FinishedAt time.Time
	StartedBy  string
	// Heartbeat is when the process evaluating the run last renewed its
	// lease (zero when nobody holds it); see RunLease.
	Heartbeat time.Time
}

// RunLease is how long a run's heartbeat holds it: a process evaluating a
// run renews it every leaseRenewal, and an open run whose heartbeat is
// older is taken to be interrupted (its process stopped) and may be
// resumed by another.
const RunLease = 2 * time.Minute

// leaseRenewal is how often a running batch renews its lease, besides
// after each county saved.
const leaseRenewal = 30 * time.Second

// Result is a household a run did not find to meet the conditions.
type Result struct {
	RunID       int64
	County      string // 6 digits
	HouseholdID int64
	Verdict     Verdict
	Reasons     []Reason
}

// CountyDone is a county a run has finished.
type CountyDone struct {
	County     string
	Households int
	Flagged    int
}

// PersonRow is a registry person as the batch reads it: compact, since
// the batch holds every person of the province (6.3 million in the
// synthetic Yunnan). The ID is packed, the birth date taken from it, and
// the short codes are shared strings.
type PersonRow struct {
	ID          int64
	PID         uint64 // idcard.Pack of the resident ID, 0 for none
	Name        string
	HouseholdID int64
	County      string // the person's county, 6 digits
	Sex         string
	Birth       int32  // YYYYMMDD from the ID, 0 for none
	Ethnicity   string // GB/T 3304 code
	Relation    registry.Relationship
	Excluded    string
	DeathDate   string
	Grade       int8
	Ill         bool
}

// IDNumber returns the resident ID ("" for none).
func (p *PersonRow) IDNumber() string {
	if p.PID == 0 {
		return ""
	}
	return UnpackID(p.PID)
}

// BirthDate returns the birth date as YYYY-MM-DD ("" for none).
func (p *PersonRow) BirthDate() string {
	if p.Birth == 0 {
		return ""
	}
	return dateText(int(p.Birth))
}

// BirthOf returns the YYYYMMDD birth date in a packed ID.
func BirthOf(pid uint64) int32 { return int32(pid / 11 / 1000 % 100000000) }

// HouseholdRow is a recipient household as the batch reads it.
type HouseholdRow struct {
	ID      int64
	County  string // 6 digits
	Village string
	Area    registry.Area
}

// AssetRow is a declared asset the rules read (vehicles, deposits,
// securities).
type AssetRow struct {
	HouseholdID int64
	PersonID    int64
	registry.Asset
}

// RegistryScan is the part of the registry a batch reads, for the counties
// of a region.
type RegistryScan struct {
	Households []HouseholdRow // recipients on the date, by county then id
	Persons    []PersonRow    // every person of a household in the counties
	Assets     []AssetRow     // of the recipient households
	Registered map[string][]string
}

// SQLParams are the policy of a village for the SQL engine.
type SQLParams struct {
	Village string
	Params  *policy.Params
}

// BatchStore is what batch re-verification needs of the database.
type BatchStore interface {
	Store
	// ScanRegistry reads the recipients on asOf of the counties whose
	// codes start with prefix (2–6 digits), their declared assets, every
	// person of any household of those counties (for look-alikes) and the
	// relatives' register.
	ScanRegistry(ctx context.Context, prefix, asOf string) (*RegistryScan, error)
	// ScanSnapshot calls fn with the records of a snapshot, piece by piece.
	ScanSnapshot(ctx context.Context, sn Snapshot, fn func([]Record) error) error
	// CreateRun stores a new run (its ID is assigned).
	CreateRun(ctx context.Context, r *Run) error
	// OpenRun returns the unfinished run of region and engine, or NotFound.
	OpenRun(ctx context.Context, region string, engine Engine) (Run, error)
	// ClaimRun takes the lease of open run (sets its heartbeat to now)
	// when nobody holds it or its heartbeat is before staleBefore, in one
	// atomic step; false when another holds it (or the run is done).
	ClaimRun(ctx context.Context, run int64, now, staleBefore time.Time) (bool, error)
	// TouchRun renews the lease of open run (the zero time frees it).
	TouchRun(ctx context.Context, run int64, now time.Time) error
	// PreviousRun returns the newest finished run covering region before
	// run id, or NotFound.
	PreviousRun(ctx context.Context, region string, before int64) (Run, error)
	// DoneCounties lists the counties run has finished.
	DoneCounties(ctx context.Context, run int64) ([]CountyDone, error)
	// SaveCounty stores a county's results and marks it done, in one
	// transaction; a county already done is left as it is (Conflict).
	SaveCounty(ctx context.Context, run int64, c CountyDone, rs []Result) error
	// FinishRun marks run done.
	FinishRun(ctx context.Context, run int64, at time.Time) error
	// Results returns a run's results in the counties whose codes start
	// with prefix.
	Results(ctx context.Context, run int64, prefix string) ([]Result, error)
	// RecipientVillages maps each county (6 digits) whose code starts
	// with prefix to the villages of its recipients on asOf.
	RecipientVillages(ctx context.Context, prefix, asOf string) (map[string][]string, error)
	// SQLHits runs the rules as SQL over the recipients of county (6
	// digits) on asOf, against the snapshots, with each village's policy
	// and the staff-unit fragments; it returns the hits and the number of
	// recipient households.
	SQLHits(ctx context.Context, county, asOf string, snaps []Snapshot, params []SQLParams, staffUnits []string) ([]Hit, int, error)
}

// BatchOptions configure a run.
type BatchOptions struct {
	Region string // a division code, 2–12 digits; "" or "53" for the province
	Engine Engine
	AsOf   string // "" for today
	// ColumnDir, when set, holds the column files of the snapshots
	// (Columns); missing ones are written there from the database.
	ColumnDir string
	Workers   int
	Progress  func(done, total int)
	// AfterCounty, when set, is called after each county is saved (tests
	// cancel a run half-way with it).
	AfterCounty func(county string)
	// OnRun, when set, is called once the run is created or the open run
	// to resume is found, before any county is evaluated.
	OnRun func(run Run, resumed bool)
}

// Options returns the options of a run of region with engine on asOf as
// this service runs it (the command line and the server's jobs alike):
// the column files in ColumnDir, two counties at a time.
func (s *Service) Options(region string, engine Engine, asOf string) BatchOptions {
	return BatchOptions{Region: region, Engine: engine, AsOf: asOf, ColumnDir: s.ColumnDir, Workers: 2}
}

// BatchReport is the outcome of a run.
type BatchReport struct {
	Run        Run
	Resumed    bool
	Counties   int
	Households int
	Flagged    int
	Verdicts   map[Verdict]int
	Changes    []Change // verdicts changed since the previous run
	Previous   int64    // the previous run's ID, 0 for none
	Timings    map[string]time.Duration
}

// Change is a household whose verdict differs from the previous run's.
type Change struct {
	HouseholdID int64
	County      string
	Before      Verdict
	After       Verdict
	Reasons     []Reason
}

// Batch re-verifies every current recipient household of a region (those
// with an active enrolment on the date) against the newest snapshots, a
// county at a time: each county's results are stored with the county
// marked done in one transaction, so a run killed half-way resumes where
// it stopped (an unfinished run of the same region and engine is resumed,
// with its date and snapshots). It lists the households whose verdict
// changed since the previous finished run. The run is audited as
// "verify.batch".
//
// The process running a run holds its lease (RunLease) and renews it
// while it runs, so that no two processes evaluate a run at once; it
// frees the lease when it stops before the end.
//
// Returns Invalid for a bad region, engine or date; Conflict when another
// process holds the open run's lease; ctx's error when cancelled (the run
// stays open to resume).
func (s *Service) Batch(ctx context.Context, actor audit.Actor, bs BatchStore, opt BatchOptions) (rep BatchReport, err error) {
	rep = BatchReport{Verdicts: map[Verdict]int{}, Timings: map[string]time.Duration{}}
	t0 := time.Now()
	code := opt.Region
	if code == "" {
		code = "53"
	}
	reg, err := region.Normalize(code)
	if err != nil {
		return rep, apperr.Field("region", "区划代码无效", "invalid division code")
	}
	prefix := significantPrefix(reg)
	if len(prefix) > 6 {
		return rep, apperr.Field("region", "批量核对按县（市、区）及以上区划进行", "a batch covers a county or more")
	}
	if opt.Engine == "" {
		opt.Engine = EngineMemory
	}
	if opt.Engine != EngineMemory && opt.Engine != EngineSQL {
		return rep, apperr.Field("engine", "引擎应为 memory 或 sql", "engine must be memory or sql")
	}
	run, err := bs.OpenRun(ctx, reg, opt.Engine)
	switch {
	case err == nil:
		now := s.now().UTC()
		ok, err := bs.ClaimRun(ctx, run.ID, now, now.Add(-RunLease))
		if err != nil {
			return rep, err
		}
		if !ok {
			return rep, elsewhere(run)
		}
		rep.Resumed = true
	case apperr.Is(err, apperr.NotFound):
		asOf := opt.AsOf
		if asOf == "" {
			asOf = s.now().In(chinaTZ).Format("2006-01-02")
		}
		if _, err := time.Parse("2006-01-02", asOf); err != nil || len(asOf) != 10 {
			return rep, apperr.Field("as_of", "核对日期应为 YYYY-MM-DD", "as_of must be a date YYYY-MM-DD")
		}
		all, err := bs.Snapshots(ctx)
		if err != nil {
			return rep, err
		}
		snaps, _ := Newest(all, asOf)
		now := s.now().UTC()
		run = Run{Region: reg, Engine: opt.Engine, AsOf: asOf, Snapshots: snaps, Status: "running", StartedAt: now, StartedBy: actor.Name,
			Heartbeat: now}
		if err := bs.CreateRun(ctx, &run); err != nil {
			if apperr.Is(err, apperr.Conflict) {
				// Another process started the region's run a moment ago
				// (one open run a region and engine: migration 0015).
				if other, oerr := bs.OpenRun(ctx, reg, opt.Engine); oerr == nil {
					return rep, elsewhere(other)
				}
			}
			return rep, err
		}
	default:
		return rep, err
	}
	stopLease := s.keepLease(ctx, bs, run.ID)
	defer func() {
		stopLease()
		if err != nil {
			// Free the lease, so that the run can be resumed at once
			// rather than when it lapses; ctx may be the cancelled one.
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			_ = bs.TouchRun(fctx, run.ID, time.Time{})
		}
	}()
	rep.Run = run
	if opt.OnRun != nil {
		opt.OnRun(run, rep.Resumed)
	}
	done, err := bs.DoneCounties(ctx, run.ID)
	if err != nil {
		return rep, err
	}
	isDone := map[string]bool{}
	for _, d := range done {
		isDone[d.County] = true
	}
	var eng countyEngine
	switch opt.Engine {
	case EngineMemory:
		m, err := s.loadMemory(ctx, bs, run, prefix, opt, rep.Timings)
		if err != nil {
			return rep, err
		}
		defer m.close()
		eng = m
	case EngineSQL:
		sq, err := s.newSQLEngine(ctx, bs, run, prefix)
		if err != nil {
			return rep, err
		}
		eng = sq
	}
	counties := eng.counties()
	total := len(counties)
	tEval := time.Now()
	workers := max(1, opt.Workers)
	type job struct{ county string }
	jobs := make(chan string)
	errc := make(chan error, workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	progress := 0
	var mu chanMutex = make(chan struct{}, 1)
	for range workers {
		go func() {
			var ferr error
			for c := range jobs {
				if ferr != nil {
					continue
				}
				results, n, err := eng.county(ctx, c)
				if err == nil {
					err = bs.SaveCounty(ctx, run.ID, CountyDone{County: c, Households: n, Flagged: len(results)}, results)
				}
				if err == nil {
					// A failed renewal is retried by keepLease; see there.
					_ = bs.TouchRun(ctx, run.ID, s.now().UTC())
				}
				if err != nil {
					ferr = err
					cancel()
					continue
				}
				mu.lock()
				progress++
				if opt.Progress != nil {
					opt.Progress(progress, total)
				}
				mu.unlock()
				if opt.AfterCounty != nil {
					opt.AfterCounty(c)
				}
			}
			errc <- ferr
		}()
	}
	for _, c := range counties {
		if isDone[c] {
			mu.lock()
			progress++
			mu.unlock()
			continue
		}
		select {
		case jobs <- c:
		case <-ctx.Done():
		}
	}
	close(jobs)
	var firstErr error
	for range workers {
		if err := <-errc; err != nil && firstErr == nil {
			firstErr = err
		}
	}
	rep.Timings["evaluate and store"] = time.Since(tEval)
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		return rep, firstErr
	}
	if err := bs.FinishRun(ctx, run.ID, s.now().UTC()); err != nil {
		return rep, err
	}
	rep.Run.Status = "done"
	// Totals and changes.
	tDiff := time.Now()
	done, err = bs.DoneCounties(ctx, run.ID)
	if err != nil {
		return rep, err
	}
	rep.Counties = len(done)
	for _, d := range done {
		rep.Households += d.Households
		rep.Flagged += d.Flagged
	}
	cur, err := bs.Results(ctx, run.ID, prefix)
	if err != nil {
		return rep, err
	}
	for _, r := range cur {
		rep.Verdicts[r.Verdict]++
	}
	rep.Verdicts[Meets] = rep.Households - rep.Flagged
	if prev, err := bs.PreviousRun(ctx, reg, run.ID); err == nil {
		rep.Previous = prev.ID
		old, err := bs.Results(ctx, prev.ID, prefix)
		if err != nil {
			return rep, err
		}
		prevDone, err := bs.DoneCounties(ctx, prev.ID)
		if err != nil {
			return rep, err
		}
		rep.Changes = diffResults(old, cur, prevDone)
	} else if !apperr.Is(err, apperr.NotFound) {
		return rep, err
	}
	rep.Timings["changes"] = time.Since(tDiff)
	rep.Timings["total"] = time.Since(t0)
	if s.Audit != nil {
		err = s.Audit.Record(ctx, actor, audit.Event{Action: "verify.batch", SubjectType: "verify_run", SubjectID: fmt.Sprint(run.ID),
			SubjectRegion: reg, After: map[string]any{"engine": run.Engine, "as_of": run.AsOf, "households": rep.Households,
				"flagged": rep.Flagged, "changes": len(rep.Changes), "resumed": rep.Resumed}})
	}
	return rep, err
}

// elsewhere is the Conflict of a run whose lease another process holds.
func elsewhere(run Run) error {
	zh := fmt.Sprintf("核对批次 %d 正由另一进程（如命令行 safetynet verify）运行", run.ID)
	en := fmt.Sprintf("run %d is being worked on by another process (such as the command line safetynet verify)", run.ID)
	if !run.Heartbeat.IsZero() {
		at := run.Heartbeat.In(chinaTZ).Format("2006-01-02 15:04:05")
		zh += "，最近心跳 " + at
		en += ", last heartbeat " + at + " (UTC+8)"
	}
	zh += fmt.Sprintf("。请待其完成；该进程中断 %d 分钟后方可在此续跑", int(RunLease.Minutes()))
	en += fmt.Sprintf(": wait for it to finish; should that process stop, the run can be resumed here %d minutes later", int(RunLease.Minutes()))
	return apperr.New(apperr.Conflict, zh, en)
}

// keepLease renews run's lease every leaseRenewal until the returned stop
// is called; stop returns once renewing has stopped. A failed renewal is
// left to the next: should the lease lapse, another process may evaluate
// counties this one is evaluating, which costs time but not results
// (SaveCounty keeps the first results of a county).
func (s *Service) keepLease(ctx context.Context, bs BatchStore, run int64) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(leaseRenewal)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_ = bs.TouchRun(ctx, run, s.now().UTC())
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

type chanMutex chan struct{}

func (m chanMutex) lock()   { m <- struct{}{} }
func (m chanMutex) unlock() { <-m }

var chinaTZ = time.FixedZone("CST", 8*3600)

// significantPrefix returns the code without its trailing zero levels.
func significantPrefix(code string) string {
	for _, n := range []int{2, 4, 6, 9} {
		if strings.TrimRight(code[n:], "0") == "" {
			return code[:n]
		}
	}
	return code
}

// diffResults lists the households whose verdict differs between two
// runs, over the counties both finished (a household absent from a
// finished county's results met the conditions).
func diffResults(old, cur []Result, prevDone []CountyDone) []Change {
	inPrev := map[string]bool{}
	for _, d := range prevDone {
		inPrev[d.County] = true
	}
	before := map[int64]Result{}
	for _, r := range old {
		before[r.HouseholdID] = r
	}
	var out []Change
	seen := map[int64]bool{}
	for _, r := range cur {
		seen[r.HouseholdID] = true
		if !inPrev[r.County] {
			continue
		}
		b, ok := before[r.HouseholdID]
		bv := Meets
		if ok {
			bv = b.Verdict
		}
		if bv != r.Verdict {
			out = append(out, Change{HouseholdID: r.HouseholdID, County: r.County, Before: bv, After: r.Verdict, Reasons: r.Reasons})
		}
	}
	for _, b := range old {
		if !seen[b.HouseholdID] {
			out = append(out, Change{HouseholdID: b.HouseholdID, County: b.County, Before: b.Verdict, After: Meets})
		}
	}
	slices.SortFunc(out, func(a, b Change) int {
		if c := strings.Compare(a.County, b.County); c != 0 {
			return c
		}
		return int(a.HouseholdID - b.HouseholdID)
	})
	return out
}

// countyEngine evaluates the recipients of one county.
type countyEngine interface {
	counties() []string
	county(ctx context.Context, county string) ([]Result, int, error)
}

// resultOf turns a household's hits into its result (nil when it meets).
func resultOf(run int64, county string, h *registry.Household, hits []Hit, a policy.AssetParams) *Result {
	if len(hits) == 0 {
		return nil
	}
	rs := Reasons(hits, a)
	return &Result{RunID: run, County: county, HouseholdID: h.ID, Verdict: VerdictOf(rs), Reasons: rs}
}

// EncodeReasons is the stored form of a result's reasons.
func EncodeReasons(rs []Reason) (string, error) {
	b, err := json.Marshal(rs)
	return string(b), err
}

// DecodeReasons reads EncodeReasons's form.
func DecodeReasons(s string) ([]Reason, error) {
	var rs []Reason
	err := json.Unmarshal([]byte(s), &rs)
	return rs, err
}

// policyCache resolves each village's policy once.
type policyCache struct {
	pol  Policy
	asOf string
	m    map[string]*policy.Published
}

func (c *policyCache) get(village string) (*policy.Published, error) {
	if p, ok := c.m[village]; ok {
		return p, nil
	}
	p, err := c.pol.Resolve(village, c.asOf)
	if err != nil {
		return nil, err
	}
	c.m[village] = &p
	return &p, nil
}
