package office

import (
	"fmt"

	"github.com/shuangsuiji/ssj/draw"
)

// ApprovalSignerFunc returns the signer of the deputy head named as a
// replacement request's approver (rule R18), or nil when the office holds
// no key for them. Config.ApprovalSigner takes one; OneApprovalSigner
// serves a single key.
type ApprovalSignerFunc func(approver string) draw.Signer

// OneApprovalSigner is the ApprovalSignerFunc of one key: it signs for
// every approver, and Config.ApprovalKeyring decides whether the key is
// the approver's.
func OneApprovalSigner(s draw.Signer) ApprovalSignerFunc {
	return func(string) draw.Signer { return s }
}

// signApproval signs rep as its approver with the configured signer (rule
// R18), checks the signature against the approval keyring when one is
// configured (the key must be the approver's, held as deputy head and
// valid at the replacement's time: a rotated key cannot sign a new
// approval), and refuses an unsigned replacement when approvals are
// required. It returns rep, signed or not.
func (o *Office) signApproval(rep draw.Replacement) (draw.Replacement, error) {
	var s draw.Signer
	if o.approvalSigner != nil {
		s = o.approvalSigner(rep.Approver)
	}
	if s == nil {
		if o.requireApproval {
			return rep, fmt.Errorf("%w: the office holds no key of approver %q and approvals must be signed (rule R18)",
				draw.ErrApprovalSignature, rep.Approver)
		}
		return rep, nil
	}
	signed, err := draw.SignReplacement(rep, s)
	if err != nil {
		return rep, err
	}
	if o.approvalKeys != nil {
		if err := draw.VerifyApproval(signed, o.approvalKeys); err != nil {
			return rep, err
		}
	}
	return signed, nil
}
