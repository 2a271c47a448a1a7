package draw

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
)

// approvalKeys are the deputy heads' test keys: 分管负责人甲's current key
// (valid from the start of 2026), his rotated key (valid until the first
// replacement of lockFixture and no later), and another deputy head's.
type approvalKeys struct {
	cur, old, other *suite.Ed25519Signer
	ring            suite.Keyring
	rotated         time.Time
}

func newApprovalKeys(t *testing.T, rotated time.Time) approvalKeys {
	t.Helper()
	mk := func(b byte) *suite.Ed25519Signer {
		s, err := suite.NewEd25519Signer(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, ed25519.SeedSize)))
		require.NoError(t, err)
		return s
	}
	k := approvalKeys{cur: mk(21), old: mk(22), other: mk(23)}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	k.rotated = rotated
	k.ring = suite.Keyring{Keys: []suite.Key{
		suite.KeyOf(k.cur, "市场监管局", "分管负责人甲", suite.RoleDeputyHead, suite.Validity{NotBefore: &from}),
		suite.KeyOf(k.old, "市场监管局", "分管负责人甲", suite.RoleDeputyHead, suite.Validity{NotBefore: &from, NotAfter: &k.rotated}),
		suite.KeyOf(k.other, "市场监管局", "分管负责人乙", suite.RoleDeputyHead, suite.Validity{}),
	}}
	return k
}

// signAll signs every replacement of rec with s.
func signAll(t *testing.T, rec Record, s Signer) Record {
	t.Helper()
	r := dtClone(t, &rec)
	for i := range r.Replacements {
		var err error
		r.Replacements[i], err = SignReplacement(r.Replacements[i], s)
		require.NoError(t, err)
	}
	return r
}

// Rule R18: the deputy head's approval signature over a replacement
// verifies through every verification path (Verify, the pool and the
// streaming verifier); a missing approval is refused when required; a
// key of another holder, a rotated key used after its not_after, a key
// not held as deputy head and an edited replacement are refused.
func TestReplacementApproval(t *testing.T) {
	base, pools := lockFixture(t, 2, nil)
	// lockFixture approves replacement i at commit time + 24h + i hours:
	// the old key is rotated out between the first and the second.
	keys := newApprovalKeys(t, base.Manifest.CommitTime.Add(24*time.Hour+30*time.Minute))
	require.Len(t, base.Replacements, 2)
	anchor := anchorHash(t, &base)
	signed := signAll(t, base, keys.cur)
	opt := VerifyOptions{Approvals: keys.ring, RequireApprovals: true, Anchor: anchor}

	t.Run("good", func(t *testing.T) {
		require.NoError(t, VerifyWith(&signed, vecPool(), pools, opt))
		// The approval sits beside the hash: chain and anchor unchanged.
		for i := range signed.Replacements {
			assert.Equal(t, base.Replacements[i].Hash, signed.Replacements[i].Hash)
		}
		assert.Equal(t, anchor, anchorHash(t, &signed))
		// A record with approvals verifies without a keyring too.
		require.NoError(t, Verify(&signed, vecPool(), pools))
		p, err := registry.NewPool(vecPool())
		require.NoError(t, err)
		require.NoError(t, VerifyPoolWith(&signed, p, pools, opt))
	})
	t.Run("old key before rotation", func(t *testing.T) {
		r := dtClone(t, &signed)
		r.Replacements[0], _ = SignReplacement(r.Replacements[0], keys.old)
		require.NoError(t, VerifyWith(&r, vecPool(), pools, opt))
	})
	t.Run("unsigned, not required", func(t *testing.T) {
		require.NoError(t, VerifyWith(&base, vecPool(), pools, VerifyOptions{Approvals: keys.ring}))
	})

	for _, tc := range []struct {
		name   string
		rec    func() Record
		opt    VerifyOptions
		path   string
		detail string
	}{
		{"missing when required", func() Record { return dtClone(t, &base) }, opt, "replacements[0].approval", "approval signature is required"},
		{"missing when required, no keyring", func() Record { return dtClone(t, &base) }, VerifyOptions{RequireApprovals: true}, "replacements[0].approval", "is required"},
		{"one of two missing", func() Record {
			r := dtClone(t, &signed)
			r.Replacements[1].Approval = nil
			return r
		}, opt, "replacements[1].approval", "is required"},
		{"wrong key", func() Record { return signAll(t, base, keys.other) }, opt, "replacements[0].approval", "held by \"分管负责人乙\""},
		{"expired key", func() Record {
			r := dtClone(t, &signed)
			r.Replacements[1], _ = SignReplacement(r.Replacements[1], keys.old)
			return r
		}, opt, "replacements[1].approval", "the key was rotated"},
		{"signer is not the approver", func() Record {
			r := dtClone(t, &signed)
			r.Replacements[0].Approval.Signer = "分管负责人乙"
			return r
		}, opt, "replacements[0].approval", "signed by \"分管负责人乙\""},
		{"tampered value", func() Record {
			r := dtClone(t, &signed)
			a := *r.Replacements[0].Approval
			sig, _ := keys.cur.Sign([]byte("something else"))
			a.Value = base64.StdEncoding.EncodeToString(sig)
			r.Replacements[0].Approval = &a
			return r
		}, opt, "replacements[0].approval", "does not verify"},
		{"not base64", func() Record {
			r := dtClone(t, &signed)
			r.Replacements[0].Approval.Value = "!!"
			return r
		}, opt, "replacements[0].approval", "not base64"},
		{"carriage return in the value", func() Record {
			r := dtClone(t, &signed)
			v := r.Replacements[0].Approval.Value
			r.Replacements[0].Approval.Value = v[:8] + "\r" + v[8:]
			return r
		}, opt, "replacements[0].approval", "not base64"},
		{"not a deputy head's key", func() Record { return signAll(t, base, keys.cur) }, VerifyOptions{Approvals: roleless(keys.ring)}, "replacements[0].approval", "not as \"deputy_head\""},
		{"approver edited, signature kept", func() Record {
			// The edit breaks the hash first: the replay reports it.
			r := dtClone(t, &signed)
			r.Replacements[0].Approver = "分管负责人乙"
			r.Replacements[0].Approval.Signer = "分管负责人乙"
			return r
		}, opt, "replacements[0].hash", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.rec()
			err := VerifyWith(&r, vecPool(), pools, tc.opt)
			var ve *VerifyError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.path, ve.Path)
			if tc.detail != "" {
				assert.ErrorIs(t, err, ErrApprovalSignature)
				assert.Contains(t, err.Error(), tc.detail)
			}
			p, perr := registry.NewPool(vecPool())
			require.NoError(t, perr)
			assert.Equal(t, err.Error(), VerifyPoolWith(&r, p, pools, tc.opt).Error(), "the pool verifier agrees")
		})
	}
}

// Rule R18: a replacement whose approval-covered content is edited and
// whose hash and chain are recomputed is caught by the signature.
func TestReplacementApprovalRehashed(t *testing.T) {
	base, _ := lockFixture(t, 1, nil)
	keys := newApprovalKeys(t, base.Manifest.CommitTime.Add(24*time.Hour+30*time.Minute))
	signed := signAll(t, base, keys.cur)
	r := signed.Replacements[0]
	require.NoError(t, VerifyApproval(r, keys.ring))
	r.Note = "改了备注"
	var err error
	r.Hash, err = ReplacementHash(r)
	require.NoError(t, err)
	err = VerifyApproval(r, keys.ring)
	assert.ErrorIs(t, err, ErrApprovalSignature)
	assert.ErrorIs(t, err, suite.ErrSignature)
}

// Rule R18: the streaming verifier checks approvals as Verify does.
func TestReplacementApprovalStream(t *testing.T) {
	keys := newApprovalKeys(t, time.Time{})
	pool := dtPoolValid(200, 21)
	pools := &InspectorPools{Home: dtInspectors(120)}
	m, err := Commit(dtMatchTask(), pool, pools)
	require.NoError(t, err)
	_, ev := dtSources()
	rec, err := Run(m, ev, pool, pools)
	require.NoError(t, err)
	rec, _, err = Lock(rec, m.CommitTime.Add(time.Hour), "大队长")
	require.NoError(t, err)
	g := rec.Groups[0]
	req := ReplacementRequest{Target: g.Target, Inspector: g.Seats[0].Cert, Reason: ReplaceRecusal,
		Approver: "分管负责人甲", At: m.CommitTime.Add(2 * time.Hour)}
	signed, err := AddReplacementSigned(rec, pools, req, keys.cur)
	require.NoError(t, err)
	unsigned, err := AddReplacement(rec, pools, req)
	require.NoError(t, err)
	csv := canonicalCSV(t, pool)
	opt := VerifyOptions{Approvals: keys.ring, RequireApprovals: true}
	require.NoError(t, VerifyStreamWith(&signed, bytes.NewReader(csv), registry.ImportOptions{}, pools, opt))
	err = VerifyStreamWith(&unsigned, bytes.NewReader(csv), registry.ImportOptions{}, pools, opt)
	require.ErrorIs(t, err, ErrApprovalSignature)
	wrong, err := AddReplacementSigned(rec, pools, req, keys.other)
	require.NoError(t, err)
	err = VerifyStreamWith(&wrong, bytes.NewReader(csv), registry.ImportOptions{}, pools, opt)
	require.ErrorIs(t, err, ErrApprovalSignature)
	assert.Equal(t, VerifyWith(&wrong, pool, pools, opt).Error(), err.Error())
}

// Rule R18: the signed replacement of the vector-07 draw, byte for byte
// (Ed25519 is deterministic): the signing bytes and the replacement with
// its approval. docs/draw-spec.md Appendix C §5.1 cites it.
func TestReplacementApprovalGolden(t *testing.T) {
	base, _ := lockFixture(t, 1, nil)
	keys := newApprovalKeys(t, base.Manifest.CommitTime.Add(24*time.Hour+30*time.Minute))
	signed := signAll(t, base, keys.cur)
	msg, err := ReplacementSigningBytes(signed.Replacements[0])
	require.NoError(t, err)
	approvalGolden(t, "signing-bytes.txt", msg)
	doc, err := indentJSON(signed.Replacements[0])
	require.NoError(t, err)
	approvalGolden(t, "replacement-signed.json", doc)
	ring, err := indentJSON(suite.Keyring{Keys: keys.ring.Keys[:1]})
	require.NoError(t, err)
	approvalGolden(t, "keyring.json", ring)
	// The golden replacement verifies against the golden keyring.
	kr, err := suite.DecodeKeyring(bytes.NewReader(ring))
	require.NoError(t, err)
	require.NoError(t, VerifyApproval(signed.Replacements[0], kr))
}

func roleless(k suite.Keyring) suite.Keyring {
	out := suite.Keyring{Keys: append([]suite.Key(nil), k.Keys...)}
	for i := range out.Keys {
		out.Keys[i].Role = "confirming_official"
	}
	return out
}

func indentJSON(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	return append(b, '\n'), err
}

// approvalGolden compares got with testdata/approval/name; go test
// -update rewrites it (the package's -update flag, vectors_test.go).
func approvalGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "approval", name)
	if *vecUpdate {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), string(got), "%s differs from the golden file", path)
}
