package trail

import (
	"fmt"

	"github.com/shuangsuiji/ssj/checkpoint"
	"github.com/shuangsuiji/ssj/suite"
)

// SignedCheckpoint returns the C2SP checkpoint (package checkpoint) of the
// first size events under origin, the name of this trail as a log (e.g.
// "xihu.amr.gov.cn/ssj/trail"). Sign it with checkpoint.Sign and publish
// the note: anyone holding it can later check the trail against it
// (Verify with its Size and root as an anchor) and check that a later
// checkpoint extends it (ConsistencyProof).
func (l *Log) SignedCheckpoint(origin string, size int64) (checkpoint.Checkpoint, error) {
	h, err := l.HeadAt(size)
	if err != nil {
		return checkpoint.Checkpoint{}, err
	}
	c := checkpoint.Checkpoint{Origin: origin, Size: h.Size}
	if c.Root, err = decodeHash(h.Root); err != nil {
		return checkpoint.Checkpoint{}, fmt.Errorf("trail: %v", err)
	}
	if err := c.Validate(); err != nil {
		return checkpoint.Checkpoint{}, err
	}
	return c, nil
}

// ConsistencyProof returns the RFC 6962 proof that the trail's first old
// events are a prefix of all its events, under the trail's suite.
func (l *Log) ConsistencyProof(old int64) (checkpoint.Proof, error) {
	return checkpoint.Prove(l.suite, l.leaves, old)
}

// AnchorOf converts a verified checkpoint to the anchor Verify checks.
func AnchorOf(c checkpoint.Checkpoint) Checkpoint {
	return Checkpoint{Size: c.Size, Root: c.RootHex()}
}

// FromEvents rebuilds a trail of suite s from events kept elsewhere (the
// office store keeps its trail as events): every event must carry its
// sequence number in order, link to the one before it and hash right under
// s. The checkpoint interval is DefaultCheckpointEvery (it does not affect
// heads, checkpoints or proofs).
func FromEvents(s suite.Suite, evs []Event) (*Log, error) {
	l, err := NewWithSuite(DefaultCheckpointEvery, s)
	if err != nil {
		return nil, err
	}
	prev := ZeroHash
	for i, e := range evs {
		if e.Seq != int64(i) || e.Prev != prev {
			return nil, fmt.Errorf("%w: event #%d: seq %d prev %s, want seq %d prev %s", ErrEntry, i, e.Seq, e.Prev, i, prev)
		}
		h, err := e.ComputeHashWith(s)
		if err != nil {
			return nil, err
		}
		if h != e.Hash {
			return nil, fmt.Errorf("%w: event seq %d: stored hash %s, content hashes to %s under %s", ErrEntry, e.Seq, e.Hash, h, s.ID())
		}
		raw, err := decodeHash(h)
		if err != nil {
			return nil, fmt.Errorf("trail: %v", err)
		}
		e.Data, e.Evidence = cloneMap(e.Data), cloneEvidence(e.Evidence)
		l.events = append(l.events, e)
		l.leaves = append(l.leaves, s.Merkle().LeafHash(raw[:]))
		prev = h
	}
	return l, nil
}
