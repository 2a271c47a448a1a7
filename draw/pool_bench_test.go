package draw

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
)

// BenchmarkDrawPool measures, in one run on the same 1M pool, the HMAC
// floor (one HMAC-SHA256 per label over the rank message, one core), the
// verification floor (SHA-256 of every canonical leaf plus that HMAC, one
// core), RunPool on a committed pool and VerifyPool (commitment and ranks
// recomputed), on all processors and on one, and reports medians and
// ratios:
//
//	go test ./draw -run '^$' -bench BenchmarkDrawPool -benchtime 5x
func BenchmarkDrawPool(b *testing.B) {
	for _, n := range []int{1_000_000} {
		b.Run(fmt.Sprintf("%dM", n/1_000_000), func(b *testing.B) {
			targets := benchPool(n)
			m, err := Commit(benchTask(), targets, nil)
			if err != nil {
				b.Fatal(err)
			}
			p, err := registry.NewPool(targets)
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
			var tHMAC, tLeaf, tRun, tRun1, tVer, tVer1 []time.Duration
			var sink byte
			b.ResetTimer()
			for range b.N {
				t0 := time.Now()
				mac := hmac.New(sha256.New, k[:])
				var out [32]byte
				var msg []byte
				for i := range p.Len() {
					msg = append(append(msg[:0], targetPrefix...), 0, 0, 0, byte(len(p.Label(i))))
					msg = append(msg, p.Label(i)...)
					mac.Reset()
					mac.Write(msg)
					mac.Sum(out[:0])
					sink ^= out[0]
				}
				tHMAC = append(tHMAC, time.Since(t0))

				t0 = time.Now()
				var leaf []byte
				for i := range p.Len() {
					leaf = p.AppendLeaf(append(leaf[:0], 0), i)
					h := sha256.Sum256(leaf)
					sink ^= h[0]
					msg = append(append(msg[:0], targetPrefix...), 0, 0, 0, byte(len(p.Label(i))))
					msg = append(msg, p.Label(i)...)
					mac.Reset()
					mac.Write(msg)
					mac.Sum(out[:0])
					sink ^= out[0]
				}
				tLeaf = append(tLeaf, time.Since(t0))

				t0 = time.Now()
				rec, err := RunPool(m, ev, p, nil)
				tRun = append(tRun, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				t0 = time.Now()
				if err := VerifyPool(&rec, p, nil); err != nil {
					b.Fatal(err)
				}
				tVer = append(tVer, time.Since(t0))

				procs := runtime.GOMAXPROCS(1)
				t0 = time.Now()
				if _, err := RunPool(m, ev, p, nil); err != nil {
					b.Fatal(err)
				}
				tRun1 = append(tRun1, time.Since(t0))
				t0 = time.Now()
				if err := VerifyPool(&rec, p, nil); err != nil {
					b.Fatal(err)
				}
				tVer1 = append(tVer1, time.Since(t0))
				runtime.GOMAXPROCS(procs)
			}
			_ = sink
			hm, lf := median(tHMAC).Seconds(), median(tLeaf).Seconds()
			b.ReportMetric(hm, "hmac-floor-s")
			b.ReportMetric(lf, "leaf+hmac-floor-s")
			b.ReportMetric(median(tRun).Seconds()/hm, "runpool/hmac")
			b.ReportMetric(median(tRun1).Seconds()/hm, "runpool-1cpu/hmac")
			b.ReportMetric(median(tVer).Seconds()/lf, "verifypool/floor")
			b.ReportMetric(median(tVer1).Seconds()/lf, "verifypool-1cpu/floor")
			b.ReportMetric(median(tRun1).Seconds()/median(tRun).Seconds(), "run-2v1")
			b.ReportMetric(median(tVer1).Seconds()/median(tVer).Seconds(), "verify-2v1")
		})
	}
}

// BenchmarkPoolSelections measures the record's selections of 145k
// units of a 1M pool (the bench/draw task's share), in rank order (a
// random order of the pool), built and, against a separate copy,
// compared in place (VerifyPool's path):
//
//	go test ./draw -run '^$' -bench BenchmarkPoolSelections -count 5
func BenchmarkPoolSelections(b *testing.B) {
	p, err := registry.NewPool(benchPool(1_000_000))
	if err != nil {
		b.Fatal(err)
	}
	k := DeriveKey([32]byte{1}, [32]byte{2})
	pt := &poolTally{stratum: make([]int32, p.Profiles())}
	for j := range pt.stratum {
		pt.stratum[j] = int32(j % 4)
	}
	pt.keys = []string{"A", "B", "C", "D"}
	r := rand.New(rand.NewPCG(1, 2))
	chosen := make([]selCand, 145_000)
	for x, u := range r.Perm(p.Len())[:len(chosen)] {
		chosen[x] = selCand{i: int32(u)}
	}
	b.Run("build", func(b *testing.B) {
		for range b.N {
			poolSelections(suite.SSJv1, k, p, pt, chosen)
		}
	})
	b.Run("compare", func(b *testing.B) {
		want := poolSelections(suite.SSJv1, k, p, pt, chosen)
		for i, s := range want {
			want[i] = Selection{Target: strings.Clone(s.Target), Name: strings.Clone(s.Name), Stratum: strings.Clone(s.Stratum), Rank: strings.Clone(s.Rank)}
		}
		b.ResetTimer()
		for range b.N {
			if !poolSelectionsEqual(suite.SSJv1, k, p, pt, chosen, want) {
				b.Fatal("not equal")
			}
		}
	})
}

// BenchmarkSortCands sorts 18k candidates with uniform rank prefixes (a
// part of poolSelection's sort of 145k selected on 2 processors) by
// bucket (sortCands) and by slices.SortFunc (the former code).
func BenchmarkSortCands(b *testing.B) {
	p, err := registry.NewPool(benchPool(1_000_000))
	if err != nil {
		b.Fatal(err)
	}
	ctx := &selCtx{pool: p, rk: NewRanker(DeriveKey([32]byte{1}, [32]byte{2}))}
	r := rand.New(rand.NewPCG(3, 4))
	in := make([]selCand, 18_000)
	for x, u := range r.Perm(p.Len())[:len(in)] {
		in[x] = selCand{key: r.Uint64(), i: int32(u)}
	}
	a := make([]selCand, len(in))
	var tmp []selCand
	b.Run("buckets", func(b *testing.B) {
		for range b.N {
			copy(a, in)
			tmp = sortCands(ctx, a, tmp)
		}
	})
	b.Run("sortfunc", func(b *testing.B) {
		for range b.N {
			copy(a, in)
			slices.SortFunc(a, ctx.cmp)
		}
	})
}

// BenchmarkDistinctOrder puts the selected of a 1M and a 10M pool (145k
// and 1.45M units, in random order) in pool order, as the record's
// selections do:
//
//	go test ./draw -run '^$' -bench BenchmarkDistinctOrder -cpu 1,2 -count 5
func BenchmarkDistinctOrder(b *testing.B) {
	for _, sz := range []struct{ n, units int }{{145_000, 1_000_000}, {1_450_000, 10_000_000}} {
		r := rand.New(rand.NewPCG(1, 2))
		c := make([]selCand, sz.n)
		for x, u := range r.Perm(sz.units)[:sz.n] {
			c[x] = selCand{i: int32(u)}
		}
		b.Run(fmt.Sprintf("selected=%d/units=%d", sz.n, sz.units), func(b *testing.B) {
			for range b.N {
				poolOrder(c, sz.units)
			}
		})
	}
}
