package verify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"safetynet/internal/apptest"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

// BenchmarkRequestForHousehold times one online request end to end through
// the centre: the authorizations, the engine's Check against a snapshot of
// every source, the request, the report and their audit entries, in one
// transaction. Run on either engine (SAFETYNET_TEST_POSTGRES).
func BenchmarkRequestForHousehold(b *testing.B) {
	a := apptest.NewApp(b)
	ctx := context.Background()
	sys := apptest.System()
	head := apptest.ID("530102", "1970-03-04", 11)
	spouse := apptest.ID("530102", "1972-05-06", 12)
	child := apptest.ID("530102", "2012-05-06", 13)
	hs := []registry.Household{{County: "530102000000", Village: "530102001001", Area: registry.Urban,
		Members: []registry.Member{
			{IDNumber: head, Name: "张三", Sex: "M", BirthDate: "1970-03-04", Relationship: registry.Head},
			{IDNumber: spouse, Name: "李四", Sex: "F", BirthDate: "1972-05-06", Relationship: registry.Spouse},
			{IDNumber: child, Name: "张小", Sex: "F", BirthDate: "2012-05-06", Relationship: registry.Child}}}}
	var id int64
	if err := a.DB.Registry().LoadHouseholds(ctx, hs, func(_ int, h registry.Household) { id = h.ID }); err != nil {
		b.Fatal(err)
	}
	for _, src := range verify.Sources {
		file := strings.Join(src.Columns, ",") + "\n"
		if src.Name == "vehicles" {
			file += spouse + ",云A54321,小型轿车,150000.00,2023-05-01\n"
		}
		if _, err := a.Verify.Import(ctx, sys.Actor(), src.Name, time.Now().Format("2006-01-02"), []byte(file), false, false); err != nil {
			b.Fatal(err)
		}
	}
	for _, m := range []string{head, spouse} {
		if _, err := a.VerifyCentre.RecordAuthorization(ctx, sys, id, verify.AuthorizationInput{IDNumber: m,
			SignedOn: time.Now().Format("2006-01-02"), Document: "SQ-1"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		out, err := a.VerifyCentre.RequestForHousehold(ctx, sys, id)
		if err != nil || out.Report == nil || out.Report.Verdict != verify.NotMeets {
			b.Fatalf("request: %v %+v", err, out.Request)
		}
	}
}
