package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/shuangsuiji/ssj/internal/errlist"
)

// Reasons a registry row or event is rejected. They are wrapped, so test
// with errors.Is; a RowError or RowErrors says where.
var (
	// ErrBadUSCC: a 统一社会信用代码 of the wrong length or with a character
	// outside the GB 32100-2015 code set.
	ErrBadUSCC = errors.New("malformed unified social credit code")
	// ErrBadCheckChar: a 统一社会信用代码 whose 18th character is not the
	// GB 32100-2015 check character of the first 17.
	ErrBadCheckChar = errors.New("wrong check character")
	// ErrMissingField: a required field or column is empty or absent.
	ErrMissingField = errors.New("missing field")
	// ErrUnknownClass: a credit-risk class outside the configured class set.
	ErrUnknownClass = errors.New("unknown credit class")
	// ErrBadKind: a target kind that is not one of the Kind constants.
	ErrBadKind = errors.New("unknown target kind")
	// ErrBadStatus: a target status that is not one of the Status constants.
	ErrBadStatus = errors.New("unknown status")
	// ErrBadJurisdiction: a jurisdiction that is not a 6-digit
	// administrative division code.
	ErrBadJurisdiction = errors.New("jurisdiction is not a 6-digit administrative division code")
	// ErrBadLabel: an ID or certificate number with control characters or
	// leading/trailing space (DRAW.md, Encoding).
	ErrBadLabel = errors.New("bad label")
	// ErrBadValue: a cell that cannot be parsed (boolean, integer, time,
	// list item) or a number out of range.
	ErrBadValue = errors.New("bad value")
	// ErrBadRelation: a declared interest whose relation is not one of the
	// Relation constants.
	ErrBadRelation = errors.New("unknown interest relation")
	// ErrBadPeriod: an unavailability period that is empty or reversed
	// (From must be before To).
	ErrBadPeriod = errors.New("bad period")
	// ErrDuplicateValue: a repeated entry in a list field (department,
	// qualification, interest).
	ErrDuplicateValue = errors.New("duplicate value")
	// ErrBadHeader: a header row that names no known pool, repeats a column
	// or lacks a required column.
	ErrBadHeader = errors.New("bad header")
	// ErrBadFile: input that is not a readable CSV or XLSX file.
	ErrBadFile = errors.New("unreadable file")
	// ErrUnknownID: an update or deactivation of an ID the registry does
	// not hold, or a proof request for an absent ID.
	ErrUnknownID = errors.New("unknown ID")
	// ErrOutOfOrder: a change event whose effective time precedes the
	// latest event already recorded for the same ID.
	ErrOutOfOrder = errors.New("event out of order")
	// ErrBadEvent: a change event that is malformed (unknown operation or
	// pool, missing author or time, payload not matching the operation).
	ErrBadEvent = errors.New("bad event")
)

// RowError describes one problem with one row, in the style of
// encoding/csv's ParseError. Row is the row number a spreadsheet shows: the
// header is row 1, the first data row row 2 (for CSV, the line on which the
// record starts). When validating a slice rather than a file, File is empty
// and Row is the 1-based position in the slice.
type RowError struct {
	File   string // file name as given by the caller; may be empty
	Row    int    // 1-based row number, header = 1
	ID     string // the row's ID or certificate number, when known
	Column string // column header as written in the file, or the field's English name
	Value  string // the offending cell value
	Err    error  // the reason, wrapping one of the Err* sentinels

	cell int // 0-based cell index in the row, for ordering; -1 unknown
}

// Error returns `file: row N: column "C" value "V" (id X): reason`,
// leaving out the parts that are unknown.
func (e *RowError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Row > 0 {
		b.WriteString("row ")
		b.WriteString(strconv.Itoa(e.Row))
		b.WriteString(": ")
	}
	if e.Column != "" {
		fmt.Fprintf(&b, "column %q ", e.Column)
	}
	fmt.Fprintf(&b, "value %q", e.Value)
	if e.ID != "" && e.ID != e.Value {
		fmt.Fprintf(&b, " (id %q)", e.ID)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

// Unwrap returns the reason.
func (e *RowError) Unwrap() error { return e.Err }

// RowErrors is every problem found in one input, in row order. Import and
// validation report all of them, not only the first. errors.Is and
// errors.As look through every element.
type RowErrors []*RowError

// Error lists every problem, one per line.
func (es RowErrors) Error() string { return errlist.Error(es) }

// Unwrap returns the elements, so errors.Is(err, ErrBadCheckChar) reports
// whether any row failed for that reason.
func (es RowErrors) Unwrap() []error { return errlist.Unwrap(es) }

// reasonCodes are the stable machine-readable names of the sentinels, in
// the order they are tested (most specific first).
var reasonCodes = []struct {
	err  error
	code string
}{
	{ErrBadCheckChar, "bad_check_char"},
	{ErrBadUSCC, "bad_uscc"},
	{ErrDuplicateID, "duplicate_id"},
	{ErrMissingField, "missing_field"},
	{ErrUnknownClass, "unknown_class"},
	{ErrBadKind, "bad_kind"},
	{ErrBadStatus, "bad_status"},
	{ErrBadJurisdiction, "bad_jurisdiction"},
	{ErrBadLabel, "bad_label"},
	{ErrBadRelation, "bad_relation"},
	{ErrBadPeriod, "bad_period"},
	{ErrDuplicateValue, "duplicate_value"},
	{ErrBadValue, "bad_value"},
	{ErrBadHeader, "bad_header"},
	{ErrBadFile, "bad_file"},
	{ErrUnknownID, "unknown_id"},
	{ErrOutOfOrder, "out_of_order"},
	{ErrBadEvent, "bad_event"},
}

// ReasonCode returns the stable snake_case name of the first sentinel err
// wraps ("bad_check_char", "duplicate_id", "missing_field", ...), or
// "other". Front ends can translate these codes.
func ReasonCode(err error) string {
	for _, rc := range reasonCodes {
		if errors.Is(err, rc.err) {
			return rc.code
		}
	}
	return "other"
}

// MarshalJSON writes the error as
// {"file","row","id","column","value","reason","message"}, reason being
// ReasonCode(e) and message the full text.
func (e *RowError) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		File    string `json:"file,omitempty"`
		Row     int    `json:"row"`
		ID      string `json:"id,omitempty"`
		Column  string `json:"column"`
		Value   string `json:"value"`
		Reason  string `json:"reason"`
		Message string `json:"message"`
	}{e.File, e.Row, e.ID, e.Column, e.Value, ReasonCode(e.Err), e.Error()})
}
