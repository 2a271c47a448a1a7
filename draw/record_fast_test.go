package draw

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/shuangsuiji/ssj/internal/canon"
)

// sameDecode checks that DecodeRecord's fast path changes nothing: with
// and without it, data decodes to deep-equal records or is refused with
// the same error (text, ErrUnreadable or ErrMismatch).
func sameDecode(t testing.TB, name string, data []byte) {
	t.Helper()
	rf, ef := decodeRecord(data, true)
	rs, es := decodeRecord(data, false)
	if (ef == nil) != (es == nil) || ef != nil && (ef.Error() != es.Error() ||
		errors.Is(ef, ErrUnreadable) != errors.Is(es, ErrUnreadable) || errors.Is(ef, ErrMismatch) != errors.Is(es, ErrMismatch)) {
		t.Fatalf("%s: fast path error %v, general path error %v\ndocument:\n%s", name, ef, es, clip(data))
	}
	if !reflect.DeepEqual(rf, rs) {
		t.Fatalf("%s: the fast and general paths decode different records\ndocument:\n%s", name, clip(data))
	}
}

func clip(b []byte) string {
	if len(b) > 4000 {
		return string(b[:4000]) + "…"
	}
	return string(b)
}

// fastRecords returns published records (MarshalRecord's form) that the
// fast path takes: a stratified draw, the same with selections whose
// strings the encoder escapes or writes unusually, and the test vectors'
// records (batches, groups, replacements, a lock, SM3).
func fastRecords(t testing.TB) map[string][]byte {
	t.Helper()
	pool := dtPool(300, 3)
	m, err := Commit(dtTask(), pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, ev := dtSources()
	rec, err := Run(m, ev, pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Selected) < 10 {
		t.Fatalf("only %d selections", len(rec.Selected))
	}
	out := map[string][]byte{}
	b, err := MarshalRecord(&rec)
	if err != nil {
		t.Fatal(err)
	}
	out["draw"] = b
	odd := []string{`A"B`, `C\D`, "tab\there", "nl\nx", "\x01\x1f\x7f", "\b\f\r", "a\u2028b\u2029", "<&>", "“引号”", "😀", "\ufffd",
		"", `\u0041`, `\\\"`, `"`, `\`, "end\\", "广州\"骏达\"", "\u00e9\u0301", "\u200b"}
	rec.Selected = rec.Selected[:6] // small: the mutation test changes every byte of the list
	for i, s := range odd {
		sel := &rec.Selected[i/4]
		switch i % 4 {
		case 0:
			sel.Name = s
		case 1:
			sel.Target = s
		case 2:
			sel.Stratum = s
		case 3:
			sel.Rank = s
		}
	}
	if b, err = MarshalRecord(&rec); err != nil {
		t.Fatal(err)
	}
	out["odd strings"] = b
	for _, f := range []string{"vectors/05-record.json", "vectors/07-record.json", "vectors-sm/05-record.json",
		"vectors-sm/07-record.json", "uplift/record.json", "joint/record.json"} {
		b, err := os.ReadFile("testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = b
	}
	return out
}

func TestDecodeRecordFastTakesPublishedRecords(t *testing.T) {
	for name, b := range fastRecords(t) {
		if _, ok := decodeRecordFast(b); !ok {
			t.Errorf("%s: the fast path does not take it", name)
		}
		sameDecode(t, name, b)
	}
}

// TestDecodeRecordFastEdits: records edited so that the fast path must
// step aside (whitespace, member order, escapes, a repeated or unknown
// member, numbers, another format...), some of them accepted by the
// general path (same canonical form), some refused.
func TestDecodeRecordFastEdits(t *testing.T) {
	recs := fastRecords(t)
	base := recs["draw"]
	sel := bytes.Index(base, []byte(selKey))
	edits := map[string]func([]byte) []byte{
		"BOM":              func(b []byte) []byte { return append([]byte("\ufeff"), b...) },
		"BOM twice":        func(b []byte) []byte { return append([]byte("\ufeff\ufeff"), b...) },
		"leading space":    func(b []byte) []byte { return append([]byte(" \n\t"), b...) },
		"no final newline": func(b []byte) []byte { return bytes.TrimRight(b, "\n") },
		"trailing data":    func(b []byte) []byte { return append(b, "{}"...) },
		"trailing NBSP":    func(b []byte) []byte { return append(b, "\u00a0"...) },
		"CRLF":             func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")) },
		"tabs":             func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("  "), []byte("\t")) },
		"compact": func(b []byte) []byte {
			var c bytes.Buffer
			if err := compactJSON(&c, b); err != nil {
				panic(err)
			}
			return c.Bytes()
		},
		"members swapped": func(b []byte) []byte {
			return replaceNth(b, "\"target\": \"", "\"Target\": \"", 1)
		},
		"escaped letter":  func(b []byte) []byte { return replaceNth(b, "\"rank\": \"", "\"rank\": \"\\u0030", 2) },
		"escaped slash":   func(b []byte) []byte { return replaceNth(b, "\"stratum\": \"", "\"stratum\": \"\\/", 3) },
		"unknown member":  func(b []byte) []byte { return replaceNth(b, "\"rank\": ", "\"x\": 1,\n      \"rank\": ", 2) },
		"repeated member": func(b []byte) []byte { return replaceNth(b, "\"rank\": ", "\"rank\": \"0\",\n      \"rank\": ", 2) },
		"null selection": func(b []byte) []byte {
			return replaceNth(b, "\n    {\n      \"target\"", "\n    null,\n    {\n      \"target\"", 2)
		},
		"number name":    func(b []byte) []byte { return replaceNth(b, "\"name\": \"", "\"name\": 1, \"n\": \"", 1) },
		"selected empty": func(b []byte) []byte { return cutSelectedText(b, "[]") },
		"selected null":  func(b []byte) []byte { return cutSelectedText(b, "null") },
		"selected twice": func(b []byte) []byte {
			return append(b[:sel:sel], append([]byte(string(b[sel:len(b)-3])+",\n  \"selected\": []\n}\n"), []byte{}...)...)
		},
		"selected repeated": func(b []byte) []byte {
			return []byte(strings.Replace(string(b), "\n  \"quota\": ", "\n  \"selected\": [],\n  \"quota\": ", 1))
		},
		"Selected": func(b []byte) []byte { return []byte(strings.Replace(string(b), selKey, "\n  \"Selected\": ", 1)) },
		"format":   func(b []byte) []byte { return []byte(strings.Replace(string(b), RecordFormat, "ssj-v1-record", 1)) },
		"big number": func(b []byte) []byte {
			return []byte(strings.Replace(string(b), "\"quota\": ", "\"quota\": 9007199254740993", 1))
		},
		"float": func(b []byte) []byte {
			return []byte(strings.Replace(string(b), "\"shortfall\": 0", "\"shortfall\": 0.0", 1))
		},
		"exponent": func(b []byte) []byte {
			return []byte(strings.Replace(string(b), "\"shortfall\": 0", "\"shortfall\": 0e0", 1))
		},
		"negative zero": func(b []byte) []byte {
			return []byte(strings.Replace(string(b), "\"shortfall\": 0", "\"shortfall\": -0", 1))
		},
		"manifest invalid": func(b []byte) []byte {
			return []byte(strings.Replace(string(b), "\"algorithm\": \"ssj-v1\"", "\"algorithm\": \"ssj-v0\"", 1))
		},
		"truncated":         func(b []byte) []byte { return b[:len(b)*2/3] },
		"not UTF-8":         func(b []byte) []byte { return replaceNth(b, "\"name\": \"", "\"name\": \"\xff", 2) },
		"raw U+2028":        func(b []byte) []byte { return replaceNth(b, "\"name\": \"", "\"name\": \"\u2028", 2) },
		"raw control":       func(b []byte) []byte { return replaceNth(b, "\"name\": \"", "\"name\": \"\x01", 2) },
		"escaped U+2028":    func(b []byte) []byte { return replaceNth(b, "\"name\": \"", "\"name\": \"\\u2028", 2) },
		"upper-case escape": func(b []byte) []byte { return replaceNth(b, "\"name\": \"", "\"name\": \"\\u001F", 2) },
		"escaped quote":     func(b []byte) []byte { return replaceNth(b, "\"name\": \"", "\"name\": \"\\\"", 2) },
		"bad escape":        func(b []byte) []byte { return replaceNth(b, "\"name\": \"", "\"name\": \"\\x", 2) },
		"element unclosed":  func(b []byte) []byte { return replaceNth(b, "\n    },\n    {", "\n    ,\n    {", 2) },
		"array close moved": func(b []byte) []byte {
			return []byte(strings.Replace(string(b), "\"\n    }\n  ]", "\"\n    }\n  ]]", 1))
		},
		"element indent": func(b []byte) []byte { return replaceNth(b, "\n    },\n    {", "\n    },\n     {", 2) },
		"last element comma": func(b []byte) []byte {
			return []byte(strings.Replace(string(b), "\"\n    }\n  ]", "\"\n    },\n  ]", 1))
		},
	}
	for name, edit := range edits {
		sameDecode(t, name, edit(bytes.Clone(base)))
	}
	for name, b := range recs {
		for ename, edit := range map[string]func([]byte) []byte{
			"CRLF": edits["CRLF"], "compact": edits["compact"], "Selected": edits["Selected"], "escaped letter": edits["escaped letter"],
		} {
			sameDecode(t, name+", "+ename, edit(bytes.Clone(b)))
		}
	}
}

// replaceNth replaces the n-th (from 1) occurrence of old in b.
func replaceNth(b []byte, old, new string, n int) []byte {
	at := 0
	for range n {
		i := bytes.Index(b[at:], []byte(old))
		if i < 0 {
			return b
		}
		at += i + 1
	}
	at--
	return append(append(b[:at:at], new...), b[at+len(old):]...)
}

// cutSelectedText replaces the selected array's text with repl.
func cutSelectedText(b []byte, repl string) []byte {
	i := bytes.Index(b, []byte(selKey)) + len(selKey)
	j := i + bytes.Index(b[i:], []byte("}"+selClose)) + len("}"+selClose)
	return append(append(b[:i:i], repl...), b[j:]...)
}

// compactJSON is json.Compact (kept apart to name it in the edits).
func compactJSON(dst *bytes.Buffer, b []byte) error {
	return jsonCompact(dst, b)
}

// TestDecodeRecordFastMutations changes every byte of the selected list
// (and around it) of a small record in several ways, with the list cut
// into parts of a few elements, at GOMAXPROCS 1, 2 and 8: the fast path
// must agree with the general one on every variant.
func TestDecodeRecordFastMutations(t *testing.T) {
	base := fastRecords(t)["odd strings"]
	i := bytes.Index(base, []byte(selKey))
	j := i + bytes.Index(base[i:], []byte("}"+selClose)) + len("}"+selClose)
	lo, hi := max(0, i-40), min(len(base), j+40)
	if testing.Short() {
		hi = min(hi, lo+600)
	}
	defer func(n int) { minSelPart = n }(minSelPart)
	minSelPart = 100
	for _, procs := range []int{1, 2, 8} {
		prev := runtime.GOMAXPROCS(procs)
		rf, err := decodeRecord(base, true)
		if err != nil {
			t.Fatal(err)
		}
		rs, _ := decodeRecord(base, false)
		if !reflect.DeepEqual(rf, rs) {
			t.Fatalf("GOMAXPROCS %d: the parts decode differently", procs)
		}
		runtime.GOMAXPROCS(prev)
	}
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	// Where the fast path steps aside, DecodeRecord is the general path by
	// construction: only the variants it takes need the comparison.
	taken := 0
	check := func(name string, b []byte) {
		if _, ok := decodeRecordFast(b); ok {
			taken++
			sameDecode(t, name, b)
		}
	}
	subs := []string{"", "\"", "\\", "\n", "}", "x", "\x00", "\u2028", "\\\"", "\\u0041"}
	for p := lo; p < hi; p++ {
		for _, s := range subs {
			check(fmt.Sprintf("byte %d replaced by %q", p, s), append(append(bytes.Clone(base[:p]), s...), base[p+1:]...))
			check(fmt.Sprintf("%q inserted at %d", s, p), append(append(bytes.Clone(base[:p]), s...), base[p:]...))
		}
	}
	t.Logf("%d variants taken by the fast path", taken)
}

// FuzzDecodeRecordFast compares DecodeRecord with and without its fast
// path on arbitrary documents, seeded with published records (the fuzzer
// mutates them into near misses of the exact form).
func FuzzDecodeRecordFast(f *testing.F) {
	recs := fastRecords(f)
	for _, name := range []string{"odd strings", "vectors/07-record.json"} {
		f.Add(recs[name])
	}
	f.Add([]byte(`{"selected": []}`))
	prev := minSelPart
	f.Cleanup(func() { minSelPart = prev })
	minSelPart = 200
	f.Fuzz(func(t *testing.T, data []byte) {
		sameDecode(t, "fuzz", data)
	})
}

func jsonCompact(dst *bytes.Buffer, b []byte) error { return json.Compact(dst, b) }

// TestSameRecordBytesShortcut: leaving equal selected lists out of the
// comparison (marshalBoth) changes no verdict of sameRecordBytes: records
// are the same exactly when json.Marshal of both whole records gives the
// same canonical bytes.
func TestSameRecordBytesShortcut(t *testing.T) {
	rec, err := decodeRecord(fastRecords(t)["draw"], true)
	if err != nil {
		t.Fatal(err)
	}
	edits := map[string]func(r *Record){
		"same":              func(r *Record) {},
		"nil selected":      func(r *Record) { r.Selected = nil },
		"empty selected":    func(r *Record) { r.Selected = []Selection{} },
		"one fewer":         func(r *Record) { r.Selected = r.Selected[:len(r.Selected)-1] },
		"rank":              func(r *Record) { r.Selected[3].Rank = "00" },
		"name bad UTF-8":    func(r *Record) { r.Selected[0].Name = "a\xffb" },
		"name U+FFFD":       func(r *Record) { r.Selected[0].Name = "a\ufffdb" },
		"quota":             func(r *Record) { r.Quota++ },
		"no batches":        func(r *Record) { r.Batches = nil },
		"empty exclusions":  func(r *Record) { r.Exclusions = []ExclusionCount{} },
		"nil exclusions":    func(r *Record) { r.Exclusions = nil },
		"stratum selected":  func(r *Record) { r.Strata[0].Selected++ },
		"format":            func(r *Record) { r.Format = "x" },
		"selected and rest": func(r *Record) { r.Selected[1].Target = "x"; r.Quota++ },
	}
	clone := func(r Record) Record {
		if r.Selected != nil {
			r.Selected = slices.Clone(r.Selected)
		}
		return r
	}
	for na, ea := range edits {
		for nb, eb := range edits {
			a, b := clone(rec), clone(rec)
			ea(&a)
			eb(&b)
			got := sameRecordBytes(&a, &b)
			want := wholeRecordsEqual(t, &a, &b)
			if (got == nil) != want {
				t.Errorf("%s vs %s: %v, but the whole records' canonical bytes equal: %v", na, nb, got, want)
			}
			var ve *VerifyError
			if got != nil && !errors.As(got, &ve) {
				t.Errorf("%s vs %s: %v is not a *VerifyError", na, nb, got)
			}
		}
	}
}

// wholeRecordsEqual reports whether json.Marshal of a and b, in canonical
// form, are the same bytes (the reference verdict for sameRecordBytes).
func wholeRecordsEqual(t *testing.T, a, b *Record) bool {
	t.Helper()
	ja, erra := json.Marshal(a)
	jb, errb := json.Marshal(b)
	if erra != nil || errb != nil {
		t.Fatal(erra, errb)
	}
	ca, erra := canon.Transform(ja)
	cb, errb := canon.Transform(jb)
	if erra != nil || errb != nil {
		t.Fatal(erra, errb)
	}
	return bytes.Equal(ca, cb)
}

// TestDecodeRecordFastProcs: a record large enough to be cut into parts
// (minSelPart as in production) decodes to the same Record at GOMAXPROCS
// 1, 2 and 8, and to the general path's.
func TestDecodeRecordFastProcs(t *testing.T) {
	data := benchRecordJSON(t, 12_000) // ~2.5 MB
	want, err := decodeRecord(data, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, procs := range []int{1, 2, 8} {
		prev := runtime.GOMAXPROCS(procs)
		i := bytes.Index(data, []byte(selKey)) + len(selKey) + len(selOpen)
		j := i + bytes.Index(data[i:], []byte("}"+selClose)) + 1
		if n := len(cutSelected(data[i:j], procs)); procs > 1 && n < 2 {
			t.Errorf("GOMAXPROCS %d: %d part", procs, n)
		}
		got, err := decodeRecord(data, true)
		runtime.GOMAXPROCS(prev)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("GOMAXPROCS %d: the fast path decodes differently (%v)", procs, err)
		}
	}
}

// TestRecordHashIsCanonicalMarshal: RecordHash (MarshalRecord, then the
// canonical form) is H of canon.Marshal of the record without its lock and
// replacements, the definition in the spec, for every record of
// fastRecords (escaped strings, vectors, SM suite, joint, uplift).
func TestRecordHashIsCanonicalMarshal(t *testing.T) {
	recs := fastRecords(t)
	hashed := 0
	for _, name := range slices.Sorted(maps.Keys(recs)) {
		rec, err := DecodeRecord(bytes.NewReader(recs[name]))
		if err != nil {
			continue // an edited document that is no record
		}
		hashed++
		got, err := RecordHash(&rec)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c := rec
		c.Lock, c.Replacements = nil, nil
		b, err := canon.Marshal(&c)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := recordSuite(&rec)
		if err != nil {
			t.Fatal(err)
		}
		if want := hexSum(cs, b); got != want {
			t.Errorf("%s: RecordHash %s, canon.Marshal gives %s", name, got, want)
		}
	}
	if hashed < 5 {
		t.Fatalf("only %d of %d documents are records", hashed, len(recs))
	}
	t.Logf("%d records hashed", hashed)
}
