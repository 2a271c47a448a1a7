package registry

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// This file holds the fast paths of the import hot loop (one call per cell
// of a million-row file).

// trim is strings.TrimSpace without its full scan of non-ASCII strings:
// it looks only at the two ends.
func trim(s string) string {
	for len(s) > 0 {
		c := s[0]
		if c < utf8.RuneSelf {
			if !asciiSpace(c) {
				break
			}
			s = s[1:]
			continue
		}
		if c >= 0xE4 {
			// A rune from U+4000 (CJK), or not UTF-8: never a space.
			break
		}
		r, n := utf8.DecodeRuneInString(s)
		if !unicode.IsSpace(r) {
			break
		}
		s = s[n:]
	}
	for len(s) > 0 {
		c := s[len(s)-1]
		if c < utf8.RuneSelf {
			if !asciiSpace(c) {
				break
			}
			s = s[:len(s)-1]
			continue
		}
		if n := len(s); n >= 3 && s[n-3] >= 0xE4 && s[n-3] <= 0xEF && s[n-2]&0xC0 == 0x80 && c&0xC0 == 0x80 {
			// The last rune is three bytes from U+4000 (or not
			// UTF-8): never a space.
			break
		}
		r, n := utf8.DecodeLastRuneInString(s)
		if !unicode.IsSpace(r) {
			break
		}
		s = s[:len(s)-n]
	}
	return s
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// hasControl reports whether s holds a control character (C0, DEL, C1),
// the set unicode.IsControl reports.
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			return true
		}
		// C1 controls U+0080..U+009F are encoded C2 80..C2 9F.
		if c == 0xC2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9F {
			return true
		}
	}
	return false
}

// sortKeyed sorts ks by label then position, using two goroutines for
// large inputs (sort halves, then merge).
func sortKeyed(ks []keyed) {
	// The inline prefixes order most pairs without touching the label
	// bytes (a cache miss each); equal prefixes fall back to the labels.
	cmpKeyed := func(a, b keyed) int {
		if a.p0 != b.p0 {
			return cmp.Compare(a.p0, b.p0)
		}
		if a.p1 != b.p1 {
			return cmp.Compare(a.p1, b.p1)
		}
		if c := strings.Compare(a.label, b.label); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	}
	if slices.IsSortedFunc(ks, cmpKeyed) {
		return
	}
	if len(ks) < 1<<16 {
		slices.SortFunc(ks, cmpKeyed)
		return
	}
	mid := len(ks) / 2
	var wg sync.WaitGroup
	wg.Go(func() { slices.SortFunc(ks[:mid], cmpKeyed) })
	slices.SortFunc(ks[mid:], cmpKeyed)
	wg.Wait()
	left := slices.Clone(ks[:mid])
	i, j, k := 0, mid, 0
	for i < len(left) && j < len(ks) {
		if cmpKeyed(left[i], ks[j]) <= 0 {
			ks[k] = left[i]
			i++
		} else {
			ks[k] = ks[j]
			j++
		}
		k++
	}
	copy(ks[k:], left[i:])
}
