package main

// The exit-status contract, tested per command against a common set of
// hostile inputs (issue 15):
//
//	0  ok
//	1  the input was read and a check found a problem: a bad header or row,
//	   a repeated ID, a plan field out of range, a rule broken, a record or
//	   trail that does not verify. It is a property of the input, not of
//	   the command: a checklist with a repeated item code gives 1 from
//	   "ssj checklist validate" and from "ssj plan check --checklist" alike
//	   (TestSameInputSameStatus).
//	2  usage error, or an input that cannot be read as the expected format
//	   at all (missing, a directory, empty, not CSV/XLSX/JSON, not UTF-8,
//	   truncated or mistyped JSON).
//
// Every failure names the file; where there is one, the row, JSON path,
// field and value; and leaves no output file behind and every input file
// as it was. Every command of the tree has a slot here, or a reason in
// hostileExempt (TestHostileSlotsCoverEveryCommand).

import (
	"bytes"
	"crypto/sha256"
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
	// kindStore is the office's SQLite store (--store): a binary format,
	// so only the inputs of storeInputs apply and no spelling is
	// equivalent.
	kindStore
	// kindKeyOut is the file publish keygen must not overwrite: the
	// hostile input lies where the new key would go.
	kindKeyOut
)

// storeInputs are the hostile inputs that make sense for a binary store.
var storeInputs = map[string]bool{"empty": true, "binary garbage": true, "truncated": true, "null": true, "directory": true, "missing file": true}

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
	{name: "truncated", make: func(t *testing.T, dir string, valid []byte, k hostileKind) string {
		cut := len(valid) * 2 / 3
		// A JSON-lines file cut just after a complete line is a shorter
		// file, not a truncated one: cut inside the line instead.
		for k == kindJSONL && cut > 0 && (valid[cut-1] == '}' || valid[cut-1] == '\n') {
			cut--
		}
		return writeHostile(t, dir, "trunc.in", valid[:cut])
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
	name string
	kind hostileKind
	// family names the kind of document the slot reads when other
	// commands read it too (familyRegistry...); its exit statuses are
	// then the family's, the same through every command
	// (TestSameInputSameStatus), except where codes says otherwise.
	family string
	valid  string // path of a valid file for the slot
	// args builds the command line with file in the slot; out is a path
	// in a fresh directory the command may write (nothing may be left
	// there after a failure). It may put copies of state files (book,
	// trail, store) next to out.
	args func(t *testing.T, file, out string) []string
	// codes maps an input name ("valid" for the valid file) to the exit
	// status; inputs not listed give the family's status, or 2.
	codes map[string]int
	// crlfChanges is true when CRLF is not equivalent (canonical JSON).
	crlfChanges bool
	// signed is true when the file's bytes are signed (a signed note): a
	// BOM or CRLF copy is another document and must be refused.
	signed bool
	// validator is true when the file is what the command checks: its
	// findings (exit 1) name the file too.
	validator bool
}

// want returns the exit status slot must give for input.
func (slot hostileSlot) want(input string) int {
	if c, ok := slot.codes[input]; ok {
		return c
	}
	if c, ok := knownGaps[slot.name][input]; ok {
		return c
	}
	if c, ok := familyCodes[slot.family][input]; ok {
		return c
	}
	if input == "valid" {
		return exitOK
	}
	return exitUsage
}

// Families of documents read by more than one command, and the status
// each hostile input gives through every one of them (the noun's
// validator's status). Inputs not listed give 2.
const (
	familyTargets    = "target registry (CSV)"
	familyInspectors = "inspector registry (CSV)"
	familyChecklist  = "checklist (CSV)"
	familyHistory    = "inspection history (CSV)"
	familyPlan       = "plan (JSON)"
	familyTask       = "task (JSON)"
	familyEvidence   = "randomness evidence (JSON)"
	familyBook       = "results book (JSON)"
	familyObjections = "objection register (JSON)"
	familyKeyring    = "keyring (JSON)"
	familyCalendar   = "workday calendar (JSON)"
)

// csvRead is the status of a CSV document that was read: a bad header
// (missing column, or a first line that is not a header: [1, 2, 3],
// null, a cut-off file), a bad or repeated row: 1; a long name is no
// rule's business: 0; empty or binary: 2.
var csvRead = map[string]int{"header only": exitOK, "missing column": exitProblem, "duplicate IDs": exitProblem,
	"truncated": exitProblem, "wrong types": exitProblem, "null": exitProblem, "huge field": exitOK}

var familyCodes = map[string]map[string]int{
	familyTargets: csvRead,
	// The cut falls just before the last cell of a row ("active",
	// optional): a valid, shorter registry through every command (the
	// draw's own check then finds it is not the committed pool: 1).
	familyInspectors: {"header only": exitOK, "missing column": exitProblem, "duplicate IDs": exitProblem,
		"truncated": exitOK, "wrong types": exitProblem, "null": exitProblem, "huge field": exitOK},
	familyChecklist: csvRead,
	// History rows are events: the same inspection twice is a fact R11
	// judges (only within the plan year), not a format error.
	familyHistory: {"header only": exitOK, "missing column": exitProblem, "duplicate IDs": exitOK,
		"truncated": exitProblem, "wrong types": exitProblem, "null": exitProblem, "huge field": exitOK},
	// A JSON plan that decodes but fails Plan.Validate ({} misses every
	// required field; a repeated department): 1. JSON that is not a plan
	// (unknown field, wrong type, truncated, null): 2.
	familyPlan: {"header only": exitProblem, "duplicate IDs": exitProblem},
	// Likewise a task: {} has no ID, a repeated exclusion, a name-less
	// task ({"id": "长长…"}): 1.
	familyTask: {"header only": exitProblem, "duplicate IDs": exitProblem, "huge field": exitProblem},
	// Evidence for one declared source given twice does not match the
	// manifest's sources: 1.
	familyEvidence: {"duplicate IDs": exitProblem},
	// The publication files are ours: any departure from the format is 2,
	// except an objection register read as {}: an empty register.
	familyBook:       {},
	familyObjections: {"header only": exitOK},
	familyKeyring:    {},
	familyCalendar:   {},
}

// knownGaps are slots that still give another status than their family
// for an input, each with the issue that closes it. TestSameInputSameStatus
// accepts them (and fails when one is closed, so that it is removed).
var knownGaps = map[string]map[string]int{}

// reportsInput reports whether a finding (1) of slot for input is about
// the input itself, so that its message must name the file and where in
// it: the slot checks the file, or the input's family finds the problem
// through every command.
func (slot hostileSlot) reportsInput(input string) bool {
	return slot.validator || familyCodes[slot.family][input] == exitProblem
}

// dirState lists the names under dir with a hash of each file's content.
func dirState(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, dir)
		if !d.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			name += fmt.Sprintf(" %x", sha256.Sum256(b))
		}
		names = append(names, name)
		return nil
	}))
	sort.Strings(names)
	return names
}

// copyFile copies src to dst and returns dst.
func copyFile(t *testing.T, src, dst string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(dst, b, 0o644))
	return dst
}

// shortInputs are the hostile inputs run under -short: one of each way a
// file fails (not there, not a file, not the format, read with problems).
var shortInputs = map[string]bool{"missing file": true, "directory": true, "binary garbage": true, "duplicate IDs": true, "null": true}

func TestHostileInputs(t *testing.T) {
	// Under -short every slot runs with shortInputs only (about a third
	// of the matrix); CI runs the whole matrix.
	fx := hostileFixtures(t)
	for _, slot := range hostileSlots(fx) {
		t.Run(slot.name, func(t *testing.T) {
			// Commands run in-process on their own files: the slots run in
			// parallel (the matrix is over a thousand runs).
			t.Parallel()
			valid, err := os.ReadFile(slot.valid)
			require.NoError(t, err)
			// The valid file itself, and its equivalent spellings.
			dir := t.TempDir()
			out := filepath.Join(dir, "out.json")
			own := copyFile(t, slot.valid, filepath.Join(dir, "valid"+filepath.Ext(slot.valid)))
			code, _, errOut := runCLI(t, "", slot.args(t, own, out)...)
			require.Equal(t, slot.want("valid"), code, "valid input: %s", errOut)
			for _, eq := range equivalentInputs {
				if eq.name == "CRLF" && slot.crlfChanges || slot.kind == kindStore || slot.kind == kindKeyOut || testing.Short() {
					continue
				}
				dir := t.TempDir()
				p := writeHostile(t, dir, "eq-"+eq.name+".in", eq.conv(valid))
				got, _, errOut := runCLI(t, "", slot.args(t, p, filepath.Join(dir, "out-eq.json"))...)
				if slot.signed {
					// Refused: as a note that does not verify (1) or, when
					// the change breaks the note's syntax, as malformed (2).
					assert.Contains(t, []int{exitProblem, exitUsage}, got, "%s of signed bytes must not verify: %s", eq.name, errOut)
					continue
				}
				assert.Equal(t, slot.want("valid"), got, "%s: %s", eq.name, errOut)
			}
			for _, in := range hostileInputs {
				if slot.kind == kindStore && !storeInputs[in.name] || testing.Short() && !shortInputs[in.name] {
					continue
				}
				t.Run(in.name, func(t *testing.T) {
					dir := t.TempDir()
					file := in.make(t, dir, valid, slot.kind)
					argv := slot.args(t, file, filepath.Join(dir, "out.json"))
					before := dirState(t, dir)
					code, stdout, stderr := runCLI(t, "", argv...)
					want := slot.want(in.name)
					if code != want {
						t.Errorf("exit %d, want %d; stdout %.200q stderr %.300q", code, want, stdout, stderr)
					}
					if code == exitUsage || code == exitProblem && slot.reportsInput(in.name) {
						if !strings.Contains(stdout+stderr, filepath.Base(file)) {
							t.Errorf("the message does not name the file %s: stdout %.200q stderr %.300q", filepath.Base(file), stdout, stderr)
						}
					}
					if code != exitOK && slot.kind != kindStore {
						// A store may be opened (and its schema created) before a
						// step fails; every other input stays as it was.
						assert.Equal(t, before, dirState(t, dir), "no output file is left behind, no input is changed")
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
			if slot.reportsInput(input) {
				return []string{"row ", "duplicate"}
			}
		case "missing column", "truncated":
			if slot.reportsInput(input) {
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
