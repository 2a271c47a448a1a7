package workday

import (
	"errors"
	"fmt"
	"time"
)

// ErrBadDeadline is wrapped by errors about a deadline rule or warning
// window that cannot be applied (a negative number of working days).
var ErrBadDeadline = errors.New("workday: bad deadline")

// Working-day counts for the publication deadline (rule R26). The seed
// bureau's guideline (001 第二十一条) says 2; national practice for
// 双随机、一公开 results is 20. A bureau chooses its own with PublicationDue.
const (
	SeedBureauPublicationWorkdays = 2
	NationalPublicationWorkdays   = 20
)

// Deadline is a statutory time limit counted in working days (工作日) from a
// start date that is itself not counted: the deadline is the Workdays-th
// working day after the start (see Calendar.Due). It is a plain value so a
// bureau can configure its own.
type Deadline struct {
	// Name says what must be done by the deadline, for messages.
	Name string `json:"name"`
	// Workdays is the number of working days allowed; 0 means the start
	// date itself.
	Workdays int `json:"workdays"`
}

// PublicationDue is the rule that inspection results are entered and
// published (结果公示) within n working days after the task ends. Rule R26:
// the seed bureau uses SeedBureauPublicationWorkdays (2); national practice
// is NationalPublicationWorkdays (20).
func PublicationDue(n int) Deadline {
	return Deadline{Name: fmt.Sprintf("publish results (结果公示) within %d working days after the task ends", n), Workdays: n}
}

// ReviewDue is the rule that an objection (异议) is reviewed within 20
// working days of receiving it. Rule R28.
func ReviewDue() Deadline {
	return Deadline{Name: "review the objection (异议复核) within 20 working days of receipt", Workdays: 20}
}

// FeedbackDue is the rule that the entity is told the review outcome within
// 15 working days after the review decision. Rule R28.
func FeedbackDue() Deadline {
	return Deadline{Name: "tell the entity the review outcome within 15 working days of the decision", Workdays: 15}
}

// String returns the rule's name and length.
func (dl Deadline) String() string {
	return fmt.Sprintf("%s (%d working days)", dl.Name, dl.Workdays)
}

// Due returns the last day on which dl is met when counting starts at
// start: the dl.Workdays-th working day after start (start not counted).
// A task ending on Friday 2025-09-26 with PublicationDue(2) is due on
// Monday 2025-09-29: Sunday 2025-09-28 is a make-up working day (调休上班)
// before 国庆节 and counts as the first of the two.
func (c *Calendar) Due(start Date, dl Deadline) (Date, error) {
	if dl.Workdays < 0 {
		return Date{}, fmt.Errorf("%w: %q has %d working days", ErrBadDeadline, dl.Name, dl.Workdays)
	}
	d, err := c.AddWorkdays(start, dl.Workdays)
	if err != nil {
		return Date{}, fmt.Errorf("deadline %q from %s: %w", dl.Name, start, err)
	}
	return d, nil
}

// State is where a deadline stands at an instant.
type State int

// The deadline states.
const (
	// NotYetDue (未到期): more than the warning window of working days
	// remains.
	NotYetDue State = iota + 1
	// DueSoon (超期预警): the due date is today or within the warning
	// window; Status.Workdays working days remain (0 = due today).
	DueSoon
	// Overdue (已超期): the due date has passed; Status.Workdays working
	// days have passed since it (0 when only days off have passed).
	Overdue
)

// String returns "not yet due", "due soon" or "overdue".
func (s State) String() string {
	switch s {
	case NotYetDue:
		return "not yet due"
	case DueSoon:
		return "due soon"
	case Overdue:
		return "overdue"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// MarshalText encodes the state as its String form.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Status is a deadline's standing on a given day.
type Status struct {
	State State `json:"state"`
	// Due is the last day on which the deadline is met.
	Due Date `json:"due"`
	// Today is the civil date in China of the instant asked about.
	Today Date `json:"today"`
	// Workdays is the number of working days remaining, in (Today, Due],
	// for NotYetDue and DueSoon; the number elapsed since the due date, in
	// (Due, Today], for Overdue.
	Workdays int `json:"workdays"`
}

// String describes the status for a person, e.g. "due in 2 working days
// (2025-09-30)", "due today (2025-09-30)", "overdue by 3 working days
// (due 2025-09-30)".
func (s Status) String() string {
	switch s.State {
	case NotYetDue:
		return fmt.Sprintf("not yet due: %s, %s left", s.Due, plural(s.Workdays))
	case DueSoon:
		if s.Workdays == 0 {
			return fmt.Sprintf("due today (%s)", s.Due)
		}
		return fmt.Sprintf("due in %s (%s)", plural(s.Workdays), s.Due)
	case Overdue:
		return fmt.Sprintf("overdue by %s (due %s)", plural(s.Workdays), s.Due)
	}
	return s.State.String()
}

func plural(n int) string {
	if n == 1 {
		return "1 working day"
	}
	return fmt.Sprintf("%d working days", n)
}

// StatusAt returns where a deadline due on due stands at instant now (read
// as a civil date in China, see DateOf). A deadline is met until the end of
// its due day. warn is the warning window (超期预警) in working days: with
// warn = 3 the status turns DueSoon when 3 or fewer working days remain.
// It fails with a *NoDataError if the years between now and due are not
// loaded.
func (c *Calendar) StatusAt(due Date, now time.Time, warn int) (Status, error) {
	if warn < 0 {
		return Status{}, fmt.Errorf("%w: warning window %d working days is negative", ErrBadDeadline, warn)
	}
	today := DateOf(now)
	n, err := c.WorkdaysBetween(today, due)
	if err != nil {
		return Status{}, err
	}
	st := Status{Due: due, Today: today}
	switch {
	case today.After(due):
		st.State, st.Workdays = Overdue, -n
	case n <= warn:
		st.State, st.Workdays = DueSoon, n
	default:
		st.State, st.Workdays = NotYetDue, n
	}
	return st, nil
}
