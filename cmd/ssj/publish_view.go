package main

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/trail"
	"github.com/shuangsuiji/ssj/workday"
)

type pubStatusRow struct {
	ID       string                 `json:"id"`
	State    publish.State          `json:"state"`
	Due      workday.Date           `json:"due"`
	Status   publish.DeadlineStatus `json:"status"`
	Versions int                    `json:"versions"`
}

func pubStatus(e *env, fs *pflag.FlagSet) func([]string) int {
	p := newPubFlags(fs)
	bookPath := p.fs.String("book", "", "book `FILE`")
	today := p.fs.String("today", "", "date to judge deadlines on, `YYYY-MM-DD` (default today in China)")
	asJSON := p.fs.Bool("json", false, "print JSON")
	calFile := calendarFlag(fs)
	ringPath := p.fs.String("keyring", "", "also re-verify every correction's signature against this keyring `FILE` (exit 1 if one fails)")
	required(fs, "book")
	return func(args []string) int {
		if *bookPath == "" || p.fs.NArg() > 0 {
			return usageError(e, "publish status: --book is required, no arguments")
		}
		day, err := pubParseToday(*today)
		if err != nil {
			return usageError(e, "publish status: %v", err)
		}
		book, err := pubLoadBook(*bookPath, "")
		if err != nil {
			return inputError(e, fmt.Errorf("publish status: %w", err))
		}
		// Every input is read before anything is printed.
		var ring *publish.Keyring
		if *ringPath != "" {
			r, err := pubLoadKeyring(*ringPath)
			if err != nil {
				return inputError(e, fmt.Errorf("publish status: %w", err))
			}
			ring = &r
		}
		cal, err := loadCalendar(*calFile)
		if err != nil {
			return inputError(e, err)
		}
		var rows []pubStatusRow
		overdue := 0
		for _, en := range book.Entries {
			st, err := book.Status(en, cal, day)
			if err != nil {
				return inputError(e, fmt.Errorf("publish status: %w", err))
			}
			if st == publish.Overdue {
				overdue++
			}
			rows = append(rows, pubStatusRow{ID: en.ID, State: en.State, Due: en.Due, Status: st, Versions: len(en.Versions)})
		}
		if *asJSON {
			writeJSON(e.stdout, rows)
		} else {
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "RESULT\tSTATE\tDUE\tSTATUS\tVERSIONS")
			for _, r := range rows {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", r.ID, r.State, r.Due, r.Status, r.Versions)
			}
			tw.Flush()
			fmt.Fprintf(e.stdout, "%d results as of %s, %d overdue\n", len(rows), day, overdue)
		}
		if ring != nil {
			if err := book.VerifyCorrections(*ring); err != nil {
				fmt.Fprintf(e.stderr, "ssj: publish status: corrections do NOT verify: %v\n", err)
				return exitProblem
			}
			fmt.Fprintln(e.stdout, "every correction is signed by the executing unit's principal head")
		}
		return exitOK
	}
}

func pubView(e *env, fs *pflag.FlagSet) func([]string) int {
	p := newPubFlags(fs)
	bookPath := p.fs.String("book", "", "book `FILE`")
	format := p.fs.String("format", "json", "output `FORMAT`: json, csv or xlsx")
	out := p.fs.String("out", "", "output `FILE` (default stdout; required for xlsx)")
	history := p.fs.String("history", "", "show every version of this result `ID`")
	unmasked := p.fs.Bool("unmasked", false, "show inspectors' names and certificates in full (not for publication)")
	required(fs, "book")
	return func(args []string) int {
		if *bookPath == "" || p.fs.NArg() > 0 {
			return usageError(e, "publish view: --book is required, no arguments")
		}
		if *format == "xlsx" && *out == "" {
			return usageError(e, "publish view: --format xlsx needs --out FILE")
		}
		book, err := pubLoadBook(*bookPath, "")
		if err != nil {
			return inputError(e, fmt.Errorf("publish view: %w", err))
		}
		opts := publish.ViewOptions{Unmasked: *unmasked}
		recs := book.PublicView(opts)
		if *history != "" {
			recs, err = book.PublicHistory(*history, opts)
			if err != nil {
				return inputError(e, fmt.Errorf("publish view: %w", err))
			}
		}
		var buf bytes.Buffer
		switch *format {
		case "json":
			err = writeJSON(&buf, recs)
		case "csv":
			err = publish.WriteCSV(&buf, recs)
		case "xlsx":
			err = publish.WriteXLSX(&buf, recs)
		default:
			return usageError(e, "publish view: --format %q: want json, csv or xlsx", *format)
		}
		if err != nil {
			return inputError(e, err)
		}
		return pubEmit(e, *out, buf.Bytes())
	}
}

func pubEmit(e *env, out string, data []byte) int {
	if out == "" {
		e.stdout.Write(data)
		return exitOK
	}
	if err := pubWriteFileAtomic(out, data, 0o644); err != nil {
		return inputError(e, err)
	}
	return exitOK
}

// pubDrawn collects repeated --drawn TASK/DEPT=N flags.
type pubDrawn []publish.DrawnCount

func (d *pubDrawn) String() string { return fmt.Sprint(*d) }

// Type names the value in help text.
func (d *pubDrawn) Type() string { return "TASK/DEPARTMENT=N" }
func (d *pubDrawn) Set(v string) error {
	key, n, ok := strings.Cut(v, "=")
	task, dept, ok2 := strings.Cut(key, "/")
	num, err := strconv.Atoi(n)
	if !ok || !ok2 || err != nil || num < 0 || task == "" || dept == "" {
		return fmt.Errorf("%q: want TASK/DEPARTMENT=N", v)
	}
	*d = append(*d, publish.DrawnCount{TaskNo: task, Department: dept, N: num})
	return nil
}

func pubReport(e *env, fs *pflag.FlagSet) func([]string) int {
	p := newPubFlags(fs)
	bookPath := p.fs.String("book", "", "book `FILE`")
	regPath := p.fs.String("objections", "", "objection register `FILE` (from ssj review) to count objections")
	today := p.fs.String("today", "", "date of the report, `YYYY-MM-DD` (default today in China)")
	asJSON := p.fs.Bool("json", false, "print JSON instead of Markdown")
	calFile := calendarFlag(fs)
	var drawn pubDrawn
	p.fs.Var(&drawn, "drawn", "targets drawn: TASK/DEPARTMENT=N (repeatable; from the draw record)")
	required(fs, "book")
	return func(args []string) int {
		if *bookPath == "" || p.fs.NArg() > 0 {
			return usageError(e, "publish report: --book is required, no arguments")
		}
		day, err := pubParseToday(*today)
		if err != nil {
			return usageError(e, "publish report: %v", err)
		}
		book, err := pubLoadBook(*bookPath, "")
		if err != nil {
			return inputError(e, fmt.Errorf("publish report: %w", err))
		}
		in := publish.SummaryInput{Drawn: drawn}
		if *regPath != "" {
			reg, err := pubLoadRegister(*regPath, false)
			if err != nil {
				return inputError(e, fmt.Errorf("publish report: %w", err))
			}
			in.ObjectionResults = reg.ResultIDs()
		}
		cal, err := loadCalendar(*calFile)
		if err != nil {
			return inputError(e, err)
		}
		sum, err := book.Summarize(cal, day, in)
		if err != nil {
			return inputError(e, fmt.Errorf("publish report: %w", err))
		}
		if *asJSON {
			writeJSON(e.stdout, sum)
		} else {
			io.WriteString(e.stdout, sum.Markdown())
		}
		return exitOK
	}
}

func pubAnnounce(e *env, fs *pflag.FlagSet) func([]string) int {
	p := newPubFlags(fs)
	p.withClock()
	trailPath := p.fs.String("trail", "", "trail `FILE` to record the announcement in (with --by)")
	by := p.fs.String("by", "", "who publishes the announcement, a `NAME` (with --trail)")
	bookPath := p.fs.String("book", "", "book `FILE` (required for results)")
	task := p.fs.String("task", "", "task number `TASKNO` (required for results)")
	issuer := p.fs.String("issuer", "", "issuing `AGENCY` (results; default the results' agency)")
	asJSON := p.fs.Bool("json", false, "print the document as JSON (content, hash, text)")
	return func(args []string) int {
		if p.fs.NArg() < 1 {
			return usageError(e, "publish announce: want checklist, plan, task or results")
		}
		if (*trailPath == "") != (*by == "") {
			return usageError(e, "publish announce: --trail and --by go together")
		}
		at, on, err := p.clock.resolve()
		if err != nil {
			return usageError(e, "publish announce: %v", err)
		}
		kind := p.fs.Arg(0)
		var doc publish.Document
		var tkind trail.Kind
		subject := ""
		if kind == "results" {
			if *bookPath == "" || *task == "" || p.fs.NArg() != 1 {
				return usageError(e, "publish announce results: --book and --task are required, no file")
			}
			book, err := pubLoadBook(*bookPath, "")
			if err != nil {
				return inputError(e, fmt.Errorf("publish announce: %w", err))
			}
			var recs []publish.PublicRecord
			for _, r := range book.PublicView(publish.ViewOptions{}) {
				if r.TaskNo == *task {
					recs = append(recs, r)
				}
			}
			if len(recs) == 0 {
				return inputError(e, fmt.Errorf("publish announce: no published results of task %q in %s", *task, *bookPath))
			}
			iss := *issuer
			if iss == "" {
				iss = recs[0].Agency
			}
			doc, err = publish.AnnounceResults(publish.ResultsNotice{Issuer: iss, Date: on, TaskNo: *task, Records: recs})
			if err != nil {
				return inputError(e, err)
			}
			tkind, subject = trail.AnnouncementPublished, *task
		} else {
			if p.fs.NArg() != 2 {
				return usageError(e, "publish announce %s: want one NOTICE.json", kind)
			}
			path := p.fs.Arg(1)
			switch kind {
			case "checklist":
				var n publish.ChecklistNotice
				if err = pubDecodeJSONFile(path, &n); err == nil {
					doc, err = publish.AnnounceChecklist(n)
					err = inFile(path, err)
				}
				tkind, subject = trail.ChecklistAnnounced, n.Version
			case "plan":
				var n publish.PlanNotice
				if err = pubDecodeJSONFile(path, &n); err == nil {
					doc, err = publish.AnnouncePlan(n)
					err = inFile(path, err)
				}
				tkind, subject = trail.PlanPublished, fmt.Sprintf("%d %s", n.Year, n.Version)
			case "task":
				var n publish.TaskNotice
				if err = pubDecodeJSONFile(path, &n); err == nil {
					doc, err = publish.AnnounceTask(n)
					err = inFile(path, err)
				}
				tkind, subject = trail.AnnouncementPublished, n.TaskNo
			default:
				return usageError(e, "publish announce: unknown kind %q (want checklist, plan, task or results)", kind)
			}
			if err != nil {
				return inputError(e, fmt.Errorf("publish announce %s: %w", kind, err))
			}
		}
		if *trailPath != "" {
			tr, err := trailOpen(*trailPath)
			if err != nil {
				return trailOpenError(e, err)
			}
			if err := tr.add(trail.Entry{Kind: tkind, Actor: *by, Time: at, Subject: subject,
				Data: map[string]string{"document": string(doc.Kind), "title": doc.Title, "content_hash": doc.ContentHash}}); err != nil {
				return inputError(e, err)
			}
			if err := tr.flush(); err != nil {
				return inputError(e, err)
			}
		}
		if *asJSON {
			writeJSON(e.stdout, doc)
		} else {
			io.WriteString(e.stdout, doc.Text)
		}
		return exitOK
	}
}

// inFile prefixes a non-nil err about the content of a file with its path.
func inFile(path string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", path, err)
}
