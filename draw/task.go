package draw

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/shuangsuiji/ssj/internal/jsonin"
	"github.com/shuangsuiji/ssj/registry"
)

// ErrInvalidTask is returned (wrapped) when a task or a manifest is
// malformed: a missing field, an unknown stratum key or rounding rule, a
// ratio that is not a decimal string in [0, 1], an exclusion naming a unit
// outside the scope... The wrapping message names the field and the value.
var ErrInvalidTask = errors.New("draw: invalid task")

// ErrLabel is returned (wrapped) when a label (a target ID, a stratum value,
// an exclusion's target) is empty, is not UTF-8, has a control character or
// leading/trailing space (DRAW.md "Encoding").
var ErrLabel = errors.New("draw: invalid label")

// Task is the random inspection task (抽查任务) an agency writes before a
// draw (rule R14): what is inspected, in which scope, how many per stratum,
// which units are excluded and which randomness sources will be used. It is
// read from JSON (DecodeTask) and turned into a Manifest by Commit.
type Task struct {
	// ID is the task's identifier, unique within the agency.
	ID string `json:"id"`
	// Name is the task's title (任务名称).
	Name string `json:"name"`
	// Items are the inspection item codes (检查事项), at least one.
	Items []string `json:"items"`
	// Scope selects the units of the target registry the task covers.
	Scope Scope `json:"scope"`
	// Strata are the stratum keys, in order, e.g. ["credit_class"] (rule
	// R12) or ["jurisdiction", "credit_class"]. Empty means one stratum.
	Strata []string `json:"strata,omitempty"`
	// Quota says how many units each stratum contributes.
	Quota QuotaRule `json:"quota"`
	// Uplift, when present, raises the credit class a unit is stratified
	// under for complaints, the abnormal-operations list and serious
	// violations (rule R12). It needs credit_class among Strata.
	Uplift *Uplift `json:"uplift,omitempty"`
	// Exclusions are units of the scope excluded by hand, each with its
	// reason (counted under reason code "excluded").
	Exclusions []Exclusion `json:"exclusions,omitempty"`
	// Compliant is the history input of rule R11: a target found compliant
	// for one of the task's items in the commit year is excluded (reason
	// code "compliant_this_year") unless ComplianceExempt is set.
	Compliant []ComplianceRecord `json:"compliant,omitempty"`
	// ComplianceExempt is "key_area" or "special_case" when the task may
	// inspect again targets found compliant this year (rule R11 exception);
	// empty otherwise.
	ComplianceExempt string `json:"compliance_exempt,omitempty"`
	// Sources are the declared randomness sources, in order (DRAW.md §2).
	Sources []Source `json:"sources"`
	// CommitTime is the time the manifest is fixed and published; every
	// source must become available after it.
	CommitTime time.Time `json:"commit_time"`
	// Batches, when positive, cuts the selected targets into that many
	// inspection batches in random order (SAMR practice for key items with
	// a high ratio).
	Batches int `json:"batches,omitempty"`
	// Inspectors, when present, asks for inspector matching (DRAW.md §5).
	Inspectors *MatchSpec `json:"inspectors,omitempty"`
	// Suite is the crypto suite of the draw: empty or "ssj-v1" (SHA-256,
	// HMAC-SHA256), or "ssj-v1-sm" (SM3, HMAC-SM3; 国密). The manifest
	// carries it (Manifest.Suite; absent for ssj-v1).
	Suite string `json:"suite,omitempty"`
}

// Scope selects the units of a task (定向 or 不定向 draw). A unit is in
// scope when it passes every non-empty filter; with every filter empty the
// whole registry is in scope (不定向). Values match exactly.
type Scope struct {
	// Jurisdictions are 6-digit division codes; the unit's Jurisdiction
	// must be one of them.
	Jurisdictions []string `json:"jurisdictions,omitempty"`
	// Industries are industry codes; the unit's Industry must be one of them.
	Industries []string `json:"industries,omitempty"`
	// CreditClasses are credit classes; the unit's CreditClass must be one.
	CreditClasses []string `json:"credit_classes,omitempty"`
	// Kinds are target kinds; the unit's Kind must be one of them.
	Kinds []registry.Kind `json:"kinds,omitempty"`
	// Departments are supervising departments; one of the unit's
	// Departments must be among them.
	Departments []string `json:"departments,omitempty"`
}

// Directed reports whether the scope has any filter (定向); a scope
// without filters is the whole registry (不定向).
func (s Scope) Directed() bool {
	return len(s.Jurisdictions)+len(s.Industries)+len(s.CreditClasses)+len(s.Kinds)+len(s.Departments) > 0
}

// Contains reports whether target t is in the scope.
func (s Scope) Contains(t *registry.Target) bool {
	if len(s.Jurisdictions) > 0 && !slices.Contains(s.Jurisdictions, t.Jurisdiction) {
		return false
	}
	if len(s.Industries) > 0 && !slices.Contains(s.Industries, t.Industry) {
		return false
	}
	if len(s.CreditClasses) > 0 && !slices.Contains(s.CreditClasses, t.CreditClass) {
		return false
	}
	if len(s.Kinds) > 0 && !slices.Contains(s.Kinds, t.Kind) {
		return false
	}
	if len(s.Departments) > 0 && !slices.ContainsFunc(t.Departments, func(d string) bool { return slices.Contains(s.Departments, d) }) {
		return false
	}
	return true
}

// Stratum keys: the target attributes a task may stratify by.
const (
	StratumCreditClass  = "credit_class"
	StratumJurisdiction = "jurisdiction"
	StratumIndustry     = "industry"
	StratumKind         = "kind"
)

// stratumValue returns the value of stratum key k for t.
func stratumValue(t *registry.Target, k string) string {
	switch k {
	case StratumCreditClass:
		return t.CreditClass
	case StratumJurisdiction:
		return t.Jurisdiction
	case StratumIndustry:
		return t.Industry
	case StratumKind:
		return string(t.Kind)
	}
	return ""
}

// Rounding rules for ratio quotas.
const (
	RoundCeiling = "ceiling" // smallest integer ≥ ratio × base (default)
	RoundFloor   = "floor"   // largest integer ≤ ratio × base
	RoundHalfUp  = "half_up" // nearest integer, halves up
)

// Quota bases.
const (
	BaseScope    = "scope"    // the stratum's units in scope (default)
	BaseEligible = "eligible" // the stratum's eligible units
)

// QuotaRule says how many units each stratum contributes: either a ratio
// per stratum (Ratios, DefaultRatio) or a fixed Total split across strata
// by largest remainder. Every quota is finally limited by the stratum's
// eligible count; the difference is reported as a shortfall.
type QuotaRule struct {
	// Ratios are the per-stratum ratios, e.g. credit class A "0.05".
	Ratios []StratumRatio `json:"ratios,omitempty"`
	// DefaultRatio applies to strata not in Ratios; empty means every
	// stratum in scope must be listed.
	DefaultRatio string `json:"default_ratio,omitempty"`
	// Rounding is "ceiling" (default when empty in a task), "floor" or
	// "half_up".
	Rounding string `json:"rounding"`
	// Base is "scope" (default when empty in a task) or "eligible".
	Base string `json:"base"`
	// Min and Max clamp each stratum's ratio quota; Max 0 means no maximum.
	Min int `json:"min,omitempty"`
	Max int `json:"max,omitempty"`
	// Total, when positive, replaces the ratios: Total units are split
	// across strata in proportion to their base counts by largest
	// remainder.
	Total int `json:"total,omitempty"`
}

// StratumRatio is one row of the ratio table: the stratum (its values
// joined by "/", in Strata order) and its ratio as a decimal string.
type StratumRatio struct {
	Stratum string `json:"stratum"`
	Ratio   string `json:"ratio"`
}

// Exclusion is a unit excluded by hand from a task, with the reason.
type Exclusion struct {
	Target string `json:"target"`
	Reason string `json:"reason"`
}

// ComplianceRecord says a target was inspected for an item on Date (a
// civil date "YYYY-MM-DD" in China Standard Time) and found compliant
// (rule R11).
type ComplianceRecord struct {
	Target string `json:"target"`
	Item   string `json:"item"`
	Date   string `json:"date"`
}

// Compliance exemptions (rule R11 exceptions).
const (
	ExemptKeyArea     = "key_area"
	ExemptSpecialCase = "special_case"
)

// ratioPattern is the only decimal form ratios may take: no sign, no
// exponent, no leading zeros.
var ratioPattern = regexp.MustCompile(`^(0|[1-9][0-9]*)(\.[0-9]+)?$`)

// ParseRatio parses a ratio: a plain decimal string ("0.05", "1") between 0
// and 1 inclusive. Exponents, signs and leading zeros are refused so that
// every implementation reads the same number.
func ParseRatio(s string) (decimal.Decimal, error) {
	if !ratioPattern.MatchString(s) {
		return decimal.Decimal{}, fmt.Errorf("%w: ratio %q is not a plain decimal like \"0.05\"", ErrInvalidTask, s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%w: ratio %q: %v", ErrInvalidTask, s, err)
	}
	if d.GreaterThan(decimal.NewFromInt(1)) {
		return decimal.Decimal{}, fmt.Errorf("%w: ratio %q is above 1", ErrInvalidTask, s)
	}
	return d, nil
}

// CheckLabel returns an error wrapping ErrLabel when s is not a valid
// label: empty, not UTF-8, with a control character, or with leading or
// trailing white space. field names what s is, for the message.
func CheckLabel(field, s string) error {
	switch {
	case s == "":
		return fmt.Errorf("%w: %s is empty", ErrLabel, field)
	case !utf8.ValidString(s):
		return fmt.Errorf("%w: %s %q is not UTF-8", ErrLabel, field, s)
	case strings.TrimSpace(s) != s:
		return fmt.Errorf("%w: %s %q has leading or trailing space", ErrLabel, field, s)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return fmt.Errorf("%w: %s %q has a control character", ErrLabel, field, s)
		}
	}
	return nil
}

// DecodeTask reads a task from JSON strictly: unknown fields, floats and
// trailing data are refused. It does not validate the task; Commit does.
func DecodeTask(r io.Reader) (Task, error) {
	var t Task
	if err := decodeStrict(r, &t); err != nil {
		return Task{}, fmt.Errorf("task: %w", err)
	}
	return t, nil
}

// decodeStrict decodes exactly one JSON value into v, refusing unknown
// fields and trailing data.
// A UTF-8 BOM is accepted; duplicate keys are refused. The error names the
// JSON path and the value (internal/jsonin) and wraps ErrInvalidTask.
func decodeStrict(r io.Reader, v any) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := jsonin.Decode(data, v, jsonin.Options{}); err != nil {
		return decodeError{err: err, kind: ErrInvalidTask}
	}
	return nil
}

// decodeError is a JSON decoding error that also matches a sentinel
// (errors.Is) without repeating the sentinel's text.
type decodeError struct {
	err  error
	kind error
}

func (e decodeError) Error() string   { return e.err.Error() }
func (e decodeError) Unwrap() []error { return []error{e.err, e.kind} }
