package beacon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shuangsuiji/ssj/draw"
)

// DefaultDrandURL is drand's public HTTP relay.
const DefaultDrandURL = "https://api.drand.sh"

// DefaultTimeout bounds one HTTP exchange when the caller's context has
// no earlier deadline.
const DefaultTimeout = 10 * time.Second

// MaxAnswer is the largest HTTP answer body DrandHTTP reads (a beacon is
// about 300 bytes, a chain's info about 600).
const MaxAnswer = 64 << 10

// DrandHTTP is a Beacon over drand's HTTP API (a relay such as
// https://api.drand.sh, or an agency's own mirror): for round N of a
// network it asks GET {base}/{chain hash}/public/{N}, and once per
// network GET {base}/{chain hash}/info, whose answer must equal the pinned
// chain information. Every beacon is verified with Check before Fetch
// returns it. HTTP 404 and 425 (drand's "too early") give
// ErrNotFound; other HTTP errors, network errors and answers later
// than the deadline give ErrUnavailable.
type DrandHTTP struct {
	base    *url.URL
	client  *http.Client
	timeout time.Duration

	mu   sync.Mutex
	info map[string]bool // chain hashes whose /info matched
}

var _ Beacon = (*DrandHTTP)(nil)

// DrandHTTPOptions tune NewDrandHTTP.
type DrandHTTPOptions struct {
	// Client is the HTTP client; nil means a client of its own.
	Client *http.Client
	// Timeout overrides DefaultTimeout when positive.
	Timeout time.Duration
}

// NewDrandHTTP returns a DrandHTTP for the relay at base (an http or
// https URL; DefaultDrandURL when empty).
func NewDrandHTTP(base string, opt DrandHTTPOptions) (*DrandHTTP, error) {
	if base == "" {
		base = DefaultDrandURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("beacon: drand base URL %q: %w: want http(s)://HOST[/PATH] without query or fragment", base, ErrRefused)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	if opt.Client == nil {
		opt.Client = &http.Client{}
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	return &DrandHTTP{base: u, client: opt.Client, timeout: opt.Timeout, info: map[string]bool{}}, nil
}

// Base returns the relay's base URL.
func (d *DrandHTTP) Base() string { return d.base.String() }

// Close implements Beacon; it holds nothing.
func (d *DrandHTTP) Close() error { return nil }

// Fetch implements Beacon.
func (d *DrandHTTP) Fetch(ctx context.Context, req Request) (Value, error) {
	c, err := Chain(req)
	if err != nil {
		return Value{}, err
	}
	if err := d.checkInfo(ctx, req, c); err != nil {
		return Value{}, err
	}
	body, err := d.get(ctx, req, c.Hash+"/public/"+strconv.FormatUint(req.Round, 10))
	if err != nil {
		return Value{}, err
	}
	b, err := DecodeDrandAnswer(body)
	if err != nil {
		return Value{}, &VerifyError{Request: req, Field: "answer", Err: fmt.Errorf("from %s: %w", d.base, err)}
	}
	v := Value{Source: SourceDrand, ChainHash: c.Hash, Round: b.Round, Randomness: b.Randomness, Signature: b.Signature, PreviousSignature: b.PreviousSignature}
	if err := Check(req, v); err != nil {
		return Value{}, fmt.Errorf("beacon: drand relay %s: %w", d.base, err)
	}
	return v, nil
}

// checkInfo compares the relay's /info of the chain with the pinned
// chain information, once per chain.
func (d *DrandHTTP) checkInfo(ctx context.Context, req Request, c draw.DrandChain) error {
	d.mu.Lock()
	done := d.info[c.Hash]
	d.mu.Unlock()
	if done {
		return nil
	}
	body, err := d.get(ctx, req, c.Hash+"/info")
	if err != nil {
		return err
	}
	info, err := DecodeDrandInfo(body)
	if err != nil {
		return &VerifyError{Request: req, Field: "info", Err: fmt.Errorf("from %s: %w", d.base, err)}
	}
	if err := info.Matches(c); err != nil {
		return &VerifyError{Request: req, Field: "info", Err: fmt.Errorf("the relay %s serves another chain: %w", d.base, err)}
	}
	d.mu.Lock()
	d.info[c.Hash] = true
	d.mu.Unlock()
	return nil
}

// get fetches {base}/{path} and returns the body of a 200 answer.
func (d *DrandHTTP) get(ctx context.Context, req Request, path string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	u := d.base.String() + "/" + path
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("beacon: %s: GET %s: %w: %w", req, u, ErrRefused, err)
	}
	hreq.Header.Set("Accept", "application/json")
	resp, err := d.client.Do(hreq)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("beacon: %s: GET %s: %w: no answer before the deadline: %w", req, u, ErrUnavailable, err)
		}
		return nil, fmt.Errorf("beacon: %s: GET %s: %w: %w", req, u, ErrUnavailable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxAnswer+1))
	if err != nil {
		return nil, fmt.Errorf("beacon: %s: GET %s: %w: reading the answer: %w", req, u, ErrUnavailable, err)
	}
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusTooEarly:
		return nil, fmt.Errorf("beacon: %s: GET %s: %w: HTTP %d: the relay does not have it (a round not yet emitted is published at %s)",
			req, u, ErrNotFound, resp.StatusCode, roundTime(req))
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("beacon: %s: GET %s: %w: HTTP %d: %s", req, u, ErrUnavailable, resp.StatusCode, snippet(body))
	case len(body) > MaxAnswer:
		return nil, &VerifyError{Request: req, Field: "answer", Err: fmt.Errorf("GET %s: the answer is longer than %d bytes", u, MaxAnswer)}
	}
	return body, nil
}

func roundTime(req Request) string {
	c, err := Chain(req)
	if err != nil {
		return "an unknown time"
	}
	return c.RoundTime(req.Round).Format(time.RFC3339)
}

// snippet quotes the start of an error answer for a message.
func snippet(b []byte) string {
	const n = 120
	if len(b) > n {
		return strconv.Quote(string(b[:n])) + "…"
	}
	return strconv.Quote(string(b))
}

// DrandAnswer is a beacon as drand's HTTP API answers
// GET {base}/{chain hash}/public/{round}.
type DrandAnswer struct {
	Round             uint64
	Randomness        string
	Signature         string
	PreviousSignature string
}

// DecodeDrandAnswer decodes the body of a /public/{round} answer: one
// JSON object with a round (a positive integer), a randomness and a
// signature (strings), and optionally previous_signature; other members
// are ignored, as drand adds some. It does not verify the beacon (Check
// does).
func DecodeDrandAnswer(body []byte) (DrandAnswer, error) {
	var raw struct {
		Round             *uint64 `json:"round"`
		Randomness        *string `json:"randomness"`
		Signature         *string `json:"signature"`
		PreviousSignature *string `json:"previous_signature"`
	}
	if err := decodeOne(body, &raw); err != nil {
		return DrandAnswer{}, fmt.Errorf("drand beacon JSON: %w", err)
	}
	switch {
	case raw.Round == nil:
		return DrandAnswer{}, errors.New("drand beacon JSON: round is missing")
	case raw.Randomness == nil:
		return DrandAnswer{}, errors.New("drand beacon JSON: randomness is missing")
	case raw.Signature == nil:
		return DrandAnswer{}, errors.New("drand beacon JSON: signature is missing")
	}
	if *raw.Round == 0 {
		return DrandAnswer{}, errors.New("drand beacon JSON: round 0 does not exist")
	}
	a := DrandAnswer{Round: *raw.Round, Randomness: *raw.Randomness, Signature: *raw.Signature}
	if raw.PreviousSignature != nil {
		a.PreviousSignature = *raw.PreviousSignature
	}
	return a, nil
}

// DrandInfo is a chain's information as drand's HTTP API answers
// GET {base}/{chain hash}/info.
type DrandInfo struct {
	PublicKey   string `json:"public_key"`
	Period      int64  `json:"period"`
	GenesisTime int64  `json:"genesis_time"`
	Hash        string `json:"hash"`
	GroupHash   string `json:"groupHash"`
	SchemeID    string `json:"schemeID"`
	Metadata    struct {
		BeaconID string `json:"beaconID"`
	} `json:"metadata"`
}

// DecodeDrandInfo decodes the body of an /info answer (one JSON object;
// unknown members are ignored).
func DecodeDrandInfo(body []byte) (DrandInfo, error) {
	var info DrandInfo
	if err := decodeOne(body, &info); err != nil {
		return DrandInfo{}, fmt.Errorf("drand chain info JSON: %w", err)
	}
	return info, nil
}

// Matches compares the info with pinned chain information and names the
// first field that differs.
func (i DrandInfo) Matches(c draw.DrandChain) error {
	diff := func(field string, got, want any) error {
		return fmt.Errorf("%s is %v, the pinned %s chain has %v", field, got, c.Name, want)
	}
	switch {
	case i.Hash != c.Hash:
		return diff("hash", i.Hash, c.Hash)
	case i.PublicKey != c.PublicKey:
		return diff("public_key", i.PublicKey, c.PublicKey)
	case i.Period != int64(c.Period/time.Second):
		return diff("period", i.Period, int64(c.Period/time.Second))
	case i.GenesisTime != c.Genesis:
		return diff("genesis_time", i.GenesisTime, c.Genesis)
	case i.GroupHash != c.GenesisSeed:
		return diff("groupHash", i.GroupHash, c.GenesisSeed)
	case i.SchemeID != c.Scheme:
		return diff("schemeID", i.SchemeID, c.Scheme)
	case i.Metadata.BeaconID != c.Name:
		return diff("metadata.beaconID", i.Metadata.BeaconID, c.Name)
	}
	return nil
}

// decodeOne decodes exactly one JSON object, with
// nothing but white space after it.
func decodeOne(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return errors.New("the answer is not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON object")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the JSON object")
	}
	return nil
}
