package merkle

import (
	"crypto/sha256"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

// ParallelRoot equals RootFromLeafHashes for sizes around the chunk
// boundaries and for any number of workers.
func TestParallelRootEqualsSequential(t *testing.T) {
	leaf := func(i int) Hash {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(i))
		return sha256.Sum256(b[:])
	}
	for _, n := range []int{0, 1, 2, 3, ChunkSize - 1, ChunkSize, ChunkSize + 1, 2 * ChunkSize, 3*ChunkSize + 5, 4*ChunkSize + 1} {
		hs := make([]Hash, n)
		for i := range hs {
			hs[i] = leaf(i)
		}
		want := RootFromLeafHashes(hs)
		for _, workers := range []int{1, 2, 3, 8} {
			got := ParallelRoot(n, workers, func(w, lo, hi int, dst []Hash) {
				require.Less(t, w, workers)
				require.Zero(t, lo%ChunkSize)
				for i := lo; i < hi; i++ {
					dst[i-lo] = leaf(i)
				}
			})
			require.Equal(t, want, got, "n=%d workers=%d", n, workers)
		}
	}
}
