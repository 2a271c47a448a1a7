package plan

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/width"
)

// dispWidth is the number of terminal columns s takes: East Asian wide and
// fullwidth characters take two.
func dispWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

func pad(s string, w int) string { return s + strings.Repeat(" ", max(0, w-dispWidth(s))) }

// WriteText writes the report as a table (rule, check, subject, figure,
// threshold, result), then the notes of findings that have one, then the
// counting conventions, then a one-line verdict.
func (r Report) WriteText(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s 年度抽查计划 %d（第%d版）规则检查\n\n", r.Authority, r.Year, r.Version)
	head := []string{"RULE", "CHECK", "SUBJECT", "FIGURE", "THRESHOLD", "RESULT"}
	rows := [][]string{head}
	for _, f := range r.Findings {
		res := strings.ToUpper(string(f.Status))
		if f.Note != "" {
			res += " *"
		}
		rows = append(rows, []string{f.Rule, f.Check, f.Subject, f.Figure, f.Threshold, res})
	}
	widths := make([]int, len(head))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], dispWidth(c))
		}
	}
	for _, row := range rows {
		for i, c := range row {
			if i == len(row)-1 {
				b.WriteString(c)
			} else {
				b.WriteString(pad(c, widths[i]) + "  ")
			}
		}
		b.WriteByte('\n')
	}
	notes := false
	for _, f := range r.Findings {
		if f.Note == "" {
			continue
		}
		if !notes {
			b.WriteString("\nnotes:\n")
			notes = true
		}
		fmt.Fprintf(&b, "  * %s %s: %s\n", f.Rule, f.Subject, f.Note)
	}
	b.WriteString("\nhow the figures are counted:\n")
	for _, s := range r.Basis {
		fmt.Fprintf(&b, "  - %s\n", s)
	}
	failed := r.Failed()
	if len(failed) == 0 {
		fmt.Fprintf(&b, "\nOK: %d finding(s), no rule broken\n", len(r.Findings))
	} else {
		fmt.Fprintf(&b, "\nFAIL: %d of %d finding(s) break a rule\n", len(failed), len(r.Findings))
	}
	_, err := w.Write(b.Bytes())
	return err
}
