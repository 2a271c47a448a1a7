// Package memstore is an in-memory office.Store, for tests and for
// programs that embed the office and keep their state elsewhere.
//
// Data lives in a DB value; Open gives a Store over it. Closing a Store and
// opening another over the same DB is the in-memory equivalent of reopening
// a database file. Writable transactions are serialised by a mutex;
// read-only transactions see the state committed when they began (every
// stored item is append-only and carries the commit generation that added
// it).
package memstore

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/shuangsuiji/ssj/office"
)

// DB is the in-memory storage behind one or more successive Stores.
type DB struct {
	writer sync.Mutex // held by the writable transaction

	mu        sync.RWMutex // guards the fields below
	gen       int64
	objects   map[string][]stored[office.Object] // kind+"\x00"+id -> revisions
	events    []stored[office.Event]
	snapshots map[string]*snap
}

type stored[T any] struct {
	gen int64
	v   T
}

type snap struct {
	gen  int64
	meta office.Snapshot
	rows []stored[office.Row]
	keys map[string]bool
	// sorted is true when rows are in key order.
	sorted bool
}

// NewDB returns empty storage.
func NewDB() *DB {
	return &DB{objects: map[string][]stored[office.Object]{}, snapshots: map[string]*snap{}}
}

// Store is an office.Store over a DB.
type Store struct {
	db     *DB
	mu     sync.Mutex
	closed bool
}

// New returns a Store over fresh storage.
func New() *Store { return Open(NewDB()) }

// Open returns a Store over db.
func Open(db *DB) *Store { return &Store{db: db} }

var _ office.Store = (*Store)(nil)

// Close implements office.Store.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

// Begin implements office.Store.
func (s *Store) Begin(ctx context.Context, writable bool) (office.Tx, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: begin: %w: %w", office.ErrUnavailable, err)
	}
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, fmt.Errorf("memstore: begin: %w: store is closed", office.ErrUnavailable)
	}
	t := &tx{st: s, db: s.db, writable: writable}
	if writable {
		locked := make(chan struct{})
		go func() { s.db.writer.Lock(); close(locked) }()
		select {
		case <-locked:
		case <-ctx.Done():
			go func() { <-locked; s.db.writer.Unlock() }()
			return nil, fmt.Errorf("memstore: begin: %w: %w", office.ErrUnavailable, ctx.Err())
		}
		t.rows = map[string][]office.Row{}
		t.keys = map[string]map[string]bool{}
	}
	s.db.mu.RLock()
	t.gen = s.db.gen
	s.db.mu.RUnlock()
	return t, nil
}

type tx struct {
	st       *Store
	db       *DB
	writable bool
	done     bool
	gen      int64 // generation visible to this transaction

	objects   []office.Object
	events    []office.Event
	snapshots []office.Snapshot
	rows      map[string][]office.Row
	keys      map[string]map[string]bool
}

func key(kind, id string) string { return kind + "\x00" + id }

func (t *tx) check(ctx context.Context, write bool) error {
	if t.done {
		return fmt.Errorf("memstore: %w: transaction already ended", office.ErrUnavailable)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: %w: %w", office.ErrUnavailable, err)
	}
	if write && !t.writable {
		return fmt.Errorf("memstore: %w: write in a read-only transaction", office.ErrPrecondition)
	}
	t.st.mu.Lock()
	closed := t.st.closed
	t.st.mu.Unlock()
	if closed {
		return fmt.Errorf("memstore: %w: store is closed", office.ErrUnavailable)
	}
	return nil
}

// revs returns every visible revision of (kind, id) in order.
func (t *tx) revs(kind, id string) []office.Object {
	t.db.mu.RLock()
	var out []office.Object
	for _, s := range t.db.objects[key(kind, id)] {
		if s.gen <= t.gen {
			out = append(out, s.v)
		}
	}
	t.db.mu.RUnlock()
	for _, o := range t.objects {
		if o.Kind == kind && o.ID == id {
			out = append(out, o)
		}
	}
	return out
}

func clone(o office.Object) office.Object {
	o.Body = bytes.Clone(o.Body)
	return o
}

func (t *tx) Get(ctx context.Context, kind, id string) (office.Object, error) {
	if err := t.check(ctx, false); err != nil {
		return office.Object{}, err
	}
	rs := t.revs(kind, id)
	if len(rs) == 0 {
		return office.Object{}, fmt.Errorf("memstore: object %s %q: %w", kind, id, office.ErrNotFound)
	}
	return clone(rs[len(rs)-1]), nil
}

func (t *tx) GetRev(ctx context.Context, kind, id string, rev int64) (office.Object, error) {
	if err := t.check(ctx, false); err != nil {
		return office.Object{}, err
	}
	for _, o := range t.revs(kind, id) {
		if o.Rev == rev {
			return clone(o), nil
		}
	}
	return office.Object{}, fmt.Errorf("memstore: object %s %q revision %d: %w", kind, id, rev, office.ErrNotFound)
}

func (t *tx) Put(ctx context.Context, o office.Object) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	if o.Kind == "" || o.ID == "" {
		return fmt.Errorf("memstore: put: %w: empty kind or ID", office.ErrPrecondition)
	}
	rs := t.revs(o.Kind, o.ID)
	if o.Rev != int64(len(rs))+1 {
		return fmt.Errorf("memstore: put %s %q revision %d: latest is %d: %w", o.Kind, o.ID, o.Rev, len(rs), office.ErrConflict)
	}
	t.objects = append(t.objects, clone(o))
	return nil
}

// all returns every visible revision, sorted by (kind, id, rev).
func (t *tx) all(kind string) []office.Object {
	var out []office.Object
	t.db.mu.RLock()
	for k, list := range t.db.objects {
		if kind != "" && !strings.HasPrefix(k, kind+"\x00") {
			continue
		}
		for _, s := range list {
			if s.gen <= t.gen {
				out = append(out, s.v)
			}
		}
	}
	t.db.mu.RUnlock()
	for _, o := range t.objects {
		if kind == "" || o.Kind == kind {
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return less(out[i], out[j]) })
	return out
}

func less(a, b office.Object) bool {
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	if a.ID != b.ID {
		return a.ID < b.ID
	}
	return a.Rev < b.Rev
}

func (t *tx) Latest(ctx context.Context, kind, afterID string, limit int) ([]office.Object, error) {
	if err := t.check(ctx, false); err != nil {
		return nil, err
	}
	all := t.all(kind)
	var out []office.Object
	for i, o := range all {
		if o.ID <= afterID || (i+1 < len(all) && all[i+1].ID == o.ID) {
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, clone(o))
	}
	return out, nil
}

func (t *tx) Objects(ctx context.Context, after office.Cursor, limit int) ([]office.Object, error) {
	if err := t.check(ctx, false); err != nil {
		return nil, err
	}
	var out []office.Object
	c := office.Object{Kind: after.Kind, ID: after.ID, Rev: after.Rev}
	for _, o := range t.all("") {
		if !less(c, o) {
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, clone(o))
	}
	return out, nil
}

func (t *tx) eventsVisible() []office.Event {
	t.db.mu.RLock()
	out := make([]office.Event, 0, len(t.db.events)+len(t.events))
	for _, s := range t.db.events {
		if s.gen <= t.gen {
			out = append(out, s.v)
		}
	}
	t.db.mu.RUnlock()
	return append(out, t.events...)
}

func (t *tx) AppendEvent(ctx context.Context, e office.Event) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	n := int64(len(t.eventsVisible()))
	if e.Seq != n {
		return fmt.Errorf("memstore: append event %d: the trail holds %d events: %w", e.Seq, n, office.ErrConflict)
	}
	e.Body = bytes.Clone(e.Body)
	t.events = append(t.events, e)
	return nil
}

func (t *tx) LastEvent(ctx context.Context) (office.Event, error) {
	if err := t.check(ctx, false); err != nil {
		return office.Event{}, err
	}
	evs := t.eventsVisible()
	if len(evs) == 0 {
		return office.Event{}, fmt.Errorf("memstore: last event: the trail is empty: %w", office.ErrNotFound)
	}
	e := evs[len(evs)-1]
	e.Body = bytes.Clone(e.Body)
	return e, nil
}

func (t *tx) Events(ctx context.Context, from int64, limit int) ([]office.Event, error) {
	if err := t.check(ctx, false); err != nil {
		return nil, err
	}
	evs := t.eventsVisible()
	var out []office.Event
	for _, e := range evs {
		if e.Seq < from {
			continue
		}
		if len(out) == limit {
			break
		}
		e.Body = bytes.Clone(e.Body)
		out = append(out, e)
	}
	return out, nil
}

// snap returns the committed snapshot id visible to t, or nil.
func (t *tx) committedSnap(id string) *snap {
	t.db.mu.RLock()
	defer t.db.mu.RUnlock()
	if s := t.db.snapshots[id]; s != nil && s.gen <= t.gen {
		return s
	}
	return nil
}

func (t *tx) snapMeta(id string) (office.Snapshot, bool) {
	for _, s := range t.snapshots {
		if s.ID == id {
			return s, true
		}
	}
	if s := t.committedSnap(id); s != nil {
		return s.meta, true
	}
	return office.Snapshot{}, false
}

func (t *tx) CreateSnapshot(ctx context.Context, s office.Snapshot) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	if s.ID == "" || s.Pool == "" {
		return fmt.Errorf("memstore: create snapshot: %w: empty ID or pool", office.ErrPrecondition)
	}
	if _, ok := t.snapMeta(s.ID); ok {
		return fmt.Errorf("memstore: create snapshot %q: %w: ID taken", s.ID, office.ErrConflict)
	}
	t.db.mu.RLock()
	_, exists := t.db.snapshots[s.ID] // committed after this transaction began
	t.db.mu.RUnlock()
	if exists {
		return fmt.Errorf("memstore: create snapshot %q: %w: ID taken", s.ID, office.ErrConflict)
	}
	t.snapshots = append(t.snapshots, s)
	return nil
}

func (t *tx) PutRows(ctx context.Context, id string, rows []office.Row) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	if _, ok := t.snapMeta(id); !ok {
		return fmt.Errorf("memstore: put rows: snapshot %q: %w", id, office.ErrNotFound)
	}
	ks := t.keys[id]
	if ks == nil {
		ks = map[string]bool{}
		t.keys[id] = ks
	}
	committed := t.committedSnap(id)
	for _, r := range rows {
		if ks[r.Key] {
			return fmt.Errorf("memstore: put rows: snapshot %q key %q: %w", id, r.Key, office.ErrConflict)
		}
		if committed != nil {
			t.db.mu.RLock()
			dup := committed.keys[r.Key]
			t.db.mu.RUnlock()
			if dup {
				return fmt.Errorf("memstore: put rows: snapshot %q key %q: %w", id, r.Key, office.ErrConflict)
			}
		}
		ks[r.Key] = true
		t.rows[id] = append(t.rows[id], office.Row{Key: r.Key, Data: bytes.Clone(r.Data)})
	}
	return nil
}

func (t *tx) Rows(ctx context.Context, id, afterKey string, limit int) ([]office.Row, error) {
	if err := t.check(ctx, false); err != nil {
		return nil, err
	}
	if _, ok := t.snapMeta(id); !ok {
		return nil, fmt.Errorf("memstore: rows: snapshot %q: %w", id, office.ErrNotFound)
	}
	var all []office.Row
	if s := t.committedSnap(id); s != nil {
		t.db.mu.Lock()
		if !s.sorted {
			sort.Slice(s.rows, func(i, j int) bool { return s.rows[i].v.Key < s.rows[j].v.Key })
			s.sorted = true
		}
		i := sort.Search(len(s.rows), func(i int) bool { return s.rows[i].v.Key > afterKey })
		for ; i < len(s.rows) && (len(t.rows[id]) > 0 || len(all) < limit); i++ {
			if s.rows[i].gen <= t.gen {
				all = append(all, s.rows[i].v)
			}
		}
		t.db.mu.Unlock()
	}
	for _, r := range t.rows[id] {
		if r.Key > afterKey {
			all = append(all, r)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Key < all[j].Key })
	if len(all) > limit {
		all = all[:limit]
	}
	out := make([]office.Row, len(all))
	for i, r := range all {
		out[i] = office.Row{Key: r.Key, Data: bytes.Clone(r.Data)}
	}
	return out, nil
}

func (t *tx) GetSnapshot(ctx context.Context, id string) (office.Snapshot, error) {
	if err := t.check(ctx, false); err != nil {
		return office.Snapshot{}, err
	}
	s, ok := t.snapMeta(id)
	if !ok {
		return office.Snapshot{}, fmt.Errorf("memstore: snapshot %q: %w", id, office.ErrNotFound)
	}
	return s, nil
}

func (t *tx) allSnaps() []office.Snapshot {
	var out []office.Snapshot
	t.db.mu.RLock()
	for _, s := range t.db.snapshots {
		if s.gen <= t.gen {
			out = append(out, s.meta)
		}
	}
	t.db.mu.RUnlock()
	out = append(out, t.snapshots...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (t *tx) Snapshots(ctx context.Context, afterID string, limit int) ([]office.Snapshot, error) {
	if err := t.check(ctx, false); err != nil {
		return nil, err
	}
	var out []office.Snapshot
	for _, s := range t.allSnaps() {
		if s.ID > afterID && len(out) < limit {
			out = append(out, s)
		}
	}
	return out, nil
}

func (t *tx) SnapshotAsOf(ctx context.Context, pool string, at time.Time) (office.Snapshot, error) {
	if err := t.check(ctx, false); err != nil {
		return office.Snapshot{}, err
	}
	var best *office.Snapshot
	for _, s := range t.allSnaps() {
		if s.Pool != pool || s.At.After(at) {
			continue
		}
		if best == nil || s.At.After(best.At) || (s.At.Equal(best.At) && s.ID > best.ID) {
			s := s
			best = &s
		}
	}
	if best == nil {
		return office.Snapshot{}, fmt.Errorf("memstore: no %s snapshot in force at %s: %w", pool, at.Format(time.RFC3339), office.ErrNotFound)
	}
	return *best, nil
}

func (t *tx) Commit() error {
	if t.done {
		return fmt.Errorf("memstore: commit: %w: transaction already ended", office.ErrUnavailable)
	}
	if err := t.check(context.Background(), false); err != nil {
		t.end()
		return err
	}
	if t.writable {
		db := t.db
		db.mu.Lock()
		db.gen++
		g := db.gen
		for _, o := range t.objects {
			k := key(o.Kind, o.ID)
			db.objects[k] = append(db.objects[k], stored[office.Object]{g, o})
		}
		for _, e := range t.events {
			db.events = append(db.events, stored[office.Event]{g, e})
		}
		for _, s := range t.snapshots {
			db.snapshots[s.ID] = &snap{gen: g, meta: s, keys: map[string]bool{}, sorted: true}
		}
		for id, rows := range t.rows {
			s := db.snapshots[id]
			for _, r := range rows {
				s.rows = append(s.rows, stored[office.Row]{g, r})
				s.keys[r.Key] = true
			}
			s.sorted = false
		}
		db.mu.Unlock()
	}
	t.end()
	return nil
}

func (t *tx) end() {
	if t.done {
		return
	}
	t.done = true
	if t.writable {
		t.objects, t.events, t.snapshots, t.rows, t.keys = nil, nil, nil, nil, nil
		t.db.writer.Unlock()
	}
}

func (t *tx) Rollback() error {
	t.end()
	return nil
}
