package draw

import (
	"errors"
	"fmt"
	"time"
)

// ErrLocked is returned (wrapped) when a locked record would be changed
// other than by a recorded replacement, or locked twice (rule R16).
var ErrLocked = errors.New("draw: record is locked")

// Announcement is the content of the task announcement (任务公示) that a
// confirmed draw yields (rule R16). Publishing it is up to the caller.
type Announcement struct {
	TaskID   string   `json:"task_id"`
	TaskName string   `json:"task_name"`
	Items    []string `json:"items"`
	// Directed is true for a 定向 draw, false for 不定向.
	Directed bool `json:"directed"`
	// Count is the number of selected targets.
	Count int `json:"count"`
	// Shortfall is how many units the quotas asked for but no eligible
	// unit could fill.
	Shortfall int `json:"shortfall"`
	// Targets are the selected targets, in selection order.
	Targets []AnnouncedTarget `json:"targets"`
	// ManifestHash and RecordHash let anyone check the announcement
	// against the published manifest and record.
	ManifestHash string `json:"manifest_hash"`
	RecordHash   string `json:"record_hash"`
	// ManipulationResistant is false when a manual source was used.
	ManipulationResistant bool      `json:"manipulation_resistant"`
	LockedAt              time.Time `json:"locked_at"`
	LockedBy              string    `json:"locked_by"`
}

// AnnouncedTarget is one selected target in an announcement.
type AnnouncedTarget struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Lock confirms a draw (rule R16): it returns a copy of rec with its Lock
// set (at, by, and the record hash of everything but the lock and the
// replacements) and the content of the task announcement. A locked record
// can only grow by replacements (AddReplacement): Verify recomputes the
// record hash. at must not be before the manifest's commit time; by names
// the confirming officer or role.
func Lock(rec Record, at time.Time, by string) (Record, Announcement, error) {
	if rec.Lock != nil {
		return Record{}, Announcement{}, fmt.Errorf("%w: already locked at %s by %s", ErrLocked, rec.Lock.At.Format(time.RFC3339), rec.Lock.By)
	}
	if err := CheckLabel("lock.by", by); err != nil {
		return Record{}, Announcement{}, err
	}
	if at.IsZero() || at.Before(rec.Manifest.CommitTime) {
		return Record{}, Announcement{}, fmt.Errorf("%w: lock time %s is before the commit time %s", ErrInvalidTask,
			at.UTC().Format(time.RFC3339), rec.Manifest.CommitTime.Format(time.RFC3339))
	}
	h, err := RecordHash(&rec)
	if err != nil {
		return Record{}, Announcement{}, err
	}
	rec.Lock = &LockInfo{At: at.UTC(), By: by, RecordHash: h}
	a, err := AnnouncementOf(&rec)
	return rec, a, err
}

// AnnouncementOf returns the announcement content of a locked record.
func AnnouncementOf(rec *Record) (Announcement, error) {
	if rec.Lock == nil {
		return Announcement{}, fmt.Errorf("%w: the record is not locked, so there is nothing to announce", ErrInvalidTask)
	}
	a := Announcement{
		TaskID: rec.Manifest.Task.ID, TaskName: rec.Manifest.Task.Name,
		Items: append([]string(nil), rec.Manifest.Task.Items...), Directed: rec.Manifest.Directed,
		Count: len(rec.Selected), Shortfall: rec.Shortfall,
		Targets:      make([]AnnouncedTarget, len(rec.Selected)),
		ManifestHash: rec.ManifestHash, RecordHash: rec.Lock.RecordHash,
		ManipulationResistant: rec.ManipulationResistant,
		LockedAt:              rec.Lock.At, LockedBy: rec.Lock.By,
	}
	for i, s := range rec.Selected {
		a.Targets[i] = AnnouncedTarget{ID: s.Target, Name: s.Name}
	}
	return a, nil
}

// AddReplacement appends one approved replacement (rule R18) to rec, locked
// or not: the newcomer is drawn by ApplyReplacement from pools, after the
// replacements already recorded. It is the only change a locked record
// accepts.
func AddReplacement(rec Record, pools *InspectorPools, req ReplacementRequest) (Record, error) {
	if rec.Manifest.Inspectors == nil || pools == nil {
		return Record{}, fmt.Errorf("%w: the draw matched no inspectors", ErrInvalidRequest)
	}
	k, err := parseKey(rec.K)
	if err != nil {
		return Record{}, fmt.Errorf("draw: record k: %w", err)
	}
	rep, _, err := ApplyReplacement(k, pools.Home, pools.Fallback, rec.Manifest.Inspectors.Spec, rec.Groups, rec.Replacements, req)
	if err != nil {
		return Record{}, err
	}
	rec.Replacements = append(append([]Replacement(nil), rec.Replacements...), rep)
	return rec, nil
}
