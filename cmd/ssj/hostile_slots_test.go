package main

// The slots of the hostile-input matrix (hostile_test.go): one per file a
// command reads, with the valid file and the command line around it.

import (
	"encoding/json"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileExempt lists the commands that read no file, with the reason.
// Every other command of the tree needs a slot in hostileSlots.
var hostileExempt = map[string]string{
	// Help and shell completion read no file.
	"ssj help":                  "prints help",
	"ssj completion":            "prints usage",
	"ssj completion bash":       "writes a completion script",
	"ssj completion fish":       "writes a completion script",
	"ssj completion powershell": "writes a completion script",
	"ssj completion zsh":        "writes a completion script",
	// The demo builds its own inputs; that it refuses to overwrite a
	// store is tested in TestDemoStoreThenAudit.
	"ssj demo": "reads no file",
	// ssj token appends one hash line to --file and reads nothing.
	"ssj token": "reads no file",
	// ssj serve runs until stopped; its --tokens file is checked by
	// api.TestTokenFile, its store like every --store slot's (openStore).
	"ssj serve": "runs a server",
}

// The command tree cannot grow a command the matrix forgets: every
// runnable command has a slot, or a reason in hostileExempt.
func TestHostileSlotsCoverEveryCommand(t *testing.T) {
	fx := hostileFixtures(t)
	covered := map[string]bool{}
	for _, slot := range hostileSlots(fx) {
		root := newRoot(&env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard})
		argv := slot.args(t, filepath.Join(t.TempDir(), "F"), filepath.Join(t.TempDir(), "out.json"))
		c, _, err := root.Find(commandWordsFirst(root, argv))
		require.NoError(t, err, slot.name)
		covered[c.CommandPath()] = true
		assert.True(t, strings.HasPrefix("ssj "+slot.name, c.CommandPath()), "slot %q runs %q", slot.name, c.CommandPath())
	}
	root := newRoot(&env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		if c == root || c.HasSubCommands() && c.Name() != "completion" {
			return // a noun: ssj NOUN alone is a usage error
		}
		n++
		path := c.CommandPath()
		_, exempt := hostileExempt[path]
		assert.False(t, covered[path] && exempt, "%s has a slot and an exemption", path)
		assert.True(t, covered[path] || exempt, "%s has no slot in hostileSlots (every command that reads a file needs one) and no reason in hostileExempt", path)
	}
	walk(root)
	assert.Greater(t, n, 50, "the walk found the commands")
}

// The same hostile registry, checklist, history or plan gives the same exit
// status through every command that reads it (issue 15: a checklist with
// duplicate IDs gave 1 from checklist validate and 2 through plan check
// --checklist). A command's own check may still fail on a valid input
// (an empty registry leaves a plan's pools empty: 1), never with 2.
//
// Declared: the statuses a slot of a family may give are the family's,
// except 1 for the command's own finding on an input its family reads as
// valid, and knownGaps. TestHostileInputs checks that every slot gives
// its declared status for every input; this test runs the cases
// (a repeated ID, binary garbage) and an empty document through every
// command of each family again, side by side.
func TestSameInputSameStatus(t *testing.T) {
	fx := hostileFixtures(t)
	byFamily := map[string][]hostileSlot{}
	for _, slot := range hostileSlots(fx) {
		if slot.family == "" {
			continue
		}
		byFamily[slot.family] = append(byFamily[slot.family], slot)
		_, ok := familyCodes[slot.family]
		require.True(t, ok, "%s: no family %q", slot.name, slot.family)
		for _, in := range hostileInputs {
			ref := exitUsage
			if c, ok := familyCodes[slot.family][in.name]; ok {
				ref = c
			}
			got := slot.want(in.name)
			gap, isGap := knownGaps[slot.name][in.name]
			assert.True(t, got == ref || ref == exitOK && got == exitProblem || isGap && got == gap,
				"%s declares %d for %q, and its family (%s) %d: only a finding of its own (0 -> 1) or a known gap may differ",
				slot.name, got, in.name, slot.family, ref)
		}
	}
	require.Len(t, byFamily, len(familyCodes), "every family has slots")
	for family, slots := range byFamily {
		require.GreaterOrEqual(t, len(slots), 2, family)
		for _, in := range hostileInputs {
			if in.name != "duplicate IDs" && in.name != "binary garbage" && in.name != "header only" {
				continue
			}
			t.Run(family+"/"+in.name, func(t *testing.T) {
				t.Parallel()
				got := map[string]int{}
				for _, slot := range slots {
					valid, err := os.ReadFile(slot.valid)
					require.NoError(t, err)
					dir := t.TempDir()
					file := in.make(t, dir, valid, slot.kind)
					code, _, errOut := runCLI(t, "", slot.args(t, file, filepath.Join(dir, "out.json"))...)
					got[slot.name] = code
					if want := slot.want(in.name); code != want {
						t.Errorf("%s: exit %d, want %d: %.300s", slot.name, code, want, errOut)
					}
				}
				t.Logf("every command: %v", got)
			})
		}
	}
}

// hostileFx holds valid files for every slot.
type hostileFx struct {
	data, dir                                               string
	targets, inspectors, checklist, plan, plan2, history    string
	task, randomness, manifest, record, locked, proof       string
	replaceTarget, replaceCert                              string
	keyring, key, calendar, pool, results, corrected, reqst string
	notice                                                  string
	// beaconPlugins is a plugin config naming the beacon plugin "drand"
	// (adapters/plugins/beacon-drand), which fetches from a local relay
	// of the bundled real beacons (beaconFixture).
	beaconPlugins string
	// Signed checkpoints of the decided trail (size 20 and whole), the
	// agency's signing key and its verifier key.
	oldNote, newNote, agencyKey, vkey string
	// regNote is a signed checkpoint of the targets registry's commitment.
	regNote string
}

// The fixtures are built once per test binary (they run about sixty
// commands) and removed by TestMain.
var (
	hostileOnce sync.Once
	hostileDir  string
	hostileFxs  hostileFx
	hostileOK   bool
)

// hostileFixtures returns the valid files of every slot. Slots never
// change them: stateful verbs run on copies (hostileFx.state, .store).
func hostileFixtures(t *testing.T) hostileFx {
	t.Helper()
	hostileOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ssj-hostile-")
		require.NoError(t, err)
		hostileDir = dir
		hostileFxs = buildHostileFixtures(t, dir)
		hostileOK = true
	})
	if !hostileOK {
		t.Fatal("the hostile-input fixtures could not be built (see the first test that asked for them)")
	}
	return hostileFxs
}

func buildHostileFixtures(t *testing.T, dir string) hostileFx {
	t.Helper()
	data := filepath.Join("..", "..", "examples", "data")
	p := func(name string) string { return filepath.Join(dir, name) }
	fx := hostileFx{data: data, dir: dir,
		targets: filepath.Join(data, "targets.csv"), inspectors: filepath.Join(data, "inspectors.csv"),
		checklist: filepath.Join(data, "checklist.csv"), plan: filepath.Join(data, "plan.json"),
		history: filepath.Join(data, "history.csv"), task: filepath.Join(data, "task.json"),
		randomness: filepath.Join(data, "randomness.json"),
		results:    filepath.Join(data, "results.json"),
		corrected:  filepath.Join(data, "results-corrected.json"),
		keyring:    p("head.pub.json"), key: p("head.key.json"),
		manifest: p("manifest.json"), record: p("unlocked.json"), locked: p("locked.json"), proof: p("proof.json"),
		calendar: p("2027.json"), pool: p("pool.txt"), plan2: p("plan-v2.json"), reqst: p("request.json"),
		notice: p("notice.json"),
	}
	ok := func(args ...string) string {
		t.Helper()
		code, out, errOut := runCLI(t, "", args...)
		require.Equal(t, exitOK, code, "ssj %s: %s", strings.Join(args, " "), errOut)
		return out
	}
	ok("draw", "commit", "--task", fx.task, "--targets", fx.targets, "--inspectors", fx.inspectors, "--out", fx.manifest)
	ok("draw", "run", "--manifest", fx.manifest, "--randomness", fx.randomness,
		"--targets", fx.targets, "--inspectors", fx.inspectors, "--out", fx.record)
	writeHostile(t, dir, "proof.json", []byte(ok("registry", "prove", fx.targets, "91440103MAT410000M")))
	writeHostile(t, dir, "2027.json", []byte(`{"format":"ssj-workday/1","version":"test-2027","years":[{"year":2027,
	 "notices":[{"title":"TEST ONLY","issued":"2026-11-01"}],
	 "holidays":[{"name":"元旦","from":"2027-01-01","to":"2027-01-03"}]}]}`+"\n"))
	writeHostile(t, dir, "pool.txt", []byte("alpha\nbravo\ncharlie\ndelta\necho\n"))
	cl, err := os.ReadFile(fx.checklist)
	require.NoError(t, err)
	writeHostile(t, dir, "checklist-v0.csv", []byte(strings.Replace(string(cl), "5%-15%,每年1次,ZA-02", "5%-20%,每年1次,ZA-02", 1)))
	writeHostile(t, dir, "notice.json", []byte(`{"issuer":"衢州市公安局柯城分局","task_no":"SJ-2026-001","task_name":"旅馆业治安管理抽查",
 "task_type":"不定向抽查","launching":"治安大队","items":["ZA-001"],"scope":"柯城区","from":"2026-03-02","to":"2026-03-31",
 "locked_at":"2026-02-27T02:30:00Z","targets":[{"id":"91330802MA2B3C4D5E","name":"某某宾馆","unit":"荷花派出所"}],
 "proof":{"algorithm":"ssj-v1","manifest_hash":"aa","record_hash":"bb"}}`))
	pl, err := os.ReadFile(fx.plan)
	require.NoError(t, err)
	v2 := strings.Replace(strings.Replace(string(pl), `"version": 1`, `"version": 2`, 1), `"effective": "2026-01-15"`, `"effective": "2026-06-01"`, 1)
	require.NotEqual(t, string(pl), v2)
	writeHostile(t, dir, "plan-v2.json", []byte(strings.Replace(v2, `"estimated_count": 45`, `"estimated_count": 50`, 1)))

	ok("draw", "lock", "--record", fx.record, "--by", "王*", "--at", "2026-09-18T09:30:00+08:00", "--out", fx.locked)
	// The locked record's first group, for draw replace.
	var rec struct {
		Groups []struct {
			Target string `json:"target"`
			Seats  []struct {
				Cert string `json:"cert"`
			} `json:"seats"`
		} `json:"groups"`
	}
	raw, err := os.ReadFile(fx.locked)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &rec))
	require.NotEmpty(t, rec.Groups)
	fx.replaceTarget, fx.replaceCert = rec.Groups[0].Target, rec.Groups[0].Seats[0].Cert

	// The publish and review state after each step: a store dispatched to
	// the unit whose principal head holds the key, copied after each step
	// (pub-NAME.db), and its export after the objection was decided.
	st := pubState{store: p("pub.db")}
	dispatchedStore(t, st.store)
	snap := func(name string) { copyFile(t, st.store, p("pub-"+name+".db")) }
	ok("publish", "keygen", "--unit", "越秀分局治安大队", "--holder", "李大队长", "--out", p("head"))
	ok("plan", "publish", fx.plan, "--store", st.store, "--as", "法制大队", "--at", "2026-09-18T11:00:00+08:00")
	snap("keys")
	ok(argvPublishEnter(st, fx.results)...)
	snap("entered")
	ok(argvPublishApprove(st)...)
	snap("approved")
	ok(argvPublishRelease(st)...)
	snap("released")
	ok(argvReviewReceive(st)...)
	snap("received")
	ok(argvReviewStart(st)...)
	snap("started")
	ok(argvReviewDecide(st, fx.corrected, fx.keyring, fx.key)...)
	snap("decided")
	require.NoError(t, os.Mkdir(p("decided"), 0o755))
	ok("publish", "export", "--store", st.store, "--out", p("decided"))
	require.NoError(t, os.Rename(p("decided/objections.json"), p("decided/obj.json")))
	ok(argvReviewFeedback(st)...)
	ok("keygen", "--alg", "ed25519", "--name", "test.example/trail", "--holder", "测试", "--role", "agency", "--out", p("agency"))
	fx.agencyKey, fx.vkey = p("agency.key.pem"), p("agency.vkey")
	fx.oldNote, fx.newNote = p("old.note"), p("new.note")
	decided := p("decided/trail.jsonl")
	writeHostile(t, dir, "old.note", []byte(ok("trail", "checkpoint", decided, "--origin", "test.example/trail", "--key", fx.agencyKey, "--size", "20")))
	writeHostile(t, dir, "new.note", []byte(ok("trail", "checkpoint", decided, "--origin", "test.example/trail", "--key", fx.agencyKey)))
	fx.regNote = p("registry.note")
	writeHostile(t, dir, "registry.note", []byte(ok("registry", "checkpoint", fx.targets, "--origin", "test.example/registry/targets", "--name", "test.example/trail", "--key", fx.agencyKey)))

	// The office store after each step.
	db := p("office.db")
	office := func(name string, args ...string) {
		ok(append(args, "--store", db, "--as", "李*")...)
		copyFile(t, db, p(name+".db"))
	}
	office("imported-targets", "registry", "import", fx.targets, "--at", "2026-09-01T08:30:00+08:00", "--in-force", "2026-09-01T00:00:00+08:00")
	office("imported", "registry", "import", fx.inspectors, "--at", "2026-09-01T08:31:00+08:00", "--in-force", "2026-09-01T00:00:00+08:00")
	office("launched", "task", "launch", fx.task, "--at", "2026-09-17T22:00:00+08:00")
	office("committed", "task", "commit", "2026-ZA-03B", "--at", "2026-09-17T23:13:42+08:00")
	office("drawn", "task", "draw", "2026-ZA-03B", "--randomness", fx.randomness, "--at", "2026-09-18T09:00:00+08:00")
	office("locked", "task", "lock", "2026-ZA-03B", "--at", "2026-09-18T09:30:00+08:00")
	office("dispatched", argvTaskDispatch("", "2026-09-18T10:00:00+08:00")...)
	var v taskView
	require.NoError(t, json.Unmarshal([]byte(ok("task", "show", "2026-ZA-03B", "--json", "--store", db)), &v))
	require.NotNil(t, v.Record)
	g := v.Record.Groups[0]
	req, err := json.Marshal(map[string]any{"target": g.Target, "inspector": g.Seats[1].Cert, "reason": "recusal",
		"approver": "周*", "at": "2026-09-18T10:30:00+08:00"})
	require.NoError(t, err)
	writeHostile(t, dir, "request.json", req)
	fx.beaconPlugins = beaconFixture(t, dir)
	return fx
}

// pubState is the state the stateful publish and review verbs read and
// extend: the office store (issue 10 moved them from book, trail and
// objection files onto it).
type pubState struct{ store string }

// state copies the publish/review store snapshot name ("keys", "entered",
// "approved", "released", "received", "started", "decided") next to out,
// so that a run may change it.
func (fx hostileFx) state(t *testing.T, name, out string) pubState {
	t.Helper()
	return pubState{store: copyFile(t, filepath.Join(fx.dir, "pub-"+name+".db"), filepath.Join(filepath.Dir(out), "st-pub.db"))}
}

func argvPublishEnter(s pubState, results string) []string {
	return []string{"publish", "enter", "--store", s.store, "--as", "录入员", "--at", "2026-09-30T09:00:00+08:00", results}
}

func argvPublishApprove(s pubState) []string {
	return []string{"publish", "approve", "--store", s.store, "--as", "审核员", "--all", "--note", "同意公示", "--at", "2026-10-09T09:00:00+08:00"}
}

func argvPublishRelease(s pubState) []string {
	return []string{"publish", "release", "--store", s.store, "--as", "治安大队", "--at", "2026-10-09T10:00:00+08:00", "--all"}
}

func argvPublishCorrect(s pubState, corrected, keyring, key string) []string {
	return []string{"publish", "correct", "--store", s.store, "--keyring", keyring, "--as", "录入员",
		"--key", key, "--reason", "录入错误", "--at", "2026-10-10T09:00:00+08:00", corrected}
}

func argvReviewReceive(s pubState) []string {
	return []string{"review", "receive", "--store", s.store, "--as", "法制员", "--id", "YY-2026-001", "--result", resultKTV2,
		"--applicant", "广州骏达瑞祥KTV", "--grounds", "检查结论有误", "--at", "2026-10-12T09:00:00+08:00"}
}

func argvReviewStart(s pubState) []string {
	return []string{"review", "start", "--store", s.store, "--as", "复核人", "--id", "YY-2026-001", "--at", "2026-10-13T09:00:00+08:00"}
}

func argvReviewDecide(s pubState, corrected, keyring, key string) []string {
	return []string{"review", "decide", "--store", s.store, "--as", "复核人", "--id", "YY-2026-001", "--corrected", "--note", "经复核确有错误",
		"--keyring", keyring, "--key", key, "--reason", "结论更正", "--at", "2026-10-20T09:00:00+08:00", corrected}
}

func argvReviewFeedback(s pubState) []string {
	return []string{"review", "feedback", "--store", s.store, "--as", "法制员", "--id", "YY-2026-001", "--note", "已书面告知", "--at", "2026-10-21T09:00:00+08:00"}
}

// argvTaskDispatch dispatches the demo task; store "" means the caller
// adds --store.
func argvTaskDispatch(store, at string) []string {
	a := []string{"task", "dispatch", "2026-ZA-03B", "--to-unit", "治安大队", "--issuer", "天河分局",
		"--from", "2026-09-18", "--until", "2026-11-30", "--at", at}
	if store != "" {
		a = append(a, "--store", store, "--as", "李*")
	}
	return a
}

// store copies the office store snapshot name ("imported", "launched",
// "committed", "drawn", "locked", "dispatched") next to out.
func (fx hostileFx) store(t *testing.T, name, out string) string {
	t.Helper()
	return copyFile(t, filepath.Join(fx.dir, name+".db"), filepath.Join(filepath.Dir(out), "st-office.db"))
}

func hostileSlots(fx hostileFx) []hostileSlot {
	a := func(args ...string) []string { return args }
	office := func(args ...string) []string { return append(args, "--as", "李*") }
	return []hostileSlot{
		// ---- registries (两库)
		{name: "registry validate", kind: kindCSV, family: familyTargets, validator: true, valid: fx.targets,
			args: func(_ *testing.T, f, _ string) []string { return a("registry", "validate", f) }},
		{name: "registry validate (inspectors)", kind: kindCSV, family: familyInspectors, validator: true, valid: fx.inspectors,
			args: func(_ *testing.T, f, _ string) []string { return a("registry", "validate", f, "--kind", "inspectors") }},
		// An inspector registry's interests checked against the targets:
		// the targets are read like any registry.
		{name: "registry validate --targets", kind: kindCSV, family: familyTargets, valid: fx.targets,
			args: func(_ *testing.T, f, _ string) []string {
				return a("registry", "validate", fx.inspectors, "--targets", f)
			}},
		{name: "registry commit", kind: kindCSV, family: familyTargets, validator: true, valid: fx.targets,
			args: func(_ *testing.T, f, _ string) []string { return a("registry", "commit", f, "--json") }},
		{name: "registry export", kind: kindCSV, family: familyTargets, validator: true, valid: fx.targets,
			args: func(_ *testing.T, f, o string) []string { return a("registry", "export", f, "--canonical", "--out", o) }},
		// An empty registry holds no such ID: 1.
		{name: "registry prove", kind: kindCSV, family: familyTargets, validator: true, valid: fx.targets, codes: map[string]int{"header only": exitProblem},
			args: func(_ *testing.T, f, _ string) []string { return a("registry", "prove", f, "91440103MAT410000M") }},
		// A repeated audit-path step: read fine, does not verify (1).
		{name: "registry verify-proof", kind: kindJSON, valid: fx.proof, codes: map[string]int{"duplicate IDs": exitProblem},
			args: func(_ *testing.T, f, _ string) []string { return a("registry", "verify-proof", f) }},
		{name: "registry checkpoint", kind: kindCSV, family: familyTargets, validator: true, valid: fx.targets,
			args: func(_ *testing.T, f, _ string) []string {
				return a("registry", "checkpoint", f, "--origin", "test.example/registry/targets", "--name", "test.example/trail", "--key", fx.agencyKey)
			}},
		// Any registry but the one signed is a finding (1).
		{name: "registry verify-checkpoint FILE", kind: kindCSV, family: familyTargets, validator: true, valid: fx.targets, codes: regCheckpointCodes,
			args: func(_ *testing.T, f, _ string) []string {
				return a("registry", "verify-checkpoint", fx.regNote, f, "--vkey", fx.vkey)
			}},
		{name: "registry verify-checkpoint NOTE", kind: kindText, valid: fx.regNote, signed: true,
			args: func(_ *testing.T, f, _ string) []string {
				return a("registry", "verify-checkpoint", f, fx.targets, "--vkey", fx.vkey)
			}},
		{name: "registry import", kind: kindCSV, family: familyTargets, validator: true, valid: fx.targets,
			args: func(_ *testing.T, f, o string) []string {
				return office("registry", "import", f, "--store", o+".db", "--pool", "targets", "--at", "2026-09-01T08:30:00+08:00", "--in-force", "2026-09-01T00:00:00+08:00")
			}},

		// ---- the checklist (一单)
		{name: "checklist validate", kind: kindCSV, family: familyChecklist, validator: true, valid: fx.checklist,
			args: func(_ *testing.T, f, _ string) []string { return a("checklist", "validate", f) }},
		// A checklist of no item is not published (1).
		{name: "checklist publish", kind: kindCSV, family: familyChecklist, valid: fx.checklist, codes: map[string]int{"header only": exitProblem},
			args: func(_ *testing.T, f, _ string) []string {
				return a("checklist", "publish", f, "--effective", "2026-01-01", "--dry-run")
			}},
		// diff OLD NEW: the other side differs from the valid file in one
		// ratio. An empty side has no item to compare (1).
		{name: "checklist diff NEW", kind: kindCSV, family: familyChecklist, valid: fx.checklist, codes: map[string]int{"header only": exitProblem},
			args: func(_ *testing.T, f, _ string) []string {
				return a("checklist", "diff", filepath.Join(fx.dir, "checklist-v0.csv"), f, "--effective", "2026-07-01")
			}},
		{name: "checklist diff OLD", kind: kindCSV, family: familyChecklist, valid: fx.checklist, codes: map[string]int{"header only": exitProblem},
			args: func(_ *testing.T, f, _ string) []string {
				return a("checklist", "diff", f, filepath.Join(fx.dir, "checklist-v0.csv"), "--effective", "2026-07-01")
			}},

		// ---- the plan
		{name: "plan check PLAN", kind: kindJSON, family: familyPlan, validator: true, valid: fx.plan,
			args: func(_ *testing.T, f, _ string) []string { return a("plan", "check", f, "--targets", fx.targets) }},
		// An empty registry leaves the plan's pools empty: R9 fails (1).
		{name: "plan check --targets", kind: kindCSV, family: familyTargets, valid: fx.targets, codes: map[string]int{"header only": exitProblem},
			args: func(_ *testing.T, f, _ string) []string { return a("plan", "check", fx.plan, "--targets", f) }},
		{name: "plan check --history", kind: kindCSV, family: familyHistory, valid: fx.history,
			args: func(_ *testing.T, f, _ string) []string {
				return a("plan", "check", fx.plan, "--targets", fx.targets, "--history", f)
			}},
		// An empty checklist, or one whose item codes changed (the huge
		// cell replaces a code), leaves the plan's items off it: R1 fails.
		{name: "plan check --checklist", kind: kindCSV, family: familyChecklist, valid: fx.checklist, codes: map[string]int{"header only": exitProblem, "huge field": exitProblem},
			args: func(_ *testing.T, f, _ string) []string {
				return a("plan", "check", fx.plan, "--targets", fx.targets, "--checklist", f)
			}},
		{name: "plan input PLAN", kind: kindJSON, family: familyPlan, valid: fx.plan,
			args: func(_ *testing.T, f, _ string) []string {
				return a("plan", "input", f, "2026-ZA-03B", "--targets", fx.targets)
			}},
		{name: "plan input --targets", kind: kindCSV, family: familyTargets, valid: fx.targets,
			args: func(_ *testing.T, f, _ string) []string {
				return a("plan", "input", fx.plan, "2026-ZA-03B", "--targets", f)
			}},
		{name: "plan input --history", kind: kindCSV, family: familyHistory, valid: fx.history,
			args: func(_ *testing.T, f, _ string) []string {
				return a("plan", "input", fx.plan, "2026-ZA-03B", "--targets", fx.targets, "--history", f)
			}},
		{name: "plan publish", kind: kindJSON, family: familyPlan, valid: fx.plan,
			args: func(_ *testing.T, f, _ string) []string { return a("plan", "publish", f, "--dry-run") }},
		{name: "plan adjust PLAN", kind: kindJSON, family: familyPlan, valid: fx.plan2,
			args: func(t *testing.T, f, o string) []string {
				return a("plan", "adjust", f, "--store", fx.state(t, "keys", o).store, "--as", "法制大队", "--at", "2026-09-19T09:00:00+08:00")
			}},
		// diff OLD NEW: the other side is version 2 of the valid plan.
		{name: "plan diff OLD", kind: kindJSON, family: familyPlan, valid: fx.plan,
			args: func(_ *testing.T, f, _ string) []string { return a("plan", "diff", f, fx.plan2) }},
		{name: "plan diff NEW", kind: kindJSON, family: familyPlan, valid: fx.plan2,
			args: func(_ *testing.T, f, _ string) []string { return a("plan", "diff", fx.plan, f) }},

		// ---- the draw, from files
		{name: "draw commit --task", kind: kindJSON, family: familyTask, valid: fx.task,
			args: func(_ *testing.T, f, o string) []string {
				return a("draw", "commit", "--task", f, "--targets", fx.targets, "--inspectors", fx.inspectors, "--out", o)
			}},
		// An empty pool has nothing to commit (1).
		{name: "draw commit --targets", kind: kindCSV, family: familyTargets, valid: fx.targets, codes: map[string]int{"header only": exitProblem},
			args: func(_ *testing.T, f, o string) []string {
				return a("draw", "commit", "--task", fx.task, "--targets", f, "--inspectors", fx.inspectors, "--out", o)
			}},
		{name: "draw commit --inspectors", kind: kindCSV, family: familyInspectors, valid: fx.inspectors, codes: map[string]int{"header only": exitProblem},
			args: func(_ *testing.T, f, o string) []string {
				return a("draw", "commit", "--task", fx.task, "--targets", fx.targets, "--inspectors", f, "--out", o)
			}},
		{name: "draw run --manifest", kind: kindJSON, valid: fx.manifest, crlfChanges: true,
			args: func(_ *testing.T, f, o string) []string {
				return a("draw", "run", "--manifest", f, "--randomness", fx.randomness, "--targets", fx.targets, "--inspectors", fx.inspectors, "--out", o)
			}},
		{name: "draw run --randomness", kind: kindJSON, family: familyEvidence, valid: fx.randomness,
			args: func(_ *testing.T, f, o string) []string {
				return a("draw", "run", "--manifest", fx.manifest, "--randomness", f, "--targets", fx.targets, "--inspectors", fx.inspectors, "--out", o)
			}},
		// The pools must be the committed ones: an empty one does not
		// match the manifest (1); a name is not committed.
		{name: "draw run --targets", kind: kindCSV, family: familyTargets, valid: fx.targets, codes: map[string]int{"header only": exitProblem},
			args: func(_ *testing.T, f, o string) []string {
				return a("draw", "run", "--manifest", fx.manifest, "--randomness", fx.randomness, "--targets", f, "--inspectors", fx.inspectors, "--out", o)
			}},
		{name: "draw run --inspectors", kind: kindCSV, family: familyInspectors, valid: fx.inspectors, codes: map[string]int{"header only": exitProblem, "truncated": exitProblem},
			args: func(_ *testing.T, f, o string) []string {
				return a("draw", "run", "--manifest", fx.manifest, "--randomness", fx.randomness, "--targets", fx.targets, "--inspectors", f, "--out", o)
			}},
		// Lock checks the record's form, not its draw (ssj verify re-runs
		// it, see "verify RECORD"): a repeated evidence entry is locked.
		{name: "draw lock --record", kind: kindJSON, valid: fx.record, crlfChanges: true, codes: map[string]int{"duplicate IDs": exitOK},
			args: func(_ *testing.T, f, o string) []string {
				return a("draw", "lock", "--record", f, "--by", "x", "--at", "2026-12-01T09:00:00+08:00", "--out", o)
			}},
		// Like lock, replace checks the record's form, not its draw (the
		// replaced record does not verify: ssj verify says so).
		{name: "draw replace RECORD", kind: kindJSON, valid: fx.locked, crlfChanges: true, codes: map[string]int{"duplicate IDs": exitOK},
			args: func(_ *testing.T, f, o string) []string { return argvDrawReplace(fx, f, fx.inspectors, o) }},
		// The replacement is drawn from the pool the record committed to.
		{name: "draw replace --inspectors", kind: kindCSV, family: familyInspectors, valid: fx.inspectors,
			codes: map[string]int{"header only": exitProblem, "truncated": exitProblem},
			args:  func(_ *testing.T, f, o string) []string { return argvDrawReplace(fx, fx.locked, f, o) }},
		{name: "verify RECORD", kind: kindJSON, valid: fx.record, crlfChanges: true, codes: map[string]int{"duplicate IDs": exitProblem,
			// JSON that is not a record does not verify: exit 1 for every
			// record that does not verify, 2 only for unreadable or non-JSON
			// input (issue 14's contract for auditors; docs/draw-spec.md §10).
			"header only": exitProblem, "missing column": exitProblem, "wrong types": exitProblem, "null": exitProblem, "huge field": exitProblem},
			args: func(_ *testing.T, f, _ string) []string {
				return a("verify", f, "--targets", fx.targets, "--inspectors", fx.inspectors)
			}},
		// A pool that reads fine and does not match the record's
		// commitment: the record does not verify (1).
		{name: "verify --targets", kind: kindCSV, family: familyTargets, valid: fx.targets, codes: map[string]int{"header only": exitProblem},
			args: func(_ *testing.T, f, _ string) []string {
				return a("verify", fx.record, "--targets", f, "--inspectors", fx.inspectors)
			}},
		{name: "verify --inspectors", kind: kindCSV, family: familyInspectors, valid: fx.inspectors, codes: map[string]int{"header only": exitProblem, "truncated": exitProblem},
			args: func(_ *testing.T, f, _ string) []string {
				return a("verify", fx.record, "--targets", fx.targets, "--inspectors", f)
			}},

		// ---- the draw, through the office store
		{name: "task launch TASK.json", kind: kindJSON, family: familyTask, valid: fx.task,
			args: func(t *testing.T, f, o string) []string {
				return office("task", "launch", f, "--store", fx.store(t, "imported", o), "--at", "2026-09-17T22:00:00+08:00")
			}},
		{name: "task commit --store", kind: kindStore, valid: filepath.Join(fx.dir, "launched.db"), codes: storeCodes,
			args: func(_ *testing.T, f, _ string) []string {
				return office("task", "commit", "2026-ZA-03B", "--store", f, "--at", "2026-09-17T23:13:42+08:00")
			}},
		{name: "task draw --randomness", kind: kindJSON, family: familyEvidence, valid: fx.randomness,
			args: func(t *testing.T, f, o string) []string {
				return office("task", "draw", "2026-ZA-03B", "--randomness", f, "--store", fx.store(t, "committed", o), "--at", "2026-09-18T09:00:00+08:00")
			}},
		// The plugin config naming the --beacon plugin: every hostile
		// config is refused before any plugin runs (2).
		{name: "task draw --beacon", kind: kindJSON, valid: fx.beaconPlugins,
			args: func(t *testing.T, f, o string) []string {
				return office("task", "draw", "2026-ZA-03B", "--beacon", "drand", "--plugins", f, "--store", fx.store(t, "committed", o), "--at", "2026-09-18T09:00:00+08:00")
			}},
		{name: "task lock --store", kind: kindStore, valid: filepath.Join(fx.dir, "drawn.db"), codes: storeCodes,
			args: func(_ *testing.T, f, _ string) []string {
				return office("task", "lock", "2026-ZA-03B", "--store", f, "--at", "2026-09-18T09:30:00+08:00")
			}},
		{name: "task dispatch --store", kind: kindStore, valid: filepath.Join(fx.dir, "locked.db"), codes: storeCodes,
			args: func(_ *testing.T, f, _ string) []string { return argvTaskDispatch(f, "2026-09-18T10:00:00+08:00") }},
		{name: "task replace --request", kind: kindJSON, valid: fx.reqst,
			args: func(t *testing.T, f, o string) []string {
				return office("task", "replace", "2026-ZA-03B", "--request", f, "--store", fx.store(t, "dispatched", o), "--at", "2026-09-18T10:30:00+08:00")
			}},
		{name: "task show --store", kind: kindStore, valid: filepath.Join(fx.dir, "dispatched.db"), codes: storeCodes,
			args: func(_ *testing.T, f, _ string) []string { return a("task", "show", "2026-ZA-03B", "--store", f) }},
		{name: "task export --store", kind: kindStore, valid: filepath.Join(fx.dir, "dispatched.db"), codes: storeCodes,
			args: func(_ *testing.T, f, o string) []string {
				return a("task", "export", "2026-ZA-03B", "--store", f, "--out", strings.TrimSuffix(o, ".json"))
			}},
		// An empty file is an empty SQLite store: nothing to audit, fine.
		{name: "audit --store", kind: kindStore, valid: filepath.Join(fx.dir, "dispatched.db"), codes: map[string]int{"empty": exitOK},
			args: func(_ *testing.T, f, _ string) []string { return a("audit", "--store", f) }},

		// ---- publication (一公开) and objections
		{name: "publish keygen", kind: kindKeyOut, valid: fx.keyring, codes: map[string]int{"valid": exitUsage, "missing file": exitOK},
			args: func(_ *testing.T, f, _ string) []string {
				// The hostile file lies where the new secret key would go.
				prefix := f + ".k"
				if _, err := os.Lstat(f); err == nil {
					if err := os.Rename(f, prefix+".key.json"); err != nil {
						panic(err)
					}
				}
				return a("publish", "keygen", "--unit", "u", "--holder", "h", "--out", prefix)
			}},
		{name: "publish enter RESULTS", kind: kindJSON, valid: fx.results,
			args: func(t *testing.T, f, o string) []string { return argvPublishEnter(fx.state(t, "keys", o), f) }},
		{name: "publish follow-up --store", kind: kindStore, valid: filepath.Join(fx.dir, "pub-decided.db"), codes: storeCodes,
			args: func(_ *testing.T, f, _ string) []string {
				return a("publish", "follow-up", resultKTV2, "--action", "回访", "--note", "已整改", "--store", f, "--as", "治安大队", "--at", "2026-10-22T09:00:00+08:00")
			}},
		{name: "publish retention --store", kind: kindStore, valid: filepath.Join(fx.dir, "pub-decided.db"), codes: map[string]int{"empty": exitOK},
			args: func(_ *testing.T, f, _ string) []string {
				return a("publish", "retention", "--store", f, "--as", "档案室", "--at", "2026-10-22T09:00:00+08:00")
			}},
		{name: "publish push --store", kind: kindStore, valid: filepath.Join(fx.dir, "pub-decided.db"), codes: map[string]int{"empty": exitOK},
			args: func(_ *testing.T, f, o string) []string {
				return a("publish", "push", "--store", f, "--publisher", "files", "--to", o, "--as", "推送任务", "--at", "2026-10-22T09:00:00+08:00")
			}},
		{name: "publish export --store", kind: kindStore, valid: filepath.Join(fx.dir, "pub-decided.db"), codes: map[string]int{"empty": exitOK},
			args: func(_ *testing.T, f, o string) []string { return a("publish", "export", "--store", f, "--out", o) }},
		{name: "publish approve --store", kind: kindStore, valid: filepath.Join(fx.dir, "pub-entered.db"), codes: allEmptyOK,
			args: func(_ *testing.T, f, _ string) []string { return argvPublishApprove(pubState{store: f}) }},
		{name: "publish release --store", kind: kindStore, valid: filepath.Join(fx.dir, "pub-approved.db"), codes: allEmptyOK,
			args: func(_ *testing.T, f, _ string) []string { return argvPublishRelease(pubState{store: f}) }},
		{name: "publish correct CORRECTED", kind: kindJSON, valid: fx.corrected,
			args: func(t *testing.T, f, o string) []string {
				return argvPublishCorrect(fx.state(t, "released", o), f, fx.keyring, fx.key)
			}},
		{name: "publish correct --keyring", kind: kindJSON, family: familyKeyring, valid: fx.keyring,
			args: func(t *testing.T, f, o string) []string {
				return argvPublishCorrect(fx.state(t, "released", o), fx.corrected, f, fx.key)
			}},
		{name: "publish correct --key", kind: kindJSON, valid: fx.key,
			args: func(t *testing.T, f, o string) []string {
				return argvPublishCorrect(fx.state(t, "released", o), fx.corrected, fx.keyring, f)
			}},
		{name: "publish status --book", kind: kindJSON, family: familyBook, valid: filepath.Join(fx.dir, "decided", "book.json"),
			args: func(_ *testing.T, f, _ string) []string {
				return a("publish", "status", "--book", f, "--today", "2026-10-22")
			}},
		{name: "publish status --keyring", kind: kindJSON, family: familyKeyring, valid: fx.keyring,
			args: func(_ *testing.T, f, _ string) []string {
				return a("publish", "status", "--book", filepath.Join(fx.dir, "decided", "book.json"), "--today", "2026-10-22", "--keyring", f)
			}},
		{name: "publish view --book", kind: kindJSON, family: familyBook, valid: filepath.Join(fx.dir, "decided", "book.json"),
			args: func(_ *testing.T, f, o string) []string { return a("publish", "view", "--book", f, "--out", o) }},
		{name: "publish report --objections", kind: kindJSON, family: familyObjections, valid: filepath.Join(fx.dir, "decided", "obj.json"),
			args: func(_ *testing.T, f, _ string) []string {
				return a("publish", "report", "--book", filepath.Join(fx.dir, "decided", "book.json"), "--objections", f, "--today", "2026-10-22")
			}},
		{name: "publish announce results --book", kind: kindJSON, family: familyBook, valid: filepath.Join(fx.dir, "decided", "book.json"),
			args: func(_ *testing.T, f, _ string) []string {
				return a("publish", "announce", "results", "--book", f, "--task", "2026-ZA-03B", "--date", "2026-10-21")
			}},
		// The notice is published as the agency wrote it: an item named
		// twice is named twice.
		{name: "publish announce task NOTICE", kind: kindJSON, valid: fx.notice, codes: map[string]int{"duplicate IDs": exitOK},
			args: func(_ *testing.T, f, _ string) []string { return a("publish", "announce", "task", f) }},
		{name: "review receive --store", kind: kindStore, valid: filepath.Join(fx.dir, "pub-released.db"), codes: storeCodes,
			args: func(_ *testing.T, f, _ string) []string { return argvReviewReceive(pubState{store: f}) }},
		{name: "review start --store", kind: kindStore, valid: filepath.Join(fx.dir, "pub-received.db"), codes: storeCodes,
			args: func(_ *testing.T, f, _ string) []string { return argvReviewStart(pubState{store: f}) }},
		{name: "review decide CORRECTED", kind: kindJSON, valid: fx.corrected,
			args: func(t *testing.T, f, o string) []string {
				return argvReviewDecide(fx.state(t, "started", o), f, fx.keyring, fx.key)
			}},
		{name: "review decide --store", kind: kindStore, valid: filepath.Join(fx.dir, "pub-started.db"), codes: storeCodes,
			args: func(_ *testing.T, f, _ string) []string {
				return argvReviewDecide(pubState{store: f}, fx.corrected, fx.keyring, fx.key)
			}},
		{name: "review feedback --store", kind: kindStore, valid: filepath.Join(fx.dir, "pub-decided.db"), codes: storeCodes,
			args: func(_ *testing.T, f, _ string) []string { return argvReviewFeedback(pubState{store: f}) }},
		{name: "review status", kind: kindJSON, family: familyObjections, valid: filepath.Join(fx.dir, "decided", "obj.json"),
			args: func(_ *testing.T, f, _ string) []string {
				return a("review", "status", "--objections", f, "--today", "2026-10-22")
			}},

		// ---- the trail (留痕)
		// Finding any corruption is what trail verify is for: every
		// content problem is a finding (1); an empty header-only trail
		// verifies; only a file that cannot be opened is 2.
		{name: "trail verify", kind: kindJSONL, validator: true, valid: filepath.Join(fx.dir, "decided", "trail.jsonl"), codes: trailValidator,
			args: func(_ *testing.T, f, _ string) []string { return a("trail", "verify", f) }},
		// --old 1 is a usage error against an empty trail (2).
		{name: "trail proof", kind: kindJSONL, validator: true, valid: filepath.Join(fx.dir, "decided", "trail.jsonl"), codes: trailProofCodes,
			args: func(_ *testing.T, f, _ string) []string { return a("trail", "proof", f, "--old", "1") }},
		{name: "trail checkpoint", kind: kindJSONL, validator: true, valid: filepath.Join(fx.dir, "decided", "trail.jsonl"), codes: trailValidator,
			args: func(_ *testing.T, f, _ string) []string {
				return a("trail", "checkpoint", f, "--origin", "test.example/trail", "--key", fx.agencyKey)
			}},
		{name: "trail consistency OLD", kind: kindText, valid: fx.oldNote, signed: true,
			args: func(_ *testing.T, f, _ string) []string {
				return a("trail", "consistency", f, fx.newNote, "--vkey", fx.vkey, "--trail", filepath.Join(fx.dir, "decided", "trail.jsonl"))
			}},
		{name: "keygen", kind: kindKeyOut, valid: fx.agencyKey, codes: map[string]int{"valid": exitUsage, "missing file": exitOK},
			args: func(_ *testing.T, f, _ string) []string {
				// The hostile file lies where the new secret key would go.
				prefix := f + ".k"
				if _, err := os.Lstat(f); err == nil {
					if err := os.Rename(f, prefix+".key.pem"); err != nil {
						panic(err)
					}
				}
				return a("keygen", "--alg", "ed25519", "--holder", "h", "--out", prefix)
			}},
		{name: "trail show", kind: kindJSONL, validator: true, valid: filepath.Join(fx.dir, "decided", "trail.jsonl"), codes: trailValidator,
			args: func(_ *testing.T, f, _ string) []string { return a("trail", "show", f) }},
		{name: "trail head", kind: kindJSONL, validator: true, valid: filepath.Join(fx.dir, "decided", "trail.jsonl"), codes: trailValidator,
			args: func(_ *testing.T, f, _ string) []string { return a("trail", "head", f) }},

		// ---- working days
		{name: "workday add --calendar", kind: kindJSON, family: familyCalendar, valid: fx.calendar,
			args: func(_ *testing.T, f, _ string) []string {
				return a("workday", "add", "2026-12-31", "1", "--calendar", f)
			}},
		{name: "workday is --calendar", kind: kindJSON, family: familyCalendar, valid: fx.calendar,
			args: func(_ *testing.T, f, _ string) []string { return a("workday", "is", "2027-01-04", "--calendar", f) }},
		{name: "workday between --calendar", kind: kindJSON, family: familyCalendar, valid: fx.calendar,
			args: func(_ *testing.T, f, _ string) []string {
				return a("workday", "between", "2026-12-30", "2027-01-05", "--calendar", f)
			}},
		{name: "workday years --calendar", kind: kindJSON, family: familyCalendar, valid: fx.calendar,
			args: func(_ *testing.T, f, _ string) []string { return a("workday", "years", "--calendar", f) }},

		// A shorter pool is still a pool.
		{name: "rfc3797 --pool", kind: kindText, valid: fx.pool, codes: map[string]int{"truncated": exitOK},
			args: func(_ *testing.T, f, _ string) []string {
				return a("rfc3797", "--pool", f, "--source", "1 2 3", "--count", "2")
			}},
	}
}

// argvDrawReplace replaces the first seated inspector of the locked
// record's first group.
func argvDrawReplace(fx hostileFx, record, inspectors, out string) []string {
	return []string{"draw", "replace", record, "--inspectors", inspectors, "--target", fx.replaceTarget, "--inspector", fx.replaceCert,
		"--reason", "recusal", "--approver", "李副局长", "--at", "2026-09-18T10:00:00+08:00", "--out", out}
}

// regCheckpointCodes: a registry file that reads but is not the one the
// note signed does not verify (1).
var regCheckpointCodes = map[string]int{"header only": exitProblem}

// A store that is not a SQLite database, or not there, cannot be opened
// (2); an empty file is an empty SQLite store that holds no such task (1).
var storeCodes = map[string]int{"empty": exitProblem}

// trailProofCodes is trailValidator, except that asking for a proof from
// event 1 of a header-only (empty) trail is a usage error.
var trailProofCodes = func() map[string]int {
	m := maps.Clone(trailValidator)
	m["header only"] = exitUsage
	return m
}()

// allEmptyOK: a step over --all on an empty store has nothing to do ("nothing
// to publish"): 0.
var allEmptyOK = map[string]int{"empty": exitOK}

// trailValidator: every content problem of a trail is a finding (1); an
// empty file, or a header-only trail, is an empty trail; only a file that
// cannot be opened is 2.
var trailValidator = map[string]int{"empty": exitProblem, "header only": exitOK,
	"missing column": exitProblem, "duplicate IDs": exitProblem, "binary garbage": exitProblem, "truncated": exitProblem,
	"wrong types": exitProblem, "null": exitProblem, "huge field": exitProblem}
