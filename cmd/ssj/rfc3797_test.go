package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

const rfcPool = "../../draw/testdata/rfc3797/pool.txt"

var rfcSection6 = []string{"--source", "9319", "--source", "2 5 12 8 10", "--source", "9 18 26 34 41 45"}

// DRAW.md §8: `ssj rfc3797` reproduces RFC 3797 section 6.
func TestRFC3797Command(t *testing.T) {
	golden, err := os.ReadFile("../../draw/testdata/rfc3797/section6-first10.golden")
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"rfc3797", "--pool", rfcPool, "--count", "10"}, rfcSection6...)
	code, out, stderr := runCLI(t, "", args...)
	if code != exitOK || out != string(golden) {
		t.Fatalf("code %d\nstdout:\n%s\nwant:\n%s\nstderr: %s", code, out, golden, stderr)
	}

	// The pool from stdin, with blank lines and CRLF, gives the same.
	pool, err := os.ReadFile(rfcPool)
	if err != nil {
		t.Fatal(err)
	}
	crlf := "\n" + strings.ReplaceAll(string(pool), "\n", "\r\n\r\n")
	args = append([]string{"rfc3797", "--pool", "-", "--count", "10"}, rfcSection6...)
	if code, out, stderr := runCLI(t, crlf, args...); code != exitOK || out != string(golden) {
		t.Fatalf("stdin pool: code %d, stdout %q, stderr %q", code, out, stderr)
	}

	// Numbers within a source may come in any order and with commas.
	args = []string{"rfc3797", "--pool", rfcPool, "--count", "10",
		"--source", "9319", "--source", "12,10,8,5,2", "--source", "45 41 34 26 18 9"}
	if code, out, _ := runCLI(t, "", args...); code != exitOK || out != string(golden) {
		t.Fatalf("reordered numbers: code %d, stdout %q", code, out)
	}
}

func TestRFC3797CommandJSON(t *testing.T) {
	args := append([]string{"rfc3797", "--pool", rfcPool, "--count", "3", "--json"}, rfcSection6...)
	code, out, stderr := runCLI(t, "", args...)
	if code != exitOK {
		t.Fatalf("code %d, stderr %s", code, stderr)
	}
	var got rfcOutput
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Key != "9319./2.5.8.10.12./9.18.26.34.41.45./" || got.PoolSize != 25 || len(got.Selections) != 3 {
		t.Fatalf("unexpected JSON: %s", out)
	}
	s := got.Selections[0]
	if s.Digest != "990DD0A5692A029A98B5E01AA28F3459" || s.Remaining != 25 || s.Position != 17 || s.Entry != "Lee" {
		t.Errorf("first step %+v", s)
	}
}

func TestRFC3797CommandErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := dir + "/" + name
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dup := write("dup.txt", "a\nb\n\na\n")
	space := write("space.txt", "a\n b\n")
	for _, c := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no pool", []string{"--source", "1", "--count", "1"}, exitUsage, "--pool FILE is required"},
		{"no source", []string{"--pool", rfcPool, "--count", "1"}, exitUsage, "at least one --source"},
		{"no count", []string{"--pool", rfcPool, "--source", "1"}, exitUsage, "--count must be at least 1"},
		{"extra arg", []string{"--pool", rfcPool, "--source", "1", "--count", "1", "more"}, exitUsage, `unexpected argument "more"`},
		{"bad source", []string{"--pool", rfcPool, "--source", "1", "--source", "3 -4", "--count", "1"}, exitUsage, `--source #2: bad lottery numbers: "3 -4": item 2 "-4"`},
		{"missing file", []string{"--pool", dir + "/none.txt", "--source", "1", "--count", "1"}, exitUsage, "none.txt"},
		{"count above pool", []string{"--pool", rfcPool, "--source", "1", "--count", "26"}, exitUsage, "count 26 is outside 1..25"},
		{"duplicate entry", []string{"--pool", dup, "--source", "1", "--count", "1"}, exitUsage, `dup.txt:4: pool entry "a" repeats line 1`},
		{"space", []string{"--pool", space, "--source", "1", "--count", "1"}, exitUsage, `space.txt:2: pool entry " b"`},
		{"unknown flag", []string{"--seed", "1"}, exitUsage, `unknown flag "--seed"`},
	} {
		code, out, stderr := runCLI(t, "", append([]string{"rfc3797"}, c.args...)...)
		if code != c.code || out != "" || !strings.Contains(stderr, c.msg) {
			t.Errorf("%s: code %d, stdout %q, stderr %q; want code %d mentioning %q", c.name, code, out, stderr, c.code, c.msg)
		}
	}
	// Help goes to stdout (issue 15).
	if code, stdout, _ := runCLI(t, "", "rfc3797", "-h"); code != exitOK || !strings.Contains(stdout, "usage: ssj rfc3797") {
		t.Errorf("-h: code %d, stdout %q", code, stdout)
	}
}
