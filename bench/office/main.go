// Command office is the measuring harness of the office benchmarks
// (issue 10). It prints the wall time of each run, the median, and the Go
// heap peak; read the process's peak memory with /usr/bin/time -v.
//
//	go run ./examples/gendata -targets 1000000 -inspectors 100 -out /tmp/reg1m
//	go build -o /tmp/officebench ./bench/office
//
//	# snapshot import into SQLite (goal >= 250k rows/s at 1M rows, peak <= 600 MB):
//	# -path values imports decoded targets, -path index the file as
//	# ssj registry import does (DecodeIndex), both (the default) runs both.
//	# Peak memory: one path per process, e.g.
//	/usr/bin/time -v /tmp/officebench import -runs 3 -path index /tmp/reg1m/targets.csv
//	# or the CLI itself:
//	/usr/bin/time -v ssj registry import /tmp/reg1m/targets.csv --store /tmp/reg1m.db
//
//	# audit of a store with the 1M snapshot and a 5% draw, against verifying
//	# the same draw from files as ssj verify does (goal: audit <= 3x verify)
//	/tmp/officebench audit -runs 3 /tmp/reg1m/targets.csv
//	# the same through the CLI, whole processes: keep the store and record,
//	# then time the two commands in alternation
//	/tmp/officebench audit -runs 1 -keep /tmp/auditbench /tmp/reg1m/targets.csv
//	ssj audit --store /tmp/auditbench/bench.db
//	ssj verify /tmp/auditbench/record.json --targets /tmp/reg1m/targets.csv
//
//	# the whole demo flow on SQLite (goal <= 1 s)
//	/tmp/officebench demo -runs 5
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"syscall"
	"time"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/examples"
	"github.com/shuangsuiji/ssj/internal/mapfile"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/sqlitestore"
	"github.com/shuangsuiji/ssj/registry"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	mode := os.Args[1]
	fs := flag.NewFlagSet(mode, flag.ExitOnError)
	runs := fs.Int("runs", 3, "number of runs")
	prof := fs.String("cpuprofile", "", "write a CPU profile to this `FILE`")
	keep := fs.String("keep", "", "audit: keep the store (bench.db) and the record (record.json) in `DIR`, so that the CLI can be timed on them: ssj audit --store DIR/bench.db against ssj verify DIR/record.json --targets TARGETS.csv")
	path := fs.String("path", "both", "import: `values` (decoded targets, the embedder's path), index (the file through registry.DecodeIndex, ssj registry import's path) or both")
	fs.Parse(os.Args[2:])
	if *prof != "" {
		f, err := os.Create(*prof)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		defer pprof.StopCPUProfile()
	}
	var err error
	switch mode {
	case "import":
		err = benchImport(*runs, fs.Arg(0), *path)
	case "audit":
		err = benchAudit(*runs, fs.Arg(0), *keep)
	case "demo":
		err = benchDemo(*runs)
	default:
		usage()
	}
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "officebench:", err)
		os.Exit(1)
	}
	fmt.Printf("go heap peak (runtime/metrics heap objects+unused at end): %.0f MB\n", heapPeakMB())
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: office import|audit|demo [-runs N] [TARGETS.csv]")
	os.Exit(2)
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func heapPeakMB() float64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	metrics.Read(s)
	return float64(s[0].Value.Uint64()) / (1 << 20)
}

func readTargets(path string) ([]registry.Target, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	tab, err := registry.Decode(data, registry.ImportOptions{File: path, Pool: registry.PoolTargets})
	if err != nil {
		return nil, err
	}
	return tab.Targets, nil
}

func newStore(dir string) (*sqlitestore.Store, *office.Office, *demo.SimClock, error) {
	st, err := sqlitestore.Open(context.Background(), filepath.Join(dir, "bench.db"), sqlitestore.Options{})
	if err != nil {
		return nil, nil, nil, err
	}
	o, clock, err := demo.New(st)
	return st, o, clock, err
}

var t0 = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)

func importInto(o *office.Office, clock *demo.SimClock, in office.SnapshotImport) (office.SnapshotInfo, error) {
	clock.Set(t0)
	in.ID, in.Pool, in.At = "targets", registry.PoolTargets, t0
	return o.ImportSnapshot(context.Background(), office.Step{Who: "bench", At: t0}, in)
}

func benchImport(runs int, path, mode string) error {
	var targets []registry.Target
	if mode != "index" {
		var err error
		if targets, err = readTargets(path); err != nil {
			return err
		}
	}
	var walls, bases, idxWalls, idxImports []time.Duration
	n := 0
	for i := 0; i < runs; i++ {
		if mode != "index" {
			// Baseline: the registry commitment of the same rows, no store.
			runtime.GC()
			start := time.Now()
			if _, err := registry.CommitTargets(targets); err != nil {
				return err
			}
			bases = append(bases, time.Since(start))
			// The values path: ImportSnapshot of decoded targets.
			wall, info, cpu, err := timedImport(func(o *office.Office, clock *demo.SimClock) (office.SnapshotInfo, error) {
				return importInto(o, clock, office.SnapshotImport{Targets: targets})
			})
			if err != nil {
				return err
			}
			walls, n = append(walls, wall), int(info.Count)
			fmt.Printf("import run %d (values): %d rows in %v (%.0f rows/s; process CPU %v); baseline registry.CommitTargets %v\n", i+1, info.Count,
				wall.Round(time.Millisecond), float64(info.Count)/wall.Seconds(), cpu.Round(time.Millisecond), bases[i].Round(time.Millisecond))
		}
		if mode != "values" {
			// The index path of ssj registry import: map the file, decode an
			// index, import it; the import step alone is timed too.
			var imp, impCPU time.Duration
			wall, info, cpu, err := timedImport(func(o *office.Office, clock *demo.SimClock) (office.SnapshotInfo, error) {
				mf, err := mapfile.Open(path)
				if err != nil {
					return office.SnapshotInfo{}, err
				}
				defer mf.Close()
				idx, err := registry.DecodeIndex(mf.Data, registry.ImportOptions{File: path, Pool: registry.PoolTargets})
				if err != nil {
					return office.SnapshotInfo{}, err
				}
				cpu0, start := cpuTime(), time.Now()
				info, err := importInto(o, clock, office.SnapshotImport{Index: idx})
				imp, impCPU = time.Since(start), cpuTime()-cpu0
				return info, err
			})
			if err != nil {
				return err
			}
			idxWalls, idxImports, n = append(idxWalls, wall), append(idxImports, imp), int(info.Count)
			fmt.Printf("import run %d (index): %d rows in %v from the file (%.0f rows/s; process CPU %v), of which ImportSnapshot %v (%.0f rows/s; process CPU %v)\n", i+1, info.Count,
				wall.Round(time.Millisecond), float64(info.Count)/wall.Seconds(), cpu.Round(time.Millisecond), imp.Round(time.Millisecond), float64(info.Count)/imp.Seconds(), impCPU.Round(time.Millisecond))
		}
	}
	if len(walls) > 0 {
		m := median(walls)
		fmt.Printf("import median (values): %v, %.0f rows/s; baseline median %v; ratio import/commit %.2f\n", m.Round(time.Millisecond),
			float64(n)/m.Seconds(), median(bases).Round(time.Millisecond), m.Seconds()/median(bases).Seconds())
	}
	if len(idxWalls) > 0 {
		m, mi := median(idxWalls), median(idxImports)
		fmt.Printf("import median (index): file to store %v, %.0f rows/s; ImportSnapshot %v, %.0f rows/s\n", m.Round(time.Millisecond),
			float64(n)/m.Seconds(), mi.Round(time.Millisecond), float64(n)/mi.Seconds())
		if len(walls) > 0 {
			fmt.Printf("ratio ImportSnapshot index/values %.2f\n", mi.Seconds()/median(walls).Seconds())
		}
	}
	return nil
}

// timedImport runs imp on a fresh SQLite store and returns its wall time
// and the process CPU it used.
func timedImport(imp func(*office.Office, *demo.SimClock) (office.SnapshotInfo, error)) (time.Duration, office.SnapshotInfo, time.Duration, error) {
	dir, err := os.MkdirTemp("", "officebench")
	if err != nil {
		return 0, office.SnapshotInfo{}, 0, err
	}
	defer os.RemoveAll(dir)
	st, o, clock, err := newStore(dir)
	if err != nil {
		return 0, office.SnapshotInfo{}, 0, err
	}
	runtime.GC()
	cpu0 := cpuTime()
	start := time.Now()
	info, err := imp(o, clock)
	cpu := cpuTime() - cpu0
	wall := time.Since(start)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	return wall, info, cpu, err
}

// benchTask is a 5% draw over the whole registry, with the sample's drand
// beacon as randomness.
func benchTask() (draw.Task, []draw.Evidence, error) {
	var ev []draw.Evidence
	rj, err := examples.Data.ReadFile("data/randomness.json")
	if err != nil {
		return draw.Task{}, nil, err
	}
	if ev, err = draw.DecodeEvidence(bytes.NewReader(rj)); err != nil {
		return draw.Task{}, nil, err
	}
	tj, err := examples.Data.ReadFile("data/task.json")
	if err != nil {
		return draw.Task{}, nil, err
	}
	sample, err := draw.DecodeTask(bytes.NewReader(tj))
	if err != nil {
		return draw.Task{}, nil, err
	}
	task := draw.Task{ID: "BENCH-5PCT", Name: "5% of the registry", Items: sample.Items,
		Quota:   draw.QuotaRule{DefaultRatio: "0.05", Rounding: "ceiling", Base: "scope"},
		Sources: sample.Sources, CommitTime: sample.CommitTime}
	return task, ev, nil
}

func benchAudit(runs int, path, keep string) error {
	targets, err := readTargets(path)
	if err != nil {
		return err
	}
	dir := keep
	if dir == "" {
		if dir, err = os.MkdirTemp("", "officebench"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	st, o, clock, err := newStore(dir)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := importInto(o, clock, office.SnapshotImport{Targets: targets}); err != nil {
		return err
	}
	task, ev, err := benchTask()
	if err != nil {
		return err
	}
	ctx := context.Background()
	at := task.CommitTime.Add(-time.Hour)
	clock.Set(task.CommitTime)
	if err := o.LaunchTask(ctx, office.Step{Who: "bench", At: at}, task); err != nil {
		return err
	}
	if _, err := o.CommitManifest(ctx, office.Step{Who: "bench", At: task.CommitTime}, office.ManifestCommit{TaskID: task.ID}); err != nil {
		return err
	}
	drawAt := task.CommitTime.Add(12 * time.Hour)
	clock.Set(drawAt)
	rec, err := o.RunDraw(ctx, office.Step{Who: "bench", At: drawAt}, task.ID, ev)
	if err != nil {
		return err
	}
	recJSON, err := draw.MarshalRecord(&rec)
	if err != nil {
		return err
	}
	recPath := filepath.Join(dir, "record.json")
	if err := os.WriteFile(recPath, recJSON, 0o644); err != nil {
		return err
	}
	fmt.Printf("store: %d targets, draw of %d selected\n", len(targets), len(rec.Selected))
	targets = nil
	var audits, verifies []time.Duration
	for i := 0; i < runs; i++ {
		// ssj verify RECORD --targets FILE: read both, re-run the draw.
		runtime.GC()
		start := time.Now()
		if err := verifyFromFiles(recPath, path); err != nil {
			return err
		}
		verifies = append(verifies, time.Since(start))

		runtime.GC()
		start = time.Now()
		rep, err := office.Audit(ctx, st, office.AuditOptions{})
		if err != nil {
			return err
		}
		if !rep.OK {
			return fmt.Errorf("audit: %v", rep.Problem)
		}
		audits = append(audits, time.Since(start))
		fmt.Printf("run %d: verify from files %v, audit of the store %v\n", i+1, verifies[i].Round(time.Millisecond), audits[i].Round(time.Millisecond))
	}
	va, vv := median(audits), median(verifies)
	fmt.Printf("median: verify from files %v, audit %v, ratio audit/verify %.2f\n", vv.Round(time.Millisecond), va.Round(time.Millisecond), va.Seconds()/vv.Seconds())
	return nil
}

func verifyFromFiles(recPath, targetsPath string) error {
	f, err := os.Open(recPath)
	if err != nil {
		return err
	}
	rec, err := draw.DecodeRecord(f)
	f.Close()
	if err != nil {
		return err
	}
	targets, err := readTargets(targetsPath)
	if err != nil {
		return err
	}
	return draw.Verify(&rec, targets, nil)
}

func benchDemo(runs int) error {
	var walls []time.Duration
	for i := 0; i < runs; i++ {
		dir, err := os.MkdirTemp("", "officebench")
		if err != nil {
			return err
		}
		start := time.Now()
		st, o, clock, err := newStore(dir)
		if err != nil {
			return err
		}
		sum, err := demo.Run(context.Background(), o, clock, nil)
		st.Close()
		wall := time.Since(start)
		os.RemoveAll(dir)
		if err != nil {
			return err
		}
		walls = append(walls, wall)
		fmt.Printf("demo run %d: %v (%d drawn, %d results)\n", i+1, wall.Round(time.Millisecond), sum.Selected, sum.Results)
	}
	fmt.Printf("demo median: %v\n", median(walls).Round(time.Millisecond))
	return nil
}
