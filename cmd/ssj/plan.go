package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/shopspring/decimal"
	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/checklist"
	"github.com/shuangsuiji/ssj/plan"
	"github.com/shuangsuiji/ssj/registry"
)

func init() {
	registerNoun(noun{
		Name:  "plan",
		Short: "the annual plan (年度抽查计划): check rules R1–R13, draw input, publish, diff",
		Long:  planLong,
		Verbs: []verb{
			{Use: "check PLAN", Short: "check the plan (JSON) against rules R1–R13 and print a table",
				Long: planLong, Example: "  ssj plan check examples/data/plan.json --targets examples/data/targets.csv --history examples/data/history.csv",
				Setup: planVerb("check")},
			{Use: "input PLAN TASK", Short: "print the draw input of one task (pool, strata, quotas, R11 exclusions) as JSON",
				Example: "  ssj plan input examples/data/plan.json 2026-LH-01 --targets examples/data/targets.csv", Setup: planVerb("input")},
			{Use: "publish PLAN", Short: "publish the year's plan (version 1) in the store and print its published form",
				Example: "  ssj plan publish examples/data/plan.json --store ssj.db --as 法制大队\n  ssj plan publish examples/data/plan.json --dry-run", Setup: planVerb("publish")},
			{Use: "adjust PLAN", Short: "publish an adjustment (the next version) of the year's plan in the store (R9)",
				Example: "  ssj plan adjust plan-v2.json --store ssj.db --as 法制大队 --json", Setup: planVerb("adjust")},
			{Use: "diff OLD NEW", Short: "check that NEW is the next version of OLD and print the adjustment",
				Example: "  ssj plan diff plan-v1.json plan-v2.json --json", Setup: planVerb("diff")},
		},
	})
}

const planLong = `check    checks the plan (JSON) against the rules and prints a table: rule, check,
         subject, figure, threshold, result. R8 department coverage and joint share,
         R9 task statements, R10 joint tasks per department, R11 repeat inspections,
         R12 credit-class ratios, R13 targeted inspections apart; with --checklist
         also R1 items on the checklist, R2 frequency (at least, and no target
         over the item's upper bound) and lower ratio bound, R4 caps.
input    prints the draw input of one task (pool, strata, quotas, R11 exclusions) as JSON.
publish  publishes version 1 of the year's plan in the office store (--store, default
         $SSJ_STORE or ssj.db), checked, stored and traced in one transaction, and
         prints its published form: Chinese text, or canonical JSON with --json.
         --dry-run only prints it.
adjust   publishes the next version of the year's plan in the store (R9): it must
         be a valid adjustment of the current one; prints the adjustment.
diff     checks that NEW is the next version of OLD and prints the adjustment.

The thresholds of check are configuration; the defaults are the seed
documents' numbers. --credit-table "" disables R12.

Exit status: 0 ok, 1 a rule is broken, 2 bad usage or unreadable input.`

type planFlags struct {
	targets, history, checklist string
	asJSON                      bool
	pos                         []string
	cfg                         plan.Config
}

func planVerb(verb string) func(e *env, fs *pflag.FlagSet) func([]string) int {
	return func(e *env, fs *pflag.FlagSet) func([]string) int {
		var targets, history, checklistFile *string
		var asJSON *bool
		cfgFlags := map[string]*string{}
		if verb == "check" || verb == "input" {
			targets = fs.String("targets", "", "target registry, CSV or XLSX (检查对象名录库) `FILE`")
			history = fs.String("history", "", "past inspections, CSV: target_id,item,date,result[,task,reason] `FILE`")
			required(fs, "targets")
		}
		if verb == "check" {
			checklistFile = fs.String("checklist", "", "checklist, CSV or XLSX `FILE`")
			cfgFlags["min-coverage"] = fs.String("min-coverage", "0.05", "R8 share of a department's targets, a fraction `RATIO`")
			cfgFlags["min-joint-share"] = fs.String("min-joint-share", "0.1", "R8 share of random tasks that are joint, a fraction `RATIO`")
			cfgFlags["cap"] = fs.String("cap", "0.2", "R4 cap on general items, a fraction `RATIO`")
			cfgFlags["credit-table"] = fs.String("credit-table", "A:0-0.05,B:0.05-0.2,C:0.21-0.6,D:0.61-1", "R12 credit-class `TABLE`; \"\" disables R12")
		}
		if verb != "input" {
			asJSON = jsonFlag(fs)
		}
		var c *stepCLI
		dryRun := new(bool)
		if verb == "publish" || verb == "adjust" {
			c = newPlainStepCLI(e, fs)
		}
		if verb == "publish" {
			dryRun = fs.Bool("dry-run", false, "print the published form only; no store")
		}
		return func(args []string) int {
			if c != nil && !*dryRun {
				return planPublishStore(e, c, verb, args, *asJSON)
			}
			f := planFlags{cfg: plan.DefaultConfig(), pos: args}
			if targets != nil {
				f.targets, f.history = *targets, *history
			}
			if checklistFile != nil {
				f.checklist = *checklistFile
			}
			if asJSON != nil {
				f.asJSON = *asJSON
			}
			for _, name := range []string{"cap", "min-coverage", "min-joint-share", "credit-table"} {
				v, ok := cfgFlags[name]
				if !ok || !fs.Changed(name) {
					continue
				}
				if name == "credit-table" {
					tab, err := plan.ParseCreditTable(*v)
					if err != nil {
						return usageError(e, "plan: --%s: %v", name, err)
					}
					f.cfg.CreditTable = tab
					continue
				}
				d, err := decimal.NewFromString(*v)
				if err != nil || d.IsNegative() || d.GreaterThan(decimal.NewFromInt(1)) {
					return usageError(e, "plan: --%s %q: want a fraction in [0, 1], e.g. 0.05", name, *v)
				}
				switch name {
				case "cap":
					f.cfg.Checklist.GeneralCap = d
				case "min-coverage":
					f.cfg.MinDepartmentCoverage = d
				case "min-joint-share":
					f.cfg.MinJointShare = d
				}
			}
			return runPlan(e, verb, f)
		}
	}
}

func runPlan(e *env, verb string, f planFlags) int {
	want := map[string]int{"check": 1, "input": 2, "publish": 1, "diff": 2}
	n := want[verb]
	if len(f.pos) != n {
		return usageError(e, "plan %s: want %d argument(s), got %d: %q", verb, n, len(f.pos), f.pos)
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
func loadPlanInputs(e *env, p plan.Plan, f planFlags) (plan.Input, error) {
	var in plan.Input
	data, err := os.ReadFile(f.targets)
	if err != nil {
		return in, fmt.Errorf("targets: %w", err)
	}
	report, finish := progress(e, "importing "+f.targets)
	tab, err := registry.Read(bytes.NewReader(data), registry.ImportOptions{File: f.targets, Pool: registry.PoolTargets, Progress: report})
	finish()
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
	in, err := loadPlanInputs(e, p, f)
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
	in, err := loadPlanInputs(e, p, f)
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

// planPublishStore publishes a plan (version 1) or an adjustment in the
// office store (R9).
func planPublishStore(e *env, c *stepCLI, verb string, pos []string, asJSON bool) int {
	what := "plan " + verb
	if len(pos) != 1 {
		return usageError(e, "%s: want 1 argument(s), got %d: %q", what, len(pos), pos)
	}
	p, err := readPlanFile(pos[0])
	if err != nil {
		return inputError(e, err)
	}
	o, step, done, code := c.begin(e, what, officeOptions{create: verb == "publish"})
	if o == nil {
		return code
	}
	defer done()
	ctx := context.Background()
	if verb == "publish" {
		if err := o.PublishPlan(ctx, step, p); err != nil {
			return officeError(e, what+" "+pos[0], err)
		}
		if code := planPublish(e, p, planFlags{asJSON: asJSON}); code != exitOK {
			return code
		}
		if !asJSON {
			fmt.Fprintf(e.stdout, "\nplan %d version %d (%d tasks) published in the store\n", p.Year, p.Version, len(p.Tasks))
		}
		return exitOK
	}
	d, err := o.AdjustPlan(ctx, step, p)
	if err != nil {
		return officeError(e, what+" "+pos[0], err)
	}
	if asJSON {
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
	fmt.Fprintf(e.stdout, "\nplan %d version %d published in the store\n", p.Year, p.Version)
	return exitOK
}
