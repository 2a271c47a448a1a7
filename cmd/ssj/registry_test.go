package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	sampleTargets    = "../../examples/data/targets.csv"
	sampleInspectors = "../../examples/data/inspectors.csv"
)

func TestRegistryValidateSample(t *testing.T) {
	for _, f := range []string{sampleTargets, sampleInspectors} {
		code, out, errOut := runCLI(t, "", "registry", "validate", f)
		if code != exitOK || !strings.Contains(out, "valid") {
			t.Fatalf("%s: code %d out %q err %q", f, code, out, errOut)
		}
	}
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Every bad row is listed, with --json as structured errors (issue 2).
func TestRegistryValidateErrors(t *testing.T) {
	p := writeTemp(t, "bad.csv", "统一社会信用代码,名称,辖区,行业,信用风险分类,状态,监管部门\n"+
		"914403001922038217,坏码,440307,I65,A,存续,治安\n"+
		"914403001922038216,好,440307,I65,A,存续,治安\n"+
		"914403001922038216,重复,4403,I65,Z,存续,治安\n")
	code, out, _ := runCLI(t, "", "registry", "validate", p)
	if code != exitProblem {
		t.Fatalf("code %d", code)
	}
	for _, want := range []string{"row 2", "统一社会信用代码", "wrong check character", "row 4", "辖区", "信用风险分类", "duplicate ID: first at row 3", "4 problem(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "", "registry", "validate", p, "--json")
	var res struct {
		Valid  bool `json:"valid"`
		Errors []struct {
			Row    int    `json:"row"`
			Column string `json:"column"`
			Value  string `json:"value"`
			Reason string `json:"reason"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != exitProblem {
		t.Fatalf("code %d, %v:\n%s", code, err, out)
	}
	var reasons []string
	for _, e := range res.Errors {
		reasons = append(reasons, e.Reason)
	}
	if res.Valid || strings.Join(reasons, ",") != "bad_check_char,duplicate_id,bad_jurisdiction,unknown_class" {
		t.Errorf("reasons %v", reasons)
	}
	if res.Errors[0].Row != 2 || res.Errors[0].Value != "914403001922038217" || res.Errors[0].Column != "统一社会信用代码" {
		t.Errorf("first error %+v", res.Errors[0])
	}
}

func TestRegistryClassesAndKind(t *testing.T) {
	// The sample has class D targets: with the class set A–C they are errors.
	code, out, _ := runCLI(t, "", "registry", "validate", sampleTargets, "--classes", "A,B,C", "--json")
	if code != exitProblem || !strings.Contains(out, `"unknown_class"`) {
		t.Fatalf("code %d\n%.300s", code, out)
	}
	code, _, _ = runCLI(t, "", "registry", "validate", sampleTargets, "--classes=A,B,C,D,E")
	if code != exitOK {
		t.Fatalf("Shandong classes: code %d", code)
	}
	code, out, _ = runCLI(t, "", "registry", "validate", "--kind", "inspectors", sampleTargets)
	if code != exitProblem || !strings.Contains(out, "bad header") {
		t.Fatalf("wrong kind: code %d %q", code, out)
	}
}

func TestRegistryCommitProveVerify(t *testing.T) {
	code, out, _ := runCLI(t, "", "registry", "commit", sampleTargets, "--json")
	var c struct {
		Count int    `json:"count"`
		Root  string `json:"root"`
		Pool  string `json:"pool"`
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil || code != exitOK || c.Count != 3000 || len(c.Root) != 64 || c.Pool != "targets" {
		t.Fatalf("commit: code %d %v %q", code, err, out)
	}
	// The same registry from standard input commits to the same root.
	data, err := os.ReadFile(sampleTargets)
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLI(t, string(data), "registry", "commit", "-")
	if code != exitOK || !strings.Contains(out, "root "+c.Root) {
		t.Fatalf("stdin commit: %d %q", code, out)
	}
	id := strings.SplitN(strings.Split(string(data), "\n")[10], ",", 2)[0]
	code, proof, errOut := runCLI(t, "", "registry", "prove", sampleTargets, id)
	if code != exitOK {
		t.Fatalf("prove: %d %s", code, errOut)
	}
	pf := writeTemp(t, "proof.json", proof)
	code, out, _ = runCLI(t, "", "registry", "verify-proof", pf, "--root", c.Root, "--count", "3000")
	if code != exitOK || !strings.HasPrefix(out, "verified: targets "+id) {
		t.Fatalf("verify: %d %q", code, out)
	}
	// Against another commitment, or tampered: exit 1 with the reason.
	code, out, _ = runCLI(t, "", "registry", "verify-proof", pf, "--root", strings.Repeat("0", 64), "--count", "3000")
	if code != exitProblem || !strings.Contains(out, "NOT verified") {
		t.Fatalf("wrong root: %d %q", code, out)
	}
	bad := writeTemp(t, "bad.json", strings.Replace(proof, `"index": `, `"index": 1`, 1))
	code, out, _ = runCLI(t, "", "registry", "verify-proof", bad, "--json")
	if code != exitProblem || !strings.Contains(out, `"verified": false`) || !strings.Contains(out, "reason") {
		t.Fatalf("tampered: %d %q", code, out)
	}
	code, _, errOut = runCLI(t, "", "registry", "prove", sampleTargets, "NOPE")
	if code != exitProblem || !strings.Contains(errOut, `unknown ID "NOPE"`) {
		t.Fatalf("absent ID: %d %q", code, errOut)
	}
	// Inspector pool too.
	code, _, _ = runCLI(t, "", "registry", "prove", sampleInspectors, "NOPE")
	if code != exitProblem {
		t.Fatalf("absent cert: %d", code)
	}
}

func TestRegistryUsage(t *testing.T) {
	cases := [][]string{
		{"registry"},
		{"registry", "frobnicate"},
		{"registry", "validate"},
		{"registry", "validate", "a", "b"},
		{"registry", "validate", sampleTargets, "--kind", "people"},
		{"registry", "validate", sampleTargets, "--bogus"},
		{"registry", "validate", "/no/such/file.csv"},
		{"registry", "verify-proof", sampleTargets}, // not JSON
		{"registry", "verify-proof", "x.json", "--root", "ab"},
	}
	for _, args := range cases {
		if code, _, _ := runCLI(t, "", args...); code != exitUsage {
			t.Errorf("%v: code %d, want %d", args, code, exitUsage)
		}
	}
	// Help goes to stdout (issue 15).
	if code, out, _ := runCLI(t, "", "registry", "--help"); code != exitOK || !strings.Contains(out, "verify-proof") {
		t.Errorf("help: %d", code)
	}
}
