package main

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Progress is drawn only on a terminal, not with --quiet, and only for
// large work.
func TestProgressOnlyOnATerminal(t *testing.T) {
	var buf bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &buf}
	report, finish := progress(e, "importing x")
	assert.Nil(t, report, "a buffer is not a terminal")
	finish()

	defer func(f func(io.Writer) bool) { isTerminal = f }(isTerminal)
	isTerminal = func(io.Writer) bool { return true }
	e.quiet = true
	report, _ = progress(e, "importing x")
	assert.Nil(t, report, "--quiet")

	e.quiet = false
	report, finish = progress(e, "importing x")
	if assert.NotNil(t, report) {
		report(10, 500) // small: nothing drawn
		finish()
		assert.Empty(t, buf.String())
		report, finish = progress(e, "importing big.csv")
		for done := 0; done <= 300_000; done += 50_000 {
			report(done, 300_000)
		}
		finish()
		assert.Contains(t, buf.String(), "importing big.csv")
		assert.Contains(t, buf.String(), "rows")
	}
	// Small work draws nothing, even on a terminal.
	code, _, errOut := runCLI(t, "", "registry", "commit", sampleTargets)
	assert.Equal(t, exitOK, code)
	assert.Empty(t, errOut)
}

// The spinner for work without its own progress follows the same rules.
func TestBusyOnlyOnATerminal(t *testing.T) {
	var buf bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &buf}
	busy(e, "verifying", 1_000_000)()
	assert.Empty(t, buf.String(), "not a terminal")

	defer func(f func(io.Writer) bool) { isTerminal = f }(isTerminal)
	isTerminal = func(io.Writer) bool { return true }
	busy(e, "verifying", 10)()
	assert.Empty(t, buf.String(), "small work")
	e.quiet = true
	busy(e, "verifying", 1_000_000)()
	assert.Empty(t, buf.String(), "--quiet")
	e.quiet = false
	busy(e, "verifying", 1_000_000)()
	assert.Contains(t, buf.String(), "verifying (1000000 rows)")
}
