package draw

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// AlgorithmRFC3797 is the identifier of the RFC 3797 compatibility mode
// (DRAW.md §8).
const AlgorithmRFC3797 = "rfc3797"

// RFC3797MaxPool is the largest pool RFC 3797 can draw from: its counter,
// and so the number of selections, is two bytes.
const RFC3797MaxPool = 65535

// ErrRFC3797Input is returned (wrapped) when an RFC 3797 selection cannot
// run: an empty, oversized or malformed pool, a count outside 1..pool
// size, or a bad source.
var ErrRFC3797Input = errors.New("rfc3797: bad input")

// RFC3797Step is one selection of the RFC 3797 procedure, holding what the
// RFC's reference program prints for it.
type RFC3797Step struct {
	// Index is the 1-based selection number; the counter hashed for it is
	// Index-1.
	Index int `json:"index"`
	// Digest is MD5(counter || key || counter), upper-case hex as in the
	// RFC's example.
	Digest string `json:"md5"`
	// Remaining is how many entries were still unselected (the divisor).
	Remaining int `json:"remaining"`
	// Position is the 1-based position of the selected entry in the pool
	// as published.
	Position int `json:"position"`
	// Entry is the selected pool entry.
	Entry string `json:"entry"`
}

// RFC3797Key returns the RFC 3797 key string of numeric sources: each
// source canonicalised by LotteryCanonical (numbers sorted ascending, each
// followed by ".", the source ended by "/"), concatenated in the given
// order. The RFC's example sources 9319, 2 5 12 8 10 and
// 9 18 26 34 41 45 give "9319./2.5.8.10.12./9.18.26.34.41.45./".
func RFC3797Key(sources [][]int64) ([]byte, error) {
	if len(sources) == 0 {
		return nil, fmt.Errorf("%w: no sources", ErrRFC3797Input)
	}
	var key []byte
	for i, s := range sources {
		b, err := LotteryCanonical(s)
		if err != nil {
			return nil, fmt.Errorf("%w: source %d: %w", ErrRFC3797Input, i+1, err)
		}
		key = append(key, b...)
	}
	return key, nil
}

// RFC3797Trace runs the RFC 3797 selection of count entries from pool
// under key and returns every step. For selection i (counter c = i-1,
// written as 2 bytes big-endian) the digest is MD5(c || key || c), read as
// a 128-bit big-endian unsigned integer; its remainder modulo the number of
// entries still unselected, r, picks the (r+1)-th unselected entry in the
// pool's published order. The pool's order matters and is never sorted.
//
// The pool must hold 1..RFC3797MaxPool distinct entries, each non-empty
// UTF-8 without control characters or surrounding space; count must be in
// 1..len(pool).
func RFC3797Trace(pool []string, key []byte, count int) ([]RFC3797Step, error) {
	if err := rfcCheckPool(pool); err != nil {
		return nil, err
	}
	if count < 1 || count > len(pool) {
		return nil, fmt.Errorf("%w: count %d is outside 1..%d (the pool size)", ErrRFC3797Input, count, len(pool))
	}
	if len(key) == 0 {
		return nil, fmt.Errorf("%w: empty key", ErrRFC3797Input)
	}
	free := rfcNewFenwick(len(pool))
	steps := make([]RFC3797Step, count)
	buf := make([]byte, 0, len(key)+4)
	for i := range count {
		remaining := len(pool) - i
		buf = binary.BigEndian.AppendUint16(buf[:0], uint16(i))
		buf = append(buf, key...)
		buf = binary.BigEndian.AppendUint16(buf, uint16(i))
		d := md5.Sum(buf)
		var r uint64
		for _, b := range d {
			r = (r<<8 | uint64(b)) % uint64(remaining)
		}
		pos := free.takeNth(int(r)) // 0-based position in the pool
		steps[i] = RFC3797Step{
			Index:     i + 1,
			Digest:    strings.ToUpper(hex.EncodeToString(d[:])),
			Remaining: remaining,
			Position:  pos + 1,
			Entry:     pool[pos],
		}
	}
	return steps, nil
}

// RFC3797Select selects count entries from pool exactly as RFC 3797 does,
// with the key built from numeric sources by RFC3797Key, and returns them
// in selection order. See RFC3797Trace for the procedure and the limits.
func RFC3797Select(pool []string, sources [][]int64, count int) ([]string, error) {
	key, err := RFC3797Key(sources)
	if err != nil {
		return nil, err
	}
	steps, err := RFC3797Trace(pool, key, count)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = s.Entry
	}
	return out, nil
}

// rfcCheckPool enforces the pool limits of RFC3797Trace.
func rfcCheckPool(pool []string) error {
	if len(pool) == 0 {
		return fmt.Errorf("%w: empty pool", ErrRFC3797Input)
	}
	if len(pool) > RFC3797MaxPool {
		return fmt.Errorf("%w: pool has %d entries, RFC 3797 allows at most %d", ErrRFC3797Input, len(pool), RFC3797MaxPool)
	}
	seen := make(map[string]int, len(pool))
	for i, p := range pool {
		if p == "" || !utf8.ValidString(p) || strings.TrimSpace(p) != p ||
			strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return fmt.Errorf("%w: pool entry %d %q is empty, not UTF-8, or has control characters or surrounding space", ErrRFC3797Input, i+1, p)
		}
		if j, dup := seen[p]; dup {
			return fmt.Errorf("%w: pool entries %d and %d are both %q", ErrRFC3797Input, j, i+1, p)
		}
		seen[p] = i + 1
	}
	return nil
}

// rfcFenwick is a binary indexed tree over pool positions, 1 while the
// position is unselected, so the n-th unselected position is found in
// O(log n).
type rfcFenwick struct {
	tree []int
	top  int // largest power of two <= len
}

func rfcNewFenwick(n int) *rfcFenwick {
	f := &rfcFenwick{tree: make([]int, n+1), top: 1}
	for i := 1; i <= n; i++ {
		f.tree[i]++
		if j := i + i&-i; j <= n {
			f.tree[j] += f.tree[i]
		}
	}
	for f.top*2 <= n {
		f.top *= 2
	}
	return f
}

// takeNth returns the 0-based position of the (r+1)-th unselected entry and
// marks it selected. r must be below the number of unselected entries.
func (f *rfcFenwick) takeNth(r int) int {
	pos, rem := 0, r+1
	for step := f.top; step > 0; step /= 2 {
		if next := pos + step; next < len(f.tree) && f.tree[next] < rem {
			pos = next
			rem -= f.tree[next]
		}
	}
	// pos+1 is the 1-based index of the entry.
	for i := pos + 1; i < len(f.tree); i += i & -i {
		f.tree[i]--
	}
	return pos
}
