package draw

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"testing"
)

// benchRecordJSON returns the published JSON (MarshalRecord) of a record
// whose selected list holds n selections: a real draw over a small pool,
// its selections replaced by n made-up ones shaped like a large draw's
// (18-character labels, Chinese names of varying length, hex ranks). It
// decodes; it does not verify.
func benchRecordJSON(tb testing.TB, n int) []byte {
	tb.Helper()
	pool := dtPool(200, 1)
	m, err := Commit(dtTask(), pool, nil)
	if err != nil {
		tb.Fatal(err)
	}
	_, ev := dtSources()
	rec, err := Run(m, ev, pool, nil)
	if err != nil {
		tb.Fatal(err)
	}
	words := []string{"广州", "骏达", "金利", "网络", "科技", "商务", "酒店", "南方", "星河", "餐饮", "管理", "贸易"}
	rec.Selected = make([]Selection, n)
	for i := range rec.Selected {
		id := "91440106MA" + strconv.FormatUint(uint64(100000000+i*7919), 36)
		for len(id) < 18 {
			id += "0"
		}
		name := ""
		for j := range 3 + i%5 {
			name += words[(i*31+j*7)%len(words)]
		}
		h := sha256.Sum256([]byte(id))
		rec.Selected[i] = Selection{Target: id, Name: name + "有限公司", Stratum: dtClasses[i%4], Rank: hex.EncodeToString(h[:])}
	}
	data, err := MarshalRecord(&rec)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// BenchmarkDecodeRecord measures DecodeRecord on a record of 150,000
// selections (about 32 MB, the size of a 1M-target draw's record), and on
// the file SSJ_BENCH_RECORD names when set (e.g. bench/draw's
// record.json), with its fast path ("150k") and without ("150k-general"):
//
//	go test ./draw -run '^$' -bench DecodeRecord -count 5
func BenchmarkDecodeRecord(b *testing.B) {
	inputs := []struct {
		name string
		data []byte
	}{{"150k", benchRecordJSON(b, 150_000)}}
	if path := os.Getenv("SSJ_BENCH_RECORD"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		inputs = append(inputs, struct {
			name string
			data []byte
		}{"file", data})
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			for b.Loop() {
				if _, err := DecodeRecord(bytes.NewReader(in.data)); err != nil {
					b.Fatal(fmt.Errorf("%s: %w", in.name, err))
				}
			}
		})
		// The general path alone (what DecodeRecord did before its fast
		// path, and still does for a record not in MarshalRecord's form),
		// measured in alternation with the above under -count.
		b.Run(in.name+"-general", func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			for b.Loop() {
				if _, err := decodeRecord(bytes.Clone(in.data), false); err != nil {
					b.Fatal(fmt.Errorf("%s: %w", in.name, err))
				}
			}
		})
	}
}
