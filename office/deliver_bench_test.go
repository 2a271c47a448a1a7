package office_test

import (
	"path/filepath"
	"testing"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/sqlitestore"
)

// BenchmarkDeliver: delivering the demo's 102 publications on a SQLite
// store to an in-memory platform (one receipt transaction each), and a
// push with nothing left (the outbox scan alone). Reported per
// publication.
func BenchmarkDeliver(b *testing.B) {
	setup := func(b *testing.B) (*office.Office, office.Store) {
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
		return o, st
	}
	opt := office.DeliverOptions{Publisher: "bench"}
	s := office.Step{Who: "bench"}
	b.Run("send", func(b *testing.B) {
		n := 0
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			o, st := setup(b)
			b.StartTimer()
			rep, err := o.Deliver(ctx, s, newPlatform(1, 0), opt)
			if err != nil {
				b.Fatal(err)
			}
			n += rep.Sent
			b.StopTimer()
			st.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/publication")
	})
	b.Run("nothing-left", func(b *testing.B) {
		o, st := setup(b)
		defer st.Close()
		if _, err := o.Deliver(ctx, s, newPlatform(1, 0), opt); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if rep, err := o.Deliver(ctx, s, newPlatform(1, 0), opt); err != nil || rep.Sent != 0 {
				b.Fatal(rep, err)
			}
		}
	})
}
