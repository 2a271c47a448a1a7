//go:build linux

package hugeheap

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// hugePage is the size of a transparent huge page on the platforms this
// package marks memory on.
const hugePage = 2 << 20

// The kernel's files Advise reads (variables so that tests can point
// them elsewhere): its transparent huge page setting, its overcommit
// policy and its memory sizes.
var (
	settingFile    = "/sys/kernel/mm/transparent_hugepage/enabled"
	overcommitFile = "/proc/sys/vm/overcommit_memory"
	meminfoFile    = "/proc/meminfo"
)

// once makes Advise's work happen at most once per process.
var once atomic.Bool

// Advise marks about size bytes of the addresses the heap grows into next
// for transparent huge pages (package doc) and reports whether it did.
// An error says the kernel refused the mark (the heap is then as it would
// have been). size is rounded down to whole huge pages; it should cover the
// heap the program is expected to reach: more costs address space and the
// runtime's bookkeeping for it (about 10 ms per GiB here). Only the first
// call that gets past the checks marks anything; later calls report false.
//
// The slice is mapped (not touched) before it is freed, so Advise makes
// it no larger than half the machine's memory (MemTotal of /proc/meminfo)
// and does nothing when the kernel counts every mapping against a strict
// limit (vm.overcommit_memory 2): there the runtime, refused, would end
// the program.
func Advise(size int) (bool, error) {
	if strconv.IntSize < 64 || disabled(os.Getenv("GODEBUG")) {
		return false, nil
	}
	setting, err := os.ReadFile(settingFile)
	if err != nil || current(setting) != "madvise" {
		return false, nil
	}
	if policy, err := os.ReadFile(overcommitFile); err != nil || strings.TrimSpace(string(policy)) == "2" {
		return false, nil
	}
	info, err := os.ReadFile(meminfoFile)
	if err != nil {
		return false, nil
	}
	size = min(size, memTotal(info)/2)
	if size < 2*hugePage || !once.CompareAndSwap(false, true) {
		return false, nil
	}
	b := make([]byte, size)
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := (p + hugePage - 1) &^ (hugePage - 1)
	hi := (p + uintptr(size)) &^ (hugePage - 1)
	err = syscall.Madvise(b[lo-p:hi-p], syscall.MADV_HUGEPAGE)
	b = nil
	debug.FreeOSMemory()
	if err != nil {
		return false, fmt.Errorf("hugeheap: madvise(MADV_HUGEPAGE) of %d bytes: %w", hi-lo, err)
	}
	return true, nil
}

// current returns the bracketed choice of a setting file's text, such as
// "madvise" of "always [madvise] never".
func current(setting []byte) string {
	_, after, ok := bytes.Cut(setting, []byte("["))
	if !ok {
		return ""
	}
	choice, _, ok := bytes.Cut(after, []byte("]"))
	if !ok {
		return ""
	}
	return string(choice)
}

// memTotal returns the MemTotal of /proc/meminfo's text in bytes, 0 when
// it has none.
func memTotal(meminfo []byte) int {
	for line := range strings.Lines(string(meminfo)) {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(rest)
			if len(f) != 2 || f[1] != "kB" {
				return 0
			}
			kb, err := strconv.Atoi(f[0])
			if err != nil || kb < 0 || kb > math.MaxInt>>10 {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// disabled reports whether a GODEBUG value sets disablethp=1 (the last
// setting of a name wins, as in the runtime).
func disabled(godebug string) bool {
	off := false
	for _, kv := range strings.Split(godebug, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(kv), "disablethp="); ok {
			off = v == "1"
		}
	}
	return off
}
