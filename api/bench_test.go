package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/api"
	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/examples"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/sqlitestore"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/workday"
)

// benchStore makes a SQLite store with n published results: the demo's
// registries, checklist and plan, then the demo task drawing n of its 313
// targets in scope (no inspector matching), dispatched, and n results
// entered, reviewed and released, every step through the office.
func benchStore(b *testing.B, n int) *office.Office {
	ctx := context.Background()
	st, err := sqlitestore.Open(ctx, filepath.Join(b.TempDir(), "ssj.db"), sqlitestore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	o, clock, err := demo.New(st)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := demo.RunUntil(ctx, o, clock, nil, demo.StagePublished); err != nil {
		b.Fatal(err)
	}
	cst := func(s string) office.Step {
		t, err := time.ParseInLocation("2006-01-02 15:04:05", s, workday.Shanghai())
		if err != nil {
			b.Fatal(err)
		}
		clock.Set(t)
		return office.Step{Who: "bench", At: t}
	}
	tj, err := examples.Data.ReadFile("data/task.json")
	if err != nil {
		b.Fatal(err)
	}
	task, err := draw.DecodeTask(bytes.NewReader(tj))
	if err != nil {
		b.Fatal(err)
	}
	task.Inspectors = nil
	task.Quota = draw.QuotaRule{Rounding: "ceiling", Base: "scope", Total: n}
	rj, err := examples.Data.ReadFile("data/randomness.json")
	if err != nil {
		b.Fatal(err)
	}
	ev, err := draw.DecodeEvidence(bytes.NewReader(rj))
	if err != nil {
		b.Fatal(err)
	}
	if err := o.LaunchTask(ctx, cst("2026-09-17 22:00:00"), task); err != nil {
		b.Fatal(err)
	}
	if _, err := o.CommitManifest(ctx, cst("2026-09-17 23:13:42"), office.ManifestCommit{TaskID: task.ID}); err != nil {
		b.Fatal(err)
	}
	if _, err := o.RunDraw(ctx, cst("2026-09-18 09:00:00"), task.ID, ev); err != nil {
		b.Fatal(err)
	}
	if _, err := o.Lock(ctx, cst("2026-09-18 09:30:00"), task.ID); err != nil {
		b.Fatal(err)
	}
	if _, err := o.Dispatch(ctx, cst("2026-09-18 10:00:00"), office.DispatchOrder{TaskID: task.ID, Issuer: demo.Agency, Unit: demo.Unit,
		From: workday.MustDate(2026, 9, 18), To: demo.TaskEnd}); err != nil {
		b.Fatal(err)
	}
	results, err := demo.MakeResults(ctx, o, task.ID)
	if err != nil {
		b.Fatal(err)
	}
	if len(results) != n {
		b.Fatalf("drew %d, want %d", len(results), n)
	}
	for i := range results {
		results[i].Inspectors = []publish.Inspector{{Name: "张小三", Cert: "44010012345", Leader: true}, {Name: "李四", Cert: "44010012346"}}
		step := cst(fmt.Sprintf("2026-11-25 09:%02d:%02d", i/60, i%60))
		step.Who = "录入员"
		if _, err := o.EnterResult(ctx, step, results[i]); err != nil {
			b.Fatal(err)
		}
	}
	for i, r := range results {
		step := cst(fmt.Sprintf("2026-11-25 14:%02d:%02d", i/60, i%60))
		step.Who = "审核人"
		if err := o.ReviewResult(ctx, step, r.ID, ""); err != nil {
			b.Fatal(err)
		}
	}
	for i, r := range results {
		if _, _, err := o.Release(ctx, cst(fmt.Sprintf("2026-11-26 09:%02d:%02d", i/60, i%60)), r.ID); err != nil {
			b.Fatal(err)
		}
	}
	return o
}

// loadTest sends b.N GET requests to path from `clients` concurrent
// clients and reports the p50 and p99 latencies in ms.
func loadTest(b *testing.B, srv *httptest.Server, path string, clients int) {
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	get := func() (time.Duration, error) {
		t0 := time.Now()
		res, err := client.Get(srv.URL + path)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err == nil && res.StatusCode != 200 {
			err = fmt.Errorf("GET %s: %s", path, res.Status)
		}
		return time.Since(t0), err
	}
	// Warm the connections.
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() { get() })
	}
	wg.Wait()
	n := max(b.N, clients)
	lat := make([]time.Duration, n)
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	var mu sync.Mutex
	var firstErr error
	b.ResetTimer()
	for range clients {
		wg.Go(func() {
			for i := range next {
				d, err := get()
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
				}
				lat[i] = d
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[n/2]), "p50-ms")
	b.ReportMetric(ms(lat[n*99/100]), "p99-ms")
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkPublishedList is issue 12's target: GET of the 公示 list, 100
// results per page, under 200 concurrent clients against an in-process
// server over a SQLite store of 250 published results (p99 ≤ 50 ms).
// BenchmarkIndex is the baseline: the same load on a route that reads
// nothing from the store.
//
//	go test ./api -run '^$' -bench 'PublishedList|Index' -benchtime 4000x -count 3
func BenchmarkPublishedList(b *testing.B) {
	o := benchStore(b, 250)
	s, err := api.New(api.Config{Office: o})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	b.Run("page1", func(b *testing.B) { loadTest(b, srv, "/api/v1/results?limit=100", 200) })
	b.Run("page2", func(b *testing.B) {
		// The second page: after the 100th result.
		rs, _, err := o.Results(context.Background(), publish.StatePublished, "", 100)
		if err != nil {
			b.Fatal(err)
		}
		loadTest(b, srv, "/api/v1/results?limit=100&after="+rs[99].Entry.ID, 200)
	})
}

// BenchmarkIndex is BenchmarkPublishedList's baseline (see there).
func BenchmarkIndex(b *testing.B) {
	s, err := api.New(api.Config{Office: benchStore(b, 1)})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	loadTest(b, srv, "/api/v1/", 200)
}
