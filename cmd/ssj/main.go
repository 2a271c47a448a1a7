// Command ssj is the auditor's and operator's command-line tool for the
// 双随机、一公开 library. It is deliberately thin: every check it performs is a
// call into the library packages, so an agency system that imports them gets
// the same behaviour.
//
// Usage:
//
//	ssj <noun> <verb> [flags] [args]
//	ssj help <noun> <verb>
//	ssj completion bash|zsh|fish|powershell
//
// Exit status: 0 when everything is fine, 1 when a check found a problem,
// 2 for bad usage or unreadable input.
//
// The command tree is built with github.com/spf13/cobra (see cli.go for how a
// noun or verb is added); docs/cli/ holds its generated reference pages.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

// Exit codes shared by every subcommand.
const (
	exitOK      = 0 // the command ran and found nothing wrong
	exitProblem = 1 // the command ran and a check found a problem
	exitUsage   = 2 // bad usage or unreadable input
)

// env is what a subcommand may touch: its streams and the global flags.
// Tests run commands in-process with buffers.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	quiet  bool // --quiet: no progress bars
	// plugins are the plugin host's flags of this run (--plugins,
	// --plugin-log): per run, so that concurrent runs (tests, embedders)
	// share nothing.
	plugins struct{ config, logLevel string }
}

// memoryLimit is the heap size the garbage collector keeps to unless
// GOMEMLIMIT says otherwise: a 10-million-target registry is drawn and
// verified within 2 GB (issue 13). The runtime's default would let the heap
// grow to twice what was live at the last collection; peak RSS is close to
// this limit whenever the live heap stays below it. At 10M targets the live
// heap peaks at about 1.0 GB while ReadPool finishes the pool, 1.25 GB in
// ssj draw run's selections and 1.3-1.45 GB in ssj verify (the decoded
// record beside the pool); 1408 MiB keeps peak RSS near 1.5 GB with the
// collector's CPU unchanged (1792 MiB before the pool's sort, the record's
// writing and its comparison shrank).
const memoryLimit = 1408 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// usageError prints a usage problem and returns exitUsage.
func usageError(e *env, format string, a ...any) int {
	fmt.Fprintf(e.stderr, "ssj: "+format+"\n", a...)
	return exitUsage
}

// inputError reports a problem with an input and returns its exit status
// (inputStatus): exitUsage for input that could not be read or parsed,
// exitProblem for input that was read and has problems (its rows or fields
// are listed) and for a computation that reached a year without calendar
// data (it fails closed, as ssj workday does, and says how to load the
// year). The error should already name the file, row, field and value.
func inputError(e *env, err error) int {
	fmt.Fprintf(e.stderr, "ssj: %v\n", calendarHint(err))
	return inputStatus(err)
}

// writeJSON writes v as indented JSON followed by a newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
