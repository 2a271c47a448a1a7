package office

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
	"github.com/shuangsuiji/ssj/trail"
	"github.com/shuangsuiji/ssj/workday"
)

// Clock gives the office the current time. The office never calls
// time.Now itself; tests and the demo inject a fixed or stepping clock.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now implements Clock.
func (f ClockFunc) Now() time.Time { return f() }

// DefaultSkew is how far into the future (by the office's clock) a step's
// time may lie, to absorb small clock differences between machines.
const DefaultSkew = 2 * time.Minute

// Config is what an embedder hands the office. Store, Clock and Calendar
// are required.
type Config struct {
	Store    Store
	Clock    Clock
	Calendar *workday.Calendar
	// Signer signs corrections on behalf of the executing unit's principal
	// head when a Correction step brings an unsigned correction (rule R27).
	// Nil means every correction must arrive signed.
	Signer publish.Signer
	// Authority checks the signature of every correction (rule R27);
	// required for the correction steps.
	Authority publish.Authority
	// Skew bounds how far after the clock's now a step may be dated;
	// DefaultSkew when zero.
	Skew time.Duration
	// Policy is the publication policy (rules R26, R23); the zero Policy
	// means publish.SeedPolicy (2 working days, as rule R26 says).
	Policy publish.Policy
	// Registry holds the registry rules (credit classes) the snapshot
	// imports and manifest commits validate against.
	Registry registry.Config
	// LockSigner, when set, signs every lock (rule R16) on behalf of the
	// confirming official (draw.LockSigned): an Ed25519 or SM2 key (package
	// suite). Nil leaves locks unsigned.
	LockSigner draw.Signer
	// Suite is the crypto suite of a new store's trail and draws
	// (suite.SSJv1SM for the national suite); the store's first event
	// records it. Over an existing store it must be the store's suite
	// (*SuiteError otherwise); the zero Suite accepts the store's, and
	// means ssj-v1 for a new store.
	Suite suite.Suite
}

// Office runs the steps of the regime over a Store. It is safe for
// concurrent use: every step is one store transaction, and the store
// serialises writers.
type Office struct {
	store  Store
	clock  Clock
	cal    *workday.Calendar
	signer publish.Signer
	auth   publish.Authority
	skew   time.Duration
	policy publish.Policy
	reg    registry.Config
	want   suite.Suite // Config.Suite
	locker draw.Signer // Config.LockSigner
	suites suiteCache  // the store's suite, once its first event exists
}

// New checks cfg and returns an Office.
func New(cfg Config) (*Office, error) {
	if cfg.Store == nil || cfg.Clock == nil || cfg.Calendar == nil {
		return nil, fmt.Errorf("office: %w: Store, Clock and Calendar are required", ErrPrecondition)
	}
	o := &Office{store: cfg.Store, clock: cfg.Clock, cal: cfg.Calendar, signer: cfg.Signer, auth: cfg.Authority,
		skew: cfg.Skew, policy: cfg.Policy, reg: cfg.Registry, want: cfg.Suite, locker: cfg.LockSigner}
	if o.skew == 0 {
		o.skew = DefaultSkew
	}
	if o.policy == (publish.Policy{}) {
		o.policy = publish.SeedPolicy
	}
	if err := o.policy.Validate(); err != nil {
		return nil, fmt.Errorf("office: policy: %w", err)
	}
	return o, nil
}

// Store returns the office's store.
func (o *Office) Store() Store { return o.store }

// Step says who takes a step, when, and on behalf of which unit. Every
// step method takes one.
type Step struct {
	// Who is the acting person or role (the trail's actor); required.
	Who string `json:"who"`
	// At is when the step is taken; the clock's now when zero. It may not
	// be before the subject's last step or the trail's last event, nor
	// after the clock's now plus the skew.
	At time.Time `json:"at"`
	// Unit is the unit the actor acts for (e.g. the executing unit);
	// recorded in the trail event's data as "actor_unit" when set.
	Unit string `json:"unit,omitempty"`
}

// TimeError refuses a step dated out of order (rules R29, R31): before the
// subject's last step, before the trail's last event, or after the clock's
// now plus the skew. It matches ErrPrecondition.
type TimeError struct {
	Step    string    // the step's name, e.g. "release"
	Subject string    // the object the step concerns
	At      time.Time // the step's time
	Bound   time.Time // the time it may not cross
	// Rule is "subject" (before the subject's last step at Bound),
	// "trail" (before the trail's last event at Bound) or "clock" (after
	// now plus skew, Bound).
	Rule string
}

func (e *TimeError) Error() string {
	switch e.Rule {
	case "clock":
		return fmt.Sprintf("office: %s %s: time %s is after the clock's now plus skew %s", e.Step, e.Subject, fmtTime(e.At), fmtTime(e.Bound))
	case "subject":
		return fmt.Sprintf("office: %s %s: time %s is before the subject's last step at %s", e.Step, e.Subject, fmtTime(e.At), fmtTime(e.Bound))
	default:
		return fmt.Sprintf("office: %s %s: time %s is before the trail's last event at %s", e.Step, e.Subject, fmtTime(e.At), fmtTime(e.Bound))
	}
}

// Is makes a TimeError match ErrPrecondition.
func (e *TimeError) Is(target error) bool { return target == ErrPrecondition }

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// StepError refuses a step: it names the step, the object, the field and
// the value, and wraps the cause (a domain error, and one of the sentinel
// errors).
type StepError struct {
	Step  string
	ID    string
	Field string
	Value string
	Err   error
}

func (e *StepError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "office: %s %s", e.Step, e.ID)
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %s", e.Field)
		if e.Value != "" {
			fmt.Fprintf(&b, " = %q", e.Value)
		}
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *StepError) Unwrap() error { return e.Err }

func refuse(step, id, field, value string, err error) error {
	if !errors.Is(err, ErrPrecondition) && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrConflict) && !errors.Is(err, ErrUnavailable) {
		err = fmt.Errorf("%w: %w", ErrPrecondition, err)
	}
	return &StepError{Step: step, ID: id, Field: field, Value: value, Err: err}
}

// BindingError reports a stored object, snapshot or event whose binding to
// the trail does not hold (edited behind the office's back). It matches
// ErrConflict. Audit returns it too.
type BindingError struct {
	Table  string // "events", "objects", "snapshots", "snapshot_rows"
	ID     string // object kind/id@rev, snapshot ID, event seq
	Field  string
	Detail string
}

func (e *BindingError) Error() string {
	return fmt.Sprintf("office: %s %s: field %s: %s", e.Table, e.ID, e.Field, e.Detail)
}

// Is makes a BindingError match ErrConflict.
func (e *BindingError) Is(target error) bool { return target == ErrConflict }

// digest is the hex hash of b under the suite of tx's store (SHA-256 for
// ssj-v1).
func digest(tx Tx, b []byte) string {
	return txSuite(tx).HexSum(b)
}

// objectKey is the trail-data key under which an event names an object
// revision it created; the value is the digest of the revision's body.
func objectKey(kind, id string, rev int64) string {
	return "object:" + kind + "/" + id + "@" + strconv.FormatInt(rev, 10)
}

func parseObjectKey(k string) (kind, id string, rev int64, ok bool) {
	rest, ok := strings.CutPrefix(k, "object:")
	if !ok {
		return "", "", 0, false
	}
	slash := strings.IndexByte(rest, '/')
	at := strings.LastIndexByte(rest, '@')
	if slash <= 0 || at < slash {
		return "", "", 0, false
	}
	rev, err := strconv.ParseInt(rest[at+1:], 10, 64)
	if err != nil {
		return "", "", 0, false
	}
	return rest[:slash], rest[slash+1 : at], rev, true
}

// snapshotKey is the trail-data key under which a registry.imported event
// describes its snapshot.
func snapshotKey(id string) string { return "snapshot:" + id }

func snapshotValue(s Snapshot) string {
	return strings.Join([]string{s.Pool, fmtTime(s.At), strconv.FormatInt(s.Count, 10), s.Root, s.Digest}, " ")
}

// txn is one step's transaction.
type txn struct {
	o    *Office
	ctx  context.Context
	tx   Tx
	step string
	who  Step
	at   time.Time
	last *trail.Event
	// puts are the objects written so far, by kind/id, with their revision.
	events int
}

// decodeEvent decodes a stored event and checks its hash under the suite
// of tx's store.
func decodeEvent(tx Tx, e Event) (trail.Event, error) {
	var ev trail.Event
	if err := json.Unmarshal(e.Body, &ev); err != nil {
		return ev, &BindingError{Table: "events", ID: strconv.FormatInt(e.Seq, 10), Field: "body", Detail: "not a trail event: " + err.Error()}
	}
	if ev.Seq != e.Seq || ev.Hash != e.Hash {
		return ev, &BindingError{Table: "events", ID: strconv.FormatInt(e.Seq, 10), Field: "seq/hash", Detail: fmt.Sprintf("row says seq %d hash %s, body says seq %d hash %s", e.Seq, e.Hash, ev.Seq, ev.Hash)}
	}
	h, err := ev.ComputeHashWith(txSuite(tx))
	if err != nil || h != ev.Hash {
		return ev, &BindingError{Table: "events", ID: strconv.FormatInt(e.Seq, 10), Field: "hash", Detail: "the event's content does not match its hash"}
	}
	return ev, nil
}

// run executes one step: checks its time, calls fn inside one writable
// transaction, and commits. subjectKind/subjectID name the object whose
// last step bounds the time (empty when none).
func (o *Office) run(ctx context.Context, step string, s Step, subjectKind, subjectID string, fn func(t *txn) error) error {
	if strings.TrimSpace(s.Who) == "" {
		return refuse(step, subjectID, "who", "", errors.New("the actor is empty"))
	}
	now := o.clock.Now()
	at := s.At
	if at.IsZero() {
		at = now
	}
	if limit := now.Add(o.skew); at.After(limit) {
		return &TimeError{Step: step, Subject: subjectID, At: at, Bound: limit, Rule: "clock"}
	}
	tx, err := o.begin(ctx, true)
	if err != nil {
		return fmt.Errorf("office: %s %s: %w", step, subjectID, err)
	}
	defer tx.Rollback()
	t := &txn{o: o, ctx: ctx, tx: tx, step: step, who: s, at: at}
	last, err := tx.LastEvent(ctx)
	switch {
	case err == nil:
		ev, err := decodeEvent(tx, last)
		if err != nil {
			return err
		}
		t.last = &ev
		if at.Before(ev.Time) {
			return &TimeError{Step: step, Subject: subjectID, At: at, Bound: ev.Time, Rule: "trail"}
		}
	case errors.Is(err, ErrNotFound):
	default:
		return fmt.Errorf("office: %s %s: %w", step, subjectID, err)
	}
	if subjectKind != "" {
		obj, err := tx.Get(ctx, subjectKind, subjectID)
		if err == nil {
			ev, err := t.eventAt(obj.EventSeq)
			if err != nil {
				return err
			}
			if at.Before(ev.Time) {
				return &TimeError{Step: step, Subject: subjectID, At: at, Bound: ev.Time, Rule: "subject"}
			}
		} else if !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("office: %s %s: %w", step, subjectID, err)
		}
	}
	if err := fn(t); err != nil {
		return err
	}
	if t.events == 0 {
		return fmt.Errorf("office: %s %s: internal error: the step emitted no trail event", step, subjectID)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("office: %s %s: %w", step, subjectID, err)
	}
	return nil
}

func (t *txn) eventAt(seq int64) (trail.Event, error) {
	es, err := t.tx.Events(t.ctx, seq, 1)
	if err != nil {
		return trail.Event{}, err
	}
	if len(es) == 0 || es[0].Seq != seq {
		return trail.Event{}, &BindingError{Table: "events", ID: strconv.FormatInt(seq, 10), Field: "seq", Detail: "event missing"}
	}
	return decodeEvent(t.tx, es[0])
}

// put is one object revision to create with an event.
type put struct {
	kind, id string
	v        any
}

// emit appends one trail event and stores the objects it creates, bound
// to it.
func (t *txn) emit(kind trail.Kind, subject string, data map[string]string, objs ...put) (trail.Event, error) {
	if data == nil {
		data = map[string]string{}
	}
	if t.who.Unit != "" {
		data["actor_unit"] = t.who.Unit
	}
	type body struct {
		put
		rev  int64
		body []byte
	}
	bodies := make([]body, 0, len(objs))
	for _, p := range objs {
		b, err := json.Marshal(p.v)
		if err != nil {
			return trail.Event{}, fmt.Errorf("office: %s %s: encoding %s: %w", t.step, p.id, p.kind, err)
		}
		rev := int64(1)
		if cur, err := t.tx.Get(t.ctx, p.kind, p.id); err == nil {
			rev = cur.Rev + 1
		} else if !errors.Is(err, ErrNotFound) {
			return trail.Event{}, err
		}
		data[objectKey(p.kind, p.id, rev)] = digest(t.tx, b)
		bodies = append(bodies, body{p, rev, b})
	}
	s := txSuite(t.tx)
	if t.last == nil && s.ID() != suite.V1 {
		data[SuiteDataKey] = string(s.ID()) // the store's suite, for good
	}
	ev, err := trail.NextWith(s, t.last, trail.Entry{Kind: kind, Actor: t.who.Who, Time: t.at, Subject: subject, Data: data})
	if err != nil {
		return trail.Event{}, refuse(t.step, subject, "trail", string(kind), err)
	}
	raw, err := json.Marshal(ev)
	if err != nil {
		return trail.Event{}, err
	}
	if err := t.tx.AppendEvent(t.ctx, Event{Seq: ev.Seq, Hash: ev.Hash, Body: raw}); err != nil {
		return trail.Event{}, fmt.Errorf("office: %s %s: %w", t.step, subject, err)
	}
	for _, b := range bodies {
		if err := t.tx.Put(t.ctx, Object{Kind: b.kind, ID: b.id, Rev: b.rev, EventSeq: ev.Seq, EventHash: ev.Hash, Body: b.body}); err != nil {
			return trail.Event{}, fmt.Errorf("office: %s %s: %w", t.step, subject, err)
		}
	}
	t.last = &ev
	t.events++
	return ev, nil
}

// load reads the latest revision of an object into v after re-checking
// its binding to the trail event that created it.
func load(ctx context.Context, tx Tx, kind, id string, v any) (Object, error) {
	obj, err := tx.Get(ctx, kind, id)
	if err != nil {
		return obj, err
	}
	if err := checkBinding(ctx, tx, obj); err != nil {
		return obj, err
	}
	if err := json.Unmarshal(obj.Body, v); err != nil {
		return obj, &BindingError{Table: "objects", ID: objName(obj), Field: "body", Detail: err.Error()}
	}
	return obj, nil
}

func objName(o Object) string { return o.Kind + "/" + o.ID + "@" + strconv.FormatInt(o.Rev, 10) }

// checkBinding re-checks that obj was created by the event it names.
func checkBinding(ctx context.Context, tx Tx, obj Object) error {
	es, err := tx.Events(ctx, obj.EventSeq, 1)
	if err != nil {
		return err
	}
	if len(es) == 0 || es[0].Seq != obj.EventSeq {
		return &BindingError{Table: "objects", ID: objName(obj), Field: "event_seq", Detail: fmt.Sprintf("names event %d, which does not exist", obj.EventSeq)}
	}
	ev, err := decodeEvent(tx, es[0])
	if err != nil {
		return err
	}
	return bindingHolds(tx, obj, ev)
}

func bindingHolds(tx Tx, obj Object, ev trail.Event) error {
	if obj.EventHash != ev.Hash {
		return &BindingError{Table: "objects", ID: objName(obj), Field: "event_hash", Detail: fmt.Sprintf("is %s, event %d has hash %s", obj.EventHash, ev.Seq, ev.Hash)}
	}
	want, ok := ev.Data[objectKey(obj.Kind, obj.ID, obj.Rev)]
	if !ok {
		return &BindingError{Table: "objects", ID: objName(obj), Field: "event_seq", Detail: fmt.Sprintf("event %d did not create this object", ev.Seq)}
	}
	if got := digest(tx, obj.Body); got != want {
		return &BindingError{Table: "objects", ID: objName(obj), Field: "body", Detail: fmt.Sprintf("digest %s differs from %s recorded by event %d", got, want, ev.Seq)}
	}
	return nil
}

// view runs fn in a read-only transaction.
func (o *Office) view(ctx context.Context, fn func(tx Tx) error) error {
	tx, err := o.begin(ctx, false)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// listAll returns the latest revision of every object of kind, bindings checked.
func listAll(ctx context.Context, tx Tx, kind string) ([]Object, error) {
	var out []Object
	after := ""
	for {
		page, err := tx.Latest(ctx, kind, after, 500)
		if err != nil {
			return nil, err
		}
		for _, obj := range page {
			if err := checkBinding(ctx, tx, obj); err != nil {
				return nil, err
			}
		}
		out = append(out, page...)
		if len(page) < 500 {
			return out, nil
		}
		after = page[len(page)-1].ID
	}
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// date is the working-day calendar date of t in China Standard Time.
func date(t time.Time) workday.Date { return workday.DateOf(t.In(workday.Shanghai())) }

// LastEvent returns the trail's last event (ErrNotFound for an empty trail).
func (o *Office) LastEvent(ctx context.Context) (trail.Event, error) {
	var ev trail.Event
	err := o.view(ctx, func(tx Tx) error {
		e, err := tx.LastEvent(ctx)
		if err != nil {
			return err
		}
		ev, err = decodeEvent(tx, e)
		return err
	})
	return ev, err
}

// Trail calls fn for every trail event from seq `from` on, in order, each
// event's hash checked.
func (o *Office) Trail(ctx context.Context, from int64, fn func(trail.Event) error) error {
	return o.view(ctx, func(tx Tx) error {
		for {
			page, err := tx.Events(ctx, from, 1000)
			if err != nil {
				return err
			}
			for _, e := range page {
				ev, err := decodeEvent(tx, e)
				if err != nil {
					return err
				}
				if err := fn(ev); err != nil {
					return err
				}
				from = e.Seq + 1
			}
			if len(page) < 1000 {
				return nil
			}
		}
	})
}
