package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMain points the default store ($SSJ_STORE) at a scratch directory,
// so that a test which forgets --store never writes ssj.db into the
// package directory, and $TMPDIR there too: `ssj demo` without --store
// keeps its store in a new temporary directory for the user to audit,
// which a test run must not leave behind.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ssj-default-store-")
	if err != nil {
		panic(err)
	}
	os.Setenv("SSJ_STORE", filepath.Join(dir, "default.db"))
	os.Setenv("TMPDIR", dir)
	code := m.Run()
	os.RemoveAll(dir)
	if hostileDir != "" { // the hostile-input fixtures (hostile_slots_test.go)
		os.RemoveAll(hostileDir)
	}
	os.Exit(code)
}

// exampleData is the bundled sample district.
var exampleData = filepath.Join("..", "..", "examples", "data")

// runSteps runs CLI invocations that must all succeed.
func runSteps(t *testing.T, steps ...[]string) {
	t.Helper()
	for _, s := range steps {
		code, out, errOut := runCLI(t, "", s...)
		if code != exitOK {
			t.Fatalf("ssj %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(s, " "), code, out, errOut)
		}
	}
}

// dispatchedStore builds an office store at db holding the sample
// district's registries and task 2026-ZA-03B drawn, locked and dispatched
// (the last step at 2026-09-18 10:00 China time).
func dispatchedStore(t *testing.T, db string) {
	t.Helper()
	st := func(args ...string) []string { return append(args, "--store", db) }
	d := exampleData
	runSteps(t,
		st("registry", "import", filepath.Join(d, "targets.csv"), "--in-force", "2026-09-01T00:00:00+08:00", "--as", "名录库管理员", "--at", "2026-09-01T08:30:00+08:00"),
		st("registry", "import", filepath.Join(d, "inspectors.csv"), "--in-force", "2026-09-01T00:00:00+08:00", "--as", "名录库管理员", "--at", "2026-09-01T08:31:00+08:00"),
		st("task", "launch", filepath.Join(d, "task.json"), "--as", "治安大队", "--at", "2026-09-17T22:00:00+08:00"),
		st("task", "commit", "2026-ZA-03B", "--as", "治安大队", "--at", "2026-09-17T23:13:42+08:00"),
		st("task", "draw", "2026-ZA-03B", "--as", "治安大队", "--randomness", filepath.Join(d, "randomness.json"), "--at", "2026-09-18T09:00:00+08:00"),
		st("task", "lock", "2026-ZA-03B", "--as", "大队长", "--at", "2026-09-18T09:30:00+08:00"),
		st("task", "dispatch", "2026-ZA-03B", "--as", "治安大队", "--to-unit", "越秀分局治安大队", "--issuer", "越秀区公安分局（示例）",
			"--from", "2026-09-18", "--until", "2026-11-30", "--at", "2026-09-18T10:00:00+08:00"),
	)
}

// copyStore copies a closed SQLite store (and its WAL, if any).
func copyStore(t *testing.T, from, to string) {
	t.Helper()
	require.NoError(t, copyStoreFiles(from, to))
}

func copyStoreFiles(from, to string) error {
	for _, suffix := range []string{"", "-wal"} {
		in, err := os.Open(from + suffix)
		if os.IsNotExist(err) && suffix != "" {
			continue
		}
		if err != nil {
			return err
		}
		out, err := os.Create(to + suffix)
		if err != nil {
			in.Close()
			return err
		}
		_, err = io.Copy(out, in)
		in.Close()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Results of the sample task (examples/data/results.json).
const (
	resultKTV1 = "2026-ZA-03B/9144010613CNJRELXD"
	resultKTV2 = "2026-ZA-03B/91440106MAMJ7XNP34"
)

// cycleDir runs the publish/review cycle of examples/data through the
// office in a temporary directory and returns it: ssj.db (the store),
// dispatched.db (a copy of the store before any result was entered),
// head.key.json and head.pub.json (the principal head's key), and the
// store exported by ssj publish export: book.json, obj.json (the objection
// register), trail.jsonl.
func cycleDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	db := p("ssj.db")
	dispatchedStore(t, db)
	copyStore(t, db, p("dispatched.db"))
	st := func(args ...string) []string { return append(args, "--store", db) }
	runSteps(t,
		[]string{"publish", "keygen", "--unit", "越秀分局治安大队", "--holder", "李大队长", "--out", p("head")},
		st("publish", "enter", "--as", "录入员", "--at", "2026-09-30T09:00:00+08:00", filepath.Join(exampleData, "results.json")),
		st("publish", "approve", "--as", "审核员", "--all", "--note", "同意公示", "--at", "2026-10-09T09:00:00+08:00"),
		st("publish", "release", "--as", "治安大队", "--all", "--at", "2026-10-09T10:00:00+08:00"),
		st("review", "receive", "--as", "法制员", "--id", "YY-2026-001", "--result", resultKTV2,
			"--applicant", "广州骏达瑞祥KTV", "--grounds", "检查结论有误", "--at", "2026-10-12T09:00:00+08:00"),
		st("review", "start", "--as", "复核人", "--id", "YY-2026-001", "--at", "2026-10-13T09:00:00+08:00"),
		st("review", "decide", "--as", "复核人", "--id", "YY-2026-001", "--corrected", "--note", "经复核确有错误",
			"--keyring", p("head.pub.json"), "--key", p("head.key.json"), "--reason", "结论更正",
			"--at", "2026-10-20T09:00:00+08:00", filepath.Join(exampleData, "results-corrected.json")),
		st("review", "feedback", "--as", "法制员", "--id", "YY-2026-001", "--note", "已书面告知", "--at", "2026-10-21T09:00:00+08:00"),
		st("publish", "export", "--out", dir),
	)
	// The register keeps the name the file-based tests gave it.
	require.NoError(t, os.Rename(p("objections.json"), p("obj.json")))
	return dir
}
