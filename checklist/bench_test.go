package checklist

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkReadCSV imports a 1,000-item checklist.
func BenchmarkReadCSV(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString(header)
	for i := range 1000 {
		fmt.Fprintf(&buf, "%d,ZA-%04d,旅馆业治安管理检查,旅馆,一般,查阅资料、实地核查,治安,《旅馆业治安管理办法》；《中华人民共和国治安管理处罚法》,5%%-15%%,每年1次\n", i+1, i)
	}
	data := buf.Bytes()
	cfg := DefaultConfig()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadCSV(bytes.NewReader(data), "bench.csv", cfg); err != nil {
			b.Fatal(err)
		}
	}
}
