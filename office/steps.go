package office

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shuangsuiji/ssj/checklist"
	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/plan"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/trail"
	"github.com/shuangsuiji/ssj/workday"
)

// Object kinds the office stores.
const (
	KindChecklist    = "checklist"    // ID: version number, 6 digits
	KindPlan         = "plan"         // ID: year; revisions are adjustments
	KindTask         = "task"         // ID: task ID
	KindManifest     = "manifest"     // ID: task ID
	KindRecord       = "record"       // ID: task ID; revisions: drawn, locked, replacements
	KindAnnouncement = "announcement" // ID: task ID (任务公示)
	KindNotice       = "notice"       // ID: task ID/target ID (检查通知书)
	KindResult       = "result"       // ID: result ID
	KindObjection    = "objection"    // ID: objection ID
	KindFollowUp     = "followup"     // ID: result ID; one revision per follow-up step
	KindSummary      = "summary"      // ID: report ID
	KindRetention    = "retention"    // ID: date of the review
)

// ---- checklist and plan ----

// ChecklistPublish is the step value of PublishChecklist.
type ChecklistPublish struct {
	Items     []checklist.Item
	Effective string // YYYY-MM-DD
	Note      string
	Config    checklist.Config
}

// PublishChecklist publishes the next checklist version (rule R3): version
// 1, or the next after the latest published one, with its diff.
func (o *Office) PublishChecklist(ctx context.Context, s Step, in ChecklistPublish) (checklist.Version, error) {
	const step = "publish checklist"
	var out checklist.Version
	err := o.run(ctx, step, s, "", "checklist", func(t *txn) error {
		objs, err := t.tx.Latest(ctx, KindChecklist, "", 1<<20)
		if err != nil {
			return err
		}
		data := map[string]string{"effective": in.Effective}
		if len(objs) == 0 {
			out, err = checklist.FirstVersion(in.Items, in.Effective, in.Note, in.Config)
		} else {
			var prev checklist.Version
			if _, err := load(ctx, t.tx, KindChecklist, objs[len(objs)-1].ID, &prev); err != nil {
				return err
			}
			var d checklist.Diff
			out, d, err = checklist.NextVersion(prev, in.Items, in.Effective, in.Note, in.Config)
			if err == nil {
				data["previous"] = strconv.Itoa(prev.Number)
				data["changes"] = strconv.Itoa(len(d.Added) + len(d.Removed) + len(d.Changed))
			}
		}
		if err != nil {
			return refuse(step, "checklist", "items", "", err)
		}
		id := fmt.Sprintf("%06d", out.Number)
		data["version"] = strconv.Itoa(out.Number)
		data["items"] = strconv.Itoa(len(out.Items))
		_, err = t.emit(trail.ChecklistAnnounced, "checklist/"+id, data, put{KindChecklist, id, out})
		return err
	})
	return out, err
}

// PublishPlan publishes the first version of a year's plan (rule R9).
func (o *Office) PublishPlan(ctx context.Context, s Step, p plan.Plan) error {
	const step = "publish plan"
	id := strconv.Itoa(p.Year)
	return o.run(ctx, step, s, KindPlan, id, func(t *txn) error {
		if _, err := t.tx.Get(ctx, KindPlan, id); err == nil {
			return refuse(step, id, "year", id, fmt.Errorf("%w: the plan exists; adjust it", ErrConflict))
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		if err := p.Validate(); err != nil {
			return refuse(step, id, "plan", "", err)
		}
		if p.Version != 1 {
			return refuse(step, id, "version", strconv.Itoa(p.Version), errors.New("the first publication is version 1"))
		}
		_, err := t.emit(trail.PlanPublished, "plan/"+id, map[string]string{"version": "1", "tasks": strconv.Itoa(len(p.Tasks))}, put{KindPlan, id, p})
		return err
	})
}

// AdjustPlan publishes an adjustment of a year's plan (rule R9): next must
// be a valid adjustment of the current version (plan.Adjust).
func (o *Office) AdjustPlan(ctx context.Context, s Step, next plan.Plan) (plan.Diff, error) {
	const step = "adjust plan"
	id := strconv.Itoa(next.Year)
	var d plan.Diff
	err := o.run(ctx, step, s, KindPlan, id, func(t *txn) error {
		var prev plan.Plan
		if _, err := load(ctx, t.tx, KindPlan, id, &prev); err != nil {
			return refuse(step, id, "year", id, err)
		}
		var err error
		if d, err = plan.Adjust(prev, next); err != nil {
			return refuse(step, id, "plan", "", err)
		}
		_, err = t.emit(trail.PlanPublished, "plan/"+id, map[string]string{"version": strconv.Itoa(next.Version), "adjusts": strconv.Itoa(prev.Version)}, put{KindPlan, id, next})
		return err
	})
	return d, err
}

// ---- the draw ----

// LaunchTask records a task (rule R14) before its manifest is committed.
// Once a checklist has been published, every item of the task must be on
// the version in effect on the task's commit date (rule R1).
func (o *Office) LaunchTask(ctx context.Context, s Step, task draw.Task) error {
	const step = "launch task"
	if err := draw.CheckLabel("id", task.ID); err != nil {
		return refuse(step, task.ID, "id", task.ID, err)
	}
	return o.run(ctx, step, s, KindTask, task.ID, func(t *txn) error {
		if _, err := t.tx.Get(ctx, KindTask, task.ID); err == nil {
			return refuse(step, task.ID, "id", task.ID, fmt.Errorf("%w: task exists", ErrConflict))
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		// One store, one crypto suite: the task's draw is hashed like the
		// store's trail.
		if err := checkTaskSuite(t.tx, task.ID, task.Suite); err != nil {
			return refuse(step, task.ID, "suite", task.Suite, err)
		}
		if task.CommitTime.Before(t.at) {
			return refuse(step, task.ID, "commit_time", fmtTime(task.CommitTime), fmt.Errorf("the manifest's commit time is before the launch at %s", fmtTime(t.at)))
		}
		// Rule R1: once a checklist is published, only its current items
		// may be drawn for.
		versions, err := listAll(ctx, t.tx, KindChecklist)
		if err != nil {
			return err
		}
		if len(versions) > 0 {
			var vs []checklist.Version
			for _, obj := range versions {
				var v checklist.Version
				if _, err := load(ctx, t.tx, KindChecklist, obj.ID, &v); err != nil {
					return err
				}
				vs = append(vs, v)
			}
			on := date(task.CommitTime).String()
			cur, ok := checklist.Current(vs, on)
			if !ok {
				return refuse(step, task.ID, "commit_time", on, errors.New("no checklist version is in effect on that date (rule R1)"))
			}
			for _, code := range task.Items {
				if _, ok := cur.Item(code); !ok {
					return refuse(step, task.ID, "items", code, fmt.Errorf("not an item of checklist version %d in effect on %s (rule R1)", cur.Number, on))
				}
			}
		}
		// Every check draw.Commit makes without the pools, at launch: a
		// task that could never be committed is not stored.
		if err := draw.CheckTask(task); err != nil {
			return refuse(step, task.ID, "task", task.ID, err)
		}
		_, err = t.emit(trail.TaskLaunched, task.ID, map[string]string{"name": task.Name, "items": strings.Join(task.Items, ","), "commit_time": fmtTime(task.CommitTime)}, put{KindTask, task.ID, task})
		return err
	})
}

// ManifestCommit is the step value of CommitManifest: the task and the
// registry snapshots its draw runs on.
type ManifestCommit struct {
	TaskID string
	// Targets, Inspectors and Fallback are snapshot IDs; empty Targets or
	// Inspectors means the snapshot of that pool in force at the task's
	// commit time. Fallback is optional (rule R7).
	Targets, Inspectors, Fallback string
}

// StoredManifest is the manifest object: the manifest and the snapshots it
// was committed over.
type StoredManifest struct {
	Manifest   draw.Manifest `json:"manifest"`
	Targets    string        `json:"targets_snapshot"`
	Inspectors string        `json:"inspectors_snapshot,omitempty"`
	Fallback   string        `json:"fallback_snapshot,omitempty"`
}

// CommitManifest validates the pools, then fixes the task's manifest
// (DRAW.md §1, rule R15). The step's time may not be after the task's
// commit time: the manifest must exist before the randomness does.
func (o *Office) CommitManifest(ctx context.Context, s Step, in ManifestCommit) (draw.Manifest, error) {
	const step = "commit manifest"
	var out StoredManifest
	err := o.run(ctx, step, s, KindTask, in.TaskID, func(t *txn) error {
		var task draw.Task
		if _, err := load(ctx, t.tx, KindTask, in.TaskID, &task); err != nil {
			return refuse(step, in.TaskID, "task", in.TaskID, err)
		}
		if _, err := t.tx.Get(ctx, KindManifest, in.TaskID); err == nil {
			return refuse(step, in.TaskID, "task", in.TaskID, fmt.Errorf("%w: manifest already committed", ErrConflict))
		}
		if t.at.After(task.CommitTime) {
			return refuse(step, in.TaskID, "at", fmtTime(t.at), fmt.Errorf("after the task's declared commit time %s", fmtTime(task.CommitTime)))
		}
		pick := func(id string, pool registry.PoolKind) (string, error) {
			if id != "" {
				return id, nil
			}
			sn, err := t.tx.SnapshotAsOf(ctx, string(pool), task.CommitTime)
			if err != nil {
				return "", refuse(step, in.TaskID, string(pool), "", err)
			}
			return sn.ID, nil
		}
		var err error
		if out.Targets, err = pick(in.Targets, registry.PoolTargets); err != nil {
			return err
		}
		if task.Inspectors != nil {
			if out.Inspectors, err = pick(in.Inspectors, registry.PoolInspectors); err != nil {
				return err
			}
		}
		out.Fallback = in.Fallback
		targets, err := loadTargets(ctx, t.tx, out.Targets)
		if err != nil {
			return refuse(step, in.TaskID, "targets", out.Targets, err)
		}
		pools, err := o.pools(ctx, t.tx, out.Inspectors, out.Fallback)
		if err != nil {
			return refuse(step, in.TaskID, "inspectors", out.Inspectors, err)
		}
		// Pools validated first: an unvalidated pool never reaches draw.Commit.
		if err := o.reg.ValidateTargets(targets); err != nil {
			return refuse(step, in.TaskID, "targets", out.Targets, err)
		}
		if pools != nil {
			if err := o.reg.ValidateInspectors(pools.Home); err != nil {
				return refuse(step, in.TaskID, "inspectors", out.Inspectors, err)
			}
			if err := o.reg.ValidateInspectors(pools.Fallback); err != nil {
				return refuse(step, in.TaskID, "fallback", out.Fallback, err)
			}
		}
		if err := checkTaskSuite(t.tx, task.ID, task.Suite); err != nil {
			return refuse(step, in.TaskID, "suite", task.Suite, err)
		}
		if out.Manifest, err = draw.Commit(task, targets, pools); err != nil {
			return refuse(step, in.TaskID, "manifest", "", err)
		}
		mh, err := out.Manifest.Hash()
		if err != nil {
			return err
		}
		_, err = t.emit(trail.ManifestCommitted, in.TaskID, map[string]string{"manifest_hash": fmt.Sprintf("%x", mh),
			"targets_snapshot": out.Targets, "inspectors_snapshot": out.Inspectors, "fallback_snapshot": out.Fallback},
			put{KindManifest, in.TaskID, out})
		return err
	})
	return out.Manifest, err
}

func (o *Office) pools(ctx context.Context, tx Tx, home, fallback string) (*draw.InspectorPools, error) {
	if home == "" && fallback == "" {
		return nil, nil
	}
	h, err := loadInspectors(ctx, tx, home)
	if err != nil {
		return nil, err
	}
	f, err := loadInspectors(ctx, tx, fallback)
	if err != nil {
		return nil, err
	}
	return &draw.InspectorPools{Home: h, Fallback: f}, nil
}

// RunDraw runs the committed draw with the revealed randomness (rule R15,
// and R17 when the task matches inspectors) and stores the record.
func (o *Office) RunDraw(ctx context.Context, s Step, taskID string, evidence []draw.Evidence) (draw.Record, error) {
	const step = "run draw"
	var rec draw.Record
	err := o.run(ctx, step, s, KindManifest, taskID, func(t *txn) error {
		var m StoredManifest
		if _, err := load(ctx, t.tx, KindManifest, taskID, &m); err != nil {
			return refuse(step, taskID, "manifest", taskID, err)
		}
		if _, err := t.tx.Get(ctx, KindRecord, taskID); err == nil {
			return refuse(step, taskID, "record", taskID, fmt.Errorf("%w: the draw has run", ErrConflict))
		}
		targets, err := loadTargets(ctx, t.tx, m.Targets)
		if err != nil {
			return err
		}
		pools, err := o.pools(ctx, t.tx, m.Inspectors, m.Fallback)
		if err != nil {
			return err
		}
		if rec, err = draw.Run(m.Manifest, evidence, targets, pools); err != nil {
			return refuse(step, taskID, "evidence", "", err)
		}
		rh, err := draw.RecordHash(&rec)
		if err != nil {
			return err
		}
		if _, err := t.emit(trail.TargetsDrawn, taskID, map[string]string{"r": rec.R, "record_hash": rh,
			"selected": strconv.Itoa(len(rec.Selected)), "shortfall": strconv.Itoa(rec.Shortfall)}, put{KindRecord, taskID, rec}); err != nil {
			return err
		}
		if len(rec.Groups) > 0 {
			cs, err := rec.Manifest.CryptoSuite()
			if err != nil {
				return err
			}
			gh, err := draw.GroupsHashWith(cs, rec.Groups)
			if err != nil {
				return err
			}
			_, err = t.emit(trail.InspectorsMatched, taskID, map[string]string{"groups": strconv.Itoa(len(rec.Groups)), "groups_hash": gh})
			return err
		}
		return nil
	})
	return rec, err
}

// Lock confirms the drawn list (rule R16). Dispatch follows.
func (o *Office) Lock(ctx context.Context, s Step, taskID string) (draw.Record, error) {
	const step = "lock"
	var rec draw.Record
	err := o.run(ctx, step, s, KindRecord, taskID, func(t *txn) error {
		if _, err := load(ctx, t.tx, KindRecord, taskID, &rec); err != nil {
			return refuse(step, taskID, "record", taskID, err)
		}
		var err error
		if rec, _, err = draw.LockSigned(rec, t.at, s.Who, o.locker); err != nil {
			return refuse(step, taskID, "lock", "", err)
		}
		_, err = t.emit(trail.TargetsLocked, taskID, map[string]string{"record_hash": rec.Lock.RecordHash}, put{KindRecord, taskID, rec})
		return err
	})
	return rec, err
}

// DispatchOrder is the step value of Dispatch.
type DispatchOrder struct {
	TaskID string
	// Issuer is the agency publishing the task announcement.
	Issuer string
	// Launching is the launching department; Participants the others.
	Launching    string
	Participants []string
	// Units maps a target ID to its executing unit (任务执行单位); Unit is
	// used for targets not in the map.
	Units map[string]string
	Unit  string
	// From and To are the execution window.
	From, To workday.Date
	// TaskType is 定向抽查 or 不定向抽查; derived from the manifest when empty.
	TaskType string
	// Scope describes the scope in words for the announcement.
	Scope string
}

// Notice is the inspection notice (检查通知书) to one drawn entity,
// generated from the locked record.
type Notice struct {
	TaskID     string       `json:"task_id"`
	TaskName   string       `json:"task_name"`
	Target     string       `json:"target"`
	Name       string       `json:"name"`
	Unit       string       `json:"unit"`
	Items      []string     `json:"items"`
	From       workday.Date `json:"from"`
	To         workday.Date `json:"to"`
	Inspectors []draw.Seat  `json:"inspectors,omitempty"`
	RecordHash string       `json:"record_hash"`
	LockedAt   time.Time    `json:"locked_at"`
	Issued     workday.Date `json:"issued"`
}

// Dispatch hands the locked list to the executing units (rule R16): it
// publishes the task announcement and issues one inspection notice (检查
// 通知书) per drawn entity, all from the lock, in one transaction.
func (o *Office) Dispatch(ctx context.Context, s Step, in DispatchOrder) (publish.Document, error) {
	const step = "dispatch"
	taskID := in.TaskID
	var doc publish.Document
	err := o.run(ctx, step, s, KindRecord, taskID, func(t *txn) error {
		var rec draw.Record
		if _, err := load(ctx, t.tx, KindRecord, taskID, &rec); err != nil {
			return refuse(step, taskID, "record", taskID, err)
		}
		if rec.Lock == nil {
			return refuse(step, taskID, "lock", "", errors.New("the drawn list is not locked (rule R16)"))
		}
		if _, err := t.tx.Get(ctx, KindAnnouncement, taskID); err == nil {
			return refuse(step, taskID, "task", taskID, fmt.Errorf("%w: already dispatched", ErrConflict))
		}
		unit := func(id string) string {
			if u := in.Units[id]; u != "" {
				return u
			}
			return in.Unit
		}
		ann, err := draw.AnnouncementOf(&rec)
		if err != nil {
			return err
		}
		typ := in.TaskType
		if typ == "" {
			typ = "不定向抽查"
			if ann.Directed {
				typ = "定向抽查"
			}
		}
		notice := publish.TaskNotice{Issuer: in.Issuer, TaskNo: taskID, TaskName: rec.Manifest.Task.Name, TaskType: typ,
			Launching: in.Launching, Participants: in.Participants, Items: rec.Manifest.Task.Items, Scope: in.Scope,
			From: in.From, To: in.To, LockedAt: rec.Lock.At,
			Proof: publish.DrawProof{Algorithm: rec.Manifest.Algorithm, ManifestHash: rec.ManifestHash, RecordHash: ann.RecordHash}}
		for _, a := range ann.Targets {
			notice.Targets = append(notice.Targets, publish.TaskTarget{ID: a.ID, Name: a.Name, Unit: unit(a.ID)})
		}
		if doc, err = publish.AnnounceTask(notice); err != nil {
			return refuse(step, taskID, "announcement", "", err)
		}
		units := map[string]bool{}
		for _, tt := range notice.Targets {
			units[tt.Unit] = true
		}
		var ul []string
		for u := range units {
			ul = append(ul, u)
		}
		if _, err := t.emit(trail.TargetsDispatched, taskID, map[string]string{"units": strings.Join(sortedSet(ul), ","), "count": strconv.Itoa(len(notice.Targets))}); err != nil {
			return err
		}
		if _, err := t.emit(trail.AnnouncementPublished, taskID, map[string]string{"document": string(doc.Kind), "content_hash": doc.ContentHash}, put{KindAnnouncement, taskID, doc}); err != nil {
			return err
		}
		groups, err := rec.CurrentGroups()
		if err != nil {
			return err
		}
		for i, sel := range rec.Selected {
			n := Notice{TaskID: taskID, TaskName: rec.Manifest.Task.Name, Target: sel.Target, Name: sel.Name, Unit: unit(sel.Target),
				Items: rec.Manifest.Task.Items, From: in.From, To: in.To, RecordHash: ann.RecordHash, LockedAt: rec.Lock.At, Issued: date(t.at)}
			if i < len(groups) {
				n.Inspectors = groups[i].Seats
			}
			if _, err := t.emit(trail.TaskAssigned, taskID+"/"+sel.Target, map[string]string{"unit": n.Unit}, put{KindNotice, taskID + "/" + sel.Target, n}); err != nil {
				return err
			}
		}
		return nil
	})
	return doc, err
}

func sortedSet(xs []string) []string {
	m := map[string]string{}
	for _, x := range xs {
		m[x] = x
	}
	return sortedKeys(m)
}

// ReplaceInspector replaces one seated inspector (rule R18). A refused
// replacement is traced (inspector.replacement_refused, rule R31) in its
// own transaction and returned as an error.
func (o *Office) ReplaceInspector(ctx context.Context, s Step, taskID string, req draw.ReplacementRequest) (draw.Replacement, error) {
	const step = "replace inspector"
	var rep draw.Replacement
	var refused error
	err := o.run(ctx, step, s, KindRecord, taskID, func(t *txn) error {
		var rec draw.Record
		if _, err := load(ctx, t.tx, KindRecord, taskID, &rec); err != nil {
			return refuse(step, taskID, "record", taskID, err)
		}
		var m StoredManifest
		if _, err := load(ctx, t.tx, KindManifest, taskID, &m); err != nil {
			return err
		}
		pools, err := o.pools(ctx, t.tx, m.Inspectors, m.Fallback)
		if err != nil {
			return err
		}
		next, err := draw.AddReplacement(rec, pools, req)
		if err != nil {
			refused = refuse(step, taskID, "request", req.Target+"/"+req.Inspector, err)
			return refused
		}
		last := len(next.Replacements) - 1
		if next.Replacements[last], err = o.signApproval(next.Replacements[last]); err != nil {
			refused = refuse(step, taskID, "approval", req.Approver, err)
			return refused
		}
		rep = next.Replacements[last]
		data := map[string]string{"target": req.Target, "leaving": req.Inspector, "reason": string(req.Reason), "approver": req.Approver}
		if rep.Approval != nil {
			data["approval_key"] = rep.Approval.KeyID
		}
		_, err = t.emit(trail.InspectorReplaced, taskID, data, put{KindRecord, taskID, next})
		return err
	})
	if refused != nil {
		if terr := o.run(ctx, step, s, "", taskID, func(t *txn) error {
			_, err := t.emit(trail.ReplacementRefused, taskID, map[string]string{"target": req.Target, "leaving": req.Inspector,
				"reason": string(req.Reason), "approver": req.Approver, "refusal": refused.Error()})
			return err
		}); terr != nil {
			return rep, errors.Join(refused, fmt.Errorf("tracing the refusal: %w", terr))
		}
	}
	return rep, err
}

// ---- results ----

// StoredResult is the result object: the book entry, and the review (审核)
// by an approver that release requires.
type StoredResult struct {
	Entry  publish.Entry `json:"entry"`
	Review *Approval     `json:"review,omitempty"`
}

// Approval records who reviewed (审核) a result before release.
type Approval struct {
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Note string    `json:"note,omitempty"`
}

func (o *Office) book(entries ...publish.Entry) *publish.Book {
	return &publish.Book{Policy: o.policy, Entries: entries}
}

// EnterResult records an inspection result (rules R21, R22, R26). The
// result must belong to a dispatched task and a drawn target.
func (o *Office) EnterResult(ctx context.Context, s Step, r publish.Result) (publish.Entry, error) {
	const step = "enter result"
	var en publish.Entry
	err := o.run(ctx, step, s, KindResult, r.ID, func(t *txn) error {
		if _, err := t.tx.Get(ctx, KindResult, r.ID); err == nil {
			return refuse(step, r.ID, "id", r.ID, fmt.Errorf("%w: result exists; only a correction may change it", ErrConflict))
		}
		var n Notice
		if _, err := load(ctx, t.tx, KindNotice, r.TaskNo+"/"+r.TargetID, &n); err != nil {
			return refuse(step, r.ID, "target_id", r.TargetID, fmt.Errorf("no inspection notice for this target in task %s: %w", r.TaskNo, err))
		}
		b := o.book()
		var err error
		if en, err = b.Enter(r, o.cal, t.at, s.Who); err != nil {
			return refuse(step, r.ID, "result", "", err)
		}
		kind := trail.ResultEntered
		if en.State == publish.StateWithheld {
			kind = trail.ResultWithheld
		}
		_, err = t.emit(kind, r.ID, map[string]string{"task_no": r.TaskNo, "due": en.Due.String(), "conclusions": publish.ConclusionText(r.Conclusions)},
			put{KindResult, r.ID, StoredResult{Entry: en}})
		return err
	})
	return en, err
}

// ReviewResult records the approver's review (审核) of an entered result;
// the approver may not be who entered it. Release requires it.
func (o *Office) ReviewResult(ctx context.Context, s Step, id, note string) error {
	const step = "review result"
	return o.run(ctx, step, s, KindResult, id, func(t *txn) error {
		var sr StoredResult
		if _, err := load(ctx, t.tx, KindResult, id, &sr); err != nil {
			return refuse(step, id, "id", id, err)
		}
		if sr.Entry.State != publish.StateEntered {
			return refuse(step, id, "state", string(sr.Entry.State), errors.New("only an entered, unpublished result is reviewed"))
		}
		if sr.Review != nil {
			return refuse(step, id, "review", sr.Review.By, fmt.Errorf("%w: already reviewed", ErrConflict))
		}
		if s.Who == sr.Entry.EnteredBy {
			return refuse(step, id, "who", s.Who, errors.New("the approver may not review a result they entered"))
		}
		sr.Review = &Approval{By: s.Who, At: t.at, Note: note}
		_, err := t.emit(trail.ResultReviewed, id, map[string]string{"approver": s.Who}, put{KindResult, id, sr})
		return err
	})
}

// Release publishes a reviewed result (rule R26). The deadline status is
// computed from the recorded due date and the step's own date.
func (o *Office) Release(ctx context.Context, s Step, id string) (publish.Version, publish.DeadlineStatus, error) {
	const step = "release"
	var v publish.Version
	var st publish.DeadlineStatus
	err := o.run(ctx, step, s, KindResult, id, func(t *txn) error {
		var sr StoredResult
		if _, err := load(ctx, t.tx, KindResult, id, &sr); err != nil {
			return refuse(step, id, "id", id, err)
		}
		if sr.Review == nil {
			return refuse(step, id, "review", "", errors.New("the result has not been reviewed (审核) by an approver"))
		}
		b := o.book(sr.Entry)
		on := date(t.at)
		var err error
		if v, err = b.Publish(id, on); err != nil {
			return refuse(step, id, "state", string(sr.Entry.State), err)
		}
		if sr.Entry, err = b.Entry(id); err != nil {
			return err
		}
		if st, err = b.Status(sr.Entry, o.cal, on); err != nil {
			return err
		}
		_, err = t.emit(trail.ResultPublished, id, map[string]string{"version": strconv.Itoa(v.N), "hash": v.Hash, "status": string(st), "due": sr.Entry.Due.String()},
			put{KindResult, id, sr})
		return err
	})
	return v, st, err
}

// Correct applies a signed correction to a published result (rule R27).
// An unsigned correction (empty signature) is signed with the office's
// Signer when one is configured. A rejected correction is traced
// (result.correction_rejected, rule R31) and returned as an error.
func (o *Office) Correct(ctx context.Context, s Step, sc publish.SignedCorrection) (publish.Version, error) {
	const step = "correct"
	id := sc.Correction.ResultID
	var v publish.Version
	var refused error
	err := o.run(ctx, step, s, KindResult, id, func(t *txn) error {
		var sr StoredResult
		if _, err := load(ctx, t.tx, KindResult, id, &sr); err != nil {
			return refuse(step, id, "result_id", id, err)
		}
		var err error
		v, err = o.applyCorrection(t, &sr, sc)
		if err != nil {
			refused = refuse(step, id, "correction", "", err)
			return refused
		}
		_, err = t.emit(trail.ResultCorrected, id, map[string]string{"version": strconv.Itoa(v.N), "hash": v.Hash, "signer": sc.Correction.Signer,
			"origin": sc.Correction.Origin}, put{KindResult, id, sr})
		return err
	})
	if refused != nil {
		if terr := o.traceRejectedCorrection(ctx, s, sc, refused); terr != nil {
			return v, errors.Join(refused, terr)
		}
		return v, refused
	}
	return v, err
}

// traceRejectedCorrection traces a refused correction (rule R31). It
// returns why the trace could not be written, or nil; the caller joins it
// to the refusal, so that a refusal that left no trace says so.
func (o *Office) traceRejectedCorrection(ctx context.Context, s Step, sc publish.SignedCorrection, refused error) error {
	err := o.run(ctx, "correct", s, "", sc.Correction.ResultID, func(t *txn) error {
		_, err := t.emit(trail.CorrectionRejected, sc.Correction.ResultID, map[string]string{"signer": sc.Correction.Signer,
			"base_version": strconv.Itoa(sc.Correction.BaseVersion), "refusal": refused.Error()})
		return err
	})
	if err != nil {
		return fmt.Errorf("office: the refusal of the correction of %s was not traced (R31): %w", sc.Correction.ResultID, err)
	}
	return nil
}

func (o *Office) applyCorrection(t *txn, sr *StoredResult, sc publish.SignedCorrection) (publish.Version, error) {
	if o.auth == nil {
		return publish.Version{}, errors.New("the office has no Authority to check correction signatures")
	}
	if len(sc.Signature) == 0 && o.signer != nil {
		var err error
		if sc, err = publish.Sign(sc.Correction, o.signer); err != nil {
			return publish.Version{}, err
		}
	}
	b := o.book(sr.Entry)
	v, err := b.Correct(sc, o.auth, date(t.at))
	if err != nil {
		return v, err
	}
	if sr.Entry, err = b.Entry(sc.Correction.ResultID); err != nil {
		return v, err
	}
	return v, nil
}

// Result returns a stored result with its binding checked.
func (o *Office) Result(ctx context.Context, id string) (StoredResult, error) {
	var sr StoredResult
	err := o.view(ctx, func(tx Tx) error {
		_, err := load(ctx, tx, KindResult, id, &sr)
		return err
	})
	return sr, err
}

// Record returns a task's draw record with its binding checked.
func (o *Office) Record(ctx context.Context, taskID string) (draw.Record, error) {
	var rec draw.Record
	err := o.view(ctx, func(tx Tx) error {
		_, err := load(ctx, tx, KindRecord, taskID, &rec)
		return err
	})
	return rec, err
}

// Manifest returns a task's stored manifest with its binding checked.
func (o *Office) Manifest(ctx context.Context, taskID string) (StoredManifest, error) {
	var m StoredManifest
	err := o.view(ctx, func(tx Tx) error {
		_, err := load(ctx, tx, KindManifest, taskID, &m)
		return err
	})
	return m, err
}

// Task returns a launched task with its binding checked.
func (o *Office) Task(ctx context.Context, taskID string) (draw.Task, error) {
	var task draw.Task
	err := o.view(ctx, func(tx Tx) error {
		_, err := load(ctx, tx, KindTask, taskID, &task)
		return err
	})
	return task, err
}

// Notice returns the inspection notice of one drawn target.
func (o *Office) Notice(ctx context.Context, taskID, targetID string) (Notice, error) {
	var n Notice
	err := o.view(ctx, func(tx Tx) error {
		_, err := load(ctx, tx, KindNotice, taskID+"/"+targetID, &n)
		return err
	})
	return n, err
}

// DraftCorrection prepares an unsigned correction of the current published
// version of corrected.ID (rule R27), for the principal head to sign.
func (o *Office) DraftCorrection(ctx context.Context, corrected publish.Result, reason, origin, signer string, at time.Time) (publish.Correction, error) {
	sr, err := o.Result(ctx, corrected.ID)
	if err != nil {
		return publish.Correction{}, err
	}
	return o.book(sr.Entry).NewCorrection(corrected, reason, origin, signer, at)
}

// AllResults returns every stored result in ID order, each binding
// checked (Results pages through them).
func (o *Office) AllResults(ctx context.Context) ([]StoredResult, error) {
	var out []StoredResult
	err := o.view(ctx, func(tx Tx) error {
		objs, err := listAll(ctx, tx, KindResult)
		if err != nil {
			return err
		}
		for _, obj := range objs {
			var sr StoredResult
			if _, err := load(ctx, tx, KindResult, obj.ID, &sr); err != nil {
				return err
			}
			out = append(out, sr)
		}
		return nil
	})
	return out, err
}

// Book returns every stored result as a publish.Book under the office's
// policy, for the read-only views of package publish (PublicView,
// Summarize, VerifyCorrections).
func (o *Office) Book(ctx context.Context) (*publish.Book, error) {
	rs, err := o.AllResults(ctx)
	if err != nil {
		return nil, err
	}
	b := o.book()
	for _, sr := range rs {
		b.Entries = append(b.Entries, sr.Entry)
	}
	return b, nil
}

// FollowUps returns the follow-up steps recorded for a result (rule R29);
// none is an empty list.
func (o *Office) FollowUps(ctx context.Context, resultID string) ([]publish.FollowUp, error) {
	list := []publish.FollowUp{}
	err := o.view(ctx, func(tx Tx) error {
		_, err := load(ctx, tx, KindFollowUp, resultID, &list)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	})
	return list, err
}
