package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/draw"
)

// ssj verify's exit status: 0 verified; 1 for every record that does not
// verify, whatever the reason (a tampered lock, a replaced anchor, an
// invalid manifest inside the record, JSON that is not a record); 2 only for
// bad usage and input that cannot be read or is not JSON. Rules R15, R16.
func TestVerifyExitCodes(t *testing.T) {
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
	assert.Contains(t, out, "--anchor "+anc.Hash, "the demo tells the auditor the anchor")

	pools := []string{"--targets", filepath.Join(dir, "targets.csv"), "--inspectors", filepath.Join(dir, "inspectors.csv")}
	verify := func(path string, extra ...string) (int, string, string) {
		return runCLI(t, "", append(append([]string{"verify", path}, pools...), extra...)...)
	}
	code, out, errs = verify(recPath, "--anchor", anc.Hash)
	require.Equal(t, exitOK, code, "%s\n%s", out, errs)
	assert.Contains(t, out, "anchor "+anc.Hash)

	// edit applies f to the record's JSON and writes it to a new file.
	edit := func(name string, f func(doc map[string]any)) string {
		var doc map[string]any
		require.NoError(t, json.Unmarshal(data, &doc))
		f(doc)
		b, err := json.Marshal(doc)
		require.NoError(t, err)
		p := filepath.Join(dir, name+".json")
		require.NoError(t, os.WriteFile(p, b, 0o644))
		return p
	}
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	lock := func(doc map[string]any) map[string]any { return doc["lock"].(map[string]any) }
	for _, tc := range []struct {
		name  string
		path  string
		extra []string
		code  int
		want  string
	}{
		{"lock.by edited", edit("by", func(d map[string]any) { lock(d)["by"] = "别人" }), nil, exitProblem, "lock.hash"},
		{"lock.at edited", edit("at", func(d map[string]any) { lock(d)["at"] = "2030-01-01T00:00:00Z" }), nil, exitProblem, "lock.hash"},
		{"another anchor", recPath, []string{"--anchor", anc.LockHash}, exitProblem, "anchor"},
		{"invalid manifest in the record", edit("manifest", func(d map[string]any) {
			d["manifest"].(map[string]any)["algorithm"] = "ssj-v9"
		}), nil, exitProblem, "manifest"},
		{"old format", edit("format", func(d map[string]any) { d["format"] = "ssj-v1-record" }), nil, exitProblem, "format"},
		{"JSON that is not a record", write("array.json", "[1, 2]"), nil, exitProblem, "NOT verified"},
		{"unsigned lock, keyring given", recPath, []string{"--keyring", write("ring.json", `{"keys":[]}`)}, exitProblem, "lock.signature"},
		{"garbage", write("garbage.json", "this is not JSON"), nil, exitUsage, "not a JSON document"},
		{"truncated", write("half.json", string(data[:len(data)/2])), nil, exitUsage, "not a JSON document"},
		{"missing file", filepath.Join(dir, "nope.json"), nil, exitUsage, "nope.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := verify(tc.path, tc.extra...)
			assert.Equal(t, tc.code, code, "stdout:\n%s\nstderr:\n%s", out, errs)
			assert.Contains(t, out+errs, tc.want)
		})
	}
}

// Rule R16: a lock signed with the confirming officer's key (ssj draw lock
// --key) verifies against the keyring; a lock whose name was edited and
// whose hash was recomputed does not.
func TestVerifySignedLock(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI(t, "", "demo", "--out", dir)
	require.Equal(t, exitOK, code, "demo: %s\n%s", out, errs)
	// The demo's record is locked (unsigned): take its lock off and lock it
	// again, signed.
	data := filepath.Join(dir, "record.json")
	raw, err := os.ReadFile(data)
	require.NoError(t, err)
	rec, err := draw.DecodeRecord(bytes.NewReader(raw))
	require.NoError(t, err)
	rec.Lock = nil
	b, err := draw.MarshalRecord(&rec)
	require.NoError(t, err)
	unlocked := filepath.Join(dir, "unlocked.json")
	require.NoError(t, os.WriteFile(unlocked, b, 0o644))

	prefix := filepath.Join(dir, "head")
	code, out, errs = runCLI(t, "", "publish", "keygen", "--unit", "治安大队", "--holder", "李队长", "--out", prefix)
	require.Equal(t, exitOK, code, "keygen: %s\n%s", out, errs)
	locked := filepath.Join(dir, "locked.json")
	code, _, errs = runCLI(t, "", "draw", "lock", "--record", unlocked, "--by", "别人", "--key", prefix+".key.json", "--out", locked)
	assert.Equal(t, exitUsage, code, "a key held by someone else: %s", errs)
	code, out, errs = runCLI(t, "", "draw", "lock", "--record", unlocked, "--by", "李队长", "--key", prefix+".key.json",
		"--at", "2026-12-01T09:00:00+08:00", "--out", locked)
	require.Equal(t, exitOK, code, "lock: %s\n%s", out, errs)

	pools := []string{"--targets", filepath.Join(dir, "targets.csv"), "--inspectors", filepath.Join(dir, "inspectors.csv")}
	verify := func(path string) (int, string) {
		code, out, errs := runCLI(t, "", append([]string{"verify", path, "--keyring", prefix + ".pub.json"}, pools...)...)
		return code, out + errs
	}
	code, out = verify(locked)
	require.Equal(t, exitOK, code, out)

	raw, err = os.ReadFile(locked)
	require.NoError(t, err)
	rec, err = draw.DecodeRecord(bytes.NewReader(raw))
	require.NoError(t, err)
	rec.Lock.By = "别人"
	rec.Lock.Hash, err = draw.LockHash(rec.Lock)
	require.NoError(t, err)
	b, err = draw.MarshalRecord(&rec)
	require.NoError(t, err)
	forged := filepath.Join(dir, "forged.json")
	require.NoError(t, os.WriteFile(forged, b, 0o644))
	code, out = verify(forged)
	assert.Equal(t, exitProblem, code, out)
	assert.Contains(t, out, "lock.signature")
}
