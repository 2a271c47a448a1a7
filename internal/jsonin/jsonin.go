// Package jsonin decodes JSON documents that come from outside (files that
// people edit, export from Excel or Notepad, or receive) so that every
// error names where it is: the JSON path, the value found and what was
// wanted, e.g.
//
//	manifest.commit_time: want an RFC 3339 time string, got number 1
//
// It accepts a leading UTF-8 BOM (Notepad and Excel on Chinese Windows
// write one), refuses empty input, a top-level null and trailing data, and,
// for the formats ssj defines, duplicate object keys and unknown fields.
// Decoding itself is encoding/json's: jsonin walks the document against
// the target type first, to find and name the first problem.
package jsonin

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrJSON is wrapped by every error of Decode.
var ErrJSON = errors.New("bad JSON")

// Options relax the checks for formats that are not ssj's own.
type Options struct {
	// AllowUnknown accepts (and ignores) object members that the target
	// type does not have, e.g. in a drand beacon.
	AllowUnknown bool
	// AllowDuplicates accepts a repeated object key (the last one wins,
	// as in encoding/json).
	AllowDuplicates bool
}

// Error is a decoding problem at one place of the document.
type Error struct {
	// Path is the JSON path of the value, e.g. "manifest.commit_time" or
	// "selected[3].rank"; empty for the document as a whole.
	Path string
	// Line and Column locate a syntax error (1-based; 0 when not known).
	Line, Column int
	// Problem says what is wrong, e.g. "want an integer, got number 1.5".
	Problem string
}

// Error returns "PATH: PROBLEM", "top level: PROBLEM" for the document as
// a whole, or "line L, column C (PATH): PROBLEM" for a syntax error.
func (e *Error) Error() string {
	where := e.Path
	if where == "" {
		where = "top level"
	}
	if e.Line > 0 {
		where = fmt.Sprintf("line %d, column %d", e.Line, e.Column)
		if e.Path != "" {
			where += " (" + e.Path + ")"
		}
	}
	return where + ": " + e.Problem
}

// Unwrap makes errors.Is(err, ErrJSON) true.
func (e *Error) Unwrap() error { return ErrJSON }

// TrimBOM removes a leading UTF-8 byte order mark.
func TrimBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte("\ufeff")) }

// ReadAll reads r up to limit bytes (0: no limit) and decodes it into v
// like Decode; more than limit bytes is an error.
func ReadAll(r io.Reader, limit int64, v any, opt Options) error {
	if limit > 0 {
		r = io.LimitReader(r, limit+1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if limit > 0 && int64(len(data)) > limit {
		return &Error{Problem: fmt.Sprintf("document larger than %d bytes", limit)}
	}
	return Decode(data, v, opt)
}

// Decode decodes exactly one JSON value from data into v, a non-nil
// pointer. The error, an *Error wrapping ErrJSON, names the JSON path and
// the value.
func Decode(data []byte, v any, opt Options) error { return decode(data, v, opt, true) }

// decode is Decode, with the fast path optional (tests compare the two).
func decode(data []byte, v any, opt Options, fast bool) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("jsonin: Decode needs a non-nil pointer, got %T", v)
	}
	data = TrimBOM(data)
	if len(bytes.TrimSpace(data)) == 0 {
		return &Error{Problem: "empty document: want " + want(rv.Type().Elem())}
	}
	if !utf8.Valid(data) {
		return notUTF8(data)
	}
	// Fast path: a document that encoding/json decodes strictly, with no
	// null and no possibly repeated key, is one the walk would accept too.
	if fast && quickCheck(data) {
		if err := decodeStrict(data, v, opt); err == nil {
			return nil
		}
		rv.Elem().Set(reflect.Zero(rv.Type().Elem())) // start again for the walk
	}
	return decodeSlow(data, v, opt)
}

// decodeStrict is encoding/json's strict decoding of exactly one value.
func decodeStrict(data []byte, v any, opt Options) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if !opt.AllowUnknown {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data")
	}
	return nil
}

// decodeSlow walks the document against the type of v, naming the first
// problem, then decodes it.
func decodeSlow(data []byte, v any, opt Options) error {
	rv := reflect.ValueOf(v)
	w := &walker{data: data, dec: json.NewDecoder(bytes.NewReader(data)), opt: opt}
	w.dec.UseNumber()
	if err := w.value(rv.Type().Elem(), "", true); err != nil {
		return err
	}
	end := w.dec.InputOffset()
	if _, err := w.dec.Token(); err != io.EOF {
		for end < int64(len(data)) && strings.ContainsRune(" \t\r\n", rune(data[end])) {
			end++
		}
		line, col := lineCol(data, end)
		return &Error{Line: line, Column: col, Problem: "trailing data after the JSON value"}
	}
	if err := decodeStrict(data, v, opt); err != nil {
		// The walk found nothing; report what encoding/json says.
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &Error{Path: te.Field, Problem: fmt.Sprintf("want %s, got %s", te.Type, te.Value)}
		}
		return &Error{Problem: err.Error()}
	}
	return nil
}

// quickCheck reports whether data, as far as a byte scan can tell, holds
// no null literal and no object with two keys equal up to ASCII case (the
// walk matches struct fields as encoding/json does, case-insensitively).
// It is conservative: false sends the document to the walk, which decides.
func quickCheck(data []byte) bool {
	type object struct {
		keys  []string
		set   map[string]struct{}
		isObj bool
	}
	var stack []object
	expectKey := false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '{':
			stack = append(stack, object{isObj: true})
			expectKey = true
		case '[':
			stack = append(stack, object{})
			expectKey = false
		case '}', ']':
			if len(stack) == 0 {
				return false
			}
			stack = stack[:len(stack)-1]
			expectKey = false
		case ',':
			expectKey = len(stack) > 0 && stack[len(stack)-1].isObj
		case 'n':
			return false // null (a string's n is skipped below)
		case '"':
			j := i + 1
			escaped := false
			for ; j < len(data) && data[j] != '"'; j++ {
				if data[j] == '\\' {
					escaped = true
					j++
				}
			}
			if j >= len(data) {
				return false
			}
			if expectKey {
				if escaped || !asciiOnly(data[i+1:j]) {
					return false // let the walk decode and fold it
				}
				key := strings.ToLower(string(data[i+1 : j]))
				top := &stack[len(stack)-1]
				if top.set == nil && len(top.keys) < 16 {
					for _, k := range top.keys {
						if k == key {
							return false
						}
					}
					top.keys = append(top.keys, key)
				} else {
					if top.set == nil {
						top.set = make(map[string]struct{}, 32)
						for _, k := range top.keys {
							top.set[k] = struct{}{}
						}
					}
					if _, dup := top.set[key]; dup {
						return false
					}
					top.set[key] = struct{}{}
				}
				expectKey = false
			}
			i = j
		}
	}
	return true
}

type walker struct {
	data []byte
	dec  *json.Decoder
	opt  Options
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	timeType            = reflect.TypeFor[time.Time]()
)

// at makes an error at path with the current position when the problem is
// syntactic.
func (w *walker) at(path, problem string) *Error {
	return &Error{Path: path, Problem: problem}
}

// syntax turns a decoder error into an *Error with line and column.
func (w *walker) syntax(path string, err error) *Error {
	var se *json.SyntaxError
	off := w.dec.InputOffset()
	msg := err.Error()
	if errors.As(err, &se) {
		// The scanner of Unmarshal places the error exactly: just after
		// the offending byte.
		var x any
		if err2 := json.Unmarshal(w.data, &x); errors.As(err2, &se) {
			off = se.Offset - 1
		}
		msg = "invalid JSON: " + se.Error()
	} else if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		msg = "truncated JSON: the document ends inside a value"
		off = int64(len(w.data))
	}
	line, col := lineCol(w.data, off)
	return &Error{Path: path, Line: line, Column: col, Problem: msg}
}

func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}

// raw reads the next value as raw bytes.
func (w *walker) raw(path string) (json.RawMessage, error) {
	var r json.RawMessage
	if err := w.dec.Decode(&r); err != nil {
		return nil, w.syntax(path, err)
	}
	return r, nil
}

// value checks the next value against t. top is true for the document.
func (w *walker) value(t reflect.Type, path string, top bool) error {
	// Values whose type decodes itself: hand them their raw bytes.
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		pt := reflect.PointerTo(t)
		if pt.Implements(unmarshalerType) || (pt.Implements(textUnmarshalerType) && t.Kind() != reflect.Slice) {
			r, err := w.raw(path)
			if err != nil {
				return err
			}
			if top && string(r) == "null" {
				return w.at(path, "want "+want(t)+", got null")
			}
			return w.custom(t, pt, r, path)
		}
	}
	if t.Kind() == reflect.Pointer {
		r, err := w.raw(path)
		if err != nil {
			return err
		}
		if string(r) == "null" {
			if top {
				return w.at(path, "want "+want(t)+", got null")
			}
			return nil
		}
		sub := &walker{data: r, dec: json.NewDecoder(bytes.NewReader(r)), opt: w.opt}
		sub.dec.UseNumber()
		return sub.value(t.Elem(), path, false)
	}
	tok, err := w.dec.Token()
	if err != nil {
		return w.syntax(path, err)
	}
	if tok == nil {
		switch t.Kind() {
		case reflect.Interface, reflect.Map, reflect.Slice:
			if top {
				return w.at(path, "want "+want(t)+", got null")
			}
			return nil
		}
		return w.at(path, "want "+want(t)+", got null")
	}
	if t.Kind() == reflect.Interface {
		return w.skipFrom(tok, path)
	}
	return w.valueFromToken(t, path, tok)
}

// valueFromToken checks a value whose first token has been read.
func (w *walker) valueFromToken(t reflect.Type, path string, tok json.Token) error {
	if d, ok := tok.(json.Delim); ok {
		switch {
		case d == '{' && t.Kind() == reflect.Struct:
			return w.object(t, path)
		case d == '{' && t.Kind() == reflect.Map:
			return w.mapObject(t, path)
		case d == '[' && (t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 || t.Kind() == reflect.Array):
			return w.array(t, path)
		case t.Kind() == reflect.Interface:
			return w.skipFrom(tok, path)
		}
		got := "an object"
		if d == '[' {
			got = "an array"
		}
		return w.at(path, "want "+want(t)+", got "+got)
	}
	got := describe(tok)
	switch t.Kind() {
	case reflect.String:
		if _, ok := tok.(string); ok {
			return nil
		}
	case reflect.Bool:
		if _, ok := tok.(bool); ok {
			return nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, ok := tok.(json.Number); ok {
			if _, err := strconv.ParseInt(n.String(), 10, t.Bits()); err == nil {
				return nil
			}
			return w.at(path, fmt.Sprintf("want %s, got number %s", want(t), n))
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n, ok := tok.(json.Number); ok {
			if _, err := strconv.ParseUint(n.String(), 10, t.Bits()); err == nil {
				return nil
			}
			return w.at(path, fmt.Sprintf("want %s, got number %s", want(t), n))
		}
	case reflect.Float32, reflect.Float64:
		if _, ok := tok.(json.Number); ok {
			return nil
		}
	case reflect.Slice: // []byte: base64 string
		if _, ok := tok.(string); ok && t.Elem().Kind() == reflect.Uint8 {
			return nil
		}
	case reflect.Interface:
		return nil
	}
	return w.at(path, "want "+want(t)+", got "+got)
}

// custom runs a type's own UnmarshalJSON or UnmarshalText on raw.
func (w *walker) custom(t, pt reflect.Type, raw json.RawMessage, path string) error {
	if string(raw) == "null" && t != timeType {
		return nil // encoding/json leaves the value alone; the type's Validate decides
	}
	v := reflect.New(t)
	var err error
	if pt.Implements(unmarshalerType) {
		err = v.Interface().(json.Unmarshaler).UnmarshalJSON(raw)
	} else {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return w.at(path, "want "+want(t)+", got "+describeRaw(raw))
		}
		err = v.Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
	}
	if err == nil {
		return nil
	}
	if t == timeType {
		return w.at(path, "want an RFC 3339 time string, e.g. 2026-03-20T09:00:00+08:00, got "+describeRaw(raw))
	}
	return w.at(path, fmt.Sprintf("%v (got %s)", err, describeRaw(raw)))
}

// field is one JSON member of a struct.
type field struct {
	name string
	typ  reflect.Type
}

// fields lists the JSON members of struct type t, embedded structs'
// members promoted, as encoding/json sees them.
func fields(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			et := ft
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				out = append(out, fields(et)...)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, field{name, ft})
	}
	return out
}

func lookup(fs []field, key string) (field, bool) {
	for _, f := range fs {
		if f.name == key {
			return f, true
		}
	}
	for _, f := range fs {
		if strings.EqualFold(f.name, key) {
			return f, true
		}
	}
	return field{}, false
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (w *walker) object(t reflect.Type, path string) error {
	fs := fields(t)
	seen := map[string]bool{}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return w.syntax(path, err)
		}
		key, _ := tok.(string)
		p := join(path, key)
		f, ok := lookup(fs, key)
		if !ok {
			if !w.opt.AllowUnknown {
				return w.at(p, fmt.Sprintf("unknown field %q", key))
			}
			if _, err := w.raw(p); err != nil {
				return err
			}
			continue
		}
		if seen[f.name] && !w.opt.AllowDuplicates {
			return w.at(p, fmt.Sprintf("duplicate key %q", key))
		}
		seen[f.name] = true
		if err := w.value(f.typ, p, false); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil {
		return w.syntax(path, err)
	}
	return nil
}

func (w *walker) mapObject(t reflect.Type, path string) error {
	seen := map[string]bool{}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return w.syntax(path, err)
		}
		key, _ := tok.(string)
		p := join(path, key)
		if seen[key] && !w.opt.AllowDuplicates {
			return w.at(p, fmt.Sprintf("duplicate key %q", key))
		}
		seen[key] = true
		if err := w.value(t.Elem(), p, false); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil {
		return w.syntax(path, err)
	}
	return nil
}

func (w *walker) array(t reflect.Type, path string) error {
	for i := 0; w.dec.More(); i++ {
		if t.Kind() == reflect.Array && i >= t.Len() {
			return w.at(fmt.Sprintf("%s[%d]", path, i), fmt.Sprintf("too many elements: want %d", t.Len()))
		}
		if err := w.value(t.Elem(), fmt.Sprintf("%s[%d]", path, i), false); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil {
		return w.syntax(path, err)
	}
	return nil
}

// skipFrom skips the rest of a value whose first token was tok, checking
// duplicate keys in its objects.
func (w *walker) skipFrom(tok json.Token, path string) error {
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if d == '[' {
		for i := 0; w.dec.More(); i++ {
			if err := w.value(reflect.TypeFor[any](), fmt.Sprintf("%s[%d]", path, i), false); err != nil {
				return err
			}
		}
	} else {
		seen := map[string]bool{}
		for w.dec.More() {
			k, err := w.dec.Token()
			if err != nil {
				return w.syntax(path, err)
			}
			key, _ := k.(string)
			if seen[key] && !w.opt.AllowDuplicates {
				return w.at(join(path, key), fmt.Sprintf("duplicate key %q", key))
			}
			seen[key] = true
			if err := w.value(reflect.TypeFor[any](), join(path, key), false); err != nil {
				return err
			}
		}
	}
	if _, err := w.dec.Token(); err != nil {
		return w.syntax(path, err)
	}
	return nil
}

// want names what a type wants in JSON.
func want(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return "an RFC 3339 time string"
	}
	if pt := reflect.PointerTo(t); pt.Implements(textUnmarshalerType) && !pt.Implements(unmarshalerType) {
		return "a string"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "a JSON object"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "a base64 string"
		}
		return "a JSON array"
	case reflect.Array:
		return "a JSON array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a JSON value"
}

// describe names a scalar token with its value, shortened.
func describe(tok json.Token) string {
	switch v := tok.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean " + strconv.FormatBool(v)
	case json.Number:
		return "number " + short(v.String())
	case string:
		return "string " + strconv.Quote(short(v))
	}
	return fmt.Sprint(tok)
}

func describeRaw(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return short(string(raw))
	}
	return describe(tok)
}

func short(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}

// notUTF8 explains invalid UTF-8: a character cut off at the end is a
// truncated document; anything else is located by line and column.
func notUTF8(data []byte) *Error {
	i := 0
	for i < len(data) {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		i += n
	}
	line, col := lineCol(data, int64(i))
	if len(data)-i < utf8.UTFMax && !utf8.FullRune(data[i:]) {
		return &Error{Line: line, Column: col, Problem: "truncated JSON: the document ends inside a character"}
	}
	return &Error{Line: line, Column: col, Problem: "not UTF-8 text (binary data, or a legacy encoding such as GBK?)"}
}

func asciiOnly(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
