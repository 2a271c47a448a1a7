package plan

import (
	"slices"

	"github.com/shuangsuiji/ssj/registry"
)

// Uplift is a task's declared credit-class uplift (rule R12: entities with
// many complaints, on the abnormal-operations list 经营异常名录 or with
// serious violations 严重违法失信 are sampled more intensely). It is the
// same rule, with the same JSON, as the draw manifest's uplift
// (draw.Uplift, docs/draw-spec.md §5); the plan applies it to estimate
// each class's pool and draws, and DrawInput hands it on to the draw.
//
// A target's uplifted class is the highest (latest in Classes) of its
// registered class moved one class up when ComplaintsAtLeast > 0 and it has
// at least that many complaints; Abnormal when it is on the abnormal list;
// SeriousViolation when it has a serious violation.
type Uplift struct {
	// Classes are the credit classes from the lowest risk to the highest.
	Classes []string `json:"classes"`
	// Abnormal is the class of a target on the abnormal list; "" for none.
	Abnormal string `json:"abnormal,omitempty"`
	// SeriousViolation is the class of a target with a serious violation;
	// "" for none.
	SeriousViolation string `json:"serious_violation,omitempty"`
	// ComplaintsAtLeast, when positive, raises a target with at least that
	// many complaints one class.
	ComplaintsAtLeast int `json:"complaints_at_least,omitempty"`
}

// Class returns the class t is stratified under, whether the rule raised
// it, and ok = false when t's registered class is not among Classes (the
// draw refuses such a target; the plan keeps its registered class).
func (u *Uplift) Class(t registry.Target) (class string, raised, ok bool) {
	i := slices.Index(u.Classes, t.CreditClass)
	if i < 0 {
		return t.CreditClass, false, false
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
	return u.Classes[c], c != i, true
}
