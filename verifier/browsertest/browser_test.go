package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/verifier"
)

// chromium returns the browser to run, or skips the test (fails it when
// CI=true: .ci/run installs chromium and fonts-wqy-microhei).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("SSJ_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("browser test: no chromium on PATH (CI=true: install chromium chromium-driver fonts-wqy-microhei)")
	}
	t.Skip("browser test skipped: no chromium on PATH (apt-get install chromium fonts-wqy-microhei, or set SSJ_CHROMIUM)")
	return ""
}

// bundle is a task's public bundle: file name → bytes, as `ssj task export`
// writes the files the verifier reads.
type bundle map[string][]byte

// tamper returns a copy of b whose record names another target in
// selected[1] (one unit of the pool for another), and the path at which the
// Go verifier reports the first difference.
func tamper(t *testing.T, b bundle) (bundle, string) {
	t.Helper()
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(b["record.json"]))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&doc))
	sel := doc["selected"].([]any)
	require.Greater(t, len(sel), 2)
	s1, s2 := sel[1].(map[string]any), sel[2].(map[string]any)
	s1["target"] = s2["target"]
	data, err := json.MarshalIndent(doc, "", "  ")
	require.NoError(t, err)
	out := bundle{}
	for k, v := range b {
		out[k] = v
	}
	out["record.json"] = data
	// What the Go verifier says about the same bytes.
	rec, err := draw.DecodeRecord(bytes.NewReader(data))
	require.NoError(t, err)
	targets, err := registry.Decode(b["targets.csv"], registry.ImportOptions{File: "targets.csv", Pool: registry.PoolTargets})
	require.NoError(t, err)
	ins, err := registry.Decode(b["inspectors.csv"], registry.ImportOptions{File: "inspectors.csv", Pool: registry.PoolInspectors})
	require.NoError(t, err)
	err = draw.Verify(&rec, targets.Targets, &draw.InspectorPools{Home: ins.Inspectors})
	var ve *draw.VerifyError
	require.True(t, errors.As(err, &ve), "Go verifier: %v", err)
	return out, ve.Path
}

// server serves examples/web at /, the embedded verifier at /verifier/ and
// the bundles at the API's bundle URLs.
func server(t *testing.T, bundles map[string]bundle) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServerFS(os.DirFS(filepath.Join("..", "..", "examples", "web"))))
	mux.Handle("/verifier/", http.StripPrefix("/verifier/", http.FileServerFS(verifier.FS)))
	mux.HandleFunc("GET /api/v1/tasks/{id}/bundle", func(w http.ResponseWriter, r *http.Request) {
		b, ok := bundles[r.PathValue("id")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		var names []string
		for _, n := range []string{"README.txt", "manifest.json", "record.json", "targets.csv", "inspectors.csv", "fallback.csv", "proofs.json"} {
			if _, ok := b[n]; ok {
				names = append(names, n)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"task": r.PathValue("id"), "files": names})
	})
	mux.HandleFunc("GET /api/v1/tasks/{id}/bundle/{name}", func(w http.ResponseWriter, r *http.Request) {
		data, ok := bundles[r.PathValue("id")][r.PathValue("name")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(data)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

// browser starts headless chromium and returns its context.
func browser(t *testing.T, exe string) context.Context {
	t.Helper()
	actx, cancel := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.WindowSize(1100, 1400))
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// screenshot saves a full-page PNG into dir.
func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, buf, 0o644))
	t.Logf("screenshot %s", p)
}

// settled waits until the page's verdict is no longer "running" and returns it.
func settled(t *testing.T, ctx context.Context) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Poll[string](`(() => { const s = document.getElementById('verdict').dataset.state; return s !== 'running' && s !== 'idle' && s; })()`,
		chromedp.WithPollingTimeout(4*time.Minute)))
	require.NoError(t, err, "the verdict never settled")
	return v
}

// TestVerifyPageBundleDir opens verify.html on a bundle directory (ssj task
// export, or ssj demo --out) given in SSJ_BROWSER_BUNDLE, for looking at a
// large draw by hand: it takes a screenshot while the verifier runs and one
// at the end. It is skipped without SSJ_BROWSER_BUNDLE.
func TestVerifyPageBundleDir(t *testing.T) {
	dir := os.Getenv("SSJ_BROWSER_BUNDLE")
	if dir == "" {
		t.Skip("set SSJ_BROWSER_BUNDLE=DIR (a bundle of ssj task export) to open it in the browser")
	}
	exe := chromium(t)
	b := bundle{}
	for _, n := range []string{"README.txt", "manifest.json", "record.json", "targets.csv", "inspectors.csv", "fallback.csv", "proofs.json"} {
		if data, err := os.ReadFile(filepath.Join(dir, n)); err == nil {
			b[n] = data
		}
	}
	var rec struct {
		Manifest struct {
			Task struct {
				ID string `json:"id"`
			} `json:"task"`
		} `json:"manifest"`
	}
	require.NoError(t, json.Unmarshal(b["record.json"], &rec))
	ts := server(t, map[string]bundle{rec.Manifest.Task.ID: b})
	shots, err := os.MkdirTemp("", "ssj-browser-")
	require.NoError(t, err)
	fmt.Printf("browser test screenshots: %s\n", shots)
	ctx := browser(t, exe)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/verify.html?task="+rec.Manifest.Task.ID)))
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`['ranks', 'groups', 'record'].some((s) => document.querySelector('#steps li[data-step="' + s + '"]').dataset.state === 'running')`,
		chromedp.WithPollingTimeout(4*time.Minute), chromedp.WithPollingInterval(10*time.Millisecond)))
	if err == nil {
		screenshot(t, ctx, shots, "running.png")
	}
	st := settled(t, ctx)
	screenshot(t, ctx, shots, "done.png")
	verdict, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("verdict")))
	require.NoError(t, err)
	t.Logf("%s: %s", st, verdict)
	assert.Equal(t, "verified", st, verdict)
}
