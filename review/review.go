package review

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/workday"

	"github.com/shuangsuiji/ssj/internal/jsonin"
)

// Statutory periods of rule R28 (001 第二十一条), in working days; the
// deadlines themselves are computed with workday.ReviewDue and
// workday.FeedbackDue, which carry the same numbers.
const (
	ReviewWorkdays   = 20 // review within 20 working days of receipt
	FeedbackWorkdays = 15 // feedback within 15 working days of the decision
)

// DefaultSoonWorkdays: a step is "due soon" when at most this many working
// days remain.
const DefaultSoonWorkdays = 3

// State is where an objection stands.
type State string

// Objection states.
const (
	Received     State = "received"      // 已受理
	UnderReview  State = "under_review"  // 复核中
	Decided      State = "decided"       // 已作出复核结果
	FeedbackSent State = "feedback_sent" // 已反馈
)

// Decision is the outcome of a review.
type Decision string

// Review decisions.
const (
	DecisionUpheld    Decision = "upheld"    // 维持原检查结果
	DecisionCorrected Decision = "corrected" // 确有错误，予以更正
)

// Errors.
var (
	// ErrTransition is matched by every *TransitionError.
	ErrTransition = errors.New("review: transition not allowed")
	// ErrDate: a step is dated before the previous one.
	ErrDate = errors.New("review: date before the previous step")
	// ErrInput: a required field is missing or invalid.
	ErrInput = errors.New("review: invalid input")
)

// TransitionError is an action attempted in a state that does not allow it.
type TransitionError struct {
	ID     string
	From   State
	Action string
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("review: objection %s: cannot %s when %s", e.ID, e.Action, e.From)
}

// Is makes errors.Is(err, ErrTransition) true.
func (e *TransitionError) Is(target error) bool { return target == ErrTransition }

// Step is one recorded step of an objection.
type Step struct {
	State State        `json:"state"`
	On    workday.Date `json:"on"`
	At    time.Time    `json:"at"`
	By    string       `json:"by"`
	Note  string       `json:"note,omitempty"`
}

// Objection is one objection and its review.
type Objection struct {
	ID        string       `json:"id"`
	ResultID  string       `json:"result_id"`
	Applicant string       `json:"applicant"`
	Grounds   string       `json:"grounds"`
	State     State        `json:"state"`
	Received  workday.Date `json:"received_on"`
	ReviewDue workday.Date `json:"review_due"`
	// DecidedOn, FeedbackDue and FeedbackOn are set as the workflow advances.
	DecidedOn   *workday.Date `json:"decided_on,omitempty"`
	Decision    Decision      `json:"decision,omitempty"`
	FeedbackDue *workday.Date `json:"feedback_due,omitempty"`
	FeedbackOn  *workday.Date `json:"feedback_on,omitempty"`
	// CorrectionVersion is the result version the correction produced.
	CorrectionVersion int          `json:"correction_version,omitempty"`
	Steps             []Step       `json:"steps"`
	KeepUntil         workday.Date `json:"keep_until"`
}

// Receive registers an objection received on `on` (受理) and computes its
// review deadline.
func Receive(id, resultID, applicant, grounds string, on workday.Date, at time.Time, by string, cal *workday.Calendar) (Objection, error) {
	for _, f := range []struct{ name, v string }{{"id", id}, {"result_id", resultID}, {"applicant", applicant}, {"grounds", grounds}, {"by", by}} {
		if strings.TrimSpace(f.v) == "" {
			return Objection{}, fmt.Errorf("%w: objection %q: %s is empty", ErrInput, id, f.name)
		}
	}
	if on.IsZero() {
		return Objection{}, fmt.Errorf("%w: objection %s: received date is missing", ErrInput, id)
	}
	due, err := cal.Due(on, workday.ReviewDue())
	if err != nil {
		return Objection{}, fmt.Errorf("review: objection %s: %w", id, err)
	}
	return Objection{ID: id, ResultID: resultID, Applicant: applicant, Grounds: grounds, State: Received,
		Received: on, ReviewDue: due, KeepUntil: publish.KeepUntil(on, publish.DefaultRetentionYears),
		Steps: []Step{{State: Received, On: on, At: at.UTC(), By: by, Note: grounds}}}, nil
}

func (o *Objection) last() workday.Date { return o.Steps[len(o.Steps)-1].On }

func (o *Objection) step(s State, on workday.Date, at time.Time, by, note string) error {
	if strings.TrimSpace(by) == "" {
		return fmt.Errorf("%w: objection %s: %s: by is empty", ErrInput, o.ID, s)
	}
	if on.IsZero() {
		return fmt.Errorf("%w: objection %s: %s: date is missing", ErrInput, o.ID, s)
	}
	if len(o.Steps) > 0 && on.Before(o.last()) {
		return fmt.Errorf("%w: objection %s: %s on %s, previous step on %s", ErrDate, o.ID, s, on, o.last())
	}
	o.State = s
	o.Steps = append(o.Steps, Step{State: s, On: on, At: at.UTC(), By: by, Note: note})
	if k := publish.KeepUntil(on, publish.DefaultRetentionYears); k.After(o.KeepUntil) {
		o.KeepUntil = k
	}
	return nil
}

// StartReview moves a received objection under review.
func (o *Objection) StartReview(on workday.Date, at time.Time, by string) error {
	if o.State != Received {
		return &TransitionError{ID: o.ID, From: o.State, Action: "start review"}
	}
	return o.step(UnderReview, on, at, by, "")
}

// Decide records the review decision and computes the feedback deadline.
// DecisionCorrected needs the version number the signed correction
// produced (see DecideWithCorrection); DecisionUpheld needs 0.
func (o *Objection) Decide(d Decision, correctionVersion int, note string, on workday.Date, at time.Time, by string, cal *workday.Calendar) error {
	if o.State != UnderReview {
		return &TransitionError{ID: o.ID, From: o.State, Action: "decide"}
	}
	switch d {
	case DecisionUpheld:
		if correctionVersion != 0 {
			return fmt.Errorf("%w: objection %s: upheld but correction version %d given", ErrInput, o.ID, correctionVersion)
		}
	case DecisionCorrected:
		if correctionVersion < 2 {
			return fmt.Errorf("%w: objection %s: corrected needs the corrected result version (≥ 2), got %d", ErrInput, o.ID, correctionVersion)
		}
	default:
		return fmt.Errorf("%w: objection %s: decision %q: want upheld or corrected", ErrInput, o.ID, d)
	}
	if strings.TrimSpace(note) == "" {
		return fmt.Errorf("%w: objection %s: the decision needs a note stating its grounds", ErrInput, o.ID)
	}
	due, err := cal.Due(on, workday.FeedbackDue())
	if err != nil {
		return fmt.Errorf("review: objection %s: %w", o.ID, err)
	}
	if err := o.step(Decided, on, at, by, note); err != nil {
		return err
	}
	o.Decision, o.CorrectionVersion = d, correctionVersion
	o.DecidedOn, o.FeedbackDue = &on, &due
	return nil
}

// DecideWithCorrection applies a signed correction arising from this
// objection to the book (publish.Book.Correct: signature, reason and
// version checks) and records the decision DecisionCorrected with the new
// version. The correction's Origin must be "objection:" + o.ID and its
// ResultID the objection's result. Nothing changes if either step fails.
func (o *Objection) DecideWithCorrection(book *publish.Book, sc publish.SignedCorrection, auth publish.Authority, note string, on workday.Date, at time.Time, by string, cal *workday.Calendar) (publish.Version, error) {
	if o.State != UnderReview {
		return publish.Version{}, &TransitionError{ID: o.ID, From: o.State, Action: "decide"}
	}
	if sc.ResultID != o.ResultID {
		return publish.Version{}, fmt.Errorf("%w: objection %s disputes %s, the correction is for %s", ErrInput, o.ID, o.ResultID, sc.ResultID)
	}
	if sc.Origin != "objection:"+o.ID {
		return publish.Version{}, fmt.Errorf("%w: objection %s: correction origin %q, want %q", ErrInput, o.ID, sc.Origin, "objection:"+o.ID)
	}
	if _, err := cal.Due(on, workday.FeedbackDue()); err != nil {
		return publish.Version{}, fmt.Errorf("review: objection %s: %w", o.ID, err)
	}
	if len(o.Steps) > 0 && on.Before(o.last()) {
		return publish.Version{}, fmt.Errorf("%w: objection %s: decided on %s, previous step on %s", ErrDate, o.ID, on, o.last())
	}
	if strings.TrimSpace(note) == "" || strings.TrimSpace(by) == "" {
		return publish.Version{}, fmt.Errorf("%w: objection %s: the decision needs a note and by", ErrInput, o.ID)
	}
	v, err := book.Correct(sc, auth, on)
	if err != nil {
		return publish.Version{}, fmt.Errorf("objection %s: %w", o.ID, err)
	}
	if err := o.Decide(DecisionCorrected, v.N, note, on, at, by, cal); err != nil {
		// Unreachable: every precondition was checked above.
		return v, err
	}
	return v, nil
}

// SendFeedback records that the entity was told the outcome (反馈).
func (o *Objection) SendFeedback(note string, on workday.Date, at time.Time, by string) error {
	if o.State != Decided {
		return &TransitionError{ID: o.ID, From: o.State, Action: "send feedback"}
	}
	if err := o.step(FeedbackSent, on, at, by, note); err != nil {
		return err
	}
	o.FeedbackOn = &on
	return nil
}

// Standing is an objection's position against its deadlines.
type Standing string

// Standings.
const (
	ReviewPending   Standing = "review_pending"
	ReviewDueSoon   Standing = "review_due_soon"
	ReviewOverdue   Standing = "review_overdue"
	FeedbackPending Standing = "feedback_pending"
	FeedbackDueSoon Standing = "feedback_due_soon"
	FeedbackOverdue Standing = "feedback_overdue"
	ClosedOnTime    Standing = "closed_on_time"
	ClosedLate      Standing = "closed_late"
)

// ReviewLate reports whether the decision came after the review deadline.
func (o Objection) ReviewLate() bool {
	return o.DecidedOn != nil && o.DecidedOn.After(o.ReviewDue)
}

// Standing reports the objection's standing as of today; soon is the
// due-soon window in working days (DefaultSoonWorkdays if negative).
func (o Objection) Standing(cal *workday.Calendar, today workday.Date, soon int) (Standing, error) {
	if soon < 0 {
		soon = DefaultSoonWorkdays
	}
	classify := func(due workday.Date, pending, dueSoon, overdue Standing) (Standing, error) {
		st, err := cal.StatusAt(due, today.Start(), soon)
		if err != nil {
			return "", fmt.Errorf("review: objection %s: %w", o.ID, err)
		}
		switch st.State {
		case workday.Overdue:
			return overdue, nil
		case workday.DueSoon:
			return dueSoon, nil
		}
		return pending, nil
	}
	switch o.State {
	case Received, UnderReview:
		return classify(o.ReviewDue, ReviewPending, ReviewDueSoon, ReviewOverdue)
	case Decided:
		return classify(*o.FeedbackDue, FeedbackPending, FeedbackDueSoon, FeedbackOverdue)
	case FeedbackSent:
		if o.ReviewLate() || o.FeedbackOn.After(*o.FeedbackDue) {
			return ClosedLate, nil
		}
		return ClosedOnTime, nil
	}
	return "", fmt.Errorf("%w: objection %s: state %q", ErrInput, o.ID, o.State)
}

// Register is the set of objections a unit holds, sorted by ID.
type Register struct {
	Objections []Objection `json:"objections"`
}

// Add inserts a new objection; its ID must be new.
func (r *Register) Add(o Objection) error {
	i := sort.Search(len(r.Objections), func(i int) bool { return r.Objections[i].ID >= o.ID })
	if i < len(r.Objections) && r.Objections[i].ID == o.ID {
		return fmt.Errorf("%w: objection %s already exists", ErrInput, o.ID)
	}
	r.Objections = append(r.Objections, Objection{})
	copy(r.Objections[i+1:], r.Objections[i:])
	r.Objections[i] = o
	return nil
}

// Get returns a pointer to the objection with id, for updating in place.
func (r *Register) Get(id string) (*Objection, error) {
	i := sort.Search(len(r.Objections), func(i int) bool { return r.Objections[i].ID >= id })
	if i < len(r.Objections) && r.Objections[i].ID == id {
		return &r.Objections[i], nil
	}
	return nil, fmt.Errorf("%w: no objection %q", ErrInput, id)
}

// ResultIDs returns the disputed result ID of every objection, in ID order
// (the input publish.SummaryInput.ObjectionResults expects).
func (r *Register) ResultIDs() []string {
	out := make([]string, len(r.Objections))
	for i, o := range r.Objections {
		out[i] = o.ResultID
	}
	return out
}

// DecodeRegister reads a register written as JSON strictly and checks that
// each objection's state agrees with its steps and dates.
func DecodeRegister(rd io.Reader) (*Register, error) {
	data, err := io.ReadAll(io.LimitReader(rd, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("review: reading register: %w", err)
	}
	var r Register
	if err := jsonin.Decode(data, &r, jsonin.Options{}); err != nil {
		return nil, fmt.Errorf("%w: register: %w", ErrInput, err)
	}
	order := map[State]int{Received: 0, UnderReview: 1, Decided: 2, FeedbackSent: 3}
	for i, o := range r.Objections {
		if i > 0 && r.Objections[i-1].ID >= o.ID {
			return nil, fmt.Errorf("%w: register objection #%d: id %q out of order or repeated", ErrInput, i, o.ID)
		}
		n, ok := order[o.State]
		if !ok || len(o.Steps) != n+1 {
			return nil, fmt.Errorf("%w: objection %s: state %q with %d steps", ErrInput, o.ID, o.State, len(o.Steps))
		}
		for j, s := range o.Steps {
			if order[s.State] != j || (j > 0 && s.On.Before(o.Steps[j-1].On)) {
				return nil, fmt.Errorf("%w: objection %s: step %d (%s on %s) out of order", ErrInput, o.ID, j, s.State, s.On)
			}
		}
		if n >= 2 && (o.DecidedOn == nil || o.FeedbackDue == nil) {
			return nil, fmt.Errorf("%w: objection %s: decided without decided_on/feedback_due", ErrInput, o.ID)
		}
		if n == 3 && o.FeedbackOn == nil {
			return nil, fmt.Errorf("%w: objection %s: feedback sent without feedback_on", ErrInput, o.ID)
		}
	}
	return &r, nil
}
