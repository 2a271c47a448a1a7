package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// commandPaths lists every command of the tree as its words after "ssj",
// cobra's own completion and help commands included.
func commandPaths(t *testing.T) [][]string {
	t.Helper()
	root := newRoot(&env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var out [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			if sub.Hidden {
				continue
			}
			p := append(append([]string{}, path...), sub.Name())
			out = append(out, p)
			walk(sub, p)
		}
	}
	walk(root, nil)
	require.Greater(t, len(out), 30, "the tree lost commands")
	return out
}

// Every level answers -h, --help and "ssj help ..." on stdout with exit 0
// (issue 15: help used to go to stderr, fail or print the parent's help).
func TestHelpEverywhere(t *testing.T) {
	paths := append([][]string{{}}, commandPaths(t)...)
	for _, p := range paths {
		name := "ssj " + strings.Join(p, " ")
		for _, form := range [][]string{
			append(append([]string{}, p...), "-h"),
			append(append([]string{}, p...), "--help"),
			append([]string{"help"}, p...),
		} {
			code, out, errOut := runCLI(t, "", form...)
			assert.Equal(t, exitOK, code, "%q", form)
			assert.Empty(t, errOut, "%q: help must not go to stderr", form)
			assert.Contains(t, out, "usage: "+strings.TrimSpace(name), "%q", form)
		}
	}
}

// Every verb of ours shows an example, and every flag that the verb
// requires says so in its help.
func TestHelpStatesExamplesAndRequiredFlags(t *testing.T) {
	root := newRoot(&env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}})
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.HasSubCommands() {
				walk(sub)
				continue
			}
			n++
			assert.NotEmpty(t, sub.Example, "%s has no example", sub.CommandPath())
			assert.True(t, strings.HasPrefix(sub.Example, "  ssj "), "%s: example %q", sub.CommandPath(), sub.Example)
		}
	}
	walk(root)
	assert.Greater(t, n, 30)
	// Spot checks of the help text that issue 15 found wrong.
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"draw", "lock", "-h"}, []string{"--out FILE", "write the locked record to this FILE (required)"}},
		{[]string{"verify", "-h"}, []string{"usage: ssj verify RECORD [flags]", "--targets FILE", "(required)"}},
		{[]string{"publish", "enter", "-h"}, []string{`(default "seed")`, "--store PATH"}},
		{[]string{"registry", "validate", "-h"}, []string{"--kind KIND", "--classes"}},
	} {
		code, out, _ := runCLI(t, "", tc.args...)
		require.Equal(t, exitOK, code)
		for _, w := range tc.want {
			assert.Contains(t, out, w, "%q", tc.args)
		}
	}
	code, out, _ := runCLI(t, "", "verify", "-h")
	require.Equal(t, exitOK, code)
	assert.NotContains(t, out, "--out", "verify writes no document")
}

func TestCompletionScripts(t *testing.T) {
	for shell, want := range map[string]string{"bash": "bash completion", "zsh": "#compdef ssj", "fish": "fish completion", "powershell": "Register-ArgumentCompleter"} {
		code, out, errOut := runCLI(t, "", "completion", shell)
		assert.Equal(t, exitOK, code, shell)
		assert.Empty(t, errOut, shell)
		assert.Contains(t, out, want, shell)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"registry", "validate", "--kind"}, "--kind needs a KIND"},
		{[]string{"registry", "frob", "--json"}, `registry: unknown verb "frob"`},
		{[]string{"draw", "commit", "--frob"}, `unknown flag "--frob"`},
		{[]string{"draw", "lock", "-x"}, `unknown flag "-x"`},
		{[]string{"trail"}, "usage: ssj trail"},
		{[]string{}, "usage: ssj"},
	} {
		code, out, errOut := runCLI(t, "", tc.args...)
		assert.Equal(t, exitUsage, code, "%q", tc.args)
		assert.Empty(t, out, "%q", tc.args)
		assert.Contains(t, errOut, tc.want, "%q", tc.args)
	}
}

// Habits of the earlier parsers keep working: one-dash long flags, negative
// numbers as arguments, "help" in place of a file, flags before arguments.
func TestArgumentCompatibility(t *testing.T) {
	code, out, errOut := runCLI(t, "", "workday", "add", "2025-10-09", "-1", "-json")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, `"date": "2025-09-30"`)
	code, out, _ = runCLI(t, "", "workday", "--json", "add", "2025-10-09", "-1")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, `"workdays": -1`)
	code, out, _ = runCLI(t, "", "trail", "verify", "help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "usage: ssj trail verify FILE")
}
