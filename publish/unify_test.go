package publish_test

import (
	"bytes"
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/suite"
)

// One Ed25519 implementation: publish's signer and verifier are suite's,
// key IDs agree, and every refusal matches both sentinels, so callers that
// test errors.Is(err, publish.ErrSignature) keep working whichever package
// refused. Rule R27.
func TestPublishUsesSuiteEd25519(t *testing.T) {
	var _ *suite.Ed25519Signer = (*publish.Ed25519Signer)(nil)
	var _ suite.Verifier = publish.Ed25519Verifier{}
	require.Same(t, publish.ErrSignature, suite.ErrSignature)

	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
	ps, err := publish.NewEd25519Signer(key)
	require.NoError(t, err)
	ss, err := suite.NewEd25519Signer(key)
	require.NoError(t, err)
	assert.Equal(t, ss.KeyID(), ps.KeyID())
	assert.Equal(t, suite.KeyIDOf(suite.Ed25519, key.Public().(ed25519.PublicKey)), publish.KeyIDOf(publish.Ed25519, key.Public().(ed25519.PublicKey)))

	for name, err := range map[string]error{
		"short key":        func() error { _, err := publish.NewEd25519Signer(key[:10]); return err }(),
		"bad signature":    publish.Ed25519Verifier{}.Verify(key.Public().(ed25519.PublicKey), []byte("m"), make([]byte, 64)),
		"short public key": publish.Ed25519Verifier{}.Verify([]byte{1}, []byte("m"), nil),
	} {
		assert.ErrorIs(t, err, publish.ErrSignature, name)
		assert.ErrorIs(t, err, suite.ErrSignature, name)
	}

	// A signature by the key file's signer verifies with the keyring (the
	// lock check, rule R16); over other bytes it is refused with an error
	// matching both sentinels.
	pk, err := publish.GenerateEd25519(bytes.NewReader(bytes.Repeat([]byte{4}, 32)), "所", "王所长")
	require.NoError(t, err)
	signer, err := pk.Signer()
	require.NoError(t, err)
	ring := publish.Keyring{Keys: []publish.PublicKey{pk.PublicKey}}
	sig, err := signer.Sign([]byte("lock"))
	require.NoError(t, err)
	require.NoError(t, ring.VerifySignature("王所长", publish.Ed25519, signer.KeyID(), []byte("lock"), sig))
	err = ring.VerifySignature("王所长", publish.Ed25519, signer.KeyID(), []byte("lock!"), sig)
	assert.ErrorIs(t, err, publish.ErrSignature)
	assert.ErrorIs(t, err, suite.ErrSignature)
	err = ring.Authorize(publish.SignedCorrection{Correction: publish.Correction{ResultID: "R1"}}, "所")
	assert.ErrorIs(t, err, suite.ErrSignature, "unsigned correction")
}

// Rule R18: publish.Keyring verifies replacement approvals (it is what
// ssj verify --keyring and ssj audit --keyring load): the key must be
// held by the signer as deputy head and valid at the approval time.
func TestKeyringVerifyApproval(t *testing.T) {
	s, err := suite.NewEd25519Signer(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{5}, ed25519.SeedSize)))
	require.NoError(t, err)
	rotated := time.Date(2026, 6, 30, 16, 0, 0, 0, time.UTC)
	k := suite.KeyOf(s, "市场监管局", "周副局长", suite.RoleDeputyHead, suite.Validity{NotAfter: &rotated})
	ring := publish.Keyring{Keys: []publish.PublicKey{{KeyID: k.KeyID, Algorithm: k.Algorithm, Unit: k.Unit, Holder: k.Holder,
		Role: publish.RoleDeputyHead, Key: k.Key, Validity: k.Validity}}}
	msg := []byte("ssj-v1.1-replacement\n{}")
	sig, err := s.Sign(msg)
	require.NoError(t, err)
	before, after := rotated.Add(-time.Hour), rotated.Add(time.Hour)
	require.NoError(t, ring.VerifyApproval("周副局长", suite.Ed25519, s.KeyID(), before, msg, sig))
	for name, err := range map[string]error{
		"rotated":       ring.VerifyApproval("周副局长", suite.Ed25519, s.KeyID(), after, msg, sig),
		"no time":       ring.VerifyApproval("周副局长", suite.Ed25519, s.KeyID(), time.Time{}, msg, sig),
		"other holder":  ring.VerifyApproval("吴副局长", suite.Ed25519, s.KeyID(), before, msg, sig),
		"other message": ring.VerifyApproval("周副局长", suite.Ed25519, s.KeyID(), before, append(msg, 'x'), sig),
		"not a deputy head": func() error {
			r := ring
			r.Keys = []publish.PublicKey{ring.Keys[0]}
			r.Keys[0].Role = publish.RolePrincipalHead
			return r.VerifyApproval("周副局长", suite.Ed25519, s.KeyID(), before, msg, sig)
		}(),
	} {
		assert.ErrorIs(t, err, publish.ErrSignature, name)
	}
}
