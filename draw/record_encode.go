package draw

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"unicode/utf8"
)

// This file is the encode side of the record's published form
// (MarshalRecord): the selections, one entry per drawn unit (a 1M-target
// draw has a 30 MB record, almost all of it selections), are encoded in
// chunks on all processors into the bytes encoding/json would write, and
// the rest of the record by encoding/json itself; the parts are joined in
// one buffer of the exact size. The output is byte-identical to one
// json.Encoder pass (SetEscapeHTML(false), two-space indent): tests
// compare the two on every vector and on names that need escaping.

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

// marshalRecordFast is MarshalRecord with the selections encoded on all
// processors.
func marshalRecordFast(r *Record) ([]byte, error) {
	if r.Selected == nil || len(r.Selected) < selectionGrain {
		return marshalRecordStd(r)
	}
	c := *r
	c.Selected = nil
	sel := r.Selected
	var rest []byte
	var err error
	var wg sync.WaitGroup
	wg.Go(func() { rest, err = marshalRecordStd(&c) })
	parts := encodeSelections(sel)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	at := bytes.Index(rest, []byte(selectedNull))
	if at < 0 || bytes.Contains(rest[at+len(selectedNull):], []byte(selectedNull)) {
		// Not where it must be: cannot happen; keep the plain encoding.
		return marshalRecordStd(r)
	}
	head, tail := rest[:at+len(selectedNull)-len("null")], rest[at+len(selectedNull):]
	n := len(head) + len(tail) + len("[\n  ]")
	for _, p := range parts {
		n += len(p)
	}
	out := make([]byte, 0, n)
	out = append(out, head...)
	if len(sel) == 0 {
		out = append(out, "[]"...)
	} else {
		out = append(out, '[')
		for _, p := range parts {
			out = append(out, p...)
		}
		out = append(out, "\n  ]"...)
	}
	return append(out, tail...), nil
}

// encodeSelections encodes sel as the elements of the record's
// "selected" array, in order, each preceded by its separator (",", except
// for the first) and its line break and indent, in consecutive parts
// encoded on all processors.
func encodeSelections(sel []Selection) [][]byte {
	if len(sel) == 0 {
		return nil
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	chunks := max(1, min(len(sel)/selectionGrain, 4*workers))
	parts := make([][]byte, chunks)
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers)
	for c := range chunks {
		lo, hi := len(sel)*c/chunks, len(sel)*(c+1)/chunks
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			size := 0
			for i := lo; i < hi; i++ {
				s := &sel[i]
				size += 100 + len(s.Target) + len(s.Name) + len(s.Stratum) + len(s.Rank)
			}
			b := make([]byte, 0, size)
			for i := lo; i < hi; i++ {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendSelection(b, &sel[i])
			}
			parts[c] = b
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
	_ = enc.Encode(s) // a string always encodes
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
