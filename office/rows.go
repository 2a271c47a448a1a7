package office

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/shuangsuiji/ssj/registry"
)

// RowPage is one page of a registry snapshot's rows, in key byte order
// (target ID or certificate number): Targets for a target snapshot,
// Inspectors for an inspector snapshot. Next is the `after` of the
// following page, empty at the end.
type RowPage struct {
	Snapshot   Snapshot
	Targets    []registry.Target
	Inspectors []registry.Inspector
	Next       string
}

// SnapshotRows returns at most limit (MaxPage when 0) rows of a snapshot
// after the key `after`, reading only that page from the store (a
// browsing front end pages through a million-row registry without loading
// it). The snapshot's binding to the event that imported it is checked,
// and each row decodes and names its own key; the commitment root is NOT
// recomputed (that needs every row: Targets and Inspectors do it, and
// ssj registry commit on a full copy).
func (o *Office) SnapshotRows(ctx context.Context, snapshotID, after string, limit int) (RowPage, error) {
	limit = pageLimit(limit)
	var p RowPage
	err := o.view(ctx, func(tx Tx) error {
		s, err := tx.GetSnapshot(ctx, snapshotID)
		if err != nil {
			return err
		}
		if err := checkSnapshot(ctx, tx, s); err != nil {
			return err
		}
		p.Snapshot = s
		rows, err := tx.Rows(ctx, snapshotID, after, limit+1)
		if err != nil {
			return err
		}
		if len(rows) > limit {
			rows = rows[:limit]
			p.Next = rows[limit-1].Key
		}
		isTargets := s.Pool == string(registry.PoolTargets)
		if isTargets {
			p.Targets = make([]registry.Target, 0, len(rows))
		} else {
			p.Inspectors = make([]registry.Inspector, 0, len(rows))
		}
		prev := after
		for i, r := range rows {
			bad := func(field, detail string) error {
				return &BindingError{Table: "snapshot_rows", ID: s.ID + "/" + r.Key, Field: field, Detail: detail}
			}
			if (i > 0 || after != "") && r.Key <= prev {
				return bad("key", fmt.Sprintf("rows out of key order after %q", prev))
			}
			prev = r.Key
			var label string
			if isTargets {
				var t registry.Target
				if err := json.Unmarshal(r.Data, &t); err != nil {
					return bad("data", err.Error())
				}
				label = t.ID
				p.Targets = append(p.Targets, t)
			} else {
				var in registry.Inspector
				if err := json.Unmarshal(r.Data, &in); err != nil {
					return bad("data", err.Error())
				}
				label = in.Cert
				p.Inspectors = append(p.Inspectors, in)
			}
			if label != r.Key {
				return bad("key", fmt.Sprintf("the row's data names %q", label))
			}
		}
		return nil
	})
	return p, err
}
