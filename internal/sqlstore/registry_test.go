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
