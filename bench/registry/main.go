// Command registry is the measuring harness of the registry benchmark
// (issue 2): it imports, validates and commits a target CSV file and prints
// the wall time of each run, the Go heap peak, and the process CPU time, so
// that peak memory can be read with /usr/bin/time -v:
//
//	go run ./examples/gendata -targets 1000000 -inspectors 100 -out /tmp/reg1m
//	go build -o /tmp/regbench ./bench/registry
//	/usr/bin/time -v /tmp/regbench -runs 1 /tmp/reg1m/targets.csv
//	/tmp/regbench -runs 5 /tmp/reg1m/targets.csv
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"syscall"
	"time"

	"github.com/shuangsuiji/ssj/registry"
)

func main() {
	runs := flag.Int("runs", 5, "number of runs")
	prof := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		defer pprof.StopCPUProfile()
	}
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: registry [-runs N] TARGETS.csv")
		os.Exit(2)
	}
	path := flag.Arg(0)
	var walls []time.Duration
	for i := 0; i < *runs; i++ {
		runtime.GC()
		start := time.Now()
		cpu0 := cpuTime()
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		tab, err := registry.Decode(data, registry.ImportOptions{File: path})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		c, err := tab.Commit()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		wall := time.Since(start)
		walls = append(walls, wall)
		fmt.Printf("run %d: %d targets root %s wall %v cpu %v\n", i+1, c.Count, c.Root[:16], wall.Round(time.Millisecond), (cpuTime() - cpu0).Round(time.Millisecond))
	}
	slices.Sort(walls)
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/goal:bytes"}}
	metrics.Read(s)
	fmt.Printf("median wall %v over %d run(s); GOMAXPROCS %d\n", walls[len(walls)/2].Round(time.Millisecond), len(walls), runtime.GOMAXPROCS(0))
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
