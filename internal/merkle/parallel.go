package merkle

import (
	"sync"
	"sync/atomic"
)

// ChunkSize is the number of leaves ParallelRoot hands to one call of its
// fill function (a power of two, so that every full chunk is a complete
// subtree of the RFC 6962 tree).
const ChunkSize = 1 << 13

// ParallelRoot returns the RFC 6962 tree head over n leaves whose hashes
// are produced by fill, using workers goroutines. fill(w, lo, hi, dst)
// must write the leaf hashes of leaves lo..hi-1 into dst[0:hi-lo]; w
// (0 ≤ w < workers) names the calling goroutine, so fill may keep
// per-goroutine state. lo is a multiple of ChunkSize.
//
// The result does not depend on workers: chunks of ChunkSize leaves are
// complete subtrees (the RFC's split points are multiples of ChunkSize
// above that size), each is reduced on its own, and the chunk roots are
// then reduced as the RFC reduces leaves.
func ParallelRoot(n, workers int, fill func(w, lo, hi int, dst []Hash)) Hash {
	return parallelRoot(SHA256, n, workers, fill)
}

func parallelRoot(h Hasher, n, workers int, fill func(w, lo, hi int, dst []Hash)) Hash {
	if n == 0 {
		return h.EmptyRoot()
	}
	chunks := (n + ChunkSize - 1) / ChunkSize
	workers = max(1, min(workers, chunks))
	roots := make([]Hash, chunks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			dst := make([]Hash, min(n, ChunkSize))
			d := h.NewDigest()
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				lo, hi := c*ChunkSize, min(n, (c+1)*ChunkSize)
				fill(w, lo, hi, dst[:hi-lo])
				roots[c] = reduceInPlace(d, dst[:hi-lo])
			}
		})
	}
	wg.Wait()
	return reduceInPlace(h.NewDigest(), roots)
}

// reduceInPlace is RootFromLeafHashes (over d's hash) without the copy: each level is
// written over the start of the previous one. level must not be empty.
func reduceInPlace(d *Digest, level []Hash) Hash {
	for len(level) > 1 {
		next := level[:0]
		for i := 0; i+1 < len(level); i += 2 {
			next = append(next, d.NodeHash(level[i], level[i+1]))
		}
		if len(level)%2 == 1 {
			next = append(next, level[len(level)-1])
		}
		level = next
	}
	return level[0]
}

// RootInPlace is RootFromLeafHashes without the copy: the levels of the
// tree are written over leaves, which the caller must not use afterwards.
func (h Hasher) RootInPlace(leaves []Hash) Hash {
	if len(leaves) == 0 {
		return h.EmptyRoot()
	}
	return reduceInPlace(h.NewDigest(), leaves)
}
