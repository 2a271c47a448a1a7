package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tourBlocks returns the shell blocks of the README marked <!-- tour -->.
func tourBlocks(t *testing.T, readme string) []string {
	t.Helper()
	var blocks []string
	rest := readme
	for {
		i := strings.Index(rest, "<!-- tour -->\n```sh\n")
		if i < 0 {
			break
		}
		rest = rest[i+len("<!-- tour -->\n```sh\n"):]
		j := strings.Index(rest, "\n```")
		require.GreaterOrEqual(t, j, 0, "unterminated tour block")
		blocks = append(blocks, rest[:j+1])
		rest = rest[j:]
	}
	return blocks
}

// The README's tour runs as written, every command succeeds, and it leaves
// the repository as it found it (issue 15: it left proof.json,
// manifest.json, record.json and locked.json in the repository root).
func TestREADMETour(t *testing.T) {
	if testing.Short() {
		t.Skip("builds ssj and runs the README tour")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	blocks := tourBlocks(t, string(readme))
	require.Len(t, blocks, 2)
	status := func() string {
		out, err := exec.Command("git", "-C", root, "status", "--porcelain", "--untracked-files=all").Output()
		if err != nil {
			return "(no git)"
		}
		return string(out)
	}
	before := status()
	for i, b := range blocks {
		cmd := exec.Command(bash, "-euo", "pipefail", "-c", b)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir()) // mktemp's scratch directories go away with the test
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "tour block %d:\n%s", i+1, out)
		switch i {
		case 0:
			assert.Contains(t, string(out), "verified")
			assert.Contains(t, string(out), "2025-10-10")
		case 1: // the office store: publish, correct, objection, review, trail
			assert.Contains(t, string(out), "locked by 大队长")
			assert.Contains(t, string(out), "published 2026-ZA-03B/9144010613CNJRELXD version 1 on 2026-10-09 (on_time)")
			assert.Contains(t, string(out), "corrected 2026-ZA-03B/91440106MAMJ7XNP34: version 2")
			assert.Contains(t, string(out), "decided YY-2026-001: upheld")
			assert.Contains(t, string(out), "every correction is signed")
			assert.Contains(t, string(out), "closed_on_time")
			assert.Contains(t, string(out), "| 2026-ZA-03B | 娱乐场所治安管理随机抽查（下半年） | 治安 | 49 | 2 | 2 |")
			assert.Regexp(t, `ssj\.db: verified: \d+ events`, string(out))
			assert.Contains(t, string(out), "verified\ntask 2026-ZA-03B")
			assert.Regexp(t, `export/trail\.jsonl: verified: \d+ events`, string(out))
		}
	}
	assert.Equal(t, before, status(), "the tour leaves the repository clean")
}
