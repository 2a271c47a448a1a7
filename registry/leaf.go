package registry

import (
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/shuangsuiji/ssj/internal/canon"
)

// This file is the hand-rolled encoder of the canonical leaf bytes. It
// writes exactly what canon.Marshal writes for the leaf structs documented
// on TargetLeaf and InspectorLeaf (RFC 8785: members sorted by key, no
// whitespace, strings escaped only where JSON requires, integers in
// decimal), without reflection or intermediate buffers, because committing a
// pool of millions of targets must take well under a second. leaf_test.go
// proves the equality with a table test and a fuzz test.

// Keys are ASCII, so byte order equals the UTF-16 order RFC 8785 §3.2.3
// requires; the literals below are written in that order.

// AppendTargetLeaf appends the canonical leaf bytes of t (see TargetLeaf)
// to dst and returns the extended slice.
func AppendTargetLeaf(dst []byte, t *Target) ([]byte, error) {
	if c := int64(t.Complaints); c > maxSafeInt || c < -maxSafeInt {
		return dst, fmt.Errorf("registry: target %q: complaints %d: %w", t.ID, t.Complaints, canon.ErrFloat)
	}
	dst = append(dst, `{"abnormal":`...)
	dst = strconv.AppendBool(dst, t.Abnormal)
	dst = append(dst, `,"complaints":`...)
	dst = strconv.AppendInt(dst, int64(t.Complaints), 10)
	dst = append(dst, `,"credit_class":`...)
	dst = appendString(dst, t.CreditClass)
	dst = append(dst, `,"departments":[`...)
	for i, d := range t.Departments {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, d)
	}
	dst = append(dst, `],"id":`...)
	dst = appendString(dst, t.ID)
	dst = append(dst, `,"industry":`...)
	dst = appendString(dst, t.Industry)
	dst = append(dst, `,"jurisdiction":`...)
	dst = appendString(dst, t.Jurisdiction)
	dst = append(dst, `,"kind":`...)
	dst = appendString(dst, string(t.Kind))
	dst = append(dst, `,"serious_violation":`...)
	dst = strconv.AppendBool(dst, t.SeriousViolation)
	dst = append(dst, `,"status":`...)
	dst = appendString(dst, string(t.Status))
	return append(dst, '}'), nil
}

// AppendInspectorLeaf appends the canonical leaf bytes of in (see
// InspectorLeaf) to dst and returns the extended slice.
func AppendInspectorLeaf(dst []byte, in *Inspector) ([]byte, error) {
	dst = append(dst, `{"active":`...)
	dst = strconv.AppendBool(dst, in.Active)
	dst = append(dst, `,"cert":`...)
	dst = appendString(dst, in.Cert)
	dst = append(dst, `,"department":`...)
	dst = appendString(dst, in.Department)
	dst = append(dst, `,"interests":[`...)
	for i, it := range in.Interests {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"relation":`...)
		dst = appendString(dst, string(it.Relation))
		dst = append(dst, `,"target_id":`...)
		dst = appendString(dst, it.TargetID)
		dst = append(dst, '}')
	}
	dst = append(dst, `],"jurisdiction":`...)
	dst = appendString(dst, in.Jurisdiction)
	dst = append(dst, `,"leader_eligible":`...)
	dst = strconv.AppendBool(dst, in.LeaderEligible)
	dst = append(dst, `,"qualifications":[`...)
	for i, q := range in.Qualifications {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, q)
	}
	dst = append(dst, `],"unavailable":[`...)
	for i, p := range in.Unavailable {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"from":"`...)
		dst = appendTimeString(dst, p.From)
		dst = append(dst, `","reason":`...)
		dst = appendString(dst, p.Reason)
		dst = append(dst, `,"to":"`...)
		dst = appendTimeString(dst, p.To)
		dst = append(dst, `"}`...)
	}
	dst = append(dst, `],"unit":`...)
	dst = appendString(dst, in.Unit)
	return append(dst, '}'), nil
}

// appendTimeString appends t in UTC with timeLayout. A formatted time is
// plain ASCII without quotes, backslashes or controls, so needs no escaping.
func appendTimeString(dst []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(dst, timeLayout)
}

// appendString appends s as an RFC 8785 string with the same result as
// canon.Marshal: encoding/json first replaces each byte of invalid UTF-8
// with U+FFFD; canonical form then escapes only '"', '\\' and the C0
// controls (short forms \b \f \n \r \t where JSON has them).
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	open := len(dst)
	start := 0
	checked := false // the rest of s from the first non-ASCII byte is valid UTF-8
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			continue
		}
		if c >= utf8.RuneSelf {
			if !checked {
				if !utf8.ValidString(s[i:]) {
					return appendInvalidString(dst[:open], s)
				}
				checked = true
			}
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = appendEscape(dst, c)
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendInvalidString is appendString's path for invalid UTF-8.
func appendInvalidString(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, "\uFFFD"...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		if c < 0x20 || c == '"' || c == '\\' {
			dst = append(dst, s[start:i]...)
			dst = appendEscape(dst, c)
			start = i + 1
		}
		i++
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendEscape appends the RFC 8785 escape of an ASCII byte that needs one.
func appendEscape(dst []byte, c byte) []byte {
	const hex = "0123456789abcdef"
	switch c {
	case '"':
		return append(dst, `\"`...)
	case '\\':
		return append(dst, `\\`...)
	case '\b':
		return append(dst, `\b`...)
	case '\f':
		return append(dst, `\f`...)
	case '\n':
		return append(dst, `\n`...)
	case '\r':
		return append(dst, `\r`...)
	case '\t':
		return append(dst, `\t`...)
	}
	return append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
}
