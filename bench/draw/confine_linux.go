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

// getAffinity returns the affinity of thread tid (0: the calling thread).
func getAffinity(tid int) (cpuMask, error) {
	var m cpuMask
	if _, _, e := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, uintptr(tid), unsafe.Sizeof(m), uintptr(unsafe.Pointer(&m))); e != 0 {
		return m, fmt.Errorf("sched_getaffinity(%d): %w", tid, e)
	}
	return m, nil
}

// threads returns the IDs of the process's threads.
func threads() ([]int, error) {
	ents, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return nil, err
	}
	var tids []int
	for _, e := range ents {
		if tid, err := strconv.Atoi(e.Name()); err == nil {
			tids = append(tids, tid)
		}
	}
	return tids, nil
}

// setProcessAffinity gives every thread of the process the mask m. A
// thread inherits its creator's mask, so it passes over the threads until
// a pass finds no thread it has not set.
func setProcessAffinity(m *cpuMask) error {
	done := map[int]bool{}
	for {
		tids, err := threads()
		if err != nil {
			return err
		}
		added := false
		for _, tid := range tids {
			if done[tid] {
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
	old, err := getAffinity(0)
	if err != nil {
		return nil, err
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
