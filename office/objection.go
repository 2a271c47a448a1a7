package office

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/review"
	"github.com/shuangsuiji/ssj/trail"
	"github.com/shuangsuiji/ssj/workday"
)

// ObjectionReceipt is the step value of ReceiveObjection.
type ObjectionReceipt struct {
	ID        string
	ResultID  string
	Applicant string
	Grounds   string
}

// ReceiveObjection registers an entity's objection to a published result
// (受理, rule R28); its review deadline counts from the step's date.
func (o *Office) ReceiveObjection(ctx context.Context, s Step, in ObjectionReceipt) (review.Objection, error) {
	const step = "receive objection"
	var ob review.Objection
	err := o.run(ctx, step, s, KindResult, in.ResultID, func(t *txn) error {
		if _, err := t.tx.Get(ctx, KindObjection, in.ID); err == nil {
			return refuse(step, in.ID, "id", in.ID, fmt.Errorf("%w: objection exists", ErrConflict))
		}
		var sr StoredResult
		if _, err := load(ctx, t.tx, KindResult, in.ResultID, &sr); err != nil {
			return refuse(step, in.ID, "result_id", in.ResultID, err)
		}
		if len(sr.Entry.Versions) == 0 {
			return refuse(step, in.ID, "result_id", in.ResultID, errors.New("the result is not published"))
		}
		var err error
		if ob, err = review.Receive(in.ID, in.ResultID, in.Applicant, in.Grounds, date(t.at), t.at, s.Who, o.cal); err != nil {
			return refuse(step, in.ID, "objection", "", err)
		}
		_, err = t.emit(trail.ObjectionReceived, in.ID, map[string]string{"result_id": in.ResultID, "review_due": ob.ReviewDue.String()},
			put{KindObjection, in.ID, ob})
		return err
	})
	return ob, err
}

// StartReview starts the review (复核) of an objection (rule R28).
func (o *Office) StartReview(ctx context.Context, s Step, id string) error {
	const step = "start review"
	return o.objectionStep(ctx, step, s, id, trail.ObjectionReviewing, nil, func(t *txn, ob *review.Objection) error {
		return ob.StartReview(date(t.at), t.at, s.Who)
	})
}

// ObjectionDecision is the step value of DecideObjection. When Correction
// is set, the result is corrected with it in the same transaction (rule
// R28: an error found is corrected; R27: with a signed correction).
type ObjectionDecision struct {
	Decision   review.Decision
	Note       string
	Correction *publish.SignedCorrection
}

// DecideObjection records the review decision (rule R28).
func (o *Office) DecideObjection(ctx context.Context, s Step, id string, d ObjectionDecision) error {
	const step = "decide objection"
	var refused error
	var sc publish.SignedCorrection
	err := o.objectionStep(ctx, step, s, id, trail.ObjectionDecided, map[string]string{"decision": string(d.Decision)}, func(t *txn, ob *review.Objection) error {
		if d.Correction == nil {
			return ob.Decide(d.Decision, 0, d.Note, date(t.at), t.at, s.Who, o.cal)
		}
		sc = *d.Correction
		var sr StoredResult
		if _, err := load(ctx, t.tx, KindResult, ob.ResultID, &sr); err != nil {
			return err
		}
		v, err := o.applyCorrection(t, &sr, sc)
		if err != nil {
			refused = refuse(step, id, "correction", "", err)
			return refused
		}
		if err := ob.Decide(d.Decision, v.N, d.Note, date(t.at), t.at, s.Who, o.cal); err != nil {
			return err
		}
		_, err = t.emit(trail.ResultCorrected, ob.ResultID, map[string]string{"version": strconv.Itoa(v.N), "hash": v.Hash,
			"signer": sc.Correction.Signer, "origin": sc.Correction.Origin}, put{KindResult, ob.ResultID, sr})
		return err
	})
	if refused != nil {
		if terr := o.traceRejectedCorrection(ctx, s, sc, refused); terr != nil {
			return errors.Join(err, terr)
		}
	}
	return err
}

// SendFeedback records that the outcome was sent to the entity (rule R28).
func (o *Office) SendFeedback(ctx context.Context, s Step, id, note string) error {
	const step = "send feedback"
	return o.objectionStep(ctx, step, s, id, trail.ObjectionFeedbackSent, nil, func(t *txn, ob *review.Objection) error {
		return ob.SendFeedback(note, date(t.at), t.at, s.Who)
	})
}

func (o *Office) objectionStep(ctx context.Context, step string, s Step, id string, kind trail.Kind, data map[string]string, fn func(t *txn, ob *review.Objection) error) error {
	return o.run(ctx, step, s, KindObjection, id, func(t *txn) error {
		var ob review.Objection
		if _, err := load(ctx, t.tx, KindObjection, id, &ob); err != nil {
			return refuse(step, id, "id", id, err)
		}
		if err := fn(t, &ob); err != nil {
			var se *StepError
			if errors.As(err, &se) {
				return err
			}
			return refuse(step, id, "state", string(ob.State), err)
		}
		if data == nil {
			data = map[string]string{}
		}
		data["state"] = string(ob.State)
		_, err := t.emit(kind, id, data, put{KindObjection, id, ob})
		return err
	})
}

// Objection returns a stored objection with its binding checked.
func (o *Office) Objection(ctx context.Context, id string) (review.Objection, error) {
	var ob review.Objection
	err := o.view(ctx, func(tx Tx) error {
		_, err := load(ctx, tx, KindObjection, id, &ob)
		return err
	})
	return ob, err
}

// ---- follow-up, summary, retention ----

// RecordFollowUp records one follow-up step for a result (后续处置, rule R29).
func (o *Office) RecordFollowUp(ctx context.Context, s Step, resultID string, f publish.FollowUp) error {
	const step = "follow up"
	if strings.TrimSpace(f.Action) == "" {
		return refuse(step, resultID, "action", "", errors.New("empty"))
	}
	return o.run(ctx, step, s, KindResult, resultID, func(t *txn) error {
		var sr StoredResult
		if _, err := load(ctx, t.tx, KindResult, resultID, &sr); err != nil {
			return refuse(step, resultID, "result_id", resultID, err)
		}
		var list []publish.FollowUp
		if _, err := load(ctx, t.tx, KindFollowUp, resultID, &list); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		list = append(list, f)
		_, err := t.emit(trail.FollowUpRecorded, resultID, map[string]string{"action": f.Action, "date": f.Date.String()}, put{KindFollowUp, resultID, list})
		return err
	})
}

// Report is a stored summary report (rule R25).
type Report struct {
	ID      string          `json:"id"`
	Summary publish.Summary `json:"summary"`
}

// SummaryReport aggregates every stored result, draw and objection as of
// the step's date (rule R25) and stores the report.
func (o *Office) SummaryReport(ctx context.Context, s Step, id string) (publish.Summary, error) {
	const step = "summary report"
	var sum publish.Summary
	err := o.run(ctx, step, s, KindSummary, id, func(t *txn) error {
		if _, err := t.tx.Get(ctx, KindSummary, id); err == nil {
			return refuse(step, id, "id", id, fmt.Errorf("%w: report exists", ErrConflict))
		}
		b := o.book()
		results, err := listAll(ctx, t.tx, KindResult)
		if err != nil {
			return err
		}
		for _, obj := range results {
			var sr StoredResult
			if _, err := load(ctx, t.tx, KindResult, obj.ID, &sr); err != nil {
				return err
			}
			b.Entries = append(b.Entries, sr.Entry)
		}
		sort.Slice(b.Entries, func(i, j int) bool { return b.Entries[i].ID < b.Entries[j].ID })
		var in publish.SummaryInput
		recs, err := listAll(ctx, t.tx, KindRecord)
		if err != nil {
			return err
		}
		for _, obj := range recs {
			var rec draw.Record
			if _, err := load(ctx, t.tx, KindRecord, obj.ID, &rec); err != nil {
				return err
			}
			dept := ""
			if rec.Manifest.Inspectors != nil {
				dept = rec.Manifest.Inspectors.Spec.LaunchingDepartment
			}
			for _, e := range b.Entries { // the department the results are filed under
				if r := e.Current(); r.TaskNo == obj.ID {
					dept = r.Department
					break
				}
			}
			in.Drawn = append(in.Drawn, publish.DrawnCount{TaskNo: obj.ID, Department: dept, N: len(rec.Selected)})
		}
		obs, err := listAll(ctx, t.tx, KindObjection)
		if err != nil {
			return err
		}
		for _, obj := range obs {
			var ob review.Objection
			if _, err := load(ctx, t.tx, KindObjection, obj.ID, &ob); err != nil {
				return err
			}
			in.ObjectionResults = append(in.ObjectionResults, ob.ResultID)
		}
		if sum, err = b.Summarize(o.cal, date(t.at), in); err != nil {
			return refuse(step, id, "summary", "", err)
		}
		_, err = t.emit(trail.SummaryReported, id, map[string]string{"as_of": sum.AsOf.String(), "results": strconv.Itoa(len(b.Entries))},
			put{KindSummary, id, Report{ID: id, Summary: sum}})
		return err
	})
	return sum, err
}

// Retention is the outcome of a retention review (rule R23): the results
// whose retention period (publish.Policy.RetentionYears, at least two
// years) has ended by the review's date. Nothing is deleted: the trail
// must stay verifiable; disposal is a decision outside the office.
type Retention struct {
	On      workday.Date `json:"on"`
	Expired []string     `json:"expired"`
	Kept    int          `json:"kept"`
}

// ReviewRetention checks every result's keep-until date against the step's
// date and records the outcome (rule R23).
func (o *Office) ReviewRetention(ctx context.Context, s Step) (Retention, error) {
	const step = "review retention"
	var r Retention
	err := o.run(ctx, step, s, "", "retention", func(t *txn) error {
		r = Retention{On: date(t.at), Expired: []string{}}
		results, err := listAll(ctx, t.tx, KindResult)
		if err != nil {
			return err
		}
		for _, obj := range results {
			var sr StoredResult
			if _, err := load(ctx, t.tx, KindResult, obj.ID, &sr); err != nil {
				return err
			}
			if sr.Entry.KeepUntil.Before(r.On) {
				r.Expired = append(r.Expired, obj.ID)
			} else {
				r.Kept++
			}
		}
		_, err = t.emit(trail.RetentionReviewed, "retention/"+r.On.String(), map[string]string{"expired": strconv.Itoa(len(r.Expired)), "kept": strconv.Itoa(r.Kept)},
			put{KindRetention, r.On.String(), r})
		return err
	})
	return r, err
}

// ObjectionStanding reports an objection's standing against its rule R28
// deadlines, as of the office clock's today (never a client-supplied date).
func (o *Office) ObjectionStanding(ctx context.Context, id string) (review.Standing, error) {
	ob, err := o.Objection(ctx, id)
	if err != nil {
		return "", err
	}
	return ob.Standing(o.cal, date(o.clock.Now()), review.DefaultSoonWorkdays)
}

// ResultStatus reports a result's standing against its rule R26 deadline:
// for a published result from its recorded dates, otherwise as of the
// office clock's today.
func (o *Office) ResultStatus(ctx context.Context, id string) (publish.DeadlineStatus, error) {
	sr, err := o.Result(ctx, id)
	if err != nil {
		return "", err
	}
	return o.book(sr.Entry).Status(sr.Entry, o.cal, date(o.clock.Now()))
}

// Objections returns every stored objection in ID order, each binding
// checked.
func (o *Office) Objections(ctx context.Context) ([]review.Objection, error) {
	var out []review.Objection
	err := o.view(ctx, func(tx Tx) error {
		objs, err := listAll(ctx, tx, KindObjection)
		if err != nil {
			return err
		}
		for _, obj := range objs {
			var ob review.Objection
			if _, err := load(ctx, tx, KindObjection, obj.ID, &ob); err != nil {
				return err
			}
			out = append(out, ob)
		}
		return nil
	})
	return out, err
}

// Today is the office clock's date in China Standard Time: the date
// deadline standings (ObjectionStanding, ResultStatus) are judged on.
func (o *Office) Today() workday.Date { return date(o.clock.Now()) }
