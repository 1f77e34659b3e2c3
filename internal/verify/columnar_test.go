package verify

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestColumnsRoundTrip(t *testing.T) {
	recs := []Record{
		{Source: "marriages", PID: 5301021990, Line: 2, Ref: "530102199001010011", Kind: "marriage", Date: "2010-01-02", Other: 77},
		{Source: "marriages", PID: 5301021991, Line: -2, Ref: "", Kind: "divorce", Date: "", Amount: 12345, Note: "某街道人民政府"},
		{Source: "marriages", PID: 5301021992, Line: 3, Kind: "marriage", Status: "存续", Amount2: 9},
	}
	b := NewColumnBuilder("marriages")
	b.Add(recs[:1])
	b.Add(recs[1:])
	path := filepath.Join(t.TempDir(), "x.col")
	if err := b.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	c, err := ReadColumns(path, "marriages")
	if err != nil {
		t.Fatal(err)
	}
	if c.N != 3 {
		t.Fatalf("n = %d", c.N)
	}
	for i, want := range recs {
		got := c.Record(i, 0)
		want.IDNumber = UnpackID(want.PID)
		if got != want {
			t.Errorf("row %d: %+v; want %+v", i, got, want)
		}
	}
	// A damaged file is refused, not misread.
	data, _ := os.ReadFile(path)
	for _, cut := range []int{len(data) - 1, 30, 8} {
		os.WriteFile(path, data[:cut], 0o644)
		if _, err := ReadColumns(path, "marriages"); err == nil {
			t.Errorf("a file cut at %d was read", cut)
		}
	}
}

func TestTable(t *testing.T) {
	tb := newTable(1000)
	for i := uint64(1); i <= 1000; i++ {
		tb.put(i*7919, int32(i))
	}
	for i := uint64(1); i <= 1000; i++ {
		if got := tb.get(i * 7919); got != int32(i) {
			t.Fatalf("get(%d) = %d", i*7919, got)
		}
	}
	if tb.get(3) != -1 {
		t.Fatal("absent key found")
	}
	if got := packString("53010219900101001X"); got == 0 || UnpackID(got) != "53010219900101001X" {
		t.Fatalf("pack/unpack: %d", got)
	}
	_ = slices.Equal[[]int]
}
