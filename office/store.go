package office

import (
	"context"
	"errors"
	"time"
)

// The sentinel errors every Store returns (wrapped) so that the office, and
// a plugin host translating gRPC status codes, can tell failures apart with
// errors.Is.
var (
	// ErrNotFound: the object, event or snapshot does not exist.
	ErrNotFound = errors.New("office: not found")
	// ErrConflict: a write lost a race or repeats an existing key (an
	// object revision, an event sequence number, a snapshot ID or row key).
	ErrConflict = errors.New("office: conflict")
	// ErrPrecondition: a step's checks refused it (time, state, rules);
	// nothing was stored.
	ErrPrecondition = errors.New("office: precondition failed")
	// ErrUnavailable: the store cannot be reached, is closed, or the
	// transaction is no longer usable. A retry may succeed.
	ErrUnavailable = errors.New("office: store unavailable")
)

// Object is one revision of one stored state object: a task, a manifest,
// a draw record, a result, an objection… Body is the object's JSON as the
// office wrote it; the store does not interpret it. Every revision is kept
// (rule R27: "the change itself is kept"); Rev counts from 1.
//
// EventSeq and EventHash bind the revision to the trail event that created
// it, in the same transaction; the event's data carries the hash of Body (SHA-256, or SM3 in an ssj-v1-sm store)
// (see the package doc, "Bindings").
type Object struct {
	Kind      string
	ID        string
	Rev       int64
	EventSeq  int64
	EventHash string
	Body      []byte
}

// Cursor is a position in the (Kind, ID, Rev) order of all object
// revisions; the zero Cursor is before the first.
type Cursor struct {
	Kind string
	ID   string
	Rev  int64
}

// Event is one stored trail event: its sequence number (from 0), its hash
// and the event's JSON (a trail.Event). The store does not interpret Body.
type Event struct {
	Seq  int64
	Hash string
	Body []byte
}

// Snapshot describes one imported registry snapshot (名录库快照): which pool,
// the instant it is in force from (At; AsOf queries select on it), its row
// count, the registry commitment's RFC 6962 root over the rows' canonical
// leaves in key order (registry.Commitment), the RFC 6962 root over the
// rows' full data (Digest: it also covers the names, which leaves leave
// out), and the trail event that imported it.
type Snapshot struct {
	ID        string
	Pool      string
	At        time.Time
	Count     int64
	Root      string
	Digest    string
	EventSeq  int64
	EventHash string
}

// Row is one unit of a snapshot: its key (target ID or certificate number)
// and its data, the JSON of a registry.Target or registry.Inspector.
type Row struct {
	Key  string
	Data []byte
}

// Store keeps the office's state, its trail and its registry snapshots.
// Implementations: memstore (in memory), sqlitestore (the embedded
// default); plugins over gRPC come later. Everything crosses a process
// boundary as plain values: strings, integers, byte slices and times.
//
// Every method takes a context; a cancelled context aborts the call and,
// inside a transaction, makes Commit fail.
type Store interface {
	// Begin starts a transaction. A writable transaction sees a consistent
	// state and excludes other writers until Commit or Rollback; a
	// read-only transaction sees a consistent snapshot and refuses writes
	// with ErrPrecondition.
	Begin(ctx context.Context, writable bool) (Tx, error)
	// Close releases the store; later calls return ErrUnavailable.
	Close() error
}

// Tx is one store transaction. Either everything written in it is stored
// (Commit returns nil) or nothing is (Rollback, a failed Commit, or a
// crash). After Commit or Rollback the Tx is unusable (ErrUnavailable);
// Rollback after Commit is a no-op, so `defer tx.Rollback()` is safe.
//
// List calls are paged: they return at most limit items strictly after the
// cursor given, in a fixed order; fewer than limit means the end.
type Tx interface {
	// Get returns the latest revision of an object, or ErrNotFound.
	Get(ctx context.Context, kind, id string) (Object, error)
	// GetRev returns one revision of an object, or ErrNotFound.
	GetRev(ctx context.Context, kind, id string, rev int64) (Object, error)
	// Put stores a new revision. o.Rev must be one more than the latest
	// stored revision (1 for a new object); otherwise ErrConflict.
	Put(ctx context.Context, o Object) error
	// Latest lists the latest revision of the objects of one kind in ID
	// order, starting after afterID.
	Latest(ctx context.Context, kind, afterID string, limit int) ([]Object, error)
	// Objects lists every revision of every object in (Kind, ID, Rev)
	// order, starting after the cursor (the auditor's scan).
	Objects(ctx context.Context, after Cursor, limit int) ([]Object, error)

	// AppendEvent appends a trail event; e.Seq must equal the number of
	// events stored, otherwise ErrConflict.
	AppendEvent(ctx context.Context, e Event) error
	// LastEvent returns the last event, or ErrNotFound for an empty trail.
	LastEvent(ctx context.Context) (Event, error)
	// Events lists the events with Seq >= from, in Seq order.
	Events(ctx context.Context, from int64, limit int) ([]Event, error)

	// CreateSnapshot registers a snapshot (ErrConflict when the ID is
	// taken). Its rows follow with PutRows, in the same transaction.
	CreateSnapshot(ctx context.Context, s Snapshot) error
	// PutRows adds rows to a snapshot created in this or an earlier
	// transaction. A key already present is ErrConflict. Send rows in
	// batches (a few thousand per call) to stream millions of them. As
	// io.Writer.Write, PutRows must not keep rows or their Data after it
	// returns: the office reuses the buffers for the next batch.
	PutRows(ctx context.Context, snapshotID string, rows []Row) error
	// Rows lists a snapshot's rows in key byte order after afterKey.
	Rows(ctx context.Context, snapshotID, afterKey string, limit int) ([]Row, error)
	// GetSnapshot returns one snapshot's description, or ErrNotFound.
	GetSnapshot(ctx context.Context, id string) (Snapshot, error)
	// Snapshots lists every snapshot in ID order after afterID.
	Snapshots(ctx context.Context, afterID string, limit int) ([]Snapshot, error)
	// SnapshotAsOf returns the snapshot of pool in force at `at`: the one
	// with the latest At not after `at` (ties: the greatest ID), or
	// ErrNotFound.
	SnapshotAsOf(ctx context.Context, pool string, at time.Time) (Snapshot, error)

	// Commit stores everything written in the transaction.
	Commit() error
	// Rollback discards it.
	Rollback() error
}
