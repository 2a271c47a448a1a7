package draw

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
)

// poolSelection, which sorts the workers' heaps apart and merges them,
// gives the order of one sort of every candidate, and poolSelections the
// selections (label, name, stratum, rank) of each, on any number
// of processors; candidates whose 8-byte rank prefixes tie (forced here
// by small keys) are ordered by full rank, then label, as the spec says.
func TestPoolSelectionEqualsOneSort(t *testing.T) {
	defer func(g int) { selectGrain = g }(selectGrain)
	selectGrain = 7
	p, err := registry.NewPool(dtPool(3000, 41))
	require.NoError(t, err)
	k := DeriveKey([32]byte{1}, [32]byte{2})
	r := rand.New(rand.NewPCG(4, 1))
	// A tally naming the profiles' strata, for the record's selections.
	pt := &poolTally{stratum: make([]int32, p.Profiles())}
	for j := range pt.stratum {
		pt.stratum[j] = int32(j % 3)
	}
	pt.keys = []string{"A", "B/x", "C"}
	for trial := range 20 {
		workers, strata := 1+r.IntN(4), 1+r.IntN(5)
		take := make([]int64, strata)
		heaps := make([][]selBuf, workers)
		all := make([][]selCand, strata) // per stratum, every candidate
		perm := r.Perm(p.Len())
		for w := range heaps {
			heaps[w] = make([]selBuf, strata)
		}
		for _, u := range perm[:r.IntN(p.Len())] {
			s, w := r.IntN(strata), r.IntN(workers)
			c := selCand{key: uint64(r.IntN(3)), i: int32(u)}
			heaps[w][s].items = append(heaps[w][s].items, c)
			all[s] = append(all[s], c)
		}
		ctx := &selCtx{pool: p, rk: NewRanker(k)}
		var want []selCand
		for s := range strata {
			slices.SortFunc(all[s], ctx.cmp)
			// Each worker keeps at least its take[s] smallest candidates
			// of a stratum: exactly those, or (odd trials) more.
			take[s] = int64(r.IntN(len(all[s]) + 1))
			for w := range heaps {
				h := heaps[w][s].items
				slices.SortFunc(h, ctx.cmp)
				keep := int(take[s])
				if trial%2 == 1 {
					keep += r.IntN(keep + 2)
				}
				heaps[w][s].items = h[:min(len(h), keep)]
				r.Shuffle(len(heaps[w][s].items), func(i, j int) { h[i], h[j] = h[j], h[i] })
			}
			want = append(want, all[s][:take[s]]...)
		}
		slices.SortFunc(want, ctx.cmp)
		// The buffers with no room to spare (a stratum's candidates are
		// joined into a new array) or with room for every candidate
		// (gathered in place).
		for _, room := range []bool{false, true} {
			for _, procs := range []int{1, 2, 8} {
				prev := runtime.GOMAXPROCS(procs)
				hs := make([][]selBuf, workers)
				for w := range heaps {
					hs[w] = make([]selBuf, strata)
					for s := range heaps[w] {
						h := heaps[w][s].items
						spare := 0
						if room {
							spare = len(all[s])
						}
						hs[w][s].items = append(make([]selCand, 0, len(h)+spare), h...)
					}
				}
				got := poolSelection(suite.SSJv1, k, p, hs, take)
				sel := poolSelections(suite.SSJv1, k, p, pt, got)
				runtime.GOMAXPROCS(prev)
				require.Equal(t, want, got, "trial %d procs %d room %v", trial, procs, room)
				require.Len(t, sel, len(got))
				for i, c := range got {
					u := int(c.i)
					require.Equal(t, Selection{Target: p.Label(u), Name: p.Name(u), Stratum: pt.keys[pt.stratum[p.Profile(u)]],
						Rank: ctx.rk.RankTarget(p.Label(u)).String()}, sel[i], "trial %d procs %d", trial, procs)
				}
			}
		}
	}
}

// cutStrata keeps, of each stratum, the take smallest candidates of all
// the workers' buffers by the spec's order, on any number of processors,
// whatever the spread of the rank prefixes: all in the cut's bucket (few
// distinct prefixes, all zero, one outlier above a cluster), spread over
// all 64 bits or over a few, and buffers cut to the take or holding
// every candidate.
func TestCutStrata(t *testing.T) {
	defer func(g int) { selectGrain = g }(selectGrain)
	p, err := registry.NewPool(dtPool(4000, 45))
	require.NoError(t, err)
	k := DeriveKey([32]byte{7}, [32]byte{8})
	ctx := &selCtx{pool: p, rk: NewRanker(k)}
	spreads := map[string]func(r *rand.Rand) uint64{
		"ties":    func(r *rand.Rand) uint64 { return uint64(r.IntN(3)) },
		"zero":    func(r *rand.Rand) uint64 { return 0 },
		"64 bits": func(r *rand.Rand) uint64 { return r.Uint64() },
		"20 bits": func(r *rand.Rand) uint64 { return r.Uint64N(1 << 20) },
		"outlier": func(r *rand.Rand) uint64 {
			if r.IntN(500) == 0 {
				return 1 << 63
			}
			return 100 + uint64(r.IntN(5))
		},
	}
	names := []string{"ties", "zero", "64 bits", "20 bits", "outlier"}
	r := rand.New(rand.NewPCG(8, 3))
	for trial := range 60 {
		spread := names[trial%len(names)]
		workers, strata := 1+r.IntN(4), 1+r.IntN(4)
		take := make([]int64, strata)
		bufs := make([][]selBuf, workers)
		for w := range bufs {
			bufs[w] = make([]selBuf, strata)
		}
		all := make([][]selCand, strata)
		for _, u := range r.Perm(p.Len())[:r.IntN(p.Len()+1)] {
			s, w := r.IntN(strata), r.IntN(workers)
			c := selCand{key: spreads[spread](r), i: int32(u)}
			bufs[w][s].items = append(bufs[w][s].items, c)
			all[s] = append(all[s], c)
		}
		var want []selCand
		for s := range strata {
			slices.SortFunc(all[s], ctx.cmp)
			take[s] = []int64{0, 1, int64(r.IntN(len(all[s]) + 1)), int64(len(all[s])), int64(len(all[s]) + 3)}[r.IntN(5)]
			want = append(want, all[s][:min(int64(len(all[s])), take[s])]...)
			for w := range bufs {
				// Odd trials: each buffer cut to its take smallest.
				if b := bufs[w][s].items; trial%2 == 1 && int64(len(b)) > take[s] {
					slices.SortFunc(b, ctx.cmp)
					bufs[w][s].items = b[:take[s]]
					r.Shuffle(int(take[s]), func(i, j int) { b[i], b[j] = b[j], b[i] })
				}
			}
		}
		slices.SortFunc(want, ctx.cmp)
		for _, procs := range []int{1, 2, 8} {
			for _, grain := range []int{4096, 1} {
				selectGrain = grain
				bs := make([][]selBuf, workers)
				for w := range bufs {
					bs[w] = make([]selBuf, strata)
					for s := range bufs[w] {
						bs[w][s].items = slices.Clone(bufs[w][s].items)
					}
				}
				prev := runtime.GOMAXPROCS(procs)
				segs := cutStrata(suite.SSJv1, k, p, bs, take)
				runtime.GOMAXPROCS(prev)
				var got []selCand
				for _, seg := range segs {
					got = append(got, seg...)
				}
				slices.SortFunc(got, ctx.cmp)
				require.Equal(t, want, got, "trial %d (%s) procs %d grain %d take %v", trial, spread, procs, grain, take)
			}
		}
	}
}

// across empty strata and stratum boundaries.
func TestEachOf(t *testing.T) {
	strata := [][]selCand{{{key: 0}, {key: 1}}, nil, {{key: 2}}, {}, {{key: 3}, {key: 4}, {key: 5}}}
	for lo := 0; lo <= 6; lo++ {
		for hi := lo; hi <= 6; hi++ {
			var got []uint64
			eachOf(strata, lo, hi, func(x selCand) { got = append(got, x.key) })
			var want []uint64
			for k := lo; k < hi; k++ {
				want = append(want, uint64(k))
			}
			require.Equal(t, want, got, "[%d, %d)", lo, hi)
		}
	}
}

// firstDiffRecord, which compares selections and batches directly, names
// the same first difference as the reflective firstDiff over the whole
// record.
func TestFirstDiffRecordEqualsFirstDiff(t *testing.T) {
	task := dtTask()
	task.Batches = 2
	base := dtRun(t, task, dtPool(3000, 11))
	for name, tamper := range map[string]func(r *Record){
		"none":           func(r *Record) {},
		"selected label": func(r *Record) { r.Selected[3].Target = "91330106MA99999999" },
		"selected rank":  func(r *Record) { r.Selected[5].Rank = "ab" },
		"name":           func(r *Record) { r.Selected[0].Name = "别的公司" },
		"dropped unit":   func(r *Record) { r.Selected = r.Selected[:len(r.Selected)-1] },
		"no selection":   func(r *Record) { r.Selected = nil },
		"batch":          func(r *Record) { r.Batches[1].Targets[0] = r.Batches[0].Targets[0] },
		"batch number":   func(r *Record) { r.Batches[1].Number = 7 },
		"batch dropped":  func(r *Record) { r.Batches = r.Batches[:1] },
		"and a count":    func(r *Record) { r.Selected[3].Target = "x"; r.Scope-- },
	} {
		t.Run(name, func(t *testing.T) {
			r := dtClone(t, &base)
			tamper(&r)
			want := firstDiff("", reflect.ValueOf(&r).Elem(), reflect.ValueOf(&base).Elem())
			got := firstDiffRecord(&r, &base)
			require.Equal(t, want, got)
			if name != "none" {
				require.NotNil(t, got)
			}
		})
	}
}

// A selBuf offered any stream keeps the k smallest candidates of one sort
// (ties of the 8-byte prefix, forced by small keys, decided by full rank
// and label), whatever k and the order of the offers; selectSmallestK
// alone puts the k smallest first.
func TestSelBufKeepsSmallest(t *testing.T) {
	t.Parallel()
	p, err := registry.NewPool(dtPool(6000, 43))
	require.NoError(t, err)
	ctx := &selCtx{pool: p, rk: NewRanker(DeriveKey([32]byte{3}, [32]byte{4}))}
	r := rand.New(rand.NewPCG(5, 9))
	for trial := range 30 {
		n := r.IntN(p.Len() + 1)
		keys := []int{2, 50, 1 << 30}[trial%3] // few distinct prefixes, or nearly all distinct
		all := make([]selCand, n)
		for x, u := range r.Perm(p.Len())[:n] {
			all[x] = selCand{key: uint64(r.IntN(keys)), i: int32(u)}
		}
		want := append([]selCand{}, all...)
		slices.SortFunc(want, ctx.cmp)
		for _, k := range []int{0, 1, 7, r.IntN(n + 1), n, n + 5} {
			b := selBuf{k: k}
			for _, x := range all {
				if k > 0 {
					b.offer(ctx, x)
				}
			}
			b.compact(ctx)
			got := append([]selCand{}, b.items...)
			slices.SortFunc(got, ctx.cmp)
			require.Equal(t, want[:min(k, n)], got[:min(k, len(got))], "trial %d n %d k %d", trial, n, k)
			require.Len(t, got, min(k, n), "trial %d n %d k %d", trial, n, k)

			a := slices.Clone(all)
			selectSmallestK(ctx, a, k)
			got = append([]selCand{}, a[:min(k, n)]...)
			slices.SortFunc(got, ctx.cmp)
			require.Equal(t, want[:min(k, n)], got, "selectSmallestK trial %d n %d k %d", trial, n, k)
		}
	}
}

// marshalBoth's encodings are equal exactly when json.Marshal's of the
// whole records are, also when it leaves equal selections out: records
// differing outside, inside, or only by nil against empty selections.
func TestMarshalBothEqualsMarshal(t *testing.T) {
	rec := dtRun(t, dtTask(), dtPool(2000, 5))
	require.NotEmpty(t, rec.Selected)
	variants := map[string]func(r *Record){
		"same":           func(r *Record) {},
		"scope":          func(r *Record) { r.Scope++ },
		"selection name": func(r *Record) { r.Selected[3].Name += "x" },
		"selection cut":  func(r *Record) { r.Selected = r.Selected[:len(r.Selected)-1] },
		"nil selections": func(r *Record) { r.Selected = nil },
		"no selections":  func(r *Record) { r.Selected = []Selection{} },
		"lock":           func(r *Record) { r.Lock = &LockInfo{By: "x"} },
	}
	for name, a := range variants {
		for name2, b := range variants {
			ra, rb := rec, rec
			ra.Selected, rb.Selected = slices.Clone(rec.Selected), slices.Clone(rec.Selected)
			a(&ra)
			b(&rb)
			wa, err := json.Marshal(&ra)
			require.NoError(t, err)
			wb, err := json.Marshal(&rb)
			require.NoError(t, err)
			ja, jb, err := marshalBoth(&ra, &rb)
			require.NoError(t, err)
			require.Equal(t, bytes.Equal(wa, wb), bytes.Equal(ja, jb), "%s against %s", name, name2)
		}
	}
}

// poolSelectionsEqual, which compares a record's selections with the
// pool in place, says equal exactly when slices.Equal over what
// poolSelections builds does: for the selections themselves (also as a
// separate copy of every string), and for each field of each of a sample
// of elements changed, elements swapped, and lengths that differ, on 1, 2
// and 8 processors with chunks of a few units.
func TestPoolSelectionsEqualMatchesBuilt(t *testing.T) {
	defer func(g int) { selectGrain = g }(selectGrain)
	selectGrain = 5
	p, err := registry.NewPool(dtPool(2000, 47))
	require.NoError(t, err)
	k := DeriveKey([32]byte{5}, [32]byte{6})
	pt := &poolTally{stratum: make([]int32, p.Profiles())}
	for j := range pt.stratum {
		pt.stratum[j] = int32(j % 2)
	}
	pt.keys = []string{"A", "B"}
	r := rand.New(rand.NewPCG(7, 3))
	perm := r.Perm(p.Len())[:300]
	chosen := make([]selCand, len(perm))
	for x, u := range perm {
		chosen[x] = selCand{i: int32(u)}
	}
	built := poolSelections(suite.SSJv1, k, p, pt, chosen)
	copyOf := func(s []Selection) []Selection {
		out := make([]Selection, len(s))
		for i, x := range s {
			out[i] = Selection{Target: string([]byte(x.Target)), Name: string([]byte(x.Name)),
				Stratum: string([]byte(x.Stratum)), Rank: string([]byte(x.Rank))}
		}
		return out
	}
	variants := map[string][]Selection{"same": built, "copy": copyOf(built), "shorter": copyOf(built[:299]), "empty": nil}
	for _, i := range []int{0, 1, 150, 299} {
		for f, edit := range map[string]func(s *Selection){
			"target":  func(s *Selection) { s.Target = s.Target[:17] + "X" },
			"name":    func(s *Selection) { s.Name += "x" },
			"stratum": func(s *Selection) { s.Stratum = "C" },
			"rank":    func(s *Selection) { s.Rank = s.Rank[:63] + string("01"[1-(s.Rank[63]&1)]) },
			"RANK":    func(s *Selection) { s.Rank = strings.ToUpper(s.Rank) },
		} {
			v := copyOf(built)
			edit(&v[i])
			variants[fmt.Sprintf("%s of %d", f, i)] = v
		}
		v := copyOf(built)
		j := (i + 1) % len(v)
		v[i], v[j] = v[j], v[i]
		variants[fmt.Sprintf("swap %d", i)] = v
	}
	for _, procs := range []int{1, 2, 8} {
		prev := runtime.GOMAXPROCS(procs)
		for name, v := range variants {
			want := slices.Equal(built, v)
			require.Equal(t, want, poolSelectionsEqual(suite.SSJv1, k, p, pt, chosen, v), "%s, procs %d", name, procs)
			require.Equal(t, want, sameSelections(built, v), "sameSelections: %s", name)
		}
		runtime.GOMAXPROCS(prev)
	}
}

// sortCands, a counting sort into buckets of rank prefixes and a sort of
// each bucket, gives the order of slices.SortFunc by cmp: uniform
// prefixes, few distinct prefixes (ties decided by full rank and label),
// prefixes in a narrow range, a few far apart, and sizes about the
// threshold of its bucketing.
func TestSortCandsEqualsSortFunc(t *testing.T) {
	p, err := registry.NewPool(dtPool(5000, 53))
	require.NoError(t, err)
	ctx := &selCtx{pool: p, rk: NewRanker(DeriveKey([32]byte{7}, [32]byte{8}))}
	r := rand.New(rand.NewPCG(11, 13))
	keys := map[string]func() uint64{
		"uniform": r.Uint64,
		"few":     func() uint64 { return uint64(r.IntN(5)) },
		"narrow":  func() uint64 { return 1<<40 + uint64(r.IntN(3000)) },
		"spread":  func() uint64 { return uint64(r.IntN(3)) << 62 },
		"top":     func() uint64 { return ^uint64(r.IntN(1000)) },
	}
	var tmp []selCand
	for name, key := range keys {
		for _, n := range []int{0, 1, 255, 256, 257, 1000, 4999} {
			a := make([]selCand, n)
			for x, u := range r.Perm(p.Len())[:n] {
				a[x] = selCand{key: key(), i: int32(u)}
			}
			want := slices.Clone(a)
			slices.SortFunc(want, ctx.cmp)
			tmp = sortCands(ctx, a, tmp)
			require.Equal(t, want, a, "%s n %d", name, n)
		}
	}
}

// poolOrder and inputOrder (distinctOrder, a counting sort by presence)
// are slices.Sort of index << 32 | position: dense and sparse unit
// indexes, the first and last of the pool, indexes on both sides of a
// 64-bit word's edge, sizes about the chunking threshold, on 1, 2 and 8
// processors with chunks of a few entries.
func TestPoolOrderEqualsSort(t *testing.T) {
	defer func(g int) { selectGrain = g }(selectGrain)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	r := rand.New(rand.NewPCG(17, 19))
	for _, procs := range []int{1, 2, 8} {
		runtime.GOMAXPROCS(procs)
		for _, grain := range []int{4096, 3} {
			selectGrain = grain
			for _, span := range []int{1, 63, 64, 65, 300, 5000, 1 << 20, 1<<26 + 3} {
				for _, n := range []int{0, 1, 2, 7, 63, 64, 65, 255, 256, 257, 4000} {
					if n > span {
						continue
					}
					seen := map[int32]bool{}
					c := make([]selCand, 0, n)
					if n > 1 { // the edges of the pool
						for _, u := range []int32{0, int32(span - 1)} {
							seen[u] = true
							c = append(c, selCand{key: r.Uint64(), i: u})
						}
					}
					for len(c) < n {
						u := int32(r.IntN(span))
						if !seen[u] {
							seen[u] = true
							c = append(c, selCand{key: r.Uint64(), i: u})
						}
					}
					r.Shuffle(len(c), func(x, y int) { c[x], c[y] = c[y], c[x] })
					want := make([]uint64, n)
					for x := range c {
						want[x] = uint64(c[x].i)<<32 | uint64(x)
					}
					slices.Sort(want)
					require.Equal(t, want, poolOrder(c, span), "procs %d grain %d span %d n %d", procs, grain, span, n)
				}
			}
		}
	}
}

// inputOrder puts the selected in the order of the pool's names (input
// order), with their positions in the candidates, on any number of
// processors.
func TestInputOrderEqualsSort(t *testing.T) {
	defer func(g int) { selectGrain = g }(selectGrain)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	p, err := registry.NewPool(dtPool(3000, 53))
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(23, 29))
	for _, procs := range []int{1, 2, 8} {
		runtime.GOMAXPROCS(procs)
		for _, grain := range []int{4096, 3} {
			selectGrain = grain
			for _, n := range []int{0, 1, 100, 2999, 3000} {
				c := make([]selCand, n)
				for x, u := range r.Perm(p.Len())[:n] {
					c[x] = selCand{key: r.Uint64(), i: int32(u)}
				}
				want := make([]uint64, n)
				for x := range c {
					want[x] = uint64(p.InputIndex(int(c[x].i)))<<32 | uint64(x)
				}
				slices.Sort(want)
				require.Equal(t, want, inputOrder(p, poolOrder(c, p.Len())), "procs %d grain %d n %d", procs, grain, n)
			}
		}
	}
}

// A worker's selection buffer, started at bufCap, is never grown by
// append on one processor, whatever the take and the number of eligible
// units offered (the buffer is compacted before it is full), and is no
// larger than it can ever need to be.
func TestBufCapHoldsOneWorker(t *testing.T) {
	p, err := registry.NewPool(dtPool(6000, 43))
	require.NoError(t, err)
	ctx := &selCtx{pool: p, rk: NewRanker(DeriveKey([32]byte{3}, [32]byte{4}))}
	r := rand.New(rand.NewPCG(7, 11))
	for _, tc := range []struct{ take, elig int }{
		{1, 1}, {1, 6000}, {10, 6000}, {500, 6000}, {2000, 6000}, {2500, 6000}, {5999, 6000}, {6000, 6000}, {3, 1030}, {3, 1031},
	} {
		c := bufCap(int64(tc.take), int64(tc.elig), 1)
		require.LessOrEqual(t, c, 2*tc.take+1024, "take %d elig %d", tc.take, tc.elig)
		require.LessOrEqual(t, c, tc.elig+1, "take %d elig %d", tc.take, tc.elig)
		b := selBuf{k: tc.take, items: make([]selCand, 0, c)}
		for _, u := range r.Perm(p.Len())[:tc.elig] {
			b.offer(ctx, selCand{key: r.Uint64(), i: int32(u)})
			require.Equal(t, c, cap(b.items), "take %d elig %d: the buffer was grown", tc.take, tc.elig)
		}
	}
	// On more processors a worker starts with its share and a quarter.
	require.Equal(t, 1_000_000/2+1_000_000/8+1024, bufCap(500_000, 1_000_000, 2))
	require.Equal(t, 2*1000+1024, bufCap(1000, 1_000_000, 2))
}
