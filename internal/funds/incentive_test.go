package funds_test

import (
	"fmt"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/funds"
	"safetynet/internal/money"
)

func TestDistribute(t *testing.T) {
	cases := []struct {
		total   money.Money
		weights []int64
		want    []money.Money
	}{
		{10, []int64{1, 1, 1}, []money.Money{4, 3, 3}}, // tie: the earlier part gets the fen
		{100, []int64{1, 2}, []money.Money{33, 67}},    // 33.33 / 66.67
		{1_000_000, []int64{1000, 2000, 500, 3000}, []money.Money{153846, 307692, 76923, 461539}},
		{7, []int64{0, 5, 0}, []money.Money{0, 7, 0}}, // zero weights get nothing
		{0, []int64{1, 2}, []money.Money{0, 0}},
		{5, []int64{3, 3, 3, 1}, []money.Money{2, 2, 1, 0}},                                     // 1.5, 1.5, 1.5, 0.5: the remainders tie, the earliest two get the fen
		{9_223_372_036_854, []int64{9_000_000_000, 1}, []money.Money{9_223_372_035_829, 1_025}}, // no overflow
	}
	for _, c := range cases {
		got := funds.Distribute(c.total, c.weights)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("Distribute(%d, %v) = %v; want %v", c.total, c.weights, got, c.want)
		}
		var sum money.Money
		for _, g := range got {
			sum += g
		}
		if sum != c.total {
			t.Errorf("Distribute(%d, %v) sums to %d", c.total, c.weights, sum)
		}
	}
}

// TestComputePool checks the formula against figures computed by hand
// (docs/incentive.md, worked example).
func TestComputePool(t *testing.T) {
	in := []funds.PoolInput{
		{County: "530104000000", Score: 550, Caseload: 3000}, // D: 55 不合格
		{County: "530101000000", Score: 950, Caseload: 1000}, // A: 95 优秀 ×120 %
		{County: "530102000000", Score: 850, Caseload: 2000}, // B: 85 良好 ×100 %
		{County: "530103000000", Score: 700, Caseload: 500},  // C: 70 合格 ×80 %
	}
	p := funds.PoolParams{}.Defaults()
	rows, total, work, err := funds.ComputePool(money.Yuan(1_000_000), p, in)
	if err != nil {
		t.Fatal(err)
	}
	if total != money.Yuan(100_000) || work != money.Yuan(10_000) {
		t.Fatalf("pool %s, work funds %s; want 100000.00 and 10000.00", total, work)
	}
	want := []struct {
		county       string
		grade        funds.Grade
		weight       int64
		award, workF money.Money
	}{
		{"530101000000", funds.Excellent, 120_000, money.Yuan(30_000), 153846},
		{"530102000000", funds.Good, 200_000, money.Yuan(50_000), 307692},
		{"530103000000", funds.Pass, 40_000, money.Yuan(10_000), 76923},
		{"530104000000", funds.Fail, 0, 0, 461539},
	}
	var sum money.Money
	for i, w := range want {
		r := rows[i]
		if r.County != w.county || r.Grade != w.grade || r.Weight != w.weight || r.Award != w.award || r.WorkFunds != w.workF {
			t.Errorf("row %d = %s %s weight %d award %s work %s; want %s %s %d %s %s", i, r.County, r.Grade, r.Weight,
				r.Award, r.WorkFunds, w.county, w.grade, w.weight, w.award, w.workF)
		}
		sum += r.Total()
	}
	if sum != total {
		t.Errorf("rows sum to %s; want the pool %s", sum, total)
	}
}

func TestComputePoolOddAmounts(t *testing.T) {
	// 12345.67 yuan × 10 % = 1234.567 → 1234.56 (down); work 123.45; awards 1111.11.
	in := []funds.PoolInput{{County: "1", Score: 600, Caseload: 1}, {County: "2", Score: 600, Caseload: 1}, {County: "3", Score: 600, Caseload: 1}}
	rows, total, work, err := funds.ComputePool(1_234_567, funds.PoolParams{}.Defaults(), in)
	if err != nil {
		t.Fatal(err)
	}
	if total != 123456 || work != 12345 {
		t.Fatalf("total %d work %d; want 123456 and 12345", total, work)
	}
	// awards 111111 fen over three equal weights: 37037 each; work 12345: 4115 each.
	got := fmt.Sprint(rows[0].Award, rows[1].Award, rows[2].Award, rows[0].WorkFunds, rows[1].WorkFunds, rows[2].WorkFunds)
	if got != "370.37 370.37 370.37 41.15 41.15 41.15" {
		t.Errorf("parts %s", got)
	}
}

func TestGrades(t *testing.T) {
	p := funds.PoolParams{}.Defaults()
	for _, c := range []struct {
		tenths int
		grade  funds.Grade
		factor int64
	}{{1000, funds.Excellent, 120}, {900, funds.Excellent, 120}, {899, funds.Good, 100}, {800, funds.Good, 100},
		{799, funds.Pass, 80}, {600, funds.Pass, 80}, {599, funds.Fail, 0}, {0, funds.Fail, 0}, {-1, funds.NoScore, 0}} {
		g, f := p.GradeOf(c.tenths)
		if g != c.grade || f != c.factor {
			t.Errorf("GradeOf(%d) = %s %d; want %s %d", c.tenths, g, f, c.grade, c.factor)
		}
	}
}

func TestComputePoolNobodyQualifies(t *testing.T) {
	in := []funds.PoolInput{{County: "1", Score: 500, Caseload: 10}, {County: "2", Score: -1, Caseload: 10}}
	if _, _, _, err := funds.ComputePool(money.Yuan(100), funds.PoolParams{}.Defaults(), in); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("err = %v; want Conflict", err)
	}
}

func TestParseScore(t *testing.T) {
	for in, want := range map[string]int{"0": 0, "60": 600, "85.5": 855, "100": 1000, "100.0": 1000} {
		if got, err := funds.ParseScore(in, "score"); err != nil || got != want {
			t.Errorf("ParseScore(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "100.1", "-1", "85.55", "abc", "1e2", "85.", ".5"} {
		if _, err := funds.ParseScore(in, "score"); apperr.FieldOf(err) != "score" {
			t.Errorf("ParseScore(%q) err = %v; want Invalid naming score", in, err)
		}
	}
}
