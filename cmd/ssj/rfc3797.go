package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/draw"
)

func init() {
	registerCommand(verb{
		Use:   "rfc3797",
		Short: "select entries from a published pool exactly as RFC 3797 does",
		Long: `Selects --count entries from the pool exactly as RFC 3797 does and prints them
in selection order, one per line. Each --source is one published random source
(integers separated by spaces or commas); its numbers are sorted, so their
order does not matter, but the order of the --source flags does.`,
		Example: `  ssj rfc3797 --pool pool.txt --source "9319" --source "2 5 12 8 10" --count 3`,
		Setup:   runRFC3797,
	})
}

// rfcSources collects repeated --source flags.
type rfcSources []string

func (s *rfcSources) String() string { return strings.Join(*s, " / ") }

// Type names the value in help text.
func (s *rfcSources) Type() string { return "NUMBERS" }
func (s *rfcSources) Set(v string) error {
	*s = append(*s, v)
	return nil
}

// rfcOutput is the --json form of an RFC 3797 selection.
type rfcOutput struct {
	Algorithm  string             `json:"algorithm"`
	Key        string             `json:"key"`
	PoolSize   int                `json:"pool_size"`
	Count      int                `json:"count"`
	Selections []draw.RFC3797Step `json:"selections"`
}

func runRFC3797(e *env, fs *pflag.FlagSet) func([]string) int {
	poolPath := fs.String("pool", "", "pool `FILE`: one entry per line, in published order; blank lines ignored (- for stdin)")
	var sources rfcSources
	fs.Var(&sources, "source", `one random source as published, e.g. "9319" or "2 5 12 8 10" (at least one; repeat, in the declared order)`)
	count := fs.Int("count", 0, "number of entries to select, `N` >= 1")
	asJSON := fs.Bool("json", false, "print the key and every step (MD5, divisor, position) as JSON")
	required(fs, "pool", "count")
	return func([]string) int { return runRFC3797Run(e, fs, poolPath, sources, count, asJSON) }
}

func runRFC3797Run(e *env, fs *pflag.FlagSet, poolPath *string, sources rfcSources, count *int, asJSON *bool) int {
	if fs.NArg() > 0 {
		return usageError(e, "rfc3797: unexpected argument %q", fs.Arg(0))
	}
	if *poolPath == "" {
		return usageError(e, "rfc3797: --pool FILE is required")
	}
	if len(sources) == 0 {
		return usageError(e, "rfc3797: at least one --source is required")
	}
	if *count < 1 {
		return usageError(e, "rfc3797: --count must be at least 1, got %d", *count)
	}
	nums := make([][]int64, len(sources))
	for i, s := range sources {
		n, err := draw.ParseLotteryNumbers(s)
		if err != nil {
			return inputError(e, fmt.Errorf("rfc3797: --source #%d: %w", i+1, err))
		}
		nums[i] = n
	}
	pool, err := rfcReadPool(e, *poolPath)
	if err != nil {
		return inputError(e, err)
	}
	key, err := draw.RFC3797Key(nums)
	if err != nil {
		return inputError(e, err)
	}
	steps, err := draw.RFC3797Trace(pool, key, *count)
	if err != nil {
		return inputError(e, fmt.Errorf("%s: %w", *poolPath, err))
	}
	if *asJSON {
		out := rfcOutput{Algorithm: draw.AlgorithmRFC3797, Key: string(key), PoolSize: len(pool), Count: *count, Selections: steps}
		if err := writeJSON(e.stdout, out); err != nil {
			return inputError(e, err)
		}
		return exitOK
	}
	var b bytes.Buffer
	for _, s := range steps {
		b.WriteString(s.Entry)
		b.WriteByte('\n')
	}
	if _, err := e.stdout.Write(b.Bytes()); err != nil {
		return inputError(e, err)
	}
	return exitOK
}

// rfcReadPool reads a pool file: one entry per line, in published order.
// Blank lines are skipped; a line with surrounding space or control
// characters, or a repeated entry, is refused, naming the file and line.
func rfcReadPool(e *env, path string) ([]string, error) {
	var r io.Reader
	if path == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("rfc3797: pool: %w", err)
		}
		defer f.Close()
		r = f
	}
	var pool []string
	lineOf := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimSuffix(sc.Text(), "\r")
		if line == 1 {
			t = strings.TrimPrefix(t, "\ufeff") // a UTF-8 byte order mark
		}
		if strings.TrimSpace(t) == "" {
			continue
		}
		if strings.TrimSpace(t) != t || strings.ContainsFunc(t, func(c rune) bool { return c < 0x20 || c == 0x7f }) {
			return nil, fmt.Errorf("%s:%d: pool entry %q has surrounding space or control characters", path, line, t)
		}
		if first, dup := lineOf[t]; dup {
			return nil, fmt.Errorf("%s:%d: pool entry %q repeats line %d", path, line, t, first)
		}
		lineOf[t] = line
		pool = append(pool, t)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return pool, nil
}
