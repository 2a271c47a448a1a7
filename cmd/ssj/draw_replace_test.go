package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDrawReplace_R18 replaces a drawn leader on the demo's locked record,
// checks that the result still verifies, and that requests R18 forbids are
// refused.
func TestDrawReplace_R18(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, "", "demo", "--out", dir); code != exitOK {
		t.Fatalf("demo: exit %d: %s", code, stderr)
	}
	rec := filepath.Join(dir, "record.json")
	ins := filepath.Join(dir, "inspectors.csv")
	data, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Groups []struct {
			Target string `json:"target"`
			Seats  []struct {
				Cert string `json:"cert"`
				Role string `json:"role"`
			} `json:"seats"`
		} `json:"groups"`
	}
	if err := json.Unmarshal(data, &doc); err != nil || len(doc.Groups) == 0 {
		t.Fatalf("demo record has no groups (err %v)", err)
	}
	g := doc.Groups[0]
	leader := g.Seats[0].Cert
	out := filepath.Join(dir, "replaced.json")
	base := []string{"draw", "replace", rec, "--inspectors", ins, "--target", g.Target, "--inspector", leader}

	// A Chinese reason name is accepted; the newcomer takes the leader seat.
	code, stdout, stderr := runCLI(t, "", append(base, "--reason", "身体健康", "--approver", "李副局长",
		"--at", "2026-09-18T10:00:00+08:00", "--out", out)...)
	if code != exitOK || !strings.Contains(stdout, "as leader") || strings.Contains(stdout, "newcomer "+leader) {
		t.Fatalf("replace: exit %d\n%s\n%s", code, stdout, stderr)
	}
	verifyArgs := []string{"verify", out, "--targets", filepath.Join(dir, "targets.csv"), "--inspectors", ins}
	if code, stdout, stderr := runCLI(t, "", verifyArgs...); code != exitOK || !strings.Contains(stdout, "verified") {
		t.Fatalf("verify after replacement: exit %d\n%s\n%s", code, stdout, stderr)
	}

	// The inspector who left holds no seat any more: replacing them again is refused.
	again := []string{"draw", "replace", out, "--inspectors", ins, "--target", g.Target, "--inspector", leader,
		"--reason", "health", "--approver", "李", "--at", "2026-09-18T11:00:00+08:00"}
	if code, _, stderr := runCLI(t, "", again...); code != exitProblem || !strings.Contains(stderr, "holds no seat") {
		t.Fatalf("second replacement of a departed inspector: exit %d: %s", code, stderr)
	}

	// R18: approver and a listed reason are required.
	cases := [][]string{
		append(append([]string{}, base...), "--reason", "health", "--at", "2026-09-18T10:00:00+08:00"),
		append(append([]string{}, base...), "--reason", "vacation", "--approver", "李", "--at", "2026-09-18T10:00:00+08:00"),
		append(append([]string{}, base...), "--reason", "health", "--approver", "李", "--at", "yesterday"),
	}
	for i, args := range cases {
		if code, _, stderr := runCLI(t, "", args...); code != exitUsage {
			t.Errorf("case %d: exit %d, want %d: %s", i, code, exitUsage, stderr)
		}
	}
}
