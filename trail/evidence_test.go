package trail

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/evidence"
)

// evidenceTrail is a three-event trail whose middle event records the
// on-site video (rule R24), and the video's bytes.
func evidenceTrail(t testing.TB) (*Log, []string, []byte) {
	t.Helper()
	video := []byte("on-site video, T-2026-001, 91440103MAT410000M")
	a, err := evidence.New(video, "video/mp4", evidence.StepOnSite, "44010610002",
		time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	require.NoError(t, err)
	l, err := New(4)
	require.NoError(t, err)
	file := string(l.HeaderLine())
	for i, en := range []Entry{
		{Kind: TaskAssigned, Actor: "治安大队", Time: t0, Subject: "T-2026-001"},
		{Kind: EvidenceRecorded, Actor: "44010610002", Time: t0.Add(time.Hour), Subject: "T-2026-001/91440103MAT410000M", Evidence: []evidence.Attachment{a}},
		{Kind: ResultEntered, Actor: "录入员", Time: t0.Add(2 * time.Hour), Subject: "T-2026-001/91440103MAT410000M"},
	} {
		_, b, err := l.Append(en)
		require.NoError(t, err, "entry %d", i)
		file += string(b)
	}
	return l, strings.Split(strings.TrimSuffix(file, "\n"), "\n"), video
}

// Rule R24 with R29: a trail event carries the step's recorded files by
// digest; the trail verifies, and the file checks against the event.
func TestEvidenceInTrail_R24(t *testing.T) {
	l, lines, video := evidenceTrail(t)
	rep := verifyLines(t, lines, l.Head())
	require.True(t, rep.OK, "%+v", rep.Problem)
	back, err := Read(strings.NewReader(strings.Join(lines, "\n") + "\n"))
	require.NoError(t, err)
	ev := back.Events()[1]
	require.Len(t, ev.Evidence, 1)
	assert.NoError(t, ev.Evidence[0].Verify(video))
	assert.Equal(t, time.UTC, ev.Evidence[0].At.Location())
	assert.Contains(t, lines[2], `"at":"2026-03-02T02:00:00Z"`)
	// Events without evidence have no evidence member.
	assert.NotContains(t, lines[1], "evidence")
}

// Rule R24 with R31: swapping the recorded file's digest, size or step in
// the trail is detected as an edit at that event.
func TestEvidenceInTrail_R24_EditDetected(t *testing.T) {
	_, lines, _ := evidenceTrail(t)
	for _, edit := range []struct{ from, to string }{
		{`"size":45`, `"size":46`},
		{`"step":"on_site"`, `"step":"statement"`},
		{`"media_type":"video/mp4"`, `"media_type":"audio/mpeg"`},
		{`"by":"44010610002"`, `"by":"44010610003"`},
	} {
		require.Contains(t, lines[2], edit.from)
		edited := append([]string(nil), lines...)
		edited[2] = strings.Replace(lines[2], edit.from, edit.to, 1)
		rep := verifyLines(t, edited)
		require.False(t, rep.OK, edit.to)
		assert.Equal(t, Edited, rep.Problem.Kind, edit.to)
		assert.Equal(t, 1, rep.Problem.Index, edit.to)
	}
	// Another digest: still an edit.
	var sha string
	for _, part := range strings.Split(lines[2], `"sha256":"`)[1:] {
		sha = part[:64]
	}
	edited := append([]string(nil), lines...)
	edited[2] = strings.Replace(lines[2], sha, strings.Repeat("0", 64), 1)
	rep := verifyLines(t, edited)
	require.False(t, rep.OK)
	assert.Equal(t, Edited, rep.Problem.Kind)
}

// Rule R24: malformed evidence is refused on append and on reading, and an
// empty evidence list (which would hash like none) is malformed.
func TestEvidenceInTrail_R24_Malformed(t *testing.T) {
	l, err := New(4)
	require.NoError(t, err)
	_, _, err = l.Append(Entry{Kind: EvidenceRecorded, Actor: "x", Time: t0, Subject: "s",
		Evidence: []evidence.Attachment{{SHA256: "nope", MediaType: "video/mp4", Size: 1, Step: evidence.StepOnSite, By: "x", At: t0}}})
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrEntry))
	assert.True(t, errors.Is(err, evidence.ErrInvalid))
	assert.Equal(t, 0, l.Len())

	_, lines, _ := evidenceTrail(t)
	edited := append([]string(nil), lines...)
	edited[1] = setField(t, lines[1], "evidence", []any{})
	rep := verifyLines(t, edited)
	require.False(t, rep.OK)
	assert.Equal(t, Malformed, rep.Problem.Kind)
	assert.Contains(t, rep.Problem.Detail, "empty list")

	edited[1] = setField(t, lines[1], "evidence", []any{map[string]any{"sha256": "x"}})
	rep = verifyLines(t, edited)
	require.False(t, rep.OK)
	assert.Equal(t, Malformed, rep.Problem.Kind)
}
