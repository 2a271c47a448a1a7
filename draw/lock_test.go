package draw

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockFixture is the vector-07 draw (tiny home pool, fallback seats),
// locked, with n replacements on the first n groups' fallback seats.
func lockFixture(t *testing.T, n int, s Signer) (Record, *InspectorPools) {
	t.Helper()
	pool, pools := vecPool(), vecInspectorPools()
	task, ev := vecTask(t)
	task.Inspectors = &MatchSpec{TeamSize: 2, LaunchingDepartment: "市场监管",
		WindowFrom: time.Date(2026, 9, 21, 0, 0, 0, 0, time.UTC), WindowTo: time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC),
		HomeRegions: []string{"330106"}, Fallback: true, FallbackRegions: []string{"330105"}}
	m, err := Commit(task, pool, pools)
	require.NoError(t, err)
	rec, err := Run(m, ev, pool, pools)
	require.NoError(t, err)
	rec, _, err = LockSigned(rec, m.CommitTime.Add(2*time.Hour), "分管负责人甲", s)
	require.NoError(t, err)
	for i := range n {
		g := rec.Groups[i]
		rec, err = AddReplacement(rec, pools, ReplacementRequest{Target: g.Target, Inspector: g.Seats[1].Cert,
			Reason: ReplaceHealth, Approver: "分管负责人甲", At: m.CommitTime.Add(time.Duration(24+i) * time.Hour)})
		require.NoError(t, err)
	}
	return rec, pools
}

func anchorHash(t *testing.T, rec *Record) string {
	t.Helper()
	a, err := AnchorOf(rec)
	require.NoError(t, err)
	return a.Hash
}

// Rules R16, R29: the lock records who confirmed the list and when; editing
// either makes the record fail to verify, and so does a rewritten lock hash
// once the anchor or the signature is checked.
func TestLockTamper(t *testing.T) {
	base, pools := lockFixture(t, 1, nil)
	anchor := anchorHash(t, &base)
	require.NoError(t, VerifyWith(&base, vecPool(), pools, VerifyOptions{Anchor: anchor}))

	for _, tc := range []struct {
		name   string
		tamper func(r *Record)
		opt    VerifyOptions
		path   string
		is     error
	}{
		{"lock.by edited", func(r *Record) { r.Lock.By = "科员乙" }, VerifyOptions{}, "lock.hash", nil},
		{"lock.at edited", func(r *Record) { r.Lock.At = r.Lock.At.Add(time.Hour) }, VerifyOptions{}, "lock.hash", nil},
		{"lock.hash edited", func(r *Record) { r.Lock.Hash = strings.Repeat("0", 64) }, VerifyOptions{}, "lock.hash", nil},
		{"lock.record_hash edited", func(r *Record) { r.Lock.RecordHash = strings.Repeat("0", 64) }, VerifyOptions{}, "lock.record_hash", nil},
		{"lock before the commit time, hash recomputed", func(r *Record) {
			r.Lock.At = r.Manifest.CommitTime.Add(-time.Minute)
			r.Lock.Hash, _ = LockHash(r.Lock)
		}, VerifyOptions{}, "lock.at", ErrInvalidTask},
		{"lock.by edited, hash recomputed, anchor supplied", func(r *Record) {
			r.Lock.By = "科员乙"
			r.Lock.Hash, _ = LockHash(r.Lock)
		}, VerifyOptions{Anchor: anchor}, "anchor", ErrAnchor},
		{"lock removed, anchor supplied", func(r *Record) { r.Lock = nil }, VerifyOptions{Anchor: anchor}, "lock", ErrAnchor},
		{"replacements dropped, anchor supplied", func(r *Record) { r.Replacements = nil }, VerifyOptions{Anchor: anchor}, "anchor", ErrAnchor},
		{"signature required, none", func(*Record) {}, VerifyOptions{Signatures: testKeys{}, RequireSignature: true}, "lock.signature", ErrLockSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := dtClone(t, &base)
			tc.tamper(&r)
			err := VerifyWith(&r, vecPool(), pools, tc.opt)
			var ve *VerifyError
			require.ErrorAs(t, err, &ve)
			assert.ErrorIs(t, err, ErrMismatch)
			assert.Equal(t, tc.path, ve.Path, "error: %v", err)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
		})
	}
	// Without the anchor, a record with its replacements dropped is still a
	// correct record of the draw: only the anchor can tell (documented).
	r := dtClone(t, &base)
	r.Replacements = nil
	require.NoError(t, Verify(&r, vecPool(), pools))
}

// Rule R18: with the anchor supplied, dropping or reordering replacements
// is detected, even when the reordered chain is rebuilt consistently; an
// anchor of an earlier state is named as such.
func TestAnchorReplacements(t *testing.T) {
	rec, pools := lockFixture(t, 2, nil)
	anchor := anchorHash(t, &rec)
	require.NoError(t, VerifyWith(&rec, vecPool(), pools, VerifyOptions{Anchor: anchor}))

	// Reordered as stored: the chain itself breaks.
	r := dtClone(t, &rec)
	r.Replacements[0], r.Replacements[1] = r.Replacements[1], r.Replacements[0]
	var ve *VerifyError
	require.ErrorAs(t, Verify(&r, vecPool(), pools), &ve)
	assert.Equal(t, "replacements[0].seq", ve.Path)

	// Reordered and rebuilt: a valid record, but not the anchored one.
	one, _ := lockFixture(t, 0, nil)
	var err error
	for _, i := range []int{1, 0} {
		p := rec.Replacements[i]
		one, err = AddReplacement(one, pools, ReplacementRequest{Target: p.Target, Inspector: p.Leaving, Reason: p.Reason, Approver: p.Approver, At: p.At})
		require.NoError(t, err)
	}
	require.NoError(t, Verify(&one, vecPool(), pools))
	err = VerifyWith(&one, vecPool(), pools, VerifyOptions{Anchor: anchor})
	require.ErrorIs(t, err, ErrAnchor)
	assert.Contains(t, err.Error(), "no state of the record's replacement chain has it")

	// The last replacement dropped: the supplied anchor is of a later state.
	r = dtClone(t, &rec)
	r.Replacements = r.Replacements[:1]
	require.ErrorIs(t, VerifyWith(&r, vecPool(), pools, VerifyOptions{Anchor: anchor}), ErrAnchor)

	// The anchor announced at the lock, against the record after two
	// replacements: named as an earlier state.
	locked, _ := lockFixture(t, 0, nil)
	err = VerifyWith(&rec, vecPool(), pools, VerifyOptions{Anchor: anchorHash(t, &locked)})
	require.ErrorIs(t, err, ErrAnchor)
	assert.Contains(t, err.Error(), "first 0 of 2 replacements")

	// The announcement carries the lock hash and the anchor of the lock.
	_, ann, err := Lock(dtClone(t, &locked), locked.Lock.At, locked.Lock.By)
	require.ErrorIs(t, err, ErrLocked)
	ann, err = AnnouncementOf(&locked)
	require.NoError(t, err)
	assert.Equal(t, locked.Lock.Hash, ann.LockHash)
	assert.Equal(t, anchorHash(t, &locked), ann.Anchor)

	// Each replacement's announcement chains the anchors: from the lock's
	// announcement to the record's current anchor (rule R18).
	ra, err := ReplacementAnnouncementOf(&rec)
	require.NoError(t, err)
	one1, _ := lockFixture(t, 1, nil)
	ra1, err := ReplacementAnnouncementOf(&one1)
	require.NoError(t, err)
	assert.Equal(t, ann.Anchor, ra1.PreviousAnchor)
	assert.Equal(t, ra1.Anchor, ra.PreviousAnchor)
	assert.Equal(t, anchor, ra.Anchor)
	assert.Equal(t, 2, ra.Seq)
	assert.Equal(t, rec.Replacements[1].Newcomer.Cert, ra.Newcomer)
	_, err = ReplacementAnnouncementOf(&locked)
	assert.ErrorIs(t, err, ErrInvalidRequest, "no replacement to announce")

	// The trail event data carries the anchor and its parts.
	a, err := AnchorOf(&rec)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"anchor": anchor, "record_hash": rec.Lock.RecordHash, "lock_hash": rec.Lock.Hash,
		"replacements": "2", "head": rec.Replacements[1].Hash}, a.TrailData())
}

// testKeys verifies Ed25519 lock signatures against the test key, held by
// 分管负责人甲.
type testKeys struct{}

var testLockKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

type testSigner struct{}

func (testSigner) Algorithm() string { return "ed25519" }
func (testSigner) KeyID() string {
	h := sha256.Sum256(testLockKey.Public().(ed25519.PublicKey))
	return "ed25519:" + hex.EncodeToString(h[:8])
}
func (testSigner) Sign(msg []byte) ([]byte, error) { return ed25519.Sign(testLockKey, msg), nil }

func (testKeys) VerifySignature(signer, alg, keyID string, msg, sig []byte) error {
	if alg != "ed25519" || keyID != (testSigner{}).KeyID() || signer != "分管负责人甲" {
		return fmt.Errorf("unknown key %s %s for %q", alg, keyID, signer)
	}
	if !ed25519.Verify(testLockKey.Public().(ed25519.PublicKey), msg, sig) {
		return errors.New("ed25519 signature does not verify")
	}
	return nil
}

// Rule R16: a lock signed with the confirming officer's key verifies; a
// lock whose name or time was edited and its hash recomputed does not.
func TestLockSignature(t *testing.T) {
	rec, pools := lockFixture(t, 0, testSigner{})
	require.NotNil(t, rec.Lock.Signature)
	opt := VerifyOptions{Signatures: testKeys{}, RequireSignature: true}
	require.NoError(t, VerifyWith(&rec, vecPool(), pools, opt))
	// Not checked without a verifier.
	require.NoError(t, Verify(&rec, vecPool(), pools))

	for name, tamper := range map[string]func(r *Record){
		"by":        func(r *Record) { r.Lock.By = "分管负责人乙" },
		"at":        func(r *Record) { r.Lock.At = r.Lock.At.Add(time.Minute) },
		"signature": func(r *Record) { r.Lock.Signature.Value = "AAAA" + r.Lock.Signature.Value[4:] },
	} {
		t.Run(name, func(t *testing.T) {
			r := dtClone(t, &rec)
			tamper(&r)
			r.Lock.Hash, _ = LockHash(r.Lock)
			err := VerifyWith(&r, vecPool(), pools, opt)
			var ve *VerifyError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "lock.signature", ve.Path)
			assert.ErrorIs(t, err, ErrLockSignature)
		})
	}
	// A carriage return inside the value, which base64's decoder skips.
	r := dtClone(t, &rec)
	v := r.Lock.Signature.Value
	r.Lock.Signature.Value = v[:8] + "\r" + v[8:]
	r.Lock.Hash, _ = LockHash(r.Lock)
	var ve *VerifyError
	require.ErrorAs(t, VerifyWith(&r, vecPool(), pools, opt), &ve)
	assert.Equal(t, "lock.signature.value", ve.Path)
	assert.ErrorIs(t, ve, ErrLockSignature)
}

// The CLI's exit codes rest on this split: input that is not JSON is
// ErrUnreadable; every JSON document that is not a verifying record,
// including one whose manifest is invalid, is a *VerifyError.
func TestDecodeRecordClassifies(t *testing.T) {
	rec, _ := lockFixture(t, 0, nil)
	good, err := MarshalRecord(&rec)
	require.NoError(t, err)
	for _, tc := range []struct {
		name       string
		data       string
		unreadable bool
		path       string
	}{
		{"garbage", "not json at all", true, ""},
		{"truncated", string(good[:len(good)/2]), true, ""},
		{"trailing data", string(good) + "}", true, ""},
		{"not UTF-8", "\xff\xfe{}", true, ""},
		{"empty", "", true, ""},
		{"JSON but not a record", `[1,2,3]`, false, "record"},
		{"unknown member", strings.Replace(string(good), `"format"`, `"colour": "red", "format"`, 1), false, "record"},
		{"old format", strings.Replace(string(good), RecordFormat, "ssj-v1-record", 1), false, "format"},
		{"invalid manifest", strings.Replace(string(good), `"algorithm": "ssj-v1"`, `"algorithm": "ssj-v9"`, 1), false, "manifest"},
		{"not canonical", strings.Replace(string(good), `"hash": "`+rec.Lock.Hash+`"`, `"hash": "`+rec.Lock.Hash+`", "signature": null`, 1), false, "record"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NotEqual(t, string(good), tc.data)
			_, err := DecodeRecord(strings.NewReader(tc.data))
			require.Error(t, err)
			if tc.unreadable {
				assert.ErrorIs(t, err, ErrUnreadable)
				assert.NotErrorIs(t, err, ErrMismatch)
				return
			}
			assert.NotErrorIs(t, err, ErrUnreadable)
			var ve *VerifyError
			require.ErrorAs(t, err, &ve, "error: %v", err)
			assert.Equal(t, tc.path, ve.Path, "error: %v", err)
		})
	}
}

// Verify compares the canonical bytes of the record with those of its
// recomputation: a member the record omits where the recomputation has an
// empty list (Go decodes both to an empty slice) does not verify, and the
// difference is named by its path.
func TestVerifyComparesCanonicalBytes(t *testing.T) {
	rec, pools := lockFixture(t, 0, nil)
	b, err := MarshalRecord(&rec)
	require.NoError(t, err)
	omitted := bytes.Replace(b, []byte(`,
      "fallback_exclusions": []`), nil, 1)
	require.NotEqual(t, b, omitted)
	r, err := DecodeRecord(bytes.NewReader(omitted))
	require.NoError(t, err)
	err = Verify(&r, vecPool(), pools)
	var ve *VerifyError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "groups[0].fallback_exclusions", ve.Path)
	assert.Equal(t, "nothing (member absent)", ve.Record)
	assert.Equal(t, "[]", ve.Recomputed)
}
