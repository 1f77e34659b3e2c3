package verify

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestSortRecords checks the key-then-permute sort against a plain sort of
// the records, on sorted, reversed and shuffled input with repeated PIDs.
func TestSortRecords(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 17, 1000} {
		for _, order := range []string{"sorted", "reversed", "shuffled"} {
			rs := make([]Record, n)
			for i := range rs {
				rs[i] = Record{PID: uint64(i / 3), Line: int32(i%3 - 1), Ref: strconv.Itoa(i)}
			}
			switch order {
			case "reversed":
				slices.Reverse(rs)
			case "shuffled":
				r.Shuffle(n, func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
			}
			want := slices.Clone(rs)
			slices.SortFunc(want, func(a, b Record) int {
				if a.PID != b.PID {
					if a.PID < b.PID {
						return -1
					}
					return 1
				}
				return int(a.Line) - int(b.Line)
			})
			SortRecords(rs)
			if !slices.Equal(rs, want) {
				t.Fatalf("n=%d %s: got %v, want %v", n, order, rs, want)
			}
		}
	}
}

func TestTrimCell(t *testing.T) {
	for _, v := range []string{"", " ", "abc", " abc", "abc ", "\tabc\r", "小型轿车", "小型轿车\u3000", "\u3000小型轿车",
		"云A12345", "a\u00a0", "\u00a0a", "x\u0085", "中 文", "1.00\t"} {
		if got, want := trimCell(v), strings.TrimSpace(v); got != want {
			t.Errorf("trimCell(%q) = %q; want %q", v, got, want)
		}
	}
}
