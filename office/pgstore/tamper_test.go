package pgstore_test

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/pgstore"
	"github.com/shuangsuiji/ssj/office/pgstore/pgtest"
)

// The office's tables, in an order that keeps references valid.
var tables = []string{"events", "objects", "snapshots", "snapshot_rows"}

// demoSchema runs the whole demo flow on a new schema and returns it; the
// schema lives as long as t.
func demoSchema(t *testing.T, dsn string) string {
	t.Helper()
	schema := pgtest.Schema(t, dsn)
	st, err := pgstore.Open(ctx, dsn, pgstore.Options{Schema: schema})
	require.NoError(t, err)
	defer st.Close()
	o, clock, err := demo.New(st)
	require.NoError(t, err)
	_, err = demo.Run(ctx, o, clock, nil)
	require.NoError(t, err)
	return schema
}

// copyDemo makes a fresh schema (migrated by Open) holding a copy of the
// base schema's rows.
func copyDemo(t *testing.T, dsn, base string) string {
	t.Helper()
	schema := pgtest.Schema(t, dsn)
	st, err := pgstore.Open(ctx, dsn, pgstore.Options{Schema: schema})
	require.NoError(t, err)
	require.NoError(t, st.Close())
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	b := &pgx.Batch{}
	for _, tb := range tables {
		b.Queue(`INSERT INTO ` + pgx.Identifier{schema, tb}.Sanitize() + ` SELECT * FROM ` + pgx.Identifier{base, tb}.Sanitize())
	}
	b.Queue(`SELECT setval(pg_get_serial_sequence($1, 'sid'), (SELECT MAX(sid) FROM `+pgx.Identifier{schema, "snapshots"}.Sanitize()+`))`,
		pgx.Identifier{schema, "snapshots"}.Sanitize())
	require.NoError(t, conn.SendBatch(ctx, b).Close())
	return schema
}

// behindTheBack runs SQL on the schema directly, foreign-key triggers off
// (session_replication_role = replica), as someone with write access to
// the database would.
func behindTheBack(t *testing.T, dsn, schema, stmt string) {
	t.Helper()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `SET search_path TO `+pgx.Identifier{schema}.Sanitize()+`; SET session_replication_role = replica`)
	require.NoError(t, err)
	tag, err := conn.Exec(ctx, stmt)
	require.NoError(t, err, stmt)
	require.Positive(t, tag.RowsAffected(), "the edit must change something: %s", stmt)
}

func audit(t *testing.T, dsn, schema string) office.AuditReport {
	t.Helper()
	st, err := pgstore.Open(ctx, dsn, pgstore.Options{Schema: schema})
	require.NoError(t, err)
	defer st.Close()
	_, ring, err := demo.Keys()
	require.NoError(t, err)
	rep, err := office.Audit(ctx, st, office.AuditOptions{Authority: ring})
	require.NoError(t, err)
	return rep
}

const zeros = "0000000000000000000000000000000000000000000000000000000000000000"

// text and bytes convert a bytea column to text and back, for edits of
// the JSON it holds.
func text(col string) string   { return "convert_from(" + col + ",'UTF8')" }
func bytes(expr string) string { return "convert_to(" + expr + ",'UTF8')" }

// Issue 11, after issue 10's SQLite test (office/tamper_test.go), case for
// case: any single edit of any row of the PostgreSQL store made behind the
// office's back — a changed value, a deleted row, an inserted row — is
// caught by Audit, which names the table, the ID and the field (rules R29,
// R31). Under -race or -short, one case in six runs (every table still
// gets its cases).
func TestAuditCatchesEditsBehindTheBack(t *testing.T) {
	dsn := pgtest.DSN(t)
	base := demoSchema(t, dsn)
	const lastSeq = `(SELECT MAX(seq) FROM events)`
	const aNotice = `kind='notice' AND id=(SELECT MIN(id) FROM objects WHERE kind='notice')`
	const aResult = `kind='result' AND id=(SELECT MIN(id) FROM objects WHERE kind='result')`
	const targets = `id='targets-2026-09-01'`
	const tsid = `(SELECT sid FROM snapshots WHERE id='targets-2026-09-01')`
	const aRow = `sid=` + tsid + ` AND key=(SELECT MIN(key) FROM snapshot_rows WHERE sid=` + tsid + `)`
	cases := []struct {
		name, sql, table string
	}{
		{"events: body edited", `UPDATE events SET body=` + bytes(`replace(`+text("body")+`,'"actor":"','"actor":"X')`) + ` WHERE seq=7`, "events"},
		{"events: hash edited", `UPDATE events SET hash='` + zeros + `' WHERE seq=3`, "events"},
		{"events: seq edited", `UPDATE events SET seq=seq+1000000 WHERE seq=20`, "events"},
		{"events: middle event deleted", `DELETE FROM events WHERE seq=10`, "events"},
		{"events: last event deleted", `DELETE FROM events WHERE seq=` + lastSeq, "objects"},
		{"events: event inserted", `INSERT INTO events(seq,hash,body) SELECT MAX(seq)+1, '` + zeros + `', ` + bytes(`'{}'`) + ` FROM events`, "events"},
		{"objects: body edited", `UPDATE objects SET body=body||` + bytes(`' '`) + ` WHERE ` + aResult + ` AND rev=1`, "objects"},
		{"objects: latest body edited", `UPDATE objects SET body=` + bytes(`replace(`+text("body")+`,'no_problem','problem')`) + ` WHERE kind='result' AND position('no_problem' in ` + text("body") + `)>0 AND rev=(SELECT MAX(rev) FROM objects o WHERE o.kind='result' AND o.id=objects.id)`, "objects"},
		{"objects: event_hash edited", `UPDATE objects SET event_hash='` + zeros + `' WHERE ` + aNotice, "objects"},
		{"objects: event_seq edited", `UPDATE objects SET event_seq=event_seq+1 WHERE ` + aNotice, "objects"},
		{"objects: kind edited", `UPDATE objects SET kind='noticf' WHERE ` + aNotice, "objects"},
		{"objects: id edited", `UPDATE objects SET id=id||'X' WHERE ` + aNotice, "objects"},
		{"objects: rev edited", `UPDATE objects SET rev=7 WHERE kind='task'`, "objects"},
		{"objects: row deleted", `DELETE FROM objects WHERE ` + aNotice, "objects"},
		{"objects: first revision deleted", `DELETE FROM objects WHERE kind='record' AND rev=1`, "objects"},
		{"objects: latest revision deleted", `DELETE FROM objects WHERE kind='record' AND rev=(SELECT MAX(rev) FROM objects WHERE kind='record')`, "objects"},
		{"objects: row inserted", `INSERT INTO objects SELECT kind, id||'-copy', rev, event_seq, event_hash, body FROM objects WHERE ` + aNotice, "objects"},
		{"objects: revision inserted", `INSERT INTO objects SELECT kind, id, rev+1, event_seq, event_hash, body FROM objects WHERE kind='task'`, "objects"},
		{"snapshots: pool edited", `UPDATE snapshots SET pool='inspectors' WHERE ` + targets, "snapshots"},
		{"snapshots: at edited", `UPDATE snapshots SET at_ns=at_ns-1 WHERE ` + targets, "snapshots"},
		{"snapshots: count edited", `UPDATE snapshots SET count=count+1 WHERE ` + targets, "snapshots"},
		{"snapshots: root edited", `UPDATE snapshots SET root='` + zeros + `' WHERE ` + targets, "snapshots"},
		{"snapshots: digest edited", `UPDATE snapshots SET digest='` + zeros + `' WHERE ` + targets, "snapshots"},
		{"snapshots: event_seq edited", `UPDATE snapshots SET event_seq=event_seq+1 WHERE ` + targets, "snapshots"},
		{"snapshots: event_hash edited", `UPDATE snapshots SET event_hash='` + zeros + `' WHERE ` + targets, "snapshots"},
		{"snapshots: id edited", `UPDATE snapshots SET id='targets-x' WHERE ` + targets, "snapshots"},
		{"snapshots: sid edited", `UPDATE snapshots SET sid=sid+100 WHERE ` + targets, "snapshot_rows"},
		{"snapshots: row deleted", `DELETE FROM snapshots WHERE ` + targets, "snapshots"},
		{"snapshots: row inserted", `INSERT INTO snapshots(id,pool,at_ns,count,root,digest,event_seq,event_hash) SELECT 'targets-y',pool,at_ns+1,count,root,digest,event_seq,event_hash FROM snapshots WHERE ` + targets, "snapshots"},
		{"snapshot_rows: data edited (name)", `UPDATE snapshot_rows SET data=` + bytes(`replace(`+text("data")+`,'"name":"','"name":"X')`) + ` WHERE ` + aRow, "snapshot_rows"},
		{"snapshot_rows: data edited (leaf)", `UPDATE snapshot_rows SET data=` + bytes(`replace(`+text("data")+`,'"complaints":','"complaints":1')`) + ` WHERE ` + aRow, "snapshot_rows"},
		{"snapshot_rows: key edited", `UPDATE snapshot_rows SET key=key||'X' WHERE ` + aRow, "snapshot_rows"},
		{"snapshot_rows: sid edited", `UPDATE snapshot_rows SET sid=(SELECT MIN(sid) FROM snapshots WHERE id LIKE 'inspectors%') WHERE ` + aRow, "snapshot_rows"},
		{"snapshot_rows: row deleted", `DELETE FROM snapshot_rows WHERE ` + aRow, "snapshot_rows"},
		{"snapshot_rows: row inserted", `INSERT INTO snapshot_rows SELECT sid, key||'0', data FROM snapshot_rows WHERE ` + aRow, "snapshot_rows"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if (raceEnabled || testing.Short()) && i%6 != 0 {
				t.Skip("one case in six under -race or -short")
			}
			schema := copyDemo(t, dsn, base)
			behindTheBack(t, dsn, schema, c.sql)
			rep := audit(t, dsn, schema)
			require.False(t, rep.OK, "the edit went unnoticed")
			require.NotNil(t, rep.Problem)
			assert.Equal(t, c.table, rep.Problem.Table, "%s", rep.Problem)
			assert.NotEmpty(t, rep.Problem.ID)
			assert.NotEmpty(t, rep.Problem.Field)
		})
	}

	// What Audit does not read is harmless: schema_migrations' applied_at,
	// and the physical layout (VACUUM FULL rewrites every table).
	t.Run("harmless edits", func(t *testing.T) {
		schema := copyDemo(t, dsn, base)
		rep := audit(t, dsn, schema)
		require.True(t, rep.OK, "%+v", rep.Problem)
		behindTheBack(t, dsn, schema, `UPDATE schema_migrations SET applied_at='1970-01-01T00:00:00Z'`)
		conn, err := pgx.Connect(ctx, dsn)
		require.NoError(t, err)
		for _, tb := range tables {
			_, err := conn.Exec(ctx, `VACUUM FULL `+pgx.Identifier{schema, tb}.Sanitize())
			require.NoError(t, err)
		}
		conn.Close(ctx)
		rep = audit(t, dsn, schema)
		require.True(t, rep.OK, "%+v", rep.Problem)
	})

	// Reading state back re-checks its binding: an edited result is
	// refused by the office itself, not only by Audit.
	t.Run("read rechecks binding", func(t *testing.T) {
		schema := copyDemo(t, dsn, base)
		behindTheBack(t, dsn, schema, `UPDATE objects SET body=`+bytes(`replace(`+text("body")+`,'no_problem','problem')`)+` WHERE kind='result' AND id=(SELECT MAX(id) FROM objects WHERE kind='result')`)
		st, err := pgstore.Open(ctx, dsn, pgstore.Options{Schema: schema})
		require.NoError(t, err)
		defer st.Close()
		o, _, err := demo.New(st)
		require.NoError(t, err)
		tx, err := st.Begin(ctx, false)
		require.NoError(t, err)
		objs, err := tx.Latest(ctx, office.KindResult, "", 1000)
		require.NoError(t, err)
		require.NoError(t, tx.Rollback())
		_, err = o.Result(ctx, objs[len(objs)-1].ID)
		var be *office.BindingError
		require.ErrorAs(t, err, &be)
		assert.Equal(t, "body", be.Field)
		assert.ErrorIs(t, err, office.ErrConflict)
		assert.True(t, strings.Contains(err.Error(), objs[len(objs)-1].ID), "%v", err)
	})
}
