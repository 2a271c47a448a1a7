package main

import (
	"bytes"
	"strings"
	"testing"
)

// runCLI runs the CLI in-process and returns exit code, stdout and stderr.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	code, _, stderr := runCLI(t, "")
	if code != exitUsage || !strings.Contains(stderr, "usage: ssj") {
		t.Fatalf("no args: code %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "", "no-such-noun")
	if code != exitUsage || !strings.Contains(stderr, `unknown command "no-such-noun"`) {
		t.Fatalf("unknown: code %d, stderr %q", code, stderr)
	}
}
