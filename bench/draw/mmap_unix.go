//go:build unix

package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/shuangsuiji/ssj/registry"
)

// compareMmap times registry.ReadPool over the file (read in blocks)
// against ReadPool over a read-only memory map of it.
func compareMmap(csv string, runs int) {
	var tr, tm []float64
	for range runs {
		runtime.GC()
		t0 := time.Now()
		readPool(csv)
		tr = append(tr, time.Since(t0).Seconds())

		runtime.GC()
		t0 = time.Now()
		f, err := os.Open(csv)
		if err != nil {
			fail(err)
		}
		st, _ := f.Stat()
		data, err := syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_PRIVATE)
		f.Close()
		if err != nil {
			fail(err)
		}
		if _, err := registry.ReadPool(bytes.NewReader(data), registry.ImportOptions{File: csv}); err != nil {
			fail(err)
		}
		tm = append(tm, time.Since(t0).Seconds())
		if err := syscall.Munmap(data); err != nil {
			fail(err)
		}
	}
	fmt.Printf("ReadPool from the file in 8 MiB blocks %8.3f s; from a memory map %8.3f s (%.2fx)\n", median(tr), median(tm), median(tm)/median(tr))
}

// peakRSS is the peak resident set size of a finished process, in MiB.
func peakRSS(ps *os.ProcessState) float64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return float64(ru.Maxrss) / 1024 // KiB on Linux
	}
	return 0
}

// cpuSeconds is the process's user and system CPU time so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// minorFaults is the process's minor page faults so far: first touches
// of memory (its own or the system's), which cost about 10 µs each on the
// machine the figures in RESULTS.md come from.
func minorFaults() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Minflt)
}
