package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/adapters/beacon/beacontest"
)

// beaconRelay is the local drand relay of the hostile fixtures; it serves
// until the test binary exits.
var beaconRelay *beacontest.Relay

// beaconFixture builds the beacon-drand plugin into dir, starts a relay of
// the bundled real beacons and writes a plugin config naming the plugin
// "drand" with -url of the relay; it returns the config's path.
func beaconFixture(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "ssj-beacon-drand")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/shuangsuiji/ssj/adapters/plugins/beacon-drand").CombinedOutput()
	require.NoError(t, err, "%s", out)
	b, err := os.ReadFile(bin)
	require.NoError(t, err)
	sum := sha256.Sum256(b)
	beaconRelay, err = beacontest.Start()
	require.NoError(t, err)
	cfg, err := json.MarshalIndent(map[string]any{"plugins": []map[string]any{{
		"name": "drand", "kind": "beacon", "command": bin, "sha256": hex.EncodeToString(sum[:]),
		"args": []string{"-url", beaconRelay.URL, "-timeout", "20s"},
	}}}, "", "  ")
	require.NoError(t, err)
	return writeHostile(t, dir, "beacon-plugins.json", append(cfg, '\n'))
}

// ssj task draw --beacon takes the drand evidence from the beacon plugin:
// the same record as with the evidence file; a relay that serves a forged
// beacon makes the draw step refuse it, and nothing is drawn.
func TestTaskDrawBeacon(t *testing.T) {
	fx := hostileFixtures(t)
	at := "2026-09-18T09:00:00+08:00"
	show := func(store string) taskView {
		code, stdout, stderr := runCLI(t, "", "task", "show", "2026-ZA-03B", "--json", "--store", store)
		require.Equal(t, exitOK, code, stderr)
		var v taskView
		require.NoError(t, json.Unmarshal([]byte(stdout), &v))
		return v
	}
	byFile := fx.store(t, "drawn", filepath.Join(t.TempDir(), "x"))
	want := show(byFile)
	require.NotNil(t, want.Record)

	dir := t.TempDir()
	st := fx.store(t, "committed", filepath.Join(dir, "x"))
	code, stdout, stderr := runCLI(t, "", "task", "draw", "2026-ZA-03B", "--beacon", "drand", "--plugins", fx.beaconPlugins, "--store", st, "--as", "李*", "--at", at)
	require.Equal(t, exitOK, code, "%s\n%s", stdout, stderr)
	assert.Contains(t, stdout, "task 2026-ZA-03B drawn: R "+want.Record.R)
	got := show(st)
	require.NotNil(t, got.Record)
	assert.Equal(t, want.Record.R, got.Record.R)
	assert.Equal(t, want.Record.Selected, got.Record.Selected)

	// Both: the file's drand entry must be the beacon's.
	st = fx.store(t, "committed", filepath.Join(t.TempDir(), "x"))
	code, _, stderr = runCLI(t, "", "task", "draw", "2026-ZA-03B", "--beacon", "drand", "--plugins", fx.beaconPlugins, "--randomness", fx.randomness, "--store", st, "--as", "李*", "--at", at)
	require.Equal(t, exitOK, code, stderr)

	// Neither: usage.
	code, _, stderr = runCLI(t, "", "task", "draw", "2026-ZA-03B", "--store", st, "--as", "李*", "--at", at)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--randomness FILE, --beacon NAME, or both")

	// No plugin config.
	t.Setenv("SSJ_PLUGINS", "")
	st = fx.store(t, "committed", filepath.Join(t.TempDir(), "x"))
	code, _, stderr = runCLI(t, "", "task", "draw", "2026-ZA-03B", "--beacon", "drand", "--store", st, "--as", "李*", "--at", at)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "needs a plugin config file")

	// The relay serves round 32285086 with round 1000's signature (and a
	// matching randomness): refused, naming the round and the field.
	real := beaconRelay.Beacons[32285086]
	forged := beaconRelay.Beacons[1000]
	forged.Round = real.Round
	beaconRelay.Override(32285086, beacontest.JSON(forged))
	defer beaconRelay.Override(32285086, nil)
	code, _, stderr = runCLI(t, "", "task", "draw", "2026-ZA-03B", "--beacon", "drand", "--plugins", fx.beaconPlugins, "--store", st, "--as", "李*", "--at", at)
	assert.Equal(t, exitProblem, code, stderr)
	assert.Contains(t, stderr, "drand quicknet round 32285086: field signature: refused")
	assert.Nil(t, show(st).Record, "nothing was drawn")

	// The relay is down (HTTP 500): 2, nothing drawn.
	beaconRelay.Override(32285086, beacontest.Body(500, "maintenance"))
	code, _, stderr = runCLI(t, "", "task", "draw", "2026-ZA-03B", "--beacon", "drand", "--plugins", fx.beaconPlugins, "--store", st, "--as", "李*", "--at", at)
	assert.Equal(t, exitUsage, code, stderr)
	assert.Contains(t, stderr, "HTTP 500")
	assert.Nil(t, show(st).Record)
}

// ssj demo --beacon: the draw's evidence comes from the beacon plugin;
// the demo's draw is the same, and the audit passes.
func TestDemoBeacon(t *testing.T) {
	fx := hostileFixtures(t)
	code, stdout, stderr := runCLI(t, "", "demo", "--beacon", "drand", "--plugins", fx.beaconPlugins, "--store", filepath.Join(t.TempDir(), "demo.db"))
	require.Equal(t, exitOK, code, "%s\n%s", stdout, stderr)
	assert.Contains(t, stdout, "the beacon's value was fetched from the beacon plugin drand")
	assert.Contains(t, stdout, "9. audit of the whole store: verified")

	// The same draw as with the bundled evidence file.
	var plain, viaBeacon demoSummary
	code, stdout, stderr = runCLI(t, "", "demo", "--json", "--store", filepath.Join(t.TempDir(), "demo.db"))
	require.Equal(t, exitOK, code, stderr)
	require.NoError(t, json.Unmarshal([]byte(stdout), &plain))
	code, stdout, stderr = runCLI(t, "", "demo", "--json", "--beacon", "drand", "--plugins", fx.beaconPlugins, "--store", filepath.Join(t.TempDir(), "demo.db"))
	require.Equal(t, exitOK, code, stderr)
	require.NoError(t, json.Unmarshal([]byte(stdout), &viaBeacon))
	require.NotEmpty(t, plain.R)
	assert.Equal(t, plain.R, viaBeacon.R)
	assert.Equal(t, plain.RecordHash, viaBeacon.RecordHash)

	code, _, stderr = runCLI(t, "", "demo", "--beacon", "nope", "--plugins", fx.beaconPlugins, "--store", filepath.Join(t.TempDir(), "demo.db"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `no plugin named "nope"`)
}
