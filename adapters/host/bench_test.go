package host_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/memstore"
	"github.com/shuangsuiji/ssj/office/sqlitestore"
)

// Benchmarks (issue 11, performance): a registry snapshot streamed through
// a plugin, and a small store call through a plugin, each against the
// same work on the in-process memstore as the baseline. The plugin serves
// a memstore too (faultplugin -mem), so the figures are the protocol's
// cost, not a database's; BenchmarkSnapshotRead also runs on SQLite.
//
//	go test -run '^$' -bench . -count 5 ./adapters/host/

const (
	benchRows = 1_000_000
	readPage  = 4096   // office reads snapshots in pages of this size (office/registry.go rowBatch)
	writeCall = 10_000 // rows per PutRows call
)

// benchStore opens one of the benchmarked stores: memstore in process or
// in a plugin, SQLite in process or in a plugin.
func benchStore(b *testing.B, name string) office.Store {
	ctx := context.Background()
	var st office.Store
	var err error
	switch name {
	case "inprocess":
		return memstore.New()
	case "plugin":
		plugins(b)
		st, err = testHost(b, "fault", &faultPlugin, "-mem").OpenStore(ctx, "fault", "")
	case "sqlite-inprocess":
		st, err = sqlitestore.Open(ctx, filepath.Join(b.TempDir(), "ssj.db"), sqlitestore.Options{})
	case "sqlite-plugin":
		plugins(b)
		st, err = testHost(b, "sqlite", &sqlitePlugin, "-path", filepath.Join(b.TempDir(), "ssj.db")).OpenStore(ctx, "sqlite", "")
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// importRows imports a snapshot with its trail event seq.
func importRows(ctx context.Context, st office.Store, seq int64, id string, rows []office.Row) error {
	tx, err := st.Begin(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.AppendEvent(ctx, ev(seq)); err != nil {
		return err
	}
	if err := tx.CreateSnapshot(ctx, office.Snapshot{ID: id, Pool: "targets", Count: int64(len(rows)), EventSeq: seq, EventHash: ev(seq).Hash}); err != nil {
		return err
	}
	for i := 0; i < len(rows); i += writeCall {
		if err := tx.PutRows(ctx, id, rows[i:min(i+writeCall, len(rows))]); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func readAll(ctx context.Context, st office.Store, id string) (int, error) {
	tx, err := st.Begin(ctx, false)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n, after := 0, ""
	for {
		rows, err := tx.Rows(ctx, id, after, readPage)
		if err != nil {
			return n, err
		}
		n += len(rows)
		if len(rows) < readPage {
			return n, nil
		}
		after = rows[len(rows)-1].Key
	}
}

// BenchmarkSnapshotRead streams 1M rows (~130 bytes each) from the store
// to the host, in pages of 4096 rows as the office reads them; memstore
// and SQLite, each in process (the baseline) and as a plugin.
func BenchmarkSnapshotRead(b *testing.B) {
	ctx := context.Background()
	rows := rowsN(benchRows)
	for _, name := range []string{"inprocess", "plugin", "sqlite-inprocess", "sqlite-plugin"} {
		b.Run(name, func(b *testing.B) {
			st := benchStore(b, name)
			if err := importRows(ctx, st, 0, "big", rows); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				n, err := readAll(ctx, st, "big")
				if err != nil || n != benchRows {
					b.Fatalf("read %d rows: %v", n, err)
				}
			}
			b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkSnapshotImport streams 1M rows from the host into the store,
// 10,000 rows a PutRows call, in one transaction.
func BenchmarkSnapshotImport(b *testing.B) {
	ctx := context.Background()
	rows := rowsN(benchRows)
	for _, name := range []string{"inprocess", "plugin"} {
		b.Run(name, func(b *testing.B) {
			st := benchStore(b, name)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := importRows(ctx, st, int64(i), fmt.Sprintf("s%d", i), rows); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkSmallCall is one Get of a small object inside an open
// transaction (one round trip to the plugin); BenchmarkSmallTx is a whole
// read transaction: Begin, Get, Rollback.
func BenchmarkSmallCall(b *testing.B) {
	ctx := context.Background()
	for _, name := range []string{"inprocess", "plugin"} {
		b.Run(name, func(b *testing.B) {
			st := benchStore(b, name)
			if err := step(ctx, st, 0, obj("task", "T1", 0)); err != nil {
				b.Fatal(err)
			}
			tx, err := st.Begin(ctx, false)
			if err != nil {
				b.Fatal(err)
			}
			defer tx.Rollback()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := tx.Get(ctx, "task", "T1"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSmallTx(b *testing.B) {
	ctx := context.Background()
	for _, name := range []string{"inprocess", "plugin"} {
		b.Run(name, func(b *testing.B) {
			st := benchStore(b, name)
			if err := step(ctx, st, 0, obj("task", "T1", 0)); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				tx, err := st.Begin(ctx, false)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tx.Get(ctx, "task", "T1"); err != nil {
					b.Fatal(err)
				}
				if err := tx.Rollback(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
