// Package host starts and talks to ssj plugins (插件): separate programs,
// named in a config file, that implement a Go interface of ssj over gRPC
// through hashicorp/go-plugin. For the store kind, OpenStore returns a
// *StoreClient: an office.Store that the office cannot tell apart from an
// in-process store.
//
// Every plugin start checks the binary's SHA-256 against the config
// before running it (go-plugin's SecureConfig), speaks gRPC only over
// mutual TLS with a fresh certificate per start (AutoMTLS), and needs the
// handshake cookie and protocol major version 1 (ssj.adapters.v1) on both
// sides; a plugin of another major version is refused with a message that
// says so. The plugin's log lines go through hclog to the host's logger.
//
// Errors cross the boundary as gRPC status codes: NotFound, Aborted
// (conflict), FailedPrecondition and Unavailable stand for office's
// ErrNotFound, ErrConflict, ErrPrecondition and ErrUnavailable, so
// errors.Is works on the host as it does in process. When the plugin
// process dies, the calls in flight fail with ErrUnavailable, their
// transactions are rolled back by the store, and the next Begin starts a
// fresh plugin process.
package host

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc/status"

	"github.com/shuangsuiji/ssj/adapters/internal/wire"
	pb "github.com/shuangsuiji/ssj/adapters/proto/adaptersv1"
	"github.com/shuangsuiji/ssj/office"
)

// RemoteError is an error a plugin returned; errors.Is finds the office
// sentinel its gRPC code stands for.
type RemoteError = wire.RemoteError

// ErrVersion is wrapped when a plugin speaks another protocol major
// version (it also wraps office.ErrPrecondition).
var ErrVersion = fmt.Errorf("plugin protocol version mismatch: %w", office.ErrPrecondition)

// ErrChecksum is wrapped when a plugin binary's SHA-256 differs from the
// config's: the binary was not started.
var ErrChecksum = errors.New("plugin binary checksum mismatch")

// DefaultStartTimeout is how long a plugin has to start and answer the
// handshake.
const DefaultStartTimeout = 20 * time.Second

// Options tune a Host.
type Options struct {
	// Logger receives the host's and the plugins' log lines; nil logs
	// warnings and errors to os.Stderr.
	Logger hclog.Logger
	// StartTimeout overrides DefaultStartTimeout when positive.
	StartTimeout time.Duration
}

// NewLogger returns an hclog logger writing to w at level ("trace",
// "debug", "info", "warn", "error" or "off").
func NewLogger(w io.Writer, level string) (hclog.Logger, error) {
	l := hclog.LevelFromString(level)
	if l == hclog.NoLevel {
		return nil, fmt.Errorf("plugin log level %q: want trace, debug, info, warn, error or off", level)
	}
	return hclog.New(&hclog.LoggerOptions{Name: "ssj-plugin", Level: l, Output: w}), nil
}

// Host starts the plugins of a config.
type Host struct {
	cfg *Config
	opt Options
}

// New returns a host for the plugins of cfg.
func New(cfg *Config, opt Options) *Host {
	if opt.Logger == nil {
		opt.Logger = hclog.New(&hclog.LoggerOptions{Name: "ssj-plugin", Level: hclog.Warn, Output: os.Stderr})
	}
	if opt.StartTimeout <= 0 {
		opt.StartTimeout = DefaultStartTimeout
	}
	return &Host{cfg: cfg, opt: opt}
}

// OpenStore starts the store plugin called name and opens its store;
// location (e.g. a postgres:// URL, or empty) is handed to the plugin's
// opener. The plugin is started now, so that a wrong checksum, a wrong
// version or a store that cannot be opened shows at once.
func (h *Host) OpenStore(ctx context.Context, name, location string) (*StoreClient, error) {
	p, err := h.plugin(name, wire.KindStore)
	if err != nil {
		return nil, err
	}
	c := &StoreClient{p: p, location: location, opt: h.opt, log: h.opt.Logger.Named(p.Name)}
	if _, err := c.instance(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// StoreClient is an office.Store served by a plugin process. It is safe
// for concurrent use, like every office.Store.
//
// Each transaction is one gRPC stream, bound to Begin's context: when
// that context ends, the transaction is aborted and the plugin rolls it
// back. A call whose own context ends first returns ErrUnavailable
// wrapping the context's error and aborts the transaction too, so no
// call waits on a hung plugin past its deadline. Commit and Rollback have
// no context of their own: Begin's bounds them.
type StoreClient struct {
	p        Plugin
	location string
	opt      Options
	log      hclog.Logger

	sup supervisor[pb.StoreClient]
}

var _ office.Store = (*StoreClient)(nil)

// Starts reports how many plugin processes this client started.
func (c *StoreClient) Starts() int { return c.sup.count() }

// Pid returns the running plugin process's ID, or 0.
func (c *StoreClient) Pid() int { return c.sup.pid() }

func (c *StoreClient) errorf(format string, a ...any) error {
	return fmt.Errorf("store plugin %q: "+format, append([]any{c.p.Name}, a...)...)
}

// instance returns the running plugin, starting a fresh one when there is
// none or the last one died.
func (c *StoreClient) instance(ctx context.Context) (*proc[pb.StoreClient], error) {
	return c.sup.get(c.log, func() error { return c.errorf("%w: the store is closed", office.ErrUnavailable) }, func() (*proc[pb.StoreClient], error) { return c.start(ctx) })
}

func (c *StoreClient) start(ctx context.Context) (*proc[pb.StoreClient], error) {
	return launch[pb.StoreClient](ctx, c.p, c.opt, c.log, c.location, kindSpec{
		kind: wire.KindStore, set: &wire.StorePlugin{}, unavailable: office.ErrUnavailable, wrongKind: office.ErrPrecondition,
		remote: func(st *status.Status) error {
			return &RemoteError{Plugin: c.p.Name, Code: st.Code(), Message: st.Message()}
		},
	})
}

// broke marks the process dead: the next call starts a fresh plugin.
func (c *StoreClient) broke(inst *proc[pb.StoreClient]) { c.sup.broke(inst) }

func (c *StoreClient) isBroken(inst *proc[pb.StoreClient]) bool { return c.sup.isBroken(inst) }

// Close closes the plugin's store and stops the plugin process; later
// calls return office.ErrUnavailable.
func (c *StoreClient) Close() error {
	inst, live := c.sup.close()
	if inst == nil {
		return nil
	}
	defer inst.pc.Kill()
	if !live {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := inst.rpc.Close(ctx, &pb.CloseRequest{}); err != nil {
		st := status.Convert(err)
		return &RemoteError{Plugin: c.p.Name, Code: st.Code(), Message: "close: " + st.Message()}
	}
	return nil
}

// Begin implements office.Store: one Transact stream per transaction.
func (c *StoreClient) Begin(ctx context.Context, writable bool) (office.Tx, error) {
	if err := ctx.Err(); err != nil {
		return nil, c.errorf("begin: %w: %w", office.ErrUnavailable, err)
	}
	for attempt := 0; ; attempt++ {
		inst, err := c.instance(ctx)
		if err != nil {
			return nil, err
		}
		t, err := c.begin(ctx, inst, writable)
		if err == nil {
			return t, nil
		}
		// A plugin found dead at Begin had no transaction of ours yet:
		// start a fresh one once.
		if attempt == 0 && c.isBroken(inst) && ctx.Err() == nil {
			continue
		}
		return nil, err
	}
}

func (c *StoreClient) begin(ctx context.Context, inst *proc[pb.StoreClient], writable bool) (*tx, error) {
	sctx, cancel := context.WithCancel(ctx)
	stream, err := inst.rpc.Transact(sctx)
	if err != nil {
		cancel()
		c.broke(inst)
		return nil, c.errorf("begin: %w: %w", office.ErrUnavailable, err)
	}
	t := &tx{c: c, inst: inst, stream: stream, cancel: cancel}
	err = t.call(ctx, "begin", &pb.TxRequest{Op: &pb.TxRequest_Begin{Begin: &pb.Begin{Writable: writable}}}, nil, t.expectDone)
	if err != nil {
		t.finish()
		return nil, err
	}
	return t, nil
}
