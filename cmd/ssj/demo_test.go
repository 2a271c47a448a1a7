package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoEndToEnd runs the README's main command, then re-checks the files
// it writes with `ssj verify` as an auditor would, and checks that a tampered
// record is refused. Rules R15, R16.
func TestDemoEndToEnd(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := runCLI(t, "", "demo", "--out", dir)
	if code != exitOK {
		t.Fatalf("demo exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	for _, want := range []string{"verified", "manifest_hash", "draw locked"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	rec := filepath.Join(dir, "record.json")
	args := []string{"verify", rec, "--targets", filepath.Join(dir, "targets.csv"), "--inspectors", filepath.Join(dir, "inspectors.csv")}
	if code, out, stderr := runCLI(t, "", args...); code != exitOK || !strings.Contains(out, "verified") {
		t.Fatalf("verify of the demo's record: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}

	// Change one selected rank's first hex digit: verification must fail with exit 1.
	data, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	sel := doc["selected"].([]any)[0].(map[string]any)
	rank := sel["rank"].(string)
	flip := "0"
	if rank[0] == '0' {
		flip = "1"
	}
	sel["rank"] = flip + rank[1:]
	tampered, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rec, tampered, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = runCLI(t, "", args...)
	if code != exitProblem || !strings.Contains(out+stderr, "rank") {
		t.Fatalf("tampered record: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
}

func TestDemoJSON(t *testing.T) {
	code, out, stderr := runCLI(t, "", "demo", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var s demoSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("demo --json is not JSON: %v\n%s", err, out)
	}
	if !s.Verified || s.Selected == 0 || s.Selected != s.Announcement.Count || s.Targets.Count == 0 {
		t.Fatalf("unexpected summary: %+v", s)
	}
	if code, _, _ := runCLI(t, "", "demo", "extra"); code != exitUsage {
		t.Fatalf("demo with an argument: exit %d, want %d", code, exitUsage)
	}
}

// The demo says how many drawn targets it did not print (issue 15).
func TestDemoCountsWhatItDoesNotPrint(t *testing.T) {
	code, out, errOut := runCLI(t, "", "demo")
	if code != exitOK {
		t.Fatalf("demo: %d %s", code, errOut)
	}
	if !strings.Contains(out, "selected 49 of quota 49") || !strings.Contains(out, "     … 46 more (all 49 are in the record") {
		t.Fatalf("demo output:\n%s", out)
	}
}
