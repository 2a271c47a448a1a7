package draw

import "crypto/sha256"

// srcSum returns SHA-256 of b as a slice.
func srcSum(b []byte) []byte {
	h := sha256.Sum256(b)
	return h[:]
}
