package trail

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// The trail file format is published: the fixture's bytes are pinned, so a
// change to hashing, canonical JSON or line layout shows up here.
func TestFileFormatGolden(t *testing.T) {
	l, _ := fixture(t)
	got := l.MarshalJSONL()
	path := filepath.Join("testdata", "fixture.golden.jsonl")
	if *update {
		os.WriteFile(path, got, 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("trail file format changed:\n%s", got)
	}
	rep, err := Verify(bytes.NewReader(want), VerifyOptions{Anchors: []Checkpoint{l.Head()}})
	if err != nil || !rep.OK {
		t.Fatalf("golden file does not verify: %+v %v", rep.Problem, err)
	}
}
