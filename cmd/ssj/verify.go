package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/registry"
)

func init() {
	registerCommand(verb{
		Use:   "verify RECORD",
		Short: "re-run a published draw record from the pools and report the first difference",
		Long: `Re-runs the published draw record from its manifest, its evidence and the
pools, checks its lock (record hash, lock hash, time, name; the signature
with --keyring), its replacement chain (against --anchor) and the deputy
heads' approval signatures on the replacements (rule R18: with --keyring
each one present, with --require-approvals every replacement), and prints
"verified" (exit 0) or the first difference (exit 1). Exit 1 is for every
record that does not verify, whatever the reason (an invalid manifest inside
it, an older format, a lock or anchor that does not match, a pool file with
bad rows); exit 2 only for bad usage and unreadable or non-JSON input.`,
		Example: "  ssj verify record.json --targets examples/data/targets.csv --inspectors examples/data/inspectors.csv\n  ssj verify bundle/   # a bundle written by ssj task export",
		Setup:   runVerify,
	})
}

func runVerify(e *env, fs *pflag.FlagSet) func([]string) int {
	f := newVerifyFlags(fs)
	anchor := fs.String("anchor", "", "the chain anchor `HEX` from the task announcement or the trail: the record's lock and replacements must match it")
	keyring := fs.String("keyring", "", "keyring `FILE` (ssj keygen, ssj publish keygen): the lock must be signed by a key in it held by lock.by; every replacement approval present must be signed by its approver's deputy_head key (R18)")
	requireApprovals := fs.Bool("require-approvals", false, "every replacement must carry its approver's signature (R18); with --keyring each is checked")
	required(fs, "targets")
	return func(pos []string) int { return runVerifyRun(e, f, anchor, keyring, requireApprovals, pos) }
}

func runVerifyRun(e *env, f drawFlags, anchor, keyring *string, requireApprovals *bool, pos []string) int {
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
	adviseHeap(e, *f.targets) // before the record's heap
	opt := draw.VerifyOptions{Anchor: *anchor, RequireApprovals: *requireApprovals}
	if *keyring != "" {
		kf, err := openDoc(*keyring)
		if err != nil {
			return inputError(e, fmt.Errorf("verify: %w", err))
		}
		ring, err := publish.DecodeKeyring(kf)
		kf.Close()
		if err != nil {
			return inputError(e, fmt.Errorf("verify: %s: %w", *keyring, err))
		}
		opt.Signatures, opt.RequireSignature = ring, true
		opt.Approvals = ring // each at its replacement's time (R18)
	}
	rf, err := openDoc(recPath)
	if err != nil {
		return inputError(e, fmt.Errorf("verify: %w", err))
	}
	rec, err := draw.DecodeRecord(rf)
	rf.Close()
	if err != nil && errors.Is(err, draw.ErrUnreadable) {
		return inputError(e, fmt.Errorf("verify: %s: %w", recPath, err))
	}
	if err == nil {
		pools, rerr := readPools(e, *f.inspectors, *f.fallback)
		if rerr != nil {
			return inputError(e, fmt.Errorf("verify: %w", rerr))
		}
		if ring, ok := opt.Signatures.(publish.Keyring); ok && rec.Lock != nil {
			// A key with a validity period is checked at the lock's time (R16).
			opt.Signatures = ring.At(rec.Lock.At)
		}
		var ve *draw.VerifyError
		if err = verifyTargets(e, &rec, *f.targets, pools, opt); err != nil && !errors.As(err, &ve) {
			// The target file does not import: bad input, not a verdict.
			return inputError(e, fmt.Errorf("verify: %w", err))
		}
		if err == nil && bundle != "" {
			err = checkBundleExtras(bundle, &rec)
		}
	}
	if err != nil {
		// Every error here means the record does not verify (exit 1).
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
	var anc draw.Anchor
	if rec.Lock != nil {
		if anc, err = draw.AnchorOf(&rec); err != nil {
			return inputError(e, err)
		}
	}
	if *f.asJSON {
		out := map[string]any{"verified": true, "task": rec.Manifest.Task.ID, "manifest_hash": rec.ManifestHash,
			"selected": len(rec.Selected), "manipulation_resistant": rec.ManipulationResistant, "locked": rec.Lock != nil}
		if len(rec.Replacements) > 0 {
			signed := 0
			for _, r := range rec.Replacements {
				if r.Approval != nil {
					signed++
				}
			}
			out["approvals_signed"], out["approvals_checked"] = signed, opt.Approvals != nil
		}
		if rec.Lock != nil {
			out["lock_hash"], out["anchor"], out["replacements"] = rec.Lock.Hash, anc.Hash, len(rec.Replacements)
		}
		return writeOrFail(e, out)
	}
	fmt.Fprintln(e.stdout, "verified")
	if err := summarize(e.stdout, &rec, false); err != nil {
		return inputError(e, err)
	}
	if rec.Lock != nil {
		fmt.Fprintf(e.stdout, "lock_hash %s\nanchor %s (%d replacements", rec.Lock.Hash, anc.Hash, len(rec.Replacements))
		switch {
		case *anchor != "":
			fmt.Fprint(e.stdout, "; matches --anchor")
		default:
			fmt.Fprint(e.stdout, "; compare it with the announced anchor, or pass --anchor")
		}
		fmt.Fprintln(e.stdout, ")")
	}
	if len(rec.Replacements) > 0 {
		fmt.Fprintln(e.stdout, approvalSummary(&rec, opt.Approvals != nil))
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

// verifyTargets verifies rec against the target file at path (issue 13):
// in one streaming pass when the file is in canonical order (ssj registry
// export --canonical), holding only the selected set, otherwise by reading
// it into a compact pool. The verdict is a *draw.VerifyError; any other
// error is about the input (a file that does not import).
func verifyTargets(e *env, rec *draw.Record, path string, pools *draw.InspectorPools, opt draw.VerifyOptions) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	report, finish := progress(e, "verifying "+path+" in one pass")
	rows, scanned := 0, false
	count := func(done, total int) {
		rows, scanned = done, true
		if report != nil {
			report(done, total)
		}
	}
	err = draw.VerifyStreamWith(rec, f, registry.ImportOptions{File: path, Pool: registry.PoolTargets, Progress: count}, pools, opt)
	finish()
	f.Close()
	var ve *draw.VerifyError
	if (rows > 0 || !scanned) && (err == nil || errors.As(err, &ve)) {
		return err
	}
	// Not in canonical order, no target at all, or a problem the ordinary
	// import reports in full. (A record refused before the file is read,
	// for its format or manifest, is not read again.)
	targets, err := readPool(e, path)
	if err != nil {
		return err
	}
	stop := busy(e, "verifying", targets.Len())
	defer stop()
	return draw.VerifyPoolWith(rec, targets, pools, opt)
}
