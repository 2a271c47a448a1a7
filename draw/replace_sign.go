package draw

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/shuangsuiji/ssj/internal/b64"
	"github.com/shuangsuiji/ssj/internal/canon"
)

// ReplacementSigningContext prefixes the bytes a replacement approval
// signature covers (rule R18), so that it cannot be taken for a signature
// over a lock, a correction or anything else.
const ReplacementSigningContext = "ssj-v1.1-replacement\n"

// ReplacementApproval is the deputy head's signature approving one
// replacement (rule R18: 分管负责人审批). It sits beside the replacement's
// hash, not inside it (docs/draw-spec.md Appendix C §5.1): the hash chain
// and the anchor are the same with or without it.
type ReplacementApproval struct {
	// Signer is the key holder who signs; it must equal the replacement's
	// Approver.
	Signer string `json:"signer"`
	// Algorithm names the scheme: "ed25519" or "sm2".
	Algorithm string `json:"algorithm"`
	// KeyID identifies the public key, e.g. "ed25519:0123456789abcdef"
	// (suite.KeyIDOf).
	KeyID string `json:"key_id"`
	// Value is the signature over ReplacementSigningBytes, base64 (standard
	// encoding, padded).
	Value string `json:"value"`
}

// ApprovalVerifier checks a replacement approval signature made at time
// at (the replacement's at): that keyID is a key of the given algorithm
// held by signer in the capacity of deputy head, valid at that time, and
// that sig is its signature of msg. suite.Keyring and publish.Keyring
// implement it.
type ApprovalVerifier interface {
	VerifyApproval(signer, algorithm, keyID string, at time.Time, msg, sig []byte) error
}

// ErrApprovalSignature is returned (wrapped; inside a *VerifyError from
// VerifyWith) when a replacement approval signature does not verify, names
// a signer other than the approver, or is required and missing (rule R18).
var ErrApprovalSignature = errors.New("draw: replacement approval signature refused")

// ReplacementSigningBytes are the bytes the deputy head signs to approve r:
// ReplacementSigningContext followed by the RFC 8785 canonical JSON of r
// without its hash and approval members — exactly the bytes whose hash is
// r.Hash. They name the chain position (prev_hash) and the newcomer drawn,
// so an approval cannot be moved to another replacement or record.
func ReplacementSigningBytes(r Replacement) ([]byte, error) {
	b, err := canon.Marshal(replacementBody{r.Seq, r.Target, r.Leaving, r.Reason, r.Approver, r.At,
		r.Note, r.SeatIndex, r.Newcomer, r.PrevHash, r.StateHash})
	if err != nil {
		return nil, fmt.Errorf("draw: replacement %d signing bytes: %w", r.Seq, err)
	}
	return append([]byte(ReplacementSigningContext), b...), nil
}

// SignReplacement returns r with its Approval set: s's signature over
// ReplacementSigningBytes, signed in the name of r.Approver. s is the
// deputy head's key; which keys a verifier accepts is up to its keyring.
func SignReplacement(r Replacement, s Signer) (Replacement, error) {
	if s == nil {
		return Replacement{}, fmt.Errorf("%w: replacement %d: no signer", ErrApprovalSignature, r.Seq)
	}
	msg, err := ReplacementSigningBytes(r)
	if err != nil {
		return Replacement{}, err
	}
	sig, err := s.Sign(msg)
	if err != nil {
		return Replacement{}, fmt.Errorf("draw: signing the approval of replacement %d: %w", r.Seq, err)
	}
	r.Approval = &ReplacementApproval{Signer: r.Approver, Algorithm: s.Algorithm(), KeyID: s.KeyID(),
		Value: base64.StdEncoding.EncodeToString(sig)}
	return r, nil
}

// AddReplacementSigned is AddReplacement with the new replacement's
// approval signed by s (SignReplacement); with a nil s it is
// AddReplacement.
func AddReplacementSigned(rec Record, pools *InspectorPools, req ReplacementRequest, s Signer) (Record, error) {
	next, err := AddReplacement(rec, pools, req)
	if err != nil || s == nil {
		return next, err
	}
	n := len(next.Replacements) - 1
	if next.Replacements[n], err = SignReplacement(next.Replacements[n], s); err != nil {
		return Record{}, err
	}
	return next, nil
}

// VerifyApproval checks r's approval with v: present, signed in the name of
// r.Approver, and a valid signature of ReplacementSigningBytes by a key v
// accepts at r.At. It does not check r's hash (CurrentGroups, VerifyWith
// do).
func VerifyApproval(r Replacement, v ApprovalVerifier) error {
	a := r.Approval
	if a == nil {
		return fmt.Errorf("%w: replacement %d is not signed by its approver %q", ErrApprovalSignature, r.Seq, r.Approver)
	}
	if a.Signer != r.Approver {
		return fmt.Errorf("%w: replacement %d is approved by %q, the approval is signed by %q", ErrApprovalSignature, r.Seq, r.Approver, a.Signer)
	}
	sig, err := b64.Decode(a.Value)
	if err != nil {
		return fmt.Errorf("%w: replacement %d: approval value is not base64: %v", ErrApprovalSignature, r.Seq, err)
	}
	msg, err := ReplacementSigningBytes(r)
	if err != nil {
		return err
	}
	if err := v.VerifyApproval(a.Signer, a.Algorithm, a.KeyID, r.At, msg, sig); err != nil {
		return fmt.Errorf("%w: replacement %d (approver %q): %w", ErrApprovalSignature, r.Seq, r.Approver, err)
	}
	return nil
}

// verifyApprovals is VerifyWith's check of the replacements' approvals:
// with opt.RequireApprovals every replacement must carry one, and with
// opt.Approvals every approval present must verify. It copies the
// published approvals into the recomputed replacements reps (the
// recomputation cannot sign), so that the canonical bytes compare.
func verifyApprovals(rec *Record, reps []Replacement, opt VerifyOptions) error {
	for i := range reps {
		if i >= len(rec.Replacements) {
			break
		}
		r := rec.Replacements[i]
		reps[i].Approval = r.Approval
		path := "replacements[" + strconv.Itoa(i) + "].approval"
		if r.Approval == nil {
			if opt.RequireApprovals {
				return &VerifyError{Path: path, Err: fmt.Errorf("%w: replacement %d is not signed by its approver %q and an approval signature is required",
					ErrApprovalSignature, r.Seq, r.Approver)}
			}
			continue
		}
		if opt.Approvals == nil {
			continue
		}
		if err := VerifyApproval(r, opt.Approvals); err != nil {
			return &VerifyError{Path: path, Err: err}
		}
	}
	return nil
}
