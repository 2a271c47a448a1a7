package registry

import (
	"encoding/hex"
	"fmt"
	"math"
	"runtime"

	"github.com/shuangsuiji/ssj/internal/merkle"
)

// This file commits a slice of units without moving leaf hashes: the
// units' label order is computed by the radix sort of poolsort.go (or
// taken from an import's duplicate check), and the leaves are hashed
// directly in that order, chunk by chunk, on all processors
// (merkle.ParallelRoot). The cache-hostile permutation of a full array of
// hashes (gatherInPlace) is not needed.

// labelOrder returns the positions of units in label byte order, or an
// error wrapping ErrDuplicateID. ok is false when the labels do not fit
// the sort's 32-bit offsets (the caller then uses buildLeafSet).
func labelOrder[T any](units []T, label func(*T) string) (order []uint32, ok bool, err error) {
	total := 0
	for i := range units {
		total += len(label(&units[i]))
		if uint64(total) > math.MaxUint32 || len(units) > math.MaxInt32 {
			return nil, false, nil
		}
	}
	labels := make([]byte, 0, total)
	loff := make([]uint32, 1, len(units)+1)
	for i := range units {
		labels = append(labels, label(&units[i])...)
		loff = append(loff, uint32(len(labels)))
	}
	order = sortPoolLabels(labels, loff)
	for k := 1; k < len(order); k++ {
		if a, b := label(&units[order[k-1]]), label(&units[order[k]]); a == b {
			return nil, true, fmt.Errorf("registry: commit: %w %q", ErrDuplicateID, b)
		}
	}
	return order, true, nil
}

// commitInOrder returns the commitment over n units, the k-th leaf being
// that of units[at(k)]. Of several units whose leaf cannot be encoded, the
// first in leaf order is reported.
func commitInOrder[T any](h merkle.Hasher, units []T, n int, at func(k int) int, label func(*T) string, leaf func([]byte, *T) ([]byte, error)) (Commitment, error) {
	workers := runtime.GOMAXPROCS(0)
	if n < 4096 {
		workers = 1
	}
	bufs := make([][]byte, workers)
	errs := make([]error, workers)
	errAt := make([]int, workers)
	digests := make([]*merkle.Digest, workers)
	for w := range digests {
		digests[w] = h.NewDigest()
	}
	root := h.ParallelRoot(n, workers, func(w, lo, hi int, dst []merkle.Hash) {
		b, d := bufs[w], digests[w]
		for k := lo; k < hi; k++ {
			u := &units[at(k)]
			var err error
			if b, err = leaf(append(b[:0], 0), u); err != nil && (errs[w] == nil || k < errAt[w]) {
				errs[w], errAt[w] = fmt.Errorf("registry: commit: unit %q: %w", label(u), err), k
			}
			dst[k-lo] = d.Sum(b) // RFC 6962: H(0x00 || leaf)
		}
		bufs[w] = b
	})
	var first error
	firstAt := n
	for w, err := range errs {
		if err != nil && errAt[w] < firstAt {
			first, firstAt = err, errAt[w]
		}
	}
	if first != nil {
		return Commitment{}, first
	}
	return Commitment{Count: n, Root: hex.EncodeToString(root[:])}, nil
}

// commitUnits is the commitment to a pool given as a slice in any order.
func commitUnits[T any](h merkle.Hasher, units []T, label func(*T) string, leaf func([]byte, *T) ([]byte, error)) (Commitment, error) {
	order, ok, err := labelOrder(units, label)
	if err != nil {
		return Commitment{}, err
	}
	if !ok {
		ls, err := buildLeafSetWith(h, units, nil, label, leaf)
		if err != nil {
			return Commitment{}, err
		}
		return ls.commitment(), nil
	}
	return commitInOrder(h, units, len(units), func(k int) int { return int(order[k]) }, label, leaf)
}

// commitSorted is commitUnits when sorted (an import's duplicate check)
// may already hold the label order.
func commitSorted[T any](units []T, sorted []keyed, label func(*T) string, leaf func([]byte, *T) ([]byte, error)) (Commitment, error) {
	if !keysMatch(units, sorted, label) {
		return commitUnits(merkle.SHA256, units, label, leaf)
	}
	for k := 1; k < len(sorted); k++ {
		if sorted[k-1].label == sorted[k].label {
			return Commitment{}, fmt.Errorf("registry: commit: %w %q", ErrDuplicateID, sorted[k].label)
		}
	}
	return commitInOrder(merkle.SHA256, units, len(units), func(k int) int { return int(sorted[k].i) }, label, leaf)
}
