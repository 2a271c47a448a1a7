package canon

import (
	"errors"
	"testing"
)

func TestTransform(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"b":1,"a":[true,false,null]}`, `{"a":[true,false,null],"b":1}`},
		{` { "z" : "x" , "y":{"d":-0,"c":"\u00e9<>&\u2028"} } `, `{"y":{"c":"é<>&` + "\u2028" + `","d":0},"z":"x"}`},
		{`"\u0001\n\"\\/"`, `"\u0001\n\"\\/"`},
		{`9007199254740992`, `9007199254740992`},
		// RFC 8785 §3.2.3 sorts by UTF-16 code units: U+10000 (D800 DC00) sorts before U+E000.
		{`{"\ue000":1,"\ud800\udc00":2}`, `{"` + "\U00010000" + `":2,"` + "\ue000" + `":1}`},
		{`{"a":"中文","A":1}`, `{"A":1,"a":"中文"}`},
	}
	for _, c := range cases {
		got, err := Transform([]byte(c.in))
		if err != nil {
			t.Fatalf("Transform(%s): %v", c.in, err)
		}
		if string(got) != c.want {
			t.Errorf("Transform(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestTransformRejects(t *testing.T) {
	cases := []struct {
		in   string
		want error
	}{
		{`1.5`, ErrFloat},
		{`1e3`, ErrFloat},
		{`9007199254740993`, ErrFloat},
		{`{"a":1,"a":2}`, ErrInvalid},
		{`{"a":1} x`, ErrInvalid},
		{`[1,`, ErrInvalid},
		{"\"\xff\"", ErrInvalid},
	}
	for _, c := range cases {
		_, err := Transform([]byte(c.in))
		if !errors.Is(err, c.want) {
			t.Errorf("Transform(%q) error = %v, want %v", c.in, err, c.want)
		}
	}
}

func TestMarshal(t *testing.T) {
	type s struct {
		Z string `json:"z"`
		A int    `json:"a"`
	}
	got, err := Marshal(s{Z: "<&>", A: 3})
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `{"a":3,"z":"<&>"}` {
		t.Errorf("Marshal = %s", got)
	}
	if _, err := Marshal(2.5); !errors.Is(err, ErrFloat) {
		t.Errorf("Marshal(2.5) error = %v", err)
	}
}

func FuzzTransform(f *testing.F) {
	f.Add([]byte(`{"b":[1,"x",{"c":null}],"a":true}`))
	f.Add([]byte(`"\u00e9"`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := Transform(data)
		if err != nil {
			return
		}
		again, err := Transform(out)
		if err != nil {
			t.Fatalf("canonical output does not re-parse: %v (%q)", err, out)
		}
		if string(again) != string(out) {
			t.Fatalf("not idempotent: %q -> %q", out, again)
		}
	})
}
