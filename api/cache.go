package api

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/shuangsuiji/ssj/office"
)

// DefaultRecheck is how long a cached public answer is served before the
// trail's head is read again to see whether it still holds (Config.Recheck).
const DefaultRecheck = 200 * time.Millisecond

// maxCached bounds the number of cached answers; the cache is emptied when
// it is full.
const maxCached = 4096

// publicCache keeps the answers of the public GET routes, keyed by the
// request URI and valid for one trail head: every state change appends a
// trail event, so an answer computed at head H is the answer at H. A step
// taken through this server empties it at once; a step taken by another
// process on the same store (ssj task lock on the file) is seen when the
// head is read again, at most Recheck later.
type publicCache struct {
	o       *office.Office
	recheck time.Duration

	mu         sync.Mutex
	refreshing bool
	head       string
	checked    time.Time
	entries    map[string]*cached
}

type cached struct {
	ready  chan struct{}
	status int
	header http.Header
	body   []byte
}

// invalidate forgets every answer (after a write through this server).
func (c *publicCache) invalidate() {
	c.mu.Lock()
	c.entries = nil
	c.checked = time.Time{}
	c.mu.Unlock()
}

// currentHead reads the trail head when the last read is older than
// recheck, and empties the cache when it moved.
func (c *publicCache) currentHead(ctx context.Context) error {
	c.mu.Lock()
	fresh := !c.checked.IsZero() && time.Since(c.checked) < c.recheck
	// One request reads the head; the others meanwhile answer from the
	// cache as it stands (unless it was just emptied by a write).
	if fresh || (c.refreshing && !c.checked.IsZero()) {
		c.mu.Unlock()
		return nil
	}
	c.refreshing = true
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.refreshing = false
		c.mu.Unlock()
	}()
	head := "empty"
	ev, err := c.o.LastEvent(ctx)
	switch {
	case err == nil:
		head = strconv.FormatInt(ev.Seq, 10) + ":" + ev.Hash
	case errors.Is(err, office.ErrNotFound):
	default:
		return err
	}
	c.mu.Lock()
	if head != c.head {
		c.head, c.entries = head, nil
	}
	c.checked = time.Now()
	c.mu.Unlock()
	return nil
}

// recorder captures a handler's answer.
type recorder struct {
	status int
	header http.Header
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(s int) {
	if r.status == 0 {
		r.status = s
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

// serve answers r from the cache, computing the answer with h once per
// URI and trail head (concurrent misses wait for the one computing).
// Only 200 answers are kept.
func (c *publicCache) serve(w http.ResponseWriter, r *http.Request, h func(http.ResponseWriter, *http.Request)) {
	if err := c.currentHead(r.Context()); err != nil {
		h(w, r)
		return
	}
	key := r.Method + " " + r.URL.RequestURI()
	c.mu.Lock()
	e, ok := c.entries[key]
	if !ok {
		if c.entries == nil || len(c.entries) >= maxCached {
			c.entries = map[string]*cached{}
		}
		e = &cached{ready: make(chan struct{})}
		c.entries[key] = e
	}
	c.mu.Unlock()
	if ok {
		select {
		case <-e.ready:
		case <-r.Context().Done():
			return
		}
		if e.status == 0 {
			h(w, r)
			return
		}
	} else {
		rec := &recorder{header: http.Header{}}
		plain := r.Clone(r.Context())
		plain.Header.Del("If-None-Match")
		func() {
			defer close(e.ready) // also when h panics: the waiters compute their own answer
			h(rec, plain)
			e.status, e.header, e.body = rec.status, rec.header, rec.body.Bytes()
		}()
		if e.status != http.StatusOK {
			c.mu.Lock()
			if c.entries[key] == e {
				delete(c.entries, key)
			}
			c.mu.Unlock()
		}
	}
	for k, v := range e.header {
		w.Header()[k] = v
	}
	if tag := e.header.Get("ETag"); e.status == http.StatusOK && tag != "" && etagMatch(r.Header.Get("If-None-Match"), tag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		w.Write(e.body)
	}
}

// invalidating empties the cache when the answer starts (a step answers
// after its transaction committed).
type invalidating struct {
	http.ResponseWriter
	c    *publicCache
	done bool
}

func (w *invalidating) once() {
	if !w.done {
		w.done = true
		w.c.invalidate()
	}
}

func (w *invalidating) WriteHeader(status int) {
	w.once()
	w.ResponseWriter.WriteHeader(status)
}

func (w *invalidating) Write(b []byte) (int, error) {
	w.once()
	return w.ResponseWriter.Write(b)
}
