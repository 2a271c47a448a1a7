package draw

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/shuangsuiji/ssj/internal/merkle"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
)

// VerifyStream is Verify reading the target pool file r once, for pools
// too large to hold: r must be in canonical order (registry.ScanPool:
// UTF-8, rows sorted by ID in byte order, as `ssj registry export
// --canonical` writes). Memory holds one block of the file, a Merkle
// compact range (O(log n) hashes), one tally per profile and, per stratum,
// the smallest ranks seen so far, as many as the record says the stratum
// selected: it is bounded by the selected set, not by the pool. The
// verdict is Verify's: nil, or the same first difference.
//
// When r turns out not to be in canonical order, VerifyStream returns an
// error wrapping registry.ErrNotCanonical (it may have read part of r);
// read the file with registry.ReadPool and use VerifyPool instead. A file
// with row problems gives ScanPool's error; neither is a *VerifyError.
func VerifyStream(rec *Record, r io.Reader, opt registry.ImportOptions, pools *InspectorPools) error {
	return VerifyStreamWith(rec, r, opt, pools, VerifyOptions{})
}

// VerifyStreamWith is VerifyStream with the optional checks of vopt (the
// lock signature and the chain anchor): its verdict is VerifyWith's for
// the same record, targets and options.
func VerifyStreamWith(rec *Record, r io.Reader, opt registry.ImportOptions, pools *InspectorPools, vopt VerifyOptions) error {
	m, err := verifyHead(rec)
	if err != nil {
		return err
	}
	return verifyBlocks(rec, m, func(fn func(*registry.Pool) error) error { return registry.ScanPool(r, opt, fn) }, pools, vopt)
}

// verifyBlocks is VerifyStreamWith once the manifest is known valid: scan
// hands every block of the pool, in label order, to its function (blocks
// share the profile numbering of the first, as registry.ScanPool's do).
func verifyBlocks(rec *Record, m Manifest, scan func(func(*registry.Pool) error) error, pools *InspectorPools, vopt VerifyOptions) error {
	mh, _ := m.Hash()
	pl, err := m.prepare()
	if err != nil {
		return &VerifyError{Path: "manifest", Err: err}
	}
	cs := m.mustSuite()
	rnd, rndErr := DeriveRandomnessWith(cs, m.CommitTime, m.Sources, rec.Evidence)
	var k Key
	if rndErr == nil {
		k = DeriveKeyWith(cs, mh, rnd.R)
	}
	claimed := map[string]int{}
	for _, s := range rec.Strata {
		claimed[s.Stratum] = max(claimed[s.Stratum], s.Selected)
	}
	st := &streamState{m: &m, cs: cs, cr: compactRange{d: cs.Merkle().NewDigest(), tree: cs.Merkle()}, pl: pl, k: k, ranked: rndErr == nil, claimed: claimed, seen: map[string]bool{}}
	if err := scan(st.block); err != nil {
		return err
	}
	// Verify's order: the pool commitments, the exclusions, the
	// randomness, the tally, then the record.
	if err := compareTargets(&m, st.n, st.cr.root()); err != nil {
		return err
	}
	if err := checkInspectorPools(&m, pools); err != nil {
		var ve *VerifyError
		if errors.As(err, &ve) {
			return ve
		}
		return &VerifyError{Path: "manifest.inspectors", Err: err}
	}
	for _, e := range m.Exclusions {
		if !st.seen[e.Target] {
			return runVerifyError(fmt.Errorf("%w: exclusions: target %q is not in the task's scope", ErrInvalidTask, e.Target))
		}
	}
	if rndErr != nil {
		return runVerifyError(fmt.Errorf("draw: randomness: %w", rndErr))
	}
	if st.err != nil {
		return runVerifyError(st.err)
	}
	got, err := st.record(rec.Evidence, mh, rnd, pools)
	if err != nil {
		return runVerifyError(err)
	}
	return verifyRecord(rec, &m, pools, vopt, func() (Record, error) { return got, nil })
}

// compactRange is an RFC 6962 Merkle compact range from leaf 0: the roots
// of the perfect subtrees of decreasing size that cover the leaves so far.
type compactRange struct {
	hashes []merkle.Hash
	sizes  []uint64
	d      *merkle.Digest // node hashes, in the manifest's suite
	tree   merkle.Hasher
}

func (c *compactRange) push(h merkle.Hash) {
	c.hashes, c.sizes = append(c.hashes, h), append(c.sizes, 1)
	for n := len(c.sizes); n >= 2 && c.sizes[n-2] == c.sizes[n-1]; n = len(c.sizes) {
		c.hashes[n-2] = c.d.NodeHash(c.hashes[n-2], c.hashes[n-1])
		c.sizes[n-2] *= 2
		c.hashes, c.sizes = c.hashes[:n-1], c.sizes[:n-1]
	}
}

// root folds the range from the right: the tree head over every leaf.
func (c *compactRange) root() merkle.Hash {
	if len(c.hashes) == 0 {
		return c.tree.EmptyRoot()
	}
	h := c.hashes[len(c.hashes)-1]
	for i := len(c.hashes) - 2; i >= 0; i-- {
		h = c.d.NodeHash(c.hashes[i], h)
	}
	return h
}

// streamCand is a ranked unit kept by a streaming heap.
type streamCand struct {
	rank        Rank
	label, name string
}

func cmpStreamCand(a, b *streamCand) int {
	if c := bytes.Compare(a.rank[:], b.rank[:]); c != 0 {
		return c
	}
	return strings.Compare(a.label, b.label)
}

// streamHeap is a bounded max-heap keeping the k smallest candidates.
type streamHeap struct {
	k     int
	items []streamCand
}

func (h *streamHeap) offer(rank Rank, label, name string) {
	x := streamCand{rank: rank, label: label, name: name}
	it := h.items
	if len(it) < h.k {
		x.label, x.name = strings.Clone(label), strings.Clone(name)
		it = append(it, x)
		for j := len(it) - 1; j > 0; {
			p := (j - 1) / 2
			if cmpStreamCand(&it[p], &it[j]) >= 0 {
				break
			}
			it[p], it[j] = it[j], it[p]
			j = p
		}
		h.items = it
		return
	}
	if h.k == 0 || cmpStreamCand(&x, &it[0]) >= 0 {
		return
	}
	x.label, x.name = strings.Clone(label), strings.Clone(name)
	it[0] = x
	for j := 0; ; {
		l, big := 2*j+1, j
		if l < len(it) && cmpStreamCand(&it[big], &it[l]) < 0 {
			big = l
		}
		if r := l + 1; r < len(it) && cmpStreamCand(&it[big], &it[r]) < 0 {
			big = r
		}
		if big == j {
			break
		}
		it[j], it[big] = it[big], it[j]
		j = big
	}
}

// streamProfile is what a profile decides: scope, stratum, status.
type streamProfile struct {
	in, active bool
	raised     bool // the manifest's uplift raised its class (rule R12)
	key        string
	counts     [4]int64 // units in scope by reason
}

// streamState is VerifyStream's state between blocks.
type streamState struct {
	m       *Manifest
	cs      suite.Suite
	pl      *plan
	k       Key
	ranked  bool
	claimed map[string]int
	profs   []streamProfile
	cr      compactRange
	n       int
	seen    map[string]bool // exclusions met in scope
	err     error           // the first label or stratum problem
	work    []*streamWorker // one per goroutine
}

// streamWorker is one goroutine's share of VerifyStream: its heaps and
// counts over every block so far.
type streamWorker struct {
	rk     *Ranker
	d      *merkle.Digest // leaf hashes
	heaps  map[string]*streamHeap
	buf    []byte
	err    error
	counts [][4]int64 // per profile
}

// block processes one block of units in label order.
func (st *streamState) block(b *registry.Pool) error {
	m := st.m
	for j := len(st.profs); j < b.Profiles(); j++ {
		u := b.ProfileTarget(j)
		sp := streamProfile{in: !m.Directed || m.Scope.Contains(&u), active: u.Status == registry.StatusActive}
		if sp.in {
			var up string
			if m.Uplift != nil {
				var err error
				if up, sp.raised, err = m.Uplift.Class(&u); err != nil {
					sp.key = "\x00bad"
					if st.err == nil {
						u.ID = b.Label(firstUnitOf(b, j)) // the error names a unit
						_, _, err = m.Uplift.Class(&u)
						st.err = fmt.Errorf("draw: targets: %w", err)
					}
				}
			}
			vals := make([]string, len(m.Strata))
			for x, key := range m.Strata {
				vals[x] = unitStratumValue(&u, key, up)
			}
			sp.key = strings.Join(vals, "/")
			for x, key := range m.Strata {
				if err := CheckLabel("stratum value "+key, vals[x]); err != nil {
					sp.key = "\x00bad"
					if st.err == nil {
						st.err = fmt.Errorf("draw: stratum value %s %q: %w", key, vals[x], err)
					}
				} else if strings.Contains(vals[x], "/") && st.err == nil {
					st.err = fmt.Errorf("%w: stratum value %s %q contains \"/\"", ErrLabel, key, vals[x])
				}
			}
		}
		st.profs = append(st.profs, sp)
	}
	// The units in scope, in order.
	var in []int32
	for i := range b.Len() {
		if st.profs[b.Profile(i)].in {
			in = append(in, int32(i))
		}
	}
	workers := parallelism(len(in))
	for len(st.work) < workers {
		st.work = append(st.work, &streamWorker{rk: NewRankerWith(st.cs, st.k), d: st.cs.Merkle().NewDigest(), heaps: map[string]*streamHeap{}})
	}
	hashes := make([]merkle.Hash, len(in))
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := len(in)*w/workers, len(in)*(w+1)/workers
		sw := st.work[w]
		for len(sw.counts) < len(st.profs) {
			sw.counts = append(sw.counts, [4]int64{})
		}
		sw.err = nil
		wg.Go(func() {
			for x := lo; x < hi; x++ {
				i := int(in[x])
				sw.buf = b.AppendLeaf(append(sw.buf[:0], 0), i)
				hashes[x] = sw.d.Sum(sw.buf)
				label := b.Label(i)
				if !fastLabelOK(label) && sw.err == nil {
					if err := CheckLabel("target id", label); err != nil {
						sw.err = fmt.Errorf("draw: targets (unit %d): %w", st.n+x+1, err)
					}
				}
				j := b.Profile(i)
				sp := &st.profs[j]
				r := rEligible
				switch {
				case !sp.active:
					r = rNotActive
				case st.pl.excluded[label]:
					r = rListed
				case st.pl.compliant[label]:
					r = rCompliant
				}
				sw.counts[j][r]++
				if r != rEligible || !st.ranked {
					continue
				}
				h := sw.heaps[sp.key]
				if h == nil {
					h = &streamHeap{k: st.claimed[sp.key]}
					sw.heaps[sp.key] = h
				}
				if h.k > 0 {
					h.offer(sw.rk.RankTarget(label), label, b.Name(i))
				}
			}
		})
	}
	wg.Wait()
	for w := range workers {
		sw := st.work[w]
		if sw.err != nil && st.err == nil {
			st.err = sw.err
		}
	}
	for _, h := range hashes {
		st.cr.push(h)
	}
	for _, e := range st.m.Exclusions {
		if i, ok := b.Find(e.Target); ok && st.profs[b.Profile(i)].in {
			st.seen[e.Target] = true
		}
	}
	st.n += len(in)
	return nil
}

// firstUnitOf returns the first unit of block b with profile j (b holds
// one when the profile is new in b).
func firstUnitOf(b *registry.Pool, j int) int {
	for i := range b.Len() {
		if b.Profile(i) == j {
			return i
		}
	}
	return 0
}

// record builds the recomputed record from the tallies and heaps.
func (st *streamState) record(evidence []Evidence, mh [32]byte, rnd Randomness, pools *InspectorPools) (Record, error) {
	m := st.m
	for _, sw := range st.work {
		for j, c := range sw.counts {
			for r := range c {
				st.profs[j].counts[r] += c[r]
			}
		}
	}
	var keys []string
	for _, sp := range st.profs {
		if sp.in && sp.counts != [4]int64{} {
			keys = append(keys, sp.key)
		}
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	t := &tally{keys: keys, scope: make([]int64, len(keys)), elig: make([]int64, len(keys)), excl: make([][4]int64, len(keys)), uplifted: make([]int64, len(keys))}
	for _, sp := range st.profs {
		if !sp.in || sp.counts == [4]int64{} {
			continue
		}
		s, _ := slices.BinarySearch(keys, sp.key)
		for r, c := range sp.counts {
			t.scope[s] += c
			if sp.raised {
				t.uplifted[s] += c
			}
			if r == rEligible {
				t.elig[s] += c
			} else {
				t.excl[s][r] += c
			}
		}
	}
	if m.Quota.Total == 0 && !st.pl.hasDef {
		for _, key := range keys {
			if _, ok := st.pl.ratios[key]; !ok {
				return Record{}, fmt.Errorf("%w: quota: stratum %q occurs in scope but has no ratio and there is no default_ratio", ErrInvalidTask, key)
			}
		}
	}
	quota, base, ratio, err := t.quotas(m)
	if err != nil {
		return Record{}, err
	}
	rec, take := newRecord(m, mh, evidence, rnd, st.k, t, st.n, quota, base, ratio)
	var sel []streamCand
	var stratumOf []string
	for s, key := range keys {
		var all []streamCand
		for _, sw := range st.work {
			if h := sw.heaps[key]; h != nil {
				all = append(all, h.items...)
			}
		}
		slices.SortFunc(all, func(a, b streamCand) int { return cmpStreamCand(&a, &b) })
		all = all[:min(int64(len(all)), take[s])]
		sel = append(sel, all...)
		for range all {
			stratumOf = append(stratumOf, key)
		}
	}
	order := make([]int, len(sel))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmpStreamCand(&sel[a], &sel[b]) })
	rec.Selected = make([]Selection, len(sel))
	for i, o := range order {
		c := &sel[o]
		rec.Selected[i] = Selection{Target: c.label, Name: c.name, Stratum: stratumOf[o], Rank: hex.EncodeToString(c.rank[:])}
	}
	return finishRecord(rec, m, st.k, pools)
}
