package verifier

import (
	"encoding/json"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFSHoldsEveryModule checks that FS holds the entry, every lib module
// and every file of third_party/FILES.txt (the @noble closure the browser
// loads), and that every relative import of the verifier's modules resolves
// inside FS.
func TestFSHoldsEveryModule(t *testing.T) {
	_, err := fs.Stat(FS, Entry)
	require.NoError(t, err)
	libs, err := os.ReadDir("lib")
	require.NoError(t, err)
	for _, e := range libs {
		if strings.HasSuffix(e.Name(), ".mjs") {
			_, err := fs.Stat(FS, "lib/"+e.Name())
			assert.NoError(t, err, e.Name())
		}
	}
	list, err := fs.ReadFile(FS, "third_party/FILES.txt")
	require.NoError(t, err)
	names := strings.Fields(string(list))
	require.NotEmpty(t, names)
	for _, n := range names {
		_, err := fs.Stat(FS, "third_party/"+n)
		assert.NoError(t, err, n)
	}
	imp := regexp.MustCompile(`(?:import|export)\s[^;]*?from\s*['"](\.[^'"]+)['"]`)
	for _, p := range append([]string{Entry}, mustGlob(t, "lib/*.mjs")...) {
		src, err := fs.ReadFile(FS, p)
		require.NoError(t, err)
		dir := "."
		if i := strings.LastIndex(p, "/"); i >= 0 {
			dir = p[:i]
		}
		for _, m := range imp.FindAllStringSubmatch(string(src), -1) {
			target := pathJoin(dir, m[1])
			_, err := fs.Stat(FS, target)
			assert.NoError(t, err, "%s imports %s", p, m[1])
		}
	}
}

func mustGlob(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := fs.Glob(FS, pattern)
	require.NoError(t, err)
	return m
}

// pathJoin resolves a relative module specifier against dir.
func pathJoin(dir, rel string) string {
	parts := strings.Split(dir, "/")
	if dir == "." {
		parts = nil
	}
	for _, s := range strings.Split(rel, "/") {
		switch s {
		case ".":
		case "..":
			parts = parts[:len(parts)-1]
		default:
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "/")
}

func TestImportMap(t *testing.T) {
	var m struct {
		Imports map[string]string `json:"imports"`
	}
	require.NoError(t, json.Unmarshal([]byte(ImportMap("/verifier")), &m))
	assert.Equal(t, map[string]string{
		"@noble/curves/": "/verifier/third_party/@noble/curves/",
		"@noble/hashes/": "/verifier/third_party/@noble/hashes/",
	}, m.Imports)
	for _, target := range m.Imports {
		_, err := fs.Stat(FS, strings.TrimSuffix(strings.TrimPrefix(target, "/verifier/"), "/")+"/package.json")
		assert.NoError(t, err, target)
	}
}
