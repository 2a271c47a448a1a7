// Package csvrow holds the row-shape rule shared by the CSV and XLSX
// importers of registry, checklist and plan: a data row may not carry more
// non-blank cells than its header has columns (issue 15: such cells used to
// be dropped silently, so a shifted row could pass with the wrong values).
package csvrow

import "strings"

// Width is the number of columns a header row declares: up to its last
// non-blank cell.
func Width(header []string) int {
	n := len(header)
	for n > 0 && strings.TrimSpace(header[n-1]) == "" {
		n--
	}
	return n
}

// Extra returns the index of the first non-blank cell at or beyond width,
// or -1 when the row fits its header. Blank trailing cells (a spreadsheet
// export artefact) are allowed.
func Extra(cells []string, width int) int {
	for i := width; i < len(cells); i++ {
		if strings.TrimSpace(cells[i]) != "" {
			return i
		}
	}
	return -1
}
