package checklist

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/shuangsuiji/ssj/internal/canon"
)

// DateLayout is the layout of effective dates: a calendar date, YYYY-MM-DD.
// A date has no time zone; it is the agency's local calendar day.
const DateLayout = "2006-01-02"

// Schema names of the published forms, written in their "schema" field.
const (
	SchemaVersion = "ssj.checklist.version/1"
	SchemaDiff    = "ssj.checklist.diff/1"
)

// Version is one published version of the checklist (rule R3). Items are
// held in code order. Build versions with FirstVersion and NextVersion,
// which validate the items and number the versions.
type Version struct {
	Number    int    `json:"version"`
	Effective string `json:"effective"` // YYYY-MM-DD, the first day the version applies
	Note      string `json:"note"`      // why the version was made, as published
	Items     []Item `json:"items"`
}

// Item returns the item with the given code.
func (v Version) Item(code string) (Item, bool) {
	i, ok := slices.BinarySearchFunc(v.Items, code, func(it Item, c string) int { return strings.Compare(it.Code, c) })
	if !ok {
		return Item{}, false
	}
	return v.Items[i], true
}

// FieldChange is one changed field of an item: its JSON name, its
// published Chinese label and the old and new values as published.
type FieldChange struct {
	Field string `json:"field"`
	Label string `json:"label"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// ItemChange lists the changed fields of one item present in both versions,
// in the fixed field order of Item.
type ItemChange struct {
	Code   string        `json:"code"`
	Name   string        `json:"name"`
	Fields []FieldChange `json:"fields"`
}

// Diff is the change from one version to the next (rule R3): items added,
// removed and changed, each list in code order.
type Diff struct {
	From      int          `json:"from_version"`
	To        int          `json:"to_version"`
	Effective string       `json:"effective"`
	Added     []Item       `json:"added"`
	Removed   []Item       `json:"removed"`
	Changed   []ItemChange `json:"changed"`
}

// Empty reports whether d records no change.
func (d Diff) Empty() bool { return len(d.Added)+len(d.Removed)+len(d.Changed) == 0 }

func normalize(items []Item) []Item {
	out := make([]Item, len(items))
	for i, it := range items {
		it.Methods = nonNil(slices.Clone(it.Methods))
		it.LegalBasis = nonNil(slices.Clone(it.LegalBasis))
		it.Qualifications = nonNil(slices.Clone(it.Qualifications))
		out[i] = it
	}
	slices.SortFunc(out, func(a, b Item) int { return strings.Compare(a.Code, b.Code) })
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func checkDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return t, fmt.Errorf("%w: effective %q, want YYYY-MM-DD", ErrBadDate, s)
	}
	return t, nil
}

// FirstVersion makes version 1 of a checklist from items, effective on the
// given date (YYYY-MM-DD). Every item is validated under cfg; the error is
// a RowErrors naming each bad item by its position in items.
func FirstVersion(items []Item, effective, note string, cfg Config) (Version, error) {
	if _, err := checkDate(effective); err != nil {
		return Version{}, err
	}
	if err := cfg.ValidateItems(items); err != nil {
		return Version{}, err
	}
	return Version{Number: 1, Effective: effective, Note: note, Items: normalize(items)}, nil
}

// NextVersion makes the version after prev holding items (the complete new
// list, not a patch), effective on the given date, which must be after
// prev's. It returns the new version and its diff from prev. A list equal to
// prev's is refused with ErrNoChange (rule R3: a version records a change).
func NextVersion(prev Version, items []Item, effective, note string, cfg Config) (Version, Diff, error) {
	t, err := checkDate(effective)
	if err != nil {
		return Version{}, Diff{}, err
	}
	if p, err := checkDate(prev.Effective); err == nil && !t.After(p) {
		return Version{}, Diff{}, fmt.Errorf("%w: version %d effective %s, previous version %d effective %s",
			ErrVersionOrder, prev.Number+1, effective, prev.Number, prev.Effective)
	}
	if err := cfg.ValidateItems(items); err != nil {
		return Version{}, Diff{}, err
	}
	next := Version{Number: prev.Number + 1, Effective: effective, Note: note, Items: normalize(items)}
	d := Compare(prev, next)
	if d.Empty() {
		return Version{}, Diff{}, fmt.Errorf("%w: version %d equals version %d", ErrNoChange, next.Number, prev.Number)
	}
	return next, d, nil
}

// Current returns the version in effect on date (YYYY-MM-DD): the one with
// the latest effective date not after it. versions may be in any order.
func Current(versions []Version, date string) (Version, bool) {
	var best Version
	found := false
	for _, v := range versions {
		if v.Effective <= date && (!found || v.Effective > best.Effective) {
			best, found = v, true
		}
	}
	return best, found
}

// field is one published field of an item.
type field struct{ name, label, value string }

// fields returns it's published fields (all but the code) in fixed order.
func fields(it Item) []field {
	methods := make([]string, len(it.Methods))
	for i, m := range it.Methods {
		methods[i] = m.Chinese()
	}
	// The published wording, plus the bounds when the wording does not say
	// them by itself (so a diff never hides a PerYear or MaxPerYear change).
	freq := it.Frequency.Text
	if parsed, err := ParseFrequency(freq); err != nil || parsed.PerYear != it.Frequency.PerYear || parsed.MaxPerYear != it.Frequency.MaxPerYear {
		freq += "（" + it.Frequency.Bounds() + "）"
	}
	return []field{
		{"name", "抽查事项", it.Name},
		{"target_type", "检查对象", it.TargetType},
		{"category", "事项类别", it.Category.Chinese()},
		{"methods", "检查方式", strings.Join(methods, "、")},
		{"department", "检查主体", it.Department},
		{"legal_basis", "检查依据", strings.Join(it.LegalBasis, "；")},
		{"content", "抽查内容", it.Content},
		{"ratio", "抽查比例", RatioText(it.RatioMin, it.RatioMax)},
		{"frequency", "抽查频次", freq},
		{"qualifications", "检查人员资格", strings.Join(it.Qualifications, "、")},
		{"measures", "抽查措施", it.Measures},
		{"procedure", "抽查监管程序", it.Procedure},
		{"result_handling", "抽查结果处理", it.ResultHandling},
	}
}

// Compare returns the diff from version a to version b: items only in b
// are added, only in a removed, and items in both with any differing
// published field are changed, field by field.
func Compare(a, b Version) Diff {
	d := Diff{From: a.Number, To: b.Number, Effective: b.Effective, Added: []Item{}, Removed: []Item{}, Changed: []ItemChange{}}
	ai, bi := normalize(a.Items), normalize(b.Items)
	i, j := 0, 0
	for i < len(ai) || j < len(bi) {
		switch {
		case j == len(bi) || (i < len(ai) && ai[i].Code < bi[j].Code):
			d.Removed = append(d.Removed, ai[i])
			i++
		case i == len(ai) || bi[j].Code < ai[i].Code:
			d.Added = append(d.Added, bi[j])
			j++
		default:
			fa, fb := fields(ai[i]), fields(bi[j])
			var fc []FieldChange
			for k := range fa {
				if fa[k].value != fb[k].value {
					fc = append(fc, FieldChange{Field: fa[k].name, Label: fa[k].label, Old: fa[k].value, New: fb[k].value})
				}
			}
			if len(fc) > 0 {
				d.Changed = append(d.Changed, ItemChange{Code: bi[j].Code, Name: bi[j].Name, Fields: fc})
			}
			i++
			j++
		}
	}
	return d
}

// PublishJSON returns the published machine form of v: RFC 8785 canonical
// JSON with a "schema" field, byte-identical on every platform, so it can
// be hashed and signed. Ratios are decimal strings; an absent upper bound
// is null.
func (v Version) PublishJSON() ([]byte, error) {
	b, err := canon.Marshal(struct {
		Schema string `json:"schema"`
		Version
	}{SchemaVersion, Version{v.Number, v.Effective, v.Note, normalize(v.Items)}})
	if err != nil {
		return nil, fmt.Errorf("checklist: publish version %d: %w", v.Number, err)
	}
	return b, nil
}

// PublishJSON returns the published machine form of d: RFC 8785 canonical
// JSON with a "schema" field.
func (d Diff) PublishJSON() ([]byte, error) {
	d.Added, d.Removed, d.Changed = nonNil(d.Added), nonNil(d.Removed), nonNil(d.Changed)
	b, err := canon.Marshal(struct {
		Schema string `json:"schema"`
		Diff
	}{SchemaDiff, d})
	if err != nil {
		return nil, fmt.Errorf("checklist: publish diff %d→%d: %w", d.From, d.To, err)
	}
	return b, nil
}

// PublishText writes the readable Chinese form of v, the text an agency
// posts on its portal: a title, the effective date, counts by category and
// every item with every non-empty field.
func (v Version) PublishText(w io.Writer) error {
	var b bytes.Buffer
	key := 0
	for _, it := range v.Items {
		if it.Category == CategoryKey {
			key++
		}
	}
	fmt.Fprintf(&b, "随机抽查事项清单（第%d版）\n", v.Number)
	fmt.Fprintf(&b, "生效日期：%s\n", v.Effective)
	if v.Note != "" {
		fmt.Fprintf(&b, "说明：%s\n", v.Note)
	}
	fmt.Fprintf(&b, "共%d项，其中重点检查事项%d项、一般检查事项%d项。\n", len(v.Items), key, len(v.Items)-key)
	for n, it := range normalize(v.Items) {
		fmt.Fprintf(&b, "\n%d. %s %s\n", n+1, it.Code, it.Name)
		for _, f := range fields(it)[1:] {
			if f.value != "" {
				fmt.Fprintf(&b, "   %s：%s\n", f.label, f.value)
			}
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// PublishText writes the readable Chinese form of d: the version change,
// then added, removed and changed items, each change as "旧值 → 新值".
func (d Diff) PublishText(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "随机抽查事项清单调整（第%d版 → 第%d版，自%s起施行）\n", d.From, d.To, d.Effective)
	if d.Empty() {
		b.WriteString("无变化。\n")
	}
	if len(d.Added) > 0 {
		fmt.Fprintf(&b, "\n新增事项%d项：\n", len(d.Added))
		for _, it := range d.Added {
			fmt.Fprintf(&b, "  + %s %s（%s，%s，%s）\n", it.Code, it.Name, it.Category.Chinese(), it.Department, RatioText(it.RatioMin, it.RatioMax))
		}
	}
	if len(d.Removed) > 0 {
		fmt.Fprintf(&b, "\n删除事项%d项：\n", len(d.Removed))
		for _, it := range d.Removed {
			fmt.Fprintf(&b, "  - %s %s\n", it.Code, it.Name)
		}
	}
	if len(d.Changed) > 0 {
		fmt.Fprintf(&b, "\n变更事项%d项：\n", len(d.Changed))
		for _, c := range d.Changed {
			fmt.Fprintf(&b, "  * %s %s\n", c.Code, c.Name)
			for _, f := range c.Fields {
				fmt.Fprintf(&b, "      %s：%s → %s\n", f.Label, orNone(f.Old), orNone(f.New))
			}
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
