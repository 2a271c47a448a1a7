// Package beacon is the Go side of the beacon plugin kind (随机信标, a
// public randomness beacon): a Beacon fetches the published value of a
// declared randomness source, e.g. drand quicknet round N, so that the
// draw step can take its evidence from the source itself instead of a
// file someone typed in.
//
// Three implementations share the Beacon interface: DrandHTTP (in
// process, drand's HTTP API), adapters/host.BeaconClient (a plugin process
// over ssj.adapters.v1, adapters/proto/beacon.proto) and whatever a
// third party serves with adapters/beaconplugin.Serve. None of them is
// trusted for correctness: Check verifies a value against the source's
// pinned chain information (draw.DrandChain.Verify, BLS12-381 with
// circl), and every layer calls it again — the HTTP client on the relay's
// answer, the plugin's server before it answers, and the host on what the
// plugin sent. A beacon is trusted for availability only.
//
// Errors wrap ErrNotFound (the round is not published yet: retry later),
// ErrRefused (the value does not verify, or the source or network is
// unknown; a value that does not verify is also a *VerifyError, errors.Is
// draw.ErrBadBeacon in process) or ErrUnavailable (the source could not
// be reached, answered an HTTP error, or did not answer before the
// context's deadline). Each is also the office sentinel it travels as
// across the plugin boundary (a gRPC code): office.ErrNotFound,
// office.ErrPrecondition, office.ErrUnavailable.
package beacon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/office"
)

// The beacon's errors. errors.Is also finds the office sentinel each one
// stands for (ErrNotFound is office.ErrNotFound, ErrRefused
// office.ErrPrecondition, ErrUnavailable office.ErrUnavailable), which
// carries it across the plugin boundary and gives the CLI's exit status;
// their messages speak of the beacon.
var (
	ErrNotFound    error = &sentinel{"not published (yet)", office.ErrNotFound}
	ErrRefused     error = &sentinel{"refused", office.ErrPrecondition}
	ErrUnavailable error = &sentinel{"beacon unavailable", office.ErrUnavailable}
)

type sentinel struct {
	msg string
	as  error
}

func (s *sentinel) Error() string { return s.msg }

// Is makes errors.Is find the office sentinel too.
func (s *sentinel) Is(target error) bool { return target == s.as }

// SourceDrand is the source name of drand's beacons (draw.SourceDrand).
const SourceDrand = string(draw.SourceDrand)

// Request names one value: a round of a network of a source.
type Request struct {
	// Source is the declared source kind: "drand".
	Source string
	// Network is the network within the source: a drand chain name or
	// chain hash; empty means quicknet (draw.DrandChainByName).
	Network string
	// Round is the round; 0 is refused.
	Round uint64
}

// String names the request in messages, e.g. "drand quicknet round 1000".
func (r Request) String() string {
	n := r.Network
	if n == "" {
		n = draw.Quicknet.Name
	}
	return fmt.Sprintf("%s %s round %d", r.Source, n, r.Round)
}

// Value is one value as the source published it: for drand, the beacon
// of the HTTP API in lower-case hex.
type Value struct {
	// Source is the request's source.
	Source string
	// ChainHash is the hash of the chain the value was verified against.
	ChainHash string
	// Round is the value's round.
	Round uint64
	// Randomness is SHA-256 of Signature, lower-case hex.
	Randomness string
	// Signature is the network's BLS signature of the round.
	Signature string
	// PreviousSignature is the previous round's signature for chained
	// schemes; empty for quicknet.
	PreviousSignature string
}

// Drand returns the value as a drand beacon.
func (v Value) Drand() draw.DrandBeacon {
	return draw.DrandBeacon{Round: v.Round, Randomness: v.Randomness, Signature: v.Signature}
}

// Evidence returns the value as the evidence of its draw source.
func (v Value) Evidence() draw.Evidence { return v.Drand().Evidence() }

// Beacon fetches verified values of declared randomness sources. It is
// safe for concurrent use.
type Beacon interface {
	// Fetch returns the value req names, verified with Check.
	Fetch(ctx context.Context, req Request) (Value, error)
	// Close releases what the beacon holds (a plugin process).
	Close() error
}

// VerifyError is a value that does not answer its request or does not
// verify against the pinned chain information: it names the request, the
// field at fault and the reason. errors.Is finds draw.ErrBadBeacon and
// ErrRefused (so office.ErrPrecondition).
type VerifyError struct {
	// Request is what was asked for.
	Request Request
	// Field is the value's field at fault: "source", "chain_hash",
	// "round", "randomness" or "signature"; or, for DrandHTTP, "answer"
	// (the relay's answer is not a drand beacon) or "info" (the relay's
	// chain information is not the pinned one).
	Field string
	// Err is the reason (for "randomness" and "signature", draw's
	// verification error).
	Err error
}

// Error implements error.
func (e *VerifyError) Error() string {
	return fmt.Sprintf("%s: field %s: refused: %v", e.Request, e.Field, e.Err)
}

// Unwrap returns draw.ErrBadBeacon, ErrRefused and the reason.
func (e *VerifyError) Unwrap() []error {
	return []error{draw.ErrBadBeacon, ErrRefused, e.Err}
}

// Chain returns the pinned chain information of a request's network, or
// an error wrapping ErrRefused for an unknown source or
// network, or round 0.
func Chain(req Request) (draw.DrandChain, error) {
	if req.Source != SourceDrand {
		return draw.DrandChain{}, fmt.Errorf("beacon: source %q: %w: this build knows the source %q only", req.Source, ErrRefused, SourceDrand)
	}
	if req.Round == 0 {
		return draw.DrandChain{}, fmt.Errorf("beacon: %s: %w: round 0 does not exist", req, ErrRefused)
	}
	c, err := draw.DrandChainByName(req.Network)
	if err != nil {
		return draw.DrandChain{}, fmt.Errorf("beacon: %s: %w: %w", req, ErrRefused, err)
	}
	return c, nil
}

// Check verifies that v is the value req names: same source, the pinned
// chain's hash, the same round, and a drand signature and randomness that
// verify against the pinned public key (draw.DrandChain.Verify). A
// failure is a *VerifyError naming the field.
func Check(req Request, v Value) error {
	c, err := Chain(req)
	if err != nil {
		return err
	}
	fail := func(field, format string, a ...any) error {
		return &VerifyError{Request: req, Field: field, Err: fmt.Errorf(format, a...)}
	}
	switch {
	case v.Source != req.Source:
		return fail("source", "the value is of source %q", v.Source)
	case v.ChainHash != c.Hash:
		return fail("chain_hash", "the value was verified against chain %q, not %s's pinned chain %s", v.ChainHash, c.Name, c.Hash)
	case v.Round != req.Round:
		return fail("round", "the value is of round %d", v.Round)
	}
	if _, err := c.Verify(v.Drand()); err != nil {
		return &VerifyError{Request: req, Field: faultyField(v), Err: err}
	}
	return nil
}

// faultyField says which field of a value that failed draw's verification
// is at fault: the randomness when it is malformed or not SHA-256 of the
// signature bytes, else the signature.
func faultyField(v Value) string {
	sig, err := hex.DecodeString(v.Signature)
	if err != nil || strings.ToLower(v.Signature) != v.Signature {
		return "signature"
	}
	rnd, err := hex.DecodeString(v.Randomness)
	if err != nil || len(rnd) != sha256.Size || strings.ToLower(v.Randomness) != v.Randomness {
		return "randomness"
	}
	if sha256.Sum256(sig) != [sha256.Size]byte(rnd) {
		return "randomness"
	}
	return "signature"
}
