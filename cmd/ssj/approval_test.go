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
	"github.com/shuangsuiji/ssj/suite"
)

// Rule R18: ssj draw replace --key signs the replacement's approval with
// the deputy head's key; ssj verify --keyring checks it and
// --require-approvals refuses an unsigned replacement; a key rotated out
// before the approval time, or another holder's key, does not sign.
func TestDrawReplaceSignedApproval(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	cli(t, exitOK, "demo", "--out", dir)
	raw, err := os.ReadFile(p("record.json"))
	require.NoError(t, err)
	rec, err := draw.DecodeRecord(bytes.NewReader(raw))
	require.NoError(t, err)
	rec.Lock, rec.Replacements = nil, nil
	b, err := draw.MarshalRecord(&rec)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p("unlocked.json"), b, 0o644))

	cli(t, exitOK, "keygen", "--unit", "治安大队", "--holder", "李队长", "--role", "confirming_official", "--out", p("lock"))
	cli(t, exitOK, "keygen", "--alg", "sm2", "--unit", "市场监管局", "--holder", "周副局长", "--role", "deputy_head",
		"--not-before", "2026-01-01T00:00:00+08:00", "--out", p("deputy"))
	cli(t, exitOK, "keygen", "--unit", "市场监管局", "--holder", "周副局长", "--role", "deputy_head",
		"--not-after", "2026-06-30T23:59:59+08:00", "--out", p("rotated"))
	cli(t, exitOK, "keygen", "--unit", "市场监管局", "--holder", "吴副局长", "--role", "deputy_head", "--out", p("other"))
	var ring suite.Keyring
	for _, n := range []string{"lock", "deputy", "rotated", "other"} {
		kb, err := os.ReadFile(p(n + ".keyring.json"))
		require.NoError(t, err)
		var k suite.Keyring
		require.NoError(t, json.Unmarshal(kb, &k))
		ring.Keys = append(ring.Keys, k.Keys...)
	}
	rb, err := json.Marshal(ring)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p("ring.json"), rb, 0o644))

	cli(t, exitOK, "draw", "lock", "--record", p("unlocked.json"), "--by", "李队长", "--key", p("lock.key.pem"),
		"--at", "2026-09-18T09:30:00+08:00", "--out", p("locked.json"))
	g := rec.Groups[0]
	replace := func(out string, extra ...string) []string {
		return append([]string{"draw", "replace", p("locked.json"), "--inspectors", p("inspectors.csv"), "--target", g.Target,
			"--inspector", g.Seats[0].Cert, "--reason", "health", "--approver", "周副局长", "--at", "2026-09-19T10:00:00+08:00",
			"--out", p(out)}, extra...)
	}
	cli(t, exitOK, replace("signed.json", "--key", p("deputy.key.pem"), "--keyring", p("ring.json"))...)
	cli(t, exitOK, replace("unsigned.json")...)
	out := cli(t, exitUsage, replace("nokey.json", "--keyring", p("ring.json"))...)
	assert.Contains(t, out, "give --key too")
	out = cli(t, exitProblem, replace("rotated.json", "--key", p("rotated.key.pem"), "--keyring", p("ring.json"))...)
	assert.Contains(t, out, "rotated")
	out = cli(t, exitProblem, replace("other.json", "--key", p("other.key.pem"), "--keyring", p("ring.json"))...)
	assert.Contains(t, out, "吴副局长")
	assert.NoFileExists(t, p("rotated.json"))

	pools := []string{"--targets", p("targets.csv"), "--inspectors", p("inspectors.csv")}
	verify := func(rec string, extra ...string) []string {
		return append(append([]string{"verify", p(rec)}, pools...), extra...)
	}
	out = cli(t, exitOK, verify("signed.json", "--keyring", p("ring.json"), "--require-approvals")...)
	assert.Contains(t, out, "approvals 1 of 1 replacements signed (each checked against --keyring)")
	out = cli(t, exitOK, verify("unsigned.json", "--keyring", p("ring.json"))...)
	assert.Contains(t, out, "approvals 0 of 1 replacements signed")
	out = cli(t, exitProblem, verify("unsigned.json", "--keyring", p("ring.json"), "--require-approvals")...)
	assert.Contains(t, out, "replacements[0].approval")

	// A signed approval whose signer was edited to another deputy head.
	sb, err := os.ReadFile(p("signed.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p("forged.json"), bytes.Replace(sb, []byte(`"signer": "周副局长"`), []byte(`"signer": "吴副局长"`), 1), 0o644))
	out = cli(t, exitProblem, verify("forged.json", "--keyring", p("ring.json"))...)
	assert.Contains(t, out, "replacements[0].approval")
}

// Rule R18 through the store: ssj task replace --key signs the approval
// (checked against --keyring first), --require-approval refuses to go on
// without a key, a rotated key is refused, and ssj audit --keyring
// --require-approvals re-checks every approval in the store.
func TestTaskReplaceSignedApproval(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	db := p("ssj.db")
	t.Setenv("SSJ_STORE", db)
	cli(t, exitOK, "registry", "import", "../../examples/data/targets.csv", "--as", "陈*", "--at", "2026-09-01T08:30:00+08:00", "--in-force", "2026-09-01T00:00:00+08:00")
	cli(t, exitOK, "registry", "import", "../../examples/data/inspectors.csv", "--as", "陈*", "--at", "2026-09-01T08:31:00+08:00", "--in-force", "2026-09-01T00:00:00+08:00")
	cli(t, exitOK, "task", "launch", "../../examples/data/task.json", "--as", "李*", "--at", "2026-09-17T22:00:00+08:00")
	cli(t, exitOK, "task", "commit", "2026-ZA-03B", "--as", "李*", "--at", "2026-09-17T23:13:42+08:00")
	cli(t, exitOK, "task", "draw", "2026-ZA-03B", "--randomness", "../../examples/data/randomness.json", "--as", "李*", "--at", "2026-09-18T09:00:00+08:00")
	cli(t, exitOK, "task", "lock", "2026-ZA-03B", "--as", "王*", "--at", "2026-09-18T09:30:00+08:00")
	var v taskView
	require.NoError(t, json.Unmarshal([]byte(cli(t, exitOK, "task", "show", "2026-ZA-03B", "--json")), &v))

	cli(t, exitOK, "keygen", "--unit", "市场监管局", "--holder", "周*", "--role", "deputy_head", "--out", p("deputy"))
	cli(t, exitOK, "keygen", "--unit", "市场监管局", "--holder", "周*", "--role", "deputy_head",
		"--not-after", "2026-06-30T23:59:59+08:00", "--out", p("rotated"))
	var ring suite.Keyring
	for _, n := range []string{"deputy", "rotated"} {
		kb, err := os.ReadFile(p(n + ".keyring.json"))
		require.NoError(t, err)
		var k suite.Keyring
		require.NoError(t, json.Unmarshal(kb, &k))
		ring.Keys = append(ring.Keys, k.Keys...)
	}
	rb, err := json.Marshal(ring)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p("ring.json"), rb, 0o644))

	request := func(i int) string {
		g := v.Record.Groups[i]
		b, err := json.Marshal(map[string]any{"target": g.Target, "inspector": g.Seats[1].Cert, "reason": "recusal", "approver": "周*", "at": "2026-09-18T10:30:00+08:00"})
		require.NoError(t, err)
		f := p("req" + string(rune('0'+i)) + ".json")
		require.NoError(t, os.WriteFile(f, b, 0o644))
		return f
	}
	replace := func(want, i int, extra ...string) string {
		return cli(t, want, append([]string{"task", "replace", "2026-ZA-03B", "--request", request(i), "--as", "李*", "--at", "2026-09-18T10:30:00+08:00"}, extra...)...)
	}
	out := replace(exitOK, 0, "--key", p("deputy.key.pem"), "--keyring", p("ring.json"), "--require-approval")
	assert.Contains(t, out, "approval signed by 周*")
	out = replace(exitUsage, 1, "--require-approval")
	assert.Contains(t, out, "needs --key")
	out = replace(exitProblem, 1, "--key", p("rotated.key.pem"), "--keyring", p("ring.json"))
	assert.Contains(t, out, "rotated")

	cli(t, exitOK, "audit", "--keyring", p("ring.json"), "--require-approvals")
	out = cli(t, exitProblem, "audit", "--keyring", p("rotated.keyring.json"))
	assert.Contains(t, out, "replacements[0].approval")
	replace(exitOK, 1) // unsigned, allowed without --require-approval
	out = cli(t, exitProblem, "audit", "--require-approvals")
	assert.Contains(t, out, "replacements[1].approval")
}
