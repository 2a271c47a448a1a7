package plan

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/shuangsuiji/ssj/registry"
)

// Stratum is one credit class of a draw's pool: the ratio applied, the pool
// size (the quota's base: the whole scope, DRAW.md's default), the units
// left eligible after exclusions and the quota, ceil(Pool × Ratio) clamped
// to Eligible.
type Stratum struct {
	Class    string          `json:"class"`
	Ratio    decimal.Decimal `json:"ratio"`
	Pool     int             `json:"pool"`
	Eligible int             `json:"eligible"`
	Quota    int             `json:"quota"`
	// Uplifted is how many of Pool the task's uplift raised into this
	// class (rule R12); omitted when zero.
	Uplifted int `json:"uplifted,omitempty"`
}

// DrawInput is what a plan task hands to the draw (rules R14, R15), as
// plain values: the task, its scope, strata and ratios, items, window,
// joint departments and the R11 exclusions. Package plan does not import
// the draw; the caller maps DrawInput onto the draw's manifest.
type DrawInput struct {
	Year         int      `json:"year"`
	PlanVersion  int      `json:"plan_version"`
	TaskID       string   `json:"task_id"`
	TaskName     string   `json:"task_name"`
	Department   string   `json:"department"`   // launching department
	Participants []string `json:"participants"` // other departments of a joint task
	Items        []string `json:"items"`
	Window       Window   `json:"window"`
	Mode         Mode     `json:"mode"`
	// Jurisdictions, Industries and CreditClasses are the scope filters;
	// empty means unrestricted.
	Jurisdictions []string `json:"jurisdictions"`
	Industries    []string `json:"industries"`
	CreditClasses []string `json:"credit_classes"`
	// StratumKey names what the strata are keyed by: "credit_class".
	StratumKey string          `json:"stratum_key"`
	Ratio      decimal.Decimal `json:"ratio"`
	Strata     []Stratum       `json:"strata"`
	// Pool is every target ID in the task's scope, sorted.
	Pool []string `json:"pool"`
	// Exclude are target IDs not to be drawn: found compliant this year for
	// one of the task's items (rule R11), sorted.
	Exclude []string `json:"exclude"`
	// ScopeDepartments restricts the pool to targets supervised by one of
	// these departments: the launching department and the participants.
	ScopeDepartments []string `json:"scope_departments"`
	// Compliant are the R11 history records behind Exclude: inspections of
	// the task's items found compliant in the plan year on or before the
	// window's end, sorted by target, item and date. They are given even
	// when the task is exempt, so the draw can record them.
	Compliant []Record `json:"compliant"`
	// ComplianceExempt is the R11 exception invoked: "key_area",
	// "special_case" or "" (see Task.Exemption).
	ComplianceExempt string `json:"compliance_exempt"`
	// RepeatReason is the task's R11 exception, when it has one.
	RepeatReason string `json:"repeat_reason"`
	// Uplift is the task's credit-class uplift (rule R12), which the strata
	// above already apply; the draw's manifest takes it as its uplift.
	Uplift *Uplift `json:"uplift,omitempty"`
}

// DrawInput returns the draw input of the task with the given ID, its pool
// taken from targets (active ones only) and its R11 exclusions from
// history.
func (p Plan) DrawInput(taskID string, targets []registry.Target, history []Record) (DrawInput, error) {
	k, ok := p.Task(taskID)
	if !ok {
		return DrawInput{}, fmt.Errorf("plan %d v%d: %w: %q", p.Year, p.Version, ErrUnknownTask, taskID)
	}
	active := activeTargets(targets)
	pl := pool(k, p.Year, active, history)
	in := DrawInput{
		Year: p.Year, PlanVersion: p.Version, TaskID: k.ID, TaskName: k.Name,
		Department: k.Department, Participants: clone(k.Participants), Items: clone(k.Items),
		Window: k.Window, Mode: k.Scope.Mode,
		Jurisdictions: clone(k.Scope.Jurisdictions), Industries: clone(k.Scope.Industries), CreditClasses: clone(k.Scope.CreditClasses),
		StratumKey: "credit_class", Ratio: k.Ratio, Strata: []Stratum{}, Pool: []string{},
		Exclude: clone(pl.excluded), RepeatReason: k.RepeatReason,
		ScopeDepartments: k.Departments(), Compliant: []Record{}, ComplianceExempt: k.Exemption(),
	}
	if k.Uplift != nil {
		u := *k.Uplift
		u.Classes = slices.Clone(u.Classes)
		in.Uplift = &u
	}
	prefix := strconv.Itoa(p.Year) + "-"
	for _, r := range history {
		if r.Result == ResultCompliant && slices.Contains(k.Items, r.Item) && strings.HasPrefix(r.Date, prefix) && r.Date <= k.Window.To {
			in.Compliant = append(in.Compliant, r)
		}
	}
	slices.SortStableFunc(in.Compliant, func(a, b Record) int {
		return cmp.Or(strings.Compare(a.TargetID, b.TargetID), strings.Compare(a.Item, b.Item), strings.Compare(a.Date, b.Date))
	})
	for _, s := range pl.strata {
		in.Strata = append(in.Strata, Stratum{Class: s.class, Ratio: s.ratio, Pool: len(s.members), Eligible: s.eligible, Quota: s.quota, Uplifted: s.uplifted})
		for _, m := range s.members {
			in.Pool = append(in.Pool, active[m].ID)
		}
	}
	slices.Sort(in.Pool)
	return in, nil
}

func clone(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return slices.Clone(xs)
}
