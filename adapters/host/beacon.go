package host

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/go-hclog"
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
	p, err := h.plugin(name, wire.KindBeacon)
	if err != nil {
		return nil, err
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

	sup supervisor[pb.BeaconClient]
}

var _ beacon.Beacon = (*BeaconClient)(nil)

func (c *BeaconClient) errorf(format string, a ...any) error {
	return fmt.Errorf("beacon plugin %q: "+format, append([]any{c.p.Name}, a...)...)
}

// Starts reports how many plugin processes this client started.
func (c *BeaconClient) Starts() int { return c.sup.count() }

// Pid returns the running plugin process's ID, or 0.
func (c *BeaconClient) Pid() int { return c.sup.pid() }

func (c *BeaconClient) instance(ctx context.Context) (*proc[pb.BeaconClient], error) {
	return c.sup.get(c.log, func() error { return c.errorf("%w: the beacon is closed", beacon.ErrUnavailable) }, func() (*proc[pb.BeaconClient], error) { return c.start(ctx) })
}

func (c *BeaconClient) start(ctx context.Context) (*proc[pb.BeaconClient], error) {
	return launch[pb.BeaconClient](ctx, c.p, c.opt, c.log, c.location, kindSpec{
		kind: wire.KindBeacon, set: &wire.BeaconPlugin{}, unavailable: beacon.ErrUnavailable, wrongKind: beacon.ErrRefused,
		remote: func(st *status.Status) error { return c.remote(st, "open") },
	})
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
		if cerr := ended(ctx, err); cerr != nil {
			return beacon.Value{}, c.errorf("%s: %w: the plugin did not answer in time: %w", what, beacon.ErrUnavailable, cerr)
		}
		if st.Code() == codes.Unavailable && inst.pc.Exited() {
			c.sup.broke(inst)
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
	inst, live := c.sup.close()
	if inst == nil {
		return nil
	}
	defer inst.pc.Kill()
	if !live {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := inst.rpc.Close(ctx, &pb.CloseRequest{}); err != nil {
		return c.remote(status.Convert(err), "close")
	}
	return nil
}
