package suite

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/emmansun/gmsm/sm2"
)

// ErrSignature is returned (wrapped) when a signature does not verify, a
// key is malformed, or a key may not be used (outside its validity period,
// not in the keyring, wrong holder or algorithm). publish.ErrSignature is
// the same sentinel, so the correction checks (rule R27) match it too.
var ErrSignature = errors.New("signature refused")

// DefaultUID is the SM2 user ID that GM/T 0009-2012 fixes when the parties
// agree on none: the 16 ASCII bytes "1234567812345678". It enters Z_A, the
// hash of the signer's identity that SM2 prefixes to the message.
var DefaultUID = []byte("1234567812345678")

// Signer signs with one private key. Its method set includes those of
// publish.Signer and draw.Signer, so a Signer can sign corrections (rule
// R27) and locks (rule R16) as it is.
type Signer interface {
	// Algorithm names the scheme: "ed25519" or "sm2".
	Algorithm() string
	// KeyID identifies the public key (KeyIDOf).
	KeyID() string
	// Sign returns the signature over msg.
	Sign(msg []byte) ([]byte, error)
	// Public returns the public key bytes: 32 bytes for Ed25519, the
	// 65-byte uncompressed point 04‖X‖Y for SM2.
	Public() []byte
}

// Verifier checks signatures of one algorithm. It has the method set of
// publish.Verifier, so it can be added to a publish.Keyring.
type Verifier interface {
	Algorithm() string
	// Verify returns nil when sig is a valid signature of msg under publicKey.
	Verify(publicKey, msg, sig []byte) error
}

// KeyIDOf is the ID of a public key: the algorithm, a colon and the first
// 16 hex digits of SHA-256 over the public key bytes. It is the same
// function publish.KeyIDOf calls, so key IDs match across packages.
// (An ID, not a security hash: it is SHA-256 in every suite.)
func KeyIDOf(alg string, pub []byte) string {
	sum := sha256.Sum256(pub)
	return alg + ":" + hex.EncodeToString(sum[:8])
}

// VerifierFor returns the verifier of a signature algorithm.
func VerifierFor(alg string) (Verifier, error) {
	switch alg {
	case Ed25519:
		return Ed25519Verifier{}, nil
	case SM2:
		return SM2Verifier{}, nil
	}
	return nil, fmt.Errorf("%w: no verifier for algorithm %q (want %q or %q)", ErrSignature, alg, Ed25519, SM2)
}

// Verifier returns the verifier of the suite's signature algorithm.
func (s Suite) Verifier() Verifier {
	v, _ := VerifierFor(s.sigAlg)
	return v
}

// Ed25519Signer signs with an Ed25519 private key (suite ssj-v1).
type Ed25519Signer struct {
	key ed25519.PrivateKey
	id  string
}

// NewEd25519Signer wraps a private key.
func NewEd25519Signer(key ed25519.PrivateKey) (*Ed25519Signer, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("%w: ed25519 private key has %d bytes, want %d", ErrSignature, len(key), ed25519.PrivateKeySize)
	}
	return &Ed25519Signer{key: key, id: KeyIDOf(Ed25519, key.Public().(ed25519.PublicKey))}, nil
}

// Algorithm returns "ed25519".
func (s *Ed25519Signer) Algorithm() string { return Ed25519 }

// KeyID returns the key's ID.
func (s *Ed25519Signer) KeyID() string { return s.id }

// Public returns the 32-byte public key.
func (s *Ed25519Signer) Public() []byte {
	return append([]byte(nil), s.key.Public().(ed25519.PublicKey)...)
}

// Sign signs msg (RFC 8032 Ed25519, deterministic).
func (s *Ed25519Signer) Sign(msg []byte) ([]byte, error) { return ed25519.Sign(s.key, msg), nil }

// PrivateKey returns the wrapped key (for the signed-note signer).
func (s *Ed25519Signer) PrivateKey() ed25519.PrivateKey { return s.key }

// Ed25519Verifier verifies Ed25519 signatures.
type Ed25519Verifier struct{}

// Algorithm returns "ed25519".
func (Ed25519Verifier) Algorithm() string { return Ed25519 }

// Verify checks sig over msg under a 32-byte Ed25519 public key.
func (Ed25519Verifier) Verify(pub, msg, sig []byte) error {
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: ed25519 public key has %d bytes, want %d", ErrSignature, len(pub), ed25519.PublicKeySize)
	}
	if !ed25519.Verify(ed25519.PublicKey(pub), msg, sig) {
		return fmt.Errorf("%w: ed25519 signature does not verify", ErrSignature)
	}
	return nil
}

// SM2Signer signs with an SM2 private key (suite ssj-v1-sm): the GB/T
// 32918.2 signature over SM3(Z_A ‖ msg), Z_A computed with DefaultUID,
// encoded as the DER SEQUENCE {r, s} of GM/T 0009.
type SM2Signer struct {
	key  *sm2.PrivateKey
	pub  []byte
	id   string
	rand io.Reader
}

// NewSM2Signer wraps a private key. Signatures draw their nonce from
// crypto/rand; WithRand replaces it (tests of the standard's fixed-k
// example only).
func NewSM2Signer(key *sm2.PrivateKey) (*SM2Signer, error) {
	if key == nil {
		return nil, fmt.Errorf("%w: sm2 private key is nil", ErrSignature)
	}
	pub, err := sm2PublicBytes(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	return &SM2Signer{key: key, pub: pub, id: KeyIDOf(SM2, pub), rand: rand.Reader}, nil
}

// WithRand returns a copy of s that reads signature nonces from r.
func (s *SM2Signer) WithRand(r io.Reader) *SM2Signer {
	c := *s
	c.rand = r
	return &c
}

// Algorithm returns "sm2".
func (s *SM2Signer) Algorithm() string { return SM2 }

// KeyID returns the key's ID.
func (s *SM2Signer) KeyID() string { return s.id }

// Public returns the 65-byte uncompressed public point.
func (s *SM2Signer) Public() []byte { return append([]byte(nil), s.pub...) }

// Sign signs msg with the default user ID.
func (s *SM2Signer) Sign(msg []byte) ([]byte, error) {
	sig, err := s.key.Sign(s.rand, msg, sm2.NewSM2SignerOption(true, DefaultUID))
	if err != nil {
		return nil, fmt.Errorf("suite: sm2 signing: %w", err)
	}
	return sig, nil
}

// SM2Verifier verifies SM2 signatures made with DefaultUID.
type SM2Verifier struct{}

// Algorithm returns "sm2".
func (SM2Verifier) Algorithm() string { return SM2 }

// Verify checks a DER signature over msg under a 65-byte uncompressed SM2
// public key.
func (SM2Verifier) Verify(pub, msg, sig []byte) error {
	k, err := sm2.NewPublicKey(pub)
	if err != nil {
		return fmt.Errorf("%w: sm2 public key (%d bytes) is not an uncompressed point on the curve: %v", ErrSignature, len(pub), err)
	}
	if !sm2.VerifyASN1WithSM2(k, DefaultUID, msg, sig) {
		return fmt.Errorf("%w: sm2 signature does not verify", ErrSignature)
	}
	return nil
}

func sm2PublicBytes(pub *ecdsa.PublicKey) ([]byte, error) {
	e, err := sm2.PublicKeyToECDH(pub)
	if err != nil {
		return nil, fmt.Errorf("%w: sm2 public key: %v", ErrSignature, err)
	}
	return e.Bytes(), nil
}

// VerifySignature checks sig over msg under pub with the algorithm alg.
func VerifySignature(alg string, pub, msg, sig []byte) error {
	v, err := VerifierFor(alg)
	if err != nil {
		return err
	}
	return v.Verify(pub, msg, sig)
}
