package draw

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"runtime"
	"strings"
	"sync"

	"github.com/shuangsuiji/ssj/internal/canon"
	"github.com/shuangsuiji/ssj/internal/jsonin"
)

// This file is DecodeRecord's fast path (issue 13): a million-target
// draw's record is about 30 MB, nearly all of it the "selected" list, and
// the general path (encoding/json's strict decoding, the re-encoding to
// compare, RFC 8785's transform) spends seconds on it. The fast path
// accepts only records in exactly the form MarshalRecord writes, and only
// says yes: anything it does not recognise sends the whole document down
// the general path, which decides and words the error. So it cannot change
// what DecodeRecord accepts or refuses, or what it says.
//
// How it knows the general path would accept, with the same Record:
//
//   - The "selected" array is cut out of the document: the rest, with
//     "[]" in its place (the reduced document), goes through the general
//     path's checks (json.Valid, jsonin's strict decoding, the re-encoding
//     compared byte for byte, canon.Transform's error). The fast path
//     requires that re-encoding to equal the reduced document exactly, so
//     that "selected" found by its text is the record's top-level member
//     (a raw line break followed by two spaces and a key only occurs there
//     in the encoder's indented form) and occurs once.
//   - The array itself is parsed by hand against the exact text the
//     encoder writes for []Selection at that depth: the four members in
//     order, the indentation, the separators, and strings whose bytes the
//     encoder would write unchanged (no '"', '\\' or control character,
//     no U+2028/U+2029); a string with an escape is decoded by
//     encoding/json and kept only when re-encoding it gives the same bytes.
//     So its text is what the encoder writes for the parsed selections,
//     the whole document is what it writes for the whole Record (the
//     re-encoding check passes), jsonin accepts the selections (four known
//     members, strings), and canon.Transform has nothing to refuse in
//     them (no number, no repeated key), so its verdict on the whole is
//     its verdict on the reduced document.
//   - encoding/json decodes members independently, so the Record it
//     decodes from the whole document is the reduced document's with
//     Selected set to the parsed selections.
//
// The array is cut into one part per processor at element boundaries
// (the text "\n    },\n    {", which cannot occur inside a string: JSON
// strings hold no raw line break); each part is checked and parsed on its
// own goroutine, and the parts' selections are placed in order, so the
// result does not depend on GOMAXPROCS.

const (
	// selKey is the top-level member "selected" as MarshalRecord writes it,
	// up to its array's '['.
	selKey = "\n  \"selected\": "
	// The element text around the four strings, and the separators.
	selOpen    = "[\n    "
	selClose   = "\n  ]"
	selSep     = ",\n    "
	selTarget  = "{\n      \"target\": \""
	selName    = "\",\n      \"name\": \""
	selStratum = "\",\n      \"stratum\": \""
	selRank    = "\",\n      \"rank\": \""
	selEnd     = "\"\n    }"
	// selCut is where the array may be cut into parts: after an element's
	// '}' and before the next one's '{'.
	selCut = "\n    },\n    {"
)

// minSelPart is the smallest part of the selected array worth a goroutine
// (a variable: tests cut small arrays).
var minSelPart = 1 << 20

// decodeRecordFast decodes data (no BOM) when it is a record in exactly
// MarshalRecord's form with a non-empty selected list, and reports whether
// it did. When it did, the general path of DecodeRecord would have decoded
// the same Record and found it canonical; the format and the manifest are
// left for the caller to check.
func decodeRecordFast(data []byte) (Record, bool) {
	i := bytes.Index(data, []byte(selKey+selOpen+selTarget))
	if i < 0 {
		return Record{}, false
	}
	start := i + len(selKey)
	// The first "}\n  ]" after the '[' closes the array if it is well
	// formed: it cannot occur inside a string (no raw line break there),
	// nor between elements. ('}' is rarer than '"' for bytes.Index.)
	end := bytes.Index(data[start:], []byte("}"+selClose))
	if end < 0 {
		return Record{}, false
	}
	end += start + len("}"+selClose)
	sel, ok := parseSelected(data[start:end])
	if !ok {
		return Record{}, false
	}
	reduced := make([]byte, 0, len(data)-(end-start)+2)
	reduced = append(append(append(reduced, data[:start]...), "[]"...), data[end:]...)
	var rec Record
	if !json.Valid(reduced) || jsonin.Decode(reduced, &rec, jsonin.Options{}) != nil {
		return Record{}, false
	}
	enc, err := MarshalRecord(&rec)
	if err != nil || !bytes.Equal(bytes.TrimSpace(reduced), bytes.TrimSpace(enc)) {
		return Record{}, false
	}
	if _, err := canon.Transform(reduced); err != nil {
		return Record{}, false
	}
	rec.Selected = sel
	return rec, true
}

// selPart is one part of the selected array: its text (whole elements,
// without the separators around it), and what its first pass found.
type selPart struct {
	text []byte
	offs []int32        // per element, the start and end of its four strings in text
	esc  map[int]string // the strings with an escape, decoded, by 4*element+member
	n    int            // elements
	raw  int            // total length of the strings without an escape
	ok   bool
}

// parseSelected parses the selected array's text, from '[' to ']', in
// exactly the form MarshalRecord writes it.
func parseSelected(arr []byte) ([]Selection, bool) {
	if !bytes.HasPrefix(arr, []byte(selOpen)) || !bytes.HasSuffix(arr, []byte(selClose)) || len(arr) > math.MaxInt32 {
		return nil, false // (the offsets are int32)
	}
	body := arr[len(selOpen) : len(arr)-len(selClose)]
	parts := cutSelected(body, min(runtime.GOMAXPROCS(0), 8))
	run := func(f func(i int)) {
		if len(parts) == 1 {
			f(0)
			return
		}
		var wg sync.WaitGroup
		for i := range parts {
			wg.Go(func() { f(i) })
		}
		wg.Wait()
	}
	run(func(i int) { scanSelPart(&parts[i]) })
	total := 0
	for _, p := range parts {
		if !p.ok {
			return nil, false
		}
		total += p.n
	}
	out := make([]Selection, total)
	at := make([]int, len(parts))
	for i := 1; i < len(parts); i++ {
		at[i] = at[i-1] + parts[i-1].n
	}
	run(func(i int) { fillSelPart(&parts[i], out[at[i]:at[i]+parts[i].n]) })
	return out, true
}

// cutSelected cuts the array's elements into at most n parts of at least
// minSelPart bytes at element boundaries.
func cutSelected(body []byte, n int) []selPart {
	var parts []selPart
	for n > 1 && len(body) >= 2*minSelPart {
		j := bytes.Index(body[len(body)/n:], []byte(selCut))
		if j < 0 {
			break
		}
		j += len(body) / n
		// body[:j+len("\n    }")] ends an element; the next starts at '{'.
		parts = append(parts, selPart{text: body[:j+len("\n    }")]})
		body = body[j+len(selCut)-1:]
		n--
	}
	return append(parts, selPart{text: body})
}

// selLits are the texts before each of an element's four strings.
var selLits = [4][]byte{[]byte(selTarget), []byte(selName), []byte(selStratum), []byte(selRank)}

// scanSelPart checks p's elements and records where their strings are;
// p.ok reports whether the whole text is elements in the exact form.
func scanSelPart(p *selPart) {
	t := p.text
	p.offs = make([]int32, 0, len(t)/100*8+8)
	i := 0
	for {
		for k, lit := range selLits {
			if !bytes.HasPrefix(t[i:], lit) {
				return
			}
			i += len(lit)
			j := stringEnd(t, i)
			if j < 0 {
				return
			}
			switch plainString(t[i:j]) {
			case strPlain:
				p.raw += j - i
			case strEscaped:
				u, ok := unescapeExact(t[i:j])
				if !ok {
					return
				}
				if p.esc == nil {
					p.esc = map[int]string{}
				}
				p.esc[4*p.n+k] = u
			default:
				return
			}
			p.offs = append(p.offs, int32(i), int32(j))
			i = j
		}
		if !bytes.HasPrefix(t[i:], []byte(selEnd)) {
			return
		}
		i += len(selEnd)
		p.n++
		if i == len(t) {
			p.ok = true
			return
		}
		if !bytes.HasPrefix(t[i:], []byte(selSep)) {
			return
		}
		i += len(selSep)
	}
}

// fillSelPart fills dst with p's elements, their strings (but those with
// an escape) in one allocation.
func fillSelPart(p *selPart, dst []Selection) {
	var sb strings.Builder
	sb.Grow(p.raw)
	for m := range 4 * len(dst) {
		if _, ok := p.esc[m]; !ok {
			sb.Write(p.text[p.offs[2*m]:p.offs[2*m+1]])
		}
	}
	all := sb.String()
	at := 0
	str := func(m int) string {
		if u, ok := p.esc[m]; ok {
			return u
		}
		n := int(p.offs[2*m+1] - p.offs[2*m])
		at += n
		return all[at-n : at]
	}
	for e := range dst {
		dst[e] = Selection{Target: str(4 * e), Name: str(4*e + 1), Stratum: str(4*e + 2), Rank: str(4*e + 3)}
	}
}

const (
	strPlain   = iota // written as is
	strEscaped        // holds an escape
	strRefused        // not what the encoder writes
)

// plainString classifies s, the text of a JSON string between its quotes,
// holding no '"': strPlain when the encoder (MarshalRecord: no HTML
// escaping) writes its bytes as they are, strEscaped when it holds a
// backslash, strRefused when it holds what the encoder would escape (a
// control character, U+2028, U+2029). Valid UTF-8 is assumed (the caller
// checked the document).
func plainString(s []byte) int {
	// Eight bytes at a time while they are ASCII, not control characters
	// and not '\\' (labels and ranks; most of a name's bytes are not).
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64(s[i:])
		bs := x ^ (lo * '\\')
		if (x|(x-lo*0x20)|(bs-lo)&^bs)&hi != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20:
			return strRefused
		case c == '\\':
			return strEscaped
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9):
			return strRefused
		}
	}
	return strPlain
}

// stringEnd returns the index of the '"' closing the JSON string whose
// text starts at t[i], or -1.
func stringEnd(t []byte, i int) int {
	for {
		j := bytes.IndexByte(t[i:], '"')
		if j < 0 {
			return -1
		}
		j += i
		k := j
		for k > i && t[k-1] == '\\' {
			k--
		}
		if (j-k)%2 == 0 {
			return j
		}
		i = j + 1
	}
}

// unescapeExact decodes the JSON string text s (without its quotes) with
// encoding/json and reports whether the encoder writes the result back as
// exactly s.
func unescapeExact(s []byte) (string, bool) {
	q := make([]byte, 0, len(s)+2)
	q = append(append(append(q, '"'), s...), '"')
	var u string
	if json.Unmarshal(q, &u) != nil || !bytes.Equal(appendJSONString(nil, u), q) {
		return "", false
	}
	return u, true
}
