package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/draw"
)

func init() {
	registerCommand(verb{
		Use:   "verify RECORD",
		Short: "re-run a published draw record from the pools and report the first difference",
		Long: `Re-runs the published draw record from its manifest, its evidence and the
pools, and prints "verified" (exit 0) or the first difference (exit 1).`,
		Example: "  ssj verify record.json --targets examples/data/targets.csv --inspectors examples/data/inspectors.csv\n  ssj verify bundle/   # a bundle written by ssj task export",
		Setup:   runVerify,
	})
}

func runVerify(e *env, fs *pflag.FlagSet) func([]string) int {
	f := newVerifyFlags(fs)
	required(fs, "targets")
	return func(pos []string) int { return runVerifyRun(e, f, pos) }
}

func runVerifyRun(e *env, f drawFlags, pos []string) int {
	if len(pos) > 1 {
		return usageError(e, "verify: unexpected argument %q", pos[1])
	}
	var recPath string
	if len(pos) == 1 {
		recPath = pos[0]
	}
	bundle := ""
	if recPath != "" && isBundle(recPath) { // an exported bundle (ssj task export)
		bundle = recPath
		f = bundleFlags(f, bundle)
		recPath = filepath.Join(bundle, "record.json")
	}
	if recPath == "" || *f.targets == "" {
		return usageError(e, "verify: RECORD and --targets FILE are required")
	}
	rf, err := openDoc(recPath)
	if err != nil {
		return inputError(e, fmt.Errorf("verify: %w", err))
	}
	rec, err := draw.DecodeRecord(rf)
	rf.Close()
	if err != nil {
		return inputError(e, fmt.Errorf("verify: %s: %w", recPath, err))
	}
	targets, err := readTargets(e, *f.targets)
	if err != nil {
		return inputError(e, fmt.Errorf("verify: %w", err))
	}
	pools, err := readPools(e, *f.inspectors, *f.fallback)
	if err != nil {
		return inputError(e, fmt.Errorf("verify: %w", err))
	}
	stop := busy(e, "verifying "+recPath, len(targets))
	err = draw.Verify(&rec, targets, pools)
	stop()
	if err == nil && bundle != "" {
		err = checkBundleExtras(bundle, &rec)
	}
	if err != nil {
		if *f.asJSON {
			out := map[string]any{"verified": false, "error": err.Error()}
			var ve *draw.VerifyError
			if errors.As(err, &ve) {
				out["path"], out["record"], out["recomputed"] = ve.Path, ve.Record, ve.Recomputed
			}
			if err := writeJSON(e.stdout, out); err != nil {
				return inputError(e, err)
			}
		} else {
			fmt.Fprintf(e.stdout, "NOT verified: %s: %v\n", recPath, err)
			if errors.Is(err, draw.ErrPoolMismatch) || strings.Contains(err.Error(), "manifest.targets") || strings.Contains(err.Error(), "manifest.inspectors") {
				fmt.Fprintf(e.stdout, "  (checked against --targets %s%s)\n", *f.targets, pathsOf(" --inspectors ", *f.inspectors, " --fallback ", *f.fallback))
			}
		}
		return exitProblem
	}
	if *f.asJSON {
		return writeOrFail(e, map[string]any{"verified": true, "task": rec.Manifest.Task.ID, "manifest_hash": rec.ManifestHash,
			"selected": len(rec.Selected), "manipulation_resistant": rec.ManipulationResistant, "locked": rec.Lock != nil})
	}
	fmt.Fprintln(e.stdout, "verified")
	if err := summarize(e.stdout, &rec, false); err != nil {
		return inputError(e, err)
	}
	return exitOK
}

// pathsOf joins the non-empty values with their labels.
func pathsOf(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			b.WriteString(kv[i] + kv[i+1])
		}
	}
	return b.String()
}
