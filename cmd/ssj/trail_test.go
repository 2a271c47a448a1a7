package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTrailVerifyCommand(t *testing.T) {
	dir := cycleDir(t)
	path := filepath.Join(dir, "trail.jsonl")
	code, out, errOut := runCLI(t, "", "trail", "verify", path)
	if code != exitOK || !strings.Contains(out, "verified: 69 events") {
		t.Fatalf("verify: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", "trail", "show", path)
	if code != exitOK || !strings.Contains(out, "objection.feedback_sent") || !strings.Contains(out, "2026-10-21 09:00:00") {
		t.Fatalf("show: %d %s", code, out)
	}
	code, head, _ := runCLI(t, "", "trail", "head", path)
	head = strings.TrimSpace(head)
	if code != exitOK || !strings.HasPrefix(head, "69:") {
		t.Fatalf("head: %d %q", code, head)
	}
	if code, out, _ := runCLI(t, "", "trail", "verify", "--anchor", head, path, "--json"); code != exitOK || !strings.Contains(out, `"ok": true`) {
		t.Fatalf("verify --anchor --json: %d %s", code, out)
	}

	// Edit one field of one event: exit 1, the line and kind are named.
	data, _ := os.ReadFile(path)
	lines := strings.SplitAfter(string(data), "\n")
	edited := -1
	for i, l := range lines {
		if strings.Contains(l, `"actor":"审核员"`) {
			edited = i
			break
		}
	}
	if edited < 1 {
		t.Fatal("no event by 审核员 in the exported trail")
	}
	var ev struct{ Seq int }
	if err := json.Unmarshal([]byte(lines[edited]), &ev); err != nil {
		t.Fatal(err)
	}
	tampered := strings.Replace(string(data), `"actor":"审核员"`, `"actor":"他人"`, 1)
	os.WriteFile(path, []byte(tampered), 0o644)
	code, out, _ = runCLI(t, "", "trail", "verify", path)
	if want := fmt.Sprintf("line %d: edited (event #%d", edited+1, ev.Seq); code != exitProblem || !strings.Contains(out, want) {
		t.Fatalf("tampered verify: %d %q, want %q", code, out, want)
	}
	// Cutting off the tail is caught by the anchor.
	os.WriteFile(path, []byte(strings.Join(lines[:len(lines)-2], "")), 0o644)
	if code, _, _ := runCLI(t, "", "trail", "verify", path); code != exitOK {
		t.Fatalf("truncated without anchor should verify: %d", code)
	}
	if code, out, _ := runCLI(t, "", "trail", "verify", path, "--anchor", head); code != exitProblem || !strings.Contains(out, "anchor_mismatch") {
		t.Fatalf("truncated with anchor: %d %q", code, out)
	}
}

func TestTrailCommandErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"trail"}, exitUsage, "usage: ssj trail"},
		{[]string{"trail", "--help"}, exitOK, "usage: ssj trail"},
		{[]string{"trail", "frobnicate", "x"}, exitUsage, `unknown verb "frobnicate"`},
		{[]string{"trail", "verify"}, exitUsage, "exactly one FILE"},
		{[]string{"trail", "verify", "/no/such/file"}, exitUsage, "/no/such/file"},
		{[]string{"trail", "verify", "--anchor", "12", "x"}, exitUsage, "SIZE:ROOT"},
	} {
		code, out, errOut := runCLI(t, "", c.args...)
		if c.code == exitOK {
			errOut = out // help goes to stdout (issue 15)
		}
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: %d %q", c.args, code, errOut)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte("not json\n"), 0o644)
	if code, out, _ := runCLI(t, "", "trail", "verify", bad); code != exitProblem || !strings.Contains(out, "malformed") {
		t.Fatalf("malformed: %d %q", code, out)
	}
}
