// Package beacontest serves drand's HTTP API from the real quicknet
// beacons bundled in draw/testdata/drand, for tests of beacons and beacon
// plugins: GET /{chain hash}/info and GET /{chain hash}/public/{round}.
// A test can replace the answer for a round (a forged beacon, garbage, an
// HTTP error, a hang) with Override.
package beacontest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/shuangsuiji/ssj/adapters/beacon"
	"github.com/shuangsuiji/ssj/draw"
)

// Relay is a local drand HTTP relay.
type Relay struct {
	*httptest.Server
	// Beacons are the bundled real beacons by round.
	Beacons map[uint64]beacon.DrandAnswer
	// Info is the bundled /info answer of quicknet.
	Info []byte
	// Hits counts the requests served.
	Hits atomic.Int64

	mu       sync.Mutex
	override map[uint64]http.HandlerFunc
	info     http.HandlerFunc
}

// testdata returns draw/testdata/drand, found from this source file.
func testdata() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("beacontest: cannot locate the source tree")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "draw", "testdata", "drand"), nil
}

// NewRelay starts a relay serving the bundled beacons; it stops when the
// test ends.
func NewRelay(t testing.TB) *Relay {
	t.Helper()
	r, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// Start starts a relay serving the bundled beacons, for fixtures that
// outlive one test; the caller closes it.
func Start() (*Relay, error) {
	dir, err := testdata()
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(filepath.Join(dir, "quicknet-beacons.json"))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Beacons []struct {
			Round      uint64 `json:"round"`
			Randomness string `json:"randomness"`
			Signature  string `json:"signature"`
		} `json:"beacons"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("beacontest: %w", err)
	}
	r := &Relay{Beacons: map[uint64]beacon.DrandAnswer{}, override: map[uint64]http.HandlerFunc{}}
	for _, b := range doc.Beacons {
		r.Beacons[b.Round] = beacon.DrandAnswer{Round: b.Round, Randomness: b.Randomness, Signature: b.Signature}
	}
	if r.Info, err = os.ReadFile(filepath.Join(dir, "quicknet-info.json")); err != nil {
		return nil, err
	}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	return r, nil
}

// Rounds returns the bundled rounds.
func (r *Relay) Rounds() []uint64 {
	out := make([]uint64, 0, len(r.Beacons))
	for k := range r.Beacons {
		out = append(out, k)
	}
	return out
}

// Override replaces the answer for round (nil restores the real one).
func (r *Relay) Override(round uint64, h http.HandlerFunc) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if h == nil {
		delete(r.override, round)
		return
	}
	r.override[round] = h
}

// OverrideInfo replaces the /info answer (nil restores the real one).
func (r *Relay) OverrideInfo(h http.HandlerFunc) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.info = h
}

func (r *Relay) serve(w http.ResponseWriter, req *http.Request) {
	r.Hits.Add(1)
	rest, ok := strings.CutPrefix(req.URL.Path, "/"+draw.Quicknet.Hash+"/")
	if !ok || req.Method != http.MethodGet {
		http.NotFound(w, req)
		return
	}
	if rest == "info" {
		r.mu.Lock()
		h := r.info
		r.mu.Unlock()
		if h != nil {
			h(w, req)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(r.Info)
		return
	}
	n, ok := strings.CutPrefix(rest, "public/")
	round, err := strconv.ParseUint(n, 10, 64)
	if !ok || err != nil {
		http.NotFound(w, req)
		return
	}
	r.mu.Lock()
	h := r.override[round]
	r.mu.Unlock()
	if h != nil {
		h(w, req)
		return
	}
	b, ok := r.Beacons[round]
	if !ok {
		// drand's answer for a round not emitted yet.
		http.Error(w, "Requested future beacon", http.StatusTooEarly)
		return
	}
	JSON(b)(w, req)
}

// JSON answers with a beacon in the drand HTTP API's form.
func JSON(b beacon.DrandAnswer) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		m := map[string]any{"round": b.Round, "randomness": b.Randomness, "signature": b.Signature}
		if b.PreviousSignature != "" {
			m["previous_signature"] = b.PreviousSignature
		}
		json.NewEncoder(w).Encode(m)
	}
}

// Body answers with status and body as they are.
func Body(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

// Hang never answers: it returns when the client gives up.
func Hang() http.HandlerFunc {
	return func(_ http.ResponseWriter, req *http.Request) {
		<-req.Context().Done()
	}
}
