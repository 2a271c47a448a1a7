package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ssj registry export --canonical writes a label-sorted file with the same
// commitment; ssj verify streams it and gives the same verdicts as from
// the original file, also for a tampered pool file.
func TestVerifyCanonicalExport(t *testing.T) {
	const data = "../../examples/data/"
	targets, inspectors := data+"targets.csv", data+"inspectors.csv"
	dir := t.TempDir()
	canon := filepath.Join(dir, "canonical.csv")
	code, _, errs := runCLI(t, "", "registry", "export", targets, "--canonical", "--out", canon)
	require.Equal(t, exitOK, code, errs)
	_, c1, _ := runCLI(t, "", "registry", "commit", targets)
	_, c2, _ := runCLI(t, "", "registry", "commit", canon)
	assert.Equal(t, strings.SplitN(c1, "\n", 2)[1], strings.SplitN(c2, "\n", 2)[1], "same root")
	b, err := os.ReadFile(canon)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	for i := 2; i < len(lines); i++ {
		require.Less(t, strings.SplitN(lines[i-1], ",", 2)[0], strings.SplitN(lines[i], ",", 2)[0], "row %d", i+1)
	}

	manifest, record := filepath.Join(dir, "manifest.json"), filepath.Join(dir, "record.json")
	code, out, errs := runCLI(t, "", "draw", "commit", "--targets", targets, "--inspectors", inspectors, "--task", data+"task.json", "--out", manifest)
	require.Equal(t, exitOK, code, out+errs)
	code, out, errs = runCLI(t, "", "draw", "run", "--manifest", manifest, "--randomness", data+"randomness.json", "--targets", targets, "--inspectors", inspectors, "--out", record)
	require.Equal(t, exitOK, code, out+errs)
	for _, f := range []string{targets, canon} {
		code, out, errs = runCLI(t, "", "verify", record, "--targets", f, "--inspectors", inspectors)
		assert.Equal(t, exitOK, code, out+errs)
		assert.True(t, strings.HasPrefix(out, "verified"), out)
	}
	// A changed credit class in scope (娱乐场所 R9011) breaks the commitment
	// either way, with the same message.
	tampered := filepath.Join(dir, "tampered.csv")
	for i := 1; i < len(lines); i++ {
		if strings.Contains(lines[i], ",R9011,") {
			cells := strings.Split(lines[i], ",")
			cells[5] = map[bool]string{true: "A", false: "B"}[cells[5] != "A"]
			lines[i] = strings.Join(cells, ",")
			break
		}
	}
	require.NoError(t, os.WriteFile(tampered, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	code, streamed, _ := runCLI(t, "", "verify", record, "--targets", tampered, "--inspectors", inspectors)
	assert.Equal(t, exitProblem, code)
	assert.Contains(t, streamed, "manifest.targets")
	// Out of order: the same verdict through the in-memory path.
	lines[1], lines[2] = lines[2], lines[1]
	require.NoError(t, os.WriteFile(tampered, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	code, inMemory, _ := runCLI(t, "", "verify", record, "--targets", tampered, "--inspectors", inspectors)
	assert.Equal(t, exitProblem, code)
	assert.Equal(t, streamed, inMemory)
}
