package jsonin_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/internal/jsonin"
)

// BenchmarkDecodeRecord compares jsonin with the strict encoding/json
// decoding it replaced, on a draw record (set SSJ_BENCH_RECORD to its
// path, e.g. the record of a draw over 1,000,000 targets from
// examples/gendata). Run:
//
//	SSJ_BENCH_RECORD=/tmp/big/record.json go test ./internal/jsonin -run '^$' -bench DecodeRecord -count 5
func BenchmarkDecodeRecord(b *testing.B) {
	path := os.Getenv("SSJ_BENCH_RECORD")
	if path == "" {
		b.Skip("set SSJ_BENCH_RECORD to a record.json")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encoding/json", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var rec draw.Record
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&rec); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("jsonin", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var rec draw.Record
			if err := jsonin.Decode(data, &rec, jsonin.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The walk alone: what a document with a null or a problem costs.
	b.Run("jsonin-walk", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var rec draw.Record
			if err := jsonin.DecodeWalk(data, &rec, jsonin.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
