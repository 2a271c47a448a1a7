package beacon_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/adapters/beacon"
	"github.com/shuangsuiji/ssj/adapters/beacon/beacontest"
	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/office"
)

func quicknet(round uint64) beacon.Request {
	return beacon.Request{Source: beacon.SourceDrand, Network: "quicknet", Round: round}
}

func newClient(t *testing.T, r *beacontest.Relay) *beacon.DrandHTTP {
	t.Helper()
	d, err := beacon.NewDrandHTTP(r.URL, beacon.DrandHTTPOptions{Timeout: 5 * time.Second})
	require.NoError(t, err)
	return d
}

// Every bundled real beacon comes back verified, equal to the bundle; the
// relay's /info is read once.
func TestDrandHTTPFetchesBundledBeacons(t *testing.T) {
	r := beacontest.NewRelay(t)
	d := newClient(t, r)
	rounds := r.Rounds()
	sort.Slice(rounds, func(i, j int) bool { return rounds[i] < rounds[j] })
	require.Len(t, rounds, 6)
	for _, n := range rounds {
		v, err := d.Fetch(context.Background(), quicknet(n))
		require.NoError(t, err, "round %d", n)
		want := r.Beacons[n]
		assert.Equal(t, beacon.Value{Source: "drand", ChainHash: draw.Quicknet.Hash, Round: n, Randomness: want.Randomness, Signature: want.Signature}, v)
		assert.NoError(t, beacon.Check(quicknet(n), v))
	}
	assert.EqualValues(t, 1+len(rounds), r.Hits.Load(), "one /info, then one request per round")
	// The empty network and the chain hash name quicknet too.
	v, err := d.Fetch(context.Background(), beacon.Request{Source: "drand", Network: draw.Quicknet.Hash, Round: 1000})
	require.NoError(t, err)
	assert.Equal(t, uint64(1000), v.Round)
}

// forge returns a beacon of round whose signature is another valid-looking
// point (round other's signature) with a matching randomness: only the
// BLS check can refuse it.
func forge(r *beacontest.Relay, round, other uint64) beacon.DrandAnswer {
	b := r.Beacons[round]
	b.Signature = r.Beacons[other].Signature
	sig, _ := hex.DecodeString(b.Signature)
	sum := sha256.Sum256(sig)
	b.Randomness = hex.EncodeToString(sum[:])
	return b
}

// A relay that lies, breaks or hangs gives a clear error naming the round
// and the field, never a value.
func TestDrandHTTPRefuses(t *testing.T) {
	r := beacontest.NewRelay(t)
	alteredRandomness := r.Beacons[1000]
	alteredRandomness.Randomness = "00" + alteredRandomness.Randomness[2:]
	flipped := r.Beacons[1000]
	flipped.Signature = flipped.Signature[:10] + "0" + flipped.Signature[11:]
	if flipped.Signature == r.Beacons[1000].Signature {
		flipped.Signature = flipped.Signature[:10] + "1" + flipped.Signature[11:]
	}
	sig, _ := hex.DecodeString(flipped.Signature)
	sum := sha256.Sum256(sig)
	flipped.Randomness = hex.EncodeToString(sum[:])
	upper := r.Beacons[1000]
	upper.Signature = "B" + upper.Signature[1:]

	for _, c := range []struct {
		name   string
		h      http.HandlerFunc
		is     []error
		field  string
		substr string
	}{
		{"another round's signature", beacontest.JSON(forge(r, 1000, 1001)), []error{draw.ErrBadBeacon, office.ErrPrecondition}, "signature", "not the network's signature of this round"},
		{"flipped signature digit", beacontest.JSON(flipped), []error{draw.ErrBadBeacon, office.ErrPrecondition}, "signature", "round 1000"},
		{"altered randomness", beacontest.JSON(alteredRandomness), []error{draw.ErrBadBeacon}, "randomness", "not SHA-256 of the signature"},
		{"upper-case hex", beacontest.JSON(upper), []error{draw.ErrBadBeacon}, "signature", "not lower-case hex"},
		{"wrong round", beacontest.JSON(r.Beacons[1001]), []error{draw.ErrBadBeacon, office.ErrPrecondition}, "round", "the value is of round 1001"},
		{"garbage", beacontest.Body(200, "<html>relay maintenance</html>"), []error{office.ErrPrecondition}, "answer", "not a JSON object"},
		{"truncated JSON", beacontest.Body(200, `{"round":1000,"randomness":"fe29`), []error{office.ErrPrecondition}, "answer", "unexpected EOF"},
		{"round as a string", beacontest.Body(200, `{"round":"1000","randomness":"a","signature":"b"}`), []error{office.ErrPrecondition}, "answer", "round"},
		{"no signature", beacontest.Body(200, `{"round":1000,"randomness":"fe"}`), []error{office.ErrPrecondition}, "answer", "signature is missing"},
		{"two objects", beacontest.Body(200, `{"round":1000,"randomness":"a","signature":"b"}{}`), []error{office.ErrPrecondition}, "answer", "data after the JSON object"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r.Override(1000, c.h)
			defer r.Override(1000, nil)
			v, err := newClient(t, r).Fetch(context.Background(), quicknet(1000))
			require.Error(t, err)
			assert.Zero(t, v)
			for _, target := range c.is {
				assert.ErrorIs(t, err, target)
			}
			var ve *beacon.VerifyError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, c.field, ve.Field)
			assert.Equal(t, uint64(1000), ve.Request.Round)
			assert.ErrorContains(t, err, "drand quicknet round 1000")
			assert.ErrorContains(t, err, "field "+c.field)
			assert.ErrorContains(t, err, c.substr)
		})
	}
}

func TestDrandHTTPUnavailable(t *testing.T) {
	r := beacontest.NewRelay(t)
	t.Run("HTTP 500", func(t *testing.T) {
		r.Override(1000, beacontest.Body(500, "internal error"))
		defer r.Override(1000, nil)
		_, err := newClient(t, r).Fetch(context.Background(), quicknet(1000))
		assert.ErrorIs(t, err, office.ErrUnavailable)
		assert.NotErrorIs(t, err, draw.ErrBadBeacon)
		assert.ErrorContains(t, err, "round 1000")
		assert.ErrorContains(t, err, `HTTP 500: "internal error"`)
		assert.ErrorIs(t, err, beacon.ErrUnavailable)
		assert.NotContains(t, err.Error(), "store", "the office sentinel's text is not the beacon's")
	})
	t.Run("hang past the deadline", func(t *testing.T) {
		r.Override(1000, beacontest.Hang())
		defer r.Override(1000, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := newClient(t, r).Fetch(ctx, quicknet(1000))
		assert.Less(t, time.Since(start), 4*time.Second, "the deadline, not the relay, ended the call")
		assert.ErrorIs(t, err, office.ErrUnavailable)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.ErrorContains(t, err, "no answer before the deadline")
	})
	t.Run("own timeout", func(t *testing.T) {
		r.Override(1000, beacontest.Hang())
		defer r.Override(1000, nil)
		d, err := beacon.NewDrandHTTP(r.URL, beacon.DrandHTTPOptions{Timeout: 200 * time.Millisecond})
		require.NoError(t, err)
		_, err = d.Fetch(context.Background(), quicknet(1000))
		assert.ErrorIs(t, err, office.ErrUnavailable)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
	t.Run("not emitted yet", func(t *testing.T) {
		_, err := newClient(t, r).Fetch(context.Background(), quicknet(99_000_000))
		assert.ErrorIs(t, err, office.ErrNotFound)
		assert.ErrorContains(t, err, "HTTP 425")
		assert.ErrorContains(t, err, "published at 2033-01-20T03:09:24Z")
	})
	t.Run("relay down", func(t *testing.T) {
		d, err := beacon.NewDrandHTTP("http://127.0.0.1:1", beacon.DrandHTTPOptions{})
		require.NoError(t, err)
		_, err = d.Fetch(context.Background(), quicknet(1000))
		assert.ErrorIs(t, err, office.ErrUnavailable)
	})
}

// The relay's /info must be the pinned chain's.
func TestDrandHTTPInfo(t *testing.T) {
	r := beacontest.NewRelay(t)
	var info map[string]any
	require.NoError(t, json.Unmarshal(r.Info, &info))
	info["period"] = 30
	other, err := json.Marshal(info)
	require.NoError(t, err)
	r.OverrideInfo(beacontest.Body(200, string(other)))
	_, err = newClient(t, r).Fetch(context.Background(), quicknet(1000))
	var ve *beacon.VerifyError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "info", ve.Field)
	assert.ErrorContains(t, err, "period is 30, the pinned quicknet chain has 3")

	r.OverrideInfo(beacontest.Body(200, "null"))
	_, err = newClient(t, r).Fetch(context.Background(), quicknet(1000))
	assert.ErrorContains(t, err, "field info")
}

// Requests that name nothing fetchable are refused before any HTTP.
func TestDrandHTTPBadRequests(t *testing.T) {
	r := beacontest.NewRelay(t)
	d := newClient(t, r)
	for _, req := range []beacon.Request{
		{Source: "lottery", Round: 1},
		{Source: "drand", Network: "quicknet", Round: 0},
		{Source: "drand", Network: "mainnet", Round: 5},
	} {
		_, err := d.Fetch(context.Background(), req)
		assert.ErrorIs(t, err, office.ErrPrecondition, "%+v", req)
	}
	assert.Zero(t, r.Hits.Load())
	for _, u := range []string{"ftp://x", "http://", "relay.example", "https://x/?q=1", "://"} {
		_, err := beacon.NewDrandHTTP(u, beacon.DrandHTTPOptions{})
		assert.ErrorIs(t, err, office.ErrPrecondition, u)
	}
	d, err := beacon.NewDrandHTTP("", beacon.DrandHTTPOptions{})
	require.NoError(t, err)
	assert.Equal(t, beacon.DefaultDrandURL, d.Base())
}

func TestEvidence(t *testing.T) {
	r := beacontest.NewRelay(t)
	d := newClient(t, r)
	ctx := context.Background()
	drand := draw.Source{Kind: draw.SourceDrand, Network: "quicknet", Round: 32285086}
	manual := draw.Source{Kind: draw.SourceManual, Note: "口令"}
	want := draw.Evidence{Randomness: r.Beacons[32285086].Randomness, Signature: r.Beacons[32285086].Signature}

	ev, err := beacon.Evidence(ctx, d, []draw.Source{drand}, nil)
	require.NoError(t, err)
	assert.Equal(t, []draw.Evidence{want}, ev)

	ev, err = beacon.Evidence(ctx, d, []draw.Source{drand, manual}, []draw.Evidence{{}, {Value: "x"}})
	require.NoError(t, err)
	assert.Equal(t, []draw.Evidence{want, {Value: "x"}}, ev)

	ev, err = beacon.Evidence(ctx, d, []draw.Source{drand}, []draw.Evidence{want})
	require.NoError(t, err, "given evidence equal to the beacon's is fine")
	assert.Equal(t, []draw.Evidence{want}, ev)

	_, err = beacon.Evidence(ctx, d, []draw.Source{drand, manual}, nil)
	assert.ErrorIs(t, err, draw.ErrEvidenceMismatch)
	assert.ErrorContains(t, err, "source 1 is a manual source")

	_, err = beacon.Evidence(ctx, d, []draw.Source{drand}, []draw.Evidence{{}, {}})
	assert.ErrorIs(t, err, draw.ErrEvidenceMismatch)

	other := draw.Evidence{Randomness: r.Beacons[1000].Randomness, Signature: r.Beacons[1000].Signature}
	_, err = beacon.Evidence(ctx, d, []draw.Source{drand}, []draw.Evidence{other})
	assert.ErrorIs(t, err, draw.ErrEvidenceMismatch)
	assert.ErrorContains(t, err, "source 0 (drand quicknet round 32285086)")

	r.Override(32285086, beacontest.JSON(forge(r, 32285086, 1000)))
	_, err = beacon.Evidence(ctx, d, []draw.Source{manual, drand}, []draw.Evidence{{Value: "x"}, {}})
	assert.ErrorIs(t, err, draw.ErrBadBeacon)
	assert.ErrorContains(t, err, "source 1: ")
}
