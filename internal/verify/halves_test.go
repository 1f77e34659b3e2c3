package verify_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/apptest"
	"safetynet/internal/idcard"
	"safetynet/internal/verify"
)

// TestImportInHalves imports files cut into many small pieces, which
// PostgreSQL loads as two halves side by side (see Reader.Halves), on
// both engines: every record arrives once with its row, marriages (two
// records a row, the second with a negative line) included, and bad rows
// in both halves are named in row order with nothing loaded. Not
// parallel: it changes the piece size.
func TestImportInHalves(t *testing.T) {
	defer verify.SetChunkBytes(300)()
	f := newFixture(t)
	const n = 80
	var veh, mar strings.Builder
	veh.WriteString("id_number,plate,type,value,registered\n")
	mar.WriteString("id_number,spouse_id,date,kind\n")
	ids := make([]string, n)
	for i := range ids {
		ids[i] = apptest.ID("530103", fmt.Sprintf("19%02d-01-02", 30+i%60), 100+i)
		fmt.Fprintf(&veh, "%s,云A%05d,小型轿车,%d.00,2015-01-01\n", ids[i], i, 1000+i)
	}
	for i := 0; i < n; i += 2 {
		fmt.Fprintf(&mar, "%s,%s,2010-01-01,marriage\n", ids[i], ids[i+1])
	}
	var pids []uint64
	for _, id := range ids {
		p, err := idcard.Parse(id)
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, idcard.Pack(p))
	}
	for _, c := range []struct {
		source, file string
		records      int
	}{{"vehicles", veh.String(), n}, {"marriages", mar.String(), n}} {
		res, err := f.a.Verify.Import(f.ctx, apptest.System().Actor(), c.source, "2026-03-31", []byte(c.file), false, false)
		if err != nil {
			t.Fatalf("%s: %v %+v", c.source, err, res.Parsed.Errors)
		}
		if res.Loaded != c.records {
			t.Fatalf("%s: loaded %d records; want %d", c.source, res.Loaded, c.records)
		}
		got, err := f.a.DB.Verify().Records(f.ctx, []verify.Snapshot{res.Snapshot}, pids)
		if err != nil {
			t.Fatal(err)
		}
		var lines []int
		for _, r := range got {
			lines = append(lines, int(max(r.Line, -r.Line)))
			if c.source == "vehicles" && (r.IDNumber != ids[r.Line-2] || r.Ref != fmt.Sprintf("云A%05d", r.Line-2)) {
				t.Errorf("vehicles row %d read back as %+v", r.Line, r)
			}
		}
		slices.Sort(lines)
		var want []int
		for i := range c.records {
			if c.source == "vehicles" {
				want = append(want, i+2)
			} else {
				want = append(want, i/2+2) // each row twice
			}
		}
		if !slices.Equal(lines, want) {
			t.Errorf("%s: rows read back %v; want %v", c.source, lines, want)
		}
	}
	// Bad rows near the start and the end: both named, in order, and
	// nothing of the file stored.
	rows := strings.SplitAfter(veh.String(), "\n")
	rows[3] = "530103193001021234,云B1,小型轿车,1.00,2015-01-01\n"
	rows[n-1] = ids[n-2] + ",云B2,小型轿车,x,2015-01-01\n"
	res, err := f.a.Verify.Import(f.ctx, apptest.System().Actor(), "vehicles", "2026-04-30", []byte(strings.Join(rows, "")), false, false)
	if apperr.FieldOf(err) != "rows" {
		t.Fatalf("bad file = %v; want field rows", err)
	}
	var bad []string
	for _, e := range res.Parsed.Errors {
		bad = append(bad, fmt.Sprintf("%d:%s", e.Row, e.Column))
	}
	if want := []string{"4:id_number", fmt.Sprintf("%d:value", n)}; !slices.Equal(bad, want) {
		t.Errorf("bad rows %v; want %v", bad, want)
	}
	snaps, err := f.a.DB.Verify().Snapshots(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range snaps {
		if s.AsOf == "2026-04-30" {
			t.Errorf("a bad file was stored: %+v", s)
		}
	}
}

// TestReaderHalves reads a file of many pieces with Halves: the pieces
// come from the two halves in turn, each wholly on one side of the row
// Halves returns, and together they hold every row once.
func TestReaderHalves(t *testing.T) {
	defer verify.SetChunkBytes(200)()
	var b strings.Builder
	b.WriteString("id_number,date,kind\n")
	const n = 60
	for i := range n {
		fmt.Fprintf(&b, "%s,2025-06-01,death\n", apptest.ID("530102", "1950-01-01", 100+i))
	}
	rd, err := verify.NewReader("deaths", []byte(b.String()), false)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	half := rd.Halves()
	if half <= 2 || half > n+1 {
		t.Fatalf("Halves = %d; want a row inside the file", half)
	}
	var sides []bool
	seen := map[int32]bool{}
	for {
		recs, err := rd.Next()
		if err != nil {
			break
		}
		if len(recs) == 0 {
			continue
		}
		second := int(recs[0].Line) >= half
		for _, r := range recs {
			if (int(r.Line) >= half) != second {
				t.Fatalf("a piece straddles row %d: %d", half, r.Line)
			}
			if seen[r.Line] {
				t.Fatalf("row %d twice", r.Line)
			}
			seen[r.Line] = true
		}
		sides = append(sides, second)
	}
	if len(seen) != n || rd.Rows != n {
		t.Fatalf("read %d rows (Rows %d); want %d", len(seen), rd.Rows, n)
	}
	// In turn: first, second, first, … (the first half may have one more).
	for i, s := range sides[:len(sides)-1] {
		if s != (i%2 == 1) {
			t.Fatalf("pieces by half %v; want them in turn", sides)
		}
	}
	if rd.Halves() != 0 {
		t.Error("Halves after Next changed the order")
	}
}
