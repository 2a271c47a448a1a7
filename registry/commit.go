package registry

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"github.com/shuangsuiji/ssj/internal/canon"
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
// of the leaf.
func TargetLeaf(t Target) ([]byte, error) {
	deps := t.Departments
	if deps == nil {
		deps = []string{}
	}
	return canon.Marshal(struct {
		ID               string   `json:"id"`
		Kind             Kind     `json:"kind"`
		Jurisdiction     string   `json:"jurisdiction"`
		Industry         string   `json:"industry"`
		CreditClass      string   `json:"credit_class"`
		Abnormal         bool     `json:"abnormal"`
		SeriousViolation bool     `json:"serious_violation"`
		Complaints       int      `json:"complaints"`
		Status           Status   `json:"status"`
		Departments      []string `json:"departments"`
	}{t.ID, t.Kind, t.Jurisdiction, t.Industry, t.CreditClass, t.Abnormal,
		t.SeriousViolation, t.Complaints, t.Status, deps})
}

// InspectorLeaf returns the canonical leaf bytes of an inspector: the RFC
// 8785 canonical JSON of every field that can affect a draw. The name is not
// part of the leaf; times are written in UTC with RFC 3339 precision.
func InspectorLeaf(in Inspector) ([]byte, error) {
	type period struct {
		From   string `json:"from"`
		To     string `json:"to"`
		Reason string `json:"reason"`
	}
	ps := make([]period, len(in.Unavailable))
	for i, p := range in.Unavailable {
		ps[i] = period{p.From.UTC().Format(timeLayout), p.To.UTC().Format(timeLayout), p.Reason}
	}
	quals := in.Qualifications
	if quals == nil {
		quals = []string{}
	}
	ints := in.Interests
	if ints == nil {
		ints = []Interest{}
	}
	return canon.Marshal(struct {
		Cert           string     `json:"cert"`
		Department     string     `json:"department"`
		Unit           string     `json:"unit"`
		Jurisdiction   string     `json:"jurisdiction"`
		Qualifications []string   `json:"qualifications"`
		LeaderEligible bool       `json:"leader_eligible"`
		Unavailable    []period   `json:"unavailable"`
		Interests      []Interest `json:"interests"`
		Active         bool       `json:"active"`
	}{in.Cert, in.Department, in.Unit, in.Jurisdiction, quals, in.LeaderEligible, ps, ints, in.Active})
}

// timeLayout is RFC 3339 with nanoseconds when present, always in UTC.
const timeLayout = "2006-01-02T15:04:05.999999999Z07:00"

// leafSet is a pool's leaves sorted by label bytes.
type leafSet struct {
	labels []string
	hashes []merkle.Hash
}

func buildLeafSet[T any](units []T, label func(T) string, leaf func(T) ([]byte, error)) (leafSet, error) {
	idx := make([]int, len(units))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return bytes.Compare([]byte(label(units[a])), []byte(label(units[b]))) })
	ls := leafSet{labels: make([]string, len(units)), hashes: make([]merkle.Hash, len(units))}
	for k, i := range idx {
		l := label(units[i])
		if k > 0 && ls.labels[k-1] == l {
			return leafSet{}, fmt.Errorf("registry: commit: %w %q", ErrDuplicateID, l)
		}
		b, err := leaf(units[i])
		if err != nil {
			return leafSet{}, fmt.Errorf("registry: commit: unit %q: %w", l, err)
		}
		ls.labels[k] = l
		ls.hashes[k] = merkle.LeafHash(b)
	}
	return ls, nil
}

func (ls leafSet) commitment() Commitment {
	r := merkle.RootFromLeafHashes(ls.hashes)
	return Commitment{Count: len(ls.hashes), Root: hex.EncodeToString(r[:])}
}

// CommitTargets returns the commitment to a pool of targets. The order of
// the slice does not matter; duplicate IDs are an error wrapping
// ErrDuplicateID.
func CommitTargets(ts []Target) (Commitment, error) {
	ls, err := buildLeafSet(ts, func(t Target) string { return t.ID }, TargetLeaf)
	if err != nil {
		return Commitment{}, err
	}
	return ls.commitment(), nil
}

// CommitInspectors returns the commitment to a pool of inspectors, leaves in
// certificate-number byte order; duplicate certificate numbers are an error
// wrapping ErrDuplicateID.
func CommitInspectors(ins []Inspector) (Commitment, error) {
	ls, err := buildLeafSet(ins, func(i Inspector) string { return i.Cert }, InspectorLeaf)
	if err != nil {
		return Commitment{}, err
	}
	return ls.commitment(), nil
}
