package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/adapters/host"
)

func TestResolveStore(t *testing.T) {
	t.Setenv("SSJ_STORE", "")
	cfg := &host.Config{Source: "plugins.json", Plugins: []host.Plugin{{Name: "postgres"}, {Name: "json"}}}
	for _, c := range []struct {
		in   string
		cfg  *host.Config
		want storeTarget
		err  string
	}{
		{"", nil, storeTarget{Path: "ssj.db"}, ""},
		{"office.db", cfg, storeTarget{Path: "office.db"}, ""},
		{"sqlite:/var/x.db", cfg, storeTarget{Path: "/var/x.db"}, ""},
		{"sqlite://x.db", nil, storeTarget{Path: "x.db"}, ""},
		{"sqlite:", nil, storeTarget{}, "the path after sqlite: is empty"},
		{"json", cfg, storeTarget{Plugin: "json"}, ""},
		{"json", nil, storeTarget{Path: "json"}, ""},
		{"plugin:json", cfg, storeTarget{Plugin: "json"}, ""},
		{"plugin:nope", cfg, storeTarget{}, `the plugin config plugins.json names no plugin "nope"`},
		{"postgres://ssj:secret@127.0.0.1:55432/ssj", cfg, storeTarget{Plugin: "postgres", Location: "postgres://ssj:secret@127.0.0.1:55432/ssj"}, ""},
		{"postgresql://127.0.0.1/ssj", cfg, storeTarget{Plugin: "postgres", Location: "postgresql://127.0.0.1/ssj"}, ""},
		// Without a "postgres" plugin, PostgreSQL is opened in process.
		{"postgres://ssj:secret@h/db", nil, storeTarget{Postgres: "postgres://ssj:secret@h/db"}, ""},
		{"postgres://ssj:secret@h/db", &host.Config{Source: "p.json", Plugins: []host.Plugin{{Name: "json"}}}, storeTarget{Postgres: "postgres://ssj:secret@h/db"}, ""},
		{"mysql://h/db", cfg, storeTarget{}, "unknown scheme"},
	} {
		got, err := resolveStore(c.in, c.cfg)
		if c.err != "" {
			require.ErrorContains(t, err, c.err, c.in)
			require.NotContains(t, err.Error(), "secret", "a password in an error message")
			continue
		}
		require.NoError(t, err, c.in)
		require.Equal(t, c.want, got, c.in)
	}
}

// The whole flow on the SQLite store run as a plugin: ssj demo, then ssj
// audit and ssj trail show, with --store naming the plugin.
func TestStorePluginDemoAudit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a plugin binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "ssj-store-sqlite")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/shuangsuiji/ssj/adapters/plugins/sqlite").CombinedOutput()
	require.NoError(t, err, "%s", out)
	b, err := os.ReadFile(bin)
	require.NoError(t, err)
	sum := sha256.Sum256(b)
	cfg, err := json.Marshal(map[string]any{"plugins": []map[string]any{{
		"name": "office", "kind": "store", "command": bin, "sha256": hex.EncodeToString(sum[:]),
		"args": []string{"-path", filepath.Join(dir, "office.db")},
	}}})
	require.NoError(t, err)
	cfgPath := filepath.Join(dir, "plugins.json")
	require.NoError(t, os.WriteFile(cfgPath, cfg, 0o644))
	t.Setenv("SSJ_PLUGINS", cfgPath)

	code, stdout, stderr := runCLI(t, "", "demo", "--store", "office")
	require.Equal(t, exitOK, code, "%s\n%s", stdout, stderr)
	require.Contains(t, stdout, "store: plugin office")
	code, stdout, stderr = runCLI(t, "", "audit", "--store", "office")
	require.Equal(t, exitOK, code, "%s\n%s", stdout, stderr)
	require.Contains(t, stdout, "plugin office: verified:")
	code, stdout, _ = runCLI(t, "", "trail", "show", "--store", "plugin:office", "--plugin-log", "error")
	require.Equal(t, exitOK, code)
	require.Contains(t, stdout, "events (hashes checked")
	// A second demo on the same store is refused: it is not empty.
	code, _, stderr = runCLI(t, "", "demo", "--store", "office")
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "already holds a trail")
	// The same file, opened in process, holds the same trail.
	code, stdout, stderr = runCLI(t, "", "audit", "--store", filepath.Join(dir, "office.db"))
	require.Equal(t, exitOK, code, "%s\n%s", stdout, stderr)
	// A wrong checksum: nothing runs.
	bad, err := json.Marshal(map[string]any{"plugins": []map[string]any{{
		"name": "office", "kind": "store", "command": bin, "sha256": hex.EncodeToString(make([]byte, 32)),
	}}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cfgPath, bad, 0o644))
	code, _, stderr = runCLI(t, "", "audit", "--store", "office")
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "does not have the SHA-256 the config names")
}
