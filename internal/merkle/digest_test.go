package merkle

import (
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/emmansun/gmsm/sm3"
	"github.com/stretchr/testify/require"
)

// TestHasherParallelRoot: the chunked, parallel root over any hash equals
// the plain level-by-level root over the same hash, for sizes around the
// chunk boundaries, and the SM3 tree differs from the SHA-256 one.
func TestHasherParallelRoot(t *testing.T) {
	hashers := map[string]Hasher{"sha256": SHA256, "sha256-generic": NewHasher(sha256.New), "sm3": NewHasher(sm3.New)}
	for _, n := range []int{0, 1, 2, 3, ChunkSize - 1, ChunkSize, ChunkSize + 1, 3*ChunkSize + 5} {
		leaves := make([][]byte, n)
		for i := range leaves {
			leaves[i] = fmt.Appendf(nil, "leaf %d", i)
		}
		roots := map[string]Hash{}
		for name, h := range hashers {
			hs := make([]Hash, n)
			for i, l := range leaves {
				hs[i] = h.LeafHash(l)
			}
			want := h.RootFromLeafHashes(hs)
			for _, workers := range []int{1, 3} {
				got := h.ParallelRoot(n, workers, func(w, lo, hi int, dst []Hash) {
					d := h.NewDigest()
					for i := lo; i < hi; i++ {
						dst[i-lo] = d.Sum(append([]byte{0}, leaves[i]...))
					}
				})
				require.Equal(t, want, got, "%s n=%d workers=%d", name, n, workers)
			}
			roots[name] = want
		}
		require.Equal(t, roots["sha256"], roots["sha256-generic"], "n=%d", n)
		require.NotEqual(t, roots["sha256"], roots["sm3"], "n=%d", n)
	}
	require.True(t, SHA256.IsSHA256())
	require.False(t, NewHasher(sm3.New).IsSHA256())
}

// TestDigestNodeHash: a Digest's node hash is the Hasher's, for both the
// one-shot SHA-256 path and a reused SM3 state.
func TestDigestNodeHash(t *testing.T) {
	l, r := Hash{1}, Hash{2}
	for _, h := range []Hasher{SHA256, NewHasher(sm3.New)} {
		d := h.NewDigest()
		require.Equal(t, h.NodeHash(l, r), d.NodeHash(l, r))
		require.Equal(t, h.NodeHash(r, l), d.NodeHash(r, l), "the reused state is reset")
	}
	require.Equal(t, sm3.Sum([]byte("abc")), NewHasher(sm3.New).NewDigest().Sum([]byte("abc")))
}
