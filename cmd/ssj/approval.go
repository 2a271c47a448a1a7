package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/suite"
)

// approvalFlags sign a replacement with the approving deputy head's key
// (rule R18): ssj draw replace and ssj task replace.
type approvalFlags struct {
	key, keyring *string
	require      *bool // task replace only
}

func newApprovalFlags(fs *pflag.FlagSet, withRequire bool) approvalFlags {
	f := approvalFlags{
		key:     fs.String("key", "", "the approving deputy head's private key `FILE` (PEM of ssj keygen, or a key file of ssj publish keygen): signs the replacement's approval (R18)"),
		keyring: fs.String("keyring", "", "keyring `FILE` the approval must verify against before it is written: the key held by --approver as deputy_head, valid at --at (a rotated key cannot sign)"),
	}
	if withRequire {
		f.require = fs.Bool("require-approval", false, "refuse the replacement unless it is signed (needs --key)")
	}
	return f
}

// load returns the signer (nil without --key) and the keyring (nil
// without --keyring). A key file of ssj publish keygen names its holder,
// who must be approver.
func (f approvalFlags) load(approver string) (draw.Signer, draw.ApprovalVerifier, error) {
	if *f.keyring != "" && *f.key == "" {
		return nil, nil, fmt.Errorf("--keyring checks the approval --key signs: give --key too (rule R18)")
	}
	var s draw.Signer
	if *f.key != "" {
		var err error
		if s, err = readSigningKey(*f.key, approver); err != nil {
			return nil, nil, err
		}
	}
	var ring draw.ApprovalVerifier
	if *f.keyring != "" {
		k, err := pubLoadKeyring(*f.keyring)
		if err != nil {
			return nil, nil, err
		}
		ring = k
	}
	if f.require != nil && *f.require && s == nil {
		return nil, nil, fmt.Errorf("--require-approval needs --key (rule R18)")
	}
	return s, ring, nil
}

// readSigningKey reads a private key file: a PEM key of ssj keygen
// (Ed25519 or SM2; the keyring says whose it is) or a JSON key file of ssj
// publish keygen, whose holder must be holder.
func readSigningKey(path, holder string) (draw.Signer, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if bytes.Contains(raw, []byte("-----BEGIN ")) {
		s, err := suite.ParsePrivateKeyPEM(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return s, nil
	}
	key, err := publish.DecodePrivateKey(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if holder != "" && key.Holder != holder {
		return nil, fmt.Errorf("%s: key %s is held by %q, not by %q", path, key.KeyID, key.Holder, holder)
	}
	s, err := key.Signer()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// approvalSummary is the verify line about replacement approvals.
func approvalSummary(rec *draw.Record, checked bool) string {
	signed := 0
	for _, r := range rec.Replacements {
		if r.Approval != nil {
			signed++
		}
	}
	how := "not checked: pass --keyring"
	if checked {
		how = "each checked against --keyring"
	}
	return fmt.Sprintf("approvals %d of %d replacements signed (%s)", signed, len(rec.Replacements), how)
}
