package errlist

import (
	"errors"
	"fmt"
	"testing"
)

type rowErr struct {
	row int
	err error
}

func (e *rowErr) Error() string { return fmt.Sprintf("row %d: %v", e.row, e.err) }
func (e *rowErr) Unwrap() error { return e.err }

type rowErrs []*rowErr

func (es rowErrs) Error() string   { return Error(es) }
func (es rowErrs) Unwrap() []error { return Unwrap(es) }

func TestList(t *testing.T) {
	errA, errB := errors.New("a"), errors.New("b")
	var err error = rowErrs{{2, errA}, {5, errB}}
	if got, want := err.Error(), "2 problem(s):\n\trow 2: a\n\trow 5: b"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, errA) || !errors.Is(err, errB) || errors.Is(err, errors.New("a")) {
		t.Fatal("errors.Is does not look through every element")
	}
	var re *rowErr
	if !errors.As(err, &re) || re.row != 2 {
		t.Fatalf("errors.As found %+v", re)
	}
}
