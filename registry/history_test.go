package registry

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func day(d int) time.Time { return time.Date(2026, 1, d, 9, 0, 0, 0, cst) }

// Rule R6: every add, update and deactivation is kept; AsOf(t) returns the
// registry in force at t.
func TestHistoryAsOf(t *testing.T) {
	h := NewHistory(Config{})
	a, b := validTarget(), validTarget()
	b.ID = "91440300708461136T"
	b.Name = "深圳市腾讯计算机系统有限公司"
	ins := sampleInspectors()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(h.AddTarget(b, day(1), "clerk1"))
	must(h.AddTarget(a, day(2), "clerk1"))
	a2 := a
	a2.CreditClass = "C"
	a2.Abnormal = true
	must(h.UpdateTarget(a2, day(5), "clerk2"))
	must(h.DeactivateTarget(b.ID, StatusRevoked, day(7), "clerk2"))
	must(h.AddInspector(ins[1], day(1), "hr"))
	must(h.AddInspector(ins[0], day(3), "hr"))
	must(h.DeactivateInspector(ins[1].Cert, day(6), "hr"))

	cases := []struct {
		at          time.Time
		ids         []string
		classA      string
		statusB     Status
		certs       []string
		firstActive bool
	}{
		{day(1).Add(-time.Second), nil, "", "", nil, false},
		{day(1), []string{b.ID}, "", StatusActive, []string{ins[1].Cert}, true},
		{day(4), []string{a.ID, b.ID}, "A", StatusActive, []string{ins[0].Cert, ins[1].Cert}, true},
		{day(5), []string{a.ID, b.ID}, "C", StatusActive, []string{ins[0].Cert, ins[1].Cert}, true},
		{day(8), []string{a.ID, b.ID}, "C", StatusRevoked, []string{ins[0].Cert, ins[1].Cert}, true},
	}
	for i, c := range cases {
		s := h.AsOf(c.at)
		var ids, certs []string
		for _, tg := range s.Targets {
			ids = append(ids, tg.ID)
			if tg.ID == a.ID && tg.CreditClass != c.classA {
				t.Errorf("case %d: class of a = %q, want %q", i, tg.CreditClass, c.classA)
			}
			if tg.ID == b.ID && tg.Status != c.statusB {
				t.Errorf("case %d: status of b = %q, want %q", i, tg.Status, c.statusB)
			}
		}
		for _, in := range s.Inspectors {
			certs = append(certs, in.Cert)
		}
		if !equalStrings(ids, c.ids) || !equalStrings(certs, c.certs) {
			t.Errorf("case %d: ids %v certs %v, want %v %v", i, ids, certs, c.ids, c.certs)
		}
	}
	// Deactivated inspector 2 from day 6; inspector 1 stays active.
	s := h.AsOf(day(6))
	if !s.Inspectors[0].Active || s.Inspectors[1].Active {
		t.Errorf("inspector active flags at day 6: %v %v", s.Inspectors[0].Active, s.Inspectors[1].Active)
	}
	// Nothing deleted: all 7 events kept, in order, with authors.
	evs := h.Events()
	if len(evs) != 7 || evs[2].Op != OpUpdate || evs[2].Author != "clerk2" || evs[6].Seq != 7 {
		t.Fatalf("events %+v", evs)
	}
	// Snapshot commits are stable and differ across time.
	c1, _, err := h.AsOf(day(4)).Commit()
	must(err)
	c2, _, err := h.AsOf(day(5)).Commit()
	must(err)
	if c1.Root == c2.Root || c1.Count != 2 {
		t.Errorf("commitments %v %v", c1, c2)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestHistoryRejects(t *testing.T) {
	h := NewHistory(Config{})
	tg := validTarget()
	if err := h.AddTarget(tg, day(2), "c"); err != nil {
		t.Fatal(err)
	}
	bad := tg
	bad.ID = "914403001922038217"
	other := validTarget()
	other.ID = "91440300708461136T"
	cases := []struct {
		name string
		e    Event
		want error
	}{
		{"duplicate add", Event{Op: OpAdd, Pool: PoolTargets, Effective: day(3), Author: "c", Target: &tg}, ErrDuplicateID},
		{"update unknown", Event{Op: OpUpdate, Pool: PoolTargets, Effective: day(3), Author: "c", Target: &other}, ErrUnknownID},
		{"deactivate unknown", Event{Op: OpDeactivate, Pool: PoolInspectors, ID: "x", Effective: day(3), Author: "c"}, ErrUnknownID},
		{"out of order", Event{Op: OpDeactivate, Pool: PoolTargets, ID: tg.ID, Effective: day(1), Author: "c"}, ErrOutOfOrder},
		{"no author", Event{Op: OpDeactivate, Pool: PoolTargets, ID: tg.ID, Effective: day(3)}, ErrBadEvent},
		{"no time", Event{Op: OpDeactivate, Pool: PoolTargets, ID: tg.ID, Author: "c"}, ErrBadEvent},
		{"deactivate to active", Event{Op: OpDeactivate, Pool: PoolTargets, ID: tg.ID, Status: StatusActive, Effective: day(3), Author: "c"}, ErrBadEvent},
		{"invalid unit", Event{Op: OpAdd, Pool: PoolTargets, Effective: day(3), Author: "c", Target: &bad}, ErrBadCheckChar},
		{"wrong payload", Event{Op: OpAdd, Pool: PoolInspectors, Effective: day(3), Author: "c", Target: &other}, ErrBadEvent},
		{"id mismatch", Event{Op: OpUpdate, Pool: PoolTargets, ID: "91440300708461136T", Effective: day(3), Author: "c", Target: &tg}, ErrBadEvent},
		{"bad op", Event{Op: "delete", Pool: PoolTargets, ID: tg.ID, Effective: day(3), Author: "c"}, ErrBadEvent},
		{"bad seq", Event{Seq: 9, Op: OpDeactivate, Pool: PoolTargets, ID: tg.ID, Effective: day(3), Author: "c"}, ErrBadEvent},
	}
	for _, c := range cases {
		if _, err := h.Record(c.e); !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.want)
		}
	}
	if h.Len() != 1 {
		t.Errorf("rejected events were recorded: %d", h.Len())
	}
}

// The trail is JSON and replays to the same history.
func TestHistoryReplay(t *testing.T) {
	h := NewHistory(Config{})
	ins := sampleInspectors()
	for i, in := range ins {
		if err := h.AddInspector(in, day(i+1), "hr"); err != nil {
			t.Fatal(err)
		}
	}
	mod := ins[0]
	mod.Qualifications = append(mod.Qualifications, "CRJ-01")
	if err := h.UpdateInspector(mod, day(9), "hr"); err != nil {
		t.Fatal(err)
	}
	mod.Qualifications[0] = "changed after recording" // must not alter the history
	data, err := json.Marshal(h.Events())
	if err != nil {
		t.Fatal(err)
	}
	var evs []Event
	if err := json.Unmarshal(data, &evs); err != nil {
		t.Fatal(err)
	}
	h2 := NewHistory(Config{})
	for _, e := range evs {
		if _, err := h2.Record(e); err != nil {
			t.Fatal(err)
		}
	}
	_, c1, err := h.AsOf(day(10)).Commit()
	if err != nil {
		t.Fatal(err)
	}
	_, c2, err := h2.AsOf(day(10)).Commit()
	if err != nil {
		t.Fatal(err)
	}
	if c1 != c2 {
		t.Fatalf("replayed history commits to %v, original %v", c2, c1)
	}
	if q := h.AsOf(day(10)).Inspectors[0].Qualifications; q[0] != "ZA-01" || len(q) != 3 {
		t.Fatalf("history aliased caller's slice: %v", q)
	}
}
