package registry

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// ErrNotCanonical is returned (wrapped) by ScanPool when a pool file is
// not in canonical order.
var ErrNotCanonical = errors.New("registry: the pool file is not in canonical order")

// A pool file is in canonical order when it is UTF-8 and its data rows'
// IDs are strictly increasing in byte order: the leaf order of the pool's
// commitment. WriteCanonicalCSV writes such files; a reader tells them by
// comparing each row's ID with the previous one while it reads.

// ScanPool reads a target pool file in canonical order once, in blocks,
// and calls fn with each block's units as a Pool in label order (with the
// file's profiles so far; a block's Commitment would be over that block
// alone). Rows are parsed and checked as ReadPool does. It returns an error
// wrapping ErrNotCanonical, possibly after some calls of fn, as soon as a
// row's ID is not greater than the previous row's or the file is not
// UTF-8; the caller then reads the file with ReadPool instead. Any other
// problem of the file is returned as ReadPool would (RowErrors for row
// problems). Memory holds one block, not the pool.
func ScanPool(r io.Reader, opt ImportOptions, fn func(block *Pool) error) error {
	if opt.Pool != "" && opt.Pool != PoolTargets {
		return fmt.Errorf("registry: pool: %w: a pool holds targets, not %s", ErrBadFile, opt.Pool)
	}
	opt.Pool = PoolTargets
	pr := &poolReader{opt: opt, size: -1}
	var last []byte
	rowsBefore := 0
	pr.emit = func() error {
		if len(pr.errs) > 0 {
			return sortedErrors(pr.errs)
		}
		b := pr.b
		n := len(b.prof)
		for i := range n {
			l := b.label(i)
			if (i > 0 || rowsBefore > 0) && bytes.Compare(l, last) <= 0 {
				return fmt.Errorf("%w: %s row %d: ID %q does not sort after the previous row's %q", ErrNotCanonical, opt.File, pr.rows[i], l, last)
			}
			last = l
		}
		if n > 0 {
			last = bytes.Clone(last)
		}
		nidx := make([]uint32, n)
		for i := range nidx {
			nidx[i] = uint32(i)
		}
		block := &Pool{labels: b.labels, loff: b.loff, names: b.names, noff: b.noff, nidx: nidx, prof: b.prof, profs: b.profs}
		err := fn(block)
		rowsBefore += n
		// The block's buffers are handed over: start new ones.
		b.labels, b.loff, b.names, b.noff, b.prof = nil, []uint32{0}, nil, []uint32{0}, nil
		pr.rows = pr.rows[:0]
		return err
	}
	_, err := pr.read(r, false)
	if errors.Is(err, errNotUTF8) {
		return fmt.Errorf("%w: %s is not UTF-8", ErrNotCanonical, opt.File)
	}
	return err
}

// WriteCanonicalCSV writes the pool as UTF-8 CSV (no BOM, English header
// row, the columns of WriteTargetsCSV) in canonical order: rows sorted by
// ID in byte order, the commitment's leaf order. ScanPool, and therefore
// streaming verification, reads such a file in one pass without holding
// the pool.
func WriteCanonicalCSV(w io.Writer, p *Pool) error {
	return writeCSV(w, TargetColumns(), p.Len(), func(i int) []string {
		t := p.Target(i)
		return targetRecord(&t)
	})
}
