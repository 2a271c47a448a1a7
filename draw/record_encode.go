package draw

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"unicode/utf8"
)

// This file is the encode side of the record's published form
// (MarshalRecord): the selections, one entry per drawn unit (a 1M-target
// draw has a 30 MB record, almost all of it selections), are encoded in
// chunks on all processors into the bytes encoding/json would write, and
// the rest of the record by encoding/json itself; WriteRecord writes the
// parts in order and MarshalRecord collects them. The output is
// byte-identical to one json.Encoder pass (SetEscapeHTML(false), two-space
// indent): tests compare the two on every vector and on names that need
// escaping.

// selectionGrain is the smallest number of selections worth encoding on a
// goroutine of their own (a variable so that tests can make it small).
var selectionGrain = 8192

// selectedNull is how encoding/json writes a nil Selected at the record's
// top level: a raw newline occurs in the indented output only as
// structure (inside strings it is escaped), and a key right after a
// newline and two spaces is a member of the top-level object, whose keys
// are unique.
const selectedNull = "\n  \"selected\": null"

// marshalRecordStd is MarshalRecord through encoding/json alone, the
// reference the fast path is tested against.
func marshalRecordStd(r *Record) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return nil, fmt.Errorf("draw: record: %w", err)
	}
	return buf.Bytes(), nil
}

// splitSelected cuts the encoding of a record with nil Selected around
// its "null": head ends with the member's name, tail starts after the
// value. ok is false when the member is not found exactly once (which
// cannot happen).
func splitSelected(rest []byte) (head, tail []byte, ok bool) {
	at := bytes.Index(rest, []byte(selectedNull))
	if at < 0 || bytes.Contains(rest[at+len(selectedNull):], []byte(selectedNull)) {
		return nil, nil, false
	}
	return rest[:at+len(selectedNull)-len("null")], rest[at+len(selectedNull):], true
}

// WriteRecord writes the record's published form to w: the bytes
// MarshalRecord returns, without holding them all at once. The selections
// are encoded on all processors a few chunks at a time and each round is
// written before the next is encoded, so a record of millions of
// selections costs a few megabytes of buffers instead of a second copy of
// the document. An error is the encoder's or w's.
func WriteRecord(w io.Writer, r *Record) error {
	if r.Selected == nil || len(r.Selected) < selectionGrain {
		b, err := marshalRecordStd(r)
		if err != nil {
			return err
		}
		return writeAll(w, b)
	}
	c := *r
	c.Selected = nil
	rest, err := marshalRecordStd(&c)
	if err != nil {
		return err
	}
	head, tail, ok := splitSelected(rest)
	if !ok {
		b, err := marshalRecordStd(r)
		if err != nil {
			return err
		}
		return writeAll(w, b)
	}
	if err := writeAll(w, append(head[:len(head):len(head)], '[')); err != nil {
		return err
	}
	sel := r.Selected
	workers := max(1, runtime.GOMAXPROCS(0))
	var bufs [][]byte
	for lo := 0; lo < len(sel); lo += workers * selectionGrain {
		hi := min(len(sel), lo+workers*selectionGrain)
		bufs = encodeSelections(sel, lo, hi, (hi-lo+selectionGrain-1)/selectionGrain, bufs)
		for _, b := range bufs {
			if err := writeAll(w, b); err != nil {
				return err
			}
		}
	}
	return writeAll(w, append([]byte("\n  ]"), tail...))
}

// writeAll writes b to w, naming a failure as the record's.
func writeAll(w io.Writer, b []byte) error {
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("draw: record: %w", err)
	}
	return nil
}

// encodeSelections encodes sel[lo:hi] as elements of the record's
// "selected" array, in order, each preceded by its separator (",", except
// for the first of sel) and its line break and indent, in the given number
// of consecutive parts encoded on all processors; it reuses the buffers of
// reuse.
func encodeSelections(sel []Selection, lo, hi, chunks int, reuse [][]byte) [][]byte {
	chunks = max(1, chunks)
	parts := make([][]byte, chunks)
	copy(parts, reuse)
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	for c := range chunks {
		a, b := lo+(hi-lo)*c/chunks, lo+(hi-lo)*(c+1)/chunks
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			buf := slices.Grow(parts[c][:0], selectionsSize(sel, a, b))
			for i := a; i < b; i++ {
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = appendSelection(buf, &sel[i])
			}
			parts[c] = buf
		})
	}
	wg.Wait()
	return parts
}

// appendSelection appends one element of the "selected" array as
// encoding/json indents it at depth 2.
func appendSelection(b []byte, s *Selection) []byte {
	b = append(b, "\n    {\n      \"target\": "...)
	b = appendJSONString(b, s.Target)
	b = append(b, ",\n      \"name\": "...)
	b = appendJSONString(b, s.Name)
	b = append(b, ",\n      \"stratum\": "...)
	b = appendJSONString(b, s.Stratum)
	b = append(b, ",\n      \"rank\": "...)
	b = appendJSONString(b, s.Rank)
	return append(b, "\n    }"...)
}

// selectionsSize is about the size of the encoding of sel[lo:hi] (its
// strings and the members' fixed text), for sizing buffers.
func selectionsSize(sel []Selection, lo, hi int) int {
	size := 0
	for i := lo; i < hi; i++ {
		s := &sel[i]
		size += 100 + len(s.Target) + len(s.Name) + len(s.Stratum) + len(s.Rank)
	}
	return size
}

// appendJSONString appends s as encoding/json writes a string without
// HTML escaping: as is, quoted, when it needs no escape (no control
// character, quote or backslash, valid UTF-8 without U+2028 or U+2029);
// otherwise through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	if plainJSON(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		// encoding/json encodes every string (invalid UTF-8 as U+FFFD),
		// and a bytes.Buffer takes every write.
		panic("draw: encoding/json refused a string: " + err.Error())
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

// plainJSON reports whether encoding/json writes s between quotes as is.
func plainJSON(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += size
	}
	return true
}
