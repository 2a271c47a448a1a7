package draw

import (
	"fmt"
	"slices"
	"strings"
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
}

// tallyScope checks every label, puts every unit of scope in its stratum
// and decides its eligibility.
func tallyScope(m *Manifest, scope []registry.Target) (*tally, error) {
	p, err := m.prepare()
	if err != nil {
		return nil, err
	}
	t := &tally{class: make([]int32, len(scope))}
	index := map[string]int32{}
	var buf []byte
	for i := range scope {
		u := &scope[i]
		if err := CheckLabel("target id", u.ID); err != nil {
			return nil, fmt.Errorf("draw: targets (unit %d): %w", i+1, err)
		}
		var (
			key string
			s   int32
			ok  bool
		)
		switch len(m.Strata) {
		case 0:
			s, ok = index[key]
		case 1:
			key = stratumValue(u, m.Strata[0])
			s, ok = index[key]
		default:
			buf = buf[:0]
			for j, k := range m.Strata {
				if j > 0 {
					buf = append(buf, '/')
				}
				buf = append(buf, stratumValue(u, k)...)
			}
			s, ok = index[string(buf)] // no allocation for the lookup
			if !ok {
				key = string(buf)
			}
		}
		if !ok {
			if len(m.Strata) > 0 {
				for _, k := range m.Strata {
					v := stratumValue(u, k)
					if err := CheckLabel("stratum value "+k, v); err != nil {
						return nil, fmt.Errorf("draw: target %q: %w", u.ID, err)
					}
					if strings.Contains(v, "/") {
						return nil, fmt.Errorf("%w: target %q: stratum value %s %q contains \"/\"", ErrLabel, u.ID, k, v)
					}
				}
			}
			s = int32(len(t.keys))
			index[key] = s
			t.keys = append(t.keys, key)
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
		t.class[i] = s<<2 | r
	}
	// Renumber strata in key byte order.
	order := make([]int32, len(t.keys))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(t.keys[a], t.keys[b]) })
	newIdx := make([]int32, len(order))
	keys := make([]string, len(order))
	for n, o := range order {
		newIdx[o] = int32(n)
		keys[n] = t.keys[o]
	}
	t.keys = keys
	t.scope = make([]int64, len(keys))
	t.elig = make([]int64, len(keys))
	t.excl = make([][4]int64, len(keys))
	for i, c := range t.class {
		s := newIdx[c>>2]
		r := c & 3
		t.class[i] = s<<2 | r
		t.scope[s]++
		if r == rEligible {
			t.elig[s]++
		} else {
			t.excl[s][r]++
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
