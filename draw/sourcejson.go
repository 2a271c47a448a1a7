package draw

import (
	"encoding/json"
	"fmt"
	"io"
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
	dec := json.NewDecoder(r)
	if err := dec.Decode(&raw); err != nil {
		return DrandBeacon{}, fmt.Errorf("%w: drand beacon JSON: %v", ErrBadBeacon, err)
	}
	if err := srcNoTrailing(dec); err != nil {
		return DrandBeacon{}, fmt.Errorf("%w: drand beacon JSON: %v", ErrBadBeacon, err)
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
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrBadSource, err)
	}
	return srcNoTrailing(dec)
}

// srcNoTrailing refuses anything but white space after the decoded value.
func srcNoTrailing(dec *json.Decoder) error {
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: trailing data after the JSON value at offset %d", ErrBadSource, dec.InputOffset())
	}
	return nil
}
