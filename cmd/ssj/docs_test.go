package main

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra/doc"
	"github.com/stretchr/testify/require"
)

//go:generate go test -run TestCLIReferenceUpToDate -update-docs

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/cli/ from the command tree")

const docsDir = "../../docs/cli"

// The Markdown reference under docs/cli/ is generated from the command
// tree (cobra/doc) and must match it: after changing a command, run
// go generate ./cmd/ssj (or go test ./cmd/ssj -run TestCLIReferenceUpToDate -update-docs).
func TestCLIReferenceUpToDate(t *testing.T) {
	root := newRoot(&env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard})
	root.DisableAutoGenTag = true
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	tmp := t.TempDir()
	require.NoError(t, doc.GenMarkdownTree(root, tmp))
	want := readTree(t, tmp)
	if *updateDocs {
		require.NoError(t, os.RemoveAll(docsDir))
		require.NoError(t, os.MkdirAll(docsDir, 0o755))
		for name, body := range want {
			require.NoError(t, os.WriteFile(filepath.Join(docsDir, name), body, 0o644))
		}
		return
	}
	got := readTree(t, docsDir)
	var names []string
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		g, ok := got[n]
		if !ok {
			t.Errorf("docs/cli/%s is missing: run go generate ./cmd/ssj", n)
			continue
		}
		if !bytes.Equal(g, want[n]) {
			t.Errorf("docs/cli/%s is out of date: run go generate ./cmd/ssj", n)
		}
		delete(got, n)
	}
	for n := range got {
		t.Errorf("docs/cli/%s documents no command: run go generate ./cmd/ssj", n)
	}
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return out
	}
	require.NoError(t, err)
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		out[e.Name()] = b
	}
	return out
}
