package pgstore_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/pgstore"
	"github.com/shuangsuiji/ssj/office/pgstore/pgtest"
	"github.com/shuangsuiji/ssj/office/sqlitestore"
)

// benchRows makes n snapshot rows shaped like the office's target rows
// (a 18-character key, about 300 bytes of JSON).
func benchRows(n int) []office.Row {
	rows := make([]office.Row, n)
	for i := range rows {
		key := fmt.Sprintf("91440101MA%08d", i)
		rows[i] = office.Row{Key: key, Data: []byte(fmt.Sprintf(
			`{"complaints":0,"departments":["市场监管"],"id":%q,"industry":"C13","last_inspected":"2025-03-0%d","name":"广州市示例贸易有限公司%d","region":"440104","risk":"B","serious_violation":false,"size":"small","special_supervision":false}`,
			key, i%9+1, i))}
	}
	return rows
}

// importSnapshot writes one snapshot of rows in batches of 4096 (the
// office's batch) in one writable transaction, commit included.
func importSnapshot(b *testing.B, st office.Store, id string, rows []office.Row) {
	tx, err := st.Begin(ctx, true)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	if err := tx.AppendEvent(ctx, ev(0)); err != nil {
		b.Fatal(err)
	}
	if err := tx.CreateSnapshot(ctx, office.Snapshot{ID: id, Pool: "targets", At: time.Unix(0, 0), Count: int64(len(rows)), EventHash: ev(0).Hash}); err != nil {
		b.Fatal(err)
	}
	for lo := 0; lo < len(rows); lo += 4096 {
		if err := tx.PutRows(ctx, id, rows[lo:min(lo+4096, len(rows))]); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkImport: a snapshot of 1M rows into a new PostgreSQL schema
// (COPY; issue 11 goal: <= 3 s), and into a new SQLite file as the
// baseline. For PostgreSQL it also reports the CPU time the server (when
// local) and this process spent per import: on a shared machine the wall
// time depends on the load, the CPU time does not. Run with a server up
// (.ci/pg.sh):
//
//	go test -run '^$' -bench Import -benchtime 3x -count 3 ./office/pgstore/
func BenchmarkImport(b *testing.B) {
	const n = 1_000_000
	rows := benchRows(n)
	b.Run("postgres", func(b *testing.B) {
		dsn := pgtest.DSN(b)
		var server, client time.Duration
		for b.Loop() {
			b.StopTimer()
			st, err := pgstore.Open(ctx, dsn, pgstore.Options{Schema: pgtest.Schema(b, dsn)})
			if err != nil {
				b.Fatal(err)
			}
			s0, c0 := serverCPU(dsn), selfCPU()
			b.StartTimer()
			importSnapshot(b, st, "big", rows)
			b.StopTimer()
			server += serverCPU(dsn) - s0
			client += selfCPU() - c0
			st.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		// CPU seconds per import, which the machine's load does not change.
		b.ReportMetric(server.Seconds()/float64(b.N), "server-cpu-s/op")
		b.ReportMetric(client.Seconds()/float64(b.N), "client-cpu-s/op")
	})
	b.Run("sqlite", func(b *testing.B) {
		var client time.Duration
		for b.Loop() {
			b.StopTimer()
			st, err := sqlitestore.Open(ctx, filepath.Join(b.TempDir(), "ssj.db"), sqlitestore.Options{})
			if err != nil {
				b.Fatal(err)
			}
			c0 := selfCPU()
			b.StartTimer()
			importSnapshot(b, st, "big", rows)
			b.StopTimer()
			client += selfCPU() - c0
			st.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		b.ReportMetric(client.Seconds()/float64(b.N), "client-cpu-s/op")
	})
}
