package office_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/examples"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/sqlitestore"
	"github.com/shuangsuiji/ssj/registry"
)

// BenchmarkDemoFlowSQLite is the whole demo task flow on a new SQLite file:
// 3000-target registry, 49 drawn, 49 results entered, reviewed, released
// (issue 10 goal: <= 1 s). The million-row figures come from bench/office.
func BenchmarkDemoFlowSQLite(b *testing.B) {
	for b.Loop() {
		st, err := sqlitestore.Open(ctx, filepath.Join(b.TempDir(), "ssj.db"), sqlitestore.Options{})
		if err != nil {
			b.Fatal(err)
		}
		o, clock, err := demo.New(st)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := demo.Run(ctx, o, clock, nil); err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
}

// BenchmarkImportSnapshotSQLite imports the 3000-row sample registry.
func BenchmarkImportSnapshotSQLite(b *testing.B) {
	data, err := examples.Data.ReadFile("data/targets.csv")
	if err != nil {
		b.Fatal(err)
	}
	tab, err := registry.Decode(data, registry.ImportOptions{Pool: registry.PoolTargets})
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		st, err := sqlitestore.Open(ctx, filepath.Join(b.TempDir(), "ssj.db"), sqlitestore.Options{})
		if err != nil {
			b.Fatal(err)
		}
		o, clock, err := demo.New(st)
		if err != nil {
			b.Fatal(err)
		}
		clock.Set(at)
		if _, err := o.ImportSnapshot(ctx, office.Step{Who: "bench", At: at}, office.SnapshotImport{ID: "t", Pool: registry.PoolTargets, At: at, Targets: tab.Targets}); err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
	b.ReportMetric(float64(len(tab.Targets)*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkAuditDemoStore audits the demo store.
func BenchmarkAuditDemoStore(b *testing.B) {
	st, err := sqlitestore.Open(ctx, filepath.Join(b.TempDir(), "ssj.db"), sqlitestore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	o, clock, err := demo.New(st)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := demo.Run(ctx, o, clock, nil); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rep, err := office.Audit(ctx, st, office.AuditOptions{})
		if err != nil || !rep.OK {
			b.Fatal(err, rep.Problem)
		}
	}
}
