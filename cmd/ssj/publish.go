package main

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/trail"
	"github.com/shuangsuiji/ssj/workday"
)

func init() {
	register("publish", "enter, publish (公示), correct, export and summarise inspection results", runPublish)
}

const publishUsage = `usage: ssj publish <verb> [flags] [args]

State lives in files: --book BOOK.json holds every result with all its
versions; --trail TRAIL.jsonl receives one event per step (全程留痕) and is
verified before it is extended. Times: --at RFC3339 (default now), dates:
--on YYYY-MM-DD (default the date of --at in China).

verbs:
  keygen  --unit UNIT --holder NAME --out PREFIX
          make the principal head's Ed25519 key: PREFIX.key.json (secret,
          mode 0600) and PREFIX.pub.json (a keyring with the public key).
  enter   --book B --trail T --by ACTOR [--policy seed|national] RESULTS.json
          record results (a JSON array or one object); a new book takes the
          policy's deadline: seed = 2 working days, national = 20 (R26).
  release --book B --trail T --by ACTOR [--on DATE] (--all | ID ...)
          publish entered results (公示). Withheld results are never published.
  correct --book B --trail T --keyring RING --by ACTOR
          (--key KEY.json --reason R [--signer NAME] CORRECTED.json | --signed SIGNED.json)
          change a published result by a correction signed by the executing
          unit's principal head (R27); refused without a valid signature.
          --sign-only OUT writes the signed correction without applying it.
  status  --book B [--today DATE] [--keyring RING] [--json]
          deadline status of every result: pending, due_soon, overdue,
          on_time, published_late, withheld; with --keyring also re-verify
          every correction's signature (exit 1 if one fails).
  view    --book B [--format json|csv|xlsx] [--out FILE] [--history ID] [--unmasked]
          the public view (inspectors masked unless --unmasked).
  report  --book B [--objections REG] [--drawn TASK/DEPT=N ...] [--today DATE] [--json]
          the summary report (R25) as Markdown, or JSON.
  announce (checklist|plan|task) NOTICE.json [--trail T --by ACTOR] [--json]
  announce results --book B --task TASKNO [--trail T --by ACTOR] [--json]
          produce an announcement document: Chinese text, or JSON with the
          structured content and its hash.`

// pubFlags is the flag set of one publish/review verb.
type pubFlags struct {
	fs    *flag.FlagSet
	clock pubClock
}

func newPubFlags(e *env, name, help string) *pubFlags {
	p := &pubFlags{fs: flag.NewFlagSet(name, flag.ContinueOnError)}
	p.fs.SetOutput(e.stderr)
	p.fs.Usage = func() { fmt.Fprintln(e.stderr, help); p.fs.PrintDefaults() }
	return p
}

func (p *pubFlags) withClock() {
	p.fs.StringVar(&p.clock.at, "at", "", "time of the step, RFC 3339 (default now)")
	p.fs.StringVar(&p.clock.on, "on", "", "date of the step, YYYY-MM-DD (default the date of --at in China)")
}

// parse returns -1 to continue, else the exit status.
func (p *pubFlags) parse(args []string) int {
	if err := pubParseArgs(p.fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	return -1
}

func runPublish(e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, publishUsage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	verbs := map[string]func(*env, []string) int{
		"keygen": pubKeygen, "enter": pubEnter, "release": pubRelease, "correct": pubCorrect,
		"status": pubStatus, "view": pubView, "report": pubReport, "announce": pubAnnounce,
	}
	v, ok := verbs[args[0]]
	if !ok {
		return usageError(e, "publish: unknown verb %q (run ssj publish --help)", args[0])
	}
	return v(e, args[1:])
}

func pubKeygen(e *env, args []string) int {
	p := newPubFlags(e, "ssj publish keygen", publishUsage)
	unit := p.fs.String("unit", "", "executing unit (任务执行单位) whose principal head holds the key")
	holder := p.fs.String("holder", "", "name of the principal head (主要负责人)")
	out := p.fs.String("out", "", "output prefix: PREFIX.key.json and PREFIX.pub.json")
	if c := p.parse(args); c >= 0 {
		return c
	}
	if *unit == "" || *holder == "" || *out == "" || p.fs.NArg() > 0 {
		return usageError(e, "publish keygen: --unit, --holder and --out are required, no arguments")
	}
	k, err := publish.GenerateEd25519(rand.Reader, *unit, *holder)
	if err != nil {
		return inputError(e, err)
	}
	secret, _ := pubMarshalIndent(k)
	ring, _ := pubMarshalIndent(publish.Keyring{Keys: []publish.PublicKey{k.PublicKey}})
	keyPath, pubPath := *out+".key.json", *out+".pub.json"
	f, err := os.OpenFile(keyPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return inputError(e, fmt.Errorf("publish keygen: %w (refusing to overwrite a key)", err))
	}
	if _, err := f.Write(secret); err != nil {
		f.Close()
		return inputError(e, fmt.Errorf("publish keygen: %s: %w", keyPath, err))
	}
	if err := f.Close(); err != nil {
		return inputError(e, fmt.Errorf("publish keygen: %s: %w", keyPath, err))
	}
	if err := pubWriteFileAtomic(pubPath, ring, 0o644); err != nil {
		return inputError(e, fmt.Errorf("publish keygen: %w", err))
	}
	fmt.Fprintf(e.stdout, "key %s for %s (%s)\nsecret: %s\nkeyring: %s\n", k.KeyID, *holder, *unit, keyPath, pubPath)
	return exitOK
}

func pubEnter(e *env, args []string) int {
	p := newPubFlags(e, "ssj publish enter", publishUsage)
	p.withClock()
	bookPath := p.fs.String("book", "", "book file (created if missing)")
	trailPath := p.fs.String("trail", "", "trail file (created if missing)")
	by := p.fs.String("by", "", "who enters the results (录入人)")
	policy := p.fs.String("policy", "seed", "deadline policy of a new book: seed (2 working days) or national (20)")
	if c := p.parse(args); c >= 0 {
		return c
	}
	if *bookPath == "" || *trailPath == "" || *by == "" || p.fs.NArg() != 1 {
		return usageError(e, "publish enter: --book, --trail, --by and one RESULTS.json are required")
	}
	at, _, err := p.clock.resolve()
	if err != nil {
		return usageError(e, "publish enter: %v", err)
	}
	f, err := os.Open(p.fs.Arg(0))
	if err != nil {
		return inputError(e, fmt.Errorf("publish enter: %w", err))
	}
	results, err := publish.DecodeResults(f)
	f.Close()
	if err != nil {
		return inputError(e, fmt.Errorf("publish enter: %s: %w", p.fs.Arg(0), err))
	}
	book, err := pubLoadBook(*bookPath, *policy)
	if err != nil {
		return inputError(e, fmt.Errorf("publish enter: %w", err))
	}
	tr, err := trailOpen(*trailPath)
	if err != nil {
		return trailOpenError(e, err)
	}
	cal, err := workday.Default()
	if err != nil {
		return inputError(e, err)
	}
	for i, r := range results {
		en, err := book.Enter(r, cal, at, *by)
		if err != nil {
			return inputError(e, fmt.Errorf("publish enter: %s: result #%d: %w", p.fs.Arg(0), i, err))
		}
		kind, data := trail.ResultEntered, map[string]string{"task_no": r.TaskNo, "due": en.Due.String(), "conclusions": publish.ConclusionText(r.Conclusions)}
		if r.Withheld != nil {
			kind = trail.ResultWithheld
			data["legal_basis"] = r.Withheld.LegalBasis
		}
		if err := tr.add(trail.Entry{Kind: kind, Actor: *by, Time: at, Subject: r.ID, Data: data}); err != nil {
			return inputError(e, err)
		}
		fmt.Fprintf(e.stdout, "entered %s (%s), due %s\n", r.ID, en.State, en.Due)
	}
	return pubCommit(e, *bookPath, book, tr)
}

// pubCommit saves the book and then appends the trail.
func pubCommit(e *env, bookPath string, book *publish.Book, tr *trailFile) int {
	if err := pubSaveBook(bookPath, book); err != nil {
		return inputError(e, err)
	}
	if err := tr.flush(); err != nil {
		return inputError(e, err)
	}
	return exitOK
}

func pubRelease(e *env, args []string) int {
	p := newPubFlags(e, "ssj publish release", publishUsage)
	p.withClock()
	bookPath := p.fs.String("book", "", "book file")
	trailPath := p.fs.String("trail", "", "trail file")
	by := p.fs.String("by", "", "who publishes (审核公示人)")
	all := p.fs.Bool("all", false, "publish every entered result")
	if c := p.parse(args); c >= 0 {
		return c
	}
	if *bookPath == "" || *trailPath == "" || *by == "" || (*all == (p.fs.NArg() > 0)) {
		return usageError(e, "publish release: --book, --trail, --by and either --all or result IDs are required")
	}
	at, on, err := p.clock.resolve()
	if err != nil {
		return usageError(e, "publish release: %v", err)
	}
	book, err := pubLoadBook(*bookPath, "")
	if err != nil {
		return inputError(e, fmt.Errorf("publish release: %w", err))
	}
	tr, err := trailOpen(*trailPath)
	if err != nil {
		return trailOpenError(e, err)
	}
	ids := p.fs.Args()
	if *all {
		for _, en := range book.Entries {
			if en.State == publish.StateEntered {
				ids = append(ids, en.ID)
			}
		}
	}
	for _, id := range ids {
		v, err := book.Publish(id, on)
		if err != nil {
			return inputError(e, fmt.Errorf("publish release: %w", err))
		}
		if err := tr.add(trail.Entry{Kind: trail.ResultPublished, Actor: *by, Time: at, Subject: id,
			Data: map[string]string{"version": "1", "hash": v.Hash, "published_on": on.String()}}); err != nil {
			return inputError(e, err)
		}
		fmt.Fprintf(e.stdout, "published %s version 1 on %s\n", id, on)
	}
	if len(ids) == 0 {
		fmt.Fprintln(e.stdout, "nothing to publish")
	}
	return pubCommit(e, *bookPath, book, tr)
}

func pubCorrect(e *env, args []string) int {
	p := newPubFlags(e, "ssj publish correct", publishUsage)
	p.withClock()
	bookPath := p.fs.String("book", "", "book file")
	trailPath := p.fs.String("trail", "", "trail file")
	ringPath := p.fs.String("keyring", "", "keyring of the units' principal heads (from keygen)")
	by := p.fs.String("by", "", "who records the correction")
	keyPath := p.fs.String("key", "", "principal head's key file: sign the correction now")
	signedPath := p.fs.String("signed", "", "an already signed correction (JSON)")
	reason := p.fs.String("reason", "", "reason for the correction (with --key)")
	signer := p.fs.String("signer", "", "name of the signing principal head (default the key's holder)")
	origin := p.fs.String("origin", "self", `"self" or "objection:ID" (objection corrections: use ssj review decide)`)
	signOnly := p.fs.String("sign-only", "", "write the signed correction to this file and do not apply it")
	if c := p.parse(args); c >= 0 {
		return c
	}
	if *bookPath == "" || (*keyPath == "") == (*signedPath == "") {
		return usageError(e, "publish correct: --book and exactly one of --key or --signed are required")
	}
	if *signOnly == "" && (*trailPath == "" || *ringPath == "" || *by == "") {
		return usageError(e, "publish correct: --trail, --keyring and --by are required to apply a correction")
	}
	at, on, err := p.clock.resolve()
	if err != nil {
		return usageError(e, "publish correct: %v", err)
	}
	book, err := pubLoadBook(*bookPath, "")
	if err != nil {
		return inputError(e, fmt.Errorf("publish correct: %w", err))
	}
	var sc publish.SignedCorrection
	if *keyPath != "" {
		if p.fs.NArg() != 1 || *reason == "" {
			return usageError(e, "publish correct: --key needs --reason and one CORRECTED.json")
		}
		sc, err = pubSignCorrection(*keyPath, p.fs.Arg(0), book, *reason, *origin, *signer, at)
		if err != nil {
			return inputError(e, fmt.Errorf("publish correct: %w", err))
		}
	} else {
		if p.fs.NArg() != 0 {
			return usageError(e, "publish correct: --signed takes no arguments")
		}
		f, err := os.Open(*signedPath)
		if err != nil {
			return inputError(e, fmt.Errorf("publish correct: %w", err))
		}
		sc, err = publish.DecodeCorrection(f)
		f.Close()
		if err != nil {
			return inputError(e, fmt.Errorf("publish correct: %s: %w", *signedPath, err))
		}
	}
	if *signOnly != "" {
		data, _ := pubMarshalIndent(sc)
		if err := pubWriteFileAtomic(*signOnly, data, 0o644); err != nil {
			return inputError(e, err)
		}
		fmt.Fprintf(e.stdout, "signed correction of %s (base version %d) written to %s\n", sc.ResultID, sc.BaseVersion, *signOnly)
		return exitOK
	}
	ring, err := pubLoadKeyring(*ringPath)
	if err != nil {
		return inputError(e, fmt.Errorf("publish correct: %w", err))
	}
	tr, err := trailOpen(*trailPath)
	if err != nil {
		return trailOpenError(e, err)
	}
	v, err := book.Correct(sc, ring, on)
	if err != nil {
		fmt.Fprintf(e.stderr, "ssj: publish correct: REFUSED: %v\n", err)
		return exitProblem
	}
	if err := tr.add(pubCorrectionEvent(sc, v, *by, at)); err != nil {
		return inputError(e, err)
	}
	fmt.Fprintf(e.stdout, "corrected %s: version %d published on %s (signed by %s, key %s)\n", sc.ResultID, v.N, on, sc.Signer, sc.KeyID)
	return pubCommit(e, *bookPath, book, tr)
}

func pubCorrectionEvent(sc publish.SignedCorrection, v publish.Version, by string, at time.Time) trail.Entry {
	return trail.Entry{Kind: trail.ResultCorrected, Actor: by, Time: at, Subject: sc.ResultID,
		Data: map[string]string{"version": strconv.Itoa(v.N), "hash": v.Hash, "base_hash": sc.BaseHash,
			"reason": sc.Reason, "origin": sc.Origin, "signer": sc.Signer, "key_id": sc.KeyID, "signature": sc.Signature}}
}

// pubSignCorrection builds a correction of the result in correctedPath
// against the book's current version and signs it with the key file.
func pubSignCorrection(keyPath, correctedPath string, book *publish.Book, reason, origin, signerName string, at time.Time) (publish.SignedCorrection, error) {
	f, err := os.Open(keyPath)
	if err != nil {
		return publish.SignedCorrection{}, fmt.Errorf("key %s: %w", keyPath, err)
	}
	k, err := publish.DecodePrivateKey(f)
	f.Close()
	if err != nil {
		return publish.SignedCorrection{}, fmt.Errorf("key %s: %w", keyPath, err)
	}
	s, err := k.Signer()
	if err != nil {
		return publish.SignedCorrection{}, fmt.Errorf("key %s: %w", keyPath, err)
	}
	if signerName == "" {
		signerName = k.Holder
	}
	rf, err := os.Open(correctedPath)
	if err != nil {
		return publish.SignedCorrection{}, err
	}
	rs, err := publish.DecodeResults(rf)
	rf.Close()
	if err != nil {
		return publish.SignedCorrection{}, fmt.Errorf("%s: %w", correctedPath, err)
	}
	if len(rs) != 1 {
		return publish.SignedCorrection{}, fmt.Errorf("%s: want exactly one corrected result, got %d", correctedPath, len(rs))
	}
	c, err := book.NewCorrection(rs[0], reason, origin, signerName, at)
	if err != nil {
		return publish.SignedCorrection{}, err
	}
	return publish.Sign(c, s)
}
