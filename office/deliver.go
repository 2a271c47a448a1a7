package office

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/trail"
	"github.com/shuangsuiji/ssj/workday"
)

// PublicationKind is what a publication carries to a publication
// platform (公示平台).
type PublicationKind string

// The publication kinds. Each publishing step of the office yields one or
// two publications: Dispatch an announcement, Release a result version
// and its credit-record entry, Correct (and DecideObjection with a
// correction) a correction and its credit-record entry, SummaryReport a
// summary report.
const (
	// PublicationAnnouncement is a task announcement (任务公示): the
	// stored publish.Document.
	PublicationAnnouncement PublicationKind = "announcement"
	// PublicationResult is one published result version (抽查结果公示): a
	// publish.PublicRecord, inspectors masked.
	PublicationResult PublicationKind = "result_version"
	// PublicationCorrection is a corrected result version (R27): a
	// publish.PublicRecord with its correction reason.
	PublicationCorrection PublicationKind = "correction"
	// PublicationSummary is a summary report (R25): the stored Report.
	PublicationSummary PublicationKind = "summary_report"
	// PublicationCredit is a credit-record entry (信用记录, R30): a
	// CreditEntry for each published result version and correction.
	PublicationCredit PublicationKind = "credit_entry"
)

// KindReceipt is the object kind of a platform's receipt for one
// publication (ID: publisher name/idempotency key).
const KindReceipt = "receipt"

// Publication is one document the office hands to a Publisher. The
// office derives it from a publishing trail event and the state that
// event created, so the same event always gives the same publication,
// under the same Key, with the same bytes.
type Publication struct {
	// Key is the idempotency key: "ssj-" + the first 32 hex digits of
	// the source event's hash + "-" + a kind tag. A platform that has
	// seen the key must answer with its first receipt, never publish
	// twice.
	Key     string          `json:"key"`
	Kind    PublicationKind `json:"kind"`
	Subject string          `json:"subject"` // task ID, result ID, report ID
	// MediaType of Body; application/json for every kind the office makes.
	MediaType string `json:"media_type"`
	Body      []byte `json:"body"`
	// SHA256 is the lower-case hex SHA-256 of Body.
	SHA256 string `json:"sha256"`
	// EventSeq and EventHash name the trail event the publication comes
	// from.
	EventSeq  int64  `json:"event_seq"`
	EventHash string `json:"event_hash"`
}

// Receipt is a publication platform's acknowledgement of one publication.
type Receipt struct {
	// Key is the publication's idempotency key.
	Key string `json:"key"`
	// PlatformID is the platform's own ID of the publication; required.
	PlatformID string `json:"platform_id"`
	// URL is where the public can see it, when the platform says.
	URL string `json:"url,omitempty"`
	// ReceivedAt is when the platform received it (its clock, UTC).
	ReceivedAt time.Time `json:"received_at"`
	// Duplicate is set when the platform had the key already and answered
	// with its first receipt.
	Duplicate bool `json:"duplicate,omitempty"`
}

// Publisher pushes publications to a publication platform (公示平台): an
// in-process implementation, or a publisher plugin through
// adapters/host's PublisherClient; the office cannot tell them apart.
//
// Publish must be idempotent by p.Key: a key delivered before is answered
// with the first receipt (Duplicate set) and not published again. Errors
// wrap the office sentinels: ErrUnavailable when the platform could not
// be reached (Deliver stops; the next run re-sends with the same key),
// ErrPrecondition when the platform refused the document.
type Publisher interface {
	Publish(ctx context.Context, p Publication) (Receipt, error)
	Close() error
}

// CreditEntry is the credit-record entry (信用记录, rule R30) a published
// result version or correction feeds: the entity, the authority, the
// date, the conclusion, the measures and the link to the public page.
type CreditEntry struct {
	USCC       string       `json:"uscc"`
	Name       string       `json:"name"`
	Authority  string       `json:"authority"`
	Date       workday.Date `json:"date"`
	Conclusion string       `json:"conclusion"`
	Measures   []string     `json:"measures,omitempty"`
	// Link is the public page of the result version (DeliverOptions.
	// PublicBase + "/" + result ID + "?version=N"); empty without a base.
	Link     string `json:"link,omitempty"`
	ResultID string `json:"result_id"`
	Version  int    `json:"version"`
	// CorrectionReason is set on the entry of a correction.
	CorrectionReason string `json:"correction_reason,omitempty"`
}

// StoredReceipt is the object (kind KindReceipt) recording that one
// publication reached one publisher's platform, bound to its
// publication.delivered trail event.
type StoredReceipt struct {
	Publisher string          `json:"publisher"`
	Key       string          `json:"key"`
	Kind      PublicationKind `json:"kind"`
	Subject   string          `json:"subject"`
	SHA256    string          `json:"sha256"`
	// EventSeq and EventHash name the source event of the publication.
	EventSeq  int64  `json:"event_seq"`
	EventHash string `json:"event_hash"`
	// PublicBase is the link base credit entries were made with.
	PublicBase string  `json:"public_base,omitempty"`
	Receipt    Receipt `json:"receipt"`
}

// DeliverOptions configure Deliver.
type DeliverOptions struct {
	// Publisher names the destination (e.g. the plugin name); receipts
	// are kept per publisher, so each destination gets every publication
	// exactly once. Lower-case letters, digits, '.', '_' and '-'.
	Publisher string
	// PublicBase is the base URL of the public result pages, for the
	// credit entries' links (e.g. https://example.gov.cn/api/v1/results).
	// Keep it fixed for a publisher: the key of a credit entry does not
	// change with it.
	PublicBase string
	// Limit stops after that many deliveries when positive.
	Limit int
}

// DeliveryReport is what one Deliver run did.
type DeliveryReport struct {
	Publisher string `json:"publisher"`
	// Sent counts the publications delivered and recorded in this run.
	Sent int `json:"sent"`
	// Duplicates counts those the platform already had (a send whose
	// receipt was lost, e.g. by a crash, then re-sent with the same key).
	Duplicates int `json:"duplicates"`
	// Pending counts the publications still without a receipt after the
	// run.
	Pending  int             `json:"pending"`
	Receipts []StoredReceipt `json:"receipts"`
}

// DeliveryError is a publication Deliver could not deliver: the key, the
// publication and the publisher's error (which wraps an office sentinel
// when the publisher says what went wrong).
type DeliveryError struct {
	Publisher string
	Key       string
	Kind      PublicationKind
	Subject   string
	Err       error
}

func (e *DeliveryError) Error() string {
	return fmt.Sprintf("office: deliver %s %s (key %s) to %q: %v", e.Kind, e.Subject, e.Key, e.Publisher, e.Err)
}

func (e *DeliveryError) Unwrap() error { return e.Err }

// errRecorded: the receipt was recorded meanwhile (a concurrent run).
var errRecorded = errors.New("receipt already recorded")

// Deliver sends every publication of the trail that has no receipt from
// opt.Publisher yet through p, oldest event first, and records each
// receipt (object kind KindReceipt, trail event publication.delivered)
// in its own transaction. The publications are the outbox: they are
// derived from the publishing events (result.published,
// result.corrected, announcement.published, summary.reported), which the
// steps wrote in the same transaction as the state they publish, so
// nothing published can be missed. A crash between the send and the
// receipt's transaction re-sends the publication with the same key on
// the next run; the platform answers it with its first receipt.
//
// Deliver stops at the first publication p does not deliver and returns
// a *DeliveryError with the report so far.
func (o *Office) Deliver(ctx context.Context, s Step, p Publisher, opt DeliverOptions) (DeliveryReport, error) {
	rep := DeliveryReport{Publisher: opt.Publisher, Receipts: []StoredReceipt{}}
	if !validPublisherName(opt.Publisher) {
		return rep, refuse("deliver", opt.Publisher, "publisher", opt.Publisher, errors.New("want lower-case letters, digits, '.', '_' or '-' (at most 64)"))
	}
	if p == nil {
		return rep, refuse("deliver", opt.Publisher, "publisher", opt.Publisher, errors.New("no Publisher"))
	}
	if err := o.checkStepTime(ctx, "deliver", opt.Publisher, s); err != nil {
		return rep, err
	}
	const batch = 256
	from := int64(0) // the events before it yield nothing left to send
	for opt.Limit <= 0 || rep.Sent < opt.Limit {
		n := batch
		if opt.Limit > 0 {
			n = min(n, opt.Limit-rep.Sent)
		}
		pending, _, err := o.outboxFrom(ctx, opt, n, from, false)
		if err != nil {
			return rep, err
		}
		if len(pending) == 0 {
			break
		}
		from = pending[len(pending)-1].EventSeq
		for _, pub := range pending {
			sr, err := o.deliverOne(ctx, s, p, opt, pub)
			if errors.Is(err, errRecorded) {
				continue
			}
			if err != nil {
				_, n, cerr := o.outbox(ctx, opt, 1)
				if cerr != nil {
					return rep, errors.Join(err, fmt.Errorf("office: counting what is left to deliver: %w", cerr))
				}
				rep.Pending = n
				return rep, err
			}
			rep.Sent++
			if sr.Receipt.Duplicate {
				rep.Duplicates++
			}
			rep.Receipts = append(rep.Receipts, sr)
		}
	}
	_, pending, err := o.outbox(ctx, opt, 1) // counts them all, keeps one
	rep.Pending = pending
	return rep, err
}

func (o *Office) deliverOne(ctx context.Context, s Step, p Publisher, opt DeliverOptions, pub Publication) (StoredReceipt, error) {
	fail := func(err error) (StoredReceipt, error) {
		return StoredReceipt{}, &DeliveryError{Publisher: opt.Publisher, Key: pub.Key, Kind: pub.Kind, Subject: pub.Subject, Err: err}
	}
	rc, err := p.Publish(ctx, pub)
	if err != nil {
		return fail(err)
	}
	if rc.Key == "" {
		rc.Key = pub.Key
	}
	if rc.Key != pub.Key {
		return fail(fmt.Errorf("%w: the receipt is for key %q", ErrPrecondition, rc.Key))
	}
	if strings.TrimSpace(rc.PlatformID) == "" {
		return fail(fmt.Errorf("%w: the receipt has no platform ID", ErrPrecondition))
	}
	rc.ReceivedAt = rc.ReceivedAt.UTC()
	sr := StoredReceipt{Publisher: opt.Publisher, Key: pub.Key, Kind: pub.Kind, Subject: pub.Subject, SHA256: pub.SHA256,
		EventSeq: pub.EventSeq, EventHash: pub.EventHash, PublicBase: opt.PublicBase, Receipt: rc}
	id := opt.Publisher + "/" + pub.Key
	err = o.run(ctx, "deliver", s, "", id, func(t *txn) error {
		if _, err := t.tx.Get(ctx, KindReceipt, id); err == nil {
			return errRecorded
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		data := map[string]string{"publisher": opt.Publisher, "key": pub.Key, "publication": string(pub.Kind),
			"sha256": pub.SHA256, "source_seq": strconv.FormatInt(pub.EventSeq, 10), "platform_id": rc.PlatformID}
		if rc.Duplicate {
			data["duplicate"] = "true"
		}
		_, err := t.emit(trail.PublicationDelivered, pub.Subject, data, put{KindReceipt, id, sr})
		return err
	})
	if err != nil {
		return StoredReceipt{}, err
	}
	return sr, nil
}

// Outbox returns the publications that have no receipt from
// opt.Publisher yet, oldest event first (at most opt.Limit when
// positive).
func (o *Office) Outbox(ctx context.Context, opt DeliverOptions) ([]Publication, error) {
	pubs, _, err := o.outbox(ctx, opt, opt.Limit)
	return pubs, err
}

// Receipts returns the receipts recorded for a publisher, in key order.
func (o *Office) Receipts(ctx context.Context, publisher string) ([]StoredReceipt, error) {
	var out []StoredReceipt
	err := o.view(ctx, func(tx Tx) error {
		after := publisher + "/"
		for {
			page, err := tx.Latest(ctx, KindReceipt, after, 500)
			if err != nil {
				return err
			}
			for _, obj := range page {
				if !strings.HasPrefix(obj.ID, publisher+"/") {
					return nil
				}
				var sr StoredReceipt
				if _, err := load(ctx, tx, KindReceipt, obj.ID, &sr); err != nil {
					return err
				}
				out = append(out, sr)
			}
			if len(page) < 500 {
				return nil
			}
			after = page[len(page)-1].ID
		}
	})
	return out, err
}

// outbox scans the trail for publications without a receipt from
// opt.Publisher: it returns the first limit of them (all when limit <= 0)
// and how many there are.
func (o *Office) outbox(ctx context.Context, opt DeliverOptions, limit int) ([]Publication, int, error) {
	return o.outboxFrom(ctx, opt, limit, 0, true)
}

// outboxFrom is outbox over the events from seq `from` on; without count
// it stops at the limit (and the count it returns is not the total).
func (o *Office) outboxFrom(ctx context.Context, opt DeliverOptions, limit int, from int64, count bool) ([]Publication, int, error) {
	var out []Publication
	n := 0
	err := o.view(ctx, func(tx Tx) error {
		for {
			page, err := tx.Events(ctx, from, 1000)
			if err != nil {
				return err
			}
			for _, row := range page {
				ev, err := decodeEvent(tx, row)
				if err != nil {
					return err
				}
				if !publishing(ev.Kind) {
					continue
				}
				// The keys come from the event alone: an event whose
				// publications all have receipts is not read further.
				done := true
				for _, tag := range keyTags(ev.Kind) {
					_, err := tx.Get(ctx, KindReceipt, opt.Publisher+"/"+pubKey(ev, tag))
					if errors.Is(err, ErrNotFound) {
						done = false
						break
					}
					if err != nil {
						return err
					}
				}
				if done {
					continue
				}
				pubs, err := publicationsOf(ctx, tx, ev, opt.PublicBase)
				if err != nil {
					return err
				}
				for _, p := range pubs {
					_, err := tx.Get(ctx, KindReceipt, opt.Publisher+"/"+p.Key)
					if err == nil {
						continue
					}
					if !errors.Is(err, ErrNotFound) {
						return err
					}
					n++
					if limit <= 0 || len(out) < limit {
						out = append(out, p)
					} else if !count {
						return nil
					}
				}
			}
			if len(page) < 1000 {
				return nil
			}
			from = page[len(page)-1].Seq + 1
		}
	})
	return out, n, err
}

func publishing(k trail.Kind) bool {
	switch k {
	case trail.AnnouncementPublished, trail.ResultPublished, trail.ResultCorrected, trail.SummaryReported:
		return true
	}
	return false
}

// createdBy returns the object revision of kind that ev created, binding
// checked.
func createdBy(ctx context.Context, tx Tx, ev trail.Event, kind string) (Object, error) {
	for _, k := range sortedKeys(ev.Data) {
		kk, id, rev, ok := parseObjectKey(k)
		if !ok || kk != kind {
			continue
		}
		obj, err := tx.GetRev(ctx, kind, id, rev)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return obj, &BindingError{Table: "objects", ID: fmt.Sprintf("%s/%s@%d", kind, id, rev), Field: "kind/id/rev", Detail: fmt.Sprintf("created by event %d but missing from the store", ev.Seq)}
			}
			return obj, err
		}
		return obj, bindingHolds(tx, obj, ev)
	}
	return Object{}, &BindingError{Table: "events", ID: strconv.FormatInt(ev.Seq, 10), Field: "data", Detail: fmt.Sprintf("the %s event created no %s object", ev.Kind, kind)}
}

// publicationsOf derives the publications of one publishing event.
func publicationsOf(ctx context.Context, tx Tx, ev trail.Event, base string) ([]Publication, error) {
	mk := func(kind PublicationKind, tag, subject string, body []byte) Publication {
		return Publication{Key: pubKey(ev, tag), Kind: kind, Subject: subject, MediaType: "application/json",
			Body: body, SHA256: sha256Hex(body), EventSeq: ev.Seq, EventHash: ev.Hash}
	}
	if len(ev.Hash) < 32 {
		return nil, &BindingError{Table: "events", ID: strconv.FormatInt(ev.Seq, 10), Field: "hash", Detail: "too short"}
	}
	switch ev.Kind {
	case trail.AnnouncementPublished:
		obj, err := createdBy(ctx, tx, ev, KindAnnouncement)
		if err != nil {
			return nil, err
		}
		return []Publication{mk(PublicationAnnouncement, "announcement", obj.ID, obj.Body)}, nil
	case trail.SummaryReported:
		obj, err := createdBy(ctx, tx, ev, KindSummary)
		if err != nil {
			return nil, err
		}
		return []Publication{mk(PublicationSummary, "summary", obj.ID, obj.Body)}, nil
	case trail.ResultPublished, trail.ResultCorrected:
		obj, err := createdBy(ctx, tx, ev, KindResult)
		if err != nil {
			return nil, err
		}
		var sr StoredResult
		if err := json.Unmarshal(obj.Body, &sr); err != nil {
			return nil, &BindingError{Table: "objects", ID: objName(obj), Field: "body", Detail: err.Error()}
		}
		n, err := strconv.Atoi(ev.Data["version"])
		if err != nil || n < 1 || n > len(sr.Entry.Versions) || sr.Entry.Versions[n-1].N != n {
			return nil, &BindingError{Table: "events", ID: strconv.FormatInt(ev.Seq, 10), Field: "data.version",
				Detail: fmt.Sprintf("%q is not a version of result %s", ev.Data["version"], obj.ID)}
		}
		v := sr.Entry.Versions[n-1]
		rec := publish.PublicOf(v, publish.ViewOptions{})
		doc, err := json.Marshal(rec)
		if err != nil {
			return nil, err
		}
		credit, err := json.Marshal(creditOf(rec, base))
		if err != nil {
			return nil, err
		}
		kind, tag := PublicationResult, "result"
		if ev.Kind == trail.ResultCorrected {
			kind, tag = PublicationCorrection, "correction"
		}
		subject := obj.ID + "@" + strconv.Itoa(n)
		return []Publication{mk(kind, tag, subject, doc), mk(PublicationCredit, "credit", subject, credit)}, nil
	}
	return nil, nil
}

// pubKey is the idempotency key of the publication of ev with that tag.
func pubKey(ev trail.Event, tag string) string {
	h := ev.Hash
	if len(h) > 32 {
		h = h[:32]
	}
	return "ssj-" + h + "-" + tag
}

// keyTags are the key tags of the publications of a publishing event.
func keyTags(k trail.Kind) []string {
	switch k {
	case trail.AnnouncementPublished:
		return []string{"announcement"}
	case trail.SummaryReported:
		return []string{"summary"}
	case trail.ResultPublished:
		return []string{"result", "credit"}
	case trail.ResultCorrected:
		return []string{"correction", "credit"}
	}
	return nil
}

// creditOf makes the credit-record entry of a public record (R30).
func creditOf(rec publish.PublicRecord, base string) CreditEntry {
	c := CreditEntry{USCC: rec.CreditCode, Name: rec.TargetName, Authority: rec.Agency, Date: rec.PublishedOn,
		Conclusion: rec.Result, Measures: rec.Measures, ResultID: rec.ResultID, Version: rec.Version,
		CorrectionReason: rec.CorrectionReason}
	if base != "" {
		c.Link = strings.TrimRight(base, "/") + "/" + url.PathEscape(rec.ResultID) + "?version=" + strconv.Itoa(rec.Version)
	}
	return c
}

func validPublisherName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case (c == '.' || c == '_' || c == '-') && i > 0:
		default:
			return false
		}
	}
	return true
}

// checkStepTime refuses, before anything is sent, a step time the
// receipts' steps would be refused for: after the clock's now plus the
// skew, or before the trail's last event.
func (o *Office) checkStepTime(ctx context.Context, step, subject string, s Step) error {
	if strings.TrimSpace(s.Who) == "" {
		return refuse(step, subject, "who", "", errors.New("the actor is empty"))
	}
	now := o.clock.Now()
	at := s.At
	if at.IsZero() {
		at = now
	}
	if limit := now.Add(o.skew); at.After(limit) {
		return &TimeError{Step: step, Subject: subject, At: at, Bound: limit, Rule: "clock"}
	}
	last, err := o.LastEvent(ctx)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if at.Before(last.Time) {
		return &TimeError{Step: step, Subject: subject, At: at, Bound: last.Time, Rule: "trail"}
	}
	return nil
}

// sha256Hex is the hex SHA-256 of b: a publication's transport checksum
// (Publication.SHA256), SHA-256 whatever the store's suite, since the
// platform checks it and it is not part of the trail's chain.
func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
