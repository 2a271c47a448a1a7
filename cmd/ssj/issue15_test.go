package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each case is a symptom listed in issue 15, run as the issue describes it.
func TestIssue15Symptoms(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	write := func(name, body string) string {
		require.NoError(t, os.WriteFile(p(name), []byte(body), 0o644))
		return p(name)
	}
	data := filepath.Join("..", "..", "examples", "data")

	t.Run("record commit_time 1 names the JSON path", func(t *testing.T) {
		code, _, errOut := runCLI(t, "", "demo", "--out", p("demo"))
		require.Equal(t, exitOK, code, errOut)
		raw, err := os.ReadFile(p("demo/record.json"))
		require.NoError(t, err)
		var rec map[string]any
		require.NoError(t, json.Unmarshal(raw, &rec))
		rec["manifest"].(map[string]any)["commit_time"] = 1
		b, _ := json.Marshal(rec)
		bad := write("bad-record.json", string(b))
		code, out, errOut := runCLI(t, "", "verify", bad, "--targets", p("demo/targets.csv"), "--inspectors", p("demo/inspectors.csv"))
		// A record whose manifest is invalid does not verify: exit 1 (issue 14's
		// contract for auditors), and the message still names the JSON path.
		assert.Equal(t, exitProblem, code)
		assert.Contains(t, out+errOut, "manifest.commit_time: want an RFC 3339 time string, e.g. 2026-03-20T09:00:00+08:00, got number 1")
		assert.NotContains(t, errOut, "invalid task")
	})
	t.Run("null book", func(t *testing.T) {
		null := write("n.json", "null\n")
		code, out, errOut := runCLI(t, "", "publish", "status", "--book", null)
		assert.Equal(t, exitUsage, code)
		assert.Empty(t, out)
		assert.Contains(t, errOut, "n.json: publish: invalid result: book: top level: want a JSON object, got null")
		assert.NotContains(t, errOut, "DueWorkdays")
	})
	t.Run("publish enter null creates no store", func(t *testing.T) {
		null := write("n.json", "null\n")
		code, _, errOut := runCLI(t, "", "publish", "enter", "--store", p("nb.db"), "--as", "x", null)
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, errOut, "want a JSON array, got null")
		assert.NoFileExists(t, p("nb.db"))
	})
	t.Run("keyring empty file: nothing printed", func(t *testing.T) {
		cyc := cycleDir(t)
		empty := write("empty-ring.json", "")
		code, out, errOut := runCLI(t, "", "publish", "status", "--book", filepath.Join(cyc, "book.json"), "--keyring", empty)
		assert.Equal(t, exitUsage, code)
		assert.Empty(t, out, "the table is not printed before the error")
		assert.Contains(t, errOut, "keyring "+empty+": ")
		assert.Contains(t, errOut, "empty document")
	})
	t.Run("trail line with a duplicate key", func(t *testing.T) {
		cyc := cycleDir(t)
		tr := filepath.Join(cyc, "trail.jsonl")
		raw, err := os.ReadFile(tr)
		require.NoError(t, err)
		lines := strings.SplitAfter(string(raw), "\n")
		i := 1
		for i < len(lines) && !strings.Contains(lines[i], `"actor":"录入员"`) {
			i++
		}
		require.Less(t, i, len(lines), "an event by 录入员")
		lines[i] = strings.Replace(lines[i], `"actor":"录入员"`, `"actor":"X","actor":"录入员"`, 1)
		require.NoError(t, os.WriteFile(tr, []byte(strings.Join(lines, "")), 0o644))
		code, out, _ := runCLI(t, "", "trail", "verify", tr)
		assert.Equal(t, exitProblem, code)
		assert.Contains(t, out, fmt.Sprintf("line %d: malformed", i+1))
		assert.Contains(t, out, `actor: duplicate key "actor"`)
	})
	t.Run("plan check against a header-only registry", func(t *testing.T) {
		header := write("header.csv", "id,name,kind,jurisdiction,industry,credit_class,abnormal,serious_violation,complaints,status,departments\n")
		code, out, _ := runCLI(t, "", "plan", "check", filepath.Join(data, "plan.json"), "--targets", header)
		assert.Equal(t, exitProblem, code)
		assert.Contains(t, out, "no active target of the registry is in the task's scope")
		assert.NotContains(t, out, "\nOK")
	})
	t.Run("plan year 1900", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join(data, "plan.json"))
		require.NoError(t, err)
		bad := write("plan1900.json", strings.Replace(string(raw), `"year": 2026`, `"year": 1900`, 1))
		code, _, errOut := runCLI(t, "", "plan", "publish", bad)
		// The plan was read and a check found a bad field: 1.
		assert.Equal(t, exitProblem, code)
		assert.Contains(t, errOut, `year: value "1900"`)
		assert.Contains(t, errOut, "want a plan year from 2000 to 9999")
	})
	t.Run("history given an XLSX", func(t *testing.T) {
		xlsx := write("history.xlsx", "PK\x03\x04\x14\x00\x06\x00not really a workbook")
		code, _, errOut := runCLI(t, "", "plan", "check", filepath.Join(data, "plan.json"), "--targets", filepath.Join(data, "targets.csv"), "--history", xlsx)
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, errOut, "history.xlsx: ")
		assert.Contains(t, errOut, "history must be CSV")
	})
	t.Run("extra CSV cells", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join(data, "targets.csv"))
		require.NoError(t, err)
		lines := strings.SplitAfter(string(raw), "\n")
		lines[1] = strings.TrimSuffix(lines[1], "\n") + ",surplus\n"
		extra := write("extra.csv", strings.Join(lines, ""))
		code, out, _ := runCLI(t, "", "registry", "validate", extra)
		assert.Equal(t, exitProblem, code)
		assert.Contains(t, out, `extra.csv: row 2: column "cell 12" value "surplus"`)
	})
	t.Run("a checklist with duplicate IDs is 1 alone and through plan check --checklist", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join(data, "checklist.csv"))
		require.NoError(t, err)
		lines := strings.SplitAfter(string(raw), "\n")
		dup := write("dup-checklist.csv", string(raw)+lines[1])
		code, out, _ := runCLI(t, "", "checklist", "validate", dup)
		assert.Equal(t, exitProblem, code)
		assert.Contains(t, out, "duplicate item code")
		code, _, errOut := runCLI(t, "", "plan", "check", filepath.Join(data, "plan.json"), "--targets", filepath.Join(data, "targets.csv"), "--checklist", dup)
		assert.Equal(t, exitProblem, code)
		assert.Contains(t, errOut, "dup-checklist.csv:row 12")
		assert.Contains(t, errOut, "duplicate item code")
	})
	t.Run("binary garbage is 2 for registry and checklist alike", func(t *testing.T) {
		garbage := write("garbage.bin", "\x00\x01\x02\"\xff\xfe,\x00\n\x93\x94\"x")
		for _, noun := range []string{"registry", "checklist"} {
			code, _, errOut := runCLI(t, "", noun, "validate", garbage)
			assert.Equal(t, exitUsage, code, noun)
			assert.Contains(t, errOut, "garbage.bin", noun)
		}
	})
}
