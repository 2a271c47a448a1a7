package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/api"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/memstore"
	"github.com/shuangsuiji/ssj/publish"
)

// FuzzDecode: the body decoder never panics; it either fills the value or
// returns a *FieldError with status 400 or 413.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{}`, `{"id":"a/b"}`, `{"id":1}`, `{"x":1}`, `[]`, `{"id":"a"} {}`, "\xff", ``, `{"task_end":"2026-02-30"}`,
		`{"conclusions":["no_problem"],"items":[{"item_id":"X","finding":"ok"}]}`, `{"note":"同意"}`, `{"date":"2026-12-01","action":"回访"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, v := range []any{new(publish.Result), new(api.StepRequest), new(publish.FollowUp)} {
			err := api.Decode(bytes.NewReader(body), 512, v)
			if err == nil {
				continue
			}
			var fe *api.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Decode(%q): %T %v, want *FieldError", body, err, err)
			}
			if fe.Status != 400 && fe.Status != 413 {
				t.Fatalf("Decode(%q): status %d", body, fe.Status)
			}
			if fe.Field == "" {
				t.Fatalf("Decode(%q): no field named: %v", body, err)
			}
		}
	})
}

var fuzzServer struct {
	once sync.Once
	h    http.Handler
	err  error
}

// FuzzHandlers sends arbitrary paths, queries and bodies to the write and
// list routes of a served demo store: every answer is a success or a
// problem+json, never a 500 or a panic.
func FuzzHandlers(f *testing.F) {
	f.Add("POST", "/api/v1/entries", "", []byte(`{"id":"2026-ZA-03B/x","task_no":"2026-ZA-03B","target_id":"x"}`))
	f.Add("POST", "/api/v1/entries/2026-ZA-03B%2Fx/review", "", []byte(`{"note":"x"}`))
	f.Add("POST", "/api/v1/entries/a/release", "", []byte(``))
	f.Add("POST", "/api/v1/entries/a/follow-ups", "", []byte(`{"date":"2026-13-01","action":""}`))
	f.Add("POST", "/api/v1/tasks/2026-ZA-03B/lock", "", []byte(`{"note":1}`))
	f.Add("GET", "/api/v1/results", "limit=3&after=%00", []byte(nil))
	f.Add("GET", "/api/v1/snapshots/targets-2026-09-01/rows", "limit=2&after=9", []byte(nil))
	f.Add("GET", "/api/v1/trail", "from=99999999999999999999", []byte(nil))
	f.Add("GET", "/api/v1/tasks/..%2F..%2Fetc/bundle/..%2Fpasswd", "", []byte(nil))
	f.Fuzz(func(t *testing.T, method, path, query string, body []byte) {
		fuzzServer.once.Do(func() {
			o, clock, err := demo.New(memstore.New())
			if err == nil {
				_, err = demo.RunUntil(context.Background(), o, clock, nil, demo.StageDispatched)
			}
			clock.Set(time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC))
			if err != nil {
				fuzzServer.err = err
				return
			}
			tk := tokens(t)
			fuzzServer.h, fuzzServer.err = api.New(api.Config{Office: o, Tokens: tk, MaxBody: 4096})
		})
		if fuzzServer.err != nil {
			t.Fatal(fuzzServer.err)
		}
		if method != "GET" && method != "POST" {
			method = "POST"
		}
		if !strings.HasPrefix(path, "/api/v1/") {
			path = "/api/v1/" + path
		}
		req, err := http.NewRequest(method, "http://x"+path+"?"+query, bytes.NewReader(body))
		if err != nil {
			return // not a request a client can send
		}
		tok := operatorToken
		if strings.HasSuffix(req.URL.Path, "/review") || strings.HasSuffix(req.URL.Path, "/lock") {
			tok = approverToken
		} else if strings.HasPrefix(req.URL.Path, "/api/v1/trail") {
			tok = auditorToken
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		fuzzServer.h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s?%s %q: %d %s", method, path, query, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			var p api.Problem
			if rec.Header().Get("Content-Type") != "application/problem+json" || json.Unmarshal(rec.Body.Bytes(), &p) != nil || p.Status != rec.Code {
				t.Fatalf("%s %s: %d without a problem body: %s", method, path, rec.Code, rec.Body)
			}
		}
	})
}
