package plan

import (
	"fmt"
	"os"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/shuangsuiji/ssj/checklist"
	"github.com/shuangsuiji/ssj/registry"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// targets returns n active targets of class c supervised by depts, in
// jurisdiction jur, IDs prefixed by prefix.
func targets(prefix string, n int, c, jur string, depts ...string) []registry.Target {
	out := make([]registry.Target, n)
	for i := range out {
		out[i] = registry.Target{ID: fmt.Sprintf("%s-%04d", prefix, i), Name: prefix, Kind: registry.KindProduct,
			Jurisdiction: jur, Industry: "X", CreditClass: c, Status: registry.StatusActive, Departments: depts}
	}
	return out
}

// simpleTask is a single-department undirected task with one ratio for
// every class.
func simpleTask(id, dept, ratio string, items ...string) Task {
	if len(items) == 0 {
		items = []string{"K-01"}
	}
	return Task{ID: id, Name: id, Department: dept, Items: items, Scope: Scope{Mode: Undirected},
		Window: Window{"2026-03-01", "2026-05-31"}, EstimatedCount: 1, Ratio: dec(ratio)}
}

func basePlan(depts []string, tasks ...Task) Plan {
	return Plan{Year: 2026, Authority: "测试分局", Version: 1, Effective: "2026-01-15", Departments: depts, Tasks: tasks}
}

// noCredit is the default configuration without the R12 table, so tests
// of other rules need not set class ratios.
func noCredit() Config {
	c := DefaultConfig()
	c.CreditTable = nil
	return c
}

// find returns the findings of rule for subject.
func find(t *testing.T, r Report, rule, subject string) Finding {
	t.Helper()
	for _, f := range r.Findings {
		if f.Rule == rule && f.Subject == subject {
			return f
		}
	}
	t.Fatalf("no %s finding for %q in %+v", rule, subject, r.Findings)
	return Finding{}
}

func mustCheck(t *testing.T, p Plan, in Input, cfg Config) Report {
	t.Helper()
	r, err := Check(p, in, cfg)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return r
}

// Sample files shared with the CLI.
const (
	samplePlan      = "../examples/data/plan.json"
	sampleHistory   = "../examples/data/history.csv"
	sampleChecklist = "../examples/data/checklist.csv"
	sampleTargets   = "../examples/data/targets.csv"
)

type sample struct {
	plan      Plan
	targets   []registry.Target
	history   []Record
	checklist checklist.Version
}

func loadSample(t testing.TB) sample {
	t.Helper()
	open := func(name string) *os.File {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	var s sample
	var err error
	if s.plan, err = Decode(open(samplePlan), samplePlan); err != nil {
		t.Fatal(err)
	}
	tab, err := registry.Read(open(sampleTargets), registry.ImportOptions{File: sampleTargets, Pool: registry.PoolTargets})
	if err != nil {
		t.Fatal(err)
	}
	s.targets = tab.Targets
	if s.history, err = ReadHistory(open(sampleHistory), sampleHistory); err != nil {
		t.Fatal(err)
	}
	cfg := checklist.DefaultConfig()
	items, err := checklist.ReadCSV(open(sampleChecklist), sampleChecklist, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s.checklist, err = checklist.FirstVersion(items, "2026-01-01", "", cfg); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s sample) input() Input {
	return Input{Targets: s.targets, History: s.history, Checklist: &s.checklist}
}
