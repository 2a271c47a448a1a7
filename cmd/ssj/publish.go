package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/trail"
)

func init() {
	registerNoun(noun{
		Name:  "publish",
		Short: "enter, publish (公示), correct, export and summarise inspection results",
		Long:  publishLong,
		Verbs: []verb{
			{Use: "keygen", Short: "make the principal head's Ed25519 key and keyring",
				Long: `Makes the principal head's Ed25519 key: PREFIX.key.json (secret, mode 0600)
and PREFIX.pub.json (a keyring with the public key).`,
				Example: "  ssj publish keygen --unit 治安大队 --holder 王队长 --out wang",
				Setup:   pubKeygen},
			{Use: "enter RESULTS.json", Short: "record inspection results (a JSON array or one object)",
				Long: `Records results (a JSON array or one object); a new book takes the policy's
deadline: seed = 2 working days, national = 20 (R26).`,
				Example: "  ssj publish enter --book book.json --trail trail.jsonl --by 录入员 --at 2026-10-09T09:00:00+08:00 examples/data/results.json",
				Setup:   pubEnter},
			{Use: "release [ID ...]", Short: "publish entered results (公示); withheld results are never published",
				Example: "  ssj publish release --book book.json --trail trail.jsonl --by 审核员 --all",
				Setup:   pubRelease},
			{Use: "correct [CORRECTED.json]", Short: "change a published result by a correction signed by the principal head (R27)",
				Long: `Changes a published result by a correction signed by the executing unit's
principal head (R27); refused without a valid signature. Either sign now
(--key KEY.json --reason R CORRECTED.json) or apply an already signed
correction (--signed SIGNED.json). --sign-only OUT writes the signed
correction without applying it.`,
				Example: "  ssj publish correct --book book.json --trail trail.jsonl --keyring wang.pub.json --by 录入员 \\\n      --key wang.key.json --reason 录入错误 corrected.json",
				Setup:   pubCorrect},
			{Use: "status", Short: "deadline status of every result; with --keyring re-verify every correction",
				Long: `Deadline status of every result: pending, due_soon, overdue, on_time,
published_late, withheld; with --keyring also re-verify every correction's
signature (exit 1 if one fails).`,
				Example: "  ssj publish status --book book.json --today 2026-10-20",
				Setup:   pubStatus},
			{Use: "view", Short: "the public view of the results (inspectors masked unless --unmasked)",
				Example: "  ssj publish view --book book.json --format csv --out results.csv",
				Setup:   pubView},
			{Use: "report", Short: "the summary report (R25) as Markdown, or JSON",
				Example: "  ssj publish report --book book.json --objections objections.json --drawn SJ-2026-001/治安大队=2",
				Setup:   pubReport},
			{Use: "announce KIND [NOTICE.json]", Short: "produce an announcement: checklist, plan or task NOTICE.json, or results",
				Long: `Produces an announcement document: Chinese text, or JSON with the structured
content and its hash. KIND is checklist, plan or task (with NOTICE.json), or
results (with --book and --task). With --trail and --by the announcement is
recorded in the trail.`,
				Example: "  ssj publish announce results --book book.json --task SJ-2026-001 --json",
				Setup:   pubAnnounce},
		},
	})
}

const publishLong = `Publication of inspection results (抽查结果公示).

State lives in files: --book BOOK.json holds every result with all its
versions; --trail TRAIL.jsonl receives one event per step (全程留痕) and is
verified before it is extended. Times: --at RFC3339 (default now), dates:
--on YYYY-MM-DD (default the date of --at in China).`

// pubFlags is the flag set of one publish/review verb.
type pubFlags struct {
	fs    *pflag.FlagSet
	clock pubClock
}

func newPubFlags(fs *pflag.FlagSet) *pubFlags {
	return &pubFlags{fs: fs}
}

func (p *pubFlags) withClock() {
	p.fs.StringVar(&p.clock.at, "at", "", "time of the step, `RFC3339` (default now)")
	p.fs.StringVar(&p.clock.on, "on", "", "date of the step, `YYYY-MM-DD` (default the date of --at in China)")
}

func pubKeygen(e *env, fs *pflag.FlagSet) func([]string) int {
	p := newPubFlags(fs)
	unit := p.fs.String("unit", "", "executing `UNIT` (任务执行单位) whose principal head holds the key")
	holder := p.fs.String("holder", "", "`NAME` of the principal head (主要负责人)")
	out := p.fs.String("out", "", "output `PREFIX`: PREFIX.key.json and PREFIX.pub.json")
	required(fs, "unit", "holder", "out")
	return func(args []string) int {
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
		if errors.Is(err, os.ErrExist) {
			return inputError(e, fmt.Errorf("publish keygen: %w (refusing to overwrite a key)", err))
		}
		if err != nil {
			return inputError(e, fmt.Errorf("publish keygen: %w", err))
		}
		// No half-made pair is left behind: the secret key goes if the
		// keyring cannot be written.
		fail := func(err error) int {
			os.Remove(keyPath)
			return inputError(e, fmt.Errorf("publish keygen: %w", err))
		}
		if _, err := f.Write(secret); err != nil {
			f.Close()
			return fail(fmt.Errorf("%s: %w", keyPath, err))
		}
		if err := f.Close(); err != nil {
			return fail(fmt.Errorf("%s: %w", keyPath, err))
		}
		if err := pubWriteFileAtomic(pubPath, ring, 0o644); err != nil {
			return fail(err)
		}
		fmt.Fprintf(e.stdout, "key %s for %s (%s)\nsecret: %s\nkeyring: %s\n", k.KeyID, *holder, *unit, keyPath, pubPath)
		return exitOK
	}
}

func pubEnter(e *env, fs *pflag.FlagSet) func([]string) int {
	p := newPubFlags(fs)
	p.withClock()
	bookPath := p.fs.String("book", "", "book `FILE` (created if missing)")
	trailPath := p.fs.String("trail", "", "trail `FILE` (created if missing)")
	by := p.fs.String("by", "", "who enters the results (录入人), a `NAME`")
	required(fs, "book", "trail", "by")
	policy := p.fs.String("policy", "seed", "deadline `POLICY` of a new book: seed (2 working days) or national (20)")
	calFile := calendarFlag(fs)
	return func(args []string) int {
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
		if len(results) == 0 {
			return inputError(e, fmt.Errorf("publish enter: %s: no result in the file", p.fs.Arg(0)))
		}
		book, err := pubLoadBook(*bookPath, *policy)
		if err != nil {
			return inputError(e, fmt.Errorf("publish enter: %w", err))
		}
		tr, err := trailOpen(*trailPath)
		if err != nil {
			return trailOpenError(e, err)
		}
		cal, err := loadCalendar(*calFile)
		if err != nil {
			return inputError(e, fmt.Errorf("publish enter: %w", err))
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

func pubRelease(e *env, fs *pflag.FlagSet) func([]string) int {
	p := newPubFlags(fs)
	p.withClock()
	bookPath := p.fs.String("book", "", "book `FILE`")
	trailPath := p.fs.String("trail", "", "trail `FILE`")
	by := p.fs.String("by", "", "who publishes (审核公示人), a `NAME`")
	required(fs, "book", "trail", "by")
	all := p.fs.Bool("all", false, "publish every entered result (or name result IDs as arguments)")
	return func(args []string) int {
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
}

func pubCorrect(e *env, fs *pflag.FlagSet) func([]string) int {
	p := newPubFlags(fs)
	p.withClock()
	bookPath := p.fs.String("book", "", "book `FILE`")
	trailPath := p.fs.String("trail", "", "trail `FILE` (required unless --sign-only)")
	ringPath := p.fs.String("keyring", "", "keyring `FILE` of the units' principal heads, from keygen (required unless --sign-only)")
	by := p.fs.String("by", "", "who records the correction, a `NAME` (required unless --sign-only)")
	keyPath := p.fs.String("key", "", "principal head's key `FILE`: sign the correction now (this or --signed)")
	signedPath := p.fs.String("signed", "", "an already signed correction `FILE`, JSON (this or --key)")
	reason := p.fs.String("reason", "", "`REASON` for the correction (with --key)")
	signer := p.fs.String("signer", "", "`NAME` of the signing principal head (default the key's holder)")
	origin := p.fs.String("origin", "self", "`ORIGIN`: self, or objection:ID (objection corrections: use ssj review decide)")
	signOnly := p.fs.String("sign-only", "", "write the signed correction to this `FILE` and do not apply it")
	required(fs, "book")
	return func(args []string) int {
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
