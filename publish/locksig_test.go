package publish_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/publish"
)

// The keyring checks draw lock signatures and the Ed25519 signer signs
// them (rule R16): both satisfy draw's interfaces as they are.
var (
	_ draw.SignatureVerifier = publish.Keyring{}
	_ draw.Signer            = (*publish.Ed25519Signer)(nil)
)

// Rule R16: a lock signed with a key of the keyring verifies for its
// holder only, and a changed message does not.
func TestKeyringVerifySignature(t *testing.T) {
	key, err := publish.GenerateEd25519(bytes.NewReader(bytes.Repeat([]byte{3}, 32)), "西湖区市场监管局", "分管负责人甲")
	require.NoError(t, err)
	s, err := key.Signer()
	require.NoError(t, err)
	ring := publish.Keyring{Keys: []publish.PublicKey{key.PublicKey}}
	msg := []byte(draw.LockSigningContext + `{"at":"2026-03-02T03:00:00Z","by":"分管负责人甲","record_hash":"00"}`)
	sig, err := s.Sign(msg)
	require.NoError(t, err)

	require.NoError(t, ring.VerifySignature("分管负责人甲", publish.Ed25519, s.KeyID(), msg, sig))
	for name, err := range map[string]error{
		"other holder":    ring.VerifySignature("分管负责人乙", publish.Ed25519, s.KeyID(), msg, sig),
		"unknown key":     ring.VerifySignature("分管负责人甲", publish.Ed25519, "ed25519:0000000000000000", msg, sig),
		"other algorithm": ring.VerifySignature("分管负责人甲", "sm2", s.KeyID(), msg, sig),
		"changed message": ring.VerifySignature("分管负责人甲", publish.Ed25519, s.KeyID(), append(msg, ' '), sig),
	} {
		assert.ErrorIs(t, err, publish.ErrSignature, name)
	}
}
