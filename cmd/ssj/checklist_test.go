package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleChecklistCSV = "../../examples/data/checklist.csv"

func TestChecklistValidate_Sample(t *testing.T) {
	code, out, errOut := runCLI(t, "", "checklist", "validate", sampleChecklistCSV)
	if code != exitOK || !strings.Contains(out, "valid: 10 items (5 key 重点, 5 general 一般)") {
		t.Fatalf("code %d\nstdout %s\nstderr %s", code, out, errOut)
	}
}

// Rule R1 and R4 problems are reported row by row, with exit status 1.
func TestChecklistValidate_EveryRowError(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	csv := "序号,事项编码,抽查事项,检查对象,事项类别,检查方式,检查主体,检查依据,抽查比例,抽查频次\n" +
		"1,ZA-01,旅馆业治安管理检查,旅馆,重点,查阅资料,治安,,不低于5%,每年1次\n" +
		"2,ZA-02,印章刻制业治安管理检查,印章刻制企业,一般,实地核查,治安,《印铸刻字业暂行管理规则》,5%-30%,每年1次\n"
	if err := os.WriteFile(bad, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI(t, "", "checklist", "validate", bad)
	if code != exitProblem {
		t.Fatalf("code %d, want 1\n%s", code, out)
	}
	for _, want := range []string{
		`bad.csv:row 2: item "ZA-01": column "检查依据" value "": no legal basis (rule R1)`,
		`bad.csv:row 3: item "ZA-02": column "抽查比例" value "5%-30%": general item ratio above the cap (rule R4)`,
		"2 problem(s)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// A higher cap, as configuration, lets the general item pass.
	code, out, _ = runCLI(t, "", "checklist", "validate", "--cap", "0.3", bad, "--json")
	var res struct {
		Valid  bool
		Errors []struct {
			Row    int
			Column string
			Reason string
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if code != exitProblem || res.Valid || len(res.Errors) != 1 || res.Errors[0].Row != 2 || res.Errors[0].Column != "检查依据" {
		t.Fatalf("code %d, %+v", code, res)
	}
}

func TestChecklistValidate_Usage(t *testing.T) {
	for _, args := range [][]string{
		{"checklist"},
		{"checklist", "frobnicate"},
		{"checklist", "validate"},
		{"checklist", "validate", "a", "b"},
		{"checklist", "validate", "--cap", "2", sampleChecklistCSV},
		{"checklist", "validate", "--bogus", sampleChecklistCSV},
		{"checklist", "validate", "no-such-file.csv"},
	} {
		if code, _, errOut := runCLI(t, "", args...); code != exitUsage || errOut == "" {
			t.Errorf("%q: code %d, stderr %q", args, code, errOut)
		}
	}
}

// Rule R3: a checklist version and the diff between two lists are
// published as text and canonical JSON.
func TestChecklistPublishDiff(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ssj.db")
	code, out, errOut := runCLI(t, "", "checklist", "publish", sampleChecklistCSV, "--effective", "2026-01-01", "--note", "首次公布",
		"--store", db, "--as", "法制大队", "--at", "2025-12-20T09:00:00+08:00")
	if code != exitOK || !strings.HasPrefix(out, "随机抽查事项清单（第1版）\n生效日期：2026-01-01\n说明：首次公布\n") ||
		!strings.Contains(out, "checklist version 1 (10 items, effective 2026-01-01) published in the store") {
		t.Fatalf("publish: %d %s %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", "checklist", "publish", sampleChecklistCSV, "--effective=2026-01-01", "--json", "--dry-run")
	if code != exitOK || !strings.HasPrefix(out, `{"effective":"2026-01-01","items":[`) {
		t.Fatalf("publish --json --dry-run: %d %s", code, out)
	}
	data, err := os.ReadFile(sampleChecklistCSV)
	if err != nil {
		t.Fatal(err)
	}
	next := filepath.Join(t.TempDir(), "v2.csv")
	changed := strings.Replace(string(data), "5%-15%,每年1次,ZA-02", "5%-20%,每年1次,ZA-02", 1)
	if err := os.WriteFile(next, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLI(t, "", "checklist", "diff", sampleChecklistCSV, next, "--effective", "2026-07-01")
	if code != exitOK || !strings.Contains(out, "第1版 → 第2版，自2026-07-01起施行") || !strings.Contains(out, "抽查比例：5%-15% → 5%-20%") {
		t.Fatalf("diff: %d %s", code, out)
	}
	// Rule R3 on the store: the same items again are no new version; the
	// changed list is version 2; both steps are traced.
	code, _, errOut = runCLI(t, "", "checklist", "publish", sampleChecklistCSV, "--effective", "2026-07-01", "--store", db, "--as", "法制大队")
	if code != exitProblem || !strings.Contains(errOut, "publish checklist") {
		t.Fatalf("unchanged publish: %d %s", code, errOut)
	}
	code, out, errOut = runCLI(t, "", "checklist", "publish", next, "--effective", "2026-07-01", "--store", db, "--as", "法制大队", "--json")
	if code != exitOK || !strings.Contains(out, `"version":2`) {
		t.Fatalf("publish version 2: %d %s %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", "trail", "show", "--store", db)
	if code != exitOK || strings.Count(out, "checklist.announced") != 2 {
		t.Fatalf("trail: %d %s", code, out)
	}
	if code, _, _ = runCLI(t, "", "checklist", "diff", sampleChecklistCSV, sampleChecklistCSV, "--effective", "2026-07-01"); code != exitProblem {
		t.Fatalf("diff of equal lists: %d", code)
	}
	if code, _, _ = runCLI(t, "", "checklist", "publish", sampleChecklistCSV); code != exitUsage {
		t.Fatalf("publish without --effective: %d", code)
	}
}
