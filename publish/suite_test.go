package publish_test

import (
	"crypto/rand"
	"encoding/base64"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/suite"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Rule R27 under the national suite: a correction signed with SM2 by the
// principal head verifies; after the head's key was rotated (not_after), a
// correction dated later is refused while one dated within the period
// still verifies.
func TestSM2CorrectionWithRotatedKey(t *testing.T) {
	s, _, _, err := suite.GenerateKey(suite.SM2, rand.Reader)
	require.NoError(t, err)
	end := at("2026-06-30T16:00:00Z")
	ring := publish.Keyring{Keys: []publish.PublicKey{{KeyID: s.KeyID(), Algorithm: suite.SM2, Unit: "西湖区市场监管局",
		Holder: "局长甲", Role: publish.RolePrincipalHead, Key: base64.StdEncoding.EncodeToString(s.Public()),
		Validity: suite.Validity{NotAfter: &end}}}}
	mk := func(when string) publish.SignedCorrection {
		c := publish.Correction{ResultID: "R-1", BaseVersion: 1, BaseHash: "h", Result: exampleResult(), Reason: "录入错误", Origin: "self",
			Signer: "局长甲", SignedAt: at(when)}
		sc, err := publish.Sign(c, s)
		require.NoError(t, err)
		assert.Equal(t, "sm2", sc.Algorithm)
		return sc
	}
	require.NoError(t, ring.Authorize(mk("2026-03-02T02:00:00Z"), "西湖区市场监管局"))
	err = ring.Authorize(mk("2026-08-03T02:00:00Z"), "西湖区市场监管局")
	require.ErrorIs(t, err, publish.ErrSignature)
	assert.Contains(t, err.Error(), "not_after")

	// The lock path (R16): VerifySignature needs the signing time for a key
	// with a period.
	msg := []byte("lock bytes")
	sig, err := s.Sign(msg)
	require.NoError(t, err)
	assert.ErrorIs(t, ring.VerifySignature("局长甲", suite.SM2, s.KeyID(), msg, sig), publish.ErrSignature)
	require.NoError(t, ring.At(at("2026-03-02T02:00:00Z")).VerifySignature("局长甲", suite.SM2, s.KeyID(), msg, sig))
	assert.ErrorIs(t, ring.At(at("2026-08-03T02:00:00Z")).VerifySignature("局长甲", suite.SM2, s.KeyID(), msg, sig), publish.ErrSignature)
}
