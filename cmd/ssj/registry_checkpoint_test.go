package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/checkpoint"
	"github.com/shuangsuiji/ssj/internal/golden"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
)

const regOrigin = "xihu.amr.gov.cn/ssj/registry/targets/2026-09-01"

// regKeys writes a fixed Ed25519 agency key (so the golden note is stable:
// Ed25519 signatures are deterministic), an SM2 co-signing key and their
// verifier keys under the key name xihu.amr.gov.cn/ssj.
func regKeys(t *testing.T, dir string) (edKey, edVkey, smKey, smVkey string) {
	t.Helper()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o600))
		return p
	}
	ed, edPEM, _, err := suite.GenerateKey(suite.Ed25519, bytes.NewReader(bytes.Repeat([]byte{16}, 64)))
	require.NoError(t, err)
	sm, smPEM, _, err := suite.GenerateKey(suite.SM2, bytes.NewReader(bytes.Repeat([]byte{17}, 256)))
	require.NoError(t, err)
	ev, err := checkpoint.VerifierKey("xihu.amr.gov.cn/ssj", ed.Algorithm(), ed.Public())
	require.NoError(t, err)
	sv, err := checkpoint.VerifierKey("xihu.amr.gov.cn/ssj", sm.Algorithm(), sm.Public())
	require.NoError(t, err)
	return write("agency.key.pem", edPEM), write("agency.vkey", []byte(ev+"\n")), write("sm.key.pem", smPEM), write("sm.vkey", []byte(sv+"\n"))
}

// Issue 16: a registry snapshot's commitment gets a signed C2SP checkpoint
// (rule R6: the snapshot a draw used can be held to what was published):
// the note is the golden file, it verifies against the file it was made
// from and against the store's snapshot of the same file, and a registry
// with one unit changed, another key, or another origin does not verify.
func TestRegistryCheckpointCLI(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	edKey, edVkey, smKey, smVkey := regKeys(t, dir)
	targets := "../../examples/data/targets.csv"

	note := cli(t, exitOK, "registry", "checkpoint", targets, "--origin", regOrigin, "--name", "xihu.amr.gov.cn/ssj", "--key", edKey)
	golden.Check(t, "registry-checkpoint.note", []byte(note))
	require.NoError(t, os.WriteFile(p("t.note"), []byte(note), 0o644))
	// The note's body is the file's commitment.
	commit := cli(t, exitOK, "registry", "commit", targets, "--json")
	var c registry.Commitment
	require.NoError(t, json.Unmarshal([]byte(commit), &c))
	body, err := checkpoint.FromCommitment(regOrigin, c.Count, c.Root)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(note, string(body.Body())+"\n— xihu.amr.gov.cn/ssj "), note)

	out := cli(t, exitOK, "registry", "verify-checkpoint", p("t.note"), targets, "--vkey", edVkey, "--origin", regOrigin)
	assert.Contains(t, out, "verified against the signed checkpoint "+regOrigin)

	// One unit's credit class changed: another commitment.
	raw, err := os.ReadFile(targets)
	require.NoError(t, err)
	lines := strings.SplitN(string(raw), "\n", 3)
	changed := lines[0] + "\n" + swapClass(t, lines[1]) + "\n" + lines[2]
	require.NoError(t, os.WriteFile(p("changed.csv"), []byte(changed), 0o644))
	out = cli(t, exitProblem, "registry", "verify-checkpoint", p("t.note"), p("changed.csv"), "--vkey", edVkey)
	assert.Contains(t, out, "root")
	// Another signer's key, another origin, an edited note.
	out = cli(t, exitProblem, "registry", "verify-checkpoint", p("t.note"), targets, "--vkey", smVkey)
	assert.Contains(t, out, "NOT verified")
	cli(t, exitProblem, "registry", "verify-checkpoint", p("t.note"), targets, "--vkey", edVkey, "--origin", regOrigin+"x")
	require.NoError(t, os.WriteFile(p("edited.note"), []byte(strings.Replace(note, "\n3000\n", "\n2999\n", 1)), 0o644))
	cli(t, exitProblem, "registry", "verify-checkpoint", p("edited.note"), targets, "--vkey", edVkey)

	// The store's snapshot of the same file has the same commitment, so the
	// same note; with the SM2 co-signature both keys must have signed.
	db := p("ssj.db")
	cli(t, exitOK, "registry", "import", targets, "--store", db, "--as", "陈*", "--at", "2026-09-01T08:30:00+08:00", "--in-force", "2026-09-01T00:00:00+08:00")
	snaps := []struct{ ID string }{{"targets-2026-09-01"}} // as the import names it
	snote := cli(t, exitOK, "registry", "checkpoint", "--snapshot", snaps[0].ID, "--store", db, "--origin", regOrigin, "--name", "xihu.amr.gov.cn/ssj", "--key", edKey)
	assert.Equal(t, note, snote)
	co := cli(t, exitOK, "registry", "checkpoint", "--snapshot", snaps[0].ID, "--store", db, "--origin", regOrigin, "--name", "xihu.amr.gov.cn/ssj", "--key", edKey, "--cosign-key", smKey)
	require.NoError(t, os.WriteFile(p("co.note"), []byte(co), 0o644))
	out = cli(t, exitOK, "registry", "verify-checkpoint", p("co.note"), "--snapshot", snaps[0].ID, "--store", db, "--vkey", edVkey, "--vkey", smVkey, "--json")
	assert.Contains(t, out, `"verified": true`)
	cli(t, exitOK, "registry", "verify-checkpoint", p("co.note"), targets, "--vkey", smVkey)

	// Usage: FILE and --snapshot together, neither, a missing snapshot.
	cli(t, exitUsage, "registry", "checkpoint", targets, "--snapshot", snaps[0].ID, "--store", db, "--origin", regOrigin, "--key", edKey)
	cli(t, exitUsage, "registry", "checkpoint", "--origin", regOrigin, "--key", edKey)
	cli(t, exitProblem, "registry", "checkpoint", "--snapshot", "nope", "--store", db, "--origin", regOrigin, "--key", edKey)
}

// A rotated key does not sign a checkpoint of a snapshot imported after
// its not_after.
func TestRegistryCheckpointKeyring(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	cli(t, exitOK, "keygen", "--holder", "西湖区市场监管局", "--role", "agency", "--not-after", "2026-06-30T23:59:59+08:00", "--out", p("old"))
	cli(t, exitOK, "keygen", "--holder", "西湖区市场监管局", "--role", "agency", "--not-before", "2026-07-01T00:00:00+08:00", "--out", p("new"))
	targets := "../../examples/data/targets.csv"
	args := func(key, ring string, extra ...string) []string {
		return append([]string{"registry", "checkpoint", targets, "--origin", regOrigin, "--key", p(key), "--keyring", p(ring)}, extra...)
	}
	cli(t, exitOK, args("new.key.pem", "new.keyring.json", "--at", "2026-09-01T08:30:00+08:00")...)
	out := cli(t, exitProblem, args("old.key.pem", "old.keyring.json", "--at", "2026-09-01T08:30:00+08:00")...)
	assert.Contains(t, out, "rotated")
	cli(t, exitOK, args("old.key.pem", "old.keyring.json", "--at", "2026-06-01T08:30:00+08:00")...)
	cli(t, exitUsage, args("new.key.pem", "new.keyring.json")...) // a FILE has no time of its own
}

// swapClass changes the credit class of one CSV row (A↔B).
func swapClass(t *testing.T, row string) string {
	t.Helper()
	for _, pair := range [][2]string{{",A,", ",B,"}, {",B,", ",A,"}, {",C,", ",D,"}, {",D,", ",C,"}} {
		if strings.Contains(row, pair[0]) {
			return strings.Replace(row, pair[0], pair[1], 1)
		}
	}
	t.Fatalf("no credit class in row %q", row)
	return ""
}
