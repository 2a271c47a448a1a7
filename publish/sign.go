package publish

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shuangsuiji/ssj/internal/b64"
	"github.com/shuangsuiji/ssj/internal/canon"
	"github.com/shuangsuiji/ssj/suite"
)

// ErrSignature is returned (wrapped) when a correction is unsigned, signed
// by an unknown key, by a key that is not the executing unit's principal
// head's, or the signature does not verify (rule R27), and by the signers
// and verifiers. It is suite.ErrSignature: one sentinel for every refused
// signature, so errors.Is(err, publish.ErrSignature) and errors.Is(err,
// suite.ErrSignature) agree whichever package refused.
var ErrSignature = suite.ErrSignature

// Signer signs corrections. Ed25519Signer is the built-in implementation;
// package suite has Ed25519 and SM2 (GB/T 32918, suite ssj-v1-sm) signers
// read from PEM key files (suite.ParsePrivateKeyPEM).
type Signer interface {
	// Algorithm names the scheme, e.g. "ed25519".
	Algorithm() string
	// KeyID identifies the public key a Verifier needs.
	KeyID() string
	// Sign returns the signature over msg.
	Sign(msg []byte) ([]byte, error)
}

// Verifier checks signatures of one algorithm.
type Verifier interface {
	Algorithm() string
	// Verify returns nil when sig is a valid signature of msg under publicKey.
	Verify(publicKey, msg, sig []byte) error
}

// Authority decides whether a signed correction may change a result of the
// given executing unit. Keyring is the built-in implementation.
type Authority interface {
	Authorize(sc SignedCorrection, unit string) error
}

// Role names the capacity a key is held in. Only RolePrincipalHead may sign
// corrections (rule R27: 任务执行单位主要负责人签字确认).
type Role string

// Roles.
const (
	RolePrincipalHead Role = "principal_head" // 主要负责人
	// RoleDeputyHead approves inspector replacements (rule R18:
	// 分管负责人); Keyring.VerifyApproval requires it.
	RoleDeputyHead Role = suite.RoleDeputyHead
)

// Ed25519 is the algorithm name of the built-in signer.
const Ed25519 = suite.Ed25519

// Ed25519Signer signs with an Ed25519 private key. It is
// suite.Ed25519Signer (one implementation for corrections, locks,
// approvals and checkpoints).
type Ed25519Signer = suite.Ed25519Signer

// NewEd25519Signer wraps a private key (suite.NewEd25519Signer). A key of
// the wrong length is refused with an error matching ErrSignature.
func NewEd25519Signer(key ed25519.PrivateKey) (*Ed25519Signer, error) {
	return suite.NewEd25519Signer(key)
}

// Ed25519Verifier verifies Ed25519 signatures. It is
// suite.Ed25519Verifier.
type Ed25519Verifier = suite.Ed25519Verifier

// KeyIDOf is the ID of a public key: the algorithm, a colon and the first 16
// hex digits of SHA-256 over the public key bytes (suite.KeyIDOf).
func KeyIDOf(alg string, pub []byte) string { return suite.KeyIDOf(alg, pub) }

// PublicKey is a keyring entry: whose key it is and in which capacity.
type PublicKey struct {
	KeyID     string `json:"key_id"`
	Algorithm string `json:"algorithm"`
	Unit      string `json:"unit"`
	Holder    string `json:"holder"`
	Role      Role   `json:"role"`
	// Key is the public key, base64 (standard encoding).
	Key string `json:"key"`
	// Validity is the key's period of use (not_before, not_after; both
	// optional, absent in keyrings written before keys rotated). A
	// correction whose signed_at lies outside it is refused: a rotated key
	// still verifies what it signed before its not_after.
	suite.Validity
}

// PrivateKey is the key file `ssj publish keygen` writes: the public entry
// plus the Ed25519 seed (base64). Keep it off shared disks.
type PrivateKey struct {
	PublicKey
	Seed string `json:"seed"`
}

// GenerateEd25519 makes a principal head's key pair from 32 bytes of
// randomness read from rand (pass crypto/rand.Reader).
func GenerateEd25519(rand io.Reader, unit, holder string) (PrivateKey, error) {
	if strings.TrimSpace(unit) == "" || strings.TrimSpace(holder) == "" {
		return PrivateKey{}, fmt.Errorf("%w: key needs a unit and a holder", ErrSignature)
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := io.ReadFull(rand, seed); err != nil {
		return PrivateKey{}, fmt.Errorf("publish: reading key randomness: %w", err)
	}
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	return PrivateKey{
		PublicKey: PublicKey{KeyID: KeyIDOf(Ed25519, pub), Algorithm: Ed25519, Unit: unit, Holder: holder,
			Role: RolePrincipalHead, Key: base64.StdEncoding.EncodeToString(pub)},
		Seed: base64.StdEncoding.EncodeToString(seed),
	}, nil
}

// Signer returns the signer for an Ed25519 key file.
func (k PrivateKey) Signer() (*Ed25519Signer, error) {
	if k.Algorithm != Ed25519 {
		return nil, fmt.Errorf("%w: key %s: algorithm %q, only %q is built in", ErrSignature, k.KeyID, k.Algorithm, Ed25519)
	}
	seed, err := base64.StdEncoding.DecodeString(k.Seed)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("%w: key %s: seed is not %d bytes of base64", ErrSignature, k.KeyID, ed25519.SeedSize)
	}
	s, err := NewEd25519Signer(ed25519.NewKeyFromSeed(seed))
	if err != nil {
		return nil, err
	}
	if s.KeyID() != k.KeyID {
		return nil, fmt.Errorf("%w: key file says key_id %s, the seed gives %s", ErrSignature, k.KeyID, s.KeyID())
	}
	return s, nil
}

// Keyring holds the public keys of the units' principal heads and verifies
// corrections against them. Ed25519 and SM2 (package suite, suite
// ssj-v1-sm) are built in; Verifiers adds other algorithms. A key may carry
// a validity period (rotation): see PublicKey.Validity and At.
type Keyring struct {
	Keys      []PublicKey `json:"keys"`
	Verifiers []Verifier  `json:"-"`
	// at is the signing time VerifySignature checks validity periods
	// against (Keyring.At).
	at time.Time
}

// At returns the keyring set to verify signatures made at time t (a lock's
// at, rule R16): VerifySignature then refuses a key whose validity period
// does not cover t. Without At, a key that has a validity period is refused
// by VerifySignature, since the time cannot be checked.
func (k Keyring) At(t time.Time) Keyring {
	k.at = t
	return k
}

// verifier returns the verifier of alg: Ed25519 (fixed) and SM2 (package
// suite, unless Verifiers has one) are built in, Verifiers adds others.
func (k Keyring) verifier(alg string) Verifier {
	if alg == Ed25519 {
		return Ed25519Verifier{}
	}
	for _, x := range k.Verifiers {
		if x.Algorithm() == alg {
			return x
		}
	}
	if alg == suite.SM2 {
		return suite.SM2Verifier{}
	}
	return nil
}

// Authorize checks that sc is signed by the principal head of unit with a
// key in the keyring, and that the signature verifies over the canonical
// correction bytes.
func (k Keyring) Authorize(sc SignedCorrection, unit string) error {
	if sc.Signature == "" || sc.KeyID == "" {
		return fmt.Errorf("%w: correction of %s is not signed", ErrSignature, sc.ResultID)
	}
	var key *PublicKey
	for i := range k.Keys {
		if k.Keys[i].KeyID == sc.KeyID {
			key = &k.Keys[i]
			break
		}
	}
	if key == nil {
		return fmt.Errorf("%w: correction of %s: key %s is not in the keyring", ErrSignature, sc.ResultID, sc.KeyID)
	}
	if key.Unit != unit {
		return fmt.Errorf("%w: correction of %s: key %s belongs to unit %q, the result's executing unit is %q", ErrSignature, sc.ResultID, sc.KeyID, key.Unit, unit)
	}
	if key.Role != RolePrincipalHead {
		return fmt.Errorf("%w: correction of %s: key %s is held as %q, not as the principal head", ErrSignature, sc.ResultID, sc.KeyID, key.Role)
	}
	if key.Algorithm != sc.Algorithm {
		return fmt.Errorf("%w: correction of %s: signed with %q, key %s is %q", ErrSignature, sc.ResultID, sc.Algorithm, sc.KeyID, key.Algorithm)
	}
	if key.NotBefore != nil || key.NotAfter != nil {
		if err := key.Validity.Check(sc.SignedAt); err != nil {
			return fmt.Errorf("%w: correction of %s, key %s (%s): %v", ErrSignature, sc.ResultID, key.KeyID, key.Holder, err)
		}
	}
	v := k.verifier(sc.Algorithm)
	if v == nil {
		return fmt.Errorf("%w: correction of %s: no verifier for algorithm %q", ErrSignature, sc.ResultID, sc.Algorithm)
	}
	pub, err := base64.StdEncoding.DecodeString(key.Key)
	if err != nil {
		return fmt.Errorf("%w: key %s: public key is not base64: %v", ErrSignature, key.KeyID, err)
	}
	sig, err := b64.Decode(sc.Signature)
	if err != nil {
		return fmt.Errorf("%w: correction of %s: signature is not base64: %v", ErrSignature, sc.ResultID, err)
	}
	msg, err := sc.Correction.SigningBytes()
	if err != nil {
		return err
	}
	if err := v.Verify(pub, msg, sig); err != nil {
		return fmt.Errorf("correction of %s, key %s (%s): %w", sc.ResultID, key.KeyID, key.Holder, err)
	}
	if sc.Signer != key.Holder {
		return fmt.Errorf("%w: correction of %s names signer %q, key %s is held by %q", ErrSignature, sc.ResultID, sc.Signer, sc.KeyID, key.Holder)
	}
	return nil
}

// VerifySignature checks a signature made with a key of the keyring: keyID
// must be in the keyring, of algorithm alg and held by signer, and sig must
// be a valid signature of msg under it. Unlike Authorize it does not ask for
// a role: it is the check draw.VerifyWith applies to a draw's lock (rule
// R16), which the officer in charge signs; the keyring implements
// draw.SignatureVerifier.
func (k Keyring) VerifySignature(signer, alg, keyID string, msg, sig []byte) error {
	var key *PublicKey
	for i := range k.Keys {
		if k.Keys[i].KeyID == keyID {
			key = &k.Keys[i]
			break
		}
	}
	if key == nil {
		return fmt.Errorf("%w: key %s is not in the keyring", ErrSignature, keyID)
	}
	if key.Algorithm != alg {
		return fmt.Errorf("%w: signed with %q, key %s is %q", ErrSignature, alg, keyID, key.Algorithm)
	}
	if key.Holder != signer {
		return fmt.Errorf("%w: signed as %q, key %s is held by %q", ErrSignature, signer, keyID, key.Holder)
	}
	if key.NotBefore != nil || key.NotAfter != nil {
		if k.at.IsZero() {
			return fmt.Errorf("%w: key %s has a validity period: verify with Keyring.At(signing time)", ErrSignature, keyID)
		}
		if err := key.Validity.Check(k.at); err != nil {
			return fmt.Errorf("%w: key %s (%s): %v", ErrSignature, keyID, key.Holder, err)
		}
	}
	v := k.verifier(alg)
	if v == nil {
		return fmt.Errorf("%w: no verifier for algorithm %q", ErrSignature, alg)
	}
	pub, err := base64.StdEncoding.DecodeString(key.Key)
	if err != nil {
		return fmt.Errorf("%w: key %s: public key is not base64: %v", ErrSignature, keyID, err)
	}
	if err := v.Verify(pub, msg, sig); err != nil {
		return fmt.Errorf("key %s (%s): %w", keyID, key.Holder, err)
	}
	return nil
}

// VerifyApproval checks a replacement approval signature (rule R18; it
// implements draw.ApprovalVerifier): as VerifySignature at the time at,
// and the key must be held with RoleDeputyHead. A key with a validity
// period verifies only approvals dated within it.
func (k Keyring) VerifyApproval(signer, alg, keyID string, at time.Time, msg, sig []byte) error {
	for i := range k.Keys {
		if key := k.Keys[i]; key.KeyID == keyID && key.Role != RoleDeputyHead {
			return fmt.Errorf("%w: key %s (%s) is held as %q, not as %q: it may not approve replacements (R18)",
				ErrSignature, keyID, key.Holder, key.Role, RoleDeputyHead)
		}
	}
	if at.IsZero() {
		return fmt.Errorf("%w: key %s: no approval time to check the key against", ErrSignature, keyID)
	}
	return k.At(at).VerifySignature(signer, alg, keyID, msg, sig)
}

// Correction changes a published result (rule R27). It names the version it
// corrects by number and hash, so a correction cannot be replayed against a
// later version.
type Correction struct {
	ResultID    string `json:"result_id"`
	BaseVersion int    `json:"base_version"`
	BaseHash    string `json:"base_hash"`
	// Result is the corrected result in full.
	Result Result `json:"result"`
	Reason string `json:"reason"`
	// Origin is "self" for a correction the unit found itself, or
	// "objection:ID" when it comes from a review (rule R28).
	Origin string `json:"origin"`
	// Signer is the principal head who signs (签字确认).
	Signer   string    `json:"signer"`
	SignedAt time.Time `json:"signed_at"`
}

// SigningContext prefixes the signed bytes so a correction signature cannot
// be taken for a signature over anything else.
const SigningContext = "ssj-correction/1\n"

// SigningBytes are the bytes a principal head signs: SigningContext followed
// by the RFC 8785 canonical JSON of the correction.
func (c Correction) SigningBytes() ([]byte, error) {
	b, err := canon.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("publish: correction of %s: %w", c.ResultID, err)
	}
	return append([]byte(SigningContext), b...), nil
}

// SignedCorrection is a correction with its signature.
type SignedCorrection struct {
	Correction
	Algorithm string `json:"algorithm"`
	KeyID     string `json:"key_id"`
	// Signature is base64 (standard encoding).
	Signature string `json:"signature"`
}

// Sign signs c with s.
func Sign(c Correction, s Signer) (SignedCorrection, error) {
	msg, err := c.SigningBytes()
	if err != nil {
		return SignedCorrection{}, err
	}
	sig, err := s.Sign(msg)
	if err != nil {
		return SignedCorrection{}, fmt.Errorf("publish: signing correction of %s: %w", c.ResultID, err)
	}
	return SignedCorrection{Correction: c, Algorithm: s.Algorithm(), KeyID: s.KeyID(),
		Signature: base64.StdEncoding.EncodeToString(sig)}, nil
}

// DecodeCorrection reads one signed correction strictly (unknown fields
// refused). It does not verify the signature; Book.Correct does.
func DecodeCorrection(r io.Reader) (SignedCorrection, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxResultsBytes))
	if err != nil {
		return SignedCorrection{}, fmt.Errorf("publish: reading correction: %w", err)
	}
	var sc SignedCorrection
	if err := strictUnmarshal(data, &sc); err != nil {
		return SignedCorrection{}, fmt.Errorf("%w: correction: %v", ErrResult, err)
	}
	if sc.ResultID == "" {
		return SignedCorrection{}, fmt.Errorf("%w: correction: result_id is empty", ErrResult)
	}
	return sc, nil
}

// DecodeKeyring reads a keyring JSON document {"keys":[...]} strictly.
func DecodeKeyring(r io.Reader) (Keyring, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxResultsBytes))
	if err != nil {
		return Keyring{}, fmt.Errorf("publish: reading keyring: %w", err)
	}
	var k Keyring
	if err := strictUnmarshal(data, &k); err != nil {
		return Keyring{}, fmt.Errorf("%w: keyring: %v", ErrSignature, err)
	}
	seen := map[string]int{}
	for i, key := range k.Keys {
		if key.KeyID == "" || key.Unit == "" || key.Algorithm == "" || key.Key == "" {
			return Keyring{}, fmt.Errorf("%w: keyring key #%d: key_id, unit, algorithm and key are required", ErrSignature, i)
		}
		if j, dup := seen[key.KeyID]; dup {
			return Keyring{}, fmt.Errorf("%w: keyring key #%d: key_id %q repeats key #%d", ErrSignature, i, key.KeyID, j)
		}
		seen[key.KeyID] = i
	}
	return k, nil
}

// DecodePrivateKey reads a key file written by GenerateEd25519 / keygen.
func DecodePrivateKey(r io.Reader) (PrivateKey, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return PrivateKey{}, fmt.Errorf("publish: reading key: %w", err)
	}
	var k PrivateKey
	if err := strictUnmarshal(data, &k); err != nil {
		return PrivateKey{}, fmt.Errorf("%w: key file: %v", ErrSignature, err)
	}
	return k, nil
}
