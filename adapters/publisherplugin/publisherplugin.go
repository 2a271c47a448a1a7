// Package publisherplugin turns an office.Publisher into a publisher
// plugin (发布插件): a program that adapters/host starts and talks to over
// gRPC (ssj.adapters.v1, adapters/proto/publisher.proto) through
// hashicorp/go-plugin, to push the office's publications (公示) and
// credit-record entries (信用记录, R30) to a publication platform. A
// plugin's main is a few lines:
//
//	func main() {
//		publisherplugin.Serve("my platform", func(ctx context.Context, req publisherplugin.OpenRequest) (office.Publisher, error) {
//			return myplatform.New(req.Args, req.Location)
//		})
//	}
//
// The publisher must be idempotent by the publication's key (the host
// re-sends a publication whose receipt it did not get, with the same
// key) and its errors must wrap office's sentinel errors
// (ErrUnavailable: retry later; ErrPrecondition: refused): they travel to
// the host as gRPC status codes and come out there as the same
// sentinels. See adapters/plugins/publisher-gsxt and
// adapters/plugins/publisher-http.
package publisherplugin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/shuangsuiji/ssj/adapters/internal/wire"
	pb "github.com/shuangsuiji/ssj/adapters/proto/adaptersv1"
	"github.com/shuangsuiji/ssj/office"
)

// OpenRequest is what the opener receives: the plugin's arguments (from
// the host's config file) and the location the user named (e.g. a
// platform endpoint or a directory), which may be empty.
type OpenRequest struct {
	Args     []string
	Location string
}

// OpenFunc opens the plugin's publisher. It is called when the host asks
// for it, at most once per plugin process while it is open.
type OpenFunc func(ctx context.Context, req OpenRequest) (office.Publisher, error)

// Serve serves the publisher open returns to the host that started this
// process, and returns only when the host stops it. implementation names
// the publisher in the host's logs. A program run by hand (not by a
// host) prints a message and exits with status 1.
func Serve(implementation string, open OpenFunc) {
	logger := hclog.New(&hclog.LoggerOptions{Level: hclog.Trace, Output: os.Stderr, JSONFormat: true})
	s := NewServer(implementation, open)
	s.log = logger
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  wire.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{wire.ProtocolMajor: {wire.KindPublisher: &wire.PublisherPlugin{Impl: s}}},
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			return grpc.NewServer(append(opts, grpc.MaxRecvMsgSize(wire.MaxMessage), grpc.MaxSendMsgSize(wire.MaxMessage))...)
		},
		Logger: logger,
	})
}

// Server implements pb.PublisherServer over an office.Publisher. Serve
// runs one; tests may run one in process.
type Server struct {
	pb.UnimplementedPublisherServer
	impl string
	open OpenFunc
	log  hclog.Logger
	args []string

	mu  sync.Mutex
	pub office.Publisher
}

// NewServer returns a server of the publisher open returns.
func NewServer(implementation string, open OpenFunc) *Server {
	return &Server{impl: implementation, open: open, log: hclog.NewNullLogger(), args: os.Args[1:]}
}

// Open implements pb.PublisherServer.
func (s *Server) Open(ctx context.Context, req *pb.OpenRequest) (*pb.OpenResponse, error) {
	if req.ProtocolMajor != wire.ProtocolMajor {
		return nil, status.Errorf(codes.FailedPrecondition,
			"the host speaks protocol ssj.adapters.v%d, this plugin speaks ssj.adapters.v%d: use a plugin and a host of the same major version",
			req.ProtocolMajor, wire.ProtocolMajor)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pub == nil {
		p, err := s.open(ctx, OpenRequest{Args: s.args, Location: req.Location})
		if err != nil {
			return nil, status.Error(wire.Code(err), fmt.Sprintf("open: %v", err))
		}
		s.pub = p
		s.log.Debug("publisher opened", "implementation", s.impl)
	}
	return &pb.OpenResponse{ProtocolMajor: wire.ProtocolMajor, ProtocolMinor: wire.ProtocolMinor, Kind: wire.KindPublisher, Implementation: s.impl}, nil
}

// Close implements pb.PublisherServer.
func (s *Server) Close(context.Context, *pb.CloseRequest) (*pb.CloseResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pub == nil {
		return &pb.CloseResponse{}, nil
	}
	err := s.pub.Close()
	s.pub = nil
	if err != nil {
		return nil, status.Error(wire.Code(err), err.Error())
	}
	return &pb.CloseResponse{}, nil
}

// Publish implements pb.PublisherServer: it reads the header and the body
// chunks, checks the body's size and SHA-256, and hands the publication
// to the publisher.
func (s *Server) Publish(stream pb.Publisher_PublishServer) error {
	s.mu.Lock()
	p := s.pub
	s.mu.Unlock()
	if p == nil {
		return status.Error(codes.FailedPrecondition, "protocol violation: Publish before Open")
	}
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	h := first.GetHeader()
	if h == nil {
		return status.Error(codes.InvalidArgument, "protocol violation: a publication must start with its header")
	}
	pub, err := ReadPublication(h, func() (*pb.BodyChunk, error) {
		m, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return m.GetChunk(), nil
	})
	if err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	rc, err := p.Publish(stream.Context(), pub)
	if err != nil {
		s.log.Warn("publish failed", "key", pub.Key, "error", err)
		return status.Error(wire.Code(err), err.Error())
	}
	if rc.Key == "" {
		rc.Key = pub.Key
	}
	return stream.SendAndClose(wire.FromReceipt(rc))
}

// ReadPublication completes a publication from its header and the chunks
// next returns, checking its key, kind, size and SHA-256.
func ReadPublication(h *pb.PublishHeader, next func() (*pb.BodyChunk, error)) (office.Publication, error) {
	var pub office.Publication
	if h.IdempotencyKey == "" {
		return pub, errors.New("protocol violation: the publication has no idempotency key")
	}
	kind, err := wire.ToPublicationKind(h.Kind)
	if err != nil {
		return pub, err
	}
	if h.Size < 0 || h.Size > 1<<30 {
		return pub, fmt.Errorf("protocol violation: publication size %d", h.Size)
	}
	body, err := wire.ReadBody(h.Body, h.Size, next)
	if err != nil {
		return pub, err
	}
	sum := sha256.Sum256(body)
	if got := hex.EncodeToString(sum[:]); got != h.Sha256 {
		return pub, fmt.Errorf("publication %s: body SHA-256 %s differs from the header's %s", h.IdempotencyKey, got, h.Sha256)
	}
	return office.Publication{Key: h.IdempotencyKey, Kind: kind, Subject: h.Subject, MediaType: h.MediaType, Body: body, SHA256: h.Sha256}, nil
}
