package registry

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shuangsuiji/ssj/internal/canon"
	"github.com/shuangsuiji/ssj/internal/merkle"
	"github.com/shuangsuiji/ssj/suite"
)

// ErrProofFailed is returned (wrapped) by VerifyProof when a proof is
// malformed or does not lead to its root, and by VerifyProofAgainst when the
// root or size differ from the published commitment.
var ErrProofFailed = errors.New("inclusion proof does not verify")

// Proof is an RFC 6962 inclusion proof that one unit was in a committed
// pool, so that an entity can be shown it was in the pool a draw drew from
// without publishing the rest of the pool (DRAW.md §7). It is plain JSON;
// hashes are lower-case hex.
type Proof struct {
	Pool PoolKind `json:"pool"` // targets or inspectors
	ID   string   `json:"id"`   // the unit's label: target ID or certificate number
	// Leaf is the unit's canonical leaf JSON (TargetLeaf, InspectorLeaf).
	// It may be omitted to hide the unit's fields; LeafHash then suffices.
	Leaf     json.RawMessage `json:"leaf,omitempty"`
	LeafHash string          `json:"leaf_hash"` // SHA-256(0x00 || leaf)
	Index    int             `json:"index"`     // position in label byte order, from 0
	Size     int             `json:"size"`      // number of units in the pool (Commitment.Count)
	Path     []string        `json:"path"`      // audit path, RFC 6962 §2.1.1, leaf side first
	Root     string          `json:"root"`      // Merkle root (Commitment.Root)
}

// Commitment returns the commitment the proof claims membership of.
func (p Proof) Commitment() Commitment { return Commitment{Count: p.Size, Root: p.Root} }

// ProveTarget returns the inclusion proof of the target with the given ID in
// the commitment CommitTargets(ts) returns. An absent ID wraps ErrUnknownID.
func ProveTarget(ts []Target, id string) (Proof, error) {
	return ProveTargetWith(suite.SSJv1, ts, id)
}

// ProveTargetWith is ProveTarget in the tree of crypto suite s (SM3 for
// ssj-v1-sm): the proof of a target in CommitTargetsWith(s, ts).
func ProveTargetWith(s suite.Suite, ts []Target, id string) (Proof, error) {
	ls, err := buildLeafSetWith(s.Merkle(), ts, nil, targetLabel, AppendTargetLeaf)
	if err != nil {
		return Proof{}, err
	}
	return ls.prove(PoolTargets, id, func(i int) ([]byte, error) { return TargetLeaf(ts[i]) })
}

// ProveInspector returns the inclusion proof of the inspector with the given
// certificate number in the commitment CommitInspectors(ins) returns. An
// absent certificate number wraps ErrUnknownID.
func ProveInspector(ins []Inspector, cert string) (Proof, error) {
	ls, err := buildLeafSet(ins, nil, inspectorLabel, AppendInspectorLeaf)
	if err != nil {
		return Proof{}, err
	}
	return ls.prove(PoolInspectors, cert, func(i int) ([]byte, error) { return InspectorLeaf(ins[i]) })
}

func (ls leafSet) prove(pool PoolKind, id string, leaf func(int) ([]byte, error)) (Proof, error) {
	k, ok := slices.BinarySearchFunc(ls.keys, id, func(kv keyed, id string) int { return strings.Compare(kv.label, id) })
	if !ok {
		return Proof{}, fmt.Errorf("registry: prove: %w %q in %s pool of %d", ErrUnknownID, id, pool, len(ls.keys))
	}
	lb, err := leaf(int(ls.keys[k].i))
	if err != nil {
		return Proof{}, fmt.Errorf("registry: prove %q: %w", id, err)
	}
	path, err := ls.tree.InclusionProof(ls.hashes, k)
	if err != nil {
		return Proof{}, fmt.Errorf("registry: prove %q: %w", id, err)
	}
	root := ls.tree.RootFromLeafHashes(ls.hashes)
	p := Proof{Pool: pool, ID: id, Leaf: lb, LeafHash: hex.EncodeToString(ls.hashes[k][:]),
		Index: k, Size: len(ls.hashes), Path: make([]string, len(path)), Root: hex.EncodeToString(root[:])}
	for i, h := range path {
		p.Path[i] = hex.EncodeToString(h[:])
	}
	return p, nil
}

func decodeHash(what, s string) (merkle.Hash, error) {
	var h merkle.Hash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(h) || strings.ToLower(s) != s {
		return h, fmt.Errorf("%w: %s %q is not 64 lower-case hex digits", ErrProofFailed, what, s)
	}
	copy(h[:], b)
	return h, nil
}

// VerifyProof checks a proof on its own: the leaf (when present) is
// canonical JSON naming p.ID and hashing to p.LeafHash, and the audit path
// leads from the leaf hash at p.Index to p.Root in a tree of p.Size leaves
// (RFC 9162 §2.1.3.2). It does not know which root was published, and the
// path alone does not pin the tree size exactly: use VerifyProofAgainst to
// also compare root and size with the published Commitment. Every
// failure wraps ErrProofFailed and says what differs.
func VerifyProof(p Proof) error {
	return VerifyProofWith(suite.SSJv1, p)
}

// VerifyProofWith is VerifyProof in the tree of crypto suite s: the leaf
// hash and the audit path are s's hash (SM3 for ssj-v1-sm).
func VerifyProofWith(s suite.Suite, p Proof) error {
	tree := s.Merkle()
	if p.Pool != PoolTargets && p.Pool != PoolInspectors {
		return fmt.Errorf("%w: unknown pool %q", ErrProofFailed, p.Pool)
	}
	if p.ID == "" {
		return fmt.Errorf("%w: no id", ErrProofFailed)
	}
	var leafHash merkle.Hash
	haveHash := p.LeafHash != ""
	if haveHash {
		h, err := decodeHash("leaf_hash", p.LeafHash)
		if err != nil {
			return err
		}
		leafHash = h
	}
	if len(p.Leaf) > 0 {
		c, err := canon.Transform(p.Leaf)
		if err != nil {
			return fmt.Errorf("%w: leaf: %w", ErrProofFailed, err)
		}
		var label struct {
			ID   *string `json:"id"`
			Cert *string `json:"cert"`
		}
		if err := json.Unmarshal(c, &label); err != nil {
			return fmt.Errorf("%w: leaf is not a JSON object: %v", ErrProofFailed, err)
		}
		got := label.ID
		if p.Pool == PoolInspectors {
			got = label.Cert
		}
		if got == nil || *got != p.ID {
			return fmt.Errorf("%w: leaf does not carry the %s label %q", ErrProofFailed, p.Pool, p.ID)
		}
		h := tree.LeafHash(c)
		if haveHash && h != leafHash {
			return fmt.Errorf("%w: leaf hashes to %x, proof says %s", ErrProofFailed, h, p.LeafHash)
		}
		leafHash, haveHash = h, true
	}
	if !haveHash {
		return fmt.Errorf("%w: neither leaf nor leaf_hash given", ErrProofFailed)
	}
	root, err := decodeHash("root", p.Root)
	if err != nil {
		return err
	}
	path := make([]merkle.Hash, len(p.Path))
	for i, s := range p.Path {
		if path[i], err = decodeHash(fmt.Sprintf("path[%d]", i), s); err != nil {
			return err
		}
	}
	if err := tree.VerifyInclusion(leafHash, p.Index, p.Size, path, root); err != nil {
		return fmt.Errorf("%w: %s %q: %w", ErrProofFailed, p.Pool, p.ID, err)
	}
	return nil
}

// VerifyProofAgainst checks p with VerifyProof and that it proves
// membership of the published commitment c (same root and size).
func VerifyProofAgainst(p Proof, c Commitment) error {
	return VerifyProofAgainstWith(suite.SSJv1, p, c)
}

// VerifyProofAgainstWith is VerifyProofAgainst in the tree of crypto suite s.
func VerifyProofAgainstWith(s suite.Suite, p Proof, c Commitment) error {
	if p.Root != c.Root || p.Size != c.Count {
		return fmt.Errorf("%w: proof is for root %s size %d, published commitment is root %s count %d",
			ErrProofFailed, p.Root, p.Size, c.Root, c.Count)
	}
	return VerifyProofWith(s, p)
}
