package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/checklist"
	"github.com/shuangsuiji/ssj/plan"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/workday"
)

// The exit status of an input error depends on what the error says about
// the input, however deeply it is wrapped.
func TestInputStatus(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("draw commit: %w", err) }
	for _, c := range []struct {
		name string
		err  error
		want int
	}{
		{"missing file", &fs.PathError{Op: "open", Path: "x.csv", Err: fs.ErrNotExist}, exitUsage},
		{"registry: not CSV", registry.RowErrors{{File: "x", Row: 8, Err: registry.ErrBadFile}}, exitUsage},
		{"registry: a repeated ID", wrap(registry.RowErrors{{File: "x", Row: 9, Err: registry.ErrDuplicateID}}), exitProblem},
		{"registry: bad header", registry.RowErrors{{File: "x", Row: 1, Err: registry.ErrBadHeader}}, exitProblem},
		{"checklist: not CSV", checklist.RowErrors{{File: "x", Row: 1, Err: checklist.ErrBadFile}}, exitUsage},
		{"checklist: a repeated code", wrap(checklist.RowErrors{{File: "x", Row: 12, Err: checklist.ErrDuplicateCode}}), exitProblem},
		{"history: bad date", plan.RowErrors{{File: "h", Row: 2, Err: plan.ErrBadDate}}, exitProblem},
		{"plan: not JSON", fmt.Errorf("p.json: %w: %w", plan.ErrBadFile, fmt.Errorf("line 1: truncated JSON")), exitUsage},
		{"plan: a bad field", plan.FieldErrors{{File: "p.json", Path: "year", Value: "1900", Err: plan.ErrBadValue}}, exitProblem},
		{"an empty registry where rows are needed", wrap(noRows("t.csv", "the target registry holds no target")), exitProblem},
		{"a year without calendar data", wrap(workday.ErrNoData), exitProblem},
		{"a file a step reads, unreadable", unreadable{fmt.Errorf("book b.json: %w", fs.ErrNotExist)}, exitUsage},
	} {
		assert.Equal(t, c.want, inputStatus(c.err), c.name)
	}
}

// A task whose randomness source was available before its commit time was
// read, and a check found the problem: 1 from draw commit, as from draw run.
func TestDrawCommitSourceBeforeCommitIsAFinding(t *testing.T) {
	data := filepath.Join("..", "..", "examples", "data")
	raw, err := os.ReadFile(filepath.Join(data, "task.json"))
	require.NoError(t, err)
	late := strings.Replace(string(raw), `"commit_time": "2026-09-17T23:13:42+08:00"`, `"commit_time": "2030-01-01T00:00:00+08:00"`, 1)
	require.NotEqual(t, string(raw), late)
	task := filepath.Join(t.TempDir(), "late.json")
	require.NoError(t, os.WriteFile(task, []byte(late), 0o644))
	out := filepath.Join(t.TempDir(), "m.json")
	code, _, errOut := runCLI(t, "", "draw", "commit", "--task", task, "--targets", filepath.Join(data, "targets.csv"),
		"--inspectors", filepath.Join(data, "inspectors.csv"), "--out", out)
	assert.Equal(t, exitProblem, code)
	assert.Contains(t, errOut, "late.json")
	assert.Contains(t, errOut, "randomness source available before the commit time")
	assert.NoFileExists(t, out)
}
