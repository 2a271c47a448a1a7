package merkle

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"testing"

	"github.com/emmansun/gmsm/sm3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	tdmerkle "github.com/transparency-dev/merkle"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// tdHasher adapts a 32-byte hash to transparency-dev's LogHasher, so its
// verifier can check our SM3 proofs too.
type tdHasher struct{ newHash func() hash.Hash }

func (t tdHasher) EmptyRoot() []byte { return t.newHash().Sum(nil) }
func (t tdHasher) HashLeaf(l []byte) []byte {
	h := t.newHash()
	h.Write([]byte{0})
	h.Write(l)
	return h.Sum(nil)
}
func (t tdHasher) HashChildren(l, r []byte) []byte {
	h := t.newHash()
	h.Write([]byte{1})
	h.Write(l)
	h.Write(r)
	return h.Sum(nil)
}
func (t tdHasher) Size() int { return 32 }

func toBytes(p []Hash) [][]byte {
	out := make([][]byte, len(p))
	for i := range p {
		out[i] = append([]byte(nil), p[i][:]...)
	}
	return out
}

func TestHasherSHA256MatchesPackageFunctions(t *testing.T) {
	for n := 0; n <= 8; n++ {
		ls := leaves(t, n)
		hs := make([]Hash, n)
		for i, l := range ls {
			hs[i] = SHA256.LeafHash(l)
			require.Equal(t, LeafHash(l), hs[i])
		}
		assert.Equal(t, ctRoots[n], fmt.Sprintf("%x", SHA256.RootFromLeafHashes(hs)), "size %d", n)
	}
}

// TestConsistencyAgainstTransparencyDev generates every proof between
// sizes 0..40 with our code and verifies it with ours and with
// github.com/transparency-dev/merkle v0.0.2, for SHA-256 and SM3.
func TestConsistencyAgainstTransparencyDev(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    Hasher
		td   tdmerkle.LogHasher
	}{
		{"sha256", SHA256, rfc6962.DefaultHasher},
		{"sha256-adapter", NewHasher(sha256.New), tdHasher{sha256.New}},
		{"sm3", NewHasher(sm3.New), tdHasher{sm3.New}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const max = 40
			all := make([]Hash, max)
			for i := range all {
				all[i] = tc.h.LeafHash([]byte(fmt.Sprintf("leaf %d", i)))
				require.Equal(t, tc.td.HashLeaf([]byte(fmt.Sprintf("leaf %d", i))), all[i][:])
			}
			for n := 0; n <= max; n++ {
				rootN := tc.h.RootFromLeafHashes(all[:n])
				for m := 0; m <= n; m++ {
					rootM := tc.h.RootFromLeafHashes(all[:m])
					p, err := tc.h.ConsistencyProof(all[:n], m)
					require.NoError(t, err)
					require.NoError(t, tc.h.VerifyConsistency(m, n, p, rootM, rootN), "ours %d→%d", m, n)
					require.NoError(t, proof.VerifyConsistency(tc.td, uint64(m), uint64(n), toBytes(p), rootM[:], rootN[:]), "transparency-dev %d→%d", m, n)
					if m == 0 || m == n || n > 20 {
						continue // tampering is checked on every tree shape up to 20 leaves
					}
					// Every single-bit change of a proof hash or a root is refused.
					for i := range p {
						bad := append([]Hash(nil), p...)
						bad[i][0] ^= 1
						assert.ErrorIs(t, tc.h.VerifyConsistency(m, n, bad, rootM, rootN), ErrConsistency)
					}
					other := rootM
					other[31] ^= 0x80
					assert.ErrorIs(t, tc.h.VerifyConsistency(m, n, p, other, rootN), ErrConsistency)
					assert.ErrorIs(t, tc.h.VerifyConsistency(m, n, p[:len(p)-1], rootM, rootN), ErrConsistency)
					assert.ErrorIs(t, tc.h.VerifyConsistency(m, n, append(p, rootN), rootM, rootN), ErrConsistency)
					if m+1 < n {
						assert.ErrorIs(t, tc.h.VerifyConsistency(m+1, n, p, tc.h.RootFromLeafHashes(all[:m+1]), rootN), ErrConsistency)
					}
				}
			}
		})
	}
}

// TestConsistencyRFCShape checks the proof of RFC 6962 §2.1.3's example
// tree (7 leaves a..g): from 3 leaves the proof is [c, d, g, l].
func TestConsistencyRFCShape(t *testing.T) {
	ls := leaves(t, 7)
	hs := make([]Hash, 7)
	for i, l := range ls {
		hs[i] = LeafHash(l)
	}
	p, err := ConsistencyProof(hs, 3)
	require.NoError(t, err)
	// RFC 6962 §2.1.3: PROOF(3, D[7]) = [c, d, g, l], where c and d are the
	// leaf hashes of d2 and d3, g = MTH(D[0:2]) and l = MTH(D[4:7]).
	want := []Hash{hs[2], hs[3], NodeHash(hs[0], hs[1]), NodeHash(NodeHash(hs[4], hs[5]), hs[6])}
	assert.Equal(t, want, p)
	p4, err := ConsistencyProof(hs, 4)
	require.NoError(t, err)
	assert.Equal(t, []Hash{NodeHash(NodeHash(hs[4], hs[5]), hs[6])}, p4, "PROOF(4, D[7]) = [l]")
	_, err = ConsistencyProof(hs, 8)
	assert.Error(t, err)
}
