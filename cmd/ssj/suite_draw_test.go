package main

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/internal/canon"
)

// ssj draw commit and run take the crypto suite from the task: a task
// declaring ssj-v1-sm gives a manifest with "suite": "ssj-v1-sm" whose
// hash is SM3 of its canonical form, a record that verifies (whole file
// and streamed canonical file), and one that no longer verifies once the
// member is removed. An unknown suite is refused naming the member and
// the value.
func TestDrawCommitRunVerifyNationalSuite(t *testing.T) {
	dir, targets, task, rnd := drawTestFiles(t)
	data, err := os.ReadFile(task)
	require.NoError(t, err)
	smTask := filepath.Join(dir, "task-sm.json")
	writeFile(t, smTask, strings.Replace(string(data), `"id": "T-CLI",`, `"id": "T-CLI", "suite": "ssj-v1-sm",`, 1))

	manifest := filepath.Join(dir, "manifest-sm.json")
	code, out, errs := runCLI(t, "", "draw", "commit", "--targets", targets, "--task", smTask, "--out", manifest)
	require.Equal(t, exitOK, code, "%s\n%s", out, errs)
	mb, err := os.ReadFile(manifest)
	require.NoError(t, err)
	require.Contains(t, string(mb), `"suite": "ssj-v1-sm"`)
	m, err := draw.DecodeManifest(bytes.NewReader(mb))
	require.NoError(t, err)
	c, err := canon.Marshal(&m)
	require.NoError(t, err)
	h := sm3.Sum(c)
	assert.Contains(t, out, "manifest_hash "+hex.EncodeToString(h[:]))

	v1 := filepath.Join(dir, "manifest-v1.json")
	code, _, errs = runCLI(t, "", "draw", "commit", "--targets", targets, "--task", task, "--out", v1)
	require.Equal(t, exitOK, code, errs)
	v1b, err := os.ReadFile(v1)
	require.NoError(t, err)
	require.NotContains(t, string(v1b), `"suite"`, "an ssj-v1 manifest has no suite member")

	record := filepath.Join(dir, "record-sm.json")
	code, out, errs = runCLI(t, "", "draw", "run", "--manifest", manifest, "--randomness", rnd, "--targets", targets, "--out", record)
	require.Equal(t, exitOK, code, "%s\n%s", out, errs)
	code, out, errs = runCLI(t, "", "verify", record, "--targets", targets)
	require.Equal(t, exitOK, code, "%s\n%s", out, errs)
	require.True(t, strings.HasPrefix(out, "verified\n"), out)

	canonical := filepath.Join(dir, "canonical.csv")
	code, out, errs = runCLI(t, "", "registry", "export", "--canonical", "--out", canonical, targets)
	require.Equal(t, exitOK, code, "export: %s\n%s", out, errs)
	code, out, errs = runCLI(t, "", "verify", record, "--targets", canonical)
	require.Equal(t, exitOK, code, "streamed: %s\n%s", out, errs)

	rb, err := os.ReadFile(record)
	require.NoError(t, err)
	asV1 := filepath.Join(dir, "record-as-v1.json")
	writeFile(t, asV1, strings.Replace(string(rb), "\n    \"suite\": \"ssj-v1-sm\",", "", 1))
	code, out, _ = runCLI(t, "", "verify", asV1, "--targets", targets)
	require.Equal(t, exitProblem, code, out)
	assert.Contains(t, out, "manifest_hash")

	bad := filepath.Join(dir, "task-bad.json")
	writeFile(t, bad, strings.Replace(string(data), `"id": "T-CLI",`, `"id": "T-CLI", "suite": "ssj-v9",`, 1))
	code, out, errs = runCLI(t, "", "draw", "commit", "--targets", targets, "--task", bad)
	require.NotEqual(t, exitOK, code)
	assert.Contains(t, out+errs, `suite "ssj-v9"`)
}

// ssj demo --suite sm runs the whole flow under ssj-v1-sm, audits it and
// exports a bundle that ssj verify DIR checks; an unknown --suite is bad
// usage.
func TestDemoNationalSuite(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "bundle")
	code, stdout, errs := runCLI(t, "", "demo", "--suite", "sm", "--out", out, "--store", filepath.Join(dir, "sm.db"))
	require.Equal(t, exitOK, code, "%s\n%s", stdout, errs)
	assert.Contains(t, stdout, "audit of the whole store: verified")
	rb, err := os.ReadFile(filepath.Join(out, "record.json"))
	require.NoError(t, err)
	assert.Contains(t, string(rb), `"suite": "ssj-v1-sm"`)
	assert.Contains(t, string(rb), `"algorithm": "sm2"`, "the lock is signed with SM2")
	tb, err := os.ReadFile(filepath.Join(out, "trail.jsonl"))
	require.NoError(t, err)
	assert.Contains(t, strings.SplitN(string(tb), "\n", 2)[0], `"suite":"ssj-v1-sm"`)
	code, stdout, errs = runCLI(t, "", "verify", out)
	require.Equal(t, exitOK, code, "%s\n%s", stdout, errs)
	code, stdout, errs = runCLI(t, "", "audit", "--store", filepath.Join(dir, "sm.db"))
	require.Equal(t, exitOK, code, "%s\n%s", stdout, errs)

	code, _, errs = runCLI(t, "", "demo", "--suite", "des")
	require.Equal(t, exitUsage, code)
	assert.Contains(t, errs, `--suite "des"`)
}
