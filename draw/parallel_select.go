package draw

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
)

// This file holds the parts of RunPool and VerifyPool after the ranking
// pass that used to run on one goroutine (issue 13: two cores vs one):
// merging the workers' selection heaps, the record's selections of the
// selected units with their full ranks, and the check of the pool's labels. Each
// gives exactly the serial result: candidates are ordered by selCtx.cmp, a
// total order (rank prefix, full rank, label), so sorting parts and
// merging them gives the order of one sort; ranks and selections are
// computed per index.

// selectGrain is the smallest number of selected units worth a goroutine
// (a variable so that tests can make it small).
var selectGrain = 4096

// parallelRange calls fn on all processors for consecutive chunks of
// [0, n) of at least grain items (one chunk when n is small), each call
// with its worker number; chunks are numbered in order.
func parallelRange(n, grain int, fn func(w, lo, hi int)) {
	workers := max(1, runtime.GOMAXPROCS(0))
	if n < 2*grain || workers == 1 {
		fn(0, 0, n)
		return
	}
	workers = min(workers, n/grain)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() { fn(w, lo, hi) })
	}
	wg.Wait()
}

// poolSelection returns, under the suite cs, from the workers' bounded heaps (heaps[w][s]
// holds worker w's smallest candidates of stratum s), the take[s]
// smallest candidates of each stratum, all in ascending (rank, label)
// order. It sorts every heap on all processors,
// merges each stratum's sorted heaps, then the strata.
func poolSelection(cs suite.Suite, k Key, p *registry.Pool, heaps [][]selHeap, take []int64) []selCand {
	type job struct{ w, s int }
	var jobs []job
	for w := range heaps {
		for s := range take {
			if take[s] > 0 && len(heaps[w][s].items) > 0 {
				jobs = append(jobs, job{w, s})
			}
		}
	}
	// Larger heaps first, so that the workers finish together.
	slices.SortStableFunc(jobs, func(a, b job) int { return len(heaps[b.w][b.s].items) - len(heaps[a.w][a.s].items) })
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), len(jobs))) {
		wg.Go(func() {
			ctx := &selCtx{pool: p, rk: NewRankerWith(cs, k)}
			for {
				j := int(next.Add(1) - 1)
				if j >= len(jobs) {
					return
				}
				slices.SortFunc(heaps[jobs[j].w][jobs[j].s].items, ctx.cmp)
			}
		})
	}
	wg.Wait()
	ctx := &selCtx{pool: p, rk: NewRankerWith(cs, k)}
	strata := make([][]selCand, len(take))
	var total int64
	for s := range take {
		lists := make([][]selCand, len(heaps))
		for w := range heaps {
			lists[w] = heaps[w][s].items
		}
		strata[s] = mergeSorted(ctx, lists, int(take[s]))
		total += int64(len(strata[s]))
	}
	out := mergeSorted(ctx, strata, int(total))
	return out
}

// mergeSorted returns the n smallest candidates of lists, each sorted by
// ctx.cmp, in that order.
func mergeSorted(ctx *selCtx, lists [][]selCand, n int) []selCand {
	var live [][]selCand
	for _, l := range lists {
		if len(l) > 0 {
			live = append(live, l)
		}
	}
	if len(live) == 1 {
		return live[0][:min(n, len(live[0]))]
	}
	out := make([]selCand, 0, n)
	for len(out) < n && len(live) > 0 {
		best := 0
		for j := 1; j < len(live); j++ {
			if ctx.cmp(live[j][0], live[best][0]) < 0 {
				best = j
			}
		}
		out = append(out, live[best][0])
		if live[best] = live[best][1:]; len(live[best]) == 0 {
			live = slices.Delete(live, best, best+1)
		}
	}
	return out
}

// poolSelections returns the record's selections of the chosen units,
// ranked under the suite cs and key k, on all processors. Each chunk
// visits its units in pool order, not rank order: the pool's columns are
// then read forwards instead of at random (at 1M targets the random reads
// cost more than the HMACs). A chunk's labels, names and hex ranks are
// written into one string, which its selections slice (one allocation per
// chunk instead of three per selection).
func poolSelections(cs suite.Suite, k Key, p *registry.Pool, t *poolTally, chosen []selCand) []Selection {
	sel := make([]Selection, len(chosen))
	parallelRange(len(chosen), selectGrain, func(_, lo, hi int) {
		rk := NewRankerWith(cs, k)
		// ord: unit index << 32 | position in the chunk, in pool order.
		ord := make([]uint64, hi-lo)
		for x := range ord {
			ord[x] = uint64(chosen[lo+x].i)<<32 | uint64(x)
		}
		slices.Sort(ord)
		// The labels and names, read once, give the chunk's exact size.
		strs := make([][2]string, len(ord))
		size := len(ord) * 2 * len(Rank{})
		for y, o := range ord {
			u := int(o >> 32)
			strs[y] = [2]string{p.Label(u), p.Name(u)}
			size += len(strs[y][0]) + len(strs[y][1])
		}
		at := make([][3]int, hi-lo) // per position: start of label, name, rank
		buf := make([]byte, 0, size)
		var h [2 * len(Rank{})]byte
		for y, o := range ord {
			x := int(uint32(o))
			r := rk.RankTarget(strs[y][0])
			hex.Encode(h[:], r[:])
			at[x][0] = len(buf)
			buf = append(buf, strs[y][0]...)
			at[x][1] = len(buf)
			buf = append(buf, strs[y][1]...)
			at[x][2] = len(buf)
			buf = append(buf, h[:]...)
		}
		all := string(buf)
		for _, o := range ord {
			u, x := int(o>>32), int(uint32(o))
			a := at[x]
			sel[lo+x] = Selection{Target: all[a[0]:a[1]], Name: all[a[1]:a[2]],
				Stratum: t.keys[t.stratum[p.Profile(u)]], Rank: all[a[2] : a[2]+len(h)]}
		}
	})
	return sel
}

// checkPoolLabels checks the labels of the units in scope on all
// processors and reports the first bad one in label order, as one pass
// does.
func checkPoolLabels(p *registry.Pool, sc *poolScope) error {
	workers := max(1, runtime.GOMAXPROCS(0))
	errs := make([]error, workers)
	parallelRange(sc.n, 16*selectGrain, func(w, lo, hi int) {
		for k := lo; k < hi; k++ {
			if l := p.Label(sc.unit(k)); !fastLabelOK(l) {
				if err := CheckLabel("target id", l); err != nil {
					errs[w] = fmt.Errorf("draw: targets (unit %d): %w", k+1, err)
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
	if slices.Equal(a.Selected, b.Selected) {
		a.Selected, b.Selected = nil, nil
	}
	if slices.EqualFunc(a.Batches, b.Batches, func(x, y Batch) bool { return x.Number == y.Number && slices.Equal(x.Targets, y.Targets) }) {
		a.Batches, b.Batches = nil, nil
	}
	return firstDiff("", reflect.ValueOf(&a).Elem(), reflect.ValueOf(&b).Elem())
}

// marshalBoth is json.Marshal of two records, side by side; the error is
// the first record's, else the second's.
func marshalBoth(rec, got *Record) (ja, jb []byte, err error) {
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
