package suite

import (
	"encoding/base64"
	"fmt"
	"io"
	"time"

	"github.com/shuangsuiji/ssj/internal/jsonin"
)

// Validity is a key's period of use: the key may sign, and its signatures
// verify, for times t with NotBefore ≤ t ≤ NotAfter. An absent bound is
// open. A rotated key gets a NotAfter: what it signed before still
// verifies, anything dated later is refused.
type Validity struct {
	NotBefore *time.Time `json:"not_before,omitempty"`
	NotAfter  *time.Time `json:"not_after,omitempty"`
}

// Check returns nil when t lies within the period, else an error wrapping
// ErrSignature that names the bound and the time.
func (v Validity) Check(t time.Time) error {
	if t.IsZero() {
		return fmt.Errorf("%w: no signing time given to check the key's validity against", ErrSignature)
	}
	if v.NotBefore != nil && t.Before(*v.NotBefore) {
		return fmt.Errorf("%w: signed at %s, before the key's not_before %s", ErrSignature,
			t.UTC().Format(time.RFC3339), v.NotBefore.UTC().Format(time.RFC3339))
	}
	if v.NotAfter != nil && t.After(*v.NotAfter) {
		return fmt.Errorf("%w: signed at %s, after the key's not_after %s (the key was rotated)", ErrSignature,
			t.UTC().Format(time.RFC3339), v.NotAfter.UTC().Format(time.RFC3339))
	}
	return nil
}

// Validate reports a period whose NotAfter is before its NotBefore.
func (v Validity) Validate() error {
	if v.NotBefore != nil && v.NotAfter != nil && v.NotAfter.Before(*v.NotBefore) {
		return fmt.Errorf("%w: not_after %s is before not_before %s", ErrKey,
			v.NotAfter.UTC().Format(time.RFC3339), v.NotBefore.UTC().Format(time.RFC3339))
	}
	return nil
}

// Key is one keyring entry: the public key, whose it is, in which capacity
// and when it may be used. Its JSON members are those of publish.PublicKey
// plus not_before and not_after, so one keyring file serves both.
type Key struct {
	KeyID     string `json:"key_id"`
	Algorithm string `json:"algorithm"`
	// Unit is the holder's organisation (executing unit, agency).
	Unit string `json:"unit,omitempty"`
	// Holder is the person (or, for checkpoints, the agency) who holds it.
	Holder string `json:"holder,omitempty"`
	// Role is the capacity: principal_head (R27), confirming official
	// (R16), deputy_head (R18), agency (checkpoints). Free text here.
	Role string `json:"role,omitempty"`
	// Key is the public key, base64 (standard encoding) of Signer.Public.
	Key string `json:"key"`
	Validity
}

// PublicKey decodes Key.
func (k Key) PublicKey() ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(k.Key)
	if err != nil {
		return nil, fmt.Errorf("%w: key %s: public key is not base64: %v", ErrKey, k.KeyID, err)
	}
	return b, nil
}

// KeyOf returns the keyring entry of a signer.
func KeyOf(s Signer, unit, holder, role string, v Validity) Key {
	return Key{KeyID: s.KeyID(), Algorithm: s.Algorithm(), Unit: unit, Holder: holder, Role: role,
		Key: base64.StdEncoding.EncodeToString(s.Public()), Validity: v}
}

// Keyring is a list of public keys with their validity periods. It is the
// verifier of lock signatures (rule R16, through At, which implements
// draw.SignatureVerifier), of SM2 or Ed25519 signatures generally, and
// the gate for signing (SignerAt): a key is used only within its period.
type Keyring struct {
	Keys []Key `json:"keys"`
}

// Find returns the key with the ID.
func (k Keyring) Find(keyID string) (Key, error) {
	for _, x := range k.Keys {
		if x.KeyID == keyID {
			return x, nil
		}
	}
	return Key{}, fmt.Errorf("%w: key %s is not in the keyring", ErrSignature, keyID)
}

// Verify checks that keyID is in the keyring, of algorithm alg, held by
// holder (any holder when holder is empty), valid at the signing time at,
// and that sig is its signature over msg. It returns the key.
func (k Keyring) Verify(holder, alg, keyID string, at time.Time, msg, sig []byte) (Key, error) {
	key, err := k.Find(keyID)
	if err != nil {
		return Key{}, err
	}
	if key.Algorithm != alg {
		return Key{}, fmt.Errorf("%w: signed with %q, key %s is %q", ErrSignature, alg, keyID, key.Algorithm)
	}
	if holder != "" && key.Holder != holder {
		return Key{}, fmt.Errorf("%w: signed as %q, key %s is held by %q", ErrSignature, holder, keyID, key.Holder)
	}
	if err := key.Validity.Check(at); err != nil {
		return Key{}, fmt.Errorf("key %s (%s): %w", keyID, key.Holder, err)
	}
	pub, err := key.PublicKey()
	if err != nil {
		return Key{}, err
	}
	if err := VerifySignature(alg, pub, msg, sig); err != nil {
		return Key{}, fmt.Errorf("key %s (%s): %w", keyID, key.Holder, err)
	}
	return key, nil
}

// SignerAt returns s when its key is in the keyring, and valid at the
// signing time at; otherwise an error: a rotated key cannot sign anything
// dated after its not_after.
func (k Keyring) SignerAt(s Signer, at time.Time) (Signer, error) {
	key, err := k.Find(s.KeyID())
	if err != nil {
		return nil, err
	}
	if key.Algorithm != s.Algorithm() || key.Key != base64.StdEncoding.EncodeToString(s.Public()) {
		return nil, fmt.Errorf("%w: key %s in the keyring is not the signer's public key", ErrSignature, s.KeyID())
	}
	if err := key.Validity.Check(at); err != nil {
		return nil, fmt.Errorf("key %s (%s) may not sign: %w", key.KeyID, key.Holder, err)
	}
	return s, nil
}

// At returns the keyring as a verifier of signatures made at time at: the
// signature must verify and the key be valid then. It implements
// draw.SignatureVerifier; pass At(record.Lock.At) to draw.VerifyWith.
func (k Keyring) At(at time.Time) TimedKeyring { return TimedKeyring{Ring: k, Time: at} }

// TimedKeyring is a Keyring with the signing time fixed (Keyring.At).
type TimedKeyring struct {
	Ring Keyring
	Time time.Time
}

// VerifySignature checks a signature by holder signer with keyID of
// algorithm alg, made at the TimedKeyring's time (draw.SignatureVerifier).
func (t TimedKeyring) VerifySignature(signer, alg, keyID string, msg, sig []byte) error {
	_, err := t.Ring.Verify(signer, alg, keyID, t.Time, msg, sig)
	return err
}

// MaxKeyringBytes bounds a keyring document.
const MaxKeyringBytes = 4 << 20

// DecodeKeyring reads a keyring JSON document {"keys":[...]} strictly
// (unknown members and repeated keys refused) and checks every entry: key_id,
// algorithm and key present, key_id equal to KeyIDOf of the key, the key
// a valid public key of its algorithm, the period not inverted.
func DecodeKeyring(r io.Reader) (Keyring, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxKeyringBytes+1))
	if err != nil {
		return Keyring{}, fmt.Errorf("suite: reading keyring: %w", err)
	}
	if len(data) > MaxKeyringBytes {
		return Keyring{}, fmt.Errorf("%w: keyring larger than %d bytes", ErrKey, MaxKeyringBytes)
	}
	var k Keyring
	if err := jsonin.Decode(data, &k, jsonin.Options{}); err != nil {
		return Keyring{}, fmt.Errorf("%w: keyring: %v", ErrKey, err)
	}
	seen := map[string]int{}
	for i, key := range k.Keys {
		if key.KeyID == "" || key.Algorithm == "" || key.Key == "" {
			return Keyring{}, fmt.Errorf("%w: keyring key #%d: key_id, algorithm and key are required", ErrKey, i)
		}
		if j, dup := seen[key.KeyID]; dup {
			return Keyring{}, fmt.Errorf("%w: keyring key #%d: key_id %q repeats key #%d", ErrKey, i, key.KeyID, j)
		}
		seen[key.KeyID] = i
		pub, err := key.PublicKey()
		if err != nil {
			return Keyring{}, fmt.Errorf("keyring key #%d: %w", i, err)
		}
		if _, err := PublicKeyPEM(key.Algorithm, pub); err != nil {
			return Keyring{}, fmt.Errorf("keyring key #%d (%s): %w", i, key.KeyID, err)
		}
		if want := KeyIDOf(key.Algorithm, pub); want != key.KeyID {
			return Keyring{}, fmt.Errorf("%w: keyring key #%d: key_id %s, the key gives %s", ErrKey, i, key.KeyID, want)
		}
		if err := key.Validity.Validate(); err != nil {
			return Keyring{}, fmt.Errorf("keyring key #%d (%s): %w", i, key.KeyID, err)
		}
	}
	return k, nil
}

// RoleDeputyHead is the Role of a key that approves inspector replacements
// (rule R18: the department's deputy head in charge, 分管负责人).
const RoleDeputyHead = "deputy_head"

// VerifyApproval checks a replacement approval signature (rule R18; it
// implements draw.ApprovalVerifier): keyID must be in the keyring, of
// algorithm alg, held by signer with Role RoleDeputyHead, valid at the
// replacement's time at, and sig its signature over msg. A rotated key
// still verifies approvals dated before its not_after.
func (k Keyring) VerifyApproval(signer, alg, keyID string, at time.Time, msg, sig []byte) error {
	key, err := k.Find(keyID)
	if err != nil {
		return err
	}
	if key.Role != RoleDeputyHead {
		return fmt.Errorf("%w: key %s (%s) is held as %q, not as %q: it may not approve replacements (R18)",
			ErrSignature, keyID, key.Holder, key.Role, RoleDeputyHead)
	}
	_, err = k.Verify(signer, alg, keyID, at, msg, sig)
	return err
}
