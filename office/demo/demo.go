// Package demo runs the whole 双随机、一公开 flow of the bundled sample
// district (examples/data) through the office: the README's `ssj demo`,
// the office's end-to-end tests and its benchmark all call Run.
package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"

	"github.com/shuangsuiji/ssj/checklist"
	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/examples"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/plan"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/review"
	"github.com/shuangsuiji/ssj/suite"
	"github.com/shuangsuiji/ssj/workday"
)

// SimClock is a settable clock: the demo's steps happen on dates in the
// sample task's window, not today.
type SimClock struct {
	mu  sync.Mutex
	now time.Time
}

// Now implements office.Clock.
func (c *SimClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock.
func (c *SimClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Unit is the executing unit of the demo; Head its principal head.
const (
	Agency = "广州市公安局天河分局"
	Unit   = "天河分局治安大队"
	Head   = "治安大队 大队长 王*"
)

// Keys returns the demo's deterministic signing key of the principal head
// and the keyring holding its public key. Never use it outside the demo.
func Keys() (publish.Signer, publish.Keyring, error) {
	return KeysFor(suite.SSJv1)
}

// KeysFor is Keys for crypto suite s: the Ed25519 key of Keys under ssj-v1,
// a deterministic SM2 key (GB/T 32918) under ssj-v1-sm. Never use it
// outside the demo.
func KeysFor(s suite.Suite) (publish.Signer, publish.Keyring, error) {
	if s.ID() == suite.V1SM {
		seed := sm3.Sum([]byte("ssj demo sm2 key: not secret"))
		k, err := sm2.NewPrivateKey(seed[:])
		if err != nil {
			return nil, publish.Keyring{}, err
		}
		signer, err := suite.NewSM2Signer(k)
		if err != nil {
			return nil, publish.Keyring{}, err
		}
		pub := publish.PublicKey{KeyID: signer.KeyID(), Algorithm: suite.SM2, Unit: Unit, Holder: Head,
			Role: publish.RolePrincipalHead, Key: base64.StdEncoding.EncodeToString(signer.Public())}
		return signer, publish.Keyring{Keys: []publish.PublicKey{pub}}, nil
	}
	seed := sha256.Sum256([]byte("ssj demo key: not secret"))
	k, err := publish.GenerateEd25519(bytes.NewReader(append(seed[:], seed[:]...)), Unit, Head)
	if err != nil {
		return nil, publish.Keyring{}, err
	}
	signer, err := k.Signer()
	if err != nil {
		return nil, publish.Keyring{}, err
	}
	return signer, publish.Keyring{Keys: []publish.PublicKey{k.PublicKey}}, nil
}

// New returns an office over store with the demo's clock, calendar and keys.
func New(store office.Store) (*office.Office, *SimClock, error) {
	return NewWith(store, suite.Suite{})
}

// NewWith is New for crypto suite s. Under ssj-v1-sm (suite.SSJv1SM) a new
// store's trail and every draw are SM3/HMAC-SM3, and the principal head's
// SM2 key (KeysFor) signs the corrections and the lock; a store of another
// suite is refused (*office.SuiteError). The zero Suite is New's: the
// store's suite, ssj-v1 for a new store, locks unsigned.
func NewWith(store office.Store, s suite.Suite) (*office.Office, *SimClock, error) {
	cal, err := workday.Default()
	if err != nil {
		return nil, nil, err
	}
	ks := s
	if ks.ID() == "" {
		ks = suite.SSJv1
	}
	signer, ring, err := KeysFor(ks)
	if err != nil {
		return nil, nil, err
	}
	clock := &SimClock{}
	cfg := office.Config{Store: store, Clock: clock, Calendar: cal, Signer: signer, Authority: ring, Suite: s}
	if s.ID() == suite.V1SM {
		cfg.LockSigner = signer
	}
	o, err := office.New(cfg)
	return o, clock, err
}

// Summary is what Run reports.
type Summary struct {
	TaskID       string `json:"task_id"`
	Targets      int64  `json:"targets"`
	Inspectors   int64  `json:"inspectors"`
	Selected     int    `json:"selected"`
	Groups       int    `json:"groups"`
	Results      int    `json:"results"`
	ManifestHash string `json:"manifest_hash"`
	RecordHash   string `json:"record_hash"`
	R            string `json:"r"`
}

func cst(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, workday.Shanghai())
	if err != nil {
		panic(err)
	}
	return t
}

// Stage numbers the demo's stages, for RunUntil.
type Stage int

// The demo's stages.
const (
	StageRegistries Stage = 1 + iota // snapshots imported
	StagePublished                   // checklist and plan published
	StageCommitted                   // task launched, manifest committed
	StageDispatched                  // drawn, locked, one replacement, dispatched
	StageReleased                    // results entered, reviewed, released
	StageCorrected                   // one signed correction
	StageObjection                   // one objection, a follow-up
	StageAll                         // summary report and retention review
)

// Run runs every step on o, printing a narrative to w (nil for none).
func Run(ctx context.Context, o *office.Office, clock *SimClock, w io.Writer) (Summary, error) {
	return RunUntil(ctx, o, clock, w, StageAll)
}

// TaskEnd is the last day of the demo task's execution window.
var TaskEnd = workday.MustDate(2026, 11, 30)

// MakeResults builds one "no problem found" result per drawn target of a
// dispatched task, with the current inspector groups.
func MakeResults(ctx context.Context, o *office.Office, taskID string) ([]publish.Result, error) {
	rec, err := o.Record(ctx, taskID)
	if err != nil {
		return nil, err
	}
	if rec.Lock == nil {
		return nil, fmt.Errorf("demo: task %s is not locked", taskID)
	}
	m, err := o.Manifest(ctx, taskID)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	if m.Inspectors != "" {
		ins, err := o.Inspectors(ctx, m.Inspectors)
		if err != nil {
			return nil, err
		}
		for _, x := range ins {
			names[x.Cert] = x.Name
		}
	}
	groups, err := rec.CurrentGroups()
	if err != nil {
		return nil, err
	}
	results := make([]publish.Result, len(rec.Selected))
	for i, sel := range rec.Selected {
		r := publish.Result{ID: taskID + "/" + sel.Target, PlanNo: "JH-2026-01", PlanName: "2026年度治安领域双随机抽查计划",
			TaskNo: taskID, TaskName: rec.Manifest.Task.Name, TaskType: "定向抽查", Agency: Agency, Department: "治安", Unit: Unit,
			TargetID: sel.Target, TargetName: sel.Name, TaskEnd: TaskEnd, CompletionDate: workday.MustDate(2026, 11, 20),
			Conclusions: []publish.Conclusion{publish.NoProblem},
			Proof:       publish.DrawProof{Algorithm: rec.Manifest.Algorithm, ManifestHash: rec.ManifestHash, RecordHash: rec.Lock.RecordHash}}
		if i < len(groups) {
			for _, seat := range groups[i].Seats {
				r.Inspectors = append(r.Inspectors, publish.Inspector{Name: names[seat.Cert], Cert: seat.Cert, Leader: seat.Role == draw.RoleLeader})
			}
		}
		results[i] = r
	}
	return results, nil
}

// RunUntil runs the demo's stages up to and including upTo.
func RunUntil(ctx context.Context, o *office.Office, clock *SimClock, w io.Writer, upTo Stage) (Summary, error) {
	if w == nil {
		w = io.Discard
	}
	var sum Summary
	file := func(name string) ([]byte, error) { return examples.Data.ReadFile("data/" + name) }
	step := func(who, at string) office.Step {
		t := cst(at)
		clock.Set(t)
		return office.Step{Who: who, At: t, Unit: Unit}
	}
	say := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }

	// 1. The two registries (两库), in force from 1 September.
	tcsv, err := file("targets.csv")
	if err != nil {
		return sum, err
	}
	icsv, err := file("inspectors.csv")
	if err != nil {
		return sum, err
	}
	tt, err := registry.Decode(tcsv, registry.ImportOptions{File: "examples/data/targets.csv", Pool: registry.PoolTargets})
	if err != nil {
		return sum, err
	}
	it, err := registry.Decode(icsv, registry.ImportOptions{File: "examples/data/inspectors.csv", Pool: registry.PoolInspectors})
	if err != nil {
		return sum, err
	}
	in := cst("2026-09-01 00:00:00")
	ts, err := o.ImportSnapshot(ctx, step("名录库管理员 陈*", "2026-09-01 08:30:00"), office.SnapshotImport{ID: "targets-2026-09-01", Pool: registry.PoolTargets, At: in, Targets: tt.Targets})
	if err != nil {
		return sum, err
	}
	is, err := o.ImportSnapshot(ctx, step("名录库管理员 陈*", "2026-09-01 08:31:00"), office.SnapshotImport{ID: "inspectors-2026-09-01", Pool: registry.PoolInspectors, At: in, Inspectors: it.Inspectors})
	if err != nil {
		return sum, err
	}
	sum.Targets, sum.Inspectors = ts.Count, is.Count
	say("1. registries (两库) imported as snapshots in force from %s:", in.Format(time.RFC3339))
	say("   targets     %5d  root %s", ts.Count, ts.Root)
	say("   inspectors  %5d  root %s", is.Count, is.Root)
	if upTo < StagePublished {
		return sum, nil
	}

	// 2. Checklist (一单) and annual plan.
	ccsv, err := file("checklist.csv")
	if err != nil {
		return sum, err
	}
	items, err := checklist.ReadCSV(bytes.NewReader(ccsv), "examples/data/checklist.csv", checklist.DefaultConfig())
	if err != nil {
		return sum, err
	}
	cv, err := o.PublishChecklist(ctx, step("法制大队 赵*", "2026-09-01 09:00:00"), office.ChecklistPublish{Items: items, Effective: "2026-09-01", Note: "示例清单", Config: checklist.DefaultConfig()})
	if err != nil {
		return sum, err
	}
	pj, err := file("plan.json")
	if err != nil {
		return sum, err
	}
	p, err := plan.Decode(bytes.NewReader(pj), "examples/data/plan.json")
	if err != nil {
		return sum, err
	}
	if err := o.PublishPlan(ctx, step("法制大队 赵*", "2026-09-01 09:10:00"), p); err != nil {
		return sum, err
	}
	say("2. checklist version %d (%d items) and the %d plan (%d tasks) published", cv.Number, len(cv.Items), p.Year, len(p.Tasks))
	if upTo < StageCommitted {
		return sum, nil
	}

	// 3. Task launch and manifest commit, before the randomness exists.
	tj, err := file("task.json")
	if err != nil {
		return sum, err
	}
	task, err := draw.DecodeTask(bytes.NewReader(tj))
	if err != nil {
		return sum, err
	}
	// The task declares the store's crypto suite (ssj-v1: no member).
	cs, err := o.Suite(ctx)
	if err != nil {
		return sum, err
	}
	if cs.ID() != suite.V1 {
		task.Suite = string(cs.ID())
	}
	sum.TaskID = task.ID
	if err := o.LaunchTask(ctx, step("治安大队 李*", "2026-09-17 22:00:00"), task); err != nil {
		return sum, err
	}
	m, err := o.CommitManifest(ctx, step("治安大队 李*", "2026-09-17 23:13:42"), office.ManifestCommit{TaskID: task.ID})
	if err != nil {
		return sum, err
	}
	mh, err := m.Hash()
	if err != nil {
		return sum, err
	}
	sum.ManifestHash = fmt.Sprintf("%x", mh)
	say("3. task %s launched; manifest committed at %s, manifest_hash %s", task.ID, task.CommitTime.Format(time.RFC3339), sum.ManifestHash)
	if upTo < StageDispatched {
		return sum, nil
	}

	// 4. The drand beacon is revealed: draw and match, lock, replace one
	// inspector (rule R18), dispatch.
	rj, err := file("randomness.json")
	if err != nil {
		return sum, err
	}
	ev, err := draw.DecodeEvidence(bytes.NewReader(rj))
	if err != nil {
		return sum, err
	}
	rec, err := o.RunDraw(ctx, step("治安大队 李*", "2026-09-18 09:00:00"), task.ID, ev)
	if err != nil {
		return sum, err
	}
	sum.Selected, sum.Groups, sum.R = len(rec.Selected), len(rec.Groups), rec.R
	say("4. drand quicknet beacon verified; R %s", rec.R)
	say("   scope %d, eligible %d, selected %d of quota %d (shortfall %d)", rec.Scope, rec.Eligible, len(rec.Selected), rec.Quota, rec.Shortfall)
	for i := 0; i < len(rec.Selected) && i < 3; i++ {
		s := rec.Selected[i]
		say("     #%d %s %s (rank %s…)", i+1, s.Target, s.Name, s.Rank[:16])
		if i < len(rec.Groups) {
			for _, seat := range rec.Groups[i].Seats {
				say("        %-6s %s %s", seat.Role, seat.Cert, seat.Department)
			}
		}
	}
	if n := len(rec.Selected) - 3; n > 0 {
		say("     … %d more (all %d are in the record: ssj demo --out DIR writes it)", n, len(rec.Selected))
	}
	if len(rec.Groups) > 0 {
		say("   inspector groups matched: %d (≥2 each, one leader, recusal applied)", len(rec.Groups))
	}
	rec, err = o.Lock(ctx, step("治安大队 大队长 王*", "2026-09-18 09:30:00"), task.ID)
	if err != nil {
		return sum, err
	}
	sum.RecordHash = rec.Lock.RecordHash
	say("   draw locked by %s, record_hash %s", rec.Lock.By, rec.Lock.RecordHash)
	if len(rec.Groups) > 0 {
		g := rec.Groups[0]
		leaving := g.Seats[len(g.Seats)-1].Cert
		rep, err := o.ReplaceInspector(ctx, step("治安大队 李*", "2026-09-18 09:40:00"), task.ID, draw.ReplacementRequest{
			Target: g.Target, Inspector: leaving, Reason: draw.ReplaceRecusal, Approver: "分管副局长 周*", At: cst("2026-09-18 09:40:00"), Note: "申报亲属关系"})
		if err != nil {
			return sum, err
		}
		say("   inspector %s replaced by %s at %s (rule R18, recusal)", leaving, rep.Newcomer.Cert, g.Target)
	}
	from, to := workday.MustDate(2026, 9, 18), TaskEnd
	doc, err := o.Dispatch(ctx, step("治安大队 李*", "2026-09-18 10:00:00"), office.DispatchOrder{TaskID: task.ID, Issuer: Agency, Launching: "治安", Unit: Unit, From: from, To: to, Scope: "娱乐场所（R9011）"})
	if err != nil {
		return sum, err
	}
	say("   dispatched to %s; task announcement %q published; %d inspection notices (检查通知书) issued", Unit, doc.Title, len(rec.Selected))

	if upTo < StageReleased {
		return sum, nil
	}
	// 5. Results: entered, reviewed (审核), released (rule R26).
	results, err := MakeResults(ctx, o, task.ID)
	if err != nil {
		return sum, err
	}
	for i, r := range results {
		if _, err := o.EnterResult(ctx, step("治安大队 录入员 孙*", fmt.Sprintf("2026-11-25 09:%02d:%02d", i/60, i%60)), r); err != nil {
			return sum, err
		}
	}
	for i, r := range results {
		if err := o.ReviewResult(ctx, step("治安大队 审核人 钱*", fmt.Sprintf("2026-11-25 14:%02d:%02d", i/60, i%60)), r.ID, "同意公示"); err != nil {
			return sum, err
		}
	}
	onTime := 0
	for i, r := range results {
		_, st, err := o.Release(ctx, step("治安大队 李*", fmt.Sprintf("2026-11-26 09:%02d:%02d", i/60, i%60)), r.ID)
		if err != nil {
			return sum, err
		}
		if st == publish.OnTime {
			onTime++
		}
	}
	sum.Results = len(results)
	say("5. %d results entered, reviewed (审核) and released; %d on time (rule R26)", len(results), onTime)
	if upTo < StageCorrected {
		return sum, nil
	}
	if len(results) >= 2 {
		// 6. One signed correction (rule R27).
		fixed := results[0]
		fixed.Remark = "检查完成日期更正"
		fixed.CompletionDate = workday.MustDate(2026, 11, 21)
		c, err := o.DraftCorrection(ctx, fixed, "录入错误", "self", Head, cst("2026-11-27 10:00:00"))
		if err != nil {
			return sum, err
		}
		v, err := o.Correct(ctx, step(Head, "2026-11-27 10:00:00"), publish.SignedCorrection{Correction: c})
		if err != nil {
			return sum, err
		}
		say("6. result %s corrected to version %d with the principal head's signature (rule R27)", fixed.ID, v.N)
		if upTo < StageObjection {
			return sum, nil
		}

		// 7. One objection, reviewed and answered (rule R28).
		ob, err := o.ReceiveObjection(ctx, step("治安大队 李*", "2026-11-30 09:00:00"), office.ObjectionReceipt{ID: "YY-2026-001", ResultID: results[1].ID, Applicant: results[1].TargetName, Grounds: "对检查结论有异议"})
		if err != nil {
			return sum, err
		}
		if err := o.StartReview(ctx, step("治安大队 复核人 吴*", "2026-12-01 09:00:00"), ob.ID); err != nil {
			return sum, err
		}
		if err := o.DecideObjection(ctx, step("治安大队 复核人 吴*", "2026-12-03 09:00:00"), ob.ID, office.ObjectionDecision{Decision: review.DecisionUpheld, Note: "原检查结论无误"}); err != nil {
			return sum, err
		}
		if err := o.SendFeedback(ctx, step("治安大队 复核人 吴*", "2026-12-04 09:00:00"), ob.ID, "已书面告知"); err != nil {
			return sum, err
		}
		say("7. objection %s received (review due %s), reviewed, upheld, feedback sent (rule R28)", ob.ID, ob.ReviewDue)
		if err := o.RecordFollowUp(ctx, step("治安大队 李*", "2026-12-05 09:00:00"), results[0].ID, publish.FollowUp{Date: workday.MustDate(2026, 12, 5), Action: "回访", Note: "已整改"}); err != nil {
			return sum, err
		}
	}

	if upTo < StageAll {
		return sum, nil
	}
	// 8. Summary report (R25) and retention review (R23).
	s, err := o.SummaryReport(ctx, step("治安大队 李*", "2026-12-10 09:00:00"), "2026-H2")
	if err != nil {
		return sum, err
	}
	if _, err := o.ReviewRetention(ctx, step("档案室 郑*", "2026-12-10 10:00:00")); err != nil {
		return sum, err
	}
	say("8. summary report 2026-H2 as of %s: %d drawn, %d inspected; retention reviewed (R23)", s.AsOf, s.Total.Drawn, s.Total.Inspected)
	return sum, nil
}
