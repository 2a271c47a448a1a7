package draw

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
)

// Algorithm is the identifier of the draw algorithm this package implements.
const Algorithm = "ssj-v1"

// Rank is a unit's 32-byte rank; ranks compare as big-endian unsigned
// numbers, smaller first.
type Rank [sha256.Size]byte

// String returns the rank as lower-case hex, the form the record publishes.
func (r Rank) String() string { return hex.EncodeToString(r[:]) }

// Compare returns -1, 0 or +1 as r sorts before, equal to or after s.
func (r Rank) Compare(s Rank) int { return bytes.Compare(r[:], s[:]) }

// appendLP appends lp(x): the 4-byte big-endian length of x, then x.
func appendLP(dst, x []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(x)))
	return append(dst, x...)
}

// Key is K = HMAC-SHA256(key = manifest hash, message = R), the secret-free
// key from which every rank of one draw is derived (DRAW.md §3).
type Key [sha256.Size]byte

// DeriveKey computes K from the manifest hash and the randomness R under
// ssj-v1 (HMAC-SHA256); DeriveKeyWith takes the manifest's suite.
func DeriveKey(manifestHash, r [sha256.Size]byte) Key {
	m := hmac.New(sha256.New, manifestHash[:])
	m.Write(r[:])
	var k Key
	m.Sum(k[:0])
	return k
}

// Ranker computes ranks under one key. It reuses its buffers, so a Ranker
// must not be used from more than one goroutine at a time.
type Ranker struct {
	mac hash.Hash
	buf []byte
	out []byte // Sum's destination, reused so that ranking does not allocate
}

// NewRanker returns a Ranker for key k under ssj-v1 (HMAC-SHA256);
// NewRankerWith takes the manifest's suite.
func NewRanker(k Key) *Ranker {
	return &Ranker{mac: hmac.New(sha256.New, k[:])}
}

// Rank returns rank(purpose, parts...) =
// HMAC-SHA256(K, lp("ssj-v1") || lp(purpose) || lp(part1) || ...).
func (rk *Ranker) Rank(purpose string, parts ...string) Rank {
	b := appendLP(rk.buf[:0], []byte(Algorithm))
	b = appendLP(b, []byte(purpose))
	for _, p := range parts {
		b = appendLP(b, []byte(p))
	}
	rk.buf = b
	rk.mac.Reset()
	rk.mac.Write(b)
	rk.out = rk.mac.Sum(rk.out[:0])
	var r Rank
	copy(r[:], rk.out)
	return r
}

// targetPrefix is lp("ssj-v1") || lp("target"), the constant start of every
// target rank message.
var targetPrefix = appendLP(appendLP(nil, []byte(Algorithm)), []byte(PurposeTarget))

// PurposeTarget is the rank purpose of targets: a target's rank is
// rank("target", label) (DRAW.md §4).
const PurposeTarget = "target"

// RankTarget returns rank("target", label), the same value as
// Rank(PurposeTarget, label), without allocating.
func (rk *Ranker) RankTarget(label string) Rank {
	b := append(rk.buf[:0], targetPrefix...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(label)))
	b = append(b, label...)
	rk.buf = b
	rk.mac.Reset()
	rk.mac.Write(b)
	rk.out = rk.mac.Sum(rk.out[:0])
	var r Rank
	copy(r[:], rk.out)
	return r
}
