package office

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/internal/merkle"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
	"github.com/shuangsuiji/ssj/trail"
)

// AuditOptions carry what the auditor knows from outside the store.
type AuditOptions struct {
	// Anchors are trail checkpoints published elsewhere; each must match.
	// Without one, events appended or removed at the end of the trail
	// that create no state cannot be told from real ones (see the
	// package doc, "Audit").
	Anchors []trail.Checkpoint
	// Authority, when set, re-checks the signature of every correction
	// (rule R27).
	Authority publish.Authority
	// Approvals, when set, re-checks every replacement approval signature
	// in the draw records (rule R18); with RequireApprovals every
	// replacement must carry one.
	Approvals        draw.ApprovalVerifier
	RequireApprovals bool
}

// AuditReport is the outcome of Audit.
type AuditReport struct {
	OK        bool             `json:"ok"`
	Events    int64            `json:"events"`
	Head      trail.Checkpoint `json:"head"`
	Objects   int64            `json:"objects"`
	Snapshots int64            `json:"snapshots"`
	Rows      int64            `json:"rows"`
	Records   int              `json:"records"`
	Versions  int              `json:"published_versions"`
	// Receipts counts the publication platforms' receipts checked
	// against the publications they acknowledge (office.Deliver).
	Receipts int `json:"receipts,omitempty"`
	// Problem is the first problem found, naming the table or object, its
	// ID and the field.
	Problem *BindingError `json:"problem,omitempty"`
}

// Audit re-verifies a whole store: the trail's hash chain and time order,
// every object revision's and snapshot's binding to the event that created
// it (and that every such event's state exists), every snapshot's rows
// against its count, commitment root and digest, every draw record by
// re-running the draw from the stored snapshots (draw.Verify), and every
// published result version against its hash and the trail event that
// published it. It stops at the first problem and reports it; the error is
// non-nil only when the store cannot be read.
func Audit(ctx context.Context, store Store, opt AuditOptions) (AuditReport, error) {
	var rep AuditReport
	btx, err := store.Begin(ctx, false)
	if err != nil {
		return rep, err
	}
	defer btx.Rollback()
	s, _, err := storeSuite(ctx, btx, suite.Suite{})
	if err != nil {
		var be *BindingError
		if errors.As(err, &be) {
			rep.Problem = be
			return rep, nil
		}
		return rep, err
	}
	tx := &suiteTx{Tx: btx, s: s}
	a := &auditor{ctx: ctx, tx: tx, opt: opt, rep: &rep,
		expectObj: map[string]string{}, expectSnap: map[string]string{}, published: map[string]string{}}
	p, err := a.run()
	if err != nil {
		return rep, err
	}
	if p != nil {
		rep.Problem = p
		return rep, nil
	}
	rep.OK = true
	return rep, nil
}

type auditor struct {
	ctx context.Context
	tx  Tx
	opt AuditOptions
	rep *AuditReport

	hashes     []string          // event hash by seq
	leaves     []merkle.Hash     // for the head
	expectObj  map[string]string // object key -> digest, from events
	objSeq     map[string]int64
	expectSnap map[string]string // snapshot ID -> value
	published  map[string]string // resultID@version -> hash, from events
}

// run returns the first problem, or an error when the store cannot be read.
func (a *auditor) run() (*BindingError, error) {
	for _, f := range []func() error{a.events, a.objects, a.snapshotsAndRecords, a.publications, a.receipts} {
		if err := f(); err != nil {
			var be *BindingError
			if errors.As(err, &be) {
				return be, nil
			}
			return nil, err
		}
	}
	return nil, nil
}

func found(table, id, field, format string, args ...any) error {
	return &BindingError{Table: table, ID: id, Field: field, Detail: fmt.Sprintf(format, args...)}
}

func (a *auditor) events() error {
	a.objSeq = map[string]int64{}
	var prev *trail.Event
	from := int64(0)
	for {
		page, err := a.tx.Events(a.ctx, from, 1000)
		if err != nil {
			return err
		}
		for _, row := range page {
			id := strconv.FormatInt(row.Seq, 10)
			if row.Seq != from {
				return found("events", strconv.FormatInt(from, 10), "seq", "missing: the next stored event is %d (deleted?)", row.Seq)
			}
			ev, err := decodeEvent(a.tx, row)
			if err != nil {
				return err
			}
			want, err := trail.NextWith(txSuite(a.tx), prev, trail.Entry{Kind: ev.Kind, Actor: ev.Actor, Time: ev.Time, Subject: ev.Subject, Data: ev.Data})
			if err != nil {
				return found("events", id, "body", "%v", err)
			}
			if want.Prev != ev.Prev || want.Hash != ev.Hash {
				return found("events", id, "prev", "does not link to event %d (edited, inserted or reordered)", row.Seq-1)
			}
			if prev != nil && ev.Time.Before(prev.Time) {
				return found("events", id, "time", "%s is before the previous event's %s", fmtTime(ev.Time), fmtTime(prev.Time))
			}
			for _, k := range sortedKeys(ev.Data) {
				if _, _, _, ok := parseObjectKey(k); ok {
					a.expectObj[k] = ev.Data[k]
					a.objSeq[k] = ev.Seq
				} else if sid, ok := strings.CutPrefix(k, "snapshot:"); ok {
					a.expectSnap[sid] = ev.Data[k]
				}
			}
			switch ev.Kind {
			case trail.ResultPublished, trail.ResultCorrected:
				a.published[ev.Subject+"@"+ev.Data["version"]] = ev.Data["hash"]
			}
			a.hashes = append(a.hashes, ev.Hash)
			raw, _ := hexHash(ev.Hash)
			a.leaves = append(a.leaves, treeOf(a.tx).LeafHash(raw[:]))
			e := ev
			prev = &e
			from++
		}
		if len(page) < 1000 {
			break
		}
	}
	a.rep.Events = from
	root := treeOf(a.tx).RootFromLeafHashes(a.leaves)
	a.rep.Head = trail.Checkpoint{Size: from, Root: fmt.Sprintf("%x", root)}
	for _, cp := range a.opt.Anchors {
		if cp.Size > from {
			return found("events", strconv.FormatInt(from, 10), "seq", "the anchor %s covers %d events, the store holds %d (events deleted at the end)", cp, cp.Size, from)
		}
		r := treeOf(a.tx).RootFromLeafHashes(a.leaves[:cp.Size])
		if fmt.Sprintf("%x", r) != cp.Root {
			return found("events", strconv.FormatInt(cp.Size-1, 10), "hash", "the first %d events do not match the anchor %s", cp.Size, cp)
		}
	}
	return nil
}

func hexHash(s string) ([32]byte, error) {
	var h [32]byte
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return h, fmt.Errorf("bad hash %q", s)
	}
	copy(h[:], b)
	return h, nil
}

func (a *auditor) objects() error {
	var cur Cursor
	var last Object
	for {
		page, err := a.tx.Objects(a.ctx, cur, 1000)
		if err != nil {
			return err
		}
		for _, obj := range page {
			name := objName(obj)
			if obj.Rev > 1 && (last.Kind != obj.Kind || last.ID != obj.ID || last.Rev != obj.Rev-1) {
				return found("objects", name, "rev", "revision %d is missing", obj.Rev-1)
			}
			if obj.Rev == 1 && last.Kind == obj.Kind && last.ID == obj.ID {
				return found("objects", name, "rev", "revision 1 after revision %d", last.Rev)
			}
			if obj.EventSeq < 0 || obj.EventSeq >= int64(len(a.hashes)) {
				return found("objects", name, "event_seq", "names event %d; the trail holds %d", obj.EventSeq, len(a.hashes))
			}
			k := objectKey(obj.Kind, obj.ID, obj.Rev)
			want, ok := a.expectObj[k]
			if !ok {
				return found("objects", name, "kind/id/rev", "no trail event created this object revision (inserted or renamed)")
			}
			if a.objSeq[k] != obj.EventSeq {
				return found("objects", name, "event_seq", "is %d; event %d created it", obj.EventSeq, a.objSeq[k])
			}
			if obj.EventHash != a.hashes[obj.EventSeq] {
				return found("objects", name, "event_hash", "is %s; event %d has hash %s", obj.EventHash, obj.EventSeq, a.hashes[obj.EventSeq])
			}
			if got := digest(a.tx, obj.Body); got != want {
				return found("objects", name, "body", "digest %s differs from %s recorded by event %d", got, want, obj.EventSeq)
			}
			delete(a.expectObj, k)
			a.rep.Objects++
			last = obj
		}
		if len(page) < 1000 {
			break
		}
		l := page[len(page)-1]
		cur = Cursor{Kind: l.Kind, ID: l.ID, Rev: l.Rev}
	}
	if len(a.expectObj) > 0 {
		k := sortedKeys(a.expectObj)[0]
		kind, id, rev, _ := parseObjectKey(k)
		return found("objects", kind+"/"+id+"@"+strconv.FormatInt(rev, 10), "kind/id/rev", "created by event %d but missing from the store (deleted or renamed)", a.objSeq[k])
	}
	return nil
}

func (a *auditor) snapshotsAndRecords() error {
	// Which snapshots the draws need, to decode them once.
	recs, err := a.tx.Latest(a.ctx, KindRecord, "", 1<<30)
	if err != nil {
		return err
	}
	type need struct {
		rec draw.Record
		man StoredManifest
	}
	var needs []need
	wanted := map[string]bool{}
	for _, obj := range recs {
		var n need
		if _, err := load(a.ctx, a.tx, KindRecord, obj.ID, &n.rec); err != nil {
			return err
		}
		if _, err := load(a.ctx, a.tx, KindManifest, obj.ID, &n.man); err != nil {
			return found("objects", KindManifest+"/"+obj.ID, "id", "the record has no manifest: %v", err)
		}
		wanted[n.man.Targets], wanted[n.man.Inspectors], wanted[n.man.Fallback] = true, true, true
		needs = append(needs, n)
	}
	targets := map[string][]registry.Target{}
	inspectors := map[string][]registry.Inspector{}
	after := ""
	for {
		page, err := a.tx.Snapshots(a.ctx, after, 100)
		if err != nil {
			return err
		}
		for _, s := range page {
			want, ok := a.expectSnap[s.ID]
			if !ok {
				return found("snapshots", s.ID, "id", "no trail event imported this snapshot (inserted or renamed)")
			}
			if got := snapshotValue(s); got != want {
				return found("snapshots", s.ID, "pool/at/count/root/digest", "row says %q, the trail recorded %q", got, want)
			}
			delete(a.expectSnap, s.ID)
			keep := wanted[s.ID]
			if keep && s.Count > 0 {
				// One allocation for the whole snapshot instead of growing.
				if s.Pool == string(registry.PoolTargets) {
					targets[s.ID] = make([]registry.Target, 0, s.Count)
				} else {
					inspectors[s.ID] = make([]registry.Inspector, 0, s.Count)
				}
			}
			err := scanRows(a.ctx, a.tx, s, func(u *unit) error {
				if keep {
					if s.Pool == string(registry.PoolTargets) {
						targets[s.ID] = append(targets[s.ID], u.target)
					} else {
						inspectors[s.ID] = append(inspectors[s.ID], u.inspector)
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			a.rep.Snapshots++
			a.rep.Rows += s.Count
		}
		if len(page) < 100 {
			break
		}
		after = page[len(page)-1].ID
	}
	if len(a.expectSnap) > 0 {
		id := sortedKeys(a.expectSnap)[0]
		return found("snapshots", id, "id", "imported by the trail but missing from the store (deleted or renamed)")
	}
	for _, n := range needs {
		id := n.man.Manifest.Task.ID
		mh1, err1 := n.man.Manifest.Hash()
		mh2, err2 := n.rec.Manifest.Hash()
		if err1 != nil || err2 != nil || mh1 != mh2 {
			return found("objects", KindRecord+"/"+id, "manifest", "the record's manifest is not the committed one")
		}
		var pools *draw.InspectorPools
		if n.man.Inspectors != "" || n.man.Fallback != "" {
			pools = &draw.InspectorPools{Home: inspectors[n.man.Inspectors], Fallback: inspectors[n.man.Fallback]}
		}
		// One store, one suite: a draw of another suite than the trail's
		// was never made by the office.
		if cs, err := n.rec.Manifest.CryptoSuite(); err != nil || cs.ID() != txSuite(a.tx).ID() {
			return found("objects", KindRecord+"/"+id, "manifest.suite", "the draw's crypto suite %q is not the store's %s", n.rec.Manifest.Suite, txSuite(a.tx).ID())
		}
		vopt := draw.VerifyOptions{Approvals: a.opt.Approvals, RequireApprovals: a.opt.RequireApprovals}
		if ring, ok := a.opt.Authority.(publish.Keyring); ok && n.rec.Lock != nil && n.rec.Lock.Signature != nil {
			// A signed lock (Config.LockSigner) is checked against the
			// keyring at the lock's time.
			vopt.Signatures = ring.At(n.rec.Lock.At)
		}
		if err := draw.VerifyWith(&n.rec, targets[n.man.Targets], pools, vopt); err != nil {
			field := "record"
			var ve *draw.VerifyError
			if errors.As(err, &ve) {
				field = ve.Path
			}
			return found("objects", KindRecord+"/"+id, field, "re-running the draw: %v", err)
		}
		a.rep.Records++
	}
	return nil
}

func (a *auditor) publications() error {
	results, err := a.tx.Latest(a.ctx, KindResult, "", 1<<30)
	if err != nil {
		return err
	}
	b := &publish.Book{}
	for _, obj := range results {
		var sr StoredResult
		if _, err := load(a.ctx, a.tx, KindResult, obj.ID, &sr); err != nil {
			return err
		}
		for _, v := range sr.Entry.Versions {
			name := fmt.Sprintf("%s/%s version %d", KindResult, obj.ID, v.N)
			h, err := publish.HashResult(v.Result)
			if err != nil || h != v.Hash {
				return found("objects", name, "hash", "the version's result does not hash to %s", v.Hash)
			}
			if want, ok := a.published[obj.ID+"@"+strconv.Itoa(v.N)]; !ok || want != v.Hash {
				return found("objects", name, "hash", "%s differs from %q recorded by the trail's publication event", v.Hash, want)
			}
			a.rep.Versions++
		}
		b.Entries = append(b.Entries, sr.Entry)
	}
	if a.opt.Authority != nil {
		sort.Slice(b.Entries, func(i, j int) bool { return b.Entries[i].ID < b.Entries[j].ID })
		if err := b.VerifyCorrections(a.opt.Authority); err != nil {
			return found("objects", KindResult, "correction", "%v", err)
		}
	}
	return nil
}
