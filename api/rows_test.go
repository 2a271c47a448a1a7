package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/api"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/memstore"
	"github.com/shuangsuiji/ssj/registry"
)

// countingStore counts the snapshot rows its transactions hand out.
type countingStore struct {
	office.Store
	rows atomic.Int64
}

func (s *countingStore) Begin(ctx context.Context, writable bool) (office.Tx, error) {
	tx, err := s.Store.Begin(ctx, writable)
	if err != nil {
		return nil, err
	}
	return countingTx{tx, &s.rows}, nil
}

type countingTx struct {
	office.Tx
	rows *atomic.Int64
}

func (t countingTx) Rows(ctx context.Context, id, after string, limit int) ([]office.Row, error) {
	rs, err := t.Tx.Rows(ctx, id, after, limit)
	t.rows.Add(int64(len(rs)))
	return rs, err
}

type rowPage struct {
	Items []json.RawMessage `json:"items"`
	Next  string            `json:"next"`
}

// walkRows pages through a snapshot's rows with ?limit=limit and returns
// every item's key in the order served, checking that no request read more
// than limit+1 rows from the store.
func walkRows(t *testing.T, f *fixture, cs *countingStore, id string, limit int, key func(json.RawMessage) string) []string {
	t.Helper()
	var keys []string
	after := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10000, "paging does not end")
		q := url.Values{"limit": {fmt.Sprint(limit)}}
		if after != "" {
			q.Set("after", after)
		}
		before := cs.rows.Load()
		r := f.do(t, "GET", "/api/v1/snapshots/"+id+"/rows?"+q.Encode(), "", "")
		require.Equal(t, 200, r.status, "%s", r.body)
		assert.LessOrEqual(t, cs.rows.Load()-before, int64(limit+1), "one page reads at most limit+1 rows from the store")
		var p rowPage
		require.NoError(t, json.Unmarshal(r.body, &p))
		require.LessOrEqual(t, len(p.Items), limit)
		for _, it := range p.Items {
			keys = append(keys, key(it))
		}
		if p.Next == "" {
			return keys
		}
		require.Len(t, p.Items, limit, "a page short of the limit is the last")
		require.Equal(t, keys[len(keys)-1], p.Next, "next is the last key served")
		after = p.Next
	}
}

// TestSnapshotRowsPaging pages through the demo's target and inspector
// snapshots at several page sizes: the pages together are the snapshot's
// rows (as office.Targets/Inspectors return them, checked against the
// commitment), in key order, each once, and each request reads only its
// page from the store.
func TestSnapshotRowsPaging(t *testing.T) {
	ctx := context.Background()
	cs := &countingStore{Store: memstore.New()}
	o, clock, err := demo.New(cs)
	require.NoError(t, err)
	_, err = demo.RunUntil(ctx, o, clock, nil, demo.StageRegistries)
	require.NoError(t, err)
	s, err := api.New(api.Config{Office: o, Tokens: tokens(t)})
	require.NoError(t, err)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	f := &fixture{o: o, clock: clock, srv: srv, api: s}

	snaps, _, err := o.Snapshots(ctx, "", 0)
	require.NoError(t, err)
	var tested []string
	for _, sn := range snaps {
		var want []string
		var key func(json.RawMessage) string
		switch registry.PoolKind(sn.Pool) {
		case registry.PoolTargets:
			ts, err := o.Targets(ctx, sn.ID)
			require.NoError(t, err)
			for _, x := range ts {
				want = append(want, x.ID)
			}
			key = func(m json.RawMessage) string {
				var x registry.Target
				require.NoError(t, json.Unmarshal(m, &x))
				return x.ID
			}
		default:
			ins, err := o.Inspectors(ctx, sn.ID)
			require.NoError(t, err)
			for _, x := range ins {
				want = append(want, x.Cert)
			}
			key = func(m json.RawMessage) string {
				var x registry.Inspector
				require.NoError(t, json.Unmarshal(m, &x))
				return x.Cert
			}
		}
		require.NotEmpty(t, want)
		for _, limit := range []int{1, 7, len(want) - 1, len(want), office.MaxPage} {
			if limit < 1 || limit > office.MaxPage || (limit == 1 && len(want) > 500) {
				continue
			}
			assert.Equal(t, want, walkRows(t, f, cs, sn.ID, limit, key), "%s limit %d", sn.ID, limit)
		}
		// After a key that is not in the snapshot: the rows after it.
		mid := want[len(want)/2]
		r := f.do(t, "GET", "/api/v1/snapshots/"+sn.ID+"/rows?limit=2&after="+url.QueryEscape(mid+"0"), "", "")
		require.Equal(t, 200, r.status, "%s", r.body)
		var p rowPage
		require.NoError(t, json.Unmarshal(r.body, &p))
		require.NotEmpty(t, p.Items)
		assert.Equal(t, want[len(want)/2+1], key(p.Items[0]))
		// After the last key: an empty page and no next.
		r = f.do(t, "GET", "/api/v1/snapshots/"+sn.ID+"/rows?after="+url.QueryEscape(want[len(want)-1]), "", "")
		require.Equal(t, 200, r.status, "%s", r.body)
		p = rowPage{}
		require.NoError(t, json.Unmarshal(r.body, &p))
		assert.Empty(t, p.Items)
		assert.Empty(t, p.Next)
		tested = append(tested, sn.Pool)
	}
	assert.ElementsMatch(t, []string{"targets", "inspectors"}, tested)

	none := f.do(t, "GET", "/api/v1/snapshots/no-such-snapshot/rows", "", "")
	assert.Equal(t, 404, none.status, "%s", none.body)
}

// bigSnapshot imports n generated targets into a memory store through the
// office and serves it.
func bigSnapshot(b *testing.B, n int) (*office.Office, *countingStore, []string) {
	ctx := context.Background()
	cs := &countingStore{Store: memstore.New()}
	o, clock, err := demo.New(cs)
	if err != nil {
		b.Fatal(err)
	}
	ts := make([]registry.Target, n)
	for i := range ts {
		body := fmt.Sprintf("91440103%09d", i)
		c, err := registry.USCCCheckChar(body)
		if err != nil {
			b.Fatal(err)
		}
		ts[i] = registry.Target{ID: body + string(c), Name: fmt.Sprintf("测试企业%d", i), Kind: registry.KindEntity, Jurisdiction: "440103",
			Industry: "旅馆业", CreditClass: string(rune('A' + i%4)), Status: registry.StatusActive, Departments: []string{"治安"}}
	}
	at := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	clock.Set(at)
	if _, err := o.ImportSnapshot(ctx, office.Step{Who: "bench", At: at}, office.SnapshotImport{ID: "big", Pool: registry.PoolTargets, At: at, Targets: ts}); err != nil {
		b.Fatal(err)
	}
	ids := make([]string, n)
	for i := range ts {
		ids[i] = ts[i].ID
	}
	return o, cs, ids
}

// BenchmarkSnapshotRowsPage1M serves one 100-row page from the middle of a
// 1,000,000-row target snapshot (GET /api/v1/snapshots/{id}/rows) beside
// the baseline of loading the whole snapshot (office.Targets, what the
// route did before it paged from the store). Each request asks for
// another page (the public cache answers a repeated URI without the
// store); rows/op is the number of rows read from the store per page.
func BenchmarkSnapshotRowsPage1M(b *testing.B) {
	o, cs, ids := bigSnapshot(b, 1_000_000)
	s, err := api.New(api.Config{Office: o})
	if err != nil {
		b.Fatal(err)
	}
	k := len(ids) / 2 // across runs (-count): every request is a new page
	b.Run("page", func(b *testing.B) {
		b.ReportAllocs()
		before := cs.rows.Load()
		for b.Loop() {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/snapshots/big/rows?limit=100&after="+ids[k], nil))
			k = (k + 100) % len(ids)
			if w.Code != 200 {
				b.Fatalf("HTTP %d: %s", w.Code, w.Body)
			}
		}
		b.ReportMetric(float64(cs.rows.Load()-before)/float64(b.N), "rows/op")
	})
	b.Run("whole-snapshot-baseline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := o.Targets(context.Background(), "big"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
