package draw

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
)

// Run performs the draw of manifest m (DRAW.md §2–5, rule R15): it checks
// that targets (the registry, or only the units in scope; order does not
// matter) match the manifest's commitment, derives R from the evidence and
// K from the manifest hash and R, ranks every eligible unit in scope by
// rank("target", label), selects per stratum the quota smallest ranks,
// orders the selection by ascending rank, cuts it into batches and, when
// the manifest asks for it, matches an inspector group to every selected
// target from pools. Run is a pure function of its arguments.
func Run(m Manifest, evidence []Evidence, targets []registry.Target, pools *InspectorPools) (Record, error) {
	return run(&m, evidence, targets, pools, true)
}

func run(m *Manifest, evidence []Evidence, targets []registry.Target, pools *InspectorPools, checkPools bool) (Record, error) {
	return runMeter(m, evidence, targets, pools, checkPools, nil)
}

// runMeter is run; p counts its passes (progress.go).
func runMeter(m *Manifest, evidence []Evidence, targets []registry.Target, pools *InspectorPools, checkPools bool, p *meter) (Record, error) {
	if err := m.Validate(); err != nil {
		return Record{}, err
	}
	mh, err := m.Hash()
	if err != nil {
		return Record{}, err
	}
	scope := m.scopeUnits(targets)
	p.pass()
	if checkPools {
		if err := checkPoolCommitments(m, scope, pools); err != nil {
			return Record{}, err
		}
		p.pass()
	}
	if err := m.checkExclusionsInScope(scope); err != nil {
		return Record{}, err
	}
	cs := m.mustSuite()
	rnd, err := DeriveRandomnessWith(cs, m.CommitTime, m.Sources, evidence)
	if err != nil {
		return Record{}, fmt.Errorf("draw: randomness: %w", err)
	}
	k := DeriveKeyWith(cs, mh, rnd.R)
	t, err := tallyScope(m, scope)
	if err != nil {
		return Record{}, err
	}
	quota, base, ratio, err := t.quotas(m)
	if err != nil {
		return Record{}, err
	}
	rec, take := newRecord(m, mh, evidence, rnd, k, t, len(scope), quota, base, ratio)
	chosen, ranks := selectSmallest(cs, k, scope, t, take)
	p.pass()
	rec.Selected = make([]Selection, len(chosen))
	for i, c := range chosen {
		u := &scope[c.i]
		rec.Selected[i] = Selection{Target: u.ID, Name: u.Name, Stratum: t.keys[t.class[c.i]>>2], Rank: ranks[i].String()}
	}
	return finishRecord(rec, m, k, pools)
}

// finishRecord completes a record whose selection is made, for Run,
// RunPool and the streaming verifier alike: the batches (§8) and, when the
// manifest matches inspectors, the groups (§9).
func finishRecord(rec Record, m *Manifest, k Key, pools *InspectorPools) (Record, error) {
	rec.Batches = makeBatches(rec.Selected, m.Batches)
	if m.Inspectors == nil {
		return rec, nil
	}
	if pools == nil {
		return Record{}, fmt.Errorf("%w: the manifest matches inspectors but no inspector pool was given", ErrInvalidTask)
	}
	labels := make([]string, len(rec.Selected))
	for i, s := range rec.Selected {
		labels[i] = s.Target
	}
	groups, err := MatchWith(m.mustSuite(), k, labels, pools.Home, pools.Fallback, m.Inspectors.Spec)
	if err != nil {
		return Record{}, fmt.Errorf("draw: inspectors: %w", err)
	}
	rec.Groups = groups
	return rec, nil
}

// checkPoolCommitments recomputes the pool commitments and compares them
// with the manifest's.
func checkPoolCommitments(m *Manifest, scope []registry.Target, pools *InspectorPools) error {
	c, err := registry.CommitTargetsWith(m.mustSuite(), scope)
	if err != nil {
		return fmt.Errorf("draw: target pool: %w", err)
	}
	if c != m.Targets {
		return &VerifyError{Path: "manifest.targets", Record: fmt.Sprintf("count %d root %s", m.Targets.Count, m.Targets.Root),
			Recomputed: fmt.Sprintf("count %d root %s", c.Count, c.Root), Err: ErrPoolMismatch}
	}
	return checkInspectorPools(m, pools)
}

func exclusionCounts(c [4]int64) []ExclusionCount {
	out := []ExclusionCount{}
	for r, reason := range []ExclusionReason{rNotActive: ExcludeNotActive, rListed: ExcludeListed, rCompliant: ExcludeCompliant} {
		if r != rEligible && c[r] > 0 {
			out = append(out, ExclusionCount{Reason: reason, Count: int(c[r])})
		}
	}
	return out
}

// makeBatches cuts the selection, in its order, into n batches of sizes
// differing by at most one, the larger first. n ≤ 0 gives no batches.
func makeBatches(sel []Selection, n int) []Batch {
	if n <= 0 {
		return nil
	}
	out := make([]Batch, n)
	size, extra := len(sel)/n, len(sel)%n
	at := 0
	for b := range n {
		k := size
		if b < extra {
			k++
		}
		out[b] = Batch{Number: b + 1, Targets: make([]string, 0, k)}
		for _, s := range sel[at : at+k] {
			out[b].Targets = append(out[b].Targets, s.Target)
		}
		at += k
	}
	return out
}

// selCand is a ranked unit: the first 8 bytes of its rank, big-endian,
// and its index in the scope. Keeping candidates at 16 bytes keeps the
// heaps small; the full rank is recomputed only when two prefixes are
// equal and for the selected units.
type selCand struct {
	key uint64
	i   int32
}

// selCtx compares candidates exactly: by the 8-byte prefix, then by the
// full rank, then by label bytes. It owns a Ranker, so one selCtx serves
// one goroutine.
type selCtx struct {
	scope []registry.Target
	pool  *registry.Pool // when set, candidates index the pool, not scope
	rk    *Ranker
}

func (c *selCtx) cmp(a, b selCand) int {
	if a.key != b.key {
		if a.key < b.key {
			return -1
		}
		return 1
	}
	if a.i == b.i {
		return 0
	}
	la, lb := c.label(a.i), c.label(b.i)
	ra, rb := c.rk.RankTarget(la), c.rk.RankTarget(lb)
	if r := ra.Compare(rb); r != 0 {
		return r
	}
	return strings.Compare(la, lb)
}

func (c *selCtx) less(a, b selCand) bool { return c.cmp(a, b) < 0 }

// selHeap is a bounded max-heap keeping the k smallest candidates seen.
type selHeap struct {
	k     int
	items []selCand
}

func (h *selHeap) offer(c *selCtx, x selCand) {
	it := h.items
	if len(it) < h.k {
		it = append(it, x)
		for j := len(it) - 1; j > 0; {
			p := (j - 1) / 2
			if !c.less(it[p], it[j]) {
				break
			}
			it[p], it[j] = it[j], it[p]
			j = p
		}
		h.items = it
		return
	}
	// Fast reject: most candidates rank after the current k-th.
	if x.key > it[0].key || !c.less(x, it[0]) {
		return
	}
	it[0] = x
	for j := 0; ; {
		l, big := 2*j+1, j
		if l < len(it) && c.less(it[big], it[l]) {
			big = l
		}
		if r := l + 1; r < len(it) && c.less(it[big], it[r]) {
			big = r
		}
		if big == j {
			break
		}
		it[j], it[big] = it[big], it[j]
		j = big
	}
}

// selectSmallest ranks the eligible units of strata with a positive take
// and returns, over all strata, the take[s] smallest of each stratum, in
// ascending (rank, label) order, with their full ranks. The work is split
// across goroutines; the result does not depend on the split.
func selectSmallest(cs suite.Suite, k Key, scope []registry.Target, t *tally, take []int64) ([]selCand, []Rank) {
	workers := parallelism(len(scope))
	heaps := make([][]selHeap, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := len(scope)*w/workers, len(scope)*(w+1)/workers
		wg.Go(func() {
			hs := make([]selHeap, len(take))
			for s := range hs {
				hs[s].k = int(take[s])
				hs[s].items = make([]selCand, 0, min(take[s], int64(hi-lo)))
			}
			rk := NewRankerWith(cs, k)
			ctx := &selCtx{scope: scope, rk: NewRankerWith(cs, k)}
			for i := lo; i < hi; i++ {
				c := t.class[i]
				if c&3 != rEligible {
					continue
				}
				h := &hs[c>>2]
				if h.k == 0 {
					continue
				}
				r := rk.RankTarget(scope[i].ID)
				h.offer(ctx, selCand{binary.BigEndian.Uint64(r[:8]), int32(i)})
			}
			heaps[w] = hs
		})
	}
	wg.Wait()
	ctx := &selCtx{scope: scope, rk: NewRankerWith(cs, k)}
	var total int64
	for _, k := range take {
		total += k
	}
	out := make([]selCand, 0, total)
	for s := range take {
		all := joinWorkers(workers, func(w int) []selCand { return heaps[w][s].items })
		slices.SortFunc(all, ctx.cmp)
		out = append(out, all[:take[s]]...)
	}
	slices.SortFunc(out, ctx.cmp)
	ranks := make([]Rank, len(out))
	for i, c := range out {
		ranks[i] = ctx.rk.RankTarget(scope[c.i].ID)
	}
	return out, ranks
}
