package registry

import (
	"strings"
	"unicode/utf8"
)

// This file cuts one block of CSV text into parts that ReadPool parses on
// all processors. A part ends at a record end: a '\n' outside a quoted
// field (docs/draw-spec.md Appendix E: a record may span lines inside a
// quoted field). Whether a byte is inside a quoted field follows from the
// parity of the '"' before it, counted from a record boundary: in RFC
// 4180 text a quoted field opens and closes with one '"' each and holds
// its quotes doubled, so the parity is odd exactly inside quotes. In text
// that is not RFC 4180 (a bare '"' in an unquoted field, a quote after a
// closing quote) the parity may be wrong after the first such quote, but
// that quote's record is a syntax error that stops the import, and the
// parts after it are never used: ReadPool reports the errors of the parts
// in order and stops at the first part that holds a fatal one. So parts
// give exactly what one pass over the block gives.

// poolSplitMin is the smallest part worth a goroutine (a variable so that
// tests can make it small).
var poolSplitMin = 256 << 10

// quoteSeg is the span of text per count in a quoteIndex (a variable so
// that tests can make it small).
var quoteSeg = 64 << 10

// quoteIndex holds the number of '"' before every quoteSeg-th byte of a
// text, so that the quote parity at any offset, and so whether a '\n'
// there ends a record, is known without counting the text from its start
// again. ReadPool indexes each block on the goroutine that reads it, while
// the block before is parsed on all processors, so that cutting a block
// (lastRecordEnd, recordCuts) does not count its quotes on one processor
// while the others wait.
type quoteIndex struct {
	s   string
	seg []int // seg[k]: the quotes in s[:k*quoteSeg]
}

// newQuoteIndex counts the quotes of s.
func newQuoteIndex(s string) *quoteIndex {
	q := &quoteIndex{s: s, seg: make([]int, 1, len(s)/quoteSeg+1)}
	for at := quoteSeg; at <= len(s); at += quoteSeg {
		q.seg = append(q.seg, q.seg[len(q.seg)-1]+strings.Count(s[at-quoteSeg:at], `"`))
	}
	return q
}

// upTo is the index of s[:n].
func (q *quoteIndex) upTo(n int) *quoteIndex {
	return &quoteIndex{s: q.s[:n], seg: q.seg[:n/quoteSeg+1]}
}

// before returns the number of '"' in s[:x].
func (q *quoteIndex) before(x int) int {
	k := x / quoteSeg
	return q.seg[k] + strings.Count(q.s[k*quoteSeg:x], `"`)
}

// recordCuts returns the ends of up to parts-1 leading parts of s[from:],
// which starts at a record boundary: increasing offsets (relative to
// from) just after a '\n' outside quotes, near len(s[from:])*k/parts. The
// last part starts at the last cut (all of s[from:] when there is none).
func (q *quoteIndex) recordCuts(from, parts int) []int {
	s := q.s[from:]
	if parts < 2 || len(s) < 2*poolSplitMin {
		return nil
	}
	parts = min(parts, len(s)/poolSplitMin)
	var cuts []int
	start := 0
	for k := 1; k < parts; k++ {
		at := len(s) * k / parts
		if at <= start {
			continue
		}
		// q.s and s start at record boundaries, with an even number of
		// quotes between them: the parity from q.s's start is s's.
		quoted := q.before(from+at)%2 == 1
		end := -1
		for i := at; i < len(s) && end < 0; i++ {
			switch s[i] {
			case '"':
				quoted = !quoted
			case '\n':
				if !quoted {
					end = i + 1
				}
			}
		}
		if end < 0 || end >= len(s) {
			break
		}
		cuts = append(cuts, end)
		start = end
	}
	return cuts
}

// lastRecordEnd returns the length of s up to its last '\n' outside a
// quoted field, or -1; s starts at a record boundary. s is walked back from
// its end, where the quote state is the parity of its count.
func (q *quoteIndex) lastRecordEnd() int {
	s := q.s
	quoted := q.before(len(s))%2 == 1
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case '"':
			quoted = !quoted
		case '\n':
			if !quoted {
				return i + 1
			}
		}
	}
	return -1
}

// validUTF8 reports whether s is UTF-8 (utf8.ValidString); a cut after a
// '\n' never splits a character, so parts are valid exactly when the whole
// block is. Eight ASCII bytes are passed at a time, and a three-byte
// character whose first byte admits any two continuation bytes (E1-EC,
// EE-EF: U+1000-U+CFFF and U+E000-U+FFFF, the CJK characters of names
// among them) in one step; every other character is decoded.
func validUTF8(s string) bool {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if i+8 <= len(s) && load64(s, i)&0x8080808080808080 == 0 {
				i += 8
			} else {
				i++
			}
			continue
		}
		if i+3 <= len(s) {
			if t := s[i : i+3]; c-0xE1 <= 0xEF-0xE1 && c != 0xED && t[1]&0xC0 == 0x80 && t[2]&0xC0 == 0x80 {
				i += 3
				continue
			}
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return false
		}
		i += n
	}
	return true
}
