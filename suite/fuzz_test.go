package suite_test

import (
	"bytes"
	"crypto/rand"
	"testing"

	"github.com/shuangsuiji/ssj/suite"
)

// FuzzParseKeyPEM: key files are outside input; no input panics, and a
// key that parses signs something its own public key verifies.
func FuzzParseKeyPEM(f *testing.F) {
	for _, alg := range []string{suite.Ed25519, suite.SM2} {
		_, priv, pub, err := suite.GenerateKey(alg, rand.Reader)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(priv)
		f.Add(pub)
	}
	f.Add([]byte("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := suite.ParsePrivateKeyPEM(data); err == nil {
			sig, err := s.Sign([]byte("m"))
			if err != nil {
				t.Fatal(err)
			}
			if err := suite.VerifySignature(s.Algorithm(), s.Public(), []byte("m"), sig); err != nil {
				t.Fatalf("a parsed key's signature does not verify: %v", err)
			}
		}
		if alg, pub, err := suite.ParsePublicKeyPEM(data); err == nil {
			if _, err := suite.PublicKeyPEM(alg, pub); err != nil {
				t.Fatalf("a parsed public key does not re-encode: %v", err)
			}
		}
	})
}

// FuzzDecodeKeyring: keyring files are outside input.
func FuzzDecodeKeyring(f *testing.F) {
	f.Add([]byte(`{"keys":[]}`))
	f.Add([]byte(`{"keys":[{"key_id":"ed25519:00","algorithm":"ed25519","key":"AAAA","not_before":"2026-01-01T00:00:00Z"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := suite.DecodeKeyring(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, key := range k.Keys {
			if err := key.Validity.Validate(); err != nil {
				t.Fatal(err)
			}
		}
	})
}
