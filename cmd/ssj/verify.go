package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/registry"
)

func init() {
	register("verify", "re-run a published draw record from the pools and report the first difference", runVerify)
}

func runVerify(e *env, args []string) int {
	f := newDrawFlags(e, "verify")
	f.fs.Usage = func() {
		fmt.Fprintln(e.stderr, `usage: ssj verify RECORD --targets FILE [--inspectors FILE] [--fallback FILE] [--json]

Re-runs the published draw record from its manifest, its evidence and the
pools, and prints "verified" (exit 0) or the first difference (exit 1).`)
		f.fs.PrintDefaults()
	}
	pos, code, ok := f.parseAny(e, args)
	if !ok {
		return code
	}
	if len(pos) > 1 {
		return usageError(e, "verify: unexpected argument %q", pos[1])
	}
	var recPath string
	if len(pos) == 1 {
		recPath = pos[0]
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
	pools, err := readPools(*f.inspectors, *f.fallback)
	if err != nil {
		return inputError(e, fmt.Errorf("verify: %w", err))
	}
	if err := verifyTargets(&rec, *f.targets, pools); err != nil {
		var ve *draw.VerifyError
		if !errors.As(err, &ve) {
			return inputError(e, fmt.Errorf("verify: %w", err))
		}
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

// verifyTargets verifies rec against the target file at path: in one
// streaming pass when the file is in canonical order (ssj registry export
// --canonical), otherwise by reading it into a compact pool. The verdict
// is a *draw.VerifyError; any other error is about the input.
func verifyTargets(rec *draw.Record, path string, pools *draw.InspectorPools) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = draw.VerifyStream(rec, f, registry.ImportOptions{File: path, Pool: registry.PoolTargets}, pools)
	f.Close()
	var ve *draw.VerifyError
	if err == nil || errors.As(err, &ve) {
		return err
	}
	// Not canonical, or a problem the ordinary import reports in full.
	targets, err := readPool(path)
	if err != nil {
		return err
	}
	return draw.VerifyPool(rec, targets, pools)
}
