package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/shuangsuiji/ssj/checklist"
	"github.com/shuangsuiji/ssj/plan"
	"github.com/shuangsuiji/ssj/registry"
)

func init() {
	register("plan", "the annual plan (年度抽查计划): check rules R1–R13, draw input, publish, diff", runPlan)
}

const planUsage = `usage:
  ssj plan check PLAN --targets FILE [--history FILE] [--checklist FILE] [--json]
  ssj plan input PLAN TASK --targets FILE [--history FILE]
  ssj plan publish PLAN [--json]
  ssj plan diff OLD NEW [--json]

check    checks the plan (JSON) against the rules and prints a table: rule, check,
         subject, figure, threshold, result. R8 department coverage and joint share,
         R9 task statements, R10 joint tasks per department, R11 repeat inspections,
         R12 credit-class ratios, R13 targeted inspections apart; with --checklist
         also R1 items on the checklist, R2 frequency (at least, and no target
         over the item's upper bound) and lower ratio bound, R4 caps.
input    prints the draw input of one task (pool, strata, quotas, R11 exclusions) as JSON.
publish  prints the plan's published form: Chinese text, or canonical JSON with --json.
diff     checks that NEW is the next version of OLD and prints the adjustment.

flags:
  --targets FILE    target registry, CSV or XLSX (检查对象名录库)
  --history FILE    past inspections, CSV: target_id,item,date,result[,task,reason]
  --checklist FILE  checklist, CSV or XLSX
  --json            machine-readable output

thresholds (configuration; defaults are the seed documents' numbers):
  --min-coverage RATIO      R8 share of a department's targets (default 0.05)
  --min-joint-share RATIO   R8 share of random tasks that are joint (default 0.1)
  --cap RATIO               R4 cap on general items (default 0.2)
  --credit-table TABLE      R12 table, e.g. "A:0-0.05,B:0.05-0.2,C:0.21-0.6,D:0.61-1"
                            (the default); "" disables R12

Exit status: 0 ok, 1 a rule is broken, 2 bad usage or unreadable input.`

type planFlags struct {
	targets, history, checklist string
	asJSON                      bool
	pos                         []string
	cfg                         plan.Config
}

func parsePlanFlags(e *env, args []string) (planFlags, int, bool) {
	f := planFlags{cfg: plan.DefaultConfig()}
	var cfgFlags [][2]string // name, value, applied after the loop
	for i := 0; i < len(args); i++ {
		a := args[i]
		var dst *string
		switch {
		case a == "--cap" || strings.HasPrefix(a, "--cap=") || a == "--min-coverage" || strings.HasPrefix(a, "--min-coverage=") ||
			a == "--min-joint-share" || strings.HasPrefix(a, "--min-joint-share=") || a == "--credit-table" || strings.HasPrefix(a, "--credit-table="):
			name, v, ok := strings.Cut(a, "=")
			if !ok {
				if i+1 >= len(args) {
					return f, usageError(e, "plan: %s needs a value", a), false
				}
				i++
				v = args[i]
			}
			cfgFlags = append(cfgFlags, [2]string{name, v})
			continue
		case a == "--json" || a == "-json":
			f.asJSON = true
			continue
		case a == "--targets" || strings.HasPrefix(a, "--targets="):
			dst = &f.targets
		case a == "--history" || strings.HasPrefix(a, "--history="):
			dst = &f.history
		case a == "--checklist" || strings.HasPrefix(a, "--checklist="):
			dst = &f.checklist
		case strings.HasPrefix(a, "-") && a != "-":
			return f, usageError(e, "plan: unknown flag %q\n\n%s", a, planUsage), false
		default:
			f.pos = append(f.pos, a)
			continue
		}
		if name, v, ok := strings.Cut(a, "="); ok {
			if v == "" {
				return f, usageError(e, "plan: %s needs a FILE", name), false
			}
			*dst = v
			continue
		}
		if i+1 >= len(args) {
			return f, usageError(e, "plan: %s needs a FILE", a), false
		}
		i++
		*dst = args[i]
	}
	for _, kv := range cfgFlags {
		name, v := kv[0], kv[1]
		if name == "--credit-table" {
			tab, err := plan.ParseCreditTable(v)
			if err != nil {
				return f, usageError(e, "plan: %s: %v", name, err), false
			}
			f.cfg.CreditTable = tab
			continue
		}
		d, err := decimal.NewFromString(v)
		if err != nil || d.IsNegative() || d.GreaterThan(decimal.NewFromInt(1)) {
			return f, usageError(e, "plan: %s %q: want a fraction in [0, 1], e.g. 0.05", name, v), false
		}
		switch name {
		case "--cap":
			f.cfg.Checklist.GeneralCap = d
		case "--min-coverage":
			f.cfg.MinDepartmentCoverage = d
		case "--min-joint-share":
			f.cfg.MinJointShare = d
		}
	}
	return f, 0, true
}

func runPlan(e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, planUsage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	verb := args[0]
	f, code, ok := parsePlanFlags(e, args[1:])
	if !ok {
		return code
	}
	want := map[string]int{"check": 1, "input": 2, "publish": 1, "diff": 2}
	n, known := want[verb]
	if !known {
		return usageError(e, "plan: unknown verb %q\n\n%s", verb, planUsage)
	}
	if len(f.pos) != n {
		return usageError(e, "plan %s: want %d argument(s), got %d: %q\n\n%s", verb, n, len(f.pos), f.pos, planUsage)
	}
	if (verb == "check" || verb == "input") && f.targets == "" {
		return usageError(e, "plan %s: --targets FILE is required", verb)
	}
	p, err := readPlanFile(f.pos[0])
	if err != nil {
		return inputError(e, err)
	}
	switch verb {
	case "check":
		return planCheck(e, p, f)
	case "input":
		return planInput(e, p, f)
	case "publish":
		return planPublish(e, p, f)
	default:
		return planDiff(e, p, f)
	}
}

func readPlanFile(file string) (plan.Plan, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return plan.Plan{}, fmt.Errorf("plan: %w", err)
	}
	return plan.Decode(bytes.NewReader(data), file)
}

// loadPlanInputs reads the registry, history and checklist named by f.
func loadPlanInputs(p plan.Plan, f planFlags) (plan.Input, error) {
	var in plan.Input
	data, err := os.ReadFile(f.targets)
	if err != nil {
		return in, fmt.Errorf("targets: %w", err)
	}
	tab, err := registry.Read(bytes.NewReader(data), registry.ImportOptions{File: f.targets, Pool: registry.PoolTargets})
	if err != nil {
		return in, err
	}
	in.Targets = tab.Targets
	if f.history != "" {
		data, err := os.ReadFile(f.history)
		if err != nil {
			return in, fmt.Errorf("history: %w", err)
		}
		if in.History, err = plan.ReadHistory(bytes.NewReader(data), f.history); err != nil {
			return in, err
		}
	}
	if f.checklist != "" {
		cfg := f.cfg.Checklist
		items, err := readChecklistFile(f.checklist, cfg)
		if err != nil {
			return in, err
		}
		// The file is the checklist in force for the plan year.
		v, err := checklist.FirstVersion(items, strconv.Itoa(p.Year)+"-01-01", "", cfg)
		if err != nil {
			return in, fmt.Errorf("%s: %w", f.checklist, err)
		}
		in.Checklist = &v
	}
	return in, nil
}

func planCheck(e *env, p plan.Plan, f planFlags) int {
	in, err := loadPlanInputs(p, f)
	if err != nil {
		return inputError(e, err)
	}
	rep, err := plan.Check(p, in, f.cfg)
	if err != nil {
		return inputError(e, err)
	}
	if f.asJSON {
		out := struct {
			plan.Report
			OK bool `json:"ok"`
		}{rep, rep.OK()}
		if err := writeJSON(e.stdout, out); err != nil {
			return inputError(e, err)
		}
	} else if err := rep.WriteText(e.stdout); err != nil {
		return inputError(e, err)
	}
	if !rep.OK() {
		return exitProblem
	}
	return exitOK
}

func planInput(e *env, p plan.Plan, f planFlags) int {
	in, err := loadPlanInputs(p, f)
	if err != nil {
		return inputError(e, err)
	}
	di, err := p.DrawInput(f.pos[1], in.Targets, in.History)
	if err != nil {
		return inputError(e, err)
	}
	if err := writeJSON(e.stdout, di); err != nil {
		return inputError(e, err)
	}
	return exitOK
}

func planPublish(e *env, p plan.Plan, f planFlags) int {
	if f.asJSON {
		b, err := p.PublishJSON()
		if err != nil {
			return inputError(e, err)
		}
		fmt.Fprintf(e.stdout, "%s\n", b)
		return exitOK
	}
	if err := p.PublishText(e.stdout); err != nil {
		return inputError(e, err)
	}
	return exitOK
}

func planDiff(e *env, old plan.Plan, f planFlags) int {
	next, err := readPlanFile(f.pos[1])
	if err != nil {
		return inputError(e, err)
	}
	d, err := plan.Adjust(old, next)
	if err != nil {
		if errors.Is(err, plan.ErrNoChange) || errors.Is(err, plan.ErrVersionOrder) {
			fmt.Fprintf(e.stderr, "ssj: plan diff: %v\n", err)
			return exitProblem
		}
		return inputError(e, err)
	}
	if f.asJSON {
		b, err := d.PublishJSON()
		if err != nil {
			return inputError(e, err)
		}
		fmt.Fprintf(e.stdout, "%s\n", b)
		return exitOK
	}
	if err := d.PublishText(e.stdout); err != nil {
		return inputError(e, err)
	}
	return exitOK
}
