package draw

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shuangsuiji/ssj/suite"
)

// SourceKind names the kind of a declared randomness source.
type SourceKind string

// The randomness source kinds of ssj-v1 (DRAW.md §2).
const (
	// SourceDrand is a drand beacon round, verified offline against the
	// pinned chain information of its network (quicknet by default).
	SourceDrand SourceKind = "drand"
	// SourceLottery is a public lottery draw (e.g. 福彩3D), canonicalised
	// as RFC 3797 canonicalises its numeric sources.
	SourceLottery SourceKind = "lottery"
	// SourceParticipant is a participant's commit/reveal secret: the
	// manifest holds SHA-256 of the secret, the evidence the secret.
	SourceParticipant SourceKind = "participant"
	// SourceManual is a manual string. It is accepted, but a draw that uses
	// one is flagged as not manipulation-resistant.
	SourceManual SourceKind = "manual"
)

// Errors returned (wrapped) by source validation and DeriveRandomness.
// Test with errors.Is; the wrapping message names the source index, its
// field and the offending value.
var (
	// ErrSourceBeforeCommit: the source's value was (or could have been)
	// known at or before the manifest's commit time: a drand round whose
	// time is not after the commit, a lottery drawn at or before it.
	// Rules R15/R16: the draw must be fixed before the randomness exists.
	ErrSourceBeforeCommit = errors.New("randomness source available before the commit time")
	// ErrBadReveal: a participant's revealed secret does not hash to the
	// commitment published in the manifest.
	ErrBadReveal = errors.New("revealed secret does not match its commitment")
	// ErrBadBeacon: a drand beacon fails verification against the pinned
	// chain information (bad signature, wrong round, randomness not
	// SHA-256 of the signature, unknown network).
	ErrBadBeacon = errors.New("drand beacon does not verify")
	// ErrEvidenceMismatch: the evidence list does not match the declared
	// sources (count, or evidence of the wrong kind for its position).
	ErrEvidenceMismatch = errors.New("evidence does not match the declared sources")
	// ErrBadSource: a declared source is malformed (unknown kind, missing
	// or malformed field).
	ErrBadSource = errors.New("malformed randomness source")
)

// maxJSONInt is the largest integer ssj publishes in JSON (RFC 8785 keeps
// integers exact only up to 2^53).
const maxJSONInt = 1 << 53

// Source is one declared randomness source, fixed in the manifest before the
// randomness exists (DRAW.md §1). Only the fields of its Kind are set.
type Source struct {
	// Kind is "drand", "lottery", "participant" or "manual".
	Kind SourceKind `json:"kind"`
	// Network is the drand network (only "quicknet" is pinned); empty
	// means quicknet.
	Network string `json:"network,omitempty"`
	// Round is the drand round number.
	Round uint64 `json:"round,omitempty"`
	// Lottery names the lottery game, e.g. "福彩3D".
	Lottery string `json:"lottery,omitempty"`
	// Issue is the lottery draw number, e.g. "2026301".
	Issue string `json:"issue,omitempty"`
	// DrawAt is the lottery's scheduled draw time; it must be after the
	// commit time.
	DrawAt time.Time `json:"draw_at,omitzero"`
	// Participant names the participant who committed to a secret.
	Participant string `json:"participant,omitempty"`
	// Commitment is the lower-case hex SHA-256 of the participant's secret.
	Commitment string `json:"commitment,omitempty"`
	// Note is free text for readers; it does not enter the randomness.
	Note string `json:"note,omitempty"`
}

// Evidence is what is revealed for a source after the commit, one per
// declared source and in the same order.
type Evidence struct {
	// Randomness is the drand beacon's randomness, lower-case hex.
	Randomness string `json:"randomness,omitempty"`
	// Signature is the drand beacon's BLS signature, lower-case hex.
	Signature string `json:"signature,omitempty"`
	// Numbers are the lottery numbers as drawn (one RFC 3797 source).
	Numbers []int64 `json:"numbers,omitempty"`
	// Secret is the participant's revealed secret.
	Secret string `json:"secret,omitempty"`
	// Value is the manual string.
	Value string `json:"value,omitempty"`
}

// Randomness is the outcome of combining the declared sources (DRAW.md §2).
type Randomness struct {
	// R = SHA-256(lp(s1) || lp(s2) || ...), the sᵢ being Inputs.
	R [sha256.Size]byte
	// Inputs are the canonical bytes of each source, in declared order.
	Inputs [][]byte
	// ManipulationResistant is false when any source is manual.
	ManipulationResistant bool
}

// Validate checks a declared source on its own: its kind is known, the
// fields of its kind are present and well-formed, and its value cannot have
// existed at commitTime (a drand round whose time is not after commitTime,
// or a lottery whose DrawAt is not after it, gives ErrSourceBeforeCommit).
// Fields that belong to another kind are refused (ErrBadSource). A manual
// source cannot be dated, so it is accepted; DeriveRandomness flags it.
func (s Source) Validate(commitTime time.Time) error {
	if err := srcOnlySourceFields(s); err != nil {
		return err
	}
	switch s.Kind {
	case SourceDrand:
		ch, err := DrandChainByName(s.Network)
		if err != nil {
			return err
		}
		if s.Round == 0 || s.Round > maxJSONInt {
			return fmt.Errorf("%w: drand round %d out of range 1..2^53", ErrBadSource, s.Round)
		}
		at := ch.RoundTime(s.Round)
		if !at.After(commitTime) {
			return fmt.Errorf("%w: drand %s round %d was emitted at %s, not after the commit time %s",
				ErrSourceBeforeCommit, ch.Name, s.Round, at.UTC().Format(time.RFC3339), commitTime.UTC().Format(time.RFC3339))
		}
	case SourceLottery:
		if err := srcCheckText("lottery", s.Lottery); err != nil {
			return err
		}
		if err := srcCheckText("issue", s.Issue); err != nil {
			return err
		}
		if s.DrawAt.IsZero() {
			return fmt.Errorf("%w: lottery %s issue %s: draw_at is missing", ErrBadSource, s.Lottery, s.Issue)
		}
		if !s.DrawAt.After(commitTime) {
			return fmt.Errorf("%w: lottery %s issue %s is drawn at %s, not after the commit time %s",
				ErrSourceBeforeCommit, s.Lottery, s.Issue, s.DrawAt.UTC().Format(time.RFC3339), commitTime.UTC().Format(time.RFC3339))
		}
	case SourceParticipant:
		if err := srcCheckText("participant", s.Participant); err != nil {
			return err
		}
		if _, err := srcDecodeHex32("commitment", s.Commitment); err != nil {
			return err
		}
	case SourceManual:
	default:
		return fmt.Errorf("%w: unknown kind %q (want drand, lottery, participant or manual)", ErrBadSource, s.Kind)
	}
	return nil
}

// CanonicalBytes checks ev against s and returns the source's canonical
// bytes, the sᵢ of DRAW.md §2:
//   - drand: the 32-byte randomness, after the beacon verifies (ErrBadBeacon);
//   - lottery: the RFC 3797 form of the numbers, e.g. "2.5.8.10.12./";
//   - participant: the secret's bytes, after SHA-256(secret) equals the
//     commitment (ErrBadReveal);
//   - manual: the string's bytes.
//
// Evidence fields that do not belong to the source's kind give
// ErrEvidenceMismatch, so evidence cannot be shifted to another position.
// CanonicalBytes does not check the commit time: use Validate for that.
func (s Source) CanonicalBytes(ev Evidence) ([]byte, error) {
	if err := srcOnlyFields(s.Kind, ev); err != nil {
		return nil, err
	}
	switch s.Kind {
	case SourceDrand:
		ch, err := DrandChainByName(s.Network)
		if err != nil {
			return nil, err
		}
		b := DrandBeacon{Round: s.Round, Randomness: ev.Randomness, Signature: ev.Signature}
		r, err := ch.Verify(b)
		if err != nil {
			return nil, err
		}
		return r[:], nil
	case SourceLottery:
		return LotteryCanonical(ev.Numbers)
	case SourceParticipant:
		want, err := srcDecodeHex32("commitment", s.Commitment)
		if err != nil {
			return nil, err
		}
		got := sha256.Sum256([]byte(ev.Secret))
		if got != want {
			return nil, fmt.Errorf("%w: participant %s revealed a secret whose SHA-256 is %x, commitment is %s",
				ErrBadReveal, s.Participant, got, s.Commitment)
		}
		return []byte(ev.Secret), nil
	case SourceManual:
		if !utf8.ValidString(ev.Value) {
			return nil, fmt.Errorf("%w: manual value is not UTF-8", ErrBadSource)
		}
		return []byte(ev.Value), nil
	}
	return nil, fmt.Errorf("%w: unknown kind %q", ErrBadSource, s.Kind)
}

// DeriveRandomness validates every source against commitTime, checks each
// piece of evidence against its source, and returns
// R = SHA-256(lp(s1) || lp(s2) || ...) over the sources' canonical bytes in
// declared order (DRAW.md §2). There must be at least one source, and
// exactly one Evidence per Source (ErrEvidenceMismatch).
// ManipulationResistant is false when any source is manual.
func DeriveRandomness(commitTime time.Time, sources []Source, evidence []Evidence) (Randomness, error) {
	return DeriveRandomnessWith(suite.SSJv1, commitTime, sources, evidence)
}

// DeriveRandomnessWith is DeriveRandomness under crypto suite s:
// R = H(lp(s1) || lp(s2) || ...) with H the suite's hash (SM3 for
// ssj-v1-sm). The sources' canonical bytes do not depend on the suite.
func DeriveRandomnessWith(s suite.Suite, commitTime time.Time, sources []Source, evidence []Evidence) (Randomness, error) {
	if len(sources) == 0 {
		return Randomness{}, fmt.Errorf("%w: no randomness source declared", ErrBadSource)
	}
	if len(evidence) != len(sources) {
		return Randomness{}, fmt.Errorf("%w: %d sources declared but %d pieces of evidence given",
			ErrEvidenceMismatch, len(sources), len(evidence))
	}
	out := Randomness{Inputs: make([][]byte, len(sources)), ManipulationResistant: true}
	h := s.NewHash()
	var lp [4]byte
	for i, src := range sources {
		if err := src.Validate(commitTime); err != nil {
			return Randomness{}, fmt.Errorf("source %d (%s): %w", i+1, src.Kind, err)
		}
		b, err := src.CanonicalBytes(evidence[i])
		if err != nil {
			return Randomness{}, fmt.Errorf("source %d (%s): %w", i+1, src.Kind, err)
		}
		if uint64(len(b)) > 1<<32-1 {
			return Randomness{}, fmt.Errorf("source %d (%s): %w: %d bytes is too long", i+1, src.Kind, ErrBadSource, len(b))
		}
		if src.Kind == SourceManual {
			out.ManipulationResistant = false
		}
		out.Inputs[i] = b
		binary.BigEndian.PutUint32(lp[:], uint32(len(b)))
		h.Write(lp[:])
		h.Write(b)
	}
	h.Sum(out.R[:0])
	return out, nil
}

// srcOnlySourceFields refuses a declared source that sets fields of
// another kind, so a manifest cannot be read two ways.
func srcOnlySourceFields(s Source) error {
	var extra []string
	if s.Kind != SourceDrand {
		if s.Network != "" {
			extra = append(extra, "network")
		}
		if s.Round != 0 {
			extra = append(extra, "round")
		}
	}
	if s.Kind != SourceLottery {
		if s.Lottery != "" {
			extra = append(extra, "lottery")
		}
		if s.Issue != "" {
			extra = append(extra, "issue")
		}
		if !s.DrawAt.IsZero() {
			extra = append(extra, "draw_at")
		}
	}
	if s.Kind != SourceParticipant {
		if s.Participant != "" {
			extra = append(extra, "participant")
		}
		if s.Commitment != "" {
			extra = append(extra, "commitment")
		}
	}
	if len(extra) > 0 {
		return fmt.Errorf("%w: a %s source must not set %s", ErrBadSource, s.Kind, strings.Join(extra, ", "))
	}
	return nil
}

// srcOnlyFields refuses evidence that carries fields of another kind.
func srcOnlyFields(k SourceKind, ev Evidence) error {
	var extra []string
	if k != SourceDrand {
		if ev.Randomness != "" {
			extra = append(extra, "randomness")
		}
		if ev.Signature != "" {
			extra = append(extra, "signature")
		}
	}
	if k != SourceLottery && len(ev.Numbers) > 0 {
		extra = append(extra, "numbers")
	}
	if k != SourceParticipant && ev.Secret != "" {
		extra = append(extra, "secret")
	}
	if k != SourceManual && ev.Value != "" {
		extra = append(extra, "value")
	}
	if len(extra) > 0 {
		return fmt.Errorf("%w: evidence for a %s source carries %s", ErrEvidenceMismatch, k, strings.Join(extra, ", "))
	}
	return nil
}

// srcCheckText refuses an empty field or one with control characters or
// leading/trailing space (the label rules of DRAW.md "Encoding").
func srcCheckText(field, v string) error {
	if v == "" {
		return fmt.Errorf("%w: %s is missing", ErrBadSource, field)
	}
	if !utf8.ValidString(v) || strings.TrimSpace(v) != v || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return fmt.Errorf("%w: %s %q has control characters, invalid UTF-8 or surrounding space", ErrBadSource, field, v)
	}
	return nil
}

// srcDecodeHex32 decodes a 32-byte lower-case hex value.
func srcDecodeHex32(field, v string) ([32]byte, error) {
	var out [32]byte
	if len(v) != 64 || strings.ToLower(v) != v {
		return out, fmt.Errorf("%w: %s %q is not 64 lower-case hex digits", ErrBadSource, field, v)
	}
	if _, err := hex.Decode(out[:], []byte(v)); err != nil {
		return out, fmt.Errorf("%w: %s %q is not hex: %v", ErrBadSource, field, v, err)
	}
	return out, nil
}
