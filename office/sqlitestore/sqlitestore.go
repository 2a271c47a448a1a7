// Package sqlitestore is the office's embedded default store: one SQLite
// file (modernc.org/sqlite, pure Go, no cgo) in WAL mode, with foreign keys
// on, a busy timeout, and versioned schema migrations embedded in the
// binary.
//
// Writable transactions start with BEGIN IMMEDIATE on a single connection,
// so writers in one process queue up and a writer in another process waits
// up to the busy timeout, then fails with office.ErrUnavailable; readers
// never block. synchronous=NORMAL: a killed process never loses or tears a
// committed transaction (WAL); a power loss may lose the last few commits,
// never the database's consistency.
package sqlitestore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/shuangsuiji/ssj/office"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DefaultBusyTimeout is how long a writer waits for another process's
// write transaction before giving up.
const DefaultBusyTimeout = 10 * time.Second

// Options tune Open.
type Options struct {
	// BusyTimeout overrides DefaultBusyTimeout when positive.
	BusyTimeout time.Duration
}

// Store is an office.Store in one SQLite file.
type Store struct {
	path   string
	writer *sql.DB // one connection, BEGIN IMMEDIATE
	reader *sql.DB
}

var _ office.Store = (*Store)(nil)

func dsn(path string, busy time.Duration, txlock string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(busy.Milliseconds(), 10)+")")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "page_size(16384)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", txlock)
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the store at path and applies pending
// migrations.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	busy := opt.BusyTimeout
	if busy <= 0 {
		busy = DefaultBusyTimeout
	}
	w, err := sql.Open("sqlite", dsn(path, busy, "immediate"))
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w: %w", path, office.ErrUnavailable, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", dsn(path, busy, "deferred"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w: %w", path, office.ErrUnavailable, err)
	}
	r.SetMaxOpenConns(4)
	s := &Store{path: path, writer: w, reader: r}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// SchemaVersion returns the highest migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.reader.QueryRowContext(ctx, `SELECT COALESCE(MAX(version),0) FROM schema_migrations`).Scan(&v)
	return v, wrap("schema version", err)
}

func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	// Up to date already? Then no write lock is needed (another process
	// may hold it).
	latest := 0
	if n := len(names); n > 0 {
		latest, _ = strconv.Atoi(strings.SplitN(strings.TrimPrefix(names[n-1], "migrations/"), "_", 2)[0])
	}
	var have0 int
	if err := s.reader.QueryRowContext(ctx, `SELECT COALESCE(MAX(version),0) FROM schema_migrations`).Scan(&have0); err == nil && have0 == latest {
		return nil
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return wrap("migrate "+s.path, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return wrap("migrate "+s.path, err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version),0) FROM schema_migrations`).Scan(&have); err != nil {
		return wrap("migrate "+s.path, err)
	}
	known := 0
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("sqlitestore: migration %s: bad version: %w", base, err)
		}
		known = v
		if v <= have {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("sqlitestore: migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version,name,applied_at) VALUES(?,?,?)`,
			v, base, time.Now().UTC().Format(time.RFC3339)); err != nil {
			return fmt.Errorf("sqlitestore: migration %s: %w", base, err)
		}
	}
	if have > known {
		return fmt.Errorf("sqlitestore: %s has schema version %d, newer than this program's %d: %w", s.path, have, known, office.ErrPrecondition)
	}
	return wrap("migrate "+s.path, tx.Commit())
}

// Close implements office.Store.
func (s *Store) Close() error {
	err1 := s.reader.Close()
	err2 := s.writer.Close()
	return errors.Join(err1, err2)
}

// wrap maps SQLite failures onto the office's sentinel errors.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CONSTRAINT:
			return fmt.Errorf("sqlitestore: %s: %w: %w", what, office.ErrConflict, err)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("sqlitestore: %s: %w: database is locked by another writer: %w", what, office.ErrUnavailable, err)
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlitestore: %s: %w", what, office.ErrNotFound)
	}
	if errors.Is(err, sql.ErrTxDone) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "database is closed") {
		return fmt.Errorf("sqlitestore: %s: %w: %w", what, office.ErrUnavailable, err)
	}
	return fmt.Errorf("sqlitestore: %s: %w", what, err)
}

// Begin implements office.Store.
func (s *Store) Begin(ctx context.Context, writable bool) (office.Tx, error) {
	db := s.reader
	if writable {
		db = s.writer
	}
	t, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, wrap("begin", err)
	}
	return &tx{tx: t, writable: writable}, nil
}

type tx struct {
	tx       *sql.Tx
	writable bool
	sids     map[string]int64
}

func (t *tx) w(what string) error {
	if !t.writable {
		return fmt.Errorf("sqlitestore: %s: %w: write in a read-only transaction", what, office.ErrPrecondition)
	}
	return nil
}

const objCols = `kind, id, rev, event_seq, event_hash, body`

func scanObjects(rows *sql.Rows, what string) ([]office.Object, error) {
	defer rows.Close()
	var out []office.Object
	for rows.Next() {
		var o office.Object
		if err := rows.Scan(&o.Kind, &o.ID, &o.Rev, &o.EventSeq, &o.EventHash, &o.Body); err != nil {
			return nil, wrap(what, err)
		}
		out = append(out, o)
	}
	return out, wrap(what, rows.Err())
}

func (t *tx) one(ctx context.Context, what, q string, args ...any) (office.Object, error) {
	rows, err := t.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return office.Object{}, wrap(what, err)
	}
	os, err := scanObjects(rows, what)
	if err != nil {
		return office.Object{}, err
	}
	if len(os) == 0 {
		return office.Object{}, fmt.Errorf("sqlitestore: %s: %w", what, office.ErrNotFound)
	}
	return os[0], nil
}

func (t *tx) Get(ctx context.Context, kind, id string) (office.Object, error) {
	return t.one(ctx, fmt.Sprintf("object %s %q", kind, id),
		`SELECT `+objCols+` FROM objects WHERE kind=? AND id=? ORDER BY rev DESC LIMIT 1`, kind, id)
}

func (t *tx) GetRev(ctx context.Context, kind, id string, rev int64) (office.Object, error) {
	return t.one(ctx, fmt.Sprintf("object %s %q revision %d", kind, id, rev),
		`SELECT `+objCols+` FROM objects WHERE kind=? AND id=? AND rev=?`, kind, id, rev)
}

func (t *tx) Put(ctx context.Context, o office.Object) error {
	what := fmt.Sprintf("put %s %q revision %d", o.Kind, o.ID, o.Rev)
	if err := t.w(what); err != nil {
		return err
	}
	if o.Kind == "" || o.ID == "" {
		return fmt.Errorf("sqlitestore: put: %w: empty kind or ID", office.ErrPrecondition)
	}
	var latest int64
	if err := t.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(rev),0) FROM objects WHERE kind=? AND id=?`, o.Kind, o.ID).Scan(&latest); err != nil {
		return wrap(what, err)
	}
	if o.Rev != latest+1 {
		return fmt.Errorf("sqlitestore: %s: latest is %d: %w", what, latest, office.ErrConflict)
	}
	if o.Body == nil {
		o.Body = []byte{}
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO objects(`+objCols+`) VALUES(?,?,?,?,?,?)`, o.Kind, o.ID, o.Rev, o.EventSeq, o.EventHash, o.Body)
	return wrap(what, err)
}

func (t *tx) Latest(ctx context.Context, kind, afterID string, limit int) ([]office.Object, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+objCols+` FROM objects o WHERE kind=? AND id>?
		AND rev=(SELECT MAX(rev) FROM objects p WHERE p.kind=o.kind AND p.id=o.id) ORDER BY id LIMIT ?`, kind, afterID, limit)
	if err != nil {
		return nil, wrap("list "+kind, err)
	}
	return scanObjects(rows, "list "+kind)
}

func (t *tx) Objects(ctx context.Context, after office.Cursor, limit int) ([]office.Object, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+objCols+` FROM objects WHERE (kind,id,rev) > (?,?,?) ORDER BY kind,id,rev LIMIT ?`,
		after.Kind, after.ID, after.Rev, limit)
	if err != nil {
		return nil, wrap("scan objects", err)
	}
	return scanObjects(rows, "scan objects")
}

func (t *tx) AppendEvent(ctx context.Context, e office.Event) error {
	what := fmt.Sprintf("append event %d", e.Seq)
	if err := t.w(what); err != nil {
		return err
	}
	var n int64
	if err := t.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq)+1,0) FROM events`).Scan(&n); err != nil {
		return wrap(what, err)
	}
	if e.Seq != n {
		return fmt.Errorf("sqlitestore: %s: the trail holds %d events: %w", what, n, office.ErrConflict)
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO events(seq,hash,body) VALUES(?,?,?)`, e.Seq, e.Hash, e.Body)
	return wrap(what, err)
}

func (t *tx) events(ctx context.Context, what, q string, args ...any) ([]office.Event, error) {
	rows, err := t.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap(what, err)
	}
	defer rows.Close()
	var out []office.Event
	for rows.Next() {
		var e office.Event
		if err := rows.Scan(&e.Seq, &e.Hash, &e.Body); err != nil {
			return nil, wrap(what, err)
		}
		out = append(out, e)
	}
	return out, wrap(what, rows.Err())
}

func (t *tx) LastEvent(ctx context.Context) (office.Event, error) {
	es, err := t.events(ctx, "last event", `SELECT seq,hash,body FROM events ORDER BY seq DESC LIMIT 1`)
	if err != nil {
		return office.Event{}, err
	}
	if len(es) == 0 {
		return office.Event{}, fmt.Errorf("sqlitestore: last event: the trail is empty: %w", office.ErrNotFound)
	}
	return es[0], nil
}

func (t *tx) Events(ctx context.Context, from int64, limit int) ([]office.Event, error) {
	return t.events(ctx, "events", `SELECT seq,hash,body FROM events WHERE seq>=? ORDER BY seq LIMIT ?`, from, limit)
}

const snapCols = `id, pool, at_ns, count, root, digest, event_seq, event_hash`

func (t *tx) snapshots(ctx context.Context, what, q string, args ...any) ([]office.Snapshot, error) {
	rows, err := t.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap(what, err)
	}
	defer rows.Close()
	var out []office.Snapshot
	for rows.Next() {
		var s office.Snapshot
		var ns int64
		if err := rows.Scan(&s.ID, &s.Pool, &ns, &s.Count, &s.Root, &s.Digest, &s.EventSeq, &s.EventHash); err != nil {
			return nil, wrap(what, err)
		}
		s.At = time.Unix(0, ns).UTC()
		out = append(out, s)
	}
	return out, wrap(what, rows.Err())
}

func (t *tx) CreateSnapshot(ctx context.Context, s office.Snapshot) error {
	what := fmt.Sprintf("create snapshot %q", s.ID)
	if err := t.w(what); err != nil {
		return err
	}
	if s.ID == "" || s.Pool == "" {
		return fmt.Errorf("sqlitestore: create snapshot: %w: empty ID or pool", office.ErrPrecondition)
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO snapshots(`+snapCols+`) VALUES(?,?,?,?,?,?,?,?)`,
		s.ID, s.Pool, s.At.UnixNano(), s.Count, s.Root, s.Digest, s.EventSeq, s.EventHash)
	return wrap(what, err)
}

func (t *tx) sid(ctx context.Context, id string) (int64, error) {
	if v, ok := t.sids[id]; ok {
		return v, nil
	}
	var v int64
	if err := t.tx.QueryRowContext(ctx, `SELECT sid FROM snapshots WHERE id=?`, id).Scan(&v); err != nil {
		return 0, wrap(fmt.Sprintf("snapshot %q", id), err)
	}
	if t.sids == nil {
		t.sids = map[string]int64{}
	}
	t.sids[id] = v
	return v, nil
}

const rowsPerInsert = 200

func (t *tx) PutRows(ctx context.Context, id string, rows []office.Row) error {
	what := fmt.Sprintf("put rows of snapshot %q", id)
	if err := t.w(what); err != nil {
		return err
	}
	sid, err := t.sid(ctx, id)
	if err != nil {
		return err
	}
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, 3*rowsPerInsert)
	var sidArg any = sid // boxed once, not once per row
	for len(rows) > 0 {
		n := min(len(rows), rowsPerInsert)
		args = args[:0]
		for _, r := range rows[:n] {
			data := r.Data
			if data == nil {
				data = []byte{}
			}
			args = append(args, sidArg, r.Key, data)
		}
		var err error
		if n == rowsPerInsert {
			if full == nil {
				if full, err = t.tx.PrepareContext(ctx, insertRows(n)); err != nil {
					return wrap(what, err)
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = t.tx.ExecContext(ctx, insertRows(n), args...)
		}
		if err != nil {
			return wrap(fmt.Sprintf("%s (batch starting at key %q)", what, rows[0].Key), err)
		}
		rows = rows[n:]
	}
	return nil
}

func insertRows(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO snapshot_rows(sid,key,data) VALUES `)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?)")
	}
	return b.String()
}

func (t *tx) Rows(ctx context.Context, id, afterKey string, limit int) ([]office.Row, error) {
	what := fmt.Sprintf("rows of snapshot %q", id)
	sid, err := t.sid(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT key, data FROM snapshot_rows WHERE sid=? AND key>? ORDER BY key LIMIT ?`, sid, afterKey, limit)
	if err != nil {
		return nil, wrap(what, err)
	}
	defer rows.Close()
	out := make([]office.Row, 0, min(limit, 4096))
	for rows.Next() {
		var r office.Row
		if err := rows.Scan(&r.Key, &r.Data); err != nil {
			return nil, wrap(what, err)
		}
		out = append(out, r)
	}
	return out, wrap(what, rows.Err())
}

func (t *tx) GetSnapshot(ctx context.Context, id string) (office.Snapshot, error) {
	what := fmt.Sprintf("snapshot %q", id)
	ss, err := t.snapshots(ctx, what, `SELECT `+snapCols+` FROM snapshots WHERE id=?`, id)
	if err != nil {
		return office.Snapshot{}, err
	}
	if len(ss) == 0 {
		return office.Snapshot{}, fmt.Errorf("sqlitestore: %s: %w", what, office.ErrNotFound)
	}
	return ss[0], nil
}

func (t *tx) Snapshots(ctx context.Context, afterID string, limit int) ([]office.Snapshot, error) {
	return t.snapshots(ctx, "snapshots", `SELECT `+snapCols+` FROM snapshots WHERE id>? ORDER BY id LIMIT ?`, afterID, limit)
}

func (t *tx) SnapshotAsOf(ctx context.Context, pool string, at time.Time) (office.Snapshot, error) {
	what := fmt.Sprintf("%s snapshot in force at %s", pool, at.Format(time.RFC3339))
	ss, err := t.snapshots(ctx, what, `SELECT `+snapCols+` FROM snapshots WHERE pool=? AND at_ns<=? ORDER BY at_ns DESC, id DESC LIMIT 1`, pool, at.UnixNano())
	if err != nil {
		return office.Snapshot{}, err
	}
	if len(ss) == 0 {
		return office.Snapshot{}, fmt.Errorf("sqlitestore: no %s: %w", what, office.ErrNotFound)
	}
	return ss[0], nil
}

func (t *tx) Commit() error { return wrap("commit", t.tx.Commit()) }

func (t *tx) Rollback() error {
	err := t.tx.Rollback()
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return wrap("rollback", err)
}
