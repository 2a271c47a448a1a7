package publish_test

import (
	"bytes"
	"crypto/ed25519"
	"testing"

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
