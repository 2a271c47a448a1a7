package draw

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// fastLabelOK, 8 bytes at a time, answers as fastLabelOKBytewise: every
// byte value at every position of labels of 1 to 24 bytes (in a field of
// printable bytes, and next to bytes that make the word tests borrow or
// carry), and random strings.
func TestFastLabelOKBytewise(t *testing.T) {
	for n := 1; n <= 24; n++ {
		for pos := range n {
			for c := range 256 {
				for _, fill := range []byte{'A', ' ', '~', 0x20, 0x00, 0xff, 0x7f} {
					b := []byte(strings.Repeat("Z", n))
					if pos > 0 {
						b[pos-1] = fill
					}
					b[pos] = byte(c)
					if s := string(b); fastLabelOK(s) != fastLabelOKBytewise(s) {
						t.Fatalf("%q: fastLabelOK %v, bytewise %v", s, fastLabelOK(s), fastLabelOKBytewise(s))
					}
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 1))
	for range 100000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(0x1c + r.IntN(0x68)) // mostly printable, some edges
			if r.IntN(50) == 0 {
				b[i] = byte(r.IntN(256))
			}
		}
		if s := string(b); fastLabelOK(s) != fastLabelOKBytewise(s) {
			t.Fatalf("%q: fastLabelOK %v, bytewise %v", s, fastLabelOK(s), fastLabelOKBytewise(s))
		}
	}
}

func FuzzFastLabelOK(f *testing.F) {
	for _, s := range []string{"", "91330106MA2AXXXX0X", " a", "a ", "\x7f2345678", "12345678\x1f", "中文标签"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if fastLabelOK(s) != fastLabelOKBytewise(s) {
			t.Fatalf("%q: fastLabelOK %v, bytewise %v", s, fastLabelOK(s), fastLabelOKBytewise(s))
		}
	})
}

// BenchmarkFastLabelOK checks 18-byte USCC labels, 8 bytes at a time
// (word) and one byte at a time (bytewise, the former code).
func BenchmarkFastLabelOK(b *testing.B) {
	labels := make([]string, 4096)
	for i := range labels {
		labels[i] = "91330106MA2A" + strings.Repeat(string(rune('0'+i%10)), 5) + "X"
	}
	for name, fn := range map[string]func(string) bool{"word": fastLabelOK, "bytewise": fastLabelOKBytewise} {
		b.Run(name, func(b *testing.B) {
			for i := range b.N {
				if !fn(labels[i%len(labels)]) {
					b.Fatal("refused")
				}
			}
		})
	}
}

// fastLabelOKBytewise is fastLabelOK one byte at a time (the reference of
// its tests).
func fastLabelOKBytewise(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}
