package suite_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/suite"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	require.NoError(t, err)
	return b
}

// GB/T 32905-2016 (SM3) Appendix A: examples 1 ("abc") and 2 ("abcd" × 16).
func TestSM3GBT32905Vectors(t *testing.T) {
	for _, tc := range []struct{ msg, want string }{
		{"abc", "66c7f0f4 62eeedd9 d1f2d46b dc10e4e2 4167c487 5cf2f7a2 297da02b 8f4ba8e0"},
		{strings.Repeat("abcd", 16), "debe9ff9 2275b8a1 38604889 c18e5a4d 6fdb70e5 387e5765 293dcba3 9c0c5732"},
	} {
		got := suite.SSJv1SM.Sum([]byte(tc.msg))
		assert.Equal(t, unhex(t, tc.want), got[:], "SM3(%q)", tc.msg)
	}
	// ssj-v1 is SHA-256 (FIPS 180-4 "abc").
	got := suite.SSJv1.Sum([]byte("abc"))
	assert.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hex.EncodeToString(got[:]))
}

// HMAC-SM3 known answers of GM/T 0042-2015 Appendix D.3 (as carried by
// OpenSSL's test/recipes/30-test_evp_data/evpmac_sm3.txt and libxcrypt's
// test/alg-sm3-hmac.c), and HMAC-SHA256 of RFC 4231 test case 2.
func TestHMACKnownAnswers(t *testing.T) {
	rng := func(from, to byte) []byte {
		var b []byte
		for c := from; c <= to; c++ {
			b = append(b, c)
		}
		return b
	}
	for _, tc := range []struct {
		name     string
		s        suite.Suite
		key, msg []byte
		want     string
	}{
		{"GM/T 0042 D.3 #1", suite.SSJv1SM, rng(1, 0x20),
			[]byte(strings.Repeat("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 2)),
			"ca05e144ed05d1857840d1f318a4a8669e559fc8391f414485bfdf7bb408963a"},
		{"GM/T 0042 D.3 #2", suite.SSJv1SM, rng(1, 0x25), bytes.Repeat([]byte{0xcd}, 50),
			"220bf579ded555393f0159f66c99877822a3ecf610d1552154b41d44b94db3ae"},
		{"GM/T 0042 D.3 #3", suite.SSJv1SM, bytes.Repeat([]byte{0x0b}, 32), []byte("Hi There"),
			"c0ba18c68b90c88bc07de794bfc7d2c8d19ec31ed8773bc2b390c9604e0be11e"},
		{"GM/T 0042 D.3 #4", suite.SSJv1SM, []byte("Jefe"), []byte("what do ya want for nothing?"),
			"2e87f1d16862e6d964b50a5200bf2b10b764faa9680a296a2405f24bec39f882"},
		{"RFC 4231 #2", suite.SSJv1, []byte("Jefe"), []byte("what do ya want for nothing?"),
			"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
	} {
		got := tc.s.HMAC(tc.key, tc.msg)
		assert.Equal(t, tc.want, hex.EncodeToString(got[:]), tc.name)
		m := tc.s.NewHMAC(tc.key)
		m.Write(tc.msg)
		assert.Equal(t, got[:], m.Sum(nil), tc.name)
	}
}

func TestLookup(t *testing.T) {
	for id, want := range map[string]suite.ID{"": suite.V1, "ssj-v1": suite.V1, "ssj-v1-sm": suite.V1SM} {
		s, err := suite.Lookup(id)
		require.NoError(t, err)
		assert.Equal(t, want, s.ID())
	}
	_, err := suite.Lookup("ssj-v2")
	assert.ErrorIs(t, err, suite.ErrUnknown)
	assert.Equal(t, "sm2", suite.SSJv1SM.SignatureAlgorithm())
	assert.Equal(t, "ed25519", suite.SSJv1.SignatureAlgorithm())
	// The trees differ only in the hash: SM3 empty root is SM3("").
	assert.Equal(t, sm3.Sum(nil), suite.SSJv1SM.Merkle().EmptyRoot())
	assert.Equal(t, sha256.Sum256(nil), suite.SSJv1.Merkle().EmptyRoot())
	mac := hmac.New(sm3.New, []byte("k"))
	mac.Write([]byte("m"))
	got := suite.SSJv1SM.HMAC([]byte("k"), []byte("m"))
	assert.Equal(t, mac.Sum(nil), got[:])
}

// fixedK feeds SM2 signing the nonce k of the standard's example: gmsm
// may read one byte first (randutil.MaybeReadByte), then reads k whole.
type fixedK struct{ k []byte }

func (f fixedK) Read(p []byte) (int, error) {
	if len(p) == 1 {
		p[0] = 0
		return 1, nil
	}
	return copy(p, f.k), nil
}

// GB/T 32918.2-2016 Annex A (and GM/T 0003.2-2012 revised): the signature
// example on the recommended curve, user ID "1234567812345678" (the
// default user ID), message "message digest". Signing with the example's
// fixed k reproduces (r, s) exactly; the standard's signature verifies.
func TestSM2GBT32918Example(t *testing.T) {
	d := unhex(t, "3945208F 7B2144B1 3F36E38A C6D39F95 88939369 2860B51A 42FB81EF 4DF7C5B8")
	xA := "09F9DF31 1E5421A1 50DD7D16 1E4BC5C6 72179FAD 1833FC07 6BB08FF3 56F35020"
	yA := "CCEA490C E26775A5 2DC6EA71 8CC1AA60 0AED05FB F35E084A 6632F607 2DA9AD13"
	k := unhex(t, "59276E27 D506861A 16680F3A D9C02DCC EF3CC1FA 3CDBE4CE 6D54B80D EAC1BC21")
	r := "F5A03B06 48D2C463 0EEAC513 E1BB81A1 5944DA38 27D5B741 43AC7EAC EEE720B3"
	s := "B1B6AA29 DF212FD8 763182BC 0D421CA1 BB9038FD 1F7F42D4 840B69C4 85BBC1AA"
	msg := []byte("message digest")

	priv, err := sm2.NewPrivateKey(d)
	require.NoError(t, err)
	signer, err := suite.NewSM2Signer(priv)
	require.NoError(t, err)
	pub := append([]byte{4}, append(unhex(t, xA), unhex(t, yA)...)...)
	assert.Equal(t, pub, signer.Public(), "public key of the example")

	// Z_A of the example.
	ecPub, err := sm2.NewPublicKey(pub)
	require.NoError(t, err)
	za, err := sm2.CalculateZA(ecPub, suite.DefaultUID)
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "B2E14C5C 79C6DF5B 85F4FE7E D8DB7A26 2B9DA7E0 7CCB0EA9 F4747B8C CDA8A4F3"), za)

	sig, err := signer.WithRand(fixedK{k}).Sign(msg)
	require.NoError(t, err)
	want := derSig(t, unhex(t, r), unhex(t, s))
	assert.Equal(t, want, sig, "signature with the example's k")

	v := suite.SM2Verifier{}
	require.NoError(t, v.Verify(pub, msg, want))
	assert.ErrorIs(t, v.Verify(pub, []byte("message digesT"), want), suite.ErrSignature)
	bad := append([]byte(nil), want...)
	bad[len(bad)-1] ^= 1
	assert.ErrorIs(t, v.Verify(pub, msg, bad), suite.ErrSignature)
	assert.ErrorIs(t, v.Verify(pub[:64], msg, want), suite.ErrSignature)

	// A random nonce gives another signature that verifies too.
	sig2, err := signer.Sign(msg)
	require.NoError(t, err)
	require.NoError(t, v.Verify(pub, msg, sig2))
}

// derSig encodes (r, s) as the DER SEQUENCE of GM/T 0009.
func derSig(t testing.TB, r, s []byte) []byte {
	enc := func(x []byte) []byte {
		for len(x) > 1 && x[0] == 0 && x[1] < 0x80 {
			x = x[1:]
		}
		if x[0] >= 0x80 {
			x = append([]byte{0}, x...)
		}
		return append([]byte{0x02, byte(len(x))}, x...)
	}
	body := append(enc(r), enc(s)...)
	require.Less(t, len(body), 128)
	return append([]byte{0x30, byte(len(body))}, body...)
}

func TestEd25519SignerMatchesRFC8032(t *testing.T) {
	// RFC 8032 §7.1 TEST 1: empty message.
	seed := unhex(t, "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	s, _, _, err := suite.GenerateKey("ed25519", bytes.NewReader(seed))
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"), s.Public())
	sig, err := s.Sign(nil)
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"), sig)
	require.NoError(t, suite.Ed25519Verifier{}.Verify(s.Public(), nil, sig))
	assert.ErrorIs(t, suite.Ed25519Verifier{}.Verify(s.Public(), []byte("x"), sig), suite.ErrSignature)
	assert.Equal(t, "ed25519:"+hex.EncodeToString(sha256Sum(s.Public())[:8]), s.KeyID())
}

func sha256Sum(b []byte) []byte { h := sha256.Sum256(b); return h[:] }
