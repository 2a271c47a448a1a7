package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"
	"golang.org/x/mod/sumdb/note"

	"github.com/shuangsuiji/ssj/checkpoint"
	"github.com/shuangsuiji/ssj/suite"
	"github.com/shuangsuiji/ssj/trail"
	"github.com/shuangsuiji/ssj/workday"
)

func init() {
	registerNoun(noun{
		Name:  "trail",
		Short: "verify the tamper-evident trail of every step (全程留痕)",
		Long: `The tamper-evident trail of every step (全程留痕): the office store's (show
--store), or a trail file written by ssj publish export or ssj task export.`,
		Verbs: []verb{
			{Use: "verify FILE", Short: "check every event's hash and link, every checkpoint and every anchor",
				Long: `Checks every event's hash and link, every checkpoint and every anchor;
reports the first edited, deleted, inserted or reordered event. Anchors are
SIZE:ROOT (--anchor) or signed checkpoint notes (--checkpoint NOTE with the
signers' --vkey FILE; a trail of the national suite ssj-v1-sm needs its SM2
co-signer's key too). With --store and no FILE, the office store's trail.
Exit 0 verified, 1 a problem was found, 2 the file cannot be read.`,
				Example: "  ssj trail verify trail.jsonl --anchor 12:4f1c...\n" +
					"  ssj trail verify trail.jsonl --checkpoint cp-9.note --vkey agency.vkey\n" +
					"  ssj trail verify --store ssj.db --checkpoint cp-9.note --vkey agency.vkey", Setup: trailVerb("verify")},
			{Use: "show [FILE]", Short: "verify, then list the events (of FILE, or of the office store)",
				Long: `Verifies, then lists the events: seq, time (Beijing), step, actor, subject
and details.`,
				Example: "  ssj trail show trail.jsonl\n  ssj trail show --store ssj.db --json", Setup: trailVerb("show")},
			{Use: "head FILE", Short: "print the checkpoint SIZE:ROOT over all events, to publish as an anchor",
				Long: `Prints the checkpoint SIZE:ROOT over all events, to publish as an anchor
(then verify --anchor SIZE:ROOT detects any later rewrite or truncation).`,
				Example: "  ssj trail head trail.jsonl", Setup: trailVerb("head")},
			{Use: "checkpoint [FILE]", Short: "print a signed C2SP checkpoint (signed note) of the trail, to publish",
				Long: `Prints the trail's checkpoint as a C2SP tlog-checkpoint signed note: origin,
size and Merkle root, signed with the agency's Ed25519 key (--key, PKCS#8 PEM
from ssj keygen). A trail of the national suite (ssj-v1-sm) is also
co-signed with an SM2 key (--cosign-key). Publish the note; ssj trail
verify --checkpoint and ssj trail consistency check the trail against it.
With --keyring, each key must be in it and valid at the time of the last
event the checkpoint covers. Without FILE, the office store's trail
(--store). Exit 0 printed, 1 the trail does not verify or
a key may not sign, 2 bad usage or unreadable input.`,
				Example: "  ssj trail checkpoint trail.jsonl --origin xihu.amr.gov.cn/ssj/trail --key agency.key.pem > cp-9.note\n" +
					"  ssj trail checkpoint trail.jsonl --origin xihu.amr.gov.cn/ssj/trail --key agency.key.pem --cosign-key agency-sm2.key.pem",
				Setup: trailCheckpoint},
			{Use: "proof [FILE]", Short: "print the consistency proof from an earlier size of the trail to its head",
				Long: `Prints the RFC 6962 consistency proof (file format ssj-consistency-proof/1)
that the trail's first --old events are a prefix of its first --new events
(default: all), of FILE or, without it, of the office store's trail
(--store). Give it with two signed checkpoints to ssj trail
consistency --proof, for someone who does not hold the trail.`,
				Example: "  ssj trail proof trail.jsonl --old 4 > 4-9.proof", Setup: trailProof},
			{Use: "consistency OLD NEW", Short: "check that signed checkpoint NEW extends signed checkpoint OLD",
				Long: `OLD and NEW are signed checkpoint notes (ssj trail checkpoint) of one trail.
Checks both signatures (--vkey, repeatable: every key given must have
signed both), then that NEW's tree extends OLD's: by the RFC 6962
consistency proof in --proof FILE (ssj trail proof), or computed from the
trail --trail FILE (which must verify and match NEW). Exit 0 consistent,
1 a signature or the proof fails (a rewritten history), 2 bad usage or
unreadable input.`,
				Example: "  ssj trail consistency cp-4.note cp-9.note --vkey agency.vkey --proof 4-9.proof\n" +
					"  ssj trail consistency cp-4.note cp-9.note --vkey agency.vkey --trail trail.jsonl",
				Setup: trailConsistency},
		},
	})
}

// trailAnchors collects repeated --anchor flags.
type trailAnchors []trail.Checkpoint

func (a *trailAnchors) String() string { return fmt.Sprint(*a) }

// Type names the value in help text.
func (a *trailAnchors) Type() string { return "SIZE:ROOT" }
func (a *trailAnchors) Set(v string) error {
	c, err := trail.ParseCheckpoint(v)
	if err != nil {
		return err
	}
	*a = append(*a, c)
	return nil
}

func trailVerb(verb string) func(e *env, fs *pflag.FlagSet) func([]string) int {
	return func(e *env, fs *pflag.FlagSet) func([]string) int {
		asJSON := fs.Bool("json", false, "print the report as JSON")
		var anch trailAnchors
		var store *string
		if verb == "show" || verb == "verify" {
			store = storeFlag(e, fs)
		}
		var notes, vkeys []string
		if verb == "verify" {
			fs.Var(&anch, "anchor", "an externally published checkpoint `SIZE:ROOT` the trail must match (repeatable)")
			fs.StringArrayVar(&notes, "checkpoint", nil, "a signed checkpoint `NOTE` file the trail must match (repeatable; needs --vkey)")
			fs.StringArrayVar(&vkeys, "vkey", nil, "verifier key `FILE` of a checkpoint signer (repeatable; every key must have signed)")
		}
		return func(args []string) int {
			if verb == "show" && len(args) == 0 { // the office store's trail
				return trailShowStore(e, *store, *asJSON)
			}
			if verb == "verify" && len(args) == 0 {
				if !fs.Changed("store") {
					return usageError(e, "trail verify: want exactly one FILE (or --store for the office store's trail)")
				}
				return trailVerifyStore(e, *store, anch, notes, vkeys, *asJSON)
			}
			if len(notes) > 0 || len(vkeys) > 0 {
				if len(args) != 1 {
					return usageError(e, "trail verify: want exactly one FILE, got %d arguments", len(args))
				}
				st, code := trailSuiteOf(e, args[0])
				if code != exitOK {
					return code
				}
				extra, code := trailNoteAnchors(e, args[0], st, notes, vkeys)
				if code != exitOK {
					return code
				}
				anch = append(anch, extra...)
			}
			return runTrail(e, verb, args, anch, *asJSON)
		}
	}
}

func runTrail(e *env, verb string, args []string, anch trailAnchors, asJSON bool) int {
	if len(args) != 1 {
		return usageError(e, "trail %s: want exactly one FILE, got %d arguments", verb, len(args))
	}
	path := args[0]
	f, err := os.Open(path)
	if err != nil {
		return inputError(e, fmt.Errorf("trail %s: %w", path, err))
	}
	defer f.Close()
	rep, err := trail.Verify(f, trail.VerifyOptions{Anchors: anch})
	if err != nil {
		return inputError(e, fmt.Errorf("trail %s: %w", path, err))
	}
	if verb == "show" {
		if rep.Problem != nil {
			fmt.Fprintf(e.stderr, "ssj: trail %s: %s\n", path, trailDescribe(rep.Problem))
			return exitProblem
		}
		if _, err := f.Seek(0, 0); err != nil {
			return inputError(e, fmt.Errorf("trail %s: %w", path, err))
		}
		l, err := trail.Read(f)
		if err != nil {
			return inputError(e, fmt.Errorf("trail %s: %w", path, err))
		}
		evs := l.Events()
		if asJSON {
			writeJSON(e.stdout, evs)
			return exitOK
		}
		writeEventTable(e.stdout, evs)
		fmt.Fprintf(e.stdout, "%d events, verified; head %s\n", len(evs), rep.Head)
		return exitOK
	}
	if verb == "head" {
		if rep.Problem != nil {
			fmt.Fprintf(e.stderr, "ssj: trail %s: %v\n", path, rep.Problem)
			return exitProblem
		}
		if asJSON {
			writeJSON(e.stdout, rep.Head)
		} else {
			fmt.Fprintln(e.stdout, rep.Head)
		}
		return exitOK
	}
	if asJSON {
		writeJSON(e.stdout, rep)
	} else if rep.OK {
		fmt.Fprintf(e.stdout, "%s: verified: %d events, %d checkpoints, head %s\n", path, rep.Events, rep.Checkpoints, rep.Head)
		if rep.Unanchored > 0 {
			fmt.Fprintf(e.stdout, "note: the last %d events are after the last checkpoint and not covered by an --anchor; cutting them off would go unnoticed\n", rep.Unanchored)
		}
	} else {
		fmt.Fprintf(e.stdout, "%s: NOT verified: %s\n", path, trailDescribe(rep.Problem))
	}
	if !rep.OK {
		return exitProblem
	}
	return exitOK
}

func trailDescribe(p *trail.Problem) string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d: %s", p.Line, p.Kind)
	if p.Index >= 0 {
		fmt.Fprintf(&b, " (event #%d, expected seq %d)", p.Index, p.Seq)
	}
	fmt.Fprintf(&b, ": %s", p.Detail)
	return b.String()
}

// writeEventTable prints trail events as the table of ssj trail show, for a
// trail file and for the store alike: times in China time, data members in
// key order, hash-like members shortened (their values are hex, so cutting
// them never splits a character).
func writeEventTable(w io.Writer, evs []trail.Event) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tTIME (UTC+8)\tSTEP\tACTOR\tSUBJECT\tDETAILS")
	for _, ev := range evs {
		keys := make([]string, 0, len(ev.Data))
		for k := range ev.Data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var det []string
		for _, k := range keys {
			v := ev.Data[k]
			if len(v) > 24 && (k == "hash" || k == "base_hash" || k == "signature" || k == "content_hash") {
				v = v[:12] + "…"
			}
			det = append(det, k+"="+v)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", ev.Seq, ev.Time.In(workday.Shanghai()).Format("2006-01-02 15:04:05"),
			ev.Kind, ev.Actor, ev.Subject, strings.Join(det, " "))
	}
	tw.Flush()
}

// trailReadFile reads and verifies a trail file; a trail with a problem is
// exit 1, an unreadable file exit 2.
func trailReadFile(e *env, cmd, path string) (*trail.Log, int) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, inputError(e, fmt.Errorf("trail %s: %w", cmd, err))
	}
	l, err := trail.Read(bytes.NewReader(b))
	var p *trail.Problem
	if errors.As(err, &p) {
		fmt.Fprintf(e.stderr, "ssj: trail %s: %s: NOT verified: %s\n", cmd, path, trailDescribe(p))
		return nil, exitProblem
	}
	if err != nil {
		return nil, inputError(e, fmt.Errorf("trail %s: %s: %w", cmd, path, err))
	}
	return l, exitOK
}

// trailLoad reads the trail of a file (one argument, verified) or, with no
// argument, of the office store (every event's hash and link checked).
func trailLoad(e *env, cmd string, args []string, store string) (*trail.Log, string, int) {
	if len(args) == 1 {
		l, code := trailReadFile(e, cmd, args[0])
		return l, args[0], code
	}
	st, err := openStore(e, store, false)
	if err != nil {
		return nil, "", inputError(e, fmt.Errorf("trail %s: %w", cmd, err))
	}
	defer st.Close()
	o, err := newOffice(st)
	if err != nil {
		return nil, "", inputError(e, err)
	}
	var evs []trail.Event
	if err := o.Trail(context.Background(), 0, func(ev trail.Event) error { evs = append(evs, ev); return nil }); err != nil {
		return nil, "", officeError(e, "trail "+cmd+" "+st.Path(), err)
	}
	l, err := trail.FromEvents(suite.SSJv1, evs)
	if err != nil {
		fmt.Fprintf(e.stderr, "ssj: trail %s: store %s: NOT verified: %v\n", cmd, st.Path(), err)
		return nil, "", exitProblem
	}
	return l, "store " + st.Path(), exitOK
}

// trailLoadVerifiers reads --vkey files (one verifier key line each).
func trailLoadVerifiers(paths []string) ([]checkpoint.Verifier, error) {
	var out []checkpoint.Verifier
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("--vkey: %w", err)
		}
		v, err := checkpoint.ParseVerifierKey(string(b))
		if err != nil {
			return nil, fmt.Errorf("--vkey %s: %w", p, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// trailOpenNote reads and opens one signed checkpoint note. A note that
// does not verify is exit 1, an unreadable or malformed file exit 2.
func trailOpenNote(e *env, cmd, path string, vs []checkpoint.Verifier) (checkpoint.Checkpoint, int) {
	b, err := os.ReadFile(path)
	if err != nil {
		return checkpoint.Checkpoint{}, inputError(e, fmt.Errorf("trail %s: %w", cmd, err))
	}
	c, err := checkpoint.Open(b, vs...)
	if errors.Is(err, checkpoint.ErrVerify) {
		fmt.Fprintf(e.stderr, "ssj: trail %s: checkpoint %s: %v\n", cmd, path, err)
		return checkpoint.Checkpoint{}, exitProblem
	}
	if err != nil {
		return checkpoint.Checkpoint{}, inputError(e, fmt.Errorf("trail %s: checkpoint %s: %w", cmd, path, err))
	}
	return c, exitOK
}

// trailNoteAnchors opens the --checkpoint notes of ssj trail verify and
// returns them as anchors. A trail of the national suite needs an SM2
// co-signer among the --vkey keys.
func trailNoteAnchors(e *env, name string, st suite.ID, notes, vkeyPaths []string) ([]trail.Checkpoint, int) {
	if len(notes) == 0 || len(vkeyPaths) == 0 {
		return nil, usageError(e, "trail verify: --checkpoint NOTE and --vkey FILE go together")
	}
	vs, err := trailLoadVerifiers(vkeyPaths)
	if err != nil {
		return nil, inputError(e, fmt.Errorf("trail verify: %w", err))
	}
	if st == suite.V1SM && !hasAlg(vs, suite.SM2) {
		return nil, usageError(e, "trail verify: %s is a trail of the national suite %s: give the SM2 co-signer's --vkey too", name, st)
	}
	var out []trail.Checkpoint
	for _, n := range notes {
		c, code := trailOpenNote(e, "verify", n, vs)
		if code != exitOK {
			return nil, code
		}
		out = append(out, trail.AnchorOf(c))
	}
	return out, exitOK
}

// trailVerifyStore is ssj trail verify without FILE: the office store's
// trail (every hash and link) against --anchor and --checkpoint.
func trailVerifyStore(e *env, store string, anch trailAnchors, notes, vkeyPaths []string, asJSON bool) int {
	l, name, code := trailLoad(e, "verify", nil, store)
	if code != exitOK {
		return code
	}
	if len(notes) > 0 || len(vkeyPaths) > 0 {
		extra, code := trailNoteAnchors(e, name, l.Suite().ID(), notes, vkeyPaths)
		if code != exitOK {
			return code
		}
		anch = append(anch, extra...)
	}
	res := struct {
		OK      bool             `json:"ok"`
		Events  int              `json:"events"`
		Head    trail.Checkpoint `json:"head"`
		Anchors int              `json:"anchors"`
		Problem string           `json:"problem,omitempty"`
	}{OK: true, Events: l.Len(), Head: l.Head(), Anchors: len(anch)}
	for _, a := range anch {
		h, err := l.HeadAt(a.Size)
		switch {
		case err != nil:
			res.Problem = fmt.Sprintf("anchor %s covers %d events but the store's trail holds %d: events were deleted from the end", a, a.Size, l.Len())
		case h.Root != a.Root:
			res.Problem = fmt.Sprintf("anchor %s: the first %d events have root %s", a, a.Size, h.Root)
		}
		if res.Problem != "" {
			res.OK = false
			break
		}
	}
	switch {
	case asJSON:
		writeJSON(e.stdout, res)
	case res.OK:
		fmt.Fprintf(e.stdout, "%s: verified: %d events, %d anchors matched, head %s\n", name, res.Events, res.Anchors, res.Head)
	default:
		fmt.Fprintf(e.stdout, "%s: NOT verified: anchor_mismatch: %s\n", name, res.Problem)
	}
	if !res.OK {
		return exitProblem
	}
	return exitOK
}

func hasAlg(vs []checkpoint.Verifier, alg string) bool {
	for _, v := range vs {
		if v.Algorithm() == alg {
			return true
		}
	}
	return false
}

// trailSuiteOf reads the suite named in a trail file's header line.
func trailSuiteOf(e *env, path string) (suite.ID, int) {
	f, err := os.Open(path)
	if err != nil {
		return "", inputError(e, fmt.Errorf("trail: %w", err))
	}
	defer f.Close()
	var h trail.Header
	line, err := readFirstLine(f)
	if err != nil {
		return "", inputError(e, fmt.Errorf("trail %s: %w", path, err))
	}
	if err := json.Unmarshal(line, &h); err != nil {
		return suite.V1, exitOK // trail.Verify reports the malformed header
	}
	if h.Suite == "" {
		return suite.V1, exitOK
	}
	return h.Suite, exitOK
}

func readFirstLine(r io.Reader) ([]byte, error) {
	var out []byte
	buf := make([]byte, 4096)
	for len(out) < trail.MaxLineBytes {
		n, err := r.Read(buf)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return append(out, buf[:i]...), nil
		}
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// trailLoadSigner reads a PEM private key of the wanted algorithm.
func trailLoadSigner(path, alg string) (suite.Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := suite.ParsePrivateKeyPEM(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if s.Algorithm() != alg {
		return nil, fmt.Errorf("%s: a %s key, want %s", path, s.Algorithm(), alg)
	}
	return s, nil
}

func trailCheckpoint(e *env, fs *pflag.FlagSet) func([]string) int {
	origin := fs.String("origin", "", "the trail's name as a log, e.g. `xihu.amr.gov.cn/ssj/trail` (also the key name)")
	keyPath := fs.String("key", "", "the agency's Ed25519 private key, PKCS#8 PEM `FILE`")
	cosign := fs.String("cosign-key", "", "SM2 private key PEM `FILE` for the co-signature (required for an ssj-v1-sm trail)")
	ringPath := fs.String("keyring", "", "keyring `FILE`: each key must be in it and valid at the last covered event's time")
	size := fs.Int64("size", -1, "checkpoint the first `N` events (default all)")
	store := storeFlag(e, fs)
	required(fs, "origin", "key")
	return func(args []string) int {
		if len(args) > 1 || *origin == "" || *keyPath == "" {
			return usageError(e, "trail checkpoint: want a trail FILE (or none: the office store's trail), --origin and --key")
		}
		l, name, code := trailLoad(e, "checkpoint", args, *store)
		if code != exitOK {
			return code
		}
		n := *size
		if n < 0 {
			n = int64(l.Len())
		}
		if n > int64(l.Len()) {
			return usageError(e, "trail checkpoint: --size %d: %s has %d events", n, name, l.Len())
		}
		sm := l.Suite().ID() == suite.V1SM
		if sm && *cosign == "" {
			return usageError(e, "trail checkpoint: %s is a trail of the national suite %s: give the SM2 --cosign-key", name, suite.V1SM)
		}
		if !sm && *cosign != "" {
			return usageError(e, "trail checkpoint: --cosign-key: %s is an %s trail, the SM2 co-signature is for %s trails", name, l.Suite().ID(), suite.V1SM)
		}
		var keys []suite.Signer
		ed, err := trailLoadSigner(*keyPath, suite.Ed25519)
		if err != nil {
			return inputError(e, fmt.Errorf("trail checkpoint: --key %w", err))
		}
		keys = append(keys, ed)
		if sm {
			s, err := trailLoadSigner(*cosign, suite.SM2)
			if err != nil {
				return inputError(e, fmt.Errorf("trail checkpoint: --cosign-key %w", err))
			}
			keys = append(keys, s)
		}
		if *ringPath != "" {
			ring, code := trailLoadKeyring(e, *ringPath)
			if code != exitOK {
				return code
			}
			if n == 0 {
				return usageError(e, "trail checkpoint: --keyring: an empty checkpoint has no event time to check the keys against")
			}
			at := l.Events()[n-1].Time
			for _, k := range keys {
				if _, err := ring.SignerAt(k, at); err != nil {
					fmt.Fprintf(e.stderr, "ssj: trail checkpoint: %v\n", err)
					return exitProblem
				}
			}
		}
		c, err := l.SignedCheckpoint(*origin, n)
		if err != nil {
			return usageError(e, "trail checkpoint: %v", err)
		}
		var signers []note.Signer
		for _, k := range keys {
			ns, err := checkpoint.NewSigner(*origin, k)
			if err != nil {
				return usageError(e, "trail checkpoint: --origin: %v", err)
			}
			signers = append(signers, ns)
		}
		msg, err := checkpoint.Sign(c, signers...)
		if err != nil {
			return inputError(e, fmt.Errorf("trail checkpoint: %w", err))
		}
		e.stdout.Write(msg)
		return exitOK
	}
}

func trailLoadKeyring(e *env, path string) (suite.Keyring, int) {
	f, err := os.Open(path)
	if err != nil {
		return suite.Keyring{}, inputError(e, fmt.Errorf("keyring: %w", err))
	}
	defer f.Close()
	ring, err := suite.DecodeKeyring(f)
	if err != nil {
		return suite.Keyring{}, inputError(e, fmt.Errorf("keyring %s: %w", path, err))
	}
	return ring, exitOK
}

func trailProof(e *env, fs *pflag.FlagSet) func([]string) int {
	old := fs.Int64("old", -1, "size `N` of the earlier checkpoint")
	newSize := fs.Int64("new", -1, "size `M` of the later checkpoint (default all events)")
	store := storeFlag(e, fs)
	required(fs, "old")
	return func(args []string) int {
		if len(args) > 1 || *old < 0 {
			return usageError(e, "trail proof: want a trail FILE (or none: the office store's trail) and --old N")
		}
		l, name, code := trailLoad(e, "proof", args, *store)
		if code != exitOK {
			return code
		}
		m := *newSize
		if m < 0 {
			m = int64(l.Len())
		}
		if m > int64(l.Len()) || *old > m {
			return usageError(e, "trail proof: --old %d --new %d: %s has %d events (want old ≤ new ≤ %d)", *old, m, name, l.Len(), l.Len())
		}
		p, err := checkpoint.Prove(l.Suite(), l.LeafHashes()[:m], *old)
		if err != nil {
			return usageError(e, "trail proof: %v", err)
		}
		e.stdout.Write(p.Marshal())
		return exitOK
	}
}

func trailConsistency(e *env, fs *pflag.FlagSet) func([]string) int {
	var vkeyPaths []string
	fs.StringArrayVar(&vkeyPaths, "vkey", nil, "verifier key `FILE` of a checkpoint signer (repeatable; every key must have signed both)")
	proofPath := fs.String("proof", "", "consistency proof `FILE` (ssj trail proof)")
	trailPath := fs.String("trail", "", "the trail `FILE`, to compute the proof from")
	asJSON := jsonFlag(fs)
	required(fs, "vkey")
	return func(args []string) int {
		if len(args) != 2 || len(vkeyPaths) == 0 || (*proofPath == "") == (*trailPath == "") {
			return usageError(e, "trail consistency: want OLD and NEW notes, --vkey, and one of --proof FILE or --trail FILE")
		}
		vs, err := trailLoadVerifiers(vkeyPaths)
		if err != nil {
			return inputError(e, fmt.Errorf("trail consistency: %w", err))
		}
		older, code := trailOpenNote(e, "consistency", args[0], vs)
		if code != exitOK {
			return code
		}
		newer, code := trailOpenNote(e, "consistency", args[1], vs)
		if code != exitOK {
			return code
		}
		var p checkpoint.Proof
		if *proofPath != "" {
			b, err := os.ReadFile(*proofPath)
			if err != nil {
				return inputError(e, fmt.Errorf("trail consistency: %w", err))
			}
			if p, err = checkpoint.ParseProof(b); err != nil {
				return inputError(e, fmt.Errorf("trail consistency: %s: %w", *proofPath, err))
			}
		} else {
			l, code := trailReadFile(e, "consistency", *trailPath)
			if code != exitOK {
				return code
			}
			if newer.Size > int64(l.Len()) {
				fmt.Fprintf(e.stderr, "ssj: trail consistency: NEW covers %d events, %s holds %d: events were cut off\n", newer.Size, *trailPath, l.Len())
				return exitProblem
			}
			if older.Size > newer.Size {
				fmt.Fprintf(e.stderr, "ssj: trail consistency: OLD covers %d events, NEW only %d: the log shrank\n", older.Size, newer.Size)
				return exitProblem
			}
			if h, _ := l.HeadAt(newer.Size); h.Root != newer.RootHex() {
				fmt.Fprintf(e.stdout, "%s: NOT consistent: the first %d events of %s have root %s, NEW says %s\n", newer.Origin, newer.Size, *trailPath, h.Root, newer.RootHex())
				return exitProblem
			}
			if p, err = checkpoint.Prove(l.Suite(), l.LeafHashes()[:newer.Size], older.Size); err != nil {
				return inputError(e, fmt.Errorf("trail consistency: %w", err))
			}
		}
		if p.Suite == suite.V1SM && !hasAlg(vs, suite.SM2) {
			return usageError(e, "trail consistency: the log is of the national suite %s: give the SM2 co-signer's --vkey too", p.Suite)
		}
		err = checkpoint.VerifyConsistency(older, newer, p)
		res := struct {
			OK     bool   `json:"ok"`
			Origin string `json:"origin"`
			Old    int64  `json:"old"`
			New    int64  `json:"new"`
			Suite  string `json:"suite"`
			Error  string `json:"error,omitempty"`
		}{OK: err == nil, Origin: older.Origin, Old: older.Size, New: newer.Size, Suite: string(p.Suite)}
		if err != nil {
			res.Error = err.Error()
		}
		if *asJSON {
			writeJSON(e.stdout, res)
		} else if err == nil {
			fmt.Fprintf(e.stdout, "%s: consistent: size %d extends size %d (%s)\n", older.Origin, newer.Size, older.Size, p.Suite)
		} else {
			fmt.Fprintf(e.stdout, "%s: NOT consistent: %v\n", older.Origin, err)
		}
		if err != nil {
			if errors.Is(err, checkpoint.ErrFormat) {
				return exitUsage
			}
			return exitProblem
		}
		return exitOK
	}
}
