package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/adapters/publishers/httppub/httppubtest"
	"github.com/shuangsuiji/ssj/office"
)

const pushAt = "2026-10-22T09:00:00+08:00"

// TestPublishPush: ssj publish push with the built-in file publisher: the
// dry run lists the outbox, the push delivers it (the announcement,
// results, the correction, their credit entries, R30), a second push
// sends nothing, and ssj audit checks the receipts; refused pushes send
// nothing; then the HTTP publisher plugin to a flaky platform.
func TestPublishPush(t *testing.T) {
	dir := cycleDir(t)
	db := filepath.Join(dir, "ssj.db")
	out := filepath.Join(dir, "gsxt")
	code, stdout, stderr := runCLI(t, "", "publish", "push", "--store", db, "--publisher", "files", "--dry-run", "--json")
	require.Equal(t, exitOK, code, stderr)
	var items []struct{ Key, Kind, Subject string }
	require.NoError(t, json.Unmarshal([]byte(stdout), &items))
	kinds := map[string]int{}
	for _, it := range items {
		kinds[it.Kind]++
	}
	assert.Equal(t, map[string]int{"announcement": 1, "result_version": 2, "correction": 1, "credit_entry": 3}, kinds)

	code, stdout, stderr = runCLI(t, "", "publish", "push", "--store", db, "--publisher", "files", "--to", out,
		"--as", "推送任务", "--at", pushAt, "--public-base", "https://example.gov.cn/r", "--json")
	require.Equal(t, exitOK, code, stderr)
	var rep office.DeliveryReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, len(items), rep.Sent)
	assert.Zero(t, rep.Pending)
	credit, err := os.ReadDir(filepath.Join(out, "credit"))
	require.NoError(t, err)
	assert.Len(t, credit, 6, "three credit entries, CSV and XLSX each")

	code, stdout, _ = runCLI(t, "", "publish", "push", "--store", db, "--publisher", "files", "--to", out, "--as", "推送任务", "--at", pushAt)
	require.Equal(t, exitOK, code)
	assert.Contains(t, stdout, `pushed to "files": 0 delivered (0 already on the platform), 0 pending`)
	code, stdout, stderr = runCLI(t, "", "audit", "--store", db, "--json")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, `"receipts": 7`)
	code, stdout, _ = runCLI(t, "", "audit", "--store", db)
	require.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "3 published versions, 7 platform receipts")
	code, stdout, _ = runCLI(t, "", "trail", "show", "--store", db)
	require.Equal(t, exitOK, code)
	assert.Equal(t, 7, strings.Count(stdout, "publication.delivered"))

	pushUsage(t, dir, db)
	if testing.Short() {
		t.Skip("the HTTP publisher plugin: builds a plugin binary")
	}
	pushHTTPPlugin(t, dir, db)
}

// pushUsage: refused pushes send nothing.
func pushUsage(t *testing.T, dir, db string) {
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--store", db}, exitUsage, "--publisher NAME is required"},
		{[]string{"--store", db, "--publisher", "files"}, exitUsage, "needs --to DIR"},
		{[]string{"--store", db, "--publisher", "gsxt", "--as", "x", "--at", pushAt}, exitUsage, "needs a plugin config file"},
		{[]string{"--store", db, "--publisher", "files", "--to", dir, "--as", "x", "--at", "2026-10-01T09:00:00+08:00"}, exitProblem, "before the trail's last event"},
		{[]string{"--store", db, "--publisher", "files", "--limit", "-1"}, exitUsage, "--limit -1"},
	} {
		code, _, stderr := runCLI(t, "", append([]string{"publish", "push"}, c.args...)...)
		assert.Equal(t, c.code, code, "%v: %s", c.args, stderr)
		assert.Contains(t, stderr, c.msg, c.args)
	}
	// Nothing was sent by a refused step.
	receipts, err := os.ReadDir(filepath.Join(dir, "receipts"))
	require.NoError(t, err)
	assert.Empty(t, receipts, "nothing published by a refused push")
}

// pushHTTPPlugin: the HTTP publisher plugin named in the plugin
// config, against a platform failing at random: push exits 1 while
// something is left (and says to run it again), and run again until it
// exits 0, every publication has arrived exactly once.
func pushHTTPPlugin(t *testing.T, dir, db string) {
	bin := filepath.Join(dir, "ssj-publisher-http")
	b, err := exec.Command("go", "build", "-o", bin, "github.com/shuangsuiji/ssj/adapters/plugins/publisher-http").CombinedOutput()
	require.NoError(t, err, "%s", b)
	raw, err := os.ReadFile(bin)
	require.NoError(t, err)
	sum := sha256.Sum256(raw)
	plat := httppubtest.New(3, 0.5, 2*time.Second)
	defer plat.Close()
	cfg, err := json.Marshal(map[string]any{"plugins": []map[string]any{{
		"name": "platform", "kind": "publisher", "command": bin, "sha256": hex.EncodeToString(sum[:]),
		"args": []string{"-endpoint", plat.URL, "-timeout", "200ms", "-attempts", "2", "-base-delay", "1ms", "-max-delay", "5ms"},
	}}})
	require.NoError(t, err)
	cfgPath := filepath.Join(dir, "plugins.json")
	require.NoError(t, os.WriteFile(cfgPath, cfg, 0o644))

	failed := 0
	for round := 0; ; round++ {
		require.Less(t, round, 60, "push does not converge")
		code, stdout, stderr := runCLI(t, "", "publish", "push", "--store", db, "--publisher", "platform", "--plugins", cfgPath,
			"--as", "推送任务", "--at", pushAt)
		if code == exitOK {
			assert.Contains(t, stdout, "0 pending")
			break
		}
		require.Equal(t, exitProblem, code, "%s\n%s", stdout, stderr)
		assert.Contains(t, stderr, "run it again")
		failed++
	}
	assert.Positive(t, failed, "the platform failed some runs")
	got := plat.Published()
	assert.Len(t, got, 7)
	for k, e := range got {
		assert.Equal(t, 1, e.Published, k)
	}
	code, stdout, stderr := runCLI(t, "", "audit", "--store", db, "--json")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, `"receipts": 14`, "seven receipts per publisher")
}
