package plan

import (
	"fmt"
	"testing"

	"github.com/shuangsuiji/ssj/checklist"
	"github.com/shuangsuiji/ssj/registry"
)

// BenchmarkCheck checks a 40-task plan over 20,000 targets in 6 departments.
func BenchmarkCheck(b *testing.B) {
	p, in, cfg := benchInput(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Check(p, in, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckChecklist is BenchmarkCheck with a checklist whose item
// K-01 (every task's item) is 每年1次, so the R1, R2 (including
// over-frequency) and R4 checks run too.
func BenchmarkCheckChecklist(b *testing.B) {
	p, in, cfg := benchInput(b)
	it := checklist.Item{Code: "K-01", Name: "重点", TargetType: "x", Category: checklist.CategoryKey,
		Methods: []checklist.Method{checklist.MethodOnSite}, Department: "治安", LegalBasis: []string{"《法》"},
		RatioMin: dec("0.05"), Frequency: checklist.Frequency{PerYear: 1, MaxPerYear: 1, Text: "每年1次"}}
	v, err := checklist.FirstVersion([]checklist.Item{it}, "2026-01-01", "", checklist.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	in.Checklist = &v
	b.ResetTimer()
	for b.Loop() {
		if _, err := Check(p, in, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

func benchInput(b *testing.B) (Plan, Input, Config) {
	b.Helper()
	depts := []string{"治安", "出入境", "网警", "禁毒", "交警", "消防"}
	classes := []string{"A", "B", "C", "D"}
	jurs := []string{"440103", "440104", "440105", "440106"}
	var ts []registry.Target
	for i := range 20000 {
		ts = append(ts, registry.Target{ID: fmt.Sprintf("T%06d", i), CreditClass: classes[i%4], Jurisdiction: jurs[(i/4)%4],
			Industry: fmt.Sprintf("I%d", i%10), Status: registry.StatusActive, Departments: []string{depts[i%6], depts[(i+1)%6]}})
	}
	var tasks []Task
	for i := range 40 {
		k := simpleTask(fmt.Sprintf("K%02d", i), depts[i%6], "0.1")
		k.Scope = Scope{Mode: Directed, Jurisdictions: []string{jurs[i%4]}, Industries: []string{fmt.Sprintf("I%d", i%10)}}
		if i%5 == 0 {
			k.Participants = []string{depts[(i+3)%6]}
		}
		tasks = append(tasks, k)
	}
	p := basePlan(depts, tasks...)
	var h []Record
	for i := range 2000 {
		h = append(h, Record{TargetID: fmt.Sprintf("T%06d", i*7), Item: "K-01", Date: "2026-02-01", Result: ResultCompliant})
	}
	return p, Input{Targets: ts, History: h}, noCredit()
}
