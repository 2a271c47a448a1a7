package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/review"
	"github.com/shuangsuiji/ssj/workday"
)

func init() {
	step := func(v, short, example string) verb {
		return verb{Use: v, Short: short, Example: example, Setup: revVerb(v)}
	}
	receive := step("receive", "register an objection to a published result (受理)",
		"  ssj review receive --store ssj.db --as 窗口 --id YY-1 --result R-1 --applicant 某公司 \\\n      --grounds 结论有误 --at 2026-10-12T09:00:00+08:00")
	start := step("start", "start the review (复核)",
		"  ssj review start --store ssj.db --as 复核员 --id YY-1")
	decide := step("decide [CORRECTED.json]", "record the decision: --upheld, or --corrected with a signed correction",
		"  ssj review decide --store ssj.db --as 复核员 --id YY-1 --upheld --note 维持")
	decide.Long = `Records the decision. A correction goes through the signed-correction path
of ssj publish correct (origin objection:ID), in the same transaction as the
decision, and is refused without the principal head's valid signature (the
refusal is traced, R31):
  --upheld
  --corrected --keyring RING (--key KEY.json --reason R CORRECTED.json | --signed SIGNED.json)`
	feedback := step("feedback", "record that the applicant was told the outcome (反馈)",
		"  ssj review feedback --store ssj.db --as 复核员 --id YY-1 --note 已电话告知")
	status := verb{Use: "status", Short: "each objection's state, deadlines and standing; exit 1 if any is overdue",
		Long: `Each objection's state, deadlines and standing; exit 1 if any is overdue. From
the store, standings are judged on today's date by the clock (R28); with
--objections FILE (from ssj publish export) on --today.`,
		Example: "  ssj review status --store ssj.db\n  ssj review status --objections export/objections.json --today 2026-11-20", Setup: revStatus}
	registerNoun(noun{Name: "review", Short: "handle objections to published results (异议复核, R28)", Long: reviewLong,
		Verbs: []verb{receive, start, decide, feedback, status}})
}

const reviewLong = `Objections to published results (异议复核, R28), through the office on the
store given by --store (default $SSJ_STORE, else ssj.db): each step is
checked, stored and traced in one transaction. Review is due 20 working days
after receipt, feedback 15 working days after the decision (R28), counted
from the recorded dates. --at RFC 3339 (default now) is when the step is
taken; its date is the date of --at in China. --as names who takes it (--by
is the same).`

func revVerb(use string) func(e *env, fs *pflag.FlagSet) func([]string) int {
	verb, _, _ := strings.Cut(use, " ")
	return func(e *env, fs *pflag.FlagSet) func([]string) int {
		c := newStepCLI(e, fs)
		id := fs.String("id", "", "objection `ID`")
		required(fs, "id")
		goneFlags(fs, c.gone, goneStore, "objections", "trail")
		goneFlags(fs, c.gone, goneOn, "on")
		none, noBool := "", false
		note, resultID, applicant, grounds := &none, &none, &none, &none
		upheld, corrected := &noBool, &noBool
		ringPath, keyPath, signedPath, reason := &none, &none, &none, &none
		switch verb {
		case "receive":
			resultID = fs.String("result", "", "disputed result `ID`")
			applicant = fs.String("applicant", "", "applicant (申请人)")
			grounds = fs.String("grounds", "", "grounds of the objection")
			required(fs, "result", "applicant", "grounds")
			goneFlags(fs, c.gone, goneStore, "book")
		case "decide":
			note = fs.String("note", "", "decision grounds")
			upheld = fs.Bool("upheld", false, "the result stands (维持)")
			corrected = fs.Bool("corrected", false, "the result was wrong and is corrected (更正)")
			ringPath = fs.String("keyring", "", "keyring `FILE` (with --corrected)")
			keyPath = fs.String("key", "", "principal head's key `FILE` (with --corrected, or --signed)")
			signedPath = fs.String("signed", "", "signed correction `FILE` (with --corrected, or --key)")
			reason = fs.String("reason", "", "correction `REASON` (with --corrected --key)")
			required(fs, "note")
			goneFlags(fs, c.gone, goneStore, "book")
		case "feedback":
			note = fs.String("note", "", "feedback content, `TEXT`")
			required(fs, "note")
		}
		return func(args []string) int {
			what := "review " + verb
			if code, bad := refuseGone(e, fs, c.gone, what); bad {
				return code
			}
			if *id == "" {
				return usageError(e, "%s: --id is required", what)
			}
			maxArgs := 0
			if verb == "decide" && *keyPath != "" {
				maxArgs = 1
			}
			if len(args) > maxArgs {
				return usageError(e, "%s: unexpected argument %q", what, args[maxArgs])
			}
			var opt officeOptions
			switch verb {
			case "receive":
				if *resultID == "" || *applicant == "" || *grounds == "" {
					return usageError(e, "review receive: --result, --applicant and --grounds are required")
				}
			case "decide":
				if *upheld == *corrected || *note == "" {
					return usageError(e, "review decide: exactly one of --upheld or --corrected, and --note, are required")
				}
				if *corrected {
					if *ringPath == "" || (*keyPath == "") == (*signedPath == "") {
						return usageError(e, "review decide: --corrected needs --keyring and one of --key or --signed")
					}
					if *keyPath != "" && (*reason == "" || len(args) != 1) {
						return usageError(e, "review decide: --corrected --key needs --reason and one CORRECTED.json")
					}
					ring, err := pubLoadKeyring(*ringPath)
					if err != nil {
						return inputError(e, fmt.Errorf("%s: %w", what, err))
					}
					opt.keyring = &ring
				}
			case "feedback":
				if *note == "" {
					return usageError(e, "review feedback: --note is required")
				}
			}
			o, step, done, code := c.begin(e, what, opt)
			if o == nil {
				return code
			}
			defer done()
			ctx := context.Background()
			var err error
			switch verb {
			case "receive":
				var ob review.Objection
				ob, err = o.ReceiveObjection(ctx, step, office.ObjectionReceipt{ID: *id, ResultID: *resultID, Applicant: *applicant, Grounds: *grounds})
				if err == nil {
					fmt.Fprintf(e.stdout, "received %s against %s on %s; review due %s\n", ob.ID, ob.ResultID, ob.Received, ob.ReviewDue)
				}
			case "start":
				if err = o.StartReview(ctx, step, *id); err == nil {
					ob, gerr := o.Objection(ctx, *id)
					if gerr != nil {
						return officeError(e, what, gerr)
					}
					fmt.Fprintf(e.stdout, "review of %s started; due %s\n", ob.ID, ob.ReviewDue)
				}
			case "decide":
				d := office.ObjectionDecision{Decision: review.DecisionUpheld, Note: *note}
				if *corrected {
					d.Decision = review.DecisionCorrected
					sc, cerr := revCorrection(ctx, o, step, *id, *keyPath, *signedPath, args, *reason)
					if cerr != nil {
						return pubCorrectError(e, what, cerr)
					}
					d.Correction = &sc
				}
				if err = o.DecideObjection(ctx, step, *id, d); err == nil {
					ob, gerr := o.Objection(ctx, *id)
					if gerr != nil {
						return officeError(e, what, gerr)
					}
					fmt.Fprintf(e.stdout, "decided %s: %s; feedback due %s\n", ob.ID, ob.Decision, ob.FeedbackDue)
				}
			case "feedback":
				if err = o.SendFeedback(ctx, step, *id, *note); err == nil {
					fmt.Fprintf(e.stdout, "feedback on %s sent\n", *id)
				}
			}
			if err != nil {
				return officeError(e, what, err)
			}
			return exitOK
		}
	}
}

// revCorrection signs a correction arising from an objection (drafted
// against the disputed result's current version), or reads one already
// signed.
func revCorrection(ctx context.Context, o *office.Office, step office.Step, id, keyPath, signedPath string, args []string, reason string) (publish.SignedCorrection, error) {
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
	at := step.At
	if at.IsZero() {
		at = time.Now()
	}
	return pubSignCorrection(ctx, o, keyPath, args[0], reason, "objection:"+id, "", at)
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
	store := storeFlag(e, fs)
	regPath := fs.String("objections", "", "read an exported objection register `FILE` (ssj publish export) instead of the store")
	today := fs.String("today", "", "with --objections: the date to judge deadlines on, `YYYY-MM-DD` (default today in China)")
	asJSON := fs.Bool("json", false, "print JSON")
	calFile := calendarFlag(fs)
	return func(args []string) int {
		if len(args) > 0 {
			return usageError(e, "review status: no arguments")
		}
		if *today != "" && *regPath == "" {
			return usageError(e, "review status: --today is only for --objections files: the store judges deadlines from the recorded dates and the clock (R28)")
		}
		day, err := pubParseToday(*today)
		if err != nil {
			return usageError(e, "review status: %v", err)
		}
		cal, err := loadCalendar(*calFile)
		if err != nil {
			return inputError(e, fmt.Errorf("review status: %w", err))
		}
		var obs []review.Objection
		if *regPath != "" {
			reg, err := pubLoadRegister(*regPath, false)
			if err != nil {
				return inputError(e, fmt.Errorf("review status: %w", err))
			}
			obs = reg.Objections
		} else {
			o, st, err := openOffice(e, *store, officeOptions{calendar: *calFile})
			if err != nil {
				return inputError(e, fmt.Errorf("review status: %w", err))
			}
			defer st.Close()
			if obs, err = o.Objections(context.Background()); err != nil {
				return officeError(e, "review status", err)
			}
			day = o.Today()
		}
		var rows []revRow
		overdue := 0
		for _, o := range obs {
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
			if rows == nil {
				rows = []revRow{}
			}
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
}
