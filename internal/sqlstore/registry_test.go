package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/apptest"
	"safetynet/internal/money"
	"safetynet/internal/registry"
)

func loadable(n int, seq int) []registry.Household {
	var hs []registry.Household
	for i := range n {
		born := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format("2006-01-02")
		kidBorn := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format("2006-01-02")
		id := apptest.ID("530102", born, seq+1)
		kid := apptest.ID("530102", kidBorn, seq+2)
		hs = append(hs, registry.Household{County: "530102000000", Village: "530102001001", Area: registry.Urban,
			Members: []registry.Member{
				{IDNumber: id, Name: "户主" + fmt.Sprint(i), Sex: "M", BirthDate: born, Relationship: registry.Head,
					Detail: registry.Detail{Ethnicity: "07", SelfCare: 5, Disability: registry.Disability{Category: "visual", Grade: 1}}},
				{IDNumber: kid, Name: "子女" + fmt.Sprint(i), Sex: "F", BirthDate: kidBorn, Relationship: registry.Child},
			},
			Incomes:    []registry.Income{{PersonID: -1, Kind: "wages", Amount: money.Yuan(300), Per: registry.PerMonth}},
			Assets:     []registry.Asset{{Kind: "house", Area: 4520}},
			Enrolments: []registry.Enrolment{{Programme: "dibao", Tier: "A", Since: "2024-01-01"}},
		})
	}
	return hs
}

// LoadHouseholds is the bulk path of imports and the synthetic province
// (COPY on PostgreSQL outside a transaction).
func TestLoadHouseholds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := apptest.OpenDB(t)
	st := db.Registry()
	hs := loadable(700, 0) // more than one INSERT batch
	var ids []int64
	if err := st.LoadHouseholds(ctx, hs, func(i int, h registry.Household) { ids = append(ids, h.ID) }); err != nil {
		t.Fatal(err)
	}
	if len(ids) != 700 {
		t.Fatalf("%d households stored", len(ids))
	}
	h, err := st.Household(ctx, ids[699])
	if err != nil {
		t.Fatal(err)
	}
	head := h.Members[0]
	if len(h.Members) != 2 || head.BirthDate != hs[699].Members[0].BirthDate || head.Ethnicity != "07" ||
		head.SelfCare != 5 || head.Disability.Grade != 1 {
		t.Fatalf("head = %+v", head)
	}
	if len(h.Incomes) != 1 || h.Incomes[0].PersonID != head.PersonID || len(h.Assets) != 1 || h.Assets[0].Area != 4520 ||
		len(h.Enrolments) != 1 || h.Enrolments[0].Tier != "A" {
		t.Fatalf("items = %+v %+v %+v", h.Incomes, h.Assets, h.Enrolments)
	}
	var n int
	st.CountPersons(ctx, &n)
	if n != 1400 {
		t.Fatalf("persons = %d", n)
	}
	// A batch with one person already stored writes nothing.
	again := loadable(3, 500)
	again[2].Members[1].IDNumber = hs[0].Members[1].IDNumber
	if err := st.LoadHouseholds(ctx, again); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("duplicate person = %v; want Conflict", err)
	}
	st.CountPersons(ctx, &n)
	if n != 1400 {
		t.Fatalf("persons after a refused batch = %d", n)
	}
}

// A load binds only the columns a row fills (members without detail,
// households without a bank account, items without notes) and shares the
// values common to every row: each field must still land in its own
// column, whichever statement shape wrote the row.
func TestLoadKeepsEveryColumn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := apptest.OpenDB(t)
	st := db.Registry()
	details := []registry.Detail{
		{}, {Ethnicity: "07"}, {Phone: "13900000000"}, {Marital: "married"}, {Disability: registry.Disability{Category: "visual"}},
		{Disability: registry.Disability{Grade: 2}}, {Disability: registry.Disability{Cert: "C-1"}}, {SelfCare: 9},
		{Labour: "none"}, {SeriousIllness: "尿毒症"}, {Education: "primary"}, {Employment: "farming"}, {Excluded: "prison"},
		{DeathDate: "2024-03-01"},
		{Ethnicity: "01", Marital: "widowed", Disability: registry.Disability{Category: "limb", Grade: 3, Cert: "C-2"}, SelfCare: 63,
			Labour: "partial", SeriousIllness: "癌症", Education: "none", Employment: "none", Phone: "13800000000", Excluded: "religious",
			DeathDate: "2025-01-02"},
	}
	build := func(seq int, stamp time.Time, c int) []registry.Household {
		var hs []registry.Household
		for i, d := range details {
			born := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format("2006-01-02")
			kidBorn := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format("2006-01-02")
			h := registry.Household{County: "530102000000", Village: "530102001001", Area: registry.Rural, Address: fmt.Sprint("某村", i),
				Members: []registry.Member{
					{IDNumber: apptest.ID("530102", born, seq+i), Name: "户主", Sex: "M", BirthDate: born, Relationship: registry.Head, Detail: d},
					{IDNumber: apptest.ID("530102", kidBorn, seq+i), Name: "子女", Sex: "F", BirthDate: kidBorn, Relationship: registry.Child},
				},
				Incomes:      []registry.Income{{PersonID: -2, Kind: "wages", Amount: money.Yuan(int64(100 + i)), Per: registry.PerYear}},
				Assets:       []registry.Asset{{Kind: "deposit", Value: money.Yuan(int64(i))}},
				Expenditures: []registry.Expenditure{{Kind: "medical", Amount: money.Yuan(5), Per: registry.PerMonth}},
				Enrolments:   []registry.Enrolment{{Programme: "dibao", Since: "2024-01-01"}},
			}
			if i%2 == 1 {
				h.Members[1].InternalKey, h.Members[1].IDNumber = fmt.Sprintf("N530102%06d", seq+i), ""
				h.Bank = registry.BankAccount{Bank: "农村信用社", Account: fmt.Sprint("62170000", i), Holder: "户主"}
				h.Incomes = append(h.Incomes, registry.Income{Kind: "transfer", Amount: money.Yuan(7), Per: registry.PerMonth, Source: "核对"})
				h.Assets = append(h.Assets, registry.Asset{PersonID: -1, Kind: "vehicle", Value: money.Yuan(30000), VehicleType: "小型轿车",
					RegNo: "云A12345", Note: "二手"}, registry.Asset{Kind: "house", Area: 8050})
				h.Expenditures[0].Note = "住院"
				h.Enrolments = []registry.Enrolment{{Programme: "tekun", PersonID: -1, Tier: "B", Setting: "home", Since: "2023-01-01", Until: "2025-01-01"}}
			}
			if c > 0 { // households stamped each at its own time
				h.CreatedAt, h.UpdatedAt = stamp.Add(time.Duration(i)*time.Hour), stamp.Add(time.Duration(i+c)*time.Hour)
			}
			hs = append(hs, h)
		}
		return hs
	}
	stamp := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	check := func(t *testing.T, stored []registry.Household) {
		t.Helper()
		for i, want := range stored {
			got, err := st.Household(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
				t.Errorf("%d: times %v %v, want %v %v", i, got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt)
			}
			got.CreatedAt, got.UpdatedAt = want.CreatedAt, want.UpdatedAt
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
				t.Errorf("%d: stored\n%+v\nwant\n%+v", i, got, want)
			}
		}
	}
	t.Run("same times", func(t *testing.T) {
		hs := build(100, stamp, 0)
		for i := range hs {
			hs[i].CreatedAt, hs[i].UpdatedAt = stamp, stamp.Add(time.Minute)
		}
		stored := make([]registry.Household, len(hs))
		if err := st.LoadHouseholds(ctx, hs, func(i int, h registry.Household) { stored[i] = h }); err != nil {
			t.Fatal(err)
		}
		check(t, stored)
	})
	t.Run("own times", func(t *testing.T) {
		hs := build(200, stamp, 1)
		stored := make([]registry.Household, len(hs))
		if err := st.LoadHouseholds(ctx, hs, func(i int, h registry.Household) { stored[i] = h }); err != nil {
			t.Fatal(err)
		}
		check(t, stored)
	})
	t.Run("in a transaction", func(t *testing.T) { // INSERTs on PostgreSQL too
		hs := build(300, stamp, 0)
		stored := make([]registry.Household, len(hs))
		err := db.WithTx(ctx, func(ctx context.Context) error {
			return st.LoadHouseholds(ctx, hs, func(i int, h registry.Household) { stored[i] = h })
		})
		if err != nil {
			t.Fatal(err)
		}
		first := stored[0].CreatedAt
		for i := range stored { // stamped now, alike
			if !stored[i].CreatedAt.Equal(first) || !stored[i].UpdatedAt.Equal(stored[i].CreatedAt) {
				t.Fatalf("%d: times %v %v", i, stored[i].CreatedAt, stored[i].UpdatedAt)
			}
			stored[i].CreatedAt = stored[i].CreatedAt.Truncate(time.Microsecond) // PostgreSQL keeps microseconds
			stored[i].UpdatedAt = stored[i].CreatedAt
		}
		check(t, stored)
	})
	t.Run("import with history", func(t *testing.T) {
		hs := build(400, stamp, 0)
		c := registry.Change{Version: 1, At: stamp, Actor: "clerk", Action: "import", Reason: "批量导入 a.csv", Summary: "批量导入新建"}
		if err := st.ImportHouseholds(ctx, hs, c); err != nil {
			t.Fatal(err)
		}
		for _, h := range hs {
			p, err := st.PersonByIDNumber(ctx, h.Members[0].IDNumber)
			if err != nil {
				t.Fatal(err)
			}
			hist, err := st.History(ctx, p.HouseholdID)
			if err != nil {
				t.Fatal(err)
			}
			if len(hist) != 1 || !hist[0].At.Equal(c.At) {
				t.Fatalf("history of %d = %+v", p.HouseholdID, hist)
			}
			hist[0].At = c.At
			if hist[0] != c {
				t.Fatalf("history of %d = %+v, want %+v", p.HouseholdID, hist[0], c)
			}
		}
	})
}

// HouseholdsOf answers for more IDs than one IN list binds (queryIn's
// chunks), unknown IDs among them.
func TestHouseholdsOfManyIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := apptest.OpenDB(t)
	hs := loadable(1200, 0)
	want := map[string]int64{}
	if err := db.Registry().LoadHouseholds(ctx, hs, func(i int, h registry.Household) {
		if i%499 == 0 {
			want[h.Members[0].IDNumber] = h.ID
		}
	}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 1300 {
		if i%499 == 0 && i < 1200 {
			ids = append(ids, hs[i].Members[0].IDNumber)
		} else {
			ids = append(ids, apptest.ID("530103", "1990-01-01", i%900+1)) // nobody's
		}
	}
	got, err := db.Registry().HouseholdsOf(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(want) != 3 {
		t.Fatalf("got %d households, want %d: %v", len(got), len(want), got)
	}
	for id, h := range want {
		if got[id] != h {
			t.Errorf("%s: household %d, want %d", id, got[id], h)
		}
	}
}
