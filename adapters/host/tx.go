package host

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/shuangsuiji/ssj/adapters/internal/wire"
	pb "github.com/shuangsuiji/ssj/adapters/proto/adaptersv1"
	"github.com/shuangsuiji/ssj/office"
)

// errProtocol marks an answer that breaks the protocol (a plugin answering
// garbage); the transaction is aborted.
var errProtocol = errors.New("protocol violation")

// tx is one transaction: one Transact stream. Calls on it are serialized.
type tx struct {
	c      *StoreClient
	inst   *proc[pb.StoreClient]
	stream pb.Store_TransactClient
	cancel context.CancelFunc

	mu     sync.Mutex
	closed bool // committed, rolled back or aborted
}

// finish ends the stream; the plugin rolls back what was not committed.
func (t *tx) finish() {
	t.closed = true
	t.cancel()
}

// recv reads the next response of the current call.
type recvFunc func() (*pb.TxResponse, error)

// call sends req (and the extra messages continuing it) and reads its
// answer with read. A failure of the stream itself (the plugin died, the
// caller's context ended, garbage arrived) aborts the transaction; an
// error the store returned does not.
func (t *tx) call(ctx context.Context, what string, req *pb.TxRequest, extra []*pb.TxRequest, read func(recvFunc) error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return t.c.errorf("%s: %w: the transaction is finished", what, office.ErrUnavailable)
	}
	if err := ctx.Err(); err != nil {
		return t.c.errorf("%s: %w: %w", what, office.ErrUnavailable, err)
	}
	if d, ok := ctx.Deadline(); ok {
		req.DeadlineUnixNano = d.UnixNano()
	}
	stop := context.AfterFunc(ctx, t.cancel)
	defer stop()
	err := t.stream.Send(req)
	for i := 0; err == nil && i < len(extra); i++ {
		err = t.stream.Send(extra[i])
	}
	if err == nil {
		err = read(t.stream.Recv)
	}
	if err == nil {
		return nil
	}
	var re *RemoteError
	if errors.As(err, &re) {
		return err
	}
	t.finish()
	if cerr := ended(ctx, err); cerr != nil {
		return t.c.errorf("%s: %w: %w (the transaction was aborted and rolled back)", what, office.ErrUnavailable, cerr)
	}
	if errors.Is(err, errProtocol) {
		t.c.log.Error("plugin broke the protocol", "call", what, "error", err)
		return t.c.errorf("%s: %w: the plugin's answer is garbage: %w (the transaction was aborted)", what, office.ErrUnavailable, err)
	}
	// The stream failed: the process died or the connection broke. A
	// send failure surfaces its cause on Recv.
	if errors.Is(err, io.EOF) {
		if _, rerr := t.stream.Recv(); rerr != nil && !errors.Is(rerr, io.EOF) {
			err = rerr
		}
	}
	t.c.broke(t.inst)
	st := status.Convert(err)
	if st.Code() == codes.Unknown && errors.Is(err, io.EOF) {
		return t.c.errorf("%s: %w: the plugin ended the transaction unexpectedly (the store rolled it back); the next call starts a fresh plugin", what, office.ErrUnavailable)
	}
	return t.c.errorf("%s: %w: the plugin stopped answering (%s: %s); the store rolled the transaction back, the next call starts a fresh plugin",
		what, office.ErrUnavailable, st.Code(), st.Message())
}

// remote turns an in-band error into a RemoteError.
func (t *tx) remote(e *pb.Error) error {
	return &RemoteError{Plugin: t.c.p.Name, Code: codes.Code(e.Code), Message: e.Message}
}

func violation(want string, got *pb.TxResponse) error {
	return fmt.Errorf("%w: expected %s, got %T (more=%v)", errProtocol, want, got.GetResult(), got.GetMore())
}

func (t *tx) expectDone(recv recvFunc) error {
	r, err := recv()
	if err != nil {
		return err
	}
	switch res := r.Result.(type) {
	case *pb.TxResponse_Done:
		if r.More {
			return violation("a single Done", r)
		}
		return nil
	case *pb.TxResponse_Error:
		return t.remote(res.Error)
	}
	return violation("Done or Error", r)
}

func chunkFrom(recv recvFunc) func() (*pb.BodyChunk, error) {
	return func() (*pb.BodyChunk, error) {
		r, err := recv()
		if err != nil {
			return nil, err
		}
		return r.GetChunk(), nil
	}
}

func readBody(first []byte, size int64, recv recvFunc) ([]byte, error) {
	b, err := wire.ReadBody(first, size, chunkFrom(recv))
	if err != nil && !isStreamErr(err) {
		return nil, fmt.Errorf("%w: %w", errProtocol, err)
	}
	return b, err
}

// isStreamErr: an error of the stream itself (not of the content).
func isStreamErr(err error) bool {
	_, ok := status.FromError(err)
	return ok || errors.Is(err, io.EOF)
}

func (t *tx) readObject(recv recvFunc) (office.Object, error) {
	r, err := recv()
	if err != nil {
		return office.Object{}, err
	}
	switch res := r.Result.(type) {
	case *pb.TxResponse_Object:
		body, err := readBody(res.Object.Body, res.Object.BodySize, recv)
		if err != nil {
			return office.Object{}, err
		}
		o := wire.ToObject(res.Object)
		o.Body = body
		return o, nil
	case *pb.TxResponse_Error:
		return office.Object{}, t.remote(res.Error)
	}
	return office.Object{}, violation("Object or Error", r)
}

func (t *tx) readObjects(recv recvFunc, limit int) ([]office.Object, error) {
	var out []office.Object
	for {
		r, err := recv()
		if err != nil {
			return nil, err
		}
		switch res := r.Result.(type) {
		case *pb.TxResponse_Objects:
			for i, m := range res.Objects.Objects {
				o := wire.ToObject(m)
				if m.BodySize != 0 {
					if i != len(res.Objects.Objects)-1 {
						return nil, fmt.Errorf("%w: a continued body must end its batch", errProtocol)
					}
					if o.Body, err = readBody(m.Body, m.BodySize, recv); err != nil {
						return nil, err
					}
				}
				out = append(out, o)
			}
		case *pb.TxResponse_Error:
			if len(out) > 0 || r.More {
				return nil, violation("an error before any object", r)
			}
			return nil, t.remote(res.Error)
		default:
			return nil, violation("ObjectBatch", r)
		}
		if len(out) > limit {
			return nil, fmt.Errorf("%w: %d objects for a limit of %d", errProtocol, len(out), limit)
		}
		if !r.More {
			return out, nil
		}
	}
}

func (t *tx) readEvent(recv recvFunc) (office.Event, error) {
	r, err := recv()
	if err != nil {
		return office.Event{}, err
	}
	switch res := r.Result.(type) {
	case *pb.TxResponse_Event:
		body, err := readBody(res.Event.Body, res.Event.BodySize, recv)
		if err != nil {
			return office.Event{}, err
		}
		e := wire.ToEvent(res.Event)
		e.Body = body
		return e, nil
	case *pb.TxResponse_Error:
		return office.Event{}, t.remote(res.Error)
	}
	return office.Event{}, violation("Event or Error", r)
}

func (t *tx) readEvents(recv recvFunc, from int64, limit int) ([]office.Event, error) {
	var out []office.Event
	for {
		r, err := recv()
		if err != nil {
			return nil, err
		}
		switch res := r.Result.(type) {
		case *pb.TxResponse_Events:
			for i, m := range res.Events.Events {
				e := wire.ToEvent(m)
				if m.BodySize != 0 {
					if i != len(res.Events.Events)-1 {
						return nil, fmt.Errorf("%w: a continued body must end its batch", errProtocol)
					}
					if e.Body, err = readBody(m.Body, m.BodySize, recv); err != nil {
						return nil, err
					}
				}
				if want := from + int64(len(out)); e.Seq != want {
					return nil, fmt.Errorf("%w: event %d where %d was due", errProtocol, e.Seq, want)
				}
				out = append(out, e)
			}
		case *pb.TxResponse_Error:
			if len(out) > 0 || r.More {
				return nil, violation("an error before any event", r)
			}
			return nil, t.remote(res.Error)
		default:
			return nil, violation("EventBatch", r)
		}
		if len(out) > limit {
			return nil, fmt.Errorf("%w: %d events for a limit of %d", errProtocol, len(out), limit)
		}
		if !r.More {
			return out, nil
		}
	}
}

func (t *tx) readSnapshot(recv recvFunc) (office.Snapshot, error) {
	r, err := recv()
	if err != nil {
		return office.Snapshot{}, err
	}
	switch res := r.Result.(type) {
	case *pb.TxResponse_Snapshot:
		if r.More {
			return office.Snapshot{}, violation("a single Snapshot", r)
		}
		return wire.ToSnapshot(res.Snapshot), nil
	case *pb.TxResponse_Error:
		return office.Snapshot{}, t.remote(res.Error)
	}
	return office.Snapshot{}, violation("Snapshot or Error", r)
}

func (t *tx) readSnapshots(recv recvFunc, afterID string, limit int) ([]office.Snapshot, error) {
	var out []office.Snapshot
	for {
		r, err := recv()
		if err != nil {
			return nil, err
		}
		switch res := r.Result.(type) {
		case *pb.TxResponse_Snapshots:
			for _, m := range res.Snapshots.Snapshots {
				if m.Id <= afterID {
					return nil, fmt.Errorf("%w: snapshot %q out of ID order after %q", errProtocol, m.Id, afterID)
				}
				afterID = m.Id
				out = append(out, wire.ToSnapshot(m))
			}
		case *pb.TxResponse_Error:
			if len(out) > 0 || r.More {
				return nil, violation("an error before any snapshot", r)
			}
			return nil, t.remote(res.Error)
		default:
			return nil, violation("SnapshotBatch", r)
		}
		if len(out) > limit {
			return nil, fmt.Errorf("%w: %d snapshots for a limit of %d", errProtocol, len(out), limit)
		}
		if !r.More {
			return out, nil
		}
	}
}

// readRows collects a Rows answer; it checks the key order, so that rows
// a broken plugin repeats, drops out of order or invents past the limit
// never reach the office. A failure returns no rows at all.
func (t *tx) readRows(recv recvFunc, afterKey string, limit int) ([]office.Row, error) {
	var out []office.Row
	last := afterKey
	for {
		r, err := recv()
		if err != nil {
			return nil, err
		}
		switch res := r.Result.(type) {
		case *pb.TxResponse_Rows:
			if out == nil {
				out = make([]office.Row, 0, min(limit, 1<<16))
			}
			n := len(out)
			if out, err = wire.UnpackRows(out, res.Rows.Packed); err != nil {
				return nil, fmt.Errorf("%w: %w", errProtocol, err)
			}
			for _, row := range out[n:] {
				if row.Key <= last {
					return nil, fmt.Errorf("%w: row %q out of key order after %q", errProtocol, row.Key, last)
				}
				last = row.Key
			}
		case *pb.TxResponse_Error:
			if len(out) > 0 || r.More {
				return nil, violation("an error before any row", r)
			}
			return nil, t.remote(res.Error)
		default:
			return nil, violation("RowBatch", r)
		}
		if len(out) > limit {
			return nil, fmt.Errorf("%w: %d rows for a limit of %d", errProtocol, len(out), limit)
		}
		if !r.More {
			if out == nil {
				out = []office.Row{}
			}
			return out, nil
		}
	}
}

func op(o any) *pb.TxRequest {
	r := &pb.TxRequest{}
	switch v := o.(type) {
	case *pb.Get:
		r.Op = &pb.TxRequest_Get{Get: v}
	case *pb.GetRev:
		r.Op = &pb.TxRequest_GetRev{GetRev: v}
	case *pb.Latest:
		r.Op = &pb.TxRequest_Latest{Latest: v}
	case *pb.Objects:
		r.Op = &pb.TxRequest_Objects{Objects: v}
	case *pb.LastEvent:
		r.Op = &pb.TxRequest_LastEvent{LastEvent: v}
	case *pb.Events:
		r.Op = &pb.TxRequest_Events{Events: v}
	case *pb.Rows:
		r.Op = &pb.TxRequest_Rows{Rows: v}
	case *pb.GetSnapshot:
		r.Op = &pb.TxRequest_GetSnapshot{GetSnapshot: v}
	case *pb.Snapshots:
		r.Op = &pb.TxRequest_Snapshots{Snapshots: v}
	case *pb.SnapshotAsOf:
		r.Op = &pb.TxRequest_SnapshotAsOf{SnapshotAsOf: v}
	default:
		panic(fmt.Sprintf("host: no request for %T", o))
	}
	return r
}

func chunkReqs(cs [][]byte) []*pb.TxRequest {
	out := make([]*pb.TxRequest, len(cs))
	for i, c := range cs {
		out[i] = &pb.TxRequest{Op: &pb.TxRequest_Chunk{Chunk: &pb.BodyChunk{Data: c}}}
	}
	return out
}

func (t *tx) Get(ctx context.Context, kind, id string) (o office.Object, err error) {
	err = t.call(ctx, fmt.Sprintf("get %s %q", kind, id), op(&pb.Get{Kind: kind, Id: id}), nil,
		func(recv recvFunc) (err error) { o, err = t.readObject(recv); return })
	return o, err
}

func (t *tx) GetRev(ctx context.Context, kind, id string, rev int64) (o office.Object, err error) {
	err = t.call(ctx, fmt.Sprintf("get %s %q revision %d", kind, id, rev), op(&pb.GetRev{Kind: kind, Id: id, Rev: rev}), nil,
		func(recv recvFunc) (err error) { o, err = t.readObject(recv); return })
	return o, err
}

func (t *tx) Put(ctx context.Context, o office.Object) error {
	what := fmt.Sprintf("put %s %q revision %d", o.Kind, o.ID, o.Rev)
	m := wire.FromObject(o)
	if wire.ObjectHead(m) > wire.Budget/2 {
		return t.c.errorf("%s: kind, ID and hash are %w", what, wire.ErrTooLarge)
	}
	first, cs := wire.SplitBody(wire.ObjectHead(m), m.Body)
	if cs != nil {
		m.Body, m.BodySize = first, int64(len(o.Body))
	}
	return t.call(ctx, what, &pb.TxRequest{Op: &pb.TxRequest_Put{Put: m}}, chunkReqs(cs), t.expectDone)
}

func (t *tx) Latest(ctx context.Context, kind, afterID string, limit int) (os []office.Object, err error) {
	err = t.call(ctx, "list "+kind, op(&pb.Latest{Kind: kind, AfterId: afterID, Limit: int64(limit)}), nil,
		func(recv recvFunc) (err error) { os, err = t.readObjects(recv, limit); return })
	return os, err
}

func (t *tx) Objects(ctx context.Context, after office.Cursor, limit int) (os []office.Object, err error) {
	err = t.call(ctx, "scan objects", op(&pb.Objects{AfterKind: after.Kind, AfterId: after.ID, AfterRev: after.Rev, Limit: int64(limit)}), nil,
		func(recv recvFunc) (err error) { os, err = t.readObjects(recv, limit); return })
	return os, err
}

func (t *tx) AppendEvent(ctx context.Context, e office.Event) error {
	what := fmt.Sprintf("append event %d", e.Seq)
	m := wire.FromEvent(e)
	if wire.EventHead(m) > wire.Budget/2 {
		return t.c.errorf("%s: hash is %w", what, wire.ErrTooLarge)
	}
	first, cs := wire.SplitBody(wire.EventHead(m), m.Body)
	if cs != nil {
		m.Body, m.BodySize = first, int64(len(e.Body))
	}
	return t.call(ctx, what, &pb.TxRequest{Op: &pb.TxRequest_AppendEvent{AppendEvent: m}}, chunkReqs(cs), t.expectDone)
}

func (t *tx) LastEvent(ctx context.Context) (e office.Event, err error) {
	err = t.call(ctx, "last event", op(&pb.LastEvent{}), nil,
		func(recv recvFunc) (err error) { e, err = t.readEvent(recv); return })
	return e, err
}

func (t *tx) Events(ctx context.Context, from int64, limit int) (es []office.Event, err error) {
	err = t.call(ctx, "events", op(&pb.Events{From: from, Limit: int64(limit)}), nil,
		func(recv recvFunc) (err error) { es, err = t.readEvents(recv, from, limit); return })
	return es, err
}

func (t *tx) CreateSnapshot(ctx context.Context, s office.Snapshot) error {
	m := wire.FromSnapshot(s)
	if wire.SnapshotSize(m) > wire.Budget {
		return t.c.errorf("create snapshot %q: %w", s.ID, wire.ErrTooLarge)
	}
	return t.call(ctx, fmt.Sprintf("create snapshot %q", s.ID), &pb.TxRequest{Op: &pb.TxRequest_CreateSnapshot{CreateSnapshot: m}}, nil, t.expectDone)
}

// PutRows sends the rows in messages of at most wire.Budget bytes; the
// plugin answers once, after the last.
func (t *tx) PutRows(ctx context.Context, snapshotID string, rows []office.Row) error {
	what := fmt.Sprintf("put rows of snapshot %q", snapshotID)
	var msgs []*pb.TxRequest
	room := wire.Budget - len(snapshotID) - 32
	var buf []byte
	flush := func() {
		msgs = append(msgs, &pb.TxRequest{Op: &pb.TxRequest_PutRows{PutRows: &pb.PutRows{SnapshotId: snapshotID, Packed: buf, More: true}}})
		buf = nil
	}
	for _, r := range rows {
		n := wire.PackedRowSize(r)
		if n > room {
			return t.c.errorf("%s: row %q: %d bytes, %w", what, r.Key, n, wire.ErrTooLarge)
		}
		if len(buf)+n > room {
			flush()
		}
		if buf == nil {
			buf = make([]byte, 0, min(room, 64<<10))
		}
		buf = wire.AppendRow(buf, r)
	}
	flush()
	msgs[len(msgs)-1].GetPutRows().More = false
	return t.call(ctx, what, msgs[0], msgs[1:], t.expectDone)
}

func (t *tx) Rows(ctx context.Context, snapshotID, afterKey string, limit int) (rows []office.Row, err error) {
	err = t.call(ctx, fmt.Sprintf("rows of snapshot %q", snapshotID), op(&pb.Rows{SnapshotId: snapshotID, AfterKey: afterKey, Limit: int64(limit)}), nil,
		func(recv recvFunc) (err error) { rows, err = t.readRows(recv, afterKey, limit); return })
	return rows, err
}

func (t *tx) GetSnapshot(ctx context.Context, id string) (s office.Snapshot, err error) {
	err = t.call(ctx, fmt.Sprintf("snapshot %q", id), op(&pb.GetSnapshot{Id: id}), nil,
		func(recv recvFunc) (err error) { s, err = t.readSnapshot(recv); return })
	return s, err
}

func (t *tx) Snapshots(ctx context.Context, afterID string, limit int) (ss []office.Snapshot, err error) {
	err = t.call(ctx, "snapshots", op(&pb.Snapshots{AfterId: afterID, Limit: int64(limit)}), nil,
		func(recv recvFunc) (err error) { ss, err = t.readSnapshots(recv, afterID, limit); return })
	return ss, err
}

func (t *tx) SnapshotAsOf(ctx context.Context, pool string, at time.Time) (s office.Snapshot, err error) {
	err = t.call(ctx, fmt.Sprintf("%s snapshot in force at %s", pool, at.Format(time.RFC3339)),
		op(&pb.SnapshotAsOf{Pool: pool, AtSeconds: at.Unix(), AtNanos: int32(at.Nanosecond())}), nil,
		func(recv recvFunc) (err error) { s, err = t.readSnapshot(recv); return })
	return s, err
}

// Commit implements office.Tx.
func (t *tx) Commit() error {
	err := t.call(context.Background(), "commit", &pb.TxRequest{Op: &pb.TxRequest_Commit{Commit: &pb.Commit{}}}, nil, t.expectDone)
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.closed {
		t.finish()
	}
	return err
}

// Rollback implements office.Tx; after Commit, or after the transaction
// was aborted, it does nothing. It does not wait for the plugin: it sends
// the Rollback and ends the stream, and the plugin rolls back on either.
func (t *tx) Rollback() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	err := t.stream.Send(&pb.TxRequest{Op: &pb.TxRequest_Rollback{Rollback: &pb.Rollback{}}})
	t.finish()
	if err != nil && !errors.Is(err, io.EOF) {
		return t.c.errorf("rollback: %w: %w", office.ErrUnavailable, err)
	}
	return nil
}
