package registry_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/apptest"
	"safetynet/internal/money"
	"safetynet/internal/registry"
)

var ctx = context.Background()

func principal(role access.Role, region string) access.Principal {
	return access.NewPrincipal(access.User{ID: 99, Username: "u-" + string(role), Role: role, Region: region})
}

var (
	clerk   = principal(access.TownshipClerk, "530102001000")
	clerk2  = principal(access.TownshipClerk, "530103001000")
	finance = principal(access.FinanceOfficer, "530102000000")
)

func newHousehold(name string, ids ...string) registry.NewHousehold {
	rels := []string{"head", "spouse", "child", "child"}
	h := registry.NewHousehold{Village: "530102001001", Area: "urban", Address: "翠湖西路1号"}
	for i, id := range ids {
		h.Members = append(h.Members, registry.NewMember{IDNumber: id, Name: name + string(rune('一'+i)), Relationship: rels[i]})
	}
	return h
}

func TestCreateWithDetailAndItems(t *testing.T) {
	t.Parallel()
	a := apptest.NewApp(t)
	in := newHousehold("张", apptest.ID("530102", "1960-03-03", 11), apptest.ID("530102", "1962-04-04", 22))
	in.Members[0].Detail = registry.Detail{Ethnicity: "彝族", Marital: "married", Disability: registry.Disability{Category: "physical", Grade: 2, Cert: "53010219600303001142"},
		SelfCare: 0b010011, Labour: "none", Phone: "13888888888"}
	in.Bank = registry.BankAccount{Bank: "中国农业银行", Account: "6228480011112222333", Holder: "张一"}
	in.Incomes = []registry.Income{{PersonID: -2, Kind: "wages", Amount: money.Yuan(800), Per: registry.PerMonth, Source: "申报"},
		{Kind: "transfer", Amount: money.Yuan(1200), Per: registry.PerYear}}
	in.Assets = []registry.Asset{{Kind: "vehicle", Value: money.Yuan(30000), VehicleType: "三轮摩托车", PersonID: -1}, {Kind: "house", Area: 6550}}
	h, err := a.Registry.CreateHousehold(ctx, clerk, in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.Registry.Household(ctx, clerk, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	head := got.Members[0]
	if head.Ethnicity != "07" || head.SelfCare.Failed() != 3 || head.Disability.Grade != 2 || head.Phone != "13888888888" {
		t.Errorf("head detail = %+v", head.Detail)
	}
	if len(got.Incomes) != 2 || got.Incomes[0].PersonID != got.Members[1].PersonID || got.Incomes[1].Monthly() != money.Yuan(100) {
		t.Errorf("incomes = %+v", got.Incomes)
	}
	if len(got.Assets) != 2 || got.Assets[0].PersonID != head.PersonID || got.Assets[1].Area != 6550 {
		t.Errorf("assets = %+v", got.Assets)
	}
	if got.Bank.Account != "6228480011112222333" || got.Version != 1 {
		t.Errorf("bank/version = %+v %d", got.Bank, got.Version)
	}
	bad := []struct {
		edit  func(*registry.NewHousehold)
		field string
	}{
		{func(h *registry.NewHousehold) { h.Members[1].Detail.Ethnicity = "火星族" }, "members[1].ethnicity"},
		{func(h *registry.NewHousehold) {
			h.Members[0].Detail.Disability = registry.Disability{Category: "physical", Grade: 5}
		}, "members[0].disability.grade"},
		{func(h *registry.NewHousehold) { h.Members[0].Detail.Phone = "call me" }, "members[0].phone"},
		{func(h *registry.NewHousehold) {
			h.Incomes = []registry.Income{{Kind: "lottery", Amount: 1, Per: registry.PerMonth}}
		}, "incomes[0].kind"},
		{func(h *registry.NewHousehold) { h.Incomes = []registry.Income{{Kind: "wages", Amount: 1, Per: "week"}} }, "incomes[0].per"},
		{func(h *registry.NewHousehold) { h.Assets = []registry.Asset{{Kind: "house", PersonID: -9}} }, "assets[0].member"},
		{func(h *registry.NewHousehold) { h.Bank = registry.BankAccount{Account: "12ab"} }, "bank.account"},
	}
	for _, c := range bad {
		in := newHousehold("李", apptest.ID("530102", "1970-01-01", 31), apptest.ID("530102", "1971-01-01", 42))
		c.edit(&in)
		if _, err := a.Registry.CreateHousehold(ctx, clerk, in); apperr.FieldOf(err) != c.field {
			t.Errorf("want field %s; got %v", c.field, err)
		}
	}
}

func TestUpdateMoveDeathSplitAndHistory(t *testing.T) {
	t.Parallel()
	a := apptest.NewApp(t)
	ids := []string{apptest.ID("530102", "1960-03-03", 11), apptest.ID("530102", "1962-04-04", 22),
		apptest.ID("530102", "1990-05-05", 31), apptest.ID("530102", "1992-06-06", 42)}
	h, err := a.Registry.CreateHousehold(ctx, clerk, newHousehold("王", ids...))
	if err != nil {
		t.Fatal(err)
	}
	other, err := a.Registry.CreateHousehold(ctx, clerk, newHousehold("赵", apptest.ID("530102", "1950-01-01", 51)))
	if err != nil {
		t.Fatal(err)
	}
	// Update: a new address, one member dropped; a stale version is refused.
	in := newHousehold("王", ids[:3]...)
	in.Address = "翠湖西路2号"
	upd, err := a.Registry.UpdateHousehold(ctx, clerk, h.ID, 1, in, "住址变更")
	if err != nil {
		t.Fatal(err)
	}
	if upd.Version != 2 || len(upd.Members) != 3 || upd.Members[0].PersonID != h.Members[0].PersonID {
		t.Fatalf("updated = v%d, %d members", upd.Version, len(upd.Members))
	}
	if _, err := a.Registry.UpdateHousehold(ctx, clerk, h.ID, 1, in, "再改"); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("stale update = %v; want Conflict", err)
	}
	if _, err := a.Registry.UpdateHousehold(ctx, clerk, h.ID, 2, in, ""); apperr.FieldOf(err) != "reason" {
		t.Fatalf("update without reason = %v", err)
	}
	if _, err := a.Registry.UpdateHousehold(ctx, clerk2, h.ID, 2, in, "越权"); err == nil {
		t.Fatal("another county's clerk updated the household")
	}
	// The dropped member is free to join another household.
	approver := principal(access.CountyApprover, "530102000000")
	if p, err := a.Registry.Person(ctx, approver, ids[3]); err != nil || p.HouseholdID != 0 {
		t.Fatalf("dropped member = %+v, %v", p, err)
	}
	// Move the third member to the other household.
	moved, err := a.Registry.MoveMember(ctx, clerk, ids[2], other.ID, "other", "投靠亲属")
	if err != nil {
		t.Fatal(err)
	}
	if len(moved.Members) != 2 {
		t.Fatalf("target after move has %d members", len(moved.Members))
	}
	if _, err := a.Registry.MoveMember(ctx, clerk, ids[0], other.ID, "other", "户主迁出"); apperr.FieldOf(err) != "id_number" {
		t.Fatalf("moving the head = %v", err)
	}
	// Death of the spouse.
	dead, err := a.Registry.RecordDeath(ctx, clerk, ids[1], "2026-01-15", "")
	if err != nil {
		t.Fatal(err)
	}
	if m := dead.Members[1]; m.DeathDate != "2026-01-15" || m.Counts() {
		t.Fatalf("after death: %+v", m)
	}
	if _, err := a.Registry.RecordDeath(ctx, clerk, ids[1], "2026-01-16", ""); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("second death = %v", err)
	}
	if _, err := a.Registry.RecordDeath(ctx, clerk, ids[1], "2999-01-01", ""); apperr.FieldOf(err) != "date" {
		t.Fatalf("future death = %v", err)
	}
	// Split the spouse off into a household of their own.
	split, err := a.Registry.SplitHousehold(ctx, clerk, h.ID, []string{ids[1]}, ids[1], "", "", "分户")
	if err != nil {
		t.Fatal(err)
	}
	if len(split.Members) != 1 || split.Members[0].Relationship != registry.Head {
		t.Fatalf("split = %+v", split.Members)
	}
	// Merge the split-off household back.
	merged, err := a.Registry.MergeHouseholds(ctx, clerk, split.ID, h.ID, "合户")
	if err != nil {
		t.Fatal(err)
	}
	if len(merged.Members) != 2 || merged.Members[1].IDNumber != ids[1] || merged.Members[1].Relationship != registry.Other {
		t.Fatalf("merged = %+v", merged.Members)
	}
	if empty, err := a.Registry.Household(ctx, clerk, split.ID); err != nil || len(empty.Members) != 0 {
		t.Fatalf("source after merge = %+v, %v", empty.Members, err)
	}
	hist, err := a.Registry.History(ctx, clerk, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, c := range hist {
		actions = append(actions, c.Action)
	}
	if got := strings.Join(actions, ","); got != "merge.in,split,death,member.out,update,create" {
		t.Fatalf("history = %s", got)
	}
	if hist[4].Summary == "" || !strings.Contains(hist[4].Summary, "减少成员") {
		t.Errorf("update summary = %q", hist[4].Summary)
	}
	if _, err := a.Registry.History(ctx, clerk2, h.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("history across counties = %v", err)
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	a := apptest.NewApp(t)
	zhang := apptest.ID("530102", "1960-03-03", 11)
	in := registry.NewHousehold{Village: "530102001001", Area: "urban", Address: "翠湖西路8号",
		Members: []registry.NewMember{{IDNumber: zhang, Name: "张三", Relationship: "head", Detail: registry.Detail{Phone: "13912345678"}}}}
	if _, err := a.Registry.CreateHousehold(ctx, clerk, in); err != nil {
		t.Fatal(err)
	}
	in2 := registry.NewHousehold{Village: "530102001002", Area: "rural",
		Members: []registry.NewMember{{IDNumber: apptest.ID("530102", "1961-03-03", 21), Name: "李四", Relationship: "head"}}}
	if _, err := a.Registry.CreateHousehold(ctx, clerk, in2); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"张三", "zhangsan", "zs", "ZS", "zhang", zhang, "13912345678", "翠湖西路8"} {
		rows, total, err := a.Registry.Search(ctx, clerk, registry.SearchFilter{Term: q})
		if err != nil || total != 1 || rows[0].HeadName != "张三" {
			t.Errorf("search %q = %d rows (%v)", q, total, err)
		}
	}
	if _, total, _ := a.Registry.Search(ctx, clerk, registry.SearchFilter{}); total != 2 {
		t.Errorf("all = %d; want 2", total)
	}
	if _, total, _ := a.Registry.Search(ctx, clerk, registry.SearchFilter{Area: registry.Rural}); total != 1 {
		t.Errorf("rural = %d; want 1", total)
	}
	if _, total, _ := a.Registry.Search(ctx, clerk, registry.SearchFilter{Programme: "none"}); total != 2 {
		t.Errorf("without programme = %d; want 2", total)
	}
	if _, total, _ := a.Registry.Search(ctx, clerk, registry.SearchFilter{Programme: "dibao"}); total != 0 {
		t.Errorf("dibao = %d; want 0", total)
	}
	if _, total, _ := a.Registry.Search(ctx, clerk2, registry.SearchFilter{Term: "张三"}); total != 0 {
		t.Errorf("another county's clerk finds %d", total)
	}
	if _, _, err := a.Registry.Search(ctx, clerk, registry.SearchFilter{RegionPrefix: "530103"}); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("search in another county = %v; want NotFound", err)
	}
	rows, _, _ := a.Registry.Search(ctx, finance, registry.SearchFilter{Term: "zs"})
	if len(rows) != 1 || rows[0].HeadID == zhang || !strings.Contains(rows[0].HeadID, "********") {
		t.Errorf("finance sees %q; want a masked ID", rows[0].HeadID)
	}
}

// Export walks past several pages without losing or repeating a household.
func TestExportPages(t *testing.T) {
	t.Parallel()
	a := apptest.NewApp(t)
	var hs []registry.Household
	for i := range 450 {
		born := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format("2006-01-02")
		village := []string{"530102001001", "530102001002", "530102002001"}[i%3]
		hs = append(hs, registry.Household{County: "530102000000", Village: village, Area: registry.Urban,
			Members: []registry.Member{{IDNumber: apptest.ID("530102", born, 11), Name: "户主", Sex: "M", BirthDate: born, Relationship: registry.Head}}})
	}
	if err := a.DB.Registry().LoadHouseholds(ctx, hs); err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	n, err := a.Registry.Export(ctx, apptest.System(), "530102", func(h registry.Household) error {
		if seen[h.ID] {
			t.Errorf("household %d exported twice", h.ID)
		}
		seen[h.ID] = true
		return nil
	})
	if err != nil || n != 450 || len(seen) != 450 {
		t.Fatalf("exported %d (%d distinct), %v; want 450", n, len(seen), err)
	}
}
