package main

import (
	"errors"
	"fmt"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/publish"
)

func init() {
	register("verify", "re-run a published draw record from the pools and report the first difference", runVerify)
}

func runVerify(e *env, args []string) int {
	f := newDrawFlags(e, "verify")
	anchor := f.fs.String("anchor", "", "the chain anchor (hex) from the task announcement or the trail: the record's lock and replacements must match it")
	keyring := f.fs.String("keyring", "", "keyring JSON (ssj publish keygen): the lock must be signed by a key in it held by lock.by")
	f.fs.Usage = func() {
		fmt.Fprintln(e.stderr, `usage: ssj verify RECORD --targets FILE [--inspectors FILE] [--fallback FILE]
                  [--anchor HASH] [--keyring FILE] [--json]

Re-runs the published draw record from its manifest, its evidence and the
pools, checks its lock (record hash, lock hash, time, name; the signature
with --keyring) and its replacement chain (against the anchor with
--anchor), and prints "verified" or the first difference.

Exit status: 0 the record verifies; 1 it does not, whatever the reason (a
recomputed value differs, a member is missing or unknown, the manifest in
it is invalid, the format is not ssj-v1.1-record, the lock or the anchor
does not match); 2 bad usage, a file that cannot be read, a record that is
not JSON, or a registry file that does not import.`)
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
	opt := draw.VerifyOptions{Anchor: *anchor}
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
		targets, rerr := readTargets(*f.targets)
		if rerr != nil {
			return inputError(e, fmt.Errorf("verify: %w", rerr))
		}
		pools, rerr := readPools(*f.inspectors, *f.fallback)
		if rerr != nil {
			return inputError(e, fmt.Errorf("verify: %w", rerr))
		}
		err = draw.VerifyWith(&rec, targets, pools, opt)
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
	return exitOK
}
