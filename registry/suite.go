package registry

import (
	"encoding/hex"
	"runtime"
	"sync"

	"github.com/shuangsuiji/ssj/internal/merkle"
	"github.com/shuangsuiji/ssj/suite"
)

// This file holds the commitments under a named crypto suite (package
// suite): ssj-v1 hashes leaves and nodes with SHA-256, ssj-v1-sm with SM3
// (docs/draw-spec.md Appendix H). The functions without a suite are
// ssj-v1's.

// CommitTargetsWith is CommitTargets in the RFC 6962 tree of crypto suite
// s: leaf H(0x00 || leaf bytes), node H(0x01 || left || right), H the
// suite's hash.
func CommitTargetsWith(s suite.Suite, ts []Target) (Commitment, error) {
	return commitUnits(s.Merkle(), ts, targetLabel, AppendTargetLeaf)
}

// CommitInspectorsWith is CommitInspectors in the tree of crypto suite s.
func CommitInspectorsWith(s suite.Suite, ins []Inspector) (Commitment, error) {
	return commitUnits(s.Merkle(), ins, inspectorLabel, AppendInspectorLeaf)
}

// suiteCommits caches a pool's commitments under suites other than ssj-v1.
type suiteCommits struct {
	mu sync.Mutex
	m  map[suite.ID]Commitment
}

// CommitmentWith returns the pool's commitment in the tree of crypto suite
// s. Like Commitment (which it is for ssj-v1), it is computed on all
// processors the first time it is asked for and carried with the pool from
// then on.
func (p *Pool) CommitmentWith(s suite.Suite) Commitment {
	if s.Merkle().IsSHA256() {
		return p.Commitment()
	}
	p.others.mu.Lock()
	defer p.others.mu.Unlock()
	if c, ok := p.others.m[s.ID()]; ok {
		return c
	}
	r := p.RootOfWith(s, p.Len(), func(k int) int { return k })
	c := Commitment{Count: p.Len(), Root: hex.EncodeToString(r[:])}
	if p.others.m == nil {
		p.others.m = map[suite.ID]Commitment{}
	}
	p.others.m[s.ID()] = c
	return c
}

// RootOfWith is RootOf in the tree of crypto suite s.
func (p *Pool) RootOfWith(s suite.Suite, n int, unit func(k int) int) merkle.Hash {
	return p.rootOf(s.Merkle(), n, unit)
}

// rootOf is RootOf over the tree h, hashing on all processors.
func (p *Pool) rootOf(h merkle.Hasher, n int, unit func(k int) int) merkle.Hash {
	workers := runtime.GOMAXPROCS(0)
	bufs := make([][]byte, workers)
	digests := make([]*merkle.Digest, workers)
	for w := range digests {
		digests[w] = h.NewDigest()
	}
	return h.ParallelRoot(n, workers, func(w, lo, hi int, dst []merkle.Hash) {
		b, d := bufs[w], digests[w]
		for k := lo; k < hi; k++ {
			b = p.AppendLeaf(append(b[:0], 0), unit(k))
			dst[k-lo] = d.Sum(b)
		}
		bufs[w] = b
	})
}
