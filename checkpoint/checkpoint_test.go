package checkpoint_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/shuangsuiji/ssj/checkpoint"
	"github.com/shuangsuiji/ssj/internal/golden"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
	"github.com/shuangsuiji/ssj/trail"
)

const origin = "xihu.amr.gov.cn/ssj/trail"

// fixedK makes SM2 signing deterministic for golden files (the nonce of
// GB/T 32918.2's example; gmsm may read one byte first).
type fixedK struct{}

func (fixedK) Read(p []byte) (int, error) {
	if len(p) == 1 {
		p[0] = 0
		return 1, nil
	}
	k, _ := hex.DecodeString("59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21")
	return copy(p, k), nil
}

// keys returns the fixed test keys: an Ed25519 key from a fixed seed and
// the SM2 key of GB/T 32918.2's example.
func keys(t testing.TB) (*suite.Ed25519Signer, *suite.SM2Signer) {
	t.Helper()
	ed, err := suite.NewEd25519Signer(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32)))
	require.NoError(t, err)
	d, _ := hex.DecodeString("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
	k, err := sm2.NewPrivateKey(d)
	require.NoError(t, err)
	s, err := suite.NewSM2Signer(k)
	require.NoError(t, err)
	return ed, s.WithRand(fixedK{})
}

func newTrail(t testing.TB, s suite.Suite, n int) *trail.Log {
	t.Helper()
	l, err := trail.NewWithSuite(4, s)
	require.NoError(t, err)
	t0 := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	for i := range n {
		_, _, err := l.Append(trail.Entry{Kind: trail.ResultEntered, Actor: "执法人员 王*", Time: t0.Add(time.Duration(i) * time.Hour),
			Subject: fmt.Sprintf("R-%03d", i)})
		require.NoError(t, err)
	}
	return l
}

func vkeys(t testing.TB, ed *suite.Ed25519Signer, sm *suite.SM2Signer) (edV, smV checkpoint.Verifier, edLine, smLine string) {
	t.Helper()
	var err error
	edLine, err = checkpoint.VerifierKey(origin, suite.Ed25519, ed.Public())
	require.NoError(t, err)
	smLine, err = checkpoint.VerifierKey(origin, suite.SM2, sm.Public())
	require.NoError(t, err)
	edV, err = checkpoint.ParseVerifierKey(edLine)
	require.NoError(t, err)
	smV, err = checkpoint.ParseVerifierKey(smLine + "\n")
	require.NoError(t, err)
	return
}

// The published formats: the checkpoint body, the Ed25519-signed note, the
// SM2 co-signed note of an ssj-v1-sm trail, both verifier keys and a
// consistency proof file are pinned byte for byte.
func TestGoldenFormats(t *testing.T) {
	ed, sm := keys(t)
	edV, smV, edLine, smLine := vkeys(t, ed, sm)
	golden.Check(t, "ed25519.vkey", []byte(edLine+"\n"))
	golden.Check(t, "sm2.vkey", []byte(smLine+"\n"))

	v1 := newTrail(t, suite.SSJv1, 10)
	c, err := v1.SignedCheckpoint(origin, 10)
	require.NoError(t, err)
	golden.Check(t, "trail-v1.checkpoint", c.Body())
	edSigner, err := checkpoint.NewSigner(origin, ed)
	require.NoError(t, err)
	signed, err := checkpoint.Sign(c, edSigner)
	require.NoError(t, err)
	golden.Check(t, "trail-v1.note", signed)
	got, err := checkpoint.Open(signed, edV)
	require.NoError(t, err)
	assert.Equal(t, c, got)

	smTrail := newTrail(t, suite.SSJv1SM, 10)
	cs, err := smTrail.SignedCheckpoint(origin, 10)
	require.NoError(t, err)
	smSigner, err := checkpoint.NewSigner(origin, sm)
	require.NoError(t, err)
	cosigned, err := checkpoint.Sign(cs, edSigner, smSigner)
	require.NoError(t, err)
	golden.Check(t, "trail-sm.note", cosigned)
	got, err = checkpoint.Open(cosigned, edV, smV)
	require.NoError(t, err)
	assert.Equal(t, cs, got)
	assert.NotEqual(t, c.Root, cs.Root, "SM3 tree, not SHA-256")

	p, err := smTrail.ConsistencyProof(6)
	require.NoError(t, err)
	golden.Check(t, "trail-sm-6-10.proof", p.Marshal())
}

// Interoperability: Go's own signed-note verifier reads ssj's notes. It
// checks the Ed25519 line and ignores the SM2 co-signature, as signed-note
// requires for unknown keys; and the Ed25519 vkey is the standard one.
func TestGoNoteReadsOurNotes(t *testing.T) {
	ed, sm := keys(t)
	_, _, edLine, _ := vkeys(t, ed, sm)
	v, err := note.NewVerifier(edLine)
	require.NoError(t, err)
	edSigner, _ := checkpoint.NewSigner(origin, ed)
	smSigner, _ := checkpoint.NewSigner(origin, sm)
	c, err := newTrail(t, suite.SSJv1SM, 5).SignedCheckpoint(origin, 5)
	require.NoError(t, err)
	msg, err := checkpoint.Sign(c, edSigner, smSigner)
	require.NoError(t, err)
	n, err := note.Open(msg, note.VerifierList(v))
	require.NoError(t, err)
	assert.Equal(t, string(c.Body()), n.Text)
	assert.Len(t, n.Sigs, 1)
	assert.Len(t, n.UnverifiedSigs, 1, "the SM2 line is kept as unverified")
}

func TestOpenRefuses(t *testing.T) {
	ed, sm := keys(t)
	edV, smV, _, _ := vkeys(t, ed, sm)
	edSigner, _ := checkpoint.NewSigner(origin, ed)
	smSigner, _ := checkpoint.NewSigner(origin, sm)
	c, err := newTrail(t, suite.SSJv1SM, 5).SignedCheckpoint(origin, 5)
	require.NoError(t, err)
	onlyEd, err := checkpoint.Sign(c, edSigner)
	require.NoError(t, err)
	both, err := checkpoint.Sign(c, edSigner, smSigner)
	require.NoError(t, err)

	_, err = checkpoint.Open(onlyEd, edV, smV)
	assert.ErrorIs(t, err, checkpoint.ErrVerify, "the SM2 co-signature is required when its key is given")
	edited := bytes.Replace(both, []byte("\n5\n"), []byte("\n6\n"), 1)
	_, err = checkpoint.Open(edited, edV)
	assert.ErrorIs(t, err, checkpoint.ErrVerify, "an edited size")
	_, err = checkpoint.Open(both)
	assert.ErrorIs(t, err, checkpoint.ErrVerify, "no key")
	other, _ := suite.NewEd25519Signer(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{8}, 32)))
	otherLine, _ := checkpoint.VerifierKey(origin, suite.Ed25519, other.Public())
	otherV, _ := checkpoint.ParseVerifierKey(otherLine)
	_, err = checkpoint.Open(both, otherV)
	assert.ErrorIs(t, err, checkpoint.ErrVerify, "signed by someone else")
	_, err = checkpoint.Open([]byte("hello"), edV)
	assert.ErrorIs(t, err, checkpoint.ErrFormat)
	// A forged SM2 line (right key ID, wrong signature) is refused.
	lines := strings.Split(string(both), "\n")
	last := lines[len(lines)-2]
	forged := strings.Replace(string(both), last, last[:len(last)-8]+"AAAAAAA=", 1)
	_, err = checkpoint.Open([]byte(forged), edV, smV)
	assert.Error(t, err)
}

func TestParseBody(t *testing.T) {
	root := strings.Repeat("A", 43) + "="
	ok := origin + "\n12\n" + root + "\n"
	c, err := checkpoint.ParseBody([]byte(ok))
	require.NoError(t, err)
	assert.Equal(t, int64(12), c.Size)
	assert.Equal(t, ok, string(c.Body()))
	for name, in := range map[string]string{
		"no newline":     strings.TrimSuffix(ok, "\n"),
		"extension line": ok + "ext\n",
		"leading zero":   origin + "\n012\n" + root + "\n",
		"negative":       origin + "\n-1\n" + root + "\n",
		"short root":     origin + "\n12\nAAAA\n",
		"CR in the root": origin + "\n12\n" + root[:20] + "\r" + root[20:] + "\n",
		"empty origin":   "\n12\n" + root + "\n",
		"two lines":      origin + "\n12\n",
	} {
		_, err := checkpoint.ParseBody([]byte(in))
		assert.ErrorIs(t, err, checkpoint.ErrFormat, name)
	}
}

func TestFromCommitment(t *testing.T) {
	c, err := checkpoint.FromCommitment("xihu.amr.gov.cn/ssj/registry/targets/2026-03-01", 3, strings.Repeat("ab", 32))
	require.NoError(t, err)
	assert.Equal(t, int64(3), c.Size)
	assert.Equal(t, strings.Repeat("ab", 32), c.RootHex())
	_, err = checkpoint.FromCommitment("o", 3, "zz")
	assert.ErrorIs(t, err, checkpoint.ErrFormat)
}

// Consistency proofs of a growing trail verify with ours and with
// transparency-dev/merkle (SHA-256 trails; the SM3 tree is cross-checked in
// internal/merkle), and fail between checkpoints of different histories.
func TestConsistencyBetweenCheckpoints(t *testing.T) {
	for _, s := range []suite.Suite{suite.SSJv1, suite.SSJv1SM} {
		l := newTrail(t, s, 23)
		for old := int64(0); old <= 23; old++ {
			oc, err := l.SignedCheckpoint(origin, old)
			require.NoError(t, err)
			nc, err := l.SignedCheckpoint(origin, 23)
			require.NoError(t, err)
			p, err := l.ConsistencyProof(old)
			require.NoError(t, err)
			back, err := checkpoint.ParseProof(p.Marshal())
			require.NoError(t, err)
			require.NoError(t, checkpoint.VerifyConsistency(oc, nc, back), "%s %d→23", s, old)
			if s.ID() == suite.V1 {
				hs := make([][]byte, len(p.Hashes))
				for i := range p.Hashes {
					hs[i] = p.Hashes[i][:]
				}
				require.NoError(t, proof.VerifyConsistency(rfc6962.DefaultHasher, uint64(old), 23, hs, oc.Root[:], nc.Root[:]))
			}
		}
	}
	l := newTrail(t, suite.SSJv1, 9)
	p, _ := l.ConsistencyProof(5)
	oc, _ := l.SignedCheckpoint(origin, 5)
	nc, _ := l.SignedCheckpoint(origin, 9)
	other := nc
	other.Origin = "other.gov.cn/log"
	assert.ErrorIs(t, checkpoint.VerifyConsistency(oc, other, p), checkpoint.ErrVerify)
	smP := p
	smP.Suite = suite.V1SM
	assert.ErrorIs(t, checkpoint.VerifyConsistency(oc, nc, smP), checkpoint.ErrVerify, "the proof's suite decides the hash")
}

// The attack signed checkpoints exist for: someone with write access
// rewrites an old event and recomputes every hash, every checkpoint line and
// the head, so the file verifies on its own. A checkpoint the agency signed
// and published before the rewrite catches it: the file no longer matches
// it, and no consistency proof leads from it to the new head.
func TestRewrittenHistoryCaughtBySignedCheckpoint(t *testing.T) {
	for _, s := range []suite.Suite{suite.SSJv1, suite.SSJv1SM} {
		t.Run(string(s.ID()), func(t *testing.T) {
			ed, sm := keys(t)
			edV, smV, _, _ := vkeys(t, ed, sm)
			edSigner, _ := checkpoint.NewSigner(origin, ed)
			smSigner, _ := checkpoint.NewSigner(origin, sm)
			signers := []note.Signer{edSigner}
			verifiers := []checkpoint.Verifier{edV}
			if s.ID() == suite.V1SM {
				signers = append(signers, smSigner)
				verifiers = append(verifiers, smV)
			}

			honest := newTrail(t, s, 8)
			old, err := honest.SignedCheckpoint(origin, 8)
			require.NoError(t, err)
			published, err := checkpoint.Sign(old, signers...)
			require.NoError(t, err)

			// The rewrite: event 2's actor changed, every hash recomputed,
			// then the trail grows on.
			forged, err := trail.NewWithSuite(4, s)
			require.NoError(t, err)
			for i, e := range honest.Events() {
				en := trail.Entry{Kind: e.Kind, Actor: e.Actor, Time: e.Time, Subject: e.Subject, Data: e.Data}
				if i == 2 {
					en.Actor = "执法人员 李*"
				}
				_, _, err := forged.Append(en)
				require.NoError(t, err)
			}
			for i := range 4 {
				_, _, err := forged.Append(trail.Entry{Kind: trail.ResultReviewed, Actor: "审核人 赵*",
					Time: time.Date(2026, 3, 3, i, 0, 0, 0, time.UTC), Subject: "R-000"})
				require.NoError(t, err)
			}
			file := forged.MarshalJSONL()
			rep, err := trail.Verify(bytes.NewReader(file), trail.VerifyOptions{})
			require.NoError(t, err)
			require.True(t, rep.OK, "the rewritten file verifies on its own")

			// The older signed checkpoint catches it.
			cp, err := checkpoint.Open(published, verifiers...)
			require.NoError(t, err)
			rep, err = trail.Verify(bytes.NewReader(file), trail.VerifyOptions{Anchors: []trail.Checkpoint{trail.AnchorOf(cp)}})
			require.NoError(t, err)
			require.False(t, rep.OK)
			assert.Equal(t, trail.AnchorMismatch, rep.Problem.Kind)

			// And the forger's new head is not consistent with it.
			newHead, err := forged.SignedCheckpoint(origin, 12)
			require.NoError(t, err)
			p, err := forged.ConsistencyProof(8)
			require.NoError(t, err)
			assert.ErrorIs(t, checkpoint.VerifyConsistency(cp, newHead, p), checkpoint.ErrVerify)
			// While the honest trail's growth is.
			for i := range 4 {
				_, _, err := honest.Append(trail.Entry{Kind: trail.ResultReviewed, Actor: "审核人 赵*",
					Time: time.Date(2026, 3, 3, i, 0, 0, 0, time.UTC), Subject: "R-000"})
				require.NoError(t, err)
			}
			hp, err := honest.ConsistencyProof(8)
			require.NoError(t, err)
			hn, err := honest.SignedCheckpoint(origin, 12)
			require.NoError(t, err)
			require.NoError(t, checkpoint.VerifyConsistency(cp, hn, hp))
		})
	}
}

// A registry snapshot's commitment (R6) signed as a checkpoint: the note
// opens to the same count and root the draw's manifest carries.
func TestRegistryCommitmentCheckpoint(t *testing.T) {
	c, err := registry.CommitTargets([]registry.Target{{
		ID: "914403001922038216", Name: "华为技术有限公司", Kind: registry.KindEntity, Jurisdiction: "440307",
		Industry: "I65", CreditClass: "A", Status: registry.StatusActive, Departments: []string{"治安"},
	}})
	require.NoError(t, err)
	const snap = "xihu.amr.gov.cn/ssj/registry/targets/2026-03-01"
	cp, err := checkpoint.FromCommitment(snap, c.Count, c.Root)
	require.NoError(t, err)
	ed, _ := keys(t)
	s, err := checkpoint.NewSigner(snap, ed)
	require.NoError(t, err)
	msg, err := checkpoint.Sign(cp, s)
	require.NoError(t, err)
	vk, err := checkpoint.VerifierKey(snap, suite.Ed25519, ed.Public())
	require.NoError(t, err)
	v, err := checkpoint.ParseVerifierKey(vk)
	require.NoError(t, err)
	got, err := checkpoint.Open(msg, v)
	require.NoError(t, err)
	assert.Equal(t, int64(c.Count), got.Size)
	assert.Equal(t, c.Root, got.RootHex())
}

// A carriage return inside a base64 field (which the standard decoder
// skips) is refused in a proof's hash line and in a verifier key, as in a
// checkpoint's root (TestParseBody): each field has one spelling.
func TestBase64WithCarriageReturnRefused(t *testing.T) {
	proof, err := os.ReadFile("testdata/trail-sm-6-10.proof")
	require.NoError(t, err)
	_, err = checkpoint.ParseProof(proof)
	require.NoError(t, err)
	lines := strings.SplitAfter(string(proof), "\n")
	h := lines[4]
	lines[4] = h[:10] + "\r" + h[10:]
	_, err = checkpoint.ParseProof([]byte(strings.Join(lines, "")))
	assert.ErrorIs(t, err, checkpoint.ErrFormat, "proof")

	vk, err := os.ReadFile("testdata/ed25519.vkey")
	require.NoError(t, err)
	line := strings.TrimSpace(string(vk))
	_, err = checkpoint.ParseVerifierKey(line)
	require.NoError(t, err)
	_, err = checkpoint.ParseVerifierKey(line[:len(line)-8] + "\r" + line[len(line)-8:])
	assert.ErrorIs(t, err, checkpoint.ErrFormat, "verifier key")
}
