// Package errlist holds the shared behaviour of ssj's "every problem, not
// only the first" error lists (registry.RowErrors, checklist.RowErrors,
// plan.RowErrors, plan.FieldErrors): one formatting and one Unwrap, so that
// errors.Is and errors.As look through every element the same way in every
// package.
package errlist

import (
	"fmt"
	"strings"
)

// Error formats a list as "N problem(s):" followed by one problem per line.
func Error[E error](es []E) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d problem(s):", len(es))
	for _, e := range es {
		b.WriteString("\n\t")
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the elements as a []error, for the multi-error form of
// errors.Is and errors.As.
func Unwrap[E error](es []E) []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
