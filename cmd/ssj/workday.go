package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/workday"
)

func init() {
	registerNoun(noun{
		Name:  "workday",
		Short: "Chinese working days (工作日, 调休): is, add, between, years",
		Long:  workdayLong,
		Verbs: []verb{
			{Use: "is DATE", Short: `print "workday" or "off"`,
				Example: "  ssj workday is 2025-10-11", Setup: workdayVerb("is")},
			{Use: "add DATE N", Short: "print the N-th working day after DATE (DATE not counted; N may be negative)",
				Example: "  ssj workday add 2025-09-30 2\n  ssj workday add 2025-10-09 -1", Setup: workdayVerb("add")},
			{Use: "between A B", Short: "print the number of working days in (A, B]",
				Example: "  ssj workday between 2024-12-31 2025-12-31", Setup: workdayVerb("between")},
			{Use: "years", Short: "list the loaded years and their State Council notices",
				Example: "  ssj workday years --calendar 2027.json", Setup: workdayVerb("years")},
		},
	})
}

const workdayLong = `Working days as the State Council's annual notices define them (法定节假日
and 调休 make-up days). DATE is YYYY-MM-DD. Only years whose notice is loaded
can be computed: --calendar FILE merges next year's notice (same JSON form as
the embedded data).

Exit status: 0 ok, 1 a year without calendar data, 2 bad usage or unreadable input.`

// calendarFlag defines the shared --calendar flag.
func calendarFlag(fs *pflag.FlagSet) *string {
	return fs.String("calendar", "", "merge extra calendar data `FILE` (JSON, same form as the embedded data, e.g. next year's notice)")
}

func workdayVerb(verb string) func(e *env, fs *pflag.FlagSet) func([]string) int {
	return func(e *env, fs *pflag.FlagSet) func([]string) int {
		calFile := calendarFlag(fs)
		asJSON := jsonFlag(fs)
		return func(args []string) int { return runWorkday(e, verb, args, *calFile, *asJSON) }
	}
}

func runWorkday(e *env, verb string, pos []string, calFile string, asJSON bool) int {
	want := map[string]int{"is": 1, "add": 2, "between": 2, "years": 0}
	n := want[verb]
	if len(pos) != n {
		return usageError(e, "workday %s: want %d argument(s), got %d: %q", verb, n, len(pos), pos)
	}
	cal, code := loadWorkdayCalendar(e, calFile)
	if cal == nil {
		return code
	}
	dates := make([]workday.Date, 0, 2)
	for i, p := range pos {
		if verb == "add" && i == 1 {
			break
		}
		d, err := workday.ParseDate(p)
		if err != nil {
			return usageError(e, "workday %s: argument %d: %v", verb, i+1, err)
		}
		dates = append(dates, d)
	}
	switch verb {
	case "is":
		info, err := cal.Explain(dates[0])
		if err != nil {
			return workdayError(e, err)
		}
		if asJSON {
			return workdayWriteJSON(e, info)
		}
		if info.Workday {
			fmt.Fprintln(e.stdout, "workday")
		} else {
			fmt.Fprintln(e.stdout, "off")
		}
	case "add":
		k, err := strconv.Atoi(pos[1])
		if err != nil {
			return usageError(e, "workday add: argument 2: N %q is not an integer", pos[1])
		}
		got, err := cal.AddWorkdays(dates[0], k)
		if err != nil {
			return workdayError(e, err)
		}
		if asJSON {
			return workdayWriteJSON(e, struct {
				From     workday.Date `json:"from"`
				Workdays int          `json:"workdays"`
				Date     workday.Date `json:"date"`
			}{dates[0], k, got})
		}
		fmt.Fprintln(e.stdout, got)
	case "between":
		got, err := cal.WorkdaysBetween(dates[0], dates[1])
		if err != nil {
			return workdayError(e, err)
		}
		if asJSON {
			return workdayWriteJSON(e, struct {
				From     workday.Date `json:"from"`
				To       workday.Date `json:"to"`
				Workdays int          `json:"workdays"`
				Rule     string       `json:"rule"`
			}{dates[0], dates[1], got, "working days in (from, to]"})
		}
		fmt.Fprintln(e.stdout, got)
	case "years":
		type yearOut struct {
			Year     int              `json:"year"`
			Workdays int              `json:"workdays"`
			Notices  []workday.Notice `json:"notices"`
		}
		out := struct {
			Version string    `json:"version"`
			Years   []yearOut `json:"years"`
		}{Version: cal.Version()}
		for _, y := range cal.Years() {
			wd, err := cal.WorkdaysInYear(y)
			if err != nil {
				return workdayError(e, err)
			}
			ns, err := cal.Notices(y)
			if err != nil {
				return workdayError(e, err)
			}
			out.Years = append(out.Years, yearOut{y, wd, ns})
		}
		if asJSON {
			return workdayWriteJSON(e, out)
		}
		fmt.Fprintf(e.stdout, "calendar data version %s\n", out.Version)
		for _, y := range out.Years {
			fmt.Fprintf(e.stdout, "%d  %d working days\n", y.Year, y.Workdays)
			for _, n := range y.Notices {
				fmt.Fprintln(e.stdout, "     ", strings.Join(nonEmpty(n.Title, n.Number, "("+n.Issued.String()+")", n.URL), " "))
			}
		}
	}
	return exitOK
}

// loadWorkdayCalendar returns the embedded calendar, merged with file if
// one is given. On failure it has reported the problem and returns the
// exit code.
func loadWorkdayCalendar(e *env, file string) (*workday.Calendar, int) {
	cal, err := loadCalendar(file)
	if err != nil {
		return nil, inputError(e, fmt.Errorf("workday %w", err))
	}
	return cal, exitOK
}

// loadCalendar returns the embedded working-day calendar, merged with the
// calendar data in file when one is given (--calendar: next year's State
// Council notice, before a release of ssj embeds it).
func loadCalendar(file string) (*workday.Calendar, error) {
	ds, err := workday.Embedded()
	if err != nil {
		return nil, err
	}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("--calendar: %w", err)
		}
		extra, err := workday.Load(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("--calendar %s: %w", file, err)
		}
		ds, err = ds.Merge(extra)
		if err != nil {
			return nil, fmt.Errorf("--calendar %s: %w", file, err)
		}
	}
	cal, err := workday.New(ds)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	return cal, nil
}

// calendarHint tells how to load the missing year when err says a year
// has no calendar data (the computation fails closed).
func calendarHint(err error) error {
	var nd *workday.NoDataError
	if !errors.As(err, &nd) {
		return err
	}
	return fmt.Errorf("%w\n  load the %d calendar with --calendar FILE (the notice as JSON in the form of the embedded data; see ssj workday --help)", err, nd.Year)
}

// workdayError maps a computation error to an exit code: a year without
// data is a finding (1), anything else is bad input (2).
func workdayError(e *env, err error) int {
	fmt.Fprintf(e.stderr, "ssj: %v\n", calendarHint(err))
	if errors.Is(err, workday.ErrNoData) {
		return exitProblem
	}
	return exitUsage
}

func workdayWriteJSON(e *env, v any) int {
	if err := writeJSON(e.stdout, v); err != nil {
		fmt.Fprintf(e.stderr, "ssj: writing JSON: %v\n", err)
		return exitUsage
	}
	return exitOK
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
