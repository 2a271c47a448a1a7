package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/mod/sumdb/note"

	"github.com/shuangsuiji/ssj/checkpoint"
	"github.com/shuangsuiji/ssj/internal/jsonin"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
)

// The registry snapshot checkpoint verbs (issue 16): a signed C2SP
// checkpoint of one snapshot's commitment, and its check.

const registryCheckpointLong = `Prints a signed checkpoint of one registry snapshot's commitment (rule R6):
the C2SP tlog-checkpoint body (origin, the number of units, the base64 RFC 6962
root of Appendix D) signed as a C2SP signed note with the agency's Ed25519 key
(--key), plus an SM2 co-signature line with --cosign-key (national suite).
The snapshot is a registry FILE (its commitment is computed as ssj registry
commit does) or, with --snapshot ID, a snapshot of the office store (--store).
Publish the note with the snapshot: ssj registry verify-checkpoint checks a
registry file or snapshot against it, and any other copy of the snapshot can
be held to it. Each snapshot is pinned on its own: snapshots are sorted by
label, not appended, so no consistency proof runs between two of them.

--origin names the snapshot (e.g. xihu.amr.gov.cn/ssj/registry/targets/
2026-09-01); --name is the signer's key name, as in its verifier key
(ssj keygen --name; default: the origin). With --keyring the keys must be in
it and valid at --at (with --snapshot, default the snapshot's import time).`

const registryVerifyCheckpointLong = `Checks a signed registry checkpoint (ssj registry checkpoint): every
verifier key (--vkey, repeatable) must have signed the note, and the note's
size and root must be the commitment of the registry FILE, or of the store's
snapshot --snapshot ID; with --origin, the note's origin must be it. Exit 0
verified, 1 a signature or the commitment does not match (or the file has bad
rows), 2 bad usage or unreadable input.`

const registryCheckpointExample = "  ssj registry checkpoint examples/data/targets.csv --origin xihu.amr.gov.cn/ssj/registry/targets/2026-09-01 \\\n" +
	"      --name xihu.amr.gov.cn/ssj --key agency.key.pem > targets-2026-09-01.note\n" +
	"  ssj registry checkpoint --snapshot targets-2026-09-01 --store ssj.db --origin xihu.amr.gov.cn/ssj/registry/targets/2026-09-01 \\\n" +
	"      --name xihu.amr.gov.cn/ssj --key agency.key.pem --cosign-key agency-sm2.key.pem --keyring agency.keyring.json"

const registryVerifyCheckpointExample = "  ssj registry verify-checkpoint targets-2026-09-01.note examples/data/targets.csv --vkey agency.vkey\n" +
	"  ssj registry verify-checkpoint targets-2026-09-01.note --snapshot targets-2026-09-01 --store ssj.db --vkey agency.vkey --json"

// registryCheckpointSource is where the commitment comes from: a FILE
// argument or --snapshot ID in the store.
type registryCheckpointSource struct {
	kind     *string
	classes  *[]string
	snapshot *string
	store    *string
}

func newRegistryCheckpointSource(e *env, fs *pflag.FlagSet) registryCheckpointSource {
	return registryCheckpointSource{
		kind:     fs.String("kind", "", "pool `KIND` of FILE: targets or inspectors (default: detect from the header)"),
		classes:  fs.StringSlice("classes", nil, "credit-risk class set of FILE, comma-separated `LIST` (default A,B,C,D)"),
		snapshot: fs.String("snapshot", "", "a snapshot `ID` of the office store instead of FILE"),
		store:    storeFlag(e, fs),
	}
}

// commitment returns the commitment, the snapshot's time (zero for a file)
// and a name for messages; code is not exitOK when it failed (the message
// is printed).
func (s registryCheckpointSource) commitment(e *env, cmd string, args []string) (registry.Commitment, time.Time, string, int) {
	switch {
	case len(args) == 1 && *s.snapshot == "":
		c, code := registryFileCommitment(e, cmd, args[0], *s.kind, *s.classes)
		return c, time.Time{}, args[0], code
	case len(args) == 0 && *s.snapshot != "":
		st, err := openStore(e, *s.store, false)
		if err != nil {
			return registry.Commitment{}, time.Time{}, "", inputError(e, fmt.Errorf("registry %s: %w", cmd, err))
		}
		defer st.Close()
		o, err := newOffice(st)
		if err != nil {
			return registry.Commitment{}, time.Time{}, "", inputError(e, err)
		}
		snap, err := o.Snapshot(context.Background(), *s.snapshot)
		if err != nil {
			return registry.Commitment{}, time.Time{}, "", officeError(e, "registry "+cmd+" --snapshot "+*s.snapshot, err)
		}
		return registry.Commitment{Count: int(snap.Count), Root: snap.Root}, snap.At, "snapshot " + snap.ID, exitOK
	}
	return registry.Commitment{}, time.Time{}, "", usageError(e, "registry %s: give a registry FILE or --snapshot ID (with --store), not both", cmd)
}

// registryFileCommitment is the commitment of a registry file, computed
// as ssj registry commit computes it; a file with bad rows has every
// problem printed (exit 1).
func registryFileCommitment(e *env, cmd, path, kind string, classes []string) (registry.Commitment, int) {
	f := registryFlags{kind: registry.PoolKind(kind), pos: []string{path}}
	switch f.kind {
	case "", registry.PoolTargets, registry.PoolInspectors:
	default:
		return registry.Commitment{}, usageError(e, "registry %s: --kind %q: want targets or inspectors", cmd, kind)
	}
	for _, c := range classes {
		if c = strings.TrimSpace(c); c != "" {
			f.classes = append(f.classes, c)
		}
	}
	if path != "-" && f.kind != registry.PoolInspectors {
		if c, ok := commitTargetsFile(e, f); ok {
			return c, exitOK
		}
	}
	data, err := readInput(e, path)
	if err != nil {
		return registry.Commitment{}, inputError(e, err)
	}
	if len(bytes.TrimSpace(jsonin.TrimBOM(data))) == 0 {
		return registry.Commitment{}, inputError(e, fmt.Errorf("%s: empty file: want a registry, CSV or XLSX", path))
	}
	tab, err := registry.Decode(data, registry.ImportOptions{File: path, Pool: f.kind, Config: registry.Config{Classes: f.classes}})
	if err != nil {
		var rows registry.RowErrors
		if !errors.As(err, &rows) {
			return registry.Commitment{}, inputError(e, err)
		}
		if len(rows) == 1 && errors.Is(rows[0], registry.ErrBadFile) {
			return registry.Commitment{}, inputError(e, rows[0])
		}
		return registry.Commitment{}, reportRowErrors(e, f, rows)
	}
	c, err := tab.Commit()
	if err != nil {
		fmt.Fprintf(e.stderr, "ssj: %s: %v\n", path, err)
		return registry.Commitment{}, exitProblem
	}
	return c, exitOK
}

func registryCheckpoint(e *env, fs *pflag.FlagSet) func([]string) int {
	src := newRegistryCheckpointSource(e, fs)
	origin := fs.String("origin", "", "the snapshot's name as a log, e.g. `xihu.amr.gov.cn/ssj/registry/targets/2026-09-01`")
	name := fs.String("name", "", "the signer's key `NAME`, as in its verifier key (default: --origin)")
	keyPath := fs.String("key", "", "the agency's Ed25519 private key, PKCS#8 PEM `FILE`")
	cosign := fs.String("cosign-key", "", "SM2 private key PEM `FILE` for a co-signature (national suite ssj-v1-sm)")
	ringPath := fs.String("keyring", "", "keyring `FILE`: each key must be in it and valid at --at")
	at := fs.String("at", "", "signing time to check the keys against, `RFC3339` (default with --snapshot: its import time)")
	required(fs, "origin", "key")
	return func(args []string) int {
		if len(args) > 1 || *origin == "" || *keyPath == "" {
			return usageError(e, "registry checkpoint: want a registry FILE (or --snapshot ID), --origin and --key")
		}
		keyName := *name
		if keyName == "" {
			keyName = *origin
		}
		var keys []suite.Signer
		ed, err := trailLoadSigner(*keyPath, suite.Ed25519)
		if err != nil {
			return inputError(e, fmt.Errorf("registry checkpoint: --key %w", err))
		}
		keys = append(keys, ed)
		if *cosign != "" {
			s, err := trailLoadSigner(*cosign, suite.SM2)
			if err != nil {
				return inputError(e, fmt.Errorf("registry checkpoint: --cosign-key %w", err))
			}
			keys = append(keys, s)
		}
		var when time.Time
		if *at != "" {
			if when, err = time.Parse(time.RFC3339, *at); err != nil {
				return usageError(e, "registry checkpoint: --at %q: want RFC 3339, e.g. 2026-09-01T08:30:00+08:00", *at)
			}
		}
		c, snapAt, what, code := src.commitment(e, "checkpoint", args)
		if code != exitOK {
			return code
		}
		if *ringPath != "" {
			ring, code := trailLoadKeyring(e, *ringPath)
			if code != exitOK {
				return code
			}
			if when.IsZero() {
				when = snapAt
			}
			if when.IsZero() {
				return usageError(e, "registry checkpoint: --keyring with a registry FILE needs --at, the time to check the keys against")
			}
			for _, k := range keys {
				if _, err := ring.SignerAt(k, when); err != nil {
					fmt.Fprintf(e.stderr, "ssj: registry checkpoint: %v\n", err)
					return exitProblem
				}
			}
		}
		cp, err := checkpoint.FromCommitment(*origin, c.Count, c.Root)
		if err != nil {
			return usageError(e, "registry checkpoint: %s: %v", what, err)
		}
		var signers []note.Signer
		for _, k := range keys {
			ns, err := checkpoint.NewSigner(keyName, k)
			if err != nil {
				return usageError(e, "registry checkpoint: --name: %v", err)
			}
			signers = append(signers, ns)
		}
		msg, err := checkpoint.Sign(cp, signers...)
		if err != nil {
			return inputError(e, fmt.Errorf("registry checkpoint: %w", err))
		}
		e.stdout.Write(msg)
		return exitOK
	}
}

func registryVerifyCheckpoint(e *env, fs *pflag.FlagSet) func([]string) int {
	src := newRegistryCheckpointSource(e, fs)
	var vkeys []string
	fs.StringArrayVar(&vkeys, "vkey", nil, "verifier key `FILE` of a signer (repeatable; every key must have signed)")
	origin := fs.String("origin", "", "the `ORIGIN` the note must name (default: any)")
	asJSON := jsonFlag(fs)
	required(fs, "vkey")
	return func(args []string) int {
		if len(args) < 1 || len(args) > 2 || len(vkeys) == 0 {
			return usageError(e, "registry verify-checkpoint: want NOTE and a registry FILE (or --snapshot ID), and --vkey")
		}
		vs, err := trailLoadVerifiers(vkeys)
		if err != nil {
			return inputError(e, fmt.Errorf("registry verify-checkpoint: %w", err))
		}
		b, err := os.ReadFile(args[0])
		if err != nil {
			return inputError(e, fmt.Errorf("registry verify-checkpoint: %w", err))
		}
		cp, err := checkpoint.Open(b, vs...)
		if errors.Is(err, checkpoint.ErrVerify) {
			return registryCheckpointVerdict(e, *asJSON, args[0], fmt.Errorf("checkpoint %s: %w", args[0], err), cp)
		}
		if err != nil {
			return inputError(e, fmt.Errorf("registry verify-checkpoint: checkpoint %s: %w", args[0], err))
		}
		c, _, what, code := src.commitment(e, "verify-checkpoint", args[1:])
		if code != exitOK {
			return code
		}
		var problem error
		switch {
		case *origin != "" && cp.Origin != *origin:
			problem = fmt.Errorf("%w: the note's origin is %q, want %q", checkpoint.ErrVerify, cp.Origin, *origin)
		case cp.Size != int64(c.Count):
			problem = fmt.Errorf("%w: the note says %d units, %s has %d", checkpoint.ErrVerify, cp.Size, what, c.Count)
		case cp.RootHex() != c.Root:
			problem = fmt.Errorf("%w: the note's root is %s, %s has root %s", checkpoint.ErrVerify, cp.RootHex(), what, c.Root)
		}
		return registryCheckpointVerdict(e, *asJSON, what, problem, cp)
	}
}

// registryCheckpointVerdict prints the verdict of verify-checkpoint.
func registryCheckpointVerdict(e *env, asJSON bool, what string, problem error, cp checkpoint.Checkpoint) int {
	if asJSON {
		out := map[string]any{"verified": problem == nil, "origin": cp.Origin, "count": cp.Size, "root": cp.RootHex()}
		if problem != nil {
			out["error"] = problem.Error()
		}
		if code := writeOut(e, out); code != exitOK {
			return code
		}
	} else if problem == nil {
		fmt.Fprintf(e.stdout, "%s: verified against the signed checkpoint %s: %d units, root %s\n", what, cp.Origin, cp.Size, cp.RootHex())
	} else {
		fmt.Fprintf(e.stdout, "NOT verified: %v\n", problem)
	}
	if problem != nil {
		return exitProblem
	}
	return exitOK
}
