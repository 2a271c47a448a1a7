package host_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/adapters/beacon"
	"github.com/shuangsuiji/ssj/adapters/beacon/beacontest"
	"github.com/shuangsuiji/ssj/adapters/host"
	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/office"
)

var (
	beaconOnce        sync.Once
	beaconErr         error
	drandPlugin       binary
	beaconFaultPlugin binary
)

func beaconPlugins(t testing.TB) {
	t.Helper()
	beaconOnce.Do(func() {
		if drandPlugin, beaconErr = build(binDir, "github.com/shuangsuiji/ssj/adapters/plugins/beacon-drand"); beaconErr != nil {
			return
		}
		beaconFaultPlugin, beaconErr = build(binDir, "github.com/shuangsuiji/ssj/adapters/internal/beaconfault")
	})
	if beaconErr != nil {
		t.Fatal(beaconErr)
	}
}

// openBeacon starts the beacon plugin b as "drand" with args.
func openBeacon(t *testing.T, b *binary, location string, args ...string) *host.BeaconClient {
	t.Helper()
	beaconPlugins(t)
	h := host.New(&host.Config{Source: "test", Plugins: []host.Plugin{{Name: "drand", Kind: "beacon", Command: b.path, SHA256: b.sum, Args: args}}},
		host.Options{Logger: testLogger(t), StartTimeout: 20 * time.Second})
	c, err := h.OpenBeacon(context.Background(), "drand", location)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

func qn(round uint64) beacon.Request {
	return beacon.Request{Source: "drand", Network: "quicknet", Round: round}
}

// The reference plugin fetches the bundled real beacons from a local
// relay; the values arrive verified, the same as in process.
func TestBeaconPluginFetches(t *testing.T) {
	r := beacontest.NewRelay(t)
	c := openBeacon(t, &drandPlugin, "", "-url", r.URL)
	for _, n := range []uint64{1000, 1001, 12040883, 32285086} {
		v, err := c.Fetch(context.Background(), qn(n))
		require.NoError(t, err, "round %d", n)
		assert.Equal(t, r.Beacons[n].Signature, v.Signature)
		assert.Equal(t, r.Beacons[n].Randomness, v.Randomness)
		assert.Equal(t, draw.Quicknet.Hash, v.ChainHash)
	}
	assert.Equal(t, 1, c.Starts())
	assert.NotZero(t, c.Pid())
	require.NoError(t, c.Close())
	_, err := c.Fetch(context.Background(), qn(1000))
	assert.ErrorIs(t, err, office.ErrUnavailable)
}

// The location the host names replaces the plugin's -url.
func TestBeaconPluginLocation(t *testing.T) {
	r := beacontest.NewRelay(t)
	c := openBeacon(t, &drandPlugin, r.URL, "-url", "http://127.0.0.1:1")
	_, err := c.Fetch(context.Background(), qn(1001))
	require.NoError(t, err)
}

// What the relay does wrong reaches the host as the office's sentinels,
// with the plugin's message naming the round and the field.
func TestBeaconPluginRelayFaults(t *testing.T) {
	r := beacontest.NewRelay(t)
	c := openBeacon(t, &drandPlugin, "", "-url", r.URL, "-timeout", "30s")
	ctx := context.Background()

	r.Override(1000, beacontest.JSON(r.Beacons[1001]))
	_, err := c.Fetch(ctx, qn(1000))
	assert.ErrorIs(t, err, office.ErrPrecondition)
	assert.ErrorContains(t, err, `beacon plugin "drand": fetch drand quicknet round 1000`)
	assert.ErrorContains(t, err, "field round: refused: the value is of round 1001")

	r.Override(1000, beacontest.Body(200, "{]"))
	_, err = c.Fetch(ctx, qn(1000))
	assert.ErrorIs(t, err, office.ErrPrecondition)
	assert.ErrorContains(t, err, "field answer")

	r.Override(1000, beacontest.Body(500, "boom"))
	_, err = c.Fetch(ctx, qn(1000))
	assert.ErrorIs(t, err, office.ErrUnavailable)
	assert.ErrorContains(t, err, "HTTP 500")
	assert.ErrorIs(t, err, beacon.ErrUnavailable)
	assert.NotContains(t, err.Error(), "store")

	_, err = c.Fetch(ctx, qn(90_000_000))
	assert.ErrorIs(t, err, office.ErrNotFound)

	// The relay hangs: the host's deadline ends the call, not the
	// plugin's 30 s timeout.
	r.Override(1000, beacontest.Hang())
	dctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.Fetch(dctx, qn(1000))
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.ErrorIs(t, err, office.ErrUnavailable)

	// The plugin is still fine afterwards.
	r.Override(1000, nil)
	_, err = c.Fetch(ctx, qn(1000))
	require.NoError(t, err)
	assert.Equal(t, 1, c.Starts())
}

// The host does not trust the plugin: a plugin that hands over a value
// that does not verify is refused on the host.
func TestBeaconPluginLies(t *testing.T) {
	ctx := context.Background()
	c := openBeacon(t, &beaconFaultPlugin, "", "-mode", "forge")
	_, err := c.Fetch(ctx, qn(1001))
	assert.ErrorIs(t, err, draw.ErrBadBeacon)
	var ve *beacon.VerifyError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "signature", ve.Field)
	assert.ErrorContains(t, err, "round 1001")
	// The forged value is round 1000's real one: for round 1000 it is right.
	_, err = c.Fetch(ctx, qn(1000))
	assert.NoError(t, err)

	c = openBeacon(t, &beaconFaultPlugin, "", "-mode", "garbage")
	_, err = c.Fetch(ctx, qn(1000))
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "source", ve.Field)
}

// A plugin that hangs or dies gives a clear error, never a hang; after a
// death the next call starts a fresh plugin.
func TestBeaconPluginHangsAndDies(t *testing.T) {
	c := openBeacon(t, &beaconFaultPlugin, "", "-mode", "hang")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Fetch(ctx, qn(1000))
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.ErrorIs(t, err, office.ErrUnavailable)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorContains(t, err, "did not answer in time")

	c = openBeacon(t, &beaconFaultPlugin, "", "-mode", "die")
	_, err = c.Fetch(context.Background(), qn(1000))
	assert.ErrorIs(t, err, office.ErrUnavailable)
	require.Eventually(t, func() bool {
		_, err := c.Fetch(context.Background(), qn(1000))
		return err != nil && c.Starts() >= 2
	}, 20*time.Second, 100*time.Millisecond, "a fresh plugin is started after the first died")
}

// The config decides what runs: a wrong checksum is never started, a
// store plugin is not a beacon.
func TestBeaconPluginConfig(t *testing.T) {
	beaconPlugins(t)
	plugins(t)
	ctx := context.Background()
	bad := strings.Repeat("0", 64)
	h := host.New(&host.Config{Source: "plugins.json", Plugins: []host.Plugin{
		{Name: "drand", Kind: "beacon", Command: drandPlugin.path, SHA256: bad},
		{Name: "sqlite", Kind: "store", Command: sqlitePlugin.path, SHA256: sqlitePlugin.sum},
	}}, host.Options{Logger: testLogger(t)})
	_, err := h.OpenBeacon(ctx, "drand", "")
	assert.ErrorIs(t, err, host.ErrChecksum)
	assert.ErrorContains(t, err, "it was not started")
	_, err = h.OpenBeacon(ctx, "sqlite", "")
	assert.ErrorIs(t, err, host.ErrConfig)
	assert.ErrorContains(t, err, `plugin "sqlite" is a store plugin, not a beacon`)
	_, err = h.OpenBeacon(ctx, "nope", "")
	assert.ErrorIs(t, err, host.ErrConfig)
	_, err = h.OpenStore(ctx, "drand", "")
	assert.ErrorIs(t, err, host.ErrConfig)

	// The plugin's own arguments are checked when it opens.
	h = host.New(&host.Config{Source: "plugins.json", Plugins: []host.Plugin{
		{Name: "drand", Kind: "beacon", Command: drandPlugin.path, SHA256: drandPlugin.sum, Args: []string{"-url", "ftp://relay"}},
	}}, host.Options{Logger: testLogger(t)})
	_, err = h.OpenBeacon(ctx, "drand", "")
	assert.ErrorIs(t, err, office.ErrPrecondition)
	assert.ErrorContains(t, err, `drand base URL "ftp://relay"`)
}
