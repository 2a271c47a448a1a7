package registry

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A repeated ID is found wherever it falls in label order, also where the
// gathering's chunks meet, and the pool is the same on 1, 2 or 8
// processors.
func TestPoolGatherChunks(t *testing.T) {
	defer func(g int) { poolGatherMin = g }(poolGatherMin)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	poolGatherMin = 1
	ts := sortedTargets(genTargets(41, 3))
	runtime.GOMAXPROCS(1)
	want, err := NewPool(ts)
	require.NoError(t, err)
	for _, procs := range []int{2, 8} {
		runtime.GOMAXPROCS(procs)
		got, err := NewPool(ts)
		require.NoError(t, err)
		assert.Equal(t, want.Targets(), got.Targets(), "procs %d", procs)
		assert.Equal(t, want.Commitment(), got.Commitment(), "procs %d", procs)
		for d := 1; d < len(ts); d++ {
			dup := append([]Target(nil), ts...)
			dup[d].ID = dup[d-1].ID // a repeat at label positions d-1, d
			_, err := NewPool(dup)
			require.ErrorIs(t, err, ErrDuplicateID, "procs %d repeat at %d", procs, d)
			assert.Contains(t, err.Error(), ts[d-1].ID, "procs %d repeat at %d", procs, d)
		}
	}
}

// The gathering (gatherVar: offsets read a batch ahead, labels of 8 to
// 24 bytes copied in words) puts labels of every length around those
// bounds and of mixed lengths in byte order, on 1, 2 or 8 processors, and
// finds a repeat wherever it falls, also across batches and chunks.
func TestPoolGatherLengths(t *testing.T) {
	defer func(g int) { poolGatherMin = g }(poolGatherMin)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	poolGatherMin = 1
	const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	base := genTargets(2*gatherBatch+7, 5)
	for _, widths := range [][]int{{1}, {7}, {8}, {9}, {16}, {17}, {USCCLength}, {24}, {25}, {40}, {USCCLength, 19}, {2, 8, 24, 3, 40, 17}} {
		ts := append([]Target(nil), base...)
		for i := range ts {
			// The ID (unique), cut or padded to a width, its last two
			// bytes made unique again when it is cut.
			w := widths[i%len(widths)]
			id := []byte((ts[i].ID + "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")[:w])
			if w < USCCLength {
				id[w-1] = alnum[i%36]
				if w > 1 {
					id[w-2] = alnum[(i/36)%36]
				}
			}
			ts[i].ID = string(id)
		}
		if widths[0] == 1 && len(widths) == 1 {
			ts = ts[:36] // distinct one-byte labels
		}
		want := make([]string, len(ts))
		for i := range ts {
			want[i] = ts[i].ID
		}
		slices.Sort(want)
		for _, procs := range []int{1, 2, 8} {
			runtime.GOMAXPROCS(procs)
			p, err := NewPool(ts)
			require.NoError(t, err, "widths %v", widths)
			got := make([]string, p.Len())
			for i := range got {
				got[i] = p.Label(i)
			}
			require.Equal(t, want, got, "widths %v procs %d", widths, procs)
			assert.Equal(t, want[len(want)-1], string(p.labels[p.loff[len(want)-1]:]), "widths %v procs %d", widths, procs)
			for d := 1; d < len(ts); d++ {
				dup := append([]Target(nil), ts...)
				// Repeat the label at sorted position d-1 at the input
				// position of sorted position d.
				dup[p.nidx[d]].ID = want[d-1]
				_, err := NewPool(dup)
				require.ErrorIs(t, err, ErrDuplicateID, "widths %v procs %d repeat at %d", widths, procs, d)
				assert.Contains(t, err.Error(), fmt.Sprintf("%q", want[d-1]), "widths %v procs %d repeat at %d", widths, procs, d)
			}
		}
	}
}

// copyShort copies as copy does, at every length.
func TestCopyShort(t *testing.T) {
	src := []byte("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ")
	for n := range 41 {
		dst := bytes.Repeat([]byte{'.'}, 48)
		want := bytes.Repeat([]byte{'.'}, 48)
		copy(want[3:3+n], src[5:5+n])
		copyShort(dst[3:3+n], src[5:5+n])
		assert.Equal(t, string(want), string(dst), "length %d", n)
	}
}
