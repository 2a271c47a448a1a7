package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// Rule R28 on the store: standings come from the recorded dates and the
// clock's today (the machine's date is after every deadline below).
func TestReviewStatusAndTransitions(t *testing.T) {
	dir := cycleDir(t)
	db := filepath.Join(dir, "ssj.db")
	st := func(args ...string) []string { return append(args, "--store", db) }
	code, out, _ := runCLI(t, "", st("review", "status")...)
	if code != exitOK || !strings.Contains(out, "closed_on_time") {
		t.Fatalf("status: %d %s", code, out)
	}
	// A second objection left unreviewed past its due date is overdue (exit 1).
	code, _, errOut := runCLI(t, "", st("review", "receive", "--as", "法制员", "--id", "YY-2026-002", "--result", resultKTV1,
		"--applicant", "广州宏达恒信KTV", "--grounds", "检查日期有误", "--at", "2026-10-22T09:00:00+08:00")...)
	if code != exitOK {
		t.Fatalf("receive: %d %s", code, errOut)
	}
	code, out, _ = runCLI(t, "", st("review", "status", "--json")...)
	if code != exitProblem || !strings.Contains(out, `"standing": "review_overdue"`) {
		t.Fatalf("overdue status: %d %s", code, out)
	}
	// Feedback before a decision is an invalid transition: exit 1.
	code, _, errOut = runCLI(t, "", st("review", "feedback", "--as", "x", "--id", "YY-2026-002", "--note", "n")...)
	if code != exitProblem || !strings.Contains(errOut, "cannot send feedback when received") {
		t.Fatalf("invalid transition: %d %q", code, errOut)
	}
	// The upheld path closes it; the late review shows as closed_late.
	for _, s := range [][]string{
		st("review", "start", "--as", "复核人", "--id", "YY-2026-002", "--at", "2026-10-23T09:00:00+08:00"),
		st("review", "decide", "--as", "复核人", "--id", "YY-2026-002", "--upheld", "--note", "原检查结果正确", "--at", "2026-11-27T09:00:00+08:00"),
		st("review", "feedback", "--by", "法制员", "--id", "YY-2026-002", "--note", "已书面告知", "--at", "2026-11-30T09:00:00+08:00"),
	} {
		if code, out, errOut := runCLI(t, "", s...); code != exitOK {
			t.Fatalf("%v: %d %s %s", s[:2], code, out, errOut)
		}
	}
	code, out, _ = runCLI(t, "", st("review", "status")...)
	if code != exitOK || !strings.Contains(out, "closed_late") || !strings.Contains(out, "closed_on_time") {
		t.Fatalf("closed status: %d %s", code, out)
	}
	// Receiving against an unknown result is refused, and traced nowhere.
	code, _, errOut = runCLI(t, "", st("review", "receive", "--as", "x", "--id", "YY-2026-003", "--result", "nope", "--applicant", "a", "--grounds", "g")...)
	if code != exitProblem || !strings.Contains(errOut, `field result_id = "nope"`) || !strings.Contains(errOut, "not found") {
		t.Fatalf("unknown result: %d %q", code, errOut)
	}
	// A second decision is refused: the objection is closed.
	code, _, errOut = runCLI(t, "", st("review", "decide", "--as", "x", "--id", "YY-2026-002", "--upheld", "--note", "n")...)
	if code != exitProblem || !strings.Contains(errOut, "YY-2026-002") {
		t.Fatalf("second decision: %d %q", code, errOut)
	}
	if code, out, _ := runCLI(t, "", "audit", "--store", db); code != exitOK {
		t.Fatalf("store after refused steps: %s", out)
	}
	// The exported register is read without the store, judged on --today.
	code, out, _ = runCLI(t, "", "review", "status", "--objections", filepath.Join(dir, "obj.json"), "--today", "2026-10-22")
	if code != exitOK || !strings.Contains(out, "closed_on_time") || !strings.Contains(out, "as of 2026-10-22") {
		t.Fatalf("status --objections: %d %s", code, out)
	}
}

func TestReviewCommandErrors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"review", "frob"}, `unknown verb "frob"`},
		{[]string{"review", "start", "--store", db}, "--id is required"},
		{[]string{"review", "start", "--objections", "o", "--trail", "t", "--by", "x", "--id", "i"}, "--objections is gone"},
		{[]string{"review", "receive", "--book", "b", "--id", "i", "--result", "r", "--applicant", "a", "--grounds", "g"}, "--book is gone"},
		{[]string{"review", "start", "--store", db, "--id", "i", "--on", "2026-10-13"}, "--on is gone"},
		{[]string{"review", "status", "--store", db, "--today", "2026-10-22"}, "--today is only for --objections files"},
		{[]string{"review", "decide", "--store", db, "--id", "i", "--note", "n"}, "exactly one of --upheld or --corrected"},
		{[]string{"review", "decide", "--store", db, "--id", "i", "--note", "n", "--corrected", "--keyring", "k"}, "one of --key or --signed"},
	} {
		code, _, errOut := runCLI(t, "", c.args...)
		if code != exitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: %d %q", c.args, code, errOut)
		}
	}
}
