package host

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
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
	st, err := launch(ctx, c.p, c.opt, c.log, c.location, kindSpec{
		kind: wire.KindBeacon, set: &wire.BeaconPlugin{}, unavailable: beacon.ErrUnavailable, wrongKind: beacon.ErrRefused,
		remote: func(st *status.Status) error { return c.remote(st, "open") },
	})
	if err != nil {
		return nil, err
	}
	rpc, ok := st.raw.(pb.BeaconClient)
	if !ok {
		st.pc.Kill()
		return nil, pluginErrorf(c.p, "%w: dispensed %T, not a pb.BeaconClient", beacon.ErrUnavailable, st.raw)
	}
	return &beaconInstance{pc: st.pc, rpc: rpc}, nil
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
