package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cycleDir runs the publish/review cycle of examples/data in a temporary
// directory and returns it (book.json, obj.json, trail.jsonl, head.*).
func cycleDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	steps := [][]string{
		{"publish", "keygen", "--unit", "荷花派出所", "--holder", "王所长", "--out", p("head")},
		{"publish", "enter", "--book", p("book.json"), "--trail", p("trail.jsonl"), "--by", "录入员",
			"--at", "2026-09-30T09:00:00+08:00", filepath.Join("testdata", "kecheng", "results.json")},
		{"publish", "release", "--book", p("book.json"), "--trail", p("trail.jsonl"), "--by", "审核员",
			"--at", "2026-10-09T10:00:00+08:00", "--all"},
		{"review", "receive", "--objections", p("obj.json"), "--book", p("book.json"), "--trail", p("trail.jsonl"),
			"--by", "法制员", "--id", "YY-2026-001", "--result", "SJ-2026-001/92330802MA2XYZ123K",
			"--applicant", "柯城区某某旅社", "--grounds", "已按规定公示", "--at", "2026-10-12T09:00:00+08:00"},
		{"review", "start", "--objections", p("obj.json"), "--trail", p("trail.jsonl"), "--by", "复核人",
			"--id", "YY-2026-001", "--at", "2026-10-13T09:00:00+08:00"},
		{"review", "decide", "--objections", p("obj.json"), "--trail", p("trail.jsonl"), "--by", "复核人",
			"--id", "YY-2026-001", "--corrected", "--note", "经复核确有错误", "--book", p("book.json"),
			"--keyring", p("head.pub.json"), "--key", p("head.key.json"), "--reason", "企业已按规定公示",
			"--at", "2026-10-20T09:00:00+08:00", filepath.Join("testdata", "kecheng", "results-corrected.json")},
		{"review", "feedback", "--objections", p("obj.json"), "--trail", p("trail.jsonl"), "--by", "法制员",
			"--id", "YY-2026-001", "--note", "已书面告知", "--at", "2026-10-21T09:00:00+08:00"},
	}
	for _, s := range steps {
		code, out, errOut := runCLI(t, "", s...)
		if code != exitOK {
			t.Fatalf("ssj %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(s[:2], " "), code, out, errOut)
		}
	}
	return dir
}

func TestTrailVerifyCommand(t *testing.T) {
	dir := cycleDir(t)
	path := filepath.Join(dir, "trail.jsonl")
	code, out, errOut := runCLI(t, "", "trail", "verify", path)
	if code != exitOK || !strings.Contains(out, "verified: 9 events") {
		t.Fatalf("verify: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", "trail", "show", path)
	if code != exitOK || !strings.Contains(out, "objection.feedback_sent") || !strings.Contains(out, "2026-10-21 09:00:00") {
		t.Fatalf("show: %d %s", code, out)
	}
	code, head, _ := runCLI(t, "", "trail", "head", path)
	head = strings.TrimSpace(head)
	if code != exitOK || !strings.HasPrefix(head, "9:") {
		t.Fatalf("head: %d %q", code, head)
	}
	if code, out, _ := runCLI(t, "", "trail", "verify", "--anchor", head, path, "--json"); code != exitOK || !strings.Contains(out, `"ok": true`) {
		t.Fatalf("verify --anchor --json: %d %s", code, out)
	}

	// Edit one field of one event: exit 1, the line and kind are named.
	data, _ := os.ReadFile(path)
	tampered := strings.Replace(string(data), `"actor":"审核员"`, `"actor":"他人"`, 1)
	os.WriteFile(path, []byte(tampered), 0o644)
	code, out, _ = runCLI(t, "", "trail", "verify", path)
	if code != exitProblem || !strings.Contains(out, "line 4: edited (event #2") {
		t.Fatalf("tampered verify: %d %q", code, out)
	}
	// A tampered trail is not extended.
	code, _, errOut = runCLI(t, "", "review", "start", "--objections", filepath.Join(dir, "obj.json"),
		"--trail", path, "--by", "x", "--id", "YY-2026-001")
	if code != exitProblem || !strings.Contains(errOut, "trail does not verify") {
		t.Fatalf("extending a tampered trail: %d %q", code, errOut)
	}
	// Cutting off the tail is caught by the anchor.
	lines := strings.SplitAfter(string(data), "\n")
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
