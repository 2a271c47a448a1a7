package draw

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shuangsuiji/ssj/registry"
)

// Uplift is a task's declared rule for sampling riskier units more
// intensely (rule R12: entities with many complaints, on the
// abnormal-operations list 经营异常名录, or with serious violations
// 严重违法失信 are inspected more). It changes the credit class a unit is
// stratified under, never its registered class, its scope or its
// eligibility. The rule is part of the manifest, and it reads only fields
// of the committed target leaf (abnormal, serious_violation, complaints,
// credit_class), so an auditor recomputes every unit's class from the
// published pool.
//
// A unit's uplifted class is the highest (latest in Classes) of:
//   - its registered credit class, moved one class up when
//     ComplaintsAtLeast > 0 and it has at least that many complaints (the
//     highest class stays where it is);
//   - Abnormal, when set and the unit is on the abnormal-operations list;
//   - SeriousViolation, when set and the unit has a serious violation.
type Uplift struct {
	// Classes are the credit classes from the lowest risk to the highest,
	// e.g. ["A", "B", "C", "D"]. Every unit in scope must have one of them.
	Classes []string `json:"classes"`
	// Abnormal is the class of a unit on the abnormal-operations list, when
	// higher than its own; empty: the list does not raise the class.
	Abnormal string `json:"abnormal,omitempty"`
	// SeriousViolation is the class of a unit with a serious violation,
	// when higher than its own; empty: no effect.
	SeriousViolation string `json:"serious_violation,omitempty"`
	// ComplaintsAtLeast, when positive, raises a unit with at least that
	// many complaints one class; 0: complaints have no effect.
	ComplaintsAtLeast int `json:"complaints_at_least,omitempty"`
}

// Validate checks the rule on its own: classes are distinct labels
// without "/", Abnormal and SeriousViolation name one of them, the
// complaint threshold is not negative, and at least one rule is declared.
func (u *Uplift) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: uplift."+format, append([]any{ErrInvalidTask}, a...)...)
	}
	if err := checkSet("uplift.classes", u.Classes, true); err != nil {
		return err
	}
	for i, c := range u.Classes {
		if strings.Contains(c, "/") {
			return bad("classes[%d] %q contains \"/\"", i, c)
		}
	}
	for _, f := range []struct{ name, class string }{{"abnormal", u.Abnormal}, {"serious_violation", u.SeriousViolation}} {
		if f.class != "" && !slices.Contains(u.Classes, f.class) {
			return bad("%s %q is not one of classes %q", f.name, f.class, u.Classes)
		}
	}
	if u.ComplaintsAtLeast < 0 {
		return bad("complaints_at_least %d is negative", u.ComplaintsAtLeast)
	}
	if u.Abnormal == "" && u.SeriousViolation == "" && u.ComplaintsAtLeast == 0 {
		return bad("declares no rule: set abnormal, serious_violation or complaints_at_least")
	}
	return nil
}

// Class returns the class t is stratified under and whether the rule
// raised it above t's registered credit class. A registered class that is
// not in Classes is an error naming the unit.
func (u *Uplift) Class(t *registry.Target) (string, bool, error) {
	i := slices.Index(u.Classes, t.CreditClass)
	if i < 0 {
		return "", false, fmt.Errorf("%w: target %q: credit class %q is not one of uplift.classes %q", ErrInvalidTask, t.ID, t.CreditClass, u.Classes)
	}
	c := i
	if u.ComplaintsAtLeast > 0 && t.Complaints >= u.ComplaintsAtLeast {
		c = min(i+1, len(u.Classes)-1)
	}
	if t.Abnormal && u.Abnormal != "" {
		c = max(c, slices.Index(u.Classes, u.Abnormal))
	}
	if t.SeriousViolation && u.SeriousViolation != "" {
		c = max(c, slices.Index(u.Classes, u.SeriousViolation))
	}
	return u.Classes[c], c != i, nil
}
