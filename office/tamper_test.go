package office_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/sqlitestore"
)

var (
	baseOnce sync.Once
	baseDB   []byte
	baseErr  error
)

// demoDB returns the bytes of a SQLite store holding the whole demo flow.
func demoDB(t *testing.T) []byte {
	t.Helper()
	baseOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ssj-tamper")
		if err != nil {
			baseErr = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "base.db")
		st, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
		if err != nil {
			baseErr = err
			return
		}
		o, clock, err := demo.New(st)
		if err == nil {
			_, err = demo.Run(ctx, o, clock, nil)
		}
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			baseErr = err
			return
		}
		baseDB, baseErr = os.ReadFile(path)
	})
	require.NoError(t, baseErr)
	return baseDB
}

// copyDemo writes the demo store to a fresh file and returns its path.
func copyDemo(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "ssj.db")
	require.NoError(t, os.WriteFile(path, demoDB(t), 0o600))
	return path
}

// behindTheBack runs SQL on the file directly, foreign keys off, as
// someone with write access to the file would.
func behindTheBack(t *testing.T, path, stmt string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	defer db.Close()
	res, err := db.Exec(stmt)
	require.NoError(t, err, stmt)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	require.Positive(t, n, "the edit must change something: %s", stmt)
}

func audit(t *testing.T, path string) office.AuditReport {
	t.Helper()
	st, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
	require.NoError(t, err)
	defer st.Close()
	_, ring, err := demo.Keys()
	require.NoError(t, err)
	rep, err := office.Audit(ctx, st, office.AuditOptions{Authority: ring})
	require.NoError(t, err)
	return rep
}

// Issue 10: any single edit of any row made behind the office's back —
// a changed value, a deleted row, an inserted row — is caught by Audit,
// which names the table, the ID and the field (rules R29, R31).
func TestAuditCatchesEditsBehindTheBack(t *testing.T) {
	const lastSeq = `(SELECT MAX(seq) FROM events)`
	const aNotice = `kind='notice' AND id=(SELECT MIN(id) FROM objects WHERE kind='notice')`
	const aResult = `kind='result' AND id=(SELECT MIN(id) FROM objects WHERE kind='result')`
	const targets = `id='targets-2026-09-01'`
	const tsid = `(SELECT sid FROM snapshots WHERE id='targets-2026-09-01')`
	const aRow = `sid=` + tsid + ` AND key=(SELECT MIN(key) FROM snapshot_rows WHERE sid=` + tsid + `)`
	cases := []struct {
		name, sql, table string
	}{
		{"events: body edited", `UPDATE events SET body=CAST(replace(CAST(body AS TEXT),'"actor":"','"actor":"X') AS BLOB) WHERE seq=7`, "events"},
		{"events: hash edited", `UPDATE events SET hash='` + zeros + `' WHERE seq=3`, "events"},
		{"events: seq edited", `UPDATE events SET seq=seq+1000000 WHERE seq=20`, "events"},
		{"events: middle event deleted", `DELETE FROM events WHERE seq=10`, "events"},
		{"events: last event deleted", `DELETE FROM events WHERE seq=` + lastSeq, "objects"},
		{"events: event inserted", `INSERT INTO events(seq,hash,body) SELECT MAX(seq)+1, '` + zeros + `', '{}' FROM events`, "events"},
		{"objects: body edited", `UPDATE objects SET body=body||' ' WHERE ` + aResult + ` AND rev=1`, "objects"},
		{"objects: latest body edited", `UPDATE objects SET body=CAST(replace(CAST(body AS TEXT),'no_problem','problem') AS BLOB) WHERE kind='result' AND instr(CAST(body AS TEXT),'no_problem')>0 AND rev=(SELECT MAX(rev) FROM objects o WHERE o.kind='result' AND o.id=objects.id)`, "objects"},
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
		{"snapshot_rows: data edited (name)", `UPDATE snapshot_rows SET data=CAST(replace(CAST(data AS TEXT),'"name":"','"name":"X') AS BLOB) WHERE ` + aRow, "snapshot_rows"},
		{"snapshot_rows: data edited (leaf)", `UPDATE snapshot_rows SET data=CAST(replace(CAST(data AS TEXT),'"complaints":','"complaints":1') AS BLOB) WHERE ` + aRow, "snapshot_rows"},
		{"snapshot_rows: key edited", `UPDATE snapshot_rows SET key=key||'X' WHERE ` + aRow, "snapshot_rows"},
		{"snapshot_rows: sid edited", `UPDATE snapshot_rows SET sid=(SELECT sid FROM snapshots WHERE id LIKE 'inspectors%') WHERE ` + aRow, "snapshot_rows"},
		{"snapshot_rows: row deleted", `DELETE FROM snapshot_rows WHERE ` + aRow, "snapshot_rows"},
		{"snapshot_rows: row inserted", `INSERT INTO snapshot_rows SELECT sid, key||'0', data FROM snapshot_rows WHERE ` + aRow, "snapshot_rows"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := copyDemo(t)
			behindTheBack(t, path, c.sql)
			rep := audit(t, path)
			require.False(t, rep.OK, "the edit went unnoticed")
			require.NotNil(t, rep.Problem)
			assert.Equal(t, c.table, rep.Problem.Table, "%s", rep.Problem)
			assert.NotEmpty(t, rep.Problem.ID)
			assert.NotEmpty(t, rep.Problem.Field)
		})
	}
}

const zeros = "0000000000000000000000000000000000000000000000000000000000000000"

// The one table Audit does not read is schema_migrations' applied_at: an
// edit there is harmless (documented in the package doc).
func TestAuditHarmlessEdit(t *testing.T) {
	path := copyDemo(t)
	rep := audit(t, path)
	require.True(t, rep.OK, "%+v", rep.Problem)
	behindTheBack(t, path, `UPDATE schema_migrations SET applied_at='1970-01-01T00:00:00Z'`)
	rep = audit(t, path)
	require.True(t, rep.OK, "%+v", rep.Problem)
}

// Reading state back re-checks its binding: an edited result is refused
// by the office itself, not only by Audit.
func TestReadRechecksBinding(t *testing.T) {
	path := copyDemo(t)
	behindTheBack(t, path, `UPDATE objects SET body=CAST(replace(CAST(body AS TEXT),'no_problem','problem') AS BLOB) WHERE kind='result' AND id=(SELECT MAX(id) FROM objects WHERE kind='result')`)
	st, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
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
}
