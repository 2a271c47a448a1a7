package checkpoint_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/shuangsuiji/ssj/checkpoint"
)

func seed(f *testing.F, names ...string) {
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzParseBody: a body that parses re-encodes to the same bytes (one
// checkpoint, one written form).
func FuzzParseBody(f *testing.F) {
	seed(f, "trail-v1.checkpoint")
	f.Add([]byte("o\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := checkpoint.ParseBody(b)
		if err != nil {
			return
		}
		if !bytes.Equal(c.Body(), b) {
			t.Fatalf("parsed %q, re-encodes as %q", b, c.Body())
		}
	})
}

// FuzzOpen: no signed note makes Open panic, and whatever opens under the
// test keys is a checkpoint whose body is in the note.
func FuzzOpen(f *testing.F) {
	seed(f, "trail-v1.note", "trail-sm.note")
	ed, sm := keys(f)
	edV, smV, _, _ := vkeys(f, ed, sm)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, vs := range [][]checkpoint.Verifier{{edV}, {edV, smV}, {smV}} {
			c, err := checkpoint.Open(b, vs...)
			if err == nil && !bytes.HasPrefix(b, c.Body()) {
				t.Fatalf("opened %q from a note that does not start with it", c.Body())
			}
		}
	})
}

// FuzzParseVerifierKey: vkey lines are outside input.
func FuzzParseVerifierKey(f *testing.F) {
	seed(f, "ed25519.vkey", "sm2.vkey")
	f.Add([]byte("a+00000000+AQ=="))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := checkpoint.ParseVerifierKey(string(b))
		if err != nil {
			return
		}
		if v.Name() == "" || (v.Algorithm() != "ed25519" && v.Algorithm() != "sm2") {
			t.Fatalf("parsed a verifier with name %q algorithm %q", v.Name(), v.Algorithm())
		}
	})
}

// FuzzParseProof: a proof that parses re-encodes to the same bytes.
func FuzzParseProof(f *testing.F) {
	seed(f, "trail-sm-6-10.proof")
	f.Add([]byte("ssj-consistency-proof/1\nsuite ssj-v1\nold 0\nnew 0\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := checkpoint.ParseProof(b)
		if err != nil {
			return
		}
		if !bytes.Equal(p.Marshal(), b) {
			t.Fatalf("parsed %q, re-encodes as %q", b, p.Marshal())
		}
	})
}
