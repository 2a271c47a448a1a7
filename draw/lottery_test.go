package draw

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// DRAW.md §2 / RFC 3797: numbers sorted ascending, each followed by ".",
// the source ended by "/"; decimal without leading zeros.
func TestLotteryCanonical(t *testing.T) {
	for _, c := range []struct {
		in   []int64
		want string
	}{
		{[]int64{9319}, "9319./"}, // one multi-digit number stays one number
		{[]int64{2, 5, 12, 8, 10}, "2.5.8.10.12./"},
		{[]int64{9, 18, 26, 34, 41, 45}, "9.18.26.34.41.45./"},
		{[]int64{0, 0, 7}, "0.0.7./"}, // 福彩3D digits: repeats kept, order lost as in the RFC
		{[]int64{1 << 53}, "9007199254740992./"},
	} {
		got, err := LotteryCanonical(c.in)
		if err != nil || string(got) != c.want {
			t.Errorf("LotteryCanonical(%v) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	in := []int64{3, 1, 2}
	if _, err := LotteryCanonical(in); err != nil || !slices.Equal(in, []int64{3, 1, 2}) {
		t.Errorf("LotteryCanonical changed its input: %v", in)
	}
	for _, bad := range [][]int64{nil, {}, {-1}, {1, 1<<53 + 1}} {
		if _, err := LotteryCanonical(bad); !errors.Is(err, ErrBadNumbers) {
			t.Errorf("LotteryCanonical(%v): err = %v, want ErrBadNumbers", bad, err)
		}
	}
}

func TestParseLotteryNumbers(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []int64
		err  string
	}{
		{"9319", []int64{9319}, ""},
		{"2 5 12 8 10", []int64{2, 5, 12, 8, 10}, ""},
		{" 03,07, 15\t", []int64{3, 7, 15}, ""},
		{"000", []int64{0}, ""},
		{"0 5 3", []int64{0, 5, 3}, ""},
		{"", nil, "no numbers"},
		{" , ", nil, "no numbers"},
		{"1 -2", nil, `item 2 "-2"`},
		{"+1", nil, `item 1 "+1"`},
		{"1.5", nil, `item 1 "1.5"`},
		{"１２", nil, "not a decimal"}, // full-width digits are not accepted silently
		{"9007199254740993", nil, "above 2^53"},
		{"99999999999999999999999", nil, "above 2^53"},
	} {
		got, err := ParseLotteryNumbers(c.in)
		if c.err != "" {
			if !errors.Is(err, ErrBadNumbers) || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseLotteryNumbers(%q): err = %v, want ErrBadNumbers mentioning %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("ParseLotteryNumbers(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

func FuzzParseLotteryNumbers(f *testing.F) {
	for _, s := range []string{"9319", "2 5 12 8 10", "03,07,15", "", "-1", "1e3", "9007199254740993"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		nums, err := ParseLotteryNumbers(s)
		if err != nil {
			if !errors.Is(err, ErrBadNumbers) {
				t.Fatalf("error does not wrap ErrBadNumbers: %v", err)
			}
			return
		}
		canon, err := LotteryCanonical(nums)
		if err != nil {
			t.Fatalf("parsed %v but cannot canonicalise: %v", nums, err)
		}
		// The canonical form parses back to the same multiset.
		back, err := ParseLotteryNumbers(strings.NewReplacer(".", " ", "/", "").Replace(string(canon)))
		if err != nil {
			t.Fatal(err)
		}
		a, b := slices.Clone(nums), slices.Clone(back)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Fatalf("%q: parsed %v, canonical %q parses to %v", s, nums, canon, back)
		}
		for _, n := range nums {
			if n < 0 || n > 1<<53 {
				t.Fatalf("%q: number %d outside 0..2^53", s, n)
			}
		}
	})
}
