package draw

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/registry"
)

// benchPools caches the large benchmark pools between benchmarks.
var benchPools sync.Map

// benchPool returns n active targets over four credit classes; string
// fields other than the ID are shared, as in a registry read from a file
// where most column values repeat.
func benchPool(n int) []registry.Target {
	if p, ok := benchPools.Load(n); ok {
		return p.([]registry.Target)
	}
	pool := make([]registry.Target, n)
	ids := make([]byte, 0, 18*n)
	for i := range pool {
		start := len(ids)
		ids = append(ids, "91330106MA"...)
		ids = strconv.AppendUint(ids, uint64(100000000+i), 36)
		for len(ids)-start < 18 {
			ids = append(ids, '0')
		}
		_ = ids[start:]
		pool[i] = registry.Target{
			Kind: registry.KindEntity, Jurisdiction: "330106", Industry: "F5221",
			CreditClass: dtClasses[i*7%10%4], Status: registry.StatusActive,
		}
	}
	all := string(ids)
	for i := range pool {
		pool[i].ID = all[18*i : 18*i+18]
	}
	benchPools.Store(n, pool)
	return pool
}

// benchTask is a 5% draw stratified by credit class over the whole
// registry (不定向).
func benchTask() Task {
	src, _ := dtSources()
	return Task{
		ID: "BENCH", Name: "benchmark", Items: []string{"SC-01"},
		Strata:  []string{StratumCreditClass},
		Quota:   QuotaRule{DefaultRatio: "0.05"},
		Sources: src, CommitTime: dtCommit,
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkDraw measures, in one run and on the same pool, the two floors
// (one SHA-256 per label, one HMAC-SHA256 per label, single core) and the
// 5% stratified draw: selection alone (ranks, per-stratum bounded heaps,
// on all cores and on one), Run (with the pool commitment) and Verify. It
// reports the median of each over the iterations, in seconds, and the
// ratios to the HMAC floor. Run with:
//
//	go test ./draw -run '^$' -bench BenchmarkDraw -benchtime 3x -timeout 30m
func BenchmarkDraw(b *testing.B) {
	for _, n := range []int{1_000_000, 10_000_000} {
		b.Run(fmt.Sprintf("%dM", n/1_000_000), func(b *testing.B) {
			pool := benchPool(n)
			m, err := Commit(benchTask(), pool, nil)
			if err != nil {
				b.Fatal(err)
			}
			_, ev := dtSources()
			mh, _ := m.Hash()
			rnd, err := DeriveRandomness(m.CommitTime, m.Sources, ev)
			if err != nil {
				b.Fatal(err)
			}
			k := DeriveKey(mh, rnd.R)
			var tSHA, tHMAC, tSel, tSel1, tRun, tVer []time.Duration
			var selAlloc uint64
			var sink byte
			b.ResetTimer()
			for range b.N {
				t0 := time.Now()
				for i := range pool {
					h := sha256.Sum256([]byte(pool[i].ID))
					sink ^= h[0]
				}
				tSHA = append(tSHA, time.Since(t0))

				t0 = time.Now()
				mac := hmac.New(sha256.New, k[:])
				var out [32]byte
				for i := range pool {
					mac.Reset()
					mac.Write([]byte(pool[i].ID))
					mac.Sum(out[:0])
					sink ^= out[0]
				}
				tHMAC = append(tHMAC, time.Since(t0))

				var ms0, ms1 runtime.MemStats
				runtime.ReadMemStats(&ms0)
				t0 = time.Now()
				rec, err := run(&m, ev, pool, nil, false)
				tSel = append(tSel, time.Since(t0))
				runtime.ReadMemStats(&ms1)
				selAlloc = ms1.TotalAlloc - ms0.TotalAlloc
				if err != nil {
					b.Fatal(err)
				}
				want := n / 20
				if len(rec.Selected) < want || len(rec.Selected) > want+4 {
					b.Fatalf("selected %d, want about %d", len(rec.Selected), want)
				}

				procs := runtime.GOMAXPROCS(1)
				t0 = time.Now()
				_, err = run(&m, ev, pool, nil, false)
				tSel1 = append(tSel1, time.Since(t0))
				runtime.GOMAXPROCS(procs)
				if err != nil {
					b.Fatal(err)
				}

				t0 = time.Now()
				rec, err = Run(m, ev, pool, nil)
				tRun = append(tRun, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}

				t0 = time.Now()
				if err := Verify(&rec, pool, nil); err != nil {
					b.Fatal(err)
				}
				tVer = append(tVer, time.Since(t0))
			}
			_ = sink
			hm := median(tHMAC).Seconds()
			b.ReportMetric(median(tSHA).Seconds(), "sha256-floor-s")
			b.ReportMetric(hm, "hmac-floor-s")
			b.ReportMetric(median(tSel).Seconds(), "draw-s")
			b.ReportMetric(median(tSel1).Seconds(), "draw-1cpu-s")
			b.ReportMetric(median(tRun).Seconds(), "draw+commit-s")
			b.ReportMetric(median(tVer).Seconds(), "verify-s")
			b.ReportMetric(median(tSel).Seconds()/hm, "draw/hmac")
			b.ReportMetric(median(tSel1).Seconds()/hm, "draw-1cpu/hmac")
			b.ReportMetric(median(tRun).Seconds()/hm, "draw+commit/hmac")
			b.ReportMetric(median(tVer).Seconds()/hm, "verify/hmac")
			b.ReportMetric(float64(selAlloc)/(1<<20), "draw-alloc-MiB")
		})
	}
}
