package draw

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/internal/phase/phasetrace"
	"github.com/shuangsuiji/ssj/registry"
)

// RunPool and VerifyPool mark their phases as runtime/trace regions, once
// each, in order, on any number of processors (package doc, "Execution
// traces").
func TestPoolPhases(t *testing.T) {
	pool := dtPool(200, 21)
	pools := &InspectorPools{Home: dtInspectors(120)}
	m, err := Commit(dtMatchTask(), pool, pools)
	require.NoError(t, err)
	_, ev := dtSources()
	p, err := registry.NewPool(pool)
	require.NoError(t, err)
	for _, procs := range []int{1, 2} {
		run, verify := tracePool(t, m, ev, p, pools, procs)
		assert.Equal(t, []string{phaseCheck, phaseTally, phaseRank, phaseSelect, phaseSelections, phaseFinish}, phasetrace.Names(run), "RunPool, GOMAXPROCS %d", procs)
		for _, s := range run {
			assert.Equal(t, 1, s.Count, "RunPool: %s regions, GOMAXPROCS %d", s.Name, procs)
		}
		assert.Equal(t, []string{phaseCheck, phaseTally, phaseRankCommit, phaseSelect, phaseSelections, phaseFinish}, phasetrace.Names(verify), "VerifyPool, GOMAXPROCS %d", procs)
		for _, s := range verify {
			assert.Equal(t, 1, s.Count, "VerifyPool: %s regions, GOMAXPROCS %d", s.Name, procs)
		}
	}
}

// tracePool returns the phases RunPool marks on procs processors, and
// those VerifyPool marks checking its record.
func tracePool(t *testing.T, m Manifest, ev []Evidence, p *registry.Pool, pools *InspectorPools, procs int) (run, verify []phasetrace.Span) {
	t.Helper()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	var rec Record
	run, err := phasetrace.Record(func() (err error) {
		rec, err = RunPool(m, ev, p, pools)
		return err
	})
	require.NoError(t, err)
	verify, err = phasetrace.Record(func() error { return VerifyPool(&rec, p, pools) })
	require.NoError(t, err)
	return run, verify
}
