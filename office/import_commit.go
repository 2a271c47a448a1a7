package office

import (
	"cmp"
	"runtime"
	"slices"

	"github.com/shuangsuiji/ssj/internal/merkle"
	"github.com/shuangsuiji/ssj/registry"
)

// This file is pass 1 of ImportSnapshot: the snapshot's commitment root
// (over the canonical leaves) and digest (over the stored row data), both
// RFC 6962 trees over the units in key order, computed in one parallel
// pass that holds ChunkSize leaf hashes per goroutine, not one per unit:
// a million-row import used to hold 64 MB of hashes here.

// commitRows returns the commitment root and the digest of src's rows.
// When a row cannot be built it returns the error of the first such row
// in key order and its position bad. Units that fail src's check are
// collected for src.problems.
func commitRows(tree merkle.Hasher, src *rowSource) (root, dig merkle.Hash, bad int, err error) {
	leafHash := tree.LeafHash
	if tree.IsSHA256() {
		leafHash = merkle.LeafHash // one-shot on the stack
	}
	workers := runtime.GOMAXPROCS(0)
	if src.n < 2*merkle.ChunkSize {
		workers = 1
	}
	chunks := (src.n + merkle.ChunkSize - 1) / merkle.ChunkSize
	digs := make([]merkle.Hash, chunks) // the digest's chunk roots
	errs := make([]error, chunks)       // the first failing row of each chunk
	bads := make([]int, chunks)
	type state struct {
		row  rowFunc
		buf  []byte
		data []merkle.Hash
	}
	ws := make([]state, workers)
	src.checked = make([]registry.RowErrors, workers)
	root = tree.ParallelRoot(src.n, workers, func(w, lo, hi int, dst []merkle.Hash) {
		st := &ws[w]
		if st.row == nil {
			st.row = src.newRow(&src.checked[w])
			st.data = make([]merkle.Hash, merkle.ChunkSize)
		}
		data := st.data[:hi-lo]
		for i := lo; i < hi; i++ {
			var nl int
			var err error
			if st.buf, nl, err = st.row(st.buf[:0], i); err != nil {
				c := lo / merkle.ChunkSize
				errs[c], bads[c] = err, i
				return // the root is discarded
			}
			dst[i-lo] = leafHash(st.buf[:nl])
			data[i-lo] = leafHash(st.buf[nl:])
		}
		digs[lo/merkle.ChunkSize] = tree.RootInPlace(data)
	})
	for c, err := range errs {
		if err != nil {
			return root, dig, bads[c], err
		}
	}
	if chunks == 0 {
		return root, tree.EmptyRoot(), 0, nil
	}
	return root, tree.RootInPlace(digs), 0, nil
}

// problems returns the problems pass 1's checks found, in row order
// (each row's in the order found), or nil.
func (src *rowSource) problems() error {
	var all registry.RowErrors
	for _, c := range src.checked {
		all = append(all, c...)
	}
	if len(all) == 0 {
		return nil
	}
	slices.SortStableFunc(all, func(a, b *registry.RowError) int { return cmp.Compare(a.Row, b.Row) })
	return all
}
