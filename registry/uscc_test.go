package registry

import (
	"errors"
	"testing"
)

// Published codes of well-known companies (national enterprise credit
// information publicity system), used as known-good vectors.
var knownUSCCs = []struct{ name, code string }{
	{"华为技术有限公司", "914403001922038216"},
	{"深圳市腾讯计算机系统有限公司", "91440300708461136T"},
}

func TestValidateUSCCKnown(t *testing.T) {
	for _, k := range knownUSCCs {
		if err := ValidateUSCC(k.code); err != nil {
			t.Errorf("%s %s: %v", k.name, k.code, err)
		}
		c, err := USCCCheckChar(k.code[:17])
		if err != nil || c != k.code[17] {
			t.Errorf("%s: check char %q, %v; want %q", k.name, c, err, k.code[17])
		}
	}
}

func TestValidateUSCCCorrupted(t *testing.T) {
	cases := []struct {
		code string
		want error
	}{
		{"914403001922038217", ErrBadCheckChar}, // Huawei, last character changed
		{"914403001922038261", ErrBadCheckChar}, // two characters swapped
		{"914403001932038216", ErrBadCheckChar}, // one body character changed
		{"91440300708461136X", ErrBadCheckChar},
		{"91440300708461136t", ErrBadUSCC}, // lower case is not in the code set
		{"9144030019220382", ErrBadUSCC},   // too short
		{"9144030019220382160", ErrBadUSCC},
		{"91440300192203821I", ErrBadUSCC}, // I excluded
		{"9144030019220O8216", ErrBadUSCC}, // O excluded
		{"91A40300192203821Z", ErrBadUSCC}, // division not digits
		{"", ErrBadUSCC},
		{"９１４４０３００１９２２０３８２１６", ErrBadUSCC}, // full-width digits
	}
	for _, c := range cases {
		err := ValidateUSCC(c.code)
		if !errors.Is(err, c.want) {
			t.Errorf("ValidateUSCC(%q) = %v, want %v", c.code, err, c.want)
		}
	}
}

// Every single-character substitution of a valid code is detected: the
// check is a weighted sum modulo the prime 31 with weights coprime to 31.
func TestUSCCDetectsEverySubstitution(t *testing.T) {
	code := knownUSCCs[0].code
	for i := 0; i < 18; i++ {
		for j := 0; j < len(usccAlphabet); j++ {
			c := usccAlphabet[j]
			if c == code[i] || (i >= 2 && i < 8 && (c < '0' || c > '9')) {
				continue
			}
			bad := code[:i] + string(c) + code[i+1:]
			if err := ValidateUSCC(bad); err == nil {
				t.Fatalf("substitution at %d (%q) not detected: %s", i+1, c, bad)
			}
		}
	}
}

func TestUSCCCheckCharZero(t *testing.T) {
	// A body whose weighted sum is 0 mod 31 has check character '0'.
	c, err := USCCCheckChar("00000000000000000")
	if err != nil || c != '0' {
		t.Fatalf("got %q, %v", c, err)
	}
}
