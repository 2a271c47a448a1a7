package trail

import (
	"errors"
	"testing"
)

// An event can be shown to lie inside an anchored checkpoint without the
// rest of the trail; a changed event or a wrong checkpoint fails.
func TestInclusionProof(t *testing.T) {
	l, _ := fixture(t)
	evs := l.Events()
	for size := int64(1); size <= int64(len(evs)); size++ {
		cp := l.checkpointOver(l.leaves[:size])
		for seq := int64(0); seq < size; seq++ {
			proof, err := l.InclusionProof(seq, size)
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyInclusion(evs[seq], proof, cp); err != nil {
				t.Fatalf("seq %d size %d: %v", seq, size, err)
			}
		}
	}
	head := l.Head()
	proof, _ := l.InclusionProof(3, head.Size)
	edited := evs[3]
	edited.Actor = "他人"
	if err := VerifyInclusion(edited, proof, head); !errors.Is(err, ErrProof) {
		t.Fatalf("edited event: %v", err)
	}
	edited.Hash, _ = edited.ComputeHash()
	if err := VerifyInclusion(edited, proof, head); !errors.Is(err, ErrProof) {
		t.Fatalf("edited and rehashed event: %v", err)
	}
	if err := VerifyInclusion(evs[4], proof, head); !errors.Is(err, ErrProof) {
		t.Fatalf("proof for another event: %v", err)
	}
	for _, c := range [][2]int64{{0, 0}, {5, 3}, {0, 11}, {-1, 4}} {
		if _, err := l.InclusionProof(c[0], c[1]); !errors.Is(err, ErrProof) {
			t.Errorf("InclusionProof(%d, %d) = %v", c[0], c[1], err)
		}
	}
}
