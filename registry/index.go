package registry

import (
	"bytes"
	"fmt"
	"unsafe"
)

// Index is one pool read and checked exactly as Decode reads and checks
// it, but held compactly for importing millions of rows: for a CSV file it
// keeps the file's text, the units' labels in sorted order, each unit's
// row number and the offset of its record, and parses a unit again when it
// is asked for one (Target, Inspector). A million-row CSV registry then
// costs the text plus about 56 bytes a unit instead of every unit as a
// value (several hundred bytes each). An XLSX workbook is held as a decoded
// Table (a sheet tops out at 1,048,576 rows).
//
// The units are numbered 0..Len()-1 in label order (byte order of the ID
// or certificate number, the order of the commitment's leaves); labels are
// unique, since a repeated one is refused as ErrDuplicateID. An Index is
// read-only and safe for concurrent use.
type Index struct {
	pool PoolKind
	file string
	text string // CSV: the decoded text the offsets point into
	tab  *Table // sorted, Rows; offs and hm for CSV; Targets/Inspectors for XLSX
}

// DecodeIndex reads one pool from the bytes of a CSV or XLSX file like
// Decode, with the same checks, errors and row numbers, and returns it as
// an Index. Import is all-or-nothing: opt.Partial is ignored. Like Decode
// it takes ownership of data (the index may keep pointing into it).
func DecodeIndex(data []byte, opt ImportOptions) (*Index, error) {
	opt.Partial = false
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		tab, err := ReadXLSX(bytes.NewReader(data), opt)
		if err != nil {
			return nil, err
		}
		return &Index{pool: tab.Pool, file: opt.File, tab: tab}, nil
	}
	text, _, err := decodeText(data)
	if err != nil {
		return nil, RowErrors{{File: opt.File, Err: err}}
	}
	// data is ours (or text a fresh GB18030 decoding): share it.
	str := unsafe.String(unsafe.SliceData(text), len(text))
	tab, err := importRows(&csvSource{p: &strCSV{s: str}}, opt, bytes.Count(text, []byte{'\n'}), true)
	if err != nil {
		return nil, err
	}
	return &Index{pool: tab.Pool, file: opt.File, text: str, tab: tab}, nil
}

// Pool returns the pool the index holds.
func (x *Index) Pool() PoolKind { return x.pool }

// File returns the file name given in ImportOptions.File.
func (x *Index) File() string { return x.file }

// Len returns the number of units.
func (x *Index) Len() int { return len(x.tab.sorted) }

// Label returns the ID (targets) or certificate number (inspectors) of
// unit k; Label(k) < Label(k+1) in byte order.
func (x *Index) Label(k int) string { return x.tab.sorted[k].label }

// Row returns the file row number of unit k.
func (x *Index) Row(k int) int { return x.tab.Rows[x.tab.sorted[k].i] }

// record parses the CSV record of the unit at file position i.
func (x *Index) record(i int32, p *strCSV) ([]string, error) {
	p.s, p.pos = x.text, x.tab.offs[i]
	_, cells, done, err := p.next()
	if err == nil && done {
		err = fmt.Errorf("%w: the record of row %d has gone", ErrBadFile, x.tab.Rows[i])
	}
	return cells, err
}

// Reader re-reads units of an index. Each goroutine needs its own; the
// zero value is not usable: use Index.Reader.
type Reader struct {
	x *Index
	p strCSV
}

// Reader returns a reader of the index's units.
func (x *Index) Reader() *Reader { return &Reader{x: x} }

// ignore is the emitFunc of a re-read: the unit was checked when the index
// was built.
func ignore(string, string, error) {}

// Target sets *t to target unit k. The lists in *t reuse its backing
// arrays, so one Target can serve a whole pass over the index; a caller
// that keeps the value must copy Departments.
func (r *Reader) Target(k int, t *Target) error {
	x := r.x
	if x.pool != PoolTargets {
		return fmt.Errorf("registry: index of %s has no targets", x.pool)
	}
	i := x.tab.sorted[k].i
	if x.tab.offs == nil {
		*t = x.tab.Targets[i]
		return nil
	}
	cells, err := x.record(i, &r.p)
	if err != nil {
		return err
	}
	parseTargetRowInto(x.tab.hm, cells, ignore, t)
	return nil
}

// Inspector sets *in to inspector unit k, reusing the backing arrays of
// its lists as Target does.
func (r *Reader) Inspector(k int, in *Inspector) error {
	x := r.x
	if x.pool != PoolInspectors {
		return fmt.Errorf("registry: index of %s has no inspectors", x.pool)
	}
	i := x.tab.sorted[k].i
	if x.tab.offs == nil {
		*in = x.tab.Inspectors[i]
		return nil
	}
	cells, err := x.record(i, &r.p)
	if err != nil {
		return err
	}
	parseInspectorRowInto(x.tab.hm, cells, ignore, in)
	return nil
}
