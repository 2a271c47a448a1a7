package office_test

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/suite"
	"github.com/shuangsuiji/ssj/trail"
	"github.com/shuangsuiji/ssj/workday"
)

func approvalSigner(t *testing.T, b byte) *suite.Ed25519Signer {
	t.Helper()
	s, err := suite.NewEd25519Signer(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, ed25519.SeedSize)))
	require.NoError(t, err)
	return s
}

// Rule R18: the office signs each replacement with the approving deputy
// head's key when it holds one, checks it against the keyring (holder,
// role, validity: a rotated key cannot sign a new approval), refuses and
// traces an unsigned replacement when approvals are required, and Audit
// re-checks the signatures.
func TestReplaceInspectorApproval(t *testing.T) {
	_, clock, st := flow(t, demo.StageDispatched)
	cal, err := workday.Default()
	require.NoError(t, err)
	cur, old := approvalSigner(t, 31), approvalSigner(t, 32)
	rotated := cst("2026-09-19 00:00:00")
	ring := suite.Keyring{Keys: []suite.Key{
		suite.KeyOf(cur, "市场监管局", "周*", suite.RoleDeputyHead, suite.Validity{}),
		suite.KeyOf(old, "市场监管局", "周*", suite.RoleDeputyHead, suite.Validity{NotAfter: &rotated}),
	}}
	open := func(signers map[string]draw.Signer, require bool) *office.Office {
		cfg := office.Config{Store: st, Clock: clock, Calendar: cal, ApprovalKeyring: ring, RequireApproval: require}
		if signers != nil {
			cfg.ApprovalSigner = func(approver string) draw.Signer { return signers[approver] }
		}
		o, err := office.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	_, err = office.New(office.Config{Store: st, Clock: clock, Calendar: cal, RequireApproval: true})
	require.ErrorIs(t, err, office.ErrPrecondition, "RequireApproval without a signer")

	o := open(map[string]draw.Signer{"周*": cur}, true)
	rec, err := o.Record(ctx, "2026-ZA-03B")
	require.NoError(t, err)
	at := cst("2026-09-19 09:00:00")
	clock.Set(at)
	req := func(gi int, approver string) draw.ReplacementRequest {
		g := rec.Groups[gi]
		return draw.ReplacementRequest{Target: g.Target, Inspector: g.Seats[0].Cert, Reason: draw.ReplaceHealth, Approver: approver, At: at}
	}

	rep, err := o.ReplaceInspector(ctx, office.Step{Who: "李*", At: at}, "2026-ZA-03B", req(0, "周*"))
	require.NoError(t, err)
	require.NotNil(t, rep.Approval)
	assert.Equal(t, cur.KeyID(), rep.Approval.KeyID)
	require.NoError(t, draw.VerifyApproval(rep, ring))
	ev := lastEvent(t, st)
	assert.Equal(t, trail.InspectorReplaced, ev.Kind)
	assert.Equal(t, cur.KeyID(), ev.Data["approval_key"])

	// No key for this approver, approvals required: refused and traced.
	_, err = o.ReplaceInspector(ctx, office.Step{Who: "李*", At: at}, "2026-ZA-03B", req(1, "吴*"))
	require.ErrorIs(t, err, draw.ErrApprovalSignature)
	require.ErrorIs(t, err, office.ErrPrecondition)
	assert.Equal(t, trail.ReplacementRefused, lastEvent(t, st).Kind)

	// The rotated key cannot sign an approval dated after its not_after.
	_, err = open(map[string]draw.Signer{"周*": old}, false).ReplaceInspector(ctx, office.Step{Who: "李*", At: at}, "2026-ZA-03B", req(1, "周*"))
	require.ErrorIs(t, err, draw.ErrApprovalSignature)
	assert.Contains(t, err.Error(), "rotated")

	// Not required and no signer: appended unsigned.
	rep2, err := open(nil, false).ReplaceInspector(ctx, office.Step{Who: "李*", At: at.Add(time.Minute)}, "2026-ZA-03B", req(1, "吴*"))
	require.NoError(t, err)
	assert.Nil(t, rep2.Approval)

	// Audit checks the signature present, and refuses the unsigned one when
	// approvals are required.
	rep3, err := office.Audit(ctx, st, office.AuditOptions{Approvals: ring})
	require.NoError(t, err)
	require.True(t, rep3.OK, "%+v", rep3.Problem)
	rep3, err = office.Audit(ctx, st, office.AuditOptions{Approvals: ring, RequireApprovals: true})
	require.NoError(t, err)
	require.False(t, rep3.OK)
	n := len(rec.Replacements) // the demo's own, unsigned, come first
	require.Contains(t, rep3.Problem.Field, "approval")
	firstUnsigned := 0 // the demo's, or else ours after the signed one
	if n == 0 {
		firstUnsigned = 1
	}
	assert.Equal(t, fmt.Sprintf("replacements[%d].approval", firstUnsigned), rep3.Problem.Field, "the first unsigned one")
	other := suite.Keyring{Keys: []suite.Key{suite.KeyOf(approvalSigner(t, 33), "市场监管局", "周*", suite.RoleDeputyHead, suite.Validity{})}}
	rep3, err = office.Audit(ctx, st, office.AuditOptions{Approvals: other})
	require.NoError(t, err)
	require.False(t, rep3.OK)
	assert.Equal(t, fmt.Sprintf("replacements[%d].approval", n), rep3.Problem.Field, "the signed one, other key")
}
