package registry

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkCommitOrder compares, on the same shuffled targets, the
// commitment with leaves hashed directly in radix-sorted label order
// (CommitTargets now) against the previous way: comparison sort, hashing
// in input order, then permuting the hashes in place (gatherInPlace).
//
//	go test ./registry -run '^$' -bench CommitOrder -benchtime 3x
func BenchmarkCommitOrder(b *testing.B) {
	for _, n := range []int{1_000_000} {
		ts := genTargets(n, 42)
		b.Run(fmt.Sprintf("radix-ordered-%dk", n/1000), func(b *testing.B) {
			for range b.N {
				if _, err := CommitTargets(ts); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("sort-hash-gather-%dk", n/1000), func(b *testing.B) {
			for range b.N {
				ls, err := buildLeafSet(ts, nil, targetLabel, AppendTargetLeaf)
				if err != nil {
					b.Fatal(err)
				}
				ls.commitment()
			}
		})
	}
}

// BenchmarkReadPool1M imports the 1M-row benchmark file into a compact
// pool and commits it, for comparison with BenchmarkImportValidateCommit1M
// (the same file into a Table of Targets).
func BenchmarkReadPool1M(b *testing.B) {
	data := benchData()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		p, err := ReadPool(bytes.NewReader(data), ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		p.Commitment()
	}
}
