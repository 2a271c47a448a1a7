package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/api"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/memstore"
	"github.com/shuangsuiji/ssj/publish"
)

const (
	taskID        = "2026-ZA-03B"
	operatorToken = "op-secret"
	approverToken = "ap-secret"
	auditorToken  = "au-secret"
)

type fixture struct {
	o     *office.Office
	clock *demo.SimClock
	srv   *httptest.Server
	api   *api.Server
}

func tokens(t testing.TB) *api.Tokens {
	lines := api.TokenLine(operatorToken, api.RoleOperator, "治安大队 录入员 孙*") + "\n" +
		api.TokenLine(approverToken, api.RoleApprover, "治安大队 审核人 钱*") + "\n" +
		"# comment\n\n" +
		api.TokenLine(auditorToken, api.RoleAuditor, "审计 甲") + "\n"
	tk, err := api.ParseTokens(strings.NewReader(lines), "tokens")
	require.NoError(t, err)
	return tk
}

// newFixture runs the demo up to stage on a memory store and serves it.
func newFixture(t testing.TB, stage demo.Stage, cfg api.Config) *fixture {
	t.Helper()
	ctx := context.Background()
	o, clock, err := demo.New(memstore.New())
	require.NoError(t, err)
	_, err = demo.RunUntil(ctx, o, clock, nil, stage)
	require.NoError(t, err)
	cfg.Office = o
	if cfg.Tokens == nil {
		cfg.Tokens = tokens(t)
	}
	s, err := api.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &fixture{o: o, clock: clock, srv: srv, api: s}
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (f *fixture) do(t testing.TB, method, path, token, body string, hdr ...string) resp {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := f.srv.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return resp{res.StatusCode, res.Header, b}
}

func (r resp) problem(t testing.TB) api.Problem {
	t.Helper()
	require.Equal(t, "application/problem+json", r.header.Get("Content-Type"), "body %s", r.body)
	var p api.Problem
	require.NoError(t, json.Unmarshal(r.body, &p))
	require.Equal(t, r.status, p.Status)
	require.True(t, strings.HasPrefix(p.Type, api.ProblemTypePrefix), p.Type)
	return p
}

func (f *fixture) head(t testing.TB) int64 {
	ev, err := f.o.LastEvent(context.Background())
	require.NoError(t, err)
	return ev.Seq
}

type publicPage struct {
	Items []publish.PublicRecord `json:"items"`
	Next  string                 `json:"next"`
}

func TestPublishedListPagesAndETag(t *testing.T) {
	f := newFixture(t, demo.StageAll, api.Config{})
	all := f.do(t, "GET", "/api/v1/results", "", "")
	require.Equal(t, 200, all.status, "%s", all.body)
	var first publicPage
	require.NoError(t, json.Unmarshal(all.body, &first))
	require.NotEmpty(t, first.Items)
	assert.Empty(t, first.Next, "the demo's results fit in one default page")

	// Pages of 7 visit every result once, in ID order.
	var seen []string
	after := ""
	for i := 0; ; i++ {
		require.Less(t, i, 100)
		q := "/api/v1/results?limit=7"
		if after != "" {
			q += "&after=" + url.QueryEscape(after)
		}
		r := f.do(t, "GET", q, "", "")
		require.Equal(t, 200, r.status)
		var p publicPage
		require.NoError(t, json.Unmarshal(r.body, &p))
		require.LessOrEqual(t, len(p.Items), 7)
		for _, it := range p.Items {
			seen = append(seen, it.ResultID)
		}
		if p.Next == "" {
			break
		}
		require.Len(t, p.Items, 7)
		after = p.Next
	}
	var want []string
	for _, it := range first.Items {
		want = append(want, it.ResultID)
	}
	assert.Equal(t, want, seen)

	// Inspectors are masked in the public view.
	for _, in := range first.Items[0].Inspectors {
		assert.Contains(t, in.Name, "*")
		assert.Contains(t, in.Cert, "*")
	}

	tag := all.header.Get("ETag")
	require.NotEmpty(t, tag)
	again := f.do(t, "GET", "/api/v1/results", "", "", "If-None-Match", tag)
	assert.Equal(t, http.StatusNotModified, again.status)
	assert.Empty(t, again.body)
	other := f.do(t, "GET", "/api/v1/results", "", "", "If-None-Match", `"other"`)
	assert.Equal(t, 200, other.status)
}

func TestPublishedResultShowsCorrection(t *testing.T) {
	f := newFixture(t, demo.StageCorrected, api.Config{})
	results, err := demo.MakeResults(context.Background(), f.o, taskID)
	require.NoError(t, err)
	r := f.do(t, "GET", "/api/v1/results/"+url.PathEscape(results[0].ID), "", "")
	require.Equal(t, 200, r.status, "%s", r.body)
	var pr api.PublishedResult
	require.NoError(t, json.Unmarshal(r.body, &pr))
	require.Len(t, pr.History, 2, "rule R27: the corrected result keeps both versions")
	assert.Equal(t, 2, pr.Current.Version)
	assert.Equal(t, "录入错误", pr.Current.CorrectionReason)
	assert.Equal(t, "检查完成日期更正", pr.Current.Remark)
	assert.Empty(t, pr.History[0].CorrectionReason)

	list := f.do(t, "GET", "/api/v1/results", "", "")
	var p publicPage
	require.NoError(t, json.Unmarshal(list.body, &p))
	found := false
	for _, it := range p.Items {
		if it.ResultID == results[0].ID {
			found = true
			assert.Equal(t, 2, it.Version, "the list shows the current, corrected version")
			assert.Equal(t, "录入错误", it.CorrectionReason)
		} else {
			assert.Equal(t, 1, it.Version)
		}
	}
	assert.True(t, found)
}

func TestUnpublishedResultIsNotPublic(t *testing.T) {
	f := newFixture(t, demo.StageDispatched, api.Config{})
	f.clock.Set(time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC))
	results, err := demo.MakeResults(context.Background(), f.o, taskID)
	require.NoError(t, err)
	body, err := json.Marshal(results[0])
	require.NoError(t, err)
	r := f.do(t, "POST", "/api/v1/entries", operatorToken, string(body))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	pub := f.do(t, "GET", "/api/v1/results/"+url.PathEscape(results[0].ID), "", "")
	assert.Equal(t, http.StatusNotFound, pub.status, "rule R26: an entered result is not public")
	staff := f.do(t, "GET", "/api/v1/entries/"+url.PathEscape(results[0].ID), auditorToken, "")
	assert.Equal(t, 200, staff.status)
	list := f.do(t, "GET", "/api/v1/results", "", "")
	var p publicPage
	require.NoError(t, json.Unmarshal(list.body, &p))
	assert.Empty(t, p.Items)
}

// Enter, review, release through the API: each write is one office step
// with the token's name as the actor.
func TestResultFlowThroughTheAPI(t *testing.T) {
	f := newFixture(t, demo.StageDispatched, api.Config{})
	f.clock.Set(time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC))
	results, err := demo.MakeResults(context.Background(), f.o, taskID)
	require.NoError(t, err)
	res := results[2]
	id := url.PathEscape(res.ID)
	body, err := json.Marshal(res)
	require.NoError(t, err)

	r := f.do(t, "POST", "/api/v1/entries", operatorToken, string(body))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	assert.Equal(t, "/api/v1/entries/"+id, r.header.Get("Location"))

	again := f.do(t, "POST", "/api/v1/entries", operatorToken, string(body))
	assert.Equal(t, http.StatusConflict, again.status)
	assert.Equal(t, "id", again.problem(t).Field)

	rel := f.do(t, "POST", "/api/v1/entries/"+id+"/release", operatorToken, "")
	require.Equal(t, http.StatusUnprocessableEntity, rel.status, "release needs a review first")
	assert.Equal(t, "review", rel.problem(t).Field)

	f.clock.Set(time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC))
	rv := f.do(t, "POST", "/api/v1/entries/"+id+"/review", approverToken, `{"note":"同意公示"}`)
	require.Equal(t, 200, rv.status, "%s", rv.body)
	var sr office.StoredResult
	require.NoError(t, json.Unmarshal(rv.body, &sr))
	require.NotNil(t, sr.Review)
	assert.Equal(t, "治安大队 审核人 钱*", sr.Review.By)
	assert.Equal(t, "治安大队 录入员 孙*", sr.Entry.EnteredBy)

	f.clock.Set(time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC))
	rel = f.do(t, "POST", "/api/v1/entries/"+id+"/release", operatorToken, "")
	require.Equal(t, 200, rel.status, "%s", rel.body)
	var rr api.ReleaseResponse
	require.NoError(t, json.Unmarshal(rel.body, &rr))
	assert.Equal(t, 1, rr.Version.N)
	assert.Equal(t, publish.OnTime, rr.Status)

	pub := f.do(t, "GET", "/api/v1/results/"+id, "", "")
	require.Equal(t, 200, pub.status)
	tr := f.do(t, "GET", "/api/v1/trail?limit=1000", auditorToken, "")
	require.Equal(t, 200, tr.status)
	assert.Contains(t, string(tr.body), `"result.published"`)
}

func TestWritesNeedTheRightRole(t *testing.T) {
	f := newFixture(t, demo.StageDispatched, api.Config{})
	f.clock.Set(time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC))
	results, err := demo.MakeResults(context.Background(), f.o, taskID)
	require.NoError(t, err)
	body, err := json.Marshal(results[0])
	require.NoError(t, err)
	before := f.head(t)
	cases := []struct {
		name, method, path, token, body string
		status                          int
		field                           string
	}{
		{"enter without token", "POST", "/api/v1/entries", "", string(body), 401, "Authorization"},
		{"enter with unknown token", "POST", "/api/v1/entries", "nope", string(body), 401, "Authorization"},
		{"enter as approver", "POST", "/api/v1/entries", approverToken, string(body), 403, "role"},
		{"enter as auditor", "POST", "/api/v1/entries", auditorToken, string(body), 403, "role"},
		{"review as operator", "POST", "/api/v1/entries/x/review", operatorToken, "", 403, "role"},
		{"lock without token", "POST", "/api/v1/tasks/" + taskID + "/lock", "", "", 401, "Authorization"},
		{"lock as operator", "POST", "/api/v1/tasks/" + taskID + "/lock", operatorToken, "", 403, "role"},
		{"upload as auditor", "POST", "/api/v1/blobs", auditorToken, "x", 403, "role"},
		{"trail as public", "GET", "/api/v1/trail", "", "", 401, "Authorization"},
		{"trail as operator", "GET", "/api/v1/trail", operatorToken, "", 403, "role"},
		{"entries as public", "GET", "/api/v1/entries", "", "", 401, "Authorization"},
		{"basic auth", "GET", "/api/v1/entries", "", "", 401, "Authorization"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r resp
			if c.name == "basic auth" {
				r = f.do(t, c.method, c.path, "", c.body, "Authorization", "Basic Zm9vOmJhcg==")
			} else {
				r = f.do(t, c.method, c.path, c.token, c.body)
			}
			require.Equal(t, c.status, r.status, "%s", r.body)
			assert.Equal(t, c.field, r.problem(t).Field)
			if c.status == 401 {
				assert.NotEmpty(t, r.header.Get("WWW-Authenticate"))
			}
		})
	}
	assert.Equal(t, before, f.head(t), "nothing is stored on refusal")
}

func TestBadInputIsRefusedWithTheField(t *testing.T) {
	f := newFixture(t, demo.StageDispatched, api.Config{MaxBody: 4096})
	f.clock.Set(time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC))
	results, err := demo.MakeResults(context.Background(), f.o, taskID)
	require.NoError(t, err)
	good, err := json.Marshal(results[0])
	require.NoError(t, err)
	before := f.head(t)
	cases := []struct {
		name, method, path, body string
		status                   int
		field, value             string
	}{
		{"malformed JSON", "POST", "/api/v1/entries", `{"id": "x",`, 400, "body", ""},
		{"not JSON", "POST", "/api/v1/entries", `hello`, 400, "body", "hello"},
		{"unknown field", "POST", "/api/v1/entries", `{"id":"a/b","colour":"red"}`, 400, "colour", "colour"},
		{"wrong type", "POST", "/api/v1/entries", `{"id": 12}`, 400, "id", "number"},
		{"wrong nested type", "POST", "/api/v1/entries", `{"id":"a/b","inspectors":[{"name":1}]}`, 400, "inspectors.name", "number"},
		{"bad date", "POST", "/api/v1/entries", `{"id":"a/b","task_end":"2026-13-45"}`, 400, "body", ""},
		{"trailing data", "POST", "/api/v1/entries", string(good) + ` {}`, 400, "body", "{"},
		{"empty id", "POST", "/api/v1/entries", `{"id":""}`, 400, "id", ""},
		{"control char in id", "POST", "/api/v1/entries", `{"id":"a\u0001b"}`, 400, "id", "a\x01b"},
		{"oversize body", "POST", "/api/v1/entries", `{"remark":"` + strings.Repeat("长", 2000) + `"}`, 413, "body", "4096+ bytes"},
		{"invalid path id", "GET", "/api/v1/entries/%01", "", 400, "id", "\x01"},
		{"bad limit", "GET", "/api/v1/results?limit=0", "", 400, "limit", "0"},
		{"huge limit", "GET", "/api/v1/results?limit=100000", "", 400, "limit", "100000"},
		{"bad after", "GET", "/api/v1/results?after=", "", 400, "after", ""},
		{"bad year", "GET", "/api/v1/plans/20x6", "", 400, "year", "20x6"},
		{"bad state", "GET", "/api/v1/entries?state=lost", "", 400, "state", "lost"},
		{"bad trail from", "GET", "/api/v1/trail?from=-1", "", 400, "from", "-1"},
		{"bad blob digest", "GET", "/api/v1/blobs/xyz", "", 400, "sha256", "xyz"},
		{"review body unknown field", "POST", "/api/v1/entries/a%2Fb/review", `{"notes":"x"}`, 400, "notes", "notes"},
		{"office refusal names field", "POST", "/api/v1/entries", `{"id":"2026-ZA-03B/nobody","task_no":"2026-ZA-03B","target_id":"nobody"}`, 404, "target_id", "nobody"},
		{"unknown route", "GET", "/api/v1/nothing", "", 404, "path", "/api/v1/nothing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok := operatorToken
			if strings.Contains(c.path, "/review") {
				tok = approverToken
			}
			if strings.HasPrefix(c.path, "/api/v1/trail") {
				tok = auditorToken
			}
			r := f.do(t, c.method, c.path, tok, c.body)
			require.Equal(t, c.status, r.status, "%s", r.body)
			p := r.problem(t)
			assert.Equal(t, c.field, p.Field, "%s", r.body)
			assert.Equal(t, c.value, p.Value, "%s", r.body)
		})
	}
	wrongCT := f.do(t, "POST", "/api/v1/entries", operatorToken, string(good), "Content-Type", "application/xml")
	assert.Equal(t, http.StatusUnsupportedMediaType, wrongCT.status)
	assert.Equal(t, before, f.head(t), "nothing is stored on refusal")
}

func TestBundleRoutesServeTheExport(t *testing.T) {
	f := newFixture(t, demo.StageDispatched, api.Config{})
	r := f.do(t, "GET", "/api/v1/tasks/"+taskID+"/bundle", "", "")
	require.Equal(t, 200, r.status, "%s", r.body)
	var idx api.BundleIndex
	require.NoError(t, json.Unmarshal(r.body, &idx))
	assert.Equal(t, taskID, idx.Task)
	files, err := f.o.Bundle(context.Background(), taskID)
	require.NoError(t, err)
	require.Len(t, idx.Files, len(files))
	for i, bf := range files {
		require.Equal(t, bf.Name, idx.Files[i])
		got := f.do(t, "GET", "/api/v1/tasks/"+taskID+"/bundle/"+bf.Name, "", "")
		require.Equal(t, 200, got.status)
		assert.Equal(t, bf.Data, got.body, bf.Name)
		assert.NotEmpty(t, got.header.Get("ETag"))
	}
	missing := f.do(t, "GET", "/api/v1/tasks/"+taskID+"/bundle/secret.txt", "", "")
	assert.Equal(t, 404, missing.status)
	assert.Equal(t, "name", missing.problem(t).Field)
	unknown := f.do(t, "GET", "/api/v1/tasks/NOPE/bundle", "", "")
	assert.Equal(t, 404, unknown.status)

	task := f.do(t, "GET", "/api/v1/tasks/"+taskID, "", "")
	require.Equal(t, 200, task.status)
	var tv api.TaskView
	require.NoError(t, json.Unmarshal(task.body, &tv))
	assert.Equal(t, "dispatched", tv.State)
	require.NotNil(t, tv.Record)
	assert.NotEmpty(t, tv.Record.Strata)
	assert.Len(t, tv.Groups, len(tv.Record.Groups))
	require.NotNil(t, tv.Announcement)
}

func TestCORS(t *testing.T) {
	f := newFixture(t, demo.StageRegistries, api.Config{CORSOrigins: []string{"https://portal.example.gov.cn"}})
	ok := f.do(t, "GET", "/api/v1/snapshots", "", "", "Origin", "https://portal.example.gov.cn")
	require.Equal(t, 200, ok.status)
	assert.Equal(t, "https://portal.example.gov.cn", ok.header.Get("Access-Control-Allow-Origin"))
	other := f.do(t, "GET", "/api/v1/snapshots", "", "", "Origin", "https://evil.example")
	assert.Empty(t, other.header.Get("Access-Control-Allow-Origin"))
	pre := f.do(t, "OPTIONS", "/api/v1/entries", "", "", "Origin", "https://portal.example.gov.cn", "Access-Control-Request-Method", "POST")
	assert.Equal(t, http.StatusNoContent, pre.status)
	assert.Contains(t, pre.header.Get("Access-Control-Allow-Headers"), "Authorization")

	_, err := api.New(api.Config{Office: f.o, CORSOrigins: []string{"portal.example"}})
	assert.Error(t, err)
}

func TestRegistriesAndPlanCheck(t *testing.T) {
	f := newFixture(t, demo.StagePublished, api.Config{})
	r := f.do(t, "GET", "/api/v1/snapshots", "", "")
	require.Equal(t, 200, r.status)
	var sp struct{ Items []api.SnapshotView }
	require.NoError(t, json.Unmarshal(r.body, &sp))
	require.Len(t, sp.Items, 2)
	rows := f.do(t, "GET", "/api/v1/snapshots/"+sp.Items[1].ID+"/rows?limit=5", "", "")
	require.Equal(t, 200, rows.status, "%s", rows.body)
	var rp struct {
		Items []map[string]any
		Next  string
	}
	require.NoError(t, json.Unmarshal(rows.body, &rp))
	assert.Len(t, rp.Items, 5)
	assert.NotEmpty(t, rp.Next)

	pl := f.do(t, "GET", "/api/v1/plans", "", "")
	require.Equal(t, 200, pl.status)
	chk := f.do(t, "GET", "/api/v1/plans/2026/check", "", "")
	require.Equal(t, 200, chk.status, "%s", chk.body)
	var rep struct {
		Findings []struct{ Rule, Status string }
		OK       bool `json:"ok"`
	}
	require.NoError(t, json.Unmarshal(chk.body, &rep))
	assert.NotEmpty(t, rep.Findings)
	none := f.do(t, "GET", "/api/v1/plans/2031", "", "")
	assert.Equal(t, 404, none.status)
	cl := f.do(t, "GET", "/api/v1/checklist", "", "")
	assert.Equal(t, 200, cl.status)
}

func TestBlobsAreContentAddressed(t *testing.T) {
	blobs, err := api.OpenBlobs(t.TempDir())
	require.NoError(t, err)
	f := newFixture(t, demo.StageRegistries, api.Config{Blobs: blobs, MaxBlob: 64})
	r := f.do(t, "POST", "/api/v1/blobs", operatorToken, "photo bytes", "Content-Type", "image/jpeg")
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	var rc api.BlobReceipt
	require.NoError(t, json.Unmarshal(r.body, &rc))
	sum := sha256.Sum256([]byte("photo bytes"))
	assert.Equal(t, hex.EncodeToString(sum[:]), rc.SHA256)
	assert.Equal(t, int64(11), rc.Size)
	got := f.do(t, "GET", "/api/v1/blobs/"+rc.SHA256, auditorToken, "")
	require.Equal(t, 200, got.status)
	assert.Equal(t, "photo bytes", string(got.body))
	pub := f.do(t, "GET", "/api/v1/blobs/"+rc.SHA256, "", "")
	assert.Equal(t, 401, pub.status, "rule R24: evidence is never public")
	big := f.do(t, "POST", "/api/v1/blobs", operatorToken, strings.Repeat("x", 65), "Content-Type", "image/jpeg")
	assert.Equal(t, 413, big.status)
	noType := f.do(t, "POST", "/api/v1/blobs", operatorToken, "x", "Content-Type", "")
	assert.Equal(t, 415, noType.status)
	missing := f.do(t, "GET", "/api/v1/blobs/"+strings.Repeat("0", 64), auditorToken, "")
	assert.Equal(t, 404, missing.status)
}

func TestTokenFile(t *testing.T) {
	tok, line, err := api.NewToken(strings.NewReader(strings.Repeat("k", 32)), api.RoleApprover, "大队长 王*")
	require.NoError(t, err)
	assert.NotContains(t, line, tok, "the file keeps only the hash")
	tk, err := api.ParseTokens(strings.NewReader(line+"\n"), "t")
	require.NoError(t, err)
	p, ok := tk.Lookup(tok)
	require.True(t, ok)
	assert.Equal(t, api.Principal{Role: api.RoleApprover, Name: "大队长 王*"}, p)
	_, ok = tk.Lookup(tok + "x")
	assert.False(t, ok)

	bad := []struct{ file, field string }{
		{"abc operator x", "hash"},
		{strings.Repeat("a", 64) + " admin x", "role"},
		{strings.Repeat("a", 64) + " operator", "line"},
		{strings.Repeat("a", 64) + " operator x\n" + strings.Repeat("a", 64) + " auditor y", "hash"},
	}
	for _, b := range bad {
		_, err := api.ParseTokens(strings.NewReader(b.file), "tokens.txt")
		var te *api.TokenFileError
		require.ErrorAs(t, err, &te, b.file)
		assert.Equal(t, b.field, te.Field)
		assert.ErrorIs(t, err, api.ErrTokens)
		assert.Contains(t, err.Error(), "tokens.txt:")
	}
	_, _, err = api.NewToken(nil, api.Role("root"), "x")
	assert.ErrorIs(t, err, api.ErrTokens)
}

func TestPanicBecomesProblem(t *testing.T) {
	// A nil office is refused at construction, never at request time.
	_, err := api.New(api.Config{})
	require.Error(t, err)
	f := newFixture(t, demo.StageRegistries, api.Config{})
	r := f.do(t, "GET", "/api/v1/me", operatorToken, "")
	require.Equal(t, 200, r.status)
	assert.JSONEq(t, fmt.Sprintf(`{"role":"operator","name":%q}`, "治安大队 录入员 孙*"), string(r.body))
}

// The public cache holds an answer for one trail head: a step taken through
// the server is seen at once, a step taken behind its back (another process
// on the same store) once the head is read again, after Config.Recheck.
func TestPublicCacheFollowsTheTrailHead(t *testing.T) {
	for _, c := range []struct {
		name    string
		recheck time.Duration
		want    int
	}{{"recheck at once", time.Nanosecond, 1}, {"recheck in an hour", time.Hour, 0}} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, demo.StageDispatched, api.Config{Recheck: c.recheck})
			count := func() int {
				r := f.do(t, "GET", "/api/v1/results", "", "")
				require.Equal(t, 200, r.status)
				var p publicPage
				require.NoError(t, json.Unmarshal(r.body, &p))
				return len(p.Items)
			}
			require.Equal(t, 0, count())
			ctx := context.Background()
			results, err := demo.MakeResults(ctx, f.o, taskID)
			require.NoError(t, err)
			f.clock.Set(time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC))
			_, err = f.o.EnterResult(ctx, office.Step{Who: "a"}, results[0])
			require.NoError(t, err)
			require.NoError(t, f.o.ReviewResult(ctx, office.Step{Who: "b"}, results[0].ID, ""))
			_, _, err = f.o.Release(ctx, office.Step{Who: "a"}, results[0].ID)
			require.NoError(t, err)
			assert.Equal(t, c.want, count())
			// Any write through the server empties the cache.
			f.do(t, "POST", "/api/v1/entries/nope/release", operatorToken, "")
			assert.Equal(t, 1, count())
		})
	}
}
