package host_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/adapters/host"
)

// The plugin binaries, built once per test binary (on first use, so that
// fuzzing workers, which need none, do not build them).
var (
	binDir       string
	buildOnce    sync.Once
	buildErr     error
	sqlitePlugin binary
	faultPlugin  binary
)

type binary struct{ path, sum string }

func TestMain(m *testing.M) {
	if bin := os.Getenv("SSJ_HOST_HELPER"); bin != "" {
		os.Exit(helperHost(bin))
	}
	dir, err := os.MkdirTemp("", "ssj-plugins-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// plugins builds the plugin binaries the first time a test needs them.
func plugins(t testing.TB) {
	t.Helper()
	buildOnce.Do(func() {
		if sqlitePlugin, buildErr = build(binDir, "github.com/shuangsuiji/ssj/adapters/plugins/sqlite"); buildErr != nil {
			return
		}
		faultPlugin, buildErr = build(binDir, "github.com/shuangsuiji/ssj/adapters/internal/faultplugin")
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
}

// build compiles a plugin main package into dir and returns its path and
// SHA-256.
func build(dir, pkg string) (binary, error) {
	out := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return binary{}, fmt.Errorf("go build %s: %w", pkg, err)
	}
	sum, err := sha256File(out)
	return binary{out, sum}, err
}

func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// testHost returns a host whose config has one store plugin, name, run
// from b with args.
func testHost(t testing.TB, name string, b *binary, args ...string) *host.Host {
	plugins(t)
	return host.New(&host.Config{Source: "test", Plugins: []host.Plugin{{Name: name, Kind: "store", Command: b.path, SHA256: b.sum, Args: args}}},
		host.Options{Logger: testLogger(t), StartTimeout: 20 * time.Second})
}

func testLogger(t testing.TB) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{Name: "ssj-plugin", Level: hclog.Warn, Output: io.Discard})
}

// openFault starts the fault plugin over a fresh SQLite file.
func openFault(t *testing.T, args ...string) *host.StoreClient {
	t.Helper()
	args = append([]string{"-path", filepath.Join(t.TempDir(), "ssj.db")}, args...)
	st, err := testHost(t, "fault", &faultPlugin, args...).OpenStore(context.Background(), "fault", "")
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

// helperHost is a host process for TestFaults/TestHostKilled: it starts
// the fault plugin, prints the plugin's PID and waits to be killed.
func helperHost(bin string) int {
	h := host.New(&host.Config{Source: "helper", Plugins: []host.Plugin{
		{Name: "mem", Kind: "store", Command: bin, SHA256: os.Getenv("SSJ_HOST_HELPER_SUM"), Args: []string{"-mem"}},
	}}, host.Options{Logger: hclog.NewNullLogger()})
	st, err := h.OpenStore(context.Background(), "mem", "")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	fmt.Println(st.Pid())
	time.Sleep(time.Minute)
	return 1
}
