// Package httppub is a publisher (office.Publisher) that POSTs each of the
// office's publications as JSON to a publication platform's HTTP endpoint
// (公示平台接口), with an Idempotency-Key header, a timeout per attempt,
// and retries with exponential backoff on what a retry may cure (network
// errors, timeouts, HTTP 408, 409, 425, 429 and 5xx). The platform must
// dedup by the key: a key it has seen is answered with its first receipt.
//
// The request body (Envelope):
//
//	{"key": "ssj-…-result", "kind": "result_version", "subject": "T-1/9144…@1",
//	 "media_type": "application/json", "sha256": "…", "document": {…}}
//
// The platform answers 200 or 201 with its receipt (Receipt):
//
//	{"id": "PUB-0001", "url": "https://…", "received_at": "2026-12-01T08:00:00Z", "duplicate": false}
//
// Credit-record entries (信用记录, R30) go to Options.CreditEndpoint when
// set, else to the same endpoint.
package httppub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/shuangsuiji/ssj/office"
)

// Defaults of Options.
const (
	DefaultTimeout   = 10 * time.Second
	DefaultAttempts  = 6
	DefaultBaseDelay = 200 * time.Millisecond
	DefaultMaxDelay  = 10 * time.Second
	// MaxReceipt is the largest receipt body read.
	MaxReceipt = 64 << 10
)

// Options configure a Publisher.
type Options struct {
	// Endpoint is the platform's URL (http or https); required.
	Endpoint string
	// CreditEndpoint receives the credit-record entries; Endpoint when
	// empty.
	CreditEndpoint string
	// Token, when set, is sent as "Authorization: Bearer TOKEN".
	Token string
	// Timeout bounds one attempt; DefaultTimeout when zero.
	Timeout time.Duration
	// Attempts is how many times one publication is tried before Publish
	// gives up with office.ErrUnavailable; DefaultAttempts when zero.
	Attempts int
	// BaseDelay and MaxDelay bound the backoff: attempt n waits a random
	// time up to min(MaxDelay, BaseDelay·2ⁿ) ("full jitter"), or the
	// platform's Retry-After when longer (still at most MaxDelay).
	BaseDelay, MaxDelay time.Duration
	// Client is the HTTP client; a fresh one when nil.
	Client *http.Client
}

// Publisher POSTs publications to a platform. It is safe for concurrent
// use.
type Publisher struct {
	opt Options
}

var _ office.Publisher = (*Publisher)(nil)

// New checks opt and returns a Publisher.
func New(opt Options) (*Publisher, error) {
	for i, e := range []string{opt.Endpoint, opt.CreditEndpoint} {
		if i == 1 && e == "" {
			continue
		}
		u, err := url.Parse(e)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("httppub: %w: endpoint %q: want an http:// or https:// URL", office.ErrPrecondition, e)
		}
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.Attempts <= 0 {
		opt.Attempts = DefaultAttempts
	}
	if opt.BaseDelay <= 0 {
		opt.BaseDelay = DefaultBaseDelay
	}
	if opt.MaxDelay <= 0 {
		opt.MaxDelay = DefaultMaxDelay
	}
	if opt.Client == nil {
		opt.Client = &http.Client{}
	}
	return &Publisher{opt: opt}, nil
}

// Close implements office.Publisher.
func (p *Publisher) Close() error {
	p.opt.Client.CloseIdleConnections()
	return nil
}

// Envelope is the JSON body POSTed for one publication.
type Envelope struct {
	Key       string `json:"key"`
	Kind      string `json:"kind"`
	Subject   string `json:"subject"`
	MediaType string `json:"media_type"`
	SHA256    string `json:"sha256"`
	// Document is the publication's JSON body.
	Document json.RawMessage `json:"document"`
}

// Publish implements office.Publisher.
func (p *Publisher) Publish(ctx context.Context, pub office.Publication) (office.Receipt, error) {
	if !json.Valid(pub.Body) {
		return office.Receipt{}, fmt.Errorf("httppub: %w: %s %s: the body is not JSON", office.ErrPrecondition, pub.Kind, pub.Subject)
	}
	body, err := json.Marshal(Envelope{Key: pub.Key, Kind: string(pub.Kind), Subject: pub.Subject, MediaType: pub.MediaType,
		SHA256: pub.SHA256, Document: pub.Body})
	if err != nil {
		return office.Receipt{}, err
	}
	endpoint := p.opt.Endpoint
	if pub.Kind == office.PublicationCredit && p.opt.CreditEndpoint != "" {
		endpoint = p.opt.CreditEndpoint
	}
	var last error
	for attempt := 0; attempt < p.opt.Attempts; attempt++ {
		rc, retryAfter, err := p.try(ctx, endpoint, pub.Key, body)
		if err == nil {
			return rc, nil
		}
		last = err
		if !errors.Is(err, office.ErrUnavailable) || ctx.Err() != nil || attempt == p.opt.Attempts-1 {
			break
		}
		d := p.backoff(attempt)
		if retryAfter > d {
			d = min(retryAfter, p.opt.MaxDelay)
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return office.Receipt{}, fmt.Errorf("httppub: %s: %w: %w (last: %v)", pub.Key, office.ErrUnavailable, ctx.Err(), last)
		case <-t.C:
		}
	}
	return office.Receipt{}, last
}

// backoff is a random wait up to min(MaxDelay, BaseDelay·2^attempt).
func (p *Publisher) backoff(attempt int) time.Duration {
	ceil := p.opt.MaxDelay
	if attempt < 30 {
		ceil = min(ceil, p.opt.BaseDelay<<attempt)
	}
	return time.Duration(rand.Int64N(int64(ceil)) + 1)
}

// try makes one attempt. Errors wrap office.ErrUnavailable when a retry
// may succeed, office.ErrPrecondition when the platform refused.
func (p *Publisher) try(ctx context.Context, endpoint, key string, body []byte) (office.Receipt, time.Duration, error) {
	actx, cancel := context.WithTimeout(ctx, p.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return office.Receipt{}, 0, fmt.Errorf("httppub: %w: %w", office.ErrPrecondition, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Idempotency-Key", key)
	if p.opt.Token != "" {
		req.Header.Set("Authorization", "Bearer "+p.opt.Token)
	}
	resp, err := p.opt.Client.Do(req)
	if err != nil {
		return office.Receipt{}, 0, fmt.Errorf("httppub: POST %s (key %s): %w: %w", endpoint, key, office.ErrUnavailable, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxReceipt+1))
	if err != nil {
		return office.Receipt{}, 0, fmt.Errorf("httppub: POST %s (key %s): reading the answer: %w: %w", endpoint, key, office.ErrUnavailable, err)
	}
	switch {
	case resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusCreated:
		rc, err := ParseReceipt(b, key)
		if err != nil {
			return office.Receipt{}, 0, fmt.Errorf("httppub: POST %s (key %s): %w", endpoint, key, err)
		}
		return rc, 0, nil
	case retryable(resp.StatusCode):
		return office.Receipt{}, retryAfter(resp.Header.Get("Retry-After")), fmt.Errorf("httppub: POST %s (key %s): HTTP %d %s: %w",
			endpoint, key, resp.StatusCode, snippet(b), office.ErrUnavailable)
	}
	return office.Receipt{}, 0, fmt.Errorf("httppub: POST %s (key %s): the platform refused: HTTP %d %s: %w",
		endpoint, key, resp.StatusCode, snippet(b), office.ErrPrecondition)
}

func retryable(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusConflict, http.StatusTooEarly, http.StatusTooManyRequests:
		return true
	}
	return code >= 500
}

// retryAfter reads a Retry-After header in seconds (a date is ignored).
func retryAfter(h string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(h))
	if err != nil || n < 0 {
		return 0
	}
	return time.Duration(min(n, 3600)) * time.Second
}

func snippet(b []byte) string {
	s := strings.ToValidUTF8(string(b), "?")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return strconv.Quote(s)
}

// Receipt is the platform's answer.
type Receipt struct {
	// Key, when the platform echoes it, must be the request's.
	Key string `json:"key,omitempty"`
	// ID is the platform's ID of the publication; required.
	ID string `json:"id"`
	// URL is where the public sees it (http or https), optional.
	URL string `json:"url,omitempty"`
	// ReceivedAt is RFC 3339, optional.
	ReceivedAt string `json:"received_at,omitempty"`
	// Duplicate: the platform had the key already.
	Duplicate bool `json:"duplicate,omitempty"`
}

// ErrReceipt is wrapped when a platform's receipt is malformed; it also
// wraps office.ErrUnavailable: the publication's fate is unknown, and a
// retry with the same key asks again.
var ErrReceipt = fmt.Errorf("malformed receipt: %w", office.ErrUnavailable)

// ParseReceipt decodes a platform's receipt for key: one JSON object, an
// ID of 1 to 256 printable characters, an optional http(s) URL, an
// optional RFC 3339 time, and the key when echoed must be key.
func ParseReceipt(b []byte, key string) (office.Receipt, error) {
	if len(b) > MaxReceipt {
		return office.Receipt{}, fmt.Errorf("%w: longer than %d bytes", ErrReceipt, MaxReceipt)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var r Receipt
	if err := dec.Decode(&r); err != nil {
		return office.Receipt{}, fmt.Errorf("%w: %v", ErrReceipt, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return office.Receipt{}, fmt.Errorf("%w: data after the JSON object", ErrReceipt)
	}
	if r.Key != "" && r.Key != key {
		return office.Receipt{}, fmt.Errorf("%w: field key = %q, the request's key is %q", ErrReceipt, r.Key, key)
	}
	if r.ID == "" || len(r.ID) > 256 || strings.IndexFunc(r.ID, func(c rune) bool { return !unicode.IsPrint(c) || c == unicode.ReplacementChar }) >= 0 {
		return office.Receipt{}, fmt.Errorf("%w: field id = %q: want 1 to 256 printable characters", ErrReceipt, r.ID)
	}
	rc := office.Receipt{Key: key, PlatformID: r.ID, Duplicate: r.Duplicate}
	if r.URL != "" {
		u, err := url.Parse(r.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(r.URL) > 2048 {
			return office.Receipt{}, fmt.Errorf("%w: field url = %q: want an http(s) URL", ErrReceipt, r.URL)
		}
		rc.URL = r.URL
	}
	if r.ReceivedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, r.ReceivedAt)
		if err != nil {
			return office.Receipt{}, fmt.Errorf("%w: field received_at = %q: want RFC 3339", ErrReceipt, r.ReceivedAt)
		}
		rc.ReceivedAt = t.UTC()
	}
	return rc, nil
}
