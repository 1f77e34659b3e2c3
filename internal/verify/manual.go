package verify

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
	"safetynet/internal/money"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Connection says whether a source is connected (online) in a county.
// Every source is connected unless the province administrator or the
// county's verifier marks it not connected.
type Connection struct {
	County    string // 12-digit county code
	Source    string
	Connected bool
	UpdatedBy string
	UpdatedAt time.Time
}

// normCounty checks a county code given as 6 or 12 digits.
func normCounty(code string) (string, error) {
	c := trim(code)
	if len(c) == 6 {
		c += "000000"
	}
	c, err := region.Normalize(c)
	if err != nil || region.LevelOf(c) != region.County {
		return "", apperr.Field("county", "县（市、区）代码须为6位或12位县级代码", "the county must be a county-level division code")
	}
	return c, nil
}

// Connections returns every source with its connection in county (6 or 12
// digits), in the order of Sources.
//
// Errors: Unauthorized; Invalid ("county"); NotFound for a county outside
// the caller's jurisdiction.
func (s *Centre) Connections(ctx context.Context, by access.Principal, county string) ([]Connection, error) {
	if !by.Authenticated() {
		return nil, apperr.ErrUnauthorized
	}
	c, err := normCounty(county)
	if err != nil {
		return nil, err
	}
	if !by.Covers(c) && !region.Contains(c, by.Region) {
		return nil, apperr.New(apperr.NotFound, "未找到该县（市、区）", "county not found")
	}
	return s.connections(ctx, c)
}

func (s *Centre) connections(ctx context.Context, county string) ([]Connection, error) {
	rows, err := s.Store.Connections(ctx, county)
	if err != nil {
		return nil, err
	}
	out := make([]Connection, len(Sources))
	for i, src := range Sources {
		out[i] = Connection{County: county, Source: src.Name, Connected: true}
		for _, r := range rows {
			if r.Source == src.Name {
				out[i] = r
			}
		}
	}
	return out, nil
}

// connectedMap returns source → connected for a county.
func (s *Centre) connectedMap(ctx context.Context, county string) (map[string]bool, error) {
	cs, err := s.connections(ctx, county)
	if err != nil {
		return nil, err
	}
	m := make(map[string]bool, len(cs))
	for _, c := range cs {
		m[c.Source] = c.Connected
	}
	return m, nil
}

// SetConnection marks source connected or not in county, audited.
//
// Errors: Unauthorized; Forbidden without access.VerifyConnect or for a
// county outside the jurisdiction; Invalid ("county", "source").
func (s *Centre) SetConnection(ctx context.Context, by access.Principal, county, source string, connected bool) (Connection, error) {
	const op = "verify.Centre.SetConnection"
	if err := require(by, access.VerifyConnect); err != nil {
		return Connection{}, err
	}
	c, err := normCounty(county)
	if err != nil {
		return Connection{}, err
	}
	if !by.Covers(c) {
		return Connection{}, apperr.New(apperr.Forbidden, "该县（市、区）不在您的管辖范围内", "the county is outside your jurisdiction").WithField("county")
	}
	if _, ok := SourceByName(source); !ok {
		return Connection{}, apperr.Field("source", fmt.Sprintf("未知的数据源“%s”", source), fmt.Sprintf("unknown source %q", source))
	}
	out := Connection{County: c, Source: source, Connected: connected, UpdatedBy: by.Username, UpdatedAt: s.now()}
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.SetConnection(ctx, out); err != nil {
			return err
		}
		return s.record(ctx, by, "verify.connection.set", "county", 0, c, nil,
			map[string]any{"county": c, "source": source, "connected": connected})
	})
	if err != nil {
		return Connection{}, wrap(err, op)
	}
	return out, nil
}

// Reply is a paper reply (纸质回函) of a department about one member, for
// a source not connected in the county: what it found, or that it found
// nothing.
type Reply struct {
	ID        int64
	County    string
	RequestID int64
	IDNumber  string
	Source    string
	Found     bool
	Kind      string      // vehicle, house, business, pension, deposit, …
	Value     money.Money // as in Finding.Value
	AreaM2    int64       // hundredths of a square metre
	Ref       string
	Detail    string
	ReplyDate string // YYYY-MM-DD, the date of the department's letter
	Document  string // scanned reply's reference
	// RecordedBy and RecordedAt say who entered it when.
	RecordedBy string
	RecordedAt time.Time
}

// ReplyInput is a paper reply to record.
type ReplyInput struct {
	IDNumber  string
	Source    string
	Found     bool
	Kind      string
	Value     money.Money
	AreaM2    int64
	Ref       string
	Detail    string
	ReplyDate string
	Document  string
}

// RecordReply records a paper reply for a pending request, audited.
//
// Errors: Unauthorized; Forbidden without access.VerifyCentre; NotFound
// for a request unknown or outside the jurisdiction; Conflict when the
// request is done or the source is connected in the county (it answers
// online); Invalid naming the field ("id_number", "source", "kind",
// "value", "area", "reply_date", "document").
func (s *Centre) RecordReply(ctx context.Context, by access.Principal, requestID int64, in ReplyInput) (Reply, error) {
	const op = "verify.Centre.RecordReply"
	if err := require(by, access.VerifyCentre); err != nil {
		return Reply{}, err
	}
	var out Reply
	err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.request(ctx, by, requestID)
		if err != nil {
			return err
		}
		if r.Status != RequestPending {
			return apperr.New(apperr.Conflict, "该核对请求已办结，不能再录入回函", "the request is done; no more replies")
		}
		h, err := s.Households.Household(ctx, r.HouseholdID)
		if err != nil {
			return err
		}
		m, ok := memberByID(&h, in.IDNumber)
		if !ok {
			return apperr.Field("id_number", "回函所涉人员须为该户家庭成员", "the reply must be about a member of the household")
		}
		src, ok := SourceByName(trim(in.Source))
		if !ok {
			return apperr.Field("source", fmt.Sprintf("未知的数据源“%s”", in.Source), fmt.Sprintf("unknown source %q", in.Source))
		}
		_, answers, err := s.online(ctx, r.County, &h, r.AsOf)
		if err != nil {
			return err
		}
		if answers[src.Name] {
			return apperr.New(apperr.Conflict, fmt.Sprintf("%s在本县已联网，由信息化比对，无需录入纸质回函", src.Zh),
				fmt.Sprintf("%s is connected in this county and answers online; no paper reply", src.En)).WithField("source")
		}
		if in.Found && trim(in.Kind) == "" {
			return apperr.Field("kind", "请填写查到的记录类别", "the kind of record found is required")
		}
		if in.Value < 0 {
			return apperr.Field("value", "金额不能为负数", "the value must not be negative")
		}
		if in.AreaM2 < 0 {
			return apperr.Field("area", "面积不能为负数", "the area must not be negative")
		}
		d, err := calendar.ParseDate(trim(in.ReplyDate))
		if err != nil {
			return apperr.Field("reply_date", "回函日期格式应为 YYYY-MM-DD", "the reply date must be YYYY-MM-DD")
		}
		if d > s.today() {
			return apperr.Field("reply_date", "回函日期不能晚于今天", "the reply date cannot be in the future")
		}
		if trim(in.Document) == "" {
			return apperr.Field("document", "请填写回函扫描件编号", "the scanned reply's reference is required")
		}
		out = Reply{County: r.County, RequestID: r.ID, IDNumber: m.IDNumber, Source: src.Name, Found: in.Found,
			Kind: trim(in.Kind), Value: in.Value, AreaM2: in.AreaM2, Ref: trim(in.Ref), Detail: trim(in.Detail),
			ReplyDate: d.String(), Document: trim(in.Document), RecordedBy: by.Username, RecordedAt: s.now()}
		if !out.Found {
			out.Kind, out.Value, out.AreaM2, out.Ref = "", 0, 0, ""
		}
		if err := s.Store.AddReply(ctx, &out); err != nil {
			return err
		}
		return s.record(ctx, by, "verify.reply.record", "verification_request", r.ID, r.Village, nil,
			map[string]any{"reply": out.ID, "member": maskID(out.IDNumber), "source": out.Source, "found": out.Found,
				"kind": out.Kind, "value": out.Value, "reply_date": out.ReplyDate, "document": out.Document})
	})
	if err != nil {
		return Reply{}, wrap(err, op)
	}
	return out, nil
}

// ruleSources attributes the engine's rules (rules.go) to the source whose
// records they read, so that a reason resting on a source the county has
// not connected is dropped with its findings: such a source answers by
// paper reply, judged by judgeManual.
var ruleSources = map[string]string{
	"vehicle": "vehicles", "vehicle_undeclared": "vehicles", "houses": "real_estate", "business": "businesses",
	"deposits": "deposits", "assets_undeclared": "deposits", "public_job": "public_employees", "death": "deaths",
	"staff_spouse": "marriages",
}

// merge turns the online report of Check into the report of a county:
// conn says which sources answer online (connected, with a snapshot); the
// others lose any online findings and answer by the paper replies (Mode
// Manual) once every counted member has one, or are Missing. judge then
// settles the verdict.
func (s *Centre) merge(ctx context.Context, rep *Report, h *registry.Household, conn map[string]bool, replies []Reply) error {
	online := map[string]SourceStatus{}
	for _, st := range rep.Sources {
		online[st.Source] = st
	}
	byMember := map[string]int{}
	for i, mr := range rep.Members {
		byMember[mr.IDNumber] = i
	}
	for _, m := range h.Members {
		if _, ok := byMember[m.IDNumber]; !ok && m.Counts() {
			rep.Members = append(rep.Members, MemberResult{IDNumber: m.IDNumber, Name: m.Name})
			byMember[m.IDNumber] = len(rep.Members) - 1
		}
	}
	var statuses []SourceStatus
	for _, src := range Sources {
		if conn[src.Name] {
			statuses = append(statuses, online[src.Name])
			continue
		}
		// Not answering online: drop whatever the snapshots said, take the
		// replies.
		for i := range rep.Members {
			rep.Members[i].Findings = slices.DeleteFunc(rep.Members[i].Findings, func(f Finding) bool { return f.Source == src.Name })
		}
		answered := map[string]bool{}
		last := ""
		for _, r := range replies {
			if r.Source != src.Name {
				continue
			}
			answered[r.IDNumber] = true
			last = max(last, r.ReplyDate)
			if !r.Found {
				continue
			}
			i, ok := byMember[r.IDNumber]
			if !ok {
				continue
			}
			rep.Members[i].Findings = append(rep.Members[i].Findings, Finding{Source: r.Source, IDNumber: r.IDNumber,
				Kind: r.Kind, Value: r.Value, AreaM2: r.AreaM2, Ref: r.Ref, Date: r.ReplyDate, Detail: r.Detail,
				Mode: Manual, Snapshot: r.ReplyDate})
		}
		all := true
		for _, m := range h.Members {
			if m.Counts() && !answered[m.IDNumber] {
				all = false
			}
		}
		if all {
			statuses = append(statuses, SourceStatus{Source: src.Name, Mode: Manual, Snapshot: last})
		} else {
			statuses = append(statuses, SourceStatus{Source: src.Name, Mode: Missing})
		}
	}
	rep.Sources = statuses
	return s.judge(ctx, rep, h, conn)
}

// judge settles rep's verdict and reasons after merge: the online
// reasons of connected sources stay, the paper replies' findings are
// judged by the same rules (judgeManual), and a Missing source caps the
// verdict at NeedsCheck.
func (s *Centre) judge(ctx context.Context, rep *Report, h *registry.Household, conn map[string]bool) error {
	manualSource := map[string]bool{}
	for _, st := range rep.Sources {
		if st.Mode == Manual {
			manualSource[st.Source] = true
		}
	}
	rep.Reasons = slices.DeleteFunc(rep.Reasons, func(r Reason) bool {
		src, ok := ruleSources[r.Rule]
		return ok && (!conn[src] || manualSource[src])
	})
	mr, err := s.judgeManual(rep, h)
	if err != nil {
		return err
	}
	rep.Reasons = append(rep.Reasons, mr...)
	var missing []string
	for _, st := range rep.Sources {
		if st.Mode == Missing {
			src, _ := SourceByName(st.Source)
			missing = append(missing, src.Zh)
		}
	}
	if len(missing) > 0 {
		rep.Reasons = append(rep.Reasons, Reason{Rule: "missing_source", Verdict: NeedsCheck,
			Zh: fmt.Sprintf("%d 个数据源未联网且尚未收到回函：%s", len(missing), joinZh(missing)),
			En: fmt.Sprintf("%d source(s) neither connected nor answered yet", len(missing))})
	}
	rep.Verdict = VerdictOf(rep.Reasons)
	return nil
}

// judgeManual applies the engine's rules (Match) to the findings of paper
// replies, read back as department records, with the thresholds of the
// policy in force for the village on the report's date. Without a Policy
// every manual finding asks for a manual check.
func (s *Centre) judgeManual(rep *Report, h *registry.Household) ([]Reason, error) {
	var any bool
	for _, m := range rep.Members {
		for _, f := range m.Findings {
			any = any || f.Mode == Manual
		}
	}
	if !any {
		return nil, nil
	}
	if s.Policy == nil {
		var out []Reason
		for _, m := range rep.Members {
			for _, f := range m.Findings {
				if f.Mode != Manual {
					continue
				}
				src, _ := SourceByName(f.Source)
				out = append(out, Reason{Rule: "manual_finding", Verdict: NeedsCheck, IDNumber: f.IDNumber,
					Zh: fmt.Sprintf("%s：%s纸质回函查有记录（%s%s），需人工核实", m.Name, src.Zh, f.Kind, refText(f.Ref)),
					En: fmt.Sprintf("%s: the paper reply on %s found a record (%s%s); check it by hand", m.Name, src.En, f.Kind, refText(f.Ref))})
			}
		}
		return out, nil
	}
	pol, err := s.Policy.Resolve(h.Village, rep.AsOf)
	if err != nil {
		return nil, err
	}
	f := &Facts{Records: make([][]Record, len(h.Members)), LookAlikes: make([][]string, len(h.Members)),
		Jobs: func(uint64) []Record { return nil }}
	for i, m := range h.Members {
		for _, mr := range rep.Members {
			if mr.IDNumber != m.IDNumber || m.IDNumber == "" {
				continue
			}
			for _, x := range mr.Findings {
				if x.Mode == Manual {
					f.Records[i] = append(f.Records[i], recordOf(x))
				}
			}
		}
	}
	hits := Match(h, f, LimitsOf(&pol.Params, h.Area))
	return Reasons(hits, pol.Params.Assets), nil
}

// recordOf reads a paper reply's finding back as a department record, in
// the fields the rules look at: the vehicle's plate and value, the home's
// use (Kind "住宅") and area, a business as active unless the reply says it
// is deregistered or revoked, deposits' and securities' amounts, the
// employer of a public employee, the date of a death.
func recordOf(x Finding) Record {
	r := Record{Source: x.Source, IDNumber: x.IDNumber, Ref: x.Ref, Kind: x.Kind, Amount: x.Value, Date: x.Date, Note: x.Detail}
	switch x.Source {
	case "real_estate":
		r.Amount = money.Money(x.AreaM2)
	case "businesses":
		r.Status = "存续"
		if strings.Contains(x.Detail, "注销") || strings.Contains(x.Detail, "吊销") {
			r.Status = "注销"
		}
	case "public_employees":
		r.Note = firstOf(x.Detail, x.Ref, x.Kind, "公职人员")
	}
	return r
}

func firstOf(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return x
		}
	}
	return ""
}

func refText(ref string) string {
	if ref == "" {
		return ""
	}
	return " " + ref
}

func joinZh(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += "、"
		}
		out += x
	}
	return out
}
