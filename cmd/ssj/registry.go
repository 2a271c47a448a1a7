package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/internal/jsonin"
	"github.com/shuangsuiji/ssj/registry"
)

func init() {
	registerNoun(noun{
		Name:  "registry",
		Short: "the two registries (两库): validate, import, commit, prove, verify-proof, export and signed checkpoints",
		Long:  registryLong,
		Verbs: []verb{
			{Use: "validate FILE", Short: "report every bad row of a registry: row, column, value and reason",
				Example: "  ssj registry validate examples/data/targets.csv --json", Setup: registryDecodeVerb("validate")},
			{Use: "import FILE", Short: "import a registry file into the office store as a snapshot (R6)",
				Example: "  ssj registry import examples/data/targets.csv --store ssj.db --in-force 2026-09-01T00:00:00+08:00", Setup: registryImport},
			{Use: "commit FILE", Short: "print the number of units and the RFC 6962 Merkle root of the pool",
				Example: "  ssj registry commit examples/data/targets.csv", Setup: registryDecodeVerb("commit")},
			{Use: "prove FILE ID", Short: "print the inclusion proof (JSON) of one target ID or certificate number",
				Example: "  ssj registry prove examples/data/targets.csv 91110105MA0000001X > proof.json", Setup: registryDecodeVerb("prove")},
			{Use: "verify-proof PROOF_FILE", Short: "check an inclusion proof, optionally against a published commitment",
				Example: "  ssj registry verify-proof proof.json --root 3f2a... --count 60", Setup: registryVerifyProof},
			{Use: "export FILE", Short: "write a registry back as UTF-8 CSV; --canonical sorts targets by ID for one-pass verification",
				Example: "  ssj registry export examples/data/targets.csv --canonical --out targets-canonical.csv", Setup: registryExport},
			{Use: "checkpoint [FILE]", Short: "print a signed C2SP checkpoint (signed note) of a registry snapshot's commitment, to publish",
				Long: registryCheckpointLong, Example: registryCheckpointExample, Setup: registryCheckpoint},
			{Use: "verify-checkpoint NOTE [FILE]", Short: "check a registry file or store snapshot against a signed registry checkpoint",
				Long: registryVerifyCheckpointLong, Example: registryVerifyCheckpointExample, Setup: registryVerifyCheckpoint},
		},
	})
}

const registryLong = `FILE is a target registry (检查对象名录库) or an inspector registry
(执法检查人员名录库) as CSV (UTF-8 with or without BOM, or GB18030/GBK as saved
by Excel on Chinese Windows) or XLSX (first sheet); "-" reads standard input.
The kind is detected from the header (id/统一社会信用代码 or cert/执法证号) unless
--kind is given. Headers may be English or Chinese; see the registry package
documentation (DecodeCSV) for the columns and cell formats.

validate  reports every bad row: row number, column, value and reason. For an
          inspector registry, --targets also warns of every declared interest
          (利害关系) naming a target not in that target registry (rule R19);
          warnings do not change the exit status.
commit    prints the number of units and the RFC 6962 Merkle root of the pool.
prove     prints the inclusion proof (JSON) of one target ID or certificate number.
verify-proof checks a proof; with --root and --count also that it belongs to
          that published commitment.
export    writes the registry as UTF-8 CSV with English headers; with
          --canonical (targets only) rows are sorted by ID in byte order, the
          commitment's leaf order, so that ssj verify reads the file in one
          pass without holding the pool in memory (docs/draw-spec.md §10).
checkpoint prints a signed C2SP checkpoint (signed note) of a registry file's
          or store snapshot's commitment, to publish with the snapshot.
verify-checkpoint checks a registry file or snapshot against such a note.

Exit status: 0 valid/verified, 1 the file has problems or the proof does not
verify, 2 bad usage or unreadable file.`

// registryFlags are the parsed options of a registry verb.
type registryFlags struct {
	kind    registry.PoolKind
	classes []string
	json    bool
	root    string
	targets string
	count   int
	hasCnt  bool
	pos     []string
}

// registryDecodeVerb is validate, commit or prove: verbs that import a
// registry file.
func registryDecodeVerb(verb string) func(e *env, fs *pflag.FlagSet) func([]string) int {
	return func(e *env, fs *pflag.FlagSet) func([]string) int {
		kind := fs.String("kind", "", "pool `KIND`: targets or inspectors (default: detect from the header)")
		classes := fs.StringSlice("classes", nil, "credit-risk class set, comma-separated `LIST` (default A,B,C,D)")
		var targets *string
		if verb == "validate" {
			targets = fs.String("targets", "", "target registry `FILE` to check an inspector registry's interests against (rule R19)")
		}
		var asJSON *bool
		if verb != "prove" {
			asJSON = jsonFlag(fs)
		}
		want := map[string]int{"validate": 1, "commit": 1, "prove": 2}[verb]
		return func(args []string) int {
			var f registryFlags
			switch registry.PoolKind(*kind) {
			case "", registry.PoolTargets, registry.PoolInspectors:
				f.kind = registry.PoolKind(*kind)
			default:
				return usageError(e, "registry %s: --kind %q: want targets or inspectors", verb, *kind)
			}
			if fs.Changed("classes") {
				for _, c := range *classes {
					if c = strings.TrimSpace(c); c != "" {
						f.classes = append(f.classes, c)
					}
				}
				if len(f.classes) == 0 {
					return usageError(e, "registry %s: --classes %q names no class", verb, strings.Join(*classes, ","))
				}
			}
			f.json = asJSON != nil && *asJSON
			if targets != nil {
				f.targets = *targets
			}
			f.pos = args
			if len(f.pos) != want {
				return usageError(e, "registry %s: want %d argument(s), got %d", verb, want, len(f.pos))
			}
			return runRegistry(e, verb, f)
		}
	}
}

func runRegistry(e *env, verb string, f registryFlags) int {
	if verb == "commit" && f.pos[0] != "-" && f.kind != registry.PoolInspectors {
		if c, ok := commitTargetsFile(e, f); ok {
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
	if len(bytes.TrimSpace(jsonin.TrimBOM(data))) == 0 {
		return inputError(e, fmt.Errorf("%s: empty file: want a registry, CSV or XLSX", f.pos[0]))
	}
	opt := registry.ImportOptions{File: f.pos[0], Pool: f.kind, Config: registry.Config{Classes: f.classes}}
	report, finish := progress(e, "importing "+f.pos[0])
	opt.Progress = report
	tab, err := registry.Decode(data, opt) // data is not used afterwards
	finish()
	if err != nil {
		var rows registry.RowErrors
		if !errors.As(err, &rows) {
			return inputError(e, err)
		}
		// A file that is not CSV or XLSX at all is unreadable input, not a
		// registry with problems.
		if len(rows) == 1 && errors.Is(rows[0], registry.ErrBadFile) {
			return inputError(e, rows[0])
		}
		return reportRowErrors(e, f, rows)
	}
	switch verb {
	case "validate":
		var warnings []registry.Warning
		if f.targets != "" {
			if warnings, err = registryInterestWarnings(e, f, tab); err != nil {
				return inputError(e, err)
			}
		}
		if f.json {
			out := map[string]any{"file": f.pos[0], "pool": tab.Pool, "count": tab.Len(), "valid": true, "errors": []any{}}
			if f.targets != "" {
				out["warnings"] = append([]registry.Warning{}, warnings...)
			}
			return writeOut(e, out)
		}
		for _, w := range warnings {
			fmt.Fprintln(e.stdout, "warning: "+w.Error())
		}
		fmt.Fprintf(e.stdout, "%s: %d %s, valid", f.pos[0], tab.Len(), tab.Pool)
		if len(warnings) > 0 {
			fmt.Fprintf(e.stdout, ", %d warning(s)", len(warnings))
		}
		fmt.Fprintln(e.stdout)
		return exitOK
	case "commit":
		stop := busy(e, "committing "+f.pos[0], tab.Len())
		c, err := tab.Commit()
		stop()
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
// pool (registry.ReadPool), the path draw run and verify use (issue 13).
// ok is false when the file is not a valid, non-empty target file: the
// caller then reads it the ordinary way, which reports every problem (or
// commits inspectors).
func commitTargetsFile(e *env, f registryFlags) (registry.Commitment, bool) {
	p, ok := importPool(e, f.pos[0], f.classes)
	if !ok {
		return registry.Commitment{}, false
	}
	stop := busy(e, "committing "+f.pos[0], p.Len())
	defer stop()
	return p.Commitment(), true
}

// registryExport is ssj registry export: a pool file back as CSV, in
// canonical order with --canonical.
func registryExport(e *env, fs *pflag.FlagSet) func([]string) int {
	kind := fs.String("kind", "", "pool `KIND`: targets or inspectors (default: detect from the header)")
	classes := fs.StringSlice("classes", nil, "credit-risk class set, comma-separated `LIST` (default A,B,C,D)")
	canonical := fs.Bool("canonical", false, "targets only: sort rows by ID in byte order (the commitment's leaf order), for one-pass verification")
	out := fs.String("out", "", "write to `FILE` instead of standard output")
	return func(args []string) int {
		if len(args) != 1 {
			return usageError(e, "registry export: want 1 argument(s), got %d", len(args))
		}
		f := registryFlags{pos: args}
		switch registry.PoolKind(*kind) {
		case "", registry.PoolTargets, registry.PoolInspectors:
			f.kind = registry.PoolKind(*kind)
		default:
			return usageError(e, "registry export: --kind %q: want targets or inspectors", *kind)
		}
		for _, c := range *classes {
			if c = strings.TrimSpace(c); c != "" {
				f.classes = append(f.classes, c)
			}
		}
		if *canonical && f.kind == registry.PoolInspectors {
			return usageError(e, "registry export: --canonical applies to targets")
		}
		if *canonical && f.pos[0] != "-" {
			// The streaming import holds the pool compactly; on any
			// problem the file is read the ordinary way below, which
			// reports it.
			if p, ok := importPool(e, f.pos[0], f.classes); ok {
				return writeExport(e, *out, func(w io.Writer) error { return registry.WriteCanonicalCSV(w, p) })
			}
		}
		data, err := readInput(e, f.pos[0])
		if err != nil {
			return inputError(e, err)
		}
		if len(bytes.TrimSpace(jsonin.TrimBOM(data))) == 0 {
			return inputError(e, fmt.Errorf("%s: empty file: want a registry, CSV or XLSX", f.pos[0]))
		}
		tab, err := registry.Decode(data, registry.ImportOptions{File: f.pos[0], Pool: f.kind, Config: registry.Config{Classes: f.classes}})
		if err != nil {
			var rows registry.RowErrors
			if !errors.As(err, &rows) || len(rows) == 1 && errors.Is(rows[0], registry.ErrBadFile) {
				return inputError(e, err)
			}
			return reportRowErrors(e, f, rows)
		}
		if *canonical && tab.Pool != registry.PoolTargets {
			return usageError(e, "registry export: --canonical applies to targets, %s holds %s", f.pos[0], tab.Pool)
		}
		return writeExport(e, *out, func(w io.Writer) error {
			switch {
			case *canonical:
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
}

// writeExport writes an export to the file out, or standard output when
// out is empty, buffered.
func writeExport(e *env, out string, write func(io.Writer) error) int {
	var dst io.Writer = e.stdout
	var file *os.File
	if out != "" {
		var err error
		if file, err = os.Create(out); err != nil {
			return inputError(e, fmt.Errorf("registry export: %w", err))
		}
		dst = file
	}
	w := bufio.NewWriterSize(dst, 1<<20)
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

// registryInterestWarnings reads the target registry named by --targets
// and returns the interest warnings of the inspector table tab (rule R19).
func registryInterestWarnings(e *env, f registryFlags, tab *registry.Table) ([]registry.Warning, error) {
	if tab.Pool != registry.PoolInspectors {
		return nil, fmt.Errorf("%s: --targets checks an inspector registry's interests, and this is a %s registry", f.pos[0], tab.Pool)
	}
	data, err := readInput(e, f.targets)
	if err != nil {
		return nil, err
	}
	targets, err := registry.Decode(data, registry.ImportOptions{File: f.targets, Pool: registry.PoolTargets, Config: registry.Config{Classes: f.classes}})
	if err != nil {
		return nil, fmt.Errorf("--targets %s: %w", f.targets, err)
	}
	return tab.InterestWarnings(f.pos[0], targets.Targets), nil
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

func registryVerifyProof(e *env, fs *pflag.FlagSet) func([]string) int {
	root := fs.String("root", "", "published Merkle root to check a proof against, `HEX` (with --count)")
	count := fs.Int("count", 0, "published pool size to check a proof against, `N` (with --root)")
	asJSON := jsonFlag(fs)
	return func(args []string) int {
		f := registryFlags{json: *asJSON, pos: args, root: *root, count: *count, hasCnt: fs.Changed("count")}
		if len(args) != 1 {
			return usageError(e, "registry verify-proof: want 1 argument(s), got %d", len(args))
		}
		if f.hasCnt && f.count < 0 {
			return usageError(e, "registry verify-proof: --count %d: want a non-negative integer", f.count)
		}
		if (f.root != "") != f.hasCnt {
			return usageError(e, "registry verify-proof: --root and --count go together")
		}
		return registryVerifyProofRun(e, f)
	}
}

func registryVerifyProofRun(e *env, f registryFlags) int {
	data, err := readInput(e, f.pos[0])
	if err != nil {
		return inputError(e, err)
	}
	var p registry.Proof
	if err := jsonin.Decode(data, &p, jsonin.Options{}); err != nil {
		return inputError(e, fmt.Errorf("%s: not a proof: %w", f.pos[0], err))
	}
	if p.Pool == "" || p.ID == "" || p.LeafHash == "" || p.Root == "" || p.Size == 0 {
		return inputError(e, fmt.Errorf("%s: not a proof: pool, id, leaf_hash, size and root are required", f.pos[0]))
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
		fmt.Fprintf(e.stdout, "NOT verified: %s: %v\n", f.pos[0], err)
	}
	if err != nil {
		return exitProblem
	}
	if !f.hasCnt && !f.json {
		fmt.Fprintln(e.stdout, "(compare the root and size with the published commitment, or pass --root and --count)")
	}
	return exitOK
}
