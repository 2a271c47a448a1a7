package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/review"
	"github.com/shuangsuiji/ssj/workday"
)

func init() {
	registerNoun(noun{
		Name:  "publish",
		Short: "enter, review (审核), publish (公示), correct, follow up and summarise inspection results",
		Long:  publishLong,
		Verbs: []verb{
			{Use: "keygen", Short: "make the principal head's Ed25519 key and keyring",
				Long: `Makes the principal head's Ed25519 key: PREFIX.key.json (secret, mode 0600)
and PREFIX.pub.json (a keyring with the public key).`,
				Example: "  ssj publish keygen --unit 治安大队 --holder 王队长 --out wang",
				Setup:   pubKeygen},
			{Use: "enter RESULTS.json", Short: "record inspection results of a dispatched task (a JSON array or one object)",
				Long: `Records results (a JSON array or one object) in the store, one step each:
every result must belong to a dispatched task and a drawn target (its
inspection notice exists). The deadline follows --policy: seed = 2 working
days after the task's end, national = 20 (R26).`,
				Example: "  ssj publish enter --store ssj.db --as 录入员 --at 2026-09-30T09:00:00+08:00 examples/data/results.json",
				Setup:   pubEnter},
			{Use: "approve [ID ...]", Short: "review (审核) entered results as an approver; release requires it",
				Long: `Records the approver's review (审核) of entered results: the approver (--as)
may not be who entered the result. Release requires it.`,
				Example: "  ssj publish approve --store ssj.db --as 审核员 --all --note 同意公示",
				Setup:   pubApprove},
			{Use: "release [ID ...]", Short: "publish reviewed results (公示); withheld results are never published",
				Long: `Publishes reviewed results (公示). The deadline status (R26) is computed from
the recorded due date and the release's own date (--at, never before the
result's last step nor the trail's last event).`,
				Example: "  ssj publish release --store ssj.db --as 治安大队 --at 2026-10-09T10:00:00+08:00 --all",
				Setup:   pubRelease},
			{Use: "correct [CORRECTED.json]", Short: "change a published result by a correction signed by the principal head (R27)",
				Long: `Changes a published result by a correction signed by the executing unit's
principal head (R27); refused without a valid signature against --keyring,
and the refusal is traced (R31). Either sign now (--key KEY.json --reason R
CORRECTED.json: drafted against the result's current version in the store)
or apply an already signed correction (--signed SIGNED.json). --sign-only
OUT writes the signed correction without applying it.`,
				Example: "  ssj publish correct --store ssj.db --keyring wang.pub.json --as 录入员 \\\n      --key wang.key.json --reason 录入错误 corrected.json",
				Setup:   pubCorrect},
			{Use: "follow-up RESULT", Short: "record a follow-up action on a result (后续处置, R29)",
				Example: "  ssj publish follow-up 2026-ZA-03B/91440106MAMJ7XNP34 --action 回访 --note 已整改 --store ssj.db --as 治安大队",
				Setup:   pubFollowUp},
			{Use: "status", Short: "deadline status of every result; with --keyring re-verify every correction",
				Long: `Deadline status of every result: pending, due_soon, overdue, on_time,
published_late, withheld; with --keyring also re-verify every correction's
signature (exit 1 if one fails). From the store, published results are
judged on their recorded dates and the others on today's date by the clock;
--book FILE reads an exported book file instead, judged on --today.`,
				Example: "  ssj publish status --store ssj.db --keyring wang.pub.json\n  ssj publish status --book export/book.json --today 2026-10-20",
				Setup:   pubStatus},
			{Use: "view", Short: "the public view of the results (inspectors masked unless --unmasked)",
				Example: "  ssj publish view --store ssj.db --format csv --out results.csv",
				Setup:   pubView},
			{Use: "report", Short: "the summary report (R25), stored and traced; or of a book file",
				Long: `From the store: the summary report (R25) as a step: every stored result, draw
and objection as of the step's date, stored under --id and traced; printed as
Markdown, or JSON. With --book FILE: the report of an exported book file
(--objections, --drawn and --today give what a file does not hold); nothing
is stored.`,
				Example: "  ssj publish report --store ssj.db --id 2026-H2 --as 治安大队\n  ssj publish report --book export/book.json --objections export/objections.json --drawn 2026-ZA-03B/治安=49",
				Setup:   pubReport},
			{Use: "announce KIND [NOTICE.json]", Short: "produce an announcement: checklist, plan or task NOTICE.json, or results",
				Long: `Produces an announcement document: Chinese text, or JSON with the structured
content and its hash. KIND is checklist, plan or task (with NOTICE.json), or
results (with --task: the task's published results in the store, or in
--book FILE). Nothing is stored: the steps that publish checklists, plans,
tasks and results trace their announcements themselves.`,
				Example: "  ssj publish announce results --store ssj.db --task 2026-ZA-03B --json",
				Setup:   pubAnnounce},
			{Use: "retention", Short: "review every result's retention period (R23); nothing is deleted",
				Example: "  ssj publish retention --store ssj.db --as 档案室",
				Setup:   pubRetention},
			{Use: "export", Short: "write the store's book, objection register and trail as files",
				Long: `Writes the store's results (book.json), objections (objections.json), its
whole trail (trail.jsonl, which ssj trail verify checks) and the trail head
(checkpoint.txt) to --out DIR, for the read-only --book and --objections
modes and for anyone without the store.`,
				Example: "  ssj publish export --store ssj.db --out export && ssj trail verify export/trail.jsonl",
				Setup:   pubExport},
			pushVerb,
		},
	})
}

const publishLong = `Publication of inspection results (抽查结果公示), through the office on the
store given by --store (default $SSJ_STORE, else ssj.db): each step (enter,
approve, release, correct, follow-up, report, retention) is checked, stored
and traced in one transaction; its time (--at RFC 3339, default now) may not
be before the result's last step or the trail's last event, nor in the
future. The step's date is the date of --at in China. --as names who takes
the step (--by is the same).

status, view, report and announce results also read an exported book file
(--book FILE, from ssj publish export).`

func pubKeygen(e *env, fs *pflag.FlagSet) func([]string) int {
	unit := fs.String("unit", "", "executing unit (任务执行单位) whose principal head holds the key")
	holder := fs.String("holder", "", "name of the principal head (主要负责人)")
	out := fs.String("out", "", "output `PREFIX`: PREFIX.key.json and PREFIX.pub.json")
	required(fs, "unit", "holder", "out")
	return func(args []string) int {
		if *unit == "" || *holder == "" || *out == "" || len(args) > 0 {
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
	c := newStepCLI(e, fs)
	policy := fs.String("policy", "seed", "deadline policy: seed (2 working days) or national (20)")
	goneFlags(fs, c.gone, goneStore, "book", "trail")
	goneFlags(fs, c.gone, goneOn, "on")
	return func(args []string) int {
		if len(args) != 1 {
			return usageError(e, "publish enter: want one RESULTS.json")
		}
		if code, bad := refuseGone(e, fs, c.gone, "publish enter"); bad {
			return code
		}
		var pol publish.Policy
		switch *policy {
		case "seed":
			pol = publish.SeedPolicy
		case "national":
			pol = publish.NationalPolicy
		default:
			return usageError(e, "publish enter: --policy %q: want seed (2 working days) or national (20)", *policy)
		}
		f, err := os.Open(args[0])
		if err != nil {
			return inputError(e, fmt.Errorf("publish enter: %w", err))
		}
		results, err := publish.DecodeResults(f)
		f.Close()
		if err != nil {
			return inputError(e, fmt.Errorf("publish enter: %s: %w", args[0], err))
		}
		if len(results) == 0 {
			return inputError(e, fmt.Errorf("publish enter: %s: no result in the file", args[0]))
		}
		o, step, done, code := c.begin(e, "publish enter", officeOptions{policy: pol})
		if o == nil {
			return code
		}
		defer done()
		// Each result is one step (one transaction); a refused result
		// stops the run, and the ones before it stay entered.
		for i, r := range results {
			en, err := o.EnterResult(context.Background(), step, r)
			if err != nil {
				return officeError(e, fmt.Sprintf("publish enter: %s: result #%d", args[0], i), err)
			}
			fmt.Fprintf(e.stdout, "entered %s (%s), due %s\n", r.ID, en.State, en.Due)
		}
		return exitOK
	}
}

// pubIDs returns the IDs named, or with all every stored result for which
// pick is true.
func pubIDs(ctx context.Context, o *office.Office, all bool, ids []string, pick func(office.StoredResult) bool) ([]string, error) {
	if !all {
		return ids, nil
	}
	rs, err := o.AllResults(ctx)
	if err != nil {
		return nil, err
	}
	for _, sr := range rs {
		if pick(sr) {
			ids = append(ids, sr.Entry.ID)
		}
	}
	return ids, nil
}

func pubApprove(e *env, fs *pflag.FlagSet) func([]string) int {
	c := newPlainStepCLI(e, fs)
	all := fs.Bool("all", false, "review every entered result not yet reviewed (or name result IDs as arguments)")
	note := fs.String("note", "", "the approver's note, e.g. 同意公示")
	return func(args []string) int {
		if *all == (len(args) > 0) {
			return usageError(e, "publish approve: either --all or result IDs")
		}
		o, step, done, code := c.begin(e, "publish approve", officeOptions{})
		if o == nil {
			return code
		}
		defer done()
		ctx := context.Background()
		ids, err := pubIDs(ctx, o, *all, args, func(sr office.StoredResult) bool {
			return sr.Entry.State == publish.StateEntered && sr.Review == nil
		})
		if err != nil {
			return officeError(e, "publish approve", err)
		}
		for _, id := range ids {
			if err := o.ReviewResult(ctx, step, id, *note); err != nil {
				return officeError(e, "publish approve "+id, err)
			}
			fmt.Fprintf(e.stdout, "reviewed (审核) %s by %s\n", id, step.Who)
		}
		if len(ids) == 0 {
			fmt.Fprintln(e.stdout, "nothing to review")
		}
		return exitOK
	}
}

func pubRelease(e *env, fs *pflag.FlagSet) func([]string) int {
	c := newStepCLI(e, fs)
	all := fs.Bool("all", false, "publish every reviewed, entered result (or name result IDs as arguments)")
	goneFlags(fs, c.gone, goneStore, "book", "trail")
	goneFlags(fs, c.gone, goneOn, "on")
	return func(args []string) int {
		if code, bad := refuseGone(e, fs, c.gone, "publish release"); bad {
			return code
		}
		if *all == (len(args) > 0) {
			return usageError(e, "publish release: either --all or result IDs")
		}
		o, step, done, code := c.begin(e, "publish release", officeOptions{})
		if o == nil {
			return code
		}
		defer done()
		ctx := context.Background()
		ids, err := pubIDs(ctx, o, *all, args, func(sr office.StoredResult) bool {
			return sr.Entry.State == publish.StateEntered && sr.Review != nil
		})
		if err != nil {
			return officeError(e, "publish release", err)
		}
		for _, id := range ids {
			v, st, err := o.Release(ctx, step, id)
			if err != nil {
				return officeError(e, "publish release "+id, err)
			}
			fmt.Fprintf(e.stdout, "published %s version %d on %s (%s)\n", id, v.N, v.PublishedOn, st)
		}
		if len(ids) == 0 {
			fmt.Fprintln(e.stdout, "nothing to publish")
		}
		return exitOK
	}
}

func pubCorrect(e *env, fs *pflag.FlagSet) func([]string) int {
	c := newPlainStepCLI(e, fs)
	ringPath := fs.String("keyring", "", "keyring `FILE` of the units' principal heads, from keygen (required unless --sign-only)")
	keyPath := fs.String("key", "", "principal head's key `FILE`: sign the correction now (this or --signed)")
	signedPath := fs.String("signed", "", "an already signed correction `FILE`, JSON (this or --key)")
	reason := fs.String("reason", "", "reason for the correction (with --key)")
	signer := fs.String("signer", "", "name of the signing principal head (default the key's holder)")
	origin := fs.String("origin", "self", `"self" or "objection:ID" (objection corrections: use ssj review decide)`)
	signOnly := fs.String("sign-only", "", "write the signed correction to this `FILE` and do not apply it")
	goneFlags(fs, c.gone, goneStore, "book", "trail")
	goneFlags(fs, c.gone, goneOn, "on")
	return func(args []string) int {
		if code, bad := refuseGone(e, fs, c.gone, "publish correct"); bad {
			return code
		}
		if (*keyPath == "") == (*signedPath == "") {
			return usageError(e, "publish correct: exactly one of --key or --signed is required")
		}
		if *signOnly == "" && *ringPath == "" {
			return usageError(e, "publish correct: --keyring is required to apply a correction")
		}
		if *keyPath != "" && (len(args) != 1 || *reason == "") {
			return usageError(e, "publish correct: --key needs --reason and one CORRECTED.json")
		}
		if *signedPath != "" && len(args) != 0 {
			return usageError(e, "publish correct: --signed takes no arguments")
		}
		var opt officeOptions
		if *signOnly == "" {
			ring, err := pubLoadKeyring(*ringPath)
			if err != nil {
				return inputError(e, fmt.Errorf("publish correct: %w", err))
			}
			opt.keyring = &ring
		}
		o, step, done, code := c.begin(e, "publish correct", opt)
		if o == nil {
			return code
		}
		defer done()
		ctx := context.Background()
		var sc publish.SignedCorrection
		var err error
		if *keyPath != "" {
			at := step.At
			if at.IsZero() {
				at = time.Now()
			}
			sc, err = pubSignCorrection(ctx, o, *keyPath, args[0], *reason, *origin, *signer, at)
			if err != nil {
				return pubCorrectError(e, "publish correct", err)
			}
		} else {
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
		v, err := o.Correct(ctx, step, sc)
		var se *office.StepError
		if errors.As(err, &se) && se.Field == "correction" {
			fmt.Fprintf(e.stderr, "ssj: publish correct: REFUSED (the refusal is traced, R31): %v\n", err)
			return exitProblem
		}
		if err != nil {
			return officeError(e, "publish correct "+sc.ResultID, err)
		}
		fmt.Fprintf(e.stdout, "corrected %s: version %d published on %s (signed by %s, key %s)\n", sc.ResultID, v.N, v.PublishedOn, sc.Signer, sc.KeyID)
		return exitOK
	}
}

// pubCorrectError maps a failure to prepare a correction: the store or
// the checks (1), an unreadable file (2).
func pubCorrectError(e *env, what string, err error) int {
	if errors.Is(err, office.ErrPrecondition) || errors.Is(err, office.ErrConflict) || errors.Is(err, office.ErrNotFound) || errors.Is(err, publish.ErrNotPublished) {
		fmt.Fprintf(e.stderr, "ssj: %s: %v\n", what, err)
		return exitProblem
	}
	return inputError(e, fmt.Errorf("%s: %w", what, err))
}

func pubFollowUp(e *env, fs *pflag.FlagSet) func([]string) int {
	c := newPlainStepCLI(e, fs)
	action := fs.String("action", "", "the follow-up `ACTION` (后续处置), e.g. 责令整改, 回访")
	note := fs.String("note", "", "details")
	on := fs.String("date", "", "the date of the action, `YYYY-MM-DD` (default the date of --at in China)")
	required(fs, "action")
	return func(args []string) int {
		if len(args) != 1 || *action == "" {
			return usageError(e, "publish follow-up: want one RESULT ID and --action")
		}
		o, step, done, code := c.begin(e, "publish follow-up", officeOptions{})
		if o == nil {
			return code
		}
		defer done()
		at := step.At
		if at.IsZero() {
			at = time.Now()
		}
		d := workday.DateOf(at.In(workday.Shanghai()))
		if *on != "" {
			var err error
			if d, err = workday.ParseDate(*on); err != nil {
				return usageError(e, "publish follow-up: --date %q: %v", *on, err)
			}
		}
		if err := o.RecordFollowUp(context.Background(), step, args[0], publish.FollowUp{Date: d, Action: *action, Note: *note}); err != nil {
			return officeError(e, "publish follow-up "+args[0], err)
		}
		fmt.Fprintf(e.stdout, "follow-up of %s recorded: %s on %s (R29)\n", args[0], *action, d)
		return exitOK
	}
}

func pubRetention(e *env, fs *pflag.FlagSet) func([]string) int {
	c := newPlainStepCLI(e, fs)
	asJSON := jsonFlag(fs)
	return func(args []string) int {
		if len(args) != 0 {
			return usageError(e, "publish retention: no arguments")
		}
		o, step, done, code := c.begin(e, "publish retention", officeOptions{})
		if o == nil {
			return code
		}
		defer done()
		r, err := o.ReviewRetention(context.Background(), step)
		if err != nil {
			return officeError(e, "publish retention", err)
		}
		if *asJSON {
			return writeOrFail(e, r)
		}
		fmt.Fprintf(e.stdout, "retention reviewed on %s (R23): %d results kept, %d past their retention period", r.On, r.Kept, len(r.Expired))
		if len(r.Expired) > 0 {
			fmt.Fprintf(e.stdout, ": %s", strings.Join(r.Expired, ", "))
		}
		fmt.Fprintln(e.stdout, "\nnothing was deleted: disposal is decided outside the office, and the trail stays verifiable")
		return exitOK
	}
}

func pubExport(e *env, fs *pflag.FlagSet) func([]string) int {
	store := storeFlag(e, fs)
	out := fs.String("out", "", "the `DIR` to write book.json, objections.json, trail.jsonl and checkpoint.txt to")
	required(fs, "out")
	return func(args []string) int {
		if len(args) != 0 || *out == "" {
			return usageError(e, "publish export: --out DIR is required, no arguments")
		}
		o, st, err := openOffice(e, *store, officeOptions{})
		if err != nil {
			return inputError(e, fmt.Errorf("publish export: %w", err))
		}
		defer st.Close()
		ctx := context.Background()
		book, err := o.Book(ctx)
		if err != nil {
			return officeError(e, "publish export", err)
		}
		obs, err := o.Objections(ctx)
		if err != nil {
			return officeError(e, "publish export", err)
		}
		reg := review.Register{Objections: append([]review.Objection{}, obs...)}
		tr, head, err := storeTrailJSONL(ctx, o)
		if err != nil {
			return officeError(e, "publish export", err)
		}
		bj, err := pubMarshalIndent(book)
		if err != nil {
			return inputError(e, err)
		}
		rj, err := pubMarshalIndent(&reg)
		if err != nil {
			return inputError(e, err)
		}
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return inputError(e, fmt.Errorf("publish export: %w", err))
		}
		for name, data := range map[string][]byte{"book.json": bj, "objections.json": rj, "trail.jsonl": tr, "checkpoint.txt": []byte(head.String() + "\n")} {
			if err := pubWriteFileAtomic(filepath.Join(*out, name), data, 0o644); err != nil {
				return inputError(e, fmt.Errorf("publish export: %w", err))
			}
		}
		fmt.Fprintf(e.stdout, "wrote %s/{book.json,objections.json,trail.jsonl,checkpoint.txt}: %d results, %d objections, trail head %s\n",
			*out, len(book.Entries), len(reg.Objections), head)
		return exitOK
	}
}

// pubSignCorrection builds a correction of the result in correctedPath
// against its current published version in the store and signs it with
// the key file.
func pubSignCorrection(ctx context.Context, o *office.Office, keyPath, correctedPath, reason, origin, signerName string, at time.Time) (publish.SignedCorrection, error) {
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
	c, err := o.DraftCorrection(ctx, rs[0], reason, origin, signerName, at)
	if err != nil {
		return publish.SignedCorrection{}, err
	}
	return publish.Sign(c, s)
}
