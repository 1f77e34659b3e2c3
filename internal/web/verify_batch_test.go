package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"safetynet/internal/access"
	"safetynet/internal/app"
	"safetynet/internal/apptest"
	"safetynet/internal/audit"
	"safetynet/internal/synth"
	"safetynet/internal/verify"
)

// bwWorld is the small synthetic province (五华区 and 禄劝县, both of 昆明市)
// with its department datasets, and the users of batch re-verification.
type bwWorld struct {
	*apptest.App
	dir                             string
	admin, prefect, wuhua, far, clk string

	mu      sync.Mutex
	mode    string      // how the next run started is held: "", "hold" or "cancel"
	reached chan string // a held run's first county
	release chan struct{}
}

func newBWWorld(t *testing.T) *bwWorld {
	t.Helper()
	ctx := context.Background()
	w := &bwWorld{App: apptest.NewApp(t), dir: t.TempDir(), reached: make(chan string, 1), release: make(chan struct{})}
	if _, err := synth.Run(ctx, synth.Config{Scale: "small", Seed: 1, Workers: 2}, synth.Output{Dir: w.dir, Loader: payrollLoader{w.App}}); err != nil {
		t.Fatal(err)
	}
	for _, src := range verify.Sources {
		data, err := os.ReadFile(filepath.Join(w.dir, "datasets", src.Name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.App.Verify.Import(ctx, apptest.System().Actor(), src.Name, "2025-12-31", data, false, false); err != nil {
			t.Fatalf("import %s: %v", src.Name, err)
		}
	}
	for _, u := range []struct {
		name, region string
		role         access.Role
		token        *string
	}{
		{"admin", "530000000000", access.ProvinceAdmin, &w.admin},
		{"prefect", "530100000000", access.PrefectureOfficer, &w.prefect},
		{"wuhua", "530102000000", access.CountyVerifier, &w.wuhua},
		{"far", "530302000000", access.CountyVerifier, &w.far}, // 曲靖市麒麟区
		{"clk", "530128001000", access.TownshipClerk, &w.clk},
	} {
		w.MustCreateUser(t, u.name, u.role, u.region)
		*u.token = w.Login(t, u.name)
	}
	w.App.Batches.Adjust = w.adjust
	return w
}

// adjust runs a county at a time and, when the test asked, holds the run
// after its first county until released or cancelled.
func (w *bwWorld) adjust(ctx context.Context, o *verify.BatchOptions) {
	o.Workers = 1
	w.mu.Lock()
	mode := w.mode
	w.mode = ""
	w.mu.Unlock()
	if mode == "" {
		return
	}
	var once sync.Once
	o.AfterCounty = func(c string) {
		once.Do(func() {
			w.reached <- c
			if mode == "hold" {
				<-w.release
			} else {
				<-ctx.Done()
			}
		})
	}
}

func (w *bwWorld) hold(mode string) {
	w.mu.Lock()
	w.mode = mode
	w.mu.Unlock()
}

type bwRun struct {
	ID            string
	Region        string
	Engine        string
	Status        string
	Resumed       bool
	CountiesDone  int `json:"counties_done"`
	CountiesTotal int `json:"counties_total"`
	Households    int
	Flagged       int
}

type bwChange struct {
	HouseholdID  string `json:"household_id"`
	County       string
	HeadName     string `json:"head_name"`
	HeadIDNumber string `json:"head_id_number"`
	Before       string
	After        string
	Reasons      []struct {
		Rule     string
		Verdict  string
		IDNumber string `json:"id_number"`
		Text     string
	}
}

type bwDetail struct {
	Run      bwRun
	Verdicts map[string]int
	Previous string
	Total    int `json:"total_changes"`
	Changes  []bwChange
}

// start starts a run through the API and returns it (202).
func start(t *testing.T, a *apptest.App, token, region, engine string) bwRun {
	t.Helper()
	res := a.Do(t, "POST", "/api/v1/verification/batches", token, map[string]string{"region": region, "engine": engine, "as_of": "2026-01-15"})
	if res.Code != http.StatusAccepted {
		t.Fatalf("start %s %s: %d %s", region, engine, res.Code, res.Body)
	}
	var out struct{ Run bwRun }
	res.JSON(t, &out)
	if out.Run.ID == "" || res.Header.Get("Location") != "/api/v1/verification/batches/"+out.Run.ID {
		t.Fatalf("start: %s, Location %q", res.Body, res.Header.Get("Location"))
	}
	return out.Run
}

// finish waits for run id to end and returns it as token sees it.
func finish(t *testing.T, a *apptest.App, token, id string) bwDetail {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	n, _ := parseID(id)
	if err := a.Batches.Wait(ctx, n); err != nil {
		t.Fatalf("run %s: %v", id, err)
	}
	return detail(t, a, token, id, "")
}

func detail(t *testing.T, a *apptest.App, token, id, query string) bwDetail {
	t.Helper()
	res := a.Do(t, "GET", "/api/v1/verification/batches/"+id+query, token, nil)
	if res.Code != http.StatusOK {
		t.Fatalf("run %s: %d %s", id, res.Code, res.Body)
	}
	var d bwDetail
	res.JSON(t, &d)
	return d
}

func parseID(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }

// carOwner returns the head of a recipient household of 禄劝县 that meets
// the conditions in run (as the province admin sees it), and that
// household's ID.
func (w *bwWorld) carOwner(t *testing.T, flagged map[int64]bool) (string, int64) {
	t.Helper()
	sc, err := w.App.DB.Verify().ScanRegistry(context.Background(), "530128", "2026-01-15")
	if err != nil {
		t.Fatal(err)
	}
	recipient := map[int64]bool{}
	for _, h := range sc.Households {
		recipient[h.ID] = !flagged[h.ID]
	}
	for _, p := range sc.Persons {
		if recipient[p.HouseholdID] && p.Relation == "head" && p.PID != 0 && p.Birth < 19900101 && p.DeathDate == "" {
			return p.IDNumber(), p.HouseholdID
		}
	}
	t.Fatal("no household of 禄劝县 meets the conditions")
	return "", 0
}

// buyCar loads a new vehicles snapshot (2026-01-10): the old one and a
// car of 150,000 yuan of id.
func (w *bwWorld) buyCar(t *testing.T, id string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(w.dir, "datasets", "vehicles.csv"))
	if err != nil {
		t.Fatal(err)
	}
	data = append(bytes.TrimRight(data, "\r\n"), []byte("\n"+id+",云A8B888,小型轿车,150000.00,2025-11-01\n")...)
	if _, err := w.App.Verify.Import(context.Background(), apptest.System().Actor(), "vehicles", "2026-01-10", data, false, false); err != nil {
		t.Fatal(err)
	}
}

// restart is the server started again over the same database: a new
// application, its batch jobs knowing nothing of the old one's.
func (w *bwWorld) restart(t *testing.T) *apptest.App {
	t.Helper()
	a, err := app.Build(context.Background(), w.App.DB, app.Options{Hash: access.FastArgon2, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := a.Server()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ws.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(a.Batches.Close)
	return &apptest.App{App: a, Server: srv}
}

// Batch re-verification as a job, on both engines: the province and the
// prefecture (the same two counties) are verified; a car is bought in
// 禄劝县; a second province run is held half-way (its page refreshes and
// shows the progress; a second start is refused) and then lists the
// household with the vehicle reason, masked for a role without full IDs,
// scoped to the county for 五华区's verifier, in Excel too. The
// prefecture's second run is cancelled after its first county, the server
// restarts, the run shows as interrupted, and starting it again resumes it
// (the county done is not evaluated again) and lists the same changes.
func TestBatchJobs(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a province")
	}
	t.Parallel()
	for _, engine := range []string{"memory", "sql"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			testBatchJobs(t, engine)
		})
	}
}

func testBatchJobs(t *testing.T, engine string) {
	w := newBWWorld(t)
	starts := auditCount(t, w.App, "verify.batch.start")

	// Refusals: a clerk may not run a batch, nor a verifier outside the
	// jurisdiction; a township is too small.
	for _, c := range []struct {
		token, region string
		code          int
	}{
		{w.clk, "530128000000", http.StatusForbidden},
		{w.far, "530100000000", http.StatusForbidden},
		{w.wuhua, "530128000000", http.StatusForbidden},
		{w.admin, "530102001000", http.StatusBadRequest},
		{w.admin, "53x", http.StatusBadRequest},
	} {
		res := w.Do(t, "POST", "/api/v1/verification/batches", c.token, map[string]string{"region": c.region, "engine": engine})
		if res.Code != c.code {
			t.Errorf("start %s: %d %s; want %d", c.region, res.Code, res.Body, c.code)
		}
	}

	res := w.Do(t, "POST", "/api/v1/verification/batches", w.admin, map[string]string{"region": "53", "engine": engine, "as_of": "2026-13-01"})
	if res.Code != http.StatusBadRequest || res.ErrorField() != "as_of" {
		t.Errorf("start with a bad date: %d %s", res.Code, res.Body)
	}

	// The first runs: nothing to compare with.
	a1 := start(t, w.App, w.admin, "530000000000", engine)
	d := finish(t, w.App, w.admin, a1.ID)
	if d.Run.Status != "finished" || d.Run.CountiesDone != 2 || d.Run.Households < 3000 || d.Previous != "" || len(d.Changes) != 0 {
		t.Fatalf("first province run: %+v", d)
	}
	if d.Verdicts["meets"]+d.Verdicts["not_meets"]+d.Verdicts["needs_check"] != d.Run.Households || d.Verdicts["not_meets"] == 0 {
		t.Errorf("verdicts %v of %d households", d.Verdicts, d.Run.Households)
	}
	a2 := start(t, w.App, w.prefect, "", engine) // the prefect's own jurisdiction
	if a2.Region != "530100000000" {
		t.Errorf("prefect's run of %s", a2.Region)
	}
	finish(t, w.App, w.prefect, a2.ID)

	// A car bought in 禄劝县.
	n1, _ := parseID(a1.ID)
	rs, err := w.App.DB.Verify().Results(context.Background(), n1, "")
	if err != nil {
		t.Fatal(err)
	}
	flagged := map[int64]bool{}
	for _, r := range rs {
		flagged[r.HouseholdID] = true
	}
	owner, hh := w.carOwner(t, flagged)
	w.buyCar(t, owner)

	// The second province run, held after its first county.
	w.hold("hold")
	u := start(t, w.App, w.admin, "530000000000", engine)
	<-w.reached
	res = w.Do(t, "POST", "/api/v1/verification/batches", w.admin, map[string]string{"region": "53", "engine": engine})
	if res.Code != http.StatusConflict || !strings.Contains(res.Body, "正在进行批量核对") {
		t.Errorf("second start while running: %d %s; want 409", res.Code, res.Body)
	}
	cookie := uiLogin(t, w.App, "admin")
	res = uiPost(t, w.App, cookie, "/verification/batches", url.Values{"region": {"530000000000"}, "engine": {engine}, "as_of": {"2026-01-15"}})
	if res.Code != http.StatusConflict || !strings.Contains(res.Body, "正在进行批量核对") {
		t.Errorf("second start from the form: %d", res.Code)
	}
	res = uiGet(t, w.App, cookie, "/verification/batches/"+u.ID)
	if res.Code != http.StatusOK || res.Header.Get("Refresh") != "2" || !strings.Contains(res.Body, `<progress value="1" max="2">`) ||
		!strings.Contains(res.Body, "进行中") || !strings.Contains(res.Body, `id="batch-cancel"`) {
		t.Errorf("running page: %d Refresh %q\n%s", res.Code, res.Header.Get("Refresh"), res.Body)
	}
	if got := detail(t, w.App, w.admin, u.ID, ""); got.Run.Status != "running" || got.Run.CountiesDone != 1 || got.Run.CountiesTotal != 2 {
		t.Errorf("running: %+v", got.Run)
	}
	close(w.release)
	d = finish(t, w.App, w.admin, u.ID)
	if d.Run.Status != "finished" || d.Previous != a1.ID || d.Total != 1 || len(d.Changes) != 1 {
		t.Fatalf("second province run: %+v", d)
	}
	c := d.Changes[0]
	car := false
	for _, x := range c.Reasons {
		car = car || x.Rule == "vehicle" && x.IDNumber == owner && strings.Contains(x.Text, "车辆")
	}
	if c.HouseholdID != formatID(hh) || c.Before != "meets" || c.After != "not_meets" || c.HeadIDNumber != owner || c.County != "530128" || !car {
		t.Errorf("change %+v; want household %d meets → not_meets for the vehicle of %s", c, hh, owner)
	}
	views := auditCount(t, w.App, "verify.batch.view")
	// A role without full IDs sees them masked (and is not audited).
	pd := detail(t, w.App, w.prefect, u.ID, "")
	if len(pd.Changes) != 1 || pd.Changes[0].HeadIDNumber == owner || !strings.Contains(pd.Changes[0].HeadIDNumber, "*") ||
		strings.Contains(pd.Changes[0].Reasons[0].IDNumber, owner[10:14]) {
		t.Errorf("prefect sees %+v", pd.Changes)
	}
	if got := auditCount(t, w.App, "verify.batch.view"); got != views {
		t.Errorf("masked view audited: %d → %d", views, got)
	}
	// 五华区's verifier sees the province run, without 禄劝县's households.
	wd := detail(t, w.App, w.wuhua, u.ID, "")
	if wd.Total != 0 || wd.Run.Households == 0 || wd.Run.Households >= d.Run.Households {
		t.Errorf("五华区 sees %d changes, %d of %d households", wd.Total, wd.Run.Households, d.Run.Households)
	}
	// Paging.
	if got := detail(t, w.App, w.admin, u.ID, "?offset=1&limit=10"); got.Total != 1 || len(got.Changes) != 0 {
		t.Errorf("second page: %+v", got)
	}
	if got := auditCount(t, w.App, "verify.batch.view"); got != views {
		t.Errorf("empty pages audited %d times", got-views)
	}
	detail(t, w.App, w.admin, u.ID, "")
	if got := auditCount(t, w.App, "verify.batch.view"); got != views+1 {
		t.Errorf("full view audited %d times; want 1", got-views)
	}
	// Another prefecture's verifier sees none of it.
	if res := w.Do(t, "GET", "/api/v1/verification/batches/"+a2.ID, w.far, nil); res.Code != http.StatusNotFound {
		t.Errorf("far reads the prefecture's run: %d", res.Code)
	}
	var list struct{ Runs []bwRun }
	w.Do(t, "GET", "/api/v1/verification/batches", w.far, nil).JSON(t, &list)
	for _, r := range list.Runs {
		if r.Region != "530000000000" {
			t.Errorf("far lists run %+v", r)
		}
	}
	w.Do(t, "GET", "/api/v1/verification/batches", w.prefect, nil).JSON(t, &list)
	if len(list.Runs) != 3 || list.Runs[0].ID != u.ID || list.Runs[0].Status != "finished" {
		t.Errorf("prefect lists %+v", list.Runs)
	}

	// The pages and the workbook.
	res = uiGet(t, w.App, cookie, "/verification")
	if !strings.Contains(res.Body, `href="/verification/batches"`) {
		t.Errorf("the centre's page has no link to the batches")
	}
	res = uiGet(t, w.App, cookie, "/verification/batches")
	if res.Code != http.StatusOK || !strings.Contains(res.Body, `id="batch-start"`) || !strings.Contains(res.Body, `value="530000000000"`) ||
		!strings.Contains(res.Body, "/verification/batches/"+u.ID) || !strings.Contains(res.Body, "已完成") {
		t.Errorf("batches page: %d\n%s", res.Code, res.Body)
	}
	res = uiGet(t, w.App, cookie, "/verification/batches/"+u.ID)
	if res.Code != http.StatusOK || res.Header.Get("Refresh") != "" || !strings.Contains(res.Body, `id="batch-changes"`) ||
		!strings.Contains(res.Body, formatID(hh)) || !strings.Contains(res.Body, owner) || !strings.Contains(res.Body, "车辆") ||
		!strings.Contains(res.Body, "不符合") {
		t.Errorf("finished page: %d Refresh %q\n%s", res.Code, res.Header.Get("Refresh"), res.Body)
	}
	req, _ := http.NewRequest("GET", w.Server.URL+"/verification/batches/"+u.ID, nil)
	req.AddCookie(cookie)
	req.AddCookie(&http.Cookie{Name: "lang", Value: "en"})
	if res := w.Send(t, req); !strings.Contains(res.Body, "Households whose verdict changed") || !strings.Contains(res.Body, "vehicle") {
		t.Errorf("English page:\n%s", res.Body)
	}
	pc := uiLogin(t, w.App, "prefect")
	if res = uiGet(t, w.App, pc, "/verification/batches/"+u.ID); strings.Contains(res.Body, owner) {
		t.Errorf("the prefect's page shows the full ID")
	}
	exports := auditCount(t, w.App, "verify.batch.export")
	res = uiGet(t, w.App, cookie, "/verification/batches/"+u.ID+"/changes.xlsx")
	if res.Code != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("xlsx: %d %s", res.Code, res.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(strings.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[2][0] != "家庭编号" || rows[3][0] != formatID(hh) || rows[3][2] != owner || !strings.Contains(rows[3][6], "车辆") {
		t.Errorf("workbook rows %q", rows)
	}
	if got := auditCount(t, w.App, "verify.batch.export"); got != exports+1 {
		t.Errorf("export audited %d times", got-exports)
	}
	if res := w.Do(t, "GET", "/api/v1/verification/batches/"+a2.ID+"/changes.xlsx", w.far, nil); res.Code != http.StatusNotFound {
		t.Errorf("far exports: %d", res.Code)
	}

	// The prefecture's second run, cancelled after its first county.
	w.hold("cancel")
	b := start(t, w.App, w.prefect, "530100000000", engine)
	first := <-w.reached
	res = w.Do(t, "POST", "/api/v1/verification/batches/"+b.ID+"/cancel", w.prefect, map[string]string{})
	var cancelled struct{ Run bwRun }
	res.JSON(t, &cancelled)
	if res.Code != http.StatusOK || cancelled.Run.Status != "cancelled" || cancelled.Run.CountiesDone != 1 {
		t.Fatalf("cancel: %d %s", res.Code, res.Body)
	}
	if res := w.Do(t, "POST", "/api/v1/verification/batches/"+b.ID+"/cancel", w.prefect, map[string]string{}); res.Code != http.StatusConflict {
		t.Errorf("cancel again: %d", res.Code)
	}

	// The server restarts: the run shows as interrupted, and starting it
	// again resumes it.
	a := w.restart(t)
	var again []string
	var mu sync.Mutex
	a.Batches.Adjust = func(ctx context.Context, o *verify.BatchOptions) {
		o.AfterCounty = func(c string) {
			mu.Lock()
			again = append(again, c)
			mu.Unlock()
		}
	}
	if got := detail(t, a, w.prefect, b.ID, ""); got.Run.Status != "interrupted" || got.Run.CountiesDone != 1 || len(got.Changes) != 0 {
		t.Errorf("after the restart: %+v", got)
	}
	res = uiGet(t, a, pc, "/verification/batches/"+b.ID)
	if !strings.Contains(res.Body, "已中断") || !strings.Contains(res.Body, `id="batch-resume"`) || res.Header.Get("Refresh") != "" {
		t.Errorf("interrupted page:\n%s", res.Body)
	}
	r := start(t, a, w.prefect, "530100000000", engine)
	if r.ID != b.ID || !r.Resumed {
		t.Fatalf("started again: %+v; want run %s resumed", r, b.ID)
	}
	rd := finish(t, a, w.admin, r.ID)
	mu.Lock()
	if slices.Contains(again, first) || len(again) != 1 {
		t.Errorf("resumed run evaluated %v; %s was done", again, first)
	}
	mu.Unlock()
	if rd.Run.Status != "finished" || rd.Previous != a2.ID || rd.Run.Households != d.Run.Households || len(rd.Changes) != len(d.Changes) {
		t.Fatalf("resumed run: %+v; want the changes of the uninterrupted run %+v", rd, d.Changes)
	}
	for i := range d.Changes {
		x, y := d.Changes[i], rd.Changes[i]
		if x.HouseholdID != y.HouseholdID || x.Before != y.Before || x.After != y.After || len(x.Reasons) != len(y.Reasons) {
			t.Errorf("resumed run's change %+v; uninterrupted %+v", y, x)
			continue
		}
		for k := range x.Reasons {
			if x.Reasons[k] != y.Reasons[k] {
				t.Errorf("reason %+v; uninterrupted %+v", y.Reasons[k], x.Reasons[k])
			}
		}
	}
	if got := auditCount(t, w.App, "verify.batch.start") - starts; got != 5 {
		t.Errorf("%d starts audited; want 5", got)
	}
	if got := auditCount(t, w.App, "verify.batch"); got != 4 {
		t.Errorf("%d finished runs audited; want 4", got)
	}
}

func formatID(n int64) string { return strconv.FormatInt(n, 10) }

// auditCount counts the audit entries of exactly action.
func auditCount(t *testing.T, a *apptest.App, action string) int {
	t.Helper()
	es, _, err := a.Audit.Search(context.Background(), audit.Filter{Action: action, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if e.Action == action {
			n++
		}
	}
	return n
}

// A run another process (the command line) holds shows as such on the
// pages and in the API, with its heartbeat, refreshing and without the
// resume button; starting it from the form is refused (409). Once its
// lease lapses it shows as interrupted, with the button.
func TestBatchElsewhere(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := apptest.NewApp(t)
	t0 := time.Date(2026, 1, 15, 4, 0, 0, 0, time.UTC)
	now := t0.Add(time.Minute)
	a.Verify.Now = func() time.Time { return now }
	run := verify.Run{Region: "530000000000", Engine: verify.EngineMemory, AsOf: "2026-01-15", Status: "running",
		StartedAt: t0, StartedBy: "cli", Heartbeat: t0}
	if err := a.DB.Verify().CreateRun(ctx, &run); err != nil {
		t.Fatal(err)
	}
	id := formatID(run.ID)
	a.MustCreateUser(t, "admin", access.ProvinceAdmin, "530000000000")
	token, cookie := a.Login(t, "admin"), uiLogin(t, a, "admin")

	d := detail(t, a, token, id, "")
	var raw struct{ Run map[string]any }
	a.Do(t, "GET", "/api/v1/verification/batches/"+id, token, nil).JSON(t, &raw)
	if d.Run.Status != "elsewhere" || raw.Run["heartbeat_at"] != "2026-01-15T04:00:00Z" || raw.Run["status_name"] != "其他进程运行中" {
		t.Errorf("run held elsewhere: %+v", raw.Run)
	}
	res := uiGet(t, a, cookie, "/verification/batches/"+id)
	if !strings.Contains(res.Body, "其他进程运行中") || !strings.Contains(res.Body, `id="batch-elsewhere"`) ||
		!strings.Contains(res.Body, "2026-01-15 12:00:00") || strings.Contains(res.Body, `id="batch-resume"`) ||
		strings.Contains(res.Body, `id="batch-cancel"`) || res.Header.Get("Refresh") != "2" {
		t.Errorf("page of a run held elsewhere: Refresh %q\n%s", res.Header.Get("Refresh"), res.Body)
	}
	req, _ := http.NewRequest("GET", a.Server.URL+"/verification/batches", nil)
	req.AddCookie(cookie)
	req.AddCookie(&http.Cookie{Name: "lang", Value: "en"})
	if res := a.Send(t, req); !strings.Contains(res.Body, "running in another process") {
		t.Errorf("English list:\n%s", res.Body)
	}
	res = uiPost(t, a, cookie, "/verification/batches", url.Values{"region": {"530000000000"}, "engine": {"memory"}, "as_of": {"2026-01-15"}})
	if res.Code != http.StatusConflict || !strings.Contains(res.Body, "另一进程") || !strings.Contains(res.Body, id) {
		t.Errorf("start from the form: %d\n%s", res.Code, res.Body)
	}

	now = t0.Add(verify.RunLease + time.Second)
	res = uiGet(t, a, cookie, "/verification/batches/"+id)
	if !strings.Contains(res.Body, "已中断") || !strings.Contains(res.Body, `id="batch-resume"`) || res.Header.Get("Refresh") != "" {
		t.Errorf("page once the lease lapsed: Refresh %q\n%s", res.Header.Get("Refresh"), res.Body)
	}
}
