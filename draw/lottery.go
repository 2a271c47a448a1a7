package draw

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ErrBadNumbers is returned (wrapped) when lottery numbers cannot be
// canonicalised: none given, a negative number, one above 2^53, or text
// that is not a whitespace-separated list of decimal integers.
var ErrBadNumbers = errors.New("bad lottery numbers")

// LotteryCanonical returns the RFC 3797 form of one numeric source: the
// numbers sorted ascending, each written in decimal without leading zeros
// and followed by ".", the whole ended by "/". For example the numbers
// 12 2 10 5 8 give "2.5.8.10.12./" and the single number 9319 gives
// "9319./". Numbers must be in 0..2^53 and there must be at least one.
func LotteryCanonical(numbers []int64) ([]byte, error) {
	if len(numbers) == 0 {
		return nil, fmt.Errorf("%w: no numbers", ErrBadNumbers)
	}
	for i, n := range numbers {
		if n < 0 || n > maxJSONInt {
			return nil, fmt.Errorf("%w: number %d (%d) is outside 0..2^53", ErrBadNumbers, i+1, n)
		}
	}
	sorted := slices.Clone(numbers)
	slices.Sort(sorted)
	b := make([]byte, 0, 8*len(sorted)+1)
	for _, n := range sorted {
		b = strconv.AppendInt(b, n, 10)
		b = append(b, '.')
	}
	return append(b, '/'), nil
}

// ParseLotteryNumbers parses one source written as text, such as "9319" or
// "2 5 8 10 12" or "03,07,15": decimal integers separated by spaces, tabs or
// commas. Leading zeros are allowed ("03" is 3) and a leading "+" or "-" is
// refused. The result keeps the written order; LotteryCanonical sorts it.
func ParseLotteryNumbers(text string) ([]int64, error) {
	fields := strings.FieldsFunc(text, func(r rune) bool {
		return r == ' ' || r == '\t' || r == ',' || r == '\n' || r == '\r'
	})
	if len(fields) == 0 {
		return nil, fmt.Errorf("%w: %q holds no numbers", ErrBadNumbers, text)
	}
	out := make([]int64, len(fields))
	for i, f := range fields {
		for _, c := range f {
			if c < '0' || c > '9' {
				return nil, fmt.Errorf("%w: %q: item %d %q is not a decimal integer", ErrBadNumbers, text, i+1, f)
			}
		}
		d := strings.TrimLeft(f, "0")
		if d == "" {
			d = "0"
		}
		n, err := strconv.ParseInt(d, 10, 64)
		if err != nil || n > maxJSONInt {
			return nil, fmt.Errorf("%w: %q: item %d %q is above 2^53", ErrBadNumbers, text, i+1, f)
		}
		out[i] = n
	}
	return out, nil
}
