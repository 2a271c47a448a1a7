package canon

import (
	"bytes"
	"slices"
	"unicode/utf16"
	"unicode/utf8"
)

// This file is Transform's fast path (issue 13): a byte scanner that
// writes the canonical form in one pass over the input, without
// json.Decoder's tokens (a 30 MB record took 1.85 s through them). It
// handles the documents ssj writes and reads; on anything else it gives
// up, and Transform runs the decoder-based transformation instead, which
// decides and words the error. So the fast path only ever returns what
// the decoder-based one would: the same bytes for a document both accept
// (FuzzTransformFast compares them), and never an error of its own.
//
// It gives up on: any syntax error or trailing data, a number with a
// fraction or an exponent or beyond ±2^53 (refused by the slow path), a
// string holding a \u escape of a lone surrogate half or a raw control
// character, a repeated key, and nesting deeper than maxFastDepth.

// maxFastDepth bounds the fast path's recursion (json.Decoder's own limit
// is 10000; deeper documents go to it).
const maxFastDepth = 512

// fastTransform returns the canonical form of data (valid UTF-8), or false.
func fastTransform(data []byte) ([]byte, bool) {
	s := &fastScan{data: data, out: make([]byte, 0, len(data))}
	s.ws()
	if !s.value(0) {
		return nil, false
	}
	s.ws()
	if s.i != len(data) {
		return nil, false
	}
	return s.out, true
}

type fastScan struct {
	data []byte
	i    int
	out  []byte
	tmp  []byte // scratch for reordering an object's members

	members []fastMember // the members of the objects being read
	keys    []byte       // their decoded keys, one after another
}

func (s *fastScan) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

func (s *fastScan) lit(word string) bool {
	if !bytes.HasPrefix(s.data[s.i:], []byte(word)) {
		return false
	}
	s.i += len(word)
	s.out = append(s.out, word...)
	return true
}

func (s *fastScan) value(depth int) bool {
	if s.i >= len(s.data) || depth > maxFastDepth {
		return false
	}
	switch c := s.data[s.i]; {
	case c == '{':
		return s.object(depth)
	case c == '[':
		return s.array(depth)
	case c == '"':
		return s.canonString(nil)
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	case c == 't':
		return s.lit("true")
	case c == 'f':
		return s.lit("false")
	case c == 'n':
		return s.lit("null")
	}
	return false
}

// str reads a JSON string at s.i and appends its decoded value to s.out.
func (s *fastScan) str() bool {
	d := s.data
	i := s.i + 1
	for {
		// A run of bytes that stand for themselves.
		j := i
		for j < len(d) && d[j] >= 0x20 && d[j] != '"' && d[j] != '\\' {
			j++
		}
		s.out = append(s.out, d[i:j]...)
		if j >= len(d) || d[j] < 0x20 {
			return false
		}
		if d[j] == '"' {
			s.i = j + 1
			return true
		}
		// An escape.
		if j+1 >= len(d) {
			return false
		}
		switch e := d[j+1]; e {
		case '"', '\\', '/':
			s.out = append(s.out, e)
			i = j + 2
		case 'b':
			s.out, i = append(s.out, '\b'), j+2
		case 'f':
			s.out, i = append(s.out, '\f'), j+2
		case 'n':
			s.out, i = append(s.out, '\n'), j+2
		case 'r':
			s.out, i = append(s.out, '\r'), j+2
		case 't':
			s.out, i = append(s.out, '\t'), j+2
		case 'u':
			r := hex4(d, j+2)
			i = j + 6
			if r >= 0xDC00 && r < 0xE000 {
				return false // a lone low half: the decoder's rules
			}
			if r >= 0xD800 && r < 0xDC00 {
				// A pair, or a lone high half (the decoder's rules).
				lo := rune(-1)
				if i+1 < len(d) && d[i] == '\\' && d[i+1] == 'u' {
					lo = hex4(d, i+2)
				}
				if lo < 0xDC00 || lo >= 0xE000 {
					return false
				}
				r, i = utf16.DecodeRune(r, lo), i+6
			}
			if r < 0 {
				return false
			}
			s.out = utf8.AppendRune(s.out, r)
		default:
			return false
		}
	}
}

// hex4 returns the value of the four hex digits at d[i:], or -1.
func hex4(d []byte, i int) rune {
	if i+4 > len(d) {
		return -1
	}
	r := rune(0)
	for _, h := range d[i : i+4] {
		switch {
		case h >= '0' && h <= '9':
			r = r<<4 | rune(h-'0')
		case h >= 'a' && h <= 'f':
			r = r<<4 | rune(h-'a'+10)
		case h >= 'A' && h <= 'F':
			r = r<<4 | rune(h-'A'+10)
		default:
			return -1
		}
	}
	return r
}

// number reads a JSON integer within ±2^53 and appends its canonical form.
func (s *fastScan) number() bool {
	d := s.data
	i := s.i
	neg := d[i] == '-'
	if neg {
		i++
	}
	start := i
	if i < len(d) && d[i] == '0' {
		i++
	} else {
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	digits := d[start:i]
	if len(digits) == 0 || i < len(d) && (d[i] == '.' || d[i] == 'e' || d[i] == 'E' || d[i] >= '0' && d[i] <= '9') {
		return false
	}
	const maxSafeDigits = "9007199254740992"
	if len(digits) > len(maxSafeDigits) || len(digits) == len(maxSafeDigits) && string(digits) > maxSafeDigits {
		return false
	}
	if neg && !(len(digits) == 1 && digits[0] == '0') {
		s.out = append(s.out, '-')
	}
	s.out = append(s.out, digits...)
	s.i = i
	return true
}

func (s *fastScan) array(depth int) bool {
	s.i++
	s.out = append(s.out, '[')
	s.ws()
	if s.i < len(s.data) && s.data[s.i] == ']' {
		s.i++
		s.out = append(s.out, ']')
		return true
	}
	for {
		s.ws()
		if !s.value(depth + 1) {
			return false
		}
		s.ws()
		if s.i >= len(s.data) {
			return false
		}
		switch s.data[s.i] {
		case ',':
			s.i++
			s.out = append(s.out, ',')
		case ']':
			s.i++
			s.out = append(s.out, ']')
			return true
		default:
			return false
		}
	}
}

// fastMember is one member of an object as written to out: the decoded
// key at out[key:keyEnd], the member ("key":value) at out[start:end].
type fastMember struct {
	key, keyEnd, start, end int
}

func (s *fastScan) object(depth int) bool {
	s.i++
	open := len(s.out)
	s.out = append(s.out, '{')
	s.ws()
	if s.i < len(s.data) && s.data[s.i] == '}' {
		s.i++
		s.out = append(s.out, '}')
		return true
	}
	// The members and decoded keys of the objects being read are stacks
	// in s (an inner object's are popped before its outer one goes on).
	mbase, kbase := len(s.members), len(s.keys)
	defer func() { s.members, s.keys = s.members[:mbase], s.keys[:kbase] }()
	for {
		s.ws()
		if s.i >= len(s.data) || s.data[s.i] != '"' {
			return false
		}
		m := fastMember{start: len(s.out), key: len(s.keys)}
		if !s.canonString(&s.keys) {
			return false
		}
		m.keyEnd = len(s.keys)
		s.ws()
		if s.i >= len(s.data) || s.data[s.i] != ':' {
			return false
		}
		s.i++
		s.out = append(s.out, ':')
		s.ws()
		if !s.value(depth + 1) {
			return false
		}
		m.end = len(s.out)
		s.members = append(s.members, m)
		s.ws()
		if s.i >= len(s.data) {
			return false
		}
		if s.data[s.i] == '}' {
			s.i++
			break
		}
		if s.data[s.i] != ',' {
			return false
		}
		s.i++
		s.out = append(s.out, ',')
	}
	members, keys := s.members[mbase:], s.keys
	key := func(m fastMember) []byte { return keys[m.key:m.keyEnd] }
	sorted := true
	for i := 1; i < len(members); i++ {
		if !keyLess(key(members[i-1]), key(members[i])) {
			sorted = false
			break
		}
	}
	if !sorted {
		// RFC 8785 §3.2.3: sort by the UTF-16 code units of the key.
		slices.SortStableFunc(members, func(a, b fastMember) int {
			switch ka, kb := key(a), key(b); {
			case keyLess(ka, kb):
				return -1
			case keyLess(kb, ka):
				return 1
			}
			return 0
		})
		for i := 1; i < len(members); i++ {
			if bytes.Equal(key(members[i-1]), key(members[i])) {
				return false // a repeated key
			}
		}
		s.tmp = append(s.tmp[:0], s.out[open+1:]...)
		s.out = s.out[:open+1]
		base := open + 1
		for i, m := range members {
			if i > 0 {
				s.out = append(s.out, ',')
			}
			s.out = append(s.out, s.tmp[m.start-base:m.end-base]...)
		}
	}
	s.out = append(s.out, '}')
	return true
}

// keyLess orders keys by their UTF-16 code units (RFC 8785 §3.2.3). Byte
// order is UTF-8's code point order, which is UTF-16's except between
// U+E000..U+FFFF and the supplementary planes.
func keyLess(a, b []byte) bool {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	if i == n {
		return len(a) < len(b)
	}
	if a[i] < 0x80 && b[i] < 0x80 {
		return a[i] < b[i]
	}
	return lessUTF16(string(a), string(b))
}

// canonString reads a JSON string at s.i and writes it as writeString
// does; when keep is not nil, the decoded value is appended to *keep too.
func (s *fastScan) canonString(keep *[]byte) bool {
	start := len(s.out)
	s.out = append(s.out, '"')
	if !s.str() {
		return false
	}
	dec := s.out[start+1:]
	if keep != nil {
		*keep = append(*keep, dec...)
	}
	for _, c := range dec {
		if c < 0x20 || c == '"' || c == '\\' {
			var buf bytes.Buffer
			writeString(&buf, string(dec))
			s.out = append(s.out[:start], buf.Bytes()...)
			return true
		}
	}
	s.out = append(s.out, '"')
	return true
}
