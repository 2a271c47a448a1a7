package registry

import (
	"fmt"
	"slices"
	"time"
)

// Op is the operation of a change event.
type Op string

// Change operations. Nothing is ever deleted (rule R6): a unit that leaves
// the registry is deactivated and stays in every later snapshot with its
// new status.
const (
	OpAdd        Op = "add"        // a new unit enters the registry
	OpUpdate     Op = "update"     // a unit's fields change (full replacement)
	OpDeactivate Op = "deactivate" // a target's status leaves active; an inspector's Active becomes false
)

// Event is one change of a registry, kept forever (rule R6, and R29: every
// step is recorded so it can be traced). Events are JSON-serialisable so
// that an agency system can store the trail and replay it with
// History.Record.
type Event struct {
	// Seq is the 1-based position in the history, assigned by Record.
	Seq  int      `json:"seq"`
	Op   Op       `json:"op"`
	Pool PoolKind `json:"pool"`
	// ID is the target ID or certificate number the event is about.
	ID string `json:"id"`
	// Effective is when the change takes effect; AsOf(t) applies the
	// events with Effective <= t.
	Effective time.Time `json:"effective"`
	// Author is who made the change (user ID or name); required.
	Author string `json:"author"`
	// Note is a free-text reason or reference (e.g. the approval document).
	Note string `json:"note,omitempty"`
	// Target is the full new state for add/update in the target pool.
	Target *Target `json:"target,omitempty"`
	// Inspector is the full new state for add/update in the inspector pool.
	Inspector *Inspector `json:"inspector,omitempty"`
	// Status is the new status of a deactivated target (default
	// StatusDeregistered); empty for inspectors.
	Status Status `json:"status,omitempty"`
}

// History is the append-only change history of both registries. The zero
// value is not usable; call NewHistory. A History is not safe for
// concurrent mutation.
type History struct {
	cfg    Config
	events []Event
	// byID maps pool and ID to the indexes of its events, in
	// non-decreasing effective time.
	byID map[PoolKind]map[string][]int
}

// NewHistory returns an empty history that validates units with cfg.
func NewHistory(cfg Config) *History {
	return &History{cfg: cfg, byID: map[PoolKind]map[string][]int{PoolTargets: {}, PoolInspectors: {}}}
}

// Len returns the number of events recorded.
func (h *History) Len() int { return len(h.events) }

// Events returns a copy of every event in record order.
func (h *History) Events() []Event {
	out := make([]Event, len(h.events))
	for i, e := range h.events {
		out[i] = cloneEvent(e)
	}
	return out
}

func cloneTarget(t Target) *Target {
	t.Departments = slices.Clone(t.Departments)
	return &t
}

func cloneInspector(in Inspector) *Inspector {
	in.Qualifications = slices.Clone(in.Qualifications)
	in.Unavailable = slices.Clone(in.Unavailable)
	in.Interests = slices.Clone(in.Interests)
	return &in
}

func cloneEvent(e Event) Event {
	if e.Target != nil {
		e.Target = cloneTarget(*e.Target)
	}
	if e.Inspector != nil {
		e.Inspector = cloneInspector(*e.Inspector)
	}
	return e
}

// Record validates e and appends it, returning the stored event (with Seq
// set). A non-zero e.Seq must equal the next position, which lets a stored
// trail be replayed exactly. Errors wrap ErrBadEvent (malformed),
// ErrDuplicateID (adding an ID that exists), ErrUnknownID (updating or
// deactivating one that does not), ErrOutOfOrder (effective before the ID's
// latest event), or the RowErrors of an invalid unit.
func (h *History) Record(e Event) (Event, error) {
	fail := func(format string, a ...any) (Event, error) {
		return Event{}, fmt.Errorf("registry: event %d (%s %s %q): %w", len(h.events)+1, e.Op, e.Pool, e.ID, fmt.Errorf(format, a...))
	}
	if e.Seq != 0 && e.Seq != len(h.events)+1 {
		return fail("%w: seq %d, want %d", ErrBadEvent, e.Seq, len(h.events)+1)
	}
	if e.Effective.IsZero() {
		return fail("%w: no effective time", ErrBadEvent)
	}
	if e.Author == "" {
		return fail("%w: no author", ErrBadEvent)
	}
	ids, ok := h.byID[e.Pool]
	if !ok {
		return fail("%w: unknown pool %q", ErrBadEvent, e.Pool)
	}
	switch e.Op {
	case OpAdd, OpUpdate:
		if e.Status != "" {
			return fail("%w: status is only for deactivation", ErrBadEvent)
		}
		var id string
		var err error
		switch {
		case e.Pool == PoolTargets && e.Target != nil && e.Inspector == nil:
			id, err = e.Target.ID, h.cfg.ValidateTarget(*e.Target)
			e.Target = cloneTarget(*e.Target)
		case e.Pool == PoolInspectors && e.Inspector != nil && e.Target == nil:
			id, err = e.Inspector.Cert, h.cfg.ValidateInspector(*e.Inspector)
			e.Inspector = cloneInspector(*e.Inspector)
		default:
			return fail("%w: %s in pool %s needs exactly the %s payload", ErrBadEvent, e.Op, e.Pool, e.Pool)
		}
		if e.ID == "" {
			e.ID = id
		}
		if e.ID != id {
			return fail("%w: event ID %q differs from the payload's %q", ErrBadEvent, e.ID, id)
		}
		if err != nil {
			return fail("%w", err)
		}
	case OpDeactivate:
		if e.Target != nil || e.Inspector != nil {
			return fail("%w: deactivation carries no payload", ErrBadEvent)
		}
		if e.Pool == PoolTargets {
			if e.Status == "" {
				e.Status = StatusDeregistered
			}
			if !e.Status.IsKnown() || e.Status == StatusActive {
				return fail("%w: deactivation status %q is not a known inactive status", ErrBadEvent, e.Status)
			}
		} else if e.Status != "" {
			return fail("%w: an inspector deactivation has no status", ErrBadEvent)
		}
	default:
		return fail("%w: unknown operation %q", ErrBadEvent, e.Op)
	}
	prev, exists := ids[e.ID]
	switch {
	case e.Op == OpAdd && exists:
		return fail("%w: already added by event %d", ErrDuplicateID, h.events[prev[0]].Seq)
	case e.Op != OpAdd && !exists:
		return fail("%w", ErrUnknownID)
	case exists && e.Effective.Before(h.events[prev[len(prev)-1]].Effective):
		last := h.events[prev[len(prev)-1]]
		return fail("%w: effective %s precedes event %d effective %s", ErrOutOfOrder,
			e.Effective.Format(time.RFC3339), last.Seq, last.Effective.Format(time.RFC3339))
	}
	e.Seq = len(h.events) + 1
	ids[e.ID] = append(prev, len(h.events))
	h.events = append(h.events, e)
	return cloneEvent(e), nil
}

// AddTarget records the addition of t effective at the given time.
func (h *History) AddTarget(t Target, effective time.Time, author string) error {
	_, err := h.Record(Event{Op: OpAdd, Pool: PoolTargets, Effective: effective, Author: author, Target: &t})
	return err
}

// UpdateTarget records that the target t.ID takes the state t from the
// given time.
func (h *History) UpdateTarget(t Target, effective time.Time, author string) error {
	_, err := h.Record(Event{Op: OpUpdate, Pool: PoolTargets, Effective: effective, Author: author, Target: &t})
	return err
}

// DeactivateTarget records that target id takes the inactive status st
// (deregistered, revoked, moved out, closed) from the given time.
func (h *History) DeactivateTarget(id string, st Status, effective time.Time, author string) error {
	_, err := h.Record(Event{Op: OpDeactivate, Pool: PoolTargets, ID: id, Status: st, Effective: effective, Author: author})
	return err
}

// AddInspector records the addition of in effective at the given time.
func (h *History) AddInspector(in Inspector, effective time.Time, author string) error {
	_, err := h.Record(Event{Op: OpAdd, Pool: PoolInspectors, Effective: effective, Author: author, Inspector: &in})
	return err
}

// UpdateInspector records that inspector in.Cert takes the state in from
// the given time.
func (h *History) UpdateInspector(in Inspector, effective time.Time, author string) error {
	_, err := h.Record(Event{Op: OpUpdate, Pool: PoolInspectors, Effective: effective, Author: author, Inspector: &in})
	return err
}

// DeactivateInspector records that inspector cert is no longer active
// (certificate withdrawn, left the service) from the given time.
func (h *History) DeactivateInspector(cert string, effective time.Time, author string) error {
	_, err := h.Record(Event{Op: OpDeactivate, Pool: PoolInspectors, ID: cert, Effective: effective, Author: author})
	return err
}

// Snapshot is the registry in force at one instant: every unit added at or
// before At, in its latest state at At, deactivated units included (with
// their inactive status). Targets are sorted by ID and inspectors by
// certificate number (byte order, the commitment's leaf order).
type Snapshot struct {
	At         time.Time
	Targets    []Target
	Inspectors []Inspector
}

// AsOf returns the registry in force at t: for each unit, the events with
// Effective <= t applied in order. The result shares nothing with h.
func (h *History) AsOf(t time.Time) Snapshot {
	s := Snapshot{At: t}
	for _, id := range sortedKeys(h.byID[PoolTargets]) {
		var cur *Target
		for _, i := range h.byID[PoolTargets][id] {
			e := &h.events[i]
			if e.Effective.After(t) {
				break
			}
			if e.Op == OpDeactivate {
				cur.Status = e.Status
			} else {
				cur = cloneTarget(*e.Target)
			}
		}
		if cur != nil {
			s.Targets = append(s.Targets, *cur)
		}
	}
	for _, id := range sortedKeys(h.byID[PoolInspectors]) {
		var cur *Inspector
		for _, i := range h.byID[PoolInspectors][id] {
			e := &h.events[i]
			if e.Effective.After(t) {
				break
			}
			if e.Op == OpDeactivate {
				cur.Active = false
			} else {
				cur = cloneInspector(*e.Inspector)
			}
		}
		if cur != nil {
			s.Inspectors = append(s.Inspectors, *cur)
		}
	}
	return s
}

func sortedKeys(m map[string][]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Commit returns the commitments to the snapshot's two pools.
func (s Snapshot) Commit() (targets, inspectors Commitment, err error) {
	if targets, err = CommitTargets(s.Targets); err != nil {
		return Commitment{}, Commitment{}, err
	}
	if inspectors, err = CommitInspectors(s.Inspectors); err != nil {
		return Commitment{}, Commitment{}, err
	}
	return targets, inspectors, nil
}
