package api

import (
	"context"
	"fmt"
	"sync"

	"github.com/shuangsuiji/ssj/office"
)

// bundleMemo keeps the last public bundle the office built, for the trail
// head it was built at. A verifier downloads a bundle as its index and one
// request per file; without the memo each request would rebuild the whole
// bundle (every snapshot row read and checked, the trail re-hashed). Every
// state change appends a trail event, so a bundle built at head H is the
// bundle at H. One bundle is kept: a large registry's is large.
type bundleMemo struct {
	mu    sync.Mutex
	task  string
	head  string
	files []office.BundleFile
}

// bundle returns task id's bundle, from the memo when the trail's head has
// not moved since it was built.
func (s *Server) bundle(ctx context.Context, id string) ([]office.BundleFile, error) {
	ev, err := s.o.LastEvent(ctx)
	if err != nil {
		return nil, err
	}
	head := fmt.Sprintf("%d:%s", ev.Seq, ev.Hash)
	m := &s.bundles
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.task == id && m.head == head && m.files != nil {
		return m.files, nil
	}
	files, err := s.o.Bundle(ctx, id)
	if err != nil {
		return nil, err
	}
	m.task, m.head, m.files = id, head, files
	return files, nil
}
