package canon

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// sameTransform checks that Transform (fast path first) and transformSlow
// (json.Decoder's tokens) agree on data: the same bytes, or the same
// error; and that the fast path, when it answers, answers the same bytes.
func sameTransform(t testing.TB, data []byte) {
	t.Helper()
	got, gerr := Transform(data)
	var want []byte
	var werr error
	if utf8.Valid(data) {
		want, werr = transformSlow(data)
	} else {
		_, werr = Transform(data)
	}
	if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() || !bytes.Equal(got, want) {
		t.Fatalf("Transform(%q) = %q, %v; the decoder-based transform gives %q, %v", data, got, gerr, want, werr)
	}
	if utf8.Valid(data) {
		if out, ok := fastTransform(data); ok && (werr != nil || !bytes.Equal(out, want)) {
			t.Fatalf("fastTransform(%q) = %q; the decoder-based transform gives %q, %v", data, out, want, werr)
		}
	}
}

var trickyJSON = []string{
	// whitespace, empty, trailing data, BOM
	``, ` `, "\t\r\n 1 \n", `1 2`, `{}x`, `[] ]`, "\ufeff{}", `{} `, `  [ ] `, `[ 1 , 2 ]`,
	// literals
	`true`, `false`, `null`, `nul`, `truex`, `[true,false,null]`, `[tru]`, `True`,
	// numbers
	`0`, `-0`, `[-0,0,-1,1]`, `01`, `-`, `-01`, `1.0`, `1e21`, `1E2`, `1.5e3`, `-0.0`, `1.`, `.5`, `+1`,
	`9007199254740992`, `-9007199254740992`, `9007199254740993`, `-9007199254740993`, `10000000000000000`,
	`99999999999999999999`, `0009`, `[1,]`, `[,1]`, `1e`, `[-]`, `-a`, `123abc`, `0x10`,
	// strings and escapes
	`""`, `"a"`, `"\""`, `"\\"`, `"\/"`, `"\b\f\n\r\t"`, `"\u0000"`, `"\u001f"`, `"\u001F"`, `"\u0020"`,
	`"\u0041"`, `"\u00e9"`, `"\u00E9"`, `"\u2028\u2029"`, `"\ufffd"`, `"\uffff"`, `"\ud800\udc00"`,
	`"\ud83d\ude00"`, `"\ud800"`, `"\udc00"`, `"\ud800x"`, `"\ud800\u0041"`, `"\udc00\ud800"`, `"\u12"`,
	`"\u12g4"`, `"\x"`, `"\'"`, `"\a"`, "\"\t\"", "\"\x01\"", "\"\x7f\"", "\"é中文😀\"", "\"\u2028\"",
	`"abc`, `"abc\"`, `"\`, `"<>&"`, "\"\xef\xbf\xbd\"",
	// objects, key order, duplicates
	`{"b":1,"a":2}`, `{"a":1,"a":2}`, `{"a":1,"b":2,"a":3}`, `{"\u0061":1,"a":2}`, `{"a":1,"A":2}`,
	`{"\ue000":1,"\ud800\udc00":2}`, `{"😀":1,"\uffff":2,"z":3,"":4}`, `{"":1,"":2}`, `{"a" 1}`,
	`{"a":}`, `{a:1}`, `{"a":1,}`, `{,"a":1}`, `{"a":1 "b":2}`, `{"a":{"c":1,"b":2},"0":[{"y":1,"x":2}]}`,
	`{"é":1,"e":2,"f":3}`, `{"ab":1,"a":2,"abc":3}`, `{"b\n":1,"b\t":2,"\"":3}`, `{"\u0000":1}`,
	`{"a":[],"b":{},"c":""}`, `[{}]`, `{"a":1}}`, `{"a":[1}`, `[{"a":1]`,
}

func TestTransformFastAgrees(t *testing.T) {
	for _, s := range trickyJSON {
		sameTransform(t, []byte(s))
	}
	// Deep nesting, around the fast path's bound and json.Decoder's.
	for _, n := range []int{maxFastDepth - 1, maxFastDepth, maxFastDepth + 1, 10001} {
		sameTransform(t, []byte(strings.Repeat("[", n)+strings.Repeat("]", n)))
		sameTransform(t, []byte(strings.Repeat(`{"a":`, n)+"1"+strings.Repeat("}", n)))
	}
	// Documents encoding/json writes, as ssj publishes them.
	v := map[string]any{"z": []any{1, -2, "x\u2028y", nil, true}, "é": map[string]int{"b": 1, "a": 2},
		"\U0001F600": "😀", "\uE000": 0, "ctl": "\x00\x1f\"\\", "html": "<&>"}
	for _, escape := range []bool{true, false} {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(escape)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		sameTransform(t, buf.Bytes())
	}
}

// TestTransformFastTakesCommonDocuments: the fast path answers for the
// documents ssj writes (so that they do not pay for the slow one).
func TestTransformFastTakesCommonDocuments(t *testing.T) {
	for _, s := range []string{`{"b":[1,-2,{"d":null,"c":true}],"a":"x\"\u00e9\ud83d\ude00"}`, `[]`, `"\u2028"`, `-0`} {
		if _, ok := fastTransform([]byte(s)); !ok {
			t.Errorf("the fast path does not take %s", s)
		}
	}
}

func FuzzTransformFast(f *testing.F) {
	for _, s := range trickyJSON {
		f.Add([]byte(s))
	}
	f.Add([]byte(fmt.Sprintf(`{"selected":[{"target":"91440106MAJU3KTE9H","name":"广州骏达","stratum":"A","rank":"%064x"}],"quota":1}`, 7)))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameTransform(t, data)
	})
}

// BenchmarkTransform measures Transform (fast path) and the decoder-based
// transform on a record-shaped document of 100,000 selections (json.Marshal
// of structs: members not in key order):
//
//	go test ./internal/canon -run '^$' -bench Transform -count 5
func BenchmarkTransform(b *testing.B) {
	type sel struct {
		Target, Name, Stratum, Rank string
	}
	doc := struct {
		Format   string `json:"format"`
		Quota    int    `json:"quota"`
		Selected []sel  `json:"selected"`
	}{Format: "ssj-v1.1-record", Quota: 100000}
	for i := range 100_000 {
		doc.Selected = append(doc.Selected, sel{fmt.Sprintf("91440106MA%08X", i), fmt.Sprintf("广州骏达金利网络科技%d有限公司", i), "ABCD"[i%4 : i%4+1], fmt.Sprintf("%064x", i*7919)})
	}
	data, err := json.Marshal(doc)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		f    func([]byte) ([]byte, error)
	}{{"fast", Transform}, {"decoder", transformSlow}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := c.f(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
