package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/shopspring/decimal"
	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/checklist"
	"github.com/shuangsuiji/ssj/office"
)

func init() {
	registerNoun(noun{
		Name:  "checklist",
		Short: "the inspection-item list (随机抽查事项清单, 一单): validate, publish, diff",
		Long:  checklistLong,
		Verbs: []verb{
			{Use: "validate FILE", Short: "report every bad row of a checklist (R1, R2, R4, R5)",
				Example: "  ssj checklist validate examples/data/checklist.csv", Setup: checklistVerb("validate")},
			{Use: "publish FILE", Short: "publish the next checklist version in the store (R3) and print it as published",
				Example: "  ssj checklist publish examples/data/checklist.csv --effective 2026-01-01 --store ssj.db --as 法制大队\n  ssj checklist publish examples/data/checklist.csv --effective 2026-01-01 --dry-run --json",
				Setup:   checklistVerb("publish")},
			{Use: "diff OLD NEW", Short: "print the adjustment from OLD (version 1) to NEW (version 2, R3)",
				Example: "  ssj checklist diff old.csv new.csv --effective 2026-07-01", Setup: checklistVerb("diff")},
		},
	})
}

const checklistLong = `Validates a checklist published as CSV (UTF-8 with or without BOM, or GB18030)
or XLSX (first sheet), with the columns 序号, 事项编码, 抽查事项, 检查对象, 事项类别,
检查方式, 检查主体, 检查依据, 抽查比例, 抽查频次 (and optionally 抽查内容, 检查人员资格,
抽查措施, 抽查监管程序, 抽查结果处理) or their English names. Every bad row is reported:
an item without a legal basis (R1), a general item above the cap or a key item
with an upper bound (R4), an unknown method (R5), a missing element (R2).

publish publishes the file as the next checklist version in the office store
(--store, default $SSJ_STORE or ssj.db): version 1, or the next after the
latest published one with its adjustment, checked, stored and traced in one
transaction (R3); it prints the version as published: Chinese text, or RFC
8785 canonical JSON with --json. --dry-run prints version 1 of the file
without a store. diff treats OLD as version 1 and NEW as version 2 (R3)
effective on DATE and prints the adjustment: items added, removed, changed field
by field.

Exit status: 0 valid, 1 the checklist has problems, 2 bad usage or unreadable file.`

// checklistRowJSON is one row problem in --json output.
type checklistRowJSON struct {
	Row    int    `json:"row"`
	Code   string `json:"code,omitempty"`
	Column string `json:"column"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

func checklistVerb(verb string) func(e *env, fs *pflag.FlagSet) func([]string) int {
	return func(e *env, fs *pflag.FlagSet) func([]string) int {
		capFlag := fs.String("cap", "0.2", "cap on general items' ratio, a fraction `RATIO`")
		asJSON := jsonFlag(fs)
		var effective, note *string
		if verb != "validate" {
			effective = fs.String("effective", "", "effective date of the (new) version, `YYYY-MM-DD`")
			note = fs.String("note", "", "note published with the version, `TEXT`")
			required(fs, "effective")
		}
		var c *stepCLI
		var dryRun *bool
		if verb == "publish" {
			c = newPlainStepCLI(e, fs)
			dryRun = fs.Bool("dry-run", false, "print version 1 of the file as it would be published; no store")
		}
		return func(args []string) int {
			var eff, nt string
			if effective != nil {
				eff, nt = *effective, *note
			}
			if c != nil && !*dryRun {
				return checklistPublishStore(e, c, args, *capFlag, eff, nt, *asJSON)
			}
			return runChecklist(e, verb, args, *capFlag, eff, nt, *asJSON)
		}
	}
}

func runChecklist(e *env, verb string, pos []string, capText, effective, note string, asJSON bool) int {
	want := map[string]int{"validate": 1, "publish": 1, "diff": 2}
	cfg := checklist.DefaultConfig()
	d, err := decimal.NewFromString(capText)
	if err != nil || d.IsNegative() || d.GreaterThan(decimal.NewFromInt(1)) {
		return usageError(e, "checklist: --cap %q: want a fraction in [0, 1], e.g. 0.2", capText)
	}
	cfg.GeneralCap = d
	if len(pos) != want[verb] {
		return usageError(e, "checklist %s: want %d FILE argument(s), got %d: %q", verb, want[verb], len(pos), pos)
	}
	if verb != "validate" {
		if effective == "" {
			return usageError(e, "checklist %s: --effective DATE is required", verb)
		}
		return checklistPublish(e, verb, pos, effective, note, cfg, asJSON)
	}
	file := pos[0]
	items, err := readChecklistFile(file, cfg)
	var rows checklist.RowErrors
	if err != nil && !errors.As(err, &rows) {
		return inputError(e, err)
	}
	// A file that is not CSV or XLSX at all is unreadable input, not a
	// checklist with problems.
	if len(rows) == 1 && errors.Is(rows[0], checklist.ErrBadFile) {
		return inputError(e, err)
	}
	key := 0
	for _, it := range items {
		if it.Category == checklist.CategoryKey {
			key++
		}
	}
	if asJSON {
		out := struct {
			File    string             `json:"file"`
			Valid   bool               `json:"valid"`
			Items   int                `json:"items"`
			Key     int                `json:"key_items"`
			General int                `json:"general_items"`
			Cap     string             `json:"general_cap"`
			Errors  []checklistRowJSON `json:"errors"`
		}{File: file, Valid: len(rows) == 0, Items: len(items), Key: key, General: len(items) - key, Cap: cfg.GeneralCap.String(), Errors: []checklistRowJSON{}}
		for _, r := range rows {
			out.Errors = append(out.Errors, checklistRowJSON{Row: r.Row, Code: r.Code, Column: r.Column, Value: r.Value, Reason: r.Err.Error()})
		}
		if err := writeJSON(e.stdout, out); err != nil {
			return inputError(e, err)
		}
	} else {
		for _, r := range rows {
			fmt.Fprintln(e.stdout, r.Error())
		}
		if len(rows) == 0 {
			fmt.Fprintf(e.stdout, "%s: valid: %d items (%d key 重点, %d general 一般), general cap %s\n",
				file, len(items), key, len(items)-key, cfg.GeneralCap)
		} else {
			fmt.Fprintf(e.stdout, "%s: %d problem(s); %d good item(s)\n", file, len(rows), len(items))
		}
	}
	if len(rows) > 0 {
		return exitProblem
	}
	return exitOK
}

// readChecklistFile imports a checklist from a CSV or XLSX file, telling
// them apart by content (an XLSX file is a ZIP archive).
func readChecklistFile(file string, cfg checklist.Config) ([]checklist.Item, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("checklist: %w", err)
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\ufeff")))) == 0 {
		return nil, fmt.Errorf("%s: empty file: want a checklist, CSV or XLSX", file)
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return checklist.ReadXLSX(bytes.NewReader(data), file, cfg)
	}
	return checklist.ReadCSV(bytes.NewReader(data), file, cfg)
}

// checklistPublish implements "checklist publish" and "checklist diff".
// A file with problems is unusable input here: run validate to see them.
func checklistPublish(e *env, verb string, files []string, effective, note string, cfg checklist.Config, asJSON bool) int {
	lists := make([][]checklist.Item, len(files))
	for i, f := range files {
		items, err := readChecklistFile(f, cfg)
		if err != nil {
			return inputError(e, fmt.Errorf("%w\n(run ssj checklist validate %s to see every problem)", err, f))
		}
		if len(items) == 0 {
			return inputError(e, noRows(f, "the checklist holds no item"))
		}
		lists[i] = items
	}
	var out interface {
		PublishJSON() ([]byte, error)
		PublishText(io.Writer) error
	}
	if verb == "publish" {
		v, err := checklist.FirstVersion(lists[0], effective, note, cfg)
		if err != nil {
			return inputError(e, fmt.Errorf("%s: %w", files[0], err))
		}
		out = v
	} else {
		// OLD is taken as in force since the day before NEW.
		day, err := time.Parse(checklist.DateLayout, effective)
		if err != nil {
			return usageError(e, "checklist diff: --effective %q: want YYYY-MM-DD", effective)
		}
		v1, err := checklist.FirstVersion(lists[0], day.AddDate(0, 0, -1).Format(checklist.DateLayout), "", cfg)
		if err != nil {
			return inputError(e, fmt.Errorf("%s: %w", files[0], err))
		}
		_, d, err := checklist.NextVersion(v1, lists[1], effective, note, cfg)
		if errors.Is(err, checklist.ErrNoChange) {
			fmt.Fprintf(e.stderr, "ssj: checklist diff: %s and %s hold the same items\n", files[0], files[1])
			return exitProblem
		}
		if err != nil {
			return inputError(e, fmt.Errorf("%s: %w", files[1], err))
		}
		out = d
	}
	if asJSON {
		b, err := out.PublishJSON()
		if err != nil {
			return inputError(e, err)
		}
		fmt.Fprintf(e.stdout, "%s\n", b)
		return exitOK
	}
	if err := out.PublishText(e.stdout); err != nil {
		return inputError(e, err)
	}
	return exitOK
}

// checklistPublishStore publishes the file as the next checklist version in
// the office store (R3).
func checklistPublishStore(e *env, c *stepCLI, pos []string, capText, effective, note string, asJSON bool) int {
	cfg := checklist.DefaultConfig()
	d, err := decimal.NewFromString(capText)
	if err != nil || d.IsNegative() || d.GreaterThan(decimal.NewFromInt(1)) {
		return usageError(e, "checklist: --cap %q: want a fraction in [0, 1], e.g. 0.2", capText)
	}
	cfg.GeneralCap = d
	if len(pos) != 1 {
		return usageError(e, "checklist publish: want 1 FILE argument, got %d: %q", len(pos), pos)
	}
	if effective == "" {
		return usageError(e, "checklist publish: --effective DATE is required")
	}
	items, err := readChecklistFile(pos[0], cfg)
	if err != nil {
		return inputError(e, fmt.Errorf("%w\n(run ssj checklist validate %s to see every problem)", err, pos[0]))
	}
	if len(items) == 0 {
		return inputError(e, fmt.Errorf("%s: the checklist holds no item", pos[0]))
	}
	o, step, done, code := c.begin(e, "checklist publish", officeOptions{create: true})
	if o == nil {
		return code
	}
	defer done()
	v, err := o.PublishChecklist(context.Background(), step, office.ChecklistPublish{Items: items, Effective: effective, Note: note, Config: cfg})
	if err != nil {
		return officeError(e, "checklist publish "+pos[0], err)
	}
	if asJSON {
		b, err := v.PublishJSON()
		if err != nil {
			return inputError(e, err)
		}
		fmt.Fprintf(e.stdout, "%s\n", b)
		return exitOK
	}
	if err := v.PublishText(e.stdout); err != nil {
		return inputError(e, err)
	}
	fmt.Fprintf(e.stdout, "\nchecklist version %d (%d items, effective %s) published in the store\n", v.Number, len(v.Items), v.Effective)
	return exitOK
}
