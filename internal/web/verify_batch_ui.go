package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/verify"
)

// The batch re-verification pages: the form to start a run with the
// list of runs, and a run's page with its progress (refreshed every two
// seconds while it runs), its verdict counts and the households whose
// verdict changed, with the reasons and an Excel download. They call the
// same verify.Batches methods as the API in verify_batch.go.

func init() {
	for k, v := range batchMessages {
		messages[k] = v
	}
}

var batchMessages = map[string][2]string{
	"vb.title":       {"批量复核", "Batch re-verification"},
	"vb.link":        {"批量复核：按区划对全部在保家庭重新核对", "Batch re-verification: re-verify every recipient household of a division"},
	"vb.hint":        {"对区划内全部在保家庭按各数据源最新快照重新核对，列出结论与上一批次不同的家庭及理由。批次按县（市、区）逐个保存，中断后再次发起同一区划和引擎即从中断处继续。", "Re-verifies every recipient household of a division against the newest snapshot of each source and lists the households whose verdict differs from the previous run, with the reasons. A run is saved county by county: start the same division and engine again to resume an interrupted one."},
	"vb.start":       {"发起批量复核", "Start a run"},
	"vb.region":      {"区划代码", "Division code"},
	"vb.engine":      {"核对引擎", "Engine"},
	"vb.memory":      {"内存引擎（本进程）", "In-process (memory)"},
	"vb.sql":         {"SQL 引擎（数据库内）", "Inside the database (sql)"},
	"vb.asOf":        {"核对日期", "Date"},
	"vb.runs":        {"批次", "Runs"},
	"vb.none":        {"尚无批量复核批次。", "No runs yet."},
	"vb.run":         {"批次", "Run"},
	"vb.status":      {"状态", "Status"},
	"vb.progress":    {"进度（县）", "Progress (counties)"},
	"vb.households":  {"在保家庭", "Households"},
	"vb.flagged":     {"不符合或需核实", "Flagged"},
	"vb.startedBy":   {"发起人", "Started by"},
	"vb.startedAt":   {"开始时间", "Started"},
	"vb.finishedAt":  {"完成时间", "Finished"},
	"vb.open":        {"查看", "Open"},
	"vb.loading":     {"正在读取户籍与数据源快照……", "Reading the registry and the snapshots…"},
	"vb.refresh":     {"本页每 2 秒自动刷新。", "This page refreshes every 2 seconds."},
	"vb.elsewhere":   {"该批次正由另一进程（如命令行 safetynet verify）运行，最近心跳 %s；请待其完成。该进程中断 %d 分钟后方可在此续跑。", "Another process (such as the command line safetynet verify) is running this batch; its last heartbeat was at %s. Wait for it to finish; should it stop, the run can be resumed here %d minutes later."},
	"vb.cancel":      {"取消批次", "Cancel the run"},
	"vb.resume":      {"继续此批次", "Resume the run"},
	"vb.resumeHint":  {"批次未完成；已完成的县不再重复核对。", "The run is unfinished; the counties done are not evaluated again."},
	"vb.resumed":     {"（续跑）", " (resumed)"},
	"vb.verdicts":    {"核对结论", "Verdicts"},
	"vb.changes":     {"结论变化的家庭", "Households whose verdict changed"},
	"vb.previous":    {"与上一批次比较：", "Compared with run "},
	"vb.noPrevious":  {"该区划此前没有已完成的批次，无从比较。", "No earlier finished run of this division to compare with."},
	"vb.noChanges":   {"与上一批次相比没有结论变化的家庭。", "No household's verdict changed since the previous run."},
	"vb.household":   {"家庭编号", "Household"},
	"vb.head":        {"户主", "Head"},
	"vb.village":     {"村（社区）", "Village"},
	"vb.before":      {"原结论", "Before"},
	"vb.after":       {"新结论", "After"},
	"vb.reasons":     {"理由", "Reasons"},
	"vb.xlsx":        {"下载 Excel", "Download Excel"},
	"vb.snapshots":   {"使用的数据快照", "Snapshots used"},
	"vb.prev":        {"上一页", "Previous page"},
	"vb.next":        {"下一页", "Next page"},
	"vb.page":        {"第 %d–%d 户，共 %d 户", "households %d–%d of %d"},
	"vb.error":       {"错误", "Error"},
	"vb.cancelled":   {"已取消批次；再次发起同一区划和引擎即从中断处继续。", "Run cancelled; start the same division and engine again to resume it."},
	"vb.unknownSize": {"已完成 %d 个县", "%d counties done"},
}

func (s *Server) verifyBatchUIRoutes() {
	s.mux.HandleFunc("GET /verification/batches", s.ui(s.batchesPage))
	s.mux.HandleFunc("POST /verification/batches", s.ui(s.batchStartSubmit))
	s.mux.HandleFunc("GET /verification/batches/{id}", s.ui(s.batchPage))
	s.mux.HandleFunc("POST /verification/batches/{id}/cancel", s.ui(s.batchCancelSubmit))
	s.mux.HandleFunc("GET /verification/batches/{id}/changes.xlsx", s.ui(s.batchXLSX))
}

type batchRow struct {
	ID, RegionName, Engine, AsOf, Status, StatusKey, Progress, StartedBy, StartedAt string
	Households, Flagged, Done, Total                                                int
	Resumed                                                                         bool
}

func (s *Server) batchRowOf(j verify.Job, lang string) batchRow {
	row := batchRow{ID: strconv.FormatInt(j.Run.ID, 10), RegionName: s.Divisions.Tree().Path(j.Run.Region), Engine: string(j.Run.Engine),
		AsOf: j.Run.AsOf, Status: pick(lang, j.Status.Zh(), j.Status.En()), StatusKey: string(j.Status), StartedBy: j.Run.StartedBy,
		StartedAt: fmtTime(j.Run.StartedAt), Households: j.Households, Flagged: j.Flagged, Done: j.Done, Total: j.Total, Resumed: j.Resumed}
	if j.Total > 0 {
		row.Progress = strconv.Itoa(j.Done) + " / " + strconv.Itoa(j.Total)
	} else {
		row.Progress = fmt.Sprintf(translate(lang, "vb.unknownSize"), j.Done)
	}
	return row
}

func (s *Server) batchesPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	s.renderBatches(w, r, p, http.StatusOK, nil)
}

func (s *Server) renderBatches(w http.ResponseWriter, r *http.Request, p access.Principal, code int, failure error) {
	if !s.batchesReady(w, r, func(err error) { s.uiError(w, r, err) }) {
		return
	}
	lang := langOf(r)
	js, err := s.Batches.List(r.Context(), p, 50)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	var rows []batchRow
	for _, j := range js {
		rows = append(rows, s.batchRowOf(j, lang))
	}
	form := map[string]string{"region": p.Region, "engine": "memory", "as_of": s.Now().In(shanghai).Format("2006-01-02")}
	if r.Method == http.MethodPost {
		for k := range form {
			form[k] = r.PostFormValue(k)
		}
	}
	v := view{Title: translate(lang, "vb.title"), Data: map[string]any{"Rows": rows, "CanRun": p.Can(access.VerifyBatch),
		"Form": form, "RegionName": s.Divisions.Tree().Path(p.Region)}}
	if failure != nil {
		v.Error, v.Field = apperr.Message(failure, lang), apperr.FieldOf(failure)
	}
	s.render(w, r, code, "verify_batches", v)
}

func (s *Server) batchStartSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.batchesReady(w, r, func(err error) { s.uiError(w, r, err) }) {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.uiError(w, r, apperr.Field("body", "表单无法解析", "cannot read the form"))
		return
	}
	j, err := s.Batches.Start(r.Context(), p, r.PostForm.Get("region"), verify.Engine(strings.TrimSpace(r.PostForm.Get("engine"))),
		strings.TrimSpace(r.PostForm.Get("as_of")))
	if err != nil {
		if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.Conflict || k == apperr.Forbidden {
			s.renderBatches(w, r, p, s.status(r, err), err)
			return
		}
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/verification/batches/"+strconv.FormatInt(j.Run.ID, 10), http.StatusSeeOther)
}

// batchPageSize is how many changed households a page lists.
const batchPageSize = 50

type batchChangeRow struct {
	HouseholdID, Head, HeadID, Village, VillagePath, Before, After, BeforeKey, AfterKey string
	Reasons                                                                             []string
}

func (s *Server) batchPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.batchesReady(w, r, func(err error) { s.uiError(w, r, err) }) {
		return
	}
	lang := langOf(r)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	d, err := s.Batches.Get(r.Context(), p, pathInt64(r, "id"), (page-1)*batchPageSize, batchPageSize)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	var changes []batchChangeRow
	for _, c := range d.Changes {
		path := s.Divisions.Tree().Path(c.Village)
		short := strings.Fields(path)
		short = short[max(0, len(short)-2):]
		row := batchChangeRow{HouseholdID: strconv.FormatInt(c.HouseholdID, 10), Head: c.HeadName, HeadID: c.HeadID,
			Village: strings.Join(short, " "), VillagePath: path, Before: verdictName(lang, c.Before), After: verdictName(lang, c.After),
			BeforeKey: string(c.Before), AfterKey: string(c.After)}
		for _, x := range c.Reasons {
			row.Reasons = append(row.Reasons, pick(lang, x.Zh, x.En))
		}
		changes = append(changes, row)
	}
	type snap struct{ Name, AsOf string }
	var snaps []snap
	for _, sn := range d.Run.Snapshots {
		snaps = append(snaps, snap{Name: sourceName(lang, sn.Source), AsOf: sn.AsOf})
	}
	first := (page-1)*batchPageSize + 1
	last := first + len(changes) - 1
	pageText := fmt.Sprintf(translate(lang, "vb.page"), first, last, d.Count)
	running := d.Status == verify.JobRunning
	elsewhere := d.Status == verify.JobElsewhere
	if running || elsewhere {
		// The browser reloads the page while the run goes on (no script:
		// the Refresh header works everywhere); another process's run
		// shows the counties it has saved.
		w.Header().Set("Refresh", "2")
	}
	data := map[string]any{"J": s.batchRowOf(d.Job, lang), "Running": running, "Elsewhere": elsewhere, "Error": pick(lang, d.ErrZh, d.ErrEn),
		"Finished":  d.Status == verify.JobFinished,
		"Resumable": !running && !elsewhere && d.Status != verify.JobFinished && p.Can(access.VerifyBatch),
		"CanCancel": running && p.Can(access.VerifyBatch) && p.Covers(d.Run.Region), "Region": d.Run.Region,
		"Meets": d.Verdicts[verify.Meets], "NotMeets": d.Verdicts[verify.NotMeets], "NeedsCheck": d.Verdicts[verify.NeedsCheck],
		"MeetsName": verdictName(lang, verify.Meets), "NotMeetsName": verdictName(lang, verify.NotMeets),
		"NeedsCheckName": verdictName(lang, verify.NeedsCheck), "Previous": d.Previous, "Changes": changes, "Count": d.Count,
		"PageText": pageText, "Snapshots": snaps}
	if elsewhere {
		data["ElsewhereText"] = fmt.Sprintf(translate(lang, "vb.elsewhere"), fmtTime(d.Run.Heartbeat), int(verify.RunLease.Minutes()))
	}
	if page > 1 {
		data["PrevPage"] = page - 1
	}
	if last < d.Count {
		data["NextPage"] = page + 1
	}
	flash := ""
	if r.URL.Query().Get("done") == "cancel" {
		flash = translate(lang, "vb.cancelled")
	}
	s.render(w, r, http.StatusOK, "verify_batch", view{Title: translate(lang, "vb.run") + " " + strconv.FormatInt(d.Run.ID, 10),
		Flash: flash, Data: data})
}

func (s *Server) batchCancelSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if !s.batchesReady(w, r, func(err error) { s.uiError(w, r, err) }) {
		return
	}
	j, err := s.Batches.Cancel(r.Context(), p, pathInt64(r, "id"))
	if err != nil {
		if apperr.KindOf(err) == apperr.Conflict {
			s.render(w, r, s.status(r, err), "error", view{Error: apperr.Message(err, langOf(r)),
				Data: map[string]any{"Back": "/verification/batches/" + r.PathValue("id")}})
			return
		}
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/verification/batches/"+strconv.FormatInt(j.Run.ID, 10)+"?done=cancel", http.StatusSeeOther)
}

func (s *Server) batchXLSX(w http.ResponseWriter, r *http.Request, p access.Principal) {
	fail := func(err error) { s.uiError(w, r, err) }
	if !s.batchesReady(w, r, fail) {
		return
	}
	s.writeBatchXLSX(w, r, p, fail)
}
