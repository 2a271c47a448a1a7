package registry

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oddTargets are targets whose labels and fields exercise the ordering and
// the leaf encoding: shared 16-byte prefixes, prefixes of each other,
// bytes ≥ 0x80, escapes, many profiles.
func oddTargets(n int, seed uint64) []Target {
	r := rand.New(rand.NewPCG(seed, 11))
	ts := genTargets(n, seed)
	odd := []string{"a", "a\x00", "aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa\x00", "aaaaaaaaaaaaaaab", "aaaaaaaaaaaaaaaaz",
		"é", "\xff", "\"q\\", "z", "", "aaaaaaaaaaaaaaaa\xff"}
	for i, l := range odd {
		ts = append(ts, Target{ID: l, Name: "odd" + l, Kind: KindProduct, Jurisdiction: "440103", Industry: "x\"y",
			CreditClass: "C", Complaints: i, Status: StatusClosed, Departments: []string{"治安", "消防"}})
	}
	for i := range 300 {
		ts = append(ts, Target{ID: fmt.Sprintf("P%0*d", 1+r.IntN(25), i), Kind: KindProject, Jurisdiction: "440104",
			Industry: fmt.Sprint(r.IntN(40)), CreditClass: "B", SeriousViolation: r.IntN(2) == 0, Status: StatusActive})
	}
	r.Shuffle(len(ts), func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
	return ts
}

// A pool orders its units by label bytes, gives back every target, and
// commits to the same root as CommitTargets, on any number of processors.
func TestPoolEqualsTargets(t *testing.T) {
	for _, n := range []int{0, 1, 50, 5000, 40000} {
		ts := oddTargets(n, uint64(n))
		want, err := CommitTargets(ts)
		require.NoError(t, err)
		sorted := sortedTargets(ts)
		for _, procs := range []int{1, 2, 8} {
			prev := runtime.GOMAXPROCS(procs)
			p, err := NewPool(ts)
			runtime.GOMAXPROCS(prev)
			require.NoError(t, err)
			assert.Equal(t, want, p.Commitment(), "n=%d procs=%d", n, procs)
			assert.Equal(t, want, p.Recommit())
			require.Equal(t, len(ts), p.Len())
			for i := range sorted {
				got := p.Target(i)
				if got.Departments == nil && len(sorted[i].Departments) == 0 {
					got.Departments = sorted[i].Departments
				}
				require.Equal(t, sorted[i], got, "unit %d", i)
				leaf, err := TargetLeaf(sorted[i])
				require.NoError(t, err)
				require.Equal(t, string(leaf), string(p.AppendLeaf(nil, i)))
				k, ok := p.Find(sorted[i].ID)
				require.True(t, ok)
				require.Equal(t, i, k)
			}
			_, ok := p.Find("no such label")
			assert.False(t, ok)
			requireInputOrder(t, p, ts)
		}
	}
}

// requireInputOrder checks that p, made from ts, gives each unit's
// position in ts (InputIndex) and, by that position, its name (InputName).
func requireInputOrder(t *testing.T, p *Pool, ts []Target) {
	t.Helper()
	seen := make([]bool, len(ts))
	for i := range p.Len() {
		j := p.InputIndex(i)
		require.True(t, j >= 0 && j < len(ts) && !seen[j], "unit %d: input index %d", i, j)
		seen[j] = true
		require.Equal(t, ts[j].ID, p.Label(i), "unit %d: input index %d", i, j)
		require.Equal(t, ts[j].Name, p.InputName(j), "input %d", j)
		require.Equal(t, p.Name(i), p.InputName(j), "unit %d", i)
	}
}

func TestPoolDuplicate(t *testing.T) {
	ts := genTargets(100, 1)
	ts = append(ts, ts[17])
	_, err := NewPool(ts)
	require.ErrorIs(t, err, ErrDuplicateID)
	assert.Contains(t, err.Error(), ts[17].ID)
}

// The radix sort agrees with a stable comparison sort on labels with long
// shared prefixes, repeats and every length from 0 to 40.
func TestSortPoolLabels(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var labels []byte
	loff := []uint32{0}
	var ls []string
	for range 200_000 {
		l := strings.Repeat("9144010", r.IntN(3)) + fmt.Sprintf("%0*d", r.IntN(20), r.IntN(100_000))
		if r.IntN(50) == 0 {
			l += "\x00\xff"[r.IntN(2):]
		}
		labels = append(labels, l...)
		loff = append(loff, uint32(len(labels)))
		ls = append(ls, l)
	}
	want := make([]uint32, len(ls))
	for i := range want {
		want[i] = uint32(i)
	}
	slices.SortStableFunc(want, func(a, b uint32) int { return strings.Compare(ls[a], ls[b]) })
	for _, scratch := range []int{radixScratch, 1000, radixSmall} {
		for _, procs := range []int{1, 2, 8} {
			prev, prevScratch := runtime.GOMAXPROCS(procs), radixScratch
			radixScratch = scratch
			got := sortPoolLabels(labels, loff)
			vals := make([]uint32, len(ls))
			for i := range vals {
				vals[i] = uint32(i*7 + 1)
			}
			order, sorted := sortPoolLabelsWith(labels, loff, vals)
			runtime.GOMAXPROCS(prev)
			radixScratch = prevScratch
			require.True(t, slices.Equal(want, got), "procs %d, buckets split in place above %d keys", procs, scratch)
			require.True(t, slices.Equal(want, order), "procs %d, buckets split in place above %d keys, values carried", procs, scratch)
			for k, i := range order {
				require.Equal(t, vals[i], sorted[k], "procs %d, scratch %d: value of position %d", procs, scratch, k)
			}
		}
	}
}
