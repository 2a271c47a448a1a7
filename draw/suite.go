package draw

import (
	"encoding/hex"
	"fmt"

	"github.com/shuangsuiji/ssj/suite"
)

// The draw under a crypto suite (docs/draw-spec.md Appendix H). A manifest
// names its suite in the member "suite": absent is ssj-v1 (SHA-256,
// HMAC-SHA256: every manifest, vector and record written before suites
// existed), "ssj-v1-sm" is the national suite (SM3, HMAC-SM3). The suite
// decides every hash of Appendix G: leaves and the Merkle tree,
// manifest_hash, R, K, the ranks, the group digests, groups_hash, the
// replacement hashes, record_hash, lock.hash and the anchor. It does not
// change the rank domain string ("ssj-v1"), the drand chain hash (SHA-256,
// as drand defines it), the participant commitment (SHA-256, Appendix B
// §5) or the RFC 3797 mode (MD5).

// SuiteError is the refusal of a crypto suite a task or manifest names
// that this package does not implement, or that it names in a form that is
// not canonical ("ssj-v1" written out in a manifest, where ssj-v1 is the
// absent member). It matches ErrInvalidTask and suite.ErrUnknown with
// errors.Is.
type SuiteError struct {
	// Field is the JSON member, "suite".
	Field string
	// Value is the value given.
	Value string
	// Reason says why it is refused.
	Reason string
}

// Error names the field, the value and the suites accepted.
func (e *SuiteError) Error() string {
	return fmt.Sprintf("draw: invalid task: %s %q: %s", e.Field, e.Value, e.Reason)
}

// Unwrap returns ErrInvalidTask and suite.ErrUnknown.
func (e *SuiteError) Unwrap() []error { return []error{ErrInvalidTask, suite.ErrUnknown} }

// lookupSuite returns the suite a task names ("" and "ssj-v1" are ssj-v1).
func lookupSuite(field, id string) (suite.Suite, error) {
	s, err := suite.Lookup(id)
	if err != nil {
		return suite.Suite{}, &SuiteError{Field: field, Value: id,
			Reason: fmt.Sprintf("unknown crypto suite (want %q, %q or the member absent for %q)", suite.V1, suite.V1SM, suite.V1)}
	}
	return s, nil
}

// manifestSuite is the member "suite" of a manifest for suite s: absent for
// ssj-v1, so that no manifest written before suites existed changes.
func manifestSuite(s suite.Suite) string {
	if s.ID() == suite.V1 {
		return ""
	}
	return string(s.ID())
}

// CryptoSuite returns the crypto suite the manifest declares: ssj-v1 when
// the member "suite" is absent, ssj-v1-sm when it says so. Any other value,
// and "ssj-v1" written out (not the canonical form), is a *SuiteError.
func (m *Manifest) CryptoSuite() (suite.Suite, error) {
	if m.Suite == string(suite.V1) {
		return suite.Suite{}, &SuiteError{Field: "suite", Value: m.Suite,
			Reason: fmt.Sprintf("%q is written as the absent member in a manifest", suite.V1)}
	}
	return lookupSuite("suite", m.Suite)
}

// mustSuite is CryptoSuite for a manifest already validated.
func (m *Manifest) mustSuite() suite.Suite {
	s, err := m.CryptoSuite()
	if err != nil {
		panic(fmt.Sprintf("draw: %v (the manifest was not validated)", err))
	}
	return s
}

// recordSuite is the suite of a record's manifest, an error wrapping
// ErrInvalidTask when the manifest names none this package implements.
func recordSuite(r *Record) (suite.Suite, error) { return r.Manifest.CryptoSuite() }

// hexSum returns the lower-case hex of the suite's hash of b.
func hexSum(s suite.Suite, b []byte) string {
	d := s.Sum(b)
	return hex.EncodeToString(d[:])
}

// DeriveKeyWith computes K = HMAC(key = manifest hash, message = R) under
// crypto suite s (HMAC-SHA256 for ssj-v1, HMAC-SM3 for ssj-v1-sm).
func DeriveKeyWith(s suite.Suite, manifestHash, r [32]byte) Key {
	return Key(s.HMAC(manifestHash[:], r[:]))
}

// NewRankerWith returns a Ranker for key k under crypto suite s.
func NewRankerWith(s suite.Suite, k Key) *Ranker {
	return &Ranker{mac: s.NewHMAC(k[:])}
}

// CurrentGroups is CurrentGroupsWith under the suite of r's manifest: the
// groups as they stand after r's replacements, the hash chain checked.
func (r *Record) CurrentGroups() ([]Group, error) {
	cs, err := recordSuite(r)
	if err != nil {
		return nil, err
	}
	return CurrentGroupsWith(cs, r.Groups, r.Replacements)
}
