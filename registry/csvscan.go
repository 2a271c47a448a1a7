package registry

import (
	"errors"
	"math/bits"
	"strings"
)

// strCSV reads RFC 4180 records from one string with exactly the results
// of encoding/csv.Reader (comma ',', FieldsPerRecord -1, strict quotes,
// blank lines skipped, "\r\n" read as "\n"), but returns fields as
// substrings of the input, so that a million-row import makes no
// per-record allocation. Only a quoted field holding "" or a line break is
// copied. csvscan_test.go checks the equivalence with a differential fuzz
// test against encoding/csv.
type strCSV struct {
	s      string
	pos    int // offset of the next unread byte
	line   int // number of lines consumed so far
	fields []string
	buf    []byte
}

var (
	errBareQuote = errors.New(`bare " in non-quoted field`)
	errQuote     = errors.New(`extraneous or missing " in quoted field`)
)

// readLine returns the next line without its line ending ("\n" or
// "\r\n"; a final line without "\n" loses a trailing "\r", as in
// encoding/csv). ok is false at the end of input.
func (p *strCSV) readLine() (line string, ok bool) {
	if p.pos >= len(p.s) {
		return "", false
	}
	rest := p.s[p.pos:]
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		line, p.pos = rest[:i], p.pos+i+1
	} else {
		line, p.pos = rest, len(p.s)
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	p.line++
	return line, true
}

// next returns the line on which the next record starts and its fields
// (valid until the following call); done is true at the end of input.
func (p *strCSV) next() (start int, fields []string, done bool, err error) {
	var line string
	for {
		l, ok := p.readLine()
		if !ok {
			return 0, nil, true, nil
		}
		if l != "" {
			line = l
			break
		}
	}
	start = p.line
	p.fields = p.fields[:0]
	if strings.IndexByte(line, '"') < 0 {
		// No quote on the line (the common case): every field is
		// unquoted and ends at the next comma, exactly as the loop
		// below reads it, without a quote search per field.
		p.fields = splitCommas(p.fields, line)
		return start, p.fields, false, nil
	}
	for {
		if line == "" || line[0] != '"' {
			i := strings.IndexByte(line, ',')
			f := line
			if i >= 0 {
				f = line[:i]
			}
			if strings.IndexByte(f, '"') >= 0 {
				return start, nil, false, errBareQuote
			}
			p.fields = append(p.fields, f)
			if i < 0 {
				return start, p.fields, false, nil
			}
			line = line[i+1:]
			continue
		}
		line = line[1:]
		var field string
		copied := false
		p.buf = p.buf[:0]
		for {
			i := strings.IndexByte(line, '"')
			if i < 0 {
				// The field continues on the next line.
				p.buf = append(p.buf, line...)
				copied = true
				next, ok := p.readLine()
				if !ok {
					return start, nil, false, errQuote
				}
				p.buf = append(p.buf, '\n')
				line = next
				continue
			}
			rest := line[i+1:]
			if rest != "" && rest[0] == '"' {
				p.buf = append(p.buf, line[:i+1]...) // text and one quote
				copied = true
				line = rest[1:]
				continue
			}
			if copied {
				p.buf = append(p.buf, line[:i]...)
				field = string(p.buf)
			} else {
				field = line[:i]
			}
			line = rest
			break
		}
		p.fields = append(p.fields, field)
		switch {
		case line == "":
			return start, p.fields, false, nil
		case line[0] == ',':
			line = line[1:]
		default:
			return start, nil, false, errQuote
		}
	}
}

// splitCommas appends to fields the fields of line cut at every comma
// (strings.Split(line, ",")), finding the commas eight bytes at a time
// instead of with one search call per field (a row's fields are short).
// The fields are cut from the rest of the line as a search loop cuts
// them (rest[:i], then rest = rest[i+1:]), so that an empty field points
// where that loop points it (rawKey compares cells' addresses).
func splitCommas(fields []string, line string) []string {
	const (
		ones   = 0x0101010101010101
		low7   = 0x7f7f7f7f7f7f7f7f
		commas = ',' * ones
	)
	rest, at := line, 0 // rest is line[at:]
	i := 0
	for ; i+8 <= len(line); i += 8 {
		// The bytes of w that are commas are the zero bytes of x, found
		// exactly (no carry crosses a byte): the high bit of each byte
		// of m is set where x's byte is zero.
		x := load64(line, i) ^ commas
		m := ^((x&low7 + low7) | x | low7)
		for m != 0 {
			j := i + bits.TrailingZeros64(m)>>3 - at
			fields = append(fields, rest[:j])
			rest, at = rest[j+1:], at+j+1
			m &= m - 1
		}
	}
	for ; i < len(line); i++ {
		if line[i] == ',' {
			j := i - at
			fields = append(fields, rest[:j])
			rest, at = rest[j+1:], at+j+1
		}
	}
	return append(fields, rest)
}

// load64 returns the eight bytes of s from i on, the first the least
// significant (one load where the target allows it).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
