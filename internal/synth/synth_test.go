package synth_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/idcard"
	"safetynet/internal/money"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/synth"
)

// collector keeps everything Generate emits.
type collector struct {
	households []registry.Household
	records    map[string][]synth.Record
	truth      []synth.Truth
	staff      []synth.StaffRelative
}

func (c *collector) Household(h *registry.Household) error {
	c.households = append(c.households, *h)
	return nil
}

// Record keeps a copy: the pointer is valid only during the call.
func (c *collector) Record(r synth.Record) error {
	var cp synth.Record
	switch v := r.(type) {
	case *synth.Vehicle:
		x := *v
		cp = &x
	case *synth.Property:
		x := *v
		cp = &x
	case *synth.Business:
		x := *v
		cp = &x
	case *synth.Pension:
		x := *v
		cp = &x
	case *synth.SocialInsurance:
		x := *v
		cp = &x
	case *synth.HousingFund:
		x := *v
		cp = &x
	case *synth.Tax:
		x := *v
		cp = &x
	case *synth.Deposit:
		x := *v
		cp = &x
	case *synth.Security:
		x := *v
		cp = &x
	case *synth.PublicEmployee:
		x := *v
		cp = &x
	case *synth.Death:
		x := *v
		cp = &x
	case *synth.Marriage:
		x := *v
		cp = &x
	default:
		return fmt.Errorf("unknown record %T", r)
	}
	c.records[r.Dataset()] = append(c.records[r.Dataset()], cp)
	return nil
}

func (c *collector) Truth(t *synth.Truth) error { c.truth = append(c.truth, *t); return nil }

func (c *collector) StaffRelative(s *synth.StaffRelative) error {
	c.staff = append(c.staff, *s)
	return nil
}

// small is the small scale of seed 1, generated once for the tests that
// only read it.
var small = sync.OnceValues(func() (*collector, synth.Stats) {
	c := &collector{records: map[string][]synth.Record{}}
	st, err := synth.Generate(context.Background(), synth.Config{Scale: "small", Seed: 1}, c)
	if err != nil {
		panic(err)
	}
	return c, st
})

// asOf is the day after the data's date: every birth date is before it.
var asOf = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// people indexes the registry's members by ID number.
type person struct {
	m  registry.Member
	h  *registry.Household
	at int // index in h.Members
}

func people(c *collector) map[string]person {
	out := map[string]person{}
	for i := range c.households {
		h := &c.households[i]
		for j, m := range h.Members {
			out[m.IDNumber] = person{m, h, j}
		}
	}
	return out
}

func TestMakeIDMatchesIdcardGenerate(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	areas := []string{"530102", "530128", "533423", "110105"}
	for range 5000 {
		d := time.Date(1920, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(38000))
		area, seq := areas[r.IntN(len(areas))], r.IntN(1000)
		want := idcard.Generate(area, d, seq).String()
		if got := synth.MakeID(area, d.Format("2006-01-02"), seq); got != want {
			t.Fatalf("MakeID(%s, %s, %d) = %s; want %s", area, d.Format("2006-01-02"), seq, got, want)
		}
	}
}

// readDir returns the files of dir by relative path.
func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dirs := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	cfgs := []synth.Config{{Scale: "small", Seed: 1, Workers: 1}, {Scale: "small", Seed: 1, Workers: 2}, {Scale: "small", Seed: 2}}
	for i, cfg := range cfgs {
		if _, err := synth.WriteDir(ctx, cfg, dirs[i], nil); err != nil {
			t.Fatal(err)
		}
	}
	a, b, c := readDir(t, dirs[0]), readDir(t, dirs[1]), readDir(t, dirs[2])
	if len(a) != 16 {
		t.Errorf("%d files; want 16", len(a))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between runs with 1 and 2 workers", name)
		}
	}
	for _, name := range []string{"households.csv", "datasets/vehicles.csv", "truth.csv"} {
		if bytes.Equal(a[name], c[name]) {
			t.Errorf("%s is the same for seeds 1 and 2", name)
		}
	}
	// The files hold what Generate emits.
	col, st := small()
	lines := bytes.Count(a["households.csv"], []byte("\n")) - 1
	if lines != st.Persons {
		t.Errorf("households.csv has %d rows; want %d persons", lines, st.Persons)
	}
	for _, d := range synth.Datasets {
		n := bytes.Count(a[filepath.Join("datasets", d.Name+".csv")], []byte("\n")) - 1
		if n != len(col.records[d.Name]) || n != st.Records[d.Name] {
			t.Errorf("%s: %d rows; Generate gave %d, stats %d", d.Name, n, len(col.records[d.Name]), st.Records[d.Name])
		}
	}
	if n := bytes.Count(a["truth.csv"], []byte("\n")) - 1; n != len(col.truth) {
		t.Errorf("truth.csv: %d rows; want %d", n, len(col.truth))
	}
	if !bytes.Contains(a["manifest.json"], []byte(`"scale": "small"`)) {
		t.Errorf("manifest.json lacks the scale:\n%s", a["manifest.json"])
	}
}

func TestIDs(t *testing.T) {
	t.Parallel()
	c, _ := small()
	seen := map[string]bool{}
	for _, h := range c.households {
		for _, m := range h.Members {
			id, err := idcard.ParseAt(m.IDNumber, asOf)
			if err != nil {
				t.Fatalf("%s (%s): %v", m.IDNumber, m.Name, err)
			}
			if seen[m.IDNumber] {
				t.Fatalf("ID %s used twice", m.IDNumber)
			}
			seen[m.IDNumber] = true
			sex := "F"
			if id.Sex() == idcard.Male {
				sex = "M"
			}
			switch {
			case id.BirthDate().Format("2006-01-02") != m.BirthDate:
				t.Fatalf("%s: birth date %s", m.IDNumber, m.BirthDate)
			case sex != m.Sex:
				t.Fatalf("%s: sex %s", m.IDNumber, m.Sex)
			case id.AreaCode() != h.County[:6]:
				t.Fatalf("%s: county %s", m.IDNumber, h.County)
			case seqOf(m.IDNumber) >= 500:
				t.Fatalf("%s: a registry member with a population sequence number", m.IDNumber)
			}
		}
	}
	// Every ID of the datasets is valid too.
	for name, rs := range c.records {
		for _, r := range rs {
			ids := []string{r.Person()}
			if m, ok := r.(*synth.Marriage); ok {
				ids = append(ids, m.SpouseID)
			}
			for _, s := range ids {
				if _, err := idcard.ParseAt(s, asOf); err != nil {
					t.Fatalf("%s: %s: %v", name, s, err)
				}
			}
		}
	}
}

func seqOf(id string) int {
	return int(id[14]-'0')*100 + int(id[15]-'0')*10 + int(id[16]-'0')
}

func TestVillages(t *testing.T) {
	t.Parallel()
	c, _ := small()
	tree := region.YunnanTree()
	for _, h := range c.households {
		v, ok := tree.Get(h.Village)
		if !ok || v.Level != region.Village {
			t.Fatalf("household %s: village %s is not a village", h.Members[0].IDNumber, h.Village)
		}
		if registry.CountyOf(h.Village) != h.County {
			t.Fatalf("village %s is not in county %s", h.Village, h.County)
		}
		switch {
		case h.Area == registry.Urban && v.Class != region.Urban,
			h.Area == registry.Rural && v.Class == region.Urban,
			h.Area != registry.Urban && h.Area != registry.Rural:
			t.Fatalf("household in %s (%s) has area %s", v.Name, v.Class, h.Area)
		}
		if strings.Contains(v.Name, "虚拟") {
			t.Fatalf("household in the virtual community %s", v.Name)
		}
	}
}

func within(t *testing.T, what string, got, lo, hi float64) {
	t.Helper()
	if got < lo || got > hi {
		t.Errorf("%s = %.3f; want %.3f–%.3f", what, got, lo, hi)
	}
}

func TestShape(t *testing.T) {
	t.Parallel()
	c, st := small()
	var persons, male, elderly, children, disabled, han, urbanHH, urbanP, ruralHH, ruralP, tekun, institution int
	for _, h := range c.households {
		if len(h.Members) > 30 {
			t.Fatalf("household of %d", len(h.Members))
		}
		heads := 0
		for _, m := range h.Members {
			persons++
			if m.Relationship == registry.Head {
				heads++
			}
			if m.Sex == "M" {
				male++
			}
			id, _ := idcard.ParseAt(m.IDNumber, asOf)
			switch age := id.AgeOn(asOf.AddDate(0, 0, -1)); {
			case age >= 60:
				elderly++
			case age < 18:
				children++
			}
			if m.Disability.Grade > 0 {
				disabled++
			}
			if m.Ethnicity == "01" {
				han++
			}
			for table, v := range map[*map[string]string]string{&registry.MaritalStatuses: m.Marital, &registry.LabourCapacities: m.Labour,
				&registry.EducationStages: m.Education, &registry.Employments: m.Employment, &registry.Ethnicities: m.Ethnicity} {
				if _, ok := (*table)[v]; !ok {
					t.Fatalf("%s: unknown code %q", m.IDNumber, v)
				}
			}
			if m.Disability.Category != "" {
				if _, ok := registry.DisabilityCategories[m.Disability.Category]; !ok || m.Disability.Grade < 1 || m.Disability.Grade > 4 {
					t.Fatalf("%s: disability %+v", m.IDNumber, m.Disability)
				}
			}
		}
		if heads != 1 || h.Members[0].Relationship != registry.Head {
			t.Fatalf("household %s: %d heads", h.Members[0].IDNumber, heads)
		}
		if len(h.Enrolments) == 0 {
			continue
		}
		switch e := h.Enrolments[0]; {
		case e.Programme == "tekun":
			tekun++
			if len(h.Members) != 1 {
				t.Fatalf("特困 household of %d", len(h.Members))
			}
			if e.Setting == "institution" {
				institution++
			}
		case h.Area == registry.Urban:
			urbanHH++
			urbanP += len(h.Members)
		default:
			ruralHH++
			ruralP += len(h.Members)
		}
	}
	if persons != st.Persons || len(c.households) != st.Households {
		t.Errorf("stats: %d households, %d persons; counted %d, %d", st.Households, st.Persons, len(c.households), persons)
	}
	within(t, "households", float64(len(c.households)), 3000, 6000)
	within(t, "urban dibao household size", float64(urbanP)/float64(urbanHH), 1.9, 2.3)
	within(t, "rural dibao household size", float64(ruralP)/float64(ruralHH), 2.4, 2.9)
	within(t, "特困 in institutions", float64(institution)/float64(tekun), 0.15, 0.35)
	within(t, "male share", float64(male)/float64(persons), 0.46, 0.54)
	within(t, "elderly share", float64(elderly)/float64(persons), 0.15, 0.40)
	within(t, "children share", float64(children)/float64(persons), 0.15, 0.40)
	within(t, "disabled share", float64(disabled)/float64(persons), 0.05, 0.12)
	// Both counties are in 昆明, whose mix is ≈ 87.8% 汉族.
	within(t, "汉族 share", float64(han)/float64(persons), 0.84, 0.92)
}

func TestMoney(t *testing.T) {
	t.Parallel()
	c, _ := small()
	accounts := map[string]bool{}
	for _, h := range c.households {
		b := h.Bank
		if len(b.Account) != 19 || !luhnOK(b.Account) || b.Bank == "" || b.Holder != h.Members[0].Name {
			t.Fatalf("household %s: bank %+v", h.Members[0].IDNumber, b)
		}
		if accounts[b.Account] {
			t.Fatalf("account %s used twice", b.Account)
		}
		accounts[b.Account] = true
		for _, in := range h.Incomes {
			if in.PersonID >= 0 || int(-in.PersonID) > len(h.Members) || in.Amount <= 0 {
				t.Fatalf("household %s: income %+v", h.Members[0].IDNumber, in)
			}
			if _, ok := registry.IncomeKinds[in.Kind]; !ok {
				t.Fatalf("income kind %q", in.Kind)
			}
		}
		if len(h.Enrolments) == 0 || h.Enrolments[0].Programme != "dibao" {
			continue
		}
		// A recipient's income per head is below the 2025 standard.
		var monthly money.Money
		for _, in := range h.Incomes {
			monthly += in.Monthly()
		}
		counted := 0
		for _, m := range h.Members {
			if m.Counts() {
				counted++
			}
		}
		std := money.Yuan(744)
		if h.Area == registry.Rural {
			std = money.Yuan(560)
		}
		if counted > 0 && monthly.Div(int64(counted), money.FenDown) >= std {
			t.Fatalf("household %s: income %s a month for %d persons, not below %s", h.Members[0].IDNumber, monthly, counted, std)
		}
	}
}

func luhnOK(s string) bool {
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if (len(s)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func TestEnrolments(t *testing.T) {
	t.Parallel()
	c, st := small()
	applicants := 0
	for _, h := range c.households {
		if len(h.Enrolments) == 0 {
			applicants++
			continue
		}
		e := h.Enrolments[0]
		if len(h.Enrolments) != 1 || e.Since < "2014-01-01" || e.Since > synth.AsOf || e.Since[8:] != "01" || e.Until != "" {
			t.Fatalf("household %s: enrolments %+v", h.Members[0].IDNumber, h.Enrolments)
		}
		switch {
		case e.Programme == "dibao" && h.Area == registry.Rural:
			if e.Tier != "A" && e.Tier != "B" && e.Tier != "C" {
				t.Fatalf("rural dibao tier %q", e.Tier)
			}
		case e.Programme == "dibao":
			if e.Tier != "" {
				t.Fatalf("urban dibao tier %q", e.Tier)
			}
		case e.Programme == "tekun":
			if (e.Setting != "home" && e.Setting != "institution") || e.PersonID != -1 {
				t.Fatalf("特困 enrolment %+v", e)
			}
		default:
			t.Fatalf("programme %q", e.Programme)
		}
	}
	if applicants != st.ApplicantHouseholds {
		t.Errorf("%d applicants; stats say %d", applicants, st.ApplicantHouseholds)
	}
	within(t, "applicants per recipient household", float64(applicants)/float64(len(c.households)-applicants), 0.08, 0.12)
}

// index finds records by person.
func index(c *collector) map[string]map[string][]synth.Record {
	out := map[string]map[string][]synth.Record{}
	for name, rs := range c.records {
		m := map[string][]synth.Record{}
		for _, r := range rs {
			m[r.Person()] = append(m[r.Person()], r)
			if mr, ok := r.(*synth.Marriage); ok {
				m[mr.SpouseID] = append(m[mr.SpouseID], r)
			}
		}
		out[name] = m
	}
	return out
}

func TestTruthPointsAtEvidence(t *testing.T) {
	t.Parallel()
	c, st := small()
	pp, ix := people(c), index(c)
	staff := map[string]synth.StaffRelative{}
	for _, s := range c.staff {
		staff[s.StaffID+s.RelativeID] = s
	}
	kinds := map[string]synth.Anomaly{}
	for _, a := range synth.Anomalies {
		kinds[a.Kind] = a
	}
	for _, tr := range c.truth {
		a, ok := kinds[tr.Kind]
		p, member := pp[tr.IDNumber]
		switch {
		case !ok || a.Flag != tr.Flag || a.Dataset != tr.Dataset:
			t.Fatalf("truth %+v: unknown kind or wrong flag or dataset", tr)
		case !member || p.h.Members[0].IDNumber != tr.Household || p.h.County[:6] != tr.County:
			t.Fatalf("truth %+v: not a member of the household", tr)
		case tr.Applicant != (len(p.h.Enrolments) == 0):
			t.Fatalf("truth %+v: applicant flag wrong", tr)
		}
		recs := ix[tr.Dataset][tr.IDNumber]
		fail := func(why string) { t.Fatalf("truth %+v: %s (records %v)", tr, why, recs) }
		switch tr.Kind {
		case "car":
			if len(recs) != 1 || strings.Contains(recs[0].(*synth.Vehicle).Type, "摩托") || recs[0].(*synth.Vehicle).Value < money.Yuan(40000) {
				fail("no car")
			}
		case "second_house":
			if len(recs) != 2 {
				fail("not two houses")
			}
		case "business":
			if len(recs) != 1 || recs[0].(*synth.Business).Status != "存续" {
				fail("no active business")
			}
		case "public_job":
			if len(recs) != 1 || len(ix[synth.HousingFunds][tr.IDNumber]) != 1 || len(ix[synth.SocialInsurances][tr.IDNumber]) != 1 {
				fail("no public job")
			}
		case "dead_listed", "control_recorded_death":
			deaths := 0
			for _, r := range recs {
				if r.(*synth.Death).Kind == "death" {
					deaths++
				}
			}
			if deaths != 1 || (p.m.DeathDate == "") != (tr.Kind == "dead_listed") {
				fail("no death, or death recorded wrongly")
			}
		case "duplicate_person":
			o, ok := pp[tr.Related]
			if !ok || o.h == p.h || o.m.Name != p.m.Name || o.m.BirthDate != p.m.BirthDate || o.m.Sex != p.m.Sex || tr.Related == tr.IDNumber {
				fail("no look-alike in another household")
			}
		case "staff_relative":
			if _, ok := staff[tr.Related+tr.IDNumber]; !ok {
				fail("not in the register")
			}
		case "staff_relative_unregistered":
			_, inRegistry := pp[tr.Related]
			if len(recs) != 1 || inRegistry || len(ix[synth.PublicEmployees][tr.Related]) == 0 || p.m.Marital != "married" {
				fail("no marriage to a public employee outside the household")
			}
			m := recs[0].(*synth.Marriage)
			if m.IDNumber != tr.Related && m.SpouseID != tr.Related {
				fail("married to someone else")
			}
		case "large_deposit":
			large := 0
			for _, r := range recs {
				if r.(*synth.Deposit).Balance >= money.Yuan(80000) {
					large++
				}
			}
			if large != 1 {
				fail("no large deposit")
			}
		case "control_disability_vehicle":
			if len(recs) != 1 || !strings.HasPrefix(recs[0].(*synth.Vehicle).Type, "残疾人专用") || p.m.Disability.Grade == 0 {
				fail("no declared vehicle for the disabled")
			}
			declared := false
			for _, as := range p.h.Assets {
				declared = declared || as.RegNo == recs[0].(*synth.Vehicle).Plate
			}
			if !declared {
				fail("vehicle not declared")
			}
		default:
			fail("unchecked kind")
		}
	}
	if len(c.staff) != st.Truth["staff_relative"] {
		t.Errorf("%d register entries; %d planted", len(c.staff), st.Truth["staff_relative"])
	}
}

// TestNoUnplantedCases checks that the registry's members appear in the
// datasets only as truth.csv says or legitimately: nothing a detector
// flags can be missing from the ground truth.
func TestNoUnplantedCases(t *testing.T) {
	t.Parallel()
	c, _ := small()
	pp := people(c)
	planted := map[string]string{}
	for _, tr := range c.truth {
		planted[tr.IDNumber] = tr.Kind
	}
	houses := map[string]int{}
	for name, rs := range c.records {
		for _, r := range rs {
			if m, ok := r.(*synth.Marriage); ok {
				// Check the wife's side as the husband's.
				if p, ok := pp[m.SpouseID]; ok && planted[m.SpouseID] != "staff_relative_unregistered" {
					if h, ok := pp[m.IDNumber]; !ok || h.h != p.h {
						t.Fatalf("marriage of %s to %s outside the household, not planted", m.SpouseID, m.IDNumber)
					}
				}
			}
			id := r.Person()
			p, member := pp[id]
			if !member {
				if seqOf(id) < 500 && name != synth.Marriages {
					t.Fatalf("%s: %s is neither a registry member nor of the population at large", name, id)
				}
				continue
			}
			kind := planted[id]
			bad := false
			switch v := r.(type) {
			case *synth.Vehicle:
				bad = kind != "car" && kind != "control_disability_vehicle"
			case *synth.Property:
				houses[id]++
				bad = houses[id] > 1 && kind != "second_house"
			case *synth.Business, *synth.Tax:
				bad = kind != "business"
			case *synth.PublicEmployee, *synth.HousingFund:
				bad = kind != "public_job"
			case *synth.SocialInsurance:
				bad = kind != "public_job" && v.Employer != "个人（灵活就业）"
			case *synth.Death:
				bad = kind != "dead_listed" && kind != "control_recorded_death"
			case *synth.Deposit:
				bad = kind != "large_deposit" && v.Balance > money.Yuan(10000)
			case *synth.Pension:
				bad = v.Kind != "resident_basic" || v.MonthlyAmount > money.Yuan(300)
			case *synth.Security:
				bad = true
			case *synth.Marriage:
				other, ok := pp[v.SpouseID]
				bad = (!ok || other.h != p.h) && kind != "staff_relative_unregistered"
			}
			if bad {
				t.Fatalf("%s: a record about %s (%s, planted %q) that the truth does not explain: %+v", name, id, p.m.Name, kind, r)
			}
		}
	}
}

func TestAnomalyCounts(t *testing.T) {
	t.Parallel()
	c, st := small()
	type group struct {
		county    string
		applicant bool
	}
	n := map[group]int{}
	for _, h := range c.households {
		n[group{h.County[:6], len(h.Enrolments) == 0}]++
	}
	for _, a := range synth.Anomalies {
		lo, hi := 0, 0
		for _, k := range n {
			x := a.Share * float64(k)
			lo += int(math.Floor(x))
			hi += int(math.Ceil(x))
		}
		if got := st.Truth[a.Kind]; got < lo || got > hi {
			t.Errorf("%s: %d planted; want %d–%d", a.Kind, got, lo, hi)
		}
	}
}

func TestUniqueNumbers(t *testing.T) {
	t.Parallel()
	c, _ := small()
	seen := map[string]bool{}
	check := func(what, s string) {
		if seen[what+s] {
			t.Fatalf("%s %s used twice", what, s)
		}
		seen[what+s] = true
	}
	for _, r := range c.records[synth.Vehicles] {
		check("plate", r.(*synth.Vehicle).Plate)
	}
	for _, r := range c.records[synth.RealEstate] {
		check("certificate", r.(*synth.Property).CertNo)
	}
	for _, r := range c.records[synth.Businesses] {
		b := r.(*synth.Business)
		check("credit code", b.RegNo)
		if !usccOK(b.RegNo) {
			t.Fatalf("credit code %s: bad check character", b.RegNo)
		}
	}
}

// usccOK checks a unified social credit code (GB 32100).
func usccOK(s string) bool {
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	w := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i := range 17 {
		sum += strings.IndexByte(chars, s[i]) * w[i]
	}
	return s[17] == chars[(31-sum%31)%31]
}

func TestErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if _, err := synth.Generate(ctx, synth.Config{Scale: "galaxy"}, &collector{}); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("unknown scale: %v; want Invalid", err)
	}
	boom := errors.New("boom")
	if _, err := synth.Generate(ctx, synth.Config{Scale: "small", Seed: 1}, failing{boom}); !errors.Is(err, boom) {
		t.Errorf("failing sink: %v; want boom", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := synth.Generate(cctx, synth.Config{Scale: "yunnan", Seed: 1}, &collector{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v; want context.Canceled", err)
	}
}

type failing struct{ err error }

func (f failing) Household(*registry.Household) error      { return f.err }
func (f failing) Record(synth.Record) error                { return f.err }
func (f failing) Truth(*synth.Truth) error                 { return f.err }
func (f failing) StaffRelative(*synth.StaffRelative) error { return f.err }

// loader records the batches it is given.
type loader struct {
	batches    []int
	households []registry.Household
}

func (l *loader) LoadHouseholds(_ context.Context, hs []registry.Household) error {
	l.batches = append(l.batches, len(hs))
	l.households = append(l.households, hs...)
	return nil
}

func TestRunLoadsInBatches(t *testing.T) {
	t.Parallel()
	l := &loader{}
	var last [2]int
	st, err := synth.Run(context.Background(), synth.Config{Scale: "small", Seed: 1},
		synth.Output{Loader: l, Batch: 1000, Progress: func(done, total int) { last = [2]int{done, total} }})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.households) != st.Households || len(l.batches) == 0 || l.batches[0] != 1000 {
		t.Errorf("loaded %d households in batches %v; want %d in batches of 1000", len(l.households), l.batches, st.Households)
	}
	// The same households as Generate's, though without the population's
	// records.
	c, _ := small()
	if !reflect.DeepEqual(l.households, c.households) {
		t.Errorf("the loaded households differ from those Generate emits")
	}
	if last[0] != last[1] || last[1] == 0 {
		t.Errorf("last progress %v; want done = total", last)
	}
}

// discard is a Sink that keeps nothing.
type discard struct{}

func (discard) Household(*registry.Household) error      { return nil }
func (discard) Record(synth.Record) error                { return nil }
func (discard) Truth(*synth.Truth) error                 { return nil }
func (discard) StaffRelative(*synth.StaffRelative) error { return nil }

// BenchmarkGenerateCounty generates the county scale (all of 昆明 at
// 55%: ≈ 110,000 households and 3.7 million records) into a sink that
// keeps nothing.
func BenchmarkGenerateCounty(b *testing.B) {
	rows := 0
	for b.Loop() {
		st, err := synth.Generate(context.Background(), synth.Config{Scale: "county", Seed: 1}, discard{})
		if err != nil {
			b.Fatal(err)
		}
		rows += st.RecordsTotal + st.Persons
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// keeper is a Sink that keeps the households and the truth only.
type keeper struct {
	households []registry.Household
	truth      []synth.Truth
}

func (k *keeper) Household(h *registry.Household) error {
	k.households = append(k.households, *h)
	return nil
}
func (*keeper) Record(synth.Record) error                { return nil }
func (k *keeper) Truth(t *synth.Truth) error             { k.truth = append(k.truth, *t); return nil }
func (*keeper) StaffRelative(*synth.StaffRelative) error { return nil }

// TestNoAccidentalLookAlikes checks, at the county scale, that two
// registry persons of a county share name, sex and birth date only as a
// planted duplicate_person case (the copy and its original), so that the
// duplicate rule of verification can find exactly the planted cases, and
// that an original is alive in a household without a case of its own.
func TestNoAccidentalLookAlikes(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the county scale")
	}
	t.Parallel()
	k := &keeper{}
	if _, err := synth.Generate(context.Background(), synth.Config{Scale: "county", Seed: 1}, k); err != nil {
		t.Fatal(err)
	}
	type key struct{ county, name, sex, birth string }
	keyOf := map[string]key{}
	groups := map[key][]string{}
	people := map[string]registry.Member{}
	headOf := map[string]string{} // person → the household's key
	for _, h := range k.households {
		for _, m := range h.Members {
			kk := key{h.County[:6], m.Name, m.Sex, m.BirthDate}
			keyOf[m.IDNumber] = kk
			groups[kk] = append(groups[kk], m.IDNumber)
			people[m.IDNumber], headOf[m.IDNumber] = m, h.Members[0].IDNumber
		}
	}
	withCase := map[string]bool{}
	for _, tr := range k.truth {
		withCase[tr.Household] = true
	}
	copyOf := map[string]string{} // planted copy → original
	for _, tr := range k.truth {
		if tr.Kind != "duplicate_person" {
			continue
		}
		copyOf[tr.IDNumber] = tr.Related
		a, okA := keyOf[tr.IDNumber]
		b, okB := keyOf[tr.Related]
		if !okA || !okB || a != b {
			t.Errorf("planted duplicate %s of %s: %+v and %+v do not collide", tr.IDNumber, tr.Related, a, b)
		}
		if orig := people[tr.Related]; orig.DeathDate != "" || withCase[headOf[tr.Related]] {
			t.Errorf("original %s of planted duplicate %s: died %q, household %s with a case %v", tr.Related, tr.IDNumber,
				orig.DeathDate, headOf[tr.Related], withCase[headOf[tr.Related]])
		}
	}
	if len(copyOf) < 20 {
		t.Fatalf("%d planted duplicate_person cases; want some", len(copyOf))
	}
	collisions := 0
	for kk, ids := range groups {
		if len(ids) < 2 {
			continue
		}
		collisions++
		originals := 0
		for _, id := range ids {
			orig, planted := copyOf[id]
			if !planted {
				originals++
			} else if keyOf[orig] != kk {
				t.Errorf("%s is planted as a copy of %s, outside its group %+v", id, orig, kk)
			}
		}
		if originals != 1 {
			t.Errorf("%+v is shared by %v: %d persons that are not planted copies; want 1", kk, ids, originals)
		}
	}
	if collisions == 0 {
		t.Errorf("no collisions at all; want the planted duplicates'")
	}
}
