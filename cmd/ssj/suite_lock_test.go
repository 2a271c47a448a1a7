package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/draw"
)

// Rules R16 and issue 16: the confirming officer signs the lock with an SM2
// key from ssj keygen (PEM); ssj verify --keyring checks it with the keyring
// keygen wrote, at the lock's time: a keyring in which the key was rotated
// before the lock refuses it.
func TestVerifySM2SignedLockAndRotation(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	cli(t, exitOK, "demo", "--out", dir)
	raw, err := os.ReadFile(p("record.json"))
	require.NoError(t, err)
	rec, err := draw.DecodeRecord(bytes.NewReader(raw))
	require.NoError(t, err)
	rec.Lock = nil
	b, err := draw.MarshalRecord(&rec)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p("unlocked.json"), b, 0o644))

	cli(t, exitOK, "keygen", "--alg", "sm2", "--unit", "治安大队", "--holder", "李队长", "--role", "confirming_official",
		"--not-before", "2026-01-01T00:00:00+08:00", "--out", p("sm"))
	cli(t, exitOK, "keygen", "--alg", "sm2", "--unit", "治安大队", "--holder", "李队长", "--role", "confirming_official",
		"--not-after", "2026-06-30T23:59:59+08:00", "--out", p("rotated"))
	cli(t, exitOK, "draw", "lock", "--record", p("unlocked.json"), "--by", "李队长", "--key", p("sm.key.pem"),
		"--at", "2026-12-01T09:00:00+08:00", "--out", p("locked.json"))
	cli(t, exitOK, "draw", "lock", "--record", p("unlocked.json"), "--by", "李队长", "--key", p("rotated.key.pem"),
		"--at", "2026-12-01T09:00:00+08:00", "--out", p("locked-rotated.json"))
	locked, err := os.ReadFile(p("locked.json"))
	require.NoError(t, err)
	assert.Contains(t, string(locked), `"algorithm": "sm2"`)

	pools := []string{"--targets", p("targets.csv"), "--inspectors", p("inspectors.csv")}
	cli(t, exitOK, append([]string{"verify", p("locked.json"), "--keyring", p("sm.keyring.json")}, pools...)...)
	out := cli(t, exitProblem, append([]string{"verify", p("locked-rotated.json"), "--keyring", p("rotated.keyring.json")}, pools...)...)
	assert.Contains(t, out, "not_after")
	cli(t, exitProblem, append([]string{"verify", p("locked.json"), "--keyring", p("rotated.keyring.json")}, pools...)...)
}
