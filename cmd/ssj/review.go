package main

import (
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/review"
	"github.com/shuangsuiji/ssj/trail"
	"github.com/shuangsuiji/ssj/workday"
)

func init() {
	register("review", "handle objections to published results (异议复核, R28)", runReview)
}

const reviewUsage = `usage: ssj review <verb> [flags]

The objection register --objections REG.json holds every objection with its
steps; each step is appended to --trail TRAIL.jsonl. Review is due 20 working
days after receipt, feedback 15 working days after the decision (R28).
Times: --at RFC3339 (default now); dates: --on YYYY-MM-DD.

verbs:
  receive  --objections R --book B --trail T --by ACTOR --id ID --result RESULT_ID
           --applicant NAME --grounds TEXT
           register an objection to a published result (受理).
  start    --objections R --trail T --by ACTOR --id ID
           start the review (复核).
  decide   --objections R --trail T --by ACTOR --id ID --note TEXT
           (--upheld | --corrected --book B --keyring RING
                         (--key KEY.json --reason R CORRECTED.json | --signed SIGNED.json))
           record the decision; a correction goes through the signed-correction
           path of ssj publish correct (origin objection:ID) and is refused
           without the principal head's valid signature.
  feedback --objections R --trail T --by ACTOR --id ID --note TEXT
           record that the applicant was told the outcome (反馈).
  status   --objections R [--today DATE] [--json]
           each objection's state, deadlines and standing (pending, due soon,
           overdue, closed on time / late). Exit 1 if any is overdue.`

func runReview(e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, reviewUsage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	verb := args[0]
	if verb == "status" {
		return revStatus(e, args[1:])
	}
	switch verb {
	case "receive", "start", "decide", "feedback":
	default:
		return usageError(e, "review: unknown verb %q (run ssj review --help)", verb)
	}
	p := newPubFlags(e, "ssj review "+verb, reviewUsage)
	p.withClock()
	regPath := p.fs.String("objections", "", "objection register file")
	trailPath := p.fs.String("trail", "", "trail file")
	by := p.fs.String("by", "", "who takes the step")
	id := p.fs.String("id", "", "objection ID")
	note := p.fs.String("note", "", "decision grounds / feedback content")
	bookPath := p.fs.String("book", "", "book file (receive, decide --corrected)")
	resultID := p.fs.String("result", "", "disputed result ID (receive)")
	applicant := p.fs.String("applicant", "", "applicant (receive)")
	grounds := p.fs.String("grounds", "", "grounds of the objection (receive)")
	upheld := p.fs.Bool("upheld", false, "decide: the result stands (维持)")
	corrected := p.fs.Bool("corrected", false, "decide: the result was wrong and is corrected (更正)")
	ringPath := p.fs.String("keyring", "", "keyring (decide --corrected)")
	keyPath := p.fs.String("key", "", "principal head's key file (decide --corrected)")
	signedPath := p.fs.String("signed", "", "signed correction file (decide --corrected)")
	reason := p.fs.String("reason", "", "correction reason (decide --corrected --key)")
	if c := p.parse(args[1:]); c >= 0 {
		return c
	}
	if *regPath == "" || *trailPath == "" || *by == "" || *id == "" {
		return usageError(e, "review %s: --objections, --trail, --by and --id are required", verb)
	}
	if maxArgs := map[bool]int{true: 1, false: 0}[verb == "decide" && *keyPath != ""]; p.fs.NArg() > maxArgs {
		return usageError(e, "review %s: unexpected argument %q", verb, p.fs.Arg(maxArgs))
	}
	if verb == "decide" && (*upheld == *corrected || *note == "") {
		return usageError(e, "review decide: exactly one of --upheld or --corrected, and --note, are required")
	}
	at, on, err := p.clock.resolve()
	if err != nil {
		return usageError(e, "review %s: %v", verb, err)
	}
	reg, err := pubLoadRegister(*regPath, verb == "receive")
	if err != nil {
		return inputError(e, fmt.Errorf("review %s: %w", verb, err))
	}
	cal, err := workday.Default()
	if err != nil {
		return inputError(e, err)
	}
	tr, err := trailOpen(*trailPath)
	if err != nil {
		return trailOpenError(e, err)
	}
	var book *publish.Book
	var step func() (trail.Entry, error)
	switch verb {
	case "receive":
		if *bookPath == "" || *resultID == "" || *applicant == "" || *grounds == "" {
			return usageError(e, "review receive: --book, --result, --applicant and --grounds are required")
		}
		book, err = pubLoadBook(*bookPath, "")
		if err != nil {
			return inputError(e, fmt.Errorf("review receive: %w", err))
		}
		en, err := book.Entry(*resultID)
		if err != nil {
			return inputError(e, fmt.Errorf("review receive: %w", err))
		}
		if en.State != publish.StatePublished {
			return inputError(e, fmt.Errorf("review receive: result %s is %s: %w", *resultID, en.State, publish.ErrNotPublished))
		}
		book = nil // read only
		step = func() (trail.Entry, error) {
			o, err := review.Receive(*id, *resultID, *applicant, *grounds, on, at, *by, cal)
			if err != nil {
				return trail.Entry{}, err
			}
			if err := reg.Add(o); err != nil {
				return trail.Entry{}, err
			}
			fmt.Fprintf(e.stdout, "received %s against %s on %s; review due %s\n", o.ID, o.ResultID, on, o.ReviewDue)
			return trail.Entry{Kind: trail.ObjectionReceived, Actor: *by, Time: at, Subject: o.ID,
				Data: map[string]string{"result_id": o.ResultID, "review_due": o.ReviewDue.String()}}, nil
		}
	case "start":
		step = func() (trail.Entry, error) {
			o, err := reg.Get(*id)
			if err != nil {
				return trail.Entry{}, err
			}
			if err := o.StartReview(on, at, *by); err != nil {
				return trail.Entry{}, err
			}
			fmt.Fprintf(e.stdout, "review of %s started on %s; due %s\n", o.ID, on, o.ReviewDue)
			return trail.Entry{Kind: trail.ObjectionReviewing, Actor: *by, Time: at, Subject: o.ID,
				Data: map[string]string{"result_id": o.ResultID}}, nil
		}
	case "decide":
		step = func() (trail.Entry, error) {
			o, err := reg.Get(*id)
			if err != nil {
				return trail.Entry{}, err
			}
			data := map[string]string{"result_id": o.ResultID}
			if *upheld {
				if err := o.Decide(review.DecisionUpheld, 0, *note, on, at, *by, cal); err != nil {
					return trail.Entry{}, err
				}
			} else {
				if *bookPath == "" || *ringPath == "" || (*keyPath == "") == (*signedPath == "") {
					return trail.Entry{}, fmt.Errorf("%w: --corrected needs --book, --keyring and one of --key or --signed", review.ErrInput)
				}
				book, err = pubLoadBook(*bookPath, "")
				if err != nil {
					return trail.Entry{}, err
				}
				ring, err := pubLoadKeyring(*ringPath)
				if err != nil {
					return trail.Entry{}, err
				}
				sc, err := revCorrection(*keyPath, *signedPath, p.fs.Arg(0), *reason, book, o, at)
				if err != nil {
					return trail.Entry{}, err
				}
				v, err := o.DecideWithCorrection(book, sc, ring, *note, on, at, *by, cal)
				if err != nil {
					return trail.Entry{}, err
				}
				if err := tr.add(pubCorrectionEvent(sc, v, *by, at)); err != nil {
					return trail.Entry{}, err
				}
				data["correction_version"] = fmt.Sprint(v.N)
			}
			data["decision"], data["feedback_due"] = string(o.Decision), o.FeedbackDue.String()
			fmt.Fprintf(e.stdout, "decided %s: %s on %s; feedback due %s\n", o.ID, o.Decision, on, *o.FeedbackDue)
			return trail.Entry{Kind: trail.ObjectionDecided, Actor: *by, Time: at, Subject: o.ID, Data: data}, nil
		}
	case "feedback":
		if *note == "" {
			return usageError(e, "review feedback: --note is required")
		}
		step = func() (trail.Entry, error) {
			o, err := reg.Get(*id)
			if err != nil {
				return trail.Entry{}, err
			}
			if err := o.SendFeedback(*note, on, at, *by); err != nil {
				return trail.Entry{}, err
			}
			fmt.Fprintf(e.stdout, "feedback on %s sent on %s (due %s)\n", o.ID, on, *o.FeedbackDue)
			return trail.Entry{Kind: trail.ObjectionFeedbackSent, Actor: *by, Time: at, Subject: o.ID,
				Data: map[string]string{"result_id": o.ResultID}}, nil
		}
	}
	en, err := step()
	if err != nil {
		fmt.Fprintf(e.stderr, "ssj: review %s: %v\n", verb, err)
		return exitProblem
	}
	if err := tr.add(en); err != nil {
		return inputError(e, err)
	}
	if book != nil {
		if err := pubSaveBook(*bookPath, book); err != nil {
			return inputError(e, err)
		}
	}
	if err := pubSaveRegister(*regPath, reg); err != nil {
		return inputError(e, err)
	}
	if err := tr.flush(); err != nil {
		return inputError(e, err)
	}
	return exitOK
}

// revCorrection signs a correction arising from objection o, or reads one
// already signed.
func revCorrection(keyPath, signedPath, correctedPath, reason string, book *publish.Book, o *review.Objection, at time.Time) (publish.SignedCorrection, error) {
	if signedPath != "" {
		f, err := os.Open(signedPath)
		if err != nil {
			return publish.SignedCorrection{}, err
		}
		defer f.Close()
		sc, err := publish.DecodeCorrection(f)
		if err != nil {
			return publish.SignedCorrection{}, fmt.Errorf("%s: %w", signedPath, err)
		}
		return sc, nil
	}
	if reason == "" || correctedPath == "" {
		return publish.SignedCorrection{}, fmt.Errorf("%w: --corrected --key needs --reason and one CORRECTED.json", review.ErrInput)
	}
	return pubSignCorrection(keyPath, correctedPath, book, reason, "objection:"+o.ID, "", at)
}

type revRow struct {
	ID          string          `json:"id"`
	ResultID    string          `json:"result_id"`
	State       review.State    `json:"state"`
	ReviewDue   workday.Date    `json:"review_due"`
	FeedbackDue *workday.Date   `json:"feedback_due,omitempty"`
	Standing    review.Standing `json:"standing"`
}

func revStatus(e *env, args []string) int {
	p := newPubFlags(e, "ssj review status", reviewUsage)
	regPath := p.fs.String("objections", "", "objection register file")
	today := p.fs.String("today", "", "date to judge deadlines on (default today in China)")
	asJSON := p.fs.Bool("json", false, "print JSON")
	if c := p.parse(args); c >= 0 {
		return c
	}
	if *regPath == "" || p.fs.NArg() > 0 {
		return usageError(e, "review status: --objections is required, no arguments")
	}
	day, err := pubParseToday(*today)
	if err != nil {
		return usageError(e, "review status: %v", err)
	}
	reg, err := pubLoadRegister(*regPath, false)
	if err != nil {
		return inputError(e, fmt.Errorf("review status: %w", err))
	}
	cal, err := workday.Default()
	if err != nil {
		return inputError(e, err)
	}
	var rows []revRow
	overdue := 0
	for _, o := range reg.Objections {
		st, err := o.Standing(cal, day, review.DefaultSoonWorkdays)
		if err != nil {
			return inputError(e, fmt.Errorf("review status: %w", err))
		}
		if st == review.ReviewOverdue || st == review.FeedbackOverdue {
			overdue++
		}
		rows = append(rows, revRow{ID: o.ID, ResultID: o.ResultID, State: o.State, ReviewDue: o.ReviewDue, FeedbackDue: o.FeedbackDue, Standing: st})
	}
	if *asJSON {
		writeJSON(e.stdout, rows)
	} else {
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "OBJECTION\tRESULT\tSTATE\tREVIEW DUE\tFEEDBACK DUE\tSTANDING")
		for _, r := range rows {
			fd := "-"
			if r.FeedbackDue != nil {
				fd = r.FeedbackDue.String()
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.ResultID, r.State, r.ReviewDue, fd, r.Standing)
		}
		tw.Flush()
		fmt.Fprintf(e.stdout, "%d objections as of %s, %d overdue\n", len(rows), day, overdue)
	}
	if overdue > 0 {
		return exitProblem
	}
	return exitOK
}
