package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"safetynet/internal/access"
	"safetynet/internal/apptest"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

// chromiumPath is where Debian's chromium package installs the browser.
const chromiumPath = "/usr/bin/chromium"

// A window clerk logs in with a real browser, takes a dibao application
// through the intake form and gets the receipt with the stored case's
// receipt number. CI installs chromium (.ci/run); elsewhere the test is
// skipped without it.
func TestBrowserIntakeToReceipt(t *testing.T) {
	needChromium(t)
	t.Parallel()
	a := apptest.NewApp(t)
	a.MustCreateUser(t, "window", access.TownshipClerk, wuhuaTown)
	head := apptest.ID("530102", "1968-03-15", 71)
	spouse := apptest.ID("530102", "1970-11-02", 82)
	h, err := a.Registry.CreateHousehold(context.Background(), apptest.System(), registry.NewHousehold{
		Village: wuhuaVillage, Area: "urban", Address: "翠湖西路2号",
		Members: []registry.NewMember{{IDNumber: head, Name: "赵大", Relationship: "head"}, {IDNumber: spouse, Name: "钱二", Relationship: "spouse"}}})
	if err != nil {
		t.Fatalf("create household: %v", err)
	}

	ctx := browser(t)
	url := a.Server.URL
	err = chromedp.Do(ctx,
		chromedp.Navigate(url+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "window"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`header.top nav a[href="/cases"]`)),
		chromedp.Navigate(url+"/cases/new"),
		chromedp.SendKeys(chromedp.ID("household"), spouse),
		chromedp.SetValue(chromedp.ID("programme"), "dibao"),
		chromedp.Click(chromedp.ID("find")),
		chromedp.WaitVisible(chromedp.ID("intake")),
		chromedp.Click(chromedp.CSS(`#materials input[value="application"]`)),
		chromedp.Click(chromedp.CSS(`#materials input[value="hukou"]`)),
		chromedp.Click(chromedp.CSS(`#materials input[value="id_card:`+head+`"]`)),
		chromedp.Click(chromedp.ID("submit-intake")),
		chromedp.WaitVisible(chromedp.ID("tracking")),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	tracking, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("tracking")))
	if err != nil {
		t.Fatalf("read the receipt number: %v", err)
	}
	tracking = strings.TrimSpace(tracking)
	missing, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("missing")))
	if err != nil {
		t.Fatalf("read the missing materials: %v", err)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dir := t.TempDir()
	if d := os.Getenv("SAFETYNET_SCREENSHOTS"); d != "" {
		dir = d // keep the screenshot to look at
	}
	if err := os.WriteFile(filepath.Join(dir, "receipt.png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}

	views, err := a.Casework.Track(context.Background(), apptest.System(), tracking)
	if err != nil || len(views) != 1 {
		t.Fatalf("the receipt's number %q is not a stored case: %v", tracking, err)
	}
	c := views[0].Case
	if c.Tracking != tracking || c.Household.ID != h.ID || c.Programme != "dibao" || c.Steps[0].By.Username != "window" {
		t.Errorf("stored case %s household %d programme %s by %s; want %s of household %d, dibao, by window",
			c.Tracking, c.Household.ID, c.Programme, c.Steps[0].By.Username, tracking, h.ID)
	}
	for _, k := range []string{"application", "hukou", "id_card:" + head} {
		found := false
		for _, m := range c.Materials {
			found = found || string(m) == k
		}
		if !found {
			t.Errorf("stored materials %v lack %s ticked in the browser", c.Materials, k)
		}
	}
	if strings.Contains(missing, "户口簿") || !strings.Contains(missing, "钱二") {
		t.Errorf("receipt's missing list %q: want 钱二's items and not the 户口簿 handed in", missing)
	}
}

// needChromium skips the test without Debian's chromium (fails on CI).
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing; CI must install chromium: %v", chromiumPath, err)
		}
		t.Skipf("%s is missing; install Debian's chromium to run the browser test", chromiumPath)
	}
}

// browser starts a headless chromium at 1366×768 for at most a minute.
func browser(t *testing.T) context.Context {
	t.Helper()
	parent, stop := context.WithTimeout(context.Background(), 60*time.Second)
	alloc, cancelAlloc := chromedp.NewExecAllocator(parent, chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.Headless,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1366, 768))
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc(); stop() })
	return ctx
}

// A county verifier opens the centre's queue and a report in a real
// browser: both show their Chinese headings.
func TestBrowserVerificationPages(t *testing.T) {
	needChromium(t)
	t.Parallel()
	a := apptest.NewApp(t)
	a.VerifyCentre.Checker = fakeChecker{} // every source online, nothing found: the report comes at once
	a.MustCreateUser(t, "centre", access.CountyVerifier, "530102000000")
	head := apptest.ID("530102", "1968-03-15", 71)
	bg := context.Background()
	h, err := a.Registry.CreateHousehold(bg, apptest.System(), registry.NewHousehold{Village: wuhuaVillage, Area: "urban",
		Members: []registry.NewMember{{IDNumber: head, Name: "赵大", Relationship: "head"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.VerifyCentre.RecordAuthorization(bg, apptest.System(), h.ID,
		verify.AuthorizationInput{IDNumber: head, SignedOn: "2025-09-01", Document: "SQ-1"}); err != nil {
		t.Fatal(err)
	}
	out, err := a.VerifyCentre.RequestForHousehold(bg, apptest.System(), h.ID)
	if err != nil || out.Report == nil {
		t.Fatalf("request: %v (report %v)", err, out.Report)
	}

	ctx := browser(t)
	url := a.Server.URL
	err = chromedp.Do(ctx,
		chromedp.Navigate(url+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "centre"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`header.top nav a[href="/verification"]`)),
		chromedp.Navigate(url+"/verification"),
		chromedp.WaitVisible(chromedp.ID("connections")),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main h1"))); err != nil || strings.TrimSpace(h1) != "核对中心待办" {
		t.Errorf("queue heading %q (%v); want 核对中心待办", h1, err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/verification/reports/"+strconv.FormatInt(out.Report.ID, 10)),
		chromedp.WaitVisible(chromedp.ID("report"))); err != nil {
		t.Fatalf("report page: %v", err)
	}
	if h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#report h1"))); err != nil || strings.TrimSpace(h1) != "居民家庭经济状况核对报告" {
		t.Errorf("report heading %q (%v); want 居民家庭经济状况核对报告", h1, err)
	}
}
