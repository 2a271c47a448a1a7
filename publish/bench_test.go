package publish

import (
	"fmt"
	"io"
	"testing"
)

// BenchmarkSignAndAuthorize measures signing a correction and checking it
// against the keyring (canonical JSON + Ed25519 both ways).
func BenchmarkSignAndAuthorize(b *testing.B) {
	book, ring, s := publishedBook(b)
	c, err := book.NewCorrection(corrected(), "检查完成日期录入错误", "self", "王所长", at)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		sc, err := Sign(c, s)
		if err != nil {
			b.Fatal(err)
		}
		if err := ring.Authorize(sc, sample().Unit); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPublicViewCSV1000 renders and exports 1000 published results.
func BenchmarkPublicViewCSV1000(b *testing.B) {
	cal := calendar(b)
	book, _ := NewBook(NationalPolicy)
	for i := range 1000 {
		r := sample()
		r.ID = fmt.Sprintf("SJ-2026-001/%04d", i)
		if _, err := book.Enter(r, cal, at, "录入员"); err != nil {
			b.Fatal(err)
		}
		if _, err := book.Publish(r.ID, d("2026-03-20")); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if err := WriteCSV(io.Discard, book.PublicView(ViewOptions{})); err != nil {
			b.Fatal(err)
		}
	}
}
