package suite_test

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/shuangsuiji/ssj/internal/merkle"
	"github.com/shuangsuiji/ssj/suite"
)

// The floor loops of the national-suite comparison (issue 16): what one
// draw step costs in each suite with nothing around it. A target leaf is
// about 200 bytes of canonical JSON (registry.TargetLeaf); a rank is one
// keyed hash over lp("ssj-v1") ‖ lp("target") ‖ lp(18-character ID).
// Compare SM3 with SHA-256 in the same run:
//
//	go test ./suite -run '^$' -bench 'Floor' -count 5
var (
	benchLeaf = []byte(`{"abnormal":false,"complaints":0,"credit_class":"B","departments":["市场监管"],"id":"91330106MA2B3C4D5E","industry":"F5211","jurisdiction":"330106","kind":"entity","serious_violation":false,"status":"active"}`)
	benchKey  = make([]byte, 32)
)

func lp(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func BenchmarkFloorLeafHash(b *testing.B) {
	for _, s := range []suite.Suite{suite.SSJv1, suite.SSJv1SM} {
		b.Run(string(s.ID()), func(b *testing.B) {
			h := s.NewHash()
			var out [suite.Size]byte
			b.SetBytes(int64(len(benchLeaf) + 1))
			for b.Loop() {
				h.Reset()
				h.Write([]byte{0})
				h.Write(benchLeaf)
				h.Sum(out[:0])
			}
		})
	}
}

func BenchmarkFloorRankHMAC(b *testing.B) {
	for _, s := range []suite.Suite{suite.SSJv1, suite.SSJv1SM} {
		b.Run(string(s.ID()), func(b *testing.B) {
			m := s.NewHMAC(benchKey)
			msg := lp(lp(lp(nil, "ssj-v1"), "target"), "91330106MA2B3C4D5E")
			var out [suite.Size]byte
			for b.Loop() {
				m.Reset()
				m.Write(msg)
				m.Sum(out[:0])
			}
		})
	}
}

// BenchmarkMerkleRoot is the tree over 2^16 leaf hashes through the suite's
// merkle.Hasher (the generic path the trail uses), and the draw's SHA-256
// tree as a baseline.
func BenchmarkMerkleRoot(b *testing.B) {
	for _, s := range []suite.Suite{suite.SSJv1, suite.SSJv1SM} {
		leaves := make([]merkle.Hash, 1<<16)
		for i := range leaves {
			leaves[i] = s.Merkle().LeafHash([]byte(fmt.Sprint(i)))
		}
		b.Run(string(s.ID()), func(b *testing.B) {
			for b.Loop() {
				s.Merkle().RootFromLeafHashes(leaves)
			}
		})
		if s.ID() == suite.V1 {
			// The draw's own SHA-256 tree (package functions), as a baseline.
			b.Run("draw-sha256", func(b *testing.B) {
				for b.Loop() {
					merkle.RootFromLeafHashes(leaves)
				}
			})
		}
	}
}
