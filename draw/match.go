package draw

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
)

// Match matches an inspection group to every target (DRAW.md §5, rules R7,
// R17, R19, R20). targets are the selected target labels in record order
// (ascending target rank); home is the committed inspector pool and
// fallback the declared cross-region pool (nil when spec.Fallback is
// false). The order of either pool does not matter.
//
// Targets are processed in order. For each target every inspector gets the
// rank rank("inspector", target, cert); an inspector is eligible when
// active, available in the execution window, qualified for every item (in
// a joint task with spec.ItemDepartments: of a department of the task and
// qualified for that department's items, rule R20), in an allowed region, free of conflicts with the target (declared interest,
// manifest conflict, rotation) and seated at fewer than spec.Cap earlier
// targets. Seats are filled in order: the leader (best-ranked eligible
// leader-eligible inspector of the launching department), one seat per
// participating department (best-ranked eligible of that department), then
// open seats (best-ranked eligible overall). Ties in rank fall back to
// certificate bytes. A seat the home pool cannot fill is filled from the
// fallback pool and marked; a seat neither can fill is a *SeatError. With
// spec.ItemDepartments every seat records the items it covers.
//
// Match ranks under ssj-v1 (HMAC-SHA256); MatchWith takes the manifest's
// crypto suite.
func Match(k Key, targets []string, home, fallback []registry.Inspector, spec MatchSpec) ([]Group, error) {
	return MatchWith(suite.SSJv1, k, targets, home, fallback, spec)
}

// MatchWith is Match with the inspector ranks under crypto suite s
// (HMAC-SM3 for ssj-v1-sm).
func MatchWith(s suite.Suite, k Key, targets []string, home, fallback []registry.Inspector, spec MatchSpec) ([]Group, error) {
	m, err := newMatcher(s, k, home, fallback, spec)
	if err != nil {
		return nil, err
	}
	if err := matchCheckTargets(targets); err != nil {
		return nil, err
	}
	return m.matchAll(targets)
}

// ValidateMatchSpec checks a MatchSpec on its own, as a manifest is being
// built: team size at least 2 and room for every participating department,
// labels well formed and distinct, a non-empty item list, a non-empty
// window, non-negative cap and rotation.
func ValidateMatchSpec(spec MatchSpec) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: inspectors spec: %s", ErrInvalidMatch, fmt.Sprintf(format, a...))
	}
	if spec.TeamSize < 2 {
		return bad("team_size %d: a group needs at least 2 inspectors (R17)", spec.TeamSize)
	}
	if err := matchCheckLabel("launching_department", spec.LaunchingDepartment); err != nil {
		return bad("%v", err)
	}
	seen := map[string]bool{spec.LaunchingDepartment: true}
	for i, d := range spec.ParticipatingDepartments {
		f := "participating_departments[" + strconv.Itoa(i) + "]"
		if err := matchCheckLabel(f, d); err != nil {
			return bad("%v", err)
		}
		if seen[d] {
			return bad("%s %q repeats the launching or another participating department", f, d)
		}
		seen[d] = true
	}
	if need := 1 + len(spec.ParticipatingDepartments); spec.TeamSize < need {
		return bad("team_size %d leaves no seat for every participating department (need %d)", spec.TeamSize, need)
	}
	if len(spec.Items) == 0 {
		return bad("items is empty: a task names the items it checks (R14)")
	}
	if err := matchCheckSet("items", spec.Items); err != nil {
		return bad("%v", err)
	}
	if err := checkItemDepartments(spec); err != nil {
		return bad("%v", err)
	}
	if spec.WindowFrom.IsZero() || spec.WindowTo.IsZero() || !spec.WindowFrom.Before(spec.WindowTo) {
		return bad("execution window [%s, %s) is empty or unset",
			spec.WindowFrom.Format(time.RFC3339), spec.WindowTo.Format(time.RFC3339))
	}
	if err := matchCheckSet("home_regions", spec.HomeRegions); err != nil {
		return bad("%v", err)
	}
	if err := matchCheckSet("fallback_regions", spec.FallbackRegions); err != nil {
		return bad("%v", err)
	}
	if !spec.Fallback && len(spec.FallbackRegions) > 0 {
		return bad("fallback_regions given but no fallback pool declared")
	}
	if spec.Cap < 0 {
		return bad("cap %d is negative", spec.Cap)
	}
	if spec.RotationMonths < 0 {
		return bad("rotation_months %d is negative", spec.RotationMonths)
	}
	for i, c := range spec.Conflicts {
		f := "conflicts[" + strconv.Itoa(i) + "]"
		if err := matchCheckLabel(f+".target", c.Target); err != nil {
			return bad("%v", err)
		}
		if err := matchCheckLabel(f+".cert", c.Cert); err != nil {
			return bad("%v", err)
		}
	}
	for i, h := range spec.History {
		f := "history[" + strconv.Itoa(i) + "]"
		if err := matchCheckLabel(f+".target", h.Target); err != nil {
			return bad("%v", err)
		}
		if err := matchCheckLabel(f+".cert", h.Cert); err != nil {
			return bad("%v", err)
		}
		if h.Date.IsZero() {
			return bad("%s.date is unset", f)
		}
	}
	return nil
}

// checkItemDepartments checks MatchSpec.ItemDepartments (rule R20): one
// entry per item in Items order, each naming a department of the task, and
// every department of the task owning at least one item.
func checkItemDepartments(spec MatchSpec) error {
	ids := spec.ItemDepartments
	if len(ids) == 0 {
		return nil
	}
	if len(ids) != len(spec.Items) {
		return fmt.Errorf("item_departments has %d entries for %d items: every item needs exactly one department", len(ids), len(spec.Items))
	}
	depts := append([]string{spec.LaunchingDepartment}, spec.ParticipatingDepartments...)
	owns := make([]bool, len(depts))
	for i, e := range ids {
		f := "item_departments[" + strconv.Itoa(i) + "]"
		if e.Item != spec.Items[i] {
			return fmt.Errorf("%s.item %q: want %q (one entry per item, in items order)", f, e.Item, spec.Items[i])
		}
		if err := matchCheckLabel(f+".department", e.Department); err != nil {
			return err
		}
		d := slices.Index(depts, e.Department)
		if d < 0 {
			return fmt.Errorf("%s: item %q belongs to department %q, which is neither the launching nor a participating department", f, e.Item, e.Department)
		}
		owns[d] = true
	}
	for d, ok := range owns {
		if !ok {
			return fmt.Errorf("item_departments: department %q owns no item of the task", depts[d])
		}
	}
	return nil
}

// departmentItems returns, per department, the items ItemDepartments
// assigns to it, in Items order; nil when the spec has no ItemDepartments.
func departmentItems(spec MatchSpec) map[string][]string {
	if len(spec.ItemDepartments) == 0 {
		return nil
	}
	out := map[string][]string{}
	for _, e := range spec.ItemDepartments {
		out[e.Department] = append(out[e.Department], e.Item)
	}
	return out
}

// matchCheckLabel applies the DRAW.md label rules: non-empty UTF-8, no
// control characters, no leading or trailing space.
func matchCheckLabel(field, s string) error {
	if s == "" {
		return fmt.Errorf("%s is empty", field)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s %q is not UTF-8", field, s)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Errorf("%s %q holds a control character", field, s)
		}
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return fmt.Errorf("%s %q has leading or trailing space", field, s)
	}
	return nil
}

func matchCheckSet(field string, xs []string) error {
	seen := make(map[string]bool, len(xs))
	for i, x := range xs {
		f := field + "[" + strconv.Itoa(i) + "]"
		if err := matchCheckLabel(f, x); err != nil {
			return err
		}
		if seen[x] {
			return fmt.Errorf("%s %q is a duplicate", f, x)
		}
		seen[x] = true
	}
	return nil
}

func matchCheckTargets(targets []string) error {
	if err := matchCheckSet("targets", targets); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidMatch, err)
	}
	return nil
}

// reasonIndex returns the position of r in matchReasons.
func reasonIndex(r MatchReason) int {
	for i, x := range matchReasons {
		if x == r {
			return i
		}
	}
	panic("draw: unknown match reason " + string(r))
}

// counts holds one count per MatchReason, in matchReasons order.
type counts [len(matchReasons)]int

func (c *counts) add(r MatchReason, n int) { c[reasonIndex(r)] += n }

// list returns the non-zero counts in reason order, never nil.
func (c *counts) list() []ReasonCount {
	out := make([]ReasonCount, 0, 4)
	for i, n := range c {
		if n != 0 {
			out = append(out, ReasonCount{Reason: matchReasons[i], Count: n})
		}
	}
	return out
}

// mpool is one inspector pool prepared for matching.
type mpool struct {
	fallback bool
	ins      []registry.Inspector // sorted by certificate bytes
	static   []MatchReason        // target-independent exclusion, "" if none
	stat     counts               // totals of static
	elig     []int32              // indices with static == "", in cert order
	seats    []int32              // seats held in the current state (cap)
	mark     []uint32             // == matcher.stamp: blocked for the current target
	markWhy  []MatchReason
	seated   []uint32 // == matcher.stamp: seated in the current group
}

// mblock blocks one inspector from one target (interest, conflict, rotation).
type mblock struct {
	pool   int8
	idx    int32
	reason MatchReason
}

// matcher holds everything that does not change from target to target.
type matcher struct {
	key    Key
	cs     suite.Suite // the crypto suite of the ranks and digests
	spec   MatchSpec
	pools  [2]*mpool // home, fallback
	blocks map[string][]mblock
	stamp  uint32
	rk     *matchRanker

	// deptItems maps a department to its items under
	// spec.ItemDepartments (rule R20); nil when the spec has none.
	deptItems map[string][]string
}

func newMatcher(cs suite.Suite, k Key, home, fallback []registry.Inspector, spec MatchSpec) (*matcher, error) {
	if err := ValidateMatchSpec(spec); err != nil {
		return nil, err
	}
	if !spec.Fallback && len(fallback) > 0 {
		return nil, fmt.Errorf("%w: a fallback pool of %d inspectors was given but the spec declares none", ErrInvalidMatch, len(fallback))
	}
	m := &matcher{cs: cs, key: k, spec: spec, blocks: map[string][]mblock{}, rk: newMatchRanker(cs, k), deptItems: departmentItems(spec)}
	certs := map[string]int8{}
	for pi, src := range [2][]registry.Inspector{home, fallback} {
		name := "home"
		if pi == 1 {
			name = "fallback"
		}
		p := &mpool{fallback: pi == 1, ins: slices.Clone(src)}
		slices.SortFunc(p.ins, func(a, b registry.Inspector) int { return bytes.Compare([]byte(a.Cert), []byte(b.Cert)) })
		regions := spec.HomeRegions
		if pi == 1 {
			regions = spec.FallbackRegions
		}
		n := len(p.ins)
		p.static = make([]MatchReason, n)
		p.seats = make([]int32, n)
		p.mark = make([]uint32, n)
		p.markWhy = make([]MatchReason, n)
		p.seated = make([]uint32, n)
		for i := range p.ins {
			in := &p.ins[i]
			if err := matchCheckLabel(name+" pool cert", in.Cert); err != nil {
				return nil, fmt.Errorf("%w: %v", ErrInvalidMatch, err)
			}
			if prev, dup := certs[in.Cert]; dup {
				where := "twice in the " + name + " pool"
				if prev != int8(pi) {
					where = "in both the home and the fallback pool"
				}
				return nil, fmt.Errorf("%w: inspector %q appears %s", ErrInvalidMatch, in.Cert, where)
			}
			certs[in.Cert] = int8(pi)
			r := staticReason(in, spec, regions, m.deptItems)
			p.static[i] = r
			if r == "" {
				p.elig = append(p.elig, int32(i))
			} else {
				p.stat.add(r, 1)
			}
		}
		m.pools[pi] = p
	}
	m.buildBlocks()
	return m, nil
}

// staticReason returns the first target-independent reason in is excluded.
// deptItems, when not nil, holds the items of each department of a joint
// task (rule R20): an inspector then needs only their own department's
// items, and one whose department owns no item is unqualified.
func staticReason(in *registry.Inspector, spec MatchSpec, regions []string, deptItems map[string][]string) MatchReason {
	if !in.Active {
		return ExclInactive
	}
	for _, p := range in.Unavailable {
		if p.Overlaps(spec.WindowFrom, spec.WindowTo) {
			return ExclUnavailable
		}
	}
	items := spec.Items
	if deptItems != nil {
		items = deptItems[in.Department]
		if len(items) == 0 {
			return ExclUnqualified
		}
	}
	for _, item := range items {
		if !slices.Contains(in.Qualifications, item) {
			return ExclUnqualified
		}
	}
	if len(regions) > 0 && !slices.Contains(regions, in.Jurisdiction) {
		return ExclRegion
	}
	return ""
}

// buildBlocks gathers, per target, the statically eligible inspectors that
// a declared interest, the conflict list or the rotation rule blocks, each
// once under its first reason.
func (m *matcher) buildBlocks() {
	type key struct {
		target string
		pool   int8
		idx    int32
	}
	best := map[key]MatchReason{}
	var order []key // first-seen order; sorted below, so map order never leaks
	put := func(k key, r MatchReason) {
		if m.pools[k.pool].static[k.idx] != "" {
			return
		}
		old, ok := best[k]
		if !ok {
			order = append(order, k)
		}
		if !ok || reasonIndex(r) < reasonIndex(old) {
			best[k] = r
		}
	}
	where := map[string]key{}
	for pi, p := range m.pools {
		for i := range p.ins {
			where[p.ins[i].Cert] = key{pool: int8(pi), idx: int32(i)}
			for _, it := range p.ins[i].Interests {
				put(key{it.TargetID, int8(pi), int32(i)}, ExclInterest)
			}
		}
	}
	for _, c := range m.spec.Conflicts {
		if w, ok := where[c.Cert]; ok {
			put(key{c.Target, w.pool, w.idx}, ExclConflict)
		}
	}
	if m.spec.RotationMonths > 0 {
		cy, cm, cd := rotationCutoff(m.spec.WindowFrom, m.spec.RotationMonths)
		for _, h := range m.spec.History {
			w, ok := where[h.Cert]
			if !ok {
				continue
			}
			y, mo, d := h.Date.UTC().Date()
			if y > cy || y == cy && (mo > cm || mo == cm && d >= cd) {
				put(key{h.Target, w.pool, w.idx}, ExclRotation)
			}
		}
	}
	slices.SortFunc(order, func(a, b key) int {
		if c := bytes.Compare([]byte(a.target), []byte(b.target)); c != 0 {
			return c
		}
		if a.pool != b.pool {
			return int(a.pool) - int(b.pool)
		}
		return int(a.idx) - int(b.idx)
	})
	for _, k := range order {
		m.blocks[k.target] = append(m.blocks[k.target], mblock{k.pool, k.idx, best[k]})
	}
}

// rotationCutoff returns the UTC calendar date RotationMonths months before
// the window start, the day clamped to the length of that month.
func rotationCutoff(from time.Time, months int) (int, time.Month, int) {
	y, mo, d := from.UTC().Date()
	total := y*12 + int(mo-1) - months
	cy := total / 12
	if total%12 < 0 {
		cy--
	}
	cm := time.Month(total - cy*12 + 1)
	if dim := time.Date(cy, cm+1, 0, 0, 0, 0, 0, time.UTC).Day(); d > dim {
		d = dim
	}
	return cy, cm, d
}

// enter starts work on one target: a fresh stamp, and the target's blocks
// marked. It returns the per-pool counts of blocked inspectors.
func (m *matcher) enter(target string) [2]counts {
	m.stamp++
	if m.stamp == 0 { // wrapped: clear stale marks
		for _, p := range m.pools {
			clear(p.mark)
			clear(p.seated)
		}
		m.stamp = 1
	}
	var c [2]counts
	for _, b := range m.blocks[target] {
		p := m.pools[b.pool]
		p.mark[b.idx] = m.stamp
		p.markWhy[b.idx] = b.reason
		c[b.pool].add(b.reason, 1)
	}
	return c
}

// block marks one more inspector (by certificate) blocked for the current
// target, unless an earlier reason already blocks them or they are not
// statically eligible, counting the new mark in c.
func (m *matcher) block(cert string, r MatchReason, c *[2]counts) {
	pi, i, ok := m.find(cert)
	if !ok {
		return
	}
	p := m.pools[pi]
	if p.static[i] != "" || p.mark[i] == m.stamp {
		return
	}
	p.mark[i] = m.stamp
	p.markWhy[i] = r
	c[pi].add(r, 1)
}

// mcand is one eligible inspector for the current target.
type mcand struct {
	idx  int32
	rank Rank
}

// candidates lists the eligible inspectors of pool p for target, adding
// cap exclusions to c. ranks, when not nil, holds the precomputed ranks
// aligned with p.elig.
func (m *matcher) candidates(dst []mcand, p *mpool, target string, ranks []Rank, c *counts) []mcand {
	dst = dst[:0]
	if ranks == nil {
		m.rk.setTarget(target)
	}
	capN := int32(m.spec.Cap)
	for j, idx := range p.elig {
		if p.mark[idx] == m.stamp {
			continue
		}
		if capN > 0 && p.seats[idx] >= capN {
			c.add(ExclCap, 1)
			continue
		}
		var r Rank
		if ranks != nil {
			r = ranks[j]
		} else {
			r = m.rk.rank(p.ins[idx].Cert)
		}
		dst = append(dst, mcand{idx: idx, rank: r})
	}
	return dst
}

// seatReq is what one seat requires. The items a seat needs are implied by
// its department through the static eligibility test; items is kept for
// the seat error.
type seatReq struct {
	kind   SeatKind
	dept   string // required department, "" for none
	leader bool   // must be leader-eligible
	name   string // "leader", "department X", "member n"
	items  []string
}

// seatReqs lists the seats of a group in fill order.
func (m *matcher) seatReqs() []seatReq {
	s := m.spec
	out := make([]seatReq, 0, s.TeamSize)
	out = append(out, seatReq{SeatLeader, s.LaunchingDepartment, true, "leader", m.deptItems[s.LaunchingDepartment]})
	for _, d := range s.ParticipatingDepartments {
		out = append(out, seatReq{SeatDepartment, d, false, "department " + d, m.deptItems[d]})
	}
	for len(out) < s.TeamSize {
		out = append(out, seatReq{SeatOpen, "", false, "member " + strconv.Itoa(len(out)+1), nil})
	}
	return out
}

// reqFor returns the requirement of an already filled seat.
func (m *matcher) reqFor(s Seat, pos int) seatReq {
	switch s.Kind {
	case SeatLeader:
		return seatReq{SeatLeader, m.spec.LaunchingDepartment, true, "leader", m.deptItems[m.spec.LaunchingDepartment]}
	case SeatDepartment:
		return seatReq{SeatDepartment, s.SeatDepartment, false, "department " + s.SeatDepartment, m.deptItems[s.SeatDepartment]}
	}
	return seatReq{SeatOpen, "", false, "member " + strconv.Itoa(pos+1), nil}
}

// best returns the position in cands of the best-ranked candidate that can
// take seat q, or -1.
func best(p *mpool, cands []mcand, q seatReq, stamp uint32) int {
	b := -1
	for i := range cands {
		c := &cands[i]
		if p.seated[c.idx] == stamp {
			continue
		}
		in := &p.ins[c.idx]
		if q.dept != "" && in.Department != q.dept {
			continue
		}
		if q.leader && !in.LeaderEligible {
			continue
		}
		if b < 0 {
			b = i
			continue
		}
		if d := c.rank.Compare(cands[b].rank); d < 0 || d == 0 && in.Cert < p.ins[cands[b].idx].Cert {
			b = i
		}
	}
	return b
}

// seatCounts adds, for the candidates that cannot take seat q, the first
// seat reason (seated, department, not_leader).
func seatCounts(p *mpool, cands []mcand, q seatReq, stamp uint32, c *counts) {
	for i := range cands {
		in := &p.ins[cands[i].idx]
		switch {
		case p.seated[cands[i].idx] == stamp:
			c.add(ExclSeated, 1)
		case q.dept != "" && in.Department != q.dept:
			c.add(ExclDepartment, 1)
		case q.leader && !in.LeaderEligible:
			c.add(ExclNotLeader, 1)
		}
	}
}

// tstate is the per-target working state of matchAll and replacement.
type tstate struct {
	target string
	blk    [2]counts
	cands  [2][]mcand
	excl   [2]counts
	fbDone bool
}

// fill finds the inspector for seat q: home pool first, then (computing
// its candidates on first use) the fallback pool. It returns a *SeatError
// when neither can fill the seat.
func (m *matcher) fill(ts *tstate, q seatReq) (Seat, error) {
	home := m.pools[0]
	if b := best(home, ts.cands[0], q, m.stamp); b >= 0 {
		return m.take(home, ts.cands[0][b], q), nil
	}
	fb := m.pools[1]
	if m.spec.Fallback {
		if !ts.fbDone {
			ts.excl[1] = ts.blk[1]
			ts.cands[1] = m.candidates(ts.cands[1], fb, ts.target, nil, &ts.excl[1])
			ts.fbDone = true
		}
		if b := best(fb, ts.cands[1], q, m.stamp); b >= 0 {
			return m.take(fb, ts.cands[1][b], q), nil
		}
	}
	e := &SeatError{Target: ts.target, Seat: q.name, Items: slices.Clone(q.items), HomePool: len(home.ins)}
	hc := addCounts(home.stat, ts.excl[0])
	seatCounts(home, ts.cands[0], q, m.stamp, &hc)
	e.Home = hc.list()
	if m.spec.Fallback {
		e.FallbackPool = len(fb.ins)
		fc := addCounts(fb.stat, ts.excl[1])
		seatCounts(fb, ts.cands[1], q, m.stamp, &fc)
		e.Fallback = fc.list()
	}
	return Seat{}, e
}

func addCounts(a, b counts) counts {
	for i := range a {
		a[i] += b[i]
	}
	return a
}

func (m *matcher) take(p *mpool, c mcand, q seatReq) Seat {
	p.seated[c.idx] = m.stamp
	p.seats[c.idx]++
	in := &p.ins[c.idx]
	role := RoleMember
	if q.kind == SeatLeader {
		role = RoleLeader
	}
	s := Seat{Cert: in.Cert, Department: in.Department, Role: role, Kind: q.kind,
		Rank: c.rank.String(), FromFallback: p.fallback}
	if q.kind != SeatOpen {
		s.SeatDepartment = q.dept
	}
	if m.deptItems != nil {
		s.Items = slices.Clone(m.deptItems[in.Department])
	}
	return s
}

// matchBatch is how many targets' ranks are computed per parallel round.
const matchBatch = 64

// matchAll fills every group in target order. The home pool's ranks, which
// do not depend on earlier targets, are computed ahead in parallel; seats
// are then filled sequentially so that caps count in target order.
func (m *matcher) matchAll(targets []string) ([]Group, error) {
	home := m.pools[0]
	n, e := len(targets), len(home.elig)
	certs := make([]string, e)
	for j, idx := range home.elig {
		certs[j] = home.ins[idx].Cert
	}
	workers := min(runtime.GOMAXPROCS(0), 8)
	rankers := make([]*matchRanker, workers)
	for i := range rankers {
		rankers[i] = newMatchRanker(m.cs, m.key)
	}
	bufs := [2][]Rank{make([]Rank, matchBatch*e), make([]Rank, matchBatch*e)}
	compute := func(buf []Rank, lo, hi int, wg *sync.WaitGroup) {
		for w := range workers {
			wg.Go(func() {
				rk := rankers[w]
				for t := lo + w; t < hi; t += workers {
					rk.setTarget(targets[t])
					out := buf[(t-lo)*e : (t-lo+1)*e]
					for j, c := range certs {
						out[j] = rk.rank(c)
					}
				}
			})
		}
	}

	reqs := m.seatReqs()
	items := slices.Clone(m.spec.Items)
	groups := make([]Group, n)
	seatSlab := make([]Seat, n*len(reqs))
	itemSlab := make([]string, n*len(items))
	var ts tstate
	var wg sync.WaitGroup
	if n > 0 {
		compute(bufs[0], 0, min(matchBatch, n), &wg)
		wg.Wait()
	}
	for lo, round := 0, 0; lo < n; lo, round = lo+matchBatch, round+1 {
		hi := min(lo+matchBatch, n)
		cur := bufs[round%2]
		if hi < n {
			compute(bufs[(round+1)%2], hi, min(hi+matchBatch, n), &wg)
		}
		for t := lo; t < hi; t++ {
			g := &groups[t]
			g.Target = targets[t]
			g.Items = itemSlab[t*len(items) : (t+1)*len(items) : (t+1)*len(items)]
			copy(g.Items, items)
			g.Seats = seatSlab[t*len(reqs) : t*len(reqs) : (t+1)*len(reqs)]
			ts = tstate{target: targets[t], blk: m.enter(targets[t]), cands: ts.cands}
			ts.excl[0] = ts.blk[0]
			ts.cands[0] = m.candidates(ts.cands[0], home, targets[t], cur[(t-lo)*e:(t-lo+1)*e], &ts.excl[0])
			for _, q := range reqs {
				s, err := m.fill(&ts, q)
				if err != nil {
					wg.Wait()
					return nil, err
				}
				g.Seats = append(g.Seats, s)
			}
			g.Eligible = len(ts.cands[0])
			ex := addCounts(home.stat, ts.excl[0])
			g.Exclusions = ex.list()
			if ts.fbDone {
				fx := addCounts(m.pools[1].stat, ts.excl[1])
				g.FallbackExclusions = fx.list()
			}
		}
		wg.Wait()
	}
	return groups, nil
}

// matchRanker computes inspector ranks rank("inspector", target, cert)
// exactly as Ranker.Rank does, with the target prefix encoded once and no
// allocation per rank.
type matchRanker struct {
	mac    hash.Hash
	buf    []byte
	prefix int
	sum    [32]byte
}

func newMatchRanker(cs suite.Suite, k Key) *matchRanker {
	return &matchRanker{mac: cs.NewHMAC(k[:]), buf: make([]byte, 0, 256)}
}

func (r *matchRanker) setTarget(target string) {
	b := binary.BigEndian.AppendUint32(r.buf[:0], uint32(len(Algorithm)))
	b = append(b, Algorithm...)
	b = binary.BigEndian.AppendUint32(b, uint32(len("inspector")))
	b = append(b, "inspector"...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(target)))
	b = append(b, target...)
	r.buf, r.prefix = b, len(b)
}

func (r *matchRanker) rank(cert string) Rank {
	b := binary.BigEndian.AppendUint32(r.buf[:r.prefix], uint32(len(cert)))
	b = append(b, cert...)
	r.buf = b
	r.mac.Reset()
	r.mac.Write(b)
	r.mac.Sum(r.sum[:0])
	return Rank(r.sum)
}
