package registry

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrInterestUnknownTarget is the reason of a Warning about a declared
// interest (利害关系) that names a target the target registry does not hold.
// Such an interest cannot make the inspector recuse (rule R19) from any
// drawn target: either the target ID is mistyped, or the target is missing
// from the registry (rule R6).
var ErrInterestUnknownTarget = errors.New("declared interest names a target that is not in the target registry")

// Warning is a problem that does not make a registry invalid but that an
// operator should look at. It names the file, row, certificate number,
// column (the field's English name) and value like a RowError; Code is a
// stable machine-readable name of the reason.
type Warning struct {
	File   string `json:"file,omitempty"`
	Row    int    `json:"row,omitempty"` // 1-based file row (header = 1), or position in a slice; 0 unknown
	ID     string `json:"id"`            // the inspector's certificate number
	Column string `json:"column"`
	Value  string `json:"value"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
	Err    error  `json:"-"` // wraps the sentinel, e.g. ErrInterestUnknownTarget
}

// Error renders the warning in RowError's style:
// `file: row N: column "C" value "V" (id X): reason`.
func (w Warning) Error() string {
	var b strings.Builder
	if w.File != "" {
		b.WriteString(w.File + ": ")
	}
	if w.Row > 0 {
		b.WriteString("row " + strconv.Itoa(w.Row) + ": ")
	}
	fmt.Fprintf(&b, "column %q value %q", w.Column, w.Value)
	if w.ID != "" {
		fmt.Fprintf(&b, " (id %q)", w.ID)
	}
	b.WriteString(": " + w.Reason)
	return b.String()
}

// Unwrap returns the reason, so errors.Is(w, ErrInterestUnknownTarget) works.
func (w Warning) Unwrap() error { return w.Err }

// InterestWarnings returns one warning for every declared interest
// (利害关系, rule R19) of inspectors that names a target ID not among
// targets, in inspector order and then interest order. Row is the
// 1-based position of the inspector in inspectors. The comparison is
// exact: interests must use the target's registry ID (an entity's
// 统一社会信用代码 in upper case). The registry stays valid: a warning is
// not an error.
func InterestWarnings(inspectors []Inspector, targets []Target) []Warning {
	rows := make([]int, len(inspectors))
	for i := range rows {
		rows[i] = i + 1
	}
	return interestWarnings("", inspectors, rows, targets)
}

// InterestWarnings returns the interest warnings (see the package function
// InterestWarnings) of an inspector table against a target registry, with
// the inspectors' file rows and file named file. It returns nil for a
// table of targets.
func (t *Table) InterestWarnings(file string, targets []Target) []Warning {
	if t.Pool != PoolInspectors {
		return nil
	}
	return interestWarnings(file, t.Inspectors, t.Rows, targets)
}

func interestWarnings(file string, inspectors []Inspector, rows []int, targets []Target) []Warning {
	known := make(map[string]bool, len(targets))
	for _, tg := range targets {
		known[tg.ID] = true
	}
	var out []Warning
	for i, in := range inspectors {
		row := 0
		if i < len(rows) {
			row = rows[i]
		}
		for _, it := range in.Interests {
			if known[it.TargetID] {
				continue
			}
			out = append(out, Warning{File: file, Row: row, ID: in.Cert, Column: colInterests, Value: formatInterest(it),
				Code: "interest_unknown_target", Reason: ErrInterestUnknownTarget.Error(),
				Err: ErrInterestUnknownTarget})
		}
	}
	return out
}
