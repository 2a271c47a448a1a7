package merkle

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
)

// ErrConsistency is returned (wrapped) when a consistency proof does not
// verify or is malformed.
var ErrConsistency = errors.New("merkle: consistency proof does not verify")

// Hasher is the RFC 6962 tree built over a 32-byte hash function: SHA-256
// (the package functions, and the Hasher SHA256) or SM3 (crypto suite
// ssj-v1-sm, package suite). The tree shape, the 0x00/0x01 domain bytes and
// the proofs are the same for every hash function.
type Hasher struct {
	newHash func() hash.Hash
	sha256  bool // the package's own SHA-256: one-shot hashing on the stack
}

// SHA256 is the Hasher of the package functions (LeafHash, NodeHash, ...).
var SHA256 = Hasher{newHash: sha256.New, sha256: true}

// IsSHA256 reports whether h is the SHA256 Hasher, whose hot paths
// (Digest, ParallelRoot) hash on the stack with the hardware SHA-256.
func (h Hasher) IsSHA256() bool { return h.sha256 }

// NewHasher returns the tree over newHash, which must produce 32-byte
// digests (it panics otherwise: a programming error).
func NewHasher(newHash func() hash.Hash) Hasher {
	if n := newHash().Size(); n != len(Hash{}) {
		panic(fmt.Sprintf("merkle: NewHasher: digest size %d, want %d", n, len(Hash{})))
	}
	return Hasher{newHash: newHash}
}

// LeafHash returns H(0x00 || leaf).
func (h Hasher) LeafHash(leaf []byte) Hash {
	d := h.newHash()
	d.Write([]byte{0})
	d.Write(leaf)
	var out Hash
	d.Sum(out[:0])
	return out
}

// NodeHash returns H(0x01 || left || right).
func (h Hasher) NodeHash(left, right Hash) Hash {
	d := h.newHash()
	d.Write([]byte{1})
	d.Write(left[:])
	d.Write(right[:])
	var out Hash
	d.Sum(out[:0])
	return out
}

// EmptyRoot returns H(""), the root of a tree with no leaves.
func (h Hasher) EmptyRoot() Hash {
	var out Hash
	h.newHash().Sum(out[:0])
	return out
}

// RootFromLeafHashes returns the tree head over leaf hashes, in order.
func (h Hasher) RootFromLeafHashes(leaves []Hash) Hash {
	if len(leaves) == 0 {
		return h.EmptyRoot()
	}
	level := append([]Hash(nil), leaves...)
	d := h.newHash() // one state for the whole tree: no allocation per node
	for len(level) > 1 {
		next := level[:0]
		for i := 0; i+1 < len(level); i += 2 {
			d.Reset()
			d.Write([]byte{1})
			d.Write(level[i][:])
			d.Write(level[i+1][:])
			var out Hash
			d.Sum(out[:0])
			next = append(next, out)
		}
		if len(level)%2 == 1 {
			next = append(next, level[len(level)-1])
		}
		level = next
	}
	return level[0]
}

// InclusionProof returns the audit path (RFC 6962 §2.1.1) for the leaf at
// index in a tree over leaves.
func (h Hasher) InclusionProof(leaves []Hash, index int) ([]Hash, error) {
	if index < 0 || index >= len(leaves) {
		return nil, fmt.Errorf("merkle: leaf index %d out of range for tree size %d", index, len(leaves))
	}
	return h.path(index, leaves), nil
}

func (h Hasher) path(m int, d []Hash) []Hash {
	n := len(d)
	if n <= 1 {
		return nil
	}
	k := splitPoint(n)
	if m < k {
		return append(h.path(m, d[:k]), h.RootFromLeafHashes(d[k:]))
	}
	return append(h.path(m-k, d[k:]), h.RootFromLeafHashes(d[:k]))
}

// VerifyInclusion checks that leafHash is the leaf at index in a tree of
// size leaves with the given root (RFC 9162 §2.1.3.2).
func (h Hasher) VerifyInclusion(leafHash Hash, index, size int, proof []Hash, root Hash) error {
	if index < 0 || index >= size {
		return fmt.Errorf("%w: index %d not below tree size %d", ErrProof, index, size)
	}
	fn, sn := uint64(index), uint64(size-1)
	r := leafHash
	for _, p := range proof {
		if sn == 0 {
			return fmt.Errorf("%w: proof has %d hashes, too many for index %d in size %d", ErrProof, len(proof), index, size)
		}
		if fn&1 == 1 || fn == sn {
			r = h.NodeHash(p, r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = h.NodeHash(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return fmt.Errorf("%w: proof has %d hashes, too few for index %d in size %d", ErrProof, len(proof), index, size)
	}
	if r != root {
		return fmt.Errorf("%w: computed root %x, want %x", ErrProof, r, root)
	}
	return nil
}

// ConsistencyProof returns the RFC 6962 §2.1.2 proof PROOF(m, D[n]) that
// the tree over the first m of leaves is a prefix of the tree over all of
// them. It is empty when m is 0 or len(leaves).
func (h Hasher) ConsistencyProof(leaves []Hash, m int) ([]Hash, error) {
	if m < 0 || m > len(leaves) {
		return nil, fmt.Errorf("merkle: consistency proof from size %d: the tree has %d leaves", m, len(leaves))
	}
	if m == 0 || m == len(leaves) {
		return nil, nil
	}
	return h.subproof(m, leaves, true), nil
}

// subproof is RFC 6962's SUBPROOF(m, D[n], b).
func (h Hasher) subproof(m int, d []Hash, b bool) []Hash {
	n := len(d)
	if m == n {
		if b {
			return nil
		}
		return []Hash{h.RootFromLeafHashes(d)}
	}
	k := splitPoint(n)
	if m <= k {
		return append(h.subproof(m, d[:k], b), h.RootFromLeafHashes(d[k:]))
	}
	return append(h.subproof(m-k, d[k:], false), h.RootFromLeafHashes(d[:k]))
}

// VerifyConsistency checks that a tree of size2 leaves with root2 extends
// the tree of size1 leaves with root1, given the proof ConsistencyProof
// returns (RFC 9162 §2.1.4.2). size1 0 is consistent with every tree (the
// proof must be empty); equal sizes need equal roots and an empty proof.
func (h Hasher) VerifyConsistency(size1, size2 int, proof []Hash, root1, root2 Hash) error {
	switch {
	case size1 < 0 || size2 < size1:
		return fmt.Errorf("%w: sizes %d and %d: the new tree must not be smaller", ErrConsistency, size1, size2)
	case size1 == size2:
		if len(proof) != 0 {
			return fmt.Errorf("%w: equal sizes %d need an empty proof, got %d hashes", ErrConsistency, size1, len(proof))
		}
		if root1 != root2 {
			return fmt.Errorf("%w: equal sizes %d but roots %x and %x differ", ErrConsistency, size1, root1, root2)
		}
		return nil
	case size1 == 0:
		if len(proof) != 0 {
			return fmt.Errorf("%w: from the empty tree the proof must be empty, got %d hashes", ErrConsistency, len(proof))
		}
		return nil
	case len(proof) == 0:
		return fmt.Errorf("%w: empty proof from size %d to %d", ErrConsistency, size1, size2)
	}
	path := proof
	if size1&(size1-1) == 0 { // a power of two: the old root is a node of the new tree
		path = append([]Hash{root1}, proof...)
	}
	fn, sn := uint64(size1-1), uint64(size2-1)
	for fn&1 == 1 {
		fn >>= 1
		sn >>= 1
	}
	fr, sr := path[0], path[0]
	for _, c := range path[1:] {
		if sn == 0 {
			return fmt.Errorf("%w: proof from %d to %d has %d hashes, too many", ErrConsistency, size1, size2, len(proof))
		}
		if fn&1 == 1 || fn == sn {
			fr = h.NodeHash(c, fr)
			sr = h.NodeHash(c, sr)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			sr = h.NodeHash(sr, c)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return fmt.Errorf("%w: proof from %d to %d has %d hashes, too few", ErrConsistency, size1, size2, len(proof))
	}
	if fr != root1 {
		return fmt.Errorf("%w: proof gives old root %x, want %x (size %d)", ErrConsistency, fr, root1, size1)
	}
	if sr != root2 {
		return fmt.Errorf("%w: proof gives new root %x, want %x (size %d)", ErrConsistency, sr, root2, size2)
	}
	return nil
}

// ConsistencyProof is SHA256.ConsistencyProof.
func ConsistencyProof(leaves []Hash, m int) ([]Hash, error) {
	return SHA256.ConsistencyProof(leaves, m)
}

// VerifyConsistency is SHA256.VerifyConsistency.
func VerifyConsistency(size1, size2 int, proof []Hash, root1, root2 Hash) error {
	return SHA256.VerifyConsistency(size1, size2, proof, root1, root2)
}

// Digest hashes many messages one after the other with one Hasher's hash
// function, reusing its state: SHA-256 is the one-shot hardware function
// (nothing kept), any other hash one hash.Hash per Digest. A Digest must
// not be used from more than one goroutine at a time.
type Digest struct {
	d    hash.Hash      // nil for SHA-256
	out  []byte         // Sum's destination, reused
	node [1 + 2*32]byte // NodeHash's message, reused
}

// NewDigest returns a Digest over h's hash function.
func (h Hasher) NewDigest() *Digest {
	if h.sha256 {
		return &Digest{}
	}
	return &Digest{d: h.newHash(), out: make([]byte, 0, 32)}
}

// Sum returns H(b).
func (d *Digest) Sum(b []byte) Hash {
	if d.d == nil {
		return sha256.Sum256(b)
	}
	d.d.Reset()
	d.d.Write(b)
	d.out = d.d.Sum(d.out[:0])
	return Hash(d.out)
}

// NodeHash returns H(0x01 || left || right).
func (d *Digest) NodeHash(left, right Hash) Hash {
	if d.d == nil {
		return NodeHash(left, right)
	}
	d.node[0] = 1
	copy(d.node[1:], left[:])
	copy(d.node[33:], right[:])
	return d.Sum(d.node[:])
}

// ParallelRoot is the package function ParallelRoot over h's hash.
func (h Hasher) ParallelRoot(n, workers int, fill func(w, lo, hi int, dst []Hash)) Hash {
	return parallelRoot(h, n, workers, fill)
}
