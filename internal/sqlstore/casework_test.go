package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/apptest"
	"safetynet/internal/calendar"
	"safetynet/internal/casework"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
)

func day(s string) calendar.Date { return calendar.MustParseDate(s) }

// storedHousehold creates a household in village with a head born on birth.
func storedHousehold(t *testing.T, db *sqlstore.DB, village, birth string, seq int) registry.Household {
	t.Helper()
	id := apptest.ID(village[:6], birth, seq)
	h := registry.Household{County: village[:6] + "000000", Village: village, Area: registry.Urban,
		CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC(), Version: 1,
		Members: []registry.Member{{IDNumber: id, Name: "户主" + birth, Sex: "M", BirthDate: birth, Relationship: registry.Head}}}
	if err := db.Registry().CreateHousehold(context.Background(), &h); err != nil {
		t.Fatal(err)
	}
	return h
}

// openCase opens a case of programme for h on the given day.
func openCase(t *testing.T, h registry.Household, p casework.Programme, tr casework.Track, tracking string, at time.Time) *casework.Case {
	t.Helper()
	head, _ := h.Head()
	c, err := casework.Open(casework.NewCase{Tracking: tracking, Programme: p, Track: tr,
		Household: casework.HouseholdRef{ID: h.ID, HeadID: head.IDNumber, HeadName: head.Name, Village: h.Village},
		Applicant: casework.PersonRef{PersonID: head.PersonID, IDNumber: head.IDNumber, Name: head.Name}},
		access.System("test", ""), at, policy.ProcedureParams{Dibao: policy.DibaoProcedure{Variant: policy.Variant2021}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCaseworkStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := apptest.OpenDB(t)
	st := db.Casework()
	at := time.Date(2025, 9, 1, 1, 0, 0, 0, time.UTC)
	wuhua := storedHousehold(t, db, "530102001001", "1960-01-02", 1)
	panlong := storedHousehold(t, db, "530103001001", "1961-03-04", 3)

	c := openCase(t, wuhua, casework.Dibao, "", "530102001-20250901-000001", at)
	if err := st.CreateCase(ctx, c, casework.Index{Department: casework.CivilAffairs, NextDue: day("2025-09-10"), UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 || c.Version != 1 {
		t.Fatalf("created case id %d version %d", c.ID, c.Version)
	}
	got, err := st.Case(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&got, c) {
		t.Fatalf("read back\n%+v\nwant\n%+v", got, *c)
	}
	dup := openCase(t, wuhua, casework.Tekun, "", c.Tracking, at)
	if err := st.CreateCase(ctx, dup, casework.Index{Department: casework.CivilAffairs, UpdatedAt: at}); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("duplicate tracking number: %v; want Conflict", err)
	}

	// Optimistic locking: the version read must still be stored.
	if err := casework.Apply(c, casework.ActionWithdraw, access.System("test", ""), at.Add(time.Hour),
		casework.StepInput{Reason: "申请人撤回"}, calendar.Default(), policy.ProcedureParams{}); err != nil {
		t.Fatal(err)
	}
	if err := st.UpdateCase(ctx, c, casework.Index{Department: casework.CivilAffairs, UpdatedAt: at}, 1); err != nil {
		t.Fatal(err)
	}
	if c.Version != 2 {
		t.Fatalf("version after update %d; want 2", c.Version)
	}
	if err := st.UpdateCase(ctx, c, casework.Index{Department: casework.CivilAffairs, UpdatedAt: at}, 1); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("stale update: %v; want Conflict", err)
	}
	ghost := *c
	ghost.ID = 42
	if err := st.UpdateCase(ctx, &ghost, casework.Index{UpdatedAt: at}, 2); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("update of an unknown case: %v; want NotFound", err)
	}
	if _, err := st.Case(ctx, 42); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("unknown case: %v; want NotFound", err)
	}
	got, _ = st.Case(ctx, c.ID)
	if got.Version != 2 || len(got.Steps) != 2 {
		t.Errorf("after update: version %d, %d steps", got.Version, len(got.Steps))
	}

	// More cases for the filters: a department case without deadline and
	// one in another county.
	edu := openCase(t, wuhua, casework.Education, "", "530102001-20250901-000002", at)
	if err := st.CreateCase(ctx, edu, casework.Index{Department: casework.EducationBureau, UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	other := openCase(t, panlong, casework.Dibao, "", "530103001-20250901-000001", at)
	if err := st.CreateCase(ctx, other, casework.Index{Department: casework.CivilAffairs, NextDue: day("2025-09-03"), UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}

	if got, err := st.CaseByTracking(ctx, edu.Tracking); err != nil || got.ID != edu.ID {
		t.Errorf("by tracking: %v %v", got.ID, err)
	}
	if _, err := st.CaseByTracking(ctx, "530102001-20250901-000009"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("unknown tracking: %v", err)
	}
	head, _ := wuhua.Head()
	of, err := st.CasesOf(ctx, head.IDNumber, wuhua.ID)
	if err != nil || len(of) != 2 || of[0].ID != edu.ID || of[1].ID != c.ID {
		t.Errorf("cases of the household: %d %v", len(of), err)
	}
	of, _ = st.CasesOf(ctx, "530102199901011234", wuhua.ID)
	if len(of) != 2 {
		t.Errorf("cases of the household by its ID: %d", len(of))
	}
	of, _ = st.CasesOf(ctx, head.IDNumber, 0)
	if len(of) != 2 {
		t.Errorf("cases of the applicant: %d", len(of))
	}

	ids := func(cs []casework.Case) []int64 {
		var out []int64
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		f     casework.Filter
		want  []int64
		total int
	}{
		{"everything, by next deadline", casework.Filter{}, []int64{other.ID, c.ID, edu.ID}, 3},
		{"province", casework.Filter{RegionPrefix: "53"}, []int64{other.ID, c.ID, edu.ID}, 3},
		{"county", casework.Filter{RegionPrefix: "530102"}, []int64{c.ID, edu.ID}, 2},
		{"township", casework.Filter{RegionPrefix: "530102001"}, []int64{c.ID, edu.ID}, 2},
		{"another township", casework.Filter{RegionPrefix: "530102002"}, nil, 0},
		{"status", casework.Filter{Statuses: []casework.Status{casework.StatusSubmitted}, RegionPrefix: "530102"}, []int64{edu.ID}, 1},
		{"statuses", casework.Filter{Statuses: []casework.Status{casework.StatusSubmitted, casework.StatusWithdrawn}}, []int64{other.ID, c.ID, edu.ID}, 3},
		{"no such status", casework.Filter{Statuses: []casework.Status{casework.StatusPaid}}, nil, 0},
		{"programme", casework.Filter{Programme: casework.Education}, []int64{edu.ID}, 1},
		{"department", casework.Filter{Department: casework.CivilAffairs}, []int64{other.ID, c.ID}, 2},
		{"other departments", casework.Filter{NotDepartment: casework.CivilAffairs}, []int64{edu.ID}, 1},
		{"due through", casework.Filter{DueThrough: day("2025-09-05")}, []int64{other.ID}, 1},
		{"limit", casework.Filter{Limit: 1, Offset: 1}, []int64{c.ID}, 3},
		{"offset alone", casework.Filter{Offset: 2}, []int64{edu.ID}, 3},
	} {
		got, total, err := st.Cases(ctx, tc.f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !slices.Equal(ids(got), tc.want) || total != tc.total {
			t.Errorf("%s: %v (total %d); want %v (%d)", tc.name, ids(got), total, tc.want, tc.total)
		}
	}
}

func TestTrackingSequences(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := apptest.OpenDB(t)
	st := db.Casework()
	next := func(township, d string) int {
		t.Helper()
		var n int
		err := db.WithTx(ctx, func(ctx context.Context) error {
			var err error
			n, err = st.NextTrackingSeq(ctx, township, day(d))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for i, tc := range []struct {
		township, day string
		want          int
	}{
		{"530102001000", "2025-09-01", 1}, {"530102001000", "2025-09-01", 2}, {"530102002000", "2025-09-01", 1},
		{"530102001000", "2025-09-02", 1}, {"530102001000", "2025-09-01", 3},
	} {
		if got := next(tc.township, tc.day); got != tc.want {
			t.Errorf("%d: sequence of %s on %s = %d; want %d", i, tc.township, tc.day, got, tc.want)
		}
	}
	// A rolled-back intake gives its number back.
	errBack := apperr.New(apperr.Invalid, "", "roll back")
	err := db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := st.NextTrackingSeq(ctx, "530102001000", day("2025-09-01")); err != nil {
			return err
		}
		return errBack
	})
	if err != errBack {
		t.Fatal(err)
	}
	if got := next("530102001000", "2025-09-01"); got != 4 {
		t.Errorf("after a rollback: %d; want 4", got)
	}
}

func TestRelativesRegister(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := apptest.OpenDB(t)
	st := db.Casework()
	rel1 := apptest.ID("530102", "1980-02-03", 5)
	rel2 := apptest.ID("530103", "1982-04-05", 6)
	at := time.Date(2025, 9, 1, 2, 0, 0, 0, time.UTC)
	add := func(county, staff, rel string) error {
		return st.AddRelative(ctx, &casework.RegisteredRelative{County: county, CreatedBy: "clerk", CreatedAt: at,
			StaffRelative: casework.StaffRelative{StaffID: staff, StaffName: "王" + staff, StaffRole: casework.StaffVillageCommittee,
				RelativeID: rel, Relation: casework.RelSibling}})
	}
	for _, e := range [][3]string{{"530102000000", "S1", rel1}, {"530102000000", "S2", rel1}, {"530103000000", "S3", rel2}} {
		if err := add(e[0], e[1], e[2]); err != nil {
			t.Fatal(err)
		}
	}
	if err := add("530102000000", "S1", rel1); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("duplicate entry: %v; want Conflict", err)
	}
	got, err := st.Relatives(ctx, "530102")
	if err != nil || len(got) != 2 || got[0].StaffID != "S1" || got[0].RelativeID != rel1 || got[0].StaffRole != casework.StaffVillageCommittee ||
		got[0].Relation != casework.RelSibling || !got[0].CreatedAt.Equal(at) || got[0].ID == 0 {
		t.Errorf("county register: %+v %v", got, err)
	}
	if all, _ := st.Relatives(ctx, ""); len(all) != 3 {
		t.Errorf("whole register: %d entries", len(all))
	}
	of, err := st.RelativesOf(ctx, []string{rel1, rel2, "530102199001011234"})
	if err != nil || len(of) != 3 {
		t.Errorf("matches: %d %v", len(of), err)
	}
	if of, _ := st.RelativesOf(ctx, nil); len(of) != 0 {
		t.Errorf("matches of nobody: %d", len(of))
	}
}

// The status column's CHECK lists exactly the domain's statuses, in both
// dialects.
func TestCaseStatusCheckMatchesDomain(t *testing.T) {
	t.Parallel()
	var want []string
	for _, s := range casework.Statuses {
		want = append(want, string(s))
	}
	slices.Sort(want)
	re := regexp.MustCompile(`(?s)status\s+TEXT NOT NULL CHECK \(status IN \(([^)]*)\)\)`)
	for _, d := range []string{"sqlite", "postgres"} {
		b, err := os.ReadFile("migrations/" + d + "/0005_casework.sql")
		if err != nil {
			t.Fatal(err)
		}
		m := re.FindSubmatch(b)
		if m == nil {
			t.Fatalf("%s: no status CHECK", d)
		}
		var got []string
		for _, s := range strings.Split(string(m[1]), ",") {
			got = append(got, strings.Trim(strings.TrimSpace(s), "'"))
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: CHECK lists %v; want %v", d, got, want)
		}
	}
}

// fullCase sets every field of a case, so that the golden JSON below
// covers the whole stored form.
func fullCase() casework.Case {
	at := time.Date(2025, 9, 1, 1, 0, 0, 0, time.UTC)
	staff := casework.StaffRelative{StaffID: "S1", StaffName: "王五", StaffRole: casework.StaffVillageCommittee,
		RelativeID: "530102198002030051", Relation: casework.RelSibling}
	return casework.Case{ID: 7, Tracking: "530102001-20250901-000001", Programme: casework.Tekun, Track: casework.TrackNormal,
		Flow: casework.FlowTekun, Delegated: true,
		Household: casework.HouseholdRef{ID: 9, HeadID: "530102196001020011", HeadName: "张三", Village: "530102001001"},
		Applicant: casework.PersonRef{PersonID: 10, IDNumber: "530102196001020011", Name: "张三"},
		Status:    casework.StatusPublished, SubmittedAt: at, AcceptedAt: at.Add(time.Hour),
		Materials: []casework.MaterialKey{"application", "id_card:530102196001020011"},
		Steps: []casework.Step{{Seq: 0, Action: casework.ActionSubmit, To: casework.StatusSubmitted, At: at, Note: "n", Reason: "r",
			Documents: []string{"d1"}, By: casework.Actor{UserID: 1, Username: "clerk", Name: "窗口", Role: access.TownshipClerk, Region: "530102001000"}}},
		Investigations: []casework.Visit{{Seq: 1, Date: day("2025-09-02"), Investigators: []string{"甲", "乙"}, Findings: "f",
			Signed: true, Method: casework.VisitHome, Documents: []string{"v"}}},
		CountyVisits:  []casework.Visit{{Seq: 2, Date: day("2025-09-03"), Investigators: []string{"丙", "丁"}, Findings: "g", Method: casework.VisitPhone}},
		Verifications: []casework.Verification{{Seq: 3, Date: day("2025-09-04"), Result: casework.VerificationMeets, Report: "R1", Note: "ok"}},
		SelfCare: &casework.SelfCareAssessment{Seq: 4, Date: day("2025-09-05"), Failed: [6]bool{true, false, true}, Count: 2,
			Tier: policy.CarePartial, Assessors: []string{"甲"}},
		Reviews: []casework.Review{{Seq: 5, Date: day("2025-09-08"), Opinion: "同意", Amount: money.Yuan(800), Tier: "A"}},
		Notices: []casework.Notice{{Seq: 6, Level: casework.NoticeTownship, Start: day("2025-09-09"), End: day("2025-09-15"),
			Objections: []casework.Objection{{Seq: 7, Date: day("2025-09-10"), From: "邻居", Content: "c"}}}},
		Appraisals: []casework.Appraisal{{Seq: 8, Date: day("2025-09-11"), Participants: 9, VillageReps: 6, Summary: "s"}},
		Flags:      []casework.Flag{{Kind: casework.FlagRelative, PersonID: 10, IDNumber: "530102198002030051", Name: "王六", Staff: staff}},
		Sampled:    true, Extension: &casework.Extension{Seq: 9, Date: day("2025-09-12"), Reason: "e"},
		Computation: &casework.Computation{Seq: 10, Date: day("2025-09-13"), Amount: money.Yuan(300),
			Policy: policy.VersionRef{Region: "530000000000", Effective: "2025-07-01"}},
		Decision: &casework.Decision{Seq: 11, Approved: true, Date: day("2025-09-16"), At: at.AddDate(0, 0, 15), Level: casework.LevelCounty,
			Amount: money.MustParse("1532.01"), Tier: "partial", Setting: policy.SettingHome,
			Policy: policy.VersionRef{Region: "530000000000", Effective: "2025-07-01"}, Reasons: "x", BenefitStart: day("2025-10-01")},
		Payment:  &casework.Payment{Seq: 12, Date: day("2025-09-17"), At: at.AddDate(0, 0, 16), Amount: money.Yuan(1), Ref: "P1"},
		RoutedTo: casework.CivilAffairs, RefusalNotified: day("2025-09-18"), Version: 3}
}

// caseGolden is the stored JSON of fullCase: the form cases.data holds.
// A change here means stored cases no longer read back as written; see
// CaseworkStore's doc comment before updating it.
const caseGolden = `{"ID":7,"Tracking":"530102001-20250901-000001","Programme":"tekun","Track":"","Flow":"tekun","Delegated":true,"Household":{"ID":9,"HeadID":"530102196001020011","HeadName":"张三","Village":"530102001001"},"Applicant":{"PersonID":10,"IDNumber":"530102196001020011","Name":"张三"},"Status":"published","SubmittedAt":"2025-09-01T01:00:00Z","AcceptedAt":"2025-09-01T02:00:00Z","Materials":["application","id_card:530102196001020011"],"Steps":[{"Seq":0,"Action":"submit","From":"","To":"submitted","By":{"UserID":1,"Username":"clerk","Name":"窗口","Role":"township_clerk","Region":"530102001000"},"At":"2025-09-01T01:00:00Z","Note":"n","Reason":"r","Documents":["d1"]}],"Investigations":[{"Seq":1,"Date":"2025-09-02","Investigators":["甲","乙"],"Findings":"f","Signed":true,"Method":"home","Documents":["v"]}],"CountyVisits":[{"Seq":2,"Date":"2025-09-03","Investigators":["丙","丁"],"Findings":"g","Signed":false,"Method":"phone","Documents":null}],"Verifications":[{"Seq":3,"Date":"2025-09-04","Result":"meets","Report":"R1","Note":"ok"}],"SelfCare":{"Seq":4,"Date":"2025-09-05","Failed":[true,false,true,false,false,false],"Count":2,"Tier":"partial","Assessors":["甲"]},"Reviews":[{"Seq":5,"Date":"2025-09-08","Opinion":"同意","Amount":80000,"Tier":"A"}],"Notices":[{"Seq":6,"Level":"township","Start":"2025-09-09","End":"2025-09-15","Objections":[{"Seq":7,"Date":"2025-09-10","From":"邻居","Content":"c"}]}],"Appraisals":[{"Seq":8,"Date":"2025-09-11","Participants":9,"VillageReps":6,"Summary":"s"}],"Flags":[{"Kind":"relative","PersonID":10,"IDNumber":"530102198002030051","Name":"王六","Staff":{"StaffID":"S1","StaffName":"王五","StaffRole":"village_committee","RelativeID":"530102198002030051","Relation":"sibling"}}],"Sampled":true,"Extension":{"Seq":9,"Date":"2025-09-12","Reason":"e"},"Computation":{"Seq":10,"Date":"2025-09-13","Amount":30000,"Policy":{"region":"530000000000","effective":"2025-07-01"}},"Decision":{"Seq":11,"Approved":true,"Date":"2025-09-16","At":"2025-09-16T01:00:00Z","Level":"county","Amount":153201,"Tier":"partial","Setting":"home","Policy":{"region":"530000000000","effective":"2025-07-01"},"Reasons":"x","BenefitStart":"2025-10-01"},"Payment":{"Seq":12,"Date":"2025-09-17","At":"2025-09-17T01:00:00Z","Amount":100,"Ref":"P1"},"RoutedTo":"civil_affairs","RefusalNotified":"2025-09-18","Version":3}`

// The stored form of a case is the plain JSON encoding of casework.Case;
// renaming, removing or adding a field changes it and fails here.
func TestCaseJSONIsStable(t *testing.T) {
	t.Parallel()
	c := fullCase()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != caseGolden {
		t.Errorf("the stored form of a case changed:\n%s", b)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(caseGolden)))
	dec.DisallowUnknownFields()
	var back casework.Case
	if err := dec.Decode(&back); err != nil {
		t.Fatalf("golden case no longer decodes: %v", err)
	}
	if !reflect.DeepEqual(back, c) {
		t.Errorf("golden case decodes to\n%+v\nwant\n%+v", back, c)
	}

	// And the store keeps it so, on either engine.
	ctx := context.Background()
	db := apptest.OpenDB(t)
	h := storedHousehold(t, db, "530102001001", "1960-01-02", 1)
	c.Household.ID = h.ID
	if err := db.Casework().CreateCase(ctx, &c, casework.Index{Department: casework.CivilAffairs, UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	got, err := db.Casework().Case(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Errorf("stored case reads back as\n%+v\nwant\n%+v", got, c)
	}
}
