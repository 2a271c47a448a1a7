//go:build linux

package hugeheap

import (
	"bytes"
	"fmt"
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

// settingFile is the kernel's transparent huge page setting (a variable
// so that tests can point it elsewhere).
var settingFile = "/sys/kernel/mm/transparent_hugepage/enabled"

// once makes Advise's work happen at most once per process.
var once atomic.Bool

// Advise marks about size bytes of the addresses the heap grows into next
// for transparent huge pages (package doc) and reports whether it did.
// An error says the kernel refused the mark (the heap is then as it would
// have been). size is rounded down to whole huge pages; it should cover the
// heap the program is expected to reach: more costs address space and the
// runtime's bookkeeping for it (about 10 ms per GiB here). Only the first
// call that gets past the checks marks anything; later calls report false.
func Advise(size int) (bool, error) {
	if strconv.IntSize < 64 || size < 2*hugePage || disabled(os.Getenv("GODEBUG")) {
		return false, nil
	}
	setting, err := os.ReadFile(settingFile)
	if err != nil || current(setting) != "madvise" || !once.CompareAndSwap(false, true) {
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
