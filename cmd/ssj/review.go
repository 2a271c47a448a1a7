package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/review"
	"github.com/shuangsuiji/ssj/trail"
	"github.com/shuangsuiji/ssj/workday"
)

func init() {
	step := func(v, short, example string) verb {
		return verb{Use: v, Short: short, Example: example, Setup: revVerb(v)}
	}
	receive := step("receive", "register an objection to a published result (受理)",
		"  ssj review receive --objections objections.json --book book.json --trail trail.jsonl --by 窗口 \\\n      --id YY-1 --result R-1 --applicant 某公司 --grounds 结论有误 --at 2026-10-12T09:00:00+08:00")
	start := step("start", "start the review (复核)",
		"  ssj review start --objections objections.json --trail trail.jsonl --by 复核员 --id YY-1")
	decide := step("decide [CORRECTED.json]", "record the decision: --upheld, or --corrected with a signed correction",
		"  ssj review decide --objections objections.json --trail trail.jsonl --by 复核员 --id YY-1 --upheld --note 维持")
	decide.Long = `Records the decision; a correction goes through the signed-correction path
of ssj publish correct (origin objection:ID) and is refused without the
principal head's valid signature:
  --upheld
  --corrected --book B --keyring RING (--key KEY.json --reason R CORRECTED.json | --signed SIGNED.json)`
	feedback := step("feedback", "record that the applicant was told the outcome (反馈)",
		"  ssj review feedback --objections objections.json --trail trail.jsonl --by 复核员 --id YY-1 --note 已电话告知")
	status := verb{Use: "status", Short: "each objection's state, deadlines and standing; exit 1 if any is overdue",
		Example: "  ssj review status --objections objections.json --today 2026-11-20", Setup: revStatus}
	registerNoun(noun{Name: "review", Short: "handle objections to published results (异议复核, R28)", Long: reviewLong,
		Verbs: []verb{receive, start, decide, feedback, status}})
}

const reviewLong = `Objections to published results (异议复核, R28).

The objection register --objections REG.json holds every objection with its
steps; each step is appended to --trail TRAIL.jsonl. Review is due 20 working
days after receipt, feedback 15 working days after the decision (R28).
Times: --at RFC3339 (default now); dates: --on YYYY-MM-DD.`

func revVerb(use string) func(e *env, fs *pflag.FlagSet) func([]string) int {
	verb, _, _ := strings.Cut(use, " ")
	return func(e *env, fs *pflag.FlagSet) func([]string) int {
		p := newPubFlags(fs)
		p.withClock()
		regPath := fs.String("objections", "", "objection register `FILE` (JSON)")
		trailPath := fs.String("trail", "", "trail `FILE` (JSON lines)")
		by := fs.String("by", "", "who takes the step, a `NAME`")
		id := fs.String("id", "", "objection `ID`")
		required(fs, "objections", "trail", "by", "id")
		none, noBool := "", false
		note, bookPath, resultID, applicant, grounds := &none, &none, &none, &none, &none
		upheld, corrected := &noBool, &noBool
		ringPath, keyPath, signedPath, reason := &none, &none, &none, &none
		calFile := &none
		switch verb {
		case "receive":
			calFile = calendarFlag(fs)
			bookPath = fs.String("book", "", "book `FILE` holding the disputed result")
			resultID = fs.String("result", "", "disputed result `ID`")
			applicant = fs.String("applicant", "", "applicant (申请人), a `NAME`")
			grounds = fs.String("grounds", "", "grounds of the objection, `TEXT`")
			required(fs, "book", "result", "applicant", "grounds")
		case "decide":
			calFile = calendarFlag(fs)
			note = fs.String("note", "", "decision grounds, `TEXT`")
			upheld = fs.Bool("upheld", false, "the result stands (维持)")
			corrected = fs.Bool("corrected", false, "the result was wrong and is corrected (更正)")
			bookPath = fs.String("book", "", "book `FILE` (with --corrected)")
			ringPath = fs.String("keyring", "", "keyring `FILE` (with --corrected)")
			keyPath = fs.String("key", "", "principal head's key `FILE` (with --corrected, or --signed)")
			signedPath = fs.String("signed", "", "signed correction `FILE` (with --corrected, or --key)")
			reason = fs.String("reason", "", "correction `REASON` (with --corrected --key)")
			required(fs, "note")
		case "feedback":
			note = fs.String("note", "", "feedback content, `TEXT`")
			required(fs, "note")
		}
		return func(args []string) int {
			return revRun(e, verb, p, regPath, trailPath, by, id, note, bookPath, resultID, applicant, grounds,
				upheld, corrected, ringPath, keyPath, signedPath, reason, *calFile)
		}
	}
}

func revRun(e *env, verb string, p *pubFlags, regPath, trailPath, by, id, note, bookPath, resultID, applicant, grounds *string,
	upheld, corrected *bool, ringPath, keyPath, signedPath, reason *string, calFile string) int {
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
	cal, err := loadCalendar(calFile)
	if err != nil {
		return inputError(e, fmt.Errorf("review %s: %w", verb, err))
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
					return trail.Entry{}, unreadable{err}
				}
				ring, err := pubLoadKeyring(*ringPath)
				if err != nil {
					return trail.Entry{}, unreadable{err}
				}
				sc, err := revCorrection(*keyPath, *signedPath, p.fs.Arg(0), *reason, book, o, at)
				if err != nil {
					return trail.Entry{}, unreadable{err}
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
	if errors.As(err, new(unreadable)) {
		return inputError(e, fmt.Errorf("review %s: %w", verb, err))
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "ssj: review %s: %v\n", verb, calendarHint(err))
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

func revStatus(e *env, fs *pflag.FlagSet) func([]string) int {
	p := newPubFlags(fs)
	regPath := p.fs.String("objections", "", "objection register `FILE`")
	today := p.fs.String("today", "", "date to judge deadlines on, `YYYY-MM-DD` (default today in China)")
	asJSON := p.fs.Bool("json", false, "print JSON")
	calFile := calendarFlag(fs)
	required(fs, "objections")
	return func([]string) int { return revStatusRun(e, p, regPath, today, asJSON, *calFile) }
}

func revStatusRun(e *env, p *pubFlags, regPath, today *string, asJSON *bool, calFile string) int {
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
	cal, err := loadCalendar(calFile)
	if err != nil {
		return inputError(e, fmt.Errorf("review status: %w", err))
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
