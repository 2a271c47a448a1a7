package draw

import (
	"fmt"
	"io"

	"github.com/shuangsuiji/ssj/internal/jsonin"
)

// DecodeSources reads a JSON array of Source strictly: unknown fields,
// numbers that are not integers, and trailing data are refused. It does
// not validate the sources; call Validate with the commit time.
func DecodeSources(r io.Reader) ([]Source, error) {
	var out []Source
	if err := srcDecodeStrict(r, &out); err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	return out, nil
}

// DecodeEvidence reads a JSON array of Evidence strictly, like
// DecodeSources.
func DecodeEvidence(r io.Reader) ([]Evidence, error) {
	var out []Evidence
	if err := srcDecodeStrict(r, &out); err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	return out, nil
}

// DecodeDrandBeacon reads one beacon as the drand HTTP API publishes it
// ({"round":…, "randomness":…, "signature":…}). Fields the API adds that
// ssj does not use (such as "previous_signature") are ignored. It does not
// verify the beacon; call DrandChain.Verify.
func DecodeDrandBeacon(r io.Reader) (DrandBeacon, error) {
	var raw struct {
		Round      *uint64 `json:"round"`
		Randomness string  `json:"randomness"`
		Signature  string  `json:"signature"`
	}
	// Not ssj's format: members the API adds are ignored.
	if err := jsonin.ReadAll(r, 0, &raw, jsonin.Options{AllowUnknown: true}); err != nil {
		return DrandBeacon{}, fmt.Errorf("%w: drand beacon JSON: %w", ErrBadBeacon, err)
	}
	if raw.Round == nil {
		return DrandBeacon{}, fmt.Errorf("%w: drand beacon JSON: round is missing", ErrBadBeacon)
	}
	return DrandBeacon{Round: *raw.Round, Randomness: raw.Randomness, Signature: raw.Signature}, nil
}

// Evidence returns the beacon as the Evidence of a drand source.
func (b DrandBeacon) Evidence() Evidence {
	return Evidence{Randomness: b.Randomness, Signature: b.Signature}
}

// srcDecodeStrict decodes one JSON value into v, refusing unknown fields
// and trailing data.
func srcDecodeStrict(r io.Reader, v any) error {
	if err := jsonin.ReadAll(r, 0, v, jsonin.Options{}); err != nil {
		return decodeError{err: err, kind: ErrBadSource}
	}
	return nil
}
