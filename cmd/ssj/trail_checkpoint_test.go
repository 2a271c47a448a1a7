package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/suite"
	"github.com/shuangsuiji/ssj/trail"
)

const cpOrigin = "xihu.amr.gov.cn/ssj/trail"

// writeTrail writes a trail of n events under suite s (actor of event 2
// replaced when forged) and returns its path.
func writeTrail(t *testing.T, path string, s suite.Suite, n int, forged bool) {
	t.Helper()
	l, err := trail.NewWithSuite(4, s)
	require.NoError(t, err)
	t0 := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	for i := range n {
		actor := "执法人员 王*"
		if forged && i == 2 {
			actor = "执法人员 李*"
		}
		_, _, err := l.Append(trail.Entry{Kind: trail.ResultEntered, Actor: actor, Time: t0.Add(time.Duration(i) * time.Hour), Subject: "R-1"})
		require.NoError(t, err)
	}
	require.NoError(t, os.WriteFile(path, l.MarshalJSONL(), 0o644))
}

func cli(t *testing.T, want int, args ...string) string {
	t.Helper()
	code, out, errOut := runCLI(t, "", args...)
	require.Equal(t, want, code, "ssj %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), out, errOut)
	return out + errOut
}

// The whole checkpoint flow on the command line, for both suites: keygen,
// a signed checkpoint, verify against it, grow, a second checkpoint, a
// proof, consistency by proof file and by trail; then the rewritten
// history that recomputes every hash is caught by the older checkpoint.
func TestTrailCheckpointCLI(t *testing.T) {
	for _, s := range []suite.Suite{suite.SSJv1, suite.SSJv1SM} {
		t.Run(string(s.ID()), func(t *testing.T) {
			dir := t.TempDir()
			p := func(n string) string { return filepath.Join(dir, n) }
			cli(t, exitOK, "keygen", "--alg", "ed25519", "--name", cpOrigin, "--holder", "西湖区市场监管局", "--role", "agency", "--out", p("ed"))
			cli(t, exitOK, "keygen", "--alg", "sm2", "--name", cpOrigin, "--holder", "西湖区市场监管局", "--role", "agency", "--out", p("sm"))
			sign := []string{"--origin", cpOrigin, "--key", p("ed.key.pem")}
			vk := []string{"--vkey", p("ed.vkey")}
			if s.ID() == suite.V1SM {
				sign = append(sign, "--cosign-key", p("sm.key.pem"))
				vk = append(vk, "--vkey", p("sm.vkey"))
			}

			writeTrail(t, p("t.jsonl"), s, 6, false)
			note6 := cli(t, exitOK, append([]string{"trail", "checkpoint", p("t.jsonl")}, sign...)...)
			assert.True(t, strings.HasPrefix(note6, cpOrigin+"\n6\n"), note6)
			require.NoError(t, os.WriteFile(p("6.note"), []byte(note6), 0o644))
			out := cli(t, exitOK, append([]string{"trail", "verify", p("t.jsonl"), "--checkpoint", p("6.note")}, vk...)...)
			assert.Contains(t, out, "verified: 6 events")

			writeTrail(t, p("t.jsonl"), s, 11, false)
			require.NoError(t, os.WriteFile(p("11.note"), []byte(cli(t, exitOK, append([]string{"trail", "checkpoint", p("t.jsonl")}, sign...)...)), 0o644))
			require.NoError(t, os.WriteFile(p("6-11.proof"), []byte(cli(t, exitOK, "trail", "proof", p("t.jsonl"), "--old", "6")), 0o644))
			out = cli(t, exitOK, append([]string{"trail", "consistency", p("6.note"), p("11.note"), "--proof", p("6-11.proof")}, vk...)...)
			assert.Contains(t, out, "consistent: size 11 extends size 6")
			cli(t, exitOK, append([]string{"trail", "consistency", p("6.note"), p("11.note"), "--trail", p("t.jsonl")}, vk...)...)
			cli(t, exitOK, append([]string{"trail", "verify", p("t.jsonl"), "--checkpoint", p("6.note"), "--checkpoint", p("11.note")}, vk...)...)

			// Rewritten history, every hash recomputed: verifies alone, not against the old checkpoint.
			writeTrail(t, p("forged.jsonl"), s, 11, true)
			cli(t, exitOK, "trail", "verify", p("forged.jsonl"))
			out = cli(t, exitProblem, append([]string{"trail", "verify", p("forged.jsonl"), "--checkpoint", p("6.note")}, vk...)...)
			assert.Contains(t, out, "anchor_mismatch")
			require.NoError(t, os.WriteFile(p("f11.note"), []byte(cli(t, exitOK, append([]string{"trail", "checkpoint", p("forged.jsonl")}, sign...)...)), 0o644))
			out = cli(t, exitProblem, append([]string{"trail", "consistency", p("6.note"), p("f11.note"), "--trail", p("forged.jsonl")}, vk...)...)
			assert.Contains(t, out, "NOT consistent")
			out = cli(t, exitProblem, append([]string{"trail", "consistency", p("6.note"), p("f11.note"), "--trail", p("t.jsonl")}, vk...)...)
			assert.Contains(t, out, "NEW says")

			// Refusals: a note edited after signing; a key that did not sign;
			// missing flags; NEW before OLD.
			edited := strings.Replace(note6, "\n6\n", "\n5\n", 1)
			require.NoError(t, os.WriteFile(p("edited.note"), []byte(edited), 0o644))
			cli(t, exitProblem, append([]string{"trail", "verify", p("t.jsonl"), "--checkpoint", p("edited.note")}, vk...)...)
			cli(t, exitOK, "keygen", "--name", cpOrigin, "--out", p("other"))
			otherVK := []string{"--vkey", p("other.vkey")}
			if s.ID() == suite.V1SM {
				otherVK = append(otherVK, "--vkey", p("sm.vkey"))
			}
			cli(t, exitProblem, append([]string{"trail", "verify", p("t.jsonl"), "--checkpoint", p("6.note")}, otherVK...)...)
			cli(t, exitUsage, "trail", "verify", p("t.jsonl"), "--checkpoint", p("6.note"))
			cli(t, exitUsage, append([]string{"trail", "consistency", p("6.note"), p("11.note")}, vk...)...)
			cli(t, exitProblem, append([]string{"trail", "consistency", p("11.note"), p("6.note"), "--trail", p("t.jsonl")}, vk...)...)
			if s.ID() == suite.V1SM {
				out = cli(t, exitUsage, "trail", "checkpoint", p("t.jsonl"), "--origin", cpOrigin, "--key", p("ed.key.pem"))
				assert.Contains(t, out, "--cosign-key")
				cli(t, exitUsage, "trail", "verify", p("t.jsonl"), "--checkpoint", p("6.note"), "--vkey", p("ed.vkey"))
			} else {
				cli(t, exitUsage, "trail", "checkpoint", p("t.jsonl"), "--origin", cpOrigin, "--key", p("ed.key.pem"), "--cosign-key", p("sm.key.pem"))
			}
		})
	}
}

// A rotated checkpoint key (--keyring, not_after before the last event)
// cannot sign a checkpoint of later events.
func TestTrailCheckpointKeyringRotation(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	cli(t, exitOK, "keygen", "--name", cpOrigin, "--not-after", "2026-03-02T03:30:00Z", "--out", p("old"))
	writeTrail(t, p("t.jsonl"), suite.SSJv1, 6, false) // events at 01:00 … 06:00
	cli(t, exitOK, "trail", "checkpoint", p("t.jsonl"), "--origin", cpOrigin, "--key", p("old.key.pem"), "--keyring", p("old.keyring.json"), "--size", "3")
	out := cli(t, exitProblem, "trail", "checkpoint", p("t.jsonl"), "--origin", cpOrigin, "--key", p("old.key.pem"), "--keyring", p("old.keyring.json"))
	assert.Contains(t, out, "not_after")
	cli(t, exitUsage, "keygen", "--out", p("bad"), "--not-before", "2026-02-01T00:00:00Z", "--not-after", "2026-01-01T00:00:00Z")
	cli(t, exitUsage, "keygen", "--out", p("bad"), "--alg", "rsa")
	cli(t, exitUsage, "keygen", "--out", p("old")) // refuses to overwrite the key
}

// The office store's trail (ssj demo --store) gets signed checkpoints and
// proofs too: without a FILE, checkpoint and proof read the store.
func TestTrailCheckpointOfStore(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	db := p("demo.db")
	cli(t, exitOK, "demo", "--store", db)
	cli(t, exitOK, "keygen", "--name", cpOrigin, "--out", p("ed"))
	note := cli(t, exitOK, "trail", "checkpoint", "--store", db, "--origin", cpOrigin, "--key", p("ed.key.pem"), "--size", "3")
	require.NoError(t, os.WriteFile(p("3.note"), []byte(note), 0o644))
	all := cli(t, exitOK, "trail", "checkpoint", "--store", db, "--origin", cpOrigin, "--key", p("ed.key.pem"))
	require.NoError(t, os.WriteFile(p("all.note"), []byte(all), 0o644))
	require.NoError(t, os.WriteFile(p("p.proof"), []byte(cli(t, exitOK, "trail", "proof", "--store", db, "--old", "3")), 0o644))
	out := cli(t, exitOK, "trail", "consistency", p("3.note"), p("all.note"), "--vkey", p("ed.vkey"), "--proof", p("p.proof"))
	assert.Contains(t, out, "extends size 3")
	cli(t, exitUsage, "trail", "checkpoint", "--store", p("none.db"), "--origin", cpOrigin, "--key", p("ed.key.pem"))

	// ssj trail verify without FILE checks the store's trail against the notes.
	out = cli(t, exitOK, "trail", "verify", "--store", db, "--checkpoint", p("3.note"), "--checkpoint", p("all.note"), "--vkey", p("ed.vkey"))
	assert.Contains(t, out, "2 anchors matched")
	other := strings.Replace(note, "\n3\n", "\n4\n", 1) // a size the signature does not cover
	require.NoError(t, os.WriteFile(p("other.note"), []byte(other), 0o644))
	cli(t, exitProblem, "trail", "verify", "--store", db, "--checkpoint", p("other.note"), "--vkey", p("ed.vkey"))
	out = cli(t, exitProblem, "trail", "verify", "--store", db, "--anchor", "3:"+strings.Repeat("0", 64))
	assert.Contains(t, out, "anchor_mismatch")
	out = cli(t, exitProblem, "trail", "verify", "--store", db, "--anchor", "100000:"+strings.Repeat("0", 64), "--json")
	assert.Contains(t, out, "deleted from the end")
}
