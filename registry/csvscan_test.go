package registry

import (
	"encoding/csv"
	"io"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

type csvRec struct {
	line   int
	fields []string
}

func stdCSV(s string) ([]csvRec, error) {
	r := csv.NewReader(strings.NewReader(s))
	r.FieldsPerRecord = -1
	var out []csvRec
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		line, _ := r.FieldPos(0)
		out = append(out, csvRec{line, slices.Clone(rec)})
	}
}

func scanCSV(s string) ([]csvRec, error) {
	p := &strCSV{s: s}
	var out []csvRec
	for {
		line, rec, done, err := p.next()
		if done {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, csvRec{line, slices.Clone(rec)})
	}
}

func checkSameCSV(t *testing.T, s string) {
	t.Helper()
	want, werr := stdCSV(s)
	got, gerr := scanCSV(s)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("%q: encoding/csv error %v, strCSV error %v", s, werr, gerr)
	}
	if len(got) != len(want) {
		t.Fatalf("%q: %d records, encoding/csv %d:\n%v\n%v", s, len(got), len(want), got, want)
	}
	for i := range want {
		if got[i].line != want[i].line || !slices.Equal(got[i].fields, want[i].fields) {
			t.Fatalf("%q: record %d = %d %q, encoding/csv %d %q", s, i, got[i].line, got[i].fields, want[i].line, want[i].fields)
		}
	}
}

var csvCases = []string{
	"", "\n", "a", "a\n", "a,b\nc", "a,,b,\n", "\n\na\n\n\nb\n", "a\r\nb\r\n", "a\r", "a\r\r\n", "\r\n\r\n",
	`"a","b"` + "\n", `"a""b",c`, `"a` + "\n" + `b",c` + "\n", `"a` + "\r\n" + `b"`, `"ab`, `"a"b`, `a"b`, `"a" ,b`,
	`"",""`, `""""`, `"a""` + "\n" + `""b"`, `"x"` + "\r", "a,\"b\r\nc\"\r\nd", "\"\n\"", "x,\"\n\n\",y\n", "\"a\"\r\rb",
	"中文,\"引号\"\"\",x\n", "a\rb,c\n",
	// lines without a quote between lines with one (the quote-free fast path)
	"a,b,c\nd,\"e\",f\ng,h", "a,b\"\n,c\n", ",,\n,", "x,\"y\nz\",w\nq,r\n", "a,b\r\nc,,\r\n",
}

func TestStrCSVMatchesEncodingCSV(t *testing.T) {
	for _, s := range csvCases {
		checkSameCSV(t, s)
	}
}

func FuzzStrCSV(f *testing.F) {
	for _, s := range csvCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkSameCSV(t, s)
		checkLineCount(t, s)
	})
}

// splitCommas cuts as strings.Split does, commas at every position of an
// eight-byte word, next to UTF-8 and to bytes one away from a comma ('+',
// '-') included.
func TestSplitCommas(t *testing.T) {
	cases := []string{"", ",", ",,", "a", "a,b", "HD-440104-2026-0001,x", "a-,-b,+,+", "中文,引号,x", ",,,,,,,,,,,,,,,,,",
		"91440103MAT410000M,广州荔湾宾馆有限公司,entity,440103,H6110,B,false,false,0,active,治安;出入境;消防"}
	for n := range 20 {
		for k := range n {
			b := []byte(strings.Repeat("-", n))
			b[k] = ','
			cases = append(cases, string(b), string(b)+",", ","+string(b))
		}
	}
	for _, s := range cases {
		sameSplit(t, s)
	}
}

// sameSplit checks splitCommas against the search loop it replaces,
// the fields' addresses included.
func sameSplit(t *testing.T, s string) {
	t.Helper()
	var want []string
	for line := s; ; {
		i := strings.IndexByte(line, ',')
		if i < 0 {
			want = append(want, line)
			break
		}
		want = append(want, line[:i])
		line = line[i+1:]
	}
	got := splitCommas([]string{"keep"}, s)
	if got[0] != "keep" || !slices.Equal(got[1:], want) || !slices.Equal(got[1:], strings.Split(s, ",")) {
		t.Fatalf("%q: %q, want %q", s, got, want)
	}
	for k := range want {
		if unsafe.StringData(got[k+1]) != unsafe.StringData(want[k]) {
			t.Fatalf("%q: field %d at %p, want %p", s, k, unsafe.StringData(got[k+1]), unsafe.StringData(want[k]))
		}
	}
}

func FuzzSplitCommas(f *testing.F) {
	f.Add("a,b")
	f.Add("HD-440104-2026-0001,中文,,x")
	f.Fuzz(sameSplit)
}

// After reading every record, strCSV has counted one line per '\n' and
// one for text after the last (what ReadPool's parts take as their line
// count instead of counting the '\n' again).
func TestStrCSVLineCount(t *testing.T) {
	for _, s := range append(csvCases, "a\nb", "a\nb\n", "\r", "x\n\r", "\"a\nb\"", "a,b\n\n\n") {
		checkLineCount(t, s)
	}
}

func checkLineCount(t *testing.T, s string) {
	t.Helper()
	p := &strCSV{s: s}
	for {
		_, _, done, err := p.next()
		if err != nil {
			return // ReadPool counts the '\n' of a part with an error
		}
		if done {
			break
		}
	}
	lines := p.line
	if s != "" && s[len(s)-1] != '\n' {
		lines--
	}
	if lines != strings.Count(s, "\n") {
		t.Errorf("%q: %d lines, %d '\\n'", s, lines, strings.Count(s, "\n"))
	}
}
