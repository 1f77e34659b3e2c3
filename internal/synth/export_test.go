package synth

// MakeID exposes makeID, with the birth date as YYYY-MM-DD, to the tests.
func MakeID(area, birth string, seq int) string { return makeID(area, dayOf(birth), seq) }
