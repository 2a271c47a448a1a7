package host

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	"github.com/shuangsuiji/ssj/adapters/internal/wire"
	pb "github.com/shuangsuiji/ssj/adapters/proto/adaptersv1"
	"github.com/shuangsuiji/ssj/office"
)

// kindSpec is what differs between the plugin kinds when a plugin
// process is started: everything else (checksum, AutoMTLS, handshake,
// version negotiation, the Open call) is the same for every kind.
type kindSpec struct {
	kind        string        // wire.KindStore, wire.KindBeacon, wire.KindPublisher
	set         plugin.Plugin // the go-plugin plugin of the kind
	unavailable error         // the kind's "cannot reach it" sentinel
	wrongKind   error         // wrapped when the plugin says it is another kind
	// remote turns a status the plugin's Open returned into the kind's
	// error.
	remote func(st *status.Status) error
}

// opener is the Open call every kind's gRPC client has.
type opener interface {
	Open(ctx context.Context, in *pb.OpenRequest, opts ...grpc.CallOption) (*pb.OpenResponse, error)
}

// plugin returns the configured plugin called name, which must be of the
// given kind (ErrConfig otherwise).
func (h *Host) plugin(name, kind string) (Plugin, error) {
	p, ok := h.cfg.Lookup(name)
	if !ok {
		return p, fmt.Errorf("%w %s: no plugin named %q", ErrConfig, h.cfg.Source, name)
	}
	if p.Kind != kind {
		return p, fmt.Errorf("%w %s: plugin %q is a %s plugin, not a %s", ErrConfig, h.cfg.Source, name, p.Kind, kind)
	}
	return p, nil
}

// pluginErrorf formats an error of plugin p: `<kind> plugin "<name>": ...`.
func pluginErrorf(p Plugin, format string, a ...any) error {
	return fmt.Errorf("%s plugin %q: "+format, append([]any{p.Kind, p.Name}, a...)...)
}

// launch starts plugin p as a process of spec's kind: the binary must have
// the SHA-256 the config names (SecureConfig: it is never run otherwise),
// the connection is gRPC over AutoMTLS, and the plugin must speak this
// host's protocol major version and say it is of the kind; its dispensed
// client must be a T. location is handed to the plugin's opener. The process is killed on any failure.
func launch[T any](ctx context.Context, p Plugin, opt Options, log hclog.Logger, location string, spec kindSpec) (*proc[T], error) {
	sum, err := hex.DecodeString(p.SHA256)
	if err != nil || len(sum) != sha256.Size {
		return nil, pluginErrorf(p, "%w: sha256 %q is not 64 hex digits", ErrConfig, p.SHA256)
	}
	pc := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  wire.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{wire.ProtocolMajor: {spec.kind: spec.set}},
		Cmd:              exec.Command(p.Command, p.Args...),
		SecureConfig:     &plugin.SecureConfig{Checksum: sum, Hash: sha256.New()},
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		StartTimeout:     opt.StartTimeout,
		Logger:           log,
		GRPCDialOptions: []grpc.DialOption{grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(wire.MaxMessage), grpc.MaxCallSendMsgSize(wire.MaxMessage))},
	})
	fail := func(err error) (*proc[T], error) {
		pc.Kill()
		return nil, err
	}
	proto, err := pc.Client()
	if err != nil {
		return fail(startError(p, opt, spec.unavailable, err))
	}
	raw, err := proto.Dispense(spec.kind)
	if err != nil {
		return fail(pluginErrorf(p, "%w: dispense: %w", spec.unavailable, err))
	}
	rpc, ok := raw.(T)
	if !ok {
		return fail(pluginErrorf(p, "%w: dispensed %T, not a %s client", spec.unavailable, raw, spec.kind))
	}
	op, ok := raw.(opener)
	if !ok {
		return fail(pluginErrorf(p, "%w: dispensed %T, which has no Open", spec.unavailable, raw))
	}
	resp, err := op.Open(ctx, &pb.OpenRequest{ProtocolMajor: wire.ProtocolMajor, ProtocolMinor: wire.ProtocolMinor, Location: location})
	if err != nil {
		st := status.Convert(err)
		if wire.Sentinel(st.Code()) == office.ErrPrecondition && strings.Contains(st.Message(), "ssj.adapters.v") {
			return fail(pluginErrorf(p, "%w: %s", ErrVersion, st.Message()))
		}
		return fail(spec.remote(st))
	}
	if resp.ProtocolMajor != wire.ProtocolMajor {
		return fail(pluginErrorf(p, "%w: the plugin answered protocol major version %d; this host speaks ssj.adapters.v%d", ErrVersion, resp.ProtocolMajor, wire.ProtocolMajor))
	}
	if resp.Kind != spec.kind {
		return fail(pluginErrorf(p, "%w: the plugin says it is a %q plugin, not a %s", spec.wrongKind, resp.Kind, spec.kind))
	}
	log.Debug(spec.kind+" plugin open", "implementation", resp.Implementation, "minor", resp.ProtocolMinor)
	return &proc[T]{pc: pc, proto: proto, rpc: rpc}, nil
}

// startError explains why plugin p did not start; unavailable is its
// kind's sentinel for a plugin that cannot be reached.
func startError(p Plugin, opt Options, unavailable, err error) error {
	msg := err.Error()
	switch {
	case errors.Is(err, plugin.ErrChecksumsDoNotMatch):
		return pluginErrorf(p, "%w: %s does not have the SHA-256 the config names (%s); it was not started", ErrChecksum, p.Command, p.SHA256)
	case strings.Contains(msg, "incompatible API version"):
		return pluginErrorf(p, "%w: %s speaks another protocol major version than this host's ssj.adapters.v%d (%s): use a plugin built for ssj.adapters.v%d",
			ErrVersion, p.Command, wire.ProtocolMajor, msg, wire.ProtocolMajor)
	case strings.Contains(msg, "Unrecognized remote plugin message"):
		return pluginErrorf(p, "%w: %s is not an ssj plugin (it printed something else than the go-plugin handshake): %s", unavailable, p.Command, msg)
	case strings.Contains(msg, "timeout while waiting for plugin to start"):
		return pluginErrorf(p, "%w: %s did not answer the handshake within %s", unavailable, p.Command, opt.StartTimeout)
	}
	return pluginErrorf(p, "%w: start %s: %w", unavailable, p.Command, err)
}
