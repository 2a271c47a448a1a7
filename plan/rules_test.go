package plan

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/shuangsuiji/ssj/checklist"
	"github.com/shuangsuiji/ssj/registry"
)

// Rule R8: each department's draws cover at least 5% of its targets;
// exactly 5% passes, anything under fails.
func TestPlan_R8_DepartmentCoverage(t *testing.T) {
	tests := []struct {
		name   string
		n      int
		ratio  string
		figure string
		status Status
	}{
		{"exactly 5%", 100, "0.05", "5/100 = 5%", Pass},
		{"ceiling lifts 4.95 to 5", 99, "0.05", "5/99 = 5.05%", Pass},
		{"just under: 5/101", 101, "0.0495", "5/101 = 4.95%", Fail},
		{"4%", 100, "0.04", "4/100 = 4%", Fail},
		{"all", 20, "1", "20/20 = 100%", Pass},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := basePlan([]string{"治安"}, simpleTask("T1", "治安", tc.ratio))
			r := mustCheck(t, p, Input{Targets: targets("Z", tc.n, "B", "440104", "治安")}, noCredit())
			f := find(t, r, "R8", "治安")
			if f.Figure != tc.figure || f.Status != tc.status {
				t.Fatalf("got %q %s, want %q %s", f.Figure, f.Status, tc.figure, tc.status)
			}
		})
	}
}

// Rule R8: distinct targets — overlapping pools count once (the largest
// draw), disjoint pools add up; inactive targets are not the department's.
func TestPlan_R8_DistinctTargets(t *testing.T) {
	ts := append(targets("N", 100, "B", "440104", "治安"), targets("S", 100, "B", "440103", "治安")...)
	ts = append(ts, registry.Target{ID: "GONE", Status: registry.StatusDeregistered, CreditClass: "B", Departments: []string{"治安"}})
	north, south := simpleTask("N1", "治安", "0.03"), simpleTask("S1", "治安", "0.03")
	north.Scope = Scope{Mode: Directed, Jurisdictions: []string{"440104"}}
	south.Scope = Scope{Mode: Directed, Jurisdictions: []string{"440103"}}
	r := mustCheck(t, basePlan([]string{"治安"}, north, south), Input{Targets: ts}, noCredit())
	if f := find(t, r, "R8", "治安"); f.Figure != "6/200 = 3%" {
		t.Errorf("disjoint pools: %q, want 6/200", f.Figure)
	}
	// Two undirected tasks over the same pool: only the larger counts.
	a, b := simpleTask("A", "治安", "0.03"), simpleTask("B", "治安", "0.04")
	r = mustCheck(t, basePlan([]string{"治安"}, a, b), Input{Targets: ts}, noCredit())
	if f := find(t, r, "R8", "治安"); f.Figure != "8/200 = 4%" || f.Status != Fail {
		t.Errorf("overlapping pools: %q %s, want 8/200 fail", f.Figure, f.Status)
	}
}

// Rule R8: a joint task's draws count for a participant only as far as
// they must fall on the participant's targets.
func TestPlan_R8_JointTaskGuaranteedShare(t *testing.T) {
	// 100 targets of 治安 only, 20 shared with 消防.
	ts := append(targets("ZA", 80, "B", "440104", "治安"), targets("ZX", 20, "B", "440104", "治安", "消防")...)
	k := simpleTask("J", "治安", "0.5")
	k.Participants = []string{"消防"}
	r := mustCheck(t, basePlan([]string{"治安", "消防"}, k), Input{Targets: ts}, noCredit())
	if f := find(t, r, "R8", "治安"); f.Figure != "50/100 = 50%" {
		t.Errorf("治安: %q", f.Figure)
	}
	// 50 draws from 100, 80 of them outside 消防: none guaranteed for 消防.
	if f := find(t, r, "R8", "消防"); f.Figure != "0/20 = 0%" || f.Status != Fail {
		t.Errorf("消防: %q %s", f.Figure, f.Status)
	}
	k.Ratio = dec("0.9") // 90 draws, at most 80 outside: 10 of 消防's 20
	r = mustCheck(t, basePlan([]string{"治安", "消防"}, k), Input{Targets: ts}, noCredit())
	if f := find(t, r, "R8", "消防"); f.Figure != "10/20 = 50%" || f.Status != Pass {
		t.Errorf("消防 at 90%%: %q %s", f.Figure, f.Status)
	}
}

// Rule R8: joint tasks are at least 10% of all random tasks, counted in tasks.
func TestPlan_R8_JointShare(t *testing.T) {
	build := func(total int) Plan {
		var tasks []Task
		for i := range total {
			k := simpleTask(string(rune('a'+i)), "治安", "0.1")
			if i == 0 {
				k.Participants = []string{"消防"}
			}
			tasks = append(tasks, k)
		}
		return basePlan([]string{"治安", "消防"}, tasks...)
	}
	ts := targets("Z", 50, "B", "440104", "治安", "消防")
	for _, tc := range []struct {
		total  int
		figure string
		status Status
	}{
		{10, "1/10 = 10% tasks", Pass},
		{11, "1/11 = 9.09% tasks", Fail},
		{1, "1/1 = 100% tasks", Pass},
	} {
		r := mustCheck(t, build(tc.total), Input{Targets: ts}, noCredit())
		if f := find(t, r, "R8", "all departments"); f.Figure != tc.figure || f.Status != tc.status {
			t.Errorf("%d tasks: %q %s, want %q %s", tc.total, f.Figure, f.Status, tc.figure, tc.status)
		}
	}
}

// Rule R10: a department that neither launches nor joins a joint task fails.
func TestPlan_R10_DepartmentWithoutJointTask(t *testing.T) {
	j := simpleTask("J", "治安", "0.1")
	j.Participants = []string{"消防"}
	p := basePlan([]string{"治安", "消防", "交警"}, j, simpleTask("JJ", "交警", "0.1"))
	ts := append(targets("Z", 50, "B", "440104", "治安", "消防"), targets("J", 50, "B", "440104", "交警")...)
	r := mustCheck(t, p, Input{Targets: ts}, noCredit())
	for dept, want := range map[string]Status{"治安": Pass, "消防": Pass, "交警": Fail} {
		if f := find(t, r, "R10", dept); f.Status != want {
			t.Errorf("%s: %s (%s), want %s", dept, f.Status, f.Figure, want)
		}
	}
	if r.OK() {
		t.Error("report OK with a department lacking a joint task")
	}
}

func testChecklist(t *testing.T) *checklist.Version {
	t.Helper()
	key := checklist.Item{Code: "K-01", Name: "重点", TargetType: "x", Category: checklist.CategoryKey,
		Methods: []checklist.Method{checklist.MethodOnSite}, Department: "治安", LegalBasis: []string{"《法》"},
		RatioMin: dec("0.05"), Frequency: checklist.Frequency{PerYear: 1, Text: "每年1次"}}
	gen := key
	gen.Code, gen.Category = "G-01", checklist.CategoryGeneral
	gen.Frequency = checklist.Frequency{PerYear: 2, Text: "每半年1次"}
	v, err := checklist.FirstVersion([]checklist.Item{key, gen}, "2026-01-01", "", checklist.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return &v
}

// Rule R4: general items within their cap, key items uncapped; R2: not
// below the item's lower bound; R1: only checklist items.
func TestPlan_R4_Caps(t *testing.T) {
	cl := testChecklist(t)
	ts := targets("Z", 100, "B", "440104", "治安")
	tests := []struct {
		item, ratio string
		rule        string
		status      Status
	}{
		{"G-01", "0.2", "R4", Pass},  // exactly at the cap
		{"G-01", "0.21", "R4", Fail}, // a general item over its cap
		{"K-01", "0.9", "R4", Pass},  // key items have no cap
		{"K-01", "0.04", "R2", Fail}, // below the item's 5% minimum
	}
	for _, tc := range tests {
		p := basePlan([]string{"治安"}, simpleTask("T", "治安", tc.ratio, tc.item))
		r := mustCheck(t, p, Input{Targets: ts, Checklist: cl}, noCredit())
		if f := find(t, r, tc.rule, "T "+tc.item); f.Status != tc.status {
			t.Errorf("%s at %s: %s %s (%s), want %s", tc.item, tc.ratio, f.Rule, f.Status, f.Threshold, tc.status)
		}
	}
	p := basePlan([]string{"治安"}, simpleTask("T", "治安", "0.1", "K-01", "X-99"))
	r := mustCheck(t, p, Input{Targets: ts, Checklist: cl}, noCredit())
	if f := find(t, r, "R1", "T"); f.Status != Fail || f.Note != "not on the checklist: X-99" {
		t.Errorf("R1: %+v", f)
	}
	// R2 frequency: G-01 is 每半年1次, planned once.
	p = basePlan([]string{"治安"}, simpleTask("T", "治安", "0.1", "G-01"))
	r = mustCheck(t, p, Input{Targets: ts, Checklist: cl}, noCredit())
	if f := find(t, r, "R2", "G-01"); f.Status != Fail {
		t.Errorf("R2 frequency: %+v", f)
	}
	// Without a checklist, R1/R2/R4 are not applicable, not passed.
	r = mustCheck(t, p, Input{Targets: ts}, noCredit())
	if f := find(t, r, "R1", "all tasks"); f.Status != NotApplicable {
		t.Errorf("no checklist: %+v", f)
	}
}

// Rule R11: a repeat inspection of an item already found compliant at a
// target in the same year fails, unless a key area or special case is
// flagged with a reason.
func TestPlan_R11_RepeatInspection(t *testing.T) {
	k := simpleTask("T", "治安", "0.1")
	waived := simpleTask("W", "治安", "0.1")
	waived.RepeatReason = "重大活动安保"
	p := basePlan([]string{"治安"}, k, waived)
	p.Targeted = []Targeted{{ID: "G", Department: "治安", Items: []string{"K-01"}, Targets: []string{"Z-0003"}, Reason: ReasonLead, Date: "2026-05-01"}}
	ts := targets("Z", 100, "B", "440104", "治安")
	tests := []struct {
		name    string
		history []Record
		status  Status
	}{
		{"no reason", []Record{
			{TargetID: "Z-0001", Item: "K-01", Date: "2026-02-01", Result: ResultCompliant},
			{TargetID: "Z-0001", Item: "K-01", Date: "2026-04-01", Result: ResultCompliant}}, Fail},
		{"special-case reason", []Record{
			{TargetID: "Z-0001", Item: "K-01", Date: "2026-02-01", Result: ResultCompliant},
			{TargetID: "Z-0001", Item: "K-01", Date: "2026-04-01", Result: ResultRectify, Reason: "重点时段检查"}}, Pass},
		{"task with repeat reason", []Record{
			{TargetID: "Z-0001", Item: "K-01", Date: "2026-02-01", Result: ResultCompliant},
			{TargetID: "Z-0001", Item: "K-01", Date: "2026-04-01", Result: ResultCompliant, Task: "W"}}, Pass},
		{"targeted inspection (R13)", []Record{
			{TargetID: "Z-0001", Item: "K-01", Date: "2026-02-01", Result: ResultCompliant},
			{TargetID: "Z-0001", Item: "K-01", Date: "2026-04-01", Result: ResultCompliant, Task: "G"}}, Pass},
		{"task without reason", []Record{
			{TargetID: "Z-0001", Item: "K-01", Date: "2026-02-01", Result: ResultCompliant},
			{TargetID: "Z-0001", Item: "K-01", Date: "2026-04-01", Result: ResultCompliant, Task: "T"}}, Fail},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustCheck(t, p, Input{Targets: ts, History: tc.history}, noCredit())
			f := find(t, r, "R11", "Z-0001 K-01 2026-04-01")
			if f.Status != tc.status {
				t.Fatalf("%s: %+v", tc.status, f)
			}
			if got := failedRule(r, "R11"); got != (tc.status == Fail) {
				t.Fatalf("R11 failed = %v", got)
			}
		})
	}
	// Not repeats: another year, another item, a first inspection that
	// was not compliant (the follow-up checks the rectification).
	for name, h := range map[string][]Record{
		"previous year": {{TargetID: "Z-0001", Item: "K-01", Date: "2025-12-01", Result: ResultCompliant}, {TargetID: "Z-0001", Item: "K-01", Date: "2026-04-01", Result: ResultCompliant}},
		"other item":    {{TargetID: "Z-0001", Item: "K-02", Date: "2026-02-01", Result: ResultCompliant}, {TargetID: "Z-0001", Item: "K-01", Date: "2026-04-01", Result: ResultCompliant}},
		"rectify first": {{TargetID: "Z-0001", Item: "K-01", Date: "2026-02-01", Result: ResultRectify}, {TargetID: "Z-0001", Item: "K-01", Date: "2026-04-01", Result: ResultCompliant}},
	} {
		r := mustCheck(t, p, Input{Targets: ts, History: h}, noCredit())
		if f := find(t, r, "R11", "history 2026"); failedRule(r, "R11") || !strings.HasSuffix(f.Figure, " 0 repeat(s), listed above") {
			t.Errorf("%s: %+v", name, f)
		}
	}
}

// Rule R11: targets found compliant this year are excluded from the draw
// of a task for the same item, unless the task declares a special case.
func TestPlan_R11_ExclusionsInDrawInput(t *testing.T) {
	k := simpleTask("T", "治安", "0.1")
	p := basePlan([]string{"治安"}, k)
	ts := targets("Z", 20, "B", "440104", "治安")
	h := []Record{
		{TargetID: "Z-0002", Item: "K-01", Date: "2026-01-10", Result: ResultCompliant},
		{TargetID: "Z-0005", Item: "K-01", Date: "2026-01-10", Result: ResultRectify},
		{TargetID: "Z-0007", Item: "K-01", Date: "2026-12-01", Result: ResultCompliant}, // after the window
		{TargetID: "Z-0009", Item: "K-01", Date: "2025-03-01", Result: ResultCompliant}, // last year
	}
	in, err := p.DrawInput("T", ts, h)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(in.Exclude, []string{"Z-0002"}) || len(in.Pool) != 20 || in.Strata[0].Eligible != 19 || in.Strata[0].Quota != 2 {
		t.Fatalf("draw input %+v", in)
	}
	if len(in.Compliant) != 1 || in.Compliant[0].TargetID != "Z-0002" || in.ComplianceExempt != "" ||
		!slices.Equal(in.ScopeDepartments, []string{"治安"}) {
		t.Fatalf("compliance records %+v, exempt %q, departments %v", in.Compliant, in.ComplianceExempt, in.ScopeDepartments)
	}
	p.Tasks[0].RepeatReason = "专项整治"
	in, _ = p.DrawInput("T", ts, h)
	if len(in.Exclude) != 0 || in.RepeatReason != "专项整治" || in.ComplianceExempt != RepeatSpecialCase || len(in.Compliant) != 1 {
		t.Fatalf("waived: %+v", in)
	}
	p.Tasks[0].RepeatKind = RepeatKeyArea
	if in, _ = p.DrawInput("T", ts, h); in.ComplianceExempt != RepeatKeyArea {
		t.Fatalf("key area: %q", in.ComplianceExempt)
	}
	if _, err := p.DrawInput("nope", ts, h); !errors.Is(err, ErrUnknownTask) {
		t.Fatalf("unknown task: %v", err)
	}
}

// Rule R12: each task's ratio per credit class lies in the class's band,
// for the classes present in the task's pool.
func TestPlan_R12_CreditTable(t *testing.T) {
	ts := slices.Concat(targets("ZA", 20, "A", "440104", "治安"), targets("Z", 100, "B", "440104", "治安"),
		targets("ZC", 20, "C", "440104", "治安"), targets("ZD", 10, "D", "440104", "治安"))
	onlyBTargets := targets("Z", 100, "B", "440104", "治安")
	ok := simpleTask("T", "治安", "0.1")
	ok.ClassRatios = []ClassRatio{{"A", dec("0.05")}, {"C", dec("0.21")}, {"D", dec("0.61")}}
	bad := ok
	bad.ClassRatios = []ClassRatio{{"A", dec("0.06")}, {"C", dec("0.3")}, {"D", dec("0.7")}}
	unknown := ok
	unknown.ClassRatios = append(slices.Clone(ok.ClassRatios), ClassRatio{"E", dec("0.5")})
	uniform := simpleTask("T", "治安", "0.1") // 10% for A breaks A ≤ 5%
	onlyB := uniform
	onlyB.Scope = Scope{Mode: Directed, CreditClasses: []string{"B"}}
	for name, tc := range map[string]struct {
		task    Task
		targets []registry.Target
		want    Status
		figure  string
	}{
		"bands at their edges":     {ok, ts, Pass, "A 5%, B 10%, C 21%, D 61%"},
		"A above 5%":               {bad, ts, Fail, "A 6%, B 10%, C 30%, D 70%"},
		"class not in table":       {unknown, ts, Fail, "A 5%, B 10%, C 21%, D 61%"},
		"uniform ratio":            {uniform, ts, Fail, "A 10%, B 10%, C 10%, D 10%"},
		"scope B only":             {onlyB, ts, Pass, "B 10%"},
		"pool of class B only":     {uniform, onlyBTargets, Pass, "B 10%"},
		"no active target in pool": {uniform, targets("X", 10, "A", "440104", "消防"), NotApplicable, "no active target in scope"},
	} {
		r := mustCheck(t, basePlan([]string{"治安"}, tc.task), Input{Targets: tc.targets}, DefaultConfig())
		if f := find(t, r, "R12", "T"); f.Status != tc.want || f.Figure != tc.figure {
			t.Errorf("%s: %+v, want %s %q", name, f, tc.want, tc.figure)
		}
	}
	// Without a registry the classes are those of the table.
	r0 := mustCheck(t, basePlan([]string{"治安"}, uniform), Input{}, DefaultConfig())
	if f := find(t, r0, "R12", "T"); f.Status != Fail || f.Figure != "A 10%, B 10%, C 10%, D 10%" {
		t.Errorf("no registry: %+v", f)
	}
	// The table is configuration.
	cfg := DefaultConfig()
	cfg.CreditTable = []ClassBand{{"A", dec("0"), dec("1")}, {"B", dec("0"), dec("1")}, {"C", dec("0"), dec("1")}, {"D", dec("0"), dec("1")}}
	r := mustCheck(t, basePlan([]string{"治安"}, uniform), Input{Targets: ts}, cfg)
	if f := find(t, r, "R12", "T"); f.Status != Pass {
		t.Errorf("custom table: %+v", f)
	}
}

// Rule R13: targeted inspections are never counted as random draws.
func TestPlan_R13_TargetedNotCounted(t *testing.T) {
	ts := targets("Z", 100, "B", "440104", "治安")
	p := basePlan([]string{"治安"}, simpleTask("T", "治安", "0.04"))
	before := mustCheck(t, p, Input{Targets: ts}, noCredit())
	var all []string
	for _, x := range ts {
		all = append(all, x.ID)
	}
	p.Targeted = []Targeted{{ID: "G", Department: "治安", Items: []string{"K-01"}, Targets: all, Reason: ReasonSuperiorOrder, Date: "2026-06-01"}}
	after := mustCheck(t, p, Input{Targets: ts}, noCredit())
	for _, rule := range []string{"R8"} {
		for _, subj := range []string{"治安", "all departments"} {
			b, a := find(t, before, rule, subj), find(t, after, rule, subj)
			if a.Figure != b.Figure || a.Status != b.Status {
				t.Errorf("%s %s changed by a targeted inspection: %q → %q", rule, subj, b.Figure, a.Figure)
			}
		}
	}
	if f := find(t, after, "R13", "all departments"); f.Figure != "1 targeted inspection(s), 100 target(s), 0 counted" {
		t.Errorf("R13: %+v", f)
	}
	if find(t, after, "R8", "治安").Status != Fail {
		t.Error("4% coverage passed thanks to targeted inspections")
	}
}

// The sample plan passes with the sample registry, history and checklist.
func TestPlan_SamplePasses(t *testing.T) {
	s := loadSample(t)
	r := mustCheck(t, s.plan, s.input(), DefaultConfig())
	if !r.OK() {
		t.Fatalf("sample plan fails: %+v", r.Failed())
	}
	for _, f := range r.Findings {
		if f.Rule == "R9" && f.Note != "" {
			t.Errorf("sample estimate out of date: %s", f.Note)
		}
	}
}

// A variant of the sample plan breaks several rules, each reported.
func TestPlan_SampleVariantFails(t *testing.T) {
	s := loadSample(t)
	p := s.plan
	p.Tasks = slices.Clone(p.Tasks)
	var tasks []Task
	for _, k := range p.Tasks {
		switch k.ID {
		case "2026-LH-04": // 交警's only joint task: R10 fails for 交警
			k.Participants = nil
		case "2026-ZA-02": // general item above its cap: R4
			k.Ratio = dec("0.3")
		}
		tasks = append(tasks, k)
	}
	p.Tasks = tasks
	h := append(slices.Clone(s.history), Record{TargetID: "91440103MAT410000M", Item: "ZA-01", Date: "2026-03-10", Result: ResultCompliant, Task: "2026-LH-01"})
	r := mustCheck(t, p, Input{Targets: s.targets, History: h, Checklist: &s.checklist}, DefaultConfig())
	// The repeat is also a second ZA-01 inspection (每年1次) of that target:
	// rule R2 over-frequency.
	want := map[string]bool{"R10 交警": true, "R4 2026-ZA-02 ZA-02": true, "R11 91440103MAT410000M ZA-01 2026-03-10": true, "R2 ZA-01": true}
	got := map[string]bool{}
	for _, f := range r.Failed() {
		got[f.Rule+" "+f.Subject] = true
	}
	for k := range want {
		if !got[k] {
			t.Errorf("missing failure %s; failures: %v", k, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("failures %v, want %v", got, want)
	}
}

func TestCheck_BadConfig(t *testing.T) {
	cfg := DefaultConfig()
	cfg.CreditTable = append(cfg.CreditTable, ClassBand{"A", dec("0"), dec("0.1")})
	if _, err := Check(basePlan([]string{"治安"}), Input{}, cfg); !errors.Is(err, ErrBadConfig) {
		t.Fatalf("got %v", err)
	}
}

// failedRule reports whether any finding of rule failed.
func failedRule(r Report, rule string) bool {
	for _, f := range r.Failed() {
		if f.Rule == rule {
			return true
		}
	}
	return false
}
