// Command draw is the measuring harness of the draw at scale (issue 13).
// It generates target pools with examples/gendata, then measures, in one
// run and interleaved so that the machine's load affects all alike:
//
//   - the HMAC floor: one HMAC-SHA256 per label over the spec's rank
//     message, a plain loop on one core;
//   - the verification floor: SHA-256 of every canonical leaf plus that
//     HMAC, a plain loop on one core;
//   - the machine's ceiling for the 2-core goals: the HMAC floor's loop
//     split over GOMAXPROCS goroutines, against the same loop on one;
//   - draw.RunPool on a committed pool (in process), on all processors and
//     on one;
//   - draw.VerifyPool from the pool file's bytes (registry.ReadPool, then
//     VerifyPool), on all processors and on one;
//   - for both, where a speed-up short of the processor count goes: the
//     share of the processors busy on all of them (process CPU time over
//     wall time), and the CPU time on all against the CPU time on one;
//   - with -confined (Linux), from bytes again on all processors with
//     every thread of the process confined to one CPU: its CPU time
//     against that on one processor is the work the parallel form adds,
//     apart from two CPUs running at once;
//   - with -cli, the commands `ssj draw run` and `ssj verify` and a floor
//     process that reads the CSV and computes the leaf hash and the HMAC of
//     every row (this binary with -floor), with wall time and peak RSS;
//   - with -mmap, registry.ReadPool over the file read in blocks versus
//     over a memory map of it;
//   - with -hugeheap, all of the in-process figures with the heap marked
//     for transparent huge pages first, as ssj marks it before it reads a
//     large pool file (internal/hugeheap): the figures an embedding
//     program gets when its main does the same.
//
// It prints medians over -runs runs and their ratios to the floors. Usage:
//
//	go run ./bench/draw -sizes 1000000 -runs 1                  # CI smoke test
//	go run ./bench/draw -sizes 10000,100000,1000000 -runs 5 -cli -mmap
//	go run ./bench/draw -big -runs 3 -cli                       # adds 10M (1.1 GB CSV)
//	go run ./bench/draw -sizes 1000000 -runs 3 -suite sm        # ssj-v1-sm against ssj-v1 (issue 16)
//	go run ./bench/draw -sizes 10000 -big -runs 2 -cli-only     # the CLI alone, every size
package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/internal/hugeheap"
	"github.com/shuangsuiji/ssj/registry"
)

func main() {
	sizes := flag.String("sizes", "10000,100000,1000000", "pool sizes, comma-separated")
	big := flag.Bool("big", false, "add the 10M pool (a 1.1 GB CSV; slow)")
	runs := flag.Int("runs", 3, "runs per measurement (medians are reported)")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "ssj-bench"), "work directory for pools and binaries")
	cli := flag.Bool("cli", false, "measure the ssj CLI and the floor process at the largest size")
	mm := flag.Bool("mmap", false, "compare reading the largest pool file through a memory map")
	memprof := flag.String("memprofile", "", "write a heap profile with the largest pool live")
	cliOnly := flag.Bool("cli-only", false, "measure only the CLI and the floor process, at every size (not the in-process figures)")
	floor := flag.String("floor", "", "internal: run the floor process on this CSV file")
	key := flag.String("key", "", "internal: K in hex for -floor")
	confined := flag.Bool("confined", false, "also run ReadPool + VerifyPool with all processors' goroutines confined to one CPU, and compare its CPU time with the 1-processor run's (Linux)")
	phases := flag.Bool("phases", false, "also print ReadPool + VerifyPool from the file's bytes phase by phase (runtime/trace regions), on 1 processor and on all")
	huge := flag.Bool("hugeheap", false, "mark the heap for transparent huge pages first, as ssj does before it reads a large pool file (internal/hugeheap; Linux with the kernel's madvise setting)")
	runPoolOnly := flag.Bool("runpool-only", false, "measure only RunPool on all processors and on one, alternated, each run cold, and the HMAC floor's ceiling (the 2-core goal of RunPool), at every size")
	suiteName := flag.String("suite", "", "also measure the draw at the largest size under this crypto suite (sm: ssj-v1-sm) against ssj-v1 and its own SM3 floors")
	flag.Parse()
	if *floor != "" {
		if err := floorProcess(*floor, *key); err != nil {
			fail(err)
		}
		return
	}
	if *huge {
		// More than the harness's heap at 10M (the pool it keeps, one it
		// reads, their draws).
		ok, err := hugeheap.Advise(4 << 30)
		if err != nil {
			fail(err)
		}
		fmt.Printf("heap marked for transparent huge pages: %v\n", ok)
	}
	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fail(fmt.Errorf("bad -sizes %q", *sizes))
		}
		ns = append(ns, n)
	}
	if *big {
		ns = append(ns, 10_000_000)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fail(err)
	}
	gendata := filepath.Join(*dir, "gendata")
	ssj := filepath.Join(*dir, "ssj")
	run("go", "build", "-o", gendata, "./examples/gendata")
	run("go", "build", "-o", ssj, "./cmd/ssj")
	fmt.Printf("GOMAXPROCS %d, %d run(s) per figure, medians; floors are single-core loops measured in the same run\n", runtime.GOMAXPROCS(0), *runs)
	var growth []string
	var base float64
	for k, n := range ns {
		d := filepath.Join(*dir, strconv.Itoa(n))
		csv := filepath.Join(d, "targets.csv")
		if _, err := os.Stat(csv); err != nil {
			run(gendata, "-targets", strconv.Itoa(n), "-inspectors", "100", "-out", d)
		}
		if *cliOnly {
			fmt.Printf("\n== %d targets ==\n", n)
			measureCLI(ssj, d, csv, keyOf(d, csv), *runs)
			continue
		}
		if *runPoolOnly {
			measureRunPool(n, d, csv, *runs)
			continue
		}
		r := measure(n, d, csv, *runs, *confined, *phases)
		perUnit := r.verify / float64(n) * 1e9
		if k == 0 {
			base = r.verify / r.leafFloor
		}
		growth = append(growth, fmt.Sprintf("%d: verify %.0f ns/target, %.2fx floor (%.2f of the smallest size's ratio)", n, perUnit, r.verify/r.leafFloor, r.verify/r.leafFloor/base))
		last := k == len(ns)-1
		if last && *memprof != "" {
			writeHeapProfile(*memprof, csv)
		}
		if last && *mm {
			compareMmap(csv, *runs)
		}
		if last && *cli {
			measureCLI(ssj, d, csv, r.key, *runs)
		}
		if last && *suiteName != "" {
			measureSuite(readPool(csv), *runs, *suiteName)
		}
	}
	if *cliOnly || *runPoolOnly {
		return
	}
	fmt.Println("growth (verify from file bytes per target, against the floor at the same size):")
	for _, g := range growth {
		fmt.Println("  " + g)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/draw:", err)
	os.Exit(1)
}

func run(name string, args ...string) {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fail(fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err))
	}
}

const taskJSON = `{
  "id": "BENCH-1", "name": "benchmark whole-registry draw", "items": ["ZA-01"],
  "scope": {}, "strata": ["credit_class"],
  "quota": {"ratios": [{"stratum": "A", "ratio": "0.05"}, {"stratum": "B", "ratio": "0.1"},
    {"stratum": "C", "ratio": "0.3"}, {"stratum": "D", "ratio": "0.7"}]},
  "sources": [{"kind": "participant", "participant": "监督员甲", "commitment": "%s"}],
  "commit_time": "2026-09-17T23:13:42+08:00"
}`

const secret = "bench participant secret"

type result struct {
	key                          draw.Key
	hmacFloor, leafFloor         float64
	hmacPar                      float64 // the HMAC floor split over GOMAXPROCS goroutines
	runPool, runPool1            float64
	verify, verify1, verifyAlone float64
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func readPool(csv string) *registry.Pool {
	f, err := os.Open(csv)
	if err != nil {
		fail(err)
	}
	defer f.Close()
	p, err := registry.ReadPool(f, registry.ImportOptions{File: csv})
	if err != nil {
		fail(err)
	}
	return p
}

// hmacParallel is the HMAC floor's loop with the labels split evenly over
// GOMAXPROCS goroutines, each with its own HMAC: work that shares nothing,
// so its speed-up over one goroutine is the most two processors of this
// machine give.
func hmacParallel(p *registry.Pool, k draw.Key) byte {
	w := runtime.GOMAXPROCS(0)
	sinks := make([]byte, w)
	var wg sync.WaitGroup
	for c := range w {
		wg.Go(func() { sinks[c] = hmacRange(p, k, p.Len()*c/w, p.Len()*(c+1)/w) })
	}
	wg.Wait()
	var s byte
	for _, b := range sinks {
		s ^= b
	}
	return s
}

// hmacRange is the HMAC floor's loop over the labels of units [lo, hi):
// one HMAC-SHA256 under k of each label's rank message; it returns a byte
// of the results so that the loop is not optimised away.
func hmacRange(p *registry.Pool, k draw.Key, lo, hi int) byte {
	mac := hmac.New(sha256.New, k[:])
	var out [32]byte
	var msg []byte
	var sink byte
	for i := lo; i < hi; i++ {
		msg = rankMessage(msg[:0], p.Label(i))
		mac.Reset()
		mac.Write(msg)
		sink ^= mac.Sum(out[:0])[0]
	}
	return sink
}

// rankMessage appends lp("ssj-v1") || lp("target") || lp(label).
func rankMessage(dst []byte, label string) []byte {
	for _, s := range []string{draw.Algorithm, draw.PurposeTarget, label} {
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(s)))
		dst = append(dst, s...)
	}
	return dst
}

// prepare reads the pool at csv and writes the draw's manifest and
// evidence and a 0.1% draw's record to dir; it returns the pool, the
// manifest, the evidence and the draw's key.
func prepare(dir, csv string) (*registry.Pool, draw.Manifest, []draw.Evidence, draw.Key) {
	h := sha256.Sum256([]byte(secret))
	task, err := draw.DecodeTask(strings.NewReader(fmt.Sprintf(taskJSON, hex.EncodeToString(h[:]))))
	if err != nil {
		fail(err)
	}
	ev := []draw.Evidence{{Secret: secret}}
	p := readPool(csv)
	m, err := draw.CommitPool(task, p, nil)
	if err != nil {
		fail(err)
	}
	mdoc, err := draw.MarshalManifest(&m)
	if err != nil {
		fail(err)
	}
	writeFile(filepath.Join(dir, "manifest.json"), mdoc)
	writeFile(filepath.Join(dir, "evidence.json"), []byte(`[{"secret":"`+secret+`"}]`))
	// A 0.1% draw on the same pool: its record is small, so the streaming
	// verification's memory shows what the pool itself costs.
	small := task
	small.ID = "BENCH-SMALL"
	small.Quota = draw.QuotaRule{DefaultRatio: "0.001"}
	msmall, err := draw.CommitPool(small, p, nil)
	if err != nil {
		fail(err)
	}
	srec, err := draw.RunPool(msmall, ev, p, nil)
	if err != nil {
		fail(err)
	}
	sdoc, err := draw.MarshalRecord(&srec)
	if err != nil {
		fail(err)
	}
	writeFile(filepath.Join(dir, "record-small.json"), sdoc)
	mh, err := m.Hash()
	if err != nil {
		fail(err)
	}
	rnd, err := draw.DeriveRandomness(m.CommitTime, m.Sources, ev)
	if err != nil {
		fail(err)
	}
	return p, m, ev, draw.DeriveKey(mh, rnd.R)
}

// keyOf is the key of the draw prepare wrote to dir, preparing it first
// when it is missing.
func keyOf(dir, csv string) draw.Key {
	f, err := os.Open(filepath.Join(dir, "manifest.json"))
	if err != nil {
		_, _, _, k := prepare(dir, csv)
		return k
	}
	defer f.Close()
	m, err := draw.DecodeManifest(f)
	if err != nil {
		fail(err)
	}
	mh, err := m.Hash()
	if err != nil {
		fail(err)
	}
	rnd, err := draw.DeriveRandomness(m.CommitTime, m.Sources, []draw.Evidence{{Secret: secret}})
	if err != nil {
		fail(err)
	}
	return draw.DeriveKey(mh, rnd.R)
}

// measureRunPool prints RunPool's time on all processors and on one (in
// turn, each run starting with the freed heap given back, as measure's
// do), and the HMAC floor's speed-up on all processors, measured in the
// same runs: the figures of the 2-core goal for RunPool alone, in a
// fraction of measure's time, so that two builds can be alternated many
// times.
func measureRunPool(n int, dir, csv string, runs int) {
	p, m, ev, k := prepare(dir, csv)
	var tR, tR1, tH, tHP []float64
	var sink byte
	procs := runtime.GOMAXPROCS(0)
	for range runs {
		t0 := time.Now()
		sink ^= hmacRange(p, k, 0, p.Len())
		tH = append(tH, time.Since(t0).Seconds())
		t0 = time.Now()
		sink ^= hmacParallel(p, k)
		tHP = append(tHP, time.Since(t0).Seconds())
		for _, one := range []bool{false, true} {
			if one {
				runtime.GOMAXPROCS(1)
			}
			debug.FreeOSMemory()
			t0 := time.Now()
			_, err := draw.RunPool(m, ev, p, nil)
			d := time.Since(t0).Seconds()
			runtime.GOMAXPROCS(procs)
			if err != nil {
				fail(err)
			}
			if one {
				tR1 = append(tR1, d)
			} else {
				tR = append(tR, d)
			}
		}
	}
	_ = sink
	fmt.Printf("\n== %d targets, RunPool only, %d runs ==\n", n, runs)
	fmt.Printf("RunPool on %d processors %.1f ms, on 1 %.1f ms: %.2fx (ratio of the medians); median (range) of each run's ratio %s; HMAC floor on %d goroutines: %s (the ceiling)\n",
		procs, median(tR)*1000, median(tR1)*1000, median(tR1)/median(tR), paired(tR1, tR), procs, paired(tH, tHP))
}

// paired returns the median and range of the runs' ratios one[i] /
// two[i]: the 1- and 2-core figures of one run are seconds apart, so
// drifting load on the host moves both alike.
func paired(one, two []float64) string {
	rs := make([]float64, len(one))
	for i := range one {
		rs[i] = one[i] / two[i]
	}
	return fmt.Sprintf("%.2fx (%.2f-%.2f)", median(rs), slices.Min(rs), slices.Max(rs))
}

func measure(n int, dir, csv string, runs int, confined, phases bool) result {
	p, m, ev, k := prepare(dir, csv)
	var tH, tHP, tL, tR, tR1, tV, tV1, tVA []float64
	var cH, cL, cR, cV, cVA []float64 // process CPU seconds
	var cR1, cV1 []float64            // the same on one processor
	var cVC, tVC []float64            // from bytes, all processors' goroutines on one CPU
	var fV, fV1 []float64             // from bytes, minor page faults on all processors and on one
	var fR, fR1 []float64             // RunPool, the same
	var confineErr error
	var sink byte
	var last draw.Record // the draw of the last run
	for range runs {
		runtime.GC()
		t0, c0 := time.Now(), cpuSeconds()
		sink ^= hmacRange(p, k, 0, p.Len())
		tH, cH = append(tH, time.Since(t0).Seconds()), append(cH, cpuSeconds()-c0)

		t0 = time.Now()
		sink ^= hmacParallel(p, k)
		tHP = append(tHP, time.Since(t0).Seconds())

		t0, c0 = time.Now(), cpuSeconds()
		mac := hmac.New(sha256.New, k[:])
		var out [32]byte
		var msg, leaf []byte
		for i := range p.Len() {
			leaf = p.AppendLeaf(append(leaf[:0], 0), i)
			lh := sha256.Sum256(leaf)
			sink ^= lh[0]
			msg = rankMessage(msg[:0], p.Label(i))
			mac.Reset()
			mac.Write(msg)
			sink ^= mac.Sum(out[:0])[0]
		}
		tL, cL = append(tL, time.Since(t0).Seconds()), append(cL, cpuSeconds()-c0)

		// Each RunPool starts, as each from-bytes run does (below), with
		// the freed heap given back, and its page faults are counted: the
		// run on all processors follows the floors, during which the
		// runtime gives the heap back in the background, while the one on
		// one processor followed a from-bytes run and reused the pages it
		// had just touched.
		debug.FreeOSMemory()
		t0, c0, f0 := time.Now(), cpuSeconds(), minorFaults()
		rec, err := draw.RunPool(m, ev, p, nil)
		tR, cR, fR = append(tR, time.Since(t0).Seconds()), append(cR, cpuSeconds()-c0), append(fR, minorFaults()-f0)
		if err != nil {
			fail(err)
		}
		last = rec
		t0, c0 = time.Now(), cpuSeconds()
		if err := draw.VerifyPool(&rec, p, nil); err != nil {
			fail(err)
		}
		tVA, cVA = append(tVA, time.Since(t0).Seconds()), append(cVA, cpuSeconds()-c0)
		// Each from-bytes run starts with the heap the last ones freed
		// given back to the system, as in a new process: otherwise the run
		// on one processor, which follows the one on all at once, reuses
		// the pages that one touched, while the run on all, which follows
		// the floors (during which the runtime gives freed pages back in
		// the background), touches them again (at 1M, 42,900 faults a run
		// against 1,700: 2-core ratios of 1.17x instead of about 1.6x).
		debug.FreeOSMemory()
		t0, c0, f0 = time.Now(), cpuSeconds(), minorFaults()
		q := readPool(csv)
		if err := draw.VerifyPool(&rec, q, nil); err != nil {
			fail(err)
		}
		tV, cV, fV = append(tV, time.Since(t0).Seconds()), append(cV, cpuSeconds()-c0), append(fV, minorFaults()-f0)
		q = nil
		_ = q

		procs := runtime.GOMAXPROCS(1)
		debug.FreeOSMemory()
		t0, c0, f0 = time.Now(), cpuSeconds(), minorFaults()
		if _, err := draw.RunPool(m, ev, p, nil); err != nil {
			fail(err)
		}
		tR1, cR1, fR1 = append(tR1, time.Since(t0).Seconds()), append(cR1, cpuSeconds()-c0), append(fR1, minorFaults()-f0)
		debug.FreeOSMemory()
		t0, c0, f0 = time.Now(), cpuSeconds(), minorFaults()
		if err := draw.VerifyPool(&rec, readPool(csv), nil); err != nil {
			fail(err)
		}
		tV1, cV1, fV1 = append(tV1, time.Since(t0).Seconds()), append(cV1, cpuSeconds()-c0), append(fV1, minorFaults()-f0)
		runtime.GOMAXPROCS(procs)
		if confined && procs > 1 && confineErr == nil {
			var c, w float64
			if c, w, confineErr = confinedVerify(&rec, csv); confineErr == nil {
				cVC, tVC = append(cVC, c), append(tVC, w)
			}
		}
	}
	_ = sink
	r := result{key: k, hmacFloor: median(tH), hmacPar: median(tHP), leafFloor: median(tL), runPool: median(tR), runPool1: median(tR1),
		verify: median(tV), verify1: median(tV1), verifyAlone: median(tVA)}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	fp := p.Footprint()
	fmt.Printf("\n== %d targets (%d profiles) ==\n", n, p.Profiles())
	fmt.Printf("HMAC floor                         %8.3f s\n", r.hmacFloor)
	fmt.Printf("leaf SHA-256 + HMAC floor          %8.3f s\n", r.leafFloor)
	fmt.Printf("HMAC floor on %d goroutines         %8.3f s  (%.2fx faster than on one: this machine's ceiling for the 2-core goals)\n",
		runtime.GOMAXPROCS(0), r.hmacPar, r.hmacFloor/r.hmacPar)
	fmt.Printf("RunPool (committed pool)           %8.3f s  %.2fx HMAC floor   1 core %.3f s (2 cores %.2fx faster)\n", r.runPool, r.runPool/r.hmacFloor, r.runPool1, r.runPool1/r.runPool)
	fmt.Printf("VerifyPool (pool in memory)        %8.3f s  %.2fx leaf+HMAC floor\n", r.verifyAlone, r.verifyAlone/r.leafFloor)
	fmt.Printf("ReadPool + VerifyPool (file bytes) %8.3f s  %.2fx leaf+HMAC floor   1 core %.3f s (2 cores %.2fx faster)\n", r.verify, r.verify/r.leafFloor, r.verify1, r.verify1/r.verify)
	// The speed-ups again as medians of each run's own ratio (paired).
	fmt.Printf("2 cores vs 1, median (range) of each run's own ratio: HMAC floor on %d goroutines %s (the ceiling), RunPool %s, ReadPool + VerifyPool %s\n",
		runtime.GOMAXPROCS(0), paired(tH, tHP), paired(tR1, tR), paired(tV1, tV))
	// Where a speed-up short of the processor count goes: time with a
	// processor idle (serial work), or more CPU time for the same work
	// (the processors slowing each other down, or the host taking them).
	// The speed-up is the processor count times the share of the
	// processors busy, divided by the CPU time's growth.
	if procs := runtime.GOMAXPROCS(0); procs > 1 && median(cR1) > 0 {
		busy := func(cpu, wall []float64) string {
			rs := make([]float64, len(cpu))
			for i := range cpu {
				rs[i] = cpu[i] / wall[i] / float64(procs)
			}
			return fmt.Sprintf("%.0f%%", 100*median(rs))
		}
		fmt.Printf("on %d processors the processors were busy (process CPU / wall / %d, median): RunPool %s, ReadPool + VerifyPool %s; CPU time on %d processors against 1 (median of each run's ratio): RunPool %s, ReadPool + VerifyPool %s\n",
			procs, procs, busy(cR, tR), busy(cV, tV), procs, paired(cR, cR1), paired(cV, cV1))
	}
	if median(fV) > 0 {
		// A fault is the first touch of a page the system gives: of the
		// whole heap a run grows into, unless it is marked for huge pages
		// (-hugeheap).
		faults := func(two, one []float64) string {
			return fmt.Sprintf("%.0f (%.0f-%.0f) on %d processors, %.0f (%.0f-%.0f) on 1",
				median(two), slices.Min(two), slices.Max(two), runtime.GOMAXPROCS(0), median(one), slices.Min(one), slices.Max(one))
		}
		fmt.Printf("page faults a run (median (range)): from bytes %s; RunPool %s\n", faults(fV, fV1), faults(fR, fR1))
	}
	if phases {
		measurePhases("ReadPool + VerifyPool (file bytes)", func() error { return draw.VerifyPool(&last, readPool(csv), nil) }, runs)
		measurePhases("RunPool (committed pool)", func() error { _, err := draw.RunPool(m, ev, p, nil); return err }, runs)
	}
	if confineErr != nil {
		fmt.Printf("confined to one CPU: not measured (%v)\n", confineErr)
	} else if len(cVC) > 0 {
		procs := runtime.GOMAXPROCS(0)
		fmt.Printf("ReadPool + VerifyPool on %d processors confined to one CPU (%.3f s, CPU %.0f%% of the wall time): CPU time %s that on 1 processor, against %s on %d CPUs (median (range) of each run's ratio): the first is the work the %d-processor form adds (plus the cost of its goroutines taking turns on one CPU), the rest of the second the CPUs slowing each other down\n",
			procs, median(tVC), 100*median(cVC)/median(tVC), paired(cVC, cV1), paired(cV, cV1), procs, procs)
	}
	fmt.Printf("CPU time (less sensitive to other load): floors %.3f s and %.3f s; RunPool %.2fx HMAC floor; VerifyPool %.2fx, ReadPool + VerifyPool %.2fx leaf+HMAC floor\n",
		median(cH), median(cL), median(cR)/median(cH), median(cVA)/median(cL), median(cV)/median(cL))
	fmt.Printf("memory: heap in use %.0f B/target; pool %.0f B/target = labels %.1f + names %.1f + offsets %.1f + unit indexes %.1f + profiles %.1f\n",
		float64(ms.HeapAlloc)/float64(n), float64(fp.Total())/float64(n), float64(fp.Labels)/float64(n), float64(fp.Names)/float64(n),
		float64(fp.Offsets)/float64(n), float64(fp.Units)/float64(n), float64(fp.Profiles)/float64(n))
	runtime.KeepAlive(p)
	return r
}

// confinedVerify runs ReadPool + VerifyPool of csv against rec with every
// thread of the process on one CPU (GOMAXPROCS unchanged: the goroutines
// of all processors take turns) and returns its CPU time, or why the
// process could not be confined; and its wall time.
func confinedVerify(rec *draw.Record, csv string) (cpu, wall float64, err error) {
	runtime.GC()
	restore, err := confineToOneCPU()
	if err != nil {
		return 0, 0, err
	}
	t0, c0 := time.Now(), cpuSeconds()
	err = draw.VerifyPool(rec, readPool(csv), nil)
	c, w := cpuSeconds()-c0, time.Since(t0).Seconds()
	if rerr := restore(); rerr != nil {
		fail(rerr)
	}
	if err != nil {
		fail(err)
	}
	return c, w, nil
}

// timing is one run of a command: wall time, CPU time (user + system,
// of the command alone) and peak RSS in MiB.
type timing struct{ wall, cpu, rss float64 }

// timed runs a command. The peak RSS comes from /usr/bin/time when it is
// installed: the rusage of a child started from this (large) process also
// counts the parent's pages it shared before exec.
func timed(name string, args ...string) timing {
	gnuTime := false
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		args = append([]string{"-f", "maxrss-kib %M", name}, args...)
		name, gnuTime = "/usr/bin/time", true
	}
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	err := cmd.Run()
	t := timing{wall: time.Since(t0).Seconds()}
	if err != nil {
		fail(fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out.String()))
	}
	t.cpu = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	t.rss = peakRSS(cmd.ProcessState)
	if gnuTime {
		if i := strings.LastIndex(out.String(), "maxrss-kib "); i >= 0 {
			kib, _ := strconv.ParseFloat(strings.TrimSpace(out.String()[i+len("maxrss-kib "):]), 64)
			t.rss = kib / 1024
		}
	}
	return t
}

// timings collects the runs of one command.
type timings []timing

func (ts timings) wall() float64 { return median(ts.get(func(t timing) float64 { return t.wall })) }
func (ts timings) cpu() float64  { return median(ts.get(func(t timing) float64 { return t.cpu })) }
func (ts timings) rss() float64  { return slices.Max(ts.get(func(t timing) float64 { return t.rss })) }
func (ts timings) get(f func(timing) float64) []float64 {
	out := make([]float64, len(ts))
	for i, t := range ts {
		out[i] = f(t)
	}
	return out
}

func measureCLI(ssj, dir, csv string, k draw.Key, runs int) {
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	man, ev, rec := filepath.Join(dir, "manifest.json"), filepath.Join(dir, "evidence.json"), filepath.Join(dir, "record.json")
	canon := filepath.Join(dir, "canonical.csv")
	if _, err := os.Stat(canon); err != nil {
		t := timed(ssj, "registry", "export", csv, "--canonical", "--out", canon)
		fmt.Printf("ssj registry export --canonical %8.3f s  peak %6.0f MiB (once)\n", t.wall, t.rss)
	}
	small := filepath.Join(dir, "record-small.json")
	type command struct {
		what string
		args []string
		ts   timings
	}
	cmds := []*command{
		{what: "floor process (read CSV, leaf hash + HMAC per row)", args: []string{self, "-floor", csv, "-key", hex.EncodeToString(k[:])}},
		{what: "ssj draw run", args: []string{ssj, "draw", "run", "--manifest", man, "--randomness", ev, "--targets", csv, "--out", rec}},
		{what: "ssj verify", args: []string{ssj, "verify", rec, "--targets", csv}},
		{what: "ssj verify, canonical-order file (streaming)", args: []string{ssj, "verify", rec, "--targets", canon}},
		{what: "0.1% draw: ssj verify, streaming", args: []string{ssj, "verify", small, "--targets", canon}},
		{what: "0.1% draw: ssj verify, file as generated (in memory)", args: []string{ssj, "verify", small, "--targets", csv}},
	}
	for range runs {
		for _, c := range cmds { // in alternation, so that load affects all alike
			c.ts = append(c.ts, timed(c.args[0], c.args[1:]...))
		}
	}
	f := cmds[0].ts
	fmt.Printf("CLI (%s), wall and CPU (user+system) medians, peak RSS the largest:\n", csv)
	for i, c := range cmds {
		ratio := ""
		if i > 0 {
			ratio = fmt.Sprintf("  %.2fx floor wall, %.2fx floor CPU", c.ts.wall()/f.wall(), c.ts.cpu()/f.cpu())
		}
		fmt.Printf("%-52s %8.3f s  CPU %7.3f s  peak %6.0f MiB%s\n", c.what, c.ts.wall(), c.ts.cpu(), c.ts.rss(), ratio)
	}
}

// floorProcess reads a gendata CSV (no quoted cells) and computes, per
// row, the canonical leaf's hash and the HMAC rank, in one goroutine.
func floorProcess(path, keyHex string) error {
	kb, err := hex.DecodeString(keyHex)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, kb)
	var leaf, msg []byte
	var out [32]byte
	var sink byte
	rows := 0
	lines := bytes.Split(data, []byte{'\n'})
	for _, line := range lines[1:] {
		if len(line) == 0 {
			continue
		}
		f := strings.Split(string(line), ",")
		if len(f) != 11 {
			return fmt.Errorf("floor: row %d has %d cells", rows+2, len(f))
		}
		c, _ := strconv.Atoi(f[8])
		t := registry.Target{ID: f[0], Kind: registry.Kind(f[2]), Jurisdiction: f[3], Industry: f[4], CreditClass: f[5],
			Abnormal: f[6] == "true", SeriousViolation: f[7] == "true", Complaints: c, Status: registry.Status(f[9]),
			Departments: strings.Split(f[10], ";")}
		leaf, err = registry.AppendTargetLeaf(append(leaf[:0], 0), &t)
		if err != nil {
			return err
		}
		h := sha256.Sum256(leaf)
		msg = rankMessage(msg[:0], t.ID)
		mac.Reset()
		mac.Write(msg)
		sink ^= mac.Sum(out[:0])[0] ^ h[0]
		rows++
	}
	fmt.Println(rows, sink)
	return nil
}

func writeHeapProfile(path, csv string) {
	p := readPool(csv)
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		fail(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		fail(err)
	}
	fmt.Printf("heap profile with a %d-target pool live: %s (go tool pprof -sample_index=inuse_space %s)\n", p.Len(), path, path)
	runtime.KeepAlive(p)
}

// writeFile writes a file the CLI figures read, or stops the harness.
func writeFile(path string, data []byte) {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		fail(err)
	}
}
