package office_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/memstore"
	"github.com/shuangsuiji/ssj/office/sqlitestore"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/trail"
	"github.com/shuangsuiji/ssj/workday"
)

var ctx = context.Background()

func cst(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, workday.Shanghai())
	if err != nil {
		panic(err)
	}
	return t
}

// flow runs the demo up to stage on a fresh memory store.
func flow(t *testing.T, stage demo.Stage) (*office.Office, *demo.SimClock, office.Store) {
	t.Helper()
	st := memstore.New()
	o, clock, err := demo.New(st)
	require.NoError(t, err)
	_, err = demo.RunUntil(ctx, o, clock, nil, stage)
	require.NoError(t, err)
	return o, clock, st
}

func lastEvent(t *testing.T, st office.Store) trail.Event {
	t.Helper()
	var ev trail.Event
	tx, err := st.Begin(ctx, false)
	require.NoError(t, err)
	defer tx.Rollback()
	e, err := tx.LastEvent(ctx)
	require.NoError(t, err)
	require.NoError(t, jsonUnmarshal(e.Body, &ev))
	return ev
}

func eventCount(t *testing.T, st office.Store) int64 {
	t.Helper()
	tx, err := st.Begin(ctx, false)
	require.NoError(t, err)
	defer tx.Rollback()
	e, err := tx.LastEvent(ctx)
	if errors.Is(err, office.ErrNotFound) {
		return 0
	}
	require.NoError(t, err)
	return e.Seq + 1
}

func TestDemoAuditBothStores(t *testing.T) {
	for name, open := range map[string]func(t *testing.T) office.Store{
		"memstore": func(t *testing.T) office.Store { return memstore.New() },
		"sqlite": func(t *testing.T) office.Store {
			s, err := sqlitestore.Open(ctx, filepath.Join(t.TempDir(), "ssj.db"), sqlitestore.Options{})
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		},
	} {
		t.Run(name, func(t *testing.T) {
			st := open(t)
			o, clock, err := demo.New(st)
			require.NoError(t, err)
			sum, err := demo.Run(ctx, o, clock, nil)
			require.NoError(t, err)
			assert.Equal(t, 49, sum.Selected)
			_, ring, err := demo.Keys()
			require.NoError(t, err)
			rep, err := office.Audit(ctx, st, office.AuditOptions{Authority: ring})
			require.NoError(t, err)
			require.True(t, rep.OK, "%+v", rep.Problem)
			assert.Equal(t, 1, rep.Records)
			assert.Equal(t, int64(3100), rep.Rows)
			assert.Equal(t, 50, rep.Versions, "49 first versions and one correction")
			// The snapshot's root is the registry commitment (rule R6).
			targets, err := o.Targets(ctx, "targets-2026-09-01")
			require.NoError(t, err)
			c, err := registry.CommitTargets(targets)
			require.NoError(t, err)
			s, err := o.SnapshotAsOf(ctx, registry.PoolTargets, cst("2026-10-01 00:00:00"))
			require.NoError(t, err)
			assert.Equal(t, c.Root, s.Root)
			assert.Equal(t, "targets-2026-09-01", s.ID)
		})
	}
}

// Rules R29, R31: a step dated before the trail's last event, or after the
// clock's now plus skew, is refused with both times, and nothing is stored.
func TestBackdatedAndFutureStepsRefused(t *testing.T) {
	o, clock, st := flow(t, demo.StageAll)
	n := eventCount(t, st)
	last := lastEvent(t, st)
	id := "2026-ZA-03B/" + mustFirstTarget(t, o)
	f := publish.FollowUp{Date: workday.MustDate(2026, 12, 11), Action: "复查"}

	err := o.RecordFollowUp(ctx, office.Step{Who: "李*", At: last.Time.Add(-time.Second)}, id, f)
	var te *office.TimeError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "trail", te.Rule)
	assert.True(t, te.Bound.Equal(last.Time))
	assert.ErrorIs(t, err, office.ErrPrecondition)
	assert.Contains(t, err.Error(), last.Time.UTC().Format(time.RFC3339))

	now := clock.Now()
	err = o.RecordFollowUp(ctx, office.Step{Who: "李*", At: now.Add(office.DefaultSkew + time.Second)}, id, f)
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "clock", te.Rule)
	assert.Equal(t, n, eventCount(t, st), "nothing stored on refusal")

	require.NoError(t, o.RecordFollowUp(ctx, office.Step{Who: "李*", At: now.Add(office.DefaultSkew)}, id, f), "within the skew")
	assert.Equal(t, n+1, eventCount(t, st))
}

func mustFirstTarget(t *testing.T, o *office.Office) string {
	rec, err := o.Record(ctx, "2026-ZA-03B")
	require.NoError(t, err)
	return rec.Selected[0].Target
}

// Rule R26 and 审核: release needs a review by someone other than the
// enterer; deadline status comes from the recorded dates.
func TestReviewBeforeReleaseAndLateRelease(t *testing.T) {
	o, clock, st := flow(t, demo.StageDispatched)
	results, err := demo.MakeResults(ctx, o, "2026-ZA-03B")
	require.NoError(t, err)
	r := results[0]
	step := func(who, at string) office.Step { clock.Set(cst(at)); return office.Step{Who: who, At: cst(at)} }
	_, err = o.EnterResult(ctx, step("录入员 孙*", "2026-11-25 09:00:00"), r)
	require.NoError(t, err)
	_, _, err = o.Release(ctx, step("李*", "2026-11-25 10:00:00"), r.ID)
	var se *office.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "review", se.Field)
	err = o.ReviewResult(ctx, step("录入员 孙*", "2026-11-25 10:01:00"), r.ID, "")
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "who", se.Field)
	require.NoError(t, o.ReviewResult(ctx, step("审核人 钱*", "2026-11-25 10:02:00"), r.ID, "同意"))
	// Task ended 2026-11-30 (Monday); due two working days later, 12-02.
	v, status, err := o.Release(ctx, step("李*", "2026-12-08 10:00:00"), r.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, v.N)
	assert.Equal(t, publish.PublishedLate, status)
	ev := lastEvent(t, st)
	assert.Equal(t, trail.ResultPublished, ev.Kind)
	assert.Equal(t, string(publish.PublishedLate), ev.Data["status"])
	// A result for a target that was not drawn is refused (rule R13).
	bad := results[1]
	bad.ID, bad.TargetID = "2026-ZA-03B/91440101000000000X", "91440101000000000X"
	_, err = o.EnterResult(ctx, step("录入员 孙*", "2026-12-08 10:01:00"), bad)
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "target_id", se.Field)
}

// Rules R18, R31: a refused replacement is traced, and the record does not change.
func TestRefusedReplacementTraced(t *testing.T) {
	o, clock, st := flow(t, demo.StageDispatched)
	before, err := o.Record(ctx, "2026-ZA-03B")
	require.NoError(t, err)
	at := cst("2026-09-19 09:00:00")
	clock.Set(at)
	g := before.Groups[1]
	_, err = o.ReplaceInspector(ctx, office.Step{Who: "李*", At: at}, "2026-ZA-03B", draw.ReplacementRequest{
		Target: g.Target, Inspector: g.Seats[0].Cert, Reason: "whim", Approver: "周*", At: at})
	require.Error(t, err)
	assert.ErrorIs(t, err, office.ErrPrecondition)
	ev := lastEvent(t, st)
	assert.Equal(t, trail.ReplacementRefused, ev.Kind)
	assert.Equal(t, g.Target, ev.Data["target"])
	after, err := o.Record(ctx, "2026-ZA-03B")
	require.NoError(t, err)
	assert.Equal(t, len(before.Replacements), len(after.Replacements))
}

// Rules R27, R31: a correction with a signature the keyring does not hold
// is refused and traced; a good one makes version 2.
func TestRejectedCorrectionTraced(t *testing.T) {
	o, clock, st := flow(t, demo.StageReleased)
	results, err := demo.MakeResults(ctx, o, "2026-ZA-03B")
	require.NoError(t, err)
	fixed := results[2]
	fixed.Remark = "更正"
	at := cst("2026-11-27 10:00:00")
	clock.Set(at)
	c, err := o.DraftCorrection(ctx, fixed, "录入错误", "self", demo.Head, at)
	require.NoError(t, err)
	_, forged := ed25519GenerateKey(t)
	signer, err := publish.NewEd25519Signer(forged)
	require.NoError(t, err)
	sc, err := publish.Sign(c, signer)
	require.NoError(t, err)
	n := eventCount(t, st)
	_, err = o.Correct(ctx, office.Step{Who: demo.Head, At: at}, sc)
	require.Error(t, err)
	assert.ErrorIs(t, err, publish.ErrSignature)
	ev := lastEvent(t, st)
	assert.Equal(t, trail.CorrectionRejected, ev.Kind)
	assert.Equal(t, n+1, eventCount(t, st))
	sr, err := o.Result(ctx, fixed.ID)
	require.NoError(t, err)
	assert.Len(t, sr.Entry.Versions, 1)
}

func ed25519GenerateKey(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	pub, priv, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	return pub, priv
}

// failingStore fails the nth Put of every transaction's life, to show that
// a step failing midway stores nothing and a retry works.
type failingStore struct {
	office.Store
	failAt int
}

type failingTx struct {
	office.Tx
	puts   *int
	failAt int
}

var errInjected = errors.New("injected failure")

func (s *failingStore) Begin(ctx context.Context, w bool) (office.Tx, error) {
	tx, err := s.Store.Begin(ctx, w)
	if err != nil {
		return nil, err
	}
	n := 0
	return &failingTx{Tx: tx, puts: &n, failAt: s.failAt}, nil
}

func (t *failingTx) Put(ctx context.Context, o office.Object) error {
	*t.puts++
	if t.failAt > 0 && *t.puts == t.failAt {
		return errInjected
	}
	return t.Tx.Put(ctx, o)
}

// Rule R29: state and trail are written in one transaction: a dispatch
// (announcement + 49 notices) failing at its 20th object leaves nothing.
func TestFailureMidwayLeavesNothing(t *testing.T) {
	db := memstore.NewDB()
	fs := &failingStore{Store: memstore.Open(db)}
	o, clock, err := demo.New(fs)
	require.NoError(t, err)
	_, err = demo.RunUntil(ctx, o, clock, nil, demo.StageCommitted)
	require.NoError(t, err)
	fs.failAt = 0
	_, err = demo.RunUntil(ctx, o, clock, nil, demo.StageCommitted)
	require.Error(t, err, "the stages repeat steps that already happened")

	// A fresh flow, with dispatch failing midway.
	db = memstore.NewDB()
	fs = &failingStore{Store: memstore.Open(db)}
	o, clock, err = demo.New(fs)
	require.NoError(t, err)
	_, err = demo.RunUntil(ctx, o, clock, nil, demo.StageCommitted)
	require.NoError(t, err)
	rj := mustEvidence(t)
	clock.Set(cst("2026-09-18 10:00:00"))
	_, err = o.RunDraw(ctx, office.Step{Who: "李*", At: cst("2026-09-18 09:00:00")}, "2026-ZA-03B", rj)
	require.NoError(t, err)
	_, err = o.Lock(ctx, office.Step{Who: "王*", At: cst("2026-09-18 09:30:00")}, "2026-ZA-03B")
	require.NoError(t, err)
	clock.Set(cst("2026-09-18 10:00:00"))
	n := eventCount(t, fs)
	order := office.DispatchOrder{TaskID: "2026-ZA-03B", Issuer: demo.Agency, Unit: demo.Unit, From: workday.MustDate(2026, 9, 18), To: demo.TaskEnd}
	fs.failAt = 20
	_, err = o.Dispatch(ctx, office.Step{Who: "李*", At: cst("2026-09-18 10:00:00")}, order)
	require.ErrorIs(t, err, errInjected)
	assert.Equal(t, n, eventCount(t, fs))
	_, err = o.Notice(ctx, "2026-ZA-03B", mustFirstTarget(t, o))
	assert.ErrorIs(t, err, office.ErrNotFound)
	fs.failAt = 0
	_, err = o.Dispatch(ctx, office.Step{Who: "李*", At: cst("2026-09-18 10:00:00")}, order)
	require.NoError(t, err, "the retry works")
	assert.Equal(t, n+2+49, eventCount(t, fs))
	rep, err := office.Audit(ctx, fs, office.AuditOptions{})
	require.NoError(t, err)
	assert.True(t, rep.OK, "%+v", rep.Problem)
}

// An unvalidated pool never reaches draw.Commit: the office validates the
// snapshots against its own registry rules first.
func TestManifestCommitValidatesPools(t *testing.T) {
	st := memstore.New()
	o, clock, err := demo.New(st)
	require.NoError(t, err)
	_, err = demo.RunUntil(ctx, o, clock, nil, demo.StageCommitted)
	require.NoError(t, err)
	_, err = o.CommitManifest(ctx, office.Step{Who: "x", At: cst("2026-09-17 23:13:42")}, office.ManifestCommit{TaskID: "2026-ZA-03B"})
	assert.ErrorIs(t, err, office.ErrConflict, "a manifest is committed once")

	// The same store seen by an office whose registry has only classes A and B.
	cal, err := workday.Default()
	require.NoError(t, err)
	strict, err := office.New(office.Config{Store: st, Clock: clock, Calendar: cal, Registry: registry.Config{Classes: []string{"A", "B"}}})
	require.NoError(t, err)
	task, err := o.Task(ctx, "2026-ZA-03B")
	require.NoError(t, err)
	task.ID = "2026-ZA-03C"
	// Still before the drand round's emission (23:23:42 China time): a
	// task whose sources precede its commit time is refused at launch.
	task.CommitTime = cst("2026-09-17 23:20:00")
	clock.Set(cst("2026-09-17 23:20:00"))
	require.NoError(t, strict.LaunchTask(ctx, office.Step{Who: "李*", At: cst("2026-09-17 23:15:00")}, task))
	_, err = strict.CommitManifest(ctx, office.Step{Who: "李*", At: cst("2026-09-17 23:20:00")}, office.ManifestCommit{TaskID: task.ID})
	var se *office.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "targets", se.Field)
}

// Rule R6: a second snapshot records its change history and AsOf selects
// by time.
func TestSnapshotHistoryAndAsOf(t *testing.T) {
	o, clock, _ := flow(t, demo.StageRegistries)
	ts, err := o.Targets(ctx, "targets-2026-09-01")
	require.NoError(t, err)
	next := append([]registry.Target(nil), ts[1:]...) // one removed
	next[0].Complaints++                              // one changed
	add := next[1]
	add.ID = "91440101MA5A000009"
	next = append(next, add) // one added (valid USCC needed)
	at := cst("2026-10-01 00:00:00")
	clock.Set(cst("2026-09-02 00:00:00"))
	info, err := o.ImportSnapshot(ctx, office.Step{Who: "陈*", At: cst("2026-09-02 00:00:00")}, office.SnapshotImport{ID: "targets-2026-10-01", Pool: registry.PoolTargets, At: at, Targets: next})
	if err != nil {
		// The made-up USCC may fail its check character: use the add-less diff.
		var se *office.StepError
		require.ErrorAs(t, err, &se)
		next = next[:len(next)-1]
		info, err = o.ImportSnapshot(ctx, office.Step{Who: "陈*", At: cst("2026-09-02 00:00:00")}, office.SnapshotImport{ID: "targets-2026-10-01", Pool: registry.PoolTargets, At: at, Targets: next})
		require.NoError(t, err)
		assert.Equal(t, int64(0), info.Added)
	} else {
		assert.Equal(t, int64(1), info.Added)
	}
	assert.Equal(t, "targets-2026-09-01", info.Previous)
	assert.Equal(t, int64(1), info.Changed)
	assert.Equal(t, int64(1), info.Removed)
	s, err := o.SnapshotAsOf(ctx, registry.PoolTargets, at.Add(-time.Second))
	require.NoError(t, err)
	assert.Equal(t, "targets-2026-09-01", s.ID)
	s, err = o.SnapshotAsOf(ctx, registry.PoolTargets, at)
	require.NoError(t, err)
	assert.Equal(t, "targets-2026-10-01", s.ID)
}

// Rule R1: once a checklist is published, a task for an item not on it is
// refused.
func TestLaunchTaskChecksTheChecklist(t *testing.T) {
	o, clock, st := flow(t, demo.StagePublished)
	b, err := examplesTask()
	require.NoError(t, err)
	b.ID, b.Items = "2026-XX-01", []string{"NOPE-99"}
	at := cst("2026-09-17 22:00:00")
	clock.Set(at)
	n := eventCount(t, st)
	err = o.LaunchTask(ctx, office.Step{Who: "李*", At: at}, b)
	var se *office.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "items", se.Field)
	assert.Equal(t, "NOPE-99", se.Value)
	assert.Equal(t, n, eventCount(t, st))
}

// Rules R26, R28: standings come from recorded dates and the office's own
// clock.
func TestStandingsFromTheOfficeClock(t *testing.T) {
	o, clock, _ := flow(t, demo.StageAll)
	st, err := o.ObjectionStanding(ctx, "YY-2026-001")
	require.NoError(t, err)
	assert.NotEmpty(t, st)
	results, err := demo.MakeResults(ctx, o, "2026-ZA-03B")
	require.NoError(t, err)
	clock.Set(cst("2027-06-01 09:00:00")) // long after: a published result stays on time
	rs, err := o.ResultStatus(ctx, results[3].ID)
	require.NoError(t, err)
	assert.Equal(t, publish.OnTime, rs)
}
