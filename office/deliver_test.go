package office_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/trail"
)

// platform is an in-memory publication platform: it dedups by key, counts
// what it published, and fails at random (seeded) before or after
// publishing; "after" loses the receipt, as a crash or a dropped
// connection would.
type platform struct {
	mu        sync.Mutex
	rng       *rand.Rand
	failRate  float64
	published map[string]office.Publication
	receipts  map[string]office.Receipt
	calls     int
}

func newPlatform(seed uint64, failRate float64) *platform {
	return &platform{rng: rand.New(rand.NewPCG(seed, 11)), failRate: failRate,
		published: map[string]office.Publication{}, receipts: map[string]office.Receipt{}}
}

func (p *platform) Publish(_ context.Context, pub office.Publication) (office.Receipt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if p.rng.Float64() < p.failRate/2 {
		return office.Receipt{}, fmt.Errorf("platform down: %w", office.ErrUnavailable)
	}
	rc, dup := p.receipts[pub.Key]
	if dup {
		rc.Duplicate = true
	} else {
		rc = office.Receipt{Key: pub.Key, PlatformID: fmt.Sprintf("P-%04d", len(p.receipts)+1), ReceivedAt: time.Unix(int64(1_800_000_000+len(p.receipts)), 0).UTC()}
		p.receipts[pub.Key] = rc
		p.published[pub.Key] = pub
	}
	if p.rng.Float64() < p.failRate/2 {
		return office.Receipt{}, fmt.Errorf("receipt lost: %w", office.ErrUnavailable)
	}
	return rc, nil
}

func (p *platform) Close() error { return nil }

// TestDeliverExactlyOnce: every publication of the demo (announcement,
// results, the correction, the summary report and a credit entry per
// result version and correction, rule R30) reaches a platform that fails
// at random exactly once; every receipt is recorded and audited.
func TestDeliverExactlyOnce(t *testing.T) {
	o, _, st := flow(t, demo.StageAll)
	opt := office.DeliverOptions{Publisher: "gsxt", PublicBase: "https://example.gov.cn/api/v1/results"}
	pending, err := o.Outbox(ctx, opt)
	require.NoError(t, err)
	kinds := map[office.PublicationKind]int{}
	for _, p := range pending {
		kinds[p.Kind]++
	}
	require.Equal(t, 1, kinds[office.PublicationAnnouncement])
	require.Equal(t, 1, kinds[office.PublicationSummary])
	require.GreaterOrEqual(t, kinds[office.PublicationCorrection], 1)
	require.Equal(t, kinds[office.PublicationResult]+kinds[office.PublicationCorrection], kinds[office.PublicationCredit])

	plat := newPlatform(7, 0.4)
	s := office.Step{Who: "信息中心 推送任务"}
	failures := 0
	for round := 0; ; round++ {
		require.Less(t, round, 500, "delivery does not converge")
		rep, err := o.Deliver(ctx, s, plat, opt)
		if err == nil {
			require.Zero(t, rep.Pending)
			break
		}
		var de *office.DeliveryError
		require.ErrorAs(t, err, &de)
		require.ErrorIs(t, err, office.ErrUnavailable)
		require.Positive(t, rep.Pending)
		failures++
	}
	require.Positive(t, failures, "the platform never failed: the test proves nothing")
	assert.Len(t, plat.published, len(pending), "each publication published exactly once")
	for _, p := range pending {
		got, ok := plat.published[p.Key]
		require.True(t, ok, "lost: %s %s", p.Kind, p.Subject)
		assert.Equal(t, p.SHA256, got.SHA256)
	}
	recs, err := o.Receipts(ctx, "gsxt")
	require.NoError(t, err)
	require.Len(t, recs, len(pending))
	dups := 0
	for _, r := range recs {
		assert.Equal(t, plat.receipts[r.Key].PlatformID, r.Receipt.PlatformID)
		if r.Receipt.Duplicate {
			dups++
		}
	}
	assert.Positive(t, dups, "some receipts were lost and re-sent: the platform's first receipt came back")

	// A second run has nothing to send; another publisher gets everything.
	rep, err := o.Deliver(ctx, s, plat, opt)
	require.NoError(t, err)
	assert.Zero(t, rep.Sent)
	other, err := o.Outbox(ctx, office.DeliverOptions{Publisher: "credit-platform", PublicBase: opt.PublicBase})
	require.NoError(t, err)
	assert.Len(t, other, len(pending))

	ar, err := office.Audit(ctx, st, office.AuditOptions{})
	require.NoError(t, err)
	require.True(t, ar.OK, "%v", ar.Problem)
	assert.Equal(t, len(pending), ar.Receipts)
}

// TestCreditEntry: the credit-record entry of a result version carries the
// USCC, the authority, the date, the conclusion, the measures and the link
// to the public page (rule R30).
func TestCreditEntry(t *testing.T) {
	o, _, _ := flow(t, demo.StageCorrected)
	pending, err := o.Outbox(ctx, office.DeliverOptions{Publisher: "p", PublicBase: "https://example.gov.cn/r/"})
	require.NoError(t, err)
	var res, cred, corr int
	for _, p := range pending {
		switch p.Kind {
		case office.PublicationResult:
			res++
		case office.PublicationCorrection:
			corr++
			var rec publish.PublicRecord
			require.NoError(t, json.Unmarshal(p.Body, &rec))
			assert.NotEmpty(t, rec.CorrectionReason)
			assert.Equal(t, 2, rec.Version)
		case office.PublicationCredit:
			cred++
			var c office.CreditEntry
			require.NoError(t, json.Unmarshal(p.Body, &c))
			assert.Len(t, c.USCC, 18, "USCC")
			assert.Equal(t, demo.Agency, c.Authority)
			assert.False(t, c.Date.IsZero())
			assert.NotEmpty(t, c.Conclusion)
			assert.True(t, strings.HasPrefix(c.Link, "https://example.gov.cn/r/"+strings.ReplaceAll(c.ResultID, "/", "%2F")+"?version="), c.Link)
			assert.Equal(t, c.ResultID+"@"+fmt.Sprint(c.Version), p.Subject)
		}
		assert.True(t, strings.HasPrefix(p.Key, "ssj-"), p.Key)
	}
	assert.Equal(t, 1, corr)
	assert.Equal(t, res+corr, cred)
}

// TestDeliverRefusals: a bad publisher name, a receipt for another key and
// a receipt without a platform ID are refused; nothing is recorded.
func TestDeliverRefusals(t *testing.T) {
	o, _, _ := flow(t, demo.StageReleased)
	s := office.Step{Who: "x"}
	_, err := o.Deliver(ctx, s, newPlatform(1, 0), office.DeliverOptions{Publisher: "Bad Name"})
	require.ErrorIs(t, err, office.ErrPrecondition)
	for name, f := range map[string]func(office.Publication) office.Receipt{
		"wrong key":      func(p office.Publication) office.Receipt { return office.Receipt{Key: p.Key + "x", PlatformID: "1"} },
		"no platform id": func(p office.Publication) office.Receipt { return office.Receipt{Key: p.Key} },
	} {
		rep, err := o.Deliver(ctx, s, publisherFunc(f), office.DeliverOptions{Publisher: "p"})
		require.ErrorIs(t, err, office.ErrPrecondition, name)
		assert.Zero(t, rep.Sent, name)
		recs, err := o.Receipts(ctx, "p")
		require.NoError(t, err)
		assert.Empty(t, recs, name)
	}
}

type publisherFunc func(office.Publication) office.Receipt

func (f publisherFunc) Publish(_ context.Context, p office.Publication) (office.Receipt, error) {
	return f(p), nil
}
func (publisherFunc) Close() error { return nil }

// TestAuditCatchesForgedReceipt: a receipt appended behind the office's
// back with a well-formed event (its binding and the hash chain hold) is
// still caught when it does not match the publication it claims: a wrong
// SHA-256, a source event that publishes nothing, a key the event does
// not yield.
func TestAuditCatchesForgedReceipt(t *testing.T) {
	for name, tc := range map[string]struct {
		edit  func(sr *office.StoredReceipt)
		field string
	}{
		"sha256":       {func(sr *office.StoredReceipt) { sr.SHA256 = strings.Repeat("0", 64) }, "sha256"},
		"source event": {func(sr *office.StoredReceipt) { sr.EventSeq, sr.EventHash = 0, "" }, "event_seq"},
		"key":          {func(sr *office.StoredReceipt) { sr.Key = sr.Key[:len(sr.Key)-1]; sr.Receipt.Key = sr.Key }, "key"},
		"none":         {func(*office.StoredReceipt) {}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			o, _, st := flow(t, demo.StageReleased)
			pubs, err := o.Outbox(ctx, office.DeliverOptions{Publisher: "p", Limit: 1})
			require.NoError(t, err)
			require.Len(t, pubs, 1)
			p := pubs[0]
			sr := office.StoredReceipt{Publisher: "p", Key: p.Key, Kind: p.Kind, Subject: p.Subject, SHA256: p.SHA256,
				EventSeq: p.EventSeq, EventHash: p.EventHash, Receipt: office.Receipt{Key: p.Key, PlatformID: "F-1"}}
			if tc.edit != nil {
				tc.edit(&sr)
				if sr.EventHash == "" {
					sr.EventHash = firstEventHash(t, st)
				}
			}
			appendForged(t, st, sr)
			ar, err := office.Audit(ctx, st, office.AuditOptions{})
			require.NoError(t, err)
			if tc.field == "" {
				require.True(t, ar.OK, "%v", ar.Problem)
				assert.Equal(t, 1, ar.Receipts)
				return
			}
			require.False(t, ar.OK)
			assert.Equal(t, tc.field, ar.Problem.Field, "%v", ar.Problem)
			assert.Contains(t, ar.Problem.ID, office.KindReceipt+"/p/")
		})
	}
}

func firstEventHash(t *testing.T, st office.Store) string {
	tx, err := st.Begin(ctx, false)
	require.NoError(t, err)
	defer tx.Rollback()
	es, err := tx.Events(ctx, 0, 1)
	require.NoError(t, err)
	return es[0].Hash
}

// appendForged appends a publication.delivered event and its receipt
// object, well formed and bound, straight into the store.
func appendForged(t *testing.T, st office.Store, sr office.StoredReceipt) {
	t.Helper()
	body, err := json.Marshal(sr)
	require.NoError(t, err)
	sum := sha256.Sum256(body)
	id := sr.Publisher + "/" + sr.Key
	tx, err := st.Begin(ctx, true)
	require.NoError(t, err)
	defer tx.Rollback()
	last, err := tx.LastEvent(ctx)
	require.NoError(t, err)
	var prev trail.Event
	require.NoError(t, json.Unmarshal(last.Body, &prev))
	ev, err := trail.Next(&prev, trail.Entry{Kind: trail.PublicationDelivered, Actor: "forger", Time: prev.Time, Subject: sr.Subject,
		Data: map[string]string{"object:" + office.KindReceipt + "/" + id + "@1": hex.EncodeToString(sum[:])}})
	require.NoError(t, err)
	raw, err := json.Marshal(ev)
	require.NoError(t, err)
	require.NoError(t, tx.AppendEvent(ctx, office.Event{Seq: ev.Seq, Hash: ev.Hash, Body: raw}))
	require.NoError(t, tx.Put(ctx, office.Object{Kind: office.KindReceipt, ID: id, Rev: 1, EventSeq: ev.Seq, EventHash: ev.Hash, Body: body}))
	require.NoError(t, tx.Commit())
}
