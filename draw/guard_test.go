package draw

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/internal/phase/phasetrace"
	"github.com/shuangsuiji/ssj/registry"
)

func TestIsqrt(t *testing.T) {
	for _, n := range []int64{0, 1, 2, 3, 4, 15, 16, 17, 99, 100, 101, 1 << 20, 1<<20 - 1, 1<<40 + 1, math.MaxInt32, math.MaxInt64 / 3, math.MaxInt64} {
		x := isqrt(n)
		lo, hi := new(big.Int).Mul(big.NewInt(x), big.NewInt(x)), new(big.Int).Mul(big.NewInt(x+1), big.NewInt(x+1))
		assert.True(t, lo.Cmp(big.NewInt(n)) <= 0 && hi.Cmp(big.NewInt(n)) > 0, "isqrt(%d) = %d", n, x)
	}
}

// A stratum's guard is the rank prefix below which take + guardMargin of
// its elig units fall on average: floor((take + margin) · 2^64 / elig);
// none when that is the whole stratum.
func TestRankGuard(t *testing.T) {
	for _, tc := range []struct {
		take, elig int64
		ok         bool
	}{
		{1, 1000, true}, {15_000, 300_000, true}, {50_000, 500_000, true}, {35_000, 50_000, true},
		{35_000, 36_000, false}, {100, 100, false}, {0, 100, true}, {0, 64, false}, {1, 65, false}, {1, 72, true},
	} {
		g, ok := rankGuard(tc.take, tc.elig)
		require.Equal(t, tc.ok, ok, "take %d elig %d", tc.take, tc.elig)
		if !ok {
			continue
		}
		m := tc.take + guardMargin(tc.take)
		want := new(big.Int).Div(new(big.Int).Lsh(big.NewInt(m), 64), big.NewInt(tc.elig))
		assert.Equal(t, want.Uint64(), g, "take %d elig %d", tc.take, tc.elig)
	}
}

// When a guard lets fewer than the take through, the stratum is ranked
// again without guards, and RunPool and VerifyPool still give Run's
// record byte for byte, on any number of processors; the extra pass is
// marked as a phase of its own.
func TestRankGuardTooLow(t *testing.T) {
	defer func(f func(int64) int64) { guardMargin = f }(guardMargin)
	pool := dtRisk(dtPool(3000, 19))
	for _, margin := range []func(int64) int64{
		func(take int64) int64 { return -take / 2 },
		func(take int64) int64 { return -1 },
		func(take int64) int64 { return 0 },
	} {
		guardMargin = margin
		checkPoolEqualsRun(t, pool, pool)
	}

	guardMargin = func(take int64) int64 { return -take / 2 }
	task := dtTask()
	task.Scope = Scope{}
	task.Quota = QuotaRule{DefaultRatio: "0.1"}
	m, err := Commit(task, pool, nil)
	require.NoError(t, err)
	_, ev := dtSources()
	p, err := registry.NewPool(pool)
	require.NoError(t, err)
	for _, procs := range []int{1, 2} {
		run, verify := tracePool(t, m, ev, p, nil, procs)
		assert.Contains(t, phasetrace.Names(run), phaseRankAgain, "RunPool, GOMAXPROCS %d", procs)
		assert.Contains(t, phasetrace.Names(verify), phaseRankAgain, "VerifyPool, GOMAXPROCS %d", procs)
	}
}
