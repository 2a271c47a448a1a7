package registry

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"math/bits"
	"runtime"
	"slices"
	"sync"
)

// This file orders a pool's labels by bytes with a most-significant-digit
// radix sort on the labels' first 16 bytes: each pass reads and writes
// the 24-byte keys sequentially (one stream per bucket), the bytes every
// label shares (a province's 统一社会信用代码 share their first six or
// more) are skipped in one pass, and buckets small enough for the cache
// are finished with a comparison sort that reads the full label only when
// the first 16 bytes tie. Buckets of more than radixScratch keys are
// permuted in place (American flag sort), so that the sort needs the keys
// and a few MiB of scratch per processor, not a second array of all the
// keys (at 10M labels the largest bucket held 95% of them: 228 MB).
// Buckets are sorted on all processors, in two runs of the labels merged
// at the end when there is more than one; the result does not depend on
// how they are shared out.

// lkey is a label's first 16 bytes, big-endian and zero-padded, its
// position and a value carried along (in the struct's padding).
type lkey struct {
	p0, p1 uint64
	i, v   uint32
}

// radixSmall is the bucket size below which a comparison sort finishes.
const radixSmall = 96

// radixScratch is the largest bucket sorted with scratch space (a second
// array of its keys, 6 MiB); larger buckets are split in place (a
// variable so that tests can make it small).
var radixScratch = 1 << 18

// sortPoolLabels returns the positions of the labels (label i is
// labels[loff[i]:loff[i+1]]) in label byte order, ties by position.
func sortPoolLabels(labels []byte, loff []uint32) []uint32 {
	order, _ := sortPoolLabelsWith(labels, loff, nil)
	return order
}

// sortPoolLabelsWith is sortPoolLabels that also returns vals (one per
// label, or nil) in the same order, carried in the sort keys: the caller
// may drop vals before the call, and the permuted copy is written
// sequentially instead of gathered.
func sortPoolLabelsWith(labels []byte, loff, vals []uint32) (order, sorted []uint32) {
	n := len(loff) - 1
	carry := vals != nil
	workers := 1
	if n > radixScratch {
		workers = runtime.GOMAXPROCS(0)
	}
	s := &labelSorter{labels: labels, loff: loff}
	// On more than one processor the labels are sorted in two runs, the
	// first and the second half of the positions, each in its own array,
	// made on its own goroutine (make clears an array that reuses heap
	// memory on the goroutine that makes it), then merged. The first radix
	// levels split one bucket holding nearly every key (a province's
	// labels share their first bytes), on one processor per bucket: with
	// two runs, two such splits go on at once.
	runs := min(2, workers)
	ks := make([][]lkey, runs)
	inRanges(n, runs, func(c, lo, hi int) { ks[c] = make([]lkey, hi-lo) })
	// The keys are made, and at the end merged, on all processors, each a
	// range of them.
	inRanges(n, workers, func(_, lo, hi int) {
		for r := range ks {
			first := n * r / runs // position of the run's first key
			run := ks[r]
			for i := max(lo, first); i < min(hi, first+len(run)); i++ {
				var b [16]byte
				copy(b[:], labels[loff[i]:loff[i+1]])
				k := &run[i-first]
				*k = lkey{p0: binary.BigEndian.Uint64(b[:8]), p1: binary.BigEndian.Uint64(b[8:]), i: uint32(i)}
				if carry {
					k.v = vals[i]
				}
			}
		}
	})
	// Buckets larger than radixScratch keys are split in place (no second
	// array of their keys); smaller ones are sorted with scratch space of
	// their size. The buckets are shared out on all processors as they are
	// split, so that a bucket holding most of the keys is split further
	// on all of them.
	type job struct {
		ks []lkey
		d  int
	}
	var (
		mu      sync.Mutex
		ready   = sync.NewCond(&mu)
		jobs    []job
		pending = runs // jobs queued or running
		wg      sync.WaitGroup
	)
	for _, run := range ks {
		jobs = append(jobs, job{run, 0})
	}
	for range workers {
		wg.Go(func() {
			var tmp []lkey
			var split []job
			for {
				mu.Lock()
				for len(jobs) == 0 && pending > 0 {
					ready.Wait()
				}
				if len(jobs) == 0 {
					mu.Unlock()
					return
				}
				b := jobs[len(jobs)-1]
				jobs = jobs[:len(jobs)-1]
				mu.Unlock()
				split = split[:0]
				if m := len(b.ks); m > radixScratch {
					s.levelInPlace(b.ks, b.d, func(lo, hi, d int) { split = append(split, job{b.ks[lo:hi], d}) })
				} else {
					if len(tmp) < m {
						tmp = make([]lkey, m)
					}
					s.sort(b.ks, tmp[:m], b.d)
				}
				mu.Lock()
				jobs = append(jobs, split...)
				pending += len(split) - 1
				mu.Unlock()
				ready.Broadcast()
			}
		})
	}
	wg.Wait()
	order = make([]uint32, n)
	if carry {
		sorted = make([]uint32, n)
	}
	// The runs are merged (one run is read out) on all processors, each a
	// range of the output: its start in each run is found by a binary
	// search (the keys are all different: ties are broken by position).
	a, b := ks[0], []lkey(nil)
	if runs == 2 {
		b = ks[1]
	}
	inRanges(n, workers, func(_, lo, hi int) {
		i := s.coRank(a, b, lo)
		j := lo - i
		for k := lo; k < hi; k++ {
			var x *lkey
			if j >= len(b) || i < len(a) && s.cmp(a[i], b[j]) < 0 {
				x = &a[i]
				i++
			} else {
				x = &b[j]
				j++
			}
			order[k] = x.i
			if carry {
				sorted[k] = x.v
			}
		}
	})
	return order, sorted
}

// coRank returns how many of the first k keys of the merge of the sorted
// runs a and b come from a.
func (s *labelSorter) coRank(a, b []lkey, k int) int {
	lo, hi := max(0, k-len(b)), min(k, len(a))
	for lo < hi {
		m := int(uint(lo+hi) / 2)
		// a[m] before b[k-m-1]: more than m keys come from a.
		if s.cmp(a[m], b[k-m-1]) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

type labelSorter struct {
	labels []byte
	loff   []uint32
}

func (s *labelSorter) label(i uint32) []byte { return s.labels[s.loff[i]:s.loff[i+1]] }

func (s *labelSorter) cmp(a, b lkey) int {
	if a.p0 != b.p0 {
		return cmp.Compare(a.p0, b.p0)
	}
	if a.p1 != b.p1 {
		return cmp.Compare(a.p1, b.p1)
	}
	if c := bytes.Compare(s.label(a.i), s.label(b.i)); c != 0 {
		return c
	}
	return cmp.Compare(a.i, b.i)
}

// digit returns byte d (0..15) of k's 16-byte prefix.
func digit(k *lkey, d int) int {
	if d < 8 {
		return int(k.p0 >> (56 - 8*d) & 0xff)
	}
	return int(k.p1 >> (56 - 8*(d-8)) & 0xff)
}

// sort orders ks (tmp is scratch of the same length) by label, knowing
// that all of ks agree on their first d prefix bytes.
func (s *labelSorter) sort(ks, tmp []lkey, d int) {
	s.level(ks, tmp, d, func(lo, hi, d int) { s.sort(ks[lo:hi], tmp[lo:hi], d) })
}

// common returns the first prefix byte at which the keys differ (16 when
// their prefixes are all equal).
func common(ks []lkey) int {
	var x0, x1 uint64
	f := ks[0]
	for k := range ks {
		x0 |= ks[k].p0 ^ f.p0
		x1 |= ks[k].p1 ^ f.p1
	}
	if x0 == 0 {
		return 8 + bits.LeadingZeros64(x1)/8
	}
	return bits.LeadingZeros64(x0) / 8
}

// levelInPlace is level without scratch space: the keys are permuted
// into their buckets in place (American flag sort).
func (s *labelSorter) levelInPlace(ks []lkey, d int, bucket func(lo, hi, d int)) {
	cnt, d, done := s.count(ks, d)
	if done {
		return
	}
	var next [256]int
	copy(next[:], cnt[:256])
	for b := range 256 {
		for next[b] < cnt[b+1] {
			x := ks[next[b]]
			db := digit(&x, d)
			for db != b {
				y := ks[next[db]]
				ks[next[db]] = x
				next[db]++
				x, db = y, digit(&y, d)
			}
			ks[next[b]] = x
			next[b]++
		}
	}
	s.buckets(ks, cnt[:], d, bucket)
}

// count starts a radix pass at the first prefix byte from d on where the
// keys of ks differ (the bytes every key shares are skipped): it returns
// the bucket boundaries and that byte's position, or done when ks was small
// or exhausted and is already sorted by the comparison sort.
func (s *labelSorter) count(ks []lkey, d int) (cnt [257]int, _ int, done bool) {
	if len(ks) <= radixSmall || d >= 16 {
		slices.SortFunc(ks, s.cmp)
		return cnt, d, true
	}
	c := common(ks)
	if c >= 16 {
		slices.SortFunc(ks, s.cmp)
		return cnt, d, true
	}
	d = max(d, c)
	for k := range ks {
		cnt[digit(&ks[k], d)+1]++
	}
	for b := 1; b <= 256; b++ {
		cnt[b] += cnt[b-1]
	}
	return cnt, d, false
}

// buckets finishes or hands on the buckets of one pass (cnt: bucket
// boundaries).
func (s *labelSorter) buckets(ks []lkey, cnt []int, d int, bucket func(lo, hi, d int)) {
	for b := range 256 {
		lo, hi := cnt[b], cnt[b+1]
		switch {
		case hi-lo <= 1:
		case hi-lo <= radixSmall || d+1 >= 16:
			slices.SortFunc(ks[lo:hi], s.cmp)
		default:
			bucket(lo, hi, d+1)
		}
	}
}

// level performs one radix pass over ks (tmp: scratch of the same length)
// at the first prefix byte from d on where the keys differ, and calls
// bucket for each bucket that needs more sorting, with the next digit.
// Small or exhausted ranges are finished with the comparison sort.
func (s *labelSorter) level(ks, tmp []lkey, d int, bucket func(lo, hi, d int)) {
	cnt, d, done := s.count(ks, d)
	if done {
		return
	}
	var pos [256]int
	copy(pos[:], cnt[:256])
	for k := range ks {
		b := digit(&ks[k], d)
		tmp[pos[b]] = ks[k]
		pos[b]++
	}
	copy(ks, tmp)
	s.buckets(ks, cnt[:], d, bucket)
}

// inRanges calls f on workers goroutines, goroutine c with the range
// [n*c/workers, n*(c+1)/workers) of [0, n), and waits for them all.
func inRanges(n, workers int, f func(c, lo, hi int)) {
	var wg sync.WaitGroup
	for c := range workers {
		wg.Go(func() { f(c, n*c/workers, n*(c+1)/workers) })
	}
	wg.Wait()
}
