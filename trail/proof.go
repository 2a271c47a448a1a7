package trail

import (
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/shuangsuiji/ssj/internal/merkle"
	"github.com/shuangsuiji/ssj/suite"
)

// ErrProof is returned (wrapped) when an inclusion proof cannot be made or
// does not verify.
var ErrProof = errors.New("trail: inclusion proof")

// InclusionProof returns the RFC 6962 audit path (hex hashes) showing that
// event seq is among the first size events, i.e. inside the checkpoint
// {size, root}. Give it with the event to someone who holds only the
// anchored checkpoint; VerifyInclusion checks it.
func (l *Log) InclusionProof(seq, size int64) ([]string, error) {
	if size < 1 || size > int64(len(l.leaves)) {
		return nil, fmt.Errorf("%w: tree size %d, the trail has %d events", ErrProof, size, len(l.leaves))
	}
	if seq < 0 || seq >= size {
		return nil, fmt.Errorf("%w: event seq %d is not within the first %d events", ErrProof, seq, size)
	}
	p, err := l.suite.Merkle().InclusionProof(l.leaves[:size], int(seq))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrProof, err)
	}
	out := make([]string, len(p))
	for i, h := range p {
		out[i] = hex.EncodeToString(h[:])
	}
	return out, nil
}

// VerifyInclusion checks that e (whose own hash must be right) is event
// e.Seq of the trail anchored by cp, using the audit path from
// InclusionProof. The trail is ssj-v1; VerifyInclusionWith takes the suite.
func VerifyInclusion(e Event, proof []string, cp Checkpoint) error {
	return VerifyInclusionWith(suite.SSJv1, e, proof, cp)
}

// VerifyInclusionWith is VerifyInclusion for a trail of suite s.
func VerifyInclusionWith(s suite.Suite, e Event, proof []string, cp Checkpoint) error {
	h, err := e.ComputeHashWith(s)
	if err != nil {
		return err
	}
	if h != e.Hash {
		return fmt.Errorf("%w: event seq %d: stored hash %s, content hashes to %s", ErrProof, e.Seq, e.Hash, h)
	}
	raw, _ := hex.DecodeString(h)
	root, err := decodeHash(cp.Root)
	if err != nil {
		return fmt.Errorf("%w: checkpoint root: %v", ErrProof, err)
	}
	path := make([]merkle.Hash, len(proof))
	for i, s := range proof {
		if path[i], err = decodeHash(s); err != nil {
			return fmt.Errorf("%w: proof hash %d: %v", ErrProof, i, err)
		}
	}
	if e.Seq < 0 || e.Seq >= cp.Size {
		return fmt.Errorf("%w: event seq %d is outside checkpoint size %d", ErrProof, e.Seq, cp.Size)
	}
	if err := s.Merkle().VerifyInclusion(s.Merkle().LeafHash(raw), int(e.Seq), int(cp.Size), path, root); err != nil {
		return fmt.Errorf("%w: event seq %d in checkpoint %s: %v", ErrProof, e.Seq, cp, err)
	}
	return nil
}

func decodeHash(s string) (merkle.Hash, error) {
	var h merkle.Hash
	if !isHash(s) {
		return h, fmt.Errorf("%q is not 64 lower-case hex digits", s)
	}
	hex.Decode(h[:], []byte(s))
	return h, nil
}
