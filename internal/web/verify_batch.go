package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/verify"
)

// Batch re-verification as a job of the server: start a run of a division
// (it runs in the background; an open run of the same division and engine
// is resumed), follow its progress, cancel it, and read the households
// whose verdict changed since the previous run, with the reasons (JSON or
// Excel). The service (verify.Batches) checks the permissions, scopes to
// the jurisdiction, masks and audits.
func (s *Server) verifyBatchRoutes() {
	s.api("POST /api/v1/verification/batches", s.apiStartBatch)
	s.api("GET /api/v1/verification/batches", s.apiBatches)
	s.api("GET /api/v1/verification/batches/{id}", s.apiBatch)
	s.api("POST /api/v1/verification/batches/{id}/cancel", s.apiCancelBatch)
	s.api("GET /api/v1/verification/batches/{id}/changes.xlsx", s.apiBatchXLSX)
	s.verifyBatchUIRoutes()
}

func (s *Server) batchesReady(w http.ResponseWriter, r *http.Request, fail func(error)) bool {
	if s.Batches == nil {
		fail(apperr.New(apperr.Unavailable, "批量核对未启用", "batch re-verification is not available"))
		return false
	}
	return true
}

type batchJSON struct {
	ID            string            `json:"id"`
	Region        string            `json:"region"`
	RegionName    string            `json:"region_name"`
	Engine        string            `json:"engine"`
	AsOf          string            `json:"as_of"`
	Status        string            `json:"status"`
	StatusName    string            `json:"status_name"`
	Resumed       bool              `json:"resumed"`
	CountiesDone  int               `json:"counties_done"`
	CountiesTotal int               `json:"counties_total"`
	Households    int               `json:"households"`
	Flagged       int               `json:"flagged"`
	Error         string            `json:"error,omitempty"`
	Snapshots     map[string]string `json:"snapshots"`
	StartedBy     string            `json:"started_by"`
	StartedAt     time.Time         `json:"started_at"`
	FinishedAt    *time.Time        `json:"finished_at,omitempty"`
	HeartbeatAt   *time.Time        `json:"heartbeat_at,omitempty"`
}

func (s *Server) batchOut(j verify.Job, lang string) batchJSON {
	out := batchJSON{ID: strconv.FormatInt(j.Run.ID, 10), Region: j.Run.Region, RegionName: s.Divisions.Tree().Path(j.Run.Region),
		Engine: string(j.Run.Engine), AsOf: j.Run.AsOf, Status: string(j.Status), StatusName: pick(lang, j.Status.Zh(), j.Status.En()),
		Resumed: j.Resumed, CountiesDone: j.Done, CountiesTotal: j.Total, Households: j.Households, Flagged: j.Flagged,
		Error: pick(lang, j.ErrZh, j.ErrEn), Snapshots: map[string]string{}, StartedBy: j.Run.StartedBy, StartedAt: j.Run.StartedAt.UTC()}
	for _, sn := range j.Run.Snapshots {
		out.Snapshots[sn.Source] = sn.AsOf
	}
	if !j.Run.FinishedAt.IsZero() {
		at := j.Run.FinishedAt.UTC()
		out.FinishedAt = &at
	}
	if !j.Run.Heartbeat.IsZero() && (j.Status == verify.JobRunning || j.Status == verify.JobElsewhere) {
		at := j.Run.Heartbeat.UTC()
		out.HeartbeatAt = &at
	}
	return out
}

type batchChangeJSON struct {
	HouseholdID  string       `json:"household_id"`
	County       string       `json:"county"`
	Village      string       `json:"village"`
	VillageName  string       `json:"village_name"`
	HeadName     string       `json:"head_name"`
	HeadIDNumber string       `json:"head_id_number"`
	Before       string       `json:"before"`
	BeforeName   string       `json:"before_name"`
	After        string       `json:"after"`
	AfterName    string       `json:"after_name"`
	Reasons      []reasonJSON `json:"reasons"`
}

func (s *Server) batchChangeOut(c verify.ChangeRow, lang string) batchChangeJSON {
	out := batchChangeJSON{HouseholdID: strconv.FormatInt(c.HouseholdID, 10), County: c.County, Village: c.Village,
		VillageName: s.Divisions.Tree().Path(c.Village), HeadName: c.HeadName, HeadIDNumber: c.HeadID,
		Before: string(c.Before), BeforeName: verdictName(lang, c.Before), After: string(c.After), AfterName: verdictName(lang, c.After),
		Reasons: []reasonJSON{}}
	for _, x := range c.Reasons {
		out.Reasons = append(out.Reasons, reasonJSON{Rule: x.Rule, Verdict: string(x.Verdict), IDNumber: x.IDNumber, Text: pick(lang, x.Zh, x.En)})
	}
	return out
}

// apiStartBatch: {"region": "530102000000", "engine": "memory", "as_of":
// "2026-01-15"}, each optional (the caller's jurisdiction, the in-process
// engine, today). 202 with the run, which goes on in the background.
func (s *Server) apiStartBatch(w http.ResponseWriter, r *http.Request, p access.Principal) {
	fail := func(err error) { s.apiError(w, r, err) }
	if !s.batchesReady(w, r, fail) {
		return
	}
	var in struct {
		Region string `json:"region"`
		Engine string `json:"engine"`
		AsOf   string `json:"as_of"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		fail(err)
		return
	}
	j, err := s.Batches.Start(r.Context(), p, in.Region, verify.Engine(strings.TrimSpace(in.Engine)), strings.TrimSpace(in.AsOf))
	if err != nil {
		fail(err)
		return
	}
	w.Header().Set("Location", "/api/v1/verification/batches/"+strconv.FormatInt(j.Run.ID, 10))
	writeJSON(w, http.StatusAccepted, map[string]any{"run": s.batchOut(j, langOf(r))})
}

// queryInt reads an optional integer query parameter.
func queryInt(r *http.Request, name string) (int, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, apperr.Field(name, name+" 须为非负整数", name+" must be a whole number, 0 or more")
	}
	return n, nil
}

func (s *Server) apiBatches(w http.ResponseWriter, r *http.Request, p access.Principal) {
	fail := func(err error) { s.apiError(w, r, err) }
	if !s.batchesReady(w, r, fail) {
		return
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		fail(err)
		return
	}
	js, err := s.Batches.List(r.Context(), p, limit)
	if err != nil {
		fail(err)
		return
	}
	out := []batchJSON{}
	for _, j := range js {
		out = append(out, s.batchOut(j, langOf(r)))
	}
	writeJSON(w, http.StatusOK, map[string]any{"runs": out})
}

// apiBatch: the run, its verdict counts and a page (offset, limit) of the
// households whose verdict changed since the previous run.
func (s *Server) apiBatch(w http.ResponseWriter, r *http.Request, p access.Principal) {
	fail := func(err error) { s.apiError(w, r, err) }
	if !s.batchesReady(w, r, fail) {
		return
	}
	offset, err := queryInt(r, "offset")
	if err != nil {
		fail(err)
		return
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		fail(err)
		return
	}
	d, err := s.Batches.Get(r.Context(), p, pathInt64(r, "id"), offset, limit)
	if err != nil {
		fail(err)
		return
	}
	lang := langOf(r)
	changes := []batchChangeJSON{}
	for _, c := range d.Changes {
		changes = append(changes, s.batchChangeOut(c, lang))
	}
	verdicts := map[string]int{}
	for _, v := range []verify.Verdict{verify.Meets, verify.NotMeets, verify.NeedsCheck} {
		verdicts[string(v)] = d.Verdicts[v]
	}
	out := map[string]any{"run": s.batchOut(d.Job, lang), "verdicts": verdicts, "changes": changes, "total_changes": d.Count,
		"offset": offset}
	if d.Previous != 0 {
		out["previous"] = strconv.FormatInt(d.Previous, 10)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCancelBatch(w http.ResponseWriter, r *http.Request, p access.Principal) {
	fail := func(err error) { s.apiError(w, r, err) }
	if !s.batchesReady(w, r, fail) {
		return
	}
	j, err := s.Batches.Cancel(r.Context(), p, pathInt64(r, "id"))
	if err != nil {
		fail(err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"run": s.batchOut(j, langOf(r))})
}

func (s *Server) apiBatchXLSX(w http.ResponseWriter, r *http.Request, p access.Principal) {
	fail := func(err error) { s.apiError(w, r, err) }
	if !s.batchesReady(w, r, fail) {
		return
	}
	s.writeBatchXLSX(w, r, p, fail)
}

// writeBatchXLSX sends the changed households of run {id} as a workbook;
// the service audits the export.
func (s *Server) writeBatchXLSX(w http.ResponseWriter, r *http.Request, p access.Principal, fail func(error)) {
	d, err := s.Batches.Changes(r.Context(), p, pathInt64(r, "id"))
	if err != nil {
		fail(err)
		return
	}
	if d.Status != verify.JobFinished {
		fail(apperr.New(apperr.Conflict, "批次尚未完成，完成后方可导出", "the run is not finished: export it once it is"))
		return
	}
	var buf bytes.Buffer
	if err := verify.WriteChangesXLSX(&buf, d, langOf(r), s.Divisions.Tree().Path); err != nil {
		fail(apperr.Errorf("write batch %d changes: %w", d.Run.ID, err))
		return
	}
	sendFile(w, "batch-"+strconv.FormatInt(d.Run.ID, 10)+"-changes.xlsx",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}
