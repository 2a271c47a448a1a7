package draw

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
)

const (
	matchBenchTargets    = 10_000
	matchBenchInspectors = 1_000
)

func matchBenchInput() ([]string, []registry.Inspector) {
	targets := make([]string, matchBenchTargets)
	for i := range targets {
		targets[i] = fmt.Sprintf("9111%014d", i)
	}
	pool := make([]registry.Inspector, matchBenchInspectors)
	for i := range pool {
		pool[i] = matchIns(fmt.Sprintf("ZA%08d", i), "SAMR", i%4 == 0)
		if i%3 == 0 {
			pool[i].Department = "HEALTH"
		}
	}
	return targets, pool
}

// BenchmarkMatch matches 10k targets against 1k eligible inspectors (10M
// ranks), team size 2 and 3 (a joint task with one participating
// department). Compare with BenchmarkMatchHMACFloor, which computes the
// same 10M HMAC-SHA256 ranks and nothing else.
func BenchmarkMatch(b *testing.B) {
	targets, pool := matchBenchInput()
	for _, tc := range []struct {
		name string
		size int
		deps []string
	}{{"team2", 2, nil}, {"team3-joint", 3, []string{"HEALTH"}}} {
		b.Run(tc.name, func(b *testing.B) {
			spec := matchSpecBase()
			spec.TeamSize, spec.ParticipatingDepartments, spec.Cap = tc.size, tc.deps, 100
			k := matchKey(1)
			for b.Loop() {
				if _, err := Match(k, targets, pool, nil, spec); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(matchBenchTargets*matchBenchInspectors), "ns/rank")
		})
	}
}

// BenchmarkMatchHMACFloor computes the same 10k × 1k inspector ranks
// (HMAC-SHA256 over the same messages) with nothing else: serially, and
// spread over GOMAXPROCS goroutines as Match does.
func BenchmarkMatchHMACFloor(b *testing.B) {
	targets, pool := matchBenchInput()
	certs := make([]string, len(pool))
	for i := range pool {
		certs[i] = pool[i].Cert
	}
	k := matchKey(1)
	run := func(workers int) func(b *testing.B) {
		return func(b *testing.B) {
			rks := make([]*matchRanker, workers)
			for i := range rks {
				rks[i] = newMatchRanker(suite.SSJv1, k)
			}
			var sink [8]Rank
			for b.Loop() {
				var wg sync.WaitGroup
				for w := range workers {
					wg.Go(func() {
						rk := rks[w]
						var acc Rank
						for t := w; t < len(targets); t += workers {
							rk.setTarget(targets[t])
							for _, c := range certs {
								r := rk.rank(c)
								acc[0] ^= r[0]
							}
						}
						sink[w%8] = acc
					})
				}
				wg.Wait()
			}
			_ = sink
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(matchBenchTargets*matchBenchInspectors), "ns/rank")
		}
	}
	b.Run("serial", run(1))
	b.Run(fmt.Sprintf("parallel%d", runtime.GOMAXPROCS(0)), run(runtime.GOMAXPROCS(0)))
}
