package audit

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// memStore is a chain in memory whose transactions are serialised like
// SQLite's single writer. Entries become visible (committed) only when the
// transaction that appended them ends without error.
type memStore struct {
	mu        sync.Mutex // the writer
	state     sync.Mutex // guards the fields below
	committed []Entry
	pending   []Entry
	txs       int
	fail      string        // Append fails for entries with this SubjectID
	hold      chan struct{} // when set, the first transaction waits for it
	inTx      chan struct{} // closed when the first transaction starts
}

type txKey struct{}

func (m *memStore) InTx(ctx context.Context) bool { return ctx.Value(txKey{}) != nil }

func (m *memStore) WithTx(ctx context.Context, fn func(context.Context) error) error {
	if m.InTx(ctx) {
		return fn(ctx)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.state.Lock()
	m.txs++
	first := m.txs == 1
	m.pending = nil
	m.state.Unlock()
	if first && m.hold != nil {
		close(m.inTx)
		<-m.hold
	}
	err := fn(context.WithValue(ctx, txKey{}, true))
	m.state.Lock()
	if err == nil {
		m.committed = append(m.committed, m.pending...)
	}
	m.pending = nil
	m.state.Unlock()
	return err
}

func (m *memStore) head() Head {
	all := append(append([]Entry(nil), m.committed...), m.pending...)
	if len(all) == 0 {
		return Head{}
	}
	e := all[len(all)-1]
	return Head{Seq: e.Seq, Hash: e.Hash}
}

func (m *memStore) LockHead(ctx context.Context) (Head, error) {
	m.state.Lock()
	defer m.state.Unlock()
	return m.head(), nil
}

func (m *memStore) Head(ctx context.Context) (Head, error) {
	m.state.Lock()
	defer m.state.Unlock()
	if len(m.committed) == 0 {
		return Head{}, nil
	}
	e := m.committed[len(m.committed)-1]
	return Head{Seq: e.Seq, Hash: e.Hash}, nil
}

func (m *memStore) Append(ctx context.Context, e *Entry) error {
	if !m.InTx(ctx) {
		return errors.New("append outside a transaction")
	}
	if e.SubjectID == m.fail {
		return errors.New("disk full")
	}
	m.state.Lock()
	defer m.state.Unlock()
	m.pending = append(m.pending, *e)
	return nil
}

func (m *memStore) Scan(ctx context.Context, from int64, fn func(*Entry) error) error {
	m.state.Lock()
	all := append([]Entry(nil), m.committed...)
	m.state.Unlock()
	for i := range all {
		if all[i].Seq > from {
			if err := fn(&all[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *memStore) Search(ctx context.Context, f Filter) ([]Entry, int, error) { return nil, 0, nil }

func (m *memStore) isCommitted(subject string) bool {
	m.state.Lock()
	defer m.state.Unlock()
	for _, e := range m.committed {
		if e.SubjectID == subject {
			return true
		}
	}
	return false
}

func (l *Log) queued() int {
	l.group.mu.Lock()
	defer l.group.mu.Unlock()
	return len(l.group.queue)
}

func view(i int) Event {
	return Event{Action: "person.view", SubjectType: "person", SubjectID: fmt.Sprint("p", i), SubjectRegion: "530102001001"}
}

// Views recorded while a commit is under way share the next commit, and
// each caller returns only once its entry is committed.
func TestRecordGroupsConcurrentEntries(t *testing.T) {
	st := &memStore{hold: make(chan struct{}), inTx: make(chan struct{})}
	l := &Log{Store: st, Tx: st}
	ctx := context.Background()
	errs := make(chan error, 10)
	record := func(i int) {
		err := l.Record(ctx, Actor{Name: "approver"}, view(i))
		if err == nil && !st.isCommitted(fmt.Sprint("p", i)) {
			err = fmt.Errorf("entry %d acknowledged before its commit", i)
		}
		errs <- err
	}
	go record(0)
	<-st.inTx // the first commit holds the writer
	for i := 1; i < 10; i++ {
		go record(i)
	}
	for l.queued() < 9 {
		time.Sleep(time.Millisecond)
	}
	close(st.hold)
	for range 10 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if st.txs != 2 {
		t.Fatalf("%d transactions for 10 entries; want 2 (one, then nine together)", st.txs)
	}
	rep, err := l.Verify(ctx)
	if err != nil || !rep.OK() || rep.Entries != 10 {
		t.Fatalf("verify = %+v, %v", rep, err)
	}
}

// A failing entry fails its own caller only; inside a transaction Record
// joins it rather than grouping.
func TestRecordGroupFailureAndTransactions(t *testing.T) {
	st := &memStore{hold: make(chan struct{}), inTx: make(chan struct{}), fail: "p3"}
	l := &Log{Store: st, Tx: st}
	ctx := context.Background()
	errs := make([]error, 6)
	var wg sync.WaitGroup
	wg.Go(func() { errs[0] = l.Record(ctx, Actor{}, view(0)) })
	<-st.inTx
	for i := 1; i < 6; i++ {
		wg.Go(func() { errs[i] = l.Record(ctx, Actor{}, view(i)) })
	}
	for l.queued() < 5 {
		time.Sleep(time.Millisecond)
	}
	close(st.hold)
	wg.Wait()
	for i, err := range errs {
		if (err != nil) != (i == 3) {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
	// A change and its entry commit together: a rolled-back change takes
	// its entry with it.
	txs := st.txs
	boom := errors.New("boom")
	err := st.WithTx(ctx, func(ctx context.Context) error {
		if err := l.Record(ctx, Actor{}, view(7)); err != nil {
			return err
		}
		return boom
	})
	if err != boom || st.isCommitted("p7") || st.txs != txs+1 {
		t.Fatalf("in a rolled-back transaction: %v, committed %v, %d transactions", err, st.isCommitted("p7"), st.txs-txs)
	}
	rep, err := l.Verify(ctx)
	if err != nil || !rep.OK() || rep.Entries != 5 {
		t.Fatalf("verify = %+v, %v", rep, err)
	}
}
