package registry

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"unsafe"

	"github.com/shuangsuiji/ssj/internal/canon"
	"github.com/shuangsuiji/ssj/internal/merkle"
	"github.com/shuangsuiji/ssj/internal/phase"
)

// Pool is a committed target pool in compact, columnar form: what a draw
// and its verification need, without one Target value per unit.
//
// The units are kept in the commitment's leaf order (label byte order):
// the labels in one shared byte buffer with offsets, the names in another,
// and for each unit the index of its profile, the set of every other field
// that enters the canonical leaf (kind, jurisdiction, industry, credit
// class, the abnormal and serious-violation flags, complaints, status,
// departments). A registry has few distinct profiles (tens of thousands
// for millions of units), so a unit costs its label, its name and about
// 16 bytes. The commitment (RFC 6962 root over the canonical leaves) is
// computed once, when first asked for, and carried with the pool, so a
// draw compares roots instead of re-committing (commit once, use many
// times).
//
// A Pool is immutable and safe for concurrent use. Strings it returns
// share its memory.
type Pool struct {
	labels []byte   // labels in label byte order
	loff   []uint32 // unit i's label is labels[loff[i]:loff[i+1]]
	names  []byte   // names, in input order
	noff   []uint32 // name j is names[noff[j]:noff[j+1]]
	nidx   []uint32 // unit i's name index
	prof   []uint32 // unit i's profile
	profs  []poolProfile
	once   sync.Once // computes commit on first use
	commit Commitment
	others suiteCommits // commitments under other crypto suites (suite.go)
}

// poolProfile is one distinct set of a target's fields other than ID and
// name, with its canonical leaf bytes before and after the quoted ID.
type poolProfile struct {
	t        Target
	pre, suf []byte
}

// Len returns the number of units.
func (p *Pool) Len() int { return len(p.prof) }

// Label returns the label (ID) of unit i, 0 ≤ i < Len(); units are in
// label byte order.
func (p *Pool) Label(i int) string {
	b := p.labels[p.loff[i]:p.loff[i+1]]
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// Name returns the name of unit i. The name is not committed.
func (p *Pool) Name(i int) string {
	j := p.nidx[i]
	b := p.names[p.noff[j]:p.noff[j+1]]
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// InputIndex returns the position of unit i among the targets the pool
// was made from, in their input order (0 for the first). The names are
// stored in that order, not in label order: a program that reads the
// names of many units (a draw's selections) reads memory forwards when it
// visits them by increasing InputIndex, through InputName, instead of at
// random by label.
func (p *Pool) InputIndex(i int) int { return int(p.nidx[i]) }

// InputName returns the name of the target at position j of the input
// (0 ≤ j < Len()): Name(i) is InputName(InputIndex(i)).
func (p *Pool) InputName(j int) string {
	b := p.names[p.noff[j]:p.noff[j+1]]
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// Profiles returns the number of distinct profiles.
func (p *Pool) Profiles() int { return len(p.profs) }

// Profile returns the profile index of unit i.
func (p *Pool) Profile(i int) int { return int(p.prof[i]) }

// ProfileTarget returns profile j as a Target with empty ID and Name.
func (p *Pool) ProfileTarget(j int) Target {
	t := p.profs[j].t
	t.Departments = slices.Clone(t.Departments)
	return t
}

// Target returns the full view of unit i.
func (p *Pool) Target(i int) Target {
	t := p.ProfileTarget(int(p.prof[i]))
	t.ID, t.Name = p.Label(i), p.Name(i)
	return t
}

// Targets returns the full view of every unit, in label order.
func (p *Pool) Targets() []Target {
	out := make([]Target, p.Len())
	for i := range out {
		out[i] = p.Target(i)
	}
	return out
}

// Find returns the index of the unit with the given label.
func (p *Pool) Find(label string) (int, bool) {
	lo, hi := 0, p.Len()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if p.Label(m) < label {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < p.Len() && p.Label(lo) == label
}

// AppendLeaf appends the canonical leaf bytes of unit i (see TargetLeaf)
// to dst.
func (p *Pool) AppendLeaf(dst []byte, i int) []byte {
	pr := &p.profs[p.prof[i]]
	dst = append(dst, pr.pre...)
	dst = appendString(dst, p.Label(i))
	return append(dst, pr.suf...)
}

// Commitment returns the pool's commitment. It is computed once, on all
// processors, the first time it is asked for, and carried with the pool
// from then on (VerifyPool, which trusts nothing, never asks).
func (p *Pool) Commitment() Commitment {
	p.once.Do(func() { p.commit = p.Recommit() })
	return p.commit
}

// Recommit recomputes the commitment from the pool's bytes, on all
// processors; it equals Commitment unless the pool was corrupted in
// memory.
func (p *Pool) Recommit() Commitment {
	r := p.RootOf(p.Len(), func(k int) int { return k })
	return Commitment{Count: p.Len(), Root: hex.EncodeToString(r[:])}
}

// RootOf returns the RFC 6962 root over n units, the k-th being unit
// unit(k) (which must be increasing in k, so that the leaves stay in label
// order), hashing on all processors.
func (p *Pool) RootOf(n int, unit func(k int) int) merkle.Hash {
	return p.rootOf(merkle.SHA256, n, unit)
}

// NewPool returns the committed compact pool of targets (in any order).
// Duplicate IDs are an error wrapping ErrDuplicateID; a complaint count
// beyond ±2^53 is an error as in TargetLeaf. The targets are not validated
// (see Config.ValidateTargets).
func NewPool(ts []Target) (*Pool, error) {
	b := newPoolBuilder()
	for i := range ts {
		if err := b.add(&ts[i], ts[i].ID, ts[i].Name); err != nil {
			return nil, err
		}
	}
	return b.finish(func(first, dup int) error {
		return fmt.Errorf("registry: pool: %w %q", ErrDuplicateID, ts[dup].ID)
	})
}

// TargetPool returns the committed compact pool of an imported target table.
func (t *Table) TargetPool() (*Pool, error) {
	if t.Pool != PoolTargets {
		return nil, fmt.Errorf("registry: pool: the table holds %s, not targets", t.Pool)
	}
	return NewPool(t.Targets)
}

// poolBuilder accumulates units in input order.
type poolBuilder struct {
	labels []byte
	loff   []uint32
	names  []byte
	noff   []uint32
	prof   []uint32
	index  map[string]uint32
	profs  []poolProfile
	keys   []string // keys[j]: profs[j]'s profileKey, its key in index
	key    []byte
	remap  []uint32 // a worker builder's profiles in the builder it moves to
	// raw maps the cells of a row's profile columns, as typed, to the
	// profile they gave when they passed every check (ReadPool's fast path).
	raw map[string]uint32
	// A worker builder of ReadPool holds only the profiles and fast-path
	// keys that were new in the block it parses: it looks a row's key up
	// in base.raw first (the keys of the blocks taken, read-only while
	// the block is parsed), and a unit found there has base's profile
	// number marked baseProf in prof. It lists the keys it added to raw
	// (rawLog), which base learns when the block is taken.
	base   *poolBuilder
	rawLog []rawEntry
}

// baseProf marks, in a worker builder's prof column, a profile numbered
// in the worker's base builder (poolBuilder.base); profile numbers are
// below 2^31, as in rawUSCC.
const baseProf = 1 << 31

// rawEntry is a key of poolBuilder.raw and its value.
type rawEntry struct {
	key string
	v   uint32
}

func newPoolBuilder() *poolBuilder {
	return &poolBuilder{loff: []uint32{0}, noff: []uint32{0}, index: map[string]uint32{}, raw: map[string]uint32{}}
}

// grow reserves room for about n more units with labels and names of the
// given average lengths (without clearing it: see room). The names'
// array, the largest, is made on another goroutine: make clears an array
// that reuses heap memory (ReadPool's 1M rows: about 70 MB of arrays, 15
// ms on one processor) on the goroutine that makes it.
func (b *poolBuilder) grow(n, labelLen, nameLen int) {
	var wg sync.WaitGroup
	wg.Go(func() { b.names = room(b.names, n*nameLen) })
	b.labels = room(b.labels, n*labelLen)
	b.loff = room(b.loff, n)
	b.noff = room(b.noff, n)
	b.prof = room(b.prof, n)
	wg.Wait()
}

// profileKey appends an injective encoding of t's profile fields.
func profileKey(dst []byte, t *Target) []byte {
	lp := func(dst []byte, s string) []byte {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		return append(dst, s...)
	}
	dst = lp(dst, string(t.Kind))
	dst = lp(dst, t.Jurisdiction)
	dst = lp(dst, t.Industry)
	dst = lp(dst, t.CreditClass)
	var f byte
	if t.Abnormal {
		f |= 1
	}
	if t.SeriousViolation {
		f |= 2
	}
	dst = append(dst, f)
	dst = binary.AppendVarint(dst, int64(t.Complaints))
	dst = lp(dst, string(t.Status))
	dst = binary.AppendUvarint(dst, uint64(len(t.Departments)))
	for _, d := range t.Departments {
		dst = lp(dst, d)
	}
	return dst
}

// add appends one unit: its label, name and profile (taken from t; t.ID
// and t.Name are ignored). Strings are copied.
func (b *poolBuilder) add(t *Target, label, name string) error {
	_, err := b.addTarget(t, label, name)
	return err
}

// addTarget is add, returning the unit's profile index.
func (b *poolBuilder) addTarget(t *Target, label, name string) (uint32, error) {
	b.key = profileKey(b.key[:0], t)
	j, ok := b.index[string(b.key)]
	if !ok {
		var err error
		if j, err = b.addProfile(t); err != nil {
			return 0, err
		}
	}
	return j, b.addUnit(j, label, name)
}

// addUnit appends a unit of profile j.
func (b *poolBuilder) addUnit(j uint32, label, name string) error {
	if uint64(len(b.labels))+uint64(len(label)) > math.MaxUint32 || uint64(len(b.names))+uint64(len(name)) > math.MaxUint32 {
		return fmt.Errorf("registry: pool: %w: more than 4 GiB of labels or names", ErrBadFile)
	}
	b.labels = append(b.labels, label...)
	b.loff = append(b.loff, uint32(len(b.labels)))
	b.names = append(b.names, name...)
	b.noff = append(b.noff, uint32(len(b.names)))
	b.prof = append(b.prof, j)
	return nil
}

func (b *poolBuilder) addProfile(t *Target) (uint32, error) {
	if c := int64(t.Complaints); c > maxSafeInt || c < -maxSafeInt {
		return 0, fmt.Errorf("registry: target %q: complaints %d: %w", t.ID, t.Complaints, canon.ErrFloat)
	}
	pt := Target{Kind: Kind(clone(string(t.Kind))), Jurisdiction: clone(t.Jurisdiction), Industry: clone(t.Industry),
		CreditClass: clone(t.CreditClass), Abnormal: t.Abnormal, SeriousViolation: t.SeriousViolation,
		Complaints: t.Complaints, Status: Status(clone(string(t.Status)))}
	for _, d := range t.Departments {
		pt.Departments = append(pt.Departments, clone(d))
	}
	const mark = "\x00ID\x00" // never in an encoded string: controls are escaped
	pt.ID = mark
	leaf, err := AppendTargetLeaf(nil, &pt)
	if err != nil {
		return 0, err
	}
	pt.ID = ""
	quoted := appendString(nil, mark)
	at := bytes.Index(leaf, quoted)
	return b.newProfile(string(b.key), poolProfile{t: pt, pre: leaf[:at:at], suf: leaf[at+len(quoted):]}), nil
}

// newProfile adds p to b as the profile with key (b has none) and
// returns its number.
func (b *poolBuilder) newProfile(key string, p poolProfile) uint32 {
	j := uint32(len(b.profs))
	b.profs = append(b.profs, p)
	b.keys = append(b.keys, key)
	b.index[key] = j
	return j
}

func clone(s string) string {
	if s == "" {
		return ""
	}
	return string([]byte(s))
}

func (b *poolBuilder) label(i int) []byte { return b.labels[b.loff[i]:b.loff[i+1]] }

// poolGatherMin is the smallest pool whose units finish gathers on all
// processors (a variable so that tests can make it small).
var poolGatherMin = 1 << 16

// gatherBatch is how many units gatherVar locates before it copies
// their labels.
const gatherBatch = 32

// gatherVar copies the labels (label i is src[soff[i]:soff[i+1]]) at
// positions order[lo:hi] to dst from at on, writes their offsets
// loff[lo+1:hi+1] and returns the first k in [lo, hi) whose label repeats
// the one at k-1 (-1 when none does). The offsets of a batch of units are
// read first, then their labels: the reads of a batch, at random in src,
// do not wait for one another (one unit at a time, each label's address
// waited for its offsets, each copy for the one before).
func gatherVar(dst []byte, loff []uint32, src []byte, soff []uint32, order []uint32, at, lo, hi int) int {
	dup := -1
	var prev []byte
	if lo > 0 && lo < hi {
		i := order[lo-1]
		prev = src[soff[i]:soff[i+1]]
	}
	var from, to [gatherBatch]uint32
	for k0 := lo; k0 < hi; k0 += gatherBatch {
		ks := order[k0:min(k0+gatherBatch, hi)]
		for j, i := range ks {
			from[j], to[j] = soff[i], soff[i+1]
		}
		for j := range ks {
			l := src[from[j]:to[j]]
			d := dst[at : at+len(l)]
			copyShort(d, l)
			if k := k0 + j; k > 0 && dup < 0 && bytes.Equal(prev, d) {
				dup = k
			}
			prev = d
			at += len(d)
			loff[k0+j+1] = uint32(at)
		}
	}
	return dup
}

// copyShort is copy(dst, src) for len(dst) == len(src), in 8-byte words
// (which may overlap) when there are 8 to 24 bytes (an 18-byte 统一社会信用代码
// among them), without a call.
func copyShort(dst, src []byte) {
	n := len(src)
	if n < 8 || n > 24 || len(dst) != n {
		copy(dst, src)
		return
	}
	le := binary.LittleEndian
	le.PutUint64(dst, le.Uint64(src))
	if n > 16 {
		le.PutUint64(dst[8:], le.Uint64(src[8:]))
	}
	le.PutUint64(dst[n-8:], le.Uint64(src[n-8:]))
}

// finish sorts the units by label, rejects duplicates (dup reports the
// first pair found, as input positions) and commits.
func (b *poolBuilder) finish(dup func(first, repeat int) error) (*Pool, error) {
	n := len(b.prof)
	if n > math.MaxInt32 {
		return nil, fmt.Errorf("registry: pool: %w: more than 2^31 units", ErrBadFile)
	}
	// The profiles ride in the sort keys: the builder's column is dropped
	// before the sort and the sorted one is written in order.
	prof := b.prof
	b.prof = nil
	var ph phase.Phases
	defer ph.End()
	ph.Next(phaseSort)
	order, prof := sortPoolLabelsWith(b.labels, b.loff, prof)
	ph.Next(phaseGather)
	// The units are gathered into label order on all processors: each
	// chunk of the order sums its label bytes, then, at its offset,
	// copies its labels and offsets (gatherVar), comparing each label
	// with the one copied before it (just written, so in cache) to find
	// a repeat. The first repeat in label order is reported, as one pass
	// reports it.
	workers := 1
	if n >= poolGatherMin {
		workers = runtime.GOMAXPROCS(0)
	}
	p := &Pool{names: b.names, noff: b.noff, profs: b.profs, nidx: order, prof: prof}
	size := make([]int, workers+1)
	inRanges(n, workers, func(c, lo, hi int) {
		sum := 0
		for _, i := range order[lo:hi] {
			sum += int(b.loff[i+1] - b.loff[i])
		}
		size[c+1] = sum
	})
	for c := range workers {
		size[c+1] += size[c]
	}
	p.labels, p.loff = make([]byte, size[workers]), make([]uint32, n+1)
	dupAt := make([]int, workers)
	inRanges(n, workers, func(c, lo, hi int) {
		dupAt[c] = gatherVar(p.labels, p.loff, b.labels, b.loff, order, size[c], lo, hi)
	})
	for _, k := range dupAt {
		if k >= 0 {
			return nil, dup(int(min(order[k-1], order[k])), int(max(order[k-1], order[k])))
		}
	}
	*b = poolBuilder{}
	return p, nil
}

// String describes the pool for logs: its size and commitment.
func (p *Pool) String() string {
	return strconv.Itoa(p.Len()) + " targets, root " + p.Commitment().Root
}

// PoolFootprint is where a Pool's memory goes, in bytes (capacities of its
// buffers, not counting the Go allocator's rounding).
type PoolFootprint struct {
	Labels   int // label bytes
	Names    int // name bytes
	Offsets  int // label and name offsets, 4 bytes each per unit
	Units    int // per-unit profile and name indexes, 4 bytes each
	Profiles int // the profiles and their leaf fragments (approximate)
}

// Total is the sum of the parts.
func (f PoolFootprint) Total() int { return f.Labels + f.Names + f.Offsets + f.Units + f.Profiles }

// Footprint reports the pool's memory by part.
func (p *Pool) Footprint() PoolFootprint {
	f := PoolFootprint{Labels: cap(p.labels), Names: cap(p.names), Offsets: 4 * (cap(p.loff) + cap(p.noff)), Units: 4 * (cap(p.prof) + cap(p.nidx))}
	for _, pr := range p.profs {
		t := &pr.t
		f.Profiles += int(unsafe.Sizeof(pr)) + cap(pr.pre) + cap(pr.suf) + len(t.Kind) + len(t.Jurisdiction) + len(t.Industry) + len(t.CreditClass) + len(t.Status)
		for _, d := range t.Departments {
			f.Profiles += 16 + len(d)
		}
	}
	return f
}
