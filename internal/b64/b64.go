// Package b64 decodes the base64 fields ssj reads from files and records
// others wrote (hashes, keys, signatures) in their one spelling: padded
// standard base64, as ssj writes them.
//
// encoding/base64's decoder, even in strict mode, skips carriage returns
// and newlines inside its input, so "AAAA\rAAAA" decodes like "AAAAAAAA":
// a field with one inside would be taken for the field without it, and a
// signature or a line of a proof would have a second spelling that still
// verifies. Decode refuses them.
package b64

import (
	"encoding/base64"
	"errors"
	"strings"
)

// ErrLineBreak reports a carriage return or newline inside a base64 field.
var ErrLineBreak = errors.New("b64: carriage return or newline inside base64")

// Decode decodes s, padded standard base64 with zero padding bits
// (base64.StdEncoding.Strict), refusing a carriage return or newline
// anywhere in it (ErrLineBreak). Whatever it decodes re-encodes to s.
func Decode(s string) ([]byte, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, ErrLineBreak
	}
	return base64.StdEncoding.Strict().DecodeString(s)
}
