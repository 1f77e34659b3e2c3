package registry_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"safetynet/internal/apptest"
	"safetynet/internal/idcard"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// importFile builds a template CSV of n households of 2–3 members in the
// villages of 五华区.
func importFile(n int) (string, int) {
	var b strings.Builder
	b.WriteString("户主身份证号,身份证号码,姓名,与户主关系,民族,村（社区）代码,城乡类别,家庭住址,联系电话,工资性收入（元/月）,存款（元）\n")
	birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	var villages []string
	for _, d := range region.YunnanTree().Within("530102") {
		if d.Level == region.Village {
			villages = append(villages, d.Code)
		}
	}
	members := 0
	seq := 0
	next := func() string {
		seq++
		return idcard.Generate("530102", birth.AddDate(0, 0, seq/900), seq%900).String()
	}
	for i := range n {
		head := next()
		village := villages[i%len(villages)]
		fmt.Fprintf(&b, "%s,%s,张%d,户主,汉族,%s,城镇,某街%d号,139%08d,800,1000\n", head, head, i, village, i, i)
		members++
		for j := range 1 + i%2 {
			id := next()
			fmt.Fprintf(&b, "%s,%s,李%d,%s,彝族,,,,,,\n", head, id, i, []string{"配偶", "子女"}[j])
			members++
		}
	}
	return b.String(), members
}

// BenchmarkImportCSV measures the whole validated import of a CSV file
// into a fresh database: parse, validate, check against the registry, load.
func BenchmarkImportCSV(b *testing.B) {
	data, members := importFile(20000)
	b.ReportAllocs()
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		a := apptest.NewApp(b)
		b.StartTimer()
		start := impCPUTime()
		f, err := registry.ReadFile(bytes.NewReader([]byte(data)), "csv", a.Divisions)
		if err != nil {
			b.Fatal(err)
		}
		if len(f.Errors) > 0 {
			b.Fatalf("errors: %+v", f.Errors[:1])
		}
		res, err := a.Registry.ImportHouseholds(ctx, apptest.System(), f, registry.ImportAll, "bench.csv", nil)
		if err != nil || res.Members != members {
			b.Fatalf("import: %+v %v", res.Members, err)
		}
		cpu += impCPUTime() - start
	}
	b.ReportMetric(float64(members)*float64(b.N)/b.Elapsed().Seconds(), "members/s")
	// On a shared machine the wall clock says more about the neighbours;
	// members per CPU-second (this process, user + system) is steadier.
	if cpu > 0 {
		b.ReportMetric(float64(members)*float64(b.N)/cpu.Seconds(), "members/cpu-s")
	}
}
