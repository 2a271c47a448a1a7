// Package registry holds the two registries (两库) of the 双随机、一公开 regime:
// the target registry (检查对象名录库) of supervised market entities and other
// inspection targets, and the inspector registry (执法检查人员名录库) of staff
// holding a law-enforcement certificate (rules R6, R7 in docs/rules.md). A draw
// picks targets from the first and inspectors from the second; this package
// makes both loadable from an agency's spreadsheets, checkable row by row,
// traceable over time and committable so that a draw can prove which pool
// it used.
//
// # Units and labels
//
// A Target is identified by its ID: for market entities and individual
// businesses the 18-character 统一社会信用代码, whose GB 32100-2015 check
// character ValidateUSCC verifies; for products, projects and behaviours a
// registry-local ID. An Inspector is identified by the certificate number
// (执法证号) that R15 draws by. Labels carry no control characters or
// surrounding spaces and are unique within a pool.
//
// # Validation
//
// Config.ValidateTarget, ValidateTargets and their inspector counterparts
// check every field (kind, status, 6-digit jurisdiction, credit class from a
// configurable class set such as Shandong's A–E, required fields, interest
// relations, unavailability periods) and uniqueness. Problems are reported
// all at once as RowErrors, a list of *RowError in the style of
// encoding/csv's ParseError (file, row, column, value, reason); the reason
// wraps a sentinel such as ErrBadCheckChar, ErrDuplicateID,
// ErrUnknownClass or ErrMissingField, so errors.Is works on the whole list
// and ReasonCode gives a stable machine-readable name.
//
// # Import and export
//
// Read, DecodeCSV and ReadXLSX import a pool from CSV (UTF-8 with or
// without BOM, or GB18030/GBK as Excel on Chinese Windows saves it) or
// XLSX, with English or Chinese headers; DecodeCSV documents the columns and
// cell formats. Import is all-or-nothing unless ImportOptions.Partial is
// set. WriteTargetsCSV, WriteInspectorsCSV and the XLSX writers export the
// English-header form that the importers read back identically.
//
// # History
//
// A History is the append-only trail of change events (add, update,
// deactivate), each with effective time and author; nothing is deleted.
// History.AsOf(t) returns the Snapshot in force at t, units sorted by label,
// deactivated units kept with their inactive status.
//
// # Commitment and proofs
//
// CommitTargets and CommitInspectors return the RFC 6962 Merkle root over
// the canonical leaf bytes (RFC 8785 JSON of the fields that can affect a
// draw; see TargetLeaf) of every unit, leaves in label byte order: the
// commitment a draw's manifest publishes (DRAW.md §1). ProveTarget and
// ProveInspector produce a Proof that one unit was in the pool, which
// VerifyProof and VerifyProofAgainst check without the rest of the pool.
//
// # Memory of a large import
//
// ReadPool of a 1M-target file (110 MB) touches about 280 MB of fresh heap.
// The first write to each 4 KiB page is a page fault, which costs about
// 10 µs under some hypervisors: on the machine the project is benchmarked
// on, half a second of a 1.5 s ssj verify. Where Linux gives transparent
// huge pages only on request (the "madvise" setting of
// /sys/kernel/mm/transparent_hugepage/enabled), the Go runtime does not
// request them for its heap. ssj marks the heap it is about to grow into
// before it reads a large pool file (it allocates one large byte slice,
// marks its 2 MiB pages with madvise(MADV_HUGEPAGE) and frees it with
// runtime/debug.FreeOSMemory, before its other large reads), which cuts
// those faults twenty-fold; an agency program that reads large pools can
// do the same in its main. The package itself never does. Huge pages or
// not, the kernel clears every page it hands out, and under a hypervisor
// that clearing can cost far more than a memory write when the host has
// not backed that memory lately: on the same machine a 10M-target ssj
// draw run (peak 1.44 GB) spent 0.8 to 4.4 s of system time from one run
// to the next, most of it clearing pages (perf: clear_page_erms). What
// lowers that is a smaller peak heap, not fewer system calls.
//
// # Execution traces
//
// ReadPool and the making of a Pool (ReadPool, NewPool, Table.TargetPool)
// mark their phases as runtime/trace regions on the calling goroutine, so
// that an execution trace of an agency's program (runtime/trace.Start,
// then go tool trace) shows where a large import spends its time:
//
//	ssj/registry: read         waiting for the input's next block
//	ssj/registry: parse        checking and parsing a block's rows
//	ssj/registry: take         adding a block's parsed units to the pool
//	ssj/registry: size         sizing the pool's arrays after the first block
//	ssj/registry: sort labels  ordering the units by label
//	ssj/registry: gather       copying the labels into label order
//
// read, parse and take occur once per block of the input (8 MiB). The
// regions run one after another, never nested; the work of a phase done
// on other goroutines falls within its region's time. When no trace is
// being recorded, the marks cost a check of a flag and change nothing.
//
// The package does no I/O of its own beyond decoding readers the caller
// supplies and writing to writers it is given; it keeps no global mutable
// state and never reads the clock.
package registry
