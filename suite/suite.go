package suite

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"

	"github.com/emmansun/gmsm/sm3"

	"github.com/shuangsuiji/ssj/internal/merkle"
)

// ID names a suite, as written in a trail header or a manifest.
type ID string

// The suites.
const (
	// V1 is ssj-v1: SHA-256, HMAC-SHA256, Ed25519.
	V1 ID = "ssj-v1"
	// V1SM is ssj-v1-sm: SM3, HMAC-SM3, SM2 (国密).
	V1SM ID = "ssj-v1-sm"
)

// Signature algorithm names, as carried next to a signature.
const (
	Ed25519 = "ed25519"
	SM2     = "sm2"
)

// ErrUnknown is returned (wrapped) for a suite ID that is not V1 or V1SM.
var ErrUnknown = errors.New("suite: unknown crypto suite")

// Size is the digest size of every suite's hash, in bytes.
const Size = 32

// Suite is one set of algorithms. The zero value is not usable; use Lookup,
// SSJv1 or SSJv1SM.
type Suite struct {
	id      ID
	newHash func() hash.Hash
	sigAlg  string
	tree    merkle.Hasher
}

// The built-in suites.
var (
	SSJv1   = Suite{id: V1, newHash: sha256.New, sigAlg: Ed25519, tree: merkle.SHA256}
	SSJv1SM = Suite{id: V1SM, newHash: sm3.New, sigAlg: SM2, tree: merkle.NewHasher(sm3.New)}
)

// Lookup returns the suite named id; the empty string means ssj-v1 (what a
// trail or manifest written before suites existed uses).
func Lookup(id string) (Suite, error) {
	switch ID(id) {
	case V1, "":
		return SSJv1, nil
	case V1SM:
		return SSJv1SM, nil
	}
	return Suite{}, fmt.Errorf("%w: %q (want %q or %q)", ErrUnknown, id, V1, V1SM)
}

// IDs lists the suites in a fixed order.
func IDs() []ID { return []ID{V1, V1SM} }

// ID returns the suite's name.
func (s Suite) ID() ID { return s.id }

// String returns the suite's name.
func (s Suite) String() string { return string(s.id) }

// SignatureAlgorithm returns "ed25519" for ssj-v1 and "sm2" for ssj-v1-sm.
func (s Suite) SignatureAlgorithm() string { return s.sigAlg }

// NewHash returns a new hash.Hash of the suite (SHA-256 or SM3).
func (s Suite) NewHash() hash.Hash { return s.newHash() }

// Sum returns the suite's hash of b.
func (s Suite) Sum(b []byte) [Size]byte {
	var out [Size]byte
	h := s.newHash()
	h.Write(b)
	h.Sum(out[:0])
	return out
}

// HexSum returns Sum(b) as 64 lower-case hex digits.
func (s Suite) HexSum(b []byte) string {
	d := s.Sum(b)
	return hex.EncodeToString(d[:])
}

// NewHMAC returns the suite's keyed hash under key (HMAC-SHA256 or
// HMAC-SM3, RFC 2104 over the suite's hash).
func (s Suite) NewHMAC(key []byte) hash.Hash { return hmac.New(s.newHash, key) }

// HMAC returns the suite's keyed hash of msg under key.
func (s Suite) HMAC(key, msg []byte) [Size]byte {
	var out [Size]byte
	m := s.NewHMAC(key)
	m.Write(msg)
	m.Sum(out[:0])
	return out
}

// Merkle returns the suite's RFC 6962 tree: SHA-256 or SM3 leaves and nodes.
func (s Suite) Merkle() merkle.Hasher { return s.tree }
