package sqlstore

import (
	"math/rand/v2"
	"slices"
	"testing"

	"safetynet/internal/verify"
)

// TestMergeRecords merges sorted pieces of random sizes (some empty) and
// checks that every record comes out once, in PID then Line order.
func TestMergeRecords(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var pieces [][]verify.Record
	n := 0
	for range 37 {
		p := make([]verify.Record, r.IntN(50))
		for i := range p {
			p[i] = verify.Record{PID: uint64(r.IntN(40)), Line: int32(n)}
			n++
		}
		slices.SortFunc(p, func(a, b verify.Record) int {
			if a.PID != b.PID {
				return int(a.PID) - int(b.PID)
			}
			return int(a.Line - b.Line)
		})
		pieces = append(pieces, p)
	}
	var got []verify.Record
	if err := mergeRecords(pieces, func(r *verify.Record) error { got = append(got, *r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("merged %d records; want %d", len(got), n)
	}
	seen := make([]bool, n)
	for i, g := range got {
		if seen[g.Line] {
			t.Fatalf("record %d twice", g.Line)
		}
		seen[g.Line] = true
		if i > 0 && (got[i-1].PID > g.PID || got[i-1].PID == g.PID && got[i-1].Line > g.Line) {
			t.Fatalf("out of order at %d: %+v then %+v", i, got[i-1], g)
		}
	}
}
