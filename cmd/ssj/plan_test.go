package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	samplePlanJSON   = "../../examples/data/plan.json"
	sampleHistoryCSV = "../../examples/data/history.csv"
	sampleTargetsCSV = "../../examples/data/targets.csv"
)

func TestPlanCheck_SamplePasses(t *testing.T) {
	code, out, errOut := runCLI(t, "", "plan", "check", samplePlanJSON, "--targets", sampleTargetsCSV,
		"--history", sampleHistoryCSV, "--checklist", sampleChecklistCSV)
	if code != exitOK {
		t.Fatalf("code %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"RULE", "THRESHOLD", "R8    department coverage", "OK: ", "counted in tasks"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// writeVariant writes the sample plan with edit applied to its decoded JSON.
func writeVariant(t *testing.T, edit func(p map[string]any)) string {
	t.Helper()
	data, err := os.ReadFile(samplePlanJSON)
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	edit(p)
	out, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "variant.json")
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// Rule R10 (a department without a joint task) and rule R4 (a general item
// over its cap) make the check fail with exit status 1.
func TestPlanCheck_VariantFails(t *testing.T) {
	file := writeVariant(t, func(p map[string]any) {
		for _, x := range p["tasks"].([]any) {
			k := x.(map[string]any)
			switch k["id"] {
			case "2026-LH-04":
				k["participants"] = []any{}
			case "2026-ZA-02":
				k["ratio"] = "0.3"
			}
		}
	})
	code, out, _ := runCLI(t, "", "plan", "check", file, "--targets", sampleTargetsCSV, "--checklist", sampleChecklistCSV, "--json")
	if code != exitProblem {
		t.Fatalf("code %d, want 1\n%s", code, out)
	}
	var rep struct {
		OK       bool
		Findings []struct{ Rule, Subject, Figure, Threshold, Status string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	failed := map[string]string{}
	for _, f := range rep.Findings {
		if f.Status == "fail" {
			failed[f.Rule+" "+f.Subject] = f.Figure + " vs " + f.Threshold
		}
	}
	if rep.OK || len(failed) != 2 || failed["R10 交警"] == "" || failed["R4 2026-ZA-02 ZA-02"] == "" {
		t.Fatalf("failures %v", failed)
	}
	code, out, _ = runCLI(t, "", "plan", "check", file, "--targets", sampleTargetsCSV, "--checklist", sampleChecklistCSV)
	if code != exitProblem || !strings.Contains(out, "FAIL: 2 of") {
		t.Fatalf("text: code %d\n%s", code, out)
	}
}

func TestPlanCheck_BadInput(t *testing.T) {
	badPlan := writeVariant(t, func(p map[string]any) { p["tasks"].([]any)[0].(map[string]any)["ratio"] = "1.5" })
	badHistory := filepath.Join(t.TempDir(), "h.csv")
	if err := os.WriteFile(badHistory, []byte("target_id,item,date,result\nX,ZA-01,2026-02-30,compliant\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Usage and unreadable input: 2; input that was read and has problems
	// (a plan field, a history row): 1 (issue 15's exit-status contract).
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"plan", "check", samplePlanJSON}, exitUsage, "--targets FILE is required"},
		{[]string{"plan", "check", samplePlanJSON, "--targets"}, exitUsage, "needs a FILE"},
		{[]string{"plan", "check", "missing.json", "--targets", sampleTargetsCSV}, exitUsage, "missing.json"},
		{[]string{"plan", "check", badPlan, "--targets", sampleTargetsCSV}, exitProblem, `tasks[0](2026-LH-01).ratio: value "1.5"`},
		{[]string{"plan", "check", samplePlanJSON, "--targets", sampleTargetsCSV, "--history", badHistory}, exitProblem, `h.csv:row 2: column "date" value "2026-02-30"`},
		{[]string{"plan", "check", samplePlanJSON, "--targets", samplePlanJSON}, exitUsage, "plan.json"}, // JSON is not CSV
		{[]string{"plan", "nope", samplePlanJSON}, exitUsage, "unknown verb"},
		{[]string{"plan", "check", samplePlanJSON, "--targets", sampleTargetsCSV, "--frob"}, exitUsage, "unknown flag"},
	}
	for _, tc := range tests {
		code, _, errOut := runCLI(t, "", tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: code %d, stderr %q, want %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
}

func TestPlanInputPublishDiff(t *testing.T) {
	code, out, errOut := runCLI(t, "", "plan", "input", samplePlanJSON, "2026-LH-01", "--targets", sampleTargetsCSV, "--history", sampleHistoryCSV)
	var in struct {
		TaskID       string   `json:"task_id"`
		Participants []string `json:"participants"`
		Exclude      []string `json:"exclude"`
		Strata       []struct{ Quota int }
	}
	if code != exitOK || json.Unmarshal([]byte(out), &in) != nil || in.TaskID != "2026-LH-01" || len(in.Participants) != 2 || len(in.Exclude) != 4 {
		t.Fatalf("input: code %d %s %s", code, out, errOut)
	}
	db := filepath.Join(t.TempDir(), "ssj.db")
	code, out, _ = runCLI(t, "", "plan", "publish", samplePlanJSON, "--store", db, "--as", "法制大队", "--at", "2026-01-05T09:00:00+08:00")
	if code != exitOK || !strings.Contains(out, "2026年度“双随机、一公开”抽查计划（第1版）") || !strings.Contains(out, "plan 2026 version 1 (12 tasks) published in the store") {
		t.Fatalf("publish: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "", "plan", "publish", samplePlanJSON, "--json", "--dry-run")
	if code != exitOK || !strings.HasPrefix(out, `{"authority":`) {
		t.Fatalf("publish --json --dry-run: %d %s", code, out)
	}
	// Rule R9 on the store: a year's plan is published once, then adjusted.
	code, _, errOut = runCLI(t, "", "plan", "publish", samplePlanJSON, "--store", db, "--as", "法制大队")
	if code != exitProblem || !strings.Contains(errOut, "the plan exists; adjust it") {
		t.Fatalf("publish twice: %d %s", code, errOut)
	}
	v2 := writeVariant(t, func(p map[string]any) {
		p["version"], p["effective"] = 2, "2026-06-01"
		p["tasks"] = p["tasks"].([]any)[1:]
	})
	code, out, _ = runCLI(t, "", "plan", "diff", samplePlanJSON, v2)
	if code != exitOK || !strings.Contains(out, "取消任务1项") || !strings.Contains(out, "2026-LH-01") {
		t.Fatalf("diff: %d %s", code, out)
	}
	code, _, errOut = runCLI(t, "", "plan", "diff", samplePlanJSON, samplePlanJSON)
	if code != exitProblem || !strings.Contains(errOut, "version 1 follows version 1") {
		t.Fatalf("diff same: %d %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "plan", "adjust", samplePlanJSON, "--store", db, "--as", "法制大队")
	if code != exitProblem || !strings.Contains(errOut, "version 1 follows version 1") {
		t.Fatalf("adjust same: %d %s", code, errOut)
	}
	code, out, errOut = runCLI(t, "", "plan", "adjust", v2, "--store", db, "--as", "法制大队")
	if code != exitOK || !strings.Contains(out, "取消任务1项") || !strings.Contains(out, "plan 2026 version 2 published in the store") {
		t.Fatalf("adjust: %d %s %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", "trail", "show", "--store", db)
	if code != exitOK || strings.Count(out, "plan.published") != 2 {
		t.Fatalf("trail: %d %s", code, out)
	}
}

// Thresholds are configuration: a stricter R8 coverage makes 消防 (15.24% of
// its targets in the bundled registry) fail; an empty R12 table switches the credit-class check off.
func TestPlanCheck_Thresholds(t *testing.T) {
	base := []string{"plan", "check", samplePlanJSON, "--targets", sampleTargetsCSV, "--json"}
	code, out, _ := runCLI(t, "", append(base, "--min-coverage", "0.2")...)
	if code != exitProblem || !strings.Contains(out, `"figure": "179/1174 = 15.24%"`) {
		t.Fatalf("--min-coverage 0.2: code %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", append(base, "--credit-table=")...)
	if code != exitOK || strings.Contains(out, `"rule": "R12", "check"`) || !strings.Contains(out, "no credit table configured") {
		t.Fatalf("--credit-table '': code %d", code)
	}
	for _, bad := range [][]string{{"--min-coverage", "5%"}, {"--credit-table", "A:0.5-0.1"}, {"--cap"}} {
		if code, _, errOut := runCLI(t, "", append(base, bad...)...); code != exitUsage || errOut == "" {
			t.Errorf("%q: code %d", bad, code)
		}
	}
}
