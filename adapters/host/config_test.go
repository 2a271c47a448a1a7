package host_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/adapters/host"
)

const sum64 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func TestParseConfig(t *testing.T) {
	good := `{"plugins":[{"name":"sqlite","kind":"store","command":"/opt/ssj/sqlite","sha256":"` + sum64 + `","args":["-path","/var/ssj.db"]},
	{"name":"postgres","kind":"store","command":"/opt/ssj/pg","sha256":"` + strings.ToUpper(sum64) + `"}]}`
	c, err := host.ParseConfig([]byte(good), "plugins.json")
	require.NoError(t, err)
	p, ok := c.Lookup("sqlite")
	require.True(t, ok)
	require.Equal(t, []string{"-path", "/var/ssj.db"}, p.Args)
	_, ok = c.Lookup("nope")
	require.False(t, ok)

	entry := func(name, kind, cmd, sum string) string {
		return `{"plugins":[{"name":"` + name + `","kind":"` + kind + `","command":"` + cmd + `","sha256":"` + sum + `"}]}`
	}
	for _, c := range []struct{ doc, want string }{
		{`{"plugins":[]} x`, "trailing data after the JSON value"},
		{`{"plugins":[],"plugins":[]}`, `duplicate key "plugins"`},
		{"null", "top level"},
		{`{"plugin":[]}`, `unknown field "plugin"`},
		{`[`, "plugins.json"},
		{entry("", "store", "/a", sum64), `plugins[0]: name ""`},
		{entry("Big", "store", "/a", sum64), `name "Big"`},
		{entry("a", "oracle", "/a", sum64), `kind "oracle": this build runs "beacon" or "publisher" or "store" plugins`},
		{entry("a", "store", "rel/path", sum64), `command "rel/path": must be an absolute path`},
		{entry("a", "store", "/a", "abc"), `sha256 "abc": want 64 hex digits`},
		{entry("a", "store", "/a", strings.Repeat("g", 64)), `want 64 hex digits`},
		{`{"plugins":[{"name":"a","kind":"store","command":"/a","sha256":"` + sum64 + `"},{"name":"a","kind":"store","command":"/b","sha256":"` + sum64 + `"}]}`,
			`plugins[1]: name "a": already used by plugins[0]`},
	} {
		_, err := host.ParseConfig([]byte(c.doc), "plugins.json")
		require.ErrorIs(t, err, host.ErrConfig, c.doc)
		require.ErrorContains(t, err, c.want, c.doc)
		require.ErrorContains(t, err, "plugins.json", c.doc)
	}
}

// A beacon plugin is a kind of its own; a config written by Notepad (a
// leading BOM) reads the same.
func TestParseConfigBeaconBOM(t *testing.T) {
	c, err := host.ParseConfig([]byte("\ufeff"+`{"plugins":[{"name":"drand","kind":"beacon","command":"/opt/ssj/beacon-drand","sha256":"`+sum64+`","args":["-url","https://api.drand.sh"]}]}`), "plugins.json")
	require.NoError(t, err)
	p, ok := c.Lookup("drand")
	require.True(t, ok)
	require.Equal(t, "beacon", p.Kind)
	require.Equal(t, []string{"-url", "https://api.drand.sh"}, p.Args)
}

func TestLoadConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plugins.json")
	_, err := host.LoadConfig(path)
	require.ErrorIs(t, err, host.ErrConfig)
	require.NoError(t, os.WriteFile(path, []byte(`{"plugins":[]}`), 0o644))
	c, err := host.LoadConfig(path)
	require.NoError(t, err)
	require.Equal(t, path, c.Source)
}

// The config file is outside input: any bytes parse or fail with
// ErrConfig, and what parses passes its own checks.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"plugins":[{"name":"sqlite","kind":"store","command":"/opt/ssj/sqlite","sha256":"` + sum64 + `","args":["-path","x"]}]}`))
	f.Add([]byte(`{"plugins":null}`))
	f.Add([]byte("\ufeff" + `{"plugins":[{"name":"drand","kind":"beacon","command":"/opt/ssj/beacon-drand","sha256":"` + sum64 + `","args":["-url","https://api.drand.sh"]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := host.ParseConfig(data, "fuzz.json")
		if err != nil {
			require.ErrorIs(t, err, host.ErrConfig)
			return
		}
		for _, p := range c.Plugins {
			require.True(t, filepath.IsAbs(p.Command))
			require.Len(t, p.SHA256, 64)
			got, ok := c.Lookup(p.Name)
			require.True(t, ok)
			require.Equal(t, p.Command, got.Command)
		}
	})
}
