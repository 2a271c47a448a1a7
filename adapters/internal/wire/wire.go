// Package wire holds what the plugin host (adapters/host) and the plugin
// side (adapters/storeplugin) share: the go-plugin handshake, the protocol
// version, the message size limit and its batching, the mapping between
// the office's sentinel errors and gRPC status codes, and the conversions
// between office values and ssj.adapters.v1 messages.
package wire

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	pb "github.com/shuangsuiji/ssj/adapters/proto/adaptersv1"
	"github.com/shuangsuiji/ssj/office"
)

// The protocol version of ssj.adapters.v1. A host and a plugin with
// different majors refuse each other; minors are compatible.
const (
	ProtocolMajor = 1
	ProtocolMinor = 0
)

// KindStore is the plugin kind of a store plugin (the go-plugin plugin
// name too).
const KindStore = "store"

// MaxMessage is the largest gRPC message either side sends or accepts.
const MaxMessage = 1 << 20

// Budget is how many payload bytes a batch or a body chunk carries: the
// rest of MaxMessage is room for field tags and lengths.
const Budget = MaxMessage - 64<<10

// Handshake is the go-plugin handshake: the magic cookie keeps a plugin
// binary from being run by hand as if it were a program, and the protocol
// version is ProtocolMajor (go-plugin's VersionedPlugins).
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolMajor,
	MagicCookieKey:   "SSJ_PLUGIN_MAGIC_COOKIE",
	MagicCookieValue: "shuangsuiji-adapters-5a0f3c1e",
}

// StorePlugin is the go-plugin plugin of the store kind. The plugin side
// sets Impl; the host side leaves it nil and dispenses a
// pb.StoreClient.
type StorePlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl pb.StoreServer
}

// GRPCServer implements plugin.GRPCPlugin.
func (p *StorePlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	if p.Impl == nil {
		return errors.New("wire: StorePlugin has no Impl")
	}
	pb.RegisterStoreServer(s, p.Impl)
	return nil
}

// GRPCClient implements plugin.GRPCPlugin.
func (p *StorePlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return pb.NewStoreClient(c), nil
}

// Code maps an error onto the gRPC status code that carries it across the
// boundary: the office's sentinels first, then context errors.
func Code(err error) codes.Code {
	switch {
	case err == nil:
		return codes.OK
	case errors.Is(err, office.ErrNotFound):
		return codes.NotFound
	case errors.Is(err, office.ErrConflict):
		return codes.Aborted
	case errors.Is(err, office.ErrPrecondition):
		return codes.FailedPrecondition
	case errors.Is(err, office.ErrUnavailable):
		return codes.Unavailable
	case errors.Is(err, context.DeadlineExceeded):
		return codes.DeadlineExceeded
	case errors.Is(err, context.Canceled):
		return codes.Canceled
	}
	return codes.Unknown
}

// Sentinel is the office sentinel a gRPC status code stands for, or nil.
// DeadlineExceeded and Canceled stand for ErrUnavailable: the call did not
// complete and a retry may succeed.
func Sentinel(c codes.Code) error {
	switch c {
	case codes.NotFound:
		return office.ErrNotFound
	case codes.Aborted, codes.AlreadyExists:
		return office.ErrConflict
	case codes.FailedPrecondition:
		return office.ErrPrecondition
	case codes.Unavailable, codes.DeadlineExceeded, codes.Canceled:
		return office.ErrUnavailable
	}
	return nil
}

// RemoteError is an error a plugin returned: its gRPC code, its message
// (the plugin's own error text), and the plugin's name. errors.Is finds
// the office sentinel the code stands for.
type RemoteError struct {
	Plugin  string
	Code    codes.Code
	Message string
}

// Error implements error.
func (e *RemoteError) Error() string {
	return fmt.Sprintf("store plugin %q: %s", e.Plugin, e.Message)
}

// Unwrap returns the office sentinel of the code, if any.
func (e *RemoteError) Unwrap() error { return Sentinel(e.Code) }

// ErrorMsg turns an error into its in-band message.
func ErrorMsg(err error) *pb.Error {
	return &pb.Error{Code: uint32(Code(err)), Message: err.Error()}
}

// Time converts a wire time to a UTC time.Time.
func Time(sec int64, nanos int32) time.Time { return time.Unix(sec, int64(nanos)).UTC() }

// ToObject converts; the body is the complete one (see ReadBody).
func ToObject(o *pb.Object) office.Object {
	return office.Object{Kind: o.Kind, ID: o.Id, Rev: o.Rev, EventSeq: o.EventSeq, EventHash: o.EventHash, Body: nonNil(o.Body)}
}

// FromObject converts, with the whole body.
func FromObject(o office.Object) *pb.Object {
	return &pb.Object{Kind: o.Kind, Id: o.ID, Rev: o.Rev, EventSeq: o.EventSeq, EventHash: o.EventHash, Body: o.Body}
}

// ToEvent converts.
func ToEvent(e *pb.Event) office.Event {
	return office.Event{Seq: e.Seq, Hash: e.Hash, Body: nonNil(e.Body)}
}

// FromEvent converts, with the whole body.
func FromEvent(e office.Event) *pb.Event { return &pb.Event{Seq: e.Seq, Hash: e.Hash, Body: e.Body} }

// ToSnapshot converts.
func ToSnapshot(s *pb.Snapshot) office.Snapshot {
	return office.Snapshot{ID: s.Id, Pool: s.Pool, At: Time(s.AtSeconds, s.AtNanos), Count: s.Count, Root: s.Root,
		Digest: s.Digest, EventSeq: s.EventSeq, EventHash: s.EventHash}
}

// FromSnapshot converts.
func FromSnapshot(s office.Snapshot) *pb.Snapshot {
	return &pb.Snapshot{Id: s.ID, Pool: s.Pool, AtSeconds: s.At.Unix(), AtNanos: int32(s.At.Nanosecond()), Count: s.Count,
		Root: s.Root, Digest: s.Digest, EventSeq: s.EventSeq, EventHash: s.EventHash}
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// Sizes, as counted against Budget: payload bytes plus a generous 16 bytes
// of tags and lengths per field.

// ObjectHead is an object's size without its body.
func ObjectHead(o *pb.Object) int { return len(o.Kind) + len(o.Id) + len(o.EventHash) + 6*16 }

// EventHead is an event's size without its body.
func EventHead(e *pb.Event) int { return len(e.Hash) + 4*16 }

// SnapshotSize is a snapshot description's size.
func SnapshotSize(s *pb.Snapshot) int {
	return len(s.Id) + len(s.Pool) + len(s.Root) + len(s.Digest) + len(s.EventHash) + 10*16
}

// SplitBody cuts a body that does not fit after a head of the given size:
// the first part (kept in the message) and the chunks that follow it. A
// body that fits gives no chunks.
func SplitBody(head int, body []byte) (first []byte, chunks [][]byte) {
	room := Budget - head
	if len(body) <= room {
		return body, nil
	}
	first, body = body[:room], body[room:]
	for len(body) > 0 {
		n := min(len(body), Budget)
		chunks = append(chunks, body[:n])
		body = body[n:]
	}
	return first, chunks
}

// ErrTooLarge is wrapped when a single value cannot be sent within
// MaxMessage (a row, or an object's kind, ID and hash together).
var ErrTooLarge = fmt.Errorf("larger than the protocol's %d-byte message limit: %w", MaxMessage, office.ErrPrecondition)

// ReadBody completes a body whose first part arrived with a declared full
// size: it takes chunks from next until the size is reached. A size
// smaller than the first part, a chunk past the size, or a message that is
// not a chunk is a protocol violation.
func ReadBody(first []byte, size int64, next func() (*pb.BodyChunk, error)) ([]byte, error) {
	if size == 0 || size == int64(len(first)) {
		return first, nil
	}
	if size < int64(len(first)) {
		return nil, fmt.Errorf("protocol violation: body of %d bytes declares size %d", len(first), size)
	}
	body := make([]byte, len(first), size)
	copy(body, first)
	for int64(len(body)) < size {
		c, err := next()
		if err != nil {
			return nil, err
		}
		if c == nil {
			return nil, fmt.Errorf("protocol violation: body chunk expected after %d of %d bytes", len(body), size)
		}
		if int64(len(body)+len(c.Data)) > size || len(c.Data) == 0 {
			return nil, fmt.Errorf("protocol violation: body chunk of %d bytes after %d of %d bytes", len(c.Data), len(body), size)
		}
		body = append(body, c.Data...)
	}
	return body, nil
}

// PackedRowSize is the size of one packed row.
func PackedRowSize(r office.Row) int {
	return uvarintLen(len(r.Key)) + len(r.Key) + uvarintLen(len(r.Data)) + len(r.Data)
}

func uvarintLen(n int) int {
	return len(binary.AppendUvarint(nil, uint64(n)))
}

// AppendRow appends one packed row to b.
func AppendRow(b []byte, r office.Row) []byte {
	b = binary.AppendUvarint(b, uint64(len(r.Key)))
	b = append(b, r.Key...)
	b = binary.AppendUvarint(b, uint64(len(r.Data)))
	return append(b, r.Data...)
}

// UnpackRows decodes a packed batch, appending to rows. The rows' Data
// share b's memory. A truncated or overlong batch is an error.
func UnpackRows(rows []office.Row, b []byte) ([]office.Row, error) {
	for off := 0; off < len(b); {
		var r office.Row
		for i := 0; i < 2; i++ {
			n, k := binary.Uvarint(b[off:])
			if k <= 0 || n > uint64(len(b)-off-k) {
				return nil, fmt.Errorf("protocol violation: packed rows: bad length at byte %d of %d", off, len(b))
			}
			off += k
			if i == 0 {
				r.Key = string(b[off : off+int(n)])
			} else {
				r.Data = b[off : off+int(n) : off+int(n)]
			}
			off += int(n)
		}
		rows = append(rows, r)
	}
	return rows, nil
}
