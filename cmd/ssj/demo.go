package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/sqlitestore"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
)

func init() {
	registerCommand(verb{
		Use:   "demo",
		Short: "run the whole flow on the bundled sample district through the office, then audit it",
		Long: `Runs every step of the regime on the sample district bundled in the binary,
through the office on the embedded SQLite store: registries imported, checklist
and plan published, task launched, manifest committed, drand-based draw, match,
lock, one inspector replacement, dispatch, results entered, reviewed and
released, one signed correction, one objection, summary report, then an audit
of the whole store. The steps are dated in the sample task's window by a
simulated clock. Without --store the store is a new temporary file, kept, and
its path is printed.

With --suite sm the whole flow runs under the national crypto suite ssj-v1-sm
(商用密码): the store's trail and the draw hash with SM3 and HMAC-SM3, and the
principal head's SM2 key signs the lock and the correction.`,
		Example: "  ssj demo\n  ssj demo --store demo.db && ssj audit --store demo.db\n  ssj demo --out /tmp/demo && ssj verify /tmp/demo\n  ssj demo --suite sm --out /tmp/demo-sm && ssj verify /tmp/demo-sm",
		Setup:   runDemo,
	})
}

// demoSummary is the --json output of ssj demo.
type demoSummary struct {
	Store        string              `json:"store"`
	Suite        string              `json:"suite"`
	Targets      registry.Commitment `json:"targets"`
	Inspectors   registry.Commitment `json:"inspectors"`
	ManifestHash string              `json:"manifest_hash"`
	RecordHash   string              `json:"record_hash"`
	R            string              `json:"r"`
	Scope        int                 `json:"scope"`
	Eligible     int                 `json:"eligible"`
	Selected     int                 `json:"selected"`
	Groups       int                 `json:"groups"`
	Results      int                 `json:"results"`
	Verified     bool                `json:"verified"`
	Audit        office.AuditReport  `json:"audit"`
	Announcement draw.Announcement   `json:"announcement"`
}

// runDemo is the README's main job: every step an agency takes, through
// the office on the embedded SQLite store, then the auditor's check.
func runDemo(e *env, fs *pflag.FlagSet) func([]string) int {
	asJSON := fs.Bool("json", false, "print a JSON summary instead of the narrative")
	pluginFlagsOn(e, fs)
	store := fs.String("store", "", "leave the populated store in this SQLite `PATH`, or a store plugin's (as for --store elsewhere; must be new or empty; default: a new temporary SQLite file)")
	out := fs.String("out", "", "also export the task's public bundle to `DIR`, so that ssj verify DIR can re-check the draw without the store")
	suiteName := fs.String("suite", "v1", "crypto `SUITE`: v1 (ssj-v1: SHA-256, Ed25519) or sm (ssj-v1-sm: SM3, HMAC-SM3, SM2)")
	return func(args []string) int { return runDemoRun(e, args, *asJSON, *store, *out, *suiteName) }
}

// demoSuite reads --suite: v1 or sm, or a suite's full name.
func demoSuite(name string) (suite.Suite, error) {
	switch name {
	case "v1":
		return suite.SSJv1, nil
	case "sm":
		return suite.SSJv1SM, nil
	case "":
		return suite.Suite{}, fmt.Errorf("--suite is empty: want v1 or sm")
	}
	return suite.Lookup(name)
}

func runDemoRun(e *env, args []string, asJSON bool, storeURL, out, suiteName string) int {
	if len(args) != 0 {
		return usageError(e, "demo takes no arguments, got %q", args)
	}
	cs, err := demoSuite(suiteName)
	if err != nil {
		return usageError(e, "demo: --suite %q: %v", suiteName, err)
	}
	w := e.stdout
	if asJSON {
		w = io.Discard
	}
	path := ""
	ctx := context.Background()
	var st openedStore
	if storeURL == "" {
		dir, err := os.MkdirTemp("", "ssj-demo-")
		if err != nil {
			return inputError(e, err)
		}
		path = filepath.Join(dir, "ssj-demo.db")
	} else {
		cfg, err := pluginConfig(e)
		if err != nil {
			return usageError(e, "demo: %v", err)
		}
		t, err := resolveStore(storeURL, cfg)
		if err != nil {
			return usageError(e, "demo: %v", err)
		}
		if t.Plugin != "" || t.Postgres != "" {
			if st, err = openTarget(e, t, true); err != nil {
				return inputError(e, fmt.Errorf("demo: %w", err))
			}
			defer st.Close()
			if err := requireEmpty(ctx, st); err != nil {
				return usageError(e, "demo: %v", err)
			}
			path = storeURL
		} else {
			path = t.Path
			if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
				return usageError(e, "demo: %s already exists; the demo needs a new (or empty) store file", path)
			}
		}
	}
	if st == nil {
		sq, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
		if err != nil {
			return inputError(e, fmt.Errorf("demo: %w", err))
		}
		defer sq.Close()
		st = sq
		fmt.Fprintf(w, "store: %s (SQLite; kept after the demo: explore it with ssj trail show --store %s)\n", path, path)
	} else if _, pg := st.(pgCLIStore); pg {
		fmt.Fprintf(w, "store: %s (PostgreSQL; kept after the demo: explore it with ssj trail show --store URL)\n", st.Path())
	} else {
		fmt.Fprintf(w, "store: %s (kept after the demo: explore it with ssj trail show --store %s)\n", st.Path(), redact(path))
	}
	o, clock, err := demo.NewWith(st, cs)
	if err != nil {
		return inputError(e, err)
	}
	sum, err := demo.Run(ctx, o, clock, w)
	if err != nil {
		return officeError(e, "demo", err)
	}
	_, ring, err := demo.KeysFor(cs)
	if err != nil {
		return inputError(e, err)
	}
	rep, err := office.Audit(ctx, st, office.AuditOptions{Authority: ring})
	if err != nil {
		return inputError(e, fmt.Errorf("demo: audit: %w", err))
	}
	if !rep.OK {
		fmt.Fprintf(e.stderr, "ssj demo: audit FAILED: %v\n", rep.Problem)
		return exitProblem
	}
	fmt.Fprintf(w, "9. audit of the whole store: verified: %d events (head %s), %d object revisions, %d snapshot rows, %d draw re-run, %d published versions\n",
		rep.Events, rep.Head, rep.Objects, rep.Rows, rep.Records, rep.Versions)
	rec, err := o.Record(ctx, sum.TaskID)
	if err != nil {
		return inputError(e, err)
	}
	ann, err := draw.AnnouncementOf(&rec)
	if err != nil {
		return inputError(e, err)
	}
	if out != "" {
		files, err := exportTask(ctx, o, sum.TaskID, out)
		if err != nil {
			return inputError(e, fmt.Errorf("demo: export: %w", err))
		}
		anc, err := draw.AnchorOf(&rec)
		if err != nil {
			return inputError(e, fmt.Errorf("demo: anchor: %w", err))
		}
		fmt.Fprintf(w, "   public bundle written to %s/{%s}\n   re-check it without the store: ssj verify %s --anchor %s\n", out, strings.Join(files, ","), out, anc.Hash)
	}
	plugins := ""
	if e.plugins.config != "" {
		plugins = " --plugins " + e.plugins.config
	}
	fmt.Fprintf(w, "next: ssj audit%s --store %s\n", plugins, redact(path))
	if asJSON {
		return writeOrFail(e, demoSummary{
			Store:        redact(path),
			Suite:        string(cs.ID()),
			Targets:      registry.Commitment{Count: int(sum.Targets), Root: snapshotRoot(ctx, o, rec, true)},
			Inspectors:   registry.Commitment{Count: int(sum.Inspectors), Root: snapshotRoot(ctx, o, rec, false)},
			ManifestHash: rec.ManifestHash, RecordHash: ann.RecordHash, R: rec.R,
			Scope: rec.Scope, Eligible: rec.Eligible, Selected: len(rec.Selected), Groups: len(rec.Groups), Results: sum.Results,
			Verified: rep.OK, Audit: rep, Announcement: ann,
		})
	}
	return exitOK
}

// snapshotRoot returns the commitment root of the task's target (or
// inspector) snapshot.
func snapshotRoot(ctx context.Context, o *office.Office, rec draw.Record, targets bool) string {
	m, err := o.Manifest(ctx, rec.Manifest.Task.ID)
	if err != nil {
		return ""
	}
	pool, id := registry.PoolTargets, m.Targets
	if !targets {
		pool, id = registry.PoolInspectors, m.Inspectors
	}
	s, err := o.SnapshotAsOf(ctx, pool, rec.Manifest.CommitTime)
	if err != nil || s.ID != id {
		return ""
	}
	return s.Root
}

func writeOrFail(e *env, v any) int {
	if err := writeJSON(e.stdout, v); err != nil {
		return inputError(e, err)
	}
	return exitOK
}

// requireEmpty refuses a store that already has a trail.
func requireEmpty(ctx context.Context, st office.Store) error {
	tx, err := st.Begin(ctx, false)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.LastEvent(ctx); err == nil {
		return errors.New("the store is not empty: it already holds a trail; the demo needs a new (or empty) store")
	} else if !errors.Is(err, office.ErrNotFound) {
		return err
	}
	return nil
}
