package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

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
reports the first edited, deleted, inserted or reordered event.
Exit 0 verified, 1 a problem was found, 2 the file cannot be read.`,
				Example: "  ssj trail verify trail.jsonl --anchor 12:4f1c...", Setup: trailVerb("verify")},
			{Use: "show [FILE]", Short: "verify, then list the events (of FILE, or of the office store)",
				Long: `Verifies, then lists the events: seq, time (Beijing), step, actor, subject
and details.`,
				Example: "  ssj trail show trail.jsonl\n  ssj trail show --store ssj.db --json", Setup: trailVerb("show")},
			{Use: "head FILE", Short: "print the checkpoint SIZE:ROOT over all events, to publish as an anchor",
				Long: `Prints the checkpoint SIZE:ROOT over all events, to publish as an anchor
(then verify --anchor SIZE:ROOT detects any later rewrite or truncation).`,
				Example: "  ssj trail head trail.jsonl", Setup: trailVerb("head")},
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
		if verb == "show" {
			store = storeFlag(fs)
		}
		if verb == "verify" {
			fs.Var(&anch, "anchor", "an externally published checkpoint `SIZE:ROOT` the trail must match (repeatable)")
		}
		return func(args []string) int {
			if verb == "show" && len(args) == 0 { // the office store's trail
				return trailShowStore(e, *store, *asJSON)
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
