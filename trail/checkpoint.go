package trail

import (
	"fmt"

	"github.com/shuangsuiji/ssj/checkpoint"
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
