package plan

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/shuangsuiji/ssj/internal/jsonin"
)

// DateLayout is the layout of every date in a plan: YYYY-MM-DD, the
// agency's local calendar day.
const DateLayout = "2006-01-02"

// Mode is a task's scope mode.
type Mode string

// Scope modes.
const (
	// Directed (定向抽查): the pool is restricted by at least one filter
	// (jurisdiction, industry or credit class).
	Directed Mode = "directed"
	// Undirected (不定向抽查): the pool is every target the task's
	// departments supervise.
	Undirected Mode = "undirected"
)

// Scope selects a task's pool from the target registry. An empty filter
// list does not restrict.
type Scope struct {
	Mode          Mode     `json:"mode"`
	Jurisdictions []string `json:"jurisdictions"`  // 6-digit division codes (辖区)
	Industries    []string `json:"industries"`     // industry codes (行业)
	CreditClasses []string `json:"credit_classes"` // credit-risk classes (信用风险分类)
}

// Window is a task's execution window, both days included.
type Window struct {
	From string `json:"from"` // YYYY-MM-DD
	To   string `json:"to"`   // YYYY-MM-DD
}

// ClassRatio is the sampling ratio a task applies to one credit class
// (rule R12), overriding the task's headline ratio for that class.
type ClassRatio struct {
	Class string          `json:"class"`
	Ratio decimal.Decimal `json:"ratio"`
}

// Task is one planned random draw (抽查任务) of the annual plan: what rules
// R9 and R14 require it to state. A task with participants is a joint
// cross-department task (跨部门联合抽查) launched by Department.
type Task struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Department is the department that runs the task; for a joint task,
	// the launching department (发起部门), whose inspector leads (R17).
	Department string `json:"department"`
	// Participants are the other departments of a joint task (参与部门);
	// empty for a single-department task.
	Participants []string `json:"participants"`
	// Items are the checklist item codes inspected (R1: all on the checklist).
	Items []string `json:"items"`
	Scope Scope    `json:"scope"`
	// Window is the execution window (执行时间), inside the plan year.
	Window Window `json:"window"`
	// EstimatedCount is the planned number of targets (预估数量, R9).
	EstimatedCount int `json:"estimated_count"`
	// Ratio is the headline sampling ratio (抽查比例), a fraction in (0, 1].
	// Rule R4's cap on general items applies to it.
	Ratio decimal.Decimal `json:"ratio"`
	// ClassRatios override Ratio per credit class (R12); classes not listed
	// use Ratio.
	ClassRatios []ClassRatio `json:"class_ratios"`
	// Uplift, when set, raises the class a target is counted under for
	// complaints, the abnormal list and serious violations (rule R12).
	Uplift *Uplift `json:"uplift,omitempty"`
	// RepeatReason, when set, declares the key area or special case that
	// allows this task to inspect again, in the same year, an item already
	// found compliant at a target (rule R11's exception). When empty, such
	// targets are excluded from the task's draw.
	RepeatReason string `json:"repeat_reason"`
	// RepeatKind says which exception RepeatReason invokes: RepeatKeyArea
	// (重点领域) or RepeatSpecialCase (特殊情况); empty means
	// RepeatSpecialCase when RepeatReason is set.
	RepeatKind string `json:"repeat_kind,omitempty"`
}

// Rule R11 exception kinds, spelled as the draw manifest spells them.
const (
	RepeatKeyArea     = "key_area"     // 重点领域
	RepeatSpecialCase = "special_case" // 特殊情况
)

// Exemption returns the R11 exception kind t invokes: "" when it invokes
// none, else RepeatKeyArea or RepeatSpecialCase.
func (t Task) Exemption() string {
	switch {
	case t.RepeatReason == "":
		return ""
	case t.RepeatKind == "":
		return RepeatSpecialCase
	}
	return t.RepeatKind
}

// Joint reports whether t is a joint cross-department task.
func (t Task) Joint() bool { return len(t.Participants) > 0 }

// Departments returns the launching department followed by the participants.
func (t Task) Departments() []string { return append([]string{t.Department}, t.Participants...) }

// ClassRatio returns the ratio t applies to targets of credit class c.
func (t Task) ClassRatio(c string) decimal.Decimal {
	for _, cr := range t.ClassRatios {
		if cr.Class == c {
			return cr.Ratio
		}
	}
	return t.Ratio
}

// Reason is why an inspection is not a random draw (rule R13).
type Reason string

// Reasons for a targeted (non-random) inspection, after 001 第三条.
const (
	ReasonKeyArea       Reason = "key_area"       // 重点领域、重大公共安全，未列入清单
	ReasonSuperiorOrder Reason = "superior_order" // 政府或上级机关专门要求、重点部署
	ReasonLead          Reason = "lead"           // 投诉举报、大数据监测、履职发现
	ReasonAssignedCase  Reason = "assigned_case"  // 转办、交办、督办案件
	ReasonEmergency     Reason = "emergency"      // 突发性事件
	ReasonOther         Reason = "other"          // 其他不适用随机抽查的情形
)

// IsKnown reports whether r is one of the Reason constants.
func (r Reason) IsKnown() bool {
	switch r {
	case ReasonKeyArea, ReasonSuperiorOrder, ReasonLead, ReasonAssignedCase, ReasonEmergency, ReasonOther:
		return true
	}
	return false
}

// Targeted is an inspection that is not a random draw (rule R13): recorded
// with its reason, and never counted in any random-draw figure.
type Targeted struct {
	ID         string   `json:"id"`
	Department string   `json:"department"`
	Items      []string `json:"items"`   // item codes; may lie outside the checklist (R13)
	Targets    []string `json:"targets"` // target IDs
	Reason     Reason   `json:"reason"`
	Note       string   `json:"note"` // the particulars: complaint number, order, case
	Date       string   `json:"date"` // YYYY-MM-DD
}

// Plan is the bureau's annual random-inspection plan (年度抽查计划, rule
// R9): the year's random tasks of every department and the targeted
// inspections recorded beside them. Each department's own plan is
// DepartmentTasks. An adjustment is a new Plan with the next Version
// (see Adjust).
type Plan struct {
	Year      int    `json:"year"`
	Authority string `json:"authority"` // the bureau publishing the plan
	Version   int    `json:"version"`
	Effective string `json:"effective"` // YYYY-MM-DD
	Note      string `json:"note"`
	// Departments are the departments (警种部门) bound by the plan.
	Departments []string   `json:"departments"`
	Tasks       []Task     `json:"tasks"`
	Targeted    []Targeted `json:"targeted"`
}

// Task returns the task with the given ID.
func (p Plan) Task(id string) (Task, bool) {
	for _, t := range p.Tasks {
		if t.ID == id {
			return t, true
		}
	}
	return Task{}, false
}

// DepartmentTasks returns, in plan order, the tasks department d launches
// or joins: that department's annual plan (R9).
func (p Plan) DepartmentTasks(d string) []Task {
	var out []Task
	for _, t := range p.Tasks {
		if slices.Contains(t.Departments(), d) {
			out = append(out, t)
		}
	}
	return out
}

// Decode reads a plan from JSON. Unknown fields are refused, ratios may be
// strings ("0.05") or numbers, and the plan is validated: the error is a
// FieldErrors listing every problem with its JSON path, or a wrapped
// ErrBadFile when the input is not a JSON plan at all.
func Decode(r io.Reader, file string) (Plan, error) {
	var p Plan
	data, err := io.ReadAll(r)
	if err != nil {
		return p, fmt.Errorf("%s: %w: %w", file, ErrBadFile, err)
	}
	if err := jsonin.Decode(data, &p, jsonin.Options{}); err != nil {
		return Plan{}, fmt.Errorf("%s: %w: %w", file, ErrBadFile, err)
	}
	if err := p.Validate(); err != nil {
		var fe FieldErrors
		if errors.As(err, &fe) {
			for _, e := range fe {
				e.File = file
			}
			return Plan{}, fe
		}
		return Plan{}, err
	}
	return p, nil
}

func parseDate(s string) (time.Time, error) {
	return time.Parse(DateLayout, s)
}

var one = decimal.NewFromInt(1)

// Validate reports every structural problem of p as FieldErrors: required
// fields (R9: scope, window, estimated count and ratio of every task; R14:
// a joint task's departments), dates inside the plan year, ratios in
// range, unique IDs, known departments and targeted-inspection reasons
// (R13). The rules of the regime are checked by Check, not here.
func (p Plan) Validate() error {
	var errs FieldErrors
	emit := func(path, value string, err error) {
		errs = append(errs, &FieldError{Path: path, Value: value, Err: err})
	}
	if p.Year < 2000 || p.Year > 9999 {
		emit("year", strconv.Itoa(p.Year), fmt.Errorf("%w: want a plan year from 2000 to 9999", ErrBadValue))
	}
	if p.Version < 1 {
		emit("version", strconv.Itoa(p.Version), fmt.Errorf("%w: versions start at 1", ErrBadValue))
	}
	if _, err := parseDate(p.Effective); err != nil {
		emit("effective", p.Effective, ErrBadDate)
	}
	if strings.TrimSpace(p.Authority) == "" {
		emit("authority", p.Authority, ErrMissingField)
	}
	if len(p.Departments) == 0 {
		emit("departments", "", ErrMissingField)
	}
	depts := map[string]bool{}
	for i, d := range p.Departments {
		path := fmt.Sprintf("departments[%d]", i)
		switch {
		case strings.TrimSpace(d) == "":
			emit(path, d, ErrMissingField)
		case depts[d]:
			emit(path, d, ErrDuplicate)
		}
		depts[d] = true
	}
	inYear := func(path, s string) {
		t, err := parseDate(s)
		if err != nil {
			emit(path, s, fmt.Errorf("%w: want YYYY-MM-DD", ErrBadDate))
		} else if t.Year() != p.Year {
			emit(path, s, fmt.Errorf("%w: outside plan year %d", ErrBadDate, p.Year))
		}
	}
	ids := map[string]bool{}
	checkID := func(path, id string) {
		switch {
		case strings.TrimSpace(id) == "":
			emit(path, id, ErrMissingField)
		case ids[id]:
			emit(path, id, ErrDuplicate)
		}
		ids[id] = true
	}
	checkList := func(path string, xs []string, required bool) {
		if required && len(xs) == 0 {
			emit(path, "", ErrMissingField)
		}
		seen := map[string]bool{}
		for j, x := range xs {
			p := fmt.Sprintf("%s[%d]", path, j)
			switch {
			case strings.TrimSpace(x) == "":
				emit(p, x, ErrMissingField)
			case seen[x]:
				emit(p, x, ErrDuplicate)
			}
			seen[x] = true
		}
	}
	for i, t := range p.Tasks {
		pre := fmt.Sprintf("tasks[%d]", i)
		if t.ID != "" {
			pre += "(" + t.ID + ")"
		}
		checkID(pre+".id", t.ID)
		if strings.TrimSpace(t.Name) == "" {
			emit(pre+".name", t.Name, ErrMissingField)
		}
		if !depts[t.Department] {
			emit(pre+".department", t.Department, ErrUnknownDepartment)
		}
		checkList(pre+".participants", t.Participants, false)
		for j, d := range t.Participants {
			path := fmt.Sprintf("%s.participants[%d]", pre, j)
			if d == t.Department {
				emit(path, d, fmt.Errorf("%w: the launching department is not a participant", ErrDuplicate))
			} else if d != "" && !depts[d] {
				emit(path, d, ErrUnknownDepartment)
			}
		}
		checkList(pre+".items", t.Items, true)
		filters := len(t.Scope.Jurisdictions) + len(t.Scope.Industries) + len(t.Scope.CreditClasses)
		switch {
		case t.Scope.Mode == Directed && filters == 0:
			emit(pre+".scope.mode", string(t.Scope.Mode), fmt.Errorf("%w: 定向 (directed) needs at least one filter", ErrBadScope))
		case t.Scope.Mode == Undirected && filters > 0:
			emit(pre+".scope.mode", string(t.Scope.Mode), fmt.Errorf("%w: 不定向 (undirected) takes no filter", ErrBadScope))
		case t.Scope.Mode != Directed && t.Scope.Mode != Undirected:
			emit(pre+".scope.mode", string(t.Scope.Mode), fmt.Errorf("%w: want %q or %q", ErrBadScope, Directed, Undirected))
		}
		checkList(pre+".scope.jurisdictions", t.Scope.Jurisdictions, false)
		checkList(pre+".scope.industries", t.Scope.Industries, false)
		checkList(pre+".scope.credit_classes", t.Scope.CreditClasses, false)
		inYear(pre+".window.from", t.Window.From)
		inYear(pre+".window.to", t.Window.To)
		if t.Window.To < t.Window.From {
			emit(pre+".window.to", t.Window.To, fmt.Errorf("%w: before window.from %s", ErrBadDate, t.Window.From))
		}
		if t.EstimatedCount < 1 {
			emit(pre+".estimated_count", strconv.Itoa(t.EstimatedCount), fmt.Errorf("%w: R9 needs an estimated count of at least 1", ErrBadValue))
		}
		if !t.Ratio.IsPositive() || t.Ratio.GreaterThan(one) {
			emit(pre+".ratio", t.Ratio.String(), fmt.Errorf("%w: want a fraction in (0, 1]", ErrBadValue))
		}
		switch {
		case t.RepeatKind != "" && t.RepeatKind != RepeatKeyArea && t.RepeatKind != RepeatSpecialCase:
			emit(pre+".repeat_kind", t.RepeatKind, fmt.Errorf("%w: want %q or %q", ErrBadValue, RepeatKeyArea, RepeatSpecialCase))
		case t.RepeatKind != "" && strings.TrimSpace(t.RepeatReason) == "":
			emit(pre+".repeat_reason", t.RepeatReason, fmt.Errorf("%w: repeat_kind %q needs a reason", ErrMissingField, t.RepeatKind))
		}
		if u := t.Uplift; u != nil {
			checkList(pre+".uplift.classes", u.Classes, true)
			for _, f := range []struct{ name, class string }{{"abnormal", u.Abnormal}, {"serious_violation", u.SeriousViolation}} {
				if f.class != "" && !slices.Contains(u.Classes, f.class) {
					emit(pre+".uplift."+f.name, f.class, fmt.Errorf("%w: not one of uplift.classes", ErrBadValue))
				}
			}
			switch {
			case u.ComplaintsAtLeast < 0:
				emit(pre+".uplift.complaints_at_least", strconv.Itoa(u.ComplaintsAtLeast), fmt.Errorf("%w: negative", ErrBadValue))
			case u.Abnormal == "" && u.SeriousViolation == "" && u.ComplaintsAtLeast == 0:
				emit(pre+".uplift", "", fmt.Errorf("%w: declares no rule (abnormal, serious_violation or complaints_at_least)", ErrMissingField))
			}
		}
		classes := map[string]bool{}
		for j, cr := range t.ClassRatios {
			path := fmt.Sprintf("%s.class_ratios[%d]", pre, j)
			switch {
			case strings.TrimSpace(cr.Class) == "":
				emit(path+".class", cr.Class, ErrMissingField)
			case classes[cr.Class]:
				emit(path+".class", cr.Class, ErrDuplicate)
			}
			classes[cr.Class] = true
			if cr.Ratio.IsNegative() || cr.Ratio.GreaterThan(one) {
				emit(path+".ratio", cr.Ratio.String(), fmt.Errorf("%w: want a fraction in [0, 1]", ErrBadValue))
			}
		}
	}
	for i, g := range p.Targeted {
		pre := fmt.Sprintf("targeted[%d]", i)
		if g.ID != "" {
			pre += "(" + g.ID + ")"
		}
		checkID(pre+".id", g.ID)
		if !depts[g.Department] {
			emit(pre+".department", g.Department, ErrUnknownDepartment)
		}
		checkList(pre+".items", g.Items, true)
		checkList(pre+".targets", g.Targets, true)
		if !g.Reason.IsKnown() {
			emit(pre+".reason", string(g.Reason), ErrBadReason)
		}
		if g.Reason == ReasonOther && strings.TrimSpace(g.Note) == "" {
			emit(pre+".note", g.Note, fmt.Errorf("%w: reason \"other\" needs a note", ErrMissingField))
		}
		inYear(pre+".date", g.Date)
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}
