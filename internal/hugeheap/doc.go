// Package hugeheap asks Linux to back a program's Go heap with transparent
// huge pages (2 MiB) where the kernel gives them only on request.
//
// A program that reads a large pool touches hundreds of megabytes of fresh
// heap: ssj verify of a 1M-target pool about 280 MB, each 4 KiB page a
// page fault the first time it is written. On machines whose kernel gives
// huge pages only to memory marked with madvise(MADV_HUGEPAGE) (the
// "madvise" setting of /sys/kernel/mm/transparent_hugepage/enabled, the
// default of several distributions) the Go runtime does not mark its heap,
// and under a hypervisor a fault can cost 8-12 µs: on the machine the
// project is benchmarked on, 65,000 faults were half a second of a 1.5 s
// ssj verify. With huge pages the same memory takes about 3,000 faults.
//
// Advise marks the heap's next addresses: it allocates one large byte
// slice, marks its whole 2 MiB pages with MADV_HUGEPAGE, and returns it to
// the runtime and to the system at once (runtime/debug.FreeOSMemory). The
// mark stays on those addresses (the runtime maps memory it reuses as it
// is, and gives it back with MADV_DONTNEED, which keeps the mark), and the
// runtime hands out its lowest free addresses first, so the heap that the
// program then grows into is the marked range. Nothing is touched, so the
// resident memory does not grow; the marked memory that is used is faulted
// in 2 MiB at a time.
//
// It is for a program's main, once, before the heap grows (cmd/ssj calls it
// before it reads a large pool file, sized by the file); a library never
// calls it. It does nothing when the kernel
// has no "madvise" setting (with "always" the heap already gets huge pages,
// with "never" none can be had), when GODEBUG has disablethp=1 (the
// runtime's own switch to keep huge pages off its heap), when the kernel
// counts every mapping against a strict limit (vm.overcommit_memory 2), on
// 32-bit platforms and on other systems; it marks at most half the
// machine's memory.
package hugeheap
