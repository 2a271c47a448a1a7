package suite

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/pem"
	"errors"
	"fmt"
	"io"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
)

// ErrKey is returned (wrapped) when a key file cannot be read as a key.
var ErrKey = errors.New("suite: unreadable key")

// MaxPEMBytes bounds a key file.
const MaxPEMBytes = 64 << 10

// ParsePrivateKeyPEM reads a private key: PKCS#8 ("PRIVATE KEY", Ed25519 or
// SM2) or SEC 1 ("EC PRIVATE KEY", SM2 only), and returns its Signer. The
// first PEM block must be the key; anything before it (a comment) is
// allowed, an encrypted key is refused.
func ParsePrivateKeyPEM(data []byte) (Signer, error) {
	if len(data) > MaxPEMBytes {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrKey, len(data), MaxPEMBytes)
	}
	b, _ := pem.Decode(data)
	if b == nil {
		return nil, fmt.Errorf("%w: no PEM block", ErrKey)
	}
	if _, enc := b.Headers["Proc-Type"]; enc {
		return nil, fmt.Errorf("%w: PEM block %q is encrypted", ErrKey, b.Type)
	}
	switch b.Type {
	case "PRIVATE KEY":
		k, err := smx509.ParsePKCS8PrivateKey(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: PKCS#8: %v", ErrKey, err)
		}
		switch k := k.(type) {
		case ed25519.PrivateKey:
			return NewEd25519Signer(k)
		case *sm2.PrivateKey:
			return NewSM2Signer(k)
		default:
			return nil, fmt.Errorf("%w: PKCS#8 key of type %T: want Ed25519 or SM2", ErrKey, k)
		}
	case "EC PRIVATE KEY":
		k, err := smx509.ParseSM2PrivateKey(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: SEC 1 SM2 key: %v", ErrKey, err)
		}
		return NewSM2Signer(k)
	}
	return nil, fmt.Errorf("%w: PEM block %q: want \"PRIVATE KEY\" (PKCS#8) or \"EC PRIVATE KEY\" (SM2)", ErrKey, b.Type)
}

// ParsePublicKeyPEM reads a PKIX public key ("PUBLIC KEY") and returns its
// algorithm ("ed25519" or "sm2") and bytes (as Signer.Public).
func ParsePublicKeyPEM(data []byte) (alg string, pub []byte, err error) {
	if len(data) > MaxPEMBytes {
		return "", nil, fmt.Errorf("%w: %d bytes, more than %d", ErrKey, len(data), MaxPEMBytes)
	}
	b, _ := pem.Decode(data)
	if b == nil {
		return "", nil, fmt.Errorf("%w: no PEM block", ErrKey)
	}
	if b.Type != "PUBLIC KEY" {
		return "", nil, fmt.Errorf("%w: PEM block %q: want \"PUBLIC KEY\"", ErrKey, b.Type)
	}
	k, err := smx509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		return "", nil, fmt.Errorf("%w: PKIX: %v", ErrKey, err)
	}
	switch k := k.(type) {
	case ed25519.PublicKey:
		return Ed25519, append([]byte(nil), k...), nil
	case *ecdsa.PublicKey:
		if !sm2.IsSM2PublicKey(k) {
			return "", nil, fmt.Errorf("%w: an ECDSA key not on the SM2 curve", ErrKey)
		}
		p, err := sm2PublicBytes(k)
		if err != nil {
			return "", nil, err
		}
		return SM2, p, nil
	}
	return "", nil, fmt.Errorf("%w: public key of type %T: want Ed25519 or SM2", ErrKey, k)
}

// GenerateKey makes a new key pair of the algorithm ("ed25519" or "sm2")
// from rand (pass crypto/rand.Reader) and returns its Signer and the PEM
// files: the PKCS#8 private key and the PKIX public key.
func GenerateKey(alg string, rand io.Reader) (s Signer, privPEM, pubPEM []byte, err error) {
	var priv, pub any
	switch alg {
	case Ed25519:
		p, k, err := ed25519.GenerateKey(rand)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("suite: generating an ed25519 key: %w", err)
		}
		if s, err = NewEd25519Signer(k); err != nil {
			return nil, nil, nil, err
		}
		priv, pub = k, p
	case SM2:
		k, err := sm2.GenerateKey(rand)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("suite: generating an sm2 key: %w", err)
		}
		if s, err = NewSM2Signer(k); err != nil {
			return nil, nil, nil, err
		}
		priv, pub = k, &k.PublicKey
	default:
		return nil, nil, nil, fmt.Errorf("%w: algorithm %q: want %q or %q", ErrKey, alg, Ed25519, SM2)
	}
	der, err := smx509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("suite: encoding the private key: %w", err)
	}
	pder, err := smx509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("suite: encoding the public key: %w", err)
	}
	return s, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pder}), nil
}

// PublicKeyPEM encodes public key bytes (as Signer.Public) of alg as a
// PKIX "PUBLIC KEY" PEM block.
func PublicKeyPEM(alg string, pub []byte) ([]byte, error) {
	var k any
	switch alg {
	case Ed25519:
		if len(pub) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: ed25519 public key has %d bytes", ErrKey, len(pub))
		}
		k = ed25519.PublicKey(pub)
	case SM2:
		p, err := sm2.NewPublicKey(pub)
		if err != nil {
			return nil, fmt.Errorf("%w: sm2 public key: %v", ErrKey, err)
		}
		k = p
	default:
		return nil, fmt.Errorf("%w: algorithm %q", ErrKey, alg)
	}
	der, err := smx509.MarshalPKIXPublicKey(k)
	if err != nil {
		return nil, fmt.Errorf("suite: encoding the public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}
