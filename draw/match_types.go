package draw

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// MatchSpec is the part of a task's manifest that shapes inspector matching
// (DRAW.md §5). It is fixed and published before the randomness exists, so
// nothing in it can be chosen after the ranks are known. The JSON form holds
// no floats.
type MatchSpec struct {
	// TeamSize is the number of seats per target, at least 2 (rule R17).
	TeamSize int `json:"team_size"`
	// LaunchingDepartment is the department whose leader-eligible
	// inspectors may lead a group (rule R17: in a joint task the leader
	// comes from the launching department).
	LaunchingDepartment string `json:"launching_department"`
	// ParticipatingDepartments are the other departments of a joint task
	// (rule R14); each gets one seat in every group, in this order. Empty
	// for a single-department task.
	ParticipatingDepartments []string `json:"participating_departments,omitempty"`
	// Items are the inspection item codes of the task. Every group checks
	// all of them in one visit (rule R20). Without ItemDepartments an
	// inspector is qualified only when their Qualifications contain every
	// item.
	Items []string `json:"items"`
	// ItemDepartments, when present, assigns every item to the department
	// that checks it (the checklist's inspecting department, 检查主体): one
	// entry per item, in Items order, each naming the launching or a
	// participating department, and every department of the task owning at
	// least one item. An inspector is then qualified when they belong to a
	// department of the task and hold the qualifications of that
	// department's items; the leader's seat therefore needs the launching
	// department's items, a department seat that department's items, and the
	// group as a whole covers every item (rule R20 in a joint task). Each
	// seat records the items it covers (Seat.Items). Empty: every seat needs
	// every item, as in a single-department task.
	ItemDepartments []ItemDepartment `json:"item_departments,omitempty"`
	// WindowFrom and WindowTo bound the half-open execution window
	// [WindowFrom, WindowTo). An inspector with an unavailable period that
	// overlaps it is not eligible.
	WindowFrom time.Time `json:"window_from"`
	WindowTo   time.Time `json:"window_to"`
	// HomeRegions are the jurisdiction codes allowed in the home pool;
	// empty allows every jurisdiction.
	HomeRegions []string `json:"home_regions,omitempty"`
	// Fallback declares a cross-region fallback pool (rule R7). Its
	// inspectors are used only for a seat the home pool cannot fill, and
	// such seats are marked. Without the declaration a non-empty fallback
	// pool is refused.
	Fallback bool `json:"fallback,omitempty"`
	// FallbackRegions are the jurisdiction codes allowed in the fallback
	// pool; empty allows every jurisdiction.
	FallbackRegions []string `json:"fallback_regions,omitempty"`
	// Cap is the maximum number of targets one inspector may be seated at in
	// this task; 0 means no cap.
	Cap int `json:"cap,omitempty"`
	// Conflicts is the manifest's conflict list: pairs that must not meet,
	// in addition to the interests inspectors declared in the registry
	// (rule R19).
	Conflicts []InspectorConflict `json:"conflicts,omitempty"`
	// RotationMonths, when positive, excludes an inspector from a target
	// they inspected (per History) within that many calendar months before
	// WindowFrom.
	RotationMonths int `json:"rotation_months,omitempty"`
	// History lists earlier inspections, used by the rotation rule.
	History []RotationEntry `json:"history,omitempty"`
}

// InspectorConflict is one entry of the manifest's conflict list: inspector Cert
// must not inspect Target (rule R19).
type InspectorConflict struct {
	Target string `json:"target"`
	Cert   string `json:"cert"`
	Reason string `json:"reason"`
}

// ItemDepartment assigns one item of a joint task to the department whose
// inspectors check it (rule R20).
type ItemDepartment struct {
	Item       string `json:"item"`
	Department string `json:"department"`
}

// RotationEntry records that inspector Cert inspected Target on Date; only
// the UTC calendar date of Date is used.
type RotationEntry struct {
	Cert   string    `json:"cert"`
	Target string    `json:"target"`
	Date   time.Time `json:"date"`
}

// Role is an inspector's role in a group.
type Role string

// Roles. Every group has exactly one leader (rule R17).
const (
	RoleLeader Role = "leader" // 组长
	RoleMember Role = "member" // 组员
)

// SeatKind says which rule filled a seat.
type SeatKind string

// Seat kinds, in the order seats are filled.
const (
	// SeatLeader is the leader's seat: best-ranked eligible leader-eligible
	// inspector of the launching department.
	SeatLeader SeatKind = "leader"
	// SeatDepartment is a participating department's seat in a joint task:
	// best-ranked eligible inspector of that department.
	SeatDepartment SeatKind = "department"
	// SeatOpen is any remaining seat: best-ranked eligible inspector.
	SeatOpen SeatKind = "open"
)

// Seat is one filled seat of a group.
type Seat struct {
	Cert       string   `json:"cert"`
	Department string   `json:"department"`
	Role       Role     `json:"role"`
	Kind       SeatKind `json:"kind"`
	// SeatDepartment is the department a SeatDepartment seat requires
	// (the launching department for a SeatLeader seat; empty for SeatOpen).
	SeatDepartment string `json:"seat_department,omitempty"`
	// Rank is rank("inspector", target, cert) as lower-case hex.
	Rank string `json:"rank"`
	// FromFallback is true when the seat was filled from the cross-region
	// fallback pool because the home pool could not fill it (rule R7).
	FromFallback bool `json:"from_fallback"`
	// Items are the items this seat covers: the items the spec's
	// ItemDepartments assign to the inspector's department, in spec order
	// (rule R20). Empty (omitted) when the spec has no ItemDepartments: then
	// every seat covers every item of the group.
	Items []string `json:"items,omitempty"`
}

// Group is the inspection group matched to one target.
type Group struct {
	Target string `json:"target"`
	// Items are the task's items, all checked in one visit (rule R20).
	Items []string `json:"items"`
	// Seats are in fill order: leader, participating departments in
	// manifest order, open seats.
	Seats []Seat `json:"seats"`
	// Eligible is how many home-pool inspectors were eligible for this
	// target when its seats were filled.
	Eligible int `json:"eligible"`
	// Exclusions counts, per reason, the home-pool inspectors not eligible
	// for this target; each inspector is counted once, under the first
	// reason in ExclusionReasons order. Reasons with a zero count are left
	// out.
	Exclusions []ReasonCount `json:"exclusions"`
	// FallbackExclusions is the same count over the fallback pool. It is
	// present (non-nil) exactly when the fallback pool was consulted for
	// this target, and then written even when empty ("[]"); it is nil and
	// left out of the JSON when the home pool filled every seat. Since
	// ssj-v1.1; earlier records omitted an empty list.
	FallbackExclusions []ReasonCount `json:"fallback_exclusions,omitzero"`
}

// MatchReason is an exclusion reason code.
type MatchReason string

// Exclusion reasons, in the order they are tested: an inspector failing
// several is counted under the first. Group.Exclusions uses the eight
// eligibility reasons (inactive ... cap); ExclDeparted applies only to
// replacements, and the last three only appear in a SeatError, where they
// say why an otherwise eligible inspector could not take a particular seat.
const (
	ExclInactive    MatchReason = "inactive"    // deactivated in the registry
	ExclUnavailable MatchReason = "unavailable" // unavailable period overlaps the window
	ExclUnqualified MatchReason = "unqualified" // lacks one of the task's items (of their department's items, R20)
	ExclRegion      MatchReason = "region"      // jurisdiction not allowed for the pool
	ExclInterest    MatchReason = "interest"    // declared interest in the target (R19)
	ExclConflict    MatchReason = "conflict"    // on the manifest's conflict list (R19)
	ExclRotation    MatchReason = "rotation"    // inspected the target within RotationMonths
	ExclDeparted    MatchReason = "departed"    // left this target's group by replacement (R18)
	ExclCap         MatchReason = "cap"         // already seated at Cap targets
	ExclSeated      MatchReason = "seated"      // already holds a seat in this group
	ExclDepartment  MatchReason = "department"  // not of the department the seat requires
	ExclNotLeader   MatchReason = "not_leader"  // not leader-eligible (leader seat)
)

// matchReasons is every MatchReason in test order.
var matchReasons = [...]MatchReason{
	ExclInactive, ExclUnavailable, ExclUnqualified, ExclRegion,
	ExclInterest, ExclConflict, ExclRotation, ExclDeparted, ExclCap,
	ExclSeated, ExclDepartment, ExclNotLeader,
}

// MatchReasons returns every exclusion reason in the order they are tested.
func MatchReasons() []MatchReason { return append([]MatchReason(nil), matchReasons[:]...) }

// ReasonCount is how many inspectors one reason removed.
type ReasonCount struct {
	Reason MatchReason `json:"reason"`
	Count  int         `json:"count"`
}

// ErrInvalidMatch is returned (wrapped) when a MatchSpec, a target list or an
// inspector pool cannot be matched at all (team size below 2, duplicate
// labels, undeclared fallback pool...).
var ErrInvalidMatch = errors.New("draw: invalid matching input")

// ErrSeatUnfilled is returned (wrapped, inside a *SeatError) when no
// eligible inspector is left for a seat. A group is never silently smaller
// than the team size.
var ErrSeatUnfilled = errors.New("draw: seat cannot be filled")

// SeatError reports a seat that cannot be filled: the target, the seat and
// how many candidates each reason removed, per pool. Retrieve it with
// errors.As; it matches ErrSeatUnfilled with errors.Is.
type SeatError struct {
	Target string
	// Seat names the seat: "leader", "department <name>" or "member <n>"
	// (n counts seats from 1).
	Seat string
	// Items are the items the seat needs (the seat department's items
	// under MatchSpec.ItemDepartments); nil when the seat needs every item
	// of the task or, for an open seat of a joint task, the items of
	// whichever department fills it.
	Items []string
	// Home and Fallback count, per reason, the inspectors of each pool that
	// could not take the seat (eligibility reasons first, then seat reasons).
	// Fallback is nil when no fallback pool is declared.
	HomePool     int
	Home         []ReasonCount
	FallbackPool int
	Fallback     []ReasonCount
}

// Error names the target, the seat and the per-reason counts of each pool.
func (e *SeatError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "draw: target %q: seat %s", e.Target, e.Seat)
	if len(e.Items) > 0 {
		fmt.Fprintf(&b, " (items %s)", strings.Join(e.Items, ", "))
	}
	fmt.Fprintf(&b, " cannot be filled: home pool %d inspectors", e.HomePool)
	writeCounts(&b, e.Home)
	if e.Fallback != nil || e.FallbackPool > 0 {
		fmt.Fprintf(&b, "; fallback pool %d inspectors", e.FallbackPool)
		writeCounts(&b, e.Fallback)
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrSeatUnfilled) true.
func (e *SeatError) Unwrap() error { return ErrSeatUnfilled }

func writeCounts(b *strings.Builder, cs []ReasonCount) {
	if len(cs) == 0 {
		return
	}
	b.WriteString(" (")
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(b, "%s %d", c.Reason, c.Count)
	}
	b.WriteString(")")
}

// ReplaceReason is the reason a seated inspector is replaced. Rule R18
// allows exactly four.
type ReplaceReason string

// Replacement reasons (rule R18).
const (
	ReplaceChangedPost  ReplaceReason = "changed_post"  // 岗位调整
	ReplaceWorkConflict ReplaceReason = "work_conflict" // 工作冲突
	ReplaceHealth       ReplaceReason = "health"        // 身体健康
	// ReplaceRecusal is used when an interest comes to light after
	// assignment (rule R19); the inspector is then excluded from that
	// target like every other departed inspector.
	ReplaceRecusal ReplaceReason = "recusal" // 执行回避
)

// Valid reports whether r is one of the four reasons of rule R18.
func (r ReplaceReason) Valid() bool {
	switch r {
	case ReplaceChangedPost, ReplaceWorkConflict, ReplaceHealth, ReplaceRecusal:
		return true
	}
	return false
}

// ReplacementRequest asks to replace one seated inspector (rule R18).
type ReplacementRequest struct {
	Target    string        `json:"target"`
	Inspector string        `json:"inspector"` // certificate number of the inspector leaving
	Reason    ReplaceReason `json:"reason"`
	// Approver is the deputy head in charge (分管负责人) who approved; required.
	Approver string `json:"approver"`
	// At is the approval time; required.
	At time.Time `json:"at"`
	// Note is free text (e.g. the interest that came to light); optional.
	Note string `json:"note,omitempty"`
}

// Replacement is one appended, hash-chained replacement in the record.
type Replacement struct {
	// Seq numbers replacements from 1 in record order.
	Seq      int           `json:"seq"`
	Target   string        `json:"target"`
	Leaving  string        `json:"leaving"`
	Reason   ReplaceReason `json:"reason"`
	Approver string        `json:"approver"`
	At       time.Time     `json:"at"`
	Note     string        `json:"note,omitempty"`
	// SeatIndex is the 0-based index of the seat in the target's group.
	SeatIndex int `json:"seat_index"`
	// Newcomer is the seat as filled by the replacement draw.
	Newcomer Seat `json:"newcomer"`
	// PrevHash is the previous replacement's Hash, or GroupsHash of the
	// initial groups for the first replacement.
	PrevHash string `json:"prev_hash"`
	// StateHash is GroupsHash of the groups after this replacement.
	StateHash string `json:"state_hash"`
	// Hash is SHA-256 of the canonical JSON of this replacement without the
	// hash member (and without the approval).
	Hash string `json:"hash"`
	// Approval, when present, is the deputy head's signature approving the
	// replacement (rule R18; SignReplacement). It is not hashed.
	Approval *ReplacementApproval `json:"approval,omitempty"`
}

// ErrInvalidRequest is returned (wrapped) when a replacement request is
// refused: unknown reason, missing approver or time, unknown target, or an
// inspector not seated at that target.
var ErrInvalidRequest = errors.New("draw: invalid replacement request")

// MatchDiffError is the first difference VerifyMatching found between the
// published groups or replacements and their recomputation.
type MatchDiffError struct {
	// Path locates the value, e.g. "groups[3].seats[1].cert" or
	// "replacements[0].hash".
	Path string
	Want string // recomputed value
	Got  string // published value
}

// Error names the path and both values.
func (e *MatchDiffError) Error() string {
	return fmt.Sprintf("draw: matching differs at %s: recomputed %q, published %q", e.Path, e.Want, e.Got)
}
