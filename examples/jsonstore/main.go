// Command jsonstore is an example of a third-party store plugin (存储插件)
// in one file: it keeps the office's state in memory (office/memstore)
// and writes all of it to one JSON file after every commit (a temporary
// file renamed over the old one: a crash leaves the old or the new state,
// never half of one). Fine for a demo or a tiny office; a real store
// writes only what changed. See the README, "Write your own plugin".
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/shuangsuiji/ssj/adapters/storeplugin"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/memstore"
)

func main() { storeplugin.Serve("examples/jsonstore", open) }

// state is the JSON file.
type state struct {
	Events    []office.Event  `json:"events"`
	Objects   []office.Object `json:"objects"`
	Snapshots []snapshot      `json:"snapshots"`
}

type snapshot struct {
	office.Snapshot
	Rows []office.Row `json:"rows"`
}

// store is memstore plus a dump to the file after each writable commit.
type store struct {
	office.Store
	path string
	mu   sync.Mutex // one dump at a time
}

type tx struct {
	office.Tx
	s *store
}

// Commit commits in memory, then writes the whole state to the file.
func (t *tx) Commit() error {
	if err := t.Tx.Commit(); err != nil {
		return err
	}
	return t.s.dump()
}

func open(ctx context.Context, req storeplugin.OpenRequest) (office.Store, error) {
	fs := flag.NewFlagSet("jsonstore", flag.ContinueOnError)
	file := fs.String("file", req.Location, "the JSON file")
	if err := fs.Parse(req.Args); err != nil || *file == "" {
		return nil, fmt.Errorf("jsonstore: want -file FILE, got %q: %w", req.Args, office.ErrPrecondition)
	}
	s := &store{Store: memstore.New(), path: *file}
	b, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	} else if err != nil {
		return nil, fmt.Errorf("jsonstore: %w: %w", office.ErrUnavailable, err)
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("jsonstore: %s: %w", s.path, err)
	}
	t, err := s.Store.Begin(ctx, true) // load through memstore's own checks
	if err != nil {
		return nil, err
	}
	defer t.Rollback()
	for _, e := range st.Events {
		err = errors.Join(err, t.AppendEvent(ctx, e))
	}
	for _, o := range st.Objects {
		err = errors.Join(err, t.Put(ctx, o))
	}
	for _, sn := range st.Snapshots {
		err = errors.Join(err, t.CreateSnapshot(ctx, sn.Snapshot), t.PutRows(ctx, sn.ID, sn.Rows))
	}
	if err != nil {
		return nil, fmt.Errorf("jsonstore: load %s: %w", s.path, err)
	}
	return s, t.Commit()
}

func (s *store) Begin(ctx context.Context, writable bool) (office.Tx, error) {
	t, err := s.Store.Begin(ctx, writable)
	if err != nil || !writable {
		return t, err
	}
	return &tx{Tx: t, s: s}, nil
}

func (s *store) dump() (err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, st, page := context.Background(), state{}, 10000
	t, err := s.Store.Begin(ctx, false)
	if err != nil {
		return err
	}
	defer t.Rollback()
	for n := page; err == nil && n == page; {
		var es []office.Event
		es, err = t.Events(ctx, int64(len(st.Events)), page)
		st.Events, n = append(st.Events, es...), len(es)
	}
	for n, c := page, (office.Cursor{}); err == nil && n == page; {
		var os []office.Object
		if os, err = t.Objects(ctx, c, page); len(os) > 0 {
			c = office.Cursor{Kind: os[len(os)-1].Kind, ID: os[len(os)-1].ID, Rev: os[len(os)-1].Rev}
		}
		st.Objects, n = append(st.Objects, os...), len(os)
	}
	sns, serr := t.Snapshots(ctx, "", 1<<30)
	for err = errors.Join(err, serr); err == nil && len(sns) > 0; sns = sns[1:] {
		one := snapshot{Snapshot: sns[0]}
		for n, after := page, ""; err == nil && n == page; {
			var rows []office.Row
			if rows, err = t.Rows(ctx, one.ID, after, page); len(rows) > 0 {
				after = rows[len(rows)-1].Key
			}
			one.Rows, n = append(one.Rows, rows...), len(rows)
		}
		st.Snapshots = append(st.Snapshots, one)
	}
	if err == nil {
		var b []byte
		tmp := filepath.Join(filepath.Dir(s.path), "."+filepath.Base(s.path)+".tmp")
		if b, err = json.Marshal(st); err == nil {
			if err = os.WriteFile(tmp, b, 0o600); err == nil {
				err = os.Rename(tmp, s.path)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("jsonstore: write %s: %w: %w", s.path, office.ErrUnavailable, err)
	}
	return nil
}
