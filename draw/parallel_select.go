package draw

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/bits"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
)

// This file holds the parts of RunPool and VerifyPool after the ranking
// pass that used to run on one goroutine (issue 13: two cores vs one):
// cutting the workers' selection buffers to each stratum's take, sorting
// the selected, the record's selections of the selected units with their
// full ranks, and the check of the pool's labels. Each gives exactly the
// serial result: candidates are ordered by selCtx.cmp, a total order (rank
// prefix, full rank, label), so the k smallest are one set however they
// are found, and sorting ranges of rank prefixes apart and concatenating
// them gives the order of one sort; ranks and selections are computed per
// index.

// selectGrain is the smallest number of selected units worth a goroutine
// (a variable so that tests can make it small).
var selectGrain = 4096

// parallelRange calls fn on all processors for consecutive chunks of
// [0, n) of at least grain items (one chunk when n is small), each call
// with the number of the worker making it and the chunk's number; chunks
// are numbered in order, and there are rangeChunks(n, grain,
// rangeChunksPerProc) of them.
// There are several chunks per processor, taken by the workers as they
// finish the previous one, so that a processor slowed down by other work
// (or a chunk that costs more) does not leave the others idle at the end.
func parallelRange(n, grain int, fn func(w, c, lo, hi int)) {
	parallelChunks(n, rangeChunks(n, grain, rangeChunksPerProc), fn)
}

// parallelChunks is parallelRange over the given number of chunks.
func parallelChunks(n, chunks int, fn func(w, c, lo, hi int)) {
	if chunks <= 1 || runtime.GOMAXPROCS(0) == 1 {
		fn(0, 0, 0, n)
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range min(runtime.GOMAXPROCS(0), chunks) {
		wg.Go(func() {
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				fn(w, c, chunkBound(n, c, chunks), chunkBound(n, c+1, chunks))
			}
		})
	}
	wg.Wait()
}

// chunkBound is n*c/chunks, computed in 64 bits (on 386, n*c overflows
// an int for the ranking's chunks of a 10M pool).
func chunkBound(n, c, chunks int) int {
	return int(int64(n) * int64(c) / int64(chunks))
}

// rangeChunks is the number of chunks parallelRange cuts [0, n) into:
// up to perProc per processor, of at least grain items.
func rangeChunks(n, grain, perProc int) int {
	workers := max(1, runtime.GOMAXPROCS(0))
	if n < 2*grain || workers == 1 {
		return 1
	}
	return min(perProc*workers, n/grain)
}

// rangeChunksPerProc is the number of chunks per processor parallelRange
// aims at.
const rangeChunksPerProc = 32

// selBuf keeps, of the candidates offered to it, at least the k smallest
// (by selCtx.cmp), in no order: candidates are appended, and when the
// buffer holds 2k+1024 the k smallest are kept (selectSmallestK) and the
// largest key kept becomes a threshold: a later candidate with a greater
// key cannot be among the k smallest and is dropped unseen. Unlike a
// bounded heap, most offers cost one comparison or one append (no sifting
// with a comparison call per level).
type selBuf struct {
	k     int
	thr   uint64 // with full: keys above it are dropped
	full  bool
	items []selCand
}

func (b *selBuf) offer(c *selCtx, x selCand) {
	if b.full && x.key > b.thr {
		return
	}
	b.items = append(b.items, x)
	if len(b.items) >= 2*b.k+1024 {
		b.compact(c)
	}
}

// compact keeps only the k smallest candidates and sets the threshold.
func (b *selBuf) compact(c *selCtx) {
	if len(b.items) <= b.k {
		return
	}
	selectSmallestK(c, b.items, b.k)
	b.items = b.items[:b.k]
	thr := uint64(0)
	for _, x := range b.items {
		thr = max(thr, x.key)
	}
	b.thr, b.full = thr, b.k > 0
}

// candLess is c.less with the common case (different rank prefixes)
// inline.
func candLess(c *selCtx, a, b selCand) bool {
	if a.key != b.key {
		return a.key < b.key
	}
	return c.cmp(a, b) < 0
}

// selectSmallestK rearranges a so that a[:k] holds its k smallest
// candidates (by c.cmp, a total order on distinct units), in no order:
// quickselect with a median-of-three pivot and a three-way partition,
// falling back to a sort when the partitions stay unbalanced. The set is
// the same whatever the pivots, since the order is total.
func selectSmallestK(c *selCtx, a []selCand, k int) {
	lo, hi := 0, len(a)
	if k <= 0 || k >= hi {
		return
	}
	for budget := 2 * bits.Len(uint(hi)); hi-lo > 16; budget-- {
		if budget == 0 {
			slices.SortFunc(a[lo:hi], c.cmp)
			return
		}
		m := lo + (hi-lo)/2
		x, y, z := a[lo], a[m], a[hi-1]
		if candLess(c, y, x) {
			x, y = y, x
		}
		if candLess(c, z, y) {
			y = z
			if candLess(c, y, x) {
				y = x
			}
		}
		pivot := y
		lt, i, gt := lo, lo, hi
		for i < gt {
			switch {
			case candLess(c, a[i], pivot):
				a[lt], a[i] = a[i], a[lt]
				lt++
				i++
			case candLess(c, pivot, a[i]):
				gt--
				a[i], a[gt] = a[gt], a[i]
			default:
				i++
			}
		}
		// a[lo:lt] < pivot, a[lt:gt] = pivot, a[gt:hi] > pivot.
		switch {
		case k < lt:
			hi = lt
		case k >= gt:
			lo = gt
		default:
			return
		}
	}
	slices.SortFunc(a[lo:hi], c.cmp)
}

// poolSelection returns, under the suite cs, from the workers' buffers
// (bufs[w][s] holds at least worker w's take[s] smallest candidates of
// stratum s, in any order), the take[s] smallest candidates of each
// stratum, all in ascending (rank, label) order. It reorders and
// overwrites the buffers. Each stratum's candidates are cut to its take
// by cutStrata (on all processors); the selected are then sorted on all
// processors by ranges of their rank prefix: ranks are uniform, so the
// ranges hold about as many candidates each, and candidates with equal
// prefixes fall in the same range, so sorting each range by cmp and
// concatenating the ranges gives the order of one sort.
//
// The parallel form allocates little more than the serial one (the
// output and the sort's scratch): the selected stay in the workers'
// buffers until the scatter reads them there. Fresh memory is dear (a
// page fault cost about 8 µs under the virtual machine of bench/draw's
// results), and joining every stratum and then the strata into new
// arrays, on fresh pages after a pool had just been read, made the phase
// slower on 2 processors than on 1.
func poolSelection(cs suite.Suite, k Key, p *registry.Pool, bufs [][]selBuf, take []int64) []selCand {
	strata := cutStrata(cs, k, p, bufs, take)
	var next atomic.Int64
	var wg sync.WaitGroup
	total := 0
	for _, st := range strata {
		total += len(st)
	}
	out := make([]selCand, total)
	parts := 1
	if procs := runtime.GOMAXPROCS(0); procs > 1 && total >= 2*selectGrain {
		parts = min(4*procs, total/selectGrain)
	}
	// Part j holds the prefixes in [j*2^64/parts, (j+1)*2^64/parts).
	part := func(key uint64) int {
		hi, _ := bits.Mul64(key, uint64(parts))
		return int(hi)
	}
	// The selected are scattered into their parts in one pass (each part
	// in stratum order, as the former per-part filter took them), then
	// each part is sorted in place.
	counts := make([]int, parts+1)
	if parts > 1 {
		// On all processors: the selected, in the order of cutStrata's
		// segments, are cut into consecutive ranges; each range's
		// candidates of part j go after those of part j of the ranges
		// before it, so that every part holds its candidates in that
		// order, as one pass puts them.
		ranges := max(1, min(runtime.GOMAXPROCS(0), total/selectGrain))
		rc := make([][]int, ranges) // per range: candidates per part
		parallelChunks(total, ranges, func(_, r, lo, hi int) {
			c := make([]int, parts)
			eachOf(strata, lo, hi, func(x selCand) { c[part(x.key)]++ })
			rc[r] = c
		})
		at := make([][]int, ranges) // per range: where its part j goes
		for r := range ranges {
			at[r] = make([]int, parts)
		}
		pos := 0
		for j := range parts {
			counts[j] = pos
			for r := range ranges {
				at[r][j] = pos
				pos += rc[r][j]
			}
		}
		counts[parts] = pos
		parallelChunks(total, ranges, func(_, r, lo, hi int) {
			a := at[r]
			eachOf(strata, lo, hi, func(x selCand) {
				j := part(x.key)
				out[a[j]] = x
				a[j]++
			})
		})
	} else {
		counts[1] = total
		out = out[:0]
		for _, st := range strata {
			out = append(out, st...)
		}
	}
	next.Store(0)
	for range max(1, min(runtime.GOMAXPROCS(0), parts)) {
		wg.Go(func() {
			ctx := &selCtx{pool: p, rk: NewRankerWith(cs, k)}
			var tmp []selCand
			for {
				j := int(next.Add(1) - 1)
				if j >= parts {
					return
				}
				tmp = sortCands(ctx, out[counts[j]:counts[j+1]], tmp)
			}
		})
	}
	wg.Wait()
	return out
}

// sortCands sorts a by c.cmp, as slices.SortFunc(a, c.cmp) does (the
// order is total, so the result is the same), with bucketSort on the
// rank prefix. tmp is scratch space, grown as needed and returned for
// reuse.
func sortCands(c *selCtx, a, tmp []selCand) []selCand {
	return bucketSort(a, tmp, func(x selCand) uint64 { return x.key }, c.cmp)
}

// bucketSort sorts a by cmp, where key(x) < key(y) implies cmp(x, y) < 0,
// and returns tmp (scratch space of a's length, grown as needed) for
// reuse. It is a counting sort into buckets of consecutive keys (about
// one element each when the keys are spread evenly, as rank prefixes
// are), then each bucket of more than one by cmp; below 256 elements,
// slices.SortFunc alone.
func bucketSort[T any](a, tmp []T, key func(T) uint64, cmp func(T, T) int) []T {
	n := len(a)
	if n < 256 {
		slices.SortFunc(a, cmp)
		return tmp
	}
	lo, hi := key(a[0]), key(a[0])
	for _, x := range a {
		lo, hi = min(lo, key(x)), max(hi, key(x))
	}
	// Bucket (key-lo)>>shift: at most 2^bits.Len(n) buckets, in key order.
	shift := max(0, bits.Len64(hi-lo)-bits.Len(uint(n)))
	nb := int((hi-lo)>>shift) + 1
	start := make([]int32, nb+1)
	for _, x := range a {
		start[((key(x)-lo)>>shift)+1]++
	}
	for b := range nb {
		start[b+1] += start[b]
	}
	if cap(tmp) < n {
		tmp = make([]T, n)
	}
	tmp = tmp[:n]
	next := slices.Clone(start[:nb])
	for _, x := range a {
		b := (key(x) - lo) >> shift
		tmp[next[b]] = x
		next[b]++
	}
	copy(a, tmp)
	for b := range nb {
		if lo, hi := start[b], start[b+1]; hi-lo > 1 {
			slices.SortFunc(a[lo:hi], cmp)
		}
	}
	return tmp
}

// poolSelections returns the record's selections of the chosen units,
// ranked under the suite cs and key k, on all processors (but for the
// two sorts of the selected). The units are visited in pool order for their labels and ranks, and in input order
// (Pool.InputIndex) for their names, not in rank order: the pool's
// columns are then read forwards instead of at random. At 1M targets the
// random reads cost more than the HMACs, and the names, kept in input
// order, took about a third of the selections' time when read in pool
// order; the processors share out consecutive ranges of the pool (and of
// the input), not of the rank order: a rank range's units are spread over
// the whole pool, and at a quarter of the 145k selections of the bench
// the same reads took 1.4 times as long (twice as long for the names). The
// labels and hex ranks are written into one string and the names into
// another, of the exact size, each range at its offset; the selections
// are then written in their own order, from where each part was noted.
func poolSelections(cs suite.Suite, k Key, p *registry.Pool, t *poolTally, chosen []selCand) []Selection {
	n := len(chosen)
	sel := make([]Selection, n)
	if n == 0 {
		return sel
	}
	const rl = 2 * len(Rank{})
	ord := poolOrder(chosen, p.Len())
	// parts[x] is where candidate x's label (followed by its rank) and
	// its name are, and its stratum.
	type where struct {
		label, name                int
		labelLen, nameLen, stratum uint32
	}
	parts := make([]where, n)
	chunks := rangeChunks(n, selectGrain, rangeChunksPerProc)
	// offsets sums, per chunk of the order, the sizes size(o) of its
	// entries, and returns where each chunk starts in their
	// concatenation (the last element: the whole size).
	offsets := func(order []uint64, size func(o uint64) int) []int {
		at := make([]int, chunks+1)
		parallelChunks(n, chunks, func(_, c, lo, hi int) {
			s := 0
			for _, o := range order[lo:hi] {
				s += size(o)
			}
			at[c+1] = s
		})
		for c := range chunks {
			at[c+1] += at[c]
		}
		return at
	}
	at := offsets(ord, func(o uint64) int { return len(p.Label(int(o>>32))) + rl })
	lb := make([]byte, at[chunks])
	parallelChunks(n, chunks, func(_, c, lo, hi int) {
		rk := NewRankerWith(cs, k)
		off := at[c]
		for _, o := range ord[lo:hi] {
			u := int(o >> 32)
			l := p.Label(u)
			r := rk.RankTarget(l)
			w := &parts[uint32(o)]
			w.label, w.labelLen, w.stratum = off, uint32(len(l)), uint32(t.stratum[p.Profile(u)])
			off += copy(lb[off:], l)
			off += hex.Encode(lb[off:off+rl], r[:])
		}
	})
	nord := inputOrder(p, ord)
	at = offsets(nord, func(o uint64) int { return len(p.InputName(int(o >> 32))) })
	nb := make([]byte, at[chunks])
	parallelChunks(n, chunks, func(_, c, lo, hi int) {
		off := at[c]
		for _, o := range nord[lo:hi] {
			name := p.InputName(int(o >> 32))
			w := &parts[uint32(o)]
			w.name, w.nameLen = off, uint32(len(name))
			off += copy(nb[off:], name)
		}
	})
	// Neither array is written again: the strings can share them.
	labels, names := unsafe.String(unsafe.SliceData(lb), len(lb)), unsafe.String(unsafe.SliceData(nb), len(nb))
	parallelRange(n, selectGrain, func(_, _, lo, hi int) {
		for x := lo; x < hi; x++ {
			w := &parts[x]
			end := w.label + int(w.labelLen)
			sel[x] = Selection{Target: labels[w.label:end], Name: names[w.name : w.name+int(w.nameLen)],
				Stratum: t.keys[w.stratum], Rank: labels[end : end+rl]}
		}
	})
	return sel
}

// poolOrder returns, for candidates of distinct units of a pool of the
// given number of units, unit index << 32 | position in c, in increasing
// order (pool order): the same as slices.Sort of those values, by
// distinctOrder.
func poolOrder(c []selCand, units int) []uint64 {
	return distinctOrder(len(c), units, func(x int) (uint32, uint32) { return uint32(c[x].i), uint32(x) })
}

// inputOrder returns, for ord as poolOrder returns it, each unit's input
// index << 32 | position, in increasing order (the order of the pool's
// names).
func inputOrder(p *registry.Pool, ord []uint64) []uint64 {
	return distinctOrder(len(ord), p.Len(), func(y int) (uint32, uint32) {
		o := ord[y]
		return uint32(p.InputIndex(int(o >> 32))), uint32(o)
	})
}

// distinctOrder returns key << 32 | value of the n pairs of entry(x), 0 ≤
// x < n, in increasing order, where the keys are distinct and below limit
// (unit indexes, input indexes). It is a counting sort by presence: a
// bitmap of limit bits marks the keys, the marks before each 64-bit word
// are counted, and each entry is written at its key's place, the number
// of marks below it. It makes no comparison.
//
// It runs on one processor. Its entries come in random order, so on
// several processors they marked the same bitmap words (atomically) and
// wrote the same cache lines of the result: on 2 processors that took 2.50
// ms for 145k of 1M units and 22.4 ms for 1.45M of 10M, where this form
// takes 0.96 and 14.8 ms on one (BenchmarkDistinctOrder).
//
// It replaced two bucket sorts of the selected that took about a third of
// the record's selections at 1M (20 ms of 66 on one processor).
func distinctOrder(n, limit int, entry func(x int) (key, value uint32)) []uint64 {
	bm := make([]uint64, (limit+63)/64)
	for x := range n {
		k, _ := entry(x)
		bm[k>>6] |= 1 << (k & 63)
	}
	before := make([]int32, len(bm)) // marks in the words before
	s := 0
	for w, b := range bm {
		before[w] = int32(s)
		s += bits.OnesCount64(b)
	}
	ord := make([]uint64, n)
	for x := range n {
		k, v := entry(x)
		w := k >> 6
		ord[int(before[w])+bits.OnesCount64(bm[w]&(1<<(k&63)-1))] = uint64(k)<<32 | uint64(v)
	}
	return ord
}

// poolSelectionsEqual reports whether want equals, element by element,
// what poolSelections returns for chosen (the same length): each unit's
// label, name, stratum and hex rank are compared with want's strings
// where they lie, without building new ones. Like poolSelections it runs
// on all processors and visits the units in pool order (and in input
// order for the names), each processor a range of the pool.
func poolSelectionsEqual(cs suite.Suite, k Key, p *registry.Pool, t *poolTally, chosen []selCand, want []Selection) bool {
	n := len(chosen)
	if len(want) != n {
		return false
	}
	var differ atomic.Bool
	chunks := rangeChunks(n, selectGrain, rangeChunksPerProc)
	ord := poolOrder(chosen, p.Len())
	parallelChunks(n, chunks, func(_, _, lo, hi int) {
		if differ.Load() {
			return
		}
		rk := NewRankerWith(cs, k)
		var h [2 * len(Rank{})]byte
		for _, o := range ord[lo:hi] {
			u, w := int(o>>32), &want[uint32(o)]
			l := p.Label(u)
			if w.Target != l || w.Stratum != t.keys[t.stratum[p.Profile(u)]] {
				differ.Store(true)
				return
			}
			r := rk.RankTarget(l)
			hex.Encode(h[:], r[:])
			if w.Rank != string(h[:]) {
				differ.Store(true)
				return
			}
		}
	})
	if differ.Load() {
		return false
	}
	nord := inputOrder(p, ord)
	parallelChunks(n, chunks, func(_, _, lo, hi int) {
		if differ.Load() {
			return
		}
		for _, o := range nord[lo:hi] {
			if want[uint32(o)].Name != p.InputName(int(o>>32)) {
				differ.Store(true)
				return
			}
		}
	})
	return !differ.Load()
}

// sameSelections is slices.Equal(a, b), answered at once when a and b are
// one slice (as the recomputed record's selections are the record's own
// when poolSelectionsEqual found them equal).
func sameSelections(a, b []Selection) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 || &a[0] == &b[0] {
		return true
	}
	return slices.Equal(a, b)
}

// checkPoolLabels checks the labels of the units in scope on all
// processors and reports the first bad one in label order, as one pass
// does.
func checkPoolLabels(p *registry.Pool, sc *poolScope) error {
	errs := make([]error, rangeChunks(sc.n, 4*selectGrain, rangeChunksPerProc))
	parallelRange(sc.n, 4*selectGrain, func(_, c, lo, hi int) {
		for k := lo; k < hi; k++ {
			if l := p.Label(sc.unit(k)); !fastLabelOK(l) {
				if err := CheckLabel("target id", l); err != nil {
					errs[c] = fmt.Errorf("draw: targets (unit %d): %w", k+1, err)
					return
				}
			}
		}
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// firstDiffRecord is firstDiff over two records: the selections and the
// batches, which hold one entry per selected unit, are compared directly
// and left out of the reflective walk (which formats a path per element)
// when they are equal, so its result is firstDiff's.
func firstDiffRecord(rec, got *Record) *VerifyError {
	a, b := *rec, *got
	if sameSelections(a.Selected, b.Selected) {
		a.Selected, b.Selected = nil, nil
	}
	if slices.EqualFunc(a.Batches, b.Batches, func(x, y Batch) bool { return x.Number == y.Number && slices.Equal(x.Targets, y.Targets) }) {
		a.Batches, b.Batches = nil, nil
	}
	return firstDiff("", reflect.ValueOf(&a).Elem(), reflect.ValueOf(&b).Elem())
}

// marshalBoth is json.Marshal of two records, side by side; the error is
// the first record's, else the second's. When the two records' selections
// are equal (and both nil or both not) they are left out of both
// encodings: they would encode alike, so the two encodings are equal if
// and only if they are without them, and a 1M-target draw's 30 MB of
// selections is not encoded twice by every verification.
func marshalBoth(rec, got *Record) (ja, jb []byte, err error) {
	if (rec.Selected == nil) == (got.Selected == nil) && sameSelections(rec.Selected, got.Selected) {
		a, b := *rec, *got
		a.Selected, b.Selected = nil, nil
		rec, got = &a, &b
	}
	var erra, errb error
	var wg sync.WaitGroup
	wg.Go(func() { ja, erra = json.Marshal(rec) })
	jb, errb = json.Marshal(got)
	wg.Wait()
	if erra != nil {
		return nil, nil, erra
	}
	return ja, jb, errb
}

// cutBits is the base-2 logarithm of the number of buckets by which
// cutStrata counts a stratum's rank prefixes.
const cutBits = 11

// cutStrata returns, under the suite cs, the take[s] smallest candidates
// (by selCtx.cmp) of each stratum s of the workers' buffers (bufs[w][s]
// holds at least worker w's take[s] smallest candidates of stratum s, in
// any order; all of them when there are fewer), as segments whose
// concatenation holds them in no particular order. It overwrites the
// buffers, and the segments share their memory.
//
// It is a select by buckets of the rank prefix, each worker's buffers on
// one processor: a stratum's prefixes are counted in 2^cutBits buckets of
// equal width that span the largest of them; the bucket holding the
// take-th smallest is the cut. Candidates in lower buckets are kept,
// moved to the front of their buffer; the cut's candidates (a few dozen,
// since ranks are uniform) are sorted by cmp and its first ones complete
// the take. Candidates with equal prefixes fall in the same bucket, so
// the spec's order decides between them there.
//
// It replaced a quickselect per stratum, each stratum on one processor,
// over its workers' buffers gathered: on 2 processors, with two buffers
// of each stratum to cut and then to join and cut again, that phase took
// longer than on one (8.6 ms against 6.0 at 1M).
func cutStrata(cs suite.Suite, k Key, p *registry.Pool, bufs [][]selBuf, take []int64) [][]selCand {
	nw, ns := len(bufs), len(take)
	const buckets = 1 << cutBits
	// The cut of stratum s is bucket cut[s], of which need[s] candidates
	// are taken; cut[s] = buckets takes every candidate (a stratum with
	// no more candidates than its take).
	cut, need := make([]int, ns), make([]int, ns)
	size := 0
	for s := range take {
		n := 0
		for w := range bufs {
			n += len(bufs[w][s].items)
		}
		size += n
		if int64(n) <= take[s] {
			cut[s] = buckets
		}
	}
	chunks := 1
	if size >= 2*selectGrain {
		chunks = nw
	}
	// eachWorker calls f for every worker, on all processors.
	eachWorker := func(f func(w int)) {
		parallelChunks(nw, chunks, func(_, _, lo, hi int) {
			for w := lo; w < hi; w++ {
				f(w)
			}
		})
	}
	top := make([]uint64, nw*ns) // the largest prefix, per worker and stratum
	eachWorker(func(w int) {
		for s := range take {
			if take[s] <= 0 || cut[s] == buckets {
				continue
			}
			m := uint64(0)
			for _, x := range bufs[w][s].items {
				m = max(m, x.key)
			}
			top[w*ns+s] = m
		}
	})
	shift := make([]uint, ns)
	for s := range take {
		m := uint64(0)
		for w := range nw {
			m = max(m, top[w*ns+s])
		}
		shift[s] = uint(max(0, bits.Len64(m)-cutBits))
	}
	hist := make([]int32, nw*ns*buckets) // per worker and stratum
	eachWorker(func(w int) {
		for s := range take {
			if take[s] > 0 && cut[s] < buckets { // to be cut
				h := hist[(w*ns+s)*buckets:][:buckets]
				for _, x := range bufs[w][s].items {
					h[x.key>>shift[s]]++
				}
			}
		}
	})
	for s := range take {
		if cut[s] == buckets {
			continue
		}
		below := 0
		for b := 0; ; b++ {
			c := 0
			for w := range nw {
				c += int(hist[(w*ns+s)*buckets+b])
			}
			if int64(below+c) >= take[s] {
				cut[s], need[s] = b, int(take[s])-below
				break
			}
			below += c
		}
	}
	kept := make([]int, nw*ns)
	edge := make([][]selCand, nw*ns) // the candidates in the cut's bucket
	eachWorker(func(w int) {
		for s := range take {
			items := bufs[w][s].items
			switch {
			case take[s] <= 0:
				continue
			case cut[s] == buckets:
				kept[w*ns+s] = len(items)
				continue
			}
			j := 0
			var e []selCand
			for _, x := range items {
				switch b := int(x.key >> shift[s]); {
				case b < cut[s]:
					items[j] = x
					j++
				case b == cut[s]:
					e = append(e, x)
				}
			}
			kept[w*ns+s], edge[w*ns+s] = j, e
		}
	})
	segs := make([][]selCand, 0, ns*(nw+1))
	ctx := &selCtx{pool: p, rk: NewRankerWith(cs, k)}
	for s := range take {
		for w := range nw {
			segs = append(segs, bufs[w][s].items[:kept[w*ns+s]])
		}
		if need[s] > 0 {
			e := joinWorkers(nw, func(w int) []selCand { return edge[w*ns+s] })
			slices.SortFunc(e, ctx.cmp)
			segs = append(segs, e[:need[s]])
		}
	}
	return segs
}

// eachOf calls f with the candidates lo to hi-1 of the strata's
// concatenation, in order.
func eachOf(strata [][]selCand, lo, hi int, f func(x selCand)) {
	for _, st := range strata {
		if lo >= len(st) {
			lo, hi = lo-len(st), hi-len(st)
			continue
		}
		for _, x := range st[lo:min(hi, len(st))] {
			f(x)
		}
		if hi <= len(st) {
			return
		}
		lo, hi = 0, hi-len(st)
	}
}

// joinWorkers is the concatenation of the lists of workers 0..n-1, in
// worker order, in one allocation of the exact size.
func joinWorkers[T any](n int, list func(w int) []T) []T {
	size := 0
	for w := range n {
		size += len(list(w))
	}
	all := make([]T, 0, size)
	for w := range n {
		all = append(all, list(w)...)
	}
	return all
}
