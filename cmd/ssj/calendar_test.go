package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Deadlines fail closed in a year without calendar data, say so, name the
// year and the flag, and --calendar FILE loads it (issue 15: from
// 2026-12-04 on an objection could not be received at all).
func TestCalendarFlagWhereDeadlinesAreComputed(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	cal := p("2027.json")
	require.NoError(t, os.WriteFile(cal, []byte(`{"format":"ssj-workday/1","version":"test-2027","years":[{"year":2027,
	 "notices":[{"title":"TEST ONLY","issued":"2026-11-01"}],
	 "holidays":[{"name":"元旦","from":"2027-01-01","to":"2027-01-03"}]}]}`), 0o644))
	for _, s := range [][]string{
		{"publish", "enter", "--book", p("book.json"), "--trail", p("trail.jsonl"), "--by", "录入员", "--at", "2026-09-30T09:00:00+08:00", filepath.Join("testdata", "kecheng", "results.json")},
		{"publish", "release", "--book", p("book.json"), "--trail", p("trail.jsonl"), "--by", "审核员", "--at", "2026-10-09T10:00:00+08:00", "--all"},
	} {
		code, _, errOut := runCLI(t, "", s...)
		require.Equal(t, exitOK, code, errOut)
	}
	receive := []string{"review", "receive", "--objections", p("obj.json"), "--book", p("book.json"), "--trail", p("trail.jsonl"),
		"--by", "法制员", "--id", "YY-1", "--result", "SJ-2026-001/92330802MA2XYZ123K",
		"--applicant", "某旅社", "--grounds", "已按规定公示", "--at", "2026-12-10T09:00:00+08:00"}
	code, _, errOut := runCLI(t, "", receive...)
	assert.Equal(t, exitProblem, code)
	assert.Contains(t, errOut, "no calendar data for year 2027")
	assert.Contains(t, errOut, "load the 2027 calendar with --calendar FILE")
	_, err := os.Stat(p("obj.json"))
	assert.True(t, os.IsNotExist(err), "nothing is stored when the step fails")

	code, out, errOut := runCLI(t, "", append(receive, "--calendar", cal)...)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "review due 2027-01-")

	// status needs 2027 as well, and takes the same flag.
	code, _, errOut = runCLI(t, "", "review", "status", "--objections", p("obj.json"), "--today", "2026-12-11")
	assert.Equal(t, exitProblem, code)
	assert.Contains(t, errOut, "--calendar FILE")
	code, out, errOut = runCLI(t, "", "review", "status", "--objections", p("obj.json"), "--today", "2026-12-11", "--calendar", cal)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "1 objections as of 2026-12-11, 0 overdue")

	// Every verb that computes working days has the flag.
	for _, v := range [][]string{{"publish", "enter"}, {"publish", "status"}, {"publish", "report"}, {"review", "receive"},
		{"review", "decide"}, {"review", "status"}, {"workday", "add"}} {
		code, out, _ := runCLI(t, "", append(v, "--help")...)
		require.Equal(t, exitOK, code)
		assert.Contains(t, out, "--calendar FILE", "%v", v)
	}
}
