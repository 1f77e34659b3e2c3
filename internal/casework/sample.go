package casework

import (
	"cmp"
	"slices"

	"safetynet/internal/money"
)

// SampleSize returns ceil(ratio × n), the least number of cases a county
// spot check of ratio must visit out of n (0 for a ratio ≤ 0, n for a
// ratio ≥ 1).
func SampleSize(n int, ratio money.Ratio) int {
	if n <= 0 || ratio.Den <= 0 || ratio.Num <= 0 {
		return 0
	}
	if ratio.Num >= ratio.Den {
		return n
	}
	// ceil(n·num/den) without overflow for any realistic n and ratio.
	num := int64(n) * ratio.Num
	return int((num + ratio.Den - 1) / ratio.Den)
}

// DrawSample draws the county's home-visit sample (入户抽查) from caseIDs:
// every ID in always that is among caseIDs (flagged cases, such as staff
// relatives', which are visited 100%), plus as many others as needed to
// reach SampleSize(n, ratio) where n is the number of distinct caseIDs.
//
// The draw is deterministic: the same IDs, ratio and seed give the same
// sample whatever the order of caseIDs, so a supervisor can re-draw it and
// check. The others are ranked by a 64-bit hash of (seed, id) (SplitMix64)
// and the lowest ranks are taken; a different seed gives an independent
// draw. The result is sorted ascending.
func DrawSample(caseIDs []int64, ratio money.Ratio, seed int64, always ...int64) []int64 {
	ids := slices.Clone(caseIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	forced := make(map[int64]bool, len(always))
	for _, id := range always {
		if _, ok := slices.BinarySearch(ids, id); ok {
			forced[id] = true
		}
	}
	want := SampleSize(len(ids), ratio)
	out := make([]int64, 0, max(want, len(forced)))
	type ranked struct {
		key uint64
		id  int64
	}
	rest := make([]ranked, 0, len(ids))
	for _, id := range ids {
		if forced[id] {
			out = append(out, id)
			continue
		}
		rest = append(rest, ranked{mix(uint64(seed) ^ mix(uint64(id))), id})
	}
	slices.SortFunc(rest, func(a, b ranked) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	for i := 0; len(out) < want && i < len(rest); i++ {
		out = append(out, rest[i].id)
	}
	slices.Sort(out)
	return out
}

// mix is the SplitMix64 finaliser: a fixed, well-distributed 64-bit hash,
// the same on every platform and Go version.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
