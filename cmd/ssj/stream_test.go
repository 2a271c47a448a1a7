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

// ssj verify gives the same exit status and output for a canonical-order
// target file (read in one pass) as for the original file (read into a
// compact pool), with --anchor and --keyring too (issue 13 with the
// ssj-v1.1 verdicts of issue 14).
func TestVerifyCanonicalExportOptions(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI(t, "", "demo", "--out", dir)
	require.Equal(t, exitOK, code, "demo: %s\n%s", out, errs)
	recPath := filepath.Join(dir, "record.json")
	data, err := os.ReadFile(recPath)
	require.NoError(t, err)
	rec, err := draw.DecodeRecord(bytes.NewReader(data))
	require.NoError(t, err)
	anc, err := draw.AnchorOf(&rec)
	require.NoError(t, err)
	targets := filepath.Join(dir, "targets.csv")
	canon := filepath.Join(dir, "canonical.csv")
	code, _, errs = runCLI(t, "", "registry", "export", targets, "--canonical", "--out", canon)
	require.Equal(t, exitOK, code, errs)

	byEdited := strings.Replace(string(data), `"by": "`+rec.Lock.By+`"`, `"by": "别人"`, 1)
	require.NotEqual(t, string(data), byEdited)
	edited := filepath.Join(dir, "by.json")
	require.NoError(t, os.WriteFile(edited, []byte(byEdited), 0o644))
	ring := filepath.Join(dir, "ring.json")
	require.NoError(t, os.WriteFile(ring, []byte(`{"keys":[]}`), 0o644))
	for _, tc := range []struct {
		name  string
		path  string
		extra []string
		code  int
	}{
		{"anchor", recPath, []string{"--anchor", anc.Hash}, exitOK},
		{"another anchor", recPath, []string{"--anchor", anc.LockHash}, exitProblem},
		{"lock.by edited", edited, nil, exitProblem},
		{"unsigned lock, keyring given", recPath, []string{"--keyring", ring}, exitProblem},
		{"json", recPath, []string{"--json", "--anchor", anc.Hash}, exitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var outs []string
			for _, f := range []string{targets, canon} {
				args := append([]string{"verify", tc.path, "--targets", f, "--inspectors", filepath.Join(dir, "inspectors.csv")}, tc.extra...)
				code, out, errs := runCLI(t, "", args...)
				assert.Equal(t, tc.code, code, "%s\n%s", out, errs)
				outs = append(outs, strings.ReplaceAll(out, f, "TARGETS"))
			}
			assert.Equal(t, outs[0], outs[1])
		})
	}
}
