package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/office"
)

// The pre-submit check: ssj demo --store F && ssj audit --store F.
func TestDemoStoreThenAudit(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	code, out, stderr := runCLI(t, "", "demo", "--store", db)
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
	assert.Contains(t, out, "store: "+db)
	code, out, stderr = runCLI(t, "", "audit", "--store", db)
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
	assert.Contains(t, out, "verified")
	code, out, _ = runCLI(t, "", "audit", "--store", "sqlite:"+db, "--json")
	require.Equal(t, exitOK, code)
	var rep office.AuditReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.True(t, rep.OK)
	assert.Equal(t, 1, rep.Records)

	// The demo refuses to overwrite a store; audit of a missing store is exit 2.
	code, _, _ = runCLI(t, "", "demo", "--store", db)
	assert.Equal(t, exitUsage, code)
	code, _, _ = runCLI(t, "", "audit", "--store", filepath.Join(t.TempDir(), "none.db"))
	assert.Equal(t, exitUsage, code)

	// The trail of the store.
	code, out, _ = runCLI(t, "", "trail", "show", "--store", db)
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "targets.locked")
	code, out, _ = runCLI(t, "", "trail", "show", "--store", db, "--json")
	require.Equal(t, exitOK, code)
	var evs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &evs))
	assert.Equal(t, float64(rep.Events), float64(len(evs)))
}

// The store-backed draw flow, step by step, then the public bundle checked
// without the store, and a tampered bundle refused. Rules R15, R16, R29.
func TestTaskFlowThroughTheStore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ssj.db")
	t.Setenv("SSJ_STORE", db)
	run := func(want int, args ...string) string {
		t.Helper()
		code, out, stderr := runCLI(t, "", args...)
		require.Equal(t, want, code, "ssj %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), out, stderr)
		return out + stderr
	}
	run(exitOK, "registry", "import", "../../examples/data/targets.csv", "--as", "陈*", "--at", "2026-09-01T08:30:00+08:00", "--in-force", "2026-09-01T00:00:00+08:00")
	run(exitOK, "registry", "import", "../../examples/data/inspectors.csv", "--as", "陈*", "--at", "2026-09-01T08:31:00+08:00", "--in-force", "2026-09-01T00:00:00+08:00")
	run(exitOK, "task", "launch", "../../examples/data/task.json", "--as", "李*", "--at", "2026-09-17T22:00:00+08:00")
	out := run(exitProblem, "task", "commit", "2026-ZA-03B", "--as", "李*", "--at", "2026-09-17T21:00:00+08:00")
	assert.Contains(t, out, "before the trail's last event", "a backdated step is refused (R31)")
	out = run(exitOK, "task", "commit", "2026-ZA-03B", "--as", "李*", "--at", "2026-09-17T23:13:42+08:00")
	assert.Contains(t, out, "manifest_hash")
	run(exitOK, "task", "draw", "2026-ZA-03B", "--randomness", "../../examples/data/randomness.json", "--as", "李*", "--at", "2026-09-18T09:00:00+08:00")
	out = run(exitProblem, "task", "dispatch", "2026-ZA-03B", "--to-unit", "治安大队", "--issuer", "天河分局", "--from", "2026-09-18", "--until", "2026-11-30", "--as", "李*", "--at", "2026-09-18T09:10:00+08:00")
	assert.Contains(t, out, "not locked")
	run(exitOK, "task", "lock", "2026-ZA-03B", "--as", "王*", "--at", "2026-09-18T09:30:00+08:00")
	run(exitOK, "task", "dispatch", "2026-ZA-03B", "--to-unit", "治安大队", "--issuer", "天河分局", "--from", "2026-09-18", "--until", "2026-11-30", "--as", "李*", "--at", "2026-09-18T10:00:00+08:00")
	out = run(exitOK, "task", "show", "2026-ZA-03B", "--json")
	var v taskView
	require.NoError(t, json.Unmarshal([]byte(out), &v))
	require.NotNil(t, v.Record)
	assert.Len(t, v.Record.Selected, 49)
	assert.True(t, v.Dispatched)

	// An inspector replacement (R18).
	g := v.Record.Groups[0]
	req := map[string]any{"target": g.Target, "inspector": g.Seats[1].Cert, "reason": "recusal", "approver": "周*", "at": "2026-09-18T10:30:00+08:00"}
	reqFile := filepath.Join(dir, "req.json")
	b, _ := json.Marshal(req)
	require.NoError(t, os.WriteFile(reqFile, b, 0o644))
	run(exitOK, "task", "replace", "2026-ZA-03B", "--request", reqFile, "--as", "李*", "--at", "2026-09-18T10:30:00+08:00")
	run(exitOK, "audit")

	bundle := filepath.Join(dir, "bundle")
	run(exitOK, "task", "export", "2026-ZA-03B", "--out", bundle)
	require.NoError(t, os.Remove(db))
	out = run(exitOK, "verify", bundle)
	assert.Contains(t, out, "verified")

	// A bundle whose trail was edited is refused.
	tr := filepath.Join(bundle, "trail.jsonl")
	data, err := os.ReadFile(tr)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(tr, []byte(strings.Replace(string(data), "李*", "张*", 1)), 0o644))
	out = run(exitProblem, "verify", bundle)
	assert.Contains(t, out, "trail.jsonl")
}
