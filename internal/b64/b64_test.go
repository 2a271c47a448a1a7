package b64

import (
	"encoding/base64"
	"errors"
	"testing"
)

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" with err
		err  bool
	}{
		{"", "", false},
		{"AAEC", "\x00\x01\x02", false},
		{"aGk=", "hi", false},
		{"aGl=", "", true}, // padding bits not zero
		{"aGk", "", true},  // no padding
		{"aG\rk=", "", true},
		{"aGk=\n", "", true},
		{"\naGk=", "", true},
		{"aG k=", "", true},
		{"aGk-", "", true}, // URL alphabet
	} {
		got, err := Decode(tc.in)
		if tc.err != (err != nil) || string(got) != tc.want {
			t.Errorf("Decode(%q) = %q, %v", tc.in, got, err)
		}
	}
	if _, err := Decode("aG\rk="); !errors.Is(err, ErrLineBreak) {
		t.Errorf("Decode with a carriage return: %v, want ErrLineBreak", err)
	}
}

// FuzzDecode: what decodes re-encodes to the same text.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "aGk=", "aG\rk=", "AAAA\nAAAA", "aGl="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := Decode(s)
		if err != nil {
			return
		}
		if e := base64.StdEncoding.EncodeToString(b); e != s {
			t.Fatalf("Decode(%q) re-encodes as %q", s, e)
		}
	})
}
