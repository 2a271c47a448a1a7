package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/shuangsuiji/ssj/checklist"
)

func init() {
	register("checklist", "the inspection-item list (随机抽查事项清单, 一单): validate, publish, diff", runChecklist)
}

const checklistUsage = `usage:
  ssj checklist validate FILE [--cap RATIO] [--json]
  ssj checklist publish FILE --effective DATE [--note TEXT] [--json]
  ssj checklist diff OLD NEW --effective DATE [--json]

Validates a checklist published as CSV (UTF-8 with or without BOM, or GB18030)
or XLSX (first sheet), with the columns 序号, 事项编码, 抽查事项, 检查对象, 事项类别,
检查方式, 检查主体, 检查依据, 抽查比例, 抽查频次 (and optionally 抽查内容, 检查人员资格,
抽查措施, 抽查监管程序, 抽查结果处理) or their English names. Every bad row is reported:
an item without a legal basis (R1), a general item above the cap or a key item
with an upper bound (R4), an unknown method (R5), a missing element (R2).

publish prints version 1 of the checklist as published: Chinese text, or RFC 8785
canonical JSON with --json. diff treats OLD as version 1 and NEW as version 2 (R3)
effective on DATE and prints the adjustment: items added, removed, changed field
by field.

flags:
  --cap RATIO        cap on general items' ratio, a fraction (default 0.2)
  --effective DATE   effective date of the (new) version, YYYY-MM-DD
  --note TEXT        note published with the version
  --json             machine-readable output

Exit status: 0 valid, 1 the checklist has problems, 2 bad usage or unreadable file.`

// checklistRowJSON is one row problem in --json output.
type checklistRowJSON struct {
	Row    int    `json:"row"`
	Code   string `json:"code,omitempty"`
	Column string `json:"column"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

func runChecklist(e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, checklistUsage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	verb := args[0]
	want := map[string]int{"validate": 1, "publish": 1, "diff": 2}
	if _, ok := want[verb]; !ok {
		return usageError(e, "checklist: unknown verb %q\n\n%s", verb, checklistUsage)
	}
	cfg := checklist.DefaultConfig()
	var asJSON bool
	var pos []string
	var effective, note string
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "--json" || a == "-json":
			asJSON = true
		case a == "--effective" || a == "--note" || strings.HasPrefix(a, "--effective=") || strings.HasPrefix(a, "--note="):
			name, v, ok := strings.Cut(a, "=")
			if !ok {
				if i+1 >= len(rest) {
					return usageError(e, "checklist: %s needs a value", a)
				}
				i++
				v = rest[i]
			}
			if name == "--effective" {
				effective = v
			} else {
				note = v
			}
		case a == "--cap" || strings.HasPrefix(a, "--cap="):
			v, ok := strings.CutPrefix(a, "--cap=")
			if !ok {
				if i+1 >= len(rest) {
					return usageError(e, "checklist: --cap needs a RATIO")
				}
				i++
				v = rest[i]
			}
			d, err := decimal.NewFromString(v)
			if err != nil || d.IsNegative() || d.GreaterThan(decimal.NewFromInt(1)) {
				return usageError(e, "checklist: --cap %q: want a fraction in [0, 1], e.g. 0.2", v)
			}
			cfg.GeneralCap = d
		case strings.HasPrefix(a, "-") && a != "-":
			return usageError(e, "checklist: unknown flag %q\n\n%s", a, checklistUsage)
		default:
			pos = append(pos, a)
		}
	}
	if len(pos) != want[verb] {
		return usageError(e, "checklist %s: want %d FILE argument(s), got %d: %q\n\n%s", verb, want[verb], len(pos), pos, checklistUsage)
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
			return inputError(e, err)
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
