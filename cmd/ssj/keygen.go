package main

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/checkpoint"
	"github.com/shuangsuiji/ssj/suite"
)

func init() {
	registerCommand(verb{Use: "keygen", Short: "make an Ed25519 or SM2 key pair (PEM) and its keyring entry",
		Long: `Makes a key pair for signing: Ed25519 (suite ssj-v1) or SM2 (suite ssj-v1-sm,
国密), and writes
  PREFIX.key.pem      the private key, PKCS#8 PEM (mode 0600; never overwritten)
  PREFIX.pub.pem      the public key, PKIX PEM
  PREFIX.keyring.json a keyring with the one key: holder, unit, role and its
                      validity period (--not-before, --not-after)
  PREFIX.vkey         with --name: the signed-note verifier key line, for
                      ssj trail verify --vkey and ssj trail consistency --vkey
Keep the private key off shared disks; ssj never stores it. To rotate a
key, give the old entry a not_after and add the new key's entry to the
keyring: signatures the old key made before not_after still verify.`,
		Example: "  ssj keygen --alg sm2 --name xihu.amr.gov.cn/ssj/trail --holder 西湖区市场监管局 --role agency --out agency-sm2\n" +
			"  ssj keygen --alg ed25519 --holder 王局长 --unit 西湖区市场监管局 --role principal_head --not-before 2026-01-01T00:00:00+08:00 --out head",
		Setup: keygenCmd})
}

func keygenCmd(e *env, fs *pflag.FlagSet) func([]string) int {
	alg := fs.String("alg", suite.Ed25519, "algorithm: `ed25519` (ssj-v1) or sm2 (ssj-v1-sm)")
	out := fs.String("out", "", "output `PREFIX`")
	name := fs.String("name", "", "signed-note key `NAME` (a checkpoint's origin); writes PREFIX.vkey")
	holder := fs.String("holder", "", "who holds the key (person or agency)")
	unit := fs.String("unit", "", "the holder's unit")
	role := fs.String("role", "", "capacity, e.g. principal_head (R27), confirming_official (R16), agency (checkpoints)")
	notBefore := fs.String("not-before", "", "start of validity, `RFC3339` (default open)")
	notAfter := fs.String("not-after", "", "end of validity, `RFC3339` (default open)")
	asJSON := jsonFlag(fs)
	required(fs, "out")
	return func(args []string) int {
		if len(args) != 0 || *out == "" {
			return usageError(e, "keygen: --out PREFIX is required, no arguments")
		}
		if *alg != suite.Ed25519 && *alg != suite.SM2 {
			return usageError(e, "keygen: --alg %q: want ed25519 or sm2", *alg)
		}
		var v suite.Validity
		for _, f := range []struct {
			flag, val string
			dst       **time.Time
		}{{"not-before", *notBefore, &v.NotBefore}, {"not-after", *notAfter, &v.NotAfter}} {
			if f.val == "" {
				continue
			}
			t, err := time.Parse(time.RFC3339, f.val)
			if err != nil {
				return usageError(e, "keygen: --%s %q: want RFC 3339, e.g. 2026-01-01T00:00:00+08:00", f.flag, f.val)
			}
			t = t.UTC()
			*f.dst = &t
		}
		if err := v.Validate(); err != nil {
			return usageError(e, "keygen: %v", err)
		}
		s, priv, pub, err := suite.GenerateKey(*alg, rand.Reader)
		if err != nil {
			return inputError(e, fmt.Errorf("keygen: %w", err))
		}
		var vkey string
		if *name != "" {
			if vkey, err = checkpoint.VerifierKey(*name, s.Algorithm(), s.Public()); err != nil {
				return usageError(e, "keygen: --name: %v", err)
			}
		}
		ring, err := json.MarshalIndent(suite.Keyring{Keys: []suite.Key{suite.KeyOf(s, *unit, *holder, *role, v)}}, "", "  ")
		if err != nil {
			return inputError(e, fmt.Errorf("keygen: %w", err))
		}
		ring = append(ring, '\n')
		keyPath := *out + ".key.pem"
		f, err := os.OpenFile(keyPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return inputError(e, fmt.Errorf("keygen: %w (refusing to overwrite a key)", err))
		}
		if _, err := f.Write(priv); err != nil {
			f.Close()
			return inputError(e, fmt.Errorf("keygen: %s: %w", keyPath, err))
		}
		if err := f.Close(); err != nil {
			return inputError(e, fmt.Errorf("keygen: %s: %w", keyPath, err))
		}
		files := map[string][]byte{*out + ".pub.pem": pub, *out + ".keyring.json": ring}
		if vkey != "" {
			files[*out+".vkey"] = []byte(vkey + "\n")
		}
		for _, p := range []string{*out + ".pub.pem", *out + ".keyring.json", *out + ".vkey"} {
			if b, ok := files[p]; ok {
				if err := os.WriteFile(p, b, 0o644); err != nil {
					return inputError(e, fmt.Errorf("keygen: %w", err))
				}
			}
		}
		if *asJSON {
			return writeOrFail(e, map[string]string{"key_id": s.KeyID(), "algorithm": s.Algorithm(),
				"private_key": keyPath, "public_key": *out + ".pub.pem", "keyring": *out + ".keyring.json", "vkey": vkey})
		}
		fmt.Fprintf(e.stdout, "key %s\nprivate key: %s (keep it secret)\npublic key: %s\nkeyring: %s\n", s.KeyID(), keyPath, *out+".pub.pem", *out+".keyring.json")
		if vkey != "" {
			fmt.Fprintf(e.stdout, "verifier key: %s.vkey\n%s\n", *out, vkey)
		}
		return exitOK
	}
}
