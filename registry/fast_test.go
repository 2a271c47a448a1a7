package registry

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestSortKeyedLarge(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	ks := make([]keyed, 200_000)
	for i := range ks {
		ks[i] = makeKeyed(fmt.Sprintf("%0*d", 1+r.IntN(20), r.IntN(150_000)), int32(i)) // with repeats, labels of 1..20 bytes
	}
	want := slices.Clone(ks)
	slices.SortStableFunc(want, func(a, b keyed) int { return strings.Compare(a.label, b.label) })
	sortKeyed(ks)
	for _, l := range []string{"a", "a\x00", "", "\x00", "aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa\x00", "aaaaaaaaaaaaaaab"} {
		ks = append(ks, makeKeyed(l, int32(len(ks))))
		want = append(want, makeKeyed(l, int32(len(want))))
	}
	slices.SortStableFunc(want, func(a, b keyed) int { return strings.Compare(a.label, b.label) })
	sortKeyed(ks)
	if !slices.Equal(ks, want) {
		t.Fatal("parallel sort differs from stable sort")
	}
}

func FuzzTrimControl(f *testing.F) {
	for _, s := range []string{"", " a ", "\u3000中\u3000", "\u0085x\u00a0", "a\u0080b", "\x7f", "\xc2", "\xff ", "公司", " 广州 ", "\u3000公司\u3000", "\xe4\xb8", "\xed\xa0\x80", "x\xed\xa0\x80 ", "\xe4\x80\x80\u2000", "\u2000\xef\xbf\xbf", "\xe3\x80\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := trim(s), strings.TrimSpace(s); got != want {
			t.Fatalf("trim(%q) = %q, want %q", s, got, want)
		}
		if got, want := hasControl(s), strings.IndexFunc(s, unicode.IsControl) >= 0; got != want {
			t.Fatalf("hasControl(%q) = %v, want %v", s, got, want)
		}
	})
}
