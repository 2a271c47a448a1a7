package registry

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// targetRecord is a target's row in export column order (TargetColumns).
func targetRecord(t *Target) []string {
	return []string{t.ID, t.Name, string(t.Kind), t.Jurisdiction, t.Industry, t.CreditClass,
		strconv.FormatBool(t.Abnormal), strconv.FormatBool(t.SeriousViolation), strconv.Itoa(t.Complaints),
		string(t.Status), joinList(t.Departments)}
}

// inspectorRecord is an inspector's row in export column order
// (InspectorColumns).
func inspectorRecord(in *Inspector) []string {
	ps := make([]string, len(in.Unavailable))
	for i, p := range in.Unavailable {
		ps[i] = formatPeriod(p)
	}
	is := make([]string, len(in.Interests))
	for i, it := range in.Interests {
		is[i] = formatInterest(it)
	}
	return []string{in.Cert, in.Name, in.Department, in.Unit, in.Jurisdiction, joinList(in.Qualifications),
		strconv.FormatBool(in.LeaderEligible), joinList(ps), joinList(is), strconv.FormatBool(in.Active)}
}

func writeCSV(w io.Writer, header []string, n int, row func(int) []string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("registry: csv export: %w", err)
	}
	for i := range n {
		if err := cw.Write(row(i)); err != nil {
			return fmt.Errorf("registry: csv export row %d: %w", i+2, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("registry: csv export: %w", err)
	}
	return nil
}

// WriteTargetsCSV writes targets as UTF-8 CSV (no BOM) with the English
// header row (TargetColumns), in the given order. Booleans are written
// true/false, lists joined with ';'. DecodeCSV reads the output back to the
// same targets.
func WriteTargetsCSV(w io.Writer, ts []Target) error {
	return writeCSV(w, TargetColumns(), len(ts), func(i int) []string { return targetRecord(&ts[i]) })
}

// WriteInspectorsCSV writes inspectors as UTF-8 CSV (no BOM) with the
// English header row (InspectorColumns). Periods are written
// FROM/TO[ reason] with RFC 3339 times in China time (UTC+8), interests
// TARGETID:relation. DecodeCSV reads the output back to the same
// inspectors (times equal as instants).
func WriteInspectorsCSV(w io.Writer, ins []Inspector) error {
	return writeCSV(w, InspectorColumns(), len(ins), func(i int) []string { return inspectorRecord(&ins[i]) })
}
