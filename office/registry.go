package office

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/internal/merkle"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/trail"
)

// SnapshotImport is the step value of ImportSnapshot: one full snapshot of
// one registry pool (两库, rule R6), in force from At.
type SnapshotImport struct {
	// ID names the snapshot, e.g. "targets-2026-09-01"; unique.
	ID   string
	Pool registry.PoolKind
	// At is the instant the snapshot is in force from; AsOf(t) selects the
	// latest snapshot with At <= t.
	At time.Time
	// Targets (Pool targets) or Inspectors (Pool inspectors), any order.
	Targets    []registry.Target
	Inspectors []registry.Inspector
	// Index, when set, holds the units instead of Targets or Inspectors:
	// a registry file read with registry.DecodeIndex, which keeps the
	// file's text and parses a unit again whenever the import needs it, so
	// that a snapshot of millions of rows is never held as values. Its
	// pool must be Pool. Each unit is checked again against the office's
	// registry.Config.
	Index *registry.Index
	// Note is a free-text reference (the source system's export ID).
	Note string
}

// SnapshotInfo is what ImportSnapshot reports: the stored snapshot and its
// change counts against the snapshot of the same pool in force just before
// (the change history of rule R6).
type SnapshotInfo struct {
	Snapshot
	Previous string `json:"previous,omitempty"`
	Added    int64  `json:"added"`
	Changed  int64  `json:"changed"`
	Removed  int64  `json:"removed"`
}

const rowBatch = 4096

// ImportSnapshot validates and stores a registry snapshot (rule R6) with a
// registry.imported trail event that carries its count and Merkle root,
// in one transaction. Rows are streamed to the store in batches.
func (o *Office) ImportSnapshot(ctx context.Context, s Step, in SnapshotImport) (SnapshotInfo, error) {
	const step = "import snapshot"
	var info SnapshotInfo
	if err := draw.CheckLabel("id", in.ID); err != nil {
		return info, refuse(step, in.ID, "id", in.ID, err)
	}
	if in.At.IsZero() {
		return info, refuse(step, in.ID, "at", "", errors.New("the snapshot's in-force time is required"))
	}
	var src *rowSource
	var err error
	switch {
	case in.Index != nil && in.Index.Pool() != in.Pool:
		return info, refuse(step, in.ID, "pool", string(in.Pool), fmt.Errorf("the index holds %s", in.Index.Pool()))
	case in.Index != nil:
		src = o.indexSource(in.Index)
	case in.Pool == registry.PoolTargets:
		src, err = o.targetSource(in.Targets)
	case in.Pool == registry.PoolInspectors:
		src, err = o.inspectorSource(in.Inspectors)
	default:
		return info, refuse(step, in.ID, "pool", string(in.Pool), errors.New("pool must be targets or inspectors"))
	}
	if err != nil {
		return info, refuse(step, in.ID, string(in.Pool), "", err)
	}
	// Pass 1: the commitment and the digest, in parallel chunks, in the
	// tree of the store's suite; units read from an index are checked here
	// too.
	cs, err := o.Suite(ctx)
	if err != nil {
		return info, fmt.Errorf("office: %s %s: %w", step, in.ID, err)
	}
	n := src.n
	root, dig, bad, err := commitRows(cs.Merkle(), src)
	if err != nil {
		return info, refuse(step, in.ID, "row", src.key(bad), err)
	}
	if errs := src.problems(); errs != nil {
		return info, refuse(step, in.ID, string(in.Pool), "", errs)
	}
	snap := Snapshot{ID: in.ID, Pool: string(in.Pool), At: in.At.UTC(), Count: int64(n), Root: hex.EncodeToString(root[:]), Digest: hex.EncodeToString(dig[:])}
	err = o.run(ctx, step, s, "", in.ID, func(t *txn) error {
		if ts := txSuite(t.tx); ts.ID() != cs.ID() {
			return fmt.Errorf("office: %s %s: %w: the store's suite became %s while the snapshot was hashed under %s", step, in.ID, ErrConflict, ts.ID(), cs.ID())
		}
		if _, err := t.tx.GetSnapshot(ctx, in.ID); err == nil {
			return refuse(step, in.ID, "id", in.ID, fmt.Errorf("%w: snapshot exists", ErrConflict))
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		data := map[string]string{"pool": snap.Pool, "at": fmtTime(snap.At), "count": strconv.FormatInt(snap.Count, 10), "root": snap.Root, "digest": snap.Digest,
			snapshotKey(snap.ID): snapshotValue(snap)}
		if in.Note != "" {
			data["note"] = in.Note
		}
		info = SnapshotInfo{}
		if prev, err := t.tx.SnapshotAsOf(ctx, snap.Pool, snap.At); err == nil {
			info.Previous = prev.ID
			if err := diffRows(ctx, t.tx, prev.ID, src, &info); err != nil {
				return err
			}
			data["previous"] = prev.ID
			data["added"] = strconv.FormatInt(info.Added, 10)
			data["changed"] = strconv.FormatInt(info.Changed, 10)
			data["removed"] = strconv.FormatInt(info.Removed, 10)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		ev, err := t.emit(trail.RegistryImported, snap.ID, data)
		if err != nil {
			return err
		}
		snap.EventSeq, snap.EventHash = ev.Seq, ev.Hash
		if err := t.tx.CreateSnapshot(ctx, snap); err != nil {
			return err
		}
		// Pass 2: the rows, in batches made by a producer goroutine while
		// the store writes the previous batch.
		return streamRows(ctx, t.tx, snap.ID, src)
	})
	if err != nil {
		return SnapshotInfo{}, err
	}
	info.Snapshot = snap
	return info, nil
}

// appendJSONString appends s as an RFC 8785 JSON string: only '"', '\\'
// and control characters are escaped.
func appendJSONString(dst []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	if !utf8.ValidString(s) { // as encoding/json: each invalid byte becomes U+FFFD
		var b strings.Builder
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b.WriteRune(utf8.RuneError)
			} else {
				b.WriteString(s[i : i+size])
			}
			i += size
		}
		s = b.String()
	}
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// order returns the permutation that sorts n labels in byte order (the
// identity when they are sorted already).
func order(n int, label func(int) string) []int32 {
	perm := make([]int32, n)
	sorted := true
	for i := range perm {
		perm[i] = int32(i)
		if i > 0 && label(i-1) > label(i) {
			sorted = false
		}
	}
	if sorted {
		return perm
	}
	type kv struct {
		k string
		i int32
	}
	kvs := make([]kv, n)
	for i := range kvs {
		kvs[i] = kv{label(i), int32(i)}
	}
	slices.SortFunc(kvs, func(a, b kv) int { return strings.Compare(a.k, b.k) })
	for i, x := range kvs {
		perm[i] = x.i
	}
	return perm
}

// streamRows writes the rows of a snapshot in batches; a goroutine builds
// the next batch while the store writes the current one. Batches are
// recycled once the store has written them (Tx.PutRows does not keep its
// rows), so the import allocates a few batches, not one per 4096 rows.
func streamRows(ctx context.Context, tx Tx, id string, src *rowSource) error {
	type batch struct {
		rows  []Row
		arena []byte
		err   error
	}
	const inFlight = 3
	ch := make(chan *batch, inFlight-1)
	free := make(chan *batch, inFlight)
	for i := 0; i < inFlight; i++ {
		free <- &batch{rows: make([]Row, 0, rowBatch), arena: make([]byte, 0, rowBatch*320)}
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(ch)
		var buf []byte
		row := src.newRow(nil)
		for lo := 0; lo < src.n; lo += rowBatch {
			var b *batch
			select {
			case b = <-free:
			case <-stop:
				return
			}
			hi := min(src.n, lo+rowBatch)
			b.rows, b.arena = b.rows[:0], b.arena[:0]
			// The arena grows (once) to the batch's size before any row
			// points into it.
			for i := lo; i < hi; i++ {
				var err error
				var n int
				if buf, n, err = row(buf[:0], i); err != nil {
					b.err = err
					select {
					case ch <- b:
					case <-stop:
					}
					return
				}
				if len(b.arena)+len(buf)-n > cap(b.arena) {
					// Rows written so far keep the old arena; the new one
					// serves the rest of this batch and the batches after.
					b.arena = make([]byte, 0, 2*cap(b.arena)+len(buf))
				}
				start := len(b.arena)
				b.arena = append(b.arena, buf[n:]...)
				b.rows = append(b.rows, Row{Key: src.key(i), Data: b.arena[start:len(b.arena):len(b.arena)]})
			}
			select {
			case ch <- b:
			case <-stop:
				return
			}
		}
	}()
	for b := range ch {
		if b.err != nil {
			return b.err
		}
		if err := tx.PutRows(ctx, id, b.rows); err != nil {
			return err
		}
		free <- b
	}
	return nil
}

// The member a row's "name" is spliced in before (RFC 8785 key order).
var (
	targetNameAfter    = []byte(`,"serious_violation":`)
	inspectorNameAfter = []byte(`,"qualifications":[`)
)

// appendRow appends to dst the canonical leaf, then the row data: the leaf
// with a "name" member spliced in at its sorted place, which is the RFC
// 8785 canonical JSON of the whole unit. It returns the leaf's length.
func appendRow(dst []byte, name string, before []byte, leaf func([]byte) ([]byte, error)) ([]byte, int, error) {
	dst, err := leaf(dst)
	if err != nil {
		return dst, 0, err
	}
	n := len(dst)
	at := bytes.Index(dst, before)
	if at < 0 {
		return dst, 0, fmt.Errorf("office: leaf without %s", before)
	}
	dst = append(dst, dst[:at]...)
	dst = append(dst, `,"name":`...)
	dst = appendJSONString(dst, name)
	dst = append(dst, dst[at:n]...)
	return dst, n, nil
}

// diffRows counts the changes from snapshot prev to the new rows.
func diffRows(ctx context.Context, tx Tx, prev string, src *rowSource, info *SnapshotInfo) error {
	i, after := 0, ""
	var buf []byte
	row := src.newRow(nil)
	for {
		page, err := tx.Rows(ctx, prev, after, rowBatch)
		if err != nil {
			return err
		}
		for _, r := range page {
			for i < src.n && src.key(i) < r.Key {
				info.Added++
				i++
			}
			if i < src.n && src.key(i) == r.Key {
				var n int
				if buf, n, err = row(buf[:0], i); err != nil {
					return err
				}
				if string(buf[n:]) != string(r.Data) {
					info.Changed++
				}
				i++
			} else {
				info.Removed++
			}
		}
		if len(page) < rowBatch {
			break
		}
		after = page[len(page)-1].Key
	}
	info.Added += int64(src.n - i)
	return nil
}

// SnapshotAsOf returns the snapshot of pool in force at `at` (rule R6).
func (o *Office) SnapshotAsOf(ctx context.Context, pool registry.PoolKind, at time.Time) (Snapshot, error) {
	var s Snapshot
	err := o.view(ctx, func(tx Tx) error {
		var err error
		s, err = tx.SnapshotAsOf(ctx, string(pool), at)
		return err
	})
	return s, err
}

// checkSnapshot re-checks a snapshot's binding to its registry.imported event.
func checkSnapshot(ctx context.Context, tx Tx, s Snapshot) error {
	es, err := tx.Events(ctx, s.EventSeq, 1)
	if err != nil {
		return err
	}
	if len(es) == 0 || es[0].Seq != s.EventSeq {
		return &BindingError{Table: "snapshots", ID: s.ID, Field: "event_seq", Detail: fmt.Sprintf("names event %d, which does not exist", s.EventSeq)}
	}
	ev, err := decodeEvent(tx, es[0])
	if err != nil {
		return err
	}
	if ev.Hash != s.EventHash {
		return &BindingError{Table: "snapshots", ID: s.ID, Field: "event_hash", Detail: fmt.Sprintf("is %s, event %d has hash %s", s.EventHash, ev.Seq, ev.Hash)}
	}
	if got, want := snapshotValue(s), ev.Data[snapshotKey(s.ID)]; got != want {
		return &BindingError{Table: "snapshots", ID: s.ID, Field: "pool/at/count/root/digest", Detail: fmt.Sprintf("row says %q, event %d recorded %q", got, ev.Seq, want)}
	}
	return nil
}

// unit is one decoded snapshot row.
type unit struct {
	target    registry.Target
	inspector registry.Inspector
}

// scanRows streams a snapshot's rows, decodes each, checks its key, and
// checks the count, the commitment root (recomputed from each unit's
// canonical leaf) and the digest (over the stored bytes) against the
// snapshot; fn (which may be nil) sees every unit.
func scanRows(ctx context.Context, tx Tx, s Snapshot, fn func(u *unit) error) error {
	if err := checkSnapshot(ctx, tx, s); err != nil {
		return err
	}
	leaves := make([]merkle.Hash, 0, s.Count)
	datas := make([]merkle.Hash, 0, s.Count)
	tree := treeOf(tx)
	leafHash := tree.LeafHash
	if tree.IsSHA256() {
		leafHash = merkle.LeafHash // one-shot on the stack
	}
	after, prevKey := "", ""
	dec := make([]decodedRow, rowBatch)
	isTargets := s.Pool == string(registry.PoolTargets)
	for {
		page, err := tx.Rows(ctx, s.ID, after, rowBatch)
		if err != nil {
			return err
		}
		decodePage(page, isTargets, leafHash, dec)
		for k, r := range page {
			d := &dec[k]
			if d.field != "" {
				return &BindingError{Table: "snapshot_rows", ID: s.ID + "/" + r.Key, Field: d.field, Detail: d.detail}
			}
			if d.label != r.Key {
				return &BindingError{Table: "snapshot_rows", ID: s.ID + "/" + r.Key, Field: "key", Detail: fmt.Sprintf("the row's data names %q", d.label)}
			}
			if len(leaves) > 0 && r.Key <= prevKey {
				return &BindingError{Table: "snapshot_rows", ID: s.ID + "/" + r.Key, Field: "key", Detail: fmt.Sprintf("rows out of key order after %q", prevKey)}
			}
			prevKey = r.Key
			leaves = append(leaves, d.leaf)
			datas = append(datas, d.data)
			if fn != nil {
				if err := fn(&d.u); err != nil {
					return err
				}
			}
		}
		if len(page) < rowBatch {
			break
		}
		after = page[len(page)-1].Key
	}
	if int64(len(leaves)) != s.Count {
		return &BindingError{Table: "snapshot_rows", ID: s.ID, Field: "count", Detail: fmt.Sprintf("%d rows stored, the snapshot holds %d", len(leaves), s.Count)}
	}
	root := tree.RootInPlace(leaves)
	if got := hex.EncodeToString(root[:]); got != s.Root {
		return &BindingError{Table: "snapshot_rows", ID: s.ID, Field: "data", Detail: fmt.Sprintf("the rows' commitment root %s differs from the snapshot's %s", got, s.Root)}
	}
	dig := tree.RootInPlace(datas)
	if got := hex.EncodeToString(dig[:]); got != s.Digest {
		return &BindingError{Table: "snapshot_rows", ID: s.ID, Field: "data", Detail: fmt.Sprintf("the rows' digest %s differs from the snapshot's %s", got, s.Digest)}
	}
	return nil
}

// decodedRow is one stored row decoded by decodePage: its unit, label,
// leaf hash and data hash, or the field and detail of what is wrong.
type decodedRow struct {
	u             unit
	label         string
	leaf, data    merkle.Hash
	field, detail string
}

// decodePage decodes the rows of a page into dec[:len(page)] on all
// processors: JSON decoding and hashing are most of an audit's time.
// The caller checks the results in row order, so the first problem
// reported is the same as in one pass.
func decodePage(page []Row, isTargets bool, leafHash func([]byte) merkle.Hash, dec []decodedRow) {
	workers := runtime.GOMAXPROCS(0)
	if len(page) < 256 {
		workers = 1
	}
	per := (len(page) + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < len(page); lo += per {
		hi := min(lo+per, len(page))
		wg.Go(func() {
			var buf []byte
			for k := lo; k < hi; k++ {
				r, d := page[k], &dec[k]
				*d = decodedRow{}
				var err error
				if isTargets {
					if err := json.Unmarshal(r.Data, &d.u.target); err != nil {
						d.field, d.detail = "data", err.Error()
						continue
					}
					d.label = d.u.target.ID
					buf, err = registry.AppendTargetLeaf(buf[:0], &d.u.target)
				} else {
					if err := json.Unmarshal(r.Data, &d.u.inspector); err != nil {
						d.field, d.detail = "data", err.Error()
						continue
					}
					d.label = d.u.inspector.Cert
					buf, err = registry.AppendInspectorLeaf(buf[:0], &d.u.inspector)
				}
				if err != nil {
					d.field, d.detail = "data", err.Error()
					continue
				}
				d.leaf, d.data = leafHash(buf), leafHash(r.Data)
			}
		})
	}
	wg.Wait()
}

// loadTargets reads a target snapshot, checked.
func loadTargets(ctx context.Context, tx Tx, id string) ([]registry.Target, error) {
	s, err := tx.GetSnapshot(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.Pool != string(registry.PoolTargets) {
		return nil, fmt.Errorf("office: snapshot %s holds %s, not targets: %w", id, s.Pool, ErrPrecondition)
	}
	out := make([]registry.Target, 0, s.Count)
	err = scanRows(ctx, tx, s, func(u *unit) error {
		out = append(out, u.target)
		return nil
	})
	return out, err
}

// loadInspectors reads an inspector snapshot, checked. An empty id gives nil.
func loadInspectors(ctx context.Context, tx Tx, id string) ([]registry.Inspector, error) {
	if id == "" {
		return nil, nil
	}
	s, err := tx.GetSnapshot(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.Pool != string(registry.PoolInspectors) {
		return nil, fmt.Errorf("office: snapshot %s holds %s, not inspectors: %w", id, s.Pool, ErrPrecondition)
	}
	out := make([]registry.Inspector, 0, s.Count)
	err = scanRows(ctx, tx, s, func(u *unit) error {
		out = append(out, u.inspector)
		return nil
	})
	return out, err
}

// Targets returns the rows of a target snapshot, after re-checking its
// count, root and binding to the trail.
func (o *Office) Targets(ctx context.Context, snapshotID string) ([]registry.Target, error) {
	var out []registry.Target
	err := o.view(ctx, func(tx Tx) error {
		var err error
		out, err = loadTargets(ctx, tx, snapshotID)
		return err
	})
	return out, err
}

// Inspectors returns the rows of an inspector snapshot, checked.
func (o *Office) Inspectors(ctx context.Context, snapshotID string) ([]registry.Inspector, error) {
	var out []registry.Inspector
	err := o.view(ctx, func(tx Tx) error {
		var err error
		out, err = loadInspectors(ctx, tx, snapshotID)
		return err
	})
	return out, err
}

// rowFunc appends to dst the canonical leaf of unit i (in key order)
// followed by its row data (see appendRow) and returns the leaf's length.
type rowFunc func(dst []byte, i int) ([]byte, int, error)

// rowSource is a snapshot's units in key order, as the import reads them.
type rowSource struct {
	n   int
	key func(i int) string
	// newRow returns a rowFunc for one goroutine. When check is not nil,
	// a rowFunc over an index also validates each unit it reads under the
	// office's registry.Config and appends the problems to *check (the
	// index was checked under the Config of whoever read the file, which
	// may differ); slices were validated whole before.
	newRow func(check *registry.RowErrors) rowFunc
	// checked holds pass 1's problems per goroutine (see problems).
	checked []registry.RowErrors
}

// targetSource validates ts and orders them by ID.
func (o *Office) targetSource(ts []registry.Target) (*rowSource, error) {
	// Validation and the key order are independent reads: run them side
	// by side.
	valid := make(chan error, 1)
	go func() { valid <- o.reg.ValidateTargets(ts) }()
	perm := order(len(ts), func(i int) string { return ts[i].ID })
	keys := make([]string, len(ts))
	for i, j := range perm {
		keys[i] = ts[j].ID
	}
	if err := <-valid; err != nil {
		return nil, err
	}
	row := func(dst []byte, i int) ([]byte, int, error) {
		t := &ts[perm[i]]
		return appendRow(dst, t.Name, targetNameAfter, func(b []byte) ([]byte, error) { return registry.AppendTargetLeaf(b, t) })
	}
	return &rowSource{n: len(keys), key: func(i int) string { return keys[i] }, newRow: func(*registry.RowErrors) rowFunc { return row }}, nil
}

// inspectorSource validates is and orders them by certificate number.
func (o *Office) inspectorSource(is []registry.Inspector) (*rowSource, error) {
	valid := make(chan error, 1)
	go func() { valid <- o.reg.ValidateInspectors(is) }()
	perm := order(len(is), func(i int) string { return is[i].Cert })
	keys := make([]string, len(is))
	for i, j := range perm {
		keys[i] = is[j].Cert
	}
	if err := <-valid; err != nil {
		return nil, err
	}
	row := func(dst []byte, i int) ([]byte, int, error) {
		x := &is[perm[i]]
		return appendRow(dst, x.Name, inspectorNameAfter, func(b []byte) ([]byte, error) { return registry.AppendInspectorLeaf(b, x) })
	}
	return &rowSource{n: len(keys), key: func(i int) string { return keys[i] }, newRow: func(*registry.RowErrors) rowFunc { return row }}, nil
}

// indexSource reads the units of an index, already in key order; each
// goroutine re-reads units into its own scratch value, so a pass over a
// million units allocates almost nothing.
func (o *Office) indexSource(x *registry.Index) *rowSource {
	// add records the problems of a unit under the office's Config, with
	// the unit's file row.
	add := func(errs *registry.RowErrors, i int, err error) {
		var re registry.RowErrors
		if !errors.As(err, &re) {
			*errs = append(*errs, &registry.RowError{File: x.File(), Row: x.Row(i), ID: x.Label(i), Err: err})
			return
		}
		for _, e := range re {
			e.File, e.Row = x.File(), x.Row(i)
			*errs = append(*errs, e)
		}
	}
	src := &rowSource{n: x.Len(), key: x.Label}
	if x.Pool() == registry.PoolTargets {
		src.newRow = func(check *registry.RowErrors) rowFunc {
			r := x.Reader()
			var t registry.Target
			return func(dst []byte, i int) ([]byte, int, error) {
				if err := r.Target(i, &t); err != nil {
					return dst, 0, err
				}
				if check != nil {
					if err := o.reg.ValidateTarget(t); err != nil {
						add(check, i, err)
					}
				}
				return appendRow(dst, t.Name, targetNameAfter, func(b []byte) ([]byte, error) { return registry.AppendTargetLeaf(b, &t) })
			}
		}
	} else {
		src.newRow = func(check *registry.RowErrors) rowFunc {
			r := x.Reader()
			var u registry.Inspector
			return func(dst []byte, i int) ([]byte, int, error) {
				if err := r.Inspector(i, &u); err != nil {
					return dst, 0, err
				}
				if check != nil {
					if err := o.reg.ValidateInspector(u); err != nil {
						add(check, i, err)
					}
				}
				return appendRow(dst, u.Name, inspectorNameAfter, func(b []byte) ([]byte, error) { return registry.AppendInspectorLeaf(b, &u) })
			}
		}
	}
	return src
}
