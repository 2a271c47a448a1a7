package draw

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/cloudflare/circl/ecc/bls12381"
)

// DrandChain is the pinned public information of one drand network, enough
// to verify its beacons offline, without contacting drand.
type DrandChain struct {
	// Name is the network's short name (its beacon id), e.g. "quicknet".
	Name string
	// Hash is the chain hash, lower-case hex.
	Hash string
	// PublicKey is the group public key, lower-case hex of a compressed
	// BLS12-381 G2 point (96 bytes).
	PublicKey string
	// Genesis is the Unix time of round 1.
	Genesis int64
	// Period is the time between rounds, a whole number of seconds.
	Period time.Duration
	// Scheme is the drand signature scheme id.
	Scheme string
	// DST is the hash-to-curve domain separation tag of the scheme.
	DST string
	// GenesisSeed is the chain's genesis seed ("groupHash"), lower-case hex.
	GenesisSeed string
}

// DrandBeacon is one drand beacon as published by the drand HTTP API:
// round, signature and randomness (lower-case hex).
type DrandBeacon struct {
	Round      uint64 `json:"round"`
	Randomness string `json:"randomness"`
	Signature  string `json:"signature"`
}

// Quicknet is the pinned chain information of drand's mainnet quicknet
// network (League of Entropy): unchained BLS12-381 signatures on G1 with
// the public key on G2 (scheme bls-unchained-g1-rfc9380), a round every
// 3 seconds since 2023-08-23T15:09:27Z.
var Quicknet = DrandChain{
	Name:        "quicknet",
	Hash:        "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
	PublicKey:   "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a",
	Genesis:     1692803367,
	Period:      3 * time.Second,
	Scheme:      "bls-unchained-g1-rfc9380",
	DST:         "BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_",
	GenesisSeed: "f477d5c89f21a17c863a7f937c6a6d15859414d2be09cd448d4279af331c5d3e",
}

// DrandChainByName returns the pinned chain for a network name; the empty
// name means quicknet, and the chain hash is accepted as a name. Unknown networks give ErrBadBeacon.
func DrandChainByName(name string) (DrandChain, error) {
	switch name {
	case "", Quicknet.Name, Quicknet.Hash:
		return Quicknet, nil
	}
	return DrandChain{}, fmt.Errorf("%w: unknown drand network %q (only quicknet is pinned)", ErrBadBeacon, name)
}

// ChainHash recomputes the chain hash from the chain information the way
// drand defines it: SHA-256 of the period in seconds (4 bytes, big-endian),
// the genesis time (8 bytes, big-endian, signed), the public key bytes, the
// genesis seed bytes and the beacon id. Verify refuses a chain whose
// ChainHash differs from Hash, so a mistyped pinned value cannot go unseen.
func (c DrandChain) ChainHash() (string, error) {
	pk, err := drandHex("public key", c.PublicKey, bls12381.G2SizeCompressed)
	if err != nil {
		return "", fmt.Errorf("%w: drand %s: pinned %v", ErrBadBeacon, c.Name, err)
	}
	seed, err := drandHex("genesis seed", c.GenesisSeed, sha256.Size)
	if err != nil {
		return "", fmt.Errorf("%w: drand %s: pinned %v", ErrBadBeacon, c.Name, err)
	}
	h := sha256.New()
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(c.Period/time.Second))
	binary.BigEndian.PutUint64(b[4:], uint64(c.Genesis))
	h.Write(b[:])
	h.Write(pk)
	h.Write(seed)
	h.Write([]byte(c.Name))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// RoundTime returns the time at which round is emitted:
// genesis + (round-1) × period. round must be in 1..2^53 (Validate checks).
func (c DrandChain) RoundTime(round uint64) time.Time {
	// Whole seconds, so rounds far in the future do not overflow a Duration.
	secs := int64(c.Period / time.Second)
	return time.Unix(c.Genesis+int64(round-1)*secs, 0).UTC()
}

// DrandMessage returns the message a bls-unchained-g1-rfc9380 beacon signs
// for round: SHA-256 of the round as an 8-byte big-endian integer.
func DrandMessage(round uint64) [sha256.Size]byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], round)
	return sha256.Sum256(b[:])
}

// Verify checks a beacon against the chain, offline, and returns its
// 32-byte randomness. It checks, in order: the scheme is
// bls-unchained-g1-rfc9380; the round is at least 1; the pinned chain
// information hashes to the chain hash; the signature (48 bytes) and the
// randomness (32 bytes) are lower-case hex; the randomness is SHA-256 of
// the signature bytes; the signature is a compressed G1 point in the
// prime-order subgroup and not the identity; and the pairing equation e(signature, g2) = e(H(m), public key) holds,
// where m = DrandMessage(round) and H is the RFC 9380 hash to G1
// (expand_message_xmd with SHA-256, SSWU, random oracle) under the chain's
// DST. Any failure gives ErrBadBeacon with the round and the reason.
func (c DrandChain) Verify(b DrandBeacon) ([32]byte, error) {
	var out [32]byte
	if c.Scheme != Quicknet.Scheme {
		return out, fmt.Errorf("%w: drand %s round %d: scheme %q is not supported", ErrBadBeacon, c.Name, b.Round, c.Scheme)
	}
	if b.Round == 0 {
		return out, fmt.Errorf("%w: drand %s: round 0 does not exist", ErrBadBeacon, c.Name)
	}
	if ch, err := c.ChainHash(); err != nil {
		return out, err
	} else if ch != c.Hash {
		return out, fmt.Errorf("%w: drand %s: pinned chain information hashes to %s, not the chain hash %s",
			ErrBadBeacon, c.Name, ch, c.Hash)
	}
	sig, err := drandHex("signature", b.Signature, bls12381.G1SizeCompressed)
	if err != nil {
		return out, fmt.Errorf("%w: drand %s round %d: %v", ErrBadBeacon, c.Name, b.Round, err)
	}
	rnd, err := drandHex("randomness", b.Randomness, sha256.Size)
	if err != nil {
		return out, fmt.Errorf("%w: drand %s round %d: %v", ErrBadBeacon, c.Name, b.Round, err)
	}
	if sha256.Sum256(sig) != [32]byte(rnd) {
		return out, fmt.Errorf("%w: drand %s round %d: randomness %s is not SHA-256 of the signature",
			ErrBadBeacon, c.Name, b.Round, b.Randomness)
	}
	var sigPt bls12381.G1
	if err := sigPt.SetBytes(sig); err != nil {
		return out, fmt.Errorf("%w: drand %s round %d: signature is not a G1 point: %v", ErrBadBeacon, c.Name, b.Round, err)
	}
	if sigPt.IsIdentity() {
		return out, fmt.Errorf("%w: drand %s round %d: signature is the identity point", ErrBadBeacon, c.Name, b.Round)
	}
	pkb, err := drandHex("public key", c.PublicKey, bls12381.G2SizeCompressed)
	if err != nil {
		return out, fmt.Errorf("%w: drand %s: pinned %v", ErrBadBeacon, c.Name, err)
	}
	var pk bls12381.G2
	if err := pk.SetBytes(pkb); err != nil || pk.IsIdentity() {
		return out, fmt.Errorf("%w: drand %s: pinned public key is not a G2 point", ErrBadBeacon, c.Name)
	}
	msg := DrandMessage(b.Round)
	var h bls12381.G1
	h.Hash(msg[:], []byte(c.DST))
	// e(sig, g2)^-1 · e(H(m), pk) = 1  ⇔  e(sig, g2) = e(H(m), pk).
	e := bls12381.ProdPairFrac(
		[]*bls12381.G1{&sigPt, &h},
		[]*bls12381.G2{bls12381.G2Generator(), &pk},
		[]int{-1, 1})
	if !e.IsIdentity() {
		return out, fmt.Errorf("%w: drand %s round %d: the signature is not the network's signature of this round",
			ErrBadBeacon, c.Name, b.Round)
	}
	copy(out[:], rnd)
	return out, nil
}

// drandHex decodes lower-case hex of exactly n bytes.
func drandHex(field, v string, n int) ([]byte, error) {
	if len(v) != 2*n {
		return nil, fmt.Errorf("%s has %d hex digits, want %d", field, len(v), 2*n)
	}
	if strings.ToLower(v) != v {
		return nil, fmt.Errorf("%s %q is not lower-case hex", field, v)
	}
	b, err := hex.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("%s %q is not hex: %v", field, v, err)
	}
	return b, nil
}
