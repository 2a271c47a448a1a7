package suite_test

import (
	"fmt"

	"github.com/shuangsuiji/ssj/suite"
)

// A system reads the suite a trail or manifest names and hashes with it.
func ExampleLookup() {
	for _, id := range []string{"", "ssj-v1", "ssj-v1-sm"} {
		s, err := suite.Lookup(id)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-9s %s… %s\n", s.ID(), s.HexSum([]byte("abc"))[:16], s.SignatureAlgorithm())
	}
	// Output:
	// ssj-v1    ba7816bf8f01cfea… ed25519
	// ssj-v1    ba7816bf8f01cfea… ed25519
	// ssj-v1-sm 66c7f0f462eeedd9… sm2
}
