package checklist

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/shuangsuiji/ssj/internal/errlist"
)

// Reasons an item, a row or a version is rejected. They are wrapped, so test
// with errors.Is; a RowError says where.
var (
	// ErrMissingField: a required field or cell is empty.
	ErrMissingField = errors.New("missing field")
	// ErrNoLegalBasis: an item without a legal basis (法律法规规章依据).
	// Rule R1: such an item may not be inspected at all.
	ErrNoLegalBasis = errors.New("no legal basis (rule R1)")
	// ErrBadCategory: a category that is neither key (重点) nor general (一般).
	ErrBadCategory = errors.New("unknown item category")
	// ErrBadMethod: an inspection method outside the four known methods (R5).
	ErrBadMethod = errors.New("unknown inspection method")
	// ErrBadRatio: a sampling ratio that cannot be parsed, lies outside
	// [0, 1], or whose lower bound exceeds its upper bound.
	ErrBadRatio = errors.New("bad sampling ratio")
	// ErrOverCap: a general item whose upper ratio bound exceeds the
	// configured cap (rule R4).
	ErrOverCap = errors.New("general item ratio above the cap (rule R4)")
	// ErrKeyItemCapped: a key item with an upper ratio bound; rule R4 says
	// key items have none (抽查比例不设上限).
	ErrKeyItemCapped = errors.New("key item has an upper ratio bound (rule R4)")
	// ErrBadFrequency: a frequency that cannot be parsed.
	ErrBadFrequency = errors.New("bad sampling frequency")
	// ErrBadCode: an item code with spaces or control characters.
	ErrBadCode = errors.New("bad item code")
	// ErrDuplicateCode: two items with the same code in one checklist.
	ErrDuplicateCode = errors.New("duplicate item code")
	// ErrDuplicateValue: a repeated entry in a list field.
	ErrDuplicateValue = errors.New("duplicate value")
	// ErrBadHeader: a header row that repeats a column or lacks a required one.
	ErrBadHeader = errors.New("bad header")
	// ErrBadFile: input that is not a readable CSV or XLSX file.
	ErrBadFile = errors.New("unreadable file")
	// ErrExtraCells: a row with more non-blank cells than its header has
	// columns.
	ErrExtraCells = errors.New("more cells than header columns")
	// ErrBadDate: an effective date that is not YYYY-MM-DD.
	ErrBadDate = errors.New("bad date")
	// ErrNoChange: a new version identical to the previous one (rule R3: a
	// version records a change).
	ErrNoChange = errors.New("new version has no change")
	// ErrVersionOrder: a new version whose effective date precedes the
	// previous version's.
	ErrVersionOrder = errors.New("version effective before its predecessor")
)

// RowError is one problem with one row. Row is the row number a spreadsheet
// shows: the header is row 1, the first data row row 2 (for CSV, the line
// on which the record starts). When validating a slice of items rather than
// a file, File is empty and Row is the 1-based position in the slice.
type RowError struct {
	File   string // file name as given by the caller; may be empty
	Row    int    // 1-based row number, header = 1
	Code   string // the row's item code (事项编码), when known
	Column string // column header as written in the file, or the field's JSON name
	Value  string // the offending cell value
	Err    error  // the reason, wrapping one of the Err* sentinels
}

// Error returns `file:row 3: item "ZA-01": column "检查依据" value "": reason`.
func (e *RowError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	if e.Row > 0 {
		b.WriteString("row ")
		b.WriteString(strconv.Itoa(e.Row))
		b.WriteString(": ")
	}
	if e.Code != "" {
		fmt.Fprintf(&b, "item %q: ", e.Code)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, "column %q ", e.Column)
	}
	fmt.Fprintf(&b, "value %q: %v", e.Value, e.Err)
	return b.String()
}

// Unwrap returns the reason.
func (e *RowError) Unwrap() error { return e.Err }

// RowErrors is every problem found in one input, in row order. Import and
// validation report all of them, not only the first; errors.Is and errors.As
// look through every element.
type RowErrors []*RowError

// Error lists every problem, one per line.
func (es RowErrors) Error() string { return errlist.Error(es) }

// Unwrap returns the elements, so errors.Is(err, ErrNoLegalBasis) reports
// whether any row failed for that reason.
func (es RowErrors) Unwrap() []error { return errlist.Unwrap(es) }
