package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/review"
	"github.com/shuangsuiji/ssj/workday"
)

// Deadlines fail closed in a year without calendar data, say so, name the
// year and the flag, and --calendar FILE loads it (issue 15: from
// 2026-12-04 on an objection could not be received at all).
func TestCalendarFlagWhereDeadlinesAreComputed(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	const cal2027 = `{"format":"ssj-workday/1","version":"test-2027","years":[{"year":2027,
	 "notices":[{"title":"TEST ONLY","issued":"2026-11-01"}],
	 "holidays":[{"name":"元旦","from":"2027-01-01","to":"2027-01-03"}]}]}`
	cal := p("2027.json")
	require.NoError(t, os.WriteFile(cal, []byte(cal2027), 0o644))

	// On the store: a result of a task ending on 2026-12-31 is due in 2027.
	db := p("ssj.db")
	dispatchedStore(t, db)
	raw, err := os.ReadFile(filepath.Join(exampleData, "results.json"))
	require.NoError(t, err)
	late := p("late.json")
	require.NoError(t, os.WriteFile(late, []byte(strings.ReplaceAll(string(raw), `"task_end": "2026-11-30"`, `"task_end": "2026-12-31"`)), 0o644))
	enter := []string{"publish", "enter", "--store", db, "--as", "录入员", "--at", "2026-09-30T09:00:00+08:00", late}
	code, _, errOut := runCLI(t, "", enter...)
	assert.Equal(t, exitProblem, code)
	assert.Contains(t, errOut, "no calendar data for year 2027")
	assert.Contains(t, errOut, "load the 2027 calendar with --calendar FILE")
	assert.Zero(t, trailKinds(t, db)["result.entered"], "nothing is stored when the step fails")
	code, out, errOut := runCLI(t, "", append(enter, "--calendar", cal)...)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "due 2027-01-")

	// On an exported register: status needs 2027 as well, and takes the
	// same flag.
	full, err := workday.Embedded()
	require.NoError(t, err)
	extra, err := workday.Load(strings.NewReader(cal2027))
	require.NoError(t, err)
	merged, err := full.Merge(extra)
	require.NoError(t, err)
	c, err := workday.New(merged)
	require.NoError(t, err)
	ob, err := review.Receive("YY-1", resultKTV1, "某旅社", "已按规定公示", workday.MustDate(2026, 12, 10),
		time.Date(2026, 12, 10, 1, 0, 0, 0, time.UTC), "法制员", c)
	require.NoError(t, err)
	reg, err := pubMarshalIndent(review.Register{Objections: []review.Objection{ob}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p("obj.json"), reg, 0o644))
	code, _, errOut = runCLI(t, "", "review", "status", "--objections", p("obj.json"), "--today", "2026-12-11")
	assert.Equal(t, exitProblem, code)
	assert.Contains(t, errOut, "--calendar FILE")
	code, out, errOut = runCLI(t, "", "review", "status", "--objections", p("obj.json"), "--today", "2026-12-11", "--calendar", cal)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "1 objections as of 2026-12-11, 0 overdue")

	// Every verb that computes working days has the flag.
	for _, v := range [][]string{{"publish", "enter"}, {"publish", "release"}, {"publish", "status"}, {"publish", "report"}, {"review", "receive"},
		{"review", "decide"}, {"review", "status"}, {"workday", "add"}} {
		code, out, _ := runCLI(t, "", append(v, "--help")...)
		require.Equal(t, exitOK, code)
		assert.Contains(t, out, "--calendar FILE", "%v", v)
	}
}
