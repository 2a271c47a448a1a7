package draw

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// RatioQuota returns ratio × base rounded by rule ("ceiling", "floor" or
// "half_up"), computed exactly in decimal arithmetic (DRAW.md §4). A base
// of 0 gives 0 whatever the ratio.
func RatioQuota(ratio decimal.Decimal, base int64, rule string) (int64, error) {
	if ratio.IsNegative() || ratio.GreaterThan(decimal.NewFromInt(1)) {
		return 0, fmt.Errorf("%w: ratio %s outside [0, 1]", ErrInvalidTask, ratio)
	}
	if base < 0 {
		return 0, fmt.Errorf("%w: negative base %d", ErrInvalidTask, base)
	}
	p := ratio.Mul(decimal.NewFromInt(base))
	switch rule {
	case RoundCeiling:
		p = p.Ceil()
	case RoundFloor:
		p = p.Floor()
	case RoundHalfUp:
		p = p.Add(decimal.New(5, -1)).Floor()
	default:
		return 0, fmt.Errorf("%w: rounding %q (want ceiling, floor or half_up)", ErrInvalidTask, rule)
	}
	return p.IntPart(), nil
}

// ClampQuota limits q to [min, max] (max 0 means no maximum). The result is
// not limited by the eligible count: that limit is applied at selection
// and reported as a shortfall.
func ClampQuota(q, min, max int64) int64 {
	if q < min {
		q = min
	}
	if max > 0 && q > max {
		q = max
	}
	return q
}

// LargestRemainder splits total across strata in proportion to their base
// counts, in integer arithmetic (DRAW.md §4): stratum s first gets
// total×bases[s] div N (N the sum of bases); the units left over go one
// each to the strata with the largest remainder total×bases[s] mod N, ties
// broken by the stratum key's bytes (smaller first). keys must be distinct.
// With N = 0 every share is 0.
func LargestRemainder(total int64, keys []string, bases []int64) ([]int64, error) {
	if len(keys) != len(bases) {
		return nil, fmt.Errorf("%w: %d strata but %d bases", ErrInvalidTask, len(keys), len(bases))
	}
	if total < 0 {
		return nil, fmt.Errorf("%w: negative total %d", ErrInvalidTask, total)
	}
	var n int64
	for i, b := range bases {
		if b < 0 {
			return nil, fmt.Errorf("%w: stratum %q: negative base %d", ErrInvalidTask, keys[i], b)
		}
		n += b
	}
	out := make([]int64, len(bases))
	if n == 0 {
		return out, nil
	}
	if total > 1<<53 || n > 1<<53 || (total > 0 && n > (1<<62)/total) {
		return nil, fmt.Errorf("%w: total %d × pool %d is too large", ErrInvalidTask, total, n)
	}
	rem := make([]int64, len(bases))
	var given int64
	for i, b := range bases {
		out[i] = total * b / n
		rem[i] = total * b % n
		given += out[i]
	}
	order := make([]int, len(bases))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if rem[a] != rem[b] {
			if rem[a] > rem[b] {
				return -1
			}
			return 1
		}
		return strings.Compare(keys[a], keys[b])
	})
	for i := int64(0); i < total-given; i++ {
		out[order[i]]++
	}
	return out, nil
}
