//go:build linux

package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"unsafe"
)

// cpuMask is a Linux CPU affinity mask (1024 CPUs).
type cpuMask [16]uint64

// setAffinity sets the affinity of thread tid (0: the calling thread).
func setAffinity(tid int, m *cpuMask) error {
	_, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, uintptr(tid), unsafe.Sizeof(*m), uintptr(unsafe.Pointer(m)))
	if e != 0 {
		return fmt.Errorf("sched_setaffinity(%d): %w", tid, e)
	}
	return nil
}

// setProcessAffinity gives every thread of the process the mask m. A
// thread inherits its creator's mask, so it passes over the threads until
// a pass finds no thread it has not set.
func setProcessAffinity(m *cpuMask) error {
	done := map[int]bool{}
	for {
		ents, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return err
		}
		added := false
		for _, e := range ents {
			tid, err := strconv.Atoi(e.Name())
			if err != nil || done[tid] {
				continue
			}
			// A thread that exited since the listing is not an error.
			if err := setAffinity(tid, m); err != nil && !errors.Is(err, syscall.ESRCH) {
				return err
			}
			done[tid], added = true, true
		}
		if !added {
			return nil
		}
	}
}

// confineToOneCPU runs every thread of the process on one CPU (the first
// the process may use), whatever GOMAXPROCS is, and returns the function
// that gives the threads their mask back. With GOMAXPROCS 2 it runs the
// 2-processor code with its goroutines taking turns on one CPU: the same
// work as on two CPUs, without two CPUs running at once.
func confineToOneCPU() (restore func() error, err error) {
	var old cpuMask
	if _, _, e := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, 0, unsafe.Sizeof(old), uintptr(unsafe.Pointer(&old))); e != 0 {
		return nil, fmt.Errorf("sched_getaffinity: %w", e)
	}
	var one cpuMask
	for i, w := range old {
		if w != 0 {
			one[i] = w & -w
			break
		}
	}
	if err := setProcessAffinity(&one); err != nil {
		_ = setProcessAffinity(&old)
		return nil, err
	}
	return func() error { return setProcessAffinity(&old) }, nil
}
