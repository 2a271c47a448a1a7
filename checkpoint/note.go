package checkpoint

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/shuangsuiji/ssj/internal/b64"
	"github.com/shuangsuiji/ssj/suite"
)

// sm2Type is the key-type prefix of ssj's SM2 co-signature keys: the
// signed-note extension byte 0xFF and the identifier "ssj-sm2".
var sm2Type = append([]byte{0xFF}, "ssj-sm2"...)

// keyHash is the signed-note key ID: the first 4 bytes, big-endian, of
// SHA-256(name ‖ "\n" ‖ typed key).
func keyHash(name string, typed []byte) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte("\n"))
	h.Write(typed)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// validName follows signed-note: non-empty, no Unicode spaces, no '+'.
func validName(name string) bool {
	return name != "" && !strings.ContainsAny(name, "+ \t\n\r\u00a0\u2028\u2029") && !strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 })
}

// noteSigner adapts a suite.Signer to note.Signer.
type noteSigner struct {
	name string
	hash uint32
	s    suite.Signer
}

func (n noteSigner) Name() string                    { return n.name }
func (n noteSigner) KeyHash() uint32                 { return n.hash }
func (n noteSigner) Sign(msg []byte) ([]byte, error) { return n.s.Sign(msg) }

// typedKey returns the signed-note typed public key of s: 0x01 ‖ key for
// Ed25519, 0xFF ‖ "ssj-sm2" ‖ Q for SM2.
func typedKey(alg string, pub []byte) ([]byte, error) {
	switch alg {
	case suite.Ed25519:
		return append([]byte{1}, pub...), nil
	case suite.SM2:
		return append(append([]byte(nil), sm2Type...), pub...), nil
	}
	return nil, fmt.Errorf("%w: algorithm %q cannot sign notes", ErrFormat, alg)
}

// NewSigner returns the note signer of s under the key name (usually the
// checkpoint's origin): standard Ed25519 signed-note signatures, or ssj's
// SM2 co-signature.
func NewSigner(name string, s suite.Signer) (note.Signer, error) {
	if !validName(name) {
		return nil, fmt.Errorf("%w: key name %q: no spaces and no '+'", ErrFormat, name)
	}
	tk, err := typedKey(s.Algorithm(), s.Public())
	if err != nil {
		return nil, err
	}
	return noteSigner{name: name, hash: keyHash(name, tk), s: s}, nil
}

// VerifierKey returns the verifier key (vkey) line of a signer's public key
// under name: "<name>+<8 hex>+<base64 typed key>". For Ed25519 it is the
// standard vkey golang.org/x/mod/sumdb/note reads.
func VerifierKey(name, alg string, pub []byte) (string, error) {
	if !validName(name) {
		return "", fmt.Errorf("%w: key name %q: no spaces and no '+'", ErrFormat, name)
	}
	if alg == suite.Ed25519 {
		if len(pub) != ed25519.PublicKeySize {
			return "", fmt.Errorf("%w: ed25519 public key has %d bytes", ErrFormat, len(pub))
		}
		return note.NewEd25519VerifierKey(name, ed25519.PublicKey(pub))
	}
	tk, err := typedKey(alg, pub)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s+%08x+%s", name, keyHash(name, tk), base64.StdEncoding.EncodeToString(tk)), nil
}

// sm2Verifier is note.Verifier for ssj's SM2 co-signature.
type sm2Verifier struct {
	name string
	hash uint32
	pub  []byte
}

func (v sm2Verifier) Name() string    { return v.name }
func (v sm2Verifier) KeyHash() uint32 { return v.hash }
func (v sm2Verifier) Verify(msg, sig []byte) bool {
	return suite.SM2Verifier{}.Verify(v.pub, msg, sig) == nil
}

// Verifier is a note.Verifier that also names its algorithm.
type Verifier interface {
	note.Verifier
	// Algorithm is "ed25519" or "sm2".
	Algorithm() string
	// PublicKey is the key's bytes (suite.Signer.Public's form), to find
	// it in a keyring (suite.KeyIDOf).
	PublicKey() []byte
}

type algVerifier struct {
	note.Verifier
	alg string
	pub []byte
}

func (a algVerifier) Algorithm() string { return a.alg }
func (a algVerifier) PublicKey() []byte { return append([]byte(nil), a.pub...) }

// ParseVerifierKey reads a vkey line (surrounding white space ignored):
// a standard Ed25519 signed-note key or an ssj SM2 co-signature key.
func ParseVerifierKey(vkey string) (Verifier, error) {
	vkey = strings.TrimSpace(vkey)
	if len(vkey) > 4096 {
		return nil, fmt.Errorf("%w: verifier key longer than 4096 bytes", ErrFormat)
	}
	name, rest, ok1 := strings.Cut(vkey, "+")
	hexHash, enc, ok2 := strings.Cut(rest, "+")
	if !ok1 || !ok2 || !validName(name) || len(hexHash) != 8 {
		return nil, fmt.Errorf("%w: verifier key %q: want NAME+HASH+KEY", ErrFormat, vkey)
	}
	h, err := strconv.ParseUint(hexHash, 16, 32)
	if err != nil {
		return nil, fmt.Errorf("%w: verifier key %q: key ID %q is not 8 hex digits", ErrFormat, vkey, hexHash)
	}
	key, err := b64.Decode(enc)
	if err != nil || len(key) == 0 {
		return nil, fmt.Errorf("%w: verifier key %q: key is not base64", ErrFormat, vkey)
	}
	if uint32(h) != keyHash(name, key) {
		return nil, fmt.Errorf("%w: verifier key %q: key ID %s does not match the key", ErrFormat, vkey, hexHash)
	}
	switch {
	case key[0] == 1:
		v, err := note.NewVerifier(vkey)
		if err != nil {
			return nil, fmt.Errorf("%w: verifier key %q: %v", ErrFormat, vkey, err)
		}
		if len(key) != 1+ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: verifier key %q: ed25519 key has %d bytes", ErrFormat, vkey, len(key)-1)
		}
		return algVerifier{v, suite.Ed25519, key[1:]}, nil
	case bytes.HasPrefix(key, sm2Type):
		pub := key[len(sm2Type):]
		if _, err := suite.PublicKeyPEM(suite.SM2, pub); err != nil {
			return nil, fmt.Errorf("%w: verifier key %q: %v", ErrFormat, vkey, err)
		}
		return algVerifier{sm2Verifier{name: name, hash: uint32(h), pub: pub}, suite.SM2, pub}, nil
	}
	return nil, fmt.Errorf("%w: verifier key %q: unknown key type 0x%02x", ErrFormat, vkey, key[0])
}

// Sign returns the signed note of c: the body, a blank line and one
// signature line per signer, in order (the agency's Ed25519 key first, the
// SM2 co-signature after it when the national suite is on).
func Sign(c Checkpoint, signers ...note.Signer) ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if len(signers) == 0 {
		return nil, fmt.Errorf("%w: no signer", ErrFormat)
	}
	out, err := note.Sign(&note.Note{Text: string(c.Body())}, signers...)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: signing: %w", err)
	}
	return out, nil
}

// Open verifies a signed checkpoint note: every verifier given must have a
// valid signature line in it (lines of other keys are ignored, as
// signed-note requires), and the body must be a well-formed checkpoint.
// It returns the checkpoint.
func Open(msg []byte, verifiers ...Verifier) (Checkpoint, error) {
	if len(msg) > MaxNoteBytes {
		return Checkpoint{}, fmt.Errorf("%w: note of %d bytes, more than %d", ErrFormat, len(msg), MaxNoteBytes)
	}
	if len(verifiers) == 0 {
		return Checkpoint{}, fmt.Errorf("%w: no verifier key given", ErrVerify)
	}
	list := make([]note.Verifier, len(verifiers))
	for i, v := range verifiers {
		list[i] = v
	}
	n, err := note.Open(msg, note.VerifierList(list...))
	if err != nil {
		var unv *note.UnverifiedNoteError
		var inv *note.InvalidSignatureError
		switch {
		case errors.As(err, &inv):
			return Checkpoint{}, fmt.Errorf("%w: %v", ErrVerify, err)
		case errors.As(err, &unv):
			return Checkpoint{}, fmt.Errorf("%w: no signature by any of the given keys", ErrVerify)
		}
		return Checkpoint{}, fmt.Errorf("%w: signed note: %v", ErrFormat, err)
	}
	for _, v := range verifiers {
		found := false
		for _, s := range n.Sigs {
			if s.Name == v.Name() && s.Hash == v.KeyHash() {
				found = true
			}
		}
		if !found {
			return Checkpoint{}, fmt.Errorf("%w: the note carries no signature by key %s (%s, %08x)", ErrVerify, v.Name(), v.Algorithm(), v.KeyHash())
		}
	}
	return ParseBody([]byte(n.Text))
}
