package draw

import (
	"crypto/sha256"
	"encoding/hex"
)

// ParticipantCommitment returns the commitment a participant publishes
// before the draw for a secret it reveals afterwards: the lower-case hex
// SHA-256 of the secret's bytes (UTF-8, no normalisation, no trailing
// newline). Put it in Source.Commitment; put the secret in
// Evidence.Secret once revealed.
//
// The secret should carry at least 128 bits of unpredictability (for
// example 32 random bytes written as hex): a short or guessable secret can
// be found from its commitment before the reveal.
func ParticipantCommitment(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
