package main

// The exit-status contract, tested per command against a common set of
// hostile inputs (issue 15):
//
//	0  ok
//	1  the input was read and a check found a problem (the command's own
//	   check: a bad row in the file being validated, a rule broken, a
//	   record or trail that does not verify)
//	2  usage error, or an input that cannot be read as the expected format
//	   at all, or an input the command needs that has problems (run the
//	   noun's validate verb to see every problem)
//
// Every failure names the file; where there is one, the row, JSON path,
// field and value; and leaves no output file behind.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileKind is the format a command slot reads.
type hostileKind int

const (
	kindCSV hostileKind = iota
	kindJSON
	kindJSONL
	kindText
)

// hostileInput is one hostile input: make writes it (or a directory, or
// nothing) for a slot of format k, from the slot's valid file, and returns
// its path. What a failure must mention is in mentions.
type hostileInput struct {
	name string
	make func(t *testing.T, dir string, valid []byte, k hostileKind) string
}

func writeHostile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, data, 0o644))
	return p
}

// firstLine returns the header line of a CSV file.
func firstLine(b []byte) []byte {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b
	}
	return b[:i+1]
}

var hostileInputs = []hostileInput{
	{name: "empty", make: func(t *testing.T, dir string, _ []byte, _ hostileKind) string {
		return writeHostile(t, dir, "empty.in", nil)
	}},
	{name: "header only", make: func(t *testing.T, dir string, valid []byte, k hostileKind) string {
		switch k {
		case kindCSV:
			return writeHostile(t, dir, "header.in", firstLine(valid))
		case kindJSONL:
			return writeHostile(t, dir, "header.in", firstLine(valid))
		case kindJSON:
			return writeHostile(t, dir, "header.in", []byte("{}"))
		}
		return writeHostile(t, dir, "header.in", []byte("\n"))
	}},
	{name: "missing column", make: func(t *testing.T, dir string, valid []byte, k hostileKind) string {
		if k != kindCSV {
			return writeHostile(t, dir, "missing.in", []byte(`{"format": "x"}`))
		}
		// Drop the second column from every line.
		var out []string
		for _, l := range strings.Split(string(valid), "\n") {
			cells := strings.Split(l, ",")
			if len(cells) > 2 {
				cells = append(cells[:1], cells[2:]...)
			}
			out = append(out, strings.Join(cells, ","))
		}
		return writeHostile(t, dir, "missing.in", []byte(strings.Join(out, "\n")))
	}},
	{name: "duplicate IDs", make: func(t *testing.T, dir string, valid []byte, k hostileKind) string {
		if k == kindCSV || k == kindText {
			lines := strings.SplitAfter(string(valid), "\n")
			// The header (CSV) and the first data line, then the rest, then
			// the first data line again.
			dup := lines[1]
			if k == kindText {
				dup = lines[0]
			}
			return writeHostile(t, dir, "dup.in", []byte(string(valid)+strings.TrimSuffix(dup, "\n")+"\n"))
		}
		if k == kindJSON {
			return writeHostile(t, dir, "dup.in", duplicateFirst(t, valid))
		}
		return writeHostile(t, dir, "dup.in", append(append([]byte{}, valid...), valid...))
	}},
	{name: "binary garbage", make: func(t *testing.T, dir string, _ []byte, _ hostileKind) string {
		b := make([]byte, 4096)
		x := uint32(2463534242)
		for i := range b {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			b[i] = byte(x)
		}
		return writeHostile(t, dir, "garbage.in", b)
	}},
	{name: "truncated", make: func(t *testing.T, dir string, valid []byte, _ hostileKind) string {
		return writeHostile(t, dir, "trunc.in", valid[:len(valid)*2/3])
	}},
	{name: "wrong types", make: func(t *testing.T, dir string, valid []byte, k hostileKind) string {
		if k == kindJSON {
			return writeHostile(t, dir, "types.in", wrongType(t, valid))
		}
		if k == kindJSONL {
			return writeHostile(t, dir, "types.in", []byte(`{"type": 1, "seq": "x"}`+"\n"))
		}
		return writeHostile(t, dir, "types.in", []byte("[1, 2, 3]\n"))
	}},
	{name: "null", make: func(t *testing.T, dir string, _ []byte, _ hostileKind) string {
		return writeHostile(t, dir, "null.in", []byte("null\n"))
	}},
	{name: "huge field", make: func(t *testing.T, dir string, valid []byte, k hostileKind) string {
		huge := strings.Repeat("长", 1<<20)
		if k == kindCSV {
			lines := strings.SplitAfter(string(valid), "\n")
			cells := strings.Split(lines[1], ",")
			cells[1] = huge
			lines[1] = strings.Join(cells, ",")
			return writeHostile(t, dir, "huge.in", []byte(strings.Join(lines, "")))
		}
		return writeHostile(t, dir, "huge.in", []byte(`{"id": "`+huge+`"}`))
	}},
	{name: "directory", make: func(t *testing.T, dir string, _ []byte, _ hostileKind) string {
		p := filepath.Join(dir, "a-directory.in")
		require.NoError(t, os.Mkdir(p, 0o755))
		return p
	}},
	{name: "missing file", make: func(_ *testing.T, dir string, _ []byte, _ hostileKind) string {
		return filepath.Join(dir, "no-such-file.in")
	}},
}

// equivalentInputs are valid files in another spelling: they must give the
// same result as the file itself.
var equivalentInputs = []struct {
	name string
	conv func([]byte) []byte
}{
	{"BOM", func(b []byte) []byte { return append([]byte("\ufeff"), b...) }},
	{"CRLF", func(b []byte) []byte {
		return bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
	}},
}

// hostileSlot is one file argument of one command.
type hostileSlot struct {
	name  string
	kind  hostileKind
	valid string // path of a valid file for the slot
	// args builds the command line with file in the slot; out is a path
	// the command would write (it must not exist after a failure).
	args func(file, out string) []string
	// codes maps an input name to the exit status; inputs not listed must
	// give 2.
	codes map[string]int
	// crlfChanges is true when CRLF is not equivalent (canonical JSON).
	crlfChanges bool
	// validator is true when the file is what the command checks: its
	// findings (exit 1) name the file too.
	validator bool
}

// dirListing lists the names under dir.
func dirListing(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		names = append(names, strings.TrimPrefix(p, dir))
		return nil
	}))
	sort.Strings(names)
	return names
}

func TestHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every command against every hostile input")
	}
	fx := hostileFixtures(t)
	for _, slot := range hostileSlots(fx) {
		t.Run(slot.name, func(t *testing.T) {
			valid, err := os.ReadFile(slot.valid)
			require.NoError(t, err)
			// The valid file itself, and its equivalent spellings.
			dir := t.TempDir()
			code, _, errOut := runCLI(t, "", slot.args(slot.valid, filepath.Join(dir, "out.json"))...)
			want := exitOK
			if c, ok := slot.codes["valid"]; ok {
				want = c
			}
			require.Equal(t, want, code, "valid input: %s", errOut)
			for _, eq := range equivalentInputs {
				if eq.name == "CRLF" && slot.crlfChanges {
					continue
				}
				p := writeHostile(t, dir, "eq-"+eq.name+".in", eq.conv(valid))
				got, _, errOut := runCLI(t, "", slot.args(p, filepath.Join(dir, "out-eq.json"))...)
				assert.Equal(t, want, got, "%s: %s", eq.name, errOut)
				os.Remove(filepath.Join(dir, "out-eq.json"))
			}
			for _, in := range hostileInputs {
				t.Run(in.name, func(t *testing.T) {
					dir := t.TempDir()
					file := in.make(t, dir, valid, slot.kind)
					out := filepath.Join(dir, "out.json")
					before := dirListing(t, dir)
					code, stdout, stderr := runCLI(t, "", slot.args(file, out)...)
					want, ok := slot.codes[in.name]
					if !ok {
						want = exitUsage
					}
					if code != want {
						t.Errorf("exit %d, want %d; stdout %.200q stderr %.300q", code, want, stdout, stderr)
					}
					if code == exitUsage || code == exitProblem && slot.validator {
						if !strings.Contains(stdout+stderr, filepath.Base(file)) {
							t.Errorf("the message does not name the file %s: stdout %.200q stderr %.300q", filepath.Base(file), stdout, stderr)
						}
						assert.Equal(t, before, dirListing(t, dir), "no output file is left behind")
					}
					for _, m := range mentions(slot, in.name, code) {
						if !strings.Contains(stdout+stderr, m) {
							t.Errorf("the message does not mention %q: %.300q", m, stdout+stderr)
						}
					}
				})
			}
		})
	}
}

// hostileFx holds valid files for every slot.
type hostileFx struct {
	data, dir                                        string
	targets, inspectors, checklist, plan, history    string
	task, randomness, manifest, record, proof        string
	book, trail, keyring, objections, calendar, pool string
}

func hostileFixtures(t *testing.T) hostileFx {
	t.Helper()
	data := filepath.Join("..", "..", "examples", "data")
	dir := cycleDir(t)
	p := func(name string) string { return filepath.Join(dir, name) }
	fx := hostileFx{data: data, dir: dir,
		targets: filepath.Join(data, "targets.csv"), inspectors: filepath.Join(data, "inspectors.csv"),
		checklist: filepath.Join(data, "checklist.csv"), plan: filepath.Join(data, "plan.json"),
		history: filepath.Join(data, "history.csv"), task: filepath.Join(data, "task.json"),
		randomness: filepath.Join(data, "randomness.json"),
		book:       p("book.json"), trail: p("trail.jsonl"), keyring: p("head.pub.json"), objections: p("obj.json"),
		manifest: p("demo/manifest.json"), record: p("unlocked.json"), proof: p("proof.json"),
		calendar: p("2027.json"), pool: p("pool.txt"),
	}
	code, _, errOut := runCLI(t, "", "demo", "--out", p("demo"))
	require.Equal(t, exitOK, code, errOut)
	code, _, errOut = runCLI(t, "", "draw", "run", "--manifest", fx.manifest, "--randomness", fx.randomness,
		"--targets", fx.targets, "--inspectors", fx.inspectors, "--out", fx.record)
	require.Equal(t, exitOK, code, errOut)
	code, out, errOut := runCLI(t, "", "registry", "prove", fx.targets, "91440103MAT410000M")
	require.Equal(t, exitOK, code, errOut)
	writeHostile(t, dir, "proof.json", []byte(out))
	writeHostile(t, dir, "2027.json", []byte(`{"format":"ssj-workday/1","version":"test-2027","years":[{"year":2027,
	 "notices":[{"title":"TEST ONLY","issued":"2026-11-01"}],
	 "holidays":[{"name":"元旦","from":"2027-01-01","to":"2027-01-03"}]}]}`+"\n"))
	writeHostile(t, dir, "pool.txt", []byte("alpha\nbravo\ncharlie\ndelta\necho\n"))
	return fx
}

func hostileSlots(fx hostileFx) []hostileSlot {
	var enterStores []string
	a := func(args ...string) []string { return args }
	// Validators: the file is what they check.
	// The file was read as CSV and a check failed (a bad header, a bad or
	// truncated row, a repeated ID): 1. Empty or binary: 2. A long name is
	// no rule's business: 0.
	csvValidator := map[string]int{"header only": exitOK, "missing column": exitProblem, "duplicate IDs": exitProblem,
		"truncated": exitProblem, "wrong types": exitProblem, "null": exitProblem, "huge field": exitOK}
	// Consumers refuse an input with problems (2); a long cell in an
	// otherwise valid file is fine.
	csvConsumer := map[string]int{"huge field": exitOK}
	return []hostileSlot{
		{name: "registry validate", kind: kindCSV, validator: true, valid: fx.targets, codes: csvValidator,
			args: func(f, _ string) []string { return a("registry", "validate", f) }},
		{name: "registry commit", kind: kindCSV, validator: true, valid: fx.targets, codes: csvValidator,
			args: func(f, _ string) []string { return a("registry", "commit", f, "--json") }},
		// A repeated audit-path step: read fine, does not verify (1).
		{name: "registry verify-proof", kind: kindJSON, valid: fx.proof, codes: map[string]int{"duplicate IDs": exitProblem},
			args: func(f, _ string) []string { return a("registry", "verify-proof", f) }},
		{name: "checklist validate", kind: kindCSV, validator: true, valid: fx.checklist, codes: csvValidator,
			args: func(f, _ string) []string { return a("checklist", "validate", f) }},
		{name: "checklist publish", kind: kindCSV, valid: fx.checklist, codes: csvConsumer,
			args: func(f, _ string) []string {
				return a("checklist", "publish", f, "--effective", "2026-01-01", "--dry-run")
			}},
		{name: "plan check PLAN", kind: kindJSON, valid: fx.plan,
			args: func(f, _ string) []string { return a("plan", "check", f, "--targets", fx.targets) }},
		{name: "plan check --targets", kind: kindCSV, valid: fx.targets, codes: map[string]int{"header only": exitProblem, "huge field": exitOK},
			args: func(f, _ string) []string { return a("plan", "check", fx.plan, "--targets", f) }},
		{name: "plan check --history", kind: kindCSV, valid: fx.history, // History rows are events: the same inspection twice is a fact
			// R11 judges (only within the plan year), not a format error.
			codes: map[string]int{"header only": exitOK, "duplicate IDs": exitOK, "huge field": exitOK},
			args: func(f, _ string) []string {
				return a("plan", "check", fx.plan, "--targets", fx.targets, "--history", f)
			}},
		// An empty checklist, or one whose item codes changed (the huge
		// cell replaces a code), leaves the plan's items off it: R1 fails.
		{name: "plan check --checklist", kind: kindCSV, valid: fx.checklist, codes: map[string]int{"header only": exitProblem, "huge field": exitProblem},
			args: func(f, _ string) []string {
				return a("plan", "check", fx.plan, "--targets", fx.targets, "--checklist", f)
			}},
		{name: "plan publish", kind: kindJSON, valid: fx.plan,
			args: func(f, _ string) []string { return a("plan", "publish", f, "--dry-run") }},
		{name: "draw commit --task", kind: kindJSON, valid: fx.task,
			args: func(f, o string) []string {
				return a("draw", "commit", "--task", f, "--targets", fx.targets, "--inspectors", fx.inspectors, "--out", o)
			}},
		{name: "draw commit --targets", kind: kindCSV, valid: fx.targets, codes: csvConsumer,
			args: func(f, o string) []string {
				return a("draw", "commit", "--task", fx.task, "--targets", f, "--inspectors", fx.inspectors, "--out", o)
			}},
		{name: "draw run --manifest", kind: kindJSON, valid: fx.manifest, crlfChanges: true,
			args: func(f, o string) []string {
				return a("draw", "run", "--manifest", f, "--randomness", fx.randomness, "--targets", fx.targets, "--inspectors", fx.inspectors, "--out", o)
			}},
		{name: "draw run --randomness", kind: kindJSON, valid: fx.randomness,
			args: func(f, o string) []string {
				return a("draw", "run", "--manifest", fx.manifest, "--randomness", f, "--targets", fx.targets, "--inspectors", fx.inspectors, "--out", o)
			}},
		// Lock checks the record's form, not its draw (ssj verify re-runs
		// it, see "verify RECORD"): a repeated evidence entry is locked.
		{name: "draw lock --record", kind: kindJSON, valid: fx.record, crlfChanges: true, codes: map[string]int{"duplicate IDs": exitOK},
			args: func(f, o string) []string {
				return a("draw", "lock", "--record", f, "--by", "x", "--at", "2026-12-01T09:00:00+08:00", "--out", o)
			}},
		{name: "verify RECORD", kind: kindJSON, valid: fx.record, crlfChanges: true, codes: map[string]int{"duplicate IDs": exitProblem,
			// JSON that is not a record does not verify: exit 1 for every
			// record that does not verify, 2 only for unreadable or non-JSON
			// input (issue 14's contract for auditors; docs/draw-spec.md §10).
			"header only": exitProblem, "missing column": exitProblem, "wrong types": exitProblem, "null": exitProblem, "huge field": exitProblem},
			args: func(f, _ string) []string {
				return a("verify", f, "--targets", fx.targets, "--inspectors", fx.inspectors)
			}},
		// A truncated pool is read fine and does not match the record's
		// commitment: the record does not verify (1).
		{name: "verify --inspectors", kind: kindCSV, valid: fx.inspectors, codes: map[string]int{"huge field": exitOK, "truncated": exitProblem},
			args: func(f, _ string) []string { return a("verify", fx.record, "--targets", fx.targets, "--inspectors", f) }},
		{name: "publish enter RESULTS", kind: kindJSON, valid: filepath.Join(fx.data, "results.json"),
			args: func(f, o string) []string {
				// A fresh copy of the dispatched store per run, outside the
				// directory whose listing is compared.
				db := filepath.Join(fx.dir, fmt.Sprintf("enter-%d.db", len(enterStores)))
				enterStores = append(enterStores, db)
				mustCopyStore(filepath.Join(fx.dir, "dispatched.db"), db)
				return a("publish", "enter", "--store", db, "--as", "x", "--at", "2026-09-30T09:00:00+08:00", f)
			}},
		{name: "publish status --book", kind: kindJSON, valid: fx.book,
			args: func(f, _ string) []string { return a("publish", "status", "--book", f, "--today", "2026-10-22") }},
		{name: "publish status --keyring", kind: kindJSON, valid: fx.keyring,
			args: func(f, _ string) []string {
				return a("publish", "status", "--book", fx.book, "--today", "2026-10-22", "--keyring", f)
			}},
		{name: "publish view --book", kind: kindJSON, valid: fx.book,
			args: func(f, o string) []string { return a("publish", "view", "--book", f, "--out", o) }},
		{name: "publish report --objections", kind: kindJSON, valid: fx.objections, codes: map[string]int{"header only": exitOK},
			args: func(f, _ string) []string {
				return a("publish", "report", "--book", fx.book, "--objections", f, "--today", "2026-10-22")
			}},
		{name: "review status", kind: kindJSON, valid: fx.objections, codes: map[string]int{"header only": exitOK},
			args: func(f, _ string) []string { return a("review", "status", "--objections", f, "--today", "2026-10-22") }},
		// Finding any corruption is what trail verify is for: every
		// content problem is a finding (1); an empty header-only trail
		// verifies; only a file that cannot be opened is 2.
		{name: "trail verify", kind: kindJSONL, validator: true, valid: fx.trail, codes: map[string]int{"empty": exitProblem, "header only": exitOK,
			"missing column": exitProblem, "duplicate IDs": exitProblem, "binary garbage": exitProblem, "truncated": exitProblem,
			"wrong types": exitProblem, "null": exitProblem, "huge field": exitProblem},
			args: func(f, _ string) []string { return a("trail", "verify", f) }},
		{name: "workday --calendar", kind: kindJSON, valid: fx.calendar,
			args: func(f, _ string) []string { return a("workday", "add", "2026-12-31", "1", "--calendar", f) }},
		// A shorter pool is still a pool.
		{name: "rfc3797 --pool", kind: kindText, valid: fx.pool, codes: map[string]int{"truncated": exitOK},
			args: func(f, _ string) []string { return a("rfc3797", "--pool", f, "--source", "1 2 3", "--count", "2") }},
	}
}

// mentions is what a failure must say besides the file name: where (row,
// JSON path or line) and what.
func mentions(slot hostileSlot, input string, code int) []string {
	if code == exitOK {
		return nil
	}
	switch slot.kind {
	case kindJSON:
		switch input {
		case "null":
			return []string{"top level: want ", ", got null"}
		case "truncated":
			return []string{"line ", "truncated JSON"}
		case "binary garbage":
			return []string{"not UTF-8"}
		case "empty":
			return []string{"empty document"}
		case "wrong types":
			return []string{": want ", ", got number 1"}
		}
	case kindCSV:
		switch input {
		case "empty":
			return []string{"empty file"}
		case "binary garbage":
			return []string{"unreadable file"}
		case "duplicate IDs":
			if slot.validator {
				return []string{"row ", "duplicate"}
			}
		case "missing column", "truncated":
			if slot.validator {
				return []string{"row "}
			}
		}
	}
	return nil
}

// wrongType turns the first string member found (depth first, keys in
// order) of a valid JSON document into the number 1.
func wrongType(t *testing.T, valid []byte) []byte {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(bytes.TrimPrefix(valid, []byte("\ufeff")), &v))
	var spoil func(x any) bool
	spoil = func(x any) bool {
		switch x := x.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if _, ok := x[k].(string); ok {
					x[k] = 1
					return true
				}
			}
			for _, k := range keys {
				if spoil(x[k]) {
					return true
				}
			}
		case []any:
			for _, e := range x {
				if spoil(e) {
					return true
				}
			}
		}
		return false
	}
	require.True(t, spoil(v), "no string member to spoil")
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// duplicateFirst repeats the first element of the first non-empty array
// of a JSON document (results, entries, objections, keys, tasks...).
func duplicateFirst(t *testing.T, valid []byte) []byte {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(bytes.TrimPrefix(valid, []byte("\ufeff")), &v))
	var dup func(x any) (any, bool)
	dup = func(x any) (any, bool) {
		switch x := x.(type) {
		case []any:
			if len(x) > 0 {
				return append([]any{x[0]}, x...), true
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if y, ok := dup(x[k]); ok {
					x[k] = y
					return x, true
				}
			}
		}
		return x, false
	}
	v, ok := dup(v)
	if !ok {
		return append(append([]byte{}, valid...), valid...) // no array: the document twice
	}
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
