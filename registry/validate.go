package registry

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultClasses returns the default credit-risk class set (信用风险分类),
// "A" (lowest risk) to "D" (highest), as used by SAMR's national scheme.
func DefaultClasses() []string { return []string{"A", "B", "C", "D"} }

// Config holds the rules that vary between agencies. The zero Config uses
// DefaultClasses.
type Config struct {
	// Classes is the credit-risk class set, e.g. A–E in Shandong. Nil or
	// empty means DefaultClasses.
	Classes []string
}

func (c Config) classOK(s string) bool {
	if len(c.Classes) == 0 {
		return len(s) == 1 && s[0] >= 'A' && s[0] <= 'D'
	}
	return slices.Contains(c.Classes, s)
}

func (c Config) classList() string {
	if len(c.Classes) == 0 {
		return strings.Join(DefaultClasses(), ",")
	}
	return strings.Join(c.Classes, ",")
}

// Target and inspector field names, as used in RowError.Column when a
// slice (not a file) is validated, and as the English CSV headers.
const (
	colID               = "id"
	colName             = "name"
	colKind             = "kind"
	colJurisdiction     = "jurisdiction"
	colIndustry         = "industry"
	colCreditClass      = "credit_class"
	colAbnormal         = "abnormal"
	colSeriousViolation = "serious_violation"
	colComplaints       = "complaints"
	colStatus           = "status"
	colDepartments      = "departments"

	colCert           = "cert"
	colDepartment     = "department"
	colUnit           = "unit"
	colQualifications = "qualifications"
	colLeaderEligible = "leader_eligible"
	colUnavailable    = "unavailable"
	colInterests      = "interests"
	colActive         = "active"
)

// maxSafeInt is 2^53, the largest integer magnitude canonical JSON carries.
const maxSafeInt int64 = 1 << 53

// emitFunc receives one problem: the field's English column name, the
// offending value and the reason.
type emitFunc func(col, val string, err error)

// checkLabel applies the label rules of DRAW.md: non-empty valid UTF-8, no
// control characters, no leading or trailing space.
func checkLabel(col, s string, emit emitFunc) bool {
	switch {
	case s == "":
		emit(col, s, ErrMissingField)
	case !utf8.ValidString(s):
		emit(col, s, fmt.Errorf("%w: not valid UTF-8", ErrBadLabel))
	case hasControl(s):
		emit(col, s, fmt.Errorf("%w: contains a control character", ErrBadLabel))
	case trim(s) != s:
		emit(col, s, fmt.Errorf("%w: leading or trailing space", ErrBadLabel))
	default:
		return true
	}
	return false
}

func checkRequired(col, s string, emit emitFunc) {
	if trim(s) == "" {
		emit(col, s, ErrMissingField)
	} else if !utf8.ValidString(s) {
		emit(col, s, fmt.Errorf("%w: not valid UTF-8", ErrBadValue))
	}
}

func checkJurisdiction(s string, emit emitFunc) {
	if s == "" {
		emit(colJurisdiction, s, ErrMissingField)
		return
	}
	if len(s) != 6 || strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		emit(colJurisdiction, s, ErrBadJurisdiction)
	}
}

// checkList checks a list field: every element non-empty, valid UTF-8,
// free of the ';' separator, and no repeats.
func checkList(col string, xs []string, required bool, emit emitFunc) {
	if required && len(xs) == 0 {
		emit(col, "", ErrMissingField)
	}
	for i, x := range xs {
		switch {
		case strings.TrimSpace(x) == "":
			emit(col, joinList(xs), fmt.Errorf("%w: empty element %d", ErrMissingField, i+1))
		case !utf8.ValidString(x) || strings.ContainsAny(x, ";；") || strings.IndexFunc(x, unicode.IsControl) >= 0 || strings.TrimSpace(x) != x:
			emit(col, x, fmt.Errorf("%w: list element must be trimmed text without ';' or control characters", ErrBadValue))
		case slices.Contains(xs[:i], x):
			emit(col, x, ErrDuplicateValue)
		}
	}
}

// IsKnown reports whether k is one of the Kind constants.
func (k Kind) IsKnown() bool {
	switch k {
	case KindEntity, KindIndividual, KindProduct, KindProject, KindBehaviour:
		return true
	}
	return false
}

// NeedsUSCC reports whether a target of kind k is identified by its
// 统一社会信用代码: market entities and individual businesses (个体工商户,
// which have carried a USCC since the 2016 licence reform).
func (k Kind) NeedsUSCC() bool { return k == KindEntity || k == KindIndividual }

// IsKnown reports whether s is one of the Status constants.
func (s Status) IsKnown() bool {
	switch s {
	case StatusActive, StatusDeregistered, StatusRevoked, StatusMovedOut, StatusClosed:
		return true
	}
	return false
}

// IsKnown reports whether r is one of the Relation constants.
func (r Relation) IsKnown() bool {
	switch r {
	case RelationKin, RelationFormerEmployer, RelationShareholding, RelationOther:
		return true
	}
	return false
}

// checkTarget reports every problem of one target, without the
// cross-row uniqueness check.
func (c Config) checkTarget(t *Target, emit emitFunc) {
	if checkLabel(colID, t.ID, emit) && t.Kind.NeedsUSCC() {
		if err := ValidateUSCC(t.ID); err != nil {
			emit(colID, t.ID, err)
		}
	}
	checkRequired(colName, t.Name, emit)
	switch {
	case t.Kind == "":
		emit(colKind, "", ErrMissingField)
	case !t.Kind.IsKnown():
		emit(colKind, string(t.Kind), ErrBadKind)
	}
	checkJurisdiction(t.Jurisdiction, emit)
	checkRequired(colIndustry, t.Industry, emit)
	switch {
	case t.CreditClass == "":
		emit(colCreditClass, "", ErrMissingField)
	case !c.classOK(t.CreditClass):
		emit(colCreditClass, t.CreditClass, fmt.Errorf("%w (class set %s)", ErrUnknownClass, c.classList()))
	}
	if t.Complaints < 0 || int64(t.Complaints) > maxSafeInt {
		emit(colComplaints, strconv.Itoa(t.Complaints), fmt.Errorf("%w: complaint count must be between 0 and 2^53", ErrBadValue))
	}
	switch {
	case t.Status == "":
		emit(colStatus, "", ErrMissingField)
	case !t.Status.IsKnown():
		emit(colStatus, string(t.Status), ErrBadStatus)
	}
	checkList(colDepartments, t.Departments, true, emit)
}

// checkInspector reports every problem of one inspector, without the
// cross-row uniqueness check.
func (c Config) checkInspector(in *Inspector, emit emitFunc) {
	checkLabel(colCert, in.Cert, emit)
	checkRequired(colName, in.Name, emit)
	checkRequired(colDepartment, in.Department, emit)
	checkRequired(colUnit, in.Unit, emit)
	checkJurisdiction(in.Jurisdiction, emit)
	checkList(colQualifications, in.Qualifications, false, emit)
	for _, p := range in.Unavailable {
		if p.From.IsZero() || p.To.IsZero() || !p.From.Before(p.To) {
			emit(colUnavailable, formatPeriod(p), fmt.Errorf("%w: from must be before to", ErrBadPeriod))
		}
		if !utf8.ValidString(p.Reason) || strings.ContainsAny(p.Reason, ";；") || strings.IndexFunc(p.Reason, unicode.IsControl) >= 0 {
			emit(colUnavailable, p.Reason, fmt.Errorf("%w: reason must be text without ';' or control characters", ErrBadValue))
		}
		if y := p.From.Year(); y < 1 || y > 9999 {
			emit(colUnavailable, formatPeriod(p), fmt.Errorf("%w: year out of range", ErrBadPeriod))
		} else if y := p.To.Year(); y < 1 || y > 9999 {
			emit(colUnavailable, formatPeriod(p), fmt.Errorf("%w: year out of range", ErrBadPeriod))
		}
	}
	for i, it := range in.Interests {
		v := it.TargetID + ":" + string(it.Relation)
		if checkLabel(colInterests, it.TargetID, emit) && strings.ContainsAny(it.TargetID, ";；:") {
			emit(colInterests, v, fmt.Errorf("%w: target ID must not contain ';' or ':'", ErrBadLabel))
		}
		if !it.Relation.IsKnown() {
			emit(colInterests, v, ErrBadRelation)
		}
		if slices.Contains(in.Interests[:i], it) {
			emit(colInterests, v, ErrDuplicateValue)
		}
	}
}

func rowEmitter(errs *RowErrors, row int, id string) emitFunc {
	return func(col, val string, err error) {
		*errs = append(*errs, &RowError{Row: row, ID: id, Column: col, Value: val, Err: err})
	}
}

// ValidateTarget checks one target: ID (a valid 统一社会信用代码 for kinds
// that need one, otherwise a clean label), required fields, kind, status,
// 6-digit jurisdiction, credit class within c's class set, complaint count,
// and at least one supervising department. It returns nil or RowErrors
// listing every problem.
func (c Config) ValidateTarget(t Target) error {
	var errs RowErrors
	c.checkTarget(&t, rowEmitter(&errs, 0, t.ID))
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// ValidateInspector checks one inspector: certificate number, required
// fields, 6-digit jurisdiction, qualification list, unavailability periods
// (From before To) and declared interests (known relation, no repeats). It
// returns nil or RowErrors listing every problem.
func (c Config) ValidateInspector(in Inspector) error {
	var errs RowErrors
	c.checkInspector(&in, rowEmitter(&errs, 0, in.Cert))
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// ValidateTargets checks every target and that IDs are unique (rule R6: the
// ID identifies one entity). It returns nil or RowErrors listing every
// problem of every target, Row being the 1-based slice position.
func (c Config) ValidateTargets(ts []Target) error {
	var errs RowErrors
	for i := range ts {
		c.checkTarget(&ts[i], rowEmitter(&errs, i+1, ts[i].ID))
	}
	for _, d := range duplicates(len(ts), func(i int) string { return ts[i].ID }) {
		errs = append(errs, &RowError{Row: d[1] + 1, ID: ts[d[1]].ID, Column: colID, Value: ts[d[1]].ID,
			Err: fmt.Errorf("%w: first at row %d", ErrDuplicateID, d[0]+1)})
	}
	return sortedErrors(errs)
}

// ValidateInspectors checks every inspector and that certificate numbers
// are unique (R15 draws by certificate number). It returns nil or
// RowErrors listing every problem, Row being the 1-based slice position.
func (c Config) ValidateInspectors(ins []Inspector) error {
	var errs RowErrors
	for i := range ins {
		c.checkInspector(&ins[i], rowEmitter(&errs, i+1, ins[i].Cert))
	}
	for _, d := range duplicates(len(ins), func(i int) string { return ins[i].Cert }) {
		errs = append(errs, &RowError{Row: d[1] + 1, ID: ins[d[1]].Cert, Column: colCert, Value: ins[d[1]].Cert,
			Err: fmt.Errorf("%w: first at row %d", ErrDuplicateID, d[0]+1)})
	}
	return sortedErrors(errs)
}

// sortedErrors orders errs by row (stable, so a row's problems keep
// column order) and returns nil for none.
func sortedErrors(errs RowErrors) error {
	if len(errs) == 0 {
		return nil
	}
	slices.SortStableFunc(errs, func(a, b *RowError) int {
		if c := cmp.Compare(a.Row, b.Row); c != 0 {
			return c
		}
		return cmp.Compare(a.cell, b.cell)
	})
	return errs
}

// keyed is a unit's label with its position, the element sorted to order
// a pool by label: sorting these compact pairs is much faster than sorting
// indexes into large structs.
type keyed struct {
	p0, p1 uint64 // the label's first 16 bytes, big-endian, zero-padded
	label  string
	i      int32
}

// makeKeyed returns the keyed element of label at position i.
func makeKeyed(label string, i int32) keyed {
	var b [16]byte
	copy(b[:], label)
	return keyed{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:]), label, i}
}

// sortLabels returns the units' labels with positions, sorted by label
// bytes, ties by position.
func sortLabels(n int, label func(int) string) []keyed {
	if n > math.MaxInt32 {
		panic("registry: pool too large")
	}
	ks := make([]keyed, n)
	for i := range ks {
		ks[i] = makeKeyed(label(i), int32(i))
	}
	sortKeyed(ks)
	return ks
}

// duplicatesSorted returns, for every element whose label repeats an
// earlier one, the pair (index of first occurrence, index of the repeat),
// in order of the repeat. Empty labels are skipped (reported as missing).
func duplicatesSorted(ks []keyed) [][2]int {
	var out [][2]int
	first := 0
	for k := 1; k < len(ks); k++ {
		if l := ks[k].label; l != "" && l == ks[first].label {
			out = append(out, [2]int{int(ks[first].i), int(ks[k].i)})
		} else {
			first = k
		}
	}
	slices.SortFunc(out, func(a, b [2]int) int { return cmp.Compare(a[1], b[1]) })
	return out
}

// duplicates is duplicatesSorted over n labels.
func duplicates(n int, label func(int) string) [][2]int {
	return duplicatesSorted(sortLabels(n, label))
}
