package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
)

func init() {
	registerNoun(noun{
		Name:  "draw",
		Short: "the verifiable target draw (ssj-v1): commit a task's manifest, run it, lock it",
		Long: `The verifiable target draw (ssj-v1, docs/draw-spec.md): commit fixes the
task's manifest before the randomness exists; run draws from the committed
pools with the published randomness; lock confirms the draw (R16); replace
swaps a drawn inspector (R18).

A human summary goes to stderr when the document goes to stdout, to stdout
otherwise; --json makes the summary JSON.`,
		Verbs: []verb{
			{Use: "commit", Short: "fix the task's manifest before the randomness exists; print it and its hash",
				Long: `Fixes the task's manifest before the randomness exists: the committed
Merkle roots of the pools, the sources of randomness and the commit time.
Prints the manifest JSON (or writes it to --out) and its hash.`,
				Example: "  ssj draw commit --targets examples/data/targets.csv --task examples/data/task.json --out manifest.json",
				Setup:   drawCommit},
			{Use: "run", Short: "run the draw with the published randomness; print the record",
				Long: `Runs the draw: the randomness file is the JSON list of evidence, one per
declared source; prints the record JSON (or writes it to --out).`,
				Example: "  ssj draw run --manifest manifest.json --randomness examples/data/randomness.json \\\n      --targets examples/data/targets.csv --out record.json",
				Setup:   drawRun},
			{Use: "lock", Short: "confirm a draw (R16): write the locked record and print the task announcement",
				Example: "  ssj draw lock --record record.json --by 张科长 --at 2026-03-20T09:00:00+08:00 --out locked.json",
				Setup:   drawLock},
			{Use: "replace RECORD", Short: "replace a drawn inspector (R18) with the next-best-ranked eligible one",
				Long: `Replaces a drawn inspector (R18) with the next-best-ranked eligible one;
appends the hash-chained replacement to the record (the only change a locked
record accepts) and prints it (or writes --out). With --key the approving
deputy head's key signs the replacement's approval (beside its hash: the
chain and the anchor do not change); with --keyring as well, the signature
must verify before anything is written (the key held by --approver as
deputy_head and valid at --at).`,
				Example: "  ssj draw replace locked.json --inspectors examples/data/inspectors.csv --target 91... --inspector 1101... \\\n      --reason recusal --approver 李副局长 --at 2026-09-20T10:00:00+08:00 --key deputy.key.pem --keyring keyring.json --out replaced.json",
				Setup:   drawReplace},
		},
	})
}

// drawFlags are the flags shared by the draw verbs.
type drawFlags struct {
	targets    *string
	inspectors *string
	fallback   *string
	out        *string
	asJSON     *bool
}

func newDrawFlags(fs *pflag.FlagSet) drawFlags {
	f := drawFlags{
		targets:    fs.String("targets", "", "target registry, CSV or XLSX (检查对象名录库) `FILE`"),
		inspectors: fs.String("inspectors", "", "inspector registry, CSV or XLSX (执法检查人员名录库) `FILE`, when the task matches inspectors"),
		fallback:   fs.String("fallback", "", "declared cross-region fallback inspector pool, CSV or XLSX `FILE`"),
		out:        fs.String("out", "", "write the document to this `FILE` instead of stdout"),
		asJSON:     fs.Bool("json", false, "print the summary as JSON"),
	}
	return f
}

// newVerifyFlags are the draw flags without --out.
func newVerifyFlags(fs *pflag.FlagSet) drawFlags {
	none := ""
	return drawFlags{
		targets:    fs.String("targets", "", "target registry, CSV or XLSX (检查对象名录库) `FILE`"),
		inspectors: fs.String("inspectors", "", "inspector registry, CSV or XLSX (执法检查人员名录库) `FILE`, when the task matches inspectors"),
		fallback:   fs.String("fallback", "", "declared cross-region fallback inspector pool, CSV or XLSX `FILE`"),
		out:        &none,
		asJSON:     fs.Bool("json", false, "print the result as JSON"),
	}
}

// readTargets imports the target registry file.
func readTargets(e *env, path string) ([]registry.Target, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	report, finish := progress(e, "importing "+path)
	t, err := registry.Read(f, registry.ImportOptions{File: path, Pool: registry.PoolTargets, Progress: report})
	finish()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(t.Targets) == 0 {
		return nil, noRows(path, "the target registry holds no target")
	}
	return t.Targets, nil
}

// readPool imports the target registry file straight into a committed
// compact pool (registry.ReadPool, issue 13). On a problem the file is
// read again with readTargets, whose report names every problem of every
// row.
func readPool(e *env, path string) (*registry.Pool, error) {
	if p, ok := importPool(e, path, nil); ok {
		return p, nil
	}
	ts, err := readTargets(e, path)
	if err != nil {
		return nil, err
	}
	p, err := registry.NewPool(ts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// importPool imports the target file at path straight into a committed
// compact pool (registry.ReadPool, issue 13) with the credit-risk classes
// given (nil: the default set), its heap marked for huge pages first
// (adviseHeap), with a progress bar. ok is false when the file does not
// open, does not import or holds no target: each caller then reads it
// the ordinary way, which reports every problem.
func importPool(e *env, path string, classes []string) (p *registry.Pool, ok bool) {
	adviseHeap(e, path)
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	report, finish := progress(e, "importing "+path)
	p, err = registry.ReadPool(f, registry.ImportOptions{File: path, Pool: registry.PoolTargets, Config: registry.Config{Classes: classes}, Progress: report})
	finish()
	return p, err == nil && p.Len() > 0
}

// readPools imports the inspector pools; nil when no file is named.
func readPools(e *env, home, fallback string) (*draw.InspectorPools, error) {
	if home == "" {
		if fallback != "" {
			return nil, fmt.Errorf("--fallback needs --inspectors")
		}
		return nil, nil
	}
	read := func(path string) ([]registry.Inspector, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		report, finish := progress(e, "importing "+path)
		t, err := registry.Read(f, registry.ImportOptions{File: path, Pool: registry.PoolInspectors, Progress: report})
		finish()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(t.Inspectors) == 0 {
			return nil, noRows(path, "the inspector registry holds no inspector")
		}
		return t.Inspectors, nil
	}
	p := &draw.InspectorPools{}
	var err error
	if p.Home, err = read(home); err != nil {
		return nil, err
	}
	if fallback != "" {
		if p.Fallback, err = read(fallback); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// openDoc opens a JSON document named on the command line.
func openDoc(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// emit writes doc to --out or stdout and returns where the summary goes.
func emit(e *env, out string, doc []byte) (io.Writer, error) {
	if out == "" {
		if _, err := e.stdout.Write(doc); err != nil {
			return nil, err
		}
		return e.stderr, nil
	}
	if err := os.WriteFile(out, doc, 0o644); err != nil {
		return nil, err
	}
	return e.stdout, nil
}

// emitRecord is emit of the record's published form, written with
// draw.WriteRecord: a record of millions of selections is encoded a few
// chunks at a time, not held whole beside the record.
func emitRecord(e *env, out string, rec *draw.Record) (io.Writer, error) {
	if out == "" {
		if err := draw.WriteRecord(e.stdout, rec); err != nil {
			return nil, err
		}
		return e.stderr, nil
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	if err := draw.WriteRecord(f, rec); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	return e.stdout, nil
}

func drawCommit(e *env, fs *pflag.FlagSet) func([]string) int {
	f := newDrawFlags(fs)
	taskPath := fs.String("task", "", "task file, JSON (抽查任务) `FILE`")
	required(fs, "targets", "task")
	return func(args []string) int {
		if len(args) > 0 {
			return usageError(e, "draw commit: unexpected argument %q", args[0])
		}
		return drawCommitRun(e, f, *taskPath)
	}
}

func drawCommitRun(e *env, f drawFlags, taskPathV string) int {
	taskPath := &taskPathV
	if *f.targets == "" || *taskPath == "" {
		return usageError(e, "draw commit: --targets FILE and --task FILE are required")
	}
	tf, err := openDoc(*taskPath)
	if err != nil {
		return inputError(e, fmt.Errorf("draw commit: %w", err))
	}
	task, err := draw.DecodeTask(tf)
	tf.Close()
	if err != nil {
		return inputError(e, fmt.Errorf("draw commit: %s: %w", *taskPath, err))
	}
	targets, err := readPool(e, *f.targets)
	if err != nil {
		return inputError(e, fmt.Errorf("draw commit: %w", err))
	}
	pools, err := readPools(e, *f.inspectors, *f.fallback)
	if err != nil {
		return inputError(e, fmt.Errorf("draw commit: %w", err))
	}
	stop := busy(e, "committing the manifest", targets.Len())
	m, err := draw.CommitPool(task, targets, pools)
	stop()
	if err != nil {
		err = fmt.Errorf("draw commit: %s: %w", *taskPath, err)
		// A task that was read and fails its checks is a finding (1), as
		// through ssj task launch.
		if errors.Is(err, draw.ErrInvalidTask) || errors.Is(err, draw.ErrLabel) || errors.Is(err, draw.ErrInvalidMatch) ||
			errors.Is(err, draw.ErrInvalidTargeted) || errors.Is(err, draw.ErrBadSource) || errors.Is(err, draw.ErrSourceBeforeCommit) {
			fmt.Fprintf(e.stderr, "ssj: %v\n", err)
			return exitProblem
		}
		return inputError(e, err)
	}
	doc, err := draw.MarshalManifest(&m)
	if err != nil {
		return inputError(e, err)
	}
	h, err := m.HashHex()
	if err != nil {
		return inputError(e, err)
	}
	w, err := emit(e, *f.out, doc)
	if err != nil {
		return inputError(e, fmt.Errorf("draw commit: %w", err))
	}
	if *f.asJSON {
		return writeOrFail(&env{stdout: w, stderr: e.stderr}, map[string]any{"manifest_hash": h, "task": m.Task.ID, "scope": m.Targets.Count, "targets_root": m.Targets.Root})
	}
	fmt.Fprintf(w, "manifest_hash %s\n", h)
	fmt.Fprintf(w, "task %s %s: %d units in scope (%s), committed root %s\n", m.Task.ID, m.Task.Name, m.Targets.Count, directedWord(m.Directed), m.Targets.Root)
	for i, s := range m.Sources {
		fmt.Fprintf(w, "source %d: %s\n", i+1, describeSource(s))
	}
	fmt.Fprintf(w, "commit time %s: publish the manifest now, before any source is revealed\n", m.CommitTime.Format(time.RFC3339))
	return exitOK
}

func directedWord(d bool) string {
	if d {
		return "定向"
	}
	return "不定向"
}

func describeSource(s draw.Source) string {
	switch s.Kind {
	case draw.SourceDrand:
		net := s.Network
		if net == "" {
			net = "quicknet"
		}
		return fmt.Sprintf("drand %s round %d", net, s.Round)
	case draw.SourceLottery:
		return fmt.Sprintf("lottery %s issue %s drawn at %s", s.Lottery, s.Issue, s.DrawAt.Format(time.RFC3339))
	case draw.SourceParticipant:
		return fmt.Sprintf("participant %s, commitment %s", s.Participant, s.Commitment)
	case draw.SourceManual:
		return "manual string (NOT manipulation-resistant)"
	}
	return string(s.Kind)
}

func drawRun(e *env, fs *pflag.FlagSet) func([]string) int {
	f := newDrawFlags(fs)
	manPath := fs.String("manifest", "", "manifest `FILE`, JSON (from ssj draw commit)")
	rndPath := fs.String("randomness", "", "evidence `FILE`: JSON list, one entry per declared source")
	required(fs, "manifest", "randomness", "targets")
	return func(args []string) int {
		if len(args) > 0 {
			return usageError(e, "draw run: unexpected argument %q", args[0])
		}
		return drawRunRun(e, f, manPath, rndPath)
	}
}

func drawRunRun(e *env, f drawFlags, manPath, rndPath *string) int {
	if *manPath == "" || *rndPath == "" || *f.targets == "" {
		return usageError(e, "draw run: --manifest FILE, --randomness FILE and --targets FILE are required")
	}
	mf, err := openDoc(*manPath)
	if err != nil {
		return inputError(e, fmt.Errorf("draw run: %w", err))
	}
	m, err := draw.DecodeManifest(mf)
	mf.Close()
	if err != nil {
		return inputError(e, fmt.Errorf("draw run: %s: %w", *manPath, err))
	}
	rf, err := openDoc(*rndPath)
	if err != nil {
		return inputError(e, fmt.Errorf("draw run: %w", err))
	}
	ev, err := draw.DecodeEvidence(rf)
	rf.Close()
	if err != nil {
		return inputError(e, fmt.Errorf("draw run: %s: %w", *rndPath, err))
	}
	targets, err := readPool(e, *f.targets)
	if err != nil {
		return inputError(e, fmt.Errorf("draw run: %w", err))
	}
	pools, err := readPools(e, *f.inspectors, *f.fallback)
	if err != nil {
		return inputError(e, fmt.Errorf("draw run: %w", err))
	}
	stop := busy(e, "drawing", targets.Len())
	rec, err := draw.RunPool(m, ev, targets, pools)
	stop()
	if err != nil {
		// Name the inputs: the error may come from any of them.
		where := fmt.Sprintf("(manifest %s, randomness %s, targets %s%s)", *manPath, *rndPath, *f.targets, pathsOf(", inspectors ", *f.inspectors, ", fallback ", *f.fallback))
		if errors.Is(err, draw.ErrPoolMismatch) || errors.Is(err, draw.ErrSourceBeforeCommit) || errors.Is(err, draw.ErrBadBeacon) ||
			errors.Is(err, draw.ErrBadReveal) || errors.Is(err, draw.ErrSeatUnfilled) || errors.Is(err, draw.ErrEvidenceMismatch) {
			fmt.Fprintf(e.stderr, "ssj: draw run: %v\n  %s\n", err, where)
			return exitProblem
		}
		return inputError(e, fmt.Errorf("draw run: %w\n  %s", err, where))
	}
	w, err := emitRecord(e, *f.out, &rec)
	if err != nil {
		return inputError(e, fmt.Errorf("draw run: %w", err))
	}
	if err := summarize(w, &rec, *f.asJSON); err != nil {
		return inputError(e, err)
	}
	return exitOK
}

// summarize prints what a record says, for people (or as JSON).
func summarize(w io.Writer, rec *draw.Record, asJSON bool) error {
	if asJSON {
		return writeJSON(w, map[string]any{
			"task": rec.Manifest.Task.ID, "manifest_hash": rec.ManifestHash, "r": rec.R,
			"scope": rec.Scope, "eligible": rec.Eligible, "quota": rec.Quota, "selected": len(rec.Selected),
			"shortfall": rec.Shortfall, "manipulation_resistant": rec.ManipulationResistant, "locked": rec.Lock != nil,
		})
	}
	fmt.Fprintf(w, "task %s %s, manifest_hash %s\n", rec.Manifest.Task.ID, rec.Manifest.Task.Name, rec.ManifestHash)
	fmt.Fprintf(w, "R %s\n", rec.R)
	if !rec.ManipulationResistant {
		fmt.Fprintln(w, "WARNING: a manual source was used: this draw is NOT manipulation-resistant")
	}
	fmt.Fprintf(w, "scope %d, eligible %d", rec.Scope, rec.Eligible)
	for _, x := range rec.Exclusions {
		fmt.Fprintf(w, ", %s %d", x.Reason, x.Count)
	}
	fmt.Fprintln(w)
	for _, s := range rec.Strata {
		name := s.Stratum
		if name == "" {
			name = "(all)"
		}
		fmt.Fprintf(w, "  stratum %-10s ratio %-6s base %6d quota %5d eligible %6d selected %5d", name, s.Ratio, s.Base, s.Quota, s.Eligible, s.Selected)
		if s.Shortfall > 0 {
			fmt.Fprintf(w, "  SHORTFALL %d", s.Shortfall)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "selected %d of quota %d", len(rec.Selected), rec.Quota)
	if rec.Shortfall > 0 {
		fmt.Fprintf(w, " (shortfall %d: not enough eligible units)", rec.Shortfall)
	}
	fmt.Fprintln(w)
	for i, s := range rec.Selected {
		if i == 10 && len(rec.Selected) > 12 {
			fmt.Fprintf(w, "  ... %d more\n", len(rec.Selected)-10)
			break
		}
		fmt.Fprintf(w, "  %3d  %s  %s  %s  %s\n", i+1, s.Target, s.Stratum, s.Rank[:16], s.Name)
	}
	if len(rec.Groups) > 0 {
		fmt.Fprintf(w, "inspection groups: %d, replacements: %d\n", len(rec.Groups), len(rec.Replacements))
	}
	if rec.Lock != nil {
		fmt.Fprintf(w, "locked at %s by %s, record_hash %s\n", rec.Lock.At.Format(time.RFC3339), rec.Lock.By, rec.Lock.RecordHash)
	}
	return nil
}

func drawLock(e *env, fs *pflag.FlagSet) func([]string) int {
	recPath := fs.String("record", "", "record `FILE`, JSON (from ssj draw run)")
	by := fs.String("by", "", "who confirms the draw (`NAME` or role)")
	at := fs.String("at", "", "confirmation time, `RFC3339` (default now)")
	out := fs.String("out", "", "write the locked record to this `FILE`")
	asJSON := fs.Bool("json", false, "print the announcement as JSON")
	keyPath := fs.String("key", "", "sign the lock with this key `FILE` (ssj publish keygen; its holder must be --by), or a PEM key of ssj keygen (Ed25519 or SM2)")
	required(fs, "record", "by", "out")
	return func(args []string) int { return drawLockRun(e, fs, recPath, by, at, out, keyPath, asJSON) }
}

func drawLockRun(e *env, fs *pflag.FlagSet, recPath, by, at, out, keyPath *string, asJSON *bool) int {
	if *recPath == "" || *by == "" || *out == "" || fs.NArg() > 0 {
		return usageError(e, "draw lock: --record FILE, --by NAME and --out FILE are required")
	}
	when := time.Now().UTC()
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return usageError(e, "draw lock: --at %q: want RFC 3339, e.g. 2026-03-20T09:00:00+08:00", *at)
		}
		when = t
	}
	rf, err := openDoc(*recPath)
	if err != nil {
		return inputError(e, fmt.Errorf("draw lock: %w", err))
	}
	rec, err := draw.DecodeRecord(rf)
	rf.Close()
	if err != nil {
		return inputError(e, fmt.Errorf("draw lock: %s: %w", *recPath, err))
	}
	var signer draw.Signer
	if *keyPath != "" {
		raw, err := os.ReadFile(*keyPath)
		if err != nil {
			return inputError(e, fmt.Errorf("draw lock: %w", err))
		}
		if bytes.Contains(raw, []byte("-----BEGIN ")) {
			// A PEM key of ssj keygen, Ed25519 or SM2 (suite ssj-v1-sm): the
			// verifier's keyring says whose it is (its holder must be --by).
			s, err := suite.ParsePrivateKeyPEM(raw)
			if err != nil {
				return inputError(e, fmt.Errorf("draw lock: %s: %w", *keyPath, err))
			}
			signer = s
		} else {
			key, err := publish.DecodePrivateKey(bytes.NewReader(raw))
			if err != nil {
				return inputError(e, fmt.Errorf("draw lock: %s: %w", *keyPath, err))
			}
			if key.Holder != *by {
				return usageError(e, "draw lock: key %s is held by %q, not by --by %q", key.KeyID, key.Holder, *by)
			}
			s, err := key.Signer()
			if err != nil {
				return inputError(e, fmt.Errorf("draw lock: %s: %w", *keyPath, err))
			}
			signer = s
		}
	}
	locked, ann, err := draw.LockSigned(rec, when, *by, signer)
	if err != nil {
		return inputError(e, fmt.Errorf("draw lock: %s: %w", *recPath, err))
	}
	if _, err := emitRecord(e, *out, &locked); err != nil {
		return inputError(e, fmt.Errorf("draw lock: %w", err))
	}
	if *asJSON {
		return writeOrFail(e, ann)
	}
	fmt.Fprintf(e.stdout, "任务公示 %s %s (%s)\n", ann.TaskID, ann.TaskName, directedWord(ann.Directed))
	fmt.Fprintf(e.stdout, "items %s; %d targets", strings.Join(ann.Items, ", "), ann.Count)
	if ann.Shortfall > 0 {
		fmt.Fprintf(e.stdout, " (shortfall %d)", ann.Shortfall)
	}
	fmt.Fprintln(e.stdout)
	for i, t := range ann.Targets {
		fmt.Fprintf(e.stdout, "  %3d  %s  %s\n", i+1, t.ID, t.Name)
	}
	fmt.Fprintf(e.stdout, "manifest_hash %s\nrecord_hash %s\nlocked at %s by %s\n", ann.ManifestHash, ann.RecordHash, ann.LockedAt.Format(time.RFC3339), ann.LockedBy)
	fmt.Fprintf(e.stdout, "lock_hash %s\nanchor %s\n", ann.LockHash, ann.Anchor)
	return exitOK
}
