package verify

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/registry"
)

// RequestStatus is where a verification request stands.
type RequestStatus string

// The request statuses.
const (
	RequestPending RequestStatus = "pending" // in the centre's queue
	RequestDone    RequestStatus = "done"    // the report is out
)

// Request is a verification request for a household, from a case in the
// workflow or on its own.
type Request struct {
	ID          int64
	County      string // 12-digit county code
	Village     string
	HouseholdID int64
	HeadName    string
	CaseID      int64  // 0 when not from a case
	Tracking    string // the case's receipt number, ""
	AsOf        string // the day the request was made: the data's date
	Status      RequestStatus
	RequestedBy string
	RequestedAt time.Time
	ReportID    int64 // once done
	CompletedBy string
	CompletedAt time.Time
	Note        string // the centre's note on completion
	// Missing lists the sources neither connected nor answered yet, and
	// Verdict the verdict the report would have now; both computed on
	// reading a pending request, never stored.
	Missing []string
	Verdict Verdict
}

// Outcome is what a request produced: the request, and the report when it
// was produced at once.
type Outcome struct {
	Request Request
	Report  *StoredReport
	// Case is the case after its steps, when the request came from one.
	Case *casework.View
}

var errRequestNotFound = apperr.New(apperr.NotFound, "未找到该核对请求", "verification request not found")

// request reads a request within by's jurisdiction (NotFound outside).
func (s *Centre) request(ctx context.Context, by access.Principal, id int64) (Request, error) {
	r, err := s.Store.Request(ctx, id)
	if apperr.Is(err, apperr.NotFound) || (err == nil && !by.Covers(r.Village)) {
		return Request{}, errRequestNotFound
	}
	return r, err
}

// RequestForHousehold asks the centre to verify a household on its own
// (not from a case): see open.
//
// Errors: Unauthorized; Forbidden without access.VerifyRequest; NotFound
// for a household unknown or outside the jurisdiction; Conflict naming
// the adult members without an authorization.
func (s *Centre) RequestForHousehold(ctx context.Context, by access.Principal, householdID int64) (Outcome, error) {
	const op = "verify.Centre.RequestForHousehold"
	if err := require(by, access.VerifyRequest); err != nil {
		return Outcome{}, err
	}
	var out Outcome
	err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
		h, err := s.household(ctx, by, householdID)
		if err != nil {
			return err
		}
		out, err = s.open(ctx, by, &h, nil)
		return err
	})
	if err != nil {
		return Outcome{}, wrap(err, op)
	}
	return out, nil
}

// RequestForCase takes the request_verification step of case caseID (whose
// version by read) and opens the verification request for its household,
// in one transaction: the step's own guards apply (a signed home visit),
// and a household without every adult's authorization is refused and the
// step not taken. When the report is produced at once, its result is
// recorded on the case (record_verification) by the verification platform
// in the same transaction.
//
// Errors: those of casework.Service.Act for the step; Forbidden without
// access.VerifyRequest; Conflict naming the adult members without an
// authorization.
func (s *Centre) RequestForCase(ctx context.Context, by access.Principal, caseID int64, version int, note string) (Outcome, error) {
	const op = "verify.Centre.RequestForCase"
	if err := require(by, access.VerifyRequest); err != nil {
		return Outcome{}, err
	}
	if s.Cases == nil {
		return Outcome{}, apperr.Errorf("verify: no casework service")
	}
	var out Outcome
	err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
		v, err := s.Cases.Act(ctx, by, caseID, version, casework.ActionRequestVerify, casework.StepInput{Note: note})
		if err != nil {
			return err
		}
		h, err := s.Households.Household(ctx, v.Case.Household.ID)
		if err != nil {
			return err
		}
		out, err = s.open(ctx, by, &h, &v)
		return err
	})
	if err != nil {
		return Outcome{}, wrap(err, op)
	}
	return out, nil
}

// open checks the authorizations, stores the request, and produces the
// report at once when every source has answered (connected, or by paper
// reply) and the verdict needs no manual check; otherwise the request
// waits in the centre's queue.
func (s *Centre) open(ctx context.Context, by access.Principal, h *registry.Household, cv *casework.View) (Outcome, error) {
	now := s.now()
	today := s.today()
	as, err := s.Store.Authorizations(ctx, h.County, h.ID)
	if err != nil {
		return Outcome{}, err
	}
	if missing := MissingAuthorizations(h, as, today); len(missing) > 0 {
		return Outcome{}, errMissingAuthorizations(h, missing)
	}
	head, _ := h.Head()
	r := Request{County: h.County, Village: h.Village, HouseholdID: h.ID, HeadName: head.Name, AsOf: today.String(),
		Status: RequestPending, RequestedBy: by.Username, RequestedAt: now}
	if cv != nil {
		r.CaseID, r.Tracking = cv.Case.ID, cv.Case.Tracking
	}
	if err := s.Store.CreateRequest(ctx, &r); err != nil {
		return Outcome{}, err
	}
	if err := s.record(ctx, by, "verify.request.create", "verification_request", r.ID, r.Village, nil,
		map[string]any{"household_id": h.ID, "case": r.Tracking, "as_of": r.AsOf}); err != nil {
		return Outcome{}, err
	}
	out := Outcome{Request: r, Case: cv}
	rep, err := s.compute(ctx, &r, h)
	if err != nil {
		return Outcome{}, err
	}
	if missingSources(rep) == nil && rep.Verdict != NeedsCheck {
		return s.finish(ctx, platform(r.County), &r, rep, "", cv)
	}
	out.Request.Missing, out.Request.Verdict = missingSources(rep), rep.Verdict
	return out, nil
}

// online runs the online comparison of h as of asOf (when a checker is
// configured) and returns it with, per source, whether it answers online:
// connected in the county and answered by a snapshot (Check's Mode
// Online). The other sources answer by paper reply.
func (s *Centre) online(ctx context.Context, county string, h *registry.Household, asOf string) (Report, map[string]bool, error) {
	rep := Report{}
	answers := map[string]bool{}
	if s.Checker == nil {
		return rep, answers, nil
	}
	rep, err := s.Checker.Check(ctx, h, asOf)
	if err != nil {
		return rep, nil, fmt.Errorf("check household %d: %w", h.ID, err)
	}
	conn, err := s.connectedMap(ctx, county)
	if err != nil {
		return rep, nil, err
	}
	for _, st := range rep.Sources {
		answers[st.Source] = conn[st.Source] && st.Mode == Online
	}
	return rep, answers, nil
}

// compute runs the online comparison and merges the paper replies of r.
func (s *Centre) compute(ctx context.Context, r *Request, h *registry.Household) (*Report, error) {
	rep, answers, err := s.online(ctx, r.County, h, r.AsOf)
	if err != nil {
		return nil, err
	}
	replies, err := s.Store.Replies(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	rep.HouseholdID, rep.County, rep.Village, rep.AsOf, rep.Case = h.ID, h.County[:6], h.Village, r.AsOf, r.Tracking
	if err := s.merge(ctx, &rep, h, answers, replies); err != nil {
		return nil, err
	}
	return &rep, nil
}

func missingSources(rep *Report) []string {
	var out []string
	for _, st := range rep.Sources {
		if st.Mode == Missing {
			out = append(out, st.Source)
		}
	}
	return out
}

// finish stores rep as r's report, marks r done and, for a case, records
// the result on it through casework by by (the centre's verifier, or the
// platform when it answers at once): meets and not_meets as the verdict
// says; a verdict that needs a manual check as "manual", with the centre's
// note saying what the check found.
func (s *Centre) finish(ctx context.Context, by access.Principal, r *Request, rep *Report, note string, cv *casework.View) (Outcome, error) {
	now := s.now()
	sr := StoredReport{Report: *rep, RequestID: r.ID, Note: note, CreatedBy: by.Username, CreatedAt: now}
	if err := s.Store.CreateReport(ctx, &sr); err != nil {
		return Outcome{}, err
	}
	before := r.Status
	r.Status, r.ReportID, r.CompletedBy, r.CompletedAt, r.Note = RequestDone, sr.ID, by.Username, now, note
	if err := s.Store.UpdateRequest(ctx, r); err != nil {
		return Outcome{}, err
	}
	if err := s.record(ctx, by, "verify.request.complete", "verification_request", r.ID, r.Village,
		map[string]any{"status": before}, map[string]any{"status": r.Status, "report": sr.Number(), "verdict": sr.Verdict,
			"manual": sr.HasManual()}); err != nil {
		return Outcome{}, err
	}
	out := Outcome{Request: *r, Report: &sr}
	if r.CaseID == 0 {
		return out, nil
	}
	if cv == nil {
		v, err := s.Cases.Get(ctx, by, r.CaseID)
		if err != nil {
			return Outcome{}, err
		}
		cv = &v
	}
	if cv.Case.Status != casework.StatusVerifying {
		// The case has moved on (withdrawn, or re-investigated and asking
		// again): the report stands, the case keeps its own course.
		out.Case = cv
		return out, nil
	}
	result := casework.VerificationMeets
	switch sr.Verdict {
	case NotMeets:
		result = casework.VerificationNotMeets
	case NeedsCheck:
		result = casework.VerificationManual
	}
	cnote := fmt.Sprintf("核对报告 %s：%s", sr.Number(), sr.Verdict.Zh())
	if sr.HasManual() {
		cnote += "（含手工比对结果）"
	}
	if note != "" {
		cnote += "。" + note
	}
	v, err := s.Cases.Act(ctx, by, r.CaseID, cv.Case.Version, casework.ActionRecordVerification,
		casework.StepInput{Verification: &casework.Verification{Result: result, Report: sr.Number(), Note: cnote}})
	if err != nil {
		return Outcome{}, err
	}
	out.Case = &v
	return out, nil
}

// Complete is the centre's completion of a pending request once every
// source has answered: the report is produced from the online comparison
// and the paper replies, stored, and for a case its result recorded
// through casework by the verifier. A verdict that needs a manual check
// needs the verifier's note (what the check found), recorded on the case
// with the result "manual".
//
// Errors: Unauthorized; Forbidden without access.VerifyCentre; NotFound;
// Conflict when the request is done or sources are still missing (named);
// Invalid ("note") for a needs-check verdict without a note; and those of
// casework.Service.Act for the case's step.
func (s *Centre) Complete(ctx context.Context, by access.Principal, requestID int64, note string) (Outcome, error) {
	const op = "verify.Centre.Complete"
	if err := require(by, access.VerifyCentre); err != nil {
		return Outcome{}, err
	}
	var out Outcome
	err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.request(ctx, by, requestID)
		if err != nil {
			return err
		}
		if r.Status != RequestPending {
			return apperr.New(apperr.Conflict, "该核对请求已办结", "the request is already done")
		}
		h, err := s.Households.Household(ctx, r.HouseholdID)
		if err != nil {
			return err
		}
		rep, err := s.compute(ctx, &r, &h)
		if err != nil {
			return err
		}
		if ms := missingSources(rep); len(ms) > 0 {
			var names []string
			for _, m := range ms {
				src, _ := SourceByName(m)
				names = append(names, src.Zh)
			}
			return apperr.New(apperr.Conflict, "以下数据源未联网且尚未录入回函，不能出具核对报告："+joinZh(names),
				fmt.Sprintf("%d source(s) are neither connected nor answered: %v", len(ms), ms)).WithField("sources")
		}
		note = trim(note)
		if rep.Verdict == NeedsCheck && note == "" {
			return apperr.Field("note", "核对结果需人工核实，请填写核实情况", "the verdict needs a manual check: say what the check found")
		}
		out, err = s.finish(ctx, by, &r, rep, note, nil)
		return err
	})
	if err != nil {
		return Outcome{}, wrap(err, op)
	}
	return out, nil
}

// Request returns a request within by's jurisdiction; a pending one with
// the sources still missing and the verdict it would have now.
//
// Errors: Unauthorized; Forbidden without access.VerifyReport or
// access.VerifyCentre; NotFound.
func (s *Centre) Request(ctx context.Context, by access.Principal, id int64) (Request, error) {
	if !by.Can(access.VerifyCentre) && !by.Can(access.VerifyRequest) && !by.Can(access.VerifyReport) {
		return Request{}, require(by, access.VerifyCentre)
	}
	r, err := s.request(ctx, by, id)
	if err != nil {
		return Request{}, err
	}
	return r, s.pendingState(ctx, &r)
}

func (s *Centre) pendingState(ctx context.Context, r *Request) error {
	if r.Status != RequestPending {
		return nil
	}
	h, err := s.Households.Household(ctx, r.HouseholdID)
	if err != nil {
		return err
	}
	rep, err := s.compute(ctx, r, &h)
	if err != nil {
		return err
	}
	r.Missing, r.Verdict = missingSources(rep), rep.Verdict
	if r.Missing == nil {
		r.Missing = []string{}
	}
	return nil
}

// RequestDetail is a request with what the centre works from: the
// household's members, the replies recorded and the sources' connections.
type RequestDetail struct {
	Request     Request
	Members     []registry.Member
	Replies     []Reply
	Connections []Connection
	// Offline are the sources that answer this request by paper reply:
	// not connected in the county, or connected without a snapshot.
	Offline []string
	Today   string // the centre's date, YYYY-MM-DD
}

// RequestDetail returns a request with its household's members, replies
// and connections. IDs are masked for roles that may not see them; a view
// with full IDs is audited.
//
// Errors: as Request.
func (s *Centre) RequestDetail(ctx context.Context, by access.Principal, id int64) (RequestDetail, error) {
	r, err := s.Request(ctx, by, id)
	if err != nil {
		return RequestDetail{}, err
	}
	h, err := s.Households.Household(ctx, r.HouseholdID)
	if err != nil {
		return RequestDetail{}, err
	}
	replies, err := s.Store.Replies(ctx, r.ID)
	if err != nil {
		return RequestDetail{}, err
	}
	conns, err := s.connections(ctx, r.County)
	if err != nil {
		return RequestDetail{}, err
	}
	_, answers, err := s.online(ctx, r.County, &h, r.AsOf)
	if err != nil {
		return RequestDetail{}, err
	}
	d := RequestDetail{Request: r, Replies: replies, Connections: conns, Today: s.today().String()}
	for _, src := range Sources {
		if !answers[src.Name] {
			d.Offline = append(d.Offline, src.Name)
		}
	}
	for _, m := range h.Members {
		if m.Counts() {
			d.Members = append(d.Members, m)
		}
	}
	if by.Can(access.SeeFullID) {
		err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
			return s.record(ctx, by, "verify.request.view", "verification_request", r.ID, r.Village, nil, nil)
		})
		if err != nil {
			return RequestDetail{}, err
		}
	} else {
		for i := range d.Members {
			d.Members[i].IDNumber = maskID(d.Members[i].IDNumber)
		}
		for i := range d.Replies {
			d.Replies[i].IDNumber = maskID(d.Replies[i].IDNumber)
		}
	}
	return d, nil
}

// Queue is the centre's list of pending requests within by's
// jurisdiction, oldest first, each with the sources still missing. limit
// 0 means 100.
//
// Errors: Unauthorized; Forbidden without access.VerifyCentre.
func (s *Centre) Queue(ctx context.Context, by access.Principal, limit int) ([]Request, error) {
	if err := require(by, access.VerifyCentre); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rs, err := s.Store.PendingRequests(ctx, by.Prefix(), limit)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		if err := s.pendingState(ctx, &rs[i]); err != nil {
			return nil, err
		}
	}
	if rs == nil {
		rs = []Request{}
	}
	return rs, nil
}

// RequestsOf returns the requests of a household, newest first.
//
// Errors: Unauthorized; Forbidden without access.RegistryRead; NotFound.
func (s *Centre) RequestsOf(ctx context.Context, by access.Principal, householdID int64) ([]Request, error) {
	if err := require(by, access.RegistryRead); err != nil {
		return nil, err
	}
	h, err := s.household(ctx, by, householdID)
	if err != nil {
		return nil, err
	}
	return s.Store.RequestsOf(ctx, h.County, h.ID)
}

// IDString returns r's ID as a string, for links.
func (r Request) IDString() string { return strconv.FormatInt(r.ID, 10) }
