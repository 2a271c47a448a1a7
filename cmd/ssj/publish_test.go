package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPublishCycle(t *testing.T) {
	dir := cycleDir(t)
	p := func(name string) string { return filepath.Join(dir, name) }

	code, out, _ := runCLI(t, "", "publish", "status", "--book", p("book.json"), "--today", "2026-10-22")
	if code != exitOK || strings.Count(out, "on_time") != 2 {
		t.Fatalf("status: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "", "publish", "status", "--book", p("book.json"), "--today", "2026-10-22", "--keyring", p("head.pub.json"))
	if code != exitOK || !strings.Contains(out, "every correction is signed") {
		t.Fatalf("status --keyring: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "", "publish", "view", "--book", p("book.json"), "--history", "SJ-2026-001/92330802MA2XYZ123K")
	if code != exitOK || !strings.Contains(out, `"version": 2`) || !strings.Contains(out, `"version": 1`) || strings.Contains(out, "王五") {
		t.Fatalf("history view: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "", "publish", "view", "--book", p("book.json"), "--format", "csv")
	if code != exitOK || !strings.Contains(out, "统一社会信用代码") || strings.Count(out, "\n") != 3 {
		t.Fatalf("csv: %d %s", code, out)
	}
	if code, _, errOut := runCLI(t, "", "publish", "view", "--book", p("book.json"), "--format", "xlsx", "--out", p("r.xlsx")); code != exitOK {
		t.Fatalf("xlsx: %d %s", code, errOut)
	}
	if st, err := os.Stat(p("r.xlsx")); err != nil || st.Size() == 0 {
		t.Fatalf("xlsx file: %v", err)
	}
	code, out, _ = runCLI(t, "", "publish", "report", "--book", p("book.json"), "--objections", p("obj.json"),
		"--drawn", "SJ-2026-001/治安大队=2", "--today", "2026-10-22")
	if code != exitOK || !strings.Contains(out, "| SJ-2026-001 | 旅馆业治安管理抽查 | 治安大队 | 2 | 2 | 2 | 0 | 0 | 0 | 0 | 0 | 1 | 1 |") {
		t.Fatalf("report: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "", "publish", "announce", "results", "--book", p("book.json"), "--task", "SJ-2026-001",
		"--on", "2026-10-21", "--trail", p("trail.jsonl"), "--by", "审核员")
	if code != exitOK || !strings.Contains(out, "抽查结果公示") || !strings.Contains(out, "第2版") {
		t.Fatalf("announce results: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "", "trail", "verify", p("trail.jsonl")); code != exitOK || !strings.Contains(out, "10 events") {
		t.Fatalf("trail after announce: %d %s", code, out)
	}
}

// Rule R27 from the CLI: a correction signed with another unit's key, or a
// signed correction edited afterwards, is refused with exit 1 and nothing
// changes.
func TestPublishCorrectRefused(t *testing.T) {
	dir := cycleDir(t)
	p := func(name string) string { return filepath.Join(dir, name) }
	before, _ := os.ReadFile(p("book.json"))
	trailBefore, _ := os.ReadFile(p("trail.jsonl"))

	if code, _, errOut := runCLI(t, "", "publish", "keygen", "--unit", "双港派出所", "--holder", "赵所长", "--out", p("other")); code != exitOK {
		t.Fatal(errOut)
	}
	code, _, errOut := runCLI(t, "", "publish", "correct", "--book", p("book.json"), "--trail", p("trail.jsonl"),
		"--keyring", p("head.pub.json"), "--by", "x", "--key", p("other.key.json"), "--reason", "r",
		filepath.Join("testdata", "kecheng", "results-corrected.json"))
	if code != exitProblem || !strings.Contains(errOut, "REFUSED") || !strings.Contains(errOut, "not in the keyring") {
		t.Fatalf("other unit's key: %d %q", code, errOut)
	}
	// A genuine signature, then the signed file is edited.
	fixed, _ := os.ReadFile(filepath.Join("testdata", "kecheng", "results-corrected.json"))
	os.WriteFile(p("fixed.json"), []byte(strings.Replace(string(fixed), "经复核，", "经复核并更正备注，", 1)), 0o644)
	code, _, errOut = runCLI(t, "", "publish", "correct", "--book", p("book.json"), "--key", p("head.key.json"),
		"--reason", "备注有误", "--sign-only", p("signed.json"), p("fixed.json"))
	if code != exitOK {
		t.Fatalf("sign-only: %d %s", code, errOut)
	}
	signed, _ := os.ReadFile(p("signed.json"))
	os.WriteFile(p("signed.json"), []byte(strings.Replace(string(signed), "备注有误", "随便改改", 1)), 0o644)
	code, _, errOut = runCLI(t, "", "publish", "correct", "--book", p("book.json"), "--trail", p("trail.jsonl"),
		"--keyring", p("head.pub.json"), "--by", "x", "--signed", p("signed.json"))
	if code != exitProblem || !strings.Contains(errOut, "signature does not verify") {
		t.Fatalf("edited signed correction: %d %q", code, errOut)
	}
	after, _ := os.ReadFile(p("book.json"))
	trailAfter, _ := os.ReadFile(p("trail.jsonl"))
	if string(before) != string(after) || string(trailBefore) != string(trailAfter) {
		t.Fatal("a refused correction changed the book or the trail")
	}
	// The untouched signed file applies.
	os.WriteFile(p("signed.json"), signed, 0o644)
	code, out, errOut := runCLI(t, "", "publish", "correct", "--book", p("book.json"), "--trail", p("trail.jsonl"),
		"--keyring", p("head.pub.json"), "--by", "x", "--signed", p("signed.json"), "--on", "2026-10-23")
	if code != exitOK || !strings.Contains(out, "version 3") {
		t.Fatalf("valid signed correction: %d %q %q", code, out, errOut)
	}
}

func TestPublishCommandErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`[{"id":"x","colour":"red"}]`), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"publish"}, exitUsage, "usage: ssj publish"},
		{[]string{"publish", "frob"}, exitUsage, `unknown verb "frob"`},
		{[]string{"publish", "enter", "--book", filepath.Join(dir, "b.json")}, exitUsage, "--trail, --by"},
		{[]string{"publish", "enter", "--book", filepath.Join(dir, "b.json"), "--trail", filepath.Join(dir, "t"), "--by", "x", bad}, exitUsage, `unknown field "colour"`},
		{[]string{"publish", "enter", "--book", filepath.Join(dir, "b.json"), "--trail", filepath.Join(dir, "t"), "--by", "x", "--policy", "weekly",
			filepath.Join("testdata", "kecheng", "results.json")}, exitUsage, `--policy "weekly"`},
		{[]string{"publish", "release", "--book", filepath.Join(dir, "none.json"), "--trail", "t", "--by", "x", "--all"}, exitUsage, "none.json"},
		{[]string{"publish", "view", "--book", "b", "--format", "xlsx"}, exitUsage, "needs --out"},
		{[]string{"publish", "report", "--book", "b", "--drawn", "nonsense"}, exitUsage, "TASK/DEPARTMENT=N"},
		{[]string{"publish", "announce", "memo", "x.json"}, exitUsage, `unknown kind "memo"`},
	} {
		code, _, errOut := runCLI(t, "", c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: %d %q", c.args[:2], code, errOut)
		}
	}
}

// Rules R3, R16: announcements from notice files, recorded in the trail.
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
	code, out, errOut := runCLI(t, "", "publish", "announce", "checklist", p("checklist.json"), "--trail", p("t.jsonl"), "--by", "法制大队")
	if code != exitOK || !strings.Contains(out, "随机抽查事项清单（2026版）") {
		t.Fatalf("checklist: %d %s %s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "", "publish", "announce", "task", p("task.json"), "--json", "--trail", p("t.jsonl"), "--by", "治安大队")
	if code != exitOK || !strings.Contains(out, `"content_hash"`) || !strings.Contains(out, "确认锁定") {
		t.Fatalf("task: %d %s %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", "trail", "show", p("t.jsonl"))
	if code != exitOK || !strings.Contains(out, "checklist.announced") || !strings.Contains(out, "announcement.published") {
		t.Fatalf("trail: %d %s", code, out)
	}
	os.WriteFile(p("bad.json"), []byte(`{"issuer":"x","version":"v","date":"2026-01-05","items":[]}`), 0o644)
	if code, _, errOut := runCLI(t, "", "publish", "announce", "checklist", p("bad.json")); code != exitUsage || !strings.Contains(errOut, "at least one item") {
		t.Fatalf("empty checklist: %d %q", code, errOut)
	}
}
