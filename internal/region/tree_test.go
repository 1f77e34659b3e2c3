package region

import (
	"strings"
	"testing"

	"safetynet/internal/apperr"
)

func codes(divs []Division) string {
	s := make([]string, len(divs))
	for i, d := range divs {
		s[i] = d.Code
	}
	return strings.Join(s, " ")
}

func smallTree(t *testing.T) *Tree {
	t.Helper()
	// Out of order, to show NewTree sorts.
	divs, err := ParseCSV(strings.NewReader(`code,name,parent
530102001002,木树朗村村民委员会,530102001000
530102001001,翠湖西路社区居民委员会,530102001000
530000000000,云南省,
530103000000,盘龙区,530100000000
530102000000,五华区,530100000000
530100000000,昆明市,530000000000
530102001000,华山街道,530102000000
`))
	if err != nil {
		t.Fatal(err)
	}
	return NewTree(divs)
}

func TestTree(t *testing.T) {
	tree := smallTree(t)
	tests := []struct {
		code                      string
		children, ancestors, path string
	}{
		{"530000000000", "530100000000", "", "云南省"},
		{"53", "530100000000", "", "云南省"},
		{"530100000000", "530102000000 530103000000", "530000000000", "云南省 昆明市"},
		{"530102001000", "530102001001 530102001002", "530000000000 530100000000 530102000000", "云南省 昆明市 五华区 华山街道"},
		{"530102001002", "", "530000000000 530100000000 530102000000 530102001000", "云南省 昆明市 五华区 华山街道 木树朗村村民委员会"},
		{"530104000000", "", "", ""},
		{"bad", "", "", ""},
	}
	for _, tt := range tests {
		if got := codes(tree.Children(tt.code)); got != tt.children {
			t.Errorf("Children(%s) = %q; want %q", tt.code, got, tt.children)
		}
		if got := codes(tree.Ancestors(tt.code)); got != tt.ancestors {
			t.Errorf("Ancestors(%s) = %q; want %q", tt.code, got, tt.ancestors)
		}
		if got := tree.Path(tt.code); got != tt.path {
			t.Errorf("Path(%s) = %q; want %q", tt.code, got, tt.path)
		}
	}

	counts := []struct {
		l    Level
		want int
	}{{0, 0}, {Province, 1}, {Prefecture, 1}, {County, 2}, {Township, 1}, {Village, 2}, {Village + 1, 0}}
	for _, tt := range counts {
		if got := tree.Count(tt.l); got != tt.want {
			t.Errorf("Count(%v) = %d; want %d", tt.l, got, tt.want)
		}
	}
	if got, want := tree.Len(), 7; got != want {
		t.Errorf("Len = %d; want %d", got, want)
	}
	if got, want := codes(tree.Within("530102")), "530102000000 530102001000 530102001001 530102001002"; got != want {
		t.Errorf("Within(530102) = %q; want %q", got, want)
	}
	if got, want := len(tree.Within("53")), 7; got != want {
		t.Errorf("len(Within(53)) = %d; want %d", got, want)
	}
}

func TestTreeFind(t *testing.T) {
	tree := smallTree(t)
	if d, err := tree.Find("5301"); err != nil || d.Name != "昆明市" {
		t.Errorf("Find(5301) = %+v, %v; want 昆明市", d, err)
	}
	if _, err := tree.Find("5399"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("Find(5399): got %v; want not found", err)
	}
	if _, err := tree.Find("53x"); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("Find(53x): got %v; want invalid", err)
	}
}

func TestNewTreeUnchecked(t *testing.T) {
	// Duplicates, a cycle and a missing parent must not hang or panic.
	tree := NewTree([]Division{
		{Code: "530100000000", Name: "A", Parent: "530102000000", Level: Prefecture},
		{Code: "530102000000", Name: "B", Parent: "530100000000", Level: County},
		{Code: "530102000000", Name: "C", Parent: "530100000000", Level: County},
		{Code: "530102001000", Name: "D", Parent: "539900000000", Level: Township},
	})
	if got, want := tree.Len(), 3; got != want {
		t.Errorf("Len = %d; want %d", got, want)
	}
	if got, want := tree.Path("530102000000"), "A B"; got != want {
		t.Errorf("Path = %q; want %q", got, want)
	}
	if got, want := tree.Path("530102001000"), "D"; got != want {
		t.Errorf("Path = %q; want %q", got, want)
	}
}
