package plan

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/shuangsuiji/ssj/internal/errlist"
)

// Reasons a plan, a history file or a check input is rejected. They are
// wrapped, so test with errors.Is; a FieldError or history RowError says
// where.
var (
	// ErrMissingField: a required field is empty.
	ErrMissingField = errors.New("missing field")
	// ErrBadValue: a field whose value is malformed or out of range.
	ErrBadValue = errors.New("bad value")
	// ErrBadDate: a date that is not YYYY-MM-DD, or a window that is reversed
	// or outside the plan year (rule R9).
	ErrBadDate = errors.New("bad date")
	// ErrDuplicate: a repeated task ID, department, item or class.
	ErrDuplicate = errors.New("duplicate")
	// ErrUnknownDepartment: a task naming a department the plan does not list.
	ErrUnknownDepartment = errors.New("department not in the plan")
	// ErrBadScope: a scope whose mode does not match its filters (定向 needs
	// at least one filter, 不定向 none).
	ErrBadScope = errors.New("bad scope")
	// ErrBadReason: a targeted inspection whose reason is not one of the
	// Reason constants (rule R13).
	ErrBadReason = errors.New("unknown targeted-inspection reason")
	// ErrBadResult: an inspection result that is not one of the Result constants.
	ErrBadResult = errors.New("unknown inspection result")
	// ErrBadFile: input that is not readable JSON or CSV.
	ErrBadFile = errors.New("unreadable file")
	// ErrBadHeader: a history header lacking a required column or repeating one.
	ErrBadHeader = errors.New("bad header")
	// ErrNoChange: an adjusted plan identical to the previous version.
	ErrNoChange = errors.New("adjusted plan has no change")
	// ErrVersionOrder: an adjustment whose effective date precedes its
	// predecessor's, or which is for another year.
	ErrVersionOrder = errors.New("adjustment out of order")
	// ErrUnknownTask: a task ID the plan does not hold.
	ErrUnknownTask = errors.New("unknown task")
)

// FieldError is one problem with one field of a plan, located by a JSON
// path such as "tasks[2].ratio" or "tasks[2](2026-ZA-01).window.to".
type FieldError struct {
	File  string // file name as given by the caller; may be empty
	Path  string // JSON path of the field
	Value string // the offending value
	Err   error  // the reason, wrapping one of the Err* sentinels
}

// Error returns `file: tasks[2].ratio: value "1.5": reason`.
func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%s: value %q: %v", e.Path, e.Value, e.Err)
	return b.String()
}

// Unwrap returns the reason.
func (e *FieldError) Unwrap() error { return e.Err }

// FieldErrors is every problem found in one plan, in document order.
type FieldErrors []*FieldError

// Error lists every problem, one per line.
func (es FieldErrors) Error() string { return errlist.Error(es) }

// Unwrap returns the elements, for errors.Is and errors.As.
func (es FieldErrors) Unwrap() []error { return errlist.Unwrap(es) }

// RowError is one problem with one row of a history file. Row is the CSV
// line on which the record starts (header = 1).
type RowError struct {
	File   string
	Row    int
	Column string
	Value  string
	Err    error
}

// Error returns `file:row 3: column "result" value "x": reason`.
func (e *RowError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	if e.Row > 0 {
		b.WriteString("row " + strconv.Itoa(e.Row) + ": ")
	}
	if e.Column != "" {
		fmt.Fprintf(&b, "column %q ", e.Column)
	}
	fmt.Fprintf(&b, "value %q: %v", e.Value, e.Err)
	return b.String()
}

// Unwrap returns the reason.
func (e *RowError) Unwrap() error { return e.Err }

// RowErrors is every problem found in one history file, in row order.
type RowErrors []*RowError

// Error lists every problem, one per line.
func (es RowErrors) Error() string { return errlist.Error(es) }

// Unwrap returns the elements, for errors.Is and errors.As.
func (es RowErrors) Unwrap() []error { return errlist.Unwrap(es) }
