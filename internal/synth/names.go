package synth

import "sync"

// namer draws Chinese names.
type namer struct {
	han      wtable
	minority map[string]wtable
}

var names = sync.OnceValue(func() *namer {
	n := &namer{han: newWTable(hanSurnames), minority: map[string]wtable{}}
	for eth, ws := range minoritySurnames {
		n.minority[eth] = newWTable(ws)
	}
	return n
})

// surname draws a family surname for someone of ethnicity eth; "" means a
// name without one (a 傣 岩温, a 藏 扎西), decided by styled.
func (n *namer) surname(r *rng, eth string) string {
	if st, ok := nameStyles[eth]; ok && r.chance(st.Share) {
		return ""
	}
	if t, ok := n.minority[eth]; ok && r.chance(0.85) {
		return t.pick(r)
	}
	return n.han.pick(r)
}

// cohort returns the index into givenNames of a birth year.
func cohort(year int) int {
	switch {
	case year < 1960:
		return 0
	case year < 1990:
		return 1
	case year < 2010:
		return 2
	}
	return 3
}

// given draws a given name: a common whole name of the birth cohort (55%),
// two characters composed (25%), or one character (20%).
func given(r *rng, male bool, year int) string {
	s := 1
	if male {
		s = 0
	}
	x := r.float()
	switch {
	case x < 0.55:
		return pick(r, givenNames[cohort(year)][s])
	case x < 0.80:
		return pick(r, givenChars[s][1]) + pick(r, givenChars[s][2])
	}
	return pick(r, givenChars[s][0])
}

// name returns a full name: surname + given name, or, for surname "", a
// name in the style of the ethnic group (岩温, 玉香, 扎西次仁).
func (n *namer) name(r *rng, eth, surname string, male bool, year int) string {
	if surname != "" {
		return surname + given(r, male, year)
	}
	s := 1
	if male {
		s = 0
	}
	if eth == "04" {
		if r.chance(0.5) {
			return pick(r, tibetanParts[s])
		}
		return pick(r, tibetanParts[s]) + pick(r, tibetanParts[s])
	}
	st := nameStyles[eth]
	prefix := st.Female
	if male {
		prefix = st.Male
	}
	if prefix == "" {
		return n.han.pick(r) + given(r, male, year)
	}
	if r.chance(0.3) {
		return prefix + pick(r, styleSyllables) + pick(r, styleSyllables)
	}
	return prefix + pick(r, styleSyllables)
}
