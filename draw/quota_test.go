package draw

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// Rule R12 / DRAW.md §4: ratio quotas are exact decimal arithmetic.
func TestRatioQuota(t *testing.T) {
	for _, tc := range []struct {
		ratio    string
		base     int64
		rounding string
		want     int64
	}{
		{"0.05", 100, RoundCeiling, 5},
		{"0.05", 101, RoundCeiling, 6}, // 5.05 → 6
		{"0.05", 101, RoundFloor, 5},   // 5.05 → 5
		{"0.05", 101, RoundHalfUp, 5},  // 5.05 → 5
		{"0.05", 110, RoundHalfUp, 6},  // 5.5 → 6 (halves up)
		{"0.05", 90, RoundHalfUp, 5},   // 4.5 → 5
		{"0.05", 89, RoundHalfUp, 4},   // 4.45 → 4
		{"0.2", 1, RoundCeiling, 1},    // any positive product rounds up to 1
		{"0.2", 1, RoundFloor, 0},      // ...or down to 0
		{"0", 1000, RoundCeiling, 0},   // ratio 0
		{"1", 1000, RoundFloor, 1000},  // ratio 1
		{"0.60", 0, RoundCeiling, 0},   // empty stratum
		{"0.1", 30, RoundCeiling, 3},   // 0.1 is exact: no float error giving 4
		{"0.3", 10, RoundCeiling, 3},   // 0.3×10 = 3 exactly (a float gives 3.0000000000000004)
		{"0.07", 100, RoundCeiling, 7}, // 0.07×100 = 7 exactly (a float gives 7.000000000000001)
		{"0.333", 10000000, RoundFloor, 3330000},
		{"0.0000001", 10000000, RoundCeiling, 1},
	} {
		t.Run(fmt.Sprintf("%s×%d/%s", tc.ratio, tc.base, tc.rounding), func(t *testing.T) {
			d, err := ParseRatio(tc.ratio)
			if err != nil {
				t.Fatal(err)
			}
			got, err := RatioQuota(d, tc.base, tc.rounding)
			if err != nil || got != tc.want {
				t.Fatalf("got %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

func TestParseRatioRefuses(t *testing.T) {
	for _, s := range []string{"", "1.5", "-0.1", "+0.1", "5%", "1e-2", "05", ".5", "0.", " 0.1", "0,1", "NaN", "2"} {
		if _, err := ParseRatio(s); !errors.Is(err, ErrInvalidTask) {
			t.Errorf("ParseRatio(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"0", "1", "1.0", "0.05", "0.60", "0.000001"} {
		if _, err := ParseRatio(s); err != nil {
			t.Errorf("ParseRatio(%q): %v", s, err)
		}
	}
}

func TestClampQuota(t *testing.T) {
	for _, tc := range []struct{ q, min, max, want int64 }{
		{0, 1, 0, 1}, {5, 1, 0, 5}, {5, 0, 3, 3}, {5, 2, 5, 5}, {1, 2, 5, 2},
	} {
		if got := ClampQuota(tc.q, tc.min, tc.max); got != tc.want {
			t.Errorf("ClampQuota(%d, %d, %d) = %d, want %d", tc.q, tc.min, tc.max, got, tc.want)
		}
	}
}

// DRAW.md §4: a fixed total is split by largest remainder in integer
// arithmetic, ties by stratum key bytes.
func TestLargestRemainder(t *testing.T) {
	for _, tc := range []struct {
		name  string
		total int64
		keys  []string
		bases []int64
		want  []int64
	}{
		{"exact", 10, []string{"A", "B"}, []int64{50, 50}, []int64{5, 5}},
		{"leftover to largest remainder", 10, []string{"A", "B", "C"}, []int64{10, 20, 70}, []int64{1, 2, 7}},
		// 7×1/3 = 2 rem 1 each: one leftover unit, tie → smallest key bytes.
		{"tie by key bytes", 7, []string{"C", "A", "B"}, []int64{1, 1, 1}, []int64{2, 3, 2}},
		// Remainders 7×5/12=2 r11, 7×4/12=2 r4, 7×3/12=1 r9: leftover 2 → A then C.
		{"two leftovers", 7, []string{"A", "B", "C"}, []int64{5, 4, 3}, []int64{3, 2, 2}},
		{"empty pool", 5, []string{"A"}, []int64{0}, []int64{0}},
		{"zero stratum", 3, []string{"A", "B"}, []int64{0, 9}, []int64{0, 3}},
		{"total above pool", 20, []string{"A", "B"}, []int64{3, 7}, []int64{6, 14}},
		{"total zero", 0, []string{"A", "B"}, []int64{3, 7}, []int64{0, 0}},
		// Key bytes, not code points in another order: "B" (0x42) < "a" (0x61) < "é".
		{"byte order", 2, []string{"é", "a", "B"}, []int64{1, 1, 1}, []int64{0, 1, 1}},
		{"large", 500000, []string{"A", "B", "C", "D"}, []int64{1000003, 4999999, 3000001, 999997}, []int64{50000, 250000, 150000, 50000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LargestRemainder(tc.total, tc.keys, tc.bases)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			var sum, n int64
			for i := range got {
				sum += got[i]
				n += tc.bases[i]
			}
			if n > 0 && sum != tc.total {
				t.Fatalf("sum %d != total %d", sum, tc.total)
			}
		})
	}
	if _, err := LargestRemainder(1, []string{"A"}, []int64{-1}); !errors.Is(err, ErrInvalidTask) {
		t.Errorf("negative base: %v", err)
	}
}

// Min/max clamps and the eligible base reach the record.
func TestQuotaRuleInRecord(t *testing.T) {
	pool := dtPool(1000, 5)
	task := dtTask()
	task.Quota = QuotaRule{DefaultRatio: "0.01", Min: 3, Max: 4, Base: BaseEligible, Rounding: RoundFloor}
	rec := dtRun(t, task, pool)
	for _, s := range rec.Strata {
		if s.Base != s.Eligible || s.Quota < 3 || s.Quota > 4 || s.Ratio != "0.01" {
			t.Errorf("stratum %+v", s)
		}
	}
	task.Quota = QuotaRule{Total: 10}
	rec = dtRun(t, task, pool)
	if rec.Quota != 10 || len(rec.Selected) != 10 {
		t.Errorf("total 10: quota %d selected %d", rec.Quota, len(rec.Selected))
	}
	task.Quota = QuotaRule{Ratios: []StratumRatio{{Stratum: "A", Ratio: "0.1"}}}
	if _, err := Commit(task, pool, nil); !errors.Is(err, ErrInvalidTask) {
		t.Errorf("missing ratio for stratum B: %v", err)
	}
}
