package httppub_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/adapters/publishers/httppub"
	"github.com/shuangsuiji/ssj/adapters/publishers/httppub/httppubtest"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/memstore"
)

var ctx = context.Background()

func fast(endpoint string) httppub.Options {
	return httppub.Options{Endpoint: endpoint, Timeout: 150 * time.Millisecond, Attempts: 3,
		BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}
}

// TestExactlyOnceThroughFlakyPlatform: the demo's 102 publications (the
// announcement, every result version, the correction, the summary report
// and a credit-record entry per result version and correction, rule R30)
// go through a platform that fails a third of the requests at random
// (HTTP 500, hangs past the timeout, dropped connections, before and
// after recording), from two concurrent delivery runs: each arrives
// exactly once, none is lost, every receipt is recorded and audited.
func TestExactlyOnceThroughFlakyPlatform(t *testing.T) {
	st := memstore.New()
	o, clock, err := demo.New(st)
	require.NoError(t, err)
	_, err = demo.Run(ctx, o, clock, nil)
	require.NoError(t, err)
	opt := office.DeliverOptions{Publisher: "platform", PublicBase: "https://example.gov.cn/api/v1/results"}
	pending, err := o.Outbox(ctx, opt)
	require.NoError(t, err)
	require.Greater(t, len(pending), 100)

	plat := httppubtest.New(20261201, 0.35, 2*time.Second)
	defer plat.Close()
	pub, err := httppub.New(fast(plat.URL))
	require.NoError(t, err)
	defer pub.Close()

	var wg sync.WaitGroup
	var runs, failed atomic.Int64
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 300; round++ {
				runs.Add(1)
				rep, err := o.Deliver(ctx, office.Step{Who: "推送任务"}, pub, opt)
				if err == nil && rep.Pending == 0 {
					return
				}
				if err != nil {
					failed.Add(1)
					if !assert.ErrorIs(t, err, office.ErrUnavailable) {
						return
					}
				}
			}
			t.Error("delivery does not converge")
		}()
	}
	wg.Wait()
	requests, faults := plat.Stats()
	t.Logf("%d publications, %d requests, %d delivery runs (%d cut short), faults %v", len(pending), requests, runs.Load(), failed.Load(), faults)
	require.Empty(t, plat.Refused())
	require.Len(t, faults, 6, "every kind of fault was injected")
	require.Positive(t, failed.Load())

	got := plat.Published()
	require.Len(t, got, len(pending), "nothing lost, nothing extra")
	retried := 0
	for _, p := range pending {
		e, ok := got[p.Key]
		require.True(t, ok, "lost: %s %s", p.Kind, p.Subject)
		assert.Equal(t, 1, e.Published)
		assert.Equal(t, p.SHA256, e.Envelope.SHA256)
		assert.Equal(t, string(p.Kind), e.Envelope.Kind)
		if e.Attempts > 1 {
			retried++
		}
	}
	assert.Positive(t, retried, "some publications were sent more than once and deduplicated")

	recs, err := o.Receipts(ctx, "platform")
	require.NoError(t, err)
	require.Len(t, recs, len(pending))
	for _, r := range recs {
		assert.Equal(t, got[r.Key].Receipt.ID, r.Receipt.PlatformID, "the store records the platform's receipt")
		assert.Equal(t, got[r.Key].Receipt.URL, r.Receipt.URL)
	}
	left, err := o.Outbox(ctx, opt)
	require.NoError(t, err)
	assert.Empty(t, left)
	ar, err := office.Audit(ctx, st, office.AuditOptions{})
	require.NoError(t, err)
	require.True(t, ar.OK, "%v", ar.Problem)
	assert.Equal(t, len(pending), ar.Receipts)
}

func TestRequest(t *testing.T) {
	var hdr http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr = r.Header.Clone()
		w.Write([]byte(`{"id":"X-1","url":"https://p.example/1","received_at":"2026-12-01T08:00:00+08:00"}`))
	}))
	defer srv.Close()
	o := fast(srv.URL)
	o.Token = "s3cret"
	p, err := httppub.New(o)
	require.NoError(t, err)
	rc, err := p.Publish(ctx, office.Publication{Key: "k-1", Kind: office.PublicationResult, Body: []byte(`{"a":1}`)})
	require.NoError(t, err)
	assert.Equal(t, office.Receipt{Key: "k-1", PlatformID: "X-1", URL: "https://p.example/1", ReceivedAt: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}, rc)
	assert.Equal(t, "k-1", hdr.Get("Idempotency-Key"))
	assert.Equal(t, "Bearer s3cret", hdr.Get("Authorization"))
	assert.Equal(t, "application/json", hdr.Get("Content-Type"))
}

// TestRetries: a refusal (4xx) is not retried and wraps ErrPrecondition;
// a platform that stays down is tried Attempts times, honouring
// Retry-After up to MaxDelay, and wraps ErrUnavailable; a malformed
// receipt is retried.
func TestRetries(t *testing.T) {
	for _, c := range []struct {
		name   string
		status int
		body   string
		calls  int
		want   error
	}{
		{"refused", http.StatusUnprocessableEntity, `{"error":"bad"}`, 1, office.ErrPrecondition},
		{"down", http.StatusServiceUnavailable, "", 3, office.ErrUnavailable},
		{"busy", http.StatusTooManyRequests, "", 3, office.ErrUnavailable},
		{"garbage receipt", http.StatusOK, `{"id":`, 3, httppub.ErrReceipt},
	} {
		t.Run(c.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(c.status)
				w.Write([]byte(c.body))
			}))
			defer srv.Close()
			p, err := httppub.New(fast(srv.URL))
			require.NoError(t, err)
			start := time.Now()
			_, err = p.Publish(ctx, office.Publication{Key: "k", Kind: office.PublicationCredit, Body: []byte(`{}`)})
			require.ErrorIs(t, err, c.want)
			assert.Equal(t, int32(c.calls), calls.Load())
			assert.Less(t, time.Since(start), 5*time.Second, "Retry-After is capped by MaxDelay")
		})
	}
}

func TestTimeoutAndCancel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // then the server notices the client leaving
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	p, err := httppub.New(fast(srv.URL))
	require.NoError(t, err)
	_, err = p.Publish(ctx, office.Publication{Key: "k", Kind: office.PublicationResult, Body: []byte(`{}`)})
	require.ErrorIs(t, err, office.ErrUnavailable)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	c, cancel := context.WithCancel(ctx)
	cancel()
	_, err = p.Publish(c, office.Publication{Key: "k", Kind: office.PublicationResult, Body: []byte(`{}`)})
	require.ErrorIs(t, err, office.ErrUnavailable)
}

func TestNewRefuses(t *testing.T) {
	for _, o := range []httppub.Options{{}, {Endpoint: "ftp://x"}, {Endpoint: "http://x", CreditEndpoint: "nope"}} {
		_, err := httppub.New(o)
		require.ErrorIs(t, err, office.ErrPrecondition, o.Endpoint)
	}
}

func TestCreditEndpoint(t *testing.T) {
	var paths []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		w.Write([]byte(`{"id":"1"}`))
	}))
	defer srv.Close()
	o := fast(srv.URL + "/pub")
	o.CreditEndpoint = srv.URL + "/credit"
	p, err := httppub.New(o)
	require.NoError(t, err)
	for _, k := range []office.PublicationKind{office.PublicationResult, office.PublicationCredit} {
		_, err := p.Publish(ctx, office.Publication{Key: "k", Kind: k, Body: []byte(`{}`)})
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"/pub", "/credit"}, paths)
}

func TestParseReceipt(t *testing.T) {
	for _, c := range []struct{ in, err string }{
		{`{"id":"A"}`, ""},
		{`{"id":"A","key":"k","duplicate":true,"extra":1}`, ""},
		{`{"id":""}`, "field id"},
		{`{"id":"A\u0000"}`, "field id"},
		{`{"id":"A","key":"other"}`, "field key"},
		{`{"id":"A","url":"javascript:alert(1)"}`, "field url"},
		{`{"id":"A","received_at":"yesterday"}`, "field received_at"},
		{`{"id":"A"} {}`, "data after"},
		{`[1]`, "malformed"},
	} {
		rc, err := httppub.ParseReceipt([]byte(c.in), "k")
		if c.err == "" {
			require.NoError(t, err, c.in)
			assert.Equal(t, "A", rc.PlatformID)
			assert.Equal(t, "k", rc.Key)
			continue
		}
		require.ErrorIs(t, err, httppub.ErrReceipt, c.in)
		require.ErrorContains(t, err, c.err, c.in)
	}
}

// FuzzParseReceipt: a platform's answer is outside input: any bytes give
// a receipt for the key with a platform ID, or ErrReceipt; never a panic.
func FuzzParseReceipt(f *testing.F) {
	f.Add([]byte(`{"id":"PUB-1","url":"https://p/1","received_at":"2026-12-01T08:00:00Z","duplicate":true}`), "k")
	f.Add([]byte(`{"id":"A","key":"k"}`), "k")
	f.Add([]byte(`{"id":1}`), "")
	f.Fuzz(func(t *testing.T, b []byte, key string) {
		rc, err := httppub.ParseReceipt(b, key)
		if err != nil {
			require.ErrorIs(t, err, httppub.ErrReceipt)
			return
		}
		require.Equal(t, key, rc.Key)
		require.NotEmpty(t, rc.PlatformID)
		require.Equal(t, time.UTC, rc.ReceivedAt.Location())
	})
}
