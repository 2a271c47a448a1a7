package registry

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/shuangsuiji/ssj/internal/csvrow"
	"github.com/shuangsuiji/ssj/internal/phase"
)

// poolBlock is the size of the blocks ReadPool reads its input in (a
// variable so that tests can make it small).
var poolBlock = 8 << 20

// ReadPool imports a target pool from CSV (UTF-8 or GB18030, the format
// DecodeCSV reads) or XLSX straight into a committed compact Pool, in one
// streaming pass: the file is read in blocks, each row is parsed and
// checked exactly as DecodeCSV does and kept only in columnar form, so
// memory holds the pool and one block, not the file and one Target per
// row. Every row problem is reported as in DecodeCSV (a RowErrors value);
// of several repeated IDs only the first repeat is reported.
// opt.Partial is not supported (an error); opt.Pool must be empty or
// PoolTargets.
//
// opt.Progress, when set, is called after each block with the rows read
// so far and an estimate of the total from the input's size, known by
// seeking to its end (a regular file, a bytes.Reader, a reader read into
// memory first); the estimate is 0 when the size is not known, and for a
// GB18030 file (its decoded size is not known) until the last call, which
// gives the exact total.
//
// r is read once when it is UTF-8; a GB18030 file is detected at its first
// invalid UTF-8 block and read again from the start, so r must then be an
// io.Seeker (an *os.File is); other readers are read into memory first.
func ReadPool(r io.Reader, opt ImportOptions) (*Pool, error) {
	if opt.Partial {
		return nil, fmt.Errorf("registry: pool: %w: partial import is not supported for a pool", ErrBadFile)
	}
	if opt.Pool != "" && opt.Pool != PoolTargets {
		return nil, fmt.Errorf("registry: pool: %w: a pool holds targets, not %s", ErrBadFile, opt.Pool)
	}
	opt.Pool = PoolTargets
	rs, ok := r.(io.ReadSeeker)
	if !ok {
		data, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("registry: reading %s: %w", opt.File, err)
		}
		rs = bytes.NewReader(data)
	}
	var head [4]byte
	n, err := io.ReadFull(rs, head[:])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, fmt.Errorf("registry: reading %s: %w", opt.File, err)
	}
	// The input's size, where its end is, sizes the pool's arrays after
	// the first block (growing them block by block copies them again and
	// again on one processor) and the progress reports' totals; -1 when
	// seeking to the end fails.
	size, err := rs.Seek(0, io.SeekEnd)
	if err != nil {
		size = -1
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("registry: reading %s: %w", opt.File, err)
	}
	if bytes.HasPrefix(head[:n], []byte("PK\x03\x04")) {
		tab, err := ReadXLSX(rs, opt)
		if err != nil {
			return nil, err
		}
		return tab.TargetPool()
	}
	pr := &poolReader{opt: opt, size: size}
	p, err := pr.read(rs, false)
	if errors.Is(err, errNotUTF8) {
		if _, err := rs.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("registry: reading %s: %w", opt.File, err)
		}
		pr = &poolReader{opt: opt, size: size}
		p, err = pr.read(transform.NewReader(rs, simplifiedchinese.GB18030.NewDecoder()), true)
		return p, err
	}
	return p, err
}

var errNotUTF8 = errors.New("not UTF-8")

// The phases of ReadPool and of making a pool, marked as runtime/trace
// regions (package doc, "Execution traces"), in the order they first
// occur.
const (
	phaseRead   = "ssj/registry: read"        // waiting for the input's next block
	phaseParse  = "ssj/registry: parse"       // checking and parsing a block's rows
	phaseTake   = "ssj/registry: take"        // adding a block's parsed units to the pool
	phaseSize   = "ssj/registry: size"        // sizing the pool's arrays after the first block
	phaseSort   = "ssj/registry: sort labels" // ordering the units by label
	phaseGather = "ssj/registry: gather"      // copying the labels into label order
)

// poolReader is the state of one ReadPool pass.
type poolReader struct {
	opt  ImportOptions
	size int64 // input size in bytes, -1 when unknown
	hm   *headerMap
	line int // lines consumed
	b    *poolBuilder
	rows []int32
	errs RowErrors
	// header search
	tries int
	// workers are the builders of parallel parts: they keep their buffers
	// from block to block, but their units move to b after each block and
	// their profiles and keys are only those new in the block (share).
	workers []*poolBuilder
	// checked counts the fast-path keys the workers added in the blocks
	// taken so far (each a row checked in full); b.raw holds them, with
	// their profiles numbered as in b, for the workers of the next blocks.
	checked int
	done    int // rows read so far, for opt.Progress
	// emit, when set, takes the units of b after each block (ScanPool).
	emit func() error
}

// read parses every block of r; gb says r is a GB18030 decoding. The next
// block is read from r, on another goroutine, while one is parsed (the
// reads, and for GB18030 the decoding, were otherwise work on one
// processor between blocks); read does not return before that goroutine
// is done with r.
func (pr *poolReader) read(r io.Reader, gb bool) (*Pool, error) {
	pr.b = newPoolBuilder()
	readErr := func(err error) error {
		if gb {
			return RowErrors{{File: pr.opt.File, Err: fmt.Errorf("%w: neither UTF-8 nor GB18030: %v", ErrBadFile, err)}}
		}
		return fmt.Errorf("registry: reading %s: %w", pr.opt.File, err)
	}
	// fill reads r into buf up to its capacity or the end of r (then
	// it reports eof).
	fill := func(buf []byte) ([]byte, bool, error) {
		for len(buf) < cap(buf) {
			n, err := r.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if err == io.EOF {
				return buf, true, nil
			} else if err != nil {
				return buf, false, err
			}
		}
		return buf, false, nil
	}
	// index counts the quotes of a filled buffer (see quoteIndex).
	index := func(buf []byte) *quoteIndex {
		return newQuoteIndex(unsafe.String(unsafe.SliceData(buf), len(buf)))
	}
	type filled struct {
		buf []byte
		q   *quoteIndex
		eof bool
		err error
	}
	var next chan filled // the next block's fill, when one is under way
	defer func() {
		if next != nil {
			<-next
		}
	}()
	var ph phase.Phases
	defer ph.End()
	ph.Next(phaseRead)
	buf, eof, err := fill(make([]byte, 0, poolBlock))
	buf = append(buf[:0], bytes.TrimPrefix(buf, utf8BOM)...)
	q := index(buf)
	ph.End()
	var spare []byte
	sized := false
	var consumed int64
	for !eof || len(buf) > 0 {
		if err != nil {
			return nil, readErr(err)
		}
		// Cut at the last line break outside quotes.
		cut := len(buf)
		if !eof {
			cut = q.lastRecordEnd()
			if cut < 0 { // one record longer than the block
				buf, eof, err = fill(append(buf, make([]byte, cap(buf))...)[:len(buf)])
				q = index(buf)
				continue
			}
		}
		// The next block: the rest of this one, then r.
		if !eof {
			if cap(spare) < cap(buf) {
				spare = make([]byte, 0, cap(buf))
			}
			spare = append(spare[:0], buf[cut:]...)
			next = make(chan filled, 1)
			go func(b []byte) {
				b, eof, err := fill(b)
				next <- filled{b, index(b), eof, err}
			}(spare)
		}
		block := buf[:cut]
		before := len(pr.rows)
		if err := pr.block(unsafe.String(unsafe.SliceData(block), len(block)), !gb, q.upTo(cut)); err != nil {
			return nil, err
		}
		consumed += int64(cut)
		if pr.opt.Progress != nil {
			pr.done += len(pr.rows) - before
			total := 0
			switch {
			case eof:
				total = pr.done
			case pr.size > 0 && !gb:
				total = int(pr.size * int64(pr.done) / consumed)
			}
			pr.opt.Progress(pr.done, total)
		}
		if pr.emit != nil {
			if err := pr.emit(); err != nil {
				return nil, err
			}
			sized = true // the units do not accumulate
		}
		if !sized && pr.size > 0 && len(pr.rows) > 0 && !gb {
			sized = true
			est := int(pr.size*int64(len(pr.rows))/consumed) * 21 / 20
			if n := len(pr.rows); est > n {
				ph.Next(phaseSize)
				pr.b.grow(est-n, len(pr.b.labels)/n+1, len(pr.b.names)/n+1)
				pr.rows = room(pr.rows, est-n)
				ph.End()
			}
		}
		if eof {
			break
		}
		ph.Next(phaseRead)
		f := <-next
		ph.End()
		next, spare = nil, buf[:0]
		buf, q, eof, err = f.buf, f.q, f.eof, f.err
	}
	if pr.hm == nil {
		return nil, RowErrors{{File: pr.opt.File, Row: 1, Err: badHeader("no header row naming an id/统一社会信用代码 or cert/执法证号 column in the first %d rows", headerSearchRows)}}
	}
	if len(pr.errs) > 0 {
		return nil, sortedErrors(pr.errs)
	}
	if pr.emit != nil {
		return nil, nil
	}
	rows, idCol := pr.rows, pr.hm.names[tID]
	cell := pr.hm.cellOf(idCol)
	return pr.b.finish(func(first, dup int) error {
		id := string(pr.b.label(dup))
		return RowErrors{{File: pr.opt.File, Row: int(rows[dup]), ID: id, Column: idCol, Value: id,
			Err: fmt.Errorf("%w: first at row %d", ErrDuplicateID, rows[first]), cell: cell}}
	})
}

// block parses the complete records of one block; check says the block
// must be UTF-8 (errNotUTF8 otherwise). After the header, the block is cut
// into parts at record ends (recordCuts) that are checked and parsed on
// all processors, each part into its processor's builder, with line
// numbers counted from the part's start; the parts are then taken in
// order, their rows renumbered from the block's first line, so that rows,
// errors, units and the profiles' numbering are those of one pass over
// the block.
func (pr *poolReader) block(s string, check bool, q *quoteIndex) error {
	valid := check // every part is parsed after it is checked
	var ph phase.Phases
	defer ph.End()
	ph.Next(phaseParse)
	src := &csvSource{p: &strCSV{s: s, line: pr.line}}
	if pr.hm == nil {
		// The header is looked for before the text is checked: once it
		// is found, only the rows read so far are checked here, on one
		// processor, and the rest of the block in its parts. Any other
		// outcome checks the whole block first, so that a block that is
		// not UTF-8 gives errNotUTF8 (and a GB18030 reading) whatever its
		// rows hold.
		err := pr.header(src)
		if err != nil || pr.hm == nil {
			if check && !validUTF8(s) {
				return errNotUTF8
			}
			return err
		}
		if check && !validUTF8(s[:src.p.pos]) {
			return errNotUTF8
		}
	}
	rest := s[src.p.pos:]
	procs := runtime.GOMAXPROCS(0)
	var cuts []int
	if procs > 1 {
		cuts = q.recordCuts(src.p.pos, poolPartsPerProc*procs)
	}
	if len(cuts) == 0 {
		if check && !validUTF8(rest) {
			return errNotUTF8
		}
		pt := pr.parse(src, pr.b, valid)
		pr.line += strings.Count(s, "\n")
		ph.Next(phaseTake)
		return pr.take(pt)
	}
	base := src.p.line // lines before rest
	type job struct {
		part  poolPart
		lines int
		bad   bool
	}
	jobs := make([]job, len(cuts)+1)
	// The parts are taken, in order, by one goroutine per processor, each
	// parsing into its own builder (which keeps the block's new profiles
	// from part to part): several parts per processor, so that a
	// processor slowed down by other work does not leave the others idle
	// at the end of the block (with one part each, the parts of a block
	// ended up to 6 ms apart).
	workers := min(procs, len(jobs))
	for len(pr.workers) < workers {
		wb := newPoolBuilder()
		wb.base = pr.b
		pr.workers = append(pr.workers, wb)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wb := pr.workers[w]
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) {
					return
				}
				lo, hi := 0, len(rest)
				if i > 0 {
					lo = cuts[i-1]
				}
				if i < len(cuts) {
					hi = cuts[i]
				}
				part := rest[lo:hi]
				j := &jobs[i]
				if check && !validUTF8(part) {
					j.bad = true
					continue
				}
				src := &strCSV{s: part}
				j.part = pr.parse(&csvSource{p: src}, wb, valid)
				if j.part.fatal == nil {
					// The parser read every line: one per '\n', and one for
					// text after the last.
					j.lines = src.line
					if part != "" && part[len(part)-1] != '\n' {
						j.lines--
					}
				} else {
					j.lines = strings.Count(part, "\n")
				}
			}
		})
	}
	wg.Wait()
	for _, j := range jobs {
		if j.bad {
			return errNotUTF8
		}
	}
	ph.Next(phaseTake)
	parts, bases := make([]poolPart, len(jobs)), make([]int, len(jobs))
	for i, j := range jobs {
		parts[i], bases[i] = j.part, base
		base += j.lines
	}
	if err := pr.takeParts(parts, bases); err != nil {
		return err
	}
	pr.share()
	pr.line = base
	return nil
}

// share adds to pr.b.raw the fast-path keys each worker added in the
// block just taken, their profiles numbered as in pr.b (the block's parts
// are interned, so o.remap covers every profile of o), and empties the
// workers' profiles and keys for the next block. A key two workers added
// gives the same profile whichever added it.
func (pr *poolReader) share() {
	for _, o := range pr.workers {
		for _, e := range o.rawLog {
			pr.b.raw[e.key] = o.remap[e.v&^rawUSCC] | e.v&rawUSCC
		}
		pr.checked += len(o.rawLog)
		clear(o.raw)
		clear(o.index)
		clear(o.profs)
		clear(o.keys)
		o.rawLog, o.profs, o.keys, o.remap = o.rawLog[:0], o.profs[:0], o.keys[:0], o.remap[:0]
	}
}

// header reads rows from src until one is the header of a target table
// (pr.hm), src's block ends (pr.hm stays nil: the next block goes on) or
// the search fails.
func (pr *poolReader) header(src *csvSource) error {
	for pr.hm == nil {
		if pr.tries >= headerSearchRows {
			return RowErrors{{File: pr.opt.File, Row: 1, Err: badHeader("no header row naming an id/统一社会信用代码 or cert/执法证号 column in the first %d rows", headerSearchRows)}}
		}
		row, cells, err := src.next()
		if err == io.EOF {
			pr.line = src.p.line // the block ended before a header row
			return nil
		}
		pr.tries++
		if err != nil {
			return RowErrors{{File: pr.opt.File, Row: row, Err: err}}
		}
		p := detectPool(cells)
		if p == "" {
			continue
		}
		if p != PoolTargets {
			return RowErrors{{File: pr.opt.File, Row: row, Err: badHeader("header is that of %s, want %s", p, PoolTargets)}}
		}
		header := make([]string, len(cells))
		for i, c := range cells {
			header[i] = strings.Clone(c)
		}
		var errs RowErrors
		hm := mapHeader(PoolTargets, header, func(col, val string, err error) {
			errs = append(errs, &RowError{File: pr.opt.File, Row: row, Column: col, Value: val, Err: err})
		})
		if len(errs) > 0 {
			return errs
		}
		pr.hm = &hm
	}
	return nil
}

// poolPartsPerProc is the number of parts per processor a block is cut
// into (parts are at least poolSplitMin bytes). Measured on 2 processors
// against one part each, ReadPool of a 1M-row CSV took 0.96 of the time
// with 4, 0.89 and 0.96 with 8, 0.97 with 16.
const poolPartsPerProc = 8

// takeParts adds the parsed parts of a block, part i's row numbers
// counting from line bases[i]: what take does for each part in order,
// with the same errors, but the units are copied into pr.b on all
// processors, each part at its offset, after the parts' errors, sizes
// and new profiles were taken in order.
func (pr *poolReader) takeParts(parts []poolPart, bases []int) error {
	b := pr.b
	// ats[i] is where part i goes in b's labels, names, units and rows
	// (a part has one row per unit).
	ats := make([][4]int, len(parts))
	nl, nn, nu, nr := len(b.labels), len(b.names), len(b.prof), len(pr.rows)
	for i := range parts {
		pt, base := &parts[i], bases[i]
		for _, e := range pt.errs {
			e.Row += base
		}
		pr.errs = append(pr.errs, pt.errs...)
		if pt.fatal != nil {
			pt.fatal.Row += base
			return sortedErrors(append(pr.errs, pt.fatal))
		}
		ll, ln := pt.labelSpan(), pt.nameSpan()
		if uint64(nl)+uint64(ll) > math.MaxUint32 || uint64(nn)+uint64(ln) > math.MaxUint32 {
			return fmt.Errorf("registry: pool: %w: more than 4 GiB of labels or names", ErrBadFile)
		}
		ats[i] = [4]int{nl, nn, nu, nr}
		n := pt.u1 - pt.u0
		nl, nn, nu, nr = nl+ll, nn+ln, nu+n, nr+n
		b.intern(pt.b, pt.p1)
	}
	b.labels = extend(b.labels, nl)
	b.names = extend(b.names, nn)
	b.loff = extend(b.loff, nu+1)
	b.noff = extend(b.noff, nu+1)
	b.prof = extend(b.prof, nu)
	pr.rows = extend(pr.rows, nr)
	var wg sync.WaitGroup
	for i := range parts {
		pt, base, at := &parts[i], int32(bases[i]), &ats[i]
		wg.Go(func() {
			o := pt.b
			l0, n0 := o.loff[pt.u0], o.noff[pt.u0]
			lbase, nbase := uint32(at[0])-l0, uint32(at[1])-n0
			copy(b.labels[at[0]:], o.labels[l0:o.loff[pt.u1]])
			copy(b.names[at[1]:], o.names[n0:o.noff[pt.u1]])
			loff, noff := b.loff[at[2]+1:], b.noff[at[2]+1:]
			for k, off := range o.loff[pt.u0+1 : pt.u1+1] {
				loff[k] = lbase + off
			}
			for k, off := range o.noff[pt.u0+1 : pt.u1+1] {
				noff[k] = nbase + off
			}
			prof := b.prof[at[2]:]
			for k, j := range o.prof[pt.u0:pt.u1] {
				if j&baseProf != 0 {
					prof[k] = j &^ baseProf
				} else {
					prof[k] = o.remap[j]
				}
			}
			rows := pr.rows[at[3]:]
			for k, r := range pt.rows {
				rows[k] = r + base
			}
		})
	}
	wg.Wait()
	for _, o := range pr.workers {
		o.labels, o.loff, o.names, o.noff, o.prof = o.labels[:0], o.loff[:1], o.names[:0], o.noff[:1], o.prof[:0]
	}
	return nil
}

// extend returns s with length n >= len(s); the elements past len(s) are
// to be written by the caller. A new array (not cleared by an append's
// growth: a large one comes from the system zeroed) takes s when its
// capacity is short.
func extend[E any](s []E, n int) []E {
	if n <= cap(s) {
		return s[:n]
	}
	t := make([]E, n, max(n, cap(s)+cap(s)/4))
	copy(t, s)
	return t
}

// room returns s with room for n more elements, in a new array when its
// capacity is short. Unlike slices.Grow, it does not clear the room, which
// would touch every page of a large array on one processor (the pages of
// a new array are then first touched where the units are copied in, on
// all processors): the caller writes the room before reading it.
func room[E any](s []E, n int) []E {
	if n <= cap(s)-len(s) {
		return s
	}
	t := make([]E, len(s), len(s)+n)
	copy(t, s)
	return t
}

// intern adds to b the profiles of o up to upto not seen before,
// extending o.remap, the translation of o's profiles to b's, kept from
// call to call. Called for each part in order with the number of
// profiles its builder had after parsing it, it numbers the profiles in
// the order they first occur in the input, whichever builder parsed
// which part. The keys come from o (made where o parsed the rows, on all
// processors): interning, on one processor between blocks, only looks
// them up.
func (b *poolBuilder) intern(o *poolBuilder, upto int) {
	for j := len(o.remap); j < upto; j++ {
		k, _ := b.profileOf(o.keys[j], o.profs[j])
		o.remap = append(o.remap, k)
	}
}

// profileOf returns the number of b's profile with key, adding p as that
// profile when b has none (added).
func (b *poolBuilder) profileOf(key string, p poolProfile) (j uint32, added bool) {
	if j, ok := b.index[key]; ok {
		return j, false
	}
	return b.newProfile(key, p), true
}

// take adds a part parsed into pr.b itself, its row numbers counting
// from line 0.
func (pr *poolReader) take(pt poolPart) error {
	pr.errs = append(pr.errs, pt.errs...)
	if pt.fatal != nil {
		return sortedErrors(append(pr.errs, pt.fatal))
	}
	pr.rows = append(pr.rows, pt.rows...)
	return nil
}

// poolPart is the result of parsing one part of a block: its units are
// units u0 to u1 of builder b (which may hold other parts' units before
// and after them), and b had p1 profiles after parsing it.
type poolPart struct {
	b      *poolBuilder
	u0, u1 int
	p1     int
	rows   []int32
	errs   RowErrors
	fatal  *RowError
}

// labelSpan and nameSpan are the bytes of the part's labels and names.
func (pt *poolPart) labelSpan() int { return int(pt.b.loff[pt.u1] - pt.b.loff[pt.u0]) }
func (pt *poolPart) nameSpan() int  { return int(pt.b.noff[pt.u1] - pt.b.noff[pt.u0]) }

// parse reads, parses and checks every row of src into b (a new builder
// when nil), as chunk.parse does for a Table. valid says src's text is
// known to be UTF-8 (its block was checked), so that the fast path need
// not check the ID and the name again.
func (pr *poolReader) parse(src rowSource, b *poolBuilder, valid bool) (pt poolPart) {
	if b == nil {
		b = newPoolBuilder()
	}
	pt = poolPart{b: b, u0: len(b.prof)}
	defer func() { pt.u1, pt.p1 = len(b.prof), len(b.profs) }()
	hm, opt := pr.hm, &pr.opt
	lo, hi := hm.profileSpan()
	var raw []byte
	bad := false
	flag := func(string, string, error) { bad = true }
	for {
		row, cells, err := src.next()
		if err == io.EOF {
			return pt
		}
		if err != nil {
			pt.fatal = &RowError{File: opt.File, Row: row, Err: err}
			return pt
		}
		if blank(cells) {
			continue
		}
		extra := csvrow.Extra(cells, hm.width)
		// Fast path: the profile cells as typed were seen in a row that
		// passed every check, so only the ID and the name need checking.
		// The key is the text of the profile cells (rawKey).
		key, span := rawKey(raw[:0], hm, cells, lo, hi)
		if !span {
			raw = key
		}
		sk := unsafe.String(unsafe.SliceData(key), len(key))
		v, ok, inBase := uint32(0), false, false
		if b.base != nil {
			// A key of the blocks taken, its profile numbered in base.
			v, ok = b.base.raw[sk]
			inBase = ok
		}
		if !ok {
			v, ok = b.raw[sk]
		}
		if ok && extra < 0 {
			j, uscc := v&^rawUSCC, v&rawUSCC != 0
			if inBase {
				j |= baseProf
			}
			id, name := hm.cell(cells, tID), hm.cell(cells, tName)
			plain, code := false, false // code: a valid USCC as it is
			if uscc {
				if plain, code = usccCheck(id); !plain {
					id = strings.ToUpper(id)
				}
			}
			bad = false
			if valid {
				// As checkLabel and checkRequired: valid text is UTF-8,
				// and a plain code is upper-case, non-empty, without
				// controls or spaces.
				switch {
				case !plain && (id == "" || hasControl(id) || trim(id) != id):
					bad = true
				case uscc && !code && (plain || ValidateUSCC(id) != nil):
					bad = true
				case trim(name) == "":
					bad = true
				}
			} else {
				if checkLabel(colID, id, flag) && uscc && ValidateUSCC(id) != nil {
					bad = true
				}
				checkRequired(colName, name, flag)
			}
			if !bad {
				if err := b.addUnit(j, id, name); err != nil {
					pt.fatal = &RowError{File: opt.File, Row: row, ID: strings.Clone(id), Err: err}
					return pt
				}
				pt.rows = append(pt.rows, int32(row))
				continue
			}
		}
		n := len(pt.errs)
		emit := func(col, val string, err error) {
			pt.errs = append(pt.errs, &RowError{File: opt.File, Row: row, Column: col, Value: strings.Clone(val), Err: err, cell: hm.cellOf(col)})
		}
		if extra >= 0 {
			// As DecodeCSV: a row may not carry more cells than its header.
			pt.errs = append(pt.errs, &RowError{File: opt.File, Row: row, Column: fmt.Sprintf("cell %d", extra+1), Value: strings.Clone(cells[extra]),
				Err: fmt.Errorf("%w: %d cells, but the header has %d columns", ErrBadValue, len(cells), hm.width), cell: extra})
		}
		t := parseTargetRow(hm, cells, hm.emitter(targetCols, emit))
		opt.Config.checkTarget(&t, hm.emitter(targetCols, emit))
		if len(pt.errs) > n {
			id := strings.Clone(t.ID)
			for _, e := range pt.errs[n:] {
				e.ID = id
			}
			continue
		}
		j, err := b.addTarget(&t, t.ID, t.Name)
		if err != nil {
			pt.fatal = &RowError{File: opt.File, Row: row, ID: strings.Clone(t.ID), Err: err}
			return pt
		}
		if t.Kind.NeedsUSCC() {
			j |= rawUSCC
		}
		k := string(key)
		b.raw[k] = j
		if b.base != nil {
			b.rawLog = append(b.rawLog, rawEntry{k, j})
		}
		pt.rows = append(pt.rows, int32(row))
	}
}

// usccClass maps a byte to its value in usccAlphabet, or to usccShapedOnly
// (a digit or an upper-case letter outside the code set) or usccOther.
var usccClass = func() (v [256]uint8) {
	for c := range v {
		switch {
		case usccValue[c] >= 0:
			v[c] = uint8(usccValue[c])
		case c >= 'A' && c <= 'Z':
			v[c] = usccShapedOnly
		default:
			v[c] = usccOther
		}
	}
	return v
}()

const (
	usccShapedOnly = 0x40
	usccOther      = 0x80
)

// usccCheck is usccShaped(s) and ValidateUSCC(s) == nil in one pass over s.
func usccCheck(s string) (shaped, valid bool) {
	if len(s) != USCCLength {
		return false, false
	}
	var or, digits uint8
	sum := 0
	for i := 0; i < USCCLength-1; i++ {
		c := usccClass[s[i]]
		or |= c
		if i >= 2 && i < 8 && c > 9 {
			digits = 1
		}
		sum += int(c&0x1f) * usccWeights[i]
	}
	last := s[USCCLength-1]
	or |= usccClass[last]
	if or&usccOther != 0 {
		return false, false
	}
	return true, or&usccShapedOnly == 0 && digits == 0 && last == usccAlphabet[(31-sum%31)%31]
}

// rawUSCC marks a fast-path profile (a value of poolBuilder.raw) whose
// kind needs a USCC; profile indexes are below 2^31 (finish refuses more
// units).
const rawUSCC = 1 << 31

// profileSpan returns the first and last position of the profile columns
// when they are present and adjacent in the header (in any order), else
// -1, -1.
func (hm *headerMap) profileSpan() (lo, hi int) {
	lo, hi = math.MaxInt, -1
	for _, c := range profileCols {
		p := hm.pos[c]
		if p < 0 {
			return -1, -1
		}
		lo, hi = min(lo, p), max(hi, p)
	}
	if hi-lo+1 != len(profileCols) {
		return -1, -1
	}
	return lo, hi
}

// rawKey returns the fast-path key of a row's profile cells. When the
// profile columns are adjacent (lo >= 0) and their cells lie one after the
// other in the input, one byte apart, the cells were read unquoted (a
// quoted cell starts two bytes after the one before it, a copied one
// elsewhere), so they hold no ',' or '"' and the input between the first
// and the end of the last is the key (span, not copied). Otherwise the key
// is '"' (which no span holds) then each trimmed profile cell with its
// length, appended to dst. Equal keys mean equal profile cells.
func rawKey(dst []byte, hm *headerMap, cells []string, lo, hi int) (key []byte, span bool) {
	if lo >= 0 && hi < len(cells) {
		start := unsafe.StringData(cells[lo])
		end := uintptr(unsafe.Pointer(start)) + uintptr(len(cells[lo]))
		ok := start != nil
		for k := lo + 1; k <= hi && ok; k++ {
			c := cells[k]
			p := uintptr(unsafe.Pointer(unsafe.StringData(c)))
			ok = p == end+1
			end = p + uintptr(len(c))
		}
		if ok {
			return unsafe.Slice(start, int(end-uintptr(unsafe.Pointer(start)))), true
		}
	}
	dst = append(dst, '"')
	for _, c := range profileCols {
		v := hm.cell(cells, c)
		dst = binary.AppendUvarint(dst, uint64(len(v)))
		dst = append(dst, v...)
	}
	return dst, false
}

// profileCols are the columns whose cells make a target's profile.
var profileCols = []int{tKind, tJurisdiction, tIndustry, tCreditClass, tAbnormal, tSerious, tComplaints, tStatus, tDepartments}
