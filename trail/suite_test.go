package trail

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/suite"
)

// smFixture is fixture's ten events in an ssj-v1-sm trail.
func smFixture(t testing.TB) *Log {
	t.Helper()
	l, err := NewWithSuite(4, suite.SSJv1SM)
	require.NoError(t, err)
	kinds := []Kind{ChecklistAnnounced, PlanPublished, TaskLaunched, TargetsDrawn, TargetsDispatched,
		InspectorsMatched, TaskAssigned, ResultEntered, ResultPublished, ObjectionReceived}
	for i, k := range kinds {
		_, _, err := l.Append(Entry{Kind: k, Actor: "治安大队 王*", Time: t0.Add(time.Duration(i) * time.Hour),
			Subject: "T-2026-001", Data: map[string]string{"step": fmt.Sprint(i)}})
		require.NoError(t, err)
	}
	return l
}

// The national-suite trail format is published too: its bytes are pinned.
// Its header names the suite; its hashes are SM3; it verifies and reads
// back as ssj-v1-sm.
func TestSMTrailGolden(t *testing.T) {
	l := smFixture(t)
	got := l.MarshalJSONL()
	path := filepath.Join("testdata", "fixture-sm.golden.jsonl")
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update")
	require.Equal(t, string(want), string(got))
	assert.True(t, strings.HasPrefix(string(got), `{"type":"header","format":"ssj-trail/1","checkpoint_every":4,"suite":"ssj-v1-sm"}`+"\n"))

	rep, err := Verify(bytes.NewReader(want), VerifyOptions{Anchors: []Checkpoint{l.Head()}})
	require.NoError(t, err)
	require.True(t, rep.OK, "%+v", rep.Problem)
	back, err := Read(bytes.NewReader(want))
	require.NoError(t, err)
	assert.Equal(t, suite.V1SM, back.Suite().ID())

	// The same events under ssj-v1 hash differently (SHA-256, not SM3).
	v1, _ := fixture(t)
	assert.NotEqual(t, v1.Events()[0].Hash, l.Events()[0].Hash)
	h, err := l.Events()[0].ComputeHashWith(suite.SSJv1SM)
	require.NoError(t, err)
	assert.Equal(t, l.Events()[0].Hash, h)
}

// An ssj-v1 trail's header has no suite member (files written before
// suites existed read as ssj-v1), and a header that names a suite is held
// to it.
func TestSuiteHeader(t *testing.T) {
	v1, lines := fixture(t)
	assert.Equal(t, `{"type":"header","format":"ssj-trail/1","checkpoint_every":4}`, lines[0])
	assert.Equal(t, suite.V1, v1.Suite().ID())

	smLines := strings.Split(strings.TrimSuffix(string(smFixture(t).MarshalJSONL()), "\n"), "\n")
	for name, tc := range map[string]struct {
		lines []string
		kind  ProblemKind
		want  string
	}{
		"ssj-v1 written out":   {append([]string{`{"type":"header","format":"ssj-trail/1","checkpoint_every":4,"suite":"ssj-v1"}`}, lines[1:]...), Malformed, "leave the member out"},
		"unknown suite":        {append([]string{`{"type":"header","format":"ssj-trail/1","checkpoint_every":4,"suite":"ssj-v9"}`}, lines[1:]...), Malformed, "unknown crypto suite"},
		"v1 events, sm header": {append([]string{smLines[0]}, lines[1:]...), Edited, "content hashes to"},
		"sm events, v1 header": {append([]string{lines[0]}, smLines[1:]...), Edited, "content hashes to"},
	} {
		rep := verifyLines(t, tc.lines)
		require.NotNil(t, rep.Problem, name)
		assert.Equal(t, tc.kind, rep.Problem.Kind, name)
		assert.Contains(t, rep.Problem.Detail, tc.want, name)
	}
}

// Tampering in an SM3 trail is caught as in an ssj-v1 one, and inclusion
// proofs use the SM3 tree.
func TestSMTrailTamperAndInclusion(t *testing.T) {
	l := smFixture(t)
	lines := strings.Split(strings.TrimSuffix(string(l.MarshalJSONL()), "\n"), "\n")
	ev := eventLines(lines)
	edited := append([]string(nil), lines...)
	edited[ev[2]] = strings.Replace(edited[ev[2]], "治安大队 王*", "治安大队 李*", 1)
	rep := verifyLines(t, edited)
	require.NotNil(t, rep.Problem)
	assert.Equal(t, Edited, rep.Problem.Kind)

	head := l.Head()
	p, err := l.InclusionProof(5, head.Size)
	require.NoError(t, err)
	require.NoError(t, VerifyInclusionWith(suite.SSJv1SM, l.Events()[5], p, head))
	assert.ErrorIs(t, VerifyInclusion(l.Events()[5], p, head), ErrProof, "checked as ssj-v1 it fails")
}

func TestNewWithSuiteRefusesZero(t *testing.T) {
	_, err := NewWithSuite(4, suite.Suite{})
	assert.ErrorIs(t, err, suite.ErrUnknown)
}

// FromEvents rebuilds the same trail from its events (the office's form)
// and refuses a broken chain.
func TestFromEvents(t *testing.T) {
	for _, l := range []*Log{smFixture(t), func() *Log { l, _ := fixture(t); return l }()} {
		back, err := FromEvents(l.Suite(), l.Events())
		require.NoError(t, err)
		assert.Equal(t, l.Head(), back.Head())
		assert.Equal(t, l.LeafHashes(), back.LeafHashes())
		evs := l.Events()
		evs[3].Actor = "他人"
		_, err = FromEvents(l.Suite(), evs)
		assert.ErrorIs(t, err, ErrEntry)
		_, err = FromEvents(l.Suite(), append(l.Events()[:2], l.Events()[3:]...))
		assert.ErrorIs(t, err, ErrEntry)
	}
	_, err := FromEvents(suite.SSJv1, smFixture(t).Events())
	assert.ErrorIs(t, err, ErrEntry, "SM3 events are not ssj-v1 events")
}
