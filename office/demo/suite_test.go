package demo_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/memstore"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
	"github.com/shuangsuiji/ssj/trail"
)

// TestRunNationalSuite runs the whole demo under ssj-v1-sm: the store's
// first event records the suite, every event hash is SM3, the draw is
// SM3/HMAC-SM3, lock and correction are signed with SM2, the audit
// (re-running the draw, checking the lock signature) and the public
// bundle's proofs verify; the same store refuses an ssj-v1 office and an
// ssj-v1 task.
func TestRunNationalSuite(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	o, clock, err := demo.NewWith(st, suite.SSJv1SM)
	require.NoError(t, err)
	sum, err := demo.Run(ctx, o, clock, nil)
	require.NoError(t, err)
	require.Equal(t, 49, sum.Results)

	cs, err := o.Suite(ctx)
	require.NoError(t, err)
	require.Equal(t, suite.V1SM, cs.ID())
	var first trail.Event
	n := 0
	require.NoError(t, o.Trail(ctx, 0, func(ev trail.Event) error {
		if n == 0 {
			first = ev
		}
		n++
		h, err := ev.ComputeHashWith(suite.SSJv1SM)
		require.NoError(t, err)
		require.Equal(t, ev.Hash, h, "event %d is hashed with SM3", ev.Seq)
		return nil
	}))
	assert.Equal(t, "ssj-v1-sm", first.Data[office.SuiteDataKey])

	rec, err := o.Record(ctx, sum.TaskID)
	require.NoError(t, err)
	require.Equal(t, "ssj-v1-sm", rec.Manifest.Suite)
	require.NotNil(t, rec.Lock.Signature)
	assert.Equal(t, suite.SM2, rec.Lock.Signature.Algorithm)
	mh, err := rec.Manifest.Hash()
	require.NoError(t, err)
	assert.Equal(t, sum.ManifestHash, sprintHex(mh[:]))

	_, ring, err := demo.KeysFor(suite.SSJv1SM)
	require.NoError(t, err)
	rep, err := office.Audit(ctx, st, office.AuditOptions{Authority: ring})
	require.NoError(t, err)
	require.True(t, rep.OK, "audit: %v", rep.Problem)
	assert.Equal(t, 1, rep.Records)

	// The bundle's proofs are SM3 proofs against the snapshot root the
	// trail recorded.
	files, err := o.Bundle(ctx, sum.TaskID)
	require.NoError(t, err)
	var trailFile []byte
	for _, f := range files {
		if f.Name == "trail.jsonl" {
			trailFile = f.Data
		}
	}
	log, err := trail.Read(bytes.NewReader(trailFile))
	require.NoError(t, err)
	assert.Equal(t, suite.V1SM, log.Suite().ID())
	m, err := o.Manifest(ctx, sum.TaskID)
	require.NoError(t, err)
	targets, err := o.Targets(ctx, m.Targets)
	require.NoError(t, err)
	p, err := registry.ProveTargetWith(suite.SSJv1SM, targets, rec.Selected[0].Target)
	require.NoError(t, err)
	require.NoError(t, registry.VerifyProofWith(suite.SSJv1SM, p))
	require.Error(t, registry.VerifyProof(p), "an SM3 proof is not a SHA-256 proof")

	// No mixing: an ssj-v1 office over this store, an ssj-v1 task in it.
	o1, _, err := demo.NewWith(st, suite.SSJv1)
	require.NoError(t, err)
	_, err = o1.Suite(ctx)
	var se *office.SuiteError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, suite.V1SM, se.Store)
	assert.ErrorIs(t, err, office.ErrPrecondition)
	task, err := o.Task(ctx, sum.TaskID)
	require.NoError(t, err)
	task.ID, task.Suite = "V1-IN-SM", ""
	err = o.LaunchTask(ctx, office.Step{Who: "治安大队 李*", At: clock.Now()}, task)
	require.ErrorAs(t, err, &se)
	assert.Equal(t, suite.V1, se.Want)
}

// TestRunV1RefusesSMTask: in an ssj-v1 store a task declaring ssj-v1-sm is
// refused, naming both suites.
func TestRunV1RefusesSMTask(t *testing.T) {
	ctx := context.Background()
	o, clock, err := demo.New(memstore.New())
	require.NoError(t, err)
	sum, err := demo.RunUntil(ctx, o, clock, nil, demo.StageCommitted)
	require.NoError(t, err)
	task, err := o.Task(ctx, sum.TaskID)
	require.NoError(t, err)
	task.ID, task.Suite = "SM-IN-V1", string(suite.V1SM)
	err = o.LaunchTask(ctx, office.Step{Who: "治安大队 李*", At: clock.Now()}, task)
	var se *office.SuiteError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, err.Error(), "ssj-v1-sm")
	assert.Contains(t, err.Error(), "store's trail is ssj-v1")
}

func sprintHex(b []byte) string {
	const hexd = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, hexd[c>>4], hexd[c&15])
	}
	return string(out)
}
