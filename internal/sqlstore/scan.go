package sqlstore

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"sync"
	"time"
)

// idGen hands out application-generated BIGINT keys: milliseconds since
// 2024 in the high bits and a counter seeded at random in the low 20 bits.
// Keys need no round trip to the database (no sequences, which Citus and
// batch loads make awkward) and grow roughly with time.
type idGen struct {
	mu   sync.Mutex
	last int64
	seq  int64
}

var ids idGen

const idEpochMillis = 1704067200000 // 2024-01-01T00:00:00Z

func (g *idGen) next() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	ms := time.Now().UnixMilli() - idEpochMillis
	if ms <= g.last {
		g.seq++
		if g.seq >= 1<<20 {
			g.last++
			g.seq = 0
		}
	} else {
		g.last = ms
		var b [4]byte
		rand.Read(b[:])
		// Start low in the range so that a burst rarely spills into the
		// next millisecond.
		g.seq = int64(binary.LittleEndian.Uint32(b[:]) & 0x3ffff)
	}
	return g.last<<20 | g.seq
}

// NewID returns a fresh application-generated key.
func NewID() int64 { return ids.next() }

// dateString reads a date column that SQLite returns as text and
// PostgreSQL as time.Time into "YYYY-MM-DD" ("" for NULL).
type dateString struct{ s *string }

func (d dateString) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d.s = ""
	case string:
		*d.s = v
	case []byte:
		*d.s = string(v)
	case time.Time:
		*d.s = v.Format("2006-01-02")
	default:
		return fmt.Errorf("sqlstore: cannot read %T as a date", src)
	}
	if len(*d.s) > 10 {
		*d.s = (*d.s)[:10]
	}
	return nil
}

// nullString maps "" to NULL for optional columns.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// utc normalises a time for storage.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return utc(t)
}

// boolInt stores a flag as 0/1 on both engines.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
