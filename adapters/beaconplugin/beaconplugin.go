// Package beaconplugin turns an adapters/beacon.Beacon into a beacon
// plugin (随机信标插件): a program that adapters/host starts and talks to
// over gRPC (ssj.adapters.v1, adapters/proto/beacon.proto) through
// hashicorp/go-plugin. A plugin's main is a few lines:
//
//	func main() {
//		beaconplugin.Serve("my beacon", func(ctx context.Context, req beaconplugin.OpenRequest) (beacon.Beacon, error) {
//			return mybeacon.Open(req.Location)
//		})
//	}
//
// The server verifies every value the beacon returns with beacon.Check
// before it answers, and the host verifies it again: a plugin can make a
// draw wait, never take a value that does not verify. The beacon's errors
// should wrap office's sentinels (ErrNotFound: not published yet;
// ErrPrecondition: does not verify, unknown source; ErrUnavailable: the
// source cannot be reached): they travel to the host as gRPC status codes
// and come out there as the same sentinels. See adapters/plugins/beacon-drand.
package beaconplugin

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/shuangsuiji/ssj/adapters/beacon"
	"github.com/shuangsuiji/ssj/adapters/internal/wire"
	pb "github.com/shuangsuiji/ssj/adapters/proto/adaptersv1"
)

// OpenRequest is what the opener receives: the plugin's arguments (from
// the host's config file) and the location the host named (e.g. a drand
// relay's base URL), which may be empty.
type OpenRequest struct {
	Args     []string
	Location string
}

// OpenFunc opens the plugin's beacon, at most once per plugin process;
// ctx ends when the opening call does, so the beacon must not keep it.
type OpenFunc func(ctx context.Context, req OpenRequest) (beacon.Beacon, error)

// Serve serves the beacon open returns to the host that started this
// process, and returns only when the host stops it. implementation names
// the beacon in the host's logs. Serve refuses a host of another protocol
// major version. A program run by hand (not by a host) prints a message
// and exits with status 1.
func Serve(implementation string, open OpenFunc) {
	logger := hclog.New(&hclog.LoggerOptions{Level: hclog.Trace, Output: os.Stderr, JSONFormat: true})
	s := NewServer(implementation, open)
	s.log = logger
	go watchHost(logger, time.Second)
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  wire.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{wire.ProtocolMajor: {wire.KindBeacon: &wire.BeaconPlugin{Impl: s}}},
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			return grpc.NewServer(append(opts, grpc.MaxRecvMsgSize(wire.MaxMessage), grpc.MaxSendMsgSize(wire.MaxMessage))...)
		},
		Logger: logger,
	})
}

// watchHost ends the plugin process when the host that started it is
// gone (its parent process ID changes), as the store plugins do.
func watchHost(log hclog.Logger, every time.Duration) {
	host := os.Getppid()
	for range time.Tick(every) {
		if os.Getppid() != host {
			log.Error("the host process is gone; exiting", "host_pid", host)
			os.Exit(3)
		}
	}
}

// Server implements the Beacon service over a beacon.Beacon. Serve runs
// one; NewServer is for tests that run it in process.
type Server struct {
	pb.UnimplementedBeaconServer
	impl string
	open OpenFunc
	args []string
	log  hclog.Logger

	mu sync.Mutex
	b  beacon.Beacon
}

// NewServer returns a server for the beacon open returns; the opener
// receives this process's arguments.
func NewServer(implementation string, open OpenFunc) *Server {
	return &Server{impl: implementation, open: open, args: os.Args[1:], log: hclog.NewNullLogger()}
}

// Open implements pb.BeaconServer: it negotiates the protocol version and
// opens the beacon on the first call.
func (s *Server) Open(ctx context.Context, req *pb.OpenRequest) (*pb.OpenResponse, error) {
	if req.ProtocolMajor != wire.ProtocolMajor {
		return nil, status.Errorf(codes.FailedPrecondition,
			"the host speaks protocol ssj.adapters.v%d, this plugin speaks ssj.adapters.v%d: use a plugin and a host of the same major version",
			req.ProtocolMajor, wire.ProtocolMajor)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b == nil {
		b, err := s.open(ctx, OpenRequest{Args: s.args, Location: req.Location})
		if err != nil {
			return nil, status.Error(wire.Code(err), fmt.Sprintf("open: %v", err))
		}
		s.b = b
		s.log.Debug("beacon opened", "implementation", s.impl)
	}
	return &pb.OpenResponse{ProtocolMajor: wire.ProtocolMajor, ProtocolMinor: wire.ProtocolMinor, Kind: wire.KindBeacon, Implementation: s.impl}, nil
}

// Fetch implements pb.BeaconServer: the beacon's value, verified with
// beacon.Check before it is sent.
func (s *Server) Fetch(ctx context.Context, req *pb.FetchRequest) (*pb.BeaconValue, error) {
	s.mu.Lock()
	b := s.b
	s.mu.Unlock()
	if b == nil {
		return nil, status.Error(codes.FailedPrecondition, "fetch: the beacon is not open (call Open first)")
	}
	r := beacon.Request{Source: req.Source, Network: req.Network, Round: req.Round}
	if _, err := beacon.Chain(r); err != nil {
		return nil, status.Error(wire.Code(err), err.Error())
	}
	v, err := b.Fetch(ctx, r)
	if err == nil {
		err = beacon.Check(r, v)
	}
	if err != nil {
		s.log.Debug("fetch failed", "request", r.String(), "error", err) // the host reports it
		return nil, status.Error(wire.Code(err), err.Error())
	}
	return &pb.BeaconValue{Source: v.Source, ChainHash: v.ChainHash, Round: v.Round,
		Randomness: v.Randomness, Signature: v.Signature, PreviousSignature: v.PreviousSignature}, nil
}

// Close implements pb.BeaconServer.
func (s *Server) Close(context.Context, *pb.CloseRequest) (*pb.CloseResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b == nil {
		return &pb.CloseResponse{}, nil
	}
	err := s.b.Close()
	s.b = nil
	if err != nil {
		return nil, status.Error(wire.Code(err), err.Error())
	}
	return &pb.CloseResponse{}, nil
}
