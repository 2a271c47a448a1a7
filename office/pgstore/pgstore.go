// Package pgstore is an office.Store over PostgreSQL (15 or later), with
// github.com/jackc/pgx/v5 and its connection pool: for an agency whose
// registries (名录库) hold millions of entities, or which already runs
// PostgreSQL. It keeps the same tables as the embedded SQLite store
// (sqlitestore), created by versioned schema migrations embedded in the
// binary, in one PostgreSQL schema (Options.Schema).
//
// Transactions. Every transaction is SERIALIZABLE. A writable transaction
// first locks the empty table writer_lock in EXCLUSIVE mode, before its
// first query, so writers queue up one at a time (across processes too) as
// with SQLite's BEGIN IMMEDIATE, and each writer's snapshot includes every
// commit before it; a writer waits at most Options.LockTimeout for the
// lock, then fails with office.ErrUnavailable. Readers never wait. With
// writers serialised, PostgreSQL has no serialization failure to report
// between office transactions; should one happen anyway (a foreign writer
// on the same tables), the call fails with office.ErrConflict, the
// office's "lost a race: retry the step" (a Tx cannot be replayed by the
// store: the caller's code runs between its statements). Begin itself,
// which has done nothing yet, is retried on serialization failures,
// deadlocks and connection failures that happened before anything was
// sent.
//
// A statement that fails inside a transaction leaves the transaction
// usable, as with SQLite: conflicts on Put, AppendEvent and CreateSnapshot
// are found without a failing statement, PutRows runs each batch's COPY
// inside a savepoint, and keys that PostgreSQL text cannot hold (invalid
// UTF-8, NUL bytes) are refused (writes: office.ErrPrecondition) or not
// found (reads) before anything is sent.
//
// PutRows writes rows with COPY in the binary format, encoded by PutRows
// itself, the savepoint, the COPY and the release in one round trip: a
// million rows of about 300 bytes cost the server about 2.1 CPU-seconds
// (a third of it maintaining the primary key's index, a quarter writing
// heap pages) and the client 0.4 (BenchmarkImport); the wall time on a
// shared machine depends on its load (11 s at a load average of 18 on 2
// cores).
package pgstore

import (
	"bytes"
	"context"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shuangsuiji/ssj/office"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DefaultLockTimeout is how long a writer waits for another writer's
// transaction before giving up with office.ErrUnavailable.
const DefaultLockTimeout = 10 * time.Second

// Options tune Open.
type Options struct {
	// Schema is the PostgreSQL schema holding the store's tables; Open
	// creates it when missing. Empty: the DSN's search_path parameter
	// when it names one schema, else "public".
	Schema string
	// LockTimeout overrides DefaultLockTimeout when positive.
	LockTimeout time.Duration
	// MustExist makes Open fail with office.ErrNotFound instead of
	// creating a store when the schema holds none (an auditor's open).
	MustExist bool
	// MaxConns caps the pool's connections (default: pgxpool's, the
	// larger of 4 and the CPU count).
	MaxConns int32
}

// Store is an office.Store in one PostgreSQL schema. It is safe for
// concurrent use.
type Store struct {
	pool        *pgxpool.Pool
	schema      string
	name        string
	lockTimeout time.Duration
	closed      atomic.Bool
	open        atomic.Int64 // transactions begun and not yet ended
}

var _ office.Store = (*Store)(nil)

// IsURL reports whether s is a PostgreSQL connection URL (postgres:// or
// postgresql://), the form the CLI's --store accepts.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database dsn names (a postgres:// URL or a
// key=value connection string, as libpq), creates the schema when
// missing, and applies pending migrations.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's message may quote the DSN, password included: leave it out.
		return nil, fmt.Errorf("pgstore: open: the connection string does not parse: %w", office.ErrPrecondition)
	}
	schema := opt.Schema
	if schema == "" {
		schema = "public"
		if sp := strings.TrimSpace(cfg.ConnConfig.RuntimeParams["search_path"]); sp != "" {
			if strings.ContainsAny(sp, ", \"$") {
				return nil, fmt.Errorf("pgstore: open: search_path %q: %w: name one schema (letters, digits, _)", sp, office.ErrPrecondition)
			}
			schema = sp
		}
	}
	if schema == "" || !storable(schema) || len(schema) > 63 {
		return nil, fmt.Errorf("pgstore: open: schema %q: %w: want 1 to 63 bytes of UTF-8 text", schema, office.ErrPrecondition)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize()
	if opt.MaxConns > 0 {
		cfg.MaxConns = opt.MaxConns
	}
	lt := opt.LockTimeout
	if lt <= 0 {
		lt = DefaultLockTimeout
	}
	s := &Store{schema: schema, lockTimeout: lt,
		name: fmt.Sprintf("postgres://%s@%s:%d/%s (schema %s)", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, schema)}
	s.pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, wrap("open "+s.name, err)
	}
	if err := s.migrate(ctx, opt.MustExist); err != nil {
		s.pool.Close()
		return nil, err
	}
	return s, nil
}

// String names the store (user, host, port, database and schema; never
// the password).
func (s *Store) String() string { return s.name }

// Schema returns the PostgreSQL schema holding the store's tables.
func (s *Store) Schema() string { return s.schema }

// SchemaVersion returns the highest migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, `SELECT COALESCE(MAX(version),0) FROM schema_migrations`).Scan(&v)
	return v, wrap("schema version", err)
}

// migrationLockKey is the first key of the advisory lock Open takes while
// it migrates a schema (the second is the schema name's hash).
const migrationLockKey = 0x551_0011

func (s *Store) migrate(ctx context.Context, mustExist bool) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	what := "migrate " + s.name
	tx, err := s.pool.Begin(ctx) // READ COMMITTED: each statement sees the latest commits
	if err != nil {
		return wrap(what, err)
	}
	defer tx.Rollback(context.Background())
	// One migrating process per schema at a time.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, migrationLockKey, s.schema); err != nil {
		return wrap(what, err)
	}
	var exists, store bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname=$1),
		to_regclass(quote_ident($1)||'.schema_migrations') IS NOT NULL`, s.schema).Scan(&exists, &store); err != nil {
		return wrap(what, err)
	}
	if mustExist && !store {
		return fmt.Errorf("pgstore: %s: %w: no store in this schema", s.name, office.ErrNotFound)
	}
	if !exists {
		if _, err := tx.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{s.schema}.Sanitize()); err != nil {
			return wrap(what, err)
		}
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`); err != nil {
		return wrap(what, err)
	}
	var have int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version),0) FROM schema_migrations`).Scan(&have); err != nil {
		return wrap(what, err)
	}
	known := 0
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("pgstore: migration %s: bad version: %w", base, err)
		}
		known = v
		if v <= have {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, string(body)); err != nil {
			return wrap("migration "+base, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations(version,name,applied_at) VALUES($1,$2,now())`, v, base); err != nil {
			return wrap("migration "+base, err)
		}
	}
	if have > known {
		return fmt.Errorf("pgstore: %s has schema version %d, newer than this program's %d: %w", s.name, have, known, office.ErrPrecondition)
	}
	return wrap(what, tx.Commit(ctx))
}

// Close implements office.Store. Later calls to Begin fail with
// office.ErrUnavailable. It does not wait for open transactions, as
// database/sql's Close: they keep their connection until their Commit or
// Rollback, which then closes it.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	if s.open.Load() > 0 {
		go s.pool.Close() // returns once the open transactions end
		return nil
	}
	s.pool.Close()
	return nil
}

// PostgreSQL error codes the store maps onto the office's sentinels.
const (
	codeSerialization = "40001"
	codeDeadlock      = "40P01"
	codeReadOnly      = "25006"
	codeInFailedTx    = "25P02"
	codeLockTimeout   = "55P03"
	codeQueryCanceled = "57014"
)

// wrap maps PostgreSQL and pgx failures onto the office's sentinel errors.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == codeSerialization || pe.Code == codeDeadlock:
			return fmt.Errorf("pgstore: %s: %w: another transaction changed what this one read; retry the step: %w", what, office.ErrConflict, err)
		case strings.HasPrefix(pe.Code, "23"): // integrity constraint violation
			return fmt.Errorf("pgstore: %s: %w: %w", what, office.ErrConflict, err)
		case pe.Code == codeReadOnly:
			return fmt.Errorf("pgstore: %s: %w: write in a read-only transaction: %w", what, office.ErrPrecondition, err)
		case pe.Code == codeLockTimeout:
			return fmt.Errorf("pgstore: %s: %w: another writer holds the store: %w", what, office.ErrUnavailable, err)
		case pe.Code == codeInFailedTx:
			return fmt.Errorf("pgstore: %s: %w: the transaction was aborted by an earlier error: %w", what, office.ErrUnavailable, err)
		case pe.Code == codeQueryCanceled, strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "53"), strings.HasPrefix(pe.Code, "57"):
			// cancelled, connection exception, insufficient resources, operator intervention
			return fmt.Errorf("pgstore: %s: %w: %w", what, office.ErrUnavailable, err)
		}
		return fmt.Errorf("pgstore: %s: %w", what, err)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("pgstore: %s: %w", what, office.ErrNotFound)
	}
	// Everything else is about reaching the server or using the
	// transaction: a closed pool or transaction, a broken connection, a
	// cancelled context, a failed connect.
	return fmt.Errorf("pgstore: %s: %w: %w", what, office.ErrUnavailable, err)
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// Begin implements office.Store.
func (s *Store) Begin(ctx context.Context, writable bool) (office.Tx, error) {
	if s.closed.Load() {
		return nil, fmt.Errorf("pgstore: begin: %w: the store is closed", office.ErrUnavailable)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: begin: %w: %w", office.ErrUnavailable, err)
	}
	opts := pgx.TxOptions{IsoLevel: pgx.Serializable, AccessMode: pgx.ReadOnly}
	if writable {
		opts.AccessMode = pgx.ReadWrite
	}
	// Nothing has happened yet: a failure that left no effect is retried.
	const attempts = 4
	var err error
	for i := 0; i < attempts; i++ {
		var t pgx.Tx
		t, err = s.pool.BeginTx(ctx, opts)
		if err == nil && writable {
			// Before the first query, so the transaction's snapshot is
			// taken after the lock is granted.
			_, err = t.Exec(ctx, fmt.Sprintf(`SET LOCAL lock_timeout = %d; LOCK TABLE writer_lock IN EXCLUSIVE MODE`, s.lockTimeout.Milliseconds()))
			if err != nil {
				t.Rollback(context.Background())
			}
		}
		if err == nil {
			s.open.Add(1)
			return &tx{s: s, tx: t, ctx: ctx, writable: writable}, nil
		}
		c := pgCode(err)
		if ctx.Err() != nil || !(c == codeSerialization || c == codeDeadlock || (c == "" && pgconn.SafeToRetry(err))) {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(i+1) * 10 * time.Millisecond):
		}
	}
	return nil, wrap("begin", err)
}

type tx struct {
	s        *Store
	ended    atomic.Bool
	tx       pgx.Tx
	ctx      context.Context // Begin's: its cancellation makes Commit fail
	writable bool
	sids     map[string]int64
	copyBuf  []byte // PutRows' encoding buffer, reused
}

func (t *tx) w(what string) error {
	if !t.writable {
		return fmt.Errorf("pgstore: %s: %w: write in a read-only transaction", what, office.ErrPrecondition)
	}
	return nil
}

// storable reports whether PostgreSQL text can hold s exactly (valid
// UTF-8 without NUL bytes). A string it cannot hold is never stored, so
// reads by it find nothing and writes of it are refused.
func storable(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

func notStorable(what, field, value string) error {
	return fmt.Errorf("pgstore: %s: %w: %s %q is not valid UTF-8 text without NUL bytes", what, office.ErrPrecondition, field, value)
}

// limitArg turns a List limit into a LIMIT argument: negative means no
// limit (NULL), as SQLite's LIMIT -1.
func limitArg(limit int) any {
	if limit < 0 {
		return nil
	}
	return int64(limit)
}

const objCols = `kind, id, rev, event_seq, event_hash, body`

func scanObjects(rows pgx.Rows, what string) ([]office.Object, error) {
	defer rows.Close()
	var out []office.Object
	for rows.Next() {
		var o office.Object
		if err := rows.Scan(&o.Kind, &o.ID, &o.Rev, &o.EventSeq, &o.EventHash, &o.Body); err != nil {
			return nil, wrap(what, err)
		}
		if o.Body == nil {
			o.Body = []byte{}
		}
		out = append(out, o)
	}
	return out, wrap(what, rows.Err())
}

func (t *tx) one(ctx context.Context, what, q string, args ...any) (office.Object, error) {
	rows, err := t.tx.Query(ctx, q, args...)
	if err != nil {
		return office.Object{}, wrap(what, err)
	}
	os, err := scanObjects(rows, what)
	if err != nil {
		return office.Object{}, err
	}
	if len(os) == 0 {
		return office.Object{}, fmt.Errorf("pgstore: %s: %w", what, office.ErrNotFound)
	}
	return os[0], nil
}

func (t *tx) Get(ctx context.Context, kind, id string) (office.Object, error) {
	what := fmt.Sprintf("object %s %q", kind, id)
	if !storable(kind) || !storable(id) {
		return office.Object{}, fmt.Errorf("pgstore: %s: %w", what, office.ErrNotFound)
	}
	return t.one(ctx, what, `SELECT `+objCols+` FROM objects WHERE kind=$1 AND id=$2 ORDER BY rev DESC LIMIT 1`, kind, id)
}

func (t *tx) GetRev(ctx context.Context, kind, id string, rev int64) (office.Object, error) {
	what := fmt.Sprintf("object %s %q revision %d", kind, id, rev)
	if !storable(kind) || !storable(id) {
		return office.Object{}, fmt.Errorf("pgstore: %s: %w", what, office.ErrNotFound)
	}
	return t.one(ctx, what, `SELECT `+objCols+` FROM objects WHERE kind=$1 AND id=$2 AND rev=$3`, kind, id, rev)
}

func (t *tx) Put(ctx context.Context, o office.Object) error {
	what := fmt.Sprintf("put %s %q revision %d", o.Kind, o.ID, o.Rev)
	if err := t.w(what); err != nil {
		return err
	}
	if o.Kind == "" || o.ID == "" {
		return fmt.Errorf("pgstore: put: %w: empty kind or ID", office.ErrPrecondition)
	}
	for _, f := range [][2]string{{"kind", o.Kind}, {"id", o.ID}, {"event_hash", o.EventHash}} {
		if !storable(f[1]) {
			return notStorable(what, f[0], f[1])
		}
	}
	var latest int64
	if err := t.tx.QueryRow(ctx, `SELECT COALESCE(MAX(rev),0) FROM objects WHERE kind=$1 AND id=$2`, o.Kind, o.ID).Scan(&latest); err != nil {
		return wrap(what, err)
	}
	if o.Rev != latest+1 {
		return fmt.Errorf("pgstore: %s: latest is %d: %w", what, latest, office.ErrConflict)
	}
	if o.Body == nil {
		o.Body = []byte{}
	}
	tag, err := t.tx.Exec(ctx, `INSERT INTO objects(`+objCols+`) VALUES($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING`,
		o.Kind, o.ID, o.Rev, o.EventSeq, o.EventHash, o.Body)
	if err != nil {
		return wrap(what, err)
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("pgstore: %s: the revision exists: %w", what, office.ErrConflict)
	}
	return nil
}

func (t *tx) Latest(ctx context.Context, kind, afterID string, limit int) ([]office.Object, error) {
	what := "list " + kind
	if !storable(kind) {
		return nil, nil
	}
	if !storable(afterID) {
		return nil, notStorable(what, "cursor", afterID)
	}
	rows, err := t.tx.Query(ctx, `SELECT `+objCols+` FROM objects o WHERE kind=$1 AND id>$2
		AND rev=(SELECT MAX(rev) FROM objects p WHERE p.kind=o.kind AND p.id=o.id) ORDER BY id LIMIT $3`, kind, afterID, limitArg(limit))
	if err != nil {
		return nil, wrap(what, err)
	}
	return scanObjects(rows, what)
}

func (t *tx) Objects(ctx context.Context, after office.Cursor, limit int) ([]office.Object, error) {
	if !storable(after.Kind) || !storable(after.ID) {
		return nil, notStorable("scan objects", "cursor", after.Kind+"/"+after.ID)
	}
	rows, err := t.tx.Query(ctx, `SELECT `+objCols+` FROM objects WHERE (kind,id,rev) > ($1,$2,$3) ORDER BY kind,id,rev LIMIT $4`,
		after.Kind, after.ID, after.Rev, limitArg(limit))
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
	if !storable(e.Hash) {
		return notStorable(what, "hash", e.Hash)
	}
	var n int64
	if err := t.tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq)+1,0) FROM events`).Scan(&n); err != nil {
		return wrap(what, err)
	}
	if e.Seq != n {
		return fmt.Errorf("pgstore: %s: the trail holds %d events: %w", what, n, office.ErrConflict)
	}
	body := e.Body
	if body == nil {
		body = []byte{}
	}
	tag, err := t.tx.Exec(ctx, `INSERT INTO events(seq,hash,body) VALUES($1,$2,$3) ON CONFLICT DO NOTHING`, e.Seq, e.Hash, body)
	if err != nil {
		return wrap(what, err)
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("pgstore: %s: an event with hash %s exists: %w", what, e.Hash, office.ErrConflict)
	}
	return nil
}

func (t *tx) events(ctx context.Context, what, q string, args ...any) ([]office.Event, error) {
	rows, err := t.tx.Query(ctx, q, args...)
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
		if e.Body == nil {
			e.Body = []byte{}
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
		return office.Event{}, fmt.Errorf("pgstore: last event: the trail is empty: %w", office.ErrNotFound)
	}
	return es[0], nil
}

func (t *tx) Events(ctx context.Context, from int64, limit int) ([]office.Event, error) {
	return t.events(ctx, "events", `SELECT seq,hash,body FROM events WHERE seq>=$1 ORDER BY seq LIMIT $2`, from, limitArg(limit))
}

const snapCols = `id, pool, at_ns, count, root, digest, event_seq, event_hash`

func (t *tx) snapshots(ctx context.Context, what, q string, args ...any) ([]office.Snapshot, error) {
	rows, err := t.tx.Query(ctx, q, args...)
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
		return fmt.Errorf("pgstore: create snapshot: %w: empty ID or pool", office.ErrPrecondition)
	}
	for _, f := range [][2]string{{"id", s.ID}, {"pool", s.Pool}, {"root", s.Root}, {"digest", s.Digest}, {"event_hash", s.EventHash}} {
		if !storable(f[1]) {
			return notStorable(what, f[0], f[1])
		}
	}
	tag, err := t.tx.Exec(ctx, `INSERT INTO snapshots(`+snapCols+`) VALUES($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING`,
		s.ID, s.Pool, s.At.UnixNano(), s.Count, s.Root, s.Digest, s.EventSeq, s.EventHash)
	if err != nil {
		return wrap(what, err)
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("pgstore: %s: the ID is taken: %w", what, office.ErrConflict)
	}
	return nil
}

func (t *tx) sid(ctx context.Context, id string) (int64, error) {
	what := fmt.Sprintf("snapshot %q", id)
	if v, ok := t.sids[id]; ok {
		return v, nil
	}
	if !storable(id) {
		return 0, fmt.Errorf("pgstore: %s: %w", what, office.ErrNotFound)
	}
	var v int64
	if err := t.tx.QueryRow(ctx, `SELECT sid FROM snapshots WHERE id=$1`, id).Scan(&v); err != nil {
		return 0, wrap(what, err)
	}
	if t.sids == nil {
		t.sids = map[string]int64{}
	}
	t.sids[id] = v
	return v, nil
}

// PutRows copies the rows in with COPY, inside a savepoint: a duplicate
// key fails the call with office.ErrConflict and leaves the transaction
// usable, without any of the call's rows.
//
// The rows are encoded here into PostgreSQL's binary COPY format (three
// columns of fixed types: no per-value type dispatch), and the savepoint,
// the COPY and the savepoint's release go to the server as one simple
// query, the COPY data streamed behind it: one round trip per call
// instead of four. When the COPY fails, the server skips the release and
// the transaction is rolled back to the savepoint.
func (t *tx) PutRows(ctx context.Context, id string, rows []office.Row) error {
	what := fmt.Sprintf("put rows of snapshot %q", id)
	if err := t.w(what); err != nil {
		return err
	}
	sid, err := t.sid(ctx, id)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if !storable(r.Key) {
			return notStorable(what, "key", r.Key)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	t.copyBuf = encodeRows(t.copyBuf[:0], sid, rows)
	_, err = t.tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(t.copyBuf),
		`SAVEPOINT put_rows; COPY snapshot_rows (sid, key, data) FROM STDIN (FORMAT binary); RELEASE SAVEPOINT put_rows`)
	if cap(t.copyBuf) > maxCopyBuf {
		t.copyBuf = nil // do not keep an outsized batch's buffer
	}
	if err != nil {
		cerr := wrap(fmt.Sprintf("%s (batch of %d starting at key %q)", what, len(rows), rows[0].Key), err)
		if _, rerr := t.tx.Exec(ctx, `ROLLBACK TO SAVEPOINT put_rows; RELEASE SAVEPOINT put_rows`); rerr != nil {
			return errors.Join(cerr, wrap(what+": roll back to the savepoint", rerr))
		}
		return cerr
	}
	return nil
}

// maxCopyBuf is the largest COPY buffer a transaction keeps for the next
// call (the office's batches of 4096 rows of a few hundred bytes fit).
const maxCopyBuf = 8 << 20

// encodeRows appends rows of snapshot sid to buf in PostgreSQL's binary
// COPY format for the columns (sid bigint, key text, data bytea): the
// signature and header, per row the field count and each field's length
// and bytes, and the trailer. Keys are valid UTF-8 without NUL (storable),
// which is what text's binary input accepts.
func encodeRows(buf []byte, sid int64, rows []office.Row) []byte {
	buf = append(buf, "PGCOPY\n\377\r\n\000"...)
	buf = binary.BigEndian.AppendUint32(buf, 0) // flags
	buf = binary.BigEndian.AppendUint32(buf, 0) // header extension length
	for _, r := range rows {
		buf = binary.BigEndian.AppendUint16(buf, 3)
		buf = binary.BigEndian.AppendUint32(buf, 8)
		buf = binary.BigEndian.AppendUint64(buf, uint64(sid))
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(r.Key)))
		buf = append(buf, r.Key...)
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(r.Data)))
		buf = append(buf, r.Data...)
	}
	return binary.BigEndian.AppendUint16(buf, 0xffff) // trailer: -1
}

func (t *tx) Rows(ctx context.Context, id, afterKey string, limit int) ([]office.Row, error) {
	what := fmt.Sprintf("rows of snapshot %q", id)
	sid, err := t.sid(ctx, id)
	if err != nil {
		return nil, err
	}
	if !storable(afterKey) {
		return nil, notStorable(what, "cursor", afterKey)
	}
	rows, err := t.tx.Query(ctx, `SELECT key, data FROM snapshot_rows WHERE sid=$1 AND key>$2 ORDER BY key LIMIT $3`, sid, afterKey, limitArg(limit))
	if err != nil {
		return nil, wrap(what, err)
	}
	defer rows.Close()
	out := make([]office.Row, 0, min(max(limit, 0), 4096))
	for rows.Next() {
		var r office.Row
		if err := rows.Scan(&r.Key, &r.Data); err != nil {
			return nil, wrap(what, err)
		}
		if r.Data == nil {
			r.Data = []byte{}
		}
		out = append(out, r)
	}
	return out, wrap(what, rows.Err())
}

func (t *tx) GetSnapshot(ctx context.Context, id string) (office.Snapshot, error) {
	what := fmt.Sprintf("snapshot %q", id)
	if !storable(id) {
		return office.Snapshot{}, fmt.Errorf("pgstore: %s: %w", what, office.ErrNotFound)
	}
	ss, err := t.snapshots(ctx, what, `SELECT `+snapCols+` FROM snapshots WHERE id=$1`, id)
	if err != nil {
		return office.Snapshot{}, err
	}
	if len(ss) == 0 {
		return office.Snapshot{}, fmt.Errorf("pgstore: %s: %w", what, office.ErrNotFound)
	}
	return ss[0], nil
}

func (t *tx) Snapshots(ctx context.Context, afterID string, limit int) ([]office.Snapshot, error) {
	if !storable(afterID) {
		return nil, notStorable("snapshots", "cursor", afterID)
	}
	return t.snapshots(ctx, "snapshots", `SELECT `+snapCols+` FROM snapshots WHERE id>$1 ORDER BY id LIMIT $2`, afterID, limitArg(limit))
}

func (t *tx) SnapshotAsOf(ctx context.Context, pool string, at time.Time) (office.Snapshot, error) {
	what := fmt.Sprintf("%s snapshot in force at %s", pool, at.Format(time.RFC3339))
	if !storable(pool) {
		return office.Snapshot{}, fmt.Errorf("pgstore: no %s: %w", what, office.ErrNotFound)
	}
	ss, err := t.snapshots(ctx, what, `SELECT `+snapCols+` FROM snapshots WHERE pool=$1 AND at_ns<=$2 ORDER BY at_ns DESC, id DESC LIMIT 1`, pool, at.UnixNano())
	if err != nil {
		return office.Snapshot{}, err
	}
	if len(ss) == 0 {
		return office.Snapshot{}, fmt.Errorf("pgstore: no %s: %w", what, office.ErrNotFound)
	}
	return ss[0], nil
}

// Commit implements office.Tx. A cancelled Begin context makes it fail
// (and roll back), as with database/sql.
func (t *tx) Commit() error {
	defer t.end()
	if err := t.ctx.Err(); err != nil {
		if rerr := t.tx.Rollback(context.Background()); errors.Is(rerr, pgx.ErrTxClosed) {
			return wrap("commit", rerr)
		}
		return fmt.Errorf("pgstore: commit: %w: the transaction's context ended, rolled back: %w", office.ErrUnavailable, err)
	}
	err := t.tx.Commit(t.ctx)
	if errors.Is(err, pgx.ErrTxCommitRollback) {
		return fmt.Errorf("pgstore: commit: %w: the transaction was aborted by an earlier error and rolled back: %w", office.ErrUnavailable, err)
	}
	return wrap("commit", err)
}

// Rollback implements office.Tx; after Commit or Rollback it is a no-op.
func (t *tx) Rollback() error {
	defer t.end()
	err := t.tx.Rollback(context.Background())
	if errors.Is(err, pgx.ErrTxClosed) {
		return nil
	}
	return wrap("rollback", err)
}

// end counts the transaction out of the store's open ones, once.
func (t *tx) end() {
	if !t.ended.Swap(true) {
		t.s.open.Add(-1)
	}
}
