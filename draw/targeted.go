package draw

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidTargeted is returned (wrapped) when a targeted inspection
// record is malformed.
var ErrInvalidTargeted = errors.New("draw: invalid targeted inspection")

// TargetedReason is why a target is inspected outside the random draw
// (rule R13).
type TargetedReason string

// Targeted inspection reasons (rule R13).
const (
	TargetedComplaint    TargetedReason = "complaint"     // 投诉举报
	TargetedBigDataLead  TargetedReason = "big_data_lead" // 大数据监测线索
	TargetedFoundOnDuty  TargetedReason = "found_on_duty" // 日常工作中发现的违法行为
	TargetedAssignedCase TargetedReason = "assigned_case" // 上级交办、转办、督办案件
	TargetedEmergency    TargetedReason = "emergency"     // 突发事件
	TargetedSpecialOrder TargetedReason = "special_order" // 政府或上级部门专项部署
	TargetedKeyArea      TargetedReason = "key_area"      // 清单外重点领域
	TargetedOther        TargetedReason = "other"         // 其他
)

// Valid reports whether r is one of the rule R13 reasons.
func (r TargetedReason) Valid() bool {
	switch r {
	case TargetedComplaint, TargetedBigDataLead, TargetedFoundOnDuty, TargetedAssignedCase,
		TargetedEmergency, TargetedSpecialOrder, TargetedKeyArea, TargetedOther:
		return true
	}
	return false
}

// TargetedType is the Type of every TargetedInspection, so that a
// targeted inspection can never be read as a random draw record.
const TargetedType = "targeted"

// TargetedInspection records an inspection that is not a random draw
// (rule R13): a complaint, a lead, a case, an emergency... It is its own
// record type, carries its reason and basis, and is never counted as a
// random draw (it has no manifest, ranks or quota).
type TargetedInspection struct {
	// Type is always "targeted".
	Type   string         `json:"type"`
	Target string         `json:"target"`
	Reason TargetedReason `json:"reason"`
	// Basis cites what triggered it: complaint number, case number, the
	// order's document number...
	Basis      string    `json:"basis"`
	Items      []string  `json:"items"`
	Department string    `json:"department"`
	DecidedAt  time.Time `json:"decided_at"`
	DecidedBy  string    `json:"decided_by"`
	// Note is free text; optional.
	Note string `json:"note,omitempty"`
}

// NewTargeted returns a validated targeted inspection record.
func NewTargeted(target string, reason TargetedReason, basis string, items []string, department string, at time.Time, by string) (TargetedInspection, error) {
	t := TargetedInspection{Type: TargetedType, Target: target, Reason: reason, Basis: basis,
		Items: append([]string(nil), items...), Department: department, DecidedAt: at.UTC(), DecidedBy: by}
	return t, t.Validate()
}

// Validate checks the record: type, labels, reason, items and time.
func (t TargetedInspection) Validate() error {
	if t.Type != TargetedType {
		return fmt.Errorf("%w: type %q (want %q)", ErrInvalidTargeted, t.Type, TargetedType)
	}
	for _, f := range []struct{ name, v string }{{"target", t.Target}, {"basis", t.Basis}, {"department", t.Department}, {"decided_by", t.DecidedBy}} {
		if err := CheckLabel(f.name, f.v); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidTargeted, err)
		}
	}
	if !t.Reason.Valid() {
		return fmt.Errorf("%w: target %q: reason %q (want complaint, big_data_lead, found_on_duty, assigned_case, emergency, special_order, key_area or other)", ErrInvalidTargeted, t.Target, t.Reason)
	}
	if err := checkSet("items", t.Items, true); err != nil {
		return fmt.Errorf("%w: target %q: %w", ErrInvalidTargeted, t.Target, err)
	}
	if t.DecidedAt.IsZero() {
		return fmt.Errorf("%w: target %q: decided_at is missing", ErrInvalidTargeted, t.Target)
	}
	return nil
}
