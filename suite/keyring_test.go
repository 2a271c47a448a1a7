package suite_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/suite"
)

// Both signers can sign locks (R16) and corrections (R27); the keyring at a
// time verifies locks; both verifiers plug into publish.Keyring.
var (
	_ draw.Signer            = (suite.Signer)(nil)
	_ publish.Signer         = (suite.Signer)(nil)
	_ draw.SignatureVerifier = suite.TimedKeyring{}
	_ publish.Verifier       = suite.SM2Verifier{}
	_ publish.Verifier       = suite.Ed25519Verifier{}
)

func TestPEMRoundTrip(t *testing.T) {
	for _, alg := range []string{suite.Ed25519, suite.SM2} {
		t.Run(alg, func(t *testing.T) {
			s, priv, pub, err := suite.GenerateKey(alg, rand.Reader)
			require.NoError(t, err)
			assert.True(t, bytes.HasPrefix(priv, []byte("-----BEGIN PRIVATE KEY-----\n")), "PKCS#8")
			s2, err := suite.ParsePrivateKeyPEM(append([]byte("a comment before the block\n"), priv...))
			require.NoError(t, err)
			assert.Equal(t, s.KeyID(), s2.KeyID())
			assert.Equal(t, alg, s2.Algorithm())
			gotAlg, gotPub, err := suite.ParsePublicKeyPEM(pub)
			require.NoError(t, err)
			assert.Equal(t, alg, gotAlg)
			assert.Equal(t, s.Public(), gotPub)
			again, err := suite.PublicKeyPEM(alg, gotPub)
			require.NoError(t, err)
			assert.Equal(t, pub, again)
			msg := []byte("ssj")
			sig, err := s2.Sign(msg)
			require.NoError(t, err)
			require.NoError(t, suite.VerifySignature(alg, gotPub, msg, sig))
			// A private key is not a public key and the reverse.
			_, _, err = suite.ParsePublicKeyPEM(priv)
			assert.ErrorIs(t, err, suite.ErrKey)
			_, err = suite.ParsePrivateKeyPEM(pub)
			assert.ErrorIs(t, err, suite.ErrKey)
		})
	}
	for name, in := range map[string]string{
		"empty":     "",
		"not pem":   "hello",
		"bad der":   "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
		"encrypted": "-----BEGIN PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END PRIVATE KEY-----\n",
		"rsa type":  "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
	} {
		_, err := suite.ParsePrivateKeyPEM([]byte(in))
		assert.ErrorIs(t, err, suite.ErrKey, name)
	}
}

func date(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// A rotated key: the old key verifies what it signed within its period and
// can neither sign nor verify anything dated after; the new key takes over.
// Rules R16 (lock) and R27 (correction), through draw and publish.
func TestKeyringRotation(t *testing.T) {
	for _, alg := range []string{suite.Ed25519, suite.SM2} {
		t.Run(alg, func(t *testing.T) {
			old, _, _, err := suite.GenerateKey(alg, rand.Reader)
			require.NoError(t, err)
			cur, _, _, err := suite.GenerateKey(alg, rand.Reader)
			require.NoError(t, err)
			ring := suite.Keyring{Keys: []suite.Key{
				suite.KeyOf(old, "西湖区市场监管局", "局长甲", "principal_head", suite.Validity{NotBefore: date("2026-01-01T00:00:00+08:00"), NotAfter: date("2026-06-30T23:59:59+08:00")}),
				suite.KeyOf(cur, "西湖区市场监管局", "局长甲", "principal_head", suite.Validity{NotBefore: date("2026-07-01T00:00:00+08:00")}),
			}}
			// Through JSON, as a file would carry it.
			b, err := json.Marshal(ring)
			require.NoError(t, err)
			ring, err = suite.DecodeKeyring(bytes.NewReader(b))
			require.NoError(t, err)

			march, august := *date("2026-03-02T10:00:00+08:00"), *date("2026-08-03T10:00:00+08:00")
			_, err = ring.SignerAt(old, march)
			require.NoError(t, err)
			_, err = ring.SignerAt(old, august)
			require.ErrorIs(t, err, suite.ErrSignature, "a rotated key cannot sign after its not_after")
			assert.Contains(t, err.Error(), "rotated")
			_, err = ring.SignerAt(cur, march)
			require.ErrorIs(t, err, suite.ErrSignature, "the new key cannot sign before its not_before")
			_, err = ring.SignerAt(cur, august)
			require.NoError(t, err)

			msg := []byte("lock")
			sigOld, err := old.Sign(msg)
			require.NoError(t, err)
			_, err = ring.Verify("局长甲", alg, old.KeyID(), march, msg, sigOld)
			require.NoError(t, err, "the old key still verifies what it signed in its period")
			_, err = ring.Verify("局长甲", alg, old.KeyID(), august, msg, sigOld)
			require.ErrorIs(t, err, suite.ErrSignature, "a signature dated after the rotation is refused")
			_, err = ring.Verify("局长乙", alg, old.KeyID(), march, msg, sigOld)
			require.ErrorIs(t, err, suite.ErrSignature, "other holder")
			_, err = ring.Verify("局长甲", alg, old.KeyID(), time.Time{}, msg, sigOld)
			require.ErrorIs(t, err, suite.ErrSignature, "no time")
		})
	}
}

// Rule R16: a lock signed with SM2 through draw.LockSigned verifies with
// draw.VerifyWith given the keyring at the lock's time; after the key's
// rotation the same signature is refused.
func TestSM2LockThroughDraw(t *testing.T) {
	s, _, _, err := suite.GenerateKey(suite.SM2, rand.Reader)
	require.NoError(t, err)
	l := &draw.LockInfo{At: *date("2026-03-02T03:00:00Z"), By: "分管负责人甲", RecordHash: strings.Repeat("ab", 32)}
	msg, err := draw.LockSigningBytes(l)
	require.NoError(t, err)
	sig, err := s.Sign(msg)
	require.NoError(t, err)
	ring := suite.Keyring{Keys: []suite.Key{suite.KeyOf(s, "", "分管负责人甲", "confirming_official",
		suite.Validity{NotAfter: date("2026-04-01T00:00:00Z")})}}
	require.NoError(t, ring.At(l.At).VerifySignature(l.By, suite.SM2, s.KeyID(), msg, sig))
	assert.ErrorIs(t, ring.At(*date("2026-05-01T00:00:00Z")).VerifySignature(l.By, suite.SM2, s.KeyID(), msg, sig), suite.ErrSignature)
}

func TestDecodeKeyringRefuses(t *testing.T) {
	s, _, _, err := suite.GenerateKey(suite.SM2, rand.Reader)
	require.NoError(t, err)
	good := suite.KeyOf(s, "u", "h", "", suite.Validity{})
	for name, mut := range map[string]func(k *suite.Key){
		"wrong key_id": func(k *suite.Key) { k.KeyID = "sm2:0000000000000000" },
		"inverted": func(k *suite.Key) {
			k.NotBefore, k.NotAfter = date("2026-02-01T00:00:00Z"), date("2026-01-01T00:00:00Z")
		},
		"not a point":  func(k *suite.Key) { k.Key = "AAAA" },
		"no algorithm": func(k *suite.Key) { k.Algorithm = "" },
		"bad base64":   func(k *suite.Key) { k.Key = "!!" },
	} {
		k := good
		mut(&k)
		b, _ := json.Marshal(suite.Keyring{Keys: []suite.Key{k}})
		_, err := suite.DecodeKeyring(bytes.NewReader(b))
		assert.ErrorIs(t, err, suite.ErrKey, name)
	}
	b, _ := json.Marshal(suite.Keyring{Keys: []suite.Key{good, good}})
	_, err = suite.DecodeKeyring(bytes.NewReader(b))
	assert.ErrorIs(t, err, suite.ErrKey, "duplicate")
	_, err = suite.DecodeKeyring(strings.NewReader(`{"keys":[],"extra":1}`))
	assert.ErrorIs(t, err, suite.ErrKey, "unknown member")
}
