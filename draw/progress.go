package draw

import "github.com/shuangsuiji/ssj/registry"

// Progress reports how far a long computation of the draw has come: done
// of total units of work. A unit is one row of the target pool handled in
// one pass over it; the passes are listed at CommitWith, RunWith and
// VerifyOptions.Progress, so total is the pool's row count times the
// number of passes.
//
// Progress is called from the goroutine that called the draw function, at
// the end of each pass, with done never decreasing, and a last time with
// done equal to total when the computation succeeds. It only tells the
// caller how far the work is: the draw's result never depends on it. A
// front end typically draws a bar when the pool is large (ssj does from
// 100,000 rows when stderr is a terminal).
type Progress func(done, total int64)

// Options are the optional settings of CommitWith and RunWith.
type Options struct {
	// Progress, when not nil, is called as the work advances.
	Progress Progress
}

// CommitWith is Commit, reporting progress to opt.Progress over two passes
// of targets: selecting the units in scope, and committing to them.
func CommitWith(task Task, targets []registry.Target, pools *InspectorPools, opt Options) (Manifest, error) {
	p := newMeter(opt.Progress, len(targets), 2)
	m, err := commit(task, targets, pools, p)
	if err != nil {
		return Manifest{}, err
	}
	p.finish()
	return m, nil
}

// RunWith is Run, reporting progress to opt.Progress over three passes of
// targets: selecting the units in scope, checking the pools against the
// manifest's commitments, and ranking the eligible units (matching
// inspectors to the selected few is counted with the last pass).
func RunWith(m Manifest, evidence []Evidence, targets []registry.Target, pools *InspectorPools, opt Options) (Record, error) {
	p := newMeter(opt.Progress, len(targets), 3)
	rec, err := runMeter(&m, evidence, targets, pools, true, p)
	if err != nil {
		return Record{}, err
	}
	p.finish()
	return rec, nil
}

// verifyPasses is the number of passes of VerifyWith: the scope and the
// pool commitments, then the recomputation's scope and ranks.
const verifyPasses = 4

// meter counts the passes of one computation for a Progress. Its methods
// do nothing on a nil *meter (no Progress given).
type meter struct {
	report      Progress
	rows, total int64
	done        int64
}

// newMeter returns the meter of passes passes over rows rows, or nil when
// report is nil. It reports 0 done at once.
func newMeter(report Progress, rows, passes int) *meter {
	if report == nil {
		return nil
	}
	p := &meter{report: report, rows: int64(rows), total: int64(rows) * int64(passes)}
	report(0, p.total)
	return p
}

// pass records that one more pass over the rows is done.
func (p *meter) pass() {
	if p == nil {
		return
	}
	p.done = min(p.done+p.rows, p.total)
	p.report(p.done, p.total)
}

// finish reports the whole work as done (passes a computation skips, such
// as an empty scope, count as done).
func (p *meter) finish() {
	if p == nil || p.done == p.total && p.total > 0 {
		return
	}
	p.done = p.total
	p.report(p.done, p.total)
}
