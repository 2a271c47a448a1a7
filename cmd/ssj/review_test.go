package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestReviewStatusAndTransitions(t *testing.T) {
	dir := cycleDir(t)
	p := func(name string) string { return filepath.Join(dir, name) }
	code, out, _ := runCLI(t, "", "review", "status", "--objections", p("obj.json"), "--today", "2026-10-22")
	if code != exitOK || !strings.Contains(out, "closed_on_time") {
		t.Fatalf("status: %d %s", code, out)
	}
	// A second objection left unreviewed becomes overdue (exit 1).
	code, _, errOut := runCLI(t, "", "review", "receive", "--objections", p("obj.json"), "--book", p("book.json"),
		"--trail", p("trail.jsonl"), "--by", "法制员", "--id", "YY-2026-002", "--result", "SJ-2026-001/91330802MA2B3C4D5E",
		"--applicant", "某某宾馆", "--grounds", "检查日期有误", "--on", "2026-10-12", "--at", "2026-10-12T09:00:00+08:00")
	if code != exitOK {
		t.Fatalf("receive: %d %s", code, errOut)
	}
	code, out, _ = runCLI(t, "", "review", "status", "--objections", p("obj.json"), "--today", "2026-11-10", "--json")
	if code != exitProblem || !strings.Contains(out, `"standing": "review_overdue"`) {
		t.Fatalf("overdue status: %d %s", code, out)
	}
	// Feedback before a decision is an invalid transition: exit 1.
	code, _, errOut = runCLI(t, "", "review", "feedback", "--objections", p("obj.json"), "--trail", p("trail.jsonl"),
		"--by", "x", "--id", "YY-2026-002", "--note", "n")
	if code != exitProblem || !strings.Contains(errOut, "cannot send feedback when received") {
		t.Fatalf("invalid transition: %d %q", code, errOut)
	}
	// The upheld path closes it; late review shows as closed_late.
	for _, s := range [][]string{
		{"review", "start", "--objections", p("obj.json"), "--trail", p("trail.jsonl"), "--by", "复核人", "--id", "YY-2026-002", "--on", "2026-10-13"},
		{"review", "decide", "--objections", p("obj.json"), "--trail", p("trail.jsonl"), "--by", "复核人", "--id", "YY-2026-002",
			"--upheld", "--note", "原检查结果正确", "--on", "2026-11-10"},
		{"review", "feedback", "--objections", p("obj.json"), "--trail", p("trail.jsonl"), "--by", "法制员", "--id", "YY-2026-002",
			"--note", "已书面告知", "--on", "2026-11-11"},
	} {
		if code, out, errOut := runCLI(t, "", s...); code != exitOK {
			t.Fatalf("%v: %d %s %s", s[:2], code, out, errOut)
		}
	}
	code, out, _ = runCLI(t, "", "review", "status", "--objections", p("obj.json"), "--today", "2026-11-20")
	if code != exitOK || !strings.Contains(out, "closed_late") || !strings.Contains(out, "closed_on_time") {
		t.Fatalf("closed status: %d %s", code, out)
	}
	// Receiving against an unpublished or unknown result is refused.
	code, _, errOut = runCLI(t, "", "review", "receive", "--objections", p("obj.json"), "--book", p("book.json"),
		"--trail", p("trail.jsonl"), "--by", "x", "--id", "YY-2026-003", "--result", "nope", "--applicant", "a", "--grounds", "g")
	if code != exitUsage || !strings.Contains(errOut, "no such result") {
		t.Fatalf("unknown result: %d %q", code, errOut)
	}
	if code, out, _ := runCLI(t, "", "trail", "verify", p("trail.jsonl")); code != exitOK {
		t.Fatalf("trail after refused steps: %s", out)
	}
}

func TestReviewCommandErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"review", "frob"}, `unknown verb "frob"`},
		{[]string{"review", "start", "--objections", "o"}, "--trail, --by and --id"},
		{[]string{"review", "status"}, "--objections is required"},
	} {
		code, _, errOut := runCLI(t, "", c.args...)
		if code != exitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: %d %q", c.args, code, errOut)
		}
	}
	dir := t.TempDir()
	code, _, errOut := runCLI(t, "", "review", "decide", "--objections", filepath.Join(dir, "o.json"), "--trail", filepath.Join(dir, "t"),
		"--by", "x", "--id", "i", "--note", "n")
	if code != exitUsage || !strings.Contains(errOut, "exactly one of --upheld or --corrected") {
		t.Fatalf("decide without decision: %d %q", code, errOut)
	}
}
