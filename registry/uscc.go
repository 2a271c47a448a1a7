package registry

import (
	"fmt"
)

// usccAlphabet is the 31-character code set of GB 32100-2015: the digits
// and the upper-case Latin letters without I, O, Z, S and V. A character's
// value is its index in this string.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are the GB 32100-2015 weights of positions 1..17: 3^(i-1) mod 31.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// usccValue maps a byte to its value in usccAlphabet, or -1.
var usccValue = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i := 0; i < len(usccAlphabet); i++ {
		v[usccAlphabet[i]] = int8(i)
	}
	return v
}()

// USCCLength is the length of a 统一社会信用代码 (unified social credit code).
const USCCLength = 18

// USCCCheckChar returns the GB 32100-2015 check character for the first 17
// characters of a unified social credit code (统一社会信用代码):
// C18 = 31 - (Σ value(Ci)·Wi mod 31), where 31 maps to '0'. It returns an
// error wrapping ErrBadUSCC when body is not 17 characters of the code set.
func USCCCheckChar(body string) (byte, error) {
	if len(body) != USCCLength-1 {
		return 0, fmt.Errorf("%w: body has %d characters, want %d", ErrBadUSCC, len(body), USCCLength-1)
	}
	sum := 0
	for i := 0; i < USCCLength-1; i++ {
		v := usccValue[body[i]]
		if v < 0 {
			return 0, fmt.Errorf("%w: character %q at position %d is not in the GB 32100-2015 code set", ErrBadUSCC, body[i], i+1)
		}
		sum += int(v) * usccWeights[i]
	}
	return usccAlphabet[(31-sum%31)%31], nil
}

// ValidateUSCC checks that code is a well-formed 统一社会信用代码: 18
// characters of the GB 32100-2015 code set (digits and upper-case letters
// except I, O, Z, S, V), positions 3–8 digits (the registering authority's
// administrative division code), and a correct check character.
//
// A code of the wrong length or with a character outside the code set yields
// an error wrapping ErrBadUSCC; a wrong 18th character yields one wrapping
// ErrBadCheckChar. Lower-case input is rejected: callers that accept
// user-typed codes should upper-case them first (the import functions do).
//
// Note that a few codes issued by early pilot regions before the standard
// was final do not satisfy the check; such entities must be registered
// under another kind with a registry-local ID.
func ValidateUSCC(code string) error {
	if len(code) != USCCLength {
		return fmt.Errorf("%w: %q has %d bytes, want %d characters", ErrBadUSCC, code, len(code), USCCLength)
	}
	for i := 2; i < 8; i++ {
		if code[i] < '0' || code[i] > '9' {
			return fmt.Errorf("%w: %q: position %d must be a digit of the administrative division code", ErrBadUSCC, code, i+1)
		}
	}
	want, err := USCCCheckChar(code[:USCCLength-1])
	if err != nil {
		return fmt.Errorf("%w (code %q)", err, code)
	}
	if usccValue[code[USCCLength-1]] < 0 {
		return fmt.Errorf("%w: %q: character %q at position 18 is not in the GB 32100-2015 code set", ErrBadUSCC, code, code[USCCLength-1])
	}
	if code[USCCLength-1] != want {
		return fmt.Errorf("%w: %q ends in %q, want %q", ErrBadCheckChar, code, code[USCCLength-1], want)
	}
	return nil
}
