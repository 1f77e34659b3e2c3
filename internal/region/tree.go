package region

import (
	"slices"
	"sort"
	"strings"

	"safetynet/internal/apperr"
)

// Tree is an immutable in-memory index of divisions: lookups by code,
// children, ancestors and paths. It keeps the divisions sorted by code in one
// slice with three int32 links each, so a tree of the whole of Yunnan costs
// little more than its divisions. A Tree is safe for concurrent use.
type Tree struct {
	divs  []Division // sorted by code
	nodes []node     // parallel to divs
	count [Village + 1]int
}

type node struct {
	parent, first, next int32 // indexes into divs; -1 for none
}

// NewTree indexes divs, which should be valid as ParseCSV returns them. It
// copies the slice. Of divisions sharing a code the first is kept; a division
// whose parent is not among divs is a root, reachable by Get but with no
// ancestors.
func NewTree(divs []Division) *Tree {
	s := slices.Clone(divs)
	slices.SortStableFunc(s, func(a, b Division) int { return strings.Compare(a.Code, b.Code) })
	s = slices.CompactFunc(s, func(a, b Division) bool { return a.Code == b.Code })
	s = slices.Clip(s)

	t := &Tree{divs: s, nodes: make([]node, len(s))}
	last := make([]int32, len(s)) // last child so far, to append in code order
	for i := range t.nodes {
		t.nodes[i] = node{-1, -1, -1}
		last[i] = -1
	}
	for i, d := range s {
		if d.Level.Valid() {
			t.count[d.Level]++
		}
		p := t.index(d.Parent)
		if p < 0 || p >= i {
			continue // no parent in t; or a parent coded after its child, which valid data never has (and which could loop)
		}
		t.nodes[i].parent = int32(p)
		if last[p] < 0 {
			t.nodes[p].first = int32(i)
		} else {
			t.nodes[last[p]].next = int32(i)
		}
		last[p] = int32(i)
	}
	return t
}

// index returns the position of the 12-digit code in t.divs, or -1.
func (t *Tree) index(code string) int {
	if code == "" {
		return -1
	}
	i, ok := slices.BinarySearchFunc(t.divs, code, func(d Division, c string) int {
		return strings.Compare(d.Code, c)
	})
	if !ok {
		return -1
	}
	return i
}

// lookup is index for a code in any form Normalize accepts.
func (t *Tree) lookup(code string) int {
	if len(code) != CodeLen {
		c, err := Normalize(code)
		if err != nil {
			return -1
		}
		code = c
	}
	return t.index(code)
}

// Len returns the number of divisions in t.
func (t *Tree) Len() int { return len(t.divs) }

// Count returns the number of divisions of level l in t.
func (t *Tree) Count(l Level) int {
	if !l.Valid() {
		return 0
	}
	return t.count[l]
}

// Get returns the division of code, given in any form Normalize accepts.
func (t *Tree) Get(code string) (Division, bool) {
	i := t.lookup(code)
	if i < 0 {
		return Division{}, false
	}
	return t.divs[i], true
}

// Find is Get for user input: an Invalid apperr naming the field "region"
// for a malformed code, a NotFound apperr for an unknown one.
func (t *Tree) Find(code string) (Division, error) {
	c, err := Normalize(code)
	if err != nil {
		return Division{}, err
	}
	if i := t.index(c); i >= 0 {
		return t.divs[i], nil
	}
	return Division{}, apperr.New(apperr.NotFound, "未知的行政区划代码", "unknown division code")
}

// Children returns the divisions whose parent is code, sorted by code; nil
// for an unknown code or a division without children.
func (t *Tree) Children(code string) []Division {
	i := t.lookup(code)
	if i < 0 {
		return nil
	}
	var out []Division
	for c := t.nodes[i].first; c >= 0; c = t.nodes[c].next {
		out = append(out, t.divs[c])
	}
	return out
}

// Ancestors returns the divisions above code, the province first and code's
// parent last; nil for an unknown code or a root.
func (t *Tree) Ancestors(code string) []Division {
	i := t.lookup(code)
	if i < 0 {
		return nil
	}
	var out []Division
	for p := t.nodes[i].parent; p >= 0; p = t.nodes[p].parent {
		out = append(out, t.divs[p])
	}
	slices.Reverse(out)
	return out
}

// Path returns the names from the province down to code joined by spaces,
// "云南省 昆明市 五华区 华山街道"; "" for an unknown code.
func (t *Tree) Path(code string) string {
	i := t.lookup(code)
	if i < 0 {
		return ""
	}
	var names []string
	for p := int32(i); p >= 0; p = t.nodes[p].parent {
		names = append(names, t.divs[p].Name)
	}
	slices.Reverse(names)
	return strings.Join(names, " ")
}

// All returns the divisions of t sorted by code.
func (t *Tree) All() []Division { return slices.Clone(t.divs) }

// Within returns the divisions within code's jurisdiction, code itself
// first, sorted by code; nil for an unknown code.
func (t *Tree) Within(code string) []Division {
	i := t.lookup(code)
	if i < 0 {
		return nil
	}
	prefix := Prefix(t.divs[i].Code)
	j := i + 1
	j += sort.Search(len(t.divs)-j, func(k int) bool { return !strings.HasPrefix(t.divs[j+k].Code, prefix) })
	return slices.Clone(t.divs[i:j])
}
