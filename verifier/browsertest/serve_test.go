package browsertest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/shuangsuiji/ssj/api"
	"github.com/shuangsuiji/ssj/draw"
	web "github.com/shuangsuiji/ssj/examples/web"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/sqlitestore"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/verifier"
	"github.com/shuangsuiji/ssj/workday"
)

// demoSite is what `ssj serve --demo` serves, made in process: a SQLite
// store in a temporary directory filled by the demo up to a stage, an
// office over it, and the API with the embedded front end (examples/web)
// and verifier, with one operator token.
type demoSite struct {
	o      *office.Office
	path   string // the SQLite file
	taskID string
	cfg    api.Config
}

const operatorToken = "op-browser-secret"

func newDemoSite(t *testing.T, stage demo.Stage) *demoSite {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "ssj-demo.db")
	st, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	o, clock, err := demo.New(st)
	require.NoError(t, err)
	sum, err := demo.RunUntil(ctx, o, clock, nil, stage)
	require.NoError(t, err)
	// As serve --demo: the clock runs on from the demo's last step.
	signer, ring, err := demo.Keys()
	require.NoError(t, err)
	cal, err := workday.Default()
	require.NoError(t, err)
	from, start := clock.Now(), time.Now()
	o, err = office.New(office.Config{Store: st, Clock: clockFunc(func() time.Time { return from.Add(time.Since(start)) }), Calendar: cal, Signer: signer, Authority: ring})
	require.NoError(t, err)
	tokens, err := api.ParseTokens(strings.NewReader(api.TokenLine(operatorToken, api.RoleOperator, "治安大队 录入员 孙*")+"\n"), "tokens")
	require.NoError(t, err)
	blobs, err := api.OpenBlobs(filepath.Join(dir, "blobs"))
	require.NoError(t, err)
	return &demoSite{o: o, path: path, taskID: sum.TaskID,
		cfg: api.Config{Office: o, Tokens: tokens, Blobs: blobs, Web: web.FS, Verifier: verifier.FS}}
}

type clockFunc func() time.Time

func (f clockFunc) Now() time.Time { return f() }

// serve starts the API over the site, with h wrapped around it when given.
func (d *demoSite) serve(t *testing.T, wrap func(http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	srv, err := api.New(d.cfg)
	require.NoError(t, err)
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(h)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// shotDir makes the directory the test's screenshots go to and says where.
func shotDir(t *testing.T, prefix string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", prefix)
	require.NoError(t, err)
	t.Logf("screenshots in %s", dir)
	fmt.Printf("browser test screenshots: %s\n", dir)
	return dir
}

// openVerifyFromTaskPage does what a visitor does: the task list, the
// task's page, its "在浏览器中复核本次抽取" button; it waits for the verdict
// and returns it.
func openVerifyFromTaskPage(t *testing.T, ctx context.Context, base, taskID, shots, name string) string {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/tasks.html"),
		chromedp.Click(fmt.Sprintf(`a[href="task.html?id=%s"]`, taskID)),
		chromedp.WaitVisible(`#verify`)))
	screenshot(t, ctx, shots, name+"-task.png")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(`#verify`)))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	require.Contains(t, loc, "/verify.html?task="+taskID)
	st := settled(t, ctx)
	screenshot(t, ctx, shots, name+"-verify.png")
	return st
}

// TestDemoStoreThroughServe is the visitor's path through `ssj serve
// --demo` (in process: the same office, store, API and embedded pages):
// from the task list to the task page to "verify this draw", which
// downloads the bundle the office builds from the store and verifies it in
// the browser ("verified", showing the chain anchor to compare with the
// published one). Then the same bundle altered behind the server's back: a
// mirror serving an altered record shows the first difference where the
// Go verifier finds it; a store row edited under the server (a drawn
// target's credit class in the SQLite file) makes the server refuse the
// bundle, and both pages say why (rules R15, R16, R31).
func TestDemoStoreThroughServe(t *testing.T) {
	exe := chromium(t)
	ctx := context.Background()
	site := newDemoSite(t, demo.StageAll)
	ts := site.serve(t, nil)
	rec, err := site.o.Record(ctx, site.taskID)
	require.NoError(t, err)
	anc, err := draw.AnchorOf(&rec)
	require.NoError(t, err)

	shots := shotDir(t, "ssj-browser-serve-")
	bctx := browser(t, exe)

	t.Run("verified", func(t *testing.T) {
		st := openVerifyFromTaskPage(t, bctx, ts.URL, site.taskID, shots, "demo")
		verdict, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("verdict")))
		require.NoError(t, err)
		require.Equal(t, "verified", st, verdict)
		assert.Contains(t, verdict, "已验证")
		sum, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("summary")))
		require.NoError(t, err)
		assert.Contains(t, sum, anc.Hash, "the page shows the chain anchor the Go side computes, to compare with the published one")
		assert.Contains(t, sum, "请与任务公告中的锚点比对")
	})

	t.Run("altered export", func(t *testing.T) {
		// A mirror of the site serves everything as the server does but the
		// task's record.json, altered (selected[1] names selected[2]'s target).
		files, err := site.o.Bundle(ctx, site.taskID)
		require.NoError(t, err)
		b := bundle{}
		for _, f := range files {
			b[f.Name] = f.Data
		}
		bad, goPath := tamper(t, b)
		mirror := site.serve(t, func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/api/v1/tasks/"+site.taskID+"/bundle/record.json" {
					w.Header().Set("Content-Type", "application/json")
					w.Write(bad["record.json"])
					return
				}
				h.ServeHTTP(w, r)
			})
		})
		st := openVerifyFromTaskPage(t, bctx, mirror.URL, site.taskID, shots, "altered-export")
		require.Equal(t, "failed", st)
		path, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("diff-path")))
		require.NoError(t, err)
		assert.Equal(t, goPath, path, "the page names the first difference where the Go verifier does")
		recorded, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("diff-record")))
		require.NoError(t, err)
		again, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("diff-recomputed")))
		require.NoError(t, err)
		assert.NotEqual(t, recorded, again, "both values shown")
	})

	t.Run("unknown task", func(t *testing.T) {
		require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(ts.URL+"/verify.html?task=NO-SUCH-TASK")))
		assert.Equal(t, "error", settled(t, bctx))
		verdict, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("verdict")))
		require.NoError(t, err)
		assert.Contains(t, verdict, "HTTP 404")
	})

	t.Run("ed25519 in the browser", func(t *testing.T) {
		// Lock signatures (spec §10.2) go through WebCrypto's Ed25519 in
		// Chromium; the @noble fallback must load through the import map.
		pub, priv, err := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{9}, 64)))
		require.NoError(t, err)
		msg := []byte("ssj-v1.1-lock\n{\"at\":\"2026-09-18T01:30:00Z\",\"by\":\"王*\",\"record_hash\":\"00\"}")
		sig := ed25519.Sign(priv, msg)
		js := fmt.Sprintf(`(async () => {
			const m = await import('/verifier/ssj-verify.mjs');
			const b = (h) => Uint8Array.from(h.match(/../g).map((x) => parseInt(x, 16)));
			const pub = b(%q), sig = b(%q), msg = new TextEncoder().encode(%q);
			const web = await m.verifyEd25519(pub, sig, msg);
			const bad = await m.verifyEd25519(pub, sig, new TextEncoder().encode('x'));
			const { ed25519 } = await import('@noble/curves/ed25519.js');
			return [web.via, String(web.ok), String(bad.ok), String(ed25519.verify(sig, msg, pub))].join(' ');
		})()`, hex.EncodeToString(pub), hex.EncodeToString(sig), string(msg))
		got, err := chromedp.Run(bctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
		require.NoError(t, err)
		assert.Equal(t, "webcrypto true false true", got)
	})

	t.Run("xlsx pool in the browser", func(t *testing.T) {
		// The verifier's XLSX reader (DecompressionStream, lib/xlsx.mjs)
		// reads the task's target snapshot, written by ssj as a workbook,
		// to the snapshot's commitment.
		m, err := site.o.Manifest(ctx, site.taskID)
		require.NoError(t, err)
		targets, err := site.o.Targets(ctx, m.Targets)
		require.NoError(t, err)
		var b bytes.Buffer
		require.NoError(t, registry.WriteTargetsXLSX(&b, targets))
		js := fmt.Sprintf(`(async () => {
			const m = await import('/verifier/ssj-verify.mjs');
			const { readPoolText } = await import('/verifier/lib/xlsx.mjs');
			const bytes = Uint8Array.from(atob(%q), (c) => c.charCodeAt(0));
			const units = m.readPool(await readPoolText(bytes, 'targets.xlsx'), 'targets', 'targets.xlsx');
			const c = await m.commitment(m.makeHasher({}), units, (u) => u.id, m.targetLeaf);
			return c.count + ' ' + c.root;
		})()`, base64.StdEncoding.EncodeToString(b.Bytes()))
		got, err := chromedp.Run(bctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
		require.NoError(t, err)
		snap, err := site.o.Snapshot(ctx, m.Targets)
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("%d %s", snap.Count, snap.Root), got)
	})

	t.Run("store row edited", func(t *testing.T) {
		// Edit one drawn target's row in the SQLite file behind the server
		// (the server keeps its connection open). A fresh server: the
		// running one's public cache holds answers computed before the edit
		// at the same trail head.
		db, err := sql.Open("sqlite", site.path)
		require.NoError(t, err)
		defer db.Close()
		target := rec.Selected[0].Target
		var data []byte
		require.NoError(t, db.QueryRow(`SELECT data FROM snapshot_rows WHERE key = ?`, target).Scan(&data))
		var row map[string]any
		require.NoError(t, json.Unmarshal(data, &row))
		row["credit_class"] = map[bool]string{true: "A", false: "D"}[row["credit_class"] != "A"]
		edited, err := json.Marshal(row)
		require.NoError(t, err)
		res, err := db.Exec(`UPDATE snapshot_rows SET data = ? WHERE key = ?`, edited, target)
		require.NoError(t, err)
		n, err := res.RowsAffected()
		require.NoError(t, err)
		require.Positive(t, n)
		fresh := site.serve(t, nil)
		// The task page cannot list the bundle: it shows the server's refusal.
		require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(fresh.URL+"/tasks.html"),
			chromedp.Click(fmt.Sprintf(`a[href="task.html?id=%s"]`, site.taskID)), chromedp.WaitReady(`#bundle`)))
		refusal, err := chromedp.Run(bctx, chromedp.Poll[string](`(() => { const t = document.getElementById('err').innerText; return t.includes('HTTP') && t; })()`,
			chromedp.WithPollingTimeout(time.Minute)))
		require.NoError(t, err, "the task page never showed the refusal")
		screenshot(t, bctx, shots, "store-edited-task.png")
		assert.Contains(t, refusal, "HTTP 500")
		assert.Contains(t, refusal, "differs from the snapshot's")
		// The verify page, opened from a link to it, says the same.
		require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(fresh.URL+"/verify.html?task="+site.taskID)))
		st := settled(t, bctx)
		screenshot(t, bctx, shots, "store-edited-verify.png")
		require.Equal(t, "error", st)
		verdict, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("verdict")))
		require.NoError(t, err)
		assert.Contains(t, verdict, "HTTP 500")
		assert.Contains(t, verdict, "stored state does not match the trail", "the page shows the server's problem")
		assert.Contains(t, verdict, "snapshot_rows")
	})
}

// countingHandler counts the requests that reach the server, by method and
// path.
type countingHandler struct {
	h    http.Handler
	mu   sync.Mutex
	hits map[string]int
}

func (c *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	key := r.Method + " " + r.URL.Path
	if strings.HasPrefix(r.URL.Path, "/api/v1/blobs/") {
		key = r.Method + " /api/v1/blobs/…"
	}
	c.hits[key]++
	c.mu.Unlock()
	c.h.ServeHTTP(w, r)
}

func (c *countingHandler) count(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits[key]
}

// TestPhoneEntryOfflineQueue enters a result on the phone page (narrow
// screen) while the phone cannot reach the server: the result, with a
// photo, is kept as a draft and queued (localStorage; the photo in
// IndexedDB by its SHA-256), survives a reload, and is sent once when the
// connection returns: one upload of the photo and one POST of the entry
// reach the server, the office stores the result with the photo's address
// (rule R24), and the queue is empty.
func TestPhoneEntryOfflineQueue(t *testing.T) {
	exe := chromium(t)
	ctx := context.Background()
	site := newDemoSite(t, demo.StageDispatched)
	counter := &countingHandler{hits: map[string]int{}}
	ts := site.serve(t, func(h http.Handler) http.Handler { counter.h = h; return counter })
	shots := shotDir(t, "ssj-browser-phone-")

	actx, cancel := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.WindowSize(400, 860))
	t.Cleanup(cancel)
	bctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	bctx, cancel = context.WithTimeout(bctx, 3*time.Minute)
	t.Cleanup(cancel)

	rec, err := site.o.Record(ctx, site.taskID)
	require.NoError(t, err)
	target := rec.Selected[0].Target
	id := site.taskID + "/" + target
	entryURL := fmt.Sprintf("%s/entry.html?task=%s&target=%s", ts.URL, site.taskID, target)

	// The operator's token, then the form for the first drawn target.
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(ts.URL+"/index.html")))
	_, err = chromedp.Run(bctx, chromedp.Evaluate[any](`localStorage.setItem('ssj.token', '`+operatorToken+`'), null`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(entryURL), chromedp.WaitVisible(`#form button[type=submit]`)))

	// The connection goes: navigator.onLine is false and every request to
	// the API fails (the page's own files stand for the phone's cache).
	setOffline(t, bctx, ts.URL, true)
	photo := filepath.Join(t.TempDir(), "现场.png")
	require.NoError(t, os.WriteFile(photo, tinyPNG(), 0o644))
	require.NoError(t, chromedp.Do(bctx,
		chromedp.Click(`input[data-k=concl][value="no_problem"]`),
		chromedp.SetUploadFiles(`input[data-k=photo]`, []string{photo}),
	))
	// The photo is stored (IndexedDB) and in the draft.
	_, err = chromedp.Run(bctx, chromedp.Poll[bool](`document.querySelectorAll('#thumbs img').length === 1`, chromedp.WithPollingTimeout(20*time.Second)))
	require.NoError(t, err, "the photo never showed")
	require.NoError(t, chromedp.Do(bctx, chromedp.Click(`#form button[type=submit]`)))
	status := waitStatus(t, bctx, "排队")
	screenshot(t, bctx, shots, "1-offline-queued.png")
	assert.Contains(t, status, "网络不可用")
	assert.Equal(t, []string{id}, outboxOf(t, bctx))

	// A reload while still offline (the page cannot list tasks without the
	// API; it says so): the draft, the queue and the photo are kept.
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(entryURL)))
	_, err = chromedp.Run(bctx, chromedp.Poll[bool](`document.getElementById('err').innerText.includes('无法连接服务器')`, chromedp.WithPollingTimeout(20*time.Second)))
	require.NoError(t, err, "the reloaded page never said it is offline")
	screenshot(t, bctx, shots, "2-reloaded-offline.png")
	assert.Equal(t, []string{id}, outboxOf(t, bctx))
	draft, err := chromedp.Run(bctx, chromedp.Evaluate[string](`localStorage.getItem('ssj.draft.`+id+`') || ''`))
	require.NoError(t, err)
	var kept struct {
		Result struct {
			Conclusions []string `json:"conclusions"`
			Evidence    []struct {
				SHA256 string `json:"sha256"`
			} `json:"evidence"`
		} `json:"result"`
	}
	require.NoError(t, json.Unmarshal([]byte(draft), &kept), "the draft survives the reload: %q", draft)
	assert.Equal(t, []string{"no_problem"}, kept.Result.Conclusions, "the draft kept the conclusion")
	require.Len(t, kept.Result.Evidence, 1, "the draft kept the photo's address")
	photoSHA := fmt.Sprintf("%x", sha256.Sum256(tinyPNG()))
	assert.Equal(t, photoSHA, kept.Result.Evidence[0].SHA256)
	size, err := chromedp.Run(bctx, chromedp.Evaluate[int](`new Promise((ok, bad) => { const r = indexedDB.open('ssj-evidence', 1);
		r.onsuccess = () => { const g = r.result.transaction('blobs').objectStore('blobs').get('`+photoSHA+`'); g.onsuccess = () => ok(g.result ? g.result.size : -1); g.onerror = () => bad(g.error); };
		r.onerror = () => bad(r.error); })`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	assert.Equal(t, len(tinyPNG()), size, "the photo is kept in IndexedDB under its SHA-256")
	assert.Zero(t, counter.count("POST /api/v1/entries"), "nothing reached the server while offline")
	assert.Zero(t, counter.count("POST /api/v1/blobs"))

	// The connection returns: the queue is sent, once.
	setOffline(t, bctx, ts.URL, false)
	_, err = chromedp.Run(bctx, chromedp.Poll[bool](`JSON.parse(localStorage.getItem('ssj.outbox') || '[]').length === 0`, chromedp.WithPollingTimeout(40*time.Second)))
	require.NoError(t, err, "the queue was never sent")
	status = waitStatus(t, bctx, "已提交")
	assert.Contains(t, status, id)
	// Another 'online' and the timer's flush send nothing more.
	setOffline(t, bctx, ts.URL, true)
	setOffline(t, bctx, ts.URL, false)
	time.Sleep(500 * time.Millisecond)
	assert.Equal(t, 1, counter.count("POST /api/v1/entries"), "the result is sent exactly once")
	assert.Equal(t, 1, counter.count("POST /api/v1/blobs"), "the photo is uploaded once")
	sr, err := site.o.Result(ctx, id)
	require.NoError(t, err)
	require.NotNil(t, sr.Entry.Draft, "the result is entered (awaiting review)")
	require.Len(t, sr.Entry.Draft.Evidence, 1)
	sha := sr.Entry.Draft.Evidence[0].SHA256
	assert.Equal(t, photoSHA, sha)
	f, err := site.cfg.Blobs.Open(sha)
	require.NoError(t, err, "the photo is stored under its address")
	got, err := io.ReadAll(f)
	f.Close()
	require.NoError(t, err)
	assert.True(t, bytes.Equal(tinyPNG(), got))
	draftLeft, err := chromedp.Run(bctx, chromedp.Evaluate[string](`localStorage.getItem('ssj.draft.`+id+`') || ''`))
	require.NoError(t, err)
	assert.Empty(t, draftLeft, "the sent draft is gone")
	// The page, reloaded online, shows the result as entered.
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(entryURL), chromedp.WaitVisible(`#form .notice`)))
	screenshot(t, bctx, shots, "3-online-sent.png")
	notice, err := chromedp.Run(bctx, chromedp.Text(`#form .notice`))
	require.NoError(t, err)
	assert.Contains(t, notice, "已录入")
}

// waitStatus waits until the page's status line contains want.
func waitStatus(t *testing.T, ctx context.Context, want string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Poll[string](fmt.Sprintf(`(() => { const s = document.getElementById('status').textContent; return s.includes(%q) && s; })()`, want),
		chromedp.WithPollingTimeout(40*time.Second)))
	require.NoError(t, err, "the status never said %q", want)
	return s
}

func outboxOf(t *testing.T, ctx context.Context) []string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`JSON.parse(localStorage.getItem('ssj.outbox') || '[]')`))
	require.NoError(t, err)
	return v
}

// setOffline takes the page's connection to the API away (off) or gives it
// back: navigator.onLine follows (the page's online and offline events
// fire), and every request to base/api/ fails while off.
func setOffline(t *testing.T, ctx context.Context, base string, off bool) {
	t.Helper()
	_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	_, err = chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: off, DownloadThroughput: -1, UploadThroughput: -1})
	require.NoError(t, err)
	rules := []*network.Conditions{}
	if off {
		rules = append(rules, &network.Conditions{URLPattern: base + "/api/*", Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
	}
	_, err = chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: rules})
	require.NoError(t, err)
}

// tinyPNG is a 2×2 PNG, the "photo" of the test.
func tinyPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{200, 30, 30, 255})
	img.Set(1, 1, color.RGBA{30, 30, 200, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err) // an in-memory RGBA image always encodes
	}
	return b.Bytes()
}
