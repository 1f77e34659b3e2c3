package verify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/region"
)

// JobStatus is the state of a batch run as the server's jobs see it.
type JobStatus string

const (
	JobRunning   JobStatus = "running"   // running in this process
	JobFinished  JobStatus = "finished"  // every county done; the results are complete
	JobFailed    JobStatus = "failed"    // stopped by an error (the run stays open to resume)
	JobCancelled JobStatus = "cancelled" // stopped by a user (the run stays open to resume)
	// JobElsewhere is an unfinished run another process (the command
	// line, or another server) is running: its lease (RunLease) is live.
	// Starting it here is refused until the lease lapses.
	JobElsewhere JobStatus = "elsewhere"
	// JobInterrupted is an unfinished run nobody runs: the server or the
	// command line stopped during it. Starting the same region and engine
	// resumes it.
	JobInterrupted JobStatus = "interrupted"
)

// Zh names the status in Chinese.
func (s JobStatus) Zh() string {
	switch s {
	case JobRunning:
		return "进行中"
	case JobFinished:
		return "已完成"
	case JobFailed:
		return "失败"
	case JobCancelled:
		return "已取消"
	case JobElsewhere:
		return "其他进程运行中"
	case JobInterrupted:
		return "已中断"
	}
	return string(s)
}

// En names the status in English.
func (s JobStatus) En() string {
	if s == JobElsewhere {
		return "running in another process"
	}
	return string(s)
}

// JobStore is what the batch jobs need of the database besides the batch
// itself.
type JobStore interface {
	BatchStore
	// Run returns a run, or NotFound.
	Run(ctx context.Context, id int64) (Run, error)
	// Runs returns the newest runs (at most limit) whose region starts
	// with prefix or is one of regions.
	Runs(ctx context.Context, prefix string, regions []string, limit int) ([]Run, error)
	// HouseholdLabels returns the village and head of each of ids that
	// exists.
	HouseholdLabels(ctx context.Context, ids []int64) (map[int64]HouseholdLabel, error)
}

// HouseholdLabel names a household in a list: its village and its head.
type HouseholdLabel struct {
	Village  string
	HeadName string
	HeadID   string
}

// Job is a batch run as a user sees it: its progress, counted over the
// counties within the user's jurisdiction.
type Job struct {
	Run     Run
	Status  JobStatus
	Resumed bool // this process's job resumed an open run
	// Done and Total are the run's counties done and in all (Total is 0
	// before the run has listed its counties, and for an interrupted run).
	Done, Total int
	Households  int // recipient households evaluated so far (in the user's jurisdiction)
	Flagged     int // of them not meeting the conditions or to be checked
	ErrZh       string
	ErrEn       string
}

// ChangeRow is a household whose verdict changed, with its village and
// head.
type ChangeRow struct {
	Change
	HouseholdLabel
}

// JobDetail is a run with its outcome, once finished: the verdict counts
// and the households whose verdict changed since the previous
// finished run of the region (a page of them).
type JobDetail struct {
	Job
	Verdicts map[Verdict]int
	Previous int64 // the previous run's ID, 0 for none
	Changes  []ChangeRow
	Count    int // changes in all (in p's jurisdiction)
}

// Batches runs batch re-verifications as background jobs for the server:
// one run at a time per region and engine, each with its progress,
// cancellable. A run is stored as Batch stores it, so an unfinished one
// (the server stopped, or a job was cancelled or failed) resumes when the
// same region and engine are started again. The zero value is not usable:
// set Service and Store.
type Batches struct {
	Service *Service
	Store   JobStore
	// Adjust, when set, changes the options of each run, given the job's
	// context (tests hold a run half-way with AfterCounty, or until it is
	// cancelled).
	Adjust func(ctx context.Context, opt *BatchOptions)
	// Log, when set, receives the internal errors that stop a job.
	Log *slog.Logger
	// MemoryLimit, when above 0, is the process's soft memory limit
	// (debug.SetMemoryLimit) while at least one job of the in-process
	// engine runs, as the command line sets it for its run; a lower limit
	// already set is kept. The previous limit is restored when the last
	// such job ends.
	MemoryLimit int64

	mu     sync.Mutex
	base   context.Context
	stop   context.CancelFunc
	closed bool
	live   map[string]*job // running, by region and engine
	jobs   map[int64]*job  // this process's jobs, by run
	order  []int64         // jobs' runs, oldest first, to forget the oldest
	wg     sync.WaitGroup
	// memJobs counts the running jobs of the in-process engine;
	// memRestore is the limit to restore after the last (-1: none).
	memJobs    int
	memRestore int64
}

// job is a run started by this process.
type job struct {
	key     string
	runID   int64
	cancel  context.CancelFunc
	status  JobStatus
	resumed bool
	done    int
	total   int
	errZh   string
	errEn   string
	byUser  bool
	ended   chan struct{}
	endedAt time.Time // when it ended, by the service's clock
}

// keepJobs is how many ended jobs the process remembers (for their status
// and error); older ones show as the database holds them.
const keepJobs = 100

func (b *Batches) init() {
	if b.live == nil {
		b.base, b.stop = context.WithCancel(context.Background())
		b.live, b.jobs = map[string]*job{}, map[int64]*job{}
	}
}

// canView: the verification reports' readers and those who run batches.
func canView(p access.Principal) error {
	if p.Can(access.VerifyBatch) {
		return nil
	}
	return p.Require(access.VerifyReport)
}

// Start starts a batch run of regionCode ("" for p's jurisdiction) with
// engine ("" for memory) on asOf ("" for today) in the background, as p,
// and returns once the run is stored: a new run, or the open run of the
// region and engine, resumed. The start is audited as "verify.batch.start";
// Batch audits the finished run as "verify.batch".
//
// Returns Forbidden without access.VerifyBatch or for a region outside
// p's jurisdiction, Invalid for a bad region, engine or date, Conflict
// while a run of the region and engine is in progress.
func (b *Batches) Start(ctx context.Context, p access.Principal, regionCode string, engine Engine, asOf string) (Job, error) {
	if err := p.Require(access.VerifyBatch); err != nil {
		return Job{}, err
	}
	if strings.TrimSpace(regionCode) == "" {
		regionCode = p.Region
	}
	reg, err := region.Normalize(strings.TrimSpace(regionCode))
	if err != nil {
		return Job{}, apperr.Field("region", "区划代码无效："+regionCode, "invalid division code: "+regionCode)
	}
	if len(significantPrefix(reg)) > 6 {
		return Job{}, apperr.Field("region", "批量核对按县（市、区）及以上区划进行", "a batch covers a county or more")
	}
	if !p.Covers(reg) {
		return Job{}, apperr.New(apperr.Forbidden, "该区划不在您的管辖范围内，不能发起批量核对",
			"the division lies outside your jurisdiction: you may not run a batch there").WithField("region")
	}
	if engine == "" {
		engine = EngineMemory
	}
	if engine != EngineMemory && engine != EngineSQL {
		return Job{}, apperr.Field("engine", "引擎应为 memory 或 sql", "engine must be memory or sql")
	}
	key := reg + "/" + string(engine)
	b.mu.Lock()
	b.init()
	if b.closed {
		b.mu.Unlock()
		return Job{}, apperr.New(apperr.Unavailable, "服务正在停止，不能发起批量核对", "the server is stopping: no batch can start")
	}
	if j := b.live[key]; j != nil {
		b.mu.Unlock()
		return Job{}, apperr.New(apperr.Conflict,
			fmt.Sprintf("该区划正在进行批量核对（批次 %d，%s 引擎），请待其完成或取消后再发起", j.runID, engine),
			fmt.Sprintf("a batch run of this division with the %s engine is in progress (run %d): wait for it or cancel it", engine, j.runID)).WithField("region")
	}
	jctx, cancel := context.WithCancel(b.base)
	j := &job{key: key, cancel: cancel, status: JobRunning, ended: make(chan struct{})}
	b.live[key] = j
	b.wg.Add(1)
	limited := engine == EngineMemory && b.MemoryLimit > 0
	if limited {
		b.limitMemory()
	}
	b.mu.Unlock()

	type started struct {
		run     Run
		resumed bool
	}
	startc := make(chan started, 1)
	errc := make(chan error, 1)
	opt := b.Service.Options(reg, engine, asOf)
	opt.Progress = func(done, total int) {
		b.mu.Lock()
		j.done, j.total = done, total
		b.mu.Unlock()
	}
	opt.OnRun = func(r Run, resumed bool) {
		b.mu.Lock()
		j.runID, j.resumed = r.ID, resumed
		b.remember(j)
		b.mu.Unlock()
		startc <- started{r, resumed}
	}
	if b.Adjust != nil {
		b.Adjust(jctx, &opt)
	}
	go func() {
		defer b.wg.Done()
		_, err := b.Service.Batch(jctx, p.Actor(), b.Store, opt)
		if limited {
			b.mu.Lock()
			b.unlimitMemory()
			b.mu.Unlock()
		}
		b.end(j, err)
		errc <- err
	}()
	var st started
	select {
	case st = <-startc:
	case err := <-errc:
		select {
		case st = <-startc: // stored, then failed at once: the run shows the error
		default:
			// Refused or failed before the run was stored (a bad date,
			// the database): nothing to show but the error.
			return Job{}, err
		}
	}
	if b.Service.Audit != nil {
		if err := b.Service.Audit.Record(ctx, p.Actor(), auditEvent("verify.batch.start", st.run,
			map[string]any{"engine": st.run.Engine, "as_of": st.run.AsOf, "resumed": st.resumed})); err != nil {
			j.cancel()
			return Job{}, err
		}
	}
	return b.job(ctx, p, st.run)
}

// limitMemory lowers the soft memory limit to b.MemoryLimit for a job of
// the in-process engine starting (the first of them); b.mu is held. The
// engine holds a province's registry and snapshots in memory: the limit
// makes the collector work before the heap doubles, as on the command
// line.
func (b *Batches) limitMemory() {
	if b.memJobs == 0 {
		b.memRestore = -1
		if cur := debug.SetMemoryLimit(-1); cur > b.MemoryLimit {
			debug.SetMemoryLimit(b.MemoryLimit)
			b.memRestore = cur
		}
	}
	b.memJobs++
}

// unlimitMemory restores the soft memory limit after the last job of the
// in-process engine; b.mu is held.
func (b *Batches) unlimitMemory() {
	b.memJobs--
	if b.memJobs == 0 && b.memRestore >= 0 {
		debug.SetMemoryLimit(b.memRestore)
	}
}

// remember keeps j by its run, forgetting the oldest ended jobs; b.mu is
// held.
func (b *Batches) remember(j *job) {
	if _, ok := b.jobs[j.runID]; !ok {
		b.order = append(b.order, j.runID)
	}
	b.jobs[j.runID] = j
	for len(b.order) > keepJobs {
		old := b.jobs[b.order[0]]
		if old != nil && old.status == JobRunning {
			break
		}
		delete(b.jobs, b.order[0])
		b.order = b.order[1:]
	}
}

// end records how j's run ended.
func (b *Batches) end(j *job, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.live, j.key)
	j.endedAt = b.Service.now()
	switch {
	case err == nil:
		j.status = JobFinished
	case errors.Is(err, context.Canceled) && j.byUser:
		j.status = JobCancelled
	case errors.Is(err, context.Canceled) && b.closed:
		j.status = JobInterrupted
	default:
		j.status = JobFailed
		j.errZh, j.errEn = apperr.Message(err, "zh"), apperr.Message(err, "en")
		if k := apperr.KindOf(err); k == apperr.Internal && b.Log != nil {
			b.Log.Error("batch run failed", "run", j.runID, "error", err)
		}
	}
	close(j.ended)
}

// Cancel stops the running job of run id (the run stays open: starting
// its region and engine again resumes it). Audited as
// "verify.batch.cancel".
//
// Returns NotFound for a run p may not see, Forbidden without
// access.VerifyBatch or outside p's jurisdiction, Conflict when no job of
// this process runs it.
func (b *Batches) Cancel(ctx context.Context, p access.Principal, id int64) (Job, error) {
	if err := p.Require(access.VerifyBatch); err != nil {
		return Job{}, err
	}
	run, err := b.visibleRun(ctx, p, id)
	if err != nil {
		return Job{}, err
	}
	if !p.Covers(run.Region) {
		return Job{}, apperr.New(apperr.Forbidden, "该批次的区划不在您的管辖范围内，不能取消",
			"the run's division lies outside your jurisdiction: you may not cancel it")
	}
	b.mu.Lock()
	b.init()
	j := b.jobs[id]
	if j == nil || j.status != JobRunning {
		b.mu.Unlock()
		return Job{}, apperr.New(apperr.Conflict, "该批次未在运行，无需取消", "the run is not running")
	}
	j.byUser = true
	j.cancel()
	b.mu.Unlock()
	select {
	case <-j.ended:
	case <-ctx.Done():
		return Job{}, ctx.Err()
	}
	if b.Service.Audit != nil {
		if err := b.Service.Audit.Record(ctx, p.Actor(), auditEvent("verify.batch.cancel", run, nil)); err != nil {
			return Job{}, err
		}
	}
	return b.job(ctx, p, run)
}

// Wait waits until the job of run id ends (at once when no job of this
// process runs it) or ctx is done.
func (b *Batches) Wait(ctx context.Context, id int64) error {
	b.mu.Lock()
	b.init()
	j := b.jobs[id]
	b.mu.Unlock()
	if j == nil {
		return nil
	}
	select {
	case <-j.ended:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close cancels the running jobs and waits for them to stop; their runs
// stay open, to resume after a restart. No job starts after Close.
func (b *Batches) Close() {
	b.mu.Lock()
	b.init()
	b.closed = true
	b.stop()
	b.mu.Unlock()
	b.wg.Wait()
}

// List returns the newest runs (at most limit, 50 for 0) of p's
// jurisdiction: the runs of divisions within it and of the divisions that
// enclose it, with their progress counted in p's jurisdiction.
func (b *Batches) List(ctx context.Context, p access.Principal, limit int) ([]Job, error) {
	if err := canView(p); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var enclosing []string
	if pre := p.Prefix(); len(pre) > 2 {
		for _, n := range []int{2, 4, 6, 9} {
			if n < len(pre) {
				enclosing = append(enclosing, pre[:n]+strings.Repeat("0", 12-n))
			}
		}
	}
	prefix := p.Prefix()
	if p.IsSystem() && p.Region == "" {
		prefix = ""
	}
	runs, err := b.Store.Runs(ctx, prefix, enclosing, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Job, 0, len(runs))
	for _, r := range runs {
		j, err := b.job(ctx, p, r)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, nil
}

// visibleRun returns run id when p may see it: a run of a division within
// p's jurisdiction or enclosing it. NotFound otherwise.
func (b *Batches) visibleRun(ctx context.Context, p access.Principal, id int64) (Run, error) {
	run, err := b.Store.Run(ctx, id)
	if err != nil {
		return Run{}, err
	}
	if !p.Covers(run.Region) && !region.Contains(run.Region, p.Region) {
		return Run{}, apperr.New(apperr.NotFound, "未找到核对批次", "batch run not found")
	}
	return run, nil
}

// scope is the code prefix of the counties of run within p's
// jurisdiction (at most six digits: results are stored by county).
func scope(p access.Principal, run Run) string {
	pre := significantPrefix(run.Region)
	if own := p.Prefix(); !(p.IsSystem() && p.Region == "") && len(own) > len(pre) {
		pre = own
	}
	return pre[:min(len(pre), 6)]
}

// job returns run as p sees it.
func (b *Batches) job(ctx context.Context, p access.Principal, run Run) (Job, error) {
	out := Job{Run: run, Status: JobInterrupted}
	held := !run.Heartbeat.IsZero() && run.Heartbeat.After(b.Service.now().Add(-RunLease))
	b.mu.Lock()
	b.init()
	j := b.jobs[run.ID]
	switch {
	case run.Status == "done":
		out.Status = JobFinished
		if j != nil {
			out.Resumed = j.resumed
		}
	case j != nil && (j.status == JobRunning || !run.Heartbeat.After(j.endedAt)):
		// This process's job, running or ended: no other process has
		// claimed the run since (a heartbeat no later than the job's end
		// is its own, read before the job freed it).
		out.Status, out.Resumed, out.Done, out.Total = j.status, j.resumed, j.done, j.total
		out.ErrZh, out.ErrEn = j.errZh, j.errEn
		if j.status == JobFinished {
			out.Run.Status = "done"
		}
	case held:
		out.Status = JobElsewhere
	}
	b.mu.Unlock()
	done, err := b.Store.DoneCounties(ctx, run.ID)
	if err != nil {
		return out, err
	}
	if len(done) > out.Done {
		out.Done = len(done)
	}
	if out.Status == JobFinished {
		out.Total = out.Done
	}
	pre := scope(p, run)
	for _, d := range done {
		if strings.HasPrefix(d.County, pre) {
			out.Households += d.Households
			out.Flagged += d.Flagged
		}
	}
	return out, nil
}

// Get returns run id as p sees it: its progress and, once finished, its
// verdict counts and a page of the households whose verdict changed since
// the previous finished run of its region (offset, limit: 50 for 0), in
// p's jurisdiction. Resident IDs are masked unless p may see them whole;
// a page that lists households to such a user is audited as
// "verify.batch.view".
//
// Returns NotFound for a run p may not see, Forbidden without the
// verification reports' permission.
func (b *Batches) Get(ctx context.Context, p access.Principal, id int64, offset, limit int) (JobDetail, error) {
	d, err := b.detail(ctx, p, id)
	if err != nil {
		return d, err
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	offset = max(0, min(offset, len(d.Changes)))
	d.Changes = d.Changes[offset:min(offset+limit, len(d.Changes))]
	if len(d.Changes) > 0 && p.Can(access.SeeFullID) && b.Service.Audit != nil {
		ids := make([]string, len(d.Changes))
		for i, c := range d.Changes {
			ids[i] = fmt.Sprint(c.HouseholdID)
		}
		if err := b.Service.Audit.Record(ctx, p.Actor(), auditEvent("verify.batch.view", d.Run,
			map[string]any{"offset": offset, "households": ids})); err != nil {
			return d, err
		}
	}
	return d, nil
}

// Changes returns run id as Get does with every changed household, for an
// export; audited as "verify.batch.export".
func (b *Batches) Changes(ctx context.Context, p access.Principal, id int64) (JobDetail, error) {
	d, err := b.detail(ctx, p, id)
	if err != nil {
		return d, err
	}
	if b.Service.Audit != nil {
		if err := b.Service.Audit.Record(ctx, p.Actor(), auditEvent("verify.batch.export", d.Run,
			map[string]any{"households": len(d.Changes), "masked": !p.Can(access.SeeFullID)})); err != nil {
			return d, err
		}
	}
	return d, nil
}

func (b *Batches) detail(ctx context.Context, p access.Principal, id int64) (JobDetail, error) {
	if err := canView(p); err != nil {
		return JobDetail{}, err
	}
	run, err := b.visibleRun(ctx, p, id)
	if err != nil {
		return JobDetail{}, err
	}
	j, err := b.job(ctx, p, run)
	if err != nil {
		return JobDetail{}, err
	}
	d := JobDetail{Job: j, Verdicts: map[Verdict]int{}}
	if j.Status != JobFinished {
		// The counts and changes of an unfinished run would be partial
		// (and its page is read every two seconds).
		return d, nil
	}
	pre := scope(p, run)
	cur, err := b.Store.Results(ctx, run.ID, pre)
	if err != nil {
		return d, err
	}
	for _, r := range cur {
		d.Verdicts[r.Verdict]++
	}
	d.Verdicts[Meets] = j.Households - j.Flagged
	prev, err := b.Store.PreviousRun(ctx, run.Region, run.ID)
	if apperr.Is(err, apperr.NotFound) {
		return d, nil
	}
	if err != nil {
		return d, err
	}
	d.Previous = prev.ID
	old, err := b.Store.Results(ctx, prev.ID, pre)
	if err != nil {
		return d, err
	}
	prevDone, err := b.Store.DoneCounties(ctx, prev.ID)
	if err != nil {
		return d, err
	}
	changes := diffResults(old, cur, prevDone)
	ids := make([]int64, len(changes))
	for i, c := range changes {
		ids[i] = c.HouseholdID
	}
	labels, err := b.Store.HouseholdLabels(ctx, ids)
	if err != nil {
		return d, err
	}
	full := p.Can(access.SeeFullID)
	for _, c := range changes {
		l, ok := labels[c.HouseholdID]
		// Results are stored by county: below a county, the household's
		// village says whether it lies in p's jurisdiction.
		if ok && !p.Covers(l.Village) || !ok && len(p.Prefix()) > 6 {
			continue
		}
		if !full {
			l.HeadID = mask(l.HeadID)
			c.Reasons = slices.Clone(c.Reasons)
			for i := range c.Reasons {
				c.Reasons[i].IDNumber = mask(c.Reasons[i].IDNumber)
			}
		}
		d.Changes = append(d.Changes, ChangeRow{Change: c, HouseholdLabel: l})
	}
	d.Count = len(d.Changes)
	return d, nil
}

func auditEvent(action string, run Run, after map[string]any) audit.Event {
	return audit.Event{Action: action, SubjectType: "verify_run", SubjectID: fmt.Sprint(run.ID), SubjectRegion: run.Region, After: after}
}
