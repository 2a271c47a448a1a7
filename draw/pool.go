package draw

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"slices"
	"strings"

	"github.com/shuangsuiji/ssj/internal/merkle"
	"github.com/shuangsuiji/ssj/internal/phase"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
)

// This file is the draw over a compact pool (registry.Pool): the same
// draw as Run and Verify, computed per profile where the outcome depends
// only on a unit's profile (scope, stratum, status) and per unit only for
// labels (exclusions, compliance history, ranks, leaves).

// The phases of RunPool and VerifyPool, marked as runtime/trace regions
// (package doc, "Execution traces"), in the order they occur.
const (
	phaseCheck      = "ssj/draw: check pool"      // the pool's commitment (RunPool), the exclusions, R
	phaseTally      = "ssj/draw: tally"           // strata, eligibility and quotas
	phaseRank       = "ssj/draw: rank"            // every eligible unit's rank (RunPool)
	phaseRankCommit = "ssj/draw: rank and commit" // ranks and the commitment, in one pass (VerifyPool)
	phaseRankAgain  = "ssj/draw: rank again"      // every eligible unit's rank, unguarded (when a guard let too few through)
	phaseSelect     = "ssj/draw: select"          // each stratum's smallest ranks, from the workers' candidates
	phaseSelections = "ssj/draw: selections"      // the record's selections, built or compared
	phaseFinish     = "ssj/draw: finish record"   // groups and inspectors
)

// RunPool is Run over a committed compact pool: it gives the same record
// as Run over the same targets. The pool's commitment, computed when the
// pool was built, is compared with the manifest's instead of being
// recomputed; for a 定向 scope that leaves units out, the commitment over
// the units in scope is computed from the pool (on all processors). Ranks
// are computed on all processors; the record does not depend on their
// number.
func RunPool(m Manifest, evidence []Evidence, pool *registry.Pool, pools *InspectorPools) (Record, error) {
	return runPool(&m, evidence, pool, pools, false, nil)
}

// VerifyPool is Verify over a compact pool, typically read from the pool
// file with registry.ReadPool: it trusts nothing the pool carries and
// recomputes the pool commitment from the units' bytes, in one pass over
// the units in scope that computes each unit's leaf hash and, for eligible
// units, its rank together. It returns what Verify returns for the same
// record and targets.
func VerifyPool(rec *Record, pool *registry.Pool, pools *InspectorPools) error {
	return VerifyPoolWith(rec, pool, pools, VerifyOptions{})
}

// VerifyPoolWith is VerifyPool with the optional checks of opt (the lock
// signature and the chain anchor): it returns what VerifyWith returns for
// the same record, targets and options.
func VerifyPoolWith(rec *Record, pool *registry.Pool, pools *InspectorPools, opt VerifyOptions) error {
	m, err := verifyHead(rec)
	if err != nil {
		return err
	}
	return verifyRecord(rec, &m, pools, opt, func() (Record, error) {
		got, err := runPool(&m, rec.Evidence, pool, pools, true, rec.Selected)
		if err != nil {
			var ve *VerifyError
			if errors.As(err, &ve) {
				return Record{}, ve
			}
			return Record{}, runVerifyError(err)
		}
		return got, nil
	})
}

// poolScope is a manifest's scope over a pool.
type poolScope struct {
	in  []bool  // per profile: in scope
	idx []int32 // the units in scope, in label order; nil when all are
	n   int     // number of units in scope
}

func (s *poolScope) unit(k int) int {
	if s.idx == nil {
		return k
	}
	return int(s.idx[k])
}

func newPoolScope(m *Manifest, p *registry.Pool) *poolScope {
	s := &poolScope{in: make([]bool, p.Profiles()), n: p.Len()}
	all := true
	for j := range s.in {
		s.in[j] = true
		if m.Directed { // the profile's copy only when the scope reads it
			pt := p.ProfileTarget(j)
			s.in[j] = m.Scope.Contains(&pt)
		}
		all = all && s.in[j]
	}
	if all {
		return s
	}
	s.idx = make([]int32, 0, p.Len()/2)
	for i := range p.Len() {
		if s.in[p.Profile(i)] {
			s.idx = append(s.idx, int32(i))
		}
	}
	s.n = len(s.idx)
	return s
}

// poolTally is the tally of the units in scope of a pool, computed per
// profile, plus the units taken out by label (exclusions, compliance).
type poolTally struct {
	tally
	stratum []int32  // per profile: stratum index (in scope only)
	active  []bool   // per profile: status is active
	off     []uint64 // bitmap over units: taken out by label
}

func (pt *poolTally) eligible(p *registry.Pool, i int) bool {
	j := p.Profile(i)
	return pt.active[j] && pt.off[i/64]&(1<<(i%64)) == 0
}

// tallyPool is tallyScope for a pool.
func tallyPool(m *Manifest, p *registry.Pool, sc *poolScope) (*poolTally, error) {
	pl, err := m.prepare()
	if err != nil {
		return nil, err
	}
	if err := checkPoolLabels(p, sc); err != nil {
		return nil, err
	}
	// Units per profile, counted in parallel.
	np := p.Profiles()
	counts := make([][]int64, max(1, runtime.GOMAXPROCS(0)))
	parallelRange(sc.n, 4*rankGrain, func(w, _, lo, hi int) {
		if counts[w] == nil {
			counts[w] = make([]int64, np)
		}
		c := counts[w]
		for k := lo; k < hi; k++ {
			c[p.Profile(sc.unit(k))]++
		}
	})
	cnt := make([]int64, np)
	for _, c := range counts {
		for j := range c {
			cnt[j] += c[j]
		}
	}
	// Stratum keys of the profiles in scope.
	t := &poolTally{stratum: make([]int32, np), active: make([]bool, np), off: make([]uint64, (p.Len()+63)/64)}
	key := make([]string, np)
	raised := make([]bool, np) // per profile: uplifted (rule R12)
	// The profiles' stratum keys, on all processors (13k profiles at 1M
	// units: milliseconds on one goroutine otherwise); each chunk sorts
	// its own keys without duplicates. A chunk stops at its first error;
	// the error reported is then found again in label order
	// (firstTallyError), so that it names the first unit in label order
	// whose profile fails, as a pass over the units in label order does,
	// whatever the order of the input the profiles were numbered in.
	chunks := rangeChunks(np, profileGrain, rangeChunksPerProc)
	failed := make([]bool, chunks)
	ckeys := make([][]string, chunks)
	parallelChunks(np, chunks, func(_, c, lo, hi int) {
		var ks []string
		for j := lo; j < hi; j++ {
			if !sc.in[j] || cnt[j] == 0 {
				continue
			}
			k, active, up, err := classifyProfile(m, p, j, "")
			if err != nil {
				failed[c] = true
				return
			}
			key[j], t.active[j], raised[j] = k, active, up
			ks = append(ks, k)
		}
		slices.Sort(ks)
		ckeys[c] = slices.Compact(ks)
	})
	if slices.Contains(failed, true) {
		return nil, firstTallyError(m, p, sc)
	}
	keys := joinWorkers(chunks, func(c int) []string { return ckeys[c] })
	slices.Sort(keys)
	keys = slices.Compact(keys)
	t.keys = keys
	t.scope = make([]int64, len(keys))
	t.elig = make([]int64, len(keys))
	t.excl = make([][4]int64, len(keys))
	t.uplifted = make([]int64, len(keys))
	for j := range np {
		if !sc.in[j] || cnt[j] == 0 {
			continue
		}
		s, _ := slices.BinarySearch(keys, key[j])
		t.stratum[j] = int32(s)
		t.scope[s] += cnt[j]
		if raised[j] {
			t.uplifted[s] += cnt[j]
		}
		if t.active[j] {
			t.elig[s] += cnt[j]
		} else {
			t.excl[s][rNotActive] += cnt[j]
		}
	}
	// Units taken out by label: listed first, then compliant.
	takeOut := func(label string, r int) {
		i, ok := p.Find(label)
		if !ok || t.off[i/64]&(1<<(i%64)) != 0 {
			return
		}
		j := p.Profile(i)
		if !sc.in[j] || !t.active[j] {
			return
		}
		t.off[i/64] |= 1 << (i % 64)
		s := t.stratum[j]
		t.elig[s]--
		t.excl[s][r]++
	}
	for _, e := range m.Exclusions {
		if pl.excluded[e.Target] {
			takeOut(e.Target, rListed)
		}
	}
	for _, c := range m.Compliant {
		if pl.compliant[c.Target] {
			takeOut(c.Target, rCompliant)
		}
	}
	if m.Quota.Total == 0 && !pl.hasDef {
		for _, k := range t.keys {
			if _, ok := pl.ratios[k]; !ok {
				return nil, fmt.Errorf("%w: quota: stratum %q occurs in scope but has no ratio and there is no default_ratio", ErrInvalidTask, k)
			}
		}
	}
	return t, nil
}

// classifyProfile returns profile j's stratum key, whether its units are
// active, and whether its credit class is uplifted (rule R12); an error
// names the unit label.
func classifyProfile(m *Manifest, p *registry.Pool, j int, label string) (key string, active, raised bool, err error) {
	u := p.ProfileTarget(j)
	u.ID = label // the errors name a unit
	var up string
	if m.Uplift != nil {
		if up, raised, err = m.Uplift.Class(&u); err != nil {
			return "", false, false, fmt.Errorf("draw: targets: %w", err)
		}
	}
	vals := make([]string, len(m.Strata))
	for x, k := range m.Strata {
		vals[x] = unitStratumValue(&u, k, up)
	}
	for x, k := range m.Strata {
		if err := CheckLabel("stratum value "+k, vals[x]); err != nil {
			return "", false, false, fmt.Errorf("draw: target %q: %w", label, err)
		}
		if strings.Contains(vals[x], "/") {
			return "", false, false, fmt.Errorf("%w: target %q: stratum value %s %q contains \"/\"", ErrLabel, label, k, vals[x])
		}
	}
	return strings.Join(vals, "/"), u.Status == registry.StatusActive, raised, nil
}

// firstTallyError walks the units in scope in label order and returns
// the error of the first whose profile fails classifyProfile, naming
// that unit (tallyPool calls it once some profile has failed).
func firstTallyError(m *Manifest, p *registry.Pool, sc *poolScope) error {
	seen := make([]bool, p.Profiles())
	for k := range sc.n {
		i := sc.unit(k)
		j := p.Profile(i)
		if seen[j] {
			continue
		}
		seen[j] = true
		if _, _, _, err := classifyProfile(m, p, j, p.Label(i)); err != nil {
			return err
		}
	}
	return errors.New("draw: targets: a profile failed its classification, then passed it") // cannot happen: classifyProfile is deterministic
}

// checkPoolExclusions is checkExclusionsInScope for a pool.
func checkPoolExclusions(m *Manifest, p *registry.Pool, sc *poolScope) error {
	for _, e := range m.Exclusions {
		i, ok := p.Find(e.Target)
		if !ok || !sc.in[p.Profile(i)] {
			return fmt.Errorf("%w: exclusions: target %q is not in the task's scope", ErrInvalidTask, e.Target)
		}
	}
	return nil
}

// checkInspectorPools is the inspector part of checkPoolCommitments.
func checkInspectorPools(m *Manifest, pools *InspectorPools) error {
	if m.Inspectors == nil {
		return nil
	}
	if pools == nil {
		return fmt.Errorf("%w: the manifest matches inspectors but no inspector pool was given", ErrPoolMismatch)
	}
	h, err := registry.CommitInspectorsWith(m.mustSuite(), pools.Home)
	if err != nil {
		return fmt.Errorf("draw: inspector pool: %w", err)
	}
	if h != m.Inspectors.Pool {
		return &VerifyError{Path: "manifest.inspectors.pool", Record: fmt.Sprintf("count %d root %s", m.Inspectors.Pool.Count, m.Inspectors.Pool.Root),
			Recomputed: fmt.Sprintf("count %d root %s", h.Count, h.Root), Err: ErrPoolMismatch}
	}
	if m.Inspectors.Fallback != nil {
		f, err := registry.CommitInspectorsWith(m.mustSuite(), pools.Fallback)
		if err != nil {
			return fmt.Errorf("draw: fallback inspector pool: %w", err)
		}
		if f != *m.Inspectors.Fallback {
			return &VerifyError{Path: "manifest.inspectors.fallback", Record: fmt.Sprintf("count %d root %s", m.Inspectors.Fallback.Count, m.Inspectors.Fallback.Root),
				Recomputed: fmt.Sprintf("count %d root %s", f.Count, f.Root), Err: ErrPoolMismatch}
		}
	} else if len(pools.Fallback) > 0 {
		return fmt.Errorf("%w: a fallback inspector pool was given but the manifest declares none", ErrPoolMismatch)
	}
	return nil
}

// compareTargets compares the recomputed commitment of the units in
// scope with the manifest's.
func compareTargets(m *Manifest, n int, root merkle.Hash) error {
	c := registry.Commitment{Count: n, Root: hex.EncodeToString(root[:])}
	if c != m.Targets {
		return &VerifyError{Path: "manifest.targets", Record: fmt.Sprintf("count %d root %s", m.Targets.Count, m.Targets.Root),
			Recomputed: fmt.Sprintf("count %d root %s", c.Count, c.Root), Err: ErrPoolMismatch}
	}
	return nil
}

// rootOnly is the commitment over the units in scope.
func rootOnly(cs suite.Suite, p *registry.Pool, sc *poolScope) merkle.Hash {
	if sc.idx == nil {
		return p.RootOfWith(cs, p.Len(), func(k int) int { return k })
	}
	return p.RootOfWith(cs, sc.n, func(k int) int { return int(sc.idx[k]) })
}

// runPool is run over a pool. verify recomputes the commitment from the
// pool's bytes, fused with the ranks; otherwise the pool's commitment is
// trusted. want, when not empty, is the record's selections (verify
// only): when the recomputed selections equal them, the result's
// Selected is want itself (equal values, so nothing that reads the
// record sees the difference) instead of new strings built only to be
// compared with them.
func runPool(m *Manifest, evidence []Evidence, p *registry.Pool, pools *InspectorPools, verify bool, want []Selection) (Record, error) {
	if err := m.Validate(); err != nil {
		return Record{}, err
	}
	mh, err := m.Hash()
	if err != nil {
		return Record{}, err
	}
	cs := m.mustSuite()
	var ph phase.Phases
	defer ph.End()
	ph.Next(phaseCheck)
	sc := newPoolScope(m, p)
	inspectors := func() error {
		err := checkInspectorPools(m, pools)
		var ve *VerifyError
		if err != nil && verify && !errors.As(err, &ve) {
			return &VerifyError{Path: "manifest.inspectors", Err: err}
		}
		return err
	}
	// fail reports err, unless (when verifying) the pool commitments,
	// which Verify checks first, differ.
	fail := func(err error) (Record, error) {
		if verify {
			if perr := compareTargets(m, sc.n, rootOnly(cs, p, sc)); perr != nil {
				return Record{}, perr
			}
			if perr := inspectors(); perr != nil {
				return Record{}, perr
			}
		}
		return Record{}, err
	}
	if !verify {
		var root merkle.Hash
		if sc.idx == nil {
			c := p.CommitmentWith(cs)
			if c != m.Targets {
				return Record{}, &VerifyError{Path: "manifest.targets", Record: fmt.Sprintf("count %d root %s", m.Targets.Count, m.Targets.Root),
					Recomputed: fmt.Sprintf("count %d root %s", c.Count, c.Root), Err: ErrPoolMismatch}
			}
		} else if root = rootOnly(cs, p, sc); compareTargets(m, sc.n, root) != nil {
			return Record{}, compareTargets(m, sc.n, root)
		}
		if err := inspectors(); err != nil {
			return Record{}, err
		}
	}
	if err := checkPoolExclusions(m, p, sc); err != nil {
		return fail(err)
	}
	rnd, err := DeriveRandomnessWith(cs, m.CommitTime, m.Sources, evidence)
	if err != nil {
		return fail(fmt.Errorf("draw: randomness: %w", err))
	}
	k := DeriveKeyWith(cs, mh, rnd.R)
	ph.Next(phaseTally)
	t, err := tallyPool(m, p, sc)
	if err != nil {
		return fail(err)
	}
	quota, base, ratio, err := t.quotas(m)
	if err != nil {
		return fail(err)
	}
	rec, take := newRecord(m, mh, evidence, rnd, k, &t.tally, sc.n, quota, base, ratio)
	chosen, root := selectPool(cs, k, p, sc, t, take, verify, &ph)
	if verify {
		if err := compareTargets(m, sc.n, root); err != nil {
			return Record{}, err
		}
		if err := inspectors(); err != nil {
			return Record{}, err
		}
	}
	ph.Next(phaseSelections)
	if verify && len(want) > 0 && len(want) == len(chosen) && poolSelectionsEqual(cs, k, p, t, chosen, want) {
		rec.Selected = want
	} else {
		rec.Selected = poolSelections(cs, k, p, t, chosen)
	}
	ph.Next(phaseFinish)
	return finishRecord(rec, m, k, pools)
}

// selectPool ranks the eligible units in scope of strata with a positive
// take and returns the take[s] smallest of each stratum, in ascending
// (rank, label) order. With withRoot it also
// returns the commitment root over the units in scope, computing each
// unit's leaf hash in the same pass as its rank. The result does not
// depend on the number of processors. ph is moved to the ranking phase,
// then to the selection's.
func selectPool(cs suite.Suite, k Key, p *registry.Pool, sc *poolScope, t *poolTally, take []int64, withRoot bool, ph *phase.Phases) ([]selCand, merkle.Hash) {
	if withRoot {
		ph.Next(phaseRankCommit)
	} else {
		ph.Next(phaseRank)
	}
	workers := runtime.GOMAXPROCS(0)
	tree := cs.Merkle()
	type state struct {
		bs  []selBuf
		rk  *Ranker
		ctx *selCtx
		buf []byte
		d   *merkle.Digest // leaf hashes (SHA-256: the one-shot function)
	}
	st := make([]*state, workers)
	// Each stratum's guard (rankGuard), while its buffers are guarded.
	guard, guarded := make([]uint64, len(take)), make([]bool, len(take))
	for s := range take {
		if take[s] > 0 {
			guard[s], guarded[s] = rankGuard(take[s], t.elig[s])
		}
	}
	// newBufs gives each worker new buffers, bounded by the guards of
	// the strata still guarded.
	newBufs := func() {
		for w := range st {
			bs := make([]selBuf, len(take))
			for s := range bs {
				bs[s].k = int(take[s])
				if take[s] <= 0 {
					continue
				}
				expect := t.elig[s]
				if guarded[s] {
					bs[s].thr, bs[s].full = guard[s], true
					expect = take[s] + guardMargin(take[s])
				}
				bs[s].items = make([]selCand, 0, bufCap(take[s], expect, workers))
			}
			if st[w] == nil {
				st[w] = &state{rk: NewRankerWith(cs, k), ctx: &selCtx{pool: p, rk: NewRankerWith(cs, k)}, d: tree.NewDigest()}
			}
			st[w].bs = bs
		}
	}
	newBufs()
	rankUnit := func(s *state, i int) {
		if !t.eligible(p, i) {
			return
		}
		b := &s.bs[t.stratum[p.Profile(i)]]
		if b.k == 0 {
			return
		}
		r := s.rk.RankTarget(p.Label(i))
		b.offer(s.ctx, selCand{binary.BigEndian.Uint64(r[:8]), int32(i)})
	}
	// rankAll ranks the units in scope on all processors, in chunks of
	// rankGrain units taken by the workers as they finish the previous
	// one (as ParallelRoot does below): a static half each left one
	// processor idle for up to a tenth of the pass when the other was
	// slowed down. The candidates kept do not depend on which worker saw
	// which unit (the k smallest of each stratum by a total order).
	rankAll := func() {
		parallelChunks(sc.n, (sc.n+rankGrain-1)/rankGrain, func(w, _, lo, hi int) {
			s := st[w]
			for kk := lo; kk < hi; kk++ {
				rankUnit(s, sc.unit(kk))
			}
		})
	}
	var root merkle.Hash
	if withRoot {
		root = tree.ParallelRoot(sc.n, workers, func(w, lo, hi int, dst []merkle.Hash) {
			s := st[w]
			b := s.buf
			for kk := lo; kk < hi; kk++ {
				i := sc.unit(kk)
				b = p.AppendLeaf(append(b[:0], 0), i)
				dst[kk-lo] = s.d.Sum(b)
				rankUnit(s, i)
			}
			s.buf = b
		})
	} else {
		rankAll()
	}
	// When a stratum's guard let fewer than its take through (about once
	// in a billion strata), the units are ranked again, unguarded.
	for s := range take {
		n := 0
		for w := range st {
			n += len(st[w].bs[s].items)
		}
		if int64(n) < take[s] && guarded[s] {
			ph.Next(phaseRankAgain)
			clear(guarded)
			newBufs()
			rankAll()
			break
		}
	}
	ph.Next(phaseSelect)
	bufs := make([][]selBuf, len(st))
	for w := range st {
		bufs[w] = st[w].bs
	}
	return poolSelection(cs, k, p, bufs, take), root
}

// bufCap is the capacity each worker's selection buffer for a stratum
// starts with, when workers share the ranking pass, take units of the
// stratum are drawn and expect of its eligible units are expected to be
// offered to the buffers (all of them, or those the guard lets through):
// what one worker is expected to be offered (its share, plus a quarter
// for the uneven shares of the dynamic chunks), and never more than the
// buffer holds before it is compacted.
// Grown from empty by append instead, the buffers were the largest
// allocation of RunPool (about 30 MB per draw of the 1M bench, two
// thirds of it garbage), enough to start a garbage collection during
// the draw on 2 processors and not on one.
func bufCap(take, expect int64, workers int) int {
	share := expect/int64(workers) + expect/int64(4*workers) + 1024
	return int(min(2*take+1024, expect+1, share))
}

// rankGuard returns the guard of a stratum of elig eligible units of
// which take are drawn, and whether there is one: a rank prefix that
// about take + guardMargin(take) of the units' prefixes do not exceed,
// since ranks are uniform. The ranking pass keeps only candidates whose
// prefix is at most the guard: the take smallest are among them when at
// least take are (the strata are ranked again, unguarded, when not: the
// count falls more than six standard deviations short of its mean, about
// once in a billion strata). The selection does not depend on the guard.
//
// Unguarded, each worker's buffer filled up to twice the take (or its
// whole share of the stratum) before it was first cut, all of it fresh
// memory: 8.2 MB at 1M on 2 processors and 4.4 MB on one, against 2.4 MB
// guarded, where a page fault costs 14 µs (bench/draw's results).
func rankGuard(take, elig int64) (uint64, bool) {
	m := take + guardMargin(take)
	if m >= elig || m < 0 {
		return 0, false
	}
	g, _ := bits.Div64(uint64(m), 0, uint64(elig))
	return g, true
}

// guardMargin is how many more units than the take a stratum's guard
// lets through on average: six standard deviations of the count, and 64
// (a variable so that tests can make the guard let too few through).
var guardMargin = func(take int64) int64 { return 6*isqrt(take) + 64 }

// isqrt is the integer square root of n ≥ 0.
func isqrt(n int64) int64 {
	if n < 2 {
		return n
	}
	x := int64(1) << ((bits.Len64(uint64(n)) + 1) / 2) // x*x >= n
	for {
		y := (x + n/x) / 2
		if y >= x {
			return x
		}
		x = y
	}
}

// profileGrain is the smallest number of profiles tallyPool classifies
// on one goroutine (a variable so that tests can make it small).
var profileGrain = 512

// rankGrain is the number of units per chunk of the ranking pass of
// RunPool (a variable so that tests can make it small).
var rankGrain = 8192

// label returns the label of candidate i.
func (c *selCtx) label(i int32) string {
	if c.pool != nil {
		return c.pool.Label(int(i))
	}
	return c.scope[i].ID
}

// CommitPool is Commit over a committed compact pool: the same manifest as
// Commit over the same targets. When every unit is in scope the pool's
// carried commitment is used as is; otherwise the commitment over the
// units in scope is computed from the pool.
func CommitPool(task Task, pool *registry.Pool, pools *InspectorPools) (Manifest, error) {
	m, err := newManifest(task)
	if err != nil {
		return Manifest{}, err
	}
	sc := newPoolScope(&m, pool)
	cs := m.mustSuite()
	if sc.idx == nil {
		m.Targets = pool.CommitmentWith(cs)
	} else {
		r := rootOnly(cs, pool, sc)
		m.Targets = registry.Commitment{Count: sc.n, Root: hex.EncodeToString(r[:])}
	}
	if err := checkPoolExclusions(&m, pool, sc); err != nil {
		return Manifest{}, err
	}
	if err := m.commitInspectors(pools); err != nil {
		return Manifest{}, err
	}
	if _, err := tallyPool(&m, pool, sc); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

// newRecord is the record of a draw up to its selection: the counts of
// tally t over n units in scope, quotas and shortfalls. take[s] is the
// number of units stratum s selects.
func newRecord(m *Manifest, mh [32]byte, evidence []Evidence, rnd Randomness, k Key, t *tally, n int, quota, base []int64, ratio []string) (Record, []int64) {
	rec := Record{
		Format:                RecordFormat,
		Manifest:              *m,
		ManifestHash:          hex.EncodeToString(mh[:]),
		Evidence:              slices.Clone(evidence),
		SourceInputs:          make([]string, len(rnd.Inputs)),
		R:                     hex.EncodeToString(rnd.R[:]),
		K:                     hex.EncodeToString(k[:]),
		ManipulationResistant: rnd.ManipulationResistant,
		Scope:                 n,
		Exclusions:            []ExclusionCount{},
		Strata:                make([]StratumResult, len(t.keys)),
	}
	for i, in := range rnd.Inputs {
		rec.SourceInputs[i] = hex.EncodeToString(in)
	}
	var total [4]int64
	take := make([]int64, len(t.keys))
	for s, key := range t.keys {
		take[s] = min(quota[s], t.elig[s])
		sr := StratumResult{
			Stratum: key, Ratio: ratio[s],
			Scope: int(t.scope[s]), Eligible: int(t.elig[s]),
			Exclusions: exclusionCounts(t.excl[s]),
			Uplifted:   int(t.uplifted[s]),
			Base:       int(base[s]), Quota: int(quota[s]),
			Selected: int(take[s]), Shortfall: int(quota[s] - take[s]),
		}
		rec.Strata[s] = sr
		rec.Eligible += sr.Eligible
		rec.Quota += sr.Quota
		rec.Shortfall += sr.Shortfall
		for r := range total {
			total[r] += t.excl[s][r]
		}
	}
	rec.Exclusions = exclusionCounts(total)
	return rec, take
}
