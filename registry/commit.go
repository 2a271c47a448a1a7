package registry

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"sync"

	"github.com/shuangsuiji/ssj/internal/merkle"
)

// ErrDuplicateID is returned (wrapped) when two units of one pool share a
// label.
var ErrDuplicateID = errors.New("duplicate ID")

// Commitment is a published commitment to a registry snapshot: the number of
// units and the RFC 6962 Merkle root over their canonical leaf bytes, leaves
// in label byte order.
type Commitment struct {
	Count int    `json:"count"`
	Root  string `json:"root"` // lower-case hex
}

// TargetLeaf returns the canonical leaf bytes of a target: the RFC 8785
// canonical JSON of every field that can affect a draw. The name is not part
// of the leaf. The bytes are those of canon.Marshal applied to
//
//	struct {
//		ID               string   `json:"id"`
//		Kind             Kind     `json:"kind"`
//		Jurisdiction     string   `json:"jurisdiction"`
//		Industry         string   `json:"industry"`
//		CreditClass      string   `json:"credit_class"`
//		Abnormal         bool     `json:"abnormal"`
//		SeriousViolation bool     `json:"serious_violation"`
//		Complaints       int      `json:"complaints"`
//		Status           Status   `json:"status"`
//		Departments      []string `json:"departments"` // nil written as []
//	}
//
// for example
//
//	{"abnormal":false,"complaints":0,"credit_class":"A","departments":["治安"],"id":"914403001922038216","industry":"旅馆业","jurisdiction":"440103","kind":"entity","serious_violation":false,"status":"active"}
//
// The only error is a complaint count beyond ±2^53.
func TargetLeaf(t Target) ([]byte, error) {
	return AppendTargetLeaf(nil, &t)
}

// InspectorLeaf returns the canonical leaf bytes of an inspector: the RFC
// 8785 canonical JSON of every field that can affect a draw. The name is not
// part of the leaf; times are written in UTC with RFC 3339 precision
// (nanoseconds when present). The bytes are those of canon.Marshal applied
// to
//
//	struct {
//		Cert           string     `json:"cert"`
//		Department     string     `json:"department"`
//		Unit           string     `json:"unit"`
//		Jurisdiction   string     `json:"jurisdiction"`
//		Qualifications []string   `json:"qualifications"` // nil written as []
//		LeaderEligible bool       `json:"leader_eligible"`
//		Unavailable    []struct{ From, Reason, To string } // keys from, reason, to
//		Interests      []Interest `json:"interests"`      // nil written as []
//		Active         bool       `json:"active"`
//	}
func InspectorLeaf(in Inspector) ([]byte, error) {
	return AppendInspectorLeaf(nil, &in)
}

// timeLayout is RFC 3339 with nanoseconds when present, always in UTC.
const timeLayout = "2006-01-02T15:04:05.999999999Z07:00"

// leafSet is a pool's leaves sorted by label bytes: keys[k] names the
// unit whose leaf hash is hashes[k].
type leafSet struct {
	keys   []keyed
	hashes []merkle.Hash
	tree   merkle.Hasher // the suite's tree (SHA-256 unless buildLeafSetWith says otherwise)
}

// buildLeafSet sorts the units by label (strings compare as bytes), rejects
// duplicates and hashes every leaf, using all processors for the hashing.
// The result does not depend on the input order or on the number of
// processors. sorted, when not nil, is a previous sortLabels result for the
// same units; it is used only if it still matches them.
func buildLeafSet[T any](units []T, sorted []keyed, label func(*T) string, leaf func([]byte, *T) ([]byte, error)) (leafSet, error) {
	return buildLeafSetWith(merkle.SHA256, units, sorted, label, leaf)
}

// buildLeafSetWith is buildLeafSet over the tree h (a crypto suite's).
func buildLeafSetWith[T any](h merkle.Hasher, units []T, sorted []keyed, label func(*T) string, leaf func([]byte, *T) ([]byte, error)) (leafSet, error) {
	n := len(units)
	if !keysMatch(units, sorted, label) {
		sorted = sortLabels(n, func(i int) string { return label(&units[i]) })
	}
	for k := 1; k < n; k++ {
		if sorted[k-1].label == sorted[k].label {
			return leafSet{}, fmt.Errorf("registry: commit: %w %q", ErrDuplicateID, sorted[k].label)
		}
	}
	// Hash the leaves in input order (sequential memory access), then
	// permute the hashes into label order.
	hashes := make([]merkle.Hash, n)
	workers := runtime.GOMAXPROCS(0)
	if n < 4096 {
		workers = 1
	}
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() {
			buf := make([]byte, 0, 512)
			d := h.NewDigest()
			for i := lo; i < hi; i++ {
				var err error
				buf, err = leaf(append(buf[:0], 0), &units[i])
				if err != nil {
					errs[w] = fmt.Errorf("registry: commit: unit %q: %w", label(&units[i]), err)
					return
				}
				hashes[i] = d.Sum(buf) // RFC 6962: H(0x00 || leaf)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return leafSet{}, err
		}
	}
	gatherInPlace(hashes, sorted)
	ls := leafSet{keys: sorted, hashes: hashes, tree: h}
	return ls, nil
}

// gatherInPlace rearranges hs so that hs[k] becomes the old hs[order[k].i],
// following the permutation's cycles with a bitmap instead of a second
// array.
func gatherInPlace(hs []merkle.Hash, order []keyed) {
	done := make([]uint64, (len(hs)+63)/64)
	for s := range hs {
		if done[s/64]&(1<<(s%64)) != 0 {
			continue
		}
		tmp := hs[s]
		k := s
		for {
			done[k/64] |= 1 << (k % 64)
			next := int(order[k].i)
			if next == s {
				hs[k] = tmp
				break
			}
			hs[k] = hs[next]
			k = next
		}
	}
}

// keysMatch reports whether sorted is a sorted labelling of exactly the
// units (the caller may have modified a slice after it was sorted).
func keysMatch[T any](units []T, sorted []keyed, label func(*T) string) bool {
	if sorted == nil || len(sorted) != len(units) {
		return false
	}
	for k, kv := range sorted {
		if int(kv.i) >= len(units) || label(&units[kv.i]) != kv.label || (k > 0 && sorted[k-1].label > kv.label) {
			return false
		}
	}
	return true
}

// commitment returns the pool's commitment. It overwrites ls.hashes (the
// tree is reduced in place), so ls must not be used afterwards.
func (ls leafSet) commitment() Commitment {
	if !ls.tree.IsSHA256() {
		r := ls.tree.RootFromLeafHashes(ls.hashes)
		return Commitment{Count: len(ls.hashes), Root: hex.EncodeToString(r[:])}
	}
	r := parallelRootInPlace(ls.hashes)
	return Commitment{Count: len(ls.hashes), Root: hex.EncodeToString(r[:])}
}

// parallelRootInPlace returns merkle.RootFromLeafHashes(hs), using hs as
// scratch space and two processors: RFC 6962 defines
// MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])) with k the
// largest power of two below n, and the two halves are independent.
func parallelRootInPlace(hs []merkle.Hash) merkle.Hash {
	n := len(hs)
	if n < 1<<16 || runtime.GOMAXPROCS(0) < 2 {
		return rootInPlace(hs)
	}
	k := 1 << (bits.Len(uint(n-1)) - 1)
	var left merkle.Hash
	var wg sync.WaitGroup
	wg.Go(func() { left = rootInPlace(hs[:k]) })
	right := rootInPlace(hs[k:])
	wg.Wait()
	return merkle.NodeHash(left, right)
}

// rootInPlace is merkle.RootFromLeafHashes without its copy of the leaves:
// each level is written over the start of the previous one.
func rootInPlace(level []merkle.Hash) merkle.Hash {
	if len(level) == 0 {
		return merkle.EmptyRoot()
	}
	for len(level) > 1 {
		next := level[:0]
		for i := 0; i+1 < len(level); i += 2 {
			next = append(next, merkle.NodeHash(level[i], level[i+1]))
		}
		if len(level)%2 == 1 {
			next = append(next, level[len(level)-1])
		}
		level = next
	}
	return level[0]
}

func targetLabel(t *Target) string       { return t.ID }
func inspectorLabel(i *Inspector) string { return i.Cert }

// CommitTargets returns the commitment to a pool of targets. The order of
// the slice does not matter; duplicate IDs are an error wrapping
// ErrDuplicateID.
func CommitTargets(ts []Target) (Commitment, error) {
	return commitUnits(merkle.SHA256, ts, targetLabel, AppendTargetLeaf)
}

// CommitInspectors returns the commitment to a pool of inspectors, leaves in
// certificate-number byte order; duplicate certificate numbers are an error
// wrapping ErrDuplicateID.
func CommitInspectors(ins []Inspector) (Commitment, error) {
	return commitUnits(merkle.SHA256, ins, inspectorLabel, AppendInspectorLeaf)
}
