package main

import (
	"errors"

	"github.com/shuangsuiji/ssj/checklist"
	"github.com/shuangsuiji/ssj/plan"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/workday"
)

// inputStatus is the exit status for err, an error about an input: 1 when
// the input was read and a check found a problem in it (a bad header or
// row of a registry, checklist or history; a plan field; a year without
// calendar data), 2 when it could not be read as the expected format at
// all (missing, a directory, empty, not CSV, XLSX or JSON, not UTF-8).
//
// The status is a property of the input, not of the command: a checklist
// with a repeated item code gives 1 from "ssj checklist validate" and from
// "ssj plan check --checklist" alike (TestSameInputSameStatus).
func inputStatus(err error) int {
	if errors.Is(err, workday.ErrNoData) || errors.As(err, new(*noRowsError)) || hasProblems(err) {
		return exitProblem
	}
	return exitUsage
}

// hasProblems reports whether err carries a list of row or field problems
// found in an input that was read, as opposed to a file that is not the
// format at all (a list whose only element is ErrBadFile).
func hasProblems(err error) bool {
	var rr registry.RowErrors
	if errors.As(err, &rr) {
		return !(len(rr) == 1 && errors.Is(rr[0], registry.ErrBadFile))
	}
	var cr checklist.RowErrors
	if errors.As(err, &cr) {
		return !(len(cr) == 1 && errors.Is(cr[0], checklist.ErrBadFile))
	}
	var pr plan.RowErrors
	if errors.As(err, &pr) {
		return !(len(pr) == 1 && errors.Is(pr[0], plan.ErrBadFile))
	}
	var pf plan.FieldErrors
	return errors.As(err, &pf) && !errors.Is(err, plan.ErrBadFile)
}

// unreadable marks an error about a file a step reads (a book, keyring,
// key or corrected result) that could not be read as its format, among
// the step's other errors, which are findings (1): inputError gives 2, as
// the same file gives through every other command.
type unreadable struct{ err error }

func (u unreadable) Error() string { return u.err.Error() }
func (u unreadable) Unwrap() error { return u.err }

// noRowsError is the error for a registry or checklist that was read and
// holds no row where a command needs at least one: a finding (1), as an
// empty registry is no format error (ssj registry validate accepts it).
type noRowsError struct{ file, what string }

func (e *noRowsError) Error() string { return e.file + ": " + e.what }

// noRows reports that file holds no row, e.g. noRows(f, "the target
// registry holds no target").
func noRows(file, what string) error { return &noRowsError{file, what} }
