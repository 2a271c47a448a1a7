package registry

import (
	"errors"
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
		for {
			i := strings.IndexByte(line, ',')
			if i < 0 {
				p.fields = append(p.fields, line)
				return start, p.fields, false, nil
			}
			p.fields = append(p.fields, line[:i])
			line = line[i+1:]
		}
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
