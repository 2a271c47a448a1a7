// Command auditor is what an auditor runs on a published draw: given the
// bundle an agency publishes (record.json, targets.csv, inspectors.csv in
// one directory, as `ssj demo --out DIR` writes it) it re-runs the draw
// from the pools and the evidence in the record and reports "verified" or
// the first difference, with exit status 0 or 1 (2: the bundle cannot be
// read). A declared cross-region fallback pool is not read here: use
// ssj verify --fallback for such a task.
//
//	go run ./cmd/ssj demo --out /tmp/bundle && go run ./examples/auditor /tmp/bundle
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/registry"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: auditor BUNDLE_DIR")
		return 2
	}
	dir := args[0]
	f, err := os.Open(filepath.Join(dir, "record.json"))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	rec, err := draw.DecodeRecord(f)
	f.Close()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", f.Name(), err)
		return 2
	}
	targets, err := readPool(filepath.Join(dir, "targets.csv"), registry.PoolTargets)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	var pools *draw.InspectorPools
	if rec.Manifest.Inspectors != nil {
		ins, err := readPool(filepath.Join(dir, "inspectors.csv"), registry.PoolInspectors)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		pools = &draw.InspectorPools{Home: ins.Inspectors}
	}
	if err := draw.Verify(&rec, targets.Targets, pools); err != nil {
		fmt.Fprintf(stdout, "NOT verified: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "verified: task %s, %d targets selected of %d in scope, manifest_hash %s\n",
		rec.Manifest.Task.ID, len(rec.Selected), rec.Scope, rec.ManifestHash)
	return 0
}

// readPool imports one registry file of the bundle.
func readPool(path string, kind registry.PoolKind) (*registry.Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := registry.Read(f, registry.ImportOptions{File: path, Pool: kind})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}
