package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/registry"
)

// drawTestFiles writes a target registry CSV, a task and its evidence.
func drawTestFiles(t *testing.T) (dir, targets, task, randomness string) {
	t.Helper()
	dir = t.TempDir()
	var b strings.Builder
	b.WriteString("id,name,kind,jurisdiction,industry,credit_class,status,departments\n")
	for i := range 60 {
		body := fmt.Sprintf("91330106MA2%06d", i)
		c, err := registry.USCCCheckChar(body)
		if err != nil {
			t.Fatal(err)
		}
		status := "active"
		if i%13 == 0 {
			status = "deregistered"
		}
		fmt.Fprintf(&b, "%s%c,测试企业%d,entity,330106,F5221,%s,%s,市场监管\n", body, c, i, "ABCD"[i%4:i%4+1], status)
	}
	targets = filepath.Join(dir, "targets.csv")
	if err := os.WriteFile(targets, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	secret := "cli test secret"
	h := sha256.Sum256([]byte(secret))
	task = filepath.Join(dir, "task.json")
	writeFile(t, task, fmt.Sprintf(`{
  "id": "T-CLI", "name": "CLI 测试任务", "items": ["SC-01"],
  "scope": {"jurisdictions": ["330106"]},
  "strata": ["credit_class"],
  "quota": {"ratios": [{"stratum": "A", "ratio": "0.05"}, {"stratum": "B", "ratio": "0.20"},
    {"stratum": "C", "ratio": "0.60"}, {"stratum": "D", "ratio": "1"}], "rounding": "", "base": ""},
  "sources": [{"kind": "participant", "participant": "监督员", "commitment": "%s"}],
  "commit_time": "2026-03-02T09:00:00+08:00"
}`, hex.EncodeToString(h[:])))
	randomness = filepath.Join(dir, "randomness.json")
	writeFile(t, randomness, `[{"secret": "cli test secret"}]`)
	return dir, targets, task, randomness
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The auditor's path (rule R15): commit, run, verify; a tampered record
// exits 1 naming the first difference.
func TestDrawCommitRunVerify(t *testing.T) {
	dir, targets, task, rnd := drawTestFiles(t)
	manifest := filepath.Join(dir, "manifest.json")
	code, out, errs := runCLI(t, "", "draw", "commit", "--targets", targets, "--task", task, "--out", manifest)
	if code != exitOK || !strings.Contains(out, "manifest_hash ") || !strings.Contains(out, "60 units in scope") {
		t.Fatalf("commit: %d\n%s\n%s", code, out, errs)
	}
	// Without --out the manifest goes to stdout and the summary to stderr.
	code, out, errs = runCLI(t, "", "draw", "commit", "--targets", targets, "--task", task)
	if code != exitOK || !strings.HasPrefix(out, "{") || !strings.Contains(errs, "manifest_hash ") {
		t.Fatalf("commit to stdout: %d\n%s\n%s", code, out, errs)
	}
	record := filepath.Join(dir, "record.json")
	code, out, errs = runCLI(t, "", "draw", "run", "--manifest", manifest, "--randomness", rnd, "--targets", targets, "--out", record)
	if code != exitOK || !strings.Contains(out, "selected ") {
		t.Fatalf("run: %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, "", "verify", record, "--targets", targets)
	if code != exitOK || !strings.HasPrefix(out, "verified\n") {
		t.Fatalf("verify: %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = runCLI(t, "", "verify", "--json", "--targets", targets, record)
	if code != exitOK || !strings.Contains(out, `"verified": true`) {
		t.Fatalf("verify --json: %d\n%s", code, out)
	}

	// Tamper with the first selected rank.
	data, _ := os.ReadFile(record)
	var rec draw.Record
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	orig := rec.Selected[0].Rank
	tampered := strings.Replace(string(data), orig, strings.Repeat("0", 64), 1)
	bad := filepath.Join(dir, "tampered.json")
	writeFile(t, bad, tampered)
	code, out, _ = runCLI(t, "", "verify", bad, "--targets", targets)
	if code != exitProblem || !strings.Contains(out, `selected[0].rank: record has "`+strings.Repeat("0", 64)+`", recomputed "`+orig+`"`) {
		t.Fatalf("tampered verify: %d\n%s", code, out)
	}

	// Lock and announce.
	locked := filepath.Join(dir, "locked.json")
	code, out, errs = runCLI(t, "", "draw", "lock", "--record", record, "--by", "科长张三", "--at", "2026-03-03T09:00:00+08:00", "--out", locked)
	if code != exitOK || !strings.Contains(out, "任务公示 T-CLI") || !strings.Contains(out, "record_hash ") {
		t.Fatalf("lock: %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = runCLI(t, "", "verify", locked, "--targets", targets)
	if code != exitOK || !strings.Contains(out, "locked at ") {
		t.Fatalf("verify locked: %d\n%s", code, out)
	}
}

func TestDrawCLIErrors(t *testing.T) {
	dir, targets, task, rnd := drawTestFiles(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no verb", []string{"draw"}, exitUsage, "usage: ssj draw"},
		{"unknown verb", []string{"draw", "shuffle"}, exitUsage, `unknown verb "shuffle"`},
		{"commit without task", []string{"draw", "commit", "--targets", targets}, exitUsage, "--task FILE"},
		{"missing file", []string{"draw", "commit", "--targets", targets, "--task", filepath.Join(dir, "nope.json")}, exitUsage, "nope.json"},
		{"verify without targets", []string{"verify", "x.json"}, exitUsage, "--targets"},
		{"run without manifest", []string{"draw", "run", "--randomness", rnd, "--targets", targets}, exitUsage, "--manifest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runCLI(t, "", tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.msg) {
				t.Fatalf("code %d, stderr %q", code, errs)
			}
		})
	}
	// A task with a bad ratio names the field and the value; the task was
	// read and a check found the problem: 1.
	data, _ := os.ReadFile(task)
	writeFile(t, task, strings.Replace(string(data), `"0.05"`, `"5%"`, 1))
	code, _, errs := runCLI(t, "", "draw", "commit", "--targets", targets, "--task", task)
	if code != exitProblem || !strings.Contains(errs, `ratio "5%"`) || !strings.Contains(errs, "task.json") {
		t.Fatalf("bad ratio: %d %q", code, errs)
	}
}

// The bundled example task (examples/data/task.json, plan task 2026-ZA-03B)
// draws from the sample district with the bundled quicknet beacon, matches
// inspector groups and verifies.
func TestDrawExampleTask(t *testing.T) {
	const data = "../../examples/data/"
	targets, inspectors := data+"targets.csv", data+"inspectors.csv"
	for _, f := range []string{targets, inspectors} {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("sample district file missing: %v", err)
		}
	}
	dir := t.TempDir()
	manifest, record := filepath.Join(dir, "manifest.json"), filepath.Join(dir, "record.json")
	if code, out, errs := runCLI(t, "", "draw", "commit", "--targets", targets, "--inspectors", inspectors,
		"--task", data+"task.json", "--out", manifest); code != exitOK {
		t.Fatalf("commit: %d\n%s\n%s", code, out, errs)
	}
	code, out, errs := runCLI(t, "", "draw", "run", "--manifest", manifest, "--randomness", data+"randomness.json",
		"--targets", targets, "--inspectors", inspectors, "--out", record)
	if code != exitOK || !strings.Contains(out, "excluded 1") || !strings.Contains(out, "inspection groups: 49") {
		t.Fatalf("run: %d\n%s\n%s", code, out, errs)
	}
	if code, out, errs := runCLI(t, "", "verify", record, "--targets", targets, "--inspectors", inspectors); code != exitOK || !strings.HasPrefix(out, "verified") {
		t.Fatalf("verify: %d\n%s\n%s", code, out, errs)
	}
	// Without the inspector pool the record cannot be verified.
	if code, out, _ := runCLI(t, "", "verify", record, "--targets", targets); code != exitProblem || !strings.Contains(out, "manifest.inspectors") {
		t.Fatalf("verify without inspectors: %d\n%s", code, out)
	}
}

// Flags may come before or after the RECORD argument.
func TestVerifyArgumentOrder(t *testing.T) {
	dir, targets, task, rnd := drawTestFiles(t)
	manifest, record := filepath.Join(dir, "m.json"), filepath.Join(dir, "r.json")
	runCLI(t, "", "draw", "commit", "--targets", targets, "--task", task, "--out", manifest)
	runCLI(t, "", "draw", "run", "--manifest", manifest, "--randomness", rnd, "--targets", targets, "--out", record)
	for _, args := range [][]string{
		{"verify", record, "--targets", targets},
		{"verify", "--targets", targets, record},
		{"verify", "--json", record, "--targets", targets},
	} {
		if code, out, errs := runCLI(t, "", args...); code != exitOK {
			t.Errorf("%v: %d\n%s%s", args, code, out, errs)
		}
	}
	if code, _, errs := runCLI(t, "", "verify", record, "other.json", "--targets", targets); code != exitUsage || !strings.Contains(errs, `"other.json"`) {
		t.Errorf("two records: %d %q", code, errs)
	}
}
