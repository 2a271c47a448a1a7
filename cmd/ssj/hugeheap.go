package main

import (
	"fmt"
	"os"

	"github.com/shuangsuiji/ssj/internal/hugeheap"
)

// Sizing the heap marked for huge pages before a pool file is read
// (adviseHeap).
const (
	hugeHeapMin     = 32 << 20 // smaller files: their heap's faults cost little
	hugeHeapPerByte = 4        // ReadPool's heap over the file's size, with room (about 2.6 at 1M targets)
	hugeHeapMax     = 2 << 30  // more than a 10M-target draw's heap, which memoryLimit keeps near 1.5 GB
)

// adviseHeap marks the heap that reading the pool file at path will grow
// into for transparent huge pages (internal/hugeheap), sized by the file,
// when the file is large enough for its page faults to matter: a large
// pool's first touch of its heap is a fault per 4 KiB page, about 10 µs
// each under some hypervisors, and with huge pages ssj verify of 1M
// targets takes a twentieth of the faults (bench/draw/RESULTS.md). It is
// called before the command's other large reads (the heap they grow would
// be given back to the system, and faulted in again page by page); only
// the first call of a process marks anything. A kernel that refuses the
// mark leaves the heap as it was: the run goes on and says so.
func adviseHeap(e *env, path string) {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() || st.Size() < hugeHeapMin {
		return
	}
	size := min(st.Size()*hugeHeapPerByte, hugeHeapMax)
	if _, err := hugeheap.Advise(int(size)); err != nil {
		fmt.Fprintf(e.stderr, "ssj: note: %v (the run goes on with ordinary pages)\n", err)
	}
}
