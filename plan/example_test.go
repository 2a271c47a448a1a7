package plan_test

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/shuangsuiji/ssj/plan"
	"github.com/shuangsuiji/ssj/registry"
)

// A department's annual plan is checked against the rules before any draw:
// here 交警 has no joint task (R10) and its 4% draw covers too few targets
// (R8).
func ExampleCheck() {
	var targets []registry.Target
	for i := range 100 {
		depts := []string{"治安", "消防"}
		if i < 50 {
			depts = []string{"交警"}
		}
		targets = append(targets, registry.Target{ID: fmt.Sprintf("T%03d", i), CreditClass: "B",
			Status: registry.StatusActive, Departments: depts})
	}
	task := func(id, dept, ratio string, participants ...string) plan.Task {
		return plan.Task{ID: id, Name: id, Department: dept, Participants: participants, Items: []string{"ZA-01"},
			Scope: plan.Scope{Mode: plan.Undirected}, Window: plan.Window{From: "2026-03-01", To: "2026-05-31"},
			EstimatedCount: 3, Ratio: decimal.RequireFromString(ratio)}
	}
	p := plan.Plan{Year: 2026, Authority: "示例分局", Version: 1, Effective: "2026-01-10",
		Departments: []string{"治安", "消防", "交警"},
		Tasks: []plan.Task{
			task("ZA", "治安", "0.1", "消防"), // joint: 治安 launches, 消防 joins
			task("JJ", "交警", "0.04"),      // 交警 alone
		},
	}
	cfg := plan.DefaultConfig()
	cfg.CreditTable = nil // this example does not stratify by credit class
	report, err := plan.Check(p, plan.Input{Targets: targets}, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range report.Findings {
		if f.Rule == "R8" || f.Rule == "R10" {
			fmt.Printf("%s %s: %s (%s) %s\n", f.Rule, f.Subject, f.Figure, f.Threshold, f.Status)
		}
	}
	fmt.Println("OK:", report.OK())
	// Output:
	// R8 治安: 5/50 = 10% (≥ 5% of its targets) pass
	// R8 消防: 5/50 = 10% (≥ 5% of its targets) pass
	// R8 交警: 2/50 = 4% (≥ 5% of its targets) fail
	// R8 all departments: 1/2 = 50% tasks (≥ 10% of random tasks) pass
	// R10 治安: 1 (launches 1, joins 0) (≥ 1) pass
	// R10 消防: 1 (launches 0, joins 1) (≥ 1) pass
	// R10 交警: 0 (launches 0, joins 0) (≥ 1) fail
	// OK: false
}

// A task yields the plain input of its draw: pool, strata with quotas,
// and the R11 exclusions.
func ExamplePlan_DrawInput() {
	var targets []registry.Target
	for i, c := range []string{"A", "B", "B", "B", "C", "D", "B", "B", "B", "B"} {
		targets = append(targets, registry.Target{ID: fmt.Sprintf("T%02d", i), CreditClass: c,
			Status: registry.StatusActive, Departments: []string{"治安"}})
	}
	p := plan.Plan{Year: 2026, Version: 1, Tasks: []plan.Task{{ID: "ZA", Department: "治安", Items: []string{"ZA-01"},
		Scope: plan.Scope{Mode: plan.Undirected}, Window: plan.Window{From: "2026-03-01", To: "2026-05-31"},
		Ratio:       decimal.RequireFromString("0.1"),
		ClassRatios: []plan.ClassRatio{{Class: "C", Ratio: decimal.RequireFromString("0.3")}, {Class: "D", Ratio: decimal.RequireFromString("0.7")}}}}}
	history := []plan.Record{{TargetID: "T01", Item: "ZA-01", Date: "2026-02-01", Result: plan.ResultCompliant}}
	in, err := p.DrawInput("ZA", targets, history)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range in.Strata {
		fmt.Printf("class %s: ratio %s, pool %d, eligible %d, quota %d\n", s.Class, s.Ratio, s.Pool, s.Eligible, s.Quota)
	}
	fmt.Println("excluded (R11):", in.Exclude)
	// Output:
	// class A: ratio 0.1, pool 1, eligible 1, quota 1
	// class B: ratio 0.1, pool 7, eligible 6, quota 1
	// class C: ratio 0.3, pool 1, eligible 1, quota 1
	// class D: ratio 0.7, pool 1, eligible 1, quota 1
	// excluded (R11): [T01]
}
