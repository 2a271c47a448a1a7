package host

import (
	"sync"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
)

// proc is one running plugin process and its kind's gRPC client T
// (pb.StoreClient, pb.BeaconClient or pb.PublisherClient).
type proc[T any] struct {
	pc     *plugin.Client
	proto  plugin.ClientProtocol
	rpc    T
	broken bool // a call found the process gone: the next call starts a fresh one
}

// supervisor keeps the plugin process of one client, the same way for
// every kind: it starts one on demand, a fresh one when the last one died
// or a call marked it broken, and none once the client is closed. It is
// safe for concurrent use.
type supervisor[T any] struct {
	mu     sync.Mutex
	inst   *proc[T]
	closed bool
	starts int
}

// count reports how many processes were started.
func (s *supervisor[T]) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.starts
}

// pid returns the running process's ID, or 0.
func (s *supervisor[T]) pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inst == nil {
		return 0
	}
	if rc := s.inst.pc.ReattachConfig(); rc != nil {
		return rc.Pid
	}
	return 0
}

// get returns the running process, starting one with start when there is
// none or the last one is gone; after close it returns closedErr().
func (s *supervisor[T]) get(log hclog.Logger, closedErr func() error, start func() (*proc[T], error)) (*proc[T], error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, closedErr()
	}
	if s.inst != nil && !s.inst.broken && !s.inst.pc.Exited() {
		return s.inst, nil
	}
	if s.inst != nil {
		log.Warn("plugin process gone; starting a fresh one")
		s.inst.pc.Kill()
		s.inst = nil
	}
	inst, err := start()
	if err != nil {
		return nil, err
	}
	s.inst = inst
	s.starts++
	return inst, nil
}

// broke marks p dead: the next call starts a fresh process.
func (s *supervisor[T]) broke(p *proc[T]) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p.broken = true
}

// isBroken reports whether a call marked p dead.
func (s *supervisor[T]) isBroken(p *proc[T]) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return p.broken
}

// close marks the client closed and hands over its process, if any, for
// the caller to close and then kill: live says whether it may still
// answer a Close call. It returns nil when there is none or the client
// was closed already.
func (s *supervisor[T]) close() (p *proc[T], live bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, false
	}
	s.closed = true
	p, s.inst = s.inst, nil
	if p == nil {
		return nil, false
	}
	return p, !p.broken && !p.pc.Exited()
}
