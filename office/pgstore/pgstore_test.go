package pgstore_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/pgstore"
	"github.com/shuangsuiji/ssj/office/pgstore/pgtest"
	"github.com/shuangsuiji/ssj/office/storetest"
)

var ctx = context.Background()

// open opens a store on a fresh schema of the test server.
func open(t *testing.T, opt pgstore.Options) (*pgstore.Store, string) {
	t.Helper()
	dsn := pgtest.DSN(t)
	opt.Schema = pgtest.Schema(t, dsn)
	st, err := pgstore.Open(ctx, dsn, opt)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st, dsn
}

// The office's conformance suite, unchanged, each test on a fresh schema.
func TestConformance(t *testing.T) {
	dsn := pgtest.DSN(t)
	opt := storetest.Options{}
	if raceEnabled || testing.Short() {
		opt.BigRows = 5000
	}
	storetest.Run(t, func(t *testing.T) func() (office.Store, error) {
		schema := pgtest.Schema(t, dsn)
		return func() (office.Store, error) {
			return pgstore.Open(ctx, dsn, pgstore.Options{Schema: schema})
		}
	}, opt)
}

func ev(seq int64) office.Event {
	return office.Event{Seq: seq, Hash: fmt.Sprintf("%064x", seq+1), Body: []byte(fmt.Sprintf(`{"seq":%d}`, seq))}
}

func begin(t *testing.T, st office.Store, writable bool) office.Tx {
	t.Helper()
	tx, err := st.Begin(ctx, writable)
	require.NoError(t, err)
	t.Cleanup(func() { tx.Rollback() })
	return tx
}

// exec runs SQL on the store's schema behind its back.
func exec(t *testing.T, dsn, schema, stmt string, args ...any) {
	t.Helper()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `SET search_path TO `+pgx.Identifier{schema}.Sanitize())
	require.NoError(t, err)
	_, err = conn.Exec(ctx, stmt, args...)
	require.NoError(t, err, stmt)
}

// Migrations: a second Open applies nothing; a store written by a newer
// program (a higher schema version) is refused.
func TestMigrations(t *testing.T) {
	st, dsn := open(t, pgstore.Options{})
	v, err := st.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, v)
	st2, err := pgstore.Open(ctx, dsn, pgstore.Options{Schema: st.Schema()})
	require.NoError(t, err)
	v, err = st2.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, v)
	st2.Close()
	exec(t, dsn, st.Schema(), `INSERT INTO schema_migrations(version,name,applied_at) VALUES(99,'future',now())`)
	_, err = pgstore.Open(ctx, dsn, pgstore.Options{Schema: st.Schema()})
	require.ErrorIs(t, err, office.ErrPrecondition)
	assert.Contains(t, err.Error(), "schema version 99")
}

// Stores opening a new schema at the same time migrate it once.
func TestConcurrentOpen(t *testing.T) {
	dsn := pgtest.DSN(t)
	schema := pgtest.Schema(t, dsn)
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			st, err := pgstore.Open(ctx, dsn, pgstore.Options{Schema: schema})
			if err == nil {
				st.Close()
			}
			errs <- err
		}()
	}
	for i := 0; i < 4; i++ {
		require.NoError(t, <-errs)
	}
}

// The schema may come from the DSN's search_path, as the CLI passes it.
func TestSchemaFromSearchPath(t *testing.T) {
	dsn := pgtest.DSN(t)
	schema := pgtest.Schema(t, dsn)
	st, err := pgstore.Open(ctx, pgtest.URL(t, dsn, schema), pgstore.Options{})
	require.NoError(t, err)
	defer st.Close()
	assert.Equal(t, schema, st.Schema())
	assert.Contains(t, st.String(), "schema "+schema)
	_, err = pgstore.Open(ctx, pgtest.URL(t, dsn, "a,b"), pgstore.Options{})
	require.ErrorIs(t, err, office.ErrPrecondition)
	assert.Contains(t, err.Error(), "name one schema")
}

// A bad connection string is refused without echoing it (it may hold a
// password); an unreachable server is ErrUnavailable.
func TestOpenErrors(t *testing.T) {
	_, err := pgstore.Open(ctx, "postgres://u:s3cret@[::1", pgstore.Options{})
	require.ErrorIs(t, err, office.ErrPrecondition)
	assert.NotContains(t, err.Error(), "s3cret")
	c, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err = pgstore.Open(c, "postgres://u:s3cret@127.0.0.1:1/x?connect_timeout=2", pgstore.Options{})
	require.ErrorIs(t, err, office.ErrUnavailable)
	assert.NotContains(t, err.Error(), "s3cret")
}

// Foreign keys hold: an object naming an event that does not exist is
// refused when the transaction commits.
func TestForeignKeys(t *testing.T) {
	st, _ := open(t, pgstore.Options{})
	tx := begin(t, st, true)
	require.NoError(t, tx.Put(ctx, office.Object{Kind: "k", ID: "i", Rev: 1, EventSeq: 5, EventHash: "h", Body: []byte("{}")}))
	require.ErrorIs(t, tx.Commit(), office.ErrConflict)
}

// A failed call leaves the transaction usable, as with SQLite: a
// duplicate row key (the COPY runs in a savepoint), a repeated snapshot
// ID, a key PostgreSQL text cannot hold.
func TestFailedCallKeepsTransaction(t *testing.T) {
	st, _ := open(t, pgstore.Options{})
	tx := begin(t, st, true)
	require.NoError(t, tx.AppendEvent(ctx, ev(0)))
	require.NoError(t, tx.CreateSnapshot(ctx, office.Snapshot{ID: "s", Pool: "targets", At: time.Unix(1, 0), EventHash: ev(0).Hash}))
	require.NoError(t, tx.PutRows(ctx, "s", []office.Row{{Key: "a", Data: []byte("A")}, {Key: "b", Data: []byte("B")}}))
	err := tx.PutRows(ctx, "s", []office.Row{{Key: "c", Data: []byte("C")}, {Key: "a", Data: []byte("dup")}})
	require.ErrorIs(t, err, office.ErrConflict)
	assert.Contains(t, err.Error(), `starting at key "c"`)
	require.ErrorIs(t, tx.CreateSnapshot(ctx, office.Snapshot{ID: "s", Pool: "targets"}), office.ErrConflict)
	require.ErrorIs(t, tx.Put(ctx, office.Object{Kind: "k", ID: "nul\x00", Rev: 1, EventHash: ev(0).Hash}), office.ErrPrecondition)
	require.ErrorIs(t, tx.PutRows(ctx, "s", []office.Row{{Key: "\xff"}}), office.ErrPrecondition)
	_, err = tx.Get(ctx, "k", "\xff")
	require.ErrorIs(t, err, office.ErrNotFound)
	require.ErrorIs(t, tx.AppendEvent(ctx, office.Event{Seq: 1, Hash: ev(0).Hash, Body: []byte("{}")}), office.ErrConflict, "a repeated hash")
	require.NoError(t, tx.PutRows(ctx, "s", []office.Row{{Key: "c", Data: []byte("C")}}))
	require.NoError(t, tx.Commit())
	rtx := begin(t, st, false)
	rows, err := rtx.Rows(ctx, "s", "", -1)
	require.NoError(t, err)
	assert.Equal(t, []office.Row{{Key: "a", Data: []byte("A")}, {Key: "b", Data: []byte("B")}, {Key: "c", Data: []byte("C")}}, rows)
}

// Keys come back in byte order, whatever the database's collation: "B"
// before "a", and a multi-byte character after every ASCII one.
func TestByteOrder(t *testing.T) {
	st, _ := open(t, pgstore.Options{})
	tx := begin(t, st, true)
	require.NoError(t, tx.AppendEvent(ctx, ev(0)))
	require.NoError(t, tx.CreateSnapshot(ctx, office.Snapshot{ID: "s", Pool: "targets", EventHash: ev(0).Hash}))
	keys := []string{"a", "B", "张", "_", "a-1", "a1", "Z"}
	var rows []office.Row
	for _, k := range keys {
		rows = append(rows, office.Row{Key: k, Data: []byte(k)})
		require.NoError(t, tx.Put(ctx, office.Object{Kind: "task", ID: k, Rev: 1, EventHash: ev(0).Hash}))
	}
	require.NoError(t, tx.PutRows(ctx, "s", rows))
	want := []string{"B", "Z", "_", "a", "a-1", "a1", "张"}
	got, err := tx.Rows(ctx, "s", "", 100)
	require.NoError(t, err)
	var gotKeys []string
	for _, r := range got {
		gotKeys = append(gotKeys, r.Key)
	}
	assert.Equal(t, want, gotKeys)
	objs, err := tx.Latest(ctx, "task", "Z", 100)
	require.NoError(t, err)
	gotKeys = gotKeys[:0]
	for _, o := range objs {
		gotKeys = append(gotKeys, o.ID)
	}
	assert.Equal(t, want[2:], gotKeys)
}

// Writers queue: a second writer waits for the first, then sees its
// commit; one that waits longer than LockTimeout gets ErrUnavailable.
// Readers do not wait.
func TestWritersQueue(t *testing.T) {
	st, dsn := open(t, pgstore.Options{LockTimeout: 300 * time.Millisecond})
	first := begin(t, st, true)
	require.NoError(t, first.AppendEvent(ctx, ev(0)))

	r := begin(t, st, false)
	_, err := r.LastEvent(ctx)
	require.ErrorIs(t, err, office.ErrNotFound, "a reader does not see uncommitted writes, and does not wait")

	start := time.Now()
	_, err = st.Begin(ctx, true)
	require.ErrorIs(t, err, office.ErrUnavailable)
	assert.GreaterOrEqual(t, time.Since(start), 250*time.Millisecond)

	st2, err := pgstore.Open(ctx, dsn, pgstore.Options{Schema: st.Schema()})
	require.NoError(t, err)
	defer st2.Close()
	got := make(chan error, 1)
	go func() {
		tx, err := st2.Begin(ctx, true)
		if err != nil {
			got <- err
			return
		}
		defer tx.Rollback()
		// The waiting writer's snapshot is taken after the first commits.
		if err := tx.AppendEvent(ctx, ev(1)); err != nil {
			got <- err
			return
		}
		got <- tx.Commit()
	}()
	time.Sleep(100 * time.Millisecond)
	require.NoError(t, first.Commit())
	require.NoError(t, <-got)

	_, err = r.LastEvent(ctx)
	require.ErrorIs(t, err, office.ErrNotFound, "a read-only transaction keeps its snapshot")
	r2 := begin(t, st, false)
	last, err := r2.LastEvent(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1), last.Seq)
}

// A context cancelled after Begin makes Commit fail, and nothing is stored.
func TestCancelBeforeCommit(t *testing.T) {
	st, _ := open(t, pgstore.Options{})
	c, cancel := context.WithCancel(ctx)
	tx, err := st.Begin(c, true)
	require.NoError(t, err)
	require.NoError(t, tx.AppendEvent(c, ev(0)))
	cancel()
	require.ErrorIs(t, tx.AppendEvent(c, ev(1)), office.ErrUnavailable)
	require.ErrorIs(t, tx.Commit(), office.ErrUnavailable)
	require.NoError(t, tx.Rollback())
	r := begin(t, st, false)
	_, err = r.LastEvent(ctx)
	require.ErrorIs(t, err, office.ErrNotFound)
	// The store still works.
	w := begin(t, st, true)
	require.NoError(t, w.AppendEvent(ctx, ev(0)))
	require.NoError(t, w.Commit())
}

// A closed store refuses work with ErrUnavailable. Close does not wait
// for an open transaction, which can still finish.
func TestClosed(t *testing.T) {
	st, _ := open(t, pgstore.Options{})
	tx, err := st.Begin(ctx, true)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- st.Close() }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Close waited for the open transaction")
	}
	require.NoError(t, st.Close())
	_, err = st.Begin(ctx, false)
	require.ErrorIs(t, err, office.ErrUnavailable)
	require.NoError(t, tx.AppendEvent(ctx, ev(0)))
	require.NoError(t, tx.Commit())
	require.NoError(t, tx.Rollback())
}

// With MustExist, a schema holding no store is refused, not created.
func TestMustExist(t *testing.T) {
	dsn := pgtest.DSN(t)
	schema := pgtest.Schema(t, dsn)
	_, err := pgstore.Open(ctx, dsn, pgstore.Options{Schema: schema, MustExist: true})
	require.ErrorIs(t, err, office.ErrNotFound)
	st, err := pgstore.Open(ctx, dsn, pgstore.Options{Schema: schema})
	require.NoError(t, err)
	st.Close()
	st, err = pgstore.Open(ctx, dsn, pgstore.Options{Schema: schema, MustExist: true})
	require.NoError(t, err)
	st.Close()
}

// A writer that bypasses the store (no writer_lock) and races a store
// writer in a read-write cycle makes PostgreSQL abort the store's
// transaction with a serialization failure: the store reports it as
// office.ErrConflict, the office's "lost a race: retry the step".
func TestSerializationFailureIsConflict(t *testing.T) {
	st, dsn := open(t, pgstore.Options{})
	w := begin(t, st, true)
	require.NoError(t, w.AppendEvent(ctx, ev(0)))
	require.NoError(t, w.CreateSnapshot(ctx, office.Snapshot{ID: "s", Pool: "targets", EventHash: ev(0).Hash}))
	require.NoError(t, w.Commit())

	w = begin(t, st, true)
	_, err := w.LastEvent(ctx) // w reads events
	require.NoError(t, err)

	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `SET search_path TO `+pgx.Identifier{st.Schema()}.Sanitize())
	require.NoError(t, err)
	f, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.Serializable})
	require.NoError(t, err)
	var n int
	require.NoError(t, f.QueryRow(ctx, `SELECT count(*) FROM snapshot_rows`).Scan(&n)) // f reads rows

	err = w.PutRows(ctx, "s", []office.Row{{Key: "a", Data: []byte("A")}}) // w writes rows f read
	if err == nil {
		_, err = f.Exec(ctx, `INSERT INTO events(seq,hash,body) VALUES(1,'h1','{}')`) // f writes what w read
		require.NoError(t, err)
		require.NoError(t, f.Commit(ctx))
		err = w.Commit()
	} else {
		f.Rollback(ctx)
	}
	require.ErrorIs(t, err, office.ErrConflict)
	assert.Contains(t, err.Error(), "retry the step")
}

// The server kills the connection in the middle of a snapshot import (a
// crash, a restart, an operator): the calls fail with ErrUnavailable, the
// store holds nothing of the import, and the next transaction works.
func TestConnectionKilledMidImport(t *testing.T) {
	dsn := pgtest.DSN(t)
	schema := pgtest.Schema(t, dsn)
	u, err := url.Parse(pgtest.URL(t, dsn, schema))
	require.NoError(t, err)
	q := u.Query()
	q.Set("application_name", schema)
	u.RawQuery = q.Encode()
	st, err := pgstore.Open(ctx, u.String(), pgstore.Options{})
	require.NoError(t, err)
	defer st.Close()

	tx := begin(t, st, true)
	require.NoError(t, tx.AppendEvent(ctx, ev(0)))
	require.NoError(t, tx.CreateSnapshot(ctx, office.Snapshot{ID: "s", Pool: "targets", EventHash: ev(0).Hash}))
	require.NoError(t, tx.PutRows(ctx, "s", benchRows(5000)[:4096]))

	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var killed bool
	require.NoError(t, conn.QueryRow(ctx, `SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
		WHERE application_name=$1 AND state LIKE 'idle in transaction%'`, schema).Scan(&killed))
	require.True(t, killed)
	require.ErrorIs(t, tx.PutRows(ctx, "s", benchRows(5000)[4096:]), office.ErrUnavailable)
	require.ErrorIs(t, tx.Commit(), office.ErrUnavailable)
	require.NoError(t, tx.Rollback())

	r := begin(t, st, false)
	_, err = r.LastEvent(ctx)
	require.ErrorIs(t, err, office.ErrNotFound)
	_, err = r.GetSnapshot(ctx, "s")
	require.ErrorIs(t, err, office.ErrNotFound)
	require.NoError(t, r.Rollback())
	w := begin(t, st, true)
	require.NoError(t, w.AppendEvent(ctx, ev(0)))
	require.NoError(t, w.Commit())
}
