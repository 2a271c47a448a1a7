package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/workday"
)

type pubStatusRow struct {
	ID       string                 `json:"id"`
	State    publish.State          `json:"state"`
	Due      workday.Date           `json:"due"`
	Status   publish.DeadlineStatus `json:"status"`
	Versions int                    `json:"versions"`
}

// pubSource is where a read-only publish verb reads the results: the
// store (default), or an exported book file given by --book.
type pubSource struct {
	e                     *env
	store, book, calendar *string
}

func pubSourceFlags(e *env, fs *pflag.FlagSet) pubSource {
	return pubSource{e: e, store: storeFlag(e, fs), book: fs.String("book", "", "read an exported book `FILE` (ssj publish export) instead of the store"),
		calendar: calendarFlag(fs)}
}

// load returns the book, and the office when it came from the store (the
// caller closes it with done).
func (s pubSource) load(what string) (*publish.Book, *office.Office, func(), error) {
	if *s.book != "" {
		b, err := pubLoadBook(*s.book, "")
		return b, nil, func() {}, err
	}
	o, st, err := openOffice(s.e, *s.store, officeOptions{calendar: *s.calendar})
	if err != nil {
		return nil, nil, nil, err
	}
	b, err := o.Book(context.Background())
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	return b, o, func() { st.Close() }, nil
}

func pubStatus(e *env, fs *pflag.FlagSet) func([]string) int {
	src := pubSourceFlags(e, fs)
	today := fs.String("today", "", "with --book: the date to judge deadlines on, `YYYY-MM-DD` (default today in China)")
	asJSON := fs.Bool("json", false, "print JSON")
	ringPath := fs.String("keyring", "", "also re-verify every correction's signature against this keyring `FILE` (exit 1 if one fails)")
	return func(args []string) int {
		if len(args) > 0 {
			return usageError(e, "publish status: no arguments")
		}
		if *today != "" && *src.book == "" {
			return usageError(e, "publish status: --today is only for --book files: the store judges deadlines from the recorded dates and the clock (R26)")
		}
		day, err := pubParseToday(*today)
		if err != nil {
			return usageError(e, "publish status: %v", err)
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
		book, o, done, err := src.load("publish status")
		if err != nil {
			return officeError(e, "publish status", err)
		}
		defer done()
		cal, err := loadCalendar(*src.calendar)
		if err != nil {
			return inputError(e, err)
		}
		if o != nil {
			day = o.Today()
		}
		var rows []pubStatusRow
		overdue := 0
		for _, en := range book.Entries {
			var st publish.DeadlineStatus
			if o != nil {
				st, err = o.ResultStatus(context.Background(), en.ID)
			} else {
				st, err = book.Status(en, cal, day)
			}
			if err != nil {
				return inputError(e, fmt.Errorf("publish status: %w", err))
			}
			if st == publish.Overdue {
				overdue++
			}
			rows = append(rows, pubStatusRow{ID: en.ID, State: en.State, Due: en.Due, Status: st, Versions: len(en.Versions)})
		}
		if *asJSON {
			if rows == nil {
				rows = []pubStatusRow{}
			}
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
	src := pubSourceFlags(e, fs)
	format := fs.String("format", "json", "output `FORMAT`: json, csv or xlsx")
	out := fs.String("out", "", "output `FILE` (default stdout; required for xlsx)")
	history := fs.String("history", "", "show every version of this result `ID`")
	unmasked := fs.Bool("unmasked", false, "show inspectors' names and certificates in full (not for publication)")
	return func(args []string) int {
		if len(args) > 0 {
			return usageError(e, "publish view: no arguments")
		}
		if *format == "xlsx" && *out == "" {
			return usageError(e, "publish view: --format xlsx needs --out FILE")
		}
		book, _, done, err := src.load("publish view")
		if err != nil {
			return officeError(e, "publish view", err)
		}
		defer done()
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
	src := pubSourceFlags(e, fs)
	sf := stepFlagsOn(fs)
	byAlias(fs, sf)
	id := fs.String("id", "", "the report's `ID` in the store (default: the step's date)")
	regPath := fs.String("objections", "", "with --book: objection register `FILE` (from ssj publish export) to count objections")
	today := fs.String("today", "", "with --book: date of the report, `YYYY-MM-DD` (default today in China)")
	asJSON := fs.Bool("json", false, "print JSON instead of Markdown")
	var drawn pubDrawn
	fs.Var(&drawn, "drawn", "with --book: targets drawn: TASK/DEPARTMENT=N (repeatable; from the draw record)")
	return func(args []string) int {
		if len(args) > 0 {
			return usageError(e, "publish report: no arguments")
		}
		var sum publish.Summary
		if *src.book == "" {
			for _, n := range []string{"objections", "today", "drawn"} {
				if fs.Changed(n) {
					return usageError(e, "publish report: --%s is only for --book files: the store's report counts its own draws and objections as of the step's date (R25)", n)
				}
			}
			step, err := sf.step()
			if err != nil {
				return usageError(e, "publish report: %v", err)
			}
			o, st, err := openOffice(e, *src.store, officeOptions{calendar: *src.calendar})
			if err != nil {
				return inputError(e, fmt.Errorf("publish report: %w", err))
			}
			defer st.Close()
			rid := *id
			if rid == "" {
				at := step.At
				if at.IsZero() {
					at = time.Now()
				}
				rid = workday.DateOf(at.In(workday.Shanghai())).String()
			}
			if sum, err = o.SummaryReport(context.Background(), step, rid); err != nil {
				return officeError(e, "publish report "+rid, err)
			}
		} else {
			for _, n := range []string{"id", "as", "by", "at", "unit"} {
				if fs.Changed(n) {
					return usageError(e, "publish report: --%s is for the store's report step, not for --book files", n)
				}
			}
			day, err := pubParseToday(*today)
			if err != nil {
				return usageError(e, "publish report: %v", err)
			}
			book, err := pubLoadBook(*src.book, "")
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
			cal, err := loadCalendar(*src.calendar)
			if err != nil {
				return inputError(e, err)
			}
			if sum, err = book.Summarize(cal, day, in); err != nil {
				return inputError(e, fmt.Errorf("publish report: %w", err))
			}
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
	store := storeFlag(e, fs)
	bookPath := fs.String("book", "", "with results: read an exported book `FILE` instead of the store")
	task := fs.String("task", "", "task number `TASKNO` (required for results)")
	issuer := fs.String("issuer", "", "issuing agency (results; default the results' agency)")
	date := fs.String("date", "", "date of a results announcement, `YYYY-MM-DD` (default today in China)")
	asJSON := fs.Bool("json", false, "print the document as JSON (content, hash, text)")
	gone := map[string]string{}
	goneFlags(fs, gone, "is gone: announcements are traced by the office steps that make them (ssj checklist publish, ssj plan publish, ssj task dispatch, ssj publish release); announce only prints a document", "trail", "by")
	goneFlags(fs, gone, "is gone: use --date YYYY-MM-DD", "on", "at")
	return func(args []string) int {
		if code, bad := refuseGone(e, fs, gone, "publish announce"); bad {
			return code
		}
		if len(args) < 1 {
			return usageError(e, "publish announce: want checklist, plan, task or results")
		}
		kind := args[0]
		var doc publish.Document
		var err error
		if kind == "results" {
			if *task == "" || len(args) != 1 {
				return usageError(e, "publish announce results: --task is required, no file")
			}
			on := workday.DateOf(time.Now().In(workday.Shanghai()))
			if *date != "" {
				if on, err = workday.ParseDate(*date); err != nil {
					return usageError(e, "publish announce: --date %q: %v", *date, err)
				}
			}
			src := pubSource{e: e, store: store, book: bookPath, calendar: new(string)}
			book, _, done, err := src.load("publish announce")
			if err != nil {
				return officeError(e, "publish announce", err)
			}
			defer done()
			var recs []publish.PublicRecord
			for _, r := range book.PublicView(publish.ViewOptions{}) {
				if r.TaskNo == *task {
					recs = append(recs, r)
				}
			}
			if len(recs) == 0 {
				where := "the store"
				if *bookPath != "" {
					where = *bookPath
				}
				return inputError(e, fmt.Errorf("publish announce: no published results of task %q in %s", *task, where))
			}
			iss := *issuer
			if iss == "" {
				iss = recs[0].Agency
			}
			doc, err = publish.AnnounceResults(publish.ResultsNotice{Issuer: iss, Date: on, TaskNo: *task, Records: recs})
			if err != nil {
				return inputError(e, err)
			}
		} else {
			if len(args) != 2 {
				return usageError(e, "publish announce %s: want one NOTICE.json", kind)
			}
			path := args[1]
			switch kind {
			case "checklist":
				var n publish.ChecklistNotice
				if err = pubDecodeJSONFile(path, &n); err == nil {
					doc, err = publish.AnnounceChecklist(n)
					err = inFile(path, err)
				}
			case "plan":
				var n publish.PlanNotice
				if err = pubDecodeJSONFile(path, &n); err == nil {
					doc, err = publish.AnnouncePlan(n)
					err = inFile(path, err)
				}
			case "task":
				var n publish.TaskNotice
				if err = pubDecodeJSONFile(path, &n); err == nil {
					doc, err = publish.AnnounceTask(n)
					err = inFile(path, err)
				}
			default:
				return usageError(e, "publish announce: unknown kind %q (want checklist, plan, task or results)", kind)
			}
			if err != nil {
				return inputError(e, fmt.Errorf("publish announce %s: %w", kind, err))
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
