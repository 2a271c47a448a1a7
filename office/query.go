package office

// Read-only queries for front ends (ssj serve, package api): paged lists of
// the stored objects, every object's binding to the trail checked as the
// getters do, and a task's public bundle. None of them writes.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/shuangsuiji/ssj/checklist"
	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/plan"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/trail"
)

// MaxPage is the largest page a list query returns; larger limits are cut
// to it.
const MaxPage = 1000

func pageLimit(limit int) int {
	if limit <= 0 || limit > MaxPage {
		return MaxPage
	}
	return limit
}

// scan lists the latest revisions of kind after `after` in ID order,
// decoding each (binding checked) and keeping those keep accepts, until
// limit are kept. next is the ID to pass as `after` for the following
// page, empty at the end.
func scan[T any](ctx context.Context, o *Office, kind, after string, limit int, keep func(id string, v *T) bool) (out []T, next string, err error) {
	limit = pageLimit(limit)
	err = o.view(ctx, func(tx Tx) error {
		batch := limit + 1
		for {
			page, err := tx.Latest(ctx, kind, after, batch)
			if err != nil {
				return err
			}
			for _, obj := range page {
				if err := checkBinding(ctx, tx, obj); err != nil {
					return err
				}
				var v T
				if err := json.Unmarshal(obj.Body, &v); err != nil {
					return &BindingError{Table: "objects", ID: objName(obj), Field: "body", Detail: err.Error()}
				}
				if keep != nil && !keep(obj.ID, &v) {
					after = obj.ID
					continue
				}
				if len(out) == limit {
					next = after
					return nil
				}
				out = append(out, v)
				after = obj.ID
			}
			if len(page) < batch {
				return nil
			}
		}
	})
	return out, next, err
}

// Tasks lists the launched tasks in ID order after the task ID `after`, at
// most limit (MaxPage when 0); next is the `after` of the following page,
// empty at the end.
func (o *Office) Tasks(ctx context.Context, after string, limit int) (tasks []draw.Task, next string, err error) {
	return scan[draw.Task](ctx, o, KindTask, after, limit, nil)
}

// Results lists stored results (entered, published and withheld) in ID
// order after `after`; when state is not empty only results in that state.
// Entered and withheld results are not public (rule R26): a front end
// shows them to the agency's staff only.
func (o *Office) Results(ctx context.Context, state publish.State, after string, limit int) (rs []StoredResult, next string, err error) {
	return scan(ctx, o, KindResult, after, limit, func(_ string, sr *StoredResult) bool {
		return state == "" || sr.Entry.State == state
	})
}

// Announcement returns a task's announcement (任务公示), published by
// Dispatch.
func (o *Office) Announcement(ctx context.Context, taskID string) (publish.Document, error) {
	var d publish.Document
	err := o.view(ctx, func(tx Tx) error {
		_, err := load(ctx, tx, KindAnnouncement, taskID, &d)
		return err
	})
	return d, err
}

// Snapshots lists the imported registry snapshots in ID order after
// `after`, each checked against the event that imported it.
func (o *Office) Snapshots(ctx context.Context, after string, limit int) (ss []Snapshot, next string, err error) {
	limit = pageLimit(limit)
	err = o.view(ctx, func(tx Tx) error {
		page, err := tx.Snapshots(ctx, after, limit+1)
		if err != nil {
			return err
		}
		for i, s := range page {
			if i == limit {
				next = page[i-1].ID
				break
			}
			if err := checkSnapshot(ctx, tx, s); err != nil {
				return err
			}
			ss = append(ss, s)
		}
		return nil
	})
	return ss, next, err
}

// Snapshot returns one snapshot's description, checked against the event
// that imported it.
func (o *Office) Snapshot(ctx context.Context, id string) (Snapshot, error) {
	var s Snapshot
	err := o.view(ctx, func(tx Tx) error {
		var err error
		if s, err = tx.GetSnapshot(ctx, id); err != nil {
			return err
		}
		return checkSnapshot(ctx, tx, s)
	})
	return s, err
}

// Plan returns the current version of a year's plan.
func (o *Office) Plan(ctx context.Context, year int) (plan.Plan, error) {
	var p plan.Plan
	err := o.view(ctx, func(tx Tx) error {
		_, err := load(ctx, tx, KindPlan, strconv.Itoa(year), &p)
		return err
	})
	return p, err
}

// Plans lists the current version of every year's plan, in year order.
func (o *Office) Plans(ctx context.Context) ([]plan.Plan, error) {
	ps, _, err := scan[plan.Plan](ctx, o, KindPlan, "", MaxPage, nil)
	sort.Slice(ps, func(i, j int) bool { return ps[i].Year < ps[j].Year })
	return ps, err
}

// Checklist returns the latest published checklist version (ErrNotFound
// when none is published).
func (o *Office) Checklist(ctx context.Context) (checklist.Version, error) {
	var v checklist.Version
	err := o.view(ctx, func(tx Tx) error {
		objs, err := tx.Latest(ctx, KindChecklist, "", MaxPage)
		if err != nil {
			return err
		}
		if len(objs) == 0 {
			return fmt.Errorf("checklist: %w", ErrNotFound)
		}
		_, err = load(ctx, tx, KindChecklist, objs[len(objs)-1].ID, &v)
		return err
	})
	return v, err
}

// CheckPlan checks the current version of a year's plan (plan.Check,
// rules R1–R13) against the target snapshot in force at the clock's now
// and the latest checklist (skipped when none is published), with no
// inspection history and cfg.
func (o *Office) CheckPlan(ctx context.Context, year int, cfg plan.Config) (plan.Report, error) {
	p, err := o.Plan(ctx, year)
	if err != nil {
		return plan.Report{}, err
	}
	in := plan.Input{}
	if s, err := o.SnapshotAsOf(ctx, registry.PoolTargets, o.clock.Now()); err == nil {
		if in.Targets, err = o.Targets(ctx, s.ID); err != nil {
			return plan.Report{}, err
		}
	} else if !errors.Is(err, ErrNotFound) {
		return plan.Report{}, err
	}
	if v, err := o.Checklist(ctx); err == nil {
		in.Checklist = &v
	} else if !errors.Is(err, ErrNotFound) {
		return plan.Report{}, err
	}
	return plan.Check(p, in, cfg)
}

// Reports lists the stored summary reports (rule R25) in ID order.
func (o *Office) Reports(ctx context.Context, after string, limit int) (rs []Report, next string, err error) {
	return scan[Report](ctx, o, KindSummary, after, limit, nil)
}

// BundleFile is one file of a task's public bundle.
type BundleFile struct {
	Name string
	Data []byte
}

// BundleReadme is the README.txt of every public bundle.
const BundleReadme = `ssj public bundle of one task (ssj task export).

  manifest.json      the task's manifest, committed before the randomness
  record.json        the draw record: evidence, R, K, selection, groups,
                     replacements, lock
  targets.csv        the target registry snapshot the draw ran on
  inspectors.csv     the inspector registry snapshot (when inspectors were matched)
  fallback.csv       the cross-region fallback pool (when declared)
  proofs.json        RFC 6962 inclusion proofs of every drawn target in targets.csv
  trail.jsonl        the office's whole trail (hash chain with checkpoints)
  checkpoint.txt     the trail head SIZE:ROOT at export; compare it with a published anchor

Check it without the store: ssj verify DIR
`

// Bundle builds a drawn task's public bundle (the files ssj task export
// writes and ssj verify DIR reads), in a fixed order: README.txt,
// manifest.json, record.json, targets.csv, inspectors.csv and fallback.csv
// when the manifest names them, proofs.json, trail.jsonl, checkpoint.txt.
// The trail is re-hashed as it is copied; a stored event whose hash does
// not recompute fails with ErrConflict.
func (o *Office) Bundle(ctx context.Context, taskID string) ([]BundleFile, error) {
	m, err := o.Manifest(ctx, taskID)
	if err != nil {
		return nil, err
	}
	rec, err := o.Record(ctx, taskID)
	if err != nil {
		return nil, err
	}
	targets, err := o.Targets(ctx, m.Targets)
	if err != nil {
		return nil, err
	}
	// The store's suite: the trail's hashes, the snapshot roots the trail
	// recorded, hence the inclusion proofs (a store's draws share it).
	cs, err := o.Suite(ctx)
	if err != nil {
		return nil, err
	}
	out := []BundleFile{{Name: "README.txt", Data: []byte(BundleReadme)}}
	add := func(name string, data []byte) { out = append(out, BundleFile{Name: name, Data: data}) }
	b, err := draw.MarshalManifest(&m.Manifest)
	if err != nil {
		return nil, err
	}
	add("manifest.json", b)
	if b, err = draw.MarshalRecord(&rec); err != nil {
		return nil, err
	}
	add("record.json", b)
	var buf bytes.Buffer
	if err := registry.WriteTargetsCSV(&buf, targets); err != nil {
		return nil, err
	}
	add("targets.csv", bytes.Clone(buf.Bytes()))
	for _, f := range []struct{ name, id string }{{"inspectors.csv", m.Inspectors}, {"fallback.csv", m.Fallback}} {
		if f.id == "" {
			continue
		}
		ins, err := o.Inspectors(ctx, f.id)
		if err != nil {
			return nil, err
		}
		buf.Reset()
		if err := registry.WriteInspectorsCSV(&buf, ins); err != nil {
			return nil, err
		}
		add(f.name, bytes.Clone(buf.Bytes()))
	}
	proofs := []registry.Proof{}
	for _, s := range rec.Selected {
		p, err := registry.ProveTargetWith(cs, targets, s.Target)
		if err != nil {
			return nil, err
		}
		proofs = append(proofs, p)
	}
	if len(rec.Selected) == 0 {
		proofs = nil
	}
	pj, err := json.MarshalIndent(proofs, "", "  ")
	if err != nil {
		return nil, err
	}
	add("proofs.json", append(pj, '\n'))
	log, err := trail.NewWithSuite(0, cs)
	if err != nil {
		return nil, err
	}
	err = o.Trail(ctx, 0, func(ev trail.Event) error {
		got, _, err := log.Append(trail.Entry{Kind: ev.Kind, Actor: ev.Actor, Time: ev.Time, Subject: ev.Subject, Data: ev.Data})
		if err != nil {
			return err
		}
		if got.Hash != ev.Hash {
			return fmt.Errorf("trail event %d: stored hash %s, recomputed %s: %w", ev.Seq, ev.Hash, got.Hash, ErrConflict)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	add("trail.jsonl", log.MarshalJSONL())
	add("checkpoint.txt", []byte(log.Head().String()+"\n"))
	return out, nil
}
