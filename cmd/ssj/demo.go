package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/examples"
	"github.com/shuangsuiji/ssj/registry"
)

func init() {
	register("demo", "run the whole draw on the bundled sample district and verify it", runDemo)
}

// demoSummary is the --json output of ssj demo.
type demoSummary struct {
	Targets      registry.Commitment `json:"targets"`
	Inspectors   registry.Commitment `json:"inspectors"`
	ManifestHash string              `json:"manifest_hash"`
	RecordHash   string              `json:"record_hash"`
	R            string              `json:"r"`
	Scope        int                 `json:"scope"`
	Eligible     int                 `json:"eligible"`
	Selected     int                 `json:"selected"`
	Groups       int                 `json:"groups"`
	Verified     bool                `json:"verified"`
	Announcement draw.Announcement   `json:"announcement"`
}

// runDemo is the README's main job: every step an agency and an auditor take,
// on the sample district embedded in the binary, through the same library
// calls as the individual commands.
func runDemo(e *env, args []string) int {
	fs := flag.NewFlagSet("ssj demo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "print a JSON summary instead of the narrative")
	out := fs.String("out", "", "also write the sample inputs, manifest.json and record.json to `DIR`, so that `ssj verify` can re-check the draw from files")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: ssj demo [--json] [--out DIR]")
		fmt.Fprintln(e.stderr, "\nRuns commit → draw → match → verify → lock on the sample district bundled in the binary.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() != 0 {
		return usageError(e, "demo takes no arguments, got %q", fs.Args())
	}
	say := func(format string, a ...any) {
		if !*asJSON {
			fmt.Fprintf(e.stdout, format+"\n", a...)
		}
	}
	file := func(name string) ([]byte, error) { return examples.Data.ReadFile("data/" + name) }

	// 1. The two registries (两库): import, validate, commit.
	targetsCSV, err := file("targets.csv")
	if err != nil {
		return inputError(e, err)
	}
	inspectorsCSV, err := file("inspectors.csv")
	if err != nil {
		return inputError(e, err)
	}
	tt, err := registry.Decode(bytes.Clone(targetsCSV), registry.ImportOptions{File: "examples/data/targets.csv", Pool: registry.PoolTargets})
	if err != nil {
		return inputError(e, err)
	}
	it, err := registry.Decode(bytes.Clone(inspectorsCSV), registry.ImportOptions{File: "examples/data/inspectors.csv", Pool: registry.PoolInspectors})
	if err != nil {
		return inputError(e, err)
	}
	tc, err := tt.Commit()
	if err != nil {
		return inputError(e, err)
	}
	ic, err := it.Commit()
	if err != nil {
		return inputError(e, err)
	}
	say("1. registries (两库) validated and committed (RFC 6962 Merkle roots):")
	say("   targets     %5d  %s", tc.Count, tc.Root)
	say("   inspectors  %5d  %s", ic.Count, ic.Root)

	// 2. The task's manifest, fixed before the randomness exists.
	taskJSON, err := file("task.json")
	if err != nil {
		return inputError(e, err)
	}
	task, err := draw.DecodeTask(bytes.NewReader(taskJSON))
	if err != nil {
		return inputError(e, fmt.Errorf("examples/data/task.json: %w", err))
	}
	pools := &draw.InspectorPools{Home: it.Inspectors}
	m, err := draw.Commit(task, tt.Targets, pools)
	if err != nil {
		return inputError(e, fmt.Errorf("examples/data/task.json: %w", err))
	}
	manifestJSON, err := draw.MarshalManifest(&m)
	if err != nil {
		return inputError(e, err)
	}
	say("2. task %s %s: manifest committed at %s", task.ID, task.Name, task.CommitTime.Format(time.RFC3339))
	mh, err := m.Hash()
	if err != nil {
		return inputError(e, err)
	}
	say("   manifest_hash %x", mh)
	for _, s := range task.Sources {
		say("   declared source: %s", describeSource(s))
	}

	// 3. The randomness is revealed after the commit: verify it, draw, match.
	randJSON, err := file("randomness.json")
	if err != nil {
		return inputError(e, err)
	}
	evidence, err := draw.DecodeEvidence(bytes.NewReader(randJSON))
	if err != nil {
		return inputError(e, fmt.Errorf("examples/data/randomness.json: %w", err))
	}
	rec, err := draw.Run(m, evidence, tt.Targets, pools)
	if err != nil {
		return inputError(e, err)
	}
	say("3. randomness verified offline (drand BLS signature against the pinned quicknet key)")
	say("   R %s", rec.R)
	say("   scope %d, eligible %d, selected %d of quota %d (shortfall %d)", rec.Scope, rec.Eligible, len(rec.Selected), rec.Quota, rec.Shortfall)
	for _, s := range rec.Strata {
		say("     stratum %-3s ratio %-5s scope %4d eligible %4d quota %3d selected %3d", s.Stratum, s.Ratio, s.Scope, s.Eligible, s.Quota, s.Selected)
	}
	for i := 0; i < len(rec.Selected) && i < 3; i++ {
		s := rec.Selected[i]
		say("     #%d %s %s (rank %s…)", i+1, s.Target, s.Name, s.Rank[:16])
		if i < len(rec.Groups) {
			for _, seat := range rec.Groups[i].Seats {
				say("        %-6s %s %s", seat.Role, seat.Cert, seat.Department)
			}
		}
	}
	if len(rec.Groups) > 0 {
		say("   inspector groups matched: %d (≥2 each, one leader, recusal applied)", len(rec.Groups))
	}

	// 4. The auditor's check: recompute everything from the pools.
	recordJSON, err := draw.MarshalRecord(&rec)
	if err != nil {
		return inputError(e, err)
	}
	audited, err := draw.DecodeRecord(bytes.NewReader(recordJSON))
	if err != nil {
		return inputError(e, err)
	}
	if err := draw.Verify(&audited, tt.Targets, pools); err != nil {
		fmt.Fprintf(e.stderr, "ssj demo: verification FAILED: %v\n", err)
		return exitProblem
	}
	say("4. record re-decoded and verified from scratch: verified")

	// 5. Confirm and lock (R16): yields the task announcement.
	locked, ann, err := draw.Lock(rec, task.CommitTime.Add(2*time.Hour), "治安大队")
	if err != nil {
		return inputError(e, err)
	}
	say("5. draw locked; task announcement: %d targets, record_hash %s, anchor %s", ann.Count, ann.RecordHash, ann.Anchor)

	if *out != "" {
		lockedJSON, err := draw.MarshalRecord(&locked)
		if err != nil {
			return inputError(e, err)
		}
		files := []struct {
			name string
			data []byte
		}{
			{"targets.csv", targetsCSV}, {"inspectors.csv", inspectorsCSV}, {"task.json", taskJSON},
			{"randomness.json", randJSON}, {"manifest.json", manifestJSON}, {"record.json", lockedJSON},
		}
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return inputError(e, err)
		}
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(*out, f.name), f.data, 0o644); err != nil {
				return inputError(e, err)
			}
		}
		say("   wrote %s/{targets.csv,inspectors.csv,task.json,randomness.json,manifest.json,record.json}", *out)
		say("   re-check it yourself: ssj verify %s --targets %s --inspectors %s --anchor %s",
			filepath.Join(*out, "record.json"), filepath.Join(*out, "targets.csv"), filepath.Join(*out, "inspectors.csv"), ann.Anchor)
	}
	if *asJSON {
		return writeOrFail(e, demoSummary{
			Targets: tc, Inspectors: ic, ManifestHash: rec.ManifestHash, RecordHash: ann.RecordHash, R: rec.R,
			Scope: rec.Scope, Eligible: rec.Eligible, Selected: len(rec.Selected), Groups: len(rec.Groups),
			Verified: true, Announcement: ann,
		})
	}
	return exitOK
}

func writeOrFail(e *env, v any) int {
	if err := writeJSON(e.stdout, v); err != nil {
		return inputError(e, err)
	}
	return exitOK
}
