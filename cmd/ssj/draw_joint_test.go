package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/draw"
)

// The README's joint-task example: the sample joint task 2026-LH-01
// (examples/data/task-joint.json: 治安 launches, 出入境 and 消防 take part)
// commits, draws, matches a group with one seat per department covering
// its department's items, and verifies. Rules R14, R17, R20.
func TestDrawExampleJointTask(t *testing.T) {
	const data = "../../examples/data/"
	targets, inspectors := data+"targets.csv", data+"inspectors.csv"
	dir := t.TempDir()
	manifest, record := filepath.Join(dir, "joint-manifest.json"), filepath.Join(dir, "joint-record.json")
	code, out, errs := runCLI(t, "", "draw", "commit", "--task", data+"task-joint.json", "--targets", targets,
		"--inspectors", inspectors, "--out", manifest)
	require.Equal(t, exitOK, code, "commit:\n%s\n%s", out, errs)
	code, out, errs = runCLI(t, "", "draw", "run", "--manifest", manifest, "--randomness", data+"randomness.json",
		"--targets", targets, "--inspectors", inspectors, "--out", record)
	require.Equal(t, exitOK, code, "run:\n%s\n%s", out, errs)
	assert.Contains(t, out, "2026-LH-01")
	code, out, errs = runCLI(t, "", "verify", record, "--targets", targets, "--inspectors", inspectors)
	require.Equal(t, exitOK, code, "verify:\n%s\n%s", out, errs)
	assert.True(t, strings.HasPrefix(out, "verified"), out)

	f, err := os.Open(record)
	require.NoError(t, err)
	defer f.Close()
	rec, err := draw.DecodeRecord(f)
	require.NoError(t, err)
	require.NotEmpty(t, rec.Groups)
	for _, g := range rec.Groups {
		require.Len(t, g.Seats, 3, g.Target)
		for i, want := range []struct{ dept, item string }{{"治安", "ZA-01"}, {"出入境", "CRJ-01"}, {"消防", "XF-01"}} {
			assert.Equal(t, want.dept, g.Seats[i].Department, g.Target)
			assert.Equal(t, []string{want.item}, g.Seats[i].Items, g.Target)
		}
	}
}
