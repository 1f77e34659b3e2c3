package synth

import (
	"hash/fnv"
	"math/bits"
	"math/rand/v2"
	"sort"
)

// rng is a PCG stream with the few draws the generator needs. Each county
// has its own streams, seeded from the run's seed and the county code, so
// counties can be generated in any order, in parallel, with the same
// result.
type rng struct{ p rand.PCG }

// Streams of a county: one per purpose, so that changing how one thing is
// drawn does not shift everything after it.
const (
	streamHouseholds uint64 = iota + 1
	streamAnomalies
	streamRecords
	streamLegit
	streamNames // re-drawn names of accidental look-alikes
)

func newRNG(seed int64, county string, stream uint64) *rng {
	h := fnv.New64a()
	h.Write([]byte(county))
	r := &rng{}
	r.p.Seed(uint64(seed), h.Sum64()^(stream*0x9e3779b97f4a7c15))
	return r
}

// intn returns a number in [0, n), n > 0 (Lemire's multiply-shift; the bias
// of at most n/2⁶⁴ does not matter here).
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.p.Uint64(), uint64(n))
	return int(hi)
}

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.p.Uint64()>>11) / (1 << 53) }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// pick returns a uniformly chosen element of s.
func pick[T any](r *rng, s []T) T { return s[r.intn(len(s))] }

// table is a weighted choice among n items, by cumulative weights.
type table struct{ cum []float64 }

func newTable(weights []float64) table {
	t := table{cum: make([]float64, len(weights))}
	sum := 0.0
	for i, w := range weights {
		sum += w
		t.cum[i] = sum
	}
	return t
}

// pick returns the index of the chosen item.
func (t table) pick(r *rng) int {
	x := r.float() * t.cum[len(t.cum)-1]
	if len(t.cum) <= 12 {
		for i, c := range t.cum {
			if x < c {
				return i
			}
		}
		return len(t.cum) - 1
	}
	i := sort.SearchFloat64s(t.cum, x)
	if i < len(t.cum) && t.cum[i] == x {
		i++
	}
	return min(i, len(t.cum)-1)
}

// wtable is a weighted choice among strings.
type wtable struct {
	s []string
	t table
}

func newWTable(ws []wstr) wtable {
	w := wtable{s: make([]string, len(ws))}
	f := make([]float64, len(ws))
	for i, x := range ws {
		w.s[i], f[i] = x.S, x.W
	}
	w.t = newTable(f)
	return w
}

func (w wtable) pick(r *rng) string { return w.s[w.t.pick(r)] }
