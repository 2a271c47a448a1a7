package merkle

import (
	"crypto/sha256"
	"crypto/sha512"
	"testing"
)

// RootInPlace gives RootFromLeafHashes's root for every size, with the
// package's SHA-256 fast path and with another 32-byte hash.
func TestRootInPlaceIsRootFromLeafHashes(t *testing.T) {
	for _, h := range []Hasher{SHA256, NewHasher(sha512.New512_256)} {
		for n := 0; n <= 70; n++ {
			leaves := make([]Hash, n)
			for i := range leaves {
				leaves[i] = sha256.Sum256([]byte{byte(i), byte(n)})
			}
			want := h.RootFromLeafHashes(leaves)
			if got := h.RootInPlace(append([]Hash(nil), leaves...)); got != want {
				t.Fatalf("size %d (sha256 %v): RootInPlace %x, RootFromLeafHashes %x", n, h.IsSHA256(), got, want)
			}
		}
	}
}
