// Command ssj is the auditor's and operator's command-line tool for the
// 双随机、一公开 library. It is deliberately thin: every check it performs is a
// call into the library packages, so an agency system that imports them gets
// the same behaviour.
//
// Usage:
//
//	ssj <noun> <verb> [flags] [args]
//
// Exit status: 0 when everything is fine, 1 when a check found a problem,
// 2 for bad usage or unreadable input.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
)

// Exit codes shared by every subcommand.
const (
	exitOK      = 0 // the command ran and found nothing wrong
	exitProblem = 1 // the command ran and a check found a problem
	exitUsage   = 2 // bad usage or unreadable input
)

// env is what a subcommand may touch: its streams. Tests run commands
// in-process with buffers.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one top-level word of the CLI ("registry", "draw", "verify", ...).
type command struct {
	summary string
	run     func(e *env, args []string) int
}

// commands is filled by register calls in each noun's file.
var commands = map[string]command{}

func register(name, summary string, run func(e *env, args []string) int) {
	if _, dup := commands[name]; dup {
		panic("ssj: command registered twice: " + name)
	}
	commands[name] = command{summary: summary, run: run}
}

// memoryLimit is the heap size the garbage collector keeps to unless
// GOMEMLIMIT says otherwise: a 10-million-target registry is drawn and
// verified within 2 GB (issue 13). The runtime's default would let the heap
// grow to twice what was live at the last collection, and importing a
// large pool frees big temporary buffers (sort keys) just before it
// allocates the sorted columns.
const memoryLimit = 1792 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes one CLI invocation and returns its exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "ssj: unknown command %q\n\n", args[0])
		usage(e.stderr)
		return exitUsage
	}
	return c.run(e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: ssj <command> [<verb>] [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nexit status: 0 ok, 1 a check found a problem, 2 bad usage or unreadable input")
}

// usageError prints a usage problem and returns exitUsage.
func usageError(e *env, format string, a ...any) int {
	fmt.Fprintf(e.stderr, "ssj: "+format+"\n", a...)
	return exitUsage
}

// inputError reports input that could not be read or parsed and returns
// exitUsage. The error should already name the file, row, field and value.
func inputError(e *env, err error) int {
	fmt.Fprintf(e.stderr, "ssj: %v\n", err)
	return exitUsage
}

// writeJSON writes v as indented JSON followed by a newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
