// Package canon produces canonical JSON as defined by RFC 8785 (JSON
// Canonicalization Scheme), restricted to the subset ssj publishes: objects,
// arrays, strings, booleans, null and integers of magnitude at most 2^53.
// Fractional and exponent numbers are refused, because ssj never publishes a
// float: ratios are decimal strings.
//
// The output is byte-identical on every platform, so it is safe to hash.
package canon

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrFloat is returned (wrapped) when the input holds a number that is not an
// integer, or an integer outside ±2^53.
var ErrFloat = errors.New("canon: only integers within ±2^53 are allowed")

// ErrInvalid is returned (wrapped) when the input is not valid JSON, or holds
// invalid UTF-8 or a duplicate object key.
var ErrInvalid = errors.New("canon: invalid JSON")

var maxSafe = new(big.Int).Lsh(big.NewInt(1), 53)

// Marshal encodes v with encoding/json and returns its canonical form.
func Marshal(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("canon: %w", err)
	}
	return Transform(raw)
}

// Transform returns the canonical form of the JSON document data.
func Transform(data []byte) ([]byte, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: not UTF-8", ErrInvalid)
	}
	if out, ok := fastTransform(data); ok {
		return out, nil
	}
	return transformSlow(data)
}

// transformSlow is Transform of valid UTF-8 through json.Decoder's
// tokens: the reference, and what words Transform's errors.
func transformSlow(data []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var buf bytes.Buffer
	if err := transformValue(dec, &buf); err != nil {
		return nil, err
	}
	if len(bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n")) != 0 {
		return nil, fmt.Errorf("%w: trailing data after offset %d", ErrInvalid, dec.InputOffset())
	}
	return buf.Bytes(), nil
}

func transformValue(dec *json.Decoder, buf *bytes.Buffer) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return transformObject(dec, buf)
		case '[':
			buf.WriteByte('[')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					buf.WriteByte(',')
				}
				if err := transformValue(dec, buf); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil {
				return fmt.Errorf("%w: %v", ErrInvalid, err)
			}
			buf.WriteByte(']')
			return nil
		}
		return fmt.Errorf("%w: unexpected %q", ErrInvalid, t)
	case string:
		writeString(buf, t)
	case json.Number:
		n, ok := new(big.Int).SetString(string(t), 10)
		if !ok || n.CmpAbs(maxSafe) > 0 {
			return fmt.Errorf("%w: %s", ErrFloat, t)
		}
		buf.WriteString(n.String())
	case bool:
		buf.WriteString(strconv.FormatBool(t))
	case nil:
		buf.WriteString("null")
	}
	return nil
}

func transformObject(dec *json.Decoder, buf *bytes.Buffer) error {
	type member struct {
		key string
		val []byte
	}
	var members []member
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		key := tok.(string)
		if seen[key] {
			return fmt.Errorf("%w: duplicate key %q", ErrInvalid, key)
		}
		seen[key] = true
		var vb bytes.Buffer
		if err := transformValue(dec, &vb); err != nil {
			return err
		}
		members = append(members, member{key, vb.Bytes()})
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	// RFC 8785 §3.2.3: sort by the UTF-16 code units of the key.
	sort.Slice(members, func(i, j int) bool {
		return lessUTF16(members[i].key, members[j].key)
	})
	buf.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeString(buf, m.key)
		buf.WriteByte(':')
		buf.Write(m.val)
	}
	buf.WriteByte('}')
	return nil
}

func lessUTF16(a, b string) bool {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return ua[i] < ub[i]
		}
	}
	return len(ua) < len(ub)
}

// writeString writes s as an RFC 8785 string: only '"', '\\' and control
// characters are escaped, with the short forms where JSON has them.
func writeString(buf *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	buf.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			buf.WriteString(`\"`)
		case c == '\\':
			buf.WriteString(`\\`)
		case c == '\b':
			buf.WriteString(`\b`)
		case c == '\f':
			buf.WriteString(`\f`)
		case c == '\n':
			buf.WriteString(`\n`)
		case c == '\r':
			buf.WriteString(`\r`)
		case c == '\t':
			buf.WriteString(`\t`)
		case c < 0x20:
			buf.WriteString(`\u00`)
			buf.WriteByte(hex[c>>4])
			buf.WriteByte(hex[c&0xf])
		default:
			buf.WriteByte(c)
		}
	}
	buf.WriteByte('"')
}
