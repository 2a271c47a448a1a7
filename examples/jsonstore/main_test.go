package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/adapters/host"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/storetest"
)

// The office's conformance suite over this plugin, built as a separate
// program and started through the host like any third-party plugin.
func TestConformance(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "jsonstore")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	b, err := os.ReadFile(bin)
	require.NoError(t, err)
	sum := sha256.Sum256(b)
	logger := hclog.New(&hclog.LoggerOptions{Level: hclog.Warn, Output: io.Discard})
	storetest.Run(t, func(t *testing.T) func() (office.Store, error) {
		file := filepath.Join(t.TempDir(), "office.json")
		h := host.New(&host.Config{Source: "test", Plugins: []host.Plugin{
			{Name: "json", Kind: "store", Command: bin, SHA256: hex.EncodeToString(sum[:]), Args: []string{"-file", file}},
		}}, host.Options{Logger: logger})
		return func() (office.Store, error) { return h.OpenStore(context.Background(), "json", "") }
	}, storetest.Options{BigRows: 5000})
}
