package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/shuangsuiji/ssj/registry"
)

func init() {
	register("registry", "the two registries (两库): validate, commit, prove and verify-proof", runRegistry)
}

const registryUsage = `usage:
  ssj registry validate FILE [--kind targets|inspectors] [--classes A,B,C,D] [--json]
  ssj registry commit FILE [--kind targets|inspectors] [--classes A,B,C,D] [--json]
  ssj registry prove FILE ID [--kind targets|inspectors] [--classes A,B,C,D]
  ssj registry verify-proof PROOF_FILE [--root HEX --count N] [--json]
  ssj registry export FILE [--canonical] [--kind targets|inspectors] [--out FILE]

FILE is a target registry (检查对象名录库) or an inspector registry
(执法检查人员名录库) as CSV (UTF-8 with or without BOM, or GB18030/GBK as saved
by Excel on Chinese Windows) or XLSX (first sheet); "-" reads standard input.
The kind is detected from the header (id/统一社会信用代码 or cert/执法证号) unless
--kind is given. Headers may be English or Chinese; see the registry package
documentation (DecodeCSV) for the columns and cell formats.

validate  reports every bad row: row number, column, value and reason.
commit    prints the number of units and the RFC 6962 Merkle root of the pool.
prove     prints the inclusion proof (JSON) of one target ID or certificate number.
verify-proof checks a proof; with --root and --count also that it belongs to
          that published commitment.
export    writes the pool as UTF-8 CSV with English headers; with --canonical
          (targets only) rows are sorted by ID in byte order, the commitment's
          leaf order, so that ssj verify can stream the file in one pass
          without holding the pool in memory.

flags:
  --kind K        targets or inspectors (default: detect from the header)
  --classes LIST  credit-risk class set, comma-separated (default A,B,C,D)
  --root HEX      published Merkle root to check a proof against
  --count N       published pool size to check a proof against
  --json          machine-readable output
  --canonical     export: sort targets by ID (canonical order)
  --out FILE      export: write to FILE instead of standard output

Exit status: 0 valid/verified, 1 the file has problems or the proof does not
verify, 2 bad usage or unreadable file.`

// registryFlags are the parsed options of a registry verb.
type registryFlags struct {
	kind    registry.PoolKind
	classes []string
	json    bool
	canon   bool
	out     string
	root    string
	count   int
	hasCnt  bool
	pos     []string
}

func parseRegistryFlags(args []string) (registryFlags, error) {
	var f registryFlags
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-" || !strings.HasPrefix(a, "-") {
			f.pos = append(f.pos, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "json" {
			if hasVal {
				return f, fmt.Errorf("--json takes no value")
			}
			f.json = true
			continue
		}
		if name == "canonical" {
			if hasVal {
				return f, fmt.Errorf("--canonical takes no value")
			}
			f.canon = true
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return f, fmt.Errorf("flag --%s needs a value", name)
			}
			i++
			val = args[i]
		}
		switch name {
		case "kind":
			switch registry.PoolKind(val) {
			case registry.PoolTargets, registry.PoolInspectors:
				f.kind = registry.PoolKind(val)
			default:
				return f, fmt.Errorf("--kind %q: want targets or inspectors", val)
			}
		case "classes":
			for _, c := range strings.Split(val, ",") {
				if c = strings.TrimSpace(c); c != "" {
					f.classes = append(f.classes, c)
				}
			}
			if len(f.classes) == 0 {
				return f, fmt.Errorf("--classes %q names no class", val)
			}
		case "root":
			f.root = val
		case "out":
			f.out = val
		case "count":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				return f, fmt.Errorf("--count %q: want a non-negative integer", val)
			}
			f.count, f.hasCnt = n, true
		default:
			return f, fmt.Errorf("unknown flag %s", a)
		}
	}
	return f, nil
}

func runRegistry(e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, registryUsage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	verb := args[0]
	npos := map[string]int{"validate": 1, "commit": 1, "prove": 2, "verify-proof": 1, "export": 1}
	want, ok := npos[verb]
	if !ok {
		return usageError(e, "registry: unknown verb %q\n\n%s", verb, registryUsage)
	}
	f, err := parseRegistryFlags(args[1:])
	if err != nil {
		return usageError(e, "registry %s: %v", verb, err)
	}
	if len(f.pos) != want {
		return usageError(e, "registry %s: want %d argument(s), got %d\n\n%s", verb, want, len(f.pos), registryUsage)
	}
	if (f.root != "") != f.hasCnt && verb == "verify-proof" {
		return usageError(e, "registry verify-proof: --root and --count go together")
	}
	if verb == "verify-proof" {
		return registryVerifyProof(e, f)
	}
	if verb == "export" {
		return registryExport(e, f)
	}
	if verb == "commit" && f.pos[0] != "-" && f.kind != registry.PoolInspectors {
		if c, ok := commitTargetsFile(f); ok {
			if f.json {
				return writeOut(e, map[string]any{"file": f.pos[0], "pool": registry.PoolTargets, "count": c.Count, "root": c.Root})
			}
			fmt.Fprintf(e.stdout, "%s: %d %s\nroot %s\n", f.pos[0], c.Count, registry.PoolTargets, c.Root)
			return exitOK
		}
	}
	data, err := readInput(e, f.pos[0])
	if err != nil {
		return inputError(e, err)
	}
	opt := registry.ImportOptions{File: f.pos[0], Pool: f.kind, Config: registry.Config{Classes: f.classes}}
	tab, err := registry.Decode(data, opt) // data is not used afterwards
	if err != nil {
		var rows registry.RowErrors
		if !errors.As(err, &rows) {
			return inputError(e, err)
		}
		return reportRowErrors(e, f, rows)
	}
	switch verb {
	case "validate":
		if f.json {
			return writeOut(e, map[string]any{"file": f.pos[0], "pool": tab.Pool, "count": tab.Len(), "valid": true, "errors": []any{}})
		}
		fmt.Fprintf(e.stdout, "%s: %d %s, valid\n", f.pos[0], tab.Len(), tab.Pool)
		return exitOK
	case "commit":
		c, err := tab.Commit()
		if err != nil {
			fmt.Fprintf(e.stderr, "ssj: %s: %v\n", f.pos[0], err)
			return exitProblem
		}
		if f.json {
			return writeOut(e, map[string]any{"file": f.pos[0], "pool": tab.Pool, "count": c.Count, "root": c.Root})
		}
		fmt.Fprintf(e.stdout, "%s: %d %s\nroot %s\n", f.pos[0], c.Count, tab.Pool, c.Root)
		return exitOK
	default: // prove
		p, err := tab.Prove(f.pos[1])
		if err != nil {
			fmt.Fprintf(e.stderr, "ssj: %s: %v\n", f.pos[0], err)
			return exitProblem
		}
		return writeOut(e, p)
	}
}

// commitTargetsFile commits a target file through the streaming compact
// pool (registry.ReadPool), the path draw run and verify use. ok is false
// when the file is not a valid target file: the caller then reads it the
// ordinary way, which reports every problem (or commits inspectors).
func commitTargetsFile(f registryFlags) (registry.Commitment, bool) {
	in, err := os.Open(f.pos[0])
	if err != nil {
		return registry.Commitment{}, false
	}
	defer in.Close()
	p, err := registry.ReadPool(in, registry.ImportOptions{File: f.pos[0], Pool: registry.PoolTargets, Config: registry.Config{Classes: f.classes}})
	if err != nil {
		return registry.Commitment{}, false
	}
	return p.Commitment(), true
}

// readInput reads a named file, or standard input for "-".
func readInput(e *env, path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(e.stdin)
	}
	return os.ReadFile(path)
}

func writeOut(e *env, v any) int {
	if err := writeJSON(e.stdout, v); err != nil {
		fmt.Fprintf(e.stderr, "ssj: writing output: %v\n", err)
		return exitUsage
	}
	return exitOK
}

// reportRowErrors prints every row problem and returns exitProblem.
func reportRowErrors(e *env, f registryFlags, rows registry.RowErrors) int {
	if f.json {
		if writeOut(e, map[string]any{"file": f.pos[0], "valid": false, "errors": rows}) != exitOK {
			return exitUsage
		}
		return exitProblem
	}
	for _, r := range rows {
		fmt.Fprintln(e.stdout, r.Error())
	}
	fmt.Fprintf(e.stdout, "%s: %d problem(s)\n", f.pos[0], len(rows))
	return exitProblem
}

func registryVerifyProof(e *env, f registryFlags) int {
	data, err := readInput(e, f.pos[0])
	if err != nil {
		return inputError(e, err)
	}
	var p registry.Proof
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return inputError(e, fmt.Errorf("%s: not a proof: %w", f.pos[0], err))
	}
	if f.hasCnt {
		err = registry.VerifyProofAgainst(p, registry.Commitment{Count: f.count, Root: f.root})
	} else {
		err = registry.VerifyProof(p)
	}
	if f.json {
		out := map[string]any{"file": f.pos[0], "verified": err == nil, "pool": p.Pool, "id": p.ID, "index": p.Index, "size": p.Size, "root": p.Root}
		if err != nil {
			out["reason"] = err.Error()
		}
		if writeOut(e, out) != exitOK {
			return exitUsage
		}
	} else if err == nil {
		fmt.Fprintf(e.stdout, "verified: %s %s is leaf %d of %d under root %s\n", p.Pool, p.ID, p.Index, p.Size, p.Root)
	} else {
		fmt.Fprintf(e.stdout, "NOT verified: %v\n", err)
	}
	if err != nil {
		return exitProblem
	}
	if !f.hasCnt && !f.json {
		fmt.Fprintln(e.stdout, "(compare the root and size with the published commitment, or pass --root and --count)")
	}
	return exitOK
}

// registryExport writes a pool file back as CSV, in canonical order with
// --canonical.
func registryExport(e *env, f registryFlags) int {
	if f.canon && f.kind == registry.PoolInspectors {
		return usageError(e, "registry export: --canonical applies to targets")
	}
	if f.canon && f.pos[0] != "-" {
		// The streaming import holds the pool compactly; on any problem
		// the file is read the ordinary way below, which reports it.
		if in, err := os.Open(f.pos[0]); err == nil {
			p, perr := registry.ReadPool(in, registry.ImportOptions{File: f.pos[0], Pool: registry.PoolTargets, Config: registry.Config{Classes: f.classes}})
			in.Close()
			if perr == nil {
				return writeExport(e, f, func(w io.Writer) error { return registry.WriteCanonicalCSV(w, p) })
			}
		}
	}
	data, err := readInput(e, f.pos[0])
	if err != nil {
		return inputError(e, err)
	}
	opt := registry.ImportOptions{File: f.pos[0], Pool: f.kind, Config: registry.Config{Classes: f.classes}}
	tab, err := registry.Decode(data, opt)
	if err != nil {
		var rows registry.RowErrors
		if !errors.As(err, &rows) {
			return inputError(e, err)
		}
		return reportRowErrors(e, f, rows)
	}
	if f.canon && tab.Pool != registry.PoolTargets {
		return usageError(e, "registry export: --canonical applies to targets, %s holds %s", f.pos[0], tab.Pool)
	}
	return writeExport(e, f, func(w io.Writer) error {
		switch {
		case f.canon:
			p, err := tab.TargetPool()
			if err != nil {
				return err
			}
			return registry.WriteCanonicalCSV(w, p)
		case tab.Pool == registry.PoolTargets:
			return registry.WriteTargetsCSV(w, tab.Targets)
		default:
			return registry.WriteInspectorsCSV(w, tab.Inspectors)
		}
	})
}

// writeExport writes an export to --out or standard output, buffered.
func writeExport(e *env, f registryFlags, write func(io.Writer) error) int {
	var out io.Writer = e.stdout
	var file *os.File
	if f.out != "" {
		var err error
		if file, err = os.Create(f.out); err != nil {
			return inputError(e, fmt.Errorf("registry export: %w", err))
		}
		out = file
	}
	w := bufio.NewWriterSize(out, 1<<20)
	err := write(w)
	if err == nil {
		err = w.Flush()
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return inputError(e, fmt.Errorf("registry export: %w", err))
	}
	return exitOK
}
