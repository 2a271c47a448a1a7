package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/trail"
)

// exportTask writes a task's public bundle (office.Bundle) into dir.
func exportTask(ctx context.Context, o *office.Office, taskID, dir string) ([]string, error) {
	files, err := o.Bundle(ctx, taskID)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return nil, err
		}
		names = append(names, f.Name)
	}
	return names, nil
}

// isBundle reports whether path is a directory holding an exported bundle.
func isBundle(path string) bool {
	st, err := os.Stat(path)
	if err != nil || !st.IsDir() {
		return false
	}
	_, err = os.Stat(filepath.Join(path, "record.json"))
	return err == nil
}

// checkBundleExtras checks what a bundle adds to the record and the pools:
// the trail verifies, it holds the lock event with the record's hash, the
// manifest file is the record's, and every proof verifies against the root
// the trail recorded for the target snapshot. It returns the first problem.
func checkBundleExtras(dir string, rec *draw.Record) error {
	mf, err := os.Open(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return err
	}
	m, err := draw.DecodeManifest(mf)
	mf.Close()
	if err != nil {
		return fmt.Errorf("manifest.json: %w", err)
	}
	mh1, err1 := m.Hash()
	mh2, err2 := rec.Manifest.Hash()
	if err1 != nil || err2 != nil || mh1 != mh2 {
		return fmt.Errorf("manifest.json is not the record's manifest")
	}
	tf, err := os.Open(filepath.Join(dir, "trail.jsonl"))
	if err != nil {
		return err
	}
	defer tf.Close()
	rep, err := trail.Verify(tf, trail.VerifyOptions{})
	if err != nil {
		return err
	}
	if !rep.OK {
		return fmt.Errorf("trail.jsonl: %s", trailDescribe(rep.Problem))
	}
	if cp, err := os.ReadFile(filepath.Join(dir, "checkpoint.txt")); err == nil {
		c, err := trail.ParseCheckpoint(string(bytes.TrimSpace(cp)))
		if err != nil || c != rep.Head {
			return fmt.Errorf("checkpoint.txt %q is not the trail's head %s", bytes.TrimSpace(cp), rep.Head)
		}
	}
	if _, err := tf.Seek(0, 0); err != nil {
		return err
	}
	log, err := trail.Read(tf)
	if err != nil {
		return err
	}
	// One bundle, one crypto suite: the draw's and the trail's (whose
	// snapshot roots the proofs lead to).
	rs, err := rec.Manifest.CryptoSuite()
	if err != nil {
		return fmt.Errorf("record.json: %w", err)
	}
	if ls := log.Suite(); ls.ID() != rs.ID() {
		return fmt.Errorf("record.json is a draw of crypto suite %s, trail.jsonl a trail of %s: a bundle has one suite", rs.ID(), ls.ID())
	}
	taskID := rec.Manifest.Task.ID
	var locked bool
	var snapshot string
	roots := map[string]string{}
	for _, ev := range log.Events() {
		switch {
		case ev.Kind == trail.RegistryImported:
			roots[ev.Subject] = ev.Data["root"]
		case ev.Kind == trail.ManifestCommitted && ev.Subject == taskID:
			snapshot = ev.Data["targets_snapshot"]
			if ev.Data["manifest_hash"] != fmt.Sprintf("%x", mh2) {
				return fmt.Errorf("trail.jsonl: event %d committed manifest %s, the record's is %x", ev.Seq, ev.Data["manifest_hash"], mh2)
			}
		case ev.Kind == trail.TargetsLocked && ev.Subject == taskID:
			if rec.Lock == nil || ev.Data["record_hash"] != rec.Lock.RecordHash {
				return fmt.Errorf("trail.jsonl: event %d locked record %s, record.json's lock differs", ev.Seq, ev.Data["record_hash"])
			}
			locked = true
		}
	}
	if rec.Lock != nil && !locked {
		return fmt.Errorf("trail.jsonl: no targets.locked event for task %s", taskID)
	}
	pf, err := os.ReadFile(filepath.Join(dir, "proofs.json"))
	if err != nil {
		return err
	}
	var proofs []registry.Proof
	if err := json.Unmarshal(pf, &proofs); err != nil {
		return fmt.Errorf("proofs.json: %w", err)
	}
	for i, p := range proofs {
		if err := registry.VerifyProofWith(rs, p); err != nil {
			return fmt.Errorf("proofs.json[%d] (%s): %w", i, p.ID, err)
		}
		if want := roots[snapshot]; want == "" || p.Root != want {
			return fmt.Errorf("proofs.json[%d] (%s): root %s is not the root %q the trail recorded for snapshot %s", i, p.ID, p.Root, want, snapshot)
		}
	}
	return nil
}

// bundleFlags points the verify flags at a bundle's pool files.
func bundleFlags(f drawFlags, dir string) drawFlags {
	file := func(name string) *string {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			p = ""
		}
		return &p
	}
	f.targets = file("targets.csv")
	f.inspectors = file("inspectors.csv")
	f.fallback = file("fallback.csv")
	return f
}
