package registry

import (
	"encoding/csv"
	"io"
	"slices"
	"strings"
	"testing"
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
	f.Fuzz(func(t *testing.T, s string) { checkSameCSV(t, s) })
}
