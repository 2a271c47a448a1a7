package registry

import (
	"bytes"
	"sync"
	"testing"
)

var benchData = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	if err := WriteTargetsCSV(&buf, genTargets(1_000_000, 42)); err != nil {
		panic(err)
	}
	return buf.Bytes()
})

// BenchmarkImportValidateCommit1M is the issue 2 benchmark: import +
// validate + commit of 1M target rows from CSV (goal ≤ 2 s, ≤ 600 MB; peak
// memory is measured with bench/registry under /usr/bin/time -v).
//
//	go test ./registry -run '^$' -bench ImportValidateCommit1M -benchtime 3x -count 5
func BenchmarkImportValidateCommit1M(b *testing.B) {
	data := benchData()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tab, err := Decode(data, ImportOptions{File: "bench.csv"}) // the CLI's path

		if err != nil {
			b.Fatal(err)
		}
		if _, err := tab.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeCSV1M(b *testing.B) {
	data := benchData()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := DecodeCSV(data, ImportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCommitTargets1M(b *testing.B) {
	ts := genTargets(1_000_000, 42)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := CommitTargets(ts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTargetLeaf(b *testing.B) {
	t := validTarget()
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = AppendTargetLeaf(buf[:0], &t)
	}
}

func BenchmarkTargetLeafCanon(b *testing.B) {
	t := validTarget()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := canonTargetLeaf(t); err != nil {
			b.Fatal(err)
		}
	}
}
