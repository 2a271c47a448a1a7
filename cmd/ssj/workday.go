package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/shuangsuiji/ssj/workday"
)

func init() {
	register("workday", "Chinese working days (工作日, 调休): is, add, between, years", runWorkday)
}

const workdayUsage = `usage:
  ssj workday is DATE          prints "workday" or "off"
  ssj workday add DATE N       prints the N-th working day after DATE (DATE not counted; N may be negative)
  ssj workday between A B      prints the number of working days in (A, B]
  ssj workday years            lists the loaded years and their State Council notices

flags (anywhere after the verb):
  --calendar FILE   merge extra calendar data (same JSON form as the embedded data, e.g. next year's notice)
  --json            machine-readable output

DATE is YYYY-MM-DD. Exit status: 0 ok, 1 a year without calendar data, 2 bad usage or unreadable input.`

func runWorkday(e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, workdayUsage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	verb := args[0]
	var calFile string
	var asJSON bool
	var pos []string
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "--json" || a == "-json":
			asJSON = true
		case a == "--calendar" || a == "-calendar":
			if i+1 >= len(rest) {
				return usageError(e, "workday: --calendar needs a FILE")
			}
			i++
			calFile = rest[i]
		case strings.HasPrefix(a, "--calendar="):
			calFile = strings.TrimPrefix(a, "--calendar=")
		case a == "--":
			pos = append(pos, rest[i+1:]...)
			i = len(rest)
		case strings.HasPrefix(a, "-") && !workdayIsInteger(a):
			return usageError(e, "workday: unknown flag %q\n\n%s", a, workdayUsage)
		default:
			pos = append(pos, a)
		}
	}
	want := map[string]int{"is": 1, "add": 2, "between": 2, "years": 0}
	n, ok := want[verb]
	if !ok {
		return usageError(e, "workday: unknown verb %q\n\n%s", verb, workdayUsage)
	}
	if len(pos) != n {
		return usageError(e, "workday %s: want %d argument(s), got %d: %q\n\n%s", verb, n, len(pos), pos, workdayUsage)
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

func workdayIsInteger(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// loadWorkdayCalendar returns the embedded calendar, merged with file if
// one is given. On failure it has reported the problem and returns the
// exit code.
func loadWorkdayCalendar(e *env, file string) (*workday.Calendar, int) {
	ds, err := workday.Embedded()
	if err != nil {
		fmt.Fprintf(e.stderr, "ssj: %v\n", err)
		return nil, exitUsage
	}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, inputError(e, fmt.Errorf("workday --calendar: %w", err))
		}
		extra, err := workday.Load(f)
		f.Close()
		if err != nil {
			return nil, inputError(e, fmt.Errorf("workday --calendar %s: %w", file, err))
		}
		ds, err = ds.Merge(extra)
		if err != nil {
			return nil, inputError(e, fmt.Errorf("workday --calendar %s: %w", file, err))
		}
	}
	cal, err := workday.New(ds)
	if err != nil {
		return nil, inputError(e, fmt.Errorf("workday: %w", err))
	}
	return cal, exitOK
}

// workdayError maps a computation error to an exit code: a year without
// data is a finding (1), anything else is bad input (2).
func workdayError(e *env, err error) int {
	fmt.Fprintf(e.stderr, "ssj: %v\n", err)
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
