package registry

import (
	"testing"

	"github.com/emmansun/gmsm/sm3"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/internal/merkle"
	"github.com/shuangsuiji/ssj/suite"
)

// TestCommitWithSuite: under ssj-v1-sm the slice commitment, the compact
// pool's (cached) commitment and the inclusion proofs are the RFC 6962 tree
// over SM3; under ssj-v1 they are the existing SHA-256 ones.
func TestCommitWithSuite(t *testing.T) {
	for _, n := range []int{0, 1, 7, 5000} { // 5000 > the parallel threshold
		ts := genTargets(n, 3)
		p, err := NewPool(ts)
		require.NoError(t, err)
		v1, err := CommitTargets(ts)
		require.NoError(t, err)
		c1, err := CommitTargetsWith(suite.SSJv1, ts)
		require.NoError(t, err)
		require.Equal(t, v1, c1)
		require.Equal(t, v1, p.CommitmentWith(suite.SSJv1))

		sm, err := CommitTargetsWith(suite.SSJv1SM, ts)
		require.NoError(t, err)
		require.Equal(t, sm, p.CommitmentWith(suite.SSJv1SM))
		require.Equal(t, sm, p.CommitmentWith(suite.SSJv1SM), "cached")
		require.NotEqual(t, v1.Root, sm.Root)
		// Independently: SM3 leaves in label order, the generic tree.
		ls, err := buildLeafSet(ts, nil, targetLabel, AppendTargetLeaf)
		require.NoError(t, err)
		hs := make([]merkle.Hash, len(ls.keys))
		for k, kv := range ls.keys {
			b, err := TargetLeaf(ts[kv.i])
			require.NoError(t, err)
			hs[k] = sm3.Sum(append([]byte{0}, b...))
		}
		root := merkle.NewHasher(sm3.New).RootFromLeafHashes(hs)
		require.Equal(t, Commitment{Count: n, Root: hexOf(root)}, sm)
		if n > 0 {
			pr, err := ProveTargetWith(suite.SSJv1SM, ts, ts[n/2].ID)
			require.NoError(t, err)
			require.NoError(t, VerifyProofAgainstWith(suite.SSJv1SM, pr, sm))
			require.ErrorIs(t, VerifyProofAgainst(pr, sm), ErrProofFailed, "an SM3 proof does not verify as SHA-256")
		}
	}
}
