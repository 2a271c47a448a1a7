// Package storetest is the conformance suite every office.Store must pass:
// the in-memory store, the embedded SQLite store, and (later) stores run as
// plugins over gRPC. Call Run from a test with an Opener.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/stretchr/testify/suite"

	"github.com/shuangsuiji/ssj/office"
)

// Opener gives the suite fresh storage. It is called once per test; the
// function it returns opens a Store over that storage, and must reopen the
// same storage when called again after the previous Store was closed.
type Opener func(t *testing.T) (open func() (office.Store, error))

// Options tune Run.
type Options struct {
	// BigRows is the row count of the streaming test (default 20000).
	// Keep it small under -race for SQLite.
	BigRows int
	// Writers is the number of concurrent writers (default 8).
	Writers int
}

// Run runs the conformance suite against the stores opener makes.
func Run(t *testing.T, opener Opener, opt Options) {
	if opt.BigRows <= 0 {
		opt.BigRows = 20000
	}
	if opt.Writers <= 0 {
		opt.Writers = 8
	}
	suite.Run(t, &Suite{opener: opener, opt: opt})
}

// Suite is the conformance suite; use Run.
type Suite struct {
	suite.Suite
	opener Opener
	opt    Options
	open   func() (office.Store, error)
	store  office.Store
	ctx    context.Context
}

// SetupTest opens a store over fresh storage.
func (s *Suite) SetupTest() {
	s.ctx = context.Background()
	s.open = s.opener(s.T())
	st, err := s.open()
	s.Require().NoError(err)
	s.store = st
}

// TearDownTest closes the store.
func (s *Suite) TearDownTest() {
	if s.store != nil {
		s.Require().NoError(s.store.Close())
		s.store = nil
	}
}

func (s *Suite) write(fn func(tx office.Tx) error) error {
	tx, err := s.store.Begin(s.ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Suite) read(fn func(tx office.Tx)) {
	tx, err := s.store.Begin(s.ctx, false)
	s.Require().NoError(err)
	defer tx.Rollback()
	fn(tx)
}

func ev(seq int64) office.Event {
	return office.Event{Seq: seq, Hash: fmt.Sprintf("%064x", seq+1), Body: []byte(fmt.Sprintf(`{"seq":%d}`, seq))}
}

func obj(kind, id string, rev, seq int64, body string) office.Object {
	return office.Object{Kind: kind, ID: id, Rev: rev, EventSeq: seq, EventHash: fmt.Sprintf("%064x", seq+1), Body: []byte(body)}
}

// TestCRUD: objects, revisions, events and their errors.
func (s *Suite) TestCRUD() {
	r := s.Require()
	r.NoError(s.write(func(tx office.Tx) error {
		if err := tx.AppendEvent(s.ctx, ev(0)); err != nil {
			return err
		}
		if err := tx.Put(s.ctx, obj("task", "T1", 1, 0, `{"v":1}`)); err != nil {
			return err
		}
		return tx.Put(s.ctx, obj("task", "T0", 1, 0, `{"v":0}`))
	}))
	r.NoError(s.write(func(tx office.Tx) error {
		if err := tx.AppendEvent(s.ctx, ev(1)); err != nil {
			return err
		}
		return tx.Put(s.ctx, obj("task", "T1", 2, 1, `{"v":2}`))
	}))
	// Conflicts: a repeated revision, a skipped one, a wrong event seq.
	err := s.write(func(tx office.Tx) error { return tx.Put(s.ctx, obj("task", "T1", 2, 1, `{}`)) })
	r.ErrorIs(err, office.ErrConflict)
	err = s.write(func(tx office.Tx) error { return tx.Put(s.ctx, obj("task", "T9", 2, 1, `{}`)) })
	r.ErrorIs(err, office.ErrConflict)
	err = s.write(func(tx office.Tx) error { return tx.AppendEvent(s.ctx, ev(5)) })
	r.ErrorIs(err, office.ErrConflict)
	err = s.write(func(tx office.Tx) error { return tx.AppendEvent(s.ctx, ev(1)) })
	r.ErrorIs(err, office.ErrConflict)

	s.read(func(tx office.Tx) {
		o, err := tx.Get(s.ctx, "task", "T1")
		r.NoError(err)
		r.Equal(obj("task", "T1", 2, 1, `{"v":2}`), o)
		o, err = tx.GetRev(s.ctx, "task", "T1", 1)
		r.NoError(err)
		r.Equal(`{"v":1}`, string(o.Body))
		_, err = tx.Get(s.ctx, "task", "nope")
		r.ErrorIs(err, office.ErrNotFound)
		_, err = tx.GetRev(s.ctx, "task", "T1", 3)
		r.ErrorIs(err, office.ErrNotFound)
		l, err := tx.Latest(s.ctx, "task", "", 10)
		r.NoError(err)
		r.Len(l, 2)
		r.Equal("T0", l[0].ID)
		r.Equal(int64(2), l[1].Rev)
		l, err = tx.Latest(s.ctx, "task", "T0", 10)
		r.NoError(err)
		r.Len(l, 1)
		all, err := tx.Objects(s.ctx, office.Cursor{}, 2)
		r.NoError(err)
		r.Len(all, 2)
		r.Equal([]int64{1, 1}, []int64{all[0].Rev, all[1].Rev})
		rest, err := tx.Objects(s.ctx, office.Cursor{Kind: all[1].Kind, ID: all[1].ID, Rev: all[1].Rev}, 10)
		r.NoError(err)
		r.Len(rest, 1)
		r.Equal(int64(2), rest[0].Rev)
		last, err := tx.LastEvent(s.ctx)
		r.NoError(err)
		r.Equal(ev(1), last)
		es, err := tx.Events(s.ctx, 0, 10)
		r.NoError(err)
		r.Equal([]office.Event{ev(0), ev(1)}, es)
		// A read-only transaction refuses writes.
		r.ErrorIs(tx.Put(s.ctx, obj("task", "T5", 1, 0, `{}`)), office.ErrPrecondition)
	})
}

// TestEmpty: an empty store answers NotFound, not an error of its own.
func (s *Suite) TestEmpty() {
	s.read(func(tx office.Tx) {
		_, err := tx.LastEvent(s.ctx)
		s.Require().ErrorIs(err, office.ErrNotFound)
		_, err = tx.GetSnapshot(s.ctx, "x")
		s.Require().ErrorIs(err, office.ErrNotFound)
		_, err = tx.SnapshotAsOf(s.ctx, "targets", time.Now())
		s.Require().ErrorIs(err, office.ErrNotFound)
		es, err := tx.Events(s.ctx, 0, 10)
		s.Require().NoError(err)
		s.Require().Empty(es)
	})
}

// TestFailMidway: a transaction that fails after some writes leaves nothing,
// and the same writes succeed on retry.
func (s *Suite) TestFailMidway() {
	r := s.Require()
	boom := errors.New("boom")
	steps := func(fail bool) error {
		return s.write(func(tx office.Tx) error {
			if err := tx.AppendEvent(s.ctx, ev(0)); err != nil {
				return err
			}
			if err := tx.Put(s.ctx, obj("result", "R1", 1, 0, `{}`)); err != nil {
				return err
			}
			if err := tx.CreateSnapshot(s.ctx, office.Snapshot{ID: "S1", Pool: "targets", At: time.Unix(100, 0).UTC(), Count: 1, Root: "r", EventSeq: 0, EventHash: ev(0).Hash}); err != nil {
				return err
			}
			if err := tx.PutRows(s.ctx, "S1", []office.Row{{Key: "a", Data: []byte("A")}}); err != nil {
				return err
			}
			if fail {
				return boom
			}
			return nil
		})
	}
	r.ErrorIs(steps(true), boom)
	s.read(func(tx office.Tx) {
		_, err := tx.LastEvent(s.ctx)
		r.ErrorIs(err, office.ErrNotFound)
		_, err = tx.Get(s.ctx, "result", "R1")
		r.ErrorIs(err, office.ErrNotFound)
		_, err = tx.GetSnapshot(s.ctx, "S1")
		r.ErrorIs(err, office.ErrNotFound)
	})
	// A failing write inside the transaction (a conflict) also leaves nothing.
	err := s.write(func(tx office.Tx) error {
		if err := tx.AppendEvent(s.ctx, ev(0)); err != nil {
			return err
		}
		return tx.Put(s.ctx, obj("result", "R1", 2, 0, `{}`))
	})
	r.ErrorIs(err, office.ErrConflict)
	r.NoError(steps(false))
	s.read(func(tx office.Tx) {
		rows, err := tx.Rows(s.ctx, "S1", "", 10)
		r.NoError(err)
		r.Equal([]office.Row{{Key: "a", Data: []byte("A")}}, rows)
	})
	// A transaction is unusable after Commit; Rollback after Commit is harmless.
	tx, err := s.store.Begin(s.ctx, true)
	r.NoError(err)
	r.NoError(tx.Commit())
	r.NoError(tx.Rollback())
	r.Error(tx.Commit())
}

// TestConcurrentWriters: writers racing for the next event sequence number
// either succeed or get ErrConflict; none is lost or doubled.
func (s *Suite) TestConcurrentWriters() {
	r := s.Require()
	const perWriter = 10
	var wg sync.WaitGroup
	errs := make(chan error, s.opt.Writers*perWriter)
	for w := 0; w < s.opt.Writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				for {
					err := s.write(func(tx office.Tx) error {
						last, err := tx.LastEvent(s.ctx)
						next := int64(0)
						if err == nil {
							next = last.Seq + 1
						} else if !errors.Is(err, office.ErrNotFound) {
							return err
						}
						if err := tx.AppendEvent(s.ctx, ev(next)); err != nil {
							return err
						}
						id := fmt.Sprintf("w%d-%d", w, i)
						return tx.Put(s.ctx, obj("step", id, 1, next, `{}`))
					})
					if errors.Is(err, office.ErrConflict) {
						continue
					}
					if err != nil {
						errs <- err
					}
					break
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		r.NoError(err)
	}
	s.read(func(tx office.Tx) {
		es, err := tx.Events(s.ctx, 0, 1<<20)
		r.NoError(err)
		r.Len(es, s.opt.Writers*perWriter)
		for i, e := range es {
			r.Equal(int64(i), e.Seq)
		}
		os, err := tx.Latest(s.ctx, "step", "", 1<<20)
		r.NoError(err)
		r.Len(os, s.opt.Writers*perWriter)
	})
}

// TestReopen: what was committed survives Close and Open; what was not
// committed does not.
func (s *Suite) TestReopen() {
	r := s.Require()
	r.NoError(s.write(func(tx office.Tx) error {
		if err := tx.AppendEvent(s.ctx, ev(0)); err != nil {
			return err
		}
		return tx.Put(s.ctx, obj("plan", "P", 1, 0, `{"p":1}`))
	}))
	tx, err := s.store.Begin(s.ctx, true)
	r.NoError(err)
	r.NoError(tx.AppendEvent(s.ctx, ev(1)))
	r.NoError(tx.Rollback())
	r.NoError(s.store.Close())
	_, err = s.store.Begin(s.ctx, false)
	r.Error(err, "a closed store must refuse work")
	s.store, err = s.open()
	r.NoError(err)
	s.read(func(tx office.Tx) {
		o, err := tx.Get(s.ctx, "plan", "P")
		r.NoError(err)
		r.Equal(`{"p":1}`, string(o.Body))
		last, err := tx.LastEvent(s.ctx)
		r.NoError(err)
		r.Equal(int64(0), last.Seq)
	})
}

// TestAsOf: SnapshotAsOf picks the snapshot of the pool in force at an
// instant (rule R6: every change of the registries is kept).
func (s *Suite) TestAsOf() {
	r := s.Require()
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	snaps := []office.Snapshot{
		{ID: "t-1", Pool: "targets", At: t0},
		{ID: "t-2", Pool: "targets", At: t0.Add(48 * time.Hour)},
		{ID: "i-1", Pool: "inspectors", At: t0.Add(24 * time.Hour)},
		{ID: "t-3", Pool: "targets", At: t0.Add(96 * time.Hour)},
	}
	r.NoError(s.write(func(tx office.Tx) error {
		if err := tx.AppendEvent(s.ctx, ev(0)); err != nil {
			return err
		}
		for _, sn := range snaps {
			sn.Root, sn.EventHash = "root-"+sn.ID, ev(0).Hash
			if err := tx.CreateSnapshot(s.ctx, sn); err != nil {
				return err
			}
		}
		return nil
	}))
	err := s.write(func(tx office.Tx) error {
		return tx.CreateSnapshot(s.ctx, office.Snapshot{ID: "t-1", Pool: "targets", At: t0})
	})
	r.ErrorIs(err, office.ErrConflict)
	s.read(func(tx office.Tx) {
		for _, c := range []struct {
			pool string
			at   time.Time
			want string
		}{
			{"targets", t0, "t-1"},
			{"targets", t0.Add(47 * time.Hour), "t-1"},
			{"targets", t0.Add(48 * time.Hour), "t-2"},
			{"targets", t0.Add(1000 * time.Hour), "t-3"},
			{"inspectors", t0.Add(1000 * time.Hour), "i-1"},
		} {
			got, err := tx.SnapshotAsOf(s.ctx, c.pool, c.at)
			r.NoError(err)
			r.Equal(c.want, got.ID, "%s at %s", c.pool, c.at)
			r.True(got.At.Equal(snaps[indexOf(snaps, c.want)].At))
			r.Equal("root-"+c.want, got.Root)
		}
		_, err := tx.SnapshotAsOf(s.ctx, "targets", t0.Add(-time.Second))
		r.ErrorIs(err, office.ErrNotFound)
		_, err = tx.SnapshotAsOf(s.ctx, "inspectors", t0)
		r.ErrorIs(err, office.ErrNotFound)
		list, err := tx.Snapshots(s.ctx, "", 10)
		r.NoError(err)
		r.Len(list, 4)
		r.Equal("i-1", list[0].ID)
	})
}

func indexOf(ss []office.Snapshot, id string) int {
	for i, s := range ss {
		if s.ID == id {
			return i
		}
	}
	return -1
}

// TestStreamLargeSnapshot writes a snapshot in batches, in shuffled batch
// order, reusing the batch's buffers, and reads it back page by page in key
// order.
func (s *Suite) TestStreamLargeSnapshot() {
	r := s.Require()
	n := s.opt.BigRows
	const batch = 1000
	r.NoError(s.write(func(tx office.Tx) error {
		if err := tx.AppendEvent(s.ctx, ev(0)); err != nil {
			return err
		}
		if err := tx.CreateSnapshot(s.ctx, office.Snapshot{ID: "big", Pool: "targets", At: time.Unix(0, 0).UTC(), Count: int64(n), EventHash: ev(0).Hash}); err != nil {
			return err
		}
		// Batches go in reverse order: the store must return key order anyway.
		// Every batch reuses one row slice and one data buffer, as the
		// office does: PutRows must not keep them after it returns.
		rows := make([]office.Row, 0, batch)
		arena := make([]byte, 0, batch*32)
		for start := ((n - 1) / batch) * batch; start >= 0; start -= batch {
			rows, arena = rows[:0], arena[:0]
			for i := start; i < n && i < start+batch; i++ {
				at := len(arena)
				arena = fmt.Appendf(arena, `{"id":"K%08d"}`, i)
				rows = append(rows, office.Row{Key: fmt.Sprintf("K%08d", i), Data: arena[at:len(arena):len(arena)]})
			}
			if err := tx.PutRows(s.ctx, "big", rows); err != nil {
				return err
			}
		}
		return nil
	}))
	err := s.write(func(tx office.Tx) error {
		return tx.PutRows(s.ctx, "big", []office.Row{{Key: "K00000000", Data: []byte("dup")}})
	})
	r.ErrorIs(err, office.ErrConflict)
	err = s.write(func(tx office.Tx) error {
		return tx.PutRows(s.ctx, "missing", []office.Row{{Key: "a"}})
	})
	r.ErrorIs(err, office.ErrNotFound)
	s.read(func(tx office.Tx) {
		after, seen := "", 0
		for {
			rows, err := tx.Rows(s.ctx, "big", after, 777)
			r.NoError(err)
			for _, row := range rows {
				want := fmt.Sprintf("K%08d", seen)
				if row.Key != want || string(row.Data) != fmt.Sprintf(`{"id":"%s"}`, want) {
					r.Failf("row out of order", "row %d: got %q %q", seen, row.Key, row.Data)
				}
				seen++
			}
			if len(rows) < 777 {
				break
			}
			after = rows[len(rows)-1].Key
		}
		r.Equal(n, seen)
	})
}

// TestContext: a cancelled context is refused with ErrUnavailable.
func (s *Suite) TestContext() {
	ctx, cancel := context.WithCancel(s.ctx)
	cancel()
	_, err := s.store.Begin(ctx, true)
	require.ErrorIs(s.T(), err, office.ErrUnavailable)
}
