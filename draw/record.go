package draw

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/shuangsuiji/ssj/internal/canon"

	"github.com/shuangsuiji/ssj/internal/jsonin"
)

// SpecVersion names the version of docs/draw-spec.md this package
// implements. The draw algorithm inside it (the manifest's "algorithm" and
// the rank domain string) is still Algorithm, "ssj-v1": the version counts
// changes to the record format, not to the ranks.
const SpecVersion = "ssj-v1.1"

// RecordFormat is the value of Record.Format for records of this version
// (docs/draw-spec.md, change log). Records of an earlier format are
// refused: their lock and fallback counts are encoded differently.
const RecordFormat = "ssj-v1.1-record"

// Record is the published result of a random draw (DRAW.md §7): the
// manifest, the randomness evidence, R and K, every stratum's counts and
// quota, the selected targets with their ranks, the inspection batches,
// the inspector groups and replacements, and the lock. Everything in it
// except Lock.At/By/Signature and the replacement requests is recomputed by
// Verify from the manifest, the evidence and the pools, and Verify compares
// the canonical bytes of the recomputation with the record's.
type Record struct {
	// Format is RecordFormat, "ssj-v1.1-record".
	Format string `json:"format"`
	// Manifest is the draw's manifest, as committed.
	Manifest Manifest `json:"manifest"`
	// ManifestHash is H of the manifest's canonical JSON, hex (H the hash
	// of the manifest's suite: SHA-256, or SM3 for ssj-v1-sm).
	ManifestHash string `json:"manifest_hash"`
	// Evidence is the revealed value of each declared source, in order.
	Evidence []Evidence `json:"evidence"`
	// SourceInputs are the canonical bytes sᵢ of each source, hex, so that
	// R can be checked by hand.
	SourceInputs []string `json:"source_inputs"`
	// R = H(lp(s1) || lp(s2) || ...), hex.
	R string `json:"r"`
	// K = HMAC-SHA256(manifest hash, R), hex.
	K string `json:"k"`
	// ManipulationResistant is false when a source is a manual string.
	ManipulationResistant bool `json:"manipulation_resistant"`
	// Scope is the number of units in scope; Eligible how many of them
	// were eligible.
	Scope    int `json:"scope"`
	Eligible int `json:"eligible"`
	// Exclusions counts, per reason, the units in scope not eligible.
	Exclusions []ExclusionCount `json:"exclusions"`
	// Strata are the strata in key byte order.
	Strata []StratumResult `json:"strata"`
	// Quota is the sum of the strata quotas, Shortfall the sum of their
	// shortfalls; len(Selected) = Quota - Shortfall.
	Quota     int `json:"quota"`
	Shortfall int `json:"shortfall"`
	// Selected are the drawn targets in ascending rank.
	Selected []Selection `json:"selected"`
	// Batches are the inspection batches, when the manifest asks for them.
	Batches []Batch `json:"batches,omitempty"`
	// Groups are the inspection groups, one per selected target in the
	// order of Selected, when the manifest matches inspectors.
	Groups []Group `json:"groups,omitempty"`
	// Replacements are the approved replacements (rule R18), in order.
	Replacements []Replacement `json:"replacements,omitempty"`
	// Lock is set once the draw is confirmed (rule R16).
	Lock *LockInfo `json:"lock,omitempty"`
}

// StratumResult is one stratum's counts, quota and shortfall.
type StratumResult struct {
	// Stratum is the stratum key: its values joined by "/" in the order of
	// Manifest.Strata ("" when the task has no strata).
	Stratum string `json:"stratum"`
	// Ratio is the ratio applied ("" under a fixed total).
	Ratio string `json:"ratio,omitempty"`
	// Scope, Eligible: units of the stratum in scope and eligible.
	Scope    int `json:"scope"`
	Eligible int `json:"eligible"`
	// Exclusions counts the stratum's units in scope not eligible, per
	// reason; reasons with no unit are left out.
	Exclusions []ExclusionCount `json:"exclusions"`
	// Uplifted is how many of the stratum's units in scope the manifest's
	// uplift (rule R12) raised into it from a lower registered class;
	// omitted when zero.
	Uplifted int `json:"uplifted,omitempty"`
	// Base is the count the ratio or total share applied to.
	Base int `json:"base"`
	// Quota is the stratum's quota before the eligible limit.
	Quota int `json:"quota"`
	// Selected = min(Quota, Eligible); Shortfall = Quota - Selected.
	Selected  int `json:"selected"`
	Shortfall int `json:"shortfall"`
}

// Selection is one drawn target.
type Selection struct {
	// Target is the target's label (its ID).
	Target string `json:"target"`
	// Name is the target's name from the pool, for the announcement. It is
	// not part of the pool commitment.
	Name string `json:"name"`
	// Stratum is the target's stratum key.
	Stratum string `json:"stratum"`
	// Rank is rank("target", Target), hex.
	Rank string `json:"rank"`
}

// Batch is one inspection batch: the targets inspected in it, in
// selection order.
type Batch struct {
	Number  int      `json:"number"`
	Targets []string `json:"targets"`
}

// LockInfo records the confirmation of a draw (rule R16): who confirmed it,
// when, and the hash of the record it confirms, hashed together (Hash) and
// optionally signed with the confirming officer's key (Signature). Editing
// At or By breaks Hash; recomputing Hash as well breaks the signature and
// the anchor (Anchor) published with the announcement.
type LockInfo struct {
	// At is the confirmation time, UTC, not before the commit time.
	At time.Time `json:"at"`
	// By names the confirming officer or role (rules R16, R29).
	By string `json:"by"`
	// RecordHash is RecordHash of the record without its lock and
	// replacements: the content that can no longer change.
	RecordHash string `json:"record_hash"`
	// Hash is LockHash: SHA-256 of the canonical JSON of {at, by,
	// record_hash}, hex.
	Hash string `json:"hash"`
	// Signature, when present, is the confirming officer's signature over
	// LockSigningBytes.
	Signature *LockSignature `json:"signature,omitempty"`
}

// LockSignature is a signature over a lock's LockSigningBytes.
type LockSignature struct {
	// Algorithm names the scheme, e.g. "ed25519" (or "sm2").
	Algorithm string `json:"algorithm"`
	// KeyID identifies the public key, e.g. publish.KeyIDOf's
	// "ed25519:0123456789abcdef".
	KeyID string `json:"key_id"`
	// Value is the signature, base64 (standard encoding, padded).
	Value string `json:"value"`
}

// RecordHash returns H of the canonical JSON of r without its Lock
// and Replacements, hex: the identity of a draw's result, which the lock
// and the task announcement cite.
//
// The hash is that of the crypto suite of r's manifest (SM3 for
// ssj-v1-sm).
func RecordHash(r *Record) (string, error) {
	cs, err := recordSuite(r)
	if err != nil {
		return "", err
	}
	c := *r
	c.Lock = nil
	c.Replacements = nil
	// MarshalRecord's bytes are encoding/json's, indented, with the
	// selections encoded on all processors; the canonical form does not
	// depend on the whitespace.
	j, err := MarshalRecord(&c)
	if err != nil {
		return "", fmt.Errorf("draw: record hash: %w", err)
	}
	b, err := canon.Transform(j)
	if err != nil {
		return "", fmt.Errorf("draw: record hash: %w", err)
	}
	return hexSum(cs, b), nil
}

// ErrUnreadable is returned (wrapped) by DecodeRecord when the input cannot
// be read or is not one well-formed JSON document in UTF-8: there is no
// record to verify. Every other refusal of DecodeRecord, and every error of
// Verify, is a *VerifyError matching ErrMismatch: the input is a JSON
// document that is not a record that verifies. The CLI exits 2 for the
// first and 1 for the second.
var ErrUnreadable = errors.New("draw: record cannot be read")

// DecodeRecord reads a record from JSON strictly. It returns an error
// wrapping ErrUnreadable when the input cannot be read or is not JSON, and a
// *VerifyError (errors.Is ErrMismatch: the record does not verify) when the
// JSON is not a record of this format: unknown members, floats, wrong types,
// another format string, a document not in canonical form
// (ErrNotCanonical) or a manifest that does not validate. It does not
// verify the record; call Verify with the pools.
func DecodeRecord(r io.Reader) (Record, error) {
	data, err := readAllSized(r)
	if err != nil {
		return Record{}, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	return decodeRecord(data, true)
}

// readAllSized is io.ReadAll, reading into one buffer of the input's size
// when r tells it (a file, a bytes.Reader): a large record is read without
// the copies of a growing buffer.
func readAllSized(r io.Reader) ([]byte, error) {
	size := int64(-1)
	switch f := r.(type) {
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	case interface{ Len() int }:
		size = int64(f.Len())
	}
	if size <= 0 || size > 1<<40 {
		return io.ReadAll(r)
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// decodeRecord is DecodeRecord of data, with the fast path for records in
// MarshalRecord's form (record_fast.go) optional: tests compare the two.
func decodeRecord(data []byte, fast bool) (Record, error) {
	if !utf8.Valid(data) {
		return Record{}, fmt.Errorf("%w: not UTF-8 text", ErrUnreadable)
	}
	data = jsonin.TrimBOM(data) // Excel and Notepad on Chinese Windows write a BOM
	if len(bytes.TrimSpace(data)) == 0 {
		return Record{}, fmt.Errorf("%w: empty document: want a record object", ErrUnreadable)
	}
	if fast {
		if rec, ok := decodeRecordFast(data); ok {
			// Decoded, and in canonical form: what is left to check.
			if rec.Format != RecordFormat {
				return Record{}, &VerifyError{Path: "format", Record: strconv.Quote(rec.Format), Recomputed: strconv.Quote(RecordFormat)}
			}
			if err := rec.Manifest.Validate(); err != nil {
				return Record{}, &VerifyError{Path: "manifest", Err: err}
			}
			return rec, nil
		}
	}
	if !json.Valid(data) {
		err := json.Unmarshal(data, new(json.RawMessage)) // the syntax error
		// Not one JSON document: say where (line, column) as every other
		// JSON input does; fall back to encoding/json's words.
		var je *jsonin.Error
		if derr := jsonin.Decode(data, new(Record), jsonin.Options{}); errors.As(derr, &je) {
			return Record{}, fmt.Errorf("%w: not a JSON document: %w", ErrUnreadable, je)
		}
		return Record{}, fmt.Errorf("%w: not a JSON document: %w", ErrUnreadable, err)
	}
	transformed := canonAsync(data) // the canonical check's transform, meanwhile
	var rec Record
	if err := decodeStrict(bytes.NewReader(data), &rec); err != nil {
		return Record{}, &VerifyError{Path: "record", Err: err}
	}
	if rec.Format != RecordFormat {
		return Record{}, &VerifyError{Path: "format", Record: strconv.Quote(rec.Format), Recomputed: strconv.Quote(RecordFormat)}
	}
	if err := sameCanonicalWith(data, &rec, transformed); err != nil {
		return Record{}, &VerifyError{Path: "record", Err: err}
	}
	if err := rec.Manifest.Validate(); err != nil {
		return Record{}, &VerifyError{Path: "manifest", Err: err}
	}
	return rec, nil
}

// MarshalRecord returns the record as indented JSON, the published form:
// WriteRecord's bytes (the selections encoded on all processors,
// record_encode.go), those of one encoding/json pass.
func MarshalRecord(r *Record) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(4096 + selectionsSize(r.Selected, 0, len(r.Selected)))
	if err := WriteRecord(&buf, r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
