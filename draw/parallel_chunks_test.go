package draw

import (
	"regexp"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/registry"
)

// parallelRange and parallelChunks visit every index once, in chunks
// numbered in order whose bounds depend only on n and the number of
// chunks, with worker numbers below GOMAXPROCS, on any number of
// processors.
func TestParallelRangeChunks(t *testing.T) {
	for _, procs := range []int{1, 2, 8} {
		prev := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 5, 99, 1000, 4097} {
			for _, grain := range []int{1, 3, 64, 5000} {
				chunks := rangeChunks(n, grain, rangeChunksPerProc)
				require.GreaterOrEqual(t, chunks, 1)
				seen := make([]int32, n)
				got := make([][2]int, chunks)
				parallelRange(n, grain, func(w, c, lo, hi int) {
					assert.Less(t, w, procs)
					got[c] = [2]int{lo, hi}
					for i := lo; i < hi; i++ {
						seen[i]++
					}
				})
				for i, s := range seen {
					require.EqualValues(t, 1, s, "n %d grain %d procs %d index %d", n, grain, procs, i)
				}
				if procs > 1 && chunks > 1 {
					for c := range chunks {
						require.Equal(t, [2]int{n * c / chunks, n * (c + 1) / chunks}, got[c])
						require.Equal(t, n*c/chunks, chunkBound(n, c, chunks))
					}
				}
			}
		}
		runtime.GOMAXPROCS(prev)
	}
}

// chunkBound does not overflow on 32-bit platforms.
func TestChunkBound(t *testing.T) {
	n, chunks := 10_000_000, (10_000_000+8191)/8192
	assert.Equal(t, n, chunkBound(n, chunks, chunks))
	assert.Equal(t, 5_000_000, chunkBound(n, chunks/2, chunks/2*2))
}

// With chunks of a few units, profiles and selections, RunPool,
// CommitPool and VerifyPool still give Run's record byte for byte on
// any number of processors.
func TestRunPoolSmallChunks(t *testing.T) {
	defer func(r, p, s int) { rankGrain, profileGrain, selectGrain = r, p, s }(rankGrain, profileGrain, selectGrain)
	rankGrain, profileGrain, selectGrain = 16, 1, 5
	pool := dtRisk(dtPool(3000, 17))
	checkPoolEqualsRun(t, pool, pool)
}

// When several profiles fail their classification (the uplift rule, a
// stratum value with "/"), the tally on all processors, in chunks of one
// profile, reports the error of the same unit as the tally in one pass
// (one chunk on one processor) and as Commit over the targets: the first
// in label order whose profile fails, on input in label order and
// reversed (the pool's profiles are then numbered in another order).
func TestTallyPoolErrorIsFirst(t *testing.T) {
	defer func(p int) { profileGrain = p }(profileGrain)
	cases := []struct {
		name   string
		edit   func(*Task, []registry.Target)
		reason string
	}{
		{"uplift", func(task *Task, _ []registry.Target) {
			task.Uplift = &Uplift{Classes: []string{"A", "B", "C"}, ComplaintsAtLeast: 3} // class D fails
		}, `credit class "D" is not one of uplift.classes`},
		{"slash", func(task *Task, ts []registry.Target) {
			task.Strata = []string{StratumIndustry}
			for i := range ts {
				if i%7 == 3 {
					ts[i].Industry = "C/13"
				}
			}
		}, `contains "/"`},
	}
	for _, tc := range cases {
		task := dtTask()
		task.Scope = Scope{}
		task.Quota = QuotaRule{DefaultRatio: "0.08"}
		pool := dtPool(2000, 23)
		tc.edit(&task, pool)
		_, want := Commit(task, pool, nil)
		require.ErrorContains(t, want, tc.reason, tc.name)
		for _, rev := range []bool{false, true} {
			ts := slices.Clone(pool)
			if rev {
				slices.Reverse(ts)
			}
			p, err := registry.NewPool(ts)
			require.NoError(t, err)
			profileGrain = 1 << 30
			prev := runtime.GOMAXPROCS(1)
			_, one := CommitPool(task, p, nil)
			require.Error(t, one)
			// Commit may word it differently; it names the same unit.
			named := regexp.MustCompile(`target "[^"]*"`)
			assert.Equal(t, named.FindString(want.Error()), named.FindString(one.Error()), "%s, reversed %v", tc.name, rev)
			profileGrain = 1
			for _, procs := range []int{1, 2, 8} {
				runtime.GOMAXPROCS(procs)
				_, err := CommitPool(task, p, nil)
				require.Error(t, err)
				assert.Equal(t, one.Error(), err.Error(), "%s, GOMAXPROCS %d", tc.name, procs)
			}
			runtime.GOMAXPROCS(prev)
		}
	}
}
