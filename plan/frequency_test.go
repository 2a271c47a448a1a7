package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/checklist"
	"github.com/shuangsuiji/ssj/registry"
)

// overFinding returns the R2 over-frequency finding of item, and whether
// there is one.
func overFinding(r Report, item string) (Finding, bool) {
	for _, f := range r.Findings {
		if f.Rule == "R2" && f.Check == "over-frequency" && f.Subject == item {
			return f, true
		}
	}
	return Finding{}, false
}

// freqChecklist holds O-01 (每年1次: exactly once), L-01 (每年至少1次: no
// upper bound) and R-01 (每年1-2次).
func freqChecklist(t *testing.T) *checklist.Version {
	t.Helper()
	base := checklist.Item{Name: "x", TargetType: "x", Category: checklist.CategoryKey,
		Methods: []checklist.Method{checklist.MethodOnSite}, Department: "治安", LegalBasis: []string{"《法》"}, RatioMin: dec("0.05")}
	var items []checklist.Item
	for code, text := range map[string]string{"O-01": "每年1次", "L-01": "每年至少1次", "R-01": "每年1-2次"} {
		it := base
		it.Code = code
		f, err := checklist.ParseFrequency(text)
		require.NoError(t, err)
		it.Frequency = f
		items = append(items, it)
	}
	v, err := checklist.FirstVersion(items, "2026-01-01", "", checklist.DefaultConfig())
	require.NoError(t, err)
	return &v
}

// Rule R2: no target may be inspected for an item more often in a year than
// the item's declared frequency allows; "at least" frequencies set no upper
// bound.
func TestPlan_R2_OverFrequency(t *testing.T) {
	cl := freqChecklist(t)
	zs := targets("Z", 20, "B", "440104", "治安")
	hotels := targets("H", 10, "B", "440104", "治安")
	for i := range hotels {
		hotels[i].Industry = "H6110"
	}
	all := append(append([]registry.Target{}, zs...), hotels...)
	inIndustry := func(k Task, ind string) Task {
		k.Scope = Scope{Mode: Directed, Industries: []string{ind}}
		return k
	}
	tests := []struct {
		name    string
		tasks   []Task
		history []Record
		item    string
		status  Status
		figure  string
	}{
		{"one task, 每年1次", []Task{simpleTask("A", "治安", "0.1", "O-01")}, nil, "O-01", Pass, "at most 1 per target"},
		{"two tasks over the same pool", []Task{simpleTask("A", "治安", "0.1", "O-01"), simpleTask("B", "治安", "0.1", "O-01")},
			nil, "O-01", Fail, "at most 2 per target"},
		{"two tasks over disjoint pools", []Task{inIndustry(simpleTask("A", "治安", "0.1", "O-01"), "X"), inIndustry(simpleTask("B", "治安", "0.1", "O-01"), "H6110")},
			nil, "O-01", Pass, "at most 1 per target"},
		{"two tasks within 每年1-2次", []Task{simpleTask("A", "治安", "0.1", "R-01"), simpleTask("B", "治安", "0.1", "R-01")},
			nil, "R-01", Pass, "at most 2 per target"},
		{"past inspection outside the plan plus a task", []Task{simpleTask("A", "治安", "0.1", "O-01")},
			[]Record{{TargetID: "Z-0003", Item: "O-01", Date: "2026-02-01", Result: ResultRectify}}, "O-01", Fail, "at most 2 per target"},
		{"past inspection by the plan's own task counts once", []Task{simpleTask("A", "治安", "0.1", "O-01")},
			[]Record{{TargetID: "Z-0003", Item: "O-01", Date: "2026-03-02", Result: ResultRectify, Task: "A"}}, "O-01", Pass, "at most 1 per target"},
		{"last year's inspection does not count", []Task{simpleTask("A", "治安", "0.1", "O-01")},
			[]Record{{TargetID: "Z-0003", Item: "O-01", Date: "2025-12-01", Result: ResultRectify}}, "O-01", Pass, "at most 1 per target"},
		{"a special case stated on the record does not count", []Task{simpleTask("A", "治安", "0.1", "O-01")},
			[]Record{{TargetID: "Z-0003", Item: "O-01", Date: "2026-02-01", Result: ResultRectify, Reason: "重大活动安保"}}, "O-01", Pass, "at most 1 per target"},
		{"targeted inspections (R13) do not count", []Task{simpleTask("A", "治安", "0.1", "O-01")},
			[]Record{{TargetID: "Z-0003", Item: "O-01", Date: "2026-02-01", Result: ResultRectify, Task: "G"}}, "O-01", Pass, "at most 1 per target"},
		{"a plan task's inspection of a target outside its pool counts",
			[]Task{simpleTask("A", "治安", "0.1", "O-01")},
			[]Record{{TargetID: "Z-0003", Item: "O-01", Date: "2026-02-01", Result: ResultCompliant},
				{TargetID: "Z-0003", Item: "O-01", Date: "2026-03-05", Result: ResultRectify, Task: "A"}}, "O-01", Fail, "at most 2 per target"},
		{"a compliant target excluded by R11 is not exposed again", []Task{simpleTask("A", "治安", "0.1", "O-01")},
			[]Record{{TargetID: "Z-0003", Item: "O-01", Date: "2026-02-01", Result: ResultCompliant}}, "O-01", Pass, "at most 1 per target"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := basePlan([]string{"治安"}, tc.tasks...)
			p.Targeted = []Targeted{{ID: "G", Department: "治安", Items: []string{"O-01"}, Targets: []string{"Z-0003"}, Reason: ReasonLead, Date: "2026-02-01"}}
			r := mustCheck(t, p, Input{Targets: all, History: tc.history, Checklist: cl}, noCredit())
			f, ok := overFinding(r, tc.item)
			require.True(t, ok, "no over-frequency finding for %s", tc.item)
			assert.Equal(t, tc.status, f.Status, "%+v", f)
			assert.Equal(t, tc.figure, f.Figure)
			if tc.status == Fail {
				assert.Contains(t, f.Note, "may be inspected more often")
				assert.False(t, r.OK())
			}
		})
	}
}

// Rule R2: a frequency with no upper bound gets no over-frequency finding,
// however many tasks inspect the item.
func TestPlan_R2_AtLeastHasNoUpperBound(t *testing.T) {
	cl := freqChecklist(t)
	p := basePlan([]string{"治安"}, simpleTask("A", "治安", "0.1", "L-01"), simpleTask("B", "治安", "0.1", "L-01"), simpleTask("C", "治安", "0.1", "L-01"))
	r := mustCheck(t, p, Input{Targets: targets("Z", 20, "B", "440104", "治安"), Checklist: cl}, noCredit())
	_, ok := overFinding(r, "L-01")
	assert.False(t, ok)
	assert.Equal(t, Pass, find(t, r, "R2", "L-01").Status)
	// Without a checklist nothing is known of the bounds.
	r = mustCheck(t, p, Input{Targets: targets("Z", 20, "B", "440104", "治安")}, noCredit())
	_, ok = overFinding(r, "L-01")
	assert.False(t, ok)
}

// Rule R2: the over-frequency note names a worst target and the tasks and
// records that may inspect it.
func TestPlan_R2_OverFrequencyNote(t *testing.T) {
	cl := freqChecklist(t)
	p := basePlan([]string{"治安"}, simpleTask("A", "治安", "0.1", "O-01"), simpleTask("B", "治安", "0.1", "O-01"))
	h := []Record{{TargetID: "Z-0001", Item: "O-01", Date: "2026-02-01", Result: ResultRectify, Task: "OLD"}}
	r := mustCheck(t, p, Input{Targets: targets("Z", 5, "B", "440104", "治安"), History: h, Checklist: cl}, noCredit())
	f, ok := overFinding(r, "O-01")
	require.True(t, ok)
	assert.Equal(t, "at most 3 per target", f.Figure)
	assert.Equal(t, "≤ 1 per target (每年1次)", f.Threshold)
	assert.Equal(t, "5 target(s) may be inspected more often, e.g. Z-0001 by A, B, 2026-02-01 OLD", f.Note)
}
