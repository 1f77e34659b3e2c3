package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/funds"
	"safetynet/internal/money"
	"safetynet/internal/registry"
	"safetynet/internal/synth"
	"safetynet/internal/verify"
)

// The demo's activity: something to see on the funds and verification
// pages of a fresh `serve --demo`. Each part runs once: the funds when the
// year has no budget yet, the verification when no demo household has an
// authorization on file. Everything goes through the services, as the
// demo users would do it, so it is audited like their own work.

// demoProvince, demoPrefecture and the demo counties are the divisions of
// the demo users and of the small synthetic registry.
const (
	demoProvince   = "530000000000"
	demoPrefecture = "530100000000" // 昆明市
	demoWuhua      = "530102000000" // 五华区
	demoPanlong    = "530103000000" // 盘龙区
	demoLuquan     = "530128000000" // 禄劝彝族苗族自治县
)

// demoZone is China's time: the demo's year, months and dates.
var demoZone = time.FixedZone("CST", 8*3600)

// seedDemoActivity seeds the funds ledger, the department datasets and the
// verification centre.
func seedDemoActivity(ctx context.Context, a *App, out io.Writer) error {
	users, err := a.Access.ListUsers(ctx, cli())
	if err != nil {
		return err
	}
	who := map[string]access.Principal{}
	for _, u := range users {
		who[u.Username] = access.NewPrincipal(u)
	}
	if err := seedDemoFunds(ctx, a, out); err != nil {
		return fmt.Errorf("demo funds: %w", err)
	}
	if err := seedDemoDatasets(ctx, a, out); err != nil {
		return fmt.Errorf("demo datasets: %w", err)
	}
	if err := seedDemoVerification(ctx, a, out, who["clerk"], who["verifier"]); err != nil {
		return fmt.Errorf("demo verification: %w", err)
	}
	return nil
}

func yuan(s string) money.Money {
	m, err := money.Parse(s)
	if err != nil {
		panic(err)
	}
	return m
}

// seedDemoFunds enters the year's budgets of the province, 昆明市 and two
// of its counties, allocates down, runs and approves the months' payrolls (which post their spending) and
// some temporary assistance, scores three counties and commits the
// incentive pool.
func seedDemoFunds(ctx context.Context, a *App, out io.Writer) error {
	by := cli() // the operator; the demo users' own levels would refuse each other's entries
	now := time.Now().In(demoZone)
	year := now.Year()
	bs, err := a.Funds.Budgets(ctx, by, funds.Query{Year: year})
	if err != nil || len(bs) > 0 {
		return err
	}
	y := fmt.Sprint(year)
	budgets := []funds.NewBudget{
		{Programme: "dibao", Level: "central", Region: demoProvince, Amount: yuan("4860000000"), DocNo: "财社〔" + y + "〕12号", Description: "中央财政困难群众救助补助资金（低保）"},
		{Programme: "dibao", Level: "provincial", Region: demoProvince, Amount: yuan("1215000000"), DocNo: "云财社〔" + y + "〕8号", Description: "省级财政低保资金"},
		{Programme: "tekun", Level: "central", Region: demoProvince, Amount: yuan("980000000"), DocNo: "财社〔" + y + "〕12号", Description: "中央财政困难群众救助补助资金（特困供养）"},
		{Programme: "temporary", Level: "provincial", Region: demoProvince, Amount: yuan("150000000"), DocNo: "云财社〔" + y + "〕9号", Description: "省级临时救助资金"},
		{Programme: "dibao", Level: "prefecture", Region: demoPrefecture, Amount: yuan("86000000"), DocNo: "昆财社〔" + y + "〕3号", Description: "市级配套低保资金"},
		{Programme: "dibao", Level: "county", Region: demoWuhua, Amount: yuan("12600000"), DocNo: "五财社〔" + y + "〕1号", Description: "区级配套低保资金"},
		{Programme: "dibao", Level: "county", Region: demoLuquan, Amount: yuan("9800000"), DocNo: "禄财社〔" + y + "〕2号", Description: "县级配套低保资金"},
	}
	for _, b := range budgets {
		b.Year = year
		if _, err := a.Funds.AddBudget(ctx, by, b); err != nil {
			return err
		}
	}
	allocations := []funds.NewAllocation{
		{Programme: "dibao", From: demoProvince, To: demoPrefecture, Amount: yuan("620000000"), DocNo: "云财社〔" + y + "〕15号", Note: "第一批"},
		{Programme: "tekun", From: demoProvince, To: demoPrefecture, Amount: yuan("96000000"), DocNo: "云财社〔" + y + "〕16号"},
		{Programme: "temporary", From: demoProvince, To: demoPrefecture, Amount: yuan("18000000"), DocNo: "云财社〔" + y + "〕17号"},
		{Programme: "dibao", From: demoPrefecture, To: demoWuhua, Amount: yuan("48000000"), DocNo: "昆财社〔" + y + "〕6号"},
		{Programme: "dibao", From: demoPrefecture, To: demoLuquan, Amount: yuan("96000000"), DocNo: "昆财社〔" + y + "〕6号"},
		{Programme: "dibao", From: demoPrefecture, To: demoPanlong, Amount: yuan("52000000"), DocNo: "昆财社〔" + y + "〕6号"},
		{Programme: "tekun", From: demoPrefecture, To: demoWuhua, Amount: yuan("6500000"), DocNo: "昆财社〔" + y + "〕7号"},
		{Programme: "temporary", From: demoPrefecture, To: demoWuhua, Amount: yuan("2400000"), DocNo: "昆财社〔" + y + "〕8号"},
	}
	for _, al := range allocations {
		al.Year = year
		if _, err := a.Funds.Allocate(ctx, by, al); err != nil {
			return err
		}
	}
	// The months' payrolls so far, run, approved and exported for real:
	// approval posts each county's spending to the ledger.
	var posted int
	for m := 1; m < int(now.Month()); m++ {
		month := fmt.Sprintf("%d-%02d", year, m)
		for _, county := range []string{demoWuhua, demoLuquan} {
			if _, err := a.Payroll.Run(ctx, by, month, county, false); err != nil {
				return err
			}
			if _, err := a.Payroll.Check(ctx, by, month, county); err != nil {
				return err
			}
			if _, err := a.Payroll.Approve(ctx, by, month, county); err != nil {
				return err
			}
			if _, err := a.Payroll.Export(ctx, by, month, county); err != nil {
				return err
			}
			posted++
		}
	}
	// This month's is a draft for the finance officer to check.
	if _, err := a.Payroll.Run(ctx, by, fmt.Sprintf("%d-%02d", year, now.Month()), demoPrefecture, false); err != nil {
		return err
	}
	for i, amt := range []string{"38500", "126000"} {
		month := fmt.Sprintf("%d-%02d", year, now.Month())
		if _, err := a.Funds.PostByHand(ctx, by, funds.Posting{Ref: fmt.Sprintf("DEMO-LS-%s-%d", month, i+1), Month: month,
			County: demoWuhua, Programme: "temporary", Amount: yuan(amt), Note: "临时救助（急难型）"}); err != nil {
			return err
		}
	}
	for _, sc := range []funds.NewScore{
		{County: demoWuhua, Score: "93.5", Caseload: "5832", Note: "演示评分"},
		{County: demoLuquan, Score: "81", Caseload: "21460", Note: "演示评分"},
		{County: demoPanlong, Score: "76.5", Caseload: "7120", Note: "演示评分"},
	} {
		sc.Year = year
		if _, err := a.Funds.PutScore(ctx, by, sc); err != nil {
			return err
		}
	}
	if _, err := a.Funds.CommitIncentive(ctx, by, year, funds.PoolParams{}, "云民发〔"+y+"〕21号"); err != nil {
		return err
	}
	fmt.Fprintf(out, "演示数据 demo funds: %d budgets, %d allocations, %d county payrolls approved and posted, 2 by hand, the %d incentive pool\n",
		len(budgets), len(allocations), posted, year)
	return nil
}

// seedDemoVerification takes two households of 华山街道 to the centre: the
// adults sign their authorizations at the window; the county has not
// connected the banks and securities, which answer by paper reply, while
// the other sources answer online from the demo's snapshots. The first
// request has both replies and its report; the second waits in the queue
// for the securities' reply.
func seedDemoVerification(ctx context.Context, a *App, out io.Writer, clerk, verifier access.Principal) error {
	if clerk.Username == "" || verifier.Username == "" {
		return nil
	}
	rows, _, err := a.DB.Registry().Search(ctx, registry.SearchFilter{RegionPrefix: "530102001", Limit: 40})
	if err != nil {
		return err
	}
	var hs []registry.Household
	for _, r := range rows {
		if r.Size >= 2 && r.Size <= 4 && len(hs) < 2 {
			h, err := a.DB.Registry().Household(ctx, r.ID)
			if err != nil {
				return err
			}
			hs = append(hs, h)
		}
	}
	if len(hs) < 2 {
		return nil
	}
	st, err := a.VerifyCentre.Authorizations(ctx, clerk, hs[0].ID)
	if err != nil || len(st.Authorizations) > 0 {
		return err
	}
	offline := []string{"deposits", "securities"}
	for _, src := range offline {
		if _, err := a.VerifyCentre.SetConnection(ctx, verifier, demoWuhua, src, false); err != nil {
			return err
		}
	}
	c := a.VerifyCentre
	today := time.Now().In(demoZone).Format("2006-01-02")
	var reqs []verify.Request
	for i, h := range hs {
		st, err := c.Authorizations(ctx, clerk, h.ID)
		if err != nil {
			return err
		}
		for j, m := range st.Missing {
			if _, err := c.RecordAuthorization(ctx, clerk, h.ID, verify.AuthorizationInput{IDNumber: m.IDNumber, SignedOn: today,
				Document: fmt.Sprintf("SQ-DEMO-%d-%d", i+1, j+1)}); err != nil {
				return err
			}
		}
		o, err := c.RequestForHousehold(ctx, clerk, h.ID)
		if err != nil {
			return err
		}
		reqs = append(reqs, o.Request)
	}
	// The paper replies: nothing found, but a small deposit of the first
	// household's head at the bank.
	reply := func(r verify.Request, h registry.Household, sources []string) error {
		head, _ := h.Head()
		for _, m := range h.Members {
			if !m.Counts() {
				continue
			}
			for _, src := range sources {
				in := verify.ReplyInput{IDNumber: m.IDNumber, Source: src, ReplyDate: today, Document: "HH-DEMO-" + src}
				if m.PersonID == head.PersonID {
					if src == "deposits" {
						in.Found, in.Kind, in.Value, in.Ref, in.Detail = true, "deposit", yuan("3260.45"), "农村信用社", "活期存款余额"
					}
				}
				if _, err := c.RecordReply(ctx, verifier, r.ID, in); err != nil {
					return err
				}
			}
		}
		return nil
	}
	// The other sources answer online from the demo's snapshots
	// (seedDemoDatasets); these two are not connected in 五华区.
	if err := reply(reqs[0], hs[0], offline); err != nil {
		return err
	}
	_, err = c.Complete(ctx, verifier, reqs[0].ID, "")
	if apperr.FieldOf(err) == "note" {
		_, err = c.Complete(ctx, verifier, reqs[0].ID, "经核实，回函所列养老金和存款均已在申请时如实申报")
	}
	if err != nil {
		return err
	}
	if err := reply(reqs[1], hs[1], offline[:1]); err != nil {
		return err
	}
	fmt.Fprintf(out, "演示数据 demo verification: request #%d with its report, request #%d waiting for paper replies\n", reqs[0].ID, reqs[1].ID)
	return nil
}

// seedDemoDatasets loads the department datasets and the staff relatives'
// register of the small synthetic province (the same seed as the demo
// registry, so they describe its people, planted anomalies included),
// dated the last day of last month, when no snapshot exists yet: the
// centre's reports and batch runs then have data to match, and the
// sources page has snapshots to show.
func seedDemoDatasets(ctx context.Context, a *App, out io.Writer) error {
	snaps, err := a.DB.Verify().Snapshots(ctx)
	if err != nil || len(snaps) > 0 {
		return err
	}
	dir, err := os.MkdirTemp("", "safetynet-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if _, err := synth.WriteDir(ctx, synth.Config{Scale: "small", Seed: 1}, dir, nil); err != nil {
		return err
	}
	now := time.Now().In(demoZone)
	asOf := time.Date(now.Year(), now.Month(), 0, 0, 0, 0, 0, demoZone).Format("2006-01-02")
	records := 0
	for _, src := range verify.Sources {
		res, err := a.Verify.ImportFile(ctx, cli().Actor(), src.Name, asOf, filepath.Join(dir, "datasets", src.Name+".csv"), false, false)
		if err != nil {
			return fmt.Errorf("%s: %w", src.Name, err)
		}
		records += res.Loaded
	}
	f, err := os.Open(filepath.Join(dir, "staff_relatives.csv"))
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := a.Verify.ImportRegister(ctx, cli().Actor(), f); err != nil {
		return fmt.Errorf("staff relatives: %w", err)
	}
	fmt.Fprintf(out, "演示数据 demo datasets: %d sources, %d records as of %s, and the staff relatives' register\n", len(verify.Sources), records, asOf)
	return nil
}
