package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPublishCycle(t *testing.T) {
	dir := cycleDir(t)
	p := func(name string) string { return filepath.Join(dir, name) }
	db := p("ssj.db")

	// From the store: published results are judged on their recorded dates.
	code, out, errOut := runCLI(t, "", "publish", "status", "--store", db)
	if code != exitOK || strings.Count(out, "on_time") != 2 {
		t.Fatalf("status: %d %s %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", "publish", "status", "--store", db, "--keyring", p("head.pub.json"))
	if code != exitOK || !strings.Contains(out, "every correction is signed") {
		t.Fatalf("status --keyring: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "", "publish", "view", "--store", db, "--history", resultKTV2)
	if code != exitOK || !strings.Contains(out, `"version": 2`) || !strings.Contains(out, `"version": 1`) || strings.Contains(out, "许平强") {
		t.Fatalf("history view: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "", "publish", "view", "--store", db, "--format", "csv")
	if code != exitOK || !strings.Contains(out, "统一社会信用代码") || strings.Count(out, "\n") != 3 {
		t.Fatalf("csv: %d %s", code, out)
	}
	if code, _, errOut := runCLI(t, "", "publish", "view", "--store", db, "--format", "xlsx", "--out", p("r.xlsx")); code != exitOK {
		t.Fatalf("xlsx: %d %s", code, errOut)
	}
	if st, err := os.Stat(p("r.xlsx")); err != nil || st.Size() == 0 {
		t.Fatalf("xlsx file: %v", err)
	}
	// Rule R25: the store's report counts its own draw (49) and objection,
	// and is stored and traced.
	const row = "| 2026-ZA-03B | 娱乐场所治安管理随机抽查（下半年） | 治安 | 49 | 2 | 2 | 0 | 0 | 0 | 0 | 0 | 1 | 1 |"
	code, out, errOut = runCLI(t, "", "publish", "report", "--store", db, "--id", "2026-10", "--as", "治安大队", "--at", "2026-10-31T09:00:00+08:00")
	if code != exitOK || !strings.Contains(out, row) || !strings.Contains(out, "统计截至：2026-10-31") {
		t.Fatalf("report: %d %s %s", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "", "publish", "report", "--store", db, "--id", "2026-10", "--as", "治安大队")
	assert.Equal(t, exitProblem, code, "a report ID is used once")
	assert.Contains(t, errOut, "report exists")
	code, _, errOut = runCLI(t, "", "publish", "report", "--store", db, "--drawn", "2026-ZA-03B/治安=2")
	assert.Equal(t, exitUsage, code, "the store counts its own draws")
	assert.Contains(t, errOut, "--drawn is only for --book files")
	code, out, _ = runCLI(t, "", "publish", "announce", "results", "--store", db, "--task", "2026-ZA-03B", "--date", "2026-10-21")
	if code != exitOK || !strings.Contains(out, "抽查结果公示") || !strings.Contains(out, "第2版") {
		t.Fatalf("announce results: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "", "trail", "show", "--store", db)
	if code != exitOK || !strings.Contains(out, "summary.reported") || !strings.Contains(out, "result.reviewed") {
		t.Fatalf("trail show: %d %s", code, out)
	}
	if code, out, errOut := runCLI(t, "", "audit", "--store", db); code != exitOK {
		t.Fatalf("audit: %d %s %s", code, out, errOut)
	}

	// The exported files, read without the store.
	code, out, _ = runCLI(t, "", "publish", "status", "--book", p("book.json"), "--today", "2026-10-22")
	if code != exitOK || strings.Count(out, "on_time") != 2 {
		t.Fatalf("status --book: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "", "publish", "report", "--book", p("book.json"), "--objections", p("obj.json"),
		"--drawn", "2026-ZA-03B/治安=49", "--today", "2026-10-22")
	if code != exitOK || !strings.Contains(out, row) {
		t.Fatalf("report --book: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "", "publish", "announce", "results", "--book", p("book.json"), "--task", "2026-ZA-03B")
	if code != exitOK || !strings.Contains(out, "第2版") {
		t.Fatalf("announce results --book: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "", "trail", "verify", p("trail.jsonl")); code != exitOK || !strings.Contains(out, "69 events") {
		t.Fatalf("exported trail: %d %s", code, out)
	}
}

// statusRows reads publish status --json.
func statusRows(t *testing.T, db string) []pubStatusRow {
	t.Helper()
	code, out, errOut := runCLI(t, "", "publish", "status", "--store", db, "--json")
	require.Equal(t, exitOK, code, errOut)
	var rows []pubStatusRow
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	return rows
}

// trailKinds counts the store's events by kind.
func trailKinds(t *testing.T, db string) map[string]int {
	t.Helper()
	code, out, errOut := runCLI(t, "", "trail", "show", "--store", db, "--json")
	require.Equal(t, exitOK, code, errOut)
	var evs []struct {
		Kind string `json:"kind"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &evs))
	n := map[string]int{}
	for _, ev := range evs {
		n[ev.Kind]++
	}
	return n
}

// Rule R27 from the CLI: a correction signed with another unit's key, or a
// signed correction edited afterwards, is refused with exit 1, nothing
// changes, and each refusal is traced (rule R31).
func TestPublishCorrectRefused(t *testing.T) {
	dir := cycleDir(t)
	p := func(name string) string { return filepath.Join(dir, name) }
	db := p("ssj.db")
	before := statusRows(t, db)
	kinds := trailKinds(t, db)

	if code, _, errOut := runCLI(t, "", "publish", "keygen", "--unit", "双港派出所", "--holder", "赵所长", "--out", p("other")); code != exitOK {
		t.Fatal(errOut)
	}
	code, _, errOut := runCLI(t, "", "publish", "correct", "--store", db, "--keyring", p("head.pub.json"), "--as", "x",
		"--key", p("other.key.json"), "--reason", "r", filepath.Join(exampleData, "results-corrected.json"))
	if code != exitProblem || !strings.Contains(errOut, "REFUSED") || !strings.Contains(errOut, "not in the keyring") {
		t.Fatalf("other unit's key: %d %q", code, errOut)
	}
	// A genuine signature, then the signed file is edited.
	fixed, _ := os.ReadFile(filepath.Join(exampleData, "results-corrected.json"))
	os.WriteFile(p("fixed.json"), []byte(strings.Replace(string(fixed), "经复核，", "经复核并更正备注，", 1)), 0o644)
	code, _, errOut = runCLI(t, "", "publish", "correct", "--store", db, "--key", p("head.key.json"),
		"--reason", "备注有误", "--sign-only", p("signed.json"), p("fixed.json"))
	if code != exitOK {
		t.Fatalf("sign-only: %d %s", code, errOut)
	}
	signed, _ := os.ReadFile(p("signed.json"))
	os.WriteFile(p("signed.json"), []byte(strings.Replace(string(signed), "备注有误", "随便改改", 1)), 0o644)
	code, _, errOut = runCLI(t, "", "publish", "correct", "--store", db, "--keyring", p("head.pub.json"), "--as", "x", "--signed", p("signed.json"))
	if code != exitProblem || !strings.Contains(errOut, "signature does not verify") {
		t.Fatalf("edited signed correction: %d %q", code, errOut)
	}
	assert.Equal(t, before, statusRows(t, db), "a refused correction changed a result")
	after := trailKinds(t, db)
	assert.Equal(t, kinds["result.corrected"], after["result.corrected"])
	assert.Equal(t, kinds["result.correction_rejected"]+2, after["result.correction_rejected"], "both refusals are traced (R31)")

	// The untouched signed file applies.
	os.WriteFile(p("signed.json"), signed, 0o644)
	code, out, errOut := runCLI(t, "", "publish", "correct", "--store", db, "--keyring", p("head.pub.json"), "--as", "x", "--signed", p("signed.json"))
	if code != exitOK || !strings.Contains(out, "version 3") {
		t.Fatalf("valid signed correction: %d %q %q", code, out, errOut)
	}
	// Applying it twice is refused: its base version is no longer current.
	code, _, _ = runCLI(t, "", "publish", "correct", "--store", db, "--keyring", p("head.pub.json"), "--as", "x", "--signed", p("signed.json"))
	assert.Equal(t, exitProblem, code)
	if code, out, errOut := runCLI(t, "", "audit", "--store", db); code != exitOK {
		t.Fatalf("audit: %d %s %s", code, out, errOut)
	}
}

func TestPublishCommandErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`[{"id":"x","colour":"red"}]`), 0o644)
	db := filepath.Join(dir, "s.db")
	results := filepath.Join(exampleData, "results.json")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"publish"}, exitUsage, "usage: ssj publish"},
		{[]string{"publish", "frob"}, exitUsage, `unknown verb "frob"`},
		{[]string{"publish", "enter", "--store", db}, exitUsage, "want one RESULTS.json"},
		{[]string{"publish", "enter", "--store", db, "--as", "x", bad}, exitUsage, `unknown field "colour"`},
		{[]string{"publish", "enter", "--store", db, "--as", "x", "--policy", "weekly", results}, exitUsage, `--policy "weekly"`},
		// The flags of the file-based flow are refused, saying what to use.
		{[]string{"publish", "enter", "--book", "b.json", "--trail", "t", "--by", "x", results}, exitUsage, "--book is gone"},
		{[]string{"publish", "enter", "--store", db, "--trail", "t", results}, exitUsage, "use --store PATH"},
		{[]string{"publish", "release", "--book", "b.json", "--all"}, exitUsage, "--book is gone"},
		{[]string{"publish", "release", "--store", db, "--on", "2026-10-09", "--all"}, exitUsage, "--on is gone"},
		{[]string{"publish", "correct", "--book", "b.json", "--signed", "s.json", "--keyring", "k"}, exitUsage, "--book is gone"},
		{[]string{"publish", "announce", "results", "--task", "T", "--trail", "t", "--by", "x"}, exitUsage, "--by is gone"},
		{[]string{"publish", "release", "--store", filepath.Join(dir, "none.db"), "--all"}, exitUsage, "none.db"},
		{[]string{"publish", "release", "--store", db}, exitUsage, "either --all or result IDs"},
		{[]string{"publish", "status", "--store", db, "--today", "2026-10-22"}, exitUsage, "--today is only for --book files"},
		{[]string{"publish", "view", "--book", "b", "--format", "xlsx"}, exitUsage, "needs --out"},
		{[]string{"publish", "report", "--book", "b", "--drawn", "nonsense"}, exitUsage, "TASK/DEPARTMENT=N"},
		{[]string{"publish", "report", "--book", "b", "--id", "R"}, exitUsage, "--id is for the store's report step"},
		{[]string{"publish", "announce", "memo", "x.json"}, exitUsage, `unknown kind "memo"`},
		{[]string{"publish", "follow-up", "R-1", "--store", db}, exitUsage, "--action"},
		// Results belong to a dispatched task: enter never creates a store.
		{[]string{"publish", "enter", "--store", db, "--as", "x", results}, exitUsage, "s.db: no such file"},
	} {
		code, _, errOut := runCLI(t, "", c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: %d %q", c.args, code, errOut)
		}
	}
	_, err := os.Stat(db)
	assert.True(t, os.IsNotExist(err), "no store is created by a refused command")
}

// Rules R3, R16: announcements from notice files. Announce only prints:
// the office steps that publish trace their announcements.
func TestPublishAnnounceNotices(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	os.WriteFile(p("checklist.json"), []byte(`{"issuer":"衢州市公安局柯城分局","version":"2026版","date":"2026-01-05",
 "items":[{"code":"ZA-001","name":"旅馆业治安管理情况检查","target_type":"旅馆业经营单位","category":"key",
 "methods":["查阅资料","实地核查"],"department":"治安大队","legal_basis":"《旅馆业治安管理办法》","ratio":"10%","frequency":"每年1次"}]}`), 0o644)
	os.WriteFile(p("task.json"), []byte(`{"issuer":"衢州市公安局柯城分局","task_no":"SJ-2026-001","task_name":"旅馆业治安管理抽查",
 "task_type":"不定向抽查","launching":"治安大队","items":["ZA-001"],"scope":"柯城区","from":"2026-03-02","to":"2026-03-31",
 "locked_at":"2026-02-27T02:30:00Z","targets":[{"id":"91330802MA2B3C4D5E","name":"某某宾馆","unit":"荷花派出所"}],
 "proof":{"algorithm":"ssj-v1","manifest_hash":"aa","record_hash":"bb"}}`), 0o644)
	code, out, errOut := runCLI(t, "", "publish", "announce", "checklist", p("checklist.json"))
	if code != exitOK || !strings.Contains(out, "随机抽查事项清单（2026版）") {
		t.Fatalf("checklist: %d %s %s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "", "publish", "announce", "task", p("task.json"), "--json")
	if code != exitOK || !strings.Contains(out, `"content_hash"`) || !strings.Contains(out, "确认锁定") {
		t.Fatalf("task: %d %s %s", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "", "publish", "announce", "task", p("task.json"), "--trail", p("t.jsonl"), "--by", "治安大队")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--by is gone: announcements are traced by the office steps that make them")
	assert.NoFileExists(t, p("t.jsonl"))
	os.WriteFile(p("bad.json"), []byte(`{"issuer":"x","version":"v","date":"2026-01-05","items":[]}`), 0o644)
	if code, _, errOut := runCLI(t, "", "publish", "announce", "checklist", p("bad.json")); code != exitUsage || !strings.Contains(errOut, "at least one item") {
		t.Fatalf("empty checklist: %d %q", code, errOut)
	}
}
