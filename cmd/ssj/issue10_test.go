package main

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite" // the driver sqlitestore uses

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/publish"
)

// openRaw opens a store's SQLite file behind the office's back.
func openRaw(t *testing.T, db string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+db)
	require.NoError(t, err)
	t.Cleanup(func() { raw.Close() })
	return raw
}

// enteredStore returns a store with the sample results entered (2026-09-30)
// and reviewed (2026-10-09 09:00), not yet released.
func enteredStore(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "ssj.db")
	dispatchedStore(t, db)
	runSteps(t,
		[]string{"publish", "enter", "--store", db, "--as", "录入员", "--at", "2026-09-30T09:00:00+08:00", filepath.Join(exampleData, "results.json")},
		[]string{"publish", "approve", "--store", db, "--as", "审核员", "--all", "--at", "2026-10-09T09:00:00+08:00"},
	)
	return db
}

// Each case is a symptom listed in issue 10's "Why", run through the CLI on
// the office store: each is now refused, or caught.
func TestIssue10Symptoms(t *testing.T) {
	if testing.Short() {
		t.Skip("builds several stores")
	}
	t.Run("backdated release (R26, R31)", func(t *testing.T) {
		db := enteredStore(t)
		code, _, errOut := runCLI(t, "", "publish", "release", resultKTV1, "--store", db, "--as", "治安大队", "--at", "2026-09-29T10:00:00+08:00")
		assert.Equal(t, exitProblem, code)
		assert.Contains(t, errOut, "time 2026-09-29T02:00:00Z is before the")
		assert.Contains(t, errOut, "2026-10-09T01:00:00Z", "the message names the bound too")
		rows := statusRows(t, db)
		require.Len(t, rows, 2)
		assert.Equal(t, publish.StateEntered, rows[0].State, "nothing was published")
		assert.Zero(t, trailKinds(t, db)["result.published"])
		// A client-supplied date cannot make it on time either: the date is
		// the step's own (--at), and --on is refused.
		code, _, errOut = runCLI(t, "", "publish", "release", "--all", "--store", db, "--on", "2026-10-01")
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, errOut, "--on is gone")
	})
	t.Run("backdated trail steps (R29, R31)", func(t *testing.T) {
		db := enteredStore(t)
		runSteps(t, []string{"publish", "release", "--all", "--store", db, "--as", "治安大队", "--at", "2026-10-09T10:00:00+08:00"})
		kinds := trailKinds(t, db)
		// An objection step of another subject, dated before the trail's
		// last event.
		code, _, errOut := runCLI(t, "", "review", "receive", "--store", db, "--as", "法制员", "--id", "YY-1", "--result", resultKTV1,
			"--applicant", "a", "--grounds", "g", "--at", "2026-10-09T09:59:00+08:00")
		assert.Equal(t, exitProblem, code)
		assert.Contains(t, errOut, "is before the trail's last event at 2026-10-09T02:00:00Z")
		// A step dated in the future (beyond the skew).
		code, _, errOut = runCLI(t, "", "review", "receive", "--store", db, "--as", "法制员", "--id", "YY-1", "--result", resultKTV1,
			"--applicant", "a", "--grounds", "g", "--at", "2099-01-01T00:00:00+08:00")
		assert.Equal(t, exitProblem, code)
		assert.Contains(t, errOut, "is after the clock's now plus skew")
		assert.Equal(t, kinds, trailKinds(t, db), "nothing was traced")
	})
	t.Run("published version rewritten in place, hash recomputed (R27)", func(t *testing.T) {
		db := enteredStore(t)
		runSteps(t, []string{"publish", "release", "--all", "--store", db, "--as", "治安大队", "--at", "2026-10-09T10:00:00+08:00"})
		raw := openRaw(t, db)
		var rev int64
		var body []byte
		require.NoError(t, raw.QueryRow(`SELECT rev, body FROM objects WHERE kind = 'result' AND id = ? ORDER BY rev DESC LIMIT 1`, resultKTV1).Scan(&rev, &body))
		var sr office.StoredResult
		require.NoError(t, json.Unmarshal(body, &sr))
		require.Len(t, sr.Entry.Versions, 1)
		v := &sr.Entry.Versions[0]
		v.Result.Remark = "事后改写"
		h, err := publish.HashResult(v.Result)
		require.NoError(t, err)
		v.Hash = h // self-consistent: the version's hash matches its content
		edited, err := json.Marshal(sr)
		require.NoError(t, err)
		_, err = raw.Exec(`UPDATE objects SET body = ? WHERE kind = 'result' AND id = ? AND rev = ?`, edited, resultKTV1, rev)
		require.NoError(t, err)
		require.NoError(t, raw.Close())

		for _, args := range [][]string{
			{"publish", "status", "--store", db},
			{"publish", "view", "--store", db},
			{"publish", "report", "--store", db, "--as", "x"},
			{"publish", "announce", "results", "--store", db, "--task", "2026-ZA-03B"},
		} {
			code, out, errOut := runCLI(t, "", args...)
			assert.Equal(t, exitProblem, code, "%v: %s", args[:2], errOut)
			assert.Empty(t, out, "%v prints nothing from a tampered store", args[:2])
			assert.Contains(t, errOut, "objects result/"+resultKTV1, "%v", args[:2])
			assert.Contains(t, errOut, "field body", "%v", args[:2])
		}
		code, out, _ := runCLI(t, "", "audit", "--store", db)
		assert.Equal(t, exitProblem, code)
		assert.Contains(t, out, "NOT verified")
		assert.Contains(t, out, resultKTV1)
	})
	t.Run("state and trail in one transaction (R29)", func(t *testing.T) {
		db := enteredStore(t)
		// The store fails in the middle of the release step: after its
		// trail event is written, while its result is stored.
		raw := openRaw(t, db)
		_, err := raw.Exec(`CREATE TRIGGER fail_release BEFORE INSERT ON objects WHEN NEW.kind = 'result' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`)
		require.NoError(t, err)
		code, _, errOut := runCLI(t, "", "publish", "release", "--all", "--store", db, "--as", "治安大队", "--at", "2026-10-09T10:00:00+08:00")
		assert.NotEqual(t, exitOK, code)
		assert.Contains(t, errOut, "injected failure")
		assert.Zero(t, trailKinds(t, db)["result.published"], "no event without its state")
		for _, r := range statusRows(t, db) {
			assert.Equal(t, publish.StateEntered, r.State, "no state without its event")
		}
		_, err = raw.Exec(`DROP TRIGGER fail_release`)
		require.NoError(t, err)
		require.NoError(t, raw.Close())
		// The retry works (it used to say "nothing to publish").
		code, out, errOut := runCLI(t, "", "publish", "release", "--all", "--store", db, "--as", "治安大队", "--at", "2026-10-09T10:00:00+08:00")
		require.Equal(t, exitOK, code, errOut)
		assert.Contains(t, out, "published "+resultKTV1+" version 1 on 2026-10-09 (on_time)")
		assert.Equal(t, 2, trailKinds(t, db)["result.published"])
		code, out, _ = runCLI(t, "", "audit", "--store", db)
		assert.Equal(t, exitOK, code, out)
	})
	t.Run("release without the approver's review (审核)", func(t *testing.T) {
		dir := t.TempDir()
		db := filepath.Join(dir, "ssj.db")
		dispatchedStore(t, db)
		runSteps(t, []string{"publish", "enter", "--store", db, "--as", "录入员", "--at", "2026-09-30T09:00:00+08:00", filepath.Join(exampleData, "results.json")})
		code, _, errOut := runCLI(t, "", "publish", "release", resultKTV1, "--store", db, "--as", "治安大队")
		assert.Equal(t, exitProblem, code)
		assert.Contains(t, errOut, "has not been reviewed (审核)")
		code, _, errOut = runCLI(t, "", "publish", "approve", resultKTV1, "--store", db, "--as", "录入员")
		assert.Equal(t, exitProblem, code)
		assert.Contains(t, errOut, "may not review a result they entered")
	})
	t.Run("a result for a target that was not drawn", func(t *testing.T) {
		dir := t.TempDir()
		db := filepath.Join(dir, "ssj.db")
		dispatchedStore(t, db)
		code, _, errOut := runCLI(t, "", "publish", "enter", "--store", db, "--as", "录入员", filepath.Join("testdata", "kecheng", "results.json"))
		assert.Equal(t, exitProblem, code)
		assert.Contains(t, errOut, "no inspection notice for this target")
		assert.Contains(t, errOut, "result #0")
	})
	t.Run("a step on a store whose last event was edited", func(t *testing.T) {
		db := enteredStore(t)
		raw := openRaw(t, db)
		_, err := raw.Exec(`UPDATE events SET body = replace(body, '"审核员"', '"他人"') WHERE seq = (SELECT max(seq) FROM events)`)
		require.NoError(t, err)
		require.NoError(t, raw.Close())
		code, _, errOut := runCLI(t, "", "publish", "release", "--all", "--store", db, "--as", "治安大队")
		assert.Equal(t, exitProblem, code)
		assert.Contains(t, errOut, "does not match its hash")
	})
}
