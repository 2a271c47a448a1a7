// Package storeserver is the plugin side of the store protocol: it serves
// an office.Store over ssj.adapters.v1 through go-plugin. The public entry
// point is adapters/storeplugin.Serve; this package also has the test
// hooks the fault-injection plugin uses.
package storeserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/shuangsuiji/ssj/adapters/internal/wire"
	pb "github.com/shuangsuiji/ssj/adapters/proto/adaptersv1"
	"github.com/shuangsuiji/ssj/office"
)

// OpenRequest is what the opener of a store plugin receives.
type OpenRequest struct {
	// Args are the plugin process's arguments (the config file's args).
	Args []string
	// Location is where the store lives as the user named it on the
	// host (e.g. a postgres:// URL), or empty.
	Location string
}

// Config configures Serve.
type Config struct {
	// Open opens the store when the host asks for it.
	Open func(ctx context.Context, req OpenRequest) (office.Store, error)
	// Implementation describes the store, for the host's logs.
	Implementation string
	// Major overrides the protocol major version served (tests only).
	Major int
	// Send, when set, replaces sending a response (tests only: a plugin
	// that answers garbage or dies mid-stream).
	Send func(req *pb.TxRequest, resp *pb.TxResponse, send func(*pb.TxResponse) error) error
}

// Serve serves the store plugin on stdout's handshake until the host
// stops the process.
func Serve(cfg Config) {
	major := cfg.Major
	if major == 0 {
		major = wire.ProtocolMajor
	}
	logger := hclog.New(&hclog.LoggerOptions{Level: hclog.Trace, Output: os.Stderr, JSONFormat: true})
	s := &Server{cfg: cfg, major: uint32(major), log: logger}
	go watchHost(logger, time.Second)
	hs := wire.Handshake
	hs.ProtocolVersion = uint(major)
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  hs,
		VersionedPlugins: map[int]plugin.PluginSet{major: {wire.KindStore: &wire.StorePlugin{Impl: s}}},
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			return grpc.NewServer(append(opts, grpc.MaxRecvMsgSize(wire.MaxMessage), grpc.MaxSendMsgSize(wire.MaxMessage))...)
		},
		Logger: logger,
	})
}

// watchHost ends the plugin process when the host that started it is
// gone (killed, crashed): the process is then re-parented, and its
// parent process ID changes. go-plugin stops a plugin only when the host
// asks; without this, a host killed with SIGKILL would leave its plugins
// running, holding their stores. What was not committed is lost, as if
// the plugin had been killed.
func watchHost(log hclog.Logger, every time.Duration) {
	host := os.Getppid()
	for range time.Tick(every) {
		if os.Getppid() != host {
			log.Error("the host process is gone; exiting", "host_pid", host)
			os.Exit(3)
		}
	}
}

// Server implements pb.StoreServer over an office.Store.
type Server struct {
	pb.UnimplementedStoreServer
	cfg   Config
	major uint32
	log   hclog.Logger

	mu    sync.Mutex
	store office.Store
}

// NewServer returns a server for tests that run it in process.
func NewServer(cfg Config) *Server {
	return &Server{cfg: cfg, major: wire.ProtocolMajor, log: hclog.NewNullLogger()}
}

// Open implements pb.StoreServer.
func (s *Server) Open(ctx context.Context, req *pb.OpenRequest) (*pb.OpenResponse, error) {
	if req.ProtocolMajor != s.major {
		return nil, status.Errorf(codes.FailedPrecondition,
			"the host speaks protocol ssj.adapters.v%d, this plugin speaks ssj.adapters.v%d: use a plugin and a host of the same major version",
			req.ProtocolMajor, s.major)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store == nil {
		st, err := s.cfg.Open(ctx, OpenRequest{Args: os.Args[1:], Location: req.Location})
		if err != nil {
			return nil, status.Error(wire.Code(err), fmt.Sprintf("open: %v", err))
		}
		s.store = st
		s.log.Debug("store opened", "implementation", s.cfg.Implementation)
	}
	return &pb.OpenResponse{ProtocolMajor: s.major, ProtocolMinor: wire.ProtocolMinor, Kind: wire.KindStore, Implementation: s.cfg.Implementation}, nil
}

// Close implements pb.StoreServer.
func (s *Server) Close(context.Context, *pb.CloseRequest) (*pb.CloseResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store == nil {
		return &pb.CloseResponse{}, nil
	}
	err := s.store.Close()
	s.store = nil
	if err != nil {
		return nil, status.Error(wire.Code(err), err.Error())
	}
	return &pb.CloseResponse{}, nil
}

func (s *Server) current() office.Store {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store
}

// txStream is one Transact stream on the plugin side.
type txStream struct {
	s      *Server
	stream pb.Store_TransactServer
	req    *pb.TxRequest // the request being answered
}

func (t *txStream) send(r *pb.TxResponse) error {
	if t.s.cfg.Send != nil {
		return t.s.cfg.Send(t.req, r, t.stream.Send)
	}
	return t.stream.Send(r)
}

func (t *txStream) fail(err error) error {
	return t.send(&pb.TxResponse{Result: &pb.TxResponse_Error{Error: wire.ErrorMsg(err)}})
}

func (t *txStream) done() error {
	return t.send(&pb.TxResponse{Result: &pb.TxResponse_Done{Done: &pb.Done{}}})
}

func (t *txStream) recv() (*pb.TxRequest, error) { return t.stream.Recv() }

func (t *txStream) nextChunk() (*pb.BodyChunk, error) {
	r, err := t.recv()
	if err != nil {
		return nil, err
	}
	return r.GetChunk(), nil
}

// Transact implements pb.StoreServer: one transaction per stream. The
// transaction is rolled back unless a Commit arrives.
func (s *Server) Transact(stream pb.Store_TransactServer) error {
	t := &txStream{s: s, stream: stream}
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	t.req = first
	begin := first.GetBegin()
	if begin == nil {
		return status.Error(codes.InvalidArgument, "protocol violation: a transaction must start with Begin")
	}
	st := s.current()
	if st == nil {
		return t.fail(fmt.Errorf("begin: the plugin's store is not open (Open first, or it was closed): %w", office.ErrUnavailable))
	}
	ctx := stream.Context()
	tx, err := st.Begin(ctx, begin.Writable)
	if err != nil {
		return t.fail(err)
	}
	defer tx.Rollback()
	if err := t.done(); err != nil {
		return err
	}
	for {
		req, err := stream.Recv()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		t.req = req
		end, err := t.handle(ctx, tx, req)
		if err != nil || end {
			return err
		}
	}
}

func callCtx(ctx context.Context, req *pb.TxRequest) (context.Context, context.CancelFunc) {
	if req.DeadlineUnixNano != 0 {
		return context.WithDeadline(ctx, time.Unix(0, req.DeadlineUnixNano))
	}
	return context.WithCancel(ctx)
}

// handle answers one request; end reports the end of the transaction.
func (t *txStream) handle(parent context.Context, tx office.Tx, req *pb.TxRequest) (end bool, err error) {
	ctx, cancel := callCtx(parent, req)
	defer cancel()
	switch op := req.Op.(type) {
	case *pb.TxRequest_Get:
		o, err := tx.Get(ctx, op.Get.Kind, op.Get.Id)
		return false, t.object(o, err)
	case *pb.TxRequest_GetRev:
		o, err := tx.GetRev(ctx, op.GetRev.Kind, op.GetRev.Id, op.GetRev.Rev)
		return false, t.object(o, err)
	case *pb.TxRequest_Put:
		body, err := wire.ReadBody(op.Put.Body, op.Put.BodySize, t.nextChunk)
		if err != nil {
			return false, err
		}
		o := wire.ToObject(op.Put)
		o.Body = body
		return false, t.result(tx.Put(ctx, o))
	case *pb.TxRequest_Latest:
		os, err := tx.Latest(ctx, op.Latest.Kind, op.Latest.AfterId, int(op.Latest.Limit))
		return false, t.objects(os, err)
	case *pb.TxRequest_Objects:
		q := op.Objects
		os, err := tx.Objects(ctx, office.Cursor{Kind: q.AfterKind, ID: q.AfterId, Rev: q.AfterRev}, int(q.Limit))
		return false, t.objects(os, err)
	case *pb.TxRequest_AppendEvent:
		body, err := wire.ReadBody(op.AppendEvent.Body, op.AppendEvent.BodySize, t.nextChunk)
		if err != nil {
			return false, err
		}
		e := wire.ToEvent(op.AppendEvent)
		e.Body = body
		return false, t.result(tx.AppendEvent(ctx, e))
	case *pb.TxRequest_LastEvent:
		e, err := tx.LastEvent(ctx)
		if err != nil {
			return false, t.fail(err)
		}
		return false, t.events([]office.Event{e}, true)
	case *pb.TxRequest_Events:
		es, err := tx.Events(ctx, op.Events.From, int(op.Events.Limit))
		if err != nil {
			return false, t.fail(err)
		}
		return false, t.events(es, false)
	case *pb.TxRequest_CreateSnapshot:
		return false, t.result(tx.CreateSnapshot(ctx, wire.ToSnapshot(op.CreateSnapshot)))
	case *pb.TxRequest_PutRows:
		return false, t.putRows(ctx, tx, op.PutRows)
	case *pb.TxRequest_Rows:
		rows, err := tx.Rows(ctx, op.Rows.SnapshotId, op.Rows.AfterKey, int(op.Rows.Limit))
		if err != nil {
			return false, t.fail(err)
		}
		return false, t.rows(rows)
	case *pb.TxRequest_GetSnapshot:
		sn, err := tx.GetSnapshot(ctx, op.GetSnapshot.Id)
		return false, t.snapshot(sn, err)
	case *pb.TxRequest_Snapshots:
		ss, err := tx.Snapshots(ctx, op.Snapshots.AfterId, int(op.Snapshots.Limit))
		if err != nil {
			return false, t.fail(err)
		}
		return false, t.snapshots(ss)
	case *pb.TxRequest_SnapshotAsOf:
		sn, err := tx.SnapshotAsOf(ctx, op.SnapshotAsOf.Pool, wire.Time(op.SnapshotAsOf.AtSeconds, op.SnapshotAsOf.AtNanos))
		return false, t.snapshot(sn, err)
	case *pb.TxRequest_Commit:
		return true, t.result(tx.Commit())
	case *pb.TxRequest_Rollback:
		return true, t.result(tx.Rollback())
	}
	return true, status.Errorf(codes.InvalidArgument, "protocol violation: unexpected request %T inside a transaction", req.Op)
}

func (t *txStream) result(err error) error {
	if err != nil {
		return t.fail(err)
	}
	return t.done()
}

// putRows applies one PutRows message; with more set, later messages
// carry the rest of the call and only the last one is answered. After a
// failure the rest of the call's messages are read and dropped.
func (t *txStream) putRows(ctx context.Context, tx office.Tx, m *pb.PutRows) error {
	var failed error
	for {
		if failed == nil {
			rows, err := wire.UnpackRows(nil, m.Packed)
			if err != nil {
				return status.Error(codes.InvalidArgument, err.Error())
			}
			failed = tx.PutRows(ctx, m.SnapshotId, rows)
		}
		if !m.More {
			return t.result(failed)
		}
		req, err := t.recv()
		if err != nil {
			return err
		}
		t.req = req
		if m = req.GetPutRows(); m == nil {
			return status.Errorf(codes.InvalidArgument, "protocol violation: PutRows continuation expected, got %T", req.Op)
		}
	}
}

func (t *txStream) chunks(cs [][]byte) error {
	for i, c := range cs {
		if err := t.send(&pb.TxResponse{More: i < len(cs)-1, Result: &pb.TxResponse_Chunk{Chunk: &pb.BodyChunk{Data: c}}}); err != nil {
			return err
		}
	}
	return nil
}

func (t *txStream) object(o office.Object, err error) error {
	if err != nil {
		return t.fail(err)
	}
	m := wire.FromObject(o)
	if wire.ObjectHead(m) > wire.Budget/2 {
		return t.fail(fmt.Errorf("object %s %q: kind, ID and hash are %w", o.Kind, o.ID, wire.ErrTooLarge))
	}
	first, cs := wire.SplitBody(wire.ObjectHead(m), m.Body)
	if cs != nil {
		m.Body, m.BodySize = first, int64(len(o.Body))
	}
	if err := t.send(&pb.TxResponse{More: cs != nil, Result: &pb.TxResponse_Object{Object: m}}); err != nil {
		return err
	}
	return t.chunks(cs)
}

// objects sends a list in batches; an object too large for the rest of a
// batch ends it, its body continued in chunks.
func (t *txStream) objects(os []office.Object, err error) error {
	if err != nil {
		return t.fail(err)
	}
	batch, size := []*pb.Object{}, 0
	for i, o := range os {
		m := wire.FromObject(o)
		head := wire.ObjectHead(m)
		if head > wire.Budget/2 {
			return t.fail(fmt.Errorf("object %s %q: kind, ID and hash are %w", o.Kind, o.ID, wire.ErrTooLarge))
		}
		if size+head+len(m.Body) > wire.Budget && len(batch) > 0 {
			if err := t.send(&pb.TxResponse{More: true, Result: &pb.TxResponse_Objects{Objects: &pb.ObjectBatch{Objects: batch}}}); err != nil {
				return err
			}
			batch, size = []*pb.Object{}, 0
		}
		first, cs := wire.SplitBody(head, m.Body)
		if cs != nil {
			m.Body, m.BodySize = first, int64(len(o.Body))
			batch = append(batch, m)
			if err := t.send(&pb.TxResponse{More: true, Result: &pb.TxResponse_Objects{Objects: &pb.ObjectBatch{Objects: batch}}}); err != nil {
				return err
			}
			if err := t.chunks(cs); err != nil {
				return err
			}
			batch, size = []*pb.Object{}, 0
			if i == len(os)-1 {
				break
			}
			continue
		}
		batch = append(batch, m)
		size += head + len(m.Body)
	}
	return t.send(&pb.TxResponse{Result: &pb.TxResponse_Objects{Objects: &pb.ObjectBatch{Objects: batch}}})
}

// events sends events like objects; single sends the one event as an
// Event rather than a batch (LastEvent).
func (t *txStream) events(es []office.Event, single bool) error {
	if single {
		m := wire.FromEvent(es[0])
		first, cs := wire.SplitBody(wire.EventHead(m), m.Body)
		if cs != nil {
			m.Body, m.BodySize = first, int64(len(es[0].Body))
		}
		if err := t.send(&pb.TxResponse{More: cs != nil, Result: &pb.TxResponse_Event{Event: m}}); err != nil {
			return err
		}
		return t.chunks(cs)
	}
	batch, size := []*pb.Event{}, 0
	for i, e := range es {
		m := wire.FromEvent(e)
		head := wire.EventHead(m)
		if head > wire.Budget/2 {
			return t.fail(fmt.Errorf("event %d: hash is %w", e.Seq, wire.ErrTooLarge))
		}
		if size+head+len(m.Body) > wire.Budget && len(batch) > 0 {
			if err := t.send(&pb.TxResponse{More: true, Result: &pb.TxResponse_Events{Events: &pb.EventBatch{Events: batch}}}); err != nil {
				return err
			}
			batch, size = []*pb.Event{}, 0
		}
		first, cs := wire.SplitBody(head, m.Body)
		if cs != nil {
			m.Body, m.BodySize = first, int64(len(e.Body))
			batch = append(batch, m)
			if err := t.send(&pb.TxResponse{More: true, Result: &pb.TxResponse_Events{Events: &pb.EventBatch{Events: batch}}}); err != nil {
				return err
			}
			if err := t.chunks(cs); err != nil {
				return err
			}
			batch, size = []*pb.Event{}, 0
			if i == len(es)-1 {
				break
			}
			continue
		}
		batch = append(batch, m)
		size += head + len(m.Body)
	}
	return t.send(&pb.TxResponse{Result: &pb.TxResponse_Events{Events: &pb.EventBatch{Events: batch}}})
}

func (t *txStream) rows(rows []office.Row) error {
	var buf []byte
	for _, r := range rows {
		n := wire.PackedRowSize(r)
		if n > wire.Budget {
			return t.fail(fmt.Errorf("row %q: %d bytes, %w", r.Key, n, wire.ErrTooLarge))
		}
		if len(buf)+n > wire.Budget {
			if err := t.send(&pb.TxResponse{More: true, Result: &pb.TxResponse_Rows{Rows: &pb.RowBatch{Packed: buf}}}); err != nil {
				return err
			}
			buf = nil
		}
		if buf == nil {
			buf = make([]byte, 0, min(wire.Budget, 64<<10))
		}
		buf = wire.AppendRow(buf, r)
	}
	return t.send(&pb.TxResponse{Result: &pb.TxResponse_Rows{Rows: &pb.RowBatch{Packed: buf}}})
}

func (t *txStream) snapshot(s office.Snapshot, err error) error {
	if err != nil {
		return t.fail(err)
	}
	return t.send(&pb.TxResponse{Result: &pb.TxResponse_Snapshot{Snapshot: wire.FromSnapshot(s)}})
}

func (t *txStream) snapshots(ss []office.Snapshot) error {
	batch, size := []*pb.Snapshot{}, 0
	for _, s := range ss {
		m := wire.FromSnapshot(s)
		n := wire.SnapshotSize(m)
		if n > wire.Budget {
			return t.fail(fmt.Errorf("snapshot %q: %w", s.ID, wire.ErrTooLarge))
		}
		if size+n > wire.Budget {
			if err := t.send(&pb.TxResponse{More: true, Result: &pb.TxResponse_Snapshots{Snapshots: &pb.SnapshotBatch{Snapshots: batch}}}); err != nil {
				return err
			}
			batch, size = []*pb.Snapshot{}, 0
		}
		batch = append(batch, m)
		size += n
	}
	return t.send(&pb.TxResponse{Result: &pb.TxResponse_Snapshots{Snapshots: &pb.SnapshotBatch{Snapshots: batch}}})
}
