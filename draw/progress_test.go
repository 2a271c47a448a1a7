package draw

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// progressLog records the calls of a Progress.
type progressLog [][2]int64

func (l *progressLog) report(done, total int64) { *l = append(*l, [2]int64{done, total}) }

// check asserts the Progress contract: 0 first, one total, done never
// decreasing, the total last.
func (l progressLog) check(t *testing.T, total int64) {
	t.Helper()
	require.NotEmpty(t, l)
	assert.Equal(t, [2]int64{0, total}, l[0])
	for i, c := range l {
		assert.Equal(t, total, c[1], "call %d", i)
		if i > 0 {
			assert.GreaterOrEqual(t, c[0], l[i-1][0], "call %d goes backwards", i)
		}
	}
	assert.Equal(t, [2]int64{total, total}, l[len(l)-1])
}

// CommitWith, RunWith and VerifyWith report their passes over the pool and
// give the same results as Commit, Run and Verify.
func TestProgress(t *testing.T) {
	pool, pools := vecPool(), vecInspectorPools()
	task, ev := vecTask(t)
	task.Inspectors = &MatchSpec{TeamSize: 2, LaunchingDepartment: "市场监管",
		WindowFrom: time.Date(2026, 9, 21, 0, 0, 0, 0, time.UTC), WindowTo: time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC),
		HomeRegions: []string{"330106"}, Fallback: true, FallbackRegions: []string{"330105"}}
	n := int64(len(pool))

	want, err := Commit(task, pool, pools)
	require.NoError(t, err)
	var log progressLog
	m, err := CommitWith(task, pool, pools, Options{Progress: log.report})
	require.NoError(t, err)
	assert.Equal(t, want, m)
	log.check(t, 2*n)
	assert.Len(t, log, 3, "one call at the start and one per pass")

	wantRec, err := Run(m, ev, pool, pools)
	require.NoError(t, err)
	log = nil
	rec, err := RunWith(m, ev, pool, pools, Options{Progress: log.report})
	require.NoError(t, err)
	wb, err := MarshalRecord(&wantRec)
	require.NoError(t, err)
	gb, err := MarshalRecord(&rec)
	require.NoError(t, err)
	assert.Equal(t, string(wb), string(gb), "the record does not depend on the progress callback")
	log.check(t, 3*n)

	log = nil
	require.NoError(t, VerifyWith(&rec, pool, pools, VerifyOptions{Progress: log.report}))
	log.check(t, verifyPasses*n)

	// Without a callback nothing changes.
	_, err = CommitWith(task, pool, pools, Options{})
	require.NoError(t, err)
}

// A computation that fails does not report the work as done.
func TestProgressNotFinishedOnError(t *testing.T) {
	pool, pools := vecPool(), vecInspectorPools()
	task, ev := vecTask(t)
	m, err := Commit(task, pool, nil)
	require.NoError(t, err)
	var log progressLog
	_, err = RunWith(m, ev, pool[1:], pools, Options{Progress: log.report})
	require.ErrorIs(t, err, ErrPoolMismatch)
	require.NotEmpty(t, log)
	last := log[len(log)-1]
	assert.Less(t, last[0], last[1])
}
