package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/examples"
	"github.com/shuangsuiji/ssj/registry"
)

// bundle writes what an agency publishes for the sample district's task:
// the record and the two registries.
func bundle(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	read := func(name string) []byte {
		b, err := examples.Data.ReadFile("data/" + name)
		require.NoError(t, err)
		return b
	}
	tt, err := registry.Decode(read("targets.csv"), registry.ImportOptions{Pool: registry.PoolTargets})
	require.NoError(t, err)
	it, err := registry.Decode(read("inspectors.csv"), registry.ImportOptions{Pool: registry.PoolInspectors})
	require.NoError(t, err)
	task, err := draw.DecodeTask(bytes.NewReader(read("task.json")))
	require.NoError(t, err)
	pools := &draw.InspectorPools{Home: it.Inspectors}
	m, err := draw.Commit(task, tt.Targets, pools)
	require.NoError(t, err)
	ev, err := draw.DecodeEvidence(bytes.NewReader(read("randomness.json")))
	require.NoError(t, err)
	rec, err := draw.Run(m, ev, tt.Targets, pools)
	require.NoError(t, err)
	doc, err := draw.MarshalRecord(&rec)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "record.json"), doc, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "targets.csv"), read("targets.csv"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "inspectors.csv"), read("inspectors.csv"), 0o644))
	return dir
}

func TestAuditorExample(t *testing.T) {
	dir := bundle(t)
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{dir}, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "verified: task 2026-ZA-03B, 49 targets selected of 313 in scope")

	// The first selected target swapped for another: the recomputation
	// differs.
	recPath := filepath.Join(dir, "record.json")
	doc, err := os.ReadFile(recPath)
	require.NoError(t, err)
	tampered := strings.Replace(string(doc), `"9144010613CNJRELXD"`, `"91440106MAMJ7XNP34"`, 1)
	require.NotEqual(t, string(doc), tampered)
	require.NoError(t, os.WriteFile(recPath, []byte(tampered), 0o644))
	out.Reset()
	assert.Equal(t, 1, run([]string{dir}, &out, &errOut))
	assert.Contains(t, out.String(), "NOT verified")

	errOut.Reset()
	assert.Equal(t, 2, run([]string{filepath.Join(dir, "nope")}, &out, &errOut))
	assert.Contains(t, errOut.String(), "nope")
	assert.Equal(t, 2, run(nil, &out, &errOut))
}
