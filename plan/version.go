package plan

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/shuangsuiji/ssj/internal/canon"
)

// Schema names of the published forms, written in their "schema" field.
const (
	SchemaPlan = "ssj.plan/1"
	SchemaDiff = "ssj.plan.diff/1"
)

// FieldChange is one changed field of a task or targeted inspection: JSON
// name, published Chinese label, old and new published values.
type FieldChange struct {
	Field string `json:"field"`
	Label string `json:"label"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Change lists the changed fields of one task or targeted inspection.
type Change struct {
	ID     string        `json:"id"`
	Fields []FieldChange `json:"fields"`
}

// Diff is the adjustment from one plan version to the next (rule R9:
// adjustments are published too). Each list is in ID order; field changes
// are in the fixed field order of Task and Targeted.
type Diff struct {
	Year      int           `json:"year"`
	From      int           `json:"from_version"`
	To        int           `json:"to_version"`
	Effective string        `json:"effective"`
	Plan      []FieldChange `json:"plan"` // authority, departments
	Added     []Task        `json:"added"`
	Removed   []Task        `json:"removed"`
	Changed   []Change      `json:"changed"`
	// TargetedAdded, TargetedRemoved and TargetedChanged are the targeted
	// inspections (R13) recorded, withdrawn or amended.
	TargetedAdded   []Targeted `json:"targeted_added"`
	TargetedRemoved []Targeted `json:"targeted_removed"`
	TargetedChanged []Change   `json:"targeted_changed"`
}

// Empty reports whether d records no change.
func (d Diff) Empty() bool {
	return len(d.Plan)+len(d.Added)+len(d.Removed)+len(d.Changed)+
		len(d.TargetedAdded)+len(d.TargetedRemoved)+len(d.TargetedChanged) == 0
}

type field struct{ name, label, value string }

func modeChinese(m Mode) string {
	if m == Directed {
		return "定向"
	}
	return "不定向"
}

func listOr(xs []string, none string) string {
	if len(xs) == 0 {
		return none
	}
	return strings.Join(xs, "、")
}

func scopeText(s Scope) string {
	return fmt.Sprintf("%s；辖区：%s；行业：%s；信用等级：%s", modeChinese(s.Mode),
		listOr(s.Jurisdictions, "全部"), listOr(s.Industries, "全部"), listOr(s.CreditClasses, "全部"))
}

func ratioText(k Task) string {
	s := pct(k.Ratio)
	if len(k.ClassRatios) > 0 {
		parts := make([]string, len(k.ClassRatios))
		for i, cr := range k.ClassRatios {
			parts[i] = cr.Class + "类" + pct(cr.Ratio)
		}
		s += "（" + strings.Join(parts, "、") + "）"
	}
	return s
}

func repeatText(k Task) string {
	switch k.Exemption() {
	case RepeatKeyArea:
		return "（重点领域）" + k.RepeatReason
	case RepeatSpecialCase:
		return "（特殊情况）" + k.RepeatReason
	}
	return ""
}

func taskFields(k Task) []field {
	return []field{
		{"name", "任务名称", k.Name},
		{"department", "发起部门", k.Department},
		{"participants", "参与部门", listOr(k.Participants, "")},
		{"items", "抽查事项", strings.Join(k.Items, "、")},
		{"scope", "抽查范围", scopeText(k.Scope)},
		{"window", "执行时间", k.Window.From + "至" + k.Window.To},
		{"estimated_count", "预估数量", strconv.Itoa(k.EstimatedCount)},
		{"ratio", "抽查比例", ratioText(k)},
		{"repeat_reason", "重复检查理由", repeatText(k)},
	}
}

var reasonChinese = map[Reason]string{
	ReasonKeyArea:       "重点领域、重大公共安全",
	ReasonSuperiorOrder: "上级专门要求或重点工作部署",
	ReasonLead:          "投诉举报、大数据监测或履职发现",
	ReasonAssignedCase:  "转办、交办、督办案件",
	ReasonEmergency:     "突发性事件",
	ReasonOther:         "其他",
}

func targetedFields(g Targeted) []field {
	return []field{
		{"department", "检查部门", g.Department},
		{"items", "检查事项", strings.Join(g.Items, "、")},
		{"targets", "检查对象", strings.Join(g.Targets, "、")},
		{"reason", "检查原因", reasonChinese[g.Reason]},
		{"note", "说明", g.Note},
		{"date", "日期", g.Date},
	}
}

func changes(a, b []field) []FieldChange {
	var out []FieldChange
	for i := range a {
		if a[i].value != b[i].value {
			out = append(out, FieldChange{Field: a[i].name, Label: a[i].label, Old: a[i].value, New: b[i].value})
		}
	}
	return out
}

// diffByID merges two ID-sorted lists into added, removed and changed.
func diffByID[T any](a, b []T, id func(T) string, fields func(T) []field) (added, removed []T, changed []Change) {
	a, b = sortedBy(a, id), sortedBy(b, id)
	added, removed, changed = []T{}, []T{}, []Change{}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && id(a[i]) < id(b[j])):
			removed = append(removed, a[i])
			i++
		case i == len(a) || id(b[j]) < id(a[i]):
			added = append(added, b[j])
			j++
		default:
			if fc := changes(fields(a[i]), fields(b[j])); len(fc) > 0 {
				changed = append(changed, Change{ID: id(b[j]), Fields: fc})
			}
			i++
			j++
		}
	}
	return added, removed, changed
}

func sortedBy[T any](xs []T, id func(T) string) []T {
	out := slices.Clone(xs)
	slices.SortStableFunc(out, func(x, y T) int { return strings.Compare(id(x), id(y)) })
	return out
}

// Compare returns the diff from plan a to plan b.
func Compare(a, b Plan) Diff {
	a, b = a.normalized(), b.normalized()
	d := Diff{Year: b.Year, From: a.Version, To: b.Version, Effective: b.Effective, Plan: []FieldChange{}}
	d.Plan = append(d.Plan, changes(
		[]field{{"authority", "计划机关", a.Authority}, {"departments", "涉及部门", strings.Join(a.Departments, "、")}},
		[]field{{"authority", "计划机关", b.Authority}, {"departments", "涉及部门", strings.Join(b.Departments, "、")}})...)
	d.Added, d.Removed, d.Changed = diffByID(a.Tasks, b.Tasks, func(t Task) string { return t.ID }, taskFields)
	d.TargetedAdded, d.TargetedRemoved, d.TargetedChanged = diffByID(a.Targeted, b.Targeted, func(g Targeted) string { return g.ID }, targetedFields)
	return d
}

// Adjust checks that next is a valid adjustment of prev — same year,
// version prev.Version+1, effective after prev, valid, and different — and
// returns the diff to publish with it (rule R9).
func Adjust(prev, next Plan) (Diff, error) {
	if err := next.Validate(); err != nil {
		return Diff{}, err
	}
	switch {
	case next.Year != prev.Year:
		return Diff{}, fmt.Errorf("%w: adjustment for year %d of a %d plan", ErrVersionOrder, next.Year, prev.Year)
	case next.Version != prev.Version+1:
		return Diff{}, fmt.Errorf("%w: version %d follows version %d", ErrVersionOrder, next.Version, prev.Version)
	case next.Effective <= prev.Effective:
		return Diff{}, fmt.Errorf("%w: version %d effective %s, not after version %d's %s", ErrVersionOrder, next.Version, next.Effective, prev.Version, prev.Effective)
	}
	d := Compare(prev, next)
	if d.Empty() {
		return Diff{}, fmt.Errorf("%w: version %d equals version %d", ErrNoChange, next.Version, prev.Version)
	}
	return d, nil
}

// normalized returns p with nil lists made empty and tasks and targeted
// inspections in ID order, for publication.
func (p Plan) normalized() Plan {
	id := func(t Task) string { return t.ID }
	p.Departments = clone(p.Departments)
	p.Tasks = sortedBy(p.Tasks, id)
	for i := range p.Tasks {
		t := &p.Tasks[i]
		t.Participants, t.Items = clone(t.Participants), clone(t.Items)
		t.Scope.Jurisdictions, t.Scope.Industries, t.Scope.CreditClasses = clone(t.Scope.Jurisdictions), clone(t.Scope.Industries), clone(t.Scope.CreditClasses)
		if t.ClassRatios == nil {
			t.ClassRatios = []ClassRatio{}
		}
	}
	p.Targeted = sortedBy(p.Targeted, func(g Targeted) string { return g.ID })
	if p.Targeted == nil {
		p.Targeted = []Targeted{}
	}
	for i := range p.Targeted {
		p.Targeted[i].Items, p.Targeted[i].Targets = clone(p.Targeted[i].Items), clone(p.Targeted[i].Targets)
	}
	if p.Tasks == nil {
		p.Tasks = []Task{}
	}
	return p
}

// PublishJSON returns the published machine form of p: RFC 8785 canonical
// JSON with a "schema" field; ratios are decimal strings.
func (p Plan) PublishJSON() ([]byte, error) {
	b, err := canon.Marshal(struct {
		Schema string `json:"schema"`
		Plan
	}{SchemaPlan, p.normalized()})
	if err != nil {
		return nil, fmt.Errorf("plan %d v%d: publish: %w", p.Year, p.Version, err)
	}
	return b, nil
}

// PublishJSON returns the published machine form of d.
func (d Diff) PublishJSON() ([]byte, error) {
	if d.Plan == nil {
		d.Plan = []FieldChange{}
	}
	b, err := canon.Marshal(struct {
		Schema string `json:"schema"`
		Diff
	}{SchemaDiff, d})
	if err != nil {
		return nil, fmt.Errorf("plan diff %d→%d: publish: %w", d.From, d.To, err)
	}
	return b, nil
}

// PublishText writes the readable Chinese form of p, as posted on the
// agency's portal: the random tasks, then the targeted inspections, which
// are not random draws (R13).
func (p Plan) PublishText(w io.Writer) error {
	p = p.normalized()
	var b bytes.Buffer
	joint := 0
	for _, k := range p.Tasks {
		if k.Joint() {
			joint++
		}
	}
	fmt.Fprintf(&b, "%s%d年度“双随机、一公开”抽查计划（第%d版）\n", p.Authority, p.Year, p.Version)
	fmt.Fprintf(&b, "生效日期：%s\n", p.Effective)
	if p.Note != "" {
		fmt.Fprintf(&b, "说明：%s\n", p.Note)
	}
	fmt.Fprintf(&b, "涉及部门：%s\n", strings.Join(p.Departments, "、"))
	fmt.Fprintf(&b, "\n一、随机抽查任务（共%d项，其中跨部门联合抽查%d项）\n", len(p.Tasks), joint)
	for n, k := range p.Tasks {
		fmt.Fprintf(&b, "%d. %s %s\n", n+1, k.ID, k.Name)
		for _, f := range taskFields(k)[1:] {
			if f.value != "" {
				fmt.Fprintf(&b, "   %s：%s\n", f.label, f.value)
			}
		}
	}
	fmt.Fprintf(&b, "\n二、非随机检查（不计入随机抽查，共%d项）\n", len(p.Targeted))
	for n, g := range p.Targeted {
		fmt.Fprintf(&b, "%d. %s\n", n+1, g.ID)
		for _, f := range targetedFields(g) {
			if f.value != "" {
				fmt.Fprintf(&b, "   %s：%s\n", f.label, f.value)
			}
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// PublishText writes the readable Chinese form of d.
func (d Diff) PublishText(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%d年度抽查计划调整（第%d版 → 第%d版，自%s起施行）\n", d.Year, d.From, d.To, d.Effective)
	if d.Empty() {
		b.WriteString("无变化。\n")
	}
	section := func(fc []FieldChange) {
		for _, f := range fc {
			fmt.Fprintf(&b, "      %s：%s → %s\n", f.Label, orNone(f.Old), orNone(f.New))
		}
	}
	if len(d.Plan) > 0 {
		b.WriteString("\n计划事项变更：\n")
		section(d.Plan)
	}
	if len(d.Added) > 0 {
		fmt.Fprintf(&b, "\n新增任务%d项：\n", len(d.Added))
		for _, k := range d.Added {
			fmt.Fprintf(&b, "  + %s %s（%s，%s，%s）\n", k.ID, k.Name, k.Department, k.Window.From+"至"+k.Window.To, ratioText(k))
		}
	}
	if len(d.Removed) > 0 {
		fmt.Fprintf(&b, "\n取消任务%d项：\n", len(d.Removed))
		for _, k := range d.Removed {
			fmt.Fprintf(&b, "  - %s %s\n", k.ID, k.Name)
		}
	}
	if len(d.Changed) > 0 {
		fmt.Fprintf(&b, "\n调整任务%d项：\n", len(d.Changed))
		for _, c := range d.Changed {
			fmt.Fprintf(&b, "  * %s\n", c.ID)
			section(c.Fields)
		}
	}
	if n := len(d.TargetedAdded) + len(d.TargetedRemoved) + len(d.TargetedChanged); n > 0 {
		fmt.Fprintf(&b, "\n非随机检查变更%d项（不计入随机抽查）：\n", n)
		for _, g := range d.TargetedAdded {
			fmt.Fprintf(&b, "  + %s（%s，%s）\n", g.ID, g.Department, reasonChinese[g.Reason])
		}
		for _, g := range d.TargetedRemoved {
			fmt.Fprintf(&b, "  - %s\n", g.ID)
		}
		for _, c := range d.TargetedChanged {
			fmt.Fprintf(&b, "  * %s\n", c.ID)
			section(c.Fields)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func orNone(s string) string {
	if s == "" {
		return "（无）"
	}
	return s
}
