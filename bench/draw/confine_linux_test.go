//go:build linux

package main

import (
	"math/bits"
	"runtime"
	"sync"
	"testing"
)

// threadMasks is the affinity mask of every thread of the process.
func threadMasks(t *testing.T) map[int]cpuMask {
	t.Helper()
	tids, err := threads()
	if err != nil {
		t.Fatal(err)
	}
	ms := map[int]cpuMask{}
	for _, tid := range tids {
		if m, err := getAffinity(tid); err == nil { // else: the thread exited
			ms[tid] = m
		}
	}
	return ms
}

func count(m cpuMask) (n int) {
	for _, w := range m {
		n += bits.OnesCount64(w)
	}
	return n
}

// TestConfineToOneCPU: every thread, including threads started while
// confined, runs on the same single CPU, and restore gives each thread the
// process's mask back.
func TestConfineToOneCPU(t *testing.T) {
	old, err := getAffinity(0)
	if err != nil {
		t.Fatal(err)
	}
	restore, err := confineToOneCPU()
	if err != nil {
		t.Skip("cannot set the affinity here:", err)
	}
	// Start threads while confined: goroutines locked to their threads.
	var wg sync.WaitGroup
	release := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			runtime.LockOSThread()
			<-release
		})
	}
	during := threadMasks(t)
	var one cpuMask
	for tid, m := range during {
		if count(m) != 1 {
			t.Errorf("thread %d runs on %d CPUs while confined, want 1", tid, count(m))
		}
		if one == (cpuMask{}) {
			one = m
		} else if m != one {
			t.Errorf("thread %d runs on another CPU than the others", tid)
		}
	}
	if err := restore(); err != nil {
		t.Fatal(err)
	}
	close(release)
	wg.Wait()
	for tid, m := range threadMasks(t) {
		if m != old {
			t.Errorf("thread %d: mask not restored (%d CPUs, want %d)", tid, count(m), count(old))
		}
	}
}
