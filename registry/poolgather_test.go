package registry

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A repeated ID is found wherever it falls in label order, also where the
// gathering's chunks meet, and the pool is the same on 1, 2 or 8
// processors.
func TestPoolGatherChunks(t *testing.T) {
	defer func(g int) { poolGatherMin = g }(poolGatherMin)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	poolGatherMin = 1
	ts := sortedTargets(genTargets(41, 3))
	runtime.GOMAXPROCS(1)
	want, err := NewPool(ts)
	require.NoError(t, err)
	for _, procs := range []int{2, 8} {
		runtime.GOMAXPROCS(procs)
		got, err := NewPool(ts)
		require.NoError(t, err)
		assert.Equal(t, want.Targets(), got.Targets(), "procs %d", procs)
		assert.Equal(t, want.Commitment(), got.Commitment(), "procs %d", procs)
		for d := 1; d < len(ts); d++ {
			dup := append([]Target(nil), ts...)
			dup[d].ID = dup[d-1].ID // a repeat at label positions d-1, d
			_, err := NewPool(dup)
			require.ErrorIs(t, err, ErrDuplicateID, "procs %d repeat at %d", procs, d)
			assert.Contains(t, err.Error(), ts[d-1].ID, "procs %d repeat at %d", procs, d)
		}
	}
}
