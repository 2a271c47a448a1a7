// Package httppubtest is a fake publication platform for tests of
// publishers and of the office's delivery (issue 11): an httptest server
// that dedups by idempotency key, counts what it published, and fails at
// random with a seeded PRNG: HTTP 500, hangs past the client's timeout,
// and dropped connections, each before or after it records the
// publication (after: the publication is in, the receipt is lost).
package httppubtest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"time"

	"github.com/shuangsuiji/ssj/adapters/publishers/httppub"
)

// The faults the platform injects.
const (
	Fault500Before  = "500-before"
	Fault500After   = "500-after"
	FaultHangBefore = "hang-before"
	FaultHangAfter  = "hang-after"
	FaultDropBefore = "drop-before"
	FaultDropAfter  = "drop-after"
)

var faults = []string{Fault500Before, Fault500After, FaultHangBefore, FaultHangAfter, FaultDropBefore, FaultDropAfter}

// Platform is the fake platform. Its URL is the endpoint.
type Platform struct {
	URL string
	srv *httptest.Server

	mu        sync.Mutex
	rng       *rand.Rand
	fail      float64
	hang      time.Duration
	published map[string]*Entry
	order     []string
	requests  int
	faults    map[string]int
	bad       []string
}

// Entry is one publication as the platform holds it.
type Entry struct {
	Envelope httppub.Envelope
	Receipt  httppub.Receipt
	// Attempts counts the requests that carried the key.
	Attempts int
	// Published counts how often the platform published it: 1, or the
	// platform's dedup is broken.
	Published int
}

// New starts a platform failing a fraction fail of requests (0 to 1),
// hanging for hang on a hang fault, with the PRNG seeded by seed.
func New(seed uint64, fail float64, hang time.Duration) *Platform {
	p := &Platform{rng: rand.New(rand.NewPCG(seed, 0x55a1)), fail: fail, hang: hang,
		published: map[string]*Entry{}, faults: map[string]int{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = p.srv.URL + "/publications"
	return p
}

// Close stops the server.
func (p *Platform) Close() {
	p.srv.CloseClientConnections()
	p.srv.Close()
}

// SetFail changes the failure rate.
func (p *Platform) SetFail(f float64) {
	p.mu.Lock()
	p.fail = f
	p.mu.Unlock()
}

func (p *Platform) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	var env httppub.Envelope
	if r.Method != http.MethodPost || json.Unmarshal(body, &env) != nil {
		p.refuse(w, "not a POST of an envelope")
		return
	}
	sum := sha256.Sum256(env.Document)
	if key := r.Header.Get("Idempotency-Key"); key == "" || key != env.Key || hex.EncodeToString(sum[:]) != env.SHA256 {
		p.refuse(w, fmt.Sprintf("key %q: header %q, or the document does not hash to %s", env.Key, key, env.SHA256))
		return
	}
	p.mu.Lock()
	p.requests++
	fault := ""
	if p.rng.Float64() < p.fail {
		fault = faults[p.rng.IntN(len(faults))]
		p.faults[fault]++
	}
	after := fault == Fault500After || fault == FaultHangAfter || fault == FaultDropAfter
	var rc httppub.Receipt
	if fault == "" || after {
		rc = p.record(env)
	} else if e := p.published[env.Key]; e != nil {
		e.Attempts++
	}
	p.mu.Unlock()

	switch fault {
	case Fault500Before, Fault500After:
		http.Error(w, "internal error", http.StatusInternalServerError)
	case FaultHangBefore, FaultHangAfter:
		select {
		case <-time.After(p.hang):
		case <-r.Context().Done():
		}
		http.Error(w, "too late", http.StatusGatewayTimeout)
	case FaultDropBefore, FaultDropAfter:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(rc)
	}
}

func (p *Platform) refuse(w http.ResponseWriter, why string) {
	p.mu.Lock()
	p.bad = append(p.bad, why)
	p.mu.Unlock()
	http.Error(w, why, http.StatusBadRequest)
}

// record publishes env once; a known key gets its first receipt again.
func (p *Platform) record(env httppub.Envelope) httppub.Receipt {
	e := p.published[env.Key]
	if e != nil {
		e.Attempts++
		rc := e.Receipt
		rc.Duplicate = true
		return rc
	}
	n := len(p.order) + 1
	e = &Entry{Envelope: env, Attempts: 1, Published: 1,
		Receipt: httppub.Receipt{Key: env.Key, ID: fmt.Sprintf("PUB-%06d", n), URL: fmt.Sprintf("https://platform.example/p/%06d", n),
			ReceivedAt: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Second).Format(time.RFC3339)}}
	p.published[env.Key] = e
	p.order = append(p.order, env.Key)
	return e.Receipt
}

// Published returns a copy of every publication, by key.
func (p *Platform) Published() map[string]Entry {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]Entry, len(p.published))
	for k, e := range p.published {
		out[k] = *e
	}
	return out
}

// Order returns the keys in the order they were first published.
func (p *Platform) Order() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.order...)
}

// Stats returns the request count and the faults injected, sorted.
func (p *Platform) Stats() (requests int, faults []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for f, n := range p.faults {
		faults = append(faults, fmt.Sprintf("%s=%d", f, n))
	}
	sort.Strings(faults)
	return p.requests, faults
}

// Refused returns why the platform refused requests (400), if ever.
func (p *Platform) Refused() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.bad...)
}
