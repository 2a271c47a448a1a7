// Command beaconfault is a beacon plugin that misbehaves, for the host's
// tests: it does not use beaconplugin.Serve (which verifies every value)
// but answers Fetch as -mode says:
//
//	forge    a value of the requested round carrying round 1000's real
//	         signature and randomness (well-formed, does not verify)
//	garbage  a value of another source and chain
//	hang     never answers, whatever the deadline
//	die      exits the process
package main

import (
	"context"
	"flag"
	"os"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"

	"github.com/shuangsuiji/ssj/adapters/internal/wire"
	pb "github.com/shuangsuiji/ssj/adapters/proto/adaptersv1"
)

// Round 1000 of quicknet (draw/testdata/drand/quicknet-beacons.json).
const (
	sig1000 = "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39"
	rnd1000 = "fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd"
)

type server struct {
	pb.UnimplementedBeaconServer
	mode string
}

func (s *server) Open(context.Context, *pb.OpenRequest) (*pb.OpenResponse, error) {
	return &pb.OpenResponse{ProtocolMajor: wire.ProtocolMajor, Kind: wire.KindBeacon, Implementation: "beaconfault " + s.mode}, nil
}

func (s *server) Fetch(_ context.Context, req *pb.FetchRequest) (*pb.BeaconValue, error) {
	switch s.mode {
	case "garbage":
		return &pb.BeaconValue{Source: "lottery", ChainHash: "00", Round: req.Round}, nil
	case "hang":
		select {}
	case "die":
		os.Exit(7)
	}
	return &pb.BeaconValue{Source: req.Source, ChainHash: "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
		Round: req.Round, Randomness: rnd1000, Signature: sig1000}, nil
}

func (s *server) Close(context.Context, *pb.CloseRequest) (*pb.CloseResponse, error) {
	return &pb.CloseResponse{}, nil
}

func main() {
	mode := flag.String("mode", "forge", "forge, garbage, hang or die")
	flag.Parse()
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  wire.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{wire.ProtocolMajor: {wire.KindBeacon: &wire.BeaconPlugin{Impl: &server{mode: *mode}}}},
		GRPCServer:       plugin.DefaultGRPCServer,
		Logger:           hclog.New(&hclog.LoggerOptions{Level: hclog.Warn, Output: os.Stderr, JSONFormat: true}),
	})
}
