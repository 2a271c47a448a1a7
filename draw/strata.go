package draw

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/shuangsuiji/ssj/registry"
)

// ExclusionReason is the reason code of a unit in scope that is not
// eligible for the random draw. A unit failing several is counted once,
// under the first reason in ExclusionReasons order.
type ExclusionReason string

// Target exclusion reasons, in the order they are tested.
const (
	// ExcludeNotActive: the unit's status is not "active" (注销, 吊销...).
	ExcludeNotActive ExclusionReason = "not_active"
	// ExcludeListed: the unit is on the manifest's exclusion list.
	ExcludeListed ExclusionReason = "excluded"
	// ExcludeCompliant: the unit was found compliant for one of the task's
	// items in the commit year (rule R11) and the task is not exempt.
	ExcludeCompliant ExclusionReason = "compliant_this_year"
)

// ExclusionReasons lists the target exclusion reasons in test order.
func ExclusionReasons() []ExclusionReason {
	return []ExclusionReason{ExcludeNotActive, ExcludeListed, ExcludeCompliant}
}

// ExclusionCount is how many units of a stratum one reason removed.
type ExclusionCount struct {
	Reason ExclusionReason `json:"reason"`
	Count  int             `json:"count"`
}

// chinaTime is China Standard Time (UTC+8, no daylight saving), the zone
// in which "this year" of rule R11 is read.
var chinaTime = time.FixedZone("CST", 8*3600)

// plan is the parsed form of a manifest's eligibility and quota rules.
type plan struct {
	ratios    map[string]decimal.Decimal
	def       decimal.Decimal
	hasDef    bool
	excluded  map[string]bool
	compliant map[string]bool
}

func (m *Manifest) prepare() (*plan, error) {
	p := &plan{ratios: make(map[string]decimal.Decimal, len(m.Quota.Ratios))}
	for _, r := range m.Quota.Ratios {
		d, err := ParseRatio(r.Ratio)
		if err != nil {
			return nil, err
		}
		p.ratios[r.Stratum] = d
	}
	if m.Quota.DefaultRatio != "" {
		d, err := ParseRatio(m.Quota.DefaultRatio)
		if err != nil {
			return nil, err
		}
		p.def, p.hasDef = d, true
	}
	p.excluded = make(map[string]bool, len(m.Exclusions))
	for _, e := range m.Exclusions {
		p.excluded[e.Target] = true
	}
	if m.ComplianceExempt == "" {
		year := fmt.Sprintf("%04d-", m.CommitTime.In(chinaTime).Year())
		p.compliant = map[string]bool{}
		for _, c := range m.Compliant {
			if strings.HasPrefix(c.Date, year) && slices.Contains(m.Task.Items, c.Item) {
				p.compliant[c.Target] = true
			}
		}
	}
	return p, nil
}

// reason codes packed in the low 2 bits of a unit's class.
const (
	rEligible = iota
	rNotActive
	rListed
	rCompliant
)

// tally is the first pass over the scope: strata, eligibility and counts.
type tally struct {
	keys  []string // stratum keys, sorted by bytes
	class []int32  // per unit: stratum index << 2 | reason
	scope []int64  // per stratum
	elig  []int64
	excl  [][4]int64 // per stratum, per reason
	// uplifted counts, per stratum, the units the manifest's uplift raised
	// into it (rule R12); all zero without an uplift.
	uplifted []int64
}

// tallyScope checks every label, puts every unit of scope in its stratum
// and decides its eligibility. The scope is split into chunks tallied in
// parallel; the result does not depend on the split (strata are renumbered
// in key byte order, and the error reported is the first in scope order).
func tallyScope(m *Manifest, scope []registry.Target) (*tally, error) {
	p, err := m.prepare()
	if err != nil {
		return nil, err
	}
	t := &tally{class: make([]int32, len(scope))}
	workers := parallelism(len(scope))
	parts := make([]tallyPart, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := len(scope)*w/workers, len(scope)*(w+1)/workers
		wg.Go(func() { parts[w] = tallyChunk(m, p, scope, t.class, lo, hi) })
	}
	wg.Wait()
	for _, pt := range parts {
		if pt.err != nil {
			return nil, pt.err // chunks are in scope order: the first error wins
		}
	}
	// Global strata in key byte order, and each chunk's local → global map.
	var keys []string
	for _, pt := range parts {
		keys = append(keys, pt.keys...)
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	t.keys = keys
	t.scope = make([]int64, len(keys))
	t.elig = make([]int64, len(keys))
	t.excl = make([][4]int64, len(keys))
	t.uplifted = make([]int64, len(keys))
	counts := make([][][4]int64, workers)
	for w := range workers {
		lo, hi := len(scope)*w/workers, len(scope)*(w+1)/workers
		remap := make([]int32, len(parts[w].keys))
		for i, k := range parts[w].keys {
			g, _ := slices.BinarySearch(keys, k)
			remap[i] = int32(g)
			if parts[w].uplifted != nil {
				t.uplifted[g] += parts[w].uplifted[i]
			}
		}
		wg.Go(func() {
			c := make([][4]int64, len(keys))
			for i := lo; i < hi; i++ {
				s, r := remap[t.class[i]>>2], t.class[i]&3
				t.class[i] = s<<2 | r
				c[s][r]++
			}
			counts[w] = c
		})
	}
	wg.Wait()
	for _, c := range counts {
		for s := range c {
			for r := range c[s] {
				if r == rEligible {
					t.elig[s] += c[s][r]
				} else {
					t.excl[s][r] += c[s][r]
				}
				t.scope[s] += c[s][r]
			}
		}
	}
	// Every stratum needs a ratio unless a total is split.
	if m.Quota.Total == 0 && !p.hasDef {
		for _, k := range t.keys {
			if _, ok := p.ratios[k]; !ok {
				return nil, fmt.Errorf("%w: quota: stratum %q occurs in scope but has no ratio and there is no default_ratio", ErrInvalidTask, k)
			}
		}
	}
	return t, nil
}

// quotas computes every stratum's quota (before the eligible limit) and
// its base, and the ratio used ("" under a fixed total).
func (t *tally) quotas(m *Manifest) (quota, base []int64, ratio []string, err error) {
	p, err := m.prepare()
	if err != nil {
		return nil, nil, nil, err
	}
	n := len(t.keys)
	quota, base, ratio = make([]int64, n), make([]int64, n), make([]string, n)
	for s := range n {
		base[s] = t.scope[s]
		if m.Quota.Base == BaseEligible {
			base[s] = t.elig[s]
		}
	}
	if m.Quota.Total > 0 {
		quota, err = LargestRemainder(int64(m.Quota.Total), t.keys, base)
		return quota, base, ratio, err
	}
	for s, k := range t.keys {
		d, ok := p.ratios[k]
		ratio[s] = ""
		for _, r := range m.Quota.Ratios {
			if r.Stratum == k {
				ratio[s] = r.Ratio
			}
		}
		if !ok {
			d = p.def
			ratio[s] = m.Quota.DefaultRatio
		}
		q, err := RatioQuota(d, base[s], m.Quota.Rounding)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("stratum %q: %w", k, err)
		}
		quota[s] = ClampQuota(q, int64(m.Quota.Min), int64(m.Quota.Max))
	}
	return quota, base, ratio, nil
}

// parallelism is the number of goroutines for n units: one per processor,
// at most one per 65536 units.
func parallelism(n int) int {
	return max(1, min(runtime.GOMAXPROCS(0), n/65536+1))
}

// tallyPart is one chunk's tally: its strata keys (local numbering) and the
// first error in the chunk.
type tallyPart struct {
	keys     []string
	uplifted []int64 // per local stratum, with an uplift (rule R12)
	err      error
}

// tallyChunk classifies scope[lo:hi], writing class[i] = local stratum
// index << 2 | reason.
func tallyChunk(m *Manifest, p *plan, scope []registry.Target, class []int32, lo, hi int) tallyPart {
	var pt tallyPart
	index := map[string]int32{}
	var buf []byte
	for i := lo; i < hi; i++ {
		u := &scope[i]
		if !fastLabelOK(u.ID) {
			if err := CheckLabel("target id", u.ID); err != nil {
				pt.err = fmt.Errorf("draw: targets (unit %d): %w", i+1, err)
				return pt
			}
		}
		var (
			key    string
			s      int32
			ok     bool
			up     string // the uplifted credit class (rule R12), "" without uplift
			raised bool
		)
		if m.Uplift != nil {
			var err error
			if up, raised, err = m.Uplift.Class(u); err != nil {
				pt.err = fmt.Errorf("draw: targets (unit %d): %w", i+1, err)
				return pt
			}
		}
		switch len(m.Strata) {
		case 0:
			s, ok = index[key]
		case 1:
			key = unitStratumValue(u, m.Strata[0], up)
			s, ok = index[key]
		default:
			buf = buf[:0]
			for j, k := range m.Strata {
				if j > 0 {
					buf = append(buf, '/')
				}
				buf = append(buf, unitStratumValue(u, k, up)...)
			}
			s, ok = index[string(buf)] // no allocation for the lookup
			if !ok {
				key = string(buf)
			}
		}
		if !ok {
			for _, k := range m.Strata {
				v := unitStratumValue(u, k, up)
				if err := CheckLabel("stratum value "+k, v); err != nil {
					pt.err = fmt.Errorf("draw: target %q: %w", u.ID, err)
					return pt
				}
				if strings.Contains(v, "/") {
					pt.err = fmt.Errorf("%w: target %q: stratum value %s %q contains \"/\"", ErrLabel, u.ID, k, v)
					return pt
				}
			}
			s = int32(len(pt.keys))
			index[key] = s
			pt.keys = append(pt.keys, key)
			if m.Uplift != nil {
				pt.uplifted = append(pt.uplifted, 0)
			}
		}
		if raised {
			pt.uplifted[s]++
		}
		r := int32(rEligible)
		switch {
		case u.Status != registry.StatusActive:
			r = rNotActive
		case p.excluded[u.ID]:
			r = rListed
		case p.compliant[u.ID]:
			r = rCompliant
		}
		class[i] = s<<2 | r
	}
	return pt
}

// unitStratumValue is stratumValue with the credit class replaced by up,
// the class the manifest's uplift assigns (rule R12), when up is not "".
func unitStratumValue(u *registry.Target, k, up string) string {
	if up != "" && k == StratumCreditClass {
		return up
	}
	return stratumValue(u, k)
}

// fastLabelOK reports true for the common label that is plainly valid:
// printable ASCII without surrounding space. Anything else goes through
// CheckLabel. It tests 8 bytes at a time (its tests compare it with a
// loop over single bytes).
func fastLabelOK(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	i := 0
	for ; i+8 <= len(s); i += 8 {
		b := s[i : i+8]
		w := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56 // one load on amd64
		if !printable8(w) {
			return false
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// printable8 reports whether each of the 8 bytes of w is in 0x20..0x7e.
// A byte c has its high bit set in (c-0x20)&^c when c < 0x20 (a borrow
// from a lower byte can only set bits above a byte that is itself below
// 0x20), in c+1 when c is 0x7f (a carry comes only from a byte 0xff), and
// in c when c ≥ 0x80.
func printable8(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	return ((w-0x20*ones)&^w|(w+ones)|w)&highs == 0
}
