package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWorkdayCLI(t *testing.T) {
	dir := t.TempDir()
	extra := filepath.Join(dir, "2027.json")
	// Hypothetical 2027 data, invented for this test.
	if err := os.WriteFile(extra, []byte(`{"format":"ssj-workday/1","version":"test-2027","years":[{"year":2027,
	 "notices":[{"title":"TEST ONLY","issued":"2026-11-01"}],
	 "holidays":[{"name":"元旦","from":"2027-01-01","to":"2027-01-03"}]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"format":"holiday-cn","version":"x","years":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"is holiday", []string{"workday", "is", "2025-10-01"}, exitOK, "off\n", ""},
		{"is make-up Saturday", []string{"workday", "is", "2025-10-11"}, exitOK, "workday\n", ""},
		{"add across 国庆", []string{"workday", "add", "2025-09-30", "2"}, exitOK, "2025-10-10\n", ""},
		{"add negative", []string{"workday", "add", "2025-10-09", "-1"}, exitOK, "2025-09-30\n", ""},
		{"between", []string{"workday", "between", "2024-12-31", "2025-12-31"}, exitOK, "248\n", ""},
		{"no data", []string{"workday", "is", "2027-01-04"}, exitProblem, "", "no calendar data for year 2027"},
		{"no data in add", []string{"workday", "add", "2026-12-28", "20"}, exitProblem, "", "year 2027"},
		{"extra calendar", []string{"workday", "add", "2026-12-31", "1", "--calendar", extra}, exitOK, "2027-01-04\n", ""},
		{"bad calendar file", []string{"workday", "is", "2025-01-01", "--calendar", bad}, exitUsage, "", `bad.json: workday: invalid calendar data: field format is "holiday-cn"`},
		{"missing calendar file", []string{"workday", "is", "2025-01-01", "--calendar", filepath.Join(dir, "nope.json")}, exitUsage, "", "nope.json"},
		{"bad date", []string{"workday", "is", "2025-02-30"}, exitUsage, "", `"2025-02-30"`},
		{"bad N", []string{"workday", "add", "2025-02-03", "x"}, exitUsage, "", `N "x" is not an integer`},
		{"wrong arity", []string{"workday", "between", "2025-02-03"}, exitUsage, "", "want 2 argument(s)"},
		{"unknown verb", []string{"workday", "when"}, exitUsage, "", `unknown verb "when"`},
		{"unknown flag", []string{"workday", "is", "2025-01-01", "--yaml"}, exitUsage, "", `unknown flag "--yaml"`},
		{"no verb", []string{"workday"}, exitUsage, "", "usage:"},
		{"years", []string{"workday", "years"}, exitOK, "2026  248 working days", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, tc.code, stdout, stderr)
			}
			if tc.stdout != "" && !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout %q, want %q", stdout, tc.stdout)
			}
			if tc.stderr != "" && !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr %q, want it to contain %q", stderr, tc.stderr)
			}
		})
	}
}

func TestWorkdayCLIJSON(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "workday", "is", "--json", "2026-02-14")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var info struct {
		Date    string `json:"date"`
		Workday bool   `json:"workday"`
		Kind    string `json:"kind"`
		Holiday string `json:"holiday"`
	}
	if err := json.Unmarshal([]byte(stdout), &info); err != nil {
		t.Fatal(err)
	}
	if info.Date != "2026-02-14" || !info.Workday || info.Kind != "make-up workday" || info.Holiday != "春节" {
		t.Errorf("%+v", info)
	}
	code, stdout, _ = runCLI(t, "", "workday", "between", "2025-09-30", "2025-10-10", "--json")
	if code != exitOK || !strings.Contains(stdout, `"workdays": 2`) {
		t.Errorf("between --json: %d %s", code, stdout)
	}
}
