package host

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os/exec"
	"strings"
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
	"github.com/shuangsuiji/ssj/office"
)

// OpenBeacon starts the beacon plugin called name and opens its beacon;
// location (e.g. a drand relay's base URL, or empty for the plugin's
// arguments) is handed to the plugin's opener. The plugin is started now,
// so that a wrong checksum, a wrong version or a beacon that cannot be
// opened shows at once.
func (h *Host) OpenBeacon(ctx context.Context, name, location string) (*BeaconClient, error) {
	p, ok := h.cfg.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("%w %s: no plugin named %q", ErrConfig, h.cfg.Source, name)
	}
	if p.Kind != wire.KindBeacon {
		return nil, fmt.Errorf("%w %s: plugin %q is a %s plugin, not a beacon", ErrConfig, h.cfg.Source, name, p.Kind)
	}
	c := &BeaconClient{p: p, location: location, opt: h.opt, log: h.opt.Logger.Named(p.Name)}
	if _, err := c.instance(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// BeaconClient is a beacon.Beacon served by a plugin process. It is safe
// for concurrent use.
//
// Fetch verifies the plugin's answer with beacon.Check (the plugin's own
// check is not trusted): a value that does not verify is refused with a
// *beacon.VerifyError. A call whose context ends before the plugin
// answers returns beacon.ErrUnavailable wrapping the context's error. When
// the plugin process dies, the next call starts a fresh one.
type BeaconClient struct {
	p        Plugin
	location string
	opt      Options
	log      hclog.Logger

	mu     sync.Mutex
	inst   *beaconInstance
	closed bool
	starts int
}

var _ beacon.Beacon = (*BeaconClient)(nil)

type beaconInstance struct {
	pc     *plugin.Client
	rpc    pb.BeaconClient
	broken bool
}

func (c *BeaconClient) errorf(format string, a ...any) error {
	return fmt.Errorf("beacon plugin %q: "+format, append([]any{c.p.Name}, a...)...)
}

// Starts reports how many plugin processes this client started.
func (c *BeaconClient) Starts() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.starts
}

// Pid returns the running plugin process's ID, or 0.
func (c *BeaconClient) Pid() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inst == nil {
		return 0
	}
	if rc := c.inst.pc.ReattachConfig(); rc != nil {
		return rc.Pid
	}
	return 0
}

func (c *BeaconClient) instance(ctx context.Context) (*beaconInstance, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, c.errorf("%w: the beacon is closed", beacon.ErrUnavailable)
	}
	if c.inst != nil && !c.inst.broken && !c.inst.pc.Exited() {
		return c.inst, nil
	}
	if c.inst != nil {
		c.log.Warn("plugin process gone; starting a fresh one")
		c.inst.pc.Kill()
		c.inst = nil
	}
	inst, err := c.start(ctx)
	if err != nil {
		return nil, err
	}
	c.inst = inst
	c.starts++
	return inst, nil
}

func (c *BeaconClient) start(ctx context.Context) (*beaconInstance, error) {
	sum, err := hex.DecodeString(c.p.SHA256)
	if err != nil || len(sum) != sha256.Size {
		return nil, c.errorf("%w: sha256 %q is not 64 hex digits", ErrConfig, c.p.SHA256)
	}
	pc := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  wire.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{wire.ProtocolMajor: {wire.KindBeacon: &wire.BeaconPlugin{}}},
		Cmd:              exec.Command(c.p.Command, c.p.Args...),
		SecureConfig:     &plugin.SecureConfig{Checksum: sum, Hash: sha256.New()},
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		StartTimeout:     c.opt.StartTimeout,
		Logger:           c.log,
		GRPCDialOptions: []grpc.DialOption{grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(wire.MaxMessage), grpc.MaxCallSendMsgSize(wire.MaxMessage))},
	})
	fail := func(err error) (*beaconInstance, error) {
		pc.Kill()
		return nil, err
	}
	proto, err := pc.Client()
	if err != nil {
		return fail(c.startError(err))
	}
	raw, err := proto.Dispense(wire.KindBeacon)
	if err != nil {
		return fail(c.errorf("%w: dispense: %w", beacon.ErrUnavailable, err))
	}
	rpc, ok := raw.(pb.BeaconClient)
	if !ok {
		return fail(c.errorf("%w: dispensed %T, not a beacon client", beacon.ErrUnavailable, raw))
	}
	resp, err := rpc.Open(ctx, &pb.OpenRequest{ProtocolMajor: wire.ProtocolMajor, ProtocolMinor: wire.ProtocolMinor, Location: c.location})
	if err != nil {
		st := status.Convert(err)
		if wire.Sentinel(st.Code()) == office.ErrPrecondition && strings.Contains(st.Message(), "ssj.adapters.v") {
			return fail(c.errorf("%w: %s", ErrVersion, st.Message()))
		}
		return fail(c.remote(st, "open"))
	}
	if resp.ProtocolMajor != wire.ProtocolMajor {
		return fail(c.errorf("%w: the plugin answered protocol major version %d; this host speaks ssj.adapters.v%d", ErrVersion, resp.ProtocolMajor, wire.ProtocolMajor))
	}
	if resp.Kind != wire.KindBeacon {
		return fail(c.errorf("%w: the plugin says it is a %q plugin, not a beacon", beacon.ErrRefused, resp.Kind))
	}
	c.log.Debug("beacon plugin open", "implementation", resp.Implementation, "minor", resp.ProtocolMinor)
	return &beaconInstance{pc: pc, rpc: rpc}, nil
}

// startError explains why a plugin did not start.
func (c *BeaconClient) startError(err error) error {
	msg := err.Error()
	switch {
	case errors.Is(err, plugin.ErrChecksumsDoNotMatch):
		return c.errorf("%w: %s does not have the SHA-256 the config names (%s); it was not started", ErrChecksum, c.p.Command, c.p.SHA256)
	case strings.Contains(msg, "incompatible API version"):
		return c.errorf("%w: %s speaks another protocol major version than this host's ssj.adapters.v%d (%s): use a plugin built for ssj.adapters.v%d",
			ErrVersion, c.p.Command, wire.ProtocolMajor, msg, wire.ProtocolMajor)
	case strings.Contains(msg, "Unrecognized remote plugin message"):
		return c.errorf("%w: %s is not an ssj plugin (it printed something else than the go-plugin handshake): %s", beacon.ErrUnavailable, c.p.Command, msg)
	case strings.Contains(msg, "timeout while waiting for plugin to start"):
		return c.errorf("%w: %s did not answer the handshake within %s", beacon.ErrUnavailable, c.p.Command, c.opt.StartTimeout)
	}
	return c.errorf("%w: start %s: %w", beacon.ErrUnavailable, c.p.Command, err)
}

// remote turns a plugin's gRPC status into an error wrapping the beacon
// sentinel of its code (and so the office sentinel).
func (c *BeaconClient) remote(st *status.Status, what string) error {
	var s error
	switch wire.Sentinel(st.Code()) {
	case office.ErrNotFound:
		s = beacon.ErrNotFound
	case office.ErrPrecondition:
		s = beacon.ErrRefused
	case office.ErrUnavailable:
		s = beacon.ErrUnavailable
	default:
		return c.errorf("%s: %s: %s", what, st.Code(), st.Message())
	}
	return c.errorf("%s: %w: %s", what, s, st.Message())
}

// Fetch implements beacon.Beacon: the plugin's value for req, verified
// here with beacon.Check.
func (c *BeaconClient) Fetch(ctx context.Context, req beacon.Request) (beacon.Value, error) {
	what := "fetch " + req.String()
	if _, err := beacon.Chain(req); err != nil {
		return beacon.Value{}, c.errorf("%s: %w", what, err)
	}
	if err := ctx.Err(); err != nil {
		return beacon.Value{}, c.errorf("%s: %w: %w", what, beacon.ErrUnavailable, err)
	}
	inst, err := c.instance(ctx)
	if err != nil {
		return beacon.Value{}, err
	}
	m, err := inst.rpc.Fetch(ctx, &pb.FetchRequest{Source: req.Source, Network: req.Network, Round: req.Round})
	if err != nil {
		st := status.Convert(err)
		if cerr := ctx.Err(); cerr != nil {
			return beacon.Value{}, c.errorf("%s: %w: the plugin did not answer in time: %w", what, beacon.ErrUnavailable, cerr)
		}
		if st.Code() == codes.Unavailable && inst.pc.Exited() {
			c.mu.Lock()
			inst.broken = true
			c.mu.Unlock()
			return beacon.Value{}, c.errorf("%s: %w: the plugin stopped answering (%s); the next call starts a fresh plugin", what, beacon.ErrUnavailable, st.Message())
		}
		return beacon.Value{}, c.remote(st, what)
	}
	v := beacon.Value{Source: m.Source, ChainHash: m.ChainHash, Round: m.Round, Randomness: m.Randomness, Signature: m.Signature, PreviousSignature: m.PreviousSignature}
	if err := beacon.Check(req, v); err != nil {
		c.log.Error("the plugin handed over a value that does not verify", "request", req.String(), "error", err)
		return beacon.Value{}, c.errorf("%s: the plugin's value: %w", what, err)
	}
	return v, nil
}

// Close stops the plugin process; later calls return
// beacon.ErrUnavailable.
func (c *BeaconClient) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	inst := c.inst
	c.inst = nil
	if inst == nil {
		return nil
	}
	defer inst.pc.Kill()
	if inst.broken || inst.pc.Exited() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := inst.rpc.Close(ctx, &pb.CloseRequest{}); err != nil {
		return c.remote(status.Convert(err), "close")
	}
	return nil
}
