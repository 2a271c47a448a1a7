package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/shuangsuiji/ssj/internal/canon"
	"github.com/shuangsuiji/ssj/workday"
)

// Sentinel errors of the Book.
var (
	// ErrPublished: a published result can only change by a signed correction (R27).
	ErrPublished = errors.New("publish: result already published; only a signed correction may change it")
	// ErrNotPublished: the result is not published (yet), so it cannot be corrected.
	ErrNotPublished = errors.New("publish: result is not published")
	// ErrWithheld: the result is withheld by law and is never published (R26).
	ErrWithheld = errors.New("publish: result is withheld by law")
	// ErrUnknown: no result with that ID.
	ErrUnknown = errors.New("publish: no such result")
	// ErrStale: the correction names a version that is not the current one.
	ErrStale = errors.New("publish: correction does not apply to the current version")
	// ErrCorrection: the correction itself is incomplete or changes identity fields.
	ErrCorrection = errors.New("publish: invalid correction")
)

// Policy is a bureau's publication policy.
type Policy struct {
	// DueWorkdays is N in "results are published within N working days after
	// the task ends" (rule R26).
	DueWorkdays int `json:"due_workdays"`
	// SoonWorkdays: an unpublished result is "due soon" when at most this
	// many working days remain.
	SoonWorkdays int `json:"soon_workdays"`
	// RetentionYears is how long records are kept (rule R23, at least 2).
	RetentionYears int `json:"retention_years"`
}

// SeedPolicy is the district guideline's policy (001 第二十一条: 2 working
// days, workday.SeedBureauPublicationWorkdays).
var SeedPolicy = Policy{DueWorkdays: workday.SeedBureauPublicationWorkdays, SoonWorkdays: 1, RetentionYears: DefaultRetentionYears}

// NationalPolicy is national practice (20 working days,
// workday.NationalPublicationWorkdays).
var NationalPolicy = Policy{DueWorkdays: workday.NationalPublicationWorkdays, SoonWorkdays: 5, RetentionYears: DefaultRetentionYears}

// Validate checks the policy's numbers.
func (p Policy) Validate() error {
	if p.DueWorkdays < 1 || p.SoonWorkdays < 0 || p.RetentionYears < DefaultRetentionYears {
		return fmt.Errorf("publish: policy %+v: due_workdays ≥ 1, soon_workdays ≥ 0, retention_years ≥ %d", p, DefaultRetentionYears)
	}
	return nil
}

// Version is one published version of a result. Version 1 is the original
// publication; each correction adds the next. Versions are never removed.
type Version struct {
	N           int          `json:"n"`
	Result      Result       `json:"result"`
	Hash        string       `json:"hash"`
	PublishedOn workday.Date `json:"published_on"`
	// Correction is the signed correction that produced this version (nil for version 1).
	Correction *SignedCorrection `json:"correction,omitempty"`
	KeepUntil  workday.Date      `json:"keep_until"`
}

// State is where a result stands.
type State string

// Result states.
const (
	StateEntered   State = "entered"   // 已录入, not yet published
	StatePublished State = "published" // 已公示
	StateWithheld  State = "withheld"  // 依法不予公示
)

// Entry is one result in the book with its history.
type Entry struct {
	ID        string       `json:"id"`
	State     State        `json:"state"`
	Due       workday.Date `json:"due"`
	EnteredBy string       `json:"entered_by"`
	EnteredAt time.Time    `json:"entered_at"`
	// Draft is the entered result before publication (and the withheld result).
	Draft     *Result      `json:"draft,omitempty"`
	Versions  []Version    `json:"versions,omitempty"`
	KeepUntil workday.Date `json:"keep_until"`
}

// Current returns the result as it stands: the latest version if published,
// else the draft.
func (e Entry) Current() Result {
	if n := len(e.Versions); n > 0 {
		return e.Versions[n-1].Result
	}
	if e.Draft != nil {
		return *e.Draft
	}
	return Result{}
}

// Book holds the results of a bureau (or a task) with their versions. It is
// a plain value: the caller stores it (e.g. as JSON) and passes time and the
// calendar in.
type Book struct {
	Policy  Policy  `json:"policy"`
	Entries []Entry `json:"entries"` // sorted by ID
}

// NewBook returns an empty book with the given policy.
func NewBook(p Policy) (*Book, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &Book{Policy: p}, nil
}

func (b *Book) find(id string) (int, bool) {
	i := sort.Search(len(b.Entries), func(i int) bool { return b.Entries[i].ID >= id })
	return i, i < len(b.Entries) && b.Entries[i].ID == id
}

// Entry returns the entry for id.
func (b *Book) Entry(id string) (Entry, error) {
	i, ok := b.find(id)
	if !ok {
		return Entry{}, fmt.Errorf("%w: %q", ErrUnknown, id)
	}
	return b.Entries[i], nil
}

// Deadline returns the policy's publication rule as a workday.Deadline
// (workday.PublicationDue).
func (p Policy) Deadline() workday.Deadline { return workday.PublicationDue(p.DueWorkdays) }

// Due returns the publication deadline of a result whose task ends on
// taskEnd: the N-th working day after it (rule R26), computed by
// workday.Calendar.Due.
func (p Policy) Due(cal *workday.Calendar, taskEnd workday.Date) (workday.Date, error) {
	d, err := cal.Due(taskEnd, p.Deadline())
	if err != nil {
		return workday.Date{}, fmt.Errorf("publish: %w", err)
	}
	return d, nil
}

// Enter records (or, before publication, replaces) a result. A published
// result is refused with ErrPublished: use Correct.
func (b *Book) Enter(r Result, cal *workday.Calendar, at time.Time, by string) (Entry, error) {
	if err := r.Validate(); err != nil {
		return Entry{}, err
	}
	if strings.TrimSpace(by) == "" {
		return Entry{}, fmt.Errorf("%w: result %s: entered_by is empty", ErrResult, r.ID)
	}
	due, err := b.Policy.Due(cal, r.TaskEnd)
	if err != nil {
		return Entry{}, fmt.Errorf("result %s: %w", r.ID, err)
	}
	i, ok := b.find(r.ID)
	if ok && b.Entries[i].State == StatePublished {
		return Entry{}, fmt.Errorf("result %s: %w", r.ID, ErrPublished)
	}
	st := StateEntered
	if r.Withheld != nil {
		st = StateWithheld
	}
	rc := r
	e := Entry{ID: r.ID, State: st, Due: due, EnteredBy: by, EnteredAt: at.UTC(), Draft: &rc,
		KeepUntil: KeepUntil(dayOf(at), b.Policy.RetentionYears)}
	if ok {
		b.Entries[i] = e
	} else {
		b.Entries = append(b.Entries, Entry{})
		copy(b.Entries[i+1:], b.Entries[i:])
		b.Entries[i] = e
	}
	return e, nil
}

// HashResult is the hex SHA-256 of the result's canonical JSON; versions
// and corrections refer to results by it.
func HashResult(r Result) (string, error) {
	b, err := canon.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("publish: result %s: %w", r.ID, err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Publish publishes an entered result on day `on` as version 1. A withheld
// result is refused with ErrWithheld; a published one with ErrPublished.
func (b *Book) Publish(id string, on workday.Date) (Version, error) {
	i, ok := b.find(id)
	if !ok {
		return Version{}, fmt.Errorf("%w: %q", ErrUnknown, id)
	}
	e := &b.Entries[i]
	switch e.State {
	case StatePublished:
		return Version{}, fmt.Errorf("result %s: %w", id, ErrPublished)
	case StateWithheld:
		return Version{}, fmt.Errorf("result %s (%s): %w", id, e.Draft.Withheld.LegalBasis, ErrWithheld)
	}
	h, err := HashResult(*e.Draft)
	if err != nil {
		return Version{}, err
	}
	v := Version{N: 1, Result: *e.Draft, Hash: h, PublishedOn: on, KeepUntil: KeepUntil(on, b.Policy.RetentionYears)}
	e.Versions = []Version{v}
	e.Draft = nil
	e.State = StatePublished
	if v.KeepUntil.After(e.KeepUntil) {
		e.KeepUntil = v.KeepUntil
	}
	return v, nil
}

// Correct applies a signed correction to a published result (rule R27): the
// correction must name the current version and its hash, give a reason,
// keep the result's identity (id, task, target, unit), and be authorised by
// auth (the executing unit's principal head's valid signature). The new
// version is published on `on`; every earlier version stays readable.
func (b *Book) Correct(sc SignedCorrection, auth Authority, on workday.Date) (Version, error) {
	i, ok := b.find(sc.ResultID)
	if !ok {
		return Version{}, fmt.Errorf("%w: %q", ErrUnknown, sc.ResultID)
	}
	e := &b.Entries[i]
	if e.State != StatePublished {
		return Version{}, fmt.Errorf("result %s is %s: %w", sc.ResultID, e.State, ErrNotPublished)
	}
	cur := e.Versions[len(e.Versions)-1]
	if sc.BaseVersion != cur.N || sc.BaseHash != cur.Hash {
		return Version{}, fmt.Errorf("result %s: correction names version %d (%s), current is %d (%s): %w",
			sc.ResultID, sc.BaseVersion, sc.BaseHash, cur.N, cur.Hash, ErrStale)
	}
	if strings.TrimSpace(sc.Reason) == "" {
		return Version{}, fmt.Errorf("%w: result %s: reason is empty", ErrCorrection, sc.ResultID)
	}
	if strings.TrimSpace(sc.Signer) == "" || sc.SignedAt.IsZero() {
		return Version{}, fmt.Errorf("%w: result %s: signer and signed_at are required", ErrCorrection, sc.ResultID)
	}
	if sc.Origin != "self" && !strings.HasPrefix(sc.Origin, "objection:") {
		return Version{}, fmt.Errorf("%w: result %s: origin %q: want \"self\" or \"objection:ID\"", ErrCorrection, sc.ResultID, sc.Origin)
	}
	nr := sc.Result
	old := cur.Result
	if nr.ID != old.ID || nr.TaskNo != old.TaskNo || nr.TargetID != old.TargetID || nr.Unit != old.Unit {
		return Version{}, fmt.Errorf("%w: result %s: a correction may not change id, task_no, target_id or unit", ErrCorrection, sc.ResultID)
	}
	if nr.Withheld != nil {
		return Version{}, fmt.Errorf("%w: result %s: a published result cannot be withheld by correction", ErrCorrection, sc.ResultID)
	}
	if err := nr.Validate(); err != nil {
		return Version{}, fmt.Errorf("correction of %s: %w", sc.ResultID, err)
	}
	if auth == nil {
		return Version{}, fmt.Errorf("%w: result %s: no authority to check the signature", ErrSignature, sc.ResultID)
	}
	if err := auth.Authorize(sc, old.Unit); err != nil {
		return Version{}, err
	}
	h, err := HashResult(nr)
	if err != nil {
		return Version{}, err
	}
	if h == cur.Hash {
		return Version{}, fmt.Errorf("%w: result %s: the correction changes nothing", ErrCorrection, sc.ResultID)
	}
	scc := sc
	v := Version{N: cur.N + 1, Result: nr, Hash: h, PublishedOn: on, Correction: &scc, KeepUntil: KeepUntil(on, b.Policy.RetentionYears)}
	e.Versions = append(e.Versions, v)
	if v.KeepUntil.After(e.KeepUntil) {
		e.KeepUntil = v.KeepUntil
	}
	return v, nil
}

// NewCorrection prepares an unsigned correction of the current version of
// result id.
func (b *Book) NewCorrection(corrected Result, reason, origin, signer string, at time.Time) (Correction, error) {
	i, ok := b.find(corrected.ID)
	if !ok {
		return Correction{}, fmt.Errorf("%w: %q", ErrUnknown, corrected.ID)
	}
	e := b.Entries[i]
	if e.State != StatePublished {
		return Correction{}, fmt.Errorf("result %s is %s: %w", e.ID, e.State, ErrNotPublished)
	}
	cur := e.Versions[len(e.Versions)-1]
	return Correction{ResultID: e.ID, BaseVersion: cur.N, BaseHash: cur.Hash, Result: corrected,
		Reason: reason, Origin: origin, Signer: signer, SignedAt: at.UTC()}, nil
}

// DeadlineStatus is a result's standing against its publication deadline.
type DeadlineStatus string

// Deadline statuses (rule R26).
const (
	OnTime        DeadlineStatus = "on_time"        // published by the deadline
	PublishedLate DeadlineStatus = "published_late" // published after the deadline
	Pending       DeadlineStatus = "pending"        // not yet published, deadline not near
	DueSoon       DeadlineStatus = "due_soon"       // not yet published, deadline near
	Overdue       DeadlineStatus = "overdue"        // not published and the deadline has passed
	Withheld      DeadlineStatus = "withheld"       // withheld by law, not subject to the deadline
)

// Status returns the entry's deadline status as of `today`.
func (b *Book) Status(e Entry, cal *workday.Calendar, today workday.Date) (DeadlineStatus, error) {
	switch e.State {
	case StateWithheld:
		return Withheld, nil
	case StatePublished:
		if e.Versions[0].PublishedOn.After(e.Due) {
			return PublishedLate, nil
		}
		return OnTime, nil
	}
	st, err := cal.StatusAt(e.Due, today.Start(), b.Policy.SoonWorkdays)
	if err != nil {
		return "", fmt.Errorf("result %s: %w", e.ID, err)
	}
	switch st.State {
	case workday.Overdue:
		return Overdue, nil
	case workday.DueSoon:
		return DueSoon, nil
	}
	return Pending, nil
}

// DecodeBook reads a book written as JSON strictly.
func DecodeBook(r io.Reader) (*Book, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxResultsBytes))
	if err != nil {
		return nil, fmt.Errorf("publish: reading book: %w", err)
	}
	var b Book
	if err := strictUnmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("%w: book: %v", ErrResult, err)
	}
	if err := b.Policy.Validate(); err != nil {
		return nil, err
	}
	for i, e := range b.Entries {
		if i > 0 && b.Entries[i-1].ID >= e.ID {
			return nil, fmt.Errorf("%w: book entry #%d: id %q out of order or repeated", ErrResult, i, e.ID)
		}
		switch e.State {
		case StatePublished:
			if len(e.Versions) == 0 {
				return nil, fmt.Errorf("%w: book entry %s: published without a version", ErrResult, e.ID)
			}
			for j, v := range e.Versions {
				h, err := HashResult(v.Result)
				if err != nil || h != v.Hash || v.N != j+1 {
					return nil, fmt.Errorf("%w: book entry %s: version %d does not match its hash or number", ErrResult, e.ID, j+1)
				}
			}
		case StateEntered, StateWithheld:
			if e.Draft == nil {
				return nil, fmt.Errorf("%w: book entry %s: %s without a draft", ErrResult, e.ID, e.State)
			}
		default:
			return nil, fmt.Errorf("%w: book entry %s: state %q", ErrResult, e.ID, e.State)
		}
	}
	return &b, nil
}

// VerifyCorrections re-checks the whole history of every published result
// against auth: each version after the first must carry a correction whose
// signature verifies, that names the previous version's number and hash,
// and whose corrected result is exactly that version. Use it on a book read
// from storage: DecodeBook checks the hashes, this checks who signed.
func (b *Book) VerifyCorrections(auth Authority) error {
	for _, e := range b.Entries {
		for j, v := range e.Versions {
			if j == 0 {
				if v.Correction != nil {
					return fmt.Errorf("%w: result %s: version 1 carries a correction", ErrCorrection, e.ID)
				}
				continue
			}
			sc := v.Correction
			prev := e.Versions[j-1]
			if sc == nil {
				return fmt.Errorf("%w: result %s: version %d has no signed correction", ErrSignature, e.ID, v.N)
			}
			if sc.BaseVersion != prev.N || sc.BaseHash != prev.Hash {
				return fmt.Errorf("%w: result %s: version %d's correction names version %d (%s), previous is %d (%s)", ErrStale, e.ID, v.N, sc.BaseVersion, sc.BaseHash, prev.N, prev.Hash)
			}
			h, err := HashResult(sc.Result)
			if err != nil {
				return err
			}
			if h != v.Hash {
				return fmt.Errorf("%w: result %s: version %d differs from the result its correction signs", ErrCorrection, e.ID, v.N)
			}
			if err := auth.Authorize(*sc, e.Versions[0].Result.Unit); err != nil {
				return fmt.Errorf("result %s version %d: %w", e.ID, v.N, err)
			}
		}
	}
	return nil
}
