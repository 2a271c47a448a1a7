package host_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/adapters/host"
	"github.com/shuangsuiji/ssj/adapters/publishers/httppub/httppubtest"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/memstore"
)

var (
	pubBuildOnce sync.Once
	pubBuildErr  error
	gsxtPlugin   binary
	httpPlugin   binary
)

// pubPlugins builds the two reference publisher plugins once.
func pubPlugins(t testing.TB) {
	t.Helper()
	pubBuildOnce.Do(func() {
		if gsxtPlugin, pubBuildErr = build(binDir, "github.com/shuangsuiji/ssj/adapters/plugins/publisher-gsxt"); pubBuildErr != nil {
			return
		}
		httpPlugin, pubBuildErr = build(binDir, "github.com/shuangsuiji/ssj/adapters/plugins/publisher-http")
	})
	if pubBuildErr != nil {
		t.Fatal(pubBuildErr)
	}
}

func pubHost(t testing.TB, ps ...host.Plugin) *host.Host {
	pubPlugins(t)
	return host.New(&host.Config{Source: "test", Plugins: ps}, host.Options{Logger: testLogger(t), StartTimeout: 20 * time.Second})
}

func demoOffice(t *testing.T) (*office.Office, office.Store) {
	t.Helper()
	st := memstore.New()
	o, clock, err := demo.New(st)
	require.NoError(t, err)
	_, err = demo.Run(context.Background(), o, clock, nil)
	require.NoError(t, err)
	return o, st
}

// TestPublisherPluginFiles: the GSXT file publisher run as a plugin
// delivers the demo's publications into a directory; the office records
// the receipts; a second run sends nothing; a body over the protocol's
// 1 MiB message limit goes through in chunks; a refusal is
// ErrPrecondition on the host.
func TestPublisherPluginFiles(t *testing.T) {
	ctx := context.Background()
	o, st := demoOffice(t)
	pubPlugins(t)
	dir := t.TempDir()
	h := pubHost(t, host.Plugin{Name: "gsxt", Kind: "publisher", Command: gsxtPlugin.path, SHA256: gsxtPlugin.sum, Args: []string{"-dir", dir}})
	p, err := h.OpenPublisher(ctx, "gsxt", "")
	require.NoError(t, err)
	defer p.Close()
	var _ office.Publisher = p

	opt := office.DeliverOptions{Publisher: "gsxt", PublicBase: "https://example.gov.cn/r"}
	pending, err := o.Outbox(ctx, opt)
	require.NoError(t, err)
	rep, err := o.Deliver(ctx, office.Step{Who: "推送任务"}, p, opt)
	require.NoError(t, err)
	assert.Equal(t, len(pending), rep.Sent)
	receipts, err := os.ReadDir(filepath.Join(dir, "receipts"))
	require.NoError(t, err)
	assert.Len(t, receipts, len(pending))
	for _, r := range rep.Receipts {
		assert.True(t, strings.HasPrefix(r.Receipt.PlatformID, "gsxt-file:"), r.Receipt.PlatformID)
	}
	rep, err = o.Deliver(ctx, office.Step{Who: "推送任务"}, p, opt)
	require.NoError(t, err)
	assert.Zero(t, rep.Sent)
	ar, err := office.Audit(ctx, st, office.AuditOptions{})
	require.NoError(t, err)
	require.True(t, ar.OK, "%v", ar.Problem)
	assert.Equal(t, len(pending), ar.Receipts)

	big := []byte(`{"text":"` + strings.Repeat("公示", 500_000) + `"}`)
	sum := sha256.Sum256(big)
	pub := office.Publication{Key: "big-1", Kind: office.PublicationAnnouncement, Subject: "T-big", MediaType: "application/json", Body: big, SHA256: hex.EncodeToString(sum[:])}
	rc, err := p.Publish(ctx, pub)
	require.NoError(t, err)
	assert.Equal(t, "big-1", rc.Key)
	got, err := os.ReadFile(filepath.Join(dir, "announcements", "big-1.json"))
	require.NoError(t, err)
	assert.Equal(t, big, got)
	rc, err = p.Publish(ctx, pub)
	require.NoError(t, err)
	assert.True(t, rc.Duplicate)

	_, err = p.Publish(ctx, office.Publication{Key: "bad", Kind: office.PublicationResult, Body: []byte(`{"x":1}`)})
	require.ErrorIs(t, err, office.ErrPrecondition)
	assert.Contains(t, err.Error(), `publisher plugin "gsxt"`)
	assert.Equal(t, 1, p.Starts())
}

// TestPublisherPluginHTTP: the HTTP publisher run as a plugin, against a
// platform that fails at random, with the plugin process killed in the
// middle: every publication arrives exactly once, the next call starts a
// fresh plugin, the receipts are recorded and audited.
func TestPublisherPluginHTTP(t *testing.T) {
	ctx := context.Background()
	o, st := demoOffice(t)
	plat := httppubtest.New(11, 0.3, 2*time.Second)
	defer plat.Close()
	pubPlugins(t)
	h := pubHost(t, host.Plugin{Name: "platform", Kind: "publisher", Command: httpPlugin.path, SHA256: httpPlugin.sum,
		Args: []string{"-timeout", "150ms", "-attempts", "3", "-base-delay", "1ms", "-max-delay", "10ms"}})
	p, err := h.OpenPublisher(ctx, "platform", plat.URL)
	require.NoError(t, err)
	defer p.Close()

	opt := office.DeliverOptions{Publisher: "platform", PublicBase: "https://example.gov.cn/r"}
	pending, err := o.Outbox(ctx, opt)
	require.NoError(t, err)
	// The plugin process is killed in the middle of the first run.
	pid := p.Pid()
	killed := make(chan error, 1)
	go func() {
		time.Sleep(100 * time.Millisecond)
		killed <- syscall.Kill(pid, syscall.SIGKILL)
	}()
	rep, err := o.Deliver(ctx, office.Step{Who: "推送任务"}, p, opt)
	require.NoError(t, <-killed)
	if err != nil {
		require.ErrorIs(t, err, office.ErrUnavailable)
	}
	t.Logf("first run: %d sent before the kill, %d pending (%v)", rep.Sent, rep.Pending, err)
	for round := 0; ; round++ {
		require.Less(t, round, 200, "delivery does not converge")
		rep, err := o.Deliver(ctx, office.Step{Who: "推送任务"}, p, opt)
		if err == nil && rep.Pending == 0 {
			break
		}
		if err != nil {
			require.ErrorIs(t, err, office.ErrUnavailable)
		}
	}
	assert.Equal(t, 2, p.Starts(), "a fresh plugin after the kill, and none for a platform that failed")
	got := plat.Published()
	require.Len(t, got, len(pending))
	for _, pub := range pending {
		e, ok := got[pub.Key]
		require.True(t, ok, "lost: %s", pub.Key)
		assert.Equal(t, 1, e.Published)
	}
	recs, err := o.Receipts(ctx, "platform")
	require.NoError(t, err)
	require.Len(t, recs, len(pending))
	for _, r := range recs {
		assert.Equal(t, got[r.Key].Receipt.ID, r.Receipt.PlatformID)
	}
	ar, err := office.Audit(ctx, st, office.AuditOptions{})
	require.NoError(t, err)
	require.True(t, ar.OK, "%v", ar.Problem)
}

func TestPublisherPluginRefusals(t *testing.T) {
	ctx := context.Background()
	pubPlugins(t)
	plugins(t)
	bad := strings.Repeat("0", 64)
	h := pubHost(t,
		host.Plugin{Name: "forged", Kind: "publisher", Command: gsxtPlugin.path, SHA256: bad, Args: []string{"-dir", t.TempDir()}},
		host.Plugin{Name: "gsxt", Kind: "publisher", Command: gsxtPlugin.path, SHA256: gsxtPlugin.sum},
		host.Plugin{Name: "sqlite", Kind: "store", Command: sqlitePlugin.path, SHA256: sqlitePlugin.sum},
	)
	_, err := h.OpenPublisher(ctx, "forged", "")
	require.ErrorIs(t, err, host.ErrChecksum)
	_, err = h.OpenPublisher(ctx, "sqlite", "")
	require.ErrorIs(t, err, host.ErrConfig)
	_, err = h.OpenStore(ctx, "gsxt", "")
	require.ErrorIs(t, err, host.ErrConfig)
	_, err = h.OpenPublisher(ctx, "nope", "")
	require.ErrorIs(t, err, host.ErrConfig)
	// No -dir and no location: the plugin's opener refuses.
	_, err = h.OpenPublisher(ctx, "gsxt", "")
	require.ErrorIs(t, err, office.ErrPrecondition)
	assert.Contains(t, err.Error(), "no directory")
}
