package policy

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/calendar"
)

// CalendarStore persists the holiday arrangements loaded at run time on
// top of the calendar embedded in the binary.
type CalendarStore interface {
	// CalendarDays returns every stored entry.
	CalendarDays(ctx context.Context) ([]calendar.Entry, error)
	// PutCalendarDays stores entries, replacing any stored entry for the
	// same date.
	PutCalendarDays(ctx context.Context, entries []calendar.Entry, by string, at time.Time) error
}

// CalendarService serves the working-day calendar that deadlines are
// counted in: the embedded PRC calendar with the entries administrators
// have imported, for a year whose State Council notice came out after the
// release, or a notice that changed a year. It lives in policy because
// deadlines in working days are policy; the calendar package itself stays
// a foundation with no users or audit.
type CalendarService struct {
	Store CalendarStore
	Tx    audit.Transactor
	Audit *audit.Log
	// Base is the built-in calendar; nil means calendar.Default().
	Base *calendar.Calendar
	Now  func() time.Time

	loadMu sync.Mutex
	state  atomic.Pointer[calendarState]
}

type calendarState struct {
	cal      *calendar.Calendar
	imported map[calendar.Date]bool
}

func (s *CalendarService) base() *calendar.Calendar {
	if s.Base != nil {
		return s.Base
	}
	return calendar.Default()
}

// Load (re)reads the stored entries and rebuilds the calendar. A stored
// entry replaces the built-in entry for its date.
func (s *CalendarService) Load(ctx context.Context) error {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	entries, err := s.Store.CalendarDays(ctx)
	if err != nil {
		return err
	}
	imported := make(map[calendar.Date]bool, len(entries))
	for _, e := range entries {
		// With panics on an invalid entry; a row edited by hand in the
		// database must not take the server down.
		if err := e.Validate(); err != nil {
			return apperr.Errorf("policy: stored calendar day %s: %w", e.Date, err)
		}
		imported[e.Date] = true
	}
	s.state.Store(&calendarState{cal: s.base().With(entries...), imported: imported})
	return nil
}

func (s *CalendarService) current() *calendarState {
	if st := s.state.Load(); st != nil {
		return st
	}
	return &calendarState{cal: s.base()}
}

// Calendar returns the calendar in force. It never changes once returned.
func (s *CalendarService) Calendar() *calendar.Calendar { return s.current().cal }

// ImportCSV loads entries in the format of the embedded data file
// (date,kind,name; see calendar.ParseCSV) and adds them to the calendar:
// an entry for a date that already has one replaces it. The whole file is
// checked first and nothing is stored if any line is wrong. Requires
// access.PolicyPublish. Returns the number of entries imported.
//
// Returns Invalid (naming the line and field, e.g. "line[12].date"),
// Forbidden, Unauthorized.
func (s *CalendarService) ImportCSV(ctx context.Context, by access.Principal, r io.Reader) (int, error) {
	if err := by.Require(access.PolicyPublish); err != nil {
		return 0, err
	}
	entries, err := calendar.ParseCSV(r)
	if err != nil {
		return 0, err
	}
	if len(entries) == 0 {
		return 0, apperr.Field("file", "文件中没有节假日安排", "the file holds no holiday arrangement")
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	at := now().UTC().Truncate(time.Microsecond)
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.PutCalendarDays(ctx, entries, by.Username, at); err != nil {
			return err
		}
		return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "calendar.import", SubjectType: "calendar",
			SubjectID:     entries[0].Date.String() + "/" + entries[len(entries)-1].Date.String(),
			SubjectRegion: DefaultRegion, After: map[string]any{"entries": len(entries), "from": entries[0].Date.String(),
				"to": entries[len(entries)-1].Date.String()}})
	})
	if err != nil {
		return 0, err
	}
	return len(entries), s.Load(ctx)
}

// CalendarDay is one entry of a year's arrangement.
type CalendarDay struct {
	calendar.Entry
	// Imported is true for an entry loaded at run time rather than built in.
	Imported bool
}

// CalendarYear is a year's arrangement: its days off and make-up working
// days and the number of working days.
type CalendarYear struct {
	Year int
	// Covered is false when the year's arrangement is not loaded: its
	// working days are then just Monday to Friday, which is wrong around
	// the festivals.
	Covered  bool
	Workdays int
	Holidays []CalendarDay // days off in official breaks, in date order
	Makeup   []CalendarDay // make-up working days (调休上班), in date order
}

// Year returns the arrangement of year (1–9999) in the calendar in force.
// It returns Invalid (field "year") for a year out of range.
func (s *CalendarService) Year(year int) (CalendarYear, error) {
	if year < 1 || year > 9999 {
		return CalendarYear{}, apperr.Field("year", "年份须在1到9999之间", "year must be between 1 and 9999")
	}
	st := s.current()
	c := st.cal
	out := CalendarYear{Year: year, Covered: c.Covers(year)}
	first := calendar.NewDate(year, time.January, 1)
	next := calendar.NewDate(year+1, time.January, 1)
	for d := first; d < next; d++ {
		if c.IsWorkday(d) {
			out.Workdays++
		}
		e, ok := c.Lookup(d)
		if !ok {
			continue
		}
		day := CalendarDay{Entry: e, Imported: st.imported[d]}
		if e.Kind == calendar.Holiday {
			out.Holidays = append(out.Holidays, day)
		} else {
			out.Makeup = append(out.Makeup, day)
		}
	}
	return out, nil
}
