package region

import (
	"strings"
	"testing"
	"time"
)

func TestYunnanCounts(t *testing.T) {
	tree := YunnanTree()
	tests := []struct {
		l    Level
		want int
	}{
		{Province, 1},
		{Prefecture, 16},
		{County, 129},
		{Township, 1461},
		{Village, 14888},
	}
	for _, tt := range tests {
		if got := tree.Count(tt.l); got != tt.want {
			t.Errorf("Count(%v) = %d; want %d", tt.l, got, tt.want)
		}
	}
	if got, want := len(Yunnan()), 1+16+129+1461+14888; got != want {
		t.Errorf("len(Yunnan()) = %d; want %d", got, want)
	}
}

func TestYunnanShape(t *testing.T) {
	divs := Yunnan()
	tree := YunnanTree()
	var urban, rural, unknown int
	for i, d := range divs {
		if i > 0 && divs[i-1].Code >= d.Code {
			t.Fatalf("not sorted at %s", d.Code)
		}
		if !strings.HasPrefix(d.Code, "53") {
			t.Errorf("%s is not in Yunnan", d.Code)
		}
		// Every level is complete: each division but the province has a
		// parent one level up, and each but the villages has children.
		if d.Level != Province && LevelOf(d.Parent) != d.Level-1 {
			t.Errorf("%s %s: parent %s one level up expected", d.Code, d.Name, d.Parent)
		}
		if d.Level != Village && len(tree.Children(d.Code)) == 0 {
			t.Errorf("%s %s has no children", d.Code, d.Name)
		}
		if d.Level == Village {
			switch d.Class {
			case Urban:
				urban++
			case Rural:
				rural++
			default:
				unknown++
			}
		}
	}
	// The default classes derived from the names (see ClassFromName). They
	// agree with the ranges of the statistical codes' last three digits:
	// 001–199 residents' committees, 200–399 villagers' committees; the 17
	// unknown are 4xx/5xx virtual communities and farm living areas.
	if urban != 3189 || rural != 11682 || unknown != 17 {
		t.Errorf("got %d urban, %d rural, %d unknown villages; want 3189, 11682, 17", urban, rural, unknown)
	}
}

func TestKunming(t *testing.T) {
	tree := YunnanTree()
	d, ok := tree.Get("530100000000")
	if !ok || d.Name != "昆明市" || d.Level != Prefecture || d.Parent != YunnanCode {
		t.Fatalf("Get(530100000000) = %+v, %v; want 昆明市", d, ok)
	}
	var wuhua *Division
	kids := tree.Children("530100000000")
	for i := range kids {
		if kids[i].Code == "530102000000" {
			wuhua = &kids[i]
		}
	}
	if wuhua == nil || wuhua.Name != "五华区" {
		t.Fatalf("Children(昆明市) = %v; want 五华区 530102000000 among them", codes(kids))
	}
	if got, want := len(kids), 14; got != want {
		t.Errorf("昆明市 has %d counties; want %d", got, want)
	}
	if got, want := tree.Path("530102001001"), "云南省 昆明市 五华区 华山街道 "; !strings.HasPrefix(got, want) {
		t.Errorf("Path(530102001001) = %q; want it to start with %q", got, want)
	}
	if got, want := len(tree.Children(YunnanCode)), 16; got != want {
		t.Errorf("Yunnan has %d prefectures; want %d", got, want)
	}
}

func TestYunnanFast(t *testing.T) {
	b, _ := data.ReadFile("data/53.csv")
	start := time.Now()
	divs, err := ParseCSV(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	NewTree(divs)
	// About 20 ms on a busy 2-core machine (BenchmarkYunnanParse); the
	// margin keeps the test quiet under -race.
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("parsing and indexing took %v; want well under 100ms", d)
	}
}

func BenchmarkYunnanParse(b *testing.B) {
	raw, _ := data.ReadFile("data/53.csv")
	for b.Loop() {
		divs, err := ParseCSV(strings.NewReader(string(raw)))
		if err != nil {
			b.Fatal(err)
		}
		NewTree(divs)
	}
}
