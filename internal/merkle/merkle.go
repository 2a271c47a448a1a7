// Package merkle implements the RFC 6962 (Certificate Transparency) Merkle
// tree hash and its inclusion proofs, the commitment scheme ssj uses for the
// registries, the draw pools and the trail checkpoints.
//
// Leaf hash:  SHA-256(0x00 || leaf bytes)
// Node hash:  SHA-256(0x01 || left || right)
// Empty tree: SHA-256 of the empty string.
// A tree of n > 1 leaves splits at k, the largest power of two below n.
package merkle

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math/bits"
)

// Hash is a SHA-256 digest.
type Hash = [sha256.Size]byte

// ErrProof is returned (wrapped) when an inclusion proof does not verify or
// is malformed.
var ErrProof = errors.New("merkle: inclusion proof does not verify")

// LeafHash returns the RFC 6962 hash of one leaf's bytes.
func LeafHash(leaf []byte) Hash {
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(leaf)
	var out Hash
	h.Sum(out[:0])
	return out
}

// NodeHash returns the RFC 6962 hash of an interior node.
func NodeHash(left, right Hash) Hash {
	var buf [1 + 2*sha256.Size]byte
	buf[0] = 1
	copy(buf[1:], left[:])
	copy(buf[1+sha256.Size:], right[:])
	return sha256.Sum256(buf[:])
}

// EmptyRoot is the root of a tree with no leaves.
func EmptyRoot() Hash { return sha256.Sum256(nil) }

// RootFromLeafHashes returns the tree head over the given leaf hashes, in
// order. It does not modify its argument.
func RootFromLeafHashes(leaves []Hash) Hash {
	if len(leaves) == 0 {
		return EmptyRoot()
	}
	// Iterative form of the RFC's recursion: pair adjacent nodes level by
	// level; an odd node at the end of a level is carried up unchanged. This
	// yields the same tree as splitting at the largest power of two.
	level := append([]Hash(nil), leaves...)
	for len(level) > 1 {
		next := level[:0]
		for i := 0; i+1 < len(level); i += 2 {
			next = append(next, NodeHash(level[i], level[i+1]))
		}
		if len(level)%2 == 1 {
			next = append(next, level[len(level)-1])
		}
		level = next
	}
	return level[0]
}

// Root returns the tree head over the given leaves' bytes, in order.
func Root(leaves [][]byte) Hash {
	hs := make([]Hash, len(leaves))
	for i, l := range leaves {
		hs[i] = LeafHash(l)
	}
	return RootFromLeafHashes(hs)
}

// InclusionProof returns the audit path (RFC 6962 §2.1.1 PATH) for the leaf
// at index in a tree over the given leaf hashes.
func InclusionProof(leaves []Hash, index int) ([]Hash, error) {
	if index < 0 || index >= len(leaves) {
		return nil, fmt.Errorf("merkle: leaf index %d out of range for tree size %d", index, len(leaves))
	}
	return path(index, leaves), nil
}

func path(m int, d []Hash) []Hash {
	n := len(d)
	if n <= 1 {
		return nil
	}
	k := splitPoint(n)
	if m < k {
		return append(path(m, d[:k]), RootFromLeafHashes(d[k:]))
	}
	return append(path(m-k, d[k:]), RootFromLeafHashes(d[:k]))
}

// splitPoint is the largest power of two strictly less than n (n > 1).
func splitPoint(n int) int {
	return 1 << (bits.Len(uint(n-1)) - 1)
}

// VerifyInclusion checks that leafHash is the leaf at index in a tree of the
// given size with the given root, using the algorithm of RFC 9162 §2.1.3.2
// (SHA256.VerifyInclusion: a proof is O(log n) hashes, so the generic
// hasher costs nothing that matters).
func VerifyInclusion(leafHash Hash, index, size int, proof []Hash, root Hash) error {
	return SHA256.VerifyInclusion(leafHash, index, size, proof, root)
}
